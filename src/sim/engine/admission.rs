//! [`Admission`]: the in-process rate limiter of every tenant, by dense tenant index, for
//! the algorithm the scenario chose (`[limiter] algorithm`).
//!
//! The token bucket keeps all tenants in one [`BucketSet`]; the window limiters
//! (fixed window, sliding log, sliding window) are the pure [`Limiter`]s of
//! [`patterns::window`](crate::patterns::window), keyed by tenant index, with the budget of
//! the scenario's bucket: `capacity` requests per window of `capacity / refill` seconds
//! ([`WindowConfig::of_bucket`]).
//!
//! The leaky queue keeps a [`QueueState`] per tenant (B = `capacity`, drained at
//! `refill_per_sec`, [`QueueConfig::of_bucket`]); it does not only allow or deny but
//! gives each accepted request its send time ([`Admission::offer`]).
//!
//! `adaptive-throttling` and `concurrency` learn from every admitted call's end
//! ([`Admission::on_done`], see `feedback.rs`); they ignore the budget.

use crate::patterns::Nanos;
use crate::patterns::limiter::{BucketConfig, BucketSet};
use crate::patterns::window::{Algorithm, Limiter, QueueConfig, QueueState, WindowConfig};

use super::feedback::{Answer, Concurrency, Throttles};

/// Every tenant's limiter, by tenant index.
#[derive(Debug, Clone)]
pub(super) enum Admission {
    /// A token bucket per tenant.
    Buckets(BucketSet),
    /// A window limiter over tenant indices, with its configuration.
    Window(Limiter<u32>, WindowConfig),
    /// A leaky queue per tenant, with their configuration.
    Queue(Vec<QueueState>, QueueConfig),
    /// Client-side adaptive throttling per tenant.
    Throttle(Throttles),
    /// An adaptive concurrency limit per tenant.
    Concurrency(Concurrency),
}

impl Admission {
    /// `tenants` limiters of `algorithm` with the budget of `bucket`; the feedback
    /// limiters draw from their own stream of `seed`.
    pub(super) fn new(
        algorithm: Algorithm,
        bucket: BucketConfig,
        tenants: usize,
        seed: u64,
    ) -> Self {
        match algorithm {
            Algorithm::LeakyQueue => {
                let queues = vec![QueueState::new(); tenants];
                return Admission::Queue(queues, QueueConfig::of_bucket(bucket));
            }
            Algorithm::AdaptiveThrottling => {
                return Admission::Throttle(Throttles::new(tenants, seed));
            }
            Algorithm::Concurrency => {
                return Admission::Concurrency(Concurrency::new(tenants, seed));
            }
            _ => {}
        }
        let config = WindowConfig::of_bucket(bucket);
        match Limiter::windowed(algorithm, config) {
            Some(limiter) => Admission::Window(limiter, config),
            None => Admission::Buckets(BucketSet::new(bucket, tenants)),
        }
    }

    /// Decide one request (cost 1) of `tenant` at `now`, counting it when allowed.
    #[inline]
    pub(super) fn allows(&mut self, tenant: usize, now: Nanos) -> bool {
        match self {
            // A cost of 1 never exceeds a capacity (at least 1), the only error.
            Admission::Buckets(b) => b.allows(tenant, 1, now).unwrap_or(false),
            Admission::Window(l, _) => l.allows(&(tenant as u32), now),
            Admission::Queue(..) => self.offer(tenant, now).is_some(),
            Admission::Throttle(t) => t.allows(tenant, now),
            Admission::Concurrency(c) => c.allows(tenant),
        }
    }

    /// Decide one request of `tenant` at `now`: when it may be sent (`now`, or for the
    /// leaky queue its turn, maybe later), or `None` when denied.
    #[inline]
    pub(super) fn offer(&mut self, tenant: usize, now: Nanos) -> Option<Nanos> {
        match self {
            Admission::Queue(queues, config) => queues.get_mut(tenant)?.offer(*config, now),
            _ => self.allows(tenant, now).then_some(now),
        }
    }

    /// Bring `tenant`'s limiter state into cache ahead of its check (a hint, see
    /// [`BucketSet::prefetch`]); nothing for the others.
    #[inline]
    pub(super) fn prefetch(&self, tenant: usize) {
        if let Admission::Buckets(b) = self {
            b.prefetch(tenant);
        }
    }

    /// An admitted call of `tenant`, sent at `sent_at`, ended at `now` with `answer`
    /// (every admitted call ends exactly once). Only the feedback limiters learn from it.
    pub(super) fn on_done(&mut self, tenant: usize, sent_at: Nanos, answer: Answer, now: Nanos) {
        match self {
            Admission::Buckets(_) | Admission::Window(..) | Admission::Queue(..) => {}
            Admission::Throttle(t) => t.on_done(tenant, answer, now),
            Admission::Concurrency(c) => c.on_done(tenant, sent_at, answer, now),
        }
    }

    /// A new budget from `now` on. The bucket keeps its tokens (capped); a window limiter
    /// starts afresh with the new limit and window (its counts are dropped: a window of
    /// another length does not continue the old one). A leaky queue keeps every tenant's
    /// queue: the requests waiting keep their send times, the next one is sent the new
    /// drain interval after the last, and what waits is counted as the time left to send
    /// it all in new intervals, rounded up (the number waiting while the rate is unchanged;
    /// a new B applies at once, and what already waits beyond it is still sent).
    pub(super) fn set_config(&mut self, bucket: BucketConfig, now: Nanos) {
        match self {
            Admission::Buckets(b) => b.set_config(bucket, now),
            Admission::Window(limiter, config) => {
                let fresh = WindowConfig::of_bucket(bucket);
                // Always `Some`: the algorithm is a window's.
                if let Some(l) = Limiter::windowed(limiter.algorithm(), fresh) {
                    (*limiter, *config) = (l, fresh);
                }
            }
            Admission::Queue(_, config) => *config = QueueConfig::of_bucket(bucket),
            // They take no budget.
            Admission::Throttle(_) | Admission::Concurrency(_) => {}
        }
    }

    /// What `tenant` has left at `now` out of how much (`capacity` the bucket's): tokens
    /// in its bucket; for a window limiter the limit less what it has used of the window
    /// (never below 0); for the leaky queue what it has waiting, out of B (see
    /// [`queue`](Self::queue)); for `concurrency` its limit less its calls in flight, out
    /// of its limit; for `adaptive-throttling` the % of its attempts the throttle lets
    /// through.
    pub(super) fn room(&self, tenant: usize, capacity: u32, now: Nanos) -> (f64, u32) {
        match self {
            Admission::Buckets(b) => (b.tokens_at(tenant, now), capacity),
            Admission::Window(l, config) => {
                let used = l.window_used(&(tenant as u32), now).unwrap_or(0.0);
                ((f64::from(config.limit()) - used).max(0.0), capacity)
            }
            Admission::Queue(queues, config) => {
                let waiting = queues.get(tenant).map_or(0, |q| q.waiting(*config, now));
                (f64::from(waiting), config.capacity())
            }
            Admission::Throttle(t) => (t.passing_percent(tenant, now), 100),
            Admission::Concurrency(c) => {
                let (in_flight, limit) = c.gauge(tenant);
                (f64::from(limit.saturating_sub(in_flight)), limit)
            }
        }
    }

    /// What each tenant's bar shows when it is not tokens or room in a window (the leaky
    /// queue's panel says it shows queues on its own).
    pub(super) fn shows(&self) -> Option<&'static str> {
        match self {
            Admission::Buckets(_) | Admission::Window(..) | Admission::Queue(..) => None,
            Admission::Throttle(_) => Some("% let through"),
            Admission::Concurrency(_) => Some("limit − in flight"),
        }
    }

    /// The window limiter's configuration (`None` for the token bucket).
    pub(super) fn window(&self) -> Option<WindowConfig> {
        match self {
            Admission::Buckets(_) | Admission::Throttle(_) | Admission::Concurrency(_) => None,
            Admission::Window(_, config) => Some(*config),
            Admission::Queue(..) => None,
        }
    }

    /// The leaky queue's configuration (`None` for the other algorithms).
    pub(super) fn queue(&self) -> Option<QueueConfig> {
        match self {
            Admission::Queue(_, config) => Some(*config),
            _ => None,
        }
    }

    /// Which algorithm decides.
    pub(super) fn algorithm(&self) -> Algorithm {
        match self {
            Admission::Buckets(_) => Algorithm::TokenBucket,
            Admission::Window(l, _) => l.algorithm(),
            Admission::Queue(..) => Algorithm::LeakyQueue,
            Admission::Throttle(_) => Algorithm::AdaptiveThrottling,
            Admission::Concurrency(_) => Algorithm::Concurrency,
        }
    }
}

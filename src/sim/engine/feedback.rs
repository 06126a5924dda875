//! The limiters that learn from the backend's answers (`adaptive-throttling`,
//! `concurrency`): per tenant, what [`Admission`](super::admission::Admission) runs for
//! them, fed every admitted call's end through [`Answer`].
//!
//! Their random draws (the throttle's rejections, Vegas's probe jitter) come from a stream
//! of their own seeded from the scenario's seed, apart from the arrivals and the service
//! draws, so two runs that differ only in their limiter see the same arrivals.

use rand::SeedableRng as _;
use rand::rngs::Xoshiro256PlusPlus;

use crate::patterns::Nanos;
use crate::patterns::breaker::Outcome;
use crate::patterns::concurrency::{Sample, VegasConfig, VegasLimit};
use crate::patterns::throttle::{AdaptiveThrottle, ThrottleConfig};
use crate::sim::limits::MAX_THROTTLE_TIMES;
use crate::sim::traffic::unit_f64;

/// Mixed into the scenario's seed for the feedback limiters' own random stream.
const FEEDBACK_STREAM: u64 = 0x3c6e_f372_fe94_f82b;

/// How an admitted call ended, as its tenant's limiter learns it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Answer {
    /// The backend accepted and served it.
    Success,
    /// It failed: an error, a timeout, or refused or overloaded at once.
    Failure,
    /// It never reached a server (every owner's breaker was open).
    ShortCircuited,
}

impl From<Outcome> for Answer {
    fn from(outcome: Outcome) -> Self {
        match outcome {
            Outcome::Success => Answer::Success,
            Outcome::Failure => Answer::Failure,
        }
    }
}

/// Client-side adaptive throttling per tenant (the SRE book's K = 2 over its 2-minute
/// window, [`ThrottleConfig::SRE_BOOK`]). `requests` are every attempt offered to the
/// throttle (those it rejects included), `accepts` the calls answered with success.
#[derive(Debug, Clone)]
pub(super) struct Throttles {
    tenants: Vec<AdaptiveThrottle>,
    rng: Xoshiro256PlusPlus,
}

impl Throttles {
    /// `tenants` throttles that have seen nothing, drawing from `seed`'s own stream; each
    /// remembers its share of [`MAX_THROTTLE_TIMES`] (at least 16) times of each kind.
    pub(super) fn new(tenants: usize, seed: u64) -> Self {
        let most = (MAX_THROTTLE_TIMES / tenants.max(1)).max(16);
        let throttle = AdaptiveThrottle::with_memory(ThrottleConfig::SRE_BOOK, most);
        Self {
            tenants: vec![throttle; tenants],
            rng: Xoshiro256PlusPlus::seed_from_u64(seed ^ FEEDBACK_STREAM),
        }
    }

    /// Decide one attempt of `tenant` at `now` (one draw of the throttle's stream).
    pub(super) fn allows(&mut self, tenant: usize, now: Nanos) -> bool {
        let draw = unit_f64(&mut self.rng);
        self.tenants[tenant].allows(draw, now)
    }

    /// An admitted call of `tenant` ended at `now`: a success is an accept.
    pub(super) fn on_done(&mut self, tenant: usize, answer: Answer, now: Nanos) {
        if answer == Answer::Success {
            self.tenants[tenant].record_accept(now);
        }
    }

    /// The share of `tenant`'s next attempts the throttle lets through at `now`, in %.
    pub(super) fn passing_percent(&self, tenant: usize, now: Nanos) -> f64 {
        100.0 * (1.0 - self.tenants[tenant].reject_probability_at(now))
    }
}

/// An adaptive concurrency limit per tenant (Vegas with the library's defaults,
/// [`VegasConfig::NETFLIX`]) and each tenant's calls in flight.
#[derive(Debug, Clone)]
pub(super) struct Concurrency {
    limits: Vec<VegasLimit>,
    in_flight: Vec<u32>,
    rng: Xoshiro256PlusPlus,
}

impl Concurrency {
    /// `tenants` limits at their initial value, nothing in flight.
    pub(super) fn new(tenants: usize, seed: u64) -> Self {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed ^ FEEDBACK_STREAM);
        let limits = (0..tenants)
            .map(|_| VegasLimit::new(VegasConfig::NETFLIX, unit_f64(&mut rng)))
            .collect();
        Self {
            limits,
            in_flight: vec![0; tenants],
            rng,
        }
    }

    /// Admit a call of `tenant` iff its calls in flight are below its limit (then it is
    /// in flight until [`on_done`](Self::on_done)).
    pub(super) fn allows(&mut self, tenant: usize) -> bool {
        let admitted = self.limits[tenant].admits(self.in_flight[tenant]);
        self.in_flight[tenant] += u32::from(admitted);
        admitted
    }

    /// An admitted call of `tenant`, sent at `sent_at`, ended at `now`: it leaves the
    /// calls in flight; a success or a failure (a drop) is a sample of the limit, with
    /// the calls in flight when it ended (itself included); a short-circuited call, which
    /// never reached a server, is not (the library's `onIgnore`).
    pub(super) fn on_done(&mut self, tenant: usize, sent_at: Nanos, answer: Answer, now: Nanos) {
        let in_flight = self.in_flight[tenant];
        self.in_flight[tenant] = in_flight.saturating_sub(1);
        if answer == Answer::ShortCircuited {
            return;
        }
        let sample = Sample {
            in_flight,
            dropped: answer == Answer::Failure,
            sent_at,
        };
        let draw = unit_f64(&mut self.rng);
        self.limits[tenant].record(sample, draw, now);
    }

    /// `tenant`'s calls in flight and its limit now.
    pub(super) fn gauge(&self, tenant: usize) -> (u32, u32) {
        (self.in_flight[tenant], self.limits[tenant].limit())
    }
}

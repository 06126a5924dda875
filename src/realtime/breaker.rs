//! [`SyncBreaker`]: the core behind a `Mutex`, with a monotonic clock.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use super::clock::Clock;
use super::stripes::StripedCounters;

use crate::patterns::Nanos;
use crate::patterns::breaker::{
    BreakerConfig, CircuitBreaker, Counters, FORCED_OPEN_RETRY_AFTER, Forced, Outcome, Permit,
    Rejected, State, TripPolicy,
};

/// Why [`SyncBreaker::call`] did not return the call's value.
///
/// Not `#[non_exhaustive]`: a call either did not run or ran and failed, so callers match
/// both arms to get their own error back; new reasons not to run go into [`Rejected`]
/// (which is non-exhaustive).
///
/// ```
/// use ringside::patterns::breaker::{BreakerConfig, State};
/// use ringside::realtime::{CallError, SyncBreaker};
///
/// #[derive(Debug, PartialEq)]
/// enum DbError {
///     NotFound,
///     Down,
/// }
///
/// let breaker = SyncBreaker::new(BreakerConfig::builder().failure_threshold(1).build()?);
/// // A missing row is the caller's business, not a sign that the database is failing.
/// let lookup = breaker.call_with(|e| *e == DbError::Down, || Err::<u32, _>(DbError::NotFound));
/// assert_eq!(lookup, Err(CallError::Failed(DbError::NotFound)));
/// assert_eq!(breaker.state(), State::Closed);
///
/// let _ = breaker.call(|| Err::<u32, _>(DbError::Down)); // opens the breaker
/// match breaker.call(|| Ok::<u32, DbError>(1)) {
///     Err(CallError::Rejected(rejected)) => {
///         assert!(rejected.to_string().starts_with("circuit open"));
///     }
///     other => panic!("the call should not have run: {other:?}"),
/// }
/// # Ok::<(), ringside::patterns::breaker::BreakerError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError<E> {
    /// The breaker did not admit the call; it was not run.
    Rejected(Rejected),
    /// The call ran and returned this error.
    Failed(E),
}

impl<E: fmt::Display> fmt::Display for CallError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Rejected(r) => write!(f, "{r}"),
            Self::Failed(e) => write!(f, "call failed: {e}"),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for CallError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Rejected(r) => Some(r),
            Self::Failed(e) => Some(e),
        }
    }
}

/// A thread-safe breaker for real clocks: a `Mutex<CircuitBreaker>` plus a monotonic
/// clock origin.
///
/// The core never reads a clock; this wrapper does: `now` is the
/// [`Instant`] elapsed since the origin (captured at construction), as [`Nanos`],
/// and all times in the inner breaker's history are on that timeline. The clock is
/// read lazily under the lock, only when the time matters (while open, or when an
/// outcome causes a transition), so the closed-state path never reads it and the
/// recorded times follow lock order. The lock is held only to acquire a permit and
/// to record the outcome, never while the protected call runs, so calls proceed
/// concurrently (bounded by the half-open probe limit).
///
/// Fast paths: while closed with no failure pending, admitting a call and recording
/// its success change nothing but counters, so they skip the lock: they read a
/// published word (generation, closed, clean) and bump counters striped by thread (no
/// cache line shared between two threads calling at once). Likewise a rejection while
/// open only needs the published reopening deadline and a *coarse* clock (on Linux
/// `CLOCK_MONOTONIC_COARSE`, the kernel's last tick, several times cheaper to read):
/// when that says the deadline is more than one tick away, the call is rejected without
/// reading the precise clock, with a `retry_after` about one tick (1–4 ms) longer than
/// the exact one; within one tick of the deadline the precise, locked path decides, so
/// the breaker half-opens on time (late only if the kernel itself is late with its
/// tick, by that delay; never early). Both fast paths are linearizable at the
/// read: a permit issued just before a transition is simply stale, as it would be had it
/// taken the lock first. Everything else (failures, probes, transitions) takes the lock.
///
/// ```
/// use std::sync::Arc;
/// use std::thread;
///
/// use ringside::patterns::breaker::{BreakerConfig, Rejected, State};
/// use ringside::realtime::{CallError, SyncBreaker};
///
/// let config = BreakerConfig::builder().failure_threshold(2).build()?;
/// let breaker = Arc::new(SyncBreaker::new(config));
/// assert_eq!(breaker.call(|| Ok::<u32, &str>(7)), Ok(7));
///
/// // Two threads see the service fail; together they open the breaker.
/// let workers: Vec<_> = (0..2)
///     .map(|_| {
///         let breaker = Arc::clone(&breaker);
///         thread::spawn(move || breaker.call(|| Err::<u32, _>("timeout")))
///     })
///     .collect();
/// for worker in workers {
///     assert_eq!(worker.join().unwrap(), Err(CallError::Failed("timeout")));
/// }
/// assert_eq!(breaker.state(), State::Open);
///
/// // Now calls fail fast, without running.
/// let rejected = breaker.call(|| Ok::<u32, &str>(7));
/// assert!(matches!(
///     rejected,
///     Err(CallError::Rejected(Rejected::Open { .. }))
/// ));
/// assert_eq!(breaker.counters().rejected, 1);
/// # Ok::<(), ringside::patterns::breaker::BreakerError>(())
/// ```
#[derive(Debug)]
pub struct SyncBreaker {
    inner: Mutex<CircuitBreaker>,
    clock: Clock,
    /// `generation << 1 | fast`, where `fast` = closed with no consecutive failure.
    /// Written under the lock after every change.
    word: AtomicU64,
    /// While open: time (ns) from which a probe may be admitted (`u64::MAX` when forced);
    /// 0 otherwise (0 also just sends callers to the locked path).
    open_until: AtomicU64,
    /// Calls, successes and rejections of the fast paths (not in the core's counters).
    fast: StripedCounters,
}

impl SyncBreaker {
    /// A closed breaker whose timeline starts now.
    pub fn new(config: BreakerConfig) -> Self {
        Self::from_breaker(CircuitBreaker::new(config), Instant::now())
    }

    /// Wraps an existing core; `origin` is time 0 of its timeline (share one origin
    /// between breakers to compare their transition times).
    pub fn from_breaker(breaker: CircuitBreaker, origin: Instant) -> Self {
        let word = AtomicU64::new(publish_word(&breaker));
        let open_until = AtomicU64::new(publish_open_until(&breaker));
        Self {
            inner: Mutex::new(breaker),
            clock: Clock::new(origin),
            word,
            open_until,
            fast: StripedCounters::default(),
        }
    }

    /// Time since the origin (saturating at [`Nanos::MAX`], ~584 years).
    pub fn now(&self) -> Nanos {
        self.clock.now()
    }

    /// The clock origin (time 0).
    pub fn origin(&self) -> Instant {
        self.clock.origin()
    }

    /// Run `f` if the breaker admits it, and record its result: `Ok` is a success,
    /// `Err` a failure. A panic in `f` is recorded as a failure, then propagates.
    pub fn call<T, E, F>(&self, f: F) -> Result<T, CallError<E>>
    where
        F: FnOnce() -> Result<T, E>,
    {
        self.call_with(|_| true, f)
    }

    /// Like [`call`](Self::call), but an error only counts as a failure when
    /// `is_failure` says so (e.g. a "not found" is the caller's fault, not the
    /// service's); other errors are recorded as successes and still returned.
    pub fn call_with<T, E, F, P>(&self, is_failure: P, f: F) -> Result<T, CallError<E>>
    where
        F: FnOnce() -> Result<T, E>,
        P: FnOnce(&E) -> bool,
    {
        let permit = self.acquire().map_err(CallError::Rejected)?;
        // Records a failure if `f` unwinds, so a probe slot can never leak.
        let guard = PanicGuard {
            breaker: self,
            permit: Some(permit),
        };
        let result = f();
        let outcome = match &result {
            Ok(_) => Outcome::Success,
            Err(e) if is_failure(e) => Outcome::Failure,
            Err(_) => Outcome::Success,
        };
        guard.finish(outcome);
        result.map_err(CallError::Failed)
    }

    /// Ask to make a call now (see [`CircuitBreaker::acquire`]).
    pub fn acquire(&self) -> Result<Permit, Rejected> {
        let word = self.word.load(Ordering::Acquire);
        if word & 1 == 1 {
            self.fast.call();
            return Ok(Permit {
                generation: word >> 1,
                probe: false,
                acquired_at: Nanos::ZERO,
            });
        }
        let open_until = Nanos::from_nanos(self.open_until.load(Ordering::Acquire));
        if open_until != Nanos::ZERO {
            // The coarse time lags by at most one tick: `coarse + lag < open_until`
            // proves the precise time is before the deadline too.
            let now = self.clock.coarse_now();
            if now + self.clock.coarse_lag() < open_until {
                self.fast.rejected();
                let retry_after = if open_until == FORCED_OPEN_RETRY_AFTER {
                    FORCED_OPEN_RETRY_AFTER
                } else {
                    open_until - now
                };
                return Err(Rejected::Open { retry_after });
            }
        }
        self.with_core(|cb| cb.acquire_with_clock(|| self.now()))
    }

    /// Record the outcome of a permitted call now (see [`CircuitBreaker::record`]).
    pub fn record(&self, permit: Permit, outcome: Outcome) {
        if outcome == Outcome::Success && !permit.probe {
            let word = self.word.load(Ordering::Acquire);
            if word & 1 == 1 && word >> 1 == permit.generation {
                self.fast.success();
                return;
            }
        }
        self.with_core(|cb| cb.record_with_clock(permit, outcome, || self.now()));
    }

    /// Give a permit back without an outcome (see [`CircuitBreaker::cancel`]).
    pub fn cancel(&self, permit: Permit) {
        self.with_core(|cb| cb.cancel(permit));
    }

    /// Current state (see [`CircuitBreaker::state_at`]: an elapsed open breaker
    /// reports half-open).
    pub fn state(&self) -> State {
        let now = self.now();
        self.lock().state_at(now)
    }

    /// Counters.
    pub fn counters(&self) -> Counters {
        let mut c = self.lock().counters();
        let fast = self.fast.totals();
        c.calls += fast.calls;
        c.successes += fast.successes;
        c.rejected += fast.rejected;
        c
    }

    /// Force open now (see [`CircuitBreaker::force_open`]).
    pub fn force_open(&self) {
        let now = self.now();
        self.with_core(|cb| cb.force_open(now));
    }

    /// Force closed now (see [`CircuitBreaker::force_closed`]).
    pub fn force_closed(&self) {
        let now = self.now();
        self.with_core(|cb| cb.force_closed(now));
    }

    /// Reset now (see [`CircuitBreaker::reset`]).
    pub fn reset(&self) {
        let now = self.now();
        self.with_core(|cb| cb.reset(now));
    }

    /// Change the configuration (see [`CircuitBreaker::set_config`]).
    pub fn set_config(&self, config: BreakerConfig) {
        self.with_core(|cb| cb.set_config(config));
    }

    /// Read the core under the lock (history, generation…); keep `f` short.
    /// Its [`counters`](CircuitBreaker::counters) omit fast-path calls,
    /// successes and rejections: use [`SyncBreaker::counters`] for totals.
    pub fn inspect<R>(&self, f: impl FnOnce(&CircuitBreaker) -> R) -> R {
        f(&self.lock())
    }

    /// Mutate the core under the lock, then publish the fast-path word.
    fn with_core<R>(&self, f: impl FnOnce(&mut CircuitBreaker) -> R) -> R {
        let mut core = self.lock();
        let r = f(&mut core);
        self.word.store(publish_word(&core), Ordering::Release);
        self.open_until
            .store(publish_open_until(&core), Ordering::Release);
        r
    }

    /// The core's methods never panic, so a poisoned lock still guards a consistent
    /// breaker: recover it instead of propagating the poison.
    fn lock(&self) -> MutexGuard<'_, CircuitBreaker> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn publish_word(cb: &CircuitBreaker) -> u64 {
    // A window policy judges every call (and times it), so only consecutive has a fast path.
    let fast = cb.config().policy() == TripPolicy::Consecutive
        && cb.state() == State::Closed
        && cb.consecutive_failures() == 0;
    (cb.generation() << 1) | u64::from(fast)
}

/// The `open_until` word (ns) for `cb`.
fn publish_open_until(cb: &CircuitBreaker) -> u64 {
    let until = match (cb.state(), cb.forced()) {
        (State::Open, Some(Forced::Open)) => FORCED_OPEN_RETRY_AFTER,
        // A deadline past Nanos::MAX saturates and reads as "never", like forced open.
        (State::Open, _) => cb.changed_at() + cb.config().recovery_timeout(),
        _ => Nanos::ZERO,
    };
    until.as_nanos()
}

struct PanicGuard<'a> {
    breaker: &'a SyncBreaker,
    permit: Option<Permit>,
}

impl PanicGuard<'_> {
    fn finish(mut self, outcome: Outcome) {
        if let Some(permit) = self.permit.take() {
            self.breaker.record(permit, outcome);
        }
    }
}

impl Drop for PanicGuard<'_> {
    fn drop(&mut self) {
        if let Some(permit) = self.permit.take() {
            self.breaker.record(permit, Outcome::Failure);
        }
    }
}

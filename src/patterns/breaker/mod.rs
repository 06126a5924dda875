//! Circuit breaker with the tutorial's semantics and its bugs fixed.
//!
//! Closed counts consecutive failures (a success resets the count);
//! `failure_threshold` of them open it. After `recovery_timeout_ns` the next
//! acquire moves it to half-open, which admits at most `half_open_max_probes`
//! concurrent probes; `success_threshold` successes close it, any failure re-opens it.
//! Use is two-step — [`CircuitBreaker::acquire`] a [`Permit`], run the call without any
//! lock held, then [`CircuitBreaker::record`] the outcome — and results for permits of an
//! older generation (issued before a state change) are ignored.
//!
//! Operators can [`force_open`](CircuitBreaker::force_open),
//! [`force_closed`](CircuitBreaker::force_closed) and [`reset`](CircuitBreaker::reset);
//! every state change is kept in a bounded history with its time and [`Reason`].
//!
//! * [`CircuitBreaker`]: the pure core — no clock, no lock, no allocation after
//!   construction; time is the caller's `now` in nanoseconds.
//! * `ringside::realtime::SyncBreaker` (feature `realtime`): a `Mutex` around the core
//!   plus a monotonic clock, with `call` for real code. Nothing in `patterns` reads a clock.
//! * [`Registry`]: one core breaker per service name, created on first use.

use std::collections::VecDeque;

use thiserror::Error;

mod registry;

pub use registry::Registry;

/// Breaker state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    /// Calls pass; consecutive failures are counted.
    Closed,
    /// Calls are rejected until the recovery timeout has passed.
    Open,
    /// A limited number of probe calls decide whether to close or re-open.
    HalfOpen,
}

/// Why a transition happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    /// `failure_threshold` consecutive failures while closed.
    FailureThreshold,
    /// The recovery timeout elapsed and a call arrived.
    RecoveryTimeout,
    /// A probe failed while half-open.
    ProbeFailed,
    /// `success_threshold` probes succeeded.
    ProbesSucceeded,
    /// An operator forced it open.
    ForcedOpen,
    /// An operator forced it closed.
    ForcedClosed,
    /// An operator reset it.
    Reset,
}

/// One recorded transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    /// When (ns, caller's timeline).
    pub at: u64,
    /// State before.
    pub from: State,
    /// State after.
    pub to: State,
    /// Why.
    pub reason: Reason,
}

/// Breaker parameters, valid by construction: built with [`BreakerConfig::builder`] (or
/// [`Default`], the tutorial's values).
///
/// ```
/// use ringside::patterns::breaker::{BreakerConfig, BreakerError};
///
/// let config = BreakerConfig::builder()
///     .failure_threshold(3)
///     .recovery_timeout_ns(250_000_000)
///     .build()?;
/// assert_eq!(config.failure_threshold(), 3);
/// assert_eq!(config.success_threshold(), 3); // the default
/// assert!(BreakerConfig::builder().success_threshold(0).build().is_err());
/// # Ok::<(), BreakerError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BreakerConfig {
    failure_threshold: u32,
    recovery_timeout_ns: u64,
    success_threshold: u32,
    half_open_max_probes: u32,
    history: usize,
}

impl BreakerConfig {
    /// A builder starting from the defaults.
    pub const fn builder() -> BreakerConfigBuilder {
        BreakerConfigBuilder(DEFAULT_CONFIG)
    }

    /// A builder starting from this configuration, to change some of it.
    pub const fn to_builder(self) -> BreakerConfigBuilder {
        BreakerConfigBuilder(self)
    }

    /// Consecutive failures that open a closed breaker (≥ 1).
    pub const fn failure_threshold(&self) -> u32 {
        self.failure_threshold
    }

    /// Nanoseconds an open breaker waits before admitting probes.
    pub const fn recovery_timeout_ns(&self) -> u64 {
        self.recovery_timeout_ns
    }

    /// Probe successes needed to close (≥ 1).
    pub const fn success_threshold(&self) -> u32 {
        self.success_threshold
    }

    /// Concurrent probes admitted while half-open (≥ 1).
    pub const fn half_open_max_probes(&self) -> u32 {
        self.half_open_max_probes
    }

    /// Transitions kept in the history (oldest dropped first).
    pub const fn history(&self) -> usize {
        self.history
    }
}

/// The tutorial's defaults: 5 failures, 60 s recovery, 3 successes; 1 probe at a time.
const DEFAULT_CONFIG: BreakerConfig = BreakerConfig {
    failure_threshold: 5,
    recovery_timeout_ns: 60_000_000_000,
    success_threshold: 3,
    half_open_max_probes: 1,
    history: 64,
};

impl Default for BreakerConfig {
    /// The tutorial's defaults: 5 failures, 60 s recovery, 3 successes; 1 probe at a time.
    fn default() -> Self {
        DEFAULT_CONFIG
    }
}

/// Builds a [`BreakerConfig`]; [`build`](Self::build) checks it. Every setter is `const`, so
/// a configuration can be a constant.
///
/// ```
/// use ringside::patterns::breaker::BreakerConfig;
///
/// const GUARD: BreakerConfig = match BreakerConfig::builder().failure_threshold(2).build() {
///     Ok(config) => config,
///     Err(_) => panic!("a valid configuration"),
/// };
/// assert_eq!(GUARD.failure_threshold(), 2);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use = "call build() to get the configuration"]
pub struct BreakerConfigBuilder(BreakerConfig);

impl BreakerConfigBuilder {
    /// Consecutive failures that open a closed breaker (≥ 1).
    pub const fn failure_threshold(mut self, n: u32) -> Self {
        self.0.failure_threshold = n;
        self
    }

    /// Nanoseconds an open breaker waits before admitting probes.
    pub const fn recovery_timeout_ns(mut self, ns: u64) -> Self {
        self.0.recovery_timeout_ns = ns;
        self
    }

    /// Probe successes needed to close (≥ 1).
    pub const fn success_threshold(mut self, n: u32) -> Self {
        self.0.success_threshold = n;
        self
    }

    /// Concurrent probes admitted while half-open (≥ 1).
    pub const fn half_open_max_probes(mut self, n: u32) -> Self {
        self.0.half_open_max_probes = n;
        self
    }

    /// Transitions kept in the history (0 keeps none).
    pub const fn history(mut self, n: usize) -> Self {
        self.0.history = n;
        self
    }

    /// The configuration, or [`BreakerError::ZeroThreshold`] naming a threshold or probe
    /// limit of 0.
    pub const fn build(self) -> Result<BreakerConfig, BreakerError> {
        let c = self.0;
        if c.failure_threshold == 0 {
            return Err(BreakerError::ZeroThreshold("failure_threshold"));
        }
        if c.success_threshold == 0 {
            return Err(BreakerError::ZeroThreshold("success_threshold"));
        }
        if c.half_open_max_probes == 0 {
            return Err(BreakerError::ZeroThreshold("half_open_max_probes"));
        }
        Ok(c)
    }
}

/// Invalid breaker configuration.
///
/// ```
/// use ringside::patterns::breaker::{BreakerConfig, BreakerError};
///
/// let err = BreakerConfig::builder().failure_threshold(0).build().unwrap_err();
/// assert_eq!(err, BreakerError::ZeroThreshold("failure_threshold"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum BreakerError {
    /// A threshold or probe limit of 0.
    #[error("{0} must be at least 1")]
    ZeroThreshold(&'static str),
}

/// Permission to make one call; hand it back to [`CircuitBreaker::record`] (or
/// [`cancel`](CircuitBreaker::cancel)).
///
/// Only a breaker issues permits: the fields are private and a permit is neither `Clone`
/// nor `Copy`, so each one is recorded at most once.
///
/// ```
/// use ringside::patterns::breaker::{BreakerConfig, CircuitBreaker, Outcome};
///
/// let mut breaker = CircuitBreaker::new(BreakerConfig::default());
/// let permit = breaker.acquire(0).expect("closed");
/// assert!(!permit.is_probe());
/// breaker.record(permit, Outcome::Success, 1_000);
/// ```
#[derive(Debug, PartialEq, Eq)]
#[must_use = "record the outcome of the call with CircuitBreaker::record"]
pub struct Permit {
    /// Generation of the breaker when issued.
    pub(crate) generation: u64,
    /// Whether this permit is a half-open probe.
    pub(crate) probe: bool,
}

impl Permit {
    /// Generation of the breaker when the permit was issued.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Whether this permit is a half-open probe.
    pub fn is_probe(&self) -> bool {
        self.probe
    }
}

/// Why a call was not admitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum Rejected {
    /// Open: retry after this many nanoseconds.
    #[error("circuit open; retry in {retry_after_ns} ns")]
    Open {
        /// Nanoseconds until probes are admitted.
        retry_after_ns: u64,
    },
    /// Half-open and all probe slots are taken.
    #[error("circuit half-open; probe limit reached")]
    ProbeLimit,
}

/// Outcome of a protected call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The call succeeded.
    Success,
    /// The call failed.
    Failure,
}

/// Call counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counters {
    /// Calls admitted.
    pub calls: u64,
    /// Successes recorded.
    pub successes: u64,
    /// Failures recorded.
    pub failures: u64,
    /// Calls rejected.
    pub rejected: u64,
}

/// `retry_after_ns` reported while forced open: there is no timeout to wait for.
pub const FORCED_OPEN_RETRY_AFTER_NS: u64 = u64::MAX;

/// An operator override in effect (see [`CircuitBreaker::forced`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Forced {
    /// Held open by [`CircuitBreaker::force_open`]: rejects everything, no timeout.
    Open,
    /// Held closed by [`CircuitBreaker::force_closed`]: admits everything, ignores failures.
    Closed,
}

/// A single-threaded breaker core (`&mut self`); wrap it in `realtime::SyncBreaker` to share.
///
/// Generations: the generation is bumped on every state change and on every operator
/// action (force open/closed, reset), even one that leaves the state unchanged, because
/// an operator action starts a fresh epoch. A [`Permit`] from another generation is
/// *stale*: recording it changes neither the state nor the consecutive counts, but the
/// call did happen, so it still counts in [`Counters::successes`] / [`Counters::failures`]
/// (keeping `successes + failures <= calls`).
///
/// Transition times are clamped to be non-decreasing: a `now` earlier than the last
/// transition (e.g. two threads reading a clock then racing for the lock) is treated
/// as the time of that transition.
#[derive(Debug, Clone)]
pub struct CircuitBreaker {
    config: BreakerConfig,
    state: State,
    forced: Option<Forced>,
    generation: u64,
    /// Closed: consecutive failures so far.
    consecutive_failures: u32,
    /// Half-open: probe successes so far.
    probe_successes: u32,
    /// Half-open: probe permits issued and not yet recorded or cancelled.
    probes_in_flight: u32,
    /// Time of the last state change (opening time while open).
    changed_at: u64,
    counters: Counters,
    history: VecDeque<Transition>,
}

impl CircuitBreaker {
    /// A closed breaker. The history's storage is allocated here, once.
    pub fn new(config: BreakerConfig) -> Self {
        Self {
            config,
            state: State::Closed,
            forced: None,
            generation: 0,
            consecutive_failures: 0,
            probe_successes: 0,
            probes_in_flight: 0,
            changed_at: 0,
            counters: Counters::default(),
            history: VecDeque::with_capacity(config.history),
        }
    }

    /// Ask to make a call at `now`.
    ///
    /// An open breaker whose recovery timeout has elapsed (`now - opened_at >=
    /// recovery_timeout_ns`) moves to half-open here, at `now`, and this call becomes
    /// its first probe. While forced open the rejection carries
    /// [`FORCED_OPEN_RETRY_AFTER_NS`].
    #[inline]
    pub fn acquire(&mut self, now: u64) -> Result<Permit, Rejected> {
        self.acquire_with_clock(|| now)
    }

    /// [`acquire`](Self::acquire) with a lazily read clock: `now` is called at most
    /// once, and only when the time matters (while open). A closed breaker never
    /// calls it, which keeps clock reads off the hot path of `realtime::SyncBreaker`.
    #[inline]
    pub fn acquire_with_clock(&mut self, now: impl FnOnce() -> u64) -> Result<Permit, Rejected> {
        match self.state {
            State::Closed => {
                self.counters.calls += 1;
                Ok(Permit {
                    generation: self.generation,
                    probe: false,
                })
            }
            State::Open => {
                let now = now();
                let retry_after_ns = self.retry_after_open(now);
                if retry_after_ns > 0 {
                    self.counters.rejected += 1;
                    return Err(Rejected::Open { retry_after_ns });
                }
                self.transition(State::HalfOpen, Reason::RecoveryTimeout, now);
                Ok(self.issue_probe())
            }
            State::HalfOpen => {
                if self.probes_in_flight >= self.config.half_open_max_probes {
                    self.counters.rejected += 1;
                    return Err(Rejected::ProbeLimit);
                }
                Ok(self.issue_probe())
            }
        }
    }

    /// Record the outcome of a permitted call at `now`.
    ///
    /// A stale permit (another generation) only updates the counters. A current probe
    /// permit releases its probe slot.
    #[inline]
    pub fn record(&mut self, permit: Permit, outcome: Outcome, now: u64) {
        self.record_with_clock(permit, outcome, || now);
    }

    /// [`record`](Self::record) with a lazily read clock: `now` is called at most
    /// once, and only when the outcome causes a transition.
    #[inline]
    pub fn record_with_clock(
        &mut self,
        permit: Permit,
        outcome: Outcome,
        now: impl FnOnce() -> u64,
    ) {
        match outcome {
            Outcome::Success => self.counters.successes += 1,
            Outcome::Failure => self.counters.failures += 1,
        }
        if permit.generation != self.generation {
            return;
        }
        match (self.state, outcome) {
            (State::Closed, Outcome::Success) => self.consecutive_failures = 0,
            (State::Closed, Outcome::Failure) => {
                if self.forced == Some(Forced::Closed) {
                    return;
                }
                self.consecutive_failures = self.consecutive_failures.saturating_add(1);
                if self.consecutive_failures >= self.config.failure_threshold {
                    self.transition(State::Open, Reason::FailureThreshold, now());
                }
            }
            (State::HalfOpen, _) if permit.probe => {
                self.probes_in_flight = self.probes_in_flight.saturating_sub(1);
                if outcome == Outcome::Failure {
                    self.transition(State::Open, Reason::ProbeFailed, now());
                } else {
                    self.probe_successes = self.probe_successes.saturating_add(1);
                    if self.probe_successes >= self.config.success_threshold {
                        self.transition(State::Closed, Reason::ProbesSucceeded, now());
                    }
                }
            }
            // Open never issues permits, and half-open only issues probes: a current
            // permit here was not issued by this breaker, so it changes nothing.
            _ => {}
        }
    }

    /// Give a permit back without an outcome (the call was never made, or was
    /// abandoned): a current probe permit frees its slot; nothing else changes.
    pub fn cancel(&mut self, permit: Permit) {
        if permit.probe && permit.generation == self.generation && self.state == State::HalfOpen {
            self.probes_in_flight = self.probes_in_flight.saturating_sub(1);
        }
    }

    /// Current state (an open breaker past its timeout still reports `Open`
    /// until the next acquire moves it).
    pub fn state(&self) -> State {
        self.state
    }

    /// The state an [`acquire`](Self::acquire) at `now` would see: like
    /// [`state`](Self::state), but an open breaker whose timeout has elapsed by `now`
    /// reports `HalfOpen`. For drawing; changes nothing.
    pub fn state_at(&self, now: u64) -> State {
        if self.state == State::Open && self.retry_after_open(now) == 0 {
            State::HalfOpen
        } else {
            self.state
        }
    }

    /// Nanoseconds until an open breaker admits a probe, as of `now`; `None` when an
    /// acquire at `now` would not be rejected as open. Forced open gives
    /// [`FORCED_OPEN_RETRY_AFTER_NS`].
    pub fn retry_after(&self, now: u64) -> Option<u64> {
        if self.state != State::Open {
            return None;
        }
        match self.retry_after_open(now) {
            0 => None,
            ns => Some(ns),
        }
    }

    /// The operator override in effect, if any.
    pub fn forced(&self) -> Option<Forced> {
        self.forced
    }

    /// Consecutive failures counted while closed.
    pub fn consecutive_failures(&self) -> u32 {
        self.consecutive_failures
    }

    /// Probe successes counted in the current half-open period.
    pub fn probe_successes(&self) -> u32 {
        self.probe_successes
    }

    /// Probe permits outstanding in the current half-open period.
    pub fn probes_in_flight(&self) -> u32 {
        self.probes_in_flight
    }

    /// Time of the last state change (the opening time while open); 0 before any.
    pub fn changed_at(&self) -> u64 {
        self.changed_at
    }

    /// The configuration.
    pub fn config(&self) -> BreakerConfig {
        self.config
    }

    /// Change the configuration; the state, counts and generation are kept.
    ///
    /// New thresholds apply from the next acquire/record (a count already at or over
    /// a lowered threshold trips on the next matching outcome). A smaller `history`
    /// drops the oldest transitions; this call may allocate.
    pub fn set_config(&mut self, config: BreakerConfig) {
        if self.history.len() > config.history {
            let excess = self.history.len() - config.history;
            self.history.drain(..excess);
        }
        if config.history > self.history.capacity() {
            self.history
                .reserve_exact(config.history - self.history.len());
        } else {
            self.history.shrink_to(config.history);
        }
        self.config = config;
    }

    /// Current generation (bumped on each transition and operator action).
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Transitions, oldest first (bounded by `config.history`).
    pub fn transitions(
        &self,
    ) -> impl ExactSizeIterator<Item = &Transition> + DoubleEndedIterator + '_ {
        self.history.iter()
    }

    /// Counters.
    pub fn counters(&self) -> Counters {
        self.counters
    }

    /// Force open at `now` (stays open, rejecting, ignoring the recovery timeout,
    /// until forced closed or reset). Recorded as a `ForcedOpen` transition unless
    /// already open.
    pub fn force_open(&mut self, now: u64) {
        self.forced = Some(Forced::Open);
        self.operator_change(State::Open, Reason::ForcedOpen, now);
    }

    /// Force closed at `now` (stays closed, admitting everything and ignoring
    /// failures, until reset). Recorded as a `ForcedClosed` transition unless
    /// already closed.
    pub fn force_closed(&mut self, now: u64) {
        self.forced = Some(Forced::Closed);
        self.operator_change(State::Closed, Reason::ForcedClosed, now);
    }

    /// Back to a plain closed breaker at `now`: override cleared, consecutive and probe
    /// counts zeroed, permits issued before now stale. [`Counters`] are cumulative
    /// traffic totals and are kept. Recorded as a `Reset` transition unless already closed.
    pub fn reset(&mut self, now: u64) {
        self.forced = None;
        self.operator_change(State::Closed, Reason::Reset, now);
    }

    fn operator_change(&mut self, to: State, reason: Reason, now: u64) {
        if self.state == to {
            // No transition, but a new epoch: outstanding permits become stale.
            self.new_epoch();
        } else {
            self.transition(to, reason, now);
        }
    }

    #[inline]
    fn issue_probe(&mut self) -> Permit {
        self.probes_in_flight += 1;
        self.counters.calls += 1;
        Permit {
            generation: self.generation,
            probe: true,
        }
    }

    /// While open: ns left before a probe is admitted (0 = admit now).
    #[inline]
    fn retry_after_open(&self, now: u64) -> u64 {
        if self.forced == Some(Forced::Open) {
            return FORCED_OPEN_RETRY_AFTER_NS;
        }
        let elapsed = now.saturating_sub(self.changed_at);
        self.config.recovery_timeout_ns.saturating_sub(elapsed)
    }

    #[cold]
    /// A new generation with fresh counts: permits issued before it become stale.
    fn new_epoch(&mut self) {
        self.generation = self.generation.wrapping_add(1);
        self.consecutive_failures = 0;
        self.probe_successes = 0;
        self.probes_in_flight = 0;
    }

    fn transition(&mut self, to: State, reason: Reason, now: u64) {
        let at = now.max(self.changed_at);
        let from = self.state;
        self.state = to;
        self.changed_at = at;
        self.new_epoch();
        if self.config.history == 0 {
            return;
        }
        if self.history.len() >= self.config.history {
            self.history.pop_front();
        }
        self.history.push_back(Transition {
            at,
            from,
            to,
            reason,
        });
    }
}

#[cfg(test)]
mod tests;

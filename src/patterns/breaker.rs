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
//! STUB: signatures are the contract; bodies are being implemented.

use thiserror::Error;

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

/// Breaker parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BreakerConfig {
    /// Consecutive failures that open a closed breaker (≥ 1).
    pub failure_threshold: u32,
    /// Nanoseconds an open breaker waits before admitting probes.
    pub recovery_timeout_ns: u64,
    /// Probe successes needed to close (≥ 1).
    pub success_threshold: u32,
    /// Concurrent probes admitted while half-open (≥ 1).
    pub half_open_max_probes: u32,
    /// Transitions kept in the history (oldest dropped first).
    pub history: usize,
}

impl Default for BreakerConfig {
    /// The tutorial's defaults: 5 failures, 60 s recovery, 3 successes; 1 probe at a time.
    fn default() -> Self {
        Self {
            failure_threshold: 5,
            recovery_timeout_ns: 60_000_000_000,
            success_threshold: 3,
            half_open_max_probes: 1,
            history: 64,
        }
    }
}

/// Invalid breaker configuration.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BreakerError {
    /// A threshold or probe limit of 0.
    #[error("{0} must be at least 1")]
    ZeroThreshold(&'static str),
}

/// Permission to make one call; hand it back to [`CircuitBreaker::record`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use = "record the outcome of the call with CircuitBreaker::record"]
pub struct Permit {
    /// Generation of the breaker when issued.
    pub generation: u64,
    /// Whether this permit is a half-open probe.
    pub probe: bool,
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

/// A single-threaded breaker core (`&mut self`); wrap it in [`SyncBreaker`] to share.
#[derive(Debug, Clone)]
pub struct CircuitBreaker {
    _private: (),
}

impl CircuitBreaker {
    /// A closed breaker.
    pub fn new(config: BreakerConfig) -> Result<Self, BreakerError> {
        let _ = config;
        todo!()
    }
    /// Ask to make a call at `now`.
    pub fn acquire(&mut self, now: u64) -> Result<Permit, Rejected> {
        let _ = now;
        todo!()
    }
    /// Record the outcome of a permitted call at `now`.
    pub fn record(&mut self, permit: Permit, outcome: Outcome, now: u64) {
        let _ = (permit, outcome, now);
        todo!()
    }
    /// Current state (an open breaker past its timeout still reports `Open`
    /// until the next acquire moves it).
    pub fn state(&self) -> State {
        todo!()
    }
    /// The configuration.
    pub fn config(&self) -> BreakerConfig {
        todo!()
    }
    /// Change the configuration; the state is kept.
    pub fn set_config(&mut self, config: BreakerConfig) -> Result<(), BreakerError> {
        let _ = config;
        todo!()
    }
    /// Current generation (bumped on each transition).
    pub fn generation(&self) -> u64 {
        todo!()
    }
    /// Transitions, oldest first (bounded by `config.history`).
    pub fn transitions(&self) -> impl ExactSizeIterator<Item = &Transition> + '_ {
        [].iter()
    }
    /// Counters.
    pub fn counters(&self) -> Counters {
        todo!()
    }
    /// Force open at `now` (stays open until forced closed or reset).
    pub fn force_open(&mut self, now: u64) {
        let _ = now;
        todo!()
    }
    /// Force closed at `now` (stays closed, ignoring failures, until reset).
    pub fn force_closed(&mut self, now: u64) {
        let _ = now;
        todo!()
    }
    /// Back to a plain closed breaker with zero counts.
    pub fn reset(&mut self, now: u64) {
        let _ = now;
        todo!()
    }
}

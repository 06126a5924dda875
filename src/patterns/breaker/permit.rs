//! The call protocol: a [`Permit`] to call (or why the call was [`Rejected`]), then the
//! call's [`Outcome`].

use thiserror::Error;

use crate::patterns::Nanos;

/// Permission to make one call; hand it back to [`CircuitBreaker::record`](super::CircuitBreaker::record) (or
/// [`cancel`](super::CircuitBreaker::cancel)).
///
/// Only a breaker issues permits: the fields are private and a permit is neither `Clone`
/// nor `Copy`, so each one is recorded at most once.
///
/// ```
/// use ringside::patterns::Nanos;
/// use ringside::patterns::breaker::{BreakerConfig, CircuitBreaker, Outcome};
///
/// let mut breaker = CircuitBreaker::new(BreakerConfig::default());
/// let permit = breaker.acquire(Nanos::ZERO).expect("closed");
/// assert!(!permit.is_probe());
/// breaker.record(permit, Outcome::Success, Nanos::from_micros(1));
/// ```
#[derive(Debug, PartialEq, Eq)]
#[must_use = "record the outcome of the call with CircuitBreaker::record"]
pub struct Permit {
    /// Generation of the breaker when issued.
    pub(crate) generation: u64,
    /// Whether this permit is a half-open probe.
    pub(crate) probe: bool,
    /// When it was issued, for a window policy's slow calls (zero under the consecutive
    /// policy, which never reads the clock to issue one while closed).
    pub(crate) acquired_at: Nanos,
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

    /// When the permit was issued (zero when the breaker did not need the time).
    pub fn acquired_at(&self) -> Nanos {
        self.acquired_at
    }
}

/// Why a call was not admitted.
///
/// ```
/// use ringside::patterns::Nanos;
/// use ringside::patterns::breaker::{BreakerConfig, CircuitBreaker, Outcome, Rejected};
///
/// let ns = Nanos::from_nanos;
/// let config = BreakerConfig::builder()
///     .failure_threshold(1)
///     .recovery_timeout(ns(1_000))
///     .build()?;
/// let mut breaker = CircuitBreaker::new(config);
/// let permit = breaker.acquire(ns(0)).expect("closed");
/// breaker.record(permit, Outcome::Failure, ns(0));
///
/// // Open: the rejection says how long to wait.
/// let rejected = breaker.acquire(ns(400));
/// assert_eq!(rejected, Err(Rejected::Open { retry_after: ns(600) }));
/// assert_eq!(rejected.unwrap_err().to_string(), "circuit open; retry in 600ns");
/// // Half-open: one probe at a time (the default); the others are turned away.
/// let probe = breaker.acquire(ns(1_000)).expect("the first probe");
/// assert!(probe.is_probe());
/// assert_eq!(breaker.acquire(ns(1_001)), Err(Rejected::ProbeLimit));
/// breaker.cancel(probe);
/// # Ok::<(), ringside::patterns::breaker::BreakerError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum Rejected {
    /// Open: retry after this long.
    #[error("circuit open; retry in {retry_after}")]
    Open {
        /// How long until probes are admitted.
        retry_after: Nanos,
    },
    /// Half-open and all probe slots are taken.
    #[error("circuit half-open; probe limit reached")]
    ProbeLimit,
}

/// Outcome of a protected call.
///
/// Closed, failures count only while consecutive: a success starts the count again.
///
/// ```
/// use ringside::patterns::Nanos;
/// use ringside::patterns::breaker::{BreakerConfig, CircuitBreaker, Outcome, State};
///
/// let mut breaker = CircuitBreaker::new(BreakerConfig::default()); // 5 failures open it
/// let results: [Result<(), &str>; 4] = [Err("timeout"), Err("timeout"), Ok(()), Err("reset")];
/// for (now, result) in (0..).map(Nanos::from_millis).zip(results) {
///     let permit = breaker.acquire(now).expect("closed");
///     let outcome = if result.is_ok() {
///         Outcome::Success
///     } else {
///         Outcome::Failure
///     };
///     breaker.record(permit, outcome, now);
/// }
/// assert_eq!(breaker.consecutive_failures(), 1);
/// assert_eq!(breaker.state(), State::Closed);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// The call succeeded.
    Success,
    /// The call failed.
    Failure,
}

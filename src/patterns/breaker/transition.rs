//! [`Transition`]: one recorded state change, and its [`Reason`].

use super::state::State;
use crate::patterns::Nanos;

/// Why a transition happened: the breaker's own rules or an operator.
///
/// ```
/// use ringside::patterns::Nanos;
/// use ringside::patterns::breaker::{BreakerConfig, CircuitBreaker, Outcome, Reason};
///
/// let ms = Nanos::from_millis;
/// let mut breaker = CircuitBreaker::new(BreakerConfig::builder().failure_threshold(1).build()?);
/// let permit = breaker.acquire(ms(0)).expect("closed");
/// breaker.record(permit, Outcome::Failure, ms(0));
/// breaker.force_open(ms(10)); // already open: nothing to record
/// breaker.reset(ms(20));
/// breaker.force_open(ms(30));
///
/// let reasons: Vec<Reason> = breaker.transitions().map(|t| t.reason).collect();
/// assert_eq!(
///     reasons,
///     [Reason::FailureThreshold, Reason::Reset, Reason::ForcedOpen]
/// );
/// let by_operator = reasons
///     .iter()
///     .filter(|r| matches!(r, Reason::ForcedOpen | Reason::ForcedClosed | Reason::Reset))
///     .count();
/// assert_eq!(by_operator, 2);
/// # Ok::<(), ringside::patterns::breaker::BreakerError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Reason {
    /// `failure_threshold` consecutive failures while closed.
    FailureThreshold,
    /// A window policy's failure or slow-call rate reached its threshold while closed.
    RateThreshold,
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
///
/// The history of a breaker that opened, waited out its recovery timeout and closed again
/// after one good probe:
///
/// ```
/// use ringside::patterns::Nanos;
/// use ringside::patterns::breaker::{BreakerConfig, CircuitBreaker, Outcome, Reason, State};
///
/// let ns = Nanos::from_nanos;
/// let config = BreakerConfig::builder()
///     .failure_threshold(1)
///     .recovery_timeout(ns(1_000))
///     .success_threshold(1)
///     .build()?;
/// let mut breaker = CircuitBreaker::new(config);
/// let permit = breaker.acquire(ns(0)).expect("closed");
/// breaker.record(permit, Outcome::Failure, ns(10));
/// let probe = breaker.acquire(ns(1_010)).expect("half-open");
/// breaker.record(probe, Outcome::Success, ns(1_020));
///
/// let log: Vec<_> = breaker
///     .transitions()
///     .map(|t| (t.at.as_nanos(), t.from, t.to))
///     .collect();
/// assert_eq!(
///     log,
///     [
///         (10, State::Closed, State::Open),
///         (1_010, State::Open, State::HalfOpen),
///         (1_020, State::HalfOpen, State::Closed),
///     ]
/// );
/// let last = breaker.transitions().last().unwrap();
/// assert_eq!(last.reason, Reason::ProbesSucceeded);
/// # Ok::<(), ringside::patterns::breaker::BreakerError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    /// When, on the caller's timeline.
    pub at: Nanos,
    /// State before.
    pub from: State,
    /// State after.
    pub to: State,
    /// Why.
    pub reason: Reason,
}

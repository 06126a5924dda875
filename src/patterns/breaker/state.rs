//! [`State`] of a breaker and the operator override [`Forced`].

/// Breaker state.
///
/// ```
/// use ringside::patterns::Nanos;
/// use ringside::patterns::breaker::{BreakerConfig, CircuitBreaker, Outcome, State};
///
/// let recovery = Nanos::from_micros(1);
/// let config = BreakerConfig::builder()
///     .failure_threshold(1)
///     .recovery_timeout(recovery)
///     .build()?;
/// let mut breaker = CircuitBreaker::new(config);
/// assert_eq!(breaker.state(), State::Closed);
///
/// let permit = breaker.acquire(Nanos::ZERO).expect("closed");
/// breaker.record(permit, Outcome::Failure, Nanos::ZERO);
/// assert_eq!(breaker.state(), State::Open);
/// // What an acquire would see once the recovery timeout has passed; reading changes nothing.
/// assert_eq!(breaker.state_at(recovery), State::HalfOpen);
/// assert_eq!(breaker.state(), State::Open);
/// # Ok::<(), ringside::patterns::breaker::BreakerError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum State {
    /// Calls pass; consecutive failures are counted.
    Closed,
    /// Calls are rejected until the recovery timeout has passed.
    Open,
    /// A limited number of probe calls decide whether to close or re-open.
    HalfOpen,
}

/// An operator override in effect (see [`CircuitBreaker::forced`](super::CircuitBreaker::forced)).
///
/// ```
/// use ringside::patterns::Nanos;
/// use ringside::patterns::breaker::{
///     BreakerConfig, CircuitBreaker, FORCED_OPEN_RETRY_AFTER, Forced, Rejected,
/// };
///
/// let ns = Nanos::from_nanos;
/// let mut breaker = CircuitBreaker::new(BreakerConfig::default());
/// breaker.force_open(ns(0)); // e.g. take a failing dependency out of service
/// assert_eq!(breaker.forced(), Some(Forced::Open));
/// let retry_after = FORCED_OPEN_RETRY_AFTER; // no timeout to wait for
/// assert_eq!(breaker.acquire(ns(10)), Err(Rejected::Open { retry_after }));
///
/// breaker.reset(ns(20));
/// assert_eq!(breaker.forced(), None);
/// assert!(breaker.acquire(ns(30)).is_ok());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Forced {
    /// Held open by [`CircuitBreaker::force_open`](super::CircuitBreaker::force_open): rejects everything, no timeout.
    Open,
    /// Held closed by [`CircuitBreaker::force_closed`](super::CircuitBreaker::force_closed): admits everything, ignores failures.
    Closed,
}

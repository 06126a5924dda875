//! [`Counters`]: a breaker's call totals.

/// Call counters: cumulative traffic totals, kept across state changes and resets.
///
/// ```
/// use ringside::patterns::breaker::{BreakerConfig, CircuitBreaker, Counters, Outcome};
///
/// let mut breaker = CircuitBreaker::new(BreakerConfig::builder().failure_threshold(1).build()?);
/// let permit = breaker.acquire(0).expect("closed");
/// breaker.record(permit, Outcome::Success, 1);
/// let permit = breaker.acquire(2).expect("closed");
/// breaker.record(permit, Outcome::Failure, 3); // opens it
/// assert!(breaker.acquire(4).is_err());
/// breaker.reset(5);
///
/// let totals = Counters {
///     calls: 2,
///     successes: 1,
///     failures: 1,
///     rejected: 1,
/// };
/// assert_eq!(breaker.counters(), totals);
/// # Ok::<(), ringside::patterns::breaker::BreakerError>(())
/// ```
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

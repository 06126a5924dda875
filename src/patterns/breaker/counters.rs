//! [`Counters`]: a breaker's call totals.

/// Call counters: cumulative traffic totals, kept across state changes and resets.
///
/// ```
/// use ringside::patterns::Nanos;
/// use ringside::patterns::breaker::{BreakerConfig, CircuitBreaker, Counters, Outcome};
///
/// let ns = Nanos::from_nanos;
///
/// let mut breaker = CircuitBreaker::new(BreakerConfig::builder().failure_threshold(1).build()?);
/// let permit = breaker.acquire(ns(0)).expect("closed");
/// breaker.record(permit, Outcome::Success, ns(1));
/// let permit = breaker.acquire(ns(2)).expect("closed");
/// breaker.record(permit, Outcome::Failure, ns(3)); // opens it
/// assert!(breaker.acquire(ns(4)).is_err());
/// breaker.reset(ns(5));
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

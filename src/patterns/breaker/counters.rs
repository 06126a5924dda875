//! [`Counters`]: a breaker's call totals.

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

//! [`Decision`]: the outcome of one limiter check.

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Decision {
    /// Whether the request was admitted (and its cost taken).
    pub allowed: bool,
    /// Tokens left after this decision (fractional: refill is continuous).
    pub remaining: f64,
    /// When denied: nanoseconds to wait so that the same check then succeeds. 0 when allowed.
    pub retry_after_ns: u64,
    /// Nanoseconds until the bucket is full again (0 when full).
    pub full_after_ns: u64,
}

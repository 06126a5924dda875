//! [`Decision`]: the outcome of one limiter check.

/// The outcome of one check.
///
/// ```
/// use ringside::patterns::NANOS_PER_SEC;
/// use ringside::patterns::limiter::{BucketConfig, Decision, LimiterError, TokenBucket};
///
/// let mut bucket = TokenBucket::new(BucketConfig::new(10, 2.0)?); // 10 tokens, 2/s
/// let taken = Decision {
///     allowed: true,
///     remaining: 6.0,
///     retry_after_ns: 0,
///     full_after_ns: 2 * NANOS_PER_SEC, // 4 tokens at 2/s
/// };
/// assert_eq!(bucket.check(4, 0)?, taken);
///
/// // 8 more do not fit: 2 are missing, 1 s at 2 tokens/s. Nothing is taken.
/// let denied = Decision {
///     allowed: false,
///     retry_after_ns: NANOS_PER_SEC,
///     ..taken
/// };
/// assert_eq!(bucket.check(8, 0)?, denied);
/// // An HTTP server would answer 429 with `Retry-After` in whole seconds, rounded up.
/// assert_eq!(denied.retry_after_ns.div_ceil(NANOS_PER_SEC), 1);
/// # Ok::<(), LimiterError>(())
/// ```
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

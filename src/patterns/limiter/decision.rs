//! [`Decision`]: the outcome of one limiter check.

use crate::patterns::Nanos;

/// The outcome of one check.
///
/// ```
/// use ringside::patterns::{NANOS_PER_SEC, Nanos};
/// use ringside::patterns::limiter::{BucketConfig, Decision, LimiterError, TokenBucket};
///
/// let mut bucket = TokenBucket::new(BucketConfig::new(10, 2.0)?); // 10 tokens, 2/s
/// let taken = Decision {
///     allowed: true,
///     remaining: 6.0,
///     retry_after: Nanos::ZERO,
///     full_after: Nanos::from_secs(2), // 4 tokens at 2/s
/// };
/// assert_eq!(bucket.check(4, Nanos::ZERO)?, taken);
///
/// // 8 more do not fit: 2 are missing, 1 s at 2 tokens/s. Nothing is taken.
/// let denied = Decision {
///     allowed: false,
///     retry_after: Nanos::from_secs(1),
///     ..taken
/// };
/// assert_eq!(bucket.check(8, Nanos::ZERO)?, denied);
/// // An HTTP server would answer 429 with `Retry-After` in whole seconds, rounded up.
/// assert_eq!(denied.retry_after.as_nanos().div_ceil(NANOS_PER_SEC), 1);
/// # Ok::<(), LimiterError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Decision {
    /// Whether the request was admitted (and its cost taken).
    pub allowed: bool,
    /// Tokens left after this decision (fractional: refill is continuous).
    pub remaining: f64,
    /// When denied: how long to wait so that the same check then succeeds. Zero when
    /// allowed.
    pub retry_after: Nanos,
    /// How long until the bucket is full again (zero when full).
    pub full_after: Nanos,
}

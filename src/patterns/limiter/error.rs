//! [`LimiterError`]: why a limiter configuration or check failed.

use thiserror::Error;

/// Errors from limiter configuration and checks.
///
/// ```
/// use ringside::patterns::Nanos;
/// use ringside::patterns::limiter::{BucketConfig, LimiterError, TokenBucket};
///
/// let mut bucket = TokenBucket::new(BucketConfig::new(3, 1.0).unwrap());
/// let err = bucket.check(4, Nanos::ZERO).unwrap_err();
/// assert_eq!(err, LimiterError::CostExceedsCapacity { cost: 4, capacity: 3 });
/// ```
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum LimiterError {
    /// Capacity must be at least 1.
    #[error("bucket capacity must be at least 1")]
    ZeroCapacity,
    /// Refill rate must be finite and > 0.
    #[error("refill rate must be a finite number of tokens per second greater than 0, got {0}")]
    InvalidRate(f64),
    /// A cost above capacity could never be admitted.
    #[error("cost {cost} exceeds bucket capacity {capacity}: it could never be admitted")]
    CostExceedsCapacity {
        /// Requested cost.
        cost: u32,
        /// Bucket capacity.
        capacity: u32,
    },
    /// A [`BucketSet`](super::BucketSet) index out of range.
    #[error("no bucket {0} in this set")]
    NoSuchBucket(usize),
}

//! [`BucketConfig`]: the parameters of a token bucket.

use super::error::LimiterError;

/// Parameters of a token bucket, valid by construction: only [`BucketConfig::new`] builds
/// one.
///
/// ```
/// use ringside::patterns::limiter::{BucketConfig, LimiterError};
///
/// let config = BucketConfig::new(20, 10.0)?; // burst 20, 10 tokens/s
/// assert_eq!((config.capacity(), config.refill_per_sec()), (20, 10.0));
/// assert_eq!(BucketConfig::new(0, 1.0), Err(LimiterError::ZeroCapacity));
/// # Ok::<(), LimiterError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BucketConfig {
    capacity: u32,
    refill_per_sec: f64,
}

impl BucketConfig {
    /// A configuration of `capacity` tokens (the burst, at least 1) refilled continuously at
    /// `refill_per_sec` tokens per second (finite and > 0).
    ///
    /// Errors: [`LimiterError::ZeroCapacity`], [`LimiterError::InvalidRate`].
    pub fn new(capacity: u32, refill_per_sec: f64) -> Result<Self, LimiterError> {
        if capacity == 0 {
            return Err(LimiterError::ZeroCapacity);
        }
        if !refill_per_sec.is_finite() || refill_per_sec <= 0.0 {
            return Err(LimiterError::InvalidRate(refill_per_sec));
        }
        Ok(Self {
            capacity,
            refill_per_sec,
        })
    }

    /// Maximum tokens (burst size), at least 1.
    pub fn capacity(&self) -> u32 {
        self.capacity
    }

    /// Tokens added per second, continuously; finite and > 0.
    pub fn refill_per_sec(&self) -> f64 {
        self.refill_per_sec
    }
}

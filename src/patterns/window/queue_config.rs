//! [`QueueConfig`]: the parameters of the [`LeakyQueue`](super::LeakyQueue).

use super::error::WindowError;
use crate::patterns::limiter::BucketConfig;
use crate::patterns::{NANOS_PER_SEC, Nanos};

/// A queue of `capacity` (B) waiting requests per key, drained one request every
/// `interval` (1/R), valid by construction: only [`QueueConfig::new`] and
/// [`QueueConfig::of_bucket`] build one.
///
/// The drain rate is held as a whole number of nanoseconds between two departures, so
/// every send time is an integer sum: a long run accumulates no floating-point drift.
///
/// ```
/// use ringside::patterns::Nanos;
/// use ringside::patterns::window::{QueueConfig, WindowError};
///
/// let config = QueueConfig::new(8, Nanos::from_millis(50))?; // 8 waiting, 20 a second
/// assert_eq!((config.capacity(), config.interval()), (8, Nanos::from_millis(50)));
/// # Ok::<(), WindowError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueConfig {
    capacity: u32,
    interval: Nanos,
}

impl QueueConfig {
    /// `capacity` (≥ 1) requests waiting at most, one sent every `interval` (> 0).
    ///
    /// Errors: [`WindowError::ZeroQueue`], [`WindowError::ZeroInterval`].
    pub fn new(capacity: u32, interval: Nanos) -> Result<Self, WindowError> {
        if capacity == 0 {
            return Err(WindowError::ZeroQueue);
        }
        if interval == Nanos::ZERO {
            return Err(WindowError::ZeroInterval);
        }
        Ok(Self { capacity, interval })
    }

    /// The queue a token bucket's parameters describe: B = its capacity C and a drain
    /// rate of R = its refill per second, i.e. one request every `1 / R` s, rounded once
    /// to the nanosecond (at least 1 ns): 50 per second is exactly 20 ms, 3 per second
    /// 333 333 333 ns.
    ///
    /// ```
    /// use ringside::patterns::Nanos;
    /// use ringside::patterns::limiter::BucketConfig;
    /// use ringside::patterns::window::QueueConfig;
    ///
    /// let config = QueueConfig::of_bucket(BucketConfig::new(10, 3.0).unwrap());
    /// assert_eq!((config.capacity(), config.interval()), (10, Nanos::from_nanos(333_333_333)));
    /// ```
    pub fn of_bucket(bucket: BucketConfig) -> Self {
        let interval = (NANOS_PER_SEC as f64 / bucket.refill_per_sec()).round();
        Self {
            capacity: bucket.capacity(),
            interval: Nanos::from_nanos(interval.clamp(1.0, u64::MAX as f64) as u64),
        }
    }

    /// Requests that may wait at once (B), at least 1.
    pub fn capacity(&self) -> u32 {
        self.capacity
    }

    /// Time between two departures (1/R), at least 1 ns.
    pub fn interval(&self) -> Nanos {
        self.interval
    }
}

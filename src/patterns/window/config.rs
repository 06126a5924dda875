//! [`WindowConfig`]: the parameters shared by the window limiters.

use super::error::WindowError;
use crate::patterns::Nanos;
use crate::patterns::limiter::BucketConfig;

/// `limit` requests per `window`, valid by construction: only [`WindowConfig::new`]
/// builds one.
///
/// ```
/// use ringside::patterns::Nanos;
/// use ringside::patterns::window::{WindowConfig, WindowError};
///
/// let config = WindowConfig::new(100, Nanos::from_secs(60))?; // 100 a minute
/// assert_eq!((config.limit(), config.window()), (100, Nanos::from_secs(60)));
/// # Ok::<(), WindowError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowConfig {
    limit: u32,
    window: Nanos,
}

impl WindowConfig {
    /// `limit` (≥ 1) requests per `window` (> 0).
    ///
    /// Errors: [`WindowError::ZeroLimit`], [`WindowError::ZeroWindow`].
    pub fn new(limit: u32, window: Nanos) -> Result<Self, WindowError> {
        if limit == 0 {
            return Err(WindowError::ZeroLimit);
        }
        if window == Nanos::ZERO {
            return Err(WindowError::ZeroWindow);
        }
        Ok(Self { limit, window })
    }

    /// The window a token bucket corresponds to: `limit` = its capacity C and `window` =
    /// C / R, the time it takes to refill from empty (rounded to the nanosecond, at least
    /// 1 ns). A client sending at the bucket's sustained rate R sends exactly C per window,
    /// and a full bucket's burst is C: the same budget, counted by windows.
    ///
    /// ```
    /// use ringside::patterns::Nanos;
    /// use ringside::patterns::limiter::BucketConfig;
    /// use ringside::patterns::window::WindowConfig;
    ///
    /// let config = WindowConfig::of_bucket(BucketConfig::new(200, 600.0).unwrap());
    /// assert_eq!((config.limit(), config.window()), (200, Nanos::from_nanos(333_333_333)));
    /// ```
    pub fn of_bucket(bucket: BucketConfig) -> Self {
        let window_s = f64::from(bucket.capacity()) / bucket.refill_per_sec();
        let window_ns = (window_s * 1e9).round().clamp(1.0, u64::MAX as f64) as u64;
        Self {
            limit: bucket.capacity(),
            window: Nanos::from_nanos(window_ns),
        }
    }

    /// Requests allowed per window, at least 1.
    pub fn limit(&self) -> u32 {
        self.limit
    }

    /// The window's length, at least 1 ns.
    pub fn window(&self) -> Nanos {
        self.window
    }

    /// The index of the fixed window holding `now`: `⌊now / window⌋`.
    pub(super) fn index(&self, now: u64) -> u64 {
        now / self.window.as_nanos()
    }
}

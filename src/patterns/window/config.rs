//! [`WindowConfig`]: the parameters shared by the window limiters.

use super::error::WindowError;
use crate::patterns::Nanos;

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

//! [`WindowError`]: why a window limiter configuration is invalid.

use thiserror::Error;

/// Errors from [`WindowConfig::new`](super::WindowConfig::new) and
/// [`QueueConfig::new`](super::QueueConfig::new).
///
/// ```
/// use ringside::patterns::Nanos;
/// use ringside::patterns::window::{WindowConfig, WindowError};
///
/// assert_eq!(WindowConfig::new(0, Nanos::from_secs(1)), Err(WindowError::ZeroLimit));
/// assert_eq!(WindowConfig::new(5, Nanos::ZERO), Err(WindowError::ZeroWindow));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum WindowError {
    /// The limit must be at least 1.
    #[error("the limit must be at least 1 request per window")]
    ZeroLimit,
    /// The window must be at least 1 ns long.
    #[error("the window must be longer than 0")]
    ZeroWindow,
    /// A leaky queue must hold at least 1 waiting request.
    #[error("the queue must hold at least 1 request")]
    ZeroQueue,
    /// A leaky queue must drain at a finite rate above 0 (at most one request a nanosecond).
    #[error("the drain interval must be longer than 0")]
    ZeroInterval,
}

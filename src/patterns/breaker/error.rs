//! [`BreakerError`]: an invalid breaker configuration.

use thiserror::Error;

/// Invalid breaker configuration.
///
/// ```
/// use ringside::patterns::breaker::{BreakerConfig, BreakerError};
///
/// let err = BreakerConfig::builder().failure_threshold(0).build().unwrap_err();
/// assert_eq!(err, BreakerError::ZeroThreshold("failure_threshold"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum BreakerError {
    /// A threshold or probe limit of 0.
    #[error("{0} must be at least 1")]
    ZeroThreshold(&'static str),
    /// A window policy's parameter out of range (the message says which).
    #[error("breaker policy: {0}")]
    Policy(&'static str),
}

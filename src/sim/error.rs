//! Errors of the simulation: values, never panics.

use thiserror::Error;

use crate::patterns::breaker::BreakerError;
use crate::patterns::limiter::LimiterError;
use crate::patterns::ring::RingError;

use super::scenario::ScenarioError;

/// Why a command or engine construction was refused. A refused command changes nothing.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum SimError {
    /// No server with this name.
    #[error("no server named '{0}'")]
    UnknownServer(String),
    /// No tenant with this name.
    #[error("no tenant named '{0}'")]
    UnknownTenant(String),
    /// A server with this name already exists.
    #[error("a server named '{0}' already exists")]
    DuplicateServer(String),
    /// The last server cannot be removed.
    #[error("cannot remove '{0}': it is the last server")]
    LastServer(String),
    /// A rate that is negative, NaN or infinite.
    #[error("rate must be a finite number ≥ 0, got {0}")]
    InvalidRate(f64),
    /// A rate above [`MAX_RATE`](super::MAX_RATE).
    #[error("rate {got} req/s is above the maximum of {max} req/s")]
    RateTooHigh {
        /// The rejected rate.
        got: f64,
        /// The maximum.
        max: f64,
    },
    /// A scale factor that is not finite and > 0.
    #[error("scale factor must be a finite number > 0, got {0}")]
    InvalidFactor(f64),
    /// A speed outside the allowed range.
    #[error("speed must be finite and within {min}..={max}, got {got}")]
    InvalidSpeed {
        /// The rejected speed.
        got: f64,
        /// Smallest allowed speed.
        min: f64,
        /// Largest allowed speed.
        max: f64,
    },
    /// An invalid fault parameter.
    #[error("invalid fault: {0}")]
    InvalidFault(String),
    /// A burst of zero requests.
    #[error("a burst needs at least 1 request")]
    EmptyBurst,
    /// Bad configuration value (message says which).
    #[error("invalid configuration: {0}")]
    InvalidConfig(String),
    /// Ring refused the change.
    #[error(transparent)]
    Ring(#[from] RingError),
    /// Breaker configuration refused.
    #[error(transparent)]
    Breaker(#[from] BreakerError),
    /// Limiter configuration refused.
    #[error(transparent)]
    Limiter(#[from] LimiterError),
    /// No scripted timeline event to jump to in that direction.
    #[error("no {0} scripted event")]
    NoEvent(&'static str),
    /// The session recorded more live commands than it keeps, so it cannot be saved exactly.
    #[error("the session has more than {0} live commands and cannot be saved exactly")]
    SessionTruncated(usize),
    /// Scenario could not be loaded or is invalid.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
}

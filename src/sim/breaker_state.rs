//! [`BreakerState`]: a circuit breaker's state as the simulation reports it.

use serde::Serialize;

/// Breaker state as shown to users (mirrors `patterns::breaker::State`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum BreakerState {
    /// Calls pass.
    Closed,
    /// Calls are rejected (failed over to the next owner).
    Open,
    /// Limited probes decide.
    HalfOpen,
}

impl BreakerState {
    /// Lower-case name: `closed`, `open`, `half_open`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Closed => "closed",
            Self::Open => "open",
            Self::HalfOpen => "half_open",
        }
    }
}

impl From<crate::patterns::breaker::State> for BreakerState {
    fn from(s: crate::patterns::breaker::State) -> Self {
        use crate::patterns::breaker::State;
        match s {
            State::Closed => Self::Closed,
            State::Open => Self::Open,
            State::HalfOpen => Self::HalfOpen,
        }
    }
}

impl std::fmt::Display for BreakerState {
    /// [`as_str`](Self::as_str) (padding and alignment honoured).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

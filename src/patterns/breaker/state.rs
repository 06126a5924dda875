//! [`State`] of a breaker and the operator override [`Forced`].

/// Breaker state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum State {
    /// Calls pass; consecutive failures are counted.
    Closed,
    /// Calls are rejected until the recovery timeout has passed.
    Open,
    /// A limited number of probe calls decide whether to close or re-open.
    HalfOpen,
}

/// An operator override in effect (see [`CircuitBreaker::forced`](super::CircuitBreaker::forced)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Forced {
    /// Held open by [`CircuitBreaker::force_open`](super::CircuitBreaker::force_open): rejects everything, no timeout.
    Open,
    /// Held closed by [`CircuitBreaker::force_closed`](super::CircuitBreaker::force_closed): admits everything, ignores failures.
    Closed,
}

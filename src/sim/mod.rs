//! Deterministic simulation: requests flow through a token bucket per tenant, the
//! consistent-hash ring, a circuit breaker per server and simulated servers with faults.
//!
//! * **Virtual time.** Everything happens on a virtual clock in nanoseconds; one seeded RNG
//!   per engine. The same scenario, seed and commands applied at the same virtual times give
//!   identical results (the JSON report is byte-identical outside its `wall` figures).
//! * **Commands in, snapshots out.** [`Engine::apply`] takes a [`Command`]; [`Engine::snapshot`]
//!   returns a [`Snapshot`] of plain owned data. This module knows nothing of terminals,
//!   keys or colours.

mod breaker_state;
pub mod command;
pub mod compare;
pub mod duration;
mod engine;
mod error;
pub mod limits;
pub mod route;
pub mod scenario;
pub mod session;
mod snapshot;
mod top_k;
pub mod traffic;

pub use breaker_state::BreakerState;
pub use command::{BreakerParams, Command, Fault};
pub use engine::{BoxError, Engine, Interrupt, LimiterStatus, RetiredServer, SharedLimiter, Sizes};
pub use error::SimError;
pub use limits::{
    DEPARTED_KEPT_NS, LOG_LINES, MAX_RATE, MAX_RETRIES, MAX_SPEED, MEMBERSHIP_CHANGES, MIN_SPEED,
    PREVIOUS_RING_KEPT_NS, RECENT_REQUESTS, SERIES_HISTORY_SECONDS, SERIES_SECONDS,
    SESSION_COMMANDS, SNAPSHOT_TENANTS, STEP_NS, TRANSITIONS_PER_SERVER,
};
pub use route::{KeyRoute, RouteOwner};
pub use scenario::{Scenario, ScenarioError};
pub use session::{SessionEntry, SessionLog};
pub use snapshot::*;

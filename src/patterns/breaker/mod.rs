//! Circuit breaker with the tutorial's semantics and its bugs fixed.
//!
//! Closed counts consecutive failures (a success resets the count);
//! `failure_threshold` of them open it. After `recovery_timeout` the next
//! acquire moves it to half-open, which admits at most `half_open_max_probes`
//! concurrent probes; `success_threshold` successes close it, any failure re-opens it.
//! Use is two-step — [`CircuitBreaker::acquire`] a [`Permit`], run the call without any
//! lock held, then [`CircuitBreaker::record`] the outcome — and results for permits of an
//! older generation (issued before a state change) are ignored.
//!
//! Operators can [`force_open`](CircuitBreaker::force_open),
//! [`force_closed`](CircuitBreaker::force_closed) and [`reset`](CircuitBreaker::reset);
//! every state change is kept in a bounded history with its time and [`Reason`].
//!
//! * [`CircuitBreaker`]: the pure core — no clock, no lock, no allocation after
//!   construction; time is the caller's `now`, a [`Nanos`](crate::patterns::Nanos).
//! * `ringside::realtime::SyncBreaker` (feature `realtime`): a `Mutex` around the core
//!   plus a monotonic clock, with `call` for real code. Nothing in `patterns` reads a clock.
//! * [`Registry`]: one core breaker per service name, created on first use.

mod circuit;
mod config;
mod counters;
mod error;
mod permit;
mod registry;
mod state;
mod transition;

pub use circuit::{CircuitBreaker, FORCED_OPEN_RETRY_AFTER};
pub use config::{BreakerConfig, BreakerConfigBuilder};
pub use counters::Counters;
pub use error::BreakerError;
pub use permit::{Outcome, Permit, Rejected};
pub use registry::Registry;
pub use state::{Forced, State};
pub use transition::{Reason, Transition};

#[cfg(test)]
mod tests;

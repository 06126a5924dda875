//! Circuit breaker with the tutorial's semantics and its bugs fixed.
//!
//! Closed counts consecutive failures (a success resets the count);
//! `failure_threshold` of them open it — or, with a window [`TripPolicy`]
//! (resilience4j's count- or time-based sliding window), the failure or slow-call rate
//! of the recent calls does. After `recovery_timeout` the next
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
mod policy;
mod registry;
mod state;
mod transition;
mod window;

pub use circuit::{CircuitBreaker, FORCED_OPEN_RETRY_AFTER};
pub use config::{BreakerConfig, BreakerConfigBuilder, MAX_WINDOW_CALLS, MAX_WINDOW_SECS};
pub use counters::Counters;
pub use error::BreakerError;
pub use permit::{Outcome, Permit, Rejected};
pub use policy::{RateThresholds, TripPolicy};
pub use registry::Registry;
pub use state::{Forced, State};
pub use transition::{Reason, Transition};
pub use window::WindowTally;

#[cfg(test)]
mod tests;

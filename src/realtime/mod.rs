//! The patterns on a real monotonic clock, shared across threads.
//!
//! [`patterns`](crate::patterns) never reads a clock: time is always the caller's `now`.
//! This layer is where a real clock meets them: [`SyncBreaker`] is a
//! [`CircuitBreaker`](crate::patterns::breaker::CircuitBreaker) behind a `Mutex`, timed by
//! [`std::time::Instant`], for code that protects real calls from several threads.
//!
//! It is its own layer (feature `realtime`) rather than part of [`redis`](crate::redis)
//! because it needs nothing but `std`: a library user can have a thread-safe breaker on a
//! real clock without compiling tokio and the Redis client. The Redis layer builds on it
//! (its guard around Redis calls is a [`SyncBreaker`]).

mod breaker;
mod clock;
mod keyed;
mod stripes;

pub use breaker::{CallError, SyncBreaker};
pub use keyed::SyncKeyedLimiter;

//! The patterns, pure and deterministic: time is always passed in as `now`, a
//! [`Nanos`] on a monotonic timeline the caller chooses. Nothing here reads a
//! clock, spawns a thread or performs I/O: the Redis limiter backend lives in
//! `ringside::redis` and the clock-reading breaker in `ringside::realtime`.
//!
//! # Argument order
//!
//! One rule across the library (`patterns`, `realtime`, `redis` and the simulation's
//! `SharedLimiter` seam): **what the call is about first, then how much, then `now`; an
//! output buffer last.** The subject (a key, a batch, a permit, a configuration) leads,
//! the quantity or result (a cost, an outcome) follows, and the time of the call closes
//! the list, so that every time-dependent call ends in `now`. Every time is a [`Nanos`],
//! never a bare integer, so a swapped `check(now, cost)` does not compile:
//!
//! | call | arguments |
//! |---|---|
//! | [`TokenBucket::check`](limiter::TokenBucket::check) | `(cost, now)` |
//! | [`KeyedLimiter::check`](limiter::KeyedLimiter::check), [`LimiterBackend::check`](limiter::LimiterBackend::check) | `(key, cost, now)` |
//! | [`LimiterBackend::check_many`](limiter::LimiterBackend::check_many) | `(batch, now, out)` |
//! | [`KeyedLimiter::tokens_at`](limiter::KeyedLimiter::tokens_at) | `(key, now)` |
//! | [`set_config`](limiter::LimiterBackend::set_config) | `(config, now)` |
//! | [`CircuitBreaker::record`](breaker::CircuitBreaker::record) | `(permit, outcome, now)` |

pub mod breaker;
pub mod concurrency;
pub mod hashing;
pub mod limiter;
mod prefetch;
pub mod retry;
pub mod ring;
pub mod throttle;
mod time;
pub mod window;

pub(crate) use prefetch::prefetch;
pub use time::{NANOS_PER_SEC, Nanos};

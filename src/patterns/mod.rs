//! The three patterns, pure and deterministic: time is always passed in as `now`
//! (nanoseconds on a monotonic timeline the caller chooses). Nothing here reads a
//! clock, spawns a thread or performs I/O: the Redis limiter backend lives in
//! `ringside::redis` and the clock-reading breaker in `ringside::realtime`.

pub mod breaker;
pub mod limiter;
pub mod ring;

/// Nanoseconds in one second, for converting rates and durations.
pub const NANOS_PER_SEC: u64 = 1_000_000_000;

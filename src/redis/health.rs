//! [`RedisHealth`]: what a dashboard shows about the Redis limiter.

use super::FailurePolicy;
use crate::patterns::Nanos;
use crate::patterns::breaker::State;

/// The Redis limiter's health, as shown in a dashboard's status bar. Contains no secrets.
///
/// Read with [`RedisLimiter::health`](super::RedisLimiter::health) (needs a Redis server):
///
/// ```no_run
/// use ringside::patterns::limiter::BucketConfig;
/// use ringside::redis::{RedisLimiter, RedisOptions};
///
/// let config = BucketConfig::new(100, 10.0)?;
/// let url = "redis://127.0.0.1:6379/0";
/// let limiter = RedisLimiter::connect(url, config, RedisOptions::default())?;
/// let health = limiter.health();
/// let status = if health.healthy {
///     let rtt = health.last_rtt.unwrap_or_default();
///     format!("{}: ok, {rtt}", health.backend) // e.g. "redis://127.0.0.1:6379/0: ok, 82µs"
/// } else {
///     let error = health.last_error.as_deref().unwrap_or("unknown error");
///     let (backend, policy) = (&health.backend, health.policy);
///     format!(
///         "{backend}: {error}; {policy} decides ({} so far)",
///         health.fallbacks
///     )
/// };
/// println!("{status} (guard {:?})", health.guard);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RedisHealth {
    /// The limiter's description, e.g. `redis://host:6379/0` (password as `***`).
    pub backend: String,
    /// The deployment: `standalone` (see [`RedisLimiter::topology`](super::RedisLimiter::topology)).
    pub topology: String,
    /// False while Redis is failing and the failure policy decides.
    pub healthy: bool,
    /// Round-trip time of the last successful call.
    pub last_rtt: Option<Nanos>,
    /// State of the circuit breaker guarding the calls.
    pub guard: State,
    /// The declared failure policy.
    pub policy: FailurePolicy,
    /// Decisions made by the failure policy instead of Redis so far.
    pub fallbacks: u64,
    /// Decisions made by Redis so far (valid script replies).
    pub decisions_redis: u64,
    /// Failed round trips so far: no answer, time-out, an error reply (`OOM`, `WRONGTYPE`,
    /// `NOAUTH`, an unresolved `NOSCRIPT`…) or a reply that fails validation, in any item
    /// of a pipeline. Each one also counts as a failure for the guard.
    pub errors: u64,
    /// Connections re-opened after a failure.
    pub reconnects: u64,
    /// Times the script was loaded again after an explicit `NOSCRIPT` reply.
    pub noscript_reloads: u64,
    /// The last error (redacted), if any.
    pub last_error: Option<String>,
}

/// The last observations of calls to Redis, and what they decided.
#[derive(Debug, Default, Clone)]
pub(crate) struct Stats {
    pub last_rtt: Option<Nanos>,
    pub last_error: Option<String>,
    pub decisions_redis: u64,
    pub errors: u64,
    pub noscript_reloads: u64,
}

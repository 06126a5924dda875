//! [`RedisHealth`]: what a dashboard shows about the Redis limiter.

use super::FailurePolicy;
use crate::patterns::breaker::State;

/// The Redis limiter's health, as shown in a dashboard's status bar. Contains no secrets.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RedisHealth {
    /// The limiter's description, e.g. `redis://host:6379/0` (password as `***`).
    pub backend: String,
    /// False while Redis is failing and the failure policy decides.
    pub healthy: bool,
    /// Round-trip time of the last successful call, in ns.
    pub last_rtt_ns: Option<u64>,
    /// State of the circuit breaker guarding the calls.
    pub guard: State,
    /// The declared failure policy.
    pub policy: FailurePolicy,
    /// Decisions made by the failure policy instead of Redis so far.
    pub fallbacks: u64,
    /// The last error (redacted), if any.
    pub last_error: Option<String>,
}

/// The last observations of calls to Redis.
#[derive(Debug, Default, Clone)]
pub(crate) struct Stats {
    pub last_rtt_ns: Option<u64>,
    pub last_error: Option<String>,
}

//! The engine's view of a limiter shared by several processes (e.g. Redis): the checks it
//! sends, and a status for the dashboard. The binary adapts the Redis layer's limiter to it.

use crate::patterns::breaker::State;
use crate::patterns::limiter::{
    BucketConfig, Decision, KeyedLimiter, LimiterBackend, LimiterError,
};

/// A limiter shared by several processes, deciding tenant checks instead of the engine's
/// in-memory buckets.
pub trait SharedLimiter: Send {
    /// Check `key` at `now` (ns) for `cost` tokens; takes them when allowed. A limiter
    /// that cannot reach its store decides by its own failure policy.
    fn check(&mut self, key: &str, now: u64, cost: u32) -> Result<Decision, LimiterError>;

    /// Check a batch of `(key, cost)` at `now` in order (ideally one round trip), replacing
    /// `out`'s contents with one result per request.
    fn check_many(
        &mut self,
        now: u64,
        batch: &[(&str, u32)],
        out: &mut Vec<Result<Decision, LimiterError>>,
    );

    /// Change the configuration.
    fn set_config(
        &mut self,
        config: BucketConfig,
        now: u64,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>>;

    /// Short description, e.g. `redis://host:6379/0` (never a password).
    fn describe(&self) -> String;

    /// Status for the dashboard.
    fn status(&self) -> LimiterStatus;
}

/// A shared limiter's status as shown in the dashboard's status bar. Contains no secrets.
#[derive(Debug, Clone, PartialEq)]
pub struct LimiterStatus {
    /// [`SharedLimiter::describe`]: e.g. `redis://host:6379/0`.
    pub backend: String,
    /// False while the limiter is failing and its failure policy decides.
    pub healthy: bool,
    /// Round-trip time of the last successful remote call, in ns.
    pub last_rtt_ns: Option<u64>,
    /// State of the circuit breaker guarding remote calls.
    pub guard: Option<State>,
    /// The declared failure policy, e.g. `fail-open`.
    pub policy: Option<String>,
    /// Decisions made by the failure policy instead of the shared store so far.
    pub fallbacks: u64,
    /// The last error (redacted), if any.
    pub last_error: Option<String>,
}

impl LimiterStatus {
    /// The status of a limiter that cannot fail (in-process): healthy, no guard, no policy.
    pub fn always_healthy(backend: String) -> Self {
        LimiterStatus {
            backend,
            healthy: true,
            last_rtt_ns: None,
            guard: None,
            policy: None,
            fallbacks: 0,
            last_error: None,
        }
    }
}

/// The in-process keyed limiter as a (trivially healthy) shared limiter: for tests and for
/// running the shared-limiter path of the engine without a remote store.
impl SharedLimiter for KeyedLimiter<String> {
    fn check(&mut self, key: &str, now: u64, cost: u32) -> Result<Decision, LimiterError> {
        KeyedLimiter::check(self, key, now, cost)
    }

    fn check_many(
        &mut self,
        now: u64,
        batch: &[(&str, u32)],
        out: &mut Vec<Result<Decision, LimiterError>>,
    ) {
        LimiterBackend::check_many(self, now, batch, out);
    }

    fn set_config(
        &mut self,
        config: BucketConfig,
        now: u64,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        Ok(LimiterBackend::set_config(self, config, now)?)
    }

    fn describe(&self) -> String {
        LimiterBackend::describe(self)
    }

    fn status(&self) -> LimiterStatus {
        LimiterStatus::always_healthy(LimiterBackend::describe(self))
    }
}

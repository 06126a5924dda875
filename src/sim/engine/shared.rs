//! The seam for a shared limiter backend (e.g. Redis): what the engine needs of one, and
//! the plain-data status the snapshot carries. The sim knows no I/O; the wiring layer
//! (`cli`) adapts a real backend to this trait.

use crate::patterns::Nanos;
use crate::patterns::limiter::{
    BucketConfig, Decision, KeyedLimiter, LimiterBackend, LimiterError,
};
use crate::sim::breaker_state::BreakerState;

/// The error a shared backend's configuration change may fail with (its own type, boxed:
/// the sim only reports it).
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A limiter shared by several processes, deciding tenant checks instead of the engine's
/// in-memory buckets. It keeps time on its own clock, so the engine then runs in real time.
pub trait SharedLimiter: Send {
    /// Check `key` at `now` for `cost` tokens; takes them when allowed. Failures are
    /// decided by the backend's own declared policy.
    fn check(&mut self, key: &str, cost: u32, now: Nanos) -> Result<Decision, LimiterError>;

    /// Check a batch of `(key, cost)` at `now`, in order, replacing `out`'s contents with one
    /// result per request (a short answer leaves the rest to [`check`](Self::check)).
    fn check_many(
        &mut self,
        batch: &[(&str, u32)],
        now: Nanos,
        out: &mut Vec<Result<Decision, LimiterError>>,
    );

    /// Change the bucket configuration; each bucket keeps its tokens (clamped).
    fn set_config(&mut self, config: BucketConfig, now: Nanos) -> Result<(), BoxError>;

    /// Short description, e.g. `redis://host:6379/0` (never a password).
    fn describe(&self) -> String;

    /// Health and counters for the dashboard.
    fn status(&self) -> LimiterStatus;
}

/// A shared limiter's status as the dashboard shows it. Contains no secrets.
#[derive(Debug, Clone, PartialEq)]
pub struct LimiterStatus {
    /// [`SharedLimiter::describe`].
    pub backend: String,
    /// The deployment behind it, e.g. `standalone` (`in-process` for an in-process one).
    pub topology: String,
    /// False while the backend is failing and its failure policy decides.
    pub healthy: bool,
    /// Round-trip time of the last successful remote call, in ns.
    pub last_rtt_ns: Option<u64>,
    /// State of the circuit breaker guarding remote calls, if any.
    pub guard: Option<BreakerState>,
    /// The declared failure policy, e.g. `fail-open`.
    pub policy: Option<String>,
    /// Decisions made by the failure policy instead of the backend so far.
    pub fallbacks: u64,
    /// Decisions made by the backend itself so far (0 for an in-process one, which is
    /// not counted).
    pub decisions_remote: u64,
    /// Failed round trips so far (no answer, time-out, error reply, invalid reply).
    pub errors: u64,
    /// Connections re-opened after a failure.
    pub reconnects: u64,
    /// Times the backend's script was loaded again after the server lost it.
    pub noscript_reloads: u64,
    /// The last error (redacted), if any.
    pub last_error: Option<String>,
}

impl LimiterStatus {
    /// A backend that cannot fail (in-process): healthy, no round trips, no policy.
    pub fn always_healthy(backend: String) -> Self {
        Self {
            backend,
            topology: "in-process".to_string(),
            healthy: true,
            last_rtt_ns: None,
            guard: None,
            policy: None,
            fallbacks: 0,
            decisions_remote: 0,
            errors: 0,
            reconnects: 0,
            noscript_reloads: 0,
            last_error: None,
        }
    }
}

/// The in-process keyed limiter can stand in for a shared one (tests, a second engine
/// sharing buckets): always healthy. A remote backend is wired in through its own adapter
/// (in the wiring layer) so that its real status is shown.
impl SharedLimiter for KeyedLimiter<String> {
    fn check(&mut self, key: &str, cost: u32, now: Nanos) -> Result<Decision, LimiterError> {
        KeyedLimiter::check(self, key, cost, now)
    }

    fn check_many(
        &mut self,
        batch: &[(&str, u32)],
        now: Nanos,
        out: &mut Vec<Result<Decision, LimiterError>>,
    ) {
        LimiterBackend::check_many(self, batch, now, out);
    }

    fn set_config(&mut self, config: BucketConfig, now: Nanos) -> Result<(), BoxError> {
        KeyedLimiter::set_config(self, config, now);
        Ok(())
    }

    fn describe(&self) -> String {
        LimiterBackend::describe(self)
    }

    fn status(&self) -> LimiterStatus {
        LimiterStatus::always_healthy(LimiterBackend::describe(self))
    }
}

//! `--limiter` and `--limiter-policy`, shared by the dashboard and `simulate`: which limiter
//! backend decides the tenants' buckets (in-process by default, or Redis shared by several
//! instances), and how it is attached to the engine.

use anyhow::Context as _;
use clap::Args;

use crate::patterns::breaker::State as BreakerState;
use crate::patterns::limiter::{BucketConfig, Decision, LimiterBackend, LimiterError};
use crate::redis::{FailurePolicy, RedisLimiter, RedisOptions, redact_url};
use crate::sim::{Engine, LimiterStatus, Scenario, SharedLimiter};

/// Where the token buckets live.
#[derive(Debug, Clone, Args)]
pub struct LimiterArgs {
    /// Token buckets in Redis shared by several instances: `redis://[:PASSWORD@]HOST:PORT[/DB]`
    /// (or `memory`, the default; overrides the scenario's `limiter.backend`). With Redis,
    /// virtual time is wall time.
    #[arg(long, env = "RINGSIDE_LIMITER", value_name = "URL")]
    pub limiter: Option<String>,
    /// When Redis cannot decide within its timeout: `fail-open`, `fail-closed` or `local`
    /// (fall back to in-process buckets).
    #[arg(long, default_value = "local", value_name = "POLICY")]
    pub limiter_policy: String,
}

/// Connect the shared limiter chosen by `--limiter` / `RINGSIDE_LIMITER` / the scenario's
/// `limiter.backend`, if any, and attach it to `engine`. Returns whether one is attached
/// (then virtual time must follow wall time).
pub fn attach(
    engine: &mut Engine,
    scenario: &Scenario,
    args: &LimiterArgs,
) -> anyhow::Result<bool> {
    let choice = args
        .limiter
        .as_deref()
        .or(scenario.limiter_backend.as_deref())
        .map(str::trim);
    let url = match choice {
        None | Some("") | Some("memory") => return Ok(false),
        Some(url) if url.starts_with("redis://") || url.starts_with("rediss://") => url,
        Some(other) => anyhow::bail!(
            "unknown limiter backend {}: expected `memory` or redis://HOST:PORT[/DB]",
            redact_url(other)
        ),
    };
    let policy: FailurePolicy = args.limiter_policy.parse()?;
    let config = BucketConfig::new(scenario.limiter.capacity, scenario.limiter.refill_per_sec)?;
    let options = RedisOptions {
        policy,
        ..RedisOptions::default()
    };
    let limiter = RedisLimiter::connect(url, config, options).context("--limiter")?;
    engine.set_limiter_backend(Box::new(SharedRedis(limiter)));
    Ok(true)
}

/// The Redis limiter as the engine's [`SharedLimiter`].
struct SharedRedis(RedisLimiter);

impl SharedLimiter for SharedRedis {
    fn check(&mut self, key: &str, now: u64, cost: u32) -> Result<Decision, LimiterError> {
        self.0.check(key, now, cost)
    }

    fn check_many(
        &mut self,
        now: u64,
        batch: &[(&str, u32)],
        out: &mut Vec<Result<Decision, LimiterError>>,
    ) {
        self.0.check_many(now, batch, out);
    }

    fn set_config(
        &mut self,
        config: BucketConfig,
        now: u64,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        Ok(self.0.set_config(config, now)?)
    }

    fn describe(&self) -> String {
        self.0.describe()
    }

    fn status(&self) -> LimiterStatus {
        let h = self.0.health();
        LimiterStatus {
            backend: h.backend,
            healthy: h.healthy,
            last_rtt_ns: h.last_rtt_ns,
            guard: Some(h.guard),
            policy: Some(h.policy.to_string()),
            fallbacks: h.fallbacks,
            last_error: h.last_error,
        }
    }
}

/// One line for the end of a run, e.g. `limiter redis://…/0: healthy, rtt 80 µs, guard closed`.
pub fn describe_health(h: &LimiterStatus) -> String {
    let rtt = h
        .last_rtt_ns
        .map(|ns| format!("{:.0} µs", ns as f64 / 1e3))
        .unwrap_or_else(|| "-".to_string());
    let guard = match h.guard {
        Some(BreakerState::Closed) | None => "closed",
        Some(BreakerState::Open) => "open",
        Some(BreakerState::HalfOpen) => "half-open",
    };
    format!(
        "limiter {}: {}, rtt {rtt}, guard {guard}, policy {}, {} fallback decisions",
        h.backend,
        if h.healthy { "healthy" } else { "degraded" },
        h.policy.as_deref().unwrap_or("-"),
        h.fallbacks
    )
}

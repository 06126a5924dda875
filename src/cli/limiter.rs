//! `--limiter` and `--limiter-policy`, shared by the dashboard and `simulate`: which limiter
//! backend decides the tenants' buckets (in-process by default, or Redis shared by several
//! instances), and how it is attached to the engine.

use anyhow::Context as _;
use clap::Args;

use crate::patterns::limiter::redis::{FailurePolicy, RedisLimiter, RedisOptions, redact_url};
use crate::patterns::limiter::{BucketConfig, Decision, LimiterBackend, LimiterError};
use crate::sim::duration::format_duration;
use crate::sim::{BreakerState, Engine, LimiterStatus, Scenario, SharedLimiter};

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
        .or(scenario.limiter.backend.as_deref())
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
    engine.set_limiter_backend(Box::new(RedisShared(limiter)));
    Ok(true)
}

/// One line for the end of a run, e.g. `limiter redis://…/0: healthy, rtt 80 µs, guard closed`.
pub fn describe_health(h: &LimiterStatus) -> String {
    let rtt = h
        .last_rtt_ns
        .map_or_else(|| "-".to_string(), format_duration);
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

/// The Redis limiter as the engine's [`SharedLimiter`], with its real health (the wiring
/// layer is the only one that knows both the sim and the Redis backend).
struct RedisShared(RedisLimiter);

impl SharedLimiter for RedisShared {
    fn check(&mut self, now: u64, key: &str, cost: u32) -> Result<Decision, LimiterError> {
        LimiterBackend::check(&mut self.0, key, now, cost)
    }

    fn check_many(
        &mut self,
        now: u64,
        batch: &[(&str, u32)],
        out: &mut Vec<Result<Decision, LimiterError>>,
    ) {
        LimiterBackend::check_many(&mut self.0, now, batch, out);
    }

    fn set_config(&mut self, config: BucketConfig, now: u64) -> Result<(), LimiterError> {
        LimiterBackend::set_config(&mut self.0, config, now)
    }

    fn describe(&self) -> String {
        LimiterBackend::describe(&self.0)
    }

    fn status(&self) -> LimiterStatus {
        let h = self.0.health();
        LimiterStatus {
            backend: h.backend,
            healthy: h.healthy,
            last_rtt_ns: h.last_rtt_ns,
            guard: h.guard.map(BreakerState::from),
            policy: h.policy,
            fallbacks: h.fallbacks,
            last_error: h.last_error,
        }
    }
}

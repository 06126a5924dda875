//! `--limiter` and `--limiter-policy`, shared by the dashboard and `simulate`: which limiter
//! backend decides the tenants' buckets (in-process by default, or Redis shared by several
//! instances), and how it is attached to the engine.

use clap::Args;

use ringside::sim::duration::format_duration;
use ringside::sim::{BreakerState, Engine, LimiterStatus, Scenario};

/// Where the token buckets live.
#[derive(Debug, Clone, Args)]
pub struct LimiterArgs {
    /// Token buckets in Redis shared by several instances: `redis://[:PASSWORD@]HOST:PORT[/DB]`
    /// (`rediss://` for TLS), `redis+cluster://HOST:PORT[,HOST:PORT…]` (seed nodes) or
    /// `redis+sentinel://HOST:PORT[,HOST:PORT…]/MASTER_NAME[/DB]` (or `memory`, the default;
    /// overrides the scenario's `limiter.backend`). With Redis, virtual time is wall time.
    // The variable's value is never shown in `--help`: it may hold a password.
    #[arg(
        long,
        env = "RINGSIDE_LIMITER",
        hide_env_values = true,
        value_name = "URL"
    )]
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
    match choice {
        None | Some("") | Some("memory") => Ok(false),
        Some(url) => attach_remote(engine, scenario, url, &args.limiter_policy).map(|()| true),
    }
}

#[cfg(feature = "redis")]
use super::shared_redis::attach as attach_remote;

/// Without the `redis` feature only the in-process limiter exists.
#[cfg(not(feature = "redis"))]
fn attach_remote(_: &mut Engine, _: &Scenario, _: &str, _: &str) -> anyhow::Result<()> {
    anyhow::bail!("unknown limiter backend: expected `memory` (built without the redis feature)")
}

/// One line for the end of a run, e.g. `limiter redis://…/0: healthy, rtt 80 µs, guard closed`.
pub fn describe_health(h: &LimiterStatus) -> String {
    let rtt = h
        .last_rtt_ns
        .map_or_else(|| "-".to_string(), format_duration);
    let guard = match h.guard {
        Some(BreakerState::Closed) | None => "closed",
        Some(BreakerState::HalfOpen) => "half-open",
        // Open, and any state a later version adds (`BreakerState` is non-exhaustive).
        Some(state) => state.as_str(),
    };
    format!(
        "limiter {}: {}, rtt {rtt}, guard {guard}, policy {}, {} fallback decisions",
        h.backend,
        if h.healthy { "healthy" } else { "degraded" },
        h.policy.as_deref().unwrap_or("-"),
        h.fallbacks
    )
}

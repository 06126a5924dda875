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
    /// How long one round trip to Redis may take before the policy decides instead
    /// (e.g. `20ms`; raise it for a Redis across a slow network).
    #[arg(long, default_value = "20ms", value_name = "DURATION", value_parser = parse_round_trip)]
    pub limiter_timeout: std::time::Duration,
    /// For a `rediss://` limiter: a PEM file of the root certificates (a private CA) the
    /// server's certificate must chain to, instead of the system's.
    #[arg(long, env = "RINGSIDE_LIMITER_CA", value_name = "FILE")]
    pub limiter_ca: Option<std::path::PathBuf>,
}

/// Longest `--limiter-timeout` accepted.
const MAX_ROUND_TRIP: std::time::Duration = std::time::Duration::from_secs(10);

/// Parse `--limiter-timeout`: a duration above 0 and at most [`MAX_ROUND_TRIP`].
fn parse_round_trip(text: &str) -> Result<std::time::Duration, String> {
    let ns = ringside::sim::duration::parse_duration(text)?;
    let d = std::time::Duration::from_nanos(ns);
    if d.is_zero() || d > MAX_ROUND_TRIP {
        return Err(format!(
            "the limiter timeout must be above 0 and at most {}s, got \"{text}\"",
            MAX_ROUND_TRIP.as_secs()
        ));
    }
    Ok(d)
}

/// Connect the shared limiter chosen by `--limiter` / `RINGSIDE_LIMITER` / the scenario's
/// `limiter.backend`, if any, and attach it to `engine`. Returns whether one is attached
/// (then virtual time must follow wall time).
pub fn attach(
    engine: &mut Engine,
    scenario: &Scenario,
    args: &LimiterArgs,
) -> anyhow::Result<bool> {
    match shared_url(scenario, args) {
        None => Ok(false),
        Some(_) if !scenario.limiter.algorithm.runs_shared() => anyhow::bail!(
            "limiter.algorithm = \"{}\" runs in process only: a shared limiter (--limiter, \
             RINGSIDE_LIMITER or limiter.backend) runs the token bucket; drop one of the two",
            scenario.limiter.algorithm
        ),
        Some(url) => attach_remote(engine, scenario, url, args).map(|()| true),
    }
}

/// The shared limiter's URL chosen by `--limiter` / `RINGSIDE_LIMITER` / the scenario's
/// `limiter.backend`; `None` for the in-process limiter.
pub fn shared_url<'a>(scenario: &'a Scenario, args: &'a LimiterArgs) -> Option<&'a str> {
    args.limiter
        .as_deref()
        .or(scenario.limiter.backend.as_deref())
        .map(str::trim)
        .filter(|u| !u.is_empty() && *u != "memory")
}

#[cfg(feature = "redis")]
use super::shared_redis::attach as attach_remote;

/// Without the `redis` feature only the in-process limiter exists.
#[cfg(not(feature = "redis"))]
fn attach_remote(_: &mut Engine, _: &Scenario, _: &str, _: &LimiterArgs) -> anyhow::Result<()> {
    anyhow::bail!("unknown limiter backend: expected `memory` (built without the redis feature)")
}

/// One line for the end of a run, e.g. `limiter redis://…/0 (standalone): healthy, rtt 80 µs,
/// guard closed, …` with who decided how often.
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
        "limiter {} ({}): {}, rtt {rtt}, guard {guard}, policy {}, {} fallback decisions, \
         {} by the backend, {} errors, {} reconnects, {} script reloads",
        h.backend,
        h.topology,
        if h.healthy { "healthy" } else { "degraded" },
        h.policy.as_deref().unwrap_or("-"),
        h.fallbacks,
        h.decisions_remote,
        h.errors,
        h.reconnects,
        h.noscript_reloads
    )
}

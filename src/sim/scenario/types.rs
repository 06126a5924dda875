//! The scenario file's types: what is read from TOML and written back to it (serde both
//! ways, unknown fields refused), with the defaults of every optional setting.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::patterns::window::Algorithm;
#[cfg(doc)]
use crate::patterns::window::WindowConfig;
use crate::sim::command::Command;
use crate::sim::duration::human;
use crate::sim::traffic::Popularity;

/// A server at the start of a scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSpec {
    /// Unique name.
    pub name: String,
    /// Weight (finite, > 0).
    #[serde(default = "one")]
    pub weight: f64,
}

/// Traffic generation (`[traffic]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrafficSpec {
    /// Offered rate (requests per second, Poisson arrivals).
    pub rate: f64,
    /// Number of tenants (rate-limit keys).
    pub tenants: u32,
    /// Which tenants send requests.
    pub tenant_popularity: Popularity,
    /// Number of distinct request keys.
    pub keys: u32,
    /// Which keys are requested.
    pub key_popularity: Popularity,
    /// Client retries after a non-success (0 = none).
    pub retries: u32,
    /// Backoff before the first retry; doubles on each further retry.
    #[serde(rename = "retry_backoff", with = "human")]
    pub retry_backoff_ns: u64,
    /// Jitter: the backoff is scaled by a uniform factor in `1 ± jitter` (0..=1).
    pub retry_jitter: f64,
}

impl Default for TrafficSpec {
    fn default() -> Self {
        Self {
            rate: 100.0,
            tenants: 10,
            tenant_popularity: Popularity::Uniform,
            keys: 10_000,
            key_popularity: Popularity::Uniform,
            retries: 0,
            retry_backoff_ns: 100_000_000,
            retry_jitter: 0.5,
        }
    }
}

/// A rate limiter per tenant (`[limiter]`): a token bucket of `capacity` refilled at
/// `refill_per_sec`, or the window `algorithm` with the same budget: `capacity` requests
/// per window of `capacity / refill_per_sec` seconds ([`WindowConfig::of_bucket`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LimiterSpec {
    /// `algorithm`: `token-bucket` (the default, not written back), `fixed-window`,
    /// `sliding-log` or `sliding-window`. A shared backend runs the token bucket only.
    #[serde(
        skip_serializing_if = "is_token_bucket",
        serialize_with = "algorithm_name",
        deserialize_with = "algorithm"
    )]
    pub algorithm: Algorithm,
    /// `backend`: `None` for the in-process limiter (`memory`), else e.g.
    /// `redis://host:6379/0`. Never written back (a URL may hold a password).
    #[serde(skip_serializing, deserialize_with = "backend")]
    pub backend: Option<String>,
    /// Capacity (burst), ≥ 1.
    pub capacity: u32,
    /// Refill (tokens per second), finite, > 0.
    pub refill_per_sec: f64,
}

impl Default for LimiterSpec {
    fn default() -> Self {
        Self {
            algorithm: Algorithm::TokenBucket,
            backend: None,
            capacity: 100,
            refill_per_sec: 50.0,
        }
    }
}

fn is_token_bucket(a: &Algorithm) -> bool {
    *a == Algorithm::TokenBucket
}

fn algorithm_name<S: Serializer>(a: &Algorithm, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(a.name())
}

/// By name ([`Algorithm::from_str`](std::str::FromStr)).
fn algorithm<'de, D: Deserializer<'de>>(d: D) -> Result<Algorithm, D::Error> {
    let text = String::deserialize(d)?;
    text.trim().parse().map_err(serde::de::Error::custom)
}

/// `memory` or empty is the in-process limiter (`None`).
fn backend<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let text = String::deserialize(d)?;
    let text = text.trim();
    Ok((!text.is_empty() && text != "memory").then(|| text.to_string()))
}

/// Breaker per server (`[breaker]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BreakerSpec {
    /// Consecutive failures that open it.
    pub failure_threshold: u32,
    /// Time open before probing.
    #[serde(rename = "recovery_timeout", with = "human")]
    pub recovery_timeout_ns: u64,
    /// Probe successes that close it.
    pub success_threshold: u32,
    /// Concurrent half-open probes.
    pub half_open_probes: u32,
}

impl Default for BreakerSpec {
    fn default() -> Self {
        Self {
            failure_threshold: 5,
            recovery_timeout_ns: 5_000_000_000,
            success_threshold: 3,
            half_open_probes: 1,
        }
    }
}

/// Simulated server behaviour (`[server_defaults]`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerDefaults {
    /// Median latency.
    #[serde(rename = "latency", with = "human")]
    pub latency_ns: u64,
    /// Log-normal spread (σ of the log); 0 = constant latency.
    pub latency_sigma: f64,
    /// Base error probability (0..=1).
    pub error_rate: f64,
    /// Calls slower than this fail at the timeout.
    #[serde(rename = "timeout", with = "human")]
    pub timeout_ns: u64,
    /// Maximum concurrent calls; calls beyond it fail immediately (overloaded).
    pub capacity: u32,
}

impl Default for ServerDefaults {
    fn default() -> Self {
        Self {
            latency_ns: 20_000_000,
            latency_sigma: 0.4,
            error_rate: 0.0,
            timeout_ns: 1_000_000_000,
            capacity: 10_000,
        }
    }
}

/// One timeline event (`[[events]]`): a time, an optional action (see
/// [`EventAction`](super::events::EventAction) for the names and their fields), an
/// optional caption.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineEvent {
    /// Virtual time (ns).
    #[serde(rename = "at", with = "human")]
    pub at_ns: u64,
    /// Command to apply (`None` for a caption-only event).
    #[serde(flatten, with = "super::events::action")]
    pub command: Option<Command>,
    /// Caption shown from this time on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    /// A command recorded from a live session (`live = true`): it is applied after everything
    /// else due at the same instant (as a live command is, between two frames) and logged as
    /// a command rather than a scenario event. Live events may share their time with the
    /// event before them, and `n`/`p` do not stop at them.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub live: bool,
}

/// A scenario: servers, traffic, limiter, breakers, server behaviour and a timeline.
/// Read with [`Scenario::from_toml`](super::Scenario::from_toml) (which validates it),
/// written with [`Scenario::to_toml`](super::Scenario::to_toml).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Short name.
    pub name: String,
    /// One-line description.
    #[serde(default)]
    pub description: String,
    /// Default seed.
    #[serde(default)]
    pub seed: u64,
    /// Default run length for headless runs.
    #[serde(rename = "duration", with = "human", default = "sixty_seconds")]
    pub duration_ns: u64,
    /// Virtual nodes per server of weight 1.
    #[serde(default = "default_vnodes")]
    pub vnodes: u32,
    /// Candidate owners per request (1 = no failover).
    #[serde(default = "two")]
    pub replicas: usize,
    /// A comparison story: side B's settings (`vnodes=8`: the keys of `ringside compare
    /// --b`), used by the dashboard, `frame` and `compare` when none are given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compare: Option<String>,
    /// Initial servers.
    pub servers: Vec<ServerSpec>,
    /// Traffic.
    #[serde(default)]
    pub traffic: TrafficSpec,
    /// Limiter.
    #[serde(default)]
    pub limiter: LimiterSpec,
    /// Breakers.
    #[serde(default)]
    pub breaker: BreakerSpec,
    /// Server behaviour.
    #[serde(default)]
    pub server_defaults: ServerDefaults,
    /// Timeline, increasing in time.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<TimelineEvent>,
}

fn one() -> f64 {
    1.0
}

fn two() -> usize {
    2
}

fn sixty_seconds() -> u64 {
    60_000_000_000
}

fn default_vnodes() -> u32 {
    crate::patterns::ring::DEFAULT_VNODES
}

//! The scenario file's types: what is read from TOML and written back to it (serde both
//! ways, unknown fields refused), with the defaults of every optional setting.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::patterns::hashing::{Algorithm, Params};
use crate::patterns::window::Algorithm as LimiterAlgorithm;
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
    /// Which retries are made: `fixed` (every one up to `retries`) or `budget` (also
    /// within a retry budget).
    #[serde(skip_serializing_if = "is_default")]
    pub retry_policy: RetryPolicy,
    /// `budget`: retries allowed as a percentage of the first attempts in the window
    /// (0..=1000).
    #[serde(skip_serializing_if = "is_default_budget_percent")]
    pub retry_budget_percent: u32,
    /// `budget`: retries allowed per second of the window on top of the percentage.
    #[serde(skip_serializing_if = "is_default_min_per_sec")]
    pub retry_min_per_sec: u32,
    /// `budget`: the window (whole seconds, 1..=60).
    #[serde(skip_serializing_if = "is_default_budget_window")]
    pub retry_budget_window_secs: u32,
}

/// Which client retries are made (`[traffic] retry_policy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RetryPolicy {
    /// Every retry up to `retries`.
    #[default]
    Fixed,
    /// Up to `retries`, and only while a retry budget (Finagle / Envoy / tower) allows.
    Budget,
}

impl RetryPolicy {
    /// Every policy, the default first.
    pub const ALL: [RetryPolicy; 2] = [RetryPolicy::Fixed, RetryPolicy::Budget];

    /// The name in scenario files and settings: `fixed`, `budget`.
    pub fn name(self) -> &'static str {
        match self {
            RetryPolicy::Fixed => "fixed",
            RetryPolicy::Budget => "budget",
        }
    }

    /// The policy named `name`.
    pub fn of_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }
}

/// The retry budget's defaults: 20% of requests plus 10 per second, over 10 s (Finagle's).
const DEFAULT_BUDGET: (u32, u32, u32) = (20, 10, 10);

fn is_default_budget_percent(v: &u32) -> bool {
    *v == DEFAULT_BUDGET.0
}

fn is_default_min_per_sec(v: &u32) -> bool {
    *v == DEFAULT_BUDGET.1
}

fn is_default_budget_window(v: &u32) -> bool {
    *v == DEFAULT_BUDGET.2
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
            retry_policy: RetryPolicy::Fixed,
            retry_budget_percent: DEFAULT_BUDGET.0,
            retry_min_per_sec: DEFAULT_BUDGET.1,
            retry_budget_window_secs: DEFAULT_BUDGET.2,
        }
    }
}

/// The hashing algorithm and its parameters (`[ring]`): `algorithm` is one of
/// [`Algorithm::ALL`] by name (`ring`, `jump`, `rendezvous`, `maglev`, `multi-probe`,
/// `bounded-load`); each algorithm reads only its own parameter (`table_size` for maglev,
/// `probes` for multi-probe, `balance_factor` for bounded-load). Virtual nodes stay the
/// top-level `vnodes` (read by `ring` and `bounded-load`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HashingSpec {
    /// The algorithm.
    #[serde(with = "algorithm_name")]
    pub algorithm: Algorithm,
    /// Maglev's table size M (prime).
    pub table_size: u64,
    /// Multi-probe's probes per key K.
    pub probes: u32,
    /// Bounded-load's balance factor ε (finite, ≥ 0).
    pub balance_factor: f64,
}

impl Default for HashingSpec {
    fn default() -> Self {
        let p = Params::default();
        Self {
            algorithm: Algorithm::Ring,
            table_size: p.table_size,
            probes: p.probes,
            balance_factor: p.balance_factor,
        }
    }
}

impl HashingSpec {
    /// Whether this is the default (today's md5 ring), so it is not written back.
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }

    /// The library's parameters, with `vnodes` per server.
    pub fn params(&self, vnodes: u32) -> Params {
        Params {
            vnodes,
            table_size: self.table_size,
            probes: self.probes,
            balance_factor: self.balance_factor,
        }
    }
}

/// An [`Algorithm`] read and written by its name.
mod algorithm_name {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::patterns::hashing::Algorithm;

    pub fn serialize<S: Serializer>(a: &Algorithm, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(a.name())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Algorithm, D::Error> {
        let name = String::deserialize(d)?;
        name.trim().parse().map_err(serde::de::Error::custom)
    }
}

/// A rate limiter per tenant (`[limiter]`): a token bucket of `capacity` refilled at
/// `refill_per_sec`, or the window `algorithm` with the same budget: `capacity` requests
/// per window of `capacity / refill_per_sec` seconds ([`WindowConfig::of_bucket`]), or
/// the leaky queue: B = `capacity` requests may wait, sent one every `1 / refill_per_sec`
/// seconds ([`QueueConfig::of_bucket`](crate::patterns::window::QueueConfig::of_bucket)).
///
/// Two algorithms learn from the backend's answers instead and read neither `capacity`
/// nor `refill_per_sec` (the scenario must still give valid ones: the comparison's exact
/// sliding log judges every decision against that budget):
/// * `adaptive-throttling`: the Google SRE book's client-side throttling per tenant, K = 2
///   over the book's 2-minute window
///   ([`ThrottleConfig::SRE_BOOK`](crate::patterns::throttle::ThrottleConfig::SRE_BOOK));
/// * `concurrency`: an adaptive concurrency limit per tenant, Vegas with Netflix
///   concurrency-limits' defaults
///   ([`VegasConfig::NETFLIX`](crate::patterns::concurrency::VegasConfig::NETFLIX)).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LimiterSpec {
    /// `algorithm`: `token-bucket` (the default, not written back), `fixed-window`,
    /// `sliding-log`, `sliding-window`, `leaky-queue` (requests wait for their turn while
    /// fewer than `capacity` wait; latency includes the wait), `adaptive-throttling` or
    /// `concurrency`. A shared backend runs the token bucket only (any other is refused
    /// with it).
    #[serde(
        skip_serializing_if = "is_token_bucket",
        serialize_with = "limiter_algorithm_name",
        deserialize_with = "limiter_algorithm"
    )]
    pub algorithm: LimiterAlgorithm,
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
            algorithm: LimiterAlgorithm::TokenBucket,
            backend: None,
            capacity: 100,
            refill_per_sec: 50.0,
        }
    }
}

fn is_token_bucket(a: &LimiterAlgorithm) -> bool {
    *a == LimiterAlgorithm::TokenBucket
}

fn limiter_algorithm_name<S: Serializer>(a: &LimiterAlgorithm, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(a.name())
}

/// By name ([`LimiterAlgorithm::from_str`](std::str::FromStr)).
fn limiter_algorithm<'de, D: Deserializer<'de>>(d: D) -> Result<LimiterAlgorithm, D::Error> {
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
    /// What opens a closed breaker (`consecutive`: `failure_threshold` failures in a row).
    #[serde(skip_serializing_if = "is_default")]
    pub policy: BreakerPolicy,
    /// `count-window`: calls in the window.
    #[serde(skip_serializing_if = "is_default_window_calls")]
    pub window_calls: u32,
    /// `time-window`: seconds in the window (1-second buckets).
    #[serde(skip_serializing_if = "is_default_window_secs")]
    pub window_secs: u32,
    /// Window policies: calls the window must hold before it is judged.
    #[serde(skip_serializing_if = "is_default_minimum_calls")]
    pub minimum_calls: u32,
    /// Window policies: failure rate (%, 1..=100) that opens the breaker.
    #[serde(skip_serializing_if = "is_default_failure_rate")]
    pub failure_rate: u32,
    /// Window policies: calls slower than this are slow.
    #[serde(
        rename = "slow_call",
        with = "human",
        skip_serializing_if = "is_default_slow_call"
    )]
    pub slow_call_ns: u64,
    /// Window policies: slow-call rate (%, 1..=100) that opens the breaker.
    #[serde(skip_serializing_if = "is_default_slow_call_rate")]
    pub slow_call_rate: u32,
}

/// A breaker's trip policy, by name (`[breaker] policy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BreakerPolicy {
    /// `failure_threshold` consecutive failures.
    #[default]
    Consecutive,
    /// resilience4j's count-based window: the last `window_calls` calls.
    CountWindow,
    /// resilience4j's time-based window: the calls of the last `window_secs` seconds.
    TimeWindow,
}

impl BreakerPolicy {
    /// Every policy, the default first.
    pub const ALL: [BreakerPolicy; 3] = [
        BreakerPolicy::Consecutive,
        BreakerPolicy::CountWindow,
        BreakerPolicy::TimeWindow,
    ];

    /// The name in scenario files and settings: `consecutive`, `count-window`, `time-window`.
    pub fn name(self) -> &'static str {
        match self {
            BreakerPolicy::Consecutive => "consecutive",
            BreakerPolicy::CountWindow => "count-window",
            BreakerPolicy::TimeWindow => "time-window",
        }
    }

    /// The policy named `name`.
    pub fn of_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }
}

/// The breaker defaults (the window ones are resilience4j's, but for a 10 s time window).
const DEFAULT_BREAKER: BreakerSpec = BreakerSpec {
    failure_threshold: 5,
    recovery_timeout_ns: 5_000_000_000,
    success_threshold: 3,
    half_open_probes: 1,
    policy: BreakerPolicy::Consecutive,
    window_calls: 100,
    window_secs: 10,
    minimum_calls: 100,
    failure_rate: 50,
    slow_call_ns: 60_000_000_000,
    slow_call_rate: 100,
};

impl Default for BreakerSpec {
    fn default() -> Self {
        DEFAULT_BREAKER
    }
}

fn is_default<T: Default + PartialEq>(v: &T) -> bool {
    *v == T::default()
}

fn is_default_window_calls(v: &u32) -> bool {
    *v == DEFAULT_BREAKER.window_calls
}

fn is_default_window_secs(v: &u32) -> bool {
    *v == DEFAULT_BREAKER.window_secs
}

fn is_default_minimum_calls(v: &u32) -> bool {
    *v == DEFAULT_BREAKER.minimum_calls
}

fn is_default_failure_rate(v: &u32) -> bool {
    *v == DEFAULT_BREAKER.failure_rate
}

fn is_default_slow_call(v: &u64) -> bool {
    *v == DEFAULT_BREAKER.slow_call_ns
}

fn is_default_slow_call_rate(v: &u32) -> bool {
    *v == DEFAULT_BREAKER.slow_call_rate
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
    /// Which hashing algorithm places keys on servers (`[ring]`; `ring` by default, and
    /// then not written back, so scenarios without it read and write as before).
    #[serde(default, skip_serializing_if = "HashingSpec::is_default")]
    pub ring: HashingSpec,
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

//! Scenarios: TOML files describing servers, traffic, limiter, breakers and a timeline.
//!
//! Shipped scenarios live in `assets/scenarios/*.toml` and are compiled in. Parsing uses
//! serde with `deny_unknown_fields`; every error names the file, line and column and what
//! was expected. After parsing, the scenario is validated as a whole (e.g. a timeline event
//! naming a server that does not exist at that time).

use std::collections::BTreeSet;
use std::ops::Range;

use serde::Deserialize;
use thiserror::Error;
use toml::Spanned;

use super::command::{BreakerParams, Command, Fault};
use super::duration::parse_duration;
use super::traffic::{Popularity, auto_server_name, tenant_name};

/// Shipped scenarios: (name, TOML source).
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "default",
        include_str!("../../assets/scenarios/default.toml"),
    ),
    (
        "failover",
        include_str!("../../assets/scenarios/failover.toml"),
    ),
    (
        "hot-tenant",
        include_str!("../../assets/scenarios/hot-tenant.toml"),
    ),
    (
        "scale-out",
        include_str!("../../assets/scenarios/scale-out.toml"),
    ),
    (
        "retry-storm",
        include_str!("../../assets/scenarios/retry-storm.toml"),
    ),
    (
        "flapping",
        include_str!("../../assets/scenarios/flapping.toml"),
    ),
    ("tour", include_str!("../../assets/scenarios/tour.toml")),
    (
        "ring-story",
        include_str!("../../assets/scenarios/ring-story.toml"),
    ),
    (
        "limiter-story",
        include_str!("../../assets/scenarios/limiter-story.toml"),
    ),
    (
        "breaker-story",
        include_str!("../../assets/scenarios/breaker-story.toml"),
    ),
];

/// A scenario that could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ScenarioError {
    /// A located problem (syntax, type, unknown field, invalid value).
    #[error("{file}:{line}:{column}: {message}")]
    At {
        /// File name or label.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column (in characters).
        column: usize,
        /// What is wrong and what was expected.
        message: String,
    },
    /// A problem without a precise location.
    #[error("{file}: {message}")]
    Invalid {
        /// File name or label.
        file: String,
        /// What is wrong.
        message: String,
    },
    /// No shipped scenario of that name (and not a readable file).
    #[error("unknown scenario '{name}' (shipped: {available}); or pass a path to a .toml file")]
    Unknown {
        /// Requested name.
        name: String,
        /// Shipped names, comma-separated.
        available: String,
    },
    /// The file could not be read.
    #[error("cannot read {path}: {message}")]
    Io {
        /// Path.
        path: String,
        /// OS error.
        message: String,
    },
}

/// A server at the start of a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerSpec {
    /// Unique name.
    pub name: String,
    /// Weight (finite, > 0).
    pub weight: f64,
}

/// Traffic generation.
#[derive(Debug, Clone, PartialEq)]
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
    pub retry_backoff_ns: u64,
    /// Jitter: the backoff is scaled by a uniform factor in `1 ± jitter` (0..=1).
    pub retry_jitter: f64,
}

/// Token bucket per tenant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LimiterSpec {
    /// Capacity (burst), ≥ 1.
    pub capacity: u32,
    /// Refill (tokens per second), finite, > 0.
    pub refill_per_sec: f64,
}

/// Breaker per server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BreakerSpec {
    /// Consecutive failures that open it.
    pub failure_threshold: u32,
    /// Time open before probing.
    pub recovery_timeout_ns: u64,
    /// Probe successes that close it.
    pub success_threshold: u32,
    /// Concurrent half-open probes.
    pub half_open_probes: u32,
}

/// Simulated server behaviour.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ServerDefaults {
    /// Median latency.
    pub latency_ns: u64,
    /// Log-normal spread (σ of the log); 0 = constant latency.
    pub latency_sigma: f64,
    /// Base error probability (0..=1).
    pub error_rate: f64,
    /// Calls slower than this fail at the timeout.
    pub timeout_ns: u64,
    /// Maximum concurrent calls; calls beyond it fail immediately (overloaded).
    pub capacity: u32,
}

/// One timeline event.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineEvent {
    /// Virtual time (ns).
    pub at_ns: u64,
    /// Command to apply (`None` for a caption-only event).
    pub command: Option<Command>,
    /// Caption shown from this time on.
    pub caption: Option<String>,
    /// A command recorded from a live session (`live = true`): it is applied after everything
    /// else due at the same instant (as a live command is, between two frames) and logged as
    /// a command rather than a scenario event. Live events may share their time with the
    /// event before them, and `n`/`p` do not stop at them.
    pub live: bool,
}

/// A validated scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Short name.
    pub name: String,
    /// One-line description.
    pub description: String,
    /// Default seed.
    pub seed: u64,
    /// Default run length for headless runs.
    pub duration_ns: u64,
    /// Virtual nodes per server of weight 1.
    pub vnodes: u32,
    /// Candidate owners per request (1 = no failover).
    pub replicas: usize,
    /// Initial servers.
    pub servers: Vec<ServerSpec>,
    /// Traffic.
    pub traffic: TrafficSpec,
    /// Limiter.
    pub limiter: LimiterSpec,
    /// `limiter.backend`: `None` for the in-process limiter, else e.g. `redis://host:6379/0`.
    pub limiter_backend: Option<String>,
    /// Breakers.
    pub breaker: BreakerSpec,
    /// Server behaviour.
    pub server_defaults: ServerDefaults,
    /// Timeline, strictly increasing in time.
    pub events: Vec<TimelineEvent>,
}

// ---------- raw TOML ----------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    seed: u64,
    #[serde(default)]
    duration: Option<Spanned<String>>,
    #[serde(default)]
    vnodes: Option<Spanned<u32>>,
    #[serde(default)]
    replicas: Option<Spanned<u32>>,
    servers: Vec<RawServer>,
    #[serde(default)]
    traffic: Option<RawTraffic>,
    #[serde(default)]
    limiter: Option<RawLimiter>,
    #[serde(default)]
    breaker: Option<RawBreaker>,
    #[serde(default)]
    server_defaults: Option<RawServerDefaults>,
    #[serde(default)]
    events: Vec<RawEvent>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawServer {
    name: Spanned<String>,
    #[serde(default)]
    weight: Option<Spanned<f64>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawTraffic {
    rate: Option<Spanned<f64>>,
    tenants: Option<Spanned<u32>>,
    tenant_popularity: Option<Spanned<String>>,
    keys: Option<Spanned<u32>>,
    key_popularity: Option<Spanned<String>>,
    retries: Option<Spanned<u32>>,
    retry_backoff: Option<Spanned<String>>,
    retry_jitter: Option<Spanned<f64>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawLimiter {
    /// `memory` (default) or `redis://host:port[/db]`.
    backend: Option<Spanned<String>>,
    capacity: Option<Spanned<u32>>,
    refill_per_sec: Option<Spanned<f64>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawBreaker {
    failure_threshold: Option<Spanned<u32>>,
    recovery_timeout: Option<Spanned<String>>,
    success_threshold: Option<Spanned<u32>>,
    half_open_probes: Option<Spanned<u32>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawServerDefaults {
    latency: Option<Spanned<String>>,
    latency_sigma: Option<Spanned<f64>>,
    error_rate: Option<Spanned<f64>>,
    timeout: Option<Spanned<String>>,
    capacity: Option<Spanned<u32>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvent {
    at: Spanned<String>,
    #[serde(default)]
    action: Option<Spanned<String>>,
    #[serde(default)]
    caption: Option<String>,
    #[serde(default)]
    live: Option<bool>,
    #[serde(default)]
    server: Option<Spanned<String>>,
    #[serde(default)]
    weight: Option<Spanned<f64>>,
    #[serde(default)]
    fault: Option<Spanned<String>>,
    #[serde(default)]
    error_rate: Option<Spanned<f64>>,
    #[serde(default)]
    latency: Option<Spanned<String>>,
    #[serde(default)]
    period: Option<Spanned<String>>,
    #[serde(default)]
    rate: Option<Spanned<f64>>,
    #[serde(default)]
    factor: Option<Spanned<f64>>,
    #[serde(default)]
    tenant: Option<Spanned<String>>,
    #[serde(default)]
    requests: Option<Spanned<u32>>,
    #[serde(default)]
    capacity: Option<Spanned<u32>>,
    #[serde(default)]
    refill_per_sec: Option<Spanned<f64>>,
    #[serde(default)]
    failure_threshold: Option<Spanned<u32>>,
    #[serde(default)]
    recovery_timeout: Option<Spanned<String>>,
    #[serde(default)]
    success_threshold: Option<Spanned<u32>>,
    #[serde(default)]
    half_open_probes: Option<Spanned<u32>>,
}

/// Known timeline actions.
pub const ACTIONS: &[&str] = &[
    "add_server",
    "remove_server",
    "set_weight",
    "inject_fault",
    "heal",
    "set_rate",
    "scale_rate",
    "burst",
    "set_refill_rate",
    "set_capacity",
    "set_breaker",
    "caption",
];

/// Locates byte spans in a source as line/column.
struct Src<'a> {
    file: &'a str,
    text: &'a str,
}

impl Src<'_> {
    fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = &self.text[..floor_char_boundary(self.text, offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
        let column = before[line_start..].chars().count() + 1;
        (line, column)
    }

    fn at(&self, span: Range<usize>, message: impl Into<String>) -> ScenarioError {
        let (line, column) = self.line_col(span.start);
        ScenarioError::At {
            file: self.file.to_string(),
            line,
            column,
            message: message.into(),
        }
    }

    fn invalid(&self, message: impl Into<String>) -> ScenarioError {
        ScenarioError::Invalid {
            file: self.file.to_string(),
            message: message.into(),
        }
    }

    fn duration(&self, v: &Spanned<String>, what: &str) -> Result<u64, ScenarioError> {
        parse_duration(v.get_ref()).map_err(|e| self.at(v.span(), format!("{what}: {e}")))
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn get<T: Copy>(v: &Option<Spanned<T>>, default: T) -> T {
    v.as_ref().map(|s| *s.get_ref()).unwrap_or(default)
}

fn span_of<T>(v: &Option<Spanned<T>>) -> Range<usize> {
    v.as_ref().map(|s| s.span()).unwrap_or(0..0)
}

impl Scenario {
    /// Virtual times of the scripted (non-`live`) timeline events, in order: the steps a
    /// talk moves through with next / previous.
    pub fn scripted_times(&self) -> impl Iterator<Item = u64> + Clone + '_ {
        self.events.iter().filter(|e| !e.live).map(|e| e.at_ns)
    }

    /// Names of the shipped scenarios.
    pub fn builtin_names() -> impl Iterator<Item = &'static str> {
        BUILTIN.iter().map(|(n, _)| *n)
    }

    /// A shipped scenario by name.
    pub fn builtin(name: &str) -> Result<Self, ScenarioError> {
        match BUILTIN.iter().find(|(n, _)| *n == name) {
            Some((n, text)) => Self::from_toml(text, &format!("{n}.toml")),
            None => Err(ScenarioError::Unknown {
                name: name.to_string(),
                available: Self::builtin_names().collect::<Vec<_>>().join(", "),
            }),
        }
    }

    /// A shipped scenario by name, or else a TOML file at that path.
    pub fn load(name_or_path: &str) -> Result<Self, ScenarioError> {
        if BUILTIN.iter().any(|(n, _)| *n == name_or_path) {
            return Self::builtin(name_or_path);
        }
        let path = std::path::Path::new(name_or_path);
        if path.extension().is_some_and(|e| e == "toml") || path.exists() {
            let text = std::fs::read_to_string(path).map_err(|e| ScenarioError::Io {
                path: name_or_path.to_string(),
                message: e.to_string(),
            })?;
            return Self::from_toml(&text, name_or_path);
        }
        Self::builtin(name_or_path)
    }

    /// Parse and validate a scenario from TOML text; `file` labels error messages.
    pub fn from_toml(text: &str, file: &str) -> Result<Self, ScenarioError> {
        let src = Src { file, text };
        let raw: RawScenario = toml::from_str(text).map_err(|e| {
            let msg = e.message().trim().to_string();
            match e.span() {
                Some(span) => src.at(span, msg),
                None => src.invalid(msg),
            }
        })?;
        Self::from_raw(raw, &src)
    }

    fn from_raw(raw: RawScenario, src: &Src<'_>) -> Result<Self, ScenarioError> {
        if raw.name.trim().is_empty() {
            return Err(src.invalid("`name` must not be empty"));
        }
        let duration_ns = match &raw.duration {
            Some(d) => src.duration(d, "duration")?,
            None => 60_000_000_000,
        };
        if duration_ns == 0 {
            return Err(src.at(span_of(&raw.duration), "duration must be greater than 0"));
        }
        let vnodes = get(&raw.vnodes, crate::patterns::ring::DEFAULT_VNODES);
        if vnodes == 0 {
            return Err(src.at(
                span_of(&raw.vnodes),
                "vnodes must be at least 1 (each server needs a point on the ring)",
            ));
        }
        let replicas = get(&raw.replicas, 2);
        if replicas == 0 {
            return Err(src.at(
                span_of(&raw.replicas),
                "replicas must be at least 1 (1 = no failover)",
            ));
        }
        if raw.servers.is_empty() {
            return Err(src.invalid("at least one [[servers]] entry is required"));
        }
        let mut servers = Vec::with_capacity(raw.servers.len());
        let mut names = BTreeSet::new();
        for s in &raw.servers {
            let name = s.name.get_ref().trim().to_string();
            if name.is_empty() {
                return Err(src.at(s.name.span(), "server name must not be empty"));
            }
            if !names.insert(name.clone()) {
                return Err(src.at(s.name.span(), format!("duplicate server name '{name}'")));
            }
            let weight = get(&s.weight, 1.0);
            if !weight.is_finite() || weight <= 0.0 {
                return Err(src.at(
                    span_of(&s.weight),
                    format!("server weight must be a finite number > 0, got {weight}"),
                ));
            }
            servers.push(ServerSpec { name, weight });
        }

        let t = raw.traffic.unwrap_or_default();
        let rate = get(&t.rate, 100.0);
        if !rate.is_finite() || rate < 0.0 {
            return Err(src.at(
                span_of(&t.rate),
                format!(
                    "traffic.rate must be a finite number of requests per second ≥ 0, got {rate}"
                ),
            ));
        }
        let tenants = get(&t.tenants, 10);
        if tenants == 0 {
            return Err(src.at(span_of(&t.tenants), "traffic.tenants must be at least 1"));
        }
        let keys = get(&t.keys, 10_000);
        if keys == 0 {
            return Err(src.at(span_of(&t.keys), "traffic.keys must be at least 1"));
        }
        let popularity =
            |v: &Option<Spanned<String>>, what: &str| -> Result<Popularity, ScenarioError> {
                match v {
                    None => Ok(Popularity::Uniform),
                    Some(s) => Popularity::parse(s.get_ref())
                        .map_err(|e| src.at(s.span(), format!("{what}: {e}"))),
                }
            };
        let tenant_popularity = popularity(&t.tenant_popularity, "traffic.tenant_popularity")?;
        let key_popularity = popularity(&t.key_popularity, "traffic.key_popularity")?;
        let retries = get(&t.retries, 0);
        if retries > 10 {
            return Err(src.at(span_of(&t.retries), "traffic.retries must be at most 10"));
        }
        let retry_backoff_ns = match &t.retry_backoff {
            Some(d) => src.duration(d, "traffic.retry_backoff")?,
            None => 100_000_000,
        };
        let retry_jitter = get(&t.retry_jitter, 0.5);
        if !(0.0..=1.0).contains(&retry_jitter) {
            return Err(src.at(
                span_of(&t.retry_jitter),
                format!("traffic.retry_jitter must be within 0..=1, got {retry_jitter}"),
            ));
        }
        let traffic = TrafficSpec {
            rate,
            tenants,
            tenant_popularity,
            keys,
            key_popularity,
            retries,
            retry_backoff_ns,
            retry_jitter,
        };

        let l = raw.limiter.unwrap_or_default();
        let capacity = get(&l.capacity, 100);
        if capacity == 0 {
            return Err(src.at(
                span_of(&l.capacity),
                "limiter.capacity must be at least 1 (a bucket of 0 tokens admits nothing)",
            ));
        }
        let refill_per_sec = get(&l.refill_per_sec, 50.0);
        if !refill_per_sec.is_finite() || refill_per_sec <= 0.0 {
            return Err(src.at(
                span_of(&l.refill_per_sec),
                format!("limiter.refill_per_sec must be a finite number > 0, got {refill_per_sec}"),
            ));
        }
        let limiter_backend = l
            .backend
            .as_ref()
            .map(|b| b.get_ref().trim().to_string())
            .filter(|b| !b.is_empty() && b != "memory");
        let limiter = LimiterSpec {
            capacity,
            refill_per_sec,
        };

        let b = raw.breaker.unwrap_or_default();
        let breaker = BreakerSpec {
            failure_threshold: get(&b.failure_threshold, 5),
            recovery_timeout_ns: match &b.recovery_timeout {
                Some(d) => src.duration(d, "breaker.recovery_timeout")?,
                None => 5_000_000_000,
            },
            success_threshold: get(&b.success_threshold, 3),
            half_open_probes: get(&b.half_open_probes, 1),
        };
        for (v, name, val) in [
            (
                &b.failure_threshold,
                "breaker.failure_threshold",
                breaker.failure_threshold,
            ),
            (
                &b.success_threshold,
                "breaker.success_threshold",
                breaker.success_threshold,
            ),
            (
                &b.half_open_probes,
                "breaker.half_open_probes",
                breaker.half_open_probes,
            ),
        ] {
            if val == 0 {
                return Err(src.at(span_of(v), format!("{name} must be at least 1")));
            }
        }

        let d = raw.server_defaults.unwrap_or_default();
        let server_defaults = ServerDefaults {
            latency_ns: match &d.latency {
                Some(v) => src.duration(v, "server_defaults.latency")?,
                None => 20_000_000,
            },
            latency_sigma: get(&d.latency_sigma, 0.4),
            error_rate: get(&d.error_rate, 0.0),
            timeout_ns: match &d.timeout {
                Some(v) => src.duration(v, "server_defaults.timeout")?,
                None => 1_000_000_000,
            },
            capacity: get(&d.capacity, 10_000),
        };
        if !server_defaults.latency_sigma.is_finite()
            || !(0.0..=3.0).contains(&server_defaults.latency_sigma)
        {
            return Err(src.at(
                span_of(&d.latency_sigma),
                "server_defaults.latency_sigma must be within 0..=3",
            ));
        }
        if !(0.0..=1.0).contains(&server_defaults.error_rate) {
            return Err(src.at(
                span_of(&d.error_rate),
                format!(
                    "server_defaults.error_rate must be a probability within 0..=1, got {}",
                    server_defaults.error_rate
                ),
            ));
        }
        if server_defaults.timeout_ns == 0 {
            return Err(src.at(
                span_of(&d.timeout),
                "server_defaults.timeout must be greater than 0",
            ));
        }
        if server_defaults.capacity == 0 {
            return Err(src.at(
                span_of(&d.capacity),
                "server_defaults.capacity must be at least 1 concurrent call",
            ));
        }

        let mut members: BTreeSet<String> = names;
        let mut events = Vec::with_capacity(raw.events.len());
        let mut last_at: Option<(u64, String)> = None;
        // Once a recorded live command has run, membership may differ from what the script
        // expected (a server removed live, say): later events are then checked when they run
        // (the engine skips one that no longer applies, with a log line, as it did live).
        let mut lenient = false;
        for e in &raw.events {
            let at_ns = src.duration(&e.at, "event time `at`")?;
            let live = e.live.unwrap_or(false);
            if let Some((prev, prev_text)) = &last_at
                && (at_ns < *prev || (at_ns == *prev && !live))
            {
                return Err(src.at(
                    e.at.span(),
                    format!(
                        "event times must increase: `at = \"{}\"` is not after the previous event at \"{prev_text}\" (only `live = true` events may share the previous event's time)",
                        e.at.get_ref()
                    ),
                ));
            }
            last_at = Some((at_ns, e.at.get_ref().clone()));
            lenient |= live;
            let command = event_command(e, src, &mut members, &traffic, lenient)?;
            if command.is_none() && e.caption.is_none() {
                return Err(src.at(e.at.span(), "an event needs an `action` or a `caption`"));
            }
            if live && command.is_none() {
                return Err(src.at(
                    e.at.span(),
                    "a `live = true` event needs an `action` (it records a command)",
                ));
            }
            events.push(TimelineEvent {
                at_ns,
                command,
                caption: e.caption.clone(),
                live,
            });
        }

        Ok(Scenario {
            name: raw.name,
            description: raw.description,
            seed: raw.seed,
            duration_ns,
            vnodes,
            replicas: replicas as usize,
            servers,
            traffic,
            limiter,
            limiter_backend,
            breaker,
            server_defaults,
            events,
        })
    }
}

/// Convert and validate one timeline event, tracking membership over time.
fn event_command(
    e: &RawEvent,
    src: &Src<'_>,
    members: &mut BTreeSet<String>,
    traffic: &TrafficSpec,
    lenient: bool,
) -> Result<Option<Command>, ScenarioError> {
    let Some(action) = &e.action else {
        return Ok(None);
    };
    let aspan = action.span();
    let need_server = |members: &BTreeSet<String>| -> Result<String, ScenarioError> {
        let s = e.server.as_ref().ok_or_else(|| {
            src.at(
                aspan.clone(),
                format!("action `{}` needs `server = \"...\"`", action.get_ref()),
            )
        })?;
        if !lenient && !members.contains(s.get_ref()) {
            return Err(src.at(
                s.span(),
                format!(
                    "unknown server '{}' in event (servers at that time: {})",
                    s.get_ref(),
                    members.iter().cloned().collect::<Vec<_>>().join(", ")
                ),
            ));
        }
        Ok(s.get_ref().clone())
    };
    let need = |what: &str| {
        src.at(
            aspan.clone(),
            format!("action `{}` needs `{what}`", action.get_ref()),
        )
    };
    let cmd = match action.get_ref().as_str() {
        "caption" => return Ok(None),
        "add_server" => {
            let name = match &e.server {
                Some(s) => {
                    let n = s.get_ref().trim().to_string();
                    if n.is_empty() {
                        return Err(src.at(s.span(), "server name must not be empty"));
                    }
                    if !lenient && members.contains(&n) {
                        return Err(src.at(
                            s.span(),
                            format!("duplicate server name '{n}': it is already on the ring"),
                        ));
                    }
                    n
                }
                None => auto_server_name(|n| members.contains(n)),
            };
            members.insert(name.clone());
            Command::AddServer { name: Some(name) }
        }
        "remove_server" => {
            let s = need_server(members)?;
            if !lenient && members.len() == 1 {
                return Err(src.at(
                    span_of(&e.server),
                    format!("cannot remove '{s}': it is the last server"),
                ));
            }
            members.remove(&s);
            Command::RemoveServer(s)
        }
        "set_weight" => {
            let server = need_server(members)?;
            let w = e.weight.as_ref().ok_or_else(|| need("weight"))?;
            if !w.get_ref().is_finite() || *w.get_ref() <= 0.0 {
                return Err(src.at(
                    w.span(),
                    format!("weight must be a finite number > 0, got {}", w.get_ref()),
                ));
            }
            Command::SetWeight {
                server,
                weight: *w.get_ref(),
            }
        }
        "inject_fault" => {
            let server = need_server(members)?;
            let f = e
                .fault
                .as_ref()
                .ok_or_else(|| need("fault = \"errors\" | \"slow\" | \"down\" | \"flapping\""))?;
            let fault = match f.get_ref().as_str() {
                "down" => Fault::Down,
                "errors" => {
                    let r = e.error_rate.as_ref().ok_or_else(|| need("error_rate"))?;
                    if !(0.0..=1.0).contains(r.get_ref()) {
                        return Err(src.at(
                            r.span(),
                            format!("error_rate must be within 0..=1, got {}", r.get_ref()),
                        ));
                    }
                    Fault::Errors { rate: *r.get_ref() }
                }
                "slow" => {
                    let l = e.latency.as_ref().ok_or_else(|| need("latency"))?;
                    Fault::Slow {
                        latency_ms: src.duration(l, "latency")? / 1_000_000,
                    }
                }
                "flapping" => {
                    let p = e.period.as_ref().ok_or_else(|| need("period"))?;
                    let ms = src.duration(p, "period")? / 1_000_000;
                    if ms < 2 {
                        return Err(src.at(p.span(), "flapping period must be at least 2ms"));
                    }
                    Fault::Flapping { period_ms: ms }
                }
                other => {
                    return Err(src.at(
                        f.span(),
                        format!(
                            "unknown fault '{other}': expected one of errors, slow, down, flapping"
                        ),
                    ));
                }
            };
            Command::InjectFault { server, fault }
        }
        "heal" => Command::Heal {
            server: need_server(members)?,
        },
        "set_rate" => {
            let r = e.rate.as_ref().ok_or_else(|| need("rate"))?;
            if !r.get_ref().is_finite() || *r.get_ref() < 0.0 {
                return Err(src.at(
                    r.span(),
                    format!("rate must be a finite number ≥ 0, got {}", r.get_ref()),
                ));
            }
            Command::SetRate(*r.get_ref())
        }
        "scale_rate" => {
            let r = e.factor.as_ref().ok_or_else(|| need("factor"))?;
            if !r.get_ref().is_finite() || *r.get_ref() <= 0.0 {
                return Err(src.at(
                    r.span(),
                    format!("factor must be a finite number > 0, got {}", r.get_ref()),
                ));
            }
            Command::ScaleRate(*r.get_ref())
        }
        "burst" => {
            let requests = e.requests.as_ref().ok_or_else(|| need("requests"))?;
            if *requests.get_ref() == 0 {
                return Err(src.at(requests.span(), "a burst needs at least 1 request"));
            }
            let tenant = match &e.tenant {
                None => None,
                Some(t) => {
                    if !(0..traffic.tenants).any(|i| tenant_name(i) == *t.get_ref()) {
                        return Err(src.at(t.span(), format!("unknown tenant '{}'", t.get_ref())));
                    }
                    Some(t.get_ref().clone())
                }
            };
            Command::Burst {
                tenant,
                requests: *requests.get_ref(),
            }
        }
        "set_refill_rate" => {
            let r = e
                .refill_per_sec
                .as_ref()
                .or(e.rate.as_ref())
                .ok_or_else(|| need("refill_per_sec"))?;
            if !r.get_ref().is_finite() || *r.get_ref() <= 0.0 {
                return Err(src.at(
                    r.span(),
                    format!(
                        "refill rate must be a finite number > 0, got {}",
                        r.get_ref()
                    ),
                ));
            }
            Command::SetRefillRate(*r.get_ref())
        }
        "set_capacity" => {
            let c = e.capacity.as_ref().ok_or_else(|| need("capacity"))?;
            if *c.get_ref() == 0 {
                return Err(src.at(c.span(), "capacity must be at least 1"));
            }
            Command::SetCapacity(*c.get_ref())
        }
        "set_breaker" => {
            let p = BreakerParams {
                failure_threshold: e.failure_threshold.as_ref().map(|v| *v.get_ref()),
                recovery_timeout_ms: match &e.recovery_timeout {
                    Some(d) => Some(src.duration(d, "recovery_timeout")? / 1_000_000),
                    None => None,
                },
                success_threshold: e.success_threshold.as_ref().map(|v| *v.get_ref()),
                half_open_probes: e.half_open_probes.as_ref().map(|v| *v.get_ref()),
            };
            for (v, n) in [
                (&e.failure_threshold, "failure_threshold"),
                (&e.success_threshold, "success_threshold"),
                (&e.half_open_probes, "half_open_probes"),
            ] {
                if let Some(v) = v
                    && *v.get_ref() == 0
                {
                    return Err(src.at(v.span(), format!("{n} must be at least 1")));
                }
            }
            Command::SetBreaker(p)
        }
        other => {
            return Err(src.at(
                aspan,
                format!(
                    "unknown action '{other}': expected one of {}",
                    ACTIONS.join(", ")
                ),
            ));
        }
    };
    Ok(Some(cmd))
}

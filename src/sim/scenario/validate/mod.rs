//! The rules a scenario and every command obey, in one place: used when a scenario file is
//! read (`ringside check`, the dashboard, `simulate`), when an engine is built from a
//! [`Scenario`] value, and when a live command is applied.

mod timeline;
mod values;

use std::collections::BTreeSet;
use std::fmt::Display;

use crate::patterns::hashing::{Algorithm, HashingError};
use crate::sim::compare::Settings;
use crate::sim::limits::{
    MAX_HASHING_WORK, MAX_KEYS, MAX_NAME_BYTES, MAX_RATE, MAX_RETRIES, MAX_RING_POINTS,
    MAX_SERVERS, MAX_TENANTS, MAX_VNODES,
};

pub use super::problem::{FieldPath, PathPart, Problem};
use super::types::{BreakerPolicy, HashingSpec, Scenario};
use crate::patterns::breaker::{MAX_WINDOW_CALLS, MAX_WINDOW_SECS};
pub use values::{
    MIN_FLAP_PERIOD_NS, breaker_params, command, duration, factor, fault, limiter_backend, rate,
    ring_size, server_points, weight, weight_points, within,
};

/// The MD5s one rebuild of the engine's owner table costs beyond hashing each key once:
/// rendezvous hashes every key with every server, multi-probe every key K times; the
/// others none.
pub fn hashing_work(spec: &HashingSpec, keys: u32, servers: usize) -> u64 {
    match spec.algorithm {
        Algorithm::Rendezvous => u64::from(keys) * servers as u64,
        Algorithm::MultiProbe => u64::from(keys) * u64::from(spec.probes),
        _ => 0,
    }
}

fn at(path: FieldPath, message: impl Into<String>) -> Problem {
    Problem {
        path: Some(path),
        message: message.into(),
    }
}

fn key(k: &'static str) -> FieldPath {
    vec![PathPart::Key(k)]
}

fn key2(a: &'static str, b: &'static str) -> FieldPath {
    vec![PathPart::Key(a), PathPart::Key(b)]
}

fn event(i: usize, k: &'static str) -> FieldPath {
    vec![
        PathPart::Key("events"),
        PathPart::Index(i),
        PathPart::Key(k),
    ]
}

/// [`within`] for a value at `path`.
fn limit<T: PartialOrd + Display>(
    path: FieldPath,
    what: &'static str,
    got: T,
    max: T,
) -> Result<(), Problem> {
    within(what, got, max).map_err(|e| at(path, e.to_string()))
}

/// [`duration`] for a value at `path`.
fn time_limit(path: FieldPath, what: &'static str, ns: u64) -> Result<(), Problem> {
    duration(what, ns).map_err(|e| at(path, e.to_string()))
}

/// A server name: not empty, at most [`MAX_NAME_BYTES`].
fn server_name(name: &str, path: FieldPath) -> Result<(), Problem> {
    if name.trim().is_empty() {
        return Err(at(path, "server name must not be empty"));
    }
    limit(
        path,
        "server name length (bytes)",
        name.len(),
        MAX_NAME_BYTES,
    )
}

fn at_least_one(value: u64, path: FieldPath, name: &str, why: &str) -> Result<(), Problem> {
    if value == 0 {
        return Err(at(path, format!("{name} must be at least 1{why}")));
    }
    Ok(())
}

fn probability(value: f64, path: FieldPath, name: &str) -> Result<(), Problem> {
    if !(0.0..=1.0).contains(&value) {
        return Err(at(
            path,
            format!("{name} must be a probability within 0..=1, got {value}"),
        ));
    }
    Ok(())
}

impl Scenario {
    /// Check every rule: the settings, then the timeline in order (times increase, each
    /// event names servers and tenants that exist at its time, values within range).
    pub fn validate(&self) -> Result<(), Problem> {
        self.validate_settings()?;
        self.validate_timeline()
    }

    /// The settings outside the timeline.
    fn validate_settings(&self) -> Result<(), Problem> {
        let whole = |message: &str| Problem {
            path: None,
            message: message.to_string(),
        };
        if self.name.trim().is_empty() {
            return Err(whole("`name` must not be empty"));
        }
        if self.duration_ns == 0 {
            return Err(at(key("duration"), "duration must be greater than 0"));
        }
        time_limit(key("duration"), "duration", self.duration_ns)?;
        let why = " (each server needs a point on the ring)";
        at_least_one(self.vnodes.into(), key("vnodes"), "vnodes", why)?;
        limit(key("vnodes"), "vnodes", self.vnodes, MAX_VNODES)?;
        let why = " (1 = no failover)";
        at_least_one(self.replicas as u64, key("replicas"), "replicas", why)?;
        if self.servers.is_empty() {
            return Err(whole("at least one [[servers]] entry is required"));
        }
        limit(key("servers"), "servers", self.servers.len(), MAX_SERVERS)?;
        let mut names = BTreeSet::new();
        let mut points = 0u64;
        for (i, s) in self.servers.iter().enumerate() {
            let path = vec![PathPart::Key("servers"), PathPart::Index(i)];
            let name_at = [path.clone(), key("name")].concat();
            server_name(&s.name, name_at.clone())?;
            if !names.insert(s.name.trim()) {
                let message = format!("duplicate server name '{}'", s.name.trim());
                return Err(at(name_at, message));
            }
            if weight(s.weight).is_err() {
                let message = format!(
                    "server weight must be a finite number > 0, got {}",
                    s.weight
                );
                return Err(at([path, key("weight")].concat(), message));
            }
            weight_points(self.vnodes, s.weight)
                .map_err(|e| at([path, key("weight")].concat(), e.to_string()))?;
            points += server_points(self.vnodes, s.weight);
        }
        limit(key("servers"), "ring points", points, MAX_RING_POINTS)?;
        if let Some(b) = &self.compare {
            // Keys and algorithm names here; values when a run applies them.
            Settings::parse(b).map_err(|e| at(key("compare"), e.to_string()))?;
        }
        self.validate_traffic()?;
        self.validate_hashing()?;
        self.validate_limiter_and_breaker()?;
        self.validate_server_defaults()
    }

    fn validate_traffic(&self) -> Result<(), Problem> {
        let t = &self.traffic;
        if rate(t.rate).is_err() {
            return Err(at(
                key2("traffic", "rate"),
                format!(
                    "traffic.rate must be a finite number of requests per second ≥ 0 and at most {MAX_RATE}, got {}",
                    t.rate
                ),
            ));
        }
        at_least_one(
            t.tenants.into(),
            key2("traffic", "tenants"),
            "traffic.tenants",
            "",
        )?;
        limit(
            key2("traffic", "tenants"),
            "traffic.tenants",
            t.tenants,
            MAX_TENANTS,
        )?;
        at_least_one(t.keys.into(), key2("traffic", "keys"), "traffic.keys", "")?;
        limit(key2("traffic", "keys"), "traffic.keys", t.keys, MAX_KEYS)?;
        time_limit(
            key2("traffic", "retry_backoff"),
            "traffic.retry_backoff",
            t.retry_backoff_ns,
        )?;
        if t.retries > MAX_RETRIES {
            return Err(at(
                key2("traffic", "retries"),
                format!("traffic.retries must be at most {MAX_RETRIES}"),
            ));
        }
        if !(0.0..=1.0).contains(&t.retry_jitter) {
            return Err(at(
                key2("traffic", "retry_jitter"),
                format!(
                    "traffic.retry_jitter must be within 0..=1, got {}",
                    t.retry_jitter
                ),
            ));
        }
        // Checked whatever the policy, so that `retry=budget` finds them valid.
        if t.retry_budget_percent > 1000 {
            return Err(at(
                key2("traffic", "retry_budget_percent"),
                format!(
                    "traffic.retry_budget_percent must be at most 1000 (ten retries per request), got {}",
                    t.retry_budget_percent
                ),
            ));
        }
        if !(1..=60).contains(&t.retry_budget_window_secs) {
            return Err(at(
                key2("traffic", "retry_budget_window_secs"),
                format!(
                    "traffic.retry_budget_window_secs must be within 1..=60, got {}",
                    t.retry_budget_window_secs
                ),
            ));
        }
        Ok(())
    }

    /// `[ring]`: the parameter the chosen algorithm reads, and the work its per-key owner
    /// table costs at each membership change (see [`MAX_HASHING_WORK`]).
    fn validate_hashing(&self) -> Result<(), Problem> {
        let h = &self.ring;
        h.params(self.vnodes).validate(h.algorithm).map_err(|e| {
            let field = match e {
                HashingError::TableSize(_) => "table_size",
                HashingError::Probes(_) => "probes",
                HashingError::BalanceFactor(_) => "balance_factor",
                _ => "algorithm",
            };
            at(key2("ring", field), format!("ring.{field}: {e}"))
        })?;
        let work = hashing_work(h, self.traffic.keys, self.servers.len());
        limit(
            key2("ring", "algorithm"),
            "hashes per owner-table rebuild (keys × servers for rendezvous, keys × probes for multi-probe)",
            work,
            MAX_HASHING_WORK,
        )
    }

    fn validate_limiter_and_breaker(&self) -> Result<(), Problem> {
        let why = " (a bucket of 0 tokens admits nothing)";
        let l = &self.limiter;
        at_least_one(
            l.capacity.into(),
            key2("limiter", "capacity"),
            "limiter.capacity",
            why,
        )?;
        if !(l.refill_per_sec.is_finite() && l.refill_per_sec > 0.0) {
            return Err(at(
                key2("limiter", "refill_per_sec"),
                format!(
                    "limiter.refill_per_sec must be a finite number > 0, got {}",
                    l.refill_per_sec
                ),
            ));
        }
        if let Some(url) = &l.backend {
            limiter_backend(url).map_err(|m| at(key2("limiter", "backend"), m))?;
            if !l.algorithm.runs_shared() {
                return Err(at(
                    key2("limiter", "algorithm"),
                    format!(
                        "limiter.algorithm = \"{}\" runs in process only: a shared backend \
                         (limiter.backend) runs the token bucket; drop one of the two",
                        l.algorithm
                    ),
                ));
            }
        }
        let b = &self.breaker;
        time_limit(
            key2("breaker", "recovery_timeout"),
            "breaker.recovery_timeout",
            b.recovery_timeout_ns,
        )?;
        for (value, name) in [
            (b.failure_threshold, "failure_threshold"),
            (b.success_threshold, "success_threshold"),
            (b.half_open_probes, "half_open_probes"),
        ] {
            let label = format!("breaker.{name}");
            at_least_one(value.into(), key2("breaker", name), &label, "")?;
        }
        self.validate_breaker_window()
    }

    /// The window policies' parameters (checked whatever the policy, so that a comparison
    /// switching the policy on finds them valid).
    fn validate_breaker_window(&self) -> Result<(), Problem> {
        let b = &self.breaker;
        let range = |value: u32, name: &'static str, lo: u32, hi: u32, unit: &str| {
            if (lo..=hi).contains(&value) {
                return Ok(());
            }
            Err(at(
                key2("breaker", name),
                format!("breaker.{name} must be within {lo}..={hi}{unit}, got {value}"),
            ))
        };
        range(b.window_calls, "window_calls", 1, MAX_WINDOW_CALLS, "")?;
        range(
            b.window_secs,
            "window_secs",
            1,
            MAX_WINDOW_SECS,
            " (seconds)",
        )?;
        range(b.failure_rate, "failure_rate", 1, 100, " (%)")?;
        range(b.slow_call_rate, "slow_call_rate", 1, 100, " (%)")?;
        at_least_one(
            b.minimum_calls.into(),
            key2("breaker", "minimum_calls"),
            "breaker.minimum_calls",
            "",
        )?;
        if b.policy == BreakerPolicy::CountWindow && b.minimum_calls > b.window_calls {
            return Err(at(
                key2("breaker", "minimum_calls"),
                format!(
                    "breaker.minimum_calls ({}) must be at most breaker.window_calls ({}): \
                     a window of {} calls never holds more",
                    b.minimum_calls, b.window_calls, b.window_calls
                ),
            ));
        }
        time_limit(
            key2("breaker", "slow_call"),
            "breaker.slow_call",
            b.slow_call_ns,
        )
    }

    fn validate_server_defaults(&self) -> Result<(), Problem> {
        let d = &self.server_defaults;
        let path = |k| key2("server_defaults", k);
        if !d.latency_sigma.is_finite() || !(0.0..=3.0).contains(&d.latency_sigma) {
            return Err(at(
                path("latency_sigma"),
                "server_defaults.latency_sigma must be within 0..=3",
            ));
        }
        probability(
            d.error_rate,
            path("error_rate"),
            "server_defaults.error_rate",
        )?;
        if d.timeout_ns == 0 {
            return Err(at(
                path("timeout"),
                "server_defaults.timeout must be greater than 0",
            ));
        }
        time_limit(path("timeout"), "server_defaults.timeout", d.timeout_ns)?;
        time_limit(path("latency"), "server_defaults.latency", d.latency_ns)?;
        let why = " concurrent call";
        at_least_one(
            d.capacity.into(),
            path("capacity"),
            "server_defaults.capacity",
            why,
        )
    }
}

//! The rules a scenario and every command obey, in one place: used when a scenario file is
//! read (`ringside check`, the dashboard, `simulate`), when an engine is built from a
//! [`Scenario`] value, and when a live command is applied.

use std::collections::BTreeSet;

use crate::sim::command::{BreakerParams, Command, Fault};
use crate::sim::duration::exact_duration;
use crate::sim::error::SimError;
use crate::sim::limits::{MAX_RATE, MAX_RETRIES};
use crate::sim::traffic::{auto_server_name, tenant_name};

pub use super::problem::{FieldPath, PathPart, Problem};
use super::types::Scenario;

/// Shortest flapping period: down for half of it, up for the other half.
pub const MIN_FLAP_PERIOD_NS: u64 = 2_000_000;

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

/// An offered traffic rate: finite, ≥ 0 and at most [`MAX_RATE`].
pub fn rate(rate: f64) -> Result<(), SimError> {
    if !rate.is_finite() || rate < 0.0 {
        return Err(SimError::InvalidRate(rate));
    }
    if rate > MAX_RATE {
        return Err(SimError::RateTooHigh {
            got: rate,
            max: MAX_RATE,
        });
    }
    Ok(())
}

/// A factor scaling the rate: finite, > 0.
pub fn factor(factor: f64) -> Result<(), SimError> {
    if factor.is_finite() && factor > 0.0 {
        Ok(())
    } else {
        Err(SimError::InvalidFactor(factor))
    }
}

/// A server weight: finite, > 0.
pub fn weight(weight: f64) -> Result<(), SimError> {
    if weight.is_finite() && weight > 0.0 {
        Ok(())
    } else {
        Err(SimError::InvalidWeight(weight))
    }
}

/// A fault: an error rate within 0..=1, a flapping period of at least
/// [`MIN_FLAP_PERIOD_NS`].
pub fn fault(fault: &Fault) -> Result<(), SimError> {
    match *fault {
        Fault::Errors { rate } if !(0.0..=1.0).contains(&rate) => {
            Err(SimError::InvalidErrorRate(rate))
        }
        Fault::Flapping { period_ns } if period_ns < MIN_FLAP_PERIOD_NS => {
            Err(SimError::FlapPeriodTooShort {
                got_ns: period_ns,
                min_ns: MIN_FLAP_PERIOD_NS,
            })
        }
        _ => Ok(()),
    }
}

/// Breaker parameters: every count given is at least 1.
pub fn breaker_params(p: &BreakerParams) -> Result<(), SimError> {
    for (value, name) in [
        (p.failure_threshold, "failure_threshold"),
        (p.success_threshold, "success_threshold"),
        (p.half_open_probes, "half_open_probes"),
    ] {
        if value == Some(0) {
            return Err(SimError::ZeroCount(name));
        }
    }
    Ok(())
}

/// The value rules of a command (what can be checked without an engine): rates, factors,
/// weights, faults, burst sizes, bucket and breaker parameters.
pub fn command(command: &Command) -> Result<(), SimError> {
    match command {
        Command::SetWeight { weight: w, .. } => weight(*w),
        Command::InjectFault { fault: f, .. } => fault(f),
        Command::SetRate(r) => rate(*r),
        Command::ScaleRate(f) => factor(*f),
        Command::Burst { requests: 0, .. } => Err(SimError::EmptyBurst),
        Command::SetRefillRate(r) if !(r.is_finite() && *r > 0.0) => {
            Err(SimError::InvalidRefillRate(*r))
        }
        Command::SetCapacity(0) => Err(SimError::ZeroCount("capacity")),
        Command::SetBreaker(p) => breaker_params(p),
        _ => Ok(()),
    }
}

/// The key of the value a command's [`command`] rule refuses, for locating it in a file.
fn command_field(command: &Command) -> &'static str {
    match command {
        Command::SetWeight { .. } => "weight",
        Command::InjectFault {
            fault: Fault::Errors { .. },
            ..
        } => "error_rate",
        Command::InjectFault { .. } => "period",
        Command::SetRate(_) => "rate",
        Command::ScaleRate(_) => "factor",
        Command::Burst { .. } => "requests",
        Command::SetRefillRate(_) => "refill_per_sec",
        Command::SetCapacity(_) => "capacity",
        _ => "action",
    }
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
        let why = " (each server needs a point on the ring)";
        at_least_one(self.vnodes.into(), key("vnodes"), "vnodes", why)?;
        let why = " (1 = no failover)";
        at_least_one(self.replicas as u64, key("replicas"), "replicas", why)?;
        if self.servers.is_empty() {
            return Err(whole("at least one [[servers]] entry is required"));
        }
        let mut names = BTreeSet::new();
        for (i, s) in self.servers.iter().enumerate() {
            let path = vec![PathPart::Key("servers"), PathPart::Index(i)];
            let name_at = [path.clone(), key("name")].concat();
            if s.name.trim().is_empty() {
                return Err(at(name_at, "server name must not be empty"));
            }
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
        }
        self.validate_traffic()?;
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
        at_least_one(t.keys.into(), key2("traffic", "keys"), "traffic.keys", "")?;
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
        Ok(())
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
        let b = &self.breaker;
        for (value, name) in [
            (b.failure_threshold, "failure_threshold"),
            (b.success_threshold, "success_threshold"),
            (b.half_open_probes, "half_open_probes"),
        ] {
            let label = format!("breaker.{name}");
            at_least_one(value.into(), key2("breaker", name), &label, "")?;
        }
        Ok(())
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
        let why = " concurrent call";
        at_least_one(
            d.capacity.into(),
            path("capacity"),
            "server_defaults.capacity",
            why,
        )
    }

    /// The timeline, tracking which servers exist at each event's time.
    ///
    /// Once a recorded live command has run, membership may differ from what the script
    /// expected (a server removed live, say): later events are then checked when they run
    /// (the engine skips one that no longer applies, with a log line, as it did live).
    fn validate_timeline(&self) -> Result<(), Problem> {
        let mut members: BTreeSet<String> = self
            .servers
            .iter()
            .map(|s| s.name.trim().to_string())
            .collect();
        let mut lenient = false;
        let mut previous: Option<u64> = None;
        for (i, e) in self.events.iter().enumerate() {
            if let Some(prev) = previous
                && (e.at_ns < prev || (e.at_ns == prev && !e.live))
            {
                return Err(at(
                    event(i, "at"),
                    format!(
                        "event times must increase: \"{}\" is not after the previous event at \"{}\" (only `live = true` events may share the previous event's time)",
                        exact_duration(e.at_ns),
                        exact_duration(prev)
                    ),
                ));
            }
            previous = Some(e.at_ns);
            lenient |= e.live;
            match &e.command {
                None if e.live => {
                    return Err(at(
                        event(i, "at"),
                        "a `live = true` event needs an `action` (it records a command)",
                    ));
                }
                None if e.caption.is_none() => {
                    return Err(at(
                        event(i, "at"),
                        "an event needs an `action` or a `caption`",
                    ));
                }
                None => {}
                Some(c) => {
                    command(c).map_err(|err| at(event(i, command_field(c)), err.to_string()))?;
                    self.check_members(i, c, &mut members, lenient)?;
                }
            }
        }
        Ok(())
    }

    /// An event's servers and tenant exist at its time; membership follows it.
    fn check_members(
        &self,
        i: usize,
        command: &Command,
        members: &mut BTreeSet<String>,
        lenient: bool,
    ) -> Result<(), Problem> {
        let known = |members: &BTreeSet<String>, s: &str| {
            if lenient || members.contains(s) {
                return Ok(());
            }
            let list = members.iter().cloned().collect::<Vec<_>>().join(", ");
            Err(at(
                event(i, "server"),
                format!("unknown server '{s}' in event (servers at that time: {list})"),
            ))
        };
        match command {
            Command::AddServer { name } => {
                let name = match name {
                    Some(n) => n.trim().to_string(),
                    None => auto_server_name(|n| members.contains(n)),
                };
                if name.is_empty() {
                    return Err(at(event(i, "server"), "server name must not be empty"));
                }
                if !lenient && members.contains(&name) {
                    return Err(at(
                        event(i, "server"),
                        format!("duplicate server name '{name}': it is already on the ring"),
                    ));
                }
                members.insert(name);
            }
            Command::RemoveServer(s) => {
                known(members, s)?;
                if !lenient && members.len() == 1 {
                    return Err(at(
                        event(i, "server"),
                        format!("cannot remove '{s}': it is the last server"),
                    ));
                }
                members.remove(s);
            }
            Command::SetWeight { server, .. }
            | Command::InjectFault { server, .. }
            | Command::Heal { server } => known(members, server)?,
            Command::Burst {
                tenant: Some(t), ..
            } if !(0..self.traffic.tenants).any(|i| tenant_name(i) == *t) => {
                return Err(at(event(i, "tenant"), format!("unknown tenant '{t}'")));
            }
            _ => {}
        }
        Ok(())
    }
}

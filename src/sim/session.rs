//! Sessions become scenarios.
//!
//! The engine records every live command it applies (see [`Command::is_recorded`]) with the
//! exact virtual time at which it was applied. A [`SessionLog`] — the starting scenario, the
//! seed and those commands — turns into a scenario whose timeline holds the original events
//! plus the recorded commands as `live = true` events. A live event fires after everything
//! else due at its instant, exactly as the live command did between two frames, so running
//! the saved scenario reproduces the session: the same snapshots at the same virtual times.
//!
//! [`Scenario::to_toml`] writes any validated scenario back as TOML that
//! [`Scenario::from_toml`] reads into an equal value.

use std::fmt::Write as _;
use std::sync::Arc;

use super::command::{Command, Fault};
use super::error::SimError;
use super::scenario::{Scenario, TimelineEvent};

/// One live command and the virtual time (ns) at which it was applied.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionEntry {
    /// Virtual time (ns) at which the command was applied.
    pub at_ns: u64,
    /// The command, with anything implicit made explicit (auto server names, the hottest
    /// tenant of a burst), so that replaying it does exactly the same thing.
    pub command: Command,
}

/// What happened in a session since its last start or reset: enough to replay it exactly.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionLog {
    /// The scenario the session started from.
    pub scenario: Arc<Scenario>,
    /// The seed in use.
    pub seed: u64,
    /// Live commands, in the order applied (non-decreasing times).
    pub entries: Arc<[SessionEntry]>,
    /// Whether more than [`SESSION_COMMANDS`](super::SESSION_COMMANDS) commands were applied
    /// (the log then stops growing and cannot be saved exactly).
    pub truncated: bool,
}

impl SessionLog {
    /// The scenario that replays this session: the starting scenario with this seed and its
    /// timeline merged with the live commands (as `live = true` events; at equal times the
    /// scripted event comes first, as it fired first live). Its duration is extended to the
    /// last command when needed.
    pub fn to_scenario(&self) -> Result<Scenario, SimError> {
        if self.truncated {
            return Err(SimError::SessionTruncated(super::SESSION_COMMANDS));
        }
        let mut sc = (*self.scenario).clone();
        sc.seed = self.seed;
        let mut events = Vec::with_capacity(sc.events.len() + self.entries.len());
        let mut live = self.entries.iter().peekable();
        for ev in sc.events.drain(..) {
            while let Some(e) = live.next_if(|e| e.at_ns < ev.at_ns) {
                events.push(live_event(e));
            }
            events.push(ev);
        }
        events.extend(live.map(live_event));
        if let Some(last) = self.entries.last() {
            sc.duration_ns = sc.duration_ns.max(last.at_ns);
        }
        sc.events = events;
        Ok(sc)
    }

    /// [`to_scenario`](Self::to_scenario) as TOML, with a comment header saying where it
    /// came from.
    pub fn to_toml(&self) -> Result<String, SimError> {
        let sc = self.to_scenario()?;
        let header = format!(
            "# Recorded by ringside: scenario \"{}\", seed {}, {} live command(s).\n\
             # Replay it with: ringside --scenario <this file>\n\n",
            self.scenario.name.replace(['\n', '\r'], " "),
            self.seed,
            self.entries.len()
        );
        Ok(header + &sc.to_toml()?)
    }
}

fn live_event(e: &SessionEntry) -> TimelineEvent {
    TimelineEvent {
        at_ns: e.at_ns,
        command: Some(e.command.clone()),
        caption: None,
        live: true,
    }
}

/// A TOML string literal (escaped).
fn s(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// A TOML float literal (always with a decimal point or exponent; round-trips exactly).
fn f(x: f64) -> String {
    toml::Value::Float(x).to_string()
}

/// A duration in the largest unit that represents `ns` exactly, e.g. `"5s"`, `"1500ms"`.
pub fn exact_duration(ns: u64) -> String {
    const UNITS: &[(u64, &str)] = &[
        (3_600_000_000_000, "h"),
        (60_000_000_000, "m"),
        (1_000_000_000, "s"),
        (1_000_000, "ms"),
        (1_000, "us"),
    ];
    for &(scale, unit) in UNITS {
        if ns != 0 && ns.is_multiple_of(scale) {
            return format!("{}{unit}", ns / scale);
        }
    }
    format!("{ns}ns")
}

fn d(ns: u64) -> String {
    s(&exact_duration(ns))
}

impl Scenario {
    /// Write this scenario as TOML that [`Scenario::from_toml`] reads back into an equal
    /// value. Fails only for a seed above `i64::MAX` (TOML integers are signed 64-bit).
    pub fn to_toml(&self) -> Result<String, SimError> {
        if i64::try_from(self.seed).is_err() {
            return Err(SimError::InvalidConfig(format!(
                "seed {} cannot be written to TOML (at most {})",
                self.seed,
                i64::MAX
            )));
        }
        let mut o = String::new();
        let _ = writeln!(o, "name = {}", s(&self.name));
        let _ = writeln!(o, "description = {}", s(&self.description));
        let _ = writeln!(o, "seed = {}", self.seed);
        let _ = writeln!(o, "duration = {}", d(self.duration_ns));
        let _ = writeln!(o, "vnodes = {}", self.vnodes);
        let _ = writeln!(o, "replicas = {}", self.replicas);
        for srv in &self.servers {
            let _ = writeln!(o, "\n[[servers]]\nname = {}", s(&srv.name));
            let _ = writeln!(o, "weight = {}", f(srv.weight));
        }
        let t = &self.traffic;
        let _ = writeln!(o, "\n[traffic]");
        let _ = writeln!(o, "rate = {}", f(t.rate));
        let _ = writeln!(o, "tenants = {}", t.tenants);
        let _ = writeln!(
            o,
            "tenant_popularity = {}",
            s(&t.tenant_popularity.describe())
        );
        let _ = writeln!(o, "keys = {}", t.keys);
        let _ = writeln!(o, "key_popularity = {}", s(&t.key_popularity.describe()));
        let _ = writeln!(o, "retries = {}", t.retries);
        let _ = writeln!(o, "retry_backoff = {}", d(t.retry_backoff_ns));
        let _ = writeln!(o, "retry_jitter = {}", f(t.retry_jitter));
        let _ = writeln!(o, "\n[limiter]");
        let _ = writeln!(o, "capacity = {}", self.limiter.capacity);
        let _ = writeln!(o, "refill_per_sec = {}", f(self.limiter.refill_per_sec));
        let b = &self.breaker;
        let _ = writeln!(o, "\n[breaker]");
        let _ = writeln!(o, "failure_threshold = {}", b.failure_threshold);
        let _ = writeln!(o, "recovery_timeout = {}", d(b.recovery_timeout_ns));
        let _ = writeln!(o, "success_threshold = {}", b.success_threshold);
        let _ = writeln!(o, "half_open_probes = {}", b.half_open_probes);
        let sd = &self.server_defaults;
        let _ = writeln!(o, "\n[server_defaults]");
        let _ = writeln!(o, "latency = {}", d(sd.latency_ns));
        let _ = writeln!(o, "latency_sigma = {}", f(sd.latency_sigma));
        let _ = writeln!(o, "error_rate = {}", f(sd.error_rate));
        let _ = writeln!(o, "timeout = {}", d(sd.timeout_ns));
        let _ = writeln!(o, "capacity = {}", sd.capacity);
        for ev in &self.events {
            let _ = writeln!(o, "\n[[events]]\nat = {}", d(ev.at_ns));
            match &ev.command {
                Some(c) => write_command(&mut o, c)?,
                None => {
                    let _ = writeln!(o, "action = \"caption\"");
                }
            }
            if let Some(c) = &ev.caption {
                let _ = writeln!(o, "caption = {}", s(c));
            }
            if ev.live {
                let _ = writeln!(o, "live = true");
            }
        }
        Ok(o)
    }
}

fn write_command(o: &mut String, c: &Command) -> Result<(), SimError> {
    let mut kv = |k: &str, v: String| {
        let _ = writeln!(o, "{k} = {v}");
    };
    match c {
        Command::AddServer { name } => {
            kv("action", s("add_server"));
            if let Some(n) = name {
                kv("server", s(n));
            }
        }
        Command::RemoveServer(n) => {
            kv("action", s("remove_server"));
            kv("server", s(n));
        }
        Command::SetWeight { server, weight } => {
            kv("action", s("set_weight"));
            kv("server", s(server));
            kv("weight", f(*weight));
        }
        Command::InjectFault { server, fault } => {
            kv("action", s("inject_fault"));
            kv("server", s(server));
            match *fault {
                Fault::Errors { rate } => {
                    kv("fault", s("errors"));
                    kv("error_rate", f(rate));
                }
                Fault::Slow { latency_ms } => {
                    kv("fault", s("slow"));
                    kv("latency", s(&format!("{latency_ms}ms")));
                }
                Fault::Down => kv("fault", s("down")),
                Fault::Flapping { period_ms } => {
                    kv("fault", s("flapping"));
                    kv("period", s(&format!("{period_ms}ms")));
                }
            }
        }
        Command::Heal { server } => {
            kv("action", s("heal"));
            kv("server", s(server));
        }
        Command::SetRate(r) => {
            kv("action", s("set_rate"));
            kv("rate", f(*r));
        }
        Command::ScaleRate(x) => {
            kv("action", s("scale_rate"));
            kv("factor", f(*x));
        }
        Command::Burst { tenant, requests } => {
            kv("action", s("burst"));
            if let Some(t) = tenant {
                kv("tenant", s(t));
            }
            kv("requests", requests.to_string());
        }
        Command::SetRefillRate(r) => {
            kv("action", s("set_refill_rate"));
            kv("refill_per_sec", f(*r));
        }
        Command::SetCapacity(c) => {
            kv("action", s("set_capacity"));
            kv("capacity", c.to_string());
        }
        Command::SetBreaker(p) => {
            kv("action", s("set_breaker"));
            if let Some(v) = p.failure_threshold {
                kv("failure_threshold", v.to_string());
            }
            if let Some(v) = p.recovery_timeout_ms {
                kv("recovery_timeout", s(&format!("{v}ms")));
            }
            if let Some(v) = p.success_threshold {
                kv("success_threshold", v.to_string());
            }
            if let Some(v) = p.half_open_probes {
                kv("half_open_probes", v.to_string());
            }
        }
        other => {
            return Err(SimError::InvalidConfig(format!(
                "{other:?} is a playback control and cannot be written to a scenario"
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_durations_use_the_largest_exact_unit() {
        assert_eq!(exact_duration(5_000_000_000), "5s");
        assert_eq!(exact_duration(1_500_000_000), "1500ms");
        assert_eq!(exact_duration(120_000_000_000), "2m");
        assert_eq!(exact_duration(1_234_567_891), "1234567891ns");
        assert_eq!(exact_duration(0), "0ns");
        for ns in [1, 999, 1_000, 61_000_000_001, 7_200_000_000_000] {
            assert_eq!(
                super::super::duration::parse_duration(&exact_duration(ns)),
                Ok(ns)
            );
        }
    }

    #[test]
    fn every_shipped_scenario_round_trips_through_toml() {
        for name in Scenario::builtin_names() {
            let sc = Scenario::builtin(name).unwrap();
            let text = sc.to_toml().unwrap();
            let back = Scenario::from_toml(&text, "round-trip.toml")
                .unwrap_or_else(|e| panic!("{name}: {e}\n{text}"));
            assert_eq!(back, sc, "{name}");
        }
    }

    #[test]
    fn playback_controls_are_not_written() {
        let mut o = String::new();
        assert!(write_command(&mut o, &Command::Pause).is_err());
        assert!(write_command(&mut o, &Command::NextEvent).is_err());
    }

    #[test]
    fn huge_seed_is_an_error_not_a_bad_file() {
        let mut sc = Scenario::builtin("default").unwrap();
        sc.seed = u64::MAX;
        assert!(sc.to_toml().is_err());
    }
}

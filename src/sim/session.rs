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

use std::sync::Arc;

use super::command::Command;
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
    ///
    /// A shared limiter's address (`limiter.backend`) is not written: it may hold a
    /// password, and it says where buckets lived, not what happened. The saved session
    /// replays on the in-process limiter unless `--limiter` is given again.
    pub fn to_scenario(&self) -> Result<Scenario, SimError> {
        if self.truncated {
            return Err(SimError::SessionTruncated(super::limits::SESSION_COMMANDS));
        }
        let mut sc = (*self.scenario).clone();
        sc.seed = self.seed;
        sc.limiter.backend = None;
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

#[cfg(test)]
mod tests {
    use super::*;

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
        let mut sc = Scenario::builtin("default").unwrap();
        for c in [Command::Pause, Command::NextEvent] {
            sc.events[0].command = Some(c);
            assert!(matches!(sc.to_toml(), Err(SimError::NotWritable(_))));
        }
    }

    #[test]
    fn sub_millisecond_times_survive_a_round_trip() {
        use super::super::command::{BreakerParams, Fault};
        let text = format!(
            "{}\n[[events]]\nat = \"99s\"\naction = \"inject_fault\"\nserver = \"alpha\"\nfault = \"slow\"\nlatency = \"900us\"\n\n[[events]]\nat = \"103489090921ns\"\naction = \"set_breaker\"\nrecovery_timeout = \"999us\"\nlive = true\n",
            Scenario::builtin("default").unwrap().to_toml().unwrap()
        );
        let mut sc = Scenario::from_toml(&text, "sub-ms.toml").unwrap_or_else(|e| panic!("{e}"));
        let tail: Vec<_> = sc.events.iter().rev().take(2).cloned().collect();
        assert_eq!(
            tail[1].command,
            Some(Command::InjectFault {
                server: "alpha".into(),
                fault: Fault::Slow {
                    latency_ns: 900_000
                }
            })
        );
        assert_eq!(
            tail[0].command,
            Some(Command::SetBreaker(BreakerParams {
                recovery_timeout_ns: Some(999_000),
                ..BreakerParams::default()
            }))
        );
        assert_eq!(tail[0].at_ns, 103_489_090_921);
        let written = sc.to_toml().unwrap();
        assert!(
            written.contains("latency = \"900us\"") && written.contains("\"999us\""),
            "{written}"
        );
        let back = Scenario::from_toml(&written, "again.toml").unwrap();
        assert_eq!(back, sc);
        sc.events.clear();
    }

    #[test]
    fn huge_seed_is_an_error_not_a_bad_file() {
        let mut sc = Scenario::builtin("default").unwrap();
        sc.seed = u64::MAX;
        assert!(sc.to_toml().is_err());
    }
}

//! Live commands, the session they form, and jumps in time (which replay the session).

use std::sync::Arc;

use crate::sim::command::Command;
use crate::sim::error::SimError;
use crate::sim::limits::SESSION_COMMANDS;
use crate::sim::session::{SessionEntry, SessionLog};
use crate::sim::snapshot::LogKind;

use super::Engine;
use super::log::push_log;

impl Engine {
    /// Apply a command now. On error nothing changes; on success an event-log line is added
    /// (jumps add none: they land on exactly what a fresh run shows at that time).
    ///
    /// A relative command ([`Command::is_relative`]) is resolved against the engine's state
    /// right now, and the absolute command it amounts to is applied, logged and recorded:
    /// commands sent faster than frames each act on the result of the one before.
    ///
    /// Commands that change what is simulated ([`Command::is_recorded`]) are recorded in the
    /// session log with the current virtual time, with their implicit parts made explicit;
    /// see [`Engine::session`].
    pub fn apply(&mut self, command: Command) -> Result<(), SimError> {
        if !command.is_recorded() {
            return self.apply_as(command, LogKind::Command);
        }
        // Whatever is due now (scripted events at time 0 before the first advance) happens
        // first, as it will in a replay, where a live command fires last at its instant.
        self.advance(0);
        let command = self.resolve(command)?;
        self.apply_as(command.clone(), LogKind::Command)?;
        self.record(command);
        Ok(())
    }

    /// This session so far (since the start or the last reset): the scenario, the seed and
    /// every recorded live command at its virtual time. See [`SessionLog::to_scenario`].
    pub fn session(&self) -> SessionLog {
        SessionLog {
            scenario: self.scenario.clone(),
            seed: self.seed,
            entries: self.session.clone(),
            truncated: self.session_truncated,
        }
    }

    fn record(&mut self, command: Command) {
        if self.session.len() >= SESSION_COMMANDS {
            self.session_truncated = true;
            return;
        }
        let mut v = Vec::with_capacity(self.session.len() + 1);
        v.extend_from_slice(&self.session);
        v.push(SessionEntry {
            at_ns: self.now,
            command,
        });
        self.session = v.into();
    }

    /// Move to virtual time `at_ns`. Forward: advance. Backward: rebuild from the scenario
    /// and seed, replay the recorded live commands up to `at_ns` at their exact times (the
    /// later ones are dropped), advance to `at_ns`. Speed and pause state are kept.
    pub(super) fn jump_to(&mut self, at_ns: u64) -> Result<(), SimError> {
        if self.remote.is_some() {
            return Err(SimError::JumpWithSharedLimiter);
        }
        if at_ns >= self.now {
            self.advance(at_ns - self.now);
            self.carry_ns = 0.0;
            return Ok(());
        }
        let fresh = Self::build(self.scenario.clone(), self.seed, self.interrupt.clone())?;
        let fresh = self.replayed_into(fresh, at_ns);
        *self = fresh;
        Ok(())
    }

    /// `fresh` (a new engine at time zero, of this scenario or of a variant of it) after this
    /// session's recorded live commands up to `at_ns`, each at its exact time (one it refuses
    /// is skipped with a log line), advanced to `at_ns`, at this engine's speed and pause.
    /// A jump back replays into a rebuilt copy of itself; a comparison's side B replays into
    /// a side with another algorithm.
    pub fn replayed_into(&self, mut fresh: Engine, at_ns: u64) -> Engine {
        // The entries are already explicit, so they are applied as they are and the session
        // is rebuilt once at the end (recording each one would copy the log every time).
        let mut replayed = Vec::new();
        for e in self.session.iter().take_while(|e| e.at_ns <= at_ns) {
            if self.interrupt.is_stopped() {
                break;
            }
            fresh.advance(e.at_ns - fresh.now);
            match fresh.apply_as(e.command.clone(), LogKind::Command) {
                Ok(()) => replayed.push(e.clone()),
                Err(err) => push_log(
                    &mut fresh.log,
                    fresh.now,
                    LogKind::Error,
                    format!("replayed command skipped: {err}"),
                ),
            }
        }
        fresh.session = Arc::from(replayed);
        fresh.advance(at_ns.saturating_sub(fresh.now));
        fresh.speed = self.speed;
        fresh.paused = self.paused;
        fresh
    }
}

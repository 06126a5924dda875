//! The engine: virtual clock, event queue, request pipeline, commands in, snapshots out.

use super::command::Command;
use super::error::SimError;
use super::scenario::Scenario;
use super::snapshot::Snapshot;

/// The deterministic simulation engine. See the [module docs](super).
#[derive(Debug)]
pub struct Engine {
    now: u64,
}

impl Engine {
    /// A new engine at virtual time 0 running `scenario`, seeded with `seed_override`
    /// or the scenario's own seed.
    pub fn from_scenario(
        scenario: &Scenario,
        seed_override: Option<u64>,
    ) -> Result<Self, SimError> {
        let _ = (scenario, seed_override);
        todo!()
    }

    /// Apply a command now. On error nothing changes.
    pub fn apply(&mut self, command: Command) -> Result<(), SimError> {
        let _ = command;
        todo!()
    }

    /// Advance virtual time by exactly `dt_ns`, processing every event due in order
    /// (ignores pause and speed: this is the raw clock used by headless runs and tests).
    pub fn advance(&mut self, dt_ns: u64) {
        let _ = dt_ns;
        todo!()
    }

    /// Advance by `wall_dt_ns` of wall time scaled by the speed; nothing while paused.
    /// This is what a live UI calls every frame.
    pub fn tick(&mut self, wall_dt_ns: u64) {
        let _ = wall_dt_ns;
        todo!()
    }

    /// Advance virtual time by one step ([`super::STEP_NS`]), even when paused.
    pub fn step(&mut self) {
        todo!()
    }

    /// Current virtual time (ns since the start).
    pub fn now(&self) -> u64 {
        self.now
    }

    /// Everything the dashboard draws, as owned data.
    pub fn snapshot(&self) -> Snapshot {
        todo!()
    }
}

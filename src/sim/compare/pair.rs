//! Two engines in lockstep for the live comparison (`ringside --compare`): every command
//! and every tick goes to both; the snapshot is side A's carrying side B's
//! ([`Paired`]).

use std::sync::Arc;

use super::score_card::Scores;
use super::scores::measure_lookup_ns;
use super::settings::Settings;
use super::side::{CompareError, side_engine};
use crate::sim::{Command, Engine, Interrupt, Paired, Scenario, SessionLog, SimError, Snapshot};

/// Side A and side B of a live comparison.
#[derive(Debug)]
pub struct Pair {
    a: Engine,
    b: Engine,
    a_settings: String,
    b_settings: String,
    /// Each side's lookup cost, once [`measure_lookups`](Self::measure_lookups) ran.
    lookup_ns: [Option<f64>; 2],
}

impl Pair {
    /// Both sides of `scenario`: A with `a`, B with `b`, on the same seed.
    pub fn new(
        scenario: &Scenario,
        a: &Settings,
        b: &Settings,
        seed: Option<u64>,
        interrupt: Interrupt,
    ) -> Result<Self, CompareError> {
        Ok(Self {
            a: side_engine("a", scenario, a, seed, interrupt.clone())?,
            b: side_engine("b", scenario, b, seed, interrupt)?,
            a_settings: a.to_string(),
            b_settings: b.to_string(),
            lookup_ns: [None; 2],
        })
    }

    /// Measure each side's lookup cost now (wall time, see [`measure_lookup_ns`]); the
    /// scores carry it from then on. The live dashboard does; `frame` does not, so its
    /// output stays deterministic.
    pub fn measure_lookups(&mut self) {
        self.lookup_ns = [measure_lookup_ns(&self.a), measure_lookup_ns(&self.b)];
    }

    /// Apply `command` to both sides: side A's answer decides (a command A refuses is
    /// not sent to B, so the sides never drift apart on the commands they took).
    pub fn apply(&mut self, command: Command) -> Result<(), SimError> {
        self.a.apply(command.clone())?;
        // B may refuse what A took (say, a vnode step past B's own count): A's answer stands.
        let _ = self.b.apply(command);
        Ok(())
    }

    /// Advance both sides by the same wall time.
    pub fn tick(&mut self, wall_dt_ns: u64) {
        self.a.tick(wall_dt_ns);
        self.b.tick(wall_dt_ns);
    }

    /// Advance both sides by `dt_ns` of virtual time.
    pub fn advance(&mut self, dt_ns: u64) {
        self.a.advance(dt_ns);
        self.b.advance(dt_ns);
    }

    /// Side A's snapshot carrying side B's and both scores.
    pub fn snapshot(&self) -> Snapshot {
        let mut snap = self.a.snapshot();
        snap.compare = Some(Arc::new(Paired {
            a_settings: self.a_settings.clone(),
            b_settings: self.b_settings.clone(),
            b: self.b.snapshot(),
            scores: [(&self.a, self.lookup_ns[0]), (&self.b, self.lookup_ns[1])].map(
                |(engine, lookup_ns)| Scores {
                    lookup_ns,
                    ..Scores::of(engine)
                },
            ),
        }));
        snap
    }

    /// Side A's virtual time (B's is the same).
    pub fn now(&self) -> u64 {
        self.a.now()
    }

    /// Side A's session (the commands, which both sides took).
    pub fn session(&self) -> SessionLog {
        self.a.session()
    }

    /// The interrupt both sides check.
    pub fn interrupt(&self) -> &Interrupt {
        self.a.interrupt()
    }
}

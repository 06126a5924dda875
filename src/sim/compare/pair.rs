//! Two engines in lockstep for the live comparison (`ringside --compare`): every command
//! and every tick goes to both; the snapshot is side A's carrying side B's
//! ([`Paired`]).

use std::sync::Arc;

use super::pattern::Pattern;
use super::score_card::Scores;
use super::scores::measure_lookup_ns;
use super::settings::{Settings, algorithm_in};
use super::side::{CompareError, side_engine};
use crate::sim::{Command, Engine, Interrupt, Paired, Scenario, SessionLog, SimError, Snapshot};

/// Side A and side B of a live comparison.
#[derive(Debug)]
pub struct Pair {
    a: Engine,
    b: Engine,
    a_settings: String,
    b_settings: Settings,
    /// The scenario as written (each side is it with its settings), for rebuilding B.
    scenario: Scenario,
    /// See [`Paired::captions_for_both`].
    captions_for_both: bool,
    /// The side B the scenario's captions were written for (its own `compare`), parsed
    /// once: see [`Paired::story_b`].
    story: Option<Settings>,
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
            b_settings: b.clone(),
            scenario: scenario.clone(),
            captions_for_both: a.is_empty() && story_of(scenario).as_ref() == Some(b),
            story: story_of(scenario),
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
        if let Command::CompareNext(pattern) = command {
            return self.next_algorithm(pattern);
        }
        self.a.apply(command.clone())?;
        // B may refuse what A took (say, a vnode step past B's own count): A's answer stands.
        let _ = self.b.apply(command);
        Ok(())
    }

    /// Give B the next algorithm the engine runs for `pattern` and re-run B from the start
    /// to now on the same seed (so the same arrivals), replaying the live commands B took.
    /// A is untouched; its event log says what B became.
    fn next_algorithm(&mut self, pattern: Pattern) -> Result<(), SimError> {
        let current = algorithm_in(pattern, self.b.scenario());
        let next = pattern.next_after(current).ok_or_else(|| {
            SimError::Compare(format!(
                "{}: the engine runs only {} so far, nothing to cycle to",
                pattern.key(),
                pattern.in_engine().join(", ")
            ))
        })?;
        let settings = self
            .b_settings
            .with_algorithm(pattern, next)
            .map_err(|e| SimError::Compare(format!("B: {e}")))?;
        let fresh = side_engine(
            "b",
            &self.scenario,
            &settings,
            Some(self.a.seed()),
            self.a.interrupt().clone(),
        )
        .map_err(|e| SimError::Compare(e.to_string()))?;
        self.b = self.b.replayed_into(fresh, self.b.now());
        if self.lookup_ns[1].is_some() {
            self.lookup_ns[1] = measure_lookup_ns(&self.b);
        }
        self.b_settings = settings;
        // The scenario's captions were written for the B it names, not this one.
        self.captions_for_both = self.story.as_ref() == Some(&self.b_settings);
        self.a
            .log_command_line(format!("B is now {} (re-run to now)", self.b_settings));
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
            b_settings: self.b_settings.to_string(),
            b: self.b.snapshot(),
            scores: [(&self.a, self.lookup_ns[0]), (&self.b, self.lookup_ns[1])].map(
                |(engine, lookup_ns)| Scores {
                    lookup_ns,
                    ..Scores::of(engine)
                },
            ),
            captions_for_both: self.captions_for_both,
            story_b: self.story.as_ref().map(Settings::to_string),
        }));
        snap
    }

    /// Side A's virtual time (B's is the same).
    pub fn now(&self) -> u64 {
        self.a.now()
    }

    /// Side A's session (the commands, which both sides took), its scenario naming side B's
    /// settings in `compare`, so a saved session replays as the same comparison.
    pub fn session(&self) -> SessionLog {
        let mut session = self.a.session();
        if !self.b_settings.is_empty() {
            Arc::make_mut(&mut session.scenario).compare = Some(self.b_settings.to_string());
        }
        session
    }

    /// The interrupt both sides check.
    pub fn interrupt(&self) -> &Interrupt {
        self.a.interrupt()
    }
}

/// The side B a scenario's captions were written for (its own `compare`), if any.
fn story_of(scenario: &Scenario) -> Option<Settings> {
    Settings::parse(scenario.compare.as_deref()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_comparison_names_side_b() {
        let sc = Scenario::builtin("default").expect("shipped");
        let b = Settings::parse("vnodes=8").unwrap();
        let mut pair =
            Pair::new(&sc, &Settings::default(), &b, Some(3), Interrupt::default()).expect("valid");
        pair.advance(1_000_000_000);
        pair.apply(Command::SetRate(300.0)).unwrap();
        let saved = pair.session().to_scenario().unwrap();
        assert_eq!(saved.compare.as_deref(), Some("vnodes=8"));
        assert_eq!(saved.vnodes, sc.vnodes, "side A's scenario, as written");
        let none =
            Pair::new(&sc, &b, &Settings::default(), Some(3), Interrupt::default()).expect("valid");
        assert_eq!(none.session().to_scenario().unwrap().compare, None);
    }

    #[test]
    fn captions_speak_for_both_sides_only_in_the_comparison_they_were_written_for() {
        let both = |name: &str, a: &str, b: &str| {
            let sc = Scenario::builtin(name).expect("shipped");
            let (a, b) = (Settings::parse(a).unwrap(), Settings::parse(b).unwrap());
            let pair = Pair::new(&sc, &a, &b, Some(3), Interrupt::default()).expect("valid");
            pair.snapshot().compare.unwrap().captions_for_both
        };
        assert!(both("compare-vnodes", "", "vnodes=8"));
        assert!(!both("compare-vnodes", "", "vnodes=16"));
        assert!(!both("compare-vnodes", "replicas=2", "vnodes=8"));
        assert!(!both("default", "", "vnodes=8"));
    }
}

//! `c` in a live comparison: side B takes the next algorithm of a pattern and is re-run to
//! now. The oracle is a side built directly with those settings and driven through the same
//! commands at the same virtual times: B after the switch must be exactly that run, now and
//! from then on, while A is untouched.

use ringside::sim::compare::{Pair, Pattern, Settings, side_engine};
use ringside::sim::{Command, Engine, Interrupt, Scenario, SimError};

const SEED: u64 = 7;
const S: u64 = 1_000_000_000;

fn scenario() -> Scenario {
    Scenario::builtin("default").expect("shipped")
}

/// The commands both runs take: (virtual time, command).
fn script() -> Vec<(u64, Command)> {
    vec![
        (
            2 * S,
            Command::AddServer {
                name: Some("extra".into()),
            },
        ),
        (3 * S, Command::SetRate(400.0)),
        (4 * S, Command::RemoveServer("extra".into())),
    ]
}

/// Run `engine` through the script up to `until`.
fn drive(engine: &mut Engine, until: u64) {
    for (at, command) in script() {
        engine.advance(at - engine.now());
        engine.apply(command).expect("command taken");
    }
    engine.advance(until - engine.now());
}

/// The patterns whose algorithm the engine can change (two or more algorithms).
fn cyclable() -> Vec<Pattern> {
    Pattern::ALL
        .into_iter()
        .filter(|p| p.in_engine().len() >= 2)
        .collect()
}

#[test]
fn b_after_c_is_exactly_a_fresh_run_with_the_next_algorithm() {
    let patterns = cyclable();
    assert!(
        !patterns.is_empty(),
        "the engine runs a second algorithm for at least one pattern"
    );
    for pattern in patterns {
        let sc = scenario();
        let none = Settings::default();
        let mut pair = Pair::new(&sc, &none, &none, Some(SEED), Interrupt::default()).unwrap();
        for (at, command) in script() {
            pair.advance(at - pair.now());
            pair.apply(command).unwrap();
        }
        pair.advance(6 * S - pair.now());
        let a_before = pair.snapshot();
        pair.apply(Command::CompareNext(pattern)).unwrap();
        let next = pattern.in_engine()[1];

        let settings = Settings::parse(&format!("{}={next}", pattern.key())).unwrap();
        let mut oracle =
            side_engine("b", &sc, &settings, Some(SEED), Interrupt::default()).unwrap();
        drive(&mut oracle, 6 * S);

        let snap = pair.snapshot();
        let paired = snap.compare.as_ref().expect("a comparison");
        assert_eq!(paired.b_settings, format!("{}={next}", pattern.key()));
        let want = oracle.snapshot();
        assert_eq!(paired.b.now_ns, 6 * S);
        assert_eq!(paired.b.totals, want.totals, "{pattern:?}: B's totals");
        assert_eq!(paired.b.series, want.series, "{pattern:?}: B's seconds");
        // A is untouched, and its log says what B became.
        assert_eq!(snap.totals, a_before.totals);
        let last = snap.log.last().expect("a log line");
        assert_eq!(
            &*last.text,
            &format!("B is now {}={next} (re-run to now)", pattern.key())
        );

        // From then on B goes on exactly as the oracle does.
        pair.advance(2 * S);
        oracle.advance(2 * S);
        let snap = pair.snapshot();
        assert_eq!(
            snap.compare.as_ref().unwrap().b.totals,
            oracle.snapshot().totals
        );
    }
}

#[test]
fn c_wraps_round_to_the_first_algorithm() {
    for pattern in cyclable() {
        let sc = scenario();
        let none = Settings::default();
        let mut pair = Pair::new(&sc, &none, &none, Some(SEED), Interrupt::default()).unwrap();
        pair.advance(S);
        let all = pattern.in_engine();
        for expected in all.iter().skip(1).chain(all.iter().take(1)) {
            pair.apply(Command::CompareNext(pattern)).unwrap();
            let snap = pair.snapshot();
            assert_eq!(
                snap.compare.as_ref().unwrap().b_settings,
                format!("{}={expected}", pattern.key())
            );
        }
    }
}

#[test]
fn a_pattern_with_one_algorithm_and_a_single_run_refuse_c_clearly() {
    let sc = scenario();
    for pattern in Pattern::ALL.into_iter().filter(|p| p.in_engine().len() < 2) {
        let none = Settings::default();
        let mut pair = Pair::new(&sc, &none, &none, Some(SEED), Interrupt::default()).unwrap();
        let err = pair.apply(Command::CompareNext(pattern)).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "{}: the engine runs only {} so far, nothing to cycle to",
                pattern.key(),
                pattern.in_engine()[0]
            )
        );
    }
    let mut single = Engine::from_scenario(&sc, Some(SEED)).unwrap();
    let err = single
        .apply(Command::CompareNext(Pattern::Hashing))
        .unwrap_err();
    assert!(matches!(err, SimError::NotComparing), "{err}");
    assert_eq!(
        err.to_string(),
        "not comparing: start with --compare SETTINGS to put a second design beside this one"
    );
}

//! Relative commands are resolved by the engine when it applies them, against its own
//! state (not a frame's): the oracle is the definition of each command, applied in turn.

use ringside::sim::command::{
    BURST_CAPACITIES, FAULT_ERROR_RATE, MAX_REFILL, MIN_REFILL, REFILL_FACTOR, next_fault,
};
use ringside::sim::{Command, Engine, Fault, Scenario, SimError};

const S: u64 = 1_000_000_000;

fn engine() -> Engine {
    let mut e = Engine::from_scenario(&Scenario::builtin("default").unwrap(), Some(1)).unwrap();
    e.advance(2 * S);
    e
}

fn names(e: &Engine) -> Vec<String> {
    e.snapshot().servers.into_iter().map(|s| s.name).collect()
}

#[test]
fn refill_after_k_presses_is_the_step_rule_applied_k_times() {
    for factor in [REFILL_FACTOR, 1.0 / REFILL_FACTOR] {
        let mut e = engine();
        let mut expected = e.snapshot().limiter.refill_per_sec;
        for k in 1..=40 {
            e.apply(Command::ScaleRefillRate(factor)).unwrap();
            expected = (expected * factor).clamp(MIN_REFILL, MAX_REFILL);
            let snap = e.snapshot();
            assert_eq!(snap.limiter.refill_per_sec, expected, "after {k} presses");
            // The log line says the value reached, not the one of a stale frame.
            let line = &snap.log.last().unwrap().text;
            assert!(line.contains("refill rate set to"), "{line}");
        }
    }
    // Four `]` from the default's 600/s: 600 × 1.25⁴ = 1464.84375, logged as 1465.
    let mut e = engine();
    for _ in 0..4 {
        e.apply(Command::ScaleRefillRate(REFILL_FACTOR)).unwrap();
    }
    let lines: Vec<String> = e
        .snapshot()
        .log
        .iter()
        .rev()
        .take(4)
        .map(|l| l.text.to_string())
        .collect();
    assert_eq!(lines[0], "token refill rate set to 1465 tokens/s");
    assert_eq!(lines[3], "token refill rate set to 750 tokens/s");
    assert_eq!(e.snapshot().limiter.refill_per_sec, 1464.84375);
}

#[test]
fn removes_at_a_position_remove_distinct_servers_in_order_like_deleting_lines() {
    let mut e = engine();
    for _ in 0..4 {
        e.apply(Command::AddServer { name: None }).unwrap();
    }
    let before = names(&e);
    assert_eq!(before.len(), 7);
    for _ in 0..4 {
        e.apply(Command::RemoveServerAt(2)).unwrap();
    }
    let removed: Vec<String> = e
        .session()
        .entries
        .iter()
        .filter_map(|en| match &en.command {
            Command::RemoveServer(n) => Some(n.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        removed,
        before[2..6],
        "the servers at positions 2..6, in order"
    );
    let mut left = before.clone();
    left.drain(2..6);
    assert_eq!(names(&e), left);
    // Past the end: the position is clamped to the last server.
    e.apply(Command::RemoveServerAt(99)).unwrap();
    assert_eq!(names(&e), left[..left.len() - 1]);
    // The last server cannot be removed; the refusal changes nothing.
    while names(&e).len() > 1 {
        e.apply(Command::RemoveServerAt(0)).unwrap();
    }
    let snap = e.snapshot();
    assert!(matches!(
        e.apply(Command::RemoveServerAt(0)),
        Err(SimError::LastServer(_))
    ));
    assert_eq!(e.snapshot(), snap);
}

#[test]
fn fault_cycle_and_heal_follow_the_engine_not_a_frame() {
    let mut e = engine();
    let name = names(&e)[1].clone();
    let mut current = None;
    for _ in 0..6 {
        e.apply(Command::CycleFaultAt(1)).unwrap();
        current = Some(next_fault(current));
        assert_eq!(e.snapshot().servers[1].fault, current);
    }
    assert_eq!(
        current,
        Some(Fault::Slow {
            latency_ns: ringside::sim::command::FAULT_SLOW_MS * 1_000_000
        })
    );
    e.apply(Command::HealAt(1)).unwrap();
    assert_eq!(e.snapshot().servers[1].fault, None);
    assert_eq!(
        e.apply(Command::HealAt(1)),
        Err(SimError::NoFault(name.clone()))
    );
    // Recorded resolved: a named fault and a named heal.
    let entries = e.session().entries;
    assert_eq!(
        entries[0].command,
        Command::InjectFault {
            server: name.clone(),
            fault: Fault::Errors {
                rate: FAULT_ERROR_RATE
            }
        }
    );
    assert_eq!(
        entries.last().unwrap().command,
        Command::Heal { server: name }
    );
}

#[test]
fn a_burst_of_the_hottest_tenant_is_resolved_and_recorded_named() {
    let mut e = engine();
    let capacity = e.snapshot().limiter.capacity;
    e.apply(Command::BurstHottest {
        capacities: BURST_CAPACITIES,
    })
    .unwrap();
    let hottest = e.snapshot().tenants[0].name.clone();
    match &e.session().entries[0].command {
        Command::Burst {
            tenant: Some(t),
            requests,
        } => {
            assert_eq!(*requests, capacity * BURST_CAPACITIES);
            assert_eq!(*t, hottest);
        }
        other => panic!("recorded {other:?}"),
    }
}

#[test]
fn a_step_is_refused_while_running() {
    let mut e = engine();
    assert_eq!(e.apply(Command::Step), Err(SimError::NotPaused));
    e.apply(Command::Pause).unwrap();
    let t = e.now();
    e.apply(Command::Step).unwrap();
    assert_eq!(e.now(), t + ringside::sim::STEP_NS);
}

#[test]
fn a_saved_session_stores_resolved_commands_at_human_times_and_replays_exactly() {
    let mut e = engine();
    e.advance(1_489_090_921);
    for c in [
        Command::ScaleRefillRate(REFILL_FACTOR),
        Command::ScaleRate(1.25),
        Command::AddServer { name: None },
        Command::RemoveServerAt(0),
        Command::CycleFaultAt(0),
        Command::BurstHottest { capacities: 2 },
    ] {
        e.apply(c).unwrap();
        e.advance(333_333_333);
    }
    let toml = e.session().to_toml().unwrap();
    assert!(toml.contains("at = \"3.489090921s\""), "{toml}");
    assert!(!toml.contains("ns\""), "times are human: {toml}");
    for resolved in [
        "set_refill_rate",
        "set_rate",
        "remove_server",
        "inject_fault",
        "burst",
    ] {
        assert!(toml.contains(resolved), "{resolved} missing from {toml}");
    }
    let sc = Scenario::from_toml(&toml, "session.toml").unwrap();
    let mut r = Engine::from_scenario(&sc, None).unwrap();
    r.advance(e.now());
    let (live, replay) = (e.snapshot(), r.snapshot());
    assert_eq!(live.servers, replay.servers);
    assert_eq!(live.limiter, replay.limiter);
    assert_eq!(live.totals, replay.totals);
    assert_eq!(live.log, replay.log);
}

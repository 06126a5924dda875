//! The vnode control (`v` / `V`): the engine's ring is rebuilt with the new vnode count, so
//! routing, shares and every figure follow at once, and the change is recorded and replayed.
//!
//! The oracle is the definition of the ring, written here: server `s` with weight 1 has
//! the points `md5("{s}:{i}")` (big-endian) for `i` in `0..vnodes`, and a key belongs to
//! the first point strictly clockwise after its own MD5 (wrapping), ties by server name.

use md5::{Digest, Md5};
use proptest::prelude::*;
use ringside::sim::command::VNODE_STEPS;
use ringside::sim::{Command, Engine, MembershipAction, Scenario, SimError};

const S: u64 = 1_000_000_000;

fn md5(s: &str) -> u128 {
    u128::from_be_bytes(Md5::digest(s.as_bytes()).into())
}

/// The owner of `position` on a ring of `servers` with `vnodes` points each.
fn oracle_owner(servers: &[String], vnodes: u32, position: u128) -> String {
    let mut points: Vec<(u128, &str)> = servers
        .iter()
        .flat_map(|s| (0..vnodes).map(move |i| (md5(&format!("{s}:{i}")), s.as_str())))
        .collect();
    points.sort();
    points
        .iter()
        .find(|(p, _)| *p > position)
        .unwrap_or(&points[0])
        .1
        .to_string()
}

fn engine() -> Engine {
    let mut e = Engine::from_scenario(&Scenario::builtin("default").unwrap(), Some(7)).unwrap();
    e.advance(2 * S);
    e
}

fn server_names(e: &Engine) -> Vec<String> {
    e.snapshot().servers.into_iter().map(|s| s.name).collect()
}

#[test]
fn v_and_shift_v_walk_the_ladder_and_stop_at_its_ends() {
    let mut e = engine();
    assert_eq!(e.snapshot().vnodes, 150);
    // Down from 150 to 1, one step at a time.
    for &expected in VNODE_STEPS.iter().rev().skip(2) {
        e.apply(Command::StepVnodes { up: false }).unwrap();
        assert_eq!(e.snapshot().vnodes, expected);
    }
    assert_eq!(
        e.apply(Command::StepVnodes { up: false }),
        Err(SimError::NoVnodeStep(1, "first"))
    );
    assert_eq!(e.snapshot().vnodes, 1);
    for &expected in &VNODE_STEPS[1..] {
        e.apply(Command::StepVnodes { up: true }).unwrap();
        assert_eq!(e.snapshot().vnodes, expected);
    }
    assert_eq!(
        e.apply(Command::StepVnodes { up: true }),
        Err(SimError::NoVnodeStep(500, "last"))
    );
    // The session records what each press did, as absolute commands.
    let recorded: Vec<Command> = e
        .session()
        .entries
        .iter()
        .map(|x| x.command.clone())
        .collect();
    assert_eq!(recorded.first(), Some(&Command::SetVnodes(64)));
    assert_eq!(recorded.last(), Some(&Command::SetVnodes(500)));
    assert_eq!(recorded.len(), 7 + 8);
}

#[test]
fn a_value_off_the_ladder_steps_to_its_neighbours() {
    let mut e = engine();
    e.apply(Command::SetVnodes(100)).unwrap();
    e.apply(Command::StepVnodes { up: true }).unwrap();
    assert_eq!(e.snapshot().vnodes, 150);
    e.apply(Command::SetVnodes(100)).unwrap();
    e.apply(Command::StepVnodes { up: false }).unwrap();
    assert_eq!(e.snapshot().vnodes, 64);
}

#[test]
fn refused_vnode_counts_change_nothing() {
    let mut e = engine();
    let before = e.snapshot();
    assert_eq!(
        e.apply(Command::SetVnodes(0)),
        Err(SimError::ZeroCount("vnodes"))
    );
    assert!(matches!(
        e.apply(Command::SetVnodes(u32::MAX)),
        Err(SimError::AboveLimit { what: "vnodes", .. })
    ));
    let after = e.snapshot();
    assert_eq!(after.ring_points, before.ring_points);
    assert_eq!(after.vnodes, 150);
}

#[test]
fn the_ring_after_a_change_is_the_defined_ring_and_the_moved_fraction_is_exact() {
    let mut e = engine();
    let names = server_names(&e);
    e.apply(Command::SetVnodes(8)).unwrap();
    let snap = e.snapshot();
    // Every point is md5("{server}:{i}") for i < 8, in clockwise order.
    let mut expected: Vec<(u128, String)> = names
        .iter()
        .flat_map(|s| (0..8).map(move |i| (md5(&format!("{s}:{i}")), s.clone())))
        .collect();
    expected.sort();
    let drawn: Vec<(u128, String)> = snap
        .ring_points
        .iter()
        .map(|p| {
            (
                p.position,
                snap.server_by_id(p.server).unwrap().name.clone(),
            )
        })
        .collect();
    assert_eq!(drawn, expected);
    // Shares are the arcs each server owns, from each point's predecessor.
    for s in &snap.servers {
        let owned: u128 = (0..expected.len())
            .filter(|&i| expected[i].1 == s.name)
            .map(|i| {
                let prev = expected[(i + expected.len() - 1) % expected.len()].0;
                expected[i].0.wrapping_sub(prev)
            })
            .sum();
        let share = owned as f64 / 2f64.powi(128);
        assert!((s.share - share).abs() < 1e-12, "{}: {}", s.name, s.share);
    }
    // The recorded change: the exact fraction of the key population whose owner differs.
    let keys = e.scenario().traffic.keys;
    let moved = (0..keys)
        .map(|i| md5(&format!("key-{i}")))
        .filter(|&h| oracle_owner(&names, 150, h) != oracle_owner(&names, 8, h))
        .count();
    let change = snap.membership_changes.last().unwrap();
    assert_eq!(change.action, MembershipAction::SetVnodes);
    assert_eq!(change.vnodes, 8);
    assert_eq!(change.moved_fraction, moved as f64 / keys as f64);
    assert_eq!(change.ideal_fraction, 0.0);
    let line = &snap.log.last().unwrap().text;
    let expected_line = format!(
        "vnodes per server 150 → 8: {:.1}% of keys moved",
        moved as f64 / keys as f64 * 100.0
    );
    assert_eq!(&**line, expected_line);
}

#[test]
fn servers_added_after_a_change_get_the_new_count() {
    let mut e = engine();
    e.apply(Command::SetVnodes(4)).unwrap();
    e.apply(Command::AddServer {
        name: Some("epsilon".into()),
    })
    .unwrap();
    let snap = e.snapshot();
    assert_eq!(snap.ring_points.len(), 4 * snap.servers.len());
}

#[test]
fn a_session_with_vnode_changes_replays_exactly() {
    let mut e = engine();
    e.apply(Command::StepVnodes { up: false }).unwrap();
    e.advance(3 * S);
    e.apply(Command::StepVnodes { up: false }).unwrap();
    e.advance(2 * S);
    let text = e.session().to_toml().unwrap();
    assert!(text.contains("action = \"set_vnodes\""), "{text}");
    let sc = Scenario::from_toml(&text, "session.toml").unwrap();
    let mut r = Engine::from_scenario(&sc, None).unwrap();
    r.advance(e.now());
    let (live, replay) = (e.snapshot(), r.snapshot());
    assert_eq!(live.vnodes, 32);
    assert_eq!(replay.vnodes, 32);
    assert_eq!(live.ring_points, replay.ring_points);
    assert_eq!(live.totals, replay.totals);
    assert_eq!(live.membership_changes, replay.membership_changes);
}

#[test]
fn a_timeline_vnode_change_is_validated_against_the_ring_limits() {
    let base = Scenario::builtin("default").unwrap().to_toml().unwrap();
    let with = |vnodes: &str| {
        format!("{base}\n[[events]]\nat = \"26s\"\naction = \"set_vnodes\"\nvnodes = {vnodes}\n")
    };
    if let Err(e) = Scenario::from_toml(&with("8"), "ok.toml") {
        panic!("{e}");
    }
    let zero = Scenario::from_toml(&with("0"), "zero.toml").unwrap_err();
    assert!(zero.to_string().contains("vnodes"), "{zero}");
    let huge = Scenario::from_toml(&with("1000000"), "huge.toml").unwrap_err();
    assert!(huge.to_string().contains("vnodes"), "{huge}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// After any vnode change, every request's primary owner is the owner on the new
    /// ring: requests served without failover went to the oracle's owner of their key.
    #[test]
    fn requests_after_a_change_are_routed_by_the_new_ring(
        step in 0usize..VNODE_STEPS.len(),
        seed in 0u64..1000,
    ) {
        let vnodes = VNODE_STEPS[step];
        let sc = Scenario::builtin("default").unwrap();
        let mut e = Engine::from_scenario(&sc, Some(seed)).unwrap();
        e.advance(S / 2);
        e.apply(Command::SetVnodes(vnodes)).unwrap();
        let changed_at = e.now();
        e.advance(S / 4);
        let snap = e.snapshot();
        let names: Vec<String> = snap.servers.iter().map(|s| s.name.clone()).collect();
        let mut checked = 0;
        for r in snap.recent_requests.iter().filter(|r| r.at_ns > changed_at) {
            if let (Some(id), false) = (r.server, r.failed_over) {
                let served = &snap.server_by_id(id).unwrap().name;
                prop_assert_eq!(served, &oracle_owner(&names, vnodes, r.position));
                checked += 1;
            }
        }
        prop_assert!(checked > 10, "only {} requests checked", checked);
    }
}

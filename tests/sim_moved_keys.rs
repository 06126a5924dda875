//! What a membership change moved, per server: the engine's gained/lost key counts equal
//! the counts of keys whose owner changed under an oracle written from the ring's
//! definition, for a join, a removal, a weight change and a vnode change; and a removed
//! server's keys go to the next distinct owner clockwise on the old ring, not to everyone.
//!
//! Oracle: server `s` has the points `md5("{s}:{i}")` (big-endian) for `i` in
//! `0..max(1, round(vnodes × weight))`, and a key at position `p` belongs to the first
//! point strictly clockwise after `p` (wrapping), ties by server name.

use std::collections::BTreeMap;

use md5::{Digest, Md5};
use ringside::sim::{Command, Engine, KeyShift, MembershipChange, Scenario};

const S: u64 = 1_000_000_000;

fn md5(s: &str) -> u128 {
    u128::from_be_bytes(Md5::digest(s.as_bytes()).into())
}

/// The sorted points of a ring of `(server, weight)` with `vnodes` per unit weight.
fn oracle_points(servers: &[(String, f64)], vnodes: u32) -> Vec<(u128, String)> {
    let mut points: Vec<(u128, String)> = servers
        .iter()
        .flat_map(|(s, w)| {
            let n = ((f64::from(vnodes) * w).round() as u32).max(1);
            (0..n).map(move |i| (md5(&format!("{s}:{i}")), s.clone()))
        })
        .collect();
    points.sort();
    points
}

/// Index of the point owning `position`: the first strictly after it, wrapping.
fn owner_index(points: &[(u128, String)], position: u128) -> usize {
    points.partition_point(|(p, _)| *p <= position) % points.len()
}

/// The owner of each key hash on `points`.
fn owners(points: &[(u128, String)], hashes: &[u128]) -> Vec<String> {
    hashes
        .iter()
        .map(|&h| points[owner_index(points, h)].1.clone())
        .collect()
}

/// The engine's ring as the oracle sees it: names and weights, and the vnodes.
fn ring_of(e: &Engine) -> (Vec<(String, f64)>, u32) {
    let snap = e.snapshot();
    let servers = snap
        .servers
        .into_iter()
        .map(|s| (s.name, s.weight))
        .collect();
    (servers, snap.vnodes)
}

/// Per server, `(gained, lost)` between two owner lists (only servers with either > 0).
fn expected_shifts(before: &[String], after: &[String]) -> BTreeMap<String, (u64, u64)> {
    let mut out: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for (b, a) in before.iter().zip(after) {
        if b != a {
            out.entry(a.clone()).or_default().0 += 1;
            out.entry(b.clone()).or_default().1 += 1;
        }
    }
    out
}

fn recorded(c: &MembershipChange) -> BTreeMap<String, (u64, u64)> {
    c.shifts
        .iter()
        .map(
            |KeyShift {
                 server,
                 gained,
                 lost,
             }| (server.clone(), (*gained, *lost)),
        )
        .collect()
}

fn engine() -> Engine {
    let mut e = Engine::from_scenario(&Scenario::builtin("default").unwrap(), Some(3)).unwrap();
    e.advance(2 * S);
    e
}

/// Apply `command` and check the recorded shifts against the oracle; returns the owners
/// before and after, and the ring before.
fn check(e: &mut Engine, command: Command) -> (Vec<String>, Vec<String>, Vec<(u128, String)>) {
    let hashes = e.key_hashes().to_vec();
    let (servers, vnodes) = ring_of(e);
    let old = oracle_points(&servers, vnodes);
    let before = owners(&old, &hashes);
    e.apply(command.clone()).unwrap();
    let (servers, vnodes) = ring_of(e);
    let after = owners(&oracle_points(&servers, vnodes), &hashes);
    let snap = e.snapshot();
    let change = snap.membership_changes.last().unwrap();
    let expected = expected_shifts(&before, &after);
    assert!(!expected.is_empty(), "{command:?} moved no key");
    assert_eq!(recorded(change), expected, "{command:?}");
    assert_eq!(change.keys, hashes.len() as u64);
    let moved: u64 = expected.values().map(|(g, _)| g).sum();
    assert_eq!(change.moved_fraction, moved as f64 / hashes.len() as f64);
    (before, after, old)
}

#[test]
fn gained_and_lost_after_an_add_match_the_oracle() {
    let mut e = engine();
    let (_, _, _) = check(
        &mut e,
        Command::AddServer {
            name: Some("zeta".into()),
        },
    );
    let snap = e.snapshot();
    let shifts = &snap.membership_changes.last().unwrap().shifts;
    // Only the new server gains.
    for s in shifts.iter() {
        assert_eq!(s.gained > 0, s.server == "zeta", "{s:?}");
    }
}

#[test]
fn gained_and_lost_after_a_weight_change_match_the_oracle() {
    let mut e = engine();
    let name = e.snapshot().servers[1].name.clone();
    check(
        &mut e,
        Command::SetWeight {
            server: name.clone(),
            weight: 2.0,
        },
    );
    check(
        &mut e,
        Command::SetWeight {
            server: name,
            weight: 0.5,
        },
    );
}

#[test]
fn gained_and_lost_after_a_vnode_change_match_the_oracle() {
    let mut e = engine();
    check(&mut e, Command::SetVnodes(8));
    check(&mut e, Command::SetVnodes(1));
    check(&mut e, Command::SetVnodes(500));
}

#[test]
fn a_removed_servers_keys_go_to_the_next_distinct_owner_clockwise() {
    let mut e = engine();
    let gone = e.snapshot().servers[0].name.clone();
    let hashes = e.key_hashes().to_vec();
    let (before, after, old) = check(&mut e, Command::RemoveServer(gone.clone()));
    let mut moved = 0;
    for ((b, a), &h) in before.iter().zip(&after).zip(&hashes) {
        if b != a {
            moved += 1;
            assert_eq!(b, &gone, "only the removed server's keys move");
            // Walk the old ring clockwise from the key's point to the first other server.
            let start = owner_index(&old, h);
            let next = (1..old.len())
                .map(|k| &old[(start + k) % old.len()].1)
                .find(|s| **s != gone)
                .unwrap();
            assert_eq!(a, next);
        } else {
            assert_ne!(b, &gone);
        }
    }
    let snap = e.snapshot();
    let change = snap.membership_changes.last().unwrap();
    let lost: Vec<&KeyShift> = change.shifts.iter().filter(|s| s.lost > 0).collect();
    assert_eq!(lost.len(), 1);
    assert_eq!(
        (lost[0].server.as_str(), lost[0].lost),
        (gone.as_str(), moved)
    );
    // The drawing gets the old ring and the removed server's id and name.
    let prev = snap.previous_ring.as_ref().unwrap();
    assert_eq!(prev.at_ns, change.at_ns);
    assert_eq!(
        prev.removed.as_ref().map(|r| r.1.as_str()),
        Some(gone.as_str())
    );
    assert_eq!(prev.points.len(), old.len());
}

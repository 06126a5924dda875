//! Each request key's ring point (4 bytes a key), built once by hashing every key and
//! kept up to date across membership changes at the cost of what moved: a key keeps its
//! point (renumbered) unless its old point left the ring or a new point landed in the arc
//! it owned; only those keys are hashed again. The owner changes of those keys are the
//! change's [`Shifts`].

use crate::patterns::ring::HashRing;
use crate::sim::snapshot::RingPoint;

use super::key_names::for_key_batches;

/// An old point whose keys must be looked up again on the new ring.
const DIRTY: u32 = u32::MAX;

/// What a membership change did to the keys: how many changed owner, and per server id
/// that gained or lost any, `(id, gained, lost)` in id order.
#[derive(Debug, Default, Clone, PartialEq)]
pub(super) struct Shifts {
    /// Keys whose owner changed.
    pub moved: u64,
    /// `(server id, keys gained, keys lost)`, in id order, servers with any only.
    pub counts: Vec<(u32, u64, u64)>,
}

/// The ring point of each of `keys` keys (`key-0`, `key-1`, …) on `ring`, hashed in
/// batches (MD5 lanes).
pub(super) fn resolve_all(ring: &HashRing, keys: u32) -> Vec<u32> {
    let mut points = Vec::with_capacity(keys as usize);
    for_key_batches(0..keys, |names| ring.points_many(names, &mut points));
    points
}

/// Bring `points` (each key's point on the ring whose points were `old`) up to date for
/// `ring`, whose points are `new`; returns which keys changed owner. Keys whose arc
/// the change left alone are renumbered without hashing; the others are hashed again.
/// Equivalent to [`resolve_all`] on the new ring (checked by the tests).
pub(super) fn update(
    points: &mut [u32],
    old: &[RingPoint],
    new: &[RingPoint],
    ring: &HashRing,
) -> Shifts {
    if old.is_empty() || new.is_empty() {
        // Never in the engine (a ring keeps at least one server): start again.
        let fresh = resolve_all(ring, points.len() as u32);
        points.copy_from_slice(&fresh);
        return Shifts::default();
    }
    let carried = carry_over(old, new);
    let mut dirty = Vec::new();
    for (key, point) in (0u32..).zip(points.iter_mut()) {
        match carried[*point as usize] {
            DIRTY => dirty.push(key),
            to => *point = to,
        }
    }
    let mut fresh = Vec::with_capacity(dirty.len());
    for_key_batches(dirty.iter().copied(), |names| {
        ring.points_many(names, &mut fresh)
    });
    let slots = old.iter().chain(new).map(|p| p.server).max().unwrap_or(0) as usize + 1;
    let mut counts = vec![(0u64, 0u64); slots];
    let mut moved = 0;
    for (&key, &to) in dirty.iter().zip(&fresh) {
        let point = &mut points[key as usize];
        let (was, now) = (old[*point as usize].server, new[to as usize].server);
        *point = to;
        if was != now {
            moved += 1;
            counts[now as usize].0 += 1;
            counts[was as usize].1 += 1;
        }
    }
    let counts = (0u32..)
        .zip(counts)
        .filter(|(_, (gained, lost))| gained + lost > 0)
        .map(|(id, (gained, lost))| (id, gained, lost))
        .collect();
    Shifts { moved, counts }
}

/// For each old point, its index among `new` when every key it owned is still owned by
/// it there (it stays, and no new point landed in its arc); [`DIRTY`] otherwise. Both
/// lists are in ring order; a point is the same when its position and server are.
/// Points sharing a position with another count as changed (an MD5 collision: never
/// in practice, and then merely re-hashed).
fn carry_over(old: &[RingPoint], new: &[RingPoint]) -> Vec<u32> {
    let mut carried = vec![DIRTY; old.len()];
    let (mut i, mut j) = (0, 0);
    // A new point lies in the arc of old point `i` (between it and the point before).
    let mut landed = false;
    while i < old.len() {
        match new.get(j) {
            Some(n) if n.position < old[i].position => {
                landed = true;
                j += 1;
            }
            Some(n) if n.position == old[i].position && n.server == old[i].server => {
                if !landed {
                    carried[i] = j as u32;
                }
                landed = false;
                i += 1;
                j += 1;
            }
            // Old point `i` left the ring: its keys go elsewhere, the next arc is intact.
            _ => {
                landed = false;
                i += 1;
            }
        }
    }
    // New points past the last old one lie in the arc that wraps round to old point 0.
    if j < new.len() {
        carried[0] = DIRTY;
    }
    carried
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring_points(ring: &HashRing) -> Vec<RingPoint> {
        ring.points()
            .map(|(position, id)| RingPoint {
                position,
                server: id.0,
            })
            .collect()
    }

    /// Every change kept up to date equals hashing every key again, and its shifts
    /// count exactly the keys whose owner differs.
    #[test]
    fn updates_equal_resolving_every_key_again() {
        const KEYS: u32 = 3000;
        let mut ring = HashRing::with_servers(20, ["a", "b", "c", "d"]).unwrap();
        let mut points = resolve_all(&ring, KEYS);
        let changes: [&dyn Fn(&mut HashRing); 6] = [
            &|r| drop(r.add("e")),
            &|r| drop(r.remove("b")),
            &|r| r.set_weight("a", 2.5).unwrap(),
            &|r| r.set_weight("a", 0.5).unwrap(),
            &|r| drop(r.add("b")),
            &|r| r.set_vnodes(7).unwrap(),
        ];
        for change in changes {
            let old = ring_points(&ring);
            let owners = |p: &[u32], pts: &[RingPoint]| -> Vec<u32> {
                p.iter().map(|&i| pts[i as usize].server).collect()
            };
            let before = owners(&points, &old);
            change(&mut ring);
            let new = ring_points(&ring);
            let shifts = update(&mut points, &old, &new, &ring);
            assert_eq!(points, resolve_all(&ring, KEYS));
            let after = owners(&points, &new);
            let moved = before.iter().zip(&after).filter(|(b, a)| b != a).count();
            assert_eq!(shifts.moved, moved as u64);
            let gained: u64 = shifts.counts.iter().map(|c| c.1).sum();
            let lost: u64 = shifts.counts.iter().map(|c| c.2).sum();
            assert_eq!((gained, lost), (moved as u64, moved as u64));
        }
    }

    #[test]
    fn a_new_point_past_the_last_dirties_the_wrapping_arc() {
        let p = |position, server| RingPoint { position, server };
        let old = [p(10, 0), p(20, 1)];
        // 30 lands after 20: keys above 20 (owned by 10 through the wrap) may go to it.
        let new = [p(10, 0), p(20, 1), p(30, 2)];
        assert_eq!(carry_over(&old, &new), [DIRTY, 1]);
        // 15 lands in 20's arc; 10 stays and is renumbered.
        let new = [p(5, 2), p(10, 0), p(15, 2), p(20, 1)];
        assert_eq!(carry_over(&old, &new), [DIRTY, DIRTY]);
        let new = [p(10, 0), p(15, 2), p(20, 1)];
        assert_eq!(carry_over(&old, &new), [0, DIRTY]);
        // 10 leaves: its keys re-resolve, 20's arc is intact.
        let new = [p(20, 1)];
        assert_eq!(carry_over(&old, &new), [DIRTY, 0]);
    }
}

//! Measuring a membership change: which keys of the population changed owner, and per
//! server how many it gained and lost, so one method serves joins, removals, weight
//! changes and vnode changes alike. On the ring (and bounded-load's vnode ring) they are
//! counted while the keys' ring points are brought up to date
//! ([`key_points`](super::key_points): only the keys whose arc changed are looked at); an
//! algorithm with a per-key owner table compares every key's owner before and after
//! (O(keys) lookups and O(keys + servers) counting).

use std::sync::Arc;

use crate::patterns::ring::ServerId;
use crate::sim::limits::{MEMBERSHIP_CHANGES, PREVIOUS_RING_KEPT_NS};
use crate::sim::snapshot::{KeyShift, MembershipAction, MembershipChange, PreviousRing, RingPoint};

use super::Engine;
use super::key_points::Shifts;
use super::log::push_bounded;

/// The state a membership change is measured against, taken just before it.
pub(super) struct Before {
    /// Servers on the ring.
    pub servers: usize,
    /// Except on the plain ring, the owner id of each key of the population
    /// ([`NO_OWNER`] on an empty ring); empty on the ring.
    owners: Vec<u32>,
    /// The drawn ring points (shared, not copied).
    points: Arc<[RingPoint]>,
}

/// What a change is, for its record.
pub(super) struct Change<'a> {
    /// Kind.
    pub action: MembershipAction,
    /// The server it concerns (empty for a vnode change).
    pub server: &'a str,
    /// The ring id of the server it removed, if any.
    pub removed: Option<u32>,
    /// The ideal moved fraction.
    pub ideal: f64,
}

impl Before {
    /// The fraction of the keys ring id `id` owned (not on the plain ring).
    pub fn share_of(&self, id: u32) -> f64 {
        let owned = self.owners.iter().filter(|&&o| o == id).count();
        owned as f64 / self.owners.len().max(1) as f64
    }
}

impl Engine {
    /// Take the state a membership change will be measured against.
    pub(super) fn before_change(&self) -> Before {
        Before {
            servers: self.ring.len(),
            // The ring's changes are counted as its key points are updated; the removed
            // server's share (the ideal of a removal) is needed by the others only.
            owners: if matches!(self.placement, Placement::Ring) {
                Vec::new()
            } else {
                self.key_owners()
            },
            points: self.ring_points.clone(),
        }
    }

    /// Record `change` (the ring tables already rebuilt) against `before`; returns the
    /// fraction of the key population that moved.
    pub(super) fn record_change(&mut self, before: Before, change: Change<'_>) -> f64 {
        let Shifts { moved, counts } = std::mem::take(&mut self.shifts);
        let (moved, counts) = match self.placement {
            Placement::Table(_) => count_shifts(&before.owners, &self.key_owners()),
            // Bounded-load moves keys as the vnode ring does (its key owners are the
            // ring's, loads apart).
            Placement::Ring | Placement::BoundedLoad { .. } => (moved, counts),
        };
        let removed_name = |id: u32| {
            change
                .removed
                .filter(|&r| r == id)
                .map(|_| change.server.to_string())
        };
        let mut shifts: Vec<KeyShift> = counts
            .into_iter()
            .filter_map(|(id, gained, lost)| {
                let server = removed_name(id)
                    .or_else(|| self.ring.name(ServerId(id)).map(str::to_string))?;
                Some(KeyShift {
                    server,
                    gained,
                    lost,
                })
            })
            .collect();
        shifts.sort_by(|a, b| a.server.cmp(&b.server));
        let keys = self.key_points.len() as u64;
        let moved_fraction = if keys == 0 {
            0.0
        } else {
            moved as f64 / keys as f64
        };
        self.previous_ring = Some(PreviousRing {
            at_ns: self.now,
            points: before.points,
            removed: change.removed.map(|id| (id, change.server.to_string())),
        });
        push_bounded(
            &mut self.membership,
            MembershipChange {
                at_ns: self.now,
                action: change.action,
                server: change.server.to_string(),
                servers_before: before.servers,
                servers_after: self.ring.len(),
                moved_fraction,
                ideal_fraction: change.ideal,
                vnodes: self.ring.vnodes(),
                keys,
                shifts: shifts.into(),
            },
            MEMBERSHIP_CHANGES,
        );
        moved_fraction
    }

    /// The ring before the last change, while it is kept (see [`PREVIOUS_RING_KEPT_NS`]).
    pub(super) fn previous_ring(&self) -> Option<PreviousRing> {
        self.previous_ring
            .as_ref()
            .filter(|p| self.now.saturating_sub(p.at_ns) < PREVIOUS_RING_KEPT_NS)
            .cloned()
    }

    /// Free the ring before the last change once it is no longer drawn.
    pub(super) fn drop_expired_previous_ring(&mut self) {
        if self.previous_ring.is_some() && self.previous_ring().is_none() {
            self.previous_ring = None;
        }
    }

    /// The owner id of each key of the population on the current ring ([`NO_OWNER`] on an
    /// empty one): 4 bytes a key, read from each key's ring point, or from the owner table
    /// of an algorithm without a ring. Under bounded-load, the ring owner (the owner while
    /// no server is at capacity).
    pub(super) fn key_owners(&self) -> Vec<u32> {
        if let Some(table) = self.placement.table() {
            return (0..self.key_points.len() as u32)
                .map(|k| table.owner(k))
                .collect();
        }
        self.key_points
            .iter()
            .map(|&p| {
                self.ring
                    .owners_from_point(p, 1)
                    .next()
                    .map_or(NO_OWNER, |(id, _)| id.0)
            })
            .collect()
    }
}

use super::placement::{NO_OWNER, Placement};

/// The keys whose owner differs between `before` and `after` (same keys, same order), and
/// per owner id that gained or lost any, `(id, gained, lost)` in id order.
fn count_shifts(before: &[u32], after: &[u32]) -> (u64, Vec<(u32, u64, u64)>) {
    let owner = |&o: &u32| (o != NO_OWNER).then_some(o);
    let slots = before
        .iter()
        .chain(after)
        .filter_map(owner)
        .max()
        .map_or(0, |m| m as usize + 1);
    let mut counts = vec![(0u64, 0u64); slots];
    let mut moved = 0;
    for (b, a) in before.iter().zip(after) {
        if b == a {
            continue;
        }
        moved += 1;
        if let Some(a) = owner(a) {
            counts[a as usize].0 += 1;
        }
        if let Some(b) = owner(b) {
            counts[b as usize].1 += 1;
        }
    }
    let shifts = counts
        .into_iter()
        .enumerate()
        .filter(|(_, (g, l))| g + l > 0)
        .map(|(id, (g, l))| (id as u32, g, l))
        .collect();
    (moved, shifts)
}

#[cfg(test)]
mod tests {
    use super::{NO_OWNER, count_shifts};

    #[test]
    fn shifts_count_each_moved_key_once_on_each_side() {
        let before = [0, 1, 1, 2, NO_OWNER];
        let after = [0, 0, 2, 2, 1];
        let (moved, shifts) = count_shifts(&before, &after);
        assert_eq!(moved, 3);
        assert_eq!(shifts, vec![(0, 1, 0), (1, 1, 2), (2, 1, 0)]);
    }
}

//! Measuring a membership change: which keys of the population changed owner, and per
//! server how many it gained and lost, as counted while the keys' ring points were
//! brought up to date ([`key_points`](super::key_points): only the keys whose arc
//! changed are looked at), so one method serves joins, removals, weight changes and
//! vnode changes alike.

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

impl Engine {
    /// Take the state a membership change will be measured against.
    pub(super) fn before_change(&self) -> Before {
        Before {
            servers: self.ring.len(),
            points: self.ring_points.clone(),
        }
    }

    /// Record `change` (the ring tables already rebuilt) against `before`; returns the
    /// fraction of the key population that moved.
    pub(super) fn record_change(&mut self, before: Before, change: Change<'_>) -> f64 {
        let Shifts { moved, counts } = std::mem::take(&mut self.shifts);
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
}

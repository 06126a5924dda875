//! Which servers own a key, by the scenario's hashing algorithm (`[ring] algorithm`).
//!
//! - `ring`: the engine's own path, untouched: each key's ring point
//!   ([`Engine::key_points`](super::Engine)) and its owners clockwise.
//! - `jump`, `rendezvous`, `maglev`, `multi-probe`: an [`OwnerTable`], the `replicas`
//!   owners of every key (4 bytes each) computed by [`Hashing`] over the servers in join
//!   order, rebuilt at each membership change; a request reads its key's row.
//! - `bounded-load`: the vnode ring with a **live** load: a request goes to the first
//!   distinct server clockwise from its key whose in-flight calls are below the capacity
//!   `ceil((1 + ε) × (in-flight calls of all servers + 1) / servers)`; the replicas are the
//!   servers after it in that walk, then those skipped as full. Computed per request.
//!
//! Servers' weights and the vnode count shape only `ring` and `bounded-load`: the other
//! algorithms place keys over server names alone.
//!
//! Jump cannot remove a server other than the last: when server i leaves, the last server
//! takes its bucket i ([`Hashing::remove`]), so its own keys move too and a removal costs
//! about twice the ideal; the membership change's moved fraction shows it.

use std::sync::Arc;

use crate::patterns::hashing::{Algorithm, Hashing, Key};
use crate::patterns::ring::{HashRing, ServerId};
use crate::sim::error::SimError;
use crate::sim::limits::MAX_HASHING_WORK;
use crate::sim::scenario::HashingSpec;
use crate::sim::scenario::validate::{hashing_work, within};

use super::key_names::for_key_batches;

/// A key without an owner (an empty table row, or padding of a row).
pub(super) const NO_OWNER: u32 = u32::MAX;

/// How the engine finds a key's owners (see the [module docs](self)).
#[derive(Debug, Clone)]
pub(super) enum Placement {
    /// The md5 ring, through each key's ring point.
    Ring,
    /// Bounded loads on the vnode ring, with each server's in-flight calls as its load.
    BoundedLoad {
        /// ε.
        balance_factor: f64,
    },
    /// A per-key owner table of one of the algorithms without a ring.
    Table(Box<OwnerTable>),
}

/// Every key's owners under an algorithm without a ring, as ring ids.
#[derive(Debug, Clone)]
pub(super) struct OwnerTable {
    spec: HashingSpec,
    /// The algorithm over the servers in join order (shared with snapshots, which answer
    /// routing questions with it; copied only when membership changes while one holds it).
    hashing: Arc<Hashing>,
    /// Ring id of each of `hashing`'s servers, by index.
    ids: Vec<u32>,
    /// Owners kept per key: `replicas`, at most the servers there are.
    width: usize,
    /// `width` ring ids per key, the owner first.
    owners: Vec<u32>,
}

impl Placement {
    /// The placement of `spec` over `ring`'s servers (`names` in join order), with
    /// `vnodes` per server.
    pub fn new(spec: &HashingSpec, vnodes: u32, names: &[&str]) -> Result<Self, SimError> {
        Ok(match spec.algorithm {
            Algorithm::Ring => Placement::Ring,
            Algorithm::BoundedLoad => Placement::BoundedLoad {
                balance_factor: spec.balance_factor,
            },
            a => Placement::Table(Box::new(OwnerTable {
                spec: *spec,
                hashing: Arc::new(Hashing::new(a, &spec.params(vnodes), names)?),
                ids: Vec::new(),
                width: 0,
                owners: Vec::new(),
            })),
        })
    }

    /// The owner table, for the algorithms that keep one.
    pub fn table(&self) -> Option<&OwnerTable> {
        match self {
            Placement::Table(t) => Some(t),
            _ => None,
        }
    }

    /// Check that `server` may join a ring of `servers` servers with `keys` keys, and
    /// add it. Changes nothing on error.
    pub fn add(&mut self, server: &str, servers: usize, keys: u32) -> Result<(), SimError> {
        if let Placement::Table(t) = self {
            let work = hashing_work(&t.spec, keys, servers + 1);
            within("hashes per owner-table rebuild", work, MAX_HASHING_WORK)?;
            Arc::make_mut(&mut t.hashing).add(server)?;
        }
        Ok(())
    }

    /// `server` leaves (under jump, the last server takes its bucket).
    pub fn remove(&mut self, server: &str) -> Result<(), SimError> {
        if let Placement::Table(t) = self {
            Arc::make_mut(&mut t.hashing).remove(server)?;
        }
        Ok(())
    }
}

impl OwnerTable {
    /// Recompute every key's owners (`keys` keys, `replicas` owners each) after a
    /// membership change on `ring` (which names the servers' ring ids).
    pub fn rebuild(&mut self, ring: &HashRing, keys: u32, replicas: usize) {
        self.ids = self
            .hashing
            .servers()
            .iter()
            .map(|name| ring.id_of(name).map_or(NO_OWNER, |id| id.0))
            .collect();
        self.width = replicas.min(self.ids.len());
        self.owners.clear();
        self.owners.reserve_exact(keys as usize * self.width);
        let mut row = Vec::with_capacity(self.width);
        let (hashing, ids, owners, width) =
            (&self.hashing, &self.ids, &mut self.owners, self.width);
        for_key_batches(0..keys, |names| {
            for name in names {
                row.clear();
                hashing.lookup(Key::new(name), width, &mut row);
                owners.extend(row.iter().map(|&i| ids[i]));
                owners.extend((row.len()..width).map(|_| NO_OWNER));
            }
        });
    }

    /// The owners of `key` (ring ids, the owner first).
    pub fn owners(&self, key: u32) -> impl Iterator<Item = ServerId> + '_ {
        let start = key as usize * self.width;
        self.owners
            .get(start..start + self.width)
            .unwrap_or(&[])
            .iter()
            .filter(|&&id| id != NO_OWNER)
            .map(|&id| ServerId(id))
    }

    /// The owner of `key` ([`NO_OWNER`] without servers).
    pub fn owner(&self, key: u32) -> u32 {
        self.owners(key).next().map_or(NO_OWNER, |id| id.0)
    }

    /// Each ring id's share of the keys it owns, in a vector of `slots` entries.
    pub fn key_shares(&self, slots: usize) -> Vec<f64> {
        let mut counts = vec![0u64; slots];
        let keys = self.owners.len().checked_div(self.width).unwrap_or(0);
        for key in 0..keys as u32 {
            if let Some(c) = counts.get_mut(self.owner(key) as usize) {
                *c += 1;
            }
        }
        let total = keys.max(1) as f64;
        counts.into_iter().map(|c| c as f64 / total).collect()
    }

    /// The algorithm and its servers, shared (for measuring a lookup, and for snapshots).
    pub fn hashing(&self) -> &Arc<Hashing> {
        &self.hashing
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::route::bounded_owners;

    #[test]
    fn bounded_load_skips_servers_at_capacity_by_hand() {
        // Walk 2, 0, 1; 3 servers, 5 calls in flight: capacity ceil(1.25 × 6 / 3) = 3.
        // Server 2 has 3 in flight (full), 0 has 2 (below): 0 owns, then 1, then 2.
        let loads = [2u64, 0, 3];
        let mut out = Vec::new();
        let walk = [2, 0, 1].map(ServerId).into_iter();
        bounded_owners(walk, |id| loads[id.0 as usize], 0.25, (5, 3), 3, &mut out);
        assert_eq!(out, [0, 1, 2].map(ServerId));
        // Nothing in flight: the ring owner, then the next clockwise.
        out.clear();
        let walk = [2, 0, 1].map(ServerId).into_iter();
        bounded_owners(walk, |_| 0, 0.25, (0, 3), 2, &mut out);
        assert_eq!(out, [2, 0].map(ServerId));
    }
}

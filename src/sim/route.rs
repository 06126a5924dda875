//! Where a key goes now: its owners in order (the owner, then its replicas) by the hashing
//! algorithm in force, and the one a request for it is sent to, answered from a
//! [`Snapshot`] by the engine's own rules (`first_admitting`: the first owner whose breaker
//! admits the call; `bounded_owners`: bounded loads, live).

use std::collections::HashMap;

use crate::patterns::hashing::bounded_load::capacity;
use crate::patterns::hashing::{Algorithm, Key};
use crate::patterns::ring::trace::KeyTrace;
use crate::patterns::ring::{ServerId, hash_key};

use super::breaker_state::BreakerState;
use super::snapshot::{RingPoint, Snapshot};
use super::traffic::key_name;

/// The first of `owners` (in ring order) that `admit` lets through, with what `admit`
/// returned and whether it is not the first owner (a failover). This is the routing rule:
/// the engine's request path acquires each owner's breaker in turn; a snapshot asks
/// whether each one [`admits`](super::ServerSnapshot::admits).
pub(crate) fn first_admitting<T>(
    owners: impl IntoIterator<Item = ServerId>,
    mut admit: impl FnMut(ServerId) -> Option<T>,
) -> Option<(ServerId, T, bool)> {
    owners
        .into_iter()
        .enumerate()
        .find_map(|(i, id)| admit(id).map(|t| (id, t, i > 0)))
}

/// Bounded loads, live (the engine's rule for `bounded-load`, also answered from a
/// snapshot): from the clockwise `walk` of distinct servers from a key (all of
/// them), the first whose `load` (in-flight calls) is below the capacity for `in_flight`
/// calls in all plus this one, then up to `n − 1` more: the rest of the walk, then those
/// skipped as full. Appended to `out`. The walk is read only as far as the answer needs
/// (the owner and `n − 1` after it), not round the whole ring.
pub(crate) fn bounded_owners(
    walk: impl Iterator<Item = ServerId>,
    load: impl Fn(ServerId) -> u64,
    balance_factor: f64,
    (in_flight, servers): (u64, usize),
    n: usize,
    out: &mut Vec<ServerId>,
) {
    if servers == 0 || n == 0 {
        return;
    }
    let want = n.min(servers);
    let cap = capacity(balance_factor, in_flight + 1, servers);
    let start = out.len();
    // Those skipped as full, then the owner and what follows it, as far as needed.
    let mut owner = None;
    for id in walk {
        match owner {
            None if (load(id) as f64) < cap => owner = Some(out.len() - start),
            Some(o) if out.len() - start >= o + want => break,
            _ => {}
        }
        out.push(id);
    }
    // Nobody below capacity: the walk as it comes.
    out[start..].rotate_left(owner.unwrap_or(0));
    out.truncate(start + want);
}

/// One owner of a traced key, as routing sees it now.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteOwner {
    /// Ring id (see [`ServerSnapshot::id`](super::ServerSnapshot::id)).
    pub id: u32,
    /// Name.
    pub name: String,
    /// Its breaker's state.
    pub breaker: BreakerState,
    /// Whether its breaker admits a call now.
    pub admits: bool,
    /// Whether the server refuses calls now (down, or flapping in its down half).
    pub down: bool,
    /// Position of its first ring point clockwise from the key (where a request walking
    /// the ring from the key reaches it).
    pub point: u128,
}

/// Where a key goes now: its position and arc on the ring, its owners in order (as many
/// as the snapshot's [`replicas`](Snapshot::replicas)) and which of them a request is sent to.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyRoute {
    /// The key.
    pub key: String,
    /// Its position, arc and owner ids (from [`HashRing::trace_of_hash`](crate::patterns::ring::HashRing::trace_of_hash)).
    pub trace: KeyTrace,
    /// Its owners in ring order: the owner first, then the replicas.
    pub owners: Vec<RouteOwner>,
    /// Index in `owners` of the one a request is sent to now; `None` when every breaker
    /// rejects it (short-circuited).
    pub served_by: Option<usize>,
}

impl KeyRoute {
    /// Whether the request does not go to the key's first owner now.
    pub fn fails_over(&self) -> bool {
        self.served_by != Some(0)
    }
}

/// The position of the first point clockwise after `from` (strictly: a key on a point
/// belongs to the next one) of each server of `ids`, in the order of `ids`; `from` itself
/// for a server with no point.
fn first_points(points: &[RingPoint], from: u128, ids: &[u32]) -> Vec<u128> {
    let mut found: Vec<Option<u128>> = vec![None; ids.len()];
    let start = points.partition_point(|p| p.position <= from);
    let lap = points[start..].iter().chain(&points[..start]);
    let mut left = ids.len();
    for p in lap {
        if left == 0 {
            break;
        }
        if let Some(i) = ids.iter().position(|&id| id == p.server)
            && found[i].is_none()
        {
            found[i] = Some(p.position);
            left -= 1;
        }
    }
    found.into_iter().map(|f| f.unwrap_or(from)).collect()
}

impl Snapshot {
    /// Where `key` goes now (`None` on an empty ring): the engine's routing of a request
    /// for it at this snapshot's time.
    pub fn route(&self, key: &str) -> Option<KeyRoute> {
        let mut trace = self.ring.trace_of_hash(hash_key(key), self.replicas)?;
        trace.owners = self.placed_owners(key, &trace);
        let ids: Vec<u32> = trace.owners.iter().map(|id| id.0).collect();
        let points = first_points(&self.ring_points, trace.position, &ids);
        let owners: Vec<RouteOwner> = trace
            .owners
            .iter()
            .zip(points)
            .map(|(&id, point)| {
                let server = self.server_by_id(id.0);
                RouteOwner {
                    id: id.0,
                    name: self.ring.name(id).unwrap_or_default().to_string(),
                    breaker: server.map_or(BreakerState::Closed, |s| s.breaker),
                    admits: server.is_some_and(|s| s.admits),
                    down: server.is_some_and(|s| s.down_now),
                    point,
                }
            })
            .collect();
        let served = first_admitting(trace.owners.iter().copied(), |id| {
            owners.iter().position(|o| o.id == id.0 && o.admits)
        });
        Some(KeyRoute {
            key: key.to_string(),
            served_by: served.map(|(_, index, _)| index),
            owners,
            trace,
        })
    }

    /// The owners of `key` by the hashing algorithm in force (`trace`: its ring trace):
    /// the ring's for `ring`; for `bounded-load` the ring walk with each server's calls in
    /// flight as its load, as a request now would take it; for the algorithms without a
    /// ring, their own answer over the servers in join order.
    fn placed_owners(&self, key: &str, trace: &KeyTrace) -> Vec<ServerId> {
        if let Some(h) = &self.placement {
            let mut row = Vec::with_capacity(self.replicas);
            h.lookup(Key::new(key.as_bytes()), self.replicas, &mut row);
            let names = row.into_iter().map(|i| &h.servers()[i]);
            return names.filter_map(|name| self.ring.id_of(name)).collect();
        }
        if self.hashing.algorithm != Algorithm::BoundedLoad {
            return trace.owners.clone();
        }
        let n = self.ring.len();
        let walk = self
            .ring
            .owners_of_hash(trace.position, n)
            .map(|(id, _)| id);
        let load = |id: ServerId| {
            self.server_by_id(id.0)
                .map_or(0, |s| u64::from(s.in_flight))
        };
        let in_flight = self.servers.iter().map(|s| u64::from(s.in_flight)).sum();
        let mut owners = Vec::with_capacity(n);
        let eps = self.hashing.balance_factor;
        bounded_owners(walk, load, eps, (in_flight, n), self.replicas, &mut owners);
        owners
    }

    /// Ring ids of the owners of `position` in ring order, as many as
    /// [`replicas`](Snapshot::replicas) (fewer when the ring has fewer servers).
    pub fn owners_at(&self, position: u128) -> impl Iterator<Item = u32> + '_ {
        self.ring
            .owners_of_hash(position, self.replicas)
            .map(|(id, _)| id.0)
    }

    /// Up to `n` request keys among the recent requests, the most frequent first (ties:
    /// the most recently requested first).
    pub fn hot_keys(&self, n: usize) -> Vec<String> {
        // key → (requests, index of the latest one)
        let mut seen: HashMap<u32, (usize, usize)> = HashMap::new();
        for (i, r) in self.recent_requests.iter().enumerate() {
            let e = seen.entry(r.key).or_insert((0, i));
            e.0 += 1;
            e.1 = i;
        }
        let mut keys: Vec<(u32, (usize, usize))> = seen.into_iter().collect();
        keys.sort_by_key(|&(_, rank)| std::cmp::Reverse(rank));
        keys.into_iter().take(n).map(|(k, _)| key_name(k)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Command, Engine, Scenario};

    fn engine_at(ms: u64) -> Engine {
        let sc = Scenario::builtin("default").expect("shipped");
        let mut engine = Engine::from_scenario(&sc, Some(1)).expect("valid");
        engine.advance(ms * 1_000_000);
        engine
    }

    #[test]
    fn the_rule_picks_the_first_admitting_owner() {
        let ids = [ServerId(4), ServerId(2), ServerId(9)];
        let pick = |open: &[u32]| {
            first_admitting(ids, |id| (!open.contains(&id.0)).then_some(id.0))
                .map(|(id, _, over)| (id.0, over))
        };
        assert_eq!(pick(&[]), Some((4, false)));
        assert_eq!(pick(&[4]), Some((2, true)));
        assert_eq!(pick(&[4, 2]), Some((9, true)));
        assert_eq!(pick(&[4, 2, 9]), None);
    }

    #[test]
    fn routes_follow_the_ring_and_the_breakers() {
        let mut engine = engine_at(1_000);
        let snap = engine.snapshot();
        let route = snap.route("user:42").expect("ring not empty");
        let expect: Vec<String> = engine
            .ring()
            .owners("user:42", 2)
            .map(|(_, n)| n.to_string())
            .collect();
        let names: Vec<&str> = route.owners.iter().map(|o| o.name.as_str()).collect();
        assert_eq!(names, expect);
        assert_eq!(route.served_by, Some(0));
        assert!(!route.fails_over());
        // The owner's first point clockwise is the end of the key's arc.
        assert_eq!(route.owners[0].point, route.trace.arc.end);
        let points = snap.ring_points.iter().map(|p| p.position);
        assert!(
            route
                .owners
                .iter()
                .all(|o| points.clone().any(|p| p == o.point))
        );
        // Take the owner down until its breaker opens: the replica serves.
        engine
            .apply(Command::InjectFault {
                server: expect[0].clone(),
                fault: crate::sim::Fault::Down,
            })
            .unwrap();
        engine.advance(1_000_000_000);
        let snap = engine.snapshot();
        let route = snap.route("user:42").unwrap();
        assert_eq!(route.owners[0].breaker, BreakerState::Open);
        assert!(route.owners[0].down && !route.owners[0].admits);
        assert_eq!(route.served_by, Some(1));
        assert!(route.fails_over());
    }

    #[test]
    fn hot_keys_come_from_recent_requests() {
        let snap = engine_at(2_000).snapshot();
        let keys = snap.hot_keys(5);
        assert_eq!(keys.len(), 5);
        for k in &keys {
            let i: u32 = k.strip_prefix("key-").unwrap().parse().unwrap();
            let count = |key| snap.recent_requests.iter().filter(|r| r.key == key).count();
            assert!(count(i) >= 1);
            assert!(
                snap.recent_requests
                    .iter()
                    .all(|r| r.position == hash_key(&key_name(r.key)))
            );
        }
    }
}

//! Where a key lands: its position, the arc it falls in, the virtual node that owns that
//! arc, and its owners in order.

use super::{HashRing, Position, ServerId, hash_key, vnode_count, vnode_positions};

/// The arc of the ring a position falls in: the half-open interval `[start, end)`
/// clockwise, from the point before (inclusive) to the owning point `end` (exclusive). It
/// wraps past zero when `end <= start`; `start == end` is the whole circle (every point at
/// one position, e.g. one server with one vnode).
///
/// ```
/// use ringside::patterns::ring::{HashRing, hash_key};
///
/// let ring = HashRing::with_servers(150, ["a", "b", "c"])?;
/// let position = hash_key("user:42");
/// let arc = ring.arc_of_hash(position).expect("ring not empty");
/// assert!(arc.contains(position));
/// assert_eq!(ring.name(arc.owner), ring.owner("user:42"));
/// // The owning point is virtual node `vnode` of its server: md5("{server}:{vnode}").
/// let label = format!("{}:{}", ring.name(arc.owner).unwrap(), arc.vnode);
/// assert_eq!(hash_key(&label), arc.end);
/// # Ok::<(), ringside::patterns::ring::RingError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RingArc {
    /// Position of the point before (the arc's first position).
    pub start: Position,
    /// Position of the owning point (just past the arc's last position).
    pub end: Position,
    /// Owner of the point at `end`, hence of every position in the arc.
    pub owner: ServerId,
    /// The owning point is the owner's virtual node `"{owner}:{vnode}"`.
    pub vnode: u32,
}

impl RingArc {
    /// Whether `position` lies in the arc (wrapping past zero when `end <= start`).
    pub fn contains(&self, position: Position) -> bool {
        match self.start.cmp(&self.end) {
            std::cmp::Ordering::Less => self.start <= position && position < self.end,
            std::cmp::Ordering::Greater => self.start <= position || position < self.end,
            std::cmp::Ordering::Equal => true,
        }
    }
}

/// Everything about where one key goes: its position, the arc it falls in and its first
/// `n` distinct owners clockwise (the owner first, then its replicas).
///
/// ```
/// use ringside::patterns::ring::{HashRing, hash_key};
///
/// let ring = HashRing::with_servers(100, ["a", "b", "c"])?;
/// let trace = ring.trace("user:42", 2).expect("ring not empty");
/// assert_eq!(trace.position, hash_key("user:42"));
/// assert!(trace.arc.contains(trace.position));
/// assert_eq!(trace.owners[0], trace.arc.owner);
/// let owners: Vec<_> = ring.owners("user:42", 2).map(|(id, _)| id).collect();
/// assert_eq!(trace.owners, owners);
/// # Ok::<(), ringside::patterns::ring::RingError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KeyTrace {
    /// The key's position (its MD5, big-endian).
    pub position: Position,
    /// The arc the position falls in.
    pub arc: RingArc,
    /// Up to `n` distinct owners in order, as [`HashRing::owners_of_hash`] yields them.
    pub owners: Vec<ServerId>,
}

impl HashRing {
    /// The arc a pre-hashed key falls in (`None` on an empty ring). Not a hot-path call:
    /// it hashes the owner's virtual-node labels to name the owning one.
    pub fn arc_of_hash(&self, hash: Position) -> Option<RingArc> {
        if self.pos.is_empty() {
            return None;
        }
        let i = self.successor(hash);
        let prev = if i == 0 { self.pos.len() - 1 } else { i - 1 };
        let owner = ServerId(self.owner[i]);
        let end = self.pos[i];
        let vnode = self
            .member(owner.0)
            .and_then(|m| {
                let count = vnode_count(self.vnodes, 0, m.weight).ok()?;
                let index = vnode_positions(&m.name, count)
                    .into_iter()
                    .position(|p| p == end)?;
                u32::try_from(index).ok()
            })
            .unwrap_or(0);
        Some(RingArc {
            start: self.pos[prev],
            end,
            owner,
            vnode,
        })
    }

    /// Trace `key` (hashed with MD5) with its first `n` distinct owners.
    pub fn trace(&self, key: &str, n: usize) -> Option<KeyTrace> {
        self.trace_of_hash(hash_key(key), n)
    }

    /// Trace a pre-hashed key with its first `n` distinct owners (`None` on an empty ring).
    pub fn trace_of_hash(&self, hash: Position, n: usize) -> Option<KeyTrace> {
        Some(KeyTrace {
            position: hash,
            arc: self.arc_of_hash(hash)?,
            owners: self.owners_of_hash(hash, n).map(|(id, _)| id).collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arcs_wrap_and_keys_on_a_point_go_clockwise() {
        let mut r = HashRing::new(1).unwrap();
        assert_eq!(r.arc_of_hash(7), None);
        r.insert_raw("a", &[10]);
        let whole = r.arc_of_hash(3).unwrap();
        assert_eq!((whole.start, whole.end), (10, 10));
        assert!(whole.contains(0) && whole.contains(u128::MAX));
        r.insert_raw("b", &[20]);
        // A key on a point belongs to the next point.
        let arc = r.arc_of_hash(10).unwrap();
        assert_eq!((arc.start, arc.end, arc.owner), (10, 20, ServerId(1)));
        assert!(arc.contains(10) && arc.contains(19) && !arc.contains(20));
        let wrap = r.arc_of_hash(25).unwrap();
        assert_eq!((wrap.start, wrap.end, wrap.owner), (20, 10, ServerId(0)));
        assert!(wrap.contains(25) && wrap.contains(0) && !wrap.contains(10));
        assert!(!wrap.contains(15));
        assert_eq!(wrap, r.arc_of_hash(3).unwrap());
    }

    #[test]
    fn vnode_index_names_the_owning_point_of_weighted_servers() {
        let mut r = HashRing::with_servers(20, ["a", "b"]).unwrap();
        r.add_weighted("big", 2.5).unwrap();
        for i in 0..200 {
            let key = format!("key{i}");
            let arc = r.trace(&key, 1).unwrap().arc;
            let name = r.name(arc.owner).unwrap();
            assert_eq!(hash_key(&format!("{name}:{}", arc.vnode)), arc.end);
        }
    }
}

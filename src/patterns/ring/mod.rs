//! Consistent-hash ring with virtual nodes.
//!
//! Mapping (identical to the tutorial's Python `ConsistentHashRing`): server `s` with
//! `v` virtual nodes owns the points `md5("{s}:{i}")` for `i in 0..v`, each read as a
//! big-endian 128-bit integer. A key's owner is the server of the first point whose
//! position is strictly greater than `md5(key)`, wrapping around. Equal positions are
//! ordered by server name so the mapping never depends on insertion order.
//!
//! Lookups, one vocabulary: by key (hashed with MD5 on each call) or by a position already
//! hashed with [`hash_key`] (`_of_hash`, no hashing), returning names or [`ServerId`]s:
//!
//! | | by key | by pre-hashed position |
//! |---|---|---|
//! | owner's name | [`owner`](HashRing::owner) | [`owner_of_hash`](HashRing::owner_of_hash) |
//! | owner's id | [`owner_id`](HashRing::owner_id) | [`owner_id_of_hash`](HashRing::owner_id_of_hash) (fastest) |
//! | `n` distinct owners | [`owners`](HashRing::owners) | [`owners_of_hash`](HashRing::owners_of_hash) |
//!
//! Explaining a ring: [`balance`] gives each server's exact share of the hash space and
//! how evenly it is spread; [`trace`] tells where one key lands (its arc, the owning
//! virtual node, its owners in order).
//!
//! Layout: the points live in parallel arrays sorted by (position, server name):
//! the top 64 bits of each position (searched on the hot path), the full position
//! (consulted only to break ties in the top 64 bits), the owner id, and for each point
//! the clockwise distance back to the previous point of the same owner (which lets
//! [`Owners`] recognise a server already yielded without keeping a set). A small
//! prefix table maps the top bits of a hash to the first point of its bucket, so a
//! lookup is one table read plus a scan of a few adjacent `u64`s.

use std::collections::BTreeMap;
use std::iter::FusedIterator;

use thiserror::Error;

pub mod balance;
mod key_hash;
mod md5_lanes;
pub mod trace;

#[cfg(test)]
use key_hash::format_u32;
pub use key_hash::{Position, hash_bytes, hash_key, hash_many};
use key_hash::{hash_batches, vnode_positions};

/// Default number of virtual nodes per server (weight 1.0).
pub const DEFAULT_VNODES: u32 = 150;

/// Largest number of virtual nodes one server may have (after weighting). Bounds the
/// memory and time one call can consume; far above any useful setting.
pub const MAX_VNODES: u32 = 1 << 20;

/// Upper bound on the prefix table size (2^MAX_INDEX_BITS buckets).
const MAX_INDEX_BITS: u32 = 24;

/// Stable small identifier of a server while it is a member of a ring.
/// Ids are dense indices (reused after removal, lowest free first), suitable for
/// indexing per-server tables kept by callers.
///
/// ```
/// use ringside::patterns::ring::{HashRing, ServerId};
///
/// let mut ring = HashRing::new(100)?;
/// assert_eq!(ring.add("a")?, ServerId(0));
/// assert_eq!(ring.add("b")?, ServerId(1));
///
/// // A per-server table indexed by id: requests per owner.
/// let mut requests = vec![0u32; ring.len()];
/// for key in ["k1", "k2", "k3", "k4", "k5"] {
///     let id = ring.owner_id(key).expect("ring not empty");
///     requests[id.0 as usize] += 1;
/// }
/// assert_eq!(requests.iter().sum::<u32>(), 5);
///
/// // Ids stay dense: a removed server's id goes to the next one added.
/// ring.remove("a")?;
/// assert_eq!(ring.add("c")?, ServerId(0));
/// assert_eq!(ring.name(ServerId(0)), Some("c"));
/// assert_eq!(ring.id_of("b"), Some(ServerId(1)));
/// # Ok::<(), ringside::patterns::ring::RingError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ServerId(pub u32);

/// Errors from ring operations. Bad input never panics.
///
/// ```
/// use ringside::patterns::ring::{HashRing, RingError};
///
/// assert_eq!(HashRing::new(0).unwrap_err(), RingError::ZeroVnodes);
///
/// let mut ring = HashRing::with_servers(10, ["a"])?;
/// assert_eq!(ring.add("a"), Err(RingError::DuplicateServer("a".into())));
/// assert_eq!(ring.remove("z"), Err(RingError::UnknownServer("z".into())));
/// let err = ring.set_weight("a", -1.0).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "weight must be a finite number greater than 0, got -1"
/// );
/// assert_eq!(ring.weight("a"), Some(1.0)); // a refused change changes nothing
/// # Ok::<(), RingError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum RingError {
    /// The server is already a member.
    #[error("server '{0}' is already on the ring")]
    DuplicateServer(String),
    /// The server is not a member.
    #[error("no server named '{0}' on the ring")]
    UnknownServer(String),
    /// Server names must be non-empty.
    #[error("server name must not be empty")]
    EmptyName,
    /// A ring needs at least one virtual node per server.
    #[error("virtual node count must be at least 1")]
    ZeroVnodes,
    /// Weights must be finite and > 0.
    #[error("weight must be a finite number greater than 0, got {0}")]
    InvalidWeight(f64),
    /// A server would get more than [`MAX_VNODES`] virtual nodes (or the ring more
    /// than `u32::MAX` points).
    #[error("too many virtual nodes: {0} (at most {MAX_VNODES} per server)")]
    TooManyVnodes(u64),
}

/// A member's bookkeeping.
#[derive(Debug, Clone, PartialEq)]
struct Member {
    name: Box<str>,
    weight: f64,
}

/// A consistent-hash ring.
///
/// Each key has one owner, the same for every process that builds the ring from the same
/// servers; adding or removing a server moves only the keys it takes over or gives up:
///
/// ```
/// use ringside::patterns::ring::{DEFAULT_VNODES, HashRing, hash_key};
///
/// let mut ring = HashRing::with_servers(DEFAULT_VNODES, ["cache-a", "cache-b", "cache-c"])?;
/// let owner = ring.owner("user:42").expect("ring not empty");
/// assert!(ring.contains(owner));
/// assert_eq!(ring.name(ring.owner_id("user:42").unwrap()), Some(owner));
///
/// let before = ring.clone();
/// ring.add("cache-d")?;
/// let keys: Vec<_> = (0..1000).map(|i| hash_key(&format!("user:{i}"))).collect();
/// // About a quarter of the keys move, all of them to the new server.
/// let moved = HashRing::moved_fraction(&before, &ring, &keys);
/// assert!((0.15..0.35).contains(&moved), "{moved}");
/// for &key in &keys {
///     let now = ring.owner_of_hash(key).unwrap();
///     assert!(before.owner_of_hash(key) == Some(now) || now == "cache-d");
/// }
/// # Ok::<(), ringside::patterns::ring::RingError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct HashRing {
    vnodes: u32,
    /// Indexed by `ServerId`; `None` marks a free id.
    members: Vec<Option<Member>>,
    by_name: BTreeMap<Box<str>, ServerId>,
    // Parallel arrays, sorted by (position, owner name).
    /// Top 64 bits of each position: the hot-path search key.
    hi: Vec<u64>,
    /// Full positions, for exact ties in the top 64 bits and for shares.
    pos: Vec<Position>,
    /// Owner id of each point.
    owner: Vec<u32>,
    /// Clockwise distance from the previous point of the same owner (the point count
    /// when the owner has a single point).
    gap: Vec<u32>,
    /// `index[b]` = first point whose top bits (`hi >> shift`) are >= b; one extra
    /// trailing entry equal to the point count.
    index: Vec<u32>,
    shift: u32,
}

impl HashRing {
    /// An empty ring giving each server of weight 1.0 `vnodes` virtual nodes.
    pub fn new(vnodes: u32) -> Result<Self, RingError> {
        if vnodes == 0 {
            return Err(RingError::ZeroVnodes);
        }
        if vnodes > MAX_VNODES {
            return Err(RingError::TooManyVnodes(vnodes.into()));
        }
        let mut ring = HashRing {
            vnodes,
            members: Vec::new(),
            by_name: BTreeMap::new(),
            hi: Vec::new(),
            pos: Vec::new(),
            owner: Vec::new(),
            gap: Vec::new(),
            index: Vec::new(),
            shift: 63,
        };
        ring.rebuild_index();
        Ok(ring)
    }

    /// A ring with `servers` added (weight 1.0 each), ids in the order given. Built in
    /// bulk by a [`RingBuilder`]: O(P log P) for P points, whatever the number of servers.
    pub fn with_servers<I, S>(vnodes: u32, servers: I) -> Result<Self, RingError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut builder = RingBuilder::new(vnodes)?;
        for server in servers {
            builder.add(server.as_ref())?;
        }
        Ok(builder.build())
    }

    /// Virtual nodes per server of weight 1.0.
    pub fn vnodes(&self) -> u32 {
        self.vnodes
    }

    /// Add a server with weight 1.0. Touches only its own points.
    pub fn add(&mut self, server: &str) -> Result<ServerId, RingError> {
        self.add_weighted(server, 1.0)
    }

    /// Add a server whose vnode count is `round(vnodes * weight)` (at least 1).
    pub fn add_weighted(&mut self, server: &str, weight: f64) -> Result<ServerId, RingError> {
        let count = self.admit(server, weight, self.pos.len())?;
        let points = vnode_positions(server, count);
        let id = self.register(server, weight);
        self.insert_points(id, points.to_vec());
        Ok(id)
    }

    /// Change a member's weight (its points are recomputed; only its own keys move).
    pub fn set_weight(&mut self, server: &str, weight: f64) -> Result<(), RingError> {
        let id = self
            .id_of(server)
            .ok_or_else(|| RingError::UnknownServer(server.to_owned()))?;
        let count = vnode_count(self.vnodes, self.pos.len(), weight)?;
        let points = vnode_positions(server, count);
        self.remove_points(id);
        if let Some(Some(member)) = self.members.get_mut(id.0 as usize) {
            member.weight = weight;
        }
        self.insert_points(id, points.to_vec());
        Ok(())
    }

    /// Give every member `round(vnodes × weight)` points (at least 1) instead: all points
    /// are recomputed, ids and weights stay. Errors (nothing changes) as for
    /// [`new`](Self::new), or when the ring would hold more than `u32::MAX` points.
    ///
    /// ```
    /// use ringside::patterns::ring::HashRing;
    ///
    /// let mut ring = HashRing::with_servers(150, ["a", "b", "c"])?;
    /// ring.set_vnodes(8)?;
    /// assert_eq!((ring.vnodes(), ring.point_count()), (8, 24));
    /// // The same ring as one built with 8 vnodes from the start.
    /// let fresh = HashRing::with_servers(8, ["a", "b", "c"])?;
    /// assert_eq!(ring.owner("user:42"), fresh.owner("user:42"));
    /// # Ok::<(), ringside::patterns::ring::RingError>(())
    /// ```
    pub fn set_vnodes(&mut self, vnodes: u32) -> Result<(), RingError> {
        // Validates `vnodes` the same way as a new ring does.
        let empty = HashRing::new(vnodes)?;
        let mut points = Vec::new();
        for (id, member) in self.members.iter().enumerate() {
            let Some(member) = member else { continue };
            let count = vnode_count(vnodes, points.len(), member.weight)?;
            points.extend(
                vnode_positions(&member.name, count)
                    .into_iter()
                    .map(|p| (p, id as u32)),
            );
        }
        self.vnodes = empty.vnodes;
        self.set_points(points);
        Ok(())
    }

    /// Remove a server and only its points.
    pub fn remove(&mut self, server: &str) -> Result<ServerId, RingError> {
        let id = self
            .by_name
            .remove(server)
            .ok_or_else(|| RingError::UnknownServer(server.to_owned()))?;
        self.members[id.0 as usize] = None;
        // Keep the id table short so dense ids stay dense.
        while matches!(self.members.last(), Some(None)) {
            self.members.pop();
        }
        self.remove_points(id);
        Ok(id)
    }

    /// Whether `server` is a member.
    pub fn contains(&self, server: &str) -> bool {
        self.by_name.contains_key(server)
    }

    /// Id of a member.
    pub fn id_of(&self, server: &str) -> Option<ServerId> {
        self.by_name.get(server).copied()
    }

    /// Name of a member by id.
    pub fn name(&self, id: ServerId) -> Option<&str> {
        self.member(id.0).map(|m| &*m.name)
    }

    /// Weight of a member.
    pub fn weight(&self, server: &str) -> Option<f64> {
        let id = self.id_of(server)?;
        self.member(id.0).map(|m| m.weight)
    }

    /// Number of servers.
    pub fn len(&self) -> usize {
        self.by_name.len()
    }

    /// True when the ring has no servers.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Members as (id, name), sorted by name.
    pub fn servers(&self) -> Vec<(ServerId, &str)> {
        self.by_name.iter().map(|(n, &id)| (id, &**n)).collect()
    }

    /// Total number of points (virtual nodes) on the ring.
    pub fn point_count(&self) -> usize {
        self.pos.len()
    }

    /// Name of the owner of `key` (hashes it with MD5). `None` on an empty ring.
    pub fn owner(&self, key: &str) -> Option<&str> {
        self.owner_of_hash(hash_key(key))
    }

    /// Id of the owner of `key` (hashes it with MD5). `None` on an empty ring.
    pub fn owner_id(&self, key: &str) -> Option<ServerId> {
        self.owner_id_of_hash(hash_key(key))
    }

    /// Name of the owner of a pre-hashed key ([`hash_key`]). No allocation.
    pub fn owner_of_hash(&self, hash: Position) -> Option<&str> {
        self.owner_id_of_hash(hash).and_then(|id| self.name(id))
    }

    /// Id of the owner of a pre-hashed key ([`hash_key`]): the fastest lookup, no hashing,
    /// no allocation.
    #[inline]
    pub fn owner_id_of_hash(&self, hash: Position) -> Option<ServerId> {
        if self.pos.is_empty() {
            return None;
        }
        Some(ServerId(self.owner[self.successor(hash)]))
    }

    /// The owner id of each of `keys` (`None` on an empty ring), appended to `out` in
    /// order: the keys are hashed [several at a time](hash_many), then looked up.
    ///
    /// ```
    /// use ringside::patterns::ring::HashRing;
    ///
    /// let ring = HashRing::with_servers(100, ["a", "b", "c"])?;
    /// let keys = ["user:1", "user:2", "session:abc"];
    /// let mut owners = Vec::new();
    /// ring.owners_many(keys.iter().map(|k| k.as_bytes()), &mut owners);
    /// for (key, owner) in keys.iter().zip(&owners) {
    ///     assert_eq!(*owner, ring.owner_id(key));
    /// }
    /// # Ok::<(), ringside::patterns::ring::RingError>(())
    /// ```
    pub fn owners_many<'a>(
        &self,
        keys: impl IntoIterator<Item = &'a [u8]>,
        out: &mut Vec<Option<ServerId>>,
    ) {
        hash_batches(keys, |hashes| {
            out.extend(hashes.iter().map(|&h| self.owner_id_of_hash(h)));
        });
    }

    /// The [point](Self::point_of_hash) of each of `keys` (0 on an empty ring), appended
    /// to `out` in order, the keys hashed [several at a time](hash_many): 4 bytes a key
    /// that [`owners_from_point`](Self::owners_from_point) turns into its owners without
    /// its hash, valid until the ring changes.
    ///
    /// ```
    /// use ringside::patterns::ring::HashRing;
    ///
    /// let ring = HashRing::with_servers(100, ["a", "b", "c"])?;
    /// let keys = ["user:1", "user:2", "session:abc"];
    /// let mut points = Vec::new();
    /// ring.points_many(keys.iter().map(|k| k.as_bytes()), &mut points);
    /// for (key, &point) in keys.iter().zip(&points) {
    ///     assert!(ring.owners_from_point(point, 2).eq(ring.owners(key, 2)));
    /// }
    /// # Ok::<(), ringside::patterns::ring::RingError>(())
    /// ```
    pub fn points_many<'a>(&self, keys: impl IntoIterator<Item = &'a [u8]>, out: &mut Vec<u32>) {
        hash_batches(keys, |hashes| {
            out.extend(hashes.iter().map(|&h| self.point_of_hash(h).unwrap_or(0)));
        });
    }

    /// Index (in clockwise order) of the point that owns a pre-hashed key: the first point
    /// strictly after it, wrapping. `None` on an empty ring. Valid until the ring changes.
    #[inline]
    pub fn point_of_hash(&self, hash: Position) -> Option<u32> {
        // Fewer than 2^32 points: `RingError::TooManyVnodes` bounds them.
        (!self.pos.is_empty()).then(|| self.successor(hash) as u32)
    }

    /// Up to `n` distinct owners of the key whose [point](Self::point_of_hash) is `point`:
    /// [`owners_of_hash`](Self::owners_of_hash) without the search. Empty on an empty ring.
    ///
    /// # Panics
    /// If `point` is not below [`point_count`](Self::point_count) on a non-empty ring.
    pub fn owners_from_point(&self, point: u32, n: usize) -> Owners<'_> {
        let remaining = n.min(self.len());
        let idx = point as usize;
        assert!(
            remaining == 0 || idx < self.pos.len(),
            "point {idx} past the ring"
        );
        Owners {
            ring: self,
            idx,
            step: 0,
            remaining,
        }
    }

    /// Up to `n` distinct owners of `key`, clockwise from its position, starting with
    /// [`owner`](Self::owner). Empty when `n == 0` or the ring is empty.
    pub fn owners(&self, key: &str, n: usize) -> Owners<'_> {
        self.owners_of_hash(hash_key(key), n)
    }

    /// Up to `n` distinct owners of a pre-hashed key. The iterator does not allocate.
    pub fn owners_of_hash(&self, hash: Position, n: usize) -> Owners<'_> {
        let remaining = n.min(self.len());
        let idx = if remaining == 0 {
            0
        } else {
            self.successor(hash)
        };
        Owners {
            ring: self,
            idx,
            step: 0,
            remaining,
        }
    }

    /// Each member's exact share of the hash space (fraction in 0..=1, sums to 1),
    /// as (id, share) sorted by name: [`exact_shares`](Self::exact_shares) as `f64`.
    pub fn shares(&self) -> Vec<(ServerId, f64)> {
        self.exact_shares()
            .into_iter()
            .map(|(id, share)| (id, share.to_f64()))
            .collect()
    }

    /// All points in clockwise order as (position, owner id), for drawing.
    pub fn points(&self) -> impl Iterator<Item = (Position, ServerId)> + '_ {
        self.pos
            .iter()
            .zip(&self.owner)
            .map(|(&p, &o)| (p, ServerId(o)))
    }

    /// Fraction of `hashes` whose owner (by name) differs between `before` and `after`.
    /// 0.0 for an empty key set.
    pub fn moved_fraction(before: &HashRing, after: &HashRing, hashes: &[Position]) -> f64 {
        if hashes.is_empty() {
            return 0.0;
        }
        let moved = hashes
            .iter()
            .filter(|&&h| before.owner_of_hash(h) != after.owner_of_hash(h))
            .count();
        moved as f64 / hashes.len() as f64
    }

    // ---- internals ----

    fn member(&self, id: u32) -> Option<&Member> {
        self.members.get(id as usize).and_then(Option::as_ref)
    }

    fn name_of_raw(&self, id: u32) -> &str {
        self.member(id).map_or("", |m| &m.name)
    }

    /// Check a new member's name and weight; its vnode count when the ring (or a
    /// builder) already holds `points` points.
    fn admit(&self, server: &str, weight: f64, points: usize) -> Result<u32, RingError> {
        if server.is_empty() {
            return Err(RingError::EmptyName);
        }
        if self.by_name.contains_key(server) {
            return Err(RingError::DuplicateServer(server.to_owned()));
        }
        vnode_count(self.vnodes, points, weight)
    }

    /// Record a new member under the lowest free id.
    fn register(&mut self, server: &str, weight: f64) -> ServerId {
        let member = Member {
            name: server.into(),
            weight,
        };
        // No hole when every slot is taken: skip the scan (bulk builds add thousands).
        let hole = if self.members.len() == self.by_name.len() {
            None
        } else {
            self.members.iter().position(Option::is_none)
        };
        let slot = match hole {
            Some(i) => {
                self.members[i] = Some(member);
                i
            }
            None => {
                self.members.push(Some(member));
                self.members.len() - 1
            }
        };
        let id = ServerId(slot as u32);
        self.by_name.insert(server.into(), id);
        id
    }

    /// True when point (pa, owner a) sorts strictly before (pb, owner b).
    fn point_before(&self, pa: Position, a: u32, pb: Position, b: u32) -> bool {
        pa < pb || (pa == pb && self.name_of_raw(a) < self.name_of_raw(b))
    }

    /// Merge `points` (any order) owned by `id` into the sorted arrays, in place and
    /// from the back: each new point's slot is found by binary search and the run of
    /// existing points after it is shifted with one memmove, so existing points move at
    /// most once and nothing is re-sorted.
    fn insert_points(&mut self, id: ServerId, mut new: Vec<Position>) {
        new.sort_unstable();
        let old = self.pos.len();
        let total = old + new.len();
        self.pos.resize(total, 0);
        self.hi.resize(total, 0);
        self.owner.resize(total, 0);
        let mut end = old; // existing points not yet moved: [0, end)
        for (j, &p) in new.iter().enumerate().rev() {
            let mut slot = self.pos[..end].partition_point(|&q| q < p);
            // Among existing points equal to p, those with a smaller name stay before.
            while slot < end
                && self.pos[slot] == p
                && self.point_before(p, self.owner[slot], p, id.0)
            {
                slot += 1;
            }
            let to = slot + j + 1;
            self.pos.copy_within(slot..end, to);
            self.hi.copy_within(slot..end, to);
            self.owner.copy_within(slot..end, to);
            self.pos[slot + j] = p;
            self.hi[slot + j] = (p >> 64) as u64;
            self.owner[slot + j] = id.0;
            end = slot;
        }
        self.rebuild_derived();
    }

    /// Replace every point with `points` (any order, as (position, owner id)): sorted once
    /// by (position, owner name).
    fn set_points(&mut self, mut points: Vec<(Position, u32)>) {
        points.sort_unstable_by(|&(pa, a), &(pb, b)| {
            pa.cmp(&pb)
                .then_with(|| self.name_of_raw(a).cmp(self.name_of_raw(b)))
        });
        self.pos = points.iter().map(|&(p, _)| p).collect();
        self.hi = points.iter().map(|&(p, _)| (p >> 64) as u64).collect();
        self.owner = points.iter().map(|&(_, o)| o).collect();
        drop(points);
        self.rebuild_derived();
    }

    /// Drop `id`'s points in one compaction pass.
    fn remove_points(&mut self, id: ServerId) {
        let mut w = 0;
        for r in 0..self.pos.len() {
            if self.owner[r] != id.0 {
                self.pos[w] = self.pos[r];
                self.hi[w] = self.hi[r];
                self.owner[w] = self.owner[r];
                w += 1;
            }
        }
        self.pos.truncate(w);
        self.hi.truncate(w);
        self.owner.truncate(w);
        self.rebuild_derived();
    }

    fn rebuild_derived(&mut self) {
        self.rebuild_index();
        self.rebuild_gaps();
    }

    /// Prefix table with about 2..4 points per bucket: a bucket's points share one or
    /// two cache lines of `hi`, and the table stays small enough to rebuild quickly.
    fn rebuild_index(&mut self) {
        let n = self.hi.len();
        let bits = if n <= 8 {
            1
        } else {
            (usize::BITS - (n - 1).leading_zeros() - 2).min(MAX_INDEX_BITS)
        };
        let shift = 64 - bits;
        self.shift = shift;
        self.index.clear();
        // Buckets past the last point start at n.
        self.index.resize((1usize << bits) + 1, n as u32);
        let mut next = 0; // first bucket whose start is not yet known
        for (i, &h) in self.hi.iter().enumerate() {
            let bucket = (h >> shift) as usize;
            if bucket >= next {
                self.index[next..=bucket].fill(i as u32);
                next = bucket + 1;
            }
        }
    }

    /// For each point, the clockwise distance back to the previous point of its owner.
    fn rebuild_gaps(&mut self) {
        let n = self.owner.len();
        self.gap.clear();
        self.gap.resize(n, 0);
        let mut last = vec![0usize; self.members.len()];
        for (i, &o) in self.owner.iter().enumerate() {
            last[o as usize] = i;
        }
        for (i, &o) in self.owner.iter().enumerate() {
            let p = last[o as usize];
            let gap = match p.cmp(&i) {
                std::cmp::Ordering::Equal => n,
                std::cmp::Ordering::Less => i - p,
                std::cmp::Ordering::Greater => i + n - p,
            };
            self.gap[i] = gap as u32;
            last[o as usize] = i;
        }
    }

    /// Index of the first point with position strictly greater than `hash`, wrapping
    /// to 0 (Python's `bisect_right`). The ring must not be empty.
    #[inline]
    fn successor(&self, hash: Position) -> usize {
        let key_hi = (hash >> 64) as u64;
        let bucket = (key_hi >> self.shift) as usize;
        let (start, end) = (self.index[bucket] as usize, self.index[bucket + 1] as usize);
        // Points before `end` are in this bucket; those from `end` on have larger top bits.
        // A branchless search: how many of the bucket's few points vary from key to key,
        // so a loop's exit would be mispredicted on most lookups.
        let mut i = start + self.hi[start..end].partition_point(|&h| h < key_hi);
        // Equal top 64 bits: decide on the full 128 bits (rare, touches `pos` only then).
        let n = self.hi.len();
        while i < n && self.hi[i] == key_hi && self.pos[i] <= hash {
            i += 1;
        }
        if i == n { 0 } else { i }
    }

    /// Test helper: add a member whose points are the given raw positions.
    #[cfg(test)]
    fn insert_raw(&mut self, server: &str, points: &[Position]) -> ServerId {
        let id = self.register(server, 1.0);
        self.insert_points(id, points.to_vec());
        id
    }
}

/// Virtual node count for a server of `weight` on a ring of `vnodes` per server that
/// already holds `points` points, validated.
fn vnode_count(vnodes: u32, points: usize, weight: f64) -> Result<u32, RingError> {
    if !weight.is_finite() || weight <= 0.0 {
        return Err(RingError::InvalidWeight(weight));
    }
    let count = (f64::from(vnodes) * weight).round().max(1.0);
    if count > f64::from(MAX_VNODES) {
        // Saturating float-to-int cast: exact enough for an error message.
        return Err(RingError::TooManyVnodes(count as u64));
    }
    let count = count as u32;
    let total = points as u64 + u64::from(count);
    if total > u64::from(u32::MAX) {
        return Err(RingError::TooManyVnodes(total));
    }
    Ok(count)
}

/// Builds a ring from many servers at once: each [`add`](Self::add) hashes the server's
/// points and appends them, [`build`](Self::build) sorts all of them once. O(P log P) for
/// P points, where adding servers one by one to a [`HashRing`] costs O(P) each.
///
/// The result is the ring that adding the same servers one by one gives (ids in the
/// order added), since the mapping never depends on insertion order. A caller building a
/// huge ring can report progress or stop between two `add`s.
///
/// ```
/// use ringside::patterns::ring::{HashRing, RingBuilder};
///
/// let mut builder = RingBuilder::new(150)?;
/// for i in 0..1000 {
///     builder.add(&format!("server-{i}"))?;
/// }
/// builder.add_weighted("big", 2.0)?;
/// assert_eq!(builder.len(), 1001);
/// let ring = builder.build();
/// assert_eq!(ring.point_count(), 1000 * 150 + 300);
///
/// // The same ring as adding the servers one by one, in any order.
/// let mut one_by_one = HashRing::new(150)?;
/// one_by_one.add_weighted("big", 2.0)?;
/// for i in (0..1000).rev() {
///     one_by_one.add(&format!("server-{i}"))?;
/// }
/// for key in ["user:1", "user:2", "session:abc"] {
///     assert_eq!(ring.owner(key), one_by_one.owner(key));
/// }
/// # Ok::<(), ringside::patterns::ring::RingError>(())
/// ```
#[derive(Debug, Clone)]
pub struct RingBuilder {
    /// Members registered so far; its point arrays stay empty until `build`.
    ring: HashRing,
    /// Every member's points, unsorted, as (position, owner id).
    points: Vec<(Position, u32)>,
}

impl RingBuilder {
    /// An empty builder giving each server of weight 1.0 `vnodes` virtual nodes.
    pub fn new(vnodes: u32) -> Result<Self, RingError> {
        Ok(RingBuilder {
            ring: HashRing::new(vnodes)?,
            points: Vec::new(),
        })
    }

    /// Add a server with weight 1.0; same errors as [`HashRing::add`].
    pub fn add(&mut self, server: &str) -> Result<ServerId, RingError> {
        self.add_weighted(server, 1.0)
    }

    /// Add a server whose vnode count is `round(vnodes * weight)` (at least 1); same
    /// errors as [`HashRing::add_weighted`].
    pub fn add_weighted(&mut self, server: &str, weight: f64) -> Result<ServerId, RingError> {
        let count = self.ring.admit(server, weight, self.points.len())?;
        let id = self.ring.register(server, weight);
        self.points.extend(
            vnode_positions(server, count)
                .into_iter()
                .map(|p| (p, id.0)),
        );
        Ok(id)
    }

    /// Number of servers added.
    pub fn len(&self) -> usize {
        self.ring.len()
    }

    /// True when no server was added.
    pub fn is_empty(&self) -> bool {
        self.ring.is_empty()
    }

    /// The ring: all points sorted once by (position, server name).
    pub fn build(self) -> HashRing {
        let RingBuilder { mut ring, points } = self;
        ring.set_points(points);
        ring
    }
}

/// Iterator over up to `n` distinct owners clockwise; see [`HashRing::owners_of_hash`].
/// Yields `(id, name)`.
///
/// The distinct servers after a key, clockwise: where to put its replicas.
///
/// ```
/// use ringside::patterns::ring::HashRing;
///
/// let ring = HashRing::with_servers(100, ["a", "b", "c"])?;
/// let replicas: Vec<&str> = ring.owners("user:42", 2).map(|(_, name)| name).collect();
/// assert_eq!(replicas.len(), 2);
/// assert_eq!(Some(replicas[0]), ring.owner("user:42")); // the owner comes first
/// assert_ne!(replicas[0], replicas[1]);
/// assert_eq!(ring.owners("user:42", 10).count(), 3); // at most every server once
/// # Ok::<(), ringside::patterns::ring::RingError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Owners<'a> {
    ring: &'a HashRing,
    /// Next point to look at.
    idx: usize,
    /// Points already looked at in this lap.
    step: usize,
    /// Owners still to yield (already capped at the number of servers).
    remaining: usize,
}

impl<'a> Iterator for Owners<'a> {
    type Item = (ServerId, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        let ring = self.ring;
        let n = ring.owner.len();
        while self.remaining > 0 && self.step < n {
            let i = self.idx;
            self.idx = if i + 1 == n { 0 } else { i + 1 };
            let step = self.step;
            self.step += 1;
            // The owner's previous point lies before the lap's start: first sighting.
            if ring.gap[i] as usize > step {
                self.remaining -= 1;
                let id = ring.owner[i];
                return Some((ServerId(id), ring.name_of_raw(id)));
            }
        }
        None
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        // Exact: every server not yet yielded still has a point later in the lap.
        (self.remaining, Some(self.remaining))
    }
}

impl ExactSizeIterator for Owners<'_> {}
impl FusedIterator for Owners<'_> {}

#[cfg(test)]
mod tests;

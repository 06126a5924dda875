//! Consistent-hash ring with virtual nodes.
//!
//! Mapping (identical to the tutorial's Python `ConsistentHashRing`): server `s` with
//! `v` virtual nodes owns the points `md5("{s}:{i}")` for `i in 0..v`, each read as a
//! big-endian 128-bit integer. A key's owner is the server of the first point whose
//! position is strictly greater than `md5(key)`, wrapping around. Equal positions are
//! ordered by server name so the mapping never depends on insertion order.
//!
//! STUB: signatures are the contract; bodies are being implemented.

use thiserror::Error;

/// Default number of virtual nodes per server (weight 1.0).
pub const DEFAULT_VNODES: u32 = 150;

/// Position on the ring: an MD5 digest read as a big-endian 128-bit integer.
pub type Position = u128;

/// Stable small identifier of a server while it is a member of a ring.
/// Ids are dense indices (reused after removal, lowest free first), suitable for
/// indexing per-server tables kept by callers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ServerId(pub u32);

/// Errors from ring operations. Bad input never panics.
#[derive(Debug, Clone, PartialEq, Error)]
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
}

/// MD5 of `key` as a big-endian 128-bit integer: the key's position on the ring.
pub fn hash_key(key: &str) -> Position {
    let _ = key;
    todo!()
}

/// A consistent-hash ring.
#[derive(Debug, Clone)]
pub struct HashRing {
    _private: (),
}

impl HashRing {
    /// An empty ring giving each server of weight 1.0 `vnodes` virtual nodes.
    pub fn new(vnodes: u32) -> Result<Self, RingError> {
        let _ = vnodes;
        todo!()
    }

    /// A ring with `servers` added (weight 1.0 each).
    pub fn with_servers<I, S>(vnodes: u32, servers: I) -> Result<Self, RingError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let _ = (vnodes, servers.into_iter().count());
        todo!()
    }

    /// Virtual nodes per server of weight 1.0.
    pub fn vnodes(&self) -> u32 {
        todo!()
    }

    /// Add a server with weight 1.0. Touches only its own points.
    pub fn add(&mut self, server: &str) -> Result<ServerId, RingError> {
        self.add_weighted(server, 1.0)
    }

    /// Add a server whose vnode count is `round(vnodes * weight)` (at least 1).
    pub fn add_weighted(&mut self, server: &str, weight: f64) -> Result<ServerId, RingError> {
        let _ = (server, weight);
        todo!()
    }

    /// Change a member's weight (its points are recomputed; only its own keys move).
    pub fn set_weight(&mut self, server: &str, weight: f64) -> Result<(), RingError> {
        let _ = (server, weight);
        todo!()
    }

    /// Remove a server and only its points.
    pub fn remove(&mut self, server: &str) -> Result<ServerId, RingError> {
        let _ = server;
        todo!()
    }

    /// Whether `server` is a member.
    pub fn contains(&self, server: &str) -> bool {
        let _ = server;
        todo!()
    }

    /// Id of a member.
    pub fn id_of(&self, server: &str) -> Option<ServerId> {
        let _ = server;
        todo!()
    }

    /// Name of a member by id.
    pub fn name(&self, id: ServerId) -> Option<&str> {
        let _ = id;
        todo!()
    }

    /// Weight of a member.
    pub fn weight(&self, server: &str) -> Option<f64> {
        let _ = server;
        todo!()
    }

    /// Number of servers.
    pub fn len(&self) -> usize {
        todo!()
    }

    /// True when the ring has no servers.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Members as (id, name), sorted by name.
    pub fn servers(&self) -> Vec<(ServerId, &str)> {
        todo!()
    }

    /// Total number of points (virtual nodes) on the ring.
    pub fn point_count(&self) -> usize {
        todo!()
    }

    /// Owner of `key` (hashes it with MD5). `None` on an empty ring.
    pub fn owner(&self, key: &str) -> Option<&str> {
        self.owner_id(hash_key(key)).and_then(|id| self.name(id))
    }

    /// Owner of a pre-hashed key. No allocation.
    pub fn owner_id(&self, hash: Position) -> Option<ServerId> {
        let _ = hash;
        todo!()
    }

    /// Up to `n` distinct owners of `key`, clockwise from its position, starting with
    /// [`owner`](Self::owner). Empty when `n == 0` or the ring is empty.
    pub fn owners(&self, key: &str, n: usize) -> Owners<'_> {
        self.owners_of(hash_key(key), n)
    }

    /// Up to `n` distinct owners of a pre-hashed key. The iterator does not allocate.
    pub fn owners_of(&self, hash: Position, n: usize) -> Owners<'_> {
        let _ = (hash, n);
        todo!()
    }

    /// Each member's exact share of the hash space (fraction in 0..=1, sums to 1),
    /// as (id, share) sorted by name.
    pub fn shares(&self) -> Vec<(ServerId, f64)> {
        todo!()
    }

    /// All points in clockwise order as (position, owner id), for drawing.
    pub fn points(&self) -> impl Iterator<Item = (Position, ServerId)> + '_ {
        std::iter::empty()
    }

    /// Fraction of `hashes` whose owner (by name) differs between `before` and `after`.
    /// 0.0 for an empty key set.
    pub fn moved_fraction(before: &HashRing, after: &HashRing, hashes: &[Position]) -> f64 {
        let _ = (before, after, hashes);
        todo!()
    }
}

/// Iterator over up to `n` distinct owners clockwise; see [`HashRing::owners_of`].
/// Yields `(id, name)`.
#[derive(Debug, Clone)]
pub struct Owners<'a> {
    _ring: &'a HashRing,
}

impl<'a> Iterator for Owners<'a> {
    type Item = (ServerId, &'a str);
    fn next(&mut self) -> Option<Self::Item> {
        todo!()
    }
}

//! Six ways to choose which servers own a key, behind one API, so that a comparison can
//! run any of them by name ([`Algorithm`]) on the same keys and membership changes.
//!
//! | name | algorithm | lookup | replicas |
//! |---|---|---|---|
//! | `ring` | md5 virtual-node ring ([`HashRing`]) | binary search | next distinct clockwise |
//! | `jump` | Lamping & Veach jump hash ([`jump`]) | O(log N), no memory | next buckets |
//! | `rendezvous` | highest random weight ([`rendezvous`]) | N hashes | N highest scores |
//! | `maglev` | Maglev lookup table ([`maglev`]) | one table read | next distinct in the table |
//! | `multi-probe` | multi-probe consistent hashing ([`multi_probe`]) | K hashes | next points clockwise |
//! | `bounded-load` | bounded loads on the ring ([`bounded_load`]) | ring walk, stateful | rest of the walk |
//!
//! Hashes, all MD5 ([`h128`]): `h64(s)` is the first 8 bytes of MD5(s) as a big-endian
//! `u64` ([`h64`]), `h64b(s)` the last 8 ([`h64b`]). A key is hashed once ([`Key`]); `ring`,
//! `jump`, `maglev` and `bounded-load` read only that hash, `rendezvous` and
//! `multi-probe` hash the key again with each server or probe.
//!
//! Servers are identified by their index in [`Hashing::servers`], the order they were
//! given or joined in. Everything here is pure: no clock, no I/O.
//!
//! ```
//! use ringside::patterns::hashing::{Algorithm, Hashing, Key, Params};
//!
//! let algorithm: Algorithm = "maglev".parse()?;
//! let mut hashing = Hashing::new(algorithm, &Params::default(), ["a", "b", "c"])?;
//! let mut owners = Vec::new();
//! hashing.owners(Key::new(b"user:42"), 2, &mut owners);
//! assert_eq!(owners.len(), 2);
//! assert_ne!(owners[0], owners[1]);
//! hashing.remove("b")?;
//! assert_eq!(hashing.servers().len(), 2);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::str::FromStr;

use thiserror::Error;

use super::ring::{DEFAULT_VNODES, HashRing, Position, RingError};

pub mod bounded_load;
mod digest;
pub mod jump;
pub mod maglev;
pub mod multi_probe;
pub mod rendezvous;
pub mod ring;

pub use bounded_load::DEFAULT_BALANCE_FACTOR;
pub use digest::{h64, h64b, h128};
pub use maglev::{DEFAULT_TABLE_SIZE, MAX_TABLE_SIZE};
pub use multi_probe::DEFAULT_PROBES;

/// A hashing algorithm, by name.
///
/// ```
/// use ringside::patterns::hashing::Algorithm;
///
/// let a: Algorithm = "maglev".parse()?;
/// assert_eq!(a.name(), "maglev");
/// assert!("chord".parse::<Algorithm>().is_err());
/// # Ok::<(), ringside::patterns::hashing::HashingError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// The md5 virtual-node ring (the default).
    Ring,
    /// Jump consistent hash.
    Jump,
    /// Rendezvous (highest random weight) hashing.
    Rendezvous,
    /// Maglev's lookup table.
    Maglev,
    /// Multi-probe consistent hashing.
    MultiProbe,
    /// Consistent hashing with bounded loads.
    BoundedLoad,
}

impl Algorithm {
    /// Every algorithm, the default first.
    pub const ALL: [Algorithm; 6] = [
        Algorithm::Ring,
        Algorithm::Jump,
        Algorithm::Rendezvous,
        Algorithm::Maglev,
        Algorithm::MultiProbe,
        Algorithm::BoundedLoad,
    ];

    /// The name it is chosen by: `ring`, `jump`, `rendezvous`, `maglev`, `multi-probe`,
    /// `bounded-load`.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Ring => "ring",
            Algorithm::Jump => "jump",
            Algorithm::Rendezvous => "rendezvous",
            Algorithm::Maglev => "maglev",
            Algorithm::MultiProbe => "multi-probe",
            Algorithm::BoundedLoad => "bounded-load",
        }
    }

    /// Whether it places keys on virtual nodes (and so reads [`Params::vnodes`]).
    pub fn uses_vnodes(self) -> bool {
        matches!(self, Algorithm::Ring | Algorithm::BoundedLoad)
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Algorithm {
    type Err = HashingError;

    fn from_str(name: &str) -> Result<Self, HashingError> {
        Algorithm::ALL
            .into_iter()
            .find(|a| a.name() == name)
            .ok_or_else(|| HashingError::UnknownAlgorithm(name.to_owned()))
    }
}

/// The comma-separated names of every algorithm, for messages.
fn algorithm_names() -> String {
    Algorithm::ALL.map(Algorithm::name).join(", ")
}

/// Every algorithm's parameters; each algorithm reads only its own.
///
/// ```
/// use ringside::patterns::hashing::{Algorithm, Params};
///
/// let p = Params { table_size: 10, ..Params::default() };
/// assert!(p.validate(Algorithm::Maglev).is_err()); // 10 is not prime
/// assert!(p.validate(Algorithm::Jump).is_ok()); // jump reads no parameter
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// Virtual nodes per server (`ring`, `bounded-load`).
    pub vnodes: u32,
    /// Table size M, prime (`maglev`).
    pub table_size: u64,
    /// Probes per key K (`multi-probe`).
    pub probes: u32,
    /// Balance factor ε (`bounded-load`).
    pub balance_factor: f64,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            vnodes: DEFAULT_VNODES,
            table_size: DEFAULT_TABLE_SIZE,
            probes: DEFAULT_PROBES,
            balance_factor: DEFAULT_BALANCE_FACTOR,
        }
    }
}

/// Largest number of probes accepted (each costs one MD5 per lookup).
pub const MAX_PROBES: u32 = 1 << 16;

impl Params {
    /// Check the parameters `algorithm` reads.
    pub fn validate(&self, algorithm: Algorithm) -> Result<(), HashingError> {
        match algorithm {
            Algorithm::Ring | Algorithm::BoundedLoad => {
                HashRing::new(self.vnodes)?;
            }
            Algorithm::Maglev => {
                let m = self.table_size;
                if m > MAX_TABLE_SIZE || !maglev::is_prime(m) {
                    return Err(HashingError::TableSize(m));
                }
            }
            Algorithm::MultiProbe if self.probes == 0 || self.probes > MAX_PROBES => {
                return Err(HashingError::Probes(self.probes));
            }
            _ => {}
        }
        let eps = self.balance_factor;
        if algorithm == Algorithm::BoundedLoad && !(eps.is_finite() && eps >= 0.0) {
            return Err(HashingError::BalanceFactor(eps));
        }
        Ok(())
    }
}

/// A key and its MD5, hashed once and read by every algorithm.
///
/// ```
/// use ringside::patterns::hashing::{Algorithm, Hashing, Key, Params};
/// use ringside::patterns::ring::hash_key;
///
/// // Hashed once, here or beforehand: the same key either way.
/// let mut h = Hashing::new(Algorithm::Rendezvous, &Params::default(), ["a", "b"])?;
/// let owner = h.owner(Key::new(b"user:42"));
/// assert_eq!(owner, h.owner(Key::hashed(b"user:42", hash_key("user:42"))));
/// # Ok::<(), ringside::patterns::hashing::HashingError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key<'a> {
    bytes: &'a [u8],
    hash: Position,
}

impl<'a> Key<'a> {
    /// `bytes`, hashed now.
    pub fn new(bytes: &'a [u8]) -> Self {
        Key::hashed(bytes, h128(bytes))
    }

    /// `bytes` whose [`h128`] is already known (e.g. from
    /// [`hash_many`](super::ring::hash_many)).
    pub fn hashed(bytes: &'a [u8], hash: Position) -> Self {
        Key { bytes, hash }
    }

    /// `h64(key)`.
    fn h64(&self) -> u64 {
        (self.hash >> 64) as u64
    }
}

/// Errors from building or changing a [`Hashing`]. Bad input never panics.
///
/// ```
/// use ringside::patterns::hashing::{Algorithm, Hashing, HashingError, Params};
///
/// let err = Hashing::new(Algorithm::Ring, &Params::default(), ["a", "a"]).unwrap_err();
/// assert!(matches!(err, HashingError::Ring(_)));
/// ```
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum HashingError {
    /// No algorithm has this name.
    #[error("unknown hashing algorithm '{0}' (valid: {names})", names = algorithm_names())]
    UnknownAlgorithm(String),
    /// Maglev's table size must be a prime no larger than [`maglev::MAX_TABLE_SIZE`].
    #[error("table size must be a prime number at most {MAX_TABLE_SIZE}, got {0}")]
    TableSize(u64),
    /// Multi-probe needs 1 to [`MAX_PROBES`] probes.
    #[error("probes must be between 1 and {MAX_PROBES}, got {0}")]
    Probes(u32),
    /// The balance factor must be finite and at least 0.
    #[error("balance factor must be a finite number at least 0, got {0}")]
    BalanceFactor(f64),
    /// A ring error: a bad vnode count, a duplicate, unknown or empty server name.
    #[error(transparent)]
    Ring(#[from] RingError),
}

/// An algorithm's state over the current servers.
#[derive(Debug, Clone, PartialEq)]
enum State {
    Ring(ring::VnodeRing),
    Jump,
    Rendezvous,
    Maglev(maglev::Maglev),
    MultiProbe(multi_probe::MultiProbe),
    BoundedLoad(ring::VnodeRing, bounded_load::BoundedLoad),
}

/// One algorithm over a list of servers: the owners of a key, with N replicas, and
/// membership changes.
///
/// Every algorithm but `bounded-load` is a pure function of the servers and the key;
/// `bounded-load` counts the keys it places, so [`owners`](Self::owners) takes `&mut self`.
/// A membership change rebuilds the algorithm's state (ring points, Maglev table, probe
/// circle); `bounded-load` keeps the remaining servers' counts.
///
/// ```
/// use ringside::patterns::hashing::{Algorithm, Hashing, Key, Params};
///
/// let mut h = Hashing::new(Algorithm::Jump, &Params::default(), ["a", "b", "c"])?;
/// let mut owners = Vec::new();
/// h.owners(Key::new(b"user:42"), 2, &mut owners);
/// assert_eq!(owners.len(), 2);
/// assert_ne!(owners[0], owners[1]);
/// h.remove("a")?; // jump: the last server takes the removed one's slot
/// assert_eq!(h.servers().len(), 2);
/// # Ok::<(), ringside::patterns::hashing::HashingError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Hashing {
    algorithm: Algorithm,
    params: Params,
    servers: Vec<Box<str>>,
    state: State,
}

impl Hashing {
    /// `algorithm` over `servers`, in order. Errors on a bad parameter of this algorithm
    /// or a duplicate or empty server name.
    pub fn new<I, S>(
        algorithm: Algorithm,
        params: &Params,
        servers: I,
    ) -> Result<Self, HashingError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        params.validate(algorithm)?;
        let mut list: Vec<Box<str>> = Vec::new();
        for server in servers {
            check_new(&list, server.as_ref())?;
            list.push(server.as_ref().into());
        }
        let counts = bounded_load::BoundedLoad::new(list.len(), params.balance_factor);
        let mut hashing = Hashing {
            algorithm,
            params: *params,
            servers: list,
            state: State::Jump,
        };
        hashing.rebuild(counts)?;
        Ok(hashing)
    }

    /// The algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The servers; owners are indices into this list.
    pub fn servers(&self) -> &[Box<str>] {
        &self.servers
    }

    /// The md5 ring underneath, for `ring` and `bounded-load`.
    pub fn ring(&self) -> Option<&HashRing> {
        match &self.state {
            State::Ring(r) | State::BoundedLoad(r, _) => Some(r.ring()),
            _ => None,
        }
    }

    /// Keys counted on each server, for `bounded-load`.
    pub fn loads(&self) -> Option<&[u64]> {
        match &self.state {
            State::BoundedLoad(_, b) => Some(b.counts()),
            _ => None,
        }
    }

    /// A server joins at the end of the list.
    pub fn add(&mut self, server: &str) -> Result<(), HashingError> {
        check_new(&self.servers, server)?;
        self.servers.push(server.into());
        let mut counts = self.take_counts();
        counts.push_server();
        self.rebuild(counts)
    }

    /// A server leaves. The others keep their order, except under `jump`, where the last
    /// server takes the leaving one's index (see [`jump`] for what that costs).
    pub fn remove(&mut self, server: &str) -> Result<(), HashingError> {
        let index = self
            .servers
            .iter()
            .position(|s| &**s == server)
            .ok_or_else(|| RingError::UnknownServer(server.to_owned()))?;
        let mut counts = self.take_counts();
        if self.algorithm == Algorithm::Jump {
            self.servers.swap_remove(index);
        } else {
            self.servers.remove(index);
            counts.remove_server(index);
        }
        self.rebuild(counts)
    }

    /// For `bounded-load`: one key placed on server `index` is gone; others: nothing.
    pub fn release(&mut self, index: usize) {
        if let State::BoundedLoad(_, b) = &mut self.state {
            b.release(index);
        }
    }

    /// Up to `n` owners of `key` (fewer when there are fewer servers), the owner first,
    /// appended to `out` as indices into [`servers`](Self::servers). Under `bounded-load`
    /// this places the key: the owner's count grows by one.
    pub fn owners(&mut self, key: Key<'_>, n: usize, out: &mut Vec<usize>) {
        let n = n.min(self.servers.len());
        match &mut self.state {
            State::BoundedLoad(r, b) if n > 0 => b.place(r, key.hash, n, out),
            _ => self.lookup(key, n, out),
        }
    }

    /// [`owners`](Self::owners) without placing anything: the same answer for every
    /// algorithm but `bounded-load`, which gives its ring's owners clockwise (where the
    /// key goes while no server is full) and counts nothing.
    ///
    /// ```
    /// use ringside::patterns::hashing::{Algorithm, Hashing, Key, Params};
    ///
    /// let mut h = Hashing::new(Algorithm::Maglev, &Params::default(), ["a", "b", "c"])?;
    /// let (mut looked, mut placed) = (Vec::new(), Vec::new());
    /// h.lookup(Key::new(b"user:42"), 3, &mut looked);
    /// h.owners(Key::new(b"user:42"), 3, &mut placed);
    /// assert_eq!(looked, placed);
    /// # Ok::<(), ringside::patterns::hashing::HashingError>(())
    /// ```
    pub fn lookup(&self, key: Key<'_>, n: usize, out: &mut Vec<usize>) {
        let n = n.min(self.servers.len());
        if n == 0 {
            return;
        }
        match &self.state {
            State::Ring(r) | State::BoundedLoad(r, _) => r.owners(key.hash, n, out),
            State::Jump => jump::owners(key.h64(), self.servers.len() as u32, n, out),
            State::Rendezvous => rendezvous::owners(&self.servers, key.bytes, n, out),
            State::Maglev(m) => m.owners(key.h64(), n, out),
            State::MultiProbe(p) => p.owners(&self.servers, key.bytes, n, out),
        }
    }

    /// The owner of `key` (see [`owners`](Self::owners)); `None` without servers.
    pub fn owner(&mut self, key: Key<'_>) -> Option<usize> {
        let mut out = Vec::with_capacity(1);
        self.owners(key, 1, &mut out);
        out.first().copied()
    }

    /// The bounded-load counts, taken out before a membership change.
    fn take_counts(&mut self) -> bounded_load::BoundedLoad {
        match std::mem::replace(&mut self.state, State::Jump) {
            State::BoundedLoad(_, b) => b,
            _ => bounded_load::BoundedLoad::new(self.servers.len(), self.params.balance_factor),
        }
    }

    /// The state over the current servers (`counts` kept for `bounded-load`).
    fn rebuild(&mut self, counts: bounded_load::BoundedLoad) -> Result<(), HashingError> {
        let servers = &self.servers;
        let p = &self.params;
        self.state = match self.algorithm {
            Algorithm::Ring => State::Ring(ring::VnodeRing::new(servers, p.vnodes)?),
            Algorithm::Jump => State::Jump,
            Algorithm::Rendezvous => State::Rendezvous,
            Algorithm::Maglev => State::Maglev(maglev::Maglev::new(servers, p.table_size)),
            Algorithm::MultiProbe => {
                State::MultiProbe(multi_probe::MultiProbe::new(servers, p.probes))
            }
            Algorithm::BoundedLoad => {
                State::BoundedLoad(ring::VnodeRing::new(servers, p.vnodes)?, counts)
            }
        };
        Ok(())
    }
}

/// Refuse an empty name or one already in `servers`.
fn check_new(servers: &[Box<str>], server: &str) -> Result<(), RingError> {
    if server.is_empty() {
        return Err(RingError::EmptyName);
    }
    if servers.iter().any(|s| &**s == server) {
        return Err(RingError::DuplicateServer(server.to_owned()));
    }
    Ok(())
}

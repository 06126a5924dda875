//! Consistent hashing with bounded loads: V. Mirrokni, M. Thorup and M. Zadimoghaddam,
//! "Consistent Hashing with Bounded Loads" (SODA 2018, <https://arxiv.org/abs/1608.01350>),
//! on the md5 virtual-node ring.
//!
//! Keys are placed one at a time, in the order they are looked up. With m keys placed
//! including this one and N servers, the capacity is `ceil((1.0 + ε) × m / N)`, computed
//! in `f64` exactly in that order; the key goes to the first distinct server clockwise
//! from its position whose count is below the capacity, and that server's count grows by
//! one. No server ever holds more than the capacity; with ε = 0.25 the peak-to-mean load
//! is at most 1.25 (plus rounding).
//!
//! m is the number of keys currently counted: those placed minus those
//! [`release`](BoundedLoad::release)d and those of removed servers (so a caller tracking
//! live load releases a key when its request ends; a caller placing a fixed key set never
//! releases).
//!
//! Replicas: the owner, then the servers after it in the clockwise walk (wrapping round to
//! those skipped as full); only the owner is counted.

use super::ring::VnodeRing;
use crate::patterns::ring::Position;

/// Default balance factor ε: capacity is 1.25 times the mean load.
pub const DEFAULT_BALANCE_FACTOR: f64 = 0.25;

/// The capacity with `m` keys placed (this one included) over `n` servers.
pub fn capacity(balance_factor: f64, m: u64, n: usize) -> f64 {
    ((1.0 + balance_factor) * m as f64 / n as f64).ceil()
}

/// Per-server counts and the balance factor (the ring is kept by the caller).
///
/// ```
/// use ringside::patterns::hashing::bounded_load::{BoundedLoad, capacity};
///
/// let loads = BoundedLoad::new(3, 0.25);
/// assert_eq!(loads.counts(), &[0, 0, 0]);
/// assert_eq!(capacity(0.25, 4, 2), 3.0); // ceil(1.25 × 4 / 2)
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct BoundedLoad {
    /// Keys counted on each server, by index.
    counts: Vec<u64>,
    /// ε.
    balance_factor: f64,
}

impl BoundedLoad {
    /// No key placed yet on `servers` servers.
    pub fn new(servers: usize, balance_factor: f64) -> Self {
        BoundedLoad {
            counts: vec![0; servers],
            balance_factor,
        }
    }

    /// Keys counted on each server, by index.
    pub fn counts(&self) -> &[u64] {
        &self.counts
    }

    /// A server joined (at the end of the list): it starts empty.
    pub fn push_server(&mut self) {
        self.counts.push(0);
    }

    /// Server `index` left: its keys are no longer counted.
    pub fn remove_server(&mut self, index: usize) {
        if index < self.counts.len() {
            self.counts.remove(index);
        }
    }

    /// One key placed on `index` is gone (its request ended): uncount it.
    pub fn release(&mut self, index: usize) {
        if let Some(count) = self.counts.get_mut(index) {
            *count = count.saturating_sub(1);
        }
    }

    /// Place the key at `hash`: up to `n` owners appended to `out`, the first counted.
    pub fn place(&mut self, ring: &VnodeRing, hash: Position, n: usize, out: &mut Vec<usize>) {
        let servers = self.counts.len();
        if servers == 0 || n == 0 {
            return;
        }
        let m = self.counts.iter().sum::<u64>() + 1;
        let capacity = capacity(self.balance_factor, m, servers);
        let start = out.len();
        ring.owners(hash, servers, out);
        let walk = &mut out[start..];
        // Some server is below capacity: the counts sum to m − 1 < m ≤ N × capacity.
        let owner = walk
            .iter()
            .position(|&s| (self.counts[s] as f64) < capacity)
            .unwrap_or(0);
        walk.rotate_left(owner);
        self.counts[walk[0]] += 1;
        out.truncate(start + n.min(servers));
    }
}

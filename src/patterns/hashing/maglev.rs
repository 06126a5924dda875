//! Maglev hashing: D. E. Eisenbud et al., "Maglev: A Fast and Reliable Software Network
//! Load Balancer" (NSDI 2016), section 3.4.
//!
//! A lookup table of prime size M: server i prefers the slots `(offset + j·skip) mod M`
//! for j = 0, 1, … with offset = `h64(name) mod M` and skip = `h64b(name) mod (M − 1) + 1`.
//! The table is filled as in the paper's Pseudocode 1: round-robin over the servers in
//! order, each taking its next preferred slot still empty, until every slot is taken.
//! Every server then holds ⌊M/N⌋ or ⌈M/N⌉ slots. A key goes to `entry[h64(key) mod M]`.
//!
//! Replicas: the paper defines one owner; the next owners are the next distinct servers
//! met walking the table forward from the key's slot (wrapping).
//!
//! A membership change rebuilds the table (O(M log M) expected); the paper shows that
//! only a little more than the ideal fraction of keys moves.

use super::digest::{h64, h64b};

/// Default table size: the paper's smaller example size, a prime.
pub const DEFAULT_TABLE_SIZE: u64 = 65537;

/// Largest table size accepted (the table holds one `u32` per slot).
pub const MAX_TABLE_SIZE: u64 = 1 << 24;

/// Whether `m` is prime (trial division; `m` is at most [`MAX_TABLE_SIZE`] in practice).
pub fn is_prime(m: u64) -> bool {
    m >= 2
        && (2..)
            .take_while(|d: &u64| d * d <= m)
            .all(|d| !m.is_multiple_of(d))
}

/// A filled Maglev lookup table.
///
/// ```
/// use ringside::patterns::hashing::maglev::Maglev;
///
/// let servers: Vec<Box<str>> = vec!["a".into(), "b".into()];
/// let table = Maglev::new(&servers, 7);
/// assert_eq!(table.entries().len(), 7);
/// assert!(table.entries().iter().all(|&e| e < 2));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Maglev {
    /// `entry[slot]` = index of the owning server; empty when there are no servers.
    entry: Vec<u32>,
    /// Table size M.
    size: u64,
}

impl Maglev {
    /// The table of size `size` (prime, checked by the caller) for `servers` in order.
    pub fn new(servers: &[Box<str>], size: u64) -> Self {
        let m = size as usize;
        if servers.is_empty() {
            return Maglev {
                entry: Vec::new(),
                size,
            };
        }
        // Each server's current preferred slot and step (the permutation, lazily).
        let mut slot: Vec<u64> = servers.iter().map(|s| h64(s.as_bytes()) % size).collect();
        let skip: Vec<u64> = servers
            .iter()
            .map(|s| h64b(s.as_bytes()) % (size - 1) + 1)
            .collect();
        const EMPTY: u32 = u32::MAX;
        let mut entry = vec![EMPTY; m];
        let mut filled = 0;
        'fill: loop {
            for i in 0..servers.len() {
                // skip is in 1..M and M is prime: the walk visits every slot, so an
                // empty one is found while the table is not full.
                while entry[slot[i] as usize] != EMPTY {
                    slot[i] = (slot[i] + skip[i]) % size;
                }
                entry[slot[i] as usize] = i as u32;
                slot[i] = (slot[i] + skip[i]) % size;
                filled += 1;
                if filled == m {
                    break 'fill;
                }
            }
        }
        Maglev { entry, size }
    }

    /// The table: `entry[slot]` is the index of the server owning the slot.
    pub fn entries(&self) -> &[u32] {
        &self.entry
    }

    /// Up to `n` distinct owners of a key whose `h64` is `key`, appended to `out`.
    pub fn owners(&self, key: u64, n: usize, out: &mut Vec<usize>) {
        if self.entry.is_empty() || n == 0 {
            return;
        }
        let start = (key % self.size) as usize;
        let first = out.len();
        let table = self.entry[start..].iter().chain(&self.entry[..start]);
        for &owner in table {
            let owner = owner as usize;
            if !out[first..].contains(&owner) {
                out.push(owner);
                if out.len() - first == n {
                    return;
                }
            }
        }
    }
}

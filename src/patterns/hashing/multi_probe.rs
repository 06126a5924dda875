//! Multi-probe consistent hashing: B. Appleton and M. O'Reilly, "Multi-Probe Consistent
//! Hashing" (2015, <https://arxiv.org/abs/1505.00062>).
//!
//! Each server is one point `h64(name)` on a 2^64 circle. A key makes K probes,
//! probe j at `h64("{key}#{j}")` for j in 0..K; each probe's owner is the first server
//! point strictly greater than it (wrapping past the top). The key goes to the probe whose
//! clockwise distance to its owner is smallest (ties: the smaller server name). The paper
//! reports a peak-to-mean load of about 1.05 with K = 21, with one point per server.
//!
//! Distances are exact in `u128`: a probe equal to the only point (or the first point,
//! when no point lies above the probe) is a full turn, 2^64, away from it.
//!
//! Replicas: the paper defines one owner; the next owners are the next server points
//! clockwise from the owner's point.

use std::fmt::Write;

use md5::{Digest, Md5};

use super::digest::h64;

/// Default number of probes: the paper's choice for a peak-to-mean load of about 1.05.
pub const DEFAULT_PROBES: u32 = 21;

/// Servers' points, sorted, and the number of probes.
///
/// ```
/// use ringside::patterns::hashing::multi_probe::MultiProbe;
///
/// let servers: Vec<Box<str>> = vec!["a".into(), "b".into()];
/// let probes = MultiProbe::new(&servers, 21);
/// let mut out = Vec::new();
/// probes.owners(&servers, b"user:42", 1, &mut out);
/// assert!(out[0] < 2);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MultiProbe {
    /// (point, server index), sorted by point then server name.
    points: Vec<(u64, usize)>,
    /// K.
    probes: u32,
}

impl MultiProbe {
    /// The circle of `servers`, probing `probes` times per key.
    pub fn new(servers: &[Box<str>], probes: u32) -> Self {
        let mut points: Vec<(u64, usize)> = servers
            .iter()
            .enumerate()
            .map(|(i, s)| (h64(s.as_bytes()), i))
            .collect();
        points.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| servers[a.1].cmp(&servers[b.1])));
        MultiProbe { points, probes }
    }

    /// Index in `points` of the first point strictly greater than `at`, wrapping.
    fn successor(&self, at: u64) -> usize {
        let i = self.points.partition_point(|&(p, _)| p <= at);
        if i == self.points.len() { 0 } else { i }
    }

    /// Up to `n` owners of `key` (indices into `servers`, the list the circle was built
    /// from), appended to `out`.
    pub fn owners(&self, servers: &[Box<str>], key: &[u8], n: usize, out: &mut Vec<usize>) {
        if self.points.is_empty() || n == 0 {
            return;
        }
        // The key and `#` are hashed once; each probe adds its number's digits.
        let prefix = Md5::new().chain_update(key).chain_update(b"#");
        let mut digits = String::with_capacity(10);
        // (distance, index in `points`) of the best probe so far.
        let mut best: Option<(u128, usize)> = None;
        for j in 0..self.probes {
            digits.clear();
            // Writing into a String cannot fail.
            let _ = write!(digits, "{j}");
            let digest: [u8; 16] = prefix.clone().chain_update(&digits).finalize().into();
            let at = (u128::from_be_bytes(digest) >> 64) as u64;
            let idx = self.successor(at);
            let point = self.points[idx].0;
            let distance = if point > at {
                u128::from(point - at)
            } else {
                (1u128 << 64) - u128::from(at - point)
            };
            let better = match best {
                None => true,
                Some((d, b)) => {
                    distance < d
                        || (distance == d
                            && servers[self.points[idx].1] < servers[self.points[b].1])
                }
            };
            if better {
                best = Some((distance, idx));
            }
        }
        let Some((_, first)) = best else { return };
        let count = n.min(self.points.len());
        out.extend((0..count).map(|i| self.points[(first + i) % self.points.len()].1));
    }
}

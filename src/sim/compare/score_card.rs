//! The scores of one side of a comparison, as plain data (computed in `scores.rs`, from
//! the engine; kept apart so snapshots can carry them without knowing the engine).

use serde::Serialize;

/// The exact sliding log a side's limiter was judged against.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ReferenceReport {
    /// Requests it allows per window.
    pub limit: u32,
    /// Its window (ms).
    pub window_ms: f64,
    /// Limiter decisions judged.
    pub checked: u64,
}

/// How one side did, in the measures that tell designs apart (`None`, `null` in JSON,
/// where one does not apply to the run so far).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scores {
    /// First attempts (requests less retries): the arrival process, the same on both sides
    /// unless B changes it.
    pub arrivals: u64,
    /// Hashing: requests served by the busiest server over the mean, among the servers in
    /// the ring now.
    pub peak_to_mean_load: Option<f64>,
    /// Hashing: the fraction of keys that changed owner at each membership change, in order
    /// (the changes the engine still keeps).
    pub moved_fraction: Vec<f64>,
    /// Hashing: the ideal of each of those changes (1/N for an add; for a remove, the
    /// removed server's share — 1/N on the ring, which keeps its historical ideal).
    pub ideal_fraction: Vec<f64>,
    /// Hashing: the bytes of the algorithm's lookup structure per server (see
    /// [`memory_per_server_bytes`](super::memory_per_server_bytes)).
    pub memory_per_server_bytes: Option<f64>,
    /// Hashing: the wall time of one owner lookup from a hashed key (ns), measured once at
    /// the start ([`measure_lookup_ns`](super::measure_lookup_ns)). A wall measurement: set
    /// only by the live dashboard and `ringside compare`, never in deterministic output.
    pub lookup_ns: Option<f64>,
    /// Limiting: rate-limited requests over all requests.
    pub rate_limited_fraction: Option<f64>,
    /// Limiting: decisions that differ from the exact sliding log's (Cloudflare's measure).
    pub wrong_decisions: Option<u64>,
    /// Limiting: of those, requests allowed that the exact log refuses (over-admission).
    pub wrongly_allowed: Option<u64>,
    /// Limiting: over-admission in the worst window, the most requests one tenant was
    /// allowed in any window of the exact log's length, less its limit (0: never above).
    pub worst_window_excess: Option<u64>,
    /// The exact sliding log used.
    pub reference: Option<ReferenceReport>,
    /// Breaking: from the scenario's first fault to its server's breaker opening (ms).
    pub time_to_open_ms: Option<f64>,
    /// Breaking: requests refused by every owner's breaker.
    pub short_circuited: u64,
    /// Breaking: requests failed at the first faulted server from the fault to its
    /// breaker's first opening after it (so far while it has not opened).
    pub failed_before_open: Option<u64>,
    /// Breaking: breaker openings on servers never given a fault (background errors or
    /// overload only).
    pub false_trips: u64,
    /// Retries: requests over first attempts.
    pub amplification: Option<f64>,
    /// Retries: retries the retry budget refused (dropped).
    pub retries_refused: u64,
}

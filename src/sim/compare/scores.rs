//! The scores of one side of a comparison, computed from its engine (headless at the end
//! of a run, live on every frame of the dashboard).

use std::hint::black_box;
use std::time::Instant;

use super::score_card::{ReferenceReport, Scores};
use crate::patterns::hashing::{Algorithm, Key};
use crate::patterns::ring::{Position, hash_key};
use crate::sim::limits::TRANSITIONS_PER_SERVER;
use crate::sim::{BreakerState, Command, Engine, ServerSnapshot, TransitionRecord};

impl Scores {
    /// The scores of `engine`'s run so far.
    pub fn of(engine: &Engine) -> Self {
        let t = engine.totals();
        let arrivals = t.requests - t.retries;
        let ratio = |n: u64, d: u64| (d > 0).then(|| n as f64 / d as f64);
        let judgement = engine.limiter_judgement();
        // Built once: both the load and the time to open read it.
        let live = engine.server_stats();
        let changes = engine.snapshot_membership();
        Self {
            arrivals,
            peak_to_mean_load: peak_to_mean_load(&live),
            moved_fraction: changes.iter().map(|m| m.moved_fraction).collect(),
            ideal_fraction: changes.iter().map(|m| m.ideal_fraction).collect(),
            memory_per_server_bytes: memory_per_server_bytes(engine),
            lookup_ns: None,
            rate_limited_fraction: ratio(t.rate_limited, t.requests),
            wrong_decisions: judgement.map(|j| j.wrong()),
            wrongly_allowed: judgement.map(|j| j.wrongly_allowed()),
            worst_window_excess: judgement.map(|j| j.worst_excess()),
            reference: judgement.map(|j| {
                let (limit, window_ns) = j.window();
                ReferenceReport {
                    limit,
                    window_ms: window_ns as f64 / 1e6,
                    checked: j.checked(),
                }
            }),
            time_to_open_ms: time_to_open_ms(engine, &live),
            short_circuited: t.short_circuited,
            failed_before_open: engine.failed_before_open(),
            false_trips: engine.false_trips(),
            amplification: ratio(t.requests, arrivals),
            retries_refused: t.retries_refused,
        }
    }
}

/// Among the servers in the ring now (`live`).
fn peak_to_mean_load(live: &[ServerSnapshot]) -> Option<f64> {
    let total: u64 = live.iter().map(|s| s.requests).sum();
    let peak = live.iter().map(|s| s.requests).max()?;
    (total > 0).then(|| peak as f64 * live.len() as f64 / total as f64)
}

/// From the scenario's first fault to the first time its server's breaker opened after it
/// (`None` until it has; also when the transitions kept no longer reach back to the fault).
fn time_to_open_ms(engine: &Engine, live: &[ServerSnapshot]) -> Option<f64> {
    let (at_ns, server) = engine
        .scenario()
        .events
        .iter()
        .find_map(|e| match &e.command {
            Some(Command::InjectFault { server, .. }) => Some((e.at_ns, server)),
            _ => None,
        })?;
    let transitions: Vec<&[TransitionRecord]> = live
        .iter()
        .filter(|s| &s.name == server)
        .map(|s| s.transitions.as_slice())
        .chain(
            engine
                .retired_servers()
                .filter(|r| &r.name == server)
                .map(|r| r.transitions.as_slice()),
        )
        .collect();
    let reaches_back = |ts: &[TransitionRecord]| {
        ts.len() < TRANSITIONS_PER_SERVER || ts.first().is_some_and(|t| t.at_ns <= at_ns)
    };
    if !transitions.iter().all(|ts| reaches_back(ts)) {
        return None;
    }
    let opened = transitions
        .iter()
        .flat_map(|ts| ts.iter())
        .filter(|t| t.to == BreakerState::Open && t.at_ns >= at_ns)
        .map(|t| t.at_ns)
        .min()?;
    Some((opened - at_ns) as f64 / 1e6)
}

/// Bytes of the hashing algorithm's lookup structure per server now (server names
/// excluded; `None` without servers): `ring`, the ring's parallel arrays, 32 bytes a point
/// (64-bit search key, 128-bit position, owner, gap); `bounded-load`, the same plus an
/// 8-byte load per server; `maglev`, the table, 4 bytes a slot; `multi-probe`, one point
/// and index per server (16 bytes); `jump` and `rendezvous`, nothing.
pub fn memory_per_server_bytes(engine: &Engine) -> Option<f64> {
    let ring = engine.ring();
    let servers = ring.len();
    if servers == 0 {
        return None;
    }
    let points = ring.point_count() as f64 * 32.0;
    let total = match engine.hashing_algorithm() {
        Algorithm::Ring => points,
        Algorithm::BoundedLoad => points + servers as f64 * 8.0,
        Algorithm::Maglev => engine.scenario().ring.table_size as f64 * 4.0,
        Algorithm::MultiProbe => servers as f64 * 16.0,
        Algorithm::Jump | Algorithm::Rendezvous => 0.0,
    };
    Some(total / servers as f64)
}

/// Keys the lookup cost is measured over.
const LOOKUP_KEYS: u32 = 1024;
/// The lookup cost is measured for at least this long (ns).
const LOOKUP_MEASURE_NS: u128 = 5_000_000;

/// The wall time (ns) of one owner lookup from an already hashed key on `engine`'s own
/// structure (its ring for `ring`, else the algorithm over its servers, see
/// [`Engine::hashing`]), averaged over `LOOKUP_KEYS` keys repeated for at least 5 ms
/// after as long a warm-up. Not deterministic: keep it out of golden outputs. `None`
/// without servers.
pub fn measure_lookup_ns(engine: &Engine) -> Option<f64> {
    let names: Vec<String> = (0..LOOKUP_KEYS).map(|i| format!("key-{i}")).collect();
    let hashes: Vec<Position> = names.iter().map(|n| hash_key(n)).collect();
    if engine.hashing_algorithm() == Algorithm::Ring {
        let ring = engine.ring();
        ring.owner_id_of_hash(hashes[0])?;
        return Some(time_rounds(|| {
            for &h in &hashes {
                black_box(ring.owner_id_of_hash(black_box(h)));
            }
        }));
    }
    let mut hashing = engine.hashing().ok()?;
    hashing.owner(Key::new(b"key-0"))?;
    let mut out = Vec::with_capacity(1);
    Some(time_rounds(|| {
        for (name, &h) in names.iter().zip(&hashes) {
            out.clear();
            hashing.owners(black_box(Key::hashed(name.as_bytes(), h)), 1, &mut out);
            black_box(&out);
        }
    }))
}

/// Nanoseconds per lookup of `round` (one lookup of each of [`LOOKUP_KEYS`] keys): rounds
/// for [`LOOKUP_MEASURE_NS`] untimed, then for as long again, timed.
fn time_rounds(mut round: impl FnMut()) -> f64 {
    let mut measured = 0.0;
    for _ in 0..2 {
        let (start, mut rounds) = (Instant::now(), 0u64);
        while start.elapsed().as_nanos() < LOOKUP_MEASURE_NS {
            round();
            rounds += 1;
        }
        measured = start.elapsed().as_nanos() as f64 / (rounds * u64::from(LOOKUP_KEYS)) as f64;
    }
    measured
}

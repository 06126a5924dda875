//! The engine: virtual clock, event queue, request pipeline, commands in, snapshots out.
//!
//! # Request pipeline
//! Each request attempt (Poisson arrival, burst or client retry) goes through:
//! 1. its tenant's token bucket (cost 1) — denied ⇒ `rate_limited`;
//! 2. the hashing algorithm (`[ring] algorithm`, see `placement.rs`): up to `replicas`
//!    distinct owners of the request key — on the ring, clockwise; under jump, rendezvous,
//!    maglev and multi-probe, the key's row of an owner table rebuilt at each membership
//!    change; under bounded-load, clockwise on the ring skipping servers whose **live**
//!    load (calls in flight) is at the capacity `ceil((1 + ε) × (calls in flight + 1) / N)`;
//! 3. each candidate's breaker in turn: the first that grants a permit serves the request
//!    (a non-primary ⇒ `failed_over`); all reject ⇒ `short_circuited`;
//! 4. the simulated server, which decides the outcome at dispatch: refused (down / flapping
//!    down) or overloaded (in-flight ≥ capacity) fail immediately and are recorded at once;
//!    otherwise a latency is drawn (log-normal around the median, plus any `Slow` fault) and
//!    the call fails at the timeout if slower than it, fails with the error probability, or
//!    succeeds. The breaker result is recorded at completion time through the event queue
//!    (a `BinaryHeap` ordered by (time, sequence number)), the permit held meanwhile.
//!
//! Outcome counters are updated at dispatch (the outcome is already decided then), so
//! every attempt lands in exactly one of succeeded / rate_limited / short_circuited / failed.
//! Non-successful attempts are retried by the client (if configured) after an exponential
//! backoff with jitter, counted from the moment the client learns the outcome.
//!
//! # Rate limiter
//! Tenants are dense indices, so the in-memory default keeps their buckets in one
//! [`BucketSet`] (the configuration stored once, 24 bytes of state a tenant; no hashing,
//! no strings on the hot path), and their demand counters in one 16-byte record a tenant
//! (`tenants.rs`); with many tenants, the arrival loop prefetches both records of the
//! tenant two arrivals ahead, so a request rarely waits for memory. The scenario's `[limiter] algorithm` may choose a window
//! limiter instead (fixed window, sliding log, sliding window) with the bucket's budget:
//! `capacity` requests per window of `capacity / refill` seconds; changing the capacity or
//! the refill starts such a limiter afresh. Or the leaky queue (`leaky-queue`): B =
//! `capacity` requests may wait per tenant, sent one every `1 / refill` seconds; a request
//! accepted with a later send time is counted allowed at once and goes on to step 2 at
//! its send time (a `Release` event), its wait counted in its latency. Its outcome then
//! counts in the second it was sent, so a second's `allowed` and outcomes may differ by
//! what crossed a second boundary in the queue, and at the end of a run the requests still
//! waiting have no outcome yet ([`QueueWaits::waiting`]). Or a limiter that learns from
//! the backend (`adaptive-throttling`, `concurrency`, see `feedback.rs`): every admitted
//! call then reports its end once to its tenant's limiter — at completion (with its
//! round-trip time), at once when refused, overloaded or short-circuited. A shared backend
//! (Redis) is attached through the [`SharedLimiter`] seam and runs the token bucket only.

mod admission;
mod clock;
mod commands;
mod feedback;
mod interrupt;
mod key_names;
mod key_points;
mod log;
mod membership;
mod pipeline;
mod placement;
mod prefetch;
mod queue;
mod recent;
mod remote;
mod replay;
mod servers;
mod shared;
mod sizes;
mod stats;
mod tenants;

use std::collections::VecDeque;
use std::sync::Arc;

use hdrhistogram::Histogram;
use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;

use crate::patterns::Nanos;
use crate::patterns::breaker::{BreakerConfig, RateThresholds, TripPolicy};
use crate::patterns::hashing::{Algorithm, Hashing};
use crate::patterns::limiter::BucketConfig;
#[cfg(doc)]
use crate::patterns::limiter::BucketSet;
use crate::patterns::retry::RetryBudget;
use crate::patterns::ring::balance::Balance;
use crate::patterns::ring::{HashRing, Position, RingBuilder, ServerId, hash_many};

use super::compare::{ReferenceLog, reference_window};
use super::error::SimError;
use super::limits::{LOG_LINES, RECENT_REQUESTS, SERIES_SECONDS};
use super::scenario::{
    BreakerPolicy, BreakerSpec, RetryPolicy, Scenario, ServerDefaults, TrafficSpec,
};
use super::session::SessionEntry;
use super::snapshot::{
    Caption, LogKind, LogLine, MembershipChange, PreviousRing, QueueWaits, RingBalance, RingPoint,
    SecondSample, Totals,
};
use super::traffic::{Sampler, unit_f64};

use admission::Admission;
pub use interrupt::Interrupt;
use interrupt::Slicer;
use key_names::for_key_batches;
use log::push_log;
use placement::Placement;
use prefetch::Remote;
use queue::EventQueue;
use recent::Recent;
pub use servers::RetiredServer;
use servers::SimServer;
pub use shared::{BoxError, LimiterStatus, SharedLimiter};
pub use sizes::Sizes;
use tenants::Tenants;

const NS: u64 = 1_000_000_000;
/// Size of the precomputed table of log-normal latency multipliers.
const LATENCY_TABLE: usize = 4096;

/// The deterministic simulation engine. See the [`sim`](crate::sim) module docs.
#[derive(Debug)]
pub struct Engine {
    /// Shared limiter backend, when configured (virtual time is then wall time).
    remote: Option<Remote>,
    scenario: Arc<Scenario>,
    seed: u64,
    /// The arrival process: who asks for what, when (tenants, keys, intervals, bursts).
    rng: Xoshiro256PlusPlus,
    /// Everything decided after a request is admitted (server outcomes, retry jitter):
    /// apart from `rng`, so two runs whose limiters, rings or breakers differ still see
    /// exactly the same arrivals (see [`compare`](crate::sim::compare)).
    service_rng: Xoshiro256PlusPlus,
    now: u64,
    paused: bool,
    speed: f64,
    carry_ns: f64,
    rate: f64,
    next_arrival: u64,
    replicas: usize,
    /// Shared with snapshots (copied on write when a snapshot still holds it).
    ring: Arc<HashRing>,
    ring_points: Arc<[RingPoint]>,
    /// The ring before the last membership change, for drawing what moved.
    previous_ring: Option<PreviousRing>,
    ring_balance: RingBalance,
    shares: Vec<f64>,
    servers: Vec<Option<SimServer>>,
    next_epoch: u64,
    retired: VecDeque<RetiredServer>,
    defaults: ServerDefaults,
    breaker_config: BreakerConfig,
    bucket_config: BucketConfig,
    tenant_sampler: Sampler,
    key_sampler: Sampler,
    /// Per request key, the index of its owning ring point
    /// ([`points_many`](HashRing::points_many)): 4 bytes a key instead of its 16-byte
    /// hash, brought up to date on every membership change ([`key_points`]).
    key_points: Vec<u32>,
    /// How owners are found: through `key_points` on the ring, or the algorithm's own
    /// per-key owner table (see `placement.rs`).
    placement: Placement,
    /// Reused for bounded-load's clockwise walk of each request.
    walk: Vec<ServerId>,
    /// What the last membership change did to the keys (read by its record).
    shifts: key_points::Shifts,
    /// Every tenant's demand so far, by tenant index.
    tenants: Tenants,
    /// Every tenant's in-memory limiter, by tenant index.
    admission: Admission,
    /// What the leaky queue made wait (stays empty under the other algorithms).
    waits: QueueWaits,
    /// The exact sliding log judging every limiter decision, in comparisons only.
    reference: Option<Box<ReferenceLog>>,
    /// The clients' retry budget (`retry_policy = "budget"`): first attempts deposit,
    /// retries withdraw.
    retry_budget: Option<RetryBudget>,
    /// Whether a fault was injected yet (the first one is watched for `failed_before_open`).
    fault_watched: bool,
    /// False trips of the servers removed so far.
    retired_false_trips: u64,
    latency_mult: Vec<f64>,
    queue: EventQueue,
    timeline_next: usize,
    totals: Totals,
    current: SecondSample,
    /// Every complete second so far, oldest first (at most [`SERIES_HISTORY_SECONDS`](super::SERIES_HISTORY_SECONDS)).
    series: VecDeque<SecondSample>,
    hist: Histogram<u64>,
    recent: VecDeque<Recent>,
    membership: VecDeque<MembershipChange>,
    log: VecDeque<LogLine>,
    caption: Option<Caption>,
    session: Arc<[SessionEntry]>,
    session_truncated: bool,
    /// Checked between slices of long work.
    interrupt: Interrupt,
}

/// The ring of the scenario's servers, built in bulk, and the servers, each slot indexed
/// by its ring id (epochs 0, 1, …). Reports its progress to `interrupt` and stops early
/// when it is raised.
fn initial_servers(
    mut ring: RingBuilder,
    sc: &Scenario,
    breaker_config: BreakerConfig,
    interrupt: &Interrupt,
) -> Result<(HashRing, Vec<Option<SimServer>>), SimError> {
    let total = sc.servers.len();
    let mut servers: Vec<Option<SimServer>> = Vec::with_capacity(total);
    for (epoch, s) in (0u64..).zip(&sc.servers) {
        // One check per server: cheap beside hashing its points.
        if interrupt.is_stopped() {
            return Err(SimError::Interrupted);
        }
        interrupt.set_build_progress(epoch as usize, total);
        let id = ring.add_weighted(&s.name, s.weight)?;
        let slot = id.0 as usize;
        if servers.len() <= slot {
            servers.resize_with(slot + 1, || None);
        }
        servers[slot] = Some(SimServer::new(
            s.name.clone(),
            s.weight,
            epoch,
            breaker_config,
            0,
        )?);
    }
    let ring = ring.build();
    interrupt.set_build_progress(total, total);
    Ok((ring, servers))
}

/// Every server's breaker settings, from the scenario's `[breaker]`.
fn breaker_config(spec: &BreakerSpec) -> Result<BreakerConfig, SimError> {
    Ok(BreakerConfig::builder()
        .failure_threshold(spec.failure_threshold)
        .recovery_timeout(Nanos::from_nanos(spec.recovery_timeout_ns))
        .success_threshold(spec.success_threshold)
        .half_open_max_probes(spec.half_open_probes)
        .policy(trip_policy(spec))
        .history(16)
        .build()?)
}

/// The clients' retry budget, when `[traffic] retry_policy = "budget"`.
fn retry_budget(t: &TrafficSpec) -> Result<Option<RetryBudget>, SimError> {
    Ok(match t.retry_policy {
        RetryPolicy::Fixed => None,
        RetryPolicy::Budget => Some(RetryBudget::new(
            t.retry_budget_window_secs,
            t.retry_min_per_sec,
            t.retry_budget_percent,
        )?),
    })
}

/// The `[breaker]` policy and its window parameters as the breaker's [`TripPolicy`].
fn trip_policy(spec: &BreakerSpec) -> TripPolicy {
    let rates = RateThresholds::new(spec.minimum_calls, spec.failure_rate)
        .slow_calls(Nanos::from_nanos(spec.slow_call_ns), spec.slow_call_rate);
    match spec.policy {
        BreakerPolicy::Consecutive => TripPolicy::Consecutive,
        BreakerPolicy::CountWindow => TripPolicy::CountWindow {
            calls: spec.window_calls,
            rates,
        },
        BreakerPolicy::TimeWindow => TripPolicy::TimeWindow {
            secs: spec.window_secs,
            rates,
        },
    }
}

/// Mixed into the seed for the service stream (any constant apart from 0 will do; this one
/// is the 64-bit golden ratio).
const SERVICE_STREAM: u64 = 0x9e37_79b9_7f4a_7c15;

/// Log-normal latency multipliers exp(σ·z), z ~ N(0,1) by Box–Muller, drawn once from the seed.
fn latency_table(rng: &mut Xoshiro256PlusPlus, sigma: f64) -> Vec<f64> {
    (0..LATENCY_TABLE)
        .map(|_| {
            let u1 = 1.0 - unit_f64(rng);
            let u2 = unit_f64(rng);
            let z = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
            (sigma * z).exp()
        })
        .collect()
}

impl Engine {
    /// A new engine at virtual time 0 running `scenario`, seeded with `seed_override`
    /// or the scenario's own seed.
    pub fn from_scenario(
        scenario: &Scenario,
        seed_override: Option<u64>,
    ) -> Result<Self, SimError> {
        Self::from_scenario_interruptible(scenario, seed_override, Interrupt::default())
    }

    /// [`from_scenario`](Self::from_scenario) that reports how far its ring build has got
    /// to `interrupt` and stops early ([`SimError::Interrupted`]) when it is raised; the
    /// engine keeps `interrupt` and stops its long work (bursts, jumps, advances) when it
    /// is raised later.
    pub fn from_scenario_interruptible(
        scenario: &Scenario,
        seed_override: Option<u64>,
        interrupt: Interrupt,
    ) -> Result<Self, SimError> {
        Self::build(
            Arc::new(scenario.clone()),
            seed_override.unwrap_or(scenario.seed),
            interrupt,
        )
    }

    /// The interrupt this engine checks (clones share its state).
    pub fn interrupt(&self) -> &Interrupt {
        &self.interrupt
    }

    // long because it sets every field of the engine once, one per line.
    fn build(scenario: Arc<Scenario>, seed: u64, interrupt: Interrupt) -> Result<Self, SimError> {
        let sc = &*scenario;
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let ring = RingBuilder::new(sc.vnodes)?;
        sc.validate()?;
        let breaker_config = breaker_config(&sc.breaker)?;
        let bucket_config = BucketConfig::new(sc.limiter.capacity, sc.limiter.refill_per_sec)?;
        let (ring, servers) = initial_servers(ring, sc, breaker_config, &interrupt)?;
        let names: Vec<&str> = sc.servers.iter().map(|s| s.name.as_str()).collect();
        let placement = Placement::new(&sc.ring, sc.vnodes, &names)?;
        let next_epoch = sc.servers.len() as u64;
        let tenant_count = sc.traffic.tenants.max(1) as usize;
        let tenants = Tenants::new(tenant_count);
        let admission = Admission::new(sc.limiter.algorithm, bucket_config, tenant_count, seed);
        let latency_mult = latency_table(&mut rng, sc.server_defaults.latency_sigma);
        let service_rng = Xoshiro256PlusPlus::seed_from_u64(seed ^ SERVICE_STREAM);
        let hist = Histogram::new_with_bounds(1, 3_600_000_000, 3)?;
        let mut engine = Self {
            seed,
            rng,
            service_rng,
            now: 0,
            paused: false,
            speed: 1.0,
            remote: None,
            carry_ns: 0.0,
            rate: sc.traffic.rate,
            next_arrival: u64::MAX,
            replicas: sc.replicas.max(1),
            ring: Arc::new(ring),
            ring_points: Arc::from(Vec::new()),
            previous_ring: None,
            ring_balance: RingBalance::default(),
            shares: Vec::new(),
            servers,
            next_epoch,
            retired: VecDeque::new(),
            defaults: sc.server_defaults,
            breaker_config,
            bucket_config,
            tenant_sampler: Sampler::new(sc.traffic.tenants, sc.traffic.tenant_popularity),
            key_sampler: Sampler::new(sc.traffic.keys, sc.traffic.key_popularity),
            key_points: Vec::new(),
            placement,
            walk: Vec::new(),
            shifts: key_points::Shifts::default(),
            tenants,
            admission,
            waits: QueueWaits::default(),
            reference: None,
            retry_budget: retry_budget(&sc.traffic)?,
            fault_watched: false,
            retired_false_trips: 0,
            latency_mult,
            queue: EventQueue::default(),
            timeline_next: 0,
            totals: Totals::default(),
            current: SecondSample::default(),
            series: VecDeque::with_capacity(SERIES_SECONDS),
            hist,
            recent: VecDeque::with_capacity(RECENT_REQUESTS),
            membership: VecDeque::new(),
            log: VecDeque::with_capacity(LOG_LINES),
            caption: None,
            session: Arc::from(Vec::new()),
            session_truncated: false,
            scenario,
            interrupt,
        };
        engine.rebuild_ring_tables();
        engine.schedule_next_arrival();
        let text = format!(
            "scenario {} (seed {}): {}",
            engine.scenario.name, seed, engine.scenario.description
        );
        push_log(&mut engine.log, 0, LogKind::Scenario, text);
        Ok(engine)
    }

    /// From now on, judge every limiter decision against the exact sliding log of
    /// [`reference_window`] for this scenario's limiter (see [`compare`](crate::sim::compare)).
    pub fn judge_limiter(&mut self) {
        let (limit, window_ns) = reference_window(&self.scenario.limiter);
        self.reference = Some(Box::new(ReferenceLog::new(
            limit,
            window_ns,
            self.tenants.len(),
        )));
    }

    /// The judgement of the limiter's decisions, when [`judge_limiter`](Self::judge_limiter)
    /// was asked for.
    pub fn limiter_judgement(&self) -> Option<&ReferenceLog> {
        self.reference.as_deref()
    }

    /// Add a command line to the event log now (what a comparison did to its other side).
    pub fn log_command_line(&mut self, text: String) {
        push_log(&mut self.log, self.now, LogKind::Command, text);
    }

    /// Current virtual time (ns since the start).
    pub fn now(&self) -> u64 {
        self.now
    }

    /// The seed in use.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The scenario being run.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The ring (read-only; change it through commands).
    pub fn ring(&self) -> &HashRing {
        &self.ring
    }

    /// The hash of every request key (`key-0`, `key-1`, …): the active key population.
    /// Computed on each call (the engine keeps each key's ring point, not its hash).
    pub fn key_hashes(&self) -> Vec<Position> {
        let keys = self.key_sampler.len() as u32;
        let mut hashes = Vec::with_capacity(keys as usize);
        for_key_batches(0..keys, |names| {
            hash_many(names, &mut hashes);
        });
        hashes
    }

    /// Bring each key's ring point up to date (hashing only the keys whose arc changed,
    /// noting who gained and lost them), and recompute the drawn ring points, each
    /// server's share and the ring's balance after a membership change.
    fn rebuild_ring_tables(&mut self) {
        let points: Arc<[RingPoint]> = self
            .ring
            .points()
            .map(|(position, id)| RingPoint {
                position,
                server: id.0,
            })
            .collect();
        let old = std::mem::replace(&mut self.ring_points, points);
        let keys = self.key_sampler.len() as u32;
        if self.key_points.len() == keys as usize {
            self.shifts =
                key_points::update(&mut self.key_points, &old, &self.ring_points, &self.ring);
        } else {
            self.key_points = key_points::resolve_all(&self.ring, keys);
        }
        if let Placement::Table(table) = &mut self.placement {
            table.rebuild(&self.ring, keys, self.replicas);
            // No ring: each server's share is its share of the keys.
            self.shares = table.key_shares(self.servers.len());
            self.ring_balance = key_balance(&self.shares, self.ring.len());
            return;
        }
        let balance = Balance::of(&self.ring);
        self.shares = vec![0.0; self.servers.len()];
        for &(id, share) in balance.shares() {
            if let Some(s) = self.shares.get_mut(id.0 as usize) {
                *s = share.to_f64();
            }
        }
        self.ring_balance = RingBalance {
            peak_to_mean: balance.peak_to_mean(),
            cv: balance.cv(),
        };
    }

    /// The hashing algorithm in force.
    pub fn hashing_algorithm(&self) -> Algorithm {
        self.scenario.ring.algorithm
    }

    /// The hashing algorithm over the servers now, in join order, as the library builds it
    /// (for measuring a lookup on this side's own structure; the engine's own ring is
    /// [`ring`](Self::ring)).
    pub fn hashing(&self) -> Result<Hashing, SimError> {
        if let Some(t) = self.placement.table() {
            return Ok(Hashing::clone(t.hashing()));
        }
        let names: Vec<(u64, &str)> = self
            .servers
            .iter()
            .flatten()
            .map(|s| (s.epoch, s.name.as_str()))
            .collect::<std::collections::BTreeMap<_, _>>()
            .into_iter()
            .collect();
        let params = self.scenario.ring.params(self.ring.vnodes());
        let algorithm = self.scenario.ring.algorithm;
        Ok(Hashing::new(
            algorithm,
            &params,
            names.iter().map(|(_, n)| n),
        )?)
    }
}

/// The balance of `shares` (by ring id, zero for empty slots) over `servers` servers:
/// the largest share times the number of servers, and the shares' coefficient of variation.
fn key_balance(shares: &[f64], servers: usize) -> RingBalance {
    if servers == 0 {
        return RingBalance::default();
    }
    let n = servers as f64;
    let mean = 1.0 / n;
    let peak = shares.iter().copied().fold(0.0, f64::max);
    // Empty slots (departed servers) hold no share and are not servers.
    let live = shares.iter().filter(|&&s| s > 0.0);
    let empty = n - live.clone().count() as f64;
    let variance =
        (live.map(|s| (s - mean).powi(2)).sum::<f64>() + empty.max(0.0) * mean * mean) / n;
    RingBalance {
        peak_to_mean: Some(peak * n),
        cv: Some(variance.sqrt() / mean),
    }
}

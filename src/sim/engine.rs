//! The engine: virtual clock, event queue, request pipeline, commands in, snapshots out.
//!
//! # Request pipeline
//! Each request attempt (Poisson arrival, burst or client retry) goes through:
//! 1. its tenant's token bucket (cost 1) — denied ⇒ `rate_limited`;
//! 2. the ring: up to `replicas` distinct owners of the request key, clockwise;
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
//! Tenants are dense indices, so the in-memory default keeps one [`TokenBucket`] per tenant
//! in a `Vec` (no hashing, no strings on the hot path). The string-keyed
//! [`SharedLimiter`] contract is for shared backends (Redis) and is not needed by the
//! single-process simulation.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};
use std::sync::Arc;

use hdrhistogram::Histogram;
use rand::rngs::Xoshiro256PlusPlus;
use rand::{Rng, SeedableRng};

use crate::patterns::breaker::{BreakerConfig, CircuitBreaker, Outcome, Permit, Reason, State};
use crate::patterns::limiter::{BucketConfig, Decision, LimiterError, TokenBucket};
use crate::patterns::ring::{HashRing, Position, ServerId, hash_key};

use super::command::{BreakerParams, Command, Fault};
use super::duration::format_duration;
use super::error::SimError;
use super::scenario::{Scenario, ServerDefaults};
use super::session::{SessionEntry, SessionLog};
use super::shared::{LimiterStatus, SharedLimiter};
use super::snapshot::*;
use super::traffic::{Sampler, auto_server_name, exp_interval_ns, tenant_name, unit_f64};
use super::{
    LOG_LINES, MAX_SPEED, MEMBERSHIP_CHANGES, MIN_SPEED, PREV_GRACE_NS, RECENT_REQUESTS,
    SERIES_SECONDS, SESSION_COMMANDS, SNAPSHOT_TENANTS, STEP_NS, TRANSITIONS_PER_SERVER,
};

const NS: u64 = 1_000_000_000;
/// Size of the precomputed table of log-normal latency multipliers.
const LATENCY_TABLE: usize = 4096;

#[derive(Debug)]
enum PendingKind {
    Complete {
        server: u32,
        epoch: u64,
        permit: Permit,
        outcome: Outcome,
    },
    Retry {
        tenant: u32,
        key: u32,
        attempt: u8,
    },
}

/// A heap entry: 16 bytes (time, tie-breaking sequence number, slot of the payload), so
/// that the heap of tens of thousands of in-flight calls stays cache-friendly.
#[derive(Debug, Clone, Copy)]
struct Pending {
    at: u64,
    seq: u32,
    slot: u32,
}

impl PartialEq for Pending {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl Eq for Pending {}
impl PartialOrd for Pending {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Pending {
    /// Reversed so that `BinaryHeap` (a max-heap) pops the earliest (time, seq) first.
    /// The sequence number wraps after 2³² events; ordering stays deterministic.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.at, other.seq).cmp(&(self.at, self.seq))
    }
}

/// Event queue: a binary heap of small keys plus a slab of payloads with a free list.
#[derive(Debug, Default)]
struct EventQueue {
    heap: BinaryHeap<Pending>,
    /// `None` in free slots: a payload holds a breaker permit, which is moved, never copied.
    payloads: Vec<Option<PendingKind>>,
    free: Vec<u32>,
    seq: u32,
}

impl EventQueue {
    fn push(&mut self, at: u64, kind: PendingKind) {
        let slot = match self.free.pop() {
            Some(i) => {
                self.payloads[i as usize] = Some(kind);
                i
            }
            None => {
                self.payloads.push(Some(kind));
                (self.payloads.len() - 1) as u32
            }
        };
        self.seq = self.seq.wrapping_add(1);
        self.heap.push(Pending {
            at,
            seq: self.seq,
            slot,
        });
    }

    fn peek_time(&self) -> Option<u64> {
        self.heap.peek().map(|p| p.at)
    }

    fn pop(&mut self) -> Option<(u64, PendingKind)> {
        let p = self.heap.pop()?;
        self.free.push(p.slot);
        let kind = self.payloads[p.slot as usize].take();
        Some((p.at, kind.expect("a queued slot holds its payload")))
    }

    fn len(&self) -> usize {
        self.heap.len()
    }
}

/// A simulated server and its breaker.
#[derive(Debug, Clone)]
struct SimServer {
    name: String,
    weight: f64,
    epoch: u64,
    breaker: CircuitBreaker,
    seen_generation: u64,
    transitions: VecDeque<TransitionRecord>,
    fault: Option<Fault>,
    fault_since: u64,
    in_flight: u32,
    requests: u64,
    this_second: u64,
    last_second: u64,
}

/// A server that left the ring (kept for the report).
#[derive(Debug, Clone, PartialEq)]
pub struct RetiredServer {
    /// Name.
    pub name: String,
    /// Requests it handled.
    pub requests: u64,
    /// Its breaker transitions.
    pub transitions: Vec<TransitionRecord>,
    /// When it was removed (ns).
    pub removed_at_ns: u64,
}

#[derive(Debug, Clone)]
struct Tenant {
    name: String,
    bucket: TokenBucket,
    /// Tokens after the last decision of a shared backend (read without a round trip).
    remote_tokens: Option<f64>,
    allowed: u64,
    denied: u64,
}

/// Sizes of the engine's bounded structures (to check that memory stays flat).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sizes {
    /// Pending completions and retries.
    pub queue: usize,
    /// Per-second samples kept.
    pub series: usize,
    /// Event-log lines kept.
    pub log: usize,
    /// Recent requests kept.
    pub recent: usize,
    /// Membership changes kept.
    pub membership: usize,
    /// Largest per-server transition list.
    pub max_transitions: usize,
    /// Retired servers kept.
    pub retired: usize,
}

/// A shared limiter backend (e.g. Redis) deciding tenant checks instead of the in-memory
/// buckets, with the decisions it already made for arrivals not processed yet.
struct Remote {
    backend: Box<dyn SharedLimiter>,
    /// Arrivals of the current `advance` drawn ahead of time, with their decisions, so a
    /// whole step's checks go to the backend in one pipelined batch.
    prefetched: VecDeque<Prefetched>,
    /// Time of the first arrival after the prefetched ones.
    after_prefetch: u64,
}

/// One arrival drawn ahead of time for a batched shared-backend check.
#[derive(Debug, Clone)]
struct Prefetched {
    at: u64,
    tenant: u32,
    key: u32,
    /// `None` when the backend answered fewer checks than asked: decided singly then.
    decision: Option<Result<Decision, LimiterError>>,
}

/// Most arrivals checked in one round trip to a shared backend.
const MAX_BATCH: usize = 4096;

impl std::fmt::Debug for Remote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.backend.describe())
    }
}

/// The deterministic simulation engine. See the [`sim` module docs](crate::sim).
#[derive(Debug)]
pub struct Engine {
    /// Shared limiter backend, when configured (virtual time is then wall time).
    remote: Option<Remote>,
    scenario: Arc<Scenario>,
    seed: u64,
    rng: Xoshiro256PlusPlus,
    now: u64,
    paused: bool,
    speed: f64,
    carry_ns: f64,
    rate: f64,
    next_arrival: u64,
    replicas: usize,
    ring: HashRing,
    ring_points: Arc<[RingPoint]>,
    shares: Vec<f64>,
    servers: Vec<Option<SimServer>>,
    next_epoch: u64,
    retired: VecDeque<RetiredServer>,
    defaults: ServerDefaults,
    breaker_config: BreakerConfig,
    bucket_config: BucketConfig,
    tenant_sampler: Sampler,
    key_sampler: Sampler,
    key_hashes: Vec<Position>,
    tenants: Vec<Tenant>,
    latency_mult: Vec<f64>,
    queue: EventQueue,
    timeline_next: usize,
    totals: Totals,
    current: SecondSample,
    series: VecDeque<SecondSample>,
    hist: Histogram<u64>,
    recent: VecDeque<RecentRequest>,
    membership: VecDeque<MembershipChange>,
    log: VecDeque<LogLine>,
    caption: Option<Caption>,
    session: Arc<[SessionEntry]>,
    session_truncated: bool,
}

fn map_state(s: State) -> BreakerState {
    match s {
        State::Closed => BreakerState::Closed,
        State::Open => BreakerState::Open,
        State::HalfOpen => BreakerState::HalfOpen,
    }
}

fn reason_str(r: Reason) -> &'static str {
    match r {
        Reason::FailureThreshold => "failure_threshold",
        Reason::RecoveryTimeout => "recovery_timeout",
        Reason::ProbeFailed => "probe_failed",
        Reason::ProbesSucceeded => "probes_succeeded",
        Reason::ForcedOpen => "forced_open",
        Reason::ForcedClosed => "forced_closed",
        Reason::Reset => "reset",
    }
}

fn push_bounded<T>(q: &mut VecDeque<T>, item: T, cap: usize) {
    if q.len() >= cap {
        q.pop_front();
    }
    q.push_back(item);
}

fn push_log(log: &mut VecDeque<LogLine>, at_ns: u64, kind: LogKind, text: String) {
    push_bounded(
        log,
        LogLine {
            at_ns,
            kind,
            text: text.into(),
        },
        LOG_LINES,
    );
}

/// Mirror any new breaker transitions into the server's history and the event log.
fn note_transitions(srv: &mut SimServer, log: &mut VecDeque<LogLine>) {
    let generation = srv.breaker.generation();
    if generation == srv.seen_generation {
        return;
    }
    let new = generation.wrapping_sub(srv.seen_generation) as usize;
    srv.seen_generation = generation;
    let all = srv.breaker.transitions();
    let len = all.len();
    for t in all.skip(len.saturating_sub(new)) {
        let rec = TransitionRecord {
            at_ns: t.at,
            from: map_state(t.from),
            to: map_state(t.to),
            reason: reason_str(t.reason),
        };
        push_log(
            log,
            t.at,
            LogKind::Breaker,
            format!(
                "breaker {}: {} → {} ({})",
                srv.name,
                rec.from.as_str(),
                rec.to.as_str(),
                rec.reason.replace('_', " ")
            ),
        );
        push_bounded(&mut srv.transitions, rec, TRANSITIONS_PER_SERVER);
    }
}

fn fault_text(f: &Fault) -> String {
    match f {
        Fault::Errors { rate } => format!("errors {:.0}%", rate * 100.0),
        Fault::Slow { latency_ms } => format!("slow +{latency_ms}ms"),
        Fault::Down => "down".to_string(),
        Fault::Flapping { period_ms } => format!("flapping every {period_ms}ms"),
    }
}

/// A traffic rate a command may set: finite, ≥ 0 and at most [`MAX_RATE`].
fn check_rate(rate: f64) -> Result<(), SimError> {
    if !rate.is_finite() || rate < 0.0 {
        return Err(SimError::InvalidRate(rate));
    }
    if rate > super::MAX_RATE {
        return Err(SimError::RateTooHigh {
            got: rate,
            max: super::MAX_RATE,
        });
    }
    Ok(())
}

fn validate_fault(f: &Fault) -> Result<(), SimError> {
    match *f {
        Fault::Errors { rate } if !(0.0..=1.0).contains(&rate) => Err(SimError::InvalidFault(
            format!("error rate must be within 0..=1, got {rate}"),
        )),
        Fault::Flapping { period_ms } if period_ms < 2 => Err(SimError::InvalidFault(format!(
            "flapping period must be at least 2ms, got {period_ms}ms"
        ))),
        _ => Ok(()),
    }
}

impl Engine {
    /// A new engine at virtual time 0 running `scenario`, seeded with `seed_override`
    /// or the scenario's own seed.
    pub fn from_scenario(
        scenario: &Scenario,
        seed_override: Option<u64>,
    ) -> Result<Self, SimError> {
        Self::build(
            Arc::new(scenario.clone()),
            seed_override.unwrap_or(scenario.seed),
        )
    }

    fn build(scenario: Arc<Scenario>, seed: u64) -> Result<Self, SimError> {
        let sc = &*scenario;
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let mut ring = HashRing::new(sc.vnodes)?;
        let breaker_config = BreakerConfig::builder()
            .failure_threshold(sc.breaker.failure_threshold)
            .recovery_timeout_ns(sc.breaker.recovery_timeout_ns)
            .success_threshold(sc.breaker.success_threshold)
            .half_open_max_probes(sc.breaker.half_open_probes)
            .history(16)
            .build()?;
        let bucket_config = BucketConfig::new(sc.limiter.capacity, sc.limiter.refill_per_sec)?;
        if !sc.traffic.rate.is_finite() || sc.traffic.rate < 0.0 {
            return Err(SimError::InvalidRate(sc.traffic.rate));
        }
        if sc.server_defaults.capacity == 0 {
            return Err(SimError::InvalidConfig(
                "server capacity must be at least 1".into(),
            ));
        }
        let mut servers: Vec<Option<SimServer>> = Vec::new();
        let mut next_epoch = 0;
        for s in &sc.servers {
            let id = ring.add_weighted(&s.name, s.weight)?;
            let slot = id.0 as usize;
            if servers.len() <= slot {
                servers.resize_with(slot + 1, || None);
            }
            servers[slot] = Some(SimServer::new(
                s.name.clone(),
                s.weight,
                next_epoch,
                breaker_config,
            )?);
            next_epoch += 1;
        }
        let tenants = (0..sc.traffic.tenants.max(1))
            .map(|i| Tenant {
                name: tenant_name(i),
                bucket: TokenBucket::new(bucket_config),
                remote_tokens: None,
                allowed: 0,
                denied: 0,
            })
            .collect();
        let key_hashes = (0..sc.traffic.keys.max(1))
            .map(|i| hash_key(&format!("key-{i}")))
            .collect();
        // Log-normal multipliers exp(σ·z), z ~ N(0,1) by Box–Muller, drawn once from the seed.
        let sigma = sc.server_defaults.latency_sigma;
        let latency_mult = (0..LATENCY_TABLE)
            .map(|_| {
                let u1 = 1.0 - unit_f64(&mut rng);
                let u2 = unit_f64(&mut rng);
                let z = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
                (sigma * z).exp()
            })
            .collect();
        let hist = Histogram::new_with_bounds(1, 3_600_000_000, 3)
            .map_err(|e| SimError::InvalidConfig(format!("latency histogram: {e}")))?;
        let mut engine = Self {
            seed,
            rng,
            now: 0,
            paused: false,
            speed: 1.0,
            remote: None,
            carry_ns: 0.0,
            rate: sc.traffic.rate,
            next_arrival: u64::MAX,
            replicas: sc.replicas.max(1),
            ring,
            ring_points: Arc::from(Vec::new()),
            shares: Vec::new(),
            servers,
            next_epoch,
            retired: VecDeque::new(),
            defaults: sc.server_defaults,
            breaker_config,
            bucket_config,
            tenant_sampler: Sampler::new(sc.traffic.tenants, sc.traffic.tenant_popularity),
            key_sampler: Sampler::new(sc.traffic.keys, sc.traffic.key_popularity),
            key_hashes,
            tenants,
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

    /// Apply a command now. On error nothing changes; on success an event-log line is added
    /// (jumps add none: they land on exactly what a fresh run shows at that time).
    ///
    /// Commands that change what is simulated ([`Command::is_recorded`]) are recorded in the
    /// session log with the current virtual time; see [`Engine::session`].
    pub fn apply(&mut self, command: Command) -> Result<(), SimError> {
        let recorded = command.is_recorded().then(|| {
            // Whatever is due now (scripted events at time 0 before the first advance) happens
            // first, as it will in a replay, where a live command fires last at its instant.
            self.advance(0);
            self.make_explicit(&command)
        });
        self.apply_as(command, LogKind::Command)?;
        if let Some(c) = recorded {
            self.record(c);
        }
        Ok(())
    }

    /// The command with its implicit parts pinned down as they are right now: an auto server
    /// name, the hottest tenant of a burst.
    fn make_explicit(&self, command: &Command) -> Command {
        match command {
            Command::AddServer { name: None } => Command::AddServer {
                name: Some(auto_server_name(|n| self.ring.contains(n))),
            },
            Command::AddServer { name: Some(n) } => Command::AddServer {
                name: Some(n.trim().to_string()),
            },
            Command::Burst {
                tenant: None,
                requests,
            } => Command::Burst {
                tenant: Some(self.tenants[self.hottest_tenant() as usize].name.clone()),
                requests: *requests,
            },
            other => other.clone(),
        }
    }

    fn record(&mut self, command: Command) {
        if self.session.len() >= SESSION_COMMANDS {
            self.session_truncated = true;
            return;
        }
        let mut v = Vec::with_capacity(self.session.len() + 1);
        v.extend_from_slice(&self.session);
        v.push(SessionEntry {
            at_ns: self.now,
            command,
        });
        self.session = v.into();
    }

    /// This session so far (since the start or the last reset): the scenario, the seed and
    /// every recorded live command at its virtual time. See [`SessionLog::to_scenario`].
    pub fn session(&self) -> SessionLog {
        SessionLog {
            scenario: self.scenario.clone(),
            seed: self.seed,
            entries: self.session.clone(),
            truncated: self.session_truncated,
        }
    }

    /// Virtual times of the scripted (non-`live`) timeline events, in order.
    pub fn scripted_times(&self) -> impl Iterator<Item = u64> + '_ {
        self.scenario.scripted_times()
    }

    /// Where [`Command::NextEvent`] would land, if anywhere.
    pub fn next_event_time(&self) -> Option<u64> {
        self.scripted_times().find(|&t| t > self.now)
    }

    /// Where [`Command::PreviousEvent`] would land: the last scripted event at least
    /// [`PREV_GRACE_NS`] before now, or the start (0).
    pub fn previous_event_time(&self) -> u64 {
        self.scripted_times()
            .filter(|&t| t.saturating_add(PREV_GRACE_NS) <= self.now)
            .last()
            .unwrap_or(0)
    }

    /// Move to virtual time `at_ns`. Forward: advance. Backward: rebuild from the scenario
    /// and seed, replay the recorded live commands up to `at_ns` at their exact times (the
    /// later ones are dropped), advance to `at_ns`. Speed and pause state are kept.
    fn jump_to(&mut self, at_ns: u64) -> Result<(), SimError> {
        if self.remote.is_some() {
            return Err(SimError::InvalidConfig(
                "jumps need the in-memory limiter: a shared limiter keeps its own clock, so a \
                 re-run would not be deterministic"
                    .into(),
            ));
        }
        if at_ns >= self.now {
            self.advance(at_ns - self.now);
            self.carry_ns = 0.0;
            return Ok(());
        }
        let mut fresh = Self::build(self.scenario.clone(), self.seed)?;
        // The entries are already explicit, so they are applied as they are and the session
        // is rebuilt once at the end (recording each one would copy the log every time).
        let mut replayed = Vec::new();
        for e in self.session.iter().take_while(|e| e.at_ns <= at_ns) {
            fresh.advance(e.at_ns - fresh.now);
            match fresh.apply_as(e.command.clone(), LogKind::Command) {
                Ok(()) => replayed.push(e.clone()),
                Err(err) => push_log(
                    &mut fresh.log,
                    fresh.now,
                    LogKind::Error,
                    format!("replayed command skipped: {err}"),
                ),
            }
        }
        fresh.session = replayed.into();
        fresh.advance(at_ns - fresh.now);
        fresh.speed = self.speed;
        fresh.paused = self.paused;
        *self = fresh;
        Ok(())
    }

    fn apply_as(&mut self, command: Command, kind: LogKind) -> Result<(), SimError> {
        let now = self.now;
        let text = match command {
            Command::AddServer { name } => {
                let name = match name {
                    Some(n) => n.trim().to_string(),
                    None => auto_server_name(|n| self.ring.contains(n)),
                };
                if self.ring.contains(&name) {
                    return Err(SimError::DuplicateServer(name));
                }
                let server =
                    SimServer::new(name.clone(), 1.0, self.next_epoch, self.breaker_config)?;
                let before = self.ring.clone();
                let id = self.ring.add(&name)?;
                self.next_epoch += 1;
                let slot = id.0 as usize;
                if self.servers.len() <= slot {
                    self.servers.resize_with(slot + 1, || None);
                }
                self.servers[slot] = Some(server);
                self.rebuild_ring_tables();
                let n = before.len();
                let ch = self.membership_change(
                    &before,
                    MembershipAction::AddServer,
                    &name,
                    1.0 / (n + 1) as f64,
                );
                format!(
                    "added server {name}: {:.1}% of keys moved (ideal {:.1}%)",
                    ch.0 * 100.0,
                    ch.1 * 100.0
                )
            }
            Command::RemoveServer(name) => {
                let id = self
                    .ring
                    .id_of(&name)
                    .ok_or_else(|| SimError::UnknownServer(name.clone()))?;
                if self.ring.len() <= 1 {
                    return Err(SimError::LastServer(name));
                }
                let before = self.ring.clone();
                self.ring.remove(&name)?;
                if let Some(srv) = self.servers.get_mut(id.0 as usize).and_then(Option::take) {
                    push_bounded(
                        &mut self.retired,
                        RetiredServer {
                            name: srv.name,
                            requests: srv.requests,
                            transitions: srv.transitions.into_iter().collect(),
                            removed_at_ns: now,
                        },
                        MEMBERSHIP_CHANGES,
                    );
                }
                self.rebuild_ring_tables();
                let n = before.len();
                let ch = self.membership_change(
                    &before,
                    MembershipAction::RemoveServer,
                    &name,
                    1.0 / n as f64,
                );
                format!(
                    "removed server {name}: {:.1}% of keys moved (ideal {:.1}%)",
                    ch.0 * 100.0,
                    ch.1 * 100.0
                )
            }
            Command::SetWeight { server, weight } => {
                let id = self
                    .ring
                    .id_of(&server)
                    .ok_or_else(|| SimError::UnknownServer(server.clone()))?;
                let before = self.ring.clone();
                let share_before = self.shares.get(id.0 as usize).copied().unwrap_or(0.0);
                self.ring.set_weight(&server, weight)?;
                if let Some(Some(s)) = self.servers.get_mut(id.0 as usize) {
                    s.weight = weight;
                }
                self.rebuild_ring_tables();
                let share_after = self.shares.get(id.0 as usize).copied().unwrap_or(0.0);
                let ideal = (share_after - share_before).abs();
                let ch =
                    self.membership_change(&before, MembershipAction::SetWeight, &server, ideal);
                format!(
                    "weight of {server} set to {weight}: {:.1}% of keys moved (share change {:.1}%)",
                    ch.0 * 100.0,
                    ch.1 * 100.0
                )
            }
            Command::InjectFault { server, fault } => {
                validate_fault(&fault)?;
                let srv = self.server_mut(&server)?;
                srv.fault = Some(fault);
                srv.fault_since = now;
                format!("fault injected on {server}: {}", fault_text(&fault))
            }
            Command::Heal { server } => {
                let srv = self.server_mut(&server)?;
                srv.fault = None;
                format!("healed {server}")
            }
            Command::SetRate(rate) => {
                let old = self.set_rate(rate)?;
                format!("traffic rate {} → {} req/s", fmt_rate(old), fmt_rate(rate))
            }
            Command::ScaleRate(factor) => {
                if !factor.is_finite() || factor <= 0.0 {
                    return Err(SimError::InvalidFactor(factor));
                }
                let rate = self.rate * factor;
                let old = self.set_rate(rate)?;
                format!(
                    "traffic rate ×{factor}: {} → {} req/s",
                    fmt_rate(old),
                    fmt_rate(rate)
                )
            }
            Command::Burst { tenant, requests } => {
                if requests == 0 {
                    return Err(SimError::EmptyBurst);
                }
                let t = match tenant {
                    Some(name) => {
                        self.tenants
                            .iter()
                            .position(|t| t.name == name)
                            .ok_or(SimError::UnknownTenant(name))? as u32
                    }
                    None => self.hottest_tenant(),
                };
                if let Some(r) = self.remote.as_mut() {
                    // One pipelined round trip for the whole burst.
                    let keys: Vec<u32> = (0..requests)
                        .map(|_| self.key_sampler.sample(&mut self.rng))
                        .collect();
                    let name = self.tenants[t as usize].name.as_str();
                    let batch = vec![(name, 1); keys.len()];
                    let mut decisions = Vec::with_capacity(batch.len());
                    r.backend.check_many(self.now, &batch, &mut decisions);
                    // A short answer from the backend leaves the rest to single checks.
                    let mut decisions = decisions.into_iter();
                    for key in keys {
                        self.request_decided(t, key, 0, decisions.next());
                    }
                } else {
                    for _ in 0..requests {
                        let key = self.key_sampler.sample(&mut self.rng);
                        self.request(t, key, 0);
                    }
                }
                format!(
                    "burst of {requests} requests from {}",
                    self.tenants[t as usize].name
                )
            }
            Command::SetRefillRate(rate) => {
                let cfg = BucketConfig::new(self.bucket_config.capacity(), rate)?;
                self.set_bucket_config(cfg);
                format!("token refill rate set to {} tokens/s", fmt_rate(rate))
            }
            Command::SetCapacity(capacity) => {
                let cfg = BucketConfig::new(capacity, self.bucket_config.refill_per_sec())?;
                self.set_bucket_config(cfg);
                format!("token bucket capacity set to {capacity}")
            }
            Command::SetBreaker(p) => {
                let cfg = self.apply_breaker_params(p)?;
                format!(
                    "breakers: open after {} failures, probe after {}, close after {} successes, {} probe(s)",
                    cfg.failure_threshold(),
                    format_duration(cfg.recovery_timeout_ns()),
                    cfg.success_threshold(),
                    cfg.half_open_max_probes()
                )
            }
            Command::Pause => {
                self.paused = true;
                "paused".to_string()
            }
            Command::Resume => {
                self.paused = false;
                "resumed".to_string()
            }
            Command::TogglePause => {
                self.paused = !self.paused;
                if self.paused { "paused" } else { "resumed" }.to_string()
            }
            Command::Step => {
                self.advance(STEP_NS);
                format!("stepped {}", format_duration(STEP_NS))
            }
            Command::SetSpeed(_) | Command::SpeedUp | Command::SlowDown
                if self.remote.is_some() =>
            {
                return Err(SimError::InvalidConfig(format!(
                    "speed cannot change with the shared limiter {}: its buckets refill on the \
                     Redis server's clock, so virtual time runs at wall-clock speed (pause works)",
                    self.remote
                        .as_ref()
                        .map(|r| r.backend.describe())
                        .unwrap_or_default()
                )));
            }
            Command::SetSpeed(speed) => {
                if !speed.is_finite() || !(MIN_SPEED..=MAX_SPEED).contains(&speed) {
                    return Err(SimError::InvalidSpeed {
                        got: speed,
                        min: MIN_SPEED,
                        max: MAX_SPEED,
                    });
                }
                self.speed = speed;
                format!("speed ×{speed}")
            }
            Command::SpeedUp => {
                self.speed = (self.speed * 2.0).min(MAX_SPEED);
                format!("speed ×{}", self.speed)
            }
            Command::SlowDown => {
                self.speed = (self.speed / 2.0).max(MIN_SPEED);
                format!("speed ×{}", self.speed)
            }
            Command::Reset => {
                let mut fresh = Self::build(self.scenario.clone(), self.seed)?;
                fresh.speed = self.speed;
                fresh.paused = self.paused;
                // Arrivals drawn ahead for the old timeline do not belong to the new one.
                fresh.remote = self.remote.take().map(|mut r| {
                    r.prefetched.clear();
                    r
                });
                *self = fresh;
                "reset to the start of the scenario".to_string()
            }
            Command::NextEvent => {
                let at = self.next_event_time().ok_or(SimError::NoEvent("next"))?;
                return self.jump_to(at);
            }
            Command::PreviousEvent => {
                if self.now == 0 {
                    return Err(SimError::NoEvent("previous"));
                }
                return self.jump_to(self.previous_event_time());
            }
            Command::JumpTo(at) => return self.jump_to(at),
        };
        push_log(&mut self.log, self.now, kind, text);
        Ok(())
    }

    fn server_mut(&mut self, name: &str) -> Result<&mut SimServer, SimError> {
        let id = self
            .ring
            .id_of(name)
            .ok_or_else(|| SimError::UnknownServer(name.to_string()))?;
        self.servers
            .get_mut(id.0 as usize)
            .and_then(Option::as_mut)
            .ok_or_else(|| SimError::UnknownServer(name.to_string()))
    }

    fn set_bucket_config(&mut self, cfg: BucketConfig) {
        self.bucket_config = cfg;
        for t in &mut self.tenants {
            t.bucket.set_config(cfg, self.now);
        }
        if let Some(r) = &mut self.remote {
            // Validated above by BucketConfig::new; a backend range error keeps the old one.
            let _ = r.backend.set_config(cfg, self.now);
        }
    }

    fn apply_breaker_params(&mut self, p: BreakerParams) -> Result<BreakerConfig, SimError> {
        let mut b = self.breaker_config.to_builder();
        if let Some(v) = p.failure_threshold {
            b = b.failure_threshold(v);
        }
        if let Some(v) = p.recovery_timeout_ms {
            b = b.recovery_timeout_ns(v.saturating_mul(1_000_000));
        }
        if let Some(v) = p.success_threshold {
            b = b.success_threshold(v);
        }
        if let Some(v) = p.half_open_probes {
            b = b.half_open_max_probes(v);
        }
        // Validated before any breaker changes, so an error changes nothing.
        let cfg = b.build()?;
        for srv in self.servers.iter_mut().flatten() {
            srv.breaker.set_config(cfg);
        }
        self.breaker_config = cfg;
        Ok(cfg)
    }

    fn hottest_tenant(&self) -> u32 {
        let mut best = 0usize;
        let mut best_demand = 0u64;
        for (i, t) in self.tenants.iter().enumerate() {
            let d = t.allowed + t.denied;
            if d > best_demand {
                best = i;
                best_demand = d;
            }
        }
        best as u32
    }

    /// Record a membership change against `before` (the ring tables are already rebuilt);
    /// returns (moved, ideal).
    fn membership_change(
        &mut self,
        before: &HashRing,
        action: MembershipAction,
        server: &str,
        ideal: f64,
    ) -> (f64, f64) {
        let moved = HashRing::moved_fraction(before, &self.ring, &self.key_hashes);
        push_bounded(
            &mut self.membership,
            MembershipChange {
                at_ns: self.now,
                action,
                server: server.to_string(),
                servers_before: before.len(),
                servers_after: self.ring.len(),
                moved_fraction: moved,
                ideal_fraction: ideal,
            },
            MEMBERSHIP_CHANGES,
        );
        (moved, ideal)
    }

    fn rebuild_ring_tables(&mut self) {
        self.ring_points = self
            .ring
            .points()
            .map(|(position, id)| RingPoint {
                position,
                server: id.0,
            })
            .collect();
        self.shares = vec![0.0; self.servers.len()];
        for (id, share) in self.ring.shares() {
            if let Some(s) = self.shares.get_mut(id.0 as usize) {
                *s = share;
            }
        }
    }

    /// Change the offered rate (validated) and redraw the next arrival; returns the old rate.
    fn set_rate(&mut self, rate: f64) -> Result<f64, SimError> {
        check_rate(rate)?;
        let old = std::mem::replace(&mut self.rate, rate);
        self.schedule_next_arrival();
        Ok(old)
    }

    fn schedule_next_arrival(&mut self) {
        self.next_arrival = if self.rate > 0.0 {
            self.now
                .saturating_add(exp_interval_ns(&mut self.rng, self.rate))
        } else {
            u64::MAX
        };
    }

    /// Advance virtual time by exactly `dt_ns`, processing every event due, in time order
    /// (ignores pause and speed: this is the raw clock used by headless runs and tests).
    ///
    /// Ties at the same nanosecond are processed as: second boundary, timeline event,
    /// queued completion/retry (in scheduling order), new arrival, and last a recorded live
    /// command (a `live` timeline event), as it was applied live after an advance.
    pub fn advance(&mut self, dt_ns: u64) {
        let target = self.now.saturating_add(dt_ns);
        self.prefetch_arrivals(target);
        loop {
            let next_second = (self.current.second + 1).saturating_mul(NS);
            let (next_timeline, live) = self
                .scenario
                .events
                .get(self.timeline_next)
                .map_or((u64::MAX, false), |e| (e.at_ns, e.live));
            let next_queue = self.queue.peek_time().unwrap_or(u64::MAX);
            let t = next_second
                .min(next_timeline)
                .min(next_queue)
                .min(self.next_arrival);
            if t > target {
                break;
            }
            self.now = self.now.max(t);
            if t == next_second {
                self.roll_second();
            } else if t == next_timeline && !live {
                self.fire_timeline();
            } else if t == next_queue {
                if let Some((at, kind)) = self.queue.pop() {
                    self.handle_pending(at, kind);
                }
            } else if t != self.next_arrival {
                // A recorded live command: everything else due at `t` has been processed.
                self.fire_timeline();
            } else if let Some(p) = self.remote.as_mut().and_then(|r| r.prefetched.pop_front()) {
                self.request_decided(p.tenant, p.key, 0, p.decision);
                let r = self
                    .remote
                    .as_ref()
                    .expect("prefetched implies a remote backend");
                self.next_arrival = r.prefetched.front().map_or(r.after_prefetch, |p| p.at);
            } else {
                let tenant = self.tenant_sampler.sample(&mut self.rng);
                let key = self.key_sampler.sample(&mut self.rng);
                self.request(tenant, key, 0);
                self.next_arrival = t.saturating_add(exp_interval_ns(&mut self.rng, self.rate));
            }
        }
        self.now = target;
    }

    /// With a shared backend, draw the arrivals due by `target` now and check all their
    /// tenants in one pipelined batch, instead of one round trip per request. (Retries and
    /// bursts are checked when they happen; bursts as one batch too.)
    fn prefetch_arrivals(&mut self, target: u64) {
        let Some(remote) = self.remote.as_mut() else {
            return;
        };
        if !remote.prefetched.is_empty() {
            return;
        }
        let mut at = self.next_arrival;
        let mut drawn: Vec<(u64, u32, u32)> = Vec::new();
        while at <= target && drawn.len() < MAX_BATCH {
            let tenant = self.tenant_sampler.sample(&mut self.rng);
            let key = self.key_sampler.sample(&mut self.rng);
            drawn.push((at, tenant, key));
            at = at.saturating_add(exp_interval_ns(&mut self.rng, self.rate));
        }
        if drawn.is_empty() {
            return;
        }
        let names: Vec<(&str, u32)> = drawn
            .iter()
            .map(|&(_, tenant, _)| (self.tenants[tenant as usize].name.as_str(), 1))
            .collect();
        let mut decisions = Vec::with_capacity(names.len());
        remote.backend.check_many(self.now, &names, &mut decisions);
        let mut decisions = decisions.into_iter();
        remote
            .prefetched
            .extend(drawn.into_iter().map(|(at, tenant, key)| Prefetched {
                at,
                tenant,
                key,
                decision: decisions.next(),
            }));
        remote.after_prefetch = at;
        self.next_arrival = remote.prefetched.front().map_or(at, |p| p.at);
    }

    /// Advance by `wall_dt_ns` of wall time scaled by the speed; nothing while paused.
    /// This is what a live UI calls every frame.
    pub fn tick(&mut self, wall_dt_ns: u64) {
        if self.paused {
            return;
        }
        let dt = wall_dt_ns as f64 * self.speed + self.carry_ns;
        let whole = dt.floor();
        self.carry_ns = dt - whole;
        self.advance(whole as u64);
    }

    /// Advance virtual time by one step ([`STEP_NS`]), even when paused.
    pub fn step(&mut self) {
        self.advance(STEP_NS);
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

    /// Precomputed hash of every request key (`key-0`, `key-1`, …): the active key population.
    pub fn key_hashes(&self) -> &[Position] {
        &self.key_hashes
    }

    /// Request totals so far.
    pub fn totals(&self) -> Totals {
        self.totals
    }

    /// Servers removed during the run (bounded), oldest first.
    pub fn retired_servers(&self) -> impl Iterator<Item = &RetiredServer> {
        self.retired.iter()
    }

    /// Membership changes so far (bounded), oldest first.
    pub fn snapshot_membership(&self) -> Vec<MembershipChange> {
        self.membership.iter().cloned().collect()
    }

    /// Sizes of the bounded internal structures.
    pub fn sizes(&self) -> Sizes {
        Sizes {
            queue: self.queue.len(),
            series: self.series.len(),
            log: self.log.len(),
            recent: self.recent.len(),
            membership: self.membership.len(),
            max_transitions: self
                .servers
                .iter()
                .flatten()
                .map(|s| s.transitions.len())
                .max()
                .unwrap_or(0),
            retired: self.retired.len(),
        }
    }

    fn roll_second(&mut self) {
        push_bounded(&mut self.series, self.current, SERIES_SECONDS);
        self.current = SecondSample {
            second: self.current.second + 1,
            ..SecondSample::default()
        };
        for srv in self.servers.iter_mut().flatten() {
            srv.last_second = srv.this_second;
            srv.this_second = 0;
        }
    }

    fn fire_timeline(&mut self) {
        let Some(ev) = self.scenario.events.get(self.timeline_next).cloned() else {
            return;
        };
        self.timeline_next += 1;
        if let Some(c) = &ev.caption {
            self.caption = Some(Caption {
                at_ns: self.now,
                text: c.as_str().into(),
            });
        }
        let kind = if ev.live {
            LogKind::Command
        } else {
            LogKind::Scenario
        };
        if let Some(cmd) = ev.command
            && let Err(e) = self.apply_as(cmd, kind)
        {
            push_log(
                &mut self.log,
                self.now,
                LogKind::Error,
                format!("scenario event skipped: {e}"),
            );
        }
    }

    fn handle_pending(&mut self, at: u64, kind: PendingKind) {
        match kind {
            PendingKind::Complete {
                server,
                epoch,
                permit,
                outcome,
            } => {
                if let Some(Some(srv)) = self.servers.get_mut(server as usize)
                    && srv.epoch == epoch
                {
                    srv.in_flight = srv.in_flight.saturating_sub(1);
                    srv.breaker.record(permit, outcome, at);
                    note_transitions(srv, &mut self.log);
                }
            }
            PendingKind::Retry {
                tenant,
                key,
                attempt,
            } => self.request(tenant, key, attempt),
        }
    }

    fn push_pending(&mut self, at: u64, kind: PendingKind) {
        self.queue.push(at, kind);
    }

    fn maybe_retry(&mut self, tenant: u32, key: u32, attempt: u8, known_at: u64) {
        if u32::from(attempt) >= self.scenario.traffic.retries {
            return;
        }
        let tr = &self.scenario.traffic;
        let base = tr.retry_backoff_ns as f64 * f64::from(1u32 << attempt.min(20));
        let jitter = tr.retry_jitter * (2.0 * unit_f64(&mut self.rng) - 1.0);
        let backoff = (base * (1.0 + jitter)).max(1.0) as u64;
        self.push_pending(
            known_at.saturating_add(backoff),
            PendingKind::Retry {
                tenant,
                key,
                attempt: attempt + 1,
            },
        );
    }

    fn record_recent(
        &mut self,
        position: Position,
        server: Option<u32>,
        outcome: RequestOutcome,
        failed_over: bool,
    ) {
        let request = RecentRequest {
            at_ns: self.now,
            position,
            server,
            outcome,
            failed_over,
        };
        push_bounded(&mut self.recent, request, RECENT_REQUESTS);
    }

    /// One request attempt at `self.now`: limiter → ring owners → breakers → server.
    fn request(&mut self, tenant: u32, key: u32, attempt: u8) {
        self.request_decided(tenant, key, attempt, None);
    }

    /// [`request`](Self::request) with the limiter decision already taken by a batched
    /// shared-backend check (`None`: decide now).
    fn request_decided(
        &mut self,
        tenant: u32,
        key: u32,
        attempt: u8,
        decided: Option<Result<Decision, LimiterError>>,
    ) {
        let now = self.now;
        self.totals.requests += 1;
        if attempt > 0 {
            self.totals.retries += 1;
        }
        let hash = self.key_hashes[key as usize];
        let t = &mut self.tenants[tenant as usize];
        let allowed = match &mut self.remote {
            Some(r) => {
                // Failures are decided by the backend's declared policy, inside `check`.
                let d = decided.unwrap_or_else(|| r.backend.check(&t.name, now, 1));
                t.remote_tokens = d.as_ref().ok().map(|d| d.remaining);
                d.map(|d| d.allowed).unwrap_or(false)
            }
            None => t.bucket.check(now, 1).map(|d| d.allowed).unwrap_or(false),
        };
        if !allowed {
            t.denied += 1;
            self.totals.rate_limited += 1;
            self.current.rate_limited += 1;
            self.record_recent(hash, None, RequestOutcome::RateLimited, false);
            self.maybe_retry(tenant, key, attempt, now);
            return;
        }
        t.allowed += 1;
        self.current.allowed += 1;

        // Find the first candidate owner whose breaker admits the call.
        let mut chosen: Option<(ServerId, Permit, bool)> = None;
        for (i, (id, _)) in self.ring.owners_of(hash, self.replicas).enumerate() {
            let Some(Some(srv)) = self.servers.get_mut(id.0 as usize) else {
                continue;
            };
            let result = srv.breaker.acquire(now);
            note_transitions(srv, &mut self.log);
            if let Ok(permit) = result {
                chosen = Some((id, permit, i > 0));
                break;
            }
        }
        let Some((id, permit, failed_over)) = chosen else {
            self.totals.short_circuited += 1;
            self.current.short_circuited += 1;
            self.record_recent(hash, None, RequestOutcome::ShortCircuited, false);
            self.maybe_retry(tenant, key, attempt, now);
            return;
        };

        let bits = self.rng.next_u64();
        let d = self.defaults;
        let Some(Some(srv)) = self.servers.get_mut(id.0 as usize) else {
            return;
        };
        srv.requests += 1;
        srv.this_second += 1;
        let down = is_down(srv.fault, srv.fault_since, now);
        let (outcome, done_at) = if down || srv.in_flight >= d.capacity {
            // Refused or overloaded: fails at once, recorded at once.
            srv.breaker.record(permit, Outcome::Failure, now);
            note_transitions(srv, &mut self.log);
            (Outcome::Failure, now)
        } else {
            let mult = self.latency_mult[(bits as usize) & (LATENCY_TABLE - 1)];
            let extra = match srv.fault {
                Some(Fault::Slow { latency_ms }) => latency_ms.saturating_mul(1_000_000),
                _ => 0,
            };
            let mut latency = ((d.latency_ns as f64 * mult) as u64)
                .saturating_add(extra)
                .max(1);
            let mut error_p = d.error_rate;
            if let Some(Fault::Errors { rate }) = srv.fault {
                error_p = 1.0 - (1.0 - error_p) * (1.0 - rate);
            }
            let outcome = if latency > d.timeout_ns {
                latency = d.timeout_ns;
                Outcome::Failure
            } else if error_p > 0.0 && ((bits >> 12) as f64 * (1.0 / (1u64 << 52) as f64)) < error_p
            {
                Outcome::Failure
            } else {
                Outcome::Success
            };
            srv.in_flight += 1;
            let epoch = srv.epoch;
            self.hist.saturating_record((latency / 1_000).max(1));
            let done_at = now.saturating_add(latency);
            self.push_pending(
                done_at,
                PendingKind::Complete {
                    server: id.0,
                    epoch,
                    permit,
                    outcome,
                },
            );
            (outcome, done_at)
        };
        if failed_over {
            self.totals.failed_over += 1;
            self.current.failed_over += 1;
        }
        match outcome {
            Outcome::Success => {
                self.totals.succeeded += 1;
                self.current.succeeded += 1;
                self.record_recent(hash, Some(id.0), RequestOutcome::Succeeded, failed_over);
            }
            Outcome::Failure => {
                self.totals.failed += 1;
                self.current.failed += 1;
                self.record_recent(hash, Some(id.0), RequestOutcome::Failed, failed_over);
                self.maybe_retry(tenant, key, attempt, done_at);
            }
        }
    }

    /// Decide tenant checks with a shared backend (e.g. Redis) instead of the in-memory
    /// buckets. Such a backend keeps time on its own clock, so the engine must then be
    /// advanced in real time; speed changes are refused (pause still works).
    pub fn set_limiter_backend(&mut self, backend: Box<dyn SharedLimiter>) {
        self.speed = 1.0;
        self.remote = Some(Remote {
            backend,
            prefetched: VecDeque::new(),
            after_prefetch: 0,
        });
    }

    /// Health of the shared limiter backend, if one is configured.
    pub fn limiter_health(&self) -> Option<LimiterStatus> {
        self.remote.as_ref().map(|r| r.backend.status())
    }

    /// Whether a shared limiter backend decides tenant checks (virtual time = wall time).
    pub fn has_shared_limiter(&self) -> bool {
        self.remote.is_some()
    }

    /// Tenants sorted by demand (allowed + denied, most first; ties by index), at most `limit`.
    pub fn tenant_stats(&self, limit: usize) -> Vec<TenantSnapshot> {
        let mut order: Vec<usize> = (0..self.tenants.len()).collect();
        order.sort_by_key(|&i| {
            (
                std::cmp::Reverse(self.tenants[i].allowed + self.tenants[i].denied),
                i,
            )
        });
        order
            .into_iter()
            .take(limit)
            .map(|i| {
                let t = &self.tenants[i];
                TenantSnapshot {
                    name: t.name.clone(),
                    tokens: match (&self.remote, t.remote_tokens) {
                        (Some(_), Some(tokens)) => tokens,
                        (Some(_), None) => f64::from(self.bucket_config.capacity()),
                        (None, _) => t.bucket.tokens_at(self.now),
                    },
                    capacity: self.bucket_config.capacity(),
                    allowed: t.allowed,
                    denied: t.denied,
                }
            })
            .collect()
    }

    /// Latency percentiles of calls that reached a server.
    pub fn latency(&self) -> Latency {
        let h = &self.hist;
        if h.is_empty() {
            return Latency::default();
        }
        let ms = |us: u64| us as f64 / 1000.0;
        Latency {
            p50: ms(h.value_at_quantile(0.5)),
            p99: ms(h.value_at_quantile(0.99)),
            p999: ms(h.value_at_quantile(0.999)),
            max: ms(h.max()),
            count: h.len(),
        }
    }

    /// Current servers, sorted by name.
    pub fn server_stats(&self) -> Vec<ServerSnapshot> {
        self.ring
            .servers()
            .into_iter()
            .filter_map(|(id, _)| {
                let s = self.servers.get(id.0 as usize)?.as_ref()?;
                let c = s.breaker.counters();
                let down_now = is_down(s.fault, s.fault_since, self.now);
                Some(ServerSnapshot {
                    name: s.name.clone(),
                    id: id.0,
                    weight: s.weight,
                    share: self.shares.get(id.0 as usize).copied().unwrap_or(0.0),
                    requests_per_sec: s.last_second,
                    requests: s.requests,
                    load: f64::from(s.in_flight) / f64::from(self.defaults.capacity),
                    in_flight: s.in_flight,
                    breaker: map_state(s.breaker.state()),
                    transitions: s.transitions.iter().cloned().collect(),
                    counters: BreakerCounters {
                        calls: c.calls,
                        successes: c.successes,
                        failures: c.failures,
                        rejected: c.rejected,
                    },
                    fault: s.fault,
                    down_now,
                })
            })
            .collect()
    }

    /// Everything the dashboard draws, as owned data.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            now_ns: self.now,
            paused: self.paused,
            speed: self.speed,
            seed: self.seed,
            scenario: self.scenario.name.clone(),
            rate: self.rate,
            replicas: self.replicas,
            servers: self.server_stats(),
            ring_points: self.ring_points.clone(),
            recent_requests: self.recent.iter().copied().collect(),
            tenants: self.tenant_stats(SNAPSHOT_TENANTS),
            tenant_count: self.tenants.len(),
            totals: self.totals,
            series: self.series.iter().copied().collect(),
            latency: self.latency(),
            membership_changes: self.membership.iter().cloned().collect(),
            log: self.log.iter().cloned().collect(),
            caption: self.caption.clone(),
            session: self.session(),
            limiter: LimiterInfo {
                backend: self
                    .remote
                    .as_ref()
                    .map_or_else(|| "memory".to_string(), |r| r.backend.describe()),
                capacity: self.bucket_config.capacity(),
                refill_per_sec: self.bucket_config.refill_per_sec(),
                health: self.limiter_health(),
            },
        }
    }
}

impl SimServer {
    fn new(name: String, weight: f64, epoch: u64, config: BreakerConfig) -> Result<Self, SimError> {
        let breaker = CircuitBreaker::new(config);
        let seen_generation = breaker.generation();
        Ok(Self {
            name,
            weight,
            epoch,
            breaker,
            seen_generation,
            transitions: VecDeque::new(),
            fault: None,
            fault_since: 0,
            in_flight: 0,
            requests: 0,
            this_second: 0,
            last_second: 0,
        })
    }
}

/// Whether a server with `fault` (injected at `since`) refuses calls at `now`: always when
/// down; when flapping, during the first half of every period.
fn is_down(fault: Option<Fault>, since: u64, now: u64) -> bool {
    match fault {
        Some(Fault::Down) => true,
        Some(Fault::Flapping { period_ms }) => {
            let half = (period_ms.max(2).saturating_mul(1_000_000)) / 2;
            (now.saturating_sub(since) / half).is_multiple_of(2)
        }
        _ => false,
    }
}

fn fmt_rate(r: f64) -> String {
    if r >= 1e6 {
        format!("{:.2}M", r / 1e6)
    } else if r >= 1e4 {
        format!("{:.1}k", r / 1e3)
    } else {
        format!("{r:.0}")
    }
}

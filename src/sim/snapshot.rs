//! Snapshots: plain owned data describing the whole simulation at one virtual instant.
//!
//! Built on demand by [`Engine::snapshot`](super::Engine::snapshot) (cheap enough for 60 per
//! second: large, rarely-changing tables such as the ring points are shared via `Arc` and only
//! rebuilt on membership changes). The dashboard draws these; it never borrows engine internals.

use std::sync::Arc;

use serde::Serialize;

use super::breaker_state::BreakerState;
use super::compare::Scores;

/// One breaker transition at a virtual time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TransitionRecord {
    /// Virtual time (ns).
    pub at_ns: u64,
    /// State before.
    pub from: BreakerState,
    /// State after.
    pub to: BreakerState,
    /// Why, e.g. `failure_threshold`, `recovery_timeout`, `probe_failed`, `probes_succeeded`.
    pub reason: &'static str,
}

/// Breaker call counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct BreakerCounters {
    /// Calls admitted.
    pub calls: u64,
    /// Successes recorded.
    pub successes: u64,
    /// Failures recorded.
    pub failures: u64,
    /// Calls rejected.
    pub rejected: u64,
}

/// Where a breaker stands on its way to its next transition: its thresholds (read from its
/// configuration, which a live command may change) and the counts that approach them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BreakerProgress {
    /// Consecutive failures counted while closed.
    pub consecutive_failures: u32,
    /// Consecutive failures that open a closed breaker.
    pub failure_threshold: u32,
    /// Probe successes counted in the current half-open period.
    pub probe_successes: u32,
    /// Probe successes that close a half-open breaker.
    pub success_threshold: u32,
    /// While open: the virtual time (ns) from which the next call is let through as a probe
    /// (at or before now: the next call probes). `None` when not open.
    pub probe_at_ns: Option<u64>,
    /// Held open or closed by an operator (no automatic transition until reset).
    pub forced: bool,
    /// Under a window policy (`count-window`, `time-window`): the window's calls and
    /// failures, which then decide instead of the consecutive failures.
    pub window: Option<WindowProgress>,
}

/// A window policy's window as of now, and its thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WindowProgress {
    /// Calls in the window.
    pub calls: u64,
    /// Of those, failures.
    pub failures: u64,
    /// Calls the window must hold before it is judged.
    pub minimum_calls: u32,
    /// Failure rate (%) that opens the breaker.
    pub failure_rate_percent: u32,
}

/// A server removed from the ring, kept in snapshots while its history may still be drawn
/// (removed less than [`DEPARTED_KEPT_NS`](super::DEPARTED_KEPT_NS) ago).
#[derive(Debug, Clone, PartialEq)]
pub struct DepartedServer {
    /// Name.
    pub name: String,
    /// When it joined the ring (ns; 0 for the scenario's initial servers).
    pub joined_at_ns: u64,
    /// When it was removed (ns).
    pub removed_at_ns: u64,
    /// Its breaker state when it was removed.
    pub breaker: BreakerState,
    /// Its breaker transitions, oldest first (bounded).
    pub transitions: Vec<TransitionRecord>,
    /// Its breaker counters when it was removed.
    pub counters: BreakerCounters,
}

/// A fault as shown to users.
pub use super::command::Fault;

/// One server.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerSnapshot {
    /// Name.
    pub name: String,
    /// Ring id (stable while the server is a member; ring points refer to it).
    pub id: u32,
    /// Weight (vnodes = round(vnodes × weight)).
    pub weight: f64,
    /// Exact share of the hash space, 0..=1.
    pub share: f64,
    /// Requests dispatched to it during the last complete virtual second.
    pub requests_per_sec: u64,
    /// Requests dispatched to it in total.
    pub requests: u64,
    /// In-flight calls divided by its concurrency capacity (0..=1).
    pub load: f64,
    /// In-flight calls.
    pub in_flight: u32,
    /// Current breaker state.
    pub breaker: BreakerState,
    /// Recent breaker transitions, oldest first (bounded).
    pub transitions: Vec<TransitionRecord>,
    /// Breaker counters.
    pub counters: BreakerCounters,
    /// Progress of the breaker toward its next transition.
    pub progress: BreakerProgress,
    /// When it joined the ring (ns; 0 for the scenario's initial servers).
    pub joined_at_ns: u64,
    /// Injected fault, if any.
    pub fault: Option<Fault>,
    /// Whether the server is refusing calls right now (down, or flapping and in its down half).
    pub down_now: bool,
    /// Whether its breaker would admit a call now (closed; open past its recovery timeout;
    /// half-open with a probe slot free): what routing asks of each owner in turn.
    pub admits: bool,
}

/// One point of the ring, for drawing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RingPoint {
    /// Position on the ring (MD5, big-endian u128).
    pub position: u128,
    /// Owning server's id (see [`ServerSnapshot::id`]).
    pub server: u32,
}

/// How evenly the ring spreads the hash space, from the engine's exact shares
/// ([`Balance`](crate::patterns::ring::balance::Balance)): `None` when the ring is empty.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct RingBalance {
    /// Largest share times the number of servers (1: perfectly even).
    pub peak_to_mean: Option<f64>,
    /// Coefficient of variation of the shares (population standard deviation over the mean).
    pub cv: Option<f64>,
}

/// Final outcome of one request attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RequestOutcome {
    /// Served successfully.
    Succeeded,
    /// Denied by the tenant's token bucket.
    RateLimited,
    /// Every candidate owner's breaker rejected it.
    ShortCircuited,
    /// Reached a server and failed (error, timeout, down, overloaded).
    Failed,
}

/// A recent request, for drawing key positions on the ring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecentRequest {
    /// Virtual time of the attempt (ns); for a request that waited in the leaky queue,
    /// when it was sent (it arrived `waited_ns` earlier).
    pub at_ns: u64,
    /// How long it waited in the leaky queue before being sent (0 otherwise).
    pub waited_ns: u64,
    /// Index of the request key (named by [`key_name`](super::traffic::key_name)).
    pub key: u32,
    /// Hash position of the request key.
    pub position: u128,
    /// Id of the server that handled it (`None` when rate-limited or short-circuited).
    pub server: Option<u32>,
    /// Outcome.
    pub outcome: RequestOutcome,
    /// Whether a non-primary owner handled it.
    pub failed_over: bool,
}

/// One tenant (rate-limit key).
#[derive(Debug, Clone, PartialEq)]
pub struct TenantSnapshot {
    /// Name.
    pub name: String,
    /// Tokens in its bucket now (a window limiter: the room left in its window; the
    /// leaky queue: its requests waiting now; see [`LimiterInfo::algorithm`];
    /// `concurrency`: its limit less its calls in flight; `adaptive-throttling`: the % of
    /// its attempts let through, see [`LimiterInfo::shows`]).
    pub tokens: f64,
    /// Bucket capacity (a window limiter: its limit per window; the leaky queue: B;
    /// `concurrency`: its limit now; `adaptive-throttling`: 100).
    pub capacity: u32,
    /// Requests admitted by its bucket.
    pub allowed: u64,
    /// Requests denied by its bucket.
    pub denied: u64,
}

/// Request totals since the start. `requests = succeeded + rate_limited + short_circuited + failed`
/// (with the leaky queue, plus the requests still waiting: [`QueueWaits::waiting`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Totals {
    /// Request attempts generated (including retries and bursts).
    pub requests: u64,
    /// Served successfully.
    pub succeeded: u64,
    /// Denied by a token bucket.
    pub rate_limited: u64,
    /// Rejected by every candidate owner's breaker.
    pub short_circuited: u64,
    /// Reached a server and failed.
    pub failed: u64,
    /// Served or failed by a non-primary owner (a subset of succeeded + failed).
    pub failed_over: u64,
    /// Attempts that were client retries (a subset of requests).
    pub retries: u64,
    /// Client retries the retry budget refused (never made, so not in `requests`);
    /// written only when some were.
    #[serde(skip_serializing_if = "is_zero")]
    pub retries_refused: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl Totals {
    /// Requests admitted by the rate limiter.
    pub fn allowed(&self) -> u64 {
        self.requests - self.rate_limited
    }
}

/// Counts of one virtual second: the request attempts made during it (an attempt counts in
/// the second it was made, even when a timeout decides its outcome later), the same
/// quantities as [`Totals`], so the samples of a whole run add up to its totals.
/// `offered = allowed + rate_limited`, `allowed = succeeded + short_circuited + failed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct SecondSample {
    /// Virtual second index (0 = the first second, from 0 s to 1 s); `t_s` in reports.
    #[serde(rename = "t_s")]
    pub second: u64,
    /// Attempts made: Poisson arrivals, burst requests and client retries.
    pub offered: u64,
    /// Attempts that were client retries (a subset of `offered`).
    pub retries: u64,
    /// Admitted by the rate limiter.
    pub allowed: u64,
    /// Denied by the rate limiter.
    pub rate_limited: u64,
    /// Rejected by all breakers.
    pub short_circuited: u64,
    /// Reached a server and failed (refused, overloaded, error or timeout).
    pub failed: u64,
    /// Reached a server other than the key's first owner, because the breakers before it
    /// were open (a subset of `succeeded + failed`).
    pub failed_over: u64,
    /// Reached a server and succeeded.
    pub succeeded: u64,
}

/// What the leaky queue made wait (`[limiter] algorithm = "leaky-queue"`): requests
/// accepted with a send time later than their arrival, and how long they waited.
///
/// ```
/// use ringside::sim::QueueWaits;
///
/// let mut waits = QueueWaits::default();
/// waits.queue();
/// waits.queue();
/// waits.send(30_000_000);
/// assert_eq!((waits.queued, waits.waiting()), (2, 1));
/// assert_eq!((waits.mean_wait_ns(), waits.max_wait_ns), (Some(30_000_000.0), 30_000_000));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct QueueWaits {
    /// Requests that had to wait (a subset of the allowed ones).
    pub queued: u64,
    /// Of those, the ones sent so far.
    pub sent: u64,
    /// Their waits added up (ns, saturating).
    pub total_wait_ns: u64,
    /// The longest wait (ns).
    pub max_wait_ns: u64,
}

impl QueueWaits {
    /// A request starts waiting.
    pub fn queue(&mut self) {
        self.queued += 1;
    }

    /// A waiting request is sent after waiting `wait_ns`.
    pub fn send(&mut self, wait_ns: u64) {
        self.sent += 1;
        self.total_wait_ns = self.total_wait_ns.saturating_add(wait_ns);
        self.max_wait_ns = self.max_wait_ns.max(wait_ns);
    }

    /// Requests still waiting.
    pub fn waiting(&self) -> u64 {
        self.queued - self.sent
    }

    /// The mean wait of the requests sent after waiting (`None` before any).
    pub fn mean_wait_ns(&self) -> Option<f64> {
        (self.sent > 0).then(|| self.total_wait_ns as f64 / self.sent as f64)
    }
}

/// Latency percentiles of calls that reached a server (milliseconds); a request that
/// waited in the leaky queue counts its wait too.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Latency {
    /// Median.
    pub p50: f64,
    /// 99th percentile.
    pub p99: f64,
    /// 99.9th percentile.
    pub p999: f64,
    /// Maximum.
    pub max: f64,
    /// Number of calls measured.
    pub count: u64,
}

/// Kind of membership change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MembershipAction {
    /// A server joined.
    AddServer,
    /// A server left.
    RemoveServer,
    /// A server's weight changed.
    SetWeight,
    /// The vnodes per server changed (every server's points were rebuilt).
    SetVnodes,
}

impl MembershipAction {
    /// Snake-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AddServer => "add_server",
            Self::RemoveServer => "remove_server",
            Self::SetWeight => "set_weight",
            Self::SetVnodes => "set_vnodes",
        }
    }
}

/// One membership change and how many keys it moved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MembershipChange {
    /// Virtual time (ns).
    pub at_ns: u64,
    /// What happened.
    pub action: MembershipAction,
    /// Which server (empty for [`SetVnodes`](MembershipAction::SetVnodes), which changes
    /// all of them).
    pub server: String,
    /// Servers before the change.
    pub servers_before: usize,
    /// Servers after the change.
    pub servers_after: usize,
    /// Exact fraction of the request key population whose owner changed.
    pub moved_fraction: f64,
    /// Ideal fraction: 1/(N+1) on add, 1/N on remove (N = servers before); on a weight
    /// change, the change of the server's share of the hash space; 0 on a vnode change
    /// (no server joined or left).
    pub ideal_fraction: f64,
    /// Virtual nodes per server of weight 1 after the change.
    pub vnodes: u32,
    /// Size of the request key population the key counts are taken from.
    pub keys: u64,
    /// Per server whose keys changed, how many of the key population it gained and lost
    /// (exact; sorted by name; a removed server is listed with everything it lost). The
    /// gains add up to the losses, and to `moved_fraction × keys`. Shared, cheap to clone.
    #[serde(skip)]
    pub shifts: Arc<[KeyShift]>,
}

/// How many keys of the population one server gained and lost in a membership change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyShift {
    /// Server name.
    pub server: String,
    /// Keys it owns after the change and did not own before.
    pub gained: u64,
    /// Keys it owned before the change and does not own after.
    pub lost: u64,
}

/// The ring as it was just before the last membership change, so the arcs that changed
/// owner can be drawn (old owner → new owner) without the engine precomputing them: a
/// drawing samples both point lists, bounded by its samples, not by the ring's size.
/// Only the last change's ring is kept (at most one extra copy of the points), and only for
/// [`PREVIOUS_RING_KEPT_NS`](super::PREVIOUS_RING_KEPT_NS).
#[derive(Debug, Clone, PartialEq)]
pub struct PreviousRing {
    /// When the change happened (ns); equals the last membership change's `at_ns`.
    pub at_ns: u64,
    /// The ring points before the change, clockwise (shared).
    pub points: Arc<[RingPoint]>,
    /// The ring id and name of the server the change removed, if it removed one (its id
    /// is on `points` but no longer in [`Snapshot::servers`]).
    pub removed: Option<(u32, String)>,
}

/// Kind of an event-log line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum LogKind {
    /// A command was applied.
    Command,
    /// A scenario timeline event fired.
    Scenario,
    /// A breaker changed state.
    Breaker,
    /// Something went wrong (e.g. a timeline event that no longer applies).
    Error,
}

/// One event-log line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    /// Virtual time (ns).
    pub at_ns: u64,
    /// Kind.
    pub kind: LogKind,
    /// Text (shared, cheap to clone).
    pub text: Arc<str>,
}

/// The caption currently shown (scenario narration).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caption {
    /// When it was set (ns).
    pub at_ns: u64,
    /// Text.
    pub text: Arc<str>,
}

/// Side B of a comparison (`ringside --compare`), carried by side A's snapshot: what
/// each side changes, B's snapshot at the same instant, and both sides' scores.
#[derive(Debug, Clone, PartialEq)]
pub struct Paired {
    /// What side A changes in the scenario (`as written` for nothing).
    pub a_settings: String,
    /// What side B changes.
    pub b_settings: String,
    /// Side B at the same virtual instant.
    pub b: Snapshot,
    /// The scores of A, then B.
    pub scores: [Scores; 2],
    /// Whether the scenario's captions tell this comparison (it names exactly this side B
    /// in `compare` and A runs it as written); otherwise they were written for one run and
    /// speak of side A only.
    pub captions_for_both: bool,
    /// The side B the scenario's own captions were written for (its `compare`), if any.
    pub story_b: Option<String>,
}

/// The whole simulation at one virtual instant.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// In a comparison, side B (this snapshot is side A's); `None` otherwise.
    pub compare: Option<Arc<Paired>>,
    /// Virtual time (ns since the start).
    pub now_ns: u64,
    /// Whether virtual time is paused.
    pub paused: bool,
    /// Virtual seconds per wall second.
    pub speed: f64,
    /// Seed of the engine's RNG.
    pub seed: u64,
    /// Scenario name.
    pub scenario: String,
    /// Offered traffic rate (requests per second, before retries).
    pub rate: f64,
    /// Candidate owners per request (primary + failover).
    pub replicas: usize,
    /// Virtual nodes per server of weight 1 on the ring now.
    pub vnodes: u32,
    /// Servers, sorted by name.
    pub servers: Vec<ServerSnapshot>,
    /// Servers removed less than [`DEPARTED_KEPT_NS`](super::DEPARTED_KEPT_NS) ago, oldest
    /// removal first (bounded).
    pub departed: Vec<DepartedServer>,
    /// Ring points in clockwise order (shared; rebuilt only on membership change).
    pub ring_points: Arc<[RingPoint]>,
    /// The ring itself (shared with the engine; copied only when it changes), for
    /// [routing questions](Snapshot::route) answered the engine's way.
    pub ring: Arc<crate::patterns::ring::HashRing>,
    /// The ring before the last membership change, for less than
    /// [`PREVIOUS_RING_KEPT_NS`](super::PREVIOUS_RING_KEPT_NS) after it (else `None`).
    pub previous_ring: Option<PreviousRing>,
    /// How evenly the ring spreads the hash space (rebuilt only on membership change).
    pub ring_balance: RingBalance,
    /// Most recent requests, oldest first (bounded by [`RECENT_REQUESTS`](super::RECENT_REQUESTS)).
    pub recent_requests: Vec<RecentRequest>,
    /// Tenants, hottest (most requests) first, at most [`SNAPSHOT_TENANTS`](super::SNAPSHOT_TENANTS).
    pub tenants: Vec<TenantSnapshot>,
    /// Number of tenants in the scenario.
    pub tenant_count: usize,
    /// Totals since the start.
    pub totals: Totals,
    /// Per-second counts, oldest first (bounded by [`SERIES_SECONDS`](super::SERIES_SECONDS)).
    pub series: Vec<SecondSample>,
    /// Latency percentiles since the start.
    pub latency: Latency,
    /// Membership changes, oldest first (bounded).
    pub membership_changes: Vec<MembershipChange>,
    /// Event log, oldest first (bounded by [`LOG_LINES`](super::LOG_LINES)).
    pub log: Vec<LogLine>,
    /// Active caption.
    pub caption: Option<Caption>,
    /// This session so far (scenario, seed, recorded live commands): saving it as a scenario
    /// replays the session exactly. Cheap to clone (shared).
    pub session: super::session::SessionLog,
    /// The rate limiter in force.
    pub limiter: LimiterInfo,
    /// The hashing algorithm placing keys (`[ring]`): without a ring (jump, rendezvous,
    /// maglev, multi-probe), each server's `share` is its share of the keys and
    /// `ring_balance` their balance.
    pub hashing: super::scenario::HashingSpec,
    /// An algorithm without a ring over the servers in join order (shared with the engine),
    /// for [routing questions](Snapshot::route); `None` for `ring` and `bounded-load`,
    /// which route on [`ring`](Self::ring).
    pub placement: Option<Arc<crate::patterns::hashing::Hashing>>,
}

/// The rate limiter in force, for the dashboard.
#[derive(Debug, Clone, PartialEq)]
pub struct LimiterInfo {
    /// `memory`, or the shared backend's URL (never with a password).
    pub backend: String,
    /// The algorithm deciding (`token-bucket`, `fixed-window`, `sliding-log`,
    /// `sliding-window`, `leaky-queue`, `adaptive-throttling`, `concurrency`). For a
    /// window limiter each tenant's `tokens` is the room left in its window (limit less
    /// what it used) and `capacity` the limit; for the leaky queue `tokens` is what the
    /// tenant has waiting and `capacity` B.
    pub algorithm: &'static str,
    /// A window limiter's window (ns); `None` for the token bucket.
    pub window_ns: Option<u64>,
    /// The leaky queue's time between two sends (1/R, ns); `None` for the others.
    pub queue_interval_ns: Option<u64>,
    /// What the leaky queue made wait so far; `None` for the others.
    pub waits: Option<QueueWaits>,
    /// What each tenant's `tokens` out of `capacity` shows when it is neither tokens nor
    /// room in a window: `concurrency`'s limit less its calls in flight (out of its
    /// limit), `adaptive-throttling`'s % of attempts let through (out of 100).
    pub shows: Option<&'static str>,
    /// Bucket capacity (burst), tokens.
    pub capacity: u32,
    /// Refill rate, tokens per second.
    pub refill_per_sec: f64,
    /// Health of a shared backend (`None` for the in-process limiter).
    pub health: Option<super::engine::LimiterStatus>,
}

impl Snapshot {
    /// The server with ring id `id`.
    pub fn server_by_id(&self, id: u32) -> Option<&ServerSnapshot> {
        self.servers.iter().find(|s| s.id == id)
    }
}

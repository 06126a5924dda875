//! The simulation's fixed steps, bounds and limits.

/// Virtual time advanced by [`Command::Step`](super::Command::Step) / [`Engine::step`](super::Engine::step): 100 ms.
pub const STEP_NS: u64 = 100_000_000;
/// Number of recent requests kept for drawing key positions.
pub const RECENT_REQUESTS: usize = 256;
/// Seconds of the per-second series in a snapshot (the dashboard's window).
pub const SERIES_SECONDS: usize = 120;
/// How long a removed server stays in snapshots (its history may still be on screen):
/// as long as the per-second series.
pub const DEPARTED_KEPT_NS: u64 = SERIES_SECONDS as u64 * 1_000_000_000;

/// Seconds of the per-second series the engine keeps for reports: a whole run of the
/// longest duration ([`MAX_DURATION_NS`]); a live run past it keeps its last day.
pub const SERIES_HISTORY_SECONDS: usize = (MAX_DURATION_NS / 1_000_000_000) as usize;
/// How long the ring before the last membership change is kept for drawing the arcs that
/// changed owner (at most one extra copy of the ring's points, dropped after this).
pub const PREVIOUS_RING_KEPT_NS: u64 = 30_000_000_000;
/// Event-log lines kept.
pub const LOG_LINES: usize = 200;
/// Tenants included in a snapshot (hottest first).
pub const SNAPSHOT_TENANTS: usize = 32;
/// Membership changes kept.
pub const MEMBERSHIP_CHANGES: usize = 256;
/// Breaker transitions kept per server.
pub const TRANSITIONS_PER_SERVER: usize = 256;
/// Live commands a session records at most (beyond it the session is marked truncated and
/// can no longer be saved exactly).
pub const SESSION_COMMANDS: usize = 20_000;
/// Highest offered traffic rate a command may set (requests per second of virtual time).
pub const MAX_RATE: f64 = 50_000_000.0;
/// Most client retries a scenario may ask for.
pub const MAX_RETRIES: u32 = 10;
/// Slowest speed (virtual seconds per wall second).
pub const MIN_SPEED: f64 = 1.0 / 64.0;
/// Fastest speed.
pub const MAX_SPEED: f64 = 1024.0;

// Declared limits on what a scenario, a command-line flag or a live command may ask for.
// Each is reachable by a real user and keeps memory and time bounded; `ringside check`
// refuses a scenario outside them (see `scenario::validate`), and the README's "Limits"
// table lists them with the reasons.

/// Most servers on the ring at once (initial servers plus those added by the timeline).
pub const MAX_SERVERS: usize = 20_000;
/// Most virtual nodes per server of weight 1 (`vnodes`).
pub const MAX_VNODES: u32 = 10_000;
/// Most ring points one server may hold: `vnodes × weight`, rounded.
pub const MAX_SERVER_POINTS: u64 = 100_000;
/// Most ring points in all: 20,000 servers × 150 vnodes is 3,000,000 (about 100 MB with
/// the ring's tables).
pub const MAX_RING_POINTS: u64 = 4_000_000;
/// Most tenants (one token bucket each, about 100 bytes).
pub const MAX_TENANTS: u32 = 100_000;
/// Most distinct request keys (a hash and a popularity-table column each, about 40 bytes).
pub const MAX_KEYS: u32 = 1_000_000;
/// Most MD5s one rebuild of the engine's per-key owner table may cost beyond one a key
/// (rendezvous: keys × servers; multi-probe: keys × probes): about a second.
pub const MAX_HASHING_WORK: u64 = 50_000_000;
/// Most requests waiting in all leaky queues at once (`[limiter] algorithm =
/// "leaky-queue"`; each is an event of about 50 bytes): at the limit a request is refused as
/// if its queue were full.
pub const MAX_QUEUED: u64 = 1_000_000;
/// Most request times, and as many accept times, the adaptive throttles remember in all
/// (`[limiter] algorithm = "adaptive-throttling"`; 8 bytes each), split evenly over the
/// tenants (at least 16 each): a tenant that sends more within the 2-minute window judges
/// by its latest ones.
pub const MAX_THROTTLE_TIMES: usize = 2_000_000;
/// Most requests in one burst (handled at one instant of virtual time).
pub const MAX_BURST: u32 = 1_000_000;
/// Longest virtual time a scenario, a `simulate --duration`, a `frame --at`, a timeline
/// event or any duration setting may name: one day.
pub const MAX_DURATION_NS: u64 = 24 * 3_600 * 1_000_000_000;
/// Most timeline events (a saved session holds up to [`SESSION_COMMANDS`] live ones).
pub const MAX_EVENTS: usize = 100_000;
/// Longest server name, in bytes (each ring point hashes `"{name}:{i}"`).
pub const MAX_NAME_BYTES: usize = 256;
/// Largest scenario file read, in bytes: reading stops there.
pub const MAX_SCENARIO_BYTES: u64 = 16 * 1024 * 1024;

//! The simulation's fixed steps, bounds and limits.

/// Virtual time advanced by [`Command::Step`](super::Command::Step) / [`Engine::step`](super::Engine::step): 100 ms.
pub const STEP_NS: u64 = 100_000_000;
/// Number of recent requests kept for drawing key positions.
pub const RECENT_REQUESTS: usize = 256;
/// Seconds kept in the per-second series.
pub const SERIES_SECONDS: usize = 120;
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
/// [`Command::PreviousEvent`](super::Command::PreviousEvent) skips events fired less than this long (virtual) ago, so that
/// pressing `p` right after landing on an event goes to the one before it.
pub const PREV_GRACE_NS: u64 = 1_000_000_000;
/// Highest offered traffic rate a command may set (requests per second of virtual time).
pub const MAX_RATE: f64 = 50_000_000.0;
/// Most client retries a scenario may ask for.
pub const MAX_RETRIES: u32 = 10;
/// Slowest speed (virtual seconds per wall second).
pub const MIN_SPEED: f64 = 1.0 / 64.0;
/// Fastest speed.
pub const MAX_SPEED: f64 = 1024.0;

//! Commands: everything a user (keyboard, script, scenario timeline) can ask the engine to do.
//!
//! Commands are plain data. [`Engine::apply`](super::Engine::apply) validates them and either
//! applies one completely (adding an event-log line) or returns a [`SimError`](super::SimError)
//! and changes nothing.

/// A fault injected into a simulated server (healed with [`Command::Heal`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fault {
    /// Each call fails with probability `rate` (0..=1), on top of the server's own error rate.
    Errors {
        /// Failure probability in `0.0..=1.0`.
        rate: f64,
    },
    /// Every call takes `latency_ms` longer; calls slower than the timeout fail at the timeout.
    Slow {
        /// Extra latency in milliseconds.
        latency_ms: u64,
    },
    /// Hard down: every call is refused immediately (a failure).
    Down,
    /// Down for the first half of every `period_ms`, up for the second half.
    Flapping {
        /// Full down+up period in milliseconds (≥ 2).
        period_ms: u64,
    },
}

/// Breaker parameters to change on every server; `None` keeps the current value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BreakerParams {
    /// Consecutive failures that open a closed breaker (≥ 1).
    pub failure_threshold: Option<u32>,
    /// Milliseconds an open breaker waits before probing.
    pub recovery_timeout_ms: Option<u64>,
    /// Probe successes needed to close (≥ 1).
    pub success_threshold: Option<u32>,
    /// Concurrent half-open probes (≥ 1).
    pub half_open_probes: Option<u32>,
}

/// Everything the dashboard keyboard (or a scenario timeline) can send to the engine.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Add a server with weight 1.0; auto-named (`server-N`) when `name` is `None`.
    AddServer {
        /// Name of the new server.
        name: Option<String>,
    },
    /// Remove a server (the last one cannot be removed).
    RemoveServer(String),
    /// Change a server's weight (finite, > 0).
    SetWeight {
        /// Server name.
        server: String,
        /// New weight.
        weight: f64,
    },
    /// Inject a fault into a server (replacing any previous fault).
    InjectFault {
        /// Server name.
        server: String,
        /// The fault.
        fault: Fault,
    },
    /// Remove a server's fault.
    Heal {
        /// Server name.
        server: String,
    },
    /// Set the offered traffic rate in requests per second (finite, ≥ 0).
    SetRate(f64),
    /// Multiply the offered traffic rate by a factor (finite, > 0).
    ScaleRate(f64),
    /// Send `requests` requests at once from one tenant (`None` = the hottest tenant so far).
    Burst {
        /// Tenant name, or `None` for the hottest.
        tenant: Option<String>,
        /// Number of requests (≥ 1).
        requests: u32,
    },
    /// Set every token bucket's refill rate (tokens per second, finite, > 0).
    SetRefillRate(f64),
    /// Set every token bucket's capacity (≥ 1).
    SetCapacity(u32),
    /// Change breaker parameters on every server.
    SetBreaker(BreakerParams),
    /// Pause virtual time ([`Engine::tick`](super::Engine::tick) stops advancing it).
    Pause,
    /// Resume virtual time.
    Resume,
    /// Pause when running, resume when paused.
    TogglePause,
    /// Advance virtual time by one step ([`STEP_NS`](super::STEP_NS)), even when paused.
    Step,
    /// Set the speed (virtual seconds per wall second; finite, within the speed limits).
    SetSpeed(f64),
    /// Double the speed (up to the limit).
    SpeedUp,
    /// Halve the speed (down to the limit).
    SlowDown,
    /// Restart the scenario from time zero with the same seed.
    Reset,
}

//! Commands: everything a user (keyboard, script, scenario timeline) can ask the engine to do.
//!
//! Commands are plain data. [`Engine::apply`](super::Engine::apply) validates them and either
//! applies one completely (adding an event-log line) or returns a [`SimError`](super::SimError)
//! and changes nothing. Every time is in nanoseconds.

use super::duration::format_duration;

/// A fault injected into a simulated server (healed with [`Command::Heal`]).
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Fault {
    /// Each call fails with probability `rate` (0..=1), on top of the server's own error rate.
    Errors {
        /// Failure probability in `0.0..=1.0`.
        rate: f64,
    },
    /// Every call takes `latency_ns` longer; calls slower than the timeout fail at the timeout.
    Slow {
        /// Extra latency in nanoseconds.
        latency_ns: u64,
    },
    /// Hard down: every call is refused immediately (a failure).
    Down,
    /// Down for the first half of every `period_ns`, up for the second half.
    Flapping {
        /// Full down+up period in nanoseconds (at least
        /// [`MIN_FLAP_PERIOD_NS`](super::scenario::validate::MIN_FLAP_PERIOD_NS)).
        period_ns: u64,
    },
}

impl std::fmt::Display for Fault {
    /// How users read a fault: `errors 50%`, `slow +400ms`, `down`, `flapping every 4.000s`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Self::Errors { rate } => write!(f, "errors {:.0}%", rate * 100.0),
            Self::Slow { latency_ns } => write!(f, "slow +{}", format_duration(latency_ns)),
            Self::Down => f.write_str("down"),
            Self::Flapping { period_ns } => {
                write!(f, "flapping every {}", format_duration(period_ns))
            }
        }
    }
}

/// Breaker parameters to change on every server; `None` keeps the current value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BreakerParams {
    /// Consecutive failures that open a closed breaker (≥ 1).
    pub failure_threshold: Option<u32>,
    /// Nanoseconds an open breaker waits before probing.
    pub recovery_timeout_ns: Option<u64>,
    /// Probe successes needed to close (≥ 1).
    pub success_threshold: Option<u32>,
    /// Concurrent half-open probes (≥ 1).
    pub half_open_probes: Option<u32>,
}

/// Everything the dashboard keyboard (or a scenario timeline) can send to the engine.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
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
    /// Jump forward to the next scripted timeline event (it fires; its caption shows).
    /// Refused with [`SimError::NoEvent`](super::SimError::NoEvent) when none is left.
    NextEvent,
    /// Jump back to the previous scripted event: the last one at least
    /// [`PREV_GRACE_NS`](super::PREV_GRACE_NS) before now, or the start. Re-runs the
    /// scenario deterministically from time zero, replaying this session's live commands
    /// up to that time; the live commands after it are forgotten.
    PreviousEvent,
    /// Jump to a virtual time (ns): forward by advancing, backward by re-running from the
    /// start as for [`Command::PreviousEvent`].
    JumpTo(u64),
}

impl Command {
    /// Whether this command changes what is simulated (and so belongs in a saved session):
    /// everything except playback controls (pause, step, speed, reset, jumps).
    pub fn is_recorded(&self) -> bool {
        !matches!(
            self,
            Self::Pause
                | Self::Resume
                | Self::TogglePause
                | Self::Step
                | Self::SetSpeed(_)
                | Self::SpeedUp
                | Self::SlowDown
                | Self::Reset
                | Self::NextEvent
                | Self::PreviousEvent
                | Self::JumpTo(_)
        )
    }
}

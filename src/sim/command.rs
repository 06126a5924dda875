//! Commands: everything a user (keyboard, script, scenario timeline) can ask the engine to do.
//!
//! Commands are plain data. [`Engine::apply`](super::Engine::apply) validates them and either
//! applies one completely (adding an event-log line) or returns a [`SimError`](super::SimError)
//! and changes nothing. Every time is in nanoseconds.

use super::compare::Pattern;
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

/// Factor applied to the traffic rate by [`Command::ScaleRate`] from the `+` key (its
/// inverse for `-`).
pub const RATE_FACTOR: f64 = 1.25;
/// Factor applied to the refill rate by [`Command::ScaleRefillRate`] from the `]` key (its
/// inverse for `[`).
pub const REFILL_FACTOR: f64 = 1.25;
/// Lowest refill rate [`Command::ScaleRefillRate`] sets (tokens per second).
pub const MIN_REFILL: f64 = 0.1;
/// Highest refill rate [`Command::ScaleRefillRate`] sets (tokens per second).
pub const MAX_REFILL: f64 = 1.0e7;
/// Requests in a `b` burst ([`Command::BurstHottest`]) are this many times the bucket
/// capacity.
pub const BURST_CAPACITIES: u32 = 3;
/// The vnode counts [`Command::StepVnodes`] steps through (the `v` / `V` keys): from a
/// single point per server, where balance is poor, to many, where it is even.
pub const VNODE_STEPS: [u32; 9] = [1, 2, 4, 8, 16, 32, 64, 150, 500];

/// The step of [`VNODE_STEPS`] after (`up`) or before `current`, which need not be on the
/// ladder (a scenario may say 100); `None` past either end.
pub fn vnode_step(current: u32, up: bool) -> Option<u32> {
    if up {
        VNODE_STEPS.into_iter().find(|&v| v > current)
    } else {
        VNODE_STEPS.into_iter().rev().find(|&v| v < current)
    }
}

/// Fault injected first by [`Command::CycleFaultAt`]: error probability.
pub const FAULT_ERROR_RATE: f64 = 0.5;
/// Fault injected second by [`Command::CycleFaultAt`]: extra latency in milliseconds.
pub const FAULT_SLOW_MS: u64 = 400;
/// Fault injected fourth by [`Command::CycleFaultAt`]: flapping period in milliseconds.
pub const FAULT_FLAP_MS: u64 = 4_000;

/// The fault [`Command::CycleFaultAt`] injects next, given the server's current fault:
/// none → errors → slow → down → flapping → errors.
pub fn next_fault(current: Option<Fault>) -> Fault {
    match current {
        None | Some(Fault::Flapping { .. }) => Fault::Errors {
            rate: FAULT_ERROR_RATE,
        },
        Some(Fault::Errors { .. }) => Fault::Slow {
            latency_ns: FAULT_SLOW_MS * 1_000_000,
        },
        Some(Fault::Slow { .. }) => Fault::Down,
        Some(Fault::Down) => Fault::Flapping {
            period_ns: FAULT_FLAP_MS * 1_000_000,
        },
    }
}

/// Everything the dashboard keyboard (or a scenario timeline) can send to the engine.
///
/// # Relative commands
/// Some commands say what to do relative to the engine's state when it applies them, not
/// to what a (possibly stale) frame showed: [`ScaleRate`](Self::ScaleRate),
/// [`ScaleRefillRate`](Self::ScaleRefillRate), [`BurstHottest`](Self::BurstHottest), and
/// the commands on "the selected server", [`RemoveServerAt`](Self::RemoveServerAt),
/// [`CycleFaultAt`](Self::CycleFaultAt) and [`HealAt`](Self::HealAt), and
/// [`StepVnodes`](Self::StepVnodes). So keys typed faster
/// than frames are drawn each act on the result of the one before, never on an old picture.
///
/// The selected server is a *position* in the legend order (the order of
/// [`Snapshot::servers`](super::Snapshot::servers)), resolved when the command is applied
/// and clamped to the last server: like deleting lines in an editor, four removes at
/// position 2 remove the servers at positions 2, 3, 4 and 5 of the original list in turn
/// (or the last ones left, when the end is reached).
///
/// The engine records (and a saved session stores) the resolved, absolute command
/// ([`SetRate`](Self::SetRate), [`RemoveServer`](Self::RemoveServer), …), so a replay does
/// exactly what happened.
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
    /// Give every server `round(vnodes × weight)` ring points (vnodes ≥ 1): the whole
    /// ring is rebuilt, routing follows at once.
    SetVnodes(u32),
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
    /// Multiply every token bucket's refill rate by a factor (finite, > 0), clamped to
    /// [`MIN_REFILL`]..=[`MAX_REFILL`]; resolved to [`SetRefillRate`](Self::SetRefillRate).
    ScaleRefillRate(f64),
    /// Burst the hottest tenant with `capacities` × the bucket capacity requests; resolved
    /// to [`Burst`](Self::Burst) with the tenant and the count named.
    BurstHottest {
        /// Bucket capacities' worth of requests (≥ 1).
        capacities: u32,
    },
    /// Remove the server at this position of the legend order (clamped to the last);
    /// resolved to [`RemoveServer`](Self::RemoveServer).
    RemoveServerAt(usize),
    /// Inject the next fault of the cycle ([`next_fault`]) into the server at this position
    /// of the legend order (clamped); resolved to [`InjectFault`](Self::InjectFault).
    CycleFaultAt(usize),
    /// Heal the server at this position of the legend order (clamped); refused when it has
    /// no fault. Resolved to [`Heal`](Self::Heal).
    HealAt(usize),
    /// The next (`up`) or previous step of [`VNODE_STEPS`] from the ring's vnodes now;
    /// refused past either end. Resolved to [`SetVnodes`](Self::SetVnodes).
    StepVnodes {
        /// Towards more vnodes.
        up: bool,
    },
    /// Pause virtual time ([`Engine::tick`](super::Engine::tick) stops advancing it).
    Pause,
    /// Resume virtual time.
    Resume,
    /// Pause when running, resume when paused.
    TogglePause,
    /// Advance virtual time by one step ([`STEP_NS`](super::STEP_NS)) while paused
    /// (refused while running: time is moving anyway).
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
    /// Jump back to the step before the current one: the current step is the last scripted
    /// event at or before now (the one whose number the presenter shows); this goes to the
    /// scripted event before it, or to the start. Re-runs the scenario deterministically
    /// from time zero, replaying this session's live commands up to that time; the live
    /// commands after it are forgotten.
    PreviousEvent,
    /// Jump to a virtual time (ns): forward by advancing, backward by re-running from the
    /// start as for [`Command::PreviousEvent`].
    JumpTo(u64),
    /// In a live comparison, give side B the next algorithm the engine runs for this
    /// pattern (wrapping) and re-run B to now on the same arrivals; refused with
    /// [`SimError::NotComparing`](super::SimError::NotComparing) by a single engine.
    CompareNext(Pattern),
}

impl Command {
    /// Whether this command is relative to the engine's state when applied (see
    /// [Relative commands](Self#relative-commands)); the engine resolves it into an absolute
    /// one first.
    pub fn is_relative(&self) -> bool {
        matches!(
            self,
            Self::ScaleRate(_)
                | Self::ScaleRefillRate(_)
                | Self::BurstHottest { .. }
                | Self::RemoveServerAt(_)
                | Self::CycleFaultAt(_)
                | Self::HealAt(_)
                | Self::StepVnodes { .. }
        )
    }

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
                | Self::CompareNext(_)
        )
    }
}

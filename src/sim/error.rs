//! Errors of the simulation: values, never panics.

use thiserror::Error;

use crate::patterns::breaker::BreakerError;
use crate::patterns::hashing::HashingError;
use crate::patterns::limiter::LimiterError;
use crate::patterns::retry::BudgetError;
use crate::patterns::ring::RingError;

use super::duration::format_duration;
use super::scenario::error::ScenarioError;
use super::scenario::problem::Problem;

/// Why a command or engine construction was refused. A refused command changes nothing.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum SimError {
    /// No server with this name.
    #[error("no server named '{0}'")]
    UnknownServer(String),
    /// No tenant with this name.
    #[error("no tenant named '{0}'")]
    UnknownTenant(String),
    /// A server with this name already exists.
    #[error("a server named '{0}' already exists")]
    DuplicateServer(String),
    /// The last server cannot be removed.
    #[error("cannot remove '{0}': it is the last server")]
    LastServer(String),
    /// A rate that is negative, NaN or infinite.
    #[error("rate must be a finite number ≥ 0, got {0}")]
    InvalidRate(f64),
    /// A rate above [`MAX_RATE`](super::MAX_RATE).
    #[error("rate {got} req/s is above the maximum of {max} req/s")]
    RateTooHigh {
        /// The rejected rate.
        got: f64,
        /// The maximum.
        max: f64,
    },
    /// A value above one of the declared [`limits`](super::limits).
    #[error("{what}: {got} is above the limit of {max}")]
    AboveLimit {
        /// What was limited, e.g. `burst size`.
        what: &'static str,
        /// The rejected value, as the user wrote it.
        got: String,
        /// The limit, in the same unit.
        max: String,
    },
    /// A scale factor that is not finite and > 0.
    #[error("scale factor must be a finite number > 0, got {0}")]
    InvalidFactor(f64),
    /// A speed outside the allowed range.
    #[error("speed must be finite and within {min}..={max}, got {got}")]
    InvalidSpeed {
        /// The rejected speed.
        got: f64,
        /// Smallest allowed speed.
        min: f64,
        /// Largest allowed speed.
        max: f64,
    },
    /// A server weight that is not finite and > 0.
    #[error("weight must be a finite number > 0, got {0}")]
    InvalidWeight(f64),
    /// An `errors` fault whose rate is not a probability.
    #[error("invalid fault: error rate must be a probability within 0..=1, got {0}")]
    InvalidErrorRate(f64),
    /// A `flapping` fault with a period too short to be down half of it.
    #[error(
        "invalid fault: flapping period must be at least {}, got {}",
        format_duration(*min_ns),
        format_duration(*got_ns)
    )]
    FlapPeriodTooShort {
        /// The rejected period (ns).
        got_ns: u64,
        /// The shortest period (ns).
        min_ns: u64,
    },
    /// A bucket refill rate that is not finite and > 0.
    #[error("refill rate must be a finite number > 0, got {0}")]
    InvalidRefillRate(f64),
    /// A count (capacity, breaker threshold, probes) of zero.
    #[error("{0} must be at least 1")]
    ZeroCount(&'static str),
    /// A burst of zero requests.
    #[error("a burst needs at least 1 request")]
    EmptyBurst,
    /// The engine was stopped (see [`Interrupt`](super::Interrupt)) before it was built.
    #[error("stopped before the simulation was ready")]
    Interrupted,
    /// The scenario breaks a rule (see [`validate`](super::scenario::validate)).
    #[error("invalid scenario: {0}")]
    InvalidScenario(#[from] Problem),
    /// Speed changes are refused while a shared limiter decides: its buckets refill on its
    /// own clock, so virtual time runs at wall-clock speed.
    #[error(
        "speed cannot change with the shared limiter {backend}: its buckets refill on the \
         Redis server's clock, so virtual time runs at wall-clock speed (pause works)"
    )]
    SpeedFixedBySharedLimiter {
        /// The backend's description (no password).
        backend: String,
    },
    /// Jumps in time are refused while a shared limiter decides: a re-run would not be
    /// deterministic.
    #[error(
        "jumps need the in-memory limiter: a shared limiter keeps its own clock, so a \
         re-run would not be deterministic"
    )]
    JumpWithSharedLimiter,
    /// A comparison command sent to a single run.
    #[error("not comparing: start with --compare SETTINGS to put a second design beside this one")]
    NotComparing,
    /// Side B of a comparison cannot take the next algorithm.
    #[error("{0}")]
    Compare(String),
    /// The latency histogram could not be created.
    #[error("latency histogram: {0:?}")]
    Histogram(#[from] hdrhistogram::CreationError),
    /// A seed above `i64::MAX` cannot be written to TOML (its integers are signed 64-bit).
    #[error("seed {0} cannot be written to TOML (at most {max})", max = i64::MAX)]
    SeedNotWritable(u64),
    /// The scenario could not be written (e.g. a playback control in its timeline).
    #[error("cannot write the scenario: {0}")]
    NotWritable(String),
    /// Ring refused the change.
    #[error(transparent)]
    Ring(#[from] RingError),
    /// The hashing algorithm refused the change.
    #[error(transparent)]
    Hashing(#[from] HashingError),
    /// Breaker configuration refused.
    #[error(transparent)]
    Breaker(#[from] BreakerError),
    /// Limiter configuration refused.
    #[error(transparent)]
    Limiter(#[from] LimiterError),
    /// Retry budget refused.
    #[error(transparent)]
    RetryBudget(#[from] BudgetError),
    /// [`Command::StepVnodes`](super::Command::StepVnodes) past the end of
    /// [`VNODE_STEPS`](super::command::VNODE_STEPS).
    #[error("already at {0} vnodes per server: the {1} step of 1, 2, 4 … 150, 500")]
    NoVnodeStep(u32, &'static str),
    /// Healing a server that has no fault.
    #[error("{0} has no fault to heal")]
    NoFault(String),
    /// A single step asked for while time is running.
    #[error("a single step works while paused")]
    NotPaused,
    /// No scripted timeline event to jump to in that direction.
    #[error("no {0} scripted event")]
    NoEvent(&'static str),
    /// The session recorded more live commands than it keeps, so it cannot be saved exactly.
    #[error("the session has more than {0} live commands and cannot be saved exactly")]
    SessionTruncated(usize),
    /// Scenario could not be loaded or is invalid.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
}

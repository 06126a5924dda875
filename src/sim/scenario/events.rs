//! Timeline actions: the `action = "..."` of an `[[events]]` entry and its fields, one
//! variant per action (the names come from this enum), and how each maps to a [`Command`].

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::sim::command::{BreakerParams, Command, Fault};

use crate::sim::duration::human_opt as opt_duration;

/// What a timeline event does, as written in a scenario file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum EventAction {
    /// Only shows the event's caption.
    Caption,
    /// [`Command::AddServer`]; auto-named when `server` is absent.
    AddServer {
        /// Name of the new server.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        server: Option<String>,
    },
    /// [`Command::RemoveServer`].
    RemoveServer {
        /// Server name.
        server: String,
    },
    /// [`Command::SetWeight`].
    SetWeight {
        /// Server name.
        server: String,
        /// New weight.
        weight: f64,
    },
    /// [`Command::InjectFault`]: `fault` with the field it needs (`error_rate` for
    /// `errors`, `latency` for `slow`, `period` for `flapping`).
    InjectFault {
        /// Server name.
        server: String,
        /// Which fault.
        fault: FaultKind,
        /// Failure probability of `errors`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        error_rate: Option<f64>,
        /// Extra latency of `slow`.
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            with = "opt_duration"
        )]
        latency: Option<u64>,
        /// Period of `flapping`.
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            with = "opt_duration"
        )]
        period: Option<u64>,
    },
    /// [`Command::Heal`].
    Heal {
        /// Server name.
        server: String,
    },
    /// [`Command::SetRate`].
    SetRate {
        /// Requests per second.
        rate: f64,
    },
    /// [`Command::ScaleRate`].
    ScaleRate {
        /// Factor.
        factor: f64,
    },
    /// [`Command::Burst`]; from the hottest tenant when `tenant` is absent.
    Burst {
        /// Tenant name.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tenant: Option<String>,
        /// Number of requests.
        requests: u32,
    },
    /// [`Command::SetRefillRate`].
    SetRefillRate {
        /// Tokens per second (`rate` is accepted too).
        #[serde(alias = "rate")]
        refill_per_sec: f64,
    },
    /// [`Command::SetCapacity`].
    SetCapacity {
        /// Tokens.
        capacity: u32,
    },
    /// [`Command::SetVnodes`].
    SetVnodes {
        /// Virtual nodes per server of weight 1.
        vnodes: u32,
    },
    /// [`Command::SetBreaker`]: the parameters given change, the others stay.
    SetBreaker {
        /// Consecutive failures that open a breaker.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        failure_threshold: Option<u32>,
        /// Time open before probing.
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            with = "opt_duration"
        )]
        recovery_timeout: Option<u64>,
        /// Probe successes that close it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        success_threshold: Option<u32>,
        /// Concurrent half-open probes.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        half_open_probes: Option<u32>,
    },
}

/// The `fault = "..."` of an `inject_fault` action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FaultKind {
    /// [`Fault::Errors`].
    Errors,
    /// [`Fault::Slow`].
    Slow,
    /// [`Fault::Down`].
    Down,
    /// [`Fault::Flapping`].
    Flapping,
}

impl EventAction {
    /// The command this action applies (`None` for a caption), or which field it lacks.
    pub fn into_command(self) -> Result<Option<Command>, String> {
        let needs = |what: &str| format!("action `inject_fault` needs `{what}`");
        Ok(Some(match self {
            Self::Caption => return Ok(None),
            Self::AddServer { server } => Command::AddServer { name: server },
            Self::RemoveServer { server } => Command::RemoveServer(server),
            Self::SetWeight { server, weight } => Command::SetWeight { server, weight },
            Self::InjectFault {
                server,
                fault,
                error_rate,
                latency,
                period,
            } => {
                let fault = match fault {
                    FaultKind::Down => Fault::Down,
                    FaultKind::Errors => Fault::Errors {
                        rate: error_rate.ok_or_else(|| needs("error_rate"))?,
                    },
                    FaultKind::Slow => Fault::Slow {
                        latency_ns: latency.ok_or_else(|| needs("latency"))?,
                    },
                    FaultKind::Flapping => Fault::Flapping {
                        period_ns: period.ok_or_else(|| needs("period"))?,
                    },
                };
                Command::InjectFault { server, fault }
            }
            Self::Heal { server } => Command::Heal { server },
            Self::SetRate { rate } => Command::SetRate(rate),
            Self::ScaleRate { factor } => Command::ScaleRate(factor),
            Self::Burst { tenant, requests } => Command::Burst { tenant, requests },
            Self::SetRefillRate { refill_per_sec } => Command::SetRefillRate(refill_per_sec),
            Self::SetCapacity { capacity } => Command::SetCapacity(capacity),
            Self::SetVnodes { vnodes } => Command::SetVnodes(vnodes),
            Self::SetBreaker {
                failure_threshold,
                recovery_timeout,
                success_threshold,
                half_open_probes,
            } => Command::SetBreaker(BreakerParams {
                failure_threshold,
                recovery_timeout_ns: recovery_timeout,
                success_threshold,
                half_open_probes,
            }),
        }))
    }

    /// The action that writes `command`, or `None` for a playback control (pause, speed,
    /// jumps…), which is not part of a scenario.
    pub fn from_command(command: &Command) -> Option<Self> {
        Some(match command.clone() {
            Command::AddServer { name } => Self::AddServer { server: name },
            Command::RemoveServer(server) => Self::RemoveServer { server },
            Command::SetWeight { server, weight } => Self::SetWeight { server, weight },
            Command::InjectFault { server, fault } => {
                let (fault, error_rate, latency, period) = match fault {
                    Fault::Errors { rate } => (FaultKind::Errors, Some(rate), None, None),
                    Fault::Slow { latency_ns } => (FaultKind::Slow, None, Some(latency_ns), None),
                    Fault::Down => (FaultKind::Down, None, None, None),
                    Fault::Flapping { period_ns } => {
                        (FaultKind::Flapping, None, None, Some(period_ns))
                    }
                };
                Self::InjectFault {
                    server,
                    fault,
                    error_rate,
                    latency,
                    period,
                }
            }
            Command::Heal { server } => Self::Heal { server },
            Command::SetRate(rate) => Self::SetRate { rate },
            Command::ScaleRate(factor) => Self::ScaleRate { factor },
            Command::Burst { tenant, requests } => Self::Burst { tenant, requests },
            Command::SetRefillRate(refill_per_sec) => Self::SetRefillRate { refill_per_sec },
            Command::SetCapacity(capacity) => Self::SetCapacity { capacity },
            Command::SetVnodes(vnodes) => Self::SetVnodes { vnodes },
            Command::SetBreaker(p) => Self::SetBreaker {
                failure_threshold: p.failure_threshold,
                recovery_timeout: p.recovery_timeout_ns,
                success_threshold: p.success_threshold,
                half_open_probes: p.half_open_probes,
            },
            _ => return None,
        })
    }
}

/// Serde for [`TimelineEvent::command`](super::TimelineEvent::command), flattened into
/// its event: the action's fields sit beside `at`, `caption` and `live`.
pub(super) mod action {
    use super::*;
    use serde::de::Error as _;
    use serde::ser::Error as _;

    /// Write the command's action (`caption` for none); refuses playback controls.
    pub fn serialize<S: Serializer>(command: &Option<Command>, s: S) -> Result<S::Ok, S::Error> {
        match command {
            None => EventAction::Caption.serialize(s),
            Some(c) => EventAction::from_command(c)
                .ok_or_else(|| {
                    S::Error::custom(format!(
                        "{c:?} is a playback control and cannot be written to a scenario"
                    ))
                })?
                .serialize(s),
        }
    }

    /// Read the event's fields other than `at`, `caption` and `live`: none is a
    /// caption-only event; otherwise an action with its fields.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Command>, D::Error> {
        let table = toml::Table::deserialize(d)?;
        if table.is_empty() {
            return Ok(None);
        }
        let action: EventAction = toml::Value::Table(table)
            .try_into()
            .map_err(|e: toml::de::Error| D::Error::custom(e.message()))?;
        action.into_command().map_err(D::Error::custom)
    }
}

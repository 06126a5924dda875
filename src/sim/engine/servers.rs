//! Simulated servers: their breaker, fault and load, and the breaker history they keep.

use std::collections::VecDeque;

use crate::patterns::Nanos;
use crate::patterns::breaker::{BreakerConfig, CircuitBreaker, Reason, State};
use crate::sim::breaker_state::BreakerState;
use crate::sim::command::Fault;
use crate::sim::error::SimError;
use crate::sim::limits::{DEPARTED_KEPT_NS, TRANSITIONS_PER_SERVER};
use crate::sim::snapshot::{
    BreakerCounters, BreakerProgress, DepartedServer, LogKind, LogLine, ServerSnapshot,
    TransitionRecord, WindowProgress,
};

use super::log::{push_bounded, push_log};

/// A simulated server and its breaker.
#[derive(Debug, Clone)]
pub(super) struct SimServer {
    pub(super) name: String,
    pub(super) weight: f64,
    /// Distinguishes a re-added server from the removed one of the same ring id.
    pub(super) epoch: u64,
    /// When it joined the ring (ns).
    pub(super) joined_at: u64,
    pub(super) breaker: CircuitBreaker,
    /// Breaker generation already mirrored into `transitions`.
    pub(super) seen_generation: u64,
    pub(super) transitions: VecDeque<TransitionRecord>,
    pub(super) fault: Option<Fault>,
    pub(super) fault_since: u64,
    pub(super) in_flight: u32,
    pub(super) requests: u64,
    pub(super) this_second: u64,
    pub(super) last_second: u64,
    /// Requests that failed here (counted when their outcome is decided).
    pub(super) failed: u64,
    /// Whether a fault was ever injected here.
    pub(super) faulted: bool,
    /// Openings of its breaker by its own rules (not an operator's).
    pub(super) automatic_opens: u64,
    /// Set on the engine's first faulted server: its failures when the fault came and
    /// when its breaker first opened after it.
    pub(super) fault_watch: Option<FaultWatch>,
}

/// The failures of the first faulted server at its fault and at its breaker's first
/// opening after it (`failed_before_open` in comparisons).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct FaultWatch {
    pub(super) failed_at_fault: u64,
    pub(super) failed_at_open: Option<u64>,
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
    /// When it joined the ring (ns).
    pub joined_at_ns: u64,
    /// Its breaker state when it was removed.
    pub breaker: BreakerState,
    /// Its breaker counters when it was removed.
    pub counters: BreakerCounters,
}

impl SimServer {
    /// A healthy, idle server with a closed breaker, joining the ring at `joined_at`.
    pub(super) fn new(
        name: String,
        weight: f64,
        epoch: u64,
        config: BreakerConfig,
        joined_at: u64,
    ) -> Result<Self, SimError> {
        let breaker = CircuitBreaker::new(config);
        let seen_generation = breaker.generation();
        Ok(Self {
            name,
            weight,
            epoch,
            joined_at,
            breaker,
            seen_generation,
            transitions: VecDeque::new(),
            fault: None,
            fault_since: 0,
            in_flight: 0,
            requests: 0,
            this_second: 0,
            last_second: 0,
            failed: 0,
            faulted: false,
            automatic_opens: 0,
            fault_watch: None,
        })
    }

    /// The record kept of this server once it is removed at `now`.
    pub(super) fn retire(self, now: u64) -> RetiredServer {
        RetiredServer {
            breaker: self.breaker.state().into(),
            counters: self.counters(),
            name: self.name,
            requests: self.requests,
            transitions: self.transitions.into_iter().collect(),
            removed_at_ns: now,
            joined_at_ns: self.joined_at,
        }
    }

    /// Automatic openings of its breaker while it never had a fault: false trips.
    pub(super) fn false_trips(&self) -> u64 {
        if self.faulted {
            0
        } else {
            self.automatic_opens
        }
    }

    /// While watched: the requests failed here from the fault to the breaker's first
    /// opening after it (so far, until it opens).
    pub(super) fn failed_before_open(&self) -> Option<u64> {
        let w = self.fault_watch?;
        Some(w.failed_at_open.unwrap_or(self.failed) - w.failed_at_fault)
    }

    fn counters(&self) -> BreakerCounters {
        let c = self.breaker.counters();
        BreakerCounters {
            calls: c.calls,
            successes: c.successes,
            failures: c.failures,
            rejected: c.rejected,
        }
    }

    /// Where its breaker stands on its way to the next transition, as of `now`.
    fn progress(&self, now: u64) -> BreakerProgress {
        let b = &self.breaker;
        let config = b.config();
        let probe_at_ns = (b.state() == State::Open).then(|| {
            let left = b.retry_after(Nanos::from_nanos(now)).unwrap_or(Nanos::ZERO);
            now.saturating_add(left.as_nanos())
        });
        BreakerProgress {
            consecutive_failures: b.consecutive_failures(),
            failure_threshold: config.failure_threshold(),
            probe_successes: b.probe_successes(),
            success_threshold: config.success_threshold(),
            probe_at_ns,
            forced: b.forced().is_some(),
            window: config.policy().rates().map(|rates| {
                let tally = b.window_tally(Nanos::from_nanos(now)).unwrap_or_default();
                WindowProgress {
                    calls: tally.calls,
                    failures: tally.failures,
                    minimum_calls: rates.minimum_calls,
                    failure_rate_percent: rates.failure_rate_percent,
                }
            }),
        }
    }

    /// This server as the dashboard sees it at `now`: ring id `id`, share of the hash space
    /// `share`, `capacity` concurrent calls.
    pub(super) fn snapshot(&self, id: u32, share: f64, now: u64, capacity: u32) -> ServerSnapshot {
        ServerSnapshot {
            name: self.name.clone(),
            id,
            weight: self.weight,
            share,
            requests_per_sec: self.last_second,
            requests: self.requests,
            load: f64::from(self.in_flight) / f64::from(capacity),
            in_flight: self.in_flight,
            breaker: self.breaker.state().into(),
            transitions: self.transitions.iter().cloned().collect(),
            counters: self.counters(),
            progress: self.progress(now),
            joined_at_ns: self.joined_at,
            fault: self.fault,
            down_now: is_down(self.fault, self.fault_since, now),
            admits: self.breaker.admits(Nanos::from_nanos(now)),
        }
    }
}

/// The servers of `retired` (oldest removal first) removed less than [`DEPARTED_KEPT_NS`]
/// before `now`, as snapshots show them.
pub(super) fn departed(retired: &VecDeque<RetiredServer>, now: u64) -> Vec<DepartedServer> {
    let since = now.saturating_sub(DEPARTED_KEPT_NS);
    let first = retired.partition_point(|r| r.removed_at_ns < since);
    retired
        .range(first..)
        .map(|r| DepartedServer {
            name: r.name.clone(),
            joined_at_ns: r.joined_at_ns,
            removed_at_ns: r.removed_at_ns,
            breaker: r.breaker,
            transitions: r.transitions.clone(),
            counters: r.counters,
        })
        .collect()
}

fn reason_str(r: Reason) -> &'static str {
    match r {
        Reason::FailureThreshold => "failure_threshold",
        Reason::RateThreshold => "rate_threshold",
        Reason::RecoveryTimeout => "recovery_timeout",
        Reason::ProbeFailed => "probe_failed",
        Reason::ProbesSucceeded => "probes_succeeded",
        Reason::ForcedOpen => "forced_open",
        Reason::ForcedClosed => "forced_closed",
        Reason::Reset => "reset",
    }
}

/// Mirror any new breaker transitions into the server's history and the event log.
pub(super) fn note_transitions(srv: &mut SimServer, log: &mut VecDeque<LogLine>) {
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
            at_ns: t.at.as_nanos(),
            from: t.from.into(),
            to: t.to.into(),
            reason: reason_str(t.reason),
        };
        push_log(
            log,
            t.at.as_nanos(),
            LogKind::Breaker,
            format!(
                "breaker {}: {} → {} ({})",
                srv.name,
                rec.from,
                rec.to,
                rec.reason.replace('_', " ")
            ),
        );
        if t.to == State::Open && !is_operator(t.reason) {
            srv.automatic_opens += 1;
            if let Some(w) = &mut srv.fault_watch {
                w.failed_at_open.get_or_insert(srv.failed);
            }
        }
        push_bounded(&mut srv.transitions, rec, TRANSITIONS_PER_SERVER);
    }
}

/// Whether an operator made the transition (forced open or closed, or reset).
fn is_operator(reason: Reason) -> bool {
    matches!(
        reason,
        Reason::ForcedOpen | Reason::ForcedClosed | Reason::Reset
    )
}

/// Whether a server with `fault` (injected at `since`) refuses calls at `now`: always when
/// down; when flapping, during the first half of every period.
pub(super) fn is_down(fault: Option<Fault>, since: u64, now: u64) -> bool {
    match fault {
        Some(Fault::Down) => true,
        Some(Fault::Flapping { period_ns }) => {
            let half = period_ns.max(2) / 2;
            (now.saturating_sub(since) / half).is_multiple_of(2)
        }
        _ => false,
    }
}

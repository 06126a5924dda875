//! The scores of one side of a comparison, computed from its engine (headless at the end
//! of a run, live on every frame of the dashboard).

use super::score_card::{ReferenceReport, Scores};
use crate::sim::limits::TRANSITIONS_PER_SERVER;
use crate::sim::{BreakerState, Command, Engine, ServerSnapshot, TransitionRecord};

impl Scores {
    /// The scores of `engine`'s run so far.
    pub fn of(engine: &Engine) -> Self {
        let t = engine.totals();
        let arrivals = t.requests - t.retries;
        let ratio = |n: u64, d: u64| (d > 0).then(|| n as f64 / d as f64);
        let judgement = engine.limiter_judgement();
        // Built once: both the load and the time to open read it.
        let live = engine.server_stats();
        Self {
            arrivals,
            peak_to_mean_load: peak_to_mean_load(&live),
            moved_fraction: engine
                .snapshot_membership()
                .iter()
                .map(|m| m.moved_fraction)
                .collect(),
            rate_limited_fraction: ratio(t.rate_limited, t.requests),
            wrong_decisions: judgement.map(|j| j.wrong()),
            wrongly_allowed: judgement.map(|j| j.wrongly_allowed()),
            worst_window_excess: judgement.map(|j| j.worst_excess()),
            reference: judgement.map(|j| {
                let (limit, window_ns) = j.window();
                ReferenceReport {
                    limit,
                    window_ms: window_ns as f64 / 1e6,
                    checked: j.checked(),
                }
            }),
            time_to_open_ms: time_to_open_ms(engine, &live),
            short_circuited: t.short_circuited,
            amplification: ratio(t.requests, arrivals),
        }
    }
}

/// Among the servers in the ring now (`live`).
fn peak_to_mean_load(live: &[ServerSnapshot]) -> Option<f64> {
    let total: u64 = live.iter().map(|s| s.requests).sum();
    let peak = live.iter().map(|s| s.requests).max()?;
    (total > 0).then(|| peak as f64 * live.len() as f64 / total as f64)
}

/// From the scenario's first fault to the first time its server's breaker opened after it
/// (`None` until it has; also when the transitions kept no longer reach back to the fault).
fn time_to_open_ms(engine: &Engine, live: &[ServerSnapshot]) -> Option<f64> {
    let (at_ns, server) = engine
        .scenario()
        .events
        .iter()
        .find_map(|e| match &e.command {
            Some(Command::InjectFault { server, .. }) => Some((e.at_ns, server)),
            _ => None,
        })?;
    let transitions: Vec<&[TransitionRecord]> = live
        .iter()
        .filter(|s| &s.name == server)
        .map(|s| s.transitions.as_slice())
        .chain(
            engine
                .retired_servers()
                .filter(|r| &r.name == server)
                .map(|r| r.transitions.as_slice()),
        )
        .collect();
    let reaches_back = |ts: &[TransitionRecord]| {
        ts.len() < TRANSITIONS_PER_SERVER || ts.first().is_some_and(|t| t.at_ns <= at_ns)
    };
    if !transitions.iter().all(|ts| reaches_back(ts)) {
        return None;
    }
    let opened = transitions
        .iter()
        .flat_map(|ts| ts.iter())
        .filter(|t| t.to == BreakerState::Open && t.at_ns >= at_ns)
        .map(|t| t.at_ns)
        .min()?;
    Some((opened - at_ns) as f64 / 1e6)
}

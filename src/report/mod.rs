//! Headless reports of a simulation run: text for people, JSON for machines.
//!
//! Everything in a [`Report`] except its [`Wall`] figures is a pure function of the scenario,
//! the seed and the commands applied, so two runs with the same inputs give identical JSON
//! outside `wall`. Field order is the declaration order below (stable).

pub mod compare;
pub mod escape;
pub mod series;

use std::fmt::Write as _;

use serde::Serialize;

use crate::patterns::ring::HashRing;
use crate::patterns::ring::balance::Balance;
use crate::sim::duration::format_duration;
use crate::sim::{
    BreakerState, Engine, LimiterStatus, MembershipAction, QueueWaits, SecondSample, Totals,
    TransitionRecord,
};

/// Tenants listed in a report (most demand first).
pub const REPORT_TENANTS: usize = 20;

/// One breaker transition.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TransitionReport {
    /// Virtual time in seconds.
    pub at_s: f64,
    /// State before.
    pub from: BreakerState,
    /// State after.
    pub to: BreakerState,
    /// Why.
    pub reason: &'static str,
}

/// One server (current, or removed during the run).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServerReport {
    /// Name.
    pub name: String,
    /// Share of the hash space at the end (0 when removed).
    pub share: f64,
    /// Requests it handled.
    pub requests: u64,
    /// Whether it was removed during the run.
    pub removed: bool,
    /// Breaker state at the end (`None` when removed).
    pub breaker: Option<BreakerState>,
    /// Breaker transitions, oldest first.
    pub transitions: Vec<TransitionReport>,
}

/// One membership change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MembershipReport {
    /// Virtual time in seconds.
    pub at_s: f64,
    /// `add_server`, `remove_server` or `set_weight`.
    pub action: MembershipAction,
    /// Which server.
    pub server: String,
    /// Fraction of the key population whose owner changed.
    pub moved_fraction: f64,
    /// Ideal fraction (1/(N+1) on add, 1/N on remove).
    pub ideal_fraction: f64,
}

/// One tenant.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TenantReport {
    /// Name.
    pub name: String,
    /// Requests admitted by its bucket.
    pub allowed: u64,
    /// Requests denied by its bucket.
    pub rate_limited: u64,
}

/// Latency percentiles in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LatencyReport {
    /// Median.
    pub p50: f64,
    /// 99th percentile.
    pub p99: f64,
    /// 99.9th percentile.
    pub p999: f64,
    /// Maximum.
    pub max: f64,
}

/// The limiter that decided the tenants' buckets, and who decided how often.
///
/// For the in-process limiter (`backend` `memory`, `topology` `in-process`) nothing can fail
/// and nothing is counted: every counter is 0 and `health` is true. With Redis, every check
/// is counted once, in `decisions_redis` or `decisions_fallback`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LimiterReport {
    /// `memory`, or the shared backend's URL (password as `***`).
    pub backend: String,
    /// `in-process`, or the deployment, e.g. `standalone`.
    pub topology: String,
    /// Checks decided by Redis.
    pub decisions_redis: u64,
    /// Checks decided by the failure policy because Redis could not.
    pub decisions_fallback: u64,
    /// Failed round trips (no answer, time-out, error reply, invalid reply).
    pub errors: u64,
    /// Connections re-opened after a failure.
    pub reconnects: u64,
    /// Script reloads after an explicit `NOSCRIPT`.
    pub noscript_reloads: u64,
    /// Whether the backend was healthy at the end of the run.
    pub health: bool,
    /// What the leaky queue made wait; written only under `algorithm = "leaky-queue"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue: Option<QueueReport>,
}

/// What the leaky queue made wait over a run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct QueueReport {
    /// Requests accepted with a later send time (a subset of the allowed ones).
    pub queued: u64,
    /// Of those, the ones still waiting at the end (no outcome yet).
    pub waiting: u64,
    /// Mean wait of those sent (ms; 0 before any).
    pub mean_wait_ms: f64,
    /// Longest wait (ms).
    pub max_wait_ms: f64,
}

impl QueueReport {
    fn of(waits: QueueWaits) -> Self {
        Self {
            queued: waits.queued,
            waiting: waits.waiting(),
            mean_wait_ms: waits.mean_wait_ns().unwrap_or(0.0) / 1e6,
            max_wait_ms: waits.max_wait_ns as f64 / 1e6,
        }
    }
}

impl LimiterReport {
    /// The report of `engine`'s limiter.
    pub fn of(engine: &Engine) -> Self {
        let status = engine
            .limiter_health()
            .unwrap_or_else(|| LimiterStatus::always_healthy("memory".to_string()));
        Self {
            backend: status.backend,
            topology: status.topology,
            decisions_redis: status.decisions_remote,
            decisions_fallback: status.fallbacks,
            errors: status.errors,
            reconnects: status.reconnects,
            noscript_reloads: status.noscript_reloads,
            health: status.healthy,
            queue: engine.queue_waits().map(QueueReport::of),
        }
    }
}

/// The ring as it stands at the end of the run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RingReport {
    /// Virtual nodes per server of weight 1.
    pub vnodes: u32,
    /// Largest share of the hash space times the number of servers (1 is perfectly even;
    /// `null` when no server is left).
    pub peak_to_mean_share: Option<f64>,
    /// Coefficient of variation of the servers' shares: population standard deviation over
    /// the mean share (0 is perfectly even; `null` when no server is left).
    pub cv_share: Option<f64>,
}

impl RingReport {
    /// The balance of `ring`.
    pub fn of(ring: &HashRing) -> Self {
        let balance = Balance::of(ring);
        Self {
            vnodes: ring.vnodes(),
            peak_to_mean_share: balance.peak_to_mean(),
            cv_share: balance.cv(),
        }
    }
}

/// Wall-clock figures (the only part that differs between identical runs).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Wall {
    /// Wall seconds spent building the simulation (ring, tables) before virtual time ran.
    pub setup_s: f64,
    /// Wall seconds virtual time ran.
    pub run_s: f64,
    /// Wall seconds of the whole run: `setup_s + run_s`.
    pub elapsed_s: f64,
    /// Simulated requests per wall second of the whole run (setup included).
    pub requests_per_sec: f64,
}

impl Wall {
    /// The figures of a run that simulated `requests` requests.
    pub fn new(setup_s: f64, run_s: f64, requests: u64) -> Self {
        let elapsed_s = setup_s + run_s;
        Wall {
            setup_s,
            run_s,
            elapsed_s,
            requests_per_sec: if elapsed_s > 0.0 {
                requests as f64 / elapsed_s
            } else {
                0.0
            },
        }
    }
}

/// The report of a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Scenario name.
    pub scenario: String,
    /// Seed used.
    pub seed: u64,
    /// Virtual seconds simulated.
    pub duration_s: f64,
    /// Request totals (`requests = succeeded + rate_limited + short_circuited + failed`).
    pub totals: Totals,
    /// Servers: current ones sorted by name, then removed ones in removal order.
    pub servers: Vec<ServerReport>,
    /// Membership changes, oldest first.
    pub membership_changes: Vec<MembershipReport>,
    /// The ring at the end of the run and its balance.
    pub ring: RingReport,
    /// Top tenants by demand.
    pub tenants: Vec<TenantReport>,
    /// Latency of calls that reached a server.
    pub latency_ms: LatencyReport,
    /// The limiter and who decided the checks.
    pub limiter: LimiterReport,
    /// One entry per simulated second, oldest first (the last partial second included);
    /// each column adds up to the totals (see [`series`]).
    pub series: Vec<SecondSample>,
    /// Wall-clock figures.
    pub wall: Wall,
}

fn secs(ns: u64) -> f64 {
    ns as f64 / 1e9
}

fn transitions(ts: &[TransitionRecord]) -> Vec<TransitionReport> {
    ts.iter()
        .map(|t| TransitionReport {
            at_s: secs(t.at_ns),
            from: t.from,
            to: t.to,
            reason: t.reason,
        })
        .collect()
}

impl Report {
    /// Build the report of `engine` after a run that took `setup_s` wall seconds to set
    /// up and `run_s` to run.
    pub fn build(engine: &Engine, setup_s: f64, run_s: f64) -> Self {
        let totals = engine.totals();
        let mut servers: Vec<ServerReport> = engine
            .server_stats()
            .into_iter()
            .map(|s| ServerReport {
                name: s.name,
                share: s.share,
                requests: s.requests,
                removed: false,
                breaker: Some(s.breaker),
                transitions: transitions(&s.transitions),
            })
            .collect();
        servers.extend(engine.retired_servers().map(|r| ServerReport {
            name: r.name.clone(),
            share: 0.0,
            requests: r.requests,
            removed: true,
            breaker: None,
            transitions: transitions(&r.transitions),
        }));
        let snap_changes = engine.snapshot_membership();
        let lat = engine.latency();
        Self {
            scenario: engine.scenario().name.clone(),
            seed: engine.seed(),
            duration_s: secs(engine.now()),
            totals,
            servers,
            membership_changes: snap_changes
                .into_iter()
                .map(|m| MembershipReport {
                    at_s: secs(m.at_ns),
                    action: m.action,
                    server: m.server,
                    moved_fraction: m.moved_fraction,
                    ideal_fraction: m.ideal_fraction,
                })
                .collect(),
            ring: RingReport::of(engine.ring()),
            tenants: engine
                .tenant_stats(REPORT_TENANTS)
                .into_iter()
                .map(|t| TenantReport {
                    name: t.name,
                    allowed: t.allowed,
                    rate_limited: t.denied,
                })
                .collect(),
            latency_ms: LatencyReport {
                p50: lat.p50,
                p99: lat.p99,
                p999: lat.p999,
                max: lat.max,
            },
            limiter: LimiterReport::of(engine),
            series: engine.series().collect(),
            wall: Wall::new(setup_s, run_s, totals.requests),
        }
    }

    /// Pretty JSON (stable field order).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }

    /// The per-second [`series`](Self::series) as CSV: a header line, then one row per
    /// second.
    pub fn series_csv(&self) -> Result<String, csv::Error> {
        series::to_csv(&self.series)
    }

    /// A human-readable report, safe to print on a terminal (control characters in
    /// scenario strings are escaped: see [`escape::escape_controls`]).
    pub fn to_text(&self) -> String {
        let mut o = String::new();
        self.write_totals(&mut o);
        self.write_servers(&mut o);
        self.write_transitions(&mut o);
        self.write_membership(&mut o);
        self.write_tenants(&mut o);
        let _ = writeln!(
            o,
            "\nwall time {:.3} s (setup {:.3} s, run {:.3} s): {:.0} simulated requests per second",
            self.wall.elapsed_s, self.wall.setup_s, self.wall.run_s, self.wall.requests_per_sec
        );
        escape::escape_controls(&o).into_owned()
    }

    /// Outcome counts and latency percentiles.
    fn write_totals(&self, o: &mut String) {
        let t = &self.totals;
        let pct = |n: u64| {
            if t.requests == 0 {
                0.0
            } else {
                n as f64 * 100.0 / t.requests as f64
            }
        };
        let _ = writeln!(
            o,
            "scenario {} (seed {}), {:.1} s simulated",
            self.scenario, self.seed, self.duration_s
        );
        let _ = writeln!(o, "\nrequests         {:>12}", t.requests);
        for (name, n) in [
            ("succeeded", t.succeeded),
            ("rate limited", t.rate_limited),
            ("short-circuited", t.short_circuited),
            ("failed", t.failed),
            ("failed over", t.failed_over),
            ("retries", t.retries),
        ] {
            let _ = writeln!(o, "  {name:<15} {n:>12}  {:>5.1}%", pct(n));
        }
        let _ = writeln!(
            o,
            "\nlatency          p50 {:.2} ms   p99 {:.2} ms   p99.9 {:.2} ms   max {:.2} ms",
            self.latency_ms.p50, self.latency_ms.p99, self.latency_ms.p999, self.latency_ms.max
        );
        if let Some(q) = &self.limiter.queue {
            let _ = writeln!(
                o,
                "leaky queue      {} waited (mean {:.2} ms, max {:.2} ms), {} still waiting",
                q.queued, q.mean_wait_ms, q.max_wait_ms, q.waiting
            );
        }
    }

    /// One line per server.
    fn write_servers(&self, o: &mut String) {
        let _ = writeln!(
            o,
            "\n{:<12} {:>7} {:>12}  {:<10} transitions",
            "server", "share", "requests", "breaker"
        );
        for s in &self.servers {
            let state = match s.breaker {
                Some(b) => b.as_str(),
                None => "(removed)",
            };
            let _ = writeln!(
                o,
                "{:<12} {:>6.1}% {:>12}  {:<10} {}",
                s.name,
                s.share * 100.0,
                s.requests,
                state,
                s.transitions.len()
            );
        }
    }

    /// Breaker transitions of every server in time order (the first 40).
    fn write_transitions(&self, o: &mut String) {
        let all: Vec<_> = self
            .servers
            .iter()
            .flat_map(|s| s.transitions.iter().map(move |t| (t, &s.name)))
            .collect();
        if !all.is_empty() {
            let _ = writeln!(o, "\nbreaker transitions");
            let mut sorted = all;
            sorted.sort_by(|a, b| a.0.at_s.total_cmp(&b.0.at_s).then(a.1.cmp(b.1)));
            for (tr, name) in sorted.iter().take(40) {
                let _ = writeln!(
                    o,
                    "  {:>9}  {:<10} {} → {} ({})",
                    format_duration((tr.at_s * 1e9) as u64),
                    name,
                    tr.from.as_str(),
                    tr.to.as_str(),
                    tr.reason.replace('_', " ")
                );
            }
            if sorted.len() > 40 {
                let _ = writeln!(o, "  … {} more", sorted.len() - 40);
            }
        }
    }

    /// Servers added, removed or reweighted, with the keys they moved.
    fn write_membership(&self, o: &mut String) {
        if !self.membership_changes.is_empty() {
            let _ = writeln!(o, "\nmembership changes");
            for m in &self.membership_changes {
                let _ = writeln!(
                    o,
                    "  {:>9}  {:<13} {:<10} moved {:>5.1}%   ideal {:>5.1}%",
                    format_duration((m.at_s * 1e9) as u64),
                    m.action.as_str(),
                    m.server,
                    m.moved_fraction * 100.0,
                    m.ideal_fraction * 100.0
                );
            }
        }
    }

    /// The ten busiest tenants.
    fn write_tenants(&self, o: &mut String) {
        let _ = writeln!(
            o,
            "\n{:<14} {:>10} {:>12}",
            "tenant", "allowed", "rate limited"
        );
        for tn in self.tenants.iter().take(10) {
            let _ = writeln!(
                o,
                "{:<14} {:>10} {:>12}",
                tn.name, tn.allowed, tn.rate_limited
            );
        }
    }
}

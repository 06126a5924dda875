//! The report of a comparison ([`crate::sim::compare`]): each side's full
//! [`Report`] with its [`Scores`], and a side-by-side text table.

use std::fmt::Write as _;

use serde::Serialize;

use super::{Report, escape};
use crate::sim::compare::ReferenceLog;
use crate::sim::{BreakerState, Command, Scenario};

/// The exact sliding log a side's limiter was judged against.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ReferenceReport {
    /// Requests it allows per window.
    pub limit: u32,
    /// Its window (ms).
    pub window_ms: f64,
    /// Limiter decisions judged.
    pub checked: u64,
}

/// How one side did, in the measures that tell designs apart (`null` where one does not
/// apply to the run).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scores {
    /// First attempts (requests less retries): the arrival process, the same on both sides
    /// unless B changes it.
    pub arrivals: u64,
    /// Hashing: requests served by the busiest server over the mean, among the servers in
    /// the ring at the end.
    pub peak_to_mean_load: Option<f64>,
    /// Hashing: the fraction of keys that changed owner at each membership change, in order.
    pub moved_fraction: Vec<f64>,
    /// Limiting: rate-limited requests over all requests.
    pub rate_limited_fraction: Option<f64>,
    /// Limiting: decisions that differ from the exact sliding log's (Cloudflare's measure).
    pub wrong_decisions: Option<u64>,
    /// Limiting: of those, requests allowed that the exact log refuses (over-admission).
    pub wrongly_allowed: Option<u64>,
    /// The exact sliding log used.
    pub reference: Option<ReferenceReport>,
    /// Breaking: from the scenario's first fault to its server's breaker opening (ms).
    pub time_to_open_ms: Option<f64>,
    /// Breaking: requests refused by every owner's breaker.
    pub short_circuited: u64,
    /// Retries: requests over first attempts.
    pub amplification: Option<f64>,
}

impl Scores {
    /// The scores of `report`, a run of `scenario` whose limiter `judgement` judged.
    pub fn of(report: &Report, scenario: &Scenario, judgement: Option<&ReferenceLog>) -> Self {
        let t = &report.totals;
        let arrivals = t.requests - t.retries;
        let ratio = |n: u64, d: u64| (d > 0).then(|| n as f64 / d as f64);
        Self {
            arrivals,
            peak_to_mean_load: peak_to_mean_load(report),
            moved_fraction: report
                .membership_changes
                .iter()
                .map(|m| m.moved_fraction)
                .collect(),
            rate_limited_fraction: ratio(t.rate_limited, t.requests),
            wrong_decisions: judgement.map(ReferenceLog::wrong),
            wrongly_allowed: judgement.map(ReferenceLog::wrongly_allowed),
            reference: judgement.map(|j| {
                let (limit, window_ns) = j.window();
                ReferenceReport {
                    limit,
                    window_ms: window_ns as f64 / 1e6,
                    checked: j.checked(),
                }
            }),
            time_to_open_ms: time_to_open_ms(report, scenario),
            short_circuited: t.short_circuited,
            amplification: ratio(t.requests, arrivals),
        }
    }
}

fn peak_to_mean_load(report: &Report) -> Option<f64> {
    let loads: Vec<u64> = report
        .servers
        .iter()
        .filter(|s| !s.removed)
        .map(|s| s.requests)
        .collect();
    let total: u64 = loads.iter().sum();
    let peak = loads.iter().copied().max()?;
    (total > 0).then(|| peak as f64 * loads.len() as f64 / total as f64)
}

/// From the scenario's first fault to the first time its server's breaker opened after it.
fn time_to_open_ms(report: &Report, scenario: &Scenario) -> Option<f64> {
    let (at_ns, server) = scenario.events.iter().find_map(|e| match &e.command {
        Some(Command::InjectFault { server, .. }) => Some((e.at_ns, server)),
        _ => None,
    })?;
    let at_s = at_ns as f64 / 1e9;
    let opened = report
        .servers
        .iter()
        .filter(|s| &s.name == server)
        .flat_map(|s| &s.transitions)
        .filter(|tr| tr.to == BreakerState::Open && tr.at_s >= at_s)
        .map(|tr| tr.at_s)
        .min_by(f64::total_cmp)?;
    Some(((opened - at_s) * 1e3 * 1e3).round() / 1e3)
}

/// One side: what it changed, its full report and its scores.
#[derive(Debug, Clone, Serialize)]
pub struct Side {
    /// The settings applied to the scenario (`as written` for none).
    pub settings: String,
    /// The run's report, as `ringside simulate` gives it.
    #[serde(flatten)]
    pub report: Report,
    /// Its scores.
    pub scores: Scores,
}

/// Both sides of a comparison.
#[derive(Debug, Clone, Serialize)]
pub struct CompareReport {
    /// The scenario as written (or with `--a`).
    pub a: Side,
    /// The scenario with `--b`.
    pub b: Side,
}

impl CompareReport {
    /// Pretty JSON: `{"a": …, "b": …}`.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }

    /// The scores side by side, safe to print on a terminal.
    pub fn to_text(&self) -> String {
        let (a, b) = (&self.a, &self.b);
        let mut o = String::new();
        let _ = writeln!(
            o,
            "compare {} (seed {}), {:.1} s simulated\n",
            a.report.scenario, a.report.seed, a.report.duration_s
        );
        let rows = rows(&a.scores, &b.scores);
        let (head_a, head_b) = (format!("A: {}", a.settings), format!("B: {}", b.settings));
        let width = rows
            .iter()
            .map(|r| r.1.chars().count())
            .chain([head_a.chars().count()])
            .max()
            .unwrap_or(0);
        let _ = writeln!(o, "{:<24}{head_a:<width$}   {head_b}", "");
        for (name, x, y) in rows {
            let _ = writeln!(o, "{name:<24}{x:<width$}   {y}");
        }
        escape::escape_controls(&o).into_owned()
    }
}

/// `(measure, A, B)` for the text table.
fn rows(a: &Scores, b: &Scores) -> Vec<(&'static str, String, String)> {
    let both = |f: &dyn Fn(&Scores) -> String| (f(a), f(b));
    let pct = |x: Option<f64>| x.map_or("–".to_string(), |x| format!("{:.2}%", x * 100.0));
    let num =
        |x: Option<f64>, digits: usize| x.map_or("–".to_string(), |x| format!("{x:.digits$}"));
    let count = |x: Option<u64>| x.map_or("–".to_string(), |x| x.to_string());
    let list = |xs: &[f64]| {
        if xs.is_empty() {
            "–".to_string()
        } else {
            let p: Vec<String> = xs.iter().map(|x| format!("{:.1}%", x * 100.0)).collect();
            p.join(" ")
        }
    };
    let entries: Vec<(&'static str, (String, String))> = vec![
        ("arrivals", both(&|s| s.arrivals.to_string())),
        ("peak/mean load", both(&|s| num(s.peak_to_mean_load, 3))),
        ("keys moved per change", both(&|s| list(&s.moved_fraction))),
        ("rate-limited", both(&|s| pct(s.rate_limited_fraction))),
        ("wrong decisions", both(&|s| count(s.wrong_decisions))),
        (
            "  of them over-admitted",
            both(&|s| count(s.wrongly_allowed)),
        ),
        ("time to open (ms)", both(&|s| num(s.time_to_open_ms, 1))),
        ("short-circuited", both(&|s| s.short_circuited.to_string())),
        ("amplification", both(&|s| num(s.amplification, 3))),
    ];
    entries.into_iter().map(|(n, (x, y))| (n, x, y)).collect()
}

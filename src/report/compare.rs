//! The report of a comparison ([`crate::sim::compare`]): each side's full
//! [`Report`] with its [`Scores`], and a side-by-side text table.

use std::fmt::Write as _;

use serde::Serialize;

use super::{QueueReport, Report, escape};
use crate::sim::compare::Scores;

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
        let mut rows = rows(&a.scores, &b.scores);
        // The leaky queue's rows, after the limiter's, only when a side has one.
        let after = rows.iter().position(|r| r.0 == "worst-window excess");
        if let (Some(at), Some(queue)) = (after, queue_rows(&a.report, &b.report)) {
            rows.splice(at + 1..at + 1, queue);
        }
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

/// The leaky queue's `(measure, A, B)` rows (what waited, how long, and the latency that
/// includes it), or `None` when neither side runs it.
fn queue_rows(a: &Report, b: &Report) -> Option<Vec<(&'static str, String, String)>> {
    if a.limiter.queue.is_none() && b.limiter.queue.is_none() {
        return None;
    }
    let queue = |r: &Report, f: &dyn Fn(&QueueReport) -> String| {
        r.limiter.queue.as_ref().map_or("–".to_string(), f)
    };
    let both = |f: &dyn Fn(&QueueReport) -> String| (queue(a, f), queue(b, f));
    let (q, w) = (
        both(&|q| q.queued.to_string()),
        both(&|q| format!("{:.1} / {:.1}", q.mean_wait_ms, q.max_wait_ms)),
    );
    let p99 = |r: &Report| format!("{:.1}", r.latency_ms.p99);
    Some(vec![
        ("queued (waited)", q.0, q.1),
        ("  mean / max wait (ms)", w.0, w.1),
        ("latency p99 (ms)", p99(a), p99(b)),
    ])
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
        ("  ideal", both(&|s| list(&s.ideal_fraction))),
        (
            "memory/server (bytes)",
            both(&|s| num(s.memory_per_server_bytes, 0)),
        ),
        ("lookup (ns)", both(&|s| num(s.lookup_ns, 1))),
        ("rate-limited", both(&|s| pct(s.rate_limited_fraction))),
        ("wrong decisions", both(&|s| count(s.wrong_decisions))),
        (
            "  of them over-admitted",
            both(&|s| count(s.wrongly_allowed)),
        ),
        (
            "worst-window excess",
            both(&|s| count(s.worst_window_excess)),
        ),
        ("time to open (ms)", both(&|s| num(s.time_to_open_ms, 1))),
        ("short-circuited", both(&|s| s.short_circuited.to_string())),
        ("failed before open", both(&|s| count(s.failed_before_open))),
        ("false trips", both(&|s| s.false_trips.to_string())),
        ("amplification", both(&|s| num(s.amplification, 3))),
        ("retries refused", both(&|s| s.retries_refused.to_string())),
    ];
    entries.into_iter().map(|(n, (x, y))| (n, x, y)).collect()
}

//! The per-second series of `simulate` (`series` in JSON, `--format csv`): one entry per
//! simulated second whose columns add up to the run's totals, the same in both formats.

mod support;

use std::process::Command;

use ringside::report::Report;
use ringside::sim::{Engine, Scenario, Totals};
use support::process::output;

const S: u64 = 1_000_000_000;

fn simulate(args: &[&str]) -> String {
    let out = output(
        Command::new(env!("CARGO_BIN_EXE_ringside"))
            .arg("simulate")
            .args(args)
            .env_remove("RINGSIDE_LIMITER"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The column sums of `series`, keyed like [`Totals`].
fn sums(report: &Report) -> Totals {
    let mut t = Totals::default();
    for s in &report.series {
        t.requests += s.offered;
        t.retries += s.retries;
        t.rate_limited += s.rate_limited;
        t.short_circuited += s.short_circuited;
        t.failed += s.failed;
        t.failed_over += s.failed_over;
        t.succeeded += s.succeeded;
        assert_eq!(s.offered, s.allowed + s.rate_limited, "{s:?}");
        assert_eq!(
            s.allowed,
            s.succeeded + s.short_circuited + s.failed,
            "{s:?}"
        );
        assert!(s.retries <= s.offered && s.failed_over <= s.succeeded + s.failed);
    }
    t
}

#[test]
fn every_scenario_series_adds_up_to_its_totals() {
    for name in Scenario::builtin_names() {
        // 12.5 s: twelve whole seconds and a half one, which counts too.
        let mut e = Engine::from_scenario(&Scenario::builtin(name).unwrap(), None).unwrap();
        e.advance(12 * S + S / 2);
        let report = Report::build(&e, 0.0, 0.0);
        assert_eq!(report.series.len(), 13, "{name}");
        let ts: Vec<u64> = report.series.iter().map(|s| s.second).collect();
        assert_eq!(ts, (0..13).collect::<Vec<_>>(), "{name}");
        assert_eq!(sums(&report), report.totals, "{name}");
    }
}

#[test]
fn a_run_ending_on_a_second_has_no_empty_last_entry() {
    let mut e = Engine::from_scenario(&Scenario::builtin("default").unwrap(), None).unwrap();
    e.advance(5 * S);
    let report = Report::build(&e, 0.0, 0.0);
    assert_eq!(report.series.len(), 5);
    assert_eq!(sums(&report), report.totals);
}

#[test]
fn json_series_and_csv_rows_agree_and_add_up() {
    let args = [
        "--scenario",
        "retry-storm",
        "--duration",
        "20s",
        "--seed",
        "3",
    ];
    let json: serde_json::Value =
        serde_json::from_str(&simulate(&[&args[..], &["--format", "json"]].concat())).unwrap();
    let csv = simulate(&[&args[..], &["--format", "csv"]].concat());
    let series = json["series"].as_array().unwrap();
    assert_eq!(series.len(), 20);
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(
        header,
        [
            "t_s",
            "offered",
            "retries",
            "allowed",
            "rate_limited",
            "short_circuited",
            "failed",
            "failed_over",
            "succeeded"
        ]
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), series.len());
    for (row, entry) in rows.iter().zip(series) {
        let cells: Vec<u64> = row.split(',').map(|c| c.parse().unwrap()).collect();
        let want: Vec<u64> = header.iter().map(|k| entry[k].as_u64().unwrap()).collect();
        assert_eq!(cells, want);
    }
    let total = |k: &str| json["totals"][k].as_u64().unwrap();
    let column = |k: &str| series.iter().map(|s| s[k].as_u64().unwrap()).sum::<u64>();
    for (col, tot) in [
        ("offered", "requests"),
        ("retries", "retries"),
        ("rate_limited", "rate_limited"),
        ("short_circuited", "short_circuited"),
        ("failed", "failed"),
        ("failed_over", "failed_over"),
        ("succeeded", "succeeded"),
    ] {
        assert_eq!(column(col), total(tot), "{col}");
    }
    assert_eq!(column("allowed"), total("requests") - total("rate_limited"));
}

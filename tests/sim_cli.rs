//! The `simulate`, `scenarios` and `check` subcommands through the real binary.

mod support;

use std::process::Command;

use support::process::output;

fn ringside(args: &[&str]) -> (i32, String, String) {
    let out = output(Command::new(env!("CARGO_BIN_EXE_ringside")).args(args));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn without_wall(mut v: serde_json::Value) -> serde_json::Value {
    v.as_object_mut().unwrap().remove("wall");
    v
}

#[test]
fn simulate_json_has_the_documented_schema_and_is_deterministic() {
    let args = [
        "simulate",
        "--format",
        "json",
        "--duration",
        "12s",
        "--seed",
        "5",
    ];
    let (code, out, err) = ringside(&args);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    // Stable top-level field order, as printed.
    let pos = |k: &str| {
        out.find(&format!("\n  \"{k}\": "))
            .unwrap_or_else(|| panic!("no {k}"))
    };
    let order = [
        "scenario",
        "seed",
        "duration_s",
        "totals",
        "servers",
        "membership_changes",
        "ring",
        "tenants",
        "latency_ms",
        "limiter",
        "series",
        "wall",
    ];
    assert!(order.windows(2).all(|w| pos(w[0]) < pos(w[1])));
    assert_eq!(v.as_object().unwrap().len(), order.len());
    assert_eq!(v["scenario"], "default");
    assert_eq!(v["seed"], 5);
    assert_eq!(v["duration_s"], 12.0);
    // The in-process limiter: nothing can fail, nothing is counted.
    assert_eq!(
        v["limiter"],
        serde_json::json!({
            "backend": "memory", "topology": "in-process", "decisions_redis": 0,
            "decisions_fallback": 0, "errors": 0, "reconnects": 0, "noscript_reloads": 0,
            "health": true
        })
    );
    // The ring at the end: the default scenario's 150 vnodes, 4 servers, nearly even.
    let ring = &v["ring"];
    assert_eq!(ring["vnodes"], 150);
    let peak = ring["peak_to_mean_share"].as_f64().unwrap();
    assert!((1.0..1.5).contains(&peak), "{ring}");
    let cv = ring["cv_share"].as_f64().unwrap();
    assert!((0.0..0.3).contains(&cv), "{ring}");
    let t = &v["totals"];
    let n = |k: &str| t[k].as_u64().unwrap();
    assert_eq!(
        n("requests"),
        n("succeeded") + n("rate_limited") + n("short_circuited") + n("failed")
    );
    assert!(n("failed_over") > 0 && n("rate_limited") > 0);
    let servers = v["servers"].as_array().unwrap();
    assert_eq!(servers.len(), 4);
    for s in servers {
        for k in ["name", "share", "requests", "transitions"] {
            assert!(s.get(k).is_some(), "server lacks {k}: {s}");
        }
    }
    let beta = servers.iter().find(|s| s["name"] == "beta").unwrap();
    let tr = &beta["transitions"][0];
    assert_eq!(
        (tr["from"].as_str(), tr["to"].as_str()),
        (Some("closed"), Some("open"))
    );
    assert!(tr["at_s"].as_f64().unwrap() > 4.0);
    let m = &v["membership_changes"][0];
    assert_eq!(m["action"], "add_server");
    assert_eq!(m["server"], "delta");
    assert_eq!(m["ideal_fraction"], 0.25);
    let tenants = v["tenants"].as_array().unwrap();
    assert_eq!(tenants.len(), 20);
    assert_eq!(tenants[0]["name"], "acme");
    assert!(v["latency_ms"]["p50"].as_f64().unwrap() > 10.0);
    assert!(v["latency_ms"]["p99"].as_f64().unwrap() >= v["latency_ms"]["p50"].as_f64().unwrap());
    // Setup is reported apart, and the throughput is over the whole run, setup included.
    let wall = |k: &str| v["wall"][k].as_f64().unwrap();
    let (setup, run, elapsed) = (wall("setup_s"), wall("run_s"), wall("elapsed_s"));
    assert!(setup > 0.0 && run > 0.0, "{}", v["wall"]);
    assert!((elapsed - (setup + run)).abs() < 1e-9, "{}", v["wall"]);
    let requests = v["totals"]["requests"].as_f64().unwrap();
    let rps = wall("requests_per_sec");
    assert!(
        (rps - requests / elapsed).abs() <= 1e-9 * rps,
        "{}",
        v["wall"]
    );

    let (_, again, _) = ringside(&args);
    let w: serde_json::Value = serde_json::from_str(&again).unwrap();
    assert_eq!(without_wall(v), without_wall(w));
}

#[test]
fn simulate_text_and_overrides() {
    let (code, out, err) = ringside(&[
        "simulate",
        "--scenario",
        "hot-tenant",
        "--duration",
        "3s",
        "--rate",
        "500",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("scenario hot-tenant"), "{out}");
    assert!(
        out.contains("3.0 s simulated") && out.contains("rate limited"),
        "{out}"
    );
}

#[test]
fn bad_flags_fail_clearly() {
    let (code, _, err) = ringside(&["simulate", "--duration", "soon"]);
    assert_ne!(code, 0);
    assert!(err.contains("invalid duration \"soon\""), "{err}");
    let (code, _, err) = ringside(&["simulate", "--rate", "-3"]);
    assert_ne!(code, 0);
    assert!(err.contains("invalid rate"), "{err}");
    let (code, _, err) = ringside(&["simulate", "--format", "xml"]);
    assert_ne!(code, 0);
    assert!(err.contains("xml"), "{err}");
    let (code, _, err) = ringside(&["simulate", "--scenario", "nonexistent"]);
    assert_ne!(code, 0);
    assert!(
        err.contains("unknown scenario 'nonexistent'") && err.contains("default"),
        "{err}"
    );
}

#[test]
fn scenarios_lists_one_line_each() {
    let (code, out, _) = ringside(&["scenarios"]);
    assert_eq!(code, 0);
    let lines: Vec<_> = out.lines().collect();
    assert_eq!(
        lines.len(),
        ringside::sim::Scenario::builtin_names().count()
    );
    assert!(
        lines.len() >= 10,
        "six pattern scenarios and four talk stories"
    );
    assert!(lines[0].starts_with("default "));
    assert!(lines.iter().any(|l| l.starts_with("tour ")));
}

#[test]
fn check_reports_summary_or_located_error() {
    let (code, out, _) = ringside(&["check", "assets/scenarios/failover.toml"]);
    assert_eq!(code, 0);
    assert!(
        out.contains(": ok") && out.contains("4 (alpha, beta, gamma, delta)"),
        "{out}"
    );

    let dir = std::env::temp_dir().join(format!("ringside-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.toml");
    std::fs::write(
        &bad,
        "name = \"x\"\n[[servers]]\nname = \"a\"\n[limiter]\ncapacity = 0\n",
    )
    .unwrap();
    let (code, _, err) = ringside(&["check", bad.to_str().unwrap()]);
    assert_ne!(code, 0);
    assert!(
        err.contains("bad.toml:5:12: limiter.capacity must be at least 1"),
        "{err}"
    );
    let (code, _, err) = ringside(&["check", dir.join("missing.toml").to_str().unwrap()]);
    assert_ne!(code, 0);
    assert!(err.contains("cannot read"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

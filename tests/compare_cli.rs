//! `ringside compare` through the real binary: both sides see the same arrivals, side A
//! is `simulate`'s run, the scores follow their definitions from the reports, and bad
//! settings are refused with a clear message.

mod support;

use std::process::Command;

use serde_json::Value;
use support::process::output;

fn ringside(args: &[&str]) -> (i32, String, String) {
    let out = output(Command::new(env!("CARGO_BIN_EXE_ringside")).args(args));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn compare_json(extra: &[&str]) -> Value {
    let mut args = vec!["compare", "--format", "json", "--duration", "15s"];
    args.extend_from_slice(extra);
    let (code, out, err) = ringside(&args);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).expect("valid JSON")
}

/// First attempts of each second: offered less retries.
fn arrivals_per_second(side: &Value) -> Vec<u64> {
    side["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["offered"].as_u64().unwrap() - s["retries"].as_u64().unwrap())
        .collect()
}

#[test]
fn both_sides_see_the_same_arrivals_whatever_b_changes() {
    for b in [
        "capacity=20",
        "refill=10",
        "vnodes=8",
        "replicas=1",
        "failure_threshold=1,recovery_timeout=500ms",
        "retries=3",
        "limiter=sliding-window",
        "limiter=fixed-window,capacity=50",
        "limiter=sliding-log",
        "limiter=adaptive-throttling",
        "limiter=concurrency",
    ] {
        let v = compare_json(&["--b", b]);
        let (a, b_side) = (&v["a"], &v["b"]);
        assert_eq!(b_side["settings"], b);
        assert_eq!(
            arrivals_per_second(a),
            arrivals_per_second(b_side),
            "B = {b}"
        );
        let arrivals = |s: &Value| {
            s["totals"]["requests"].as_u64().unwrap() - s["totals"]["retries"].as_u64().unwrap()
        };
        assert_eq!(arrivals(a), arrivals(b_side), "B = {b}");
        assert_eq!(a["scores"]["arrivals"].as_u64(), Some(arrivals(a)));
    }
}

#[test]
fn side_a_as_written_is_the_simulate_run() {
    let v = compare_json(&["--b", "vnodes=8", "--seed", "3"]);
    let (code, out, err) = ringside(&[
        "simulate",
        "--format",
        "json",
        "--duration",
        "15s",
        "--seed",
        "3",
    ]);
    assert_eq!(code, 0, "{err}");
    let mut simulated: Value = serde_json::from_str(&out).unwrap();
    let mut a = v["a"].clone();
    for side in [&mut a, &mut simulated] {
        let o = side.as_object_mut().unwrap();
        o.remove("wall");
        o.remove("settings");
        o.remove("scores");
    }
    assert_eq!(a, simulated);
    assert_eq!(v["a"]["settings"], "as written");
}

#[test]
fn a_side_changing_nothing_scores_the_same() {
    let v = compare_json(&["--b", "vnodes=150"]);
    // The lookup cost is a wall measurement: each side has one, not the same.
    let [a, b] = [&v["a"], &v["b"]].map(|side| without_lookup(&side["scores"]));
    assert_eq!(a, b);
    assert_eq!(v["a"]["totals"], v["b"]["totals"]);
}

/// `scores` without `lookup_ns`, after checking it is a positive, finite number of ns.
fn without_lookup(scores: &Value) -> Value {
    let mut scores = scores.clone();
    let lookup = scores.as_object_mut().unwrap().remove("lookup_ns").unwrap();
    let ns = lookup.as_f64().expect("lookup_ns measured");
    assert!(ns.is_finite() && ns > 0.0, "{ns}");
    scores
}

#[test]
fn hashing_algorithms_see_the_same_arrivals_and_score_by_definition() {
    type Memory = fn(f64, f64) -> f64;
    let cases: [(&str, Memory); 5] = [
        ("maglev", |_: f64, servers: f64| 65537.0 * 4.0 / servers),
        ("jump", |_, _| 0.0),
        ("rendezvous", |_, _| 0.0),
        ("multi-probe", |_, _| 16.0),
        ("bounded-load", |points: f64, servers: f64| {
            (points * 32.0 + servers * 8.0) / servers
        }),
    ];
    for (algorithm, memory) in cases {
        let settings = format!("ring={algorithm}");
        let args = ["compare", "--format", "json", "--scenario", "scale-out"];
        let (code, out, err) =
            ringside(&[&args[..], &["--duration", "50s", "--b", &settings]].concat());
        assert_eq!(code, 0, "{err}");
        let v: Value = serde_json::from_str(&out).expect("valid JSON");
        let (a, b) = (&v["a"], &v["b"]);
        assert_eq!(
            arrivals_per_second(a),
            arrivals_per_second(b),
            "{algorithm}"
        );
        let s = &b["scores"];
        without_lookup(s);
        let changes = b["membership_changes"].as_array().unwrap();
        assert_eq!(
            changes.len(),
            3,
            "{algorithm}: delta, epsilon join, alpha leaves"
        );
        let field =
            |k: &str| -> Vec<f64> { changes.iter().map(|m| m[k].as_f64().unwrap()).collect() };
        let list = |k: &str| -> Vec<f64> {
            s[k].as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap())
                .collect()
        };
        assert_eq!(
            list("moved_fraction"),
            field("moved_fraction"),
            "{algorithm}"
        );
        assert_eq!(
            list("ideal_fraction"),
            field("ideal_fraction"),
            "{algorithm}"
        );
        // Adds: 1/4 then 1/5 of the keys ideally; the removal: alpha's share of the keys.
        let ideal = list("ideal_fraction");
        assert_eq!(&ideal[..2], &[0.25, 0.2], "{algorithm}");
        assert!((ideal[2] - 0.2).abs() < 0.05, "{algorithm}: {ideal:?}");
        let servers: Vec<&Value> = b["servers"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| !s["removed"].as_bool().unwrap())
            .collect();
        let loads: Vec<f64> = servers
            .iter()
            .map(|s| s["requests"].as_f64().unwrap())
            .collect();
        let mean = loads.iter().sum::<f64>() / loads.len() as f64;
        let peak = loads.iter().cloned().fold(0.0, f64::max);
        let got = s["peak_to_mean_load"].as_f64().unwrap();
        assert!((got - peak / mean).abs() < 1e-9, "{algorithm}: {got}");
        let n = servers.len() as f64;
        let points = 150.0 * n;
        let want = memory(points, n);
        let got = s["memory_per_server_bytes"].as_f64().unwrap();
        assert!((got - want).abs() < 1e-6, "{algorithm}: {got} vs {want}");
    }
}

#[test]
fn scores_follow_their_definitions() {
    let v = compare_json(&["--b", "capacity=20,refill=30"]);
    for side in [&v["a"], &v["b"]] {
        let s = &side["scores"];
        let t = &side["totals"];
        let requests = t["requests"].as_u64().unwrap();
        let retries = t["retries"].as_u64().unwrap();
        let limited = t["rate_limited"].as_u64().unwrap();
        // Peak-to-mean load among the servers still in the ring.
        let loads: Vec<f64> = side["servers"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| !s["removed"].as_bool().unwrap())
            .map(|s| s["requests"].as_f64().unwrap())
            .collect();
        let mean = loads.iter().sum::<f64>() / loads.len() as f64;
        let peak = loads.iter().cloned().fold(0.0, f64::max);
        let got = s["peak_to_mean_load"].as_f64().unwrap();
        assert!((got - peak / mean).abs() < 1e-9, "{got} vs {}", peak / mean);
        let moved: Vec<f64> = side["membership_changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["moved_fraction"].as_f64().unwrap())
            .collect();
        let got: Vec<f64> = s["moved_fraction"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m.as_f64().unwrap())
            .collect();
        assert_eq!(got, moved);
        // (JSON numbers read back to within a rounding step.)
        let close =
            |got: f64, want: f64| assert!((got - want).abs() <= 1e-12 * want, "{got} vs {want}");
        close(
            s["rate_limited_fraction"].as_f64().unwrap(),
            limited as f64 / requests as f64,
        );
        close(
            s["amplification"].as_f64().unwrap(),
            requests as f64 / (requests - retries) as f64,
        );
        assert_eq!(s["short_circuited"], t["short_circuited"]);
        // Every limiter decision was judged: one per request.
        assert_eq!(s["reference"]["checked"].as_u64(), Some(requests));
        assert!(s["wrong_decisions"].as_u64().unwrap() >= s["wrongly_allowed"].as_u64().unwrap());
        // The default scenario takes beta down at 4 s: time to its breaker's first open.
        let opened = side["servers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == "beta")
            .unwrap()["transitions"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|tr| tr["to"] == "open" && tr["at_s"].as_f64().unwrap() >= 4.0)
            .map(|tr| tr["at_s"].as_f64().unwrap())
            .fold(f64::INFINITY, f64::min);
        let want = (opened - 4.0) * 1e3;
        let got = s["time_to_open_ms"].as_f64().unwrap();
        assert!((got - want).abs() < 1e-6, "{got} vs {want}");
    }
    // The reference log follows each side's own limiter: capacity C per C / R seconds.
    assert_eq!(v["a"]["scores"]["reference"]["limit"], 200);
    assert_eq!(v["b"]["scores"]["reference"]["limit"], 20);
    let window = v["b"]["scores"]["reference"]["window_ms"].as_f64().unwrap();
    assert!((window - 20.0 / 30.0 * 1e3).abs() < 1e-6, "{window}");
}

#[test]
fn the_text_table_names_both_sides() {
    let (code, out, err) = ringside(&["compare", "--duration", "5s", "--b", "vnodes=8"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("compare default (seed 42), 5.0 s simulated"),
        "{out}"
    );
    assert!(out.contains("A: as written"), "{out}");
    assert!(out.contains("B: vnodes=8"), "{out}");
    for measure in [
        "arrivals",
        "peak/mean load",
        "keys moved per change",
        "rate-limited",
        "wrong decisions",
        "time to open (ms)",
        "amplification",
    ] {
        assert!(out.contains(measure), "{measure} in {out}");
    }
}

#[test]
fn bad_settings_are_refused_with_a_clear_message() {
    let cases = [
        (
            vec!["--b", "ring=maglev,table_size=250"],
            "b: with these settings the scenario is invalid: ring.table_size: table size must be a prime",
        ),
        (vec!["--b", "ring=chord"], "ring=chord: unknown algorithm"),
        (vec!["--b", "colour=red"], "unknown setting \"colour\""),
        (vec!["--b", "vnodes"], "expected key=value"),
        (
            vec!["--b", "vnodes=0"],
            "b: with these settings the scenario is invalid",
        ),
        (
            vec!["--a", "capacity=x", "--b", "vnodes=8"],
            "a: capacity: expected a whole number",
        ),
    ];
    for (extra, want) in cases {
        let mut args = vec!["compare", "--duration", "1s"];
        args.extend(extra.iter().copied());
        let (code, out, err) = ringside(&args);
        assert_ne!(code, 0, "{args:?}");
        assert!(out.is_empty(), "{out}");
        assert!(err.contains(want), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

/// The capture in the README after `$ ringside ARGS` is what `ringside ARGS` prints (the
/// lookup cost is a wall measurement: its row must be there, its value varies).
fn readme_capture_is_current(args: &[&str]) {
    let readme = include_str!("../README.md");
    let prompt = format!("$ ringside {}\n", args.join(" "));
    let start = readme.find(&prompt).expect("the capture in README");
    let body = &readme[start..];
    let body = &body[body.find('\n').unwrap() + 1..];
    let shown = &body[..body.find("```").unwrap()];
    let (code, out, err) = ringside(args);
    assert_eq!(code, 0, "{err}");
    let steady = |text: &str| -> Vec<String> {
        text.trim_end()
            .lines()
            .map(|l| match l.strip_prefix("lookup (ns)") {
                Some(_) => "lookup (ns)".to_string(),
                None => l.to_string(),
            })
            .collect()
    };
    assert_eq!(
        steady(shown),
        steady(&out),
        "README capture is stale: regenerate it with `{}`",
        prompt.trim_end()
    );
}

/// The `compare-hashing` story says what the audience will see: maglev spreads the load
/// more evenly than the ring, every join moves about the ideal on both sides, and under
/// jump removing alpha (not the last server) moves about twice the ideal.
#[test]
fn the_compare_hashing_story_is_true() {
    let run = |b: &str| {
        let args = [
            "compare",
            "--scenario",
            "compare-hashing",
            "--format",
            "json",
        ];
        let (code, out, err) = ringside(&[&args[..], &["--b", b]].concat());
        assert_eq!(code, 0, "{err}");
        serde_json::from_str::<Value>(&out).unwrap()
    };
    let v = run("ring=maglev");
    let score = |v: &Value, side: &str, k: &str| v[side]["scores"][k].clone();
    let list = |x: Value| -> Vec<f64> {
        x.as_array()
            .unwrap()
            .iter()
            .map(|m| m.as_f64().unwrap())
            .collect()
    };
    let load = |side: &str| score(&v, side, "peak_to_mean_load").as_f64().unwrap();
    assert!(load("b") < load("a"), "{} vs {}", load("b"), load("a"));
    for side in ["a", "b"] {
        let moved = list(score(&v, side, "moved_fraction"));
        let ideal = list(score(&v, side, "ideal_fraction"));
        assert_eq!(moved.len(), 3);
        for (m, i) in moved.iter().zip(&ideal) {
            assert!((m - i).abs() < 0.05, "{side}: {m} vs ideal {i}");
        }
    }
    let jump = run("ring=jump");
    let moved = list(score(&jump, "b", "moved_fraction"));
    let ideal = list(score(&jump, "b", "ideal_fraction"));
    assert!(moved[2] > 1.5 * ideal[2], "{moved:?} vs {ideal:?}");
}

#[test]
fn the_readme_capture_is_what_compare_prints() {
    readme_capture_is_current(&["compare", "--b", "vnodes=8", "--duration", "30s"]);
    readme_capture_is_current(&["compare", "--scenario", "compare-limiters"]);
    readme_capture_is_current(&[
        "compare",
        "--scenario",
        "compare-limiters",
        "--b",
        "limiter=leaky-queue",
    ]);
    readme_capture_is_current(&[
        "compare",
        "--scenario",
        "compare-hashing",
        "--b",
        "ring=jump",
    ]);
    readme_capture_is_current(&[
        "compare",
        "--scenario",
        "retry-storm",
        "--b",
        "retry=budget",
        "--duration",
        "30s",
    ]);
}

#[test]
fn window_limiters_are_judged_by_the_same_exact_log() {
    for b in [
        "limiter=fixed-window",
        "limiter=sliding-log",
        "limiter=sliding-window",
    ] {
        let v = compare_json(&["--scenario", "hot-tenant", "--b", b]);
        let s = &v["b"]["scores"];
        let t = &v["b"]["totals"];
        let requests = t["requests"].as_u64().unwrap();
        let limited = t["rate_limited"].as_u64().unwrap();
        let got = s["rate_limited_fraction"].as_f64().unwrap();
        let want = limited as f64 / requests as f64;
        assert!((got - want).abs() <= 1e-12 * want, "{b}: {got} vs {want}");
        assert_eq!(s["reference"]["checked"].as_u64(), Some(requests), "{b}");
        // The window limiters take the bucket's budget, the reference's window.
        assert_eq!(s["reference"], {
            let mut r = v["a"]["scores"]["reference"].clone();
            r["checked"] = requests.into();
            r
        });
        assert!(limited > 0, "{b}: nothing limited");
        assert!(s["wrong_decisions"].as_u64() >= s["wrongly_allowed"].as_u64());
        if b == "limiter=sliding-log" {
            // The exact sliding log, with the reference's own limit and window, until
            // hot-tenant raises the refill at 20 s.
            assert_eq!(s["wrong_decisions"].as_u64(), Some(0));
            assert_eq!(s["worst_window_excess"].as_u64(), Some(0));
        }
    }
    // A token bucket (A) lets a full bucket's burst through on top of a window's refill.
    let v = compare_json(&["--scenario", "hot-tenant", "--b", "limiter=sliding-log"]);
    assert!(v["a"]["scores"]["worst_window_excess"].as_u64().unwrap() > 0);
}

/// A side's scores are its own: the rate-limited share of its totals, and every request
/// judged by the exact log. Returns its requests and those rate-limited.
fn judged_by_its_totals(side: &Value) -> (u64, u64) {
    let (s, t) = (&side["scores"], &side["totals"]);
    let requests = t["requests"].as_u64().unwrap();
    let limited = t["rate_limited"].as_u64().unwrap();
    let got = s["rate_limited_fraction"].as_f64().unwrap();
    let want = limited as f64 / requests as f64;
    assert!((got - want).abs() <= 1e-12, "{got} vs {want}");
    assert_eq!(s["reference"]["checked"].as_u64(), Some(requests));
    (requests, limited)
}

/// The leaky queue in a comparison: it sees the same arrivals, and the scoreboard judges
/// its decisions at arrival (accepted into the queue counts as allowed) by the same exact
/// log; its report says what waited, and latency shows the wait.
#[test]
fn the_leaky_queue_is_compared_and_judged_at_arrival() {
    let v = compare_json(&[
        "--scenario",
        "compare-limiters",
        "--b",
        "limiter=leaky-queue",
    ]);
    assert_eq!(v["b"]["settings"], "limiter=leaky-queue");
    assert_eq!(arrivals_per_second(&v["a"]), arrivals_per_second(&v["b"]));
    let (s, t) = (&v["b"]["scores"], &v["b"]["totals"]);
    let (requests, limited) = judged_by_its_totals(&v["b"]);
    assert_eq!(s["reference"]["limit"], 20);
    // acme's two bursts of 20 a tenth of a second apart: one sent at once, 20 wait (B =
    // 20), the rest refused; the queue drains at 20/s, so nearly a second of waiting.
    assert!(limited > 0, "{v}");
    let q = &v["b"]["limiter"]["queue"];
    assert!(q["queued"].as_u64().unwrap() >= 20, "{q}");
    let max_wait = q["max_wait_ms"].as_f64().unwrap();
    assert!((900.0..=1100.0).contains(&max_wait), "{q}");
    assert!(v["b"]["latency_ms"]["max"].as_f64().unwrap() >= max_wait);
    // The sides' outcomes add up: what is not refused was sent or still waits.
    let outcomes: u64 = ["succeeded", "short_circuited", "failed"]
        .iter()
        .map(|k| t[k].as_u64().unwrap())
        .sum();
    assert_eq!(
        outcomes + q["waiting"].as_u64().unwrap(),
        requests - limited
    );
    // Side A (a fixed window) has no queue.
    assert!(v["a"]["limiter"].get("queue").is_none());
    // Its worst window (decisions at arrival) holds B + 1 from the bursts plus what the
    // queue drained meanwhile: less than the fixed window's boundary doubling.
    let excess = |side: &str| v[side]["scores"]["worst_window_excess"].as_u64().unwrap();
    assert!(excess("b") < excess("a"), "{v}");
}

/// The feedback limiters in a comparison: B runs them (the report names the algorithm),
/// and the scoreboard's numbers are B's own: the rate-limited share of its totals, every
/// decision judged by the exact log of the scenario's budget.
#[test]
fn feedback_limiters_compare_and_score_by_definition() {
    for algorithm in ["concurrency", "adaptive-throttling"] {
        let b = format!("limiter={algorithm}");
        let v = compare_json(&["--scenario", "compare-limiters", "--b", &b]);
        assert_eq!(v["b"]["settings"], b.as_str());
        let s = &v["b"]["scores"];
        judged_by_its_totals(&v["b"]);
        assert_eq!(
            s["reference"]["limit"],
            v["a"]["scores"]["reference"]["limit"]
        );
        assert!(s["wrong_decisions"].as_u64() >= s["wrongly_allowed"].as_u64());
        let (code, text, err) = ringside(&["compare", "--scenario", "compare-limiters", "--b", &b]);
        assert_eq!(code, 0, "{err}");
        assert!(text.contains(&format!("B: {b}")), "{text}");
    }
}

#[test]
fn the_readme_concurrency_capture_is_what_compare_prints() {
    readme_capture_is_current(&[
        "compare",
        "--scenario",
        "compare-limiters",
        "--b",
        "limiter=concurrency",
    ]);
}

/// The `compare-limiters` story says what the audience will see.
#[test]
fn the_compare_limiters_story_is_true() {
    let (code, out, err) = ringside(&[
        "compare",
        "--scenario",
        "compare-limiters",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["b"]["settings"], "limiter=sliding-window");
    let score = |side: &str, k: &str| v[side]["scores"][k].as_u64().unwrap();
    // "About twice the limit within a tenth of a second" through the fixed window (20 a
    // window): at least 15 above the limit; the sliding window "refuses them".
    assert!(score("a", "worst_window_excess") >= 15, "{v}");
    // The counter approximation is not exact either, but far closer.
    assert!(score("b", "worst_window_excess") * 4 <= score("a", "worst_window_excess"));
    assert!(score("a", "wrong_decisions") > score("b", "wrong_decisions"));
    assert_eq!(v["a"]["scores"]["reference"]["limit"], 20);
    assert_eq!(v["a"]["scores"]["reference"]["window_ms"], 1000.0);
}

/// The `compare-vnodes` story says what the audience will see.
#[test]
fn the_compare_vnodes_story_is_true() {
    // No --b: the scenario's own `compare = "vnodes=8"`.
    let at = |t: &str| {
        let (code, out, err) = ringside(&[
            "compare",
            "--scenario",
            "compare-vnodes",
            "--duration",
            t,
            "--format",
            "json",
        ]);
        assert_eq!(code, 0, "{err}");
        serde_json::from_str::<Value>(&out).unwrap()
    };
    let v = at("20s");
    assert_eq!(v["a"]["settings"], "as written");
    assert_eq!(v["b"]["settings"], "vnodes=8");
    let score = |side: &str, k: &str| v[side]["scores"][k].clone();
    // "delta joins … ideally a quarter of the keys move: how close each ring comes."
    let moved = |side: &str| score(side, "moved_fraction")[0].as_f64().unwrap();
    assert!((moved("a") - 0.25).abs() < (moved("b") - 0.25).abs());
    // "Few virtual nodes leave one server serving well above the mean."
    let load = |side: &str| score(side, "peak_to_mean_load").as_f64().unwrap();
    assert!(
        load("b") > load("a") + 0.2,
        "{} vs {}",
        load("b"),
        load("a")
    );
    // Nothing else differs: no limiting, no faults.
    for side in ["a", "b"] {
        assert_eq!(score(side, "rate_limited_fraction").as_f64(), Some(0.0));
        assert_eq!(score(side, "time_to_open_ms"), Value::Null);
    }
    // Without --b and without a scenario `compare`, side B must be named.
    let (code, _, err) = ringside(&["compare", "--duration", "1s"]);
    assert_ne!(code, 0);
    assert!(err.contains("--b: what side B changes is needed"), "{err}");
}

/// Automatic openings in a report's server rows (operators' actions excluded): all of the
/// run's when fewer than the transitions a server keeps.
fn automatic_opens(server: &Value) -> u64 {
    let ts = server["transitions"].as_array().unwrap();
    assert!(ts.len() < 256, "transitions no longer reach back");
    ts.iter()
        .filter(|t| t["to"] == "open")
        .filter(|t| !matches!(t["reason"].as_str(), Some("forced_open" | "reset")))
        .count() as u64
}

/// `breaker=count-window` on the `compare-breakers` story: the same first attempts on both
/// sides, the breaking scores recomputed from each side's report, and the story's claims.
#[test]
fn breaker_count_window_scores_follow_the_reports() {
    let (code, out, err) = ringside(&[
        "compare",
        "--scenario",
        "compare-breakers",
        "--b",
        "breaker=count-window",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(arrivals_per_second(&v["a"]), arrivals_per_second(&v["b"]));
    let fault_at_s = 12.0;
    for side in [&v["a"], &v["b"]] {
        let s = &side["scores"];
        let servers = side["servers"].as_array().unwrap();
        let beta = servers.iter().find(|x| x["name"] == "beta").unwrap();
        // Time to open: the faulted server's first opening at or after the fault.
        let opened = beta["transitions"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["to"] == "open")
            .map(|t| t["at_s"].as_f64().unwrap())
            .find(|&at| at >= fault_at_s)
            .unwrap();
        let got = s["time_to_open_ms"].as_f64().unwrap();
        assert!(((opened - fault_at_s) * 1e3 - got).abs() < 1e-3, "{got}");
        // False trips: automatic openings on the servers never faulted.
        let false_trips: u64 = servers
            .iter()
            .filter(|x| x["name"] != "beta")
            .map(automatic_opens)
            .sum();
        assert_eq!(s["false_trips"].as_u64(), Some(false_trips));
        assert_eq!(s["short_circuited"], side["totals"]["short_circuited"]);
        assert!(s["failed_before_open"].as_u64().unwrap() >= 1);
    }
    let score = |side: &str, k: &str| v[side]["scores"][k].as_f64().unwrap();
    // The story: consecutive trips on healthy servers, the window does not; it opens later
    // on the dead one, after more failed calls.
    assert!(score("a", "false_trips") >= 1.0);
    assert_eq!(score("b", "false_trips"), 0.0);
    assert!(score("b", "time_to_open_ms") > score("a", "time_to_open_ms"));
    assert!(score("b", "failed_before_open") > score("a", "failed_before_open"));
}

/// `retry=budget` on `retry-storm`: the same first attempts, fewer retries, the refused
/// ones counted, and no more retries than the budget allows.
#[test]
fn retry_budget_caps_the_retries_and_counts_the_refused() {
    let (code, out, err) = ringside(&[
        "compare",
        "--scenario",
        "retry-storm",
        "--b",
        "retry=budget",
        "--duration",
        "30s",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let (a, b) = (&v["a"], &v["b"]);
    assert_eq!(arrivals_per_second(a), arrivals_per_second(b));
    let t = |side: &Value, k: &str| side["totals"][k].as_u64().unwrap_or(0);
    for side in [a, b] {
        let s = &side["scores"];
        let arrivals = t(side, "requests") - t(side, "retries");
        let amp = s["amplification"].as_f64().unwrap();
        let want = t(side, "requests") as f64 / arrivals as f64;
        assert!((amp - want).abs() <= 1e-12 * want, "{amp} vs {want}");
        assert_eq!(
            s["retries_refused"].as_u64(),
            Some(t(side, "retries_refused"))
        );
    }
    assert_eq!(t(a, "retries_refused"), 0);
    assert!(t(b, "retries_refused") > 0);
    assert!(t(b, "retries") < t(a, "retries"));
    // Every aligned 10 s window allows at most 10 retries a second (100) plus 20% of the
    // first attempts deposited in it (+1: the last one allowed is checked before counting).
    let arrivals = t(b, "requests") - t(b, "retries");
    let windows = 3;
    assert!(
        t(b, "retries") as f64 <= 0.2 * arrivals as f64 + (101 * windows) as f64,
        "{} retries for {arrivals} first attempts",
        t(b, "retries")
    );
}

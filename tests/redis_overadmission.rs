//! Two real `ringside simulate` processes on one standalone redis-server (started by the
//! test on a free loopback port below 55536): while Redis decides they share each tenant's
//! quota; while it is gone, the `local` policy gives each process a whole quota of its own,
//! so R processes admit up to R × the quota. The figures are printed (`--nocapture`).

mod support;

use std::process::Command;
use std::time::{Duration, Instant};

use support::process::output;
use support::redis_server::RedisServer;

/// The `hot-tenant` scenario's bucket: 100 requests of burst, 300 per second.
const CAPACITY: f64 = 100.0;
const REFILL: f64 = 300.0;
/// Each run's length; `acme` (about 750 requests/s) is limited throughout.
const SECS: f64 = 3.0;

/// What one tenant may get in a run: the burst plus the refill.
fn quota() -> f64 {
    CAPACITY + REFILL * SECS
}

/// Starts one `simulate` run of `hot-tenant` on `url` with `policy` and a round-trip
/// `timeout`, in a thread.
fn run(url: &str, policy: &str, timeout: &str) -> std::thread::JoinHandle<serde_json::Value> {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ringside"));
    cmd.args(["simulate", "--scenario", "hot-tenant", "--format", "json"])
        .args(["--duration", &format!("{SECS}s")])
        .args(["--limiter", url, "--limiter-policy", policy])
        .args(["--limiter-timeout", timeout])
        .env_remove("RINGSIDE_LIMITER");
    std::thread::spawn(move || {
        let out = output(&mut cmd);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        serde_json::from_slice(&out.stdout).expect("JSON report")
    })
}

/// `acme`'s admitted requests in a report.
fn acme(report: &serde_json::Value) -> f64 {
    let tenants = report["tenants"].as_array().expect("tenants");
    let acme = tenants.iter().find(|t| t["name"] == "acme").expect("acme");
    acme["allowed"].as_f64().expect("allowed")
}

/// Waits (at most 30 s) until `n` clients besides ours are connected.
fn wait_for_clients(c: &mut redis::Connection, n: usize) {
    let start = Instant::now();
    loop {
        let list: String = redis::cmd("CLIENT").arg("LIST").query(c).unwrap();
        if list.lines().count() > n {
            return;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "clients: {list}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn two_processes_share_a_quota_and_local_fallback_doubles_it() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let url = server.url();
    let mut admin = server.conn();

    // A generous round trip while Redis decides, so a loaded machine's slow answers are
    // not mistaken for an outage.
    let shared: f64 = [run(&url, "local", "2s"), run(&url, "local", "2s")]
        .map(|h| h.join().expect("run"))
        .iter()
        .inspect(|r| assert_eq!(r["limiter"]["decisions_fallback"], 0, "{}", r["limiter"]))
        .map(acme)
        .sum();

    redis::cmd("FLUSHALL").query::<()>(&mut admin).unwrap();
    let runs = [run(&url, "local", "20ms"), run(&url, "local", "20ms")];
    wait_for_clients(&mut admin, 2);
    let pid = server.pid().expect("running").to_string();
    let stop = Command::new("kill").args(["-STOP", &pid]).status().unwrap();
    assert!(stop.success());
    let reports = runs.map(|h| h.join().expect("run"));
    let cont = Command::new("kill").args(["-CONT", &pid]).status().unwrap();
    assert!(cont.success());
    let gone: f64 = reports.iter().map(acme).sum();
    for r in &reports {
        assert_eq!(r["limiter"]["health"], false, "{}", r["limiter"]);
        assert!(r["limiter"]["decisions_fallback"].as_u64().unwrap() > 0);
    }

    let q = quota();
    eprintln!(
        "acme, 2 processes, {SECS} s, quota {q}: Redis deciding {shared} ({:.2}x); \
         Redis stopped, local fallback {gone} ({:.2}x)",
        shared / q,
        gone / q
    );
    assert!(
        (shared / q - 1.0).abs() <= 0.15,
        "shared {shared} vs quota {q}"
    );
    assert!(gone / q >= 1.7, "local fallback {gone} vs quota {q}");
    assert!(gone / q <= 2.15, "local fallback {gone} vs quota {q}");
}

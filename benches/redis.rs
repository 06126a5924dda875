//! Redis limiter latency and throughput on each topology, side by side in one run: a private
//! standalone `redis-server`, a 6-node Cluster (3 primaries, 3 replicas) and a Sentinel set
//! (a primary, its replica, 3 sentinels), all on loopback (`tests/support/redis_nodes.rs`).
//!
//! Per topology:
//! * `PING` vs `check`: round-trip percentiles through the same connection and runtime, the
//!   `PING` sent to the server the check goes to (on a Cluster, the key's primary); target:
//!   check p50 ≤ 1.3× PING p50;
//! * pipelined `check_many` over [`TENANTS`] tenants (spread over the Cluster's slots):
//!   checks per second (targets: ≥ 50,000/s standalone, ≥ 100,000/s on the Cluster);
//! * `ringside simulate` on that URL (wall-clock time): requests per second, and how many
//!   the fallback decided.
//!
//! `cargo bench --bench redis` (release build). Without `redis-server` it fails in CI, and
//! elsewhere records a skip and exits. Under `cargo test` (no `--bench` argument) it runs a
//! few iterations only.

#[path = "../tests/support/mod.rs"]
mod support;

use std::process::Command;
use std::time::{Duration, Instant};

use ringside::patterns::Nanos;
use ringside::patterns::limiter::{BucketConfig, LimiterBackend};
use ringside::redis::{FailurePolicy, RedisLimiter, RedisOptions};
use support::redis_nodes::{SentinelSet, cluster, cluster_url};
use support::redis_server::RedisServer;

/// Distinct tenants of the pipelined batches (about 4,000 of the Cluster's 16,384 slots).
const TENANTS: usize = 4096;
/// Checks per `check_many` call (the limiter pipelines them in chunks).
const BATCH: usize = 1024;

/// Iteration counts: full under `cargo bench`, a few under `cargo test`.
struct Sizes {
    samples: usize,
    batch_rounds: usize,
    simulate: &'static str,
}

/// One topology's results.
struct Row {
    name: &'static str,
    ping: (Duration, Duration),
    check: (Duration, Duration),
    checks_per_s: f64,
    target: f64,
    simulate: String,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

/// p50 and p99 of `samples`.
fn p50_p99(mut samples: Vec<Duration>) -> (Duration, Duration) {
    samples.sort_unstable();
    (percentile(&samples, 0.5), percentile(&samples, 0.99))
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// Latency and throughput of the limiter on `url`.
fn measure(name: &'static str, url: &str, target: f64, sizes: &Sizes) -> Row {
    let options = RedisOptions {
        policy: FailurePolicy::FailClosed,
        timeout: Duration::from_secs(1),
        ..RedisOptions::default()
    };
    // A bucket that never runs dry, so every check writes.
    let config = BucketConfig::new(1_000_000, 1e9).unwrap();
    let mut r = RedisLimiter::connect(url, config, options).expect("connect");
    let keys: Vec<String> = (0..TENANTS).map(|i| format!("tenant-{i}")).collect();
    for key in keys.iter().cycle().take(sizes.samples / 10) {
        r.ping(key);
        r.check(key, 1, Nanos::ZERO).unwrap();
    }
    // Interleave PING and check (same key, same server) so both see the same machine load.
    let mut ping = Vec::with_capacity(sizes.samples);
    let mut check = Vec::with_capacity(sizes.samples);
    for key in keys.iter().cycle().take(sizes.samples) {
        ping.push(r.ping(key).expect("PING"));
        let start = Instant::now();
        let d = r.check(key, 1, Nanos::ZERO).unwrap();
        check.push(start.elapsed());
        assert!(d.allowed);
    }

    let mut out = Vec::new();
    let mut offset = 0;
    let start = Instant::now();
    for _ in 0..sizes.batch_rounds {
        let batch: Vec<(&str, u32)> = (0..BATCH)
            .map(|i| (keys[(offset + i) % TENANTS].as_str(), 1))
            .collect();
        offset += BATCH;
        r.check_many(&batch, Nanos::ZERO, &mut out);
        assert!(out.iter().all(|d| d.as_ref().unwrap().allowed));
    }
    let checks_per_s = (BATCH * sizes.batch_rounds) as f64 / start.elapsed().as_secs_f64();
    assert_eq!(r.health().fallbacks, 0, "{:?}", r.health());
    Row {
        name,
        ping: p50_p99(ping),
        check: p50_p99(check),
        checks_per_s,
        target,
        simulate: simulate(url, sizes.simulate),
    }
}

/// `ringside simulate` of the default scenario offered 20,000 requests/s on `url` for
/// `duration` (wall-clock time): requests per second and decisions by the fallback.
fn simulate(url: &str, duration: &str) -> String {
    let out = support::process::output(
        Command::new(env!("CARGO_BIN_EXE_ringside"))
            .args(["simulate", "--format", "json", "--rate", "20000"])
            .args(["--duration", duration, "--limiter", url])
            .env_remove("RINGSIDE_LIMITER"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let requests = report["totals"]["requests"].as_f64().expect("requests");
    let elapsed = report["wall"]["elapsed_s"].as_f64().expect("elapsed");
    let l = &report["limiter"];
    format!(
        "{:>7.0} req/s (fallback {} of {})",
        requests / elapsed,
        l["decisions_fallback"],
        l["decisions_redis"].as_u64().unwrap_or(0) + l["decisions_fallback"].as_u64().unwrap_or(0)
    )
}

fn print(rows: &[Row]) {
    println!(
        "{:<11} {:>17} {:>17} {:>13} {:>22}  simulate",
        "topology", "PING p50/p99 µs", "check p50/p99 µs", "check/PING", "check_many checks/s"
    );
    for r in rows {
        let ratio = r.check.0.as_secs_f64() / r.ping.0.as_secs_f64();
        println!(
            "{:<11} {:>8.1} /{:>7.1} {:>8.1} /{:>7.1} {:>6.2}x {:<5} {:>9.0} (≥{:>4.0}k {:<3})  {}",
            r.name,
            us(r.ping.0),
            us(r.ping.1),
            us(r.check.0),
            us(r.check.1),
            ratio,
            if ratio <= 1.3 { "met" } else { "MISS" },
            r.checks_per_s,
            r.target / 1e3,
            if r.checks_per_s >= r.target {
                "met"
            } else {
                "MISS"
            },
            r.simulate
        );
    }
}

fn main() {
    // Not a test: nothing for the summary's skip count, but CI still fails without Redis.
    let ci = std::env::var("CI").ok();
    if !support::tools::require_tool_in("redis-server", ci.as_deref(), None, "bench redis") {
        return;
    }
    let full = std::env::args().any(|a| a == "--bench");
    let sizes = if full {
        Sizes {
            samples: 20_000,
            batch_rounds: 200,
            simulate: "5s",
        }
    } else {
        Sizes {
            samples: 200,
            batch_rounds: 2,
            simulate: "1s",
        }
    };
    let standalone = RedisServer::start().expect("redis-server");
    let nodes = cluster();
    let sentinel = SentinelSet::start();
    let rows = [
        measure("standalone", &standalone.url(), 50_000.0, &sizes),
        measure("cluster", &cluster_url(&nodes), 100_000.0, &sizes),
        measure("sentinel", &sentinel.url(), 50_000.0, &sizes),
    ];
    print(&rows);
}

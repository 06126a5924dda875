//! Redis limiter latency and throughput against a private redis-server on loopback.
//!
//! * `PING` vs `check`: round-trip percentiles through the same connection and runtime
//!   (target: check p50 ≤ 1.3× PING p50);
//! * pipelined `check_many`: checks per second in batches (target ≥ 50,000/s).
//!
//! Without `redis-server` it fails in CI, and elsewhere records a skip and exits. Under `cargo test`
//! (no `--bench` argument) it runs a few iterations only.

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use ringside::patterns::Nanos;
use ringside::patterns::limiter::{BucketConfig, LimiterBackend};
use ringside::redis::{FailurePolicy, RedisLimiter, RedisOptions};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn report(name: &str, mut samples: Vec<Duration>) -> Duration {
    samples.sort_unstable();
    let (p50, p99) = (percentile(&samples, 0.5), percentile(&samples, 0.99));
    println!(
        "redis/{name:<28} n={:<6} p50 {:>7.1} µs   p99 {:>7.1} µs",
        samples.len(),
        p50.as_secs_f64() * 1e6,
        p99.as_secs_f64() * 1e6
    );
    p50
}

fn main() {
    // Not a test: nothing for the summary's skip count, but CI still fails without Redis.
    let ci = std::env::var("CI").ok();
    if !support::tools::require_tool_in("redis-server", ci.as_deref(), None, "bench redis") {
        return;
    }
    let full = std::env::args().any(|a| a == "--bench");
    let (samples, batch_rounds) = if full { (20_000, 400) } else { (200, 4) };
    let server = support::redis_server::RedisServer::start().expect("redis-server");
    let options = RedisOptions {
        policy: FailurePolicy::FailClosed,
        timeout: Duration::from_secs(1),
        ..RedisOptions::default()
    };
    // A bucket that never runs dry, so every check writes.
    let config = BucketConfig::new(1_000_000, 1e9).unwrap();
    let mut r = RedisLimiter::connect(&server.url(), config, options).expect("connect");

    for _ in 0..samples / 10 {
        r.ping();
        r.check("warm", 1, Nanos::ZERO).unwrap();
    }
    // Interleave PING and check so both see the same machine load.
    let mut ping = Vec::with_capacity(samples);
    let mut check = Vec::with_capacity(samples);
    let keys: Vec<String> = (0..1000).map(|i| format!("tenant-{i}")).collect();
    for i in 0..samples {
        ping.push(r.ping().expect("PING"));
        let start = Instant::now();
        let d = r.check(&keys[i % keys.len()], 1, Nanos::ZERO).unwrap();
        check.push(start.elapsed());
        assert!(d.allowed);
    }
    let p_ping = report("PING round trip", ping);
    let p_check = report("check (EVALSHA)", check);
    println!(
        "redis/check p50 / PING p50           {:.2}x (target ≤ 1.3x)",
        p_check.as_secs_f64() / p_ping.as_secs_f64()
    );

    let mut out = Vec::new();
    for batch_len in [64usize, 256] {
        let batch: Vec<(&str, u32)> = (0..batch_len)
            .map(|i| (keys[i % keys.len()].as_str(), 1))
            .collect();
        let mut per_batch = Vec::with_capacity(batch_rounds);
        let start = Instant::now();
        for _ in 0..batch_rounds {
            let t = Instant::now();
            r.check_many(&batch, Nanos::ZERO, &mut out);
            per_batch.push(t.elapsed());
            assert!(out.iter().all(|d| d.as_ref().unwrap().allowed));
        }
        let rate = (batch_len * batch_rounds) as f64 / start.elapsed().as_secs_f64();
        report(&format!("check_many x{batch_len} (batch)"), per_batch);
        println!(
            "redis/check_many x{batch_len:<4} throughput      {rate:>9.0} checks/s (target ≥ 50,000)"
        );
    }
    assert_eq!(r.health().fallbacks, 0, "{:?}", r.health());
}

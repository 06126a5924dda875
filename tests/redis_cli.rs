//! `ringside simulate --limiter redis://…` end to end, against a private redis-server.

mod support;

use std::process::Command;
use std::time::{Duration, Instant};

use support::process::output;
use support::redis_server::RedisServer;

fn ringside(args: &[&str]) -> std::process::Output {
    output(
        Command::new(env!("CARGO_BIN_EXE_ringside"))
            .args(args)
            .env_remove("RINGSIDE_LIMITER"),
    )
}

#[test]
fn simulate_with_redis_runs_in_real_time_and_reports_health() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let url = server.url();
    let start = Instant::now();
    let out = ringside(&["simulate", "--duration", "1s", "--limiter", &url]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        start.elapsed() >= Duration::from_millis(900),
        "not real time"
    );
    assert!(stderr.contains("healthy"), "{stderr}");
    assert!(stderr.contains("0 fallback decisions"), "{stderr}");
    // The buckets were decided by Redis's script (bucket keys themselves expire once
    // full, so whether any remain depends on timing): the server counted its calls.
    let mut c = server.conn();
    let stats: String = redis::cmd("INFO")
        .arg("commandstats")
        .query(&mut c)
        .unwrap();
    let calls: u64 = stats
        .lines()
        .filter(|l| l.starts_with("cmdstat_evalsha:") || l.starts_with("cmdstat_eval:"))
        .filter_map(|l| {
            l.split("calls=")
                .nth(1)?
                .split(',')
                .next()?
                .parse::<u64>()
                .ok()
        })
        .sum();
    assert!(calls > 0, "no script calls in Redis: {stats}");
}

#[test]
fn refused_and_malformed_backends_are_clear_errors() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("redis://:topsecret@127.0.0.1:{port}/0");
    let out = ringside(&["simulate", "--duration", "1s", "--limiter", &url]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("cannot connect to Redis"), "{stderr}");
    assert!(!stderr.contains("topsecret"), "{stderr}");

    let out = ringside(&["simulate", "--duration", "1s", "--limiter", "mysql://x"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("unknown limiter backend"), "{stderr}");
}

#[test]
fn engine_with_a_shared_backend_refuses_speed_changes_but_pauses() {
    use ringside::patterns::limiter::{BucketConfig, KeyedLimiter};
    use ringside::sim::{Command as SimCommand, Engine, Scenario};
    let scenario = Scenario::load("default").unwrap();
    let mut engine = Engine::from_scenario(&scenario, None).unwrap();
    let config =
        BucketConfig::new(scenario.limiter.capacity, scenario.limiter.refill_per_sec).unwrap();
    engine.set_limiter_backend(Box::new(KeyedLimiter::<String>::new(config)));
    assert!(engine.has_shared_limiter());
    let err = engine.apply(SimCommand::SetSpeed(4.0)).unwrap_err();
    assert!(err.to_string().contains("wall-clock speed"), "{err}");
    assert!(engine.apply(SimCommand::SpeedUp).is_err());
    assert!(engine.apply(SimCommand::Pause).is_ok());
    engine.advance(1_000_000_000);
    assert_eq!(engine.limiter_health().unwrap().backend, "memory");
}

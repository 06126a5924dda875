//! The Redis limiter under the faults a standalone Redis really has, against a real
//! redis-server started by each test (free loopback port below 55536, killed on drop).
//!
//! Each fault is decided by the declared policy (fail-closed here, so a fallback decision
//! is a denial and a Redis decision, with capacity 1,000,000, an admission), the health
//! says so while it lasts, and service returns to Redis within 1 s of Redis returning.
//! Every wait is bounded.

mod support;

use std::cell::RefCell;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ringside::patterns::Nanos;
use ringside::patterns::limiter::{BucketConfig, LimiterBackend};
use ringside::redis::{FailurePolicy, RedisHealth, RedisLimiter, RedisOptions};
use support::redis_server::RedisServer;

/// Bound of the waits for a fault to show; reached only when it does not.
const SHOW: Duration = Duration::from_secs(10);
/// How long each fault lasts once it showed: past the guard's 250 ms recovery time.
const DWELL: Duration = Duration::from_millis(600);
/// Redis must decide again within this of coming back (the figure).
const RECOVERY: Duration = Duration::from_secs(1);

/// Capacity and rate so large that Redis admits every check of a test.
fn roomy() -> BucketConfig {
    BucketConfig::new(1_000_000, 1_000_000.0).unwrap()
}

/// The production defaults (20 ms per round trip), failing closed.
fn limiter(server: &RedisServer) -> RedisLimiter {
    let options = RedisOptions {
        policy: FailurePolicy::FailClosed,
        connect_timeout: Duration::from_secs(10),
        ..RedisOptions::default()
    };
    RedisLimiter::connect(&server.url(), roomy(), options).expect("connect")
}

/// A raw command on a connection of the test's own.
fn redis_cmd(c: &mut redis::Connection, args: &[&str]) {
    let mut cmd = redis::cmd(args[0]);
    for a in &args[1..] {
        cmd.arg(*a);
    }
    cmd.query::<redis::Value>(c).expect("test command");
}

/// One check: whether Redis decided it (its count went up), and the decision.
fn check(l: &mut RedisLimiter) -> (bool, bool) {
    check_key(l, "tenant-a")
}

/// Checks until `done` holds for the health after a check (every 5 ms, at most `limit`);
/// returns the time it took, or `None`.
fn check_until(
    l: &mut RedisLimiter,
    limit: Duration,
    mut done: impl FnMut(&RedisHealth, bool, bool) -> bool,
) -> Option<Duration> {
    let start = Instant::now();
    while start.elapsed() < limit {
        let (by_redis, allowed) = check(l);
        if done(&l.health(), by_redis, allowed) {
            return Some(start.elapsed());
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    None
}

/// The run of one outage: healthy first; after `inject`, checks are decided by the policy
/// (denied, fail-closed) and the health says unhealthy with the reason; after `heal`,
/// Redis decides again within [`RECOVERY`] and the health is back. Returns the health
/// at the end of the fault and the errors it showed meanwhile.
fn outage(
    name: &str,
    l: &mut RedisLimiter,
    inject: impl FnOnce(),
    heal: impl FnOnce(),
) -> (RedisHealth, std::collections::BTreeSet<String>) {
    assert_eq!(check(l), (true, true), "{name}: before the fault");
    assert!(l.health().healthy, "{name}: {:?}", l.health());
    inject();
    let fallbacks = l.health().fallbacks;
    let shown = check_until(l, SHOW, |h, by_redis, allowed| {
        !h.healthy && !by_redis && !allowed && h.fallbacks > fallbacks
    });
    assert!(
        shown.is_some(),
        "{name}: the fault never showed: {:?}",
        l.health()
    );
    // While it lasts (past the guard's recovery time, so probes reconnect and meet the
    // fault itself), every check is the policy's and the health stays false.
    let dwell = Instant::now();
    let mut seen = std::collections::BTreeSet::new();
    while dwell.elapsed() < DWELL {
        let (by_redis, allowed) = check(l);
        assert!(
            !by_redis && !allowed,
            "{name}: decided by Redis during the fault"
        );
        assert!(!l.health().healthy, "{name}: {:?}", l.health());
        seen.extend(l.health().last_error);
        std::thread::sleep(Duration::from_millis(5));
    }
    let during = l.health();
    assert!(during.last_error.is_some(), "{name}: {during:?}");
    assert!(during.errors >= 2, "{name}: {during:?}");
    heal();
    let back = check_until(l, SHOW, |h, by_redis, allowed| {
        h.healthy && by_redis && allowed
    });
    let after = l.health();
    eprintln!("{name}: {during:?}\n  errors seen: {seen:?}\n  back after {back:?}: {after:?}");
    let back = back.unwrap_or_else(|| panic!("{name}: never recovered: {after:?}"));
    assert!(back < RECOVERY, "{name}: recovered after {back:?}");
    (during, seen)
}

fn signal(server: &RedisServer, sig: &str) {
    let pid = server.pid().expect("running").to_string();
    let status = Command::new("kill")
        .args([sig, &pid])
        .status()
        .expect("run kill");
    assert!(status.success());
}

#[test]
fn sigstop_then_sigcont() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let mut l = limiter(&server);
    let (during, _) = outage(
        "SIGSTOP",
        &mut l,
        || signal(&server, "-STOP"),
        || signal(&server, "-CONT"),
    );
    assert!(during.last_error.unwrap().contains("no answer within"));
}

#[test]
fn restart() {
    let Some(mut server) = RedisServer::start() else {
        return;
    };
    let mut l = limiter(&server);
    // Killed, then started again on the same port (the restart waits for its PING, so
    // the recovery is timed from Redis answering).
    let cell = RefCell::new(&mut server);
    outage(
        "restart",
        &mut l,
        || cell.borrow_mut().kill(),
        || cell.borrow_mut().restart(),
    );
    assert!(l.health().reconnects >= 1, "{:?}", l.health());
}

#[test]
fn script_flush_reloads_once_and_no_check_falls_back() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let mut l = limiter(&server);
    let mut c = server.conn();
    assert_eq!(check(&mut l), (true, true));
    redis_cmd(&mut c, &["SCRIPT", "FLUSH"]);
    assert_eq!(check(&mut l), (true, true));
    let h = l.health();
    assert_eq!(
        (h.noscript_reloads, h.fallbacks, h.errors),
        (1, 0, 0),
        "{h:?}"
    );
    assert!(h.healthy);
    // A batch after another flush: one reload for the whole pipeline.
    redis_cmd(&mut c, &["SCRIPT", "FLUSH"]);
    let mut out = Vec::new();
    l.check_many(&[("a", 1), ("b", 1), ("c", 1)], Nanos::ZERO, &mut out);
    assert!(out.iter().all(|d| d.as_ref().unwrap().allowed));
    let h = l.health();
    assert_eq!(
        (h.noscript_reloads, h.fallbacks, h.errors),
        (2, 0, 0),
        "{h:?}"
    );
}

#[test]
fn flushall_empties_the_buckets_and_redis_keeps_deciding() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let mut l = limiter(&server);
    let mut c = server.conn();
    assert_eq!(check(&mut l), (true, true));
    redis_cmd(&mut c, &["FLUSHALL"]);
    assert_eq!(check(&mut l), (true, true));
    let h = l.health();
    assert_eq!((h.fallbacks, h.errors), (0, 0), "{h:?}");
    assert!(h.healthy);
}

#[test]
fn client_kill_costs_at_most_one_round_trip() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let mut l = limiter(&server);
    let mut c = server.conn();
    assert_eq!(check(&mut l), (true, true));
    redis_cmd(
        &mut c,
        &["CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"],
    );
    // The killed connection fails one call at most (decided by the policy), then the
    // limiter reconnects.
    let back = check_until(&mut l, RECOVERY, |h, by_redis, _| h.healthy && by_redis);
    let h = l.health();
    assert!(back.is_some(), "{h:?}");
    assert!(h.fallbacks <= 1 && h.reconnects == 1, "{h:?}");
}

#[test]
fn requirepass_then_cleared() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let mut l = limiter(&server);
    // This connection stays authenticated once the password is set.
    let admin = RefCell::new(server.conn());
    let (_, seen) = outage(
        "requirepass",
        &mut l,
        || {
            redis_cmd(
                &mut admin.borrow_mut(),
                &["CONFIG", "SET", "requirepass", "s3cret"],
            );
            redis_cmd(
                &mut admin.borrow_mut(),
                &["CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"],
            );
        },
        || {
            redis_cmd(
                &mut admin.borrow_mut(),
                &["CONFIG", "SET", "requirepass", ""],
            )
        },
    );
    // The check's EVALSHA has 6 arguments, so Redis 7 says NOAUTH (it answers an
    // unauthenticated command of more than 10 with a protocol error instead).
    assert!(seen.iter().any(|e| e.contains("NOAUTH")), "{seen:?}");
}

#[test]
fn maxmemory_1_noeviction_is_a_failure_not_a_success() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let mut l = limiter(&server);
    let admin = RefCell::new(server.conn());
    let (during, _) = outage(
        "maxmemory 1",
        &mut l,
        || {
            redis_cmd(
                &mut admin.borrow_mut(),
                &["CONFIG", "SET", "maxmemory-policy", "noeviction"],
            );
            redis_cmd(
                &mut admin.borrow_mut(),
                &["CONFIG", "SET", "maxmemory", "1"],
            );
        },
        || {
            redis_cmd(
                &mut admin.borrow_mut(),
                &["CONFIG", "SET", "maxmemory", "0"],
            )
        },
    );
    // An error reply leaves the connection usable: no reconnect.
    assert_eq!(during.reconnects, 0, "{during:?}");
    assert!(during.last_error.unwrap().contains("OOM"));
    // A pipeline's error items count too.
    redis_cmd(
        &mut admin.borrow_mut(),
        &["CONFIG", "SET", "maxmemory", "1"],
    );
    let mut out = Vec::new();
    let errors = l.health().errors;
    l.check_many(&[("x", 1), ("y", 1)], Nanos::ZERO, &mut out);
    assert!(out.iter().all(|d| !d.as_ref().unwrap().allowed));
    let h = l.health();
    assert!(!h.healthy && h.errors > errors, "{h:?}");
    redis_cmd(
        &mut admin.borrow_mut(),
        &["CONFIG", "SET", "maxmemory", "0"],
    );
}

/// Answers every connection on `port` with bytes that are not RESP, until `stop`.
fn speak_garbage(port: u16, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<()> {
    let listener = TcpListener::bind(("127.0.0.1", port)).expect("take over the port");
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let mut open = Vec::new();
        while !stop.load(Ordering::Relaxed) {
            if let Ok((mut s, _)) = listener.accept() {
                let _ = s.set_read_timeout(Some(Duration::from_millis(50)));
                let mut buf = [0u8; 512];
                let _ = s.read(&mut buf);
                let _ = s.write_all(b"HTTP/1.1 400 garbage\r\n\x00\xff\r\n");
                open.push(s);
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    })
}

#[test]
fn a_port_that_speaks_garbage() {
    let Some(mut server) = RedisServer::start() else {
        return;
    };
    let mut l = limiter(&server);
    let port = server.port;
    let stop = Arc::new(AtomicBool::new(false));
    let garbage = RefCell::new(None);
    let (cell, stop2) = (RefCell::new(&mut server), stop.clone());
    let (_, seen) = outage(
        "garbage",
        &mut l,
        || {
            cell.borrow_mut().kill();
            *garbage.borrow_mut() = Some(speak_garbage(port, stop.clone()));
        },
        || {
            stop2.store(true, Ordering::Relaxed);
            if let Some(g) = garbage.borrow_mut().take() {
                g.join().unwrap();
            }
            cell.borrow_mut().restart();
        },
    );
    assert!(seen.iter().any(|e| e.contains("Parse error")), "{seen:?}");
}

#[test]
fn a_20000_burst_on_a_healthy_redis_is_decided_by_redis() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    // A machine loaded by other builds can stall a round trip past the 20 ms time-out (then
    // the policy rightly decides); a few attempts, each with a fresh limiter and key, must
    // include one where Redis decided everything. Any other error fails at once.
    for attempt in 0..3 {
        let mut l = limiter(&server);
        let key = format!("hot-{attempt}");
        let batch = vec![(key.as_str(), 1); 20_000];
        let mut out = Vec::new();
        let start = Instant::now();
        l.check_many(&batch, Nanos::ZERO, &mut out);
        let took = start.elapsed();
        let h = l.health();
        assert_eq!(out.len(), 20_000);
        if h.fallbacks > 0 {
            let error = h.last_error.as_deref().unwrap_or("");
            assert!(error.contains("no answer within"), "{h:?}");
            eprintln!("attempt {attempt}: a round trip timed out under load: {h:?}");
            continue;
        }
        assert!(out.iter().all(|d| d.as_ref().unwrap().allowed), "{h:?}");
        assert_eq!((h.decisions_redis, h.errors), (20_000, 0), "{h:?}");
        assert!(h.healthy);
        eprintln!(
            "20,000 checks in {} round trips: {took:?}, {:.1} µs per check",
            20_000usize.div_ceil(ringside::redis::PIPELINE_CHUNK),
            took.as_secs_f64() * 1e6 / 20_000.0
        );
        return;
    }
    panic!("no attempt was decided entirely by Redis");
}

#[test]
#[ignore = "measurement"]
fn measure_round_trip_per_batch_size() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let options = RedisOptions {
        policy: FailurePolicy::FailClosed,
        timeout: Duration::from_secs(5),
        connect_timeout: Duration::from_secs(10),
        ..RedisOptions::default()
    };
    let mut l = RedisLimiter::connect(&server.url(), roomy(), options).expect("connect");
    for size in [64usize, 128, 256, 512, 1024] {
        let batch: Vec<(String, u32)> = (0..size).map(|i| (format!("t{}", i % 50), 1)).collect();
        let batch: Vec<(&str, u32)> = batch.iter().map(|(k, c)| (k.as_str(), *c)).collect();
        let mut out = Vec::new();
        let mut times = Vec::new();
        for _ in 0..30 {
            let start = Instant::now();
            l.check_many(&batch, Nanos::ZERO, &mut out);
            times.push(start.elapsed());
        }
        times.sort();
        eprintln!(
            "batch {size}: p50 {:?} p90 {:?} max {:?} ({:.1} µs/check at p50)",
            times[15],
            times[27],
            times[29],
            times[15].as_secs_f64() * 1e6 / size as f64
        );
    }
    assert_eq!(l.health().fallbacks, 0);
}

#[test]
fn a_wrongtype_item_fails_the_round_trip_and_only_its_check_falls_back() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let mut l = limiter(&server);
    let mut c = server.conn();
    // Someone else's list where a bucket should be.
    let bad = l.redis_key("bad");
    redis_cmd(&mut c, &["RPUSH", &bad, "x"]);
    let mut out = Vec::new();
    l.check_many(&[("a", 1), ("bad", 1), ("b", 1)], Nanos::ZERO, &mut out);
    let allowed: Vec<bool> = out.iter().map(|d| d.as_ref().unwrap().allowed).collect();
    assert_eq!(allowed, [true, false, true]);
    let h = l.health();
    assert_eq!(
        (h.decisions_redis, h.fallbacks, h.errors),
        (2, 1, 1),
        "{h:?}"
    );
    assert!(!h.healthy, "{h:?}");
    assert!(
        h.last_error.as_deref().unwrap().contains("WRONGTYPE"),
        "{h:?}"
    );
    // A single check on it too; then a good round trip makes the health true again.
    assert_eq!(check_key(&mut l, "bad"), (false, false));
    assert_eq!(l.health().errors, 2);
    assert_eq!(check_key(&mut l, "a"), (true, true));
    assert!(l.health().healthy);
}

/// [`check`] on `key`: whether Redis decided it, and whether it was allowed.
fn check_key(l: &mut RedisLimiter, key: &str) -> (bool, bool) {
    let before = l.health().decisions_redis;
    let d = l.check(key, 1, Nanos::ZERO).expect("checks never fail");
    (l.health().decisions_redis > before, d.allowed)
}

//! The Redis limiter against a real redis-server started by each test.

mod support;

use std::time::{Duration, Instant};

use redis::Commands;
use ringside::patterns::breaker::State as GuardState;
use ringside::patterns::limiter::{BucketConfig, LimiterBackend, LimiterError, TokenBucket};
use ringside::redis::{FailurePolicy, RedisLimiter, RedisOptions, RedisSetupError};
use support::redis_server::RedisServer;

const SEC: u64 = 1_000_000_000;
/// A server time far from 0 (2023-11-14), as real `TIME` values are.
const T0: u64 = 1_700_000_000 * SEC;

fn cfg(capacity: u32, rate: f64) -> BucketConfig {
    BucketConfig::new(capacity, rate).unwrap()
}

fn limiter(server: &RedisServer, config: BucketConfig, policy: FailurePolicy) -> RedisLimiter {
    let options = RedisOptions {
        policy,
        ..RedisOptions::default()
    };
    RedisLimiter::connect(&server.url(), config, options).expect("connect")
}

/// A deterministic pseudo-random sequence (xorshift).
fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

#[test]
fn decisions_are_identical_to_the_in_memory_bucket() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    for (i, config) in [
        cfg(10, 3.0),
        cfg(5, 0.1),
        cfg(3, 1000.25),
        cfg(7, 2.0 / 3.0),
    ]
    .into_iter()
    .enumerate()
    {
        let mut redis = limiter(&server, config, FailurePolicy::FailClosed);
        let mut memory = TokenBucket::new(config);
        let key = format!("same-{i}");
        let mut rng = 0x9E37_79B9_7F4A_7C15u64 + i as u64;
        let mut t = 0u64;
        for step in 0..400 {
            // Bursts at one instant, then gaps of 0..0.7 s (sub-µs parts included).
            if next(&mut rng).is_multiple_of(3) {
                t += next(&mut rng) % (7 * SEC / 10);
            }
            let cost = (next(&mut rng) % u64::from(config.capacity() + 1)) as u32;
            let expected = memory.check(t, cost).unwrap();
            let got = redis.check_at_server_time(&key, T0 + t, cost).unwrap();
            assert_eq!(
                got, expected,
                "config {config:?}, step {step}, t {t}, cost {cost}"
            );
        }
        assert_eq!(redis.health().fallbacks, 0);
    }
}

#[test]
fn retry_after_is_exact() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let mut r = limiter(&server, cfg(2, 3.0), FailurePolicy::FailClosed);
    assert!(r.check_at_server_time("k", T0, 2).unwrap().allowed);
    let d = r.check_at_server_time("k", T0 + 1, 1).unwrap();
    assert!(!d.allowed);
    assert_eq!(d.retry_after_ns, 333_333_333); // ceil(1e9/3) − 1
    let at = T0 + 1 + d.retry_after_ns;
    assert!(!r.check_at_server_time("k", at - 1, 1).unwrap().allowed);
    assert!(r.check_at_server_time("k", at, 1).unwrap().allowed);
}

#[test]
fn key_has_hash_tag_and_ttl_of_time_to_full() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let mut r = limiter(&server, cfg(10, 2.0), FailurePolicy::FailClosed);
    let d = r.check("tenant-7", 0, 3).unwrap(); // server clock
    assert!(d.allowed);
    assert_eq!(d.remaining, 7.0);
    assert_eq!(d.full_after_ns, 1_500_000_000);
    let key = r.redis_key("tenant-7");
    assert_eq!(key, "ringside:bucket:{tenant-7}");
    let mut c = server.conn();
    let pttl: i64 = redis::cmd("PTTL").arg(&key).query(&mut c).unwrap();
    assert!(
        (1_400..=1_500).contains(&pttl),
        "PTTL {pttl} ms, time to full 1500 ms"
    );
    // Full again: the key is gone (an absent key is a full bucket).
    assert!(r.check("tenant-9", 0, 0).unwrap().allowed);
    let exists: bool = c.exists(r.redis_key("tenant-9")).unwrap();
    assert!(!exists);
    // tokens_at reads without taking.
    let t = r.tokens_at("tenant-7", 0);
    assert!((7.0..7.5).contains(&t), "{t}");
    r.reset("tenant-7").unwrap();
    assert_eq!(r.tokens_at("tenant-7", 0), 10.0);
}

#[test]
fn fractional_state_survives_in_integers() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    // 0.1/s: N is a 52-bit integer; the stored fraction must round-trip exactly.
    let mut r = limiter(&server, cfg(1, 0.1), FailurePolicy::FailClosed);
    let mut m = TokenBucket::new(cfg(1, 0.1));
    for k in 0..20u64 {
        let t = k * 3_333_333_337;
        assert_eq!(
            r.check_at_server_time("frac", T0 + t, 1).unwrap(),
            m.check(t, 1).unwrap()
        );
    }
}

#[test]
fn cost_above_capacity_is_an_error() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let mut r = limiter(&server, cfg(3, 1.0), FailurePolicy::FailOpen);
    assert_eq!(
        r.check("k", 0, 4),
        Err(LimiterError::CostExceedsCapacity {
            cost: 4,
            capacity: 3
        })
    );
}

#[test]
fn check_many_is_one_batch_with_sequential_semantics() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let mut r = limiter(&server, cfg(10, 0.001), FailurePolicy::FailClosed);
    let mut batch: Vec<(&str, u32)> = vec![("a", 1); 15];
    batch.push(("b", 11)); // invalid: answered locally
    batch.push(("b", 10));
    let mut out = Vec::new();
    r.check_many(0, &batch, &mut out);
    assert_eq!(out.len(), 17);
    let allowed = out[..15]
        .iter()
        .filter(|d| d.as_ref().unwrap().allowed)
        .count();
    assert_eq!(allowed, 10);
    for (i, d) in out[..10].iter().enumerate() {
        let d = d.as_ref().unwrap();
        assert!(d.allowed);
        assert!((d.remaining - (9 - i) as f64).abs() < 0.01, "{d:?}");
    }
    assert!(matches!(
        out[15],
        Err(LimiterError::CostExceedsCapacity { cost: 11, .. })
    ));
    assert!(out[16].as_ref().unwrap().allowed);
    assert_eq!(r.health().fallbacks, 0);
}

#[test]
fn script_flush_mid_run_fails_no_check() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let mut r = limiter(&server, cfg(1000, 1000.0), FailurePolicy::FailClosed);
    let mut c = server.conn();
    let mut out = Vec::new();
    for round in 0..20 {
        let _: () = redis::cmd("SCRIPT").arg("FLUSH").query(&mut c).unwrap();
        assert!(r.check("k", 0, 1).unwrap().allowed, "round {round}");
        let _: () = redis::cmd("SCRIPT").arg("FLUSH").query(&mut c).unwrap();
        r.check_many(0, &[("k", 1), ("j", 1)], &mut out);
        assert!(out.iter().all(|d| d.as_ref().unwrap().allowed));
    }
    let h = r.health();
    assert_eq!(h.fallbacks, 0, "{h:?}");
    assert!(h.healthy);
}

fn wait_until(limit: Duration, mut f: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

#[test]
fn restart_mid_run_recovers_with_no_failed_checks_after_reconnect() {
    let Some(mut server) = RedisServer::start() else {
        return;
    };
    let mut r = limiter(&server, cfg(1000, 1000.0), FailurePolicy::FailClosed);
    assert!(r.check("k", 0, 1).unwrap().allowed);
    server.restart(); // same port, empty, no scripts loaded
    // The first call after the restart may find the old connection dead; recovery follows.
    assert!(
        wait_until(Duration::from_secs(3), || {
            r.check("k", 0, 1).unwrap();
            r.health().healthy
        }),
        "did not recover: {:?}",
        r.health()
    );
    let before = r.health().fallbacks;
    for _ in 0..200 {
        assert!(r.check("k", 0, 1).unwrap().allowed);
    }
    assert_eq!(r.health().fallbacks, before);
}

#[test]
fn dead_redis_applies_the_policy_within_the_timeout_and_opens_the_guard() {
    for policy in [
        FailurePolicy::FailOpen,
        FailurePolicy::FailClosed,
        FailurePolicy::Local,
    ] {
        let Some(mut server) = RedisServer::start() else {
            return;
        };
        let mut r = limiter(&server, cfg(2, 0.001), policy);
        assert!(r.health().healthy);
        assert_eq!(r.health().policy, policy);
        server.kill();
        for i in 0..6u64 {
            let start = Instant::now();
            let d = r.check("k", i, 1).unwrap();
            assert!(
                start.elapsed() < Duration::from_secs(1),
                "decision took {:?} with a 20 ms timeout",
                start.elapsed()
            );
            match policy {
                FailurePolicy::FailOpen => assert!(d.allowed),
                FailurePolicy::FailClosed => {
                    assert!(!d.allowed);
                    assert!(d.retry_after_ns > 0);
                }
                // The local limiter: capacity 2, so two allowed, then denied.
                FailurePolicy::Local => assert_eq!(d.allowed, i < 2, "check {i}"),
            }
        }
        let h = r.health();
        assert_eq!(h.guard, GuardState::Open, "{policy}: {h:?}");
        assert!(!h.healthy);
        assert_eq!(h.fallbacks, 6);
        assert!(h.last_error.is_some());
        // Open guard: decisions without touching the network.
        let start = Instant::now();
        for _ in 0..1000 {
            r.check("k", 10, 1).unwrap();
        }
        assert!(start.elapsed() < Duration::from_secs(1));
        // Redis back (same port): healthy again within about a second.
        server.restart();
        let back = Instant::now();
        assert!(
            wait_until(Duration::from_secs(3), || {
                r.check("fresh", 0, 1).unwrap();
                r.health().healthy
            }),
            "{policy}: no recovery: {:?}",
            r.health()
        );
        eprintln!("{policy}: recovered {:?} after restart", back.elapsed());
        assert_eq!(r.health().guard, GuardState::Closed);
    }
}

#[test]
fn two_clients_on_one_key_share_one_quota() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let (capacity, rate) = (20u32, 200.0);
    let url = server.url();
    let run = Duration::from_secs(3);
    let start = Instant::now();
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let url = url.clone();
            std::thread::spawn(move || {
                let options = RedisOptions {
                    policy: FailurePolicy::FailClosed,
                    timeout: Duration::from_millis(500),
                    ..RedisOptions::default()
                };
                let mut r = RedisLimiter::connect(&url, cfg(capacity, rate), options).unwrap();
                let mut allowed = 0u64;
                while start.elapsed() < run {
                    if r.check("shared", 0, 1).unwrap().allowed {
                        allowed += 1;
                    }
                }
                (allowed, r.health().fallbacks)
            })
        })
        .collect();
    let results: Vec<(u64, u64)> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let elapsed = start.elapsed().as_secs_f64();
    let total: u64 = results.iter().map(|r| r.0).sum();
    assert!(results.iter().all(|r| r.1 == 0), "{results:?}");
    let upper = f64::from(capacity) + rate * elapsed + 1.0;
    let lower = 0.99 * (f64::from(capacity) + rate * run.as_secs_f64());
    eprintln!("two clients: {total} allowed in {elapsed:.3} s (bound {upper:.1})");
    assert!((total as f64) <= upper, "{total} > {upper}");
    assert!((total as f64) >= lower, "{total} < {lower}");
    assert!(results.iter().all(|r| r.0 > 0), "{results:?}");
}

#[test]
fn setup_errors_are_clear_and_never_show_the_password() {
    let Some(server) = RedisServer::start_with_password(Some("s3cr3t-pw")) else {
        return;
    };
    let url = server.url();
    let r = RedisLimiter::connect(&url, cfg(5, 1.0), RedisOptions::default()).unwrap();
    for text in [r.describe(), format!("{r:?}"), format!("{:?}", r.health())] {
        assert!(!text.contains("s3cr3t-pw"), "{text}");
    }
    assert_eq!(
        r.describe(),
        format!("redis://:***@127.0.0.1:{}/0", server.port)
    );

    let wrong = url.replace("s3cr3t-pw", "wrong-pw");
    let err = RedisLimiter::connect(&wrong, cfg(5, 1.0), RedisOptions::default()).unwrap_err();
    assert!(matches!(err, RedisSetupError::Auth { .. }), "{err:?}");
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.contains("wrong-pw"), "{text}");
        assert!(
            text.contains(&format!("127.0.0.1:{}", server.port)),
            "{text}"
        );
    }

    let no_pw = format!("redis://127.0.0.1:{}/0", server.port);
    let err = RedisLimiter::connect(&no_pw, cfg(5, 1.0), RedisOptions::default()).unwrap_err();
    assert!(matches!(err, RedisSetupError::Auth { .. }), "{err:?}");

    // Nothing listens on a port that was free a moment ago.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = RedisLimiter::connect(
        &format!("redis://:pw-xyz@127.0.0.1:{port}"),
        cfg(5, 1.0),
        RedisOptions::default(),
    )
    .unwrap_err();
    assert!(
        matches!(err, RedisSetupError::Unreachable { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("cannot connect"), "{err}");
    assert!(!err.to_string().contains("pw-xyz"), "{err}");

    let err = RedisLimiter::connect("redis://", cfg(5, 1.0), RedisOptions::default());
    assert!(err.is_err());
}

//! The Redis limiter against a real redis-server started by each test.
//!
//! No assertion depends on the machine being idle:
//! * tests that compare with the in-memory bucket pass a **fake server time**, and the
//!   script writes each key with a real `PX` computed from that fake time. They keep every
//!   bucket either full or at least [`MARGIN`] of fake time from full, so a key can only
//!   expire in real time after the run has lasted [`MARGIN`] (checked at the end of each run);
//! * tests on the server's clock bound their expectations by `TIME` read from the server
//!   before and after, never by a wall-time window of ours;
//! * replies get a generous time-out (a slow reply is not a fallback), except in the test
//!   of the time-out itself.

mod support;

use std::time::{Duration, Instant};

use redis::Commands;
use ringside::patterns::Nanos;
use ringside::patterns::breaker::State as GuardState;
use ringside::patterns::limiter::{BucketConfig, LimiterBackend, LimiterError, TokenBucket};
use ringside::redis::{FailurePolicy, RedisLimiter, RedisOptions, RedisSetupError};
use support::redis_server::RedisServer;

const SEC: u64 = 1_000_000_000;
/// A server time far from 0 (2023-11-14), as real `TIME` values are.
const T0: u64 = 1_700_000_000 * SEC;
/// Fake-clock runs keep every non-full bucket at least this far (fake time) from full, so
/// its key's real `PX` is at least this long; a run must end sooner (in real time).
const MARGIN: u64 = 60 * SEC;
/// Bound of the waits for recovery after a restart; reached only when it does not recover.
const RECOVERY: Duration = Duration::from_secs(30);

fn ns(t: u64) -> Nanos {
    Nanos::from_nanos(t)
}

fn cfg(capacity: u32, rate: f64) -> BucketConfig {
    BucketConfig::new(capacity, rate).unwrap()
}

/// Options with time-outs that a loaded machine cannot reach.
fn patient(policy: FailurePolicy) -> RedisOptions {
    RedisOptions {
        policy,
        timeout: Duration::from_secs(10),
        connect_timeout: Duration::from_secs(10),
        ..RedisOptions::default()
    }
}

fn limiter(server: &RedisServer, config: BucketConfig, policy: FailurePolicy) -> RedisLimiter {
    RedisLimiter::connect(&server.url(), config, patient(policy)).expect("connect")
}

/// A deterministic pseudo-random sequence (xorshift).
fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

/// Fails when a fake-clock run lasted [`MARGIN`] in real time: past that, a key written
/// during the run could have expired for real and the comparison would mean nothing.
fn assert_within_margin(run: Instant, what: &str) {
    assert!(
        run.elapsed() < Duration::from_nanos(MARGIN),
        "{what} took {:?} of real time, longer than the fake clock's margin {MARGIN} ns",
        run.elapsed()
    );
}

/// The server's own clock, in ms since the epoch.
fn server_ms(c: &mut redis::Connection) -> u64 {
    let (s, us): (u64, u64) = redis::cmd("TIME").query(c).unwrap();
    s * 1000 + us / 1000
}

#[test]
fn decisions_are_identical_to_the_in_memory_bucket() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    // Fractional and repeating rates, as in the in-memory tests, on a time scale where one
    // token takes hours to days (so [`MARGIN`] is a small part of a token).
    for (i, config) in [
        cfg(10, 3e-4),
        cfg(5, 1e-5),
        cfg(3, 1.000_25e-4),
        cfg(7, 2.0 / 3.0 * 1e-4),
    ]
    .into_iter()
    .enumerate()
    {
        let run = Instant::now();
        let mut redis = limiter(&server, config, FailurePolicy::FailClosed);
        let mut memory = TokenBucket::new(config);
        let key = format!("same-{i}");
        let fill_ns = (f64::from(config.capacity()) / config.refill_per_sec() * 1e9) as u64;
        let mut rng = 0x9E37_79B9_7F4A_7C15u64 + i as u64;
        let (mut t, mut full_at) = (0u64, 0u64);
        let (mut denied, mut partial) = (0, 0);
        for step in 0..400 {
            // Bursts at one instant, then gaps of up to the time to fill (ns parts included).
            if next(&mut rng).is_multiple_of(3) {
                t += next(&mut rng) % fill_ns;
                // Never close to full: the key would then expire within MARGIN.
                if t < full_at && full_at - t < MARGIN {
                    t = full_at;
                }
            }
            let cost = (next(&mut rng) % u64::from(config.capacity() + 1)) as u32;
            let expected = memory.check(cost, ns(t)).unwrap();
            let got = redis.check_at_server_time(&key, cost, ns(T0 + t)).unwrap();
            assert_eq!(
                got, expected,
                "config {config:?}, step {step}, t {t}, cost {cost}"
            );
            // A write leaves at least one token of debt (≥ MARGIN); otherwise the distance to
            // full only shrinks with t, which the gap rule above keeps out of (0, MARGIN).
            full_at = t + expected.full_after.as_nanos();
            denied += usize::from(!expected.allowed);
            partial += usize::from(expected.remaining.fract() != 0.0);
        }
        // The run met empty buckets and partly refilled ones, not only full ones.
        assert!(
            denied > 20 && partial > 20,
            "{denied} denied, {partial} partial"
        );
        assert_eq!(redis.health().fallbacks, 0);
        assert_within_margin(run, "the comparison run");
    }
}

#[test]
fn retry_after_is_exact() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    // 3 tokens per 4096 s (exact in binary): one token is 1365.33… s, so no key written here
    // can expire during the test.
    let run = Instant::now();
    let mut r = limiter(&server, cfg(2, 3.0 / 4096.0), FailurePolicy::FailClosed);
    assert!(r.check_at_server_time("k", 2, ns(T0)).unwrap().allowed);
    let d = r.check_at_server_time("k", 1, ns(T0 + 1)).unwrap();
    assert!(!d.allowed);
    assert_eq!(d.retry_after, ns(1_365_333_333_333)); // ceil(4096e9/3) − 1
    let at = T0 + 1 + d.retry_after.as_nanos();
    assert!(!r.check_at_server_time("k", 1, ns(at - 1)).unwrap().allowed);
    assert!(r.check_at_server_time("k", 1, ns(at)).unwrap().allowed);
    assert_within_margin(run, "retry_after_is_exact");
}

#[test]
fn key_has_hash_tag_and_ttl_of_time_to_full() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let mut r = limiter(&server, cfg(10, 2.0), FailurePolicy::FailClosed);
    let before = server_ms(&mut server.conn());
    let d = r.check("tenant-7", 3, ns(0)).unwrap(); // server clock
    assert!(d.allowed);
    assert_eq!(d.remaining, 7.0);
    assert_eq!(d.full_after, ns(1_500_000_000));
    let key = r.redis_key("tenant-7");
    assert_eq!(key, "ringside:bucket:{tenant-7}");
    let mut c = server.conn();
    let pttl: i64 = redis::cmd("PTTL").arg(&key).query(&mut c).unwrap();
    let after = server_ms(&mut c);
    // Written with PX 1500 at the check's server time (≥ before); PTTL read by `after`.
    let elapsed = (after - before) as i64;
    assert!(
        (1_500 - elapsed - 1..=1_500).contains(&pttl),
        "PTTL {pttl} ms, time to full 1500 ms, {elapsed} ms between the server's TIME readings"
    );
    // Full again: the key is gone (an absent key is a full bucket).
    assert!(r.check("tenant-9", 0, ns(0)).unwrap().allowed);
    let exists: bool = c.exists(r.redis_key("tenant-9")).unwrap();
    assert!(!exists);
    // tokens_at reads without taking: 7, plus 2/s over the server time since the check.
    let t = r.tokens_at("tenant-7", ns(0));
    let elapsed_s = (server_ms(&mut c) - before + 1) as f64 / 1000.0;
    let most = (7.0 + 2.0 * elapsed_s).min(10.0);
    assert!((7.0..=most).contains(&t), "{t} tokens, at most {most}");
    r.reset("tenant-7").unwrap();
    assert_eq!(r.tokens_at("tenant-7", ns(0)), 10.0);
}

/// The documented change of settings on Redis, from the definition: each bucket keeps its
/// time debt (the arrival time), its fraction of a nanosecond rounded up when the rate
/// changes (never more tokens), clamped to the new capacity (at most empty).
#[test]
fn new_settings_keep_the_time_debt_rounded_up_and_clamped() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    // A token every 4096/3 s, then every 1024 s: no key written here can expire during the
    // test.
    let run = Instant::now();
    let mut r = limiter(&server, cfg(4, 3.0 / 4096.0), FailurePolicy::FailClosed);
    assert!(r.check_at_server_time("k", 1, ns(T0)).unwrap().allowed);
    // Arrival time T0 + 4096e9/3 ns = T0 + 1,365,333,333,333 ns + 1/3 ns.
    r.set_config(cfg(4, 1.0 / 1024.0), ns(0)).unwrap();
    // Rounded up to T0 + 1,365,333,333,334 ns, plus a token of 1,024 s; full at T0 + 4,096 s.
    let d = r.check_at_server_time("k", 1, ns(T0)).unwrap();
    assert!(d.allowed);
    assert_eq!(d.remaining, 1_706_666_666_666.0 / 1.024e12);
    assert_eq!(d.full_after, ns(2_389_333_333_334));
    // Capacity 1: the debt (2,389 s) exceeds the new 1,024 s, so the bucket is just empty.
    r.set_config(cfg(1, 1.0 / 1024.0), ns(0)).unwrap();
    let d = r.check_at_server_time("k", 1, ns(T0)).unwrap();
    assert!(!d.allowed);
    assert_eq!(d.remaining, 0.0);
    assert_eq!(d.retry_after, ns(1_024 * SEC));
    assert_eq!(d.full_after, ns(1_024 * SEC));
    assert_within_margin(
        run,
        "new_settings_keep_the_time_debt_rounded_up_and_clamped",
    );
}

#[test]
fn fractional_state_survives_in_integers() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    // 0.1/s: N is a 52-bit integer; the stored fraction must round-trip exactly. A cost of
    // 20 every 3.33… s keeps each bucket ≥ 196 s from full (allowed, then denied), so every
    // call reads the stored fraction and no key can expire during the test.
    let run = Instant::now();
    let mut r = limiter(&server, cfg(100, 0.1), FailurePolicy::FailClosed);
    let mut m = TokenBucket::new(cfg(100, 0.1));
    for k in 0..20u64 {
        let t = k * 3_333_333_337;
        let expected = m.check(20, ns(t)).unwrap();
        assert_eq!(
            r.check_at_server_time("frac", 20, ns(T0 + t)).unwrap(),
            expected
        );
        assert!(expected.full_after > ns(MARGIN), "{expected:?}");
    }
    assert_within_margin(run, "fractional_state_survives_in_integers");
}

#[test]
fn cost_above_capacity_is_an_error() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let mut r = limiter(&server, cfg(3, 1.0), FailurePolicy::FailOpen);
    assert_eq!(
        r.check("k", 4, ns(0)),
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
    // 10⁻⁶ tokens/s: the refill during the test is far below the 0.01 tolerance.
    let mut r = limiter(&server, cfg(10, 1e-6), FailurePolicy::FailClosed);
    let mut batch: Vec<(&str, u32)> = vec![("a", 1); 15];
    batch.push(("b", 11)); // invalid: answered locally
    batch.push(("b", 10));
    let mut out = Vec::new();
    r.check_many(&batch, ns(0), &mut out);
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
        assert!(r.check("k", 1, ns(0)).unwrap().allowed, "round {round}");
        let _: () = redis::cmd("SCRIPT").arg("FLUSH").query(&mut c).unwrap();
        r.check_many(&[("k", 1), ("j", 1)], ns(0), &mut out);
        assert!(out.iter().all(|d| d.as_ref().unwrap().allowed));
    }
    let h = r.health();
    assert_eq!(h.fallbacks, 0, "{h:?}");
    assert!(h.healthy);
}

/// Polls `f` until it holds (true) or `limit` passes (false).
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
    assert!(r.check("k", 1, ns(0)).unwrap().allowed);
    server.restart(); // same port, empty, no scripts loaded
    // The first call after the restart may find the old connection dead; recovery follows.
    assert!(
        wait_until(RECOVERY, || {
            r.check("k", 1, ns(0)).unwrap();
            r.health().healthy
        }),
        "did not recover: {:?}",
        r.health()
    );
    let before = r.health().fallbacks;
    for _ in 0..200 {
        assert!(r.check("k", 1, ns(0)).unwrap().allowed);
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
        // The default 20 ms decision time-out is what this test is about.
        let options = RedisOptions {
            policy,
            connect_timeout: Duration::from_secs(10),
            ..RedisOptions::default()
        };
        let mut r = RedisLimiter::connect(&server.url(), cfg(2, 0.001), options).unwrap();
        assert!(r.health().healthy);
        assert_eq!(r.health().policy, policy);
        server.kill();
        for i in 0..6u64 {
            // Loose on purpose (a loaded machine): it catches a decision that waits for
            // the 2 s connect time-out or hangs, not one that is merely late.
            let start = Instant::now();
            let d = r.check("k", 1, ns(i)).unwrap();
            assert!(
                start.elapsed() < Duration::from_secs(5),
                "decision took {:?} with a 20 ms timeout",
                start.elapsed()
            );
            match policy {
                FailurePolicy::FailOpen => assert!(d.allowed),
                FailurePolicy::FailClosed => {
                    assert!(!d.allowed);
                    assert!(d.retry_after > Nanos::ZERO);
                }
                // The local limiter: capacity 2, so two allowed, then denied.
                FailurePolicy::Local => assert_eq!(d.allowed, i < 2, "check {i}"),
            }
        }
        // Open, or already half-open if its 250 ms recovery passed on a slow machine.
        let h = r.health();
        assert_ne!(h.guard, GuardState::Closed, "{policy}: {h:?}");
        assert!(!h.healthy);
        assert_eq!(h.fallbacks, 6);
        assert!(h.last_error.is_some());
        // Open guard: decisions without waiting on the network (1000 time-outs would
        // take 20 s; the bound is loose for a loaded machine).
        let start = Instant::now();
        for _ in 0..1000 {
            r.check("k", 1, ns(10)).unwrap();
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "1000 decisions behind an open guard took {:?}",
            start.elapsed()
        );
        // Redis back (same port): healthy again (about a second on an idle machine).
        server.restart();
        let back = Instant::now();
        assert!(
            wait_until(RECOVERY, || {
                r.check("fresh", 1, ns(0)).unwrap();
                r.health().healthy
            }),
            "{policy}: no recovery: {:?}",
            r.health()
        );
        eprintln!("{policy}: recovered {:?} after restart", back.elapsed());
        assert_eq!(r.health().guard, GuardState::Closed);
    }
}

/// Two clients in two threads hammer `key` with `per_client` checks each; returns each
/// client's allowed count and the server's `TIME` (ms) before and after.
fn two_clients(
    server: &RedisServer,
    key: &'static str,
    config: BucketConfig,
    per_client: u32,
) -> (Vec<u64>, u64, u64) {
    let url = server.url();
    let before = server_ms(&mut server.conn());
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let url = url.clone();
            std::thread::spawn(move || {
                let options = patient(FailurePolicy::FailClosed);
                let mut r = RedisLimiter::connect(&url, config, options).unwrap();
                let allowed = (0..per_client)
                    .filter(|_| r.check(key, 1, ns(0)).unwrap().allowed)
                    .count() as u64;
                assert_eq!(r.health().fallbacks, 0, "{:?}", r.health());
                allowed
            })
        })
        .collect();
    let allowed = handles.into_iter().map(|h| h.join().unwrap()).collect();
    (allowed, before, server_ms(&mut server.conn()))
}

#[test]
fn two_clients_on_one_key_share_one_quota() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    // Without refill (one token per ~11 days): exactly the capacity, whatever the
    // interleaving, and each client got some (600 checks each, 1000 tokens).
    let (allowed, ..) = two_clients(&server, "no-refill", cfg(1000, 1e-6), 600);
    assert_eq!(allowed.iter().sum::<u64>(), 1000, "{allowed:?}");
    assert!(allowed.iter().all(|&a| a > 0), "{allowed:?}");

    // With refill: never more than the capacity plus what the server's clock refilled
    // between its readings before and after; never less than the capacity.
    let (capacity, rate) = (20u32, 200.0);
    let (allowed, before, after) = two_clients(&server, "refill", cfg(capacity, rate), 300);
    let total: u64 = allowed.iter().sum();
    let span_s = (after - before + 1) as f64 / 1000.0;
    let upper = f64::from(capacity) + rate * span_s + 1.0;
    eprintln!("two clients: {total} allowed in {span_s:.3} s of server time (bound {upper:.1})");
    assert!((total as f64) <= upper, "{total} > {upper}");
    assert!(total >= u64::from(capacity), "{total} < {capacity}");
}

#[test]
fn setup_errors_are_clear_and_never_show_the_password() {
    let Some(server) = RedisServer::start_with_password(Some("s3cr3t-pw")) else {
        return;
    };
    let url = server.url();
    let options = || patient(FailurePolicy::default());
    let r = RedisLimiter::connect(&url, cfg(5, 1.0), options()).unwrap();
    for text in [r.describe(), format!("{r:?}"), format!("{:?}", r.health())] {
        assert!(!text.contains("s3cr3t-pw"), "{text}");
    }
    assert_eq!(
        r.describe(),
        format!("redis://:***@127.0.0.1:{}/0", server.port)
    );

    let wrong = url.replace("s3cr3t-pw", "wrong-pw");
    let err = RedisLimiter::connect(&wrong, cfg(5, 1.0), options()).unwrap_err();
    assert!(matches!(err, RedisSetupError::Auth { .. }), "{err:?}");
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.contains("wrong-pw"), "{text}");
        assert!(
            text.contains(&format!("127.0.0.1:{}", server.port)),
            "{text}"
        );
    }

    let no_pw = format!("redis://127.0.0.1:{}/0", server.port);
    let err = RedisLimiter::connect(&no_pw, cfg(5, 1.0), options()).unwrap_err();
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
        options(),
    )
    .unwrap_err();
    assert!(
        matches!(err, RedisSetupError::Unreachable { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("cannot connect"), "{err}");
    assert!(!err.to_string().contains("pw-xyz"), "{err}");

    let err = RedisLimiter::connect("redis://", cfg(5, 1.0), options());
    assert!(err.is_err());
}

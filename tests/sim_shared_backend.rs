//! With a shared limiter backend (Redis in production), the engine sends the tenant checks
//! of each simulation step as one batch (`check_many`, one pipelined round trip) instead of
//! one round trip per request. A counting in-process backend stands in for Redis here; the
//! real-Redis tests are in `redis_limiter.rs` and `redis_cli.rs`.

use std::sync::{Arc, Mutex};

use ringside::patterns::Nanos;
use ringside::patterns::limiter::{BucketConfig, Decision, KeyedLimiter, LimiterError};
use ringside::sim::{Command, Engine, LimiterStatus, Scenario, SharedLimiter};

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Calls {
    single: usize,
    batches: usize,
    batched_checks: usize,
}

struct Counting {
    inner: KeyedLimiter<String>,
    calls: Arc<Mutex<Calls>>,
}

impl SharedLimiter for Counting {
    fn check(&mut self, key: &str, cost: u32, now: Nanos) -> Result<Decision, LimiterError> {
        self.calls.lock().unwrap().single += 1;
        self.inner.check(key, cost, now)
    }
    fn check_many(
        &mut self,
        batch: &[(&str, u32)],
        now: Nanos,
        out: &mut Vec<Result<Decision, LimiterError>>,
    ) {
        let mut calls = self.calls.lock().unwrap();
        calls.batches += 1;
        calls.batched_checks += batch.len();
        out.clear();
        out.extend(batch.iter().map(|&(k, c)| self.inner.check(k, c, now)));
    }
    fn set_config(
        &mut self,
        config: BucketConfig,
        now: Nanos,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        self.inner.set_config(config, now);
        Ok(())
    }
    fn describe(&self) -> String {
        "counting".into()
    }
    fn status(&self) -> LimiterStatus {
        LimiterStatus::always_healthy(self.describe())
    }
}

#[test]
fn each_step_checks_its_arrivals_in_one_batch() {
    let mut scenario = Scenario::builtin("default").expect("shipped");
    scenario.events.clear();
    scenario.traffic.retries = 0;
    let calls = Arc::new(Mutex::new(Calls::default()));
    let backend = Counting {
        inner: KeyedLimiter::new(BucketConfig::new(200, 400.0).expect("valid")),
        calls: calls.clone(),
    };
    let mut engine = Engine::from_scenario(&scenario, Some(3)).expect("valid scenario");
    engine.set_limiter_backend(Box::new(backend));

    // 2 s in 20 steps of 100 ms at the scenario's 2,000 req/s.
    for _ in 0..20 {
        engine.advance(100_000_000);
    }
    let c = *calls.lock().unwrap();
    let requests = engine.totals().requests as usize;
    assert!(requests > 3_000, "{requests}");
    assert_eq!(c.single, 0, "no request should cost its own round trip");
    assert_eq!(
        c.batched_checks, requests,
        "every arrival checked exactly once"
    );
    assert!(
        c.batches <= 20,
        "at most one batch per step, got {}",
        c.batches
    );

    // A burst is one batch too.
    engine
        .apply(Command::Burst {
            tenant: Some("acme".into()),
            requests: 500,
        })
        .expect("burst applies");
    let after = *calls.lock().unwrap();
    assert_eq!(after.batches, c.batches + 1);
    assert_eq!(after.batched_checks, c.batched_checks + 500);
    assert_eq!(after.single, 0);
    let t = engine.totals();
    assert_eq!(
        t.requests,
        t.succeeded + t.rate_limited + t.short_circuited + t.failed
    );
}

/// A backend whose status the test sets, deciding with an in-process bucket.
struct Scripted {
    inner: KeyedLimiter<String>,
    status: Arc<Mutex<LimiterStatus>>,
}

impl SharedLimiter for Scripted {
    fn check(&mut self, key: &str, cost: u32, now: Nanos) -> Result<Decision, LimiterError> {
        self.inner.check(key, cost, now)
    }
    fn check_many(
        &mut self,
        batch: &[(&str, u32)],
        now: Nanos,
        out: &mut Vec<Result<Decision, LimiterError>>,
    ) {
        out.clear();
        out.extend(batch.iter().map(|&(k, c)| self.inner.check(k, c, now)));
    }
    fn set_config(
        &mut self,
        config: BucketConfig,
        now: Nanos,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        self.inner.set_config(config, now);
        Ok(())
    }
    fn describe(&self) -> String {
        "redis://cache:6379/0".into()
    }
    fn status(&self) -> LimiterStatus {
        self.status.lock().unwrap().clone()
    }
}

#[test]
fn the_event_log_shows_each_phase_of_the_shared_backend() {
    let scenario = Scenario::builtin("default").expect("shipped");
    let mut healthy = LimiterStatus::always_healthy("redis://cache:6379/0".into());
    healthy.topology = "standalone".into();
    healthy.policy = Some("fail-closed".into());
    let status = Arc::new(Mutex::new(healthy));
    let mut engine = Engine::from_scenario(&scenario, Some(3)).expect("valid scenario");
    engine.set_limiter_backend(Box::new(Scripted {
        inner: KeyedLimiter::new(BucketConfig::new(200, 400.0).expect("valid")),
        status: status.clone(),
    }));
    let log_after = |engine: &mut Engine, change: &dyn Fn(&mut LimiterStatus)| {
        change(&mut status.lock().unwrap());
        let before = engine.snapshot().log.len();
        engine.advance(50_000_000);
        let log = engine.snapshot().log;
        log[before.min(log.len())..]
            .iter()
            .map(|l| l.text.to_string())
            .filter(|t| t.starts_with("limiter"))
            .collect::<Vec<_>>()
    };
    assert!(log_after(&mut engine, &|_| {}).is_empty());
    let lost = log_after(&mut engine, &|s| {
        s.healthy = false;
        s.fallbacks = 10;
        s.last_error = Some("no answer within 20ms".into());
    });
    assert_eq!(
        lost,
        ["limiter redis://cache:6379/0 lost: no answer within 20ms; fail-closed decides"]
    );
    assert!(log_after(&mut engine, &|s| s.fallbacks = 30).is_empty());
    // Every fallback decision since the last healthy look, the first ten included.
    let back = log_after(&mut engine, &|s| {
        s.healthy = true;
        s.fallbacks = 52;
        s.noscript_reloads = 1;
    });
    assert_eq!(
        back,
        [
            "limiter redis://cache:6379/0: script reloaded after NOSCRIPT (the server lost it)",
            "limiter redis://cache:6379/0 back: it decides again (52 decisions by fail-closed meanwhile)",
        ]
    );
}

#[test]
fn a_large_burst_goes_in_bounded_batches() {
    let mut scenario = Scenario::builtin("default").expect("shipped");
    scenario.events.clear();
    let calls = Arc::new(Mutex::new(Calls::default()));
    let mut engine = Engine::from_scenario(&scenario, Some(3)).expect("valid scenario");
    engine.set_limiter_backend(Box::new(Counting {
        inner: KeyedLimiter::new(BucketConfig::new(200, 400.0).expect("valid")),
        calls: calls.clone(),
    }));
    let before = *calls.lock().unwrap();
    engine
        .apply(Command::Burst {
            tenant: Some("acme".into()),
            requests: 10_000,
        })
        .expect("burst applies");
    let after = *calls.lock().unwrap();
    // 4,096 + 4,096 + 1,808.
    assert_eq!(after.batches - before.batches, 3);
    assert_eq!(after.batched_checks - before.batched_checks, 10_000);
}

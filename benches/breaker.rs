//! Breaker hot paths, ours beside the peers `failsafe` and `recloser`.
//!
//! * closed: admit one call and record its success;
//! * open: reject one call (recovery timeout far away).
//!
//! Our core takes `now` as an argument (no clock, no lock); `SyncBreaker` is the
//! thread-safe equivalent of the peers (mutex, clock read only when needed).

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use failsafe::CircuitBreaker as _;
use ringside::patterns::Nanos;
use ringside::patterns::breaker::{BreakerConfig, CircuitBreaker, Outcome};
use ringside::realtime::SyncBreaker;

const LONG: Duration = Duration::from_secs(3600);

fn config() -> BreakerConfig {
    BreakerConfig::builder()
        .failure_threshold(5)
        .recovery_timeout(Nanos::from(LONG))
        .build()
        .expect("valid breaker config")
}

fn failsafe_breaker() -> impl failsafe::CircuitBreaker {
    let policy =
        failsafe::failure_policy::consecutive_failures(5, failsafe::backoff::constant(LONG));
    failsafe::Config::new().failure_policy(policy).build()
}

fn recloser_breaker() -> recloser::Recloser {
    // Ring buffers of 5 calls and a 100 % error rate ≈ 5 consecutive failures.
    recloser::Recloser::custom()
        .error_rate(1.0)
        .closed_len(5)
        .half_open_len(1)
        .open_wait(LONG)
        .build()
}

fn closed(c: &mut Criterion) {
    let mut g = c.benchmark_group("breaker_closed_call");

    let mut core = CircuitBreaker::new(config());
    let mut now = Nanos::ZERO;
    g.bench_function("ringside_core", |b| {
        b.iter(|| {
            now += Nanos::from_nanos(1);
            let p = core.acquire(black_box(now)).unwrap();
            core.record(p, black_box(Outcome::Success), now);
        })
    });

    let sync = SyncBreaker::new(config());
    g.bench_function("ringside_sync_call", |b| {
        b.iter(|| sync.call(|| black_box(Ok::<u32, ()>(1))))
    });

    let fs = failsafe_breaker();
    g.bench_function("failsafe_call", |b| {
        b.iter(|| fs.call(|| black_box(Ok::<u32, ()>(1))))
    });

    let rc = recloser_breaker();
    g.bench_function("recloser_call", |b| {
        b.iter(|| rc.call(|| black_box(Ok::<u32, ()>(1))))
    });
    g.finish();
}

fn open(c: &mut Criterion) {
    let mut g = c.benchmark_group("breaker_open_reject");

    let mut core = CircuitBreaker::new(config());
    for t in 0..5 {
        let p = core.acquire(Nanos::from_nanos(t)).unwrap();
        core.record(p, Outcome::Failure, Nanos::from_nanos(t));
    }
    assert!(
        core.acquire(Nanos::from_nanos(10)).is_err(),
        "core must be open"
    );
    let mut now = Nanos::from_nanos(10);
    g.bench_function("ringside_core", |b| {
        b.iter(|| {
            now += Nanos::from_nanos(1);
            // `is_err` rather than `unwrap_err`: reading the whole `Result` back from
            // the stack after `black_box` measured a store-forwarding stall, not us.
            black_box(core.acquire(black_box(now)).is_err())
        })
    });

    let sync = SyncBreaker::new(config());
    for _ in 0..5 {
        let _ = sync.call(|| Err::<(), ()>(()));
    }
    g.bench_function("ringside_sync_call", |b| {
        b.iter(|| sync.call(|| black_box(Ok::<u32, ()>(1))).is_err())
    });

    assert!(sync.acquire().is_err(), "SyncBreaker must be open");

    let fs = failsafe_breaker();
    for _ in 0..5 {
        let _ = fs.call(|| Err::<(), ()>(()));
    }
    assert!(!fs.is_call_permitted(), "failsafe must be open");
    g.bench_function("failsafe_call", |b| {
        b.iter(|| fs.call(|| black_box(Ok::<u32, ()>(1))).is_err())
    });

    let rc = recloser_breaker();
    for _ in 0..6 {
        let _ = rc.call(|| Err::<(), ()>(()));
    }
    assert!(
        rc.call(|| Ok::<(), ()>(())).is_err(),
        "recloser must be open"
    );
    g.bench_function("recloser_call", |b| {
        b.iter(|| rc.call(|| black_box(Ok::<u32, ()>(1))).is_err())
    });
    g.finish();
}

criterion_group!(benches, closed, open);
criterion_main!(benches);

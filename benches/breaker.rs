//! Breaker hot paths, ours beside the peers `failsafe` and `recloser`.
//!
//! * closed: admit one call and record its success;
//! * open: reject one call (recovery timeout far away).
//!
//! Our core takes `now` as an argument (no clock, no lock); `SyncBreaker` is the
//! thread-safe equivalent of the peers (mutex, clock read only when needed).
//!
//! * closed, 2 threads: both threads call one shared breaker at once (contention on its
//!   shared state); the time is per call of one thread (wall time of the pair ÷ calls
//!   per thread).

use std::hint::black_box;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

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

/// Wall time of `iters` calls of `call` on each of two threads started together.
fn two_threads<B: Send + Sync + 'static>(breaker: &Arc<B>, iters: u64, call: fn(&B)) -> Duration {
    let barrier = Arc::new(Barrier::new(3));
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let (breaker, barrier) = (Arc::clone(breaker), Arc::clone(&barrier));
            std::thread::spawn(move || {
                barrier.wait();
                for _ in 0..iters {
                    call(&breaker);
                }
            })
        })
        .collect();
    barrier.wait();
    let start = Instant::now();
    for w in workers {
        w.join().expect("bench thread");
    }
    start.elapsed()
}

fn closed_contended(c: &mut Criterion) {
    let mut g = c.benchmark_group("breaker_closed_call_2_threads");
    let sync = Arc::new(SyncBreaker::new(config()));
    g.bench_function("ringside_sync_call", |b| {
        b.iter_custom(|iters| {
            two_threads(&sync, iters, |s| {
                let _ = black_box(s.call(|| black_box(Ok::<u32, ()>(1))));
            })
        })
    });
    let fs = Arc::new(failsafe_breaker());
    g.bench_function("failsafe_call", |b| {
        b.iter_custom(|iters| {
            two_threads(&fs, iters, |f| {
                let _ = black_box(f.call(|| black_box(Ok::<u32, ()>(1))));
            })
        })
    });
    let rc = Arc::new(recloser_breaker());
    g.bench_function("recloser_call", |b| {
        b.iter_custom(|iters| {
            two_threads(&rc, iters, |r| {
                let _ = black_box(r.call(|| black_box(Ok::<u32, ()>(1))));
            })
        })
    });
    g.finish();
}

criterion_group!(benches, closed, open, closed_contended);
criterion_main!(benches);

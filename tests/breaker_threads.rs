//! `SyncBreaker::call` must not hold its lock while the protected call runs.

use std::sync::mpsc;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::Duration;

use ringside::patterns::Nanos;
use ringside::patterns::breaker::{BreakerConfig, Rejected, State};
use ringside::realtime::{CallError, SyncBreaker};

/// Generous: a regression (lock held across the call) deadlocks the barrier; the
/// test then fails after this timeout instead of hanging.
const TIMEOUT: Duration = Duration::from_secs(10);

#[test]
fn two_threads_are_inside_call_at_the_same_time() {
    let breaker = Arc::new(SyncBreaker::new(BreakerConfig::default()));
    let barrier = Arc::new(Barrier::new(2));
    let (tx, rx) = mpsc::channel();
    for id in 0..2u32 {
        let (breaker, barrier, tx) = (breaker.clone(), barrier.clone(), tx.clone());
        // Detached: if the barrier deadlocks these threads leak, but the test
        // reports the failure via the timeout below.
        thread::spawn(move || {
            let r = breaker.call(|| {
                barrier.wait();
                Ok::<u32, ()>(id)
            });
            let _ = tx.send(r);
        });
    }
    let mut got = Vec::new();
    for _ in 0..2 {
        match rx.recv_timeout(TIMEOUT) {
            Ok(r) => got.push(r.expect("both calls admitted and succeeded")),
            Err(e) => panic!("calls did not overlap (lock held across the call?): {e}"),
        }
    }
    got.sort_unstable();
    assert_eq!(got, [0, 1]);
    let c = breaker.counters();
    assert_eq!((c.calls, c.successes, c.failures, c.rejected), (2, 2, 0, 0));
}

#[test]
fn call_distinguishes_rejection_from_failure_and_records_panics() {
    let cfg = BreakerConfig::builder().failure_threshold(2).// Effectively never recovers during the test (no timing dependence).
        recovery_timeout(Nanos::MAX).build().expect("valid breaker config");
    let b = SyncBreaker::new(cfg);
    assert_eq!(
        b.call(|| Err::<(), _>("boom")),
        Err(CallError::Failed("boom"))
    );
    // A panicking call counts as a failure (and the panic propagates).
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _ = b.call(|| -> Result<(), ()> { panic!("inside call") });
    }));
    assert!(panicked.is_err());
    assert_eq!(b.state(), State::Open);
    let mut ran = false;
    let r = b.call(|| {
        ran = true;
        Ok::<(), ()>(())
    });
    assert!(!ran, "a rejected call must not run");
    assert!(matches!(
        r,
        Err(CallError::Rejected(Rejected::Open { retry_after })) if retry_after > Nanos::ZERO
    ));
    let c = b.counters();
    assert_eq!((c.calls, c.successes, c.failures, c.rejected), (2, 0, 2, 1));
    b.inspect(|cb| assert_eq!(cb.transitions().len(), 1));
    b.reset();
    assert_eq!(b.state(), State::Closed);
    assert!(b.call(|| Ok::<(), ()>(())).is_ok());
    b.force_open();
    assert_eq!(
        b.acquire(),
        Err(Rejected::Open {
            retry_after: Nanos::MAX
        })
    );
    assert_eq!(b.counters().rejected, 2);
    b.force_closed();
    assert!(b.acquire().is_ok());
}

#[test]
fn call_with_lets_errors_not_count_as_failures() {
    let cfg = BreakerConfig::builder()
        .failure_threshold(1)
        .build()
        .expect("valid breaker config");
    let b = SyncBreaker::new(cfg);
    let r = b.call_with(|e: &&str| *e != "not found", || Err::<(), _>("not found"));
    assert_eq!(r, Err(CallError::Failed("not found")));
    assert_eq!(b.state(), State::Closed);
    assert_eq!(b.counters().successes, 1);
    let _ = b.call_with(|e: &&str| *e != "not found", || Err::<(), _>("timeout"));
    assert_eq!(b.state(), State::Open);
}

#[test]
fn concurrent_calls_keep_counters_exact() {
    // Every 7th call of each thread fails; interleaving may make failures consecutive
    // and trip the breaker (recovery is immediate). Whatever the interleaving, the
    // counters, which mix lock-free fast-path and locked updates, must add up exactly.
    let cfg = BreakerConfig::builder()
        .failure_threshold(3)
        .recovery_timeout(Nanos::ZERO)
        .success_threshold(1)
        .half_open_max_probes(1)
        .history(16)
        .build()
        .expect("valid breaker config");
    let breaker = Arc::new(SyncBreaker::new(cfg));
    const PER_THREAD: u64 = 20_000;
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let breaker = breaker.clone();
            thread::spawn(move || {
                let (mut ok, mut failed, mut rejected) = (0u64, 0u64, 0u64);
                for i in 0..PER_THREAD {
                    match breaker.call(|| if i % 7 == 0 { Err(()) } else { Ok(()) }) {
                        Ok(()) => ok += 1,
                        Err(CallError::Failed(())) => failed += 1,
                        Err(CallError::Rejected(_)) => rejected += 1,
                    }
                }
                (ok, failed, rejected)
            })
        })
        .collect();
    let (mut ok, mut failed, mut rejected) = (0, 0, 0);
    for h in handles {
        let (o, f, r) = h.join().unwrap();
        ok += o;
        failed += f;
        rejected += r;
    }
    let c = breaker.counters();
    assert_eq!(ok + failed + rejected, 2 * PER_THREAD);
    assert_eq!(
        (c.calls, c.successes, c.failures, c.rejected),
        (ok + failed, ok, failed, rejected)
    );
    // The history is a chain: each transition starts where the previous ended.
    breaker.inspect(|cb| {
        let mut prev = None;
        for t in cb.transitions() {
            if let Some(p) = prev {
                assert_eq!(t.from, p);
            }
            prev = Some(t.to);
        }
    });
}

#[test]
fn an_open_breaker_rejects_until_its_deadline_and_never_probes_early() {
    let timeout = Nanos::from_millis(200);
    let cfg = BreakerConfig::builder()
        .failure_threshold(1)
        .recovery_timeout(timeout)
        .success_threshold(1)
        .build()
        .expect("valid breaker config");
    let b = SyncBreaker::new(cfg);
    let _ = b.call(|| Err::<(), _>("down"));
    let opened = b.inspect(|cb| cb.changed_at());
    assert_eq!(b.inspect(|cb| cb.state()), State::Open);
    // Rejections (the fast path) say how long to wait: never more than the timeout plus
    // the coarse clock's tick, never zero; every one is counted.
    let mut rejected = 0;
    let deadline = std::time::Instant::now() + TIMEOUT;
    let admitted_at = loop {
        assert!(std::time::Instant::now() < deadline, "never half-opened");
        match b.acquire() {
            Ok(permit) => {
                let at = b.now();
                b.record(permit, ringside::patterns::breaker::Outcome::Success);
                break at;
            }
            Err(Rejected::Open { retry_after }) => {
                rejected += 1;
                assert!(retry_after > Nanos::ZERO);
                assert!(
                    retry_after <= timeout + Nanos::from_millis(20),
                    "{retry_after:?}"
                );
            }
            Err(other) => panic!("{other:?}"),
        }
        thread::sleep(Duration::from_micros(200));
    };
    assert!(
        admitted_at >= opened + timeout,
        "probe admitted early at {admitted_at:?}"
    );
    assert!(rejected > 10, "{rejected} rejections");
    let c = b.counters();
    assert_eq!((c.calls, c.failures, c.rejected), (2, 1, rejected));
    assert_eq!(b.state(), State::Closed);
}

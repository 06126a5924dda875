//! Hot paths must not touch the heap, and a counting global allocator proves it:
//! the patterns' ring lookups (`owner_id_of_hash`, `owners_of_hash`), bucket checks (single and keyed,
//! for a key already tracked) and breaker acquire/record/reject; and the simulation's
//! per-request path once its queues and bounded buffers reached their steady size.
//!
//! This file is its own test binary with a single test, so no other test thread of the
//! harness allocates while the counter is on.

// A global allocator is an `unsafe` trait; the crate's lints deny unsafe code elsewhere.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use ringside::patterns::Nanos;
use ringside::patterns::breaker::{BreakerConfig, CircuitBreaker, Outcome};
use ringside::patterns::limiter::{BucketConfig, KeyedLimiter, TokenBucket};
use ringside::patterns::ring::{HashRing, hash_key};
use ringside::sim::{Command, Engine, Scenario};

struct Counting;

static COUNTING: AtomicBool = AtomicBool::new(false);
static ALLOCS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            ALLOCS.fetch_add(1, Ordering::Relaxed);
        }
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            ALLOCS.fetch_add(1, Ordering::Relaxed);
        }
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Number of heap allocations made by `f`.
fn allocations(f: impl FnOnce()) -> usize {
    ALLOCS.store(0, Ordering::SeqCst);
    COUNTING.store(true, Ordering::SeqCst);
    f();
    COUNTING.store(false, Ordering::SeqCst);
    ALLOCS.load(Ordering::SeqCst)
}

#[test]
fn hot_paths_do_not_allocate() {
    // Sanity: the counter does see allocations, so a zero below means something.
    assert!(allocations(|| drop(std::hint::black_box(vec![1u8; 16]))) >= 1);
    pattern_hot_paths();
    simulation_steady_state();
}

fn pattern_hot_paths() {
    let servers: Vec<String> = (0..100).map(|i| format!("server{i}")).collect();
    let ring = HashRing::with_servers(150, &servers).expect("valid ring");
    let hashes: Vec<u128> = (0..10_000).map(|i| hash_key(&format!("user{i}"))).collect();
    let mut seen = 0usize;
    assert_eq!(
        allocations(|| {
            for &h in &hashes {
                seen += usize::from(ring.owner_id_of_hash(h).is_some());
                seen += ring.owners_of_hash(h, 3).count();
            }
        }),
        0,
        "ring lookups allocated"
    );
    assert_eq!(seen, hashes.len() * 4);

    let config = BucketConfig::new(100, 10.0).expect("valid bucket");
    let mut bucket = TokenBucket::new(config);
    let mut allowed = 0u32;
    assert_eq!(
        allocations(|| {
            for i in 0..10_000u64 {
                allowed += u32::from(
                    bucket
                        .check(1, Nanos::from_nanos(i * 1_000_000))
                        .expect("cost fits")
                        .allowed,
                );
            }
        }),
        0,
        "token bucket check allocated"
    );
    // 100 burst + 10/s over 9.999 s of checks, 1 ms apart: exactly 199 allowed.
    assert_eq!(allowed, 199);

    let mut keyed: KeyedLimiter<String> = KeyedLimiter::new(config);
    let keys: Vec<String> = (0..1_000).map(|i| format!("tenant{i}")).collect();
    for k in &keys {
        keyed
            .check(k.as_str(), 1, Nanos::from_nanos(0))
            .expect("cost fits"); // first check inserts
    }
    assert_eq!(
        allocations(|| {
            for (i, k) in keys.iter().enumerate() {
                keyed
                    .check(k.as_str(), 1, Nanos::from_nanos(1 + i as u64))
                    .expect("cost fits");
            }
        }),
        0,
        "keyed check of tracked keys allocated"
    );

    let mut breaker = CircuitBreaker::new(
        BreakerConfig::builder()
            .failure_threshold(3)
            .recovery_timeout(Nanos::from_nanos(1_000))
            .build()
            .expect("valid breaker"),
    );
    assert_eq!(
        allocations(|| {
            for t in 0..10_000u64 {
                let permit = breaker.acquire(Nanos::from_nanos(t)).expect("closed");
                breaker.record(permit, Outcome::Success, Nanos::from_nanos(t));
            }
        }),
        0,
        "closed acquire/record allocated"
    );
    for t in 0..3 {
        let permit = breaker
            .acquire(Nanos::from_nanos(20_000 + t))
            .expect("closed");
        breaker.record(permit, Outcome::Failure, Nanos::from_nanos(20_000 + t));
    }
    let mut rejected = 0;
    assert_eq!(
        allocations(|| {
            for t in 0..500u64 {
                rejected += usize::from(breaker.acquire(Nanos::from_nanos(20_003 + t)).is_err());
            }
        }),
        0,
        "open rejection allocated"
    );
    assert_eq!(rejected, 500);
}

fn simulation_steady_state() {
    let mut sc = Scenario::builtin("default").unwrap();
    sc.events.clear(); // no timeline: commands and captions allocate log lines by design
    sc.server_defaults.error_rate = 0.0;
    sc.server_defaults.latency_sigma = 0.0;
    let mut e = Engine::from_scenario(&sc, None).unwrap();
    e.apply(Command::SetRate(200_000.0)).unwrap();
    e.advance(3_000_000_000); // warm up: queue and slab reach their steady size
    let before = e.totals().requests;
    let n = allocations(|| e.advance(1_000_000_000));
    let done = e.totals().requests - before;
    assert!(done > 190_000, "{done}");
    assert!(e.totals().succeeded > 0 && e.totals().rate_limited > 0);
    assert_eq!(n, 0, "{n} allocations for {done} requests");
}

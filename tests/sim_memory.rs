//! What the engine keeps per tenant is bounded: a counting global allocator measures the
//! heap an engine holds (live bytes) with 10 tenants and with 100,000, and the difference
//! per extra tenant stays within 50 bytes (issue 13's budget is 80 all-in): 16 bytes of
//! demand counters, 24 of bucket state, 8 of the sampling table under the default
//! scenario's Zipf popularity. Names are computed, not stored; the bucket configuration is
//! stored once, and a shared backend's token counts only exist with one.
//!
//! The same for keys (issue 13): an engine with 1,000,000 request keys holds at most 24 MB
//! more than one with 10,000, at its peak (setup included) as well as after it.
//!
//! Its own test binary whose tests take a lock, so no other test thread allocates meanwhile.

// A global allocator is an `unsafe` trait; the crate's lints deny unsafe code elsewhere.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Mutex;
use std::sync::atomic::{AtomicIsize, Ordering};

use ringside::sim::traffic::Popularity;
use ringside::sim::{Engine, Scenario};

struct Live;

static LIVE: AtomicIsize = AtomicIsize::new(0);
/// The highest `LIVE` since it was last reset.
static PEAK: AtomicIsize = AtomicIsize::new(0);
/// One measurement at a time (tests run on several threads).
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Count `delta` more live bytes.
fn grow(delta: isize) {
    let live = LIVE.fetch_add(delta, Ordering::Relaxed) + delta;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

unsafe impl GlobalAlloc for Live {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grow(layout.size() as isize);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        grow(new_size as isize - layout.size() as isize);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Live = Live;

/// Heap bytes an engine of `sc` holds after building and running one virtual second, and
/// the most it held meanwhile.
fn held_and_peak(sc: &Scenario) -> (isize, isize) {
    let before = LIVE.load(Ordering::SeqCst);
    PEAK.store(before, Ordering::SeqCst);
    let mut e = Engine::from_scenario(sc, Some(1)).unwrap();
    e.advance(1_000_000_000);
    let held = LIVE.load(Ordering::SeqCst) - before;
    let peak = PEAK.load(Ordering::SeqCst) - before;
    drop(e);
    (held, peak)
}

/// Heap bytes an engine of the default scenario with `tenants` tenants holds.
fn engine_bytes(tenants: u32) -> isize {
    let mut sc = Scenario::builtin("default").unwrap();
    sc.traffic.tenants = tenants;
    held_and_peak(&sc).0
}

#[test]
fn memory_per_tenant_is_bounded() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let small = engine_bytes(10);
    let large = engine_bytes(100_000);
    let per_tenant = (large - small) as f64 / 99_990.0;
    assert!(
        per_tenant <= 50.0,
        "{per_tenant:.1} bytes per tenant (10 tenants: {small} B, 100,000: {large} B)"
    );
    // Not vacuous: each tenant does cost its counters and bucket state.
    assert!(per_tenant >= 40.0, "{per_tenant:.1} bytes per tenant");
    eprintln!("{per_tenant:.1} bytes per tenant");
}

#[test]
fn a_million_keys_cost_at_most_24_mb() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    const MB: f64 = 1024.0 * 1024.0;
    for popularity in [Popularity::Uniform, Popularity::Zipf { s: 1.0 }] {
        let with_keys = |keys| {
            let mut sc = Scenario::builtin("default").unwrap();
            sc.traffic.keys = keys;
            sc.traffic.key_popularity = popularity;
            held_and_peak(&sc)
        };
        let (small_held, small_peak) = with_keys(10_000);
        let (large_held, large_peak) = with_keys(1_000_000);
        let held = (large_held - small_held) as f64 / MB;
        let peak = (large_peak - small_peak) as f64 / MB;
        eprintln!(
            "{popularity:?}: 1M keys hold {held:.1} MB more than 10k, peak {peak:.1} MB more"
        );
        assert!(
            peak <= 24.0,
            "{popularity:?}: peak {peak:.1} MB more (held {held:.1} MB)"
        );
        assert!(
            held <= peak,
            "{popularity:?}: held {held:.1} MB, peak {peak:.1} MB"
        );
        // Not vacuous: each key does cost its ring point (4 bytes).
        assert!(held >= 3.5, "{popularity:?}: {held:.1} MB");
    }
}

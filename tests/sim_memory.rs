//! What the engine keeps per tenant is bounded: a counting global allocator measures the
//! heap an engine holds (live bytes) with 10 tenants and with 100,000, and the difference
//! per extra tenant stays within the budget of issue 13 (80 bytes all-in: demand counters,
//! bucket state, sampling table). Names are computed, not stored; the bucket
//! configuration is stored once.
//!
//! Its own test binary with a single test, so no other test thread allocates meanwhile.

// A global allocator is an `unsafe` trait; the crate's lints deny unsafe code elsewhere.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

use ringside::sim::{Engine, Scenario};

struct Live;

static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Live {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(
            new_size as isize - layout.size() as isize,
            Ordering::Relaxed,
        );
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Live = Live;

/// Heap bytes an engine holds after building and running one virtual second.
fn engine_bytes(tenants: u32) -> isize {
    let mut sc = Scenario::builtin("default").unwrap();
    sc.traffic.tenants = tenants;
    let before = LIVE.load(Ordering::SeqCst);
    let mut e = Engine::from_scenario(&sc, Some(1)).unwrap();
    e.advance(1_000_000_000);
    let held = LIVE.load(Ordering::SeqCst) - before;
    drop(e);
    held
}

#[test]
fn memory_per_tenant_is_bounded() {
    let small = engine_bytes(10);
    let large = engine_bytes(100_000);
    let per_tenant = (large - small) as f64 / 99_990.0;
    assert!(
        per_tenant <= 80.0,
        "{per_tenant:.1} bytes per tenant (10 tenants: {small} B, 100,000: {large} B)"
    );
    // Not vacuous: each tenant does cost its counters and bucket state.
    assert!(per_tenant >= 56.0, "{per_tenant:.1} bytes per tenant");
    eprintln!("{per_tenant:.1} bytes per tenant");
}

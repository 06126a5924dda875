//! The simulation's per-request path does not allocate: once the event queue and the
//! bounded buffers have reached their steady-state size, advancing through hundreds of
//! thousands of requests makes zero heap allocations. (Its own test binary, one test, so the
//! counting allocator sees only this work.)

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

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

fn allocations(f: impl FnOnce()) -> usize {
    ALLOCS.store(0, Ordering::SeqCst);
    COUNTING.store(true, Ordering::SeqCst);
    f();
    COUNTING.store(false, Ordering::SeqCst);
    ALLOCS.load(Ordering::SeqCst)
}

#[test]
fn steady_state_requests_do_not_allocate() {
    assert!(allocations(|| drop(std::hint::black_box(vec![1u8; 16]))) >= 1);
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

//! Token-bucket checks: ringside's exact GCRA bucket against governor, side by side.
//!
//! Every row's name states the three things that make rows comparable:
//! * **sharing**: `&mut` (single owner, no synchronisation) or `&self` (callable from many
//!   threads: governor's atomic CAS state, or ringside behind a `Mutex`, since ringside's
//!   limiters are `&mut self` and have no `&self` variant);
//! * **clock**: `now arg` (the caller passes the time: free), `Instant` (ringside reads
//!   `std::time::Instant` per check), `quanta` (governor's own clock, read per check), or
//!   `fake clock` (governor's `FakeRelativeClock`, advanced 10 ns per check by an atomic add),
//!   or `thread clock` (a clock of this bench's for governor that reads a per-thread time the
//!   caller sets before each check: time passed in, as ringside's `now arg`, with no write
//!   shared between threads — the like of `now arg` in the two-thread rows);
//! * **hasher** (keyed rows): foldhash (ringside's map), or governor's default SipHash-1-3
//!   (`std` `RandomState`) and foldhash given to governor through its hasher parameter.
//!
//! * **access**: round-robin over the keys, or a large stride (random access in memory).
//!
//! `allows` rows (the verdict alone) are the like of governor's `check_key`, which
//! answers allowed/denied (the wait is computed only when asked); `check` rows also
//! compute a full `Decision` (tokens left, retry and full times).
//!
//! Like for like: `&self` rows with each other (ringside `Mutex` vs governor atomic) at the
//! same clock treatment and, when keyed, the same hasher. The `&mut` rows show what a
//! single-owner caller pays. All rows run on one thread (no contention).
//!
//! Workloads (same quota for every limiter):
//! * single bucket: one bucket, time advancing 10 ns per check at 10^8 tokens/s (one token
//!   per check, so the bucket hovers near empty and both outcomes occur);
//! * keyed: 100k `String` keys checked round-robin, time advancing 10 ns per check, burst
//!   10 at 500 tokens/s (each key is seen every 1 ms and refills 0.5 tokens: its bucket
//!   is never full, so no key is evicted or re-allocated in steady state).

use std::cell::Cell;
use std::collections::HashMap;
use std::hint::black_box;
use std::num::NonZeroU32;
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant};

use criterion::{BenchmarkGroup, Criterion, criterion_group, criterion_main};
use governor::clock::FakeRelativeClock;
use governor::{Quota, RateLimiter};
use ringside::patterns::Nanos;
use ringside::patterns::limiter::{BucketConfig, KeyedLimiter, TokenBucket};
use ringside::realtime::SyncKeyedLimiter;

const STEP: Nanos = Nanos::from_nanos(10);
const SINGLE_RATE: u32 = 100_000_000;
const SINGLE_BURST: u32 = 100;
const KEYS: usize = 100_000;
const KEYED_RATE: u32 = 500;
const KEYED_BURST: u32 = 10;

type Group<'a> = BenchmarkGroup<'a, criterion::measurement::WallTime>;

fn quota(rate: u32, burst: u32) -> Quota {
    Quota::per_second(NonZeroU32::new(rate).unwrap()).allow_burst(NonZeroU32::new(burst).unwrap())
}

/// Time since `start`: the `Instant` clock of the ringside rows that read one.
fn elapsed(start: Instant) -> Nanos {
    Nanos::from(start.elapsed())
}

fn single(c: &mut Criterion) {
    let mut g = c.benchmark_group("limiter/single");
    let config = BucketConfig::new(SINGLE_BURST, f64::from(SINGLE_RATE)).unwrap();

    let mut bucket = TokenBucket::new(config);
    let mut now = Nanos::ZERO;
    g.bench_function("ringside TokenBucket (&mut, now arg)", |b| {
        b.iter(|| {
            now += STEP;
            black_box(bucket.check(1, black_box(now)))
        })
    });

    let shared = Mutex::new(TokenBucket::new(config));
    let mut now = Nanos::ZERO;
    g.bench_function("ringside Mutex<TokenBucket> (&self, now arg)", |b| {
        b.iter(|| {
            now += STEP;
            black_box(shared.lock().unwrap().check(1, black_box(now)))
        })
    });

    let shared = Mutex::new(TokenBucket::new(config));
    let start = Instant::now();
    g.bench_function("ringside Mutex<TokenBucket> (&self, Instant)", |b| {
        b.iter(|| black_box(shared.lock().unwrap().check(1, elapsed(start))))
    });

    let clock = FakeRelativeClock::default();
    let direct = RateLimiter::direct_with_clock(quota(SINGLE_RATE, SINGLE_BURST), clock.clone());
    g.bench_function("governor direct (&self atomic, fake clock)", |b| {
        b.iter(|| {
            clock.advance(Duration::from(STEP));
            black_box(direct.check())
        })
    });

    let direct = RateLimiter::direct(quota(SINGLE_RATE, SINGLE_BURST));
    g.bench_function("governor direct (&self atomic, quanta)", |b| {
        b.iter(|| black_box(direct.check()))
    });
    g.finish();
}

/// Round-robin over `keys`: the next index after `i`.
fn next_key(i: &mut usize) -> usize {
    *i = if *i + 1 == KEYS { 0 } else { *i + 1 };
    *i
}

/// A stride coprime with [`KEYS`] and far from its divisors: consecutive checks land far
/// apart in the map (random access), every key still seen once per lap.
const STRIDE: usize = 61_051;

/// Random-looking order over `keys`: the index [`STRIDE`] after `i`.
fn stride_key(i: &mut usize) -> usize {
    *i = (*i + STRIDE) % KEYS;
    *i
}

/// The keyed rows that compare the verdict alone (`allows`, governor's `check_key`) in
/// both access orders, at the same clock treatment (`now` argument vs fake clock) and
/// hasher (foldhash).
fn keyed_verdicts(g: &mut Group, keys: &[String], config: BucketConfig) {
    let q = quota(KEYED_RATE, KEYED_BURST);
    for (order, next) in ORDERS {
        let mut ours: KeyedLimiter<String> = KeyedLimiter::new(config);
        let (mut i, mut now) = (0usize, Nanos::ZERO);
        g.bench_function(
            format!("ringside KeyedLimiter::allows (&mut, now arg, foldhash, {order})"),
            |b| {
                b.iter(|| {
                    now += STEP;
                    black_box(ours.allows(keys[next(&mut i)].as_str(), 1, black_box(now)))
                })
            },
        );
        let clock = FakeRelativeClock::default();
        let theirs = RateLimiter::dashmap_with_clock_and_hasher(
            q,
            clock.clone(),
            foldhash::fast::RandomState::default(),
        );
        let mut i = 0usize;
        g.bench_function(
            format!("governor keyed (&self atomic, fake clock, foldhash, {order})"),
            |b| {
                b.iter(|| {
                    clock.advance(Duration::from(STEP));
                    black_box(theirs.check_key(&keys[next(&mut i)]).is_ok())
                })
            },
        );
        shared_verdicts(g, keys, config, order, next);
    }
}

/// The `&self` verdict rows on one thread, time passed in on both sides: ringside's
/// sharded `SyncKeyedLimiter` and governor with the per-thread clock.
fn shared_verdicts(g: &mut Group, keys: &[String], config: BucketConfig, order: &str, next: Order) {
    let ours = SyncKeyedLimiter::<String>::new(config);
    let (mut i, mut now) = (0usize, Nanos::ZERO);
    g.bench_function(
        format!("ringside SyncKeyedLimiter {order} (&self sharded, now arg, foldhash)"),
        |b| {
            b.iter(|| {
                now += STEP;
                black_box(ours.allows_at(keys[next(&mut i)].as_str(), 1, black_box(now)))
            })
        },
    );
    let theirs = RateLimiter::dashmap_with_clock_and_hasher(
        quota(KEYED_RATE, KEYED_BURST),
        ThreadClock,
        foldhash::fast::RandomState::default(),
    );
    let (mut i, mut now) = (0usize, 0u64);
    g.bench_function(
        format!("governor keyed (&self atomic, thread clock, foldhash, {order})"),
        |b| {
            b.iter(|| {
                now += STEP.as_nanos();
                ThreadClock::set(now);
                black_box(theirs.check_key(&keys[next(&mut i)]).is_ok())
            })
        },
    );
}

fn keyed_ringside(g: &mut Group, keys: &[String], config: BucketConfig) {
    let mut ours: KeyedLimiter<String> = KeyedLimiter::new(config);
    let (mut i, mut now) = (0usize, Nanos::ZERO);
    g.bench_function("ringside KeyedLimiter (&mut, now arg, foldhash)", |b| {
        b.iter(|| {
            now += STEP;
            black_box(ours.check(keys[next_key(&mut i)].as_str(), 1, black_box(now)))
        })
    });

    let shared = Mutex::new(KeyedLimiter::<String>::new(config));
    let (mut i, mut now) = (0usize, Nanos::ZERO);
    g.bench_function(
        "ringside Mutex<KeyedLimiter> (&self, now arg, foldhash)",
        |b| {
            b.iter(|| {
                now += STEP;
                let key = keys[next_key(&mut i)].as_str();
                black_box(shared.lock().unwrap().check(key, 1, black_box(now)))
            })
        },
    );

    let shared = Mutex::new(KeyedLimiter::<String>::new(config));
    let (mut i, start) = (0usize, Instant::now());
    g.bench_function(
        "ringside Mutex<KeyedLimiter> (&self, Instant, foldhash)",
        |b| {
            b.iter(|| {
                let key = keys[next_key(&mut i)].as_str();
                black_box(shared.lock().unwrap().check(key, 1, elapsed(start)))
            })
        },
    );

    // Floor: the bare lookup our check is built on (same map, hasher, entry size, keys).
    let mut bare: HashMap<String, [u64; 3], foldhash::fast::RandomState> =
        keys.iter().map(|k| (k.clone(), [0; 3])).collect();
    let mut i = 0usize;
    g.bench_function("baseline HashMap::get_mut + add (&mut, foldhash)", |b| {
        b.iter(|| {
            if let Some(v) = bare.get_mut(keys[next_key(&mut i)].as_str()) {
                v[0] += 1;
            }
            black_box(&bare);
        })
    });
}

fn keyed_governor(g: &mut Group, keys: &[String]) {
    let q = quota(KEYED_RATE, KEYED_BURST);
    let clock = FakeRelativeClock::default();
    let theirs = RateLimiter::dashmap_with_clock_and_hasher(
        q,
        clock.clone(),
        foldhash::fast::RandomState::default(),
    );
    let mut i = 0usize;
    g.bench_function("governor keyed (&self atomic, fake clock, foldhash)", |b| {
        b.iter(|| {
            clock.advance(Duration::from(STEP));
            black_box(theirs.check_key(&keys[next_key(&mut i)]))
        })
    });

    let theirs = RateLimiter::dashmap_with_clock_and_hasher(
        q,
        governor::clock::DefaultClock::default(),
        foldhash::fast::RandomState::default(),
    );
    let mut i = 0usize;
    g.bench_function("governor keyed (&self atomic, quanta, foldhash)", |b| {
        b.iter(|| black_box(theirs.check_key(&keys[next_key(&mut i)])))
    });

    let theirs = RateLimiter::keyed(q);
    let mut i = 0usize;
    g.bench_function("governor keyed (&self atomic, quanta, SipHash)", |b| {
        b.iter(|| black_box(theirs.check_key(&keys[next_key(&mut i)])))
    });
}

fn keyed(c: &mut Criterion) {
    let mut g = c.benchmark_group("limiter/keyed_100k");
    let keys: Vec<String> = (0..KEYS).map(|i| format!("tenant-{i:06}")).collect();
    let config = BucketConfig::new(KEYED_BURST, f64::from(KEYED_RATE)).unwrap();
    keyed_ringside(&mut g, &keys, config);
    keyed_governor(&mut g, &keys);
    keyed_verdicts(&mut g, &keys, config);
    g.finish();
}

/// An order of access over the keys: the index after `i`.
type Order = fn(&mut usize) -> usize;

/// The two access orders over the keys, by name.
const ORDERS: [(&str, Order); 2] = [("round-robin", next_key), ("stride", stride_key)];

/// Wall time of `iters` checks on each of two threads started together, each thread
/// walking `keys` in `order` from its own end.
fn two_threads(iters: u64, order: Order, check: Arc<dyn Fn(usize, u64) + Send + Sync>) -> Duration {
    let barrier = Arc::new(Barrier::new(3));
    let workers: Vec<_> = (0..2)
        .map(|t| {
            let (check, barrier) = (Arc::clone(&check), Arc::clone(&barrier));
            std::thread::spawn(move || {
                barrier.wait();
                let mut i = t * KEYS / 2;
                for n in 0..iters {
                    check(order(&mut i), n);
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

/// Per check of one thread, two threads checking at once through `check` (given the key
/// index and the thread's check number) in `order`.
fn bench_two_threads(
    g: &mut Group,
    name: String,
    order: Order,
    check: Arc<dyn Fn(usize, u64) + Send + Sync>,
) {
    g.bench_function(name, |b| {
        b.iter_custom(|iters| two_threads(iters, order, Arc::clone(&check)))
    });
}

/// The shared (`&self`) keyed limiters called from two threads at once: the time is per
/// check of one thread (wall time of the pair ÷ checks per thread).
fn keyed_two_threads(c: &mut Criterion) {
    let mut g = c.benchmark_group("limiter/keyed_100k_2_threads");
    let keys: Arc<Vec<String>> = Arc::new((0..KEYS).map(|i| format!("tenant-{i:06}")).collect());
    let config = BucketConfig::new(KEYED_BURST, f64::from(KEYED_RATE)).unwrap();
    for (order, next) in ORDERS {
        let (ours, k) = (SyncKeyedLimiter::<String>::new(config), Arc::clone(&keys));
        let name = format!("ringside SyncKeyedLimiter {order} (&self sharded, now arg, foldhash)");
        let check = move |i: usize, n: u64| {
            black_box(
                ours.allows_at(k[i].as_str(), 1, Nanos::from_nanos(n * 20))
                    .ok(),
            );
        };
        bench_two_threads(&mut g, name, next, Arc::new(check));
        let theirs = RateLimiter::dashmap_with_clock_and_hasher(
            quota(KEYED_RATE, KEYED_BURST),
            ThreadClock,
            foldhash::fast::RandomState::default(),
        );
        let k = Arc::clone(&keys);
        let name = format!("governor keyed (&self atomic, thread clock, foldhash, {order})");
        let check = move |i: usize, n: u64| {
            ThreadClock::set(n * 20);
            black_box(theirs.check_key(&k[i]).is_ok());
        };
        bench_two_threads(&mut g, name, next, Arc::new(check));
    }
    let clock = FakeRelativeClock::default();
    let theirs = RateLimiter::dashmap_with_clock_and_hasher(
        quota(KEYED_RATE, KEYED_BURST),
        clock.clone(),
        foldhash::fast::RandomState::default(),
    );
    let k = Arc::clone(&keys);
    let check = move |i: usize, _: u64| {
        clock.advance(Duration::from(STEP));
        black_box(theirs.check_key(&k[i]).is_ok());
    };
    let name = "governor keyed (&self atomic, fake clock, foldhash, round-robin)".to_string();
    bench_two_threads(&mut g, name, next_key, Arc::new(check));
    g.finish();
}

thread_local! {
    /// The time [`ThreadClock`] reads on this thread, in nanoseconds.
    static THREAD_NOW: Cell<u64> = const { Cell::new(0) };
}

/// A governor clock reading a time each thread sets for itself before a check: the caller
/// passes the time in, as ringside's `now` argument, and no clock state is shared between
/// threads (governor's `FakeRelativeClock` is one atomic that both threads write).
#[derive(Debug, Clone, Copy, Default)]
struct ThreadClock;

impl ThreadClock {
    /// This thread's time from now on.
    fn set(ns: u64) {
        THREAD_NOW.with(|t| t.set(ns));
    }
}

impl governor::clock::Clock for ThreadClock {
    type Instant = governor::nanos::Nanos;

    fn now(&self) -> Self::Instant {
        THREAD_NOW.with(Cell::get).into()
    }
}

criterion_group!(benches, single, keyed, keyed_two_threads);
criterion_main!(benches);

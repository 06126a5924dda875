//! Token-bucket checks: ringside's exact GCRA bucket against governor, side by side.
//!
//! Workloads (same quota for every limiter):
//! * single bucket: one bucket, time advancing 10 ns per check at 10^8 tokens/s (one token
//!   per check, so the bucket hovers near empty and both outcomes occur);
//! * keyed: 100k `String` keys checked round-robin, time advancing 10 ns per check, burst
//!   10 at 500 tokens/s (each key is seen every 1 ms and refills 0.5 tokens: its bucket
//!   is never full, so no key is evicted or re-allocated in steady state).
//!
//! Ours takes `now` as an argument. governor reads its own clock (quanta) unless given a
//! `FakeRelativeClock`, which we advance by 10 ns per check (an atomic CAS) to mirror ours.

use std::collections::HashMap;
use std::hint::black_box;
use std::num::NonZeroU32;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use governor::clock::FakeRelativeClock;
use governor::{Quota, RateLimiter};
use ringside::patterns::limiter::{BucketConfig, KeyedLimiter, TokenBucket};

const STEP_NS: u64 = 10;
const SINGLE_RATE: u32 = 100_000_000;
const SINGLE_BURST: u32 = 100;
const KEYS: usize = 100_000;
const KEYED_RATE: u32 = 500;
const KEYED_BURST: u32 = 10;

fn quota(rate: u32, burst: u32) -> Quota {
    Quota::per_second(NonZeroU32::new(rate).unwrap()).allow_burst(NonZeroU32::new(burst).unwrap())
}

fn single(c: &mut Criterion) {
    let mut g = c.benchmark_group("limiter/single");
    let config = BucketConfig::new(SINGLE_BURST, f64::from(SINGLE_RATE)).unwrap();

    let mut bucket = TokenBucket::new(config);
    let mut now = 0u64;
    g.bench_function("ringside TokenBucket::check", |b| {
        b.iter(|| {
            now += STEP_NS;
            black_box(bucket.check(black_box(now), 1))
        })
    });

    let direct = RateLimiter::direct(quota(SINGLE_RATE, SINGLE_BURST));
    g.bench_function("governor direct (own clock)", |b| {
        b.iter(|| black_box(direct.check()))
    });

    let clock = FakeRelativeClock::default();
    let direct = RateLimiter::direct_with_clock(quota(SINGLE_RATE, SINGLE_BURST), clock.clone());
    g.bench_function("governor direct (fake clock)", |b| {
        b.iter(|| {
            clock.advance(Duration::from_nanos(STEP_NS));
            black_box(direct.check())
        })
    });
    g.finish();
}

fn keyed(c: &mut Criterion) {
    let mut g = c.benchmark_group("limiter/keyed_100k");
    let keys: Vec<String> = (0..KEYS).map(|i| format!("tenant-{i:06}")).collect();
    let config = BucketConfig::new(KEYED_BURST, f64::from(KEYED_RATE)).unwrap();

    let mut ours: KeyedLimiter<String> = KeyedLimiter::new(config);
    let (mut i, mut now) = (0usize, 0u64);
    g.bench_function("ringside KeyedLimiter::check", |b| {
        b.iter(|| {
            i = if i + 1 == KEYS { 0 } else { i + 1 };
            now += STEP_NS;
            black_box(ours.check(keys[i].as_str(), black_box(now), 1))
        })
    });

    // Floor: the bare lookup our check is built on (same map, hasher, entry size, keys).
    let mut bare: HashMap<String, [u64; 3], foldhash::fast::RandomState> =
        keys.iter().map(|k| (k.clone(), [0; 3])).collect();
    let mut i = 0usize;
    g.bench_function("baseline HashMap::get_mut + add", |b| {
        b.iter(|| {
            i = if i + 1 == KEYS { 0 } else { i + 1 };
            if let Some(v) = bare.get_mut(keys[i].as_str()) {
                v[0] += 1;
            }
            black_box(&bare);
        })
    });

    let theirs = RateLimiter::keyed(quota(KEYED_RATE, KEYED_BURST));
    let mut i = 0usize;
    g.bench_function("governor keyed (own clock)", |b| {
        b.iter(|| {
            i = if i + 1 == KEYS { 0 } else { i + 1 };
            black_box(theirs.check_key(&keys[i]))
        })
    });

    let clock = FakeRelativeClock::default();
    let theirs = RateLimiter::dashmap_with_clock(quota(KEYED_RATE, KEYED_BURST), clock.clone());
    let mut i = 0usize;
    g.bench_function("governor keyed (fake clock)", |b| {
        b.iter(|| {
            i = if i + 1 == KEYS { 0 } else { i + 1 };
            clock.advance(Duration::from_nanos(STEP_NS));
            black_box(theirs.check_key(&keys[i]))
        })
    });
    g.finish();
}

criterion_group!(benches, single, keyed);
criterion_main!(benches);

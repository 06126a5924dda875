//! The algorithms side by side in one criterion run: checks of the four rate limiters of
//! `patterns::window::Limiter` on the same trace (1000 `String` keys round-robin, time
//! advancing 10 µs per check, 100 requests per key per second against a limit of 50 per
//! second, so both verdicts occur and every key stays tracked).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use ringside::patterns::Nanos;
use ringside::patterns::limiter::BucketConfig;
use ringside::patterns::window::{Algorithm, Limiter, WindowConfig};

const KEYS: usize = 1000;
const STEP_NS: u64 = 10_000;

fn limiter(algorithm: Algorithm) -> Limiter<String> {
    match algorithm {
        Algorithm::TokenBucket => Limiter::token_bucket(BucketConfig::new(50, 50.0).unwrap()),
        windowed => {
            let config = WindowConfig::new(50, Nanos::from_secs(1)).unwrap();
            Limiter::windowed(windowed, config).unwrap()
        }
    }
}

fn limiters(c: &mut Criterion) {
    let keys: Vec<String> = (0..KEYS).map(|i| format!("tenant-{i}")).collect();
    let mut group = c.benchmark_group("limiter check");
    for algorithm in Algorithm::ALL {
        let mut l = limiter(algorithm);
        let (mut i, mut now) = (0usize, 0u64);
        group.bench_function(algorithm.name(), |b| {
            b.iter(|| {
                i = (i + 1) % KEYS;
                now += STEP_NS;
                black_box(l.allows(keys[i].as_str(), Nanos::from_nanos(now)))
            });
        });
    }
    group.finish();
}

criterion_group!(benches, limiters);
criterion_main!(benches);

//! Simulated requests per wall-second through the whole pipeline (bucket → ring →
//! breaker → simulated server → completion event), on one core.
//!
//! `cargo bench --bench sim -- --warm-up-time 1 --measurement-time 3`

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ringside::sim::{Command, Engine, Scenario};

const RATE: f64 = 1_000_000.0;
const SLICE_NS: u64 = 100_000_000; // 100 ms of virtual time = ~100k requests per iteration

fn engine(name: &str, open_limiter: bool) -> Engine {
    let sc = Scenario::builtin(name).expect("shipped scenario");
    let mut e = Engine::from_scenario(&sc, None).expect("engine");
    e.apply(Command::SetRate(RATE)).expect("rate");
    if open_limiter {
        // Let (almost) every request pass the bucket so it takes the full path.
        e.apply(Command::SetCapacity(1_000_000)).expect("capacity");
        e.apply(Command::SetRefillRate(10_000_000.0))
            .expect("refill");
    }
    e
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("sim");
    g.throughput(Throughput::Elements((RATE * SLICE_NS as f64 / 1e9) as u64));
    g.sample_size(20);
    for (label, name, open) in [
        ("default_full_pipeline", "default", true),
        ("default_as_shipped", "default", false),
    ] {
        let mut e = engine(name, open);
        g.bench_function(label, |b| b.iter(|| e.advance(SLICE_NS)));
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

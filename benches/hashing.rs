//! The six hashing algorithms of `patterns::hashing` side by side in one run: owner
//! lookups of pre-hashed keys at 10, 100 and 1000 servers (rendezvous and multi-probe hash
//! again per server or probe, as their definitions require), Maglev's table build at
//! M = 65537, and each algorithm's peak-to-mean load over 100,000 keys at 100 servers,
//! printed once (published figures: multi-probe with 21 probes ≈ 1.05, Appleton &
//! O'Reilly 2015; ring with 150 vnodes ≈ 1.1–1.2; Maglev within 1 slot of even by
//! construction; bounded-load at most 1 + ε = 1.25).

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use ringside::patterns::hashing::{Algorithm, Hashing, Key, Params, maglev};
use ringside::patterns::ring::hash_bytes;

const KEYS: usize = 1024;

fn names(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("server-{i}")).collect()
}

fn keys(n: usize) -> Vec<(String, u128)> {
    (0..n)
        .map(|i| {
            let key = format!("user:{i}");
            let hash = hash_bytes(key.as_bytes());
            (key, hash)
        })
        .collect()
}

fn lookups(c: &mut Criterion) {
    let keys = keys(KEYS);
    let mut group = c.benchmark_group("hashing_lookup");
    for servers in [10, 100, 1000] {
        for algorithm in Algorithm::ALL {
            let mut hashing = Hashing::new(algorithm, &Params::default(), names(servers)).unwrap();
            let mut out = Vec::with_capacity(1);
            let mut i = 0;
            group.bench_with_input(
                BenchmarkId::new(algorithm.name(), servers),
                &servers,
                |b, _| {
                    b.iter(|| {
                        let (key, hash) = &keys[i % KEYS];
                        i += 1;
                        out.clear();
                        hashing.owners(Key::hashed(key.as_bytes(), *hash), 1, &mut out);
                        black_box(out.first().copied())
                    })
                },
            );
        }
    }
    group.finish();
}

fn maglev_build(c: &mut Criterion) {
    let mut group = c.benchmark_group("maglev_build_65537");
    for servers in [10, 100, 1000] {
        let list: Vec<Box<str>> = names(servers).into_iter().map(Into::into).collect();
        group.bench_with_input(BenchmarkId::from_parameter(servers), &list, |b, list| {
            b.iter(|| black_box(maglev::Maglev::new(list, 65537)))
        });
    }
    group.finish();
}

/// Peak-to-mean load of each algorithm, printed once (not timed): over 1,000,000 keys (10,000
/// a server, so the sample adds ~3% to the busiest server's count) under `cargo bench`,
/// 100,000 in test mode.
fn peak_to_mean(_: &mut Criterion) {
    let full = std::env::args().any(|a| a == "--bench");
    let keys = keys(if full { 1_000_000 } else { 100_000 });
    println!("peak_to_mean over {} keys at 100 servers", keys.len());
    for algorithm in Algorithm::ALL {
        let mut hashing = Hashing::new(algorithm, &Params::default(), names(100)).unwrap();
        let mut counts = vec![0u64; 100];
        for (key, hash) in &keys {
            if let Some(owner) = hashing.owner(Key::hashed(key.as_bytes(), *hash)) {
                counts[owner] += 1;
            }
        }
        let peak = *counts.iter().max().unwrap() as f64;
        let mean = keys.len() as f64 / 100.0;
        println!("peak_to_mean {:<13} {:.3}", algorithm.name(), peak / mean);
    }
}

criterion_group!(benches, lookups, maglev_build, peak_to_mean);
criterion_main!(benches);

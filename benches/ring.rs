//! Ring benchmarks, 150 vnodes per server, with the `hashring` crate side by side.
//!
//! `hashring` has no virtual nodes of its own; as its docs suggest, each server is added
//! as 150 `VNode { server, index }` entries. Every row names the key hash it pays for:
//! ringside places keys by **MD5** (the tutorial's mapping, needed for its golden files);
//! `hashring` hashes with **SipHash-2-4** by default, and is also run with **foldhash** (its
//! hasher parameter) to show the cost of the ring search apart from the hash. The
//! `prehashed` rows are our search alone, without any hash.
//!
//! No peer row for `owners` (several distinct servers per key): `hashring`'s only such call,
//! `get_with_replicas`, clones the whole ring (15,000 entries at 100 servers) on every call
//! and does not skip repeated servers, so it measures a copy, not a lookup.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use ringside::patterns::ring::{HashRing, Position, hash_bytes, hash_key, hash_many};

const VNODES: u32 = 150;
const KEYS: usize = 4096;

#[derive(Debug, Clone, Hash, PartialEq)]
struct VNode {
    server: String,
    index: u32,
}

fn server_names(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("server-{i}")).collect()
}

fn ours(n: usize) -> HashRing {
    HashRing::with_servers(VNODES, server_names(n)).unwrap()
}

fn peer_vnodes(server: &str) -> Vec<VNode> {
    (0..VNODES)
        .map(|index| VNode {
            server: server.to_owned(),
            index,
        })
        .collect()
}

fn peer(n: usize) -> hashring::HashRing<VNode> {
    peer_with(n, hashring::HashRing::new())
}

fn peer_with<S: std::hash::BuildHasher>(
    n: usize,
    mut ring: hashring::HashRing<VNode, S>,
) -> hashring::HashRing<VNode, S> {
    for s in server_names(n) {
        ring.batch_add(peer_vnodes(&s));
    }
    ring
}

fn keys() -> Vec<String> {
    (0..KEYS).map(|i| format!("user:{i}")).collect()
}

fn lookups(c: &mut Criterion) {
    let ring = ours(100);
    let peer = peer(100);
    let peer_fold = peer_with(
        100,
        hashring::HashRing::with_hasher(foldhash::fast::FixedState::default()),
    );
    let keys = keys();
    let hashes: Vec<Position> = keys.iter().map(|k| hash_key(k)).collect();

    let mut g = c.benchmark_group("ring_lookup_100x150");
    let mut i = 0usize;
    g.bench_function("ringside/owner_id_of_hash(prehashed, no hash)", |b| {
        b.iter(|| {
            i = (i + 1) % KEYS;
            black_box(ring.owner_id_of_hash(black_box(hashes[i])))
        })
    });
    g.bench_function("MD5 alone (hash_key)", |b| {
        b.iter(|| {
            i = (i + 1) % KEYS;
            black_box(hash_key(black_box(&keys[i])))
        })
    });
    g.bench_function("ringside/owner(key, MD5)", |b| {
        b.iter(|| {
            i = (i + 1) % KEYS;
            black_box(ring.owner(black_box(&keys[i])))
        })
    });
    g.bench_function("hashring/get(key, SipHash-2-4)", |b| {
        b.iter(|| {
            i = (i + 1) % KEYS;
            black_box(peer.get(black_box(&keys[i].as_str())))
        })
    });
    g.bench_function("hashring/get(key, foldhash)", |b| {
        b.iter(|| {
            i = (i + 1) % KEYS;
            black_box(peer_fold.get(black_box(&keys[i].as_str())))
        })
    });
    g.bench_function("ringside/owners_of_hash(prehashed, 3, no hash)", |b| {
        b.iter(|| {
            i = (i + 1) % KEYS;
            for o in ring.owners_of_hash(black_box(hashes[i]), 3) {
                black_box(o);
            }
        })
    });
    g.bench_function("ringside/owners(key, 3, MD5)", |b| {
        b.iter(|| {
            i = (i + 1) % KEYS;
            for o in ring.owners(black_box(&keys[i]), 3) {
                black_box(o);
            }
        })
    });
    g.finish();
}

/// Batches of 64 keys at 100 servers: the time is per key (throughput in keys).
fn batches(c: &mut Criterion) {
    const BATCH: usize = 64;
    let ring = ours(100);
    let keys = keys();
    let mut g = c.benchmark_group("ring_batch_64_keys_100x150");
    g.throughput(Throughput::Elements(BATCH as u64));
    let mut start = 0usize;
    let mut next_batch = || {
        start = (start + BATCH) % (KEYS - BATCH);
        &keys[start..start + BATCH]
    };
    let mut hashes = Vec::with_capacity(BATCH);
    g.bench_function("MD5 alone, one by one (hash_bytes: md-5 crate)", |b| {
        b.iter(|| {
            for k in next_batch() {
                black_box(hash_bytes(black_box(k.as_bytes())));
            }
        })
    });
    g.bench_function(
        "MD5 alone, 16 lanes (hash_many: AVX2 if the CPU has it)",
        |b| {
            b.iter(|| {
                hashes.clear();
                hash_many(next_batch().iter().map(|k| k.as_bytes()), &mut hashes);
                black_box(&hashes);
            })
        },
    );
    g.bench_function("ringside/owner(key, MD5) one by one", |b| {
        b.iter(|| {
            for k in next_batch() {
                black_box(ring.owner_id(black_box(k)));
            }
        })
    });
    let mut owners = Vec::with_capacity(BATCH);
    g.bench_function("ringside/owners_many(keys, MD5 in lanes)", |b| {
        b.iter(|| {
            owners.clear();
            ring.owners_many(next_batch().iter().map(|k| k.as_bytes()), &mut owners);
            black_box(&owners);
        })
    });
    g.finish();
}

fn membership(c: &mut Criterion) {
    let mut g = c.benchmark_group("ring_add_remove_one_server");
    for n in [100usize, 1000] {
        let mut ring = ours(n);
        g.bench_with_input(BenchmarkId::new("ringside (MD5)", n), &n, |b, _| {
            b.iter(|| {
                ring.add(black_box("newcomer")).unwrap();
                ring.remove(black_box("newcomer")).unwrap();
            })
        });
        let mut peer = peer(n);
        let nodes = peer_vnodes("newcomer");
        g.bench_with_input(BenchmarkId::new("hashring (SipHash-2-4)", n), &n, |b, _| {
            b.iter(|| {
                peer.batch_add(nodes.clone());
                for v in &nodes {
                    black_box(peer.remove(v));
                }
            })
        });
    }
    g.finish();
}

/// Building a whole ring in bulk (hash every point, sort once): the dashboard's and
/// `ringside ring`'s start-up cost. A few samples: one 20,000-server build takes a second.
fn build(c: &mut Criterion) {
    let mut g = c.benchmark_group("ring_build_x150");
    g.sample_size(10);
    for n in [1000usize, 10_000, 20_000] {
        let names = server_names(n);
        g.bench_with_input(BenchmarkId::new("ringside (MD5)", n), &names, |b, names| {
            b.iter(|| black_box(HashRing::with_servers(VNODES, names).unwrap()))
        });
    }
    g.finish();
}

criterion_group!(benches, lookups, batches, membership, build);
criterion_main!(benches);

//! The six hashing algorithms of `patterns::hashing` against references written here from
//! their definitions (issue 15), not by calling the production code, on random inputs;
//! jump also against the published values of the paper's C++ function; Maglev's table
//! and bounded-load's capacities against the properties the papers prove.

use md5::{Digest, Md5};
use proptest::collection::{btree_set, vec};
use proptest::prelude::*;
use ringside::patterns::hashing::{Algorithm, Hashing, Key, Params, jump, maglev};

fn md5(bytes: &[u8]) -> u128 {
    u128::from_be_bytes(Md5::digest(bytes).into())
}

fn h64(bytes: &[u8]) -> u64 {
    (md5(bytes) >> 64) as u64
}

fn h64b(bytes: &[u8]) -> u64 {
    md5(bytes) as u64
}

/// 1..=9 distinct server names in random order.
fn servers() -> impl Strategy<Value = Vec<String>> {
    btree_set("[a-z]{1,5}(-[0-9])?", 1..=9)
        .prop_map(|s| s.into_iter().collect::<Vec<_>>())
        .prop_shuffle()
}

fn keys() -> impl Strategy<Value = Vec<String>> {
    vec("[a-z0-9:]{0,8}", 1..60)
}

/// Owners of every key by the production code, as names.
fn production(
    algorithm: Algorithm,
    params: &Params,
    names: &[String],
    keys: &[String],
    n: usize,
) -> Vec<Vec<String>> {
    let mut hashing = Hashing::new(algorithm, params, names).unwrap();
    keys.iter()
        .map(|k| {
            let mut out = Vec::new();
            hashing.owners(Key::new(k.as_bytes()), n, &mut out);
            out.iter()
                .map(|&i| hashing.servers()[i].to_string())
                .collect()
        })
        .collect()
}

/// The md5 vnode ring: points md5("{s}:{i}"), ordered by (position, name); the distinct
/// servers clockwise from the first point strictly after `position`.
fn ring_walk(names: &[String], vnodes: u32, position: u128) -> Vec<String> {
    let mut points: Vec<(u128, &String)> = names
        .iter()
        .flat_map(|s| (0..vnodes).map(move |i| (md5(format!("{s}:{i}").as_bytes()), s)))
        .collect();
    points.sort();
    let start = points.iter().position(|p| p.0 > position).unwrap_or(0);
    let mut walk: Vec<String> = Vec::new();
    for i in 0..points.len() {
        let s = points[(start + i) % points.len()].1;
        if !walk.contains(s) {
            walk.push(s.clone());
        }
    }
    walk
}

/// The paper's C++ `JumpConsistentHash`, transcribed.
fn jump_reference(mut key: u64, num_buckets: i32) -> i32 {
    let (mut b, mut j): (i64, i64) = (-1, 0);
    while j < i64::from(num_buckets) {
        b = j;
        key = key.wrapping_mul(2862933555777941757).wrapping_add(1);
        j = ((b + 1) as f64 * ((1i64 << 31) as f64 / ((key >> 33) + 1) as f64)) as i64;
    }
    b as i32
}

/// Published values of the paper's function: Guava's `HashingTest`
/// (`testConsistentHash_linearCongruentialGeneratorCompatibility`,
/// guava/src/test/com/google/common/hash/HashingTest.java), also used by the C and Rust
/// jump-hash ports' tests: keys 0..20 into 100 buckets, and six (key, buckets) pairs.
#[test]
fn jump_matches_published_values() {
    let golden100 = [
        0, 55, 62, 8, 45, 59, 86, 97, 82, 59, 73, 37, 17, 56, 86, 21, 90, 37, 38, 83,
    ];
    for (key, &expected) in golden100.iter().enumerate() {
        assert_eq!(jump::bucket(key as u64, 100), expected, "key {key}");
    }
    let pairs = [
        (10863919174838991, 11, 6),
        (2016238256797177309, 11, 3),
        (1673758223894951030, 11, 5),
        (2, 100001, 80343),
        (2201, 100001, 22152),
        (2202, 100001, 15018),
    ];
    for (key, buckets, expected) in pairs {
        assert_eq!(jump::bucket(key, buckets), expected, "key {key}");
    }
}

/// Maglev's fill, as the paper's Pseudocode 1 with the full permutation table.
fn maglev_reference(names: &[String], m: u64) -> Vec<usize> {
    let permutation: Vec<Vec<u64>> = names
        .iter()
        .map(|s| {
            let offset = h64(s.as_bytes()) % m;
            let skip = h64b(s.as_bytes()) % (m - 1) + 1;
            (0..m).map(|j| (offset + j * skip) % m).collect()
        })
        .collect();
    let mut next = vec![0usize; names.len()];
    let mut entry = vec![None; m as usize];
    let mut n = 0;
    loop {
        for i in 0..names.len() {
            let mut c = permutation[i][next[i]];
            while entry[c as usize].is_some() {
                next[i] += 1;
                c = permutation[i][next[i]];
            }
            entry[c as usize] = Some(i);
            next[i] += 1;
            n += 1;
            if n == m {
                return entry.into_iter().map(Option::unwrap).collect();
            }
        }
    }
}

/// Multi-probe's owner: the probe nearest (clockwise) to its owner, ties by smaller name.
fn multi_probe_reference(names: &[String], key: &str, probes: u32) -> String {
    let mut best: Option<(u128, &String)> = None;
    for j in 0..probes {
        let probe = h64(format!("{key}#{j}").as_bytes());
        // The first point strictly greater, wrapping: smallest clockwise distance, where a
        // point not above the probe is reached only after passing 2^64.
        let (distance, owner) = names
            .iter()
            .map(|s| {
                let p = h64(s.as_bytes());
                let d = if p > probe {
                    (p - probe) as u128
                } else {
                    (1u128 << 64) - (probe - p) as u128
                };
                (d, s)
            })
            .min()
            .unwrap();
        if best.is_none_or(|b| (distance, owner) < b) {
            best = Some((distance, owner));
        }
    }
    best.unwrap().1.clone()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn ring_matches_reference(names in servers(), keys in keys(), vnodes in 1u32..20, n in 1usize..4) {
        let params = Params { vnodes, ..Params::default() };
        let got = production(Algorithm::Ring, &params, &names, &keys, n);
        for (key, owners) in keys.iter().zip(got) {
            let mut walk = ring_walk(&names, vnodes, md5(key.as_bytes()));
            walk.truncate(n);
            prop_assert_eq!(owners, walk);
        }
    }

    #[test]
    fn jump_matches_reference(names in servers(), keys in keys(), raw in vec(any::<u64>(), 20), buckets in 1i32..100_000) {
        for &key in &raw {
            prop_assert_eq!(jump::bucket(key, buckets as u32) as i32, jump_reference(key, buckets));
        }
        let got = production(Algorithm::Jump, &Params::default(), &names, &keys, 1);
        for (key, owners) in keys.iter().zip(got) {
            let b = jump_reference(h64(key.as_bytes()), names.len() as i32) as usize;
            prop_assert_eq!(owners, vec![names[b].clone()]);
        }
    }

    #[test]
    fn rendezvous_matches_reference(names in servers(), keys in keys(), n in 1usize..4) {
        let got = production(Algorithm::Rendezvous, &Params::default(), &names, &keys, n);
        for (key, owners) in keys.iter().zip(got) {
            let mut scored: Vec<(u128, &String)> = names
                .iter()
                .map(|s| (md5(format!("{s}#{key}").as_bytes()), s))
                .collect();
            // Highest score first, ties by the smaller name.
            scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
            let expected: Vec<String> = scored.iter().take(n).map(|s| s.1.clone()).collect();
            prop_assert_eq!(owners, expected);
        }
    }

    #[test]
    fn maglev_matches_reference(names in servers(), keys in keys(), m in prop::sample::select(vec![2u64, 3, 13, 101, 1009, 4099])) {
        let table = maglev_reference(&names, m);
        let params = Params { table_size: m, ..Params::default() };
        let got = production(Algorithm::Maglev, &params, &names, &keys, 1);
        for (key, owners) in keys.iter().zip(got) {
            let slot = (h64(key.as_bytes()) % m) as usize;
            prop_assert_eq!(owners, vec![names[table[slot]].clone()]);
        }
        // Every slot filled; per-server counts floor(M/N) or ceil(M/N).
        let built = maglev::Maglev::new(&names.iter().map(|s| s.as_str().into()).collect::<Vec<_>>(), m);
        prop_assert_eq!(built.entries().len() as u64, m);
        let mut counts = vec![0u64; names.len()];
        for &e in built.entries() {
            counts[e as usize] += 1;
        }
        let n = names.len() as u64;
        prop_assert!(counts.iter().all(|&c| c == m / n || c == m.div_ceil(n)), "{counts:?}");
    }

    #[test]
    fn multi_probe_matches_reference(names in servers(), keys in keys(), probes in 1u32..30) {
        let params = Params { probes, ..Params::default() };
        let got = production(Algorithm::MultiProbe, &params, &names, &keys, 1);
        for (key, owners) in keys.iter().zip(got) {
            prop_assert_eq!(owners, vec![multi_probe_reference(&names, key, probes)]);
        }
    }

    #[test]
    fn bounded_load_matches_reference_and_never_exceeds_capacity(
        names in servers(), keys in vec("[a-z0-9:]{0,8}", 1..200), vnodes in 1u32..20, eps in prop::sample::select(vec![0.0, 0.1, 0.25, 1.0])
    ) {
        let params = Params { vnodes, balance_factor: eps, ..Params::default() };
        let got = production(Algorithm::BoundedLoad, &params, &names, &keys, 1);
        let mut counts = vec![0u64; names.len()];
        for (i, (key, owners)) in keys.iter().zip(got).enumerate() {
            let m = (i + 1) as f64;
            let capacity = ((1.0 + eps) * m / names.len() as f64).ceil();
            let walk = ring_walk(&names, vnodes, md5(key.as_bytes()));
            let owner = walk
                .iter()
                .find(|s| (counts[names.iter().position(|n| n == *s).unwrap()] as f64) < capacity)
                .unwrap();
            prop_assert_eq!(&owners, &vec![owner.clone()]);
            let idx = names.iter().position(|n| n == owner).unwrap();
            counts[idx] += 1;
            prop_assert!(counts.iter().all(|&c| c as f64 <= capacity), "{counts:?} over {capacity}");
        }
    }

    #[test]
    fn jump_removal_moves_the_last_server_into_the_slot(names in servers(), keys in keys(), pick in any::<prop::sample::Index>()) {
        let mut hashing = Hashing::new(Algorithm::Jump, &Params::default(), &names).unwrap();
        let removed = &names[pick.index(names.len())];
        hashing.remove(removed).unwrap();
        let mut expected = names.clone();
        let at = names.iter().position(|n| n == removed).unwrap();
        expected.swap_remove(at);
        let now: Vec<String> = hashing.servers().iter().map(|s| s.to_string()).collect();
        prop_assert_eq!(&now, &expected);
        if !expected.is_empty() {
            for key in &keys {
                let b = jump_reference(h64(key.as_bytes()), expected.len() as i32) as usize;
                prop_assert_eq!(hashing.owner(Key::new(key.as_bytes())), Some(b));
            }
        }
    }
}

/// Maglev at the default table size: every slot filled, counts within one.
#[test]
fn maglev_default_table_is_full_and_even() {
    let names: Vec<Box<str>> = (0..7).map(|i| format!("server-{i}").into()).collect();
    let table = maglev::Maglev::new(&names, 65537);
    let mut counts = [0u64; 7];
    for &e in table.entries() {
        counts[e as usize] += 1;
    }
    assert_eq!(counts.iter().sum::<u64>(), 65537);
    assert!(
        counts.iter().all(|&c| c == 65537 / 7 || c == 65537 / 7 + 1),
        "{counts:?}"
    );
}

/// Bad names and parameters are refused with the valid choices named.
#[test]
fn bad_input_is_refused() {
    let err = "maglevv".parse::<Algorithm>().unwrap_err().to_string();
    assert!(
        err.contains("ring, jump, rendezvous, maglev, multi-probe, bounded-load"),
        "{err}"
    );
    let params = Params {
        table_size: 65536,
        ..Params::default()
    };
    let err = Hashing::new(Algorithm::Maglev, &params, ["a"])
        .unwrap_err()
        .to_string();
    assert!(err.contains("prime"), "{err}");
    // A parameter another algorithm reads does not matter.
    assert!(Hashing::new(Algorithm::Ring, &params, ["a"]).is_ok());
    assert!(Hashing::new(Algorithm::Jump, &Params::default(), ["a", "a"]).is_err());
}

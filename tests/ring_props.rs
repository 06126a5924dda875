//! Property tests of the ring's invariants.

use proptest::collection::{btree_set, vec};
use proptest::prelude::*;
use ringside::patterns::ring::{HashRing, Position, RingBuilder, hash_key};

/// 2..=8 distinct server names.
fn servers() -> impl Strategy<Value = Vec<String>> {
    btree_set("[a-z]{1,6}(:[0-9])?", 2..=8).prop_map(|s| s.into_iter().collect())
}

fn key_hashes() -> impl Strategy<Value = Vec<Position>> {
    vec(any::<u128>(), 200..400)
}

fn owners_by_name(ring: &HashRing, hashes: &[Position]) -> Vec<Option<String>> {
    hashes
        .iter()
        .map(|&h| ring.owner_of_hash(h).map(str::to_owned))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn adding_moves_only_keys_to_the_new_server(
        names in servers(), vnodes in 1u32..60, hashes in key_hashes()
    ) {
        let (new, rest) = names.split_last().unwrap();
        let before = HashRing::with_servers(vnodes, rest).unwrap();
        let mut after = before.clone();
        after.add(new).unwrap();
        for &h in &hashes {
            let (b, a) = (before.owner_of_hash(h), after.owner_of_hash(h));
            if b != a {
                prop_assert_eq!(a, Some(new.as_str()));
            }
        }
    }

    #[test]
    fn removing_moves_only_the_removed_servers_keys(
        names in servers(), vnodes in 1u32..60, hashes in key_hashes(), pick in any::<prop::sample::Index>()
    ) {
        let before = HashRing::with_servers(vnodes, &names).unwrap();
        let gone = pick.get(&names);
        let mut after = before.clone();
        after.remove(gone).unwrap();
        for &h in &hashes {
            let (b, a) = (before.owner_of_hash(h), after.owner_of_hash(h));
            if b != a {
                prop_assert_eq!(b, Some(gone.as_str()));
            }
            prop_assert_ne!(a, Some(gone.as_str()));
        }
    }

    #[test]
    fn add_then_remove_restores_the_mapping(
        names in servers(), vnodes in 1u32..60, hashes in key_hashes()
    ) {
        let (new, rest) = names.split_last().unwrap();
        let before = HashRing::with_servers(vnodes, rest).unwrap();
        let mut ring = before.clone();
        ring.add(new).unwrap();
        ring.remove(new).unwrap();
        prop_assert!(ring.points().eq(before.points()));
        prop_assert_eq!(owners_by_name(&ring, &hashes), owners_by_name(&before, &hashes));
    }

    #[test]
    fn insertion_order_never_matters(
        names in servers(), vnodes in 1u32..60, hashes in key_hashes(), seed in any::<u64>()
    ) {
        let mut shuffled = names.clone();
        // Deterministic shuffle from the seed.
        let mut s = seed;
        for i in (1..shuffled.len()).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(i, (s >> 33) as usize % (i + 1));
        }
        let a = HashRing::with_servers(vnodes, &names).unwrap();
        let b = HashRing::with_servers(vnodes, &shuffled).unwrap();
        prop_assert_eq!(owners_by_name(&a, &hashes), owners_by_name(&b, &hashes));
        let pa: Vec<_> = a.points().map(|(p, id)| (p, a.name(id).unwrap().to_owned())).collect();
        let pb: Vec<_> = b.points().map(|(p, id)| (p, b.name(id).unwrap().to_owned())).collect();
        prop_assert_eq!(pa, pb);
    }

    #[test]
    fn owners_are_distinct_start_with_owner_and_are_capped(
        names in servers(), vnodes in 1u32..40, hashes in vec(any::<u128>(), 50), n in 0usize..12
    ) {
        let ring = HashRing::with_servers(vnodes, &names).unwrap();
        for &h in &hashes {
            let got: Vec<&str> = ring.owners_of_hash(h, n).map(|(_, s)| s).collect();
            prop_assert_eq!(got.len(), n.min(names.len()));
            if n > 0 {
                prop_assert_eq!(Some(got[0]), ring.owner_of_hash(h));
            }
            let mut dedup = got.clone();
            dedup.sort_unstable();
            dedup.dedup();
            prop_assert_eq!(dedup.len(), got.len());
        }
    }
}

/// The mapping from its definition, independent of the ring's code: every point
/// `(md5("{server}:{i}"), server)` in one sorted `Vec`; a key's owner is the first point
/// strictly greater than it, wrapping.
fn oracle(vnodes: u32, servers: &[(String, f64)]) -> Vec<(Position, String)> {
    let mut points: Vec<(Position, String)> = servers
        .iter()
        .flat_map(|(s, w)| {
            let count = (f64::from(vnodes) * w).round().max(1.0) as u32;
            (0..count).map(move |i| (hash_key(&format!("{s}:{i}")), s.clone()))
        })
        .collect();
    points.sort();
    points
}

fn oracle_owner(points: &[(Position, String)], h: Position) -> &str {
    let i = points.partition_point(|(p, _)| *p <= h);
    &points[if i == points.len() { 0 } else { i }].1
}

/// 1..=40 distinct servers with weights in 0.25..3.
fn weighted_servers() -> impl Strategy<Value = Vec<(String, f64)>> {
    btree_set("[a-z0-9]{1,8}", 1..=40).prop_flat_map(|names| {
        let n = names.len();
        (Just(names), vec(1u32..12, n)).prop_map(|(names, w)| {
            names
                .into_iter()
                .zip(w)
                .map(|(s, w)| (s, f64::from(w) / 4.0))
                .collect()
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn bulk_build_maps_keys_like_incremental_adds_and_the_oracle(
        servers in weighted_servers().prop_flat_map(|s| (Just(s.clone()), Just(s).prop_shuffle())),
        vnodes in 1u32..80,
        hashes in key_hashes(),
    ) {
        let (servers, shuffled) = servers;
        let mut builder = RingBuilder::new(vnodes).unwrap();
        for (s, w) in &servers {
            builder.add_weighted(s, *w).unwrap();
        }
        let bulk = builder.build();
        // Incremental, in another order, with a server removed and re-added on the way.
        let mut incremental = HashRing::new(vnodes).unwrap();
        for (s, w) in &shuffled {
            incremental.add_weighted(s, *w).unwrap();
        }
        let (first, w) = &shuffled[0];
        incremental.remove(first).unwrap();
        incremental.add_weighted(first, *w).unwrap();

        let points = oracle(vnodes, &servers);
        prop_assert_eq!(bulk.point_count(), points.len());
        prop_assert_eq!(incremental.point_count(), points.len());
        for &h in &hashes {
            let want = oracle_owner(&points, h);
            prop_assert_eq!(bulk.owner_of_hash(h), Some(want));
            prop_assert_eq!(incremental.owner_of_hash(h), Some(want));
        }
        // Points land exactly where the keys do, too.
        for &(p, _) in points.iter().step_by(7) {
            prop_assert_eq!(bulk.owner_of_hash(p), Some(oracle_owner(&points, p)));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn shares_sum_to_one_and_match_sampled_keys(names in servers(), vnodes in 20u32..120) {
        let ring = HashRing::with_servers(vnodes, &names).unwrap();
        let shares = ring.shares();
        prop_assert_eq!(shares.len(), names.len());
        let total: f64 = shares.iter().map(|&(_, s)| s).sum();
        prop_assert!((total - 1.0).abs() < 1e-9, "sum {}", total);

        const SAMPLE: usize = 40_000;
        let mut counts = vec![0usize; names.len() + 1];
        for i in 0..SAMPLE {
            let id = ring.owner_id_of_hash(hash_key(&format!("sample-{i}"))).unwrap();
            counts[id.0 as usize] += 1;
        }
        for (id, share) in shares {
            let seen = counts[id.0 as usize] as f64 / SAMPLE as f64;
            // Binomial sd <= 0.0025 at this sample size; 0.015 is a 6-sigma band.
            prop_assert!((seen - share).abs() < 0.015, "{}: share {} sampled {}", id.0, share, seen);
        }
    }
}

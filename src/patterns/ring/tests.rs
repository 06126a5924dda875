//! Unit tests of the ring.
use super::*;

fn ring3() -> HashRing {
    HashRing::with_servers(150, ["server1", "server2", "server3"]).unwrap()
}

fn names<'a>(it: Owners<'a>) -> Vec<&'a str> {
    it.map(|(_, n)| n).collect()
}

#[test]
fn hash_is_big_endian_md5() {
    assert_eq!(hash_key("hello"), 123957004363873451094272536567338222994);
    assert_eq!(hash_key("server1:0"), 0x1e407dfd4ec97fec590fa6238d054a9b);
    assert_eq!(hash_bytes(b"hello"), hash_key("hello"));
}

#[test]
fn format_u32_digits() {
    let mut buf = [0u8; 10];
    assert_eq!(format_u32(0, &mut buf), b"0");
    assert_eq!(format_u32(149, &mut buf), b"149");
    assert_eq!(format_u32(u32::MAX, &mut buf), b"4294967295");
}

#[test]
fn matches_python_tutorial_mapping() {
    // Values produced by the tutorial's Python ring (150 vnodes).
    let mut r = ring3();
    assert_eq!(r.owner("user123"), Some("server2"));
    assert_eq!(r.owner("user456"), Some("server3"));
    assert_eq!(r.owner("session_abc"), Some("server1"));
    assert_eq!(r.owner(""), Some("server1"));
    assert_eq!(
        names(r.owners("session_def", 3)),
        ["server3", "server1", "server2"]
    );
    r.add("server4").unwrap();
    assert_eq!(r.owner("session_def"), Some("server4"));
    assert_eq!(
        names(r.owners("session_abc", 3)),
        ["server1", "server2", "server4"]
    );
    assert_eq!(names(r.owners("", 3)), ["server1", "server3", "server4"]);
}

#[test]
fn two_point_ring_wraps_and_is_strictly_greater() {
    // a:0 and b:0 positions from the Python ring with 1 vnode.
    let pa = 25345657912744027860750367554243328738u128;
    let pb = 83482103078025551011790966640995522124u128;
    let r = HashRing::with_servers(1, ["a", "b"]).unwrap();
    let pts: Vec<_> = r.points().collect();
    assert_eq!(pts, [(pa, ServerId(0)), (pb, ServerId(1))]);
    assert_eq!(r.owner_of_hash(0), Some("a"));
    assert_eq!(r.owner_of_hash(pa - 1), Some("a"));
    assert_eq!(r.owner_of_hash(pa), Some("b")); // equal is not "greater"
    assert_eq!(r.owner_of_hash(pb - 1), Some("b"));
    assert_eq!(r.owner_of_hash(pb), Some("a")); // wraps
    assert_eq!(r.owner_of_hash(u128::MAX), Some("a"));
}

#[test]
fn ties_are_ordered_by_name_not_insertion() {
    let p = 1u128 << 125;
    let q = 1u128 << 126;
    for order in [["b", "a"], ["a", "b"]] {
        let mut r = HashRing::new(1).unwrap();
        r.insert_raw("c", &[q]);
        for name in order {
            r.insert_raw(name, &[p]);
        }
        let owners: Vec<_> = r.points().map(|(_, id)| r.name(id).unwrap()).collect();
        assert_eq!(owners, ["a", "b", "c"], "insertion order {order:?}");
        assert_eq!(r.owner_of_hash(p - 1), Some("a"));
        assert_eq!(r.owner_of_hash(p), Some("c"));
        assert_eq!(names(r.owners_of_hash(p - 1, 3)), ["a", "b", "c"]);
        // b's arc has zero length; a owns [q, p) wrapping.
        let shares: Vec<_> = r.shares().into_iter().map(|(_, s)| s).collect();
        assert_eq!(shares, [0.875, 0.0, 0.125]);
    }
}

#[test]
fn tie_in_top_64_bits_resolved_on_full_position() {
    let mut r = HashRing::new(1).unwrap();
    let base = 7u128 << 64;
    r.insert_raw("a", &[base + 10]);
    r.insert_raw("b", &[base + 20]);
    r.insert_raw("c", &[base + 5]);
    assert_eq!(r.owner_of_hash(base), Some("c"));
    assert_eq!(r.owner_of_hash(base + 5), Some("a"));
    assert_eq!(r.owner_of_hash(base + 10), Some("b"));
    assert_eq!(r.owner_of_hash(base + 19), Some("b"));
    assert_eq!(r.owner_of_hash(base + 20), Some("c"));
}

#[test]
fn ids_are_dense_and_reused_lowest_first() {
    let mut r = HashRing::with_servers(10, ["a", "b", "c", "d"]).unwrap();
    assert_eq!(r.remove("b"), Ok(ServerId(1)));
    assert_eq!(r.remove("c"), Ok(ServerId(2)));
    assert_eq!(r.add("e"), Ok(ServerId(1)));
    assert_eq!(r.add("f"), Ok(ServerId(2)));
    assert_eq!(r.add("g"), Ok(ServerId(4)));
    assert_eq!(r.name(ServerId(1)), Some("e"));
    assert_eq!(r.name(ServerId(9)), None);
    assert_eq!(r.len(), 5);
    assert_eq!(r.point_count(), 50);
    let listed: Vec<_> = r.servers().into_iter().map(|(_, n)| n).collect();
    assert_eq!(listed, ["a", "d", "e", "f", "g"]);
}

#[test]
fn errors_are_values() {
    assert_eq!(HashRing::new(0).unwrap_err(), RingError::ZeroVnodes);
    assert_eq!(
        HashRing::new(MAX_VNODES + 1).unwrap_err(),
        RingError::TooManyVnodes(u64::from(MAX_VNODES) + 1)
    );
    let mut r = ring3();
    assert_eq!(r.add(""), Err(RingError::EmptyName));
    assert_eq!(
        r.add("server1"),
        Err(RingError::DuplicateServer("server1".into()))
    );
    assert_eq!(
        r.remove("nope"),
        Err(RingError::UnknownServer("nope".into()))
    );
    assert_eq!(
        r.set_weight("nope", 2.0),
        Err(RingError::UnknownServer("nope".into()))
    );
    for w in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        assert!(matches!(
            r.add_weighted("x", w),
            Err(RingError::InvalidWeight(_))
        ));
        assert!(matches!(
            r.set_weight("server1", w),
            Err(RingError::InvalidWeight(_))
        ));
    }
    assert!(matches!(
        r.add_weighted("x", 1e12),
        Err(RingError::TooManyVnodes(_))
    ));
    // Failed calls changed nothing.
    assert_eq!(r.len(), 3);
    assert_eq!(r.point_count(), 450);
    assert!(!r.contains("x"));
}

#[test]
fn weights_scale_vnodes() {
    let mut r = HashRing::new(150).unwrap();
    r.add_weighted("a", 2.0).unwrap();
    assert_eq!(r.point_count(), 300);
    r.add_weighted("b", 0.001).unwrap(); // rounds to 0, clamped to 1
    assert_eq!(r.point_count(), 301);
    r.add_weighted("c", 0.505).unwrap(); // 75.75 -> 76
    assert_eq!(r.point_count(), 377);
    assert_eq!(r.weight("c"), Some(0.505));
    let before = r.clone();
    r.set_weight("a", 1.0).unwrap();
    assert_eq!(r.point_count(), 227);
    assert_eq!(r.weight("a"), Some(1.0));
    assert_eq!(r.id_of("a"), Some(ServerId(0)));
    // Weight 1.0 gives the same points as a plain add.
    let plain = HashRing::with_servers(150, ["a"]).unwrap();
    let a_points: Vec<_> = r.points().filter(|&(_, id)| id == ServerId(0)).collect();
    assert_eq!(a_points, plain.points().collect::<Vec<_>>());
    // Only keys leaving or reaching "a" moved.
    for i in 0..2000 {
        let h = hash_key(&format!("k{i}"));
        let (o1, o2) = (before.owner_of_hash(h), r.owner_of_hash(h));
        if o1 != o2 {
            assert_eq!(o1, Some("a"), "key k{i}");
        }
    }
}

#[test]
fn empty_ring_and_zero_n() {
    let mut r = HashRing::new(5).unwrap();
    assert!(r.is_empty());
    assert_eq!(r.owner("k"), None);
    assert_eq!(r.owners("k", 3).count(), 0);
    assert!(r.shares().is_empty());
    r.add("a").unwrap();
    assert_eq!(r.owners("k", 0).count(), 0);
    r.remove("a").unwrap();
    assert_eq!(r.owner("k"), None);
    assert_eq!(r.point_count(), 0);
}

#[test]
fn owners_are_distinct_and_capped() {
    let r = HashRing::with_servers(20, ["a", "b", "c", "d", "e"]).unwrap();
    for i in 0..500 {
        let h = hash_key(&format!("key{i}"));
        let all = names(r.owners_of_hash(h, 99));
        assert_eq!(all.len(), 5);
        assert_eq!(Some(all[0]), r.owner_of_hash(h));
        let mut sorted = all.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 5);
        let two = r.owners_of_hash(h, 2);
        assert_eq!(two.len(), 2);
        assert_eq!(names(two), all[..2]);
    }
}

#[test]
fn owners_walk_points_clockwise() {
    // Reference: walk the points naively, skipping seen servers.
    let r = HashRing::with_servers(3, ["a", "b", "c", "d"]).unwrap();
    let pts: Vec<_> = r.points().collect();
    for i in 0..300 {
        let h = hash_key(&format!("x{i}"));
        let start = pts.iter().position(|&(p, _)| p > h).unwrap_or(0);
        let mut expect = Vec::new();
        for k in 0..pts.len() {
            let id = pts[(start + k) % pts.len()].1;
            if !expect.contains(&id) {
                expect.push(id);
            }
        }
        let got: Vec<_> = r.owners_of_hash(h, 4).map(|(id, _)| id).collect();
        assert_eq!(got, expect);
    }
}

#[test]
fn shares_are_exact() {
    let mut r = HashRing::new(1).unwrap();
    r.insert_raw("a", &[1u128 << 126]);
    assert_eq!(r.shares(), [(ServerId(0), 1.0)]);
    r.insert_raw("b", &[3u128 << 126]);
    // a owns [3/4, 1) ∪ [0, 1/4): half; b owns [1/4, 3/4).
    assert_eq!(r.shares(), [(ServerId(0), 0.5), (ServerId(1), 0.5)]);
    r.insert_raw("c", &[1u128 << 127]);
    assert_eq!(
        r.shares(),
        [(ServerId(0), 0.5), (ServerId(1), 0.25), (ServerId(2), 0.25)]
    );
    let sum: f64 = ring3().shares().iter().map(|&(_, s)| s).sum();
    assert!((sum - 1.0).abs() < 1e-12, "{sum}");
}

#[test]
fn moved_fraction_compares_names() {
    let a = HashRing::with_servers(50, ["x", "y"]).unwrap();
    // Same servers added in another order: ids differ, names agree.
    let b = HashRing::with_servers(50, ["y", "x"]).unwrap();
    let hashes: Vec<_> = (0..1000).map(|i| hash_key(&i.to_string())).collect();
    assert_eq!(HashRing::moved_fraction(&a, &b, &hashes), 0.0);
    assert_eq!(HashRing::moved_fraction(&a, &b, &[]), 0.0);
    let empty = HashRing::new(50).unwrap();
    assert_eq!(HashRing::moved_fraction(&a, &empty, &hashes), 1.0);
    let mut c = a.clone();
    c.add("z").unwrap();
    let moved = hashes
        .iter()
        .filter(|&&h| c.owner_of_hash(h) == Some("z"))
        .count();
    assert_eq!(
        HashRing::moved_fraction(&a, &c, &hashes),
        moved as f64 / 1000.0
    );
    assert!(moved > 0);
}

#[test]
fn remove_restores_arrays_exactly() {
    let base = HashRing::with_servers(40, ["a", "b", "c"]).unwrap();
    let mut r = base.clone();
    r.add("d").unwrap();
    r.remove("d").unwrap();
    assert!(r.points().eq(base.points()));
    assert_eq!(r.gap, base.gap);
    assert_eq!(r.index, base.index);
}

#[test]
fn set_vnodes_rebuilds_every_point_and_keeps_ids() {
    // Holes in the id table (b removed) and a weighted member survive the rebuild.
    let mut r = HashRing::with_servers(150, ["a", "b", "c"]).unwrap();
    r.set_weight("c", 2.0).unwrap();
    r.remove("b").unwrap();
    let ids: Vec<_> = r
        .servers()
        .into_iter()
        .map(|(id, n)| (id, n.to_owned()))
        .collect();
    r.set_vnodes(8).unwrap();
    assert_eq!(r.vnodes(), 8);
    assert_eq!(r.point_count(), 8 + 16);
    let after: Vec<_> = r
        .servers()
        .into_iter()
        .map(|(id, n)| (id, n.to_owned()))
        .collect();
    assert_eq!(after, ids);
    assert_eq!(r.weight("c"), Some(2.0));
    // The same arrays as a ring built at 8 vnodes and changed the same way.
    let mut fresh = HashRing::with_servers(8, ["a", "b", "c"]).unwrap();
    fresh.set_weight("c", 2.0).unwrap();
    fresh.remove("b").unwrap();
    assert!(r.points().eq(fresh.points()));
    assert_eq!((r.gap.clone(), r.index.clone()), (fresh.gap, fresh.index));
    // Refused values change nothing.
    assert_eq!(r.set_vnodes(0), Err(RingError::ZeroVnodes));
    assert_eq!(r.vnodes(), 8);
    assert_eq!(r.point_count(), 24);
}

#[test]
fn batched_lookups_equal_single_ones() {
    let r = HashRing::with_servers(50, ["a", "b", "c", "d"]).unwrap();
    // Lengths across the one/two/three-block boundaries, in batches that are not a
    // multiple of the lane count.
    let keys: Vec<String> = (0..203)
        .map(|i| "k".repeat(i % 130) + &i.to_string())
        .collect();
    let mut owners = Vec::new();
    r.owners_many(keys.iter().map(|k| k.as_bytes()), &mut owners);
    let mut hashes = Vec::new();
    hash_many(keys.iter().map(|k| k.as_bytes()), &mut hashes);
    assert_eq!(owners.len(), keys.len());
    for (i, k) in keys.iter().enumerate() {
        assert_eq!(hashes[i], hash_key(k), "key {i}");
        assert_eq!(owners[i], r.owner_id(k), "key {i}");
    }
    let mut points = Vec::new();
    r.points_many(keys.iter().map(|k| k.as_bytes()), &mut points);
    for (k, &point) in keys.iter().zip(&points) {
        assert!(r.owners_from_point(point, 3).eq(r.owners(k, 3)), "key {k}");
    }
    let empty = HashRing::new(5).unwrap();
    let mut none = Vec::new();
    empty.owners_many([b"x".as_slice()], &mut none);
    assert_eq!(none, [None]);
    points.clear();
    empty.points_many([b"x".as_slice()], &mut points);
    assert_eq!(empty.owners_from_point(points[0], 3).count(), 0);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]
    /// Batched lookups equal the one-by-one ones for any keys (any lengths, any batch
    /// size) on any ring size: the lanes and the lookup table change nothing.
    #[test]
    fn batched_lookups_equal_single_ones_for_any_keys(
        servers in 1usize..40,
        vnodes in 1u32..60,
        keys in proptest::collection::vec(proptest::collection::vec(proptest::prelude::any::<u8>(), 0..150), 0..80),
    ) {
        let r = HashRing::with_servers(vnodes, (0..servers).map(|i| format!("s{i}"))).unwrap();
        let mut owners = Vec::new();
        r.owners_many(keys.iter().map(Vec::as_slice), &mut owners);
        let mut points = Vec::new();
        r.points_many(keys.iter().map(Vec::as_slice), &mut points);
        proptest::prop_assert_eq!(owners.len(), keys.len());
        for ((k, owner), &point) in keys.iter().zip(&owners).zip(&points) {
            let hash = hash_bytes(k);
            proptest::prop_assert_eq!(*owner, r.owner_id_of_hash(hash));
            proptest::prop_assert!(r.owners_from_point(point, 3).eq(r.owners_of_hash(hash, 3)));
        }
    }
}

//! The engine places keys by the scenario's hashing algorithm (`[ring] algorithm`): for
//! every algorithm without a ring (jump, rendezvous, maglev, multi-probe) each key's owners
//! in the engine equal those of the oracle-tested library ([`Hashing`], checked against
//! independent references in `tests/hashing_oracles.rs`) over the same servers in join
//! order, before and after a join and a removal; bounded-load with nothing in flight is
//! the ring's clockwise walk; no server ever runs above bounded-load's capacity. A key
//! traced on the dashboard (the snapshot's route) goes where the engine sends it.

use ringside::patterns::hashing::bounded_load::capacity;
use ringside::patterns::hashing::{Algorithm, Hashing, Key};
use ringside::sim::compare::Settings;
use ringside::sim::{Command, Engine, Scenario};

const KEYS: u32 = 3000;

/// scale-out (alpha, beta, gamma; replicas 2) with `settings`, on `KEYS` keys.
fn engine(settings: &str) -> Engine {
    let mut sc = Scenario::builtin("scale-out").unwrap();
    sc.traffic.keys = KEYS;
    let sc = Settings::parse(settings).unwrap().apply(&sc).unwrap();
    Engine::from_scenario(&sc, None).unwrap()
}

/// Every key's owners in the engine and in the library agree.
fn assert_same_owners(engine: &Engine, library: &mut Hashing, what: &str) {
    let replicas = engine.scenario().replicas;
    let mut out = Vec::new();
    for key in 0..KEYS {
        out.clear();
        let name = format!("key-{key}");
        library.owners(Key::new(name.as_bytes()), replicas, &mut out);
        let want: Vec<&str> = out.iter().map(|&i| &*library.servers()[i]).collect();
        assert_eq!(engine.key_owner_names(key), want, "{what}: {name}");
    }
}

#[test]
fn table_algorithms_place_keys_as_the_library_does() {
    for algorithm in [
        Algorithm::Jump,
        Algorithm::Rendezvous,
        Algorithm::Maglev,
        Algorithm::MultiProbe,
    ] {
        let name = algorithm.name();
        let mut e = engine(&format!("ring={name},table_size=1009,probes=7"));
        let sc = e.scenario().clone();
        let params = sc.ring.params(sc.vnodes);
        assert_eq!((params.table_size, params.probes), (1009, 7));
        let mut library = Hashing::new(algorithm, &params, ["alpha", "beta", "gamma"]).unwrap();
        assert_same_owners(&e, &mut library, name);
        // A key traced on the dashboard (the snapshot's route): the algorithm's owners.
        let snap = e.snapshot();
        for key in (0..KEYS).step_by(101) {
            let route = snap.route(&format!("key-{key}")).unwrap();
            let names: Vec<&str> = route.owners.iter().map(|o| o.name.as_str()).collect();
            assert_eq!(names, e.key_owner_names(key), "{name}: traced key-{key}");
        }
        e.apply(Command::AddServer {
            name: Some("delta".into()),
        })
        .unwrap();
        library.add("delta").unwrap();
        assert_same_owners(&e, &mut library, &format!("{name} after delta joins"));
        // Not the last server: under jump the last (delta) takes alpha's bucket.
        e.apply(Command::RemoveServer("alpha".into())).unwrap();
        library.remove("alpha").unwrap();
        assert_same_owners(&e, &mut library, &format!("{name} after alpha leaves"));
    }
}

#[test]
fn jump_removing_a_server_not_last_moves_more_than_its_share() {
    let mut e = engine("ring=jump");
    e.apply(Command::AddServer {
        name: Some("delta".into()),
    })
    .unwrap();
    e.apply(Command::RemoveServer("alpha".into())).unwrap();
    let snap = e.snapshot();
    let change = snap.membership_changes.last().unwrap();
    // alpha's keys and delta's (the last, moved into alpha's bucket) both move.
    assert!(
        change.moved_fraction > 1.5 * change.ideal_fraction,
        "{} vs ideal {}",
        change.moved_fraction,
        change.ideal_fraction
    );
}

#[test]
fn bounded_load_with_nothing_in_flight_is_the_ring_walk() {
    let e = engine("ring=bounded-load");
    let ring = e.ring();
    for key in 0..KEYS {
        let want: Vec<&str> = ring
            .owners(&format!("key-{key}"), 2)
            .map(|(_, name)| name)
            .collect();
        assert_eq!(e.key_owner_names(key), want, "key-{key}");
    }
}

#[test]
fn bounded_load_owners_follow_the_live_loads() {
    // Tight: ε = 0.1, and traffic tripled at 10 s (scale-out's own timeline).
    let mut e = engine("ring=bounded-load,balance_factor=0.1");
    let eps = e.scenario().ring.balance_factor;
    let mut skipped = 0;
    for _ in 0..150 {
        e.advance(100_000_000);
        let snap = e.snapshot();
        let load = |name: &str| {
            let s = snap.servers.iter().find(|s| s.name == name).unwrap();
            u64::from(s.in_flight) as f64
        };
        let total: u64 = snap.servers.iter().map(|s| u64::from(s.in_flight)).sum();
        // With the calls in flight now, a new call's capacity.
        let cap = capacity(eps, total + 1, snap.servers.len());
        for key in (0..KEYS).step_by(37) {
            let owners = e.key_owner_names(key);
            let walk: Vec<&str> = e
                .ring()
                .owners(&format!("key-{key}"), snap.servers.len())
                .map(|(_, n)| n)
                .collect();
            // The owner: the first server of the clockwise walk below capacity.
            let first = walk.iter().position(|&n| load(n) < cap).unwrap();
            assert_eq!(owners[0], walk[first], "key-{key} at {}", snap.now_ns);
            assert!(load(owners[0]) < cap);
            // A key traced on the dashboard (the snapshot's route) goes the same way.
            let route = snap.route(&format!("key-{key}")).unwrap();
            assert_eq!(route.owners[0].name, walk[first], "traced key-{key}");
            skipped += first;
        }
    }
    assert!(
        skipped > 0,
        "the loads never reached a capacity: a test that tests nothing"
    );
}

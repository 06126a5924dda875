//! The talk stories say what the audience will see; these tests check that they do.

use ringside::sim::{BreakerState, Engine, LogKind, Scenario, Snapshot};

const S: u64 = 1_000_000_000;
const MS: u64 = 1_000_000;

const STORIES: &[&str] = &["tour", "ring-story", "limiter-story", "breaker-story"];

fn run(name: &str) -> Engine {
    Engine::from_scenario(&Scenario::builtin(name).unwrap(), None).unwrap()
}

fn at(e: &mut Engine, t: u64) -> Snapshot {
    e.advance(t - e.now());
    e.snapshot()
}

fn tenant(s: &Snapshot, name: &str) -> (u64, u64, f64) {
    let t = s.tenants.iter().find(|t| t.name == name).unwrap();
    (t.allowed, t.denied, t.tokens)
}

fn state(s: &Snapshot, server: &str) -> BreakerState {
    s.servers.iter().find(|x| x.name == server).unwrap().breaker
}

fn opened_between(s: &Snapshot, server: &str, from: u64, to: u64) -> usize {
    s.servers
        .iter()
        .find(|x| x.name == server)
        .unwrap()
        .transitions
        .iter()
        .filter(|t| t.to == BreakerState::Open && (from..to).contains(&t.at_ns))
        .count()
}

#[test]
fn every_story_is_shipped_captioned_and_runs_without_skipped_events() {
    for name in STORIES {
        let sc = Scenario::builtin(name).unwrap();
        assert!(sc.events.len() >= 5, "{name}: a story has several steps");
        assert!(
            sc.events.iter().all(|e| e.caption.is_some()),
            "{name}: every step is narrated"
        );
        assert!(
            sc.events.windows(2).all(|w| w[1].at_ns - w[0].at_ns >= S),
            "{name}: steps at least 1 s apart so that `p` steps one back"
        );
        let mut e = run(name);
        let end = at(&mut e, sc.duration_ns);
        assert!(
            !end.log.iter().any(|l| l.kind == LogKind::Error),
            "{name}: an event was skipped"
        );
        assert_eq!(
            end.caption.unwrap().text.as_ref(),
            sc.events.last().unwrap().caption.as_deref().unwrap()
        );
    }
}

#[test]
fn ring_story_moves_about_one_over_n_and_only_to_the_newcomer() {
    let mut e = run("ring-story");
    let s = at(&mut e, 30 * S);
    let ch = &s.membership_changes;
    assert_eq!(ch.len(), 4);
    assert!((ch[0].moved_fraction - 0.25).abs() < 0.05, "{:?}", ch[0]);
    assert!((ch[1].moved_fraction - 0.20).abs() < 0.05, "{:?}", ch[1]);
    assert_eq!(ch[3].server, "beta");
    // On removal only beta's keys move: the moved fraction is about its share.
    assert!((ch[3].moved_fraction - ch[3].ideal_fraction).abs() < 0.08);
    let alpha = s.servers.iter().find(|x| x.name == "alpha").unwrap();
    assert!(
        alpha.share > 0.3,
        "weight 2 gives alpha about twice a share"
    );
}

#[test]
fn limiter_story_bursts_refills_and_tunes() {
    let mut e = run("limiter-story");
    let before = at(&mut e, 5 * S - 1);
    let after = at(&mut e, 5 * S + MS);
    let (_, d0, _) = tenant(&before, "globex");
    let (_, d1, tokens) = tenant(&after, "globex");
    assert!(d1 - d0 >= 140, "most of the burst is denied: {}", d1 - d0);
    assert!(tokens < 5.0);
    let refilled = at(&mut e, 6 * S + 200 * MS);
    assert!(
        tenant(&refilled, "globex").2 > 45.0,
        "full again within a second"
    );
    let (_, acme_before, _) = tenant(&at(&mut e, 12 * S), "acme");
    let (_, acme_hot, _) = tenant(&at(&mut e, 20 * S), "acme");
    assert!(acme_hot - acme_before > 500, "tripled traffic is limited");
    let (_, a21, _) = tenant(&at(&mut e, 21 * S), "acme");
    let (_, a28, _) = tenant(&at(&mut e, 28 * S), "acme");
    assert!(
        a28 - a21 < 20,
        "after raising the refill, denials stop: {}",
        a28 - a21
    );
    let (_, i0, _) = tenant(&at(&mut e, 32 * S - 1), "initech");
    let (_, i1, _) = tenant(&at(&mut e, 32 * S + MS), "initech");
    assert!(i1 - i0 >= 88, "only about 10 of 100 pass: {}", i1 - i0);
}

#[test]
fn breaker_story_opens_probes_and_closes() {
    let mut e = run("breaker-story");
    let s = at(&mut e, 6 * S);
    assert_eq!(state(&s, "beta"), BreakerState::Open);
    assert!(s.totals.failed_over > 0);
    let s = at(&mut e, 15 * S);
    assert!(
        opened_between(&s, "beta", 9 * S, 15 * S) >= 1,
        "a failed probe re-opens"
    );
    let s = at(&mut e, 23 * S);
    assert_eq!(state(&s, "beta"), BreakerState::Closed);
    let s = at(&mut e, 31 * S);
    assert!(
        opened_between(&s, "gamma", 24 * S, 31 * S) >= 1,
        "slow gamma trips"
    );
    let s = at(&mut e, 40 * S);
    assert!(
        opened_between(&s, "delta", 32 * S, 40 * S) >= 1,
        "delta trips"
    );
    let s = at(&mut e, 48 * S);
    for srv in &s.servers {
        assert_eq!(
            srv.breaker,
            BreakerState::Closed,
            "{} closed at the end",
            srv.name
        );
    }
}

#[test]
fn tour_shows_each_pattern_then_their_interplay() {
    let mut e = run("tour");
    let (_, d0, _) = tenant(&at(&mut e, 6 * S - 1), "globex");
    let (_, d1, _) = tenant(&at(&mut e, 6 * S + MS), "globex");
    assert!(d1 - d0 >= 250, "the burst is mostly denied: {}", d1 - d0);
    let s = at(&mut e, 13 * S);
    let ch = s.membership_changes.last().unwrap();
    assert_eq!(ch.server, "epsilon");
    assert!((ch.moved_fraction - 0.2).abs() < 0.05);
    let fo = s.totals.failed_over;
    let s = at(&mut e, 25 * S);
    assert_eq!(state(&s, "beta"), BreakerState::Open);
    assert!(s.totals.failed_over > fo + 1000, "beta's keys fail over");
    let s = at(&mut e, 37 * S);
    assert_eq!(state(&s, "beta"), BreakerState::Closed);
    let rl = s.totals.rate_limited;
    let s = at(&mut e, 46 * S);
    assert!(
        s.totals.rate_limited > rl + 500,
        "tripled traffic is limited"
    );
    let rl = at(&mut e, 48 * S).totals.rate_limited;
    let s = at(&mut e, 54 * S);
    assert!(
        s.totals.rate_limited - rl < 50,
        "after the refill rise, nearly all pass"
    );
}

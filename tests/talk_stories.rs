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

/// Every scripted burst in every shipped scenario starts from a full bucket (≥ 90 %), so
/// "the first N pass" is what happens, and the bucket is empty right after it.
#[test]
fn every_scripted_burst_starts_from_a_full_bucket() {
    use ringside::sim::Command;
    for name in Scenario::builtin_names() {
        let sc = Scenario::builtin(name).unwrap();
        if sc.limiter.algorithm.is_windowed() {
            // Not a bucket: compare-limiters bursts into a spent window on purpose (its
            // story is checked in tests/compare_cli.rs).
            continue;
        }
        let mut e = run(name);
        for ev in &sc.events {
            let Some(Command::Burst {
                tenant: Some(who),
                requests,
            }) = &ev.command
            else {
                continue;
            };
            let before = at(&mut e, ev.at_ns - 1);
            let (_, denied0, tokens) = tenant(&before, who);
            let capacity = f64::from(before.limiter.capacity);
            assert!(
                tokens >= 0.9 * capacity,
                "{name} at {} s: {who} has {tokens:.1} of {capacity} tokens before its burst",
                ev.at_ns / S
            );
            let after = at(&mut e, ev.at_ns);
            let (_, denied1, left) = tenant(&after, who);
            let passed = u64::from(*requests) - (denied1 - denied0);
            // As many pass as there were tokens (arrivals at the same instant may take one).
            assert!(
                passed.abs_diff(tokens.floor() as u64) <= 1 && left < 1.0,
                "{name}: {passed} of the burst passed with {tokens:.1} tokens, {left:.1} left"
            );
        }
    }
}

/// retry-storm storms: while gamma is slow and the breakers are loose, the offered load
/// (with retries) is at least twice the base rate, gamma's breaker stays closed until the
/// stricter-breakers step, and that step opens it and ends the storm.
#[test]
fn retry_storm_doubles_the_load_until_stricter_breakers_stop_it() {
    let sc = Scenario::builtin("retry-storm").unwrap();
    let base = sc.traffic.rate;
    for seed in [sc.seed, 1, 42] {
        let mut e = Engine::from_scenario(&sc, Some(seed)).unwrap();
        e.advance(20 * S - 1);
        let gamma = |e: &Engine| {
            e.snapshot()
                .servers
                .into_iter()
                .find(|x| x.name == "gamma")
                .unwrap()
        };
        assert!(
            gamma(&e)
                .transitions
                .iter()
                .all(|t| t.to != BreakerState::Open),
            "seed {seed}: gamma's breaker opened before the stricter-breakers step"
        );
        e.advance(15 * S + 1);
        let series: Vec<_> = e.series().collect();
        let mean = |from: u64, to: u64, f: fn(&ringside::sim::SecondSample) -> u64| {
            let xs: Vec<u64> = series[from as usize..to as usize].iter().map(f).collect();
            xs.iter().sum::<u64>() as f64 / xs.len() as f64
        };
        // The storm (9–20 s): offered, retries included, is at least twice the base rate.
        let storm = mean(9, 20, |s| s.offered);
        assert!(
            storm >= 2.0 * base,
            "seed {seed}: storm offers {storm:.0}/s, base {base}/s"
        );
        assert!(mean(9, 20, |s| s.retries) >= 0.9 * base, "seed {seed}");
        assert_eq!(mean(9, 20, |s| s.failed_over), 0.0, "seed {seed}");
        // Stricter breakers (21–35 s): gamma is cut off, its keys fail over, the retries stop.
        assert!(
            gamma(&e)
                .transitions
                .iter()
                .any(|t| t.to == BreakerState::Open && (20 * S..21 * S).contains(&t.at_ns)),
            "seed {seed}: the stricter breakers open gamma's"
        );
        let calm = mean(21, 35, |s| s.offered);
        assert!(calm < 1.1 * base, "seed {seed}: {calm:.0}/s after the step");
        assert!(mean(21, 35, |s| s.retries) < 0.02 * base, "seed {seed}");
        assert!(mean(21, 35, |s| s.failed_over) > 0.3 * base, "seed {seed}");
    }
}

/// A step whose command is refused shows why instead of its caption (which would narrate
/// what did not happen).
#[test]
fn a_skipped_step_shows_why_instead_of_its_caption() {
    let mut sc = Scenario::builtin("default").unwrap();
    let heal = sc
        .events
        .iter()
        .position(|ev| {
            ev.caption
                .as_deref()
                .is_some_and(|c| c.starts_with("beta is back"))
        })
        .unwrap();
    let mut e = Engine::from_scenario(&sc, None).unwrap();
    e.advance(sc.events[heal].at_ns - S);
    e.apply(ringside::sim::Command::RemoveServer("beta".into()))
        .unwrap();
    let s = at(&mut e, sc.events[heal].at_ns);
    let caption = s.caption.unwrap().text;
    assert_eq!(
        caption.as_ref(),
        "This step was skipped: no server named 'beta'."
    );
    // A step that is not refused keeps its caption.
    sc.events.truncate(heal + 1);
    let mut e = Engine::from_scenario(&sc, None).unwrap();
    let s = at(&mut e, sc.events[heal].at_ns);
    assert!(s.caption.unwrap().text.starts_with("beta is back"));
}

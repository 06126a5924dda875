//! Engine behaviour: determinism, conservation, breakers and failover, key movement,
//! command validation and bounded memory.

use ringside::patterns::ring::HashRing;
use ringside::report::Report;
use ringside::sim::{
    BreakerState, Command, Engine, Fault, MembershipAction, Scenario, SimError, Snapshot,
};

const S: u64 = 1_000_000_000;
const MS: u64 = 1_000_000;

fn scenario(extra: &str) -> Scenario {
    let text = format!(
        r#"
name = "test"
seed = 1
vnodes = 150
replicas = 2
[[servers]]
name = "alpha"
[[servers]]
name = "beta"
[[servers]]
name = "gamma"
[traffic]
rate = 1000.0
tenants = 10
keys = 10000
[limiter]
capacity = 100000
refill_per_sec = 100000.0
[breaker]
failure_threshold = 5
recovery_timeout = "2s"
success_threshold = 3
half_open_probes = 1
[server_defaults]
latency = "10ms"
latency_sigma = 0.0
error_rate = 0.0
timeout = "500ms"
capacity = 1000
{extra}
"#
    );
    Scenario::from_toml(&text, "test.toml").expect("test scenario is valid")
}

fn json_without_wall(engine: &Engine) -> String {
    let mut r = Report::build(engine, 0.0, 0.0);
    r.wall.elapsed_s = 0.0;
    r.wall.requests_per_sec = 0.0;
    r.to_json()
}

fn run_builtin(name: &str, seed: Option<u64>, chunk_ns: u64) -> Engine {
    let sc = Scenario::builtin(name).unwrap();
    let mut e = Engine::from_scenario(&sc, seed).unwrap();
    while e.now() < 30 * S {
        e.advance(chunk_ns.min(30 * S - e.now()));
    }
    e
}

#[test]
fn same_seed_same_report_regardless_of_chunking() {
    let a = run_builtin("default", None, S);
    let b = run_builtin("default", None, S);
    let c = run_builtin("default", None, 7 * MS + 3);
    assert_eq!(json_without_wall(&a), json_without_wall(&b));
    assert_eq!(json_without_wall(&a), json_without_wall(&c));
    assert!(a.totals().requests > 50_000);
    // A different seed gives a different run.
    let d = run_builtin("default", Some(43), S);
    assert_ne!(a.totals(), d.totals());
}

#[test]
fn every_request_has_exactly_one_outcome() {
    for name in Scenario::builtin_names() {
        let e = run_builtin(name, None, S);
        let t = e.totals();
        assert_eq!(
            t.requests,
            t.succeeded + t.rate_limited + t.short_circuited + t.failed,
            "{name}: {t:?}"
        );
        assert!(t.failed_over <= t.succeeded + t.failed, "{name}: {t:?}");
        assert!(t.retries <= t.requests);
        // Per-second series add up to the totals (30 s < the 120 s window).
        let snap = e.snapshot();
        let allowed: u64 = snap.series.iter().map(|s| s.allowed).sum();
        let limited: u64 = snap.series.iter().map(|s| s.rate_limited).sum();
        let ok: u64 = snap.series.iter().map(|s| s.succeeded).sum();
        assert_eq!(snap.series.len(), 30, "{name}");
        assert_eq!(allowed + limited, t.requests, "{name}");
        assert_eq!(limited, t.rate_limited, "{name}");
        assert_eq!(ok, t.succeeded, "{name}");
        // Tenants add up as well.
        let tenants = e.tenant_stats(usize::MAX);
        assert_eq!(
            tenants.iter().map(|x| x.denied).sum::<u64>(),
            t.rate_limited
        );
        assert_eq!(tenants.iter().map(|x| x.allowed).sum::<u64>(), t.allowed());
    }
}

fn server<'a>(snap: &'a Snapshot, name: &str) -> &'a ringside::sim::ServerSnapshot {
    snap.servers.iter().find(|s| s.name == name).unwrap()
}

#[test]
fn hard_down_opens_breaker_after_threshold_then_heal_closes_via_half_open() {
    let mut e = Engine::from_scenario(&scenario(""), None).unwrap();
    e.advance(S);
    // Let in-flight calls drain so that no success is recorded after the fault.
    e.apply(Command::SetRate(0.0)).unwrap();
    e.advance(100 * MS);
    let before = e.snapshot();
    let beta0 = server(&before, "beta").clone();
    assert_eq!(beta0.breaker, BreakerState::Closed);
    assert_eq!(beta0.counters.failures, 0);
    assert_eq!(beta0.in_flight, 0);
    assert_eq!(before.totals.failed, 0);

    let fault_at = e.now();
    e.apply(Command::InjectFault {
        server: "beta".into(),
        fault: Fault::Down,
    })
    .unwrap();
    e.apply(Command::SetRate(1000.0)).unwrap();
    e.advance(S); // < recovery timeout (2 s)

    let snap = e.snapshot();
    let beta = server(&snap, "beta");
    assert_eq!(beta.breaker, BreakerState::Open);
    assert_eq!(beta.transitions.len(), 1);
    let open = &beta.transitions[0];
    assert_eq!(
        (open.from, open.to),
        (BreakerState::Closed, BreakerState::Open)
    );
    assert_eq!(open.reason, "failure_threshold");
    assert!(open.at_ns > fault_at && open.at_ns < fault_at + S);
    // Exactly the threshold of failures reached beta, then it stopped receiving calls.
    assert_eq!(beta.counters.failures, 5);
    assert_eq!(beta.counters.calls, beta0.counters.calls + 5);
    assert!(beta.counters.rejected > 0);
    assert_eq!(snap.totals.failed, 5);
    // Its keys were served by the next owner instead.
    assert_eq!(snap.totals.short_circuited, 0);
    assert!(snap.totals.failed_over > 100, "{:?}", snap.totals);
    assert!(
        snap.recent_requests
            .iter()
            .any(|r| r.failed_over && r.server.is_some())
    );
    assert!(snap.log.iter().any(|l| l.text.contains("closed → open")));

    e.apply(Command::Heal {
        server: "beta".into(),
    })
    .unwrap();
    e.advance(2 * S);
    let snap = e.snapshot();
    let beta = server(&snap, "beta");
    let seq: Vec<_> = beta
        .transitions
        .iter()
        .map(|t| (t.from, t.to, t.reason))
        .collect();
    assert_eq!(
        seq,
        vec![
            (
                BreakerState::Closed,
                BreakerState::Open,
                "failure_threshold"
            ),
            (
                BreakerState::Open,
                BreakerState::HalfOpen,
                "recovery_timeout"
            ),
            (
                BreakerState::HalfOpen,
                BreakerState::Closed,
                "probes_succeeded"
            ),
        ]
    );
    let (t_open, t_half, t_closed) = (
        beta.transitions[0].at_ns,
        beta.transitions[1].at_ns,
        beta.transitions[2].at_ns,
    );
    // Half-open on the first call after the 2 s recovery timeout (beta gets a call every few ms).
    assert!(t_half >= t_open + 2 * S && t_half < t_open + 2 * S + 50 * MS);
    // One probe at a time, 10 ms each: three sequential successes take at least 30 ms.
    assert!(t_closed >= t_half + 30 * MS && t_closed < t_half + 200 * MS);
    assert_eq!(beta.breaker, BreakerState::Closed);
    assert_eq!(snap.totals.failed, 5);
}

#[test]
fn adding_a_fourth_server_moves_about_a_quarter_of_keys_all_to_it() {
    let mut e = Engine::from_scenario(&scenario(""), None).unwrap();
    e.advance(S);
    let before: HashRing = e.ring().clone();
    e.apply(Command::AddServer {
        name: Some("delta".into()),
    })
    .unwrap();
    let after = e.ring().clone();
    let keys = e.key_hashes().to_vec();
    let mut moved = 0usize;
    for &h in &keys {
        let old = before.name(before.owner_id_of_hash(h).unwrap()).unwrap();
        let new = after.name(after.owner_id_of_hash(h).unwrap()).unwrap();
        if old != new {
            moved += 1;
            assert_eq!(new, "delta", "a key moved between two old servers");
        }
    }
    let snap = e.snapshot();
    let ch = snap.membership_changes.last().unwrap();
    assert_eq!(ch.action, MembershipAction::AddServer);
    assert_eq!(ch.server, "delta");
    assert_eq!((ch.servers_before, ch.servers_after), (3, 4));
    assert_eq!(ch.moved_fraction, moved as f64 / keys.len() as f64);
    assert_eq!(ch.ideal_fraction, 0.25);
    // The new server's share has sd ≈ 0.25/√150 ≈ 0.020 (ring) plus √(0.25·0.75/10⁴) ≈ 0.004
    // (key sampling): 0.15..0.35 is a ±4.9σ band.
    assert!(
        (0.15..=0.35).contains(&ch.moved_fraction),
        "{}",
        ch.moved_fraction
    );
    assert_eq!(snap.servers.len(), 4);
    assert!(snap.log.last().unwrap().text.contains("added server delta"));

    // Removing it again moves exactly the keys it owned back.
    e.apply(Command::RemoveServer("delta".into())).unwrap();
    let snap = e.snapshot();
    let ch = snap.membership_changes.last().unwrap();
    assert_eq!(ch.moved_fraction, moved as f64 / keys.len() as f64);
    assert_eq!(ch.ideal_fraction, 0.25);
    assert_eq!(snap.servers.len(), 3);
}

#[test]
fn invalid_commands_change_nothing() {
    let mut e = Engine::from_scenario(&scenario(""), None).unwrap();
    e.advance(S);
    let before = e.snapshot();
    let bad = [
        (
            Command::RemoveServer("nope".into()),
            "no server named 'nope'",
        ),
        (
            Command::InjectFault {
                server: "nope".into(),
                fault: Fault::Down,
            },
            "no server named",
        ),
        (Command::Heal { server: "x".into() }, "no server named 'x'"),
        (Command::SetRate(-1.0), "finite number ≥ 0"),
        (Command::SetRate(f64::NAN), "finite"),
        (Command::SetRate(f64::INFINITY), "finite"),
        (Command::ScaleRate(0.0), "scale factor"),
        (Command::SetCapacity(0), "capacity must be at least 1"),
        (Command::SetRefillRate(-3.0), "refill rate"),
        (Command::SetRefillRate(f64::NAN), "refill rate"),
        (
            Command::Burst {
                tenant: None,
                requests: 0,
            },
            "at least 1 request",
        ),
        (
            Command::Burst {
                tenant: Some("nobody".into()),
                requests: 5,
            },
            "no tenant named 'nobody'",
        ),
        (
            Command::AddServer {
                name: Some("alpha".into()),
            },
            "already exists",
        ),
        (
            Command::SetWeight {
                server: "alpha".into(),
                weight: 0.0,
            },
            "weight",
        ),
        (Command::SetSpeed(0.0), "speed"),
        (
            Command::InjectFault {
                server: "alpha".into(),
                fault: Fault::Errors { rate: 1.5 },
            },
            "error rate",
        ),
        (
            Command::SetBreaker(ringside::sim::BreakerParams {
                failure_threshold: Some(0),
                ..Default::default()
            }),
            "at least 1",
        ),
    ];
    for (cmd, msg) in bad {
        let err: SimError = e.apply(cmd.clone()).unwrap_err();
        assert!(err.to_string().contains(msg), "{cmd:?}: {err}");
        assert_eq!(e.snapshot(), before, "{cmd:?} changed the engine");
    }
    // Removing the last server is refused too.
    e.apply(Command::RemoveServer("alpha".into())).unwrap();
    e.apply(Command::RemoveServer("beta".into())).unwrap();
    let err = e.apply(Command::RemoveServer("gamma".into())).unwrap_err();
    assert_eq!(err, SimError::LastServer("gamma".into()));
    assert_eq!(e.snapshot().servers.len(), 1);
}

#[test]
fn every_applied_command_logs_a_line() {
    let mut e = Engine::from_scenario(&scenario(""), None).unwrap();
    let cmds = vec![
        Command::AddServer { name: None },
        Command::SetWeight {
            server: "alpha".into(),
            weight: 2.0,
        },
        Command::InjectFault {
            server: "beta".into(),
            fault: Fault::Slow {
                latency_ns: 100_000_000,
            },
        },
        Command::Heal {
            server: "beta".into(),
        },
        Command::SetRate(500.0),
        Command::ScaleRate(2.0),
        Command::Burst {
            tenant: None,
            requests: 10,
        },
        Command::SetRefillRate(10.0),
        Command::SetCapacity(50),
        Command::SetBreaker(Default::default()),
        Command::Pause,
        Command::Resume,
        Command::TogglePause,
        Command::Step,
        Command::SetSpeed(4.0),
        Command::SpeedUp,
        Command::SlowDown,
        Command::RemoveServer("server-1".into()),
    ];
    for cmd in cmds {
        let n = e.snapshot().log.len();
        e.apply(cmd.clone()).unwrap();
        assert_eq!(e.snapshot().log.len(), n + 1, "{cmd:?}");
    }
    let snap = e.snapshot();
    assert!(snap.paused);
    assert_eq!(snap.speed, 4.0);
    assert_eq!(snap.rate, 1000.0);
    // Pause stops tick() but not advance(); Step moved time by 100 ms.
    assert_eq!(e.now(), 100 * MS);
    e.tick(S);
    assert_eq!(e.now(), 100 * MS);
    e.apply(Command::Resume).unwrap();
    e.tick(S / 4);
    assert_eq!(e.now(), 100 * MS + S); // speed ×4
    e.apply(Command::Reset).unwrap();
    assert_eq!(e.now(), 0);
    assert_eq!(e.snapshot().totals.requests, 0);
    assert_eq!(e.snapshot().servers.len(), 3);
}

#[test]
fn burst_drains_the_bucket_exactly() {
    let mut sc = scenario("");
    sc.limiter.capacity = 100;
    sc.limiter.refill_per_sec = 10.0;
    let mut e = Engine::from_scenario(&sc, None).unwrap();
    e.apply(Command::SetRate(0.0)).unwrap();
    e.apply(Command::Burst {
        tenant: Some("globex".into()),
        requests: 250,
    })
    .unwrap();
    let snap = e.snapshot();
    let g = snap.tenants.iter().find(|t| t.name == "globex").unwrap();
    assert_eq!((g.allowed, g.denied), (100, 150));
    assert_eq!(g.tokens, 0.0);
    assert_eq!(snap.tenants[0].name, "globex"); // hottest first
    e.advance(S);
    let g = e.tenant_stats(1).remove(0);
    assert!((g.tokens - 10.0).abs() < 1e-6, "{}", g.tokens);
}

#[test]
fn bounded_structures_stay_capped() {
    let mut sc = scenario(
        r#"
[[events]]
at = "1s"
action = "inject_fault"
server = "beta"
fault = "flapping"
period = "300ms"
"#,
    );
    sc.breaker.recovery_timeout_ns = 100 * MS;
    let mut e = Engine::from_scenario(&sc, None).unwrap();
    for i in 0..150 {
        e.advance(S);
        // Membership churn and log lines.
        e.apply(Command::AddServer {
            name: Some(format!("extra-{i}")),
        })
        .unwrap();
        e.apply(Command::RemoveServer(format!("extra-{i}")))
            .unwrap();
    }
    let sizes = e.sizes();
    // The engine keeps the whole run's series (up to a day); a snapshot shows its window.
    assert_eq!(sizes.series, 150);
    assert!(sizes.series <= ringside::sim::SERIES_HISTORY_SECONDS);
    assert_eq!(sizes.log, ringside::sim::LOG_LINES);
    assert_eq!(sizes.recent, ringside::sim::RECENT_REQUESTS);
    assert_eq!(sizes.membership, 300.min(ringside::sim::MEMBERSHIP_CHANGES));
    assert_eq!(sizes.max_transitions, ringside::sim::TRANSITIONS_PER_SERVER);
    // In flight: ~1000 req/s × 10 ms.
    assert!(sizes.queue < 100, "{sizes:?}");
    let snap = e.snapshot();
    assert_eq!(snap.series.len(), ringside::sim::SERIES_SECONDS);
    assert_eq!(snap.log.len(), ringside::sim::LOG_LINES);
}

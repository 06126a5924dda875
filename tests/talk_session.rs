//! Talk mode on the simulation side: `n`/`p` jumps land on exactly what a fresh run shows,
//! and a live session saved as a scenario replays to the same snapshots.

use proptest::prelude::*;
use ringside::sim::{Command, Engine, Fault, LogKind, Scenario, SimError, Snapshot};

const S: u64 = 1_000_000_000;
const MS: u64 = 1_000_000;

/// Snapshots of a live session and of its replay differ only in how they hold the session
/// (live: a log of entries; replay: a scenario with live events) and in the viewing: the
/// live run's pause/speed state and the log lines of those playback controls, which are
/// not part of what is simulated. Compare everything else.
fn assert_same_screen(live: &Snapshot, replay: &Snapshot) {
    let mut live = live.clone();
    live.log.retain(|l| {
        let t = &*l.text;
        !(t.starts_with("stepped") || t.starts_with("speed ×") || t == "paused" || t == "resumed")
    });
    let live = &live;
    let mut replay = replay.clone();
    replay.session = live.session.clone();
    replay.paused = live.paused;
    replay.speed = live.speed;
    assert_eq!(live.now_ns, replay.now_ns);
    assert_eq!(live.log, replay.log, "event logs differ");
    assert_eq!(live.totals, replay.totals);
    assert_eq!(*live, replay);
}

fn fresh_at(name: &str, at: u64) -> Engine {
    let sc = Scenario::builtin(name).unwrap();
    let mut e = Engine::from_scenario(&sc, None).unwrap();
    e.advance(at);
    e
}

/// Replay a session from its saved TOML to virtual time `at`.
fn replay(engine: &Engine, at: u64) -> Engine {
    let text = engine.session().to_toml().unwrap();
    let sc = Scenario::from_toml(&text, "session.toml")
        .unwrap_or_else(|e| panic!("saved session does not parse: {e}\n{text}"));
    let mut r = Engine::from_scenario(&sc, None).unwrap();
    // Drive it the way the dashboard does: uneven frames; the events fire at exact times.
    let mut i = 0u64;
    while r.now() < at {
        let dt = (7 + (i * 13) % 40) * MS;
        r.advance(dt.min(at - r.now()));
        i += 1;
    }
    r
}

#[test]
fn next_event_lands_on_a_fresh_run_to_that_event() {
    let sc = Scenario::builtin("failover").unwrap();
    let times: Vec<u64> = sc.events.iter().map(|e| e.at_ns).collect();
    assert!(times.len() >= 4);
    let mut e = Engine::from_scenario(&sc, None).unwrap();
    e.advance(300 * MS);
    for &t in &times {
        e.apply(Command::NextEvent).unwrap();
        assert_eq!(e.now(), t);
        let expected = fresh_at("failover", t);
        assert_eq!(e.snapshot(), expected.snapshot(), "after n to {t}");
        // The event fired: its caption is showing.
        let caption = e
            .snapshot()
            .caption
            .expect("caption after jumping to an event");
        assert_eq!(caption.at_ns, t);
    }
    assert_eq!(e.apply(Command::NextEvent), Err(SimError::NoEvent("next")));
}

#[test]
fn previous_event_reruns_from_the_start_to_that_event() {
    let sc = Scenario::builtin("failover").unwrap();
    let times: Vec<u64> = sc.events.iter().map(|e| e.at_ns).collect();
    let mut e = Engine::from_scenario(&sc, None).unwrap();
    e.advance(times[3] + 2 * S);
    // Two seconds into step 3 (event 3 is the current step): `p` goes to the step before,
    // event 2, however long ago event 3 fired; then 1, then 0, then the start.
    for k in (0..3).rev() {
        e.apply(Command::PreviousEvent).unwrap();
        assert_eq!(e.now(), times[k]);
        assert_eq!(e.snapshot(), fresh_at("failover", times[k]).snapshot());
    }
    e.apply(Command::PreviousEvent).unwrap();
    assert_eq!(e.now(), 0);
    assert_eq!(
        e.snapshot(),
        Engine::from_scenario(&sc, None).unwrap().snapshot()
    );
    assert_eq!(
        e.apply(Command::PreviousEvent),
        Err(SimError::NoEvent("previous"))
    );
}

#[test]
fn jumps_keep_speed_and_pause_and_add_no_log_line() {
    let mut e = fresh_at("failover", 20 * S);
    e.apply(Command::SetSpeed(4.0)).unwrap();
    e.apply(Command::Pause).unwrap();
    e.apply(Command::PreviousEvent).unwrap();
    let snap = e.snapshot();
    assert!(snap.paused);
    assert_eq!(snap.speed, 4.0);
    assert!(!snap.log.iter().any(|l| l.text.contains("paused")));
}

#[test]
fn jumping_back_replays_earlier_live_commands_and_forgets_later_ones() {
    let sc = Scenario::builtin("failover").unwrap();
    let mut e = Engine::from_scenario(&sc, None).unwrap();
    e.advance(2 * S + 123);
    e.apply(Command::AddServer { name: None }).unwrap();
    e.advance(9 * S);
    e.apply(Command::SetRate(500.0)).unwrap();
    e.advance(S);
    e.apply(Command::JumpTo(6 * S)).unwrap();
    assert_eq!(
        e.session().entries.len(),
        1,
        "the later command is forgotten"
    );

    let mut expected = Engine::from_scenario(&sc, None).unwrap();
    expected.advance(2 * S + 123);
    expected.apply(Command::AddServer { name: None }).unwrap();
    expected.advance(6 * S - expected.now());
    assert_eq!(e.snapshot(), expected.snapshot());
    assert_eq!(e.snapshot().servers.len(), 5);
}

#[test]
fn implicit_parts_of_commands_are_recorded_explicitly() {
    let mut e = fresh_at("default", 3 * S);
    e.apply(Command::AddServer { name: None }).unwrap();
    e.apply(Command::Burst {
        tenant: None,
        requests: 50,
    })
    .unwrap();
    e.apply(Command::Pause).unwrap();
    e.apply(Command::Step).unwrap();
    let log = e.session();
    assert_eq!(log.entries.len(), 2, "playback controls are not recorded");
    assert!(matches!(
        &log.entries[0].command,
        Command::AddServer { name: Some(n) } if n.starts_with("server-")
    ));
    assert!(matches!(
        &log.entries[1].command,
        Command::Burst {
            tenant: Some(_),
            requests: 50
        }
    ));
    assert_eq!(log.entries[0].at_ns, 3 * S);
    // A reset starts a new session.
    e.apply(Command::Reset).unwrap();
    assert!(e.session().entries.is_empty());
}

#[test]
fn a_saved_session_replays_to_the_same_snapshot() {
    let sc = Scenario::builtin("failover").unwrap();
    let mut e = Engine::from_scenario(&sc, Some(99)).unwrap();
    e.apply(Command::SetSpeed(3.0)).unwrap();
    // Live frames of uneven wall time; commands land between frames, at odd virtual times.
    let script: &[(u64, Command)] = &[
        (
            1,
            Command::Burst {
                tenant: None,
                requests: 200,
            },
        ),
        (3, Command::AddServer { name: None }),
        (
            6,
            Command::InjectFault {
                server: "alpha".into(),
                fault: Fault::Slow {
                    latency_ns: 400_000_000,
                },
            },
        ),
        // beta is removed live; the script's later events on beta are skipped in both runs.
        (7, Command::RemoveServer("beta".into())),
        (9, Command::ScaleRate(1.5)),
        (
            10,
            Command::SetBreaker(ringside::sim::BreakerParams {
                failure_threshold: Some(3),
                recovery_timeout_ns: Some(1_500_000_000),
                ..Default::default()
            }),
        ),
        (12, Command::SetCapacity(40)),
        (12, Command::SetRefillRate(33.5)),
        (
            14,
            Command::SetWeight {
                server: "gamma".into(),
                weight: 2.5,
            },
        ),
        (
            16,
            Command::InjectFault {
                server: "delta".into(),
                fault: Fault::Errors { rate: 0.35 },
            },
        ),
        (
            16,
            Command::InjectFault {
                server: "alpha".into(),
                fault: Fault::Flapping {
                    period_ns: 700_000_000,
                },
            },
        ),
        (
            20,
            Command::Heal {
                server: "alpha".into(),
            },
        ),
    ];
    let mut frame = 0u64;
    let mut next = 0;
    while e.now() < 35 * S {
        e.tick((16 + frame % 7) * MS + frame % 1000);
        frame += 1;
        while next < script.len() && e.now() >= script[next].0 * S {
            e.apply(script[next].1.clone()).unwrap();
            next += 1;
        }
    }
    assert_eq!(next, script.len());
    assert_eq!(e.session().entries.len(), script.len());
    assert!(
        e.snapshot()
            .log
            .iter()
            .any(|l| l.kind == LogKind::Error && l.text.contains("beta")),
        "the script's event on the removed server was skipped live"
    );
    let r = replay(&e, e.now());
    assert_same_screen(&e.snapshot(), &r.snapshot());
}

#[test]
fn a_live_command_at_the_instant_of_an_arrival_fires_after_it() {
    let sc = Scenario::builtin("default").unwrap();
    let probe = {
        let mut p = Engine::from_scenario(&sc, None).unwrap();
        p.advance(1500 * MS);
        p.snapshot()
    };
    // An instant at which a Poisson arrival happened (not a scripted one on a round time):
    // a live command applied right then comes after it.
    let t = probe
        .recent_requests
        .iter()
        .map(|r| r.at_ns)
        .find(|t| t % MS != 0)
        .expect("an arrival at an odd time");
    let mut e = Engine::from_scenario(&sc, None).unwrap();
    e.advance(t);
    e.apply(Command::Burst {
        tenant: None,
        requests: 30,
    })
    .unwrap();
    e.apply(Command::SetRate(3000.0)).unwrap();
    e.advance(3 * S - t);
    let r = replay(&e, 3 * S);
    assert_same_screen(&e.snapshot(), &r.snapshot());
}

#[test]
fn a_live_command_at_time_zero_comes_after_a_scripted_event_at_zero() {
    let mut sc = Scenario::builtin("default").unwrap();
    sc.events.insert(
        0,
        ringside::sim::scenario::TimelineEvent {
            at_ns: 0,
            command: Some(Command::SetRate(100.0)),
            caption: Some("start slow".into()),
            live: false,
        },
    );
    let mut e = Engine::from_scenario(&sc, None).unwrap();
    e.apply(Command::ScaleRate(2.0)).unwrap();
    assert_eq!(e.snapshot().rate, 200.0);
    e.advance(2 * S);
    let r = replay(&e, 2 * S);
    assert_same_screen(&e.snapshot(), &r.snapshot());
}

#[test]
fn live_events_only_share_a_time_when_marked_live() {
    let base = Scenario::builtin("default").unwrap().to_toml().unwrap();
    let twice = |live: &str| {
        format!(
            "{base}\n[[events]]\nat = \"99s\"\naction = \"set_rate\"\nrate = 1.0\n\n[[events]]\nat = \"99s\"\naction = \"set_rate\"\nrate = 2.0\n{live}"
        )
    };
    assert!(Scenario::from_toml(&twice(""), "x.toml").is_err());
    assert!(Scenario::from_toml(&twice("live = true\n"), "x.toml").is_ok());
    let caption_only = format!("{base}\n[[events]]\nat = \"99s\"\ncaption = \"hi\"\nlive = true\n");
    assert!(Scenario::from_toml(&caption_only, "x.toml").is_err());
}

#[test]
fn a_truncated_session_refuses_to_save() {
    let mut log = fresh_at("default", S).session();
    log.truncated = true;
    assert!(matches!(log.to_toml(), Err(SimError::SessionTruncated(_))));
}

fn arb_command() -> impl Strategy<Value = Command> {
    prop_oneof![
        Just(Command::AddServer { name: None }),
        Just(Command::RemoveServer("beta".into())),
        (1u32..50).prop_map(|r| Command::Burst {
            tenant: None,
            requests: r
        }),
        (0.25f64..4.0).prop_map(Command::ScaleRate),
        (0.0f64..=1.0).prop_map(|rate| Command::InjectFault {
            server: "alpha".into(),
            fault: Fault::Errors { rate }
        }),
        Just(Command::InjectFault {
            server: "gamma".into(),
            fault: Fault::Down
        }),
        Just(Command::Heal {
            server: "gamma".into()
        }),
        (1u32..300).prop_map(Command::SetCapacity),
        Just(Command::Step),
        Just(Command::TogglePause),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Any session (random commands between random frames) replays exactly.
    #[test]
    fn any_session_replays_exactly(
        seed in 0u64..1000,
        steps in prop::collection::vec((1u64..400, prop::option::of(arb_command())), 1..40),
    ) {
        let sc = Scenario::builtin("default").unwrap();
        let mut e = Engine::from_scenario(&sc, Some(seed)).unwrap();
        for (dt_ms, cmd) in steps {
            e.tick(dt_ms * MS);
            if let Some(c) = cmd {
                let _ = e.apply(c);
            }
        }
        let r = replay(&e, e.now());
        assert_same_screen(&e.snapshot(), &r.snapshot());
    }
}

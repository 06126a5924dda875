//! The key map drives the real engine: each key gives the expected Command, invalid
//! actions are explained in the log, and the async loop works against a TestBackend.

mod tui_common;

use std::time::Duration;

use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ringside::sim::{Command, Fault};
use ringside::tui::input::{
    BURST_CAPACITIES, FAULT_ERROR_RATE, FAULT_FLAP_MS, FAULT_SLOW_MS, RATE_FACTOR, REFILL_FACTOR,
};
use ringside::tui::runner::{EngineHandle, LoopConfig, run_loop};
use tui_common::*;

fn key(c: char) -> Event {
    Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn code(c: KeyCode) -> Event {
    Event::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

#[test]
fn each_key_sends_the_expected_command() {
    let (engine, _) = engine_at(1_000);
    let mut app = app_for(&engine, dark());
    // Relative keys carry what they mean (a factor, the selected position); the engine
    // resolves them when it applies them, never against the frame shown.
    let cases: Vec<(Event, Vec<Command>)> = vec![
        (key('a'), vec![Command::AddServer { name: None }]),
        (key('d'), vec![Command::RemoveServerAt(0)]),
        (key('f'), vec![Command::CycleFaultAt(0)]),
        (key('h'), vec![Command::HealAt(0)]),
        (key('+'), vec![Command::ScaleRate(RATE_FACTOR)]),
        (key('-'), vec![Command::ScaleRate(1.0 / RATE_FACTOR)]),
        (
            key('b'),
            vec![Command::BurstHottest {
                capacities: BURST_CAPACITIES,
            }],
        ),
        (key(']'), vec![Command::ScaleRefillRate(REFILL_FACTOR)]),
        (
            key('['),
            vec![Command::ScaleRefillRate(1.0 / REFILL_FACTOR)],
        ),
        (key(' '), vec![Command::TogglePause]),
        (key('.'), vec![Command::Step]),
        (key('>'), vec![Command::SpeedUp]),
        (key('<'), vec![Command::SlowDown]),
        (key('r'), vec![Command::Reset]),
        (key('j'), vec![]),
        (key('d'), vec![Command::RemoveServerAt(1)]),
        (code(KeyCode::Up), vec![]),
        (key('d'), vec![Command::RemoveServerAt(0)]),
        (key('{'), vec![]),
        (key('}'), vec![]),
        (key('e'), vec![]),
        (key('?'), vec![]),
    ];
    for (event, expected) in cases {
        assert_eq!(app.handle_event(&event), expected, "{event:?}");
    }
    assert!(app.help_open());
    // Esc closes help, and never quits.
    assert!(app.handle_event(&code(KeyCode::Esc)).is_empty());
    assert!(!app.help_open() && !app.should_quit());
    app.handle_event(&code(KeyCode::Esc));
    assert!(!app.should_quit(), "Esc does not quit from the main screen");
    app.handle_event(&key('q'));
    assert!(app.should_quit());
    // Only view actions note a line of their own (j, ↑, ?, Esc, Esc, q); commands are
    // logged by the engine when applied.
    assert_eq!(app.notes().count(), 6);
}

#[test]
fn fault_cycles_and_heal_are_resolved_by_the_engine() {
    let (mut engine, _) = engine_at(1_000);
    let mut app = app_for(&engine, dark());
    let name = app.snapshot().servers[0].name.clone();
    let expected = [
        Fault::Errors {
            rate: FAULT_ERROR_RATE,
        },
        Fault::Slow {
            latency_ns: FAULT_SLOW_MS * 1_000_000,
        },
        Fault::Down,
        Fault::Flapping {
            period_ns: FAULT_FLAP_MS * 1_000_000,
        },
        Fault::Errors {
            rate: FAULT_ERROR_RATE,
        },
    ];
    // The snapshot is never refreshed: each `f` still cycles from the engine's fault.
    for fault in expected {
        let cmds = app.handle_event(&key('f'));
        for c in cmds {
            engine.apply(c).unwrap();
        }
        assert_eq!(engine.snapshot().servers[0].fault, Some(fault));
    }
    // `h` right after `f` (the frame still shows no fault) heals.
    for c in app.handle_event(&key('h')) {
        engine.apply(c).unwrap();
    }
    let snap = engine.snapshot();
    assert_eq!(snap.servers[0].fault, None);
    assert!(
        snap.log
            .last()
            .unwrap()
            .text
            .contains(&format!("healed {name}"))
    );
    // A second `h` is refused by the engine: nothing to heal.
    let refused = app.handle_event(&key('h'));
    apply_all(&mut app, &mut engine, refused);
    let last = app.notes().last().unwrap();
    assert!(last.error && last.text.contains("no fault"), "{last:?}");
}

#[test]
fn invalid_actions_are_explained_not_crashed() {
    let (mut engine, _) = engine_at(500);
    let mut app = app_for(&engine, dark());
    // Remove servers until one is left; the last cannot be removed.
    while app.snapshot().servers.len() > 1 {
        let cmds = app.handle_event(&key('d'));
        apply_all(&mut app, &mut engine, cmds);
    }
    let cmds = app.handle_event(&key('d'));
    apply_all(&mut app, &mut engine, cmds);
    let last = app.notes().last().unwrap();
    assert!(last.error && last.text.contains("last server"), "{last:?}");
    // Step while running is refused by the engine, with a hint.
    let cmds = app.handle_event(&key('.'));
    apply_all(&mut app, &mut engine, cmds);
    assert!(app.notes().last().unwrap().text.contains("paused"));
    // An unbound key is acknowledged too.
    app.handle_event(&key('z'));
    assert!(app.notes().last().unwrap().text.contains("not bound"));
    // An engine refusal is shown.
    apply_all(
        &mut app,
        &mut engine,
        vec![Command::RemoveServer("nope".into())],
    );
    assert!(app.notes().last().unwrap().text.contains("nope"));
    // And the log shows it on screen.
    let t = render(&mut app, 100, 30);
    assert!(text(&t).contains("refused"), "{}", text(&t));
}

#[test]
fn repeats_and_releases_are_ignored_and_step_works_when_paused() {
    let (mut engine, _) = engine_at(500);
    let mut app = app_for(&engine, dark());
    for kind in [KeyEventKind::Repeat, KeyEventKind::Release] {
        let mut k = KeyEvent::new(KeyCode::Char('a'), KeyModifiers::NONE);
        k.kind = kind;
        assert!(app.handle_event(&Event::Key(k)).is_empty());
    }
    assert_eq!(app.notes().count(), 0);
    // Space then `.` before any frame: the step is not refused for the stale frame.
    let mut cmds = app.handle_event(&key(' '));
    cmds.extend(app.handle_event(&key('.')));
    let before = engine.now();
    apply_all(&mut app, &mut engine, cmds);
    assert!(
        app.notes().all(|n| !n.error),
        "{:?}",
        app.notes().collect::<Vec<_>>()
    );
    assert_eq!(engine.now(), before + ringside::sim::STEP_NS);
}

#[test]
fn mouse_click_on_a_legend_row_selects_that_server() {
    let (engine, _) = engine_at(1_000);
    let mut app = app_for(&engine, dark());
    let t = render(&mut app, 120, 40);
    let screen = text(&t);
    // Find the row of the third server's name in the legend.
    let name = app.snapshot().servers[2].name.clone();
    let (row, line) = screen
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains(&format!("■{name}")))
        .expect("legend row");
    let col = line[..line.find(&format!("■{name}")).unwrap()]
        .chars()
        .count() as u16;
    app.handle_event(&Event::Mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: col + 2,
        row: row as u16,
        modifiers: KeyModifiers::NONE,
    }));
    assert_eq!(app.selected(), Some(2));
    assert_eq!(
        app.handle_event(&key('d')),
        vec![Command::RemoveServerAt(2)]
    );
}

#[tokio::test]
async fn the_async_loop_drives_the_engine_thread_into_a_test_backend() {
    let (engine, _) = engine_at(0);
    let mut app = app_for(&engine, dark());
    let mut handle = EngineHandle::spawn(engine, Duration::from_millis(5)).unwrap();
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    let events =
        futures::stream::iter([key('a'), key(' '), code(KeyCode::Char('?')), key('q')].map(Ok));
    // Bounded waits: generous for a loaded machine, reached only when something hangs.
    let limit = Duration::from_secs(60);
    let stats = tokio::time::timeout(
        limit,
        run_loop(
            &mut terminal,
            &mut app,
            events,
            &mut handle,
            std::future::pending(),
            LoopConfig {
                frame: Duration::from_millis(5),
                sync_updates: false,
            },
        ),
    )
    .await
    .unwrap_or_else(|_| panic!("run_loop did not quit on 'q' within {limit:?}"))
    .unwrap();
    assert!(app.should_quit());
    assert_eq!(stats.events, 4);
    assert!(stats.frames >= 1);
    // The engine thread applies the queued commands: a fourth server and a pause.
    let applied = async {
        loop {
            let s = handle.snapshots.borrow_and_update().clone();
            if s.servers.len() == 4 && s.paused {
                break;
            }
            handle.snapshots.changed().await.unwrap();
        }
    };
    tokio::time::timeout(limit, applied)
        .await
        .unwrap_or_else(|_| {
            panic!(
                "the engine thread did not apply 'a' and ' ' (4 servers, paused) within {limit:?}"
            )
        });
    handle.shutdown();
}

#[tokio::test]
async fn ctrl_z_ends_the_loop_for_the_runner_to_suspend_and_the_loop_resumes() {
    let (engine, _) = engine_at(0);
    let mut app = app_for(&engine, dark());
    let mut handle = EngineHandle::spawn(engine, Duration::from_millis(5)).unwrap();
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    let ctrl_z = Event::Key(KeyEvent::new(KeyCode::Char('z'), KeyModifiers::CONTROL));
    let mut events = futures::stream::iter([ctrl_z, key('q')].map(Ok));
    let config = LoopConfig {
        frame: Duration::from_millis(5),
        sync_updates: false,
    };
    let limit = Duration::from_secs(60);
    // Ctrl-Z ends the first run for the runner to suspend; after it, the same loop goes on
    // with the same event stream and quits on `q`.
    for round in ["Ctrl-Z", "q"] {
        let run = run_loop(
            &mut terminal,
            &mut app,
            &mut events,
            &mut handle,
            std::future::pending(),
            config,
        );
        let stats = tokio::time::timeout(limit, run).await.unwrap().unwrap();
        assert_eq!(stats.events, 1, "the loop stops right after {round}");
        if round == "Ctrl-Z" {
            assert!(app.wants_suspend() && !app.should_quit());
            assert!(app.take_suspend());
            assert!(!app.wants_suspend(), "taken once");
        } else {
            assert!(app.should_quit());
        }
    }
    handle.shutdown();
}

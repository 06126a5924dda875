//! Key tracing on the dashboard's ring (`/`), and replica arcs (`R`): snapshots of the ring
//! with a key traced at 80×24, 120×40 and 200×60 (one with the owner down, so that the
//! failover path shows), the owners on screen checked against `ringside ring --trace`
//! for the same ring, and the prompt's input rules.

mod support;
mod tui_common;

use std::process::Command as Process;
use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use insta::assert_snapshot;
use ringside::sim::{Command, Engine, Fault, Snapshot};
use ringside::tui::app::App;
use support::ring_trace::{headless_trace, owners_on_screen, trace_text};
use tui_common::*;

/// A key owned by beta, then gamma, on the default scenario's ring after delta joined
/// (found with `ringside ring --servers alpha,beta,delta,gamma --replicas 2`).
const BETA_KEY: &str = "user:4";
/// A key owned by delta, then beta.
const DELTA_KEY: &str = "user:42";

fn press(app: &mut App, code: KeyCode) -> Option<ringside::sim::Command> {
    app.handle_key(&KeyEvent::new(code, KeyModifiers::NONE))
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

/// The app at `t_ms` tracing `key` through the prompt, as a user does.
fn tracing(engine: &Engine, key: &str) -> App {
    let mut app = app_for(engine, dark());
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, key);
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.view().traced(), Some(key));
    app
}

/// The oracle: `ringside ring --servers … --vnodes V --replicas N --trace KEY` for the
/// snapshot's ring.
fn cli_trace(snap: &Snapshot, vnodes: u32, key: &str) -> (String, Vec<String>) {
    let servers: Vec<&str> = snap.servers.iter().map(|s| s.name.as_str()).collect();
    let trace = headless_trace(&servers, vnodes, snap.replicas, key);
    (trace.position, trace.owners)
}

#[test]
fn traced_key_at_120x40() {
    let (engine, _) = engine_at(12_000);
    let mut app = tracing(&engine, DELTA_KEY);
    let t = render(&mut app, 120, 40);
    let text = trace_text(&tui_common::text(&t));
    assert!(text.starts_with("key \"user:42\" → 0x56dadf18…"), "{text}");
    assert!(text.contains("owner delta · replicas beta"), "{text}");
    assert!(text.contains("now served by delta"), "{text}");
    assert_snapshot!(t.backend());
}

/// The owner is down and its breaker open: the text and the ring show the replica
/// serving the key.
fn owner_down(w: u16, h: u16) -> String {
    let (mut engine, _) = engine_at(12_000);
    engine
        .apply(Command::InjectFault {
            server: "beta".into(),
            fault: Fault::Down,
        })
        .unwrap();
    engine.advance(500_000_000);
    let snap = engine.snapshot();
    let beta = snap.servers.iter().find(|s| s.name == "beta").unwrap();
    assert!(
        beta.down_now && !beta.admits,
        "beta refuses and its breaker is open"
    );
    let mut app = tracing(&engine, BETA_KEY);
    let t = render(&mut app, w, h);
    let screen = tui_common::text(&t);
    let text = trace_text(&screen);
    // The long form, or the short one where the panel is narrow.
    assert!(
        text.contains("owner beta · replicas gamma") || text.contains("→ beta, gamma"),
        "{text}"
    );
    assert!(text.contains(" gamma (beta open)"), "{text}\n{screen}");
    // On the ring: the owner passed over and the server reached.
    let ring: String = screen
        .lines()
        .take_while(|l| !l.starts_with('╰'))
        .filter_map(|l| l.split('│').nth(1))
        .collect();
    assert!(ring.contains('✗') && ring.contains('◆'), "{screen}");
    format!("{}", t.backend())
}

#[test]
fn owner_down_fails_over_at_80x24() {
    assert_snapshot!(owner_down(80, 24));
}

#[test]
fn owner_down_fails_over_at_120x40() {
    assert_snapshot!(owner_down(120, 40));
}

#[test]
fn owner_down_fails_over_at_200x60() {
    assert_snapshot!(owner_down(200, 60));
}

#[test]
fn replica_arcs_at_120x40() {
    let (engine, _) = engine_at(12_000);
    let mut app = tracing(&engine, DELTA_KEY);
    press(&mut app, KeyCode::Char('R'));
    assert!(app.view().replica_arcs());
    let t = render(&mut app, 120, 40);
    let screen = tui_common::text(&t);
    assert!(
        screen.contains("replica arcs of alpha: ─ 2nd owner"),
        "{screen}"
    );
    assert_snapshot!(t.backend());
}

#[test]
fn owners_shown_equal_the_headless_trace() {
    let (mut engine, _) = engine_at(12_000);
    let keys = ["user:42", "user:4", "key-17", "ключ", "a b", "q"];
    // Each key is traced once; the trace then follows every change of the ring.
    let mut apps: Vec<App> = keys.iter().map(|k| tracing(&engine, k)).collect();
    let changes = [
        Command::AddServer {
            name: Some("epsilon".into()),
        },
        Command::RemoveServer("beta".into()),
        Command::SetVnodes(8),
        Command::SetVnodes(1),
    ];
    for round in 0..=changes.len() {
        let snap = engine.snapshot();
        for (key, app) in keys.iter().zip(&mut apps) {
            app.set_snapshot(Arc::new(snap.clone()));
            let t = render(app, 200, 60);
            let text = trace_text(&tui_common::text(&t));
            let (position, owners) = cli_trace(&snap, snap.vnodes, key);
            assert_eq!(owners_on_screen(&text), owners, "round {round}: {text}");
            let shown = format!("0x{}…", &position[..8]);
            assert!(text.contains(&shown), "{shown} in {text}");
        }
        if let Some(change) = changes.get(round) {
            engine.apply(change.clone()).unwrap();
        }
    }
}

#[test]
fn the_prompt_takes_every_typed_key() {
    let (engine, _) = engine_at(3_000);
    let mut app = app_for(&engine, dark());
    press(&mut app, KeyCode::Char('/'));
    assert!(app.view().prompt().is_some());
    // q, a, d, ?, space: typed, not bound (nothing quits, no command is sent).
    for c in ['q', 'a', 'd', '?', ' ', 'R', '/'] {
        assert_eq!(press(&mut app, KeyCode::Char(c)), None);
    }
    assert!(!app.should_quit() && !app.help_open());
    assert_eq!(app.view().prompt().unwrap().text(), "qad? R/");
    // The prompt replaces the status bar.
    let screen = tui_common::text(&render(&mut app, 80, 24));
    assert!(screen.contains("trace key › qad? R/█"), "{screen}");
    press(&mut app, KeyCode::Backspace);
    assert_eq!(app.view().prompt().unwrap().text(), "qad? R");
    // Esc cancels the prompt, and nothing else: not quitting, not tracing.
    press(&mut app, KeyCode::Esc);
    assert!(app.view().prompt().is_none() && app.view().traced().is_none());
    assert!(!app.should_quit());
    // Tab picks the hottest recent keys; Enter traces the one picked.
    press(&mut app, KeyCode::Char('/'));
    press(&mut app, KeyCode::Tab);
    let hot = app.snapshot().hot_keys(8);
    assert_eq!(app.view().prompt().unwrap().text(), hot[0]);
    press(&mut app, KeyCode::Tab);
    assert_eq!(app.view().prompt().unwrap().text(), hot[1]);
    press(&mut app, KeyCode::BackTab);
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.view().traced(), Some(hot[0].as_str()));
    // Esc outside the prompt stops tracing (and still never quits).
    press(&mut app, KeyCode::Esc);
    assert!(app.view().traced().is_none() && !app.should_quit());
    // Ctrl-C still quits from inside the prompt.
    press(&mut app, KeyCode::Char('/'));
    app.handle_key(&KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert!(app.should_quit());
}

/// The README's capture of a traced key is what `ringside frame` draws (trailing blanks
/// trimmed, as in the README). When the dashboard's drawing changes, regenerate it with
/// the command the README names.
#[test]
fn readme_capture_is_what_frame_draws() {
    const COMMAND: &str = "ringside frame --at 12s --size 200x60 --focus ring --trace user:4";
    let readme = include_str!("../README.md");
    let after = readme
        .split(&format!("(`{COMMAND}`;"))
        .nth(1)
        .expect("the README names the command");
    let block = after
        .split("```text\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("a text block after the command");
    let args: Vec<&str> = COMMAND.split_whitespace().skip(1).collect();
    let out = Process::new(env!("CARGO_BIN_EXE_ringside"))
        .args(&args)
        .output()
        .expect("ringside frame runs");
    assert!(out.status.success());
    let drawn: String = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| format!("{}\n", l.trim_end()))
        .collect();
    assert_eq!(
        block, drawn,
        "README capture is stale: regenerate it with `{COMMAND} | sed 's/[[:space:]]*$//'`"
    );
}

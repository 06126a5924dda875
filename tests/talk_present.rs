//! Talk mode in the dashboard: presenter layout snapshots at 100×30, `n`/`p` through the
//! real key path land on the same screen as a fresh run, and a recorded dashboard is a
//! valid asciicast v2 file.

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use insta::assert_snapshot;
use ratatui::backend::{CrosstermBackend, TestBackend};
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use ringside::sim::{Command, Engine, Scenario};
use ringside::tui::app::{App, AppOptions};
use ringside::tui::export::to_text;
use ringside::tui::record::{Recorder, Tee, create};
use ringside::tui::state::Focus;
use ringside::tui::theme::{Theme, ThemeKind};

const S: u64 = 1_000_000_000;

fn engine(name: &str, at: u64) -> Engine {
    let mut e = Engine::from_scenario(&Scenario::builtin(name).unwrap(), None).unwrap();
    e.advance(at);
    e
}

fn app(e: &Engine, present: bool) -> App {
    let mut app = App::new(
        Arc::new(e.snapshot()),
        Theme::new(ThemeKind::Dark, false),
        AppOptions { mouse: false },
    );
    app.set_present(present);
    app
}

fn screen(app: &mut App, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| app.render(f)).unwrap();
    to_text(t.backend().buffer())
}

fn key(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
}

#[test]
fn presenter_layout_at_100x30() {
    let e = engine("tour", 20 * S);
    let mut a = app(&e, true);
    let s = screen(&mut a, 100, 30);
    assert!(s.contains("step 4/9"), "{s}");
    assert!(s.contains("beta goes down"));
    assert!(
        !s.contains("Events"),
        "the presenter layout drops the event log"
    );
    assert_snapshot!("present_all", s);
}

#[test]
fn focus_keys_show_one_panel_each() {
    let e = engine("tour", 20 * S);
    let mut a = app(&e, true);
    for (c, focus, title, name) in [
        ('1', Focus::Ring, "Ring", "present_ring"),
        ('2', Focus::Buckets, "Buckets", "present_buckets"),
        ('3', Focus::Breakers, "Breakers", "present_breakers"),
    ] {
        assert_eq!(a.handle_key(&key(c)), None, "focus is a view change");
        assert_eq!(a.focus(), focus);
        let s = screen(&mut a, 100, 30);
        for other in ["Ring ·", "Buckets ·", "Breakers ·"] {
            assert_eq!(
                s.contains(other),
                other.starts_with(title),
                "{c}: {other}\n{s}"
            );
        }
        assert_snapshot!(name, s);
    }
    a.handle_key(&key('0'));
    assert_eq!(a.focus(), Focus::All);
    // Focus also works without the presenter layout.
    let mut plain = app(&e, false);
    plain.handle_key(&key('3'));
    let s = screen(&mut plain, 100, 30);
    assert!(s.contains("Breakers ·") && !s.contains("Ring ·"));
}

#[test]
fn n_and_p_keys_land_on_the_screen_of_a_fresh_run() {
    let sc = Scenario::builtin("breaker-story").unwrap();
    let times: Vec<u64> = sc.events.iter().map(|e| e.at_ns).collect();
    let mut e = engine("breaker-story", 0);
    let mut a = app(&e, true);
    // n three times, then p once: events 0, 1, 2, then back to 1.
    for (c, expect) in [
        ('n', times[0]),
        ('n', times[1]),
        ('n', times[2]),
        ('p', times[1]),
    ] {
        let cmd = a.handle_key(&key(c)).expect("n/p send a command");
        assert!(matches!(cmd, Command::NextEvent | Command::PreviousEvent));
        e.apply(cmd).unwrap();
        a.set_snapshot(Arc::new(e.snapshot()));
        assert_eq!(e.now(), expect);
        let fresh = engine("breaker-story", expect);
        let mut b = app(&fresh, true);
        assert_eq!(
            screen(&mut a, 100, 30),
            screen(&mut b, 100, 30),
            "after {c}"
        );
    }
}

#[test]
fn w_writes_a_scenario_that_replays_the_session() {
    let dir = std::env::temp_dir().join(format!("ringside-talk-w-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("session.toml");
    let mut e = engine("tour", 3 * S);
    let mut a = app(&e, false);
    assert_eq!(a.handle_key(&key('w')), None);
    assert!(
        a.notes().last().unwrap().error,
        "saving is off unless a place is configured"
    );
    a.set_save_to(Some(ringside::tui::effects::SaveTo::File(path.clone())));
    for c in ['a', 'b', '+'] {
        if let Some(cmd) = a.handle_key(&key(c)) {
            e.apply(cmd).unwrap();
        }
        e.advance(S / 3);
    }
    e.advance(4 * S);
    a.set_snapshot(Arc::new(e.snapshot()));
    assert_eq!(a.handle_key(&key('w')), None);
    let note = a.notes().last().unwrap();
    assert!(
        !note.error && note.text.contains("3 live command(s)"),
        "{note:?}"
    );
    let sc = Scenario::load(path.to_str().unwrap()).unwrap();
    let mut r = Engine::from_scenario(&sc, None).unwrap();
    r.advance(e.now());
    let mut a2 = app(&r, false);
    let mut a1 = app(&e, false);
    assert_eq!(screen(&mut a1, 120, 40), screen(&mut a2, 120, 40));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_recorded_dashboard_is_asciicast_v2() {
    let dir = std::env::temp_dir().join(format!("ringside-talk-cast-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("talk.cast");
    let rec = Recorder::new(create(&path, 100, 30).unwrap());
    let mut screen_bytes = Vec::new();
    {
        let backend = CrosstermBackend::new(Tee::new(&mut screen_bytes, Some(rec.clone())));
        let mut t = Terminal::with_options(
            backend,
            TerminalOptions {
                viewport: Viewport::Fixed(Rect::new(0, 0, 100, 30)),
            },
        )
        .unwrap();
        let mut e = engine("tour", 0);
        let mut a = app(&e, true);
        for _ in 0..5 {
            e.advance(S);
            a.set_snapshot(Arc::new(e.snapshot()));
            t.draw(|f| a.render(f)).unwrap();
        }
    }
    rec.finish().unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines = text.lines();
    let header: serde_json::Value = serde_json::from_str(lines.next().unwrap()).unwrap();
    assert_eq!(header["version"], 2);
    assert_eq!(header["width"], 100);
    assert_eq!(header["height"], 30);
    assert!(header["timestamp"].as_u64().unwrap() > 1_600_000_000);
    assert!(header["env"].is_object());
    let mut last = 0.0;
    let mut all = String::new();
    let mut events = 0;
    for line in lines {
        let ev: serde_json::Value = serde_json::from_str(line).unwrap();
        let arr = ev.as_array().expect("an event is an array");
        assert_eq!(arr.len(), 3);
        let t = arr[0].as_f64().expect("time is a number");
        assert!(t >= last, "times are monotonic");
        last = t;
        assert_eq!(arr[1], "o");
        all.push_str(arr[2].as_str().expect("data is a string"));
        events += 1;
    }
    assert!(events >= 5, "at least one event per frame: {events}");
    assert_eq!(
        all.as_bytes(),
        &screen_bytes[..],
        "the recording is what the terminal got"
    );
    assert!(all.contains("step 1/9"), "{all:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

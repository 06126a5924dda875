//! The event log panel on rendered frames: one line per action, `{` / `}` (and the mouse
//! wheel) scroll back and forth with the position in the title, `e` cycles the filter
//! (named in the title), `r` clears it, and its memory is bounded.

mod tui_common;

use std::sync::Arc;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers, MouseEvent, MouseEventKind};
use ringside::sim::Command;
use ringside::tui::app::App;
use ringside::tui::input::LOG_SCROLL_STEP;
use ringside::tui::state::NOTES_KEPT;
use tui_common::*;

fn key(c: char) -> Event {
    Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn wheel(kind: MouseEventKind) -> Event {
    Event::Mouse(MouseEvent {
        kind,
        column: 10,
        row: 10,
        modifiers: KeyModifiers::NONE,
    })
}

/// The Events panel of a 120×40 frame: its title row and the texts of its lines (after
/// the time and the tag).
fn panel(app: &mut App) -> (String, Vec<String>) {
    let screen = text(&render(app, 120, 40));
    let mut rows = screen.lines().skip_while(|l| !l.contains("Events ·"));
    let title = rows.next().expect("an Events panel").to_string();
    let lines = rows
        .take_while(|l| !l.starts_with('╰'))
        .map(|l| {
            let inner = l.trim_start_matches('│').trim_end_matches('│').trim();
            // "   6.0s brk text": drop the time and the tag.
            inner.splitn(3, ' ').nth(2).unwrap_or("").trim().to_string()
        })
        .filter(|t| !t.is_empty())
        .collect();
    (title, lines)
}

/// An engine with a long log: the default scenario at 30 s (its events and breaker
/// transitions) plus a few live commands.
fn busy() -> (ringside::sim::Engine, App) {
    let (mut engine, _) = engine_at(30_000);
    let mut app = app_for(&engine, dark());
    for c in "++]]a".chars() {
        let cmds = app.handle_event(&key(c));
        apply_all(&mut app, &mut engine, cmds);
    }
    (engine, app)
}

#[test]
fn one_line_per_action_with_its_result() {
    let (mut engine, mut app) = busy();
    let (_, lines) = panel(&mut app);
    // Each command key: exactly one line, the engine's, saying what it resolved to.
    let last5: Vec<&String> = lines.iter().rev().take(5).rev().collect();
    assert!(
        last5[0].starts_with("traffic rate 2000 → 2500"),
        "{last5:?}"
    );
    assert!(
        last5[1].starts_with("traffic rate 2500 → 3125"),
        "{last5:?}"
    );
    assert_eq!(last5[2], "token refill rate set to 750 tokens/s");
    assert_eq!(last5[3], "token refill rate set to 938 tokens/s");
    assert!(last5[4].starts_with("added server server-1"), "{last5:?}");
    // A refusal is one line too.
    let cmds = app.handle_event(&key('.'));
    apply_all(&mut app, &mut engine, cmds);
    let (_, lines) = panel(&mut app);
    assert!(
        lines
            .last()
            .unwrap()
            .starts_with("refused: a single step works while paused")
    );
    assert_eq!(
        lines.iter().filter(|l| l.contains("single step")).count(),
        1
    );
}

#[test]
fn braces_and_the_wheel_scroll_with_the_position_in_the_title() {
    let (_, mut app) = busy();
    let (title, newest) = panel(&mut app);
    assert!(
        title.contains("Events · all") && !title.contains('↑'),
        "{title}"
    );
    let rows = newest.len();
    app.handle_event(&key('{'));
    let (title, back) = panel(&mut app);
    let total = ringside::tui::event_log::entries(app.snapshot(), app.view()).len();
    assert!(
        title.contains(&format!("↑{LOG_SCROLL_STEP}/{total}")),
        "{title}"
    );
    // The window moved by exactly the step: its newest line was the step-th from the end.
    assert_eq!(back.len(), rows);
    assert_eq!(back[rows - 1], newest[rows - 1 - LOG_SCROLL_STEP]);
    app.handle_event(&key('}'));
    assert_eq!(panel(&mut app).1, newest);
    // The wheel does the same (the test app has the mouse on).
    app.handle_event(&wheel(MouseEventKind::ScrollUp));
    assert_eq!(panel(&mut app).1, back);
    app.handle_event(&wheel(MouseEventKind::ScrollDown));
    assert_eq!(panel(&mut app).1, newest);
    // Scrolling back stops at the oldest line; forward at the newest.
    for _ in 0..1_000 {
        app.handle_event(&key('{'));
    }
    let (title, oldest) = panel(&mut app);
    assert!(oldest[0].starts_with("scenario default"), "{oldest:?}");
    assert!(
        title.contains(&format!("↑{}/{total}", total - rows)),
        "{title}"
    );
    for _ in 0..1_000 {
        app.handle_event(&key('}'));
    }
    assert_eq!(panel(&mut app).1, newest);
}

#[test]
fn a_log_scrolled_back_stays_on_its_lines_while_new_ones_arrive() {
    let (mut engine, mut app) = busy();
    app.handle_event(&key('{'));
    let (_, before) = panel(&mut app);
    engine.apply(Command::SetRate(100.0)).unwrap();
    engine.apply(Command::SetRate(200.0)).unwrap();
    app.set_snapshot(Arc::new(engine.snapshot()));
    assert_eq!(panel(&mut app).1, before);
}

#[test]
fn e_cycles_the_filter_named_in_the_title() {
    let (mut engine, mut app) = busy();
    let refused = app.handle_event(&key('.'));
    apply_all(&mut app, &mut engine, refused);
    for (filter, tag) in [
        ("scenario", "scn"),
        ("breaker", "brk"),
        ("key", "cmd"),
        ("refused", "✗"),
        ("all", ""),
    ] {
        app.handle_event(&key('e'));
        let screen = text(&render(&mut app, 120, 40));
        let title = screen.lines().find(|l| l.contains("Events ·")).unwrap();
        assert!(title.contains(&format!("Events · {filter}")), "{title}");
        let lines: Vec<&str> = screen
            .lines()
            .skip_while(|l| !l.contains("Events ·"))
            .skip(1)
            .take_while(|l| !l.starts_with('╰'))
            .filter(|l| l.contains("s "))
            .collect();
        if tag.is_empty() {
            assert!(lines.iter().any(|l| l.contains(" cmd ")), "{lines:?}");
            assert!(lines.iter().any(|l| l.contains(" ✗ ")), "{lines:?}");
        } else {
            assert!(!lines.is_empty(), "{filter} shows lines");
            // Every line shown has the filter's tag.
            for l in &lines {
                assert!(l.contains(&format!(" {tag} ")), "{filter}: {l}");
            }
        }
    }
}

#[test]
fn r_clears_the_log() {
    let (mut engine, mut app) = busy();
    for c in "jk?".chars() {
        app.handle_event(&key(c));
    }
    app.handle_event(&key('?'));
    assert!(app.notes().count() >= 4);
    let cmds = app.handle_event(&key('r'));
    assert_eq!(app.notes().count(), 0, "the UI's lines go at once");
    apply_all(&mut app, &mut engine, cmds);
    let (_, lines) = panel(&mut app);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].starts_with("scenario default"));
    assert_eq!(lines[1], "reset to the start of the scenario");
}

#[test]
fn the_log_is_bounded() {
    let (engine, mut app) = busy();
    for _ in 0..(NOTES_KEPT + 50) {
        app.handle_event(&key('j'));
    }
    assert_eq!(app.notes().count(), NOTES_KEPT);
    let total = ringside::tui::event_log::entries(app.snapshot(), app.view()).len();
    assert!(total <= NOTES_KEPT + ringside::sim::LOG_LINES);
    drop(engine);
}

#[test]
fn p_goes_to_the_step_before_the_current_one_and_the_log_says_where() {
    use ringside::sim::{Engine, Scenario};
    let sc = Scenario::builtin("tour").unwrap();
    let times: Vec<u64> = sc.scripted_times().collect();
    let mut engine = Engine::from_scenario(&sc, None).unwrap();
    let mut app = app_for(&engine, dark());
    for _ in 0..3 {
        let cmds = app.handle_event(&key('n'));
        apply_all(&mut app, &mut engine, cmds);
    }
    assert_eq!(engine.now(), times[2]);
    // Well into step 3 (no grace period): `p` goes to step 2, not back to step 3's start.
    engine.advance(3_000_000_000);
    app.set_snapshot(Arc::new(engine.snapshot()));
    let cmds = app.handle_event(&key('p'));
    apply_all(&mut app, &mut engine, cmds);
    assert_eq!(engine.now(), times[1]);
    let note = app.notes().last().unwrap();
    assert_eq!(
        note.text,
        format!(
            "jumped to {} (step 2/{})",
            ringside::sim::duration::exact_duration(times[1]),
            times.len()
        )
    );
    // The notes of the undone future are gone; the jump's own line stays.
    assert!(app.notes().all(|n| n.at_ns <= times[1]));
}

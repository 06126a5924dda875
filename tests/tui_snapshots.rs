//! Whole-screen snapshots of the dashboard (insta + TestBackend, buffer as text) for the
//! default scenario at fixed virtual times and seed, and for long, similar names (every
//! visible label distinct, every number whole: checked against the snapshot's values).

mod tui_common;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use insta::assert_snapshot;
use ratatui::style::Color;
use ringside::sim::{Engine, Scenario, Snapshot};
use ringside::tui::app::App;
use ringside::tui::theme::{Theme, ThemeKind};
use tui_common::*;

#[test]
fn default_at_6s_80x24() {
    let (engine, _) = engine_at(6_000);
    let mut app = app_for(&engine, dark());
    let t = render(&mut app, 80, 24);
    let screen = text(&t);
    assert!(screen.contains("Ring · 3 servers"));
    assert!(screen.contains("beta"));
    assert_snapshot!(t.backend());
}

#[test]
fn default_at_10s_120x40_after_delta_joined() {
    let (engine, _) = engine_at(10_000);
    let mut app = app_for(&engine, dark());
    let t = render(&mut app, 120, 40);
    let screen = text(&t);
    assert!(screen.contains("Ring · 4 servers"), "{screen}");
    assert!(
        screen.contains("moved "),
        "membership change shown: {screen}"
    );
    assert!(screen.contains("(ideal 25.0%)"), "{screen}");
    assert_snapshot!(t.backend());
}

#[test]
fn tiny_sizes_show_the_too_small_screen() {
    let (engine, _) = engine_at(1_000);
    let mut app = app_for(&engine, dark());
    let t = render(&mut app, 20, 5);
    assert!(text(&t).contains("too small"));
    assert_snapshot!(t.backend());
    // Degenerate sizes render without panicking.
    for (w, h) in [
        (1, 1),
        (0, 0),
        (80, 0),
        (0, 24),
        (79, 24),
        (80, 23),
        (2, 40),
    ] {
        let t = render(&mut app, w, h);
        if w >= 20 && h >= 3 {
            assert!(text(&t).contains("too small"), "{w}x{h}");
        }
    }
}

#[test]
fn help_overlay_is_generated_from_the_keymap() {
    let (engine, _) = engine_at(3_000);
    let mut app = app_for(&engine, dark());
    app.apply_action(ringside::tui::keymap::Action::ToggleHelp, "?");
    let t = render(&mut app, 80, 24);
    let screen = text(&t);
    for (keys, desc) in ringside::tui::keymap::help_rows() {
        assert!(screen.contains(desc), "help lacks {keys}: {desc}\n{screen}");
    }
    assert_snapshot!(t.backend());
}

#[test]
fn no_color_renders_without_any_colour() {
    let (engine, _) = engine_at(6_000);
    let mut app = app_for(&engine, Theme::new(ThemeKind::Dark, true));
    let t = render(&mut app, 120, 40);
    let buf = t.backend().buffer();
    for cell in &buf.content {
        assert_eq!(cell.fg, Color::Reset, "coloured cell {cell:?}");
        assert_eq!(cell.bg, Color::Reset, "coloured cell {cell:?}");
    }
    // Breaker states still read without colour: beta is open, shown with its glyph.
    let screen = text(&t);
    assert!(screen.contains("█OPEN"), "{screen}");
    assert_snapshot!(t.backend());
}

#[test]
fn light_theme_differs_from_dark_only_in_style() {
    let (engine, _) = engine_at(6_000);
    let mut dark_app = app_for(&engine, dark());
    let mut light_app = app_for(&engine, Theme::new(ThemeKind::Light, false));
    let d = render(&mut dark_app, 100, 30);
    let l = render(&mut light_app, 100, 30);
    assert_eq!(text(&d), text(&l));
    assert_ne!(d.backend().buffer(), l.backend().buffer());
}

/// The long-names scenario (8 servers sharing a 20-character prefix, 40 tenants) advanced
/// to `t_ms`, with the server `select` rows down selected.
fn long_names_app(t_ms: u64, select: usize) -> (App, Snapshot) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/long_names.toml");
    let scenario = Scenario::load(path).expect("scenario");
    let mut engine = Engine::from_scenario(&scenario, None).expect("engine");
    engine.advance(t_ms * 1_000_000);
    let mut app = app_for(&engine, dark());
    for _ in 0..select {
        app.handle_key(&KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE));
    }
    (app, engine.snapshot())
}

/// The text of the panel titled `title`: each inside row, between its borders.
fn panel_rows(screen: &str, title: &str) -> Vec<String> {
    let lines: Vec<Vec<char>> = screen.lines().map(|l| l.chars().collect()).collect();
    let needle: Vec<char> = format!("╭ {title}").chars().collect();
    for (y, line) in lines.iter().enumerate() {
        let Some(x0) = (0..line.len()).find(|&x| line[x..].starts_with(&needle)) else {
            continue;
        };
        let x1 = (x0 + 1..line.len())
            .find(|&x| line[x] == '╮')
            .expect("corner");
        return lines[y + 1..]
            .iter()
            .take_while(|l| l[x0] == '│')
            .map(|l| l[x0 + 1..x1].iter().collect())
            .collect();
    }
    panic!("no panel {title}:\n{screen}")
}

/// Whether `label` shows `name`: whole, or as `head…tail` of it.
fn shows(label: &str, name: &str) -> bool {
    match label.split_once('…') {
        Some((head, tail)) => name.starts_with(head) && name.ends_with(tail),
        None => label == name,
    }
}

/// Every visible server and tenant label is distinct and names exactly one server or
/// tenant; every number shown beside it is the snapshot's value, whole.
fn assert_labels_tell_apart(screen: &str, snap: &Snapshot) {
    let mut seen = std::collections::HashSet::new();
    for row in panel_rows(screen, "Ring") {
        let Some((_, rest)) = row.split_once('■') else {
            continue;
        };
        let label = rest.split_whitespace().next().expect("a name");
        assert!(
            seen.insert(label.to_string()),
            "duplicate label {label}:\n{screen}"
        );
        let matches: Vec<_> = snap
            .servers
            .iter()
            .filter(|s| shows(label, &s.name))
            .collect();
        assert_eq!(matches.len(), 1, "{label} names one server:\n{screen}");
        let share = format!("{:.2}%", matches[0].share * 100.0);
        assert!(
            rest.split_whitespace().any(|t| t == share),
            "{label}: share {share} whole in {rest:?}"
        );
    }
    assert!(seen.len() >= 4, "server rows shown:\n{screen}");
    let mut tenants = std::collections::HashSet::new();
    for row in panel_rows(screen, "Buckets") {
        let mut tokens = row.split_whitespace();
        let Some(label) = tokens.next() else { continue };
        if label.starts_with('+') {
            continue;
        }
        assert!(
            tenants.insert(label.to_string()),
            "duplicate tenant {label}:\n{screen}"
        );
        let matches: Vec<_> = snap
            .tenants
            .iter()
            .filter(|t| shows(label, &t.name))
            .collect();
        assert_eq!(matches.len(), 1, "{label} names one tenant:\n{screen}");
        let t = matches[0];
        let count = format!("{:.0}/{}", t.tokens.max(0.0).floor(), t.capacity);
        let denied = format!("✗{}", ringside::tui::render::format::compact(t.denied));
        for want in [count, denied] {
            assert!(
                row.split_whitespace().any(|tok| tok.ends_with(&want)),
                "{label}: {want} whole in {row:?}"
            );
        }
    }
    assert!(tenants.len() >= 5, "tenant rows shown:\n{screen}");
}

#[test]
fn long_similar_names_stay_distinct_at_120x40() {
    let (mut app, snap) = long_names_app(9_000, 2);
    let t = render(&mut app, 120, 40);
    let screen = text(&t);
    assert_labels_tell_apart(&screen, &snap);
    // The selected server's full name is on screen.
    assert!(screen.contains("cache-node-eu-west-003"), "{screen}");
    assert_snapshot!(t.backend());
}

#[test]
fn long_similar_names_stay_distinct_at_160x50() {
    let (mut app, snap) = long_names_app(9_000, 5);
    let t = render(&mut app, 160, 50);
    let screen = text(&t);
    assert_labels_tell_apart(&screen, &snap);
    assert!(screen.contains("cache-node-eu-west-006"), "{screen}");
    assert_snapshot!(t.backend());
}

#[test]
fn labels_stay_distinct_at_every_supported_size() {
    for (w, h) in [(80, 24), (100, 30), (120, 40), (160, 50), (200, 60)] {
        let (mut app, snap) = long_names_app(9_000, 7);
        let screen = text(&render(&mut app, w, h));
        assert_labels_tell_apart(&screen, &snap);
        assert!(
            screen.contains("cache-node-eu-west-008"),
            "{w}x{h}:\n{screen}"
        );
    }
}

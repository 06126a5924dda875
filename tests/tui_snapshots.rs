//! Whole-screen snapshots of the dashboard (insta + TestBackend, buffer as text) for the
//! default scenario at fixed virtual times and seed.

mod tui_common;

use insta::assert_snapshot;
use ratatui::style::Color;
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

//! The ring panel on rendered frames: snapshots at 80×24, 120×40 and 200×60 with 1, 8 and
//! 150 vnodes per server; the circle as tall as the panel and round in the dashboard, the
//! presenter layout and focus mode at every supported size; the legend's shares and
//! balance equal to `ringside ring --balance` for the same ring.

mod tui_common;

use std::process::Command;
use std::sync::Arc;

use insta::assert_snapshot;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ringside::sim::{Command as SimCommand, Engine, Scenario};
use ringside::tui::app::{App, AppOptions};
use ringside::tui::keymap::Action;
use ringside::tui::state::Focus;
use tui_common::*;

/// Sizes every check runs at (80×24 is the minimum).
const SIZES: [(u16, u16); 4] = [(80, 24), (100, 30), (120, 40), (200, 60)];

/// The scenarios by vnodes per server: four servers at 1 and 8 (tests/data), and the
/// default's three at 150.
const SCENARIOS: [(u32, &str); 3] = [
    (1, "tests/data/ring_1_vnodes.toml"),
    (8, "tests/data/ring_8_vnodes.toml"),
    (150, "default"),
];

fn engine(scenario: &str, t_ms: u64) -> Engine {
    let sc = Scenario::load(scenario).expect("scenario");
    let mut engine = Engine::from_scenario(&sc, Some(SEED)).expect("engine");
    engine.advance(t_ms * 1_000_000);
    engine
}

fn app(engine: &Engine) -> App {
    App::new(
        Arc::new(engine.snapshot()),
        dark(),
        AppOptions { mouse: true },
    )
}

/// The ring panel's rectangle, border included: found from its title's corner.
fn ring_panel(buf: &Buffer) -> Rect {
    let sym = |x: u16, y: u16| buf[(x, y)].symbol().to_string();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width.saturating_sub(6) {
            let title: String = (x..x + 6).map(|x| sym(x, y)).collect();
            if title == "╭ Ring" {
                let right = (x + 1..buf.area.width).find(|&r| sym(r, y) == "╮").unwrap();
                let bottom = (y + 1..buf.area.height)
                    .find(|&b| sym(x, b) == "╰")
                    .unwrap();
                return Rect::new(x, y, right - x + 1, bottom - y + 1);
            }
        }
    }
    panic!("no ring panel")
}

/// The ring panel's text, one line per row.
fn panel_text(buf: &Buffer) -> String {
    let r = ring_panel(buf);
    (r.y..r.bottom())
        .map(|y| {
            (r.x..r.right())
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
                + "\n"
        })
        .collect()
}

fn is_braille(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| ('\u{2801}'..='\u{28ff}').contains(&c))
}

#[test]
fn ring_panel_snapshots_at_1_8_and_150_vnodes() {
    for (vnodes, scenario) in SCENARIOS {
        let engine = engine(scenario, 5_000);
        assert_eq!(engine.snapshot().vnodes, vnodes);
        let mut app = app(&engine);
        for (w, h) in [(80, 24), (120, 40), (200, 60)] {
            let t = render(&mut app, w, h);
            let panel = panel_text(t.backend().buffer());
            assert!(
                panel.contains("peak/mean"),
                "balance shown at {w}x{h}:\n{panel}"
            );
            assert_snapshot!(format!("ring_{vnodes}_vnodes_{w}x{h}"), panel);
        }
    }
}

/// Rows and columns holding braille (the circle) inside the panel: (rows, columns).
fn circle_extent(buf: &Buffer, panel: Rect) -> (u16, u16) {
    let cells: Vec<(u16, u16)> = (panel.y + 1..panel.bottom() - 1)
        .flat_map(|y| (panel.x + 1..panel.right() - 1).map(move |x| (x, y)))
        .filter(|&(x, y)| is_braille(buf[(x, y)].symbol()))
        .collect();
    let span = |v: Vec<u16>| v.iter().max().unwrap() - v.iter().min().unwrap() + 1;
    (
        span(cells.iter().map(|c| c.1).collect()),
        span(cells.iter().map(|c| c.0).collect()),
    )
}

/// The circle spans at least 85% of the panel's inner rows and is round: a cell is about
/// twice as tall as wide, so `columns ≈ 2 × rows`. Tolerance: one row and two columns,
/// since the outermost dots of the band may fall in the next cell or not (each edge cell
/// of the canvas holds 2×4 dots, and a circle touching the canvas edge lights an edge cell
/// only where a dot centre falls inside radius 1).
#[test]
fn the_circle_fills_the_panel_height_and_stays_round_in_every_layout() {
    let engine = engine("default", 5_000);
    for (w, h) in SIZES {
        for layout in ["dashboard", "presenter", "focus"] {
            let mut app = app(&engine);
            match layout {
                "presenter" => app.set_present(true),
                "focus" => {
                    app.apply_action(Action::Focus(Focus::Ring), "1");
                }
                _ => {}
            }
            let t = render(&mut app, w, h);
            let buf = t.backend().buffer();
            let panel = ring_panel(buf);
            let inner_rows = panel.height - 2;
            let (rows, cols) = circle_extent(buf, panel);
            let at = format!("{layout} at {w}x{h}: {rows} rows × {cols} columns, panel {panel:?}");
            assert!(
                f64::from(rows) >= 0.85 * f64::from(inner_rows),
                "not tall enough: {at}"
            );
            assert!(
                (i32::from(cols) - 2 * i32::from(rows)).abs() <= 2,
                "not round: {at}"
            );
            if layout == "focus" {
                assert_eq!(panel.width, w, "focus: the ring panel takes the screen");
            }
        }
    }
}

/// `ringside ring --servers … --vnodes V --balance` as (name, share) and the two
/// statistics.
fn cli_balance(servers: &[&str], vnodes: u32) -> (Vec<(String, f64)>, f64, f64) {
    let out = Command::new(env!("CARGO_BIN_EXE_ringside"))
        .args(["ring", "--servers", &servers.join(","), "--vnodes"])
        .arg(vnodes.to_string())
        .arg("--balance")
        .output()
        .expect("run ringside ring");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let mut shares = Vec::new();
    let (mut peak, mut cv) = (f64::NAN, f64::NAN);
    for line in text.lines() {
        let (name, value) = line.split_once('\t').unwrap();
        let value: f64 = value.parse().unwrap();
        match name {
            "peak_to_mean" => peak = value,
            "cv" => cv = value,
            _ => shares.push((name.to_string(), value)),
        }
    }
    (shares, peak, cv)
}

/// The number after `label ` on the panel.
fn number_after(panel: &str, label: &str) -> String {
    let at = panel
        .find(label)
        .unwrap_or_else(|| panic!("{label} in\n{panel}"))
        + label.len();
    panel[at..]
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect()
}

#[test]
fn the_legend_balance_equals_ring_balance_from_the_cli() {
    for (vnodes, scenario) in SCENARIOS {
        let engine = engine(scenario, 5_000);
        let snap = engine.snapshot();
        let names: Vec<&str> = snap.servers.iter().map(|s| s.name.as_str()).collect();
        let (shares, peak, cv) = cli_balance(&names, vnodes);
        let mut app = app(&engine);
        let t = render(&mut app, 120, 40);
        let panel = panel_text(t.backend().buffer());
        assert_eq!(
            number_after(&panel, "peak/mean"),
            format!("{peak:.3}"),
            "{panel}"
        );
        assert_eq!(number_after(&panel, "cv"), format!("{cv:.3}"), "{panel}");
        assert!(
            panel.contains(&format!("{vnodes} vnode")) || panel.contains(&format!("{vnodes}vn ")),
            "vnodes per server shown: {panel}"
        );
        for (name, share) in shares {
            let row = panel
                .lines()
                .find(|l| l.contains(&format!("■{name} ")))
                .unwrap_or_else(|| panic!("{name} row in\n{panel}"));
            let shown = format!("{:.2}%", share * 100.0);
            assert!(
                row.split_whitespace().any(|w| w == shown),
                "{name}: {shown} in {row}"
            );
        }
    }
}

/// After a vnode change the legend's balance follows at once: it equals the CLI's for the
/// new vnode count.
#[test]
fn the_balance_follows_a_vnode_change() {
    let mut engine = engine("default", 3_000);
    let mut app = app(&engine);
    let names: Vec<String> = engine
        .snapshot()
        .servers
        .iter()
        .map(|s| s.name.clone())
        .collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    for vnodes in [1, 8, 500] {
        apply_all(&mut app, &mut engine, vec![SimCommand::SetVnodes(vnodes)]);
        let t = render(&mut app, 120, 40);
        let panel = panel_text(t.backend().buffer());
        let (_, peak, cv) = cli_balance(&names, vnodes);
        assert_eq!(
            number_after(&panel, "peak/mean"),
            format!("{peak:.3}"),
            "{panel}"
        );
        assert_eq!(number_after(&panel, "cv"), format!("{cv:.3}"), "{panel}");
    }
}

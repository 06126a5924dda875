//! Contrast of every glyph of exported SVG frames, measured with the WCAG 2.1 formula on
//! the colours the SVG writes: text (letters, digits, punctuation) at least 4.5:1 against
//! its cell's background (7:1 in the presenter layout), graphics (box drawing, blocks,
//! geometric shapes, braille) at least 3:1. Frames: every theme, a selection on an open
//! breaker's row, faults, open and half-open breakers, many servers with long names.
//! A failure lists the worst glyphs with their panel, position and colours.

use std::collections::HashMap;
use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use palette::Srgb;
use palette::color_difference::Wcag21RelativeContrast;
use ringside::sim::compare::{Pair, Settings};
use ringside::sim::{Engine, Interrupt, Scenario};
use ringside::tui::app::{App, AppOptions};
use ringside::tui::export::{render_buffer, to_svg};
use ringside::tui::theme::{Theme, ThemeKind};
use unicode_width::UnicodeWidthChar;

const S: u64 = 1_000_000_000;
/// Cell size the SVG export uses (pixels).
const CELL_W: f64 = 8.4;
const CELL_H: f64 = 17.0;

/// One frame to measure.
struct Frame {
    scenario: &'static str,
    at_ns: u64,
    size: (u16, u16),
    theme: ThemeKind,
    present: bool,
    /// Servers to move the selection down by (`j`), to select a row with an open breaker.
    select_down: usize,
    /// A key traced on the ring (with the selected server's replica arcs shown).
    trace: Option<&'static str>,
    /// The comparison's side B settings (`--compare`).
    compare: Option<&'static str>,
}

impl Frame {
    fn label(&self) -> String {
        let name = std::path::Path::new(self.scenario)
            .file_name()
            .map_or(self.scenario.into(), |n| n.to_string_lossy());
        format!(
            "{} at {}s {}x{} {:?}{}",
            name,
            self.at_ns / S,
            self.size.0,
            self.size.1,
            self.theme,
            if self.present { " presenter" } else { "" }
        ) + &self
            .compare
            .map_or(String::new(), |b| format!(" compare {b}"))
    }

    fn svg(&self) -> String {
        let scenario = Scenario::load(self.scenario).expect("scenario");
        let snapshot = match self.compare {
            Some(b) => {
                let b = Settings::parse(b).expect("settings");
                let mut pair = Pair::new(
                    &scenario,
                    &Settings::default(),
                    &b,
                    None,
                    Interrupt::default(),
                )
                .expect("pair");
                pair.advance(self.at_ns);
                pair.snapshot()
            }
            None => {
                let mut engine = Engine::from_scenario(&scenario, None).expect("engine");
                engine.advance(self.at_ns);
                engine.snapshot()
            }
        };
        let mut app = App::new(
            Arc::new(snapshot),
            Theme::new(self.theme, false),
            AppOptions { mouse: false },
        );
        app.set_present(self.present);
        app.set_traced(self.trace.map(String::from));
        app.set_replica_arcs(self.trace.is_some());
        for _ in 0..self.select_down {
            app.handle_key(&KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE));
        }
        let buffer = render_buffer(
            app.snapshot(),
            app.view(),
            &app.theme,
            self.size.0,
            self.size.1,
        );
        to_svg(&buffer)
    }
}

/// What a glyph is, for its threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Graphics,
}

/// Box drawing, block elements, geometric shapes and braille are graphics; the rest is text.
fn kind(c: char) -> Kind {
    match c as u32 {
        0x2500..=0x25FF | 0x2800..=0x28FF => Kind::Graphics,
        _ => Kind::Text,
    }
}

/// A glyph found below its threshold.
#[derive(Debug, Clone)]
struct Offence {
    frame: String,
    panel: String,
    row: usize,
    col: usize,
    glyph: char,
    fg: String,
    bg: String,
    ratio: f64,
    need: f64,
}

fn parse_colour(hex: &str) -> Srgb<f64> {
    let hex = hex.trim_start_matches('#');
    let v = u32::from_str_radix(hex, 16).unwrap_or_else(|_| panic!("colour #{hex}"));
    let [_, r, g, b] = v.to_be_bytes();
    Srgb::new(r, g, b).into_format()
}

/// WCAG 2.1 contrast ratio of two CSS colours.
fn contrast(fg: &str, bg: &str) -> f64 {
    parse_colour(fg).relative_contrast(parse_colour(bg))
}

fn attr(node: roxmltree::Node, name: &str) -> f64 {
    node.attribute(name)
        .unwrap_or_else(|| panic!("{name} on {node:?}"))
        .parse()
        .expect("a number")
}

/// The cells of a frame: each cell's glyph and foreground, and each cell's background (the
/// last rectangle covering it, the page first).
struct Grid {
    glyphs: HashMap<(usize, usize), (char, String)>,
    backgrounds: Vec<Vec<String>>,
}

impl Grid {
    fn parse(svg: &str) -> Grid {
        let doc = roxmltree::Document::parse(svg).expect("the export is valid XML");
        let root = doc.root_element();
        let cols = (attr(root, "width") / CELL_W).round() as usize;
        let rows = (attr(root, "height") / CELL_H).round() as usize;
        let mut backgrounds = vec![vec![String::new(); cols]; rows];
        let mut glyphs = HashMap::new();
        for node in root.children().filter(|n| n.is_element()) {
            let fill = node.attribute("fill").expect("fill").to_string();
            match node.tag_name().name() {
                "rect" if node.attribute("x").is_none() => {
                    for row in &mut backgrounds {
                        row.fill(fill.clone());
                    }
                }
                "rect" => {
                    let row = (attr(node, "y") / CELL_H).round() as usize;
                    let x0 = (attr(node, "x") / CELL_W).round() as usize;
                    let n = (attr(node, "width") / CELL_W).round() as usize;
                    for cell in &mut backgrounds[row][x0..x0 + n] {
                        cell.clone_from(&fill);
                    }
                }
                "text" => {
                    let row = (attr(node, "y") / CELL_H).floor() as usize;
                    let mut col = (attr(node, "x") / CELL_W).round() as usize;
                    for c in node.text().unwrap_or("").chars() {
                        if !c.is_whitespace() {
                            glyphs.insert((row, col), (c, fill.clone()));
                        }
                        col += c.width().unwrap_or(1).max(1);
                    }
                }
                other => panic!("unexpected element {other}"),
            }
        }
        Grid {
            glyphs,
            backgrounds,
        }
    }

    fn char_at(&self, row: usize, col: usize) -> char {
        self.glyphs.get(&(row, col)).map_or(' ', |g| g.0)
    }

    /// Title of the panel around `(row, col)`: the nearest top border above it that spans
    /// its column (`╭ Title ──╮`), or the row's own text for the caption and status lines.
    fn panel(&self, row: usize, col: usize) -> String {
        for r in (0..=row).rev() {
            let corner = (0..=col)
                .rev()
                .find(|&c| matches!(self.char_at(r, c), '╭' | '┏'));
            let Some(left) = corner else { continue };
            let width = self.backgrounds[r].len();
            let closes = (col..width).any(|c| matches!(self.char_at(r, c), '╮' | '┓'));
            if closes {
                let title: String = (left + 1..width)
                    .map(|c| self.char_at(r, c))
                    .skip_while(|c| matches!(c, ' ' | '─' | '━'))
                    .take_while(|c| !matches!(c, '─' | '━' | '╮' | '┓'))
                    .collect();
                return title.trim().to_string();
            }
        }
        format!("row {row}")
    }

    fn offences(&self, frame: &str, text_need: f64) -> Vec<Offence> {
        let mut out = Vec::new();
        for (&(row, col), (glyph, fg)) in &self.glyphs {
            let bg = &self.backgrounds[row][col];
            let need = match kind(*glyph) {
                Kind::Text => text_need,
                Kind::Graphics => 3.0,
            };
            let ratio = contrast(fg, bg);
            if ratio + 1e-9 < need {
                out.push(Offence {
                    frame: frame.to_string(),
                    panel: self.panel(row, col),
                    row,
                    col,
                    glyph: *glyph,
                    fg: fg.clone(),
                    bg: bg.clone(),
                    ratio,
                    need,
                });
            }
        }
        out
    }
}

/// A report of the offences: a count per frame and panel, then the worst glyphs.
fn report(mut offences: Vec<Offence>) -> String {
    let mut per_panel: HashMap<(String, String), usize> = HashMap::new();
    for o in &offences {
        *per_panel
            .entry((o.frame.clone(), o.panel.clone()))
            .or_default() += 1;
    }
    let mut panels: Vec<_> = per_panel.into_iter().collect();
    panels.sort();
    let mut out = format!("{} glyphs below contrast\n", offences.len());
    for ((frame, panel), n) in panels {
        out.push_str(&format!("  {frame} · {panel}: {n}\n"));
    }
    offences.sort_by(|a, b| (a.ratio / a.need).total_cmp(&(b.ratio / b.need)));
    out.push_str("worst:\n");
    for o in offences.iter().take(40) {
        out.push_str(&format!(
            "  {:.2}:1 < {}:1 {:?} {} on {} at row {} col {} ({} · {})\n",
            o.ratio, o.need, o.glyph, o.fg, o.bg, o.row, o.col, o.frame, o.panel
        ));
    }
    out
}

fn frames() -> Vec<Frame> {
    let long = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/long_names.toml");
    let f = |scenario, at_s: u64, size, theme, present, select_down| Frame {
        scenario,
        at_ns: at_s * S,
        size,
        theme,
        present,
        select_down,
        trace: None,
        compare: None,
    };
    use ThemeKind::{Dark, Light, Mono};
    vec![
        // beta (row 2) is down and its breaker open: select it.
        f("default", 6, (120, 40), Dark, false, 1),
        f("default", 6, (120, 40), Light, false, 1),
        f("default", 6, (80, 24), Mono, false, 1),
        f("tour", 20, (100, 30), Dark, true, 1),
        f("tour", 20, (100, 30), Light, true, 1),
        f("breaker-story", 12, (160, 50), Dark, false, 1),
        f("breaker-story", 12, (160, 50), Light, false, 0),
        f(long, 9, (160, 50), Dark, false, 2),
        f(long, 9, (120, 40), Light, false, 5),
        f(long, 9, (200, 60), Dark, true, 2),
        // A key whose owner (beta) is down traced: the marker, the path and the text.
        Frame {
            trace: Some("user:4"),
            ..f("default", 12, (120, 40), Dark, false, 1)
        },
        Frame {
            trace: Some("user:4"),
            ..f("default", 12, (120, 40), Light, false, 0)
        },
        Frame {
            trace: Some("user:4"),
            ..f("default", 12, (200, 60), Dark, true, 0)
        },
        // The comparison: both sides' panels and the scoreboard.
        Frame {
            compare: Some("vnodes=8"),
            ..f("default", 12, (200, 60), Dark, false, 1)
        },
        // A side without a ring: the key-share bars in the servers' colours.
        Frame {
            compare: Some("ring=maglev"),
            ..f("compare-hashing", 18, (200, 60), Dark, false, 0)
        },
        Frame {
            compare: Some("ring=jump"),
            ..f("compare-hashing", 18, (120, 40), Light, false, 0)
        },
        Frame {
            compare: Some("capacity=50"),
            ..f("default", 12, (120, 40), Light, false, 0)
        },
    ]
}

#[test]
fn every_glyph_of_every_theme_is_readable() {
    let mut offences = Vec::new();
    for frame in frames() {
        let grid = Grid::parse(&frame.svg());
        assert!(
            grid.glyphs.len() > 500,
            "{}: the frame has content",
            frame.label()
        );
        let text_need = if frame.present { 7.0 } else { 4.5 };
        offences.extend(grid.offences(&frame.label(), text_need));
    }
    assert!(offences.is_empty(), "{}", report(offences));
}

#[test]
fn the_measure_fails_on_unreadable_glyphs() {
    // The old presenter step counter: light yellow on yellow, and cyan on cyan.
    let svg = concat!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="84" height="34">"##,
        r##"<rect width="100%" height="100%" fill="#1c1c1c"/>"##,
        r##"<rect x="0.0" y="0.0" width="84.0" height="17.0" fill="#e5e510"/>"##,
        r##"<text x="0.0" y="13.3" fill="#f5f543">step 4/9</text>"##,
        r##"<text x="0.0" y="30.3" fill="#ffffff">ok ─ ▶</text>"##,
        r##"<text x="67.2" y="30.3" fill="#333333">█</text>"##,
        "</svg>"
    );
    let grid = Grid::parse(svg);
    let offences = grid.offences("sample", 4.5);
    let bad: Vec<char> = {
        let mut v: Vec<_> = offences.iter().map(|o| o.glyph).collect();
        v.sort();
        v
    };
    assert_eq!(
        bad,
        ['/', '4', '9', 'e', 'p', 's', 't', '█'],
        "{}",
        report(offences)
    );
    assert!((contrast("#ffffff", "#000000") - 21.0).abs() < 1e-9);
    assert!((contrast("#767676", "#ffffff") - 4.54).abs() < 0.01);
    assert_eq!(kind('⣿'), Kind::Graphics);
    assert_eq!(kind('▶'), Kind::Graphics);
    assert_eq!(kind('7'), Kind::Text);
}

//! `ringside frame`: text is exactly the TestBackend rendering at that time and size; SVG
//! is well-formed XML (parsed by roxmltree) drawing the same rows; HTML carries colours;
//! bad arguments are explained.

mod support;

use std::process::Command;
use std::sync::Arc;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ringside::sim::{Engine, Scenario};
use ringside::tui::app::{App, AppOptions};
use ringside::tui::theme::{Theme, ThemeKind};
use support::process::output;

fn ringside(args: &[&str]) -> (i32, String, String) {
    let out = output(
        Command::new(env!("CARGO_BIN_EXE_ringside"))
            .args(args)
            .env_remove("NO_COLOR"),
    );
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("utf-8 stdout"),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The dashboard drawn in-process into a TestBackend, dumped cell by cell.
fn rendered(scenario: &str, at_ns: u64, w: u16, h: u16, present: bool) -> String {
    let sc = Scenario::load(scenario).unwrap();
    let mut e = Engine::from_scenario(&sc, None).unwrap();
    e.advance(at_ns);
    let mut app = App::new(
        Arc::new(e.snapshot()),
        Theme::new(ThemeKind::Dark, false),
        AppOptions { mouse: false },
    );
    app.set_present(present);
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| app.render(f)).unwrap();
    let buf = t.backend().buffer();
    let mut out = String::new();
    for y in 0..h {
        for x in 0..w {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

#[test]
fn text_frame_is_the_test_backend_rendering() {
    let (code, out, err) = ringside(&[
        "frame",
        "--scenario",
        "tour",
        "--at",
        "12s",
        "--size",
        "120x40",
        "--format",
        "text",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, rendered("tour", 12_000_000_000, 120, 40, false));
    assert!(
        out.contains("epsilon joins"),
        "the caption of the 12 s event: {out}"
    );
    let (code, out, _) = ringside(&[
        "frame",
        "--scenario",
        "tour",
        "--at",
        "20s",
        "--size",
        "100x30",
        "--present",
    ]);
    assert_eq!(code, 0);
    assert_eq!(out, rendered("tour", 20_000_000_000, 100, 30, true));
}

#[test]
fn seed_changes_the_frame() {
    let base = [
        "frame",
        "--scenario",
        "default",
        "--at",
        "5s",
        "--size",
        "100x30",
    ];
    let (_, a, _) = ringside(&base);
    let (_, b, _) = ringside(&[&base[..], &["--seed", "9"]].concat());
    assert_ne!(a, b);
}

#[test]
fn svg_frame_is_well_formed_xml_with_colours() {
    let (cols, rows) = (100, 30);
    let (code, out, err) = ringside(&[
        "frame",
        "--scenario",
        "breaker-story",
        "--at",
        "7s",
        "--size",
        "100x30",
        "--format",
        "svg",
    ]);
    assert_eq!(code, 0, "{err}");
    let doc = roxmltree::Document::parse(&out)
        .unwrap_or_else(|e| panic!("not well-formed XML: {e}\n{out}"));
    let svg = doc.root_element();
    assert!(
        svg.has_tag_name(("http://www.w3.org/2000/svg", "svg")),
        "root {:?}",
        svg.tag_name()
    );
    // One cell is CELL_W × CELL_H pixels; text baselines sit BASELINE below a row's top.
    const CELL_W: f64 = 8.4;
    const CELL_H: f64 = 17.0;
    const BASELINE: f64 = 13.3;
    let number = |node: roxmltree::Node, name: &str| -> f64 {
        let value = node
            .attribute(name)
            .unwrap_or_else(|| panic!("<{}> without {name}", node.tag_name().name()));
        value
            .parse()
            .unwrap_or_else(|e| panic!("{name}={value:?}: {e}"))
    };
    assert_eq!(number(svg, "width"), f64::from(cols) * CELL_W);
    assert_eq!(number(svg, "height"), f64::from(rows) * CELL_H);

    // Only rectangles (backgrounds, with a fill) and text runs; each run on a row's baseline.
    let mut drawn = vec![Vec::new(); usize::from(rows)];
    for node in svg.children().filter(roxmltree::Node::is_element) {
        match node.tag_name().name() {
            "rect" => assert!(node.attribute("fill").is_some_and(|f| f.starts_with('#'))),
            "text" => {
                let y = number(node, "y");
                let row = ((y - BASELINE) / CELL_H).round();
                assert!((y - (row * CELL_H + BASELINE)).abs() < 1e-6, "y={y}");
                assert!(node.attribute("fill").is_some_and(|f| f.starts_with('#')));
                let run = node.text().unwrap_or_default().to_string();
                drawn[row as usize].push((number(node, "x"), run));
            }
            other => panic!("unexpected <{other}>"),
        }
    }
    // Row by row, the runs read (spaces aside) as the TestBackend rendering of that frame.
    let expected = rendered("breaker-story", 7_000_000_000, cols, rows, false);
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    for (row, (runs, line)) in drawn.iter_mut().zip(expected.lines()).enumerate() {
        runs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let text: String = runs.iter().map(|r| r.1.as_str()).collect();
        assert_eq!(squeeze(&text), squeeze(line), "row {row}");
    }
    assert!(expected.contains("OPEN"), "beta's open breaker is drawn");
}

#[test]
fn html_frame_has_coloured_spans() {
    let (code, out, _) = ringside(&[
        "frame",
        "--scenario",
        "tour",
        "--at",
        "3s",
        "--format",
        "html",
    ]);
    assert_eq!(code, 0);
    assert!(out.starts_with("<!DOCTYPE html>"));
    assert!(out.contains("<span style=\"color:#"));
}

#[test]
fn bad_frame_arguments_are_explained() {
    let (code, _, err) = ringside(&["frame", "--at", "3s", "--size", "12by4"]);
    assert_ne!(code, 0);
    assert!(err.contains("COLUMNSxROWS"), "{err}");
    let (code, _, err) = ringside(&["frame", "--at", "soon"]);
    assert_ne!(code, 0);
    assert!(err.contains("duration"), "{err}");
    let (code, _, err) = ringside(&["frame", "--at", "1s", "--scenario", "nope"]);
    assert_ne!(code, 0);
    assert!(err.contains("unknown scenario"), "{err}");
    // Below the dashboard's minimum there is no frame to render: an error that says why
    // (the live dashboard shows its "too small" screen instead).
    for size in ["30x8", "40x10", "79x24", "80x23"] {
        let (code, out, err) = ringside(&["frame", "--at", "1s", "--size", size]);
        assert_ne!(code, 0, "{size}");
        assert!(out.is_empty(), "{size}: {out}");
        assert!(
            err.contains("below the dashboard's minimum of 80x24"),
            "{err}"
        );
    }
    let (code, _, err) = ringside(&["frame", "--at", "1s", "--size", "80x24"]);
    assert_eq!(code, 0, "{err}");
}

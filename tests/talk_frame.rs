//! `ringside frame`: text is exactly the TestBackend rendering at that time and size; SVG
//! is well-formed XML; HTML carries colours; bad arguments are explained.

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
    if let Err(e) = check_xml(&out) {
        panic!("not well-formed XML: {e}");
    }
    assert!(out.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(out.contains("fill=\"#"), "colours included");
    assert!(out.contains("OPEN"), "beta's open breaker is drawn");
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
    // Too small for the dashboard: the "too small" screen, not a panic.
    let (code, out, _) = ringside(&["frame", "--at", "1s", "--size", "30x8"]);
    assert_eq!(code, 0);
    assert!(out.contains("too small"));
}

/// A small XML well-formedness check: one root element, properly nested and closed tags,
/// quoted attributes without `<`, no duplicate attributes, and only the five predefined
/// entities or numeric character references.
fn check_xml(doc: &str) -> Result<(), String> {
    let s = doc.trim_end();
    let mut stack: Vec<&str> = Vec::new();
    let mut roots = 0;
    let mut i = 0;
    let b = s.as_bytes();
    while i < b.len() {
        if b[i] == b'<' {
            let end = s[i..].find('>').ok_or("unclosed tag")? + i;
            let tag = &s[i + 1..end];
            if let Some(name) = tag.strip_prefix('/') {
                let open = stack.pop().ok_or(format!("stray </{name}>"))?;
                if open != name.trim() {
                    return Err(format!("<{open}> closed by </{name}>"));
                }
            } else {
                let self_closing = tag.ends_with('/');
                let body = tag.trim_end_matches('/');
                let name = body.split_whitespace().next().ok_or("empty tag")?;
                check_attributes(&body[name.len()..])?;
                if stack.is_empty() {
                    roots += 1;
                }
                if !self_closing {
                    stack.push(name);
                }
            }
            i = end + 1;
        } else {
            let next = s[i..].find('<').map_or(b.len(), |n| n + i);
            if stack.is_empty() && !s[i..next].trim().is_empty() {
                return Err("text outside the root element".into());
            }
            check_text(&s[i..next])?;
            i = next;
        }
    }
    if !stack.is_empty() {
        return Err(format!("unclosed elements: {stack:?}"));
    }
    if roots != 1 {
        return Err(format!("{roots} root elements"));
    }
    Ok(())
}

fn check_attributes(mut rest: &str) -> Result<(), String> {
    let mut seen = Vec::new();
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return Ok(());
        }
        let eq = rest
            .find('=')
            .ok_or(format!("attribute without value: {rest}"))?;
        let name = rest[..eq].trim();
        if name.is_empty() || name.contains(char::is_whitespace) {
            return Err(format!("bad attribute name in {rest}"));
        }
        if seen.contains(&name) {
            return Err(format!("duplicate attribute {name}"));
        }
        seen.push(name);
        let after = &rest[eq + 1..];
        let quote = after.chars().next().ok_or("missing attribute value")?;
        if quote != '"' && quote != '\'' {
            return Err(format!("unquoted attribute {name}"));
        }
        let close = after[1..].find(quote).ok_or("unterminated attribute")? + 1;
        let value = &after[1..close];
        if value.contains('<') {
            return Err(format!("'<' in attribute {name}"));
        }
        check_text(value)?;
        rest = &after[close + 1..];
    }
}

fn check_text(text: &str) -> Result<(), String> {
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        let semi = rest[amp..].find(';').ok_or("bare '&'")? + amp;
        let entity = &rest[amp + 1..semi];
        let ok = matches!(entity, "amp" | "lt" | "gt" | "quot" | "apos")
            || entity
                .strip_prefix("#x")
                .is_some_and(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit()))
            || entity
                .strip_prefix('#')
                .is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()));
        if !ok {
            return Err(format!("unknown entity &{entity};"));
        }
        rest = &rest[semi + 1..];
    }
    if text
        .chars()
        .any(|c| (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r'))
    {
        return Err("control character".into());
    }
    Ok(())
}

#[test]
fn the_xml_checker_rejects_broken_documents() {
    assert!(check_xml("<a x=\"1\"><b/></a>").is_ok());
    for bad in [
        "<a><b></a></b>",
        "<a>",
        "<a x=1/>",
        "<a/><b/>",
        "<a>&nbsp;</a>",
        "<a>x & y</a>",
        "<a x=\"1\" x=\"2\"/>",
    ] {
        assert!(check_xml(bad).is_err(), "{bad}");
    }
}

//! The Breakers and Traffic panels on rendered frames, against oracles from the snapshot:
//! no count cut at any supported size, half-open on screen when it happened, history blank
//! before a server joined and kept (dimmed) after it left, open breakers never hidden, and
//! both panels' tick labels at their plots' edges.

mod tui_common;

use std::sync::Arc;

use ringside::sim::{BreakerState, Command, Engine, Fault, Scenario, Snapshot};
use ringside::tui::app::{App, AppOptions};
use ringside::tui::render::breaker_timeline::progress_text;
use ringside::tui::render::format::compact;
use ringside::tui::render::time_axis::{TimeAxis, WINDOW_NS};
use ringside::tui::render::traffic::{CHART_SECONDS, Figure, complete_seconds};
use tui_common::{SEED, dark, render};

const S: u64 = 1_000_000_000;
const SIZES: [(u16, u16); 3] = [(80, 24), (120, 40), (200, 60)];

fn engine(scenario: &str, t_ns: u64) -> Engine {
    let sc = Scenario::load(scenario).expect("scenario");
    let mut e = Engine::from_scenario(&sc, Some(SEED)).expect("engine");
    e.advance(t_ns);
    e
}

/// The screen as a grid of cells.
fn grid(snap: &Snapshot, w: u16, h: u16) -> Vec<Vec<String>> {
    let mut app = App::new(Arc::new(snap.clone()), dark(), AppOptions { mouse: false });
    let t = render(&mut app, w, h);
    let buf = t.backend().buffer();
    (0..h)
        .map(|y| (0..w).map(|x| buf[(x, y)].symbol().to_string()).collect())
        .collect()
}

/// The inner lines of the panel whose title starts with `title`, with the screen column of
/// their first cell.
fn panel(g: &[Vec<String>], title: &str) -> (u16, Vec<String>) {
    let needle: Vec<String> = format!("╭ {title}").chars().map(String::from).collect();
    for (y, row) in g.iter().enumerate() {
        if let Some(x) = row
            .windows(needle.len())
            .position(|w| w == needle.as_slice())
        {
            let right = (x + 1..row.len())
                .find(|&i| row[i] == "╮")
                .expect("right edge");
            let lines = g[y + 1..]
                .iter()
                .take_while(|r| r[x] != "╰")
                .map(|r| r[x + 1..right].concat())
                .collect();
            return (x as u16 + 1, lines);
        }
    }
    panic!("no panel {title}");
}

/// Whether a rendered label (`cach…001` or a whole name) stands for `name`.
fn label_is(label: &str, name: &str) -> bool {
    match label.split_once('…') {
        Some((head, tail)) => name.starts_with(head) && name.ends_with(tail),
        None => label == name,
    }
}

/// Every count and progress figure on every Breakers row is the snapshot's value, whole.
fn check_breakers(snap: &Snapshot, lines: &[String], ctx: &str) {
    let rows = snap.servers.len()
        + snap
            .departed
            .iter()
            .filter(|d| d.removed_at_ns > snap.now_ns.saturating_sub(WINDOW_NS))
            .count();
    let mut shown = 0;
    for line in &lines[1..] {
        let tokens: Vec<&str> = line.split_whitespace().collect();
        let Some(&first) = tokens.first() else {
            continue;
        };
        if let Some(n) = first.strip_prefix('+') {
            let n: usize = n.parse().expect("+N");
            assert_eq!(n, rows - shown, "{ctx}: {line}");
            assert!(tokens[1] == "more", "{ctx}: {line}");
            continue;
        }
        shown += 1;
        if let Some(s) = snap.servers.iter().find(|s| label_is(first, &s.name)) {
            let c = s.counters;
            for t in &tokens[1..] {
                for (mark, value) in [('✓', c.successes), ('✗', c.failures), ('⊘', c.rejected)]
                {
                    if let Some(v) = t.strip_prefix(mark) {
                        assert_eq!(v, compact(value), "{ctx}: {mark} of {}: {line}", s.name);
                    }
                }
            }
            let long = progress_text(&s.progress, s.breaker, snap.now_ns, false);
            let short = progress_text(&s.progress, s.breaker, snap.now_ns, true);
            let words = ["failures", "fail", "successes", "ok", "probe", "forced"];
            if tokens.iter().any(|t| words.contains(t)) {
                assert!(
                    line.contains(&long) || line.contains(&short),
                    "{ctx}: {long} / {short}: {line}"
                );
            }
        } else {
            let d = snap
                .departed
                .iter()
                .find(|d| label_is(first, &d.name))
                .unwrap_or_else(|| panic!("{ctx}: unknown row {line}"));
            assert!(
                line.contains("removed"),
                "{ctx}: {} not marked: {line}",
                d.name
            );
        }
    }
}

/// Every Traffic header item is one of the last complete second's figures, whole.
fn check_traffic(snap: &Snapshot, lines: &[String], ctx: &str) {
    let samples = complete_seconds(&snap.series, snap.now_ns, CHART_SECONDS);
    let last = samples.last().copied().unwrap_or_default();
    let expected: Vec<String> = Figure::ALL.iter().map(|f| f.text(&last)).collect();
    let header = if lines.len() >= 6 { 2 } else { 1 };
    for line in &lines[..header] {
        for item in line.split("  ").map(str::trim).filter(|i| !i.is_empty()) {
            assert!(
                expected.iter().any(|e| e == item),
                "{ctx}: {item:?} is not one of {expected:?}"
            );
        }
    }
    let ticks = lines.last().unwrap();
    for label in ticks.split_whitespace() {
        assert!(
            ["-30s", "-20s", "-10s", "now"].contains(&label),
            "{ctx}: tick {label:?}"
        );
    }
}

#[test]
fn no_breaker_or_traffic_number_is_cut() {
    for scenario in ["default", "breaker-story", "retry-storm", "failover"] {
        for t in [6 * S, 14 * S, 41 * S] {
            let snap = engine(scenario, t).snapshot();
            for (w, h) in SIZES {
                let g = grid(&snap, w, h);
                let ctx = format!("{scenario} at {t}ns, {w}x{h}");
                check_breakers(&snap, &panel(&g, "Breakers").1, &ctx);
                check_traffic(&snap, &panel(&g, "Traffic").1, &ctx);
            }
        }
    }
}

#[test]
fn breaker_story_shows_half_open_when_it_happens() {
    let snap = engine("breaker-story", 30 * S).snapshot();
    let (name, at) = snap
        .servers
        .iter()
        .flat_map(|s| s.transitions.iter().map(move |t| (s, t)))
        .find(|(_, t)| t.to == BreakerState::HalfOpen)
        .map(|(s, t)| (s.name.clone(), t.at_ns))
        .expect("a half-open in breaker-story");
    for after in [100_000_000, 2 * S, 10 * S] {
        let snap = engine("breaker-story", at + after).snapshot();
        for (w, h) in SIZES {
            let g = grid(&snap, w, h);
            let (_, lines) = panel(&g, "Breakers");
            let row = lines
                .iter()
                .find(|l| {
                    l.split_whitespace()
                        .next()
                        .is_some_and(|f| label_is(f, &name))
                })
                .unwrap_or_else(|| panic!("{name} row at {w}x{h}: {lines:#?}"));
            assert!(row.contains('▒'), "{w}x{h} at +{after}ns: {row}");
        }
    }
}

/// The plot's screen columns in a panel: from the `-30s` tick to the end of `now`.
fn plot_columns(tick_line: &str) -> (usize, usize) {
    let cells: Vec<char> = tick_line.chars().collect();
    let s: String = cells.iter().collect();
    let start = s
        .find("-30s")
        .map(|b| s[..b].chars().count())
        .expect("-30s");
    let end = s
        .find("now")
        .map(|b| s[..b].chars().count() + 3)
        .expect("now");
    (start, end)
}

#[test]
fn history_starts_at_join_and_removed_servers_stay_dimmed() {
    let mut e = engine("default", 20 * S);
    e.apply(Command::AddServer {
        name: Some("omega".into()),
    })
    .unwrap();
    e.advance(2 * S);
    e.apply(Command::RemoveServer("beta".into())).unwrap();
    e.advance(3 * S);
    let snap = e.snapshot();
    let (w, h) = (120, 40);
    let g = grid(&snap, w, h);
    let (_, lines) = panel(&g, "Breakers");
    let (start, end) = plot_columns(&lines[0]);
    let axis = TimeAxis::new(snap.now_ns, end - start);
    let history = |name: &str| -> Vec<char> {
        let row = lines
            .iter()
            .find(|l| l.starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("no row {name}: {lines:#?}"));
        row.chars().skip(start).take(end - start).collect()
    };
    for (name, from, to) in [
        ("omega", 20 * S, u64::MAX),
        ("beta", 0, 22 * S),
        ("alpha", 0, u64::MAX),
    ] {
        let cells = history(name);
        for (c, ch) in cells.iter().enumerate() {
            let (lo, hi) = axis.span(c);
            let on = hi > i128::from(from) && lo < i128::from(to);
            assert_eq!(*ch != ' ', on, "{name} column {c} [{lo},{hi}): {cells:?}");
        }
    }
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("beta ") && l.contains("removed"))
    );
    // Once its history has left the window, the removed server's row goes.
    e.advance(WINDOW_NS);
    let snap = e.snapshot();
    let (_, lines) = panel(&grid(&snap, w, h), "Breakers");
    assert!(!lines.iter().any(|l| l.starts_with("beta ")), "{lines:#?}");
}

#[test]
fn an_open_breaker_below_the_fold_is_shown_or_counted() {
    let mut e = engine("default", S);
    for i in 0..12 {
        e.apply(Command::AddServer {
            name: Some(format!("zz-node-{i:02}")),
        })
        .unwrap();
    }
    e.apply(Command::InjectFault {
        server: "zz-node-11".into(),
        fault: Fault::Down,
    })
    .unwrap();
    e.advance(3 * S);
    let snap = e.snapshot();
    assert!(
        snap.servers
            .iter()
            .any(|s| s.name == "zz-node-11" && s.breaker == BreakerState::Open)
    );
    let (_, lines) = panel(&grid(&snap, 80, 24), "Breakers");
    assert!(
        lines.iter().any(|l| l
            .split_whitespace()
            .next()
            .is_some_and(|f| label_is(f, "zz-node-11"))),
        "{lines:#?}"
    );
    assert!(
        lines.iter().any(|l| l.trim_start().starts_with('+')),
        "{lines:#?}"
    );
    check_breakers(&snap, &lines, "15 servers at 80x24");
}

#[test]
fn both_panels_put_their_ticks_at_the_plot_edges() {
    let snap = engine("breaker-story", 41 * S).snapshot();
    for (w, h) in SIZES {
        let g = grid(&snap, w, h);
        let (_, breakers) = panel(&g, "Breakers");
        let (start, end) = plot_columns(&breakers[0]);
        // Every live server joined at 0 and now is 41 s: the whole window has history.
        for row in &breakers[1..] {
            if row.trim_start().starts_with('+') || row.trim().is_empty() {
                continue;
            }
            let cells: Vec<char> = row.chars().collect();
            assert_ne!(cells[start], ' ', "{w}x{h}: {row}");
            assert_eq!(cells[start - 1], ' ', "{w}x{h}: {row}");
            assert_ne!(cells[end - 1], ' ', "{w}x{h}: {row}");
        }
        let (_, traffic) = panel(&g, "Traffic");
        let (tstart, _) = plot_columns(traffic.last().unwrap());
        let axis_line: Vec<char> = traffic[traffic.len() - 2].chars().collect();
        assert_eq!(axis_line[tstart - 1], '│', "{w}x{h}: {traffic:#?}");
    }
}

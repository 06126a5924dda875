//! What moved, shown: after a membership change the ring marks the arcs that changed owner
//! (the outer half of the band in the old owner's colour, the inner half in the new owner's) and the legend
//! keeps the change (what happened, moved X% (ideal Y%), per server +gained −lost) until
//! the next change. Snapshots of the ring panel right after an add and a remove at
//! 80×24, 120×40 and 200×60; the marks checked against the old and new ring points.

mod tui_common;

use insta::assert_snapshot;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ringside::sim::{Command, Engine, RingPoint, Scenario, Snapshot};
use ringside::tui::render::ring_moved::{MOVED_ARCS_NS, moved_marks, palette_index};
use tui_common::*;

const S: u64 = 1_000_000_000;

/// ring-story: delta joins at 6 s, epsilon at 12 s, alpha weight 2 at 18 s, beta leaves at 24 s.
fn story_at(t_ms: u64) -> Engine {
    let scenario = Scenario::load("ring-story").expect("ring-story scenario");
    let mut engine = Engine::from_scenario(&scenario, Some(SEED)).expect("engine");
    engine.advance(t_ms * 1_000_000);
    engine
}

/// The rows of the panel titled `title` (its border included), as text.
fn panel(t: &Terminal<TestBackend>, title: &str) -> String {
    let screen = text(t);
    let rows: Vec<Vec<char>> = screen.lines().map(|l| l.chars().collect()).collect();
    let (top, left) = rows
        .iter()
        .enumerate()
        .find_map(|(y, r)| {
            let s: String = r.iter().collect();
            s.find(&format!("╭ {title}"))
                .map(|b| (y, s[..b].chars().count()))
        })
        .unwrap_or_else(|| panic!("no {title} panel:\n{screen}"));
    let right = (left + 1..rows[top].len())
        .find(|&x| rows[top][x] == '╮')
        .expect("panel corner");
    let mut out = String::new();
    for row in &rows[top..] {
        out.extend(&row[left..=right]);
        out.push('\n');
        if row[left] == '╰' {
            break;
        }
    }
    out
}

fn ring_panel(engine: &Engine, w: u16, h: u16) -> String {
    let mut app = app_for(engine, dark());
    panel(&render(&mut app, w, h), "Ring")
}

#[test]
fn ring_right_after_an_add() {
    let engine = story_at(6_500);
    for (w, h) in [(80u16, 24u16), (120, 40), (200, 60)] {
        let ring = ring_panel(&engine, w, h);
        assert!(ring.contains("added delta:"), "{w}x{h}:\n{ring}");
        if h >= 40 {
            assert!(ring.contains("■delta +"), "{w}x{h}:\n{ring}");
            assert!(
                ring.contains("band's outer half: old owner"),
                "{w}x{h}:\n{ring}"
            );
        }
        assert_snapshot!(format!("add_{w}x{h}"), ring);
    }
}

#[test]
fn ring_right_after_a_remove() {
    let engine = story_at(24_500);
    for (w, h) in [(80u16, 24u16), (120, 40), (200, 60)] {
        let ring = ring_panel(&engine, w, h);
        assert!(ring.contains("removed beta:"), "{w}x{h}:\n{ring}");
        if h >= 40 {
            assert!(ring.contains("■beta −"), "{w}x{h}:\n{ring}");
        }
        assert_snapshot!(format!("remove_{w}x{h}"), ring);
    }
}

/// The owner (ring id) of each of `samples` positions, by a walk over all points.
fn owners_at(points: &[RingPoint], samples: usize) -> Vec<(u128, u32)> {
    (0..samples)
        .map(|k| {
            let pos = ((k as f64 + 0.5) / samples as f64 * 2f64.powi(128)) as u128;
            let owner = points
                .iter()
                .find(|p| p.position > pos)
                .unwrap_or(&points[0])
                .server;
            (pos, owner)
        })
        .collect()
}

/// The marks as `(position, old palette index)`, sorted by position.
fn marks(snap: &Snapshot, samples: usize) -> Vec<(u128, usize)> {
    let mut out: Vec<(u128, usize)> = moved_marks(snap, &dark(), samples, 1.0, |pos, _| {
        // Carry the position through the point: exact in the high 52 bits is enough to
        // sort, the test maps it back by sample order below.
        (pos as f64, 0.0)
    })
    .into_iter()
    .flat_map(|(i, pts)| pts.into_iter().map(move |(x, _)| (x as u128, i)))
    .collect();
    out.sort();
    out
}

#[test]
fn after_a_remove_the_marked_arcs_are_the_removed_servers_old_arcs_now_its_clockwise_neighbours() {
    let engine = story_at(24_500);
    let snap = engine.snapshot();
    let prev = snap.previous_ring.as_ref().expect("previous ring");
    let (gone_id, gone) = prev.removed.clone().expect("removed server");
    assert_eq!(gone, "beta");
    let samples = 2048;
    let old = owners_at(&prev.points, samples);
    let new = owners_at(&snap.ring_points, samples);
    let expected: Vec<(u128, usize)> = old
        .iter()
        .zip(&new)
        .filter(|((_, o), (_, n))| o != n)
        .map(|((pos, o), _)| {
            // Only beta's arcs changed owner, drawn in beta's former palette colour.
            assert_eq!(*o, gone_id);
            ((*pos as f64) as u128, palette_index(&snap, &gone, &dark()))
        })
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(marks(&snap, samples), expected);
    // beta's row (1) is delta's now; the palette's fifth colour is free: beta is drawn in
    // it, unlike any server on the ring.
    assert_eq!(snap.servers.len(), 4);
    assert_eq!(palette_index(&snap, &gone, &dark()), 4);
    assert_eq!(palette_index(&snap, "delta", &dark()), 1);
    // Every one of beta's old samples is now owned by the next other server clockwise
    // on the old ring.
    for ((pos, o), (_, n)) in old.iter().zip(&new) {
        if *o == gone_id {
            let next = prev
                .points
                .iter()
                .chain(prev.points.iter())
                .skip_while(|p| p.position <= *pos)
                .find(|p| p.server != gone_id)
                .unwrap()
                .server;
            assert_eq!(*n, next);
        }
    }
}

#[test]
fn the_readout_stays_until_the_next_change_and_the_arcs_for_30s() {
    let mut engine = story_at(24_500);
    let snap = engine.snapshot();
    let change = snap.membership_changes.last().unwrap().clone();
    let readout = format!(
        "moved {:.1}% of keys (ideal {:.1}%)",
        change.moved_fraction * 100.0,
        change.ideal_fraction * 100.0
    );
    let logged = format!(
        "removed server beta: {:.1}% of keys moved (ideal {:.1}%)",
        change.moved_fraction * 100.0,
        change.ideal_fraction * 100.0
    );
    assert!(snap.log.iter().any(|l| *l.text == logged), "{logged}");
    assert!(!marks(&snap, 512).is_empty());
    // 60 s later the readout is still there; the arcs' marks are gone after 30 s.
    engine.advance(60 * S);
    let snap = engine.snapshot();
    assert!(snap.now_ns - change.at_ns >= 60 * S);
    assert!(snap.now_ns - change.at_ns > MOVED_ARCS_NS);
    assert!(marks(&snap, 512).is_empty());
    assert!(
        snap.previous_ring.is_none(),
        "the old ring is no longer kept"
    );
    let ring = ring_panel(&engine, 120, 40);
    assert!(ring.contains("removed beta:"), "{ring}");
    assert!(ring.contains(&readout), "{ring}");
    assert!(!ring.contains("outer half"), "{ring}");
    assert!(snap.log.iter().any(|l| *l.text == logged));
    // The next change replaces it.
    engine
        .apply(Command::AddServer {
            name: Some("zeta".into()),
        })
        .unwrap();
    let ring = ring_panel(&engine, 120, 40);
    assert!(ring.contains("added zeta:"), "{ring}");
    assert!(!ring.contains("removed beta:"), "{ring}");
    assert!(!marks(&engine.snapshot(), 512).is_empty());
}

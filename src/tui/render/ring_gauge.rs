//! The ring gauge: the hash ring as a round braille circle, each server's vnode arcs in its
//! colour, the selected server drawn thicker, recent request keys as dots inside the ring,
//! beside the [legend](super::ring_legend) with each server's share, load and breaker state.

use std::f64::consts::TAU;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Color;
use ratatui::symbols::Marker;
use ratatui::text::Span;
use ratatui::widgets::canvas::{Canvas, Points};

use super::format::compact;
use super::panel::panel;
use super::{ring_legend, ring_moved};
use crate::sim::{RequestOutcome, Snapshot};
use crate::tui::state::{LegendHit, ViewState};
use crate::tui::theme::Theme;

/// Radius of the ring (the canvas is at least 1 unit from the centre in each direction).
pub const RING_RADIUS: f64 = 0.92;
/// Radius of the inner track that marks the selected server.
pub const SELECTED_RADIUS: f64 = 0.82;
/// Radius at which recent request keys are dotted.
pub const KEY_RADIUS: f64 = 0.66;
/// Recent requests drawn as key dots.
pub const KEY_DOTS: usize = 96;
/// A point on the canvas `(x, y)`.
type Point = (f64, f64);

/// Most samples taken around the circle.
const MAX_SAMPLES: usize = 4096;

/// Canvas bounds that keep a unit circle round in a `width`×`height` cell area.
/// Terminal cells are about twice as tall as wide, so the area is `width` wide and
/// `2·height` tall in cell-width units; the shorter side spans `[-1, 1]`.
pub fn circle_bounds(width: u16, height: u16) -> ([f64; 2], [f64; 2]) {
    let w = f64::from(width.max(1));
    let h = 2.0 * f64::from(height.max(1));
    if w >= h {
        let half = w / h;
        ([-half, half], [-1.0, 1.0])
    } else {
        let half = h / w;
        ([-1.0, 1.0], [-half, half])
    }
}

/// Angle (radians, clockwise from the top) of a ring position.
pub fn angle(position: u128) -> f64 {
    position as f64 / 2f64.powi(128) * TAU
}

/// The point at `angle` on a circle of `radius` (0 = top, clockwise).
fn at(angle: f64, radius: f64) -> (f64, f64) {
    (radius * angle.sin(), radius * angle.cos())
}

/// Columns the presenter layout keeps for the compact legend (name, share, state, fault).
const PRESENT_LEGEND_WIDTH: u16 = 34;

/// Draw the ring panel; returns where the legend rows went (for mouse clicks).
pub fn render(
    frame: &mut Frame,
    area: Rect,
    snap: &Snapshot,
    view: &ViewState,
    theme: &Theme,
) -> Option<LegendHit> {
    let title = format!("Ring · {} servers", snap.servers.len());
    let block = panel(&title, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.width < 4 || inner.height < 2 {
        return None;
    }
    // A round circle as tall as the panel is about twice as many columns as rows. Normally
    // the legend gets two thirds of the width; in the presenter layout the circle comes first
    // and the legend keeps just enough for its compact form.
    let round = inner.height * 2 + 2;
    let canvas_w = if view.present() {
        round
            .min(inner.width.saturating_sub(PRESENT_LEGEND_WIDTH))
            .max(inner.width / 3)
    } else {
        round.min(inner.width / 3)
    };
    let [canvas_area, _, legend_area] = Layout::horizontal([
        Constraint::Length(canvas_w),
        Constraint::Length(1),
        Constraint::Min(0),
    ])
    .areas(inner);
    draw_circle(frame, canvas_area, snap, theme, view.selected());
    ring_legend::render(frame, legend_area, snap, view, theme)
}

fn draw_circle(
    frame: &mut Frame,
    area: Rect,
    snap: &Snapshot,
    theme: &Theme,
    selected: Option<usize>,
) {
    if area.is_empty() {
        return;
    }
    let (xb, yb) = circle_bounds(area.width, area.height);
    // Braille: 2×4 dots per cell; enough samples for one per dot along the circumference.
    let dots_per_unit = f64::from(area.width) * 2.0 / (xb[1] - xb[0]);
    let samples = ((TAU * RING_RADIUS * dots_per_unit * 1.5) as usize).clamp(16, MAX_SAMPLES);

    let (per_server, selected_arc) = arcs(snap, samples, selected);
    let [keys_ok, keys_limited, keys_bad] = key_dots(snap);
    let colour = |style: ratatui::style::Style| style.fg.unwrap_or(Color::Reset);
    let labels = centre_labels(snap, area.width, area.height);
    let cell_units = (xb[1] - xb[0]) / f64::from(area.width);
    // The canvas maps y to rows over `height - 1` steps: aim at the middle of a row.
    let first_row = (usize::from(area.height).saturating_sub(labels.len())) / 2;
    let row_y = |row: usize| {
        yb[1] - (row as f64 + 0.5) * (yb[1] - yb[0]) / f64::from(area.height.max(2) - 1)
    };
    let canvas = Canvas::default()
        .marker(Marker::Braille)
        .x_bounds(xb)
        .y_bounds(yb)
        .paint(|ctx| {
            for (i, pts) in per_server.iter().enumerate() {
                ctx.draw(&Points {
                    coords: pts,
                    color: colour(theme.server_style(i)),
                });
            }
            if let Some(i) = selected {
                ctx.draw(&Points {
                    coords: &selected_arc,
                    color: colour(theme.server_style(i)),
                });
            }
            ring_moved::draw(ctx, snap, theme, samples, |pos, r| at(angle(pos), r));
            ctx.draw(&Points {
                coords: &keys_ok,
                color: colour(theme.good),
            });
            ctx.draw(&Points {
                coords: &keys_limited,
                color: colour(theme.warn),
            });
            ctx.draw(&Points {
                coords: &keys_bad,
                color: colour(theme.bad),
            });
            ctx.layer();
            for (k, label) in labels.iter().enumerate() {
                let x = -(label.chars().count() as f64) / 2.0 * cell_units;
                ctx.print(
                    x,
                    row_y(first_row + k),
                    Span::styled(label.clone(), theme.dim),
                );
            }
        });
    frame.render_widget(canvas, area);
}

/// The text in the ring's centre: how many key dots are drawn, and out of how many
/// requests in the last complete second (when the circle has room for it inside).
fn centre_labels(snap: &Snapshot, width: u16, height: u16) -> Vec<String> {
    if height < 5 {
        return Vec::new();
    }
    // The key dots' circle leaves about half the width free inside it.
    let room = usize::from(width) / 2;
    let drawn = snap.recent_requests.len().min(KEY_DOTS);
    let mut out = vec![format!("{drawn} keys")];
    let last = super::traffic::complete_seconds(&snap.series, snap.now_ns, 1);
    if let Some(s) = last.last() {
        let total = format!("of {}/s", compact(s.allowed + s.rate_limited));
        if height >= 8 && total.len() <= room {
            out.push(total);
        }
    }
    out
}

/// Points of each server's arcs (legend order) at [`RING_RADIUS`], and of the selected
/// server's inner track at [`SELECTED_RADIUS`], `samples` points around the circle.
fn arcs(snap: &Snapshot, samples: usize, selected: Option<usize>) -> (Vec<Vec<Point>>, Vec<Point>) {
    // Server index (legend order) of each ring id, from a table built once (a search per
    // sample would cost samples × servers: 40 million steps a frame at 20,000 servers).
    let mut legend_index: Vec<Option<usize>> = Vec::new();
    for (i, s) in snap.servers.iter().enumerate() {
        let id = s.id as usize;
        if legend_index.len() <= id {
            legend_index.resize(id + 1, None);
        }
        legend_index[id] = Some(i);
    }
    let index_of = |id: u32| legend_index.get(id as usize).copied().flatten();
    let mut per_server: Vec<Vec<Point>> = vec![Vec::new(); snap.servers.len()];
    let mut selected_arc = Vec::new();
    let points = &snap.ring_points;
    if points.is_empty() {
        return (per_server, selected_arc);
    }
    // Walk samples and points together: the arc ending at a point (exclusive of the
    // previous point) is drawn in that point's server colour.
    let mut p = 0usize;
    let mut owner = index_of(points[0].server);
    for k in 0..samples {
        let frac = (k as f64 + 0.5) / samples as f64;
        let pos = (frac * 2f64.powi(128)) as u128;
        let before = p;
        // Binary search of the points left: a frame does not walk all 3 million points of
        // a 20,000-server ring.
        p += points[p..].partition_point(|pt| pt.position <= pos);
        if p != before {
            owner = index_of(points[p % points.len()].server);
        }
        if let Some(i) = owner {
            let a = frac * TAU;
            per_server[i].push(at(a, RING_RADIUS));
            if selected == Some(i) {
                selected_arc.push(at(a, SELECTED_RADIUS));
            }
        }
    }
    (per_server, selected_arc)
}

/// The most recent [`KEY_DOTS`] request keys at [`KEY_RADIUS`]: succeeded, rate-limited,
/// failed or short-circuited.
fn key_dots(snap: &Snapshot) -> [Vec<Point>; 3] {
    let recent = &snap.recent_requests[snap.recent_requests.len().saturating_sub(KEY_DOTS)..];
    let [mut ok, mut limited, mut bad] = [Vec::new(), Vec::new(), Vec::new()];
    for r in recent {
        let pt = at(angle(r.position), KEY_RADIUS);
        match r.outcome {
            RequestOutcome::Succeeded => ok.push(pt),
            RequestOutcome::RateLimited => limited.push(pt),
            RequestOutcome::ShortCircuited | RequestOutcome::Failed => bad.push(pt),
        }
    }
    [ok, limited, bad]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_keep_the_circle_round() {
        for (w, h) in [(40u16, 20u16), (20, 10), (10, 20), (81, 7), (1, 1), (0, 0)] {
            let (x, y) = circle_bounds(w, h);
            let (xs, ys) = (x[1] - x[0], y[1] - y[0]);
            // Units per cell-width must be the same horizontally and vertically.
            let w = f64::from(w.max(1));
            let h = f64::from(h.max(1)) * 2.0;
            assert!((xs / w - ys / h).abs() < 1e-9, "{w}x{h}: {x:?} {y:?}");
            // The unit circle fits, touching the shorter side.
            assert!(x[0] <= -1.0 && x[1] >= 1.0 && y[0] <= -1.0 && y[1] >= 1.0);
            assert!((xs.min(ys) - 2.0).abs() < 1e-9);
            assert_eq!(x[0], -x[1]);
        }
        assert_eq!(circle_bounds(40, 20), ([-1.0, 1.0], [-1.0, 1.0]));
        assert_eq!(circle_bounds(80, 20), ([-2.0, 2.0], [-1.0, 1.0]));
    }

    #[test]
    fn angles_go_clockwise_from_the_top() {
        assert_eq!(angle(0), 0.0);
        assert!((angle(1u128 << 127) - TAU / 2.0).abs() < 1e-12);
        assert!((angle(u128::MAX) - TAU).abs() < 1e-9);
        let (x, y) = at(TAU / 4.0, 1.0);
        assert!(
            (x - 1.0).abs() < 1e-12 && y.abs() < 1e-12,
            "quarter turn is to the right"
        );
    }
}

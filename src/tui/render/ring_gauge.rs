//! The ring gauge: the hash ring as a round braille circle as tall as its panel, beside
//! the [legend](super::ring_legend). Three circles, outside in:
//!
//! - the **ownership band**: every arc of the ring in the colour of the server that owns it
//!   (an arc runs from a point's predecessor to the point: a key belongs to the first point
//!   clockwise after it), several dots thick, each cell in the colour owning most of it;
//! - the **selection track**: the selected server's arcs alone, so they can be read without
//!   dimming anyone else's (every colour in the band stays at full contrast);
//! - the **key dots**: where the most recent requests' keys fall, coloured by outcome.
//!
//! An algorithm without a ring (jump, rendezvous, maglev, multi-probe) gets no circle:
//! [`key_shares`] draws each server's share of the keys instead, and a traced key is told
//! in text only (its owners by that algorithm).
//!
//! Painted in layers: band, track, key dots, then the overlay layers (`overlays`: a traced
//! key, moved arcs), then the centre labels on top. Geometry: [`RingGeometry`].

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Color;
use ratatui::symbols::Marker;
use ratatui::widgets::canvas::{Canvas, Context, Points};

use super::format::compact;
use super::panel::panel;
use super::ring_geometry::{Point, RingGeometry};
use super::ring_moved::MovedArcs;
use super::ring_trace::{self, Overlay};
use super::{key_shares, ring_legend};
use crate::patterns::ring::HashRing;
use crate::sim::{RequestOutcome, Snapshot};
use crate::tui::layout;
use crate::tui::state::{LegendHit, ViewState};
use crate::tui::theme::Theme;

/// Recent requests drawn as key dots.
pub const KEY_DOTS: usize = 96;

/// Draw the ring panel; returns where the legend rows went (for mouse clicks).
pub fn render(
    frame: &mut Frame,
    area: Rect,
    snap: &Snapshot,
    view: &ViewState,
    theme: &Theme,
) -> Option<LegendHit> {
    let ring = key_shares::has_ring(&snap.hashing);
    let title = match ring {
        true => format!("Ring · {} servers", snap.servers.len()),
        false => format!("Hashing · {} servers", snap.servers.len()),
    };
    let block = panel(&title, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.width < 4 || inner.height < 2 {
        return None;
    }
    let overlay = Overlay::of(snap, view);
    if !ring {
        // No ring to draw (nor a route on it): the shares of the keys instead, and a
        // traced key's owners in text at the bottom.
        let most = ring_trace::MAX_TEXT_ROWS.min(inner.height / 2);
        let rows = ring_trace::rows_wanted(snap, &overlay, theme, inner.width, most);
        let [body, text] =
            Layout::vertical([Constraint::Fill(1), Constraint::Length(rows)]).areas(inner);
        let (bars, legend) = key_shares::regions(body, snap.servers.len());
        key_shares::render(frame.buffer_mut(), bars, snap, theme);
        let hit = ring_legend::render(frame, legend, snap, view, theme);
        ring_trace::render_text(frame, text, snap, &overlay, theme);
        return hit;
    }
    let regions = layout::ring_panel(inner, extra_lines_wanted(inner, snap, &overlay, theme));
    let geometry = RingGeometry::new(regions.circle);
    draw_circle(frame, &geometry, snap, view, &overlay, theme);
    let hit = ring_legend::render(frame, regions.legend, snap, view, theme);
    ring_trace::render_text(frame, regions.extra, snap, &overlay, theme);
    hit
}

/// Text lines the overlays want under the legend (a key trace, the replica arcs' key), at
/// the width the panel gives them.
fn extra_lines_wanted(inner: Rect, snap: &Snapshot, overlay: &Overlay, theme: &Theme) -> u16 {
    let most = ring_trace::MAX_TEXT_ROWS;
    let width = layout::ring_panel(inner, most).extra.width;
    ring_trace::rows_wanted(snap, overlay, theme, width, most)
}

/// Overlay layers, painted over the band, track and key dots and under the centre labels:
/// the selected server's replica arcs, then a traced key's route.
fn overlays(
    frame: &mut Frame,
    geometry: &RingGeometry,
    snap: &Snapshot,
    overlay: &Overlay,
    theme: &Theme,
) {
    ring_trace::paint_replica_arcs(frame.buffer_mut(), geometry, snap, overlay, theme);
    if let Some(route) = ring_trace::route(overlay) {
        let canvas = Canvas::default()
            .marker(Marker::Braille)
            .background_color(theme.page.bg.unwrap_or(Color::Reset))
            .x_bounds(geometry.x_bounds)
            .y_bounds(geometry.y_bounds)
            .paint(|ctx: &mut Context| ring_trace::paint_route(ctx, geometry, route, theme));
        frame.render_widget(canvas, geometry.area);
    }
}

/// The circle's layers, bottom to top (see the module docs).
fn draw_circle(
    frame: &mut Frame,
    geometry: &RingGeometry,
    snap: &Snapshot,
    view: &ViewState,
    overlay: &Overlay,
    theme: &Theme,
) {
    if geometry.area.is_empty() {
        return;
    }
    let colours: Vec<Color> = (0..snap.servers.len())
        .map(|i| theme.server_style(i).fg.unwrap_or(Color::Reset))
        .collect();
    let owners = Owners::new(snap);
    let buf = frame.buffer_mut();
    // Layer 1: who owns each arc; after a change, the outer half of the band shows the
    // old owner where the owner changed.
    let (inner, outer) = geometry.band;
    let new_owner = |pos| owners.at(pos).map(|i| colours[i]);
    match MovedArcs::of(snap, theme) {
        None => geometry.paint_annulus(buf, inner, outer, new_owner),
        Some(moved) => {
            let mid = (inner + outer) / 2.0;
            geometry.paint_annulus(buf, inner, mid, new_owner);
            geometry.paint_annulus(buf, mid, outer, |pos| {
                let old = moved.old_owner(pos);
                old.map(|i| theme.server_style(i).fg.unwrap_or(Color::Reset))
                    .or_else(|| new_owner(pos))
            });
        }
    }
    // Layer 2: the selected server's arcs alone.
    if let Some(sel) = view.selected() {
        let (inner, outer) = geometry.track;
        geometry.paint_annulus(buf, inner, outer, |pos| {
            (owners.at(pos) == Some(sel)).then(|| colours[sel])
        });
    }
    // Layer 3: recent keys.
    let dots = key_dots(snap, geometry);
    let colour = |style: ratatui::style::Style| style.fg.unwrap_or(Color::Reset);
    let canvas = Canvas::default()
        .marker(Marker::Braille)
        .background_color(theme.page.bg.unwrap_or(Color::Reset))
        .x_bounds(geometry.x_bounds)
        .y_bounds(geometry.y_bounds)
        .paint(|ctx: &mut Context| {
            let [ok, limited, bad] = &dots;
            for (coords, style) in [(ok, theme.good), (limited, theme.warn), (bad, theme.bad)] {
                ctx.draw(&Points {
                    coords,
                    color: colour(style),
                });
            }
        });
    frame.render_widget(canvas, geometry.area);
    // Layer 4: overlays.
    overlays(frame, geometry, snap, overlay, theme);
    // Layer 5: labels.
    centre_labels(frame.buffer_mut(), geometry, snap, theme);
}

/// The legend index of the server owning each ring position, as the engine's ring says.
struct Owners<'a> {
    ring: &'a HashRing,
    /// Legend index of each ring id.
    legend_index: Vec<Option<usize>>,
}

impl<'a> Owners<'a> {
    fn new(snap: &'a Snapshot) -> Self {
        // A table built once per frame (a search per dot would cost dots × servers).
        let mut legend_index: Vec<Option<usize>> = Vec::new();
        for (i, s) in snap.servers.iter().enumerate() {
            let id = s.id as usize;
            if legend_index.len() <= id {
                legend_index.resize(id + 1, None);
            }
            legend_index[id] = Some(i);
        }
        Self {
            ring: &snap.ring,
            legend_index,
        }
    }

    fn at(&self, position: u128) -> Option<usize> {
        let id = self.ring.owner_id_of_hash(position)?;
        self.legend_index.get(id.0 as usize).copied().flatten()
    }
}

/// The most recent [`KEY_DOTS`] request keys on the key circle: succeeded, rate-limited,
/// failed or short-circuited.
fn key_dots(snap: &Snapshot, geometry: &RingGeometry) -> [Vec<Point>; 3] {
    let recent = &snap.recent_requests[snap.recent_requests.len().saturating_sub(KEY_DOTS)..];
    let [mut ok, mut limited, mut bad] = [Vec::new(), Vec::new(), Vec::new()];
    for r in recent {
        let pt = geometry.point(r.position, geometry.keys);
        match r.outcome {
            RequestOutcome::Succeeded => ok.push(pt),
            RequestOutcome::RateLimited => limited.push(pt),
            RequestOutcome::ShortCircuited | RequestOutcome::Failed => bad.push(pt),
        }
    }
    [ok, limited, bad]
}

/// What the key dots are, in the ring's centre: how many requests they show, and out of
/// how many requests in the last complete second. The longest forms that fit inside the
/// key circle.
fn centre_text(snap: &Snapshot, room: usize, rows: usize) -> Vec<String> {
    let drawn = snap.recent_requests.len().min(KEY_DOTS);
    let mut out = Vec::new();
    let first = [
        vec![format!("last {drawn}"), "requests".to_string()],
        vec![format!("last {drawn} req")],
        vec![format!("{drawn} req")],
    ];
    if let Some(lines) = first
        .into_iter()
        .find(|l| l.len() < rows && l.iter().all(|t| t.chars().count() <= room))
        .or_else(|| (rows >= 1).then(|| vec![format!("{drawn} req")]))
    {
        out.extend(lines);
    }
    let last = super::traffic::complete_seconds(&snap.series, snap.now_ns, 1);
    if let Some(s) = last.last() {
        let total = format!("of {}/s", compact(s.allowed + s.rate_limited));
        if out.len() < rows && total.chars().count() <= room {
            out.push(total);
        }
    }
    out.retain(|t| t.chars().count() <= room);
    out
}

/// Write the centre labels inside the key circle.
fn centre_labels(buf: &mut Buffer, geometry: &RingGeometry, snap: &Snapshot, theme: &Theme) {
    // Inside the key circle: a square of half-side keys/√2, in cells.
    let half = geometry.keys / std::f64::consts::SQRT_2;
    let room = (half * 2.0 / (2.0 * geometry.dot)).floor().max(0.0) as usize;
    let rows = (half * 2.0 / (4.0 * geometry.dot)).floor().max(0.0) as usize;
    if rows == 0 {
        return;
    }
    let lines = centre_text(snap, room, rows);
    let area = geometry.area;
    let top = area.y + (area.height.saturating_sub(lines.len() as u16)) / 2;
    for (k, text) in lines.iter().enumerate() {
        let w = text.chars().count() as u16;
        let x = area.x + area.width.saturating_sub(w) / 2;
        buf.set_string(x, top + k as u16, text, theme.dim);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn centre_text_shrinks_to_its_room() {
        let snap = crate::sim::Engine::from_scenario(
            &crate::sim::Scenario::builtin("default").expect("default"),
            None,
        )
        .expect("engine")
        .snapshot();
        assert!(centre_text(&snap, 20, 3).len() <= 3);
        assert!(
            centre_text(&snap, 3, 1).is_empty(),
            "nothing fits three columns"
        );
        for t in centre_text(&snap, 8, 2) {
            assert!(t.chars().count() <= 8, "{t}");
        }
    }
}

//! A traced key and replica arcs on the ring: drawn over the [ring gauge](super::ring_gauge)
//! and explained in text below it.
//!
//! - **Trace marker** (a key typed at `/`): a radial tick at the key's hash position from
//!   the key dots out across the arcs; the path a request takes, clockwise along the inside
//!   of the ring from the key to the server that serves it now; `✗` at each owner passed
//!   over (breaker open, or half-open with no probe slot), `◆` at the one that serves it.
//!   The text says the same: position, owner, replicas in order, who serves it now and why.
//! - **Replica arcs** (`R`, with `replicas` ≥ 2): just inside the circle of key dots, one
//!   thin circle per rank, the arcs of the hash space for which the selected server is the
//!   2nd owner (solid), the 3rd (dotted), and so on (sparser dots), in its colour.
//!
//! The answers come from the engine's own routing ([`Snapshot::route`],
//! [`Snapshot::owners_at`]), re-asked on every frame, so a trace follows membership and
//! vnode changes. The drawing takes the circle's [`RingGeometry`], so it does not depend on
//! how the gauge lays itself out.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::canvas::{Context, Line as CanvasLine, Points};
use ratatui::widgets::{Paragraph, Wrap};

use super::key_shares::has_ring;
use super::ring_geometry::{RingGeometry, turns};
use crate::sim::{BreakerState, KeyRoute, Snapshot};
use crate::tui::state::ViewState;
use crate::tui::theme::Theme;

/// Most rows the trace text takes below the ring.
pub const MAX_TEXT_ROWS: u16 = 3;

/// Hex digits of the position shown (the first 8 of its 32).
const POSITION_DIGITS: usize = 8;

/// What this frame shows: the traced key's route (asked once per frame) and whether replica
/// arcs are on.
#[derive(Debug, Clone, Default)]
pub struct Overlay {
    /// The traced key and where it goes now (`route` None: the ring is empty).
    traced: Option<(String, Option<KeyRoute>)>,
    /// Legend index of the server whose replica arcs are shown.
    replicas_of: Option<usize>,
}

impl Overlay {
    /// The overlay of `view` on `snap`.
    /// Without a ring (jump, rendezvous, maglev, multi-probe) there are no replica arcs
    /// to show: only a traced key, in text.
    pub fn of(snap: &Snapshot, view: &ViewState) -> Self {
        let ring = has_ring(&snap.hashing);
        Self {
            traced: view.traced().map(|k| (k.to_string(), snap.route(k))),
            replicas_of: view.selected().filter(|_| ring && view.replica_arcs()),
        }
    }

    /// Whether there is anything to draw or say.
    pub fn is_empty(&self) -> bool {
        self.traced.is_none() && self.replicas_of.is_none()
    }
}

/// How many text rows (at most `most`) the overlay's text takes in `width` columns: 0 when
/// there is nothing to say.
pub fn rows_wanted(
    snap: &Snapshot,
    overlay: &Overlay,
    theme: &Theme,
    width: u16,
    most: u16,
) -> u16 {
    if overlay.is_empty() || width == 0 {
        return 0;
    }
    let lines = text(snap, overlay, theme, width, most).line_count(width);
    u16::try_from(lines).unwrap_or(u16::MAX).min(most)
}

/// Draw the text in `area` (as many rows as [`rows_wanted`] asked for).
pub fn render_text(
    frame: &mut Frame,
    area: Rect,
    snap: &Snapshot,
    overlay: &Overlay,
    theme: &Theme,
) {
    if !area.is_empty() {
        frame.render_widget(text(snap, overlay, theme, area.width, area.height), area);
    }
}

/// The text in `width` columns, the fullest that fits in `rows` rows: the long form, the
/// short one, then the short one without the replica legend (the trace is never cut for it).
fn text<'a>(
    snap: &Snapshot,
    overlay: &Overlay,
    theme: &Theme,
    width: u16,
    rows: u16,
) -> Paragraph<'a> {
    let fits = |p: &Paragraph| p.line_count(width) <= usize::from(rows);
    let long = paragraph(snap, overlay, theme, false, true);
    if fits(&long) {
        return long;
    }
    let short = paragraph(snap, overlay, theme, true, true);
    if fits(&short) || overlay.traced.is_none() {
        return short;
    }
    paragraph(snap, overlay, theme, true, false)
}

/// The trace's line (`short`: its short form) and, with `legend`, the replica arcs' legend.
fn paragraph<'a>(
    snap: &Snapshot,
    overlay: &Overlay,
    theme: &Theme,
    short: bool,
    legend: bool,
) -> Paragraph<'a> {
    let mut lines = Vec::new();
    if let Some((key, route)) = &overlay.traced {
        lines.push(route_line(snap, key, route.as_ref(), theme, short));
    }
    if let Some(i) = overlay.replicas_of.filter(|_| legend) {
        lines.push(replica_legend(snap, i, theme));
    }
    Paragraph::new(lines).wrap(Wrap { trim: true })
}

/// The server's colour by ring id.
fn server_style(snap: &Snapshot, id: u32, theme: &Theme) -> Style {
    snap.servers
        .iter()
        .position(|s| s.id == id)
        .map_or(theme.text, |i| theme.server_style(i))
}

/// Why a request passes over an owner whose breaker does not admit it.
fn passed_over(breaker: BreakerState) -> &'static str {
    match breaker {
        BreakerState::HalfOpen => "half-open, probe busy",
        BreakerState::Open | BreakerState::Closed => "open",
    }
}

/// `key "user:42" → 0x1a2b3c4d… · owner alpha · replicas beta, gamma · now served by
/// beta (alpha open)`; `short`: `"user:42" 0x1a2b3c4d… → alpha, beta, gamma · now beta
/// (alpha open)`.
fn route_line(
    snap: &Snapshot,
    key: &str,
    route: Option<&KeyRoute>,
    theme: &Theme,
    short: bool,
) -> Line<'static> {
    let mut spans = Vec::new();
    if !short {
        spans.push(Span::styled("key ", theme.dim));
    }
    spans.push(Span::styled(format!("{key:?}"), theme.text));
    spans.push(Span::styled(if short { " " } else { " → " }, theme.dim));
    let Some(route) = route else {
        spans.push(Span::styled("the ring is empty", theme.bad));
        return Line::from(spans);
    };
    // A position only where there is a ring to have one on.
    let ring = has_ring(&snap.hashing);
    if ring {
        let hex = format!("{:032x}", route.trace.position);
        spans.push(Span::styled(
            format!("0x{}…", &hex[..POSITION_DIGITS]),
            theme.marker(),
        ));
    }
    let name = |i: usize| {
        let o = &route.owners[i];
        Span::styled(o.name.clone(), server_style(snap, o.id, theme))
    };
    let owner = match (ring, short) {
        (true, true) => " → ",
        (true, false) => " · owner ",
        (false, true) => "→ ",
        (false, false) => "owner ",
    };
    spans.push(Span::styled(owner, theme.dim));
    spans.push(name(0));
    if route.owners.len() > 1 && !short {
        spans.push(Span::styled(" · replicas ", theme.dim));
    }
    for i in 1..route.owners.len() {
        if i > 1 || short {
            spans.push(Span::styled(", ", theme.dim));
        }
        spans.push(name(i));
    }
    spans.extend(served_spans(snap, route, theme, short));
    Line::from(spans)
}

/// `· now served by beta (alpha open)`: which owner a request reaches now, and why not the
/// ones before it (or that none admits it: short-circuited).
fn served_spans(
    snap: &Snapshot,
    route: &KeyRoute,
    theme: &Theme,
    short: bool,
) -> Vec<Span<'static>> {
    let mut why: Vec<String> = route
        .owners
        .iter()
        .take(route.served_by.unwrap_or(route.owners.len()))
        .map(|o| format!("{} {}", o.name, passed_over(o.breaker)))
        .collect();
    let Some(server) = route.served_by.and_then(|i| route.owners.get(i)) else {
        let text = format!(" · short-circuited ({})", why.join(", "));
        return vec![Span::styled(text, theme.bad)];
    };
    let now = if short {
        " · now "
    } else {
        " · now served by "
    };
    let mut spans = vec![
        Span::styled(now, theme.dim),
        Span::styled(server.name.clone(), server_style(snap, server.id, theme)),
    ];
    if server.down {
        why.push(format!(
            "{} down: calls fail until its breaker opens",
            server.name
        ));
    }
    if !why.is_empty() {
        let style = if server.down { theme.bad } else { theme.warn };
        spans.push(Span::styled(format!(" ({})", why.join(", ")), style));
    }
    spans
}

/// The glyph that stands for rank `rank` (0 = the owner) in the replica legend.
fn rank_glyph(rank: usize) -> &'static str {
    match rank {
        0 => "━",
        1 => "─",
        2 => "┄",
        _ => "┈",
    }
}

/// Every how many samples a replica arc of `rank` (1 = the 2nd owner) puts a dot: solid,
/// dotted, sparse.
fn rank_stride(rank: usize) -> usize {
    match rank {
        0 | 1 => 1,
        2 => 3,
        _ => 6,
    }
}

/// Ordinal of owner number `rank` (0 = the owner): `2nd`, `3rd`, …
fn ordinal(rank: usize) -> String {
    let n = rank + 1;
    let suffix = match (n % 10, n % 100) {
        (1, 11) | (2, 12) | (3, 13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// `replica arcs of alpha: ─ 2nd owner ┄ 3rd owner`.
fn replica_legend(snap: &Snapshot, i: usize, theme: &Theme) -> Line<'static> {
    let Some(server) = snap.servers.get(i) else {
        return Line::default();
    };
    let style = theme.server_style(i);
    let mut spans = vec![
        Span::styled("replica arcs of ", theme.dim),
        Span::styled(server.name.clone(), style),
        Span::styled(":", theme.dim),
    ];
    if snap.replicas < 2 {
        spans.push(Span::styled(
            " none (replicas = 1: one owner per key)",
            theme.dim,
        ));
    }
    for rank in 1..snap.replicas {
        spans.push(Span::styled(format!(" {}", rank_glyph(rank)), style));
        spans.push(Span::styled(format!(" {} owner", ordinal(rank)), theme.dim));
    }
    Line::from(spans)
}

/// The route of the traced key, if there is one and the ring is not empty.
pub fn route(overlay: &Overlay) -> Option<&KeyRoute> {
    overlay.traced.as_ref().and_then(|(_, r)| r.as_ref())
}

/// Colour of a style for the canvas (terminal default when it has none).
fn colour(style: Style) -> Color {
    style.fg.unwrap_or(Color::Reset)
}

/// The selected server's arcs as 2nd, 3rd… owner, each rank on its own thin circle just
/// inside the circle of key dots (rank 1 outermost), solid, dotted, then sparse.
pub fn paint_replica_arcs(
    buf: &mut Buffer,
    geometry: &RingGeometry,
    snap: &Snapshot,
    overlay: &Overlay,
    theme: &Theme,
) {
    let Some(i) = overlay.replicas_of else {
        return;
    };
    let Some(server) = snap.servers.get(i) else {
        return;
    };
    let color = colour(theme.server_style(i));
    // Angular buckets of about one dot each, for the dotted patterns.
    let circumference = std::f64::consts::TAU * geometry.keys / geometry.dot;
    let buckets = circumference.max(1.0);
    for rank in 1..snap.replicas {
        let outer = geometry.keys - geometry.dot * (1.5 + 2.0 * (rank - 1) as f64);
        let inner = outer - geometry.dot;
        if inner <= 0.0 {
            break;
        }
        geometry.paint_annulus(buf, inner, outer, |position| {
            let bucket = (turns(position) * buckets) as usize;
            let ours = snap.owners_at(position).nth(rank) == Some(server.id);
            (ours && bucket.is_multiple_of(rank_stride(rank))).then_some(color)
        });
    }
}

/// The trace marker: a radial tick at the key across the band, the clockwise path (between
/// the selection track and the key dots) to the server that serves it, `✗` on the band at
/// owners passed over and `◆` at the server.
pub fn paint_route(ctx: &mut Context, geometry: &RingGeometry, route: &KeyRoute, theme: &Theme) {
    let marker = colour(theme.marker());
    let at = route.trace.position;
    let (x1, y1) = geometry.point(at, geometry.keys);
    let (x2, y2) = geometry.point(at, geometry.band.1);
    ctx.draw(&CanvasLine {
        x1,
        y1,
        x2,
        y2,
        color: marker,
    });
    let last = route
        .served_by
        .unwrap_or(route.owners.len().saturating_sub(1));
    let Some(end) = route.owners.get(last).map(|o| o.point) else {
        return;
    };
    let radius = (geometry.track.0 + geometry.keys) / 2.0;
    let span = end.wrapping_sub(at);
    // About one point per braille dot along the path.
    let dots = std::f64::consts::TAU * radius / geometry.dot;
    let steps = (turns(span) * dots).ceil().max(1.0) as usize;
    let coords: Vec<(f64, f64)> = (0..=steps)
        .map(|s| {
            let frac = s as f64 / steps as f64;
            let position = at.wrapping_add((span as f64 * frac) as u128);
            geometry.point(position, radius)
        })
        .collect();
    ctx.draw(&Points {
        coords: &coords,
        color: marker,
    });
    ctx.layer();
    let band = (geometry.band.0 + geometry.band.1) / 2.0;
    for (i, o) in route.owners.iter().enumerate().take(last + 1) {
        let (glyph, style, r) = if Some(i) == route.served_by {
            ("◆", theme.marker(), radius)
        } else {
            ("✗", theme.bad, band)
        };
        let (x, y) = geometry.point(o.point, r);
        ctx.print(x, y, Span::styled(glyph, style));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::sim::{Engine, Scenario};
    use crate::tui::theme::ThemeKind;

    fn said(snap: &Snapshot, key: &str, short: bool) -> String {
        let theme = Theme::new(ThemeKind::Dark, false);
        let route = snap.route(key);
        let line = route_line(snap, key, route.as_ref(), &theme, short);
        line.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    fn set(snap: &mut Snapshot, name: &str, f: impl Fn(&mut crate::sim::ServerSnapshot)) {
        f(snap.servers.iter_mut().find(|s| s.name == name).unwrap());
    }

    #[test]
    fn the_text_says_who_serves_the_key_and_why() {
        let sc = Scenario::builtin("default").expect("shipped");
        let mut engine = Engine::from_scenario(&sc, Some(1)).expect("valid");
        engine.advance(1_000_000_000);
        let mut snap = engine.snapshot();
        let owners: Vec<String> = snap
            .route("k")
            .unwrap()
            .owners
            .iter()
            .map(|o| o.name.clone())
            .collect();
        let (a, b) = (&owners[0], &owners[1]);
        let hex = format!("{:032x}", crate::patterns::ring::hash_key("k"));
        assert_eq!(
            said(&snap, "k", false),
            format!(
                "key \"k\" → 0x{}… · owner {a} · replicas {b} · now served by {a}",
                &hex[..8]
            )
        );
        assert_eq!(
            said(&snap, "k", true),
            format!("\"k\" 0x{}… → {a}, {b} · now {a}", &hex[..8])
        );
        // Down, its breaker still closed: the calls go there and fail.
        set(&mut snap, a, |s| s.down_now = true);
        assert!(said(&snap, "k", false).ends_with(&format!(
            "now served by {a} ({a} down: calls fail until its breaker opens)"
        )));
        // Open: the replica; half-open with its probe taken too.
        set(&mut snap, a, |s| {
            s.admits = false;
            s.breaker = BreakerState::HalfOpen;
        });
        assert!(
            said(&snap, "k", false)
                .ends_with(&format!("now served by {b} ({a} half-open, probe busy)"))
        );
        set(&mut snap, b, |s| {
            s.admits = false;
            s.breaker = BreakerState::Open;
        });
        assert!(said(&snap, "k", false).ends_with(&format!(
            "short-circuited ({a} half-open, probe busy, {b} open)"
        )));
    }

    #[test]
    fn ordinals_read_as_words_do() {
        let got: Vec<String> = [0, 1, 2, 3, 10, 11, 20].map(ordinal).to_vec();
        assert_eq!(got, ["1st", "2nd", "3rd", "4th", "11th", "12th", "21st"]);
    }
}

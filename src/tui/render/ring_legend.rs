//! The ring's legend: one row per server (colour swatch, name, exact share of the hash
//! space, load, breaker state, fault), the selected row marked and kept visible, the
//! ring's balance (vnodes per server, peak-to-mean share, coefficient of variation), after
//! a membership change [what moved](super::ring_moved) until the next change, and what
//! the ring's three circles mean when there is room.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::format::compact;
use super::labels::{self, Column};
use super::ring_moved;
use crate::sim::{Fault, ServerSnapshot, Snapshot};
use crate::tui::state::{LegendHit, ViewState};
use crate::tui::theme::{Theme, state_glyph, state_word};

/// Widest a server name column grows (longer names are abbreviated, distinctly).
pub const NAME_CAP: usize = 24;
/// Narrowest name column (the `server` header).
const NAME_MIN: usize = 6;

/// The optional columns of a legend row, in display order, with their priorities (higher
/// stays longer): breaker state, share, fault, req/s, load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Share,
    Rate,
    Load,
    Breaker,
    Fault,
}

impl Col {
    const ALL: [Col; 5] = [Col::Share, Col::Rate, Col::Load, Col::Breaker, Col::Fault];

    fn priority(self) -> u8 {
        match self {
            Col::Breaker => 5,
            Col::Share => 4,
            Col::Fault => 3,
            Col::Rate => 2,
            Col::Load => 1,
        }
    }

    fn header(self) -> &'static str {
        match self {
            Col::Share => "share",
            Col::Rate => "req/s",
            Col::Load => "load",
            Col::Breaker => "breaker",
            Col::Fault => "",
        }
    }

    /// The cell text of server `s` (without the separating space).
    fn cell(self, s: &ServerSnapshot) -> String {
        match self {
            Col::Share => format!("{:.2}%", s.share * 100.0),
            Col::Rate => compact(s.requests_per_sec),
            Col::Load => format!("{:.0}%", s.load * 100.0),
            Col::Breaker => format!("{}{}", state_glyph(s.breaker), state_word(s.breaker)),
            Col::Fault => s
                .fault
                .as_ref()
                .map_or(String::new(), |f| format!("!{}", fault_tag(f))),
        }
    }

    /// Numbers are right-aligned; words left.
    fn right_aligned(self) -> bool {
        matches!(self, Col::Share | Col::Rate | Col::Load)
    }
}

/// The legend's columns at a given width: which are shown, how wide each is, and the
/// width of the name column.
struct Columns {
    shown: Vec<(Col, usize)>,
    name: usize,
}

impl Columns {
    /// Columns sized from the data; whole columns dropped, lowest priority first, when the
    /// row would not fit in `width` cells (two cells go to the marker and the swatch).
    fn fit(servers: &[ServerSnapshot], width: usize) -> Self {
        let widths: Vec<usize> = Col::ALL
            .iter()
            .map(|&c| {
                servers
                    .iter()
                    .map(|s| labels::width(&c.cell(s)))
                    .chain(std::iter::once(labels::width(c.header())))
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let columns: Vec<Column> = Col::ALL
            .iter()
            .zip(&widths)
            .map(|(&c, &w)| Column {
                width: if w == 0 { 0 } else { w + 1 },
                priority: c.priority(),
            })
            .collect();
        let names =
            labels::column_width(servers.iter().map(|s| s.name.as_str()), NAME_MIN, NAME_CAP);
        let room = width.saturating_sub(2);
        let keep = labels::fit_columns(room.saturating_sub(NAME_MIN.min(names)), &columns);
        let shown: Vec<(Col, usize)> = Col::ALL
            .iter()
            .zip(&widths)
            .zip(keep)
            .filter(|&((_, &w), k)| k && w > 0)
            .map(|((&c, &w), _)| (c, w))
            .collect();
        let used: usize = shown.iter().map(|(_, w)| w + 1).sum();
        Self {
            name: names.min(room.saturating_sub(used)).max(1),
            shown,
        }
    }

    fn header(&self) -> String {
        let mut out = format!("  {}", labels::pad("server", self.name));
        for &(c, w) in &self.shown {
            out.push(' ');
            if c.right_aligned() {
                out.push_str(&format!("{:>w$}", c.header()));
            } else {
                out.push_str(&labels::pad(c.header(), w));
            }
        }
        out.trim_end().to_string()
    }
}

/// Draw the legend in `area`; returns where the server rows went (for mouse clicks).
///
/// Rows: a header, one row per server that fits (`+N more` when some do not, the selected
/// server kept in view), the selected server's full name when its label is abbreviated,
/// the last membership change, and a key to the ring's dots when there is room.
pub fn render(
    frame: &mut Frame,
    area: Rect,
    snap: &Snapshot,
    view: &ViewState,
    theme: &Theme,
) -> Option<LegendHit> {
    if area.is_empty() {
        return None;
    }
    let moved = ring_moved::legend_lines(snap, usize::from(area.width), area.height, theme);
    let cols = Columns::fit(&snap.servers, usize::from(area.width));
    let names: Vec<&str> = snap.servers.iter().map(|s| s.name.as_str()).collect();
    let labels = labels::distinct_labels(&names, cols.name);
    let selected = view.selected();
    let full_name = selected
        .filter(|&i| labels[i] != names[i])
        .map(|i| names[i]);
    let footer = moved.len() as u16 + u16::from(full_name.is_some()) + BALANCE_LINES;
    let mut rows = area.height.saturating_sub(1 + footer) as usize;
    let overflow = snap.servers.len() > rows;
    if overflow {
        rows = rows.saturating_sub(1);
    }
    let mut lines = vec![Line::styled(cols.header(), theme.dim)];
    // Keep the selected server visible: scroll the list if needed.
    let first = view.first_visible_row(rows);
    for (i, s) in snap.servers.iter().enumerate().skip(first).take(rows) {
        lines.push(server_row(
            i,
            s,
            &labels[i],
            &cols,
            selected == Some(i),
            theme,
        ));
    }
    let shown = snap.servers.len().saturating_sub(first).min(rows);
    if overflow {
        lines.push(Line::styled(
            format!("  +{} more", snap.servers.len() - shown),
            theme.dim,
        ));
    }
    if let Some(name) = full_name {
        lines.push(Line::from(vec![
            Span::styled("▶ ", theme.accent),
            Span::styled(name.to_string(), theme.text),
        ]));
    }
    lines.push(balance_line(snap, usize::from(area.width), theme));
    lines.extend(moved);
    // The circles' key only where there are circles.
    if super::key_shares::has_ring(&snap.hashing) {
        let room = usize::from(area.height).saturating_sub(lines.len());
        lines.extend(circles_key(usize::from(area.width), room, theme));
    }
    frame.render_widget(Paragraph::new(lines), area);
    let rows_area = Rect {
        y: area.y + 1,
        height: (shown as u16).min(area.height.saturating_sub(1)),
        ..area
    };
    Some(LegendHit {
        rows: rows_area,
        first,
    })
}

/// Lines of the balance readout.
const BALANCE_LINES: u16 = 1;

/// The ring's balance: vnodes per server, peak-to-mean share and coefficient of variation
/// of the shares (the engine's, from the exact arc sums), in the longest form that fits.
pub fn balance_line(snap: &Snapshot, width: usize, theme: &Theme) -> Line<'static> {
    let b = snap.ring_balance;
    let stat = |v: Option<f64>| v.map_or_else(|| "-".to_string(), |v| format!("{v:.3}"));
    let (peak, cv) = (stat(b.peak_to_mean), stat(b.cv));
    if !super::key_shares::has_ring(&snap.hashing) {
        // Shares of the keys, not of a ring's hash space.
        let label = super::key_shares::algorithm_label(&snap.hashing);
        let text = labels::first_that_fits(
            [
                format!("{label} · key peak/mean {peak} · cv {cv}"),
                format!("{label} · peak/mean {peak} · cv {cv}"),
                format!("peak/mean {peak} cv {cv}"),
            ],
            width,
        );
        return Line::styled(text, theme.text);
    }
    let v = snap.vnodes;
    let vnodes = if v == 1 { "vnode" } else { "vnodes" };
    let text = labels::first_that_fits(
        [
            format!("{v} {vnodes}/server · peak/mean {peak} · cv {cv}"),
            format!("{v} {vnodes} · peak/mean {peak} · cv {cv}"),
            format!("{v}vn peak/mean {peak} cv {cv}"),
            format!("peak/mean {peak} cv {cv}"),
        ],
        width,
    );
    Line::styled(text, theme.text)
}

/// What the ring's three circles mean, outside in (at most `rows` lines, longest forms
/// that fit `width`; nothing when even the shortest does not fit).
fn circles_key(width: usize, rows: usize, theme: &Theme) -> Vec<Line<'static>> {
    let dots = |lead: &'static str| {
        Line::from(vec![
            Span::styled(lead, theme.dim),
            Span::styled("•", theme.good),
            Span::styled("ok ", theme.dim),
            Span::styled("•", theme.warn),
            Span::styled("limited ", theme.dim),
            Span::styled("•", theme.bad),
            Span::styled("failed", theme.dim),
        ])
    };
    let long = [
        Line::styled("outer band: each arc in its owner's colour", theme.dim),
        Line::styled("inner track: the ▶ selected server's arcs", theme.dim),
        dots("dots: recent keys "),
    ];
    let short = [
        Line::styled("band: owners  track: ▶ selected", theme.dim),
        dots("keys "),
    ];
    let fits = |ls: &[Line]| ls.len() <= rows && ls.iter().all(|l| l.width() <= width);
    if fits(&long) {
        long.to_vec()
    } else if fits(&short) {
        short.to_vec()
    } else if rows >= 1 && short[1].width() <= width {
        vec![short[1].clone()]
    } else {
        Vec::new()
    }
}

/// The legend row of server number `i`, its name shown as `label`.
fn server_row(
    i: usize,
    s: &ServerSnapshot,
    label: &str,
    cols: &Columns,
    selected: bool,
    theme: &Theme,
) -> Line<'static> {
    let mark = if selected { "▶" } else { " " };
    let name_style = if selected { theme.selected } else { theme.text };
    let mut spans = vec![
        Span::styled(mark, theme.accent),
        Span::styled("■", theme.server_style(i)),
        Span::styled(label.to_string(), name_style),
        Span::raw(" ".repeat(cols.name.saturating_sub(labels::width(label)))),
    ];
    for &(c, w) in &cols.shown {
        let text = c.cell(s);
        let style = match c {
            Col::Breaker => theme.state(s.breaker),
            Col::Fault => theme.bad,
            _ => theme.text,
        };
        spans.push(Span::raw(" "));
        spans.push(Span::styled(
            if c.right_aligned() {
                format!("{text:>w$}")
            } else {
                labels::pad(&text, w)
            },
            style,
        ));
    }
    Line::from(spans)
}

/// One-word tag of a fault for tight spaces.
pub fn fault_tag(fault: &Fault) -> &'static str {
    match fault {
        Fault::Errors { .. } => "errors",
        Fault::Slow { .. } => "slow",
        Fault::Down => "down",
        Fault::Flapping { .. } => "flapping",
    }
}

//! The ring's legend: one row per server (colour swatch, name, share of the hash space,
//! load, breaker state, fault), the selected row marked and kept visible, and after a
//! membership change the fraction of keys that moved beside the ideal.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::format::compact;
use crate::sim::{Fault, MembershipAction, ServerSnapshot, Snapshot};
use crate::tui::state::{LegendHit, ViewState};
use crate::tui::theme::{Theme, state_glyph, state_word};

/// How long (virtual ns) the "moved x% of keys" line stays after a membership change.
pub const MOVED_SHOWN_NS: u64 = 15_000_000_000;

/// Draw the legend in `area`; returns where the server rows went (for mouse clicks).
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
    let moved = snap
        .membership_changes
        .last()
        .filter(|c| snap.now_ns.saturating_sub(c.at_ns) < MOVED_SHOWN_NS);
    let footer = u16::from(moved.is_some()) * 2;
    let rows = area.height.saturating_sub(1 + footer) as usize;
    // The presenter layout uses bigger type on a projector: add columns only with real room.
    let wide = area.width >= if view.present() { 48 } else { 34 };
    let mut lines = vec![Line::styled(
        if wide {
            "  server   share   req/s load breaker"
        } else {
            "  server   share breaker"
        },
        theme.dim,
    )];
    // Keep the selected server visible: scroll the list if needed.
    let first = view.first_visible_row(rows);
    for (i, s) in snap.servers.iter().enumerate().skip(first).take(rows) {
        lines.push(server_row(i, s, view.selected() == Some(i), wide, theme));
    }
    if let Some(c) = moved {
        let verb = match c.action {
            MembershipAction::AddServer => "added",
            MembershipAction::RemoveServer => "removed",
            MembershipAction::SetWeight => "reweighted",
        };
        lines.push(Line::styled(format!("{verb} {}:", c.server), theme.text));
        lines.push(Line::from(vec![Span::styled(
            format!(
                "moved {:.1}% of keys (ideal {:.1}%)",
                c.moved_fraction * 100.0,
                c.ideal_fraction * 100.0
            ),
            theme.accent,
        )]));
    }
    frame.render_widget(Paragraph::new(lines), area);
    let shown = snap.servers.len().saturating_sub(first).min(rows) as u16;
    let rows_area = Rect {
        y: area.y + 1,
        height: shown.min(area.height.saturating_sub(1)),
        ..area
    };
    Some(LegendHit {
        rows: rows_area,
        first,
    })
}

/// The legend row of server number `i`.
fn server_row(
    i: usize,
    s: &ServerSnapshot,
    selected: bool,
    wide: bool,
    theme: &Theme,
) -> Line<'static> {
    let mark = if selected { "▶" } else { " " };
    let mut spans = vec![
        Span::styled(mark, theme.accent),
        Span::styled("■", theme.server_style(i)),
        Span::styled(format!("{:<8.8}", s.name), theme.text),
        Span::styled(format!("{:>5.1}%", s.share * 100.0), theme.text),
    ];
    if wide {
        spans.push(Span::styled(
            format!(
                " {:>7} {:>3.0}%",
                compact(s.requests_per_sec),
                s.load * 100.0
            ),
            theme.text,
        ));
    }
    spans.push(Span::raw(" "));
    spans.push(Span::styled(
        format!("{}{}", state_glyph(s.breaker), state_word(s.breaker)),
        theme.state(s.breaker),
    ));
    if let Some(f) = &s.fault {
        spans.push(Span::styled(format!(" !{}", fault_tag(f)), theme.bad));
    }
    let line = Line::from(spans);
    if selected {
        line.style(theme.selected)
    } else {
        line
    }
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

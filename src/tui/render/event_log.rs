//! The event log, which interleaves the engine's log with the UI's own acknowledgements
//! and refusals by virtual time.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::format::clock;
use super::panel::panel;
use crate::sim::{LogKind, Snapshot};
use crate::tui::state::ViewState;
use crate::tui::theme::Theme;

/// Draw the event log panel, newest line at the bottom.
pub fn render(frame: &mut Frame, area: Rect, snap: &Snapshot, view: &ViewState, theme: &Theme) {
    let block = panel("Events", theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.is_empty() {
        return;
    }
    let rows = inner.height as usize;
    // Merge the newest `rows` of each source, newest first, then reverse.
    let mut engine = snap.log.iter().rev().take(rows).peekable();
    let mut notes = view.notes().rev().take(rows).peekable();
    let mut merged: Vec<(u64, &str, Style, &str)> = Vec::with_capacity(rows);
    while merged.len() < rows {
        let take_note = match (engine.peek(), notes.peek()) {
            (None, None) => break,
            (Some(_), None) => false,
            (None, Some(_)) => true,
            // On equal times the UI note is newer (the key came after the engine line).
            (Some(e), Some(n)) => n.at_ns >= e.at_ns,
        };
        if take_note {
            let n = notes.next().expect("peeked");
            let style = if n.error { theme.bad } else { theme.accent };
            merged.push((n.at_ns, "key", style, &n.text));
        } else {
            let e = engine.next().expect("peeked");
            let (tag, style) = match e.kind {
                LogKind::Command => ("cmd", theme.text),
                LogKind::Scenario => ("scn", theme.info),
                LogKind::Breaker => ("brk", theme.warn),
                LogKind::Error => ("err", theme.bad),
            };
            merged.push((e.at_ns, tag, style, &e.text));
        }
    }
    let lines: Vec<Line> = merged
        .iter()
        .rev()
        .map(|(at, tag, style, text)| {
            Line::from(vec![
                Span::styled(format!("{:>7} {tag} ", clock(*at)), theme.dim),
                Span::styled(&**text, *style),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

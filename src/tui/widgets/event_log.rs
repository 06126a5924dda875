//! The scenario caption (one prominent line) and the event log, which interleaves the
//! engine's log with the UI's own acknowledgements and refusals by virtual time.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{clock, panel};
use crate::sim::LogKind;
use crate::tui::app::App;

/// Draw the caption line (or the scenario name when there is no caption yet).
pub fn render_caption(frame: &mut Frame, area: Rect, app: &App) {
    let snap = app.snapshot();
    let theme = &app.theme;
    let line = match &snap.caption {
        Some(c) => Line::from(vec![
            Span::styled(" ▶ ", theme.caption),
            Span::styled(&*c.text, theme.caption),
        ])
        .style(theme.caption),
        None => Line::styled(format!(" ringside · {}", snap.scenario), theme.title),
    };
    frame.render_widget(Paragraph::new(line).wrap(Wrap { trim: true }), area);
}

/// Lines the caption needs at `width` (1 or 2; longer captions are cut).
pub fn caption_lines(app: &App, width: u16) -> u16 {
    let len = app
        .snapshot()
        .caption
        .as_ref()
        .map_or(0, |c| c.text.chars().count() + 3);
    if len > usize::from(width) { 2 } else { 1 }
}

/// Draw the event log panel, newest line at the bottom.
pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let snap = app.snapshot();
    let theme = &app.theme;
    let block = panel("Events", theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.is_empty() {
        return;
    }
    let rows = inner.height as usize;
    // Merge the newest `rows` of each source, newest first, then reverse.
    let mut engine = snap.log.iter().rev().take(rows).peekable();
    let mut notes = app.notes().rev().take(rows).peekable();
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

//! The dashboard's caption line: the scenario's current caption, prominent, or the
//! scenario name when there is none.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::sim::Snapshot;
use crate::tui::theme::Theme;

/// Draw the caption line (or the scenario name when there is no caption yet).
pub fn render(frame: &mut Frame, area: Rect, snap: &Snapshot, theme: &Theme) {
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
pub fn lines_needed(snap: &Snapshot, width: u16) -> u16 {
    let len = snap
        .caption
        .as_ref()
        .map_or(0, |c| c.text.chars().count() + 3);
    if len > usize::from(width) { 2 } else { 1 }
}

//! The dashboard's caption line: the scenario's current caption, prominent, or the
//! scenario name when there is none.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::sim::Snapshot;
use crate::tui::layout::DASHBOARD_CAPTION_LINES;
use crate::tui::theme::Theme;

/// Draw the caption line (or the scenario name when there is no caption yet).
pub fn render(frame: &mut Frame, area: Rect, snap: &Snapshot, theme: &Theme) {
    frame.render_widget(paragraph(snap, theme.caption, theme.title), area);
}

/// The caption as drawn (in `caption` style, or the scenario name in `title` style): one
/// paragraph, word-wrapped.
fn paragraph(snap: &Snapshot, caption: Style, title: Style) -> Paragraph<'_> {
    let line = match (&snap.caption, &snap.compare) {
        // A story's captions describe the side B they were written for: with another B
        // they would not be true, so they are not shown.
        (Some(_), Some(pair)) if !pair.captions_for_both && pair.story_b.is_some() => Line::styled(
            format!(
                " ringside · {} · its captions are for B = {}",
                snap.scenario,
                pair.story_b.as_deref().unwrap_or_default()
            ),
            title,
        ),
        (Some(c), pair) => {
            // A caption written for one run describes side A of a comparison, and says so.
            let side = if pair.as_ref().is_some_and(|p| !p.captions_for_both) {
                "A: "
            } else {
                ""
            };
            Line::from(vec![
                Span::styled(" ▶ ", caption),
                Span::styled(side, caption),
                Span::styled(&*c.text, caption),
            ])
            .style(caption)
        }
        (None, _) => Line::styled(format!(" ringside · {}", snap.scenario), title),
    };
    Paragraph::new(line).wrap(Wrap { trim: true })
}

/// Lines the caption needs at `width`, wrapped exactly as it is drawn (ratatui's own line
/// count), at most [`DASHBOARD_CAPTION_LINES`]; the layout gives it that many.
pub fn lines_needed(snap: &Snapshot, width: u16) -> u16 {
    let lines = paragraph(snap, Style::new(), Style::new()).line_count(width);
    u16::try_from(lines)
        .unwrap_or(u16::MAX)
        .clamp(1, DASHBOARD_CAPTION_LINES)
}

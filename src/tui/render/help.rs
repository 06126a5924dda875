//! The `?` help overlay, generated from the key map.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::panel::panel;
use crate::tui::keymap::{self, Layout};
use crate::tui::theme::Theme;

/// Draw the help overlay of `layout` centred in `area`.
pub fn render(frame: &mut Frame, area: Rect, layout: Layout, theme: &Theme) {
    let rows: Vec<(&str, &str)> = keymap::help_rows_in(layout).collect();
    let key_w = rows
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    let text_w = rows
        .iter()
        .map(|(_, d)| d.chars().count())
        .max()
        .unwrap_or(0);
    let width = ((key_w + text_w + 6) as u16).min(area.width);
    let height = (rows.len() as u16 + 2).min(area.height);
    let popup = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    let lines: Vec<Line> = rows
        .iter()
        .map(|(k, d)| {
            Line::from(vec![
                Span::styled(format!(" {k:>key_w$}  "), theme.accent),
                Span::styled(*d, theme.text),
            ])
        })
        .collect();
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).block(panel("Keys · ? or Esc closes", theme)),
        popup,
    );
}

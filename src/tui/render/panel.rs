//! The bordered, titled block every panel is drawn in.

use ratatui::text::Span;
use ratatui::widgets::{Block, BorderType, Borders};

use crate::tui::theme::Theme;

/// A bordered panel with a title.
pub fn panel<'a>(title: &'a str, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(theme.border)
        .title(Span::styled(format!(" {title} "), theme.title))
}

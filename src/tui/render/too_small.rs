//! The "terminal too small" screen, drawn instead of a layout below the minimum size.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use crate::tui::keymap::{self, Action};
use crate::tui::layout::{MIN_HEIGHT, MIN_WIDTH};
use crate::tui::theme::Theme;

/// Draw the 'terminal too small' screen in `area` (the dashboard's minimum).
pub fn render(frame: &mut Frame, area: Rect, theme: &Theme) {
    render_needing(frame, area, theme, (MIN_WIDTH, MIN_HEIGHT));
}

/// Draw the 'terminal too small' screen in `area` for a layout needing `need` (columns,
/// rows).
pub fn render_needing(frame: &mut Frame, area: Rect, theme: &Theme, need: (u16, u16)) {
    let text = vec![
        Line::styled("Terminal too small", theme.warn),
        Line::styled(
            format!("{}×{}, need {}×{}", area.width, area.height, need.0, need.1),
            theme.text,
        ),
        Line::styled(
            format!("{} quits", keymap::key_for(Action::Quit)),
            theme.dim,
        ),
    ];
    super::centred::render(frame, area, text);
}

//! The "terminal too small" screen, drawn instead of a layout below the minimum size.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use crate::tui::keymap::{self, Action};
use crate::tui::layout::{MIN_HEIGHT, MIN_WIDTH};
use crate::tui::theme::Theme;

/// Draw the 'terminal too small' screen in `area`.
pub fn render(frame: &mut Frame, area: Rect, theme: &Theme) {
    let text = vec![
        Line::styled("Terminal too small", theme.warn),
        Line::styled(
            format!(
                "{}×{}, need {MIN_WIDTH}×{MIN_HEIGHT}",
                area.width, area.height
            ),
            theme.text,
        ),
        Line::styled(
            format!("{} quits", keymap::key_for(Action::Quit)),
            theme.dim,
        ),
    ];
    super::centred::render(frame, area, text);
}

//! The screen shown while the simulation is being built (a large ring takes a while):
//! one progress line, and how to quit.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use super::format::grouped;
use crate::tui::keymap::{self, Action};
use crate::tui::theme::Theme;

/// The progress line: `building the ring: 12,000 / 20,000 servers`.
pub fn line(done: usize, total: usize) -> String {
    format!(
        "building the ring: {} / {} servers",
        grouped(done),
        grouped(total)
    )
}

/// Draw the build's progress (`done` of `total` servers) centred in `area`.
pub fn render(frame: &mut Frame, area: Rect, done: usize, total: usize, theme: &Theme) {
    let text = vec![
        Line::styled(line(done, total), theme.text),
        Line::styled(
            format!("{} quits", keymap::key_for(Action::Quit)),
            theme.dim,
        ),
    ];
    super::centred::render(frame, area, text);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_counts_servers() {
        assert_eq!(
            line(12_000, 20_000),
            "building the ring: 12,000 / 20,000 servers"
        );
    }
}

//! A few lines of text centred in an area: the screens drawn instead of the dashboard
//! (terminal too small, the simulation being built).

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

/// Draw `lines` centred horizontally and vertically in `area` (wrapped when too wide).
pub fn render(frame: &mut Frame, area: Rect, lines: Vec<Line<'_>>) {
    let rows = u16::try_from(lines.len()).unwrap_or(u16::MAX);
    let top = area.height.saturating_sub(rows) / 2;
    let inner = Rect {
        y: area.y + top,
        height: area.height - top,
        ..area
    };
    frame.render_widget(
        Paragraph::new(lines)
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true }),
        inner,
    );
}

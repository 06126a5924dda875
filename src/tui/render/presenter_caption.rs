//! The presenter layout's caption box: the scenario's caption in large type, the scripted
//! step it has reached, and the keys that move between steps.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph, Wrap};

use crate::sim::Snapshot;
use crate::tui::keymap::{self, Action};
use crate::tui::layout::CAPTION_LINES;
use crate::tui::theme::Theme;

/// Scripted steps of the running scenario: (fired so far, total).
pub fn steps(snap: &Snapshot) -> (usize, usize) {
    let times = snap.session.scenario.scripted_times();
    let fired = times.clone().filter(|&t| t <= snap.now_ns).count();
    (fired, times.count())
}

fn caption_text(snap: &Snapshot) -> String {
    match &snap.caption {
        Some(c) => c.text.to_string(),
        None => format!(
            "{} — {}",
            snap.session.scenario.name, snap.session.scenario.description
        ),
    }
}

/// Lines the caption needs inside a box of `width` columns, wrapped exactly as it is drawn
/// (ratatui's own line count), at most [`CAPTION_LINES`].
pub fn lines_needed(snap: &Snapshot, width: u16) -> u16 {
    let lines = text(snap, Style::new()).line_count(width.saturating_sub(2));
    u16::try_from(lines)
        .unwrap_or(u16::MAX)
        .clamp(1, CAPTION_LINES)
}

/// The caption text as drawn inside the box, in `style`, word-wrapped.
fn text(snap: &Snapshot, style: Style) -> Paragraph<'static> {
    Paragraph::new(Line::styled(caption_text(snap), style))
        .style(style)
        .wrap(Wrap { trim: true })
}

/// Draw the caption box.
pub fn render(frame: &mut Frame, area: Rect, snap: &Snapshot, theme: &Theme) {
    let (fired, total) = steps(snap);
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Thick)
        .border_style(theme.title);
    if total > 0 {
        let keys = format!(
            " {} next · {} back ",
            keymap::key_for(Action::NextEvent),
            keymap::key_for(Action::PreviousEvent)
        );
        block = block
            .title(Span::styled(format!(" step {fired}/{total} "), theme.title))
            .title_bottom(Line::styled(keys, theme.accent).alignment(Alignment::Right));
    }
    let style = if snap.caption.is_some() {
        theme.caption
    } else {
        theme.title
    };
    // The caption's colours fill the inside of the box only: the step counter and the
    // keys on the border keep the page behind them (yellow on yellow was unreadable).
    let inner = block.inner(area);
    frame.render_widget(block, area);
    frame.render_widget(text(snap, style), inner);
}

//! The presenter layout's caption box: the scenario's caption in large type, the scripted
//! step it has reached, and the keys that move between steps.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
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

/// Lines the caption needs inside a box of `width` columns (at most [`CAPTION_LINES`]).
pub fn lines_needed(snap: &Snapshot, width: u16) -> u16 {
    let inner = usize::from(width.saturating_sub(4)).max(1);
    let mut lines = 1u16;
    let mut col = 0usize;
    for word in caption_text(snap).split_whitespace() {
        let w = word.chars().count();
        if col > 0 && col + 1 + w > inner {
            lines += 1;
            col = w;
        } else {
            col += w + usize::from(col > 0);
        }
    }
    lines.min(CAPTION_LINES)
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
    let text = Paragraph::new(Line::styled(caption_text(snap), style))
        .style(style)
        .wrap(Wrap { trim: true });
    frame.render_widget(text, inner);
}

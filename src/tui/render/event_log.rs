//! The event log panel: the merged, filtered log of [`tui::event_log`](crate::tui::event_log),
//! newest at the bottom, scrolled back as the view says. The title shows the filter and,
//! when scrolled back, how far (`↑12/180`: 12 of 180 lines newer than the window).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::format::clock;
use super::panel::panel;
use crate::sim::Snapshot;
use crate::tui::event_log::{entries, window};
use crate::tui::keymap::{self, Action};
use crate::tui::state::{LogCategory, ViewState};
use crate::tui::theme::Theme;

/// Draw the event log panel, newest line at the bottom.
pub fn render(frame: &mut Frame, area: Rect, snap: &Snapshot, view: &ViewState, theme: &Theme) {
    let all = entries(snap, view);
    let rows = usize::from(area.height.saturating_sub(2));
    let (shown, back) = window(&all, rows, view.log_scroll());
    let title = title(view, back, all.len());
    let block = panel(&title, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.is_empty() {
        return;
    }
    let lines: Vec<Line> = shown
        .iter()
        .map(|e| {
            let (tag, style) = match (e.category, e.note) {
                (LogCategory::Refused, _) => ("✗", theme.bad),
                (LogCategory::Key, true) => ("key", theme.accent),
                (LogCategory::Key, false) => ("cmd", theme.text),
                (LogCategory::Scenario, _) => ("scn", theme.info),
                (LogCategory::Breaker, _) => ("brk", theme.warn),
            };
            Line::from(vec![
                Span::styled(format!("{:>7} {tag:<3} ", clock(e.at_ns)), theme.dim),
                Span::styled(e.text, style),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

/// `Events · all` at the newest line; `Events · breaker · ↑12/180` scrolled back 12 of 180
/// lines; the filter key is named while a filter other than `all` hides lines.
fn title(view: &ViewState, back: usize, total: usize) -> String {
    let filter = view.log_filter();
    let mut title = format!("Events · {}", filter.label());
    if back > 0 {
        title.push_str(&format!(" · ↑{back}/{total}"));
    }
    if filter != crate::tui::state::LogFilter::All {
        title.push_str(&format!(
            " ({} cycles)",
            keymap::key_for(Action::CycleLogFilter)
        ));
    }
    title
}

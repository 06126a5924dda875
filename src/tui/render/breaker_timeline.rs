//! Breaker timeline: one row per server, virtual time running left to right over the last
//! [`WINDOW_NS`], each cell showing the breaker state by colour AND glyph (`─` closed,
//! `█` open, `▒` half-open), transitions marked `│`, current state and counts at the right.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::format::compact;
use super::panel::panel;
use crate::sim::{BreakerState, ServerSnapshot, Snapshot, TransitionRecord};
use crate::tui::state::ViewState;
use crate::tui::theme::{TRANSITION, Theme, state_glyph, state_word};

/// Virtual time shown by the timeline.
pub const WINDOW_NS: u64 = 30_000_000_000;
/// Columns of the server name at the left of each row.
const NAME_WIDTH: usize = 7;

/// The breaker state at virtual time `t`, given its transitions (oldest first) and its
/// state now.
pub fn state_at(transitions: &[TransitionRecord], current: BreakerState, t: u64) -> BreakerState {
    let after = transitions.partition_point(|r| r.at_ns <= t);
    if after > 0 {
        transitions[after - 1].to
    } else {
        transitions.first().map_or(current, |r| r.from)
    }
}

/// The time axis of the timeline: `cells` cells of `dt` virtual ns each, the last one
/// ending at `now`.
#[derive(Debug, Clone, Copy)]
struct Axis {
    now: u64,
    cells: usize,
    dt: u64,
}

/// Draw the timeline panel.
pub fn render(frame: &mut Frame, area: Rect, snap: &Snapshot, view: &ViewState, theme: &Theme) {
    let block = panel("Breakers · last 30s", theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.is_empty() {
        return;
    }
    let tail_w = if inner.width >= 50 { 22 } else { 10 };
    let cells = (inner.width as usize).saturating_sub(NAME_WIDTH + 1 + tail_w + 1);
    let mut lines = Vec::with_capacity(inner.height as usize);
    let key = |state: BreakerState, word: &str| {
        Span::styled(format!("{}{word} ", state_glyph(state)), theme.state(state))
    };
    lines.push(Line::from(vec![
        Span::styled(format!("{:<w$}", "", w = NAME_WIDTH + 1), theme.dim),
        key(BreakerState::Closed, "closed"),
        key(BreakerState::Open, "open"),
        key(BreakerState::HalfOpen, "half"),
        Span::styled(format!("{TRANSITION}change"), theme.dim),
    ]));
    let axis = Axis {
        now: snap.now_ns,
        cells,
        dt: if cells > 0 {
            WINDOW_NS / cells as u64
        } else {
            WINDOW_NS
        },
    };
    let rows = (inner.height as usize).saturating_sub(1);
    let first = view.first_visible_row(rows);
    for (i, s) in snap.servers.iter().enumerate().skip(first).take(rows) {
        let name_style = if view.selected() == Some(i) {
            theme.selected
        } else {
            theme.server_style(i)
        };
        let mut spans = vec![Span::styled(
            format!("{:<NAME_WIDTH$.NAME_WIDTH$} ", s.name),
            name_style,
        )];
        history_spans(&mut spans, s, axis, theme);
        let counts = if tail_w > 10 {
            format!(
                " ✓{} ✗{} ⊘{}",
                compact(s.counters.successes),
                compact(s.counters.failures),
                compact(s.counters.rejected)
            )
        } else {
            String::new()
        };
        spans.push(Span::styled(
            format!(" {}{:<9}", state_glyph(s.breaker), state_word(s.breaker)),
            theme.state(s.breaker),
        ));
        spans.push(Span::styled(counts, theme.dim));
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The cells of one server's history, consecutive cells of the same glyph and style
/// grouped into one span.
fn history_spans(spans: &mut Vec<Span<'static>>, s: &ServerSnapshot, axis: Axis, theme: &Theme) {
    let Axis { now, cells, dt } = axis;
    let mut run = String::new();
    let mut run_style = theme.dim;
    for c in 0..cells {
        let back = (cells - 1 - c) as u64 * dt;
        let (ch, style): (char, Style) = if back > now {
            (' ', theme.dim)
        } else {
            let t = now - back;
            let state = state_at(&s.transitions, s.breaker, t);
            let lo = t.saturating_sub(dt);
            // A transition in (lo, t]? Transitions are oldest first: two binary searches.
            let changed = s.transitions.partition_point(|r| r.at_ns <= lo)
                < s.transitions.partition_point(|r| r.at_ns <= t);
            if changed {
                (TRANSITION, theme.state(state).add_modifier(Modifier::BOLD))
            } else {
                (state_glyph(state), theme.state(state))
            }
        };
        if style != run_style && !run.is_empty() {
            spans.push(Span::styled(std::mem::take(&mut run), run_style));
        }
        run_style = style;
        run.push(ch);
    }
    if !run.is_empty() {
        spans.push(Span::styled(run, run_style));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tr(at_ns: u64, from: BreakerState, to: BreakerState) -> TransitionRecord {
        TransitionRecord {
            at_ns,
            from,
            to,
            reason: "test",
        }
    }

    #[test]
    fn state_at_reads_the_history() {
        use BreakerState::*;
        let h = [
            tr(10, Closed, Open),
            tr(20, Open, HalfOpen),
            tr(25, HalfOpen, Closed),
        ];
        assert_eq!(state_at(&h, Closed, 5), Closed);
        assert_eq!(state_at(&h, Closed, 10), Open);
        assert_eq!(state_at(&h, Closed, 19), Open);
        assert_eq!(state_at(&h, Closed, 22), HalfOpen);
        assert_eq!(state_at(&h, Closed, 100), Closed);
        assert_eq!(state_at(&[], Open, 100), Open);
    }
}

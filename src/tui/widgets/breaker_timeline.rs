//! Breaker timeline: one row per server, virtual time running left to right over the last
//! [`WINDOW_NS`], each cell showing the breaker state by colour AND glyph (`─` closed,
//! `█` open, `▒` half-open), transitions marked `│`, current state and counts at the right.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::ring_gauge::{state_label, state_style};
use super::{compact, panel};
use crate::sim::{BreakerState, TransitionRecord};
use crate::tui::app::App;

/// Virtual time shown by the timeline.
pub const WINDOW_NS: u64 = 30_000_000_000;
/// Glyph of a cell in which the breaker changed state.
pub const TRANSITION: char = '│';

/// Glyph of a state.
pub fn glyph(state: BreakerState) -> char {
    match state {
        BreakerState::Closed => '─',
        BreakerState::Open => '█',
        BreakerState::HalfOpen => '▒',
    }
}

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

/// Draw the timeline panel.
pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let snap = app.snapshot();
    let theme = &app.theme;
    let block = panel("Breakers · last 30s", theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.is_empty() {
        return;
    }
    let name_w = 7usize;
    let tail_w = if inner.width >= 50 { 22 } else { 10 };
    let cells = (inner.width as usize).saturating_sub(name_w + 1 + tail_w + 1);
    let mut lines = Vec::with_capacity(inner.height as usize);
    lines.push(Line::from(vec![
        Span::styled(format!("{:<w$}", "", w = name_w + 1), theme.dim),
        Span::styled("─closed ", theme.good),
        Span::styled("█open ", theme.bad),
        Span::styled("▒half ", theme.warn),
        Span::styled("│change", theme.dim),
    ]));
    let now = snap.now_ns;
    let dt = if cells > 0 {
        WINDOW_NS / cells as u64
    } else {
        WINDOW_NS
    };
    let rows = (inner.height as usize).saturating_sub(1);
    let first = super::first_visible_row(app, rows);
    for (i, s) in snap.servers.iter().enumerate().skip(first).take(rows) {
        let name_style = if app.selected() == Some(i) {
            theme.selected
        } else {
            theme.server_style(i)
        };
        let mut spans = vec![Span::styled(
            format!("{:<name_w$.name_w$} ", s.name),
            name_style,
        )];
        // Group consecutive cells of the same glyph and style into one span.
        let mut run = String::new();
        let mut run_style = theme.dim;
        for c in 0..cells {
            let back = (cells - 1 - c) as u64 * dt;
            let (ch, style) = if back > now {
                (' ', theme.dim)
            } else {
                let t = now - back;
                let state = state_at(&s.transitions, s.breaker, t);
                let lo = t.saturating_sub(dt);
                // A transition in (lo, t]? Transitions are oldest first: two binary searches.
                let changed = s.transitions.partition_point(|r| r.at_ns <= lo)
                    < s.transitions.partition_point(|r| r.at_ns <= t);
                if changed {
                    (
                        TRANSITION,
                        state_style(state, theme).add_modifier(Modifier::BOLD),
                    )
                } else {
                    (glyph(state), state_style(state, theme))
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
        let (g, word) = state_label(s.breaker);
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
            format!(" {g}{word:<9}"),
            state_style(s.breaker, theme),
        ));
        spans.push(Span::styled(counts, theme.dim));
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), inner);
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

    #[test]
    fn glyphs_are_distinct() {
        use BreakerState::*;
        let g = [glyph(Closed), glyph(Open), glyph(HalfOpen), TRANSITION];
        for i in 0..g.len() {
            for j in i + 1..g.len() {
                assert_ne!(g[i], g[j]);
            }
        }
    }
}

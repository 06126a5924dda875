//! The status bar: scenario, virtual time, speed, seed, paused state and the main keys.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::clock;
use crate::tui::app::App;

/// Keys advertised in the status bar (the full list is in the `?` help).
const HINTS: &[(&str, &str)] = &[
    ("?", "help"),
    ("q", "quit"),
    ("space", "pause"),
    ("a/d", "add/remove"),
    ("f/h", "fault/heal"),
    ("b", "burst"),
    ("+/-", "rate"),
    ("</>", "speed"),
];

/// Speed as `×1`, `×4`, `×1/8`.
pub fn speed_label(speed: f64) -> String {
    if speed >= 1.0 || speed <= 0.0 {
        format!("×{}", (speed * 100.0).round() / 100.0)
    } else {
        format!("×1/{}", (1.0 / speed).round())
    }
}

/// Draw the status bar.
pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let snap = app.snapshot();
    let theme = &app.theme;
    let state = if snap.paused {
        Span::styled(" ⏸ PAUSED ", theme.caption)
    } else {
        Span::styled(" ▶ running ", theme.good)
    };
    let mut spans = vec![
        state,
        Span::styled(
            format!(
                " {} │ t={} │ {} │ seed {} │",
                snap.scenario,
                clock(snap.now_ns),
                speed_label(snap.speed),
                snap.seed
            ),
            theme.text,
        ),
    ];
    for (k, d) in HINTS {
        spans.push(Span::styled(format!(" {k}"), theme.accent));
        spans.push(Span::styled(format!(" {d}"), theme.dim));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speeds_read_naturally() {
        assert_eq!(speed_label(1.0), "×1");
        assert_eq!(speed_label(4.0), "×4");
        assert_eq!(speed_label(0.125), "×1/8");
        assert_eq!(speed_label(1.5), "×1.5");
    }
}

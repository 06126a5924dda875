//! The status bar: scenario, virtual time, speed, seed, paused state and the main keys
//! (generated from the key map's hints; the full list is in the `?` help).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::format::clock;
use crate::sim::{BreakerState as State, Snapshot};
use crate::tui::keymap;
use crate::tui::theme::Theme;

/// Speed as `×1`, `×4`, `×1/8`.
pub fn speed_label(speed: f64) -> String {
    if speed >= 1.0 || speed <= 0.0 {
        format!("×{}", (speed * 100.0).round() / 100.0)
    } else {
        format!("×1/{}", (1.0 / speed).round())
    }
}

/// Draw the status bar.
pub fn render(frame: &mut Frame, area: Rect, snap: &Snapshot, theme: &Theme) {
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
    spans.extend(limiter_spans(snap, theme));
    // Key hints while whole ones fit: a hint is never cut in half.
    let mut used: usize = spans.iter().map(|s| s.width()).sum();
    for (k, d) in keymap::status_hints() {
        let (key, desc) = (format!(" {k}"), format!(" {d}"));
        used += super::labels::width(&key) + super::labels::width(&desc);
        if used > usize::from(area.width) {
            break;
        }
        spans.push(Span::styled(key, theme.accent));
        spans.push(Span::styled(desc, theme.dim));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The limiter backend: `memory`, or a shared backend's URL (no password) with its health,
/// round-trip time (while healthy) or the policy deciding and its decisions so far (while
/// failing), and the state of the breaker guarding it.
fn limiter_spans(snap: &Snapshot, theme: &Theme) -> Vec<Span<'static>> {
    let info = &snap.limiter;
    let Some(health) = &info.health else {
        return vec![Span::styled(
            format!(" limiter {} │", info.backend),
            theme.dim,
        )];
    };
    let (mark, style) = if health.healthy {
        ("●", theme.good)
    } else {
        ("✗", theme.bad)
    };
    let rtt = health
        .last_rtt_ns
        .map_or_else(|| "-".to_string(), crate::sim::duration::format_duration);
    let guard = match health.guard {
        Some(State::Open) => "guard OPEN",
        Some(State::HalfOpen) => "guard half-open",
        Some(State::Closed) | None => "guard closed",
    };
    // While the backend fails, the policy in force and how often it decided matter more
    // than the last good round trip.
    let detail = if health.healthy {
        format!(" rtt {rtt} {guard} │")
    } else {
        let policy = health.policy.as_deref().unwrap_or("fallback");
        format!(" {policy} decides ({} so far) {guard} │", health.fallbacks)
    };
    vec![
        Span::styled(format!(" {} ", health.backend), theme.text),
        Span::styled(mark, style),
        Span::styled(detail, theme.dim),
    ]
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

    fn text(spans: &[Span]) -> String {
        spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn limiter_backend_and_health_are_shown() {
        use crate::sim::LimiterStatus;
        let theme = Theme::new(crate::tui::theme::ThemeKind::Dark, false);
        let mut engine = crate::sim::Engine::from_scenario(
            &crate::sim::Scenario::builtin("default").expect("shipped"),
            None,
        )
        .expect("valid");
        engine.advance(1);
        let mut snap = engine.snapshot();
        assert_eq!(text(&limiter_spans(&snap, &theme)), " limiter memory │");
        snap.limiter.backend = "redis://127.0.0.1:6379/0".into();
        snap.limiter.health = Some(LimiterStatus {
            backend: "redis://127.0.0.1:6379/0".into(),
            healthy: false,
            last_rtt_ns: Some(81_500),
            guard: Some(State::Open),
            policy: Some("local".into()),
            fallbacks: 3,
            last_error: None,
            ..LimiterStatus::always_healthy("redis://127.0.0.1:6379/0".into())
        });
        let spans = limiter_spans(&snap, &theme);
        assert_eq!(
            text(&spans),
            " redis://127.0.0.1:6379/0 ✗ local decides (3 so far) guard OPEN │"
        );
        assert_eq!(spans[1].style, theme.bad);
    }
}

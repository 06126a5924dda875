//! Traffic: allowed, rate-limited, short-circuited, failed and failed-over requests per
//! virtual second as a line chart, with the last complete second's figures and latency
//! percentiles in a header (readable without colour).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, Paragraph};

use super::format::compact;
use super::panel::panel;
use crate::sim::{SecondSample, Snapshot};
use crate::tui::theme::Theme;

/// Seconds of history charted at most.
pub const CHART_SECONDS: usize = 60;

/// The series of one outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Series {
    /// Admitted by the limiter.
    Allowed,
    /// Denied by the limiter.
    RateLimited,
    /// Rejected by every breaker.
    ShortCircuited,
    /// Failed at a server.
    Failed,
    /// Served by a non-primary owner.
    FailedOver,
}

impl Series {
    /// All series, in legend order.
    pub const ALL: [Series; 5] = [
        Series::Allowed,
        Series::RateLimited,
        Series::ShortCircuited,
        Series::Failed,
        Series::FailedOver,
    ];

    /// Short label.
    pub fn label(self) -> &'static str {
        match self {
            Series::Allowed => "allowed",
            Series::RateLimited => "limited",
            Series::ShortCircuited => "short",
            Series::Failed => "failed",
            Series::FailedOver => "failover",
        }
    }

    /// The count in one sample.
    pub fn value(self, s: &SecondSample) -> u64 {
        match self {
            Series::Allowed => s.allowed,
            Series::RateLimited => s.rate_limited,
            Series::ShortCircuited => s.short_circuited,
            Series::Failed => s.failed,
            Series::FailedOver => s.failed_over,
        }
    }

    fn style(self, theme: &Theme) -> Style {
        match self {
            Series::Allowed => theme.good,
            Series::RateLimited => theme.warn,
            Series::ShortCircuited => theme.muted,
            Series::Failed => theme.bad,
            Series::FailedOver => theme.info,
        }
    }
}

/// Complete seconds only (the current second is still filling), at most `max`.
pub fn complete_seconds(series: &[SecondSample], now_ns: u64, max: usize) -> &[SecondSample] {
    let current = now_ns / 1_000_000_000;
    let end = series.partition_point(|s| s.second < current);
    &series[end.saturating_sub(max)..end]
}

/// Draw the traffic panel.
pub fn render(frame: &mut Frame, area: Rect, snap: &Snapshot, theme: &Theme) {
    let lat = snap.latency;
    let title = format!("Traffic /s · p50 {:.1}ms p99 {:.1}ms", lat.p50, lat.p99);
    let block = panel(&title, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.is_empty() {
        return;
    }
    let header_h = if inner.height >= 6 { 2 } else { 1 };
    let [header, chart_area] =
        Layout::vertical([Constraint::Length(header_h), Constraint::Min(0)]).areas(inner);
    let samples = complete_seconds(&snap.series, snap.now_ns, CHART_SECONDS);
    let last = samples.last().copied().unwrap_or_default();
    let header_lines = header_lines(snap, &last, header_h, theme);
    frame.render_widget(Paragraph::new(header_lines), header);
    if chart_area.height < 3 || samples.is_empty() {
        return;
    }
    chart(frame, chart_area, samples, theme);
}

/// The figures of the last complete second: two roomy lines, or one compact line.
fn header_lines(
    snap: &Snapshot,
    last: &SecondSample,
    header_h: u16,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let item = |s: Series| {
        Span::styled(
            format!("{} {}  ", s.label(), compact(s.value(last))),
            s.style(theme),
        )
    };
    let compact_line = || {
        Line::from(
            Series::ALL
                .iter()
                .map(|s| {
                    let short = &s.label()[..s.label().len().min(5)];
                    Span::styled(
                        format!("{short} {} ", compact(s.value(last))),
                        s.style(theme),
                    )
                })
                .collect::<Vec<_>>(),
        )
    };
    if header_h == 1 {
        vec![compact_line()]
    } else {
        vec![
            Line::from(vec![
                item(Series::Allowed),
                item(Series::RateLimited),
                item(Series::ShortCircuited),
            ]),
            Line::from(vec![
                item(Series::Failed),
                item(Series::FailedOver),
                Span::styled(format!("offered {:.0}", snap.rate), theme.dim),
            ]),
        ]
    }
}

/// The chart of `samples` (complete seconds, at least one), one line per series.
fn chart(frame: &mut Frame, area: Rect, samples: &[SecondSample], theme: &Theme) {
    let last = samples[samples.len() - 1];
    let data: Vec<Vec<(f64, f64)>> = Series::ALL
        .iter()
        .map(|s| {
            samples
                .iter()
                .map(|x| (x.second as f64, s.value(x) as f64))
                .collect()
        })
        .collect();
    let max = data.iter().flatten().map(|p| p.1).fold(1.0f64, f64::max) * 1.1;
    let x0 = samples[0].second as f64;
    let x1 = (last.second as f64).max(x0 + 1.0);
    let datasets = Series::ALL
        .iter()
        .zip(&data)
        .map(|(s, d)| {
            Dataset::default()
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(s.style(theme))
                .data(d)
        })
        .collect();
    let chart = Chart::new(datasets)
        .legend_position(None)
        .x_axis(Axis::default().bounds([x0, x1]).style(theme.dim))
        .y_axis(
            Axis::default()
                .bounds([0.0, max])
                .labels([Span::raw("0"), Span::raw(compact(max as u64))])
                .style(theme.dim),
        );
    frame.render_widget(chart, area);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_complete_seconds_are_charted() {
        let s: Vec<SecondSample> = (0..5)
            .map(|second| SecondSample {
                second,
                ..Default::default()
            })
            .collect();
        // At t = 4.5 s, second 4 is still filling.
        let c = complete_seconds(&s, 4_500_000_000, 60);
        assert_eq!(c.first().unwrap().second, 0);
        assert_eq!(c.last().unwrap().second, 3);
        assert_eq!(complete_seconds(&s, 4_500_000_000, 2).len(), 2);
        assert!(complete_seconds(&s, 0, 60).is_empty());
    }
}

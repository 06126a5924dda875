//! Traffic: allowed, rate-limited, short-circuited, failed, failed-over and retried
//! requests per virtual second as a line chart on the shared [time axis](super::time_axis)
//! (the same window and ticks as the breaker timeline), with the last complete second's
//! figures (retries and amplification included) and latency percentiles in a header.
//!
//! Header figures are whole items `label value`; when a line has no room for all of them,
//! whole items are left out, lowest [`Figure::priority`] first (never a cut label or number).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::widgets::canvas::{Canvas, Line as CanvasLine};

use super::format::compact;
use super::labels::{Column, first_that_fits, fit_columns, width};
use super::panel::panel;
use super::time_axis::{TimeAxis, WINDOW_NS};
use crate::sim::{SecondSample, Snapshot};
use crate::tui::theme::Theme;

/// Seconds of history charted at most (the window, and one more second at its left edge).
pub const CHART_SECONDS: usize = (WINDOW_NS / 1_000_000_000) as usize + 1;

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
    /// Attempts that were client retries.
    Retries,
}

impl Series {
    /// All series, in legend order.
    pub const ALL: [Series; 6] = [
        Series::Allowed,
        Series::RateLimited,
        Series::ShortCircuited,
        Series::Failed,
        Series::FailedOver,
        Series::Retries,
    ];

    /// Short label.
    pub fn label(self) -> &'static str {
        match self {
            Series::Allowed => "allowed",
            Series::RateLimited => "limited",
            Series::ShortCircuited => "short",
            Series::Failed => "failed",
            Series::FailedOver => "failover",
            Series::Retries => "retries",
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
            Series::Retries => s.retries,
        }
    }

    fn style(self, theme: &Theme) -> Style {
        match self {
            Series::Allowed => theme.good,
            Series::RateLimited => theme.warn,
            Series::ShortCircuited => theme.muted,
            Series::Failed => theme.bad,
            Series::FailedOver => theme.info,
            Series::Retries => theme.accent,
        }
    }
}

/// Complete seconds only (the current second is still filling), at most `max`.
pub fn complete_seconds(series: &[SecondSample], now_ns: u64, max: usize) -> &[SecondSample] {
    let current = now_ns / 1_000_000_000;
    let end = series.partition_point(|s| s.second < current);
    &series[end.saturating_sub(max)..end]
}

/// One figure of the header: a series, the offered load or the amplification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Figure {
    /// One series' count.
    Series(Series),
    /// Attempts offered to the limiter, retries included.
    Offered,
    /// Offered load (retries included) ÷ base offered load (first attempts).
    Amplification,
}

impl Figure {
    /// Figures in display order.
    pub const ALL: [Figure; 8] = [
        Figure::Series(Series::Allowed),
        Figure::Series(Series::RateLimited),
        Figure::Series(Series::ShortCircuited),
        Figure::Series(Series::Failed),
        Figure::Series(Series::FailedOver),
        Figure::Series(Series::Retries),
        Figure::Amplification,
        Figure::Offered,
    ];

    /// Higher stays longer when a line is short of room: allowed 8, failed 7, limited 6,
    /// short-circuited 5, retries 4, amplification 3, failover 2, offered 1.
    pub fn priority(self) -> u8 {
        match self {
            Figure::Series(Series::Allowed) => 8,
            Figure::Series(Series::Failed) => 7,
            Figure::Series(Series::RateLimited) => 6,
            Figure::Series(Series::ShortCircuited) => 5,
            Figure::Series(Series::Retries) => 4,
            Figure::Amplification => 3,
            Figure::Series(Series::FailedOver) => 2,
            Figure::Offered => 1,
        }
    }

    /// `label value` for the sample `s`.
    pub fn text(self, s: &SecondSample) -> String {
        match self {
            Figure::Series(series) => format!("{} {}", series.label(), compact(series.value(s))),
            Figure::Offered => format!("offered {}", compact(s.offered)),
            Figure::Amplification => format!("amp {}", amplification(s)),
        }
    }

    fn style(self, theme: &Theme) -> Style {
        match self {
            Figure::Series(s) => s.style(theme),
            Figure::Offered | Figure::Amplification => theme.text,
        }
    }
}

/// Offered load including retries ÷ base offered load, as `×1.00` (`×1.00` with no load;
/// `×∞` when every attempt was a retry).
pub fn amplification(s: &SecondSample) -> String {
    let offered = s.offered;
    let base = offered.saturating_sub(s.retries);
    match (offered, base) {
        (0, _) => "×1.00".to_string(),
        (_, 0) => "×∞".to_string(),
        _ => format!("×{:.2}", offered as f64 / base as f64),
    }
}

/// The figures that fit in `available` cells, whole, in display order.
fn fit_figures(figures: &[Figure], s: &SecondSample, available: usize) -> Vec<(Figure, String)> {
    let texts: Vec<String> = figures.iter().map(|f| f.text(s)).collect();
    let cols: Vec<Column> = figures
        .iter()
        .zip(&texts)
        .map(|(f, t)| Column {
            width: width(t) + 2,
            priority: f.priority(),
        })
        .collect();
    // The last item needs no trailing separator.
    let shown = fit_columns(available + 2, &cols);
    figures
        .iter()
        .zip(texts)
        .zip(shown)
        .filter_map(|((f, t), keep)| keep.then_some((*f, t)))
        .collect()
}

/// Height of the header: two roomy lines, or one compact line on a short panel.
fn header_height(inner: Rect) -> u16 {
    if inner.height >= 6 { 2 } else { 1 }
}

/// Width of the y-axis gutter (labels and the axis line) for `samples`.
fn gutter_width(samples: &[SecondSample]) -> usize {
    width(&compact(y_max(samples))) + 1
}

/// The top of the y axis: the largest count charted, plus a tenth.
fn y_max(samples: &[SecondSample]) -> u64 {
    let max = samples
        .iter()
        .flat_map(|s| Series::ALL.map(|series| series.value(s)))
        .max()
        .unwrap_or(0);
    (max + max / 10).max(1)
}

/// Cells of the plot in a panel drawn at `area`.
pub fn plot_width(area: Rect, snap: &Snapshot) -> usize {
    let samples = complete_seconds(&snap.series, snap.now_ns, CHART_SECONDS);
    (area.width as usize).saturating_sub(2 + gutter_width(samples))
}

/// Draw the traffic panel.
pub fn render(frame: &mut Frame, area: Rect, snap: &Snapshot, theme: &Theme) {
    let lat = snap.latency;
    // The configured base rate (before retries) stays longest: captions quote it.
    let base = format!("base {:.0}/s", snap.rate);
    let title = first_that_fits(
        [
            format!(
                "Traffic /s · {base} · p50 {:.1}ms p99 {:.1}ms",
                lat.p50, lat.p99
            ),
            format!("Traffic /s · {base} · p99 {:.1}ms", lat.p99),
            format!("Traffic · {base}"),
            "Traffic".to_string(),
        ],
        usize::from(area.width).saturating_sub(4),
    );
    let block = panel(&title, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.is_empty() {
        return;
    }
    let header_h = header_height(inner);
    let [header, chart_area] =
        Layout::vertical([Constraint::Length(header_h), Constraint::Min(0)]).areas(inner);
    let samples = complete_seconds(&snap.series, snap.now_ns, CHART_SECONDS);
    let last = samples.last().copied().unwrap_or_default();
    let header_lines = header_lines(&last, header_h, inner.width as usize, theme);
    frame.render_widget(Paragraph::new(header_lines), header);
    if chart_area.height < 3 {
        return;
    }
    let axis = TimeAxis::new(snap.now_ns, plot_width(area, snap));
    chart(frame, chart_area, samples, axis, theme);
}

/// The figures of the last complete second: two lines, or one.
fn header_lines(
    last: &SecondSample,
    header_h: u16,
    available: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let line = |figures: &[Figure]| {
        Line::from(
            fit_figures(figures, last, available)
                .into_iter()
                .enumerate()
                .map(|(i, (f, t))| {
                    let sep = if i == 0 { "" } else { "  " };
                    Span::styled(format!("{sep}{t}"), f.style(theme))
                })
                .collect::<Vec<_>>(),
        )
    };
    if header_h == 1 {
        vec![line(&Figure::ALL)]
    } else {
        vec![line(&Figure::ALL[..4]), line(&Figure::ALL[4..])]
    }
}

/// The chart: a y-axis gutter, the plot (one line per series) on `axis`, and the tick row.
fn chart(frame: &mut Frame, area: Rect, samples: &[SecondSample], axis: TimeAxis, theme: &Theme) {
    let gutter = gutter_width(samples) as u16;
    let plot_h = area.height - 1;
    let top = y_max(samples);
    let mut gutter_lines = vec![Line::styled(
        format!("{:>w$}│", compact(top), w = gutter as usize - 1),
        theme.dim,
    )];
    for row in 1..plot_h {
        let label = if row + 1 == plot_h { "0" } else { "" };
        gutter_lines.push(Line::styled(
            format!("{label:>w$}│", w = gutter as usize - 1),
            theme.dim,
        ));
    }
    gutter_lines.push(Line::styled(
        format!("{:w$}{}", "", axis.tick_row(), w = gutter as usize),
        theme.dim,
    ));
    frame.render_widget(Paragraph::new(gutter_lines), area);
    let plot = Rect {
        x: area.x + gutter,
        y: area.y,
        width: (axis.cols as u16).min(area.width.saturating_sub(gutter)),
        height: plot_h,
    };
    if plot.width == 0 || samples.is_empty() {
        return;
    }
    let points: Vec<(f64, &SecondSample)> = samples
        .iter()
        .filter_map(|s| sample_x(axis, s.second).map(|x| (x, s)))
        .collect();
    let canvas = Canvas::default()
        .marker(Marker::Braille)
        .x_bounds([0.0, (2 * axis.cols - 1) as f64])
        .y_bounds([0.0, top as f64])
        .paint(|ctx| {
            for series in Series::ALL {
                let color = series.style(theme).fg.unwrap_or(Color::Reset);
                for pair in points.windows(2) {
                    let (x1, a) = pair[0];
                    let (x2, b) = pair[1];
                    ctx.draw(&CanvasLine {
                        x1,
                        y1: series.value(a) as f64,
                        x2,
                        y2: series.value(b) as f64,
                        color,
                    });
                }
                if let [(x, s)] = points[..] {
                    ctx.draw(&CanvasLine {
                        x1: x,
                        y1: series.value(s) as f64,
                        x2: x,
                        y2: series.value(s) as f64,
                        color,
                    });
                }
            }
        });
    frame.render_widget(canvas, plot);
}

/// Where the sample of virtual second `second` is plotted, in braille dots from the plot's
/// left edge (two per cell): at the middle of the second, in the column the
/// [`TimeAxis`] gives that instant, so the chart and the breaker timeline agree.
pub fn sample_x(axis: TimeAxis, second: u64) -> Option<f64> {
    let mid = i128::from(second) * 1_000_000_000 + 500_000_000;
    let c = axis.column_of(mid)?;
    let (lo, hi) = axis.span(c);
    let right_half = (mid - lo) * 2 >= hi - lo;
    Some((2 * c + usize::from(right_half)) as f64)
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

    #[test]
    fn a_second_is_drawn_in_the_column_the_timeline_gives_its_instant() {
        // The same axis (window, now, width) as the breaker timeline: the sample of second
        // s lands in the column whose span holds the middle of s.
        for cols in [13, 30, 53, 97] {
            let axis = TimeAxis::new(41_300_000_000, cols);
            for second in 11..41 {
                let x = sample_x(axis, second).expect("inside the window");
                let c = x as usize / 2;
                let (lo, hi) = axis.span(c);
                let mid = i128::from(second) * 1_000_000_000 + 500_000_000;
                assert!(lo <= mid && mid < hi, "{cols} cols, second {second}");
            }
            assert_eq!(sample_x(axis, 10), None);
        }
    }

    #[test]
    fn amplification_is_offered_over_first_attempts() {
        let s = SecondSample {
            offered: 4_000,
            allowed: 3_000,
            rate_limited: 1_000,
            retries: 2_000,
            ..Default::default()
        };
        assert_eq!(amplification(&s), "×2.00");
        assert_eq!(amplification(&SecondSample::default()), "×1.00");
        let all_retries = SecondSample {
            offered: 5,
            allowed: 5,
            retries: 5,
            ..Default::default()
        };
        assert_eq!(amplification(&all_retries), "×∞");
        // Items are whole or absent: in 24 cells only the two highest-priority ones fit.
        let shown = fit_figures(&Figure::ALL, &s, 24);
        let labels: Vec<String> = shown.into_iter().map(|(_, t)| t).collect();
        assert_eq!(labels, ["allowed 3000", "failed 0"]);
    }
}

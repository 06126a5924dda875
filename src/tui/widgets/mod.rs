//! Screen regions, one render function per region (trippy style), and the layout that
//! places them. Every function draws from a [`Snapshot`](crate::sim::Snapshot) and the
//! [`App`] view state only.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph, Wrap};

use super::app::App;
use super::theme::Theme;

pub mod breaker_timeline;
pub mod bucket_bars;
pub mod event_log;
pub mod help;
pub mod ring_gauge;
pub mod status_bar;
pub mod traffic;

/// Smallest usable width (columns); below it the "too small" screen is shown.
pub const MIN_WIDTH: u16 = 80;
/// Smallest usable height (rows).
pub const MIN_HEIGHT: u16 = 24;

/// Where each region goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Regions {
    /// Scenario caption (one line).
    pub caption: Rect,
    /// Ring gauge and legend.
    pub ring: Rect,
    /// Token buckets.
    pub buckets: Rect,
    /// Breaker timeline.
    pub breakers: Rect,
    /// Traffic chart.
    pub traffic: Rect,
    /// Event log.
    pub log: Rect,
    /// Status bar (one line).
    pub status: Rect,
}

/// The layout for `area`, or `None` when it is below the minimum size.
pub fn layout(area: Rect, caption_lines: u16) -> Option<Regions> {
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        return None;
    }
    let [caption, body, status] = Layout::vertical([
        Constraint::Length(caption_lines.clamp(1, 2)),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    let [top, middle, log] = Layout::vertical([
        Constraint::Percentage(46),
        Constraint::Percentage(32),
        Constraint::Min(4),
    ])
    .areas(body);
    let [ring, buckets] =
        Layout::horizontal([Constraint::Percentage(58), Constraint::Min(0)]).areas(top);
    let [breakers, traffic] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Min(0)]).areas(middle);
    Some(Regions {
        caption,
        ring,
        buckets,
        breakers,
        traffic,
        log,
        status,
    })
}

/// A bordered panel with a title.
pub fn panel<'a>(title: &'a str, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(theme.border)
        .title(Span::styled(format!(" {title} "), theme.title))
}

/// Draw the whole screen; returns where the legend rows were drawn (for mouse clicks)
/// and the index of the server in the first legend row.
pub fn render(frame: &mut Frame, app: &App) -> Option<(Rect, usize)> {
    let area = frame.area();
    if area.is_empty() {
        return None;
    }
    if app.present() || app.focus() != super::keymap::Focus::All {
        let legend = super::present::render(frame, app);
        if app.help_open() {
            help::render(frame, area, &app.theme);
        }
        return legend;
    }
    let Some(regions) = layout(area, event_log::caption_lines(app, area.width)) else {
        too_small(frame, area, &app.theme);
        return None;
    };
    event_log::render_caption(frame, regions.caption, app);
    let legend = ring_gauge::render(frame, regions.ring, app);
    bucket_bars::render(frame, regions.buckets, app);
    breaker_timeline::render(frame, regions.breakers, app);
    traffic::render(frame, regions.traffic, app);
    event_log::render(frame, regions.log, app);
    status_bar::render(frame, regions.status, app);
    if app.help_open() {
        help::render(frame, area, &app.theme);
    }
    legend
}

/// The 'terminal too small' screen.
pub fn too_small(frame: &mut Frame, area: Rect, theme: &Theme) {
    let text = vec![
        Line::styled("Terminal too small", theme.warn),
        Line::styled(
            format!(
                "{}×{}, need {MIN_WIDTH}×{MIN_HEIGHT}",
                area.width, area.height
            ),
            theme.text,
        ),
        Line::styled("q quits", theme.dim),
    ];
    let top = area.height.saturating_sub(3) / 2;
    let inner = Rect {
        y: area.y + top,
        height: area.height - top,
        ..area
    };
    frame.render_widget(
        Paragraph::new(text)
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true }),
        inner,
    );
}

/// Compact count: `999`, `12.3k`, `4.5M`.
pub fn compact(n: u64) -> String {
    match n {
        0..=9_999 => n.to_string(),
        10_000..=999_999 => format!("{:.1}k", n as f64 / 1e3),
        _ => format!("{:.1}M", n as f64 / 1e6),
    }
}

/// Virtual time as `12.3s` or `4m05s`.
pub fn clock(ns: u64) -> String {
    let s = ns as f64 / 1e9;
    if s < 600.0 {
        format!("{s:.1}s")
    } else {
        let whole = ns / 1_000_000_000;
        format!("{}m{:02}s", whole / 60, whole % 60)
    }
}

/// First server row to show in a list of `rows` rows so that the selected server stays
/// visible (the legend and the breaker timeline scroll together).
pub fn first_visible_row(app: &App, rows: usize) -> usize {
    app.selected()
        .map_or(0, |s| s.saturating_sub(rows.saturating_sub(1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_requires_the_minimum_and_fills_the_screen() {
        assert!(layout(Rect::new(0, 0, 79, 24), 1).is_none());
        assert!(layout(Rect::new(0, 0, 80, 23), 1).is_none());
        for (w, h) in [(80, 24), (120, 40), (200, 60)] {
            let r = layout(Rect::new(0, 0, w, h), 2).unwrap();
            assert_eq!(r.status.y, h - 1);
            assert_eq!(r.caption.y, 0);
            assert_eq!(r.ring.width + r.buckets.width, w);
            assert_eq!(r.log.y + r.log.height, h - 1);
            assert!(r.ring.height >= 9, "ring too short at {w}x{h}: {r:?}");
            assert!(r.breakers.height >= 5, "timeline too short at {w}x{h}");
        }
    }

    #[test]
    fn compact_and_clock_format() {
        assert_eq!(compact(999), "999");
        assert_eq!(compact(12_345), "12.3k");
        assert_eq!(compact(4_500_000), "4.5M");
        assert_eq!(clock(12_300_000_000), "12.3s");
        assert_eq!(clock(605_000_000_000), "10m05s");
    }
}

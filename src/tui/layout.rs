//! Where each panel goes, for the dashboard and for the presenter layout.
//!
//! ```text
//!  dashboard (default)                        presenter (--present, or a focused panel)
//! ┌──────────────────────────────────────┐   ┌──────────────────────────────────────┐
//! │ caption (1–3 lines)                  │   │ caption box (1–3 lines + border)     │
//! ├───────────────────────┬──────────────┤   ├────────────────────────┬─────────────┤
//! │ ring gauge + legend   │ buckets      │   │ ring gauge + legend    │ buckets     │
//! │ (58%)                 │              │   │ (64%)                  │             │
//! ├──────────────────┬────┴──────────────┤   │              (top row: 62% of body)  │
//! │ breaker timeline │ traffic           │   ├────────────────────────┴─────────────┤
//! │ (50%)            │                   │   │ breaker timeline                     │
//! ├──────────────────┴───────────────────┤   │                                      │
//! │ event log (the rest, at least 4)     │   │                                      │
//! ├──────────────────────────────────────┤   ├──────────────────────────────────────┤
//! │ status bar (1 line)                  │   │ status bar (1 line)                  │
//! └──────────────────────────────────────┘   └──────────────────────────────────────┘
//!   body rows: top 46%, middle 32%           a focused panel (`1`/`2`/`3`) takes the
//!                                            whole body
//! ```
//!
//! Below [`MIN_WIDTH`]×[`MIN_HEIGHT`] neither layout exists and the "too small" screen is
//! drawn instead.

use ratatui::layout::{Constraint, Layout, Rect};

use super::state::Focus;

/// Smallest usable width (columns); below it the "too small" screen is shown.
pub const MIN_WIDTH: u16 = 80;
/// Smallest usable height (rows).
pub const MIN_HEIGHT: u16 = 24;
/// Most caption lines the dashboard shows (every shipped caption fits at the minimum width).
pub const DASHBOARD_CAPTION_LINES: u16 = 3;
/// Most caption lines the presenter layout shows (longer captions are cut).
pub const CAPTION_LINES: u16 = 3;
/// Share of the width the ring takes beside the buckets in the presenter layout (percent).
pub const RING_WIDTH_PERCENT: u16 = 64;
/// Share of the body height of the ring/buckets row in the presenter layout (percent).
pub const TOP_ROW_PERCENT: u16 = 62;

/// Dashboard body, top to bottom: ring and buckets, breakers and traffic, event log.
const DASHBOARD_BODY: [Constraint; 3] = [
    Constraint::Percentage(46),
    Constraint::Percentage(32),
    Constraint::Min(4),
];
/// Dashboard top row, left to right: ring, buckets.
const DASHBOARD_TOP: [Constraint; 2] = [Constraint::Percentage(58), Constraint::Min(0)];
/// Dashboard middle row, left to right: breakers, traffic.
const DASHBOARD_MIDDLE: [Constraint; 2] = [Constraint::Percentage(50), Constraint::Min(0)];
/// Presenter body with every panel, top to bottom: ring and buckets, breakers.
const PRESENTER_BODY: [Constraint; 2] =
    [Constraint::Percentage(TOP_ROW_PERCENT), Constraint::Min(0)];
/// Presenter top row, left to right: ring, buckets.
const PRESENTER_TOP: [Constraint; 2] = [
    Constraint::Percentage(RING_WIDTH_PERCENT),
    Constraint::Min(0),
];

/// Both layouts, top to bottom: a caption `caption_height` rows tall, the body, the
/// status bar.
const fn screen(caption_height: u16) -> [Constraint; 3] {
    [
        Constraint::Length(caption_height),
        Constraint::Min(0),
        Constraint::Length(1),
    ]
}

/// Where each region of the dashboard goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Regions {
    /// Scenario caption (one or two lines).
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

/// Where each region of the presenter layout goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TalkRegions {
    /// The caption box.
    pub caption: Rect,
    /// Ring gauge (absent when another panel is focused).
    pub ring: Option<Rect>,
    /// Token buckets.
    pub buckets: Option<Rect>,
    /// Breaker timeline.
    pub breakers: Option<Rect>,
    /// Status bar (one line).
    pub status: Rect,
}

fn usable(area: Rect) -> bool {
    area.width >= MIN_WIDTH && area.height >= MIN_HEIGHT
}

/// The dashboard for `area` with a caption of `caption_lines` lines, or `None` below the
/// minimum size.
pub fn dashboard(area: Rect, caption_lines: u16) -> Option<Regions> {
    if !usable(area) {
        return None;
    }
    let [caption, body, status] =
        Layout::vertical(screen(caption_lines.clamp(1, DASHBOARD_CAPTION_LINES))).areas(area);
    let [top, middle, log] = Layout::vertical(DASHBOARD_BODY).areas(body);
    let [ring, buckets] = Layout::horizontal(DASHBOARD_TOP).areas(top);
    let [breakers, traffic] = Layout::horizontal(DASHBOARD_MIDDLE).areas(middle);
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

/// The presenter layout for `area` with a caption of `caption_lines` lines, or `None`
/// below the minimum size. `Focus::All` shows ring and buckets side by side above the
/// breakers; any other focus gives the whole body to that panel.
pub fn presenter(area: Rect, focus: Focus, caption_lines: u16) -> Option<TalkRegions> {
    if !usable(area) {
        return None;
    }
    let [caption, body, status] =
        Layout::vertical(screen(caption_lines.clamp(1, CAPTION_LINES) + 2)).areas(area);
    let (ring, buckets, breakers) = match focus {
        Focus::All => {
            let [top, bottom] = Layout::vertical(PRESENTER_BODY).areas(body);
            let [ring, buckets] = Layout::horizontal(PRESENTER_TOP).areas(top);
            (Some(ring), Some(buckets), Some(bottom))
        }
        Focus::Ring => (Some(body), None, None),
        Focus::Buckets => (None, Some(body), None),
        Focus::Breakers => (None, None, Some(body)),
    };
    Some(TalkRegions {
        caption,
        ring,
        buckets,
        breakers,
        status,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dashboard_requires_the_minimum_and_fills_the_screen() {
        assert!(dashboard(Rect::new(0, 0, 79, 24), 1).is_none());
        assert!(dashboard(Rect::new(0, 0, 80, 23), 1).is_none());
        for (w, h) in [(80, 24), (120, 40), (200, 60)] {
            let r = dashboard(Rect::new(0, 0, w, h), 2).unwrap();
            assert_eq!(r.status.y, h - 1);
            assert_eq!(r.caption.y, 0);
            assert_eq!(r.ring.width + r.buckets.width, w);
            assert_eq!(r.log.y + r.log.height, h - 1);
            assert!(r.ring.height >= 9, "ring too short at {w}x{h}: {r:?}");
            assert!(r.breakers.height >= 5, "timeline too short at {w}x{h}");
        }
    }

    #[test]
    fn presenter_focuses_one_panel_or_shows_three() {
        let area = Rect::new(0, 0, 100, 30);
        let all = presenter(area, Focus::All, 2).unwrap();
        assert!(all.ring.is_some() && all.buckets.is_some() && all.breakers.is_some());
        assert_eq!(all.caption.height, 4);
        assert_eq!(all.status.y, 29);
        let ring = presenter(area, Focus::Ring, 1).unwrap();
        assert!(ring.buckets.is_none() && ring.breakers.is_none());
        assert_eq!(ring.ring.unwrap().height, 30 - 3 - 1);
        let b = presenter(area, Focus::Breakers, 9).unwrap();
        assert_eq!(b.caption.height, CAPTION_LINES + 2);
        assert!(presenter(Rect::new(0, 0, 60, 20), Focus::All, 1).is_none());
    }
}

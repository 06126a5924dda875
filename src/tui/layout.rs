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
//!
//! Inside the ring panel ([`ring_panel`]) the circle takes the full height, as wide as it
//! is tall (two columns a row), with the legend beside it; only when the width leaves the
//! legend less than [`RING_LEGEND_MIN_WIDTH`] does the legend go under a smaller circle.
//! Text lines other panels' overlays ask for (a key trace) go under the legend:
//!
//! ```text
//!  legend beside (every supported size)        legend below (narrow panels)
//! ┌─────────────────┬─┬──────────────────┐     ┌──────────────────────────┐
//! │     ⣀⠤⠤⠤⠤⣀      │ │ legend           │     │        ⣀⠤⠤⠤⠤⣀            │
//! │   ⡔⠁     ⠈⢢    │ │                  │     │      ⡇   ring   ⢸           │
//! │  ⡇  ring    ⢸   │ │                  │     │        ⠉⠒⠒⠒⠒⠉            │
//! │   ⠣⡀     ⢀⠜    │ ├──────────────────┤     ├──────────────────────────┤
//! │     ⠉⠒⠒⠒⠒⠉      │ │ extra text lines │     │ legend, then extra lines │
//! └─────────────────┴─┴──────────────────┘     └──────────────────────────┘
//!   circle: 2·rows columns × all rows
//! ```

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

/// Narrowest legend kept beside the circle (marker, swatch, name, share, breaker state).
pub const RING_LEGEND_MIN_WIDTH: u16 = 26;
/// Smallest share of the panel's rows the circle keeps when it shrinks to leave the legend
/// [`RING_LEGEND_MIN_WIDTH`] beside it (percent); narrower, the legend goes below.
pub const RING_MIN_HEIGHT_PERCENT: u16 = 85;
/// Rows the legend gets when it goes under the circle.
pub const RING_LEGEND_BELOW_ROWS: u16 = 6;

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

/// Where the parts of the ring panel go (inside its border).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RingRegions {
    /// The circle's canvas: as many columns as twice its rows, so the circle is round.
    pub circle: Rect,
    /// The legend (beside the circle, or under it in narrow panels).
    pub legend: Rect,
    /// The text lines asked for by overlays, under the legend (empty when none are asked).
    pub extra: Rect,
}

/// The ring panel's `inner` area split into circle, legend and `extra_lines` lines of text
/// for overlays (see the module docs).
pub fn ring_panel(inner: Rect, extra_lines: u16) -> RingRegions {
    let full = inner.height;
    let least = (u32::from(full) * u32::from(RING_MIN_HEIGHT_PERCENT)).div_ceil(100) as u16;
    let beside = (inner.width.saturating_sub(1 + RING_LEGEND_MIN_WIDTH) / 2).min(full);
    if beside >= least.max(1) {
        let circle = Rect {
            width: beside * 2,
            height: beside,
            y: inner.y + (full - beside) / 2,
            ..inner
        };
        let side = Rect {
            x: inner.x + circle.width + 1,
            width: inner.width - circle.width - 1,
            ..inner
        };
        let (legend, extra) = split_off_bottom(side, extra_lines);
        return RingRegions {
            circle,
            legend,
            extra,
        };
    }
    let below = (RING_LEGEND_BELOW_ROWS + extra_lines).min(full / 2);
    let rows = (full - below).min(inner.width / 2);
    let circle = Rect {
        x: inner.x + (inner.width - rows * 2) / 2,
        width: rows * 2,
        height: rows,
        ..inner
    };
    let under = Rect {
        y: inner.y + rows,
        height: full - rows,
        ..inner
    };
    let (legend, extra) = split_off_bottom(under, extra_lines);
    RingRegions {
        circle,
        legend,
        extra,
    }
}

/// `area` less its last `lines` rows (at most half of it), and those rows.
fn split_off_bottom(area: Rect, lines: u16) -> (Rect, Rect) {
    let lines = lines.min(area.height / 2);
    let [top, bottom] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(lines)]).areas(area);
    (top, bottom)
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

/// Smallest terminal the comparison (`--compare`) is drawn in: two dashboards' panels
/// side by side and the scoreboard between them.
pub const COMPARE_MIN: (u16, u16) = (100, 30);
/// Width of the scoreboard column between side A and side B.
pub const SCOREBOARD_WIDTH: u16 = 24;
/// Heights of the paired rows, top to bottom: ring, buckets, breakers, traffic.
const COMPARE_ROWS: [Constraint; 4] = [
    Constraint::Percentage(34),
    Constraint::Percentage(20),
    Constraint::Percentage(22),
    Constraint::Min(0),
];

/// The paired rows' heights for `focus`: all four, or the focused pattern's row alone (the
/// others empty).
fn compare_rows(focus: Focus) -> [Constraint; 4] {
    let alone = |i: usize| {
        let mut rows = [Constraint::Length(0); 4];
        rows[i] = Constraint::Min(0);
        rows
    };
    match focus {
        Focus::All => COMPARE_ROWS,
        Focus::Ring => alone(0),
        Focus::Buckets => alone(1),
        Focus::Breakers => alone(2),
    }
}

/// Where each region of the comparison goes: the caption, a head row naming the sides,
/// four paired rows (ring, buckets, breakers, traffic), each `[A, scores, B]`, and the
/// status bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompareRegions {
    /// Scenario caption.
    pub caption: Rect,
    /// Side A's name, the scoreboard's, side B's.
    pub heads: [Rect; 3],
    /// Ring, buckets, breakers and traffic rows, each `[A, scores, B]`.
    pub rows: [[Rect; 3]; 4],
    /// Status bar.
    pub status: Rect,
}

/// The comparison for `area` with a caption of `caption_lines` lines, or `None` below
/// [`COMPARE_MIN`]; a focused pattern (`1`/`2`/`3`) gets the whole body for its row, the
/// other rows are empty:
///
/// ```text
/// │ caption                                            │
/// │ A · as written        │ A  vs  B │ B · vnodes=8    │
/// │ ring A                │ ring     │ ring B          │  34%
/// │ buckets A             │ limiting │ buckets B       │  20%
/// │ breakers A            │ breaking │ breakers B      │  22%
/// │ traffic A             │ traffic  │ traffic B       │  the rest
/// │ status bar                                         │
/// ```
pub fn compare(area: Rect, caption_lines: u16, focus: Focus) -> Option<CompareRegions> {
    if area.width < COMPARE_MIN.0 || area.height < COMPARE_MIN.1 {
        return None;
    }
    let [caption, body, status] =
        Layout::vertical(screen(caption_lines.clamp(1, DASHBOARD_CAPTION_LINES))).areas(area);
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(body);
    let columns = [
        Constraint::Fill(1),
        Constraint::Length(SCOREBOARD_WIDTH),
        Constraint::Fill(1),
    ];
    let heads: [Rect; 3] = Layout::horizontal(columns).areas(head);
    let rows: [Rect; 4] = Layout::vertical(compare_rows(focus)).areas(body);
    Some(CompareRegions {
        caption,
        heads,
        rows: rows.map(|row| Layout::horizontal(columns).areas(row)),
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
    fn compare_pairs_every_row_and_fills_the_screen() {
        assert!(compare(Rect::new(0, 0, 99, 40), 1, Focus::All).is_none());
        assert!(compare(Rect::new(0, 0, 120, 29), 1, Focus::All).is_none());
        for (w, h) in [(100, 30), (120, 40), (200, 60)] {
            let r = compare(Rect::new(0, 0, w, h), 1, Focus::All).unwrap();
            assert_eq!((r.caption.y, r.heads[0].y, r.status.y), (0, 1, h - 1));
            let mut y = 2;
            for [a, score, b] in r.rows {
                assert_eq!((a.y, score.y, b.y), (y, y, y), "{w}x{h}");
                assert_eq!(a.width + score.width + b.width, w);
                assert_eq!(score.width, SCOREBOARD_WIDTH);
                assert!(a.width.abs_diff(b.width) <= 1);
                y += a.height;
            }
            assert_eq!(y, h - 1, "the rows reach the status bar");
            // A focused pattern's row takes the whole body.
            for (i, focus) in [Focus::Ring, Focus::Buckets, Focus::Breakers]
                .into_iter()
                .enumerate()
            {
                let r = compare(Rect::new(0, 0, w, h), 1, focus).unwrap();
                for (k, row) in r.rows.iter().enumerate() {
                    let want = if k == i { h - 3 } else { 0 };
                    assert_eq!(row[0].height, want, "{focus:?} row {k}");
                }
            }
        }
    }

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

    #[test]
    fn the_circle_is_round_and_as_tall_as_the_panel_with_the_legend_beside() {
        let inner = Rect::new(1, 1, 68, 14);
        let r = ring_panel(inner, 0);
        assert_eq!(r.circle, Rect::new(1, 1, 28, 14));
        assert_eq!(r.legend, Rect::new(30, 1, 39, 14));
        assert!(r.extra.is_empty());
        let r = ring_panel(inner, 3);
        assert_eq!(r.circle.height, 14, "extra lines do not shrink the circle");
        assert_eq!((r.legend.height, r.extra.height), (11, 3));
        assert_eq!(r.extra.y, r.legend.y + 11);
        // A little narrow: the circle gives up rows (at most 15%) to keep the legend beside.
        let r = ring_panel(Rect::new(0, 0, 46, 10), 0);
        assert_eq!((r.circle.width, r.circle.height), (18, 9));
        assert_eq!(r.legend.width, 46 - 19);
        // Narrower still, the legend goes below.
        assert_eq!(ring_panel(Rect::new(0, 0, 44, 10), 0).legend.y, 5);
    }

    #[test]
    fn a_narrow_panel_puts_the_legend_under_a_smaller_circle() {
        let r = ring_panel(Rect::new(0, 0, 40, 20), 2);
        assert_eq!(r.circle.height, 20 - 8);
        assert_eq!(r.circle.width, 24);
        assert_eq!(r.circle.x, 8, "centred");
        assert_eq!(r.legend, Rect::new(0, 12, 40, 6));
        assert_eq!(r.extra, Rect::new(0, 18, 40, 2));
        // Degenerate sizes do not panic.
        for (w, h) in [(0, 0), (1, 1), (3, 2), (30, 1), (1, 30)] {
            let r = ring_panel(Rect::new(0, 0, w, h), 5);
            assert!(r.circle.width <= w && r.circle.height <= h);
        }
    }
}

//! Drawing: one file per panel, each a function of the snapshot, the view state and the
//! theme (`render(frame, area, &Snapshot, &ViewState, &Theme)`, taking only what it
//! uses); [`draw`] places them with the [layouts](super::layout). Nothing here knows the
//! app loop, the runner or key handling.

use ratatui::Frame;

use super::keymap::Layout;
use super::layout;
use super::state::{Focus, LegendHit, ViewState};
use super::theme::Theme;
use crate::sim::Snapshot;

pub mod breaker_timeline;
pub mod buckets;
pub mod caption;
pub mod centred;
pub mod compare;
pub mod event_log;
pub mod format;
pub mod help;
pub mod key_prompt;
pub mod key_shares;
pub mod labels;
pub mod panel;
pub mod presenter_caption;
pub mod progress;
pub mod ring_gauge;
pub mod ring_geometry;
pub mod ring_legend;
pub mod ring_moved;
pub mod ring_trace;
pub mod status_bar;
pub mod time_axis;
pub mod too_small;
pub mod traffic;

/// Draw the whole screen (the dashboard, the comparison when the snapshot carries side B,
/// or the presenter layout when presenting or focusing one panel, with the help overlay on
/// top when open); returns where the
/// legend rows were drawn, for mouse clicks.
pub fn draw(
    frame: &mut Frame,
    snap: &Snapshot,
    view: &ViewState,
    theme: &Theme,
) -> Option<LegendHit> {
    let area = frame.area();
    if area.is_empty() {
        return None;
    }
    frame.buffer_mut().set_style(area, theme.page);
    if view.blank() {
        return None;
    }
    let legend = if let Some(pair) = &snap.compare {
        compare::render(frame, snap, pair, view, theme)
    } else if view.present() || view.focus() != Focus::All {
        presenter(frame, snap, view, theme)
    } else {
        dashboard(frame, snap, view, theme)
    };
    if view.help_open() {
        help::render(frame, area, Layout::of(view.present()), theme);
    }
    legend
}

fn dashboard(
    frame: &mut Frame,
    snap: &Snapshot,
    view: &ViewState,
    theme: &Theme,
) -> Option<LegendHit> {
    let area = frame.area();
    let Some(r) = layout::dashboard(area, caption::lines_needed(snap, area.width)) else {
        too_small::render(frame, area, theme);
        return None;
    };
    caption::render(frame, r.caption, snap, theme);
    let legend = ring_gauge::render(frame, r.ring, snap, view, theme);
    buckets::render(frame, r.buckets, snap, theme);
    breaker_timeline::render(frame, r.breakers, snap, view, theme);
    traffic::render(frame, r.traffic, snap, theme);
    event_log::render(frame, r.log, snap, view, theme);
    match view.prompt() {
        Some(prompt) => key_prompt::render(frame, r.status, prompt, theme),
        None => status_bar::render(frame, r.status, snap, theme),
    }
    legend
}

fn presenter(
    frame: &mut Frame,
    snap: &Snapshot,
    view: &ViewState,
    theme: &Theme,
) -> Option<LegendHit> {
    let area = frame.area();
    let caption_lines = presenter_caption::lines_needed(snap, area.width);
    let Some(r) = layout::presenter(area, view.focus(), caption_lines) else {
        too_small::render(frame, area, theme);
        return None;
    };
    presenter_caption::render(frame, r.caption, snap, theme);
    let legend = r
        .ring
        .and_then(|a| ring_gauge::render(frame, a, snap, view, theme));
    if let Some(a) = r.buckets {
        buckets::render(frame, a, snap, theme);
    }
    if let Some(a) = r.breakers {
        breaker_timeline::render(frame, a, snap, view, theme);
    }
    match view.prompt() {
        Some(prompt) => key_prompt::render(frame, r.status, prompt, theme),
        None => status_bar::render(frame, r.status, snap, theme),
    }
    legend
}

//! Talk mode on the dashboard side: the presenter layout (`--present`: fewer, larger panels,
//! a prominent caption, high contrast, readable on a projector at 100×30), single-panel
//! focus (`1`/`2`/`3`/`0`), and writing the session as a scenario file (`w`,
//! `--save-scenario`).

use std::path::{Path, PathBuf};

use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph, Wrap};
use ratatui::{Frame, Terminal};

use super::app::App;
use super::keymap::Focus;
use super::theme::{Theme, ThemeKind};
use super::widgets::{self, breaker_timeline, bucket_bars, ring_gauge, status_bar};
use crate::sim::Snapshot;

/// Most caption lines the presenter layout shows (longer captions are cut).
pub const CAPTION_LINES: u16 = 3;
/// Share of the width the ring takes beside the buckets in the presenter layout (percent).
pub const RING_WIDTH_PERCENT: u16 = 64;
/// Share of the body height of the ring/buckets row in the presenter layout (percent).
pub const TOP_ROW_PERCENT: u16 = 62;

/// The theme made louder for a projector: bright text and borders, bold titles, nothing
/// dim-grey-on-black. The monochrome theme stays monochrome.
pub fn high_contrast(theme: &Theme) -> Theme {
    let mut t = theme.clone();
    match theme.kind {
        ThemeKind::Dark => {
            t.text = Style::new().fg(Color::White);
            t.dim = Style::new().fg(Color::Gray);
            t.border = Style::new().fg(Color::Gray);
            t.title = Style::new()
                .fg(Color::LightYellow)
                .add_modifier(Modifier::BOLD);
            t.good = Style::new().fg(Color::LightGreen);
            t.warn = Style::new().fg(Color::LightYellow);
            t.bad = Style::new()
                .fg(Color::LightRed)
                .add_modifier(Modifier::BOLD);
            t.info = Style::new().fg(Color::LightMagenta);
            t.muted = Style::new().fg(Color::LightBlue);
        }
        ThemeKind::Light => {
            t.text = Style::new().fg(Color::Black);
            t.dim = Style::new().fg(Color::Black);
            t.border = Style::new().fg(Color::Black);
            t.title = Style::new().fg(Color::Black).add_modifier(Modifier::BOLD);
        }
        ThemeKind::Mono => {}
    }
    t
}

/// Where each region of the talk layout goes.
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

/// The talk layout for `area` with a caption of `caption_lines` lines, or `None` below the
/// minimum size. `Focus::All` shows ring and buckets side by side above the breakers.
pub fn layout(area: Rect, focus: Focus, caption_lines: u16) -> Option<TalkRegions> {
    if area.width < widgets::MIN_WIDTH || area.height < widgets::MIN_HEIGHT {
        return None;
    }
    let [caption, body, status] = Layout::vertical([
        Constraint::Length(caption_lines.clamp(1, CAPTION_LINES) + 2),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    let (ring, buckets, breakers) = match focus {
        Focus::All => {
            let [top, bottom] =
                Layout::vertical([Constraint::Percentage(TOP_ROW_PERCENT), Constraint::Min(0)])
                    .areas(body);
            let [ring, buckets] = Layout::horizontal([
                Constraint::Percentage(RING_WIDTH_PERCENT),
                Constraint::Min(0),
            ])
            .areas(top);
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

/// Scripted steps of the running scenario: (fired so far, total).
pub fn steps(snap: &Snapshot) -> (usize, usize) {
    let times = snap.session.scenario.scripted_times();
    let fired = times.clone().filter(|&t| t <= snap.now_ns).count();
    (fired, times.count())
}

fn caption_text(snap: &Snapshot) -> String {
    match &snap.caption {
        Some(c) => c.text.to_string(),
        None => format!(
            "{} — {}",
            snap.session.scenario.name, snap.session.scenario.description
        ),
    }
}

/// Lines the caption needs inside a box of `width` columns (at most [`CAPTION_LINES`]).
pub fn caption_lines(snap: &Snapshot, width: u16) -> u16 {
    let inner = usize::from(width.saturating_sub(4)).max(1);
    let mut lines = 1u16;
    let mut col = 0usize;
    for word in caption_text(snap).split_whitespace() {
        let w = word.chars().count();
        if col > 0 && col + 1 + w > inner {
            lines += 1;
            col = w;
        } else {
            col += w + usize::from(col > 0);
        }
    }
    lines.min(CAPTION_LINES)
}

/// Draw the talk layout; returns where the legend rows were drawn (for mouse clicks).
pub fn render(frame: &mut Frame, app: &App) -> Option<(Rect, usize)> {
    let area = frame.area();
    let snap = app.snapshot();
    let Some(r) = layout(area, app.focus(), caption_lines(snap, area.width)) else {
        widgets::too_small(frame, area, &app.theme);
        return None;
    };
    render_caption(frame, r.caption, app);
    let legend = r.ring.and_then(|a| ring_gauge::render(frame, a, app));
    if let Some(a) = r.buckets {
        bucket_bars::render(frame, a, app);
    }
    if let Some(a) = r.breakers {
        breaker_timeline::render(frame, a, app);
    }
    status_bar::render(frame, r.status, app);
    legend
}

fn render_caption(frame: &mut Frame, area: Rect, app: &App) {
    let snap = app.snapshot();
    let theme = &app.theme;
    let (fired, total) = steps(snap);
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Thick)
        .border_style(theme.title);
    if total > 0 {
        block = block
            .title(Span::styled(format!(" step {fired}/{total} "), theme.title))
            .title_bottom(
                Line::styled(" n next · p back ", theme.accent).alignment(Alignment::Right),
            );
    }
    let style = if snap.caption.is_some() {
        theme.caption
    } else {
        theme.title
    };
    let text = Paragraph::new(Line::styled(caption_text(snap), style))
        .style(style)
        .wrap(Wrap { trim: true })
        .block(block);
    frame.render_widget(text, area);
}

/// Where `w` saves the session without `--save-scenario`: `ringside-session-<scenario>.toml`
/// in `dir`, numbered (`-2`, `-3`, …) so that an earlier save is never overwritten.
pub fn default_session_path(dir: &Path, scenario: &str) -> PathBuf {
    let stem: String = scenario
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let mut path = dir.join(format!("ringside-session-{stem}.toml"));
    let mut n = 2;
    while path.exists() {
        path = dir.join(format!("ringside-session-{stem}-{n}.toml"));
        n += 1;
    }
    path
}

/// Write the session in `snap` as a scenario file at `path`; returns the number of live
/// commands it holds.
pub fn save_session(snap: &Snapshot, path: &Path) -> anyhow::Result<usize> {
    let text = snap.session.to_toml()?;
    std::fs::write(path, text)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    Ok(snap.session.entries.len())
}

/// Render `app` once into an off-screen buffer of `width`×`height` (what the live
/// dashboard would show in a terminal of that size): used by `ringside frame`.
pub fn render_buffer(app: &mut App, width: u16, height: u16) -> anyhow::Result<Buffer> {
    let mut terminal = Terminal::new(TestBackend::new(width, height))?;
    terminal.draw(|f| app.render(f))?;
    Ok(terminal.backend().buffer().clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn talk_layout_focuses_one_panel_or_shows_three() {
        let area = Rect::new(0, 0, 100, 30);
        let all = layout(area, Focus::All, 2).unwrap();
        assert!(all.ring.is_some() && all.buckets.is_some() && all.breakers.is_some());
        assert_eq!(all.caption.height, 4);
        assert_eq!(all.status.y, 29);
        let ring = layout(area, Focus::Ring, 1).unwrap();
        assert!(ring.buckets.is_none() && ring.breakers.is_none());
        assert_eq!(ring.ring.unwrap().height, 30 - 3 - 1);
        let b = layout(area, Focus::Breakers, 9).unwrap();
        assert_eq!(b.caption.height, CAPTION_LINES + 2);
        assert!(layout(Rect::new(0, 0, 60, 20), Focus::All, 1).is_none());
    }

    #[test]
    fn default_session_path_never_overwrites() {
        let dir = std::env::temp_dir().join(format!("ringside-present-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let first = default_session_path(&dir, "tour/../x");
        assert_eq!(
            first.file_name().unwrap(),
            "ringside-session-tour----x.toml"
        );
        std::fs::write(&first, "").unwrap();
        let second = default_session_path(&dir, "tour/../x");
        assert_ne!(first, second);
        let _ = std::fs::remove_dir_all(&dir);
    }
}

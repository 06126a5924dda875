//! The comparison (`ringside --compare`): side A's and side B's panels in pairs, one row
//! per pattern, with the scoreboard between them (see [`layout::compare`]); `1`/`2`/`3`
//! give one pattern's row the whole screen.
//!
//! Each side's panels are the dashboard's own, drawn from that side's snapshot; the
//! selection, a traced key and replica arcs apply to both rings. The scoreboard shows, in
//! each row, the scores of that row's pattern for A and for B (definitions:
//! [`Scores`]); `–` where a score does not apply yet.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::format::compact;
use super::panel::panel;
use super::too_small;
use super::{breaker_timeline, buckets, caption, key_prompt, ring_gauge, status_bar, traffic};
use crate::sim::compare::Scores;
use crate::sim::{Paired, Snapshot};
use crate::tui::layout::{self, COMPARE_MIN};
use crate::tui::state::{LegendHit, ViewState};
use crate::tui::theme::Theme;

/// Draw the comparison; returns where side A's legend rows went (for mouse clicks).
pub fn render(
    frame: &mut Frame,
    snap: &Snapshot,
    pair: &Paired,
    view: &ViewState,
    theme: &Theme,
) -> Option<LegendHit> {
    let area = frame.area();
    let caption_lines = caption::lines_needed(snap, area.width);
    let Some(r) = layout::compare(area, caption_lines, view.focus()) else {
        too_small::render_needing(frame, area, theme, COMPARE_MIN);
        return None;
    };
    caption::render(frame, r.caption, snap, theme);
    heads(frame, &r.heads, pair, theme);
    let [ring, limiting, breaking, retries] = r.rows;
    let legend = ring_gauge::render(frame, ring[0], snap, view, theme);
    ring_gauge::render(frame, ring[2], &pair.b, view, theme);
    buckets::render(frame, limiting[0], snap, theme);
    buckets::render(frame, limiting[2], &pair.b, theme);
    breaker_timeline::render(frame, breaking[0], snap, view, theme);
    breaker_timeline::render(frame, breaking[2], &pair.b, view, theme);
    traffic::render(frame, retries[0], snap, theme);
    traffic::render(frame, retries[2], &pair.b, theme);
    for (row, board) in r
        .rows
        .iter()
        .zip(Board::ALL)
        .filter(|(row, _)| !row[1].is_empty())
    {
        scoreboard(frame, row[1], board, &pair.scores, theme);
    }
    match view.prompt() {
        Some(prompt) => key_prompt::render(frame, r.status, prompt, theme),
        None => status_bar::render(frame, r.status, snap, theme),
    }
    legend
}

/// `A · as written`, `A vs B`, `B · vnodes=8`.
fn heads(frame: &mut Frame, heads: &[Rect; 3], pair: &Paired, theme: &Theme) {
    let side = |name: &str, settings: &str| {
        Line::from(vec![
            Span::styled(format!("{name} · "), theme.dim),
            Span::styled(settings.to_string(), theme.title),
        ])
    };
    frame.render_widget(Paragraph::new(side("A", &pair.a_settings)), heads[0]);
    frame.render_widget(
        Paragraph::new(Line::styled("A  vs  B", theme.dim)).alignment(Alignment::Center),
        heads[1],
    );
    frame.render_widget(Paragraph::new(side("B", &pair.b_settings)), heads[2]);
}

/// A measure of the scoreboard: its name, and its value for one side.
type Measure = (&'static str, fn(&Scores) -> String);

/// One scoreboard cell: the scores of one pattern.
#[derive(Debug, Clone, Copy)]
enum Board {
    Hashing,
    Limiting,
    Breaking,
    Retries,
}

impl Board {
    const ALL: [Board; 4] = [
        Board::Hashing,
        Board::Limiting,
        Board::Breaking,
        Board::Retries,
    ];

    fn title(self) -> &'static str {
        match self {
            Board::Hashing => "hashing",
            Board::Limiting => "limiting",
            Board::Breaking => "breaking",
            Board::Retries => "arrivals, retries",
        }
    }

    /// `(measure, value of one side)` rows.
    fn measures(self) -> &'static [Measure] {
        match self {
            Board::Hashing => &[
                ("peak/mean load", |s| fixed(s.peak_to_mean_load, 3)),
                ("keys moved (last)", |s| {
                    percent(s.moved_fraction.last().copied(), 1)
                }),
                ("  ideal", |s| percent(s.ideal_fraction.last().copied(), 1)),
                ("memory/server", |s| {
                    s.memory_per_server_bytes.map_or("–".to_string(), bytes)
                }),
                ("lookup (live only)", |s| {
                    s.lookup_ns
                        .map_or("–".to_string(), |ns| format!("{ns:.0}ns"))
                }),
            ],
            Board::Limiting => &[
                ("rate-limited", |s| percent(s.rate_limited_fraction, 2)),
                ("wrong vs exact log", |s| count(s.wrong_decisions)),
                ("over-admitted", |s| count(s.wrongly_allowed)),
                ("worst window excess", |s| count(s.worst_window_excess)),
            ],
            Board::Breaking => &[
                ("fault → open", |s| {
                    s.time_to_open_ms
                        .map_or("–".to_string(), |ms| format!("{ms:.1}ms"))
                }),
                ("failed before open", |s| count(s.failed_before_open)),
                ("false trips", |s| compact(s.false_trips)),
                ("short-circuited", |s| compact(s.short_circuited)),
            ],
            Board::Retries => &[
                ("arrivals", |s| compact(s.arrivals)),
                ("amplification", |s| {
                    s.amplification
                        .map_or("–".to_string(), |x| format!("×{x:.2}"))
                }),
                ("retries refused", |s| compact(s.retries_refused)),
            ],
        }
    }
}

/// A byte count, compact: `512B`, `4.7KiB`, `1.2MiB`.
fn bytes(b: f64) -> String {
    match b {
        b if b < 1024.0 => format!("{b:.0}B"),
        b if b < 1024.0 * 1024.0 => format!("{:.1}KiB", b / 1024.0),
        b => format!("{:.1}MiB", b / (1024.0 * 1024.0)),
    }
}

fn fixed(x: Option<f64>, digits: usize) -> String {
    x.map_or("–".to_string(), |x| format!("{x:.digits$}"))
}

fn percent(x: Option<f64>, digits: usize) -> String {
    x.map_or("–".to_string(), |x| format!("{:.digits$}%", x * 100.0))
}

fn count(x: Option<u64>) -> String {
    x.map_or("–".to_string(), compact)
}

/// The cell of `board`: for each measure, its name, then A's and B's values; only the
/// measures that fit whole (a name is never shown without its values).
fn scoreboard(frame: &mut Frame, area: Rect, board: Board, scores: &[Scores; 2], theme: &Theme) {
    let block = panel(board.title(), theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = usize::from(inner.width);
    let mut lines = Vec::new();
    let fit = usize::from(inner.height) / 2;
    for (name, value) in board.measures().iter().take(fit) {
        let (a, b) = (value(&scores[0]), value(&scores[1]));
        lines.push(Line::styled(*name, theme.dim));
        // A's value at the left edge, B's at the right: they sit beside their side.
        let gap = width
            .saturating_sub(a.chars().count() + b.chars().count())
            .max(1);
        lines.push(Line::from(vec![
            Span::styled(a, theme.text),
            Span::raw(" ".repeat(gap)),
            Span::styled(b, theme.text),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

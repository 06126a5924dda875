//! Breaker timeline: one row per server, virtual time running left to right on the shared
//! [time axis](super::time_axis), each cell showing the breaker state by colour AND glyph
//! (`─` closed, `█` open, `▒` half-open), transitions marked `│`; at the right the state,
//! the progress toward the next transition and the call counts.
//!
//! # What a cell shows
//! A cell covers the virtual times `[lo, hi)` of its column, cut to the time the server was
//! on the ring (from joining to removal):
//! * nothing (blank) if the server was not on the ring at any time of the span;
//! * `▒` if the breaker was half-open at any instant of the span, even for 0 ns (a probe
//!   that failed at once): half-open takes precedence over every other glyph, transition
//!   marks included, so a short half-open period is always at least one cell wide;
//! * `│` (in the colour of the state it changed to) if it changed state during the span;
//! * otherwise the glyph of its one state during the span.
//!
//! # Which rows
//! Rows keep the order of the ring legend (by name; removed servers, dimmed and marked
//! `removed`, after the live ones until their history scrolls out of the window). Rows do
//! not move when a breaker changes state (the eye follows a row through time); instead,
//! when they do not all fit, the rows shown are chosen by priority (the selected server,
//! then open and half-open breakers, then the closed ones nearest the selection, then the
//! removed ones) and the last line says `+N more (K open)`, so an open breaker is never
//! hidden without a count.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::format::{clock, compact};
use super::labels::{Column, column_width, distinct_labels, fit_columns, pad, width};
use super::panel::panel;
use super::time_axis::{TimeAxis, WINDOW_NS};
use crate::sim::{
    BreakerCounters, BreakerProgress, BreakerState, ServerSnapshot, Snapshot, TransitionRecord,
};
use crate::tui::state::ViewState;
use crate::tui::theme::{TRANSITION, Theme, state_glyph, state_word};

/// Widest name column.
const NAME_CAP: usize = 24;
/// A tenth of a second: the resolution of the probe countdown.
const TENTH_NS: u64 = 100_000_000;
/// Narrowest plot, in cells.
const MIN_PLOT: usize = 12;

/// The breaker state at virtual time `t`, given its transitions (oldest first) and its
/// state now.
pub fn state_at(transitions: &[TransitionRecord], current: BreakerState, t: u64) -> BreakerState {
    let after = transitions.partition_point(|r| r.at_ns <= t);
    if after > 0 {
        transitions[after - 1].to
    } else {
        transitions.first().map_or(current, |r| r.from)
    }
}

/// What one timeline cell shows (see the [module docs](self)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    /// The server was not on the ring during the span.
    Blank,
    /// The breaker was half-open at some instant of the span.
    HalfOpen,
    /// The breaker changed state during the span (to this state, at the end of the span).
    Change(BreakerState),
    /// The breaker was in this one state for the whole span.
    Steady(BreakerState),
}

/// One server's breaker history: what the cells are computed from.
#[derive(Debug, Clone, Copy)]
pub struct History<'a> {
    /// Transitions, oldest first.
    pub transitions: &'a [TransitionRecord],
    /// State now (or at removal).
    pub current: BreakerState,
    /// When the server joined the ring (ns).
    pub joined_at: u64,
    /// When it was removed (ns), if it was.
    pub removed_at: Option<u64>,
}

impl History<'_> {
    /// What the cell covering the virtual times `[lo, hi)` shows.
    pub fn cell(&self, lo: i128, hi: i128) -> Cell {
        let lo = lo.max(i128::from(self.joined_at));
        let hi = self.removed_at.map_or(hi, |r| hi.min(i128::from(r)));
        if lo >= hi {
            return Cell::Blank;
        }
        let (lo, hi) = (lo as u64, hi as u64);
        let trs = self.transitions;
        let first = trs.partition_point(|r| r.at_ns < lo);
        let end = trs.partition_point(|r| r.at_ns < hi);
        let inside = &trs[first..end];
        let start_state = state_at(trs, self.current, lo);
        if start_state == BreakerState::HalfOpen
            || inside.iter().any(|r| r.to == BreakerState::HalfOpen)
        {
            Cell::HalfOpen
        } else if let Some(last) = inside.last() {
            Cell::Change(last.to)
        } else {
            Cell::Steady(start_state)
        }
    }
}

/// One row of the panel: a live server or a removed one.
#[derive(Debug, Clone, Copy)]
struct Row<'a> {
    name: &'a str,
    /// Index in `snap.servers` (`None`: removed).
    index: Option<usize>,
    history: History<'a>,
    counters: BreakerCounters,
    progress: Option<BreakerProgress>,
}

impl Row<'_> {
    fn state(&self) -> BreakerState {
        self.history.current
    }
}

/// The rows: live servers in snapshot (name) order, then the removed ones whose history is
/// still inside the window.
fn rows(snap: &Snapshot) -> Vec<Row<'_>> {
    let live = snap.servers.iter().enumerate().map(|(i, s)| live_row(i, s));
    let since = snap.now_ns.saturating_sub(WINDOW_NS);
    let departed = snap
        .departed
        .iter()
        .filter(|d| d.removed_at_ns > since)
        .map(|d| Row {
            name: &d.name,
            index: None,
            history: History {
                transitions: &d.transitions,
                current: d.breaker,
                joined_at: d.joined_at_ns,
                removed_at: Some(d.removed_at_ns),
            },
            counters: d.counters,
            progress: None,
        });
    live.chain(departed).collect()
}

fn live_row(i: usize, s: &ServerSnapshot) -> Row<'_> {
    Row {
        name: &s.name,
        index: Some(i),
        history: History {
            transitions: &s.transitions,
            current: s.breaker,
            joined_at: s.joined_at_ns,
            removed_at: None,
        },
        counters: s.counters,
        progress: Some(s.progress),
    }
}

/// Which rows fit in `capacity` lines, in display order, and the `(hidden, hidden open or
/// half-open)` counts for the `+N more` line (which takes one of the lines).
///
/// `states[i]` is row i's state (`None`: removed). Priority: the selected row, then open and
/// half-open breakers, then closed ones nearest the selected row, then removed servers; ties
/// by row order.
pub fn choose_rows(
    states: &[Option<BreakerState>],
    selected: Option<usize>,
    capacity: usize,
) -> (Vec<usize>, usize, usize) {
    if states.len() <= capacity {
        return ((0..states.len()).collect(), 0, 0);
    }
    let slots = capacity.saturating_sub(1);
    let sel = selected.unwrap_or(0);
    let mut order: Vec<usize> = (0..states.len()).collect();
    order.sort_by_key(|&i| {
        let class = match states[i] {
            _ if Some(i) == selected => 0,
            Some(BreakerState::Open | BreakerState::HalfOpen) => 1,
            Some(_) => 2,
            None => 3,
        };
        (class, i.abs_diff(sel), i)
    });
    let mut shown: Vec<usize> = order[..slots].to_vec();
    shown.sort_unstable();
    let hidden = &order[slots..];
    let hidden_open = hidden
        .iter()
        .filter(|&&i| matches!(states[i], Some(BreakerState::Open | BreakerState::HalfOpen)))
        .count();
    (shown, hidden.len(), hidden_open)
}

/// Progress toward the next transition: `3/5 failures`, `probe in 1.2s`, `2/3 successes`
/// (`short`: `3/5 fail`, `probe 1.2s`, `2/3 ok`). Closed under a window policy: the calls
/// toward the minimum (`8/20 calls`), then the window's failure rate over its threshold,
/// rounded down so that it never reads as reached while closed (`24%/50% failed`, short
/// `24%/50%`).
pub fn progress_text(p: &BreakerProgress, state: BreakerState, now: u64, short: bool) -> String {
    if p.forced {
        return "forced".to_string();
    }
    match state {
        BreakerState::Closed if p.window.is_some() => {
            let w = p.window.unwrap_or_default();
            if w.calls < u64::from(w.minimum_calls) {
                return format!("{}/{} calls", w.calls, w.minimum_calls);
            }
            let rate = (100 * w.failures).checked_div(w.calls).unwrap_or(0);
            let word = if short { "" } else { " failed" };
            format!("{rate}%/{}%{word}", w.failure_rate_percent)
        }
        BreakerState::Closed => {
            let word = if short { "fail" } else { "failures" };
            format!("{}/{} {word}", p.consecutive_failures, p.failure_threshold)
        }
        BreakerState::HalfOpen => {
            let word = if short { "ok" } else { "successes" };
            format!("{}/{} {word}", p.probe_successes, p.success_threshold)
        }
        BreakerState::Open => match p.probe_at_ns {
            Some(at) if at > now => {
                let lead = if short { "probe" } else { "probe in" };
                // Rounded up to the tenth shown, so a wait never reads 0.0s.
                let left = (at - now).div_ceil(TENTH_NS) * TENTH_NS;
                format!("{lead} {}", clock(left))
            }
            _ => "probe due".to_string(),
        },
    }
}

/// The optional columns at the right of a row, in display order, with their priority
/// (higher stays longer): state 5, progress 4, failures 3, rejected 2, successes 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tail {
    State,
    Progress,
    Failures,
    Rejected,
    Successes,
}

impl Tail {
    const ALL: [Tail; 5] = [
        Tail::State,
        Tail::Progress,
        Tail::Failures,
        Tail::Rejected,
        Tail::Successes,
    ];

    fn priority(self) -> u8 {
        match self {
            Tail::State => 5,
            Tail::Progress => 4,
            Tail::Failures => 3,
            Tail::Rejected => 2,
            Tail::Successes => 1,
        }
    }

    /// The text of this column for `row` (without its separating space).
    fn text(self, row: &Row<'_>, now: u64, short: bool) -> String {
        let c = row.counters;
        match self {
            Tail::State if row.index.is_none() => "removed".to_string(),
            Tail::State => format!("{}{}", state_glyph(row.state()), state_word(row.state())),
            Tail::Progress => row
                .progress
                .map(|p| progress_text(&p, row.state(), now, short))
                .unwrap_or_default(),
            Tail::Failures => format!("✗{}", compact(c.failures)),
            Tail::Rejected => format!("⊘{}", compact(c.rejected)),
            Tail::Successes => format!("✓{}", compact(c.successes)),
        }
    }
}

/// The widths of the tail columns shown (0 = dropped), each sized from the widest value of
/// the rows, separator included, and whether the progress text is in its short form.
///
/// The state and progress columns may take all of `rest` but [`MIN_PLOT`] cells (progress
/// in its long form if that fits, else its short one, else dropped); the counts only what
/// is left once the plot has half of `rest`, lowest [`Tail::priority`] dropped first.
fn tail_widths(rows: &[Row<'_>], now: u64, rest: usize) -> ([usize; 5], bool) {
    let width_of = |t: Tail, short: bool| {
        1 + rows
            .iter()
            .map(|r| width(&t.text(r, now, short)))
            .max()
            .unwrap_or(0)
    };
    let fit = |tails: &[Tail], short: bool, available: usize| -> Vec<usize> {
        let cols: Vec<Column> = tails
            .iter()
            .map(|&t| Column {
                width: width_of(t, short),
                priority: t.priority(),
            })
            .collect();
        cols.iter()
            .zip(fit_columns(available, &cols))
            .map(|(c, shown)| if shown { c.width } else { 0 })
            .collect()
    };
    let lead = rest.saturating_sub(MIN_PLOT);
    let mut short = false;
    let mut first = fit(&Tail::ALL[..2], short, lead);
    if first[1] == 0 {
        short = true;
        first = fit(&Tail::ALL[..2], short, lead);
    }
    let used: usize = first.iter().sum();
    let counts_room = rest.saturating_sub(MIN_PLOT.max(rest / 2) + used);
    let counts = fit(&Tail::ALL[2..], short, counts_room);
    let mut out = [0; 5];
    for (o, w) in out.iter_mut().zip(first.into_iter().chain(counts)) {
        *o = w;
    }
    (out, short)
}

/// How the panel's width is shared: name column, plot and tail columns.
#[derive(Debug, Clone)]
struct Columns {
    name: usize,
    labels: Vec<String>,
    plot: usize,
    tail: [usize; 5],
    short: bool,
}

fn columns(rows: &[Row<'_>], inner_width: usize, now: u64) -> Columns {
    let names: Vec<&str> = rows.iter().map(|r| r.name).collect();
    let name = column_width(
        names.iter().copied(),
        4,
        NAME_CAP.min(inner_width / 4).max(4),
    );
    let labels = distinct_labels(&names, name);
    let rest = inner_width.saturating_sub(name + 1);
    let (tail, short) = tail_widths(rows, now, rest);
    let plot = rest.saturating_sub(tail.iter().sum::<usize>());
    Columns {
        name,
        labels,
        plot,
        tail,
        short,
    }
}

/// Draw the timeline panel.
pub fn render(frame: &mut Frame, area: Rect, snap: &Snapshot, view: &ViewState, theme: &Theme) {
    let title = title(snap);
    let block = panel(&title, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.is_empty() {
        return;
    }
    let rows = rows(snap);
    let cols = columns(&rows, inner.width as usize, snap.now_ns);
    let axis = TimeAxis::new(snap.now_ns, cols.plot);
    let mut lines = Vec::with_capacity(inner.height as usize);
    lines.push(axis_line(&cols, axis, theme));
    let capacity = (inner.height as usize).saturating_sub(1);
    let states: Vec<Option<BreakerState>> =
        rows.iter().map(|r| r.index.map(|_| r.state())).collect();
    let (shown, hidden, hidden_open) = choose_rows(&states, view.selected(), capacity);
    for i in shown {
        lines.push(row_line(
            &rows[i],
            &cols.labels[i],
            &cols,
            axis,
            snap,
            view,
            theme,
        ));
    }
    if hidden > 0 {
        lines.push(more_line(hidden, hidden_open, theme));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// `Breakers · 4 servers · 1 open` (and half-open ones, when there are).
fn title(snap: &Snapshot) -> String {
    let count = |state| snap.servers.iter().filter(|s| s.breaker == state).count();
    let mut title = format!(
        "Breakers · {} servers · {} open",
        snap.servers.len(),
        count(BreakerState::Open)
    );
    let half = count(BreakerState::HalfOpen);
    if half > 0 {
        title.push_str(&format!(" · {half} half-open"));
    }
    title
}

/// The first line: the tick labels over the plot, the glyph key in the tail.
fn axis_line(cols: &Columns, axis: TimeAxis, theme: &Theme) -> Line<'static> {
    let mut spans = vec![
        Span::raw(" ".repeat(cols.name + 1)),
        Span::styled(axis.tick_row(), theme.dim),
    ];
    // The glyph key in the tail, whole items only: half-open (the rarest) kept longest,
    // the transition mark dropped first.
    let key = [
        (BreakerState::Closed, "closed", 2),
        (BreakerState::Open, "open", 3),
        (BreakerState::HalfOpen, "half", 4),
    ]
    .map(|(state, word, priority)| {
        let text = format!(" {}{word}", state_glyph(state));
        (text, theme.state(state), priority)
    });
    let change = (format!(" {TRANSITION}change"), theme.dim, 1);
    let items: Vec<(String, Style, u8)> = key.into_iter().chain([change]).collect();
    let columns: Vec<Column> = items
        .iter()
        .map(|(text, _, priority)| Column {
            width: width(text),
            priority: *priority,
        })
        .collect();
    let shown = fit_columns(cols.tail.iter().sum(), &columns);
    for ((text, style, _), keep) in items.into_iter().zip(shown) {
        if keep {
            spans.push(Span::styled(text, style));
        }
    }
    Line::from(spans)
}

fn more_line(hidden: usize, hidden_open: usize, theme: &Theme) -> Line<'static> {
    let text = if hidden_open > 0 {
        format!("+{hidden} more ({hidden_open} open)")
    } else {
        format!("+{hidden} more")
    };
    let style = if hidden_open > 0 {
        theme.state(BreakerState::Open)
    } else {
        theme.dim
    };
    Line::from(Span::styled(text, style))
}

fn row_line(
    row: &Row<'_>,
    label: &str,
    cols: &Columns,
    axis: TimeAxis,
    snap: &Snapshot,
    view: &ViewState,
    theme: &Theme,
) -> Line<'static> {
    let removed = row.index.is_none();
    let name_style = match row.index {
        Some(i) if view.selected() == Some(i) => theme.selected,
        Some(i) => theme.server_style(i),
        None => theme.dim,
    };
    let mut spans = vec![Span::styled(
        format!("{} ", pad(label, cols.name)),
        name_style,
    )];
    history_spans(&mut spans, row.history, axis, theme, removed);
    for (t, &w) in Tail::ALL.iter().zip(&cols.tail) {
        if w == 0 {
            continue;
        }
        let text = t.text(row, snap.now_ns, cols.short);
        let style = match t {
            _ if removed => theme.dim,
            Tail::State => theme.state(row.state()),
            _ => theme.dim,
        };
        spans.push(Span::styled(format!(" {}", pad(&text, w - 1)), style));
    }
    Line::from(spans)
}

/// The cells of one history, consecutive cells of the same glyph and style grouped into one
/// span; a removed server's cells dimmed.
fn history_spans(
    spans: &mut Vec<Span<'static>>,
    history: History<'_>,
    axis: TimeAxis,
    theme: &Theme,
    dimmed: bool,
) {
    let mut run = String::new();
    let mut run_style = theme.dim;
    for c in 0..axis.cols {
        let (lo, hi) = axis.span(c);
        let (ch, style): (char, Style) = match history.cell(lo, hi) {
            Cell::Blank => (' ', theme.dim),
            Cell::HalfOpen => (
                state_glyph(BreakerState::HalfOpen),
                theme.state(BreakerState::HalfOpen),
            ),
            Cell::Change(s) => (TRANSITION, theme.state(s).add_modifier(Modifier::BOLD)),
            Cell::Steady(s) => (state_glyph(s), theme.state(s)),
        };
        let style = if dimmed && ch != ' ' {
            theme.dim
        } else {
            style
        };
        if style != run_style && !run.is_empty() {
            spans.push(Span::styled(std::mem::take(&mut run), run_style));
        }
        run_style = style;
        run.push(ch);
    }
    if !run.is_empty() {
        spans.push(Span::styled(run, run_style));
    }
}

#[cfg(test)]
#[path = "breaker_timeline_tests.rs"]
mod tests;

//! Token buckets: one horizontal bar per tenant, hottest first, as many as fit (`+N more`
//! for the rest), with eighth-cell resolution so draining and refilling look smooth. With a
//! window limiter each bar is the room left in the tenant's window (its limit less what
//! it used there), and the title names the algorithm and its budget. With the leaky
//! queue each bar is the tenant's queue instead, `waiting/B`, filling up (red when nearly
//! full), and the title says so; with `concurrency` or `adaptive-throttling` the title
//! says what the bars show (see [`LimiterInfo::shows`]).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::format::compact;
use super::labels::{self, Column};
use super::panel::panel;
#[cfg(doc)]
use crate::sim::LimiterInfo;
use crate::sim::duration::format_duration;
use crate::sim::{Snapshot, TenantSnapshot};
use crate::tui::theme::{EIGHTHS, Theme};

/// A bar `width` cells wide showing `value` out of `max`: full blocks, one partial
/// eighth block, then `empty` cells. Always exactly `width` characters.
pub fn bar(value: f64, max: f64, width: usize, empty: char) -> String {
    let frac = if max > 0.0 && value.is_finite() {
        (value / max).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let eighths = (frac * width as f64 * 8.0).round() as usize;
    let full = eighths / 8;
    let rest = eighths % 8;
    let mut s = String::with_capacity(width * 3);
    s.extend(std::iter::repeat_n('█', full));
    let mut used = full;
    if rest > 0 && used < width {
        s.push(EIGHTHS[rest - 1]);
        used += 1;
    }
    s.extend(std::iter::repeat_n(empty, width - used));
    s
}

/// Widest a tenant name column grows (longer names are abbreviated, distinctly).
const NAME_CAP: usize = 16;
/// Narrowest bar worth drawing.
const MIN_BAR: usize = 4;

/// The panel title that fits in `width` cells: the full one, then shorter forms. A
/// window limiter's title names it and its budget (`Buckets: sliding-window · 10 per
/// 1.000s`): its bars show the room left in each tenant's window, `left/limit`. A limiter
/// that learns from the backend names what its bars show instead (`Limits: concurrency ·
/// limit − in flight`, each row `room/limit`; `adaptive-throttling`: `% let through`,
/// each row `pct/100`).
fn title(snap: &Snapshot, width: usize) -> String {
    let (shown, total) = (snap.tenants.len(), snap.tenant_count);
    let (kind, budget) = match (snap.limiter.shows, snap.limiter.window_ns) {
        _ if snap.limiter.queue_interval_ns.is_some() => (
            format!("Queues: {}", snap.limiter.algorithm),
            format!(
                "waiting/{} · sent {:.0}/s",
                snap.limiter.capacity, snap.limiter.refill_per_sec
            ),
        ),
        (Some(shows), _) => (
            format!("Limits: {}", snap.limiter.algorithm),
            shows.to_string(),
        ),
        (None, None) => (
            "Buckets".to_string(),
            format!("refill {:.0}/s", snap.limiter.refill_per_sec),
        ),
        (None, Some(window)) => (
            format!("Buckets: {}", snap.limiter.algorithm),
            format!("{} per {}", snap.limiter.capacity, format_duration(window)),
        ),
    };
    // The border and the title's padding take 4 cells.
    labels::first_that_fits(
        [
            format!("{kind} · {shown}/{total} tenants · {budget}"),
            format!("{kind} · {shown}/{total} · {budget}"),
            format!("{kind} · {budget}"),
            format!("{kind} · {shown}/{total}"),
            kind.clone(),
            kind.split(':').next().unwrap_or("Buckets").to_string(),
        ],
        width.saturating_sub(4),
    )
}

/// The token count of a bucket row (`tokens/capacity`).
fn tokens(t: &TenantSnapshot) -> String {
    format!("{:.0}/{}", t.tokens.max(0.0).floor(), t.capacity)
}

/// The denied count of a bucket row.
fn denied(t: &TenantSnapshot) -> String {
    format!("✗{}", compact(t.denied))
}

/// Widths of a bucket row's columns (0 = not shown), sized from the tenants shown.
struct Rows {
    /// Whether the bars are queues (full is bad) rather than room left (empty is bad).
    queue: bool,
    name: usize,
    bar: usize,
    tokens: usize,
    denied: usize,
}

impl Rows {
    /// Fit the columns in `width` cells: the denied count goes first, then the token
    /// count; the bar keeps at least [`MIN_BAR`] cells; the name takes what the bar can
    /// spare, up to its cap.
    fn fit(tenants: &[TenantSnapshot], width: usize) -> Self {
        let widest = |f: fn(&TenantSnapshot) -> String| {
            tenants
                .iter()
                .map(|t| labels::width(&f(t)))
                .max()
                .unwrap_or(0)
        };
        let (tokens_w, denied_w) = (widest(tokens), widest(denied));
        let name_cap = labels::column_width(tenants.iter().map(|t| t.name.as_str()), 4, NAME_CAP);
        let column = |width, priority| Column { width, priority };
        let shown = labels::fit_columns(
            width.saturating_sub(name_cap.min(8) + 1),
            &[
                column(MIN_BAR, 3),
                column(tokens_w + 1, 2),
                column(denied_w + 1, 1),
            ],
        );
        let tokens = if shown[1] { tokens_w } else { 0 };
        let denied = if shown[2] { denied_w } else { 0 };
        let fixed = usize::from(shown[1]) * (tokens_w + 1) + usize::from(shown[2]) * (denied_w + 1);
        let bar_room = width.saturating_sub(fixed + 1);
        let name = name_cap.min(bar_room.saturating_sub(if shown[0] { MIN_BAR } else { 0 }));
        let bar = if shown[0] {
            bar_room.saturating_sub(name)
        } else {
            0
        };
        Self {
            queue: false,
            name,
            bar,
            tokens,
            denied,
        }
    }

    /// The row of tenant `t`, its name shown as `label`.
    fn line(&self, t: &TenantSnapshot, label: &str, theme: &Theme) -> Line<'static> {
        let cap = f64::from(t.capacity);
        let filled = if cap > 0.0 { t.tokens / cap } else { 0.0 };
        // What is left: room in a bucket or window, room before a queue is full.
        let frac = if self.queue { 1.0 - filled } else { filled };
        let style = if frac < 0.2 {
            theme.bad
        } else if frac < 0.5 {
            theme.warn
        } else {
            theme.good
        };
        let mut spans = vec![Span::styled(
            format!("{} ", labels::pad(label, self.name)),
            theme.text,
        )];
        if self.bar > 0 {
            spans.push(Span::styled(bar(t.tokens, cap, self.bar, '·'), style));
        }
        if self.tokens > 0 {
            let w = self.tokens;
            spans.push(Span::styled(format!(" {:>w$}", tokens(t)), theme.text));
        }
        if self.denied > 0 {
            spans.push(Span::styled(
                format!(" {}", labels::pad(&denied(t), self.denied)),
                if t.denied > 0 { theme.warn } else { theme.dim },
            ));
        }
        Line::from(spans)
    }
}

/// Draw the bucket panel: one row per tenant that fits (`+N more` when some do not).
/// Columns: name (sized from the data, abbreviated distinctly), bar, `tokens/capacity`,
/// `✗denied`; when the row has no room the denied count goes first, then the bar shrinks
/// to its minimum, then the token count goes; numbers are never cut.
pub fn render(frame: &mut Frame, area: Rect, snap: &Snapshot, theme: &Theme) {
    let title = title(snap, usize::from(area.width));
    let block = panel(&title, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.is_empty() {
        return;
    }
    if snap.tenants.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::styled("no tenants yet", theme.dim)),
            inner,
        );
        return;
    }
    let mut rows = inner.height as usize;
    let overflow = snap.tenants.len() > rows || snap.tenant_count > snap.tenants.len();
    if overflow {
        rows = rows.saturating_sub(1);
    }
    let tenants = &snap.tenants[..snap.tenants.len().min(rows)];
    let rows = Rows {
        queue: snap.limiter.queue_interval_ns.is_some(),
        ..Rows::fit(tenants, inner.width as usize)
    };
    let names: Vec<&str> = tenants.iter().map(|t| t.name.as_str()).collect();
    let labels = labels::distinct_labels(&names, rows.name.max(1));
    let mut lines: Vec<Line> = tenants
        .iter()
        .zip(&labels)
        .map(|(t, label)| rows.line(t, label, theme))
        .collect();
    if overflow {
        let more = snap.tenant_count - tenants.len();
        lines.push(Line::styled(format!("+{more} more (coldest)"), theme.dim));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(s: &str) -> usize {
        s.chars().count()
    }

    #[test]
    fn bars_have_the_exact_width_and_proportional_fill() {
        assert_eq!(bar(0.0, 100.0, 10, '·'), "··········");
        assert_eq!(bar(100.0, 100.0, 10, '·'), "██████████");
        assert_eq!(bar(50.0, 100.0, 10, '·'), "█████·····");
        // 0.5 cell → a half block.
        assert_eq!(bar(5.0, 100.0, 10, ' '), "▌         ");
        // One eighth of a cell.
        assert_eq!(bar(1.25, 100.0, 10, ' '), "▏         ");
        for (v, m, w) in [
            (3.3, 7.0, 13usize),
            (-5.0, 10.0, 4),
            (50.0, 10.0, 4),
            (f64::NAN, 10.0, 3),
            (1.0, 0.0, 5),
            (1.0, 1.0, 0),
        ] {
            assert_eq!(cells(&bar(v, m, w, '·')), w, "{v}/{m} in {w}");
        }
        assert_eq!(bar(50.0, 10.0, 4, ' '), "████");
    }

    #[test]
    fn bars_grow_monotonically() {
        let fill = |v: f64| {
            bar(v, 200.0, 20, ' ')
                .chars()
                .map(|c| EIGHTHS.iter().position(|e| *e == c).map_or(0, |p| p + 1))
                .sum::<usize>()
        };
        let mut last = 0;
        for v in 0..=200 {
            let f = fill(f64::from(v));
            assert!(f >= last);
            last = f;
        }
        assert_eq!(last, 160);
    }
}

//! Token buckets: one horizontal bar per tenant, hottest first, as many as fit, with
//! eighth-cell resolution so draining and refilling look smooth.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::format::compact;
use super::panel::panel;
use crate::sim::Snapshot;
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

/// Draw the bucket panel.
pub fn render(frame: &mut Frame, area: Rect, snap: &Snapshot, theme: &Theme) {
    let refill = format!(" · refill {:.0}/s", snap.limiter.refill_per_sec);
    let title = format!(
        "Buckets · {}/{} tenants{refill}",
        snap.tenants.len(),
        snap.tenant_count
    );
    let block = panel(&title, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.is_empty() {
        return;
    }
    let name_w = snap
        .tenants
        .iter()
        .map(|t| t.name.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(4, 8);
    // name, space, bar, " 1234/1234 ✗12.3k"
    let tail_w = 16;
    let bar_w = (inner.width as usize)
        .saturating_sub(name_w + 1 + tail_w)
        .max(1);
    let rows = inner.height as usize;
    let lines: Vec<Line> = snap
        .tenants
        .iter()
        .take(rows)
        .map(|t| {
            let cap = f64::from(t.capacity);
            let frac = if cap > 0.0 { t.tokens / cap } else { 0.0 };
            let style = if frac < 0.2 {
                theme.bad
            } else if frac < 0.5 {
                theme.warn
            } else {
                theme.good
            };
            Line::from(vec![
                Span::styled(format!("{:<name_w$.name_w$} ", t.name), theme.text),
                Span::styled(bar(t.tokens, cap, bar_w, '·'), style),
                Span::styled(
                    format!(" {:>4.0}/{:<3}", t.tokens.max(0.0).floor(), t.capacity),
                    theme.text,
                ),
                Span::styled(
                    format!(" ✗{:<5}", compact(t.denied)),
                    if t.denied > 0 { theme.warn } else { theme.dim },
                ),
            ])
        })
        .collect();
    if lines.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::styled("no tenants yet", theme.dim)),
            inner,
        );
    } else {
        frame.render_widget(Paragraph::new(lines), inner);
    }
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

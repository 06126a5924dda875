//! The `?` help overlay, generated from the key map.
//!
//! One column when every binding fits on its own row; when the screen is too short for
//! that, two or three columns side by side, each description wrapped within its column
//! (never cut), so the whole key map shows at the minimum size.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use super::labels;
use super::panel::panel;
use crate::tui::keymap::{self, Layout};
use crate::tui::theme::Theme;

/// Most columns the overlay splits into.
const MAX_COLUMNS: u16 = 3;
/// Cells around a key: one before, two after.
const KEY_PAD: u16 = 3;
/// Blank cells after the longest description of a column.
const MARGIN: u16 = 1;

/// The key map in `columns` columns of `column_w` cells: for each column, its entries as
/// (row index, height in rows); `None` when some column would be taller than `rows`.
fn pack(
    entries: &[(&str, &str)],
    key_w: u16,
    column_w: u16,
    columns: u16,
    rows: u16,
) -> Option<Vec<Vec<(usize, u16)>>> {
    let desc_w = column_w.checked_sub(key_w + KEY_PAD + MARGIN)?.max(1);
    let mut packed = vec![Vec::new()];
    let mut used = 0u16;
    for (i, (_, d)) in entries.iter().enumerate() {
        let h = description(d).line_count(desc_w) as u16;
        if used + h > rows {
            if packed.len() == usize::from(columns) {
                return None;
            }
            packed.push(Vec::new());
            used = 0;
        }
        packed.last_mut()?.push((i, h));
        used += h;
    }
    Some(packed)
}

fn description(d: &str) -> Paragraph<'_> {
    Paragraph::new(d).wrap(Wrap { trim: true })
}

/// How to read the ring's three circles, outside in, on the overlay's bottom border (a
/// border, not rows: the key map alone fills 80×24).
pub const READING_THE_RING: &str = " ring: band = arc owners · track = selected · dots = keys ";

/// Draw the help overlay of `layout` (its keys differ: see [`Layout`]) centred in `area`.
pub fn render(frame: &mut Frame, area: Rect, layout: Layout, theme: &Theme) {
    let entries: Vec<(&str, &str)> = keymap::help_rows_in(layout).collect();
    let key_w = entries
        .iter()
        .map(|(k, _)| labels::width(k))
        .max()
        .unwrap_or(0) as u16;
    let text_w = entries
        .iter()
        .map(|(_, d)| labels::width(d))
        .max()
        .unwrap_or(0) as u16;
    let rows = area.height.saturating_sub(2);
    // The widest a column needs to be: a key, its padding, the longest description and
    // a margin.
    let natural = key_w + KEY_PAD + text_w + MARGIN;
    let fitting = (1..=MAX_COLUMNS).find_map(|columns| {
        let room = area.width.saturating_sub(2 + columns - 1) / columns;
        let column_w = natural.min(room);
        pack(&entries, key_w, column_w, columns, rows).map(|p| (column_w, p))
    });
    // Below the dashboard's minimum size (never drawn there): as many as fit, in one
    // column.
    let (column_w, packed) = fitting.unwrap_or_else(|| {
        let column_w = natural.min(area.width.saturating_sub(2));
        let fit = entries.len().min(usize::from(rows));
        let h = pack(&entries[..fit], key_w, column_w, 1, u16::MAX).unwrap_or_default();
        (column_w, h)
    });
    let columns = packed.len() as u16;
    let height = packed
        .iter()
        .map(|c| c.iter().map(|&(_, h)| h).sum::<u16>())
        .max()
        .unwrap_or(0);
    let width = (columns * column_w + columns.saturating_sub(1) + 2).min(area.width);
    let height = (height + 2).min(area.height);
    let popup = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    frame.render_widget(Clear, popup);
    let block = panel("Keys · ? or Esc closes", theme)
        .title_bottom(Span::styled(READING_THE_RING, theme.title));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    for (c, column) in packed.iter().enumerate() {
        let x = inner.x + c as u16 * (column_w + 1);
        let mut y = inner.y;
        for &(i, h) in column {
            let (k, d) = entries[i];
            let key_area = Rect::new(x, y, key_w + KEY_PAD, h).intersection(inner);
            let desc_x = x + key_w + KEY_PAD;
            let desc_w = column_w - key_w - KEY_PAD - MARGIN;
            let desc_area = Rect::new(desc_x, y, desc_w, h).intersection(inner);
            let key = Line::from(Span::styled(
                format!(" {k:>w$}  ", w = usize::from(key_w)),
                theme.accent,
            ));
            frame.render_widget(Paragraph::new(key), key_area);
            frame.render_widget(description(d).style(theme.text), desc_area);
            y += h;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    fn screen(width: u16, height: u16) -> String {
        screen_of(width, height, Layout::Dashboard)
    }

    fn screen_of(width: u16, height: u16, layout: Layout) -> String {
        let mut t = Terminal::new(TestBackend::new(width, height)).unwrap();
        t.draw(|f| {
            render(
                f,
                f.area(),
                layout,
                &Theme::new(crate::tui::theme::ThemeKind::Dark, false),
            )
        })
        .unwrap();
        let buf = t.backend().buffer();
        (0..height)
            .map(|y| {
                let row: String = (0..width).map(|x| buf[(x, y)].symbol()).collect();
                row + "\n"
            })
            .collect()
    }

    /// Every description word and every key label is on screen, whatever the size that
    /// the dashboard is drawn at (80×24 is the minimum).
    #[test]
    fn every_binding_shows_at_every_size() {
        for layout in [Layout::Dashboard, Layout::Presenter] {
            for (w, h) in [(80, 24), (100, 30), (120, 40), (200, 60)] {
                let text = screen_of(w, h, layout);
                for (k, d) in keymap::help_rows_in(layout) {
                    for part in k.split(' ').chain(d.split(' ')) {
                        assert!(
                            text.contains(part),
                            "{part:?} missing at {w}x{h} in {layout:?}:\n{text}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn one_column_when_it_fits() {
        let text = screen(200, 60);
        let rows = keymap::help_rows().count();
        let lines: Vec<&str> = text.lines().filter(|l| l.contains('│')).collect();
        assert_eq!(lines.len(), rows, "{text}");
    }

    /// A key map longer than the screen is tall goes into two columns at 80×24, with every
    /// description wrapped whole inside its column.
    #[test]
    fn a_longer_key_map_packs_into_columns() {
        let base: Vec<(&str, &str)> = keymap::help_rows().collect();
        let entries: Vec<(&str, &str)> = base.iter().chain(&base[..6]).copied().collect();
        let key_w = 7;
        // 80 columns: two columns of 38 cells; 22 rows inside the border.
        assert!(pack(&entries, key_w, 76, 1, 22).is_none());
        let two = pack(&entries, key_w, 38, 2, 22).expect("fits in two columns");
        assert_eq!(two.len(), 2);
        let shown: Vec<usize> = two.iter().flatten().map(|&(i, _)| i).collect();
        assert_eq!(shown, (0..entries.len()).collect::<Vec<_>>());
        for column in &two {
            assert!(column.iter().map(|&(_, h)| h).sum::<u16>() <= 22);
        }
        // "cycle fault on selected: errors/slow/down/flapping" needs two rows at 27 cells.
        let fault = entries.iter().position(|(k, _)| *k == "f").unwrap();
        let (_, h) = two[0].iter().find(|&&(i, _)| i == fault).unwrap();
        assert_eq!(*h, 2);
    }
}

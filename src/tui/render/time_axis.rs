//! The one time axis shared by the panels that show time (Breakers and Traffic): the last
//! [`WINDOW_NS`] of virtual time over `cols` cells, with ticks every [`TICK_NS`] labelled
//! `-30s … -20s … -10s … now`.
//!
//! Column `c` covers the virtual times `[start(c), start(c + 1))`, where
//! `start(c) = now − window + c × window / cols` (exact integer arithmetic): every column
//! the same share of the window, the last one ending at `now`. Both panels map a time to a
//! column with [`TimeAxis::column_of`], so with the same width the same instant falls in the
//! same column offset of both plots.

use super::format::clock;
use super::labels::width;

/// Virtual time shown by the time axis.
pub const WINDOW_NS: u64 = 30_000_000_000;
/// Virtual time between two ticks.
pub const TICK_NS: u64 = 10_000_000_000;

/// The last `window` ns before `now` over `cols` cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeAxis {
    /// Virtual time at the right edge (ns).
    pub now: u64,
    /// Virtual time shown (ns).
    pub window: u64,
    /// Cells.
    pub cols: usize,
}

impl TimeAxis {
    /// The standard window ([`WINDOW_NS`]) ending at `now`, over `cols` cells.
    pub fn new(now: u64, cols: usize) -> Self {
        Self {
            now,
            window: WINDOW_NS,
            cols,
        }
    }

    /// Virtual time at which column `c` starts (negative: before the run began).
    pub fn start(&self, c: usize) -> i128 {
        let cols = self.cols.max(1) as i128;
        i128::from(self.now) - i128::from(self.window) + c as i128 * i128::from(self.window) / cols
    }

    /// The virtual times column `c` covers: `[start, end)`.
    pub fn span(&self, c: usize) -> (i128, i128) {
        (self.start(c), self.start(c + 1))
    }

    /// The column whose span holds virtual time `t`, if it is inside the window.
    pub fn column_of(&self, t: i128) -> Option<usize> {
        let left = self.start(0);
        if self.cols == 0 || t < left || t >= i128::from(self.now) {
            return None;
        }
        // The largest c with start(c) <= t: floor((t − left) × cols / window), corrected for
        // the integer division in start().
        let mut c = ((t - left) * self.cols as i128 / i128::from(self.window.max(1))) as usize;
        while c + 1 < self.cols && self.start(c + 1) <= t {
            c += 1;
        }
        while c > 0 && self.start(c) > t {
            c -= 1;
        }
        Some(c)
    }

    /// The ticks, oldest first: the column each marks and its label (`-30s`, `-20s`,
    /// `-10s`, `now`). The `now` tick marks the last column.
    pub fn ticks(&self) -> Vec<(usize, String)> {
        if self.cols == 0 {
            return Vec::new();
        }
        let mut ticks: Vec<(usize, String)> = (1..=self.window / TICK_NS)
            .rev()
            .filter_map(|k| {
                let back = k * TICK_NS;
                let t = i128::from(self.now) - i128::from(back);
                self.column_of(t).map(|c| (c, tick_label(back)))
            })
            .collect();
        ticks.push((self.cols - 1, "now".to_string()));
        ticks
    }

    /// The tick row under a plot, `cols` cells: each label starts at its tick's column
    /// (`now` ends at the last column); a label that would touch its neighbour is left out,
    /// the inner ones first, so the row never shows a cut label.
    pub fn tick_row(&self) -> String {
        let ticks = self.ticks();
        let mut row = vec![' '; self.cols];
        // Placement order: `now`, the oldest, then inwards from the newest.
        let mut order: Vec<usize> = (0..ticks.len()).collect();
        order.sort_by_key(|&i| match i {
            _ if i + 1 == ticks.len() => (0, 0),
            0 => (1, 0),
            _ => (2, ticks.len() - i),
        });
        let mut taken = vec![false; self.cols];
        for i in order {
            let (col, label) = &ticks[i];
            let w = width(label);
            let start = if i + 1 == ticks.len() {
                (col + 1).saturating_sub(w)
            } else {
                *col
            };
            let end = start + w;
            // One free cell on each side keeps labels apart.
            let lo = start.saturating_sub(1);
            let hi = (end + 1).min(self.cols);
            if end > self.cols || taken[lo..hi].iter().any(|&t| t) {
                continue;
            }
            for (cell, ch) in row[start..end].iter_mut().zip(label.chars()) {
                *cell = ch;
            }
            taken[start..end].iter_mut().for_each(|t| *t = true);
        }
        row.into_iter().collect()
    }
}

/// The label of a tick `back` ns before now: whole seconds as `-10s`, otherwise in the
/// [`clock`] format (`-1m30s`).
pub fn tick_label(back: u64) -> String {
    if back < 60_000_000_000 && back.is_multiple_of(1_000_000_000) {
        format!("-{}s", back / 1_000_000_000)
    } else {
        format!("-{}", clock(back))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: i128 = 1_000_000_000;

    #[test]
    fn columns_tile_the_window_exactly() {
        for cols in [1, 7, 30, 97] {
            let a = TimeAxis::new(45_000_000_000, cols);
            assert_eq!(a.start(0), 15 * S);
            assert_eq!(a.span(cols - 1).1, 45 * S);
            for c in 0..cols {
                let (lo, hi) = a.span(c);
                assert!(lo < hi);
                assert_eq!(a.column_of(lo), Some(c));
                assert_eq!(a.column_of(hi - 1), Some(c));
            }
            assert_eq!(a.column_of(15 * S - 1), None);
            assert_eq!(a.column_of(45 * S), None);
        }
    }

    #[test]
    fn ticks_mark_ten_second_steps() {
        let a = TimeAxis::new(40_000_000_000, 30);
        // One column per second: -30s is column 0, -20s column 10, -10s column 20.
        let ticks = a.ticks();
        assert_eq!(
            ticks,
            [
                (0, "-30s".to_string()),
                (10, "-20s".to_string()),
                (20, "-10s".to_string()),
                (29, "now".to_string())
            ]
        );
        let row = a.tick_row();
        assert_eq!(row.chars().count(), 30);
        assert_eq!(row, "-30s      -20s      -10s   now");
    }

    #[test]
    fn narrow_rows_leave_labels_out_whole() {
        let a = TimeAxis::new(40_000_000_000, 12);
        let row = a.tick_row();
        assert_eq!(row.chars().count(), 12);
        // -30s at 0, -20s at 4 (touches), -10s at 8 (touches now at 9..12).
        assert_eq!(row, "-30s     now");
        assert_eq!(TimeAxis::new(0, 2).tick_row(), "  ");
        assert_eq!(tick_label(90_000_000_000), "-1m30s");
    }
}

//! Labels that tell things apart, and columns that fit or go whole.
//!
//! Names (servers, tenants) are shown in columns sized from the data and the space. When a
//! name is longer than its column it is abbreviated as `head…tail`, choosing the split so
//! that every label of the set stays distinct where the width allows it (`cache…001`,
//! `cache…002`, not `cache-n` twice). Number columns are never cut: when the row has no room,
//! whole columns are dropped in a declared priority order ([`fit_columns`]).

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The ellipsis that marks an abbreviation.
pub const ELLIPSIS: char = '…';

/// Display width of `s` in terminal cells.
pub fn width(s: &str) -> usize {
    s.width()
}

/// The width of a name column: the widest name, at most `cap`, at least `min`
/// (a header such as `server` needs room too).
pub fn column_width<'a>(names: impl IntoIterator<Item = &'a str>, min: usize, cap: usize) -> usize {
    names
        .into_iter()
        .map(width)
        .max()
        .unwrap_or(0)
        .clamp(min.min(cap), cap)
}

/// Abbreviate every name to at most `max` cells, keeping the labels distinct where possible.
///
/// Names that fit are kept whole. Longer names become `head…tail`; the split (how many cells
/// of tail) is the same for the whole set and is the first, in order of preference (a
/// balanced split, then more head, then more tail), under which no two labels are equal. If
/// no split tells them apart (the column is too narrow), the balanced split is used and the
/// caller shows the selected item's full name elsewhere.
pub fn distinct_labels(names: &[&str], max: usize) -> Vec<String> {
    if names.iter().all(|n| width(n) <= max) {
        return names.iter().map(|n| (*n).to_owned()).collect();
    }
    if max <= 2 {
        return names.iter().map(|n| take_head(n, max).to_owned()).collect();
    }
    let room = max - 1; // cells left beside the ellipsis
    let balanced = room / 2;
    let preference = (1..=balanced)
        .rev()
        .chain(balanced + 1..room)
        .chain(std::iter::once(room));
    let label_set = |tail: usize| -> Vec<String> {
        names
            .iter()
            .map(|n| abbreviate(n, max, room - tail, tail))
            .collect()
    };
    for tail in preference {
        let labels = label_set(tail);
        if all_distinct(&labels) {
            return labels;
        }
    }
    label_set(balanced.max(1))
}

/// `name` itself if it fits in `max` cells, else its first `head` and last `tail` cells
/// around an ellipsis.
fn abbreviate(name: &str, max: usize, head: usize, tail: usize) -> String {
    if width(name) <= max {
        return name.to_owned();
    }
    let mut out = String::with_capacity(max * 4);
    out.push_str(take_head(name, head));
    out.push(ELLIPSIS);
    out.push_str(take_tail(name, tail));
    out
}

/// The longest prefix of `s` at most `cells` wide.
pub fn take_head(s: &str, cells: usize) -> &str {
    let mut used = 0;
    for (i, c) in s.char_indices() {
        used += c.width().unwrap_or(0);
        if used > cells {
            return &s[..i];
        }
    }
    s
}

/// The longest suffix of `s` at most `cells` wide.
fn take_tail(s: &str, cells: usize) -> &str {
    let mut used = 0;
    for (i, c) in s.char_indices().rev() {
        used += c.width().unwrap_or(0);
        if used > cells {
            return &s[i + c.len_utf8()..];
        }
    }
    s
}

/// `s` left-aligned and padded with spaces to exactly `cells` cells (cut with an ellipsis
/// if longer: use [`distinct_labels`] first for sets of names).
pub fn pad(s: &str, cells: usize) -> String {
    let w = width(s);
    if w <= cells {
        let mut out = String::with_capacity(s.len() + cells - w);
        out.push_str(s);
        out.extend(std::iter::repeat_n(' ', cells - w));
        out
    } else if cells == 0 {
        String::new()
    } else {
        let head = take_head(s, cells - 1);
        let mut out = format!("{head}{ELLIPSIS}");
        out.extend(std::iter::repeat_n(' ', cells - 1 - width(head)));
        out
    }
}

/// The first of `forms` (longest first) that fits in `cells` cells, else the last one: how a
/// title or caption gets shorter by whole parts instead of being cut.
pub fn first_that_fits(forms: impl IntoIterator<Item = String>, cells: usize) -> String {
    let mut last = String::new();
    for form in forms {
        if width(&form) <= cells {
            return form;
        }
        last = form;
    }
    last
}

fn all_distinct(labels: &[String]) -> bool {
    let mut seen = std::collections::HashSet::with_capacity(labels.len());
    labels.iter().all(|l| seen.insert(l.as_str()))
}

/// One optional column of a row: its width in cells (including its separating space) and its
/// priority (higher stays longer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// Cells the column takes, separator included.
    pub width: usize,
    /// Higher priorities are kept when space runs out; lower ones are dropped first.
    pub priority: u8,
}

/// Which columns fit in `available` cells: drops whole columns, lowest priority first (the
/// rightmost first among equals), until the rest fit. Never cuts a column.
pub fn fit_columns(available: usize, columns: &[Column]) -> Vec<bool> {
    let mut shown = vec![true; columns.len()];
    let mut used: usize = columns.iter().map(|c| c.width).sum();
    let mut order: Vec<usize> = (0..columns.len()).collect();
    // Lowest priority first; among equal priorities, the rightmost first.
    order.sort_by_key(|&i| (columns[i].priority, std::cmp::Reverse(i)));
    for i in order {
        if used <= available {
            break;
        }
        shown[i] = false;
        used -= columns[i].width;
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_fit_stay_whole() {
        assert_eq!(distinct_labels(&["alpha", "beta"], 8), ["alpha", "beta"]);
    }

    #[test]
    fn shared_prefixes_keep_their_distinguishing_suffix() {
        let names: Vec<String> = (1..=8)
            .map(|i| format!("cache-node-eu-west-{i:03}"))
            .collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let labels = distinct_labels(&refs, 9);
        assert_eq!(labels[0], "cach…-001");
        assert_eq!(labels[7], "cach…-008");
        assert!(labels.iter().all(|l| width(l) <= 9));
        let labels = distinct_labels(&refs, 5);
        assert_eq!(labels[0], "ca…01");
        assert!(all_distinct(&labels));
    }

    #[test]
    fn differences_in_the_middle_move_the_split() {
        // Same head and tail; only the middle tells them apart: a longer head wins.
        let labels = distinct_labels(&["node-eu-1-cache", "node-us-1-cache"], 10);
        assert!(all_distinct(&labels), "{labels:?}");
        assert!(labels.iter().all(|l| width(l) <= 10));
    }

    #[test]
    fn server_numbers_past_nine_stay_distinct() {
        let names: Vec<String> = (1..=30).map(|i| format!("server-{i}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let labels = distinct_labels(&refs, 7);
        assert!(all_distinct(&labels), "{labels:?}");
        assert_eq!(labels[24], "ser…-25");
    }

    #[test]
    fn wide_characters_are_counted_in_cells() {
        let labels = distinct_labels(&["東京-サーバ-1", "東京-サーバ-2"], 7);
        assert!(labels.iter().all(|l| width(l) <= 7), "{labels:?}");
        assert!(all_distinct(&labels));
        assert_eq!(pad("東京", 5), "東京 ");
        assert_eq!(pad("abcdef", 4), "abc…");
    }

    #[test]
    fn columns_go_whole_lowest_priority_first() {
        let cols = [
            Column {
                width: 6,
                priority: 3,
            },
            Column {
                width: 6,
                priority: 1,
            },
            Column {
                width: 6,
                priority: 2,
            },
            Column {
                width: 6,
                priority: 1,
            },
        ];
        assert_eq!(fit_columns(24, &cols), [true; 4]);
        assert_eq!(fit_columns(23, &cols), [true, true, true, false]);
        assert_eq!(fit_columns(12, &cols), [true, false, true, false]);
        assert_eq!(fit_columns(5, &cols), [false; 4]);
    }

    #[test]
    fn the_first_form_that_fits_wins() {
        let forms = || ["a long title".to_string(), "a title".into(), "a".into()];
        assert_eq!(first_that_fits(forms(), 20), "a long title");
        assert_eq!(first_that_fits(forms(), 7), "a title");
        assert_eq!(first_that_fits(forms(), 0), "a");
    }

    #[test]
    fn column_width_is_bounded() {
        assert_eq!(column_width(["ab", "abcdef"], 3, 5), 5);
        assert_eq!(column_width(["ab"], 6, 20), 6);
        assert_eq!(column_width([], 6, 20), 6);
    }
}

//! The event log the dashboard shows: the engine's log lines (commands applied, scenario
//! events, breaker transitions, skipped events) and the UI's own notes (view actions,
//! refusals, saves) merged by virtual time, then filtered by the view's [`LogFilter`](super::state::LogFilter).
//!
//! Memory is bounded: the engine keeps its newest [`LOG_LINES`](crate::sim::LOG_LINES)
//! lines and the view its newest [`NOTES_KEPT`](super::state::NOTES_KEPT) notes, so the
//! log never holds more than their sum; older lines scroll out for good.

use super::state::{LogCategory, ViewState};
use crate::sim::Snapshot;

/// One line of the event log, borrowed from the snapshot or the view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry<'a> {
    /// Virtual time (ns).
    pub at_ns: u64,
    /// What kind of line it is.
    pub category: LogCategory,
    /// Whether it is one of the UI's own notes (rather than an engine line).
    pub note: bool,
    /// Text.
    pub text: &'a str,
}

/// The lines the view's filter admits, oldest first. At equal times an engine line comes
/// before a note (a key typed after the engine logged its line).
pub fn entries<'a>(snap: &'a Snapshot, view: &'a ViewState) -> Vec<Entry<'a>> {
    let filter = view.log_filter();
    let engine = snap.log.iter().map(|l| Entry {
        at_ns: l.at_ns,
        category: LogCategory::of(l.kind),
        note: false,
        text: &l.text,
    });
    let notes = view.notes().map(|n| Entry {
        at_ns: n.at_ns,
        category: n.category(),
        note: true,
        text: &n.text,
    });
    let mut merged: Vec<Entry<'a>> = engine
        .chain(notes)
        .filter(|e| filter.admits(e.category))
        .collect();
    // Stable: each source keeps its order; engine lines before notes on ties.
    merged.sort_by_key(|e| (e.at_ns, e.note));
    merged
}

/// The window of `rows` lines to show, oldest first, and how far back it really is
/// (the view's scroll clamped so that the window stays full).
pub fn window<'e, 'a>(
    entries: &'e [Entry<'a>],
    rows: usize,
    scroll: usize,
) -> (&'e [Entry<'a>], usize) {
    let back = scroll.min(entries.len().saturating_sub(rows));
    let end = entries.len() - back;
    (&entries[end.saturating_sub(rows)..end], back)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(at_ns: u64) -> Entry<'static> {
        Entry {
            at_ns,
            category: LogCategory::Key,
            note: false,
            text: "x",
        }
    }

    #[test]
    fn the_window_stays_full_and_clamps_the_scroll() {
        let all: Vec<_> = (0..10).map(entry).collect();
        let (w, back) = window(&all, 4, 0);
        assert_eq!((w.first().unwrap().at_ns, w.len(), back), (6, 4, 0));
        let (w, back) = window(&all, 4, 3);
        assert_eq!((w.first().unwrap().at_ns, back), (3, 3));
        let (w, back) = window(&all, 4, 99);
        assert_eq!((w.first().unwrap().at_ns, back), (0, 6));
        let (w, back) = window(&all[..2], 4, 5);
        assert_eq!((w.len(), back), (2, 0));
    }
}

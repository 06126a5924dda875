//! Bounded queues: the event log and the other recent-history lists the engine keeps.

use std::collections::VecDeque;

use crate::sim::limits::LOG_LINES;
use crate::sim::snapshot::{LogKind, LogLine};

/// Append `item`, dropping the oldest first when `q` already holds `cap`.
pub(super) fn push_bounded<T>(q: &mut VecDeque<T>, item: T, cap: usize) {
    if q.len() >= cap {
        q.pop_front();
    }
    q.push_back(item);
}

/// Append an event-log line, keeping at most [`LOG_LINES`].
pub(super) fn push_log(log: &mut VecDeque<LogLine>, at_ns: u64, kind: LogKind, text: String) {
    push_bounded(
        log,
        LogLine {
            at_ns,
            kind,
            text: text.into(),
        },
        LOG_LINES,
    );
}

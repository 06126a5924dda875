//! View state: what the dashboard shows besides the snapshot itself (selection, overlays,
//! focus, presenter mode, the UI's own log lines and how the log is filtered and
//! scrolled, where clickable rows were drawn).
//!
//! Key handling ([`input`](super::input)) changes it; render functions
//! ([`render`](super::render)) read it. It imports no rendering.
//!
//! # The selected server
//! The selection is a *position* in the legend order (the order of
//! [`Snapshot::servers`]), like a cursor on a line. Commands on "the selected server" send
//! that position, and the engine resolves it when it applies them (see
//! [`Command`](crate::sim::Command#relative-commands)); when the server there is removed,
//! the selection stays on the same row, which now shows the next server (or the last one),
//! so `d` typed four times removes four servers in turn, like deleting lines. When a new
//! frame shows the selected server at another row (a server joined above it), the
//! selection moves with it, as a cursor moves with its line when lines are inserted above.

use std::collections::VecDeque;
use std::sync::Arc;

use ratatui::layout::{Position, Rect};

use super::prompt::Prompt;
use crate::sim::{LogKind, Snapshot};

/// Notes (view acknowledgements, refusals) kept for the event log; with the engine's own
/// [`LOG_LINES`](crate::sim::LOG_LINES), the log holds at most the sum of the two.
pub const NOTES_KEPT: usize = 200;

/// Which lines the event log shows (cycled by a key, see [`keymap`](super::keymap)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum LogFilter {
    /// Every line.
    #[default]
    All,
    /// Scripted scenario events.
    Scenario,
    /// Breaker transitions.
    Breaker,
    /// What keys (and commands) did: applied commands and view actions.
    Key,
    /// Refusals and skipped events.
    Refused,
}

/// What kind of event-log line a line is, for [`LogFilter`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LogCategory {
    /// A scripted scenario event.
    Scenario,
    /// A breaker transition.
    Breaker,
    /// An applied command or a view action.
    Key,
    /// A refusal or a skipped event.
    Refused,
}

impl LogCategory {
    /// The category of an engine log line.
    pub fn of(kind: LogKind) -> Self {
        match kind {
            LogKind::Command => Self::Key,
            LogKind::Scenario => Self::Scenario,
            LogKind::Breaker => Self::Breaker,
            LogKind::Error => Self::Refused,
        }
    }
}

impl LogFilter {
    /// The filter after this one: all → scenario → breaker → key → refused → all.
    pub fn next(self) -> Self {
        match self {
            Self::All => Self::Scenario,
            Self::Scenario => Self::Breaker,
            Self::Breaker => Self::Key,
            Self::Key => Self::Refused,
            Self::Refused => Self::All,
        }
    }

    /// Its name, as the log panel's title shows it.
    pub fn label(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Scenario => "scenario",
            Self::Breaker => "breaker",
            Self::Key => "key",
            Self::Refused => "refused",
        }
    }

    /// Whether a line of `category` passes.
    pub fn admits(self, category: LogCategory) -> bool {
        match self {
            Self::All => true,
            Self::Scenario => category == LogCategory::Scenario,
            Self::Breaker => category == LogCategory::Breaker,
            Self::Key => category == LogCategory::Key,
            Self::Refused => category == LogCategory::Refused,
        }
    }
}

/// Which panel fills the screen (talk mode: `1` ring, `2` buckets, `3` breakers, `0` all).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Focus {
    /// Every panel of the layout.
    #[default]
    All,
    /// The ring gauge alone.
    Ring,
    /// The token buckets alone.
    Buckets,
    /// The breaker timeline alone.
    Breakers,
}

/// A line the UI adds to the event log (an acknowledgement or a refusal).
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    /// Virtual time at which it happened (for ordering against engine lines).
    pub at_ns: u64,
    /// Text.
    pub text: String,
    /// Whether this explains a refused action.
    pub error: bool,
}

impl Note {
    /// Its category in the event log.
    pub fn category(&self) -> LogCategory {
        if self.error {
            LogCategory::Refused
        } else {
            LogCategory::Key
        }
    }
}

/// Where the legend rows were drawn: the area of the rows and the index of the server in
/// the first row (so that a click can be mapped back to a server).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LegendHit {
    /// The rows, one server per row.
    pub rows: Rect,
    /// Index (in `Snapshot::servers`) of the server in the first row.
    pub first: usize,
}

impl LegendHit {
    /// The server index under the cell `(column, row)`, if any.
    pub fn server_at(&self, column: u16, row: u16) -> Option<usize> {
        self.rows
            .contains(Position::new(column, row))
            .then(|| self.first + usize::from(row - self.rows.y))
    }
}

/// Everything the dashboard shows besides the snapshot itself.
#[derive(Debug, Clone, Default)]
pub struct ViewState {
    /// Position of the selection in the legend order (see the module docs).
    selected: usize,
    /// The name of the server at that position in the last frame.
    selected_name: Option<String>,
    servers: usize,
    help: bool,
    focus: Focus,
    present: bool,
    /// The screen is blanked (presenter `.`): nothing is drawn until the next key.
    blank: bool,
    mouse: bool,
    notes: VecDeque<Note>,
    /// Which lines the event log shows.
    log_filter: LogFilter,
    /// How many (filtered) lines the event log is scrolled back from the newest.
    log_scroll: usize,
    /// The newest engine log line seen (compared by pointer), so that a log scrolled back
    /// stays on the same lines while new ones arrive.
    log_anchor: Option<Arc<str>>,
    /// Virtual time of the last snapshot followed.
    now_ns: u64,
    /// Where the legend rows were drawn last frame (for mouse selection).
    legend: Option<LegendHit>,
    /// The key prompt, while open (`/`).
    prompt: Option<Prompt>,
    /// The key traced on the ring (re-traced on every frame against the ring then).
    traced: Option<String>,
    /// Whether the ring shows the selected server's replica arcs.
    replica_arcs: bool,
}

impl ViewState {
    /// The view of `snapshot` with the first server selected; `mouse`: whether clicks on
    /// legend rows select servers and the wheel scrolls the event log.
    pub fn new(snapshot: &Snapshot, mouse: bool) -> Self {
        let mut view = Self {
            notes: VecDeque::with_capacity(NOTES_KEPT),
            mouse,
            ..Self::default()
        };
        view.follow(snapshot);
        view
    }

    /// Follow a new snapshot: the selection follows its server to its new row, or, when
    /// that server is gone, keeps its row (clamped to the servers there are); when time
    /// went back (a reset or a jump back), the notes of the undone future go; a log
    /// scrolled back stays on the same lines.
    pub fn follow(&mut self, snapshot: &Snapshot) {
        let servers = &snapshot.servers;
        self.servers = servers.len();
        let moved = self
            .selected_name
            .as_ref()
            .and_then(|name| servers.iter().position(|s| &s.name == name));
        self.selected = moved.unwrap_or(self.selected.min(self.servers.saturating_sub(1)));
        self.selected_name = servers.get(self.selected).map(|s| s.name.clone());
        if snapshot.now_ns < self.now_ns {
            self.notes.retain(|n| n.at_ns <= snapshot.now_ns);
            self.log_scroll = 0;
        } else if self.log_scroll > 0 {
            let new = match &self.log_anchor {
                Some(anchor) => snapshot
                    .log
                    .iter()
                    .rev()
                    .take_while(|l| !Arc::ptr_eq(&l.text, anchor))
                    .filter(|l| self.log_filter.admits(LogCategory::of(l.kind)))
                    .count(),
                None => 0,
            };
            self.log_scroll += new;
        }
        self.now_ns = snapshot.now_ns;
        self.log_anchor = snapshot.log.last().map(|l| l.text.clone());
    }

    /// Index of the selected server in the snapshot's servers (None when there are none).
    pub fn selected(&self) -> Option<usize> {
        (self.selected < self.servers).then_some(self.selected)
    }

    /// The selected position in the legend order, what commands on "the selected server"
    /// send (0 when there are no servers: the engine then refuses).
    pub fn selected_position(&self) -> usize {
        self.selected
    }

    /// Select the server at position `index` of `snapshot`'s legend (ignored when out of
    /// range).
    pub fn select(&mut self, snapshot: &Snapshot, index: usize) {
        if let Some(s) = snapshot.servers.get(index) {
            self.selected = index;
            self.selected_name = Some(s.name.clone());
        }
    }

    /// First server row to show in a list of `rows` rows so that the selected server stays
    /// visible (the legend and the breaker timeline scroll together).
    pub fn first_visible_row(&self, rows: usize) -> usize {
        self.selected()
            .map_or(0, |s| s.saturating_sub(rows.saturating_sub(1)))
    }

    /// Whether the help overlay is open.
    pub fn help_open(&self) -> bool {
        self.help
    }

    /// Open or close the help overlay.
    pub fn set_help(&mut self, open: bool) {
        self.help = open;
    }

    /// Which panel fills the screen.
    pub fn focus(&self) -> Focus {
        self.focus
    }

    /// Show one panel alone (or all of them).
    pub fn set_focus(&mut self, focus: Focus) {
        self.focus = focus;
    }

    /// Whether the presenter layout is on.
    pub fn present(&self) -> bool {
        self.present
    }

    /// Whether the screen is blanked.
    pub fn blank(&self) -> bool {
        self.blank
    }

    /// Blank the screen, or bring it back.
    pub fn set_blank(&mut self, blank: bool) {
        self.blank = blank;
    }

    /// Switch the presenter layout on or off.
    pub fn set_present(&mut self, present: bool) {
        self.present = present;
    }

    /// Whether mouse clicks select legend rows (and the wheel scrolls the event log).
    pub fn mouse(&self) -> bool {
        self.mouse
    }

    /// Where the legend rows were drawn last frame.
    pub fn legend(&self) -> Option<LegendHit> {
        self.legend
    }

    /// Remember where the legend rows were drawn this frame.
    pub fn set_legend(&mut self, legend: Option<LegendHit>) {
        self.legend = legend;
    }

    /// The UI's own event-log lines, oldest first.
    pub fn notes(&self) -> impl DoubleEndedIterator<Item = &Note> + ExactSizeIterator {
        self.notes.iter()
    }

    /// Add a line to the event log at virtual time `at_ns` (the oldest goes when full).
    pub fn note(&mut self, at_ns: u64, text: String, error: bool) {
        if self.notes.len() == NOTES_KEPT {
            self.notes.pop_front();
        }
        let note = Note { at_ns, text, error };
        if self.log_scroll > 0 && self.log_filter.admits(note.category()) {
            self.log_scroll += 1;
        }
        self.notes.push_back(note);
    }

    /// Forget the UI's own log lines and scroll back to the newest (`r`: the engine starts
    /// its log afresh too).
    pub fn clear_log(&mut self) {
        self.notes.clear();
        self.log_scroll = 0;
    }

    /// Which lines the event log shows.
    pub fn log_filter(&self) -> LogFilter {
        self.log_filter
    }

    /// Show the next filter's lines, from the newest.
    pub fn cycle_log_filter(&mut self) -> LogFilter {
        self.log_filter = self.log_filter.next();
        self.log_scroll = 0;
        self.log_filter
    }

    /// How many (filtered) lines the event log is scrolled back from the newest.
    pub fn log_scroll(&self) -> usize {
        self.log_scroll
    }

    /// Scroll the event log `back` lines towards older ones (negative: towards the newest),
    /// at most to `max` lines back.
    pub fn scroll_log(&mut self, back: isize, max: usize) {
        self.log_scroll = self.log_scroll.saturating_add_signed(back).min(max);
    }

    /// The key prompt, while open.
    pub fn prompt(&self) -> Option<&Prompt> {
        self.prompt.as_ref()
    }

    /// The key prompt to edit, while open.
    pub fn prompt_mut(&mut self) -> Option<&mut Prompt> {
        self.prompt.as_mut()
    }

    /// Open the key prompt, empty (the traced key, if any, stays until Enter).
    pub fn open_prompt(&mut self) {
        self.prompt = Some(Prompt::default());
    }

    /// Close the key prompt, returning what it held.
    pub fn close_prompt(&mut self) -> Option<Prompt> {
        self.prompt.take()
    }

    /// The key traced on the ring, if any.
    pub fn traced(&self) -> Option<&str> {
        self.traced.as_deref()
    }

    /// Trace `key` on the ring (None: stop tracing).
    pub fn set_traced(&mut self, key: Option<String>) {
        self.traced = key;
    }

    /// Whether the ring shows the selected server's replica arcs (where it is the 2nd,
    /// 3rd… owner).
    pub fn replica_arcs(&self) -> bool {
        self.replica_arcs
    }

    /// Show or hide the selected server's replica arcs.
    pub fn set_replica_arcs(&mut self, on: bool) {
        self.replica_arcs = on;
    }

    /// Acknowledge what `key` did (`key: text`, marked `✗` when refused).
    pub fn acknowledge(&mut self, at_ns: u64, key: &str, text: &str, error: bool) {
        let prefix = if error { "✗ " } else { "" };
        self.note(at_ns, format!("{prefix}{key}: {text}"), error);
    }
}

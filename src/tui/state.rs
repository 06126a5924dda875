//! View state: what the dashboard shows besides the snapshot itself (selection, overlays,
//! focus, presenter mode, the UI's own log lines, where clickable rows were drawn).
//!
//! Key handling ([`input`](super::input)) changes it; render functions
//! ([`render`](super::render)) read it. It imports no rendering.

use std::collections::VecDeque;

use ratatui::layout::{Position, Rect};

use crate::sim::{Fault, Snapshot};

/// Notes (key acknowledgements, refusals) kept for the event log.
pub const NOTES_KEPT: usize = 64;

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
    selected: usize,
    selected_name: Option<String>,
    servers: usize,
    help: bool,
    focus: Focus,
    present: bool,
    mouse: bool,
    notes: VecDeque<Note>,
    /// Where the legend rows were drawn last frame (for mouse selection).
    legend: Option<LegendHit>,
    /// A fault sent but not yet visible in a snapshot, so pressing `f` twice quickly
    /// still cycles.
    pending_fault: Option<(String, Fault)>,
}

impl ViewState {
    /// The view of `snapshot` with the first server selected; `mouse`: whether clicks on
    /// legend rows select servers.
    pub fn new(snapshot: &Snapshot, mouse: bool) -> Self {
        let mut view = Self {
            selected_name: snapshot.servers.first().map(|s| s.name.clone()),
            notes: VecDeque::with_capacity(NOTES_KEPT),
            mouse,
            ..Self::default()
        };
        view.follow(snapshot);
        view
    }

    /// Follow a new snapshot: the selection follows the server by name (or keeps its row
    /// when that server is gone), and a pending fault is dropped once it is visible.
    pub fn follow(&mut self, snapshot: &Snapshot) {
        if let Some((name, fault)) = &self.pending_fault {
            let shown = snapshot.servers.iter().find(|s| &s.name == name);
            if shown.is_none_or(|s| s.fault == Some(*fault)) {
                self.pending_fault = None;
            }
        }
        let servers = &snapshot.servers;
        self.servers = servers.len();
        if let Some(name) = &self.selected_name
            && let Some(i) = servers.iter().position(|s| &s.name == name)
        {
            self.selected = i;
            return;
        }
        // The selected server is gone: keep the same row, clamped.
        self.selected = self.selected.min(servers.len().saturating_sub(1));
        self.selected_name = servers.get(self.selected).map(|s| s.name.clone());
    }

    /// Index of the selected server in the snapshot's servers (None when there are none).
    pub fn selected(&self) -> Option<usize> {
        (self.selected < self.servers).then_some(self.selected)
    }

    /// Select server `index` of `snapshot` (ignored when out of range).
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

    /// Switch the presenter layout on or off.
    pub fn set_present(&mut self, present: bool) {
        self.present = present;
    }

    /// Whether mouse clicks select legend rows.
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

    /// The fault sent to a server but not yet visible in a snapshot.
    pub fn pending_fault(&self) -> Option<&(String, Fault)> {
        self.pending_fault.as_ref()
    }

    /// Remember (or forget) a fault sent but not yet visible.
    pub fn set_pending_fault(&mut self, pending: Option<(String, Fault)>) {
        self.pending_fault = pending;
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
        self.notes.push_back(Note { at_ns, text, error });
    }

    /// Acknowledge what `key` did (`key: text`, marked `✗` when refused).
    pub fn acknowledge(&mut self, at_ns: u64, key: &str, text: &str, error: bool) {
        let prefix = if error { "✗ " } else { "" };
        self.note(at_ns, format!("{prefix}{key}: {text}"), error);
    }
}

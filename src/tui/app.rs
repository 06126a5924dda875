//! View state and the translation of key presses into engine [`Command`]s.
//!
//! The app never routes or limits anything: it reads [`Snapshot`]s and emits commands.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;

use crossterm::event::{Event, KeyEvent, KeyEventKind, MouseButton, MouseEventKind};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};

use super::keymap::{self, Action, Focus};
use super::theme::Theme;
use super::widgets;
use crate::sim::{Command, Fault, SimError, Snapshot};

/// Notes (key acknowledgements, refusals) kept for the event log.
pub const NOTES_KEPT: usize = 64;
/// Factor applied to the traffic rate by `+` (and its inverse by `-`).
pub const RATE_FACTOR: f64 = 1.25;
/// Factor applied to the refill rate by `]` (and its inverse by `[`).
pub const REFILL_FACTOR: f64 = 1.25;
/// Lowest refill rate the keys will set (tokens per second).
pub const MIN_REFILL: f64 = 0.1;
/// Highest refill rate the keys will set (tokens per second).
pub const MAX_REFILL: f64 = 1.0e7;
/// Requests in a burst are this many times the hottest tenant's capacity.
pub const BURST_CAPACITIES: u32 = 3;
/// Burst size when the capacity is unknown (no tenant seen yet).
pub const DEFAULT_BURST: u32 = 500;
/// Fault injected first by `f`: error probability.
pub const FAULT_ERROR_RATE: f64 = 0.5;
/// Fault injected second by `f`: extra latency in milliseconds.
pub const FAULT_SLOW_MS: u64 = 400;
/// Fault injected fourth by `f`: flapping period in milliseconds.
pub const FAULT_FLAP_MS: u64 = 4_000;

/// The result of one command sent to the engine, reported back to the app.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The command as sent.
    pub command: Command,
    /// Whether the engine applied it.
    pub result: Result<(), SimError>,
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

/// Where `w` writes the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveTo {
    /// This file (`--save-scenario FILE`), overwritten on each save.
    File(PathBuf),
    /// A new `ringside-session-<scenario>[-N].toml` in this directory on each save.
    Dir(PathBuf),
}

/// Options that shape the app but not the simulation.
#[derive(Debug, Clone, Default)]
pub struct AppOptions {
    /// Whether mouse clicks select legend rows.
    pub mouse: bool,
}

/// Everything the dashboard shows besides the snapshot itself.
#[derive(Debug)]
pub struct App {
    /// Colours.
    pub theme: Theme,
    snapshot: Arc<Snapshot>,
    selected: usize,
    selected_name: Option<String>,
    help: bool,
    quit: bool,
    notes: VecDeque<Note>,
    options: AppOptions,
    /// Where the legend rows were drawn last frame (for mouse selection), and the index
    /// of the server in its first row.
    legend: Option<(Rect, usize)>,
    /// A fault sent but not yet visible in a snapshot, so pressing `f` twice quickly
    /// still cycles.
    pending_fault: Option<(String, Fault)>,
    /// Which panel fills the screen (`1`/`2`/`3`/`0`).
    focus: Focus,
    /// Presenter layout (`--present`).
    present: bool,
    /// Where `w` writes the session; `None`: saving is off (the default, so that tests
    /// and embedders never write files unasked).
    save_to: Option<SaveTo>,
}

impl App {
    /// A new app showing `snapshot`.
    pub fn new(snapshot: Arc<Snapshot>, theme: Theme, options: AppOptions) -> Self {
        let mut app = Self {
            theme,
            selected: 0,
            selected_name: snapshot.servers.first().map(|s| s.name.clone()),
            snapshot,
            help: false,
            quit: false,
            notes: VecDeque::with_capacity(NOTES_KEPT),
            options,
            legend: None,
            pending_fault: None,
            focus: Focus::All,
            present: false,
            save_to: None,
        };
        app.fix_selection();
        app
    }

    /// The snapshot being shown.
    pub fn snapshot(&self) -> &Snapshot {
        &self.snapshot
    }

    /// Replace the snapshot (the selection follows the server by name).
    pub fn set_snapshot(&mut self, snapshot: Arc<Snapshot>) {
        self.snapshot = snapshot;
        if let Some((name, fault)) = &self.pending_fault {
            let shown = self.snapshot.servers.iter().find(|s| &s.name == name);
            if shown.is_none_or(|s| s.fault == Some(*fault)) {
                self.pending_fault = None;
            }
        }
        self.fix_selection();
    }

    /// Index of the selected server in `snapshot().servers` (None when there are none).
    pub fn selected(&self) -> Option<usize> {
        (self.selected < self.snapshot.servers.len()).then_some(self.selected)
    }

    /// Whether the help overlay is open.
    pub fn help_open(&self) -> bool {
        self.help
    }

    /// Whether the user asked to quit.
    pub fn should_quit(&self) -> bool {
        self.quit
    }

    /// Switch the presenter layout on or off (on: fewer, larger panels, a prominent
    /// caption and a high-contrast theme).
    pub fn set_present(&mut self, present: bool) {
        if present && !self.present {
            self.theme = super::present::high_contrast(&self.theme);
        }
        self.present = present;
    }

    /// Whether the presenter layout is on.
    pub fn present(&self) -> bool {
        self.present
    }

    /// Which panel fills the screen.
    pub fn focus(&self) -> Focus {
        self.focus
    }

    /// Show one panel alone (or all of them), without a note in the event log.
    pub fn set_focus(&mut self, focus: Focus) {
        self.focus = focus;
    }

    /// Where `w` writes the session (`None`: saving is off).
    pub fn set_save_to(&mut self, to: Option<SaveTo>) {
        self.save_to = to;
    }

    /// The UI's own event-log lines, oldest first.
    pub fn notes(&self) -> impl DoubleEndedIterator<Item = &Note> + ExactSizeIterator {
        self.notes.iter()
    }

    /// The refill rate in force (what `[`/`]` scale).
    pub fn refill_rate(&self) -> f64 {
        self.snapshot.limiter.refill_per_sec
    }

    fn fix_selection(&mut self) {
        let servers = &self.snapshot.servers;
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

    fn select(&mut self, index: usize) {
        if let Some(s) = self.snapshot.servers.get(index) {
            self.selected = index;
            self.selected_name = Some(s.name.clone());
        }
    }

    fn note(&mut self, text: String, error: bool) {
        if self.notes.len() == NOTES_KEPT {
            self.notes.pop_front();
        }
        self.notes.push_back(Note {
            at_ns: self.snapshot.now_ns,
            text,
            error,
        });
    }

    /// Handle one terminal event; returns the commands to send to the engine.
    /// Only key presses count (repeats and releases are ignored).
    pub fn handle_event(&mut self, event: &Event) -> Vec<Command> {
        match event {
            Event::Key(key) if key.kind == KeyEventKind::Press => {
                self.handle_key(key).into_iter().collect()
            }
            Event::Mouse(m)
                if self.options.mouse
                    && matches!(m.kind, MouseEventKind::Down(MouseButton::Left)) =>
            {
                self.click(m.column, m.row);
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    fn click(&mut self, column: u16, row: u16) {
        let Some((area, first)) = self.legend else {
            return;
        };
        if area.contains(Position::new(column, row)) {
            let index = first + usize::from(row - area.y);
            if let Some(name) = self.snapshot.servers.get(index).map(|s| s.name.clone()) {
                self.select(index);
                self.note(format!("click → selected {name}"), false);
            }
        }
    }

    /// Handle one key press; acknowledges it in the event log.
    pub fn handle_key(&mut self, key: &KeyEvent) -> Option<Command> {
        let name = keymap::key_name(key);
        match keymap::lookup(key) {
            Some(action) => self.apply_action(action, &name),
            None => {
                self.note(format!("{name}: not bound (press ? for help)"), true);
                None
            }
        }
    }

    /// Perform `action` (typed as `key`, for the log); returns the command to send, if any.
    pub fn apply_action(&mut self, action: Action, key: &str) -> Option<Command> {
        // Share the snapshot rather than copying the selected server (and its history).
        let snap = Arc::clone(&self.snapshot);
        let selected = self.selected().map(|i| &snap.servers[i]);
        let (command, text, error) = match action {
            Action::SelectPrev | Action::SelectNext => {
                let n = self.snapshot.servers.len();
                if n == 0 {
                    (None, "no servers to select".to_string(), true)
                } else {
                    let i = if action == Action::SelectPrev {
                        (self.selected + n - 1) % n
                    } else {
                        (self.selected + 1) % n
                    };
                    self.select(i);
                    (
                        None,
                        format!("selected {}", self.snapshot.servers[i].name),
                        false,
                    )
                }
            }
            Action::AddServer => (
                Some(Command::AddServer { name: None }),
                "add a server".to_string(),
                false,
            ),
            Action::RemoveSelected => match &selected {
                None => (None, "no server selected to remove".into(), true),
                Some(_) if self.snapshot.servers.len() <= 1 => (
                    None,
                    "cannot remove the last server (add one first with a)".into(),
                    true,
                ),
                Some(s) => (
                    Some(Command::RemoveServer(s.name.clone())),
                    format!("remove {}", s.name),
                    false,
                ),
            },
            Action::CycleFault => match &selected {
                None => (None, "no server selected to fault".into(), true),
                Some(s) => {
                    let current = match &self.pending_fault {
                        Some((name, f)) if *name == s.name => Some(*f),
                        _ => s.fault,
                    };
                    let fault = next_fault(current);
                    self.pending_fault = Some((s.name.clone(), fault));
                    (
                        Some(Command::InjectFault {
                            server: s.name.clone(),
                            fault,
                        }),
                        format!("fault {fault} on {}", s.name),
                        false,
                    )
                }
            },
            Action::Heal => match &selected {
                None => (None, "no server selected to heal".into(), true),
                Some(s) if s.fault.is_none() => {
                    (None, format!("{} has no fault to heal", s.name), true)
                }
                Some(s) => (
                    Some(Command::Heal {
                        server: s.name.clone(),
                    }),
                    format!("heal {}", s.name),
                    false,
                ),
            },
            Action::RateUp => (
                Some(Command::ScaleRate(RATE_FACTOR)),
                format!("traffic ×{RATE_FACTOR}"),
                false,
            ),
            Action::RateDown => (
                Some(Command::ScaleRate(1.0 / RATE_FACTOR)),
                format!("traffic ÷{RATE_FACTOR}"),
                false,
            ),
            Action::Burst => {
                let requests = self
                    .snapshot
                    .tenants
                    .first()
                    .map_or(DEFAULT_BURST, |t| {
                        t.capacity.saturating_mul(BURST_CAPACITIES)
                    })
                    .max(1);
                let who = self
                    .snapshot
                    .tenants
                    .first()
                    .map_or("the hottest tenant".to_string(), |t| t.name.clone());
                (
                    Some(Command::Burst {
                        tenant: None,
                        requests,
                    }),
                    format!("burst {requests} requests from {who}"),
                    false,
                )
            }
            Action::RefillDown | Action::RefillUp => {
                let factor = if action == Action::RefillUp {
                    REFILL_FACTOR
                } else {
                    1.0 / REFILL_FACTOR
                };
                let new = (self.refill_rate() * factor).clamp(MIN_REFILL, MAX_REFILL);
                (
                    Some(Command::SetRefillRate(new)),
                    format!("refill {new:.1} tokens/s"),
                    false,
                )
            }
            Action::TogglePause => (
                Some(Command::TogglePause),
                if self.snapshot.paused {
                    "resume"
                } else {
                    "pause"
                }
                .to_string(),
                false,
            ),
            Action::Step => {
                if self.snapshot.paused {
                    (Some(Command::Step), "step 100 ms".into(), false)
                } else {
                    (
                        None,
                        "step works while paused (press space first)".into(),
                        true,
                    )
                }
            }
            Action::SlowDown => (Some(Command::SlowDown), "slower".into(), false),
            Action::SpeedUp => (Some(Command::SpeedUp), "faster".into(), false),
            Action::Reset => (Some(Command::Reset), "reset the scenario".into(), false),
            Action::NextEvent => (Some(Command::NextEvent), "next event".into(), false),
            Action::PreviousEvent => (Some(Command::PreviousEvent), "previous event".into(), false),
            Action::SaveSession => {
                let path = match &self.save_to {
                    None => None,
                    Some(SaveTo::File(p)) => Some(p.clone()),
                    Some(SaveTo::Dir(d)) => Some(super::present::default_session_path(
                        d,
                        &self.snapshot.scenario,
                    )),
                };
                match path {
                    None => (None, "saving is off here".into(), true),
                    Some(path) => match super::present::save_session(&self.snapshot, &path) {
                        Ok(n) => (
                            None,
                            format!("session ({n} live command(s)) saved to {}", path.display()),
                            false,
                        ),
                        Err(e) => (None, format!("cannot save the session: {e:#}"), true),
                    },
                }
            }
            Action::Focus(focus) => {
                self.focus = focus;
                let what = match focus {
                    Focus::All => "all panels",
                    Focus::Ring => "the ring",
                    Focus::Buckets => "the token buckets",
                    Focus::Breakers => "the breakers",
                };
                (None, format!("showing {what}"), false)
            }
            Action::ToggleHelp => {
                self.help = !self.help;
                (
                    None,
                    if self.help {
                        "help opened"
                    } else {
                        "help closed"
                    }
                    .into(),
                    false,
                )
            }
            Action::Escape if self.help => {
                self.help = false;
                (None, "help closed".into(), false)
            }
            Action::Escape | Action::Quit => {
                self.quit = true;
                (None, "quit".into(), false)
            }
        };
        let prefix = if error { "✗ " } else { "" };
        self.note(format!("{prefix}{key}: {text}"), error);
        command
    }

    /// Record the engine's answer to a command: refusals are explained in the log.
    pub fn on_outcome(&mut self, outcome: &Outcome) {
        if let Err(err) = &outcome.result {
            if matches!(outcome.command, Command::InjectFault { .. }) {
                self.pending_fault = None;
            }
            self.note(format!("✗ refused: {err}"), true);
        }
    }

    /// Draw the whole screen.
    pub fn render(&mut self, frame: &mut Frame) {
        self.legend = widgets::render(frame, self);
    }
}

/// The fault `f` injects next, given the server's current fault.
pub fn next_fault(current: Option<Fault>) -> Fault {
    match current {
        None | Some(Fault::Flapping { .. }) => Fault::Errors {
            rate: FAULT_ERROR_RATE,
        },
        Some(Fault::Errors { .. }) => Fault::Slow {
            latency_ns: FAULT_SLOW_MS * 1_000_000,
        },
        Some(Fault::Slow { .. }) => Fault::Down,
        Some(Fault::Down) => Fault::Flapping {
            period_ns: FAULT_FLAP_MS * 1_000_000,
        },
    }
}

//! The runner's side of the dashboard: the latest [`Snapshot`], the [`ViewState`], the
//! [`Theme`], and the execution of the [`Effect`]s that key handling asks for.
//!
//! Events go to [`input`] (pure: view changes, commands, effects), frames to
//! [`render`] (pure: snapshot, view, theme); the effects (saving the
//! session, quitting) are executed here, never inside key handling.
//!
//! Saving (`w`) writes every command already sent, drawn or not: the app counts the
//! commands the runner sent ([`App::sent`]) and the [`Outcome`]s that came back, and a save
//! asked for while some are still in flight waits for the outcome of the last of them,
//! which carries the engine's session right after it.

use std::sync::Arc;

use crossterm::event::{Event, KeyEvent};
use ratatui::Frame;

use super::effects::{self, SaveTo};
use super::input::{self, Effect, Reaction};
use super::keymap::{self, Action};
use super::render;
use super::state::{Focus, Note, ViewState};
use super::theme::Theme;
use crate::sim::{Command, SessionLog, SimError, Snapshot};

/// The result of one command sent to the engine, reported back to the app.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The command as sent.
    pub command: Command,
    /// Whether the engine applied it.
    pub result: Result<(), SimError>,
    /// The engine's virtual time right after (ns).
    pub now_ns: u64,
    /// The engine's session right after (cheap: shared).
    pub session: SessionLog,
}

impl Outcome {
    /// The outcome of `command` (`result`), the engine then being at `now_ns` with
    /// `session`.
    pub fn new(
        command: Command,
        result: Result<(), SimError>,
        now_ns: u64,
        session: SessionLog,
    ) -> Self {
        Self {
            command,
            result,
            now_ns,
            session,
        }
    }
}

/// Options that shape the app but not the simulation.
#[derive(Debug, Clone, Default)]
pub struct AppOptions {
    /// Whether mouse clicks select legend rows.
    pub mouse: bool,
}

/// The dashboard as the runner holds it.
#[derive(Debug)]
pub struct App {
    /// Colours.
    pub theme: Theme,
    snapshot: Arc<Snapshot>,
    view: ViewState,
    quit: bool,
    /// Ctrl-Z was typed: the runner suspends at its next turn.
    suspend: bool,
    /// Where `w` writes the session; `None`: saving is off (the default, so that tests
    /// and embedders never write files unasked).
    save_to: Option<SaveTo>,
    /// Commands the runner sent to the engine.
    sent: u64,
    /// Outcomes received.
    answered: u64,
    /// The session after the last outcome (None before any: the snapshot's is current).
    session: Option<SessionLog>,
    /// Saves waiting for outcomes: (outcomes to wait for, the key that asked).
    pending_saves: Vec<(u64, String)>,
}

impl App {
    /// A new app showing `snapshot`.
    pub fn new(snapshot: Arc<Snapshot>, theme: Theme, options: AppOptions) -> Self {
        Self {
            theme,
            view: ViewState::new(&snapshot, options.mouse),
            snapshot,
            quit: false,
            suspend: false,
            save_to: None,
            sent: 0,
            answered: 0,
            session: None,
            pending_saves: Vec::new(),
        }
    }

    /// The snapshot being shown.
    pub fn snapshot(&self) -> &Snapshot {
        &self.snapshot
    }

    /// The view state.
    pub fn view(&self) -> &ViewState {
        &self.view
    }

    /// Replace the snapshot (the selection follows the server by name).
    pub fn set_snapshot(&mut self, snapshot: Arc<Snapshot>) {
        self.snapshot = snapshot;
        self.view.follow(&self.snapshot);
    }

    /// Index of the selected server in `snapshot().servers` (None when there are none).
    pub fn selected(&self) -> Option<usize> {
        self.view.selected()
    }

    /// Whether the help overlay is open.
    pub fn help_open(&self) -> bool {
        self.view.help_open()
    }

    /// Whether the user asked to quit.
    pub fn should_quit(&self) -> bool {
        self.quit
    }

    /// Whether the user asked to suspend (Ctrl-Z) and the runner has not done it yet.
    pub fn wants_suspend(&self) -> bool {
        self.suspend
    }

    /// Whether to suspend now; clears the request.
    pub fn take_suspend(&mut self) -> bool {
        std::mem::take(&mut self.suspend)
    }

    /// Switch the presenter layout on or off (on: fewer, larger panels, a prominent
    /// caption and a high-contrast theme).
    pub fn set_present(&mut self, present: bool) {
        if present && !self.view.present() {
            self.theme = self.theme.high_contrast();
        }
        self.view.set_present(present);
    }

    /// Whether the presenter layout is on.
    pub fn present(&self) -> bool {
        self.view.present()
    }

    /// Trace `key` on the ring (None: stop), as `/` does.
    pub fn set_traced(&mut self, key: Option<String>) {
        self.view.set_traced(key);
    }

    /// Show or hide the selected server's replica arcs, as `R` does.
    pub fn set_replica_arcs(&mut self, on: bool) {
        self.view.set_replica_arcs(on);
    }

    /// Which panel fills the screen.
    pub fn focus(&self) -> Focus {
        self.view.focus()
    }

    /// Show one panel alone (or all of them), without a note in the event log.
    pub fn set_focus(&mut self, focus: Focus) {
        self.view.set_focus(focus);
    }

    /// Where `w` writes the session (`None`: saving is off).
    pub fn set_save_to(&mut self, to: Option<SaveTo>) {
        self.save_to = to;
    }

    /// The UI's own event-log lines, oldest first.
    pub fn notes(&self) -> impl DoubleEndedIterator<Item = &Note> + ExactSizeIterator {
        self.view.notes()
    }

    /// The runner sent one command (returned by the event handlers) to the engine; its
    /// [`Outcome`] will come back through [`on_outcome`](Self::on_outcome).
    pub fn sent(&mut self) {
        self.sent += 1;
    }

    /// Handle one terminal event (executing its effect); returns the commands to send to
    /// the engine. Only key presses count (repeats and releases are ignored).
    pub fn handle_event(&mut self, event: &Event) -> Vec<Command> {
        let reaction = input::on_event(&mut self.view, &self.snapshot, event);
        let key = match event {
            Event::Key(key) => keymap::key_name(key),
            _ => String::new(),
        };
        self.finish(reaction, &key).into_iter().collect()
    }

    /// Handle one key press (executing its effect); returns the command to send, if any.
    pub fn handle_key(&mut self, key: &KeyEvent) -> Option<Command> {
        let reaction = input::on_key(&mut self.view, &self.snapshot, key);
        self.finish(reaction, &keymap::key_name(key))
    }

    /// Perform `action` (typed as `key`, for the log), executing its effect; returns the
    /// command to send, if any.
    pub fn apply_action(&mut self, action: Action, key: &str) -> Option<Command> {
        let reaction = input::apply(&mut self.view, &self.snapshot, action, key);
        self.finish(reaction, key)
    }

    fn finish(&mut self, reaction: Reaction, key: &str) -> Option<Command> {
        if let Some(effect) = reaction.effect {
            self.execute(effect, key);
        }
        reaction.command
    }

    /// Execute `effect`, asked for by `key`.
    pub fn execute(&mut self, effect: Effect, key: &str) {
        match effect {
            Effect::Quit => self.quit = true,
            Effect::Suspend => self.suspend = true,
            Effect::SaveSession if self.answered < self.sent => {
                self.pending_saves.push((self.sent, key.to_string()));
            }
            Effect::SaveSession => {
                let session = self
                    .session
                    .clone()
                    .unwrap_or_else(|| self.snapshot.session.clone());
                self.save(&session, key);
            }
        }
    }

    fn save(&mut self, session: &SessionLog, key: &str) {
        let (text, error) = effects::save_and_acknowledge(session, self.save_to.as_ref());
        self.view
            .acknowledge(self.snapshot.now_ns, key, &text, error);
    }

    /// Record the engine's answer to a command: refusals are explained in the log, jumps
    /// say where they landed, and a save waiting for this outcome is done.
    pub fn on_outcome(&mut self, outcome: &Outcome) {
        match &outcome.result {
            Err(err) => input::refused(&mut self.view, outcome.now_ns, err),
            Ok(()) if matches!(outcome.command, Command::NextEvent | Command::PreviousEvent) => {
                input::jumped(&mut self.view, &self.snapshot, outcome.now_ns);
            }
            Ok(()) => {}
        }
        self.answered += 1;
        self.session = Some(outcome.session.clone());
        let due: Vec<String> = self
            .pending_saves
            .extract_if(.., |(after, _)| *after <= self.answered)
            .map(|(_, key)| key)
            .collect();
        for key in due {
            self.save(&outcome.session, &key);
        }
    }

    /// Draw the whole screen.
    pub fn render(&mut self, frame: &mut Frame) {
        let legend = render::draw(frame, &self.snapshot, &self.view, &self.theme);
        self.view.set_legend(legend);
    }
}

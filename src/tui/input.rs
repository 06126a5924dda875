//! Key handling: a key press (or a click, or the mouse wheel) becomes an engine
//! [`Command`] and [`Effect`]s for the runner, plus changes to the [`ViewState`].
//!
//! Keys that change the simulation send commands the *engine* resolves when it applies
//! them (`]` scales the refill rate in force then, `d` removes the server at the selected
//! position then; see [`Command`](crate::sim::Command#relative-commands)), never values
//! read from the last drawn frame: keys typed faster than frames are drawn all count, and
//! none is refused for what a stale frame showed. The engine's log line for an applied
//! command is the one line that key adds to the event log; a refusal comes back as an
//! [`Outcome`](super::app::Outcome) and is noted by [`refused`]. View actions (selection,
//! focus, help) note their own line.
//!
//! Nothing here does I/O or knows the runner: saving a session or quitting is an
//! [`Effect`] that the caller executes (see [`app`](super::app)).

use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind,
};

use super::event_log;
use super::keymap::{self, Action, Layout};
use super::prompt::HOT_KEYS;
use super::state::{Focus, ViewState};
pub use crate::sim::command::{
    BURST_CAPACITIES, FAULT_ERROR_RATE, FAULT_FLAP_MS, FAULT_SLOW_MS, MAX_REFILL, MIN_REFILL,
    RATE_FACTOR, REFILL_FACTOR, next_fault,
};
use crate::sim::compare::Pattern;
use crate::sim::{Command, SimError, Snapshot};

/// Lines the event log scrolls per `{` / `}` press or wheel notch.
pub const LOG_SCROLL_STEP: usize = 3;

/// Something outside the view and the engine that a key asks for; the runner executes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Effect {
    /// Write the session as a scenario file once the engine has applied every command
    /// sent before (the runner knows where, and acknowledges the result in the event log).
    SaveSession,
    /// Leave the dashboard.
    Quit,
    /// Suspend to the shell until `fg` (Ctrl-Z).
    Suspend,
}

/// What one event asks for: at most one command for the engine and one effect for the
/// runner (view changes are already applied to the [`ViewState`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reaction {
    /// The command to send to the engine.
    pub command: Option<Command>,
    /// The effect for the runner to execute.
    pub effect: Option<Effect>,
}

impl Reaction {
    fn send(command: Command) -> Self {
        Self {
            command: Some(command),
            effect: None,
        }
    }

    fn effect(effect: Effect) -> Self {
        Self {
            command: None,
            effect: Some(effect),
        }
    }
}

/// Handle one terminal event. Only key presses count (repeats and releases are ignored);
/// with the mouse on, left clicks select a legend row and the wheel scrolls the event log.
pub fn on_event(view: &mut ViewState, snap: &Snapshot, event: &Event) -> Reaction {
    match event {
        Event::Key(key) if key.kind == KeyEventKind::Press => on_key(view, snap, key),
        Event::Mouse(m) if view.mouse() => {
            match m.kind {
                MouseEventKind::Down(MouseButton::Left) => click(view, snap, m.column, m.row),
                MouseEventKind::ScrollUp => scroll_log(view, snap, true),
                MouseEventKind::ScrollDown => scroll_log(view, snap, false),
                _ => {}
            }
            Reaction::default()
        }
        _ => Reaction::default(),
    }
}

fn click(view: &mut ViewState, snap: &Snapshot, column: u16, row: u16) {
    let Some(index) = view.legend().and_then(|l| l.server_at(column, row)) else {
        return;
    };
    if let Some(name) = snap.servers.get(index).map(|s| s.name.clone()) {
        view.select(snap, index);
        view.note(snap.now_ns, format!("click → selected {name}"), false);
    }
}

/// Handle one key press. While the key prompt is open, it takes the key (see
/// `prompt_key`); while the screen is blanked, any key brings it back and does nothing
/// else (a clicker's blank key pressed twice, or a stray key, changes nothing).
pub fn on_key(view: &mut ViewState, snap: &Snapshot, key: &KeyEvent) -> Reaction {
    if view.prompt().is_some() && !key.modifiers.contains(KeyModifiers::CONTROL) {
        prompt_key(view, snap, key);
        return Reaction::default();
    }
    let name = keymap::key_name(key);
    if view.blank() {
        view.set_blank(false);
        view.acknowledge(snap.now_ns, &name, "screen back", false);
        return Reaction::default();
    }
    match keymap::lookup_in(key, Layout::of(view.present())) {
        Some(action) => apply(view, snap, action, &name),
        None => {
            let help = keymap::key_for(Action::ToggleHelp);
            view.note(
                snap.now_ns,
                format!("{name}: not bound (press {help} for help)"),
                true,
            );
            Reaction::default()
        }
    }
}

/// Perform `action` (typed as `key`, for the log). Commands for the engine add no line
/// here: the engine logs what it did (or the refusal comes back, see [`refused`]). Saving
/// is acknowledged by whoever executes the [`Effect::SaveSession`].
pub fn apply(view: &mut ViewState, snap: &Snapshot, action: Action, key: &str) -> Reaction {
    if let Some(command) = command_for(view, action) {
        if action == Action::Reset {
            view.clear_log();
        }
        return Reaction::send(command);
    }
    let text = match action {
        Action::SelectPrev | Action::SelectNext => step_selection(view, snap, action),
        Action::SaveSession => return Reaction::effect(Effect::SaveSession),
        Action::ScrollLogBack | Action::ScrollLogForward => {
            scroll_log(view, snap, action == Action::ScrollLogBack);
            return Reaction::default();
        }
        Action::CycleLogFilter => {
            view.cycle_log_filter();
            return Reaction::default();
        }
        Action::Focus(focus) => set_focus(view, focus),
        Action::Blank => {
            view.set_blank(true);
            "screen blanked (any key brings it back)".to_string()
        }
        Action::ToggleHelp => {
            view.set_help(!view.help_open());
            if view.help_open() {
                "help opened"
            } else {
                "help closed"
            }
            .to_string()
        }
        Action::Escape if view.help_open() => {
            view.set_help(false);
            "help closed".to_string()
        }
        Action::Escape if view.traced().is_some() => {
            view.set_traced(None);
            "trace cleared".to_string()
        }
        Action::TraceKey => {
            view.set_help(false);
            view.open_prompt();
            "type a key to trace (Tab: hot keys, Enter: trace, Esc: cancel)".to_string()
        }
        Action::ToggleReplicaArcs => toggle_replica_arcs(view, snap),
        // Reached only with every panel shown (a focused panel names its pattern).
        Action::CycleAlgorithm => {
            if snap.compare.is_none() {
                refused(view, snap.now_ns, &SimError::NotComparing);
            } else {
                let text = "focus a panel first (1 ring, 2 buckets, 3 breakers): c changes its \
                            pattern in B";
                view.acknowledge(snap.now_ns, key, text, true);
            }
            return Reaction::default();
        }
        Action::Escape => format!(
            "nothing to close (press {} to quit)",
            keymap::key_for(Action::Quit)
        ),
        Action::Quit => {
            view.acknowledge(snap.now_ns, key, "quit", false);
            return Reaction::effect(Effect::Quit);
        }
        Action::Suspend => {
            view.acknowledge(snap.now_ns, key, "suspended (fg resumes)", false);
            return Reaction::effect(Effect::Suspend);
        }
        // Every other action is a command (above).
        _ => return Reaction::default(),
    };
    view.acknowledge(snap.now_ns, key, &text, false);
    Reaction::default()
}

/// The engine command for `action`, if it is one: relative commands carry what the key
/// means (a factor, the selected position), never a value read from the frame.
fn command_for(view: &ViewState, action: Action) -> Option<Command> {
    let position = view.selected_position();
    Some(match action {
        Action::AddServer => Command::AddServer { name: None },
        Action::RemoveSelected => Command::RemoveServerAt(position),
        Action::CycleFault => Command::CycleFaultAt(position),
        Action::Heal => Command::HealAt(position),
        Action::RateUp => Command::ScaleRate(RATE_FACTOR),
        Action::RateDown => Command::ScaleRate(1.0 / RATE_FACTOR),
        Action::Burst => Command::BurstHottest {
            capacities: BURST_CAPACITIES,
        },
        Action::RefillUp => Command::ScaleRefillRate(REFILL_FACTOR),
        Action::RefillDown => Command::ScaleRefillRate(1.0 / REFILL_FACTOR),
        Action::VnodesDown => Command::StepVnodes { up: false },
        Action::VnodesUp => Command::StepVnodes { up: true },
        Action::TogglePause => Command::TogglePause,
        Action::Step => Command::Step,
        Action::SlowDown => Command::SlowDown,
        Action::SpeedUp => Command::SpeedUp,
        Action::Reset => Command::Reset,
        Action::NextEvent => Command::NextEvent,
        Action::PreviousEvent => Command::PreviousEvent,
        Action::CycleAlgorithm => Command::CompareNext(compared_pattern(view.focus())?),
        _ => return None,
    })
}

/// A key typed into the open key prompt: characters edit it (none reaches a key
/// binding, so `q` types a q), Enter traces what was typed (nothing typed: stop tracing),
/// Esc cancels, Tab/↓ and Shift-Tab/↑ cycle through the hottest recent keys. Ctrl keys
/// never come here: Ctrl-C still quits.
fn prompt_key(view: &mut ViewState, snap: &Snapshot, key: &KeyEvent) {
    let Some(prompt) = view.prompt_mut() else {
        return;
    };
    match key.code {
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::ALT) => {
            prompt.push(c);
        }
        KeyCode::Backspace => prompt.backspace(),
        KeyCode::Tab | KeyCode::Down => {
            prompt.cycle(&snap.hot_keys(HOT_KEYS), true);
        }
        KeyCode::BackTab | KeyCode::Up => {
            prompt.cycle(&snap.hot_keys(HOT_KEYS), false);
        }
        KeyCode::Esc => {
            view.close_prompt();
            view.note(snap.now_ns, "/: trace cancelled".to_string(), false);
        }
        KeyCode::Enter => {
            let text = view.close_prompt().unwrap_or_default().text().to_string();
            let line = if text.is_empty() {
                view.set_traced(None);
                "/: trace cleared".to_string()
            } else {
                let line = format!("/: tracing key {text:?}");
                view.set_traced(Some(text));
                line
            };
            view.note(snap.now_ns, line, false);
        }
        _ => {}
    }
}

fn step_selection(view: &mut ViewState, snap: &Snapshot, action: Action) -> String {
    let n = snap.servers.len();
    let Some(current) = view.selected() else {
        return "no servers to select".to_string();
    };
    let i = if action == Action::SelectPrev {
        (current + n - 1) % n
    } else {
        (current + 1) % n
    };
    view.select(snap, i);
    format!("selected {}", snap.servers[i].name)
}

/// Scroll the event log one step back (older) or forward (newer).
fn scroll_log(view: &mut ViewState, snap: &Snapshot, back: bool) {
    let lines = event_log::entries(snap, view).len();
    let step = LOG_SCROLL_STEP as isize;
    view.scroll_log(if back { step } else { -step }, lines.saturating_sub(1));
}

fn toggle_replica_arcs(view: &mut ViewState, snap: &Snapshot) -> String {
    view.set_replica_arcs(!view.replica_arcs());
    let name = view
        .selected()
        .and_then(|i| snap.servers.get(i))
        .map_or("the selected server", |s| s.name.as_str());
    match (view.replica_arcs(), snap.replicas) {
        (false, _) => "replica arcs hidden".to_string(),
        (true, 0 | 1) => "replica arcs on, but replicas = 1: every key has one owner".to_string(),
        (true, n) => format!("showing where {name} is owner 2..{n} (replica arcs)"),
    }
}

/// The pattern a focused panel shows, whose algorithm `c` changes in a comparison.
fn compared_pattern(focus: Focus) -> Option<Pattern> {
    match focus {
        Focus::All => None,
        Focus::Ring => Some(Pattern::Hashing),
        Focus::Buckets => Some(Pattern::Limiter),
        Focus::Breakers => Some(Pattern::Breaker),
    }
}

fn set_focus(view: &mut ViewState, focus: Focus) -> String {
    view.set_focus(focus);
    let what = match focus {
        Focus::All => "all panels",
        Focus::Ring => "the ring",
        Focus::Buckets => "the token buckets",
        Focus::Breakers => "the breakers",
    };
    format!("showing {what}")
}

/// Record the engine's refusal of a command (`err`, at virtual time `at_ns`) in the log,
/// with a hint when a key fixes it.
pub fn refused(view: &mut ViewState, at_ns: u64, err: &SimError) {
    let hint = match err {
        SimError::NotPaused => format!(" (press {} first)", keymap::key_for(Action::TogglePause)),
        SimError::LastServer(_) => format!(
            " (add one first with {})",
            keymap::key_for(Action::AddServer)
        ),
        _ => String::new(),
    };
    view.note(at_ns, format!("refused: {err}{hint}"), true);
}

/// Record a jump that landed at virtual time `at_ns` (no engine line says so: a jump
/// lands on exactly what a fresh run shows), naming the step reached.
pub fn jumped(view: &mut ViewState, snap: &Snapshot, at_ns: u64) {
    let times = snap.session.scenario.scripted_times();
    let fired = times.clone().filter(|&t| t <= at_ns).count();
    let total = times.count();
    view.note(
        at_ns,
        format!(
            "jumped to {} (step {fired}/{total})",
            crate::sim::duration::exact_duration(at_ns)
        ),
        false,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Engine, Scenario};

    fn snapshot() -> Snapshot {
        let mut engine =
            Engine::from_scenario(&Scenario::builtin("default").expect("shipped"), Some(1))
                .expect("valid");
        engine.advance(1_000_000_000);
        engine.snapshot()
    }

    #[test]
    fn saving_and_quitting_are_effects_not_io() {
        let snap = snapshot();
        let mut view = ViewState::new(&snap, false);
        let save = apply(&mut view, &snap, Action::SaveSession, "w");
        assert_eq!(save.effect, Some(Effect::SaveSession));
        assert_eq!(save.command, None);
        assert_eq!(view.notes().count(), 0, "the executor acknowledges saving");
        let quit = apply(&mut view, &snap, Action::Quit, "q");
        assert_eq!(quit.effect, Some(Effect::Quit));
        assert_eq!(
            view.notes().last().map(|n| n.text.as_str()),
            Some("q: quit")
        );
    }

    #[test]
    fn c_sends_the_focused_panels_pattern_or_says_what_to_do() {
        let snap = snapshot();
        let mut view = ViewState::new(&snap, false);
        let c = apply(&mut view, &snap, Action::CycleAlgorithm, "c");
        assert_eq!(c, Reaction::default());
        let last = view.notes().last().expect("a note");
        assert!(last.error);
        assert_eq!(
            last.text,
            "refused: not comparing: start with --compare SETTINGS to put a second design \
             beside this one"
        );
        let engine =
            Engine::from_scenario(&Scenario::builtin("default").unwrap(), Some(1)).unwrap();
        let scores = crate::sim::compare::Scores::of(&engine);
        let mut compared = snap.clone();
        compared.compare = Some(std::sync::Arc::new(crate::sim::Paired {
            a_settings: "as written".into(),
            b_settings: "vnodes=8".into(),
            b: snap.clone(),
            scores: [scores.clone(), scores],
            captions_for_both: false,
            story_b: None,
        }));
        apply(&mut view, &compared, Action::CycleAlgorithm, "c");
        assert_eq!(
            view.notes().last().unwrap().text,
            "✗ c: focus a panel first (1 ring, 2 buckets, 3 breakers): c changes its pattern in B"
        );
        for (focus, pattern) in [
            (Focus::Ring, Pattern::Hashing),
            (Focus::Buckets, Pattern::Limiter),
            (Focus::Breakers, Pattern::Breaker),
        ] {
            view.set_focus(focus);
            let sent = apply(&mut view, &compared, Action::CycleAlgorithm, "c");
            assert_eq!(sent.command, Some(Command::CompareNext(pattern)));
        }
    }

    #[test]
    fn presenter_dot_blanks_and_any_key_only_brings_the_screen_back() {
        use crossterm::event::{KeyCode, KeyModifiers};
        let snap = snapshot();
        let mut view = ViewState::new(&snap, false);
        view.set_present(true);
        let key = |c| KeyEvent::new(c, KeyModifiers::NONE);
        let dot = on_key(&mut view, &snap, &key(KeyCode::Char('.')));
        assert_eq!(dot, Reaction::default());
        assert!(view.blank());
        for (code, blanks) in [
            (KeyCode::Char('q'), false),
            (KeyCode::Char('.'), true),
            (KeyCode::PageDown, false),
        ] {
            let r = on_key(&mut view, &snap, &key(code));
            assert_eq!(r, Reaction::default(), "{code:?} did something else");
            assert!(!view.blank(), "{code:?} brought the screen back");
            if blanks {
                on_key(&mut view, &snap, &key(code));
                assert!(view.blank());
            } else {
                view.set_blank(true);
            }
        }
        // In the presenter layout `s` single-steps; in the dashboard `.` does.
        view.set_blank(false);
        let s = on_key(&mut view, &snap, &key(KeyCode::Char('s')));
        assert_eq!(s.command, Some(Command::Step));
        let mut plain = ViewState::new(&snap, false);
        let dot = on_key(&mut plain, &snap, &key(KeyCode::Char('.')));
        assert_eq!(dot.command, Some(Command::Step));
        assert!(!plain.blank());
    }

    #[test]
    fn clicker_keys_send_the_commands_of_n_and_p() {
        use crossterm::event::{KeyCode, KeyModifiers};
        let snap = snapshot();
        for present in [false, true] {
            let mut view = ViewState::new(&snap, false);
            view.set_present(present);
            let mut send = |c| on_key(&mut view, &snap, &KeyEvent::new(c, KeyModifiers::NONE));
            let next = send(KeyCode::Char('n')).command;
            let back = send(KeyCode::Char('p')).command;
            assert_eq!(next, Some(Command::NextEvent));
            assert_eq!(back, Some(Command::PreviousEvent));
            assert_eq!(send(KeyCode::PageDown).command, next);
            assert_eq!(send(KeyCode::Right).command, next);
            assert_eq!(send(KeyCode::PageUp).command, back);
            assert_eq!(send(KeyCode::Left).command, back);
        }
    }

    #[test]
    fn ctrl_z_asks_the_runner_to_suspend() {
        let snap = snapshot();
        let mut view = ViewState::new(&snap, false);
        let r = apply(&mut view, &snap, Action::Suspend, "Ctrl-z");
        assert_eq!((r.command, r.effect), (None, Some(Effect::Suspend)));
    }

    #[test]
    fn escape_closes_help_and_never_quits() {
        let snap = snapshot();
        let mut view = ViewState::new(&snap, false);
        apply(&mut view, &snap, Action::ToggleHelp, "?");
        assert!(view.help_open());
        assert_eq!(apply(&mut view, &snap, Action::Escape, "Esc").effect, None);
        assert!(!view.help_open());
        assert_eq!(apply(&mut view, &snap, Action::Escape, "Esc").effect, None);
        let last = view.notes().last().unwrap();
        assert!(last.text.contains("q to quit") && !last.error, "{last:?}");
    }

    #[test]
    fn the_selection_follows_its_server_and_keeps_its_row_when_it_goes() {
        let mut engine =
            Engine::from_scenario(&Scenario::builtin("default").expect("shipped"), Some(1))
                .expect("valid");
        let snap = engine.snapshot();
        let mut view = ViewState::new(&snap, false);
        view.select(&snap, 2);
        assert_eq!(snap.servers[2].name, "gamma");
        // delta joins at 8 s, above gamma in the legend: the selection moves with gamma.
        engine.advance(9_000_000_000);
        let snap = engine.snapshot();
        view.follow(&snap);
        assert_eq!(snap.servers[view.selected().unwrap()].name, "gamma");
        assert_eq!(view.selected_position(), 3);
        // gamma goes: the row stays, clamped to the last server.
        engine.apply(Command::RemoveServerAt(3)).unwrap();
        let snap = engine.snapshot();
        view.follow(&snap);
        assert_eq!(view.selected_position(), 2);
        assert_eq!(snap.servers[2].name, "delta");
    }

    #[test]
    fn keys_on_the_selection_send_its_position_not_a_name() {
        let snap = snapshot();
        let mut view = ViewState::new(&snap, false);
        apply(&mut view, &snap, Action::SelectNext, "j");
        for (action, command) in [
            (Action::RemoveSelected, Command::RemoveServerAt(1)),
            (Action::CycleFault, Command::CycleFaultAt(1)),
            (Action::Heal, Command::HealAt(1)),
            (Action::RefillUp, Command::ScaleRefillRate(REFILL_FACTOR)),
            (
                Action::Burst,
                Command::BurstHottest {
                    capacities: BURST_CAPACITIES,
                },
            ),
            (Action::Step, Command::Step),
        ] {
            let before = view.notes().count();
            assert_eq!(apply(&mut view, &snap, action, "x").command, Some(command));
            assert_eq!(view.notes().count(), before, "the engine logs what it did");
        }
    }
}

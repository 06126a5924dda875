//! Key handling: a key press (or a click) becomes engine [`Command`]s and [`Effect`]s for
//! the runner, plus changes to the [`ViewState`] and an acknowledgement in the event log.
//!
//! Nothing here does I/O or knows the runner: saving a session or quitting is an
//! [`Effect`] that the caller executes (see [`app`](super::app)).

use crossterm::event::{Event, KeyEvent, KeyEventKind, MouseButton, MouseEventKind};

use super::keymap::{self, Action};
use super::state::{Focus, ViewState};
use crate::sim::{Command, Fault, ServerSnapshot, SimError, Snapshot};

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

/// Something outside the view and the engine that a key asks for; the runner executes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Effect {
    /// Write the session so far as a scenario file (the runner knows where, and
    /// acknowledges the result in the event log).
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

/// The answer to one action before it is logged: command, acknowledgement, refusal.
struct Ack {
    command: Option<Command>,
    effect: Option<Effect>,
    text: String,
    error: bool,
}

impl Ack {
    fn send(command: Command, text: impl Into<String>) -> Self {
        Self {
            command: Some(command),
            effect: None,
            text: text.into(),
            error: false,
        }
    }

    fn view(text: impl Into<String>) -> Self {
        Self {
            command: None,
            effect: None,
            text: text.into(),
            error: false,
        }
    }

    fn refuse(text: impl Into<String>) -> Self {
        Self {
            error: true,
            ..Self::view(text)
        }
    }
}

/// Handle one terminal event. Only key presses count (repeats and releases are ignored);
/// left clicks select a legend row when the mouse is on.
pub fn on_event(view: &mut ViewState, snap: &Snapshot, event: &Event) -> Reaction {
    match event {
        Event::Key(key) if key.kind == KeyEventKind::Press => on_key(view, snap, key),
        Event::Mouse(m)
            if view.mouse() && matches!(m.kind, MouseEventKind::Down(MouseButton::Left)) =>
        {
            click(view, snap, m.column, m.row);
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

/// Handle one key press; acknowledges it in the event log.
pub fn on_key(view: &mut ViewState, snap: &Snapshot, key: &KeyEvent) -> Reaction {
    let name = keymap::key_name(key);
    match keymap::lookup(key) {
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

/// Perform `action` (typed as `key`, for the log). Saving is acknowledged by whoever
/// executes the [`Effect::SaveSession`], since only it knows how saving went.
pub fn apply(view: &mut ViewState, snap: &Snapshot, action: Action, key: &str) -> Reaction {
    let selected = view.selected().map(|i| &snap.servers[i]);
    let ack = match action {
        Action::SelectPrev | Action::SelectNext => step_selection(view, snap, action),
        Action::AddServer => Ack::send(Command::AddServer { name: None }, "add a server"),
        Action::RemoveSelected => remove(snap, selected),
        Action::CycleFault => cycle_fault(view, selected),
        Action::Heal => heal(selected),
        Action::RateUp => Ack::send(
            Command::ScaleRate(RATE_FACTOR),
            format!("traffic ×{RATE_FACTOR}"),
        ),
        Action::RateDown => Ack::send(
            Command::ScaleRate(1.0 / RATE_FACTOR),
            format!("traffic ÷{RATE_FACTOR}"),
        ),
        Action::Burst => burst(snap),
        Action::RefillDown | Action::RefillUp => refill(snap, action),
        Action::TogglePause => Ack::send(
            Command::TogglePause,
            if snap.paused { "resume" } else { "pause" },
        ),
        Action::Step if snap.paused => Ack::send(Command::Step, "step 100 ms"),
        Action::Step => Ack::refuse(format!(
            "step works while paused (press {} first)",
            keymap::key_for(Action::TogglePause)
        )),
        Action::SlowDown => Ack::send(Command::SlowDown, "slower"),
        Action::SpeedUp => Ack::send(Command::SpeedUp, "faster"),
        Action::Reset => Ack::send(Command::Reset, "reset the scenario"),
        Action::NextEvent => Ack::send(Command::NextEvent, "next event"),
        Action::PreviousEvent => Ack::send(Command::PreviousEvent, "previous event"),
        Action::SaveSession => {
            return Reaction {
                command: None,
                effect: Some(Effect::SaveSession),
            };
        }
        Action::Focus(focus) => set_focus(view, focus),
        Action::ToggleHelp => {
            view.set_help(!view.help_open());
            Ack::view(if view.help_open() {
                "help opened"
            } else {
                "help closed"
            })
        }
        Action::Escape if view.help_open() => {
            view.set_help(false);
            Ack::view("help closed")
        }
        Action::Escape | Action::Quit => Ack {
            effect: Some(Effect::Quit),
            ..Ack::view("quit")
        },
        Action::Suspend => Ack {
            effect: Some(Effect::Suspend),
            ..Ack::view("suspended (fg resumes)")
        },
    };
    view.acknowledge(snap.now_ns, key, &ack.text, ack.error);
    Reaction {
        command: ack.command,
        effect: ack.effect,
    }
}

fn step_selection(view: &mut ViewState, snap: &Snapshot, action: Action) -> Ack {
    let n = snap.servers.len();
    let Some(current) = view.selected() else {
        return Ack::refuse("no servers to select");
    };
    let i = if action == Action::SelectPrev {
        (current + n - 1) % n
    } else {
        (current + 1) % n
    };
    view.select(snap, i);
    Ack::view(format!("selected {}", snap.servers[i].name))
}

fn remove(snap: &Snapshot, selected: Option<&ServerSnapshot>) -> Ack {
    match selected {
        None => Ack::refuse("no server selected to remove"),
        Some(_) if snap.servers.len() <= 1 => Ack::refuse(format!(
            "cannot remove the last server (add one first with {})",
            keymap::key_for(Action::AddServer)
        )),
        Some(s) => Ack::send(
            Command::RemoveServer(s.name.clone()),
            format!("remove {}", s.name),
        ),
    }
}

fn cycle_fault(view: &mut ViewState, selected: Option<&ServerSnapshot>) -> Ack {
    let Some(s) = selected else {
        return Ack::refuse("no server selected to fault");
    };
    let current = match view.pending_fault() {
        Some((name, f)) if *name == s.name => Some(*f),
        _ => s.fault,
    };
    let fault = next_fault(current);
    view.set_pending_fault(Some((s.name.clone(), fault)));
    Ack::send(
        Command::InjectFault {
            server: s.name.clone(),
            fault,
        },
        format!("fault {fault} on {}", s.name),
    )
}

fn heal(selected: Option<&ServerSnapshot>) -> Ack {
    match selected {
        None => Ack::refuse("no server selected to heal"),
        Some(s) if s.fault.is_none() => Ack::refuse(format!("{} has no fault to heal", s.name)),
        Some(s) => Ack::send(
            Command::Heal {
                server: s.name.clone(),
            },
            format!("heal {}", s.name),
        ),
    }
}

fn burst(snap: &Snapshot) -> Ack {
    let hottest = snap.tenants.first();
    let requests = hottest
        .map_or(DEFAULT_BURST, |t| {
            t.capacity.saturating_mul(BURST_CAPACITIES)
        })
        .max(1);
    let who = hottest.map_or("the hottest tenant", |t| t.name.as_str());
    Ack::send(
        Command::Burst {
            tenant: None,
            requests,
        },
        format!("burst {requests} requests from {who}"),
    )
}

fn refill(snap: &Snapshot, action: Action) -> Ack {
    let factor = if action == Action::RefillUp {
        REFILL_FACTOR
    } else {
        1.0 / REFILL_FACTOR
    };
    // The rate in force, not one just sent (the engine resolves relative changes).
    let new = (snap.limiter.refill_per_sec * factor).clamp(MIN_REFILL, MAX_REFILL);
    Ack::send(
        Command::SetRefillRate(new),
        format!("refill {new:.1} tokens/s"),
    )
}

fn set_focus(view: &mut ViewState, focus: Focus) -> Ack {
    view.set_focus(focus);
    let what = match focus {
        Focus::All => "all panels",
        Focus::Ring => "the ring",
        Focus::Buckets => "the token buckets",
        Focus::Breakers => "the breakers",
    };
    Ack::view(format!("showing {what}"))
}

/// Record the engine's refusal of `command` (`err`): a refused fault is no longer
/// pending, and the refusal is explained in the log.
pub fn refused(view: &mut ViewState, snap: &Snapshot, command: &Command, err: &SimError) {
    if matches!(command, Command::InjectFault { .. }) {
        view.set_pending_fault(None);
    }
    view.note(snap.now_ns, format!("✗ refused: {err}"), true);
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
    fn ctrl_z_asks_the_runner_to_suspend() {
        let snap = snapshot();
        let mut view = ViewState::new(&snap, false);
        let r = apply(&mut view, &snap, Action::Suspend, "Ctrl-z");
        assert_eq!((r.command, r.effect), (None, Some(Effect::Suspend)));
    }

    #[test]
    fn escape_closes_help_before_quitting() {
        let snap = snapshot();
        let mut view = ViewState::new(&snap, false);
        apply(&mut view, &snap, Action::ToggleHelp, "?");
        assert!(view.help_open());
        assert_eq!(apply(&mut view, &snap, Action::Escape, "Esc").effect, None);
        assert!(!view.help_open());
        assert_eq!(
            apply(&mut view, &snap, Action::Escape, "Esc").effect,
            Some(Effect::Quit)
        );
    }
}

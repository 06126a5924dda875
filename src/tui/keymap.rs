//! The key map: one declarative table from which key handling, the `?` help overlay and
//! the status-bar hints are all generated, so they can never disagree.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::state::Focus;

/// Something the user can ask for with a key. The app turns actions into
/// [`crate::sim::Command`]s (or view changes such as moving the selection).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Select the previous server in the legend.
    SelectPrev,
    /// Select the next server in the legend.
    SelectNext,
    /// Add a server (auto-named).
    AddServer,
    /// Remove the selected server.
    RemoveSelected,
    /// Cycle the fault on the selected server: errors → slow → down → flapping.
    CycleFault,
    /// Heal the selected server.
    Heal,
    /// Raise the offered traffic rate.
    RateUp,
    /// Lower the offered traffic rate.
    RateDown,
    /// Burst the hottest tenant.
    Burst,
    /// Lower every bucket's refill rate.
    RefillDown,
    /// Raise every bucket's refill rate.
    RefillUp,
    /// Fewer vnodes per server (the previous step of 1, 2, 4 … 150, 500).
    VnodesDown,
    /// More vnodes per server (the next step).
    VnodesUp,
    /// Pause or resume virtual time.
    TogglePause,
    /// Advance one step while paused.
    Step,
    /// Blank the screen (presenter layout); any key brings it back.
    Blank,
    /// Halve the speed.
    SlowDown,
    /// Double the speed.
    SpeedUp,
    /// Restart the scenario.
    Reset,
    /// Jump to the next scripted step (talk mode).
    NextEvent,
    /// Jump back to the step before the current one (talk mode).
    PreviousEvent,
    /// Write this session (scenario, seed, live commands) as a scenario file.
    SaveSession,
    /// Show one panel alone, or all of them again.
    Focus(Focus),
    /// Open the key prompt: type a key (or Tab through the hottest) and the ring traces it.
    TraceKey,
    /// Show or hide the selected server's replica arcs (where it is the 2nd, 3rd… owner).
    ToggleReplicaArcs,
    /// Open or close the help overlay.
    ToggleHelp,
    /// Close the help overlay if open, else stop tracing a key (never quits: a stray Esc
    /// on stage is harmless).
    Escape,
    /// Scroll the event log back (older lines).
    ScrollLogBack,
    /// Scroll the event log forward (newer lines).
    ScrollLogForward,
    /// Cycle the event log's filter: all / scenario / breaker / key / refused.
    CycleLogFilter,
    /// In a comparison, give side B the next algorithm of the focused panel's pattern.
    CycleAlgorithm,
    /// Quit.
    Quit,
    /// Suspend to the shell (Ctrl-Z); `fg` resumes.
    Suspend,
}

/// One physical key: a code plus whether Ctrl must be held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    /// The key code.
    pub code: KeyCode,
    /// Whether Ctrl must be held.
    pub ctrl: bool,
}

const fn ch(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        ctrl: false,
    }
}

const fn code(code: KeyCode) -> Key {
    Key { code, ctrl: false }
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        ctrl: true,
    }
}

/// One row of the key map.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    /// Keys that trigger the action.
    pub keys: &'static [Key],
    /// How the keys are shown in the help and the status bar.
    pub label: &'static str,
    /// What the action does, for the help overlay.
    pub description: &'static str,
    /// The action.
    pub action: Action,
    /// Whether (and where) the status bar advertises this binding.
    pub hint: Option<Hint>,
    /// The one layout the binding works in (`None`: both): the presenter layout gives
    /// `.` to a clicker's blank-screen key and single-step moves to `s` there.
    pub only: Option<Layout>,
}

/// The two layouts whose keys differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Layout {
    /// The full dashboard.
    #[default]
    Dashboard,
    /// The presenter layout (`--present`).
    Presenter,
}

impl Layout {
    /// The layout for a view that is (or is not) presenting.
    pub fn of(present: bool) -> Self {
        if present {
            Self::Presenter
        } else {
            Self::Dashboard
        }
    }
}

/// A status-bar hint. Bindings with the same `rank` share one hint, their keys and words
/// joined by `/` in key-map order (e.g. `a/d add/remove`); hints are shown by rank.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hint {
    /// Position in the status bar (lowest first).
    pub rank: u8,
    /// The word shown after the key.
    pub word: &'static str,
}

const fn hint(rank: u8, word: &'static str) -> Option<Hint> {
    Some(Hint { rank, word })
}

/// The key map. Order is the order of the help overlay.
pub const KEYMAP: &[Binding] = &[
    Binding {
        keys: &[code(KeyCode::Up), ch('k')],
        label: "↑ k",
        description: "select previous server",
        action: Action::SelectPrev,
        hint: None,
        only: None,
    },
    Binding {
        keys: &[code(KeyCode::Down), ch('j')],
        label: "↓ j",
        description: "select next server",
        action: Action::SelectNext,
        hint: None,
        only: None,
    },
    Binding {
        keys: &[ch('a')],
        label: "a",
        description: "add a server",
        action: Action::AddServer,
        hint: hint(3, "add"),
        only: None,
    },
    Binding {
        keys: &[ch('d')],
        label: "d",
        description: "remove the selected server",
        action: Action::RemoveSelected,
        hint: hint(3, "remove"),
        only: None,
    },
    Binding {
        keys: &[ch('f')],
        label: "f",
        description: "cycle fault on selected: errors/slow/down/flapping",
        action: Action::CycleFault,
        hint: hint(4, "fault"),
        only: None,
    },
    Binding {
        keys: &[ch('h')],
        label: "h",
        description: "heal the selected server",
        action: Action::Heal,
        hint: hint(4, "heal"),
        only: None,
    },
    Binding {
        keys: &[ch('+'), ch('=')],
        label: "+ -",
        description: "raise / lower the traffic rate",
        action: Action::RateUp,
        hint: hint(6, "rate"),
        only: None,
    },
    Binding {
        keys: &[ch('-'), ch('_')],
        label: "",
        description: "",
        action: Action::RateDown,
        hint: hint(6, "rate"),
        only: None,
    },
    Binding {
        keys: &[ch('b')],
        label: "b",
        description: "burst the hottest tenant",
        action: Action::Burst,
        hint: hint(5, "burst"),
        only: None,
    },
    Binding {
        keys: &[ch('[')],
        label: "[ ]",
        description: "lower / raise the bucket refill rate",
        action: Action::RefillDown,
        hint: None,
        only: None,
    },
    Binding {
        keys: &[ch(']')],
        label: "",
        description: "",
        action: Action::RefillUp,
        hint: None,
        only: None,
    },
    Binding {
        keys: &[ch('v')],
        label: "v V",
        description: "fewer / more vnodes per server (1 … 500)",
        action: Action::VnodesDown,
        hint: None,
        only: None,
    },
    Binding {
        keys: &[ch('V')],
        label: "",
        description: "",
        action: Action::VnodesUp,
        hint: None,
        only: None,
    },
    Binding {
        keys: &[ch(' ')],
        label: "space",
        description: "pause / resume",
        action: Action::TogglePause,
        hint: hint(2, "pause"),
        only: None,
    },
    Binding {
        keys: &[ch('.')],
        label: ".",
        description: "single step (while paused)",
        action: Action::Step,
        hint: None,
        only: Some(Layout::Dashboard),
    },
    Binding {
        keys: &[ch('s')],
        label: "s .",
        description: "single step (while paused) / blank the screen",
        action: Action::Step,
        hint: None,
        only: Some(Layout::Presenter),
    },
    // Folded into the row above: the presenter help keeps the dashboard's number of rows.
    Binding {
        keys: &[ch('.')],
        label: "",
        description: "",
        action: Action::Blank,
        hint: None,
        only: Some(Layout::Presenter),
    },
    Binding {
        keys: &[ch('<'), ch(',')],
        label: "< >",
        description: "slower / faster",
        action: Action::SlowDown,
        hint: hint(7, "speed"),
        only: None,
    },
    Binding {
        keys: &[ch('>')],
        label: "",
        description: "",
        action: Action::SpeedUp,
        hint: hint(7, "speed"),
        only: None,
    },
    Binding {
        keys: &[ch('r')],
        label: "r",
        description: "reset the scenario (clears the event log)",
        action: Action::Reset,
        hint: None,
        only: None,
    },
    // A presentation clicker sends PageDown / PageUp (some send → / ←): the same steps.
    Binding {
        keys: &[ch('n'), code(KeyCode::PageDown), code(KeyCode::Right)],
        label: "n p",
        description: "next step / step before (also PgDn PgUp → ←)",
        action: Action::NextEvent,
        hint: None,
        only: None,
    },
    Binding {
        keys: &[ch('p'), code(KeyCode::PageUp), code(KeyCode::Left)],
        label: "",
        description: "",
        action: Action::PreviousEvent,
        hint: None,
        only: None,
    },
    Binding {
        keys: &[ch('w')],
        label: "w",
        description: "write this session as a scenario file",
        action: Action::SaveSession,
        hint: None,
        only: None,
    },
    Binding {
        keys: &[ch('1')],
        label: "1 2 3 0 c",
        description: "focus ring/buckets/breakers/all; c: B's next there",
        action: Action::Focus(Focus::Ring),
        hint: None,
        only: None,
    },
    Binding {
        keys: &[ch('2')],
        label: "",
        description: "",
        action: Action::Focus(Focus::Buckets),
        hint: None,
        only: None,
    },
    Binding {
        keys: &[ch('3')],
        label: "",
        description: "",
        action: Action::Focus(Focus::Breakers),
        hint: None,
        only: None,
    },
    Binding {
        keys: &[ch('0')],
        label: "",
        description: "",
        action: Action::Focus(Focus::All),
        hint: None,
        only: None,
    },
    // In a comparison: B takes the next algorithm of the focused panel's pattern.
    Binding {
        keys: &[ch('c')],
        label: "",
        description: "",
        action: Action::CycleAlgorithm,
        hint: None,
        only: None,
    },
    Binding {
        keys: &[ch('{')],
        label: "{ }",
        description: "scroll the event log back / forward",
        action: Action::ScrollLogBack,
        hint: None,
        only: None,
    },
    Binding {
        keys: &[ch('}')],
        label: "",
        description: "",
        action: Action::ScrollLogForward,
        hint: None,
        only: None,
    },
    Binding {
        keys: &[ch('e')],
        label: "e",
        description: "event log filter: all/scenario/breaker/key/refused",
        action: Action::CycleLogFilter,
        hint: hint(8, "log filter"),
        only: None,
    },
    Binding {
        keys: &[ch('/')],
        label: "/ R",
        description: "trace a key / replica arcs",
        action: Action::TraceKey,
        hint: hint(9, "trace"),
        only: None,
    },
    Binding {
        keys: &[ch('R')],
        label: "",
        description: "",
        action: Action::ToggleReplicaArcs,
        hint: None,
        only: None,
    },
    Binding {
        keys: &[ch('?')],
        label: "? Esc",
        description: "help; Esc closes, untraces",
        action: Action::ToggleHelp,
        hint: hint(0, "help"),
        only: None,
    },
    Binding {
        keys: &[code(KeyCode::Esc)],
        label: "",
        description: "",
        action: Action::Escape,
        hint: None,
        only: None,
    },
    Binding {
        keys: &[ch('q'), ctrl('c')],
        label: "q ^C",
        description: "quit",
        action: Action::Quit,
        hint: hint(1, "quit"),
        only: None,
    },
    // Not in the help (an empty label): every terminal user knows it, and the overlay
    // stays as it is.
    Binding {
        keys: &[ctrl('z')],
        label: "",
        description: "",
        action: Action::Suspend,
        hint: None,
        only: None,
    },
];

/// The action bound to a key press in the dashboard layout, if any (see [`lookup_in`]).
pub fn lookup(event: &KeyEvent) -> Option<Action> {
    lookup_in(event, Layout::Dashboard)
}

/// The action bound to a key press in `layout`, if any. Shift is ignored for characters
/// (terminals differ on whether `?` or `+` carry it); Alt never matches; Ctrl must match
/// exactly.
pub fn lookup_in(event: &KeyEvent, layout: Layout) -> Option<Action> {
    let has_ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
    if event.modifiers.contains(KeyModifiers::ALT) {
        return None;
    }
    let code = match event.code {
        // Normalise Ctrl+C arriving as upper case.
        KeyCode::Char(c) if has_ctrl => KeyCode::Char(c.to_ascii_lowercase()),
        other => other,
    };
    in_layout(layout).find_map(|b| {
        b.keys
            .iter()
            .any(|k| k.code == code && k.ctrl == has_ctrl)
            .then_some(b.action)
    })
}

/// The bindings that work in `layout`, in key-map order.
fn in_layout(layout: Layout) -> impl Iterator<Item = &'static Binding> {
    KEYMAP
        .iter()
        .filter(move |b| b.only.is_none_or(|only| only == layout))
}

/// Help rows of the dashboard layout (see [`help_rows_in`]).
pub fn help_rows() -> impl Iterator<Item = (&'static str, &'static str)> {
    help_rows_in(Layout::Dashboard)
}

/// Help rows `(keys, description)` of `layout` generated from [`KEYMAP`]; rows with an
/// empty label are folded into the previous one (e.g. `+ -`).
pub fn help_rows_in(layout: Layout) -> impl Iterator<Item = (&'static str, &'static str)> {
    in_layout(layout)
        .filter(|b| !b.label.is_empty())
        .map(|b| (b.label, b.description))
}

/// Status-bar hints `(keys, words)` generated from the [`Hint`]s of [`KEYMAP`], by rank:
/// each binding contributes its first key; bindings sharing a rank are joined by `/`
/// (`a/d` `add/remove`, `+/-` `rate`).
pub fn status_hints() -> Vec<(String, String)> {
    let mut hinted: Vec<(Hint, &Binding)> = KEYMAP
        .iter()
        .filter_map(|b| b.hint.map(|h| (h, b)))
        .collect();
    // Stable: key-map order within a rank.
    hinted.sort_by_key(|(h, _)| h.rank);
    let mut out: Vec<(String, String)> = Vec::new();
    let mut last_rank = None;
    for (h, b) in hinted {
        let key = b.keys[0].name();
        match out.last_mut() {
            Some((keys, words)) if last_rank == Some(h.rank) => {
                keys.push('/');
                keys.push_str(&key);
                if !words.split('/').any(|w| w == h.word) {
                    words.push('/');
                    words.push_str(h.word);
                }
            }
            _ => out.push((key, h.word.to_string())),
        }
        last_rank = Some(h.rank);
    }
    out
}

/// The name of the first key bound to `action` (for messages such as "press ? for help").
pub fn key_for(action: Action) -> String {
    KEYMAP
        .iter()
        .find(|b| b.action == action)
        .and_then(|b| b.keys.first())
        .map_or_else(String::new, Key::name)
}

impl Key {
    /// How the key is written in the log, the status bar and messages (`space`, `↑`,
    /// `Ctrl-c`).
    pub fn name(&self) -> String {
        let base = code_name(self.code);
        if self.ctrl {
            format!("Ctrl-{base}")
        } else {
            base
        }
    }
}

fn code_name(code: KeyCode) -> String {
    match code {
        KeyCode::Char(' ') => "space".to_string(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Up => "↑".into(),
        KeyCode::Down => "↓".into(),
        KeyCode::Left => "←".into(),
        KeyCode::Right => "→".into(),
        KeyCode::Esc => "Esc".into(),
        KeyCode::Enter => "Enter".into(),
        KeyCode::Tab => "Tab".into(),
        KeyCode::Backspace => "Backspace".into(),
        KeyCode::PageUp => "PgUp".into(),
        KeyCode::PageDown => "PgDn".into(),
        KeyCode::F(n) => format!("F{n}"),
        other => format!("{other:?}"),
    }
}

/// Human-readable name of a key press, for acknowledging it in the event log.
pub fn key_name(event: &KeyEvent) -> String {
    let base = code_name(event.code);
    if event.modifiers.contains(KeyModifiers::CONTROL) {
        format!("Ctrl-{base}")
    } else if event.modifiers.contains(KeyModifiers::ALT) {
        format!("Alt-{base}")
    } else {
        base
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn every_action_has_a_key_and_keys_are_unique_in_each_layout() {
        for layout in [Layout::Dashboard, Layout::Presenter] {
            let mut seen = Vec::new();
            for b in in_layout(layout) {
                assert!(!b.keys.is_empty(), "{:?} has no key", b.action);
                for k in b.keys {
                    assert!(!seen.contains(k), "{k:?} bound twice in {layout:?}");
                    seen.push(*k);
                }
            }
        }
    }

    #[test]
    fn clicker_keys_are_the_same_steps_as_n_and_p_in_both_layouts() {
        let none = KeyModifiers::NONE;
        for layout in [Layout::Dashboard, Layout::Presenter] {
            let action = |code| lookup_in(&press(code, none), layout);
            let next = action(KeyCode::Char('n'));
            let back = action(KeyCode::Char('p'));
            assert_eq!(next, Some(Action::NextEvent));
            assert_eq!(back, Some(Action::PreviousEvent));
            for clicker in [KeyCode::PageDown, KeyCode::Right] {
                assert_eq!(action(clicker), next, "{clicker:?} in {layout:?}");
            }
            for clicker in [KeyCode::PageUp, KeyCode::Left] {
                assert_eq!(action(clicker), back, "{clicker:?} in {layout:?}");
            }
            assert_eq!(action(KeyCode::Char('b')), Some(Action::Burst));
        }
    }

    #[test]
    fn the_presenter_layout_gives_dot_to_blanking_and_s_to_single_step() {
        let dot = press(KeyCode::Char('.'), KeyModifiers::NONE);
        let s = press(KeyCode::Char('s'), KeyModifiers::NONE);
        assert_eq!(lookup_in(&dot, Layout::Dashboard), Some(Action::Step));
        assert_eq!(lookup_in(&s, Layout::Dashboard), None);
        assert_eq!(lookup_in(&dot, Layout::Presenter), Some(Action::Blank));
        assert_eq!(lookup_in(&s, Layout::Presenter), Some(Action::Step));
        let rows: Vec<_> = help_rows_in(Layout::Presenter).collect();
        assert!(rows.contains(&("s .", "single step (while paused) / blank the screen")));
        assert_eq!(rows.len(), help_rows().count());
        assert!(!help_rows().any(|(k, _)| k.split(' ').any(|key| key == "s")));
    }

    #[test]
    fn lookup_respects_modifiers() {
        let none = KeyModifiers::NONE;
        assert_eq!(lookup(&press(KeyCode::Char('q'), none)), Some(Action::Quit));
        assert_eq!(
            lookup(&press(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
        assert_eq!(
            lookup(&press(KeyCode::Char('c'), none)),
            Some(Action::CycleAlgorithm)
        );
        assert_eq!(
            lookup(&press(KeyCode::Char('z'), KeyModifiers::CONTROL)),
            Some(Action::Suspend)
        );
        assert_eq!(lookup(&press(KeyCode::Char('z'), none)), None);
        assert_eq!(
            lookup(&press(KeyCode::Char('q'), KeyModifiers::CONTROL)),
            None
        );
        assert_eq!(lookup(&press(KeyCode::Char('a'), KeyModifiers::ALT)), None);
        assert_eq!(
            lookup(&press(KeyCode::Char('?'), KeyModifiers::SHIFT)),
            Some(Action::ToggleHelp)
        );
        assert_eq!(lookup(&press(KeyCode::Up, none)), Some(Action::SelectPrev));
        assert_eq!(
            lookup(&press(KeyCode::Char('j'), none)),
            Some(Action::SelectNext)
        );
        assert_eq!(lookup(&press(KeyCode::Esc, none)), Some(Action::Escape));
        assert_eq!(
            lookup(&press(KeyCode::Char('{'), KeyModifiers::SHIFT)),
            Some(Action::ScrollLogBack)
        );
        assert_eq!(
            lookup(&press(KeyCode::PageUp, none)),
            Some(Action::PreviousEvent)
        );
        assert_eq!(
            lookup(&press(KeyCode::PageDown, none)),
            Some(Action::NextEvent)
        );
    }

    #[test]
    fn help_is_generated_from_the_table() {
        let rows: Vec<_> = help_rows().collect();
        assert!(rows.contains(&("a", "add a server")));
        assert!(rows.contains(&("+ -", "raise / lower the traffic rate")));
        // Every action is reachable from a visible help row or folded into one.
        assert_eq!(
            rows.len(),
            in_layout(Layout::Dashboard)
                .filter(|b| !b.label.is_empty())
                .count()
        );
        assert!(rows.iter().all(|(k, d)| !k.is_empty() && !d.is_empty()));
    }

    #[test]
    fn status_hints_are_generated_from_the_table() {
        let hints = status_hints();
        let shown: Vec<(&str, &str)> = hints
            .iter()
            .map(|(k, w)| (k.as_str(), w.as_str()))
            .collect();
        assert_eq!(
            shown,
            [
                ("?", "help"),
                ("q", "quit"),
                ("space", "pause"),
                ("a/d", "add/remove"),
                ("f/h", "fault/heal"),
                ("b", "burst"),
                ("+/-", "rate"),
                ("</>", "speed"),
                ("e", "log filter"),
                ("/", "trace"),
            ]
        );
        assert_eq!(key_for(Action::AddServer), "a");
        assert_eq!(key_for(Action::TogglePause), "space");
    }

    #[test]
    fn key_names_are_readable() {
        assert_eq!(
            key_name(&press(KeyCode::Char(' '), KeyModifiers::NONE)),
            "space"
        );
        assert_eq!(
            key_name(&press(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            "Ctrl-c"
        );
    }
}

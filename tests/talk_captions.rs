//! Every caption is a claim about the screen: each narrated scenario's frame is rendered
//! during each caption's step, in each layout the scenario is meant for, and what the caption
//! points at must be there.
//!
//! - **Panels**: a caption that names something drawn by a panel (buckets, the breaker
//!   timeline, the Traffic figures, the ring) needs that panel on screen (its title).
//! - **Numbers**: every number a caption quotes must be on screen outside the caption (the
//!   caption's digits are masked for that check), unless it is a parameter of the step's own
//!   command (the caption announces it) or listed in [`DESCRIBED`] with the reason it is
//!   told rather than shown. A new caption quoting a reading that is not drawn fails here.
//! - **State**: [`STATES`] checks what a caption says happens against the engine's snapshot
//!   and series (the oracle) and the rendered frame.

use std::sync::Arc;

use ringside::sim::{BreakerState, Engine, Scenario, Snapshot};
use ringside::tui::app::{App, AppOptions};
use ringside::tui::export::{render_buffer, to_text};
use ringside::tui::theme::{Theme, ThemeKind};

const S: u64 = 1_000_000_000;
const MS: u64 = 1_000_000;

/// The talk stories, meant for the presenter layout as well as the dashboard.
const STORIES: &[&str] = &["tour", "ring-story", "limiter-story", "breaker-story"];
/// Sizes every narrated scenario is checked at (README: presenter from 100×30).
const SIZES: &[(u16, u16)] = &[(100, 30), (120, 40)];

/// Numbers captions tell without the screen showing them: (scenario, number, why).
const DESCRIBED: &[(&str, &str, &str)] = &[
    ("*", "1/N", "the ideal fraction, drawn as 'ideal N%'"),
    ("retry-storm", "3", "the client's retry policy, not drawn"),
    ("retry-storm", "50", "the client's backoff, not drawn"),
    ("retry-storm", "100", "the client's backoff, not drawn"),
    (
        "retry-storm",
        "200",
        "gamma's latency: the Traffic panel's p99 shows it",
    ),
    (
        "retry-storm",
        "500",
        "the loose breaker threshold, set by the scenario",
    ),
    ("retry-storm", "60", "server capacity, set by the scenario"),
    (
        "retry-storm",
        "300",
        "60 slots / 200 ms: arithmetic on the two above",
    ),
    ("*", "4", "the recovery timeout, set by the scenario"),
    ("*", "5", "the failure threshold, set by the scenario"),
    ("*", "3", "the success threshold, set by the scenario"),
    ("*", "150", "vnodes per server, set by the scenario"),
    ("scale-out", "40", "server capacity, set by the scenario"),
    (
        "breaker-story",
        "300",
        "the call timeout, set by the scenario",
    ),
];

/// One frame of a scenario during a caption's step.
struct Seen {
    snap: Snapshot,
    /// The frame as text, the caption's digits masked.
    screen: String,
    /// Per-second series of the run so far.
    series: Vec<ringside::sim::SecondSample>,
}

fn render(snap: &Snapshot, present: bool, (w, h): (u16, u16)) -> String {
    let mut app = App::new(
        Arc::new(snap.clone()),
        Theme::new(ThemeKind::Dark, false),
        AppOptions { mouse: false },
    );
    app.set_present(present);
    to_text(&render_buffer(app.snapshot(), app.view(), &app.theme, w, h))
}

/// The numbers quoted in `text`: digit runs with thousands commas and decimals, and
/// fractions `1/N` (as the percentage they stand for).
fn numbers(text: &str) -> Vec<(String, f64)> {
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        // Digits inside a name (`server-25`, `x2`) are not quoted numbers.
        let in_name =
            i > 0 && (chars[i - 1].is_alphanumeric() || matches!(chars[i - 1], '-' | '_'));
        if !chars[i].is_ascii_digit() || in_name {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len()
            && (chars[i].is_ascii_digit()
                || (matches!(chars[i], ',' | '.' | '/')
                    && chars.get(i + 1).is_some_and(char::is_ascii_digit)))
        {
            i += 1;
        }
        let token: String = chars[start..i].iter().collect();
        let value = |t: &str| t.replace(',', "").parse().unwrap_or(f64::NAN);
        match token.split_once('/') {
            // `1/4`: a fraction, drawn as a percentage.
            Some(("1", n)) => out.push((token.clone(), 100.0 / value(n))),
            // `199/200`: two readings (tokens of capacity).
            Some((a, b)) => {
                out.push((a.to_string(), value(a)));
                out.push((b.to_string(), value(b)));
            }
            None => out.push((token.clone(), value(&token))),
        }
    }
    out
}

/// Whether `value` is drawn on `screen` (percentages to 0.1, rates abbreviated as `2.0k`).
fn on_screen(screen: &str, value: f64) -> bool {
    numbers(screen).iter().any(|(t, v)| {
        (v - value).abs() < 0.051
            || (t.contains('.') && (v * 1000.0 - value).abs() < 0.5 && value >= 1000.0)
    })
}

/// The numbers of a command (its Debug form), durations also in ms and s.
fn command_numbers(ev: &ringside::sim::scenario::TimelineEvent) -> Vec<f64> {
    let Some(c) = &ev.command else {
        return Vec::new();
    };
    let text = format!("{c:?}");
    numbers(&text)
        .into_iter()
        .flat_map(|(_, v)| [v, v / 1e6, v / 1e9, v * 100.0])
        .collect()
}

fn described(scenario: &str, token: &str) -> bool {
    let token = if token.starts_with("1/") {
        "1/N"
    } else {
        token
    };
    DESCRIBED
        .iter()
        .any(|(s, n, _)| (*s == "*" || *s == scenario) && *n == token)
}

/// The panels a caption points at: (words in the caption, the panel's title).
const PANELS: &[(&[&str], &str)] = &[
    (&["bucket", " bar", "denied", "tokens"], "Buckets"),
    (
        &["breaker", "timeline", "probe", " trips", " opens"],
        "Breakers",
    ),
    (
        &[
            "offered",
            "retries climb",
            "failed-over line",
            "failover line",
            "failover traffic",
            "request rate",
            "in traffic",
        ],
        "Traffic",
    ),
    (&["ring", "keys move", "share", "points"], "Ring"),
];

fn has_panel(screen: &str, title: &str) -> bool {
    ["╭ ", "┏ ", "┌ ", "╔ "]
        .iter()
        .any(|corner| screen.contains(&format!("{corner}{title}")))
}

/// State claims checked on the oracle (snapshot, series) and the frame: (scenario, caption
/// time in s, check).
type StateCheck = fn(&Seen) -> Result<(), String>;
const STATES: &[(&str, u64, StateCheck)] = &[
    ("tour", 22, |s| open_and_shown(s, "beta")),
    ("breaker-story", 5, |s| open_and_shown(s, "beta")),
    ("default", 4, |s| open_and_shown(s, "beta")),
    ("failover", 5, |s| open_and_shown(s, "beta")),
    ("retry-storm", 8, |s| {
        let last = s.series.last().unwrap();
        (last.offered >= 4000 && last.retries > 0)
            .then_some(())
            .ok_or(format!("no storm: {last:?}"))
    }),
    ("retry-storm", 20, |s| open_and_shown(s, "gamma")),
];

fn open_and_shown(s: &Seen, server: &str) -> Result<(), String> {
    let srv = s.snap.servers.iter().find(|x| x.name == server).unwrap();
    if srv.breaker != BreakerState::Open {
        return Err(format!("{server}'s breaker is {:?}", srv.breaker));
    }
    let row = s
        .screen
        .lines()
        .find(|l| l.contains(server) && l.contains("OPEN"));
    row.map(|_| ()).ok_or(format!("no row shows {server} OPEN"))
}

/// The time each caption is checked at: 2 s into its step, or half-way when the step is
/// shorter (the screen the audience sees while the caption is read).
fn check_times(sc: &Scenario) -> Vec<(usize, u64)> {
    let captioned: Vec<usize> = (0..sc.events.len())
        .filter(|&i| sc.events[i].caption.is_some())
        .collect();
    captioned
        .iter()
        .map(|&i| {
            let at = sc.events[i].at_ns;
            let next = sc.events.get(i + 1).map_or(sc.duration_ns, |e| e.at_ns);
            (i, at + (2 * S).min((next - at) / 2).max(MS))
        })
        .collect()
}

#[test]
fn every_caption_points_at_what_is_on_screen() {
    let mut failures = Vec::new();
    let mut states_checked = 0;
    for name in Scenario::builtin_names() {
        let sc = Scenario::builtin(name).unwrap();
        let layouts: &[bool] = if STORIES.contains(&name) {
            &[true, false]
        } else {
            &[false]
        };
        let mut engine = Engine::from_scenario(&sc, None).unwrap();
        for (i, t) in check_times(&sc) {
            engine.advance(t - engine.now());
            let ev = &sc.events[i];
            let caption = ev.caption.as_deref().unwrap();
            let snap = engine.snapshot();
            let step = format!("{name} at {} ms: \"{caption}\"", ev.at_ns / MS);
            for &present in layouts {
                for &size in SIZES {
                    let mut masked = snap.clone();
                    let hidden: String = caption
                        .chars()
                        .map(|c| if c.is_ascii_digit() { '#' } else { c })
                        .collect();
                    masked.caption.as_mut().unwrap().text = hidden.into();
                    let seen = Seen {
                        screen: render(&masked, present, size),
                        snap: snap.clone(),
                        series: engine.series().collect(),
                    };
                    let layout = format!(
                        "{} {}x{}",
                        if present { "presenter" } else { "dashboard" },
                        size.0,
                        size.1
                    );
                    let lower = caption.to_lowercase();
                    for (words, title) in PANELS {
                        if words.iter().any(|w| lower.contains(w))
                            && !has_panel(&seen.screen, title)
                        {
                            failures.push(format!("{step} [{layout}]: no {title} panel"));
                        }
                    }
                    let announced = command_numbers(ev);
                    for (token, value) in numbers(caption) {
                        let ok = announced.iter().any(|a| (a - value).abs() < 1e-9)
                            || described(name, &token)
                            || on_screen(&seen.screen, value);
                        if !ok {
                            failures.push(format!("{step} [{layout}]: {token} is not on screen"));
                        }
                    }
                    for (scenario, at_s, check) in STATES {
                        if *scenario == name && ev.at_ns == at_s * S {
                            states_checked += 1;
                            if let Err(e) = check(&seen) {
                                failures.push(format!("{step} [{layout}]: {e}"));
                            }
                        }
                    }
                }
            }
        }
    }
    assert!(
        states_checked >= STATES.len(),
        "a state check matched no caption"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_checks_catch_what_is_missing() {
    assert_eq!(
        numbers("acme fires 1,000 requests; 1/4 move; 2.5 s; 199/200")
            .into_iter()
            .map(|(_, v)| v)
            .collect::<Vec<_>>(),
        [1000.0, 25.0, 2.5, 199.0, 200.0]
    );
    assert!(numbers("server-25 and x2").is_empty());
    let sc = Scenario::builtin("tour").unwrap();
    let mut e = Engine::from_scenario(&sc, None).unwrap();
    e.advance(22 * S);
    let snap = e.snapshot();
    let presenter = render(&snap, true, (100, 30));
    let dashboard = render(&snap, false, (100, 30));
    assert!(!has_panel(&presenter, "Traffic") && has_panel(&dashboard, "Traffic"));
    assert!(has_panel(&presenter, "Breakers") && has_panel(&presenter, "Ring"));
    assert!(!on_screen(&presenter, 987_654.0));
}

/// The caption as the screen shows it: the rows above the first panel (dashboard) or inside
/// the caption box (presenter), joined and with whitespace collapsed.
fn drawn_caption(screen: &str, present: bool) -> String {
    let rows: Vec<&str> = if present {
        screen
            .lines()
            .skip(1)
            .take_while(|l| !l.starts_with('┗'))
            .map(|l| l.trim_matches('┃'))
            .collect()
    } else {
        screen.lines().take_while(|l| !l.starts_with('╭')).collect()
    };
    let joined = rows.join(" ");
    let words: Vec<&str> = joined.split_whitespace().collect();
    words.join(" ").trim_start_matches("▶ ").to_string()
}

#[test]
fn every_caption_is_drawn_whole_at_the_smallest_size() {
    let mut failures = Vec::new();
    for name in Scenario::builtin_names() {
        let sc = Scenario::builtin(name).unwrap();
        let mut engine = Engine::from_scenario(&sc, None).unwrap();
        for (i, t) in check_times(&sc) {
            engine.advance(t - engine.now());
            let snap = engine.snapshot();
            let Some(shown) = snap.caption.as_ref() else {
                continue;
            };
            let expected: Vec<&str> = shown.text.split_whitespace().collect();
            let expected = expected.join(" ");
            for (present, size) in [(false, (80, 24)), (true, (100, 30))] {
                let drawn = drawn_caption(&render(&snap, present, size), present);
                if drawn != expected {
                    failures.push(format!(
                        "{name} at {} ms [{} {}x{}]:\n  drawn    {drawn}\n  expected {expected}",
                        sc.events[i].at_ns / MS,
                        if present { "presenter" } else { "dashboard" },
                        size.0,
                        size.1
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

//! Helpers shared by the dashboard tests: a real engine stepped synchronously, an app,
//! and a TestBackend terminal.
#![allow(dead_code)]

use std::sync::Arc;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ringside::sim::{Command, Engine, Scenario};
use ringside::tui::app::{App, AppOptions, Outcome};
use ringside::tui::theme::{Theme, ThemeKind};

/// Seed used by every dashboard test.
pub const SEED: u64 = 1;

/// The default scenario's engine advanced to `t_ms` of virtual time.
pub fn engine_at(t_ms: u64) -> (Engine, Scenario) {
    let scenario = Scenario::load("default").expect("default scenario");
    let mut engine = Engine::from_scenario(&scenario, Some(SEED)).expect("engine");
    engine.advance(t_ms * 1_000_000);
    (engine, scenario)
}

/// An app showing `engine`'s snapshot.
pub fn app_for(engine: &Engine, theme: Theme) -> App {
    App::new(
        Arc::new(engine.snapshot()),
        theme,
        AppOptions { mouse: true },
    )
}

/// The dark theme (colours on).
pub fn dark() -> Theme {
    Theme::new(ThemeKind::Dark, false)
}

/// Render `app` at `w`×`h` and return the terminal.
pub fn render(app: &mut App, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    terminal.draw(|f| app.render(f)).expect("draw");
    terminal
}

/// The screen as plain text, one line per row.
pub fn text(terminal: &Terminal<TestBackend>) -> String {
    let buf = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

/// Apply `cmds` to the engine as the runner does (each one counted as sent, its outcome
/// reported to the app), then show the engine's new snapshot.
pub fn apply_all(app: &mut App, engine: &mut Engine, cmds: Vec<Command>) {
    for command in cmds {
        app.sent();
        let result = engine.apply(command.clone());
        app.on_outcome(&Outcome::new(
            command,
            result,
            engine.now(),
            engine.session(),
        ));
    }
    app.set_snapshot(Arc::new(engine.snapshot()));
}

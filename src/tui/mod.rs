//! The live dashboard: terminal lifecycle, event loop, key map, layout, widgets, theme.
//! This layer draws `sim::Snapshot`s and sends `sim::Command`s; it never routes or limits.

pub mod app;
pub mod keymap;
pub mod runner;
pub mod terminal;
pub mod theme;
pub mod widgets;

use std::io::IsTerminal as _;

use crossterm::event::EventStream;
use tokio::signal::unix::{SignalKind, signal};

use app::{App, AppOptions};
use runner::{EngineHandle, LoopConfig, Simulation, frame_interval, run_loop};
use terminal::{NotATerminal, TerminalGuard};
use theme::Theme;

/// Run the dashboard on the real terminal until the user quits or SIGTERM/SIGINT/SIGHUP
/// arrives. Fails with [`NotATerminal`] (without touching the terminal) when stdout is
/// not a tty. The terminal is restored on every exit path.
pub fn run<S: Simulation>(
    sim: S,
    options: AppOptions,
    theme: Theme,
    fps: u32,
) -> anyhow::Result<()> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(NotATerminal.into());
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let frame = frame_interval(fps);
    let mut engine = EngineHandle::spawn(sim, frame)?;
    let mut guard = TerminalGuard::enter(options.mouse)?;
    let first = engine.snapshots.borrow().clone();
    let mut app = App::new(first, theme, options);
    let config = LoopConfig {
        frame,
        sync_updates: true,
    };
    let result = runtime.block_on(async {
        let mut term = signal(SignalKind::terminate())?;
        let mut int = signal(SignalKind::interrupt())?;
        let mut hup = signal(SignalKind::hangup())?;
        let shutdown = async move {
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
                _ = hup.recv() => {}
            }
        };
        run_loop(
            guard.terminal(),
            &mut app,
            EventStream::new(),
            &mut engine,
            shutdown,
            config,
        )
        .await
    });
    drop(guard);
    engine.shutdown();
    result.map(|_| ())
}

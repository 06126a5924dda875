//! The live dashboard: terminal lifecycle, event loop, key map, layout, widgets, theme.
//! This layer draws `sim::Snapshot`s and sends `sim::Command`s; it never routes or limits.

pub mod app;
pub mod crash;
pub mod export;
pub mod keymap;
pub mod present;
pub mod record;
pub mod runner;
pub mod terminal;
pub mod theme;
pub mod widgets;

use std::path::PathBuf;

use crossterm::event::EventStream;
use tokio::signal::unix::{SignalKind, signal};

use app::{App, AppOptions};
use runner::{EngineHandle, LoopConfig, Simulation, frame_interval, run_loop};
use terminal::TerminalGuard;
use theme::Theme;

/// Talk-mode options of the dashboard.
#[derive(Debug, Clone, Default)]
pub struct TalkOptions {
    /// Presenter layout (`--present`).
    pub present: bool,
    /// Record the terminal output as asciicast v2 to this file (`--record`).
    pub record: Option<PathBuf>,
    /// Write the session as a scenario file here on exit; `w` writes it here too
    /// (`--save-scenario`).
    pub save_scenario: Option<PathBuf>,
}

/// Run the dashboard on the real terminal until the user quits or SIGTERM/SIGINT/SIGHUP
/// arrives. Fails with [`NotATerminal`](terminal::NotATerminal) (without touching the terminal) when stdout is
/// not a tty. The terminal is restored on every exit path.
pub fn run<S: Simulation>(
    sim: S,
    options: AppOptions,
    theme: Theme,
    fps: u32,
    talk: TalkOptions,
) -> anyhow::Result<()> {
    // Before creating a recording file or starting the engine.
    terminal::require_tty()?;
    let recorder = match &talk.record {
        Some(path) => {
            let (w, h) = crossterm::terminal::size()?;
            let cast = record::create(path, w, h)
                .map_err(|e| anyhow::anyhow!("cannot record to {}: {e}", path.display()))?;
            Some(record::Recorder::new(cast))
        }
        None => None,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let frame = frame_interval(fps);
    let mut engine = EngineHandle::spawn(sim, frame)?;
    let mut guard = TerminalGuard::enter_recording(options.mouse, recorder.clone())?;
    let first = engine.snapshots.borrow().clone();
    let mut app = App::new(first, theme, options);
    app.set_present(talk.present);
    app.set_save_to(Some(match &talk.save_scenario {
        Some(path) => app::SaveTo::File(path.clone()),
        None => app::SaveTo::Dir(PathBuf::from(".")),
    }));
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
    let last = engine.shutdown_with_last();
    let mut result = result.map(|_| ());
    if let Some(rec) = recorder {
        match rec.finish() {
            Ok(()) => eprintln!(
                "recording written to {}",
                talk.record
                    .as_deref()
                    .map_or_else(String::new, |p| p.display().to_string())
            ),
            Err(e) => eprintln!("ringside: the recording is incomplete: {e}"),
        }
    }
    if let Some(path) = &talk.save_scenario {
        match present::save_session(&last, path) {
            Ok(n) => eprintln!(
                "session ({n} live command(s)) saved to {}; replay it with: ringside --scenario {}",
                path.display(),
                path.display()
            ),
            Err(e) => {
                result = result.and(Err(e.context("saving the session (--save-scenario)")));
            }
        }
    }
    result
}

//! The live dashboard: terminal lifecycle, event loop, key map, view state, layout,
//! render, theme and headless export. This layer draws `sim::Snapshot`s and sends
//! `sim::Command`s; it never routes or limits.
//!
//! Inside, knowledge flows one way (no file imports a file that imports it back):
//!
//! ```text
//!  mod (run) ─> runner ─> app ─┬─> input ──> keymap ─> state
//!      │                       ├─> effects (file I/O: the session)
//!      ├─> terminal ─> record  └─> render/* ─> layout, theme, state, keymap
//!      │      └─> signals                export ─> render
//!      └─> signals
//! ```

pub mod app;
pub mod crash;
pub mod effects;
pub mod error;
pub mod export;
pub mod input;
pub mod keymap;
pub mod layout;
pub mod record;
pub mod render;
pub mod runner;
pub mod signals;
pub mod state;
pub mod terminal;
pub mod theme;

pub use error::Error;

use std::path::{Path, PathBuf};

use crossterm::event::EventStream;

use app::{App, AppOptions};
use effects::SaveTo;
use record::Recorder;
use runner::{EngineHandle, LoopConfig, Simulation, frame_interval, run_loop};
pub use signals::Exit;
use signals::{Signals, Wake};
use terminal::TerminalGuard;
use theme::Theme;

use crate::sim::Snapshot;

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

/// Run the dashboard on the real terminal until the user quits or a terminating signal
/// arrives (see [`signals`]: SIGTERM, SIGINT, SIGHUP, SIGQUIT; SIGTSTP suspends). Fails
/// with [`Error::NotATerminal`] (without touching the terminal) when stdout is not a tty.
/// The terminal is restored on every exit path; the recording and the session are
/// finished after a signal too. Returns how it ended, for the exit code.
pub fn run<S: Simulation>(
    sim: S,
    options: AppOptions,
    theme: Theme,
    fps: u32,
    talk: TalkOptions,
) -> Result<Exit, Error> {
    check_outputs(&talk)?;
    // Before creating a recording file or starting the engine.
    terminal::require_tty()?;
    let recorder = talk.record.as_deref().map(start_recording).transpose()?;
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
        Some(path) => SaveTo::File(path.clone()),
        None => SaveTo::Dir(PathBuf::from(".")),
    }));
    let config = LoopConfig {
        frame,
        sync_updates: true,
    };
    let result = runtime.block_on(drive(&mut guard, &mut app, &mut engine, config));
    drop(guard);
    let last = engine.shutdown_with_last();
    let recorded = match (recorder, &talk.record) {
        (Some(rec), Some(path)) => finish_recording(&rec, path),
        _ => Ok(()),
    };
    let saved = talk
        .save_scenario
        .as_deref()
        .map_or(Ok(()), |path| save_at_exit(&last, path));
    let exit = result?;
    recorded.and(saved).map(|()| exit)
}

/// Run the event loop, suspending and resuming on Ctrl-Z / SIGTSTP / SIGCONT, until the
/// user quits or a terminating signal arrives.
async fn drive(
    guard: &mut TerminalGuard,
    app: &mut App,
    engine: &mut EngineHandle,
    config: LoopConfig,
) -> Result<Exit, Error> {
    let mut signals = Signals::install()?;
    let mut events = EventStream::new();
    loop {
        let mut woke = None;
        let wait = async { woke = Some(signals.recv().await) };
        run_loop(guard.terminal(), app, &mut events, engine, wait, config).await?;
        // The whole process stops while suspended, the engine thread included, and its
        // next tick is clamped to `runner::MAX_TICK`: virtual time pauses meanwhile.
        match woke {
            Some(Wake::Exit(signal)) => return Ok(Exit::Signal(signal)),
            Some(Wake::Suspend) => guard.suspend()?,
            Some(Wake::Continue) => guard.resume()?,
            None if app.take_suspend() => guard.suspend()?,
            None => return Ok(Exit::Quit),
        }
    }
}

/// Refuse output files that cannot be written (`--record`, `--save-scenario`) before
/// anything starts, so that a session is never lost at exit to a bad path. Leaves no file
/// behind. [`run`] calls it first; a caller may call it earlier (e.g. before connecting
/// to Redis).
pub fn check_outputs(talk: &TalkOptions) -> Result<(), Error> {
    let outputs = [
        ("--record", &talk.record),
        ("--save-scenario", &talk.save_scenario),
    ];
    for (flag, path) in outputs {
        if let Some(path) = path {
            effects::check_writable(path).map_err(|error| Error::Output {
                flag,
                path: path.clone(),
                error,
            })?;
        }
    }
    Ok(())
}

/// Start recording the terminal (its current size) to `path`.
fn start_recording(path: &Path) -> Result<Recorder, Error> {
    let (w, h) = crossterm::terminal::size()?;
    let cast = record::create(path, w, h).map_err(|error| Error::Output {
        flag: "--record",
        path: path.to_path_buf(),
        error,
    })?;
    Ok(Recorder::new(cast))
}

/// Stop the recording and tell the user where it went; an incomplete recording is an
/// error (a non-zero exit).
fn finish_recording(rec: &Recorder, path: &Path) -> Result<(), Error> {
    rec.finish().map_err(|error| Error::RecordIncomplete {
        path: path.to_path_buf(),
        error,
    })?;
    eprintln!("recording written to {}", path.display());
    Ok(())
}

/// `--save-scenario`: write the final session (every command the engine applied).
fn save_at_exit(last: &Snapshot, path: &Path) -> Result<(), Error> {
    let n = effects::save_session(last, path).map_err(|e| Error::SaveAtExit(Box::new(e)))?;
    eprintln!(
        "session ({n} live command(s)) saved to {}; replay it with: ringside --scenario {}",
        path.display(),
        path.display()
    );
    Ok(())
}

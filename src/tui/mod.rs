//! The live dashboard: terminal lifecycle, event loop, key map, view state, layout,
//! render, theme and headless export. This layer draws `sim::Snapshot`s and sends
//! `sim::Command`s; it never routes or limits.
//!
//! Inside, knowledge flows one way (no file imports a file that imports it back):
//!
//! ```text
//!  mod (run) ─> runner ─> app ─┬─> input ──> keymap, event_log ─> state
//!      │                       ├─> effects (file I/O: the session)
//!      ├─> terminal ─> record  └─> render/* ─> layout, theme, state, keymap
//!      │      └─> signals                export ─> render
//!      │                     raster (PNG) ─> export    clip (GIF) ─> raster
//!      │                     deck (HTML slides) ─> export
//!      ├─> signals
//!      └─> render/progress (while the simulation is built)
//! ```

pub mod app;
pub mod clip;
pub mod crash;
pub mod deck;
pub mod effects;
pub mod error;
pub mod event_log;
pub mod export;
pub mod input;
pub mod keymap;
pub mod layout;
pub mod prompt;
pub mod raster;
pub mod record;
pub mod render;
pub mod runner;
pub mod signals;
pub mod state;
pub mod terminal;
pub mod theme;

pub use error::Error;

use std::path::{Path, PathBuf};
use std::time::Duration;

use crossterm::event::{Event, EventStream, KeyEventKind};
use futures::StreamExt;

use app::{App, AppOptions};
use effects::SaveTo;
use keymap::Action;
use record::Recorder;
use runner::{EngineHandle, LoopConfig, Simulation, Starting, draw_with, frame_interval, run_loop};
pub use signals::Exit;
use signals::{Signals, Wake};
use terminal::TerminalGuard;
use theme::Theme;

use crate::sim::{BoxError, Interrupt, Snapshot};

/// A build shorter than this shows no progress screen (no flash before the dashboard).
const PROGRESS_AFTER: Duration = Duration::from_millis(150);
/// How often the progress line is redrawn.
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

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
///
/// `build` makes the simulation on the engine thread (given the [`Interrupt`] to build it
/// with) while the UI already runs: a long build shows its progress, and `q` or a signal
/// ends it at any moment. The terminal is restored on every exit path; the recording and
/// the session are finished after a signal too. Returns how it ended, for the exit code.
pub fn run<S, F>(
    build: F,
    options: AppOptions,
    theme: Theme,
    fps: u32,
    talk: TalkOptions,
) -> Result<Exit, Error>
where
    S: Simulation,
    F: FnOnce(Interrupt) -> Result<S, BoxError> + Send + 'static,
{
    check_outputs(&talk)?;
    // Before creating a recording file or starting the engine.
    terminal::require_tty()?;
    let recorder = talk.record.as_deref().map(start_recording).transpose()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let frame = frame_interval(fps);
    let mut starting = EngineHandle::spawn_building(build, frame)?;
    let mut guard = TerminalGuard::enter_recording(options.mouse, recorder.clone())?;
    let config = LoopConfig {
        frame,
        sync_updates: true,
    };
    let (result, engine) = runtime.block_on(async {
        let mut input = Input {
            signals: Signals::install()?,
            events: EventStream::new(),
            ended: Exit::Quit,
        };
        let started = start(&mut guard, &mut starting, &mut input, &theme, config).await?;
        let Some(mut engine) = started else {
            return Ok((Ok(input.ended), None));
        };
        let first = engine.snapshots.borrow().clone();
        let mut app = App::new(first, theme, options);
        app.set_present(talk.present);
        app.set_save_to(Some(match &talk.save_scenario {
            Some(path) => SaveTo::File(path.clone()),
            None => SaveTo::Dir(PathBuf::from(".")),
        }));
        let result = drive(&mut guard, &mut app, &mut engine, &mut input, config).await;
        Ok::<_, Error>((result, Some(engine)))
    })?;
    drop(guard);
    // A build still under way is stopped and waited for.
    drop(starting);
    let last = engine.map(EngineHandle::shutdown_with_last);
    let recorded = match (recorder, &talk.record) {
        (Some(rec), Some(path)) => finish_recording(&rec, path),
        _ => Ok(()),
    };
    // Nothing to save when the user left before the simulation was built.
    let saved = match (&last, talk.save_scenario.as_deref()) {
        (Some(last), Some(path)) => save_at_exit(last, path),
        _ => Ok(()),
    };
    let exit = result?;
    recorded.and(saved).map(|()| exit)
}

/// The dashboard's inputs: signals and terminal events, and how the last wait ended.
struct Input {
    signals: Signals,
    events: EventStream,
    /// Set by [`start`] when the user or a signal ended the wait.
    ended: Exit,
}

/// Wait for the simulation to be built, showing the build's progress once it takes a
/// while; `None` when the user quit (a quit key) or a terminating
/// signal came first ([`Input::ended`] says which). Suspends and resumes meanwhile.
async fn start(
    guard: &mut TerminalGuard,
    starting: &mut Starting,
    input: &mut Input,
    theme: &Theme,
    config: LoopConfig,
) -> Result<Option<EngineHandle>, Error> {
    let progress = starting.interrupt();
    let first = tokio::time::Instant::now() + PROGRESS_AFTER;
    let mut redraw = tokio::time::interval_at(first, PROGRESS_EVERY);
    let mut events_done = false;
    loop {
        tokio::select! {
            ready = starting.ready() => return ready.map(Some),
            wake = input.signals.recv() => match wake {
                Wake::Exit(signal) => {
                    input.ended = Exit::Signal(signal);
                    return Ok(None);
                }
                Wake::Suspend => guard.suspend()?,
                Wake::Continue => guard.resume()?,
            },
            event = input.events.next(), if !events_done => match event {
                Some(Ok(Event::Key(key))) if key.kind == KeyEventKind::Press => {
                    match keymap::lookup(&key) {
                        Some(Action::Quit) => {
                            input.ended = Exit::Quit;
                            return Ok(None);
                        }
                        Some(Action::Suspend) => guard.suspend()?,
                        _ => {}
                    }
                }
                Some(Err(err)) => return Err(err.into()),
                None => events_done = true,
                Some(Ok(_)) => {}
            },
            _ = redraw.tick() => {
                let (done, total) = progress.build_progress();
                draw_with(guard.terminal(), config.sync_updates, |f| {
                    render::progress::render(f, f.area(), done, total, theme);
                })?;
            }
        }
    }
}

/// Run the event loop, suspending and resuming on Ctrl-Z / SIGTSTP / SIGCONT, until the
/// user quits or a terminating signal arrives.
async fn drive(
    guard: &mut TerminalGuard,
    app: &mut App,
    engine: &mut EngineHandle,
    input: &mut Input,
    config: LoopConfig,
) -> Result<Exit, Error> {
    loop {
        let mut woke = None;
        let signals = &mut input.signals;
        let wait = async { woke = Some(signals.recv().await) };
        run_loop(
            guard.terminal(),
            app,
            &mut input.events,
            engine,
            wait,
            config,
        )
        .await?;
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
    let n =
        effects::save_session(&last.session, path).map_err(|e| Error::SaveAtExit(Box::new(e)))?;
    eprintln!(
        "session ({n} live command(s)) saved to {}; replay it with: ringside --scenario {}",
        path.display(),
        path.display()
    );
    Ok(())
}

//! The event loop and the engine thread.
//!
//! The [`Engine`] lives on its own thread ([`EngineHandle::spawn`]): it receives
//! [`Command`]s over a channel, advances virtual time by wall-dt × speed, and publishes a
//! [`Snapshot`] through a `watch` channel at most once per frame and only when something
//! changed. While paused it blocks on the command channel (no timers at all).
//!
//! A large simulation takes a while to build (20,000 servers: about a second), so the
//! dashboard builds it on the engine thread ([`EngineHandle::spawn_building`]) while the
//! UI already runs, showing the build's progress and answering `q` and signals. Every
//! handle shares an [`Interrupt`] with its engine: stopping the handle raises it, so long
//! engine work (a huge burst, a big jump) ends within a slice instead of delaying the exit.
//!
//! The UI loop ([`run_loop`]) is generic over the ratatui [`Backend`] and the event stream,
//! so tests can drive the real loop into a `TestBackend`. It `select!`s over terminal events,
//! snapshots, command outcomes, a shutdown future (SIGTERM) and a frame deadline that is
//! armed only when something needs redrawing.

use std::future::Future;
use std::io;
use std::sync::Arc;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crossterm::event::Event;
use futures::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::{mpsc as tmpsc, oneshot, watch};

use super::app::{App, Outcome};
use super::error::Error;
use crate::sim::compare::Pair;
use crate::sim::{BoxError, Command, Engine, Interrupt, SessionLog, SimError, Snapshot};

/// Default frames per second.
pub const DEFAULT_FPS: u32 = 30;
/// Longest wall-time gap fed to the engine in one tick (a stalled machine does not make
/// the simulation jump).
pub const MAX_TICK: Duration = Duration::from_millis(250);

/// What the engine thread needs from a simulation. Implemented by [`Engine`]; tests may
/// supply their own.
pub trait Simulation: Send + 'static {
    /// Apply a command now.
    fn apply(&mut self, command: Command) -> Result<(), SimError>;
    /// Advance by `wall_dt_ns` of wall time scaled by the speed (nothing while paused).
    fn tick(&mut self, wall_dt_ns: u64);
    /// Build a snapshot.
    fn snapshot(&self) -> Snapshot;
    /// Current virtual time (ns).
    fn now_ns(&self) -> u64;
    /// The session so far (what saving writes).
    fn session(&self) -> SessionLog;
    /// The interrupt that stops its long work, if it has one.
    fn interrupt(&self) -> Option<Interrupt> {
        None
    }
}

impl Simulation for Engine {
    fn apply(&mut self, command: Command) -> Result<(), SimError> {
        Engine::apply(self, command)
    }
    fn tick(&mut self, wall_dt_ns: u64) {
        Engine::tick(self, wall_dt_ns);
    }
    fn snapshot(&self) -> Snapshot {
        Engine::snapshot(self)
    }
    fn now_ns(&self) -> u64 {
        Engine::now(self)
    }
    fn session(&self) -> SessionLog {
        Engine::session(self)
    }
    fn interrupt(&self) -> Option<Interrupt> {
        Some(Engine::interrupt(self).clone())
    }
}

impl Simulation for Pair {
    fn apply(&mut self, command: Command) -> Result<(), SimError> {
        Pair::apply(self, command)
    }
    fn tick(&mut self, wall_dt_ns: u64) {
        Pair::tick(self, wall_dt_ns);
    }
    fn snapshot(&self) -> Snapshot {
        Pair::snapshot(self)
    }
    fn now_ns(&self) -> u64 {
        Pair::now(self)
    }
    fn session(&self) -> SessionLog {
        Pair::session(self)
    }
    fn interrupt(&self) -> Option<Interrupt> {
        Some(Pair::interrupt(self).clone())
    }
}

/// The UI's side of the engine thread.
#[derive(Debug)]
pub struct EngineHandle {
    commands: Option<mpsc::Sender<Command>>,
    /// Latest snapshot (changes at most once per frame).
    pub snapshots: watch::Receiver<Arc<Snapshot>>,
    /// The result of every command, in order.
    pub outcomes: tmpsc::UnboundedReceiver<Outcome>,
    thread: Option<JoinHandle<()>>,
    /// Raised when the handle stops: the engine's long work ends early.
    interrupt: Interrupt,
}

/// The UI's ends of a built engine's channels.
#[derive(Debug)]
struct Channels {
    commands: mpsc::Sender<Command>,
    snapshots: watch::Receiver<Arc<Snapshot>>,
    outcomes: tmpsc::UnboundedReceiver<Outcome>,
}

impl Channels {
    /// Channels for an engine whose first snapshot is `first`, and the engine's ends.
    fn new(first: Snapshot) -> (Self, EngineEnds) {
        let (cmd_tx, cmd_rx) = mpsc::channel();
        let (snap_tx, snap_rx) = watch::channel(Arc::new(first));
        let (out_tx, out_rx) = tmpsc::unbounded_channel();
        let ui = Channels {
            commands: cmd_tx,
            snapshots: snap_rx,
            outcomes: out_rx,
        };
        (ui, (cmd_rx, snap_tx, out_tx))
    }
}

/// The engine thread's ends of the channels.
type EngineEnds = (
    mpsc::Receiver<Command>,
    watch::Sender<Arc<Snapshot>>,
    tmpsc::UnboundedSender<Outcome>,
);

/// An engine thread still building its simulation: its progress, and its
/// [`EngineHandle`] once ready ([`ready`](Self::ready)). Dropping it stops the build.
#[derive(Debug)]
pub struct Starting {
    ready: oneshot::Receiver<Result<Channels, BoxError>>,
    thread: Option<JoinHandle<()>>,
    interrupt: Interrupt,
}

impl Starting {
    /// The build's interrupt: its progress ([`Interrupt::build_progress`]), readable
    /// while [`ready`](Self::ready) is awaited.
    pub fn interrupt(&self) -> Interrupt {
        self.interrupt.clone()
    }

    /// Wait until the simulation is built; its handle, or why it could not be built.
    /// Cancel-safe: dropping the future keeps the build going.
    pub async fn ready(&mut self) -> Result<EngineHandle, Error> {
        let built = (&mut self.ready).await;
        let channels = match built {
            Ok(Ok(channels)) => channels,
            Ok(Err(error)) => return Err(Error::Start(error)),
            Err(_) => return Err(Error::EngineStopped),
        };
        Ok(EngineHandle {
            commands: Some(channels.commands),
            snapshots: channels.snapshots,
            outcomes: channels.outcomes,
            thread: self.thread.take(),
            interrupt: self.interrupt.clone(),
        })
    }
}

impl Drop for Starting {
    /// Stops a build still under way (not a handle already given out) and waits for it.
    fn drop(&mut self) {
        if let Some(t) = self.thread.take() {
            self.interrupt.stop();
            let _ = t.join();
        }
    }
}

impl EngineHandle {
    /// Move `sim` to a new thread that publishes at most one snapshot per `frame`.
    pub fn spawn<S: Simulation>(sim: S, frame: Duration) -> io::Result<Self> {
        let interrupt = sim.interrupt().unwrap_or_default();
        let (ui, ends) = Channels::new(sim.snapshot());
        let thread = std::thread::Builder::new()
            .name("ringside-engine".into())
            .spawn(move || engine_thread(sim, frame, ends))?;
        Ok(Self {
            commands: Some(ui.commands),
            snapshots: ui.snapshots,
            outcomes: ui.outcomes,
            thread: Some(thread),
            interrupt,
        })
    }

    /// Build the simulation on a new thread with `build` (given the interrupt to build
    /// with, which reports progress and stops the build when raised), then run it there
    /// as [`spawn`](Self::spawn) does.
    pub fn spawn_building<S, F>(build: F, frame: Duration) -> io::Result<Starting>
    where
        S: Simulation,
        F: FnOnce(Interrupt) -> Result<S, BoxError> + Send + 'static,
    {
        let interrupt = Interrupt::default();
        let (ready_tx, ready_rx) = oneshot::channel();
        let theirs = interrupt.clone();
        let thread = std::thread::Builder::new()
            .name("ringside-engine".into())
            .spawn(move || match build(theirs) {
                Ok(sim) => {
                    let (ui, ends) = Channels::new(sim.snapshot());
                    if ready_tx.send(Ok(ui)).is_ok() {
                        engine_thread(sim, frame, ends);
                    }
                }
                Err(error) => {
                    let _ = ready_tx.send(Err(error));
                }
            })?;
        Ok(Starting {
            ready: ready_rx,
            thread: Some(thread),
            interrupt,
        })
    }

    /// Queue a command; false if the engine thread has stopped.
    pub fn send(&self, command: Command) -> bool {
        self.commands
            .as_ref()
            .is_some_and(|tx| tx.send(command).is_ok())
    }

    /// Stop the engine thread and wait for it.
    pub fn shutdown(mut self) {
        self.stop();
    }

    /// Stop the engine thread, wait for it, and return its last snapshot (which reflects
    /// every command it applied).
    pub fn shutdown_with_last(mut self) -> Arc<Snapshot> {
        self.stop();
        self.snapshots.borrow().clone()
    }

    fn stop(&mut self) {
        // Ends long work in the middle (a huge burst, a big jump) within a slice.
        self.interrupt.stop();
        self.commands = None; // disconnects the channel: the thread's recv fails and it ends
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for EngineHandle {
    fn drop(&mut self) {
        self.stop();
    }
}

fn engine_thread<S: Simulation>(mut sim: S, frame: Duration, ends: EngineEnds) {
    let (commands, snapshots, outcomes) = ends;
    let mut paused = snapshots.borrow().paused;
    let mut last_tick = Instant::now();
    let mut next_publish = Instant::now() + frame;
    let mut pending = false;
    loop {
        // Paused with nothing to publish: block until a command arrives (no timer).
        let received = if paused && !pending {
            commands.recv().map_err(|_| RecvTimeoutError::Disconnected)
        } else {
            let wait = next_publish.saturating_duration_since(Instant::now());
            commands.recv_timeout(wait)
        };
        match received {
            Ok(command) => {
                if paused {
                    // Time spent paused is not simulated.
                    last_tick = Instant::now();
                }
                let result = sim.apply(command.clone());
                let outcome = Outcome::new(command, result, sim.now_ns(), sim.session());
                let _ = outcomes.send(outcome);
                pending = true;
                // Keep collecting until the frame deadline.
                if Instant::now() < next_publish {
                    continue;
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => {
                // Publish the last commands' effect, so that a session saved at exit holds
                // every command that was applied.
                if pending {
                    let _ = snapshots.send(Arc::new(sim.snapshot()));
                }
                return;
            }
        }
        let now = Instant::now();
        let dt = now.duration_since(last_tick).min(MAX_TICK);
        last_tick = now;
        if !paused {
            sim.tick(dt.as_nanos() as u64);
            pending = true;
        }
        if pending {
            let snap = sim.snapshot();
            paused = snap.paused;
            if snapshots.send(Arc::new(snap)).is_err() {
                return; // the UI is gone
            }
            pending = false;
        }
        next_publish = now + frame;
    }
}

/// How the loop draws.
#[derive(Debug, Clone, Copy)]
pub struct LoopConfig {
    /// Minimum time between two frames.
    pub frame: Duration,
    /// Wrap each frame in synchronized-update escape codes on stdout (real terminals only).
    pub sync_updates: bool,
}

/// Frame interval for `fps` frames per second (clamped to 1..=240).
pub fn frame_interval(fps: u32) -> Duration {
    Duration::from_secs_f64(1.0 / f64::from(fps.clamp(1, 240)))
}

/// Draw one frame (wrapped in a synchronized update when asked).
pub fn draw<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    sync_updates: bool,
) -> Result<(), Error>
where
    B::Error: Send + Sync + 'static,
{
    draw_with(terminal, sync_updates, |f| app.render(f))
}

/// Draw one frame with `render` (wrapped in a synchronized update when asked).
pub fn draw_with<B: Backend>(
    terminal: &mut Terminal<B>,
    sync_updates: bool,
    render: impl FnOnce(&mut ratatui::Frame),
) -> Result<(), Error>
where
    B::Error: Send + Sync + 'static,
{
    if sync_updates {
        crossterm::execute!(io::stdout(), crossterm::terminal::BeginSynchronizedUpdate)?;
    }
    let drawn = terminal.draw(render).map(|_| ());
    if sync_updates {
        crossterm::execute!(io::stdout(), crossterm::terminal::EndSynchronizedUpdate)?;
    }
    drawn.map_err(|e| Error::Draw(Box::new(e)))
}

/// Statistics of a finished loop (for tests and diagnostics).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoopStats {
    /// Frames drawn.
    pub frames: u64,
    /// Terminal events handled.
    pub events: u64,
    /// Snapshots received.
    pub snapshots: u64,
}

/// Run the UI until the user quits or asks to suspend ([`App::wants_suspend`]), the event
/// stream ends, or `shutdown` completes.
pub async fn run_loop<B, E, F>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    mut events: E,
    engine: &mut EngineHandle,
    shutdown: F,
    config: LoopConfig,
) -> Result<LoopStats, Error>
where
    B: Backend,
    B::Error: Send + Sync + 'static,
    E: Stream<Item = io::Result<Event>> + Unpin,
    F: Future<Output = ()>,
{
    tokio::pin!(shutdown);
    // The first frame is drawn at once, before any event.
    draw(terminal, app, config.sync_updates)?;
    let mut stats = LoopStats {
        frames: 1,
        ..LoopStats::default()
    };
    let mut dirty = false;
    let mut next_frame = tokio::time::Instant::now() + config.frame;
    let mut events_done = false;
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            event = events.next(), if !events_done => match event {
                Some(Ok(event)) => {
                    stats.events += 1;
                    for command in app.handle_event(&event) {
                        if !engine.send(command) {
                            return Err(Error::EngineStopped);
                        }
                        app.sent();
                    }
                    dirty = true;
                }
                Some(Err(err)) => return Err(err.into()),
                None => events_done = true,
            },
            changed = engine.snapshots.changed() => {
                if changed.is_err() {
                    return Err(Error::EngineStopped);
                }
                stats.snapshots += 1;
                let snap = engine.snapshots.borrow_and_update().clone();
                app.set_snapshot(snap);
                dirty = true;
            }
            Some(outcome) = engine.outcomes.recv() => {
                app.on_outcome(&outcome);
                dirty = true;
            }
            () = tokio::time::sleep_until(next_frame), if dirty => {
                draw(terminal, app, config.sync_updates)?;
                stats.frames += 1;
                dirty = false;
                next_frame = tokio::time::Instant::now() + config.frame;
            }
        }
        // A suspend is the caller's to do (it owns the real terminal).
        if app.should_quit() || app.wants_suspend() {
            break;
        }
    }
    Ok(stats)
}

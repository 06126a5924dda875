//! The dashboard's errors. Messages are complete sentences on their own (they are shown
//! in the event log and at the binary's edge), so a wrapped cause is part of the message
//! rather than repeated as a `source`.

use std::io;
use std::path::PathBuf;

use crate::sim::SimError;

/// What can go wrong in the dashboard layer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// stdout or stdin is not an interactive terminal.
    #[error(
        "stdout is not a terminal, so the dashboard cannot be drawn; \
         for a headless run try `ringside simulate` (see `ringside simulate --help`)"
    )]
    NotATerminal,
    /// The terminal, a signal handler, the runtime or the engine thread failed to start
    /// or to work.
    #[error(transparent)]
    Io(#[from] io::Error),
    /// Drawing a frame failed in the backend.
    #[error("{0}")]
    Draw(Box<dyn std::error::Error + Send + Sync>),
    /// An output file (`--record`, `--save-scenario`) cannot be written: refused at
    /// start, before the session begins.
    #[error("cannot write {flag} {}: {error}", path.display())]
    Output {
        /// The option that names the file.
        flag: &'static str,
        /// The file asked for.
        path: PathBuf,
        /// Why.
        error: io::Error,
    },
    /// The recording stopped early (e.g. the disk filled up).
    #[error("the recording {} is incomplete: {error}", path.display())]
    RecordIncomplete {
        /// The file.
        path: PathBuf,
        /// Why.
        error: io::Error,
    },
    /// The engine thread is gone.
    #[error("the simulation engine stopped unexpectedly")]
    EngineStopped,
    /// The simulation could not be built (on the engine thread).
    #[error("{0}")]
    Start(crate::sim::BoxError),
    /// The session cannot be written as a scenario file.
    #[error(transparent)]
    Session(#[from] SimError),
    /// The session file could not be written.
    #[error("cannot write {}: {error}", path.display())]
    WriteSession {
        /// The file.
        path: PathBuf,
        /// Why.
        error: io::Error,
    },
    /// `--save-scenario` failed when the dashboard closed.
    #[error("saving the session (--save-scenario): {0}")]
    SaveAtExit(Box<Error>),
}

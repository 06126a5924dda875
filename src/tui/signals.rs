//! The signals the dashboard answers, and how the process exits after one.
//!
//! * SIGTERM, SIGINT, SIGHUP, SIGQUIT: restore the terminal and exit with 128 + the
//!   signal's number (143, 130, 129, 131), as shells and supervisors expect.
//! * SIGTSTP (`kill -TSTP`; Ctrl-Z typed in raw mode arrives as a key instead): suspend
//!   like vim or btop: restore the terminal, stop, and come back as it was after `fg`.
//! * SIGCONT: the process was continued (after our own stop, or after a `kill -STOP` it
//!   did not see coming): redraw, re-entering raw mode if the shell took it away.
//!
//! `q` and Ctrl-C typed as keys are an ordinary quit (exit 0).

use std::io;

use rustix::process::Signal;
use tokio::signal::unix::{SignalKind, signal};

/// How the dashboard ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// The user quit (`q`, Ctrl-C, Esc) or the input ended.
    Quit,
    /// A terminating signal arrived; holds its number.
    Signal(i32),
}

impl Exit {
    /// The process exit code: 0 for a quit, 128 + n after signal n.
    pub fn code(self) -> u8 {
        match self {
            Exit::Quit => 0,
            Exit::Signal(n) => u8::try_from(128 + n).unwrap_or(u8::MAX),
        }
    }
}

/// What a signal asks of the dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wake {
    /// Restore the terminal and exit after signal n.
    Exit(i32),
    /// Suspend (SIGTSTP).
    Suspend,
    /// The process was continued (SIGCONT): redraw.
    Continue,
}

/// The dashboard's signal handlers (installed for the life of the value; they replace
/// the default actions, so the dashboard always restores the terminal first).
#[derive(Debug)]
pub struct Signals {
    terminate: tokio::signal::unix::Signal,
    interrupt: tokio::signal::unix::Signal,
    hangup: tokio::signal::unix::Signal,
    quit: tokio::signal::unix::Signal,
    stop: tokio::signal::unix::Signal,
    cont: tokio::signal::unix::Signal,
}

impl Signals {
    /// Install the handlers; must be called inside a tokio runtime with I/O enabled.
    pub fn install() -> io::Result<Self> {
        Ok(Self {
            terminate: signal(SignalKind::terminate())?,
            interrupt: signal(SignalKind::interrupt())?,
            hangup: signal(SignalKind::hangup())?,
            quit: signal(SignalKind::quit())?,
            stop: signal(SignalKind::from_raw(Signal::TSTP.as_raw()))?,
            cont: signal(SignalKind::from_raw(Signal::CONT.as_raw()))?,
        })
    }

    /// The next signal (cancel-safe: a signal is never lost by dropping the future).
    pub async fn recv(&mut self) -> Wake {
        tokio::select! {
            _ = self.terminate.recv() => Wake::Exit(Signal::TERM.as_raw()),
            _ = self.interrupt.recv() => Wake::Exit(Signal::INT.as_raw()),
            _ = self.hangup.recv() => Wake::Exit(Signal::HUP.as_raw()),
            _ = self.quit.recv() => Wake::Exit(Signal::QUIT.as_raw()),
            _ = self.stop.recv() => Wake::Suspend,
            _ = self.cont.recv() => Wake::Continue,
        }
    }
}

/// Stop this process (SIGSTOP, which cannot be caught) until it is continued (`fg`,
/// `kill -CONT`); returns once it runs again.
pub fn stop_process() -> io::Result<()> {
    rustix::process::kill_process(rustix::process::getpid(), Signal::STOP)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_are_128_plus_the_signal() {
        assert_eq!(Exit::Quit.code(), 0);
        assert_eq!(Exit::Signal(Signal::TERM.as_raw()).code(), 143);
        assert_eq!(Exit::Signal(Signal::INT.as_raw()).code(), 130);
        assert_eq!(Exit::Signal(Signal::HUP.as_raw()).code(), 129);
        assert_eq!(Exit::Signal(Signal::QUIT.as_raw()).code(), 131);
    }
}

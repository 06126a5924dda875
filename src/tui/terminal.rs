//! Terminal lifecycle: raw mode, alternate screen, hidden cursor, optional mouse capture,
//! and restoring all of it on every exit path (normal return, error, panic, SIGTERM).

use std::io::{self, IsTerminal, Stdout, Write};
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

use crossterm::{
    cursor,
    event::{DisableMouseCapture, EnableMouseCapture},
    execute,
    terminal::{self, EnterAlternateScreen, LeaveAlternateScreen},
};
use ratatui::{
    Terminal,
    backend::{Backend as _, CrosstermBackend},
};

use super::error::Error;
use super::record::{Recorder, Tee};

/// The concrete terminal the dashboard draws to (through a [`Tee`] that can record it).
pub type Tui = Terminal<CrosstermBackend<Tee<Stdout>>>;

/// Whether the terminal is currently in dashboard mode (raw + alternate screen).
static ACTIVE: AtomicBool = AtomicBool::new(false);
/// Whether mouse capture was enabled (so restore disables it).
static MOUSE: AtomicBool = AtomicBool::new(false);
/// 0 = panic hook not installed yet, 1 = installed.
static HOOK: AtomicU8 = AtomicU8::new(0);

/// `Ok` when both stdout and stdin are interactive terminals, as the dashboard needs;
/// otherwise [`Error::NotATerminal`].
pub fn require_tty() -> Result<(), Error> {
    if io::stdout().is_terminal() && io::stdin().is_terminal() {
        Ok(())
    } else {
        Err(Error::NotATerminal)
    }
}

/// Owns the terminal in dashboard mode; dropping it restores the terminal.
pub struct TerminalGuard {
    terminal: Tui,
    mouse: bool,
}

impl TerminalGuard {
    /// Enter dashboard mode. Fails with [`Error::NotATerminal`] when stdout or stdin is not
    /// a tty.
    pub fn enter(mouse: bool) -> Result<Self, Error> {
        Self::enter_recording(mouse, None)
    }

    /// Enter dashboard mode, feeding everything drawn to `recorder` (asciicast v2) if given.
    pub fn enter_recording(mouse: bool, recorder: Option<Recorder>) -> Result<Self, Error> {
        require_tty()?;
        install_panic_hook();
        enter_modes(mouse)?;
        let terminal = match Terminal::new(CrosstermBackend::new(Tee::new(io::stdout(), recorder)))
        {
            Ok(t) => t,
            Err(err) => {
                restore();
                return Err(err.into());
            }
        };
        Ok(Self { terminal, mouse })
    }

    /// Suspend like vim or btop (Ctrl-Z, SIGTSTP): restore the terminal, stop the process
    /// until `fg` continues it, then take the terminal again and clear it so that the next
    /// frame is drawn whole.
    pub fn suspend(&mut self) -> Result<(), Error> {
        restore();
        super::signals::stop_process()?;
        self.resume()
    }

    /// After SIGCONT: re-enter dashboard mode if the terminal was taken away (the shell
    /// puts a stopped job's terminal back in canonical mode), and clear it so that the next
    /// frame is drawn whole.
    pub fn resume(&mut self) -> Result<(), Error> {
        if !ACTIVE.load(Ordering::SeqCst) || !tty_is_raw() {
            restore();
            enter_modes(self.mouse)?;
        }
        // Not `Terminal::clear`: it asks the terminal for the cursor position, a round trip
        // that races the event stream reading the same tty. Clearing the screen and emptying
        // the previous frame makes the next draw paint every cell.
        self.terminal.backend_mut().clear()?;
        self.terminal.swap_buffers();
        Ok(())
    }

    /// The terminal to draw on.
    pub fn terminal(&mut self) -> &mut Tui {
        &mut self.terminal
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Raw mode, the alternate screen, a hidden cursor and (if asked) mouse capture; on
/// failure, whatever was entered is restored.
fn enter_modes(mouse: bool) -> Result<(), Error> {
    terminal::enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    let mut stdout = io::stdout();
    let entered = execute!(stdout, EnterAlternateScreen, cursor::Hide).and_then(|()| {
        if mouse {
            MOUSE.store(true, Ordering::SeqCst);
            execute!(stdout, EnableMouseCapture)
        } else {
            Ok(())
        }
    });
    entered.map_err(|err| {
        restore();
        err.into()
    })
}

/// Whether the terminal on stdin is in raw (non-canonical) mode; `true` when that cannot
/// be read, so that nothing is re-entered needlessly.
fn tty_is_raw() -> bool {
    rustix::termios::tcgetattr(io::stdin()).map_or(true, |t| {
        !t.local_modes.contains(rustix::termios::LocalModes::ICANON)
    })
}

/// Put the terminal back the way the user had it. Idempotent and safe to call from a
/// panic hook or signal path: errors are ignored because there is nowhere to report them.
pub fn restore() {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return;
    }
    let mut stdout = io::stdout();
    if MOUSE.swap(false, Ordering::SeqCst) {
        let _ = execute!(stdout, DisableMouseCapture);
    }
    let _ = execute!(
        stdout,
        crossterm::terminal::EndSynchronizedUpdate,
        LeaveAlternateScreen,
        cursor::Show
    );
    let _ = terminal::disable_raw_mode();
    let _ = stdout.flush();
}

/// Restore the terminal before the default panic message is printed, so the message is
/// readable and the shell usable.
fn install_panic_hook() {
    if HOOK.swap(1, Ordering::SeqCst) == 1 {
        return;
    }
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let was_active = ACTIVE.load(Ordering::SeqCst);
        restore();
        previous(info);
        if was_active {
            match super::crash::report_panic(info) {
                Ok(path) => eprintln!(
                    "ringside crashed; the terminal was restored. Details (message, location, \
                     backtrace) were written to {}",
                    path.display()
                ),
                Err(e) => {
                    eprintln!("ringside crashed, and the crash report could not be written: {e}")
                }
            }
        }
    }));
}

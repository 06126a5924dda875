//! Stopping long engine work from outside, and watching a long engine build.
//!
//! Long work (the initial ring build, a huge burst, a big jump or replay, a long advance)
//! proceeds in slices and checks the stop flag between two slices, so that a UI quitting
//! or a signal handler ends it within a fraction of a second. An engine stopped part way
//! is left consistent but unfinished, and is meant to be dropped.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Work done between two checks of the stop flag: requests, events or servers.
pub(super) const SLICE: u32 = 1024;

/// Shared between an [`Engine`](super::Engine) and whoever may stop it (another thread, a
/// signal handler through [`flag`](Self::flag)). Clones share the same state.
///
/// ```
/// use ringside::sim::{Engine, Interrupt, Scenario, SimError};
///
/// let scenario = Scenario::load("default")?;
/// let interrupt = Interrupt::default();
/// interrupt.stop();
/// let built = Engine::from_scenario_interruptible(&scenario, None, interrupt.clone());
/// assert!(matches!(built, Err(SimError::Interrupted)));
/// assert!(interrupt.is_stopped());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Interrupt {
    stop: Arc<AtomicBool>,
    /// Servers of the initial ring hashed so far, and in all.
    built: Arc<AtomicUsize>,
    total: Arc<AtomicUsize>,
}

impl Interrupt {
    /// Ask the engine to stop its current work as soon as it can (irreversible).
    pub fn stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }

    /// Whether [`stop`](Self::stop) was called (or the flag raised).
    pub fn is_stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    /// The stop flag itself, e.g. for `signal_hook::flag::register`.
    pub fn flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.stop)
    }

    /// How far the initial ring build has got: (servers done, servers in all).
    pub fn build_progress(&self) -> (usize, usize) {
        (
            self.built.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
        )
    }

    pub(super) fn set_build_progress(&self, done: usize, total: usize) {
        self.total.store(total, Ordering::Relaxed);
        self.built.store(done, Ordering::Relaxed);
    }
}

/// Counts units of work and says when a slice is over and the flag says stop.
#[derive(Debug, Default)]
pub(super) struct Slicer(u32);

impl Slicer {
    /// Count one unit of work; true when the caller should stop now.
    #[inline]
    pub(super) fn should_stop(&mut self, interrupt: &Interrupt) -> bool {
        self.0 += 1;
        if self.0 < SLICE {
            return false;
        }
        self.0 = 0;
        interrupt.is_stopped()
    }
}

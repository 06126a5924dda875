//! Comparisons: the same scenario, seed and arrivals through two designs (A and B), each
//! side a full run, judged by the same scores.
//!
//! A side is the scenario with [`Settings`] applied (`vnodes=8`, `capacity=50`, and — as
//! the engine learns them — other algorithms: `ring=`, `limiter=`, `breaker=`, `retry=`).
//! Both sides draw arrivals from the same seeded stream, kept apart from everything decided
//! after admission (server outcomes, retry jitter), so they see exactly the same tenants,
//! keys and times; only retries, which follow outcomes, may differ.
//!
//! Each side's limiter is judged against an exact sliding log of its own traffic
//! ([`ReferenceLog`], see [`reference_window`]).

mod reference;
mod scores;
mod settings;

pub use reference::{ReferenceLog, reference_window};
pub use scores::{ReferenceReport, Scores};
pub use settings::{Pattern, Settings, SettingsError};

use crate::sim::{Engine, Interrupt, Scenario, SimError};

/// Why a side of a comparison cannot run.
#[derive(Debug, thiserror::Error)]
pub enum CompareError {
    /// The settings are wrong.
    #[error("{side}: {source}")]
    Settings {
        /// `a` or `b`.
        side: &'static str,
        /// What is wrong.
        source: SettingsError,
    },
    /// The engine refused the scenario.
    #[error("{side}: {source}")]
    Engine {
        /// `a` or `b`.
        side: &'static str,
        /// What is wrong.
        source: SimError,
    },
}

/// The engine of one side (`a` or `b`): `scenario` with `settings`, seeded with `seed` (or
/// the scenario's), its limiter judged against the exact sliding log.
pub fn side_engine(
    side: &'static str,
    scenario: &Scenario,
    settings: &Settings,
    seed: Option<u64>,
    interrupt: Interrupt,
) -> Result<Engine, CompareError> {
    let sc = settings
        .apply(scenario)
        .map_err(|source| CompareError::Settings { side, source })?;
    let mut engine = Engine::from_scenario_interruptible(&sc, seed, interrupt)
        .map_err(|source| CompareError::Engine { side, source })?;
    engine.judge_limiter();
    Ok(engine)
}

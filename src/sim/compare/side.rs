//! One side of a comparison: the scenario with its settings, as an engine.

use super::settings::{Settings, SettingsError};
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

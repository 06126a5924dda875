//! One side of a comparison: the scenario with its settings, as an engine.

use super::settings::{Settings, SettingsError};
use crate::sim::{Engine, Interrupt, Scenario, SimError};

/// Why a side of a comparison cannot run. The message includes the cause (`reason` is not
/// a chained `source`, so a report printing the chain says it once).
#[derive(Debug, thiserror::Error)]
pub enum CompareError {
    /// The settings are wrong.
    #[error("{side}: {reason}")]
    Settings {
        /// `a` or `b`.
        side: &'static str,
        /// What is wrong.
        reason: SettingsError,
    },
    /// The engine refused the scenario.
    #[error("{side}: {reason}")]
    Engine {
        /// `a` or `b`.
        side: &'static str,
        /// What is wrong.
        reason: SimError,
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
        .map_err(|reason| CompareError::Settings { side, reason })?;
    let mut engine = Engine::from_scenario_interruptible(&sc, seed, interrupt)
        .map_err(|reason| CompareError::Engine { side, reason })?;
    engine.judge_limiter();
    Ok(engine)
}

//! Retry policies beside the engine's fixed number of retries: a [`RetryBudget`] caps
//! retries at a percentage of recent requests plus a floor per second.

mod budget;

pub use budget::{BudgetError, RetryBudget};

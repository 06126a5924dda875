//! [`LimiterBackend`]: the contract every limiter backend honours.

use super::config::BucketConfig;
use super::decision::Decision;
use super::error::LimiterError;

/// The contract shared by every limiter backend (in-process, Redis): one token bucket per
/// string key, all with the same [`BucketConfig`].
///
/// A check's error is always the request's own ([`LimiterError::CostExceedsCapacity`]): a
/// backend that cannot reach its store decides by its declared failure policy instead of
/// failing the check. Operations without such a policy ([`reset`](Self::reset),
/// [`set_config`](Self::set_config)) report the backend's own [`Error`](Self::Error).
/// Reading a bucket without taking from it is left to each backend (an inherent
/// `tokens_at`), since for a remote one it is a round trip, not a `&self` read.
pub trait LimiterBackend: Send {
    /// Why a reset or a configuration change failed.
    type Error: std::error::Error + Send + Sync + 'static;

    /// Check `key` at `now` (ns) for `cost` tokens; takes them when allowed.
    fn check(&mut self, key: &str, cost: u32, now: u64) -> Result<Decision, LimiterError>;

    /// Refill `key`'s bucket to full.
    fn reset(&mut self, key: &str) -> Result<(), Self::Error>;

    /// The configuration in force.
    fn config(&self) -> BucketConfig;

    /// Change the configuration; each bucket keeps its current tokens (clamped to the new capacity).
    fn set_config(&mut self, config: BucketConfig, now: u64) -> Result<(), Self::Error>;

    /// Short human description, e.g. `memory` or `redis://host:6379/0` (never a password).
    fn describe(&self) -> String;

    /// Check a batch of `(key, cost)` at `now`, in order, replacing `out`'s contents with one
    /// result per request. Same results as calling [`check`](Self::check) for each in turn;
    /// a remote backend overrides it to decide the whole batch in one round trip.
    fn check_many(
        &mut self,
        batch: &[(&str, u32)],
        now: u64,
        out: &mut Vec<Result<Decision, LimiterError>>,
    ) {
        out.clear();
        out.extend(batch.iter().map(|&(key, cost)| self.check(key, cost, now)));
    }
}

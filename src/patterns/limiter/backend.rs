//! [`LimiterBackend`]: the contract every limiter backend honours.

use super::config::BucketConfig;
use super::decision::Decision;
use super::error::LimiterError;
use crate::patterns::Nanos;

/// The contract shared by every limiter backend (in-process, Redis): one token bucket per
/// string key, all with the same [`BucketConfig`].
///
/// A check's error is always the request's own ([`LimiterError::CostExceedsCapacity`]): a
/// backend that cannot reach its store decides by its declared failure policy instead of
/// failing the check. Operations without such a policy ([`reset`](Self::reset),
/// [`set_config`](Self::set_config)) report the backend's own [`Error`](Self::Error).
/// Reading a bucket without taking from it is left to each backend (an inherent
/// `tokens_at`), since for a remote one it is a round trip, not a `&self` read.
///
/// Code written against the trait runs on either backend: here the in-process
/// [`KeyedLimiter`](super::KeyedLimiter), in production perhaps `ringside::redis::RedisLimiter`.
///
/// ```
/// use std::error::Error;
///
/// use ringside::patterns::Nanos;
/// use ringside::patterns::limiter::{BucketConfig, KeyedLimiter, LimiterBackend};
///
/// /// How many requests of `batch` the backend admits at `now`.
/// fn admitted(backend: &mut impl LimiterBackend, batch: &[(&str, u32)], now: Nanos) -> usize {
///     let mut results = Vec::new();
///     backend.check_many(batch, now, &mut results);
///     results
///         .iter()
///         .filter(|r| r.as_ref().is_ok_and(|d| d.allowed))
///         .count()
/// }
///
/// /// Doubles the burst of every bucket, keeping the rate.
/// fn double_burst(backend: &mut impl LimiterBackend, now: Nanos) -> Result<(), Box<dyn Error>> {
///     let config = backend.config();
///     let doubled = BucketConfig::new(config.capacity() * 2, config.refill_per_sec())?;
///     backend.set_config(doubled, now)?;
///     Ok(())
/// }
///
/// let mut backend = KeyedLimiter::<String>::new(BucketConfig::new(2, 1.0)?);
/// assert_eq!(backend.describe(), "memory");
/// let batch = [("alice", 1), ("alice", 1), ("alice", 1), ("bob", 2)];
/// assert_eq!(admitted(&mut backend, &batch, Nanos::ZERO), 3); // alice's third is denied
///
/// double_burst(&mut backend, Nanos::ZERO)?;
/// assert_eq!(backend.config().capacity(), 4);
/// # Ok::<(), Box<dyn Error>>(())
/// ```
pub trait LimiterBackend: Send {
    /// Why a reset or a configuration change failed.
    type Error: std::error::Error + Send + Sync + 'static;

    /// Check `key` at `now` for `cost` tokens; takes them when allowed.
    fn check(&mut self, key: &str, cost: u32, now: Nanos) -> Result<Decision, LimiterError>;

    /// Refill `key`'s bucket to full.
    fn reset(&mut self, key: &str) -> Result<(), Self::Error>;

    /// The configuration in force.
    fn config(&self) -> BucketConfig;

    /// Change the configuration; each bucket keeps its current tokens (clamped to the new capacity).
    fn set_config(&mut self, config: BucketConfig, now: Nanos) -> Result<(), Self::Error>;

    /// Short human description, e.g. `memory` or `redis://host:6379/0` (never a password).
    fn describe(&self) -> String;

    /// Check a batch of `(key, cost)` at `now`, in order, replacing `out`'s contents with one
    /// result per request. Same results as calling [`check`](Self::check) for each in turn;
    /// a remote backend overrides it to decide the whole batch in one round trip.
    fn check_many(
        &mut self,
        batch: &[(&str, u32)],
        now: Nanos,
        out: &mut Vec<Result<Decision, LimiterError>>,
    ) {
        out.clear();
        out.extend(batch.iter().map(|&(key, cost)| self.check(key, cost, now)));
    }
}

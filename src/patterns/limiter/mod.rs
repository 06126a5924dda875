//! Token-bucket rate limiting with exact, continuous refill.
//!
//! [`TokenBucket`] is one bucket; [`KeyedLimiter`] keeps one bucket per key with
//! bounded memory; [`LimiterBackend`] is the contract that the in-process keyed
//! limiter and the Redis backend (`ringside::redis`, feature `redis`) both honour.
//!
//! # Representation
//!
//! A finite `f64` rate is an exact dyadic rational `m·2^e` tokens/s. Divided by 10^9 it is
//! the rate per nanosecond as an exact fraction `N / D` of integers: time is counted in
//! units of `1/N` ns, so `t` ns are exactly `t·N` units and one token is exactly `D` units
//! (the emission interval). For every `f64` rate in `[2^-12, 2^63)` tokens/s nothing is
//! rounded (`N < 2^63`, `D < 2^94`, all arithmetic in `u128`). A rate below `2^-12`/s (one
//! token per 68 min) is first rounded to the nearest multiple of `2^-64` tokens/s (at least
//! `2^-64`); a rate of `2^63`/s or more is clamped to `2^63 − 1` tokens/ns. Within the
//! rounded rate everything stays exact.
//!
//! A bucket's state is its theoretical arrival time `tat` (GCRA): full at `now` iff
//! `tat ≤ now`, otherwise holding `capacity − (tat − now)·N/D` tokens. `tat` is stored as
//! whole nanoseconds plus a remainder in `1/N` ns, so a check needs no division.
//!
//! # Exactness guarantee
//!
//! With `rate` the exact value of the configured `f64` (in the range above) and
//! non-decreasing `now`:
//! * over any window `[t0, t1]`, the total cost admitted at times in it is at most
//!   `capacity + rate·(t1 − t0)`, compared exactly (`Σcost·D ≤ capacity·D + (t1 − t0)·N`);
//! * a bucket full at `t0`, drained by unit-cost checks retried until denied at `t0` and
//!   at later steps never more than `(capacity − 1)/rate` apart (so it never refills to
//!   full in between and no refill is capped away), has admitted exactly
//!   `floor(capacity + rate·(t − t0))` by every step `t`, however long it runs (no drift);
//! * a denied check's `retry_after_ns` is exact: the same check `retry_after_ns` later
//!   succeeds, and 1 ns earlier it fails (if nothing else is admitted in between);
//! * `full_after_ns` is the least whole number of ns after which the bucket is full.
//!
//! Only the `f64` outputs (`remaining`, `tokens_at`) are rounded: whole token counts are
//! exact in them, but a deficit far below one ulp (e.g. `1/D` token) rounds away. A `now` earlier than the latest seen is treated as the latest seen.

mod bucket;

pub use bucket::{KeyedLimiter, TokenBucket};
/// The exact rate split and saturation shared with the Redis backend's script scaling.
#[cfg(feature = "redis")]
pub(crate) use bucket::{rate_ratio, sat_u64};

use thiserror::Error;

/// Parameters of a token bucket, valid by construction: only [`BucketConfig::new`] builds
/// one.
///
/// ```
/// use ringside::patterns::limiter::{BucketConfig, LimiterError};
///
/// let config = BucketConfig::new(20, 10.0)?; // burst 20, 10 tokens/s
/// assert_eq!((config.capacity(), config.refill_per_sec()), (20, 10.0));
/// assert_eq!(BucketConfig::new(0, 1.0), Err(LimiterError::ZeroCapacity));
/// # Ok::<(), LimiterError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BucketConfig {
    capacity: u32,
    refill_per_sec: f64,
}

impl BucketConfig {
    /// A configuration of `capacity` tokens (the burst, at least 1) refilled continuously at
    /// `refill_per_sec` tokens per second (finite and > 0).
    ///
    /// Errors: [`LimiterError::ZeroCapacity`], [`LimiterError::InvalidRate`].
    pub fn new(capacity: u32, refill_per_sec: f64) -> Result<Self, LimiterError> {
        if capacity == 0 {
            return Err(LimiterError::ZeroCapacity);
        }
        if !refill_per_sec.is_finite() || refill_per_sec <= 0.0 {
            return Err(LimiterError::InvalidRate(refill_per_sec));
        }
        Ok(Self {
            capacity,
            refill_per_sec,
        })
    }

    /// Maximum tokens (burst size), at least 1.
    pub fn capacity(&self) -> u32 {
        self.capacity
    }

    /// Tokens added per second, continuously; finite and > 0.
    pub fn refill_per_sec(&self) -> f64 {
        self.refill_per_sec
    }
}

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Decision {
    /// Whether the request was admitted (and its cost taken).
    pub allowed: bool,
    /// Tokens left after this decision (fractional: refill is continuous).
    pub remaining: f64,
    /// When denied: nanoseconds to wait so that the same check then succeeds. 0 when allowed.
    pub retry_after_ns: u64,
    /// Nanoseconds until the bucket is full again (0 when full).
    pub full_after_ns: u64,
}

/// Errors from limiter configuration and checks.
///
/// ```
/// use ringside::patterns::limiter::{BucketConfig, LimiterError, TokenBucket};
///
/// let mut bucket = TokenBucket::new(BucketConfig::new(3, 1.0).unwrap());
/// let err = bucket.check(0, 4).unwrap_err();
/// assert_eq!(err, LimiterError::CostExceedsCapacity { cost: 4, capacity: 3 });
/// ```
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum LimiterError {
    /// Capacity must be at least 1.
    #[error("bucket capacity must be at least 1")]
    ZeroCapacity,
    /// Refill rate must be finite and > 0.
    #[error("refill rate must be a finite number of tokens per second greater than 0, got {0}")]
    InvalidRate(f64),
    /// A cost above capacity could never be admitted.
    #[error("cost {cost} exceeds bucket capacity {capacity}: it could never be admitted")]
    CostExceedsCapacity {
        /// Requested cost.
        cost: u32,
        /// Bucket capacity.
        capacity: u32,
    },
}

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
    fn check(&mut self, key: &str, now: u64, cost: u32) -> Result<Decision, LimiterError>;

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
        now: u64,
        batch: &[(&str, u32)],
        out: &mut Vec<Result<Decision, LimiterError>>,
    ) {
        out.clear();
        out.extend(batch.iter().map(|&(key, cost)| self.check(key, now, cost)));
    }
}

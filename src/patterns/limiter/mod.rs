//! Token-bucket rate limiting with exact, continuous refill.
//!
//! [`TokenBucket`] is one bucket; [`BucketSet`] is `n` indexed buckets sharing one
//! configuration; [`KeyedLimiter`] keeps one bucket per key with bounded memory; [`LimiterBackend`] is the contract that the in-process keyed
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
//! * a denied check's `retry_after` is exact: the same check `retry_after` later
//!   succeeds, and 1 ns earlier it fails (if nothing else is admitted in between);
//! * `full_after` is the least whole number of ns after which the bucket is full.
//!
//! Only the `f64` outputs (`remaining`, `tokens_at`) are rounded: whole token counts are
//! exact in them, but a deficit far below one ulp (e.g. `1/D` token) rounds away. A `now` earlier than the latest seen is treated as the latest seen.

mod backend;
mod bucket;
mod bucket_set;
mod config;
mod decision;
mod error;
mod gcra;
mod keyed;
mod table;
#[cfg(test)]
mod test_support;

pub use backend::LimiterBackend;
pub use bucket::TokenBucket;
pub use bucket_set::BucketSet;
pub use config::BucketConfig;
pub use decision::Decision;
pub use error::LimiterError;
/// The exact rate split and saturation shared with the Redis backend's script scaling.
#[cfg(feature = "redis")]
pub(crate) use gcra::{rate_ratio, sat_u64};
pub use keyed::KeyedLimiter;

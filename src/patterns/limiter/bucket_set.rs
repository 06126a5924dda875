//! [`BucketSet`]: a fixed number of token buckets, indexed `0..len`, sharing one
//! configuration.

use super::config::BucketConfig;
use super::decision::Decision;
use super::error::LimiterError;
use super::gcra::{Params, State};
use crate::patterns::Nanos;

/// `len` token buckets addressed by index, every one with the same configuration, stored
/// once: each bucket costs only its state (24 bytes, a theoretical arrival time), where a
/// [`TokenBucket`](super::TokenBucket) carries its own copy of the derived parameters.
/// For a known, dense set of clients (tenants numbered `0..n`); for arbitrary keys use
/// [`KeyedLimiter`](super::KeyedLimiter).
///
/// Each bucket decides exactly as a [`TokenBucket`](super::TokenBucket) of the same
/// configuration would (same exactness guarantee); time is shared by all buckets: a `now`
/// earlier than the latest seen is treated as the latest seen.
///
/// ```
/// use ringside::patterns::Nanos;
/// use ringside::patterns::limiter::{BucketConfig, BucketSet, LimiterError};
///
/// let mut tenants = BucketSet::new(BucketConfig::new(2, 1.0)?, 3); // 3 buckets, all full
/// let now = Nanos::ZERO;
/// assert!(tenants.check(0, 1, now)?.allowed);
/// assert!(tenants.check(0, 1, now)?.allowed);
/// assert!(!tenants.check(0, 1, now)?.allowed); // bucket 0 is spent…
/// assert!(tenants.check(1, 1, now)?.allowed); // …bucket 1 is not
/// assert_eq!(tenants.tokens_at(0, Nanos::from_millis(500)), 0.5);
/// assert_eq!(tenants.check(7, 1, now), Err(LimiterError::NoSuchBucket(7)));
/// # Ok::<(), LimiterError>(())
/// ```
#[derive(Debug, Clone)]
pub struct BucketSet {
    params: Params,
    states: Vec<State>,
    last_now: u64,
}

impl BucketSet {
    /// `len` full buckets.
    pub fn new(config: BucketConfig, len: usize) -> Self {
        BucketSet {
            params: Params::new(config),
            states: vec![State::FULL; len],
            last_now: 0,
        }
    }

    /// Check bucket `index` for `cost` tokens at `now`; takes them when allowed.
    ///
    /// Errors: [`LimiterError::CostExceedsCapacity`] when `cost > capacity`,
    /// [`LimiterError::NoSuchBucket`] when `index >= len`.
    #[inline]
    pub fn check(&mut self, index: usize, cost: u32, now: Nanos) -> Result<Decision, LimiterError> {
        self.step(index, cost, now, Params::decide)
    }

    /// Check bucket `index` and say only whether it is allowed (the decision of
    /// [`check`](Self::check) without its figures; cheaper).
    #[inline]
    pub fn allows(&mut self, index: usize, cost: u32, now: Nanos) -> Result<bool, LimiterError> {
        self.step(index, cost, now, Params::admit)
    }

    /// Ask the CPU to bring bucket `index`'s state into cache, for a caller that knows
    /// which bucket it will check next and has other work to do meanwhile (with many
    /// buckets, a check is otherwise mostly a wait for memory). A hint only: no effect on
    /// any result; nothing for an index out of range.
    #[inline]
    pub fn prefetch(&self, index: usize) {
        if let Some(state) = self.states.get(index) {
            crate::patterns::prefetch(state);
        }
    }

    /// One check of bucket `index` by `step` (the full decision or the verdict alone).
    #[inline(always)]
    fn step<R>(
        &mut self,
        index: usize,
        cost: u32,
        now: Nanos,
        step: impl Fn(&Params, &mut State, u64, u32) -> R,
    ) -> Result<R, LimiterError> {
        if u64::from(cost) >= self.params.cost_limit {
            return Err(self.params.refuse(cost));
        }
        let now = now.as_nanos().max(self.last_now);
        let state = self
            .states
            .get_mut(index)
            .ok_or(LimiterError::NoSuchBucket(index))?;
        self.last_now = now;
        Ok(step(&self.params, state, now, cost))
    }

    /// Tokens in bucket `index` at `now`, read-only: in `[0, capacity]`, fractional; the
    /// capacity for an index out of range (as an untouched bucket would hold).
    pub fn tokens_at(&self, index: usize, now: Nanos) -> f64 {
        let now = now.as_nanos().max(self.last_now);
        self.states.get(index).map_or_else(
            || f64::from(self.params.config.capacity()),
            |s| self.params.tokens(s, now),
        )
    }

    /// Number of buckets.
    pub fn len(&self) -> usize {
        self.states.len()
    }

    /// True when there are no buckets.
    pub fn is_empty(&self) -> bool {
        self.states.is_empty()
    }

    /// The configuration.
    pub fn config(&self) -> BucketConfig {
        self.params.config
    }

    /// Change every bucket's configuration keeping its tokens (clamped to the new capacity,
    /// rounded down to the new rate's resolution), as
    /// [`TokenBucket::set_config`](super::TokenBucket::set_config) does for one.
    pub fn set_config(&mut self, config: BucketConfig, now: Nanos) {
        let now = now.as_nanos().max(self.last_now);
        self.last_now = now;
        let new = Params::new(config);
        for state in &mut self.states {
            *state = new.convert(&self.params, state, now);
        }
        self.params = new;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patterns::limiter::TokenBucket;
    use crate::patterns::limiter::test_support::{SEC, cfg, ns};
    use proptest::prelude::*;

    #[test]
    fn a_bucket_costs_its_state_only() {
        assert_eq!(std::mem::size_of::<State>(), 24);
        let set = BucketSet::new(cfg(10, 1.0), 1000);
        assert_eq!(set.states.capacity(), 1000);
    }

    proptest! {
        /// Every bucket of a set decides exactly as its own TokenBucket would, through
        /// checks, reads and configuration changes interleaved across buckets.
        #[test]
        fn each_bucket_matches_a_token_bucket(
            ops in proptest::collection::vec((0usize..4, 0u32..4, 0u64..3 * SEC, 0u8..10), 1..200),
        ) {
            let mut set = BucketSet::new(cfg(3, 2.0), 4);
            let mut single: Vec<TokenBucket> = (0..4).map(|_| TokenBucket::new(cfg(3, 2.0))).collect();
            let mut now = 0;
            for (i, cost, dt, op) in ops {
                now += dt / 8;
                let t = ns(now);
                if op == 0 {
                    let c = cfg(1 + cost, 0.5 + f64::from(cost));
                    set.set_config(c, t);
                    for b in &mut single {
                        b.set_config(c, t);
                    }
                } else if op == 1 {
                    let verdict = single[i].check(cost, t).map(|d| d.allowed);
                    prop_assert_eq!(set.allows(i, cost, t), verdict);
                } else {
                    prop_assert_eq!(set.check(i, cost, t), single[i].check(cost, t));
                }
                for (j, b) in single.iter().enumerate() {
                    prop_assert_eq!(set.tokens_at(j, t), b.tokens_at(t));
                }
            }
        }
    }
}

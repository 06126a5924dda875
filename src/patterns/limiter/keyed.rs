//! [`KeyedLimiter`]: one in-process token bucket per key, with bounded memory.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;

use super::backend::LimiterBackend;
use super::config::BucketConfig;
use super::decision::Decision;
use super::error::LimiterError;
use super::gcra::{Params, State};
use crate::patterns::Nanos;

/// The automatic sweep of full buckets never runs below this many tracked keys.
const MIN_SWEEP_LEN: usize = 64;
/// At the hard key limit with no full bucket, evict this fraction (1/8) of the buckets.
const EVICT_BATCH_DIVISOR: usize = 8;
/// One bucket per key, with bounded memory: full buckets are indistinguishable from
/// absent ones and are evicted.
///
/// * Hot path: one hash lookup (foldhash), no allocation for a key already tracked; the
///   owned key is allocated only when a check leaves a new key's bucket not full.
/// * Full buckets are swept when the number of tracked keys exceeds twice the count after
///   the previous sweep (at least 64), so memory is bounded by twice the number of keys
///   that are actually in debt, at O(1) amortized cost. Evicting a full bucket is exact: it
///   changes no decision.
/// * Hard limit ([`KeyedLimiter::with_max_keys`]): when a new key must be tracked and the
///   limit is reached, full buckets are swept first; if none is full, the buckets nearest to
///   full (smallest theoretical arrival time, all ties included) are evicted, 1/8 of the
///   limit at a time (amortized O(1)). Those keys restart full, so they may get up to one
///   extra burst: the price of bounded memory. Denying unseen keys instead would let one
///   client locking the table out every new client. The choice depends only on bucket
///   states, not on hash order, so it is deterministic.
/// * Time is shared by all keys: a `now` earlier than the latest seen is treated as the
///   latest time seen.
///
/// ```
/// use ringside::patterns::Nanos;
/// use ringside::patterns::limiter::{BucketConfig, KeyedLimiter, LimiterError};
///
/// let mut per_user: KeyedLimiter<String> = KeyedLimiter::new(BucketConfig::new(1, 1.0)?);
/// let now = Nanos::ZERO;
/// assert!(per_user.check("alice", 1, now)?.allowed);
/// assert!(!per_user.check("alice", 1, now)?.allowed); // alice's burst is spent
/// assert!(per_user.check("bob", 1, now)?.allowed); // bob has a bucket of his own
/// assert_eq!(per_user.len(), 2);
///
/// // One second later both buckets are full again, hence indistinguishable from absent.
/// let later = now + Nanos::from_secs(1);
/// per_user.sweep(later);
/// assert!(per_user.is_empty());
/// assert_eq!(per_user.tokens_at("alice", later), 1.0);
/// # Ok::<(), LimiterError>(())
/// ```
#[derive(Debug, Clone)]
pub struct KeyedLimiter<K> {
    params: Params,
    buckets: HashMap<K, State, foldhash::fast::RandomState>,
    last_now: u64,
    /// Sweep full buckets when the tracked count exceeds this.
    sweep_above: usize,
    max_keys: usize,
}

impl<K: Hash + Eq + Clone> KeyedLimiter<K> {
    /// A limiter where every key gets a bucket of `config`, tracking any number of keys
    /// (memory is still bounded by the sweep of full buckets).
    pub fn new(config: BucketConfig) -> Self {
        Self::with_max_keys(config, usize::MAX)
    }

    /// A limiter that never tracks more than `max_keys` buckets (at least 1); see the
    /// type's docs for the policy when the limit is reached.
    pub fn with_max_keys(config: BucketConfig, max_keys: usize) -> Self {
        KeyedLimiter {
            params: Params::new(config),
            buckets: HashMap::default(),
            last_now: 0,
            sweep_above: MIN_SWEEP_LEN,
            max_keys: max_keys.max(1),
        }
    }

    /// The hard limit on tracked buckets (`usize::MAX` when unbounded).
    pub fn max_keys(&self) -> usize {
        self.max_keys
    }

    /// Check `key`.
    ///
    /// Errors: [`LimiterError::CostExceedsCapacity`] when `cost > capacity`; no state
    /// changes then.
    #[inline]
    pub fn check<Q>(&mut self, key: &Q, cost: u32, now: Nanos) -> Result<Decision, LimiterError>
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        self.step(key, cost, now, Params::decide)
    }

    /// Check `key` and say only whether it is allowed (the same decision as
    /// [`check`](Self::check), which also computes the figures of a [`Decision`]: tokens
    /// left, when to retry, when full). For callers that need the verdict alone.
    ///
    /// ```
    /// use ringside::patterns::Nanos;
    /// use ringside::patterns::limiter::{BucketConfig, KeyedLimiter, LimiterError};
    ///
    /// let mut per_ip: KeyedLimiter<String> = KeyedLimiter::new(BucketConfig::new(1, 1.0)?);
    /// assert!(per_ip.allows("10.0.0.1", 1, Nanos::ZERO)?);
    /// assert!(!per_ip.allows("10.0.0.1", 1, Nanos::ZERO)?);
    /// assert!(per_ip.allows("10.0.0.1", 1, Nanos::from_secs(1))?);
    /// # Ok::<(), LimiterError>(())
    /// ```
    #[inline]
    pub fn allows<Q>(&mut self, key: &Q, cost: u32, now: Nanos) -> Result<bool, LimiterError>
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        self.step(key, cost, now, Params::admit)
    }

    /// One check of `key` by `step` (the full decision or the verdict alone).
    #[inline(always)]
    fn step<Q, R>(
        &mut self,
        key: &Q,
        cost: u32,
        now: Nanos,
        step: impl Fn(&Params, &mut State, u64, u32) -> R,
    ) -> Result<R, LimiterError>
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        if u64::from(cost) >= self.params.cost_limit {
            return Err(self.params.refuse(cost));
        }
        let now = now.as_nanos().max(self.last_now);
        self.last_now = now;
        if let Some(st) = self.buckets.get_mut(key) {
            return Ok(step(&self.params, st, now, cost));
        }
        let mut st = State::FULL;
        let result = step(&self.params, &mut st, now, cost);
        if !st.is_full(now) {
            self.insert(key.to_owned(), st, now);
        }
        Ok(result)
    }

    /// Tracks a new key, making room first when needed.
    #[cold]
    fn insert(&mut self, key: K, st: State, now: u64) {
        if self.buckets.len() >= self.max_keys {
            self.sweep_full(now);
            if self.buckets.len() >= self.max_keys {
                self.evict_nearest_full();
            }
        } else if self.buckets.len() >= self.sweep_above {
            self.sweep_full(now);
        }
        self.buckets.insert(key, st);
    }

    /// Evicts the `max_keys/8` (at least 1) buckets nearest to full, plus any tied with
    /// the last of them.
    fn evict_nearest_full(&mut self) {
        let batch = (self.max_keys / EVICT_BATCH_DIVISOR).clamp(1, self.buckets.len().max(1));
        let mut tats: Vec<(u128, u64)> = self.buckets.values().map(|s| s.tat()).collect();
        if tats.is_empty() {
            return;
        }
        let (_, &mut cut, _) = tats.select_nth_unstable(batch - 1);
        self.buckets.retain(|_, s| s.tat() > cut);
        self.sweep_above = (2 * self.buckets.len()).max(MIN_SWEEP_LEN);
    }

    /// Drops every bucket that is full at `now` (this changes no decision). Runs
    /// automatically; public for callers who want `len` to count only non-full buckets.
    pub fn sweep(&mut self, now: Nanos) {
        self.sweep_full(now.as_nanos());
    }

    /// [`sweep`](Self::sweep) on the internal `u64` timeline.
    fn sweep_full(&mut self, now: u64) {
        let now = now.max(self.last_now);
        self.last_now = now;
        self.buckets.retain(|_, s| !s.is_full(now));
        self.sweep_above = (2 * self.buckets.len()).max(MIN_SWEEP_LEN);
    }

    /// Tokens of `key` at `now` (capacity for an untracked key).
    pub fn tokens_at<Q>(&self, key: &Q, now: Nanos) -> f64
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let st = self.buckets.get(key).copied().unwrap_or(State::FULL);
        self.params.tokens(&st, now.as_nanos().max(self.last_now))
    }

    /// Refill `key` to full (stops tracking it).
    pub fn reset<Q>(&mut self, key: &Q)
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.buckets.remove(key);
    }

    /// Number of buckets held. A bucket that refilled since the last sweep is still held
    /// until the next one ([`KeyedLimiter::sweep`]).
    pub fn len(&self) -> usize {
        self.buckets.len()
    }

    /// True when no bucket is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The configuration.
    pub fn config(&self) -> BucketConfig {
        self.params.config
    }

    /// Change configuration keeping each bucket's tokens (clamped to the new capacity,
    /// rounded down to the new rate's resolution); buckets that end up full are dropped.
    pub fn set_config(&mut self, config: BucketConfig, now: Nanos) {
        let now = now.as_nanos().max(self.last_now);
        self.last_now = now;
        let new = Params::new(config);
        let old = self.params;
        self.buckets.retain(|_, s| {
            *s = new.convert(&old, s, now);
            !s.is_full(now)
        });
        self.params = new;
        self.sweep_above = (2 * self.buckets.len()).max(MIN_SWEEP_LEN);
    }
}

/// The in-process backend: nothing can fail but a check's cost.
impl LimiterBackend for KeyedLimiter<String> {
    type Error = std::convert::Infallible;

    fn check(&mut self, key: &str, cost: u32, now: Nanos) -> Result<Decision, LimiterError> {
        KeyedLimiter::check(self, key, cost, now)
    }
    fn reset(&mut self, key: &str) -> Result<(), Self::Error> {
        KeyedLimiter::reset(self, key);
        Ok(())
    }
    fn config(&self) -> BucketConfig {
        KeyedLimiter::config(self)
    }
    fn set_config(&mut self, config: BucketConfig, now: Nanos) -> Result<(), Self::Error> {
        KeyedLimiter::set_config(self, config, now);
        Ok(())
    }
    fn describe(&self) -> String {
        "memory".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patterns::limiter::test_support::{SEC, cfg, ns};

    #[test]
    fn keyed_tracks_only_non_full_buckets() {
        let mut k: KeyedLimiter<String> = KeyedLimiter::new(cfg(2, 1.0));
        assert!(k.check("a", 0, ns(0)).unwrap().allowed);
        assert_eq!(k.len(), 0);
        assert!(k.check("a", 1, ns(0)).unwrap().allowed);
        assert_eq!(k.len(), 1);
        assert_eq!(k.tokens_at("a", ns(0)), 1.0);
        assert_eq!(k.tokens_at("zz", ns(0)), 2.0);
        assert_eq!(
            k.check("a", 3, ns(0)),
            Err(LimiterError::CostExceedsCapacity {
                cost: 3,
                capacity: 2
            })
        );
        assert_eq!(k.len(), 1);
        k.sweep(ns(SEC - 1));
        assert_eq!(k.len(), 1);
        k.sweep(ns(SEC));
        assert!(k.is_empty());
        k.check("b", 2, ns(SEC)).unwrap();
        k.reset("b");
        assert!(k.is_empty());
        assert_eq!(k.tokens_at("b", ns(SEC)), 2.0);
    }

    #[test]
    fn keyed_sweeps_full_buckets_automatically() {
        let mut k: KeyedLimiter<u32> = KeyedLimiter::new(cfg(1, 1.0));
        for key in 0..MIN_SWEEP_LEN as u32 {
            k.check(&key, 1, ns(0)).unwrap();
        }
        assert_eq!(k.len(), MIN_SWEEP_LEN);
        // All 64 are full one second later; the next insertion sweeps them.
        k.check(&1000, 1, ns(SEC)).unwrap();
        assert_eq!(k.len(), 1);
    }

    #[test]
    fn keyed_hard_limit_evicts_the_buckets_nearest_to_full() {
        let mut k: KeyedLimiter<String> = KeyedLimiter::with_max_keys(cfg(10, 1.0), 2);
        assert_eq!(k.max_keys(), 2);
        k.check("deep", 9, ns(0)).unwrap();
        k.check("shallow", 1, ns(0)).unwrap();
        k.check("new", 1, ns(0)).unwrap();
        assert_eq!(k.len(), 2);
        assert_eq!(k.tokens_at("deep", ns(0)), 1.0);
        assert_eq!(k.tokens_at("new", ns(0)), 9.0);
        assert_eq!(k.tokens_at("shallow", ns(0)), 10.0); // forgotten: restarts full
        // Full buckets go first: at 5 s "new" is full (since 1 s), "deep" holds 6.
        k.check("other", 1, ns(5 * SEC)).unwrap();
        assert_eq!(k.len(), 2);
        assert_eq!(k.tokens_at("deep", ns(5 * SEC)), 6.0);
        assert_eq!(k.tokens_at("other", ns(5 * SEC)), 9.0);
        let mut k: KeyedLimiter<String> = KeyedLimiter::with_max_keys(cfg(10, 1.0), 0);
        assert_eq!(k.max_keys(), 1);
        k.check("a", 5, ns(0)).unwrap();
        k.check("b", 5, ns(0)).unwrap();
        assert_eq!(k.len(), 1);
        assert_eq!(k.tokens_at("b", ns(0)), 5.0);
    }

    #[test]
    fn keyed_set_config_clamps_and_drops_full_buckets() {
        let mut k: KeyedLimiter<String> = KeyedLimiter::new(cfg(10, 1.0));
        k.check("a", 8, ns(0)).unwrap();
        k.check("b", 1, ns(0)).unwrap();
        k.set_config(cfg(3, 1.0), ns(0));
        assert_eq!(k.len(), 1);
        assert_eq!(k.tokens_at("a", ns(0)), 2.0);
        assert_eq!(k.tokens_at("b", ns(0)), 3.0);
        let backend: &mut dyn LimiterBackend<Error = std::convert::Infallible> = &mut k;
        assert_eq!(backend.set_config(cfg(4, 1.0), ns(0)), Ok(()));
        assert_eq!(backend.config(), cfg(4, 1.0));
        assert_eq!(backend.describe(), "memory");
        assert_eq!(k.tokens_at("a", ns(0)), 2.0);
    }
}

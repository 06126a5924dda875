//! [`KeyedLimiter`]: one in-process token bucket per key, with bounded memory.

use std::borrow::Borrow;
use std::hash::{BuildHasher, Hash};

use super::backend::LimiterBackend;
use super::config::BucketConfig;
use super::decision::Decision;
use super::error::LimiterError;
use super::gcra::{Admit, Decide, Params, State, Step};
use super::table::{Table, slot_of};
use crate::patterns::Nanos;

/// The automatic sweep of full buckets never runs below this many tracked keys.
const MIN_SWEEP_LEN: usize = 64;
/// At the hard key limit with no full bucket, evict this fraction (1/8) of the buckets.
const EVICT_BATCH_DIVISOR: usize = 8;
/// One bucket per key, with bounded memory: full buckets are indistinguishable from
/// absent ones and are evicted.
///
/// * Hot path: the key hashed once (foldhash) and one table lookup, no allocation for a
///   key already tracked; the owned key is allocated only when a check leaves a new key's
///   bucket not full. A unit-cost verdict ([`allows`](Self::allows)) is computed in `u64`.
/// * A bucket takes 16 bytes beside its key (40 bytes a `String`-keyed entry) while every
///   time fits (the latest `now` and the burst tolerance below 2^62 ns, 146 years);
///   beyond, the table switches once to 24-byte states, exactly as before.
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
    hasher: foldhash::fast::RandomState,
    /// Each tracked key with its bucket, placed by `hasher`'s hash of the key.
    buckets: Table<K>,
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
        Self::with_hasher(config, max_keys, foldhash::fast::RandomState::default())
    }

    /// [`with_max_keys`](Self::with_max_keys) placing keys by `hasher`: shards that share
    /// one hasher let their owner hash a key once, for the shard and for the lookup
    /// ([`allows_hashed`](Self::allows_hashed)).
    pub(crate) fn with_hasher(
        config: BucketConfig,
        max_keys: usize,
        hasher: foldhash::fast::RandomState,
    ) -> Self {
        let mut limiter = KeyedLimiter {
            params: Params::new(config),
            hasher,
            buckets: Table::new(),
            last_now: 0,
            sweep_above: MIN_SWEEP_LEN,
            max_keys: max_keys.max(1),
        };
        limiter.widen_unless_narrow();
        limiter
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
        K: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        let hash = self.hash(key);
        self.step(hash, key, cost, now, Decide)
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
        K: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        let hash = self.hash(key);
        self.step(hash, key, cost, now, Admit)
    }

    /// [`check`](Self::check) of a key whose hash by this limiter's hasher is `hash`
    /// (for the sharded `realtime::SyncKeyedLimiter`, which hashes once per check).
    #[inline]
    #[cfg_attr(not(feature = "realtime"), allow(dead_code))]
    pub(crate) fn check_hashed<Q>(
        &mut self,
        hash: u64,
        key: &Q,
        cost: u32,
        now: Nanos,
    ) -> Result<Decision, LimiterError>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        debug_assert_eq!(hash, self.hash(key));
        self.step(hash, key, cost, now, Decide)
    }

    /// [`allows`](Self::allows) of a key whose hash by this limiter's hasher is `hash`.
    #[inline]
    #[cfg_attr(not(feature = "realtime"), allow(dead_code))]
    pub(crate) fn allows_hashed<Q>(
        &mut self,
        hash: u64,
        key: &Q,
        cost: u32,
        now: Nanos,
    ) -> Result<bool, LimiterError>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        debug_assert_eq!(hash, self.hash(key));
        self.step(hash, key, cost, now, Admit)
    }

    /// `key`'s hash, which places its bucket.
    #[inline(always)]
    fn hash<Q: Hash + ?Sized>(&self, key: &Q) -> u64 {
        self.hasher.hash_one(key)
    }

    /// One check of `key` (hashed to `hash`) by `step` (the full decision or the verdict
    /// alone).
    #[inline(always)]
    fn step<Q, S: Step>(
        &mut self,
        hash: u64,
        key: &Q,
        cost: u32,
        now: Nanos,
        step: S,
    ) -> Result<S::Out, LimiterError>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        if u64::from(cost) >= self.params.cost_limit {
            return Err(self.params.refuse(cost));
        }
        let now = now.as_nanos().max(self.last_now);
        self.last_now = now;
        let found = match &mut self.buckets {
            Table::Narrow(t) if self.params.fits_narrow(now) => {
                slot_of(t, hash, key).map(|slot| step.run(slot, &self.params, now, cost))
            }
            Table::Narrow(_) => return self.step_widened(hash, key, cost, now, step),
            Table::Wide(t) => {
                slot_of(t, hash, key).map(|slot| step.run(slot, &self.params, now, cost))
            }
        };
        if let Some(result) = found {
            return Ok(result);
        }
        let mut st = State::FULL;
        let result = step.run(&mut st, &self.params, now, cost);
        if !st.is_full(now) {
            self.insert(hash, key.to_owned(), st, now);
        }
        Ok(result)
    }

    /// The first check at a `now` too late for narrow states: widen them all, then check.
    #[cold]
    fn step_widened<Q, S: Step>(
        &mut self,
        hash: u64,
        key: &Q,
        cost: u32,
        now: u64,
        step: S,
    ) -> Result<S::Out, LimiterError>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        self.widen_unless_narrow();
        self.step(hash, key, cost, Nanos::from_nanos(now), step)
    }

    /// Stores every state wide from now on unless [`Params::fits_narrow`] at the latest
    /// time seen (once wide, the table stays wide).
    fn widen_unless_narrow(&mut self) {
        if !self.params.fits_narrow(self.last_now) {
            let hasher = &self.hasher;
            self.buckets.widen(|k| hasher.hash_one(k));
        }
    }

    /// Tracks a new key, making room first when needed.
    #[cold]
    fn insert(&mut self, hash: u64, key: K, st: State, now: u64) {
        if self.buckets.len() >= self.max_keys {
            self.sweep_full(now);
            if self.buckets.len() >= self.max_keys {
                self.evict_nearest_full();
            }
        } else if self.buckets.len() >= self.sweep_above {
            self.sweep_full(now);
        }
        let hasher = &self.hasher;
        self.buckets.insert(hash, key, st, |k| hasher.hash_one(k));
    }

    /// Evicts the `max_keys/8` (at least 1) buckets nearest to full, plus any tied with
    /// the last of them.
    fn evict_nearest_full(&mut self) {
        let batch = (self.max_keys / EVICT_BATCH_DIVISOR).clamp(1, self.buckets.len().max(1));
        let mut tats = self.buckets.tats();
        if tats.is_empty() {
            return;
        }
        let (_, &mut cut, _) = tats.select_nth_unstable(batch - 1);
        self.buckets.retain(|st| st.tat() > cut);
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
        self.buckets.retain(|st| !st.is_full(now));
        self.sweep_above = (2 * self.buckets.len()).max(MIN_SWEEP_LEN);
    }

    /// Tokens of `key` at `now` (capacity for an untracked key).
    pub fn tokens_at<Q>(&self, key: &Q, now: Nanos) -> f64
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let st = self.buckets.get(self.hash(key), key).unwrap_or(State::FULL);
        self.params.tokens(&st, now.as_nanos().max(self.last_now))
    }

    /// Refill `key` to full (stops tracking it).
    pub fn reset<Q>(&mut self, key: &Q)
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let hash = self.hash(key);
        self.buckets.remove(hash, key);
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
        let old = std::mem::replace(&mut self.params, new);
        // Converted states fit the new parameters: narrow ones stay narrow only if those
        // allow it.
        self.widen_unless_narrow();
        self.buckets.retain(|st| {
            *st = new.convert(&old, st, now);
            !st.is_full(now)
        });
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
    fn keyed_keeps_its_buckets_when_states_must_widen() {
        // 1 token/s: narrow states at first.
        let mut k: KeyedLimiter<String> = KeyedLimiter::new(cfg(10, 1.0));
        assert!(matches!(k.buckets, Table::Narrow(_)));
        k.check("a", 8, ns(0)).unwrap();
        // 10 tokens at 1e-9 token/s: a tolerance of 1e19 ns, past the narrow bound.
        k.set_config(cfg(10, 1e-9), ns(0));
        assert!(matches!(k.buckets, Table::Wide(_)));
        assert_eq!(k.tokens_at("a", ns(0)), 2.0);
        assert_eq!(k.allows("a", 2, ns(0)), Ok(true));
        assert_eq!(k.allows("a", 1, ns(0)), Ok(false));
        // A time past 2^62 ns widens a narrow table; the debt carries over exactly.
        let late = 1u64 << 62;
        let mut k: KeyedLimiter<String> = KeyedLimiter::new(cfg(3, 1.0));
        k.check("b", 3, ns(late - 1)).unwrap();
        assert!(matches!(k.buckets, Table::Narrow(_)));
        assert_eq!(k.allows("b", 1, ns(late - 1 + SEC - 1)), Ok(false));
        assert!(matches!(k.buckets, Table::Wide(_)));
        assert_eq!(k.allows("b", 1, ns(late - 1 + SEC)), Ok(true));
        assert_eq!(k.tokens_at("b", ns(late - 1 + SEC)), 0.0);
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

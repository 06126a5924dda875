//! [`SyncKeyedLimiter`]: a [`KeyedLimiter`] callable from many threads at once.

use std::borrow::Borrow;
use std::hash::{BuildHasher, Hash};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use crossbeam_utils::CachePadded;

use crate::patterns::Nanos;
use crate::patterns::limiter::{BucketConfig, Decision, KeyedLimiter, LimiterError};

/// Shards, each lock on its own cache line: enough that a few threads rarely wait on the
/// same lock, and two locks never share a line (checks of different shards by different
/// threads would otherwise fight over it).
const SHARDS: usize = 64;
/// Where the shard index starts in a key's hash (see [`SyncKeyedLimiter::shard`]).
const SHARD_SHIFT: u32 = 40;

/// One bucket per key, shared by threads (`&self`): the keys are split over
/// independent shards, each a [`KeyedLimiter`] behind its own `Mutex`, picked by the
/// key's hash, so two threads checking different keys rarely contend. The key is hashed
/// once: the shards share one hasher, and the hash that picks the shard also places the
/// key in the shard's table. Each key's bucket decides exactly as a [`KeyedLimiter`]'s
/// would (same exactness guarantee, same memory bound per shard; a hard key limit is
/// split evenly over the shards).
///
/// Time is the caller's `now` ([`check_at`](Self::check_at), [`allows_at`](Self::allows_at))
/// or a monotonic clock read per check ([`check`](Self::check), [`allows`](Self::allows),
/// [`Instant`] since construction). Within a shard a `now` earlier than the latest seen
/// counts as the latest seen.
///
/// ```
/// use std::sync::Arc;
/// use std::thread;
///
/// use ringside::patterns::Nanos;
/// use ringside::patterns::limiter::{BucketConfig, LimiterError};
/// use ringside::realtime::SyncKeyedLimiter;
///
/// // Burst 100, refilling 1 token/s: 100 checks of one key pass, whoever makes them.
/// let limiter = Arc::new(SyncKeyedLimiter::<String>::new(BucketConfig::new(100, 1.0)?));
/// let workers: Vec<_> = (0..4)
///     .map(|_| {
///         let limiter = Arc::clone(&limiter);
///         thread::spawn(move || {
///             (0..50).filter(|_| limiter.allows_at("alice", 1, Nanos::ZERO).unwrap()).count()
///         })
///     })
///     .collect();
/// let allowed: usize = workers.into_iter().map(|w| w.join().unwrap()).sum();
/// assert_eq!(allowed, 100);
/// # Ok::<(), LimiterError>(())
/// ```
#[derive(Debug)]
pub struct SyncKeyedLimiter<K> {
    shards: Box<[CachePadded<Mutex<KeyedLimiter<K>>>]>,
    hasher: foldhash::fast::RandomState,
    origin: Instant,
}

impl<K: Hash + Eq + Clone> SyncKeyedLimiter<K> {
    /// A limiter where every key gets a bucket of `config`.
    pub fn new(config: BucketConfig) -> Self {
        Self::with_max_keys(config, usize::MAX)
    }

    /// A limiter tracking at most about `max_keys` buckets: `max_keys / 64` (at least 1)
    /// in each of its 64 shards (see [`KeyedLimiter::with_max_keys`] for the policy).
    pub fn with_max_keys(config: BucketConfig, max_keys: usize) -> Self {
        let per_shard = (max_keys / SHARDS).max(1);
        let hasher = foldhash::fast::RandomState::default();
        SyncKeyedLimiter {
            shards: (0..SHARDS)
                .map(|_| {
                    let shard = KeyedLimiter::with_hasher(config, per_shard, hasher.clone());
                    CachePadded::new(Mutex::new(shard))
                })
                .collect(),
            hasher,
            origin: Instant::now(),
        }
    }

    /// Time since construction (saturating at [`Nanos::MAX`]).
    pub fn now(&self) -> Nanos {
        Nanos::from(self.origin.elapsed())
    }

    /// Check `key` now (see [`KeyedLimiter::check`]).
    pub fn check<Q>(&self, key: &Q, cost: u32) -> Result<Decision, LimiterError>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        self.check_at(key, cost, self.now())
    }

    /// Check `key` at `now` (see [`KeyedLimiter::check`]).
    pub fn check_at<Q>(&self, key: &Q, cost: u32, now: Nanos) -> Result<Decision, LimiterError>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        let (hash, mut shard) = self.shard(key);
        shard.check_hashed(hash, key, cost, now)
    }

    /// Whether `key` is allowed now (see [`KeyedLimiter::allows`]).
    pub fn allows<Q>(&self, key: &Q, cost: u32) -> Result<bool, LimiterError>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        self.allows_at(key, cost, self.now())
    }

    /// Whether `key` is allowed at `now` (see [`KeyedLimiter::allows`]).
    pub fn allows_at<Q>(&self, key: &Q, cost: u32, now: Nanos) -> Result<bool, LimiterError>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        let (hash, mut shard) = self.shard(key);
        shard.allows_hashed(hash, key, cost, now)
    }

    /// Tokens of `key` at `now` (capacity for an untracked key).
    pub fn tokens_at<Q>(&self, key: &Q, now: Nanos) -> f64
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.shard(key).1.tokens_at(key, now)
    }

    /// Buckets tracked, over every shard.
    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| lock(s).len()).sum()
    }

    /// True when no bucket is tracked.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `key`'s hash and the shard that holds `key`, locked.
    fn shard<Q: Hash + ?Sized>(&self, key: &Q) -> (u64, MutexGuard<'_, KeyedLimiter<K>>) {
        let hash = self.hasher.hash_one(key);
        // Bits the shard's table does not use: its bucket index takes the low bits, its
        // control tag the top 7. Shards picked by either would crowd their tables.
        let i = (hash >> SHARD_SHIFT) as usize % SHARDS;
        (hash, lock(&self.shards[i]))
    }
}

/// A shard's methods never panic while it is locked, so a poisoned lock still guards a
/// consistent limiter: recover it instead of propagating the poison.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// Shared by threads, each key admits exactly what its own bucket would: a burst of
    /// `capacity` at one instant, however the checks interleave.
    #[test]
    fn each_key_admits_its_burst_exactly_across_threads() {
        let limiter = Arc::new(SyncKeyedLimiter::<String>::new(
            BucketConfig::new(30, 1.0).unwrap(),
        ));
        let workers: Vec<_> = (0..4)
            .map(|_| {
                let limiter = Arc::clone(&limiter);
                std::thread::spawn(move || {
                    let mut allowed = [0usize; 20];
                    for round in 0..40 {
                        for (k, a) in allowed.iter_mut().enumerate() {
                            let key = format!("key-{k}");
                            if limiter
                                .allows_at(key.as_str(), 1, Nanos::from_nanos(round))
                                .unwrap()
                            {
                                *a += 1;
                            }
                        }
                    }
                    allowed
                })
            })
            .collect();
        let mut total = [0usize; 20];
        for w in workers {
            for (t, a) in total.iter_mut().zip(w.join().unwrap()) {
                *t += a;
            }
        }
        // 40 ns at 1 token/s refills nothing: exactly the burst of 30 per key.
        assert_eq!(total, [30; 20]);
        assert_eq!(limiter.len(), 20);
        // Spent: what is left is the refill since (under a millionth of a token).
        assert!(limiter.tokens_at("key-3", Nanos::from_nanos(40)) < 1e-6);
    }
}

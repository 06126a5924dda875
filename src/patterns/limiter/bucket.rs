//! In-process token buckets. STUB.

use std::hash::Hash;

use super::{BucketConfig, Decision, LimiterBackend, LimiterError};

/// One token bucket; starts full.
#[derive(Debug, Clone)]
pub struct TokenBucket {
    _private: (),
}

impl TokenBucket {
    /// A full bucket.
    pub fn new(config: BucketConfig) -> Self {
        let _ = config;
        todo!()
    }
    /// Check for `cost` tokens at `now`.
    pub fn check(&mut self, now: u64, cost: u32) -> Result<Decision, LimiterError> {
        let _ = (now, cost);
        todo!()
    }
    /// Tokens at `now`, read-only.
    pub fn tokens_at(&self, now: u64) -> f64 {
        let _ = now;
        todo!()
    }
    /// Refill to full.
    pub fn reset(&mut self) {
        todo!()
    }
    /// The configuration.
    pub fn config(&self) -> BucketConfig {
        todo!()
    }
    /// Change configuration keeping the current tokens (clamped).
    pub fn set_config(&mut self, config: BucketConfig, now: u64) {
        let _ = (config, now);
        todo!()
    }
}

/// One bucket per key, with bounded memory: full buckets are indistinguishable from
/// absent ones and are evicted.
#[derive(Debug, Clone)]
pub struct KeyedLimiter<K> {
    _k: std::marker::PhantomData<K>,
}

impl<K: Hash + Eq + Clone> KeyedLimiter<K> {
    /// A limiter where every key gets a bucket of `config`.
    pub fn new(config: BucketConfig) -> Self {
        let _ = config;
        todo!()
    }
    /// Check `key`.
    pub fn check<Q>(&mut self, key: &Q, now: u64, cost: u32) -> Result<Decision, LimiterError>
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        let _ = (key, now, cost);
        todo!()
    }
    /// Tokens of `key` at `now`.
    pub fn tokens_at<Q>(&self, key: &Q, now: u64) -> f64
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let _ = (key, now);
        todo!()
    }
    /// Refill `key` to full.
    pub fn reset<Q>(&mut self, key: &Q)
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let _ = key;
        todo!()
    }
    /// Number of buckets held (not full).
    pub fn len(&self) -> usize {
        todo!()
    }
    /// True when no bucket is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The configuration.
    pub fn config(&self) -> BucketConfig {
        todo!()
    }
    /// Change configuration keeping each bucket's tokens.
    pub fn set_config(&mut self, config: BucketConfig, now: u64) {
        let _ = (config, now);
        todo!()
    }
}

impl LimiterBackend for KeyedLimiter<String> {
    fn check(&mut self, key: &str, now: u64, cost: u32) -> Result<Decision, LimiterError> {
        KeyedLimiter::check(self, key, now, cost)
    }
    fn tokens_at(&self, key: &str, now: u64) -> f64 {
        KeyedLimiter::tokens_at(self, key, now)
    }
    fn reset(&mut self, key: &str) -> Result<(), LimiterError> {
        KeyedLimiter::reset(self, key);
        Ok(())
    }
    fn config(&self) -> BucketConfig {
        KeyedLimiter::config(self)
    }
    fn set_config(&mut self, config: BucketConfig, now: u64) -> Result<(), LimiterError> {
        KeyedLimiter::set_config(self, config, now);
        Ok(())
    }
    fn describe(&self) -> String {
        "memory".to_string()
    }
}

//! [`TokenBucket`]: one in-process token bucket.

use super::config::BucketConfig;
use super::decision::Decision;
use super::error::LimiterError;
use super::gcra::{Params, State};
use crate::patterns::Nanos;

/// One token bucket; starts full.
///
/// Time is the caller's `now` on a monotonic timeline. A `now` earlier than the latest one already
/// seen is treated as that latest time (time never runs backwards here, so going back can
/// neither mint tokens nor panic).
///
/// A check of cost 0 is always allowed and changes nothing: it reads the bucket. The
/// configuration is valid by construction ([`BucketConfig::new`] checks it), so the only
/// error a check returns is [`LimiterError::CostExceedsCapacity`], for a cost that no
/// bucket of this capacity could ever admit. See the [module docs](crate::patterns::limiter)
/// for the exactness guarantee.
///
/// ```
/// use ringside::patterns::Nanos;
/// use ringside::patterns::limiter::{BucketConfig, LimiterError, TokenBucket};
///
/// let mut bucket = TokenBucket::new(BucketConfig::new(2, 1.0)?); // burst 2, 1 token/s
/// let start = Nanos::ZERO;
/// assert!(bucket.check(1, start)?.allowed);
/// assert!(bucket.check(1, start)?.allowed);
/// let denied = bucket.check(1, start)?;
/// assert!(!denied.allowed);
/// assert_eq!(denied.retry_after, Nanos::from_secs(1)); // the refill is continuous
/// assert!(bucket.check(1, start + denied.retry_after)?.allowed);
/// assert_eq!(bucket.tokens_at(Nanos::from_millis(1_500)), 0.5);
/// # Ok::<(), LimiterError>(())
/// ```
#[derive(Debug, Clone)]
pub struct TokenBucket {
    params: Params,
    state: State,
    last_now: u64,
}

impl TokenBucket {
    /// A full bucket.
    pub fn new(config: BucketConfig) -> Self {
        TokenBucket {
            params: Params::new(config),
            state: State::FULL,
            last_now: 0,
        }
    }

    /// Check for `cost` tokens at `now`; takes them when allowed.
    ///
    /// Errors: [`LimiterError::CostExceedsCapacity`] when `cost > capacity`.
    #[inline]
    pub fn check(&mut self, cost: u32, now: Nanos) -> Result<Decision, LimiterError> {
        if u64::from(cost) >= self.params.cost_limit {
            return Err(self.params.refuse(cost));
        }
        let now = now.as_nanos().max(self.last_now);
        self.last_now = now;
        Ok(self.params.decide(&mut self.state, now, cost))
    }

    /// Tokens at `now`, read-only: in `[0, capacity]`, fractional.
    pub fn tokens_at(&self, now: Nanos) -> f64 {
        self.params
            .tokens(&self.state, now.as_nanos().max(self.last_now))
    }

    /// Refill to full.
    pub fn reset(&mut self) {
        self.state = State::FULL;
    }

    /// The configuration.
    pub fn config(&self) -> BucketConfig {
        self.params.config
    }

    /// Change configuration keeping the current tokens (clamped to the new capacity,
    /// rounded down to the new rate's resolution).
    pub fn set_config(&mut self, config: BucketConfig, now: Nanos) {
        let now = now.as_nanos().max(self.last_now);
        self.last_now = now;
        let new = Params::new(config);
        self.state = new.convert(&self.params, &self.state, now);
        self.params = new;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patterns::limiter::test_support::{SEC, cfg, ns};

    #[test]
    fn starts_full_and_admits_exactly_the_burst() {
        let mut b = TokenBucket::new(cfg(10, 1.0));
        assert_eq!(b.tokens_at(ns(0)), 10.0);
        for i in 1..=10u32 {
            let d = b.check(1, ns(0)).unwrap();
            assert!(d.allowed);
            assert_eq!(d.remaining, f64::from(10 - i));
            assert_eq!(d.retry_after, ns(0));
            assert_eq!(d.full_after, ns(u64::from(i) * SEC));
        }
        let d = b.check(1, ns(0)).unwrap();
        assert_eq!(
            d,
            Decision {
                allowed: false,
                remaining: 0.0,
                retry_after: ns(SEC),
                full_after: ns(10 * SEC)
            }
        );
        assert_eq!(b.tokens_at(ns(SEC / 2)), 0.5);
        assert_eq!(b.tokens_at(ns(100 * SEC)), 10.0);
    }

    #[test]
    fn three_per_second_for_an_hour_of_millisecond_steps_is_exact() {
        let cap = 5u64;
        let mut b = TokenBucket::new(cfg(cap as u32, 3.0));
        let mut admitted = 0u64;
        let step = 1_000_000; // 1 ms
        for i in 0..=3_600_000u64 {
            let t = i * step;
            while b.check(1, ns(t)).unwrap().allowed {
                admitted += 1;
            }
            // floor(cap + 3·t/1e9) in integers.
            assert_eq!(admitted, (cap * SEC + 3 * t) / SEC, "at t = {t}");
        }
        assert_eq!(admitted, 5 + 3 * 3600);
    }

    #[test]
    fn retry_after_is_exact_to_the_nanosecond() {
        let mut b = TokenBucket::new(cfg(1, 3.0));
        assert!(b.check(1, ns(0)).unwrap().allowed);
        let d = b.check(1, ns(0)).unwrap();
        assert!(!d.allowed);
        assert_eq!(d.retry_after, ns(333_333_334)); // ceil(1e9 / 3)
        assert_eq!(d.full_after, ns(333_333_334));
        assert!(!b.clone().check(1, ns(333_333_333)).unwrap().allowed);
        assert!(b.check(1, ns(333_333_334)).unwrap().allowed);
        // Capacity 1: the bucket was full since 1e9/3 ns, so the next token comes a whole
        // interval after 333_333_334, at 666_666_667.33.. ns.
        let d = b.check(1, ns(333_333_334)).unwrap();
        assert_eq!(d.retry_after, ns(333_333_334));
        assert!(!b.clone().check(1, ns(666_666_667)).unwrap().allowed);
        assert!(b.check(1, ns(666_666_668)).unwrap().allowed);
        // With capacity 2 and a backlog, tokens arrive at exactly k·1e9/3 ns.
        let mut b = TokenBucket::new(cfg(2, 3.0));
        b.check(2, ns(0)).unwrap();
        assert!(b.check(1, ns(333_333_334)).unwrap().allowed);
        let d = b.check(1, ns(333_333_334)).unwrap();
        assert_eq!(d.retry_after, ns(666_666_667 - 333_333_334));
        assert!(!b.clone().check(1, ns(666_666_666)).unwrap().allowed);
        assert!(b.check(1, ns(666_666_667)).unwrap().allowed);
    }

    #[test]
    fn retry_after_for_a_larger_cost() {
        let mut b = TokenBucket::new(cfg(4, 3.0));
        assert!(b.check(4, ns(0)).unwrap().allowed);
        let d = b.check(3, ns(0)).unwrap();
        assert_eq!(d.retry_after, ns(SEC)); // 3 tokens at 3/s
        assert_eq!(d.full_after, ns(1_333_333_334));
        assert!(!b.clone().check(3, ns(SEC - 1)).unwrap().allowed);
        let d = b.check(3, ns(SEC)).unwrap();
        assert!(d.allowed);
        assert_eq!(d.remaining, 0.0);
    }

    #[test]
    fn cost_zero_is_allowed_and_changes_nothing() {
        let mut b = TokenBucket::new(cfg(2, 1.0));
        b.check(2, ns(0)).unwrap();
        let before = b.clone();
        let d = b.check(0, ns(SEC / 4)).unwrap();
        assert!(d.allowed);
        assert_eq!(d.remaining, 0.25);
        assert_eq!(d.full_after, ns(SEC * 7 / 4));
        assert_eq!(b.state, before.state);
    }

    #[test]
    fn cost_above_capacity_is_an_error_and_leaves_the_bucket_alone() {
        let mut b = TokenBucket::new(cfg(3, 1.0));
        assert_eq!(
            b.check(4, ns(0)),
            Err(LimiterError::CostExceedsCapacity {
                cost: 4,
                capacity: 3
            })
        );
        assert_eq!(b.tokens_at(ns(0)), 3.0);
        assert!(b.check(3, ns(0)).unwrap().allowed);
        assert!(b.check(u32::MAX, ns(0)).is_err());
    }

    #[test]
    fn invalid_configs_cannot_be_built() {
        assert_eq!(BucketConfig::new(0, 1.0), Err(LimiterError::ZeroCapacity));
        assert!(matches!(
            BucketConfig::new(3, f64::NAN),
            Err(LimiterError::InvalidRate(r)) if r.is_nan()
        ));
        for rate in [0.0, -1.0, f64::INFINITY] {
            assert_eq!(
                BucketConfig::new(3, rate),
                Err(LimiterError::InvalidRate(rate))
            );
        }
    }

    #[test]
    fn time_going_backwards_is_treated_as_the_latest_time_seen() {
        let mut b = TokenBucket::new(cfg(2, 1.0));
        b.check(2, ns(SEC)).unwrap();
        let late = b.check(1, ns(SEC)).unwrap();
        let early = b.check(1, ns(0)).unwrap();
        assert_eq!(early, late);
        assert_eq!(early.retry_after, ns(SEC));
        assert_eq!(b.tokens_at(ns(0)), 0.0);
        assert_eq!(b.tokens_at(ns(SEC + SEC / 2)), 0.5);
        assert!(b.check(1, ns(2 * SEC)).unwrap().allowed);
    }

    #[test]
    fn extreme_rates_do_not_overflow() {
        let mut slow = TokenBucket::new(cfg(u32::MAX, f64::MIN_POSITIVE));
        assert!(slow.check(u32::MAX, ns(0)).unwrap().allowed);
        let d = slow.check(1, ns(u64::MAX)).unwrap();
        assert!(!d.allowed);
        assert_eq!(d.retry_after, ns(u64::MAX));
        assert_eq!(d.full_after, ns(u64::MAX));
        let mut fast = TokenBucket::new(cfg(u32::MAX, f64::MAX));
        assert!(fast.check(u32::MAX, ns(u64::MAX)).unwrap().allowed);
        assert!(!fast.check(1, ns(u64::MAX)).unwrap().allowed);
        assert_eq!(fast.check(1, ns(u64::MAX)).unwrap().retry_after, ns(1));
    }

    #[test]
    fn set_config_keeps_tokens_clamped_and_exact() {
        let mut b = TokenBucket::new(cfg(10, 1.0));
        b.check(4, ns(0)).unwrap();
        b.set_config(cfg(5, 1.0), ns(0));
        assert_eq!(b.tokens_at(ns(0)), 5.0);
        b.set_config(cfg(20, 1.0), ns(0));
        assert_eq!(b.tokens_at(ns(0)), 5.0);
        assert_eq!(b.tokens_at(ns(15 * SEC)), 20.0);
        // Fractional tokens survive a rate change exactly.
        let mut b = TokenBucket::new(cfg(10, 1.0));
        b.check(10, ns(0)).unwrap();
        b.set_config(cfg(10, 2.0), ns(SEC / 2));
        assert_eq!(b.tokens_at(ns(SEC / 2)), 0.5);
        assert!(!b.clone().check(1, ns(SEC * 3 / 4 - 1)).unwrap().allowed);
        assert!(b.check(1, ns(SEC * 3 / 4)).unwrap().allowed);
        // 1/3 token at 3/s becomes floor((1/3)·D') units at 0.1/s: never more.
        let mut b = TokenBucket::new(cfg(1, 3.0));
        b.check(1, ns(0)).unwrap();
        b.set_config(cfg(1, 0.1), ns(111_111_111));
        let t = b.tokens_at(ns(111_111_111));
        assert!(t <= 1.0 / 3.0 && t > 0.3333333, "{t}");
        assert_eq!(b.config(), cfg(1, 0.1));
    }
}

//! In-process token buckets: exact integer GCRA state (see the parent module's docs for the
//! representation and the exactness guarantee).

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;

use super::{BucketConfig, Decision, LimiterBackend, LimiterError};
use crate::patterns::NANOS_PER_SEC;

/// Largest time units per nanosecond (`N`): keeps `now·N < 2^127`.
const MAX_UNITS_PER_NS: u64 = (1 << 63) - 1;
/// Most fractional bits of the rate kept exactly: `D = 10^9·2^64 < 2^94`.
const MAX_RATE_FRACTION_BITS: u32 = 64;
/// The automatic sweep of full buckets never runs below this many tracked keys.
const MIN_SWEEP_LEN: usize = 64;
/// At the hard key limit with no full bucket, evict this fraction (1/8) of the buckets.
const EVICT_BATCH_DIVISOR: usize = 8;

/// Exact integer parameters derived from a [`BucketConfig`]; shared by every bucket of a
/// keyed limiter.
#[derive(Debug, Clone, Copy)]
struct Params {
    config: BucketConfig,
    /// A check of cost `c` proceeds iff `c < cost_limit`: `capacity + 1`, or 0 when the
    /// configuration is invalid (then every check reports the validation error).
    cost_limit: u64,
    /// Time units per nanosecond (`N`), in `1..=MAX_UNITS_PER_NS`.
    n: u64,
    /// Time units per token (`D`), exactly `10^9·2^k·(rate denominator)`.
    d: u128,
    /// `D` as `f64` (exact: `D = 1953125·2^j`).
    d_f64: f64,
    /// One token's interval `D` split as `int_ns·N + int_fr`.
    int_ns: u128,
    int_fr: u64,
    /// Burst tolerance `capacity·D` split as `tau_ns·N + tau_fr`.
    tau_ns: u128,
    tau_fr: u64,
}

/// One bucket's state: its theoretical arrival time `ns + fr/N` nanoseconds. Stored as
/// three `u64` (not `u128`) so keyed entries stay 8-byte aligned and small.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct State {
    ns_lo: u64,
    ns_hi: u64,
    fr: u64,
}

impl State {
    /// `tat = 0`: full at every time.
    const FULL: State = State {
        ns_lo: 0,
        ns_hi: 0,
        fr: 0,
    };

    #[inline(always)]
    fn ns(&self) -> u128 {
        (u128::from(self.ns_hi) << 64) | u128::from(self.ns_lo)
    }

    #[inline(always)]
    fn set(&mut self, ns: u128, fr: u64) {
        self.ns_lo = ns as u64;
        self.ns_hi = (ns >> 64) as u64;
        self.fr = fr;
    }

    /// `tat ≤ now`.
    #[inline(always)]
    fn is_full(&self, now: u64) -> bool {
        let ns = self.ns();
        let now = u128::from(now);
        ns < now || (ns == now && self.fr == 0)
    }

    /// `max(tat, now)`.
    #[inline(always)]
    fn effective(&self, now: u64) -> (u128, u64) {
        let ns = self.ns();
        let now = u128::from(now);
        if ns < now { (now, 0) } else { (ns, self.fr) }
    }
}

/// Splits a rate in tokens/s into `(N, D)` with `rate / 10^9 = N / D` (see module docs).
/// `rate` must be finite and > 0.
pub(crate) fn rate_ratio(rate: f64) -> (u64, u128) {
    let bits = rate.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1 << 52) - 1);
    let (mut m, mut e) = if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1 << 52), biased - 1075)
    };
    let tz = m.trailing_zeros();
    m >>= tz;
    e += tz as i32;
    let ns_per_sec = u128::from(NANOS_PER_SEC);
    if e >= 0 {
        let e = e as u32;
        let n = if e < 63 && m <= MAX_UNITS_PER_NS >> e {
            m << e
        } else {
            MAX_UNITS_PER_NS
        };
        (n, ns_per_sec)
    } else {
        let b = e.unsigned_abs();
        if b <= MAX_RATE_FRACTION_BITS {
            (m, ns_per_sec << b)
        } else {
            // Round to the nearest multiple of 2^-64 tokens/s, at least one.
            let drop = b - MAX_RATE_FRACTION_BITS;
            let rounded = if drop > 64 {
                0
            } else {
                let half_up = u128::from(m) + (1u128 << (drop - 1));
                (half_up >> drop) as u64
            };
            (rounded.max(1), ns_per_sec << MAX_RATE_FRACTION_BITS)
        }
    }
}

/// Exact `u128 → f64` rounding, taking the cheap route when the value fits in `u64`.
#[inline(always)]
fn to_f64(x: u128) -> f64 {
    if x <= u128::from(u64::MAX) {
        x as u64 as f64
    } else {
        x as f64
    }
}

/// Saturating `u128 → u64`.
#[inline(always)]
pub(crate) fn sat_u64(x: u128) -> u64 {
    u64::try_from(x).unwrap_or(u64::MAX)
}

/// `floor(a·b / c)` without overflow, for `a < c`, `c < 2^127`, `b < 2^127` (so the
/// quotient is below `b`). Cold path: bitwise long division of the 256-bit product.
fn mul_div_floor(a: u128, b: u128, c: u128) -> u128 {
    const LO: u128 = u64::MAX as u128;
    let (a0, a1) = (a & LO, a >> 64);
    let (b0, b1) = (b & LO, b >> 64);
    let p00 = a0 * b0;
    let p01 = a0 * b1;
    let p10 = a1 * b0;
    let p11 = a1 * b1;
    let mid = (p00 >> 64) + (p01 & LO) + (p10 & LO);
    let lo = (p00 & LO) | (mid << 64);
    let hi = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
    let mut rem: u128 = 0;
    let mut quot: u128 = 0;
    for i in (0..256).rev() {
        let bit = if i >= 128 {
            (hi >> (i - 128)) & 1
        } else {
            (lo >> i) & 1
        };
        rem = (rem << 1) | bit; // rem < c < 2^127, so no overflow
        if rem >= c {
            rem -= c;
            if i < 128 {
                quot |= 1 << i;
            }
        }
    }
    quot
}

impl Params {
    fn new(config: BucketConfig) -> Self {
        let (n, d) = rate_ratio(config.refill_per_sec());
        let n128 = u128::from(n);
        let tau = u128::from(config.capacity()) * d;
        Params {
            config,
            cost_limit: u64::from(config.capacity()) + 1,
            n,
            d,
            d_f64: d as f64,
            int_ns: d / n128,
            int_fr: (d % n128) as u64,
            tau_ns: tau / n128,
            tau_fr: (tau % n128) as u64,
        }
    }

    /// The error for a check that cannot proceed (`cost ≥ cost_limit`).
    #[cold]
    fn refuse(&self, cost: u32) -> LimiterError {
        LimiterError::CostExceedsCapacity {
            cost,
            capacity: self.config.capacity(),
        }
    }

    /// `cost·D` split as `(ns, fr)`.
    #[inline(always)]
    fn interval_of(&self, cost: u32) -> (u128, u64) {
        if cost == 1 {
            return (self.int_ns, self.int_fr);
        }
        let c = u128::from(cost);
        let fr_total = c * u128::from(self.int_fr);
        let n = u128::from(self.n);
        (c * self.int_ns + fr_total / n, (fr_total % n) as u64)
    }

    /// Time units of tokens available when `tat` is `(ns, fr)`: `now + tau − tat`, ≥ 0.
    #[inline(always)]
    fn avail_units(&self, now: u64, ns: u128, fr: u64) -> u128 {
        let limit = u128::from(now) + self.tau_ns;
        if ns > limit {
            return 0; // only if the invariant tat ≤ now + tau were broken
        }
        ((limit - ns) * u128::from(self.n) + u128::from(self.tau_fr)).saturating_sub(u128::from(fr))
    }

    #[inline(always)]
    fn tokens_of_units(&self, units: u128) -> f64 {
        to_f64(units) / self.d_f64
    }

    /// Nanoseconds until `(ns, fr)` is reached from `now` (rounded up).
    #[inline(always)]
    fn ns_until(now: u64, ns: u128, fr: u64) -> u64 {
        let now = u128::from(now);
        if ns < now {
            0
        } else {
            sat_u64(ns - now + u128::from(fr != 0))
        }
    }

    /// The GCRA step. `now` must already be clamped to the latest time seen and `cost`
    /// already validated (`cost < cost_limit`).
    #[inline(always)]
    fn decide(&self, st: &mut State, now: u64, cost: u32) -> Decision {
        let (base_ns, base_fr) = st.effective(now);
        let (add_ns, add_fr) = self.interval_of(cost);
        let mut ns = base_ns + add_ns;
        let mut fr = base_fr + add_fr; // both < N < 2^63: no overflow
        if fr >= self.n {
            fr -= self.n;
            ns += 1;
        }
        let limit_ns = u128::from(now) + self.tau_ns;
        let allowed = ns < limit_ns || (ns == limit_ns && fr <= self.tau_fr);
        if allowed {
            st.set(ns, fr);
            Decision {
                allowed: true,
                remaining: self.tokens_of_units(self.avail_units(now, ns, fr)),
                retry_after_ns: 0,
                full_after_ns: Self::ns_until(now, ns, fr),
            }
        } else {
            // Excess (ns, fr) − (limit_ns, tau_fr) > 0, rounded up to whole ns.
            let borrow = fr < self.tau_fr;
            let ex_ns = ns - limit_ns - u128::from(borrow);
            let ex_fr = if borrow {
                fr + self.n - self.tau_fr
            } else {
                fr - self.tau_fr
            };
            Decision {
                allowed: false,
                remaining: self.tokens_of_units(self.avail_units(now, base_ns, base_fr)),
                retry_after_ns: sat_u64(ex_ns + u128::from(ex_fr != 0)),
                full_after_ns: Self::ns_until(now, base_ns, base_fr),
            }
        }
    }

    /// Tokens in `st` at `now` (already clamped), within `[0, capacity]`.
    #[inline]
    fn tokens(&self, st: &State, now: u64) -> f64 {
        let (ns, fr) = st.effective(now);
        self.tokens_of_units(self.avail_units(now, ns, fr))
    }

    /// The state under `self` (the new configuration) holding the tokens that `st` holds
    /// under `old` at `now`, clamped to the new capacity and rounded down to the new
    /// resolution (never more tokens than before).
    fn convert(&self, old: &Params, st: &State, now: u64) -> State {
        let (ns, fr) = st.effective(now);
        let avail = old.avail_units(now, ns, fr);
        let whole = avail / old.d;
        let cap = u128::from(self.config.capacity());
        let new_avail = if whole >= cap {
            cap * self.d
        } else {
            whole * self.d + mul_div_floor(avail % old.d, self.d, old.d)
        };
        // tat = now + (tau − avail), split by the new N.
        let debt = u128::from(self.config.capacity()) * self.d - new_avail;
        let n = u128::from(self.n);
        let mut out = State::FULL;
        if debt > 0 {
            out.set(u128::from(now) + debt / n, (debt % n) as u64);
        }
        out
    }
}

/// One token bucket; starts full.
///
/// Time is the caller's `now` in nanoseconds. A `now` earlier than the latest one already
/// seen is treated as that latest time (time never runs backwards here, so going back can
/// neither mint tokens nor panic).
///
/// A check of cost 0 is always allowed (when the configuration is valid) and changes
/// nothing: it reads the bucket. A configuration with capacity 0 or a rate that is not
/// finite and > 0 (possible because [`BucketConfig`]'s fields are public) never panics:
/// every check returns the corresponding [`LimiterError`] and [`TokenBucket::tokens_at`]
/// reads 0. See the [module docs](crate::patterns::limiter) for the exactness guarantee.
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
    pub fn check(&mut self, now: u64, cost: u32) -> Result<Decision, LimiterError> {
        if u64::from(cost) >= self.params.cost_limit {
            return Err(self.params.refuse(cost));
        }
        let now = now.max(self.last_now);
        self.last_now = now;
        Ok(self.params.decide(&mut self.state, now, cost))
    }

    /// Tokens at `now`, read-only: in `[0, capacity]`, fractional.
    pub fn tokens_at(&self, now: u64) -> f64 {
        self.params.tokens(&self.state, now.max(self.last_now))
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
    /// rounded down to the new rate's resolution). If the new configuration is invalid,
    /// checks report its error until a valid one is set; the bucket then restarts full.
    pub fn set_config(&mut self, config: BucketConfig, now: u64) {
        let now = now.max(self.last_now);
        self.last_now = now;
        let new = Params::new(config);
        self.state = new.convert(&self.params, &self.state, now);
        self.params = new;
    }
}

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
    /// Errors: [`LimiterError::CostExceedsCapacity`] when `cost > capacity`, or the
    /// validation error of an invalid configuration; no state changes then.
    #[inline]
    pub fn check<Q>(&mut self, key: &Q, now: u64, cost: u32) -> Result<Decision, LimiterError>
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        if u64::from(cost) >= self.params.cost_limit {
            return Err(self.params.refuse(cost));
        }
        let now = now.max(self.last_now);
        self.last_now = now;
        if let Some(st) = self.buckets.get_mut(key) {
            return Ok(self.params.decide(st, now, cost));
        }
        let mut st = State::FULL;
        let decision = self.params.decide(&mut st, now, cost);
        if !st.is_full(now) {
            self.insert(key.to_owned(), st, now);
        }
        Ok(decision)
    }

    /// Tracks a new key, making room first when needed.
    #[cold]
    fn insert(&mut self, key: K, st: State, now: u64) {
        if self.buckets.len() >= self.max_keys {
            self.sweep(now);
            if self.buckets.len() >= self.max_keys {
                self.evict_nearest_full();
            }
        } else if self.buckets.len() >= self.sweep_above {
            self.sweep(now);
        }
        self.buckets.insert(key, st);
    }

    /// Evicts the `max_keys/8` (at least 1) buckets nearest to full, plus any tied with
    /// the last of them.
    fn evict_nearest_full(&mut self) {
        let batch = (self.max_keys / EVICT_BATCH_DIVISOR).clamp(1, self.buckets.len().max(1));
        let mut tats: Vec<(u128, u64)> = self.buckets.values().map(|s| (s.ns(), s.fr)).collect();
        if tats.is_empty() {
            return;
        }
        let (_, &mut cut, _) = tats.select_nth_unstable(batch - 1);
        self.buckets.retain(|_, s| (s.ns(), s.fr) > cut);
        self.sweep_above = (2 * self.buckets.len()).max(MIN_SWEEP_LEN);
    }

    /// Drops every bucket that is full at `now` (this changes no decision). Runs
    /// automatically; public for callers who want `len` to count only non-full buckets.
    pub fn sweep(&mut self, now: u64) {
        let now = now.max(self.last_now);
        self.last_now = now;
        self.buckets.retain(|_, s| !s.is_full(now));
        self.sweep_above = (2 * self.buckets.len()).max(MIN_SWEEP_LEN);
    }

    /// Tokens of `key` at `now` (capacity for an untracked key; 0 if the configuration is
    /// invalid).
    pub fn tokens_at<Q>(&self, key: &Q, now: u64) -> f64
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let st = self.buckets.get(key).copied().unwrap_or(State::FULL);
        self.params.tokens(&st, now.max(self.last_now))
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
    pub fn set_config(&mut self, config: BucketConfig, now: u64) {
        let now = now.max(self.last_now);
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

    fn check(&mut self, key: &str, now: u64, cost: u32) -> Result<Decision, LimiterError> {
        KeyedLimiter::check(self, key, now, cost)
    }
    fn reset(&mut self, key: &str) -> Result<(), Self::Error> {
        KeyedLimiter::reset(self, key);
        Ok(())
    }
    fn config(&self) -> BucketConfig {
        KeyedLimiter::config(self)
    }
    fn set_config(&mut self, config: BucketConfig, now: u64) -> Result<(), Self::Error> {
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

    const SEC: u64 = NANOS_PER_SEC;

    fn cfg(capacity: u32, rate: f64) -> BucketConfig {
        BucketConfig::new(capacity, rate).unwrap()
    }

    #[test]
    fn rate_ratio_is_exact_and_bounded() {
        assert_eq!(rate_ratio(3.0), (3, 1_000_000_000));
        assert_eq!(rate_ratio(0.5), (1, 2_000_000_000));
        assert_eq!(rate_ratio(1000.25), (4001, 4_000_000_000));
        // 0.1 = 3602879701896397 / 2^55 exactly.
        assert_eq!(rate_ratio(0.1), (3602879701896397, 1_000_000_000u128 << 55));
        assert_eq!(rate_ratio(2f64.powi(62)), (1 << 62, 1_000_000_000));
        assert_eq!(rate_ratio(2f64.powi(63)), (MAX_UNITS_PER_NS, 1_000_000_000));
        assert_eq!(rate_ratio(f64::MAX), (MAX_UNITS_PER_NS, 1_000_000_000));
        // 3·2^-66 rounds to the nearest multiple of 2^-64: 2^-64 (0.75 → 1).
        assert_eq!(
            rate_ratio(3.0 * 2f64.powi(-66)),
            (1, 1_000_000_000u128 << 64)
        );
        assert_eq!(
            rate_ratio(5.0 * 2f64.powi(-65)),
            (3, 1_000_000_000u128 << 64)
        );
        assert_eq!(rate_ratio(f64::from_bits(1)), (1, 1_000_000_000u128 << 64));
    }

    #[test]
    fn mul_div_floor_matches_narrow_arithmetic_and_wide_identity() {
        for (a, b, c) in [
            (0u128, 5u128, 7u128),
            (6, 9, 7),
            (123_456, 987_654_321, 1_000_000),
        ] {
            assert_eq!(mul_div_floor(a, b, c), a * b / c);
        }
        // (2^93 − 1)·2^93 / 2^93 = 2^93 − 1, with a 186-bit product.
        let big = (1u128 << 93) - 1;
        assert_eq!(mul_div_floor(big, 1 << 93, 1 << 93), big);
        // floor((c − 1)·(c + 1)/c) = c − 1 for c = 3·2^90.
        let c = 3u128 << 90;
        assert_eq!(mul_div_floor(c - 1, c + 1, c), c - 1);
    }

    #[test]
    fn starts_full_and_admits_exactly_the_burst() {
        let mut b = TokenBucket::new(cfg(10, 1.0));
        assert_eq!(b.tokens_at(0), 10.0);
        for i in 1..=10u32 {
            let d = b.check(0, 1).unwrap();
            assert!(d.allowed);
            assert_eq!(d.remaining, f64::from(10 - i));
            assert_eq!(d.retry_after_ns, 0);
            assert_eq!(d.full_after_ns, u64::from(i) * SEC);
        }
        let d = b.check(0, 1).unwrap();
        assert_eq!(
            d,
            Decision {
                allowed: false,
                remaining: 0.0,
                retry_after_ns: SEC,
                full_after_ns: 10 * SEC
            }
        );
        assert_eq!(b.tokens_at(SEC / 2), 0.5);
        assert_eq!(b.tokens_at(100 * SEC), 10.0);
    }

    #[test]
    fn three_per_second_for_an_hour_of_millisecond_steps_is_exact() {
        let cap = 5u64;
        let mut b = TokenBucket::new(cfg(cap as u32, 3.0));
        let mut admitted = 0u64;
        let step = 1_000_000; // 1 ms
        for i in 0..=3_600_000u64 {
            let t = i * step;
            while b.check(t, 1).unwrap().allowed {
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
        assert!(b.check(0, 1).unwrap().allowed);
        let d = b.check(0, 1).unwrap();
        assert!(!d.allowed);
        assert_eq!(d.retry_after_ns, 333_333_334); // ceil(1e9 / 3)
        assert_eq!(d.full_after_ns, 333_333_334);
        assert!(!b.clone().check(333_333_333, 1).unwrap().allowed);
        assert!(b.check(333_333_334, 1).unwrap().allowed);
        // Capacity 1: the bucket was full since 1e9/3 ns, so the next token comes a whole
        // interval after 333_333_334, at 666_666_667.33.. ns.
        let d = b.check(333_333_334, 1).unwrap();
        assert_eq!(d.retry_after_ns, 333_333_334);
        assert!(!b.clone().check(666_666_667, 1).unwrap().allowed);
        assert!(b.check(666_666_668, 1).unwrap().allowed);
        // With capacity 2 and a backlog, tokens arrive at exactly k·1e9/3 ns.
        let mut b = TokenBucket::new(cfg(2, 3.0));
        b.check(0, 2).unwrap();
        assert!(b.check(333_333_334, 1).unwrap().allowed);
        let d = b.check(333_333_334, 1).unwrap();
        assert_eq!(d.retry_after_ns, 666_666_667 - 333_333_334);
        assert!(!b.clone().check(666_666_666, 1).unwrap().allowed);
        assert!(b.check(666_666_667, 1).unwrap().allowed);
    }

    #[test]
    fn retry_after_for_a_larger_cost() {
        let mut b = TokenBucket::new(cfg(4, 3.0));
        assert!(b.check(0, 4).unwrap().allowed);
        let d = b.check(0, 3).unwrap();
        assert_eq!(d.retry_after_ns, SEC); // 3 tokens at 3/s
        assert_eq!(d.full_after_ns, 1_333_333_334);
        assert!(!b.clone().check(SEC - 1, 3).unwrap().allowed);
        let d = b.check(SEC, 3).unwrap();
        assert!(d.allowed);
        assert_eq!(d.remaining, 0.0);
    }

    #[test]
    fn cost_zero_is_allowed_and_changes_nothing() {
        let mut b = TokenBucket::new(cfg(2, 1.0));
        b.check(0, 2).unwrap();
        let before = b.clone();
        let d = b.check(SEC / 4, 0).unwrap();
        assert!(d.allowed);
        assert_eq!(d.remaining, 0.25);
        assert_eq!(d.full_after_ns, SEC * 7 / 4);
        assert_eq!(b.state, before.state);
    }

    #[test]
    fn cost_above_capacity_is_an_error_and_leaves_the_bucket_alone() {
        let mut b = TokenBucket::new(cfg(3, 1.0));
        assert_eq!(
            b.check(0, 4),
            Err(LimiterError::CostExceedsCapacity {
                cost: 4,
                capacity: 3
            })
        );
        assert_eq!(b.tokens_at(0), 3.0);
        assert!(b.check(0, 3).unwrap().allowed);
        assert!(b.check(0, u32::MAX).is_err());
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
        b.check(SEC, 2).unwrap();
        let late = b.check(SEC, 1).unwrap();
        let early = b.check(0, 1).unwrap();
        assert_eq!(early, late);
        assert_eq!(early.retry_after_ns, SEC);
        assert_eq!(b.tokens_at(0), 0.0);
        assert_eq!(b.tokens_at(SEC + SEC / 2), 0.5);
        assert!(b.check(2 * SEC, 1).unwrap().allowed);
    }

    #[test]
    fn extreme_rates_do_not_overflow() {
        let mut slow = TokenBucket::new(cfg(u32::MAX, f64::MIN_POSITIVE));
        assert!(slow.check(0, u32::MAX).unwrap().allowed);
        let d = slow.check(u64::MAX, 1).unwrap();
        assert!(!d.allowed);
        assert_eq!(d.retry_after_ns, u64::MAX);
        assert_eq!(d.full_after_ns, u64::MAX);
        let mut fast = TokenBucket::new(cfg(u32::MAX, f64::MAX));
        assert!(fast.check(u64::MAX, u32::MAX).unwrap().allowed);
        assert!(!fast.check(u64::MAX, 1).unwrap().allowed);
        assert_eq!(fast.check(u64::MAX, 1).unwrap().retry_after_ns, 1);
    }

    #[test]
    fn set_config_keeps_tokens_clamped_and_exact() {
        let mut b = TokenBucket::new(cfg(10, 1.0));
        b.check(0, 4).unwrap();
        b.set_config(cfg(5, 1.0), 0);
        assert_eq!(b.tokens_at(0), 5.0);
        b.set_config(cfg(20, 1.0), 0);
        assert_eq!(b.tokens_at(0), 5.0);
        assert_eq!(b.tokens_at(15 * SEC), 20.0);
        // Fractional tokens survive a rate change exactly.
        let mut b = TokenBucket::new(cfg(10, 1.0));
        b.check(0, 10).unwrap();
        b.set_config(cfg(10, 2.0), SEC / 2);
        assert_eq!(b.tokens_at(SEC / 2), 0.5);
        assert!(!b.clone().check(SEC * 3 / 4 - 1, 1).unwrap().allowed);
        assert!(b.check(SEC * 3 / 4, 1).unwrap().allowed);
        // 1/3 token at 3/s becomes floor((1/3)·D') units at 0.1/s: never more.
        let mut b = TokenBucket::new(cfg(1, 3.0));
        b.check(0, 1).unwrap();
        b.set_config(cfg(1, 0.1), 111_111_111);
        let t = b.tokens_at(111_111_111);
        assert!(t <= 1.0 / 3.0 && t > 0.3333333, "{t}");
        assert_eq!(b.config(), cfg(1, 0.1));
    }

    #[test]
    fn keyed_tracks_only_non_full_buckets() {
        let mut k: KeyedLimiter<String> = KeyedLimiter::new(cfg(2, 1.0));
        assert!(k.check("a", 0, 0).unwrap().allowed);
        assert_eq!(k.len(), 0);
        assert!(k.check("a", 0, 1).unwrap().allowed);
        assert_eq!(k.len(), 1);
        assert_eq!(k.tokens_at("a", 0), 1.0);
        assert_eq!(k.tokens_at("zz", 0), 2.0);
        assert_eq!(
            k.check("a", 0, 3),
            Err(LimiterError::CostExceedsCapacity {
                cost: 3,
                capacity: 2
            })
        );
        assert_eq!(k.len(), 1);
        k.sweep(SEC - 1);
        assert_eq!(k.len(), 1);
        k.sweep(SEC);
        assert!(k.is_empty());
        k.check("b", SEC, 2).unwrap();
        k.reset("b");
        assert!(k.is_empty());
        assert_eq!(k.tokens_at("b", SEC), 2.0);
    }

    #[test]
    fn keyed_sweeps_full_buckets_automatically() {
        let mut k: KeyedLimiter<u32> = KeyedLimiter::new(cfg(1, 1.0));
        for key in 0..MIN_SWEEP_LEN as u32 {
            k.check(&key, 0, 1).unwrap();
        }
        assert_eq!(k.len(), MIN_SWEEP_LEN);
        // All 64 are full one second later; the next insertion sweeps them.
        k.check(&1000, SEC, 1).unwrap();
        assert_eq!(k.len(), 1);
    }

    #[test]
    fn keyed_hard_limit_evicts_the_buckets_nearest_to_full() {
        let mut k: KeyedLimiter<String> = KeyedLimiter::with_max_keys(cfg(10, 1.0), 2);
        assert_eq!(k.max_keys(), 2);
        k.check("deep", 0, 9).unwrap();
        k.check("shallow", 0, 1).unwrap();
        k.check("new", 0, 1).unwrap();
        assert_eq!(k.len(), 2);
        assert_eq!(k.tokens_at("deep", 0), 1.0);
        assert_eq!(k.tokens_at("new", 0), 9.0);
        assert_eq!(k.tokens_at("shallow", 0), 10.0); // forgotten: restarts full
        // Full buckets go first: at 5 s "new" is full (since 1 s), "deep" holds 6.
        k.check("other", 5 * SEC, 1).unwrap();
        assert_eq!(k.len(), 2);
        assert_eq!(k.tokens_at("deep", 5 * SEC), 6.0);
        assert_eq!(k.tokens_at("other", 5 * SEC), 9.0);
        let mut k: KeyedLimiter<String> = KeyedLimiter::with_max_keys(cfg(10, 1.0), 0);
        assert_eq!(k.max_keys(), 1);
        k.check("a", 0, 5).unwrap();
        k.check("b", 0, 5).unwrap();
        assert_eq!(k.len(), 1);
        assert_eq!(k.tokens_at("b", 0), 5.0);
    }

    #[test]
    fn keyed_set_config_clamps_and_drops_full_buckets() {
        let mut k: KeyedLimiter<String> = KeyedLimiter::new(cfg(10, 1.0));
        k.check("a", 0, 8).unwrap();
        k.check("b", 0, 1).unwrap();
        k.set_config(cfg(3, 1.0), 0);
        assert_eq!(k.len(), 1);
        assert_eq!(k.tokens_at("a", 0), 2.0);
        assert_eq!(k.tokens_at("b", 0), 3.0);
        let backend: &mut dyn LimiterBackend<Error = std::convert::Infallible> = &mut k;
        assert_eq!(backend.set_config(cfg(4, 1.0), 0), Ok(()));
        assert_eq!(backend.config(), cfg(4, 1.0));
        assert_eq!(backend.describe(), "memory");
        assert_eq!(k.tokens_at("a", 0), 2.0);
    }
}

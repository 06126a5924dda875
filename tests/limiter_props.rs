//! Property tests of the token bucket against exact integer oracles.
//!
//! The oracle for a rate is computed here, independently of the library: an `f64` rate is
//! exactly `m·2^e` tokens/s, so "admitted ≤ capacity + rate·Δt" becomes an integer
//! inequality with no epsilon at all.

use std::collections::HashMap;

use proptest::prelude::*;
use ringside::patterns::Nanos;
use ringside::patterns::limiter::{BucketConfig, KeyedLimiter, LimiterBackend, TokenBucket};

const SEC: u128 = 1_000_000_000;

fn ns(t: u64) -> Nanos {
    Nanos::from_nanos(t)
}

/// `rate` (tokens/s) as `num/den` tokens per nanosecond, exactly.
fn exact_rate_per_ns(rate: f64) -> (u128, u128) {
    let bits = rate.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    assert!(exp > 0, "test rates are normal numbers");
    let m = u128::from((bits & ((1 << 52) - 1)) | (1 << 52));
    let e = exp - 1075;
    if e >= 0 {
        (m << e, SEC)
    } else {
        (m, SEC << (-e))
    }
}

/// Rates in the exactly-represented range, including non-dyadic decimals (0.1, 7.3…).
fn rate() -> impl Strategy<Value = f64> {
    prop_oneof![
        (1u32..2_000).prop_map(f64::from),
        (1u32..100_000).prop_map(|x| f64::from(x) / 10.0),
        (1u32..1_000).prop_map(|x| f64::from(x) / 1000.0),
        (1u32..64).prop_map(|x| f64::from(x) * 1e6 / 7.0),
        Just(3.0),
        Just(0.1),
    ]
}

/// Time steps: mostly tiny, sometimes long pauses, sometimes none.
fn dt() -> impl Strategy<Value = u64> {
    prop_oneof![
        3 => Just(0u64),
        4 => 0u64..2_000_000,
        2 => 0u64..3_000_000_000,
        1 => Just(1u64),
    ]
}

fn ops() -> impl Strategy<Value = (u32, f64, Vec<(u64, u32)>)> {
    (1u32..20, rate()).prop_flat_map(|(cap, rate)| {
        (
            Just(cap),
            Just(rate),
            prop::collection::vec((dt(), 0..=cap), 1..300),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Within any window [t0, t1] the admitted cost is ≤ capacity + rate·(t1 − t0), exactly;
    /// retry_after is exact to the nanosecond; tokens stay within [0, capacity].
    #[test]
    fn window_bound_retry_after_and_token_range((cap, rate, ops) in ops()) {
        let (num, den) = exact_rate_per_ns(rate);
        let mut b = TokenBucket::new(BucketConfig::new(cap, rate).unwrap());
        let mut now = 0u64;
        let mut admitted: Vec<(u64, u128)> = Vec::new(); // (time, cost)
        for (step, cost) in ops {
            now += step;
            let d = b.check(cost, ns(now)).unwrap();
            let tokens = b.tokens_at(ns(now));
            prop_assert!((0.0..=f64::from(cap)).contains(&tokens), "tokens {tokens}");
            prop_assert!((0.0..=f64::from(cap)).contains(&d.remaining));
            if d.allowed {
                prop_assert_eq!(d.retry_after, Nanos::ZERO);
                prop_assert_eq!(d.remaining, tokens);
                admitted.push((now, u128::from(cost)));
            } else {
                prop_assert!(cost > 0 && d.retry_after > Nanos::ZERO);
                let retry_at = ns(now) + d.retry_after;
                prop_assert!(!b.clone().check(cost, retry_at - ns(1)).unwrap().allowed);
                prop_assert!(b.clone().check(cost, retry_at).unwrap().allowed);
            }
            // full_after is the least whole ns after which the bucket is full.
            // (Checked with a cost of `cap`: the f64 `tokens_at` may round a deficit of a
            // fraction of a unit up to `cap`.)
            let full_at = ns(now) + d.full_after;
            if d.full_after > Nanos::ZERO {
                prop_assert!(!b.clone().check(cap, full_at - ns(1)).unwrap().allowed);
            }
            prop_assert!(b.clone().check(cap, full_at).unwrap().allowed);
            prop_assert_eq!(b.tokens_at(full_at), f64::from(cap));
        }
        // Max over windows is attained with both ends at admission times.
        let mut prefix = vec![0u128];
        for &(_, c) in &admitted {
            prefix.push(prefix.last().unwrap() + c);
        }
        for i in 0..admitted.len() {
            for j in i..admitted.len() {
                let sum = prefix[j + 1] - prefix[i];
                let span = u128::from(admitted[j].0 - admitted[i].0);
                // sum ≤ cap + span·num/den  ⇔  sum·den ≤ cap·den + span·num
                prop_assert!(
                    sum * den <= u128::from(cap) * den + span * num,
                    "window [{}, {}] admitted {sum}", admitted[i].0, admitted[j].0
                );
            }
        }
    }

    /// Retried until denied at every step, with steps short enough that the bucket never
    /// refills to full in between (≤ (cap − 1)/rate), a bucket admits exactly
    /// floor(cap + rate·t).
    #[test]
    fn greedy_admission_is_exactly_the_floor(
        (cap, rate, steps) in (2u32..50, rate()).prop_flat_map(|(cap, rate)| {
            let max_step = (f64::from(cap - 1) / rate * 1e9).floor().min(1e10) as u64;
            (Just(cap), Just(rate), prop::collection::vec(0..=max_step, 1..200))
        }),
    ) {
        let (num, den) = exact_rate_per_ns(rate);
        let mut b = TokenBucket::new(BucketConfig::new(cap, rate).unwrap());
        let (mut now, mut total) = (0u64, 0u128);
        // The bucket must be drained from t = 0, or refill before the first check is capped.
        for step in std::iter::once(0).chain(steps) {
            now += step;
            while b.check(1, ns(now)).unwrap().allowed {
                total += 1;
            }
            prop_assert_eq!(total, (u128::from(cap) * den + u128::from(now) * num) / den);
        }
    }

    /// Feeding a `now` that sometimes goes backwards behaves exactly like feeding the
    /// running maximum: no tokens are minted.
    #[test]
    fn backwards_time_is_the_latest_time_seen(
        (cap, rate, ops) in ops(),
        back in prop::collection::vec(0u64..4_000_000_000, 300),
    ) {
        let config = BucketConfig::new(cap, rate).unwrap();
        let (mut raw, mut clamped) = (TokenBucket::new(config), TokenBucket::new(config));
        let (mut now, mut latest) = (0u64, 0u64);
        for ((step, cost), back) in ops.into_iter().zip(back) {
            now += step;
            let given = now.saturating_sub(back);
            latest = latest.max(given);
            prop_assert_eq!(raw.check(cost, ns(given)), clamped.check(cost, ns(latest)));
            prop_assert_eq!(raw.tokens_at(ns(given)), clamped.tokens_at(ns(latest)));
        }
    }

    /// Eviction of full buckets is invisible: a keyed limiter decides exactly like one
    /// bucket per key kept forever; with a hard limit it never tracks more keys.
    #[test]
    fn keyed_with_eviction_equals_infinite_memory(
        cap in 1u32..10,
        rate in rate(),
        ops in prop::collection::vec((0u32..300, dt(), 0u32..10, 0u8..40), 1..600),
    ) {
        let config = BucketConfig::new(cap, rate).unwrap();
        let mut keyed: KeyedLimiter<String> = KeyedLimiter::new(config);
        let mut capped: KeyedLimiter<String> = KeyedLimiter::with_max_keys(config, 50);
        let mut model: HashMap<String, TokenBucket> = HashMap::new();
        let (mut now, mut peak_held) = (0u64, 0usize);
        for (key, step, cost, action) in ops {
            now += step;
            let key = format!("k{key}");
            match action {
                0 => {
                    // A sweep drops exactly the full buckets.
                    keyed.sweep(ns(now));
                    let held = model.values().filter(|b| b.tokens_at(ns(now)) < f64::from(cap)).count();
                    prop_assert_eq!(keyed.len(), held);
                }
                1 => {
                    LimiterBackend::reset(&mut keyed, &key).unwrap();
                    model.remove(&key);
                }
                2..=9 => {
                    // The verdict alone (`allows`) is the full decision's `allowed`.
                    let cost = cost % (cap + 1);
                    let expected = model
                        .entry(key.clone())
                        .or_insert_with(|| TokenBucket::new(config))
                        .check(cost, ns(now))
                        .map(|d| d.allowed);
                    prop_assert_eq!(keyed.allows(key.as_str(), cost, ns(now)), expected);
                    capped.allows(key.as_str(), cost, ns(now)).unwrap();
                    prop_assert!(capped.len() <= 50);
                }
                _ => {
                    let cost = cost % (cap + 1);
                    let expected = model
                        .entry(key.clone())
                        .or_insert_with(|| TokenBucket::new(config))
                        .check(cost, ns(now));
                    prop_assert_eq!(keyed.check(key.as_str(), cost, ns(now)), expected);
                    capped.check(key.as_str(), cost, ns(now)).unwrap();
                    prop_assert!(capped.len() <= 50);
                }
            }
            let model_tokens = model.get(&key).map_or(f64::from(cap), |b| b.tokens_at(ns(now)));
            prop_assert_eq!(keyed.tokens_at(key.as_str(), ns(now)), model_tokens);
            // Memory stays within twice the peak number of buckets in debt (at least 64).
            let held = model.values().filter(|b| b.tokens_at(ns(now)) < f64::from(cap)).count();
            peak_held = peak_held.max(held);
            prop_assert!(keyed.len() >= held);
            prop_assert!(keyed.len() <= (2 * peak_held).max(64));
        }
    }
}

/// Exact GCRA from the definition, one bucket: time counted in units of `1/num` ns, so a
/// token is `den` units and the burst tolerance `capacity·den` (all integers).
struct GcraOracle {
    num: u128,
    den: u128,
    cap: u128,
    /// Theoretical arrival time, in units.
    tat: u128,
}

impl GcraOracle {
    fn new(cap: u32, rate: f64) -> Self {
        let (num, den) = exact_rate_per_ns(rate);
        GcraOracle {
            num,
            den,
            cap: u128::from(cap),
            tat: 0,
        }
    }

    /// Admits `cost` at `now` ns iff `max(tat, now) + cost ≤ now + tolerance`.
    fn allows(&mut self, cost: u32, now: u64) -> bool {
        let now = u128::from(now) * self.num;
        let next = self.tat.max(now) + u128::from(cost) * self.den;
        let allowed = next <= now + self.cap * self.den;
        if allowed {
            self.tat = next;
        }
        allowed
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// The verdict alone (`allows`, with its `u64` fast path for unit costs while times
    /// stay below 2^62 ns) is exact GCRA, including runs that start just before 2^62 ns,
    /// or 2^63, and cross it; several keys, each its own bucket.
    #[test]
    fn allows_is_exact_gcra_across_the_fast_path_bound(
        (cap, rate, ops) in ops(),
        start in prop_oneof![Just(0u64), Just((1u64 << 62) - 4_000_000_000), Just((1u64 << 63) - 4_000_000_000)],
        keys in prop::collection::vec(0u8..3, 300),
    ) {
        let config = BucketConfig::new(cap, rate).unwrap();
        let mut keyed: KeyedLimiter<String> = KeyedLimiter::new(config);
        let mut oracles: HashMap<u8, GcraOracle> = HashMap::new();
        let mut now = start;
        for ((step, cost), key) in ops.into_iter().zip(keys) {
            now += step;
            // Unit costs mostly: the fast path's case.
            let cost = if key == 0 { cost } else { 1 };
            let oracle = oracles.entry(key).or_insert_with(|| GcraOracle::new(cap, rate));
            let expected = oracle.allows(cost, now);
            prop_assert_eq!(keyed.allows(format!("k{key}").as_str(), cost, ns(now)), Ok(expected));
        }
    }
}

//! The four rate limiters of `patterns::window::Limiter` against oracles written here from
//! the definitions in issue 15 (not from the library's code), on random traces of
//! `(T ms, key)` with non-decreasing `T`. Each oracle keeps the whole history of allowed
//! requests and recounts it from the definition at every request.

mod support;

use proptest::prelude::*;
use ringside::patterns::Nanos;
use ringside::patterns::limiter::BucketConfig;
use ringside::patterns::window::{Algorithm, Limiter, WindowConfig};
use support::limiter_trace;

/// A trace: non-decreasing times in ms (steps of 0..=2W, so windows are skipped too).
fn trace(window_ms: u64) -> impl Strategy<Value = Vec<(u64, u32)>> {
    limiter_trace::trace(2 * window_ms)
}

/// The library's decisions on `trace`.
fn decide(mut limiter: Limiter<String>, trace: &[(u64, u32)]) -> Vec<bool> {
    trace
        .iter()
        .map(|&(t, key)| limiter.allows(key.to_string().as_str(), Nanos::from_millis(t)))
        .collect()
}

/// An oracle's decisions: `allow(history of allowed (t, key), t, key)`.
fn oracle(trace: &[(u64, u32)], allow: impl Fn(&[(u64, u32)], u64, u32) -> bool) -> Vec<bool> {
    let mut allowed = Vec::new();
    trace
        .iter()
        .map(|&(t, key)| {
            let yes = allow(&allowed, t, key);
            if yes {
                allowed.push((t, key));
            }
            yes
        })
        .collect()
}

/// Allowed requests of `key` whose time satisfies `when`.
fn count(history: &[(u64, u32)], key: u32, when: impl Fn(u64) -> bool) -> u64 {
    history
        .iter()
        .filter(|&&(t, k)| k == key && when(t))
        .count() as u64
}

fn windowed(algorithm: Algorithm, limit: u32, window_ms: u64) -> Limiter<String> {
    let config = WindowConfig::new(limit, Nanos::from_millis(window_ms)).unwrap();
    Limiter::windowed(algorithm, config).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn fixed_window_matches_its_definition(
        (limit, w, trace) in (1u32..6, 1u64..500).prop_flat_map(|(l, w)| (Just(l), Just(w), trace(w)))
    ) {
        let expected = oracle(&trace, |h, t, key| count(h, key, |s| s / w == t / w) < u64::from(limit));
        prop_assert_eq!(decide(windowed(Algorithm::FixedWindow, limit, w), &trace), expected);
    }

    #[test]
    fn sliding_log_matches_its_definition_and_is_exact(
        (limit, w, trace) in (1u32..6, 1u64..500).prop_flat_map(|(l, w)| (Just(l), Just(w), trace(w)))
    ) {
        let in_window = |t: u64| move |s: u64| s + w > t; // s in (t − W, t]
        let expected = oracle(&trace, |h, t, key| count(h, key, in_window(t)) < u64::from(limit));
        let got = decide(windowed(Algorithm::SlidingLog, limit, w), &trace);
        prop_assert_eq!(&got, &expected);
        // Exactness: no window (t − W, t] ever holds more than L allowed requests of a key,
        // and a denied request found exactly L there.
        let allowed: Vec<_> = trace.iter().zip(&got).filter(|(_, a)| **a).map(|(r, _)| *r).collect();
        for (&(t, key), &yes) in trace.iter().zip(&got) {
            let inside = count(&allowed, key, |s| s <= t && s + w > t);
            prop_assert!(inside <= u64::from(limit));
            if !yes {
                prop_assert_eq!(inside, u64::from(limit));
            }
        }
    }

    #[test]
    fn sliding_window_matches_its_definition(
        (limit, w, trace) in (1u32..6, 1u64..500).prop_flat_map(|(l, w)| (Just(l), Just(w), trace(w)))
    ) {
        let expected = oracle(&trace, |h, t, key| {
            let (win, e) = (t / w, t % w);
            let prev = if win == 0 { 0 } else { count(h, key, |s| s / w == win - 1) };
            let curr = count(h, key, |s| s / w == win);
            prev * (w - e) + curr * w < u64::from(limit) * w
        });
        prop_assert_eq!(decide(windowed(Algorithm::SlidingWindow, limit, w), &trace), expected);
    }

    /// `window_used` before each request is the definition's count of the key at that
    /// time, and a request is allowed iff it is below the limit.
    #[test]
    fn what_a_key_used_is_the_definitions_count(
        (limit, w, trace) in (1u32..6, 1u64..500).prop_flat_map(|(l, w)| (Just(l), Just(w), trace(w)))
    ) {
        for algorithm in [Algorithm::FixedWindow, Algorithm::SlidingLog, Algorithm::SlidingWindow] {
            let mut limiter = windowed(algorithm, limit, w);
            let mut history: Vec<(u64, u32)> = Vec::new();
            for &(t, key) in &trace {
                let name = key.to_string();
                let now = Nanos::from_millis(t);
                let used = limiter.window_used(name.as_str(), now).unwrap();
                let want = match algorithm {
                    Algorithm::FixedWindow => count(&history, key, |s| s / w == t / w) as f64,
                    Algorithm::SlidingLog => count(&history, key, |s| s + w > t) as f64,
                    _ => {
                        let (win, e) = (t / w, t % w);
                        let prev = if win == 0 { 0 } else { count(&history, key, |s| s / w == win - 1) };
                        let curr = count(&history, key, |s| s / w == win);
                        (prev * (w - e) + curr * w) as f64 / w as f64
                    }
                };
                prop_assert!((used - want).abs() < 1e-9, "{algorithm} at {t}: {used} vs {want}");
                let yes = limiter.allows(name.as_str(), now);
                if algorithm != Algorithm::SlidingWindow {
                    prop_assert_eq!(yes, used < f64::from(limit));
                }
                if yes {
                    history.push((t, key));
                }
            }
        }
        let bucket = Limiter::<String>::token_bucket(BucketConfig::new(limit, 1.0).unwrap());
        prop_assert_eq!(bucket.window_used("a", Nanos::ZERO), None);
    }

    #[test]
    fn token_bucket_matches_its_definition(
        (capacity, refill, trace) in (1u32..6, 1u64..20).prop_flat_map(|(c, r)| (Just(c), Just(r), trace(300)))
    ) {
        // Each key starts full with C tokens, gains R tokens/s continuously up to C, and a
        // request takes one token when it has one. In milli-tokens all of it is exact.
        let mut buckets = std::collections::HashMap::new();
        let expected: Vec<bool> = trace.iter().map(|&(t, key)| {
            let full = u64::from(capacity) * 1000;
            let (tokens, last) = buckets.entry(key).or_insert((full, t));
            *tokens = (*tokens + refill * (t - *last)).min(full);
            *last = t;
            let yes = *tokens >= 1000;
            if yes {
                *tokens -= 1000;
            }
            yes
        }).collect();
        #[allow(clippy::cast_precision_loss)]
        let config = BucketConfig::new(capacity, refill as f64).unwrap();
        prop_assert_eq!(decide(Limiter::token_bucket(config), &trace), expected);
    }
}

#[test]
fn every_algorithm_is_named_and_parsed_back() {
    for algorithm in Algorithm::ALL {
        assert_eq!(algorithm.name().parse::<Algorithm>(), Ok(algorithm));
    }
    assert_eq!(
        Algorithm::ALL.iter().filter(|a| !a.is_windowed()).count(),
        1
    );
}

#[test]
fn memory_stays_bounded_under_a_flood_of_distinct_keys() {
    // A million distinct keys, each once, 1000 per window: the tables keep only the keys
    // still inside the window(s) that matter, and the sliding log never logs more than L.
    for algorithm in [
        Algorithm::FixedWindow,
        Algorithm::SlidingLog,
        Algorithm::SlidingWindow,
    ] {
        let config = WindowConfig::new(3, Nanos::from_millis(10)).unwrap();
        let mut limiter = Limiter::<String>::windowed(algorithm, config).unwrap();
        for i in 0..200_000u64 {
            limiter.allows(format!("k{i}").as_str(), Nanos::from_micros(10 * i));
        }
        let held = match &limiter {
            Limiter::FixedWindow(l) => l.len(),
            Limiter::SlidingLog(l) => l.len(),
            Limiter::SlidingWindow(l) => l.len(),
            Limiter::TokenBucket(_) => unreachable!(),
        };
        assert!(held <= 4 * 2000, "{algorithm}: {held} keys held");
    }
}

//! The leaky queue (`patterns::window::LeakyQueue`, issue 15 "in the engine also")
//! against an oracle written here from its definition, not from the library's code: per
//! key a literal queue of the send times of accepted requests; a request offered at `now`
//! is accepted when fewer than B of them are still waiting (send time after `now`), and
//! is sent at `max(now, previous accepted send time + 1/R)`, the first at once.

use std::collections::{HashMap, VecDeque};

mod support;

use proptest::prelude::*;
use ringside::patterns::Nanos;
use ringside::patterns::window::{LeakyQueue, QueueConfig};
use support::limiter_trace;

/// The definition's decisions on `trace` (`(t ns, key)`, non-decreasing `t`): each
/// request's send time, `None` when denied.
fn oracle(b: usize, interval: u64, trace: &[(u64, u32)]) -> Vec<Option<u64>> {
    let mut queues: HashMap<u32, (VecDeque<u64>, Option<u64>)> = HashMap::new();
    trace
        .iter()
        .map(|&(now, key)| {
            let (queue, previous) = queues.entry(key).or_default();
            // Sent requests leave the queue: those whose send time is not after `now`.
            queue.retain(|&start| start > now);
            if queue.len() >= b {
                return None;
            }
            let start = previous.map_or(now, |p| now.max(p + interval));
            *previous = Some(start);
            if start > now {
                queue.push_back(start);
            }
            Some(start)
        })
        .collect()
}

/// Non-decreasing times (steps of 0..=3 intervals, mostly small).
fn trace(interval: u64) -> impl Strategy<Value = Vec<(u64, u32)>> {
    limiter_trace::trace(3 * interval)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn send_times_are_the_definitions(
        (b, interval, trace) in (1u32..12, 1u64..5_000)
            .prop_flat_map(|(b, i)| (Just(b), Just(i), trace(i)))
    ) {
        let config = QueueConfig::new(b, Nanos::from_nanos(interval)).unwrap();
        let mut limiter: LeakyQueue<u32> = LeakyQueue::new(config);
        let said: Vec<Option<u64>> = trace
            .iter()
            .map(|&(t, key)| limiter.offer(&key, Nanos::from_nanos(t)).map(Nanos::as_nanos))
            .collect();
        prop_assert_eq!(said, oracle(b as usize, interval, &trace));
    }

    #[test]
    fn waiting_counts_the_definitions_queue(
        (b, interval, trace) in (1u32..12, 1u64..5_000)
            .prop_flat_map(|(b, i)| (Just(b), Just(i), trace(i)))
    ) {
        let config = QueueConfig::new(b, Nanos::from_nanos(interval)).unwrap();
        let mut limiter: LeakyQueue<u32> = LeakyQueue::new(config);
        let mut starts: HashMap<u32, Vec<u64>> = HashMap::new();
        for &(t, key) in &trace {
            let now = Nanos::from_nanos(t);
            let waiting = starts.get(&key).map_or(0, |s| s.iter().filter(|&&s| s > t).count());
            prop_assert_eq!(limiter.waiting(&key, now) as usize, waiting);
            prop_assert!(waiting <= b as usize);
            if let Some(start) = limiter.offer(&key, now) {
                starts.entry(key).or_default().push(start.as_nanos());
            }
        }
    }
}

#[test]
fn a_long_run_at_the_drain_rate_never_drifts() {
    // 3 per second is 333 333 333 ns apart, rounded once: after a million sends the
    // millionth is sent at exactly 999 999 × that, not a float sum's approximation.
    let config = QueueConfig::new(2_000_000, Nanos::from_nanos(333_333_333)).unwrap();
    let mut limiter: LeakyQueue<String> = LeakyQueue::new(config);
    let mut last = None;
    for _ in 0..1_000_000 {
        last = limiter.offer("k", Nanos::ZERO);
    }
    assert_eq!(last, Some(Nanos::from_nanos(999_999 * 333_333_333)));
}

#[test]
fn idle_keys_are_swept() {
    // A million distinct keys, one request each, 1 µs apart with a 1 ns drain interval:
    // no queue shapes anything a nanosecond later, so the table stays small.
    let config = QueueConfig::new(1, Nanos::from_nanos(1)).unwrap();
    let mut limiter: LeakyQueue<u32> = LeakyQueue::new(config);
    for k in 0..1_000_000u32 {
        assert!(limiter.allows(&k, Nanos::from_micros(u64::from(k))));
    }
    assert!(limiter.len() <= 128, "{} queues held", limiter.len());
}

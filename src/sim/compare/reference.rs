//! The exact sliding log a limiter's decisions are judged against (Cloudflare's measure of
//! a rate limiter: how many of its decisions differ from an exact sliding log over the same
//! requests).

use std::collections::VecDeque;

use crate::patterns::limiter::BucketConfig;
use crate::patterns::window::WindowConfig;
use crate::sim::scenario::LimiterSpec;

/// The exact sliding log a token bucket of capacity C and refill R is judged against:
/// at most `limit` = C allowed requests in any window of `window_ns` = C / R seconds (the
/// time the bucket takes to refill from empty), so a tenant sending at the bucket's
/// sustained rate is never wrongly refused and a burst is judged by the bucket's own size.
/// ([`WindowConfig::of_bucket`]; the window limiters of the engine use the same window).
pub fn reference_window(spec: &LimiterSpec) -> (u32, u64) {
    match BucketConfig::new(spec.capacity, spec.refill_per_sec) {
        Ok(bucket) => {
            let w = WindowConfig::of_bucket(bucket);
            (w.limit(), w.window().as_nanos())
        }
        // A scenario is validated before it runs; this keeps the function total.
        Err(_) => (spec.capacity.max(1), 1),
    }
}

/// Per tenant, the times of the requests the exact sliding log allowed within the last
/// window, and how many of the limiter's decisions it disagreed with; and the times of
/// the requests the limiter allowed within the last window, for its worst window.
///
/// Memory: a tenant's log holds at most `limit` times, and only times within the window,
/// so all logs together hold at most the requests of the last window (and the limiter's
/// log at most what the limiter allowed in the last window).
#[derive(Debug, Clone)]
pub struct ReferenceLog {
    limit: u32,
    window_ns: u64,
    logs: Vec<VecDeque<u64>>,
    admitted: Vec<VecDeque<u64>>,
    checked: u64,
    wrong: u64,
    wrongly_allowed: u64,
    worst_excess: u64,
}

/// Drop the times of `log` that are out of the window ending at `now_ns`: t ≤ now − window.
fn slide(log: &mut VecDeque<u64>, window_ns: u64, now_ns: u64) {
    while log
        .front()
        .is_some_and(|&t| t.saturating_add(window_ns) <= now_ns)
    {
        log.pop_front();
    }
}

impl ReferenceLog {
    /// A log allowing `limit` requests per `window_ns` for each of `tenants` tenants.
    pub fn new(limit: u32, window_ns: u64, tenants: usize) -> Self {
        Self {
            limit,
            window_ns,
            logs: vec![VecDeque::new(); tenants],
            admitted: vec![VecDeque::new(); tenants],
            checked: 0,
            wrong: 0,
            wrongly_allowed: 0,
            worst_excess: 0,
        }
    }

    /// Judge the limiter's decision (`allowed`) for `tenant` at `now_ns` (non-decreasing):
    /// the exact log allows iff fewer than `limit` requests it allowed lie in
    /// (now − window, now]. An allowed request also ends a window whose limiter-allowed
    /// count may be the worst so far ([`worst_excess`](Self::worst_excess)).
    pub fn judge(&mut self, tenant: usize, now_ns: u64, allowed: bool) {
        let (Some(log), Some(admitted)) =
            (self.logs.get_mut(tenant), self.admitted.get_mut(tenant))
        else {
            return;
        };
        slide(log, self.window_ns, now_ns);
        if allowed {
            // The busiest windows end at an allowed request: checking there finds the max.
            slide(admitted, self.window_ns, now_ns);
            admitted.push_back(now_ns);
            let excess = (admitted.len() as u64).saturating_sub(u64::from(self.limit));
            self.worst_excess = self.worst_excess.max(excess);
        }
        let exact = log.len() < self.limit as usize;
        if exact {
            log.push_back(now_ns);
        }
        self.checked += 1;
        if exact != allowed {
            self.wrong += 1;
            if allowed {
                self.wrongly_allowed += 1;
            }
        }
    }

    /// Decisions judged.
    pub fn checked(&self) -> u64 {
        self.checked
    }

    /// Decisions that differ from the exact log's.
    pub fn wrong(&self) -> u64 {
        self.wrong
    }

    /// Of those, requests the limiter allowed and the exact log refused (over-admission).
    pub fn wrongly_allowed(&self) -> u64 {
        self.wrongly_allowed
    }

    /// Over-admission in the worst window: the most requests of one tenant the limiter
    /// allowed in any window `(T − window, T]`, less the limit (0 when it never allowed
    /// more than the limit in a window).
    pub fn worst_excess(&self) -> u64 {
        self.worst_excess
    }

    /// The log's limit and window.
    pub fn window(&self) -> (u32, u64) {
        (self.limit, self.window_ns)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_is_the_refill_time_of_a_full_bucket() {
        let spec = LimiterSpec {
            algorithm: crate::patterns::window::Algorithm::TokenBucket,
            backend: None,
            capacity: 200,
            refill_per_sec: 600.0,
        };
        assert_eq!(reference_window(&spec), (200, 333_333_333));
    }

    #[test]
    fn it_allows_limit_per_window_and_counts_disagreements() {
        // 2 per 10 ns: 0 and 1 allowed; 5 refused (two in (-5, 5]); at 10, 0 has left
        // (0 ≤ 10 − 10), so 10 is allowed; at 11, 1 has left, so 11 is allowed; 12 is
        // refused (10 and 11 in (2, 12]).
        let mut log = ReferenceLog::new(2, 10, 1);
        let decisions = [
            (0, true),
            (1, true),
            (5, true),
            (10, true),
            (11, true),
            (12, false),
        ];
        for (t, allowed) in decisions {
            log.judge(0, t, allowed);
        }
        assert_eq!(log.checked(), 6);
        // Only 5 differs: the limiter allowed it, the exact log did not.
        assert_eq!((log.wrong(), log.wrongly_allowed()), (1, 1));
        // The limiter allowed 0, 1, 5 in (-4, 5] and 5, 10, 11 in (1, 11]: 3 in a window
        // of limit 2.
        assert_eq!(log.worst_excess(), 1);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

        /// Against the definition, by brute force: every allowed time kept, and a request
        /// at T allowed iff fewer than L of them lie in (T − W, T].
        #[test]
        fn it_is_the_exact_sliding_log(
            gaps in proptest::collection::vec(0u64..20, 1..150),
            limit in 1u32..6,
            window in 1u64..60,
            said in proptest::collection::vec(proptest::bool::ANY, 150),
        ) {
            let mut log = ReferenceLog::new(limit, window, 1);
            let mut kept: Vec<u64> = Vec::new();
            let (mut now, mut wrong, mut over) = (0u64, 0u64, 0u64);
            let mut said_yes: Vec<u64> = Vec::new();
            for (gap, &allowed) in gaps.iter().zip(&said) {
                now += gap;
                let inside = kept
                    .iter()
                    .filter(|&&t| i128::from(t) > i128::from(now) - i128::from(window))
                    .count();
                let exact = inside < limit as usize;
                if exact {
                    kept.push(now);
                }
                if exact != allowed {
                    wrong += 1;
                    over += u64::from(allowed);
                }
                if allowed {
                    said_yes.push(now);
                }
                log.judge(0, now, allowed);
            }
            proptest::prop_assert_eq!((log.wrong(), log.wrongly_allowed()), (wrong, over));
            // Worst window, by brute force over every window (T − W, T] ending at a time
            // seen (a window ending elsewhere holds no more than the one ending at its last
            // allowed request).
            let worst = said_yes
                .iter()
                .map(|&end| said_yes.iter().filter(|&&t| t <= end && t + window > end).count())
                .max()
                .unwrap_or(0);
            proptest::prop_assert_eq!(
                log.worst_excess(),
                (worst as u64).saturating_sub(u64::from(limit))
            );
            proptest::prop_assert_eq!(log.checked(), gaps.len() as u64);
        }
    }
}

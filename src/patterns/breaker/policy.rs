//! [`TripPolicy`]: what opens a closed breaker, and the [`RateThresholds`] of the window
//! policies.

use crate::patterns::Nanos;

/// What opens a closed breaker. Open, half-open and recovery are the same for every
/// policy; only the closed state's rule differs.
///
/// * [`Consecutive`](Self::Consecutive): `failure_threshold` failures in a row (a success
///   starts the count again).
/// * [`CountWindow`](Self::CountWindow): resilience4j's `COUNT_BASED` window — the last
///   `calls` calls recorded while closed.
/// * [`TimeWindow`](Self::TimeWindow): resilience4j's `TIME_BASED` window — the calls
///   recorded while closed in the last `secs` seconds, in 1-second buckets as resilience4j
///   keeps them: with `s = ⌊now / 1 s⌋` at the record, the calls recorded in seconds
///   `s − secs + 1 ..= s`.
///
/// A window policy evaluates its window after each recorded outcome: once it holds at
/// least `minimum_calls` calls, it opens if the failure rate or the slow-call rate (as
/// percentages of the calls in the window) is at or above its threshold. Every transition
/// empties the window, so a breaker closing after its probes starts from nothing (as
/// resilience4j's fresh closed state does).
///
/// ```
/// use ringside::patterns::Nanos;
/// use ringside::patterns::breaker::{
///     BreakerConfig, CircuitBreaker, Outcome, RateThresholds, State, TripPolicy,
/// };
///
/// // Open when half of the last 4 calls failed (at least 4 calls seen); no slow calls.
/// let rates = RateThresholds::new(4, 50);
/// let policy = TripPolicy::CountWindow { calls: 4, rates };
/// let mut breaker = CircuitBreaker::new(BreakerConfig::builder().policy(policy).build()?);
/// for (i, outcome) in [Outcome::Failure, Outcome::Success, Outcome::Success, Outcome::Failure]
///     .into_iter()
///     .enumerate()
/// {
///     let now = Nanos::from_millis(i as u64);
///     let permit = breaker.acquire(now).expect("closed");
///     breaker.record(permit, outcome, now);
/// }
/// assert_eq!(breaker.state(), State::Open); // 2 of 4 failed: 50%
/// # Ok::<(), ringside::patterns::breaker::BreakerError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TripPolicy {
    /// `failure_threshold` consecutive failures (the default).
    Consecutive,
    /// Over the last `calls` calls.
    CountWindow {
        /// Calls in the window (≥ 1).
        calls: u32,
        /// When the window opens the breaker.
        rates: RateThresholds,
    },
    /// Over the calls of the last `secs` seconds, in 1-second buckets.
    TimeWindow {
        /// Seconds in the window (1..=3600).
        secs: u32,
        /// When the window opens the breaker.
        rates: RateThresholds,
    },
}

impl TripPolicy {
    /// The policy's name: `consecutive`, `count-window`, `time-window`.
    pub const fn name(&self) -> &'static str {
        match self {
            TripPolicy::Consecutive => "consecutive",
            TripPolicy::CountWindow { .. } => "count-window",
            TripPolicy::TimeWindow { .. } => "time-window",
        }
    }

    /// The window policy's thresholds (`None` for consecutive).
    pub const fn rates(&self) -> Option<RateThresholds> {
        match self {
            TripPolicy::Consecutive => None,
            TripPolicy::CountWindow { rates, .. } | TripPolicy::TimeWindow { rates, .. } => {
                Some(*rates)
            }
        }
    }
}

/// When a window opens a breaker (resilience4j's `minimumNumberOfCalls`,
/// `failureRateThreshold`, `slowCallDurationThreshold`, `slowCallRateThreshold`).
///
/// A call is slow when it took longer than `slow_call` (from its permit's acquire to its
/// record), whatever its outcome. The defaults of [`new`](Self::new) make no call slow.
///
/// ```
/// use ringside::patterns::Nanos;
/// use ringside::patterns::breaker::RateThresholds;
///
/// let rates = RateThresholds::new(10, 50).slow_calls(Nanos::from_secs(2), 80);
/// assert_eq!(rates.minimum_calls, 10);
/// assert_eq!(rates.failure_rate_percent, 50);
/// assert_eq!(rates.slow_call, Nanos::from_secs(2));
/// assert_eq!(rates.slow_call_rate_percent, 80);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RateThresholds {
    /// Calls the window must hold before it is judged (≥ 1; at most the window's calls
    /// for a count window).
    pub minimum_calls: u32,
    /// Failure rate (%, 1..=100) at or above which the breaker opens.
    pub failure_rate_percent: u32,
    /// Calls longer than this are slow.
    pub slow_call: Nanos,
    /// Slow-call rate (%, 1..=100) at or above which the breaker opens.
    pub slow_call_rate_percent: u32,
}

impl RateThresholds {
    /// `failure_rate_percent`% failures among at least `minimum_calls` calls; no call is
    /// slow (`slow_call` is [`Nanos::MAX`], the slow rate 100%).
    pub const fn new(minimum_calls: u32, failure_rate_percent: u32) -> Self {
        Self {
            minimum_calls,
            failure_rate_percent,
            slow_call: Nanos::MAX,
            slow_call_rate_percent: 100,
        }
    }

    /// These thresholds with calls longer than `slow_call` counted slow, opening at
    /// `rate_percent`% slow calls.
    pub const fn slow_calls(mut self, slow_call: Nanos, rate_percent: u32) -> Self {
        self.slow_call = slow_call;
        self.slow_call_rate_percent = rate_percent;
        self
    }

    /// Whether `failures` and `slow` of `calls` open the breaker (integer, exact:
    /// `100 · failures ≥ percent · calls`).
    pub const fn trips(&self, calls: u64, failures: u64, slow: u64) -> bool {
        if calls < self.minimum_calls as u64 || calls == 0 {
            return false;
        }
        100 * failures as u128 >= self.failure_rate_percent as u128 * calls as u128
            || 100 * slow as u128 >= self.slow_call_rate_percent as u128 * calls as u128
    }
}

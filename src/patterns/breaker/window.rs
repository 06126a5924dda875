//! The closed state's window of recent calls for the window [`TripPolicy`] variants, and
//! the [`WindowTally`] it reports.

use std::collections::VecDeque;

use super::policy::TripPolicy;
use crate::patterns::{NANOS_PER_SEC, Nanos};

/// What a window policy's window holds now: its calls, and how many failed or were slow.
///
/// ```
/// use ringside::patterns::Nanos;
/// use ringside::patterns::breaker::{
///     BreakerConfig, CircuitBreaker, Outcome, RateThresholds, TripPolicy, WindowTally,
/// };
///
/// let policy = TripPolicy::TimeWindow { secs: 10, rates: RateThresholds::new(100, 50) };
/// let mut breaker = CircuitBreaker::new(BreakerConfig::builder().policy(policy).build()?);
/// let now = Nanos::from_secs(3);
/// let permit = breaker.acquire(now).expect("closed");
/// breaker.record(permit, Outcome::Failure, now);
/// let tally = WindowTally { calls: 1, failures: 1, slow: 0 };
/// assert_eq!(breaker.window_tally(now), Some(tally));
/// assert_eq!(tally.failure_rate_percent(), Some(100.0));
/// // Ten seconds later the call has left the window.
/// assert_eq!(breaker.window_tally(Nanos::from_secs(13)), Some(WindowTally::default()));
/// # Ok::<(), ringside::patterns::breaker::BreakerError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WindowTally {
    /// Calls in the window.
    pub calls: u64,
    /// Of those, failures.
    pub failures: u64,
    /// Of those, slow calls (whatever their outcome).
    pub slow: u64,
}

impl WindowTally {
    /// Failures as a percentage of the calls (`None` with no calls).
    pub fn failure_rate_percent(&self) -> Option<f64> {
        (self.calls > 0).then(|| 100.0 * self.failures as f64 / self.calls as f64)
    }

    /// Slow calls as a percentage of the calls (`None` with no calls).
    pub fn slow_rate_percent(&self) -> Option<f64> {
        (self.calls > 0).then(|| 100.0 * self.slow as f64 / self.calls as f64)
    }
}

/// One recorded call of a count window.
#[derive(Debug, Clone, Copy)]
pub(super) struct Call {
    failed: bool,
    slow: bool,
}

/// One second of a time window.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Bucket {
    second: u64,
    tally: WindowTally,
}

/// The calls a window policy judges; storage allocated once, at construction.
#[derive(Debug, Clone)]
pub(super) enum CallWindow {
    /// Consecutive: no window.
    None,
    /// The last `capacity` calls, oldest first, with their running tally.
    Count {
        calls: VecDeque<Call>,
        capacity: usize,
        tally: WindowTally,
    },
    /// One bucket per second of the window (slot `second % len`), and the latest second
    /// seen.
    Time { buckets: Vec<Bucket>, latest: u64 },
}

impl CallWindow {
    /// An empty window for `policy`.
    pub(super) fn new(policy: TripPolicy) -> Self {
        match policy {
            TripPolicy::Consecutive => CallWindow::None,
            TripPolicy::CountWindow { calls, .. } => CallWindow::Count {
                calls: VecDeque::with_capacity(calls as usize),
                capacity: calls as usize,
                tally: WindowTally::default(),
            },
            TripPolicy::TimeWindow { secs, .. } => CallWindow::Time {
                buckets: vec![Bucket::default(); secs as usize],
                latest: 0,
            },
        }
    }

    /// Forget every call (a transition starts a fresh window). Does not allocate.
    pub(super) fn clear(&mut self) {
        match self {
            CallWindow::None => {}
            CallWindow::Count { calls, tally, .. } => {
                calls.clear();
                *tally = WindowTally::default();
            }
            CallWindow::Time { buckets, .. } => buckets.fill(Bucket::default()),
        }
    }

    /// Add a call recorded at `now` and return the window's tally with it.
    pub(super) fn record(&mut self, failed: bool, slow: bool, now: Nanos) -> WindowTally {
        match self {
            CallWindow::None => WindowTally::default(),
            CallWindow::Count {
                calls,
                capacity,
                tally,
            } => {
                if calls.len() >= *capacity
                    && let Some(old) = calls.pop_front()
                {
                    tally.calls -= 1;
                    tally.failures -= u64::from(old.failed);
                    tally.slow -= u64::from(old.slow);
                }
                calls.push_back(Call { failed, slow });
                tally.calls += 1;
                tally.failures += u64::from(failed);
                tally.slow += u64::from(slow);
                *tally
            }
            CallWindow::Time { buckets, latest } => {
                *latest = (*latest).max(now.as_nanos() / NANOS_PER_SEC);
                let s = *latest;
                let len = buckets.len() as u64;
                let bucket = &mut buckets[(s % len) as usize];
                if bucket.second != s {
                    *bucket = Bucket {
                        second: s,
                        tally: WindowTally::default(),
                    };
                }
                bucket.tally.calls += 1;
                bucket.tally.failures += u64::from(failed);
                bucket.tally.slow += u64::from(slow);
                Self::time_tally(buckets, s)
            }
        }
    }

    /// The window's tally as of `now` (`None` for consecutive). A time window drops the
    /// seconds that have left it by `now`; reading changes nothing.
    pub(super) fn tally(&self, now: Nanos) -> Option<WindowTally> {
        match self {
            CallWindow::None => None,
            CallWindow::Count { tally, .. } => Some(*tally),
            CallWindow::Time { buckets, latest } => Some(Self::time_tally(
                buckets,
                (*latest).max(now.as_nanos() / NANOS_PER_SEC),
            )),
        }
    }

    /// The sum of the buckets of seconds `s − len + 1 ..= s`.
    fn time_tally(buckets: &[Bucket], s: u64) -> WindowTally {
        let len = buckets.len() as u64;
        buckets
            .iter()
            .filter(|b| b.second <= s && b.second + len > s)
            .fold(WindowTally::default(), |t, b| WindowTally {
                calls: t.calls + b.tally.calls,
                failures: t.failures + b.tally.failures,
                slow: t.slow + b.tally.slow,
            })
    }
}

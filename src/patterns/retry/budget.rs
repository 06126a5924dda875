//! [`RetryBudget`]: retries at most a percentage of requests plus a floor per second.

use thiserror::Error;

use crate::patterns::{NANOS_PER_SEC, Nanos};

/// Why a budget's parameters are invalid.
///
/// ```
/// use ringside::patterns::retry::{BudgetError, RetryBudget};
///
/// assert_eq!(RetryBudget::new(0, 1, 20).unwrap_err(), BudgetError::Window(0));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum BudgetError {
    /// The window must be 1 to 60 seconds (as tower's `TpsBudget` requires).
    #[error("the retry budget's window must be 1 to 60 seconds, got {0}")]
    Window(u32),
    /// The percentage must be at most 1000 (ten retries per request).
    #[error("the retry budget's percentage must be at most 1000, got {0}")]
    Percent(u32),
}

/// One second of the window: its index and what happened in it.
#[derive(Debug, Clone, Copy, Default)]
struct Second {
    index: u64,
    requests: u64,
    retries: u64,
}

/// A retry budget, as in Finagle's `RetryBudget`, Envoy's `retry_budget` and tower's
/// `TpsBudget`: every request deposits, every retry withdraws, and retries may not exceed
/// `percent`% of the requests of the last `window` seconds plus `min_per_sec` retries per
/// second of it, so that retries cannot multiply load when a dependency fails (tower:
/// "the budget … allows for a minimum number of retries per second and a percentage of
/// regular requests to be retried").
///
/// Exactly: with time in whole seconds `s = ⌊now / 1 s⌋` and the window the seconds
/// `s − window + 1 ..= s`, a retry at `now` is allowed iff
/// `100 · retries < 100 · min_per_sec · window + percent · requests`, counting the
/// requests deposited and the retries allowed in the window (denied retries are not
/// counted). Like tower it buckets time by the second rather than decaying continuously;
/// unlike tower's fixed-point tokens the comparison is exact. Memory: `window` buckets.
/// A `now` earlier than the latest seen is treated as the latest seen.
///
/// ```
/// use ringside::patterns::Nanos;
/// use ringside::patterns::retry::{BudgetError, RetryBudget};
///
/// // 20% of requests, no floor, over 10 s.
/// let mut budget = RetryBudget::new(10, 0, 20)?;
/// let now = Nanos::ZERO;
/// for _ in 0..10 {
///     budget.deposit(now);
/// }
/// assert!(budget.withdraw(now)); // 1 retry per 5 requests: 2 of 10
/// assert!(budget.withdraw(now));
/// assert!(!budget.withdraw(now));
/// assert!(!budget.withdraw(Nanos::from_secs(9))); // still inside the window
/// assert!(!budget.withdraw(Nanos::from_secs(10))); // the requests have left it
/// # Ok::<(), BudgetError>(())
/// ```
#[derive(Debug, Clone)]
pub struct RetryBudget {
    seconds: Vec<Second>,
    min_per_sec: u32,
    percent: u32,
    latest: u64,
}

impl RetryBudget {
    /// A budget over the last `window` seconds (1..=60) allowing `min_per_sec` retries per
    /// second plus `percent`% (0..=1000) of the requests.
    ///
    /// Errors: [`BudgetError::Window`], [`BudgetError::Percent`].
    pub fn new(window: u32, min_per_sec: u32, percent: u32) -> Result<Self, BudgetError> {
        if !(1..=60).contains(&window) {
            return Err(BudgetError::Window(window));
        }
        if percent > 1000 {
            return Err(BudgetError::Percent(percent));
        }
        Ok(Self {
            seconds: vec![Second::default(); window as usize],
            min_per_sec,
            percent,
            latest: 0,
        })
    }

    /// Record a request (a first attempt) at `now`.
    pub fn deposit(&mut self, now: Nanos) {
        self.second(now).requests += 1;
    }

    /// Whether a retry at `now` fits the budget; an allowed one is counted.
    pub fn withdraw(&mut self, now: Nanos) -> bool {
        let s = self.advance(now);
        let window = self.seconds.len() as u64;
        let (requests, retries) = self
            .seconds
            .iter()
            .filter(|b| b.index + window > s && b.index <= s)
            .fold((0u128, 0u128), |(q, r), b| {
                (q + u128::from(b.requests), r + u128::from(b.retries))
            });
        let floor = 100 * u128::from(self.min_per_sec) * u128::from(window);
        let allowed = 100 * retries < floor + u128::from(self.percent) * requests;
        if allowed {
            self.second(now).retries += 1;
        }
        allowed
    }

    /// The second holding `now`, emptied if it held an older second.
    fn second(&mut self, now: Nanos) -> &mut Second {
        let s = self.advance(now);
        let slot = (s % self.seconds.len() as u64) as usize;
        let second = &mut self.seconds[slot];
        if second.index != s {
            *second = Second {
                index: s,
                ..Second::default()
            };
        }
        second
    }

    /// `now` in whole seconds, never earlier than the latest seen.
    fn advance(&mut self, now: Nanos) -> u64 {
        self.latest = self.latest.max(now.as_nanos() / NANOS_PER_SEC);
        self.latest
    }
}

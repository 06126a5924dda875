//! Client-side adaptive throttling, as in the Google SRE book ("Handling Overload"):
//! a client that sees its backend accept fewer of its requests than it sends starts
//! rejecting requests itself, before they cost the backend anything.
//!
//! Over a trailing window, with `requests` the requests the client attempted (those it
//! rejected itself included) and `accepts` those the backend accepted, a new request is
//! rejected locally with probability
//!
//! `max(0, (requests − K·accepts) / (requests + 1))`
//!
//! `K` (the multiplier, 2 in the book) sets how much more than the backend accepts the
//! client may still send: with K = 2 nothing is rejected until fewer than half the
//! requests are accepted.

use std::collections::VecDeque;

use super::Nanos;

/// The multiplier `K` and the trailing window of an [`AdaptiveThrottle`].
///
/// ```
/// use ringside::patterns::Nanos;
/// use ringside::patterns::throttle::ThrottleConfig;
///
/// let config = ThrottleConfig::new(2.0, Nanos::from_secs(120)).unwrap();
/// assert_eq!(config.multiplier(), 2.0);
/// assert!(ThrottleConfig::new(0.5, Nanos::from_secs(1)).is_none()); // K ≥ 1
/// assert!(ThrottleConfig::new(2.0, Nanos::ZERO).is_none());
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ThrottleConfig {
    multiplier: f64,
    window: Nanos,
}

impl ThrottleConfig {
    /// The book's configuration: K = 2 over the last 2 minutes.
    pub const SRE_BOOK: ThrottleConfig = ThrottleConfig {
        multiplier: 2.0,
        window: Nanos::from_secs(120),
    };

    /// `multiplier` K (finite, ≥ 1) over the trailing `window` (> 0); `None` otherwise.
    pub fn new(multiplier: f64, window: Nanos) -> Option<Self> {
        (multiplier.is_finite() && multiplier >= 1.0 && window > Nanos::ZERO)
            .then_some(Self { multiplier, window })
    }

    /// K.
    pub fn multiplier(&self) -> f64 {
        self.multiplier
    }

    /// The trailing window.
    pub fn window(&self) -> Nanos {
        self.window
    }
}

/// One client's adaptive throttle: the times of its requests and of the backend's accepts
/// within the trailing window `(now − W, now]`.
///
/// Memory: one `u64` per request and per accept of the last window, at most `most` of each
/// ([`with_memory`](Self::with_memory); unbounded with [`new`](Self::new)): a client that
/// sends more than `most` requests within a window judges by its latest `most` requests and
/// accepts. A `now` earlier than the latest seen is treated as the latest seen.
///
/// ```
/// use ringside::patterns::Nanos;
/// use ringside::patterns::throttle::{AdaptiveThrottle, ThrottleConfig};
///
/// let mut t = AdaptiveThrottle::new(ThrottleConfig::new(2.0, Nanos::from_secs(10)).unwrap());
/// let now = Nanos::from_secs(1);
/// // Four requests, none accepted: the fifth is rejected with probability (4 − 0)/(4 + 1).
/// for _ in 0..4 {
///     assert!(t.allows(0.99, now));
/// }
/// assert!((t.reject_probability(now) - 0.8).abs() < 1e-12);
/// assert!(!t.allows(0.5, now)); // a draw below 0.8 rejects
/// // Accepts bring it back down: (5 − 2·3)/(5 + 1) < 0.
/// for _ in 0..3 {
///     t.record_accept(now);
/// }
/// assert_eq!(t.reject_probability(now), 0.0);
/// ```
#[derive(Debug, Clone)]
pub struct AdaptiveThrottle {
    config: ThrottleConfig,
    requests: VecDeque<u64>,
    accepts: VecDeque<u64>,
    latest: u64,
    /// Most times of each kind remembered.
    most: usize,
}

impl AdaptiveThrottle {
    /// A throttle that has seen nothing yet (it rejects nothing).
    pub fn new(config: ThrottleConfig) -> Self {
        Self::with_memory(config, usize::MAX)
    }

    /// [`new`](Self::new), remembering at most `most` (at least 1) request times and as
    /// many accept times: the oldest is forgotten first, as if the window were shorter.
    ///
    /// ```
    /// use ringside::patterns::Nanos;
    /// use ringside::patterns::throttle::{AdaptiveThrottle, ThrottleConfig};
    ///
    /// let mut t = AdaptiveThrottle::with_memory(ThrottleConfig::SRE_BOOK, 3);
    /// for _ in 0..10 {
    ///     t.allows(0.99, Nanos::ZERO);
    /// }
    /// // The latest 3 requests, none accepted: (3 − 0) / (3 + 1).
    /// assert_eq!(t.reject_probability(Nanos::ZERO), 0.75);
    /// ```
    pub fn with_memory(config: ThrottleConfig, most: usize) -> Self {
        Self {
            config,
            requests: VecDeque::new(),
            accepts: VecDeque::new(),
            latest: 0,
            most: most.max(1),
        }
    }

    /// Remember `at` in `times`, forgetting the oldest beyond `most`.
    fn remember(times: &mut VecDeque<u64>, at: u64, most: usize) {
        if times.len() >= most {
            times.pop_front();
        }
        times.push_back(at);
    }

    /// `now` in ns (never earlier than the latest seen), with everything at or before
    /// `now − W` forgotten.
    fn slide(&mut self, now: Nanos) -> u64 {
        self.latest = self.latest.max(now.as_nanos());
        let (now, window) = (self.latest, self.config.window.as_nanos());
        for times in [&mut self.requests, &mut self.accepts] {
            while times
                .front()
                .is_some_and(|&t| t.saturating_add(window) <= now)
            {
                times.pop_front();
            }
        }
        now
    }

    /// The probability that a request at `now` is rejected locally:
    /// `max(0, (requests − K·accepts) / (requests + 1))` over `(now − W, now]`.
    pub fn reject_probability(&mut self, now: Nanos) -> f64 {
        self.slide(now);
        self.reject_probability_at(now)
    }

    /// [`reject_probability`](Self::reject_probability) without forgetting anything
    /// (for a reader holding `&self`, e.g. a dashboard).
    pub fn reject_probability_at(&self, now: Nanos) -> f64 {
        let now = self.latest.max(now.as_nanos());
        let window = self.config.window.as_nanos();
        let within = |times: &VecDeque<u64>| {
            let old = times.partition_point(|&t| t.saturating_add(window) <= now);
            (times.len() - old) as f64
        };
        let (requests, accepts) = (within(&self.requests), within(&self.accepts));
        ((requests - self.config.multiplier * accepts) / (requests + 1.0)).max(0.0)
    }

    /// Decide a request at `now` with `draw`, a uniform number in `[0, 1)` the caller
    /// picks: allowed iff `draw ≥` [`reject_probability`](Self::reject_probability).
    /// The request counts in `requests` either way.
    pub fn allows(&mut self, draw: f64, now: Nanos) -> bool {
        let p = self.reject_probability(now);
        Self::remember(&mut self.requests, self.latest, self.most);
        draw >= p
    }

    /// The backend accepted one of this client's requests at `now`.
    pub fn record_accept(&mut self, now: Nanos) {
        let at = self.slide(now);
        Self::remember(&mut self.accepts, at, self.most);
    }

    /// The configuration.
    pub fn config(&self) -> ThrottleConfig {
        self.config
    }
}

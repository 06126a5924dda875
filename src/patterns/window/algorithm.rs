//! [`Algorithm`] names a rate-limiting algorithm; [`Limiter`] runs any of them.

use std::borrow::Borrow;
use std::fmt;
use std::hash::Hash;
use std::str::FromStr;

use super::config::WindowConfig;
use super::fixed::FixedWindow;
use super::sliding_counter::SlidingWindow;
use super::sliding_log::SlidingLog;
use crate::patterns::Nanos;
use crate::patterns::limiter::{BucketConfig, KeyedLimiter};

/// A rate-limiting algorithm, chosen by name (`token-bucket`, `fixed-window`,
/// `sliding-log`, `sliding-window`; in the engine only, [`Algorithm::ENGINE_ONLY`]:
/// `leaky-queue`, `adaptive-throttling`, `concurrency`).
///
/// ```
/// use ringside::patterns::window::Algorithm;
///
/// let algorithm: Algorithm = "sliding-log".parse()?;
/// assert_eq!(algorithm, Algorithm::SlidingLog);
/// assert_eq!(algorithm.to_string(), "sliding-log");
/// assert!("leaky".parse::<Algorithm>().is_err());
/// # Ok::<(), ringside::patterns::window::UnknownAlgorithm>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// [`KeyedLimiter`]: a token bucket per key, each starting full.
    TokenBucket,
    /// [`FixedWindow`].
    FixedWindow,
    /// [`SlidingLog`].
    SlidingLog,
    /// [`SlidingWindow`].
    SlidingWindow,
    /// [`LeakyQueue`](super::LeakyQueue): requests wait instead of being denied while the
    /// queue has room. Run by the engine, not by [`Limiter`].
    LeakyQueue,
    /// Client-side adaptive throttling ([`AdaptiveThrottle`](crate::patterns::throttle::AdaptiveThrottle)):
    /// needs the backend's answers, so it runs in the engine only.
    AdaptiveThrottling,
    /// An adaptive concurrency limit ([`VegasLimit`](crate::patterns::concurrency::VegasLimit)):
    /// needs completions and their round-trip times, so it runs in the engine only.
    Concurrency,
}

impl Algorithm {
    /// The algorithms that decide a stream of requests alone (`ringside limit`,
    /// [`Limiter`]), in the order they are listed.
    pub const ALL: [Algorithm; 4] = [
        Algorithm::TokenBucket,
        Algorithm::FixedWindow,
        Algorithm::SlidingLog,
        Algorithm::SlidingWindow,
    ];

    /// The algorithms the simulation engine runs beside [`ALL`](Self::ALL), never on a
    /// bare stream of requests: the leaky queue decides a send time, more than allow or
    /// deny; the other two learn from the backend's answers (outcomes, round-trip times).
    pub const ENGINE_ONLY: [Algorithm; 3] = [
        Algorithm::LeakyQueue,
        Algorithm::AdaptiveThrottling,
        Algorithm::Concurrency,
    ];

    /// The algorithm's name.
    pub const fn name(self) -> &'static str {
        match self {
            Algorithm::TokenBucket => "token-bucket",
            Algorithm::FixedWindow => "fixed-window",
            Algorithm::SlidingLog => "sliding-log",
            Algorithm::SlidingWindow => "sliding-window",
            Algorithm::LeakyQueue => "leaky-queue",
            Algorithm::AdaptiveThrottling => "adaptive-throttling",
            Algorithm::Concurrency => "concurrency",
        }
    }

    /// Whether only the engine runs it (one of [`Algorithm::ENGINE_ONLY`]): it decides
    /// more than allow or deny (a send time), or needs the backend's answers.
    pub const fn is_engine_only(self) -> bool {
        matches!(
            self,
            Algorithm::LeakyQueue | Algorithm::AdaptiveThrottling | Algorithm::Concurrency
        )
    }

    /// Whether a shared limiter backend (Redis) can run it: the token bucket only.
    pub const fn runs_shared(self) -> bool {
        matches!(self, Algorithm::TokenBucket)
    }

    /// Whether it is configured by a [`WindowConfig`] (otherwise a [`BucketConfig`], or
    /// nothing of the two for [`Algorithm::ENGINE_ONLY`]).
    pub const fn is_windowed(self) -> bool {
        matches!(
            self,
            Algorithm::FixedWindow | Algorithm::SlidingLog | Algorithm::SlidingWindow
        )
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A name that is not one of [`Algorithm::ALL`] or [`Algorithm::ENGINE_ONLY`].
///
/// ```
/// use ringside::patterns::window::{Algorithm, UnknownAlgorithm};
///
/// let err = "gcra".parse::<Algorithm>().unwrap_err();
/// assert_eq!(err, UnknownAlgorithm("gcra".to_string()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown rate-limiting algorithm \"{0}\": expected token-bucket, fixed-window, sliding-log, sliding-window, or in the engine leaky-queue, adaptive-throttling or concurrency"
)]
pub struct UnknownAlgorithm(pub String);

impl FromStr for Algorithm {
    type Err = UnknownAlgorithm;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .chain(Self::ENGINE_ONLY)
            .find(|a| a.name() == name)
            .ok_or_else(|| UnknownAlgorithm(name.to_string()))
    }
}

/// Any of the four limiters, keyed by `K`, deciding one request at a time.
///
/// ```
/// use ringside::patterns::Nanos;
/// use ringside::patterns::window::{Algorithm, Limiter, WindowConfig};
///
/// let config = WindowConfig::new(1, Nanos::from_secs(1)).unwrap();
/// let mut limiter: Limiter<String> = Limiter::windowed(Algorithm::FixedWindow, config).unwrap();
/// assert_eq!(limiter.algorithm(), Algorithm::FixedWindow);
/// assert!(limiter.allows("a", Nanos::ZERO));
/// assert!(!limiter.allows("a", Nanos::ZERO));
/// ```
#[derive(Debug, Clone)]
pub enum Limiter<K> {
    /// A token bucket per key.
    TokenBucket(KeyedLimiter<K>),
    /// A counter per key per fixed window.
    FixedWindow(FixedWindow<K>),
    /// The exact sliding log.
    SlidingLog(SlidingLog<K>),
    /// The sliding-window counter approximation.
    SlidingWindow(SlidingWindow<K>),
}

impl<K: Hash + Eq + Clone> Limiter<K> {
    /// A token bucket per key (each starting full), requests costing 1 token.
    pub fn token_bucket(config: BucketConfig) -> Self {
        Limiter::TokenBucket(KeyedLimiter::new(config))
    }

    /// The windowed `algorithm` with `config`; `None` for [`Algorithm::TokenBucket`], which
    /// takes a [`BucketConfig`] ([`Limiter::token_bucket`]), and for the engine's
    /// [`Algorithm::ENGINE_ONLY`].
    pub fn windowed(algorithm: Algorithm, config: WindowConfig) -> Option<Self> {
        match algorithm {
            Algorithm::TokenBucket
            | Algorithm::LeakyQueue
            | Algorithm::AdaptiveThrottling
            | Algorithm::Concurrency => None,
            Algorithm::FixedWindow => Some(Limiter::FixedWindow(FixedWindow::new(config))),
            Algorithm::SlidingLog => Some(Limiter::SlidingLog(SlidingLog::new(config))),
            Algorithm::SlidingWindow => Some(Limiter::SlidingWindow(SlidingWindow::new(config))),
        }
    }

    /// Which algorithm this is.
    pub fn algorithm(&self) -> Algorithm {
        match self {
            Limiter::TokenBucket(_) => Algorithm::TokenBucket,
            Limiter::FixedWindow(_) => Algorithm::FixedWindow,
            Limiter::SlidingLog(_) => Algorithm::SlidingLog,
            Limiter::SlidingWindow(_) => Algorithm::SlidingWindow,
        }
    }

    /// What `key` has used of its window's limit at `now` (see each type's `used`), or
    /// `None` for a token bucket, which counts tokens left instead.
    pub fn window_used<Q>(&self, key: &Q, now: Nanos) -> Option<f64>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        match self {
            Limiter::TokenBucket(_) => None,
            Limiter::FixedWindow(l) => Some(f64::from(l.used(key, now))),
            Limiter::SlidingLog(l) => Some(f64::from(l.used(key, now))),
            Limiter::SlidingWindow(l) => Some(l.used(key, now)),
        }
    }

    /// Decide one request of `key` at `now` (taking its token or counting it when allowed).
    #[inline]
    pub fn allows<Q>(&mut self, key: &Q, now: Nanos) -> bool
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        match self {
            // A cost of 1 never exceeds a capacity (at least 1), the only error.
            Limiter::TokenBucket(l) => l.allows(key, 1, now).unwrap_or(false),
            Limiter::FixedWindow(l) => l.allows(key, now),
            Limiter::SlidingLog(l) => l.allows(key, now),
            Limiter::SlidingWindow(l) => l.allows(key, now),
        }
    }
}

//! [`BreakerConfig`] and its [`BreakerConfigBuilder`].

use super::error::BreakerError;
use super::policy::TripPolicy;
use crate::patterns::Nanos;

/// Breaker parameters, valid by construction: built with [`BreakerConfig::builder`] (or
/// [`Default`], the tutorial's values).
///
/// ```
/// use ringside::patterns::Nanos;
/// use ringside::patterns::breaker::{BreakerConfig, BreakerError};
///
/// let config = BreakerConfig::builder()
///     .failure_threshold(3)
///     .recovery_timeout(Nanos::from_millis(250))
///     .build()?;
/// assert_eq!(config.failure_threshold(), 3);
/// assert_eq!(config.recovery_timeout().to_string(), "250ms");
/// assert_eq!(config.success_threshold(), 3); // the default
/// assert!(BreakerConfig::builder().success_threshold(0).build().is_err());
/// # Ok::<(), BreakerError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BreakerConfig {
    failure_threshold: u32,
    recovery_timeout: Nanos,
    success_threshold: u32,
    half_open_max_probes: u32,
    history: usize,
    policy: TripPolicy,
}

impl BreakerConfig {
    /// A builder starting from the defaults.
    pub const fn builder() -> BreakerConfigBuilder {
        BreakerConfigBuilder(DEFAULT_CONFIG)
    }

    /// A builder starting from this configuration, to change some of it.
    pub const fn to_builder(self) -> BreakerConfigBuilder {
        BreakerConfigBuilder(self)
    }

    /// Consecutive failures that open a closed breaker (≥ 1).
    pub const fn failure_threshold(&self) -> u32 {
        self.failure_threshold
    }

    /// How long an open breaker waits before admitting probes.
    pub const fn recovery_timeout(&self) -> Nanos {
        self.recovery_timeout
    }

    /// Probe successes needed to close (≥ 1).
    pub const fn success_threshold(&self) -> u32 {
        self.success_threshold
    }

    /// Concurrent probes admitted while half-open (≥ 1).
    pub const fn half_open_max_probes(&self) -> u32 {
        self.half_open_max_probes
    }

    /// Transitions kept in the history (oldest dropped first).
    pub const fn history(&self) -> usize {
        self.history
    }

    /// What opens the breaker while closed (default [`TripPolicy::Consecutive`], which
    /// uses [`failure_threshold`](Self::failure_threshold)).
    pub const fn policy(&self) -> TripPolicy {
        self.policy
    }
}

/// The tutorial's defaults: 5 failures, 60 s recovery, 3 successes; 1 probe at a time.
const DEFAULT_CONFIG: BreakerConfig = BreakerConfig {
    failure_threshold: 5,
    recovery_timeout: Nanos::from_secs(60),
    success_threshold: 3,
    half_open_max_probes: 1,
    history: 64,
    policy: TripPolicy::Consecutive,
};

impl Default for BreakerConfig {
    /// The tutorial's defaults: 5 failures, 60 s recovery, 3 successes; 1 probe at a time.
    fn default() -> Self {
        DEFAULT_CONFIG
    }
}

/// Builds a [`BreakerConfig`]; [`build`](Self::build) checks it. Every setter is `const`, so
/// a configuration can be a constant.
///
/// ```
/// use ringside::patterns::breaker::BreakerConfig;
///
/// const GUARD: BreakerConfig = match BreakerConfig::builder().failure_threshold(2).build() {
///     Ok(config) => config,
///     Err(_) => panic!("a valid configuration"),
/// };
/// assert_eq!(GUARD.failure_threshold(), 2);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use = "call build() to get the configuration"]
pub struct BreakerConfigBuilder(BreakerConfig);

impl BreakerConfigBuilder {
    /// Consecutive failures that open a closed breaker (≥ 1).
    pub const fn failure_threshold(mut self, n: u32) -> Self {
        self.0.failure_threshold = n;
        self
    }

    /// How long an open breaker waits before admitting probes.
    pub const fn recovery_timeout(mut self, timeout: Nanos) -> Self {
        self.0.recovery_timeout = timeout;
        self
    }

    /// Probe successes needed to close (≥ 1).
    pub const fn success_threshold(mut self, n: u32) -> Self {
        self.0.success_threshold = n;
        self
    }

    /// Concurrent probes admitted while half-open (≥ 1).
    pub const fn half_open_max_probes(mut self, n: u32) -> Self {
        self.0.half_open_max_probes = n;
        self
    }

    /// Transitions kept in the history (0 keeps none).
    pub const fn history(mut self, n: usize) -> Self {
        self.0.history = n;
        self
    }

    /// What opens the breaker while closed.
    pub const fn policy(mut self, policy: TripPolicy) -> Self {
        self.0.policy = policy;
        self
    }

    /// The configuration, or [`BreakerError::ZeroThreshold`] naming a threshold or probe
    /// limit of 0, or [`BreakerError::Policy`] naming a window policy's bad parameter.
    pub const fn build(self) -> Result<BreakerConfig, BreakerError> {
        let c = self.0;
        if c.failure_threshold == 0 {
            return Err(BreakerError::ZeroThreshold("failure_threshold"));
        }
        if c.success_threshold == 0 {
            return Err(BreakerError::ZeroThreshold("success_threshold"));
        }
        if c.half_open_max_probes == 0 {
            return Err(BreakerError::ZeroThreshold("half_open_max_probes"));
        }
        if let Err(why) = check_policy(c.policy) {
            return Err(BreakerError::Policy(why));
        }
        Ok(c)
    }
}

/// Why a window policy's parameters are invalid.
const fn check_policy(policy: TripPolicy) -> Result<(), &'static str> {
    let (rates, max_calls) = match policy {
        TripPolicy::Consecutive => return Ok(()),
        TripPolicy::CountWindow { calls, rates } => {
            if calls == 0 || calls > MAX_WINDOW_CALLS {
                return Err("the window's calls must be 1 to 1000000");
            }
            (rates, calls)
        }
        TripPolicy::TimeWindow { secs, rates } => {
            if secs == 0 || secs > MAX_WINDOW_SECS {
                return Err("the window's seconds must be 1 to 3600");
            }
            (rates, u32::MAX)
        }
    };
    if rates.minimum_calls == 0 || rates.minimum_calls > max_calls {
        return Err("minimum calls must be at least 1 and at most the window's calls");
    }
    if rates.failure_rate_percent == 0 || rates.failure_rate_percent > 100 {
        return Err("the failure rate threshold must be 1 to 100 (%)");
    }
    if rates.slow_call_rate_percent == 0 || rates.slow_call_rate_percent > 100 {
        return Err("the slow-call rate threshold must be 1 to 100 (%)");
    }
    Ok(())
}

/// The largest count window (its calls are stored one by one).
pub const MAX_WINDOW_CALLS: u32 = 1_000_000;

/// The longest time window (one bucket per second).
pub const MAX_WINDOW_SECS: u32 = 3_600;

//! [`FailurePolicy`]: what decides when Redis cannot, and the state it needs.

use std::fmt;
use std::str::FromStr;

use super::RedisSetupError;
use crate::patterns::Nanos;
use crate::patterns::limiter::{BucketConfig, Decision, KeyedLimiter, LimiterError};

/// What decides when Redis cannot (unreachable, timed out, guard open).
///
/// ```
/// use ringside::redis::FailurePolicy;
///
/// let policy: FailurePolicy = "fail-closed".parse().unwrap();
/// assert_eq!(policy, FailurePolicy::FailClosed);
/// assert_eq!(policy.to_string(), "fail-closed");
/// ```
/// The design's complete set of policies, so it is not `#[non_exhaustive]`: callers match
/// on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FailurePolicy {
    /// Admit every request (availability over limits).
    FailOpen,
    /// Deny every request (limits over availability).
    FailClosed,
    /// Decide with an in-process limiter of the same configuration (per-process quota).
    #[default]
    Local,
}

impl fmt::Display for FailurePolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FailurePolicy::FailOpen => "fail-open",
            FailurePolicy::FailClosed => "fail-closed",
            FailurePolicy::Local => "local",
        })
    }
}

impl FromStr for FailurePolicy {
    type Err = RedisSetupError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "fail-open" | "open" => Ok(FailurePolicy::FailOpen),
            "fail-closed" | "closed" => Ok(FailurePolicy::FailClosed),
            "local" => Ok(FailurePolicy::Local),
            _ => Err(RedisSetupError::Policy(s.to_string())),
        }
    }
}

/// The policy in force, its local limiter and how often it decided.
#[derive(Debug)]
pub(crate) struct Fallback {
    policy: FailurePolicy,
    /// Used only under [`FailurePolicy::Local`], kept in step with the configuration.
    local: KeyedLimiter<String>,
    decisions: u64,
}

impl Fallback {
    pub fn new(policy: FailurePolicy, config: BucketConfig) -> Self {
        Fallback {
            policy,
            local: KeyedLimiter::new(config),
            decisions: 0,
        }
    }

    /// Decisions made by the policy so far.
    pub fn decisions(&self) -> u64 {
        self.decisions
    }

    /// The policy's decision for a check Redis could not make; `until_probe` is the time
    /// until Redis is tried again (the retry-after of a fail-closed denial).
    pub fn decide(
        &mut self,
        key: &str,
        cost: u32,
        now: Nanos,
        until_probe: impl FnOnce() -> Nanos,
    ) -> Result<Decision, LimiterError> {
        self.decisions += 1;
        let capacity = f64::from(self.local.config().capacity());
        match self.policy {
            FailurePolicy::FailOpen => Ok(Decision {
                allowed: true,
                remaining: capacity,
                retry_after: Nanos::ZERO,
                full_after: Nanos::ZERO,
            }),
            FailurePolicy::FailClosed => Ok(Decision {
                allowed: false,
                remaining: 0.0,
                retry_after: until_probe().max(Nanos::from_nanos(1)),
                full_after: Nanos::ZERO,
            }),
            FailurePolicy::Local => self.local.check(key, cost, now),
        }
    }

    /// The policy's answer for the tokens of a bucket Redis could not read.
    pub fn tokens_at(&self, key: &str, now: Nanos) -> f64 {
        match self.policy {
            FailurePolicy::FailOpen => f64::from(self.local.config().capacity()),
            FailurePolicy::FailClosed => 0.0,
            FailurePolicy::Local => self.local.tokens_at(key, now),
        }
    }

    /// Refill `key`'s local bucket.
    pub fn reset(&mut self, key: &str) {
        self.local.reset(key);
    }

    /// Follow a configuration change.
    pub fn set_config(&mut self, config: BucketConfig, now: Nanos) {
        self.local.set_config(config, now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policies_parse_and_print() {
        for p in [
            FailurePolicy::FailOpen,
            FailurePolicy::FailClosed,
            FailurePolicy::Local,
        ] {
            assert_eq!(p.to_string().parse::<FailurePolicy>(), Ok(p));
        }
        assert!("maybe".parse::<FailurePolicy>().is_err());
    }
}

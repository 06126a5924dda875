//! The settings a comparison changes: `pattern=algorithm` and `parameter=value` pairs,
//! comma-separated (`ring=ring,vnodes=8`), applied to a copy of the scenario.

use std::fmt;

use thiserror::Error;

use crate::patterns::hashing::HashingError;
use crate::patterns::window::UnknownAlgorithm;
use crate::sim::Scenario;
use crate::sim::duration::parse_duration;
use crate::sim::scenario::{BreakerPolicy, RetryPolicy};

pub use super::pattern::Pattern;

/// The algorithm `scenario` runs for `pattern`.
pub fn algorithm_in(pattern: Pattern, scenario: &Scenario) -> &'static str {
    match pattern {
        Pattern::Hashing => scenario.ring.algorithm.name(),
        Pattern::Limiter => scenario.limiter.algorithm.name(),
        Pattern::Breaker => scenario.breaker.policy.name(),
        Pattern::Retry => scenario.traffic.retry_policy.name(),
    }
}

/// A numeric parameter a comparison can set, and the scenario field it sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Parameter {
    Vnodes,
    Replicas,
    Capacity,
    Refill,
    FailureThreshold,
    RecoveryTimeout,
    Retries,
    TableSize,
    Probes,
    BalanceFactor,
    // The breaker's window policies.
    WindowCalls,
    WindowSecs,
    MinimumCalls,
    FailureRate,
    SlowCall,
    SlowCallRate,
    // The retry budget.
    RetryBudgetPercent,
    RetryMinPerSec,
    RetryBudgetWindowSecs,
}

impl Parameter {
    const ALL: [Parameter; 19] = [
        Parameter::Vnodes,
        Parameter::Replicas,
        Parameter::Capacity,
        Parameter::Refill,
        Parameter::FailureThreshold,
        Parameter::RecoveryTimeout,
        Parameter::Retries,
        Parameter::TableSize,
        Parameter::Probes,
        Parameter::BalanceFactor,
        Parameter::WindowCalls,
        Parameter::WindowSecs,
        Parameter::MinimumCalls,
        Parameter::FailureRate,
        Parameter::SlowCall,
        Parameter::SlowCallRate,
        Parameter::RetryBudgetPercent,
        Parameter::RetryMinPerSec,
        Parameter::RetryBudgetWindowSecs,
    ];

    fn key(self) -> &'static str {
        match self {
            Parameter::Vnodes => "vnodes",
            Parameter::Replicas => "replicas",
            Parameter::Capacity => "capacity",
            Parameter::Refill => "refill",
            Parameter::FailureThreshold => "failure_threshold",
            Parameter::RecoveryTimeout => "recovery_timeout",
            Parameter::Retries => "retries",
            Parameter::TableSize => "table_size",
            Parameter::Probes => "probes",
            Parameter::BalanceFactor => "balance_factor",
            Parameter::WindowCalls => "window_calls",
            Parameter::WindowSecs => "window_secs",
            Parameter::MinimumCalls => "minimum_calls",
            Parameter::FailureRate => "failure_rate",
            Parameter::SlowCall => "slow_call",
            Parameter::SlowCallRate => "slow_call_rate",
            Parameter::RetryBudgetPercent => "retry_budget_percent",
            Parameter::RetryMinPerSec => "retry_min_per_sec",
            Parameter::RetryBudgetWindowSecs => "retry_budget_window_secs",
        }
    }

    /// Set it on `sc` from `value`, or say what a value must look like.
    fn apply(self, sc: &mut Scenario, value: &str) -> Result<(), String> {
        let whole = || {
            value
                .parse::<u32>()
                .map_err(|_| format!("expected a whole number, got \"{value}\""))
        };
        match self {
            Parameter::Vnodes => sc.vnodes = whole()?,
            Parameter::Replicas => sc.replicas = whole()? as usize,
            Parameter::Capacity => sc.limiter.capacity = whole()?,
            Parameter::Refill => {
                sc.limiter.refill_per_sec = value
                    .parse::<f64>()
                    .ok()
                    .filter(|r| r.is_finite())
                    .ok_or_else(|| format!("expected tokens per second, got \"{value}\""))?;
            }
            Parameter::FailureThreshold => sc.breaker.failure_threshold = whole()?,
            Parameter::RecoveryTimeout => sc.breaker.recovery_timeout_ns = parse_duration(value)?,
            Parameter::Retries => sc.traffic.retries = whole()?,
            Parameter::TableSize => sc.ring.table_size = u64::from(whole()?),
            Parameter::Probes => sc.ring.probes = whole()?,
            Parameter::BalanceFactor => {
                sc.ring.balance_factor = value
                    .parse::<f64>()
                    .ok()
                    .filter(|e| e.is_finite())
                    .ok_or_else(|| format!("expected a number such as 0.25, got \"{value}\""))?;
            }
            Parameter::WindowCalls => sc.breaker.window_calls = whole()?,
            Parameter::WindowSecs => sc.breaker.window_secs = whole()?,
            Parameter::MinimumCalls => sc.breaker.minimum_calls = whole()?,
            Parameter::FailureRate => sc.breaker.failure_rate = whole()?,
            Parameter::SlowCall => sc.breaker.slow_call_ns = parse_duration(value)?,
            Parameter::SlowCallRate => sc.breaker.slow_call_rate = whole()?,
            Parameter::RetryBudgetPercent => sc.traffic.retry_budget_percent = whole()?,
            Parameter::RetryMinPerSec => sc.traffic.retry_min_per_sec = whole()?,
            Parameter::RetryBudgetWindowSecs => sc.traffic.retry_budget_window_secs = whole()?,
        }
        Ok(())
    }
}

/// Why a comparison's settings cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SettingsError {
    /// Not `key=value`.
    #[error("\"{0}\": expected key=value (e.g. vnodes=8 or ring=ring)")]
    NotAPair(String),
    /// A key that is neither a pattern nor a parameter.
    #[error("unknown setting \"{key}\" (known: {known})")]
    UnknownKey {
        /// The key given.
        key: String,
        /// The keys there are.
        known: String,
    },
    /// An algorithm name nobody defined.
    #[error("{key}={name}: unknown algorithm (known: {known})")]
    UnknownAlgorithm {
        /// The pattern's key.
        key: &'static str,
        /// The name given.
        name: String,
        /// The algorithms there are.
        known: String,
    },
    /// The same key twice.
    #[error("\"{0}\" is set twice")]
    Twice(String),
    /// A value the parameter cannot take.
    #[error("{key}: {reason}")]
    BadValue {
        /// The parameter's key.
        key: &'static str,
        /// What is wrong with the value.
        reason: String,
    },
    /// The settings make the scenario invalid.
    #[error("with these settings the scenario is invalid: {0}")]
    Invalid(String),
}

/// Parsed settings: what one side of a comparison changes in the scenario.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    /// The `key=value` pairs in the order given (keys checked, values as written).
    pairs: Vec<(String, String)>,
}

impl Settings {
    /// Parse `key=value[,key=value…]` (empty: the scenario as written). Checks the keys
    /// and algorithm names; values are checked by [`apply`](Self::apply).
    pub fn parse(text: &str) -> Result<Self, SettingsError> {
        let mut pairs: Vec<(String, String)> = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = part
                .split_once('=')
                .map(|(k, v)| (k.trim(), v.trim()))
                .filter(|(k, v)| !k.is_empty() && !v.is_empty())
                .ok_or_else(|| SettingsError::NotAPair(part.to_string()))?;
            if pairs.iter().any(|(k, _)| k == key) {
                return Err(SettingsError::Twice(key.to_string()));
            }
            if let Some(pattern) = Pattern::of_key(key) {
                check_algorithm(pattern, value)?;
            } else if !Parameter::ALL.iter().any(|p| p.key() == key) {
                return Err(SettingsError::UnknownKey {
                    key: key.to_string(),
                    known: known_keys(),
                });
            }
            pairs.push((key.to_string(), value.to_string()));
        }
        Ok(Self { pairs })
    }

    /// Whether nothing is changed.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// The algorithm chosen for `pattern` (the engine's default when not set).
    pub fn algorithm(&self, pattern: Pattern) -> &str {
        self.pairs
            .iter()
            .find(|(k, _)| k == pattern.key())
            .map_or(pattern.in_engine()[0], |(_, v)| v.as_str())
    }

    /// These settings with `pattern`'s algorithm set to `name` (replacing any choice made,
    /// other settings kept in order). `name` must be one the engine runs.
    pub fn with_algorithm(&self, pattern: Pattern, name: &str) -> Result<Self, SettingsError> {
        check_algorithm(pattern, name)?;
        let mut pairs = self.pairs.clone();
        match pairs.iter_mut().find(|(k, _)| k == pattern.key()) {
            Some((_, v)) => *v = name.to_string(),
            None => pairs.push((pattern.key().to_string(), name.to_string())),
        }
        Ok(Self { pairs })
    }

    /// A copy of `scenario` with these settings, validated (a side of a comparison, so
    /// without the scenario's own `compare`).
    pub fn apply(&self, scenario: &Scenario) -> Result<Scenario, SettingsError> {
        let mut sc = scenario.clone();
        sc.compare = None;
        for (key, value) in &self.pairs {
            if let Some(p) = Parameter::ALL.into_iter().find(|p| p.key() == key) {
                p.apply(&mut sc, value)
                    .map_err(|reason| SettingsError::BadValue {
                        key: p.key(),
                        reason,
                    })?;
            }
            if let Some(pattern) = Pattern::of_key(key) {
                apply_algorithm(pattern, &mut sc, value)?;
            }
        }
        sc.validate()
            .map_err(|p| SettingsError::Invalid(p.to_string()))?;
        Ok(sc)
    }
}

impl fmt::Display for Settings {
    /// `vnodes=8,ring=ring`, or `as written` when empty.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.pairs.is_empty() {
            return f.write_str("as written");
        }
        let text: Vec<String> = self.pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
        f.write_str(&text.join(","))
    }
}

/// Set `pattern`'s algorithm named `name` (checked by [`check_algorithm`]) on `sc`.
fn apply_algorithm(pattern: Pattern, sc: &mut Scenario, name: &str) -> Result<(), SettingsError> {
    match pattern {
        Pattern::Hashing => {
            // Checked by `parse`: every name in `in_engine` parses.
            sc.ring.algorithm =
                name.parse()
                    .map_err(|e: HashingError| SettingsError::BadValue {
                        key: Pattern::Hashing.key(),
                        reason: e.to_string(),
                    })?;
        }
        Pattern::Breaker => {
            if let Some(policy) = BreakerPolicy::of_name(name) {
                sc.breaker.policy = policy;
            }
        }
        Pattern::Retry => {
            if let Some(policy) = RetryPolicy::of_name(name) {
                sc.traffic.retry_policy = policy;
            }
        }
        Pattern::Limiter => {
            sc.limiter.algorithm =
                name.parse()
                    .map_err(|e: UnknownAlgorithm| SettingsError::BadValue {
                        key: Pattern::Limiter.key(),
                        reason: e.to_string(),
                    })?;
        }
    }
    Ok(())
}

fn check_algorithm(pattern: Pattern, name: &str) -> Result<(), SettingsError> {
    if pattern.in_engine().contains(&name) {
        return Ok(());
    }
    Err(SettingsError::UnknownAlgorithm {
        key: pattern.key(),
        name: name.to_string(),
        known: pattern.in_engine().join(", "),
    })
}

fn known_keys() -> String {
    let patterns = Pattern::ALL.iter().map(|p| p.key());
    let params = Parameter::ALL.iter().map(|p| p.key());
    patterns.chain(params).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn default() -> Scenario {
        Scenario::builtin("default").expect("shipped")
    }

    #[test]
    fn parameters_set_their_scenario_fields() {
        let s = Settings::parse("vnodes=8, capacity=50,refill=12.5,recovery_timeout=2s,retries=2")
            .unwrap();
        let sc = s.apply(&default()).unwrap();
        assert_eq!(sc.vnodes, 8);
        assert_eq!(sc.limiter.capacity, 50);
        assert_eq!(sc.limiter.refill_per_sec, 12.5);
        assert_eq!(sc.breaker.recovery_timeout_ns, 2_000_000_000);
        assert_eq!(sc.traffic.retries, 2);
        assert_eq!(
            s.to_string(),
            "vnodes=8,capacity=50,refill=12.5,recovery_timeout=2s,retries=2"
        );
    }

    #[test]
    fn ring_settings_choose_the_hashing_algorithm_and_its_parameters() {
        let s = Settings::parse("ring=maglev,table_size=251,probes=5,balance_factor=0.5").unwrap();
        let sc = s.apply(&default()).unwrap();
        assert_eq!(sc.ring.algorithm.name(), "maglev");
        assert_eq!(
            (sc.ring.table_size, sc.ring.probes, sc.ring.balance_factor),
            (251, 5, 0.5)
        );
        assert_eq!(s.algorithm(Pattern::Hashing), "maglev");
        let bad = |t: &str| {
            Settings::parse(t)
                .unwrap()
                .apply(&default())
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            bad("ring=maglev,table_size=250"),
            "with these settings the scenario is invalid: ring.table_size: table size must be a prime number at most 16777216, got 250"
        );
        assert_eq!(
            bad("balance_factor=x"),
            "balance_factor: expected a number such as 0.25, got \"x\""
        );
    }

    #[test]
    fn breaker_and_retry_policies_set_their_scenario_fields() {
        let s = Settings::parse(
            "breaker=count-window,window_calls=20,minimum_calls=10,failure_rate=30,\
             slow_call=2s,slow_call_rate=80,window_secs=5,retry=budget,\
             retry_budget_percent=10,retry_min_per_sec=2,retry_budget_window_secs=5",
        )
        .unwrap();
        let sc = s.apply(&default()).unwrap();
        let b = sc.breaker;
        assert_eq!(b.policy, BreakerPolicy::CountWindow);
        assert_eq!(
            (
                b.window_calls,
                b.minimum_calls,
                b.failure_rate,
                b.slow_call_rate
            ),
            (20, 10, 30, 80)
        );
        assert_eq!((b.slow_call_ns, b.window_secs), (2_000_000_000, 5));
        let t = &sc.traffic;
        assert_eq!(t.retry_policy, RetryPolicy::Budget);
        assert_eq!(
            (
                t.retry_budget_percent,
                t.retry_min_per_sec,
                t.retry_budget_window_secs
            ),
            (10, 2, 5)
        );
        assert_eq!(s.algorithm(Pattern::Breaker), "count-window");
        let time = Settings::parse("breaker=time-window").unwrap();
        assert_eq!(
            time.apply(&default()).unwrap().breaker.policy,
            BreakerPolicy::TimeWindow
        );
        let too_few = Settings::parse("breaker=count-window,window_calls=5,minimum_calls=6")
            .unwrap()
            .apply(&default())
            .unwrap_err()
            .to_string();
        assert!(
            too_few.contains("breaker.minimum_calls (6) must be at most breaker.window_calls (5)"),
            "{too_few}"
        );
    }

    #[test]
    fn limiter_chooses_the_engines_algorithm() {
        use crate::patterns::window::Algorithm;
        let sc = |t: &str| Settings::parse(t).unwrap().apply(&default()).unwrap();
        assert_eq!(sc("").limiter.algorithm, Algorithm::TokenBucket);
        for a in Algorithm::ALL.into_iter().chain(Algorithm::ENGINE_ONLY) {
            let s = Settings::parse(&format!("limiter={a}")).unwrap();
            assert_eq!(s.algorithm(Pattern::Limiter), a.name());
            assert_eq!(sc(&format!("limiter={a}")).limiter.algorithm, a);
        }
        let mut shared = default();
        shared.limiter.backend = Some("redis://127.0.0.1:6379/0".to_string());
        for algorithm in ["fixed-window", "leaky-queue"] {
            let err = Settings::parse(&format!("limiter={algorithm}"))
                .unwrap()
                .apply(&shared)
                .unwrap_err()
                .to_string();
            assert!(err.contains("runs in process only"), "{err}");
        }
    }

    #[test]
    fn empty_settings_leave_the_scenario_as_written() {
        let s = Settings::parse(" ").unwrap();
        assert!(s.is_empty());
        assert_eq!(s.apply(&default()).unwrap(), default());
        assert_eq!(s.to_string(), "as written");
        assert_eq!(s.algorithm(Pattern::Hashing), "ring");
    }

    #[test]
    fn bad_settings_say_what_is_wrong() {
        let err = |t: &str| Settings::parse(t).unwrap_err().to_string();
        assert_eq!(
            err("vnodes"),
            "\"vnodes\": expected key=value (e.g. vnodes=8 or ring=ring)"
        );
        assert!(err("colour=red").starts_with("unknown setting \"colour\" (known: ring, limiter"));
        assert!(err("ring=chord").starts_with("ring=chord: unknown algorithm (known: ring, jump"));
        assert_eq!(err("vnodes=8,vnodes=9"), "\"vnodes\" is set twice");
        let apply = |t: &str| {
            Settings::parse(t)
                .unwrap()
                .apply(&default())
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            apply("vnodes=many"),
            "vnodes: expected a whole number, got \"many\""
        );
        assert_eq!(
            apply("refill=inf"),
            "refill: expected tokens per second, got \"inf\""
        );
        assert!(apply("vnodes=0").starts_with("with these settings the scenario is invalid:"));
    }
}

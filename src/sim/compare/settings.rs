//! The settings a comparison changes: `pattern=algorithm` and `parameter=value` pairs,
//! comma-separated (`ring=ring,vnodes=8`), applied to a copy of the scenario.

use std::fmt;

use thiserror::Error;

use crate::patterns::window::UnknownAlgorithm;
use crate::sim::Scenario;
use crate::sim::duration::parse_duration;

/// A pattern whose algorithm a comparison can choose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pattern {
    /// Which servers own a key (`ring=`).
    Hashing,
    /// Which requests a tenant may send (`limiter=`).
    Limiter,
    /// When a server's calls are cut off (`breaker=`).
    Breaker,
    /// When a client tries again (`retry=`).
    Retry,
}

impl Pattern {
    /// Every pattern, in the order the settings list them.
    pub const ALL: [Pattern; 4] = [
        Pattern::Hashing,
        Pattern::Limiter,
        Pattern::Breaker,
        Pattern::Retry,
    ];

    /// The setting's name: `ring`, `limiter`, `breaker`, `retry`.
    pub fn key(self) -> &'static str {
        match self {
            Pattern::Hashing => "ring",
            Pattern::Limiter => "limiter",
            Pattern::Breaker => "breaker",
            Pattern::Retry => "retry",
        }
    }

    /// The algorithms the engine runs for this pattern, the scenario's default first.
    pub fn in_engine(self) -> &'static [&'static str] {
        match self {
            Pattern::Hashing => &["ring"],
            Pattern::Limiter => &[
                "token-bucket",
                "fixed-window",
                "sliding-log",
                "sliding-window",
            ],
            Pattern::Breaker => &["consecutive"],
            Pattern::Retry => &["fixed"],
        }
    }

    /// Every algorithm ringside knows for this pattern (some not yet in the engine).
    pub fn known(self) -> &'static [&'static str] {
        match self {
            Pattern::Hashing => &[
                "ring",
                "jump",
                "rendezvous",
                "maglev",
                "multi-probe",
                "bounded-load",
            ],
            Pattern::Limiter => &[
                "token-bucket",
                "fixed-window",
                "sliding-log",
                "sliding-window",
                "leaky-queue",
                "concurrency",
                "adaptive-throttling",
            ],
            Pattern::Breaker => &["consecutive", "count-window", "time-window"],
            Pattern::Retry => &["fixed", "budget"],
        }
    }

    fn of_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.key() == key)
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
}

impl Parameter {
    const ALL: [Parameter; 7] = [
        Parameter::Vnodes,
        Parameter::Replicas,
        Parameter::Capacity,
        Parameter::Refill,
        Parameter::FailureThreshold,
        Parameter::RecoveryTimeout,
        Parameter::Retries,
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
    /// A known algorithm the engine does not run yet.
    #[error("{key}={name}: not in the engine yet (the engine runs: {available})")]
    NotInEngine {
        /// The pattern's key.
        key: &'static str,
        /// The name given.
        name: String,
        /// What the engine runs.
        available: String,
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

    /// A copy of `scenario` with these settings, validated (a side of a comparison, so
    /// without the scenario's own `compare`).
    pub fn apply(&self, scenario: &Scenario) -> Result<Scenario, SettingsError> {
        let mut sc = scenario.clone();
        sc.compare = None;
        for (key, value) in &self.pairs {
            if key == Pattern::Limiter.key() {
                sc.limiter.algorithm =
                    value
                        .parse()
                        .map_err(|e: UnknownAlgorithm| SettingsError::BadValue {
                            key: Pattern::Limiter.key(),
                            reason: e.to_string(),
                        })?;
            }
            if let Some(p) = Parameter::ALL.into_iter().find(|p| p.key() == key) {
                p.apply(&mut sc, value)
                    .map_err(|reason| SettingsError::BadValue {
                        key: p.key(),
                        reason,
                    })?;
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

fn check_algorithm(pattern: Pattern, name: &str) -> Result<(), SettingsError> {
    if pattern.in_engine().contains(&name) {
        return Ok(());
    }
    if pattern.known().contains(&name) {
        return Err(SettingsError::NotInEngine {
            key: pattern.key(),
            name: name.to_string(),
            available: pattern.in_engine().join(", "),
        });
    }
    Err(SettingsError::UnknownAlgorithm {
        key: pattern.key(),
        name: name.to_string(),
        known: pattern.known().join(", "),
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
    fn limiter_chooses_the_engines_algorithm() {
        use crate::patterns::window::Algorithm;
        let sc = |t: &str| Settings::parse(t).unwrap().apply(&default()).unwrap();
        assert_eq!(sc("").limiter.algorithm, Algorithm::TokenBucket);
        for a in Algorithm::ALL {
            let s = Settings::parse(&format!("limiter={a}")).unwrap();
            assert_eq!(s.algorithm(Pattern::Limiter), a.name());
            assert_eq!(sc(&format!("limiter={a}")).limiter.algorithm, a);
        }
        assert_eq!(
            Settings::parse("limiter=leaky-queue")
                .unwrap_err()
                .to_string(),
            "limiter=leaky-queue: not in the engine yet (the engine runs: token-bucket, \
             fixed-window, sliding-log, sliding-window)"
        );
        let mut shared = default();
        shared.limiter.backend = Some("redis://127.0.0.1:6379/0".to_string());
        let err = Settings::parse("limiter=fixed-window")
            .unwrap()
            .apply(&shared)
            .unwrap_err()
            .to_string();
        assert!(err.contains("runs in process only"), "{err}");
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
        assert_eq!(
            err("ring=maglev"),
            "ring=maglev: not in the engine yet (the engine runs: ring)"
        );
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

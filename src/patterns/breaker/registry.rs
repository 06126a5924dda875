//! [`Registry`]: one breaker per service name.

use std::collections::BTreeMap;

use super::circuit::CircuitBreaker;
use super::config::BreakerConfig;

/// One [`CircuitBreaker`] per service name, each created with the shared config on
/// first use. Single-threaded (`&mut`), as the simulation wants; for threads, put
/// it behind a `Mutex` or keep one `realtime::SyncBreaker` per service.
///
/// Iteration is in name order, so drawing and simulation stay deterministic.
///
/// ```
/// use ringside::patterns::Nanos;
/// use ringside::patterns::breaker::{BreakerConfig, Outcome, Registry, State};
///
/// let ns = Nanos::from_nanos;
///
/// let mut breakers = Registry::new(BreakerConfig::builder().failure_threshold(1).build()?);
/// let permit = breakers
///     .get_or_create("payments")
///     .acquire(ns(0))
///     .expect("closed");
/// breakers
///     .get_or_create("payments")
///     .record(permit, Outcome::Failure, ns(0));
/// let permit = breakers.get_or_create("search").acquire(ns(0)).expect("closed");
/// breakers
///     .get_or_create("search")
///     .record(permit, Outcome::Success, ns(0));
///
/// let open: Vec<&str> = breakers
///     .iter()
///     .filter(|(_, breaker)| breaker.state() == State::Open)
///     .map(|(name, _)| name)
///     .collect();
/// assert_eq!(open, ["payments"]);
///
/// for (_, breaker) in breakers.iter_mut() {
///     breaker.reset(ns(1)); // an operator resets them all
/// }
/// assert!(breakers.iter().all(|(_, b)| b.state() == State::Closed));
/// # Ok::<(), ringside::patterns::breaker::BreakerError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Registry {
    config: BreakerConfig,
    breakers: BTreeMap<String, CircuitBreaker>,
}

impl Registry {
    /// An empty registry whose breakers will use `config`.
    pub fn new(config: BreakerConfig) -> Self {
        Self {
            config,
            breakers: BTreeMap::new(),
        }
    }

    /// The breaker for `name`, created closed with the shared config if absent.
    /// Allocates only when creating.
    pub fn get_or_create(&mut self, name: &str) -> &mut CircuitBreaker {
        // Look up by &str first so the common path never allocates a key.
        if !self.breakers.contains_key(name) {
            let config = self.config;
            return self
                .breakers
                .entry(name.to_owned())
                .or_insert_with(|| CircuitBreaker::new(config));
        }
        self.breakers
            .get_mut(name)
            .expect("present: checked just above")
    }

    /// The breaker for `name`, if created.
    pub fn get(&self, name: &str) -> Option<&CircuitBreaker> {
        self.breakers.get(name)
    }

    /// The breaker for `name`, mutably, if created.
    pub fn get_mut(&mut self, name: &str) -> Option<&mut CircuitBreaker> {
        self.breakers.get_mut(name)
    }

    /// Removes and returns the breaker for `name`.
    pub fn remove(&mut self, name: &str) -> Option<CircuitBreaker> {
        self.breakers.remove(name)
    }

    /// `(name, breaker)` pairs in name order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &CircuitBreaker)> + '_ {
        self.breakers.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// `(name, breaker)` pairs in name order, mutably (e.g. to force or reset all).
    pub fn iter_mut(&mut self) -> impl ExactSizeIterator<Item = (&str, &mut CircuitBreaker)> + '_ {
        self.breakers.iter_mut().map(|(k, v)| (k.as_str(), v))
    }

    /// Number of breakers.
    pub fn len(&self) -> usize {
        self.breakers.len()
    }

    /// Whether there are no breakers.
    pub fn is_empty(&self) -> bool {
        self.breakers.is_empty()
    }

    /// The shared config used for new breakers.
    pub fn config(&self) -> BreakerConfig {
        self.config
    }

    /// Sets the shared config for new breakers and applies it to every existing
    /// one (state kept).
    pub fn set_config(&mut self, config: BreakerConfig) {
        self.config = config;
        for breaker in self.breakers.values_mut() {
            breaker.set_config(config);
        }
    }
}

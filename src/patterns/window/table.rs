//! [`Table`]: per-key state of a window limiter, with the sweep that bounds its memory.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;

use crate::patterns::Nanos;

/// The sweep never runs below this many tracked keys.
const MIN_SWEEP_LEN: usize = 64;

/// One state per key plus the latest time seen. Keys whose state no longer affects any
/// decision are dropped when the table has doubled since the previous sweep (at least
/// 64 keys), so it holds at most `max(64, 2 × live keys)` states at O(1) amortized cost.
#[derive(Debug, Clone)]
pub(super) struct Table<K, S> {
    states: HashMap<K, S, foldhash::fast::RandomState>,
    sweep_above: usize,
    last_now: u64,
}

impl<K: Hash + Eq, S> Table<K, S> {
    /// An empty table at time 0.
    pub(super) fn new() -> Self {
        Self {
            states: HashMap::default(),
            sweep_above: MIN_SWEEP_LEN,
            last_now: 0,
        }
    }

    /// `now` in ns, never earlier than the latest time seen (which it becomes).
    pub(super) fn advance(&mut self, now: Nanos) -> u64 {
        self.last_now = self.last_now.max(now.as_nanos());
        self.last_now
    }

    /// `now` in ns, never earlier than the latest time seen (without recording it).
    pub(super) fn peek_time(&self, now: Nanos) -> u64 {
        self.last_now.max(now.as_nanos())
    }

    /// `key`'s state, if tracked.
    pub(super) fn get<Q>(&self, key: &Q) -> Option<&S>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.states.get(key)
    }

    /// Runs `step` on `key`'s state, creating it with `fresh` when absent (after
    /// dropping, if the table is due a sweep, every state for which `live` is false).
    #[inline]
    pub(super) fn with<Q, R>(
        &mut self,
        key: &Q,
        live: impl Fn(&S) -> bool,
        fresh: impl FnOnce() -> S,
        step: impl FnOnce(&mut S) -> R,
    ) -> R
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        if let Some(state) = self.states.get_mut(key) {
            return step(state);
        }
        if self.states.len() >= self.sweep_above {
            self.states.retain(|_, s| live(s));
            self.sweep_above = (2 * self.states.len()).max(MIN_SWEEP_LEN);
        }
        let mut state = fresh();
        let result = step(&mut state);
        self.states.insert(key.to_owned(), state);
        result
    }

    /// Number of keys tracked (including any not yet swept).
    pub(super) fn len(&self) -> usize {
        self.states.len()
    }
}

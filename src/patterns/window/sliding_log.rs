//! [`SlidingLog`]: the exact sliding window, a log of allowed times per key.

use std::borrow::Borrow;
use std::collections::VecDeque;
use std::hash::Hash;

use super::config::WindowConfig;
use super::table::Table;
use crate::patterns::Nanos;

/// Sliding-log limiting, the exact definition: a request of a key at `T` is allowed iff
/// fewer than `L` allowed requests of that key lie in `(T − W, T]`. Denied requests are
/// not logged.
///
/// Memory: a key's log holds only allowed times inside the window, so never more than
/// `L` entries; keys whose log has emptied are swept, so at most `max(64, 2 × keys allowed
/// in the last W)` logs are held. A `now` earlier than the latest seen is treated as the
/// latest seen.
///
/// ```
/// use ringside::patterns::Nanos;
/// use ringside::patterns::window::{SlidingLog, WindowConfig, WindowError};
///
/// let ms = Nanos::from_millis;
/// let mut limiter: SlidingLog<String> = SlidingLog::new(WindowConfig::new(2, ms(1000))?);
/// assert!(limiter.allows("a", ms(998)));
/// assert!(limiter.allows("a", ms(999)));
/// assert!(!limiter.allows("a", ms(1000))); // both lie in (0, 1000]
/// assert!(!limiter.allows("a", ms(1997))); // 998 still lies in (997, 1997]
/// assert!(limiter.allows("a", ms(1998))); // 998 has left (998, 1998]
/// # Ok::<(), WindowError>(())
/// ```
#[derive(Debug, Clone)]
pub struct SlidingLog<K> {
    config: WindowConfig,
    table: Table<K, VecDeque<u64>>,
}

impl<K: Hash + Eq> SlidingLog<K> {
    /// A limiter where every key may send `config.limit()` requests in any window.
    pub fn new(config: WindowConfig) -> Self {
        Self {
            config,
            table: Table::new(),
        }
    }

    /// Decide a request of `key` at `now`, logging it when allowed.
    pub fn allows<Q>(&mut self, key: &Q, now: Nanos) -> bool
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        let now = self.table.advance(now);
        let window = self.config.window().as_nanos();
        let limit = self.config.limit() as usize;
        // A time t lies in (now − W, now] iff t + W > now (no underflow near 0).
        let inside = move |t: u64| t.saturating_add(window) > now;
        self.table.with(
            key,
            |log| log.back().is_some_and(|&t| inside(t)),
            VecDeque::new,
            |log| {
                while log.front().is_some_and(|&t| !inside(t)) {
                    log.pop_front();
                }
                let allowed = log.len() < limit;
                if allowed {
                    log.push_back(now);
                }
                allowed
            },
        )
    }

    /// What `key` has used of its limit at `now`, without deciding anything: its allowed
    /// requests in `(now − W, now]`.
    pub fn used<Q>(&self, key: &Q, now: Nanos) -> u32
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let now = self.table.peek_time(now);
        let window = self.config.window().as_nanos();
        self.table.get(key).map_or(0, |log| {
            let inside = log.iter().filter(|&&t| t.saturating_add(window) > now);
            inside.count() as u32
        })
    }

    /// The configuration.
    pub fn config(&self) -> WindowConfig {
        self.config
    }

    /// Keys tracked (swept lazily, see the type's docs).
    pub fn len(&self) -> usize {
        self.table.len()
    }

    /// True when no key is tracked.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

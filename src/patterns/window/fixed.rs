//! [`FixedWindow`]: a counter per key per fixed window.

use std::borrow::Borrow;
use std::hash::Hash;

use super::config::WindowConfig;
use super::table::Table;
use crate::patterns::Nanos;

/// Fixed-window limiting: time is cut into windows `[kW, (k+1)W)`; a request at `T` falls
/// in window `⌊T/W⌋` and is allowed while its key's count of allowed requests in that
/// window is below `L`. Denied requests are not counted.
///
/// Up to `2L` requests can pass in any span of length `W` that straddles a boundary:
/// the weakness the sliding limiters fix.
///
/// Memory: one `(window, count)` per key; keys whose window is over are swept, so at most
/// `max(64, 2 × keys allowed in the current window)` are held. A `now` earlier than the
/// latest seen is treated as the latest seen.
///
/// ```
/// use ringside::patterns::Nanos;
/// use ringside::patterns::window::{FixedWindow, WindowConfig, WindowError};
///
/// let ms = Nanos::from_millis;
/// let mut limiter: FixedWindow<String> = FixedWindow::new(WindowConfig::new(2, ms(1000))?);
/// assert!(limiter.allows("a", ms(998)));
/// assert!(limiter.allows("a", ms(999)));
/// assert!(!limiter.allows("a", ms(999))); // 2 in window 0 already
/// assert!(limiter.allows("a", ms(1000))); // window 1 starts afresh
/// # Ok::<(), WindowError>(())
/// ```
#[derive(Debug, Clone)]
pub struct FixedWindow<K> {
    config: WindowConfig,
    table: Table<K, (u64, u32)>,
}

impl<K: Hash + Eq> FixedWindow<K> {
    /// A limiter where every key may send `config.limit()` requests per window.
    pub fn new(config: WindowConfig) -> Self {
        Self {
            config,
            table: Table::new(),
        }
    }

    /// Decide a request of `key` at `now`, counting it when allowed.
    pub fn allows<Q>(&mut self, key: &Q, now: Nanos) -> bool
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        let w = self.config.index(self.table.advance(now));
        let limit = self.config.limit();
        self.table.with(
            key,
            |&(index, _)| index == w,
            || (w, 0),
            |(index, count)| {
                if *index != w {
                    (*index, *count) = (w, 0);
                }
                let allowed = *count < limit;
                *count += u32::from(allowed);
                allowed
            },
        )
    }

    /// What `key` has used of its limit at `now`, without deciding anything: its allowed
    /// count in window `⌊now/W⌋` (0 when it has none there).
    pub fn used<Q>(&self, key: &Q, now: Nanos) -> u32
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let w = self.config.index(self.table.peek_time(now));
        match self.table.get(key) {
            Some(&(index, count)) if index == w => count,
            _ => 0,
        }
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

//! [`SlidingWindow`]: the sliding-window counter approximation.

use std::borrow::Borrow;
use std::hash::Hash;

use super::config::WindowConfig;
use super::table::Table;
use crate::patterns::Nanos;

/// One key's counts: the window index `w` and the allowed counts of windows `w − 1` and `w`.
#[derive(Debug, Clone, Copy)]
struct Counts {
    window: u64,
    prev: u32,
    curr: u32,
}

/// Sliding-window limiting by the counter approximation (as Cloudflare and nginx's
/// `limit_req` style counters): with `w = ⌊T/W⌋` and `e = T − wW`, a request is allowed
/// iff `prev·(W − e) + curr·W < L·W`, computed exactly in integers, where `prev` and
/// `curr` are the key's allowed counts in windows `w − 1` and `w`. It weights the
/// previous window by the part of it still inside `(T − W, T]`, assuming its requests
/// were spread evenly; denied requests are not counted.
///
/// Memory: three integers per key; keys with nothing in windows `w − 1` or `w` are swept,
/// so at most `max(64, 2 × keys allowed in the last two windows)` are held. A `now`
/// earlier than the latest seen is treated as the latest seen.
///
/// ```
/// use ringside::patterns::Nanos;
/// use ringside::patterns::window::{SlidingWindow, WindowConfig, WindowError};
///
/// let ms = Nanos::from_millis;
/// let mut limiter: SlidingWindow<String> = SlidingWindow::new(WindowConfig::new(2, ms(1000))?);
/// assert!(limiter.allows("a", ms(998)));
/// assert!(limiter.allows("a", ms(999)));
/// // At 1500 the previous window's 2 weigh 2·500 = 1000 < 2000: allowed.
/// assert!(limiter.allows("a", ms(1500)));
/// // Now 2·500 + 1·1000 = 2000, not below 2000: denied.
/// assert!(!limiter.allows("a", ms(1500)));
/// # Ok::<(), WindowError>(())
/// ```
#[derive(Debug, Clone)]
pub struct SlidingWindow<K> {
    config: WindowConfig,
    table: Table<K, Counts>,
}

impl<K: Hash + Eq> SlidingWindow<K> {
    /// A limiter where every key may send about `config.limit()` requests per window.
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
        let now = self.table.advance(now);
        let w = self.config.index(now);
        let window = u128::from(self.config.window().as_nanos());
        let elapsed = u128::from(now) - u128::from(w) * window;
        let limit = u128::from(self.config.limit());
        self.table.with(
            key,
            |c| c.window + 1 >= w,
            || Counts {
                window: w,
                prev: 0,
                curr: 0,
            },
            |c| {
                if c.window != w {
                    c.prev = if c.window + 1 == w { c.curr } else { 0 };
                    (c.window, c.curr) = (w, 0);
                }
                let weight = u128::from(c.prev) * (window - elapsed) + u128::from(c.curr) * window;
                let allowed = weight < limit * window;
                c.curr += u32::from(allowed);
                allowed
            },
        )
    }

    /// What `key` has used of its limit at `now`, without deciding anything: the weighted
    /// count `(prev·(W − e) + curr·W) / W` a request at `now` is compared with (it is
    /// allowed iff this is below `L`).
    pub fn used<Q>(&self, key: &Q, now: Nanos) -> f64
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let now = self.table.peek_time(now);
        let w = self.config.index(now);
        let window = self.config.window().as_nanos();
        let elapsed = now - w * window;
        let (prev, curr) = match self.table.get(key) {
            Some(c) if c.window == w => (c.prev, c.curr),
            Some(c) if c.window + 1 == w => (c.curr, 0),
            _ => (0, 0),
        };
        let weight =
            u128::from(prev) * u128::from(window - elapsed) + u128::from(curr) * u128::from(window);
        weight as f64 / window as f64
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

//! [`LeakyQueue`]: the leaky bucket as a queue: requests wait their turn instead of being
//! denied while the queue has room; [`QueueState`] is one key's queue.

use std::borrow::Borrow;
use std::hash::Hash;

use super::queue_config::QueueConfig;
use super::table::Table;
use crate::patterns::Nanos;

/// One key's queue of size B drained at rate R ([`QueueConfig`]), held as the send time
/// of the last accepted request: 16 bytes.
///
/// A request offered at `now` is accepted when fewer than B of the key's requests are
/// still waiting at `now` (sent strictly later than `now`); it is sent at
/// `start = max(now, previous start + 1/R)`, so the very first request of a key is sent
/// at once and later ones keep at least 1/R apart. When B are waiting it is denied and
/// not counted.
///
/// The waiting requests are always the last ones accepted, sent exactly 1/R apart (a
/// request that did not wait was sent at its arrival, not later than `now`), so their
/// number is `⌈(last start − now) / (1/R)⌉`: one integer division, no log of times. All
/// arithmetic is on whole nanoseconds (saturating), so a long run never drifts.
///
/// ```
/// use ringside::patterns::Nanos;
/// use ringside::patterns::window::{QueueConfig, QueueState, WindowError};
///
/// let ms = Nanos::from_millis;
/// let config = QueueConfig::new(2, ms(100))?; // 2 may wait, one sent every 100 ms
/// let mut queue = QueueState::new();
/// assert_eq!(queue.offer(config, ms(0)), Some(ms(0))); // sent at once
/// assert_eq!(queue.offer(config, ms(0)), Some(ms(100))); // waits 100 ms
/// assert_eq!(queue.offer(config, ms(10)), Some(ms(200))); // waits 190 ms
/// assert_eq!(queue.waiting(config, ms(10)), 2);
/// assert_eq!(queue.offer(config, ms(10)), None); // full: denied
/// assert_eq!(queue.offer(config, ms(100)), Some(ms(300))); // the 100 ms one has left
/// # Ok::<(), WindowError>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueueState {
    last_start: Option<Nanos>,
}

impl QueueState {
    /// An empty queue that has never sent anything.
    pub const fn new() -> Self {
        Self { last_start: None }
    }

    /// Requests accepted but not yet sent at `now` (send time strictly after `now`).
    pub fn waiting(&self, config: QueueConfig, now: Nanos) -> u32 {
        let Some(last) = self.last_start else {
            return 0;
        };
        let ahead = last.saturating_sub(now).as_nanos();
        let waiting = ahead.div_ceil(config.interval().as_nanos());
        u32::try_from(waiting).unwrap_or(u32::MAX)
    }

    /// Offer one request at `now`: its send time when accepted (`now` when it need not
    /// wait), `None` when B requests are already waiting (nothing is counted then).
    pub fn offer(&mut self, config: QueueConfig, now: Nanos) -> Option<Nanos> {
        if self.waiting(config, now) >= config.capacity() {
            return None;
        }
        let start = match self.last_start {
            Some(last) => now.max(last.saturating_add(config.interval())),
            None => now,
        };
        self.last_start = Some(start);
        Some(start)
    }

    /// Whether the queue still shapes a request offered at `now` (its last send time is
    /// less than 1/R before `now`); when it does not, a fresh state decides the same.
    pub fn shapes(&self, config: QueueConfig, now: Nanos) -> bool {
        self.last_start
            .is_some_and(|last| last.saturating_add(config.interval()) > now)
    }
}

/// A [`QueueState`] per key: leaky-queue limiting of many keys with one configuration.
///
/// Memory: keys whose queue no longer shapes anything (last sent 1/R or more ago) are
/// swept, so at most `max(64, 2 × keys sent in the last 1/R or still waiting)` queues are
/// held. A `now` earlier than the latest seen is treated as the latest seen.
///
/// ```
/// use ringside::patterns::Nanos;
/// use ringside::patterns::window::{LeakyQueue, QueueConfig, WindowError};
///
/// let ms = Nanos::from_millis;
/// let mut limiter: LeakyQueue<String> = LeakyQueue::new(QueueConfig::new(1, ms(100))?);
/// assert_eq!(limiter.offer("a", ms(0)), Some(ms(0)));
/// assert_eq!(limiter.offer("a", ms(0)), Some(ms(100)));
/// assert!(!limiter.allows("a", ms(50))); // one is waiting: full
/// assert!(limiter.allows("b", ms(50))); // another key, another queue
/// assert_eq!(limiter.waiting("a", ms(50)), 1);
/// # Ok::<(), WindowError>(())
/// ```
#[derive(Debug, Clone)]
pub struct LeakyQueue<K> {
    config: QueueConfig,
    table: Table<K, QueueState>,
}

impl<K: Hash + Eq> LeakyQueue<K> {
    /// A queue per key, each of `config`.
    pub fn new(config: QueueConfig) -> Self {
        Self {
            config,
            table: Table::new(),
        }
    }

    /// Offer a request of `key` at `now`: its send time when accepted, `None` when denied
    /// ([`QueueState::offer`]).
    pub fn offer<Q>(&mut self, key: &Q, now: Nanos) -> Option<Nanos>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        let now = Nanos::from_nanos(self.table.advance(now));
        let config = self.config;
        self.table.with(
            key,
            |q| q.shapes(config, now),
            QueueState::new,
            |q| q.offer(config, now),
        )
    }

    /// Whether a request of `key` at `now` is accepted into its queue (counting it).
    pub fn allows<Q>(&mut self, key: &Q, now: Nanos) -> bool
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        self.offer(key, now).is_some()
    }

    /// `key`'s requests waiting at `now`, without deciding anything.
    pub fn waiting<Q>(&self, key: &Q, now: Nanos) -> u32
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let now = Nanos::from_nanos(self.table.peek_time(now));
        self.table
            .get(key)
            .map_or(0, |q| q.waiting(self.config, now))
    }

    /// The configuration.
    pub fn config(&self) -> QueueConfig {
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

#[cfg(test)]
mod tests {
    use super::*;

    const MS: fn(u64) -> Nanos = Nanos::from_millis;

    fn config(b: u32, interval_ms: u64) -> QueueConfig {
        QueueConfig::new(b, MS(interval_ms)).unwrap()
    }

    #[test]
    fn the_first_request_is_sent_at_once() {
        let mut q = QueueState::new();
        assert_eq!(q.waiting(config(1, 100), MS(5)), 0);
        assert_eq!(q.offer(config(1, 100), MS(5)), Some(MS(5)));
    }

    #[test]
    fn a_burst_is_spaced_by_the_drain_interval_until_b_wait() {
        let c = config(3, 10);
        let mut q = QueueState::new();
        let sent: Vec<_> = (0..5).map(|_| q.offer(c, MS(0))).collect();
        // One sent at once, three waiting, the fifth denied.
        let expected = [Some(MS(0)), Some(MS(10)), Some(MS(20)), Some(MS(30)), None];
        assert_eq!(sent, expected);
        assert_eq!(q.waiting(c, MS(0)), 3);
        assert_eq!(q.waiting(c, MS(10)), 2); // the 10 ms one is sent at 10 ms
        assert_eq!(q.waiting(c, MS(11)), 2);
        assert_eq!(q.waiting(c, MS(30)), 0);
    }

    #[test]
    fn a_request_just_after_a_send_waits_the_rest_of_the_interval() {
        let c = config(1, 100);
        let mut q = QueueState::new();
        assert_eq!(q.offer(c, MS(0)), Some(MS(0)));
        // Nobody waits at 40 ms, but the next send is no sooner than 100 ms.
        assert_eq!(q.offer(c, MS(40)), Some(MS(100)));
        assert!(q.shapes(c, MS(150)));
        assert!(!q.shapes(c, MS(200)));
        // Long after: sent at once.
        assert_eq!(q.offer(c, MS(500)), Some(MS(500)));
    }

    #[test]
    fn denied_requests_are_not_counted() {
        let c = config(1, 100);
        let mut q = QueueState::new();
        q.offer(c, MS(0));
        q.offer(c, MS(0));
        let before = q;
        assert_eq!(q.offer(c, MS(50)), None);
        assert_eq!(q, before);
    }

    #[test]
    fn times_saturate_at_the_end_of_time() {
        let c = QueueConfig::new(2, Nanos::MAX).unwrap();
        let mut q = QueueState::new();
        assert_eq!(q.offer(c, Nanos::MAX), Some(Nanos::MAX));
        assert_eq!(q.offer(c, Nanos::MAX), Some(Nanos::MAX));
        assert_eq!(q.waiting(c, Nanos::MAX), 0);
    }

    #[test]
    fn configs_reject_an_empty_queue_or_no_drain() {
        use super::super::WindowError;
        assert_eq!(QueueConfig::new(0, MS(1)), Err(WindowError::ZeroQueue));
        assert_eq!(
            QueueConfig::new(1, Nanos::ZERO),
            Err(WindowError::ZeroInterval)
        );
    }
}

//! Counters that many threads bump without sharing a cache line or paying for an atomic
//! read-modify-write: the first [`OWNED_STRIPES`] threads to count each own a stripe (a
//! cache line of counters only they write, so a plain load and store suffice), later
//! threads share one more stripe with atomic adds; a read sums the stripes. The
//! closed-state fast path of [`SyncBreaker`](super::SyncBreaker) counts its calls this
//! way, so threads calling one breaker at once do not fight over one counter.
//!
//! A stripe's ownership is per thread, not per counter set: a thread owns the same stripe
//! index in every set, claims it on its first count and gives it back when it exits.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crossbeam_utils::CachePadded;

/// Stripes owned by one thread each.
const OWNED_STRIPES: usize = 8;
/// The stripe shared, with atomic adds, by threads that found no free stripe to own.
const SHARED: usize = OWNED_STRIPES;

/// Which stripes are owned by a live thread.
static OWNED: [AtomicBool; OWNED_STRIPES] = [const { AtomicBool::new(false) }; OWNED_STRIPES];

/// This thread's stripe; gives an owned stripe back when the thread exits.
struct Slot(usize);

impl Slot {
    fn claim() -> Slot {
        // Acquire: see every count the previous owner wrote before it gave the stripe back.
        (0..OWNED_STRIPES)
            .find(|&i| {
                OWNED[i]
                    .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
                    .is_ok()
            })
            .map_or(Slot(SHARED), Slot)
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        if let Some(owned) = OWNED.get(self.0) {
            owned.store(false, Ordering::Release);
        }
    }
}

thread_local! {
    static SLOT: Slot = Slot::claim();
}

/// This thread's stripe index ([`SHARED`] also while the thread is being torn down).
#[inline]
fn stripe_index() -> usize {
    SLOT.try_with(|s| s.0).unwrap_or(SHARED)
}

/// The counters one thread bumps.
#[derive(Debug, Default)]
struct Stripe {
    calls: AtomicU64,
    successes: AtomicU64,
    rejected: AtomicU64,
}

/// Calls, successes and rejections counted without a lock, striped by thread.
#[derive(Debug, Default)]
pub(super) struct StripedCounters {
    stripes: [CachePadded<Stripe>; OWNED_STRIPES + 1],
}

/// Totals of a [`StripedCounters`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct Totals {
    pub(super) calls: u64,
    pub(super) successes: u64,
    pub(super) rejected: u64,
}

/// Add one to `counter` of stripe `index`: a plain load and store on a stripe only this
/// thread writes, an atomic add on the shared one.
#[inline]
fn bump(index: usize, counter: &AtomicU64) {
    if index == SHARED {
        counter.fetch_add(1, Ordering::Relaxed);
    } else {
        counter.store(counter.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
    }
}

impl StripedCounters {
    /// One call admitted.
    #[inline]
    pub(super) fn call(&self) {
        let i = stripe_index();
        bump(i, &self.stripes[i].calls);
    }

    /// One success recorded.
    #[inline]
    pub(super) fn success(&self) {
        let i = stripe_index();
        bump(i, &self.stripes[i].successes);
    }

    /// One call rejected.
    #[inline]
    pub(super) fn rejected(&self) {
        let i = stripe_index();
        bump(i, &self.stripes[i].rejected);
    }

    /// The sums over every stripe.
    pub(super) fn totals(&self) -> Totals {
        self.stripes.iter().fold(Totals::default(), |t, s| Totals {
            calls: t.calls + s.calls.load(Ordering::Relaxed),
            successes: t.successes + s.successes.load(Ordering::Relaxed),
            rejected: t.rejected + s.rejected.load(Ordering::Relaxed),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// Counts from more threads than there are owned stripes, some of them taking over
    /// stripes that exited threads gave back, add up exactly.
    #[test]
    fn totals_are_exact_across_threads() {
        let c = Arc::new(StripedCounters::default());
        let mut expected = 0;
        for round in 0..3u64 {
            let threads: Vec<_> = (0..12u64)
                .map(|t| {
                    let c = Arc::clone(&c);
                    std::thread::spawn(move || {
                        for _ in 0..1000 + t + round {
                            c.call();
                            c.success();
                        }
                        c.rejected();
                    })
                })
                .collect();
            for t in threads {
                t.join().unwrap();
            }
            expected += (0..12).map(|t| 1000 + t + round).sum::<u64>();
            assert_eq!(
                c.totals(),
                Totals {
                    calls: expected,
                    successes: expected,
                    rejected: 12 * (round + 1)
                }
            );
        }
    }
}

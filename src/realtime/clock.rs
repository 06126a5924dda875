//! The monotonic clock of [`SyncBreaker`](super::SyncBreaker): a precise reading for
//! everything that is recorded, and a cheap coarse one for rejecting calls while open.

use std::time::Instant;

use crate::patterns::Nanos;

/// A monotonic timeline starting at `origin`, read two ways:
/// * [`now`](Self::now): [`Instant`] (`CLOCK_MONOTONIC` on Linux), exact to the ns;
/// * [`coarse_now`](Self::coarse_now): on Linux `CLOCK_MONOTONIC_COARSE`, the same clock
///   as of the kernel's last tick, read from the vDSO without touching the hardware
///   counter (several times cheaper); it is never ahead of `now`, and normally at most
///   [`coarse_lag`](Self::coarse_lag) (one tick) behind — more only when the kernel
///   itself is late with a tick (a starved virtual CPU). Elsewhere it is `now`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Clock {
    origin: Instant,
    /// The coarse clock's raw reading (ns) at or just after `origin`.
    #[cfg(target_os = "linux")]
    coarse_origin: u64,
    /// How far the coarse reading may lag behind the precise one (its resolution).
    coarse_lag: Nanos,
}

impl Clock {
    /// A timeline starting at `origin`.
    pub(super) fn new(origin: Instant) -> Self {
        #[cfg(target_os = "linux")]
        {
            let coarse_origin = origin_raw(origin);
            let res = rustix::time::clock_getres(rustix::time::ClockId::MonotonicCoarse);
            Clock {
                origin,
                coarse_origin,
                coarse_lag: Nanos::from_nanos(timespec_ns(res).saturating_add(1)),
            }
        }
        #[cfg(not(target_os = "linux"))]
        Clock {
            origin,
            coarse_lag: Nanos::ZERO,
        }
    }

    /// Time 0 of the timeline.
    pub(super) fn origin(&self) -> Instant {
        self.origin
    }

    /// Precise time since the origin (saturating at [`Nanos::MAX`], ~584 years).
    pub(super) fn now(&self) -> Nanos {
        Nanos::from(self.origin.elapsed())
    }

    /// Cheap time since the origin: never after [`now`](Self::now), normally within
    /// [`coarse_lag`](Self::coarse_lag) of it.
    #[inline]
    pub(super) fn coarse_now(&self) -> Nanos {
        #[cfg(target_os = "linux")]
        {
            Nanos::from_nanos(coarse_raw().saturating_sub(self.coarse_origin))
        }
        #[cfg(not(target_os = "linux"))]
        self.now()
    }

    /// How far [`coarse_now`](Self::coarse_now) normally lags behind [`now`](Self::now):
    /// the coarse clock's resolution (one kernel tick) plus 1 ns.
    pub(super) fn coarse_lag(&self) -> Nanos {
        self.coarse_lag
    }
}

#[cfg(target_os = "linux")]
fn timespec_ns(t: rustix::time::Timespec) -> u64 {
    let secs = u64::try_from(t.tv_sec).unwrap_or(0);
    let nanos = u64::try_from(t.tv_nsec).unwrap_or(0);
    secs.saturating_mul(1_000_000_000).saturating_add(nanos)
}

/// `CLOCK_MONOTONIC_COARSE` in ns.
#[cfg(target_os = "linux")]
#[inline]
fn coarse_raw() -> u64 {
    timespec_ns(rustix::time::clock_gettime(
        rustix::time::ClockId::MonotonicCoarse,
    ))
}

/// `CLOCK_MONOTONIC` (the clock of [`Instant`] on Linux, of which the coarse clock is the
/// last tick) in ns at `origin`, or a few ns after it: the elapsed time is read before the
/// clock, so coarse times since this origin are never ahead of the precise ones (a
/// deadline the coarse clock says is still to come really is).
#[cfg(target_os = "linux")]
fn origin_raw(origin: Instant) -> u64 {
    let elapsed = origin.elapsed().as_nanos() as u64;
    let now = timespec_ns(rustix::time::clock_gettime(
        rustix::time::ClockId::Monotonic,
    ));
    now.saturating_sub(elapsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The coarse reading is never ahead of the precise one (so a deadline it says is
    /// to come really is), on clocks whose origin is now or in the past; and it is the
    /// same clock, not another timeline (a generous bound, as a busy machine may delay
    /// the kernel's tick).
    #[test]
    fn coarse_time_is_never_ahead_and_is_the_same_clock() {
        for past in [0, 50, 5_000] {
            let origin = Instant::now() - std::time::Duration::from_millis(past);
            let clock = Clock::new(origin);
            for _ in 0..1000 {
                let before = clock.now();
                let coarse = clock.coarse_now();
                let after = clock.now();
                assert!(coarse <= after, "{coarse:?} ahead of {after:?}");
                assert!(
                    coarse + Nanos::from_secs(1) >= before,
                    "{coarse:?} vs {before:?}"
                );
            }
            assert!(clock.coarse_lag() <= Nanos::from_millis(20));
        }
    }
}

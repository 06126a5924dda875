//! [`Nanos`]: an instant or a span on the caller's monotonic timeline, in nanoseconds.

use std::fmt;
use std::ops::{Add, AddAssign, Sub, SubAssign};
use std::time::Duration;

/// Nanoseconds in one second, for converting rates and durations.
pub const NANOS_PER_SEC: u64 = 1_000_000_000;

/// A time in whole nanoseconds: an instant on the monotonic timeline the caller chooses
/// (`now`), or a span between two instants (a retry-after, a recovery timeout).
///
/// Every time in the patterns' API is a `Nanos`, so a time cannot be passed where a count
/// is expected: arguments of the same machine type can no longer be swapped silently.
/// It is a `u64` at run time (`#[repr(transparent)]`), and every operation is a `const
/// fn` or inlined, so it costs nothing over a bare integer.
///
/// Arithmetic saturates: `Add` stops at [`Nanos::MAX`] (about 584 years) and `Sub` at
/// [`Nanos::ZERO`], so time can neither wrap nor panic. [`checked_sub`](Self::checked_sub)
/// tells when a span would be negative. Converting from a [`Duration`] saturates too.
///
/// ```
/// use std::time::Duration;
///
/// use ringside::patterns::Nanos;
///
/// let opened_at = Nanos::from_millis(1_500);
/// let recovery = Nanos::from_secs(2);
/// let now = Nanos::from_micros(2_000_250);
/// let elapsed = now - opened_at;
/// assert_eq!(elapsed, Nanos::from_nanos(500_250_000));
/// assert_eq!((recovery - elapsed).to_string(), "1.500s"); // left before a probe
/// assert_eq!(opened_at - now, Nanos::ZERO); // saturates, never wraps
/// assert_eq!(opened_at.checked_sub(now), None);
///
/// assert_eq!(Nanos::from(Duration::from_micros(82)), Nanos::from_micros(82));
/// assert_eq!(Duration::from(Nanos::from_millis(3)), Duration::from_millis(3));
/// assert_eq!(Nanos::MAX + Nanos::from_nanos(1), Nanos::MAX);
/// ```
///
/// A time and a count are different types, so the library's argument order (`cost`, then
/// `now`) is checked by the compiler:
///
/// ```compile_fail
/// use ringside::patterns::Nanos;
/// use ringside::patterns::limiter::{BucketConfig, TokenBucket};
///
/// let mut bucket = TokenBucket::new(BucketConfig::new(2, 1.0).unwrap());
/// let _ = bucket.check(Nanos::ZERO, 1); // swapped: `cost` first, then `now`
/// ```
#[repr(transparent)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Nanos(u64);

impl Nanos {
    /// Zero: the start of a timeline, or no wait at all.
    pub const ZERO: Nanos = Nanos(0);
    /// The largest time (about 584 years): "never", where a wait has no end.
    pub const MAX: Nanos = Nanos(u64::MAX);

    /// `ns` nanoseconds.
    #[inline]
    pub const fn from_nanos(ns: u64) -> Self {
        Nanos(ns)
    }

    /// `us` microseconds (saturating at [`Nanos::MAX`]).
    #[inline]
    pub const fn from_micros(us: u64) -> Self {
        Nanos(us.saturating_mul(1_000))
    }

    /// `ms` milliseconds (saturating at [`Nanos::MAX`]).
    #[inline]
    pub const fn from_millis(ms: u64) -> Self {
        Nanos(ms.saturating_mul(1_000_000))
    }

    /// `s` seconds (saturating at [`Nanos::MAX`]).
    #[inline]
    pub const fn from_secs(s: u64) -> Self {
        Nanos(s.saturating_mul(NANOS_PER_SEC))
    }

    /// The number of nanoseconds.
    #[inline]
    pub const fn as_nanos(self) -> u64 {
        self.0
    }

    /// `self + rhs`, stopping at [`Nanos::MAX`] (what `+` does).
    #[inline]
    pub const fn saturating_add(self, rhs: Nanos) -> Nanos {
        Nanos(self.0.saturating_add(rhs.0))
    }

    /// `self − rhs`, stopping at [`Nanos::ZERO`] (what `-` does).
    #[inline]
    pub const fn saturating_sub(self, rhs: Nanos) -> Nanos {
        Nanos(self.0.saturating_sub(rhs.0))
    }

    /// `self − rhs`, or `None` when `rhs` is later than `self`.
    #[inline]
    pub const fn checked_sub(self, rhs: Nanos) -> Option<Nanos> {
        match self.0.checked_sub(rhs.0) {
            Some(ns) => Some(Nanos(ns)),
            None => None,
        }
    }
}

impl Add for Nanos {
    type Output = Nanos;

    /// Saturating at [`Nanos::MAX`].
    #[inline]
    fn add(self, rhs: Nanos) -> Nanos {
        self.saturating_add(rhs)
    }
}

impl AddAssign for Nanos {
    /// Saturating at [`Nanos::MAX`].
    #[inline]
    fn add_assign(&mut self, rhs: Nanos) {
        *self = *self + rhs;
    }
}

impl Sub for Nanos {
    type Output = Nanos;

    /// Saturating at [`Nanos::ZERO`].
    #[inline]
    fn sub(self, rhs: Nanos) -> Nanos {
        self.saturating_sub(rhs)
    }
}

impl SubAssign for Nanos {
    /// Saturating at [`Nanos::ZERO`].
    #[inline]
    fn sub_assign(&mut self, rhs: Nanos) {
        *self = *self - rhs;
    }
}

impl From<Duration> for Nanos {
    /// Whole nanoseconds of `d`, saturating at [`Nanos::MAX`].
    #[inline]
    fn from(d: Duration) -> Nanos {
        Nanos(u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
    }
}

impl From<Nanos> for Duration {
    #[inline]
    fn from(t: Nanos) -> Duration {
        Duration::from_nanos(t.0)
    }
}

impl fmt::Display for Nanos {
    /// Compact, for humans, in the largest fitting unit: `2m05s`, `1.250s`, `12ms`,
    /// `1.5ms`, `82µs`, `900ns`. Lossy above a microsecond; [`as_nanos`](Self::as_nanos)
    /// is exact.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const MS: u64 = 1_000_000;
        let ns = self.0;
        if ns >= 60 * NANOS_PER_SEC {
            let s = ns / NANOS_PER_SEC;
            write!(f, "{}m{:02}s", s / 60, s % 60)
        } else if ns >= NANOS_PER_SEC {
            write!(f, "{:.3}s", ns as f64 / 1e9)
        } else if ns >= MS {
            if ns.is_multiple_of(MS) {
                write!(f, "{}ms", ns / MS)
            } else {
                write!(f, "{:.1}ms", ns as f64 / 1e6)
            }
        } else if ns >= 1_000 {
            write!(f, "{:.0}µs", ns as f64 / 1e3)
        } else {
            write!(f, "{ns}ns")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constructors_scale_and_saturate() {
        assert_eq!(Nanos::from_nanos(7).as_nanos(), 7);
        assert_eq!(Nanos::from_micros(3).as_nanos(), 3_000);
        assert_eq!(Nanos::from_millis(3).as_nanos(), 3_000_000);
        assert_eq!(Nanos::from_secs(3).as_nanos(), 3 * NANOS_PER_SEC);
        assert_eq!(Nanos::from_micros(u64::MAX), Nanos::MAX);
        assert_eq!(Nanos::from_millis(u64::MAX / 1_000), Nanos::MAX);
        assert_eq!(Nanos::from_secs(u64::MAX / 1_000), Nanos::MAX);
        assert_eq!(Nanos::default(), Nanos::ZERO);
    }

    #[test]
    fn arithmetic_saturates_at_both_ends() {
        let (a, b) = (Nanos::from_nanos(10), Nanos::from_nanos(3));
        assert_eq!(a + b, Nanos::from_nanos(13));
        assert_eq!(a - b, Nanos::from_nanos(7));
        assert_eq!(b - a, Nanos::ZERO);
        assert_eq!(Nanos::MAX + b, Nanos::MAX);
        assert_eq!(a.checked_sub(b), Some(Nanos::from_nanos(7)));
        assert_eq!(b.checked_sub(a), None);
        let mut t = a;
        t += b;
        t -= Nanos::from_nanos(1);
        assert_eq!(t, Nanos::from_nanos(12));
        assert!(b < a && Nanos::ZERO < b && a < Nanos::MAX);
    }

    #[test]
    fn converts_to_and_from_duration() {
        let d = Duration::new(2, 5);
        assert_eq!(Nanos::from(d), Nanos::from_nanos(2 * NANOS_PER_SEC + 5));
        assert_eq!(Duration::from(Nanos::from(d)), d);
        assert_eq!(Nanos::from(Duration::MAX), Nanos::MAX);
        assert_eq!(Duration::from(Nanos::MAX).as_nanos(), u128::from(u64::MAX));
    }

    #[test]
    fn displays_in_a_human_unit() {
        let shown = |ns: u64| Nanos::from_nanos(ns).to_string();
        assert_eq!(shown(0), "0ns");
        assert_eq!(shown(900), "900ns");
        assert_eq!(shown(82_000), "82µs");
        assert_eq!(shown(2_000_000), "2ms");
        assert_eq!(shown(1_500_000), "1.5ms");
        assert_eq!(shown(2 * NANOS_PER_SEC), "2.000s");
        assert_eq!(shown(1_250_000_000), "1.250s");
        assert_eq!(shown(125 * NANOS_PER_SEC), "2m05s");
    }
}

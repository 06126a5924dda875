//! The exact integer GCRA core shared by [`TokenBucket`](super::TokenBucket) and
//! [`KeyedLimiter`](super::KeyedLimiter): the rate split into `(N, D)`, the per-bucket
//! state (a theoretical arrival time) and the decision step (see the parent module's docs
//! for the representation and the exactness guarantee).

use super::config::BucketConfig;
use super::decision::Decision;
use super::error::LimiterError;
use crate::patterns::{NANOS_PER_SEC, Nanos};

/// Largest time units per nanosecond (`N`): keeps `now·N < 2^127`.
const MAX_UNITS_PER_NS: u64 = (1 << 63) - 1;
/// Most fractional bits of the rate kept exactly: `D = 10^9·2^64 < 2^94`.
const MAX_RATE_FRACTION_BITS: u32 = 64;
/// Bound of the `u64` fast path ([`Params::admit`]) on `now`, one interval and the burst
/// tolerance, in whole ns. Every state obeys `tat ≤ latest now + tolerance`, so while
/// each is below 2^62 the tat is below 2^63 and a step's sums stay below 2^64.
const NARROW: u64 = 1 << 62;

/// Exact integer parameters derived from a [`BucketConfig`]; shared by every bucket of a
/// keyed limiter.
#[derive(Debug, Clone, Copy)]
pub(super) struct Params {
    pub(super) config: BucketConfig,
    /// A check of cost `c` proceeds iff `c < cost_limit`: `capacity + 1`, or 0 when the
    /// configuration is invalid (then every check reports the validation error).
    pub(super) cost_limit: u64,
    /// Time units per nanosecond (`N`), in `1..=MAX_UNITS_PER_NS`.
    n: u64,
    /// Time units per token (`D`), exactly `10^9·2^k·(rate denominator)`.
    d: u128,
    /// `D` as `f64` (exact: `D = 1953125·2^j`).
    d_f64: f64,
    /// One token's interval `D` split as `int_ns·N + int_fr`.
    int_ns: u128,
    int_fr: u64,
    /// Burst tolerance `capacity·D` split as `tau_ns·N + tau_fr`.
    tau_ns: u128,
    tau_fr: u64,
    /// `int_ns` and `tau_ns` as `u64` when both are below [`NARROW`] (else `None`): the
    /// unit-cost verdict may then be computed in `u64`.
    narrow: Option<(u64, u64)>,
}

/// One bucket's state: its theoretical arrival time `ns + fr/N` nanoseconds. Stored as
/// three `u64` (not `u128`) so keyed entries stay 8-byte aligned and small.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct State {
    ns_lo: u64,
    ns_hi: u64,
    fr: u64,
}

impl State {
    /// `tat = 0`: full at every time.
    pub(super) const FULL: State = State {
        ns_lo: 0,
        ns_hi: 0,
        fr: 0,
    };

    #[inline(always)]
    fn ns(&self) -> u128 {
        (u128::from(self.ns_hi) << 64) | u128::from(self.ns_lo)
    }

    #[inline(always)]
    fn set(&mut self, ns: u128, fr: u64) {
        self.ns_lo = ns as u64;
        self.ns_hi = (ns >> 64) as u64;
        self.fr = fr;
    }

    /// The theoretical arrival time as `(ns, fr)`, ordered as the time itself.
    #[inline(always)]
    pub(super) fn tat(&self) -> (u128, u64) {
        (self.ns(), self.fr)
    }

    /// `tat ≤ now`.
    #[inline(always)]
    pub(super) fn is_full(&self, now: u64) -> bool {
        let ns = self.ns();
        let now = u128::from(now);
        ns < now || (ns == now && self.fr == 0)
    }

    /// `max(tat, now)`.
    #[inline(always)]
    fn effective(&self, now: u64) -> (u128, u64) {
        let ns = self.ns();
        let now = u128::from(now);
        if ns < now { (now, 0) } else { (ns, self.fr) }
    }
}

/// A [`State`] in 16 bytes, without the high word of its whole ns: what a keyed
/// limiter stores per key while [`Params::fits_narrow`] holds (its tat is then below
/// 2^63 ns), so that a table entry with a `String` key takes 40 bytes instead of 48.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct NarrowState {
    ns: u64,
    fr: u64,
}

/// A bucket's state as a table stores it: a [`State`], or a [`NarrowState`].
pub(super) trait Slot: Copy {
    /// The state in full.
    fn wide(self) -> State;
    /// `st` stored in this form (for a [`NarrowState`], `st` must fit it).
    fn from_wide(st: State) -> Self;
    /// [`Params::admit`] on this slot.
    fn admit(&mut self, p: &Params, now: u64, cost: u32) -> bool;

    /// [`Params::decide`] on this slot.
    #[inline(always)]
    fn decide(&mut self, p: &Params, now: u64, cost: u32) -> Decision {
        self.update(|st| p.decide(st, now, cost))
    }

    /// `f` on this slot's state in full, stored back.
    #[inline(always)]
    fn update<R>(&mut self, f: impl FnOnce(&mut State) -> R) -> R {
        let mut st = self.wide();
        let result = f(&mut st);
        *self = Self::from_wide(st);
        result
    }
}

impl Slot for State {
    #[inline(always)]
    fn wide(self) -> State {
        self
    }

    #[inline(always)]
    fn from_wide(st: State) -> Self {
        st
    }

    #[inline(always)]
    fn admit(&mut self, p: &Params, now: u64, cost: u32) -> bool {
        p.admit(self, now, cost)
    }
}

impl Slot for NarrowState {
    #[inline(always)]
    fn wide(self) -> State {
        State {
            ns_lo: self.ns,
            ns_hi: 0,
            fr: self.fr,
        }
    }

    #[inline(always)]
    fn from_wide(st: State) -> Self {
        debug_assert_eq!(st.ns_hi, 0, "a narrow state's tat is below 2^64 ns");
        NarrowState {
            ns: st.ns_lo,
            fr: st.fr,
        }
    }

    #[inline(always)]
    fn admit(&mut self, p: &Params, now: u64, cost: u32) -> bool {
        if cost == 1
            && let Some(admitted) = p.admit_unit_narrow(&mut self.ns, &mut self.fr, now)
        {
            return admitted;
        }
        self.update(|st| p.admit(st, now, cost))
    }
}

/// A step of the GCRA on any [`Slot`]: the full decision ([`Decide`]) or the verdict
/// alone ([`Admit`]).
pub(super) trait Step: Copy {
    /// What the step returns.
    type Out;
    /// The step on `slot` under `p` at `now` (clamped) for `cost` (validated).
    fn run<S: Slot>(self, slot: &mut S, p: &Params, now: u64, cost: u32) -> Self::Out;
}

/// [`Params::decide`].
#[derive(Clone, Copy)]
pub(super) struct Decide;

impl Step for Decide {
    type Out = Decision;
    #[inline(always)]
    fn run<S: Slot>(self, slot: &mut S, p: &Params, now: u64, cost: u32) -> Decision {
        slot.decide(p, now, cost)
    }
}

/// [`Params::admit`].
#[derive(Clone, Copy)]
pub(super) struct Admit;

impl Step for Admit {
    type Out = bool;
    #[inline(always)]
    fn run<S: Slot>(self, slot: &mut S, p: &Params, now: u64, cost: u32) -> bool {
        slot.admit(p, now, cost)
    }
}

/// Splits a rate in tokens/s into `(N, D)` with `rate / 10^9 = N / D` (see module docs).
/// `rate` must be finite and > 0.
pub(crate) fn rate_ratio(rate: f64) -> (u64, u128) {
    let bits = rate.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1 << 52) - 1);
    let (mut m, mut e) = if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1 << 52), biased - 1075)
    };
    let tz = m.trailing_zeros();
    m >>= tz;
    e += tz as i32;
    let ns_per_sec = u128::from(NANOS_PER_SEC);
    if e >= 0 {
        let e = e as u32;
        let n = if e < 63 && m <= MAX_UNITS_PER_NS >> e {
            m << e
        } else {
            MAX_UNITS_PER_NS
        };
        (n, ns_per_sec)
    } else {
        let b = e.unsigned_abs();
        if b <= MAX_RATE_FRACTION_BITS {
            (m, ns_per_sec << b)
        } else {
            // Round to the nearest multiple of 2^-64 tokens/s, at least one.
            let drop = b - MAX_RATE_FRACTION_BITS;
            let rounded = if drop > 64 {
                0
            } else {
                let half_up = u128::from(m) + (1u128 << (drop - 1));
                (half_up >> drop) as u64
            };
            (rounded.max(1), ns_per_sec << MAX_RATE_FRACTION_BITS)
        }
    }
}

/// Exact `u128 → f64` rounding, taking the cheap route when the value fits in `u64`.
#[inline(always)]
fn to_f64(x: u128) -> f64 {
    if x <= u128::from(u64::MAX) {
        x as u64 as f64
    } else {
        x as f64
    }
}

/// Saturating `u128 → u64`.
#[inline(always)]
pub(crate) fn sat_u64(x: u128) -> u64 {
    u64::try_from(x).unwrap_or(u64::MAX)
}

/// `floor(a·b / c)` without overflow, for `a < c`, `c < 2^127`, `b < 2^127` (so the
/// quotient is below `b`). Cold path: bitwise long division of the 256-bit product.
fn mul_div_floor(a: u128, b: u128, c: u128) -> u128 {
    const LO: u128 = u64::MAX as u128;
    let (a0, a1) = (a & LO, a >> 64);
    let (b0, b1) = (b & LO, b >> 64);
    let p00 = a0 * b0;
    let p01 = a0 * b1;
    let p10 = a1 * b0;
    let p11 = a1 * b1;
    let mid = (p00 >> 64) + (p01 & LO) + (p10 & LO);
    let lo = (p00 & LO) | (mid << 64);
    let hi = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
    let mut rem: u128 = 0;
    let mut quot: u128 = 0;
    for i in (0..256).rev() {
        let bit = if i >= 128 {
            (hi >> (i - 128)) & 1
        } else {
            (lo >> i) & 1
        };
        rem = (rem << 1) | bit; // rem < c < 2^127, so no overflow
        if rem >= c {
            rem -= c;
            if i < 128 {
                quot |= 1 << i;
            }
        }
    }
    quot
}

impl Params {
    pub(super) fn new(config: BucketConfig) -> Self {
        let (n, d) = rate_ratio(config.refill_per_sec());
        let n128 = u128::from(n);
        let tau = u128::from(config.capacity()) * d;
        let (int_ns, tau_ns) = (d / n128, tau / n128);
        let narrow = (int_ns < u128::from(NARROW) && tau_ns < u128::from(NARROW))
            .then_some((int_ns as u64, tau_ns as u64));
        Params {
            config,
            cost_limit: u64::from(config.capacity()) + 1,
            n,
            d,
            d_f64: d as f64,
            int_ns,
            int_fr: (d % n128) as u64,
            tau_ns,
            tau_fr: (tau % n128) as u64,
            narrow,
        }
    }

    /// The error for a check that cannot proceed (`cost ≥ cost_limit`).
    #[cold]
    pub(super) fn refuse(&self, cost: u32) -> LimiterError {
        LimiterError::CostExceedsCapacity {
            cost,
            capacity: self.config.capacity(),
        }
    }

    /// `cost·D` split as `(ns, fr)`.
    #[inline(always)]
    fn interval_of(&self, cost: u32) -> (u128, u64) {
        if cost == 1 {
            return (self.int_ns, self.int_fr);
        }
        let c = u128::from(cost);
        let fr_total = c * u128::from(self.int_fr);
        let n = u128::from(self.n);
        (c * self.int_ns + fr_total / n, (fr_total % n) as u64)
    }

    /// Time units of tokens available when `tat` is `(ns, fr)`: `now + tau − tat`, ≥ 0.
    #[inline(always)]
    fn avail_units(&self, now: u64, ns: u128, fr: u64) -> u128 {
        let limit = u128::from(now) + self.tau_ns;
        if ns > limit {
            return 0; // only if the invariant tat ≤ now + tau were broken
        }
        ((limit - ns) * u128::from(self.n) + u128::from(self.tau_fr)).saturating_sub(u128::from(fr))
    }

    #[inline(always)]
    fn tokens_of_units(&self, units: u128) -> f64 {
        to_f64(units) / self.d_f64
    }

    /// Nanoseconds until `(ns, fr)` is reached from `now` (rounded up).
    #[inline(always)]
    fn ns_until(now: u64, ns: u128, fr: u64) -> u64 {
        let now = u128::from(now);
        if ns < now {
            0
        } else {
            sat_u64(ns - now + u128::from(fr != 0))
        }
    }

    /// The theoretical arrival time after taking `cost` at `now`, as `(ns, fr)`, and
    /// whether that is within the burst tolerance (the check is allowed).
    #[inline(always)]
    fn next_tat(&self, st: &State, now: u64, cost: u32) -> (u128, u64, bool) {
        let (base_ns, base_fr) = st.effective(now);
        let (add_ns, add_fr) = self.interval_of(cost);
        let mut ns = base_ns + add_ns;
        let mut fr = base_fr + add_fr; // both < N < 2^63: no overflow
        if fr >= self.n {
            fr -= self.n;
            ns += 1;
        }
        let limit_ns = u128::from(now) + self.tau_ns;
        let allowed = ns < limit_ns || (ns == limit_ns && fr <= self.tau_fr);
        (ns, fr, allowed)
    }

    /// The GCRA step without the figures of a [`Decision`]: whether `cost` is admitted
    /// (and then taken). Same preconditions as [`decide`](Self::decide).
    #[inline(always)]
    pub(super) fn admit(&self, st: &mut State, now: u64, cost: u32) -> bool {
        if cost == 1 {
            debug_assert!(
                self.narrow.is_none() || now >= NARROW || st.ns_hi == 0,
                "tat beyond now + tolerance"
            );
            if let Some(admitted) = self.admit_unit_narrow(&mut st.ns_lo, &mut st.fr, now) {
                return admitted;
            }
        }
        let (ns, fr, allowed) = self.next_tat(st, now, cost);
        if allowed {
            st.set(ns, fr);
        }
        allowed
    }

    /// Whether states may be kept narrow ([`NarrowState`]) at `now`: the interval and the
    /// tolerance are below [`NARROW`] ns, and so is `now`. Every state made at or before
    /// such a `now` has a tat below 2^63 ns.
    #[inline(always)]
    pub(super) fn fits_narrow(&self, now: u64) -> bool {
        self.narrow.is_some() && now < NARROW
    }

    /// [`admit`](Self::admit) of a unit cost to the tat `(ns, fr)` (its high word zero),
    /// in `u64` arithmetic, the common case: `None` (nothing changed) unless
    /// [`fits_narrow`](Self::fits_narrow). Same steps as [`next_tat`](Self::next_tat), with
    /// the same result: no sum can overflow, so no precision is lost.
    ///
    /// The tat itself is not tested, so nothing waits on its load but the step itself (a
    /// keyed check mostly waits on memory): every state was made from a `now` no later
    /// than this one (callers clamp it) and holds `tat ≤ that now + tolerance`, below
    /// 2^63 ns here (a step admits only within the tolerance, and
    /// [`convert`](Self::convert) leaves at most a full tolerance of debt).
    #[inline(always)]
    fn admit_unit_narrow(&self, st_ns: &mut u64, st_fr: &mut u64, now: u64) -> Option<bool> {
        let (int_ns, tau_ns) = self.narrow?;
        if now >= NARROW {
            return None;
        }
        debug_assert!(*st_ns < 2 * NARROW, "tat beyond now + tolerance");
        let (base_ns, base_fr) = if *st_ns < now {
            (now, 0)
        } else {
            (*st_ns, *st_fr)
        };
        let mut ns = base_ns + int_ns;
        let mut fr = base_fr + self.int_fr;
        if fr >= self.n {
            fr -= self.n;
            ns += 1;
        }
        let limit_ns = now + tau_ns;
        let allowed = ns < limit_ns || (ns == limit_ns && fr <= self.tau_fr);
        if allowed {
            *st_ns = ns;
            *st_fr = fr;
        }
        Some(allowed)
    }

    /// The GCRA step. `now` must already be clamped to the latest time seen and `cost`
    /// already validated (`cost < cost_limit`).
    #[inline(always)]
    pub(super) fn decide(&self, st: &mut State, now: u64, cost: u32) -> Decision {
        let (base_ns, base_fr) = st.effective(now);
        let (ns, fr, allowed) = self.next_tat(st, now, cost);
        let limit_ns = u128::from(now) + self.tau_ns;
        if allowed {
            st.set(ns, fr);
            Decision {
                allowed: true,
                remaining: self.tokens_of_units(self.avail_units(now, ns, fr)),
                retry_after: Nanos::ZERO,
                full_after: Nanos::from_nanos(Self::ns_until(now, ns, fr)),
            }
        } else {
            // Excess (ns, fr) − (limit_ns, tau_fr) > 0, rounded up to whole ns.
            let borrow = fr < self.tau_fr;
            let ex_ns = ns - limit_ns - u128::from(borrow);
            let ex_fr = if borrow {
                fr + self.n - self.tau_fr
            } else {
                fr - self.tau_fr
            };
            Decision {
                allowed: false,
                remaining: self.tokens_of_units(self.avail_units(now, base_ns, base_fr)),
                retry_after: Nanos::from_nanos(sat_u64(ex_ns + u128::from(ex_fr != 0))),
                full_after: Nanos::from_nanos(Self::ns_until(now, base_ns, base_fr)),
            }
        }
    }

    /// Tokens in `st` at `now` (already clamped), within `[0, capacity]`.
    #[inline]
    pub(super) fn tokens(&self, st: &State, now: u64) -> f64 {
        let (ns, fr) = st.effective(now);
        self.tokens_of_units(self.avail_units(now, ns, fr))
    }

    /// The state under `self` (the new configuration) holding the tokens that `st` holds
    /// under `old` at `now`, clamped to the new capacity and rounded down to the new
    /// resolution (never more tokens than before).
    pub(super) fn convert(&self, old: &Params, st: &State, now: u64) -> State {
        let (ns, fr) = st.effective(now);
        let avail = old.avail_units(now, ns, fr);
        let whole = avail / old.d;
        let cap = u128::from(self.config.capacity());
        let new_avail = if whole >= cap {
            cap * self.d
        } else {
            whole * self.d + mul_div_floor(avail % old.d, self.d, old.d)
        };
        // tat = now + (tau − avail), split by the new N.
        let debt = u128::from(self.config.capacity()) * self.d - new_avail;
        let n = u128::from(self.n);
        let mut out = State::FULL;
        if debt > 0 {
            out.set(u128::from(now) + debt / n, (debt % n) as u64);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_ratio_is_exact_and_bounded() {
        assert_eq!(rate_ratio(3.0), (3, 1_000_000_000));
        assert_eq!(rate_ratio(0.5), (1, 2_000_000_000));
        assert_eq!(rate_ratio(1000.25), (4001, 4_000_000_000));
        // 0.1 = 3602879701896397 / 2^55 exactly.
        assert_eq!(rate_ratio(0.1), (3602879701896397, 1_000_000_000u128 << 55));
        assert_eq!(rate_ratio(2f64.powi(62)), (1 << 62, 1_000_000_000));
        assert_eq!(rate_ratio(2f64.powi(63)), (MAX_UNITS_PER_NS, 1_000_000_000));
        assert_eq!(rate_ratio(f64::MAX), (MAX_UNITS_PER_NS, 1_000_000_000));
        // 3·2^-66 rounds to the nearest multiple of 2^-64: 2^-64 (0.75 → 1).
        assert_eq!(
            rate_ratio(3.0 * 2f64.powi(-66)),
            (1, 1_000_000_000u128 << 64)
        );
        assert_eq!(
            rate_ratio(5.0 * 2f64.powi(-65)),
            (3, 1_000_000_000u128 << 64)
        );
        assert_eq!(rate_ratio(f64::from_bits(1)), (1, 1_000_000_000u128 << 64));
    }

    #[test]
    fn mul_div_floor_matches_narrow_arithmetic_and_wide_identity() {
        for (a, b, c) in [
            (0u128, 5u128, 7u128),
            (6, 9, 7),
            (123_456, 987_654_321, 1_000_000),
        ] {
            assert_eq!(mul_div_floor(a, b, c), a * b / c);
        }
        // (2^93 − 1)·2^93 / 2^93 = 2^93 − 1, with a 186-bit product.
        let big = (1u128 << 93) - 1;
        assert_eq!(mul_div_floor(big, 1 << 93, 1 << 93), big);
        // floor((c − 1)·(c + 1)/c) = c − 1 for c = 3·2^90.
        let c = 3u128 << 90;
        assert_eq!(mul_div_floor(c - 1, c + 1, c), c - 1);
    }
}

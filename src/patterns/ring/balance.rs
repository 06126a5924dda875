//! Exact shares of the hash space and the balance of a ring.
//!
//! A point owns the half-open arc from the point before it (inclusive) to itself
//! (exclusive), clockwise. A server's share is the sum of its arcs' lengths over 2^128,
//! kept as an exact integer: the shares of a ring sum to exactly 2^128.

use std::fmt;

use super::{HashRing, ServerId};

/// 2^128 as an `f64` (exact: a power of two).
const TWO_POW_128: f64 = 340_282_366_920_938_463_463_374_607_431_768_211_456.0;

/// Digits after the point when a [`Share`] is displayed without a precision.
const FULL_DIGITS: usize = 128;

/// A server's exact share of the hash space: a length of arcs out of the 2^128 positions.
///
/// Every share is a fraction with denominator 2^128, so its decimal expansion is finite
/// (at most 128 digits); [`Display`](fmt::Display) prints it exactly, or truncated (never
/// rounded up) to a precision, so that printed shares never sum above 1:
///
/// ```
/// use ringside::patterns::ring::balance::Share;
///
/// let quarter = Share::from_arc(1u128 << 126);
/// assert_eq!(quarter.to_string(), "0.25");
/// assert_eq!(format!("{quarter:.12}"), "0.250000000000");
/// assert_eq!(quarter.to_f64(), 0.25);
/// assert_eq!(Share::WHOLE.to_string(), "1");
/// assert_eq!(format!("{:.3}", Share::WHOLE), "1.000");
/// // 1/2^128 needs all 128 digits; twelve of them are zeros, truncated.
/// assert_eq!(format!("{:.12}", Share::from_arc(1)), "0.000000000000");
/// assert!(Share::from_arc(1).to_string().ends_with("212890625"));
/// assert!(Share::ZERO < Share::from_arc(1) && Share::from_arc(u128::MAX) < Share::WHOLE);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Share {
    /// The whole circle (2^128, which does not fit in `arc`).
    whole: bool,
    /// The arc length when not `whole` (0 when `whole`).
    arc: u128,
}

impl Share {
    /// No part of the hash space.
    pub const ZERO: Share = Share {
        whole: false,
        arc: 0,
    };

    /// The whole hash space (2^128 positions).
    pub const WHOLE: Share = Share {
        whole: true,
        arc: 0,
    };

    /// The share of `arc` positions out of 2^128.
    pub const fn from_arc(arc: u128) -> Share {
        Share { whole: false, arc }
    }

    /// Whether this is the whole hash space.
    pub fn is_whole(self) -> bool {
        self.whole
    }

    /// The number of positions modulo 2^128: the numerator over 2^128, except for
    /// [`WHOLE`](Self::WHOLE), whose numerator 2^128 reads 0 here.
    pub fn arc(self) -> u128 {
        self.arc
    }

    /// The share as a fraction in 0..=1 (rounded to the nearest `f64`).
    pub fn to_f64(self) -> f64 {
        if self.whole {
            1.0
        } else {
            self.arc as f64 / TWO_POW_128
        }
    }

    /// Add two shares exactly; `None` when the sum exceeds the whole hash space.
    pub fn checked_add(self, other: Share) -> Option<Share> {
        match (self.whole, other.whole) {
            (true, _) if other == Share::ZERO => Some(self),
            (_, true) if self == Share::ZERO => Some(other),
            (false, false) => match self.arc.overflowing_add(other.arc) {
                (arc, false) => Some(Share::from_arc(arc)),
                (0, true) => Some(Share::WHOLE),
                (_, true) => None,
            },
            _ => None,
        }
    }
}

impl fmt::Display for Share {
    /// The exact decimal (trailing zeros dropped), or with `{:.N}` exactly N digits after
    /// the point, truncated.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = f.precision().unwrap_or(FULL_DIGITS);
        let mut text = String::with_capacity(digits + 2);
        text.push(if self.whole { '1' } else { '0' });
        let mut fraction = String::with_capacity(digits);
        // Long division of arc / 2^128, one decimal digit at a time; the remainder stays
        // below 2^128 and is multiplied by 10 in two 64-bit halves so nothing overflows.
        let mut rest = self.arc;
        for _ in 0..digits {
            let low = (rest as u64 as u128) * 10;
            let high = (rest >> 64) * 10 + (low >> 64);
            fraction.push(char::from(b'0' + (high >> 64) as u8));
            rest = (high << 64) | (low & u128::from(u64::MAX));
        }
        if f.precision().is_none() {
            fraction.truncate(fraction.trim_end_matches('0').len());
        }
        if !fraction.is_empty() {
            text.push('.');
            text.push_str(&fraction);
        }
        f.pad_integral(true, "", &text)
    }
}

/// Each member's exact share of the hash space and how evenly the ring spreads it.
///
/// `peak_to_mean` is the largest share times the number of servers (1 for a perfectly even
/// ring, N when one server owns everything); `cv` is the coefficient of variation of the
/// shares, the *population* standard deviation over the mean 1/N (0 when even). Both
/// measure against the equal share 1/N, whatever the servers' weights.
///
/// ```
/// use ringside::patterns::ring::HashRing;
/// use ringside::patterns::ring::balance::{Balance, Share};
///
/// let ring = HashRing::with_servers(150, ["a", "b", "c"])?;
/// let balance = Balance::of(&ring);
/// assert_eq!(balance.shares().len(), 3);
/// // The shares add up to exactly the whole hash space.
/// let total = balance
///     .shares()
///     .iter()
///     .try_fold(Share::ZERO, |sum, &(_, share)| sum.checked_add(share));
/// assert_eq!(total, Some(Share::WHOLE));
/// let peak = balance.peak_to_mean().expect("ring not empty");
/// assert!((1.0..1.2).contains(&peak), "{peak}");
/// assert!(balance.cv().unwrap() < 0.15);
///
/// // More virtual nodes, better balance.
/// let coarse = Balance::of(&HashRing::with_servers(1, ["a", "b", "c"])?);
/// assert!(coarse.cv().unwrap() > balance.cv().unwrap());
/// assert_eq!(Balance::of(&HashRing::new(150)?).cv(), None);
/// # Ok::<(), ringside::patterns::ring::RingError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Balance {
    /// (id, share), sorted by server name.
    shares: Vec<(ServerId, Share)>,
}

impl Balance {
    /// The balance of `ring` as it stands.
    pub fn of(ring: &HashRing) -> Balance {
        Balance {
            shares: ring.exact_shares(),
        }
    }

    /// Each member's exact share, as (id, share) sorted by server name; they sum to
    /// exactly [`Share::WHOLE`] (empty for an empty ring).
    pub fn shares(&self) -> &[(ServerId, Share)] {
        &self.shares
    }

    /// Largest share × number of servers (`None` for an empty ring).
    pub fn peak_to_mean(&self) -> Option<f64> {
        let peak = self.shares.iter().map(|&(_, s)| s).max()?;
        Some(peak.to_f64() * self.shares.len() as f64)
    }

    /// Coefficient of variation of the shares: population standard deviation over the
    /// mean (`None` for an empty ring).
    pub fn cv(&self) -> Option<f64> {
        if self.shares.is_empty() {
            return None;
        }
        let n = self.shares.len() as f64;
        let mean = 1.0 / n;
        let variance = self
            .shares
            .iter()
            .map(|&(_, s)| (s.to_f64() - mean).powi(2))
            .sum::<f64>()
            / n;
        Some(variance.sqrt() / mean)
    }
}

impl HashRing {
    /// Each member's exact share of the hash space as (id, share) sorted by name; the
    /// shares sum to exactly [`Share::WHOLE`]. See [`Balance`] for the statistics.
    pub fn exact_shares(&self) -> Vec<(ServerId, Share)> {
        // Point i owns [pos[i-1], pos[i]) (wrapping). The arcs sum to exactly 2^128, which
        // wraps to 0 in u128: a server whose arcs reach 2^128 owns the whole circle.
        let mut acc: Vec<(u128, bool)> = vec![(0, false); self.members.len()];
        let n = self.pos.len();
        for i in 0..n {
            let prev = self.pos[if i == 0 { n - 1 } else { i - 1 }];
            let arc = self.pos[i].wrapping_sub(prev);
            let slot = &mut acc[self.owner[i] as usize];
            let (sum, overflow) = slot.0.overflowing_add(arc);
            *slot = (sum, slot.1 || overflow);
        }
        // Every point at one position (e.g. a lone server with one vnode): all arcs are
        // empty, and every key goes to the first point.
        if n > 0 && acc.iter().all(|&(sum, whole)| sum == 0 && !whole) {
            acc[self.owner[0] as usize].1 = true;
        }
        self.by_name
            .values()
            .map(|&id| {
                let (arc, whole) = acc[id.0 as usize];
                (
                    id,
                    if whole {
                        Share::WHOLE
                    } else {
                        Share::from_arc(arc)
                    },
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_shares_of_raw_points() {
        let mut r = HashRing::new(1).unwrap();
        r.insert_raw("a", &[1u128 << 126]);
        assert_eq!(r.exact_shares(), [(ServerId(0), Share::WHOLE)]);
        r.insert_raw("b", &[1u128 << 126]);
        // Both points at one position: every key goes to the first, a's.
        assert_eq!(
            r.exact_shares(),
            [(ServerId(0), Share::WHOLE), (ServerId(1), Share::ZERO)]
        );
        let mut r = HashRing::new(1).unwrap();
        r.insert_raw("a", &[1, 5]);
        r.insert_raw("b", &[3]);
        assert_eq!(
            r.exact_shares(),
            [
                (ServerId(0), Share::from_arc(0u128.wrapping_sub(2))),
                (ServerId(1), Share::from_arc(2))
            ]
        );
    }

    #[test]
    fn exact_shares_sum_to_the_whole_space() {
        for vnodes in [1, 2, 8, 150, 500] {
            let mut r = HashRing::with_servers(vnodes, ["a", "b", "c", "d"]).unwrap();
            r.add_weighted("heavy", 3.0).unwrap();
            let total = r
                .exact_shares()
                .into_iter()
                .try_fold(Share::ZERO, |sum, (_, s)| sum.checked_add(s));
            assert_eq!(total, Some(Share::WHOLE), "{vnodes} vnodes");
            let floats: Vec<f64> = r.shares().into_iter().map(|(_, s)| s).collect();
            let exact: Vec<f64> = r.exact_shares().iter().map(|(_, s)| s.to_f64()).collect();
            assert_eq!(floats, exact);
        }
    }

    #[test]
    fn display_is_exact_long_division() {
        assert_eq!(Share::ZERO.to_string(), "0");
        assert_eq!(format!("{:.2}", Share::ZERO), "0.00");
        assert_eq!(Share::from_arc(3u128 << 126).to_string(), "0.75");
        // 2^-128 = 2.938735877055718769921841343055614194546663891930218803771879265696043148636817932128906250e-39,
        // its 128 digits after the point: 38 zeros, then the mantissa.
        let tiny = Share::from_arc(1).to_string();
        assert_eq!(tiny.len(), 2 + 128);
        assert!(tiny.starts_with(&format!("0.{}29387358770557187699", "0".repeat(38))));
        // (2^128 - 1) / 2^128 truncated never reaches 1.
        assert_eq!(
            format!("{:.20}", Share::from_arc(u128::MAX)),
            "0.99999999999999999999"
        );
        assert_eq!(format!("{:>6.2}", Share::WHOLE), "  1.00");
    }

    #[test]
    fn checked_add_is_exact() {
        let half = Share::from_arc(1u128 << 127);
        assert_eq!(half.checked_add(half), Some(Share::WHOLE));
        assert_eq!(Share::WHOLE.checked_add(Share::ZERO), Some(Share::WHOLE));
        assert_eq!(Share::WHOLE.checked_add(Share::from_arc(1)), None);
        assert_eq!(half.checked_add(Share::from_arc((1u128 << 127) + 1)), None);
    }

    #[test]
    fn balance_of_an_even_and_a_lopsided_ring() {
        let mut r = HashRing::new(1).unwrap();
        r.insert_raw("a", &[0]);
        r.insert_raw("b", &[1u128 << 127]);
        let even = Balance::of(&r);
        assert_eq!(even.peak_to_mean(), Some(1.0));
        assert_eq!(even.cv(), Some(0.0));
        let mut r = HashRing::new(1).unwrap();
        r.insert_raw("a", &[0]);
        r.insert_raw("b", &[1u128 << 126]);
        // b owns a quarter, a three quarters: peak 0.75 × 2; deviations ±0.25 over 0.5.
        let lopsided = Balance::of(&r);
        assert_eq!(lopsided.peak_to_mean(), Some(1.5));
        assert_eq!(lopsided.cv(), Some(0.5));
    }
}

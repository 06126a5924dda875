//! Exact integer parameters of a bucket for the Lua script, and the decoding of its replies.
//!
//! The same representation as the in-memory bucket: `rate / 10^9 = N / D` exactly, time in
//! units of `1/N` ns, one token = `D` units. The script sees times as `(s, ns, fr)` triples
//! (`fr < N`), so it needs `N < 2^53` (every fractional `f64` rate, and integer rates below
//! `2^53`/s) and a burst tolerance `capacity / rate` below `2^43` s; other configurations
//! are refused with [`RedisLimiterError::RateTooHigh`] / [`RedisLimiterError::RefillTooSlow`].

use super::RedisLimiterError;
use crate::patterns::limiter::{BucketConfig, Decision, rate_ratio, sat_u64};
use crate::patterns::{NANOS_PER_SEC, Nanos};

/// Largest `N` the script handles exactly (Lua numbers are doubles).
const MAX_N: u64 = 1 << 53;
/// Largest whole seconds in `capacity·D` (keeps the TTL in ms below 2^53).
const MAX_TAU_SECS: u128 = 1 << 43;

/// A time for the script: `s` seconds, `ns` nanoseconds (< 10^9), `fr` units of `1/N` ns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Triple {
    pub s: u64,
    pub ns: u64,
    pub fr: u64,
}

impl Triple {
    /// Total whole nanoseconds.
    fn total_ns(&self) -> u128 {
        u128::from(self.s) * u128::from(NANOS_PER_SEC) + u128::from(self.ns)
    }
}

/// The parameters of one configuration.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scale {
    pub config: BucketConfig,
    pub n: u64,
    pub d: u128,
    /// `capacity·D` as a triple.
    pub tau: Triple,
    /// `capacity·D` in units.
    tau_units: u128,
}

fn split(units: u128, n: u64) -> Triple {
    let n = u128::from(n);
    let ns_total = units / n;
    Triple {
        s: (ns_total / u128::from(NANOS_PER_SEC)) as u64,
        ns: (ns_total % u128::from(NANOS_PER_SEC)) as u64,
        fr: (units % n) as u64,
    }
}

impl Scale {
    /// Validates `config` and derives the script's parameters.
    /// (The in-memory bucket's exact split `(N, D)` is shared, so both backends scale time
    /// identically; rates it saturates are refused here anyway.)
    pub fn new(config: BucketConfig) -> Result<Self, RedisLimiterError> {
        let (n, d) = rate_ratio(config.refill_per_sec());
        if n >= MAX_N {
            return Err(RedisLimiterError::RateTooHigh {
                rate: config.refill_per_sec(),
            });
        }
        let tau_units = u128::from(config.capacity()) * d;
        if tau_units / u128::from(n) / u128::from(NANOS_PER_SEC) >= MAX_TAU_SECS {
            return Err(RedisLimiterError::RefillTooSlow {
                capacity: config.capacity(),
                rate: config.refill_per_sec(),
            });
        }
        Ok(Scale {
            config,
            n,
            d,
            tau: split(tau_units, n),
            tau_units,
        })
    }

    /// `cost·D` as a triple. `cost ≤ capacity`, so it is at most `tau`.
    pub fn interval(&self, cost: u32) -> Triple {
        split(u128::from(cost) * self.d, self.n)
    }

    /// Units of `t` (`total_ns·N + fr`), or `None` when that overflows (a reply no server
    /// of ours sends).
    fn units(&self, t: Triple) -> Option<u128> {
        t.total_ns()
            .checked_mul(u128::from(self.n))?
            .checked_add(u128::from(t.fr))
    }

    /// Tokens available when the (effective) arrival time is `tat` (units) at `limit`
    /// (`now + tau`, units).
    fn tokens(&self, tat: u128, limit: u128) -> f64 {
        limit.saturating_sub(tat) as f64 / self.d as f64
    }

    /// The time from `now` until `t`, rounded up to whole nanoseconds.
    fn ns_until(&self, now: Triple, t: Triple) -> Nanos {
        let (a, b) = (t.total_ns(), now.total_ns());
        if a < b {
            Nanos::ZERO
        } else {
            Nanos::from_nanos(sat_u64(a - b + u128::from(t.fr != 0)))
        }
    }

    /// Checks a reply `{flag, s, ns, fr, now_s, now_ns}` against what the script can send
    /// for `expect` (`cost` = `None` for a peek): every field in range, and the arrival time
    /// between `now` and `now + tau` (after the cost when allowed, beyond it when denied).
    /// All arithmetic is checked: an absurd reply is an error, never a decision.
    fn validate(&self, reply: &[i64], cost: Option<u32>) -> Result<Checked, RedisLimiterError> {
        let bad = || RedisLimiterError::MalformedReply {
            reply: reply.to_vec(),
        };
        let (flag, tat, now) = parse(reply, self.n).ok_or_else(bad)?;
        let tat_u = self.units(tat).ok_or_else(bad)?;
        let now_u = self.units(now).ok_or_else(bad)?;
        let limit = now_u.checked_add(self.tau_units).ok_or_else(bad)?;
        let cost_u = cost.map_or(0, |c| u128::from(c) * self.d);
        let in_window = now_u <= tat_u && tat_u <= limit;
        let consistent = match (flag, cost) {
            (1, Some(_)) => tat_u >= now_u.checked_add(cost_u).ok_or_else(bad)?,
            (0, Some(_)) => tat_u.checked_add(cost_u).ok_or_else(bad)? > limit,
            (2, None) => true,
            _ => false,
        };
        if !(in_window && consistent) {
            return Err(bad());
        }
        Ok(Checked {
            allowed: flag == 1,
            tat,
            now,
            tat_u,
            limit,
            cost_u,
        })
    }

    /// The decision for a script reply `{flag, s, ns, fr, now_s, now_ns}` of a check of `cost`.
    pub fn decide(&self, reply: &[i64], cost: u32) -> Result<Decision, RedisLimiterError> {
        let r = self.validate(reply, Some(cost))?;
        let remaining = self.tokens(r.tat_u, r.limit);
        let full_after = self.ns_until(r.now, r.tat);
        if r.allowed {
            return Ok(Decision {
                allowed: true,
                remaining,
                retry_after: Nanos::ZERO,
                full_after,
            });
        }
        // tat + cost·D − (now + tau), rounded up to whole ns (validated: no overflow).
        let excess = (r.tat_u + r.cost_u).saturating_sub(r.limit);
        let n = u128::from(self.n);
        Ok(Decision {
            allowed: false,
            remaining,
            retry_after: Nanos::from_nanos(sat_u64(
                excess / n + u128::from(!excess.is_multiple_of(n)),
            )),
            full_after,
        })
    }

    /// Tokens from a peek reply.
    pub fn peek(&self, reply: &[i64]) -> Result<f64, RedisLimiterError> {
        let r = self.validate(reply, None)?;
        Ok(self.tokens(r.tat_u, r.limit))
    }
}

/// A reply that passed [`Scale::validate`], with its times in units.
struct Checked {
    allowed: bool,
    tat: Triple,
    now: Triple,
    tat_u: u128,
    limit: u128,
    cost_u: u128,
}

/// The reply's flag and triples, each field in its range (`ns < 10^9`, `fr < n`, no
/// negative number), or `None`.
fn parse(reply: &[i64], n: u64) -> Option<(i64, Triple, Triple)> {
    let &[flag, s, ns, fr, now_s, now_ns] = reply else {
        return None;
    };
    let u = |x: i64| u64::try_from(x).ok();
    let tat = Triple {
        s: u(s)?,
        ns: u(ns)?,
        fr: u(fr)?,
    };
    let now = Triple {
        s: u(now_s)?,
        ns: u(now_ns)?,
        fr: 0,
    };
    let in_range = |t: &Triple| t.ns < NANOS_PER_SEC && t.fr < n;
    (in_range(&tat) && in_range(&now)).then_some((flag, tat, now))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_and_limits() {
        assert_eq!(rate_ratio(3.0), (3, 1_000_000_000));
        assert_eq!(rate_ratio(0.1), (3602879701896397, 1_000_000_000u128 << 55));
        assert!(Scale::new(BucketConfig::new(10, 0.1).unwrap()).is_ok());
        assert!(Scale::new(BucketConfig::new(10, 2f64.powi(53)).unwrap()).is_err());
        assert!(Scale::new(BucketConfig::new(u32::MAX, 1e-9).unwrap()).is_err());
        let s = Scale::new(BucketConfig::new(4, 3.0).unwrap()).unwrap();
        assert_eq!(
            s.tau,
            Triple {
                s: 1,
                ns: 333_333_333,
                fr: 1
            }
        );
        assert_eq!(
            s.interval(1),
            Triple {
                s: 0,
                ns: 333_333_333,
                fr: 1
            }
        );
    }

    #[test]
    fn decodes_a_denial_exactly() {
        let s = Scale::new(BucketConfig::new(1, 3.0).unwrap()).unwrap();
        // tat = now + 1/3 s, bucket empty: the next token comes in ceil(1e9/3) ns.
        let d = s
            .decide(&[0, 10, 333_333_333, 1, 10, 0], 1)
            .expect("decodes");
        assert!(!d.allowed);
        assert_eq!(d.remaining, 0.0);
        assert_eq!(d.retry_after, Nanos::from_nanos(333_333_334));
        assert_eq!(d.full_after, Nanos::from_nanos(333_333_334));
        assert!(s.decide(&[1, 2], 1).is_err());
        assert!(s.decide(&[7, 0, 0, 0, 0, 0], 1).is_err());
    }

    #[test]
    fn absurd_replies_are_errors_never_decisions() {
        let s = Scale::new(BucketConfig::new(10, 3.0).unwrap()).unwrap();
        let max = i64::MAX;
        for reply in [
            // Overflows u128 units.
            [1, max, 0, 0, max, 0],
            // Fields out of range.
            [1, 10, 1_000_000_000, 0, 10, 0],
            [1, 10, 0, i64::from(u32::MAX), 10, 0],
            [1, -1, 0, 0, 10, 0],
            // Allowed but the arrival time is before now, or beyond now + tau.
            [1, 9, 0, 0, 10, 0],
            [1, 20, 0, 0, 10, 0],
            // Allowed without taking the cost.
            [1, 10, 0, 0, 10, 0],
            // Denied with room for the cost.
            [0, 10, 0, 0, 10, 0],
            // A peek flag for a check.
            [2, 10, 0, 0, 10, 0],
        ] {
            assert!(s.decide(&reply, 1).is_err(), "{reply:?}");
        }
        assert!(s.peek(&[1, 10, 0, 0, 10, 0]).is_err());
        assert_eq!(s.peek(&[2, 10, 0, 0, 10, 0]).unwrap(), 10.0);
        let allowed = s.decide(&[1, 10, 333_333_333, 1, 10, 0], 1).unwrap();
        assert!(allowed.allowed);
        assert_eq!(allowed.remaining, 9.0);
    }
}

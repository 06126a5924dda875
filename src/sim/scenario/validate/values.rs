//! The value rules of commands and command-line flags (what can be checked without an
//! engine): rates, factors, weights, faults, bursts, durations, and the declared
//! [`limits`](crate::sim::limits) on counts, ring points and virtual times.

use std::fmt::Display;

use crate::sim::command::{BreakerParams, Command, Fault};
use crate::sim::duration::exact_duration;
use crate::sim::error::SimError;
use crate::sim::limits::{
    MAX_BURST, MAX_DURATION_NS, MAX_RATE, MAX_RING_POINTS, MAX_SERVER_POINTS, MAX_SERVERS,
    MAX_VNODES,
};

/// Shortest flapping period: down for half of it, up for the other half.
pub const MIN_FLAP_PERIOD_NS: u64 = 2_000_000;

/// `got` within `max`, else [`SimError::AboveLimit`] naming `what`.
pub fn within<T: PartialOrd + Display>(what: &'static str, got: T, max: T) -> Result<(), SimError> {
    if got > max {
        return Err(SimError::AboveLimit {
            what,
            got: got.to_string(),
            max: max.to_string(),
        });
    }
    Ok(())
}

/// A virtual time or a duration: at most [`MAX_DURATION_NS`].
pub fn duration(what: &'static str, ns: u64) -> Result<(), SimError> {
    if ns > MAX_DURATION_NS {
        return Err(SimError::AboveLimit {
            what,
            got: exact_duration(ns),
            max: exact_duration(MAX_DURATION_NS),
        });
    }
    Ok(())
}

/// Ring points of a server: `vnodes × weight` rounded, at least 1 (as the ring counts
/// them). Saturates for absurd weights.
pub fn server_points(vnodes: u32, weight: f64) -> u64 {
    // A float-to-int `as` saturates (and maps NaN to 0): no overflow.
    ((f64::from(vnodes) * weight).round() as u64).max(1)
}

/// A server weight: finite, > 0, and giving at most [`MAX_SERVER_POINTS`] ring points
/// with `vnodes` per server of weight 1.
pub fn weight_points(vnodes: u32, w: f64) -> Result<(), SimError> {
    weight(w)?;
    within(
        "ring points of one server (vnodes × weight)",
        server_points(vnodes, w),
        MAX_SERVER_POINTS,
    )
}

/// A ring of `servers` servers holding `points` points in all: within [`MAX_SERVERS`] and
/// [`MAX_RING_POINTS`].
pub fn ring_size(servers: usize, points: u64) -> Result<(), SimError> {
    within("servers", servers, MAX_SERVERS)?;
    within("ring points", points, MAX_RING_POINTS)
}

/// An offered traffic rate: finite, ≥ 0 and at most [`MAX_RATE`].
pub fn rate(rate: f64) -> Result<(), SimError> {
    if !rate.is_finite() || rate < 0.0 {
        return Err(SimError::InvalidRate(rate));
    }
    if rate > MAX_RATE {
        return Err(SimError::RateTooHigh {
            got: rate,
            max: MAX_RATE,
        });
    }
    Ok(())
}

/// A factor scaling the rate: finite, > 0.
pub fn factor(factor: f64) -> Result<(), SimError> {
    if factor.is_finite() && factor > 0.0 {
        Ok(())
    } else {
        Err(SimError::InvalidFactor(factor))
    }
}

/// A server weight: finite, > 0.
pub fn weight(weight: f64) -> Result<(), SimError> {
    if weight.is_finite() && weight > 0.0 {
        Ok(())
    } else {
        Err(SimError::InvalidWeight(weight))
    }
}

/// A fault: an error rate within 0..=1, a flapping period of at least
/// [`MIN_FLAP_PERIOD_NS`], durations within [`MAX_DURATION_NS`].
pub fn fault(fault: &Fault) -> Result<(), SimError> {
    match *fault {
        Fault::Slow { latency_ns } => duration("fault latency", latency_ns),
        Fault::Flapping { period_ns } if period_ns > MAX_DURATION_NS => {
            duration("flapping period", period_ns)
        }
        Fault::Errors { rate } if !(0.0..=1.0).contains(&rate) => {
            Err(SimError::InvalidErrorRate(rate))
        }
        Fault::Flapping { period_ns } if period_ns < MIN_FLAP_PERIOD_NS => {
            Err(SimError::FlapPeriodTooShort {
                got_ns: period_ns,
                min_ns: MIN_FLAP_PERIOD_NS,
            })
        }
        _ => Ok(()),
    }
}

/// Breaker parameters: every count given is at least 1, the recovery timeout within
/// [`MAX_DURATION_NS`].
pub fn breaker_params(p: &BreakerParams) -> Result<(), SimError> {
    if let Some(ns) = p.recovery_timeout_ns {
        duration("recovery_timeout", ns)?;
    }
    for (value, name) in [
        (p.failure_threshold, "failure_threshold"),
        (p.success_threshold, "success_threshold"),
        (p.half_open_probes, "half_open_probes"),
    ] {
        if value == Some(0) {
            return Err(SimError::ZeroCount(name));
        }
    }
    Ok(())
}

/// The value rules of a command (what can be checked without an engine): rates, factors,
/// weights, faults, burst sizes, bucket and breaker parameters.
pub fn command(command: &Command) -> Result<(), SimError> {
    match command {
        Command::SetWeight { weight: w, .. } => weight(*w),
        Command::InjectFault { fault: f, .. } => fault(f),
        Command::SetRate(r) => rate(*r),
        Command::ScaleRate(f) => factor(*f),
        Command::Burst { requests: 0, .. } => Err(SimError::EmptyBurst),
        Command::Burst { requests, .. } => within("burst size", *requests, MAX_BURST),
        Command::SetRefillRate(r) if !(r.is_finite() && *r > 0.0) => {
            Err(SimError::InvalidRefillRate(*r))
        }
        Command::SetCapacity(0) => Err(SimError::ZeroCount("capacity")),
        Command::SetVnodes(0) => Err(SimError::ZeroCount("vnodes")),
        Command::SetVnodes(v) => within("vnodes", *v, MAX_VNODES),
        Command::SetBreaker(p) => breaker_params(p),
        _ => Ok(()),
    }
}

/// The key of the value a command's [`command`] rule refuses, for locating it in a file.
pub(super) fn command_field(command: &Command) -> &'static str {
    match command {
        Command::SetWeight { .. } => "weight",
        Command::InjectFault {
            fault: Fault::Errors { .. },
            ..
        } => "error_rate",
        Command::InjectFault {
            fault: Fault::Slow { .. },
            ..
        } => "latency",
        Command::InjectFault { .. } => "period",
        Command::SetRate(_) => "rate",
        Command::ScaleRate(_) => "factor",
        Command::Burst { .. } => "requests",
        Command::SetRefillRate(_) => "refill_per_sec",
        Command::SetCapacity(_) => "capacity",
        Command::SetVnodes(_) => "vnodes",
        Command::SetBreaker(p) if p.recovery_timeout_ns > Some(MAX_DURATION_NS) => {
            "recovery_timeout"
        }
        _ => "action",
    }
}

/// URL schemes a shared limiter backend may use (besides `memory`).
pub const BACKEND_SCHEMES: &[&str] = &[
    "redis",
    "rediss",
    "redis+cluster",
    "redis+sentinel",
    "redis+unix",
    "unix",
];

/// A limiter backend, checked by its form only (the simulation does not know Redis):
/// `memory` or a URL whose scheme is a known limiter backend's. The message never
/// repeats the URL (it may hold a password), only a scheme made of letters and `+`.
pub fn limiter_backend(text: &str) -> Result<(), String> {
    let text = text.trim();
    if text.is_empty() || text == "memory" {
        return Ok(());
    }
    let expected = "expected `memory` or a URL starting with redis://, rediss://, \
                    redis+cluster://, redis+sentinel://, redis+unix:// or unix://";
    match text.split_once("://") {
        Some((scheme, _)) if BACKEND_SCHEMES.contains(&scheme) => Ok(()),
        Some((scheme, _))
            if !scheme.is_empty()
                && scheme.len() <= 32
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '+') =>
        {
            Err(format!(
                "limiter.backend: unknown scheme '{scheme}://': {expected}"
            ))
        }
        _ => Err(format!("limiter.backend is not a URL: {expected}")),
    }
}

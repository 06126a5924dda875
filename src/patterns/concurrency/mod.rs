//! An adaptive concurrency limit: TCP Vegas applied to a client's calls, as in Netflix's
//! [concurrency-limits](https://github.com/Netflix/concurrency-limits) library
//! (`com.netflix.concurrency.limits.limit.VegasLimit`, with `SimpleLimiter`'s admission).
//!
//! A caller may have at most `limit` calls in flight; a call over that is rejected at
//! once. Each completed call is a sample of its round-trip time (RTT); the least RTT seen
//! is taken as the RTT without queueing, `rtt_noload`, and
//! `queue = ⌈limit · (1 − rtt_noload / rtt)⌉` estimates how many calls wait in queues.
//! With `log(l) = max(1, ⌊log10(l)⌋)` evaluated at the integer limit `l`:
//!
//! | function | definition | library default |
//! |---|---|---|
//! | `alpha(l)` | `3 · log(l)` | `alphaFunc` |
//! | `beta(l)` | `6 · log(l)` | `betaFunc` |
//! | `threshold(l)` | `log(l)` | `thresholdFunc` |
//! | `increase(limit)` | `limit + log(l)` | `increaseFunc` |
//! | `decrease(limit)` | `limit − log(l)` | `decreaseFunc` |
//!
//! and a sample updates the limit, in this order: a drop (a failed call: error, timeout,
//! refusal) → `decrease`; fewer than half the limit in flight → unchanged (no upward drift
//! when idle); `queue ≤ threshold` → `limit + beta`; `queue < alpha` → `increase`;
//! `queue > beta` → `decrease`; else unchanged. The result is kept within
//! `[1, max_limit]` and smoothed: `limit ← (1 − smoothing)·limit + smoothing·new`.
//! Every `jitter · probe_multiplier · limit` samples (jitter uniform in `[0.5, 1)`) the
//! next sample becomes `rtt_noload` outright (a probe), so a baseline that grew is
//! learnt again.
//!
//! One departure from the library, for calls that fail at once: a dropped sample never
//! becomes `rtt_noload` nor counts towards a probe (a refused call's near-zero RTT says
//! nothing about the path's RTT without queueing); it only decreases the limit.

use super::Nanos;

/// The parameters of a [`VegasLimit`], with the library's defaults
/// ([`VegasConfig::NETFLIX`]).
///
/// ```
/// use ringside::patterns::concurrency::VegasConfig;
///
/// let config = VegasConfig::NETFLIX;
/// assert_eq!((config.initial_limit(), config.max_limit()), (20, 1000));
/// assert!(VegasConfig::new(0, 10, 1.0, 30).is_none()); // a limit of at least 1
/// assert!(VegasConfig::new(20, 10, 1.0, 30).is_none()); // initial ≤ max
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VegasConfig {
    initial_limit: u32,
    max_limit: u32,
    smoothing: f64,
    probe_multiplier: u32,
}

impl VegasConfig {
    /// The library's defaults: `initialLimit` 20, `maxConcurrency` 1000, `smoothing` 1.0
    /// (no smoothing), `probeMultiplier` 30.
    pub const NETFLIX: VegasConfig = VegasConfig {
        initial_limit: 20,
        max_limit: 1000,
        smoothing: 1.0,
        probe_multiplier: 30,
    };

    /// `initial_limit` (1 ≤ initial ≤ `max_limit`), `smoothing` in `(0, 1]`, and
    /// `probe_multiplier` (0: never probe); `None` otherwise.
    pub fn new(
        initial_limit: u32,
        max_limit: u32,
        smoothing: f64,
        probe_multiplier: u32,
    ) -> Option<Self> {
        let valid =
            initial_limit >= 1 && initial_limit <= max_limit && smoothing > 0.0 && smoothing <= 1.0;
        valid.then_some(Self {
            initial_limit,
            max_limit,
            smoothing,
            probe_multiplier,
        })
    }

    /// The limit before any sample.
    pub fn initial_limit(&self) -> u32 {
        self.initial_limit
    }

    /// The most the limit grows to.
    pub fn max_limit(&self) -> u32 {
        self.max_limit
    }

    /// How much of each new estimate is taken (1: all of it).
    pub fn smoothing(&self) -> f64 {
        self.smoothing
    }

    /// Samples between probes of the no-load RTT, per unit of limit (0: never).
    pub fn probe_multiplier(&self) -> u32 {
        self.probe_multiplier
    }
}

/// One completed call, fed back to its caller's [`VegasLimit`].
///
/// ```
/// use ringside::patterns::Nanos;
/// use ringside::patterns::concurrency::{Sample, VegasConfig, VegasLimit};
///
/// let mut vegas = VegasLimit::new(VegasConfig::NETFLIX, 0.5);
/// // A call sent at 1 s with 5 in flight (itself included) fails at 1.2 s: a drop.
/// let failed = Sample { in_flight: 5, dropped: true, sent_at: Nanos::from_secs(1) };
/// assert_eq!(vegas.record(failed, 0.5, Nanos::from_millis(1_200)), 19);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    /// Calls the caller had in flight when this one was sent, itself included.
    pub in_flight: u32,
    /// Whether the call failed (an error, a timeout, a refusal): the limit decreases.
    pub dropped: bool,
    /// When it was sent.
    pub sent_at: Nanos,
}

/// `max(1, ⌊log10(n)⌋)`, the library's `Log10RootFunction` (baseline 0).
fn log10_floor(n: u32) -> f64 {
    f64::from(n.max(1).ilog10().max(1))
}

/// One caller's adaptive concurrency limit (TCP Vegas, see the [module docs](self)).
///
/// ```
/// use ringside::patterns::Nanos;
/// use ringside::patterns::concurrency::{Sample, VegasConfig, VegasLimit};
///
/// let mut vegas = VegasLimit::new(VegasConfig::NETFLIX, 0.5);
/// assert_eq!(vegas.limit(), 20);
/// let ms = Nanos::from_millis;
/// let sent = |in_flight, at| Sample { in_flight, dropped: false, sent_at: ms(at) };
/// // The first sample sets the no-load RTT (10 ms).
/// vegas.record(sent(20, 0), 0.5, ms(10));
/// // No queueing (same RTT), busy: the limit grows by beta = 6·log10(20) = 6.
/// assert_eq!(vegas.record(sent(20, 10), 0.5, ms(20)), 26);
/// // RTT doubled: queue = ⌈26 · (1 − 10/20)⌉ = 13 > beta = 6: it shrinks by log10(26) = 1.
/// assert_eq!(vegas.record(sent(26, 20), 0.5, ms(40)), 25);
/// // A failed call shrinks it too.
/// let failed = Sample { dropped: true, ..sent(25, 40) };
/// assert_eq!(vegas.record(failed, 0.5, ms(41)), 24);
/// assert!(vegas.admits(23) && !vegas.admits(24));
/// ```
#[derive(Debug, Clone)]
pub struct VegasLimit {
    config: VegasConfig,
    estimate: f64,
    /// The least RTT seen since the last probe (ns; 0 before the first sample).
    rtt_noload: u64,
    probe_count: u64,
    probe_jitter: f64,
}

impl VegasLimit {
    /// The initial limit; `draw` (uniform in `[0, 1)`, the caller's) picks the jitter of
    /// the first probe, `0.5 + draw / 2`.
    pub fn new(config: VegasConfig, draw: f64) -> Self {
        Self {
            config,
            estimate: f64::from(config.initial_limit),
            rtt_noload: 0,
            probe_count: 0,
            probe_jitter: jitter(draw),
        }
    }

    /// The limit now: the estimate, truncated (as the library's `(int)estimatedLimit`).
    pub fn limit(&self) -> u32 {
        self.estimate as u32
    }

    /// Whether a call may be sent with `in_flight` calls already in flight.
    pub fn admits(&self, in_flight: u32) -> bool {
        in_flight < self.limit()
    }

    /// The no-load RTT in use (`None` before the first sample that set it).
    pub fn rtt_noload(&self) -> Option<Nanos> {
        (self.rtt_noload > 0).then(|| Nanos::from_nanos(self.rtt_noload))
    }

    /// The configuration.
    pub fn config(&self) -> VegasConfig {
        self.config
    }

    /// Learn from `sample`, a call completed at `now` (its RTT is `now − sent_at`, at
    /// least 1 ns); `draw` (uniform in `[0, 1)`) picks the next probe's jitter when this
    /// sample is a probe. Returns the new limit.
    pub fn record(&mut self, sample: Sample, draw: f64, now: Nanos) -> u32 {
        let rtt = now
            .as_nanos()
            .saturating_sub(sample.sent_at.as_nanos())
            .max(1);
        if !sample.dropped {
            self.probe_count += 1;
            let every = self.probe_jitter * f64::from(self.config.probe_multiplier) * self.estimate;
            if self.config.probe_multiplier > 0 && every <= self.probe_count as f64 {
                self.probe_jitter = jitter(draw);
                self.probe_count = 0;
                self.rtt_noload = rtt;
                return self.limit();
            }
            if self.rtt_noload == 0 || rtt < self.rtt_noload {
                self.rtt_noload = rtt;
                return self.limit();
            }
        }
        self.update(rtt, sample)
    }

    /// The Vegas step proper (see the [module docs](self)).
    fn update(&mut self, rtt: u64, sample: Sample) -> u32 {
        let l = self.limit();
        let log = log10_floor(l);
        let new = if sample.dropped {
            self.estimate - log
        } else if f64::from(sample.in_flight) * 2.0 < self.estimate {
            return l;
        } else {
            let queue = (self.estimate * (1.0 - self.rtt_noload as f64 / rtt as f64)).ceil();
            let (alpha, beta, threshold) = (3.0 * log, 6.0 * log, log);
            if queue <= threshold {
                self.estimate + beta
            } else if queue < alpha {
                self.estimate + log
            } else if queue > beta {
                self.estimate - log
            } else {
                return l;
            }
        };
        let new = new.clamp(1.0, f64::from(self.config.max_limit));
        let s = self.config.smoothing;
        self.estimate = (1.0 - s) * self.estimate + s * new;
        self.limit()
    }
}

/// A probe jitter in `[0.5, 1)` from a uniform `draw` in `[0, 1)`.
fn jitter(draw: f64) -> f64 {
    0.5 + draw.clamp(0.0, 1.0) / 2.0
}

#[cfg(test)]
mod tests;

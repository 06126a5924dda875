//! A shared limiter backend (e.g. Redis) deciding tenant checks instead of the in-memory
//! buckets: attaching it, and checking a whole step's arrivals in one pipelined batch.

use std::collections::VecDeque;

use super::Engine;
use super::log::push_log;
use super::prefetch::{Prefetched, Remote};
use super::shared::{LimiterStatus, SharedLimiter};
use crate::patterns::Nanos;
use crate::sim::snapshot::LogKind;
use crate::sim::traffic::{exp_interval_ns, tenant_name};

/// Most arrivals checked in one round trip to a shared backend.
const MAX_BATCH: usize = 4096;

impl Engine {
    /// Decide tenant checks with a shared backend (e.g. Redis) instead of the in-memory
    /// buckets. Such a backend keeps time on its own clock, so the engine must then be
    /// advanced in real time; speed changes are refused (pause still works).
    pub fn set_limiter_backend(&mut self, backend: Box<dyn SharedLimiter>) {
        self.speed = 1.0;
        let seen = backend.status();
        self.remote = Some(Remote {
            backend,
            prefetched: VecDeque::new(),
            after_prefetch: 0,
            fallbacks_at_loss: seen.fallbacks,
            seen,
        });
    }

    /// Status of the shared limiter backend, if one is configured.
    pub fn limiter_health(&self) -> Option<LimiterStatus> {
        self.remote.as_ref().map(|r| r.backend.status())
    }

    /// Whether a shared limiter backend decides tenant checks (virtual time = wall time).
    pub fn has_shared_limiter(&self) -> bool {
        self.remote.is_some()
    }

    /// With a shared backend, draw the arrivals due by `target` now and check all their
    /// tenants in one pipelined batch, instead of one round trip per request. (Retries and
    /// bursts are checked when they happen; bursts as one batch too.)
    pub(super) fn prefetch_arrivals(&mut self, target: u64) {
        self.log_limiter_phases();
        let Some(remote) = self.remote.as_mut() else {
            return;
        };
        if !remote.prefetched.is_empty() {
            return;
        }
        let mut at = self.next_arrival;
        let mut drawn: Vec<(u64, u32, u32)> = Vec::new();
        while at <= target && drawn.len() < MAX_BATCH {
            let tenant = self.tenant_sampler.sample(&mut self.rng);
            let key = self.key_sampler.sample(&mut self.rng);
            drawn.push((at, tenant, key));
            at = at.saturating_add(exp_interval_ns(&mut self.rng, self.rate));
        }
        if drawn.is_empty() {
            return;
        }
        let owned: Vec<_> = drawn.iter().map(|&(_, t, _)| tenant_name(t)).collect();
        let names: Vec<(&str, u32)> = owned.iter().map(|n| (n.as_ref(), 1)).collect();
        let mut decisions = Vec::with_capacity(names.len());
        remote
            .backend
            .check_many(&names, Nanos::from_nanos(self.now), &mut decisions);
        let mut decisions = decisions.into_iter();
        remote
            .prefetched
            .extend(drawn.into_iter().map(|(at, tenant, key)| Prefetched {
                at,
                tenant,
                key,
                decision: decisions.next(),
            }));
        remote.after_prefetch = at;
        self.next_arrival = remote.prefetched.front().map_or(at, |p| p.at);
    }

    /// Process the next prefetched arrival, if any (returns whether there was one).
    pub(super) fn take_prefetched(&mut self) -> bool {
        let Some(p) = self.remote.as_mut().and_then(|r| r.prefetched.pop_front()) else {
            return false;
        };
        self.request_decided(p.tenant, p.key, 0, p.decision);
        if let Some(r) = &self.remote {
            self.next_arrival = r.prefetched.front().map_or(r.after_prefetch, |p| p.at);
        }
        true
    }

    /// A burst of `requests` from tenant `t` through the shared backend: pipelined batches
    /// of at most [`MAX_BATCH`] (the backend may split them further), so memory stays
    /// bounded whatever the burst size (a short answer leaves the rest to single checks).
    pub(super) fn remote_burst(&mut self, t: u32, requests: u32) {
        let name = tenant_name(t);
        let mut left = requests as usize;
        let mut keys = Vec::with_capacity(left.min(MAX_BATCH));
        let mut decisions = Vec::with_capacity(left.min(MAX_BATCH));
        while left > 0 {
            let Some(r) = self.remote.as_mut() else {
                return;
            };
            let n = left.min(MAX_BATCH);
            left -= n;
            keys.clear();
            keys.extend((0..n).map(|_| self.key_sampler.sample(&mut self.rng)));
            let batch = vec![(name.as_ref(), 1); n];
            r.backend
                .check_many(&batch, Nanos::from_nanos(self.now), &mut decisions);
            let mut answers = decisions.drain(..);
            for &key in &keys {
                self.request_decided(t, key, 0, answers.next());
            }
        }
        self.log_limiter_phases();
    }

    /// Logs what changed in the shared backend's status since it was last looked at: lost
    /// (and which policy decides), script reloaded, back (and how many decisions the
    /// policy made meanwhile).
    fn log_limiter_phases(&mut self) {
        let Some(r) = self.remote.as_mut() else {
            return;
        };
        let now = r.backend.status();
        let lines = phase_lines(&r.seen, &now, r.fallbacks_at_loss);
        if r.seen.healthy && !now.healthy {
            r.fallbacks_at_loss = r.seen.fallbacks;
        }
        r.seen = now;
        for (kind, text) in lines {
            push_log(&mut self.log, self.now, kind, text);
        }
    }
}

/// The event-log lines for a shared backend whose status went from `before` to `now`;
/// `fallbacks_at_loss` is the fallback count when it was last lost.
fn phase_lines(
    before: &LimiterStatus,
    now: &LimiterStatus,
    fallbacks_at_loss: u64,
) -> Vec<(LogKind, String)> {
    let mut lines = Vec::new();
    let policy = now.policy.as_deref().unwrap_or("the fallback");
    if now.noscript_reloads > before.noscript_reloads {
        lines.push((
            LogKind::Breaker,
            format!(
                "limiter {}: script reloaded after NOSCRIPT (the server lost it)",
                now.backend
            ),
        ));
    }
    if before.healthy && !now.healthy {
        let why = now.last_error.as_deref().unwrap_or("no answer");
        lines.push((
            LogKind::Error,
            format!("limiter {} lost: {why}; {policy} decides", now.backend),
        ));
    } else if !before.healthy && now.healthy {
        let made = now.fallbacks.saturating_sub(fallbacks_at_loss);
        lines.push((
            LogKind::Breaker,
            format!(
                "limiter {} back: it decides again ({made} decisions by {policy} meanwhile)",
                now.backend
            ),
        ));
    }
    lines
}

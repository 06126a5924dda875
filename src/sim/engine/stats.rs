//! What the engine reports: tenant, server and latency statistics, bounded sizes, and
//! the [`Snapshot`] the dashboard draws.

use std::sync::Arc;

use crate::patterns::Nanos;
use crate::sim::limits::{SERIES_SECONDS, SNAPSHOT_TENANTS};
use crate::sim::snapshot::{
    Latency, LimiterInfo, MembershipChange, QueueWaits, SecondSample, ServerSnapshot, Snapshot,
    TenantSnapshot, Totals,
};
use crate::sim::traffic::tenant_name;

use super::servers::{RetiredServer, departed};
use super::sizes::Sizes;
use super::{Engine, NS};

impl Engine {
    /// Request totals so far.
    pub fn totals(&self) -> Totals {
        self.totals
    }

    /// Breaking: requests failed at the first server given a fault, from the fault to its
    /// breaker's first opening after it (the failures so far while it has not opened).
    /// `None` before any fault, or once that server has left the ring.
    pub fn failed_before_open(&self) -> Option<u64> {
        self.live_servers().find_map(|s| s.failed_before_open())
    }

    /// Breaking: breaker openings (by the breakers' own rules) on servers that never had
    /// a fault injected, i.e. under background errors or overload only; removed servers
    /// included.
    pub fn false_trips(&self) -> u64 {
        self.retired_false_trips + self.live_servers().map(|s| s.false_trips()).sum::<u64>()
    }

    fn live_servers(&self) -> impl Iterator<Item = &super::servers::SimServer> {
        self.servers.iter().flatten()
    }

    /// The per-second series of the run so far, oldest first: every complete second (the
    /// last [`SERIES_HISTORY_SECONDS`](crate::sim::SERIES_HISTORY_SECONDS) of them), then the
    /// current second if it has begun or already counts attempts (a run that ends on a
    /// second boundary ends with a complete second). Over a run shorter than the history
    /// bound the samples add up to [`totals`](Self::totals).
    pub fn series(&self) -> impl Iterator<Item = SecondSample> + '_ {
        let current = self.current;
        let begun = self.now > current.second.saturating_mul(NS) || current.offered > 0;
        self.series.iter().copied().chain(begun.then_some(current))
    }

    /// Servers removed during the run (bounded), oldest first.
    pub fn retired_servers(&self) -> impl Iterator<Item = &RetiredServer> {
        self.retired.iter()
    }

    /// Membership changes so far (bounded), oldest first.
    pub fn snapshot_membership(&self) -> Vec<MembershipChange> {
        self.membership.iter().cloned().collect()
    }

    /// Sizes of the bounded internal structures.
    pub fn sizes(&self) -> Sizes {
        Sizes {
            queue: self.queue.len(),
            series: self.series.len(),
            log: self.log.len(),
            recent: self.recent.len(),
            membership: self.membership.len(),
            max_transitions: self
                .servers
                .iter()
                .flatten()
                .map(|s| s.transitions.len())
                .max()
                .unwrap_or(0),
            retired: self.retired.len(),
        }
    }

    /// Tenants sorted by demand (allowed + denied, most first; ties by index), at most
    /// `limit`: the hottest picked in one sequential pass over all tenants' records, never
    /// a full sort.
    pub fn tenant_stats(&self, limit: usize) -> Vec<TenantSnapshot> {
        self.tenants
            .hottest(limit)
            .into_iter()
            .map(|i| {
                let t = self.tenants.counts(i);
                let capacity = self.bucket_config.capacity();
                let (tokens, capacity) = match (&self.remote, self.tenants.remote_tokens(i)) {
                    (Some(_), Some(tokens)) => (tokens, capacity),
                    (Some(_), None) => (f64::from(capacity), capacity),
                    (None, _) => self
                        .admission
                        .room(i, capacity, Nanos::from_nanos(self.now)),
                };
                TenantSnapshot {
                    name: tenant_name(i as u32).into_owned(),
                    tokens,
                    capacity,
                    allowed: t.allowed,
                    denied: t.denied,
                }
            })
            .collect()
    }

    /// What the leaky queue made wait so far (`None` unless `[limiter] algorithm =
    /// "leaky-queue"`).
    pub fn queue_waits(&self) -> Option<QueueWaits> {
        self.admission.queue().map(|_| self.waits)
    }

    /// Latency percentiles of calls that reached a server (a wait in the leaky queue
    /// included).
    pub fn latency(&self) -> Latency {
        let h = &self.hist;
        if h.is_empty() {
            return Latency::default();
        }
        let ms = |us: u64| us as f64 / 1000.0;
        Latency {
            p50: ms(h.value_at_quantile(0.5)),
            p99: ms(h.value_at_quantile(0.99)),
            p999: ms(h.value_at_quantile(0.999)),
            max: ms(h.max()),
            count: h.len(),
        }
    }

    /// Current servers, sorted by name.
    pub fn server_stats(&self) -> Vec<ServerSnapshot> {
        self.ring
            .servers()
            .into_iter()
            .filter_map(|(id, _)| {
                let s = self.servers.get(id.0 as usize)?.as_ref()?;
                let share = self.shares.get(id.0 as usize).copied().unwrap_or(0.0);
                Some(s.snapshot(id.0, share, self.now, self.defaults.capacity))
            })
            .collect()
    }

    /// Everything the dashboard draws, as owned data.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            compare: None,
            now_ns: self.now,
            paused: self.paused,
            speed: self.speed,
            seed: self.seed,
            scenario: self.scenario.name.clone(),
            rate: self.rate,
            replicas: self.replicas,
            vnodes: self.ring.vnodes(),
            servers: self.server_stats(),
            departed: departed(&self.retired, self.now),
            ring_points: self.ring_points.clone(),
            ring: self.ring.clone(),
            previous_ring: self.previous_ring(),
            ring_balance: self.ring_balance,
            recent_requests: self.recent_requests(),
            tenants: self.tenant_stats(SNAPSHOT_TENANTS),
            tenant_count: self.tenants.len(),
            totals: self.totals,
            series: self
                .series
                .range(self.series.len().saturating_sub(SERIES_SECONDS)..)
                .copied()
                .collect(),
            latency: self.latency(),
            membership_changes: self.membership.iter().cloned().collect(),
            hashing: self.scenario.ring,
            placement: self.placement.table().map(|t| Arc::clone(t.hashing())),
            log: self.log.iter().cloned().collect(),
            caption: self.caption.clone(),
            session: self.session(),
            limiter: LimiterInfo {
                backend: self
                    .remote
                    .as_ref()
                    .map_or_else(|| "memory".to_string(), |r| r.backend.describe()),
                algorithm: self.admission.algorithm().name(),
                window_ns: self.admission.window().map(|w| w.window().as_nanos()),
                queue_interval_ns: self.admission.queue().map(|q| q.interval().as_nanos()),
                waits: self.queue_waits(),
                shows: self.admission.shows(),
                capacity: self.bucket_config.capacity(),
                refill_per_sec: self.bucket_config.refill_per_sec(),
                health: self.limiter_health(),
            },
        }
    }
}

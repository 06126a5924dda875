//! The request path: tenant bucket → ring owners → breakers with failover → simulated
//! server, and the client's retries. See the [engine docs](super) for the rules.

use rand::Rng as _;

use crate::patterns::Nanos;
use crate::patterns::breaker::{Outcome, Permit};
use crate::patterns::limiter::{Decision, LimiterError};
use crate::patterns::ring::{ServerId, hash_many};
use crate::sim::command::Fault;
use crate::sim::limits::{MAX_QUEUED, RECENT_REQUESTS};
use crate::sim::route::{bounded_owners, first_admitting};
use crate::sim::snapshot::{RecentRequest, RequestOutcome};
use crate::sim::traffic::{tenant_name, unit_f64};

use super::feedback::Answer;
use super::key_names::for_key_batches;
use super::log::push_bounded;
use super::placement::Placement;
use super::queue::PendingKind;
use super::recent::Recent;
use super::servers::{is_down, note_transitions};
use super::{Engine, LATENCY_TABLE};

impl Engine {
    /// One request attempt at `self.now`: limiter → ring owners → breakers → server.
    pub(super) fn request(&mut self, tenant: u32, key: u32, attempt: u8) {
        self.request_decided(tenant, key, attempt, None);
    }

    /// [`request`](Self::request) with the limiter decision already taken by a batched
    /// shared-backend check (`None`: decide now).
    pub(super) fn request_decided(
        &mut self,
        tenant: u32,
        key: u32,
        attempt: u8,
        decided: Option<Result<Decision, LimiterError>>,
    ) {
        let now = self.now;
        self.totals.requests += 1;
        self.current.offered += 1;
        if attempt > 0 {
            self.totals.retries += 1;
            self.current.retries += 1;
        } else if let Some(budget) = &mut self.retry_budget {
            budget.deposit(Nanos::from_nanos(now));
        }
        let Some(start) = self.admit(tenant, decided) else {
            self.totals.rate_limited += 1;
            self.current.rate_limited += 1;
            self.record_recent(key, None, RequestOutcome::RateLimited, false, 0);
            self.maybe_retry(tenant, key, attempt, now);
            return;
        };
        self.current.allowed += 1;
        if start > now {
            // The leaky queue: it goes on at its send time.
            self.waits.queue();
            let release = PendingKind::Release {
                tenant,
                key,
                attempt,
                queued_at: now,
            };
            self.queue.push(start, release);
            return;
        }
        self.pass_on(tenant, key, attempt, now);
    }

    /// An admitted request (that arrived at `arrived`, now for all but the leaky queue's)
    /// goes on now: ring owners → breakers → server, and the client's retry on failure.
    pub(super) fn pass_on(&mut self, tenant: u32, key: u32, attempt: u8, arrived: u64) {
        let (now, waited) = (self.now, self.now - arrived);
        let Some((id, permit, failed_over)) = self.choose_owner(key) else {
            self.call_done(tenant, now, Answer::ShortCircuited);
            self.totals.short_circuited += 1;
            self.current.short_circuited += 1;
            self.record_recent(key, None, RequestOutcome::ShortCircuited, false, waited);
            self.maybe_retry(tenant, key, attempt, now);
            return;
        };
        let Some((outcome, done_at)) = self.dispatch(tenant, id, permit, waited) else {
            // Not reached: the chosen owner is a live server.
            self.call_done(tenant, now, Answer::ShortCircuited);
            return;
        };
        if failed_over {
            self.totals.failed_over += 1;
            self.current.failed_over += 1;
        }
        match outcome {
            Outcome::Success => {
                self.totals.succeeded += 1;
                self.current.succeeded += 1;
                self.record_recent(
                    key,
                    Some(id.0),
                    RequestOutcome::Succeeded,
                    failed_over,
                    waited,
                );
            }
            Outcome::Failure => {
                self.totals.failed += 1;
                self.current.failed += 1;
                self.record_recent(key, Some(id.0), RequestOutcome::Failed, failed_over, waited);
                self.maybe_retry(tenant, key, attempt, done_at);
            }
        }
    }

    /// The tenant's limiter check (cost 1): the shared backend's decision (already taken,
    /// or taken now) or the in-memory limiter's ([`Admission`](super::admission::Admission)). Counts the tenant's allowed/denied.
    /// Returns when the request may go on (now, or the leaky queue's send time), or
    /// `None` when denied.
    fn admit(
        &mut self,
        tenant: u32,
        decided: Option<Result<Decision, LimiterError>>,
    ) -> Option<u64> {
        let now = self.now;
        let start = match &mut self.remote {
            Some(r) => {
                // Failures are decided by the backend's declared policy, inside `check`.
                let d = decided.unwrap_or_else(|| {
                    r.backend
                        .check(&tenant_name(tenant), 1, Nanos::from_nanos(now))
                });
                let tokens = d.as_ref().ok().map(|d| d.remaining);
                self.tenants.set_remote_tokens(tenant as usize, tokens);
                d.is_ok_and(|d| d.allowed).then_some(now)
            }
            // The leaky queues' declared bound: refused as if full at the limit.
            None if self.waits.waiting() >= MAX_QUEUED => None,
            None => self
                .admission
                .offer(tenant as usize, Nanos::from_nanos(now))
                .map(Nanos::as_nanos),
        };
        let allowed = start.is_some();
        self.tenants.count(tenant as usize, allowed);
        if let Some(r) = self.reference.as_deref_mut() {
            r.judge(tenant as usize, now, allowed);
        }
        start
    }

    /// An admitted call of `tenant`, sent at `sent_at`, ended now with `answer`: its
    /// limiter learns it ([`Admission::on_done`](super::admission::Admission::on_done)).
    pub(super) fn call_done(&mut self, tenant: u32, sent_at: u64, answer: Answer) {
        let (sent_at, now) = (Nanos::from_nanos(sent_at), Nanos::from_nanos(self.now));
        self.admission
            .on_done(tenant as usize, sent_at, answer, now);
    }

    /// The first of `key`'s owners (by the hashing algorithm, see `placement.rs`) whose
    /// breaker admits the call, with its permit and whether it is not the primary owner
    /// (a failover).
    fn choose_owner(&mut self, key: u32) -> Option<(ServerId, Permit, bool)> {
        let now = self.now;
        let point = self.key_points[key as usize];
        let mut walk = std::mem::take(&mut self.walk);
        if let &Placement::BoundedLoad { balance_factor } = &self.placement {
            self.bounded_walk(point, balance_factor, &mut walk);
        }
        let (servers, log) = (&mut self.servers, &mut self.log);
        let admit = |id: ServerId| {
            let srv = servers.get_mut(id.0 as usize)?.as_mut()?;
            let result = srv.breaker.acquire(Nanos::from_nanos(now));
            note_transitions(srv, log);
            result.ok()
        };
        let chosen = match &self.placement {
            Placement::Ring => {
                let owners = self.ring.owners_from_point(point, self.replicas);
                first_admitting(owners.map(|(id, _)| id), admit)
            }
            Placement::Table(table) => first_admitting(table.owners(key), admit),
            Placement::BoundedLoad { .. } => first_admitting(walk.iter().copied(), admit),
        };
        self.walk = walk;
        chosen
    }

    /// Bounded loads, live: the owners of the key at ring point `point` with each server's
    /// in-flight calls as its load, into `walk` (cleared first).
    pub(super) fn bounded_walk(&self, point: u32, balance_factor: f64, walk: &mut Vec<ServerId>) {
        walk.clear();
        let n = self.ring.len();
        let load = |id: ServerId| {
            self.servers
                .get(id.0 as usize)
                .and_then(Option::as_ref)
                .map_or(0, |s| u64::from(s.in_flight))
        };
        let in_flight = self.servers.iter().flatten();
        let in_flight = in_flight.map(|s| u64::from(s.in_flight)).sum();
        let all = self.ring.owners_from_point(point, n).map(|(id, _)| id);
        bounded_owners(
            all,
            load,
            balance_factor,
            (in_flight, n),
            self.replicas,
            walk,
        );
    }

    /// The simulated server decides the call's outcome now: refused or overloaded calls
    /// fail at once (recorded at once); others draw a latency and complete later through
    /// the queue. Returns the outcome and when the client learns it. `waited` (the leaky
    /// queue's wait before now) is added to the recorded latency.
    fn dispatch(
        &mut self,
        tenant: u32,
        id: ServerId,
        permit: Permit,
        waited: u64,
    ) -> Option<(Outcome, u64)> {
        let now = self.now;
        let bits = self.service_rng.next_u64();
        let d = self.defaults;
        let srv = self.servers.get_mut(id.0 as usize)?.as_mut()?;
        srv.requests += 1;
        srv.this_second += 1;
        let down = is_down(srv.fault, srv.fault_since, now);
        if down || srv.in_flight >= d.capacity {
            srv.failed += 1;
            srv.breaker
                .record(permit, Outcome::Failure, Nanos::from_nanos(now));
            note_transitions(srv, &mut self.log);
            self.call_done(tenant, now, Answer::Failure);
            return Some((Outcome::Failure, now));
        }
        let mult = self.latency_mult[(bits as usize) & (LATENCY_TABLE - 1)];
        let extra = match srv.fault {
            Some(Fault::Slow { latency_ns }) => latency_ns,
            _ => 0,
        };
        let mut latency = ((d.latency_ns as f64 * mult) as u64)
            .saturating_add(extra)
            .max(1);
        let mut error_p = d.error_rate;
        if let Some(Fault::Errors { rate }) = srv.fault {
            error_p = 1.0 - (1.0 - error_p) * (1.0 - rate);
        }
        let outcome = if latency > d.timeout_ns {
            latency = d.timeout_ns;
            Outcome::Failure
        } else if error_p > 0.0 && ((bits >> 12) as f64 * (1.0 / (1u64 << 52) as f64)) < error_p {
            Outcome::Failure
        } else {
            Outcome::Success
        };
        srv.failed += u64::from(outcome == Outcome::Failure);
        srv.in_flight += 1;
        let epoch = srv.epoch;
        let seen = latency.saturating_add(waited);
        self.hist.saturating_record((seen / 1_000).max(1));
        let done_at = now.saturating_add(latency);
        self.queue.push(
            done_at,
            PendingKind::Complete {
                server: id.0,
                epoch,
                permit,
                outcome,
                tenant,
                sent_at: now,
            },
        );
        Some((outcome, done_at))
    }

    /// Queue the client's next attempt after a non-success, if it has retries left and
    /// the retry budget (if any) allows it: exponential backoff with jitter, counted from
    /// when it learned the outcome. The budget is asked at the engine's `now`, when the
    /// outcome is decided (a refused retry is counted in `retries_refused` and dropped).
    fn maybe_retry(&mut self, tenant: u32, key: u32, attempt: u8, known_at: u64) {
        if u32::from(attempt) >= self.scenario.traffic.retries {
            return;
        }
        if let Some(budget) = &mut self.retry_budget
            && !budget.withdraw(Nanos::from_nanos(self.now))
        {
            self.totals.retries_refused += 1;
            return;
        }
        let tr = &self.scenario.traffic;
        let base = tr.retry_backoff_ns as f64 * f64::from(1u32 << attempt.min(20));
        let jitter = tr.retry_jitter * (2.0 * unit_f64(&mut self.service_rng) - 1.0);
        let backoff = (base * (1.0 + jitter)).max(1.0) as u64;
        self.queue.push(
            known_at.saturating_add(backoff),
            PendingKind::Retry {
                tenant,
                key,
                attempt: attempt + 1,
            },
        );
    }

    /// Log a request decided now: whether a non-primary owner took it, and how long it
    /// waited in the leaky queue.
    fn record_recent(
        &mut self,
        key: u32,
        server: Option<u32>,
        outcome: RequestOutcome,
        failed_over: bool,
        waited_ns: u64,
    ) {
        let request = Recent {
            at_ns: self.now,
            waited_ns,
            key,
            server,
            outcome,
            failed_over,
        };
        push_bounded(&mut self.recent, request, RECENT_REQUESTS);
    }
}

impl Engine {
    /// The recent requests, oldest first, with their keys' positions.
    pub(super) fn recent_requests(&self) -> Vec<RecentRequest> {
        let mut positions = Vec::with_capacity(self.recent.len());
        for_key_batches(self.recent.iter().map(|r| r.key), |names| {
            hash_many(names, &mut positions);
        });
        self.recent
            .iter()
            .zip(positions)
            .map(|(r, position)| RecentRequest {
                at_ns: r.at_ns,
                waited_ns: r.waited_ns,
                key: r.key,
                position,
                server: r.server,
                outcome: r.outcome,
                failed_over: r.failed_over,
            })
            .collect()
    }
}

impl Engine {
    /// The owners of request key `key` (`key-{key}`), the owner first, as a request for it
    /// would try them now (under bounded-load, with the loads of this moment). Names.
    pub fn key_owner_names(&self, key: u32) -> Vec<&str> {
        let Some(&point) = self.key_points.get(key as usize) else {
            return Vec::new();
        };
        let ids: Vec<ServerId> = match &self.placement {
            Placement::Ring => self
                .ring
                .owners_from_point(point, self.replicas)
                .map(|(id, _)| id)
                .collect(),
            Placement::Table(t) => t.owners(key).collect(),
            &Placement::BoundedLoad { balance_factor } => {
                let mut walk = Vec::new();
                self.bounded_walk(point, balance_factor, &mut walk);
                walk
            }
        };
        ids.into_iter()
            .filter_map(|id| self.ring.name(id))
            .collect()
    }
}

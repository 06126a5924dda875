//! Advancing virtual time: the order in which due events happen, the scenario timeline,
//! queued completions and retries, Poisson arrivals and the per-second series.

use rand::Rng as _;

use crate::patterns::Nanos;
use crate::sim::limits::{SERIES_HISTORY_SECONDS, STEP_NS};
use crate::sim::snapshot::{Caption, LogKind, SecondSample};
use crate::sim::traffic::exp_interval_ns;

use super::log::{push_bounded, push_log};
use super::queue::PendingKind;
use super::servers::note_transitions;
use super::{Engine, NS, Slicer};

/// Draws of the arrival stream an arrival takes: its tenant, its key, the interval to the
/// next (see the arrival branch of [`Engine::advance`]).
const DRAWS_PER_ARRIVAL: usize = 3;
/// How many arrivals ahead a tenant's records are prefetched: the next one's were asked
/// for an arrival earlier, so their memory round trip overlaps the events in between.
const PREFETCH_AHEAD: usize = 2;
/// Tenants from which their records are prefetched: below, they stay in cache anyway
/// (4,096 tenants hold 160 kB), and the look-ahead would be work for nothing.
const PREFETCH_FROM_TENANTS: usize = 4096;

impl Engine {
    /// Advance virtual time by exactly `dt_ns`, processing every event due, in time order
    /// (ignores pause and speed: this is the raw clock used by headless runs and tests).
    ///
    /// Ties at the same nanosecond are processed as: second boundary, timeline event,
    /// queued completion/retry (in scheduling order), new arrival, and last a recorded live
    /// command (a `live` timeline event), as it was applied live after an advance.
    ///
    /// Stops early, short of `dt_ns`, when the engine's [`Interrupt`](super::Interrupt)
    /// is raised.
    pub fn advance(&mut self, dt_ns: u64) {
        let target = self.now.saturating_add(dt_ns);
        self.prefetch_arrivals(target);
        let mut slicer = Slicer::default();
        loop {
            if slicer.should_stop(&self.interrupt) {
                return;
            }
            let next_second = (self.current.second + 1).saturating_mul(NS);
            let (next_timeline, live) = self
                .scenario
                .events
                .get(self.timeline_next)
                .map_or((u64::MAX, false), |e| (e.at_ns, e.live));
            let next_queue = self.queue.peek_time().unwrap_or(u64::MAX);
            let t = next_second
                .min(next_timeline)
                .min(next_queue)
                .min(self.next_arrival);
            if t > target {
                break;
            }
            self.now = self.now.max(t);
            if t == next_second {
                self.roll_second();
            } else if t == next_timeline && !live {
                self.fire_timeline();
            } else if t == next_queue {
                if let Some((at, kind)) = self.queue.pop() {
                    self.handle_pending(at, kind);
                }
            } else if t != self.next_arrival {
                // A recorded live command: everything else due at `t` has been processed.
                self.fire_timeline();
            } else if !self.take_prefetched() {
                let tenant = self.tenant_sampler.sample(&mut self.rng);
                let key = self.key_sampler.sample(&mut self.rng);
                self.request(tenant, key, 0);
                self.next_arrival = t.saturating_add(exp_interval_ns(&mut self.rng, self.rate));
                self.prefetch_tenant_ahead();
            }
        }
        self.now = target;
    }

    /// With many tenants, bring the records (limiter state, counts) of the tenant of the
    /// arrival [`PREFETCH_AHEAD`] from now into cache while the events before it run: its
    /// tenant is a later draw of the arrival stream, read from a copy of the generator
    /// (when something else draws first, e.g. a rate change, the hint is merely wasted:
    /// no result depends on it). With 100,000 tenants this hides most of two memory
    /// round trips a request.
    #[inline]
    fn prefetch_tenant_ahead(&self) {
        if self.tenants.len() < PREFETCH_FROM_TENANTS {
            return;
        }
        let mut rng = self.rng.clone();
        for _ in 0..DRAWS_PER_ARRIVAL * (PREFETCH_AHEAD - 1) {
            rng.next_u64();
        }
        let tenant = self.tenant_sampler.sample(&mut rng) as usize;
        self.admission.prefetch(tenant);
        self.tenants.prefetch(tenant);
    }

    /// Advance by `wall_dt_ns` of wall time scaled by the speed; nothing while paused.
    /// This is what a live UI calls every frame.
    pub fn tick(&mut self, wall_dt_ns: u64) {
        if self.paused {
            return;
        }
        let dt = wall_dt_ns as f64 * self.speed + self.carry_ns;
        let whole = dt.floor();
        self.carry_ns = dt - whole;
        self.advance(whole as u64);
    }

    /// Advance virtual time by one step ([`STEP_NS`]), even when paused.
    pub fn step(&mut self) {
        self.advance(STEP_NS);
    }

    /// Virtual times of the scripted (non-`live`) timeline events, in order.
    pub fn scripted_times(&self) -> impl Iterator<Item = u64> + '_ {
        self.scenario.scripted_times()
    }

    /// Where [`Command::NextEvent`](crate::sim::Command::NextEvent) would land, if anywhere.
    pub fn next_event_time(&self) -> Option<u64> {
        self.scripted_times().find(|&t| t > self.now)
    }

    /// Where [`Command::PreviousEvent`](crate::sim::Command::PreviousEvent) would land: the
    /// step before the current one. The current step is the last scripted event at or
    /// before now; this is the last scripted event before it (events at the same instant
    /// are one step), or the start (0) when there is none.
    pub fn previous_event_time(&self) -> u64 {
        let current = self.scripted_times().filter(|&t| t <= self.now).last();
        current.map_or(0, |current| {
            self.scripted_times()
                .filter(|&t| t < current)
                .last()
                .unwrap_or(0)
        })
    }

    /// Draw the next Poisson arrival from now at the current rate (never when it is 0).
    pub(super) fn schedule_next_arrival(&mut self) {
        self.next_arrival = if self.rate > 0.0 {
            self.now
                .saturating_add(exp_interval_ns(&mut self.rng, self.rate))
        } else {
            u64::MAX
        };
    }

    fn roll_second(&mut self) {
        push_bounded(&mut self.series, self.current, SERIES_HISTORY_SECONDS);
        self.current = SecondSample {
            second: self.current.second + 1,
            ..SecondSample::default()
        };
        for srv in self.servers.iter_mut().flatten() {
            srv.last_second = srv.this_second;
            srv.this_second = 0;
        }
        self.drop_expired_previous_ring();
    }

    fn fire_timeline(&mut self) {
        let Some(ev) = self.scenario.events.get(self.timeline_next).cloned() else {
            return;
        };
        self.timeline_next += 1;
        let kind = if ev.live {
            LogKind::Command
        } else {
            LogKind::Scenario
        };
        let skipped = ev.command.and_then(|cmd| self.apply_as(cmd, kind).err());
        if let Some(e) = &skipped {
            push_log(
                &mut self.log,
                self.now,
                LogKind::Error,
                format!("scenario event skipped: {e}"),
            );
        }
        // A skipped step's caption would narrate what did not happen: say why instead.
        let text = match (&ev.caption, &skipped) {
            (Some(_), Some(e)) => Some(format!("This step was skipped: {e}.")),
            (Some(c), None) => Some(c.clone()),
            (None, _) => None,
        };
        if let Some(text) = text {
            self.caption = Some(Caption {
                at_ns: self.now,
                text: text.into(),
            });
        }
    }

    fn handle_pending(&mut self, at: u64, kind: PendingKind) {
        match kind {
            PendingKind::Complete {
                server,
                epoch,
                permit,
                outcome,
                tenant,
                sent_at,
            } => {
                if let Some(Some(srv)) = self.servers.get_mut(server as usize)
                    && srv.epoch == epoch
                {
                    srv.in_flight = srv.in_flight.saturating_sub(1);
                    srv.breaker.record(permit, outcome, Nanos::from_nanos(at));
                    note_transitions(srv, &mut self.log);
                }
                self.call_done(tenant, sent_at, outcome.into());
            }
            PendingKind::Retry {
                tenant,
                key,
                attempt,
            } => self.request(tenant, key, attempt),
            PendingKind::Release {
                tenant,
                key,
                attempt,
                queued_at,
            } => {
                self.waits.send(self.now - queued_at);
                self.pass_on(tenant, key, attempt, queued_at);
            }
        }
    }
}

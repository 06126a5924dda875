//! Commands: one method per [`Command`] variant. [`Engine::apply_as`] only dispatches; each
//! method validates first (an error changes nothing) and returns its event-log line.

use std::sync::Arc;

use super::membership::Change;
use super::placement::Placement;
use crate::patterns::Nanos;
use crate::patterns::breaker::BreakerConfig;
use crate::patterns::limiter::BucketConfig;
use crate::sim::command::{
    BreakerParams, Command, Fault, MAX_REFILL, MIN_REFILL, next_fault, vnode_step,
};
use crate::sim::duration::format_duration;
use crate::sim::error::SimError;
use crate::sim::limits::{MAX_SPEED, MEMBERSHIP_CHANGES, MIN_SPEED, STEP_NS};
use crate::sim::scenario::validate;
use crate::sim::snapshot::{LogKind, MembershipAction};
use crate::sim::traffic::{auto_server_name, tenant_index, tenant_name};

use super::log::{push_bounded, push_log};
use super::servers::{FaultWatch, SimServer};
use super::{Engine, Slicer};

impl Engine {
    /// Apply `command` now, logging it as `kind` (a live command, or a scenario event).
    pub(super) fn apply_as(&mut self, command: Command, kind: LogKind) -> Result<(), SimError> {
        let text = match command {
            Command::AddServer { name } => self.add_server(name)?,
            Command::RemoveServer(name) => self.remove_server(&name)?,
            Command::SetWeight { server, weight } => self.set_weight(&server, weight)?,
            Command::InjectFault { server, fault } => self.inject_fault(&server, fault)?,
            Command::Heal { server } => self.heal(&server)?,
            Command::SetRate(rate) => self.set_rate_command(rate)?,
            Command::ScaleRate(factor) => self.scale_rate(factor)?,
            Command::Burst { tenant, requests } => self.burst(tenant, requests)?,
            Command::SetRefillRate(rate) => self.set_refill_rate(rate)?,
            Command::SetCapacity(capacity) => self.set_capacity(capacity)?,
            Command::SetBreaker(p) => self.set_breaker(p)?,
            Command::SetVnodes(vnodes) => self.set_vnodes(vnodes)?,
            Command::Pause => self.set_paused(true),
            Command::Resume => self.set_paused(false),
            Command::TogglePause => self.set_paused(!self.paused),
            Command::Step if !self.paused => return Err(SimError::NotPaused),
            Command::Step => {
                self.advance(STEP_NS);
                format!("stepped {}", format_duration(STEP_NS))
            }
            Command::SetSpeed(speed) => self.set_speed(speed)?,
            Command::SpeedUp => self.set_speed((self.speed * 2.0).min(MAX_SPEED))?,
            Command::SlowDown => self.set_speed((self.speed / 2.0).max(MIN_SPEED))?,
            Command::Reset => self.reset()?,
            Command::NextEvent => {
                let at = self.next_event_time().ok_or(SimError::NoEvent("next"))?;
                return self.jump_to(at);
            }
            Command::PreviousEvent => {
                if self.now == 0 {
                    return Err(SimError::NoEvent("previous"));
                }
                return self.jump_to(self.previous_event_time());
            }
            Command::JumpTo(at) => return self.jump_to(at),
            Command::CompareNext(_) => return Err(SimError::NotComparing),
            relative @ (Command::ScaleRefillRate(_)
            | Command::BurstHottest { .. }
            | Command::RemoveServerAt(_)
            | Command::CycleFaultAt(_)
            | Command::HealAt(_)
            | Command::StepVnodes { .. }) => {
                // Resolved into an absolute command, which is not relative: one level deep.
                let absolute = self.resolve(relative)?;
                return self.apply_as(absolute, kind);
            }
        };
        push_log(&mut self.log, self.now, kind, text);
        Ok(())
    }

    /// The command made absolute and explicit against the state right now: relative
    /// commands (see [`Command::is_relative`]) become the absolute command they amount to,
    /// an auto server name and the hottest tenant of a burst are named. Applying the result
    /// does exactly what applying `command` now would, so it is what the session records.
    /// Refused (nothing changes) when the relative command cannot be resolved.
    pub(super) fn resolve(&self, command: Command) -> Result<Command, SimError> {
        Ok(match command {
            Command::AddServer { name: None } => Command::AddServer {
                name: Some(auto_server_name(|n| self.ring.contains(n))),
            },
            Command::AddServer { name: Some(n) } => Command::AddServer {
                name: Some(n.trim().to_string()),
            },
            Command::Burst {
                tenant: None,
                requests,
            } => Command::Burst {
                tenant: Some(self.hottest_tenant_name()),
                requests,
            },
            Command::ScaleRate(factor) => {
                validate::factor(factor)?;
                Command::SetRate(self.rate * factor)
            }
            Command::ScaleRefillRate(factor) => {
                validate::factor(factor)?;
                let rate = self.bucket_config.refill_per_sec() * factor;
                Command::SetRefillRate(rate.clamp(MIN_REFILL, MAX_REFILL))
            }
            Command::BurstHottest { capacities } => Command::Burst {
                tenant: Some(self.hottest_tenant_name()),
                requests: self.bucket_config.capacity().saturating_mul(capacities),
            },
            Command::RemoveServerAt(position) => Command::RemoveServer(self.server_at(position)?.0),
            Command::CycleFaultAt(position) => {
                let (server, fault) = self.server_at(position)?;
                Command::InjectFault {
                    server,
                    fault: next_fault(fault),
                }
            }
            Command::StepVnodes { up } => {
                let now = self.ring.vnodes();
                let end = if up { "last" } else { "first" };
                let vnodes = vnode_step(now, up).ok_or(SimError::NoVnodeStep(now, end))?;
                Command::SetVnodes(vnodes)
            }
            Command::HealAt(position) => match self.server_at(position)? {
                (server, None) => return Err(SimError::NoFault(server)),
                (server, Some(_)) => Command::Heal { server },
            },
            other => other,
        })
    }

    /// The name and fault of the server at `position` of the legend order (the ring's
    /// server order, as in [`Snapshot::servers`](crate::sim::Snapshot::servers)), clamped
    /// to the last.
    fn server_at(&self, position: usize) -> Result<(String, Option<Fault>), SimError> {
        let servers = self.ring.servers();
        let last = servers.len().checked_sub(1);
        let (id, name) = last
            .and_then(|last| servers.into_iter().nth(position.min(last)))
            .ok_or_else(|| SimError::UnknownServer(format!("#{}", position + 1)))?;
        let fault = self
            .servers
            .get(id.0 as usize)
            .and_then(Option::as_ref)
            .and_then(|s| s.fault);
        Ok((name.to_string(), fault))
    }

    fn add_server(&mut self, name: Option<String>) -> Result<String, SimError> {
        let name = match name {
            Some(n) => n.trim().to_string(),
            None => auto_server_name(|n| self.ring.contains(n)),
        };
        if self.ring.contains(&name) {
            return Err(SimError::DuplicateServer(name));
        }
        let points = validate::server_points(self.ring.vnodes(), 1.0);
        validate::ring_size(self.ring.len() + 1, self.ring.point_count() as u64 + points)?;
        let server = SimServer::new(
            name.clone(),
            1.0,
            self.next_epoch,
            self.breaker_config,
            self.now,
        )?;
        let keys = self.key_sampler.len() as u32;
        self.placement.add(&name, self.ring.len(), keys)?;
        let before = self.before_change();
        let id = Arc::make_mut(&mut self.ring).add(&name)?;
        self.next_epoch += 1;
        let slot = id.0 as usize;
        if self.servers.len() <= slot {
            self.servers.resize_with(slot + 1, || None);
        }
        self.servers[slot] = Some(server);
        self.rebuild_ring_tables();
        let ideal = 1.0 / (before.servers + 1) as f64;
        let moved = self.record_change(
            before,
            Change {
                action: MembershipAction::AddServer,
                server: &name,
                removed: None,
                ideal,
            },
        );
        Ok(format!(
            "added server {name}: {:.1}% of keys moved (ideal {:.1}%)",
            moved * 100.0,
            ideal * 100.0
        ))
    }

    fn remove_server(&mut self, name: &str) -> Result<String, SimError> {
        let id = self
            .ring
            .id_of(name)
            .ok_or_else(|| SimError::UnknownServer(name.to_string()))?;
        if self.ring.len() <= 1 {
            return Err(SimError::LastServer(name.to_string()));
        }
        self.placement.remove(name)?;
        let before = self.before_change();
        let removed_share = before.share_of(id.0);
        Arc::make_mut(&mut self.ring).remove(name)?;
        if let Some(srv) = self.servers.get_mut(id.0 as usize).and_then(Option::take) {
            self.retired_false_trips += srv.false_trips();
            push_bounded(&mut self.retired, srv.retire(self.now), MEMBERSHIP_CHANGES);
        }
        self.rebuild_ring_tables();
        // The ring keeps its ideal of 1/N (the goldens); the others: the removed server's
        // share of the keys, which is what must move.
        let ideal = match self.placement {
            Placement::Ring => 1.0 / before.servers as f64,
            _ => removed_share,
        };
        let moved = self.record_change(
            before,
            Change {
                action: MembershipAction::RemoveServer,
                server: name,
                removed: Some(id.0),
                ideal,
            },
        );
        Ok(format!(
            "removed server {name}: {:.1}% of keys moved (ideal {:.1}%)",
            moved * 100.0,
            ideal * 100.0
        ))
    }

    fn set_weight(&mut self, server: &str, weight: f64) -> Result<String, SimError> {
        let vnodes = self.ring.vnodes();
        validate::weight_points(vnodes, weight)?;
        let id = self
            .ring
            .id_of(server)
            .ok_or_else(|| SimError::UnknownServer(server.to_string()))?;
        let old = validate::server_points(vnodes, self.ring.weight(server).unwrap_or(1.0));
        let points = (self.ring.point_count() as u64).saturating_sub(old)
            + validate::server_points(vnodes, weight);
        validate::ring_size(self.ring.len(), points)?;
        let before = self.before_change();
        let share_before = self.shares.get(id.0 as usize).copied().unwrap_or(0.0);
        Arc::make_mut(&mut self.ring).set_weight(server, weight)?;
        if let Some(Some(s)) = self.servers.get_mut(id.0 as usize) {
            s.weight = weight;
        }
        self.rebuild_ring_tables();
        let share_after = self.shares.get(id.0 as usize).copied().unwrap_or(0.0);
        let ideal = (share_after - share_before).abs();
        let moved = self.record_change(
            before,
            Change {
                action: MembershipAction::SetWeight,
                server,
                removed: None,
                ideal,
            },
        );
        Ok(format!(
            "weight of {server} set to {weight}: {:.1}% of keys moved (share change {:.1}%)",
            moved * 100.0,
            ideal * 100.0
        ))
    }

    /// Rebuild every server's points for `vnodes` per server; every key may move, so the
    /// owners of the whole key population are compared before and after.
    fn set_vnodes(&mut self, vnodes: u32) -> Result<String, SimError> {
        validate::command(&Command::SetVnodes(vnodes))?;
        let weights: Vec<f64> = self
            .ring
            .servers()
            .into_iter()
            .filter_map(|(_, name)| self.ring.weight(name))
            .collect();
        // The heaviest server has the most points.
        validate::weight_points(vnodes, weights.iter().copied().fold(0.0, f64::max))?;
        let points = weights
            .iter()
            .map(|&w| validate::server_points(vnodes, w))
            .sum();
        validate::ring_size(weights.len(), points)?;
        let old = self.ring.vnodes();
        let before = self.before_change();
        Arc::make_mut(&mut self.ring).set_vnodes(vnodes)?;
        self.rebuild_ring_tables();
        // No server joined or left: ideally no key would move.
        let moved = self.record_change(
            before,
            Change {
                action: MembershipAction::SetVnodes,
                server: "",
                removed: None,
                ideal: 0.0,
            },
        );
        Ok(format!(
            "vnodes per server {old} → {vnodes}: {:.1}% of keys moved",
            moved * 100.0
        ))
    }

    fn inject_fault(&mut self, server: &str, fault: Fault) -> Result<String, SimError> {
        validate::fault(&fault)?;
        let now = self.now;
        let first = !self.fault_watched;
        let srv = self.server_mut(server)?;
        srv.fault = Some(fault);
        srv.fault_since = now;
        srv.faulted = true;
        if first {
            srv.fault_watch = Some(FaultWatch {
                failed_at_fault: srv.failed,
                failed_at_open: None,
            });
            self.fault_watched = true;
        }
        Ok(format!("fault injected on {server}: {fault}"))
    }

    fn heal(&mut self, server: &str) -> Result<String, SimError> {
        self.server_mut(server)?.fault = None;
        Ok(format!("healed {server}"))
    }

    fn set_rate_command(&mut self, rate: f64) -> Result<String, SimError> {
        let old = self.set_rate(rate)?;
        Ok(format!(
            "traffic rate {} → {} req/s",
            fmt_rate(old),
            fmt_rate(rate)
        ))
    }

    fn scale_rate(&mut self, factor: f64) -> Result<String, SimError> {
        validate::factor(factor)?;
        let rate = self.rate * factor;
        let old = self.set_rate(rate)?;
        Ok(format!(
            "traffic rate ×{factor}: {} → {} req/s",
            fmt_rate(old),
            fmt_rate(rate)
        ))
    }

    fn burst(&mut self, tenant: Option<String>, requests: u32) -> Result<String, SimError> {
        validate::command(&Command::Burst {
            tenant: None,
            requests,
        })?;
        let t = match tenant {
            Some(name) => tenant_index(&name, self.tenants.len() as u32)
                .ok_or(SimError::UnknownTenant(name))?,
            None => self.hottest_tenant(),
        };
        if self.remote.is_some() {
            self.remote_burst(t, requests);
        } else {
            let mut slicer = Slicer::default();
            for _ in 0..requests {
                if slicer.should_stop(&self.interrupt) {
                    break;
                }
                let key = self.key_sampler.sample(&mut self.rng);
                self.request(t, key, 0);
            }
        }
        Ok(format!(
            "burst of {requests} requests from {}",
            tenant_name(t)
        ))
    }

    fn set_refill_rate(&mut self, rate: f64) -> Result<String, SimError> {
        let cfg = BucketConfig::new(self.bucket_config.capacity(), rate)?;
        self.set_bucket_config(cfg);
        Ok(format!(
            "token refill rate set to {} tokens/s",
            fmt_rate(rate)
        ))
    }

    fn set_capacity(&mut self, capacity: u32) -> Result<String, SimError> {
        let cfg = BucketConfig::new(capacity, self.bucket_config.refill_per_sec())?;
        self.set_bucket_config(cfg);
        Ok(format!("token bucket capacity set to {capacity}"))
    }

    fn set_breaker(&mut self, p: BreakerParams) -> Result<String, SimError> {
        validate::breaker_params(&p)?;
        let cfg = self.apply_breaker_params(p)?;
        Ok(format!(
            "breakers: open after {} failures, probe after {}, close after {} successes, {} probe(s)",
            cfg.failure_threshold(),
            format_duration(cfg.recovery_timeout().as_nanos()),
            cfg.success_threshold(),
            cfg.half_open_max_probes()
        ))
    }

    fn set_paused(&mut self, paused: bool) -> String {
        self.paused = paused;
        if paused { "paused" } else { "resumed" }.to_string()
    }

    /// Set the speed (also for speed up / slow down, already clamped to the limits).
    /// Refused with a shared limiter, whose buckets refill on its own clock.
    fn set_speed(&mut self, speed: f64) -> Result<String, SimError> {
        if let Some(r) = &self.remote {
            return Err(SimError::SpeedFixedBySharedLimiter {
                backend: r.backend.describe(),
            });
        }
        if !speed.is_finite() || !(MIN_SPEED..=MAX_SPEED).contains(&speed) {
            return Err(SimError::InvalidSpeed {
                got: speed,
                min: MIN_SPEED,
                max: MAX_SPEED,
            });
        }
        self.speed = speed;
        Ok(format!("speed ×{speed}"))
    }

    /// Restart from time zero with the same seed, keeping speed, pause and the shared limiter.
    fn reset(&mut self) -> Result<String, SimError> {
        let mut fresh = Self::build(self.scenario.clone(), self.seed, self.interrupt.clone())?;
        fresh.speed = self.speed;
        fresh.paused = self.paused;
        // Arrivals drawn ahead for the old timeline do not belong to the new one.
        fresh.remote = self.remote.take().map(|mut r| {
            r.prefetched.clear();
            r
        });
        *self = fresh;
        Ok("reset to the start of the scenario".to_string())
    }

    fn server_mut(&mut self, name: &str) -> Result<&mut SimServer, SimError> {
        let id = self
            .ring
            .id_of(name)
            .ok_or_else(|| SimError::UnknownServer(name.to_string()))?;
        self.servers
            .get_mut(id.0 as usize)
            .and_then(Option::as_mut)
            .ok_or_else(|| SimError::UnknownServer(name.to_string()))
    }

    fn set_bucket_config(&mut self, cfg: BucketConfig) {
        self.bucket_config = cfg;
        self.admission.set_config(cfg, Nanos::from_nanos(self.now));
        if let Some(r) = &mut self.remote {
            // Validated above by BucketConfig::new; a backend range error keeps the old one.
            let _ = r.backend.set_config(cfg, Nanos::from_nanos(self.now));
        }
    }

    fn apply_breaker_params(&mut self, p: BreakerParams) -> Result<BreakerConfig, SimError> {
        let mut b = self.breaker_config.to_builder();
        if let Some(v) = p.failure_threshold {
            b = b.failure_threshold(v);
        }
        if let Some(v) = p.recovery_timeout_ns {
            b = b.recovery_timeout(Nanos::from_nanos(v));
        }
        if let Some(v) = p.success_threshold {
            b = b.success_threshold(v);
        }
        if let Some(v) = p.half_open_probes {
            b = b.half_open_max_probes(v);
        }
        // Validated before any breaker changes, so an error changes nothing.
        let cfg = b.build()?;
        for srv in self.servers.iter_mut().flatten() {
            srv.breaker.set_config(cfg);
        }
        self.breaker_config = cfg;
        Ok(cfg)
    }

    /// The name of [`hottest_tenant`](Self::hottest_tenant).
    fn hottest_tenant_name(&self) -> String {
        tenant_name(self.hottest_tenant()).into_owned()
    }

    /// The tenant with the most demand so far (the first on ties).
    pub(super) fn hottest_tenant(&self) -> u32 {
        self.tenants.hottest(1).first().map_or(0, |&i| i as u32)
    }

    /// Change the offered rate (validated) and redraw the next arrival; returns the old rate.
    fn set_rate(&mut self, rate: f64) -> Result<f64, SimError> {
        validate::rate(rate)?;
        let old = std::mem::replace(&mut self.rate, rate);
        self.schedule_next_arrival();
        Ok(old)
    }
}

fn fmt_rate(r: f64) -> String {
    if r >= 1e6 {
        format!("{:.2}M", r / 1e6)
    } else if r >= 1e4 {
        format!("{:.1}k", r / 1e3)
    } else {
        format!("{r:.0}")
    }
}

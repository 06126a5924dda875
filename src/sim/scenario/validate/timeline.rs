//! The timeline's rules: times increase and stay within the limit, each event names
//! servers and tenants that exist at its time, and the ring and the rate the events build
//! stay within the declared limits.

use std::collections::BTreeMap;

use crate::sim::command::Command;
use crate::sim::duration::exact_duration;
use crate::sim::limits::MAX_EVENTS;
use crate::sim::traffic::{auto_server_name, tenant_index};

use super::values::command_field;
use super::{
    Problem, at, command, event, key, limit, rate, ring_size, server_name, server_points,
    time_limit, weight_points,
};
use crate::sim::scenario::types::Scenario;

/// Server names listed at most in an "unknown server" message.
const LISTED_SERVERS: usize = 20;

/// The ring as the timeline changes it: each server's weight, the vnodes per server and
/// the total of ring points.
struct Members {
    weights: BTreeMap<String, f64>,
    vnodes: u32,
    total: u64,
}

impl Members {
    fn insert(&mut self, name: String, weight: f64) {
        let points = server_points(self.vnodes, weight);
        let old = self.weights.insert(name, weight);
        self.total = self.total - old.map_or(0, |w| server_points(self.vnodes, w)) + points;
    }

    fn remove(&mut self, name: &str) {
        if let Some(w) = self.weights.remove(name) {
            self.total -= server_points(self.vnodes, w);
        }
    }

    /// Every server's points recomputed for `vnodes` per server.
    fn set_vnodes(&mut self, vnodes: u32) {
        self.vnodes = vnodes;
        self.total = self
            .weights
            .values()
            .map(|&w| server_points(vnodes, w))
            .sum();
    }

    fn contains(&self, name: &str) -> bool {
        self.weights.contains_key(name)
    }

    /// Up to [`LISTED_SERVERS`] names, for a message.
    fn list(&self) -> String {
        let mut list: Vec<&str> = self
            .weights
            .keys()
            .take(LISTED_SERVERS)
            .map(String::as_str)
            .collect();
        if self.weights.len() > LISTED_SERVERS {
            list.push("…");
        }
        list.join(", ")
    }
}

impl Scenario {
    /// The timeline, tracking which servers exist at each event's time.
    ///
    /// Once a recorded live command has run, membership may differ from what the script
    /// expected (a server removed live, say): later events are then checked when they run
    /// (the engine skips one that no longer applies, with a log line, as it did live).
    pub(super) fn validate_timeline(&self) -> Result<(), Problem> {
        limit(key("events"), "events", self.events.len(), MAX_EVENTS)?;
        let mut members = Members {
            weights: BTreeMap::new(),
            vnodes: self.vnodes,
            total: 0,
        };
        for s in &self.servers {
            members.insert(s.name.trim().to_string(), s.weight);
        }
        let mut lenient = false;
        let mut previous: Option<u64> = None;
        let mut current_rate = self.traffic.rate;
        for (i, e) in self.events.iter().enumerate() {
            time_limit(event(i, "at"), "event time", e.at_ns)?;
            if let Some(prev) = previous
                && (e.at_ns < prev || (e.at_ns == prev && !e.live))
            {
                return Err(at(
                    event(i, "at"),
                    format!(
                        "event times must increase: \"{}\" is not after the previous event at \"{}\" (only `live = true` events may share the previous event's time)",
                        exact_duration(e.at_ns),
                        exact_duration(prev)
                    ),
                ));
            }
            previous = Some(e.at_ns);
            lenient |= e.live;
            match &e.command {
                None if e.live => {
                    return Err(at(
                        event(i, "at"),
                        "a `live = true` event needs an `action` (it records a command)",
                    ));
                }
                None if e.caption.is_none() => {
                    return Err(at(
                        event(i, "at"),
                        "an event needs an `action` or a `caption`",
                    ));
                }
                None => {}
                Some(c) => {
                    command(c).map_err(|err| at(event(i, command_field(c)), err.to_string()))?;
                    self.check_members(i, c, &mut members, lenient)?;
                    current_rate = self.check_rate(i, c, current_rate, lenient)?;
                }
            }
        }
        Ok(())
    }

    /// The offered rate after a rate event: a `scale_rate` may not take it above the
    /// maximum (once a live command ran, the engine decides, as it did live).
    fn check_rate(
        &self,
        i: usize,
        command: &Command,
        current: f64,
        lenient: bool,
    ) -> Result<f64, Problem> {
        match *command {
            Command::SetRate(r) => Ok(r),
            Command::ScaleRate(f) => {
                let scaled = current * f;
                if !lenient && let Err(e) = rate(scaled) {
                    let message = format!("the rate after scaling by {f}: {e}");
                    return Err(at(event(i, "factor"), message));
                }
                Ok(scaled)
            }
            _ => Ok(current),
        }
    }

    /// An event's servers and tenant exist at its time; membership follows it, within the
    /// ring's limits.
    fn check_members(
        &self,
        i: usize,
        command: &Command,
        members: &mut Members,
        lenient: bool,
    ) -> Result<(), Problem> {
        let known = |members: &Members, s: &str| {
            if lenient || members.contains(s) {
                return Ok(());
            }
            Err(at(
                event(i, "server"),
                format!(
                    "unknown server '{s}' in event (servers at that time: {})",
                    members.list()
                ),
            ))
        };
        let ring_limit = |members: &Members| {
            ring_size(members.weights.len(), members.total)
                .map_err(|e| at(event(i, command_field(command)), e.to_string()))
        };
        match command {
            Command::AddServer { name } => {
                let name = match name {
                    Some(n) => n.trim().to_string(),
                    None => auto_server_name(|n| members.contains(n)),
                };
                server_name(&name, event(i, "server"))?;
                if !lenient && members.contains(&name) {
                    return Err(at(
                        event(i, "server"),
                        format!("duplicate server name '{name}': it is already on the ring"),
                    ));
                }
                members.insert(name, 1.0);
                ring_limit(members)?;
            }
            Command::RemoveServer(s) => {
                known(members, s)?;
                if !lenient && members.weights.len() == 1 {
                    return Err(at(
                        event(i, "server"),
                        format!("cannot remove '{s}': it is the last server"),
                    ));
                }
                members.remove(s);
            }
            Command::SetWeight { server, weight } => {
                known(members, server)?;
                weight_points(members.vnodes, *weight)
                    .map_err(|e| at(event(i, "weight"), e.to_string()))?;
                if members.contains(server) {
                    members.insert(server.clone(), *weight);
                    ring_limit(members)?;
                }
            }
            Command::SetVnodes(vnodes) => {
                // The heaviest server has the most points.
                let heaviest = members.weights.values().copied().fold(0.0, f64::max);
                weight_points(*vnodes, heaviest)
                    .map_err(|e| at(event(i, "vnodes"), e.to_string()))?;
                members.set_vnodes(*vnodes);
                ring_limit(members)?;
            }
            Command::InjectFault { server, .. } | Command::Heal { server } => {
                known(members, server)?
            }
            Command::Burst {
                tenant: Some(t), ..
            } if tenant_index(t, self.traffic.tenants).is_none() => {
                return Err(at(event(i, "tenant"), format!("unknown tenant '{t}'")));
            }
            _ => {}
        }
        Ok(())
    }
}

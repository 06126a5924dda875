//! [`SlotOwners`]: which primary of a Redis Cluster serves each hash slot, as `CLUSTER SLOTS`
//! said, so that a pipeline of checks on many slots can be sent as one sub-pipeline per
//! primary (the Redis client sends a pipeline to one slot's node only).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use ::redis::cluster_routing::Slot;
use ::redis::{RedisError, Value};

/// Slots of a Cluster by primary, shared by the clones of one connection; empty until
/// first asked, and emptied when a reply says a slot moved (asked again on next use).
#[derive(Clone, Default)]
pub(crate) struct SlotOwners(Arc<Mutex<Option<Arc<Owners>>>>);

/// The primaries (`host`, `port`) and, for each slot served, the index of its primary.
pub(crate) struct Owners {
    /// The primaries' addresses.
    pub nodes: Vec<(String, u16)>,
    /// Slot → index in `nodes`.
    by_slot: HashMap<Slot, usize>,
}

impl Owners {
    /// The index of the primary serving `slot`, if known.
    pub fn owner(&self, slot: Slot) -> Option<usize> {
        self.by_slot.get(&slot).copied()
    }
}

impl SlotOwners {
    /// The owners known now, if any.
    pub fn get(&self) -> Option<Arc<Owners>> {
        self.0.lock().ok()?.clone()
    }

    /// Records `owners`.
    pub fn set(&self, owners: Owners) {
        if let Ok(mut o) = self.0.lock() {
            *o = Some(Arc::new(owners));
        }
    }

    /// Forgets the owners (a slot moved): the next pipeline asks again.
    pub fn forget(&self) {
        if let Ok(mut o) = self.0.lock() {
            *o = None;
        }
    }
}

/// The owners in a `CLUSTER SLOTS` reply: `[[start, end, [host, port, …], replicas…], …]`.
pub(crate) fn parse_cluster_slots(reply: Value) -> Result<Owners, RedisError> {
    let invalid = || RedisError::from((::redis::ErrorKind::Parse, "invalid CLUSTER SLOTS reply"));
    let Value::Array(ranges) = reply else {
        return Err(invalid());
    };
    let mut owners = Owners {
        nodes: Vec::new(),
        by_slot: HashMap::new(),
    };
    for range in ranges {
        let Value::Array(fields) = range else {
            return Err(invalid());
        };
        let (start, end, primary) = match fields.as_slice() {
            [Value::Int(s), Value::Int(e), Value::Array(p), ..] => (*s, *e, p),
            _ => return Err(invalid()),
        };
        let addr = match primary.as_slice() {
            [Value::BulkString(h), Value::Int(p), ..] => (
                String::from_utf8_lossy(h).into_owned(),
                u16::try_from(*p).map_err(|_| invalid())?,
            ),
            _ => return Err(invalid()),
        };
        let index = match owners.nodes.iter().position(|n| *n == addr) {
            Some(i) => i,
            None => {
                owners.nodes.push(addr);
                owners.nodes.len() - 1
            }
        };
        let start = u16::try_from(start).map_err(|_| invalid())?;
        let end = u16::try_from(end).map_err(|_| invalid())?;
        for slot in (start..=end).filter_map(Slot::new) {
            owners.by_slot.insert(slot, index);
        }
    }
    Ok(owners)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(i: i64) -> Value {
        Value::Int(i)
    }

    fn node(host: &str, port: i64) -> Value {
        Value::Array(vec![Value::BulkString(host.into()), int(port), int(0)])
    }

    #[test]
    fn ranges_map_slots_to_their_primary() {
        let reply = Value::Array(vec![
            Value::Array(vec![
                int(0),
                int(5460),
                node("10.0.0.1", 7000),
                node("r", 1),
            ]),
            Value::Array(vec![int(5461), int(10922), node("10.0.0.2", 7001)]),
            Value::Array(vec![int(10923), int(16383), node("10.0.0.1", 7000)]),
        ]);
        let o = parse_cluster_slots(reply).unwrap();
        assert_eq!(o.nodes.len(), 2);
        assert_eq!(o.owner(Slot::new(0).unwrap()), Some(0));
        assert_eq!(o.owner(Slot::new(5461).unwrap()), Some(1));
        assert_eq!(o.owner(Slot::new(16383).unwrap()), Some(0));
        assert_eq!(o.nodes[1], ("10.0.0.2".to_string(), 7001));
    }

    #[test]
    fn malformed_replies_are_errors() {
        for reply in [
            int(1),
            Value::Array(vec![int(1)]),
            Value::Array(vec![Value::Array(vec![int(0), int(1), int(2)])]),
            Value::Array(vec![Value::Array(vec![int(0), int(1), node("h", 70000)])]),
        ] {
            assert!(parse_cluster_slots(reply).is_err());
        }
    }
}

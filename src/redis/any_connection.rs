//! [`AnyConnection`]: one open connection of any topology, behind the Redis client's own
//! async connection trait, so the script and its batches are written once.

use ::redis::aio::{ConnectionLike, MultiplexedConnection};
use ::redis::cluster_async::ClusterConnection;
use ::redis::cluster_routing::{Route, RoutingInfo, SingleNodeRoutingInfo, Slot, SlotAddr};
use ::redis::{Arg, Cmd, Pipeline, RedisError, RedisFuture, ServerErrorKind, Value};
use futures::future::{BoxFuture, FutureExt as _, try_join_all};

use super::slot_owners::{SlotOwners, parse_cluster_slots};

/// An open connection: one server (standalone, or the primary Sentinel named), or a
/// Cluster (slots discovered, `MOVED`/`ASK` followed by the Redis client).
#[derive(Clone)]
pub(crate) enum AnyConnection {
    /// A multiplexed connection to one server.
    Single(MultiplexedConnection),
    /// A connection to every node of a Cluster, and which primary serves each slot.
    Cluster(ClusterConnection, SlotOwners),
}

impl AnyConnection {
    /// One `PING` to the server a script call on `key` goes to: the one server, or on a
    /// Cluster the primary of `key`'s slot (a plain `PING` goes to every primary there).
    pub async fn ping_at(&mut self, key: &[u8]) -> Result<(), RedisError> {
        let ping = ::redis::cmd("PING");
        match self {
            AnyConnection::Single(c) => ping.query_async::<Value>(c).await.map(drop),
            AnyConnection::Cluster(c, _) => {
                let route = Route::with_key(key, SlotAddr::Master);
                let to = RoutingInfo::SingleNode(SingleNodeRoutingInfo::SpecificNode(route));
                c.route_command(ping, to).await.map(drop)
            }
        }
    }
}

impl ConnectionLike for AnyConnection {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        match self {
            AnyConnection::Single(c) => c.req_packed_command(cmd),
            AnyConnection::Cluster(c, _) => c.req_packed_command(cmd),
        }
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        match self {
            AnyConnection::Single(c) => c.req_packed_commands(pipeline, offset, count),
            AnyConnection::Cluster(c, owners) if !pipeline.is_transaction() => {
                per_node(c.clone(), owners.clone(), pipeline)
            }
            AnyConnection::Cluster(c, _) => c.req_packed_commands(pipeline, offset, count),
        }
    }

    fn get_db(&self) -> i64 {
        match self {
            AnyConnection::Single(c) => c.get_db(),
            AnyConnection::Cluster(c, _) => c.get_db(),
        }
    }
}

/// A plain pipeline on a Cluster, whose commands may name keys in different slots (the
/// Redis client sends a pipeline to one slot's node and refuses crossed slots): one
/// sub-pipeline per primary (by `owners`, asked with `CLUSTER SLOTS` when unknown; a slot
/// it does not know gets its own sub-pipeline, routed by slot), all sent at once, the
/// replies put back in the pipeline's order. Each command names one key, so a primary runs
/// its sub-pipeline whatever slots it mixes. Error replies stay in place (as with
/// `ignore_errors`); a `MOVED`/`ASK` reply (that command did not run) makes `owners` be asked
/// again next time. A sub-pipeline with no answer fails the whole call (its commands may
/// have run, so none is replayed).
fn per_node(
    mut conn: ClusterConnection,
    owners: SlotOwners,
    pipeline: &Pipeline,
) -> BoxFuture<'_, Result<Vec<Value>, RedisError>> {
    async move {
        let known = match owners.get() {
            Some(known) => known,
            None => {
                let reply = ::redis::cmd("CLUSTER")
                    .arg("SLOTS")
                    .query_async::<Value>(&mut conn)
                    .await?;
                owners.set(parse_cluster_slots(reply)?);
                owners.get().expect("just set")
            }
        };
        let mut groups: Vec<(Destination, Vec<usize>, Pipeline)> = Vec::new();
        for (i, cmd) in pipeline.cmd_iter().enumerate() {
            let slot = first_key(cmd).map(Slot::for_key);
            let to = match slot.and_then(|s| known.owner(s)) {
                Some(node) => Destination::Node(node),
                None => {
                    Destination::Slot(first_key(cmd).map(|k| Route::with_key(k, SlotAddr::Master)))
                }
            };
            match groups.iter_mut().find(|(d, _, _)| *d == to) {
                Some((_, at, sub)) => {
                    at.push(i);
                    sub.add_command(cmd.clone());
                }
                None => {
                    let mut sub = ::redis::pipe();
                    sub.add_command(cmd.clone());
                    groups.push((to, vec![i], sub));
                }
            }
        }
        let sent = groups.into_iter().map(|(to, at, sub)| {
            let mut conn = conn.clone();
            let route = match to {
                Destination::Node(i) => {
                    let (host, port) = known.nodes[i].clone();
                    SingleNodeRoutingInfo::ByAddress { host, port }
                }
                Destination::Slot(route) => route.into(),
            };
            async move {
                let n = sub.len();
                conn.route_pipeline(sub, 0, n, route)
                    .await
                    .map(|values| (at, values))
            }
        });
        let mut out = vec![Value::Nil; pipeline.len()];
        for (at, values) in try_join_all(sent).await? {
            for (i, v) in at.into_iter().zip(values) {
                out[i] = v;
            }
        }
        if out.iter().any(redirects) {
            owners.forget();
        }
        Ok(out)
    }
    .boxed()
}

/// Where a sub-pipeline goes: a known primary (index in the slot owners), or a slot's
/// node as the Redis client knows it (`None`: any node).
#[derive(PartialEq)]
enum Destination {
    Node(usize),
    Slot(Option<Route>),
}

/// Whether `v` is a `MOVED` or `ASK` error reply.
fn redirects(v: &Value) -> bool {
    matches!(v, Value::ServerError(e) if matches!(e.kind(), Some(ServerErrorKind::Moved | ServerErrorKind::Ask)))
}

/// The key a command routes by: `KEYS[1]` of a script call, else the first argument (the
/// limiter's pipelines hold only `EVALSHA` calls).
fn first_key(cmd: &Cmd) -> Option<&[u8]> {
    let mut args = cmd.args_iter().filter_map(|a| match a {
        Arg::Simple(bytes) => Some(bytes),
        _ => None,
    });
    let name = args.next()?;
    let script = [&b"EVALSHA"[..], b"EVAL", b"FCALL"]
        .iter()
        .any(|n| name.eq_ignore_ascii_case(n));
    if script { args.nth(2) } else { args.next() }
}

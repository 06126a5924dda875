//! [`AnyConnection`]: one open connection of any topology, behind the Redis client's own
//! async connection trait, so the script and its batches are written once.

use ::redis::aio::{ConnectionLike, MultiplexedConnection};
use ::redis::cluster_async::ClusterConnection;
use ::redis::cluster_routing::{Route, RoutingInfo, SingleNodeRoutingInfo, Slot, SlotAddr};
use ::redis::{Arg, Cmd, Pipeline, RedisError, RedisFuture, Value};
use futures::future::{BoxFuture, FutureExt as _, try_join_all};

/// An open connection: one server (standalone, or the primary Sentinel named), or a
/// Cluster (slots discovered, `MOVED`/`ASK` followed by the Redis client).
#[derive(Clone)]
pub(crate) enum AnyConnection {
    /// A multiplexed connection to one server.
    Single(MultiplexedConnection),
    /// A connection to every node of a Cluster.
    Cluster(ClusterConnection),
}

impl AnyConnection {
    /// One `PING` to the server a script call on `key` goes to: the one server, or on a
    /// Cluster the primary of `key`'s slot (a plain `PING` goes to every primary there).
    pub async fn ping_at(&mut self, key: &[u8]) -> Result<(), RedisError> {
        let ping = ::redis::cmd("PING");
        match self {
            AnyConnection::Single(c) => ping.query_async::<Value>(c).await.map(drop),
            AnyConnection::Cluster(c) => {
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
            AnyConnection::Cluster(c) => c.req_packed_command(cmd),
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
            AnyConnection::Cluster(c) if !pipeline.is_transaction() => {
                per_slot(c.clone(), pipeline)
            }
            AnyConnection::Cluster(c) => c.req_packed_commands(pipeline, offset, count),
        }
    }

    fn get_db(&self) -> i64 {
        match self {
            AnyConnection::Single(c) => c.get_db(),
            AnyConnection::Cluster(c) => c.get_db(),
        }
    }
}

/// A plain pipeline on a Cluster, whose commands may name keys in different slots (the
/// Redis client sends a pipeline to one node and refuses crossed slots): one
/// sub-pipeline per slot, all sent at once, the replies put back in the pipeline's order.
/// Error replies stay in place (as with `ignore_errors`); a sub-pipeline with no answer
/// fails the whole call (its commands may have run, so none is replayed).
fn per_slot(
    conn: ClusterConnection,
    pipeline: &Pipeline,
) -> BoxFuture<'_, Result<Vec<Value>, ::redis::RedisError>> {
    let mut groups: Vec<(Option<Slot>, Vec<usize>, Pipeline)> = Vec::new();
    for (i, cmd) in pipeline.cmd_iter().enumerate() {
        let slot = first_key(cmd).map(Slot::for_key);
        match groups.iter_mut().find(|(s, _, _)| *s == slot) {
            Some((_, at, sub)) => {
                at.push(i);
                sub.add_command(cmd.clone());
            }
            None => {
                let mut sub = ::redis::pipe();
                sub.add_command(cmd.clone());
                groups.push((slot, vec![i], sub));
            }
        }
    }
    async move {
        let total = pipeline.len();
        let sent = groups.into_iter().map(|(_, at, sub)| {
            let mut conn = conn.clone();
            async move {
                let n = sub.len();
                conn.req_packed_commands(&sub, 0, n)
                    .await
                    .map(|values| (at, values))
            }
        });
        let mut out = vec![Value::Nil; total];
        for (at, values) in try_join_all(sent).await? {
            for (i, v) in at.into_iter().zip(values) {
                out[i] = v;
            }
        }
        Ok(out)
    }
    .boxed()
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

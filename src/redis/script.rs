//! The check script (`check.lua`): its keys, its arguments, and batches of calls to it.

use ::redis::aio::MultiplexedConnection;
use ::redis::{Cmd, ErrorKind, Pipeline, RedisError, Script, ServerErrorKind, Value};

use super::scale::{Scale, Triple};
use crate::patterns::NANOS_PER_SEC;

/// The Lua source of the check script.
pub const CHECK_SCRIPT: &str = include_str!("check.lua");

/// A script reply, or why there is none.
pub(crate) type Reply = Result<Vec<i64>, RedisError>;

/// What one script call does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Take the cost when allowed.
    Check,
    /// Read only.
    Peek,
}

impl Mode {
    fn arg(self) -> &'static str {
        match self {
            Mode::Check => "c",
            Mode::Peek => "p",
        }
    }
}

/// Writes the Redis key of bucket `key` into `buf`: `{prefix}{key}` with `key` in braces
/// (a hash tag, so it works on Redis Cluster).
pub(crate) fn bucket_key(prefix: &str, key: &str, buf: &mut String) {
    buf.clear();
    buf.push_str(prefix);
    buf.push('{');
    buf.push_str(key);
    buf.push('}');
}

/// The script's numeric arguments after `KEYS[1]` and the mode: `N`, the cost and `τ`
/// triples, and (tests only) a server-time override as seconds and nanoseconds.
fn numeric_args(scale: &Scale, cost: Triple, at: Option<u64>) -> impl Iterator<Item = u64> {
    let tau = scale.tau;
    [scale.n, cost.s, cost.ns, cost.fr, tau.s, tau.ns, tau.fr]
        .into_iter()
        .chain(
            at.into_iter()
                .flat_map(|t| [t / NANOS_PER_SEC, t % NANOS_PER_SEC]),
        )
}

/// One script call on `key` (EVALSHA, loading the script on NOSCRIPT); `at` overrides the
/// server's clock (tests only).
pub(crate) async fn invoke(
    c: &mut MultiplexedConnection,
    script: &Script,
    key: &str,
    mode: Mode,
    scale: &Scale,
    cost: Triple,
    at: Option<u64>,
) -> Result<Vec<i64>, RedisError> {
    let mut inv = script.key(key);
    inv.arg(mode.arg());
    for value in numeric_args(scale, cost, at) {
        inv.arg(value);
    }
    inv.invoke_async::<Vec<i64>>(c).await
}

/// The EVALSHA of one check, for a pipeline.
pub(crate) fn evalsha_cmd(script: &Script, key: &str, scale: &Scale, cost: Triple) -> Cmd {
    let mut cmd = ::redis::cmd("EVALSHA");
    cmd.arg(script.get_hash())
        .arg(1)
        .arg(key)
        .arg(Mode::Check.arg());
    for value in numeric_args(scale, cost, None) {
        cmd.arg(value);
    }
    cmd
}

/// Sends `pipe` (EVALSHA commands, errors ignored) and returns one reply per command. When
/// some found no script (flushed or restarted), loads it and redoes exactly those.
pub(crate) async fn query_batch(
    c: &mut MultiplexedConnection,
    script: &Script,
    pipe: &Pipeline,
) -> Result<Vec<Reply>, RedisError> {
    let values: Vec<Value> = pipe.query_async(c).await?;
    let mut replies: Vec<Reply> = values.into_iter().map(reply_of).collect();
    let redo: Vec<usize> = (0..replies.len())
        .filter(|&j| matches!(&replies[j], Err(e) if is_noscript(e)))
        .collect();
    if !redo.is_empty() {
        script.load_async(c).await?;
        let cmds: Vec<&Cmd> = pipe.cmd_iter().collect();
        let mut retry = ::redis::pipe();
        retry.ignore_errors();
        for &j in &redo {
            retry.add_command(cmds[j].clone());
        }
        let again: Vec<Value> = retry.query_async(c).await?;
        for (j, v) in redo.into_iter().zip(again) {
            replies[j] = reply_of(v);
        }
    }
    Ok(replies)
}

fn is_noscript(e: &RedisError) -> bool {
    e.kind() == ErrorKind::Server(ServerErrorKind::NoScript)
}

fn reply_of(v: Value) -> Reply {
    match v {
        Value::ServerError(e) => Err(e.into()),
        other => ::redis::from_redis_value(other).map_err(RedisError::from),
    }
}

//! The check script (`check.lua`): its keys, its arguments, and batches of calls to it.

use super::connection::Conn;
use ::redis::{Cmd, ErrorKind, Pipeline, RedisError, Script, ServerErrorKind, Value};

use super::scale::{Scale, Triple};
use crate::patterns::NANOS_PER_SEC;

/// The Lua source of the check script.
pub const CHECK_SCRIPT: &str = include_str!("check.lua");

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

/// The EVALSHA of one script call on `key`; `at` overrides the server's clock (tests only).
pub(crate) fn evalsha_cmd(
    script: &Script,
    key: &str,
    mode: Mode,
    scale: &Scale,
    cost: Triple,
    at: Option<u64>,
) -> Cmd {
    let mut cmd = ::redis::cmd("EVALSHA");
    cmd.arg(script.get_hash()).arg(1).arg(key).arg(mode.arg());
    for value in numeric_args(scale, cost, at) {
        cmd.arg(value);
    }
    cmd
}

/// Sends `cmd` (an EVALSHA). On an explicit `NOSCRIPT` reply (that EVALSHA did not run)
/// loads the script, counts the reload in `reloads` and sends `cmd` once more; any other
/// failure is returned as it is, never replayed.
pub(crate) async fn invoke(
    c: &mut Conn,
    script: &Script,
    cmd: &Cmd,
    reloads: &mut u64,
) -> Result<Value, RedisError> {
    let first = cmd.query_async::<Value>(c).await;
    let noscript = match &first {
        Err(e) => is_noscript(e),
        Ok(Value::ServerError(e)) => e.kind() == Some(ServerErrorKind::NoScript),
        Ok(_) => false,
    };
    if !noscript {
        return first;
    }
    script.load_async(c).await?;
    *reloads += 1;
    cmd.query_async::<Value>(c).await
}

/// Sends `pipe` (EVALSHA commands, errors ignored) and returns one reply per command. When
/// some got an explicit `NOSCRIPT` (flushed or restarted: they did not run), loads the
/// script once, counts it in `reloads`, and resends exactly those, once.
pub(crate) async fn query_batch(
    c: &mut Conn,
    script: &Script,
    pipe: &Pipeline,
    reloads: &mut u64,
) -> Result<Vec<Value>, RedisError> {
    let mut replies: Vec<Value> = pipe.query_async(c).await?;
    let redo: Vec<usize> = (0..replies.len())
        .filter(|&j| matches!(&replies[j], Value::ServerError(e) if e.kind() == Some(ServerErrorKind::NoScript)))
        .collect();
    if !redo.is_empty() {
        script.load_async(c).await?;
        *reloads += 1;
        let cmds: Vec<&Cmd> = pipe.cmd_iter().collect();
        let mut retry = ::redis::pipe();
        retry.ignore_errors();
        for &j in &redo {
            retry.add_command(cmds[j].clone());
        }
        let again: Vec<Value> = retry.query_async(c).await?;
        for (j, v) in redo.into_iter().zip(again) {
            replies[j] = v;
        }
    }
    Ok(replies)
}

fn is_noscript(e: &RedisError) -> bool {
    e.kind() == ErrorKind::Server(ServerErrorKind::NoScript)
}

/// The script's integers from one reply, or a clear error: an error reply (e.g. `OOM`,
/// `WRONGTYPE`, `NOSCRIPT` still unresolved) or a reply of another type.
pub(crate) fn integers(v: Value) -> Result<Vec<i64>, String> {
    match v {
        Value::ServerError(e) => Err(RedisError::from(e).to_string()),
        other => ::redis::from_redis_value::<Vec<i64>>(other)
            .map_err(|e| format!("unexpected reply from the limiter script: {e}")),
    }
}

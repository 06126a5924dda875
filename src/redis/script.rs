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

/// Largest integer every double holds exactly (2^53): the script's numbers stay at or
/// below it.
const MAX_EXACT: f64 = 9_007_199_254_740_992.0;

/// Most numbers packed in one argument (`N` and the cost and `τ` triples).
const MAX_PACKED: usize = 7;

/// `values` (at most [`MAX_PACKED`]) packed as little-endian doubles into `buf`, the
/// script's form for numbers (`struct.pack` `'<d'` in Lua); returns the bytes written, so a
/// check allocates nothing for them. Every value the limiter sends is below 2^53 (`Scale`
/// refuses rates and capacities beyond), so each double holds it exactly.
fn pack<'a>(values: &[u64], buf: &'a mut [u8; 8 * MAX_PACKED]) -> &'a [u8] {
    assert!(values.len() <= MAX_PACKED, "{} numbers", values.len());
    for (chunk, &v) in buf.chunks_exact_mut(8).zip(values) {
        debug_assert!(v as f64 <= MAX_EXACT, "{v} is not exact in a double");
        chunk.copy_from_slice(&(v as f64).to_le_bytes());
    }
    &buf[..8 * values.len()]
}

/// The EVALSHA of one script call on `key`: the mode, then `N`, the cost and `τ` triples
/// packed in one argument; `at` (tests only) overrides the server's clock, packed as
/// seconds and nanoseconds.
pub(crate) fn evalsha_cmd(
    script: &Script,
    key: &str,
    mode: Mode,
    scale: &Scale,
    cost: Triple,
    at: Option<u64>,
) -> Cmd {
    let tau = scale.tau;
    let mut buf = [0; 8 * MAX_PACKED];
    let mut cmd = ::redis::cmd("EVALSHA");
    cmd.arg(script.get_hash()).arg(1).arg(key).arg(mode.arg());
    cmd.arg(pack(
        &[scale.n, cost.s, cost.ns, cost.fr, tau.s, tau.ns, tau.fr],
        &mut buf,
    ));
    if let Some(t) = at {
        cmd.arg(pack(&[t / NANOS_PER_SEC, t % NANOS_PER_SEC], &mut buf));
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

/// The script's six numbers from one reply (six little-endian doubles), or a clear error:
/// an error reply (e.g. `OOM`, `WRONGTYPE`, `NOSCRIPT` still unresolved), a reply of another
/// type or length, or a number that is not an integer a double holds exactly.
pub(crate) fn integers(v: Value) -> Result<[i64; REPLY_LEN], String> {
    let bytes = match v {
        Value::ServerError(e) => return Err(RedisError::from(e).to_string()),
        Value::BulkString(bytes) if bytes.len() == REPLY_LEN * 8 => bytes,
        other => {
            // At most 80 characters of it: a lying server's reply may be of any size.
            let shown: String = format!("{other:?}").chars().take(80).collect();
            return Err(format!("unexpected reply from the limiter script: {shown}"));
        }
    };
    let mut out = [0; REPLY_LEN];
    for (n, c) in out.iter_mut().zip(bytes.chunks_exact(8)) {
        let x = f64::from_le_bytes(c.try_into().expect("8 bytes"));
        if x.fract() != 0.0 || x.abs() > MAX_EXACT {
            return Err(format!(
                "unexpected number {x} in a reply of the limiter script"
            ));
        }
        *n = x as i64;
    }
    Ok(out)
}

/// Numbers in a reply of the script: the flag, the arrival-time triple, the server's time.
pub(crate) const REPLY_LEN: usize = 6;

#[cfg(test)]
mod tests {
    use super::*;

    fn doubles(values: &[f64]) -> Value {
        Value::BulkString(values.iter().flat_map(|v| v.to_le_bytes()).collect())
    }

    #[test]
    fn packed_numbers_are_exact_little_endian_doubles() {
        let max = 1u64 << 53;
        let mut buf = [0; 8 * MAX_PACKED];
        let bytes = pack(&[0, 1, 1_700_000_000, 999_999_999, max], &mut buf);
        let back: Vec<f64> = bytes
            .chunks_exact(8)
            .map(|c| f64::from_le_bytes(c.try_into().unwrap()))
            .collect();
        assert_eq!(
            back,
            [0.0, 1.0, 1.7e9, 999_999_999.0, 9_007_199_254_740_992.0]
        );
    }

    #[test]
    fn a_reply_is_six_integral_doubles_or_an_error() {
        let good = doubles(&[1.0, 1.7e9, 5.0, 2.0, 1.7e9, 0.0]);
        assert_eq!(
            integers(good).unwrap(),
            [1, 1_700_000_000, 5, 2, 1_700_000_000, 0]
        );
        assert_eq!(integers(doubles(&[-1.0; 6])).unwrap(), [-1; 6]);
        for bad in [
            doubles(&[1.0; 5]),
            doubles(&[1.0; 7]),
            doubles(&[1.5, 1.0, 1.0, 1.0, 1.0, 1.0]),
            doubles(&[1.0, f64::NAN, 1.0, 1.0, 1.0, 1.0]),
            doubles(&[1.0, 1.0, f64::INFINITY, 1.0, 1.0, 1.0]),
            doubles(&[1.0, 1.0, 1.0, 1e300, 1.0, 1.0]),
            Value::Array(vec![Value::Int(1); 6]),
            Value::Nil,
        ] {
            assert!(integers(bad.clone()).is_err(), "{bad:?}");
        }
        let huge = Value::BulkString(vec![b'x'; 1 << 20]);
        let message = integers(huge).unwrap_err();
        assert!(message.len() < 200, "{} bytes", message.len());
    }
}

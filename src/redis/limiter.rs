//! [`RedisLimiter`]: the [`LimiterBackend`] whose buckets live in Redis (see the
//! [layer docs](super)).

use std::fmt;
use std::time::{Duration, Instant};

use super::connection::Conn;
use ::redis::{RedisError, Script, Value};

use super::connection::Connection;
use super::error::{RedisLimiterError, RedisSetupError};
use super::health::RedisHealth;
use super::health::Stats;
use super::options::RedisOptions;
use super::policy::FailurePolicy;
use super::policy::Fallback;
use super::scale::Scale;
use super::script::CHECK_SCRIPT;
use super::script::{self, Mode, REPLY_LEN, bucket_key, evalsha_cmd, integers, query_batch};
use crate::patterns::Nanos;
use crate::patterns::breaker::{CircuitBreaker, Outcome, State};
use crate::patterns::limiter::{BucketConfig, Decision, LimiterBackend, LimiterError};
use crate::realtime::SyncBreaker;

/// A [`LimiterBackend`] keeping its buckets in Redis (see the [layer docs](super)).
///
/// Its `Debug` and [`describe`](LimiterBackend::describe) never show a password.
///
/// Every process connected to the same Redis shares each key's quota (needs a Redis server):
///
/// ```no_run
/// use ringside::patterns::Nanos;
/// use ringside::patterns::limiter::{BucketConfig, LimiterBackend};
/// use ringside::redis::{FailurePolicy, RedisLimiter, RedisOptions};
///
/// let options = RedisOptions {
///     policy: FailurePolicy::FailClosed,
///     ..RedisOptions::default()
/// };
/// let config = BucketConfig::new(100, 10.0)?; // burst 100, 10 requests/s per key
/// let mut limiter = RedisLimiter::connect("redis://:secret@127.0.0.1:6379/0", config, options)?;
/// assert_eq!(limiter.describe(), "redis://:***@127.0.0.1:6379/0");
/// assert_eq!(
///     limiter.redis_key("api:alice"),
///     "ringside:bucket:{api:alice}"
/// );
///
/// // `now` is ignored: the Redis server's clock decides.
/// let decision = limiter.check("api:alice", 1, Nanos::ZERO)?;
/// if !decision.allowed {
///     println!("429, retry in {}", decision.retry_after); // e.g. "429, retry in 82ms"
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct RedisLimiter {
    conn: Connection,
    script: Script,
    scale: Scale,
    options: RedisOptions,
    /// Guards the calls to Redis, on the real monotonic clock.
    guard: SyncBreaker,
    fallback: Fallback,
    stats: Stats,
    /// The Redis key of the current call, reused to avoid an allocation per check.
    key_buf: String,
}

impl fmt::Debug for RedisLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisLimiter")
            .field("backend", &self.conn.description())
            .field("config", &self.scale.config)
            .field("policy", &self.options.policy)
            .field("prefix", &self.options.prefix)
            .field("timeout", &self.options.timeout)
            .finish_non_exhaustive()
    }
}

impl RedisLimiter {
    /// Connects to `url` (`redis://[user:password@]host:port[/db]`), loads the script, and
    /// returns a limiter where every key gets a bucket of `config`.
    ///
    /// Errors name the URL (password redacted) and say what went wrong: invalid URL,
    /// unreachable, credentials refused, time-out, or a configuration out of range.
    pub fn connect(
        url: &str,
        config: BucketConfig,
        options: RedisOptions,
    ) -> Result<Self, RedisSetupError> {
        let scale = Scale::new(config)?;
        let guard = SyncBreaker::new(options.guard);
        let script = Script::new(CHECK_SCRIPT);
        let conn = Connection::open(
            url,
            options.connect_timeout,
            &script,
            options.tls_root_ca.as_deref(),
        )?;
        Ok(RedisLimiter {
            conn,
            script,
            scale,
            fallback: Fallback::new(options.policy, scale.config),
            options,
            guard,
            stats: Stats::default(),
            key_buf: String::new(),
        })
    }

    /// The Redis key holding `key`'s bucket.
    pub fn redis_key(&self, key: &str) -> String {
        let mut buf = String::new();
        bucket_key(&self.options.prefix, key, &mut buf);
        buf
    }

    /// The declared failure policy.
    pub fn policy(&self) -> FailurePolicy {
        self.options.policy
    }

    /// The deployment the limiter speaks to, as reports name it (`standalone`).
    pub fn topology(&self) -> &'static str {
        self.conn.topology()
    }

    /// Health for dashboards: description, whether Redis decides (false after any failed
    /// round trip, error reply or invalid reply, until a call succeeds again), the last
    /// round trip, the guard's state, the policy, and who decided how often.
    pub fn health(&self) -> RedisHealth {
        let guard = self.guard.state();
        RedisHealth {
            backend: self.conn.description().to_string(),
            topology: self.topology().to_string(),
            healthy: guard == State::Closed
                && self.guard.inspect(CircuitBreaker::consecutive_failures) == 0,
            last_rtt: self.stats.last_rtt,
            guard,
            policy: self.options.policy,
            fallbacks: self.fallback.decisions(),
            decisions_redis: self.stats.decisions_redis,
            errors: self.stats.errors,
            reconnects: self.conn.reconnects(),
            noscript_reloads: self.stats.noscript_reloads,
            last_error: self.stats.last_error.clone(),
        }
    }

    /// Tokens in `key`'s bucket, read from Redis (server clock) without taking any: one
    /// round trip. When Redis cannot answer: the local fallback's tokens at `now` under
    /// [`FailurePolicy::Local`], else the capacity (fail-open) or 0 (fail-closed).
    pub fn tokens_at(&mut self, key: &str, now: Nanos) -> f64 {
        let scale = self.scale;
        let tokens = self.script_call(key, Mode::Peek, 0, None, |r| {
            scale.peek(&r).map_err(|e| e.to_string())
        });
        match tokens {
            Some(t) => t,
            None => self.fallback.tokens_at(key, now),
        }
    }

    /// **For tests only**: a check where `server_now` (time since the Unix epoch) replaces
    /// the server's `TIME`, so decisions can be compared with the in-memory bucket at chosen
    /// times. Production code must use [`check`](LimiterBackend::check) (server clock).
    pub fn check_at_server_time(
        &mut self,
        key: &str,
        cost: u32,
        server_now: Nanos,
    ) -> Result<Decision, LimiterError> {
        self.check_on(key, cost, server_now, Some(server_now.as_nanos()))
    }

    /// One `PING` through the same connection and runtime as the checks, to the server a
    /// check of `key` goes to (on a Cluster, its slot's primary): the round trip that a
    /// check's latency should be compared with (benches). `None` on failure.
    pub fn ping(&mut self, key: &str) -> Option<Duration> {
        bucket_key(&self.options.prefix, key, &mut self.key_buf);
        let redis_key = self.key_buf.as_bytes();
        let start = Instant::now();
        self.conn
            .call(self.options.timeout, async |c| c.ping_at(redis_key).await)
            .ok()
            .map(|_| start.elapsed())
    }

    /// Runs `f` under the guard and the time-out, then `judge` on its answer, which returns
    /// what the caller gets and the first error found in the answer (an error reply, an
    /// invalid reply). The round trip counts as a success for the guard and the health
    /// only when it was answered and `judge` found no error. `None`: no answer (guard open,
    /// connection error, error reply to the whole call or time-out).
    fn guarded<T, U>(
        &mut self,
        f: impl AsyncFnOnce(&mut Conn, &Script, &mut u64) -> Result<T, RedisError>,
        judge: impl FnOnce(T) -> (U, Option<String>),
    ) -> Option<U> {
        let permit = self.guard.acquire().ok()?;
        let start = Instant::now();
        let script = &self.script;
        let mut reloads = 0;
        let res = self.conn.call(self.options.timeout, async |c| {
            f(c, script, &mut reloads).await
        });
        self.stats.noscript_reloads += reloads;
        let (answer, error) = match res {
            Ok(v) => {
                let (u, error) = judge(v);
                (Some(u), error)
            }
            Err(reason) => (None, Some(reason)),
        };
        match error {
            None => {
                self.guard.record(permit, Outcome::Success);
                self.stats.last_rtt = Some(Nanos::from(start.elapsed()));
            }
            Some(reason) => {
                self.guard.record(permit, Outcome::Failure);
                self.stats.errors += 1;
                self.stats.last_error = Some(reason);
            }
        }
        answer
    }

    /// One script call on `key`'s bucket, guarded, its integers decoded by `decode` (an
    /// error there is a failed call). `at` overrides the server clock (tests).
    fn script_call<U>(
        &mut self,
        key: &str,
        mode: Mode,
        cost: u32,
        at: Option<u64>,
        decode: impl FnOnce([i64; REPLY_LEN]) -> Result<U, String>,
    ) -> Option<U> {
        bucket_key(&self.options.prefix, key, &mut self.key_buf);
        let scale = self.scale;
        let cmd = evalsha_cmd(
            &self.script,
            &self.key_buf,
            mode,
            &scale,
            scale.interval(cost),
            at,
        );
        self.guarded(
            async |c, s, reloads| script::invoke(c, s, &cmd, reloads).await,
            |v: Value| match integers(v).and_then(decode) {
                Ok(u) => (Some(u), None),
                Err(e) => (None, Some(e)),
            },
        )
        .flatten()
    }

    fn validate(&self, cost: u32) -> Result<(), LimiterError> {
        let capacity = self.scale.config.capacity();
        if cost > capacity {
            return Err(LimiterError::CostExceedsCapacity { cost, capacity });
        }
        Ok(())
    }

    /// The policy's decision for a check Redis could not make.
    fn fallback(&mut self, key: &str, cost: u32, now: Nanos) -> Result<Decision, LimiterError> {
        let guard = &self.guard;
        let recovery = self.options.guard.recovery_timeout();
        self.fallback.decide(key, cost, now, || {
            let now = guard.now();
            guard.inspect(|cb| cb.retry_after(now)).unwrap_or(recovery)
        })
    }

    fn check_on(
        &mut self,
        key: &str,
        cost: u32,
        now: Nanos,
        at: Option<u64>,
    ) -> Result<Decision, LimiterError> {
        self.validate(cost)?;
        let scale = self.scale;
        let decided = self.script_call(key, Mode::Check, cost, at, |r| {
            scale.decide(&r, cost).map_err(|e| e.to_string())
        });
        match decided {
            Some(d) => {
                self.stats.decisions_redis += 1;
                Ok(d)
            }
            None => self.fallback(key, cost, now),
        }
    }
}

/// Stands in for a batch entry until its reply is decoded.
const FAIL_CLOSED_PLACEHOLDER: Decision = Decision {
    allowed: false,
    remaining: 0.0,
    retry_after: Nanos::ZERO,
    full_after: Nanos::ZERO,
};

impl LimiterBackend for RedisLimiter {
    type Error = RedisLimiterError;

    /// Checks on the Redis server's clock; `now` is used only by the local fallback.
    fn check(&mut self, key: &str, cost: u32, now: Nanos) -> Result<Decision, LimiterError> {
        self.check_on(key, cost, now, None)
    }

    /// Deletes the bucket's key (and resets the local fallback's bucket).
    fn reset(&mut self, key: &str) -> Result<(), RedisLimiterError> {
        self.fallback.reset(key);
        bucket_key(&self.options.prefix, key, &mut self.key_buf);
        let redis_key = std::mem::take(&mut self.key_buf);
        let done = self.guarded(
            async |c, _, _| {
                ::redis::cmd("DEL")
                    .arg(&redis_key)
                    .query_async::<i64>(c)
                    .await
            },
            |n| (n, None),
        );
        self.key_buf = redis_key;
        match done {
            Some(_) => Ok(()),
            None => Err(RedisLimiterError::Unavailable {
                reason: self
                    .stats
                    .last_error
                    .clone()
                    .unwrap_or_else(|| "guard open".to_string()),
            }),
        }
    }

    fn config(&self) -> BucketConfig {
        self.scale.config
    }

    /// Installs `config` for this client's checks; buckets in Redis keep their time debt
    /// (see the layer docs). Refuses invalid or out-of-range configurations.
    fn set_config(&mut self, config: BucketConfig, now: Nanos) -> Result<(), RedisLimiterError> {
        let scale = Scale::new(config)?;
        self.scale = scale;
        self.fallback.set_config(scale.config, now);
        Ok(())
    }

    /// E.g. `redis://127.0.0.1:6379/0` (a password shows as `***`).
    fn describe(&self) -> String {
        self.conn.description().to_string()
    }

    /// Pipelined round trips of at most [`PIPELINE_CHUNK`] checks each (valid costs; on a
    /// Cluster, one sub-pipeline per primary, sent at once), each within
    /// the time-out; each request that Redis could not decide (no answer, an error reply
    /// or an invalid one) is decided by the failure policy. Memory is bounded by the chunk,
    /// whatever the batch size (beyond `out` itself).
    fn check_many(
        &mut self,
        batch: &[(&str, u32)],
        now: Nanos,
        out: &mut Vec<Result<Decision, LimiterError>>,
    ) {
        out.clear();
        out.reserve(batch.len());
        let mut sent = Vec::with_capacity(PIPELINE_CHUNK.min(batch.len()));
        for (i, &(_, cost)) in batch.iter().enumerate() {
            match self.validate(cost) {
                Err(e) => out.push(Err(e)),
                Ok(()) => {
                    // Filled in by `check_chunk`.
                    out.push(Ok(FAIL_CLOSED_PLACEHOLDER));
                    sent.push(i);
                }
            }
            if sent.len() == PIPELINE_CHUNK || (i + 1 == batch.len() && !sent.is_empty()) {
                self.check_chunk(batch, &sent, now, out);
                sent.clear();
            }
        }
    }
}

/// Most checks per pipelined round trip (the time-out applies to each round trip; on a
/// Cluster, the chunk is split per primary, so a larger chunk would not shorten the slowest
/// node's share under load: measured, 3 × 128 made `simulate` on a loaded machine time out).
///
/// Measured on a local Redis 7.0 over loopback, on the 2-core test machine, idle
/// (`cargo test --release --test redis_faults measure -- --ignored --nocapture`): a round
/// trip costs ~7.5 µs per check, linear from 64 checks on (64: 0.5 ms, 128: 0.9 ms p50 /
/// 1.5 ms max, 256: 1.9 / 2.0 ms, 1,024: 7.5 / 8.9 ms); an earlier script, at ~12 µs per
/// check, took up to 5× longer when other builds loaded the machine (a 256-check round trip
/// then took 16 ms). 128 keeps a round trip well under the default 20 ms time-out even
/// then, with a NOSCRIPT reload still fitting; larger chunks gain under 10% of throughput.
pub const PIPELINE_CHUNK: usize = 128;

impl RedisLimiter {
    /// One pipelined round trip for the requests `batch[i]`, `i` in `sent` (valid costs),
    /// writing their decisions into `out[i]`.
    fn check_chunk(
        &mut self,
        batch: &[(&str, u32)],
        sent: &[usize],
        now: Nanos,
        out: &mut [Result<Decision, LimiterError>],
    ) {
        let scale = self.scale;
        let mut pipe = ::redis::pipe();
        pipe.ignore_errors();
        for &i in sent {
            let (key, cost) = batch[i];
            bucket_key(&self.options.prefix, key, &mut self.key_buf);
            pipe.add_command(evalsha_cmd(
                &self.script,
                &self.key_buf,
                Mode::Check,
                &scale,
                scale.interval(cost),
                None,
            ));
        }
        let decided = self.guarded(
            async |c, s, reloads| query_batch(c, s, &pipe, reloads).await,
            |replies: Vec<Value>| {
                let mut first_error = None;
                if replies.len() != sent.len() {
                    first_error = Some(format!(
                        "{} replies to a pipeline of {} checks",
                        replies.len(),
                        sent.len()
                    ));
                }
                let decisions: Vec<Option<Decision>> = replies
                    .into_iter()
                    .zip(sent)
                    .map(|(v, &i)| {
                        let decoded = integers(v)
                            .and_then(|r| scale.decide(&r, batch[i].1).map_err(|e| e.to_string()));
                        match decoded {
                            Ok(d) => Some(d),
                            Err(e) => {
                                first_error.get_or_insert(e);
                                None
                            }
                        }
                    })
                    .collect();
                (decisions, first_error)
            },
        );
        let mut decided = decided.map(Vec::into_iter);
        for &i in sent {
            let (key, cost) = batch[i];
            out[i] = match decided.as_mut().and_then(Iterator::next).flatten() {
                Some(d) => {
                    self.stats.decisions_redis += 1;
                    Ok(d)
                }
                None => self.fallback(key, cost, now),
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_urls_are_clear_errors_without_secrets() {
        let err = RedisLimiter::connect(
            "http://user:hunter2@host",
            BucketConfig::new(1, 1.0).unwrap(),
            RedisOptions::default(),
        )
        .unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("invalid Redis URL"), "{msg}");
        assert!(!msg.contains("hunter2"), "{msg}");
        assert!(!format!("{err:?}").contains("hunter2"));
    }
}

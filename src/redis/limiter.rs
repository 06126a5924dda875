//! [`RedisLimiter`]: the [`LimiterBackend`] whose buckets live in Redis (see the
//! [layer docs](super)).

use std::fmt;
use std::time::{Duration, Instant};

use ::redis::Script;

use super::connection::Connection;
use super::error::{RedisLimiterError, RedisSetupError};
use super::health::RedisHealth;
use super::health::Stats;
use super::options::RedisOptions;
use super::policy::FailurePolicy;
use super::policy::Fallback;
use super::scale::Scale;
use super::script::CHECK_SCRIPT;
use super::script::{self, Mode, bucket_key, evalsha_cmd, query_batch};
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
        let conn = Connection::open(url, options.connect_timeout, &script)?;
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

    /// Health for dashboards: description, whether Redis decides, the last round trip,
    /// the guard's state, the policy and how often it decided.
    pub fn health(&self) -> RedisHealth {
        let guard = self.guard.state();
        RedisHealth {
            backend: self.conn.description().to_string(),
            healthy: guard == State::Closed
                && self.guard.inspect(CircuitBreaker::consecutive_failures) == 0,
            last_rtt: self.stats.last_rtt,
            guard,
            policy: self.options.policy,
            fallbacks: self.fallback.decisions(),
            last_error: self.stats.last_error.clone(),
        }
    }

    /// Tokens in `key`'s bucket, read from Redis (server clock) without taking any: one
    /// round trip. When Redis cannot answer: the local fallback's tokens at `now` under
    /// [`FailurePolicy::Local`], else the capacity (fail-open) or 0 (fail-closed).
    pub fn tokens_at(&mut self, key: &str, now: Nanos) -> f64 {
        let scale = self.scale;
        let reply = self.script_call(key, Mode::Peek, 0, None);
        match reply.and_then(|r| scale.peek(&r).ok()) {
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

    /// One `PING` through the same connection and runtime as the checks: the round trip
    /// that a check's latency should be compared with (benches). `None` on failure.
    pub fn ping(&mut self) -> Option<Duration> {
        let start = Instant::now();
        self.conn
            .call(self.options.timeout, async |c| {
                ::redis::cmd("PING").query_async::<String>(c).await
            })
            .ok()
            .map(|_| start.elapsed())
    }

    /// Runs `f` under the guard and the time-out. `None`: Redis did not decide (guard open,
    /// error or time-out), and the failure is recorded.
    fn guarded<T>(
        &mut self,
        f: impl AsyncFnOnce(
            &mut ::redis::aio::MultiplexedConnection,
            &Script,
        ) -> Result<T, ::redis::RedisError>,
    ) -> Option<T> {
        let permit = self.guard.acquire().ok()?;
        let start = Instant::now();
        let script = &self.script;
        let res = self
            .conn
            .call(self.options.timeout, async |c| f(c, script).await);
        match res {
            Ok(v) => {
                self.guard.record(permit, Outcome::Success);
                self.stats.last_rtt = Some(Nanos::from(start.elapsed()));
                Some(v)
            }
            Err(reason) => {
                self.guard.record(permit, Outcome::Failure);
                self.stats.last_error = Some(reason);
                None
            }
        }
    }

    /// One script call on `key`'s bucket, guarded. `at` overrides the server clock (tests).
    fn script_call(
        &mut self,
        key: &str,
        mode: Mode,
        cost: u32,
        at: Option<u64>,
    ) -> Option<Vec<i64>> {
        bucket_key(&self.options.prefix, key, &mut self.key_buf);
        let scale = self.scale;
        let interval = scale.interval(cost);
        let redis_key = std::mem::take(&mut self.key_buf);
        let reply = self.guarded(async |c, s| {
            script::invoke(c, s, &redis_key, mode, &scale, interval, at).await
        });
        self.key_buf = redis_key;
        reply
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
        match self.script_call(key, Mode::Check, cost, at) {
            Some(r) => match scale.decide(&r, cost) {
                Ok(d) => Ok(d),
                Err(e) => {
                    self.stats.last_error = Some(e.to_string());
                    self.fallback(key, cost, now)
                }
            },
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
        let done = self.guarded(async |c, _| {
            ::redis::cmd("DEL")
                .arg(&redis_key)
                .query_async::<i64>(c)
                .await
        });
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

    /// One pipelined round trip for the whole batch (valid costs); each request that Redis
    /// could not decide is decided by the failure policy.
    fn check_many(
        &mut self,
        batch: &[(&str, u32)],
        now: Nanos,
        out: &mut Vec<Result<Decision, LimiterError>>,
    ) {
        out.clear();
        let scale = self.scale;
        // One EVALSHA per valid check, straight into the pipeline; invalid costs are
        // answered locally.
        let mut pipe = ::redis::pipe();
        pipe.ignore_errors();
        let mut sent = Vec::with_capacity(batch.len());
        for (i, &(key, cost)) in batch.iter().enumerate() {
            if let Err(e) = self.validate(cost) {
                out.push(Err(e));
            } else {
                // Filled in below.
                out.push(Ok(FAIL_CLOSED_PLACEHOLDER));
                bucket_key(&self.options.prefix, key, &mut self.key_buf);
                pipe.add_command(evalsha_cmd(
                    &self.script,
                    &self.key_buf,
                    &scale,
                    scale.interval(cost),
                ));
                sent.push(i);
            }
        }
        let replies = if sent.is_empty() {
            Some(Vec::new())
        } else {
            self.guarded(async |c, s| query_batch(c, s, &pipe).await)
        };
        let mut replies = replies.map(Vec::into_iter);
        for i in sent {
            let (key, cost) = batch[i];
            let decided = match replies.as_mut().and_then(Iterator::next) {
                Some(Ok(r)) => scale.decide(&r, cost).ok(),
                Some(Err(e)) => {
                    self.stats.last_error = Some(self.conn.redact(&e));
                    None
                }
                None => None,
            };
            out[i] = match decided {
                Some(d) => Ok(d),
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

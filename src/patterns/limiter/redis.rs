//! Token buckets in Redis, so that several processes share one quota.
//!
//! [`RedisLimiter`] implements [`LimiterBackend`] with the same algorithm, representation and
//! exactness as the in-memory [`KeyedLimiter`](super::KeyedLimiter): one atomic Lua script
//! (`redis/check.lua`) runs the GCRA step per check on the **Redis server's clock**
//! (`TIME`, microsecond resolution), so client clocks do not matter.
//!
//! # Representation in Lua
//!
//! Lua numbers are doubles, exact only below 2^53, while the in-memory bucket counts time
//! in `u128` units of `1/N` ns. The script therefore holds a time as a triple
//! `(seconds, nanoseconds < 10^9, fraction < N)` and only adds and compares triples with
//! explicit carries: nothing is divided and no intermediate leaves 2^53, so every decision
//! is exactly the in-memory one at the same (server) times. The client precomputes
//! `cost·D` and `capacity·D` as triples and turns the script's reply (the arrival time and
//! the server's `now`) into a [`Decision`] with the same `u128` arithmetic as the in-memory
//! bucket. Limits (refused by [`RedisLimiter::connect`] and `set_config`): refill rates
//! below `2^53` tokens/s, and `capacity / rate` below `2^43` s.
//!
//! # Keys, TTL, replies
//!
//! One string key per bucket, `{prefix}{<key>}` (a hash tag, so it works on Redis
//! Cluster), holding `"s ns fr N"`, written with `PX` = the time until the bucket is full
//! (rounded up to a millisecond), refreshed on each write: a full bucket is an absent key.
//! The reply is an array of integers (no float is converted by Redis). A bucket written under
//! another rate has its fraction rounded up to the next ns (never more tokens); one holding
//! more debt than the capacity allows (capacity lowered) is clamped to empty. So unlike the
//! in-memory limiter, [`set_config`](LimiterBackend::set_config) keeps each bucket's *time
//! debt* (clamped to the new capacity) rather than its tokens.
//!
//! # Calls, time-outs and failures
//!
//! The trait is synchronous: the limiter owns a current-thread tokio runtime and blocks on
//! each call with [`tokio::time::timeout`] (default 20 ms, covering a reconnect too). Do not
//! call it from inside async code (use a plain thread or `spawn_blocking`). Scripts run by
//! `EVALSHA`; on `NOSCRIPT` (after `SCRIPT FLUSH` or a restart) the script is loaded and the
//! check retried in the same call. A connection that fails or times out is dropped and
//! re-opened on the next call.
//!
//! A [`CircuitBreaker`] guards the calls: after `failure_threshold` consecutive failures it
//! opens and checks are decided by the [`FailurePolicy`] at once (no time-out per request);
//! after its recovery timeout (default 250 ms) one probe call reconnects, so service
//! resumes well within a second of Redis coming back. [`LimiterBackend::health`] reports the
//! description, health, last round-trip time and the guard's state.
//!
//! The trait's `now` argument is **ignored** for Redis decisions (the server's clock
//! decides); it is used only by the [`FailurePolicy::Local`] fallback limiter.

mod scale;

use std::fmt;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use ::redis::aio::MultiplexedConnection;
use ::redis::{
    AsyncConnectionConfig, Client, ErrorKind, RedisError, Script, ServerErrorKind, Value,
};
use thiserror::Error;

use super::{BackendHealth, BucketConfig, Decision, KeyedLimiter, LimiterBackend, LimiterError};
use crate::patterns::breaker::{BreakerConfig, CircuitBreaker, Outcome, State as GuardState};
use scale::{Scale, Triple};

/// The Lua source of the check script.
pub const CHECK_SCRIPT: &str = include_str!("redis/check.lua");

/// Default time budget of one decision (call, plus reconnect when needed).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(20);
/// Default time allowed to connect in [`RedisLimiter::connect`].
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// Default key prefix.
pub const DEFAULT_PREFIX: &str = "ringside:bucket:";
/// Default guard: 3 consecutive failures open it; one probe after 250 ms closes it.
pub const DEFAULT_GUARD: BreakerConfig = BreakerConfig {
    failure_threshold: 3,
    recovery_timeout_ns: 250_000_000,
    success_threshold: 1,
    half_open_max_probes: 1,
    history: 32,
};

/// What decides when Redis cannot (unreachable, timed out, guard open).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FailurePolicy {
    /// Admit every request (availability over limits).
    FailOpen,
    /// Deny every request (limits over availability).
    FailClosed,
    /// Decide with an in-process limiter of the same configuration (per-process quota).
    #[default]
    Local,
}

impl fmt::Display for FailurePolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FailurePolicy::FailOpen => "fail-open",
            FailurePolicy::FailClosed => "fail-closed",
            FailurePolicy::Local => "local",
        })
    }
}

impl FromStr for FailurePolicy {
    type Err = RedisSetupError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "fail-open" | "open" => Ok(FailurePolicy::FailOpen),
            "fail-closed" | "closed" => Ok(FailurePolicy::FailClosed),
            "local" => Ok(FailurePolicy::Local),
            _ => Err(RedisSetupError::Policy(s.to_string())),
        }
    }
}

/// Options of a [`RedisLimiter`].
#[derive(Debug, Clone)]
pub struct RedisOptions {
    /// Key prefix; the key of bucket `k` is `{prefix}{k}` with `k` in braces.
    pub prefix: String,
    /// Time budget of one decision, reconnect included.
    pub timeout: Duration,
    /// Time allowed for the first connection in [`RedisLimiter::connect`].
    pub connect_timeout: Duration,
    /// What decides when Redis cannot.
    pub policy: FailurePolicy,
    /// The guard breaker around Redis calls.
    pub guard: BreakerConfig,
}

impl Default for RedisOptions {
    fn default() -> Self {
        RedisOptions {
            prefix: DEFAULT_PREFIX.to_string(),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            policy: FailurePolicy::default(),
            guard: DEFAULT_GUARD,
        }
    }
}

/// Why a [`RedisLimiter`] could not be set up. Messages never contain a password.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum RedisSetupError {
    /// The URL does not parse.
    #[error("invalid Redis URL {url}: {reason} (expected redis://[user:password@]host:port[/db])")]
    InvalidUrl {
        /// The URL, password redacted.
        url: String,
        /// What is wrong.
        reason: String,
    },
    /// Nothing listens there (or the host is unreachable).
    #[error("cannot connect to Redis at {url}: {reason}")]
    Unreachable {
        /// The URL, password redacted.
        url: String,
        /// The underlying error.
        reason: String,
    },
    /// The server refused the credentials.
    #[error("Redis at {url} refused the credentials: {reason}")]
    Auth {
        /// The URL, password redacted.
        url: String,
        /// The server's message.
        reason: String,
    },
    /// No answer in time.
    #[error("Redis at {url} did not answer within {timeout:?}")]
    Timeout {
        /// The URL, password redacted.
        url: String,
        /// The connect timeout.
        timeout: Duration,
    },
    /// The bucket configuration is invalid or out of the backend's range.
    #[error(transparent)]
    Config(#[from] LimiterError),
    /// An unknown failure policy name.
    #[error("unknown Redis failure policy {0:?}: expected fail-open, fail-closed or local")]
    Policy(String),
    /// The runtime could not be created.
    #[error("cannot start the Redis client runtime: {0}")]
    Runtime(String),
}

/// `url` with any password replaced by `***` (user names are kept).
pub fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let Some(at) = authority.rfind('@') else {
        return url.to_string();
    };
    let userinfo = &authority[..at];
    let user = match userinfo.find(':') {
        Some(colon) => &userinfo[..colon],
        None if userinfo.is_empty() => "",
        // `redis://secret@host`: a lone userinfo is a password for Redis.
        None => "",
    };
    format!("{}://{}:***@{}", &url[..scheme_end], user, &rest[at + 1..])
}

/// Removes every occurrence of `secret` from `text`.
fn scrub(text: String, secret: Option<&str>) -> String {
    match secret {
        Some(s) if !s.is_empty() && text.contains(s) => text.replace(s, "***"),
        _ => text,
    }
}

/// Counters and the last observations, for [`LimiterBackend::health`].
#[derive(Debug, Default, Clone)]
struct Stats {
    last_rtt_ns: Option<u64>,
    fallbacks: u64,
    last_error: Option<String>,
}

struct Inner {
    rt: tokio::runtime::Runtime,
    client: Client,
    conn_config: AsyncConnectionConfig,
    conn: Option<MultiplexedConnection>,
    script: Script,
    scale: Scale,
    options: RedisOptions,
    description: String,
    password: Option<String>,
    guard: CircuitBreaker,
    epoch: Instant,
    local: KeyedLimiter<String>,
    stats: Stats,
    key_buf: String,
}

/// A [`LimiterBackend`] keeping its buckets in Redis (see the [module docs](self)).
///
/// Its `Debug` and [`describe`](LimiterBackend::describe) never show a password.
pub struct RedisLimiter {
    inner: Mutex<Inner>,
}

impl fmt::Debug for RedisLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = self.lock();
        f.debug_struct("RedisLimiter")
            .field("backend", &inner.description)
            .field("config", &inner.scale.config)
            .field("policy", &inner.options.policy)
            .field("prefix", &inner.options.prefix)
            .field("timeout", &inner.options.timeout)
            .finish_non_exhaustive()
    }
}

/// A script reply, or why there is none.
type Reply = Result<Vec<i64>, RedisError>;

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
        let redacted = redact_url(url);
        let scale = Scale::new(config)?;
        let guard = CircuitBreaker::new(options.guard).map_err(|e| {
            RedisSetupError::Config(LimiterError::Backend(format!("guard breaker: {e}")))
        })?;
        let client = Client::open(url).map_err(|e| RedisSetupError::InvalidUrl {
            url: redacted.clone(),
            reason: e.to_string(),
        })?;
        let info = client.get_connection_info();
        let password = info.redis_settings().password().map(str::to_string);
        let description = describe_info(info);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| RedisSetupError::Runtime(e.to_string()))?;
        let conn_config = AsyncConnectionConfig::new()
            .set_connection_timeout(None)
            .set_response_timeout(None);
        let script = Script::new(CHECK_SCRIPT);
        let first = rt.block_on(within(options.connect_timeout, async {
            let mut conn = client
                .get_multiplexed_async_connection_with_config(&conn_config)
                .await?;
            script.load_async(&mut conn).await?;
            Ok::<_, RedisError>(conn)
        }));
        let conn = match first {
            Ok(Ok(conn)) => conn,
            Ok(Err(e)) => {
                let reason = scrub(e.to_string(), password.as_deref());
                return Err(match e.kind() {
                    ErrorKind::AuthenticationFailed
                    | ErrorKind::Server(ServerErrorKind::NoPerm) => RedisSetupError::Auth {
                        url: redacted,
                        reason,
                    },
                    _ if reason.contains("WRONGPASS") || reason.contains("NOAUTH") => {
                        RedisSetupError::Auth {
                            url: redacted,
                            reason,
                        }
                    }
                    _ => RedisSetupError::Unreachable {
                        url: redacted,
                        reason,
                    },
                });
            }
            Err(_) => {
                return Err(RedisSetupError::Timeout {
                    url: redacted,
                    timeout: options.connect_timeout,
                });
            }
        };
        Ok(RedisLimiter {
            inner: Mutex::new(Inner {
                rt,
                client,
                conn_config,
                conn: Some(conn),
                script,
                scale,
                local: KeyedLimiter::new(scale.config),
                options,
                description,
                password,
                guard,
                epoch: Instant::now(),
                stats: Stats::default(),
                key_buf: String::new(),
            }),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn inner(&mut self) -> &mut Inner {
        self.inner.get_mut().unwrap_or_else(|p| p.into_inner())
    }

    /// The Redis key holding `key`'s bucket.
    pub fn redis_key(&self, key: &str) -> String {
        let mut inner = self.lock();
        inner.set_key(key);
        inner.key_buf.clone()
    }

    /// The declared failure policy.
    pub fn policy(&self) -> FailurePolicy {
        self.lock().options.policy
    }

    /// **For tests only**: a check where `server_now_ns` (ns since the Unix epoch) replaces
    /// the server's `TIME`, so decisions can be compared with the in-memory bucket at chosen
    /// times. Production code must use [`check`](LimiterBackend::check) (server clock).
    pub fn check_at_server_time(
        &mut self,
        key: &str,
        server_now_ns: u64,
        cost: u32,
    ) -> Result<Decision, LimiterError> {
        self.inner()
            .check(key, cost, server_now_ns, Some(server_now_ns))
    }

    /// One `PING` through the same connection and runtime as the checks: the round trip
    /// that a check's latency should be compared with (benches). `None` on failure.
    pub fn ping(&mut self) -> Option<Duration> {
        let inner = self.inner();
        let timeout = inner.options.timeout;
        let start = Instant::now();
        let Inner {
            rt,
            client,
            conn_config,
            conn,
            ..
        } = inner;
        let res = rt.block_on(within(timeout, async {
            let c = ensure_conn(conn, client, conn_config).await?;
            ::redis::cmd("PING").query_async::<String>(c).await
        }));
        matches!(res, Ok(Ok(_))).then(|| start.elapsed())
    }
}

fn describe_info(info: &::redis::ConnectionInfo) -> String {
    let settings = info.redis_settings();
    let scheme = match info.addr() {
        ::redis::ConnectionAddr::Unix(_) => "redis+unix",
        ::redis::ConnectionAddr::TcpTls { .. } => "rediss",
        _ => "redis",
    };
    let auth = match (settings.username(), settings.password()) {
        (Some(u), Some(_)) => format!("{u}:***@"),
        (None, Some(_)) => ":***@".to_string(),
        (Some(u), None) => format!("{u}@"),
        (None, None) => String::new(),
    };
    format!("{scheme}://{auth}{}/{}", info.addr(), settings.db())
}

/// `fut` with a time limit; the timer is created inside the runtime.
async fn within<T>(
    limit: Duration,
    fut: impl Future<Output = T>,
) -> Result<T, tokio::time::error::Elapsed> {
    tokio::time::timeout(limit, fut).await
}

async fn ensure_conn<'a>(
    conn: &'a mut Option<MultiplexedConnection>,
    client: &Client,
    config: &AsyncConnectionConfig,
) -> Result<&'a mut MultiplexedConnection, RedisError> {
    if conn.is_none() {
        *conn = Some(
            client
                .get_multiplexed_async_connection_with_config(config)
                .await?,
        );
    }
    Ok(conn.as_mut().expect("just connected"))
}

/// The script's numeric arguments after `KEYS[1]` and the mode: `N`, the cost and `τ`
/// triples, and (tests only) a server-time override as seconds and nanoseconds.
fn numeric_args(scale: &Scale, cost: Triple, at: Option<u64>) -> impl Iterator<Item = u64> {
    let tau = scale.tau;
    [scale.n, cost.s, cost.ns, cost.fr, tau.s, tau.ns, tau.fr]
        .into_iter()
        .chain(
            at.into_iter()
                .flat_map(|t| [t / 1_000_000_000, t % 1_000_000_000]),
        )
}

/// The arguments of one script call after `KEYS[1]`.
fn script_args(
    inv: &mut ::redis::ScriptInvocation<'_>,
    mode: &str,
    scale: &Scale,
    cost: Triple,
    at: Option<u64>,
) {
    inv.arg(mode);
    for value in numeric_args(scale, cost, at) {
        inv.arg(value);
    }
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

impl Inner {
    fn mono_now(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }

    fn set_key(&mut self, key: &str) {
        self.key_buf.clear();
        self.key_buf.push_str(&self.options.prefix);
        self.key_buf.push('{');
        self.key_buf.push_str(key);
        self.key_buf.push('}');
    }

    fn validate(&self, cost: u32) -> Result<(), LimiterError> {
        let capacity = self.scale.config.capacity;
        if cost > capacity {
            return Err(LimiterError::CostExceedsCapacity { cost, capacity });
        }
        Ok(())
    }

    /// Runs `f` under the guard and the time-out. `None`: Redis did not decide (guard open,
    /// error or time-out), and the failure is recorded.
    fn guarded<T>(
        &mut self,
        f: impl AsyncFnOnce(&mut MultiplexedConnection, &Script) -> Result<T, RedisError>,
    ) -> Option<T> {
        let permit = self.guard.acquire(self.mono_now()).ok()?;
        let start = Instant::now();
        let Inner {
            rt,
            client,
            conn_config,
            conn,
            script,
            options,
            ..
        } = self;
        let res = rt.block_on(within(options.timeout, async {
            let c = ensure_conn(conn, client, conn_config).await?;
            f(c, script).await
        }));
        let now = self.mono_now();
        match res {
            Ok(Ok(v)) => {
                self.guard.record(permit, Outcome::Success, now);
                self.stats.last_rtt_ns = Some(start.elapsed().as_nanos() as u64);
                Some(v)
            }
            Ok(Err(e)) => {
                self.guard.record(permit, Outcome::Failure, now);
                if !matches!(e.kind(), ErrorKind::Server(_)) || e.is_unrecoverable_error() {
                    self.conn = None;
                }
                let msg = scrub(e.to_string(), self.password.as_deref());
                self.stats.last_error = Some(msg);
                None
            }
            Err(_) => {
                self.guard.record(permit, Outcome::Failure, now);
                self.conn = None;
                self.stats.last_error =
                    Some(format!("no answer within {:?}", self.options.timeout));
                None
            }
        }
    }

    /// The policy's decision for a check Redis could not make.
    fn fallback(&mut self, key: &str, now: u64, cost: u32) -> Result<Decision, LimiterError> {
        self.stats.fallbacks += 1;
        let capacity = f64::from(self.scale.config.capacity);
        match self.options.policy {
            FailurePolicy::FailOpen => Ok(Decision {
                allowed: true,
                remaining: capacity,
                retry_after_ns: 0,
                full_after_ns: 0,
            }),
            FailurePolicy::FailClosed => {
                let until_probe = self
                    .guard
                    .retry_after(self.mono_now())
                    .unwrap_or(self.options.guard.recovery_timeout_ns);
                Ok(Decision {
                    allowed: false,
                    remaining: 0.0,
                    retry_after_ns: until_probe.max(1),
                    full_after_ns: 0,
                })
            }
            FailurePolicy::Local => self.local.check(key, now, cost),
        }
    }

    fn check(
        &mut self,
        key: &str,
        cost: u32,
        now: u64,
        at: Option<u64>,
    ) -> Result<Decision, LimiterError> {
        self.validate(cost)?;
        self.set_key(key);
        let scale = self.scale;
        let interval = scale.interval(cost);
        let redis_key = std::mem::take(&mut self.key_buf);
        let reply = self.guarded(async |c, script| {
            let mut inv = script.key(&redis_key);
            script_args(&mut inv, "c", &scale, interval, at);
            inv.invoke_async::<Vec<i64>>(c).await
        });
        self.key_buf = redis_key;
        match reply {
            Some(r) => match scale.decide(&r, cost) {
                Ok(d) => Ok(d),
                Err(e) => {
                    self.stats.last_error = Some(e.to_string());
                    self.fallback(key, now, cost)
                }
            },
            None => self.fallback(key, now, cost),
        }
    }

    fn check_many(
        &mut self,
        now: u64,
        batch: &[(&str, u32)],
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
                self.set_key(key);
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
            self.guarded(async |c, script| {
                let values: Vec<Value> = pipe.query_async(c).await?;
                let mut replies: Vec<Reply> = values.into_iter().map(reply_of).collect();
                let redo: Vec<usize> = (0..replies.len())
                    .filter(|&j| matches!(&replies[j], Err(e) if is_noscript(e)))
                    .collect();
                if !redo.is_empty() {
                    // Flushed or restarted: reload and redo exactly the checks that did not run.
                    script.load_async(c).await?;
                    let cmds: Vec<&::redis::Cmd> = pipe.cmd_iter().collect();
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
            })
        };
        let mut replies = replies.map(Vec::into_iter);
        for i in sent {
            let (key, cost) = batch[i];
            let decided = match replies.as_mut().and_then(Iterator::next) {
                Some(Ok(r)) => scale.decide(&r, cost).ok(),
                Some(Err(e)) => {
                    self.stats.last_error = Some(scrub(e.to_string(), self.password.as_deref()));
                    None
                }
                None => None,
            };
            out[i] = match decided {
                Some(d) => Ok(d),
                None => self.fallback(key, now, cost),
            };
        }
    }
}

/// Stands in for a batch entry until its reply is decoded.
const FAIL_CLOSED_PLACEHOLDER: Decision = Decision {
    allowed: false,
    remaining: 0.0,
    retry_after_ns: 0,
    full_after_ns: 0,
};

fn evalsha_cmd(script: &Script, key: &str, scale: &Scale, cost: Triple) -> ::redis::Cmd {
    let mut cmd = ::redis::cmd("EVALSHA");
    cmd.arg(script.get_hash()).arg(1).arg(key).arg("c");
    for value in numeric_args(scale, cost, None) {
        cmd.arg(value);
    }
    cmd
}

impl LimiterBackend for RedisLimiter {
    /// Checks on the Redis server's clock; `now` is used only by the local fallback.
    fn check(&mut self, key: &str, now: u64, cost: u32) -> Result<Decision, LimiterError> {
        self.inner().check(key, cost, now, None)
    }

    /// Reads the bucket in Redis (server clock). When Redis cannot answer: the local
    /// fallback's tokens under [`FailurePolicy::Local`], else the capacity (fail-open) or 0
    /// (fail-closed).
    fn tokens_at(&self, key: &str, now: u64) -> f64 {
        let mut inner = self.lock();
        inner.set_key(key);
        let scale = inner.scale;
        let redis_key = std::mem::take(&mut inner.key_buf);
        let reply = inner.guarded(async |c, script| {
            let mut inv = script.key(&redis_key);
            script_args(&mut inv, "p", &scale, scale.interval(0), None);
            inv.invoke_async::<Vec<i64>>(c).await
        });
        inner.key_buf = redis_key;
        match reply.and_then(|r| scale.peek(&r).ok()) {
            Some(t) => t,
            None => match inner.options.policy {
                FailurePolicy::FailOpen => f64::from(scale.config.capacity),
                FailurePolicy::FailClosed => 0.0,
                FailurePolicy::Local => inner.local.tokens_at(key, now),
            },
        }
    }

    /// Deletes the bucket's key (and resets the local fallback's bucket).
    fn reset(&mut self, key: &str) -> Result<(), LimiterError> {
        let inner = self.inner();
        inner.local.reset(key);
        inner.set_key(key);
        let redis_key = std::mem::take(&mut inner.key_buf);
        let done = inner.guarded(async |c, _| {
            ::redis::cmd("DEL")
                .arg(&redis_key)
                .query_async::<i64>(c)
                .await
        });
        inner.key_buf = redis_key;
        match done {
            Some(_) => Ok(()),
            None => Err(LimiterError::Backend(
                inner
                    .stats
                    .last_error
                    .clone()
                    .unwrap_or_else(|| "Redis unavailable (guard open)".to_string()),
            )),
        }
    }

    fn config(&self) -> BucketConfig {
        self.lock().scale.config
    }

    /// Installs `config` for this client's checks; buckets in Redis keep their time debt
    /// (see the module docs). Refuses invalid or out-of-range configurations.
    fn set_config(&mut self, config: BucketConfig, now: u64) -> Result<(), LimiterError> {
        let scale = Scale::new(config)?;
        let inner = self.inner();
        inner.scale = scale;
        inner.local.set_config(scale.config, now);
        Ok(())
    }

    /// E.g. `redis://127.0.0.1:6379/0` (a password shows as `***`).
    fn describe(&self) -> String {
        self.lock().description.clone()
    }

    /// One pipelined round trip for the whole batch (valid costs); each request that Redis
    /// could not decide is decided by the failure policy.
    fn check_many(
        &mut self,
        now: u64,
        batch: &[(&str, u32)],
        out: &mut Vec<Result<Decision, LimiterError>>,
    ) {
        self.inner().check_many(now, batch, out);
    }

    fn health(&self) -> BackendHealth {
        let inner = self.lock();
        let guard = inner.guard.state_at(inner.mono_now());
        BackendHealth {
            backend: inner.description.clone(),
            healthy: guard == GuardState::Closed && inner.guard.consecutive_failures() == 0,
            last_rtt_ns: inner.stats.last_rtt_ns,
            guard: Some(guard),
            policy: Some(inner.options.policy.to_string()),
            fallbacks: inner.stats.fallbacks,
            last_error: inner.stats.last_error.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords() {
        assert_eq!(
            redact_url("redis://user:s3cret@host:6379/2"),
            "redis://user:***@host:6379/2"
        );
        assert_eq!(redact_url("redis://:s3cret@host"), "redis://:***@host");
        assert_eq!(redact_url("redis://s3cret@host/0"), "redis://:***@host/0");
        assert_eq!(redact_url("redis://host:1/0"), "redis://host:1/0");
        assert_eq!(redact_url("not a url"), "not a url");
        assert_eq!(scrub("x s3cret y".into(), Some("s3cret")), "x *** y");
    }

    #[test]
    fn policies_parse_and_print() {
        for p in [
            FailurePolicy::FailOpen,
            FailurePolicy::FailClosed,
            FailurePolicy::Local,
        ] {
            assert_eq!(p.to_string().parse::<FailurePolicy>(), Ok(p));
        }
        assert!("maybe".parse::<FailurePolicy>().is_err());
    }

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

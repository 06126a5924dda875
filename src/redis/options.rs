//! [`RedisOptions`]: how the limiter talks to Redis, with named defaults.

use std::time::Duration;

use super::FailurePolicy;
use crate::patterns::Nanos;
use crate::patterns::breaker::BreakerConfig;

/// Default time budget of one decision (call, plus reconnect when needed).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(20);
/// Default time allowed to connect in [`RedisLimiter::connect`](super::RedisLimiter::connect).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// Default key prefix.
pub const DEFAULT_PREFIX: &str = "ringside:bucket:";
/// Default guard: 3 consecutive failures open it; one probe after 250 ms closes it.
pub const DEFAULT_GUARD: BreakerConfig = match BreakerConfig::builder()
    .failure_threshold(3)
    .recovery_timeout(Nanos::from_millis(250))
    .success_threshold(1)
    .half_open_max_probes(1)
    .history(32)
    .build()
{
    Ok(config) => config,
    Err(_) => panic!("the default guard is a valid configuration"),
};

/// Options of a [`RedisLimiter`](super::RedisLimiter).
///
/// ```
/// use ringside::redis::{FailurePolicy, RedisOptions};
///
/// let options = RedisOptions {
///     policy: FailurePolicy::FailClosed,
///     ..RedisOptions::default()
/// };
/// assert_eq!(options.prefix, "ringside:bucket:");
/// ```
#[derive(Debug, Clone)]
pub struct RedisOptions {
    /// Key prefix; the key of bucket `k` is `{prefix}{k}` with `k` in braces.
    pub prefix: String,
    /// Time budget of one decision, reconnect included.
    pub timeout: Duration,
    /// Time allowed for the first connection in
    /// [`RedisLimiter::connect`](super::RedisLimiter::connect).
    pub connect_timeout: Duration,
    /// What decides when Redis cannot.
    pub policy: FailurePolicy,
    /// The guard breaker around Redis calls.
    pub guard: BreakerConfig,
    /// Root certificates (PEM) a `rediss://` server's certificate must chain to, instead of
    /// the system's: a private CA. `None` trusts the system's roots.
    pub tls_root_ca: Option<Vec<u8>>,
}

impl Default for RedisOptions {
    fn default() -> Self {
        RedisOptions {
            prefix: DEFAULT_PREFIX.to_string(),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            policy: FailurePolicy::default(),
            guard: DEFAULT_GUARD,
            tls_root_ca: None,
        }
    }
}

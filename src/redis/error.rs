//! The Redis layer's errors. No message ever contains a password.

use std::time::Duration;

use thiserror::Error;

use crate::patterns::limiter::LimiterError;

/// Why a [`RedisLimiter`](super::RedisLimiter) could not be set up.
///
/// Each variant names the URL with its password redacted, so the message can be shown or
/// logged as it is:
///
/// ```
/// use ringside::patterns::limiter::BucketConfig;
/// use ringside::redis::{RedisLimiter, RedisOptions, RedisSetupError};
///
/// let config = BucketConfig::new(100, 10.0)?;
/// let url = "http://user:hunter2@cache:6379/0"; // not a redis:// URL
/// let err = RedisLimiter::connect(url, config, RedisOptions::default()).unwrap_err();
/// assert!(matches!(err, RedisSetupError::InvalidUrl { .. }), "{err}");
/// assert!(!err.to_string().contains("hunter2"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum RedisSetupError {
    /// The URL does not parse.
    #[error(
        "invalid Redis URL {url}: {reason} (expected redis[s]://[user:password@]host:port[/db], redis+cluster://host:port[,host:port…] or redis+sentinel://host:port[,host:port…]/master_name[/db])"
    )]
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
    /// The bucket configuration is out of the backend's range.
    #[error(transparent)]
    Config(#[from] RedisLimiterError),
    /// An unknown failure policy name.
    #[error("unknown Redis failure policy {0:?}: expected fail-open, fail-closed or local")]
    Policy(String),
    /// The runtime could not be created.
    #[error("cannot start the Redis client runtime: {0}")]
    Runtime(String),
}

/// Why the Redis limiter refused a configuration or could not act.
///
/// Checks never fail because Redis is down: the [`FailurePolicy`](super::FailurePolicy)
/// decides them. These errors come from configuration and from operations that have no
/// policy (such as [`reset`](crate::patterns::limiter::LimiterBackend::reset)).
///
/// A configuration the Lua script cannot compute exactly is refused before any connection
/// is made:
///
/// ```
/// use ringside::patterns::limiter::BucketConfig;
/// use ringside::redis::{RedisLimiter, RedisLimiterError, RedisOptions, RedisSetupError};
///
/// let too_fast = BucketConfig::new(10, 1e18)?; // fine in memory, above 2^53 tokens/s
/// match RedisLimiter::connect("redis://127.0.0.1:6379", too_fast, RedisOptions::default()) {
///     Err(RedisSetupError::Config(RedisLimiterError::RateTooHigh { rate })) => {
///         assert_eq!(rate, 1e18);
///     }
///     other => panic!("expected RateTooHigh, got {other:?}"),
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum RedisLimiterError {
    /// The bucket configuration or the request is invalid for any backend.
    #[error(transparent)]
    Limiter(#[from] LimiterError),
    /// The refill rate is beyond what the script computes exactly.
    #[error("refill rate {rate} tokens/s is too high for the Redis backend (limit 2^53/s)")]
    RateTooHigh {
        /// The refused rate, tokens per second.
        rate: f64,
    },
    /// The bucket takes too long to refill for the script's time representation.
    #[error(
        "capacity {capacity} at {rate} tokens/s takes too long to refill for the Redis backend \
         (limit 2^43 s)"
    )]
    RefillTooSlow {
        /// The bucket capacity.
        capacity: u32,
        /// The refill rate, tokens per second.
        rate: f64,
    },
    /// Redis did not answer (error, time-out, or the guard is open).
    #[error("Redis unavailable: {reason}")]
    Unavailable {
        /// The last error, password redacted.
        reason: String,
    },
    /// The script answered something it never sends.
    #[error("malformed reply from the limiter script: {reply:?}")]
    MalformedReply {
        /// The reply as received.
        reply: Vec<i64>,
    },
}

//! The connection to Redis: one client, one multiplexed connection re-opened on demand,
//! and a current-thread runtime that each synchronous call blocks on within a time limit.

use std::time::Duration;

use ::redis::aio::MultiplexedConnection;
use ::redis::{AsyncConnectionConfig, Client, ErrorKind, RedisError, Script, ServerErrorKind};

use super::RedisSetupError;
use super::redact::{describe_info, redact_url, scrub};

/// A client, its connection (when open) and the runtime to drive it.
pub(crate) struct Connection {
    rt: tokio::runtime::Runtime,
    client: Client,
    config: AsyncConnectionConfig,
    conn: Option<MultiplexedConnection>,
    /// The URL's password, scrubbed from every error message.
    password: Option<String>,
    /// E.g. `redis://:***@127.0.0.1:6379/0`.
    description: String,
    /// Connections opened successfully after the first one (each after a failure dropped
    /// the last).
    reconnects: u64,
}

/// Why a call gave no answer, password redacted.
pub(crate) type CallError = String;

impl Connection {
    /// Connects to `url` and loads `script`, within `timeout`. Errors name the URL
    /// (password redacted) and say what went wrong.
    pub fn open(url: &str, timeout: Duration, script: &Script) -> Result<Self, RedisSetupError> {
        let redacted = redact_url(url);
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
        let config = AsyncConnectionConfig::new()
            .set_connection_timeout(None)
            .set_response_timeout(None);
        let first = rt.block_on(within(timeout, async {
            let mut conn = client
                .get_multiplexed_async_connection_with_config(&config)
                .await?;
            script.load_async(&mut conn).await?;
            Ok::<_, RedisError>(conn)
        }));
        let conn = match first {
            Ok(Ok(conn)) => conn,
            Ok(Err(e)) => return Err(setup_error(&e, redacted, password.as_deref())),
            Err(_) => {
                return Err(RedisSetupError::Timeout {
                    url: redacted,
                    timeout,
                });
            }
        };
        Ok(Connection {
            rt,
            client,
            config,
            conn: Some(conn),
            password,
            description,
            reconnects: 0,
        })
    }

    /// The deployment behind the URL, as reports name it: `standalone` (the one place that
    /// says which topology this connection speaks to).
    pub fn topology(&self) -> &'static str {
        "standalone"
    }

    /// Connections opened successfully after the first one.
    pub fn reconnects(&self) -> u64 {
        self.reconnects
    }

    /// E.g. `redis://:***@127.0.0.1:6379/0`.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// `e`'s message without the password.
    pub fn redact(&self, e: &RedisError) -> String {
        scrub(e.to_string(), self.password.as_deref())
    }

    /// Runs `f` on the connection (opened first if needed) within `timeout`. A connection
    /// that failed (other than by a server error reply) or timed out is dropped, to be
    /// re-opened by the next call.
    pub fn call<T>(
        &mut self,
        timeout: Duration,
        f: impl AsyncFnOnce(&mut MultiplexedConnection) -> Result<T, RedisError>,
    ) -> Result<T, CallError> {
        let Connection {
            rt,
            client,
            config,
            conn,
            reconnects,
            ..
        } = self;
        let res = rt.block_on(within(timeout, async {
            let fresh = conn.is_none();
            let c = ensure_conn(conn, client, config).await?;
            if fresh {
                *reconnects += 1;
            }
            f(c).await
        }));
        match res {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => {
                // An error reply (a known code, or one redis-rs does not know, e.g. `OOM`)
                // leaves the connection usable.
                let reply = matches!(e.kind(), ErrorKind::Server(_) | ErrorKind::Extension);
                if !reply || e.is_unrecoverable_error() {
                    self.conn = None;
                }
                Err(self.redact(&e))
            }
            Err(_) => {
                self.conn = None;
                Err(format!("no answer within {timeout:?}"))
            }
        }
    }
}

/// The setup error for a failed first connection.
fn setup_error(e: &RedisError, url: String, password: Option<&str>) -> RedisSetupError {
    let reason = scrub(e.to_string(), password);
    let auth = matches!(
        e.kind(),
        ErrorKind::AuthenticationFailed | ErrorKind::Server(ServerErrorKind::NoPerm)
    ) || reason.contains("WRONGPASS")
        || reason.contains("NOAUTH");
    if auth {
        RedisSetupError::Auth { url, reason }
    } else {
        RedisSetupError::Unreachable { url, reason }
    }
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

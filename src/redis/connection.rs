//! The connection to Redis: one client of the URL's topology (standalone, Cluster or
//! Sentinel), one connection re-opened on demand (re-resolving the primary or the slots),
//! and a current-thread runtime that each synchronous call blocks on within a time limit.

use std::time::Duration;

use ::redis::cluster::ClusterClient;
use ::redis::sentinel::{SentinelClient, SentinelClientBuilder, SentinelServerType};
use ::redis::{
    AsyncConnectionConfig, Client, ErrorKind, RedisError, Script, ServerErrorKind, TlsCertificates,
};

use super::RedisSetupError;
use super::any_connection::AnyConnection;
use super::endpoint::{MultiHost, Topology, parse_multi_host, topology_of};
use super::redact::{describe_info, redact_url, scrub};
use super::slot_owners::SlotOwners;

/// The open connection the limiter's calls run on, whatever the topology.
pub(crate) type Conn = AnyConnection;

/// A Redis client of one topology: what opens (and re-opens) a connection.
enum Target {
    /// One server.
    Standalone(Client),
    /// A Cluster's seed nodes (slots discovered by the client).
    Cluster(Box<ClusterClient>),
    /// The sentinels, asked for the primary at each (re)connection.
    Sentinel(SentinelClient),
}

impl Target {
    /// The client for `url`, with the password to scrub from messages and the description.
    /// `root_ca` (PEM) is trusted instead of the system's roots, for `rediss://` only.
    fn new(url: &str, root_ca: Option<&[u8]>) -> Result<(Target, Option<String>, String), String> {
        let tls = url.trim_start().starts_with("rediss://");
        if root_ca.is_some() && !tls {
            return Err("a TLS root certificate applies to rediss:// URLs only".into());
        }
        if tls {
            install_crypto_provider();
        }
        if topology_of(url) == Topology::Standalone {
            let client = match root_ca {
                Some(pem) => Client::build_with_tls(url, tls_roots(pem)),
                None => Client::open(url),
            }
            .map_err(|e| e.to_string())?;
            let info = client.get_connection_info();
            let password = info.redis_settings().password().map(str::to_string);
            let description = describe_info(info);
            return Ok((Target::Standalone(client), password, description));
        }
        let m = parse_multi_host(url)?;
        let password = m.redis.password().map(str::to_string);
        let target = match m.topology {
            Topology::Cluster => {
                Target::Cluster(Box::new(cluster_client(&m).map_err(|e| e.to_string())?))
            }
            _ => Target::Sentinel(sentinel_client(&m).map_err(|e| e.to_string())?),
        };
        Ok((target, password, m.describe()))
    }

    fn topology(&self) -> Topology {
        match self {
            Target::Standalone(_) => Topology::Standalone,
            Target::Cluster(_) => Topology::Cluster,
            Target::Sentinel(_) => Topology::Sentinel,
        }
    }

    /// Opens a connection: to the server, to the Cluster (slots discovered afresh), or to
    /// the primary the sentinels name now.
    async fn connect(&mut self, config: &AsyncConnectionConfig) -> Result<Conn, RedisError> {
        Ok(match self {
            Target::Standalone(c) => AnyConnection::Single(
                c.get_multiplexed_async_connection_with_config(config)
                    .await?,
            ),
            Target::Cluster(c) => {
                AnyConnection::Cluster(c.get_async_connection().await?, SlotOwners::default())
            }
            Target::Sentinel(c) => {
                AnyConnection::Single(c.get_async_connection_with_config(config).await?)
            }
        })
    }
}

/// Makes rustls's `ring` provider the process default (the one rustls provider built in;
/// redis-rs's TLS configurations use the default). Installing it twice is harmless.
fn install_crypto_provider() {
    // Err only when a default is installed already, which is then the one used.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// `pem` as the only roots a server certificate must chain to, with no client certificate.
fn tls_roots(pem: &[u8]) -> TlsCertificates {
    TlsCertificates {
        client_tls: None,
        root_cert: Some(pem.to_vec()),
    }
}

/// A Cluster client on `m`'s seed nodes. The limiter's own time-out bounds each call, so the
/// client retries little (a dead primary's slots fail fast to the failure policy).
fn cluster_client(m: &MultiHost) -> Result<ClusterClient, RedisError> {
    let mut builder = ClusterClient::builder(m.node_urls()).retries(1);
    if let Some(u) = m.redis.username() {
        builder = builder.username(u);
    }
    if let Some(p) = m.redis.password() {
        builder = builder.password(p);
    }
    builder.build()
}

/// A Sentinel client for `m`'s primary: the credentials and database are the Redis
/// nodes' (the sentinels are reached without them).
fn sentinel_client(m: &MultiHost) -> Result<SentinelClient, RedisError> {
    let master = m.master.as_deref().unwrap_or_default();
    let mut builder = SentinelClientBuilder::new(m.addrs(), master, SentinelServerType::Master)?
        .set_client_to_redis_db(m.redis.db());
    if let Some(u) = m.redis.username() {
        builder = builder.set_client_to_redis_username(u);
    }
    if let Some(p) = m.redis.password() {
        builder = builder.set_client_to_redis_password(p);
    }
    builder.build()
}

/// A client, its connection (when open) and the runtime to drive it.
pub(crate) struct Connection {
    rt: tokio::runtime::Runtime,
    target: Target,
    config: AsyncConnectionConfig,
    conn: Option<Conn>,
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
    /// `root_ca` (PEM) is trusted instead of the system's roots (`rediss://` only).
    pub fn open(
        url: &str,
        timeout: Duration,
        script: &Script,
        root_ca: Option<&[u8]>,
    ) -> Result<Self, RedisSetupError> {
        let redacted = redact_url(url);
        let (mut target, password, description) =
            Target::new(url, root_ca).map_err(|reason| RedisSetupError::InvalidUrl {
                url: redacted.clone(),
                reason,
            })?;
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| RedisSetupError::Runtime(e.to_string()))?;
        let config = AsyncConnectionConfig::new()
            .set_connection_timeout(None)
            .set_response_timeout(None);
        let first = rt.block_on(within(timeout, async {
            let mut conn = target.connect(&config).await?;
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
            target,
            config,
            conn: Some(conn),
            password,
            description,
            reconnects: 0,
        })
    }

    /// The deployment behind the URL, as reports name it: `standalone`, `cluster` or
    /// `sentinel` (the one place that says which topology this connection speaks to).
    pub fn topology(&self) -> &'static str {
        self.target.topology().name()
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
    /// that failed (other than by a server error reply), timed out, or reached a server that
    /// is no longer the primary (`READONLY`, `MASTERDOWN`) is dropped, to be re-opened by
    /// the next call: re-resolving the primary through the sentinels, or the Cluster's slots.
    pub fn call<T>(
        &mut self,
        timeout: Duration,
        f: impl AsyncFnOnce(&mut Conn) -> Result<T, RedisError>,
    ) -> Result<T, CallError> {
        let Connection {
            rt,
            target,
            config,
            conn,
            reconnects,
            ..
        } = self;
        let res = rt.block_on(within(timeout, async {
            let fresh = conn.is_none();
            let c = ensure_conn(conn, target, config).await?;
            if fresh {
                *reconnects += 1;
            }
            f(c).await
        }));
        match res {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => {
                // An error reply (a known code, or one redis-rs does not know, e.g. `OOM`)
                // leaves the connection usable, unless it says the primary moved.
                let reply = matches!(e.kind(), ErrorKind::Server(_) | ErrorKind::Extension);
                if !reply || e.is_unrecoverable_error() || is_stale_primary(&e) {
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

/// Whether `e` says the server is no longer (or not yet) a writable primary.
fn is_stale_primary(e: &RedisError) -> bool {
    matches!(
        e.kind(),
        ErrorKind::Server(ServerErrorKind::ReadOnly | ServerErrorKind::MasterDown)
    )
}

async fn ensure_conn<'a>(
    conn: &'a mut Option<Conn>,
    target: &mut Target,
    config: &AsyncConnectionConfig,
) -> Result<&'a mut Conn, RedisError> {
    if conn.is_none() {
        *conn = Some(target.connect(config).await?);
    }
    Ok(conn.as_mut().expect("just connected"))
}

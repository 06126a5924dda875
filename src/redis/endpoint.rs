//! The URL forms of a Redis deployment and what each names: one server
//! (`redis://`, `rediss://`, `redis+unix://`, `unix://`), the seed nodes of a Cluster
//! (`redis+cluster://HOST:PORT[,HOST:PORT…]`) or the sentinels watching a primary
//! (`redis+sentinel://HOST:PORT[,HOST:PORT…]/MASTER_NAME[/DB]`).
//!
//! A host list is not one URL authority (the `url` crate, like the Redis client, parses
//! one `host:port`), so the multi-host forms are split here: the user info before the
//! last `@`, the hosts at `,`, the path at the first `/` after the hosts; then each host
//! is parsed on its own as a `redis://` URL by the `url` crate, and the user info goes
//! through the Redis client's own parser (percent-decoding included).

use ::redis::{ConnectionAddr, IntoConnectionInfo, RedisConnectionInfo};
use url::Url;

/// The deployment a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Topology {
    /// One server.
    Standalone,
    /// A Redis Cluster, reached through its seed nodes.
    Cluster,
    /// A primary found through Redis Sentinel.
    Sentinel,
}

impl Topology {
    /// The name reports use: `standalone`, `cluster` or `sentinel`.
    pub fn name(self) -> &'static str {
        match self {
            Topology::Standalone => "standalone",
            Topology::Cluster => "cluster",
            Topology::Sentinel => "sentinel",
        }
    }
}

/// Default port of a Redis node.
const REDIS_PORT: u16 = 6379;
/// Default port of a sentinel.
const SENTINEL_PORT: u16 = 26379;

/// A parsed multi-host URL (`redis+cluster://` or `redis+sentinel://`).
#[derive(Debug, Clone)]
pub(crate) struct MultiHost {
    /// Cluster or Sentinel.
    pub topology: Topology,
    /// The seed nodes (Cluster) or the sentinels, in the order given.
    pub hosts: Vec<(String, u16)>,
    /// Credentials and database of the Redis nodes (Sentinel: not of the sentinels).
    pub redis: RedisConnectionInfo,
    /// The primary's name (Sentinel only).
    pub master: Option<String>,
}

impl MultiHost {
    /// The hosts as the Redis client's addresses.
    pub fn addrs(&self) -> Vec<ConnectionAddr> {
        self.hosts
            .iter()
            .map(|(h, p)| ConnectionAddr::Tcp(h.clone(), *p))
            .collect()
    }

    /// The seed nodes as `redis://host:port` URLs.
    pub fn node_urls(&self) -> Vec<String> {
        self.hosts
            .iter()
            .map(|(h, p)| format!("redis://{}", host_port(h, *p)))
            .collect()
    }

    /// E.g. `redis+sentinel://:***@127.0.0.1:26379,127.0.0.1:26380/mymaster/0`: the
    /// description reports show (password masked).
    pub fn describe(&self) -> String {
        let scheme = match self.topology {
            Topology::Cluster => "redis+cluster",
            _ => "redis+sentinel",
        };
        let auth = match (self.redis.username(), self.redis.password()) {
            (Some(u), Some(_)) => format!("{u}:***@"),
            (None, Some(_)) => ":***@".to_string(),
            (Some(u), None) => format!("{u}@"),
            (None, None) => String::new(),
        };
        let hosts: Vec<String> = self.hosts.iter().map(|(h, p)| host_port(h, *p)).collect();
        let master = self
            .master
            .as_deref()
            .map(|m| format!("/{m}"))
            .unwrap_or_default();
        let db = match self.redis.db() {
            0 => String::new(),
            db => format!("/{db}"),
        };
        format!("{scheme}://{auth}{}{master}{db}", hosts.join(","))
    }
}

/// `host:port`, an IPv6 host in brackets.
fn host_port(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// The topology `raw` names, from its scheme.
pub(crate) fn topology_of(raw: &str) -> Topology {
    match raw.trim().split_once("://").map(|(s, _)| s) {
        Some("redis+cluster") => Topology::Cluster,
        Some("redis+sentinel") => Topology::Sentinel,
        _ => Topology::Standalone,
    }
}

/// Parses a `redis+cluster://` or `redis+sentinel://` URL. The error says what is wrong
/// and never repeats the user info (it may hold a password).
pub(crate) fn parse_multi_host(raw: &str) -> Result<MultiHost, String> {
    let raw = raw.trim();
    let topology = topology_of(raw);
    let default_port = match topology {
        Topology::Cluster => REDIS_PORT,
        Topology::Sentinel => SENTINEL_PORT,
        Topology::Standalone => return Err("not a multi-host URL".into()),
    };
    let rest = raw.split_once("://").map_or("", |(_, r)| r);
    let (userinfo, rest) = match rest.rsplit_once('@') {
        Some((u, r)) => (Some(u), r),
        None => (None, rest),
    };
    let (hosts_part, path) = rest.split_once('/').unwrap_or((rest, ""));
    if hosts_part.contains(['?', '#']) || path.contains(['?', '#']) {
        return Err("query parameters and fragments are not supported".to_string());
    }
    let hosts = hosts_part
        .split(',')
        .map(|h| parse_host(h, default_port))
        .collect::<Result<Vec<_>, _>>()?;
    let mut segments = path.split('/').filter(|s| !s.is_empty());
    let master = match topology {
        Topology::Sentinel => Some(
            segments
                .next()
                .ok_or_else(|| "no master name".to_string())?
                .to_string(),
        ),
        _ => None,
    };
    let db = match segments.next() {
        None => 0,
        Some(db) => db
            .parse::<i64>()
            .map_err(|_| format!("'{db}' is not a database number"))?,
    };
    if let Some(extra) = segments.next() {
        return Err(format!("unexpected path segment '{extra}'"));
    }
    if topology == Topology::Cluster && db != 0 {
        return Err("a Redis Cluster has only database 0".to_string());
    }
    let redis = redis_info(userinfo, db)?;
    Ok(MultiHost {
        topology,
        hosts,
        redis,
        master,
    })
}

/// One `HOST[:PORT]` of a host list, parsed by the `url` crate.
fn parse_host(text: &str, default_port: u16) -> Result<(String, u16), String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("an empty host in the host list".into());
    }
    let url = Url::parse(&format!("redis://{text}"))
        .map_err(|e| format!("invalid host '{text}': {e}"))?;
    let host = url
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| format!("invalid host '{text}'"))?;
    if !url.username().is_empty() || url.path().len() > 1 {
        return Err(format!("invalid host '{text}'"));
    }
    let host = host.trim_start_matches('[').trim_end_matches(']');
    Ok((host.to_string(), url.port().unwrap_or(default_port)))
}

/// The credentials in `userinfo` (percent-decoded by the Redis client's parser) and `db`.
/// The error never repeats the user info.
fn redis_info(userinfo: Option<&str>, db: i64) -> Result<RedisConnectionInfo, String> {
    let auth = userinfo.map(|u| format!("{u}@")).unwrap_or_default();
    let info = format!("redis://{auth}localhost/{db}")
        .into_connection_info()
        .map_err(|_| "invalid user name or password (percent-encode reserved characters)")?;
    Ok(info.redis_settings().clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cluster_seeds_are_split_and_default_ports_filled() {
        let m =
            parse_multi_host("redis+cluster://:pw@127.0.0.1:7000, 127.0.0.1:7001,node").unwrap();
        assert_eq!(m.topology, Topology::Cluster);
        assert_eq!(
            m.hosts,
            vec![
                ("127.0.0.1".into(), 7000),
                ("127.0.0.1".into(), 7001),
                ("node".into(), 6379)
            ]
        );
        assert_eq!(m.redis.password(), Some("pw"));
        assert_eq!(
            m.describe(),
            "redis+cluster://:***@127.0.0.1:7000,127.0.0.1:7001,node:6379"
        );
        assert_eq!(m.node_urls()[0], "redis://127.0.0.1:7000");
    }

    #[test]
    fn sentinel_names_its_master_and_database() {
        let m = parse_multi_host("redis+sentinel://u:p%40ss@[::1]:26379,h/mymaster/2").unwrap();
        assert_eq!(m.topology, Topology::Sentinel);
        assert_eq!(m.master.as_deref(), Some("mymaster"));
        assert_eq!(m.redis.db(), 2);
        assert_eq!(m.redis.username(), Some("u"));
        assert_eq!(m.redis.password(), Some("p@ss"));
        assert_eq!(m.hosts, vec![("::1".into(), 26379), ("h".into(), 26379)]);
        assert_eq!(
            m.describe(),
            "redis+sentinel://u:***@[::1]:26379,h:26379/mymaster/2"
        );
    }

    #[test]
    fn malformed_forms_are_clear_errors_without_the_password() {
        for (url, says) in [
            ("redis+sentinel://:hunter2@h:1", "no master name"),
            ("redis+cluster://:hunter2@h:1,,h:2", "empty host"),
            ("redis+cluster://:hunter2@h:99999", "invalid host"),
            ("redis+cluster://:hunter2@h:1/3", "only database 0"),
            ("redis+sentinel://:hunter2@h:1/m/x", "not a database number"),
            ("redis+sentinel://:hunter2@h:1/m/0/z", "unexpected path"),
            ("redis+cluster://:hunter2@h:1?x=1", "query"),
        ] {
            let e = parse_multi_host(url).unwrap_err();
            assert!(e.contains(says), "{url}: {e}");
            assert!(!e.contains("hunter2"), "{url}: {e}");
        }
    }

    #[test]
    fn multi_host_urls_are_redacted() {
        for url in [
            "redis+cluster://:hunter2@h:1,h:2",
            "redis+sentinel://u:hunter2@h:1,h:2/m/0",
            "redis+cluster://hunter2@h:1",
        ] {
            let out = crate::redis::redact_url(url);
            assert!(!out.contains("hunter2"), "{url} -> {out}");
        }
    }

    #[test]
    fn topologies_are_named_by_scheme() {
        assert_eq!(topology_of("redis://h"), Topology::Standalone);
        assert_eq!(topology_of("rediss://h"), Topology::Standalone);
        assert_eq!(topology_of(" redis+cluster://h"), Topology::Cluster);
        assert_eq!(topology_of("redis+sentinel://h/m").name(), "sentinel");
    }
}

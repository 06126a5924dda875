//! Several private Redis processes for topology tests and benches: a 6-node Cluster
//! ([`cluster`]), a Sentinel set ([`SentinelSet`]: a primary, its replica, three
//! sentinels). Free loopback ports below 55536 (a Cluster node also needs its port plus
//! 10000), a temp dir each, killed on drop, bounded waits. A missing `redis-server` is a
//! failure, never a skip: these tests exist to exercise real servers.

#![allow(dead_code)]

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::process::output_within;

/// Panics unless `redis-server` and `redis-cli` are on `PATH`.
pub fn require_redis() {
    for tool in ["redis-server", "redis-cli"] {
        assert!(
            which::which(tool).is_ok(),
            "this test needs `{tool}` (./scripts/test installs redis-server)"
        );
    }
}

/// A free loopback port below 55536 whose port + 10000 (a Cluster node's bus) is free too.
pub fn free_port() -> u16 {
    (0..1000)
        .map(|_| super::redis_server::free_port())
        .find(|&p| TcpListener::bind(("127.0.0.1", p + 10000)).is_ok())
        .expect("a free loopback port below 55536 with port + 10000 free")
}

/// A `simulate` run of the `hot-tenant` scenario for `secs` on `url` with the `local`
/// policy, JSON on stdout.
#[cfg(feature = "dashboard")]
pub fn simulate_hot_tenant(url: &str, secs: u32) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ringside"));
    cmd.args(["simulate", "--scenario", "hot-tenant", "--format", "json"])
        .args(["--duration", &format!("{secs}s")])
        .args(["--limiter", url, "--limiter-policy", "local"])
        .env_remove("RINGSIDE_LIMITER");
    cmd
}

/// One running `redis-server` (a node or a sentinel).
pub struct Node {
    child: Option<Child>,
    /// Its port.
    pub port: u16,
    dir: PathBuf,
}

impl Node {
    /// Starts `redis-server` on a free port with `args` (after the port, dir and no
    /// persistence), and waits (at most 10 s) until it answers PING.
    pub fn start(args: &[&str]) -> Node {
        Self::start_with(|_, _| args.iter().map(ToString::to_string).collect())
    }

    /// Starts `redis-server` with the arguments `args(port, dir)` returns (a first argument
    /// ending in `.conf` is the config file; with `--sentinel`, no persistence options).
    pub fn start_with(args: impl FnOnce(u16, &PathBuf) -> Vec<String>) -> Node {
        let port = free_port();
        let dir = std::env::temp_dir().join(format!("ringside-node-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let extra = args(port, &dir);
        let (conf, extra) = match extra.first() {
            Some(f) if f.ends_with(".conf") => (Some(f.clone()), extra[1..].to_vec()),
            _ => (None, extra),
        };
        let sentinel = extra.iter().any(|a| a == "--sentinel");
        let mut cmd = Command::new("redis-server");
        cmd.args(conf)
            .args(["--bind", "127.0.0.1", "--port"])
            .arg(port.to_string());
        if !sentinel {
            cmd.args(["--save", "", "--appendonly", "no"]);
        }
        cmd.arg("--dir")
            .arg(&dir)
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let node = Node {
            child: Some(cmd.spawn().expect("start redis-server")),
            port,
            dir,
        };
        wait_until(Duration::from_secs(10), &format!("PING on {port}"), || {
            node.cli(&["PING"]).contains("PONG")
        });
        node
    }

    /// The temp dir of this node.
    pub fn dir(&self) -> &PathBuf {
        &self.dir
    }

    /// `redis-cli -p PORT ARGS…` (at most 10 s): its stdout, trimmed.
    pub fn cli(&self, args: &[&str]) -> String {
        cli(self.port, args)
    }

    /// `127.0.0.1:PORT`.
    pub fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Kills the process (SIGKILL) and waits for it.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Whether the process still runs.
    pub fn alive(&self) -> bool {
        self.child.is_some()
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `redis-cli -p PORT ARGS…` (at most 10 s): its stdout, trimmed.
pub fn cli(port: u16, args: &[&str]) -> String {
    let out = output_within(
        Command::new("redis-cli")
            .args(["-h", "127.0.0.1", "-p", &port.to_string()])
            .args(args),
        Duration::from_secs(10),
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Polls `done` every 50 ms; panics naming `what` after `limit`.
pub fn wait_until(limit: Duration, what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < limit,
            "gave up after {limit:?} waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Asserts that Redis made (nearly) every decision of a report's `limiter`: at most 1% by
/// the fallback, which a 20 ms time-out on a loaded 2-core machine can cause.
pub fn assert_redis_decided(limiter: &serde_json::Value) {
    let redis = limiter["decisions_redis"]
        .as_u64()
        .expect("decisions_redis");
    let fallback = limiter["decisions_fallback"]
        .as_u64()
        .expect("decisions_fallback");
    assert!(redis > 0 && fallback * 100 <= redis + fallback, "{limiter}");
}

/// Six cluster nodes (3 primaries, 3 replicas) joined by `redis-cli --cluster create …
/// --cluster-replicas 1`, each `cluster_state:ok` (at most 30 s).
pub fn cluster() -> Vec<Node> {
    require_redis();
    let nodes: Vec<Node> = (0..6)
        .map(|_| {
            Node::start(&[
                "--cluster-enabled",
                "yes",
                "--cluster-node-timeout",
                "1000",
                "--cluster-config-file",
                "nodes.conf",
            ])
        })
        .collect();
    let addrs: Vec<String> = nodes.iter().map(Node::addr).collect();
    let mut args = vec!["--cluster", "create"];
    args.extend(addrs.iter().map(String::as_str));
    args.extend(["--cluster-replicas", "1", "--cluster-yes"]);
    nodes[0].cli(&args);
    for n in &nodes {
        wait_until(Duration::from_secs(30), "cluster_state:ok", || {
            n.cli(&["CLUSTER", "INFO"]).contains("cluster_state:ok")
        });
    }
    nodes
}

/// `redis+cluster://` on a Cluster's first two nodes as seeds.
pub fn cluster_url(nodes: &[Node]) -> String {
    format!("redis+cluster://{},{}", nodes[0].addr(), nodes[1].addr())
}

/// The primary's name in the sentinels' configuration.
pub const MASTER: &str = "ringside";

/// A Sentinel set: a primary, its replica (in sync) and three sentinels (quorum 2, down after
/// 1 s) that see each other.
pub struct SentinelSet {
    /// The primary at the start.
    pub primary: Node,
    /// Its replica.
    pub replica: Node,
    /// The sentinels.
    pub sentinels: Vec<Node>,
}

impl SentinelSet {
    /// Starts the set and waits (at most 20 s per step) until it is ready.
    pub fn start() -> SentinelSet {
        require_redis();
        let primary = Node::start(&[]);
        let replica_of = ["--replicaof", "127.0.0.1", &primary.port.to_string()].map(String::from);
        let replica = Node::start_with(|_, _| replica_of.to_vec());
        wait_until(Duration::from_secs(20), "the replica in sync", || {
            replica
                .cli(&["INFO", "replication"])
                .contains("master_link_status:up")
        });
        let sentinels: Vec<Node> = (0..3).map(|_| sentinel(primary.port)).collect();
        for s in &sentinels {
            wait_until(Duration::from_secs(20), "sentinels see each other", || {
                s.cli(&["SENTINEL", "master", MASTER])
                    .lines()
                    .collect::<Vec<_>>()
                    .windows(2)
                    .any(|w| w[0] == "num-other-sentinels" && w[1] == "2")
            });
        }
        SentinelSet {
            primary,
            replica,
            sentinels,
        }
    }

    /// `redis+sentinel://S1,S2,S3/ringside`.
    pub fn url(&self) -> String {
        let hosts: Vec<String> = self.sentinels.iter().map(Node::addr).collect();
        format!("redis+sentinel://{}/{MASTER}", hosts.join(","))
    }

    /// The primary's port as the first sentinel reports it.
    pub fn master_port(&self) -> String {
        self.sentinels[0]
            .cli(&["SENTINEL", "get-master-addr-by-name", MASTER])
            .lines()
            .nth(1)
            .unwrap_or("")
            .to_string()
    }
}

/// A sentinel watching the primary on `port`, with small timeouts so the failover is quick.
fn sentinel(port: u16) -> Node {
    Node::start_with(|_, dir| {
        let conf = dir.join("sentinel.conf");
        let text = format!(
            "sentinel monitor {MASTER} 127.0.0.1 {port} 2\n\
             sentinel down-after-milliseconds {MASTER} 1000\n\
             sentinel failover-timeout {MASTER} 3000\n\
             sentinel parallel-syncs {MASTER} 1\n"
        );
        std::fs::write(&conf, text).expect("sentinel.conf");
        vec![conf.display().to_string(), "--sentinel".to_string()]
    })
}

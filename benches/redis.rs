//! Redis limiter latency and throughput on each topology, side by side in one run: a private
//! standalone `redis-server`, a 6-node Cluster (3 primaries, 3 replicas) and a Sentinel set
//! (a primary, its replica, 3 sentinels), all on loopback (`tests/support/redis_nodes.rs`).
//!
//! Per topology:
//! * `PING` vs `check`: round-trip percentiles through the same connection and runtime, the
//!   `PING` sent to the server the check goes to (on a Cluster, the key's primary); target:
//!   check p50 ≤ 1.3× PING p50;
//! * the floor under that ratio, on a plain synchronous connection to the same servers:
//!   `PING`, a plain `SET … PX` of a 32-byte value, and a script doing only what any check on
//!   the server's clock must (`TIME`, `GET`, `SET … PX`, a 48-byte reply, no arithmetic), each
//!   interleaved over the same keys with ringside's check script sent as the limiter sends it,
//!   their p50 as a multiple of that connection's `PING`;
//! * pipelined `check_many` over [`TENANTS`] tenants (spread over the Cluster's slots):
//!   checks per second (targets: ≥ 50,000/s standalone, ≥ 100,000/s on the Cluster);
//! * `ringside simulate` on that URL (wall-clock time): requests per second, and how many
//!   the fallback decided.
//!
//! `cargo bench --bench redis` (release build). Without `redis-server` it fails in CI, and
//! elsewhere records a skip and exits. Under `cargo test` (no `--bench` argument) it runs a
//! few iterations only.

#[path = "../tests/support/mod.rs"]
mod support;

use std::process::Command;
use std::time::{Duration, Instant};

use ringside::patterns::Nanos;
use ringside::patterns::limiter::{BucketConfig, LimiterBackend};
use ringside::redis::{CHECK_SCRIPT, FailurePolicy, RedisLimiter, RedisOptions};
use support::redis_nodes::{SentinelSet, cluster, cluster_url};
use support::redis_server::RedisServer;

/// Distinct tenants of the pipelined batches (about 4,000 of the Cluster's 16,384 slots).
const TENANTS: usize = 4096;
/// Checks per `check_many` call (the limiter pipelines them in chunks).
const BATCH: usize = 1024;

/// Iteration counts: full under `cargo bench`, a few under `cargo test`.
struct Sizes {
    samples: usize,
    batch_rounds: usize,
    simulate: &'static str,
}

/// One topology's results.
struct Row {
    name: &'static str,
    ping: (Duration, Duration),
    check: (Duration, Duration),
    floor: Floor,
    checks_per_s: f64,
    target: f64,
    simulate: String,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

/// p50 and p99 of `samples`.
fn p50_p99(mut samples: Vec<Duration>) -> (Duration, Duration) {
    samples.sort_unstable();
    (percentile(&samples, 0.5), percentile(&samples, 0.99))
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// Latency and throughput of the limiter on `url`.
fn measure(name: &'static str, server: Server, target: f64, sizes: &Sizes) -> Row {
    let url = &server.url();
    let options = RedisOptions {
        policy: FailurePolicy::FailClosed,
        timeout: Duration::from_secs(1),
        ..RedisOptions::default()
    };
    // A bucket that never runs dry, so every check writes.
    let config = BucketConfig::new(1_000_000, 1e9).unwrap();
    let mut r = RedisLimiter::connect(url, config, options).expect("connect");
    let keys: Vec<String> = (0..TENANTS).map(|i| format!("tenant-{i}")).collect();
    for key in keys.iter().cycle().take(sizes.samples / 10) {
        r.ping(key);
        r.check(key, 1, Nanos::ZERO).unwrap();
    }
    // Interleave PING and check (same key, same server) so both see the same machine load.
    let mut ping = Vec::with_capacity(sizes.samples);
    let mut check = Vec::with_capacity(sizes.samples);
    for key in keys.iter().cycle().take(sizes.samples) {
        ping.push(r.ping(key).expect("PING"));
        let start = Instant::now();
        let d = r.check(key, 1, Nanos::ZERO).unwrap();
        check.push(start.elapsed());
        assert!(d.allowed);
    }

    let mut out = Vec::new();
    let mut offset = 0;
    let start = Instant::now();
    for _ in 0..sizes.batch_rounds {
        let batch: Vec<(&str, u32)> = (0..BATCH)
            .map(|i| (keys[(offset + i) % TENANTS].as_str(), 1))
            .collect();
        offset += BATCH;
        r.check_many(&batch, Nanos::ZERO, &mut out);
        assert!(out.iter().all(|d| d.as_ref().unwrap().allowed));
    }
    let checks_per_s = (BATCH * sizes.batch_rounds) as f64 / start.elapsed().as_secs_f64();
    assert_eq!(r.health().fallbacks, 0, "{:?}", r.health());
    Row {
        name,
        ping: p50_p99(ping),
        check: p50_p99(check),
        floor: floor(server, &keys, sizes.samples),
        checks_per_s,
        target,
        simulate: simulate(url, sizes.simulate),
    }
}

/// Where a topology's keys live, for the plain connection of [`floor`].
#[derive(Clone)]
enum Server {
    /// One server (standalone, or the primary Sentinel named): its `redis://` URL, and the
    /// URL the limiter is given.
    Single { node: String, limiter: String },
    /// A Cluster: its nodes' `redis://` URLs, and the limiter's `redis+cluster://` URL.
    Cluster { nodes: Vec<String>, limiter: String },
}

impl Server {
    fn url(&self) -> String {
        match self {
            Server::Single { limiter, .. } | Server::Cluster { limiter, .. } => limiter.clone(),
        }
    }
}

/// A plain synchronous connection to a topology's primaries (a Cluster's routed by key).
enum Plain {
    Single(redis::Connection),
    Cluster(Box<redis::cluster::ClusterConnection>),
}

impl Plain {
    /// A connection to `server`, with `scripts` loaded on each of its nodes first.
    fn open(server: &Server, scripts: &[&redis::Script]) -> Plain {
        let load = |node: &str| {
            let mut c = redis::Client::open(node)
                .and_then(|c| c.get_connection())
                .expect("plain connection");
            for s in scripts {
                s.prepare_invoke().load(&mut c).expect("SCRIPT LOAD");
            }
            c
        };
        match server {
            Server::Single { node, .. } => Plain::Single(load(node)),
            Server::Cluster { nodes, .. } => {
                nodes.iter().for_each(|n| drop(load(n)));
                Plain::Cluster(Box::new(
                    redis::cluster::ClusterClient::new(nodes.clone())
                        .and_then(|c| c.get_connection())
                        .expect("plain cluster connection"),
                ))
            }
        }
    }

    /// Round-trip time of `cmd`, sent to the primary of `key` (an error reply panics).
    fn time(&mut self, key: &str, cmd: &redis::Cmd) -> Duration {
        use redis::cluster_routing::{Route, RoutingInfo, SingleNodeRoutingInfo, SlotAddr};
        let start = Instant::now();
        let reply: redis::Value = match self {
            Plain::Single(c) => cmd.query(c),
            Plain::Cluster(c) => {
                let route = Route::with_key(key.as_bytes(), SlotAddr::Master);
                let to = RoutingInfo::SingleNode(SingleNodeRoutingInfo::SpecificNode(route));
                c.route_command(cmd, to)
            }
        }
        .expect("reply");
        let took = start.elapsed();
        assert!(!matches!(reply, redis::Value::ServerError(_)), "{reply:?}");
        took
    }
}

/// What any check on the server's clock does, and nothing else: read the clock, read the
/// bucket, write it back with a time to live, answer 48 bytes.
const FLOOR_SCRIPT: &str = "redis.call('TIME') redis.call('GET', KEYS[1]) \
    redis.call('SET', KEYS[1], ARGV[1], 'PX', 1) return ARGV[1] .. ARGV[2]";

/// p50 of a plain `SET`, of [`FLOOR_SCRIPT`] and of ringside's check script sent as the
/// limiter sends it, each divided by the p50 of `PING` to the same server, interleaved over
/// `keys` on a plain connection.
#[derive(Clone, Copy)]
struct Floor {
    set: f64,
    script: f64,
    check: f64,
}

/// The check script's packed numbers for the bench's bucket (capacity 1,000,000 at 10^9
/// tokens/s: N = 1 unit a nanosecond, a token 1 ns, τ = 1 ms), as the limiter packs them.
fn check_args() -> Vec<u8> {
    [1.0f64, 0.0, 1.0, 0.0, 0.0, 1e6, 0.0]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect()
}

fn floor(server: Server, keys: &[String], samples: usize) -> Floor {
    let script = redis::Script::new(FLOOR_SCRIPT);
    let check_script = redis::Script::new(CHECK_SCRIPT);
    let mut c = Plain::open(&server, &[&script, &check_script]);
    let args = check_args();
    let value = [7u8; 32];
    let (mut ping, mut set, mut lua, mut check) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (i, key) in keys.iter().cycle().take(samples + samples / 10).enumerate() {
        let k = format!("floor:{{{key}}}");
        let p = c.time(&k, &redis::cmd("PING"));
        let mut plain = redis::cmd("SET");
        plain.arg(&k).arg(&value[..]).arg("PX").arg(1);
        let s = c.time(&k, &plain);
        let mut call = redis::cmd("EVALSHA");
        call.arg(script.get_hash())
            .arg(1)
            .arg(&k)
            .arg(&value[..])
            .arg(&value[..16]);
        let l = c.time(&k, &call);
        let mut ours = redis::cmd("EVALSHA");
        ours.arg(check_script.get_hash())
            .arg(1)
            .arg(&k)
            .arg("c")
            .arg(&args[..]);
        let o = c.time(&k, &ours);
        if i >= samples / 10 {
            ping.push(p);
            set.push(s);
            lua.push(l);
            check.push(o);
        }
    }
    let p50 = |v: Vec<Duration>| p50_p99(v).0.as_secs_f64();
    let ping = p50(ping);
    Floor {
        set: p50(set) / ping,
        script: p50(lua) / ping,
        check: p50(check) / ping,
    }
}

/// `ringside simulate` of the default scenario offered 20,000 requests/s on `url` for
/// `duration` (wall-clock time): requests per second and decisions by the fallback.
fn simulate(url: &str, duration: &str) -> String {
    let out = support::process::output(
        Command::new(env!("CARGO_BIN_EXE_ringside"))
            .args(["simulate", "--format", "json", "--rate", "20000"])
            .args(["--duration", duration, "--limiter", url])
            .env_remove("RINGSIDE_LIMITER"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let requests = report["totals"]["requests"].as_f64().expect("requests");
    let elapsed = report["wall"]["elapsed_s"].as_f64().expect("elapsed");
    let l = &report["limiter"];
    format!(
        "{:>7.0} req/s (fallback {} of {})",
        requests / elapsed,
        l["decisions_fallback"],
        l["decisions_redis"].as_u64().unwrap_or(0) + l["decisions_fallback"].as_u64().unwrap_or(0)
    )
}

fn print(rows: &[Row]) {
    println!(
        "{:<11} {:>17} {:>17} {:>13} {:>22} {:>22}  simulate",
        "topology",
        "PING p50/p99 µs",
        "check p50/p99 µs",
        "check/PING",
        "plain SET/floor/check",
        "check_many checks/s"
    );
    for r in rows {
        let ratio = r.check.0.as_secs_f64() / r.ping.0.as_secs_f64();
        println!(
            "{:<11} {:>8.1} /{:>7.1} {:>8.1} /{:>7.1} {:>6.2}x {:<5} {:>5.2}x /{:>5.2}x /{:>5.2}x {:>9.0} (≥{:>4.0}k {:<3})  {}",
            r.name,
            us(r.ping.0),
            us(r.ping.1),
            us(r.check.0),
            us(r.check.1),
            ratio,
            if ratio <= 1.3 { "met" } else { "MISS" },
            r.floor.set,
            r.floor.script,
            r.floor.check,
            r.checks_per_s,
            r.target / 1e3,
            if r.checks_per_s >= r.target {
                "met"
            } else {
                "MISS"
            },
            r.simulate
        );
    }
}

fn main() {
    // Not a test: nothing for the summary's skip count, but CI still fails without Redis.
    let ci = std::env::var("CI").ok();
    if !support::tools::require_tool_in("redis-server", ci.as_deref(), None, "bench redis") {
        return;
    }
    let full = std::env::args().any(|a| a == "--bench");
    let sizes = if full {
        Sizes {
            samples: 20_000,
            batch_rounds: 200,
            simulate: "5s",
        }
    } else {
        Sizes {
            samples: 200,
            batch_rounds: 2,
            simulate: "1s",
        }
    };
    let standalone = RedisServer::start().expect("redis-server");
    let nodes = cluster();
    let sentinel = SentinelSet::start();
    let single = |node: String, limiter: String| Server::Single { node, limiter };
    let rows = [
        measure(
            "standalone",
            single(standalone.url(), standalone.url()),
            50_000.0,
            &sizes,
        ),
        measure(
            "cluster",
            Server::Cluster {
                nodes: nodes
                    .iter()
                    .map(|n| format!("redis://{}", n.addr()))
                    .collect(),
                limiter: cluster_url(&nodes),
            },
            100_000.0,
            &sizes,
        ),
        measure(
            "sentinel",
            single(
                format!("redis://{}", sentinel.primary.addr()),
                sentinel.url(),
            ),
            50_000.0,
            &sizes,
        ),
    ];
    print(&rows);
}

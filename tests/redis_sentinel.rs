//! A real Sentinel set (1 primary, 1 replica, 3 sentinels, started by the test on free
//! loopback ports below 55536): a run follows the replica promoted after its primary is
//! killed, and a run started after the failover writes its buckets to the new primary.

mod support;

use std::process::{Child, Stdio};
use std::time::Duration;

use support::process::output;
use support::redis_nodes::{
    Node, assert_redis_decided, require_redis, simulate_hot_tenant as simulate, wait_until,
};

/// The `hot-tenant` scenario's hot tenant's bucket key.
const KEY: &str = "ringside:bucket:{acme}";
/// The primary's name in the sentinels' configuration.
const MASTER: &str = "ringside";

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

/// The primary's address as the first sentinel reports it.
fn master_port(s: &Node) -> String {
    s.cli(&["SENTINEL", "get-master-addr-by-name", MASTER])
        .lines()
        .nth(1)
        .unwrap_or("")
        .to_string()
}

/// Waits (at most 60 s) for `child` to exit; its JSON report (exit 0 asserted).
fn finish(mut child: Child) -> serde_json::Value {
    use wait_timeout::ChildExt;
    let Some(status) = child.wait_timeout(Duration::from_secs(60)).expect("wait") else {
        let _ = child.kill();
        let _ = child.wait();
        panic!("simulate did not finish within 60 s");
    };
    let stdout = std::io::read_to_string(child.stdout.take().unwrap()).unwrap();
    assert!(status.success(), "simulate: {status}");
    serde_json::from_str(&stdout).expect("JSON report")
}

#[test]
fn a_run_follows_the_promoted_replica_and_later_runs_write_to_it() {
    require_redis();
    let mut primary = Node::start(&[]);
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
    let hosts: Vec<String> = sentinels.iter().map(Node::addr).collect();
    let url = format!("redis+sentinel://{}/{MASTER}", hosts.join(","));

    let child = simulate(&url, 12)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("simulate");
    wait_until(
        Duration::from_secs(10),
        "acme's bucket on the primary",
        || primary.cli(&["EXISTS", KEY]) == "1",
    );
    std::thread::sleep(Duration::from_secs(1));
    primary.kill();
    let new = replica.port.to_string();
    wait_until(Duration::from_secs(30), "the replica promoted", || {
        master_port(&sentinels[0]) == new && replica.cli(&["ROLE"]).starts_with("master")
    });
    // The replicated copy's TTL is under a second: a key seen after this was written by
    // the run through the promoted replica.
    std::thread::sleep(Duration::from_millis(1500));
    wait_until(
        Duration::from_secs(5),
        "acme's bucket on the new primary",
        || replica.cli(&["EXISTS", KEY]) == "1",
    );
    let r = finish(child);
    let l = &r["limiter"];
    eprintln!("failover run: {l}");
    assert_eq!(l["topology"], "sentinel", "{l}");
    assert_eq!(l["health"], true, "{l}");
    assert!(l["reconnects"].as_u64().unwrap() >= 1, "{l}");

    // A run started after the failover finds the new primary through the sentinels.
    std::thread::sleep(Duration::from_secs(1));
    let writes = |n: &Node| -> u64 {
        n.cli(&["INFO", "commandstats"])
            .lines()
            .find(|l| l.starts_with("cmdstat_evalsha:"))
            .and_then(|l| l.split_once("calls=")?.1.split(',').next()?.parse().ok())
            .unwrap_or(0)
    };
    let before = writes(&replica);
    let out = output(&mut simulate(&url, 2));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let l = &r["limiter"];
    assert_redis_decided(l);
    let after = writes(&replica);
    assert!(
        after > before,
        "the new primary ran no check script ({before} -> {after})"
    );
}

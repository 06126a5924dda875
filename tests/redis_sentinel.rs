//! A real Sentinel set (1 primary, 1 replica, 3 sentinels, started by the test on free
//! loopback ports below 55536): a run follows the replica promoted after its primary is
//! killed, and a run started after the failover writes its buckets to the new primary.

mod support;

use std::process::{Child, Stdio};
use std::time::Duration;

use support::process::output;
use support::redis_nodes::{
    Node, SentinelSet, assert_redis_decided, simulate_hot_tenant as simulate, wait_until,
};

/// The `hot-tenant` scenario's hot tenant's bucket key.
const KEY: &str = "ringside:bucket:{acme}";
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
    let mut set = SentinelSet::start();
    let url = set.url();
    let child = simulate(&url, 12)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("simulate");
    wait_until(
        Duration::from_secs(10),
        "acme's bucket on the primary",
        || set.primary.cli(&["EXISTS", KEY]) == "1",
    );
    std::thread::sleep(Duration::from_secs(1));
    set.primary.kill();
    let new = set.replica.port.to_string();
    wait_until(Duration::from_secs(30), "the replica promoted", || {
        set.master_port() == new && set.replica.cli(&["ROLE"]).starts_with("master")
    });
    // The replicated copy's TTL is under a second: a key seen after this was written by
    // the run through the promoted replica.
    std::thread::sleep(Duration::from_millis(1500));
    wait_until(
        Duration::from_secs(5),
        "acme's bucket on the new primary",
        || set.replica.cli(&["EXISTS", KEY]) == "1",
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
    let before = writes(&set.replica);
    let out = output(&mut simulate(&url, 2));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let l = &r["limiter"];
    assert_redis_decided(l);
    let after = writes(&set.replica);
    assert!(
        after > before,
        "the new primary ran no check script ({before} -> {after})"
    );
}

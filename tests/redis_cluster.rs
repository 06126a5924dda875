//! A real 6-node Redis Cluster (3 primaries, 3 replicas, started by the test on free
//! loopback ports below 55536): two `ringside simulate` processes share one hot tenant's
//! quota as one process does, and a run survives the kill of the primary holding that
//! tenant's bucket: the replica takes over and Redis decides again before the run ends; the
//! requests that run admits beyond a run without a failover are printed (README figure).

mod support;

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use support::process::output;
use support::redis_nodes::{
    Node, assert_redis_decided, cluster, cluster_url as url, simulate_hot_tenant as simulate,
    wait_until,
};

/// The `hot-tenant` scenario's hot tenant and its bucket's key.
const KEY: &str = "ringside:bucket:{acme}";

/// Runs `cmd` to the end; its JSON report (exit 0 asserted).
fn report(mut cmd: Command) -> serde_json::Value {
    let out = output(&mut cmd);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON report")
}

/// `acme`'s admitted requests in a report.
fn acme(report: &serde_json::Value) -> f64 {
    let tenants = report["tenants"].as_array().expect("tenants");
    let acme = tenants.iter().find(|t| t["name"] == "acme").expect("acme");
    acme["allowed"].as_f64().expect("allowed")
}

/// `KEY`'s slot (asked of `any`).
fn slot(any: &Node) -> u16 {
    any.cli(&["CLUSTER", "KEYSLOT", KEY]).parse().expect("slot")
}

/// The live node serving `slot` as a primary, by its own account.
fn owner(nodes: &[Node], slot: u16) -> Option<usize> {
    nodes.iter().position(|n| n.alive() && owns(n, slot))
}

/// Whether `n` serves `slot` as a primary (its `CLUSTER NODES` line for itself).
fn owns(n: &Node, slot: u16) -> bool {
    let nodes = n.cli(&["CLUSTER", "NODES"]);
    let me = nodes
        .lines()
        .find(|l| l.contains("myself"))
        .expect("myself");
    me.contains("master")
        && me.split_whitespace().skip(8).any(|range| {
            let (a, b) = range.split_once('-').unwrap_or((range, range));
            match (a.parse::<u16>(), b.parse::<u16>()) {
                (Ok(a), Ok(b)) => (a..=b).contains(&slot),
                _ => false,
            }
        })
}

#[test]
fn two_processes_share_a_quota_and_a_primary_failover_is_survived() {
    let mut nodes = cluster();
    let url = url(&nodes);

    let single = report(simulate(&url, 3));
    assert_eq!(
        single["limiter"]["topology"], "cluster",
        "{}",
        single["limiter"]
    );
    assert_eq!(
        single["limiter"]["decisions_fallback"], 0,
        "{}",
        single["limiter"]
    );
    let one = acme(&single);

    // Let the bucket refill (and its key expire) before the shared runs.
    std::thread::sleep(Duration::from_secs(1));
    let runs =
        [simulate(&url, 3), simulate(&url, 3)].map(|cmd| std::thread::spawn(move || report(cmd)));
    let both: f64 = runs
        .map(|h| h.join().expect("run"))
        .iter()
        .inspect(|r| assert_redis_decided(&r["limiter"]))
        .map(acme)
        .sum();
    eprintln!("acme admitted: one process {one}, two processes {both}");
    assert!(
        (both - one).abs() <= 0.15 * one,
        "two processes admitted {both}, one admitted {one}"
    );

    // The same 12 s run without a failover: what acme's quota admits.
    std::thread::sleep(Duration::from_secs(1));
    let baseline = acme(&report(simulate(&url, 12)));

    // A long run; the primary holding acme's bucket is killed two seconds in.
    std::thread::sleep(Duration::from_secs(1));
    let mut cmd = simulate(&url, 12);
    let mut child: Child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("simulate");
    let slot = slot(&nodes[0]);
    let old = owner(&nodes, slot).expect("a primary for acme's slot");
    std::thread::sleep(Duration::from_secs(2));
    nodes[old].kill();
    let mut new = old;
    wait_until(Duration::from_secs(20), "a replica promoted", || {
        owner(&nodes, slot).inspect(|&i| new = i).is_some()
    });
    assert_ne!(new, old);
    // Redis decides acme's checks again: its bucket is written on the promoted replica
    // (after the replicated copy, whose TTL is under a second, has expired).
    std::thread::sleep(Duration::from_millis(1500));
    wait_until(
        Duration::from_secs(5),
        "acme's bucket on the new primary",
        || nodes[new].cli(&["EXISTS", KEY]) == "1",
    );
    let status = wait_child(&mut child);
    let stdout = std::io::read_to_string(child.stdout.take().unwrap()).unwrap();
    assert!(status.success(), "simulate after the failover: {status}");
    let r: serde_json::Value = serde_json::from_str(&stdout).expect("JSON report");
    let l = &r["limiter"];
    eprintln!("failover run: {l}");
    assert_eq!(l["health"], true, "{l}");
    assert!(l["decisions_redis"].as_u64().unwrap() > 0, "{l}");
    // Over-admission caused by the failover: the `local` fallback's own buckets during the
    // gap, plus what the promoted replica's copy had not yet replicated (rolled back).
    let extra = acme(&r) - baseline;
    eprintln!(
        "acme admitted: {baseline} without a failover, {} with one: {extra:+} ({:+.1}%)",
        acme(&r),
        100.0 * extra / baseline
    );
    assert!(
        extra <= 0.25 * baseline,
        "a failover admitted {extra} more than the quota's {baseline}"
    );
}

/// Waits (at most 60 s) for `child` to exit; kills it and panics past that.
fn wait_child(child: &mut Child) -> std::process::ExitStatus {
    use wait_timeout::ChildExt;
    match child.wait_timeout(Duration::from_secs(60)).expect("wait") {
        Some(s) => s,
        None => {
            let _ = child.kill();
            let _ = child.wait();
            panic!("simulate did not finish within 60 s");
        }
    }
}

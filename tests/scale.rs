//! Scale: 20,000 servers × 150 vnodes load, route and change membership through the real
//! binary. Wall time is not asserted (the machine may be loaded); the figures measured
//! are in the README.

mod support;

use std::path::PathBuf;
use std::process::Command;

use support::process::output;

/// A scenario file with `servers` servers named `s0`, `s1`, … and `extra` appended (events).
fn big_scenario(tag: &str, servers: usize, extra: &str) -> PathBuf {
    let mut text = format!(
        "name = \"big-{tag}\"\nseed = 1\nduration = \"10s\"\nvnodes = 150\n\
         [traffic]\nrate = 1000.0\ntenants = 10\nkeys = 10000\n"
    );
    for i in 0..servers {
        text.push_str(&format!("[[servers]]\nname = \"s{i}\"\n"));
    }
    text.push_str(extra);
    let path = std::env::temp_dir().join(format!("ringside-{tag}-{}.toml", std::process::id()));
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn twenty_thousand_servers_simulate_ten_seconds_and_change_membership() {
    let events = "[[events]]\nat = \"2s\"\naction = \"add_server\"\nserver = \"newcomer\"\n\
                  [[events]]\nat = \"4s\"\naction = \"remove_server\"\nserver = \"s7\"\n";
    let path = big_scenario("scale-sim", 20_000, events);
    let out = output(Command::new(env!("CARGO_BIN_EXE_ringside")).args([
        "simulate",
        "--format",
        "json",
        "--duration",
        "10s",
        "--scenario",
        path.to_str().unwrap(),
    ]));
    let _ = std::fs::remove_file(&path);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // The 20,000, the newcomer and the retired s7.
    assert_eq!(report["servers"].as_array().unwrap().len(), 20_001);
    assert!(report["totals"]["requests"].as_u64().unwrap() > 5_000);
    let changes = report["membership_changes"].as_array().unwrap();
    assert_eq!(changes.len(), 2);
    for change in changes {
        // About 1/20,000 of the 10,000 keys move: a handful at most.
        let moved = change["moved_fraction"].as_f64().unwrap();
        assert!(moved < 0.002, "{change}");
    }
}

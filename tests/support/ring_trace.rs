//! The headless key trace as an oracle: `ringside ring --servers … --vnodes V --replicas N
//! --trace KEY`, parsed.

#![allow(dead_code)]

use std::process::Command;

use super::process::output;

/// What `ringside ring --trace` says of a key: its position (32 hex digits) and owners.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trace {
    /// The key's MD5 position, 32 hex digits.
    pub position: String,
    /// Its owners in order (the owner, then the replicas).
    pub owners: Vec<String>,
}

/// Run `ringside ring --servers SERVERS --vnodes VNODES --replicas REPLICAS --trace KEY`.
pub fn headless_trace(servers: &[&str], vnodes: u32, replicas: usize, key: &str) -> Trace {
    let out = output(Command::new(env!("CARGO_BIN_EXE_ringside")).args([
        "ring",
        "--servers",
        &servers.join(","),
        "--vnodes",
        &vnodes.to_string(),
        "--replicas",
        &replicas.to_string(),
        "--trace",
        key,
    ]));
    assert!(out.status.success(), "ringside ring --trace failed");
    let text = String::from_utf8(out.stdout).expect("UTF-8 names");
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}\t")))
            .unwrap_or_else(|| panic!("no {name} line in {text}"))
            .to_string()
    };
    Trace {
        position: field("position"),
        owners: field("owners").split('\t').map(String::from).collect(),
    }
}

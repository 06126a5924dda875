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

/// The trace's text on screen: in the ring panel (the first panel of the top row), the
/// rows from the one holding `key "…"` (or `"…"` in the short form) on, from that column
/// (the text sits beside the circle or under it), joined.
pub fn trace_text(screen: &str) -> String {
    let mut out = String::new();
    let mut column: Option<usize> = None;
    for line in screen.lines() {
        if line.starts_with('╰') {
            break;
        }
        let ring: Vec<char> = line.split('│').nth(1).unwrap_or("").chars().collect();
        let row: String = ring.iter().collect();
        if column.is_none() {
            let start = row.find("key \"").or_else(|| row.find('"'));
            column = start.map(|byte| row[..byte].chars().count());
        }
        let Some(col) = column else {
            continue;
        };
        let text: String = ring.iter().skip(col).collect();
        let text = text.trim();
        if text.is_empty() {
            break;
        }
        out.push_str(text);
        out.push(' ');
    }
    out.trim().to_string()
}

/// Owners named by the trace text: `owner A · replicas B, C`.
pub fn owners_on_screen(text: &str) -> Vec<String> {
    let after = text.split(" · owner ").nth(1).expect("owner shown");
    let mut parts = after.split(" · ");
    let mut owners = vec![parts.next().unwrap().trim().to_string()];
    if let Some(r) = parts.next().and_then(|p| p.strip_prefix("replicas ")) {
        owners.extend(r.split(", ").map(|s| s.trim().to_string()));
    }
    owners
}

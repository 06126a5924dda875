//! `simulate` at scale: the release binary run on generated scenarios of 10 / 1,000 /
//! 100,000 tenants, 10,000 / 1,000,000 keys and 10 / 1,000 / 20,000 servers (one dimension
//! at a time from the smallest, then all three at their largest), each for the same
//! simulated traffic (200,000 requests a second for 10 s, the limiter open so every
//! request takes the whole path). Prints, per run, `simulate`'s own wall figures (setup,
//! run, requests per second over the whole run and over the run alone, and the latter as
//! a ratio of the smallest configuration's) and the process's peak resident memory
//! (`VmHWM` of `/proc/PID/status`, read every 5 ms while it runs; Linux only).
//!
//! `cargo bench --bench simulate_scale`

use std::io::Read as _;
use std::process::{Command, Stdio};
use std::time::Duration;

/// Simulated requests per second.
const RATE: u32 = 200_000;
/// Simulated seconds.
const SECONDS: u32 = 10;

/// One configuration: tenants, keys, servers.
type Config = (u32, u32, u32);

const CONFIGS: [Config; 7] = [
    (10, 10_000, 10),
    (1_000, 10_000, 10),
    (100_000, 10_000, 10),
    (10, 1_000_000, 10),
    (10, 10_000, 1_000),
    (10, 10_000, 20_000),
    (100_000, 1_000_000, 20_000),
];

/// The scenario file of `config`.
fn scenario((tenants, keys, servers): Config) -> String {
    let mut text = format!(
        "name = \"scale\"\nseed = 1\nduration = \"{SECONDS}s\"\nvnodes = 150\n\
         [traffic]\nrate = {RATE}.0\ntenants = {tenants}\nkeys = {keys}\n\
         [limiter]\ncapacity = 1000000\nrefill_per_sec = 10000000.0\n"
    );
    for i in 0..servers {
        text.push_str(&format!("[[servers]]\nname = \"s{i}\"\n"));
    }
    text
}

/// The peak resident memory of process `pid` so far, in kB (`None` once it has exited).
fn peak_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// `simulate`'s JSON report of `config` and the process's peak memory in kB.
fn run(config: Config) -> (serde_json::Value, u64) {
    let path = std::env::temp_dir().join(format!("ringside-scale-{}.toml", std::process::id()));
    std::fs::write(&path, scenario(config)).expect("scenario file");
    let mut child = Command::new(env!("CARGO_BIN_EXE_ringside"))
        .args(["simulate", "--format", "json", "--scenario"])
        .arg(&path)
        .stdout(Stdio::piped())
        .spawn()
        .expect("ringside simulate");
    let mut stdout = child.stdout.take().expect("piped");
    // Read the report on another thread so a full pipe never stalls the child.
    let reader = std::thread::spawn(move || {
        let mut out = String::new();
        stdout.read_to_string(&mut out).map(|_| out)
    });
    let mut peak = 0;
    // Bounded: 10 minutes at most (a run takes seconds).
    for _ in 0..120_000 {
        if let Some(kb) = peak_kb(child.id()) {
            peak = peak.max(kb);
        }
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let status = child.wait().expect("wait");
    let _ = std::fs::remove_file(&path);
    assert!(status.success(), "simulate failed on {config:?}");
    let out = reader.join().expect("reader").expect("report");
    (serde_json::from_str(&out).expect("JSON report"), peak)
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        // `cargo bench -- --list` (criterion's convention): nothing to list.
        return;
    }
    println!(
        "| tenants | keys | servers | setup s | run s | req/s (whole run) | req/s (run) | run vs first | peak RSS MB |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    let mut base = None;
    for config in CONFIGS {
        let (report, peak) = run(config);
        let wall = &report["wall"];
        let requests = report["totals"]["requests"].as_f64().unwrap_or(0.0);
        let (setup, run_s) = (
            wall["setup_s"].as_f64().unwrap_or(0.0),
            wall["run_s"].as_f64().unwrap_or(0.0),
        );
        let whole = wall["requests_per_sec"].as_f64().unwrap_or(0.0);
        let run_rate = requests / run_s.max(1e-9);
        let first = *base.get_or_insert(run_rate);
        let (tenants, keys, servers) = config;
        println!(
            "| {tenants} | {keys} | {servers} | {setup:.3} | {run_s:.3} | {whole:.0} | {run_rate:.0} | {:.2}× | {:.1} |",
            run_rate / first,
            peak as f64 / 1024.0
        );
    }
}

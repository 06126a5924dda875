//! The dashboard in a detached tmux session: start a session, send keys, capture the pane,
//! poll with a timeout (never a timing assertion), and read the terminal's modes.
//! Tests that use it call `tools::require_tool("tmux")` first.

#![allow(dead_code)]

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use super::process::output_within;

/// How long to wait for a screen or a file: generous, since the machine may be loaded;
/// reached only when the dashboard is stuck.
pub const TIMEOUT: Duration = Duration::from_secs(60);

/// One tmux command (bounded: a tmux client never takes this long).
pub fn tmux(args: &[&str]) -> String {
    let out = output_within(Command::new("tmux").args(args), Duration::from_secs(30));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A detached tmux session running `script`, killed when dropped (also when a check fails).
pub struct Session(pub String);

impl Session {
    /// Start session `name` of `size` (columns, rows) running `script`.
    pub fn start(name: String, size: (u16, u16), script: &str) -> Session {
        let (w, h) = (size.0.to_string(), size.1.to_string());
        let start = || {
            output_within(
                Command::new("tmux")
                    .args(["new-session", "-d", "-x", &w, "-y", &h, "-s", &name])
                    .arg(script),
                Duration::from_secs(30),
            )
        };
        let mut out = start();
        // Tests share one tmux server: when another test closes the last session, the server
        // exits, and a session started at that instant fails with "server exited
        // unexpectedly". Start again (a bounded number of times) on a fresh server.
        for _ in 0..3 {
            let lost_server = String::from_utf8_lossy(&out.stderr).contains("server exited");
            if out.status.success() || !lost_server {
                break;
            }
            std::thread::sleep(Duration::from_millis(200));
            out = start();
        }
        assert!(
            out.status.success(),
            "tmux new-session: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Session(name)
    }

    /// The session's name (its tmux target).
    pub fn name(&self) -> &str {
        &self.0
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        tmux(&["kill-session", "-t", &self.0]);
    }
}

/// Waits until `path` exists, or fails naming it.
pub fn wait_for_file(path: &Path) {
    let start = Instant::now();
    while !path.exists() {
        assert!(
            start.elapsed() < TIMEOUT,
            "{} was not written within {TIMEOUT:?}",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The pane's text.
pub fn capture(session: &str) -> String {
    tmux(&["capture-pane", "-p", "-t", session])
}

/// Poll the pane until `pred` holds (generous timeout; never a timing assertion).
pub fn wait_for(session: &str, what: &str, pred: impl Fn(&str) -> bool) -> String {
    let start = Instant::now();
    loop {
        let screen = capture(session);
        if pred(&screen) {
            return screen;
        }
        if start.elapsed() > TIMEOUT {
            panic!("timed out after {TIMEOUT:?} waiting for {what}; screen:\n{screen}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Type `k` (a tmux key name such as `q`, `Escape`, `C-z`, or literal text).
pub fn keys(session: &str, k: &str) {
    tmux(&["send-keys", "-t", session, k]);
}

/// A pane flag such as `alternate_on` or `cursor_flag` (`"1"` or `"0"`).
pub fn pane_flag(session: &str, flag: &str) -> String {
    tmux(&["display", "-p", "-t", session, &format!("#{{{flag}}}")])
        .trim()
        .to_string()
}

/// Poll until the pane flag `flag` reads `value`.
pub fn wait_for_flag(session: &str, flag: &str, value: &str) {
    let start = Instant::now();
    while pane_flag(session, flag) != value {
        assert!(
            start.elapsed() < TIMEOUT,
            "{flag} did not become {value} within {TIMEOUT:?}; screen:\n{}",
            capture(session)
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Whether `stty -a` output shows a sane interactive terminal (canonical mode, echo).
pub fn stty_is_sane(stty: &str) -> bool {
    let words: Vec<&str> = stty.split_whitespace().collect();
    words.contains(&"icanon") && words.contains(&"echo") && words.contains(&"isig")
}

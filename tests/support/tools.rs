//! Tests that need an external tool (`redis-server`, `tmux`) call [`require_tool`] first.
//!
//! * tool found: the test runs;
//! * tool missing and `CI` set to any non-empty value: the test fails with a clear message;
//! * tool missing elsewhere: the skip is recorded (a line `crate::test: needs TOOL` appended
//!   to the file named by [`SKIP_FILE_VAR`], which `scripts/test` sets and counts in its
//!   closing summary) and printed, and the test returns without running.

#![allow(dead_code)]

use std::io::Write;
use std::path::Path;

/// The environment variable naming the file that collects skipped tests.
pub const SKIP_FILE_VAR: &str = "RINGSIDE_TEST_SKIPS";

/// Whether `tool` is on `PATH`; `false` means the calling test must return at once (its
/// skip is recorded). Panics when `tool` is missing in CI.
pub fn require_tool(tool: &str) -> bool {
    let ci = std::env::var("CI").ok();
    let skip_file = std::env::var_os(SKIP_FILE_VAR);
    require_tool_in(
        tool,
        ci.as_deref(),
        skip_file.as_deref().map(Path::new),
        &current_test(),
    )
}

/// [`require_tool`] with its environment passed in (so it can be tested without
/// changing the process environment).
pub fn require_tool_in(tool: &str, ci: Option<&str>, skip_file: Option<&Path>, test: &str) -> bool {
    if which::which(tool).is_ok() {
        return true;
    }
    if ci.is_some_and(|v| !v.is_empty()) {
        panic!(
            "{test} needs `{tool}`, which is not installed; CI is set, so this is a failure, not a skip"
        );
    }
    let line = format!("{test}: needs {tool}");
    eprintln!("SKIPPED {line}");
    if let Some(path) = skip_file {
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .unwrap_or_else(|e| panic!("cannot record the skip in {}: {e}", path.display()));
        writeln!(file, "{line}").expect("record the skip");
    }
    false
}

/// `crate::test_name`: the test binary's crate and the harness thread's name (the test).
fn current_test() -> String {
    let thread = std::thread::current();
    format!(
        "{}::{}",
        env!("CARGO_CRATE_NAME"),
        thread.name().unwrap_or("unknown test")
    )
}

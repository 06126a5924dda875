//! Hostile scenario files (`tests/data/hostile/`), each naming its expected outcome on its
//! first line: `# expect: error "MESSAGE"` (`ringside check` fails, printing MESSAGE at a
//! `file:line:col` or `file:` location) or `# expect: runs` (`check` passes and
//! `simulate --duration 2s` finishes within a time bound). Plus what cannot be a checked-in
//! file: a device, a directory, a file over the size limit, too many servers.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use support::process::output_within;

/// A hostile file is checked or run within this (generous: the machine may be loaded).
const BOUND: Duration = Duration::from_secs(30);

/// A password that must never be echoed back.
const SECRET: &str = "s3cret";

fn ringside(args: &[&str]) -> (i32, String, String) {
    let out = output_within(
        Command::new(env!("CARGO_BIN_EXE_ringside")).args(args),
        BOUND,
    );
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// What a hostile file's first line expects.
#[derive(Debug)]
enum Expect {
    Runs,
    Error(String),
}

fn expectation(path: &Path) -> Expect {
    let bytes = std::fs::read(path).unwrap();
    let first = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    let first = std::str::from_utf8(first).expect("the first line is UTF-8");
    let rest = first
        .strip_prefix("# expect: ")
        .unwrap_or_else(|| panic!("{}: no `# expect:` first line", path.display()));
    if rest == "runs" {
        return Expect::Runs;
    }
    let quoted = rest
        .strip_prefix("error \"")
        .and_then(|r| r.strip_suffix('"'))
        .unwrap_or_else(|| panic!("{}: bad expectation {rest}", path.display()));
    Expect::Error(quoted.replace("\\\"", "\""))
}

fn hostile_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/hostile");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

/// `check` refuses with a located message, or passes and the scenario then runs.
fn assert_outcome(path: &Path, expect: &Expect) {
    let shown = path.display().to_string();
    let (code, out, err) = ringside(&["check", &shown]);
    assert!(
        !out.contains(SECRET) && !err.contains(SECRET),
        "{shown}: {err}"
    );
    match expect {
        Expect::Error(message) => {
            assert_eq!(
                code, 1,
                "{shown}: check should fail with {message:?}\n{out}{err}"
            );
            assert!(
                err.contains(message),
                "{shown}: expected {message:?}, got:\n{err}"
            );
            assert!(
                err.contains(&format!("{shown}:")),
                "{shown}: the message names the file (and line:col when it can):\n{err}"
            );
            assert!(!err.contains("panicked"), "{err}");
        }
        Expect::Runs => {
            assert_eq!(code, 0, "{shown}: check should pass\n{err}");
            let args = ["simulate", "--scenario", &shown, "--duration", "2s"];
            let (code, out, err) = ringside(&[&args[..], &["--format", "json"]].concat());
            assert_eq!(code, 0, "{shown}: simulate failed\n{err}");
            assert!(out.contains("\"totals\""), "{shown}: {out}");
        }
    }
}

#[test]
fn every_hostile_file_meets_its_expectation() {
    let files = hostile_files();
    assert!(files.len() >= 20, "{} hostile files", files.len());
    for path in &files {
        assert_outcome(path, &expectation(path));
    }
}

/// Hostile files line up with a located error: `file:LINE:COL:` for a value in the file.
#[test]
fn limit_errors_say_field_value_limit_and_line() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/hostile/tenants-u32-max.toml");
    let shown = path.display().to_string();
    let (code, _, err) = ringside(&["check", &shown]);
    assert_eq!(code, 1);
    assert!(
        err.contains(&format!(
            "{shown}:11:11: traffic.tenants: 4294967295 is above the limit of 100000"
        )),
        "{err}"
    );
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("hostile");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn devices_directories_and_huge_files_are_refused_without_reading_them_whole() {
    for path in ["/dev/zero", "/dev/urandom"] {
        let (code, _, err) = ringside(&["check", path]);
        assert_eq!(code, 1, "{err}");
        assert!(err.contains("not a regular file"), "{err}");
    }
    let dir = scratch("a-directory.toml");
    std::fs::create_dir_all(&dir).unwrap();
    let (code, _, err) = ringside(&["check", &dir.display().to_string()]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("not a regular file"), "{err}");

    // One byte over the limit: a comment line, so the text itself is valid TOML.
    let big = scratch("big.toml");
    let limit = ringside::sim::limits::MAX_SCENARIO_BYTES as usize;
    let mut text = "# ".to_string();
    text.push_str(&"x".repeat(limit - 2));
    text.push('\n');
    std::fs::write(&big, text).unwrap();
    let (code, _, err) = ringside(&["check", &big.display().to_string()]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(&format!("larger than the limit of {limit} bytes")),
        "{err}"
    );
}

#[test]
fn more_servers_than_the_limit_are_refused_at_check() {
    let max = ringside::sim::limits::MAX_SERVERS;
    let names: Vec<String> = (0..=max)
        .map(|i| format!("{{ name = \"s{i}\" }}"))
        .collect();
    let path = scratch("too-many-servers.toml");
    let text = format!("name = \"many\"\nservers = [{}]\n", names.join(", "));
    std::fs::write(&path, text).unwrap();
    let (code, _, err) = ringside(&["check", &path.display().to_string()]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(&format!("servers: {} is above the limit of {max}", max + 1)),
        "{err}"
    );
}

#[test]
fn flags_beyond_the_limits_are_refused() {
    for args in [
        &["simulate", "--duration", "18446744073s"][..],
        &["simulate", "--duration", "25h"],
        &["frame", "--at", "100000h"],
        &["simulate", "--rate", "1e9"],
    ] {
        let (code, _, err) = ringside(args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains("above the"), "{args:?}: {err}");
    }
}

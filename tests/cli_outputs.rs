//! Output and input files through the real binary: bad output paths (`--record`,
//! `--save-scenario`) are refused at start with a clear message and a non-zero exit, a
//! file that takes no writes is refused too, and `ring` blames its input when stdin
//! cannot be read.

mod support;

use std::process::{Command, Stdio};
use std::time::Duration;

use support::process::{output, output_from};
use support::tmux::{Session, wait_for, wait_for_file};
use support::tools::require_tool;

const BIN: &str = env!("CARGO_BIN_EXE_ringside");

/// Runs the binary; returns (exit code, stderr).
fn ringside(args: &[&str]) -> (i32, String) {
    let out = output(Command::new(BIN).args(args));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn bad_output_paths_are_refused_at_start() {
    for flag in ["--save-scenario", "--record"] {
        let (code, err) = ringside(&[flag, "/nonexistent/dir/x.toml"]);
        assert_eq!(code, 1, "{flag}: {err}");
        assert!(
            err.contains(&format!("cannot write {flag} /nonexistent/dir/x.toml"))
                && err.contains("No such file or directory"),
            "{flag}: {err}"
        );
        // Refused before the terminal check: the path is the first thing said.
        assert!(!err.contains("not a terminal"), "{flag}: {err}");
    }
    let dir = std::env::temp_dir();
    let (code, err) = ringside(&["--save-scenario", dir.to_str().unwrap()]);
    assert_eq!(code, 1, "a directory: {err}");
    assert!(err.contains("cannot write --save-scenario"), "{err}");
}

#[test]
fn a_good_output_path_leaves_no_file_when_the_dashboard_cannot_start() {
    let path = std::env::temp_dir().join(format!("ringside-out-{}.toml", std::process::id()));
    let (code, err) = ringside(&["--save-scenario", path.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.contains("not a terminal"), "{err}");
    assert!(!path.exists(), "the check left {}", path.display());
}

#[test]
fn ring_blames_its_input_when_stdin_is_a_directory() {
    let dir = std::fs::File::open(std::env::temp_dir()).unwrap();
    let out = output_from(
        Command::new(BIN).args(["ring", "--servers", "a,b"]),
        Stdio::from(dir),
        Duration::from_secs(60),
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("reading keys from stdin"), "{err}");
    assert!(!err.contains("writing output"), "{err}");
}

/// `/proc/version` opens for writing as root but takes no bytes: the recording is refused
/// at start (its header is flushed at once), with a non-zero exit and the terminal left as
/// it was. Needs a terminal, hence tmux.
#[test]
fn a_recording_that_cannot_be_written_is_a_non_zero_exit() {
    if !require_tool("tmux") {
        return;
    }
    let dir = std::env::temp_dir().join(format!("ringside-rec-out-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let exit = dir.join("exit");
    let script = format!(
        "{BIN} --record /proc/version; echo EXIT=$? > {exit}.tmp; mv {exit}.tmp {exit}; \
         echo SHELL-BACK; sleep 60",
        exit = exit.display()
    );
    let name = format!("ringside-rec-out-{}", std::process::id());
    let session = Session::start(name, (100, 30), &script);
    let screen = wait_for(session.name(), "the shell", |s| s.contains("SHELL-BACK"));
    wait_for_file(&exit);
    let code = std::fs::read_to_string(&exit).unwrap();
    assert_ne!(code.trim(), "EXIT=0", "{screen}");
    assert!(
        screen.contains("cannot write --record /proc/version"),
        "{screen}"
    );
    drop(session);
    let _ = std::fs::remove_dir_all(&dir);
}

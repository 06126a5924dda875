//! End-to-end key tracing: the real binary in tmux at 120×40. Types `/`, a `q` (which
//! must not quit), Backspace, a key and Enter, reads the trace from the screen and checks
//! it against `ringside ring --trace` for the ring on screen; Esc clears it; `q` quits.
//!
//! Without tmux: a failure when `CI` is set, a recorded skip elsewhere
//! (`support::tools::require_tool`).

mod support;

use std::path::PathBuf;

use support::ring_trace::{headless_trace, owners_on_screen, trace_text};
use support::tmux::{Session, keys, tmux, wait_for, wait_for_file};
use support::tools::require_tool;

#[test]
fn tracing_a_key_in_tmux() {
    if !require_tool("tmux") {
        return;
    }
    let bin = env!("CARGO_BIN_EXE_ringside");
    let id = std::process::id();
    let dir = std::env::temp_dir().join(format!("ringside-trace-e2e-{id}"));
    std::fs::create_dir_all(&dir).unwrap();
    let exit_file: PathBuf = dir.join("exit");
    // Paused at once (space), so the ring stays alpha, beta, gamma (delta joins at 8 s).
    let script = format!(
        "{bin} --seed 1; echo EXIT=$? > {exit}; echo SHELL-BACK; sleep 60",
        exit = exit_file.display()
    );
    let session = Session::start(format!("ringside-trace-e2e-{id}"), (120, 40), &script);
    let s = session.name();
    wait_for(s, "the ring", |s| s.contains("Ring · 3 servers"));
    keys(s, "Space");
    wait_for(s, "paused", |s| s.contains("PAUSED"));

    // The prompt takes the keys: `q` is typed, not obeyed.
    keys(s, "/");
    wait_for(s, "the prompt", |s| s.contains("trace key ›"));
    tmux(&["send-keys", "-t", s, "-l", "q"]);
    wait_for(s, "q in the prompt", |s| s.contains("trace key › q█"));
    keys(s, "BSpace");
    tmux(&["send-keys", "-t", s, "-l", "user:42"]);
    wait_for(s, "the key typed", |s| s.contains("trace key › user:42█"));
    keys(s, "Enter");
    let screen = wait_for(s, "the trace", |s| s.contains("key \"user:42\" →"));

    let trace = headless_trace(&["alpha", "beta", "gamma"], 150, 2, "user:42");
    let (position, owners) = (trace.position, trace.owners);
    let text = trace_text(&screen);
    assert!(text.contains(&format!("0x{}…", &position[..8])), "{text}");
    assert_eq!(owners_on_screen(&text), owners, "{screen}");
    assert!(screen.contains("PAUSED"), "the status bar is back");

    // Esc stops tracing (and does not quit); q quits.
    keys(s, "Escape");
    wait_for(s, "the trace gone", |s| {
        !s.contains("key \"user:42\" →") && s.contains("Ring · ")
    });
    keys(s, "q");
    wait_for(s, "the shell", |s| s.contains("SHELL-BACK"));
    wait_for_file(&exit_file);
    let exit = std::fs::read_to_string(&exit_file).unwrap();
    assert_eq!(exit.trim(), "EXIT=0");
    drop(session);
    let _ = std::fs::remove_dir_all(&dir);
}

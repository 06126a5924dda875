//! Starting where the talk starts, and the clicker, on the real binary in tmux:
//! `--paused` still shows t = 0.0s after two wall seconds with the opening caption;
//! PageDown / PageUp step like `n` / `p`; `.` blanks the presenter screen and any key brings
//! it back without doing anything else; `--at 30s` shows what `frame --at 30s` shows (a
//! fresh run jumped to 30 s).
//!
//! Without tmux: a failure when `CI` is set, a recorded skip elsewhere
//! (`support::tools::require_tool`).

mod support;

use std::process::Command;
use std::time::Duration;

use support::process::output;
use support::tmux::{Session, capture, keys, wait_for};
use support::tools::require_tool;

const BIN: &str = env!("CARGO_BIN_EXE_ringside");

fn session(tag: &str, size: (u16, u16), args: &str) -> Session {
    let name = format!("ringside-start-{tag}-{}", std::process::id());
    Session::start(name, size, &format!("{BIN} {args}; sleep 60"))
}

/// The status bar's line (the last non-empty row).
fn status_line(screen: &str) -> &str {
    screen
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
}

#[test]
fn paused_holds_t0_with_the_opening_caption_and_the_clicker_steps() {
    if !require_tool("tmux") {
        return;
    }
    let s = session("paused", (100, 30), "--scenario tour --present --paused");
    let s = s.name();
    let screen = wait_for(s, "the paused start", |t| {
        t.contains("PAUSED") && t.contains("step 0/9")
    });
    assert!(screen.contains("tour — A narrated tour"), "{screen}");
    std::thread::sleep(Duration::from_secs(2));
    let screen = capture(s);
    let status = status_line(&screen);
    assert!(
        status.contains("t=0.0s") && status.contains("PAUSED"),
        "two wall seconds later, still at 0: {screen}"
    );
    // The clicker's PageDown goes to step 1 (at 1 s, still paused), PageUp back to 0.
    keys(s, "NPage");
    let screen = wait_for(s, "step 1 after PageDown", |t| t.contains("step 1/9"));
    assert!(status_line(&screen).contains("t=1.0s"), "{screen}");
    assert!(
        screen.contains("Every request passes three guards"),
        "{screen}"
    );
    keys(s, "Right");
    wait_for(s, "step 2 after →", |t| t.contains("step 2/9"));
    keys(s, "PPage");
    wait_for(s, "step 1 after PageUp", |t| t.contains("step 1/9"));
    // `.` blanks the screen; `q` then only brings it back (no quit, no step).
    keys(s, ".");
    wait_for(s, "a blank screen", |t| t.trim().is_empty());
    keys(s, "q");
    let screen = wait_for(s, "the screen back", |t| t.contains("step 1/9"));
    assert!(status_line(&screen).contains("t=1.0s"), "{screen}");
    // `s` is the single step in the presenter layout (100 ms).
    keys(s, "s");
    wait_for(s, "a single step", |t| status_line(t).contains("t=1.1s"));
}

#[test]
fn at_starts_on_the_frame_a_jump_to_that_time_shows() {
    if !require_tool("tmux") {
        return;
    }
    let s = session(
        "at",
        (100, 30),
        "--scenario tour --present --paused --at 30s",
    );
    let s = s.name();
    let live = wait_for(s, "the start at 30 s", |t| {
        status_line(t).contains("t=30.0s") && t.contains("PAUSED")
    });
    let frame = output(Command::new(BIN).args([
        "frame",
        "--scenario",
        "tour",
        "--present",
        "--at",
        "30s",
        "--size",
        "100x30",
    ]));
    assert!(frame.status.success());
    let frame = String::from_utf8(frame.stdout).unwrap();
    let rows = |t: &str| -> Vec<String> { t.lines().map(|l| l.trim_end().to_string()).collect() };
    let (live, frame) = (rows(&live), rows(&frame));
    assert_eq!(live.len(), 30, "{live:#?}");
    // Every row but the status bar (running or paused) is the same.
    assert_eq!(live[..29], frame[..29]);
    assert!(frame[29].contains("t=30.0s"));
}

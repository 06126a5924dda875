//! End-to-end: the real binary in tmux at 120×40. Waits for the ring, presses `a`, `f`,
//! `b`, `?`, `q` and checks the screen after each, then that the process exited 0 and the
//! terminal was restored (alternate screen gone, `stty` back to canonical mode with echo).
//!
//! Without tmux: a failure when `CI` is set, a recorded skip elsewhere
//! (`support::tools::require_tool`).

mod support;

use std::path::PathBuf;
use std::process::Command;

use support::process::output;
use support::tmux::{Session, capture, keys, tmux, wait_for, wait_for_file};
use support::tools::require_tool;

/// The breaker row of `server` in the timeline panel.
fn breaker_row<'a>(screen: &'a str, server: &str) -> Option<&'a str> {
    let timeline = screen.split("Breakers").nth(1)?;
    timeline
        .lines()
        .find(|l| l.trim_start_matches('│').starts_with(server))
}

#[test]
fn dashboard_in_tmux() {
    if !require_tool("tmux") {
        return;
    }
    let bin = env!("CARGO_BIN_EXE_ringside");
    let dir = std::env::temp_dir().join(format!("ringside-e2e-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let exit_file: PathBuf = dir.join("exit");
    let stty_file: PathBuf = dir.join("stty");
    let name = format!("ringside-e2e-{}", std::process::id());
    // After the dashboard exits, record the exit code and the terminal modes, then keep
    // the pane alive so it can be captured.
    let script = format!(
        "{bin} --seed 1; echo EXIT=$? > {exit}; stty -a > {stty}; echo SHELL-BACK; sleep 60",
        exit = exit_file.display(),
        stty = stty_file.display()
    );
    let tmux_session = Session::start(name, (120, 40), &script);
    let session = tmux_session.0.as_str();

    // The ring and three servers.
    let screen = wait_for(session, "the ring", |s| {
        s.contains("Ring · 3 servers") && s.contains("t=")
    });
    assert!(screen.contains("alpha") && screen.contains("gamma"));

    // a: a server joins (wait past the scenario's own 8 s join of delta, which would
    // otherwise be indistinguishable).
    wait_for(session, "delta joining", |s| s.contains("Ring · 4 servers"));
    keys(session, "a");
    let screen = wait_for(session, "a fifth server", |s| {
        s.contains("Ring · 5 servers")
    });
    assert!(
        screen.contains("added server"),
        "the engine's line for the key:\n{screen}"
    );
    assert!(screen.contains("moved "), "moved keys shown:\n{screen}");

    // f: fault on the selected server (alpha) → its breaker row and legend change.
    keys(session, "f");
    let screen = wait_for(session, "alpha's fault", |s| {
        s.contains("fault injected on alpha: errors 50%") && s.contains("!errors")
    });
    assert!(breaker_row(&screen, "alpha").is_some(), "{screen}");
    keys(session, "f");
    keys(session, "f"); // errors → slow → down: the breaker opens
    let screen = wait_for(session, "alpha's breaker to open", |s| {
        breaker_row(s, "alpha").is_some_and(|r| r.contains('█') && r.contains("OPEN"))
    });
    assert!(screen.contains("!down"), "{screen}");

    // b: the hottest tenant's bucket visibly empties (a bar with mostly empty cells).
    keys(session, "b");
    let screen = wait_for(session, "a drained bucket", |s| {
        s.contains("burst")
            && s.lines()
                .any(|l| l.contains("acme") && l.contains("·······"))
    });
    assert!(screen.contains("✗"), "{screen}");

    // ?: the help overlay, generated from the key map.
    keys(session, "?");
    let screen = wait_for(session, "help", |s| s.contains("Keys · ? or Esc closes"));
    assert!(screen.contains("cycle fault on selected"));
    // Esc closes the help (and never quits).
    keys(session, "Escape");
    wait_for(session, "help closed", |s| {
        !s.contains("Keys · ? or Esc closes") && s.contains("Ring · ")
    });

    // q: quit, exit 0, terminal restored.
    keys(session, "q");
    let screen = wait_for(session, "the shell", |s| s.contains("SHELL-BACK"));
    assert!(
        !screen.contains("Ring · "),
        "alternate screen gone:\n{screen}"
    );
    wait_for_file(&stty_file);
    let exit = std::fs::read_to_string(&exit_file).unwrap();
    assert_eq!(exit.trim(), "EXIT=0");
    let stty = std::fs::read_to_string(&stty_file).unwrap();
    let words: Vec<&str> = stty.split_whitespace().collect();
    assert!(
        words.contains(&"icanon") && words.contains(&"echo"),
        "{stty}"
    );
    let cursor_visible = tmux(&["display", "-p", "-t", session, "#{cursor_flag}"]);
    assert_eq!(cursor_visible.trim(), "1", "cursor shown again");
    let alt = tmux(&["display", "-p", "-t", session, "#{alternate_on}"]);
    assert_eq!(alt.trim(), "0", "alternate screen left");
    drop(tmux_session);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Talk mode as a speaker uses it: the `tour` story in the presenter layout at 100×30,
/// stepping with `n`/`p`, a live burst, then quit — and the recording and the saved
/// session are there and valid.
#[test]
fn talk_mode_in_tmux() {
    if !require_tool("tmux") {
        return;
    }
    let bin = env!("CARGO_BIN_EXE_ringside");
    let dir = std::env::temp_dir().join(format!("ringside-talk-e2e-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (cast, saved, exit_file) = (dir.join("t.cast"), dir.join("s.toml"), dir.join("exit"));
    let name = format!("ringside-talk-{}", std::process::id());
    let script = format!(
        "{bin} --scenario tour --present --record {cast} --save-scenario {saved}; \
         echo EXIT=$? > {exit}; echo SHELL-BACK; sleep 60",
        cast = cast.display(),
        saved = saved.display(),
        exit = exit_file.display()
    );
    let tmux_session = Session::start(name, (100, 30), &script);
    let session = tmux_session.0.as_str();

    wait_for(session, "the presenter layout", |s| {
        s.contains("step ") && s.contains("n next · p back") && s.contains("Ring · ")
    });
    // Pause so the story only moves when the speaker says so.
    keys(session, "Space");
    wait_for(session, "paused", |s| s.contains("PAUSED"));
    keys(session, "n");
    wait_for(session, "step 1", |s| s.contains("step 1/9"));
    keys(session, "n");
    let two = wait_for(session, "step 2", |s| s.contains("step 2/9"));
    assert!(
        two.contains("globex"),
        "step 2 is the burst:
{two}"
    );
    keys(session, "p");
    wait_for(session, "back at step 1", |s| s.contains("step 1/9"));
    // 2: only the buckets; 0: everything again.
    keys(session, "2");
    wait_for(session, "buckets alone", |s| {
        s.contains("Buckets · ") && !s.contains("Ring · ")
    });
    keys(session, "0");
    wait_for(session, "all panels", |s| {
        s.contains("Buckets · ") && s.contains("Ring · ")
    });
    // A live command, to be saved with its virtual time. The presenter layout has no event
    // log; the hottest tenant's denied count (its bucket row) shows the burst instead.
    let acme_row = |s: &str| -> Option<String> {
        s.lines()
            .find(|l| l.contains("│acme "))
            .map(|l| l.rsplit("││").next().unwrap_or(l).to_string())
    };
    let before = acme_row(&capture(session));
    assert!(before.is_some(), "acme's bucket row is shown");
    keys(session, "b");
    wait_for(session, "the burst to be denied", |s| acme_row(s) != before);
    keys(session, "q");
    let screen = wait_for(session, "the shell", |s| s.contains("SHELL-BACK"));
    assert!(screen.contains("recording written to"), "{screen}");
    assert!(screen.contains("saved to"), "{screen}");
    assert_eq!(
        std::fs::read_to_string(&exit_file).unwrap().trim(),
        "EXIT=0"
    );

    // The recording: an asciicast v2 header at 100×30, then output events.
    let text = std::fs::read_to_string(&cast).unwrap();
    let mut lines = text.lines();
    let header: serde_json::Value = serde_json::from_str(lines.next().unwrap()).unwrap();
    assert_eq!(header["version"], 2);
    assert_eq!(header["width"], 100);
    assert_eq!(header["height"], 30);
    let events: Vec<serde_json::Value> = lines.map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(events.len() > 5, "{} events", events.len());
    assert!(events.iter().all(|e| e[1] == "o" && e[2].is_string()));

    // The saved session: a valid scenario with the live burst on its timeline.
    let toml = std::fs::read_to_string(&saved).unwrap();
    assert!(
        toml.contains("live = true") && toml.contains("action = \"burst\""),
        "{toml}"
    );
    let check = output(Command::new(bin).arg("check").arg(&saved));
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );

    drop(tmux_session);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn not_a_terminal_is_refused_without_touching_it() {
    let out = output(Command::new(env!("CARGO_BIN_EXE_ringside")).args(["--seed", "1"]));
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("not a terminal"), "{stderr}");
    assert!(stderr.contains("ringside simulate"), "{stderr}");
    // No escape sequences written.
    assert!(out.stdout.is_empty(), "{:?}", out.stdout);
}

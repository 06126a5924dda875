//! End-to-end: keys typed faster than frames are drawn all count. The real binary in tmux
//! gets `a` `w`, `j` `dddd` and `]]]]` each in one `send-keys` (one terminal read, well
//! under a frame), and the screen and the saved session show every press resolved by the
//! engine in turn: 1 live command saved, four distinct servers removed, refill 977/s.
//! Esc on the main screen does not quit.
//!
//! Without tmux: a failure when `CI` is set, a recorded skip elsewhere
//! (`support::tools::require_tool`).

mod support;

use support::tmux::{Session, keys, wait_for};
use support::tools::require_tool;

/// Six servers (legend order: alphabetical), steady traffic, no scripted events and no
/// errors, so that the only changes are the keys'.
const QUIET: &str = r#"
name = "quiet"
description = "Six healthy servers and steady traffic."
seed = 7
duration = "10m"
vnodes = 50
replicas = 2
servers = [
  { name = "alpha" }, { name = "bravo" }, { name = "charlie" },
  { name = "delta" }, { name = "echo" }, { name = "foxtrot" },
]

[traffic]
rate = 500.0
tenants = 5
keys = 1000

[limiter]
capacity = 200
refill_per_sec = 400.0

[server_defaults]
error_rate = 0.0
"#;

/// The saved session's text once it holds `n` live commands.
fn wait_for_session(path: &std::path::Path, n: usize) -> String {
    let want = format!("{n} live command(s)");
    let start = std::time::Instant::now();
    loop {
        if let Ok(text) = std::fs::read_to_string(path)
            && text.contains(&want)
        {
            return text;
        }
        assert!(
            start.elapsed() < support::tmux::TIMEOUT,
            "{} never held {want}",
            path.display()
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn keys_faster_than_frames_all_count() {
    if !require_tool("tmux") {
        return;
    }
    let bin = env!("CARGO_BIN_EXE_ringside");
    let dir = std::env::temp_dir().join(format!("ringside-fast-keys-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let scenario = dir.join("quiet.toml");
    std::fs::write(&scenario, QUIET).unwrap();
    let saved = dir.join("session.toml");
    let script = format!(
        "{bin} --scenario {} --save-scenario {}; sleep 60",
        scenario.display(),
        saved.display()
    );
    let session = Session::start(
        format!("ringside-fast-{}", std::process::id()),
        (200, 60),
        &script,
    );
    let s = session.name();
    wait_for(s, "the ring", |x| x.contains("Ring · 6 servers"));

    // `a` then `w` before a frame: the save waits for the add, so it holds it.
    keys(s, "aw");
    let text = wait_for_session(&saved, 1);
    assert!(text.contains("action = \"add_server\""), "{text}");
    wait_for(s, "the save acknowledged", |x| {
        x.contains("1 live command(s)) saved")
    });

    // `j` selects bravo (position 1); four `d` remove bravo, charlie, delta, echo in
    // turn, as deleting lines would; none is refused.
    keys(s, "jdddd");
    let screen = wait_for(s, "four removals", |x| x.contains("Ring · 3 servers"));
    for name in ["bravo", "charlie", "delta", "echo"] {
        assert!(
            screen.contains(&format!("removed server {name}")),
            "{name} removed:\n{screen}"
        );
    }
    assert!(!screen.contains("refused"), "{screen}");

    // Four `]`: 400 × 1.25⁴ = 976.6 tokens/s, each press from the one before.
    keys(s, "]]]]");
    let screen = wait_for(s, "refill 977", |x| x.contains("set to 977 tokens/s"));
    for step in ["500", "625", "781"] {
        assert!(
            screen.contains(&format!("set to {step} tokens/s")),
            "{step}:\n{screen}"
        );
    }

    // Esc on the main screen does not quit: the help still opens afterwards.
    // Each Escape is waited on before the next key: an Escape followed at once by another
    // key can reach the terminal as one Alt sequence.
    keys(s, "Escape");
    wait_for(s, "Esc answered on the main screen", |x| {
        x.contains("nothing to close")
    });
    keys(s, "?");
    wait_for(s, "help after Esc", |x| {
        x.contains("Keys · ? or Esc closes")
    });
    keys(s, "Escape");
    wait_for(s, "help closed", |x| !x.contains("Keys · ? or Esc closes"));

    // The saved session holds every command, resolved, at human times.
    keys(s, "w");
    let text = wait_for_session(&saved, 9);
    for name in ["bravo", "charlie", "delta", "echo"] {
        assert!(text.contains(&format!("server = \"{name}\"")), "{text}");
    }
    assert!(text.contains("refill_per_sec = 976.5625"), "{text}");
    assert!(!text.contains("ns\""), "human times:\n{text}");
    keys(s, "q");
    drop(session);
    let _ = std::fs::remove_dir_all(&dir);
}

//! A Redis password never reaches what the dashboard shows or writes: the screen (status
//! bar, event log), the asciicast recording and the saved session. The dashboard runs in
//! tmux against a real `redis-server` that requires the password, given both on the command
//! line and in the scenario's `limiter.backend`.
//!
//! (Help, errors and headless outputs are covered by `tests/cli_secrets.rs`; a crash report
//! holds only the panic's message, location and backtrace, no arguments or environment.)

mod support;

use support::redis_server::RedisServer;
use support::tmux::{Session, capture, keys, wait_for, wait_for_file};

const PASSWORD: &str = "s3cret-Pw";

fn assert_clean(what: &str, text: &str) {
    assert!(
        !text.contains(PASSWORD) && !text.contains("s3cret"),
        "{what} holds the password:\n{text}"
    );
}

#[test]
fn the_password_is_not_on_screen_in_the_recording_or_in_the_saved_session() {
    if !support::tools::require_tool("tmux") {
        return;
    }
    let Some(server) = RedisServer::start_with_password(Some(PASSWORD)) else {
        return;
    };
    let url = server.url();
    assert!(
        url.contains(PASSWORD),
        "the test's URL carries the password"
    );
    let dir = std::env::temp_dir().join(format!("ringside-secrets-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (scenario, cast, saved, exit_file) = (
        dir.join("with-password.toml"),
        dir.join("s.cast"),
        dir.join("s.toml"),
        dir.join("exit"),
    );
    let default = ringside::sim::Scenario::builtin("default").expect("shipped");
    let mut text = default.to_toml().expect("writable");
    text = text.replacen(
        "[limiter]\n",
        &format!("[limiter]\nbackend = \"{url}\"\n"),
        1,
    );
    assert!(
        text.contains(PASSWORD),
        "the scenario names the password:\n{text}"
    );
    std::fs::write(&scenario, &text).unwrap();

    let bin = env!("CARGO_BIN_EXE_ringside");
    let script = format!(
        "{bin} --scenario {sc} --limiter '{url}' --record {cast} --save-scenario {saved}; \
         echo EXIT=$? > {exit}; echo SHELL-BACK; sleep 60",
        sc = scenario.display(),
        cast = cast.display(),
        saved = saved.display(),
        exit = exit_file.display()
    );
    let tmux_session = Session::start(
        format!("ringside-secrets-{}", std::process::id()),
        (160, 40),
        &script,
    );
    let session = tmux_session.name();
    // Connected: the status bar names the backend (redacted) and shows it healthy.
    let screen = wait_for(session, "the Redis backend in the status bar", |s| {
        s.contains("redis://") && s.contains('●')
    });
    assert_clean("the dashboard", &screen);
    // A live command (logged, recorded and saved), help open and closed, then quit.
    keys(session, "b");
    keys(session, "?");
    // The overlay's own title (the status bar always says "help").
    const OVERLAY: &str = "Keys · ? or Esc closes";
    wait_for(session, "the help overlay", |s| s.contains(OVERLAY));
    assert_clean("the help overlay", &capture(session));
    keys(session, "Escape");
    // Wait for the overlay to close before q: an Escape followed at once by q can reach the
    // terminal as one Alt-q sequence.
    wait_for(session, "the help overlay closed", |s| !s.contains(OVERLAY));
    keys(session, "q");
    let end = wait_for(session, "the shell", |s| s.contains("SHELL-BACK"));
    assert_clean("the exit messages", &end);
    wait_for_file(&exit_file);
    assert_eq!(
        std::fs::read_to_string(&exit_file).unwrap().trim(),
        "EXIT=0"
    );

    let recording = std::fs::read_to_string(&cast).expect("the recording");
    assert!(
        recording.contains("redis://"),
        "the recording shows the backend"
    );
    assert_clean("the recording", &recording);
    let session_file = std::fs::read_to_string(&saved).expect("the saved session");
    assert!(session_file.contains("live = true"), "{session_file}");
    assert_clean("the saved session", &session_file);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_saved_session_drops_the_shared_limiter_address() {
    let mut scenario = ringside::sim::Scenario::builtin("default").expect("shipped");
    scenario.limiter.backend = Some(format!("redis://:{PASSWORD}@127.0.0.1:1/0"));
    let mut engine = ringside::sim::Engine::from_scenario(&scenario, None).expect("valid");
    engine
        .apply(ringside::sim::Command::Burst {
            tenant: None,
            requests: 10,
        })
        .expect("a burst");
    let toml = engine.session().to_toml().expect("writable");
    assert!(toml.contains("live = true"), "{toml}");
    assert!(!toml.contains("backend"), "{toml}");
    assert_clean("the saved session", &toml);
}

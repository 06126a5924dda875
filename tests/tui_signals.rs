//! Signals in the dashboard, end to end in tmux: Ctrl-Z and `kill -TSTP` suspend with the
//! terminal restored and `fg` (or `kill -CONT`) resumes a dashboard that answers keys
//! without Enter; SIGTERM, SIGINT, SIGHUP and SIGQUIT restore the terminal and exit with
//! 128 + n. Every wait has a timeout.
//!
//! Without tmux: a failure when `CI` is set, a recorded skip elsewhere.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use support::process::output_within;
use support::tmux::{
    Session, capture, keys, pane_flag, stty_is_sane, wait_for, wait_for_file, wait_for_flag,
};
use support::tools::require_tool;

/// A scratch directory for one test, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(test: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("ringside-{test}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn file(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Run the dashboard with its pid written to `pid` (`exec` keeps the pid).
fn dashboard_command(pid: &Path) -> String {
    format!(
        "sh -c 'echo $$ > {pid}; exec {bin} --seed 1'",
        pid = pid.display(),
        bin = env!("CARGO_BIN_EXE_ringside")
    )
}

/// Send `signal` (e.g. `TSTP`) to the process whose pid is in `pid_file`.
fn kill(signal: &str, pid_file: &Path) {
    wait_for_file(pid_file);
    let pid = std::fs::read_to_string(pid_file).unwrap();
    let out = output_within(
        Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(pid.trim()),
        Duration::from_secs(30),
    );
    assert!(out.status.success(), "kill -{signal} {pid}: {out:?}");
}

/// Wait for the dashboard to be drawn.
fn wait_for_dashboard(session: &str) {
    wait_for(session, "the dashboard", |s| s.contains("Ring · "));
    wait_for_flag(session, "alternate_on", "1");
}

/// The dashboard answers a key at once (raw mode: no Enter): `?` opens the help, Esc
/// closes it.
fn answers_keys(session: &str) {
    keys(session, "?");
    wait_for(session, "the help (raw mode)", |s| {
        s.contains("Keys · ? or Esc closes")
    });
    keys(session, "Escape");
    wait_for(session, "the help closed", |s| {
        !s.contains("Keys · ? or Esc closes") && s.contains("Ring · ")
    });
}

/// The terminal is the shell's again: main screen, cursor shown.
fn terminal_restored(session: &str) {
    wait_for_flag(session, "alternate_on", "0");
    assert_eq!(pane_flag(session, "cursor_flag"), "1", "cursor shown");
}

/// In the interactive shell: run `command` and return its output (written to a temporary
/// file moved to `out` once complete).
fn shell_run(session: &str, command: &str, out: &Path) -> String {
    let _ = std::fs::remove_file(out);
    let tmp = out.with_extension("tmp");
    keys(
        session,
        &format!(
            "{command} > {tmp}; mv {tmp} {out}",
            tmp = tmp.display(),
            out = out.display()
        ),
    );
    keys(session, "Enter");
    wait_for_file(out);
    std::fs::read_to_string(out).unwrap()
}

#[test]
fn ctrl_z_and_sigtstp_suspend_and_fg_resumes() {
    if !require_tool("tmux") || !require_tool("bash") {
        return;
    }
    let dir = Scratch::new("suspend");
    let (pid, stty, exit) = (dir.file("pid"), dir.file("stty"), dir.file("exit"));
    let name = format!("ringside-suspend-{}", std::process::id());
    let tmux_session = Session::start(name, (120, 40), "env PS1='$ ' bash --norc --noprofile -i");
    let session = tmux_session.name();
    wait_for(session, "the shell prompt", |s| s.contains('$'));
    keys(session, &dashboard_command(&pid));
    keys(session, "Enter");
    wait_for_dashboard(session);

    // Ctrl-Z (a key in raw mode): the shell gets a restored terminal back.
    keys(session, "C-z");
    wait_for(session, "the job stopped", |s| s.contains("Stopped"));
    terminal_restored(session);
    let modes = shell_run(session, "stty -a", &stty);
    assert!(stty_is_sane(&modes), "stty while suspended: {modes}");
    // fg: the dashboard as it was, answering keys without Enter.
    keys(session, "fg");
    keys(session, "Enter");
    wait_for_dashboard(session);
    answers_keys(session);

    // The same with SIGTSTP sent from outside.
    kill("TSTP", &pid);
    wait_for(session, "the job stopped again", |s| {
        s.matches("Stopped").count() >= 2
    });
    terminal_restored(session);
    keys(session, "fg");
    keys(session, "Enter");
    wait_for_dashboard(session);
    answers_keys(session);

    // q is still an ordinary quit.
    keys(session, "q");
    terminal_restored(session);
    let code = shell_run(session, "echo $?", &exit);
    assert_eq!(code.trim(), "0");
    let modes = shell_run(session, "stty -a", &stty);
    assert!(stty_is_sane(&modes), "stty after quit: {modes}");
}

/// Without a job-control shell: `kill -TSTP` stops with the terminal restored, `kill -CONT`
/// resumes a working dashboard.
#[test]
fn sigtstp_then_sigcont_without_job_control() {
    if !require_tool("tmux") {
        return;
    }
    let dir = Scratch::new("cont");
    let (pid, exit) = (dir.file("pid"), dir.file("exit"));
    let name = format!("ringside-cont-{}", std::process::id());
    let script = format!(
        "{}; echo EXIT=$? > {exit}.tmp; mv {exit}.tmp {exit}; sleep 60",
        dashboard_command(&pid),
        exit = exit.display()
    );
    let tmux_session = Session::start(name, (120, 40), &script);
    let session = tmux_session.name();
    wait_for_dashboard(session);
    kill("TSTP", &pid);
    terminal_restored(session);
    kill("CONT", &pid);
    wait_for_dashboard(session);
    answers_keys(session);
    keys(session, "q");
    wait_for_file(&exit);
    assert_eq!(std::fs::read_to_string(&exit).unwrap().trim(), "EXIT=0");
    assert!(capture(session).lines().all(|l| !l.contains("Ring · ")));
}

#[test]
fn terminating_signals_restore_the_terminal_and_exit_128_plus_n() {
    if !require_tool("tmux") {
        return;
    }
    for (signal, code) in [("TERM", 143), ("INT", 130), ("HUP", 129), ("QUIT", 131)] {
        let dir = Scratch::new(&format!("sig{signal}"));
        let (pid, exit, stty) = (dir.file("pid"), dir.file("exit"), dir.file("stty"));
        let name = format!("ringside-sig{signal}-{}", std::process::id());
        // The exit code is written last, after the terminal modes.
        let script = format!(
            "{}; e=$?; stty -a > {stty}; echo EXIT=$e > {exit}.tmp; mv {exit}.tmp {exit}; \
             echo SHELL-BACK; sleep 60",
            dashboard_command(&pid),
            stty = stty.display(),
            exit = exit.display()
        );
        let tmux_session = Session::start(name, (120, 40), &script);
        let session = tmux_session.name();
        wait_for_dashboard(session);
        kill(signal, &pid);
        wait_for(session, "the shell", |s| s.contains("SHELL-BACK"));
        terminal_restored(session);
        wait_for_file(&exit);
        assert_eq!(
            std::fs::read_to_string(&exit).unwrap().trim(),
            format!("EXIT={code}"),
            "SIG{signal}"
        );
        let modes = std::fs::read_to_string(&stty).unwrap();
        assert!(stty_is_sane(&modes), "SIG{signal}: {modes}");
        let screen = capture(session);
        assert!(!screen.contains("Ring · "), "SIG{signal}: {screen}");
    }
}

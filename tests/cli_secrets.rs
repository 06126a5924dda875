//! A Redis password never reaches an output channel the binary writes: given in
//! `RINGSIDE_LIMITER`, in `--limiter` or in a scenario's `limiter.backend`, in every URL
//! form (userinfo with and without a user, an unescaped `/`, `?password=`, unix sockets
//! with `?pass=`), against an unreachable port, the test greps stdout and stderr of every
//! subcommand's `--help` and `-h`, `simulate` (text and JSON), `check`, `frame`, the
//! dashboard's refusal, usage errors and bad-URL errors.

mod support;

use std::process::Command;

use support::process::output;

const BIN: &str = env!("CARGO_BIN_EXE_ringside");

/// Every form a password can take in a limiter URL (port 1: nothing listens there).
const FORMS: &[&str] = &[
    "redis://:s3cret@127.0.0.1:1/0",
    "redis://user:s3cret@127.0.0.1:1/0",
    "redis://:s3/cret@127.0.0.1:1/0",
    "redis://127.0.0.1:1/0?password=s3cret",
    "redis+unix:///tmp/r.sock?pass=s3cret",
    "unix:///tmp/r.sock?password=s3cret",
    // Not a valid URL at all (a port out of range).
    "redis://:s3cret@127.0.0.1:99999/0",
];

/// What a leak would look like, whole or cut at the unescaped `/`.
const MARKERS: &[&str] = &["s3cret", "s3/cret", "/cret", "cret@"];

/// Every subcommand's help, and the top-level one.
const HELP: &[&[&str]] = &[
    &["--help"],
    &["-h"],
    &["simulate", "--help"],
    &["simulate", "-h"],
    &["ring", "--help"],
    &["ring", "-h"],
    &["check", "--help"],
    &["check", "-h"],
    &["frame", "--help"],
    &["frame", "-h"],
    &["scenarios", "--help"],
    &["help", "simulate"],
];

/// Runs the binary with `env` as `RINGSIDE_LIMITER` (if given) and asserts that neither
/// stdout nor stderr holds the password.
fn assert_no_leak(args: &[&str], env: Option<&str>) {
    let mut cmd = Command::new(BIN);
    cmd.args(args).env_remove("RINGSIDE_LIMITER");
    if let Some(url) = env {
        cmd.env("RINGSIDE_LIMITER", url);
    }
    let out = output(&mut cmd);
    for (channel, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        let text = String::from_utf8_lossy(bytes);
        for marker in MARKERS {
            assert!(
                !text.contains(marker),
                "`ringside {}` (RINGSIDE_LIMITER={env:?}) leaks {marker:?} on {channel}:\n{text}",
                args.join(" ")
            );
        }
    }
}

#[test]
fn help_never_shows_the_environment_value() {
    for form in FORMS {
        for args in HELP {
            assert_no_leak(args, Some(form));
        }
    }
    // The variable is still documented, only its value is hidden.
    let out = output(
        Command::new(BIN)
            .args(["simulate", "--help"])
            .env("RINGSIDE_LIMITER", FORMS[0]),
    );
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("[env: RINGSIDE_LIMITER"), "{help}");
}

#[test]
fn runs_and_errors_never_show_the_password() {
    for form in FORMS {
        for format in ["text", "json"] {
            let args = ["simulate", "--duration", "1s", "--format", format];
            assert_no_leak(&args, Some(form));
            let mut with_flag = args.to_vec();
            with_flag.extend(["--limiter", form]);
            assert_no_leak(&with_flag, None);
        }
        assert_no_leak(&["frame", "--at", "1s", "--size", "80x24"], Some(form));
        assert_no_leak(&["check", "default"], Some(form));
        // The dashboard refuses a non-terminal; a usage error prints the usage.
        assert_no_leak(&[], Some(form));
        assert_no_leak(&["--limiter", form], None);
        assert_no_leak(&["simulate", "--no-such-flag"], Some(form));
        assert_no_leak(&["simulate", "--limiter-policy", "bogus"], Some(form));
    }
}

#[test]
fn a_password_in_a_scenario_file_is_never_shown() {
    let dir = std::env::temp_dir().join(format!("ringside-secrets-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (i, form) in FORMS.iter().enumerate() {
        let path = dir.join(format!("s{i}.toml"));
        std::fs::write(
            &path,
            format!(
                "name = \"secret\"\n[[servers]]\nname = \"a\"\n[limiter]\nbackend = \"{form}\"\n"
            ),
        )
        .unwrap();
        let path = path.to_str().unwrap();
        assert_no_leak(&["check", path], None);
        assert_no_leak(&["simulate", "--scenario", path, "--duration", "1s"], None);
        assert_no_leak(
            &["frame", "--scenario", path, "--at", "1s", "--size", "80x24"],
            None,
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

//! Control characters in scenario strings never reach the terminal: a scenario whose name,
//! description, server name and caption hold `ESC ]52;…` (clipboard write), `ESC [2J`
//! (clear screen), BEL, CR and C1 CSI is checked, simulated (text and JSON) and framed
//! through the real binary, and an error quoting such a string is escaped too.

mod support;

use std::process::Command;

use support::process::output;

const BIN: &str = env!("CARGO_BIN_EXE_ringside");

/// Bytes that act on a terminal: ESC, BEL, CR, DEL and the 8-bit CSI.
const RAW: &[char] = &['\u{1b}', '\u{7}', '\r', '\u{7f}', '\u{9b}'];

/// TOML escapes (the file itself stays printable) that decode into terminal commands.
const HOSTILE: &str = r#"name = "evil\u001b]52;c;aGk=\u0007"
description = "wipe\u001b[2J\r\u007f\u009b6n"
duration = "2s"

[[servers]]
name = "s\u001b[31mred"

[[servers]]
name = "plain"

[[events]]
at = "1s"
action = "caption"
caption = "ring\u0007ring"
"#;

/// Runs the binary; returns (exit code, stdout, stderr).
fn ringside(args: &[&str]) -> (i32, String, String) {
    let out = output(Command::new(BIN).args(args));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn assert_clean(what: &str, text: &str) {
    assert!(
        !text.contains(RAW),
        "{what} writes a raw control character: {text:?}"
    );
}

#[test]
fn check_simulate_and_frame_escape_control_characters() {
    let dir = std::env::temp_dir().join(format!("ringside-ctl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("evil.toml");
    std::fs::write(&path, HOSTILE).unwrap();
    let path = path.to_str().unwrap();

    let (code, out, err) = ringside(&["check", path]);
    assert_eq!(code, 0, "{err}");
    assert_clean("check", &out);
    assert!(out.contains(r"evil\u{1b}]52;c;aGk=\u{7}"), "{out}");
    assert!(out.contains(r"wipe\u{1b}[2J\r\u{7f}\u{9b}6n"), "{out}");
    assert!(out.contains(r"s\u{1b}[31mred"), "{out}");

    let (code, out, err) = ringside(&["simulate", "--scenario", path, "--format", "text"]);
    assert_eq!(code, 0, "{err}");
    assert_clean("simulate --format text", &out);
    assert_clean("simulate's stderr", &err);
    assert!(out.contains(r"s\u{1b}[31mred"), "{out}");

    let (code, out, err) = ringside(&["simulate", "--scenario", path, "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        json["scenario"], "evil\u{1b}]52;c;aGk=\u{7}",
        "JSON keeps the value"
    );
    assert!(!out.contains(['\u{1b}', '\u{7}', '\r']), "JSON escapes C0");

    for format in ["text", "svg", "html"] {
        let args = [
            "frame",
            "--scenario",
            path,
            "--at",
            "1500ms",
            "--format",
            format,
        ];
        let (code, out, err) = ringside(&args);
        assert_eq!(code, 0, "{err}");
        assert_clean(&format!("frame --format {format}"), &out);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn errors_quoting_user_strings_are_escaped() {
    let dir = std::env::temp_dir().join(format!("ringside-ctl-err-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad.toml");
    let bad = format!(
        "{HOSTILE}\n[[events]]\nat = \"1500ms\"\naction = \"inject_fault\"\nserver = \"x\\u001b[2J\"\nfault = \"down\"\n"
    );
    std::fs::write(&path, bad).unwrap();
    let (code, out, err) = ringside(&["check", path.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert_clean("check's error", &err);
    assert!(err.contains(r"x\u{1b}[2J"), "{err}");
    // A scenario name given on the command line.
    let (code, _, err) = ringside(&["check", "no-such\u{1b}[2J"]);
    assert_eq!(code, 1);
    assert_clean("an unknown scenario's error", &err);
    let _ = std::fs::remove_dir_all(&dir);
}

//! The skip helper itself: a present tool runs the test, a missing one fails in CI and is
//! recorded as a skip elsewhere.

mod support;

use support::tools::require_tool_in;

/// A tool name that no system has.
const MISSING: &str = "ringside-no-such-tool-7f3a9c";

fn skip_file(name: &str) -> std::path::PathBuf {
    let path =
        std::env::temp_dir().join(format!("ringside-skips-{}-{name}.txt", std::process::id()));
    let _ = std::fs::remove_file(&path);
    path
}

#[test]
fn a_present_tool_runs_the_test_with_or_without_ci() {
    let file = skip_file("present");
    assert!(require_tool_in(
        "sh",
        Some("true"),
        Some(&file),
        "t::present"
    ));
    assert!(require_tool_in("sh", None, Some(&file), "t::present"));
    assert!(!file.exists(), "nothing recorded");
}

#[test]
fn a_missing_tool_outside_ci_is_a_recorded_skip() {
    let file = skip_file("missing");
    for ci in [None, Some("")] {
        assert!(!require_tool_in(MISSING, ci, Some(&file), "t::one"));
    }
    assert!(!require_tool_in(MISSING, None, None, "t::unrecorded"));
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(
        text,
        format!("t::one: needs {MISSING}\nt::one: needs {MISSING}\n")
    );
    std::fs::remove_file(&file).unwrap();
}

#[test]
fn a_missing_tool_in_ci_is_a_failure() {
    let file = skip_file("ci");
    for ci in ["true", "1", "yes"] {
        let err = std::panic::catch_unwind(|| {
            require_tool_in(MISSING, Some(ci), Some(&file), "t::ci");
        })
        .expect_err("CI must fail on a missing tool");
        let msg = err
            .downcast_ref::<String>()
            .expect("a formatted panic message");
        assert!(msg.contains(MISSING) && msg.contains("CI"), "{msg}");
    }
    assert!(!file.exists(), "a failure is not recorded as a skip");
}

#[test]
fn the_running_test_is_named_in_the_record() {
    // Outside CI with the tool present, require_tool reads the real environment and passes.
    assert!(support::tools::require_tool("sh"));
}

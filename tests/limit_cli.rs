//! `ringside limit`: exact output on a small trace for each algorithm (worked out by hand
//! from the definitions in issue 15), and located errors.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn run(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ringside"))
        .arg("limit")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn ringside");
    let mut pipe = child.stdin.take().unwrap();
    let input = stdin.as_bytes().to_vec();
    // Write from another thread so a full stdout pipe cannot deadlock us.
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    let out = child.wait_with_output().expect("wait ringside");
    writer.join().unwrap();
    out
}

/// The trace every algorithm decides: a burst at a window boundary (W = 1000 ms, L = 2).
const TRACE: &str = "0 a\n0 a\n0 b\r\n\n998 a\n999 a\n1000 a\n1000 a\n1500 a\n1999 a\n2000 a\n";

fn verdicts(args: &[&str]) -> Vec<String> {
    let out = run(args, TRACE);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let times: Vec<&str> = TRACE.lines().filter(|l| !l.trim().is_empty()).collect();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), times.len());
    lines
        .iter()
        .zip(times)
        .map(|(line, input)| {
            let mut words = input.split_whitespace();
            let (t, key) = (words.next().unwrap(), words.next().unwrap());
            let verdict = line
                .strip_prefix(&format!("{t}\t{key}\t"))
                .unwrap_or_else(|| panic!("{line:?} does not echo {input:?}"));
            verdict.to_string()
        })
        .collect()
}

fn window(name: &str) -> Vec<String> {
    verdicts(&["--algorithm", name, "--limit", "2", "--window", "1000"])
}

fn expect(v: &str) -> Vec<String> {
    v.split(' ').map(String::from).collect()
}

#[test]
fn fixed_window_admits_two_per_window_and_twice_that_across_a_boundary() {
    // Window 0: a, a (then 998, 999 denied); b alone. Window 1: 1000, 1000, then denied.
    assert_eq!(
        window("fixed-window"),
        expect("allow allow allow deny deny allow allow deny deny allow")
    );
}

#[test]
fn sliding_log_counts_the_last_window_exactly() {
    // a's allowed: 0, 0. 998, 999 deny (0 in (−2, 998]); 1000: (0, 1000] holds none → allow
    // twice; 1500, 1999 deny; 2000: 1000s have left (1000, 2000] → allow.
    assert_eq!(
        window("sliding-log"),
        expect("allow allow allow deny deny allow allow deny deny allow")
    );
}

#[test]
fn sliding_window_weighs_the_previous_window() {
    // 1000: prev 2·1000 = 2000, not below 2000 → deny (twice); 1500: 2·500 = 1000 → allow;
    // 1999: 2·1 + 1·1000 = 1002 → allow; 2000: prev 2·1000 → deny.
    assert_eq!(
        window("sliding-window"),
        expect("allow allow allow deny deny deny deny allow allow deny")
    );
}

#[test]
fn token_bucket_refills_continuously() {
    // C = 2, R = 2/s: one token per 500 ms. a: 0, 0 take both; 998 has 1.996 → allow;
    // 999: 0.998 → deny; 1000: 1.0 → allow; then 0 → deny; 1500: 1 → allow;
    // 1999: 0.998 → deny; 2000: 1 → allow.
    assert_eq!(
        verdicts(&[
            "--algorithm",
            "token-bucket",
            "--capacity",
            "2",
            "--refill",
            "2"
        ]),
        expect("allow allow allow allow deny allow deny allow deny allow")
    );
}

fn assert_fails(args: &[&str], stdin: &str, needle: &str) -> String {
    let out = run(args, stdin);
    // 1 for ringside's errors, 2 for a value clap rejects.
    assert!(
        matches!(out.status.code(), Some(1 | 2)),
        "{args:?} should fail"
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains(needle), "{stderr:?} lacks {needle:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn bad_input_is_a_located_error_after_the_decisions_before_it() {
    let fixed = [
        "--algorithm",
        "fixed-window",
        "--limit",
        "1",
        "--window",
        "10",
    ];
    let before = assert_fails(&fixed, "5 a\n3 a\n", "stdin line 2: time 3 ms is earlier");
    assert_eq!(before, "5\ta\tallow\n");
    assert_fails(
        &fixed,
        "1 a\nx a\n",
        "stdin line 2: T must be a whole number",
    );
    assert_fails(&fixed, "1 a b\n", "stdin line 1: expected `T KEY`");
    assert_fails(&fixed, "1\n", "stdin line 1: expected `T KEY`");
    assert_fails(&fixed, "-1 a\n", "stdin line 1: T must be");
    assert_fails(&fixed, "18446744073709551615 a\n", "stdin line 1: time");
}

#[test]
fn flags_must_fit_the_algorithm() {
    let fails = |args: &[&str], needle: &str| assert_fails(args, "", needle);
    fails(
        &[
            "--algorithm",
            "token-bucket",
            "--capacity",
            "2",
            "--refill",
            "1",
            "--window",
            "5",
        ],
        "--window does not apply to token-bucket",
    );
    fails(
        &[
            "--algorithm",
            "sliding-log",
            "--limit",
            "2",
            "--window",
            "5",
            "--refill",
            "1",
        ],
        "--refill does not apply to sliding-log",
    );
    fails(
        &["--algorithm", "fixed-window", "--limit", "2"],
        "fixed-window needs --limit L --window W",
    );
    fails(
        &["--algorithm", "token-bucket"],
        "token-bucket needs --capacity C --refill R",
    );
    fails(
        &[
            "--algorithm",
            "sliding-window",
            "--limit",
            "0",
            "--window",
            "5",
        ],
        "limit must be at least 1",
    );
    fails(&["--algorithm", "leaky"], "unknown rate-limiting algorithm");
    fails(
        &[
            "--algorithm",
            "leaky-queue",
            "--capacity",
            "2",
            "--refill",
            "1",
        ],
        "leaky-queue runs in the simulation only",
    );
    for engine_only in ["adaptive-throttling", "concurrency"] {
        fails(
            &["--algorithm", engine_only],
            &format!("{engine_only} runs in the simulation only"),
        );
    }
}

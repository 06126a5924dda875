//! The comparison on screen (`--compare`): both sides' panels in pairs, the scoreboard
//! showing exactly the scores `ringside compare` computes headless for the same run, the
//! sides named, a clear screen below the minimum size, and the live dashboard in tmux.

mod support;

use std::path::PathBuf;
use std::process::Command;

use insta::assert_snapshot;
use serde_json::Value;
use support::process::output;
use support::tmux::{Session, keys, wait_for, wait_for_file};
use support::tools::require_tool;

fn ringside(args: &[&str]) -> (i32, String, String) {
    let out = output(Command::new(env!("CARGO_BIN_EXE_ringside")).args(args));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn frame(size: &str) -> String {
    let (code, out, err) = ringside(&[
        "frame",
        "--compare",
        "vnodes=8",
        "--at",
        "10s",
        "--size",
        size,
    ]);
    assert_eq!(code, 0, "{err}");
    out
}

/// The scoreboard column of a frame (between the sides' panels), one trimmed line per row.
fn scoreboard(screen: &str) -> Vec<String> {
    screen
        .lines()
        .filter_map(|l| {
            // Rows are `│A…││board││B…│`: the board is the second `││`-separated cell.
            let cells: Vec<&str> = l.split("││").collect();
            (cells.len() == 3).then(|| cells[1].trim().to_string())
        })
        .collect()
}

/// The value line under measure `name` in the scoreboard: `(A, B)`.
fn measure(board: &[String], name: &str) -> (String, String) {
    let i = board
        .iter()
        .position(|l| l == name)
        .unwrap_or_else(|| panic!("{name} in {board:#?}"));
    let mut values = board[i + 1].split_whitespace();
    (
        values.next().unwrap().to_string(),
        values.next().unwrap().to_string(),
    )
}

#[test]
fn the_scoreboard_shows_the_headless_scores_of_the_same_run() {
    let (code, out, err) = ringside(&[
        "compare",
        "--b",
        "vnodes=8",
        "--duration",
        "10s",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let score = |side: &str, key: &str| v[side]["scores"][key].as_f64().unwrap();
    for size in ["120x40", "200x60"] {
        let screen = frame(size);
        let board = scoreboard(&screen);
        let both = |key: &str, f: &dyn Fn(f64) -> String| (f(score("a", key)), f(score("b", key)));
        assert_eq!(
            measure(&board, "peak/mean load"),
            both("peak_to_mean_load", &|x| format!("{x:.3}"))
        );
        assert_eq!(
            measure(&board, "fault → open"),
            both("time_to_open_ms", &|x| format!("{x:.1}ms"))
        );
        assert_eq!(
            measure(&board, "rate-limited"),
            both("rate_limited_fraction", &|x| format!("{:.2}%", x * 100.0))
        );
        let moved = |side: &str| {
            let m = v[side]["scores"]["moved_fraction"].as_array().unwrap();
            format!("{:.1}%", m.last().unwrap().as_f64().unwrap() * 100.0)
        };
        assert_eq!(
            measure(&board, "keys moved (last)"),
            (moved("a"), moved("b"))
        );
        assert_eq!(
            measure(&board, "amplification"),
            both("amplification", &|x| format!("×{x:.2}"))
        );
    }
}

#[test]
fn both_sides_are_named_and_drawn_from_their_own_runs() {
    let screen = frame("200x60");
    let head = screen.lines().find(|l| l.contains("A · ")).unwrap();
    assert!(head.contains("A · as written"), "{head}");
    assert!(head.contains("A  vs  B"), "{head}");
    assert!(head.contains("B · vnodes=8"), "{head}");
    // A's ring has the scenario's 150 vnodes, B's 8: each legend says its own.
    let ring_row = screen
        .lines()
        .find(|l| l.contains("vnodes/server"))
        .unwrap();
    let a = ring_row
        .find("150 vnodes/server")
        .expect("A's balance line");
    let b = ring_row
        .find("8 vnodes/server ·")
        .expect("B's balance line");
    assert!(a < b, "A on the left: {ring_row}");
    for panel in ["Ring · 4 servers", "Buckets ·", "Breakers ·", "Traffic /s"] {
        assert_eq!(
            screen.lines().filter(|l| l.contains(panel)).count(),
            1,
            "{panel}: one row holds both sides' panels"
        );
        let row = screen.lines().find(|l| l.contains(panel)).unwrap();
        assert_eq!(row.matches(panel).count(), 2, "{panel} twice in {row}");
    }
}

#[test]
fn compare_frames_at_120x40_and_200x60() {
    assert_snapshot!("compare_120x40", frame("120x40"));
    assert_snapshot!("compare_200x60", frame("200x60"));
}

#[test]
fn below_its_minimum_the_comparison_says_what_it_needs() {
    let screen = frame("99x40");
    assert!(screen.contains("Terminal too small"), "{screen}");
    assert!(screen.contains("99×40, need 100×30"), "{screen}");
}

#[test]
fn bad_compare_settings_are_refused_before_the_terminal_is_touched() {
    for (arg, want) in [
        ("ring=chord", "ring=chord: unknown algorithm"),
        ("colour=red", "unknown setting \"colour\""),
    ] {
        let (code, out, err) = ringside(&["--compare", arg]);
        assert_eq!(code, 2, "{err}");
        assert!(out.is_empty());
        assert!(err.contains(want), "{err}");
    }
}

#[test]
fn the_live_comparison_runs_in_tmux_and_quits_cleanly() {
    if !require_tool("tmux") {
        return;
    }
    let bin = env!("CARGO_BIN_EXE_ringside");
    let id = std::process::id();
    let dir: PathBuf = std::env::temp_dir().join(format!("ringside-compare-e2e-{id}"));
    std::fs::create_dir_all(&dir).unwrap();
    let exit_file = dir.join("exit");
    let script = format!(
        "{bin} --compare vnodes=8 --seed 1; echo EXIT=$? > {exit}; echo SHELL-BACK; sleep 60",
        exit = exit_file.display()
    );
    let session = Session::start(format!("ringside-compare-e2e-{id}"), (200, 60), &script);
    let s = session.name();
    let screen = wait_for(s, "both sides", |s| {
        s.contains("B · vnodes=8") && s.matches("Ring · ").count() == 2
    });
    assert!(screen.contains("A · as written"), "{screen}");
    // A command goes to both sides: adding a server adds it to both rings.
    keys(s, "a");
    wait_for(s, "a server added on both sides", |s| {
        s.matches("Ring · 4 servers").count() == 2
    });
    keys(s, "q");
    wait_for(s, "the shell", |s| s.contains("SHELL-BACK"));
    wait_for_file(&exit_file);
    let exit = std::fs::read_to_string(&exit_file).unwrap();
    assert_eq!(exit.trim(), "EXIT=0");
    drop(session);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_readme_capture_is_what_frame_draws() {
    let readme = include_str!("../README.md");
    let start = readme
        .find("`ringside frame --compare vnodes=8 --at 10s --size 120x40`")
        .expect("the capture's command in README");
    let body = &readme[start..];
    let body = &body[body.find("```text\n").unwrap() + "```text\n".len()..];
    let shown = &body[..body.find("```").unwrap()];
    let drawn: String = frame("120x40")
        .lines()
        .map(|l| l.trim_end().to_string() + "\n")
        .collect();
    assert_eq!(
        shown, drawn,
        "README capture is stale: regenerate it with `ringside frame --compare vnodes=8 --at 10s --size 120x40 | sed 's/[[:space:]]*$//'`"
    );
}

#[test]
fn a_focused_pattern_gets_the_whole_screen_for_its_pair() {
    let (code, out, err) = ringside(&[
        "frame",
        "--compare",
        "vnodes=8",
        "--focus",
        "ring",
        "--at",
        "10s",
        "--size",
        "120x40",
    ]);
    assert_eq!(code, 0, "{err}");
    // Only the ring row: both rings with their full legends, no other panel.
    assert_eq!(out.matches("Ring · 4 servers").count(), 2, "{out}");
    for gone in ["Buckets ·", "Breakers ·", "Traffic /s"] {
        assert!(!out.contains(gone), "{gone} in {out}");
    }
    assert_eq!(
        out.matches("■gamma").count(),
        4,
        "each legend lists every server: {out}"
    );
    assert_snapshot!("compare_ring_120x40", out);
}

/// The `compare-breakers` story at 20 s: its own side B (`breaker=count-window`), the
/// breaking scoreboard showing the headless scores of the same run, and B's breaker rows
/// reading the window's failure rate against its threshold.
#[test]
fn the_compare_breakers_story_on_screen() {
    let (code, screen, err) = ringside(&[
        "frame",
        "--scenario",
        "compare-breakers",
        "--at",
        "20s",
        "--size",
        "120x40",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_snapshot!("compare_breakers_120x40", screen);
    let (code, out, err) = ringside(&[
        "compare",
        "--scenario",
        "compare-breakers",
        "--duration",
        "20s",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let score = |side: &str, key: &str| v[side]["scores"][key].as_u64().unwrap().to_string();
    let board = scoreboard(&screen);
    assert_eq!(
        measure(&board, "failed before open"),
        (
            score("a", "failed_before_open"),
            score("b", "failed_before_open")
        )
    );
    assert_eq!(
        measure(&board, "false trips"),
        (score("a", "false_trips"), score("b", "false_trips"))
    );
    let ms = |side: &str| {
        format!(
            "{:.1}ms",
            v[side]["scores"]["time_to_open_ms"].as_f64().unwrap()
        )
    };
    assert_eq!(measure(&board, "fault → open"), (ms("a"), ms("b")));
    // A counts consecutive failures, B the window's failure rate (threshold 50%).
    let rows: Vec<&str> = screen.lines().filter(|l| l.contains("─closed")).collect();
    assert!(rows.iter().any(|r| r.contains("/5 failures")), "{rows:#?}");
    assert!(rows.iter().any(|r| r.contains("%/50% failed")), "{rows:#?}");
}

/// `compare-limiters` just after its window boundary: each side's buckets panel names its
/// window limiter and budget, and the limiting scoreboard shows the headless scores of the
/// same run, the worst window excess among them.
#[test]
fn the_limiter_comparison_shows_its_windows_and_their_scores() {
    let (code, screen, err) = ringside(&[
        "frame",
        "--scenario",
        "compare-limiters",
        "--at",
        "5100ms",
        "--size",
        "200x60",
    ]);
    assert_eq!(code, 0, "{err}");
    let row = screen
        .lines()
        .find(|l| l.contains("Buckets: fixed-window"))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(row.contains("Buckets: sliding-window"), "{row}");
    assert_eq!(row.matches("20 per 1.000s").count(), 2, "{row}");
    let (code, out, err) = ringside(&[
        "compare",
        "--scenario",
        "compare-limiters",
        "--duration",
        "5100ms",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let count = |side: &str, key: &str| v[side]["scores"][key].as_u64().unwrap().to_string();
    let board = scoreboard(&screen);
    for (name, key) in [
        ("wrong vs exact log", "wrong_decisions"),
        ("over-admitted", "wrongly_allowed"),
        ("worst window excess", "worst_window_excess"),
    ] {
        assert_eq!(measure(&board, name), (count("a", key), count("b", key)));
    }
    assert_snapshot!("compare_limiters_200x60", screen);
}

/// The feedback limiters on side B: the panel says what its bars show (`limit − in
/// flight` out of the limit, or the % of attempts let through out of 100), each row is
/// such a pair, and the scoreboard's limiting scores are `ringside compare`'s for the run.
#[test]
fn feedback_limiters_say_what_their_bars_show() {
    for (algorithm, shows) in [
        ("concurrency", "limit − in flight"),
        ("adaptive-throttling", "% let through"),
    ] {
        let b = format!("limiter={algorithm}");
        let args = ["frame", "--scenario", "compare-limiters", "--compare", &b];
        let mut args = args.to_vec();
        args.extend(["--at", "8s", "--size", "120x40"]);
        let (code, screen, err) = ringside(&args);
        assert_eq!(code, 0, "{err}");
        let title = format!("Limits: {algorithm} · {shows}");
        let top = screen
            .lines()
            .position(|l| l.contains(&title))
            .unwrap_or_else(|| panic!("{title} in\n{screen}"));
        // B's rows: `name bar room/limit ✗denied` in the right-hand panel.
        for line in screen.lines().skip(top + 1).take(4) {
            let b_cell = line.rsplit("││").next().unwrap();
            let pair = b_cell
                .split_whitespace()
                .find(|w| w.contains('/'))
                .unwrap_or_else(|| panic!("{line}"));
            let (room, limit) = pair.split_once('/').unwrap();
            let (room, limit): (u32, u32) = (room.parse().unwrap(), limit.parse().unwrap());
            assert!(room <= limit, "{line}");
            match algorithm {
                "concurrency" => assert!((1..=1000).contains(&limit), "{line}"),
                _ => assert_eq!(limit, 100, "{line}"),
            }
        }
        let (code, out, err) = ringside(&[
            "compare",
            "--scenario",
            "compare-limiters",
            "--b",
            &b,
            "--duration",
            "8s",
            "--format",
            "json",
        ]);
        assert_eq!(code, 0, "{err}");
        let v: Value = serde_json::from_str(&out).unwrap();
        let wrong = v["b"]["scores"]["wrong_decisions"].as_u64().unwrap();
        let board = scoreboard(&screen);
        assert_eq!(measure(&board, "wrong vs exact log").1, wrong.to_string());
    }
}

/// The `compare-hashing` story (side B: its own `ring=maglev`) at `size`, 2 s after
/// epsilon joined (alpha, beta, gamma, delta, epsilon).
fn maglev_frame(size: &str) -> String {
    let args = [
        "frame",
        "--scenario",
        "compare-hashing",
        "--compare",
        "ring=maglev",
    ];
    let (code, out, err) = ringside(&[&args[..], &["--at", "18s", "--size", size]].concat());
    assert_eq!(code, 0, "{err}");
    out
}

#[test]
fn compare_maglev_frames_at_120x40_and_200x60() {
    assert_snapshot!("compare_maglev_120x40", maglev_frame("120x40"));
    assert_snapshot!("compare_maglev_200x60", maglev_frame("200x60"));
}

/// Side B's ring panel under maglev draws no circle, names the algorithm, and shows each
/// server's share of the keys: the shares the library's Maglev gives the story's 20,000
/// keys over the five servers (the oracle-tested implementation), one bar a server.
#[test]
fn a_side_without_a_ring_shows_its_key_shares_not_a_circle() {
    use ringside::patterns::hashing::{Algorithm, Hashing, Key, Params};
    let servers = ["alpha", "beta", "gamma", "delta", "epsilon"];
    let mut maglev = Hashing::new(Algorithm::Maglev, &Params::default(), servers).unwrap();
    let mut counts = [0u32; 5];
    for k in 0..20_000 {
        let name = format!("key-{k}");
        counts[maglev.owner(Key::new(name.as_bytes())).unwrap()] += 1;
    }
    for size in ["120x40", "200x60"] {
        let screen = maglev_frame(size);
        // B's cells: right of the scoreboard, on the rows of the first panel row.
        let b_side: Vec<&str> = screen
            .lines()
            .skip(2)
            .take_while(|l| !l.contains("Buckets"))
            .filter_map(|l| l.split("││").nth(2))
            .collect();
        let b = b_side.join("\n");
        // Titles sit on the border row: A's ring, B's hashing panel.
        assert_eq!(screen.matches("Hashing · 5 servers").count(), 1, "{size}");
        assert_eq!(screen.matches("Ring · 5 servers").count(), 1, "{size}");
        assert!(
            b.contains("maglev M=65537: no ring; shares of the keys")
                || b.contains("maglev: no ring"),
            "{size}: {b}"
        );
        // No braille: no circle, no key dots.
        assert!(
            !b.chars().any(|c| ('\u{2800}'..='\u{28ff}').contains(&c)),
            "{size}: {b}"
        );
        for (name, count) in servers.iter().zip(counts) {
            let pct = format!("{:.1}%", f64::from(count) / 200.0);
            let bar = b
                .lines()
                .find(|l| l.trim_start_matches('│').starts_with(name) && l.contains('█'))
                .unwrap_or_else(|| panic!("{size}: no bar for {name} in {b}"));
            assert!(bar.contains(&pct), "{size}: {name} {pct} in {bar}");
        }
        // The circles' key describes circles: not on a side that has none.
        assert!(!b.contains("outer band"), "{size}: {b}");
    }
}

/// A story's captions speak of the side B it names: with another B they are not shown (the
/// line names the story and the B its captions are for); a plain scenario's captions speak
/// of side A and say so.
#[test]
fn captions_are_true_of_the_sides_on_screen() {
    let first_line = |args: &[&str]| {
        let (code, out, err) =
            ringside(&[&["frame", "--at", "8s", "--size", "120x40"], args].concat());
        assert_eq!(code, 0, "{err}");
        out.lines().next().unwrap().trim_end().to_string()
    };
    let story = first_line(&["--scenario", "compare-breakers"]);
    assert!(story.starts_with("▶ Five failures in a row"), "{story}");
    let other_b = first_line(&[
        "--scenario",
        "compare-breakers",
        "--compare",
        "breaker=time-window",
    ]);
    assert_eq!(
        other_b,
        "ringside · compare-breakers · its captions are for B = breaker=count-window"
    );
    let plain = first_line(&["--compare", "vnodes=8"]);
    assert!(plain.starts_with("▶ A: "), "{plain}");
}

/// A key traced on a side without a ring is told in text: its owners by that side's
/// algorithm (the library's Maglev over the servers in join order, replicas 2), no ring
/// position; side A still gives its ring position and ring owners.
#[test]
fn a_traced_key_on_a_side_without_a_ring_names_its_algorithms_owners() {
    use ringside::patterns::hashing::{Algorithm, Hashing, Key, Params};
    let servers = ["alpha", "beta", "gamma", "delta", "epsilon"];
    let maglev = Hashing::new(Algorithm::Maglev, &Params::default(), servers).unwrap();
    for key in ["user:42", "key-7", "cart:9"] {
        let mut owners = Vec::new();
        maglev.lookup(Key::new(key.as_bytes()), 2, &mut owners);
        let want = format!(
            "key {key:?} → owner {} · replicas {} · now served by {}",
            servers[owners[0]], servers[owners[1]], servers[owners[0]]
        );
        let args = ["frame", "--scenario", "compare-hashing", "--at", "18s"];
        let (code, screen, err) =
            ringside(&[&args[..], &["--size", "200x60", "--trace", key]].concat());
        assert_eq!(code, 0, "{err}");
        let b_side: String = screen
            .lines()
            .filter_map(|l| l.split("││").nth(2))
            .map(|l| l.trim_matches(|c| c == '│' || c == ' '))
            .collect::<Vec<_>>()
            .join("\n");
        assert!(b_side.contains(&want), "{key}: want {want} in\n{b_side}");
        let a_line = screen
            .lines()
            .find(|l| l.contains(&format!("key {key:?} → 0x")))
            .unwrap_or_else(|| panic!("{key}: side A's trace in\n{screen}"));
        assert!(a_line.split("││").count() > 1, "{a_line}");
        assert!(!b_side.contains(&format!("{key:?} → 0x")), "{b_side}");
    }
}

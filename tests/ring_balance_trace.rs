//! `ringside ring --balance` and `--trace KEY` against an oracle written from the ring's
//! definition: every server's points `md5("{server}:{i}")` read big-endian, sorted; a
//! point owns the arc from the point before it (inclusive) to itself (exclusive).

use std::process::{Command, Output};

use md5::{Digest, Md5};

fn ring(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ringside"))
        .arg("ring")
        .args(args)
        .output()
        .expect("run ringside ring")
}

fn stdout_of(args: &[&str]) -> String {
    let out = ring(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

fn md5_u128(bytes: &[u8]) -> u128 {
    u128::from_be_bytes(Md5::digest(bytes).into())
}

/// The ring's points sorted by (position, server name), as (position, server, vnode).
fn oracle_points(servers: &[&str], vnodes: u32) -> Vec<(u128, String, u32)> {
    let mut points: Vec<(u128, String, u32)> = servers
        .iter()
        .flat_map(|s| {
            (0..vnodes).map(move |i| (md5_u128(format!("{s}:{i}").as_bytes()), s.to_string(), i))
        })
        .collect();
    points.sort();
    points
}

/// An exact count of positions: `carry * 2^128 + low`.
type Exact = (u32, u128);

fn add(a: Exact, b: u128) -> Exact {
    let (low, overflow) = a.1.overflowing_add(b);
    (a.0 + u32::from(overflow), low)
}

/// Each server's exact number of owned positions, by a direct walk over the sorted points.
fn oracle_shares(servers: &[&str], vnodes: u32) -> Vec<(String, Exact)> {
    let points = oracle_points(servers, vnodes);
    let mut shares: Vec<(String, Exact)> =
        servers.iter().map(|s| (s.to_string(), (0, 0))).collect();
    for (j, (pos, server, _)) in points.iter().enumerate() {
        let arc = if j == 0 {
            // From the last point round past zero: 2^128 - last + first.
            let last = points[points.len() - 1].0;
            let to_zero = if last == 0 {
                (1, 0)
            } else {
                (0, last.wrapping_neg())
            };
            add(to_zero, *pos)
        } else {
            (0, pos - points[j - 1].0)
        };
        let slot = &mut shares.iter_mut().find(|(s, _)| s == server).unwrap().1;
        *slot = add((slot.0 + arc.0, slot.1), arc.1);
    }
    shares.sort();
    shares
}

/// `share` truncated to 20 digits after the point: floor(share * 10^20 / 2^128), computed
/// as floor(share * 5^20 / 2^108) in 64-bit halves.
fn oracle_decimal(share: Exact) -> String {
    if share == (1, 0) {
        return format!("1.{}", "0".repeat(20));
    }
    assert_eq!(share.0, 0, "a share above 1");
    const FIVE_POW_20: u128 = 95_367_431_640_625;
    let (a, b) = (share.1 >> 64, share.1 & u128::from(u64::MAX));
    let digits = (a * FIVE_POW_20 + ((b * FIVE_POW_20) >> 64)) >> 44;
    format!("0.{digits:020}")
}

fn to_f64(share: Exact) -> f64 {
    f64::from(share.0) + share.1 as f64 / 2f64.powi(128)
}

fn check_balance(servers: &[&str], vnodes: u32) {
    let list = servers.join(",");
    let v = vnodes.to_string();
    let text = stdout_of(&["--servers", &list, "--vnodes", &v, "--balance"]);
    let lines: Vec<Vec<&str>> = text.lines().map(|l| l.split('\t').collect()).collect();
    let want = oracle_shares(servers, vnodes);
    assert_eq!(lines.len(), want.len() + 2, "{text}");

    // The exact shares sum to exactly 2^128: 1 as a fraction, before any formatting.
    let total = want
        .iter()
        .fold((0, 0), |sum, (_, s)| add((sum.0 + s.0, sum.1), s.1));
    assert_eq!(total, (1, 0), "{servers:?} x{vnodes}");

    for ((name, share), line) in want.iter().zip(&lines) {
        assert_eq!(line.len(), 2, "{line:?}");
        assert_eq!(line[0], name);
        assert_eq!(line[1], oracle_decimal(*share), "{name} x{vnodes}");
    }

    let n = want.len() as f64;
    let fractions: Vec<f64> = want.iter().map(|&(_, s)| to_f64(s)).collect();
    let peak = fractions.iter().copied().fold(0.0, f64::max) * n;
    let mean = 1.0 / n;
    let cv = (fractions.iter().map(|f| (f - mean).powi(2)).sum::<f64>() / n).sqrt() / mean;
    let stat = |line: &Vec<&str>, name: &str| {
        assert_eq!(line[0], name);
        line[1].parse::<f64>().unwrap()
    };
    let got_peak = stat(&lines[want.len()], "peak_to_mean");
    let got_cv = stat(&lines[want.len() + 1], "cv");
    assert!((got_peak - peak).abs() < 1e-9, "peak {got_peak} vs {peak}");
    assert!((got_cv - cv).abs() < 1e-9, "cv {got_cv} vs {cv}");
}

#[test]
fn balance_shares_are_exact_and_match_a_walk_over_the_points() {
    check_balance(&["server1", "server2", "server3"], 150);
    check_balance(&["a", "b", "c", "d", "e"], 1);
    check_balance(&["a", "b", "c", "d", "e"], 8);
    check_balance(&["cache-1", "cache-2"], 500);
    check_balance(&["only"], 1);
    check_balance(&["ünïcode", "with:colon", "z"], 16);
}

#[test]
fn balance_of_a_lone_server_is_the_whole_space() {
    let text = stdout_of(&["--servers", "only", "--vnodes", "1", "--balance"]);
    assert_eq!(
        text,
        "only\t1.00000000000000000000\npeak_to_mean\t1.0000000000\ncv\t0.0000000000\n"
    );
}

/// Whether `p` lies in the half-open arc `[start, end)` clockwise (all of it when equal).
fn in_arc(p: u128, start: u128, end: u128) -> bool {
    match start.cmp(&end) {
        std::cmp::Ordering::Less => start <= p && p < end,
        std::cmp::Ordering::Greater => p >= start || p < end,
        std::cmp::Ordering::Equal => true,
    }
}

fn check_trace(servers: &[&str], vnodes: u32, key: &str, replicas: usize) {
    let list = servers.join(",");
    let (v, n) = (vnodes.to_string(), replicas.to_string());
    let base = ["--servers", &list, "--vnodes", &v, "--replicas", &n];
    let text = stdout_of(&[&base[..], &["--trace", key]].concat());
    let lines: Vec<Vec<&str>> = text.lines().map(|l| l.split('\t').collect()).collect();
    let names: Vec<&str> = lines.iter().map(|l| l[0]).collect();
    assert_eq!(names, ["position", "owners", "arc", "vnode"], "{text}");

    let position = md5_u128(key.as_bytes());
    assert_eq!(lines[0][1..], [format!("{position:032x}")]);

    // The owners are those `ringside ring --replicas N KEY` prints.
    let lookup = stdout_of(&[&base[..], &[key]].concat());
    let want: Vec<&str> = lookup.trim_end_matches('\n').split('\t').skip(1).collect();
    assert_eq!(lines[1][1..], want[..], "{key:?} x{replicas}");
    assert_eq!(want.len(), replicas.min(servers.len()));

    // The arc: the first point strictly clockwise of the position and the point before it.
    let points = oracle_points(servers, vnodes);
    let j = points.iter().position(|p| p.0 > position).unwrap_or(0);
    let before = &points[(j + points.len() - 1) % points.len()];
    let (owner_pos, owner, vnode) = &points[j];
    let arc = &lines[2];
    assert_eq!(arc.len(), 4, "{arc:?}");
    let start = u128::from_str_radix(arc[1], 16).unwrap();
    let end = u128::from_str_radix(arc[2], 16).unwrap();
    assert!(arc[1].len() == 32 && arc[2].len() == 32, "{arc:?}");
    assert!(in_arc(position, start, end), "{key:?}: {arc:?}");
    assert_eq!((start, end, arc[3]), (before.0, *owner_pos, owner.as_str()));
    assert_eq!(arc[3], want[0], "the arc's owner is the first owner");
    assert_eq!(lines[3][1..], [format!("{owner}:{vnode}")]);
    assert_eq!(md5_u128(lines[3][1].as_bytes()), end);
}

#[test]
fn trace_agrees_with_lookups_md5_and_the_sorted_points() {
    let keys = [
        "user123",
        "session_def",
        "",
        "key with spaces",
        "ключ",
        "user:42",
    ];
    for key in keys {
        for replicas in 1..=3 {
            check_trace(&["server1", "server2", "server3"], 150, key, replicas);
            check_trace(&["a", "b", "c", "d"], 1, key, replicas);
            check_trace(&["cache-1", "cache-2"], 8, key, replicas);
        }
    }
    // One point: the arc is the whole circle.
    check_trace(&["only"], 1, "anything", 2);
}

#[test]
fn trace_refuses_keys_and_balance_refuses_lookup_options() {
    for args in [
        &["--servers", "a,b", "--trace", "k", "other"][..],
        &["--servers", "a,b", "--trace", "k", "--balance"],
        &["--servers", "a,b", "--balance", "k"],
        &["--servers", "a,b", "--balance", "--replicas", "2"],
    ] {
        let out = ring(args);
        assert!(!out.status.success(), "{args:?} should fail");
        assert!(out.stdout.is_empty(), "{args:?} printed output");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("cannot be used with"), "{args:?}: {err}");
    }
    let out = ring(&["--servers", "a", "--replicas", "0", "--trace", "k"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--replicas"));
}

#[test]
fn help_defines_both_formats() {
    let help = stdout_of(&["--help"]);
    for needle in [
        "NAME<TAB>SHARE",
        "peak_to_mean<TAB>X",
        "cv<TAB>Y",
        "population",
        "position<TAB>HEX",
        "owners<TAB>NAME",
        "arc<TAB>START<TAB>END<TAB>OWNER",
        "vnode<TAB>OWNER:I",
    ] {
        assert!(help.contains(needle), "ring --help lacks {needle:?}");
    }
}

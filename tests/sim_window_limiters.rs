//! The engine's window limiters (`[limiter] algorithm`) decide exactly as their
//! definitions (issue 15) say, on the trace of requests the engine itself saw, and the
//! buckets panel's numbers for them (room left in the window) are the definitions' too.
//!
//! One tenant, so every request is that tenant's; the engine is stepped in slices short
//! enough that each slice's requests all stay in its recent-request log.

use ringside::sim::{Engine, RequestOutcome, Scenario};

const MS: u64 = 1_000_000;
/// 10 requests per window of 10 / 20 = 0.5 s.
const LIMIT: usize = 10;
const WINDOW: u64 = 500 * MS;

fn scenario(algorithm: &str) -> Scenario {
    let text = format!(
        r#"
name = "windows"
seed = 9
[[servers]]
name = "alpha"
[traffic]
rate = 30.0
tenants = 1
keys = 100
[limiter]
algorithm = "{algorithm}"
capacity = 10
refill_per_sec = 20.0
[[events]]
at = "2990ms"
action = "burst"
tenant = "acme"
requests = 15
[[events]]
at = "3010ms"
action = "burst"
tenant = "acme"
requests = 15
"#
    );
    Scenario::from_toml(&text, "windows.toml").unwrap()
}

/// Every request of the run so far, `(time, allowed)`, and the buckets panel's room
/// after each slice `(time, tokens, capacity)`.
type Trace = Vec<(u64, bool)>;

fn run(algorithm: &str, slices: u64) -> (Trace, Vec<(u64, f64, u32)>) {
    let mut engine = Engine::from_scenario(&scenario(algorithm), None).unwrap();
    let (mut trace, mut rooms) = (Vec::new(), Vec::new());
    let mut seen = 0u64;
    for _ in 0..slices {
        engine.advance(20 * MS);
        let snap = engine.snapshot();
        let new = (snap.totals.requests - seen) as usize;
        let recent = &snap.recent_requests;
        assert!(
            new <= recent.len(),
            "a slice of {new} requests overflowed the log"
        );
        for r in &recent[recent.len() - new..] {
            trace.push((r.at_ns, r.outcome != RequestOutcome::RateLimited));
        }
        seen = snap.totals.requests;
        assert_eq!(snap.limiter.algorithm, algorithm);
        assert_eq!(snap.limiter.window_ns, Some(WINDOW));
        if let Some(t) = snap.tenants.first() {
            rooms.push((snap.now_ns, t.tokens, t.capacity));
        }
    }
    (trace, rooms)
}

/// Allowed times of the trace.
fn allowed(trace: &[(u64, bool)]) -> Vec<u64> {
    trace.iter().filter(|d| d.1).map(|d| d.0).collect()
}

/// The definitions, as used counts at `t` given the times allowed before.
fn fixed_used(kept: &[u64], t: u64) -> f64 {
    kept.iter().filter(|&&a| a / WINDOW == t / WINDOW).count() as f64
}
fn log_used(kept: &[u64], t: u64) -> f64 {
    kept.iter().filter(|&&a| a + WINDOW > t && a <= t).count() as f64
}
fn counter_weight(kept: &[u64], t: u64) -> u128 {
    let w = t / WINDOW;
    let e = u128::from(t - w * WINDOW);
    let curr = kept.iter().filter(|&&a| a / WINDOW == w).count() as u128;
    let prev = kept.iter().filter(|&&a| a / WINDOW + 1 == w).count() as u128;
    prev * (u128::from(WINDOW) - e) + curr * u128::from(WINDOW)
}

/// Replays `trace` through the definition `allow(kept, t)`.
fn oracle(trace: &[(u64, bool)], allow: impl Fn(&[u64], u64) -> bool) -> Vec<bool> {
    let mut kept = Vec::new();
    trace
        .iter()
        .map(|&(t, _)| {
            let ok = allow(&kept, t);
            if ok {
                kept.push(t);
            }
            ok
        })
        .collect()
}

fn check(algorithm: &str, allow: impl Fn(&[u64], u64) -> bool, used: impl Fn(&[u64], u64) -> f64) {
    let (trace, rooms) = run(algorithm, 300);
    let said: Vec<bool> = trace.iter().map(|d| d.1).collect();
    assert!(
        trace.len() > 150,
        "{algorithm}: only {} requests",
        trace.len()
    );
    assert!(said.iter().any(|a| !a), "{algorithm}: nothing was refused");
    assert_eq!(
        said,
        oracle(&trace, &allow),
        "{algorithm}: decisions differ"
    );
    let kept = allowed(&trace);
    for (now, tokens, capacity) in rooms {
        let upto: Vec<u64> = kept.iter().copied().filter(|&t| t <= now).collect();
        let room = (LIMIT as f64 - used(&upto, now)).max(0.0);
        assert_eq!(capacity as usize, LIMIT);
        assert!(
            (tokens - room).abs() < 1e-9,
            "{algorithm} at {now}: bar {tokens}, room {room}"
        );
    }
}

#[test]
fn fixed_window_decides_by_its_definition() {
    check(
        "fixed-window",
        |k, t| fixed_used(k, t) < LIMIT as f64,
        fixed_used,
    );
}

#[test]
fn sliding_log_decides_by_its_definition() {
    check(
        "sliding-log",
        |k, t| log_used(k, t) < LIMIT as f64,
        log_used,
    );
}

#[test]
fn sliding_window_decides_by_its_definition() {
    check(
        "sliding-window",
        |k, t| counter_weight(k, t) < LIMIT as u128 * u128::from(WINDOW),
        |k, t| counter_weight(k, t) as f64 / WINDOW as f64,
    );
}

#[test]
fn the_fixed_window_lets_twice_its_limit_through_a_boundary() {
    // 15 just before 3 s and 15 just after: the fixed window's windows [2.5, 3) and
    // [3, 3.5) each allow up to 10, so up to 20 pass within 20 ms; the sliding log never
    // more than 10 in any 0.5 s.
    let most_in_a_window = |trace: &[(u64, bool)]| {
        let kept = allowed(trace);
        kept.iter()
            .map(|&end| log_used(&kept, end) as usize)
            .max()
            .unwrap_or(0)
    };
    let (fixed, _) = run("fixed-window", 200);
    let (log, _) = run("sliding-log", 200);
    assert!(
        most_in_a_window(&fixed) > LIMIT + 5,
        "{}",
        most_in_a_window(&fixed)
    );
    assert_eq!(most_in_a_window(&log), LIMIT);
}

//! The engine's breaker under each trip policy, on the outcome sequence a run produces,
//! against an oracle written from the policies' definitions: one server, no failover, a
//! constant 1 ms latency (each call is recorded 1 ms after it is made) and a recovery
//! timeout longer than the run, so every call until the first opening is judged, in order,
//! and every later one is short-circuited.

use ringside::sim::{BreakerState, Engine, RequestOutcome, Scenario};

const S: u64 = 1_000_000_000;
const MS: u64 = 1_000_000;

fn run(breaker: &str) -> Engine {
    let text = format!(
        r#"
name = "policy"
seed = 9
replicas = 1
[[servers]]
name = "solo"
[traffic]
rate = 25.0
tenants = 1
keys = 100
[limiter]
capacity = 100000
refill_per_sec = 100000.0
[breaker]
recovery_timeout = "60s"
{breaker}
[server_defaults]
latency = "1ms"
latency_sigma = 0.0
error_rate = 0.4
timeout = "500ms"
"#
    );
    let sc = Scenario::from_toml(&text, "policy.toml").expect("valid");
    let mut e = Engine::from_scenario(&sc, None).unwrap();
    e.advance(8 * S);
    e
}

/// Each call the server answered, in order: (when it was recorded, whether it failed).
fn judged_calls(e: &Engine) -> Vec<(u64, bool)> {
    let snap = e.snapshot();
    let recent = &snap.recent_requests;
    assert!(
        recent.len() < 256,
        "the run outgrew the recent requests kept"
    );
    recent
        .iter()
        .filter_map(|r| match r.outcome {
            RequestOutcome::Succeeded => Some((r.at_ns + MS, false)),
            RequestOutcome::Failed => Some((r.at_ns + MS, true)),
            _ => None,
        })
        .collect()
}

/// When the breaker first opened, if it did.
fn opened_at(e: &Engine) -> Option<u64> {
    let snap = e.snapshot();
    snap.servers[0]
        .transitions
        .iter()
        .find(|t| t.to == BreakerState::Open)
        .map(|t| t.at_ns)
}

/// The oracle: the record time of the first call after which `trips` holds for the calls
/// judged so far (oldest first).
fn oracle(calls: &[(u64, bool)], trips: impl Fn(&[(u64, bool)]) -> bool) -> Option<u64> {
    (1..=calls.len())
        .find(|&n| trips(&calls[..n]))
        .map(|n| calls[n - 1].0)
}

/// `failures · 100 ≥ percent · calls` once at least `minimum` calls are in `window`.
fn rate_reached(window: &[&(u64, bool)], minimum: usize, percent: usize) -> bool {
    let failures = window.iter().filter(|c| c.1).count();
    window.len() >= minimum && failures * 100 >= percent * window.len()
}

fn check(breaker: &str, trips: impl Fn(&[(u64, bool)]) -> bool) {
    let e = run(breaker);
    let calls = judged_calls(&e);
    let want = oracle(&calls, trips);
    assert!(want.is_some(), "{breaker}: the run should trip it");
    assert_eq!(opened_at(&e), want, "{breaker}");
    // After opening, nothing else reached the server.
    assert_eq!(calls.last().map(|c| c.0), want, "{breaker}");
}

#[test]
fn consecutive_opens_on_the_third_failure_in_a_row() {
    check("failure_threshold = 3", |calls| {
        calls.len() >= 3 && calls[calls.len() - 3..].iter().all(|c| c.1)
    });
}

#[test]
fn count_window_opens_when_six_of_the_last_ten_failed() {
    let policy = r#"policy = "count-window"
window_calls = 10
minimum_calls = 10
failure_rate = 60"#;
    check(policy, |calls| {
        let last: Vec<_> = calls.iter().rev().take(10).collect();
        rate_reached(&last, 10, 60)
    });
}

#[test]
fn time_window_opens_on_the_failure_rate_of_the_last_second() {
    let policy = r#"policy = "time-window"
window_secs = 1
minimum_calls = 8
failure_rate = 60"#;
    check(policy, |calls| {
        let now_s = calls.last().unwrap().0 / S;
        let window: Vec<_> = calls.iter().filter(|c| c.0 / S == now_s).collect();
        rate_reached(&window, 8, 60)
    });
}

//! The engine's leaky queue (`[limiter] algorithm = "leaky-queue"`, issue 15 "in the
//! engine also") decides and sends as its definition says, on the trace of requests the
//! engine itself saw: B = `capacity` may wait, a request offered at `now` is accepted when
//! fewer than B are still waiting (sent after `now`), and is sent at `max(now, previous
//! send + 1/R)`, the first at once. The buckets panel shows the queue (waiting/B), and
//! latency includes the wait.
//!
//! One tenant, so every request is that tenant's; the engine is stepped in slices short
//! enough that each slice's records all stay in its recent-request log.

use ringside::sim::{Engine, RequestOutcome, Scenario};

const MS: u64 = 1_000_000;
/// B = 5 may wait, one sent every 1 / 10 s.
const B: usize = 5;
const INTERVAL: u64 = 100 * MS;
const SLICE: u64 = 20 * MS;

fn scenario() -> Scenario {
    let text = r#"
name = "leaky"
seed = 11
[[servers]]
name = "alpha"
[traffic]
rate = 14.0
tenants = 1
keys = 100
[limiter]
algorithm = "leaky-queue"
capacity = 5
refill_per_sec = 10.0
[[events]]
at = "2990ms"
action = "burst"
tenant = "acme"
requests = 8
[[events]]
at = "4000ms"
action = "burst"
tenant = "acme"
requests = 3
"#;
    Scenario::from_toml(text, "leaky.toml").unwrap()
}

/// A request the engine recorded: when it arrived, and when it was sent (`None`: refused).
type Seen = (u64, Option<u64>);

/// Every request the engine recorded over `slices` slices (by arrival; the refused after
/// the accepted at one instant, as the queue only fills within an instant), each
/// snapshot's `(time, waiting shown, capacity shown)`, and the engine at the end.
fn run(slices: u64) -> (Vec<Seen>, Vec<(u64, f64, u32)>, Engine) {
    let mut engine = Engine::from_scenario(&scenario(), None).unwrap();
    let (mut seen, mut bars) = (Vec::new(), Vec::new());
    let mut recorded = 0u64;
    for _ in 0..slices {
        engine.advance(SLICE);
        let snap = engine.snapshot();
        let t = snap.totals;
        let now_recorded = t.succeeded + t.rate_limited + t.short_circuited + t.failed;
        let new = (now_recorded - recorded) as usize;
        let recent = &snap.recent_requests;
        assert!(new <= recent.len(), "{new} records overflowed the log");
        for r in &recent[recent.len() - new..] {
            let sent = (r.outcome != RequestOutcome::RateLimited).then_some(r.at_ns);
            assert!(sent.is_some() || r.waited_ns == 0);
            seen.push((r.at_ns - r.waited_ns, sent));
        }
        recorded = now_recorded;
        assert_eq!(snap.limiter.algorithm, "leaky-queue");
        assert_eq!(snap.limiter.queue_interval_ns, Some(INTERVAL));
        assert_eq!(snap.limiter.window_ns, None);
        if let Some(tenant) = snap.tenants.first() {
            bars.push((snap.now_ns, tenant.tokens, tenant.capacity));
        }
    }
    seen.sort_by_key(|&(arrived, sent)| (arrived, sent.is_none()));
    (seen, bars, engine)
}

/// The definition, with a literal queue of send times, on the arrival times of `seen`.
fn oracle(seen: &[Seen]) -> Vec<Seen> {
    let mut queue: Vec<u64> = Vec::new();
    let mut previous: Option<u64> = None;
    seen.iter()
        .map(|&(now, _)| {
            queue.retain(|&start| start > now);
            if queue.len() >= B {
                return (now, None);
            }
            let start = previous.map_or(now, |p| now.max(p + INTERVAL));
            previous = Some(start);
            queue.push(start);
            (now, Some(start))
        })
        .collect()
}

#[test]
fn decisions_and_send_times_are_the_definitions() {
    let slices = 300;
    let (seen, bars, engine) = run(slices);
    // Requests still waiting at the end are not recorded yet; any request that arrived
    // before this was sent (at most B intervals after it arrived) or refused.
    let cutoff = slices * SLICE - (B as u64 + 1) * INTERVAL;
    let known: Vec<Seen> = seen.into_iter().filter(|s| s.0 < cutoff).collect();
    assert!(known.len() > 50, "only {} requests", known.len());
    let expected = oracle(&known);
    assert_eq!(known, expected, "decisions or send times differ");
    let waited = known.iter().filter(|(a, s)| s.is_some_and(|s| s > *a));
    assert!(waited.count() > 10, "nothing waited");
    assert!(known.iter().any(|s| s.1.is_none()), "nothing was refused");

    // The bar is the queue: requests accepted by then and not yet sent.
    for (now, shown, capacity) in bars.into_iter().filter(|b| b.0 < cutoff) {
        let waiting = known
            .iter()
            .filter(|(a, s)| *a <= now && s.is_some_and(|s| s > now))
            .count();
        assert_eq!(capacity as usize, B);
        assert_eq!(shown, waiting as f64, "at {now}");
    }

    // Latency shows the wait: the longest wait is within the largest latency.
    let longest = known
        .iter()
        .filter_map(|&(a, s)| s.map(|s| s - a))
        .max()
        .unwrap();
    let waits = engine.queue_waits().unwrap();
    assert!(waits.max_wait_ns >= longest);
    assert!(engine.latency().max >= longest as f64 / 1e6);
    // Every request is refused, sent or still waiting.
    let t = engine.totals();
    let outcomes = t.succeeded + t.short_circuited + t.failed;
    assert_eq!(t.requests, t.rate_limited + outcomes + waits.waiting());
}

#[test]
fn a_shared_backend_is_refused_for_the_leaky_queue() {
    let mut sc = scenario();
    sc.limiter.backend = Some("redis://127.0.0.1:6379/0".to_string());
    let err = sc.validate().unwrap_err().to_string();
    assert!(err.contains("runs in process only"), "{err}");
}

#[test]
fn a_new_rate_or_size_applies_from_the_change_on() {
    use ringside::sim::Command;
    let mut engine = Engine::from_scenario(&scenario(), None).unwrap();
    engine.advance(2995 * MS); // just after the burst: the queue is full
    let before = engine.snapshot();
    assert_eq!(before.tenants[0].tokens, B as f64);
    // Twice the rate: what waits is counted in the new, shorter intervals (the backlog
    // of 5 × 100 ms is 10 of 50 ms), so nothing more is accepted until it drains.
    engine.apply(Command::SetRefillRate(20.0)).unwrap();
    let snap = engine.snapshot();
    assert_eq!(snap.limiter.queue_interval_ns, Some(50 * MS));
    assert_eq!(snap.tenants[0].tokens, 10.0);
    // A larger queue applies at once; the requests already waiting keep their send times.
    engine.apply(Command::SetCapacity(20)).unwrap();
    assert_eq!(engine.snapshot().tenants[0].capacity, 20);
    engine.advance(2_000 * MS);
    let waits = engine.queue_waits().unwrap();
    assert!(waits.max_wait_ns <= 500 * MS, "{waits:?}");
    let t = engine.totals();
    let outcomes = t.succeeded + t.short_circuited + t.failed;
    assert_eq!(t.requests, t.rate_limited + outcomes + waits.waiting());
}

#[test]
fn the_queues_hold_at_most_the_declared_limit() {
    use ringside::sim::Command;
    use ringside::sim::limits::MAX_QUEUED;
    let mut sc = scenario();
    sc.limiter.capacity = 4_000_000;
    sc.events.clear();
    let mut engine = Engine::from_scenario(&sc, None).unwrap();
    let burst = |n| Command::Burst {
        tenant: Some("acme".to_string()),
        requests: n,
    };
    engine.apply(burst(1_000_000)).unwrap();
    engine.apply(burst(1_000)).unwrap();
    let waits = engine.queue_waits().unwrap();
    assert_eq!(waits.waiting(), MAX_QUEUED);
    assert!(engine.totals().rate_limited >= 1_000 - 1);
}

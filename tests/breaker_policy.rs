//! The window trip policies against an oracle written from resilience4j's definition: the
//! plain list of the calls recorded since the breaker last changed state, of which the
//! window is the last N (count-based) or those recorded in the last T whole seconds
//! (time-based); once it holds at least `minimum_calls`, the breaker opens when
//! failures / calls ≥ the failure-rate threshold or slow calls / calls ≥ the slow-call
//! rate threshold (a call is slow when it took longer than the slow-call duration).

use proptest::prelude::*;
use ringside::patterns::Nanos;
use ringside::patterns::breaker::{
    BreakerConfig, CircuitBreaker, Outcome, RateThresholds, Reason, State, TripPolicy, WindowTally,
};

/// One call: wait `gap` ns after the previous one ended, take `duration` ns, fail or not.
#[derive(Debug, Clone, Copy)]
struct Call {
    gap: u64,
    duration: u64,
    failed: bool,
}

/// The oracle's record of a call: when it ended, whether it failed, whether it was slow.
struct Recorded {
    at: u64,
    failed: bool,
    slow: bool,
}

/// The calls of `all` in the policy's window, judged after the last one was recorded.
fn oracle_window(policy: TripPolicy, all: &[Recorded]) -> Vec<&Recorded> {
    match policy {
        TripPolicy::CountWindow { calls, .. } => {
            let from = all.len().saturating_sub(calls as usize);
            all[from..].iter().collect()
        }
        TripPolicy::TimeWindow { secs, .. } => {
            let now_sec = all.last().map_or(0, |c| c.at / 1_000_000_000);
            all.iter()
                .filter(|c| c.at / 1_000_000_000 + u64::from(secs) > now_sec)
                .collect()
        }
        _ => unreachable!("window policies only"),
    }
}

fn oracle_trips(rates: RateThresholds, window: &[&Recorded]) -> bool {
    let n = window.len() as f64;
    if window.len() < rates.minimum_calls as usize {
        return false;
    }
    let failures = window.iter().filter(|c| c.failed).count() as f64;
    let slow = window.iter().filter(|c| c.slow).count() as f64;
    failures / n * 100.0 >= f64::from(rates.failure_rate_percent)
        || slow / n * 100.0 >= f64::from(rates.slow_call_rate_percent)
}

/// Run `calls` one after another through a breaker with `policy` and through the oracle;
/// both must open at the same call (or neither), and agree on the window until then.
fn agree(policy: TripPolicy, calls: &[Call]) -> Result<(), TestCaseError> {
    let rates = policy.rates().expect("a window policy");
    let config = BreakerConfig::builder()
        .policy(policy)
        .build()
        .expect("valid");
    let mut breaker = CircuitBreaker::new(config);
    let mut recorded = Vec::new();
    let mut t = 0u64;
    for (i, c) in calls.iter().enumerate() {
        let start = t + c.gap;
        let end = start + c.duration;
        t = end;
        let permit = breaker.acquire(Nanos::from_nanos(start)).expect("closed");
        prop_assert_eq!(permit.acquired_at(), Nanos::from_nanos(start));
        let outcome = if c.failed {
            Outcome::Failure
        } else {
            Outcome::Success
        };
        breaker.record(permit, outcome, Nanos::from_nanos(end));
        recorded.push(Recorded {
            at: end,
            failed: c.failed,
            slow: c.duration > rates.slow_call.as_nanos(),
        });
        let window = oracle_window(policy, &recorded);
        if oracle_trips(rates, &window) {
            prop_assert_eq!(breaker.state(), State::Open, "call {} should open it", i);
            let last = breaker.transitions().last().expect("a transition");
            prop_assert_eq!(last.reason, Reason::RateThreshold);
            prop_assert_eq!(last.at, Nanos::from_nanos(end));
            // Every transition starts a fresh window.
            prop_assert_eq!(
                breaker.window_tally(Nanos::from_nanos(end)),
                Some(WindowTally::default())
            );
            return Ok(());
        }
        prop_assert_eq!(breaker.state(), State::Closed, "call {} opened it", i);
        let tally = WindowTally {
            calls: window.len() as u64,
            failures: window.iter().filter(|c| c.failed).count() as u64,
            slow: window.iter().filter(|c| c.slow).count() as u64,
        };
        prop_assert_eq!(breaker.window_tally(Nanos::from_nanos(end)), Some(tally));
    }
    Ok(())
}

fn calls() -> impl Strategy<Value = Vec<Call>> {
    let call = (
        prop_oneof![3 => 0u64..1_000_000, 1 => 0u64..3_000_000_000],
        0u64..2_000_000_000,
        prop::bool::weighted(0.3),
    )
        .prop_map(|(gap, duration, failed)| Call {
            gap,
            duration,
            failed,
        });
    prop::collection::vec(call, 0..300)
}

fn rates() -> impl Strategy<Value = RateThresholds> {
    (1u32..30, 1u32..=100, 0u64..2_500_000_000, 1u32..=100).prop_map(|(min, fail, slow, rate)| {
        RateThresholds::new(min, fail).slow_calls(Nanos::from_nanos(slow), rate)
    })
}

proptest! {
    #[test]
    fn count_window_matches_the_oracle(n in 1u32..40, rates in rates(), calls in calls()) {
        let rates = RateThresholds { minimum_calls: rates.minimum_calls.min(n), ..rates };
        agree(TripPolicy::CountWindow { calls: n, rates }, &calls)?;
    }

    #[test]
    fn time_window_matches_the_oracle(secs in 1u32..8, rates in rates(), calls in calls()) {
        agree(TripPolicy::TimeWindow { secs, rates }, &calls)?;
    }
}

fn call(b: &mut CircuitBreaker, failed: bool, at_ms: u64) {
    let now = Nanos::from_millis(at_ms);
    let permit = b.acquire(now).expect("admitted");
    let outcome = if failed {
        Outcome::Failure
    } else {
        Outcome::Success
    };
    b.record(permit, outcome, now);
}

#[test]
fn a_count_window_waits_for_its_minimum_calls() {
    let rates = RateThresholds::new(5, 50);
    let policy = TripPolicy::CountWindow { calls: 10, rates };
    let mut b = CircuitBreaker::new(BreakerConfig::builder().policy(policy).build().unwrap());
    for t in 0..4 {
        call(&mut b, true, t);
    }
    assert_eq!(b.state(), State::Closed, "4 failures are below 5 calls");
    call(&mut b, true, 4);
    assert_eq!(b.state(), State::Open);
}

#[test]
fn a_window_breaker_recovers_like_the_consecutive_one_and_starts_a_fresh_window() {
    let rates = RateThresholds::new(2, 50);
    let config = BreakerConfig::builder()
        .policy(TripPolicy::CountWindow { calls: 4, rates })
        .recovery_timeout(Nanos::from_millis(100))
        .success_threshold(1)
        .build()
        .unwrap();
    let mut b = CircuitBreaker::new(config);
    call(&mut b, false, 0);
    call(&mut b, true, 1); // 1 of 2: 50%
    assert_eq!(b.state(), State::Open);
    call(&mut b, false, 101); // the probe closes it
    assert_eq!(b.state(), State::Closed);
    call(&mut b, true, 102); // alone in the fresh window: below the minimum
    assert_eq!(b.state(), State::Closed);
    assert_eq!(
        b.window_tally(Nanos::from_millis(102)),
        Some(WindowTally {
            calls: 1,
            failures: 1,
            slow: 0
        })
    );
}

#[test]
fn slow_calls_open_a_window_breaker_whatever_their_outcome() {
    let rates = RateThresholds::new(3, 100).slow_calls(Nanos::from_millis(500), 60);
    let policy = TripPolicy::TimeWindow { secs: 10, rates };
    let mut b = CircuitBreaker::new(BreakerConfig::builder().policy(policy).build().unwrap());
    for (start, end) in [(0, 600), (600, 700), (700, 1_300)] {
        let permit = b.acquire(Nanos::from_millis(start)).unwrap();
        b.record(permit, Outcome::Success, Nanos::from_millis(end));
    }
    assert_eq!(b.state(), State::Open, "2 of 3 calls took over 500 ms");
}

#[test]
fn window_parameters_are_checked() {
    let bad = |policy| {
        BreakerConfig::builder()
            .policy(policy)
            .build()
            .unwrap_err()
            .to_string()
    };
    let rates = RateThresholds::new(5, 50);
    assert_eq!(
        bad(TripPolicy::CountWindow { calls: 4, rates }),
        "breaker policy: minimum calls must be at least 1 and at most the window's calls"
    );
    assert_eq!(
        bad(TripPolicy::TimeWindow { secs: 0, rates }),
        "breaker policy: the window's seconds must be 1 to 3600"
    );
    let rates = RateThresholds::new(5, 0);
    assert_eq!(
        bad(TripPolicy::TimeWindow { secs: 5, rates }),
        "breaker policy: the failure rate threshold must be 1 to 100 (%)"
    );
}

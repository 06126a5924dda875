//! Unit tests of the core, with exact times.

use super::*;
use crate::patterns::Nanos;

const TIMEOUT: u64 = 1_000;

fn ns(t: u64) -> Nanos {
    Nanos::from_nanos(t)
}

fn cfg() -> BreakerConfig {
    BreakerConfig::builder()
        .failure_threshold(3)
        .recovery_timeout(ns(TIMEOUT))
        .success_threshold(2)
        .half_open_max_probes(2)
        .history(8)
        .build()
        .expect("valid")
}

fn breaker() -> CircuitBreaker {
    CircuitBreaker::new(cfg())
}

/// A copy of `p`, which only the crate can make: to record one permit twice (stale results).
fn dup(p: &Permit) -> Permit {
    Permit {
        generation: p.generation,
        probe: p.probe,
        acquired_at: p.acquired_at,
    }
}

/// Acquire at `now` (must be admitted) and record `outcome` at the same time.
fn call(b: &mut CircuitBreaker, outcome: Outcome, now: u64) {
    let p = b.acquire(ns(now)).expect("admitted");
    b.record(p, outcome, ns(now));
}

/// Opens `b` with failures at times 10, 11, 12 (opened at 12).
fn open_at_12(b: &mut CircuitBreaker) {
    for t in 10..13 {
        call(b, Outcome::Failure, t);
    }
    assert_eq!(b.state(), State::Open);
    assert_eq!(b.changed_at(), ns(12));
}

fn tr(at: u64, from: State, to: State, reason: Reason) -> Transition {
    Transition {
        at: ns(at),
        from,
        to,
        reason,
    }
}

#[test]
fn config_validation_names_the_field() {
    let b = cfg().to_builder();
    assert_eq!(
        b.failure_threshold(0).build(),
        Err(BreakerError::ZeroThreshold("failure_threshold"))
    );
    assert_eq!(
        b.success_threshold(0).build(),
        Err(BreakerError::ZeroThreshold("success_threshold"))
    );
    assert_eq!(
        b.half_open_max_probes(0).build(),
        Err(BreakerError::ZeroThreshold("half_open_max_probes"))
    );
    assert_eq!(b.build(), Ok(cfg()));
    assert_eq!(
        BreakerConfig::builder().build(),
        Ok(BreakerConfig::default())
    );
}

#[test]
fn opens_at_exactly_the_threshold_th_consecutive_failure() {
    let mut b = breaker();
    call(&mut b, Outcome::Failure, 1);
    call(&mut b, Outcome::Failure, 2);
    assert_eq!(b.state(), State::Closed);
    assert_eq!(b.consecutive_failures(), 2);
    assert_eq!(b.transitions().len(), 0);
    call(&mut b, Outcome::Failure, 3);
    assert_eq!(b.state(), State::Open);
    assert_eq!(
        b.transitions().copied().collect::<Vec<_>>(),
        [tr(3, State::Closed, State::Open, Reason::FailureThreshold)]
    );
    assert_eq!(b.generation(), 1);
    assert_eq!(
        b.counters(),
        Counters {
            calls: 3,
            successes: 0,
            failures: 3,
            rejected: 0
        }
    );
}

#[test]
fn a_success_in_between_resets_the_count() {
    let mut b = breaker();
    call(&mut b, Outcome::Failure, 1);
    call(&mut b, Outcome::Failure, 2);
    call(&mut b, Outcome::Success, 3);
    assert_eq!(b.consecutive_failures(), 0);
    call(&mut b, Outcome::Failure, 4);
    call(&mut b, Outcome::Failure, 5);
    assert_eq!(b.state(), State::Closed);
    call(&mut b, Outcome::Failure, 6);
    assert_eq!(b.state(), State::Open);
    assert_eq!(b.changed_at(), ns(6));
}

#[test]
fn rejected_until_timeout_minus_one_then_half_open_at_timeout() {
    let mut b = breaker();
    open_at_12(&mut b);
    assert_eq!(
        b.acquire(ns(12)),
        Err(Rejected::Open {
            retry_after: ns(TIMEOUT)
        })
    );
    assert_eq!(
        b.acquire(ns(12 + TIMEOUT - 1)),
        Err(Rejected::Open { retry_after: ns(1) })
    );
    assert_eq!(b.retry_after(ns(12 + TIMEOUT - 1)), Some(ns(1)));
    assert_eq!(b.state_at(ns(12 + TIMEOUT - 1)), State::Open);
    assert_eq!(b.state_at(ns(12 + TIMEOUT)), State::HalfOpen);
    assert_eq!(b.retry_after(ns(12 + TIMEOUT)), None);
    // Reads don't transition.
    assert_eq!(b.state(), State::Open);
    assert_eq!(b.counters().rejected, 2);

    let p = b.acquire(ns(12 + TIMEOUT)).unwrap();
    assert!(p.probe);
    assert_eq!(p.generation, 2);
    assert_eq!(b.state(), State::HalfOpen);
    assert_eq!(b.probes_in_flight(), 1);
    assert_eq!(
        b.transitions().last().copied(),
        Some(tr(
            12 + TIMEOUT,
            State::Open,
            State::HalfOpen,
            Reason::RecoveryTimeout
        ))
    );
}

#[test]
fn half_open_transition_is_recorded_at_the_acquire_time_not_the_deadline() {
    let mut b = breaker();
    open_at_12(&mut b);
    let late = 12 + TIMEOUT + 5_000;
    let _ = b.acquire(ns(late)).unwrap();
    assert_eq!(b.transitions().last().unwrap().at, ns(late));
}

#[test]
fn probe_limit_enforced_and_slot_released_on_record() {
    let mut b = breaker();
    open_at_12(&mut b);
    let t = 12 + TIMEOUT;
    let p1 = b.acquire(ns(t)).unwrap();
    let p2 = b.acquire(ns(t)).unwrap();
    assert!(p1.probe && p2.probe);
    assert_eq!(b.acquire(ns(t + 1)), Err(Rejected::ProbeLimit));
    assert_eq!(b.probes_in_flight(), 2);
    b.record(p1, Outcome::Success, ns(t + 2));
    assert_eq!(b.probes_in_flight(), 1);
    assert_eq!(b.state(), State::HalfOpen);
    let p3 = b.acquire(ns(t + 3)).unwrap();
    assert!(p3.probe);
    assert_eq!(b.acquire(ns(t + 3)), Err(Rejected::ProbeLimit));
    assert_eq!(b.counters().rejected, 2);
    // Cancelling frees a slot without counting an outcome.
    b.cancel(p3);
    assert_eq!(b.probes_in_flight(), 1);
    assert_eq!(b.probe_successes(), 1);
    assert_eq!(b.state(), State::HalfOpen);
}

#[test]
fn success_threshold_closes() {
    let mut b = breaker();
    open_at_12(&mut b);
    let t = 12 + TIMEOUT;
    call(&mut b, Outcome::Success, t);
    assert_eq!(b.state(), State::HalfOpen);
    assert_eq!(b.probe_successes(), 1);
    call(&mut b, Outcome::Success, t + 7);
    assert_eq!(b.state(), State::Closed);
    assert_eq!(b.probes_in_flight(), 0);
    assert_eq!(b.consecutive_failures(), 0);
    assert_eq!(
        b.transitions().last().copied(),
        Some(tr(
            t + 7,
            State::HalfOpen,
            State::Closed,
            Reason::ProbesSucceeded
        ))
    );
    // Closed again: the full threshold is needed to re-open.
    call(&mut b, Outcome::Failure, t + 8);
    call(&mut b, Outcome::Failure, t + 9);
    assert_eq!(b.state(), State::Closed);
    let p = b.acquire(ns(t + 10)).unwrap();
    assert!(!p.probe);
}

#[test]
fn probe_failure_reopens_with_a_fresh_timer() {
    let mut b = breaker();
    open_at_12(&mut b);
    let t = 12 + TIMEOUT;
    call(&mut b, Outcome::Success, t);
    let reopened = t + 50;
    call(&mut b, Outcome::Failure, reopened);
    assert_eq!(b.state(), State::Open);
    assert_eq!(b.probes_in_flight(), 0);
    assert_eq!(
        b.transitions().last().copied(),
        Some(tr(
            reopened,
            State::HalfOpen,
            State::Open,
            Reason::ProbeFailed
        ))
    );
    // The timer restarts at the re-opening, not at the original opening.
    assert_eq!(
        b.acquire(ns(reopened + TIMEOUT - 1)),
        Err(Rejected::Open { retry_after: ns(1) })
    );
    let p = b.acquire(ns(reopened + TIMEOUT)).unwrap();
    assert!(p.probe);
    // The earlier probe success does not carry over.
    assert_eq!(b.probe_successes(), 0);
}

#[test]
fn stale_generation_record_is_ignored_but_counted() {
    let mut b = breaker();
    // Three permits taken while closed; the third failure opens it.
    let old: Vec<_> = (0..4).map(|t| b.acquire(ns(t)).unwrap()).collect();
    for p in &old[..3] {
        b.record(dup(p), Outcome::Failure, ns(5));
    }
    assert_eq!(b.state(), State::Open);
    let gen_open = b.generation();
    // A late success from the closed generation must not close or otherwise touch it.
    b.record(dup(&old[3]), Outcome::Success, ns(6));
    assert_eq!(b.state(), State::Open);
    assert_eq!(b.generation(), gen_open);
    assert_eq!(b.transitions().len(), 1);
    assert_eq!(b.counters().successes, 1, "stale results still count");

    // Half-open: a stale failure from the closed generation does not re-open it,
    // and a stale success does not count as a probe success.
    let probe = b.acquire(ns(5 + TIMEOUT)).unwrap();
    b.record(dup(&old[0]), Outcome::Failure, ns(5 + TIMEOUT));
    b.record(dup(&old[1]), Outcome::Success, ns(5 + TIMEOUT));
    assert_eq!(b.state(), State::HalfOpen);
    assert_eq!(b.probe_successes(), 0);
    assert_eq!(b.probes_in_flight(), 1);
    b.record(dup(&probe), Outcome::Failure, ns(5 + TIMEOUT + 1));
    assert_eq!(b.state(), State::Open);

    // A probe from an older half-open period doesn't release a new period's slot.
    let t2 = 5 + TIMEOUT + 1 + TIMEOUT;
    let p_new = b.acquire(ns(t2)).unwrap();
    b.record(dup(&probe), Outcome::Success, ns(t2));
    assert_eq!(b.probes_in_flight(), 1);
    assert_eq!(b.probe_successes(), 0);
    b.cancel(probe);
    assert_eq!(b.probes_in_flight(), 1);
    b.record(p_new, Outcome::Success, ns(t2));
    assert_eq!(b.probe_successes(), 1);
    assert_eq!(
        b.counters(),
        Counters {
            calls: 6,
            successes: 4,
            failures: 5,
            rejected: 0
        }
    );
}

#[test]
fn force_open_rejects_ignoring_timeout_until_forced_closed() {
    let mut b = breaker();
    b.force_open(ns(100));
    assert_eq!(b.state(), State::Open);
    assert_eq!(b.forced(), Some(Forced::Open));
    let far = 100 + 1_000 * TIMEOUT;
    assert_eq!(
        b.acquire(ns(far)),
        Err(Rejected::Open {
            retry_after: FORCED_OPEN_RETRY_AFTER
        })
    );
    assert_eq!(b.state_at(ns(far)), State::Open);
    assert_eq!(b.retry_after(ns(far)), Some(FORCED_OPEN_RETRY_AFTER));
    b.force_closed(ns(far + 1));
    assert_eq!(b.state(), State::Closed);
    assert_eq!(b.forced(), Some(Forced::Closed));
    assert_eq!(
        b.transitions().copied().collect::<Vec<_>>(),
        [
            tr(100, State::Closed, State::Open, Reason::ForcedOpen),
            tr(far + 1, State::Open, State::Closed, Reason::ForcedClosed),
        ]
    );
}

#[test]
fn force_closed_ignores_failures_until_reset() {
    let mut b = breaker();
    call(&mut b, Outcome::Failure, 1);
    b.force_closed(ns(2));
    // Already closed: no transition, but permits before it are stale.
    assert_eq!(b.transitions().len(), 0);
    assert_eq!(b.generation(), 1);
    assert_eq!(b.consecutive_failures(), 0);
    for t in 3..20 {
        call(&mut b, Outcome::Failure, t);
    }
    assert_eq!(b.state(), State::Closed);
    assert_eq!(b.consecutive_failures(), 0);
    assert_eq!(b.counters().failures, 18);
    b.reset(ns(20));
    assert_eq!(b.forced(), None);
    assert_eq!(b.transitions().len(), 0);
    for t in 21..24 {
        call(&mut b, Outcome::Failure, t);
    }
    assert_eq!(b.state(), State::Open);
    assert_eq!(b.changed_at(), ns(23));
}

#[test]
fn force_open_from_half_open_then_reset() {
    let mut b = breaker();
    open_at_12(&mut b);
    let t = 12 + TIMEOUT;
    let probe = b.acquire(ns(t)).unwrap();
    b.force_open(ns(t + 1));
    assert_eq!(b.probes_in_flight(), 0);
    // The probe is stale now: its success cannot close a forced-open breaker.
    b.record(dup(&probe), Outcome::Success, ns(t + 2));
    b.record(probe, Outcome::Success, ns(t + 3));
    assert_eq!(b.state(), State::Open);
    b.reset(ns(t + 4));
    assert_eq!(b.state(), State::Closed);
    assert_eq!(b.forced(), None);
    let reasons: Vec<_> = b.transitions().map(|t| (t.from, t.to, t.reason)).collect();
    assert_eq!(
        reasons,
        [
            (State::Closed, State::Open, Reason::FailureThreshold),
            (State::Open, State::HalfOpen, Reason::RecoveryTimeout),
            (State::HalfOpen, State::Open, Reason::ForcedOpen),
            (State::Open, State::Closed, Reason::Reset),
        ]
    );
    // Force-open while already open (naturally): no new transition, but it stays
    // open past the timeout.
    open_at_12_again(&mut b, t + 10);
    let n = b.transitions().len();
    b.force_open(ns(t + 20));
    assert_eq!(b.transitions().len(), n);
    assert!(b.acquire(ns(t + 20 + 10 * TIMEOUT)).is_err());
}

fn open_at_12_again(b: &mut CircuitBreaker, start: u64) {
    for t in start..start + 3 {
        call(b, Outcome::Failure, t);
    }
    assert_eq!(b.state(), State::Open);
}

#[test]
fn history_is_bounded_oldest_dropped_in_order() {
    let mut c = cfg();
    c = c.to_builder().history(3).build().unwrap();
    c = c.to_builder().failure_threshold(1).build().unwrap();
    c = c.to_builder().success_threshold(1).build().unwrap();
    c = c.to_builder().half_open_max_probes(1).build().unwrap();
    let mut b = CircuitBreaker::new(c);
    let cap = b.history_capacity();
    // Cycle: fail (open) at t, probe success (half-open, closed) at t + TIMEOUT.
    let mut t = 0;
    for _ in 0..3 {
        call(&mut b, Outcome::Failure, t);
        call(&mut b, Outcome::Success, t + TIMEOUT);
        t += 2 * TIMEOUT;
    }
    // 9 transitions, the last 3 kept.
    assert_eq!(b.generation(), 9);
    let t0 = 4 * TIMEOUT;
    assert_eq!(
        b.transitions().copied().collect::<Vec<_>>(),
        [
            tr(t0, State::Closed, State::Open, Reason::FailureThreshold),
            tr(
                t0 + TIMEOUT,
                State::Open,
                State::HalfOpen,
                Reason::RecoveryTimeout
            ),
            tr(
                t0 + TIMEOUT,
                State::HalfOpen,
                State::Closed,
                Reason::ProbesSucceeded
            ),
        ]
    );
    assert_eq!(b.history_capacity(), cap, "history must not reallocate");

    // Shrinking the history keeps the newest.
    c = c.to_builder().history(1).build().unwrap();
    b.set_config(c);
    assert_eq!(b.transitions().len(), 1);
    assert_eq!(
        b.transitions().next().unwrap().reason,
        Reason::ProbesSucceeded
    );
    c = c.to_builder().history(0).build().unwrap();
    b.set_config(c);
    call(&mut b, Outcome::Failure, t);
    assert_eq!(b.state(), State::Open);
    assert_eq!(b.transitions().len(), 0);
}

#[test]
fn transition_times_never_go_backwards() {
    let mut b = breaker();
    open_at_12(&mut b);
    // A caller whose clock reads earlier than the opening (e.g. a racing thread).
    b.force_closed(ns(5));
    assert_eq!(b.transitions().last().unwrap().at, ns(12));
    // A record earlier than the opening still restarts nothing before it.
    assert_eq!(b.changed_at(), ns(12));
}

#[test]
fn set_config_keeps_state_and_applies_new_thresholds() {
    let mut b = breaker();
    call(&mut b, Outcome::Failure, 1);
    call(&mut b, Outcome::Failure, 2);
    let mut c = cfg();
    c = c.to_builder().failure_threshold(10).build().unwrap();
    c = c.to_builder().recovery_timeout(ns(50)).build().unwrap();
    b.set_config(c);
    assert_eq!(b.consecutive_failures(), 2);
    for t in 3..10 {
        call(&mut b, Outcome::Failure, t);
    }
    assert_eq!(b.state(), State::Closed);
    call(&mut b, Outcome::Failure, 10);
    assert_eq!(b.state(), State::Open);
    assert_eq!(
        b.acquire(ns(59)),
        Err(Rejected::Open { retry_after: ns(1) })
    );
    assert!(b.acquire(ns(60)).is_ok());
}

#[test]
fn forged_permits_change_nothing() {
    let mut b = breaker();
    open_at_12(&mut b);
    let g = b.generation();
    b.record(
        Permit {
            generation: g,
            probe: true,
            acquired_at: Nanos::ZERO,
        },
        Outcome::Success,
        ns(13),
    );
    b.record(
        Permit {
            generation: g + 5,
            probe: false,
            acquired_at: Nanos::ZERO,
        },
        Outcome::Failure,
        ns(13),
    );
    assert_eq!(b.state(), State::Open);
    assert_eq!(b.generation(), g);
    assert_eq!(b.transitions().len(), 1);
}

#[test]
fn extreme_times_do_not_panic() {
    let mut c = cfg();
    c = c
        .to_builder()
        .recovery_timeout(ns(u64::MAX))
        .build()
        .unwrap();
    let mut b = CircuitBreaker::new(c);
    open_at_12(&mut b);
    assert_eq!(
        b.acquire(ns(u64::MAX)),
        Err(Rejected::Open {
            retry_after: ns(12)
        })
    );
    assert_eq!(
        b.acquire(ns(0)),
        Err(Rejected::Open {
            retry_after: ns(u64::MAX)
        })
    );
}

#[test]
fn registry_creates_once_with_shared_config_in_name_order() {
    let mut r = Registry::new(cfg());
    assert!(r.is_empty());
    r.get_or_create("web");
    call(r.get_or_create("db"), Outcome::Failure, 1);
    // Same breaker returned on the second lookup.
    assert_eq!(r.get_or_create("db").consecutive_failures(), 1);
    assert_eq!(r.len(), 2);
    let names: Vec<_> = r.iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["db", "web"]);
    assert_eq!(r.get("web").unwrap().config(), cfg());
    assert!(r.get("cache").is_none());

    let mut c = cfg();
    c = c.to_builder().failure_threshold(1).build().unwrap();
    r.set_config(c);
    assert_eq!(r.get("web").unwrap().config().failure_threshold(), 1);
    assert_eq!(r.get_or_create("cache").config(), c);
    assert_eq!(r.config().success_threshold(), 2);

    assert!(r.remove("db").is_some());
    assert!(r.remove("db").is_none());
    assert_eq!(r.len(), 2);
    for (_, b) in r.iter_mut() {
        b.force_open(ns(5));
    }
    assert!(r.iter().all(|(_, b)| b.state() == State::Open));
}

#[test]
fn lazy_clock_is_read_only_when_time_matters() {
    use std::cell::Cell;
    let reads = Cell::new(0u32);
    let clock = |t: u64| {
        reads.set(reads.get() + 1);
        ns(t)
    };
    let mut b = breaker();
    // Closed: acquire and non-tripping outcomes never read the clock.
    for _ in 0..2 {
        let p = b.acquire_with_clock(|| clock(1)).unwrap();
        b.record_with_clock(p, Outcome::Failure, || clock(1));
    }
    let p = b.acquire_with_clock(|| clock(1)).unwrap();
    assert_eq!(reads.get(), 0);
    // The tripping failure reads it once, and that time is the opening time.
    b.record_with_clock(p, Outcome::Failure, || clock(7));
    assert_eq!(reads.get(), 1);
    assert_eq!(b.changed_at(), ns(7));
    // Open: each acquire reads it once.
    assert!(b.acquire_with_clock(|| clock(8)).is_err());
    let p = b.acquire_with_clock(|| clock(7 + TIMEOUT)).unwrap();
    assert_eq!(reads.get(), 3);
    // Half-open: acquire doesn't need it; a non-closing success doesn't either.
    let _ = b.acquire_with_clock(|| clock(0)).unwrap();
    b.record_with_clock(p, Outcome::Success, || clock(0));
    assert_eq!(reads.get(), 3);
}

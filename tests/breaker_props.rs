//! Property tests: random operation sequences keep the breaker's state machine legal.

use proptest::prelude::*;
use ringside::patterns::Nanos;
use ringside::patterns::breaker::{
    BreakerConfig, CircuitBreaker, Counters, Outcome, Permit, Reason, Rejected, State, Transition,
};

#[derive(Debug, Clone)]
enum Op {
    Acquire,
    /// Record the outstanding permit at this index (mod len).
    Record(usize, bool),
    Cancel(usize),
    Advance(u64),
    ForceOpen,
    ForceClosed,
    Reset,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => Just(Op::Acquire),
        6 => (any::<usize>(), any::<bool>()).prop_map(|(i, ok)| Op::Record(i, ok)),
        1 => any::<usize>().prop_map(Op::Cancel),
        4 => (0u64..300).prop_map(Op::Advance),
        1 => Just(Op::ForceOpen),
        1 => Just(Op::ForceClosed),
        1 => Just(Op::Reset),
    ]
}

fn config() -> impl Strategy<Value = BreakerConfig> {
    (1u32..5, 0u64..500, 1u32..4, 1u32..4).prop_map(|(f, r, s, p)| {
        BreakerConfig::builder()
            .failure_threshold(f)
            .recovery_timeout(Nanos::from_nanos(r))
            .success_threshold(s)
            .half_open_max_probes(p)
            .history(10_000)
            .build()
            .expect("valid breaker config")
    })
}

fn legal(t: &Transition) -> bool {
    use Reason::*;
    use State::*;
    matches!(
        (t.from, t.to, t.reason),
        (Closed, Open, FailureThreshold)
            | (Open, HalfOpen, RecoveryTimeout)
            | (HalfOpen, Open, ProbeFailed)
            | (HalfOpen, Closed, ProbesSucceeded)
            | (Closed | HalfOpen, Open, ForcedOpen)
            | (Open | HalfOpen, Closed, ForcedClosed | Reset)
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn transitions_are_legal_and_probes_bounded(
        cfg in config(),
        ops in prop::collection::vec(op(), 0..300),
        small_history in 0usize..6,
    ) {
        let mut b = CircuitBreaker::new(cfg);
        let mut small = CircuitBreaker::new(cfg.to_builder().history(small_history).build().expect("valid breaker config"));
        let mut now = Nanos::ZERO;
        // Each admitted call holds one permit from each breaker (permits cannot be copied).
        let mut outstanding: Vec<(Permit, Permit)> = Vec::new();
        let mut expect = Counters::default();

        for op in ops {
            let state_before = b.state();
            let gen_before = b.generation();
            let fails_before = b.consecutive_failures();
            let probe_ok_before = b.probe_successes();
            let n_before = b.transitions().len();
            let mut stale_record = false;

            match op {
                Op::Acquire => {
                    // `admits` predicts the acquire exactly, changing nothing.
                    let predicted = b.admits(now);
                    prop_assert_eq!(b.generation(), gen_before);
                    let r = b.acquire(now);
                    prop_assert_eq!(predicted, r.is_ok());
                    let r_small = small.acquire(now);
                    prop_assert_eq!(&r, &r_small);
                    match (r, r_small) {
                        (Ok(p), Ok(p_small)) => {
                            expect.calls += 1;
                            prop_assert_eq!(p.generation(), b.generation());
                            prop_assert_eq!(p.is_probe(), b.state() == State::HalfOpen);
                            outstanding.push((p, p_small));
                        }
                        (_, Ok(_)) | (Ok(_), _) => unreachable!("compared equal above"),
                        (Err(rej), Err(_)) => {
                            expect.rejected += 1;
                            // Closed never rejects; a rejection names the right state.
                            prop_assert_ne!(state_before, State::Closed);
                            match rej {
                                Rejected::Open { retry_after } => {
                                    prop_assert_eq!(b.state(), State::Open);
                                    prop_assert!(retry_after > Nanos::ZERO);
                                }
                                Rejected::ProbeLimit => {
                                    prop_assert_eq!(b.state(), State::HalfOpen);
                                    prop_assert_eq!(b.probes_in_flight(), cfg.half_open_max_probes());
                                }
                                other => prop_assert!(false, "unexpected rejection {other:?}"),
                            }
                        }
                    }
                }
                Op::Record(i, ok) if !outstanding.is_empty() => {
                    let (p, p_small) = outstanding.swap_remove(i % outstanding.len());
                    let outcome = if ok { Outcome::Success } else { Outcome::Failure };
                    if ok { expect.successes += 1 } else { expect.failures += 1 }
                    stale_record = p.generation() != b.generation();
                    b.record(p, outcome, now);
                    small.record(p_small, outcome, now);
                }
                Op::Cancel(i) if !outstanding.is_empty() => {
                    let (p, p_small) = outstanding.swap_remove(i % outstanding.len());
                    b.cancel(p);
                    small.cancel(p_small);
                }
                Op::Record(..) | Op::Cancel(_) => {}
                Op::Advance(dt) => now += Nanos::from_nanos(dt),
                Op::ForceOpen => { b.force_open(now); small.force_open(now); }
                Op::ForceClosed => { b.force_closed(now); small.force_closed(now); }
                Op::Reset => { b.reset(now); small.reset(now); }
            }

            if stale_record {
                prop_assert_eq!(b.state(), state_before);
                prop_assert_eq!(b.generation(), gen_before);
                prop_assert_eq!(b.consecutive_failures(), fails_before);
                prop_assert_eq!(b.probe_successes(), probe_ok_before);
            }

            let all: Vec<Transition> = b.transitions().copied().collect();
            // At most one transition per operation.
            prop_assert!(all.len() <= n_before + 1);
            if all.len() == n_before + 1 {
                prop_assert!(b.generation() > gen_before);
            } else {
                prop_assert_eq!(b.state(), state_before);
            }
            // Legal edges, chained from Closed, with non-decreasing times ≤ now.
            let mut prev_state = State::Closed;
            let mut prev_at = Nanos::ZERO;
            for t in &all {
                prop_assert!(legal(t), "illegal transition {:?}", t);
                prop_assert_eq!(t.from, prev_state);
                prop_assert!(t.at >= prev_at && t.at <= now);
                prev_state = t.to;
                prev_at = t.at;
            }
            prop_assert_eq!(prev_state, b.state());

            // Probe bookkeeping: bounded, and equal to the live probe permits held.
            let live_probes = outstanding
                .iter()
                .filter(|(p, _)| p.is_probe() && p.generation() == b.generation())
                .count() as u32;
            if b.state() == State::HalfOpen {
                prop_assert!(b.probes_in_flight() <= cfg.half_open_max_probes());
                prop_assert_eq!(b.probes_in_flight(), live_probes);
            } else {
                prop_assert_eq!(b.probes_in_flight(), 0);
                prop_assert_eq!(live_probes, 0);
            }

            // The bounded history is exactly the newest suffix of the full one.
            let kept: Vec<Transition> = small.transitions().copied().collect();
            let from = all.len().saturating_sub(small_history);
            prop_assert_eq!(&kept[..], &all[from..]);
            prop_assert_eq!(small.state(), b.state());

            prop_assert_eq!(b.counters(), expect);
        }
    }
}

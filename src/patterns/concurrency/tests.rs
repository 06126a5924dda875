//! [`VegasLimit`] against the definition (the module docs, after Netflix's `VegasLimit`),
//! written again here as a replay over a whole run of samples.

use proptest::prelude::*;

use super::*;

/// One sample for the oracle: in flight, dropped, rtt (ns), draw.
type Step = (u32, bool, u64, f64);

/// The definition, replayed over `steps`: the limit after each.
fn oracle(config: VegasConfig, first_draw: f64, steps: &[Step]) -> Vec<u32> {
    let log = |l: f64| {
        let l = (l as u32).max(1);
        let mut digits = 0u32;
        let mut n = l;
        while n >= 10 {
            n /= 10;
            digits += 1;
        }
        f64::from(digits.max(1))
    };
    let mut limit = f64::from(config.initial_limit());
    let mut noload: Option<u64> = None;
    let mut samples_since_probe = 0u64;
    let mut jitter = 0.5 + first_draw / 2.0;
    let mut out = Vec::new();
    for &(in_flight, dropped, rtt, draw) in steps {
        let rtt = rtt.max(1);
        let mut target = None;
        let mut skip = false;
        if !dropped {
            samples_since_probe += 1;
            let m = f64::from(config.probe_multiplier());
            if m > 0.0 && samples_since_probe as f64 >= jitter * m * limit {
                jitter = 0.5 + draw / 2.0;
                samples_since_probe = 0;
                noload = Some(rtt);
                skip = true;
            } else if noload.is_none_or(|n| rtt < n) {
                noload = Some(rtt);
                skip = true;
            }
        }
        if !skip {
            let lg = log(limit);
            if dropped {
                target = Some(limit - lg);
            } else if f64::from(in_flight) * 2.0 >= limit {
                let base = noload.unwrap() as f64;
                let queue = (limit * (1.0 - base / rtt as f64)).ceil();
                if queue <= lg {
                    target = Some(limit + 6.0 * lg);
                } else if queue < 3.0 * lg {
                    target = Some(limit + lg);
                } else if queue > 6.0 * lg {
                    target = Some(limit - lg);
                }
            }
        }
        if let Some(t) = target {
            let t = t.max(1.0).min(f64::from(config.max_limit()));
            limit = (1.0 - config.smoothing()) * limit + config.smoothing() * t;
        }
        out.push(limit as u32);
    }
    out
}

fn replay(config: VegasConfig, first_draw: f64, steps: &[Step]) -> Vec<u32> {
    let mut vegas = VegasLimit::new(config, first_draw);
    let mut now = 1_000_000_000u64;
    steps
        .iter()
        .map(|&(in_flight, dropped, rtt, draw)| {
            now += 1_000;
            let sample = Sample {
                in_flight,
                dropped,
                sent_at: Nanos::from_nanos(now),
            };
            vegas.record(sample, draw, Nanos::from_nanos(now + rtt))
        })
        .collect()
}

fn step() -> impl Strategy<Value = Step> {
    (
        0u32..120,
        prop::bool::weighted(0.1),
        prop_oneof![1_000_000u64..3_000_000, 0u64..100_000_000],
        0.0f64..1.0,
    )
}

proptest! {
    #[test]
    fn follows_the_definition(
        initial in 1u32..200,
        extra in 0u32..2000,
        smoothing in prop_oneof![Just(1.0), 0.05f64..1.0],
        probe in prop_oneof![Just(0u32), 1u32..40],
        first_draw in 0.0f64..1.0,
        steps in prop::collection::vec(step(), 1..400),
    ) {
        let config = VegasConfig::new(initial, initial + extra, smoothing, probe).unwrap();
        let limits = replay(config, first_draw, &steps);
        prop_assert_eq!(&limits, &oracle(config, first_draw, &steps));
        for l in limits {
            prop_assert!((1..=initial + extra).contains(&l));
        }
    }
}

fn ok(in_flight: u32) -> Step {
    (in_flight, false, 0, 0.5)
}

#[test]
fn the_limit_grows_without_queueing_and_shrinks_with_latency_or_drops() {
    let config = VegasConfig::new(20, 1000, 1.0, 0).unwrap();
    let busy = |rtt| (1000, false, rtt, 0.5);
    let grow = [(1000, false, 10, 0.5), busy(10), busy(10), busy(10)];
    let limits = replay(config, 0.5, &grow);
    // First sample: the baseline; then + beta (6 below 100, 12 from 100) each time.
    assert_eq!(limits, [20, 26, 32, 38]);
    let mut vegas = VegasLimit::new(config, 0.5);
    let ms = Nanos::from_millis;
    let at = |in_flight, dropped, t| Sample {
        in_flight,
        dropped,
        sent_at: ms(t),
    };
    vegas.record(at(20, false, 0), 0.5, ms(10));
    let before = vegas.limit();
    // Latency × 3: queue = ⌈l · 2/3⌉ > beta: decrease by log10.
    assert_eq!(vegas.record(at(20, false, 0), 0.5, ms(30)), before - 1);
    assert_eq!(vegas.record(at(1, true, 0), 0.5, ms(1)), before - 2);
    assert_eq!(vegas.rtt_noload(), Some(ms(10)));
}

#[test]
fn an_idle_caller_does_not_raise_its_limit() {
    let config = VegasConfig::new(20, 1000, 1.0, 0).unwrap();
    assert_eq!(replay(config, 0.5, &[ok(9), ok(9), ok(9)]), [20, 20, 20]);
}

#[test]
fn the_limit_stays_within_one_and_the_maximum() {
    let config = VegasConfig::new(3, 5, 1.0, 0).unwrap();
    let drops = [(3, true, 10, 0.5); 10];
    assert_eq!(*replay(config, 0.5, &drops).last().unwrap(), 1);
    let busy = [(9, false, 10, 0.5); 10];
    assert_eq!(*replay(config, 0.5, &busy).last().unwrap(), 5);
    let vegas = VegasLimit::new(config, 0.5);
    assert!(vegas.admits(2) && !vegas.admits(3));
}

#[test]
fn a_probe_relearns_a_baseline_that_grew() {
    // Jitter 0.5 (draw 0), multiplier 2, limit 4: a probe every 0.5·2·4 = 4 samples.
    let config = VegasConfig::new(4, 4, 1.0, 2).unwrap();
    let mut vegas = VegasLimit::new(config, 0.0);
    let ms = Nanos::from_millis;
    let sample = Sample {
        in_flight: 4,
        dropped: false,
        sent_at: Nanos::ZERO,
    };
    vegas.record(sample, 0.0, ms(10));
    for _ in 0..2 {
        vegas.record(sample, 0.0, ms(50));
        assert_eq!(vegas.rtt_noload(), Some(ms(10)));
    }
    vegas.record(sample, 0.0, ms(50));
    assert_eq!(vegas.rtt_noload(), Some(ms(50)), "the 4th sample probes");
}

#[test]
fn a_dropped_call_never_becomes_the_baseline() {
    let mut vegas = VegasLimit::new(VegasConfig::NETFLIX, 0.5);
    let failed = Sample {
        in_flight: 1,
        dropped: true,
        sent_at: Nanos::ZERO,
    };
    vegas.record(failed, 0.5, Nanos::from_nanos(3));
    assert_eq!(vegas.rtt_noload(), None);
    assert_eq!(vegas.limit(), 19);
}

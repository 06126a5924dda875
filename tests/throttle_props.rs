//! `patterns::throttle::AdaptiveThrottle` against the Google SRE book's definition, written
//! here: over the trailing window `(now − W, now]`, a request is rejected locally with
//! probability `max(0, (requests − K·accepts) / (requests + 1))`, every attempted request
//! counting in `requests`. The oracle keeps every time and recounts at each step.

use proptest::prelude::*;
use ringside::patterns::Nanos;
use ringside::patterns::throttle::{AdaptiveThrottle, ThrottleConfig};

/// One step: at `dt` ms after the previous one, a request with `draw`, or an accept.
#[derive(Debug, Clone, Copy)]
enum Step {
    Request { dt: u64, draw: f64 },
    Accept { dt: u64 },
}

fn steps() -> impl Strategy<Value = Vec<Step>> {
    let step = prop_oneof![
        (0u64..40, 0.0f64..1.0).prop_map(|(dt, draw)| Step::Request { dt, draw }),
        (0u64..40).prop_map(|dt| Step::Accept { dt }),
    ];
    prop::collection::vec(step, 1..400)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn it_rejects_with_the_books_probability(
        steps in steps(),
        k in 1.0f64..4.0,
        window in 1u64..500,
    ) {
        let config = ThrottleConfig::new(k, Nanos::from_millis(window)).unwrap();
        let mut throttle = AdaptiveThrottle::new(config);
        let (mut requests, mut accepts): (Vec<u64>, Vec<u64>) = (Vec::new(), Vec::new());
        let mut now = 0u64;
        for step in steps {
            let inside = |ts: &[u64], now: u64| ts.iter().filter(|&&t| t + window > now).count() as f64;
            match step {
                Step::Request { dt, draw } => {
                    now += dt;
                    let (r, a) = (inside(&requests, now), inside(&accepts, now));
                    let p = ((r - k * a) / (r + 1.0)).max(0.0);
                    let got = throttle.reject_probability(Nanos::from_millis(now));
                    prop_assert!((got - p).abs() < 1e-12, "at {now}: {got} vs {p}");
                    prop_assert_eq!(throttle.allows(draw, Nanos::from_millis(now)), draw >= p);
                    requests.push(now);
                }
                Step::Accept { dt } => {
                    now += dt;
                    throttle.record_accept(Nanos::from_millis(now));
                    accepts.push(now);
                }
            }
        }
    }
}

#[test]
fn nothing_is_rejected_while_at_least_one_in_k_is_accepted() {
    let mut t = AdaptiveThrottle::new(ThrottleConfig::SRE_BOOK);
    let now = Nanos::from_secs(1);
    for i in 0..1000 {
        // Every other request accepted: requests − 2·accepts ≤ 0.
        assert!(t.allows(0.0, now), "request {i}");
        if i % 2 == 0 {
            t.record_accept(now);
        }
    }
    // Past the window everything is forgotten.
    assert_eq!(t.reject_probability(Nanos::from_secs(1000)), 0.0);
}

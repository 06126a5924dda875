//! The retry budget against an oracle written from its definition: a retry at `t` is
//! allowed iff `100·retries < 100·min·window + percent·requests` over the seconds
//! `⌊t⌋ − window + 1 ..= ⌊t⌋`, recounted from the whole history at every step.

use proptest::prelude::*;
use ringside::patterns::Nanos;
use ringside::patterns::retry::RetryBudget;

const SEC: u64 = 1_000_000_000;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn budget_matches_its_definition(
        window in 1u32..8,
        min in 0u32..3,
        percent in 0u32..300,
        steps in prop::collection::vec((0u64..SEC, any::<bool>()), 1..500),
    ) {
        let mut budget = RetryBudget::new(window, min, percent).unwrap();
        let (mut t, mut requests, mut retries) = (0u64, Vec::new(), Vec::new());
        for (dt, is_retry) in steps {
            t += dt / 4;
            let s = t / SEC;
            if is_retry {
                let inside = |h: &Vec<u64>| h.iter().filter(|&&x| x + u64::from(window) > s).count() as u64;
                let expected = 100 * inside(&retries)
                    < 100 * u64::from(min) * u64::from(window) + u64::from(percent) * inside(&requests);
                prop_assert_eq!(budget.withdraw(Nanos::from_nanos(t)), expected, "at {}", t);
                if expected {
                    retries.push(s);
                }
            } else {
                budget.deposit(Nanos::from_nanos(t));
                requests.push(s);
            }
        }
    }
}

#[test]
fn parameters_are_checked() {
    assert!(RetryBudget::new(0, 1, 10).is_err());
    assert!(RetryBudget::new(61, 1, 10).is_err());
    assert!(RetryBudget::new(10, 1, 1001).is_err());
    assert!(RetryBudget::new(60, 0, 1000).is_ok());
}

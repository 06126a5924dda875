//! Random request traces for the limiters' property tests: `(T, key)` with non-decreasing
//! `T`.

#![allow(dead_code)]

use proptest::prelude::*;

/// Non-decreasing times, steps of `0..=max_step` (mostly a sixteenth of that, so several
/// requests fall in one window or interval, and now and then a whole step, so some are
/// skipped), over a small or a large key space (the large one makes the tables sweep).
pub fn trace(max_step: u64) -> impl Strategy<Value = Vec<(u64, u32)>> {
    (1u32..400).prop_flat_map(move |keys| {
        prop::collection::vec((0..=max_step, 0..keys), 1..600).prop_map(|steps| {
            let mut t = 0;
            steps
                .into_iter()
                .map(|(dt, key)| {
                    t += if dt % 8 == 0 { dt } else { dt / 16 };
                    (t, key)
                })
                .collect()
        })
    })
}

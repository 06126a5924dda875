//! The `k` best of many items without sorting them all: a bounded max-heap of the `k` best
//! seen so far, O(n log k) time and O(k) memory, so picking the 32 hottest of 100,000
//! tenants for each frame costs a pass over them, not a sort.

use std::collections::BinaryHeap;

/// Indices of the `k` items with the smallest ranks, in ascending rank order; `rank(i)`
/// must be distinct for distinct `i` (break ties with the index) for the result to equal
/// the first `k` of a full sort.
pub(crate) fn smallest_k<R: Ord>(n: usize, k: usize, rank: impl Fn(usize) -> R) -> Vec<usize> {
    if k == 0 {
        return Vec::new();
    }
    // A max-heap of (rank, index): its top is the worst of those kept.
    let mut kept: BinaryHeap<(R, usize)> = BinaryHeap::with_capacity(k.min(n) + 1);
    for i in 0..n {
        let r = rank(i);
        if kept.len() < k {
            kept.push((r, i));
        } else if kept.peek().is_some_and(|(worst, _)| r < *worst) {
            kept.pop();
            kept.push((r, i));
        }
    }
    kept.into_sorted_vec().into_iter().map(|(_, i)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::cmp::Reverse;

    proptest! {
        /// The heap's answer is the first k of a full sort, ties included (they are broken
        /// by index, as the dashboard does).
        #[test]
        fn equals_the_first_k_of_a_full_sort(
            demand in proptest::collection::vec(0u64..20, 0..300),
            k in 0usize..320,
        ) {
            let rank = |i: usize| (Reverse(demand[i]), i);
            let mut sorted: Vec<usize> = (0..demand.len()).collect();
            sorted.sort_by_key(|&i| rank(i));
            sorted.truncate(k);
            prop_assert_eq!(smallest_k(demand.len(), k, rank), sorted);
        }
    }
}

//! The `k` best of many items without sorting them all: a bounded max-heap of the `k` best
//! seen so far, O(n log k) time and O(k) memory, so picking the 32 hottest of 100,000
//! tenants for each frame costs a pass over them, not a sort.

use std::collections::BinaryHeap;

/// Indices of the `k` items with the smallest ranks, in ascending rank order, ties broken
/// by index (earlier first): the first `k` of a stable sort by rank. One pass over
/// `ranks` in index order: once `k` are kept, an item is compared only with the worst
/// kept rank (an equal rank later in the pass never displaces it), and the heap is
/// touched only by an item that enters it.
pub(crate) fn smallest_k<R: Ord + Copy>(
    ranks: impl IntoIterator<Item = R>,
    k: usize,
) -> Vec<usize> {
    if k == 0 {
        return Vec::new();
    }
    let mut ranks = ranks.into_iter().enumerate();
    // A max-heap of (rank, index): its top is the worst of those kept.
    let mut kept: BinaryHeap<(R, usize)> = BinaryHeap::with_capacity(k.min(ranks.size_hint().0));
    kept.extend(ranks.by_ref().take(k).map(|(i, r)| (r, i)));
    if let Some(&(mut worst, _)) = kept.peek() {
        for (i, r) in ranks {
            if r < worst {
                if let Some(mut top) = kept.peek_mut() {
                    *top = (r, i);
                }
                worst = kept.peek().map_or(r, |&(w, _)| w);
            }
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
        /// The heap's answer is the first k of a full stable sort, ties included (broken
        /// by index, as the dashboard does).
        #[test]
        fn equals_the_first_k_of_a_full_sort(
            demand in proptest::collection::vec(0u64..20, 0..300),
            k in 0usize..320,
        ) {
            let mut sorted: Vec<usize> = (0..demand.len()).collect();
            sorted.sort_by_key(|&i| Reverse(demand[i]));
            sorted.truncate(k);
            prop_assert_eq!(smallest_k(demand.iter().map(|&d| Reverse(d)), k), sorted);
        }
    }
}

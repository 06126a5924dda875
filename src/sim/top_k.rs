//! The `k` best of many items without sorting them all: a bounded max-heap of the `k` best
//! seen so far, O(n log k) time and O(k) memory, so picking the 32 hottest of 100,000
//! tenants for each frame costs a pass over them, not a sort.

use std::collections::BinaryHeap;

/// The `k` items of smallest rank seen so far, offered in index order, ties broken by
/// index (earlier first): at the end, the first `k` of a stable sort by rank. Once `k`
/// are kept an item is compared only with the worst kept rank ([`bar`](Self::bar): an
/// equal rank offered later never displaces it), and the heap is touched only by an item
/// that enters it.
pub(crate) struct SmallestK<R> {
    k: usize,
    /// A max-heap of (rank, index): its top is the worst of those kept.
    kept: BinaryHeap<(R, usize)>,
    /// The worst rank kept once `k` are, which an item must beat to enter.
    bar: Option<R>,
}

impl<R: Ord + Copy> SmallestK<R> {
    /// Nothing kept yet, room for `k`.
    pub(crate) fn new(k: usize) -> Self {
        SmallestK {
            k,
            kept: BinaryHeap::with_capacity(k.min(1024)),
            bar: None,
        }
    }

    /// The rank an item must beat (be smaller than) to enter; `None` while fewer than `k`
    /// are kept (then anything enters, unless `k = 0`).
    #[inline]
    pub(crate) fn bar(&self) -> Option<R> {
        self.bar
    }

    /// Offer item `index` of rank `rank` (indices offered in increasing order).
    #[inline]
    pub(crate) fn offer(&mut self, index: usize, rank: R) {
        match self.bar {
            Some(bar) if rank < bar => {
                if let Some(mut top) = self.kept.peek_mut() {
                    *top = (rank, index);
                }
                self.bar = self.kept.peek().map(|&(r, _)| r);
            }
            Some(_) => {}
            None if self.kept.len() < self.k => {
                self.kept.push((rank, index));
                if self.kept.len() == self.k {
                    self.bar = self.kept.peek().map(|&(r, _)| r);
                }
            }
            None => {}
        }
    }

    /// The indices kept, in ascending rank order (ties by index).
    pub(crate) fn into_indices(self) -> Vec<usize> {
        self.kept
            .into_sorted_vec()
            .into_iter()
            .map(|(_, i)| i)
            .collect()
    }
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
            let mut best = SmallestK::new(k);
            for (i, &d) in demand.iter().enumerate() {
                best.offer(i, Reverse(d));
            }
            let mut sorted: Vec<usize> = (0..demand.len()).collect();
            sorted.sort_by_key(|&i| Reverse(demand[i]));
            sorted.truncate(k);
            prop_assert_eq!(best.into_indices(), sorted);
        }
    }
}

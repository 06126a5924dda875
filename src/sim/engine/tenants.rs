//! [`Tenants`]: every tenant's demand so far, by dense tenant index, in one tight array
//! (16 bytes a tenant), and with a shared backend its last token count in another.

use std::cmp::Reverse;

use crate::patterns::prefetch;
use crate::sim::top_k::SmallestK;

/// Tenants a block of [`Tenants`]' demand summary covers: 64, so 100,000 tenants are
/// summed up in 12.5 kB, and a block is a kilobyte of records to read when it must be.
const BLOCK: usize = 64;

/// One tenant's limiter verdicts so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Counts {
    pub(super) allowed: u64,
    pub(super) denied: u64,
}

impl Counts {
    /// Checks so far, allowed or not.
    #[inline]
    pub(super) fn demand(self) -> u64 {
        self.allowed + self.denied
    }
}

/// Every tenant's demand (its in-memory limiter is its index in
/// [`Engine::admission`](super::Engine); its name is
/// [`tenant_name`](crate::sim::traffic::tenant_name) of its index). What a request
/// touches is one 16-byte record; the shared backend's token counts, read only by the
/// dashboard, are kept apart and only while a backend is attached.
///
/// Picking the hottest tenants (each dashboard frame) reads a summary first: the most
/// demand of each block of [`BLOCK`] tenants (demand only grows, so it is kept by a max
/// at each count), and only the records of blocks that may hold a tenant hotter than the
/// ones found so far.
#[derive(Debug, Clone)]
pub(super) struct Tenants {
    counts: Vec<Counts>,
    /// Per block of [`BLOCK`] tenants, the most demand of any of them.
    block_max: Vec<u64>,
    /// With a shared backend, each tenant's tokens after the backend's last decision for
    /// it (read without a round trip); empty without one.
    remote_tokens: Vec<Option<f64>>,
}

impl Tenants {
    /// `len` tenants with no demand yet.
    pub(super) fn new(len: usize) -> Self {
        Tenants {
            counts: vec![Counts::default(); len],
            block_max: vec![0; len.div_ceil(BLOCK)],
            remote_tokens: Vec::new(),
        }
    }

    /// Number of tenants.
    pub(super) fn len(&self) -> usize {
        self.counts.len()
    }

    /// Count one limiter verdict of `tenant` (nothing out of range).
    #[inline]
    pub(super) fn count(&mut self, tenant: usize, allowed: bool) {
        if let Some(c) = self.counts.get_mut(tenant) {
            if allowed {
                c.allowed += 1;
            } else {
                c.denied += 1;
            }
            let demand = c.demand();
            if let Some(max) = self.block_max.get_mut(tenant / BLOCK) {
                *max = (*max).max(demand);
            }
        }
    }

    /// `tenant`'s verdicts so far (none out of range).
    pub(super) fn counts(&self, tenant: usize) -> Counts {
        self.counts.get(tenant).copied().unwrap_or_default()
    }

    /// Bring `tenant`'s record into cache ahead of its count (a hint, see
    /// [`prefetch`](crate::patterns::prefetch)).
    #[inline]
    pub(super) fn prefetch(&self, tenant: usize) {
        if let Some(c) = self.counts.get(tenant) {
            prefetch(c);
        }
    }

    /// Record the shared backend's token count for `tenant` after a decision (`None`: it
    /// failed); keeps one slot a tenant from the first on.
    pub(super) fn set_remote_tokens(&mut self, tenant: usize, tokens: Option<f64>) {
        if self.remote_tokens.is_empty() {
            self.remote_tokens = vec![None; self.counts.len()];
        }
        if let Some(slot) = self.remote_tokens.get_mut(tenant) {
            *slot = tokens;
        }
    }

    /// The shared backend's token count for `tenant` after its last decision, if any.
    pub(super) fn remote_tokens(&self, tenant: usize) -> Option<f64> {
        self.remote_tokens.get(tenant).copied().flatten()
    }

    /// Indices of the (at most) `k` tenants of most demand, most first, ties by index (the
    /// first `k` of a stable sort): one pass over the block summary, reading the records
    /// of a block only when its most demand beats the `k`-th found so far.
    pub(super) fn hottest(&self, k: usize) -> Vec<usize> {
        if k == 0 {
            return Vec::new();
        }
        let mut best = SmallestK::new(k);
        for ((b, block), &max) in self.counts.chunks(BLOCK).enumerate().zip(&self.block_max) {
            // A tenant enters only with a rank below the bar: none of this block can.
            if best.bar().is_some_and(|bar| Reverse(max) >= bar) {
                continue;
            }
            for (i, c) in (b * BLOCK..).zip(block) {
                best.offer(i, Reverse(c.demand()));
            }
        }
        best.into_indices()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The hottest by the block summary are those of a pass over every record (the
        /// first k of a full stable sort, see `top_k`), whichever blocks are skipped.
        #[test]
        fn hottest_equals_the_first_k_of_a_full_sort(
            demand in proptest::collection::vec(0u64..12, 1..400),
            k in 0usize..40,
        ) {
            let mut tenants = Tenants::new(demand.len());
            for (i, &d) in demand.iter().enumerate() {
                for n in 0..d {
                    tenants.count(i, n % 3 != 0);
                }
            }
            let mut every = SmallestK::new(k);
            for (i, &d) in demand.iter().enumerate() {
                every.offer(i, Reverse(d));
            }
            prop_assert_eq!(tenants.hottest(k), every.into_indices());
        }
    }
}

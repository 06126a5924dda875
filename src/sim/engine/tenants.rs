//! [`Tenants`]: every tenant's demand so far, by dense tenant index, in one tight array
//! (16 bytes a tenant), and with a shared backend its last token count in another.

use crate::patterns::prefetch;
use crate::sim::top_k::smallest_k;

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
#[derive(Debug, Clone)]
pub(super) struct Tenants {
    counts: Vec<Counts>,
    /// With a shared backend, each tenant's tokens after the backend's last decision for
    /// it (read without a round trip); empty without one.
    remote_tokens: Vec<Option<f64>>,
}

impl Tenants {
    /// `len` tenants with no demand yet.
    pub(super) fn new(len: usize) -> Self {
        Tenants {
            counts: vec![Counts::default(); len],
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

    /// Indices of the (at most) `k` tenants of most demand, most first, ties by index:
    /// one sequential pass over the records.
    pub(super) fn hottest(&self, k: usize) -> Vec<usize> {
        smallest_k(self.counts.iter().map(|c| std::cmp::Reverse(c.demand())), k)
    }
}

//! [`Remote`]: a shared limiter backend with the decisions it already made for arrivals
//! drawn ahead of time.

use std::collections::VecDeque;

use crate::patterns::limiter::{Decision, LimiterError};

use super::shared::{LimiterStatus, SharedLimiter};

/// A shared limiter backend with the decisions it already made for arrivals not processed yet.
pub(super) struct Remote {
    pub(super) backend: Box<dyn SharedLimiter>,
    /// Arrivals of the current `advance` drawn ahead of time, with their decisions, so a
    /// whole step's checks go to the backend in one pipelined batch.
    pub(super) prefetched: VecDeque<Prefetched>,
    /// Time of the first arrival after the prefetched ones.
    pub(super) after_prefetch: u64,
    /// The backend's status when last looked at, to log each change of phase.
    pub(super) seen: LimiterStatus,
    /// Fallback decisions counted when the backend was last lost.
    pub(super) fallbacks_at_loss: u64,
}

/// One arrival drawn ahead of time for a batched shared-backend check.
#[derive(Debug, Clone)]
pub(super) struct Prefetched {
    pub(super) at: u64,
    pub(super) tenant: u32,
    pub(super) key: u32,
    /// `None` when the backend answered fewer checks than asked: decided singly then.
    pub(super) decision: Option<Result<Decision, LimiterError>>,
}

impl std::fmt::Debug for Remote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.backend.describe())
    }
}

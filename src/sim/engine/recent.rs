//! The engine's record of a recent request.

use crate::sim::snapshot::RequestOutcome;

/// A recent request as the engine keeps it: its key's index rather than its 16-byte
/// position, which `Engine::recent_requests` hashes only when a snapshot asks.
#[derive(Debug, Clone, Copy)]
pub(super) struct Recent {
    pub(super) at_ns: u64,
    pub(super) key: u32,
    pub(super) server: Option<u32>,
    pub(super) outcome: RequestOutcome,
    pub(super) failed_over: bool,
}

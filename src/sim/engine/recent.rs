//! [`Recent`]: a recent request as the engine keeps it.

use crate::sim::snapshot::RequestOutcome;

/// A recent request as the engine keeps it: its key's index rather than its 16-byte
/// position, which `Engine::recent_requests` hashes only when a snapshot asks.
#[derive(Debug, Clone, Copy)]
pub(super) struct Recent {
    /// Virtual time of the attempt (ns): when it was sent, for one that waited.
    pub at_ns: u64,
    /// How long it waited in the leaky queue (ns).
    pub waited_ns: u64,
    /// The request key's index.
    pub key: u32,
    /// Id of the server that handled it.
    pub server: Option<u32>,
    /// Outcome.
    pub outcome: RequestOutcome,
    /// Whether a non-primary owner handled it.
    pub failed_over: bool,
}

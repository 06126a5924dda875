//! [`Sizes`]: the sizes of the engine's bounded structures.

/// Sizes of the engine's bounded structures (to check that memory stays flat).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sizes {
    /// Pending completions and retries.
    pub queue: usize,
    /// Per-second samples kept.
    pub series: usize,
    /// Event-log lines kept.
    pub log: usize,
    /// Recent requests kept.
    pub recent: usize,
    /// Membership changes kept.
    pub membership: usize,
    /// Largest per-server transition list.
    pub max_transitions: usize,
    /// Retired servers kept.
    pub retired: usize,
}

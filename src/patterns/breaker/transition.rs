//! [`Transition`]: one recorded state change, and its [`Reason`].

use super::state::State;

/// Why a transition happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Reason {
    /// `failure_threshold` consecutive failures while closed.
    FailureThreshold,
    /// The recovery timeout elapsed and a call arrived.
    RecoveryTimeout,
    /// A probe failed while half-open.
    ProbeFailed,
    /// `success_threshold` probes succeeded.
    ProbesSucceeded,
    /// An operator forced it open.
    ForcedOpen,
    /// An operator forced it closed.
    ForcedClosed,
    /// An operator reset it.
    Reset,
}

/// One recorded transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    /// When (ns, caller's timeline).
    pub at: u64,
    /// State before.
    pub from: State,
    /// State after.
    pub to: State,
    /// Why.
    pub reason: Reason,
}

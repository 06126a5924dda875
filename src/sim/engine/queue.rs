//! The event queue: completions, client retries and requests leaving the leaky queue,
//! due at future virtual times.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::patterns::breaker::{Outcome, Permit};

/// What happens when a queued event is due. Not `Copy`: it may hold a breaker permit,
/// which is moved, never copied.
#[derive(Debug)]
pub(super) enum PendingKind {
    /// A call dispatched to a server completes: its breaker result is recorded.
    Complete {
        /// Ring id of the server.
        server: u32,
        /// The server's epoch at dispatch (a removed and re-added server ignores it).
        epoch: u64,
        /// The breaker permit held while the call runs.
        permit: Permit,
        /// The outcome decided at dispatch.
        outcome: Outcome,
        /// Tenant index of the caller (its limiter learns how the call ended).
        tenant: u32,
        /// When the call was sent (virtual ns).
        sent_at: u64,
    },
    /// A client retries a non-successful request.
    Retry {
        /// Tenant index.
        tenant: u32,
        /// Key index.
        key: u32,
        /// Attempt number (the first attempt is 0).
        attempt: u8,
    },
    /// A request accepted by the leaky queue reaches its send time: it goes on to the
    /// ring, the breakers and a server.
    Release {
        /// Tenant index.
        tenant: u32,
        /// Key index.
        key: u32,
        /// Attempt number (the first attempt is 0).
        attempt: u8,
        /// When it arrived and was queued (ns).
        queued_at: u64,
    },
}

/// A heap entry: 16 bytes (time, tie-breaking sequence number, slot of the payload), so
/// that the heap of tens of thousands of in-flight calls stays cache-friendly.
#[derive(Debug, Clone, Copy)]
struct Pending {
    at: u64,
    seq: u32,
    slot: u32,
}

impl PartialEq for Pending {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl Eq for Pending {}
impl PartialOrd for Pending {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Pending {
    /// Reversed so that `BinaryHeap` (a max-heap) pops the earliest (time, seq) first.
    /// The sequence number wraps after 2³² events; ordering stays deterministic.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.at, other.seq).cmp(&(self.at, self.seq))
    }
}

/// Event queue: a binary heap of small keys plus a slab of payloads with a free list.
#[derive(Debug, Default)]
pub(super) struct EventQueue {
    heap: BinaryHeap<Pending>,
    /// `None` in free slots.
    payloads: Vec<Option<PendingKind>>,
    free: Vec<u32>,
    seq: u32,
}

impl EventQueue {
    /// Queue `kind` at virtual time `at`; equal times pop in push order.
    pub(super) fn push(&mut self, at: u64, kind: PendingKind) {
        let slot = match self.free.pop() {
            Some(i) => {
                self.payloads[i as usize] = Some(kind);
                i
            }
            None => {
                self.payloads.push(Some(kind));
                (self.payloads.len() - 1) as u32
            }
        };
        self.seq = self.seq.wrapping_add(1);
        self.heap.push(Pending {
            at,
            seq: self.seq,
            slot,
        });
    }

    /// Time of the earliest queued event.
    pub(super) fn peek_time(&self) -> Option<u64> {
        self.heap.peek().map(|p| p.at)
    }

    /// The earliest queued event and its time.
    pub(super) fn pop(&mut self) -> Option<(u64, PendingKind)> {
        let p = self.heap.pop()?;
        self.free.push(p.slot);
        let kind = self.payloads[p.slot as usize].take();
        Some((p.at, kind.expect("a queued slot holds its payload")))
    }

    /// Events queued.
    pub(super) fn len(&self) -> usize {
        self.heap.len()
    }
}

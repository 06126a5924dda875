//! Comparisons: the same scenario, seed and arrivals through two designs (A and B), each
//! side a full run, judged by the same scores.
//!
//! A side is the scenario with [`Settings`] applied (`vnodes=8`, `capacity=50`, and — as
//! the engine learns them — other algorithms: `ring=`, `limiter=`, `breaker=`, `retry=`).
//! Both sides draw arrivals from the same seeded stream, kept apart from everything decided
//! after admission (server outcomes, retry jitter), so they see exactly the same tenants,
//! keys and times; only retries, which follow outcomes, may differ.
//!
//! Each side's limiter is judged against an exact sliding log of its own traffic
//! ([`ReferenceLog`], see [`reference_window`]).

mod pair;
mod pattern;
mod reference;
mod score_card;
mod scores;
mod settings;
mod side;

pub use pair::Pair;
pub use pattern::Pattern;
pub use reference::{ReferenceLog, reference_window};
pub use score_card::{ReferenceReport, Scores};
pub use scores::{measure_lookup_ns, memory_per_server_bytes};
pub use settings::{Settings, SettingsError, algorithm_in};
pub use side::{CompareError, side_engine};

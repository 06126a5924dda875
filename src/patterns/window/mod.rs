//! Rate limiting by windows, beside the token bucket of [`limiter`](super::limiter):
//! [`FixedWindow`], the exact [`SlidingLog`] and the [`SlidingWindow`] counter
//! approximation, all keyed, pure and deterministic (time is the caller's `now`), with
//! bounded memory. [`Algorithm`] names the four (token bucket included) and [`Limiter`]
//! runs whichever is chosen by name, so designs can be compared on the same traffic.
//!
//! With `L` the limit and `W` the window, a request of a key at `T` is allowed:
//! * fixed window: while the key's allowed count in window `⌊T/W⌋` is below `L`;
//! * sliding log: iff fewer than `L` allowed requests of the key lie in `(T − W, T]`;
//! * sliding window: iff `prev·(W − e) + curr·W < L·W` with `w = ⌊T/W⌋`, `e = T − wW`
//!   and `prev`, `curr` the key's allowed counts in windows `w − 1` and `w`.
//!
//! Denied requests are never counted.
//!
//! The [`LeakyQueue`] (B waiting, drained at R) does not deny while it has room: an
//! accepted request waits until its send time ([`QueueState`]). The engine runs it
//! (`[limiter] algorithm = "leaky-queue"`); [`Limiter`] runs the other four.

mod algorithm;
mod config;
mod error;
mod fixed;
mod leaky_queue;
mod queue_config;
mod sliding_counter;
mod sliding_log;
mod table;

pub use algorithm::{Algorithm, Limiter, UnknownAlgorithm};
pub use config::WindowConfig;
pub use error::WindowError;
pub use fixed::FixedWindow;
pub use leaky_queue::{LeakyQueue, QueueState};
pub use queue_config::QueueConfig;
pub use sliding_counter::SlidingWindow;
pub use sliding_log::SlidingLog;

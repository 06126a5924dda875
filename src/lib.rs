//! ringside: a consistent-hash ring, token-bucket rate limiting and circuit breakers,
//! as a fast, exact library (`patterns`), a deterministic simulation that pushes requests
//! through all three (`sim`), and a terminal dashboard that draws them live (`tui`).
//!
//! Layers know each other in one direction only: `tui` → `sim` → `patterns`.
//! `patterns` is pure: no I/O, no clock, no threads; time is always a `now` argument
//! in nanoseconds on a monotonic timeline chosen by the caller.

pub mod cli;
pub mod patterns;
pub mod realtime;
pub mod redis;
pub mod report;
pub mod sim;
pub mod tui;

// The README's Rust example is compiled and run as a doctest, so it cannot drift.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

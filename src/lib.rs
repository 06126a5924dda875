//! ringside: a consistent-hash ring, token-bucket rate limiting and circuit breakers,
//! as a fast, exact library (`patterns`), a deterministic simulation that pushes requests
//! through all three (`sim`), and a terminal dashboard that draws them live (`tui`).
//!
//! Layers know each other in one direction only: `tui` → `sim` → `patterns`, and
//! `redis` → `realtime` → `patterns`. `patterns` is pure: no I/O, no clock, no threads;
//! time is always a `now` argument in nanoseconds on a monotonic timeline chosen by the
//! caller.
//!
//! # Features
//!
//! All on by default; `default-features = false` is the pure patterns library, which
//! depends only on md-5, thiserror, foldhash and hashbrown (with no default features: no
//! dependency of its own).
//!
//! | feature | modules | adds |
//! |---|---|---|
//! | (none) | `patterns` | ring, limiter, breaker |
//! | `realtime` | `realtime` | `SyncBreaker`: a breaker on a real clock, across threads (std only) |
//! | `sim` | `sim`, `report` | the deterministic simulation and its headless reports |
//! | `redis` | `redis` | the limiter on a shared Redis (implies `realtime`) |
//! | `dashboard` | `tui` | the terminal dashboard and the `ringside` binary (implies `sim`) |

// `deny`, not `forbid`: one module may call into AVX2 code once the CPU is known to have it
// (`patterns::ring::md5_lanes`, its only `unsafe`, commented there).
#![deny(unsafe_code)]

pub mod patterns;
#[cfg(feature = "realtime")]
pub mod realtime;
#[cfg(feature = "redis")]
pub mod redis;
#[cfg(feature = "sim")]
pub mod report;
#[cfg(feature = "sim")]
pub mod sim;
#[cfg(feature = "dashboard")]
pub mod tui;

// The README's Rust example is compiled and run as a doctest, so it cannot drift.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

//! Helpers shared by the integration tests: required tools and honest skips, child
//! processes with a time limit, a private redis-server (plain or TLS), the dashboard in tmux, and the
//! crate's own source files.

pub mod limiter_trace;
pub mod process;
#[cfg(feature = "redis")]
pub mod redis_nodes;
#[cfg(feature = "redis")]
pub mod redis_server;
#[cfg(feature = "redis")]
pub mod redis_tls;
pub mod ring_trace;
pub mod source;
pub mod tmux;
pub mod tools;

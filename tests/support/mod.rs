//! Helpers shared by the integration tests: required tools and honest skips, child
//! processes with a time limit, a private redis-server, the dashboard in tmux, and the
//! crate's own source files.

pub mod process;
#[cfg(feature = "redis")]
pub mod redis_nodes;
#[cfg(feature = "redis")]
pub mod redis_server;
pub mod ring_trace;
pub mod source;
pub mod tmux;
pub mod tools;

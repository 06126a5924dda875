//! Helpers shared by the integration tests: required tools and honest skips, child
//! processes with a time limit, a private redis-server, and the dashboard in tmux.

pub mod process;
#[cfg(feature = "redis")]
pub mod redis_server;
pub mod tmux;
pub mod tools;

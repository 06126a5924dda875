//! Helpers shared by the integration tests: required tools and honest skips, child
//! processes with a time limit, and a private redis-server.

pub mod process;
#[cfg(feature = "redis")]
pub mod redis_server;
pub mod tools;

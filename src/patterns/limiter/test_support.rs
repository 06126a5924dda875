//! Shorthands shared by the limiter's unit tests.

use super::config::BucketConfig;
use crate::patterns::{NANOS_PER_SEC, Nanos};

/// One second in nanoseconds.
pub const SEC: u64 = NANOS_PER_SEC;

/// `t` nanoseconds as a time.
pub fn ns(t: u64) -> Nanos {
    Nanos::from_nanos(t)
}

/// A valid bucket configuration.
pub fn cfg(capacity: u32, rate: f64) -> BucketConfig {
    BucketConfig::new(capacity, rate).unwrap()
}

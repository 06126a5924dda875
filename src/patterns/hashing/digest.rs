//! The hashes every algorithm is defined with, all MD5: `h128(s)` is MD5(s) as a
//! big-endian `u128` (the ring's position), `h64(s)` its first 8 bytes and `h64b(s)` its
//! last 8, each as a big-endian `u64`.

use crate::patterns::ring::hash_bytes;

/// MD5 of `bytes` as a big-endian `u128` (the ring's position of a key).
pub fn h128(bytes: &[u8]) -> u128 {
    hash_bytes(bytes)
}

/// The first 8 bytes of MD5 of `bytes`, big-endian.
pub fn h64(bytes: &[u8]) -> u64 {
    (h128(bytes) >> 64) as u64
}

/// The last 8 bytes of MD5 of `bytes`, big-endian.
pub fn h64b(bytes: &[u8]) -> u64 {
    h128(bytes) as u64
}

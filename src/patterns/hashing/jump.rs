//! Jump consistent hash: J. Lamping and E. Veach, "A Fast, Minimal Memory, Consistent
//! Hash Algorithm" (2014, <https://arxiv.org/abs/1406.2294>).
//!
//! Buckets are the servers in the order given (`--servers` order, or join order); a key
//! goes to bucket [`bucket`]`(h64(key), N)`. Growing from N to N + 1 buckets moves exactly
//! the keys that land in the new last bucket, about 1/(N + 1) of them: the ideal.
//!
//! Jump has no way to remove a bucket other than the last. [`Hashing`](super::Hashing)
//! removes server i by moving the last server into slot i and shrinking to N − 1 buckets.
//! That moves the removed server's keys (they now go to the last server, renamed into
//! slot i) **and** the last bucket's keys (spread over the N − 1 remaining buckets): about
//! 2/N of all keys instead of the ideal 1/N, twice the ideal cost (removing the last
//! server costs exactly the ideal).

/// The paper's `JumpConsistentHash(key, num_buckets)`, bit for bit: the same 64-bit
/// linear congruential step and the same division in `f64`. Bucket in `0..buckets`;
/// 0 when `buckets` is 0 (the caller has no servers then).
pub fn bucket(key: u64, buckets: u32) -> u32 {
    let mut key = key;
    let mut b: i64 = -1;
    let mut j: i64 = 0;
    while j < i64::from(buckets) {
        b = j;
        key = key.wrapping_mul(2862933555777941757).wrapping_add(1);
        // The C++ `(b + 1) * (double(1LL << 31) / double((key >> 33) + 1))`, converted
        // back to an integer by truncation.
        j = ((b + 1) as f64 * ((1i64 << 31) as f64 / ((key >> 33) + 1) as f64)) as i64;
    }
    b.max(0) as u32
}

/// Up to `n` owners of a key whose `h64` is `key` among `buckets` servers: its bucket,
/// then the following buckets in order, wrapping (jump itself defines only the first;
/// the next buckets are the usual way to place replicas over it). Appended to `out`.
pub fn owners(key: u64, buckets: u32, n: usize, out: &mut Vec<usize>) {
    if buckets == 0 {
        return;
    }
    let first = bucket(key, buckets) as usize;
    let buckets = buckets as usize;
    out.extend((0..n.min(buckets)).map(|i| (first + i) % buckets));
}

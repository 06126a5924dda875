//! A key's position on the ring: its MD5 as a big-endian 128-bit integer, one key at a
//! time or many at once (SIMD lanes).

use md5::{Digest, Md5};

use super::md5_lanes;

/// Position on the ring: an MD5 digest read as a big-endian 128-bit integer.
///
/// Hash a key once with [`hash_key`] and reuse the position for every lookup of that key
/// (the `_of_hash` lookups do no hashing):
///
/// ```
/// use ringside::patterns::ring::{HashRing, Position, hash_bytes, hash_key};
///
/// // md5("") = d41d8cd98f00b204e9800998ecf8427e, read big-endian.
/// assert_eq!(hash_key(""), 0xd41d8cd9_8f00b204_e9800998_ecf8427e);
///
/// let ring = HashRing::with_servers(100, ["a", "b", "c"])?;
/// let position: Position = hash_key("user:42");
/// assert_eq!(position, hash_bytes(b"user:42"));
/// assert_eq!(ring.owner_of_hash(position), ring.owner("user:42"));
/// assert_eq!(ring.owners_of_hash(position, 3).count(), 3);
/// # Ok::<(), ringside::patterns::ring::RingError>(())
/// ```
pub type Position = u128;

/// MD5 of `key` as a big-endian 128-bit integer: the key's position on the ring.
pub fn hash_key(key: &str) -> Position {
    hash_bytes(key.as_bytes())
}

/// MD5 of raw bytes as a big-endian 128-bit integer. `hash_key(s) == hash_bytes(s.as_bytes())`.
pub fn hash_bytes(key: &[u8]) -> Position {
    let digest: [u8; 16] = Md5::digest(key).into();
    u128::from_be_bytes(digest)
}

/// [`hash_bytes`] of many keys, appended to `out` in order: hashed sixteen at a time, one
/// MD5 per SIMD lane where the CPU has AVX2 (detected at run time; one lane after another
/// elsewhere), bit for bit the same digests, several times faster per key than one by
/// one on such CPUs.
///
/// ```
/// use ringside::patterns::ring::{hash_bytes, hash_many};
///
/// let keys: Vec<String> = (0..100).map(|i| format!("user:{i}")).collect();
/// let mut hashes = Vec::new();
/// hash_many(keys.iter().map(|k| k.as_bytes()), &mut hashes);
/// assert_eq!(hashes.len(), 100);
/// assert_eq!(hashes[42], hash_bytes(b"user:42"));
/// ```
pub fn hash_many<'a>(keys: impl IntoIterator<Item = &'a [u8]>, out: &mut Vec<Position>) {
    let mut keys = keys.into_iter();
    let mut batch: [&[u8]; md5_lanes::LANES] = [&[]; md5_lanes::LANES];
    let mut hashes = [0u128; md5_lanes::LANES];
    loop {
        let mut n = 0;
        for (slot, key) in batch.iter_mut().zip(keys.by_ref()) {
            *slot = key;
            n += 1;
        }
        if n == 0 {
            return;
        }
        md5_lanes::md5_lanes(&batch[..n], &mut hashes);
        out.extend_from_slice(&hashes[..n]);
    }
}

/// Hash `keys` [`md5_lanes::LANES`]` × 4` at a time with [`hash_many`], handing each
/// batch of positions to `f` in order.
pub(super) fn hash_batches<'a>(
    keys: impl IntoIterator<Item = &'a [u8]>,
    mut f: impl FnMut(&[Position]),
) {
    let mut keys = keys.into_iter().peekable();
    let mut hashes = Vec::with_capacity(md5_lanes::LANES * 4);
    while keys.peek().is_some() {
        hashes.clear();
        hash_many(keys.by_ref().take(md5_lanes::LANES * 4), &mut hashes);
        f(&hashes);
    }
}

/// Positions of `server`'s `count` virtual nodes, `md5("{server}:{i}")`.
pub(super) fn vnode_positions(server: &str, count: u32) -> Vec<Position> {
    // Hash the "{server}:" prefix once and clone the state for each index.
    let mut prefix = Md5::new();
    prefix.update(server.as_bytes());
    prefix.update(b":");
    let mut digits = [0u8; 10];
    (0..count)
        .map(|i| {
            let mut h = prefix.clone();
            h.update(format_u32(i, &mut digits));
            let digest: [u8; 16] = h.finalize().into();
            u128::from_be_bytes(digest)
        })
        .collect()
}

/// Decimal digits of `v`, without allocating.
pub(super) fn format_u32(mut v: u32, buf: &mut [u8; 10]) -> &[u8] {
    let mut start = buf.len();
    loop {
        start -= 1;
        buf[start] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    &buf[start..]
}

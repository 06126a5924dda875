//! Rendezvous (highest random weight) hashing: D. Thaler and C. Ravishankar, "Using
//! Name-Based Mappings to Increase Hit Rates" (IEEE/ACM ToN, 1998).
//!
//! Each server scores a key with `h128("{server}#{key}")`; the owner is the server with
//! the highest score, ties by name (the smaller name wins), and N replicas are the N
//! highest. A lookup costs one MD5 per server; membership changes cost nothing and move
//! only the keys the changed server wins or loses.

use md5::{Digest, Md5};

/// `h128("{server}#{key}")`: the server's score for the key.
pub fn score(server: &str, key: &[u8]) -> u128 {
    let digest: [u8; 16] = Md5::new()
        .chain_update(server.as_bytes())
        .chain_update(b"#")
        .chain_update(key)
        .finalize()
        .into();
    u128::from_be_bytes(digest)
}

/// Up to `n` owners of `key` among `servers`, highest score first (ties: smaller name
/// first), as indices into `servers`, appended to `out`.
pub fn owners(servers: &[Box<str>], key: &[u8], n: usize, out: &mut Vec<usize>) {
    let better = |a: &(u128, usize), b: &(u128, usize)| {
        b.0.cmp(&a.0).then_with(|| servers[a.1].cmp(&servers[b.1]))
    };
    let scored = servers.iter().enumerate().map(|(i, s)| (score(s, key), i));
    if n == 1 {
        // The common case: one pass, no allocation.
        if let Some((_, best)) = scored.min_by(better) {
            out.push(best);
        }
        return;
    }
    let mut all: Vec<(u128, usize)> = scored.collect();
    all.sort_unstable_by(better);
    out.extend(all.iter().take(n).map(|&(_, i)| i));
}

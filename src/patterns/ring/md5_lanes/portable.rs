//! The portable backend: the scalar fallback, one lane after another, each a plain MD5
//! on `u32`s (the steps written out, as the `md-5` crate does). Used where no SIMD
//! backend runs.

use super::{Blocks, K, LANES, S, V};

#[inline(always)]
fn add(x: u32, y: u32) -> u32 {
    x.wrapping_add(y)
}

#[inline(always)]
fn and(x: u32, y: u32) -> u32 {
    x & y
}

#[inline(always)]
fn or(x: u32, y: u32) -> u32 {
    x | y
}

#[inline(always)]
fn xor(x: u32, y: u32) -> u32 {
    x ^ y
}

/// `!x & y`.
#[inline(always)]
fn andnot(x: u32, y: u32) -> u32 {
    !x & y
}

#[inline(always)]
fn not(x: u32) -> u32 {
    !x
}

#[inline(always)]
fn rotl(x: u32, s: u32) -> u32 {
    x.rotate_left(s)
}

#[inline(always)]
fn splat(k: u32) -> u32 {
    k
}

/// `state += steps(state, block)` on every lane.
pub(super) fn compress(state: &mut [V; 4], blocks: &Blocks) {
    for (lane, words) in blocks.iter().enumerate().take(LANES) {
        let out = md5_steps!(state.each_ref().map(|v| v[lane]), words);
        for (v, w) in state.iter_mut().zip(out) {
            v[lane] = w;
        }
    }
}

//! MD5 of several keys at once: [`LANES`] independent MD5 computations run in lock-step,
//! one per lane of a `[u32; LANES]`, so each of MD5's 64 steps is a handful of
//! element-wise operations on all lanes together. Two backends share one description of
//! the steps ([`md5_steps`]): on x86-64 CPUs with AVX2 (detected at run time) the lanes
//! are one 256-bit register ([`avx2`], `std::arch`); elsewhere the portable version on
//! arrays, which the compiler turns into SIMD instructions of the build's baseline (two
//! SSE2 registers on any x86-64, NEON on aarch64). The result is the MD5 of each key, bit
//! for bit the [`md-5`](https://docs.rs/md-5) crate's, whichever backend runs; only the
//! speed differs.
//!
//! Hand-written because no maintained crate offers multi-buffer MD5 (the `md-5` crate
//! hashes one message at a time); the unit tests check every backend against `md-5`.

/// Keys hashed together (two AVX2 registers, whose steps interleave: MD5's steps depend
/// on each other, so one register alone would wait on every step).
pub const LANES: usize = 16;

/// One 32-bit word of every lane.
type V = [u32; LANES];

/// Per-round shift amounts (RFC 1321).
const S: [u32; 64] = [
    7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9,
    14, 20, 5, 9, 14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15,
    21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
];

/// Per-round constants `floor(2^32 · |sin(i + 1)|)` (RFC 1321).
const K: [u32; 64] = [
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
];

/// The initial state (RFC 1321).
const INIT: [u32; 4] = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];

/// The compression function, `state + steps(state, block)`, on a state of four vectors
/// and a block of sixteen (`$m[g]`), written once for every backend: the caller has the
/// lane-wise operations `add`, `and`, `or`, `xor`, `andnot(x, y)` (`!x & y`), `not`,
/// `rotl(x, s)` and `splat(u32)` in scope for its vector type. Each round is 16 steps
/// `b + rotl(a + f(b, c, d) + k + m, s)` with its own `f` and message schedule (RFC 1321).
macro_rules! md5_steps {
    ($state:expr, $m:expr) => {{
        let [a0, b0, c0, d0] = $state;
        let (mut a, mut b, mut c, mut d) = (a0, b0, c0, d0);
        md5_round!(
            [a, b, c, d],
            $m,
            0,
            |x, y, z| or(and(x, y), andnot(x, z)),
            |I| I
        );
        md5_round!(
            [a, b, c, d],
            $m,
            1,
            |x, y, z| or(and(x, z), andnot(z, y)),
            |I| (5 * I + 1) % 16
        );
        md5_round!([a, b, c, d], $m, 2, |x, y, z| xor(xor(x, y), z), |I| (3
            * I
            + 5)
            % 16);
        md5_round!([a, b, c, d], $m, 3, |x, y, z| xor(y, or(x, not(z))), |I| (7
            * I)
            % 16);
        [add(a0, a), add(b0, b), add(c0, c), add(d0, d)]
    }};
}

/// One round of [`md5_steps`], written out step by step (no loop), so every index,
/// constant and shift is known when compiling: immediate shifts, no table reads.
macro_rules! md5_round {
    ([$a:ident, $b:ident, $c:ident, $d:ident], $m:expr, $round:expr,
        |$fb:ident, $fc:ident, $fd:ident| $f:expr, |$i:ident| $g:expr) => {
        md5_round!(@steps [$a, $b, $c, $d], $m, $round, |$fb, $fc, $fd| $f, |$i| $g;
            0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15)
    };
    (@steps [$a:ident, $b:ident, $c:ident, $d:ident], $m:expr, $round:expr,
        |$fb:ident, $fc:ident, $fd:ident| $f:expr, |$i:ident| $g:expr; $($j:literal)*) => {
        $({
            const $i: usize = $round * 16 + $j;
            let ($fb, $fc, $fd) = ($b, $c, $d);
            // `k + m` first: it does not wait for the previous step.
            let sum = add(add($a, add(splat(K[$i]), $m[$g])), $f);
            ($a, $b, $c, $d) = ($d, add($b, rotl(sum, S[$i])), $b, $c);
        })*
    };
}

#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)] // Calling AVX2 code once the CPU is known to have it: see the module.
mod avx2;
mod portable;

/// One 64-byte block of every lane, lane by lane: `blocks[lane][word]` (each lane's block
/// as MD5 reads it, sixteen little-endian words). Each backend turns it into its own
/// layout (the AVX2 one transposes it into word-by-word registers).
type Blocks = [[u32; 16]; LANES];

/// A compression function: `state += steps(state, block)` on every lane.
type Compress = fn(&mut [V; 4], &Blocks);

/// The fastest compression function this CPU runs.
fn best() -> Compress {
    #[cfg(target_arch = "x86_64")]
    if let Some(compress) = avx2::detect() {
        return compress;
    }
    portable::compress
}

/// Number of 64-byte blocks of a message of `len` bytes once padded.
fn blocks(len: usize) -> usize {
    (len + 8) / 64 + 1
}

/// Block `b` of `msg` padded as MD5 pads it (the bytes, 0x80, zeros, then the length in
/// bits, little-endian), as 16 little-endian words.
#[inline]
fn fill_block(msg: &[u8], b: usize, words: &mut [u32; 16]) {
    let mut block = [0u8; 64];
    let start = b * 64;
    let part = msg.get(start..).unwrap_or_default();
    let part = &part[..part.len().min(64)];
    block[..part.len()].copy_from_slice(part);
    if part.len() < 64 && start <= msg.len() {
        block[part.len()] = 0x80;
    }
    if b + 1 == blocks(msg.len()) {
        block[56..].copy_from_slice(&(msg.len() as u64).wrapping_mul(8).to_le_bytes());
    }
    for (w, chunk) in words.iter_mut().zip(block.chunks_exact(4)) {
        *w = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
    }
}

/// MD5 of up to [`LANES`] messages at once, each as a big-endian `u128` (as
/// [`hash_bytes`](super::hash_bytes) gives it), into `out[..msgs.len()]`.
pub fn md5_lanes(msgs: &[&[u8]], out: &mut [u128]) {
    md5_lanes_with(best(), msgs, out);
}

/// [`md5_lanes`] with the given backend. Lanes past `msgs.len()` hash an empty block
/// whose result is dropped.
fn md5_lanes_with(compress: Compress, msgs: &[&[u8]], out: &mut [u128]) {
    debug_assert!(msgs.len() <= LANES && out.len() >= msgs.len());
    let msgs = &msgs[..msgs.len().min(LANES)];
    let nblocks: [usize; LANES] =
        std::array::from_fn(|i| msgs.get(i).map_or(0, |m| blocks(m.len())));
    let used = &nblocks[..msgs.len()];
    let (min, max) = (
        used.iter().copied().min().unwrap_or(0),
        used.iter().copied().max().unwrap_or(0),
    );
    let mut state: [V; 4] = INIT.map(|w| [w; LANES]);
    let mut block: Blocks = [[0; 16]; LANES];
    for b in 0..max {
        for ((words, msg), &count) in block.iter_mut().zip(msgs).zip(used) {
            if b < count {
                fill_block(msg, b, words);
            }
        }
        if b < min {
            compress(&mut state, &block);
            continue;
        }
        // Some lanes' messages are done: they keep their finished state.
        let before = state;
        compress(&mut state, &block);
        for (lane, &count) in used.iter().enumerate() {
            if b >= count {
                for (s, v) in state.iter_mut().zip(&before) {
                    s[lane] = v[lane];
                }
            }
        }
    }
    for (lane, o) in out.iter_mut().take(msgs.len()).enumerate() {
        // The digest is the state's words in little-endian byte order, read big-endian.
        *o = state.iter().fold(0u128, |acc, s| {
            (acc << 32) | u128::from(s[lane].swap_bytes())
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use md5::{Digest, Md5};
    use proptest::prelude::*;

    fn reference(m: &[u8]) -> u128 {
        u128::from_be_bytes(Md5::digest(m).into())
    }

    #[test]
    fn rfc_1321_test_suite() {
        let suite: [(&[u8], u128); 4] = [
            (b"", 0xd41d8cd98f00b204e9800998ecf8427e),
            (b"abc", 0x900150983cd24fb0d6963f7d28e17f72),
            (b"message digest", 0xf96b697d7cb7938d525a2f31aaf161d0),
            (
                b"12345678901234567890123456789012345678901234567890123456789012345678901234567890",
                0x57edf4a22be3c955ac49da2e2107b67a,
            ),
        ];
        let msgs: Vec<&[u8]> = suite.iter().map(|(m, _)| *m).collect();
        for (name, compress) in backends() {
            let mut out = [0u128; LANES];
            md5_lanes_with(compress, &msgs, &mut out);
            for (i, (_, want)) in suite.iter().enumerate() {
                assert_eq!(out[i], *want, "{name}: message {i}");
            }
        }
    }

    /// Every backend this CPU runs, by name.
    fn backends() -> Vec<(&'static str, Compress)> {
        let mut all: Vec<(&'static str, Compress)> = vec![("portable", portable::compress)];
        #[cfg(target_arch = "x86_64")]
        if let Some(compress) = avx2::detect() {
            all.push(("avx2", compress));
        }
        all
    }

    #[test]
    fn this_x86_64_machine_tests_the_avx2_backend() {
        // Where the CPU has AVX2 its backend must be among those tested (and chosen).
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            assert_eq!(backends().len(), 2);
            assert_eq!(best() as usize, backends()[1].1 as usize);
        }
    }

    proptest! {
        /// Every lane of every backend equals the md-5 crate's digest, whatever the mix of
        /// lengths (around the one- and two-block boundaries at 55/56 and 119/120 bytes).
        #[test]
        fn every_lane_equals_md5(msgs in proptest::collection::vec(
            proptest::collection::vec(any::<u8>(), 0..200), 0..=LANES)) {
            let refs: Vec<&[u8]> = msgs.iter().map(Vec::as_slice).collect();
            for (name, compress) in backends() {
                let mut out = [0u128; LANES];
                md5_lanes_with(compress, &refs, &mut out);
                for (i, m) in msgs.iter().enumerate() {
                    prop_assert_eq!(out[i], reference(m), "{} lane {} of {} bytes", name, i, m.len());
                }
            }
        }
    }
}

//! The AVX2 backend: the [`LANES`] lanes are two 256-bit registers. Chosen at run time
//! ([`detect`]) on x86-64 CPUs that have AVX2.
//!
//! The only `unsafe` is the call into code compiled for AVX2, made once the CPU is known
//! to have it; the operations themselves are safe `std::arch` intrinsics inside functions
//! compiled for AVX2, and registers are built from and read into arrays without pointers.

use std::arch::x86_64::{
    __m256i, _mm_cvtsi32_si128, _mm256_add_epi32, _mm256_and_si256, _mm256_andnot_si256,
    _mm256_extract_epi32, _mm256_or_si256, _mm256_permute2x128_si256, _mm256_set1_epi32,
    _mm256_setr_epi32, _mm256_sll_epi32, _mm256_srl_epi32, _mm256_unpackhi_epi32,
    _mm256_unpackhi_epi64, _mm256_unpacklo_epi32, _mm256_unpacklo_epi64, _mm256_xor_si256,
};

use super::{Blocks, Compress, K, LANES, S, V};

/// The lanes: two registers of eight.
type W = [__m256i; 2];

const _: () = assert!(LANES == 16);

/// The AVX2 compression function when this CPU has AVX2.
pub(super) fn detect() -> Option<Compress> {
    std::arch::is_x86_feature_detected!("avx2").then_some(compress as Compress)
}

/// `state += steps(state, block)` on every lane. Private: handed out only by [`detect`].
fn compress(state: &mut [V; 4], m: &Blocks) {
    // SAFETY: `compress` is reachable only through `detect`, which returned it after
    // checking that this CPU has AVX2 — the one requirement of `compress_avx2`.
    unsafe { compress_avx2(state, m) }
}

#[target_feature(enable = "avx2")]
fn compress_avx2(state: &mut [V; 4], blocks: &Blocks) {
    let m = words(blocks);
    let s = md5_steps!([0, 1, 2, 3].map(|i| load(&state[i])), m);
    for (v, w) in state.iter_mut().zip(s) {
        *v = store(w);
    }
}

#[target_feature(enable = "avx2")]
#[inline]
fn load(v: &V) -> W {
    let r = |i: usize| {
        let x = |j: usize| v[i + j] as i32;
        _mm256_setr_epi32(x(0), x(1), x(2), x(3), x(4), x(5), x(6), x(7))
    };
    [r(0), r(8)]
}

/// The blocks word by word: `m[word]` holds that word of every lane. Four 8×8
/// transposes (lanes 0..8 and 8..16, words 0..8 and 8..16), in registers.
#[target_feature(enable = "avx2")]
#[inline]
fn words(blocks: &Blocks) -> [W; 16] {
    let (lo_lo, lo_hi) = (quarter(blocks, 0, 0), quarter(blocks, 0, 8));
    let (hi_lo, hi_hi) = (quarter(blocks, 8, 0), quarter(blocks, 8, 8));
    std::array::from_fn(|w| {
        if w < 8 {
            [lo_lo[w], hi_lo[w]]
        } else {
            [lo_hi[w - 8], hi_hi[w - 8]]
        }
    })
}

/// Words `w..w + 8` of lanes `lanes..lanes + 8`, word by word: eight unaligned loads
/// (written out, so nothing is left to the inliner) and a transpose.
#[target_feature(enable = "avx2")]
fn quarter(blocks: &Blocks, lanes: usize, w: usize) -> [__m256i; 8] {
    let b: &[[u32; 16]; 8] = blocks[lanes..lanes + 8]
        .try_into()
        .unwrap_or_else(|_| unreachable!("8 of {LANES} lanes"));
    let w = w.min(8);
    macro_rules! row {
        ($l:literal) => {
            _mm256_setr_epi32(
                b[$l][w] as i32,
                b[$l][w + 1] as i32,
                b[$l][w + 2] as i32,
                b[$l][w + 3] as i32,
                b[$l][w + 4] as i32,
                b[$l][w + 5] as i32,
                b[$l][w + 6] as i32,
                b[$l][w + 7] as i32,
            )
        };
    }
    transpose([
        row!(0),
        row!(1),
        row!(2),
        row!(3),
        row!(4),
        row!(5),
        row!(6),
        row!(7),
    ])
}

/// Transpose of an 8×8 matrix of 32-bit words held as eight rows: row `i` of the result
/// holds word `i` of every input row.
#[target_feature(enable = "avx2")]
#[inline]
fn transpose(r: [__m256i; 8]) -> [__m256i; 8] {
    // Rows a..h. Pairs of rows interleaved: a0 b0 a1 b1 | a4 b4 a5 b5, and a2 b2 a3 b3 | …
    let t = |i: usize| {
        [
            _mm256_unpacklo_epi32(r[i], r[i + 1]),
            _mm256_unpackhi_epi32(r[i], r[i + 1]),
        ]
    };
    let ([t0, t1], [t2, t3], [t4, t5], [t6, t7]) = (t(0), t(2), t(4), t(6));
    // Quads: a0 b0 c0 d0 | a4 b4 c4 d4, a1 b1 c1 d1 | a5 …, and so on.
    let u = [
        _mm256_unpacklo_epi64(t0, t2),
        _mm256_unpackhi_epi64(t0, t2),
        _mm256_unpacklo_epi64(t1, t3),
        _mm256_unpackhi_epi64(t1, t3),
        _mm256_unpacklo_epi64(t4, t6),
        _mm256_unpackhi_epi64(t4, t6),
        _mm256_unpacklo_epi64(t5, t7),
        _mm256_unpackhi_epi64(t5, t7),
    ];
    // Halves joined: words 0..4 from the low 128 bits, 4..8 from the high.
    std::array::from_fn(|w| {
        let (x, y) = (u[w % 4], u[w % 4 + 4]);
        if w < 4 {
            _mm256_permute2x128_si256::<0x20>(x, y)
        } else {
            _mm256_permute2x128_si256::<0x31>(x, y)
        }
    })
}

#[target_feature(enable = "avx2")]
#[inline]
fn store(w: W) -> V {
    let mut v = [0; LANES];
    for (half, x) in v.chunks_exact_mut(8).zip(w) {
        half.copy_from_slice(&[
            _mm256_extract_epi32::<0>(x) as u32,
            _mm256_extract_epi32::<1>(x) as u32,
            _mm256_extract_epi32::<2>(x) as u32,
            _mm256_extract_epi32::<3>(x) as u32,
            _mm256_extract_epi32::<4>(x) as u32,
            _mm256_extract_epi32::<5>(x) as u32,
            _mm256_extract_epi32::<6>(x) as u32,
            _mm256_extract_epi32::<7>(x) as u32,
        ]);
    }
    v
}

/// `f` on both registers.
#[target_feature(enable = "avx2")]
#[inline]
fn both(x: W, y: W, f: impl Fn(__m256i, __m256i) -> __m256i) -> W {
    [f(x[0], y[0]), f(x[1], y[1])]
}

#[target_feature(enable = "avx2")]
#[inline]
fn add(x: W, y: W) -> W {
    both(x, y, |x, y| _mm256_add_epi32(x, y))
}

#[target_feature(enable = "avx2")]
#[inline]
fn and(x: W, y: W) -> W {
    both(x, y, |x, y| _mm256_and_si256(x, y))
}

#[target_feature(enable = "avx2")]
#[inline]
fn or(x: W, y: W) -> W {
    both(x, y, |x, y| _mm256_or_si256(x, y))
}

#[target_feature(enable = "avx2")]
#[inline]
fn xor(x: W, y: W) -> W {
    both(x, y, |x, y| _mm256_xor_si256(x, y))
}

/// `!x & y`, lane by lane.
#[target_feature(enable = "avx2")]
#[inline]
fn andnot(x: W, y: W) -> W {
    both(x, y, |x, y| _mm256_andnot_si256(x, y))
}

#[target_feature(enable = "avx2")]
#[inline]
fn not(x: W) -> W {
    xor(x, splat(u32::MAX))
}

#[target_feature(enable = "avx2")]
#[inline]
fn rotl(x: W, s: u32) -> W {
    let (left, right) = (
        _mm_cvtsi32_si128(s as i32),
        _mm_cvtsi32_si128(32 - s as i32),
    );
    x.map(|x| _mm256_or_si256(_mm256_sll_epi32(x, left), _mm256_srl_epi32(x, right)))
}

#[target_feature(enable = "avx2")]
#[inline]
fn splat(k: u32) -> W {
    [_mm256_set1_epi32(k as i32); 2]
}

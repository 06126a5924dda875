//! [`prefetch`]: a hint that brings a value's memory into cache before it is used.

/// Ask the CPU to bring the cache lines holding `value` into cache (the first and the
/// last byte's, which differ when it straddles two), for a caller that knows what it
/// will read next and has other work to do meanwhile: with a large table read at random,
/// a lookup is otherwise mostly a wait for memory. A hint only: it reads nothing
/// observable and changes no result; nothing on targets other than x86_64.
#[inline(always)]
pub(crate) fn prefetch<T>(value: &T) {
    let first = std::ptr::from_ref(value).cast::<u8>();
    prefetch_line(first);
    prefetch_line(first.wrapping_add(size_of::<T>().saturating_sub(1)));
}

/// A prefetch of the cache line holding `p`.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
#[allow(unsafe_code)] // A prefetch never faults and reads nothing observable; SSE is baseline on x86_64.
fn prefetch_line(p: *const u8) {
    use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
    // SAFETY: `_mm_prefetch` needs only SSE, which every x86_64 CPU has; it is a hint
    // that never dereferences `p` architecturally (any address is allowed).
    unsafe { _mm_prefetch::<_MM_HINT_T0>(p.cast()) }
}

/// No prefetch elsewhere.
#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn prefetch_line(_p: *const u8) {}

//! The wasm32 SIMD kernels of the Montgomery product and square (`simd128`).
//!
//! Same algorithm and result as the portable kernels in `montgomery.rs` (product scanning,
//! interleaved reduction, 28-bit limbs with delayed carries), but each column's dot products
//! `Σ a_i·b_(k−i)` and `Σ q_i·N_(k−i)` run four limbs at a time: one `u32x4` load of `a` (or `q`),
//! one of the *reversed* `b` (or `N`), and `u64x2.extmul_low/high_u32x4` for four 56-bit products
//! into two `u64` lanes. `-C target-feature=+simd128` alone vectorises none of this (measured),
//! hence the intrinsics.
//!
//! Reversed operands sit at offset [`OFF`] in a zero-padded buffer, so a 4-lane step that runs
//! past either end of a column's index range multiplies by zeros instead of needing a scalar
//! edge loop.

use core::arch::wasm32::{
    i64x2_add, u64x2_extmul_high_u32x4, u64x2_extmul_low_u32x4, u64x2_extract_lane,
    u64x2_splat, v128, v128_load,
};

use super::montgomery::{finish_column, Element, LIMBS, N, WIDTH};

/// Zero limbs in front of a reversed operand.
const OFF: usize = 4;
/// Length of a reversed, padded operand.
const REV: usize = OFF + WIDTH + 4;

/// `x` reversed: `rev[OFF + LIMBS − 1 − t] = x[t]`, zero elsewhere.
#[inline(always)]
fn reversed(x: &[u32; WIDTH]) -> [u32; REV] {
    let mut rev = [0u32; REV];
    for t in 0..LIMBS {
        rev[OFF + LIMBS - 1 - t] = x[t];
    }
    rev
}

const N_REV: [u32; REV] = {
    let mut rev = [0u32; REV];
    let mut t = 0;
    while t < LIMBS {
        rev[OFF + LIMBS - 1 - t] = N.0[t];
        t += 1;
    }
    rev
};

/// Four products of `x[i..i+4]` and `y[r..r+4]`, summed pairwise into two u64 lanes.
///
/// # Safety
/// `x` must be readable for 4 `u32`s from `i`, `y` from `r`.
#[inline(always)]
unsafe fn dot4(x: *const u32, i: usize, y: *const u32, r: usize) -> v128 {
    let xv = v128_load(x.add(i) as *const v128);
    let yv = v128_load(y.add(r) as *const v128);
    i64x2_add(u64x2_extmul_low_u32x4(xv, yv), u64x2_extmul_high_u32x4(xv, yv))
}

#[inline(always)]
fn lanes_sum(v: v128) -> u64 {
    u64x2_extract_lane::<0>(v).wrapping_add(u64x2_extract_lane::<1>(v))
}

/// Montgomery product `a·b·R⁻¹ mod N`; identical results to `montgomery::mul_portable`.
pub fn mul(a: &Element, b: &Element) -> Element {
    let b_rev = reversed(&b.0);
    let mut q = [0u32; WIDTH];
    let mut out = [0u32; WIDTH];
    let mut carry = 0u64;
    for k in 0..2 * LIMBS {
        let lo = k.saturating_sub(LIMBS - 1);
        let end = (k + 1).min(LIMBS);
        let mut acc = u64x2_splat(0);
        let mut i = lo & !3;
        while i < end {
            // Lane m pairs a[i+m] with b[k−i−m] = b_rev[r+m]. i ≤ 108, so a[i..i+4] and
            // q[i..i+4] are in bounds; OFF + LIMBS − 1 + i − k lies in 1..=113 (i ≥ lo − 3,
            // i ≤ k), so b_rev/N_REV[r..r+4] are in bounds, and lanes with k−i−m outside
            // 0..LIMBS read the zero padding. q[j] for j ≥ k is still 0.
            let r = OFF + LIMBS - 1 + i - k;
            // SAFETY: bounds as argued above.
            unsafe {
                acc = i64x2_add(acc, dot4(a.0.as_ptr(), i, b_rev.as_ptr(), r));
                acc = i64x2_add(acc, dot4(q.as_ptr(), i, N_REV.as_ptr(), r));
            }
            i += 4;
        }
        carry = finish_column(k, carry + lanes_sum(acc), &mut q, &mut out);
    }
    Element(out)
}

/// Montgomery square `a²·R⁻¹ mod N`; identical results to `montgomery::square_portable`.
pub fn square(a: &Element) -> Element {
    let a_rev = reversed(&a.0);
    let mut q = [0u32; WIDTH];
    let mut out = [0u32; WIDTH];
    let mut carry = 0u64;
    for k in 0..2 * LIMBS {
        let lo = k.saturating_sub(LIMBS - 1);
        let end = (k + 1).min(LIMBS);
        let half = (k + 1) / 2; // cross products a_i·a_(k−i) with i < k − i
        let mut cross = u64x2_splat(0);
        let mut i = lo & !3;
        while i + 4 <= half {
            let r = OFF + LIMBS - 1 + i - k;
            // SAFETY: as in `mul` (i + 4 ≤ half ≤ 110; lanes below lo read zero padding).
            unsafe {
                cross = i64x2_add(cross, dot4(a.0.as_ptr(), i, a_rev.as_ptr(), r));
            }
            i += 4;
        }
        let mut cross = lanes_sum(cross);
        for j in i.max(lo)..half {
            cross += u64::from(a.0[j]) * u64::from(a.0[k - j]);
        }
        let mut col = carry + 2 * cross;
        if k % 2 == 0 && k / 2 < LIMBS {
            col += u64::from(a.0[k / 2]) * u64::from(a.0[k / 2]);
        }
        let mut acc = u64x2_splat(0);
        let mut i = lo & !3;
        while i < end {
            let r = OFF + LIMBS - 1 + i - k;
            // SAFETY: as in `mul`.
            unsafe {
                acc = i64x2_add(acc, dot4(q.as_ptr(), i, N_REV.as_ptr(), r));
            }
            i += 4;
        }
        carry = finish_column(k, col + lanes_sum(acc), &mut q, &mut out);
    }
    Element(out)
}

//! The wasm32 SIMD kernels of the Montgomery product and square (`simd128`).
//!
//! Same algorithm and result as the portable kernels in `montgomery.rs` (product scanning,
//! interleaved reduction, 28-bit limbs with delayed carries), but each column's dot products
//! `Σ a_i·b_(k−i)` and `Σ q_i·N_(k−i)` run four limbs at a time: one `u32x4` load of `a` (or `q`),
//! one of the *reversed* `b` (or `N`), and `u64x2.extmul_{low,high}_u32x4` for four 56-bit
//! products into two `u64` lanes. `-C target-feature=+simd128` alone vectorises none of this
//! (measured), hence the intrinsics.
//!
//! Shape, from measurements in V8 (Chromium and Node): the kernels are bound by vector ALU uops
//! (each extended multiply is two lane shuffles and a multiply) and by the mispredicted exit of
//! each column's variable-length loop. So each pass computes **two adjacent columns**, k and
//! k + 1: they share the loads of `a` and `q`, keep four independent accumulators (no long add
//! chain), and pay one loop exit for two columns. Column k + 1's term `q_k·N_1` is added after
//! the pass, once `q_k` is known.
//!
//! Reversed operands sit at offset [`OFF`] in a zero-padded buffer, so a 4-lane step that runs
//! past either end of a column's index range multiplies by zeros instead of needing a scalar
//! edge loop.

use core::arch::wasm32::{
    i64x2_add, u32x4, u64x2_extmul_high_u32x4, u64x2_extmul_low_u32x4, u64x2_extract_lane,
    u64x2_splat, v128, v128_and, v128_load,
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

/// `LANES_BELOW[m]` keeps the lowest m u32 lanes.
const LANES_BELOW: [v128; 5] = [
    u32x4(0, 0, 0, 0),
    u32x4(!0, 0, 0, 0),
    u32x4(!0, !0, 0, 0),
    u32x4(!0, !0, !0, 0),
    u32x4(!0, !0, !0, !0),
];

/// Loads four limbs.
///
/// # Safety
/// `p + i` must be readable for 4 `u32`s.
#[inline(always)]
unsafe fn load4(p: *const u32, i: usize) -> v128 {
    v128_load(p.add(i) as *const v128)
}

/// The four products of the lanes of `x` and `y`, summed pairwise into two u64 lanes.
#[inline(always)]
fn dot(x: v128, y: v128) -> v128 {
    i64x2_add(u64x2_extmul_low_u32x4(x, y), u64x2_extmul_high_u32x4(x, y))
}

#[inline(always)]
fn lanes_sum(v: v128) -> u64 {
    u64x2_extract_lane::<0>(v).wrapping_add(u64x2_extract_lane::<1>(v))
}

/// Index into a reversed operand of the limb paired with `i` in column `k`.
///
/// Callers keep `i ≥ lo(k) − 3` (lo(k) = max(0, k − LIMBS + 1)) and `i ≤ k + 1`, so the result
/// lies in 1..=114, the 4-lane reads `[r − 1, r + 4)` stay inside `REV` = 120, and lanes whose
/// partner index is outside 0..LIMBS read zero padding.
#[inline(always)]
fn rev_index(i: usize, k: usize) -> usize {
    OFF + LIMBS - 1 + i - k
}

/// Montgomery product `a·b·R⁻¹ mod N`; identical results to `montgomery::mul_portable`.
pub fn mul(a: &Element, b: &Element) -> Element {
    let b_rev = reversed(&b.0);
    let mut q = [0u32; WIDTH];
    let mut out = [0u32; WIDTH];
    let mut carry = 0u64;
    let mut k = 0;
    while k < 2 * LIMBS {
        // Columns k and k + 1 over the union of their ranges [lo(k), end(k + 1)).
        let lo = k.saturating_sub(LIMBS - 1);
        let end = (k + 2).min(LIMBS);
        let (mut p0, mut r0, mut p1, mut r1) = (
            u64x2_splat(0),
            u64x2_splat(0),
            u64x2_splat(0),
            u64x2_splat(0),
        );
        let mut i = lo & !3;
        while i < end {
            let r = rev_index(i, k);
            // SAFETY: i ≤ 108 keeps a/q[i..i+4] in bounds (WIDTH = 112); r as in `rev_index`.
            // q[j] for j ≥ k is still 0.
            unsafe {
                let (av, qv) = (load4(a.0.as_ptr(), i), load4(q.as_ptr(), i));
                p0 = i64x2_add(p0, dot(av, load4(b_rev.as_ptr(), r)));
                r0 = i64x2_add(r0, dot(qv, load4(N_REV.as_ptr(), r)));
                p1 = i64x2_add(p1, dot(av, load4(b_rev.as_ptr(), r - 1)));
                r1 = i64x2_add(r1, dot(qv, load4(N_REV.as_ptr(), r - 1)));
            }
            i += 4;
        }
        carry = finish_column(k, carry + lanes_sum(i64x2_add(p0, r0)), &mut q, &mut out);
        let late = if k < LIMBS {
            u64::from(q[k]) * u64::from(N.0[1])
        } else {
            0
        };
        carry = finish_column(
            k + 1,
            carry + late + lanes_sum(i64x2_add(p1, r1)),
            &mut q,
            &mut out,
        );
        k += 2;
    }
    Element(out)
}

/// Montgomery square `a²·R⁻¹ mod N`; identical results to `montgomery::square_portable`.
///
/// Cross products `a_i·a_(k−i)` with i < k − i are summed once and doubled. For even k the
/// cross range of column k is [lo, k/2) and of column k + 1 is [lo, k/2 + 1): full chunks for
/// both, then one masked chunk, then the reduction terms alone.
pub fn square(a: &Element) -> Element {
    let a_rev = reversed(&a.0);
    let mut q = [0u32; WIDTH];
    let mut out = [0u32; WIDTH];
    let mut carry = 0u64;
    let mut k = 0;
    while k < 2 * LIMBS {
        let lo = k.saturating_sub(LIMBS - 1);
        let end = (k + 2).min(LIMBS);
        let half = k / 2; // column k: i < half; column k + 1: i ≤ half
        let (mut c0, mut r0, mut c1, mut r1) = (
            u64x2_splat(0),
            u64x2_splat(0),
            u64x2_splat(0),
            u64x2_splat(0),
        );
        let mut i = lo & !3;
        // SAFETY (all blocks): as in `mul`; i ≤ 108 for every load of a or q.
        while i + 4 <= half {
            let r = rev_index(i, k);
            unsafe {
                let (av, qv) = (load4(a.0.as_ptr(), i), load4(q.as_ptr(), i));
                c0 = i64x2_add(c0, dot(av, load4(a_rev.as_ptr(), r)));
                r0 = i64x2_add(r0, dot(qv, load4(N_REV.as_ptr(), r)));
                c1 = i64x2_add(c1, dot(av, load4(a_rev.as_ptr(), r - 1)));
                r1 = i64x2_add(r1, dot(qv, load4(N_REV.as_ptr(), r - 1)));
            }
            i += 4;
        }
        if i < end {
            // The chunk holding the ends of both cross ranges (half − i is 0..=3).
            let r = rev_index(i, k);
            let (m0, m1) = (half.saturating_sub(i), (half + 1).saturating_sub(i).min(4));
            unsafe {
                let (av, qv) = (load4(a.0.as_ptr(), i), load4(q.as_ptr(), i));
                c0 = i64x2_add(
                    c0,
                    dot(v128_and(av, LANES_BELOW[m0]), load4(a_rev.as_ptr(), r)),
                );
                c1 = i64x2_add(
                    c1,
                    dot(v128_and(av, LANES_BELOW[m1]), load4(a_rev.as_ptr(), r - 1)),
                );
                r0 = i64x2_add(r0, dot(qv, load4(N_REV.as_ptr(), r)));
                r1 = i64x2_add(r1, dot(qv, load4(N_REV.as_ptr(), r - 1)));
            }
            i += 4;
        }
        while i < end {
            let r = rev_index(i, k);
            unsafe {
                let qv = load4(q.as_ptr(), i);
                r0 = i64x2_add(r0, dot(qv, load4(N_REV.as_ptr(), r)));
                r1 = i64x2_add(r1, dot(qv, load4(N_REV.as_ptr(), r - 1)));
            }
            i += 4;
        }
        let diag = if half < LIMBS {
            u64::from(a.0[half]) * u64::from(a.0[half])
        } else {
            0
        };
        let col0 = carry + 2 * lanes_sum(c0) + diag + lanes_sum(r0);
        carry = finish_column(k, col0, &mut q, &mut out);
        let late = if k < LIMBS {
            u64::from(q[k]) * u64::from(N.0[1])
        } else {
            0
        };
        let col1 = carry + 2 * lanes_sum(c1) + late + lanes_sum(r1);
        carry = finish_column(k + 1, col1, &mut q, &mut out);
        k += 2;
    }
    Element(out)
}

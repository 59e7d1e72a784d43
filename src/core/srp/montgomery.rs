//! Fixed-size Montgomery arithmetic modulo the SRP group prime N (3072 bits, RFC 3526 group 15).
//!
//! Hand-written on purpose, because of measurements (2026-11, docs/size.md; headless Chromium,
//! one sign-in's client math): general bignum crates compiled to wasm32 (num-bigint,
//! crypto-bigint) took ~90 ms and added 11–13 KB brotli, while plain JS BigInt took ~13 ms.
//! wasm32 has no 64×64→128-bit multiply, so a portable 32-bit-limb Montgomery only matched JS
//! BigInt (~18.6 ms). What is fast is this shape:
//!
//! - **28-bit limbs** (110 of them, R = 2^3080). A limb product has 56 bits and 220 of them sum
//!   below 2^64, so a whole column of a product, *including* its Montgomery reduction terms,
//!   accumulates in one `u64` and carries are propagated once per column ("delayed carries").
//! - **Product scanning** (column by column, reduction interleaved): each column is two dot
//!   products, `Σ a_i·b_(k−i)` and `Σ q_i·N_(k−i)`, over contiguous memory when `b` and `N` are
//!   kept reversed — which is exactly what the wasm SIMD kernel in `simd.rs` computes with
//!   `u64x2.extmul_{low,high}_u32x4`, two 28×28-bit products per instruction.
//! - **A dedicated squaring** that computes each cross product once.
//! - **Lazy reduction**: N < R/4, so Montgomery products of values below 2N stay below 2N; the
//!   final subtraction happens only when a value leaves the Montgomery domain.
//! - **Base 2**: multiplying by g = 2 is a shift and a conditional subtraction, so `g^e` costs
//!   squarings only ([`pow2`]); a fixed-base comb ([`Comb2`], built with A before InitiateAuth)
//!   cuts `g^x` after the server's reply to 63 squarings and ≤ 64 products.
//! - A sliding window (5 bits) for `base^(a + u·x)`.
//!
//! Measured with `scripts/bench-srp.sh` (headless Chromium 156 on the project's 2-vCPU VM; noisy,
//! compare within one run): a square ~6.5–7.5 µs and a product ~8–9 µs with the SIMD kernels
//! (portable kernels in wasm ~20 µs); one sign-in's math after the server's reply ~5–6 ms best,
//! ~7 ms median with the 256-bit `a` (plain JS BigInt ~11/15 ms, Amplify v6 ~130/190 ms). The
//! whole SRP module is ~9 KB of wasm code, ~4 KB brotli.
//!
//! The portable kernels ([`mul_portable`], [`square_portable`]) are what the host runs and the
//! reference the tests compare the SIMD kernels against. Like the JavaScript clients, this code
//! is not constant-time: the exponent scan and the conditional subtractions branch on
//! secret-derived values.

// The host-only (portable) code is what allocates.
#[allow(unused_imports)]
use crate::prelude::*;

/// Bits per limb.
pub const LIMB_BITS: u32 = 28;
const MASK: u32 = (1 << LIMB_BITS) - 1;
/// Limbs that carry value: 110 × 28 = 3080 bits ≥ 3072, so the Montgomery radix R is 2^3080.
pub const LIMBS: usize = 110;
/// Stored limbs: a multiple of 4 so the SIMD kernel loads whole `u32x4`s; limbs 110 and 111 are
/// always zero.
pub const WIDTH: usize = 112;
/// Bytes in a fully reduced value (3072 bits).
pub const BYTES: usize = 384;

/// The group prime N of RFC 5054 / RFC 3526 (3072-bit MODP group), as hex, exactly as the
/// reference Cognito clients spell it.
pub const N_HEX: &str = concat!(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD",
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED",
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F",
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B",
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510",
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7",
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C",
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
);

/// A non-negative integer below 2^3080 as 28-bit little-endian limbs. Values in the Montgomery
/// domain are kept below 2N, not necessarily below N.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Element(pub(crate) [u32; WIDTH]);

/// N as limbs.
pub(crate) const N: Element = Element(limbs_from_hex(N_HEX));
/// −N⁻¹ mod 2^28 (it is 1: N ≡ −1 mod 2^64).
pub(crate) const N0_INV: u32 = neg_inverse(N.0[0]);

const fn hex_digit(c: u8) -> u32 {
    match c {
        b'0'..=b'9' => (c - b'0') as u32,
        b'a'..=b'f' => (c - b'a' + 10) as u32,
        b'A'..=b'F' => (c - b'A' + 10) as u32,
        _ => panic!("N_HEX is hex"),
    }
}

/// Parses a compile-time hex constant into limbs (const evaluation only).
const fn limbs_from_hex(hex: &str) -> [u32; WIDTH] {
    let h = hex.as_bytes();
    let mut out = [0u32; WIDTH];
    let mut bit = 0usize;
    let mut i = h.len();
    while i > 0 {
        i -= 1;
        let d = hex_digit(h[i]);
        let (l, s) = (bit / 28, (bit % 28) as u32);
        out[l] |= (d << s) & MASK;
        if s > 24 {
            out[l + 1] |= d >> (28 - s);
        }
        bit += 4;
    }
    out
}

/// −n⁻¹ mod 2^28 for odd n, by Newton iteration (const evaluation only).
const fn neg_inverse(n0: u32) -> u32 {
    let mut inv: u32 = 1;
    let mut i = 0;
    while i < 5 {
        inv = inv.wrapping_mul(2u32.wrapping_sub(n0.wrapping_mul(inv)));
        i += 1;
    }
    inv.wrapping_neg() & MASK
}

impl Element {
    /// Zero.
    pub const ZERO: Element = Element([0; WIDTH]);

    /// The integer 1 (not in Montgomery form).
    pub const fn one_plain() -> Element {
        let mut l = [0u32; WIDTH];
        l[0] = 1;
        Element(l)
    }

    /// Reads a big-endian unsigned integer; `None` if it needs more than 3080 bits.
    pub fn from_be_bytes(bytes: &[u8]) -> Option<Element> {
        let mut out = [0u32; WIDTH];
        let mut bit = 0usize;
        for &b in bytes.iter().rev() {
            if b != 0 {
                if bit + 8 - (b.leading_zeros() as usize) > LIMBS * 28 {
                    return None;
                }
                let (l, s) = (bit / 28, (bit % 28) as u32);
                out[l] |= (u32::from(b) << s) & MASK;
                if s > 20 {
                    out[l + 1] |= u32::from(b) >> (28 - s);
                }
            }
            bit += 8;
        }
        Some(Element(out))
    }

    /// The low 3072 bits as 384 big-endian bytes (a fully reduced value fits exactly).
    pub fn to_be_bytes(&self) -> [u8; BYTES] {
        let mut out = [0u8; BYTES];
        for (i, byte) in out.iter_mut().rev().enumerate() {
            let bit = i * 8;
            let (l, s) = (bit / 28, (bit % 28) as u32);
            let mut v = self.0[l] >> s;
            if s > 20 {
                v |= self.0[l + 1] << (28 - s);
            }
            *byte = v as u8;
        }
        out
    }

    /// The limbs, little-endian (28 bits each; the top two are zero).
    pub fn limbs(&self) -> &[u32; WIDTH] {
        &self.0
    }

    /// True for the integer 0.
    pub fn is_zero(&self) -> bool {
        self.0.iter().all(|&l| l == 0)
    }

    fn ge_n(&self) -> bool {
        for i in (0..LIMBS).rev() {
            if self.0[i] != N.0[i] {
                return self.0[i] > N.0[i];
            }
        }
        true
    }

    fn sub_n(&mut self) {
        let mut borrow = 0i64;
        for i in 0..LIMBS {
            let v = i64::from(self.0[i]) - i64::from(N.0[i]) + borrow;
            self.0[i] = (v as u32) & MASK;
            borrow = v >> 28;
        }
    }

    /// Reduces into [0, N) by subtracting N while the value is ≥ N (callers keep values below a
    /// few N, so this loops at most a few times).
    pub fn reduce(&mut self) {
        while self.ge_n() {
            self.sub_n();
        }
    }

    /// `2·self mod N` for a fully reduced value: a shift and a conditional subtraction.
    fn double_reduced(&mut self) {
        let mut carry = 0u32;
        for l in self.0.iter_mut().take(LIMBS) {
            let v = (*l << 1) | carry;
            carry = v >> 28;
            *l = v & MASK;
        }
        self.reduce();
    }

    /// `(self − other) mod N` for fully reduced values.
    pub fn sub_mod(&self, other: &Element) -> Element {
        let mut out = [0u32; WIDTH];
        let mut borrow = 0i64;
        for (i, o) in out.iter_mut().enumerate().take(LIMBS) {
            let v = i64::from(self.0[i]) - i64::from(other.0[i]) + borrow;
            *o = (v as u32) & MASK;
            borrow = v >> 28;
        }
        if borrow < 0 {
            let mut carry = 0u32;
            for (i, o) in out.iter_mut().enumerate().take(LIMBS) {
                let v = *o + N.0[i] + carry;
                *o = v & MASK;
                carry = v >> 28;
            }
        }
        Element(out)
    }
}

/// Montgomery product `a·b·R⁻¹ mod N` (result below 2N for inputs below 2N), with the fastest
/// kernel for the build: the SIMD kernel in optimised wasm32 builds with simd128, the portable
/// kernel elsewhere.
///
/// Unoptimised (debug/test) wasm builds use the portable kernel too: without inlining, every
/// SIMD intrinsic is a function call and the SIMD kernel runs ~4× *slower* than the portable one
/// (measured: 1.0 vs 0.26 ms per product in debug wasm), which would push the browser vector
/// tests past the test runner's time limit. Both kernels return identical results, which the
/// browser tests check directly; `cargo test --release --target wasm32-unknown-unknown` runs
/// the vectors through the SIMD kernel as well.
#[inline]
pub fn mul(a: &Element, b: &Element) -> Element {
    #[cfg(all(
        target_arch = "wasm32",
        target_feature = "simd128",
        not(debug_assertions)
    ))]
    {
        super::simd::mul(a, b)
    }
    #[cfg(not(all(
        target_arch = "wasm32",
        target_feature = "simd128",
        not(debug_assertions)
    )))]
    {
        mul_portable(a, b)
    }
}

/// Montgomery square `a²·R⁻¹ mod N`; kernel choice as for [`mul`].
#[inline]
pub fn square(a: &Element) -> Element {
    #[cfg(all(
        target_arch = "wasm32",
        target_feature = "simd128",
        not(debug_assertions)
    ))]
    {
        super::simd::square(a)
    }
    #[cfg(not(all(
        target_arch = "wasm32",
        target_feature = "simd128",
        not(debug_assertions)
    )))]
    {
        square_portable(a)
    }
}

/// Finishes one column of a product-scanning Montgomery multiplication: adds the carry in,
/// picks the reduction digit `q_k` for the low columns (making the column ≡ 0 mod 2^28) or emits
/// a result limb for the high ones, and returns the carry out.
#[inline(always)]
pub(crate) fn finish_column(
    k: usize,
    mut col: u64,
    q: &mut [u32; WIDTH],
    out: &mut [u32; WIDTH],
) -> u64 {
    if k < LIMBS {
        let qk = (col as u32).wrapping_mul(N0_INV) & MASK;
        q[k] = qk;
        col += u64::from(qk) * u64::from(N.0[0]);
    } else {
        out[k - LIMBS] = col as u32 & MASK;
    }
    col >> 28
}

/// Portable Montgomery product (product scanning, reduction interleaved, delayed carries).
///
/// Column k sums at most 2·110 products of 28-bit limbs (< 220·2^56 < 2^64) plus a carry below
/// 2^36, so one `u64` holds it. Plain `while` loops and `as` casts: unoptimised (test) builds
/// run them several times faster than iterator code, and optimised builds are the same.
pub fn mul_portable(a: &Element, b: &Element) -> Element {
    let (a, b, n) = (&a.0, &b.0, &N.0);
    let mut q = [0u32; WIDTH];
    let mut out = [0u32; WIDTH];
    let mut carry = 0u64;
    let mut k = 0;
    while k < 2 * LIMBS {
        let end = if k < LIMBS { k + 1 } else { LIMBS };
        let mut i = if k < LIMBS { 0 } else { k + 1 - LIMBS };
        let mut col = carry;
        while i < end {
            // q[k] is still 0 here: its term is added by finish_column.
            col += a[i] as u64 * b[k - i] as u64 + q[i] as u64 * n[k - i] as u64;
            i += 1;
        }
        carry = finish_column(k, col, &mut q, &mut out);
        k += 1;
    }
    Element(out)
}

/// Portable Montgomery square: each cross product `a_i·a_j` (i < j) once, doubled.
pub fn square_portable(a: &Element) -> Element {
    let (a, n) = (&a.0, &N.0);
    let mut q = [0u32; WIDTH];
    let mut out = [0u32; WIDTH];
    let mut carry = 0u64;
    let mut k = 0;
    while k < 2 * LIMBS {
        let lo = if k < LIMBS { 0 } else { k + 1 - LIMBS };
        let end = if k < LIMBS { k + 1 } else { LIMBS };
        let half = k.div_ceil(2); // i < half  ⇔  i < k − i
        let mut cross = 0u64;
        let mut i = lo;
        while i < half {
            cross += a[i] as u64 * a[k - i] as u64;
            i += 1;
        }
        let mut col = carry + 2 * cross;
        if k % 2 == 0 && k / 2 < LIMBS {
            col += a[k / 2] as u64 * a[k / 2] as u64;
        }
        i = lo;
        while i < end {
            col += q[i] as u64 * n[k - i] as u64;
            i += 1;
        }
        carry = finish_column(k, col, &mut q, &mut out);
        k += 1;
    }
    Element(out)
}

/// R mod N: the Montgomery form of 1. 2^3071 < N, so nine modular doublings of it give
/// 2^3080 mod N.
pub fn one() -> Element {
    let mut x = Element::ZERO;
    x.0[3071 / 28] = 1 << (3071 % 28);
    for _ in 0..(LIMBS * 28 - 3071) {
        x.double_reduced();
    }
    x
}

/// R² mod N, the factor that brings a value into the Montgomery domain: the Montgomery form of
/// R = 2^3080 is `2^3080·R mod N`, computed by [`pow2`].
pub fn r_squared() -> Element {
    let bits = (LIMBS * 28) as u16;
    pow2(&bits.to_be_bytes())
}

/// `x·R mod N` (below 2N) for any x < 2^3080, given `r2` = [`r_squared`].
pub fn to_mont(x: &Element, r2: &Element) -> Element {
    mul(x, r2)
}

/// `x·R⁻¹ mod N`, fully reduced: takes a value out of the Montgomery domain.
pub fn from_mont(x: &Element) -> Element {
    let mut v = mul(x, &Element::one_plain());
    v.reduce();
    v
}

fn bit(exp_be: &[u8], i: usize) -> bool {
    // i counts from the least significant bit; callers keep i < 8·len.
    exp_be
        .get(exp_be.len().wrapping_sub(1 + i / 8))
        .is_some_and(|b| (b >> (i % 8)) & 1 == 1)
}

/// `2^e` in Montgomery form for a big-endian exponent: left to right, one squaring per bit and,
/// for a set bit, a doubling (shift + conditional subtraction) instead of a multiplication.
pub fn pow2(exp_be: &[u8]) -> Element {
    let mut acc = one();
    let mut started = false;
    for i in (0..exp_be.len() * 8).rev() {
        if started {
            acc = square(&acc);
            acc.reduce();
        }
        if bit(exp_be, i) {
            acc.reduce();
            acc.double_reduced();
            started = true;
        }
    }
    acc
}

/// Powers of g = 2 for exponents below 2^256 by a fixed-base comb (Lim–Lee, 4 rows of 64 bits):
/// 63 squarings and ≤ 64 products instead of 255 squarings. The table costs ~200 squarings, so
/// [`super::SrpClient::new`] builds it together with A, before InitiateAuth is sent, and `g^x`
/// after the server's reply takes half the time.
pub struct Comb2 {
    /// `table[d] = Π_{j: bit j of d} 2^(2^(64·j))`, Montgomery form.
    table: [Element; 16],
}

impl Comb2 {
    /// Builds the table: 192 squarings and 11 products.
    pub fn new() -> Self {
        let mut table = [Element::ZERO; 16];
        table[0] = one();
        let mut g = table[0];
        g.double_reduced(); // 2^(2^0)
        for j in 0..4 {
            table[1 << j] = g;
            if j < 3 {
                for _ in 0..64 {
                    g = square(&g);
                }
            }
        }
        for d in 3usize..16 {
            let low = d & d.wrapping_neg();
            if low != d {
                table[d] = mul(&table[d ^ low], &table[low]);
            }
        }
        Comb2 { table }
    }

    /// `2^e` in Montgomery form for a 256-bit big-endian exponent.
    pub fn pow(&self, exp_be: &[u8; 32]) -> Element {
        let mut acc: Option<Element> = None;
        for t in (0..64).rev() {
            let mut d = 0;
            for row in 0..4 {
                d |= usize::from(bit(exp_be, t + 64 * row)) << row;
            }
            if let Some(a) = acc.as_mut() {
                *a = square(a);
            }
            if d != 0 {
                acc = Some(match acc {
                    None => self.table[d],
                    Some(a) => mul(&a, &self.table[d]),
                });
            }
        }
        acc.unwrap_or(self.table[0])
    }
}

impl Default for Comb2 {
    fn default() -> Self {
        Self::new()
    }
}

/// Window width of [`pow`]: 16 precomputed odd powers; ~1 multiplication per 6 exponent bits.
const WINDOW: usize = 5;

/// `base^e` in Montgomery form (`base` in Montgomery form, below 2N), by a left-to-right
/// sliding window over the big-endian exponent.
pub fn pow(base: &Element, exp_be: &[u8]) -> Element {
    let mut odd = [Element::ZERO; 1 << (WINDOW - 1)];
    odd[0] = *base;
    let base_sq = square(base);
    for k in 1..odd.len() {
        odd[k] = mul(&odd[k - 1], &base_sq);
    }
    let mut acc: Option<Element> = None;
    let mut i = exp_be.len() * 8;
    while i > 0 {
        let top = i - 1;
        if !bit(exp_be, top) {
            if let Some(a) = acc.as_mut() {
                *a = square(a);
            }
            i -= 1;
            continue;
        }
        // The window [low, top]: at most WINDOW bits, ending in a set bit.
        let mut low = top.saturating_sub(WINDOW - 1);
        while !bit(exp_be, low) {
            low += 1;
        }
        let mut digit = 0usize;
        for j in (low..=top).rev() {
            digit = (digit << 1) | usize::from(bit(exp_be, j));
        }
        let entry = &odd[digit >> 1];
        acc = Some(match acc {
            None => *entry,
            Some(mut a) => {
                for _ in low..=top {
                    a = square(&a);
                }
                mul(&a, entry)
            }
        });
        i = low;
    }
    acc.unwrap_or_else(one)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reference arithmetic on plain u64 limbs with u128 products: schoolbook product and
    /// bit-serial reduction mod N. Slow and obviously right.
    mod reference {
        pub type Big = Vec<u64>; // little-endian

        pub fn from_be(bytes: &[u8]) -> Big {
            let mut out = vec![0u64; bytes.len().div_ceil(8).max(1)];
            for (i, &b) in bytes.iter().rev().enumerate() {
                out[i / 8] |= u64::from(b) << (8 * (i % 8));
            }
            out
        }

        pub fn mul(a: &Big, b: &Big) -> Big {
            let mut out = vec![0u64; a.len() + b.len()];
            for (i, &x) in a.iter().enumerate() {
                let mut carry = 0u128;
                for (j, &y) in b.iter().enumerate() {
                    let t = u128::from(x) * u128::from(y) + u128::from(out[i + j]) + carry;
                    out[i + j] = t as u64;
                    carry = t >> 64;
                }
                out[i + b.len()] = carry as u64;
            }
            out
        }

        fn ge(a: &Big, n: &Big) -> bool {
            for i in (0..a.len().max(n.len())).rev() {
                let (x, y) = (*a.get(i).unwrap_or(&0), *n.get(i).unwrap_or(&0));
                if x != y {
                    return x > y;
                }
            }
            true
        }

        fn sub(a: &mut Big, n: &Big) {
            let mut borrow = 0u64;
            for (i, limb) in a.iter_mut().enumerate() {
                let (d1, b1) = limb.overflowing_sub(*n.get(i).unwrap_or(&0));
                let (d2, b2) = d1.overflowing_sub(borrow);
                *limb = d2;
                borrow = u64::from(b1 || b2);
            }
        }

        /// x mod n, one bit at a time.
        pub fn rem(x: &Big, n: &Big) -> Big {
            let mut r: Big = vec![0u64; n.len() + 1];
            for i in (0..x.len() * 64).rev() {
                let mut carry = (x[i / 64] >> (i % 64)) & 1;
                for limb in r.iter_mut() {
                    let next = *limb >> 63;
                    *limb = (*limb << 1) | carry;
                    carry = next;
                }
                if ge(&r, n) {
                    sub(&mut r, n);
                }
            }
            r
        }

        pub fn to_be(x: &Big, len: usize) -> Vec<u8> {
            (0..len)
                .rev()
                .map(|i| (x.get(i / 8).unwrap_or(&0) >> (8 * (i % 8))) as u8)
                .collect()
        }
    }

    fn n_big() -> reference::Big {
        reference::from_be(&N.to_be_bytes())
    }

    /// a·b·R⁻¹ mod N is checked as (result·R) mod N == (a·b) mod N.
    fn check_mul(a: &[u8], b: &[u8], got: &Element) {
        let n = n_big();
        let mut got = *got;
        got.reduce();
        let mut shifted = vec![0u8; BYTES + 385];
        shifted[..BYTES].copy_from_slice(&got.to_be_bytes()); // got · 2^3080
        let lhs = reference::rem(&reference::from_be(&shifted), &n);
        let rhs = reference::rem(
            &reference::mul(&reference::from_be(a), &reference::from_be(b)),
            &n,
        );
        assert_eq!(reference::to_be(&lhs, BYTES), reference::to_be(&rhs, BYTES));
    }

    struct XorShift(u64);
    impl XorShift {
        fn bytes(&mut self, len: usize) -> Vec<u8> {
            (0..len)
                .map(|_| {
                    self.0 ^= self.0 << 13;
                    self.0 ^= self.0 >> 7;
                    self.0 ^= self.0 << 17;
                    (self.0 >> 24) as u8
                })
                .collect()
        }
    }

    fn edge_values() -> Vec<Vec<u8>> {
        let n = N.to_be_bytes();
        let mut n_minus_1 = n;
        n_minus_1[BYTES - 1] -= 1;
        let mut two_n_minus_1 = vec![0u8; 385];
        // 2N − 1: the largest value the lazy domain allows.
        let mut carry = 0u16;
        for i in (0..BYTES).rev() {
            let v = u16::from(n[i]) * 2 + carry;
            two_n_minus_1[i + 1] = v as u8;
            carry = v >> 8;
        }
        two_n_minus_1[0] = carry as u8;
        two_n_minus_1[384] -= 1;
        vec![
            vec![0],
            vec![1],
            vec![2],
            n_minus_1.to_vec(),
            n.to_vec(),
            two_n_minus_1,
            vec![0xff; 384],
        ]
    }

    #[test]
    fn n_constants() {
        assert_eq!(N.to_be_bytes()[0], 0xff);
        assert_eq!(N.0[0], MASK);
        assert_eq!(N0_INV, 1);
        assert_eq!(N.0[LIMBS], 0);
        assert_eq!(N.0[LIMBS + 1], 0);
        let hex = crate::core::encoding::hex_encode(&N.to_be_bytes());
        assert_eq!(hex, N_HEX.to_ascii_lowercase());
    }

    #[test]
    fn bytes_round_trip_and_limits() {
        let mut rng = XorShift(0x1234_5678_9abc_def1);
        for _ in 0..20 {
            let b = rng.bytes(BYTES);
            assert_eq!(
                Element::from_be_bytes(&b).unwrap().to_be_bytes().to_vec(),
                b
            );
        }
        assert!(Element::from_be_bytes(&[0xff; 385]).is_some()); // 3080 bits
        let mut too_big = vec![0u8; 386];
        too_big[0] = 1;
        assert!(Element::from_be_bytes(&too_big).is_none());
        let mut leading_zeros = vec![0u8; 500];
        leading_zeros[499] = 7;
        assert_eq!(Element::from_be_bytes(&leading_zeros).unwrap().0[0], 7);
    }

    #[test]
    fn mul_and_square_match_reference_on_edges() {
        let edges = edge_values();
        for a in &edges {
            let ea = Element::from_be_bytes(a).unwrap();
            check_mul(a, a, &square_portable(&ea));
            for b in &edges {
                let eb = Element::from_be_bytes(b).unwrap();
                check_mul(a, b, &mul_portable(&ea, &eb));
            }
        }
    }

    #[test]
    fn mul_and_square_match_reference_on_random_values() {
        let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
        for _ in 0..12 {
            let (a, b) = (rng.bytes(BYTES), rng.bytes(BYTES));
            let (ea, eb) = (
                Element::from_be_bytes(&a).unwrap(),
                Element::from_be_bytes(&b).unwrap(),
            );
            let p = mul_portable(&ea, &eb);
            check_mul(&a, &b, &p);
            check_mul(&a, &a, &square_portable(&ea));
            assert_eq!(square_portable(&ea), mul_portable(&ea, &ea));
        }
    }

    #[test]
    fn outputs_stay_below_2n_for_inputs_below_2n() {
        let edges = edge_values();
        let big = Element::from_be_bytes(&edges[5]).unwrap(); // 2N − 1
        let p = mul_portable(&big, &big);
        let mut r = p;
        r.reduce();
        // At most one subtraction of N was needed.
        let mut once = p;
        if once.ge_n() {
            once.sub_n();
        }
        assert_eq!(once, r);
    }

    #[test]
    fn pow_and_pow2_match_reference() {
        let n = n_big();
        let r2 = r_squared();
        let mut rng = XorShift(42);
        let base_bytes = rng.bytes(BYTES);
        let base = Element::from_be_bytes(&base_bytes).unwrap();
        for exp in [
            vec![0u8],
            vec![1],
            vec![2],
            vec![0x80, 0x01],
            rng.bytes(9),
            rng.bytes(33),
        ] {
            // Reference: square-and-multiply with the reference reduction.
            let mut expect = vec![1u64];
            let b = reference::rem(&reference::from_be(&base_bytes), &n);
            for i in (0..exp.len() * 8).rev() {
                expect = reference::rem(&reference::mul(&expect, &expect), &n);
                if (exp[exp.len() - 1 - i / 8] >> (i % 8)) & 1 == 1 {
                    expect = reference::rem(&reference::mul(&expect, &b), &n);
                }
            }
            let got = from_mont(&pow(&to_mont(&base, &r2), &exp));
            assert_eq!(got.to_be_bytes().to_vec(), reference::to_be(&expect, BYTES));

            let mut expect2 = vec![1u64];
            for i in (0..exp.len() * 8).rev() {
                expect2 = reference::rem(&reference::mul(&expect2, &expect2), &n);
                if (exp[exp.len() - 1 - i / 8] >> (i % 8)) & 1 == 1 {
                    expect2 = reference::rem(&reference::mul(&expect2, &vec![2]), &n);
                }
            }
            assert_eq!(
                from_mont(&pow2(&exp)).to_be_bytes().to_vec(),
                reference::to_be(&expect2, BYTES)
            );
        }
    }

    #[test]
    fn comb_matches_pow2() {
        let comb = Comb2::new();
        let mut rng = XorShift(7);
        let mut cases = vec![[0u8; 32], [0xff; 32]];
        let mut one = [0u8; 32];
        one[31] = 1;
        cases.push(one);
        for _ in 0..4 {
            let mut e = [0u8; 32];
            e.copy_from_slice(&rng.bytes(32));
            cases.push(e);
        }
        for e in cases {
            let mut expect = pow2(&e);
            expect.reduce();
            let mut got = comb.pow(&e);
            got.reduce();
            assert_eq!(got, expect);
        }
    }

    #[test]
    fn sub_mod_wraps() {
        let one = Element::one_plain();
        let two = {
            let mut e = Element::ZERO;
            e.0[0] = 2;
            e
        };
        let mut n_minus_1 = N;
        n_minus_1.0[0] -= 1;
        assert_eq!(one.sub_mod(&two), n_minus_1);
        assert_eq!(two.sub_mod(&one), one);
        assert!(one.sub_mod(&one).is_zero());
    }
}

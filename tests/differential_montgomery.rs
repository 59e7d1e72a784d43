//! Differential tests: the hand-written Montgomery arithmetic (`core::srp::montgomery`) against
//! `num-bigint` (see `tests/support`).
//!
//! The code has one modulus, the 3072-bit group prime N, built in at compile time (28-bit limbs,
//! R = 2^3080), so every property runs modulo N; there are no other moduli to try. What is
//! checked, for random values and the edges (0, 1, 2, N − 1, N, N + 1, 2N − 1, values with the
//! top bit of a byte, a limb or the whole width set, 2^3080 − 1):
//! - conversions: `from_be_bytes` (accepts exactly the values below 2^3080, limb by limb),
//!   `to_be_bytes` (the low 3072 bits), `N_HEX`;
//! - the Montgomery product and square (portable kernels; `mul`/`square` dispatch to them on the
//!   host): `a·b·R⁻¹ mod N`, and the lazy bound: inputs below 2N give outputs below 2N;
//! - `to_mont`/`from_mont`, `one`, `r_squared`, `reduce`, `sub_mod`;
//! - `pow` (sliding window), `pow2` and `Comb2::pow` (base 2) against `BigUint::modpow`.
//!
//! The wasm SIMD kernels are checked against the portable ones in the browser
//! (`tests/srp_vectors.rs`).
#![cfg(not(target_arch = "wasm32"))]

mod support;

use std::sync::OnceLock;

use cognito_wasm::core::srp::montgomery::{
    self, from_mont, mul, mul_portable, one, pow, pow2, r_squared, square, square_portable,
    to_mont, Comb2, Element, BYTES, LIMBS, LIMB_BITS, N_HEX, WIDTH,
};
use num_bigint::BigUint;
use proptest::prelude::*;
use support::check;

struct Consts {
    n: BigUint,
    /// R = 2^3080.
    r: BigUint,
    r_inv: BigUint,
    comb: Comb2,
}

fn c() -> &'static Consts {
    static C: OnceLock<Consts> = OnceLock::new();
    C.get_or_init(|| {
        let n = BigUint::parse_bytes(N_HEX.as_bytes(), 16).unwrap();
        let r = BigUint::from(1u32) << (LIMBS * LIMB_BITS as usize);
        let r_inv = r.modinv(&n).unwrap();
        Consts {
            n,
            r,
            r_inv,
            comb: Comb2::new(),
        }
    })
}

fn big(e: &Element) -> BigUint {
    // From the limbs, not `to_be_bytes`, so bits above 3072 count too.
    e.limbs()
        .iter()
        .rev()
        .fold(BigUint::from(0u32), |acc, &l| (acc << LIMB_BITS) + l)
}

fn elem(x: &BigUint) -> Element {
    Element::from_be_bytes(&x.to_bytes_be()).expect("below 2^3080")
}

/// Values below 2^3080: the edges, and random values of every width up to the limit.
fn value_below(limit: &'static str) -> impl Strategy<Value = BigUint> {
    let edges = || {
        let n = &c().n;
        let one = BigUint::from(1u32);
        let r = &c().r;
        vec![
            BigUint::from(0u32),
            one.clone(),
            BigUint::from(2u32),
            n - &one,
            n.clone(),
            n + &one,
            (n << 1) - &one,
            (&one << 3071) | &one,
            (&one << 3072) - &one,
            (&one << 3079) + (&one << 27),
            BigUint::from((1u64 << 28) - 1),
            BigUint::from(1u64 << 28),
            BigUint::from_bytes_be(&[0x80; BYTES]),
            BigUint::from_bytes_be(&[0xff; BYTES]),
            r - &one,
        ]
    };
    let random = (
        prop::collection::vec(any::<u8>(), 0..=386),
        any::<bool>(),
        any::<u8>(),
    )
        .prop_map(|(mut bytes, runs, fill)| {
            if runs {
                // Long runs of one byte reach the carry edge cases of each limb.
                for (i, b) in bytes.iter_mut().enumerate() {
                    if i % 7 != 0 {
                        *b = fill;
                    }
                }
            }
            BigUint::from_bytes_be(&bytes)
        });
    prop_oneof![1 => prop::sample::select(edges()), 3 => random].prop_map(move |x| {
        let c = c();
        match limit {
            "2N" => x % (&c.n << 1),
            "N" => x % &c.n,
            _ => x % &c.r,
        }
    })
}

/// Exponents: mostly short (the SRP exponents are 256 bits; debug builds are slow), sometimes
/// full width, with leading zero bytes now and then.
fn exponent() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        6 => prop::collection::vec(any::<u8>(), 0..=40),
        1 => prop::collection::vec(any::<u8>(), 380..=390),
        1 => prop::sample::select(vec![
            vec![],
            vec![0],
            vec![1],
            vec![0, 0, 2],
            vec![0xff; 33],
            vec![0x80; 16],
        ]),
    ]
}

#[test]
fn conversions_match_num_bigint() {
    let bytes = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..=400),
        (0usize..8, prop::collection::vec(any::<u8>(), 380..=390)).prop_map(|(z, mut b)| {
            b.splice(0..0, std::iter::repeat_n(0, z));
            b
        }),
    ];
    check("montgomery/bytes", 256, 0.1, bytes, |bytes| {
        let x = BigUint::from_bytes_be(&bytes);
        match Element::from_be_bytes(&bytes) {
            Some(e) => {
                prop_assert!(x.bits() <= (LIMBS * LIMB_BITS as usize) as u64);
                let mask = BigUint::from((1u32 << LIMB_BITS) - 1);
                for (i, &limb) in e.limbs().iter().enumerate() {
                    let want = (&x >> (LIMB_BITS as usize * i)) & &mask;
                    prop_assert_eq!(BigUint::from(limb), want, "limb {}", i);
                }
                prop_assert_eq!(e.limbs()[WIDTH - 2..].to_vec(), vec![0, 0]);
                let low = &x % (BigUint::from(1u32) << (8 * BYTES));
                let mut want = low.to_bytes_be();
                if want == [0] {
                    want.clear();
                }
                let mut padded = vec![0u8; BYTES - want.len()];
                padded.extend_from_slice(&want);
                prop_assert_eq!(e.to_be_bytes().to_vec(), padded);
                prop_assert_eq!(e.is_zero(), x == BigUint::from(0u32));
            }
            None => prop_assert!(
                x.bits() > (LIMBS * LIMB_BITS as usize) as u64,
                "refused {}",
                x
            ),
        }
        Ok(())
    });
}

#[test]
fn n_and_the_montgomery_constants_match_num_bigint() {
    let c = c();
    let n = Element::from_be_bytes(&c.n.to_bytes_be()).unwrap();
    assert_eq!(n.to_be_bytes().to_vec(), c.n.to_bytes_be());
    assert_eq!(c.n.bits(), 3072);
    let mut r_mod = one();
    r_mod.reduce();
    assert_eq!(big(&r_mod), &c.r % &c.n);
    let mut r2 = r_squared();
    assert!(big(&r2) < (&c.n << 1));
    r2.reduce();
    assert_eq!(big(&r2), (&c.r * &c.r) % &c.n);
}

#[test]
fn products_match_num_bigint() {
    let pair = (value_below("2N"), value_below("2N"));
    check("montgomery/mul", 96, 0.3, pair, |(a, b)| {
        let c = c();
        let (ea, eb) = (elem(&a), elem(&b));
        let p = mul_portable(&ea, &eb);
        let want = (&a * &b * &c.r_inv) % &c.n;
        prop_assert!(big(&p) < (&c.n << 1), "lazy bound broken");
        prop_assert_eq!(big(&p) % &c.n, want.clone());
        prop_assert_eq!(mul(&ea, &eb), p);
        // Squares: the dedicated kernel gives exactly the product's representative.
        let s = square_portable(&ea);
        prop_assert_eq!(s, mul_portable(&ea, &ea));
        prop_assert_eq!(square(&ea), s);
        prop_assert_eq!(big(&s) % &c.n, (&a * &a * &c.r_inv) % &c.n);
        Ok(())
    });
}

#[test]
fn domain_conversions_reduce_and_sub_match_num_bigint() {
    let r2 = r_squared();
    let args = (value_below("R"), value_below("N"), value_below("N"));
    check("montgomery/domain", 96, 0.1, args, |(x, a, b)| {
        let c = c();
        let ex = elem(&x);
        let m = to_mont(&ex, &r2);
        prop_assert!(big(&m) < (&c.n << 1));
        prop_assert_eq!(big(&m) % &c.n, (&x * &c.r) % &c.n);
        prop_assert_eq!(big(&from_mont(&m)), &x % &c.n);
        prop_assert_eq!(big(&from_mont(&ex)), (&x * &c.r_inv) % &c.n);
        let mut reduced = ex;
        reduced.reduce();
        prop_assert_eq!(big(&reduced), &x % &c.n);
        let d = elem(&a).sub_mod(&elem(&b));
        prop_assert_eq!(big(&d), (&a + &c.n - &b) % &c.n);
        Ok(())
    });
}

#[test]
fn powers_match_num_bigint() {
    let r2 = r_squared();
    check(
        "montgomery/pow",
        10,
        0.3,
        (value_below("R"), exponent()),
        |(x, e)| {
            let c = c();
            let base = to_mont(&elem(&x), &r2);
            let got = from_mont(&pow(&base, &e));
            prop_assert_eq!(big(&got), x.modpow(&BigUint::from_bytes_be(&e), &c.n));
            Ok(())
        },
    );
}

#[test]
fn powers_of_two_match_num_bigint() {
    let e32 = prop_oneof![
        any::<[u8; 32]>(),
        prop::sample::select(vec![[0u8; 32], [0xff; 32], {
            let mut one = [0u8; 32];
            one[31] = 1;
            one
        }]),
    ];
    check("montgomery/pow2", 12, 0.2, (exponent(), e32), |(e, e32)| {
        let c = c();
        let two = BigUint::from(2u32);
        prop_assert_eq!(
            big(&from_mont(&pow2(&e))),
            two.modpow(&BigUint::from_bytes_be(&e), &c.n)
        );
        let comb = from_mont(&c.comb.pow(&e32));
        prop_assert_eq!(big(&comb), two.modpow(&BigUint::from_bytes_be(&e32), &c.n));
        Ok(())
    });
}

/// The edges against each other, exhaustively (the random properties reach them only by chance).
#[test]
fn edge_products_match_num_bigint() {
    let c = c();
    let n = &c.n;
    let one = BigUint::from(1u32);
    let edges = [
        BigUint::from(0u32),
        one.clone(),
        BigUint::from(2u32),
        n - &one,
        n.clone(),
        n + &one,
        (n << 1) - &one,
        BigUint::from_bytes_be(&[0x80; BYTES]),
        BigUint::from_bytes_be(&[0xff; BYTES]) % (n << 1),
    ];
    for a in &edges {
        for b in &edges {
            let p = montgomery::mul_portable(&elem(a), &elem(b));
            assert!(big(&p) < (n << 1));
            assert_eq!(big(&p) % n, (a * b * &c.r_inv) % n, "{a:x} · {b:x}");
        }
    }
}

//! The wasm SIMD Montgomery kernels (`core::srp::simd`, wasm32 + simd128 only) against the
//! portable ones, which `tests/differential_montgomery.rs` proves against `num-bigint` on the
//! host: bit-identical results for random values below 2N (the lazy domain), the edges, and
//! values from chains of products (which reach [2^3072, 2N)).
//!
//! Browser: `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown
//! --test simd_kernels`.
#![cfg(all(target_arch = "wasm32", target_feature = "simd128"))]

use cognito_wasm::core::srp::montgomery::{mul_portable, square_portable, Element, BYTES, N_HEX};
use cognito_wasm::core::srp::simd;
use wasm_bindgen_test::wasm_bindgen_test;

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[path = "support/rng.rs"]
mod rng;
use rng::Rng;

fn from_hex(hex: &str) -> Vec<u8> {
    cognito_wasm::core::encoding::hex_decode(hex, "x").unwrap()
}

#[wasm_bindgen_test]
fn simd_kernels_equal_the_portable_ones() {
    let n = from_hex(N_HEX);
    let mut n_minus_1 = n.clone();
    n_minus_1[BYTES - 1] -= 1;
    let mut values: Vec<Element> = [
        vec![0u8],
        vec![1],
        vec![2],
        n_minus_1,
        n.clone(),
        vec![0xff; BYTES],
        vec![0x80; BYTES],
        {
            let mut v = vec![0u8; BYTES];
            v[0] = 0x80;
            v
        },
    ]
    .iter()
    .map(|b| Element::from_be_bytes(b).unwrap())
    .collect();
    // Every value of BYTES random bytes is below 2^3072 < 2N; some with long runs of 0x00/0xff.
    let mut rng = Rng(0x5EED_0F_51D0);
    for i in 0..24 {
        let bytes: Vec<u8> = (0..BYTES)
            .map(|j| match (i % 3, j % 5) {
                (1, 0..=3) => 0xff,
                (2, 0..=3) => 0,
                _ => rng.next() as u8,
            })
            .collect();
        values.push(Element::from_be_bytes(&bytes).unwrap());
    }
    let mut checked = 0;
    for (i, a) in values.iter().enumerate() {
        assert_eq!(simd::square(a), square_portable(a), "square of value {i}");
        for k in 0..6 {
            let b = &values[(i * 7 + k * 5 + 1) % values.len()];
            assert_eq!(
                simd::mul(a, b),
                mul_portable(a, b),
                "product of values {i}, {k}"
            );
            checked += 1;
        }
    }
    // Chains: outputs fed back in, as exponentiation does (values up to 2N − 1).
    let (mut x, mut y) = (values[5], values[5]);
    for step in 0..200 {
        let m = &values[step % values.len()];
        x = if step % 3 == 0 {
            simd::mul(&x, m)
        } else {
            simd::square(&x)
        };
        y = if step % 3 == 0 {
            mul_portable(&y, m)
        } else {
            square_portable(&y)
        };
        assert_eq!(x, y, "chain step {step}");
    }
    assert!(checked > 100);
}

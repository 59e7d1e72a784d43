//! The Montgomery product and square vs `num-bigint`: the input is two values (reduced below
//! 2N, the lazy domain); the product must be `a·b·R⁻¹ mod N` and stay below 2N.
#![no_main]

use std::sync::OnceLock;

use cognito_wasm::core::srp::montgomery::{
    mul_portable, square_portable, Element, BYTES, LIMBS, LIMB_BITS, N_HEX,
};
use num_bigint::BigUint;

fn consts() -> &'static (BigUint, BigUint) {
    static C: OnceLock<(BigUint, BigUint)> = OnceLock::new();
    C.get_or_init(|| {
        let n = BigUint::parse_bytes(N_HEX.as_bytes(), 16).unwrap();
        let r = BigUint::from(1u32) << (LIMBS * LIMB_BITS as usize);
        let r_inv = r.modinv(&n).unwrap();
        (n, r_inv)
    })
}

fn big(e: &Element) -> BigUint {
    e.limbs()
        .iter()
        .rev()
        .fold(BigUint::from(0u32), |acc, &l| (acc << LIMB_BITS) + l)
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let (n, r_inv) = consts();
    let two_n = n << 1;
    let half = data.len() / 2;
    let a: BigUint = BigUint::from_bytes_be(&data[..half.min(BYTES + 1)]) % &two_n;
    let b: BigUint =
        BigUint::from_bytes_be(&data[half..][..(data.len() - half).min(BYTES + 1)]) % &two_n;
    let (ea, eb) = (
        Element::from_be_bytes(&a.to_bytes_be()).unwrap(),
        Element::from_be_bytes(&b.to_bytes_be()).unwrap(),
    );
    let p = mul_portable(&ea, &eb);
    assert!(big(&p) < two_n, "lazy bound broken");
    assert_eq!(big(&p) % n, (&a * &b * r_inv) % n);
    let s = square_portable(&ea);
    assert_eq!(s, mul_portable(&ea, &ea));
});

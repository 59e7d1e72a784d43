//! Differential tests: the hand-written CRCs of `core::checksum` against the `crc` crate
//! (`CRC_32_ISO_HDLC`, `CRC_64_NVME`).
//!
//! For random data: the one-shot CRC, the incremental CRC over random split points (every
//! split length, so the 8-byte slicing steps meet every alignment), `combine` of random
//! pieces folded in order, and the base64 forms S3 carries, must all equal the crate's CRC of
//! the whole. Runs as the "fuzz smoke" of `cargo test`, or for a time budget under `make fuzz`
//! (see `tests/support`).
#![cfg(not(target_arch = "wasm32"))]

mod support;

use cognito_wasm::core::checksum::{
    combine_base64, crc32, crc32_combine, crc64nvme, crc64nvme_combine, Checksum, ChecksumAlgorithm,
};
use crc::{Crc, CRC_32_ISO_HDLC, CRC_64_NVME};
use proptest::prelude::*;
use support::check;

const ORACLE32: Crc<u32> = Crc::<u32>::new(&CRC_32_ISO_HDLC);
const ORACLE64: Crc<u64> = Crc::<u64>::new(&CRC_64_NVME);

/// Data of 0 to 3000 bytes, and cut points into it (sorted, possibly repeated: empty pieces).
fn data_and_cuts() -> impl Strategy<Value = (Vec<u8>, Vec<usize>)> {
    prop::collection::vec(any::<u8>(), 0..3000).prop_flat_map(|data| {
        let len = data.len();
        let cuts = prop::collection::vec(0..=len, 0..8).prop_map(|mut c| {
            c.sort_unstable();
            c
        });
        (Just(data), cuts)
    })
}

/// The pieces of `data` between consecutive `cuts`.
fn pieces<'a>(data: &'a [u8], cuts: &[usize]) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    let mut start = 0;
    for &c in cuts {
        out.push(&data[start..c]);
        start = c;
    }
    out.push(&data[start..]);
    out
}

#[test]
fn one_shot_crcs_match_the_crc_crate() {
    check("checksum/one-shot", 512, 0.2, prop::collection::vec(any::<u8>(), 0..5000), |data| {
        prop_assert_eq!(crc32(&data), ORACLE32.checksum(&data));
        prop_assert_eq!(crc64nvme(&data), ORACLE64.checksum(&data));
        Ok(())
    });
}

#[test]
fn incremental_updates_match_the_crc_crate() {
    check("checksum/update", 512, 0.3, data_and_cuts(), |(data, cuts)| {
        let mut c32 = Checksum::new(ChecksumAlgorithm::Crc32);
        let mut c64 = Checksum::new(ChecksumAlgorithm::Crc64Nvme);
        let mut o32 = ORACLE32.digest();
        let mut o64 = ORACLE64.digest();
        for piece in pieces(&data, &cuts) {
            c32.update(piece);
            c64.update(piece);
            o32.update(piece);
            o64.update(piece);
        }
        let (want32, want64) = (o32.finalize(), o64.finalize());
        prop_assert_eq!(c32.value(), u64::from(want32));
        prop_assert_eq!(c64.value(), want64);
        prop_assert_eq!(c32.to_base64(), base64_of(&want32.to_be_bytes()));
        prop_assert_eq!(c64.to_base64(), base64_of(&want64.to_be_bytes()));
        // Finishing does not reset; reset starts over.
        prop_assert_eq!(c32.value(), u64::from(want32));
        c64.reset();
        c64.update(&data);
        prop_assert_eq!(c64.value(), want64);
        Ok(())
    });
}

#[test]
fn combine_matches_the_crc_of_the_concatenation() {
    check("checksum/combine", 512, 0.3, data_and_cuts(), |(data, cuts)| {
        let parts = pieces(&data, &cuts);
        let mut acc32 = ORACLE32.checksum(parts[0]);
        let mut acc64 = ORACLE64.checksum(parts[0]);
        let mut acc_b64 = ChecksumAlgorithm::Crc64Nvme.to_base64(acc64);
        for piece in &parts[1..] {
            let len = piece.len() as u64;
            acc32 = crc32_combine(acc32, ORACLE32.checksum(piece), len);
            let second = ORACLE64.checksum(piece);
            acc64 = crc64nvme_combine(acc64, second, len);
            let second_b64 = ChecksumAlgorithm::Crc64Nvme.to_base64(second);
            acc_b64 = combine_base64("CRC64NVME", &acc_b64, &second_b64, len).unwrap();
        }
        prop_assert_eq!(acc32, ORACLE32.checksum(&data));
        prop_assert_eq!(acc64, ORACLE64.checksum(&data));
        prop_assert_eq!(acc_b64, base64_of(&ORACLE64.checksum(&data).to_be_bytes()));
        Ok(())
    });
}

/// Combining with huge lengths of zeros: `CRC(A ‖ 0^n)` from `CRC(A)` and `CRC(0^n)`, with
/// the zeros' CRC itself built by combining (n up to 2^40, far past what could be hashed).
#[test]
fn combine_agrees_on_long_runs_of_zeros() {
    check(
        "checksum/zeros",
        24,
        0.2,
        (prop::collection::vec(any::<u8>(), 0..64), 0u64..1 << 40, 1u64..4096),
        |(prefix, n, m)| {
            // CRC(0^(n+m)) two ways: combine(CRC(0^n), CRC(0^m), m) and from 0^m pieces.
            let zeros = vec![0u8; m as usize];
            let z_m32 = ORACLE32.checksum(&zeros);
            let z_m64 = ORACLE64.checksum(&zeros);
            let z_n32 = zeros32(n);
            let z_n64 = zeros64(n);
            prop_assert_eq!(crc32_combine(z_n32, z_m32, m), zeros32(n + m));
            prop_assert_eq!(crc64nvme_combine(z_n64, z_m64, m), zeros64(n + m));
            // And with a real prefix: hashing prefix ‖ 0^m directly.
            let mut whole = prefix.clone();
            whole.extend_from_slice(&zeros);
            prop_assert_eq!(crc32_combine(ORACLE32.checksum(&prefix), z_m32, m), ORACLE32.checksum(&whole));
            prop_assert_eq!(crc64nvme_combine(ORACLE64.checksum(&prefix), z_m64, m), ORACLE64.checksum(&whole));
            Ok(())
        },
    );
}

/// CRC-32 of `n` zero bytes by doubling with `combine` (checked against direct hashing for
/// small `n` in `combine_agrees_on_long_runs_of_zeros`).
fn zeros32(n: u64) -> u32 {
    let mut acc = ORACLE32.checksum(&[]);
    let mut block = ORACLE32.checksum(&[0]);
    let (mut bit, mut len) = (n, 1u64);
    while bit > 0 {
        if bit & 1 == 1 {
            acc = crc32_combine(acc, block, len);
        }
        block = crc32_combine(block, block, len);
        len *= 2;
        bit >>= 1;
    }
    acc
}

fn zeros64(n: u64) -> u64 {
    let mut acc = ORACLE64.checksum(&[]);
    let mut block = ORACLE64.checksum(&[0]);
    let (mut bit, mut len) = (n, 1u64);
    while bit > 0 {
        if bit & 1 == 1 {
            acc = crc64nvme_combine(acc, block, len);
        }
        block = crc64nvme_combine(block, block, len);
        len *= 2;
        bit >>= 1;
    }
    acc
}

#[test]
fn zeros_by_doubling_match_direct_hashing() {
    for n in [0u64, 1, 2, 3, 7, 8, 9, 100, 1000, 4097] {
        let zeros = vec![0u8; n as usize];
        assert_eq!(zeros32(n), ORACLE32.checksum(&zeros), "{n}");
        assert_eq!(zeros64(n), ORACLE64.checksum(&zeros), "{n}");
    }
}

fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

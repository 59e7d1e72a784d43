//! The two CRCs S3 accepts as whole-object checksums of a browser upload: CRC-32 (IEEE, the
//! zlib one: reflected polynomial `0xEDB88320`, init and xorout all ones; `x-amz-checksum-crc32`)
//! and CRC-64/NVME (reflected polynomial `0x9a6c9329ac4bc9b5`, init and xorout all ones;
//! `x-amz-checksum-crc64nvme`), incremental ([`Checksum::update`]) and combinable
//! ([`crc32_combine`], [`crc64nvme_combine`]): the CRC of `A‖B` from the CRCs of `A` and `B` and
//! the length of `B`, so upload parts hashed separately, in any order, give the full object's.
//!
//! Hand-written rather than the `crc` crate: its generic `Crc<u32/u64>` types carry their own
//! 256- or 4096-entry tables per algorithm and width (up to 32 KiB of tables each, built for
//! every `Crc` instance's slice size) and generic code per width; here each CRC has exactly one
//! slicing-by-8 table set (16 KiB, built at run time by each [`Checksum`]: see
//! `slicing_tables`), and one small update loop. Slicing-by-8 reads 8 input bytes per step with 8
//! independent table lookups, which is what reaches the speed target (≥ 1 GB/s in wasm; a byte
//! at a time runs at a few hundred MB/s). `tests/differential_checksum.rs` checks every function
//! against the `crc` crate (`CRC_32_ISO_HDLC`, `CRC_64_NVME`) on random data, random split points
//! and random combinations. The native speed is measured by the ignored test
//! `tests::throughput` (`cargo test --release -p cognito-wasm --lib throughput -- --ignored
//! --nocapture`).

use crate::prelude::*;

use super::encoding::{base64_decode, base64_encode};
use super::error::{Error, Result};

/// CRC-32 (IEEE 802.3, zlib) reflected polynomial.
const CRC32_POLY: u64 = 0xEDB8_8320;
/// CRC-64/NVME reflected polynomial.
const CRC64_NVME_POLY: u64 = 0x9A6C_9329_AC4B_C9B5;

/// Slicing-by-8 tables of a reflected CRC of up to 64 bits: `t[0][n]` is the CRC register after
/// feeding byte `n` into a zero register, `t[k][n]` the same followed by `k` zero bytes.
type Tables = [[u64; 256]; 8];

/// Builds the [`Tables`] of `poly` at run time (~16 k shifts, tens of microseconds). Built at
/// compile time they were 24 KiB of data in the storage wasm that brotli cannot compress
/// (24,549 B of its 93.6 KB brotli, measured 2026-11-29); a [`Checksum`] builds its own once.
fn slicing_tables(poly: u64) -> Box<Tables> {
    let mut t: Box<Tables> = Box::new([[0u64; 256]; 8]);
    for n in 0..256 {
        let mut c = n as u64;
        for _ in 0..8 {
            c = if c & 1 == 1 { (c >> 1) ^ poly } else { c >> 1 };
        }
        t[0][n] = c;
    }
    for k in 1..8 {
        for n in 0..256 {
            let prev = t[k - 1][n];
            t[k][n] = (prev >> 8) ^ t[0][(prev & 0xFF) as usize];
        }
    }
    t
}

/// Feeds `data` into the CRC-32 register `crc` (not inverted: the caller applies init/xorout).
/// `t`: the CRC-32 tables (entries below 2^32).
fn crc32_feed(t: &Tables, mut crc: u32, mut data: &[u8]) -> u32 {
    // `split_first_chunk` hands out `&[u8; 8]`: no bounds checks and no iterator to inline
    // (the shipped wasm is built with opt-level "z").
    while let Some((c, rest)) = data.split_first_chunk::<8>() {
        let lo = crc ^ u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
        // Byte indexes into 256-entry arrays: never out of bounds, no check emitted.
        crc = (t[7][(lo & 0xFF) as usize]
            ^ t[6][((lo >> 8) & 0xFF) as usize]
            ^ t[5][((lo >> 16) & 0xFF) as usize]
            ^ t[4][(lo >> 24) as usize]
            ^ t[3][c[4] as usize]
            ^ t[2][c[5] as usize]
            ^ t[1][c[6] as usize]
            ^ t[0][c[7] as usize]) as u32;
        data = rest;
    }
    for &b in data {
        crc = (crc >> 8) ^ t[0][((crc ^ u32::from(b)) & 0xFF) as usize] as u32;
    }
    crc
}

/// Feeds `data` into the CRC-64/NVME register `crc` (not inverted). `t`: the CRC-64/NVME tables.
fn crc64_feed(t: &Tables, mut crc: u64, mut data: &[u8]) -> u64 {
    while let Some((c, rest)) = data.split_first_chunk::<8>() {
        let x = crc ^ u64::from_le_bytes(*c);
        crc = t[7][(x & 0xFF) as usize]
            ^ t[6][((x >> 8) & 0xFF) as usize]
            ^ t[5][((x >> 16) & 0xFF) as usize]
            ^ t[4][((x >> 24) & 0xFF) as usize]
            ^ t[3][((x >> 32) & 0xFF) as usize]
            ^ t[2][((x >> 40) & 0xFF) as usize]
            ^ t[1][((x >> 48) & 0xFF) as usize]
            ^ t[0][(x >> 56) as usize];
        data = rest;
    }
    for &b in data {
        crc = (crc >> 8) ^ t[0][((crc ^ u64::from(b)) & 0xFF) as usize];
    }
    crc
}

/// The CRC-32 (IEEE, zlib) of `data`.
pub fn crc32(data: &[u8]) -> u32 {
    !crc32_feed(&slicing_tables(CRC32_POLY), !0, data)
}

/// The CRC-64/NVME of `data`.
pub fn crc64nvme(data: &[u8]) -> u64 {
    !crc64_feed(&slicing_tables(CRC64_NVME_POLY), !0, data)
}

/// A checksum algorithm S3 accepts and the SDK computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChecksumAlgorithm {
    /// CRC-32 (IEEE, zlib); S3's `CRC32`.
    Crc32,
    /// CRC-64/NVME; S3's `CRC64NVME`.
    Crc64Nvme,
}

impl ChecksumAlgorithm {
    /// The algorithm S3 names `name` (`CRC32` or `CRC64NVME`); `InvalidParameter`
    /// "checksum: ..." otherwise.
    pub fn from_name(name: &str) -> Result<Self> {
        match name {
            "CRC32" => Ok(ChecksumAlgorithm::Crc32),
            "CRC64NVME" => Ok(ChecksumAlgorithm::Crc64Nvme),
            _ => Err(Error::param("checksum", "the algorithm must be CRC32 or CRC64NVME")),
        }
    }

    /// S3's name: `CRC32` or `CRC64NVME`.
    pub fn name(self) -> &'static str {
        match self {
            ChecksumAlgorithm::Crc32 => "CRC32",
            ChecksumAlgorithm::Crc64Nvme => "CRC64NVME",
        }
    }

    /// The element of a `CompleteMultipartUpload` part (and of a `ListParts` answer) that
    /// carries a part's checksum: `ChecksumCRC32` or `ChecksumCRC64NVME`.
    pub fn xml_element(self) -> &'static str {
        match self {
            ChecksumAlgorithm::Crc32 => "ChecksumCRC32",
            ChecksumAlgorithm::Crc64Nvme => "ChecksumCRC64NVME",
        }
    }

    /// The width of the CRC in bytes: 4 or 8.
    pub fn width_bytes(self) -> usize {
        match self {
            ChecksumAlgorithm::Crc32 => 4,
            ChecksumAlgorithm::Crc64Nvme => 8,
        }
    }

    /// The CRC as S3 carries it: base64 of its big-endian bytes.
    pub fn to_base64(self, crc: u64) -> String {
        let bytes = crc.to_be_bytes();
        base64_encode(bytes.get(8 - self.width_bytes()..).unwrap_or(&bytes))
    }

    /// Reads a CRC written as [`Self::to_base64`] writes it; `InvalidParameter` naming
    /// `what` when it is not base64 of exactly [`Self::width_bytes`] bytes.
    pub fn from_base64(self, text: &str, what: &str) -> Result<u64> {
        let bytes = base64_decode(text, what).map_err(|_| Error::param(what, "is not base64"))?;
        if bytes.len() != self.width_bytes() {
            return Err(Error::param(what, "is not the base64 of a CRC of this algorithm"));
        }
        Ok(bytes.iter().fold(0u64, |acc, &b| acc << 8 | u64::from(b)))
    }

    /// The CRC of `A‖B` from `CRC(A)`, `CRC(B)` and the length of `B` in bytes.
    pub fn combine(self, first: u64, second: u64, second_len: u64) -> u64 {
        match self {
            ChecksumAlgorithm::Crc32 => {
                u64::from(crc32_combine(first as u32, second as u32, second_len))
            }
            ChecksumAlgorithm::Crc64Nvme => crc64nvme_combine(first, second, second_len),
        }
    }
}

/// An incremental CRC of one [`ChecksumAlgorithm`].
#[derive(Clone, PartialEq, Eq)]
pub struct Checksum {
    algorithm: ChecksumAlgorithm,
    /// The register, not inverted (all ones when nothing was fed).
    register: u64,
    /// The algorithm's slicing tables, built once per checksum.
    tables: Box<Tables>,
}

impl core::fmt::Debug for Checksum {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Checksum").field("algorithm", &self.algorithm).field("register", &self.register).finish()
    }
}

impl Checksum {
    /// A checksum over no bytes yet.
    pub fn new(algorithm: ChecksumAlgorithm) -> Self {
        let poly = match algorithm {
            ChecksumAlgorithm::Crc32 => CRC32_POLY,
            ChecksumAlgorithm::Crc64Nvme => CRC64_NVME_POLY,
        };
        Checksum { algorithm, register: Self::initial(algorithm), tables: slicing_tables(poly) }
    }

    fn initial(algorithm: ChecksumAlgorithm) -> u64 {
        match algorithm {
            ChecksumAlgorithm::Crc32 => u64::from(u32::MAX),
            ChecksumAlgorithm::Crc64Nvme => u64::MAX,
        }
    }

    /// The algorithm.
    pub fn algorithm(&self) -> ChecksumAlgorithm {
        self.algorithm
    }

    /// Feeds `data` (the next bytes of the input).
    pub fn update(&mut self, data: &[u8]) {
        self.register = match self.algorithm {
            ChecksumAlgorithm::Crc32 => u64::from(crc32_feed(&self.tables, self.register as u32, data)),
            ChecksumAlgorithm::Crc64Nvme => crc64_feed(&self.tables, self.register, data),
        };
    }

    /// The CRC of every byte fed since creation or the last [`Self::reset`] (does not reset).
    pub fn value(&self) -> u64 {
        self.register ^ Self::initial(self.algorithm)
    }

    /// [`Self::value`] as S3 carries it (base64 of the big-endian CRC).
    pub fn to_base64(&self) -> String {
        self.algorithm.to_base64(self.value())
    }

    /// Starts over, as if nothing had been fed.
    pub fn reset(&mut self) {
        self.register = Self::initial(self.algorithm);
    }
}

/// `mat` (a GF(2) matrix: row `i` is the image of bit `i`) times the bit vector `vec`.
fn gf2_times(mat: &[u64; 64], mut vec: u64) -> u64 {
    let mut sum = 0;
    for &row in mat {
        if vec == 0 {
            break;
        }
        if vec & 1 == 1 {
            sum ^= row;
        }
        vec >>= 1;
    }
    sum
}

/// `mat` squared, into `square` (the first `width` rows).
fn gf2_square(square: &mut [u64; 64], mat: &[u64; 64], width: usize) {
    for (out, &row) in square.iter_mut().zip(mat.iter()).take(width) {
        *out = gf2_times(mat, row);
    }
}

/// zlib's `crc32_combine` method for any reflected CRC of `width` bits whose init equals its
/// xorout: `CRC(A‖B) = Z^len(B) · CRC(A) ⊕ CRC(B)`, where `Z` is the operator that feeds one zero
/// byte into the register; `Z^len` is applied by repeated squaring of the one-zero-bit operator
/// (O(width² · log len) work).
fn combine_reflected(poly: u64, width: usize, mut first: u64, second: u64, mut second_len: u64) -> u64 {
    if second_len == 0 {
        return first;
    }
    let mut even = [0u64; 64];
    let mut odd = [0u64; 64];
    // The operator of one zero bit: bit 0 shifts out into the polynomial, bit i moves to i - 1.
    odd[0] = poly;
    let mut row = 1u64;
    for slot in odd.iter_mut().take(width).skip(1) {
        *slot = row;
        row <<= 1;
    }
    gf2_square(&mut even, &odd, width); // two zero bits
    gf2_square(&mut odd, &even, width); // four zero bits
    loop {
        // The first squaring here gives one zero byte, then 2, 4, ... bytes.
        gf2_square(&mut even, &odd, width);
        if second_len & 1 == 1 {
            first = gf2_times(&even, first);
        }
        second_len >>= 1;
        if second_len == 0 {
            break;
        }
        gf2_square(&mut odd, &even, width);
        if second_len & 1 == 1 {
            first = gf2_times(&odd, first);
        }
        second_len >>= 1;
        if second_len == 0 {
            break;
        }
    }
    first ^ second
}

/// The CRC-32 of `A‖B` from `crc32(A)`, `crc32(B)` and `B`'s length in bytes.
pub fn crc32_combine(first: u32, second: u32, second_len: u64) -> u32 {
    combine_reflected(CRC32_POLY, 32, u64::from(first), u64::from(second), second_len) as u32
}

/// The CRC-64/NVME of `A‖B` from `crc64nvme(A)`, `crc64nvme(B)` and `B`'s length in bytes.
pub fn crc64nvme_combine(first: u64, second: u64, second_len: u64) -> u64 {
    combine_reflected(CRC64_NVME_POLY, 64, first, second, second_len)
}

/// [`ChecksumAlgorithm::combine`] on CRCs written in base64 (as S3 carries them), for the
/// algorithm S3 names `algorithm`; the result in base64. `InvalidParameter` naming `checksum`,
/// `first` or `second` when one is not what it should be.
pub fn combine_base64(algorithm: &str, first: &str, second: &str, second_len: u64) -> Result<String> {
    let algorithm = ChecksumAlgorithm::from_name(algorithm)?;
    let a = algorithm.from_base64(first, "first")?;
    let b = algorithm.from_base64(second, "second")?;
    Ok(algorithm.to_base64(algorithm.combine(a, b, second_len)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_values() {
        // The catalogue's check values (CRC of "123456789").
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc64nvme(b"123456789"), 0xAE8B_1486_0A79_9888);
        assert_eq!(crc32(b""), 0);
        assert_eq!(crc64nvme(b""), 0);
    }

    #[test]
    fn s3_base64_forms() {
        // S3's documented examples: the checksum of an empty object.
        let empty32 = Checksum::new(ChecksumAlgorithm::Crc32);
        assert_eq!(empty32.to_base64(), "AAAAAA==");
        let mut c = Checksum::new(ChecksumAlgorithm::Crc32);
        c.update(b"123456789");
        assert_eq!(c.to_base64(), "y/Q5Jg==");
        let mut c = Checksum::new(ChecksumAlgorithm::Crc64Nvme);
        c.update(b"12345");
        c.update(b"6789");
        assert_eq!(c.value(), 0xAE8B_1486_0A79_9888);
        assert_eq!(c.to_base64(), "rosUhgp5mIg=");
        assert_eq!(c.to_base64(), "rosUhgp5mIg=", "finishing does not reset");
        c.reset();
        assert_eq!(c.value(), 0);
        assert_eq!(
            ChecksumAlgorithm::Crc64Nvme.from_base64("rosUhgp5mIg=", "x").unwrap(),
            0xAE8B_1486_0A79_9888
        );
    }

    #[test]
    fn every_length_and_alignment_matches_bytewise() {
        let data: Vec<u8> = (0..300u32).map(|i| (i.wrapping_mul(97) ^ (i >> 3)) as u8).collect();
        let t32 = slicing_tables(CRC32_POLY);
        let t64 = slicing_tables(CRC64_NVME_POLY);
        let bytewise32 = |d: &[u8]| {
            let mut c = !0u32;
            for &b in d {
                c = (c >> 8) ^ t32[0][((c ^ u32::from(b)) & 0xFF) as usize] as u32;
            }
            !c
        };
        let bytewise64 = |d: &[u8]| {
            let mut c = !0u64;
            for &b in d {
                c = (c >> 8) ^ t64[0][((c ^ u64::from(b)) & 0xFF) as usize];
            }
            !c
        };
        for start in 0..9 {
            for end in start..data.len() {
                let d = &data[start..end];
                assert_eq!(crc32(d), bytewise32(d));
                assert_eq!(crc64nvme(d), bytewise64(d));
            }
        }
    }

    #[test]
    fn combine_matches_concatenation() {
        let data: Vec<u8> = (0..1000u32).map(|i| (i * 31 + 7) as u8).collect();
        for split in [0, 1, 7, 8, 9, 500, 999, 1000] {
            let (a, b) = data.split_at(split);
            assert_eq!(crc32_combine(crc32(a), crc32(b), b.len() as u64), crc32(&data));
            assert_eq!(
                crc64nvme_combine(crc64nvme(a), crc64nvme(b), b.len() as u64),
                crc64nvme(&data)
            );
        }
        let whole = combine_base64("CRC32", "AAAAAA==", "y/Q5Jg==", 9).unwrap();
        assert_eq!(whole, "y/Q5Jg==", "an empty first part changes nothing");
        assert_eq!(combine_base64("CRC32C", "", "", 0).unwrap_err().message.get(..10), Some("checksum: "));
        assert_eq!(combine_base64("CRC32", "AAA", "AAAAAA==", 1).unwrap_err().message, "first: is not base64");
        assert_eq!(
            combine_base64("CRC64NVME", "AAAAAA==", "AAAAAA==", 1).unwrap_err().message,
            "first: is not the base64 of a CRC of this algorithm"
        );
    }

    #[test]
    fn algorithm_names() {
        assert_eq!(ChecksumAlgorithm::from_name("CRC32").unwrap(), ChecksumAlgorithm::Crc32);
        assert_eq!(ChecksumAlgorithm::from_name("CRC64NVME").unwrap().name(), "CRC64NVME");
        let e = ChecksumAlgorithm::from_name("crc32").unwrap_err();
        assert_eq!(e.name(), "InvalidParameter");
        assert!(e.message.starts_with("checksum: "));
    }

    /// Native throughput of both CRCs (MB/s, the best of 7 runs over 32 MiB); run with
    /// `cargo test --release -p cognito-wasm --lib throughput -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn throughput() {
        let data: Vec<u8> = (0..(32u32 << 20)).map(|i| (i ^ (i >> 7)) as u8).collect();
        for algorithm in [ChecksumAlgorithm::Crc32, ChecksumAlgorithm::Crc64Nvme] {
            let mut best = f64::MAX;
            let mut c = Checksum::new(algorithm);
            for _ in 0..7 {
                c.reset();
                let started = std::time::Instant::now();
                c.update(std::hint::black_box(&data));
                best = best.min(started.elapsed().as_secs_f64());
            }
            println!("{}: {:.0} MB/s ({})", algorithm.name(), data.len() as f64 / 1e6 / best, c.to_base64());
        }
    }
}

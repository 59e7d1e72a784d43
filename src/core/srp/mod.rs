//! Cognito's SRP, client side: the math of `USER_SRP_AUTH` → `PASSWORD_VERIFIER`.
//!
//! Bit for bit what amazon-cognito-identity-js's `AuthenticationHelper` (and Amplify v6's SRP
//! helpers) compute, over the 3072-bit group of RFC 5054 with g = 2:
//!
//! - `k = H(PAD(N) | PAD(g))`, `A = g^a mod N`, `u = H(PAD(A) | PAD(B))`,
//! - `x = H(PAD(salt) | H(poolName | userIdForSrp | ":" | password))`,
//! - `S = (B − k·g^x)^(a + u·x) mod N`,
//! - the password authentication key `HKDF-SHA256(ikm = PAD(S), salt = PAD(u),
//!   info = "Caldera Derived Key")`, 16 bytes,
//! - `PASSWORD_CLAIM_SIGNATURE = base64(HMAC-SHA256(key, poolName | userIdForSrp |
//!   SECRET_BLOCK bytes | TIMESTAMP))`.
//!
//! `H` is SHA-256 and `PAD(v)` is the reference's `padHex`: the minimal big-endian bytes of v,
//! with a `00` byte in front when the top bit is set (Java's `BigInteger.toByteArray`). SALT and
//! SRP_B are read as integers, so leading zeros in their hex do not count.
//!
//! The modular arithmetic is the hand-written fixed-size Montgomery code in [`montgomery`]
//! (see there for why); `a` is 256 random bits (RFC 5054's minimum; the JS clients use 1024).

use crate::prelude::*;

#[cfg(all(feature = "bench", target_arch = "wasm32"))]
pub mod bench;
pub mod montgomery;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub mod simd;

use self::montgomery::{from_mont, mul, pow, pow2, r_squared, to_mont, Comb2, Element, BYTES};
use super::encoding::{base64_decode, base64_encode, hex_decode, hex_encode};
use super::error::{Error, Result};
use super::hash::{hmac_sha256, sha256};
use super::random;

pub use self::montgomery::N_HEX;

/// The HKDF `info` of the password authentication key.
const DERIVED_KEY_INFO: &[u8] = b"Caldera Derived Key";

/// Bytes of a freshly drawn secret exponent `a` (256 bits).
const SMALL_A_BYTES: usize = 32;

/// What `RespondToAuthChallenge(PASSWORD_VERIFIER)` sends besides the user id and secret block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordClaim {
    /// `PASSWORD_CLAIM_SIGNATURE`: base64 HMAC-SHA256 under the password authentication key.
    pub signature_b64: String,
    /// `TIMESTAMP`: the string that was signed, sent verbatim.
    pub timestamp: String,
}

/// Bytes wiped when dropped (the secret exponent and what is derived from it).
struct Secret(Vec<u8>);

impl Drop for Secret {
    fn drop(&mut self) {
        wipe(&mut self.0);
    }
}

/// Overwrites secret values with zeros in a way the optimiser keeps.
fn wipe<T: Copy + Default>(buf: &mut [T]) {
    for b in buf.iter_mut() {
        // SAFETY: `b` is a valid, aligned &mut T; volatile keeps the wipe from being elided.
        unsafe { core::ptr::write_volatile(b, T::default()) };
    }
    core::sync::atomic::compiler_fence(core::sync::atomic::Ordering::SeqCst);
}

/// Client side of one SRP exchange. `a` is secret; A and the fixed-base table for g are computed
/// when the exchange is created, before InitiateAuth is sent, so only the work that needs the
/// server's B is left after its reply.
pub struct SrpClient {
    /// The secret exponent a, big-endian without leading zeros; never printed, wiped on drop.
    small_a: Secret,
    /// A = g^a mod N, 384 big-endian bytes.
    large_a: [u8; BYTES],
    /// R² mod N, to bring B and k into the Montgomery domain.
    r2: Element,
    /// Fixed-base table for g^e with e up to 256 bits, built with A; gives g^x after the
    /// server's reply.
    g_table: Box<Comb2>,
}

impl core::fmt::Debug for SrpClient {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("SrpClient { a: <secret> }")
    }
}

impl SrpClient {
    /// A new exchange with a fresh 256-bit secret `a` from the platform's secure random source,
    /// and A = g^a mod N computed now.
    pub fn new() -> Result<Self> {
        let mut a = Secret(vec![0u8; SMALL_A_BYTES]);
        loop {
            random::fill(&mut a.0)?;
            if a.0.iter().any(|&b| b != 0) {
                break;
            }
        }
        Self::with_secret(a)
    }

    /// An exchange with a given secret `a` in hex (for known-answer tests and benchmarks).
    pub fn from_secret_hex(small_a_hex: &str) -> Result<Self> {
        let bytes = Secret(
            hex_decode(small_a_hex, "small_a_hex")
                .map_err(|_| Error::param("small_a_hex", "is not valid hex"))?,
        );
        let start = bytes
            .0
            .iter()
            .position(|&b| b != 0)
            .unwrap_or(bytes.0.len());
        let a = Secret(bytes.0[start..].to_vec());
        if a.0.is_empty() {
            return Err(Error::param("small_a_hex", "must not be zero"));
        }
        if a.0.len() > BYTES {
            return Err(Error::param("small_a_hex", "is longer than 3072 bits"));
        }
        Self::with_secret(a)
    }

    fn with_secret(small_a: Secret) -> Result<Self> {
        let g_table = Box::new(Comb2::new());
        let large_a = if small_a.0.len() <= 32 {
            let mut a = [0u8; 32];
            a[32 - small_a.0.len()..].copy_from_slice(&small_a.0);
            let large_a = g_table.pow(&a);
            wipe(&mut a);
            large_a
        } else {
            pow2(&small_a.0)
        };
        let large_a = from_mont(&large_a);
        if large_a.is_zero() {
            return Err(Error::srp("A mod N is 0"));
        }
        Ok(SrpClient {
            small_a,
            large_a: large_a.to_be_bytes(),
            r2: r_squared(),
            g_table,
        })
    }

    /// The `SRP_A` parameter as the reference sends it: lowercase hex without leading zeros.
    pub fn srp_a_hex(&self) -> String {
        let hex = hex_encode(&self.large_a);
        let zeros = hex.bytes().take_while(|&b| b == b'0').count();
        let digits = hex.get(zeros..).unwrap_or("");
        if digits.is_empty() {
            "0".to_string()
        } else {
            digits.to_string()
        }
    }

    /// The 16-byte password authentication key for the server's `SALT` and `SRP_B` (hex).
    ///
    /// Fails with `SrpProtocolError` when B ≡ 0 (mod N), when u = H(PAD(A) | PAD(B)) is 0, or
    /// when SALT or SRP_B is not hex (or B is wider than 3080 bits).
    pub fn password_authentication_key(
        &self,
        pool_name: &str,
        user_id_for_srp: &str,
        password: &str,
        salt_hex: &str,
        srp_b_hex: &str,
    ) -> Result<[u8; 16]> {
        let salt = decode_hex(salt_hex, "SALT")?;
        let b_bytes = decode_hex(srp_b_hex, "SRP_B")?;
        let b = Element::from_be_bytes(&b_bytes)
            .ok_or_else(|| Error::srp("SRP_B is wider than the 3072-bit group"))?;
        let mut b_mont = to_mont(&b, &self.r2);
        b_mont.reduce();
        if b_mont.is_zero() {
            return Err(Error::srp("SRP_B is 0 modulo N"));
        }
        let u = sha256(&[&pad(&self.large_a), &pad(&b_bytes)]);
        self.key_for(&b_mont, &u, &salt, pool_name, user_id_for_srp, password)
    }

    /// The key from B (Montgomery form, reduced) and u; split out so tests can force u = 0.
    fn key_for(
        &self,
        b_mont: &Element,
        u: &[u8; 32],
        salt: &[u8],
        pool_name: &str,
        user_id_for_srp: &str,
        password: &str,
    ) -> Result<[u8; 16]> {
        if u.iter().all(|&b| b == 0) {
            return Err(Error::srp("u = H(A | B) is 0"));
        }
        let identity = sha256(&[
            pool_name.as_bytes(),
            user_id_for_srp.as_bytes(),
            b":",
            password.as_bytes(),
        ]);
        let x = sha256(&[&pad(salt), &identity]);

        // B − k·g^x, in the Montgomery domain.
        let k = Element::from_be_bytes(&multiplier_k()).unwrap_or(Element::ZERO);
        let mut k_gx = mul(&to_mont(&k, &self.r2), &self.g_table.pow(&x));
        k_gx.reduce();
        let base = b_mont.sub_mod(&k_gx);

        let exponent = Secret(small_a_plus_ux(&self.small_a.0, u, &x));
        let premaster = Secret(pad(&from_mont(&pow(&base, &exponent.0)).to_be_bytes()));
        Ok(hkdf_16(&premaster.0, &pad(u)))
    }

    /// `PASSWORD_CLAIM_SIGNATURE` and `TIMESTAMP` for `RespondToAuthChallenge`.
    ///
    /// `timestamp` is `time::UtcDateTime::cognito_timestamp()` of the current time;
    /// `secret_block_b64` is `SECRET_BLOCK` verbatim. Errors as
    /// [`password_authentication_key`](Self::password_authentication_key), and
    /// `SrpProtocolError` for a SECRET_BLOCK that is not base64.
    #[allow(clippy::too_many_arguments)]
    pub fn password_claim(
        &self,
        pool_name: &str,
        user_id_for_srp: &str,
        password: &str,
        salt_hex: &str,
        srp_b_hex: &str,
        secret_block_b64: &str,
        timestamp: &str,
    ) -> Result<PasswordClaim> {
        let secret_block = decode_secret_block(secret_block_b64)?;
        let key = self.password_authentication_key(
            pool_name,
            user_id_for_srp,
            password,
            salt_hex,
            srp_b_hex,
        )?;
        Ok(PasswordClaim {
            signature_b64: signature(&key, pool_name, user_id_for_srp, &secret_block, timestamp),
            timestamp: timestamp.to_string(),
        })
    }
}

/// `PASSWORD_CLAIM_SIGNATURE` from an already derived password authentication key:
/// `base64(HMAC-SHA256(key, poolName | userIdForSrp | SECRET_BLOCK bytes | TIMESTAMP))`.
///
/// [`SrpClient::password_claim`] is this after
/// [`SrpClient::password_authentication_key`]. Fails with `SrpProtocolError` for a
/// SECRET_BLOCK that is not base64.
pub fn claim_signature(
    key: &[u8; 16],
    pool_name: &str,
    user_id_for_srp: &str,
    secret_block_b64: &str,
    timestamp: &str,
) -> Result<String> {
    let secret_block = decode_secret_block(secret_block_b64)?;
    Ok(signature(
        key,
        pool_name,
        user_id_for_srp,
        &secret_block,
        timestamp,
    ))
}

fn signature(
    key: &[u8; 16],
    pool_name: &str,
    user_id_for_srp: &str,
    secret_block: &[u8],
    timestamp: &str,
) -> String {
    let mac = hmac_sha256(
        key,
        &[
            pool_name.as_bytes(),
            user_id_for_srp.as_bytes(),
            secret_block,
            timestamp.as_bytes(),
        ],
    );
    base64_encode(&mac)
}

fn decode_secret_block(b64: &str) -> Result<Vec<u8>> {
    base64_decode(b64, "SECRET_BLOCK").map_err(|e| Error::srp(&e.message))
}

fn decode_hex(text: &str, field: &str) -> Result<Vec<u8>> {
    hex_decode(text, field).map_err(|e| Error::srp(&e.message))
}

/// The reference's `padHex` on a big-endian unsigned integer: minimal bytes, plus a leading
/// `00` when the top bit is set; zero is a single `00`.
fn pad(be: &[u8]) -> Vec<u8> {
    let start = be.iter().position(|&b| b != 0).unwrap_or(be.len());
    let digits = &be[start..];
    let mut out = Vec::with_capacity(digits.len() + 1);
    if digits.first().is_none_or(|&b| b & 0x80 != 0) {
        out.push(0);
    }
    out.extend_from_slice(digits);
    out
}

/// k = H(PAD(N) | PAD(g)).
fn multiplier_k() -> [u8; 32] {
    let n = montgomery::N.to_be_bytes();
    sha256(&[&pad(&n), &[2]])
}

/// a + u·x as big-endian bytes (u and x are 256-bit hashes).
fn small_a_plus_ux(a_be: &[u8], u: &[u8; 32], x: &[u8; 32]) -> Vec<u8> {
    let words = |be: &[u8]| -> Vec<u32> {
        be.rchunks(4)
            .map(|c| c.iter().fold(0u32, |w, &b| (w << 8) | u32::from(b)))
            .collect()
    };
    let (uw, xw, aw) = (words(u), words(x), words(a_be));
    let mut sum = vec![0u32; aw.len().max(16) + 1];
    for (i, &ui) in uw.iter().enumerate() {
        let mut carry = 0u64;
        for (j, &xj) in xw.iter().enumerate() {
            let t = u64::from(ui) * u64::from(xj) + u64::from(sum[i + j]) + carry;
            sum[i + j] = t as u32;
            carry = t >> 32;
        }
        sum[i + xw.len()] = carry as u32;
    }
    let mut carry = 0u64;
    for (i, s) in sum.iter_mut().enumerate() {
        let t = u64::from(*s) + u64::from(*aw.get(i).unwrap_or(&0)) + carry;
        *s = t as u32;
        carry = t >> 32;
    }
    let mut out = Vec::with_capacity(sum.len() * 4);
    for w in sum.iter().rev() {
        out.extend_from_slice(&w.to_be_bytes());
    }
    wipe(&mut sum);
    out
}

/// The password authentication key: the first 16 bytes of HKDF-SHA256 with info
/// "Caldera Derived Key".
fn hkdf_16(ikm: &[u8], salt: &[u8]) -> [u8; 16] {
    let t1 = hkdf_first_block(ikm, salt, DERIVED_KEY_INFO);
    let mut key = [0u8; 16];
    key.copy_from_slice(&t1[..16]);
    key
}

/// HKDF-SHA256 (RFC 5869), first output block: extract `PRK = HMAC(salt, ikm)`, expand
/// `T(1) = HMAC(PRK, info | 0x01)`. Hand-written: two HMACs, where the `hkdf` crate would add code.
fn hkdf_first_block(ikm: &[u8], salt: &[u8], info: &[u8]) -> [u8; 32] {
    let prk = hmac_sha256(salt, &[ikm]);
    hmac_sha256(&prk, &[info, &[1]])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::ErrorCode;

    const A_HEX: &str = "5d36ac7899e401877d400e166c304e00fbda1bc5f8173195826bb5cf0d384e0a";
    const SALT: &str = "c9f5b12e5dee752c4460d2be48a6a6c0";

    fn client() -> SrpClient {
        SrpClient::from_secret_hex(A_HEX).unwrap()
    }

    #[test]
    fn pad_follows_pad_hex() {
        assert_eq!(pad(&[]), vec![0]);
        assert_eq!(pad(&[0, 0]), vec![0]);
        assert_eq!(pad(&[0x14]), vec![0x14]);
        assert_eq!(pad(&[0xec]), vec![0, 0xec]);
        assert_eq!(pad(&[0, 0, 0x7f, 1]), vec![0x7f, 1]);
        assert_eq!(pad(&[0, 0x80]), vec![0, 0x80]);
    }

    #[test]
    fn k_matches_the_reference_constant() {
        // k = SHA-256(00 | N | 02), the reference's hexHash(padHex(N) + padHex(g)), computed
        // independently with Python's hashlib.
        assert_eq!(
            hex_encode(&multiplier_k()),
            "538282c4354742d7cbbde2359fcf67f9f5b3a6b08791e5011b43b8a5b66d9ee6"
        );
    }

    #[test]
    fn hkdf_matches_rfc5869_test_case_1() {
        // RFC 5869 A.1: the first 32 bytes of OKM are T(1).
        let salt: Vec<u8> = (0..=0x0c).collect();
        let info: Vec<u8> = (0xf0..=0xf9).collect();
        assert_eq!(
            hex_encode(&hkdf_first_block(&[0x0b; 22], &salt, &info)),
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
        );
    }

    #[test]
    fn exponent_is_a_plus_u_times_x() {
        let mut u = [0u8; 32];
        let mut x = [0u8; 32];
        u[31] = 3;
        x[31] = 5;
        x[0] = 1; // x = 2^248 + 5
        let e = small_a_plus_ux(&[0x01, 0x00], &u, &x);
        let e = &e[e.iter().position(|&b| b != 0).unwrap()..];
        let mut expect = [0u8; 32];
        expect[0] = 3;
        expect[31] = 15;
        expect[30] = 1; // + 256
        assert_eq!(e, &expect[..]);
        let all = [0xffu8; 32];
        let e = small_a_plus_ux(&[0xff; 40], &all, &all);
        assert_eq!(e.len() % 4, 0);
        assert!(e.len() >= 41);
    }

    #[test]
    fn b_zero_and_b_n_are_rejected() {
        let c = client();
        for b in ["0", "00", "", N_HEX, &N_HEX.to_ascii_lowercase()] {
            let e = c
                .password_authentication_key("Pool", "user", "pw", SALT, b)
                .unwrap_err();
            assert_eq!(e.code, ErrorCode::SrpProtocolError, "{b}");
            assert!(e.message.contains("SRP_B"), "{}", e.message);
        }
        // 2N is 0 mod N too.
        let n = montgomery::N.to_be_bytes();
        let mut two_n = vec![0u8; 385];
        let mut carry = 0u16;
        for i in (0..384).rev() {
            let v = u16::from(n[i]) * 2 + carry;
            two_n[i + 1] = v as u8;
            carry = v >> 8;
        }
        two_n[0] = carry as u8;
        let e = c
            .password_authentication_key("P", "u", "p", SALT, &hex_encode(&two_n))
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::SrpProtocolError);
    }

    #[test]
    fn u_zero_is_rejected() {
        let c = client();
        let b = to_mont(&Element::one_plain(), &c.r2);
        let e = c.key_for(&b, &[0u8; 32], &[1], "P", "u", "p").unwrap_err();
        assert_eq!(e.code, ErrorCode::SrpProtocolError);
        assert!(e.message.contains("u ="));
        let mut u = [0u8; 32];
        u[31] = 1;
        assert!(c.key_for(&b, &u, &[1], "P", "u", "p").is_ok());
    }

    #[test]
    fn malformed_inputs_name_the_field() {
        let c = client();
        let e = c
            .password_authentication_key("P", "u", "p", "zz", "02")
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::SrpProtocolError);
        assert!(e.message.contains("SALT"));
        let e = c
            .password_authentication_key("P", "u", "p", SALT, "02g")
            .unwrap_err();
        assert!(e.message.contains("SRP_B"));
        let mut wide = "1".to_string();
        wide.push_str(&"0".repeat(770)); // 2^3080
        let e = c
            .password_authentication_key("P", "u", "p", SALT, &wide)
            .unwrap_err();
        assert!(e.message.contains("SRP_B"));
        let e = c
            .password_claim("P", "u", "p", SALT, "02", "!!!", "t")
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::SrpProtocolError);
        assert!(e.message.contains("SECRET_BLOCK"));
        let e = SrpClient::from_secret_hex("xyz").unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidParameter);
        assert!(SrpClient::from_secret_hex("0000").is_err());
    }

    #[test]
    fn errors_and_debug_never_show_secrets() {
        let c = client();
        assert!(!format!("{c:?}").contains(&A_HEX[..8]));
        let e = c
            .password_authentication_key("P", "u", "hunter2", SALT, "0")
            .unwrap_err();
        assert!(!e.message.contains("hunter2"));
    }

    #[test]
    fn new_draws_distinct_256_bit_secrets() {
        let (c1, c2) = (SrpClient::new().unwrap(), SrpClient::new().unwrap());
        assert!(c1.small_a.0.len() <= 32);
        assert_ne!(c1.srp_a_hex(), c2.srp_a_hex());
        // A = 2^a mod N for the drawn a.
        let a = from_mont(&pow2(&c1.small_a.0));
        assert_eq!(a.to_be_bytes(), c1.large_a);
    }
}

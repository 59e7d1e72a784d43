//! Small cryptographic and encoding helpers shared by the services: randomness, base64, hex,
//! base32, HMAC, SHA-256 and TOTP (RFC 6238).

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

/// `N` random bytes from the OS.
pub fn random_bytes(n: usize) -> Vec<u8> {
    let mut v = vec![0u8; n];
    getrandom::fill(&mut v).expect("the OS random number generator failed");
    v
}

/// A random `u64`.
pub fn random_u64() -> u64 {
    let b = random_bytes(8);
    u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
}

/// A random numeric code of `digits` digits (leading zeros kept), as Cognito sends by email.
pub fn random_code(digits: u32) -> String {
    let n = random_u64() % 10u64.pow(digits);
    format!("{n:0width$}", width = digits as usize)
}

/// A random version-4 UUID string.
pub fn uuid_v4() -> String {
    let mut b = random_bytes(16);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    uuid_string(&b)
}

/// A stable UUID-shaped string derived from `seed` (used for seeded users' `sub`, so it does not
/// change between runs).
pub fn uuid_from(seed: &str) -> String {
    let mut b = sha256(seed.as_bytes())[..16].to_vec();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    uuid_string(&b)
}

fn uuid_string(b: &[u8]) -> String {
    let h = hex(b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// A random opaque token of `bytes` random bytes, base64url without padding.
pub fn opaque_token(bytes: usize) -> String {
    b64url(&random_bytes(bytes))
}

/// Standard base64 with padding.
pub fn b64(data: &[u8]) -> String {
    STANDARD.encode(data)
}

/// Decodes standard base64 (padding required as sent by AWS clients).
pub fn b64_decode(s: &str) -> Option<Vec<u8>> {
    STANDARD.decode(s.trim()).ok()
}

/// Base64url without padding (JWT segments).
pub fn b64url(data: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(data)
}

/// Decodes base64url without padding (tolerates trailing `=`).
pub fn b64url_decode(s: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(s.trim_end_matches('=')).ok()
}

/// Lower-case hex.
pub fn hex(data: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(data.len() * 2);
    for b in data {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// Decodes hex (either case); `None` on odd length or a non-hex digit.
pub fn hex_decode(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| s.get(i..i + 2).and_then(|p| u8::from_str_radix(p, 16).ok()))
        .collect()
}

/// SHA-256 of `data`.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// HMAC-SHA256 of the concatenation of `parts` under `key`.
pub fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC accepts any key length");
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

/// Constant-time equality for secrets and signatures.
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Cognito's `SECRET_HASH`: base64(HMAC-SHA256(clientSecret, username + clientId)).
pub fn secret_hash(client_secret: &str, username: &str, client_id: &str) -> String {
    b64(&hmac_sha256(
        client_secret.as_bytes(),
        &[username.as_bytes(), client_id.as_bytes()],
    ))
}

const B32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32 without padding (TOTP secrets as Cognito hands them out).
pub fn base32(data: &[u8]) -> String {
    let mut out = String::new();
    let (mut buf, mut bits) = (0u32, 0u32);
    for &b in data {
        buf = (buf << 8) | b as u32;
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(B32[((buf >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(B32[((buf << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// Decodes base32 (case-insensitive, spaces and `=` ignored); `None` on a bad character.
pub fn base32_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut buf, mut bits) = (0u32, 0u32);
    for c in s.bytes().filter(|c| *c != b'=' && *c != b' ') {
        let v = B32.iter().position(|x| *x == c.to_ascii_uppercase())? as u32;
        buf = (buf << 5) | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
        }
    }
    Some(out)
}

/// The 6-digit TOTP code (RFC 6238: HMAC-SHA1, 30-second steps) of `secret` at `unix_secs`.
pub fn totp(secret: &[u8], unix_secs: i64) -> String {
    hotp(secret, (unix_secs.max(0) / 30) as u64)
}

/// The 6-digit HOTP code (RFC 4226) for `counter`.
pub fn hotp(secret: &[u8], counter: u64) -> String {
    let mut mac =
        <Hmac<sha1::Sha1> as KeyInit>::new_from_slice(secret).expect("HMAC accepts any key length");
    mac.update(&counter.to_be_bytes());
    let h = mac.finalize().into_bytes();
    let off = (h[19] & 0xf) as usize;
    let bin = u32::from_be_bytes([h[off] & 0x7f, h[off + 1], h[off + 2], h[off + 3]]);
    format!("{:06}", bin % 1_000_000)
}

/// Whether `code` is the TOTP code of `secret` at `unix_secs` or one 30-second step either side.
pub fn totp_matches(secret: &[u8], unix_secs: i64, code: &str) -> bool {
    [-30i64, 0, 30].iter().any(|d| {
        ct_eq(
            totp(secret, unix_secs + d).as_bytes(),
            code.trim().as_bytes(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc6238_sha1_vectors() {
        let secret = b"12345678901234567890";
        // RFC 6238 appendix B gives 8 digits; the 6-digit code is their last 6.
        assert_eq!(totp(secret, 59), "287082");
        assert_eq!(totp(secret, 1111111109), "081804");
        assert_eq!(totp(secret, 2000000000), "279037");
    }

    #[test]
    fn base32_round_trip_and_rfc4648() {
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI");
        assert_eq!(base32_decode("MZXW6YTBOI======").unwrap(), b"foobar");
        assert_eq!(base32_decode("mzxw6ytboi").unwrap(), b"foobar");
        assert!(base32_decode("M1").is_none());
    }

    #[test]
    fn secret_hash_known_answer() {
        // base64(HMAC-SHA256("secret", "alice" + "client")) computed with Python's hmac module.
        assert_eq!(
            secret_hash("secret", "alice", "client"),
            "RTsve+FQ659UKyESgvLg9GYmZEL+QjzQsW/OjL77/b0="
        );
    }
}

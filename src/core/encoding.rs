//! Base64 (standard and URL-safe), hex, and URL percent-encoding.
//!
//! Hand-written rather than the `base64`/`hex` crates: the `base64` crate adds ~3.5 KB brotli to
//! the wasm (measured 2026-11, docs/size.md), these few functions add a fraction of that, and the
//! SDK has a 40 KiB budget. The base64 decoders are strict (one accepted spelling per byte
//! string, as the `base64` crate's `STANDARD` and `URL_SAFE_NO_PAD` engines decode), which
//! `tests/differential_encoding.rs` checks against that crate.

use crate::prelude::*;

use super::error::{Error, Result};

const STD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn encode_with(data: &[u8], alphabet: &[u8; 64], pad: bool) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let chars = chunk.len() + 1;
        for i in 0..4 {
            if i < chars {
                out.push(alphabet[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else if pad {
                out.push('=');
            }
        }
    }
    out
}

/// Standard base64 with `=` padding (RFC 4648 §4).
pub fn base64_encode(data: &[u8]) -> String {
    encode_with(data, STD, true)
}

/// URL-safe base64 without padding (RFC 4648 §5), as JWTs and PKCE use it.
pub fn base64url_encode(data: &[u8]) -> String {
    encode_with(data, URL, false)
}

fn sextet(c: u8, url: bool) -> Option<u32> {
    Some(match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' if !url => 62,
        b'/' if !url => 63,
        b'-' if url => 62,
        b'_' if url => 63,
        _ => return None,
    } as u32)
}

/// Standard base64 (RFC 4648 §4), strict: only `A-Z a-z 0-9 + /`, `=` padding to a multiple
/// of 4 characters, and zero unused bits in the last character, so every byte string has
/// exactly one accepted spelling (Cognito's `SECRET_BLOCK`).
///
/// `what` names the value in the error (`InvalidResponse`, e.g. "SECRET_BLOCK is not valid
/// base64: bad padding"); the message never contains the input.
pub fn base64_decode(text: &str, what: &str) -> Result<Vec<u8>> {
    decode_with(text, false, what)
}

/// URL-safe base64 without padding (RFC 4648 §5), strict: only `A-Z a-z 0-9 - _`, no `=`, no
/// impossible length (4k + 1 characters) and zero unused bits in the last character, so every
/// byte string has exactly one accepted spelling (JWT segments, RFC 7515 §2). Errors as
/// [`base64_decode`].
pub fn base64url_decode(text: &str, what: &str) -> Result<Vec<u8>> {
    decode_with(text, true, what)
}

fn decode_with(text: &str, url: bool, what: &str) -> Result<Vec<u8>> {
    let t = text.as_bytes();
    let digits = t.iter().rposition(|&b| b != b'=').map_or(0, |i| i + 1);
    let padding = t.len() - digits;
    let bad = |why: &str| {
        let kind = if url { " is not valid base64url: " } else { " is not valid base64: " };
        Err(Error::response(&concat(&concat(what, kind), why)))
    };
    if digits % 4 == 1 {
        return bad("bad length");
    }
    // base64url: no padding at all; base64: padded to a multiple of 4, so at most 2 `=`.
    let padding_ok = if url { padding == 0 } else { t.len() % 4 == 0 && padding <= 2 };
    if !padding_ok {
        return bad("bad padding");
    }
    let mut out = Vec::with_capacity(digits / 4 * 3 + 2);
    for chunk in t.get(..digits).unwrap_or(&[]).chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            let Some(v) = sextet(c, url) else {
                return bad("bad character");
            };
            n |= v << (18 - 6 * i);
        }
        // The bits of a short last group that no output byte holds must be zero.
        if n & (0xFF_FFFF >> (8 * (chunk.len() - 1))) != 0 {
            return bad("non-zero trailing bits");
        }
        for i in 1..chunk.len() {
            out.push((n >> (24 - 8 * i)) as u8);
        }
    }
    Ok(out)
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Lowercase hex of `data`.
pub fn hex_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len() * 2);
    for &b in data {
        out.push(HEX[(b >> 4) as usize] as char);
        out.push(HEX[(b & 15) as usize] as char);
    }
    out
}

fn nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Decodes hex (either case). An odd number of digits is read as if a leading `0` were present,
/// which is how Cognito sends SALT and SRP_B (unpadded big-endian integers).
pub fn hex_decode(text: &str, what: &str) -> Result<Vec<u8>> {
    let t = text.as_bytes();
    let mut out = Vec::with_capacity(t.len() / 2 + 1);
    let mut i = 0;
    if t.len() % 2 == 1 {
        out.push(nibble(t[0]).ok_or_else(|| bad_hex(what))?);
        i = 1;
    }
    while i < t.len() {
        let hi = nibble(t[i]).ok_or_else(|| bad_hex(what))?;
        let lo = nibble(t[i + 1]).ok_or_else(|| bad_hex(what))?;
        out.push(hi << 4 | lo);
        i += 2;
    }
    Ok(out)
}

fn bad_hex(what: &str) -> Error {
    Error::response(&concat(what, " is not valid hex"))
}

/// Percent-encodes everything but RFC 3986 unreserved characters (`A-Z a-z 0-9 - _ . ~`), as
/// SigV4 and `application/x-www-form-urlencoded` bodies for OAuth require. With
/// `keep_slash`, `/` is left as is (S3 object keys in paths).
pub fn percent_encode(text: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') || (keep_slash && b == b'/') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX_UPPER[(b >> 4) as usize] as char);
            out.push(HEX_UPPER[(b & 15) as usize] as char);
        }
    }
    out
}

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// Decodes `%XX` escapes (and `+` as space when `plus_is_space`). Invalid escapes are kept
/// literally; invalid UTF-8 is replaced, never a panic.
pub fn percent_decode(text: &str, plus_is_space: bool) -> String {
    let t = text.as_bytes();
    let mut out = Vec::with_capacity(t.len());
    let mut i = 0;
    while i < t.len() {
        match t[i] {
            b'%' if i + 2 < t.len() => {
                match (nibble(t[i + 1]), nibble(t[i + 2])) {
                    (Some(h), Some(l)) => {
                        out.push(h << 4 | l);
                        i += 3;
                        continue;
                    }
                    _ => out.push(b'%'),
                }
            }
            b'+' if plus_is_space => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `s` split around the first (or, with `last`, the last) ASCII byte `sep`, or `None`.
///
/// Byte positions instead of `str::split*` / `split_once` / `trim_matches` with a `char`
/// pattern: their char searchers (and `memchr`, UTF-8 decoding) cost 2.5 KB raw / 0.86 KB
/// brotli of wasm (measured 2026-11). An ASCII byte is always on a char boundary, so both
/// `get`s succeed.
pub fn split_ascii(s: &str, sep: u8, last: bool) -> Option<(&str, &str)> {
    let bytes = s.as_bytes();
    let i = if last {
        bytes.iter().rposition(|&b| b == sep)
    } else {
        bytes.iter().position(|&b| b == sep)
    }?;
    Some((s.get(..i)?, s.get(i + 1..)?))
}

/// `base` and `path` (which starts with `/`) joined without a doubled `/` (`base` may end with
/// one). Byte-wise, like [`split_ascii`]: `str` methods with `char` patterns and `&s[i..]`
/// slicing pull char searchers and panic formatting into the wasm.
pub fn join_url(base: &str, path: &str) -> String {
    let base = match base.as_bytes().last() {
        Some(b'/') => base.get(..base.len() - 1).unwrap_or(base),
        _ => base,
    };
    concat(base, path)
}

/// Concatenates two strings (used for error messages without `format!`).
pub fn concat(a: &str, b: &str) -> String {
    let mut s = String::with_capacity(a.len() + b.len());
    s.push_str(a);
    s.push_str(b);
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::ErrorCode;

    #[test]
    fn base64_round_trips_rfc4648_vectors() {
        let cases = [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")];
        for (plain, enc) in cases {
            assert_eq!(base64_encode(plain.as_bytes()), enc);
            assert_eq!(base64_decode(enc, "x").unwrap(), plain.as_bytes());
            assert_eq!(base64url_encode(plain.as_bytes()), enc.trim_end_matches('='));
            assert_eq!(base64url_decode(enc.trim_end_matches('='), "x").unwrap(), plain.as_bytes());
        }
        assert_eq!(base64url_encode(&[0xfb, 0xff]), "-_8");
        assert_eq!(base64url_decode("-_8", "x").unwrap(), vec![0xfb, 0xff]);
        assert_eq!(base64_decode("+/8=", "x").unwrap(), vec![0xfb, 0xff]);
        assert!(base64_decode("Zm9v!", "x").is_err());
        assert!(base64_decode("Z", "x").is_err());
    }

    /// One spelling per byte string (more in `tests/differential_encoding.rs`).
    #[test]
    fn base64_decoders_are_strict() {
        let reason = |r: Result<Vec<u8>>| r.unwrap_err().message;
        assert_eq!(reason(base64_decode("Zh==", "S")), "S is not valid base64: non-zero trailing bits");
        assert_eq!(reason(base64url_decode("Zh", "S")), "S is not valid base64url: non-zero trailing bits");
        assert_eq!(reason(base64_decode("Zg=", "S")), "S is not valid base64: bad padding");
        assert_eq!(reason(base64_decode("Zg", "S")), "S is not valid base64: bad padding");
        assert_eq!(reason(base64url_decode("Zg==", "S")), "S is not valid base64url: bad padding");
        assert_eq!(reason(base64_decode("-_8=", "S")), "S is not valid base64: bad character");
        assert_eq!(reason(base64url_decode("+/8", "S")), "S is not valid base64url: bad character");
        assert_eq!(reason(base64url_decode("Zm9vY", "S")), "S is not valid base64url: bad length");
        assert_eq!(base64_decode("Zh==", "S").unwrap_err().code, ErrorCode::InvalidResponse);
    }

    #[test]
    fn hex_round_trips_and_accepts_odd_length() {
        assert_eq!(hex_encode(&[0, 0xab, 0x10]), "00ab10");
        assert_eq!(hex_decode("00AB10", "x").unwrap(), vec![0, 0xab, 0x10]);
        assert_eq!(hex_decode("abc", "x").unwrap(), vec![0x0a, 0xbc]);
        assert!(hex_decode("zz", "x").is_err());
    }

    #[test]
    fn percent_encoding() {
        assert_eq!(percent_encode("a b/c~é", false), "a%20b%2Fc~%C3%A9");
        assert_eq!(percent_encode("a b/c", true), "a%20b/c");
        assert_eq!(percent_decode("a%20b+c%2f%zz%", true), "a b c/%zz%");
        assert_eq!(percent_decode("%C3%A9", false), "é");
    }
}

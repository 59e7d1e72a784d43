//! PKCE (RFC 7636) and the OAuth `state` / OIDC `nonce` values of a hosted-UI sign-in.
//!
//! Each protocol value is its own newtype, so a verifier cannot be sent where a state is
//! expected. The verifier is the secret of the flow: its `Debug` output never shows it.

use crate::prelude::*;

use super::encoding::base64url_encode;
use super::error::{Error, Result};
use super::hash::sha256;
use super::random;

/// RFC 7636 §4.1: a verifier is 43 to 128 characters.
const VERIFIER_MIN: usize = 43;
const VERIFIER_MAX: usize = 128;
/// 128 bits in base64url: the shortest `state` / `nonce` accepted back from storage.
const TOKEN_MIN: usize = 22;
const TOKEN_MAX: usize = 128;

/// RFC 3986 unreserved characters: `A-Z a-z 0-9 - . _ ~`.
fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

fn check_token(
    value: &str,
    what: &str,
    min: usize,
    max: usize,
    length_problem: &str,
) -> Result<()> {
    if value.len() < min || value.len() > max {
        return Err(Error::param(what, length_problem));
    }
    if !value.bytes().all(is_unreserved) {
        return Err(Error::param(what, "may only contain A-Z a-z 0-9 - . _ ~"));
    }
    Ok(())
}

/// 32 random bytes as base64url: 43 characters, 256 bits.
fn random_token() -> Result<String> {
    Ok(base64url_encode(&random::bytes::<32>()?))
}

/// Equality that takes the same time wherever the first difference is (the lengths are not
/// secret).
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A PKCE code verifier: 43–128 characters of the RFC 3986 unreserved set.
///
/// Kept secret until the token request; `Debug` prints `CodeVerifier(..)`.
#[derive(Clone, PartialEq, Eq)]
pub struct CodeVerifier(String);

impl CodeVerifier {
    /// A fresh verifier: 32 random bytes, base64url-encoded (43 characters), as RFC 7636 §4.1
    /// recommends.
    pub fn new() -> Result<Self> {
        Ok(Self::from_random_bytes(&random::bytes::<32>()?))
    }

    fn from_random_bytes(bytes: &[u8; 32]) -> Self {
        CodeVerifier(base64url_encode(bytes))
    }

    /// A verifier read back (e.g. from session storage), validated: `InvalidParameter` naming
    /// `codeVerifier` when the length or an alphabet character is wrong.
    pub fn from_string(value: String) -> Result<Self> {
        check_token(
            &value,
            "codeVerifier",
            VERIFIER_MIN,
            VERIFIER_MAX,
            "must be 43 to 128 characters",
        )?;
        Ok(CodeVerifier(value))
    }

    /// The verifier text, for the token request's `code_verifier` (and for storage).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The S256 challenge for this verifier.
    pub fn challenge(&self) -> CodeChallenge {
        CodeChallenge::s256(self)
    }
}

impl core::fmt::Debug for CodeVerifier {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("CodeVerifier(..)")
    }
}

/// A PKCE code challenge, always of method S256: `base64url(SHA-256(verifier))`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeChallenge(String);

impl CodeChallenge {
    /// The `code_challenge_method` value this SDK always uses.
    pub const METHOD: &'static str = "S256";

    /// The S256 challenge of `verifier`.
    pub fn s256(verifier: &CodeVerifier) -> Self {
        CodeChallenge(base64url_encode(&sha256(&[verifier.as_str().as_bytes()])))
    }

    /// The challenge text, for the authorize URL's `code_challenge`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The OAuth `state` parameter: a random, URL-safe value (256 bits) that ties the redirect
/// callback to the sign-in this app started (CSRF protection).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthState(String);

impl OAuthState {
    /// A fresh random state: 43 base64url characters.
    pub fn new() -> Result<Self> {
        random_token().map(OAuthState)
    }

    /// A state read back from storage, validated (22–128 unreserved characters):
    /// `InvalidParameter` naming `state` otherwise.
    pub fn from_string(value: String) -> Result<Self> {
        check_token(&value, "state", TOKEN_MIN, TOKEN_MAX, "must be 22 to 128 characters")?;
        Ok(OAuthState(value))
    }

    /// The state text, for the authorize URL and for storage.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `received` (the callback's `state`) is this state, compared in constant time.
    pub fn matches(&self, received: &str) -> bool {
        constant_time_eq(self.0.as_bytes(), received.as_bytes())
    }
}

/// The OpenID Connect `nonce`: a random, URL-safe value (256 bits) sent in the authorize URL
/// and expected back in the id token's `nonce` claim (replay protection).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nonce(String);

impl Nonce {
    /// A fresh random nonce: 43 base64url characters.
    pub fn new() -> Result<Self> {
        random_token().map(Nonce)
    }

    /// A nonce read back from storage, validated (22–128 unreserved characters):
    /// `InvalidParameter` naming `nonce` otherwise.
    pub fn from_string(value: String) -> Result<Self> {
        check_token(&value, "nonce", TOKEN_MIN, TOKEN_MAX, "must be 22 to 128 characters")?;
        Ok(Nonce(value))
    }

    /// The nonce text, for the authorize URL and for storage.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `claim` (the id token's `nonce`) is this nonce, compared in constant time.
    pub fn matches(&self, claim: &str) -> bool {
        constant_time_eq(self.0.as_bytes(), claim.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::ErrorCode;

    /// RFC 7636 Appendix B: the 32 octets, the verifier and the S256 challenge.
    const RFC_OCTETS: [u8; 32] = [
        116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37,
        77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
    ];
    const RFC_VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const RFC_CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    #[test]
    fn rfc7636_appendix_b() {
        let v = CodeVerifier::from_random_bytes(&RFC_OCTETS);
        assert_eq!(v.as_str(), RFC_VERIFIER);
        assert_eq!(v.challenge().as_str(), RFC_CHALLENGE);
        let v = CodeVerifier::from_string(RFC_VERIFIER.to_owned()).unwrap();
        assert_eq!(CodeChallenge::s256(&v).as_str(), RFC_CHALLENGE);
        assert_eq!(CodeChallenge::METHOD, "S256");
    }

    fn is_url_safe(s: &str) -> bool {
        s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    }

    #[test]
    fn fresh_values_are_43_url_safe_characters_and_differ() {
        let (a, b) = (CodeVerifier::new().unwrap(), CodeVerifier::new().unwrap());
        assert_eq!(a.as_str().len(), 43);
        assert!(is_url_safe(a.as_str()));
        assert_ne!(a, b);
        // A fresh verifier passes its own validation, and its challenge is 43 characters.
        assert_eq!(CodeVerifier::from_string(a.as_str().to_owned()).unwrap(), a);
        assert_eq!(a.challenge().as_str().len(), 43);

        let (s, t) = (OAuthState::new().unwrap(), OAuthState::new().unwrap());
        assert_eq!(s.as_str().len(), 43);
        assert!(is_url_safe(s.as_str()));
        assert_ne!(s, t);
        let (n, m) = (Nonce::new().unwrap(), Nonce::new().unwrap());
        assert_eq!(n.as_str().len(), 43);
        assert!(is_url_safe(n.as_str()));
        assert_ne!(n, m);
    }

    #[test]
    fn verifier_length_limits() {
        for len in [43, 64, 128] {
            assert!(CodeVerifier::from_string("a".repeat(len)).is_ok(), "{len}");
        }
        for len in [0, 1, 42, 129, 1000] {
            let e = CodeVerifier::from_string("a".repeat(len)).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidParameter);
            assert_eq!(e.message, "codeVerifier: must be 43 to 128 characters", "{len}");
        }
    }

    #[test]
    fn verifier_alphabet() {
        // Every unreserved character is allowed.
        let all = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
        assert!(CodeVerifier::from_string(all.to_owned()).is_ok());
        for bad in ['+', '/', '=', ' ', '%', '\n', '\0', 'é'] {
            let mut s = "a".repeat(42);
            s.push(bad);
            let e = CodeVerifier::from_string(s).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidParameter);
            assert_eq!(e.message, "codeVerifier: may only contain A-Z a-z 0-9 - . _ ~", "{bad:?}");
        }
        // 42 characters but 43 bytes: still rejected (non-ASCII is outside the alphabet).
        let s = "a".repeat(41) + "é";
        assert!(CodeVerifier::from_string(s).is_err());
    }

    #[test]
    fn verifier_debug_hides_the_value() {
        let v = CodeVerifier::from_string(RFC_VERIFIER.to_owned()).unwrap();
        let d = format!("{v:?}");
        assert_eq!(d, "CodeVerifier(..)");
        assert!(!d.contains("dBjf"));
    }

    #[test]
    fn state_and_nonce_validation_and_matching() {
        let s = OAuthState::from_string("abcdefghijklmnopqrstuv".to_owned()).unwrap();
        assert!(s.matches("abcdefghijklmnopqrstuv"));
        assert!(!s.matches("abcdefghijklmnopqrstuV"));
        assert!(!s.matches("abcdefghijklmnopqrstu"));
        assert!(!s.matches(""));
        let e = OAuthState::from_string("short".to_owned()).unwrap_err();
        assert_eq!(e.message, "state: must be 22 to 128 characters");
        assert!(OAuthState::from_string("a".repeat(129)).is_err());
        assert!(OAuthState::from_string("a".repeat(21) + "&").is_err());

        let n = Nonce::new().unwrap();
        assert!(n.matches(n.as_str()));
        assert!(!n.matches(Nonce::new().unwrap().as_str()));
        assert_eq!(Nonce::from_string(n.as_str().to_owned()).unwrap(), n);
        let e = Nonce::from_string("x y".repeat(10)).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidParameter);
        assert_eq!(e.message, "nonce: may only contain A-Z a-z 0-9 - . _ ~");
    }
}

//! The pool's signing keys (JWKS) and the RS256 signature checks of its tokens, sans-IO: this
//! module reads the JWKS and says which key checks which token over which bytes; the RSA
//! verification itself is Web Crypto's (`crypto.subtle.verify`, `RSASSA-PKCS1-v1_5` with SHA-256),
//! done by the driver.
//!
//! A token whose `alg` is not `RS256` (`none`, `HS256` with the public key as the secret, ...)
//! is refused before any key is looked up.

use crate::prelude::*;

use super::config::Config;
use super::encoding::{concat, join_url, split_ascii};
use super::error::{Error, ErrorCode, Result};
use super::json::{Json, JsonObject};
use super::jwt;

/// One RSA public key of the pool's JWKS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Jwk {
    /// The key id tokens name in their header.
    pub kid: String,
    /// The modulus, base64url as in the JWKS.
    pub n: String,
    /// The exponent, base64url as in the JWKS.
    pub e: String,
}

/// The pool's signing keys.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Jwks {
    /// The RSA keys for RS256 (other keys are left out).
    pub keys: Vec<Jwk>,
}

/// Where the pool's keys are: `<endpoints.userPool>/<userPoolId>/.well-known/jwks.json` when the
/// user-pool endpoint is overridden (an emulator, a proxy), else the issuer's
/// `/.well-known/jwks.json` (on AWS, `https://cognito-idp.<region>.amazonaws.com/<userPoolId>/…`).
pub fn jwks_url(cfg: &Config) -> String {
    let base = match &cfg.endpoints.user_pool {
        Some(url) => join_url(url, &concat("/", &cfg.user_pool_id)),
        None => cfg.expected_issuer(),
    };
    concat(&base, "/.well-known/jwks.json")
}

fn failed(what: &str) -> Error {
    Error::new(ErrorCode::TokenVerificationFailed, what)
}

impl Jwks {
    /// Reads a JWKS document: its `RS256` RSA keys with a `kid` (keys for other uses or
    /// algorithms are skipped). `InvalidResponse` when it is not a JWKS.
    pub fn parse(text: &str) -> Result<Jwks> {
        let j = Json::parse(text)?;
        let mut keys = Vec::new();
        for k in j.array_field("keys")? {
            let rs256 = k.opt_str_field("kty")? == Some("RSA")
                && k.opt_str_field("alg")?.is_none_or(|a| a == "RS256")
                && k.opt_str_field("use")?.is_none_or(|u| u == "sig");
            if let (true, Some(kid)) = (rs256, k.opt_str_field("kid")?) {
                keys.push(Jwk {
                    kid: kid.to_string(),
                    n: k.str_field("n")?.to_string(),
                    e: k.str_field("e")?.to_string(),
                });
            }
        }
        Ok(Jwks { keys })
    }

    fn key(&self, kid: &str) -> Option<&Jwk> {
        self.keys.iter().find(|k| k.kid == kid)
    }
}

/// What the driver verifies for one token: the key, the signed bytes (`header.payload`, ASCII)
/// and the signature (base64url).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureCheck {
    /// The key.
    pub key: Jwk,
    /// The signing input.
    pub data: String,
    /// The signature, base64url.
    pub signature: String,
}

impl SignatureCheck {
    /// `{ n, e, data, sig }` for the driver.
    pub fn to_json(&self) -> JsonObject {
        JsonObject::new()
            .str("n", &self.key.n)
            .str("e", &self.key.e)
            .str("data", &self.data)
            .str("sig", &self.signature)
    }
}

/// The signature check of `token` with the keys in `jwks`: `Ok(None)` when its `kid` is not
/// among them (fetch the JWKS again, at most so often). `TokenVerificationFailed` for an `alg`
/// other than `RS256` or no `kid`; `InvalidToken` for a token that does not decode.
pub fn signature_check(token: &str, jwks: &Jwks) -> Result<Option<SignatureCheck>> {
    let decoded = jwt::decode(token)?;
    let header = decoded.header();
    if header.alg != "RS256" {
        return Err(failed("alg: only RS256-signed tokens are accepted"));
    }
    let kid = header
        .kid
        .as_deref()
        .ok_or_else(|| failed("kid: the token names no signing key"))?;
    let Some(key) = jwks.key(kid) else {
        return Ok(None);
    };
    // `decode` checked the three segments: the signing input is everything before the last dot.
    let (data, signature) = split_ascii(token, b'.', true)
        .ok_or_else(|| Error::token("token is not three segments"))?;
    Ok(Some(SignatureCheck {
        key: key.clone(),
        data: data.to_string(),
        signature: signature.to_string(),
    }))
}

/// Whether a JWKS fetched at `fetched_at_ms` may be fetched again at `now_ms` for an unknown
/// `kid` (at most once a minute).
pub fn may_refetch(fetched_at_ms: Option<i64>, now_ms: i64) -> bool {
    fetched_at_ms.is_none_or(|t| now_ms.saturating_sub(t) >= 60_000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::encoding::base64url_encode;

    fn token(header: &str) -> String {
        let mut t = base64url_encode(header.as_bytes());
        t.push('.');
        t.push_str(&base64url_encode(br#"{"sub":"s"}"#));
        t.push_str(".c2lnbmF0dXJl");
        t
    }

    const JWKS: &str = r#"{"keys":[{"kid":"k1","kty":"RSA","alg":"RS256","use":"sig","n":"AQAB-n","e":"AQAB"},{"kid":"k2","kty":"EC","crv":"P-256","x":"x","y":"y"},{"kid":"k3","kty":"RSA","use":"enc","n":"n3","e":"AQAB"}]}"#;

    #[test]
    fn the_jwks_keeps_its_rs256_signing_keys() {
        let jwks = Jwks::parse(JWKS).unwrap();
        assert_eq!(jwks.keys.len(), 1);
        assert_eq!(jwks.keys[0].kid, "k1");
        assert_eq!(Jwks::parse("{}").unwrap_err().name(), "InvalidResponse");
        assert!(Jwks::parse(r#"{"keys":[{"kid":"k","kty":"RSA"}]}"#).is_err());
    }

    #[test]
    fn checks_name_the_key_the_bytes_and_the_signature() {
        let jwks = Jwks::parse(JWKS).unwrap();
        let t = token(r#"{"alg":"RS256","kid":"k1"}"#);
        let c = signature_check(&t, &jwks).unwrap().unwrap();
        assert_eq!(c.key.n, "AQAB-n");
        assert_eq!([c.data.as_str(), ".", &c.signature].concat(), t);
        assert_eq!(c.signature, "c2lnbmF0dXJl");
        // An unknown kid: fetch the keys again.
        assert_eq!(signature_check(&token(r#"{"alg":"RS256","kid":"k9"}"#), &jwks).unwrap(), None);
    }

    #[test]
    fn only_rs256_with_a_kid_is_accepted() {
        let jwks = Jwks::parse(JWKS).unwrap();
        for header in [
            r#"{"alg":"none","kid":"k1"}"#,
            r#"{"alg":"HS256","kid":"k1"}"#,
            r#"{"alg":"RS512","kid":"k1"}"#,
            r#"{"alg":"rs256","kid":"k1"}"#,
        ] {
            let e = signature_check(&token(header), &jwks).unwrap_err();
            assert_eq!((e.name(), e.message.as_str()), ("TokenVerificationFailed", "alg: only RS256-signed tokens are accepted"), "{header}");
        }
        let e = signature_check(&token(r#"{"alg":"RS256"}"#), &jwks).unwrap_err();
        assert!(e.message.starts_with("kid:"));
        assert_eq!(signature_check("a.b", &jwks).unwrap_err().name(), "InvalidToken");
    }

    #[test]
    fn where_the_keys_are_and_how_often_they_are_fetched() {
        let cfg = |extra: &str| {
            Config::from_json_text(&[r#"{"region":"us-east-1","userPoolId":"us-east-1_AbC123","clientId":"c""#, extra, "}"].concat()).unwrap()
        };
        assert_eq!(jwks_url(&cfg("")), "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123/.well-known/jwks.json");
        assert_eq!(
            jwks_url(&cfg(r#","endpoints":{"userPool":"http://127.0.0.1:9/"}"#)),
            "http://127.0.0.1:9/us-east-1_AbC123/.well-known/jwks.json"
        );
        assert!(may_refetch(None, 0));
        assert!(!may_refetch(Some(1_000), 60_999));
        assert!(may_refetch(Some(1_000), 61_000));
    }
}

//! RS256 JSON Web Tokens shaped like Cognito's, signed with a fixed development key, and the JWKS
//! that publishes it.
//!
//! The key in `emulator/keys/dev-rsa-key.json` is a TEST KEY, public in this repository: it makes
//! the emulator start instantly (no key generation) and keeps tokens verifiable across restarts.
//! It must never sign anything real.

use crate::crypto::{b64url, b64url_decode, sha256};
use num_bigint::BigUint;
use serde_json::{json, Value};

const KEY_JSON: &str = include_str!("../keys/dev-rsa-key.json");

/// DER prefix of a PKCS#1 v1.5 DigestInfo for SHA-256.
const SHA256_DIGEST_INFO: [u8; 19] = [
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20,
];

/// The emulator's signing key.
pub struct Signer {
    /// Key id (`kid` in JWT headers and the JWKS).
    pub kid: String,
    n: BigUint,
    e: BigUint,
    d: BigUint,
    k: usize,
}

impl Signer {
    /// Loads the built-in development key.
    pub fn dev_key() -> Signer {
        let v: Value = serde_json::from_str(KEY_JSON).expect("dev key JSON");
        let num = |f: &str| {
            BigUint::parse_bytes(v[f].as_str().expect("dev key field").as_bytes(), 16).expect("hex")
        };
        let n = num("n");
        let k = n.bits().div_ceil(8) as usize;
        Signer {
            kid: v["kid"].as_str().unwrap_or("emulator").to_string(),
            e: num("e"),
            d: num("d"),
            n,
            k,
        }
    }

    fn encoded_message(&self, data: &[u8]) -> Vec<u8> {
        let t: Vec<u8> = SHA256_DIGEST_INFO
            .iter()
            .copied()
            .chain(sha256(data))
            .collect();
        let mut em = vec![0xffu8; self.k];
        em[0] = 0;
        em[1] = 1;
        let sep = self.k - t.len() - 1;
        em[sep] = 0;
        em[sep + 1..].copy_from_slice(&t);
        em
    }

    /// RSASSA-PKCS1-v1_5 with SHA-256.
    pub fn sign(&self, data: &[u8]) -> Vec<u8> {
        let m = BigUint::from_bytes_be(&self.encoded_message(data));
        left_pad(&m.modpow(&self.d, &self.n).to_bytes_be(), self.k)
    }

    /// Checks an RSASSA-PKCS1-v1_5 SHA-256 signature.
    pub fn verify(&self, data: &[u8], sig: &[u8]) -> bool {
        if sig.len() != self.k {
            return false;
        }
        let s = BigUint::from_bytes_be(sig);
        if s >= self.n {
            return false;
        }
        let em = left_pad(&s.modpow(&self.e, &self.n).to_bytes_be(), self.k);
        crate::crypto::ct_eq(&em, &self.encoded_message(data))
    }

    /// A signed JWT (`{"kid","alg":"RS256"}` header) over `claims`.
    pub fn jwt(&self, claims: &Value) -> String {
        let header = json!({ "kid": self.kid, "alg": "RS256" });
        let signing_input = format!(
            "{}.{}",
            b64url(header.to_string().as_bytes()),
            b64url(claims.to_string().as_bytes())
        );
        let sig = self.sign(signing_input.as_bytes());
        format!("{signing_input}.{}", b64url(&sig))
    }

    /// Decodes a JWT and checks its RS256 signature and `kid` (not its times or claims).
    pub fn decode_verified(&self, token: &str) -> Result<Value, String> {
        let mut parts = token.split('.');
        let (Some(h), Some(p), Some(s), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err("not a JWT (three base64url parts expected)".into());
        };
        let header: Value = b64url_decode(h)
            .and_then(|b| serde_json::from_slice(&b).ok())
            .ok_or("JWT header is not base64url JSON")?;
        if header["alg"] != "RS256" {
            return Err("JWT alg is not RS256".into());
        }
        if header["kid"] != self.kid.as_str() {
            return Err("JWT kid is not the emulator's key".into());
        }
        let sig = b64url_decode(s).ok_or("JWT signature is not base64url")?;
        if !self.verify(format!("{h}.{p}").as_bytes(), &sig) {
            return Err("JWT signature does not verify".into());
        }
        b64url_decode(p)
            .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
            .filter(Value::is_object)
            .ok_or_else(|| "JWT payload is not a base64url JSON object".into())
    }

    /// Verifies signature and expiry at `now_secs`; returns the claims. The caller checks `iss`,
    /// `aud`/`client_id` and `token_use`.
    pub fn verify_token(&self, token: &str, now_secs: i64) -> Result<Value, String> {
        let claims = self.decode_verified(token)?;
        let exp = claims["exp"].as_i64().ok_or("JWT has no numeric exp")?;
        if now_secs >= exp {
            return Err("token expired".into());
        }
        Ok(claims)
    }

    /// The JWKS document (`{"keys":[...]}`) publishing the public key.
    pub fn jwks(&self) -> Value {
        json!({ "keys": [{
            "alg": "RS256",
            "e": b64url(&self.e.to_bytes_be()),
            "kid": self.kid,
            "kty": "RSA",
            "n": b64url(&self.n.to_bytes_be()),
            "use": "sig",
        }]})
    }
}

fn left_pad(b: &[u8], k: usize) -> Vec<u8> {
    let mut out = vec![0u8; k.saturating_sub(b.len())];
    out.extend_from_slice(b);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_verify_and_tamper() {
        let s = Signer::dev_key();
        let tok = s.jwt(&json!({"sub": "x", "exp": 2_000_000_000i64}));
        let claims = s.verify_token(&tok, 1_900_000_000).unwrap();
        assert_eq!(claims["sub"], "x");
        assert_eq!(
            s.verify_token(&tok, 2_000_000_000).unwrap_err(),
            "token expired"
        );
        let mut parts: Vec<&str> = tok.split('.').collect();
        let forged = b64url(br#"{"sub":"y","exp":2000000000}"#);
        parts[1] = &forged;
        assert!(s
            .verify_token(&parts.join("."), 0)
            .unwrap_err()
            .contains("signature"));
    }
}

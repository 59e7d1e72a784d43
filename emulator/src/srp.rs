//! The server side of Cognito's SRP-6a variant (as in amazon-cognito-identity-js
//! AuthenticationHelper): 3072-bit group of RFC 5054 with g = 2, SHA-256, `padHex` encodings,
//! `x = H(salt | H(poolName | userId | ":" | password))`, HKDF-SHA256 with the info string
//! "Caldera Derived Key", and the PASSWORD_CLAIM_SIGNATURE over
//! `poolName | userIdForSrp | secretBlock | TIMESTAMP`.
//!
//! The server keeps only the salt and the verifier `v = g^x mod N`; it sends
//! `B = k·v + g^b mod N` and derives `S = (A · v^u)^b mod N`.

use crate::crypto::{hmac_sha256, random_bytes, sha256};
use num_bigint::BigUint;
use std::sync::OnceLock;

/// The RFC 5054 / RFC 3526 3072-bit prime, hex.
pub const N_HEX: &str = concat!(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD",
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED",
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F",
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B",
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510",
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7",
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C",
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF"
);

/// The group constants.
pub struct Group {
    /// The prime.
    pub n: BigUint,
    /// The generator (2).
    pub g: BigUint,
    /// `k = H(padHex(N) | padHex(g))`.
    pub k: BigUint,
}

/// The group, computed once.
pub fn group() -> &'static Group {
    static G: OnceLock<Group> = OnceLock::new();
    G.get_or_init(|| {
        let n = BigUint::parse_bytes(N_HEX.as_bytes(), 16).expect("N_HEX is hex");
        let g = BigUint::from(2u32);
        let k = hex_hash(&format!("{}{}", pad_hex(&n), pad_hex(&g)));
        Group { n, g, k }
    })
}

/// AuthenticationHelper's `padHex`: even-length hex, with `00` prepended when the first digit
/// has its high bit set (so the value reads as positive).
pub fn pad_hex(v: &BigUint) -> String {
    let mut h = v.to_str_radix(16);
    if h.len() % 2 == 1 {
        h.insert(0, '0');
    } else if h
        .as_bytes()
        .first()
        .is_some_and(|c| b"89abcdef".contains(c))
    {
        h.insert_str(0, "00");
    }
    h
}

fn hex_bytes(h: &str) -> Vec<u8> {
    crate::crypto::hex_decode(h).expect("pad_hex output is even-length hex")
}

/// SHA-256 of the bytes a hex string spells, as a number.
pub fn hex_hash(h: &str) -> BigUint {
    BigUint::from_bytes_be(&sha256(&hex_bytes(h)))
}

/// A big number from hex; `None` when not hex.
pub fn from_hex(h: &str) -> Option<BigUint> {
    if h.is_empty() || !h.bytes().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    BigUint::parse_bytes(h.as_bytes(), 16)
}

/// The private value `x` for `userId` and `password` in pool `pool_name` with `salt`.
pub fn private_x(pool_name: &str, user_id: &str, password: &str, salt: &BigUint) -> BigUint {
    let inner = sha256(format!("{pool_name}{user_id}:{password}").as_bytes());
    let inner_hex = crate::crypto::hex(&inner);
    hex_hash(&format!("{}{}", pad_hex(salt), inner_hex))
}

/// The verifier `v = g^x mod N`.
pub fn verifier(pool_name: &str, user_id: &str, password: &str, salt: &BigUint) -> BigUint {
    let gr = group();
    gr.g.modpow(&private_x(pool_name, user_id, password, salt), &gr.n)
}

/// A fresh random 16-byte salt (as a number; sent as hex).
pub fn new_salt() -> BigUint {
    let mut b = random_bytes(16);
    b[0] |= 0x01; // never zero, keeps hex lengths stable-ish
    BigUint::from_bytes_be(&b)
}

/// The server's ephemeral pair `(b, B)` for verifier `v`.
pub fn server_ephemeral(v: &BigUint) -> (BigUint, BigUint) {
    let gr = group();
    loop {
        let b = BigUint::from_bytes_be(&random_bytes(32));
        let big_b = (&gr.k * v + gr.g.modpow(&b, &gr.n)) % &gr.n;
        if big_b != BigUint::ZERO {
            return (b, big_b);
        }
    }
}

/// `u = H(padHex(A) | padHex(B))`.
pub fn scramble(a: &BigUint, b: &BigUint) -> BigUint {
    hex_hash(&format!("{}{}", pad_hex(a), pad_hex(b)))
}

/// HKDF-SHA256 (one block) of `ikm = padHex(S)`, `salt = padHex(u)`, info "Caldera Derived Key",
/// truncated to 16 bytes: the password-authentication key.
pub fn derive_key(s: &BigUint, u: &BigUint) -> [u8; 16] {
    let prk = hmac_sha256(&hex_bytes(&pad_hex(u)), &[&hex_bytes(&pad_hex(s))]);
    let okm = hmac_sha256(&prk, &[b"Caldera Derived Key", &[1u8]]);
    let mut key = [0u8; 16];
    key.copy_from_slice(&okm[..16]);
    key
}

/// The server's password-authentication key from the client's `A`; `None` when `A mod N = 0`
/// or `u = 0` (the SRP-6a safety checks).
pub fn server_key(a: &BigUint, big_b: &BigUint, b: &BigUint, v: &BigUint) -> Option<[u8; 16]> {
    let gr = group();
    if (a % &gr.n) == BigUint::ZERO {
        return None;
    }
    let u = scramble(a, big_b);
    if u == BigUint::ZERO {
        return None;
    }
    let s = (a * v.modpow(&u, &gr.n) % &gr.n).modpow(b, &gr.n);
    Some(derive_key(&s, &u))
}

/// The expected PASSWORD_CLAIM_SIGNATURE: HMAC-SHA256(key, poolName | userIdForSrp |
/// secretBlock bytes | TIMESTAMP).
pub fn claim_signature(
    key: &[u8],
    pool_name: &str,
    user_id: &str,
    secret_block: &[u8],
    timestamp: &str,
) -> [u8; 32] {
    hmac_sha256(
        key,
        &[
            pool_name.as_bytes(),
            user_id.as_bytes(),
            secret_block,
            timestamp.as_bytes(),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pad_hex_rules() {
        assert_eq!(pad_hex(&BigUint::from(2u32)), "02");
        assert_eq!(pad_hex(&BigUint::from(0x7fu32)), "7f");
        assert_eq!(pad_hex(&BigUint::from(0x80u32)), "0080");
        assert_eq!(pad_hex(&BigUint::from(0x123u32)), "0123");
    }

    #[test]
    fn k_is_cognitos() {
        // k from amazon-cognito-identity-js (hexHash('00' + N + '02')).
        assert_eq!(
            group().k.to_str_radix(16),
            "538282c4354742d7cbbde2359fcf67f9f5b3a6b08791e5011b43b8a5b66d9ee6"
        );
    }
}

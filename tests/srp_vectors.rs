//! Cognito SRP client math against the reference client's known answers
//! (`fixtures/srp/cognito-srp-vectors.json`, made with amazon-cognito-identity-js 6.3.21's
//! AuthenticationHelper from fixed inputs), plus a full exchange against a server computed
//! here, and — in the browser — the SIMD Montgomery kernels against the portable ones.
//!
//! Host: `cargo test --test srp_vectors`.
//! Browser: `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test srp_vectors`.

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use cognito_wasm::core::encoding::{hex_decode, hex_encode};
use cognito_wasm::core::hash::sha256;
use cognito_wasm::core::json::Json;
use cognito_wasm::core::srp::montgomery::{self, Element};
use cognito_wasm::core::srp::{claim_signature, SrpClient, N_HEX};
use cognito_wasm::core::time::UtcDateTime;
use cognito_wasm::ErrorCode;

const VECTORS: &str = include_str!("fixtures/srp/cognito-srp-vectors.json");

struct Vector<'a>(&'a Json);

impl Vector<'_> {
    fn s(&self, key: &str) -> &str {
        self.0
            .get(key)
            .and_then(Json::as_str)
            .unwrap_or_else(|| panic!("vector field {key}"))
    }
}

fn vectors() -> Json {
    Json::parse(VECTORS).expect("fixture is JSON")
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn every_vector_matches_the_reference_client() {
    let doc = vectors();
    let list = doc
        .get("vectors")
        .and_then(Json::as_array)
        .expect("vectors array");
    assert_eq!(list.len(), 12);
    for (i, v) in list.iter().map(Vector).enumerate() {
        let client = SrpClient::from_secret_hex(v.s("smallA")).unwrap();
        assert_eq!(client.srp_a_hex(), v.s("srpA"), "vector {i}: SRP_A");

        let pool = v.s("poolName");
        assert_eq!(
            v.s("userPoolId").split('_').nth(1),
            Some(pool),
            "vector {i}: pool name"
        );
        let key = client
            .password_authentication_key(
                pool,
                v.s("username"),
                v.s("password"),
                v.s("salt"),
                v.s("srpB"),
            )
            .unwrap();
        assert_eq!(
            hex_encode(&key),
            v.s("passwordAuthKey"),
            "vector {i}: password authentication key"
        );

        let ms =
            v.0.get("timestampMs")
                .and_then(Json::as_i64)
                .expect("timestampMs");
        let timestamp = UtcDateTime::from_unix_ms(ms).cognito_timestamp();
        assert_eq!(timestamp, v.s("timestamp"), "vector {i}: TIMESTAMP");

        let signature =
            claim_signature(&key, pool, v.s("username"), v.s("secretBlock"), &timestamp).unwrap();
        assert_eq!(
            signature,
            v.s("passwordClaimSignature"),
            "vector {i}: signature"
        );

        // The one-call path the session uses, on every vector natively and on three in the
        // browser (each call repeats the whole derivation; unoptimised wasm is slow).
        if cfg!(not(target_arch = "wasm32")) || [0, 2, 11].contains(&i) {
            let claim = client
                .password_claim(
                    pool,
                    v.s("username"),
                    v.s("password"),
                    v.s("salt"),
                    v.s("srpB"),
                    v.s("secretBlock"),
                    &timestamp,
                )
                .unwrap();
            assert_eq!(
                claim.signature_b64,
                v.s("passwordClaimSignature"),
                "vector {i}: claim"
            );
            assert_eq!(claim.timestamp, v.s("timestamp"));
        }
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn any_changed_input_changes_the_signature() {
    let doc = vectors();
    let v = Vector(&doc.get("vectors").and_then(Json::as_array).unwrap()[0]);
    let client = SrpClient::from_secret_hex(v.s("smallA")).unwrap();
    let key = |pool: &str, user: &str, pw: &str, salt: &str| {
        client
            .password_authentication_key(pool, user, pw, salt, v.s("srpB"))
            .unwrap()
    };
    let good_key = key(
        v.s("poolName"),
        v.s("username"),
        v.s("password"),
        v.s("salt"),
    );
    let sign = |key: &[u8; 16], pool: &str, user: &str, block: &str, ts: &str| {
        claim_signature(key, pool, user, block, ts).unwrap()
    };
    let good = sign(
        &good_key,
        v.s("poolName"),
        v.s("username"),
        v.s("secretBlock"),
        v.s("timestamp"),
    );
    assert_eq!(good, v.s("passwordClaimSignature"));
    let mut salt_plus_one = hex_decode(v.s("salt"), "salt").unwrap();
    *salt_plus_one.last_mut().unwrap() ^= 1;
    for other_key in [
        key("X", v.s("username"), v.s("password"), v.s("salt")),
        key(v.s("poolName"), "alicf", v.s("password"), v.s("salt")),
        key(v.s("poolName"), v.s("username"), "Passw0rd?", v.s("salt")),
        key(
            v.s("poolName"),
            v.s("username"),
            v.s("password"),
            &hex_encode(&salt_plus_one),
        ),
    ] {
        assert_ne!(other_key, good_key);
    }
    for other in [
        sign(
            &good_key,
            "X",
            v.s("username"),
            v.s("secretBlock"),
            v.s("timestamp"),
        ),
        sign(
            &good_key,
            v.s("poolName"),
            "alicf",
            v.s("secretBlock"),
            v.s("timestamp"),
        ),
        sign(
            &good_key,
            v.s("poolName"),
            v.s("username"),
            "AAAA",
            v.s("timestamp"),
        ),
        sign(
            &good_key,
            v.s("poolName"),
            v.s("username"),
            v.s("secretBlock"),
            "Wed Jan 1 00:00:01 UTC 2020",
        ),
    ] {
        assert_ne!(other, good);
    }
    // Leading zeros in SALT / SRP_B hex do not change the integers, so nor the key.
    let padded_b = {
        let mut s = "000".to_string();
        s.push_str(v.s("srpB"));
        s
    };
    let padded_salt = {
        let mut s = "00".to_string();
        s.push_str(v.s("salt"));
        s
    };
    let claim = client
        .password_claim(
            v.s("poolName"),
            v.s("username"),
            v.s("password"),
            &padded_salt,
            &padded_b,
            v.s("secretBlock"),
            v.s("timestamp"),
        )
        .unwrap();
    assert_eq!(claim.signature_b64, good);
}

/// Server side of SRP-6a, written here from the protocol (B = k·v + g^b, S = (A·v^u)^b) with the
/// crate's Montgomery arithmetic: a fresh 256-bit client must derive the server's key.
#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn fresh_client_agrees_with_a_server() {
    fn pad(be: &[u8]) -> Vec<u8> {
        let start = be.iter().position(|&b| b != 0).unwrap_or(be.len());
        let mut out = if be.get(start).is_none_or(|&b| b >= 0x80) {
            vec![0]
        } else {
            vec![]
        };
        out.extend_from_slice(&be[start..]);
        out
    }
    let r2 = montgomery::r_squared();
    let (pool, user, password, salt) = (
        "AbCdEfGhI",
        "7a1b2c3d-user",
        "correct horse battery",
        [0x9au8; 16],
    );
    let x = sha256(&[
        &pad(&salt),
        &sha256(&[pool.as_bytes(), user.as_bytes(), b":", password.as_bytes()]),
    ]);
    let v = montgomery::pow2(&x); // verifier g^x, Montgomery form
    let n_bytes = hex_decode(N_HEX, "N").unwrap();
    let k = Element::from_be_bytes(&sha256(&[&pad(&n_bytes), &[2]])).unwrap();
    let b_secret = [0x5cu8; 32];
    let big_b = {
        let kv = montgomery::from_mont(&montgomery::mul(&montgomery::to_mont(&k, &r2), &v));
        let gb = montgomery::from_mont(&montgomery::pow2(&b_secret));
        // (k·v + g^b) mod N, via a − (N − b).
        let neg_gb = Element::ZERO.sub_mod(&gb);
        kv.sub_mod(&neg_gb)
    };
    let client = SrpClient::new().unwrap();
    let a_bytes = hex_decode(&client.srp_a_hex(), "A").unwrap();
    let big_a = Element::from_be_bytes(&a_bytes).unwrap();
    let u = sha256(&[&pad(&a_bytes), &pad(&big_b.to_be_bytes())]);
    let base = montgomery::mul(&montgomery::to_mont(&big_a, &r2), &montgomery::pow(&v, &u));
    let s = montgomery::from_mont(&montgomery::pow(&base, &b_secret));
    let prk = cognito_wasm::core::hash::hmac_sha256(&pad(&u), &[&pad(&s.to_be_bytes())]);
    let server_key = cognito_wasm::core::hash::hmac_sha256(&prk, &[b"Caldera Derived Key", &[1]]);

    let client_key = client
        .password_authentication_key(
            pool,
            user,
            password,
            &hex_encode(&salt),
            &hex_encode(&big_b.to_be_bytes()),
        )
        .unwrap();
    assert_eq!(client_key[..], server_key[..16]);
    let wrong = client
        .password_authentication_key(
            pool,
            user,
            "wrong",
            &hex_encode(&salt),
            &hex_encode(&big_b.to_be_bytes()),
        )
        .unwrap();
    assert_ne!(wrong[..], server_key[..16]);
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn degenerate_server_values_are_rejected() {
    let client = SrpClient::new().unwrap();
    for b in ["0", N_HEX] {
        let e = client
            .password_claim("P", "u", "p", "ab", b, "AAAA", "t")
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::SrpProtocolError);
    }
    let e = client
        .password_claim("P", "u", "p", "not hex", "02", "AAAA", "t")
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::SrpProtocolError);
    assert!(e.message.contains("SALT"));
}

struct XorShift(u64);
impl XorShift {
    fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len)
            .map(|_| {
                self.0 ^= self.0 << 13;
                self.0 ^= self.0 >> 7;
                self.0 ^= self.0 << 17;
                (self.0 >> 24) as u8
            })
            .collect()
    }
}

/// The kernels `mul`/`square` dispatch to (SIMD in the browser build) agree with the portable
/// ones on edge and random inputs, including 2N − 1, the largest lazily reduced value.
#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn fast_kernels_match_portable_kernels() {
    let n = hex_decode(N_HEX, "N").unwrap();
    let mut n_minus_1 = n.clone();
    *n_minus_1.last_mut().unwrap() -= 1;
    let two_n_minus_1 = {
        let mut out = vec![0u8; 385];
        let mut carry = 0u16;
        for i in (0..384).rev() {
            let v = u16::from(n[i]) * 2 + carry;
            out[i + 1] = v as u8;
            carry = v >> 8;
        }
        out[0] = carry as u8;
        out[384] -= 1;
        out
    };
    let mut values = vec![
        vec![0u8],
        vec![1],
        vec![2],
        n_minus_1,
        n,
        two_n_minus_1,
        vec![0xff; 384],
    ];
    let mut rng = XorShift(0x0dd_ba11_cafe_f00d);
    for len in [1usize, 4, 32, 128, 383, 384, 384, 384] {
        values.push(rng.bytes(len));
    }
    let elems: Vec<Element> = values
        .iter()
        .map(|b| Element::from_be_bytes(b).unwrap())
        .collect();
    for a in &elems {
        assert_eq!(montgomery::square(a), montgomery::square_portable(a));
        for b in &elems {
            assert_eq!(montgomery::mul(a, b), montgomery::mul_portable(a, b));
        }
    }
    // A chain of squares and products visits many more values (all below 2N).
    let (mut x, mut y) = (elems[8], elems[8]);
    for step in 0..40 {
        x = if step % 3 == 0 {
            montgomery::mul(&x, &elems[14])
        } else {
            montgomery::square(&x)
        };
        y = if step % 3 == 0 {
            montgomery::mul_portable(&y, &elems[14])
        } else {
            montgomery::square_portable(&y)
        };
        assert_eq!(x, y, "step {step}");
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    for a in &elems {
        assert_eq!(
            cognito_wasm::core::srp::simd::square(a),
            montgomery::square_portable(a)
        );
        for b in &elems[4..8] {
            assert_eq!(
                cognito_wasm::core::srp::simd::mul(a, b),
                montgomery::mul_portable(a, b)
            );
        }
    }
}

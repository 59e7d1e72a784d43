//! Known answers for PKCE (RFC 7636 appendix B) and Cognito-shaped JWT decoding, run natively
//! and compiled to wasm in headless Chromium, so the browser build is shown to compute the same.

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use cognito_wasm::core::encoding::base64url_encode;
use cognito_wasm::core::jwt::{self, TokenUse};
use cognito_wasm::core::pkce::{CodeChallenge, CodeVerifier};

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn rfc7636_appendix_b() {
    let octets: [u8; 32] = [
        116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37,
        77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
    ];
    let verifier = base64url_encode(&octets);
    assert_eq!(verifier, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
    let v = CodeVerifier::from_string(verifier).unwrap();
    assert_eq!(CodeChallenge::s256(&v).as_str(), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    let fresh = CodeVerifier::new().unwrap();
    assert_eq!(fresh.as_str().len(), 43);
    assert!(CodeVerifier::from_string("short".into()).is_err());
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn cognito_id_token_claims() {
    let iss = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC";
    let header = base64url_encode(br#"{"kid":"k1","alg":"RS256"}"#);
    let payload = base64url_encode(
        concat!(
            r#"{"sub":"0f1e","aud":"client1","email_verified":true,"token_use":"id","#,
            r#""iss":"https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC","#,
            r#""cognito:username":"al\u00efce","cognito:groups":["admins","users"],"#,
            r#""custom:tier":"gold","email":"a@example.com","name":"Al","exp":2000000000,"iat":1999996400}"#
        )
        .as_bytes(),
    );
    let token = [header.as_str(), payload.as_str(), "c2ln"].join(".");
    let jwt = jwt::decode(&token).unwrap();
    assert_eq!(jwt.header().kid.as_deref(), Some("k1"));
    assert_eq!(jwt.signature(), b"sig");
    let claims = jwt.cognito_claims().unwrap();
    claims.check_claims(iss, "client1", TokenUse::Id, 1_999_999_000_000, 0).unwrap();
    let e = claims.check_claims(iss, "other", TokenUse::Id, 1_999_999_000_000, 0).unwrap_err();
    assert_eq!(e.name(), "TokenVerificationFailed");
    assert!(claims.check_claims(iss, "client1", TokenUse::Id, 2_000_000_001_000, 0).is_err());
    let user = claims.display_user();
    assert_eq!(user.username, "alïce");
    assert_eq!(user.groups, vec!["admins".to_string(), "users".to_string()]);
    assert_eq!(user.email_verified, Some(true));
    assert_eq!(user.custom, vec![("tier".to_string(), "gold".to_string())]);
    for bad in ["", "a.b", "a.b.c.d", "!!.e30.c2ln", &[header.as_str(), "bm90IGpzb24", "c2ln"].join(".")] {
        assert_eq!(jwt::decode(bad).map(|_| ()).unwrap_err().name(), "InvalidToken");
    }
}

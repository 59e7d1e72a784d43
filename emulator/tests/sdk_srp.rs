//! Cross-check: the SDK's own SRP client (`cognito_wasm::core::srp`) signs in against the
//! emulator's server side over HTTP — ASCII and Unicode user names, and challenges picked so that
//! odd-length SALT and SRP_B hex and a B with its top bit set (padHex's `00` rule) all occur —
//! and a wrong password is refused.

mod common;
use cognito_wasm::core::srp::SrpClient;
use cognito_wasm::core::time::UtcDateTime;
use common::*;
use serde_json::{json, Value};

/// InitiateAuth until `want(ChallengeParameters)` holds (at most `tries` times), then answers
/// that challenge with the SDK's client.
fn sdk_sign_in_where(
    emu: &Emulator,
    username: &str,
    password: &str,
    tries: usize,
    want: impl Fn(&Value) -> bool,
) -> Option<(u16, Value)> {
    let client = SrpClient::new().expect("SrpClient::new");
    for _ in 0..tries {
        let ch = emu.ok(
            "InitiateAuth",
            json!({ "ClientId": SPA, "AuthFlow": "USER_SRP_AUTH", "AuthParameters": { "USERNAME": username, "SRP_A": client.srp_a_hex() } }),
        );
        let p = &ch["ChallengeParameters"];
        if !want(p) {
            continue;
        }
        let s = |k: &str| p[k].as_str().unwrap().to_string();
        let now_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64;
        let timestamp = UtcDateTime::from_unix_ms(now_ms).cognito_timestamp();
        let claim = client
            .password_claim(
                "TestPool1",
                &s("USER_ID_FOR_SRP"),
                password,
                &s("SALT"),
                &s("SRP_B"),
                &s("SECRET_BLOCK"),
                &timestamp,
            )
            .expect("password_claim");
        return Some(emu.api(
            "RespondToAuthChallenge",
            json!({ "ClientId": SPA, "ChallengeName": "PASSWORD_VERIFIER", "Session": ch["Session"],
                    "ChallengeResponses": { "USERNAME": s("USER_ID_FOR_SRP"), "PASSWORD_CLAIM_SECRET_BLOCK": s("SECRET_BLOCK"),
                                            "PASSWORD_CLAIM_SIGNATURE": claim.signature_b64, "TIMESTAMP": claim.timestamp } }),
        ));
    }
    None
}

fn hex_len_odd(p: &Value, k: &str) -> bool {
    p[k].as_str().unwrap().len() % 2 == 1
}

#[test]
fn sdk_srp_client_signs_in_against_the_emulator() {
    let emu = Emulator::start();
    let (s, v) = sdk_sign_in_where(&emu, "alice", "Passw0rd!", 1, |_| true).unwrap();
    assert_eq!(s, 200, "{v}");
    assert!(v["AuthenticationResult"]["AccessToken"].is_string());

    // B with its top bit set (even length, first digit >= 8) and B of odd length.
    let top_bit =
        |p: &Value| !hex_len_odd(p, "SRP_B") && p["SRP_B"].as_str().unwrap().as_bytes()[0] >= b'8';
    let (s, v) = sdk_sign_in_where(&emu, "alice", "Passw0rd!", 100, top_bit)
        .expect("a B with the top bit set");
    assert_eq!(s, 200, "{v}");
    let (s, v) = sdk_sign_in_where(&emu, "alice", "Passw0rd!", 400, |p| hex_len_odd(p, "SRP_B"))
        .expect("an odd-length B");
    assert_eq!(s, 200, "{v}");

    // A salt of odd hex length: new users until one has it.
    let mut done = false;
    for i in 0..200 {
        let name = format!("oddsalt{i}");
        emu.admin_post(
            "/__admin/users",
            json!({ "username": name, "password": "Passw0rd!" }),
        );
        if let Some((s, v)) =
            sdk_sign_in_where(&emu, &name, "Passw0rd!", 1, |p| hex_len_odd(p, "SALT"))
        {
            assert_eq!(s, 200, "{v}");
            done = true;
            break;
        }
    }
    assert!(done, "an odd-length salt occurred");

    // Unicode user name and password.
    emu.admin_post(
        "/__admin/users",
        json!({ "username": "Ünïcødé-用户", "password": "Pässwörd-1!" }),
    );
    let (s, v) = sdk_sign_in_where(&emu, "Ünïcødé-用户", "Pässwörd-1!", 1, |_| true).unwrap();
    assert_eq!(s, 200, "{v}");

    let (s, v) = sdk_sign_in_where(&emu, "alice", "Passw0rd?", 1, |_| true).unwrap();
    assert_eq!(
        (s, v["message"].as_str().unwrap()),
        (400, "Incorrect username or password.")
    );
}

//! The user-pool JSON API against the real emulator process: each operation's success and the
//! ways Cognito says no.

mod common;
use common::*;
use serde_json::{json, Value};

fn skew(emu: &Emulator, secs: i64) {
    emu.admin_post("/__admin/clock", json!({ "skew_seconds": secs }));
}

#[test]
fn srp_sign_in_issues_cognito_shaped_tokens() {
    let emu = Emulator::start();
    let (s, v) = emu.srp_sign_in(SPA, POOL, "alice", "Passw0rd!");
    assert_eq!(s, 200, "{v}");
    let r = &v["AuthenticationResult"];
    assert_eq!(r["TokenType"], "Bearer");
    assert_eq!(r["ExpiresIn"], 3600);
    assert!(r["RefreshToken"].as_str().unwrap().len() > 40);
    let id = claims(r["IdToken"].as_str().unwrap());
    let access = claims(r["AccessToken"].as_str().unwrap());
    let iss = format!("https://cognito-idp.us-east-1.amazonaws.com/{POOL}");
    assert_eq!(id["iss"], iss.as_str());
    assert_eq!(access["iss"], iss.as_str());
    assert_eq!(id["token_use"], "id");
    assert_eq!(id["aud"], SPA);
    assert_eq!(id["cognito:username"], "alice");
    assert_eq!(id["email"], "alice@example.com");
    assert_eq!(id["email_verified"], true);
    assert_eq!(id["name"], "Alice Example");
    assert_eq!(id["custom:plan"], "pro");
    assert_eq!(id["cognito:groups"], json!(["admins", "photographers"]));
    assert_eq!(access["token_use"], "access");
    assert_eq!(access["client_id"], SPA);
    assert_eq!(access["username"], "alice");
    assert_eq!(access["scope"], "aws.cognito.signin.user.admin");
    assert_eq!(access["sub"], id["sub"]);
    assert_eq!(access["origin_jti"], id["origin_jti"]);
    assert_ne!(access["jti"], id["jti"]);
    assert_eq!(
        id["exp"].as_i64().unwrap() - id["iat"].as_i64().unwrap(),
        3600
    );
    assert!(id["auth_time"].is_i64() && id["event_id"].is_string());
    // The header's kid is published in the pool's JWKS.
    let header: Value = serde_json::from_slice(
        &emulator::crypto::b64url_decode(r["IdToken"].as_str().unwrap().split('.').next().unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(header["alg"], "RS256");
    let jwks = emu.admin_get(&format!("/{POOL}/.well-known/jwks.json"));
    assert_eq!(jwks["keys"][0]["kid"], header["kid"]);
    assert_eq!(jwks["keys"][0]["kty"], "RSA");
    // The access token works for GetUser.
    let user = emu.ok("GetUser", json!({ "AccessToken": r["AccessToken"] }));
    assert_eq!(user["Username"], "alice");
    let attrs = user["UserAttributes"].as_array().unwrap();
    assert!(attrs
        .iter()
        .any(|a| a["Name"] == "sub" && a["Value"] == id["sub"]));
    assert!(attrs
        .iter()
        .any(|a| a["Name"] == "custom:plan" && a["Value"] == "pro"));
}

#[test]
fn srp_sign_in_by_email_alias_and_without_session() {
    let emu = Emulator::start();
    let (s, v) = emu.srp_sign_in(SPA, POOL, "alice@example.com", "Passw0rd!");
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        claims(v["AuthenticationResult"]["IdToken"].as_str().unwrap())["cognito:username"],
        "alice"
    );
    // Clients that do not send the Session are matched by SECRET_BLOCK.
    let (s, v) = emu.srp_sign_in_with(SPA, POOL, "alice", "Passw0rd!", None, |mut b| {
        b.as_object_mut().unwrap().remove("Session");
        b
    });
    assert_eq!(s, 200, "{v}");
}

#[test]
fn srp_refuses_wrong_password_forged_signature_and_bad_timestamps() {
    let emu = Emulator::start();
    let (s, v) = emu.srp_sign_in(SPA, POOL, "alice", "Wrong-passw0rd");
    assert_eq!(
        (s, &v["__type"], &v["message"]),
        (
            400,
            &json!("NotAuthorizedException"),
            &json!("Incorrect username or password.")
        )
    );

    let forged = |mut b: Value| {
        b["ChallengeResponses"]["PASSWORD_CLAIM_SIGNATURE"] =
            json!(emulator::crypto::b64(&[7u8; 32]));
        b
    };
    let (s, v) = emu.srp_sign_in_with(SPA, POOL, "alice", "Passw0rd!", None, forged);
    assert_eq!(
        (s, v["__type"].as_str().unwrap()),
        (400, "NotAuthorizedException")
    );

    // A signature made for a different SECRET_BLOCK does not pass either.
    let other_block = |mut b: Value| {
        b["ChallengeResponses"]["PASSWORD_CLAIM_SECRET_BLOCK"] =
            json!(emulator::crypto::b64(&[1u8; 96]));
        b
    };
    let (s, v) = emu.srp_sign_in_with(SPA, POOL, "alice", "Passw0rd!", None, other_block);
    assert_eq!(
        (s, v["__type"].as_str().unwrap()),
        (400, "NotAuthorizedException")
    );

    // Stale TIMESTAMP: the signature is recomputed over it so only the time is wrong.
    let stale_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
        - 10 * 60 * 1000;
    let (s, v) = stale_sign_in(&emu, stale_ms);
    assert_eq!(
        (s, v["message"].as_str().unwrap()),
        (400, "Incorrect username or password."),
        "{v}"
    );
    // The same request is accepted when the emulator's clock agrees with the stale time.
    skew(&emu, -600);
    let (s, v) = stale_sign_in(&emu, stale_ms);
    assert_eq!(s, 200, "{v}");
    skew(&emu, 0);

    // Malformed TIMESTAMP (zero-padded day, as some ports wrongly send).
    let (s, v) = emu.srp_sign_in_with(SPA, POOL, "alice", "Passw0rd!", None, |mut b| {
        b["ChallengeResponses"]["TIMESTAMP"] = json!("Wed Jan 01 00:00:00 UTC 2020");
        b
    });
    assert_eq!(
        (s, v["__type"].as_str().unwrap()),
        (400, "NotAuthorizedException")
    );
}

/// SRP sign-in whose TIMESTAMP (and signature) is for `ts_ms`.
fn stale_sign_in(emu: &Emulator, ts_ms: i64) -> (u16, Value) {
    let srp = RefSrp::new();
    let ch = emu.ok(
        "InitiateAuth",
        json!({ "ClientId": SPA, "AuthFlow": "USER_SRP_AUTH", "AuthParameters": { "USERNAME": "alice", "SRP_A": srp.a_hex() } }),
    );
    let p = &ch["ChallengeParameters"];
    let ts = emulator::clock::cognito_timestamp(ts_ms);
    let sig = srp.signature(
        "TestPool1",
        "alice",
        "Passw0rd!",
        p["SALT"].as_str().unwrap(),
        p["SRP_B"].as_str().unwrap(),
        p["SECRET_BLOCK"].as_str().unwrap(),
        &ts,
    );
    emu.api(
        "RespondToAuthChallenge",
        json!({ "ClientId": SPA, "ChallengeName": "PASSWORD_VERIFIER", "Session": ch["Session"],
                "ChallengeResponses": { "USERNAME": "alice", "PASSWORD_CLAIM_SECRET_BLOCK": p["SECRET_BLOCK"],
                                        "PASSWORD_CLAIM_SIGNATURE": sig, "TIMESTAMP": ts } }),
    )
}

#[test]
fn sessions_are_single_use() {
    let emu = Emulator::start();
    let mut saved = Value::Null;
    let (s, _) = emu.srp_sign_in_with(SPA, POOL, "alice", "Passw0rd!", None, |b| {
        saved = b.clone();
        b
    });
    assert_eq!(s, 200);
    let msg = emu.fails("RespondToAuthChallenge", saved, "NotAuthorizedException");
    assert_eq!(
        msg,
        "Invalid session for the user, session can only be used once."
    );
    let msg = emu.fails(
        "RespondToAuthChallenge",
        json!({ "ClientId": SPA, "ChallengeName": "SOFTWARE_TOKEN_MFA", "Session": "made-up",
                "ChallengeResponses": { "USERNAME": "alice", "SOFTWARE_TOKEN_MFA_CODE": "123456" } }),
        "NotAuthorizedException",
    );
    assert!(msg.starts_with("Invalid session"));
}

#[test]
fn unknown_users_unconfirmed_reset_required_and_disabled_flows() {
    let emu = Emulator::start();
    // Existence errors prevented (SPA client): SRP gets a decoy challenge, then the usual refusal.
    let (s, v) = emu.srp_sign_in(SPA, POOL, "nobody", "Passw0rd!");
    assert_eq!(
        (s, v["message"].as_str().unwrap()),
        (400, "Incorrect username or password.")
    );
    let (s, v) = emu.password_auth(SPA, "nobody", "Passw0rd!");
    assert_eq!(
        (s, v["__type"].as_str().unwrap()),
        (400, "NotAuthorizedException")
    );
    // Not prevented (client with secret): UserNotFoundException.
    let hash = emulator::crypto::secret_hash(SECRET, "nobody", SECRET_CLIENT);
    emu.fails(
        "InitiateAuth",
        json!({ "ClientId": SECRET_CLIENT, "AuthFlow": "USER_PASSWORD_AUTH",
                "AuthParameters": { "USERNAME": "nobody", "PASSWORD": "Passw0rd!", "SECRET_HASH": hash } }),
        "UserNotFoundException",
    );
    // Unconfirmed: after a correct password only.
    let (s, v) = emu.srp_sign_in(SPA, POOL, "unconfirmed", "Passw0rd!");
    assert_eq!(
        (s, v["__type"].as_str().unwrap()),
        (400, "UserNotConfirmedException"),
        "{v}"
    );
    let (_, v) = emu.password_auth(SPA, "unconfirmed", "Passw0rd!");
    assert_eq!(v["__type"], "UserNotConfirmedException");
    let (_, v) = emu.password_auth(SPA, "unconfirmed", "wrong");
    assert_eq!(v["__type"], "NotAuthorizedException");
    // RESET_REQUIRED.
    let (_, v) = emu.password_auth(SPA, "resetme", "Passw0rd!");
    assert_eq!(v["__type"], "PasswordResetRequiredException");
    emu.fails(
        "InitiateAuth",
        json!({ "ClientId": SPA, "AuthFlow": "USER_SRP_AUTH", "AuthParameters": { "USERNAME": "resetme", "SRP_A": RefSrp::new().a_hex() } }),
        "PasswordResetRequiredException",
    );
    // Disabled.
    let u = emu.new_user("disabled", json!({ "enabled": false }));
    let (_, v) = emu.password_auth(SPA, &u, "Passw0rd!");
    assert_eq!(
        (
            v["__type"].as_str().unwrap(),
            v["message"].as_str().unwrap()
        ),
        ("NotAuthorizedException", "User is disabled.")
    );
}

#[test]
fn secret_hash_is_required_iff_the_client_has_a_secret() {
    let emu = Emulator::start();
    let msg = emu.fails(
        "InitiateAuth",
        json!({ "ClientId": SECRET_CLIENT, "AuthFlow": "USER_SRP_AUTH",
                "AuthParameters": { "USERNAME": "alice", "SRP_A": RefSrp::new().a_hex() } }),
        "NotAuthorizedException",
    );
    assert!(msg.contains("secret"), "{msg}");
    let msg = emu.fails(
        "InitiateAuth",
        json!({ "ClientId": SECRET_CLIENT, "AuthFlow": "USER_PASSWORD_AUTH",
                "AuthParameters": { "USERNAME": "alice", "PASSWORD": "Passw0rd!", "SECRET_HASH": "AAAA" } }),
        "NotAuthorizedException",
    );
    assert_eq!(
        msg,
        format!("Unable to verify secret hash for client {SECRET_CLIENT}")
    );
    // SignUp too.
    emu.fails(
        "SignUp",
        json!({ "ClientId": SECRET_CLIENT, "Username": "someone", "Password": "Passw0rd!" }),
        "NotAuthorizedException",
    );
    // With the right hash, SRP goes through (RespondToAuthChallenge checks it as well).
    let (s, v) = emu.srp_sign_in_with(
        SECRET_CLIENT,
        POOL,
        "alice",
        "Passw0rd!",
        Some(SECRET),
        |b| b,
    );
    assert_eq!(s, 200, "{v}");
    let (s, v) = emu.srp_sign_in_with(
        SECRET_CLIENT,
        POOL,
        "alice",
        "Passw0rd!",
        Some(SECRET),
        |mut b| {
            b["ChallengeResponses"]
                .as_object_mut()
                .unwrap()
                .remove("SECRET_HASH");
            b
        },
    );
    assert_eq!(
        (s, v["__type"].as_str().unwrap()),
        (400, "NotAuthorizedException")
    );
    // The SPA client has no secret: no hash needed.
    assert_eq!(emu.password_auth(SPA, "alice", "Passw0rd!").0, 200);
}

#[test]
fn disallowed_flows_unknown_clients_and_operations() {
    let emu = Emulator::start();
    let msg = emu.fails(
        "InitiateAuth",
        json!({ "ClientId": ROTATING, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": { "USERNAME": "alice", "PASSWORD": "Passw0rd!" } }),
        "InvalidParameterException",
    );
    assert_eq!(msg, "USER_PASSWORD_AUTH flow not enabled for this client");
    emu.fails(
        "InitiateAuth",
        json!({ "ClientId": SPA, "AuthFlow": "MAGIC", "AuthParameters": {} }),
        "InvalidParameterException",
    );
    emu.fails(
        "InitiateAuth",
        json!({ "ClientId": SPA, "AuthFlow": "USER_SRP_AUTH", "AuthParameters": { "USERNAME": "alice" } }),
        "InvalidParameterException",
    );
    emu.fails(
        "InitiateAuth",
        json!({ "ClientId": "nope", "AuthFlow": "USER_SRP_AUTH" }),
        "ResourceNotFoundException",
    );
    emu.fails("AdminDeleteUser", json!({}), "UnknownOperationException");
    // Error responses look like Cognito's.
    let r = emu.request(
        "POST",
        "/",
        &[
            ("x-amz-target", "AWSCognitoIdentityProviderService.GetUser"),
            ("content-type", "application/x-amz-json-1.1"),
        ],
        br#"{"AccessToken":"garbage"}"#,
    );
    assert_eq!(r.status, 400);
    assert_eq!(
        r.header("x-amzn-errortype"),
        Some("NotAuthorizedException:")
    );
    assert_eq!(
        r.json(),
        json!({ "__type": "NotAuthorizedException", "message": "Invalid Access Token" })
    );
    let r = emu.request(
        "POST",
        "/",
        &[("x-amz-target", "AWSCognitoIdentityProviderService.GetUser")],
        b"{not json",
    );
    assert_eq!(r.json()["__type"], "SerializationException");
}

#[test]
fn new_password_required_challenge() {
    let emu = Emulator::start();
    let (s, v) = emu.srp_sign_in(SPA, POOL, "newbie", "TempPassw0rd!");
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["ChallengeName"], "NEW_PASSWORD_REQUIRED");
    let attrs: Value =
        serde_json::from_str(v["ChallengeParameters"]["userAttributes"].as_str().unwrap()).unwrap();
    assert_eq!(attrs["email"], "newbie@example.com");
    let session = v["Session"].clone();
    let answer = |password: &str, session: &Value| {
        emu.api(
            "RespondToAuthChallenge",
            json!({ "ClientId": SPA, "ChallengeName": "NEW_PASSWORD_REQUIRED", "Session": session,
                    "ChallengeResponses": { "USERNAME": "newbie", "NEW_PASSWORD": password, "userAttributes.name": "New Name" } }),
        )
    };
    let (s, v) = answer("short", &session);
    assert_eq!(
        (s, v["__type"].as_str().unwrap()),
        (400, "InvalidPasswordException")
    );
    assert_eq!(
        v["message"],
        "Password did not conform with policy: Password not long enough"
    );
    let (_, v) = answer("nouppercase1!", &session);
    assert_eq!(
        v["message"],
        "Password did not conform with policy: Password must have uppercase characters"
    );
    let (s, v) = answer("Brand-new-passw0rd", &session);
    assert_eq!(s, 200, "{v}");
    let id = claims(v["AuthenticationResult"]["IdToken"].as_str().unwrap());
    assert_eq!(id["name"], "New Name");
    assert_eq!(
        emu.password_auth(SPA, "newbie", "TempPassw0rd!").1["__type"],
        "NotAuthorizedException"
    );
    assert_eq!(
        emu.password_auth(SPA, "newbie", "Brand-new-passw0rd").0,
        200
    );
}

#[test]
fn challenge_sessions_expire() {
    let emu = Emulator::start();
    let (_, v) = emu.password_auth(SPA, "newbie", "TempPassw0rd!");
    assert_eq!(v["ChallengeName"], "NEW_PASSWORD_REQUIRED");
    skew(&emu, 181);
    let msg = emu.fails(
        "RespondToAuthChallenge",
        json!({ "ClientId": SPA, "ChallengeName": "NEW_PASSWORD_REQUIRED", "Session": v["Session"],
                "ChallengeResponses": { "USERNAME": "newbie", "NEW_PASSWORD": "Brand-new-passw0rd" } }),
        "NotAuthorizedException",
    );
    assert_eq!(msg, "Invalid session for the user, session is expired.");
}

#[test]
fn totp_mfa_challenge() {
    let emu = Emulator::start();
    let (s, v) = emu.srp_sign_in(SPA, POOL, "totpuser", "Passw0rd!");
    assert_eq!(s, 200);
    assert_eq!(v["ChallengeName"], "SOFTWARE_TOKEN_MFA");
    let respond = |code: &str, session: &Value| {
        emu.api(
            "RespondToAuthChallenge",
            json!({ "ClientId": SPA, "ChallengeName": "SOFTWARE_TOKEN_MFA", "Session": session,
                    "ChallengeResponses": { "USERNAME": "totpuser", "SOFTWARE_TOKEN_MFA_CODE": code } }),
        )
    };
    let good = emu.totp("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP");
    let wrong = format!(
        "{:06}",
        (good.parse::<u32>().unwrap() + 500_000) % 1_000_000
    );
    let (s, e) = respond(&wrong, &v["Session"]);
    assert_eq!(
        (s, e["__type"].as_str().unwrap()),
        (400, "CodeMismatchException")
    );
    // The session survives a wrong code.
    let (s, ok) = respond(&good, &v["Session"]);
    assert_eq!(s, 200, "{ok}");
    assert!(ok["AuthenticationResult"]["IdToken"].is_string());
}

#[test]
fn select_mfa_type_then_sms() {
    let emu = Emulator::start();
    let (_, v) = emu.password_auth(SPA, "twomfa", "Passw0rd!");
    assert_eq!(v["ChallengeName"], "SELECT_MFA_TYPE");
    let can: Vec<String> = serde_json::from_str(
        v["ChallengeParameters"]["MFAS_CAN_CHOOSE"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(can, ["SMS_MFA", "SOFTWARE_TOKEN_MFA"]);
    let v = emu.ok(
        "RespondToAuthChallenge",
        json!({ "ClientId": SPA, "ChallengeName": "SELECT_MFA_TYPE", "Session": v["Session"],
                "ChallengeResponses": { "USERNAME": "twomfa", "ANSWER": "SMS_MFA" } }),
    );
    assert_eq!(v["ChallengeName"], "SMS_MFA");
    assert_eq!(
        v["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"],
        "+*******1234"
    );
    let code = emu.last_code("twomfa", POOL);
    let v = emu.ok(
        "RespondToAuthChallenge",
        json!({ "ClientId": SPA, "ChallengeName": "SMS_MFA", "Session": v["Session"],
                "ChallengeResponses": { "USERNAME": "twomfa", "SMS_MFA_CODE": code } }),
    );
    assert!(v["AuthenticationResult"]["AccessToken"].is_string());
}

#[test]
fn mfa_setup_at_sign_in_when_the_pool_requires_mfa() {
    let emu = Emulator::start();
    let (s, v) = emu.srp_sign_in(MFA_CLIENT, MFA_POOL, "setup", "Passw0rd!");
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["ChallengeName"], "MFA_SETUP");
    // Answering before set-up is refused.
    let (s, _) = emu.api(
        "RespondToAuthChallenge",
        json!({ "ClientId": MFA_CLIENT, "ChallengeName": "MFA_SETUP", "Session": v["Session"], "ChallengeResponses": { "USERNAME": "setup" } }),
    );
    assert_eq!(s, 400);
    let assoc = emu.ok("AssociateSoftwareToken", json!({ "Session": v["Session"] }));
    let secret = assoc["SecretCode"].as_str().unwrap();
    assert_eq!(secret.len(), 32);
    let bad = emu.api(
        "VerifySoftwareToken",
        json!({ "Session": assoc["Session"], "UserCode": "000000" }),
    );
    if emu.totp(secret) != "000000" {
        assert_eq!(bad.1["__type"], "EnableSoftwareTokenMFAException");
    }
    let verified = emu.ok(
        "VerifySoftwareToken",
        json!({ "Session": assoc["Session"], "UserCode": emu.totp(secret) }),
    );
    assert_eq!(verified["Status"], "SUCCESS");
    let done = emu.ok(
        "RespondToAuthChallenge",
        json!({ "ClientId": MFA_CLIENT, "ChallengeName": "MFA_SETUP", "Session": verified["Session"],
                "ChallengeResponses": { "USERNAME": "setup" } }),
    );
    assert!(done["AuthenticationResult"]["AccessToken"].is_string());
    // From now on the user is asked for a code.
    let (_, v) = emu.password_auth(MFA_CLIENT, "setup", "Passw0rd!");
    assert_eq!(v["ChallengeName"], "SOFTWARE_TOKEN_MFA");
}

#[test]
fn totp_set_up_with_an_access_token_and_mfa_preference() {
    let emu = Emulator::start();
    let u = emu.new_user("mfa", json!({}));
    let t = emu.tokens(&u);
    let access = t["AccessToken"].clone();
    emu.fails(
        "SetUserMFAPreference",
        json!({ "AccessToken": access, "SoftwareTokenMfaSettings": { "Enabled": true, "PreferredMfa": true } }),
        "InvalidParameterException",
    );
    let secret = emu.ok("AssociateSoftwareToken", json!({ "AccessToken": access }))["SecretCode"]
        .as_str()
        .unwrap()
        .to_string();
    let code = emu.totp(&secret);
    let wrong = format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000);
    emu.fails(
        "VerifySoftwareToken",
        json!({ "AccessToken": access, "UserCode": wrong }),
        "EnableSoftwareTokenMFAException",
    );
    assert_eq!(
        emu.ok(
            "VerifySoftwareToken",
            json!({ "AccessToken": access, "UserCode": code })
        )["Status"],
        "SUCCESS"
    );
    // Verified but not enabled yet (MFA optional): sign-in still goes straight through.
    assert!(emu.password_auth(SPA, &u, "Passw0rd!").1["AuthenticationResult"].is_object());
    emu.ok("SetUserMFAPreference", json!({ "AccessToken": access, "SoftwareTokenMfaSettings": { "Enabled": true, "PreferredMfa": true } }));
    let user = emu.ok("GetUser", json!({ "AccessToken": access }));
    assert_eq!(user["PreferredMfaSetting"], "SOFTWARE_TOKEN_MFA");
    assert_eq!(user["UserMFASettingList"], json!(["SOFTWARE_TOKEN_MFA"]));
    assert_eq!(
        emu.password_auth(SPA, &u, "Passw0rd!").1["ChallengeName"],
        "SOFTWARE_TOKEN_MFA"
    );
}

#[test]
fn sign_up_confirm_and_resend() {
    let emu = Emulator::start();
    emu.fails(
        "SignUp",
        json!({ "ClientId": SPA, "Username": "alice", "Password": "Passw0rd!" }),
        "UsernameExistsException",
    );
    let msg = emu.fails(
        "SignUp",
        json!({ "ClientId": SPA, "Username": "carol", "Password": "password1!" }),
        "InvalidPasswordException",
    );
    assert_eq!(
        msg,
        "Password did not conform with policy: Password must have uppercase characters"
    );
    let v = emu.ok(
        "SignUp",
        json!({ "ClientId": SPA, "Username": "carol", "Password": "Passw0rd!",
                "UserAttributes": [{ "Name": "email", "Value": "carol@example.com" }, { "Name": "name", "Value": "Carol" }] }),
    );
    assert_eq!(v["UserConfirmed"], false);
    assert_eq!(
        v["CodeDeliveryDetails"],
        json!({ "Destination": "c***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email" })
    );
    assert_eq!(v["UserSub"].as_str().unwrap().len(), 36);
    assert_eq!(
        emu.password_auth(SPA, "carol", "Passw0rd!").1["__type"],
        "UserNotConfirmedException"
    );
    let code = emu.last_code("carol", POOL);
    let wrong = format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000);
    let msg = emu.fails(
        "ConfirmSignUp",
        json!({ "ClientId": SPA, "Username": "carol", "ConfirmationCode": wrong }),
        "CodeMismatchException",
    );
    assert_eq!(msg, "Invalid verification code provided, please try again.");
    // Expired: an hour later the right code is refused.
    skew(&emu, 3601);
    emu.fails(
        "ConfirmSignUp",
        json!({ "ClientId": SPA, "Username": "carol", "ConfirmationCode": code }),
        "ExpiredCodeException",
    );
    skew(&emu, 0);
    let v = emu.ok(
        "ResendConfirmationCode",
        json!({ "ClientId": SPA, "Username": "carol" }),
    );
    assert_eq!(v["CodeDeliveryDetails"]["DeliveryMedium"], "EMAIL");
    let new_code = emu.last_code("carol", POOL);
    emu.ok(
        "ConfirmSignUp",
        json!({ "ClientId": SPA, "Username": "carol", "ConfirmationCode": new_code }),
    );
    let msg = emu.fails(
        "ConfirmSignUp",
        json!({ "ClientId": SPA, "Username": "carol", "ConfirmationCode": new_code }),
        "NotAuthorizedException",
    );
    assert_eq!(msg, "User cannot be confirmed. Current status is CONFIRMED");
    emu.fails(
        "ResendConfirmationCode",
        json!({ "ClientId": SPA, "Username": "carol" }),
        "InvalidParameterException",
    );
    let t = emu.tokens("carol");
    let id = claims(t["IdToken"].as_str().unwrap());
    assert_eq!(
        (id["email_verified"].clone(), id["name"].clone()),
        (json!(true), json!("Carol"))
    );
    assert_eq!(id["sub"], v_sub(&emu, "carol"));
}

fn v_sub(emu: &Emulator, username: &str) -> Value {
    let users = emu.admin_get(&format!("/__admin/users?pool={POOL}"));
    users["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == username)
        .unwrap()["sub"]
        .clone()
}

#[test]
fn forgot_and_confirm_forgot_password() {
    let emu = Emulator::start();
    let u = emu.new_user("forgot", json!({}));
    let v = emu.ok("ForgotPassword", json!({ "ClientId": SPA, "Username": u }));
    assert_eq!(v["CodeDeliveryDetails"]["AttributeName"], "email");
    let code = emu.last_code(&u, POOL);
    let wrong = format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000);
    emu.fails(
        "ConfirmForgotPassword",
        json!({ "ClientId": SPA, "Username": u, "ConfirmationCode": wrong, "Password": "N3w-passw0rd" }),
        "CodeMismatchException",
    );
    emu.fails(
        "ConfirmForgotPassword",
        json!({ "ClientId": SPA, "Username": u, "ConfirmationCode": code, "Password": "weak" }),
        "InvalidPasswordException",
    );
    emu.ok("ConfirmForgotPassword", json!({ "ClientId": SPA, "Username": u, "ConfirmationCode": code, "Password": "N3w-passw0rd" }));
    assert_eq!(
        emu.password_auth(SPA, &u, "Passw0rd!").1["__type"],
        "NotAuthorizedException"
    );
    assert_eq!(emu.srp_sign_in(SPA, POOL, &u, "N3w-passw0rd").0, 200);
    // RESET_REQUIRED users get back in the same way.
    emu.ok(
        "ForgotPassword",
        json!({ "ClientId": SPA, "Username": "resetme" }),
    );
    let code = emu.last_code("resetme", POOL);
    emu.ok("ConfirmForgotPassword", json!({ "ClientId": SPA, "Username": "resetme", "ConfirmationCode": code, "Password": "N3w-passw0rd" }));
    assert_eq!(emu.password_auth(SPA, "resetme", "N3w-passw0rd").0, 200);
    // Unknown users: a decoy answer when existence errors are prevented, else UserNotFoundException.
    assert!(emu.ok(
        "ForgotPassword",
        json!({ "ClientId": SPA, "Username": "ghost" })
    )["CodeDeliveryDetails"]
        .is_object());
    let hash = emulator::crypto::secret_hash(SECRET, "ghost", SECRET_CLIENT);
    emu.fails(
        "ForgotPassword",
        json!({ "ClientId": SECRET_CLIENT, "Username": "ghost", "SecretHash": hash }),
        "UserNotFoundException",
    );
    // No verified email: refused.
    emu.fails(
        "ForgotPassword",
        json!({ "ClientId": SPA, "Username": "unconfirmed" }),
        "InvalidParameterException",
    );
}

#[test]
fn change_password_get_user_and_attributes() {
    let emu = Emulator::start();
    let u = emu.new_user("change", json!({}));
    let t = emu.tokens(&u);
    let access = t["AccessToken"].clone();
    emu.fails(
        "ChangePassword",
        json!({ "AccessToken": access, "PreviousPassword": "Wrong-passw0rd", "ProposedPassword": "N3w-passw0rd" }),
        "NotAuthorizedException",
    );
    emu.fails(
        "ChangePassword",
        json!({ "AccessToken": access, "PreviousPassword": "Passw0rd!", "ProposedPassword": "weak" }),
        "InvalidPasswordException",
    );
    emu.ok("ChangePassword", json!({ "AccessToken": access, "PreviousPassword": "Passw0rd!", "ProposedPassword": "N3w-passw0rd" }));
    assert_eq!(emu.password_auth(SPA, &u, "N3w-passw0rd").0, 200);

    let v = emu.ok(
        "UpdateUserAttributes",
        json!({ "AccessToken": access, "UserAttributes": [{ "Name": "email", "Value": "changed@example.com" }, { "Name": "custom:plan", "Value": "pro" }] }),
    );
    assert_eq!(v["CodeDeliveryDetailsList"][0]["AttributeName"], "email");
    let user = emu.ok("GetUser", json!({ "AccessToken": access }));
    let attr = |n: &str| {
        user["UserAttributes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["Name"] == n)
            .map(|a| a["Value"].clone())
    };
    assert_eq!(attr("email"), Some(json!("changed@example.com")));
    assert_eq!(attr("email_verified"), Some(json!("false")));
    let code = emu.last_code(&u, POOL);
    emu.ok(
        "VerifyUserAttribute",
        json!({ "AccessToken": access, "AttributeName": "email", "Code": code }),
    );
    let user = emu.ok("GetUser", json!({ "AccessToken": access }));
    assert!(user["UserAttributes"]
        .as_array()
        .unwrap()
        .contains(&json!({ "Name": "email_verified", "Value": "true" })));

    // Id tokens are not access tokens; expired access tokens are refused.
    emu.fails(
        "GetUser",
        json!({ "AccessToken": t["IdToken"] }),
        "NotAuthorizedException",
    );
    skew(&emu, 3601);
    let msg = emu.fails(
        "GetUser",
        json!({ "AccessToken": access }),
        "NotAuthorizedException",
    );
    assert_eq!(msg, "Access Token has expired");
}

#[test]
fn refresh_revoke_and_global_sign_out() {
    let emu = Emulator::start();
    let u = emu.new_user("refresh", json!({}));
    let t = emu.tokens(&u);
    let refresh = t["RefreshToken"].clone();
    let v = emu.ok(
        "InitiateAuth",
        json!({ "ClientId": SPA, "AuthFlow": "REFRESH_TOKEN_AUTH", "AuthParameters": { "REFRESH_TOKEN": refresh } }),
    );
    let r = &v["AuthenticationResult"];
    assert!(
        r["RefreshToken"].is_null(),
        "no rotation: no new refresh token"
    );
    let (old, new) = (
        claims(t["AccessToken"].as_str().unwrap()),
        claims(r["AccessToken"].as_str().unwrap()),
    );
    assert_eq!(old["origin_jti"], new["origin_jti"]);
    assert_eq!(old["auth_time"], new["auth_time"]);
    assert_ne!(old["jti"], new["jti"]);
    // GetTokensFromRefreshToken works too without rotation (no new refresh token).
    let v = emu.ok(
        "GetTokensFromRefreshToken",
        json!({ "ClientId": SPA, "RefreshToken": refresh }),
    );
    assert!(v["AuthenticationResult"]["RefreshToken"].is_null());
    // Wrong client.
    emu.fails(
        "GetTokensFromRefreshToken",
        json!({ "ClientId": ROTATING, "RefreshToken": refresh }),
        "NotAuthorizedException",
    );
    // RevokeToken: the refresh token and the access tokens from it stop working.
    emu.fails(
        "RevokeToken",
        json!({ "ClientId": SPA, "Token": t["AccessToken"] }),
        "UnsupportedTokenTypeException",
    );
    emu.ok("RevokeToken", json!({ "ClientId": SPA, "Token": refresh }));
    let msg = emu.fails(
        "InitiateAuth",
        json!({ "ClientId": SPA, "AuthFlow": "REFRESH_TOKEN_AUTH", "AuthParameters": { "REFRESH_TOKEN": refresh } }),
        "NotAuthorizedException",
    );
    assert_eq!(msg, "Refresh Token has been revoked");
    let msg = emu.fails(
        "GetUser",
        json!({ "AccessToken": r["AccessToken"] }),
        "NotAuthorizedException",
    );
    assert_eq!(msg, "Access Token has been revoked");
    emu.fails(
        "InitiateAuth",
        json!({ "ClientId": SPA, "AuthFlow": "REFRESH_TOKEN_AUTH", "AuthParameters": { "REFRESH_TOKEN": "made-up" } }),
        "NotAuthorizedException",
    );

    // GlobalSignOut: every session of the user ends.
    let a = emu.tokens(&u);
    let b = emu.tokens(&u);
    emu.ok("GlobalSignOut", json!({ "AccessToken": a["AccessToken"] }));
    for t in [&a, &b] {
        emu.fails(
            "GetUser",
            json!({ "AccessToken": t["AccessToken"] }),
            "NotAuthorizedException",
        );
        emu.fails(
            "GetTokensFromRefreshToken",
            json!({ "ClientId": SPA, "RefreshToken": t["RefreshToken"] }),
            "NotAuthorizedException",
        );
    }
    // Other users are not affected; a new sign-in works.
    let c = emu.tokens(&u);
    emu.ok("GetUser", json!({ "AccessToken": c["AccessToken"] }));
    let alice = emu.tokens("alice");
    emu.ok("GetUser", json!({ "AccessToken": alice["AccessToken"] }));
}

#[test]
fn refresh_token_rotation_with_grace_period() {
    let emu = Emulator::start();
    let (s, v) = emu.srp_sign_in(ROTATING, POOL, "alice", "Passw0rd!");
    assert_eq!(s, 200, "{v}");
    let first = v["AuthenticationResult"]["RefreshToken"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(v["AuthenticationResult"]["ExpiresIn"], 300);
    // REFRESH_TOKEN_AUTH is refused on a rotating client.
    emu.fails(
        "InitiateAuth",
        json!({ "ClientId": ROTATING, "AuthFlow": "REFRESH_TOKEN_AUTH", "AuthParameters": { "REFRESH_TOKEN": first } }),
        "InvalidParameterException",
    );
    let v = emu.ok(
        "GetTokensFromRefreshToken",
        json!({ "ClientId": ROTATING, "RefreshToken": first }),
    );
    let second = v["AuthenticationResult"]["RefreshToken"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(first, second);
    // Within the 2 s grace period the old token still works (a client retry).
    emu.ok(
        "GetTokensFromRefreshToken",
        json!({ "ClientId": ROTATING, "RefreshToken": first }),
    );
    skew(&emu, 3);
    let msg = emu.fails(
        "GetTokensFromRefreshToken",
        json!({ "ClientId": ROTATING, "RefreshToken": first }),
        "NotAuthorizedException",
    );
    assert_eq!(msg, "Invalid Refresh Token");
    let v = emu.ok(
        "GetTokensFromRefreshToken",
        json!({ "ClientId": ROTATING, "RefreshToken": second }),
    );
    assert!(v["AuthenticationResult"]["RefreshToken"].is_string());
}

#[test]
fn get_tokens_from_refresh_token_checks_the_client_secret() {
    let emu = Emulator::start();
    let hash = emulator::crypto::secret_hash(SECRET, "alice", SECRET_CLIENT);
    let v = emu.ok(
        "InitiateAuth",
        json!({ "ClientId": SECRET_CLIENT, "AuthFlow": "USER_PASSWORD_AUTH",
                "AuthParameters": { "USERNAME": "alice", "PASSWORD": "Passw0rd!", "SECRET_HASH": hash } }),
    );
    let refresh = v["AuthenticationResult"]["RefreshToken"].clone();
    emu.fails(
        "GetTokensFromRefreshToken",
        json!({ "ClientId": SECRET_CLIENT, "RefreshToken": refresh }),
        "NotAuthorizedException",
    );
    emu.fails(
        "GetTokensFromRefreshToken",
        json!({ "ClientId": SECRET_CLIENT, "RefreshToken": refresh, "ClientSecret": "wrong" }),
        "NotAuthorizedException",
    );
    emu.ok(
        "GetTokensFromRefreshToken",
        json!({ "ClientId": SECRET_CLIENT, "RefreshToken": refresh, "ClientSecret": SECRET }),
    );
    // REFRESH_TOKEN_AUTH with a secret: SECRET_HASH over the username (or the sub).
    emu.fails(
        "InitiateAuth",
        json!({ "ClientId": SECRET_CLIENT, "AuthFlow": "REFRESH_TOKEN_AUTH", "AuthParameters": { "REFRESH_TOKEN": refresh } }),
        "NotAuthorizedException",
    );
    emu.ok(
        "InitiateAuth",
        json!({ "ClientId": SECRET_CLIENT, "AuthFlow": "REFRESH_TOKEN_AUTH", "AuthParameters": { "REFRESH_TOKEN": refresh, "SECRET_HASH": hash } }),
    );
}

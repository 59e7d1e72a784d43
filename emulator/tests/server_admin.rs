//! The server around the services: CORS (preflight and headers on errors), fault injection,
//! counters, clock skew, the admin API, HTTP/1.1 details, persistence and process lifetime.

mod common;
use common::*;
use serde_json::json;
use std::io::{Read, Write};

#[test]
fn cors_preflight_and_headers_on_every_answer() {
    // The per-family details (what is exposed where, `Date`) are in tests/cors_date.rs.
    let emu = Emulator::start();
    let r = emu.request(
        "OPTIONS",
        "/",
        &[
            ("origin", "http://localhost:8000"),
            ("access-control-request-method", "POST"),
            (
                "access-control-request-headers",
                "content-type,x-amz-target,x-amz-user-agent",
            ),
        ],
        b"",
    );
    assert_eq!(r.status, 200);
    // Cognito's JSON APIs answer every origin with `*`.
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    assert_eq!(r.header("access-control-allow-methods"), Some("POST"));
    assert_eq!(
        r.header("access-control-allow-headers"),
        Some("content-type,x-amz-target,x-amz-user-agent")
    );
    assert_eq!(r.header("access-control-max-age"), Some("172800"));

    // A 400 carries CORS headers too, so the browser lets the app read the error.
    let r = emu.request(
        "POST",
        "/",
        &[
            ("origin", "http://localhost:8000"),
            ("x-amz-target", "AWSCognitoIdentityProviderService.GetUser"),
        ],
        br#"{"AccessToken":"x"}"#,
    );
    assert_eq!(r.status, 400);
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    let expose = r
        .header("access-control-expose-headers")
        .unwrap()
        .to_ascii_lowercase();
    for h in ["x-amzn-requestid", "x-amzn-errortype", "x-amzn-errormessage", "date"] {
        assert!(expose.contains(h), "{h} exposed");
    }
    // Without an Origin: `*`. Admin and hosted-UI answers have CORS as well (the origin echoed).
    assert_eq!(
        emu.request("GET", "/__admin/health", &[], b"")
            .header("access-control-allow-origin"),
        Some("*")
    );
    let r = emu.request(
        "POST",
        "/oauth2/token",
        &[
            ("origin", "http://a.test"),
            ("content-type", "application/x-www-form-urlencoded"),
        ],
        b"",
    );
    assert_eq!(
        (r.status, r.header("access-control-allow-origin")),
        (400, Some("http://a.test"))
    );
    assert!(r.header("date").is_some() && r.header("x-amzn-requestid").is_some());
}

#[test]
fn throttle_error_and_count_limited_faults() {
    let emu = Emulator::start();
    emu.admin_post(
        "/__admin/faults",
        json!({ "target": "InitiateAuth", "kind": "throttle", "count": 2 }),
    );
    for _ in 0..2 {
        let msg = emu.fails(
            "InitiateAuth",
            json!({ "ClientId": SPA, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": { "USERNAME": "alice", "PASSWORD": "Passw0rd!" } }),
            "TooManyRequestsException",
        );
        assert_eq!(msg, "Rate exceeded");
    }
    assert_eq!(
        emu.password_auth(SPA, "alice", "Passw0rd!").0,
        200,
        "the fault ran out"
    );
    // Other operations are not affected by an operation-targeted fault.
    emu.admin_post(
        "/__admin/faults",
        json!({ "target": "SignUp", "kind": "500" }),
    );
    assert_eq!(emu.password_auth(SPA, "alice", "Passw0rd!").0, 200);
    let (s, v) = emu.api(
        "SignUp",
        json!({ "ClientId": SPA, "Username": "x", "Password": "Passw0rd!" }),
    );
    assert_eq!(
        (s, v["__type"].as_str().unwrap()),
        (500, "InternalErrorException")
    );
    assert_eq!(
        emu.admin_get("/__admin/faults").as_array().unwrap().len(),
        1
    );
    emu.request("DELETE", "/__admin/faults", &[], b"");
    assert_eq!(
        emu.api(
            "SignUp",
            json!({ "ClientId": SPA, "Username": "x", "Password": "weak" })
        )
        .1["__type"],
        "InvalidPasswordException"
    );

    // Path-prefix faults, with the right shape per service.
    emu.admin_post(
        "/__admin/faults",
        json!([
            { "target": "/oauth2/token", "kind": "error", "status": 503, "count": 1 },
            { "target": "/s3/", "kind": "throttle", "count": 1 },
        ]),
    );
    let r = emu.request(
        "POST",
        "/oauth2/token",
        &[("content-type", "application/x-www-form-urlencoded")],
        b"grant_type=x",
    );
    assert_eq!(
        (r.status, r.json()["error"].clone()),
        (503, json!("server_error"))
    );
    let r = emu.request(
        "GET",
        "/s3/anything/key.jpg",
        &[("origin", "http://localhost:8000")],
        b"",
    );
    assert_eq!(r.status, 503);
    assert!(r.text().contains("<Code>SlowDown</Code>"), "{}", r.text());
}

#[test]
fn dropped_and_closed_connections_and_latency() {
    let emu = Emulator::start();
    emu.admin_post(
        "/__admin/faults",
        json!({ "target": "/.well-known/jwks.json", "kind": "drop", "count": 1 }),
    );
    let r = emu.request("GET", "/.well-known/jwks.json", &[], b"");
    assert_eq!(r.status, 200);
    assert!(r.truncated, "the body is cut off");
    assert!(
        !emu.request("GET", "/.well-known/jwks.json", &[], b"")
            .truncated
    );

    emu.admin_post(
        "/__admin/faults",
        json!({ "target": "GetUser", "kind": "close", "count": 1 }),
    );
    let closed = try_request(
        emu.port,
        "POST",
        "/",
        &[("x-amz-target", "AWSCognitoIdentityProviderService.GetUser")],
        b"{}",
    );
    assert!(closed.is_none(), "no response at all");

    emu.admin_post(
        "/__admin/faults",
        json!({ "target": "/__nothing", "kind": "latency", "latency_ms": 5 }),
    );
    emu.admin_post(
        "/__admin/faults",
        json!({ "target": "/.well-known/", "kind": "latency", "latency_ms": 150, "count": 1 }),
    );
    let started = std::time::Instant::now();
    assert_eq!(
        emu.request("GET", "/.well-known/jwks.json", &[], b"")
            .status,
        200
    );
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(150),
        "a sleep lasts at least its length"
    );
    let listed = emu.admin_get("/__admin/faults");
    assert_eq!(
        listed.as_array().unwrap().len(),
        1,
        "the counted latency fault is spent: {listed}"
    );
    let id = listed[0]["id"].as_u64().unwrap();
    assert_eq!(
        emu.request("DELETE", &format!("/__admin/faults/{id}"), &[], b"")
            .status,
        200
    );
    assert_eq!(
        emu.request("DELETE", &format!("/__admin/faults/{id}"), &[], b"")
            .status,
        404
    );
    assert_eq!(
        emu.request(
            "POST",
            "/__admin/faults",
            &[],
            br#"{"target":"x","kind":"explode"}"#
        )
        .status,
        400
    );
}

#[test]
fn counters_clock_and_reset() {
    let emu = Emulator::start();
    emu.password_auth(SPA, "alice", "Passw0rd!");
    emu.password_auth(SPA, "alice", "wrong");
    emu.request("GET", "/.well-known/jwks.json", &[], b"");
    let c = emu.admin_get("/__admin/counters");
    assert_eq!(
        (
            c["InitiateAuth"].as_u64(),
            c["/.well-known/jwks.json"].as_u64()
        ),
        (Some(2), Some(1))
    );
    assert!(
        c.get("/__admin/counters").is_none(),
        "admin calls are not counted"
    );
    emu.admin_post("/__admin/counters/reset", json!({}));
    assert_eq!(emu.admin_get("/__admin/counters"), json!({}));

    // Clock skew moves token times.
    emu.admin_post("/__admin/clock", json!({ "skew_seconds": 86_400 }));
    let clock = emu.admin_get("/__admin/clock");
    assert_eq!(clock["skew_seconds"], 86_400);
    let system = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let iat = claims(emu.tokens("alice")["IdToken"].as_str().unwrap())["iat"]
        .as_i64()
        .unwrap();
    assert!(
        (iat - system - 86_400).abs() < 60,
        "iat follows the skewed clock"
    );

    // Reset: seed users back, created users gone, skew and faults cleared.
    let u = emu.new_user("gone", json!({}));
    let t = emu.tokens("alice");
    emu.ok("ChangePassword", json!({ "AccessToken": t["AccessToken"], "PreviousPassword": "Passw0rd!", "ProposedPassword": "Other-passw0rd" }));
    emu.admin_post(
        "/__admin/faults",
        json!({ "target": "*", "kind": "latency", "latency_ms": 1 }),
    );
    emu.admin_post("/__admin/reset", json!({}));
    assert_eq!(emu.password_auth(SPA, "alice", "Passw0rd!").0, 200);
    assert_eq!(
        emu.password_auth(SPA, &u, "Passw0rd!").1["__type"],
        "NotAuthorizedException"
    );
    assert_eq!(emu.admin_get("/__admin/clock")["skew_seconds"], 0);
    assert_eq!(emu.admin_get("/__admin/faults"), json!([]));
}

#[test]
fn admin_users_codes_totp_and_config() {
    let emu = Emulator::start();
    let r = emu.request(
        "POST",
        "/__admin/users",
        &[],
        br#"{"username":"alice","password":"Passw0rd!"}"#,
    );
    assert_eq!(r.status, 409);
    let r = emu.request(
        "POST",
        "/__admin/users",
        &[],
        br#"{"username":"bad","password":"x","status":"WEIRD"}"#,
    );
    assert_eq!(r.status, 400);
    let created = emu.admin_post(
        "/__admin/users",
        json!({ "pool": MFA_POOL, "username": "mfa-admin", "password": "Passw0rd!", "groups": ["g"],
                "mfa": { "totp_secret": "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" } }),
    );
    assert_eq!(created["pool"], MFA_POOL);
    assert_eq!(created["user"]["mfa"]["totp"], true);
    assert_eq!(
        emu.password_auth(MFA_CLIENT, "mfa-admin", "Passw0rd!").1["ChallengeName"],
        "SOFTWARE_TOKEN_MFA"
    );
    let users = emu.admin_get(&format!("/__admin/users?pool={MFA_POOL}"));
    assert_eq!(users["users"].as_array().unwrap().len(), 2);
    // TOTP for the RFC 6238 secret at the emulator's clock matches an independent computation.
    emu.admin_post("/__admin/clock", json!({ "skew_seconds": 0 }));
    let code = emu.totp("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let candidates: Vec<String> = [-30, 0, 30]
        .iter()
        .map(|d| emulator::crypto::totp(b"12345678901234567890", now + d))
        .collect();
    assert!(candidates.contains(&code));
    assert_eq!(
        emu.request("GET", "/__admin/totp?secret=not*base32", &[], b"")
            .status,
        400
    );
    assert_eq!(
        emu.request("GET", "/__admin/codes?username=ghost", &[], b"")
            .status,
        404
    );
    let cfg = emu.admin_get("/__admin/config");
    assert_eq!(cfg["region"], "us-east-1");
    assert_eq!(cfg["user_pools"][0]["id"], POOL);
    assert_eq!(cfg["user_pools"][0]["clients"][1]["has_secret"], true);
    assert!(
        cfg.to_string().find(SECRET).is_none(),
        "secrets are not published"
    );
}

#[test]
fn keep_alive_chunked_bodies_and_expect_continue() {
    let emu = Emulator::start();
    let mut s = std::net::TcpStream::connect(("127.0.0.1", emu.port)).unwrap();
    let body = json!({ "ClientId": SPA, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": { "USERNAME": "alice", "PASSWORD": "Passw0rd!" } }).to_string();
    let (a, b) = body.split_at(10);
    // Request 1: chunked body; request 2 on the same connection: Expect: 100-continue.
    write!(
        s,
        "POST / HTTP/1.1\r\nhost: x\r\nx-amz-target: AWSCognitoIdentityProviderService.InitiateAuth\r\ntransfer-encoding: chunked\r\n\r\n{:x}\r\n{a}\r\n{:x}\r\n{b}\r\n0\r\n\r\n",
        a.len(),
        b.len()
    )
    .unwrap();
    write!(
        s,
        "GET /__admin/health HTTP/1.1\r\nhost: x\r\nexpect: 100-continue\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
    )
    .unwrap();
    let mut all = String::new();
    s.read_to_string(&mut all).unwrap();
    assert_eq!(all.matches("HTTP/1.1 200 OK").count(), 2, "{all}");
    assert!(all.contains("AuthenticationResult"));
    assert!(all.contains(r#"{"ok":true}"#));
    // A malformed request line gets a 400.
    let mut s = std::net::TcpStream::connect(("127.0.0.1", emu.port)).unwrap();
    s.write_all(b"NONSENSE\r\n\r\n").unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    assert!(resp.starts_with("HTTP/1.1 400"), "{resp}");
}

#[test]
fn data_dir_persists_users_and_tokens_across_restarts() {
    let dir =
        std::env::temp_dir().join(format!("emulator-test-{}", emulator::crypto::random_u64()));
    let dir_s = dir.to_str().unwrap().to_string();
    let (username, refresh) = {
        let emu = Emulator::start_with(&["--data-dir", &dir_s]);
        let v = emu.ok(
            "SignUp",
            json!({ "ClientId": SPA, "Username": "persisted", "Password": "Passw0rd!", "UserAttributes": [{ "Name": "email", "Value": "p@example.com" }] }),
        );
        assert!(v["UserSub"].is_string());
        let code = emu.last_code("persisted", POOL);
        emu.ok(
            "ConfirmSignUp",
            json!({ "ClientId": SPA, "Username": "persisted", "ConfirmationCode": code }),
        );
        (
            "persisted".to_string(),
            emu.tokens("persisted")["RefreshToken"]
                .as_str()
                .unwrap()
                .to_string(),
        )
    };
    assert!(dir.join("userpools.json").exists());
    let stored = std::fs::read_to_string(dir.join("userpools.json")).unwrap();
    assert!(
        !stored.contains("Passw0rd!"),
        "passwords are not stored, only SRP verifiers"
    );
    {
        let emu = Emulator::start_with(&["--data-dir", &dir_s]);
        assert_eq!(emu.srp_sign_in(SPA, POOL, &username, "Passw0rd!").0, 200);
        emu.ok(
            "GetTokensFromRefreshToken",
            json!({ "ClientId": SPA, "RefreshToken": refresh }),
        );
        // Reset goes back to the seed, on disk too.
        emu.admin_post("/__admin/reset", json!({}));
    }
    let emu = Emulator::start_with(&["--data-dir", &dir_s]);
    assert_eq!(
        emu.password_auth(SPA, &username, "Passw0rd!").1["__type"],
        "NotAuthorizedException"
    );
    drop(emu);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn exits_when_stdin_closes() {
    let mut emu = Emulator::start();
    assert_eq!(emu.request("GET", "/__admin/health", &[], b"").status, 200);
    emu.close_stdin();
    assert!(
        emu.exited_within(5_000),
        "the emulator exits when its stdin pipe closes"
    );
}

/// The test seed's identity pools, the third one with 20-second credentials (for SDK upload tests
/// whose credentials must run out mid-upload).
#[test]
fn test_seed_identity_pools_and_short_credentials() {
    let emu = Emulator::start();
    let config = emu.admin_get("/__admin/config");
    let pools: Vec<(&str, &str)> = config["identity_pools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p["name"].as_str().unwrap()))
        .collect();
    assert_eq!(
        pools,
        [
            ("us-east-1:7e57e57e-0000-4000-8000-000000000001", "with-guests"),
            ("us-east-1:7e57e57e-0000-4000-8000-000000000002", "no-guests"),
            ("us-east-1:7e57e57e-0000-4000-8000-000000000003", "short-credentials"),
        ]
    );
    let short = &config["identity_pools"][2];
    assert_eq!(short["allow_unauthenticated"], true);
    assert_eq!(short["credentials_validity_seconds"], 20);
    assert_eq!(short["providers"], config["identity_pools"][0]["providers"]);

    // A guest of that pool gets credentials that expire 20 seconds from now (emulator clock).
    let call = |op: &str, body: serde_json::Value| {
        let target = format!("AWSCognitoIdentityService.{op}");
        let r = emu.request(
            "POST",
            "/",
            &[("x-amz-target", &target), ("content-type", "application/x-amz-json-1.1")],
            body.to_string().as_bytes(),
        );
        assert_eq!(r.status, 200, "{op}: {}", r.text());
        r.json()
    };
    let id = call("GetId", json!({ "IdentityPoolId": "us-east-1:7e57e57e-0000-4000-8000-000000000003" }));
    let creds = call("GetCredentialsForIdentity", json!({ "IdentityId": id["IdentityId"] }));
    let expiration = creds["Credentials"]["Expiration"].as_f64().unwrap();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs_f64();
    assert!((expiration - now - 20.0).abs() < 3.0, "expires {} s from now", expiration - now);
}

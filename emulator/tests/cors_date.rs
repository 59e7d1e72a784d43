//! What a browser may read of each endpoint family's answers (CORS `Access-Control-Expose-Headers`,
//! preflight and actual response), and the `Date` header every answer carries by the emulator's
//! own, possibly skewed, clock. The choices and their sources are in docs/clock.md: Cognito's JSON
//! APIs expose `Date`; managed login and the JWKS are not known to, so the emulator exposes nothing
//! there; S3 follows each bucket's rules.

mod common;
use common::*;
use serde_json::json;
use std::time::{SystemTime, UNIX_EPOCH};

const ORIGIN: &str = "http://localhost:8000";
/// What Cognito's JSON APIs send, byte for byte.
const AWS_JSON_EXPOSE: &str = "x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date";
const IDENTITY_POOL: &str = "us-east-1:7e57e57e-0000-4000-8000-000000000001";

/// The response headers every cross-origin script may read (Fetch: CORS-safelisted response
/// header names).
const SAFELISTED: [&str; 7] = [
    "cache-control",
    "content-language",
    "content-length",
    "content-type",
    "expires",
    "last-modified",
    "pragma",
];

/// Whether a browser lets a cross-origin script read header `name` of this (actual) response, by
/// the Fetch standard: the response must pass the CORS check for `origin`, and the header must be
/// safelisted or listed in `Access-Control-Expose-Headers` (`*` counts only for requests without
/// credentials, which is how the SDK calls Cognito).
fn browser_can_read(r: &HttpResp, origin: &str, name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    let allowed = matches!(r.header("access-control-allow-origin"), Some(o) if o == "*" || o == origin);
    if !allowed || r.header(&name).is_none() {
        return false;
    }
    if SAFELISTED.contains(&name.as_str()) {
        return true;
    }
    r.header("access-control-expose-headers")
        .unwrap_or("")
        .split(',')
        .map(|h| h.trim().to_ascii_lowercase())
        .any(|h| h == name || h == "*")
}

fn system_now_secs() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64
}

/// Parses an RFC 9110 IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) strictly: the only form a
/// server may send in `Date`.
fn parse_http_date(s: &str) -> i64 {
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let bad = || panic!("not an IMF-fixdate: {s:?}");
    let p: Vec<&str> = s.split(' ').collect();
    let [wd, day, mon, year, time, "GMT"] = p.as_slice() else { bad() };
    let wd = wd.strip_suffix(',').unwrap_or_else(|| bad());
    if day.len() != 2 || year.len() != 4 || time.len() != 8 {
        bad();
    }
    let month = MONTHS.iter().position(|m| m == mon).unwrap_or_else(|| bad()) as u32 + 1;
    let t: Vec<i64> = time.split(':').map(|x| x.parse().unwrap_or_else(|_| bad())).collect();
    let days = emulator::clock::days_from_civil(year.parse().unwrap(), month, day.parse().unwrap());
    assert_eq!(DAYS[(days + 4).rem_euclid(7) as usize], wd, "weekday of {s:?}");
    days * 86_400 + t[0] * 3600 + t[1] * 60 + t[2]
}

/// The answer's `Date`, as seconds since the epoch.
fn date_of(r: &HttpResp) -> i64 {
    parse_http_date(r.header("date").expect("every answer has a Date header"))
}

fn user_pool_call(emu: &Emulator, op: &str, body: serde_json::Value) -> HttpResp {
    let target = format!("AWSCognitoIdentityProviderService.{op}");
    emu.request(
        "POST",
        "/",
        &[("origin", ORIGIN), ("x-amz-target", &target), ("content-type", "application/x-amz-json-1.1")],
        body.to_string().as_bytes(),
    )
}

fn identity_call(emu: &Emulator, op: &str, body: serde_json::Value) -> HttpResp {
    let target = format!("AWSCognitoIdentityService.{op}");
    emu.request(
        "POST",
        "/",
        &[("origin", ORIGIN), ("x-amz-target", &target), ("content-type", "application/x-amz-json-1.1")],
        body.to_string().as_bytes(),
    )
}

fn preflight(emu: &Emulator, path: &str, method: &str, headers: &str) -> HttpResp {
    emu.request(
        "OPTIONS",
        path,
        &[("origin", ORIGIN), ("access-control-request-method", method), ("access-control-request-headers", headers)],
        b"",
    )
}

/// The actual answers of the user-pool and identity-pool APIs: `*`, Cognito's exposed list.
fn assert_aws_json_cors(r: &HttpResp, what: &str) {
    assert_eq!(r.header("access-control-allow-origin"), Some("*"), "{what}");
    assert_eq!(r.header("access-control-expose-headers"), Some(AWS_JSON_EXPOSE), "{what}");
    assert!(r.header("access-control-allow-credentials").is_none(), "{what}");
    assert!(r.header("x-amzn-requestid").is_some(), "{what}");
    for h in ["date", "x-amzn-requestid", "content-type"] {
        assert!(browser_can_read(r, ORIGIN, h), "{what}: {h} readable cross-origin");
    }
}

#[test]
fn user_pool_and_identity_apis_expose_date_like_cognito() {
    let emu = Emulator::start();
    // The preflight: one answer for both services (it carries no X-Amz-Target), as Cognito's.
    let requested = "content-type,x-amz-target,x-amz-user-agent,amz-sdk-invocation-id";
    let r = preflight(&emu, "/", "POST", requested);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    assert_eq!(r.header("access-control-allow-methods"), Some("POST"));
    assert_eq!(r.header("access-control-allow-headers"), Some(requested));
    assert_eq!(r.header("access-control-expose-headers"), Some(AWS_JSON_EXPOSE));
    assert_eq!(r.header("access-control-max-age"), Some("172800"));
    assert!(r.header("date").is_some());

    // Successes and errors of the user-pool API.
    let ok = user_pool_call(
        &emu,
        "InitiateAuth",
        json!({ "ClientId": SPA, "AuthFlow": "USER_PASSWORD_AUTH",
                "AuthParameters": { "USERNAME": "alice", "PASSWORD": "Passw0rd!" } }),
    );
    assert_eq!(ok.status, 200, "{}", ok.text());
    assert_aws_json_cors(&ok, "InitiateAuth 200");
    let srp = user_pool_call(
        &emu,
        "InitiateAuth",
        json!({ "ClientId": SPA, "AuthFlow": "USER_SRP_AUTH",
                "AuthParameters": { "USERNAME": "alice", "SRP_A": RefSrp::new().a_hex() } }),
    );
    assert_eq!(srp.status, 200, "{}", srp.text());
    assert_aws_json_cors(&srp, "InitiateAuth USER_SRP_AUTH (the challenge before TIMESTAMP)");
    let err = user_pool_call(&emu, "GetUser", json!({ "AccessToken": "x" }));
    assert_eq!(err.status, 400);
    assert_aws_json_cors(&err, "GetUser 400");
    assert!(browser_can_read(&err, ORIGIN, "x-amzn-errortype"));

    // The identity-pool API.
    let ok = identity_call(&emu, "GetId", json!({ "IdentityPoolId": IDENTITY_POOL }));
    assert_eq!(ok.status, 200, "{}", ok.text());
    assert_aws_json_cors(&ok, "GetId 200");
    let err = identity_call(&emu, "GetId", json!({ "IdentityPoolId": "us-east-1:00000000-0000-4000-8000-000000000000" }));
    assert_eq!(err.status, 400);
    assert_aws_json_cors(&err, "GetId 400");

    // Answers made by a fault, and requests without an Origin, look the same.
    emu.admin_post("/__admin/faults", json!({ "target": "SignUp", "kind": "throttle", "count": 1 }));
    let r = user_pool_call(&emu, "SignUp", json!({ "ClientId": SPA, "Username": "x", "Password": "Passw0rd!" }));
    assert_eq!(r.status, 400);
    assert_aws_json_cors(&r, "throttled SignUp");
    emu.admin_post("/__admin/faults", json!({ "target": "GetId", "kind": "500", "count": 1 }));
    let r = identity_call(&emu, "GetId", json!({ "IdentityPoolId": IDENTITY_POOL }));
    assert_eq!(r.status, 500);
    assert_aws_json_cors(&r, "GetId 500");
    let (s, _) = emu.api("GetUser", json!({ "AccessToken": "x" }));
    assert_eq!(s, 400);
    let r = emu.request(
        "POST",
        "/",
        &[("x-amz-target", "AWSCognitoIdentityProviderService.GetUser")],
        br#"{"AccessToken":"x"}"#,
    );
    assert_aws_json_cors(&r, "no Origin");
}

#[test]
fn managed_login_and_jwks_expose_nothing() {
    let emu = Emulator::start();
    let pool_jwks = format!("/{POOL}/.well-known/jwks.json");
    for (method, path) in [
        ("POST", "/oauth2/token"),
        ("GET", "/oauth2/userInfo"),
        ("POST", "/oauth2/revoke"),
        ("GET", "/.well-known/jwks.json"),
        ("GET", pool_jwks.as_str()),
        ("GET", "/.well-known/openid-configuration"),
    ] {
        // Preflight: allowed, but nothing exposed.
        let r = preflight(&emu, path, method, "authorization,content-type");
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("access-control-allow-origin"), Some(ORIGIN), "{path}");
        assert_eq!(r.header("access-control-allow-methods"), Some(method), "{path}");
        assert!(r.header("access-control-expose-headers").is_none(), "{path}: {:?}", r.headers);

        // The actual answer (success or error): the origin may read the body, not `Date`.
        let r = emu.request(
            method,
            path,
            &[("origin", ORIGIN), ("content-type", "application/x-www-form-urlencoded")],
            b"",
        );
        assert_eq!(r.header("access-control-allow-origin"), Some(ORIGIN), "{path}");
        assert!(r.header("access-control-expose-headers").is_none(), "{path}: {:?}", r.headers);
        assert!(r.header("date").is_some(), "{path}: the header is sent, just not readable");
        assert!(!browser_can_read(&r, ORIGIN, "date"), "{path}: Date is not readable cross-origin");
        assert!(browser_can_read(&r, ORIGIN, "content-type"), "{path}: safelisted headers are");
    }
    // A successful token exchange (refresh) too: the tokens' `iat` is what a client can use.
    let tokens = emu.tokens("alice");
    let body = format!(
        "grant_type=refresh_token&client_id={SPA}&refresh_token={}",
        tokens["RefreshToken"].as_str().unwrap()
    );
    let r = emu.request(
        "POST",
        "/oauth2/token",
        &[("origin", ORIGIN), ("content-type", "application/x-www-form-urlencoded")],
        body.as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(!browser_can_read(&r, ORIGIN, "date"));
    assert!(claims(r.json()["access_token"].as_str().unwrap())["iat"].is_i64());

    // The admin API (the emulator's own, for tests): CORS, nothing exposed.
    let r = emu.request("GET", "/__admin/health", &[("origin", ORIGIN)], b"");
    assert_eq!(r.header("access-control-allow-origin"), Some(ORIGIN));
    assert!(r.header("access-control-expose-headers").is_none());
}

#[test]
fn s3_exposes_what_the_bucket_rules_expose() {
    // test.toml's bucket exposes ETag, x-amz-request-id and x-amz-id-2 — not Date.
    let emu = Emulator::start();
    let r = preflight(&emu, "/s3/test-bucket/private/x", "PUT", "content-type,x-amz-date");
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("access-control-expose-headers"), Some("ETag, x-amz-request-id, x-amz-id-2"));
    assert_eq!(r.header("access-control-max-age"), Some("3000"));
    // An actual answer (an unsigned GET is refused, with the bucket's CORS headers all the same).
    let r = emu.request("GET", "/s3/test-bucket/private/x", &[("origin", ORIGIN)], b"");
    assert_eq!(r.status, 403, "{}", r.text());
    assert_eq!(r.header("access-control-expose-headers"), Some("ETag, x-amz-request-id, x-amz-id-2"));
    assert!(browser_can_read(&r, ORIGIN, "x-amz-request-id"));
    assert!(!browser_can_read(&r, ORIGIN, "date"));
    // An origin no rule allows reads nothing at all.
    let r = emu.request("GET", "/s3/test-bucket/private/x", &[("origin", "http://evil.example")], b"");
    assert!(r.headers.iter().all(|(k, _)| !k.starts_with("access-control-")), "{:?}", r.headers);
    assert!(!browser_can_read(&r, "http://evil.example", "content-type"));
}

#[test]
fn s3_bucket_rule_listing_date_makes_it_readable() {
    let dir = std::env::temp_dir().join(format!(
        "emu-cors-date-{}",
        emulator::crypto::hex(&emulator::crypto::random_bytes(6))
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let seed = dir.join("seed.toml");
    std::fs::write(
        &seed,
        r#"
region = "us-east-1"

[[buckets]]
name = "clocked"
[[buckets.cors]]
allowed_origins = ["http://localhost:*"]
allowed_methods = ["GET", "PUT"]
allowed_headers = ["*"]
expose_headers = ["ETag", "Date"]

[[buckets]]
name = "plain"
[[buckets.cors]]
allowed_origins = ["*"]
allowed_methods = ["GET"]
"#,
    )
    .unwrap();
    let running = emulator::start(emulator::Options {
        config: Some(seed),
        port: 0,
        data_dir: None,
        stdin_watch: false,
    })
    .expect("emulator starts");
    let port = running.port;
    running.app.clock.set_skew_secs(-3 * 86_400);

    let r = request(port, "GET", "/s3/clocked/a", &[("origin", ORIGIN)], b"");
    assert_eq!(r.header("access-control-allow-origin"), Some(ORIGIN));
    assert_eq!(r.header("access-control-allow-credentials"), Some("true"));
    assert_eq!(r.header("access-control-expose-headers"), Some("ETag, Date"));
    assert!(browser_can_read(&r, ORIGIN, "date"));
    let skew = date_of(&r) - system_now_secs();
    assert!((skew + 3 * 86_400).abs() <= 5, "Date follows the emulator's clock: {skew}");

    // A rule without ExposeHeaders sends none: only the safelisted headers are readable.
    let r = request(port, "GET", "/s3/plain/a", &[("origin", ORIGIN)], b"");
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    assert!(r.header("access-control-expose-headers").is_none());
    assert!(!browser_can_read(&r, ORIGIN, "date"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn date_follows_the_emulators_clock_skew() {
    let emu = Emulator::start();
    let sample = |emu: &Emulator| -> Vec<(&'static str, HttpResp)> {
        vec![
            ("user-pool API", user_pool_call(emu, "GetUser", json!({ "AccessToken": "x" }))),
            ("identity API", identity_call(emu, "GetId", json!({ "IdentityPoolId": IDENTITY_POOL }))),
            ("JSON preflight", preflight(emu, "/", "POST", "content-type,x-amz-target")),
            ("token endpoint", emu.request("POST", "/oauth2/token", &[("origin", ORIGIN)], b"")),
            ("JWKS", emu.request("GET", &format!("/{POOL}/.well-known/jwks.json"), &[], b"")),
            ("S3", emu.request("GET", "/s3/test-bucket/private/x", &[("origin", ORIGIN)], b"")),
            ("admin", emu.request("GET", "/__admin/health", &[], b"")),
        ]
    };
    for skew in [0i64, 7_200, -3 * 86_400, 400 * 86_400] {
        emu.admin_post("/__admin/clock", json!({ "skew_seconds": skew }));
        let emulator_now = emu.admin_get("/__admin/clock")["now_ms"].as_i64().unwrap() / 1000;
        assert!((emulator_now - system_now_secs() - skew).abs() <= 2);
        for (what, r) in sample(&emu) {
            let date = date_of(&r);
            assert!(
                (date - system_now_secs() - skew).abs() <= 5,
                "{what}: Date {:?} is the emulator's clock (skew {skew} s)",
                r.header("date")
            );
        }
    }
    // With a skew, a client that reads `Date` from the user-pool API learns the offset it needs.
    emu.admin_post("/__admin/clock", json!({ "skew_seconds": -1_800 }));
    let r = user_pool_call(&emu, "GetUser", json!({ "AccessToken": "x" }));
    assert!(browser_can_read(&r, ORIGIN, "date"));
    let offset = date_of(&r) - system_now_secs();
    assert!((offset + 1_800).abs() <= 5, "offset {offset}");
    // Reset puts the clock back.
    emu.admin_post("/__admin/reset", json!({}));
    let r = emu.request("GET", "/__admin/health", &[], b"");
    assert!((date_of(&r) - system_now_secs()).abs() <= 5);
}

#[test]
fn http_date_parser_known_answer() {
    assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), 784_111_777);
    assert_eq!(
        parse_http_date(&emulator::clock::http_date(1_700_000_000_000)),
        1_700_000_000
    );
}

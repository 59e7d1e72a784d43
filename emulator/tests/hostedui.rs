//! Managed login against the real emulator: authorize + form + PKCE code exchange, refresh,
//! userInfo, revoke, logout, and the refusals (bad verifier, replayed code, wrong redirect_uri,
//! disallowed logout_uri, bad requests).

mod common;
use common::*;
use emulator::urlenc::{encode, get, parse_pairs};
use serde_json::{json, Value};

const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"; // RFC 7636 appendix B

fn authorize_url(client: &str, extra: &str) -> String {
    format!(
        "/oauth2/authorize?response_type=code&client_id={client}&redirect_uri={}&state=st%20ate&scope=openid+email+profile&code_challenge={CHALLENGE}&code_challenge_method=S256{extra}",
        encode(CALLBACK)
    )
}

fn form_request_id(html: &str) -> String {
    let start =
        html.find("name=request value=\"").expect("sign-in form") + "name=request value=\"".len();
    html[start..].split('"').next().unwrap().to_string()
}

fn post_form(emu: &Emulator, path: &str, form: &[(&str, &str)], cookie: Option<&str>) -> HttpResp {
    let body: Vec<String> = form
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    let mut headers = vec![("content-type", "application/x-www-form-urlencoded")];
    if let Some(c) = cookie {
        headers.push(("cookie", c));
    }
    emu.request("POST", path, &headers, body.join("&").as_bytes())
}

/// Query pairs of a redirect's Location.
fn location_query(r: &HttpResp) -> Vec<(String, String)> {
    assert_eq!(r.status, 302, "{}", r.text());
    let loc = r.header("location").unwrap();
    parse_pairs(loc.split_once('?').map(|(_, q)| q).unwrap_or(""))
}

/// Signs in through the form; returns (code, session cookie).
fn sign_in(emu: &Emulator, client: &str, username: &str, password: &str) -> (String, String) {
    let page = emu.request(
        "GET",
        &authorize_url(client, "&nonce=n-0S6_WzA2Mj"),
        &[],
        b"",
    );
    assert_eq!(page.status, 200, "{}", page.text());
    assert!(page
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    let id = form_request_id(&page.text());
    let r = post_form(
        emu,
        "/login",
        &[
            ("request", &id),
            ("username", username),
            ("password", password),
            ("action", "signin"),
        ],
        None,
    );
    let q = location_query(&r);
    assert!(r.header("location").unwrap().starts_with(CALLBACK));
    assert_eq!(get(&q, "state"), Some("st ate"));
    let cookie = r
        .header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    (get(&q, "code").unwrap().to_string(), cookie)
}

fn exchange(emu: &Emulator, form: &[(&str, &str)], basic: Option<&str>) -> (u16, Value) {
    let body: Vec<String> = form
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    let auth;
    let mut headers = vec![("content-type", "application/x-www-form-urlencoded")];
    if let Some(b) = basic {
        auth = format!("Basic {}", emulator::crypto::b64(b.as_bytes()));
        headers.push(("authorization", &auth));
    }
    let r = emu.request("POST", "/oauth2/token", &headers, body.join("&").as_bytes());
    (r.status, r.json())
}

fn code_form<'a>(code: &'a str, verifier: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("grant_type", "authorization_code"),
        ("client_id", SPA),
        ("code", code),
        ("redirect_uri", CALLBACK),
        ("code_verifier", verifier),
    ]
}

#[test]
fn code_flow_with_pkce_refresh_userinfo_and_revoke() {
    let emu = Emulator::start();
    let (code, _) = sign_in(&emu, SPA, "alice", "Passw0rd!");
    let (s, t) = exchange(&emu, &code_form(&code, VERIFIER), None);
    assert_eq!(s, 200, "{t}");
    assert_eq!(
        (t["token_type"].as_str(), t["expires_in"].as_i64()),
        (Some("Bearer"), Some(3600))
    );
    let id = claims(t["id_token"].as_str().unwrap());
    assert_eq!(id["nonce"], "n-0S6_WzA2Mj");
    assert_eq!(id["aud"], SPA);
    assert_eq!(
        id["iss"],
        format!("https://cognito-idp.us-east-1.amazonaws.com/{POOL}")
    );
    let access = claims(t["access_token"].as_str().unwrap());
    assert_eq!(access["scope"], "openid email profile");

    // userInfo with the access token.
    let bearer = format!("Bearer {}", t["access_token"].as_str().unwrap());
    let r = emu.request(
        "GET",
        "/oauth2/userInfo",
        &[("authorization", &bearer)],
        b"",
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let info = r.json();
    assert_eq!(
        (
            info["sub"].clone(),
            info["email"].clone(),
            info["username"].clone()
        ),
        (
            id["sub"].clone(),
            json!("alice@example.com"),
            json!("alice")
        )
    );
    assert_eq!(emu.request("GET", "/oauth2/userInfo", &[], b"").status, 401);
    let r = emu.request(
        "GET",
        "/oauth2/userInfo",
        &[("authorization", "Bearer nope")],
        b"",
    );
    assert_eq!(
        (r.status, r.json()["error"].clone()),
        (401, json!("invalid_token"))
    );
    // Hosted-UI access tokens lack the admin scope: the user-pool API refuses them.
    let msg = emu.fails(
        "GetUser",
        json!({ "AccessToken": t["access_token"] }),
        "NotAuthorizedException",
    );
    assert_eq!(msg, "Access Token does not have required scopes");

    // refresh_token grant.
    let refresh = t["refresh_token"].as_str().unwrap();
    let (s, r) = exchange(
        &emu,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", SPA),
            ("refresh_token", refresh),
        ],
        None,
    );
    assert_eq!(s, 200, "{r}");
    assert!(r["refresh_token"].is_null() && r["id_token"].is_string());
    assert_eq!(
        claims(r["access_token"].as_str().unwrap())["origin_jti"],
        access["origin_jti"]
    );

    // Revoke, then refresh fails and the access tokens from it are refused.
    let r = post_form(
        &emu,
        "/oauth2/revoke",
        &[("token", refresh), ("client_id", SPA)],
        None,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let (s, r) = exchange(
        &emu,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", SPA),
            ("refresh_token", refresh),
        ],
        None,
    );
    assert_eq!((s, r["error"].as_str()), (400, Some("invalid_grant")));
    let r = emu.request(
        "GET",
        "/oauth2/userInfo",
        &[("authorization", &bearer)],
        b"",
    );
    assert_eq!(r.status, 401);
}

#[test]
fn token_endpoint_refuses_bad_verifier_replayed_code_and_wrong_redirect_uri() {
    let emu = Emulator::start();
    let (code, _) = sign_in(&emu, SPA, "alice", "Passw0rd!");
    let wrong_verifier = "wrong-verifier-wrong-verifier-wrong-verifier-0";
    let (s, e) = exchange(&emu, &code_form(&code, wrong_verifier), None);
    assert_eq!(
        (s, e["error"].as_str()),
        (400, Some("invalid_grant")),
        "{e}"
    );
    let mut wrong_redirect = code_form(&code, VERIFIER);
    wrong_redirect[3] = ("redirect_uri", "http://127.0.0.1:8000/callback");
    let (s, e) = exchange(&emu, &wrong_redirect, None);
    assert_eq!((s, e["error"].as_str()), (400, Some("invalid_grant")));
    let (s, e) = exchange(&emu, &code_form(&code, VERIFIER)[..4], None);
    assert_eq!(
        (s, e["error"].as_str()),
        (400, Some("invalid_request")),
        "missing verifier"
    );
    // The right request still works (failed attempts do not burn the code)...
    let (s, t) = exchange(&emu, &code_form(&code, VERIFIER), None);
    assert_eq!(s, 200, "{t}");
    // ...once: a replay is refused and revokes what the code produced.
    let (s, e) = exchange(&emu, &code_form(&code, VERIFIER), None);
    assert_eq!((s, e["error"].as_str()), (400, Some("invalid_grant")));
    let refresh = t["refresh_token"].as_str().unwrap();
    let (s, _) = exchange(
        &emu,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", SPA),
            ("refresh_token", refresh),
        ],
        None,
    );
    assert_eq!(s, 400);
    // Unknown code, unsupported grant, wrong content type.
    assert_eq!(
        exchange(&emu, &code_form("no-such-code", VERIFIER), None).1["error"],
        "invalid_grant"
    );
    assert_eq!(
        exchange(
            &emu,
            &[("grant_type", "password"), ("client_id", SPA)],
            None
        )
        .1["error"],
        "unsupported_grant_type"
    );
    let r = emu.request(
        "POST",
        "/oauth2/token",
        &[("content-type", "application/json")],
        b"{}",
    );
    assert_eq!(
        (r.status, r.json()["error"].clone()),
        (400, json!("invalid_request"))
    );
    // Expired code.
    let (code, _) = sign_in(&emu, SPA, "alice", "Passw0rd!");
    emu.admin_post("/__admin/clock", json!({ "skew_seconds": 301 }));
    assert_eq!(
        exchange(&emu, &code_form(&code, VERIFIER), None).1["error"],
        "invalid_grant"
    );
}

#[test]
fn confidential_client_authenticates_at_the_token_endpoint() {
    let emu = Emulator::start();
    let (code, _) = sign_in(&emu, SECRET_CLIENT, "alice", "Passw0rd!");
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", CALLBACK),
        ("code_verifier", VERIFIER),
    ];
    let (s, e) = exchange(&emu, &form, Some(&format!("{SECRET_CLIENT}:wrong")));
    assert_eq!((s, e["error"].as_str()), (400, Some("invalid_client")));
    let mut no_auth = form.to_vec();
    no_auth.push(("client_id", SECRET_CLIENT));
    assert_eq!(exchange(&emu, &no_auth, None).1["error"], "invalid_client");
    let (s, t) = exchange(&emu, &form, Some(&format!("{SECRET_CLIENT}:{SECRET}")));
    assert_eq!(s, 200, "{t}");
}

#[test]
fn authorize_refuses_bad_requests() {
    let emu = Emulator::start();
    // Bad client or redirect_uri: an error page, never a redirect.
    let r = emu.request("GET", &authorize_url("nope", ""), &[], b"");
    assert_eq!((r.status, r.header("location")), (400, None));
    let r = emu.request(
        "GET",
        &format!(
            "/oauth2/authorize?response_type=code&client_id={SPA}&redirect_uri={}",
            encode("https://evil.example/cb")
        ),
        &[],
        b"",
    );
    assert_eq!((r.status, r.header("location")), (400, None));
    assert!(r.text().contains("redirect_mismatch"));
    // Other problems redirect back with error and state.
    let cases = [
        (
            authorize_url(SPA, "").replace("response_type=code", "response_type=token"),
            "unsupported_response_type",
        ),
        (
            authorize_url(SPA, "")
                .replace("code_challenge_method=S256", "code_challenge_method=plain"),
            "invalid_request",
        ),
        (
            authorize_url(SPA, "").replace("&code_challenge_method=S256", ""),
            "invalid_request",
        ),
        (
            authorize_url(SPA, "").replace("scope=openid", "scope=admin:everything+openid"),
            "invalid_scope",
        ),
        (authorize_url(SPA, "&prompt=none"), "login_required"),
    ];
    for (url, error) in cases {
        let r = emu.request("GET", &url, &[], b"");
        let q = location_query(&r);
        assert_eq!(
            (get(&q, "error"), get(&q, "state")),
            (Some(error), Some("st ate")),
            "{url}"
        );
    }
}

#[test]
fn form_errors_cancel_and_cookie_session() {
    let emu = Emulator::start();
    let page = emu.request("GET", &authorize_url(SPA, ""), &[], b"");
    let id = form_request_id(&page.text());
    let r = post_form(
        &emu,
        "/login",
        &[
            ("request", &id),
            ("username", "alice"),
            ("password", "nope"),
            ("action", "signin"),
        ],
        None,
    );
    assert_eq!(r.status, 200);
    assert!(r.text().contains("Incorrect username or password."));
    let r = post_form(
        &emu,
        "/login",
        &[
            ("request", &id),
            ("username", "unconfirmed"),
            ("password", "Passw0rd!"),
            ("action", "signin"),
        ],
        None,
    );
    assert!(r.text().contains("User is not confirmed."));
    let r = post_form(
        &emu,
        "/login",
        &[("request", &id), ("action", "cancel")],
        None,
    );
    let q = location_query(&r);
    assert_eq!(
        (get(&q, "error"), get(&q, "state")),
        (Some("access_denied"), Some("st ate"))
    );
    let r = post_form(
        &emu,
        "/login",
        &[
            ("request", "unknown"),
            ("username", "alice"),
            ("password", "Passw0rd!"),
        ],
        None,
    );
    assert_eq!(r.status, 400);

    // The cookie signs the browser in without the form; prompt=login forces it.
    let (_, cookie) = sign_in(&emu, SPA, "alice", "Passw0rd!");
    let r = emu.request("GET", &authorize_url(SPA, ""), &[("cookie", &cookie)], b"");
    let q = location_query(&r);
    let code = get(&q, "code").unwrap().to_string();
    assert_eq!(exchange(&emu, &code_form(&code, VERIFIER), None).0, 200);
    let r = emu.request(
        "GET",
        &authorize_url(SPA, "&prompt=login"),
        &[("cookie", &cookie)],
        b"",
    );
    assert_eq!(r.status, 200);
    assert!(r.text().contains("name=password"));

    // Logout: a disallowed logout_uri is an error page; an allowed one clears the cookie.
    let bad = format!(
        "/logout?client_id={SPA}&logout_uri={}",
        encode("https://evil.example/")
    );
    let r = emu.request("GET", &bad, &[("cookie", &cookie)], b"");
    assert_eq!((r.status, r.header("location")), (400, None));
    let good = format!(
        "/logout?client_id={SPA}&logout_uri={}",
        encode("http://localhost:8000/")
    );
    let r = emu.request("GET", &good, &[("cookie", &cookie)], b"");
    assert_eq!(
        (r.status, r.header("location")),
        (302, Some("http://localhost:8000/"))
    );
    assert!(r.header("set-cookie").unwrap().contains("Max-Age=0"));
    let r = emu.request("GET", &authorize_url(SPA, ""), &[("cookie", &cookie)], b"");
    assert_eq!(r.status, 200, "the old cookie no longer signs in");
}

#[test]
fn totp_and_new_password_steps_in_the_form() {
    let emu = Emulator::start();
    let page = emu.request("GET", &authorize_url(SPA, ""), &[], b"");
    let id = form_request_id(&page.text());
    let r = post_form(
        &emu,
        "/login",
        &[
            ("request", &id),
            ("username", "totpuser"),
            ("password", "Passw0rd!"),
        ],
        None,
    );
    assert!(r.text().contains("name=code"), "{}", r.text());
    let r = post_form(
        &emu,
        "/login",
        &[("request", &id), ("code", "000000")],
        None,
    );
    if r.status == 200 {
        assert!(r.text().contains("Invalid code"));
    }
    let code = emu.totp("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP");
    let r = post_form(&emu, "/login", &[("request", &id), ("code", &code)], None);
    assert!(get(&location_query(&r), "code").is_some());

    let page = emu.request("GET", &authorize_url(SPA, ""), &[], b"");
    let id = form_request_id(&page.text());
    let r = post_form(
        &emu,
        "/login",
        &[
            ("request", &id),
            ("username", "newbie"),
            ("password", "TempPassw0rd!"),
        ],
        None,
    );
    assert!(r.text().contains("name=new_password"));
    let r = post_form(
        &emu,
        "/login",
        &[("request", &id), ("new_password", "weak")],
        None,
    );
    assert!(r.text().contains("Password did not conform with policy"));
    let r = post_form(
        &emu,
        "/login",
        &[("request", &id), ("new_password", "Brand-new-passw0rd")],
        None,
    );
    assert!(get(&location_query(&r), "code").is_some());
    assert_eq!(
        emu.password_auth(SPA, "newbie", "Brand-new-passw0rd").0,
        200
    );
}

#[test]
fn discovery_documents() {
    let emu = Emulator::start();
    let c = emu.admin_get("/.well-known/openid-configuration");
    assert_eq!(
        c["issuer"],
        format!("https://cognito-idp.us-east-1.amazonaws.com/{POOL}")
    );
    assert_eq!(
        c["token_endpoint"],
        format!("http://127.0.0.1:{}/oauth2/token", emu.port)
    );
    assert_eq!(c["code_challenge_methods_supported"], json!(["S256"]));
    let c = emu.admin_get(&format!("/{MFA_POOL}/.well-known/openid-configuration"));
    assert_eq!(
        c["issuer"],
        format!("https://cognito-idp.us-east-1.amazonaws.com/{MFA_POOL}")
    );
    let a = emu.admin_get("/.well-known/jwks.json");
    let b = emu.admin_get(&format!("/{POOL}/.well-known/jwks.json"));
    assert_eq!(a, b);
    assert_eq!(a["keys"][0]["alg"], "RS256");
    assert_eq!(
        emu.request("GET", "/us-east-1_Nope/.well-known/jwks.json", &[], b"")
            .status,
        404
    );
}

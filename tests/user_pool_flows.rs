//! User-pool flows in headless browsers, through the SDK's own JS driver (`js/auth.js`, loaded
//! as a snippet) over the wasm session — the same `CognitoAuth` class apps use — against the
//! emulator:
//!
//! ```text
//! scripts/with-emulator.sh env CHROMEDRIVER=/usr/bin/chromedriver \
//!     cargo test --target wasm32-unknown-unknown --test user_pool_flows
//! ```
//!
//! Every test creates its own users through `/__admin/users`, so the tests are independent.
#![cfg(target_arch = "wasm32")]

use cognito_wasm::core::json::Json;
use cognito_wasm::js::WasmSession;
use cognito_wasm::session::Op;
use js_sys::{Function, Promise, Reflect, JSON};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const EMULATOR: &str = match option_env!("EMULATOR_URL") {
    Some(url) => url,
    None => "http://127.0.0.1:47291",
};
const POOL: &str = "us-east-1_TestPool1";
const SPA: &str = "testclient0000000000000001";
const WITH_SECRET: &str = "testclient0000000000000002";
const SECRET: &str = "test-client-secret-do-not-use";
const ROTATING: &str = "testclient0000000000000003";
const MFA_POOL: &str = "us-east-1_MfaPool01";
const MFA_CLIENT: &str = "testclient0000000000000004";
const PASSWORD: &str = "Passw0rd!browser";

// ---------------------------------------------------------------------------------------------
// The SDK's JS driver, bound to this test's wasm

#[wasm_bindgen(module = "/js/auth.js")]
extern "C" {
    fn bind(factory: &JsValue);
    #[wasm_bindgen(js_name = CognitoAuth)]
    type JsAuth;
    #[wasm_bindgen(constructor, catch, js_class = "CognitoAuth")]
    fn new(config: &JsValue) -> Result<JsAuth, JsValue>;
    #[wasm_bindgen(method, getter, js_class = "CognitoAuth")]
    fn user(this: &JsAuth) -> JsValue;
    #[wasm_bindgen(method, getter, js_class = "CognitoAuth", js_name = isSignedIn)]
    fn is_signed_in(this: &JsAuth) -> bool;
    #[wasm_bindgen(method, catch, js_class = "CognitoAuth")]
    fn on(this: &JsAuth, event: &str, listener: &JsValue) -> Result<Function, JsValue>;
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(url: &str, init: &JsValue) -> Promise;
}

/// `init()`'s binding, done once: the driver makes its wasm sessions with this test's wasm.
fn bound() {
    thread_local!(static BOUND: std::cell::Cell<bool> = const { std::cell::Cell::new(false) });
    if BOUND.with(|b| b.replace(true)) {
        return;
    }
    let factory = Closure::<dyn Fn(Option<String>) -> JsValue>::new(|config: Option<String>| {
        match WasmSession::new(config) {
            Ok(session) => JsValue::from(session),
            Err(e) => wasm_bindgen::throw_val(e),
        }
    });
    bind(&factory.into_js_value());
}

/// The app-facing `CognitoAuth` of `js/auth.js`.
struct CognitoAuth(JsAuth);

impl CognitoAuth {
    /// `new CognitoAuth(JSON.parse(config))` (`None`: no config).
    fn new(config: Option<String>) -> Result<CognitoAuth, JsValue> {
        bound();
        let config = config.map_or(JsValue::UNDEFINED, |t| js(&t));
        JsAuth::new(&config).map(CognitoAuth)
    }

    fn user(&self) -> JsValue {
        self.0.user()
    }

    fn is_signed_in(&self) -> bool {
        self.0.is_signed_in()
    }

    /// Subscribes `listener`; returns the unsubscribe function.
    fn on(&self, event: &str, listener: JsValue) -> Result<Function, JsValue> {
        self.0.on(event, &listener)
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers

fn js(json: &str) -> JsValue {
    JSON::parse(json).expect("test JSON")
}

fn text(v: &JsValue) -> String {
    JSON::stringify(v)
        .ok()
        .and_then(|t| JsValue::from(t).as_string())
        .unwrap_or_else(|| "undefined".into())
}

fn prop(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn prop_str(v: &JsValue, key: &str) -> String {
    prop(v, key).as_string().unwrap_or_default()
}

/// The app-facing methods, called on the JS class by name.
trait Api {
    fn call(&self, op: Op, input: JsValue) -> Promise;
    fn sign_in(&self, i: JsValue) -> Promise {
        self.call(Op::SignIn, i)
    }
    fn confirm_sign_in(&self, i: JsValue) -> Promise {
        self.call(Op::ConfirmSignIn, i)
    }
    fn sign_up(&self, i: JsValue) -> Promise {
        self.call(Op::SignUp, i)
    }
    fn confirm_sign_up(&self, i: JsValue) -> Promise {
        self.call(Op::ConfirmSignUp, i)
    }
    fn resend_sign_up_code(&self, i: JsValue) -> Promise {
        self.call(Op::ResendSignUpCode, i)
    }
    fn forgot_password(&self, i: JsValue) -> Promise {
        self.call(Op::ForgotPassword, i)
    }
    fn confirm_forgot_password(&self, i: JsValue) -> Promise {
        self.call(Op::ConfirmForgotPassword, i)
    }
    fn change_password(&self, i: JsValue) -> Promise {
        self.call(Op::ChangePassword, i)
    }
    fn fetch_user_attributes(&self) -> Promise {
        self.call(Op::FetchUserAttributes, JsValue::UNDEFINED)
    }
    fn set_up_totp(&self) -> Promise {
        self.call(Op::SetUpTotp, JsValue::UNDEFINED)
    }
    fn verify_totp(&self, i: JsValue) -> Promise {
        self.call(Op::VerifyTotp, i)
    }
    fn set_mfa_preference(&self, i: JsValue) -> Promise {
        self.call(Op::SetMfaPreference, i)
    }
    fn get_tokens(&self, i: JsValue) -> Promise {
        self.call(Op::GetTokens, i)
    }
    fn sign_out(&self, i: JsValue) -> Promise {
        self.call(Op::SignOut, i)
    }
}

impl Api for CognitoAuth {
    fn call(&self, op: Op, input: JsValue) -> Promise {
        let method: Function = prop(&self.0, op.name()).into();
        method
            .call1(&self.0, &input)
            .expect("CognitoAuth methods return a promise, never throw")
            .into()
    }
}

/// `auth.user`: an object or `null`.
fn user(a: &CognitoAuth) -> JsValue {
    a.user()
}

/// Awaits an SDK promise.
async fn wait(p: Promise) -> Result<JsValue, JsValue> {
    JsFuture::from(p).await
}

/// Awaits a promise that must reject; returns the error's name after checking it is a real
/// `Error` with `code == name` and a message.
async fn refusal(p: Promise) -> JsValue {
    match wait(p).await {
        Ok(v) => panic!("expected a rejection, got {}", text(&v)),
        Err(e) => {
            assert!(e.is_instance_of::<js_sys::Error>(), "not an Error: {e:?}");
            assert_eq!(prop_str(&e, "name"), prop_str(&e, "code"));
            assert!(!prop_str(&e, "message").is_empty());
            e
        }
    }
}

async fn refused_with(p: Promise, name: &str) -> JsValue {
    let e = refusal(p).await;
    assert_eq!(
        prop_str(&e, "name"),
        name,
        "message: {}",
        prop_str(&e, "message")
    );
    e
}

async fn step(p: Promise) -> JsValue {
    match wait(p).await {
        Ok(v) => v,
        Err(e) => panic!("{}: {}", prop_str(&e, "name"), prop_str(&e, "message")),
    }
}

async fn ok(p: Promise) {
    step(p).await;
}

/// A request to the emulator (admin API or raw user-pool API).
async fn http(
    method: &'static str,
    path: &str,
    headers: Vec<(&'static str, String)>,
    body: &str,
) -> (u16, Json) {
    let mut h = cognito_wasm::core::json::JsonObject::new();
    for (k, v) in &headers {
        h = h.str(k, v);
    }
    let mut init = cognito_wasm::core::json::JsonObject::new()
        .str("method", method)
        .obj("headers", h);
    if !body.is_empty() {
        init = init.str("body", body);
    }
    let url = format!("{EMULATOR}{path}");
    let r: web_sys::Response = JsFuture::from(global_fetch(&url, &js(&init.to_string())))
        .await
        .expect("the emulator is reachable (run under scripts/with-emulator.sh)")
        .into();
    let body = JsFuture::from(r.text().unwrap()).await.unwrap().as_string().unwrap();
    let json = if body.is_empty() {
        Json::Null
    } else {
        Json::parse(&body).expect("JSON from the emulator")
    };
    (r.status(), json)
}

async fn admin(method: &'static str, path: &str, body: &str) -> Json {
    let (status, json) = http(
        method,
        path,
        vec![("Content-Type", "application/json".into())],
        body,
    )
    .await;
    assert!(
        (200..300).contains(&status),
        "admin {path}: {status} {}",
        json.to_string()
    );
    json
}

fn unique(prefix: &str) -> String {
    let n = (js_sys::Math::random() * 1e12) as u64;
    format!("{prefix}-{n}")
}

/// Creates a user (`extra` is more JSON members of the seed shape: status, groups, mfa, ...).
async fn make_user(pool: &str, extra: &str) -> String {
    let username = unique("browser");
    let body = format!(
        r#"{{"pool":"{pool}","username":"{username}","password":"{PASSWORD}","attributes":{{"email":"{username}@example.com","email_verified":"true","name":"Browser Tester","custom:plan":"pro"}}{extra}}}"#
    );
    admin("POST", "/__admin/users", &body).await;
    username
}

async fn last_code(username: &str, pool: &str) -> String {
    let j = admin(
        "GET",
        &format!("/__admin/codes?username={username}&pool={pool}"),
        "",
    )
    .await;
    j.str_field("code").expect("a code was sent").to_string()
}

async fn totp_code(secret: &str) -> String {
    let j = admin("GET", &format!("/__admin/totp?secret={secret}"), "").await;
    j.str_field("code").unwrap().to_string()
}

async fn counter(op: &str) -> u64 {
    admin("GET", "/__admin/counters", "")
        .await
        .get(op)
        .and_then(Json::as_u64)
        .unwrap_or(0)
}

fn config(pool: &str, client: &str, extra: &str) -> String {
    format!(
        r#"{{"region":"us-east-1","userPoolId":"{pool}","clientId":"{client}","storage":"memory","endpoints":{{"userPool":"{EMULATOR}"}}{extra}}}"#
    )
}

fn auth_with(pool: &str, client: &str, extra: &str) -> CognitoAuth {
    CognitoAuth::new(Some(config(pool, client, extra)))
        .unwrap_or_else(|e| panic!("config refused: {}", prop_str(&e, "message")))
}

fn auth() -> CognitoAuth {
    auth_with(POOL, SPA, "")
}

fn sign_in_args(username: &str, password: &str) -> JsValue {
    js(&format!(
        r#"{{"username":"{username}","password":"{password}"}}"#
    ))
}

async fn sign_in(a: &CognitoAuth, username: &str) {
    let s = step(a.sign_in(sign_in_args(username, PASSWORD))).await;
    assert_eq!(text(&s), r#"{"step":"DONE"}"#);
}

/// Records the events of `a` as their `type`s.
fn record(a: &CognitoAuth) -> Rc<RefCell<Vec<String>>> {
    let seen = Rc::new(RefCell::new(Vec::new()));
    for ev in ["signedIn", "signedOut", "tokenRefreshed", "refreshFailed"] {
        let s = seen.clone();
        let cb = Closure::<dyn Fn(JsValue)>::new(move |event: JsValue| {
            let mut t = prop_str(&event, "type");
            if let Some(name) = prop(&prop(&event, "error"), "name").as_string() {
                t = format!("{t}:{name}");
            }
            s.borrow_mut().push(t);
        });
        a.on(ev, cb.into_js_value()).unwrap();
    }
    seen
}

/// A raw `InitiateAuth` `REFRESH_TOKEN_AUTH`, bypassing the SDK: (status, `__type`).
async fn raw_refresh(client: &str, refresh_token: &str) -> (u16, String) {
    let body = format!(
        r#"{{"AuthFlow":"REFRESH_TOKEN_AUTH","ClientId":"{client}","AuthParameters":{{"REFRESH_TOKEN":"{refresh_token}"}}}}"#
    );
    let (status, json) = http(
        "POST",
        "/",
        vec![
            ("Content-Type", "application/x-amz-json-1.1".into()),
            (
                "X-Amz-Target",
                "AWSCognitoIdentityProviderService.InitiateAuth".into(),
            ),
        ],
        &body,
    )
    .await;
    (
        status,
        json.get("__type")
            .and_then(Json::as_str)
            .unwrap_or("")
            .to_string(),
    )
}

fn storage(name: &str) -> web_sys::Storage {
    use wasm_bindgen::JsCast;
    Reflect::get(&js_sys::global(), &JsValue::from_str(name))
        .unwrap()
        .dyn_into()
        .unwrap()
}

fn session_storage() -> web_sys::Storage {
    storage("sessionStorage")
}

fn local_storage() -> web_sys::Storage {
    storage("localStorage")
}

// ---------------------------------------------------------------------------------------------
// Sign-in

#[wasm_bindgen_test]
async fn srp_sign_in_shows_claims_and_sign_out_revokes_the_refresh_token() {
    let username = make_user(POOL, r#","groups":["admins","testers"]"#).await;
    let key = format!("cognito-wasm.{POOL}.{SPA}.session");
    session_storage().remove_item(&key).unwrap();
    let a = auth_with(POOL, SPA, r#","storage":"session""#);
    let seen = record(&a);
    assert!(!a.is_signed_in());
    assert!(user(&a).is_null());

    sign_in(&a, &username).await;
    assert!(a.is_signed_in());
    let shown = user(&a);
    assert_eq!(prop_str(&shown, "username"), username);
    assert_eq!(prop_str(&shown, "email"), format!("{username}@example.com"));
    assert_eq!(prop_str(&shown, "name"), "Browser Tester");
    assert_eq!(prop(&shown, "emailVerified").as_bool(), Some(true));
    assert_eq!(text(&prop(&shown, "groups")), r#"["admins","testers"]"#);
    assert_eq!(text(&prop(&shown, "custom")), r#"{"plan":"pro"}"#);
    assert_eq!(prop_str(&shown, "sub").len(), 36);

    let tokens = step(a.get_tokens(JsValue::UNDEFINED)).await;
    assert_eq!(prop_str(&tokens, "accessToken").split('.').count(), 3);
    assert!(prop(&tokens, "refreshToken").is_undefined());

    // The session is in sessionStorage, under the pool/client prefix.
    let stored = Json::parse(
        &session_storage()
            .get_item(&key)
            .unwrap()
            .expect("stored session"),
    )
    .unwrap();
    let refresh_token = stored.str_field("refreshToken").unwrap().to_string();
    assert_eq!(
        raw_refresh(SPA, &refresh_token).await.0,
        200,
        "the refresh token works before sign-out"
    );

    ok(a.sign_out(JsValue::UNDEFINED)).await;
    assert!(!a.is_signed_in());
    assert!(user(&a).is_null());
    assert_eq!(session_storage().get_item(&key).unwrap(), None);
    assert_eq!(
        raw_refresh(SPA, &refresh_token).await,
        (400, "NotAuthorizedException".to_string())
    );
    refused_with(a.get_tokens(JsValue::UNDEFINED), "NotSignedIn").await;
    assert_eq!(*seen.borrow(), ["signedIn", "signedOut"]);
}

#[wasm_bindgen_test]
async fn password_flow_and_a_client_secret() {
    let username = make_user(POOL, "").await;
    let a = auth_with(POOL, WITH_SECRET, &format!(r#","clientSecret":"{SECRET}""#));
    let seen = record(&a);
    let s = step(a.sign_in(js(&format!(
        r#"{{"username":"{username}","password":"{PASSWORD}","flow":"USER_PASSWORD_AUTH"}}"#
    ))))
    .await;
    assert_eq!(text(&s), r#"{"step":"DONE"}"#);
    // A refresh sends SECRET_HASH over the user's cognito:username.
    let before = step(a.get_tokens(JsValue::UNDEFINED)).await;
    let after = step(a.get_tokens(js(r#"{"forceRefresh":true}"#))).await;
    assert_ne!(
        prop_str(&before, "accessToken"),
        prop_str(&after, "accessToken")
    );
    ok(a.sign_out(js(r#"{"strict":true}"#))).await;
    // SRP with SECRET_HASH over USER_ID_FOR_SRP.
    sign_in(&a, &username).await;
    ok(a.sign_out(JsValue::UNDEFINED)).await;
    assert_eq!(
        *seen.borrow(),
        [
            "signedIn",
            "tokenRefreshed",
            "signedOut",
            "signedIn",
            "signedOut"
        ]
    );
    // Without the secret the client refuses.
    let b = auth_with(POOL, WITH_SECRET, "");
    refused_with(
        b.sign_in(sign_in_args(&username, PASSWORD)),
        "NotAuthorizedException",
    )
    .await;
}

#[wasm_bindgen_test]
async fn sign_in_with_the_email_alias() {
    let username = make_user(POOL, "").await;
    let a = auth();
    sign_in(&a, &format!("{username}@example.com")).await;
    assert_eq!(prop_str(&user(&a), "username"), username);
    ok(a.sign_out(JsValue::UNDEFINED)).await;
}

#[wasm_bindgen_test]
async fn refusals_are_typed_errors() {
    let username = make_user(POOL, "").await;
    let a = auth();
    let e = refused_with(
        a.sign_in(sign_in_args(&username, "Wr0ng!password")),
        "NotAuthorizedException",
    )
    .await;
    assert_eq!(prop(&e, "status").as_f64(), Some(400.0));
    assert!(!text(&e).contains("[object Object]"));
    let e = refused_with(
        a.sign_in(sign_in_args(&username, "Wr0ng!password")),
        "NotAuthorizedException",
    )
    .await;
    assert!(
        !prop_str(&e, "message").contains("Wr0ng"),
        "the message never contains the password"
    );
    refused_with(
        a.confirm_sign_in(js(r#"{"code":"123456"}"#)),
        "InvalidState",
    )
    .await;
    refused_with(a.sign_in(js(r#"{"username":"x"}"#)), "InvalidParameter").await;
    refused_with(
        a.sign_in(js(
            r#"{"username":"x","password":"y","flow":"CUSTOM_AUTH"}"#,
        )),
        "InvalidParameter",
    )
    .await;
    let e = a
        .on("signedin", js_sys::Function::new_no_args("").into())
        .unwrap_err();
    assert_eq!(prop_str(&e, "name"), "InvalidParameter");
    // Throttling that outlasts the driver's three tries (js/auth.js) arrives as Cognito's
    // TooManyRequestsException.
    admin(
        "POST",
        "/__admin/faults",
        r#"{"target":"InitiateAuth","kind":"throttle","count":3}"#,
    )
    .await;
    let e = refused_with(
        a.sign_in(sign_in_args(&username, PASSWORD)),
        "TooManyRequestsException",
    )
    .await;
    assert_eq!(prop(&e, "status").as_f64(), Some(400.0));
    admin("DELETE", "/__admin/faults", "").await;
    // Connections closed without an answer, for every try (the driver's three, and the browser's
    // own retry of a POST on a kept-alive connection), are a NetworkError.
    admin(
        "POST",
        "/__admin/faults",
        r#"{"target":"InitiateAuth","kind":"close"}"#,
    )
    .await;
    let result = wait(a.sign_in(sign_in_args(&username, PASSWORD))).await;
    admin("DELETE", "/__admin/faults", "").await;
    assert_eq!(
        prop_str(&result.expect_err("no answer is an error"), "name"),
        "NetworkError"
    );
    // So is an endpoint where nothing listens.
    let nowhere = auth_with(
        POOL,
        SPA,
        r#","endpoints":{"userPool":"http://127.0.0.1:9"}"#,
    );
    refused_with(
        nowhere.sign_in(sign_in_args(&username, PASSWORD)),
        "NetworkError",
    )
    .await;
    sign_in(&a, &username).await;
    refused_with(a.sign_in(sign_in_args(&username, PASSWORD)), "InvalidState").await;
    ok(a.sign_out(JsValue::UNDEFINED)).await;
}

#[wasm_bindgen_test]
fn bad_config_is_invalid_config_naming_the_field() {
    let cases = [
        (r#"{"userPoolId":"us-east-1_A","clientId":"c"}"#, "region: "),
        (
            r#"{"region":"us-east-1","userPoolId":"eu-west-1_A","clientId":"c"}"#,
            "userPoolId: ",
        ),
        (
            r#"{"region":"us-east-1","userPoolId":"us-east-1_A"}"#,
            "clientId: ",
        ),
        (
            r#"{"region":"us-east-1","userPoolId":"us-east-1_A","clientId":"c","clientSecret":""}"#,
            "clientSecret: ",
        ),
        (
            r#"{"region":"us-east-1","userPoolId":"us-east-1_A","clientId":"c","endpoints":{"userPool":"localhost"}}"#,
            "endpoints.userPool: ",
        ),
        (
            r#"{"region":"us-east-1","userPoolId":"us-east-1_A","clientId":"c","oauth":{"domain":"x"}}"#,
            "oauth.domain: ",
        ),
        (
            r#"{"region":"us-east-1","userPoolId":"us-east-1_A","clientId":"c","storage":"cookies"}"#,
            "storage: ",
        ),
        (
            r#"{"region":"us-east-1","userPoolId":"us-east-1_A","clientId":"c","userpoolid":"x"}"#,
            "userpoolid: ",
        ),
    ];
    for (cfg, field) in cases {
        let e = CognitoAuth::new(Some(cfg.to_string()))
            .err()
            .unwrap_or_else(|| panic!("accepted: {cfg}"));
        assert!(e.is_instance_of::<js_sys::Error>());
        assert_eq!(prop_str(&e, "name"), "InvalidConfig");
        assert_eq!(prop_str(&e, "code"), "InvalidConfig");
        assert!(
            prop_str(&e, "message").starts_with(field),
            "{cfg}: {}",
            prop_str(&e, "message")
        );
    }
    let e = CognitoAuth::new(None).err().unwrap();
    assert_eq!(prop_str(&e, "name"), "InvalidConfig");
    let e = CognitoAuth::new(Some("[1]".into())).err().unwrap();
    assert_eq!(prop_str(&e, "name"), "InvalidConfig");
}

#[wasm_bindgen_test]
async fn new_password_required() {
    let username = make_user(POOL, r#","status":"FORCE_CHANGE_PASSWORD""#).await;
    let a = auth();
    let s = step(a.sign_in(sign_in_args(&username, PASSWORD))).await;
    assert_eq!(prop_str(&s, "step"), "NEW_PASSWORD_REQUIRED");
    assert!(prop(&s, "requiredAttributes").is_array());
    // The wrong kind of answer: InvalidParameter, and the step stays open.
    refused_with(
        a.confirm_sign_in(js(r#"{"code":"123456"}"#)),
        "InvalidParameter",
    )
    .await;
    // A password the pool's policy refuses: Cognito's error, and the step stays open.
    refused_with(
        a.confirm_sign_in(js(r#"{"newPassword":"short"}"#)),
        "InvalidPasswordException",
    )
    .await;
    let s = step(a.confirm_sign_in(js(
        r#"{"newPassword":"N3w!Passw0rd","attributes":{"name":"Renamed"}}"#,
    )))
    .await;
    assert_eq!(text(&s), r#"{"step":"DONE"}"#);
    assert_eq!(prop_str(&user(&a), "name"), "Renamed");
    ok(a.sign_out(JsValue::UNDEFINED)).await;
    let s = step(a.sign_in(sign_in_args(&username, "N3w!Passw0rd"))).await;
    assert_eq!(text(&s), r#"{"step":"DONE"}"#);
    ok(a.sign_out(JsValue::UNDEFINED)).await;
}

#[wasm_bindgen_test]
async fn unconfirmed_and_reset_required_users_get_steps() {
    let unconfirmed = make_user(POOL, r#","status":"UNCONFIRMED""#).await;
    let reset = make_user(POOL, r#","status":"RESET_REQUIRED""#).await;
    let a = auth();
    let s = step(a.sign_in(sign_in_args(&unconfirmed, PASSWORD))).await;
    assert_eq!(
        text(&s),
        format!(r#"{{"step":"CONFIRM_SIGN_UP","username":"{unconfirmed}"}}"#)
    );
    let s = step(a.sign_in(js(&format!(
        r#"{{"username":"{unconfirmed}","password":"{PASSWORD}","flow":"USER_PASSWORD_AUTH"}}"#
    ))))
    .await;
    assert_eq!(prop_str(&s, "step"), "CONFIRM_SIGN_UP");
    let s = step(a.sign_in(sign_in_args(&reset, PASSWORD))).await;
    assert_eq!(
        text(&s),
        format!(r#"{{"step":"RESET_PASSWORD","username":"{reset}"}}"#)
    );
    assert!(!a.is_signed_in());
    refused_with(a.confirm_sign_in(js(r#"{"code":"1"}"#)), "InvalidState").await;
}

// ---------------------------------------------------------------------------------------------
// MFA

#[wasm_bindgen_test]
async fn totp_setup_verify_and_mfa_sign_in() {
    let username = make_user(POOL, "").await;
    let a = auth_with(POOL, SPA, r#","totpIssuer":"Browser Test""#);
    sign_in(&a, &username).await;
    let setup = step(a.set_up_totp()).await;
    let secret = prop_str(&setup, "secret");
    assert!(secret.len() >= 16);
    assert_eq!(
        prop_str(&setup, "otpauthUri"),
        format!("otpauth://totp/Browser%20Test:{username}%40example.com?secret={secret}&issuer=Browser%20Test")
    );
    refused_with(
        a.verify_totp(js(r#"{"code":"000000"}"#)),
        "EnableSoftwareTokenMFAException",
    )
    .await;
    let code = totp_code(&secret).await;
    ok(a.verify_totp(js(&format!(
        r#"{{"code":"{code}","deviceName":"test phone"}}"#
    ))))
    .await;
    ok(a.set_mfa_preference(js(r#"{"totp":"PREFERRED"}"#))).await;
    ok(a.sign_out(JsValue::UNDEFINED)).await;

    let s = step(a.sign_in(sign_in_args(&username, PASSWORD))).await;
    assert_eq!(text(&s), r#"{"step":"MFA_TOTP"}"#);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    refused_with(
        a.confirm_sign_in(js(&format!(r#"{{"code":"{wrong}"}}"#))),
        "CodeMismatchException",
    )
    .await;
    // The step stays open after a wrong code.
    let code = totp_code(&secret).await;
    let s = step(a.confirm_sign_in(js(&format!(r#"{{"code":"{code}"}}"#)))).await;
    assert_eq!(text(&s), r#"{"step":"DONE"}"#);
    assert_eq!(prop_str(&user(&a), "username"), username);
    ok(a.set_mfa_preference(js(r#"{"totp":"DISABLED"}"#))).await;
    ok(a.sign_out(JsValue::UNDEFINED)).await;
    sign_in(&a, &username).await;
    ok(a.sign_out(JsValue::UNDEFINED)).await;
}

#[wasm_bindgen_test]
async fn mfa_setup_during_sign_in_when_the_pool_requires_mfa() {
    let username = make_user(MFA_POOL, "").await;
    let a = auth_with(MFA_POOL, MFA_CLIENT, "");
    let s = step(a.sign_in(sign_in_args(&username, PASSWORD))).await;
    assert_eq!(prop_str(&s, "step"), "MFA_SETUP_TOTP");
    let secret = prop_str(&s, "secret");
    assert_eq!(
        prop_str(&s, "otpauthUri"),
        format!("otpauth://totp/AWSCognito:{username}?secret={secret}&issuer=AWSCognito")
    );
    assert!(
        prop(&s, "session").is_undefined() && !text(&s).contains("Session"),
        "Cognito's session is never exposed"
    );
    refused_with(
        a.confirm_sign_in(js(r#"{"newPassword":"x"}"#)),
        "InvalidParameter",
    )
    .await;
    let code = totp_code(&secret).await;
    let s =
        step(a.confirm_sign_in(js(&format!(r#"{{"code":"{code}","deviceName":"phone"}}"#)))).await;
    assert_eq!(text(&s), r#"{"step":"DONE"}"#);
    ok(a.sign_out(JsValue::UNDEFINED)).await;
    let s = step(a.sign_in(sign_in_args(&username, PASSWORD))).await;
    assert_eq!(text(&s), r#"{"step":"MFA_TOTP"}"#);
}

#[wasm_bindgen_test]
async fn select_mfa_type_then_sms() {
    const TOTP_SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    let extra = format!(
        r#","mfa":{{"totp_secret":"{TOTP_SECRET}","sms":true}},"attributes":{{"email":"x@example.com","phone_number":"+15555550100","phone_number_verified":"true"}}"#
    );
    let username = make_user(POOL, &extra).await;
    let a = auth();
    let s = step(a.sign_in(sign_in_args(&username, PASSWORD))).await;
    assert_eq!(prop_str(&s, "step"), "SELECT_MFA_TYPE");
    let mut allowed: Vec<String> = js_sys::Array::from(&prop(&s, "allowedMfaTypes"))
        .iter()
        .filter_map(|v| v.as_string())
        .collect();
    allowed.sort();
    assert_eq!(allowed, ["SMS", "TOTP"]);
    refused_with(
        a.confirm_sign_in(js(r#"{"mfaType":"EMAIL"}"#)),
        "InvalidParameter",
    )
    .await;
    let s = step(a.confirm_sign_in(js(r#"{"mfaType":"SMS"}"#))).await;
    assert_eq!(prop_str(&s, "step"), "MFA_SMS");
    assert_eq!(prop_str(&prop(&s, "codeDelivery"), "deliveryMedium"), "SMS");
    let code = last_code(&username, POOL).await;
    let s = step(a.confirm_sign_in(js(&format!(r#"{{"code":"{code}"}}"#)))).await;
    assert_eq!(text(&s), r#"{"step":"DONE"}"#);
    ok(a.sign_out(JsValue::UNDEFINED)).await;
    // And with TOTP.
    let s = step(a.sign_in(sign_in_args(&username, PASSWORD))).await;
    assert_eq!(prop_str(&s, "step"), "SELECT_MFA_TYPE");
    let s = step(a.confirm_sign_in(js(r#"{"mfaType":"TOTP"}"#))).await;
    assert_eq!(text(&s), r#"{"step":"MFA_TOTP"}"#);
    let code = totp_code(TOTP_SECRET).await;
    let s = step(a.confirm_sign_in(js(&format!(r#"{{"code":"{code}"}}"#)))).await;
    assert_eq!(text(&s), r#"{"step":"DONE"}"#);
    ok(a.sign_out(JsValue::UNDEFINED)).await;
}

// ---------------------------------------------------------------------------------------------
// Account flows

#[wasm_bindgen_test]
async fn sign_up_and_confirm() {
    let username = unique("signup");
    let a = auth();
    let r = step(a.sign_up(js(&format!(
        r#"{{"username":"{username}","password":"{PASSWORD}","attributes":{{"email":"{username}@example.com","name":"New User"}}}}"#
    ))))
    .await;
    assert_eq!(prop(&r, "userConfirmed").as_bool(), Some(false));
    assert_eq!(prop_str(&r, "userSub").len(), 36);
    assert_eq!(
        prop_str(&prop(&r, "codeDelivery"), "deliveryMedium"),
        "EMAIL"
    );
    assert_eq!(
        prop_str(&prop(&r, "codeDelivery"), "attributeName"),
        "email"
    );
    refused_with(
        a.sign_up(js(&format!(
            r#"{{"username":"{username}","password":"{PASSWORD}"}}"#
        ))),
        "UsernameExistsException",
    )
    .await;

    let s = step(a.sign_in(sign_in_args(&username, PASSWORD))).await;
    assert_eq!(prop_str(&s, "step"), "CONFIRM_SIGN_UP");
    let r = step(a.resend_sign_up_code(js(&format!(r#"{{"username":"{username}"}}"#)))).await;
    assert_eq!(
        prop_str(&prop(&r, "codeDelivery"), "deliveryMedium"),
        "EMAIL"
    );
    let code = last_code(&username, POOL).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    refused_with(
        a.confirm_sign_up(js(&format!(
            r#"{{"username":"{username}","code":"{wrong}"}}"#
        ))),
        "CodeMismatchException",
    )
    .await;
    let done = step(a.confirm_sign_up(js(&format!(
        r#"{{"username":"{username}","code":"{code}"}}"#
    ))))
    .await;
    assert!(done.is_undefined());
    sign_in(&a, &username).await;
    assert_eq!(prop_str(&user(&a), "name"), "New User");
    let attrs = step(a.fetch_user_attributes()).await;
    assert_eq!(prop_str(&attrs, "email"), format!("{username}@example.com"));
    assert_eq!(prop_str(&attrs, "email_verified"), "true");
    ok(a.sign_out(JsValue::UNDEFINED)).await;
    refused_with(a.fetch_user_attributes(), "NotSignedIn").await;
}

#[wasm_bindgen_test]
async fn forgot_and_confirm_password() {
    let username = make_user(POOL, "").await;
    let a = auth();
    let r = step(a.forgot_password(js(&format!(r#"{{"username":"{username}"}}"#)))).await;
    assert_eq!(
        prop_str(&prop(&r, "codeDelivery"), "deliveryMedium"),
        "EMAIL"
    );
    let code = last_code(&username, POOL).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let args = |c: &str| {
        js(&format!(
            r#"{{"username":"{username}","code":"{c}","newPassword":"N3w!Passw0rd"}}"#
        ))
    };
    refused_with(
        a.confirm_forgot_password(args(wrong)),
        "CodeMismatchException",
    )
    .await;
    ok(a.confirm_forgot_password(args(&code))).await;
    refused_with(
        a.sign_in(sign_in_args(&username, PASSWORD)),
        "NotAuthorizedException",
    )
    .await;
    let s = step(a.sign_in(sign_in_args(&username, "N3w!Passw0rd"))).await;
    assert_eq!(text(&s), r#"{"step":"DONE"}"#);
    ok(a.sign_out(JsValue::UNDEFINED)).await;
}

#[wasm_bindgen_test]
async fn an_expired_code_is_expired_code_exception() {
    let username = make_user(POOL, "").await;
    let a = auth();
    ok(a.forgot_password(js(&format!(r#"{{"username":"{username}"}}"#)))).await;
    let code = last_code(&username, POOL).await;
    // Codes live an hour: move the emulator's clock two hours ahead, and always back.
    admin("POST", "/__admin/clock", r#"{"skew_seconds":7200}"#).await;
    let result = wait(a.confirm_forgot_password(js(&format!(
        r#"{{"username":"{username}","code":"{code}","newPassword":"N3w!Passw0rd"}}"#
    ))))
    .await;
    admin("POST", "/__admin/clock", r#"{"skew_seconds":0}"#).await;
    let e = result.expect_err("an expired code is refused");
    assert_eq!(prop_str(&e, "name"), "ExpiredCodeException");
    assert_eq!(prop_str(&e, "code"), "ExpiredCodeException");
}

#[wasm_bindgen_test]
async fn change_password() {
    let username = make_user(POOL, "").await;
    let a = auth();
    refused_with(
        a.change_password(js(r#"{"oldPassword":"a","newPassword":"b"}"#)),
        "NotSignedIn",
    )
    .await;
    sign_in(&a, &username).await;
    refused_with(
        a.change_password(js(
            r#"{"oldPassword":"Wr0ng!password","newPassword":"N3w!Passw0rd"}"#,
        )),
        "NotAuthorizedException",
    )
    .await;
    ok(a.change_password(js(&format!(
        r#"{{"oldPassword":"{PASSWORD}","newPassword":"N3w!Passw0rd"}}"#
    ))))
    .await;
    ok(a.sign_out(JsValue::UNDEFINED)).await;
    refused_with(
        a.sign_in(sign_in_args(&username, PASSWORD)),
        "NotAuthorizedException",
    )
    .await;
    let s = step(a.sign_in(sign_in_args(&username, "N3w!Passw0rd"))).await;
    assert_eq!(text(&s), r#"{"step":"DONE"}"#);
    ok(a.sign_out(JsValue::UNDEFINED)).await;
}

// ---------------------------------------------------------------------------------------------
// Tokens, refresh, storage

#[wasm_bindgen_test]
async fn concurrent_get_tokens_share_one_refresh() {
    let username = make_user(POOL, "").await;
    let a = auth();
    let seen = record(&a);
    sign_in(&a, &username).await;
    let before = counter("InitiateAuth").await;
    let force = || js(r#"{"forceRefresh":true}"#);
    let (p1, p2, p3) = (
        a.get_tokens(force()),
        a.get_tokens(force()),
        a.get_tokens(force()),
    );
    let (t1, t2, t3) = (step(p1).await, step(p2).await, step(p3).await);
    assert_eq!(
        counter("InitiateAuth").await - before,
        1,
        "one refresh for three concurrent calls"
    );
    assert_eq!(text(&t1), text(&t2));
    assert_eq!(text(&t1), text(&t3));
    assert_eq!(*seen.borrow(), ["signedIn", "tokenRefreshed"]);
    // Fresh tokens need no request at all.
    step(a.get_tokens(JsValue::UNDEFINED)).await;
    assert_eq!(counter("InitiateAuth").await - before, 1);
    ok(a.sign_out(JsValue::UNDEFINED)).await;
}

#[wasm_bindgen_test]
async fn a_revoked_refresh_token_signs_out_with_events() {
    let username = make_user(POOL, "").await;
    let a = auth();
    let b = auth();
    sign_in(&a, &username).await;
    sign_in(&b, &username).await;
    let seen = record(&a);
    // A global sign-out elsewhere revokes a's refresh token.
    ok(b.sign_out(js(r#"{"global":true,"strict":true}"#))).await;
    refused_with(
        a.get_tokens(js(r#"{"forceRefresh":true}"#)),
        "NotAuthorizedException",
    )
    .await;
    assert!(!a.is_signed_in());
    assert_eq!(
        *seen.borrow(),
        ["refreshFailed:NotAuthorizedException", "signedOut"]
    );
}

#[wasm_bindgen_test]
async fn unsubscribed_listeners_are_not_called() {
    let username = make_user(POOL, "").await;
    let a = auth();
    let count = Rc::new(RefCell::new(0));
    let c = count.clone();
    let cb = Closure::<dyn Fn(JsValue)>::new(move |_| *c.borrow_mut() += 1);
    let off = a.on("signedIn", cb.into_js_value()).unwrap();
    off.call0(&JsValue::UNDEFINED).unwrap();
    // Unsubscribing twice is harmless.
    off.call0(&JsValue::UNDEFINED).unwrap();
    sign_in(&a, &username).await;
    assert_eq!(*count.borrow(), 0);
    ok(a.sign_out(JsValue::UNDEFINED)).await;
}

#[wasm_bindgen_test]
async fn a_reload_restores_the_session_from_local_storage() {
    let username = make_user(POOL, "").await;
    let cfg = r#","storage":"local""#;
    let key = format!("cognito-wasm.{POOL}.{SPA}.session");
    local_storage().remove_item(&key).unwrap();
    let a = auth_with(POOL, SPA, cfg);
    sign_in(&a, &username).await;
    assert!(local_storage().get_item(&key).unwrap().is_some());
    // Another client of the same pool does not see it.
    assert!(!auth_with(
        POOL,
        WITH_SECRET,
        &format!(r#","storage":"local","clientSecret":"{SECRET}""#)
    )
    .is_signed_in());
    let reloaded = auth_with(POOL, SPA, cfg);
    assert!(reloaded.is_signed_in());
    assert_eq!(text(&user(&reloaded)), text(&user(&a)));
    step(reloaded.get_tokens(js(r#"{"forceRefresh":true}"#))).await;
    ok(reloaded.sign_out(JsValue::UNDEFINED)).await;
    assert_eq!(local_storage().get_item(&key).unwrap(), None);
    assert!(!auth_with(POOL, SPA, cfg).is_signed_in());
    // A corrupt entry is dropped, not trusted.
    local_storage()
        .set_item(
            &key,
            r#"{"idToken":"x.y.z","accessToken":"x.y.z","expiresAt":1,"username":"u"}"#,
        )
        .unwrap();
    assert!(!auth_with(POOL, SPA, cfg).is_signed_in());
    assert_eq!(local_storage().get_item(&key).unwrap(), None);
}

#[wasm_bindgen_test]
async fn tokens_from_another_issuer_are_refused_and_not_stored() {
    let username = make_user(POOL, "").await;
    let key = format!("cognito-wasm.{POOL}.{SPA}.session");
    session_storage().remove_item(&key).unwrap();
    let a = auth_with(
        POOL,
        SPA,
        r#","storage":"session","issuer":"https://issuer.example.com/other""#,
    );
    let e = refused_with(
        a.sign_in(sign_in_args(&username, PASSWORD)),
        "TokenVerificationFailed",
    )
    .await;
    assert!(prop_str(&e, "message").starts_with("issuer"));
    assert!(!a.is_signed_in());
    assert_eq!(session_storage().get_item(&key).unwrap(), None);
}

#[wasm_bindgen_test]
async fn a_rotating_client_refreshes_with_get_tokens_from_refresh_token() {
    let username = make_user(POOL, "").await;
    let a = auth_with(POOL, ROTATING, r#","refreshTokenRotation":true"#);
    sign_in(&a, &username).await;
    let before = counter("GetTokensFromRefreshToken").await;
    step(a.get_tokens(js(r#"{"forceRefresh":true}"#))).await;
    step(a.get_tokens(js(r#"{"forceRefresh":true}"#))).await;
    assert_eq!(counter("GetTokensFromRefreshToken").await - before, 2);
    ok(a.sign_out(js(r#"{"strict":true}"#))).await;
    // Without the option the refresh is refused (and is not a reason to sign out).
    let b = auth_with(POOL, ROTATING, "");
    sign_in(&b, &username).await;
    refused_with(
        b.get_tokens(js(r#"{"forceRefresh":true}"#)),
        "InvalidParameterException",
    )
    .await;
    assert!(b.is_signed_in());
    ok(b.sign_out(JsValue::UNDEFINED)).await;
}

#[wasm_bindgen_test]
async fn sign_out_clears_the_session_even_when_cognito_is_unreachable() {
    let username = make_user(POOL, "").await;
    let a = auth();
    sign_in(&a, &username).await;
    // Connections closed without an answer, for every try (the driver's three, and the
    // browser's own retry of a POST on a kept-alive connection).
    admin(
        "POST",
        "/__admin/faults",
        r#"{"target":"RevokeToken","kind":"close"}"#,
    )
    .await;
    let quiet = wait(a.sign_out(JsValue::UNDEFINED)).await;
    admin("DELETE", "/__admin/faults", "").await;
    assert!(quiet
        .expect("without strict, sign-out succeeds")
        .is_undefined());
    assert!(!a.is_signed_in());
    sign_in(&a, &username).await;
    admin(
        "POST",
        "/__admin/faults",
        r#"{"target":"RevokeToken","kind":"close"}"#,
    )
    .await;
    let strict = wait(a.sign_out(js(r#"{"strict":true}"#))).await;
    admin("DELETE", "/__admin/faults", "").await;
    assert_eq!(
        prop_str(
            &strict.expect_err("with strict, the failure is reported"),
            "name"
        ),
        "NetworkError"
    );
    assert!(!a.is_signed_in());
    // A server error on every try is reported the same way, and the session is gone all the same.
    sign_in(&a, &username).await;
    admin(
        "POST",
        "/__admin/faults",
        r#"{"target":"RevokeToken","kind":"error","count":3}"#,
    )
    .await;
    let e = refusal(a.sign_out(js(r#"{"strict":true}"#))).await;
    admin("DELETE", "/__admin/faults", "").await;
    assert_eq!(prop(&e, "status").as_f64(), Some(500.0));
    assert!(!a.is_signed_in());
}

/// The device clock and the servers' disagree by ten minutes either way (the emulator's clock
/// is skewed; the page's is not): SRP sign-in still works (its TIMESTAMP follows the `Date`
/// header Cognito's API exposes to the page), and so does a refresh.
#[wasm_bindgen_test]
async fn a_clock_ten_minutes_off_either_way_still_signs_in_and_refreshes() {
    let username = make_user(POOL, "").await;
    let mut outcomes = Vec::new();
    for skew in [600, -600] {
        admin("POST", "/__admin/clock", &format!(r#"{{"skew_seconds":{skew}}}"#)).await;
        let a = auth();
        let signed_in = match wait(a.sign_in(sign_in_args(&username, PASSWORD))).await {
            Ok(step) => text(&step),
            Err(e) => format!("{}: {}", prop_str(&e, "name"), prop_str(&e, "message")),
        };
        let refreshed = match wait(a.get_tokens(js(r#"{"forceRefresh":true}"#))).await {
            Ok(t) => prop_str(&t, "idToken").split('.').count().to_string(),
            Err(e) => format!("{}: {}", prop_str(&e, "name"), prop_str(&e, "message")),
        };
        let _ = wait(a.sign_out(JsValue::UNDEFINED)).await;
        outcomes.push((skew, signed_in, refreshed));
    }
    // Back to the emulator's own clock before any assertion can stop this test.
    admin("POST", "/__admin/clock", r#"{"skew_seconds":0}"#).await;
    for (skew, signed_in, refreshed) in outcomes {
        assert_eq!(signed_in, r#"{"step":"DONE"}"#, "skew {skew} s");
        assert_eq!(refreshed, "3", "skew {skew} s: a refresh gives a JWT");
    }
}

/// `token` with its header or payload (segment `i`) replaced: valid base64url, but no longer
/// what the pool signed.
fn tamper(token: &str, i: usize, edit: impl Fn(String) -> String) -> String {
    use cognito_wasm::core::encoding::{base64url_decode, base64url_encode};
    let mut parts: Vec<String> = token.split('.').map(str::to_string).collect();
    let json = String::from_utf8(base64url_decode(&parts[i], "segment").unwrap()).unwrap();
    parts[i] = base64url_encode(edit(json).as_bytes());
    parts.join(".")
}

/// A stored session whose tokens are not what the pool signed — a changed claim, `alg: none` —
/// is refused on first use: `TokenVerificationFailed`, `signedOut`, storage cleared. The
/// signatures are checked with Web Crypto against the pool's JWKS (every other test here signs
/// in with the emulator's real RS256 tokens, checked the same way).
#[wasm_bindgen_test]
async fn stored_tokens_that_are_not_the_pools_are_refused_on_first_use() {
    let username = make_user(POOL, "").await;
    let key = format!("cognito-wasm.{POOL}.{SPA}.session");
    let cfg = r#","storage":"local""#;
    local_storage().remove_item(&key).unwrap();
    let a = auth_with(POOL, SPA, cfg);
    sign_in(&a, &username).await;
    let stored = Json::parse(&local_storage().get_item(&key).unwrap().unwrap()).unwrap();
    let id = stored.str_field("idToken").unwrap().to_string();
    let forgeries = [
        ("a changed claim", tamper(&id, 1, |p| p.replace("Browser Tester", "Admin Tester"))),
        ("alg none", tamper(&id, 0, |_| r#"{"alg":"none","kid":"x"}"#.to_string())),
    ];
    for (what, forged) in forgeries {
        assert_ne!(forged, id);
        let text = stored.to_string().replace(&id, &forged);
        local_storage().set_item(&key, &text).unwrap();
        let b = auth_with(POOL, SPA, cfg);
        let seen = record(&b);
        let e = refused_with(b.get_tokens(JsValue::UNDEFINED), "TokenVerificationFailed").await;
        let message = prop_str(&e, "message");
        assert!(message.starts_with("signature:") || message.starts_with("alg:"), "{what}: {message}");
        assert!(!b.is_signed_in(), "{what}");
        assert_eq!(local_storage().get_item(&key).unwrap(), None, "{what}");
        assert_eq!(*seen.borrow(), ["signedOut"], "{what}");
    }
    // The genuine session still works.
    local_storage().set_item(&key, &stored.to_string()).unwrap();
    let c = auth_with(POOL, SPA, cfg);
    step(c.get_tokens(JsValue::UNDEFINED)).await;
    ok(c.sign_out(JsValue::UNDEFINED)).await;
}

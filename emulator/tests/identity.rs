//! The identity-pool service over real HTTP: an emulator per test, started in-process on port 0
//! from the seed below. Login tokens come from a real sign-in (USER_PASSWORD_AUTH) or are minted
//! with the emulator's own key (`app.signer`) so that each claim can be made wrong on purpose.

mod common;

use emulator::app::App;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::Arc;

const SEED: &str = r#"
region = "us-east-1"

[[user_pools]]
id = "us-east-1_IdTest001"
[[user_pools.clients]]
id = "idclient00000000000000001"
explicit_auth_flows = ["USER_PASSWORD_AUTH", "REFRESH_TOKEN_AUTH"]
[[user_pools.clients]]
id = "idclient00000000000000002"
[[user_pools.users]]
username = "ida"
password = "Passw0rd!"
attributes = { email = "ida@example.com" }

[[user_pools]]
id = "us-east-1_Other0001"
[[user_pools.clients]]
id = "otherclient0000000000001"

[[identity_pools]]
id = "us-east-1:11111111-1111-4111-8111-111111111111"
name = "guests-allowed"
allow_unauthenticated = true
providers = [{ user_pool = "us-east-1_IdTest001", client_id = "idclient00000000000000001" }]

[[identity_pools]]
id = "22222222-2222-4222-8222-222222222222"
name = "no-guests"
credentials_validity_seconds = 900
providers = [{ user_pool = "us-east-1_IdTest001", client_id = "idclient00000000000000001" }]
"#;

const POOL: &str = "us-east-1:11111111-1111-4111-8111-111111111111";
const NO_GUESTS: &str = "us-east-1:22222222-2222-4222-8222-222222222222";
const USER_POOL: &str = "us-east-1_IdTest001";
const OTHER_POOL: &str = "us-east-1_Other0001";
const CLIENT: &str = "idclient00000000000000001";
const UNLISTED_CLIENT: &str = "idclient00000000000000002";

fn provider(user_pool: &str) -> String {
    format!("cognito-idp.us-east-1.amazonaws.com/{user_pool}")
}

struct Emu {
    port: u16,
    app: Arc<App>,
}

fn temp_dir(tag: &str) -> PathBuf {
    let d =
        std::env::temp_dir().join(format!("emu-{tag}-{}", emulator::crypto::hex(&emulator::crypto::random_bytes(6))));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn start(data_dir: Option<&Path>) -> Emu {
    let dir = temp_dir("idseed");
    let seed = dir.join("seed.toml");
    std::fs::write(&seed, SEED).unwrap();
    let running = emulator::start(emulator::Options {
        config: Some(seed),
        port: 0,
        data_dir: data_dir.map(Path::to_path_buf),
        stdin_watch: false,
    })
    .expect("emulator starts");
    Emu { port: running.port, app: running.app.clone() }
}

use common::request as http;

impl Emu {
    /// An `AWSCognitoIdentityService` call: status, the raw body and the parsed body.
    fn call(&self, op: &str, body: Value) -> (u16, String, Value) {
        let target = format!("AWSCognitoIdentityService.{op}");
        let r = http(
            self.port,
            "POST",
            "/",
            &[("x-amz-target", &target), ("content-type", "application/x-amz-json-1.1")],
            body.to_string().as_bytes(),
        );
        if r.status == 200 {
            assert_eq!(r.header("content-type"), Some("application/x-amz-json-1.1"));
        }
        let text = r.text();
        let v = serde_json::from_str(&text).unwrap_or(Value::Null);
        (r.status, text, v)
    }

    fn ok(&self, op: &str, body: Value) -> Value {
        let (s, text, v) = self.call(op, body);
        assert_eq!(s, 200, "{op}: {text}");
        v
    }

    /// A call that must fail with `kind` (HTTP 400); returns the message.
    fn fails(&self, op: &str, body: Value, kind: &str) -> String {
        let (s, text, v) = self.call(op, body);
        assert_eq!((s, v["__type"].as_str().unwrap_or("")), (400, kind), "{op}: {text}");
        v["message"].as_str().unwrap_or("").to_string()
    }

    /// An id token minted with the emulator's key: claims `sub`, `iss` of `user_pool`, `aud`,
    /// `token_use`, `exp` = now + `ttl`; `edit` can change them.
    fn token(&self, user_pool: &str, aud: &str, sub: &str, ttl: i64, edit: impl FnOnce(&mut Value)) -> String {
        let now = self.app.clock.now_secs();
        let mut claims = json!({
            "sub": sub, "iss": self.app.issuer(user_pool), "aud": aud, "token_use": "id",
            "cognito:username": sub, "auth_time": now, "iat": now, "exp": now + ttl,
        });
        edit(&mut claims);
        self.app.signer.jwt(&claims)
    }

    fn id_token(&self, sub: &str) -> String {
        self.token(USER_POOL, CLIENT, sub, 3600, |_| {})
    }

    fn get_id(&self, pool: &str, token: Option<&str>) -> String {
        let mut body = json!({ "IdentityPoolId": pool });
        if let Some(t) = token {
            body["Logins"] = json!({ provider(USER_POOL): t });
        }
        self.ok("GetId", body)["IdentityId"].as_str().unwrap().to_string()
    }

    fn credentials(&self, identity: &str, token: Option<&str>) -> (String, Value) {
        let mut body = json!({ "IdentityId": identity });
        if let Some(t) = token {
            body["Logins"] = json!({ provider(USER_POOL): t });
        }
        let (s, text, v) = self.call("GetCredentialsForIdentity", body);
        assert_eq!(s, 200, "{text}");
        (text, v)
    }
}

fn is_identity_id(id: &str) -> bool {
    let Some(uuid) = id.strip_prefix("us-east-1:") else { return false };
    let groups: Vec<&str> = uuid.split('-').collect();
    groups.iter().map(|g| g.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
        && uuid.bytes().all(|b| b == b'-' || b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[test]
fn real_sign_in_gets_a_stable_identity_and_credentials() {
    let emu = start(None);
    let target = "AWSCognitoIdentityProviderService.InitiateAuth";
    let r = http(
        emu.port,
        "POST",
        "/",
        &[("x-amz-target", target), ("content-type", "application/x-amz-json-1.1")],
        json!({ "ClientId": CLIENT, "AuthFlow": "USER_PASSWORD_AUTH",
                "AuthParameters": { "USERNAME": "ida", "PASSWORD": "Passw0rd!" } })
        .to_string()
        .as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let auth: Value = serde_json::from_slice(&r.body).unwrap();
    let id_token = auth["AuthenticationResult"]["IdToken"].as_str().unwrap().to_string();

    let id = emu.get_id(POOL, Some(&id_token));
    assert!(is_identity_id(&id), "{id}");
    assert_eq!(emu.get_id(POOL, Some(&id_token)), id, "the same user gets the same identity");

    let now = emu.app.clock.now_secs();
    let (raw, v) = emu.credentials(&id, Some(&id_token));
    assert_eq!(v["IdentityId"], id.as_str());
    let c = &v["Credentials"];
    let akid = c["AccessKeyId"].as_str().unwrap();
    assert!(akid.starts_with("ASIA") && akid.len() == 20, "{akid}");
    assert_eq!(c["SecretKey"].as_str().unwrap().len(), 40);
    assert!(c["SessionToken"].as_str().unwrap().len() > 100);
    // Expiration is epoch seconds in Java's double notation, as Cognito sends it.
    let expiration_text = raw.split("\"Expiration\":").nth(1).unwrap().split(',').next().unwrap();
    assert!(expiration_text.starts_with("1.") && expiration_text.contains("E9"), "{expiration_text}");
    let expiration = c["Expiration"].as_f64().unwrap() as i64;
    assert!((now + 3600..=now + 3605).contains(&expiration), "{expiration} vs {now}");

    let issued = emu.app.identity_pools.lock().unwrap().credentials(akid).expect("remembered for S3");
    assert_eq!(issued.identity_id, id);
    assert!(issued.authenticated);
    assert_eq!(issued.session_token, c["SessionToken"].as_str().unwrap());
    assert_eq!(issued.secret_access_key, c["SecretKey"].as_str().unwrap());

    // Operations are counted under their names.
    let counters = emu.app.faults.counters();
    assert_eq!(counters.get("GetId"), Some(&2));
    assert_eq!(counters.get("GetCredentialsForIdentity"), Some(&1));
}

#[test]
fn identities_are_per_user_and_fresh_tokens_keep_them() {
    let emu = start(None);
    let a = emu.get_id(POOL, Some(&emu.id_token("user-a")));
    let b = emu.get_id(POOL, Some(&emu.id_token("user-b")));
    assert_ne!(a, b);
    assert_eq!(emu.get_id(POOL, Some(&emu.id_token("user-a"))), a);
    // Another identity pool gives the same user another identity.
    let other = emu.get_id(NO_GUESTS, Some(&emu.id_token("user-a")));
    assert_ne!(other, a);
    // That pool's credentials live 900 s, as its seed says.
    let now = emu.app.clock.now_secs();
    let (_, v) = emu.credentials(&other, Some(&emu.id_token("user-a")));
    let exp = v["Credentials"]["Expiration"].as_f64().unwrap() as i64;
    assert!((now + 900..=now + 905).contains(&exp), "{exp} vs {now}");
}

#[test]
fn forged_and_malformed_tokens_are_refused() {
    let emu = start(None);
    let good = emu.id_token("user-a");
    let parts: Vec<&str> = good.split('.').collect();
    let forged_payload = emulator::crypto::b64url(
        json!({ "sub": "user-b", "iss": emu.app.issuer(USER_POOL), "aud": CLIENT, "token_use": "id",
                "exp": emu.app.clock.now_secs() + 3600 })
        .to_string()
        .as_bytes(),
    );
    let forged = format!("{}.{}.{}", parts[0], forged_payload, parts[2]);
    let msg = emu.fails(
        "GetId",
        json!({ "IdentityPoolId": POOL, "Logins": { provider(USER_POOL): forged } }),
        "NotAuthorizedException",
    );
    assert_eq!(msg, "Invalid login token. Couldn't verify signed token.");
    let msg = emu.fails(
        "GetId",
        json!({ "IdentityPoolId": POOL, "Logins": { provider(USER_POOL): "not-a-jwt" } }),
        "NotAuthorizedException",
    );
    assert_eq!(msg, "Invalid login token. Not a valid OpenId Connect identity token.");
    // The forged token is refused by GetCredentialsForIdentity too.
    let id = emu.get_id(POOL, Some(&good));
    let msg = emu.fails(
        "GetCredentialsForIdentity",
        json!({ "IdentityId": id, "Logins": { provider(USER_POOL): forged } }),
        "NotAuthorizedException",
    );
    assert_eq!(msg, "Invalid login token. Couldn't verify signed token.");
}

#[test]
fn expired_tokens_are_refused() {
    let emu = start(None);
    let expired = emu.token(USER_POOL, CLIENT, "user-a", -5, |_| {});
    let msg = emu.fails(
        "GetId",
        json!({ "IdentityPoolId": POOL, "Logins": { provider(USER_POOL): expired } }),
        "NotAuthorizedException",
    );
    let exp = emu.app.clock.now_secs() - 5;
    assert!(msg.starts_with("Invalid login token. Token expired: "), "{msg}");
    assert!(msg.ends_with(&format!(" >= {exp}")), "{msg}");

    // A token that was valid for GetId expires before GetCredentialsForIdentity (emulator clock).
    let token = emu.token(USER_POOL, CLIENT, "user-a", 60, |_| {});
    let id = emu.get_id(POOL, Some(&token));
    emu.app.clock.set_skew_secs(61);
    let msg = emu.fails(
        "GetCredentialsForIdentity",
        json!({ "IdentityId": id, "Logins": { provider(USER_POOL): token } }),
        "NotAuthorizedException",
    );
    assert!(msg.starts_with("Invalid login token. Token expired: "), "{msg}");
}

#[test]
fn wrong_issuer_audience_or_token_use_are_refused() {
    let emu = start(None);
    let logins = |key: &str, token: String| json!({ "IdentityPoolId": POOL, "Logins": { key: token } });

    // Issued by another pool, presented under this pool's provider name.
    let other_issuer = emu.token(OTHER_POOL, CLIENT, "user-a", 3600, |_| {});
    let msg = emu.fails("GetId", logins(&provider(USER_POOL), other_issuer), "NotAuthorizedException");
    assert_eq!(msg, "Invalid login token. Issuer doesn't match providerName");

    // A provider the identity pool is not configured for.
    let other = emu.token(OTHER_POOL, "otherclient0000000000001", "user-a", 3600, |_| {});
    let msg = emu.fails("GetId", logins(&provider(OTHER_POOL), other), "NotAuthorizedException");
    assert_eq!(msg, "Token is not from a supported provider of this identity pool.");

    // An app client of the right user pool that the identity pool does not list.
    let wrong_aud = emu.token(USER_POOL, UNLISTED_CLIENT, "user-a", 3600, |_| {});
    let msg = emu.fails("GetId", logins(&provider(USER_POOL), wrong_aud), "NotAuthorizedException");
    assert_eq!(msg, "Token is not from a supported provider of this identity pool.");

    // An access token (no aud, token_use access) instead of the id token.
    let access = emu.token(USER_POOL, CLIENT, "user-a", 3600, |c| {
        let o = c.as_object_mut().unwrap();
        o.remove("aud");
        o.insert("token_use".into(), json!("access"));
        o.insert("client_id".into(), json!(CLIENT));
    });
    let msg = emu.fails("GetId", logins(&provider(USER_POOL), access), "NotAuthorizedException");
    assert_eq!(msg, "Invalid login token. Missing a required claim: aud");

    // An aud'd token whose token_use is not id.
    let not_id = emu.token(USER_POOL, CLIENT, "user-a", 3600, |c| c["token_use"] = json!("access"));
    emu.fails("GetId", logins(&provider(USER_POOL), not_id), "NotAuthorizedException");
    assert_eq!(emu.app.identity_pools.lock().unwrap().identity_count(), 0, "no identity was created");
}

#[test]
fn guests_only_where_allowed() {
    let emu = start(None);
    let guest = emu.get_id(POOL, None);
    assert!(is_identity_id(&guest));
    assert_ne!(emu.get_id(POOL, None), guest, "each GetId without logins makes a new guest identity");
    let (_, v) = emu.credentials(&guest, None);
    let akid = v["Credentials"]["AccessKeyId"].as_str().unwrap();
    let issued = emu.app.identity_pools.lock().unwrap().credentials(akid).unwrap();
    assert!(!issued.authenticated);
    assert_eq!(issued.identity_id, guest);

    let msg = emu.fails("GetId", json!({ "IdentityPoolId": NO_GUESTS }), "NotAuthorizedException");
    assert_eq!(msg, "Unauthenticated access is not supported for this identity pool.");

    // A guest who signs in keeps the identity: it becomes the user's.
    let token = emu.id_token("user-g");
    let (_, v) = emu.credentials(&guest, Some(&token));
    let akid = v["Credentials"]["AccessKeyId"].as_str().unwrap();
    assert!(emu.app.identity_pools.lock().unwrap().credentials(akid).unwrap().authenticated);
    assert_eq!(emu.get_id(POOL, Some(&token)), guest);
    // ... and is no longer a guest identity.
    let msg = emu.fails("GetCredentialsForIdentity", json!({ "IdentityId": guest }), "NotAuthorizedException");
    assert_eq!(msg, "Logins don't match. Please include at least one valid login for this identity or identity pool.");
}

#[test]
fn credentials_only_for_the_identity_owner() {
    let emu = start(None);
    let a_token = emu.id_token("user-a");
    let a = emu.get_id(POOL, Some(&a_token));
    let b_token = emu.id_token("user-b");
    emu.get_id(POOL, Some(&b_token));
    let msg = emu.fails(
        "GetCredentialsForIdentity",
        json!({ "IdentityId": a, "Logins": { provider(USER_POOL): b_token } }),
        "NotAuthorizedException",
    );
    assert_eq!(msg, "Logins don't match. Please include at least one valid login for this identity or identity pool.");
    let msg = emu.fails("GetCredentialsForIdentity", json!({ "IdentityId": a }), "NotAuthorizedException");
    assert_eq!(msg, "Logins don't match. Please include at least one valid login for this identity or identity pool.");
    emu.credentials(&a, Some(&a_token));
}

#[test]
fn unknown_pools_and_identities() {
    let emu = start(None);
    let msg = emu.fails(
        "GetId",
        json!({ "IdentityPoolId": "us-east-1:33333333-3333-4333-8333-333333333333" }),
        "ResourceNotFoundException",
    );
    assert_eq!(msg, "IdentityPool 'us-east-1:33333333-3333-4333-8333-333333333333' not found.");
    let msg = emu.fails("GetId", json!({ "IdentityPoolId": "not an id" }), "ValidationException");
    assert!(msg.contains("identityPoolId"), "{msg}");
    emu.fails("GetId", json!({}), "ValidationException");
    let msg = emu.fails(
        "GetCredentialsForIdentity",
        json!({ "IdentityId": "us-east-1:44444444-4444-4444-8444-444444444444" }),
        "ResourceNotFoundException",
    );
    assert_eq!(msg, "Identity 'us-east-1:44444444-4444-4444-8444-444444444444' not found.");
    emu.fails("DescribeIdentityPool", json!({ "IdentityPoolId": POOL }), "UnknownOperationException");
}

#[test]
fn faults_apply_to_identity_operations() {
    let emu = start(None);
    emu.app.faults.add(emulator::faults::FaultSpec {
        target: "GetId".into(),
        kind: emulator::faults::FaultKind::Throttle,
        latency_ms: 0,
        status: None,
        count: Some(1),
    });
    emu.fails("GetId", json!({ "IdentityPoolId": POOL }), "TooManyRequestsException");
    emu.get_id(POOL, None);
}

#[test]
fn identities_and_credentials_survive_a_restart_with_a_data_dir() {
    let dir = temp_dir("iddata");
    let first = start(Some(&dir));
    let token = first.id_token("user-p");
    let id = first.get_id(POOL, Some(&token));
    let (_, v) = first.credentials(&id, Some(&token));
    let akid = v["Credentials"]["AccessKeyId"].as_str().unwrap().to_string();

    let second = start(Some(&dir));
    assert_eq!(second.get_id(POOL, Some(&second.id_token("user-p"))), id);
    let issued = second.app.identity_pools.lock().unwrap().credentials(&akid).expect("credentials persisted");
    assert_eq!(issued.identity_id, id);

    // Without the data dir, nothing is remembered.
    let third = start(None);
    assert_ne!(third.get_id(POOL, Some(&third.id_token("user-p"))), id);
    let _ = std::fs::remove_dir_all(&dir);
}

//! The identity-pool service (`X-Amz-Target: AWSCognitoIdentityService.<Op>`): `GetId` and
//! `GetCredentialsForIdentity`, with the login-token checks Cognito makes (RS256 signature,
//! issuer = the `Logins` key, audience = a client configured for the pool, `token_use` = id,
//! expiry), stable identity ids per (pool, provider, `sub`), guest identities when the pool allows
//! them, and temporary credentials (`ASIA…` key, secret, session token, expiry) that the S3
//! service accepts ([`IdentityPools::credentials`]).
//!
//! Error types and messages are Cognito's own (`NotAuthorizedException` "Invalid login token.
//! Token expired: <now> >= <exp>", "Invalid login token. Issuer doesn't match providerName",
//! "Logins don't match. Please include at least one valid login for this identity or identity
//! pool.", "Unauthenticated access is not supported for this identity pool.",
//! `ResourceNotFoundException` "IdentityPool '<id>' not found.").

use crate::app::{aws_json_error, App};
use crate::config::Seed;
use crate::http::{Req, Resp};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// File in the data directory that holds identities and issued credentials.
const STATE_FILE: &str = "identity-pools.json";

/// Issued credentials are forgotten this long after they expire.
const FORGET_AFTER_MS: i64 = 24 * 3600 * 1000;

/// One identity pool, as the seed describes it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityPoolSeed {
    /// `<region>:<uuid>`; a bare `<uuid>` gets the seed's region prefixed.
    pub id: String,
    /// Pool name (display only).
    #[serde(default)]
    pub name: String,
    /// Whether guests (no `Logins`) get identities and credentials.
    #[serde(default)]
    pub allow_unauthenticated: bool,
    /// Lifetime of issued credentials in seconds (Cognito: one hour).
    #[serde(default = "hour")]
    pub credentials_validity_seconds: i64,
    /// The user-pool app clients whose id tokens this pool accepts.
    #[serde(default)]
    pub providers: Vec<ProviderSeed>,
}

fn hour() -> i64 {
    3600
}

/// One Cognito user-pool provider of an identity pool (Cognito's `CognitoIdentityProviders`
/// entry: provider name + client id).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderSeed {
    /// The user pool id (`<region>_<id>`; a bare `<id>` gets the region prefixed). The provider
    /// name is `cognito-idp.<region>.amazonaws.com/<user_pool>`.
    pub user_pool: String,
    /// The app client id whose id tokens are accepted (`aud`).
    pub client_id: String,
}

/// An identity: which pool it belongs to and, when authenticated, whose it is.
#[derive(Debug, Clone, Deserialize, Serialize)]
struct IdentityRecord {
    pool_id: String,
    /// `(provider name, sub)` of the user it belongs to; `None` for a guest identity.
    login: Option<(String, String)>,
    created_ms: i64,
}

/// Temporary credentials handed out by `GetCredentialsForIdentity`.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct IssuedCredentials {
    /// The secret access key.
    pub secret_access_key: String,
    /// The session token that must accompany every request signed with them.
    pub session_token: String,
    /// The identity they were issued to.
    pub identity_id: String,
    /// The identity pool of that identity.
    pub pool_id: String,
    /// Issued for a signed-in user (true) or a guest (false).
    pub authenticated: bool,
    /// Expiry, milliseconds since the epoch.
    pub expires_ms: i64,
}

#[derive(Debug, Default, Deserialize, Serialize)]
struct State {
    identities: BTreeMap<String, IdentityRecord>,
    credentials: HashMap<String, IssuedCredentials>,
}

/// The identity pools, their identities and the credentials issued.
#[derive(Debug)]
pub struct IdentityPools {
    region: String,
    pools: Vec<IdentityPoolSeed>,
    state: State,
}

/// A Cognito identity error: `__type` and message (always HTTP 400).
struct ApiError(&'static str, String);

fn not_authorized(message: impl Into<String>) -> ApiError {
    ApiError("NotAuthorizedException", message.into())
}

const LOGINS_DONT_MATCH: &str =
    "Logins don't match. Please include at least one valid login for this identity or identity pool.";
const NO_GUESTS: &str = "Unauthenticated access is not supported for this identity pool.";
const UNSUPPORTED_PROVIDER: &str = "Token is not from a supported provider of this identity pool.";

impl IdentityPools {
    /// The pools of `seed`, checked: ids complete with the region, providers naming user pools
    /// and app clients of the seed. No identities yet.
    pub fn from_seed(seed: &Seed) -> Result<IdentityPools, String> {
        let region = seed.region.clone();
        let mut pools = seed.identity_pools.clone();
        let mut seen = std::collections::HashSet::new();
        for p in &mut pools {
            if !p.id.contains(':') {
                p.id = format!("{region}:{}", p.id);
            }
            if !p.id.starts_with(&format!("{region}:")) {
                return Err(format!("seed file: identity pool {} is not in region {region}", p.id));
            }
            if !valid_id(&p.id) {
                return Err(format!("seed file: identity pool id {} is not <region>:<lowercase hex and dashes>", p.id));
            }
            if !seen.insert(p.id.clone()) {
                return Err(format!("seed file: identity pool {} appears twice", p.id));
            }
            if p.credentials_validity_seconds < 1 {
                return Err(format!(
                    "seed file: identity pool {}: credentials_validity_seconds must be positive",
                    p.id
                ));
            }
            for prov in &mut p.providers {
                if !prov.user_pool.contains('_') {
                    prov.user_pool = format!("{region}_{}", prov.user_pool);
                }
                let Some(up) = seed.user_pools.iter().find(|u| u.id == prov.user_pool) else {
                    return Err(format!(
                        "seed file: identity pool {}: user pool {} is not in the seed",
                        p.id, prov.user_pool
                    ));
                };
                if !up.clients.iter().any(|c| c.id == prov.client_id) {
                    return Err(format!(
                        "seed file: identity pool {}: app client {} is not a client of user pool {}",
                        p.id, prov.client_id, prov.user_pool
                    ));
                }
            }
        }
        Ok(IdentityPools { region, pools, state: State::default() })
    }

    /// Forgets every identity and credential (back to the seed).
    pub fn clear(&mut self) {
        self.state = State::default();
    }

    /// Loads identities and credentials persisted in `dir` (nothing when there are none).
    pub fn load(&mut self, dir: &Path) -> Result<(), String> {
        let path = dir.join(STATE_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        };
        let mut state: State = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        // Identities of pools no longer in the seed are dropped with their credentials.
        state.identities.retain(|_, r| self.pools.iter().any(|p| p.id == r.pool_id));
        let identities = &state.identities;
        state.credentials.retain(|_, c| identities.contains_key(&c.identity_id));
        self.state = state;
        Ok(())
    }

    /// Writes identities and credentials to `dir` (temp file, then rename).
    pub fn save(&self, dir: &Path) -> Result<(), String> {
        let text = serde_json::to_string_pretty(&self.state).map_err(|e| e.to_string())?;
        let tmp = dir.join(format!("{STATE_FILE}.tmp"));
        std::fs::write(&tmp, text).map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
        std::fs::rename(&tmp, dir.join(STATE_FILE)).map_err(|e| e.to_string())
    }

    /// The credentials issued under `access_key_id`, expired or not (the caller checks the
    /// expiry, so that it can answer `ExpiredToken`).
    pub fn credentials(&self, access_key_id: &str) -> Option<IssuedCredentials> {
        self.state.credentials.get(access_key_id).cloned()
    }

    /// The number of identities (for tests and the admin API).
    pub fn identity_count(&self) -> usize {
        self.state.identities.len()
    }

    fn pool(&self, id: &str) -> Result<&IdentityPoolSeed, ApiError> {
        self.pools
            .iter()
            .find(|p| p.id == id)
            .ok_or_else(|| ApiError("ResourceNotFoundException", format!("IdentityPool '{id}' not found.")))
    }
}

/// `<region>:<uuid>` with Cognito's pattern `[\w-]+:[0-9a-f-]+`.
fn valid_id(id: &str) -> bool {
    match id.split_once(':') {
        Some((region, rest)) => {
            !region.is_empty()
                && region.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
                && !rest.is_empty()
                && rest.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b) || b == b'-')
        }
        None => false,
    }
}

fn validation_error(field: &str, value: &str) -> ApiError {
    ApiError(
        "ValidationException",
        format!(
            "1 validation error detected: Value '{value}' at '{field}' failed to satisfy constraint: \
             Member must satisfy regular expression pattern: [\\w-]+:[0-9a-f-]+"
        ),
    )
}

/// Writes the identity-pool state to the data directory (no-op without one).
pub fn save(app: &App) {
    if let Some(d) = &app.data_dir {
        if let Err(e) = app.identity_pools.lock().unwrap().save(d) {
            eprintln!("emulator: cannot persist identity pools: {e}");
        }
    }
}

/// Handles one `AWSCognitoIdentityService.<op>` request.
pub fn handle(app: &App, op: &str, req: &Req) -> Resp {
    let body: Value = match serde_json::from_slice(&req.body) {
        Ok(v @ Value::Object(_)) => v,
        _ => return aws_json_error(400, "SerializationException", "The request body is not a JSON object"),
    };
    let result = match op {
        "GetId" => get_id(app, &body),
        "GetCredentialsForIdentity" => get_credentials_for_identity(app, &body),
        _ => Err(ApiError("UnknownOperationException", format!("AWSCognitoIdentityService.{op} is not emulated"))),
    };
    match result {
        Ok(v) => Resp::new(200, "application/x-amz-json-1.1", v),
        Err(ApiError(kind, message)) => aws_json_error(400, kind, &message),
    }
}

fn str_field<'a>(body: &'a Value, name: &str) -> Result<&'a str, ApiError> {
    match &body[name] {
        Value::String(s) => Ok(s),
        Value::Null => Err(ApiError(
            "ValidationException",
            format!(
                "1 validation error detected: Value null at '{}' failed to satisfy constraint: Member must not be null",
                lower_first(name)
            ),
        )),
        _ => Err(ApiError("SerializationException", format!("{name} must be a string"))),
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The `Logins` map of a request: `(provider name, token)` pairs (empty when absent).
fn logins(body: &Value) -> Result<Vec<(String, String)>, ApiError> {
    match &body["Logins"] {
        Value::Null => Ok(Vec::new()),
        Value::Object(m) => m
            .iter()
            .map(|(k, v)| match v {
                Value::String(t) => Ok((k.clone(), t.clone())),
                _ => Err(ApiError("SerializationException", "Logins values must be strings".into())),
            })
            .collect(),
        _ => Err(ApiError("SerializationException", "Logins must be a map of provider name to token".into())),
    }
}

/// Checks every login of a request against `pool` and returns the user they name:
/// `(provider name, sub)`. `None` when there are no logins (a guest).
fn verify_logins(
    app: &App,
    pool: &IdentityPoolSeed,
    logins: &[(String, String)],
) -> Result<Option<(String, String)>, ApiError> {
    let mut user: Option<(String, String)> = None;
    for (provider, token) in logins {
        let sub = verify_login(app, pool, provider, token)?;
        match &user {
            Some(u) if u.0 != *provider || u.1 != sub => {
                return Err(ApiError(
                    "ResourceConflictException",
                    "The logins of this request belong to different identities.".into(),
                ))
            }
            _ => user = Some((provider.clone(), sub)),
        }
    }
    Ok(user)
}

/// Checks one login token for `provider`; returns its `sub`.
fn verify_login(app: &App, pool: &IdentityPoolSeed, provider: &str, token: &str) -> Result<String, ApiError> {
    let region = &app.seed.region;
    let prefix = format!("cognito-idp.{region}.amazonaws.com/");
    let Some(user_pool) = provider.strip_prefix(&prefix) else {
        return Err(not_authorized(UNSUPPORTED_PROVIDER));
    };
    let clients: Vec<&str> =
        pool.providers.iter().filter(|p| p.user_pool == user_pool).map(|p| p.client_id.as_str()).collect();
    if clients.is_empty() {
        return Err(not_authorized(UNSUPPORTED_PROVIDER));
    }
    if token.split('.').count() != 3 {
        return Err(not_authorized("Invalid login token. Not a valid OpenId Connect identity token."));
    }
    let claims = app
        .signer
        .decode_verified(token)
        .map_err(|_| not_authorized("Invalid login token. Couldn't verify signed token."))?;
    if claims["iss"].as_str() != Some(app.issuer(user_pool).as_str()) {
        return Err(not_authorized("Invalid login token. Issuer doesn't match providerName"));
    }
    let now = app.clock.now_secs();
    match claims["exp"].as_i64() {
        Some(exp) if now < exp => {}
        Some(exp) => return Err(not_authorized(format!("Invalid login token. Token expired: {now} >= {exp}"))),
        None => return Err(not_authorized("Invalid login token. Missing a required claim: exp")),
    }
    let Some(aud) = claims["aud"].as_str() else {
        return Err(not_authorized("Invalid login token. Missing a required claim: aud"));
    };
    if claims["token_use"] != "id" {
        return Err(not_authorized("Invalid login token. Not a valid OpenId Connect identity token."));
    }
    if !clients.contains(&aud) {
        return Err(not_authorized(UNSUPPORTED_PROVIDER));
    }
    claims["sub"]
        .as_str()
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .ok_or_else(|| not_authorized("Invalid login token. Missing a required claim: sub"))
}

fn get_id(app: &App, body: &Value) -> Result<String, ApiError> {
    let pool_id = str_field(body, "IdentityPoolId")?;
    if !valid_id(pool_id) {
        return Err(validation_error("identityPoolId", pool_id));
    }
    let logins = logins(body)?;
    let identity_id = {
        let mut st = app.identity_pools.lock().unwrap();
        let pool = st.pool(pool_id)?.clone();
        let user = verify_logins(app, &pool, &logins)?;
        if user.is_none() && !pool.allow_unauthenticated {
            return Err(not_authorized(NO_GUESTS));
        }
        let existing = user.as_ref().and_then(|u| {
            st.state
                .identities
                .iter()
                .find(|(_, r)| r.pool_id == pool.id && r.login.as_ref() == Some(u))
                .map(|(id, _)| id.clone())
        });
        match existing {
            Some(id) => id,
            None => {
                let id = format!("{}:{}", st.region, crate::crypto::uuid_v4());
                let record = IdentityRecord { pool_id: pool.id.clone(), login: user, created_ms: app.clock.now_ms() };
                st.state.identities.insert(id.clone(), record);
                id
            }
        }
    };
    save(app);
    Ok(json!({ "IdentityId": identity_id }).to_string())
}

fn get_credentials_for_identity(app: &App, body: &Value) -> Result<String, ApiError> {
    let identity_id = str_field(body, "IdentityId")?;
    if !valid_id(identity_id) {
        return Err(validation_error("identityId", identity_id));
    }
    let logins = logins(body)?;
    let now_ms = app.clock.now_ms();
    let (access_key_id, issued) = {
        let mut st = app.identity_pools.lock().unwrap();
        let record = st
            .state
            .identities
            .get(identity_id)
            .cloned()
            .ok_or_else(|| ApiError("ResourceNotFoundException", format!("Identity '{identity_id}' not found.")))?;
        let pool = st.pool(&record.pool_id)?.clone();
        let user = verify_logins(app, &pool, &logins)?;
        let authenticated = match (&record.login, &user) {
            (Some(owner), Some(u)) if owner == u => true,
            (Some(_), _) => return Err(not_authorized(LOGINS_DONT_MATCH)),
            (None, None) if pool.allow_unauthenticated => false,
            (None, None) => return Err(not_authorized(NO_GUESTS)),
            (None, Some(u)) => {
                // A guest signing in: Cognito links the login to this identity, unless the user
                // already has an identity of their own.
                let taken = st.state.identities.values().any(|r| r.pool_id == pool.id && r.login.as_ref() == Some(u));
                if taken {
                    return Err(not_authorized(LOGINS_DONT_MATCH));
                }
                if let Some(r) = st.state.identities.get_mut(identity_id) {
                    r.login = Some(u.clone());
                }
                true
            }
        };
        let issued = IssuedCredentials {
            secret_access_key: crate::crypto::b64(&crate::crypto::random_bytes(30)),
            session_token: crate::crypto::b64(&crate::crypto::random_bytes(300)),
            identity_id: identity_id.to_string(),
            pool_id: pool.id.clone(),
            authenticated,
            expires_ms: now_ms + pool.credentials_validity_seconds * 1000,
        };
        let access_key_id = format!("ASIA{}", crate::crypto::base32(&crate::crypto::random_bytes(10)));
        st.state.credentials.retain(|_, c| c.expires_ms + FORGET_AFTER_MS > now_ms);
        st.state.credentials.insert(access_key_id.clone(), issued.clone());
        (access_key_id, issued)
    };
    save(app);
    // Hand-written so that `Expiration` is a JSON number in Java's double notation, exactly as
    // Cognito sends it (e.g. `1.515115602E9`).
    Ok(format!(
        "{{\"Credentials\":{{\"AccessKeyId\":{},\"Expiration\":{},\"SecretKey\":{},\"SessionToken\":{}}},\"IdentityId\":{}}}",
        json!(access_key_id),
        java_double_seconds(issued.expires_ms.div_euclid(1000)),
        json!(issued.secret_access_key),
        json!(issued.session_token),
        json!(identity_id),
    ))
}

/// Epoch seconds the way Cognito (a Java service) writes them: `Double.toString`, which for
/// values of 10^7 and above is computerized scientific notation with the fewest digits,
/// e.g. `1515115602` → `1.515115602E9`, `1700000000` → `1.7E9`.
pub fn java_double_seconds(secs: i64) -> String {
    if !(10_000_000..=999_999_999_999_999).contains(&secs) {
        return format!("{secs}.0");
    }
    let digits = secs.to_string();
    let (first, rest) = digits.split_at(1);
    let rest = rest.trim_end_matches('0');
    let rest = if rest.is_empty() { "0" } else { rest };
    format!("{first}.{rest}E{}", digits.len() - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_double_notation() {
        assert_eq!(java_double_seconds(1_515_115_602), "1.515115602E9");
        assert_eq!(java_double_seconds(1_700_000_000), "1.7E9");
        assert_eq!(java_double_seconds(1_000_000_000), "1.0E9");
        assert_eq!(java_double_seconds(12_345), "12345.0");
        let v: f64 = serde_json::from_str(&java_double_seconds(1_734_567_890)).unwrap();
        assert_eq!(v, 1_734_567_890.0);
    }

    #[test]
    fn id_pattern() {
        assert!(valid_id("us-east-1:0f1e2d3c-aaaa-4bbb-8ccc-0123456789ab"));
        assert!(!valid_id("us-east-1:0F1E"));
        assert!(!valid_id("us-east-1"));
        assert!(!valid_id(":abc"));
    }
}

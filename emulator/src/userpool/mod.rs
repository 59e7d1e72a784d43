//! Cognito user pools: users (with SRP salt and verifier, never the password), challenge
//! sessions, refresh tokens, codes "sent" by email/SMS, and the token issuer. The JSON API
//! operations are in [`auth`] (sign-in, challenges, refresh, sign-out) and [`account`] (sign-up,
//! codes, passwords, attributes, MFA set-up).

pub mod account;
pub mod auth;

use crate::app::{aws_json_error, App};
use crate::config::{ClientSeed, PoolSeed, Seed, UserSeed};
use crate::crypto;
use crate::http::{Req, Resp};
use crate::srp;
use num_bigint::BigUint;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

/// A Cognito API error: HTTP 400 (500 for internal errors) with `__type` and `message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// Exception name, e.g. `NotAuthorizedException`.
    pub kind: &'static str,
    /// Human message, Cognito's wording where known.
    pub message: String,
}

/// Shorthand for an [`ApiError`].
pub fn err(kind: &'static str, message: impl Into<String>) -> ApiError {
    ApiError {
        kind,
        message: message.into(),
    }
}

/// `NotAuthorizedException`.
pub fn not_authorized(message: impl Into<String>) -> ApiError {
    err("NotAuthorizedException", message)
}

/// `InvalidParameterException`.
pub fn invalid_param(message: impl Into<String>) -> ApiError {
    err("InvalidParameterException", message)
}

/// The message Cognito gives for a wrong password (and, with user-existence errors prevented,
/// for an unknown user).
pub const INCORRECT: &str = "Incorrect username or password.";

/// A code "sent" to a user.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IssuedCode {
    /// The digits.
    pub code: String,
    /// When it stops being accepted.
    pub expires_ms: i64,
}

/// One user.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct User {
    /// Username as created (lookups are case-insensitive).
    pub username: String,
    /// Stable id.
    pub sub: String,
    /// `CONFIRMED`, `UNCONFIRMED`, `FORCE_CHANGE_PASSWORD` or `RESET_REQUIRED`.
    pub status: String,
    /// Disabled users cannot sign in.
    pub enabled: bool,
    /// SRP salt, hex.
    pub salt: String,
    /// SRP verifier `g^x mod N`, hex.
    pub verifier: String,
    /// Attributes other than `sub`.
    pub attributes: BTreeMap<String, String>,
    /// Groups.
    pub groups: Vec<String>,
    /// Verified TOTP secret (base32).
    pub totp_secret: Option<String>,
    /// TOTP MFA enabled (by SetUserMFAPreference, MFA_SETUP, or the seed).
    pub totp_enabled: bool,
    /// Secret handed out by AssociateSoftwareToken, not yet verified.
    pub totp_pending: Option<String>,
    /// SMS MFA enabled.
    pub sms_enabled: bool,
    /// Preferred MFA method.
    pub preferred_mfa: Option<String>,
    /// Outstanding codes by purpose (`signup`, `forgot`, `verify_email`, `sms_mfa`, ...).
    pub codes: BTreeMap<String, IssuedCode>,
    /// The purpose of the last code sent.
    pub last_code: Option<String>,
    /// Creation time.
    pub created_ms: i64,
    /// Last modification time.
    pub updated_ms: i64,
}

impl User {
    /// A new user with the password's SRP verifier.
    pub fn new(pool_id: &str, seed: &UserSeed, now_ms: i64) -> User {
        let mut attributes = seed.attributes.clone();
        attributes.remove("sub");
        if attributes.contains_key("email")
            && !attributes.contains_key("email_verified")
            && seed.status != "UNCONFIRMED"
        {
            attributes.insert("email_verified".into(), "true".into());
        }
        let totp = seed
            .mfa
            .totp_secret
            .as_ref()
            .map(|s| s.replace(' ', "").to_uppercase());
        let mut u = User {
            username: seed.username.clone(),
            sub: seed
                .sub
                .clone()
                .unwrap_or_else(|| crypto::uuid_from(&format!("{pool_id}/{}", seed.username))),
            status: seed.status.clone(),
            enabled: seed.enabled,
            salt: String::new(),
            verifier: String::new(),
            attributes,
            groups: seed.groups.clone(),
            totp_enabled: totp.is_some(),
            totp_secret: totp,
            totp_pending: None,
            sms_enabled: seed.mfa.sms,
            preferred_mfa: seed.mfa.preferred.clone(),
            codes: BTreeMap::new(),
            last_code: None,
            created_ms: now_ms,
            updated_ms: now_ms,
        };
        u.set_password(pool_id, &seed.password);
        u
    }

    /// Stores a fresh salt and the verifier of `password` (the password itself is not kept).
    pub fn set_password(&mut self, pool_id: &str, password: &str) {
        let salt = srp::new_salt();
        let v = srp::verifier(pool_name(pool_id), &self.username, password, &salt);
        self.salt = salt.to_str_radix(16);
        self.verifier = v.to_str_radix(16);
    }

    /// Whether `password` is this user's password (recomputes the verifier).
    pub fn password_matches(&self, pool_id: &str, password: &str) -> bool {
        let (Some(salt), Some(v)) = (srp::from_hex(&self.salt), srp::from_hex(&self.verifier))
        else {
            return false;
        };
        srp::verifier(pool_name(pool_id), &self.username, password, &salt) == v
    }

    /// The verifier as a number.
    pub fn verifier_num(&self) -> BigUint {
        srp::from_hex(&self.verifier).unwrap_or_default()
    }

    /// An attribute's value.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attributes.get(name).map(String::as_str)
    }

    /// `[{Name, Value}]` including `sub`, as GetUser returns them.
    pub fn attribute_list(&self) -> Value {
        let mut list = vec![json!({ "Name": "sub", "Value": self.sub })];
        list.extend(
            self.attributes
                .iter()
                .map(|(k, v)| json!({ "Name": k, "Value": v })),
        );
        Value::Array(list)
    }

    /// MFA methods usable at sign-in, given the pool's MFA setting.
    pub fn mfa_methods(&self, pool_mfa: &str) -> Vec<&'static str> {
        let mut m = Vec::new();
        if pool_mfa == "OFF" {
            return m;
        }
        if self.sms_enabled && self.attr("phone_number").is_some() {
            m.push("SMS_MFA");
        }
        if self.totp_secret.is_some() && (self.totp_enabled || pool_mfa == "ON") {
            m.push("SOFTWARE_TOKEN_MFA");
        }
        m
    }
}

/// The part of a pool id after `_` (SRP's "pool name").
pub fn pool_name(pool_id: &str) -> &str {
    pool_id.split_once('_').map_or(pool_id, |(_, n)| n)
}

/// One user pool.
#[derive(Debug, Clone)]
pub struct Pool {
    /// Configuration (its `users` are the seed's, not the live ones).
    pub cfg: PoolSeed,
    /// Live users by lower-cased username.
    pub users: BTreeMap<String, User>,
}

impl Pool {
    /// The key of the user `given` names: username (case-insensitive), or a verified email when
    /// the pool allows email as an alias.
    pub fn find_key(&self, given: &str) -> Option<String> {
        let key = given.to_lowercase();
        if self.users.contains_key(&key) {
            return Some(key);
        }
        if self.cfg.email_as_alias {
            return self
                .users
                .iter()
                .find(|(_, u)| {
                    u.attr("email")
                        .is_some_and(|e| e.eq_ignore_ascii_case(given))
                        && u.attr("email_verified") == Some("true")
                })
                .map(|(k, _)| k.clone());
        }
        None
    }

    /// The app client `id`.
    pub fn client(&self, id: &str) -> Option<&ClientSeed> {
        self.cfg.clients.iter().find(|c| c.id == id)
    }

    /// Checks a password against the pool's policy (Cognito's messages).
    pub fn check_password(&self, password: &str) -> Result<(), ApiError> {
        let p = &self.cfg.password_policy;
        let fail = |why: &str| {
            Err(err(
                "InvalidPasswordException",
                format!("Password did not conform with policy: {why}"),
            ))
        };
        if password.chars().count() < p.min_length {
            return fail("Password not long enough");
        }
        if password.chars().count() > 256 {
            return fail("Password is too long");
        }
        if p.require_uppercase && !password.chars().any(|c| c.is_uppercase()) {
            return fail("Password must have uppercase characters");
        }
        if p.require_lowercase && !password.chars().any(|c| c.is_lowercase()) {
            return fail("Password must have lowercase characters");
        }
        if p.require_numbers && !password.chars().any(|c| c.is_ascii_digit()) {
            return fail("Password must have numeric characters");
        }
        if p.require_symbols
            && !password
                .chars()
                .any(|c| c.is_ascii_punctuation() || c == ' ')
        {
            return fail("Password must have symbol characters");
        }
        Ok(())
    }
}

/// The state of an SRP exchange between InitiateAuth and RespondToAuthChallenge.
#[derive(Debug, Clone)]
pub struct SrpState {
    /// Server secret `b`.
    pub b: BigUint,
    /// Server public `B`.
    pub big_b: BigUint,
    /// Client public `A`.
    pub a: BigUint,
    /// Verifier used (a random one for unknown users).
    pub v: BigUint,
    /// The SECRET_BLOCK bytes sent.
    pub secret_block: Vec<u8>,
}

/// A challenge session (the opaque `Session` string's meaning).
#[derive(Debug, Clone)]
pub struct AuthSession {
    /// Pool.
    pub pool_id: String,
    /// App client.
    pub client_id: String,
    /// The user's key; `None` for the decoy session given to an unknown user.
    pub user_key: Option<String>,
    /// The username as the client gave it (decoy sessions answer with it).
    pub username: String,
    /// The challenge this session answers.
    pub challenge: String,
    /// Expiry.
    pub expires_ms: i64,
    /// Used already (kept to say so).
    pub used: bool,
    /// Wrong codes still allowed before the session is spent.
    pub attempts_left: u32,
    /// SRP state for PASSWORD_VERIFIER.
    pub srp: Option<SrpState>,
    /// MFA_SETUP: VerifySoftwareToken succeeded.
    pub mfa_setup_verified: bool,
}

/// A refresh token's record.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RefreshRecord {
    /// Pool.
    pub pool_id: String,
    /// App client it was issued to.
    pub client_id: String,
    /// The user's key.
    pub user_key: String,
    /// The token family (`origin_jti` of every token it produces).
    pub origin_jti: String,
    /// The authentication event id.
    pub event_id: String,
    /// When the user authenticated (seconds).
    pub auth_time: i64,
    /// Access-token scope string.
    pub scope: String,
    /// Expiry.
    pub expires_ms: i64,
    /// Revoked (RevokeToken, GlobalSignOut, /oauth2/revoke).
    pub revoked: bool,
    /// When rotation replaced it (then valid for the grace period only).
    pub rotated_at_ms: Option<i64>,
}

/// The persisted part of the state.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Persisted {
    users: BTreeMap<String, BTreeMap<String, User>>,
    refresh: HashMap<String, RefreshRecord>,
    revoked_origins: HashSet<String>,
}

/// All user pools and their runtime state.
#[derive(Debug)]
pub struct UserPools {
    /// Pools by id.
    pub pools: BTreeMap<String, Pool>,
    /// Challenge sessions by `Session` string.
    pub sessions: HashMap<String, AuthSession>,
    /// SECRET_BLOCK (base64) → session string, for clients that answer PASSWORD_VERIFIER without
    /// the Session.
    pub secret_blocks: HashMap<String, String>,
    /// Refresh tokens.
    pub refresh: HashMap<String, RefreshRecord>,
    /// Revoked token families: access tokens with these `origin_jti`s are refused.
    pub revoked_origins: HashSet<String>,
    /// Hosted-UI state.
    pub hosted: crate::hostedui::HostedState,
    /// The first pool of the seed: the default for the admin API and the root `/.well-known/*`.
    pub default_pool: Option<String>,
}

const STATE_FILE: &str = "userpools.json";

impl UserPools {
    /// The state a seed describes.
    pub fn from_seed(seed: &Seed) -> UserPools {
        let now = crate::clock::Clock::default().now_ms();
        let pools = seed
            .user_pools
            .iter()
            .map(|p| {
                let users = p
                    .users
                    .iter()
                    .map(|u| (u.username.to_lowercase(), User::new(&p.id, u, now)))
                    .collect();
                let mut cfg = p.clone();
                cfg.users.clear();
                (p.id.clone(), Pool { cfg, users })
            })
            .collect();
        UserPools {
            pools,
            sessions: HashMap::new(),
            secret_blocks: HashMap::new(),
            refresh: HashMap::new(),
            revoked_origins: HashSet::new(),
            hosted: Default::default(),
            default_pool: seed.user_pools.first().map(|p| p.id.clone()),
        }
    }

    /// Replaces users and tokens with those persisted in `dir` (pools absent there keep the
    /// seed's users).
    pub fn load(&mut self, dir: &Path) -> Result<(), String> {
        let path = dir.join(STATE_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        };
        let p: Persisted =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        for (pool_id, users) in p.users {
            if let Some(pool) = self.pools.get_mut(&pool_id) {
                pool.users = users;
            }
        }
        self.refresh = p.refresh;
        self.revoked_origins = p.revoked_origins;
        Ok(())
    }

    /// Writes users and refresh tokens to `dir` (atomically: temp file, then rename).
    pub fn save(&self, dir: &Path) -> Result<(), String> {
        #[derive(Serialize)]
        struct P<'a> {
            users: BTreeMap<&'a str, &'a BTreeMap<String, User>>,
            refresh: &'a HashMap<String, RefreshRecord>,
            revoked_origins: &'a HashSet<String>,
        }
        let p = P {
            users: self
                .pools
                .iter()
                .map(|(k, v)| (k.as_str(), &v.users))
                .collect(),
            refresh: &self.refresh,
            revoked_origins: &self.revoked_origins,
        };
        let text = serde_json::to_string_pretty(&p).map_err(|e| e.to_string())?;
        let tmp = dir.join(format!("{STATE_FILE}.tmp"));
        std::fs::write(&tmp, text).map_err(|e| e.to_string())?;
        std::fs::rename(&tmp, dir.join(STATE_FILE)).map_err(|e| e.to_string())
    }

    /// The pool and client for `client_id`.
    pub fn client(&self, client_id: &str) -> Result<(&Pool, &ClientSeed), ApiError> {
        self.pools
            .values()
            .find_map(|p| p.client(client_id).map(|c| (p, c)))
            .ok_or_else(|| {
                err(
                    "ResourceNotFoundException",
                    format!("User pool client {client_id} does not exist."),
                )
            })
    }

    /// The pool and client for `client_id`, cloned (so the state can be mutated afterwards).
    pub fn client_owned(&self, client_id: &str) -> Result<(String, ClientSeed), ApiError> {
        self.client(client_id)
            .map(|(p, c)| (p.cfg.id.clone(), c.clone()))
    }

    /// A user by pool and key.
    pub fn user_mut(&mut self, pool_id: &str, key: &str) -> Option<&mut User> {
        self.pools.get_mut(pool_id)?.users.get_mut(key)
    }

    /// A user by pool and key.
    pub fn user(&self, pool_id: &str, key: &str) -> Option<&User> {
        self.pools.get(pool_id)?.users.get(key)
    }

    /// Creates a challenge session and returns its string.
    pub fn new_session(&mut self, s: AuthSession) -> String {
        let now = s.expires_ms;
        // Forget sessions that ended long ago.
        self.sessions.retain(|_, v| v.expires_ms > now - 3_600_000);
        let sessions = &self.sessions;
        self.secret_blocks
            .retain(|_, sid| sessions.contains_key(sid));
        let id = crypto::opaque_token(96);
        self.sessions.insert(id.clone(), s);
        id
    }

    /// Takes a session for answering `challenge`: refuses unknown, used, expired ones and those
    /// for another client. The session is marked used; callers that allow a retry un-mark it.
    pub fn take_session(
        &mut self,
        id: &str,
        client_id: Option<&str>,
        now_ms: i64,
    ) -> Result<AuthSession, ApiError> {
        let s = self
            .sessions
            .get_mut(id)
            .ok_or_else(|| not_authorized("Invalid session for the user."))?;
        if client_id.is_some_and(|c| c != s.client_id) {
            return Err(not_authorized("Invalid session for the user."));
        }
        if s.used {
            return Err(not_authorized(
                "Invalid session for the user, session can only be used once.",
            ));
        }
        if now_ms >= s.expires_ms {
            return Err(not_authorized(
                "Invalid session for the user, session is expired.",
            ));
        }
        s.used = true;
        Ok(s.clone())
    }

    /// Lets a session be used again (after a wrong code, while attempts remain).
    pub fn give_back_session(&mut self, id: &str) {
        if let Some(s) = self.sessions.get_mut(id) {
            if s.attempts_left > 0 {
                s.attempts_left -= 1;
                s.used = false;
            }
        }
    }
}

/// Context for one API call.
pub struct Ctx<'a> {
    /// The app.
    pub app: &'a App,
    /// Now, in ms (emulator clock).
    pub now_ms: i64,
}

impl Ctx<'_> {
    /// Now in seconds.
    pub fn now_secs(&self) -> i64 {
        self.now_ms.div_euclid(1000)
    }
}

/// A required string field.
pub fn req_str<'a>(body: &'a Value, field: &str) -> Result<&'a str, ApiError> {
    match body.get(field) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s),
        Some(Value::String(_)) | None | Some(Value::Null) => {
            let mut camel = field.to_string();
            if let Some(f) = camel.get_mut(0..1) {
                f.make_ascii_lowercase();
            }
            Err(invalid_param(format!(
                "1 validation error detected: Value null at '{camel}' failed to satisfy constraint: Member must not be null"
            )))
        }
        Some(_) => Err(err(
            "SerializationException",
            format!("{field} must be a string"),
        )),
    }
}

/// An optional string field.
pub fn opt_str<'a>(body: &'a Value, field: &str) -> Option<&'a str> {
    body.get(field).and_then(Value::as_str)
}

/// A required entry of a parameters map (AuthParameters, ChallengeResponses).
pub fn param<'a>(map: &'a Value, name: &str) -> Result<&'a str, ApiError> {
    map.get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| invalid_param(format!("Missing required parameter {name}")))
}

/// Checks a SECRET_HASH (required iff the client has a secret).
pub fn check_secret_hash(
    client: &ClientSeed,
    username: &str,
    given: Option<&str>,
) -> Result<(), ApiError> {
    let Some(secret) = &client.secret else {
        return Ok(());
    };
    let Some(given) = given.filter(|g| !g.is_empty()) else {
        return Err(not_authorized(format!(
            "Client {} is configured for secret but secret was not received",
            client.id
        )));
    };
    let want = crypto::secret_hash(secret, username, &client.id);
    if crypto::ct_eq(want.as_bytes(), given.as_bytes()) {
        Ok(())
    } else {
        Err(not_authorized(format!(
            "Unable to verify secret hash for client {}",
            client.id
        )))
    }
}

/// `a***@e***` / `+*******1234`: how Cognito masks a delivery destination.
pub fn mask(dest: &str) -> String {
    if let Some((local, domain)) = dest.split_once('@') {
        let l: String = local.chars().take(1).collect();
        let d: String = domain.chars().take(1).collect();
        format!("{l}***@{d}***")
    } else {
        let digits: Vec<char> = dest.chars().collect();
        let keep = digits.len().saturating_sub(4);
        let mut s: String = digits.iter().take(1).collect();
        s.push_str(&"*".repeat(keep.saturating_sub(1)));
        s.extend(&digits[keep..]);
        s
    }
}

/// Generates a code for `purpose`, stores it on the user, "sends" it (stderr) and returns the
/// CodeDeliveryDetails (`None` when the user has neither email nor phone).
pub fn send_code(
    ctx: &Ctx,
    pool: &mut Pool,
    key: &str,
    purpose: &str,
    prefer_phone: bool,
) -> Option<Value> {
    let validity = pool.cfg.code_validity_minutes * 60_000;
    let pool_id = pool.cfg.id.clone();
    let user = pool.users.get_mut(key)?;
    let code = crypto::random_code(6);
    user.codes.insert(
        purpose.to_string(),
        IssuedCode {
            code: code.clone(),
            expires_ms: ctx.now_ms + validity,
        },
    );
    user.last_code = Some(purpose.to_string());
    let email = user.attr("email").map(str::to_string);
    let phone = user.attr("phone_number").map(str::to_string);
    let (medium, attr, dest) = match (prefer_phone, email, phone) {
        (true, _, Some(p)) | (false, None, Some(p)) => ("SMS", "phone_number", Some(p)),
        (_, Some(e), _) => ("EMAIL", "email", Some(e)),
        _ => ("EMAIL", "email", None),
    };
    eprintln!(
        "emulator: {purpose} code for {} in {pool_id}: {code} (to {})",
        user.username,
        dest.as_deref()
            .unwrap_or("nowhere: no email or phone_number")
    );
    dest.map(
        |d| json!({ "Destination": mask(&d), "DeliveryMedium": medium, "AttributeName": attr }),
    )
}

/// Checks a code for `purpose`; a right code is consumed.
pub fn check_code(ctx: &Ctx, user: &mut User, purpose: &str, given: &str) -> Result<(), ApiError> {
    let Some(c) = user.codes.get(purpose) else {
        return Err(err(
            "ExpiredCodeException",
            "Invalid code provided, please request a code again.",
        ));
    };
    if !crypto::ct_eq(c.code.as_bytes(), given.trim().as_bytes()) {
        return Err(err(
            "CodeMismatchException",
            "Invalid verification code provided, please try again.",
        ));
    }
    if ctx.now_ms >= c.expires_ms {
        return Err(err(
            "ExpiredCodeException",
            "Invalid code provided, please request a code again.",
        ));
    }
    user.codes.remove(purpose);
    Ok(())
}

/// Tokens produced for one grant.
#[derive(Debug, Clone)]
pub struct Issued {
    /// Access token.
    pub access: String,
    /// Id token (absent for hosted-UI grants without `openid`).
    pub id: Option<String>,
    /// Refresh token (new sign-ins and rotations).
    pub refresh: Option<String>,
    /// Access-token lifetime in seconds.
    pub expires_in: i64,
}

impl Issued {
    /// The `AuthenticationResult` object of the JSON API.
    pub fn authentication_result(&self) -> Value {
        let mut m = Map::new();
        m.insert("AccessToken".into(), json!(self.access));
        m.insert("ExpiresIn".into(), json!(self.expires_in));
        m.insert("TokenType".into(), json!("Bearer"));
        if let Some(id) = &self.id {
            m.insert("IdToken".into(), json!(id));
        }
        if let Some(r) = &self.refresh {
            m.insert("RefreshToken".into(), json!(r));
        }
        Value::Object(m)
    }
}

/// The scope of access tokens from the JSON API.
pub const ADMIN_SCOPE: &str = "aws.cognito.signin.user.admin";

/// Which refresh-token family a grant belongs to.
pub enum Family<'a> {
    /// A new sign-in: a new refresh token and family.
    New {
        /// Access-token scope.
        scope: &'a str,
        /// Whether to issue an id token.
        id_token: bool,
        /// OIDC nonce for the id token.
        nonce: Option<&'a str>,
    },
    /// A refresh of an existing family; `rotate` issues a replacement refresh token.
    Refresh {
        /// The refresh token used.
        token: &'a str,
        /// Issue a new refresh token (rotation).
        rotate: bool,
        /// Whether to issue an id token.
        id_token: bool,
    },
}

/// Issues tokens for a user.
pub fn issue_tokens(
    ctx: &Ctx,
    st: &mut UserPools,
    pool_id: &str,
    client: &ClientSeed,
    key: &str,
    family: Family,
) -> Result<Issued, ApiError> {
    let user = st
        .user(pool_id, key)
        .ok_or_else(|| err("UserNotFoundException", "User does not exist."))?
        .clone();
    let now = ctx.now_secs();
    let (origin_jti, event_id, auth_time, scope, with_id, nonce, refresh) = match family {
        Family::New {
            scope,
            id_token,
            nonce,
        } => {
            let origin = crypto::uuid_v4();
            let event = crypto::uuid_v4();
            let token = format!("{}.{}", crypto::opaque_token(48), crypto::opaque_token(48));
            st.refresh.insert(
                token.clone(),
                RefreshRecord {
                    pool_id: pool_id.to_string(),
                    client_id: client.id.clone(),
                    user_key: key.to_string(),
                    origin_jti: origin.clone(),
                    event_id: event.clone(),
                    auth_time: now,
                    scope: scope.to_string(),
                    expires_ms: ctx.now_ms + client.refresh_token_validity * 1000,
                    revoked: false,
                    rotated_at_ms: None,
                },
            );
            (
                origin,
                event,
                now,
                scope.to_string(),
                id_token,
                nonce.map(str::to_string),
                Some(token),
            )
        }
        Family::Refresh {
            token,
            rotate,
            id_token,
        } => {
            let rec = st
                .refresh
                .get(token)
                .cloned()
                .ok_or_else(|| not_authorized("Invalid Refresh Token"))?;
            let new = if rotate {
                if let Some(old) = st.refresh.get_mut(token) {
                    old.rotated_at_ms.get_or_insert(ctx.now_ms);
                }
                let t = format!("{}.{}", crypto::opaque_token(48), crypto::opaque_token(48));
                st.refresh.insert(
                    t.clone(),
                    RefreshRecord {
                        rotated_at_ms: None,
                        ..rec.clone()
                    },
                );
                Some(t)
            } else {
                None
            };
            (
                rec.origin_jti,
                rec.event_id,
                rec.auth_time,
                rec.scope,
                id_token,
                None,
                new,
            )
        }
    };
    let iss = ctx.app.issuer(pool_id);
    let mut access = json!({
        "sub": user.sub, "iss": iss, "client_id": client.id, "origin_jti": origin_jti,
        "event_id": event_id, "token_use": "access", "scope": scope, "auth_time": auth_time,
        "exp": now + client.access_token_validity, "iat": now, "jti": crypto::uuid_v4(),
        "username": user.username, "version": 2,
    });
    if !user.groups.is_empty() {
        access["cognito:groups"] = json!(user.groups);
    }
    let id = with_id.then(|| {
        let mut c = Map::new();
        for (k, v) in &user.attributes {
            let value = if k.ends_with("_verified") {
                json!(v == "true")
            } else {
                json!(v)
            };
            c.insert(k.clone(), value);
        }
        c.insert("sub".into(), json!(user.sub));
        if !user.groups.is_empty() {
            c.insert("cognito:groups".into(), json!(user.groups));
        }
        c.insert("iss".into(), json!(iss));
        c.insert("cognito:username".into(), json!(user.username));
        c.insert("origin_jti".into(), json!(origin_jti));
        c.insert("aud".into(), json!(client.id));
        c.insert("event_id".into(), json!(event_id));
        c.insert("token_use".into(), json!("id"));
        c.insert("auth_time".into(), json!(auth_time));
        c.insert("exp".into(), json!(now + client.id_token_validity));
        c.insert("iat".into(), json!(now));
        c.insert("jti".into(), json!(crypto::uuid_v4()));
        if let Some(n) = &nonce {
            c.insert("nonce".into(), json!(n));
        }
        ctx.app.signer.jwt(&Value::Object(c))
    });
    Ok(Issued {
        access: ctx.app.signer.jwt(&access),
        id,
        refresh,
        expires_in: client.access_token_validity,
    })
}

/// A verified access token's owner.
#[derive(Debug, Clone)]
pub struct TokenOwner {
    /// Pool.
    pub pool_id: String,
    /// User key.
    pub user_key: String,
    /// Claims.
    pub claims: Value,
}

/// Checks an access token as the user-pool API does: signature, expiry, token_use, revocation,
/// and (with `need_admin_scope`) the `aws.cognito.signin.user.admin` scope.
pub fn check_access_token(
    ctx: &Ctx,
    st: &UserPools,
    token: &str,
    need_admin_scope: bool,
) -> Result<TokenOwner, ApiError> {
    let claims = match ctx.app.signer.decode_verified(token) {
        Ok(c) => c,
        Err(_) => return Err(not_authorized("Invalid Access Token")),
    };
    if claims["token_use"] != "access" {
        return Err(not_authorized("Invalid Access Token"));
    }
    if claims["exp"]
        .as_i64()
        .is_none_or(|exp| ctx.now_secs() >= exp)
    {
        return Err(not_authorized("Access Token has expired"));
    }
    let origin = claims["origin_jti"].as_str().unwrap_or("");
    if st.revoked_origins.contains(origin) {
        return Err(not_authorized("Access Token has been revoked"));
    }
    if need_admin_scope
        && !claims["scope"]
            .as_str()
            .unwrap_or("")
            .split(' ')
            .any(|s| s == ADMIN_SCOPE)
    {
        return Err(not_authorized("Access Token does not have required scopes"));
    }
    let iss = claims["iss"].as_str().unwrap_or("");
    let pool_id = iss.rsplit('/').next().unwrap_or("").to_string();
    let pool = st
        .pools
        .get(&pool_id)
        .filter(|_| ctx.app.issuer(&pool_id) == iss)
        .ok_or_else(|| not_authorized("Invalid Access Token"))?;
    let username = claims["username"].as_str().unwrap_or("");
    let key = username.to_lowercase();
    let user = pool
        .users
        .get(&key)
        .ok_or_else(|| err("UserNotFoundException", "User does not exist."))?;
    if user.sub != claims["sub"].as_str().unwrap_or("") {
        return Err(err("UserNotFoundException", "User does not exist."));
    }
    if !user.enabled {
        return Err(not_authorized("User is disabled."));
    }
    Ok(TokenOwner {
        pool_id,
        user_key: key,
        claims,
    })
}

/// Revokes a refresh-token family (the token and its rotations) and the access tokens from it.
pub fn revoke_family(st: &mut UserPools, origin_jti: &str) {
    for r in st
        .refresh
        .values_mut()
        .filter(|r| r.origin_jti == origin_jti)
    {
        r.revoked = true;
    }
    st.revoked_origins.insert(origin_jti.to_string());
}

/// Validates a refresh token for `client_id` at `now_ms`.
pub fn check_refresh(
    st: &UserPools,
    token: &str,
    client_id: &str,
    now_ms: i64,
    grace_ms: i64,
) -> Result<RefreshRecord, ApiError> {
    let rec = st
        .refresh
        .get(token)
        .ok_or_else(|| not_authorized("Invalid Refresh Token"))?;
    if rec.client_id != client_id {
        return Err(not_authorized("Invalid Refresh Token"));
    }
    if rec.revoked {
        return Err(not_authorized("Refresh Token has been revoked"));
    }
    if now_ms >= rec.expires_ms {
        return Err(not_authorized("Refresh Token has expired"));
    }
    if rec.rotated_at_ms.is_some_and(|t| now_ms >= t + grace_ms) {
        return Err(not_authorized("Invalid Refresh Token"));
    }
    let user = st
        .user(&rec.pool_id, &rec.user_key)
        .ok_or_else(|| not_authorized("Invalid Refresh Token"))?;
    if !user.enabled {
        return Err(not_authorized("User is disabled."));
    }
    Ok(rec.clone())
}

/// Dispatches a JSON API call.
pub fn handle(app: &App, op: &str, req: &Req) -> Resp {
    if req.method != "POST" {
        return aws_json_error(400, "UnknownOperationException", "Only POST is accepted");
    }
    let body: Value = if req.body.is_empty() {
        json!({})
    } else {
        match serde_json::from_slice(&req.body) {
            Ok(v @ Value::Object(_)) => v,
            _ => {
                return aws_json_error(
                    400,
                    "SerializationException",
                    "The request body is not a JSON object",
                )
            }
        }
    };
    let ctx = Ctx {
        app,
        now_ms: app.clock.now_ms(),
    };
    let mut guard = app.user_pools.lock().unwrap_or_else(|p| p.into_inner());
    let st = &mut *guard;
    let result = match op {
        "InitiateAuth" => auth::initiate_auth(&ctx, st, &body),
        "RespondToAuthChallenge" => auth::respond_to_auth_challenge(&ctx, st, &body),
        "GetTokensFromRefreshToken" => auth::get_tokens_from_refresh_token(&ctx, st, &body),
        "RevokeToken" => auth::revoke_token(&ctx, st, &body),
        "GlobalSignOut" => auth::global_sign_out(&ctx, st, &body),
        "AssociateSoftwareToken" => account::associate_software_token(&ctx, st, &body),
        "VerifySoftwareToken" => account::verify_software_token(&ctx, st, &body),
        "SetUserMFAPreference" => account::set_user_mfa_preference(&ctx, st, &body),
        "SignUp" => account::sign_up(&ctx, st, &body),
        "ConfirmSignUp" => account::confirm_sign_up(&ctx, st, &body),
        "ResendConfirmationCode" => account::resend_confirmation_code(&ctx, st, &body),
        "ForgotPassword" => account::forgot_password(&ctx, st, &body),
        "ConfirmForgotPassword" => account::confirm_forgot_password(&ctx, st, &body),
        "ChangePassword" => account::change_password(&ctx, st, &body),
        "GetUser" => account::get_user(&ctx, st, &body),
        "UpdateUserAttributes" => account::update_user_attributes(&ctx, st, &body),
        "VerifyUserAttribute" => account::verify_user_attribute(&ctx, st, &body),
        "GetUserAttributeVerificationCode" => {
            account::get_user_attribute_verification_code(&ctx, st, &body)
        }
        "" => Err(err("UnknownOperationException", "Missing X-Amz-Target")),
        other => Err(err(
            "UnknownOperationException",
            format!("{other} is not emulated"),
        )),
    };
    match result {
        Ok(v) => Resp::new(200, "application/x-amz-json-1.1", v.to_string()),
        Err(e) => {
            let status = if e.kind == "InternalErrorException" {
                500
            } else {
                400
            };
            aws_json_error(status, e.kind, &e.message)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_like_cognito() {
        assert_eq!(mask("alice@example.com"), "a***@e***");
        assert_eq!(mask("+15555551234"), "+*******1234");
    }
}

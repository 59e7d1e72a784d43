//! The seed file (TOML): region, user pools with their app clients and users, and the sections the
//! identity-pool and S3 modules read (`identity_pools`, `buckets`). See `emulator/README.md` for
//! the format with an example; `emulator/seeds/` holds the test and demo seeds.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The whole seed.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Seed {
    /// AWS region the emulator pretends to be, e.g. `us-east-1` (goes into `iss` and pool ids).
    pub region: String,
    /// User pools.
    #[serde(default)]
    pub user_pools: Vec<PoolSeed>,
    /// Identity pools (read by `crate::identity`).
    #[serde(default)]
    pub identity_pools: Vec<crate::identity::IdentityPoolSeed>,
    /// S3 buckets (read by `crate::s3`).
    #[serde(default)]
    pub buckets: Vec<crate::s3::BucketSeed>,
}

/// One user pool.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PoolSeed {
    /// `<region>_<id>`; a bare `<id>` gets the region prefixed.
    pub id: String,
    /// Pool name (display only).
    #[serde(default)]
    pub name: String,
    /// MFA configuration: `OFF`, `OPTIONAL` or `ON` (required).
    #[serde(default = "default_mfa")]
    pub mfa: String,
    /// Password policy applied to SignUp, new passwords and resets.
    #[serde(default)]
    pub password_policy: PasswordPolicy,
    /// Minutes a confirmation / reset code stays valid (Cognito: 24 h for sign-up, 1 h for reset;
    /// one setting here).
    #[serde(default = "default_code_validity")]
    pub code_validity_minutes: i64,
    /// Whether users may sign in with their email address as well as their username.
    #[serde(default)]
    pub email_as_alias: bool,
    /// App clients.
    #[serde(default)]
    pub clients: Vec<ClientSeed>,
    /// Users.
    #[serde(default)]
    pub users: Vec<UserSeed>,
}

fn default_mfa() -> String {
    "OPTIONAL".into()
}
fn default_code_validity() -> i64 {
    60
}

/// Cognito's password policy.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct PasswordPolicy {
    /// Minimum length (Cognito default 8).
    pub min_length: usize,
    /// Requires an upper-case letter.
    pub require_uppercase: bool,
    /// Requires a lower-case letter.
    pub require_lowercase: bool,
    /// Requires a digit.
    pub require_numbers: bool,
    /// Requires a symbol.
    pub require_symbols: bool,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        PasswordPolicy {
            min_length: 8,
            require_uppercase: true,
            require_lowercase: true,
            require_numbers: true,
            require_symbols: true,
        }
    }
}

/// One app client.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ClientSeed {
    /// Client id.
    pub id: String,
    /// Client name (display only).
    #[serde(default)]
    pub name: String,
    /// Client secret; when set, SECRET_HASH / client authentication is required.
    #[serde(default)]
    pub secret: Option<String>,
    /// Allowed hosted-UI redirect URIs (exact match).
    #[serde(default)]
    pub callback_urls: Vec<String>,
    /// Allowed `/logout` `logout_uri` values (exact match).
    #[serde(default)]
    pub logout_urls: Vec<String>,
    /// Allowed OAuth flows: `code` (and `implicit`, refused by this emulator's token endpoint).
    #[serde(default = "default_oauth_flows")]
    pub allowed_oauth_flows: Vec<String>,
    /// Allowed OAuth scopes.
    #[serde(default = "default_scopes")]
    pub allowed_oauth_scopes: Vec<String>,
    /// Explicit auth flows: `USER_SRP_AUTH`, `USER_PASSWORD_AUTH`, `REFRESH_TOKEN_AUTH`
    /// (an `ALLOW_` prefix is accepted too).
    #[serde(default = "default_auth_flows")]
    pub explicit_auth_flows: Vec<String>,
    /// Access-token lifetime in seconds.
    #[serde(default = "hour")]
    pub access_token_validity: i64,
    /// Id-token lifetime in seconds.
    #[serde(default = "hour")]
    pub id_token_validity: i64,
    /// Refresh-token lifetime in seconds.
    #[serde(default = "thirty_days")]
    pub refresh_token_validity: i64,
    /// Lifetime of challenge `Session` strings in seconds (Cognito default 3 minutes).
    #[serde(default = "three_minutes")]
    pub auth_session_validity: i64,
    /// Refresh-token rotation: GetTokensFromRefreshToken returns a new refresh token and the old
    /// one stops working after the grace period; REFRESH_TOKEN_AUTH is refused.
    #[serde(default)]
    pub refresh_token_rotation: bool,
    /// Seconds the rotated-out refresh token stays valid (0-60).
    #[serde(default)]
    pub refresh_token_grace_seconds: i64,
    /// "Prevent user existence errors" (default on, as for new Cognito clients): unknown users get
    /// the same answer as a wrong password.
    #[serde(default = "yes")]
    pub prevent_user_existence_errors: bool,
}

fn default_oauth_flows() -> Vec<String> {
    vec!["code".into()]
}
fn default_scopes() -> Vec<String> {
    ["openid", "email", "profile", "phone", "aws.cognito.signin.user.admin"].map(String::from).to_vec()
}
fn default_auth_flows() -> Vec<String> {
    ["USER_SRP_AUTH", "REFRESH_TOKEN_AUTH"].map(String::from).to_vec()
}
fn hour() -> i64 {
    3600
}
fn thirty_days() -> i64 {
    30 * 86_400
}
fn three_minutes() -> i64 {
    180
}
fn yes() -> bool {
    true
}

/// One user, as seeded or created through `POST /__admin/users`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct UserSeed {
    /// Username.
    pub username: String,
    /// Password (for FORCE_CHANGE_PASSWORD users: the temporary password).
    pub password: String,
    /// `CONFIRMED`, `UNCONFIRMED`, `FORCE_CHANGE_PASSWORD` or `RESET_REQUIRED`.
    #[serde(default = "confirmed")]
    pub status: String,
    /// `sub`; a stable value derived from pool and username when absent.
    #[serde(default)]
    pub sub: Option<String>,
    /// Attributes: `email`, `email_verified`, `name`, `phone_number`, `custom:*`, ...
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    /// Group names (`cognito:groups`).
    #[serde(default)]
    pub groups: Vec<String>,
    /// MFA settings.
    #[serde(default)]
    pub mfa: MfaSeed,
    /// Whether the user is enabled.
    #[serde(default = "yes")]
    pub enabled: bool,
}

fn confirmed() -> String {
    "CONFIRMED".into()
}

/// A user's MFA settings.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MfaSeed {
    /// A verified TOTP secret (base32); enables software-token MFA.
    #[serde(default)]
    pub totp_secret: Option<String>,
    /// SMS MFA enabled (codes go to stderr and `/__admin/codes`; needs `phone_number`).
    #[serde(default)]
    pub sms: bool,
    /// Preferred method: `SOFTWARE_TOKEN_MFA` or `SMS_MFA`. With two methods and no preference,
    /// sign-in asks SELECT_MFA_TYPE.
    #[serde(default)]
    pub preferred: Option<String>,
}

impl Seed {
    /// Parses and checks a seed, completing pool ids with the region.
    pub fn parse(text: &str) -> Result<Seed, String> {
        let mut seed: Seed = toml::from_str(text).map_err(|e| format!("seed file: {e}"))?;
        let region = seed.region.clone();
        let mut ids = std::collections::HashSet::new();
        let mut client_ids = std::collections::HashSet::new();
        for p in &mut seed.user_pools {
            if !p.id.contains('_') {
                p.id = format!("{region}_{}", p.id);
            }
            if !p.id.starts_with(&format!("{region}_")) {
                return Err(format!("seed file: user pool {} is not in region {region}", p.id));
            }
            if !ids.insert(p.id.clone()) {
                return Err(format!("seed file: user pool {} appears twice", p.id));
            }
            if !["OFF", "OPTIONAL", "ON"].contains(&p.mfa.as_str()) {
                return Err(format!("seed file: pool {}: mfa must be OFF, OPTIONAL or ON", p.id));
            }
            for c in &mut p.clients {
                if !client_ids.insert(c.id.clone()) {
                    return Err(format!("seed file: app client {} appears twice", c.id));
                }
                for f in &mut c.explicit_auth_flows {
                    *f = f.trim_start_matches("ALLOW_").to_string();
                }
                c.refresh_token_grace_seconds = c.refresh_token_grace_seconds.clamp(0, 60);
            }
            for u in &p.users {
                u.check().map_err(|e| format!("seed file: pool {}: user {}: {e}", p.id, u.username))?;
            }
        }
        Ok(seed)
    }
}

impl UserSeed {
    /// Checks the fields that have a fixed vocabulary.
    pub fn check(&self) -> Result<(), String> {
        if self.username.is_empty() {
            return Err("username is empty".into());
        }
        if !["CONFIRMED", "UNCONFIRMED", "FORCE_CHANGE_PASSWORD", "RESET_REQUIRED"].contains(&self.status.as_str()) {
            return Err(format!("unknown status {}", self.status));
        }
        if let Some(p) = &self.mfa.preferred {
            if p != "SOFTWARE_TOKEN_MFA" && p != "SMS_MFA" {
                return Err(format!("unknown preferred MFA {p}"));
            }
        }
        if let Some(s) = &self.mfa.totp_secret {
            if crate::crypto::base32_decode(s).is_none_or(|b| b.is_empty()) {
                return Err("totp_secret is not base32".into());
            }
        }
        Ok(())
    }
}

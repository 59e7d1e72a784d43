//! The SDK configuration: its types, and validation of the object an app passes to
//! `new CognitoAuth(config)`.
//!
//! Validation is strict and happens once, up front: a missing or malformed field, or an option
//! the SDK does not know (usually a typo), is an `InvalidConfig` error naming the field. The JS
//! facade hands the config over as JSON text (`JSON.stringify(config)`), so this module is pure
//! and tested natively.
//!
//! The shape leaves room for the later parts of the SDK: `identityPoolId` and the
//! `identityPool` / `s3` endpoint overrides are validated here already, though no
//! SDK call reads them yet.

use crate::prelude::*;

use super::encoding::{concat, split_ascii};
use super::error::{Error, Result};
use super::json::Json;

/// Where the session (tokens and the username used for refresh) is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageKind {
    /// `localStorage`: survives reloads and is shared by the tabs of an origin (the default).
    Local,
    /// `sessionStorage`: survives reloads of this tab only.
    Session,
    /// In memory: lost on reload (also the fallback where Web Storage is unavailable, e.g. Node).
    Memory,
}

/// Service URL overrides (an emulator, a VPC endpoint, a proxy). `None`: not overridden.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Endpoints {
    /// The Cognito user-pool API (default `https://cognito-idp.<region>.amazonaws.com/`, see
    /// [`Config::user_pool_url`]).
    pub user_pool: Option<String>,
    /// The Cognito identity-pool API (validated; not read by any SDK call yet).
    pub identity_pool: Option<String>,
    /// S3 (validated; not read by any SDK call yet).
    pub s3: Option<String>,
    /// The hosted UI (managed login) base URL, for when it differs from `oauth.domain`
    /// (validated; not read by any SDK call yet).
    pub hosted_ui: Option<String>,
}

/// The hosted UI (managed login) settings (`oauth`), for the redirect sign-in flow.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OAuth {
    /// The hosted UI domain, e.g. `https://myapp.auth.us-east-1.amazoncognito.com`.
    pub domain: String,
    /// Where the hosted UI sends the browser back with the authorization code (one of the app
    /// client's callback URLs).
    pub redirect_sign_in: String,
    /// Where Cognito's `/logout` sends the browser after signing out (one of the app client's
    /// sign-out URLs); without it, sign-out does not visit the hosted UI.
    pub redirect_sign_out: Option<String>,
    /// The scopes to request; empty: Cognito grants every scope the app client allows.
    pub scopes: Vec<String>,
}

/// A validated SDK configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The AWS region, e.g. `us-east-1`.
    pub region: String,
    /// The user pool id, `<region>_<id>`.
    pub user_pool_id: String,
    /// The app client id.
    pub client_id: String,
    /// The app client secret, for clients that have one (SECRET_HASH is then sent).
    pub client_secret: Option<String>,
    /// The expected `iss` claim of tokens, when it is not the AWS one for this pool.
    pub issuer: Option<String>,
    /// Where the session is kept.
    pub storage: StorageKind,
    /// Service URL overrides.
    pub endpoints: Endpoints,
    /// Hosted UI settings, when given.
    pub oauth: Option<OAuth>,
    /// The identity pool id, `<region>:<uuid>` in the same region, when given (not read by any
    /// SDK call yet).
    pub identity_pool_id: Option<String>,
    /// The issuer label shown by authenticator apps for TOTP (default `AWSCognito`).
    pub totp_issuer: Option<String>,
    /// The app client rotates refresh tokens: refresh with `GetTokensFromRefreshToken`
    /// instead of `InitiateAuth` `REFRESH_TOKEN_AUTH`.
    pub refresh_token_rotation: bool,
    /// Tokens are refreshed when they expire within this many seconds (`refreshMargin`,
    /// default 300).
    pub refresh_margin_secs: u64,
    /// Tokens are accepted only once their RS256 signatures check out with the pool's JWKS
    /// (`verifyTokenSignatures`, default true; turning it off is for setups whose tokens are
    /// signed by something the SDK cannot reach).
    pub verify_signatures: bool,
    /// Refresh ahead of expiry while the page is visible (`autoRefresh`, default false): read by
    /// the JS driver, which runs the timer.
    pub auto_refresh: bool,
}

/// The top-level option names, as the app spells them.
const TOP_KEYS: &[&str] = &[
    "region",
    "userPoolId",
    "clientId",
    "clientSecret",
    "issuer",
    "storage",
    "endpoints",
    "oauth",
    "identityPoolId",
    "totpIssuer",
    "refreshTokenRotation",
    "refreshMargin",
    "verifyTokenSignatures",
    "autoRefresh",
];
const ENDPOINT_KEYS: &[&str] = &["userPool", "identityPool", "s3", "hostedUi"];
const OAUTH_KEYS: &[&str] = &["domain", "redirectSignIn", "redirectSignOut", "scopes"];

impl Config {
    /// Parses and validates the config given as JSON text (what `JSON.stringify(config)` gives).
    pub fn from_json_text(text: &str) -> Result<Config> {
        let json =
            Json::parse(text).map_err(|_| Error::config("config", "is not a plain object"))?;
        Config::from_json(&json)
    }

    /// Validates a parsed config object. `null` values count as absent.
    pub fn from_json(json: &Json) -> Result<Config> {
        let fields = object(json, "config")?;
        reject_unknown(fields, TOP_KEYS, "")?;

        let region = required_str(fields, "region")?;
        if !is_region(region) {
            return Err(Error::config(
                "region",
                "expected an AWS region such as us-east-1",
            ));
        }
        let user_pool_id = required_str(fields, "userPoolId")?;
        match split_ascii(user_pool_id, b'_', false) {
            Some((r, id)) if r == region && is_word(id) => {}
            Some((r, _)) if r != region && is_region(r) => {
                return Err(Error::config(
                    "userPoolId",
                    "is in a different region than `region`",
                ))
            }
            _ => {
                return Err(Error::config(
                    "userPoolId",
                    "expected <region>_<id>, e.g. us-east-1_AbC123",
                ))
            }
        }
        let client_id = required_str(fields, "clientId")?;
        if !is_word(client_id) || client_id.len() > 128 {
            return Err(Error::config(
                "clientId",
                "expected the app client id (letters, digits, _ and +)",
            ));
        }
        let client_secret = optional_str(fields, "clientSecret")?;
        if client_secret.is_some_and(|s| s.is_empty()) {
            return Err(Error::config(
                "clientSecret",
                "is empty (omit it for clients without a secret)",
            ));
        }
        let issuer = optional_url(fields, "issuer", "issuer")?;
        let storage = match optional_str(fields, "storage")? {
            None | Some("local") => StorageKind::Local,
            Some("session") => StorageKind::Session,
            Some("memory") => StorageKind::Memory,
            Some(_) => {
                return Err(Error::config(
                    "storage",
                    "expected 'local', 'session' or 'memory'",
                ))
            }
        };

        // Strings are checked borrowed and owned at the end: a `?` between owned fields costs
        // a drop path per field in the wasm.
        let mut urls = [None; 4];
        if let Some(e) = optional(fields, "endpoints") {
            let e = object(e, "endpoints")?;
            reject_unknown(e, ENDPOINT_KEYS, "endpoints.")?;
            for (url, (key, name)) in urls.iter_mut().zip([
                ("userPool", "endpoints.userPool"),
                ("identityPool", "endpoints.identityPool"),
                ("s3", "endpoints.s3"),
                ("hostedUi", "endpoints.hostedUi"),
            ]) {
                *url = optional_url(e, key, name)?;
            }
        }

        let oauth = match optional(fields, "oauth") {
            None => None,
            Some(h) => {
                let h = object(h, "oauth")?;
                reject_unknown(h, OAUTH_KEYS, "oauth.")?;
                let domain = optional_url(h, "domain", "oauth.domain")?
                    .ok_or_else(|| Error::config("oauth.domain", "is required"))?;
                let redirect_sign_in = optional_url(h, "redirectSignIn", "oauth.redirectSignIn")?
                    .ok_or_else(|| Error::config("oauth.redirectSignIn", "is required"))?;
                let redirect_sign_out =
                    optional_url(h, "redirectSignOut", "oauth.redirectSignOut")?;
                let mut scopes = Vec::new();
                if let Some(s) = optional(h, "scopes") {
                    let bad =
                        || Error::config("oauth.scopes", "expected an array of scope names");
                    for v in s.as_array().ok_or_else(bad)? {
                        match v.as_str() {
                            Some(x) if !x.is_empty() && !x.contains(char::is_whitespace) => {
                                scopes.push(x.to_string())
                            }
                            _ => return Err(bad()),
                        }
                    }
                }
                Some(OAuth {
                    domain: domain.to_string(),
                    redirect_sign_in: redirect_sign_in.to_string(),
                    redirect_sign_out: owned(redirect_sign_out),
                    scopes,
                })
            }
        };

        let identity_pool_id = optional_str(fields, "identityPoolId")?;
        if let Some(id) = identity_pool_id {
            match split_ascii(id, b':', false) {
                Some((r, uuid)) if r == region && is_uuid(uuid) => {}
                _ => {
                    return Err(Error::config(
                        "identityPoolId",
                        "expected <region>:<uuid> in the same region as `region`",
                    ))
                }
            }
        }
        let totp_issuer = optional_str(fields, "totpIssuer")?;
        if totp_issuer.is_some_and(|s| s.is_empty() || s.bytes().any(|b| b == b':')) {
            return Err(Error::config(
                "totpIssuer",
                "must be non-empty and contain no ':'",
            ));
        }
        let refresh_token_rotation = match optional(fields, "refreshTokenRotation") {
            None => false,
            Some(Json::Bool(b)) => *b,
            Some(_) => {
                return Err(Error::config(
                    "refreshTokenRotation",
                    "expected true or false",
                ))
            }
        };

        let refresh_margin_secs = match optional(fields, "refreshMargin") {
            None => 300,
            Some(v) => v.as_u64().filter(|s| *s <= 3600).ok_or_else(|| {
                Error::config("refreshMargin", "expected whole seconds from 0 to 3600")
            })?,
        };

        let verify_signatures = match optional(fields, "verifyTokenSignatures") {
            None => true,
            Some(Json::Bool(b)) => *b,
            Some(_) => {
                return Err(Error::config("verifyTokenSignatures", "expected true or false"))
            }
        };

        let auto_refresh = match optional(fields, "autoRefresh") {
            None => false,
            Some(Json::Bool(b)) => *b,
            Some(_) => return Err(Error::config("autoRefresh", "expected true or false")),
        };

        let [user_pool, identity_pool, s3, hosted_ui_url] = urls.map(owned);
        Ok(Config {
            region: region.to_string(),
            user_pool_id: user_pool_id.to_string(),
            client_id: client_id.to_string(),
            client_secret: owned(client_secret),
            issuer: owned(issuer),
            storage,
            endpoints: Endpoints {
                user_pool,
                identity_pool,
                s3,
                hosted_ui: hosted_ui_url,
            },
            oauth,
            identity_pool_id: owned(identity_pool_id),
            totp_issuer: owned(totp_issuer),
            refresh_token_rotation,
            refresh_margin_secs,
            verify_signatures,
            auto_refresh,
        })
    }

    /// The user-pool API URL: `endpoints.userPool`, else `https://cognito-idp.<region>.amazonaws.com/`.
    pub fn user_pool_url(&self) -> String {
        match &self.endpoints.user_pool {
            Some(u) => u.clone(),
            None => {
                let mut s = concat("https://cognito-idp.", &self.region);
                s.push_str(".amazonaws.com/");
                s
            }
        }
    }

    /// The `iss` claim tokens must carry: the `issuer` option, else
    /// `https://cognito-idp.<region>.amazonaws.com/<userPoolId>` (what Cognito, and the emulator,
    /// issue whatever URL the API is reached at).
    pub fn expected_issuer(&self) -> String {
        match &self.issuer {
            Some(i) => i.clone(),
            None => {
                let mut s = concat("https://cognito-idp.", &self.region);
                s.push_str(".amazonaws.com/");
                s.push_str(&self.user_pool_id);
                s
            }
        }
    }

    /// The pool name SRP hashes: the part of the user pool id after `_`.
    pub fn pool_name(&self) -> &str {
        split_ascii(&self.user_pool_id, b'_', false).map_or("", |(_, n)| n)
    }

    /// The prefix of every storage key of this pool and client, so two apps (or two clients)
    /// on one origin never read each other's session: `cognito-wasm.<userPoolId>.<clientId>.`.
    pub fn storage_prefix(&self) -> String {
        let mut s = concat("cognito-wasm.", &self.user_pool_id);
        s.push('.');
        s.push_str(&self.client_id);
        s.push('.');
        s
    }

    /// The hosted UI's base URL (`endpoints.hostedUi`, else `oauth.domain`), when the app
    /// configured the hosted UI.
    pub fn hosted_ui_base(&self) -> Option<&str> {
        let oauth = self.oauth.as_ref()?;
        Some(self.endpoints.hosted_ui.as_deref().unwrap_or(&oauth.domain))
    }

    /// The TOTP issuer label: `totpIssuer`, else `AWSCognito` (as Amplify's Authenticator).
    pub fn totp_issuer(&self) -> &str {
        self.totp_issuer.as_deref().unwrap_or("AWSCognito")
    }
}

fn object<'a>(json: &'a Json, field: &str) -> Result<&'a [(String, Json)]> {
    match json {
        Json::Object(fields) => Ok(fields),
        _ => Err(Error::config(field, "expected an object")),
    }
}

fn reject_unknown(fields: &[(String, Json)], known: &[&str], prefix: &str) -> Result<()> {
    for (k, _) in fields {
        if !known.contains(&k.as_str()) {
            return Err(Error::config(&concat(prefix, k), "is not a known option"));
        }
    }
    Ok(())
}

/// The member `key` (the last one if repeated, as `JSON.parse` and `Json::get` read it);
/// `null` counts as absent.
fn optional<'a>(fields: &'a [(String, Json)], key: &str) -> Option<&'a Json> {
    fields
        .iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
        .filter(|v| !matches!(v, Json::Null))
}

fn optional_str<'a>(fields: &'a [(String, Json)], key: &str) -> Result<Option<&'a str>> {
    match optional(fields, key) {
        None => Ok(None),
        Some(Json::String(s)) => Ok(Some(s)),
        Some(_) => Err(Error::config(key, "expected a string")),
    }
}

fn required_str<'a>(fields: &'a [(String, Json)], key: &str) -> Result<&'a str> {
    match optional_str(fields, key)? {
        Some(s) if !s.is_empty() => Ok(s),
        _ => Err(Error::config(key, "is required")),
    }
}

fn owned(s: Option<&str>) -> Option<String> {
    s.map(str::to_string)
}

fn optional_url<'a>(
    fields: &'a [(String, Json)],
    key: &str,
    name: &str,
) -> Result<Option<&'a str>> {
    match optional(fields, key) {
        None => Ok(None),
        Some(Json::String(s)) if is_http_url(s) => Ok(Some(s)),
        Some(_) => Err(Error::config(name, "expected an absolute http(s) URL")),
    }
}

/// `http(s)://host[:port][/path]` with a non-empty host and no whitespace, query or fragment.
pub fn is_http_url(s: &str) -> bool {
    let rest = match s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))
    {
        Some(r) => r,
        None => return false,
    };
    let host = split_ascii(rest, b'/', false).map_or(rest, |(host, _)| host);
    !host.is_empty()
        && !host.starts_with(':')
        && !host.bytes().any(|b| b == b'@')
        && !s
            .bytes()
            .any(|b| b <= b' ' || b == b'#' || b == b'?' || b == b'\\' || b >= 0x7f)
}

/// `[a-z]{2}(-[a-z]+)+-[0-9]+`: what AWS region names look like (us-east-1, us-gov-west-1).
fn is_region(s: &str) -> bool {
    // Parts checked as they come (no `Vec`: collecting them cost 0.3 KB of wasm).
    let mut parts = s.as_bytes().split(|&b| b == b'-');
    let first = parts
        .next()
        .is_some_and(|p| p.len() == 2 && p.iter().all(u8::is_ascii_lowercase));
    let mut middles = 0;
    let mut last: Option<&[u8]> = None;
    for p in parts {
        if let Some(m) = last {
            if m.is_empty() || !m.iter().all(u8::is_ascii_lowercase) {
                return false;
            }
            middles += 1;
        }
        last = Some(p);
    }
    first && middles >= 1 && last.is_some_and(|p| !p.is_empty() && p.iter().all(u8::is_ascii_digit))
}

/// Cognito's `[\w+]+` (ASCII letters, digits, `_` and `+`), non-empty.
fn is_word(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'+')
}

/// 8-4-4-4-12 hex digits.
fn is_uuid(s: &str) -> bool {
    let mut groups = s.as_bytes().split(|&b| b == b'-');
    [8, 4, 4, 4, 12].into_iter().all(|n| {
        groups
            .next()
            .is_some_and(|g| g.len() == n && g.iter().all(u8::is_ascii_hexdigit))
    }) && groups.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::ErrorCode;

    const BASE: &str =
        r#""region":"us-east-1","userPoolId":"us-east-1_AbC123","clientId":"client1""#;

    fn cfg(extra: &str) -> Result<Config> {
        let mut t = String::from("{");
        t.push_str(BASE);
        t.push_str(extra);
        t.push('}');
        Config::from_json_text(&t)
    }

    fn err_message(r: Result<Config>) -> String {
        let e = r.expect_err("config should be refused");
        assert_eq!(e.code, ErrorCode::InvalidConfig);
        e.message
    }

    #[test]
    fn minimal_config_gets_aws_defaults() {
        let c = cfg("").unwrap();
        assert_eq!(
            c.user_pool_url(),
            "https://cognito-idp.us-east-1.amazonaws.com/"
        );
        assert_eq!(
            c.expected_issuer(),
            "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123"
        );
        assert_eq!(c.storage, StorageKind::Local);
        assert_eq!(c.storage_prefix(), "cognito-wasm.us-east-1_AbC123.client1.");
        assert_eq!(c.pool_name(), "AbC123");
        assert_eq!(c.totp_issuer(), "AWSCognito");
        assert!(c.client_secret.is_none());
        assert!(!c.refresh_token_rotation);
        assert_eq!(c.refresh_margin_secs, 300);
        assert!(c.verify_signatures);
        assert!(!c.auto_refresh);
    }

    #[test]
    fn full_config_is_read() {
        let c = cfg(r#","clientSecret":"s3cr3t","storage":"memory","issuer":"http://127.0.0.1:1/x",
            "endpoints":{"userPool":"http://127.0.0.1:47291","s3":"http://127.0.0.1:47291/s3","identityPool":null},
            "oauth":{"domain":"https://a.auth.us-east-1.amazoncognito.com","redirectSignIn":"http://localhost:5173/cb","scopes":["openid","email"]},
            "identityPoolId":"us-east-1:0f0e0d0c-0b0a-0908-0706-050403020100","totpIssuer":"My App","refreshTokenRotation":true,"refreshMargin":60"#)
        .unwrap();
        assert_eq!(c.user_pool_url(), "http://127.0.0.1:47291");
        assert_eq!(c.expected_issuer(), "http://127.0.0.1:1/x");
        assert_eq!(c.client_secret.as_deref(), Some("s3cr3t"));
        assert_eq!(c.storage, StorageKind::Memory);
        assert_eq!(c.endpoints.s3.as_deref(), Some("http://127.0.0.1:47291/s3"));
        assert_eq!(c.endpoints.identity_pool, None);
        let h = c.oauth.unwrap();
        assert_eq!(h.scopes, ["openid", "email"]);
        assert_eq!(h.redirect_sign_out, None);
        assert_eq!(c.totp_issuer.as_deref(), Some("My App"));
        assert!(c.refresh_token_rotation);
        assert_eq!(c.refresh_margin_secs, 60);
    }

    #[test]
    fn a_repeated_option_reads_as_its_last_value() {
        let c = cfg(r#","storage":"memory","storage":"session""#).unwrap();
        assert_eq!(c.storage, StorageKind::Session);
    }

    #[test]
    fn each_bad_field_is_named() {
        assert_eq!(
            err_message(Config::from_json_text("[]")),
            "config: expected an object"
        );
        assert_eq!(
            err_message(Config::from_json_text("nope")),
            "config: is not a plain object"
        );
        assert_eq!(
            err_message(Config::from_json_text(
                r#"{"userPoolId":"us-east-1_A","clientId":"c"}"#
            )),
            "region: is required"
        );
        assert!(err_message(cfg(r#","regoin":"x""#)).starts_with("regoin: is not a known option"));
        assert!(err_message(Config::from_json_text(
            r#"{"region":"US","userPoolId":"us-east-1_A","clientId":"c"}"#
        ))
        .starts_with("region:"));
        assert!(err_message(Config::from_json_text(
            r#"{"region":"us-east-1","userPoolId":"AbC","clientId":"c"}"#
        ))
        .starts_with("userPoolId:"));
        assert_eq!(
            err_message(Config::from_json_text(
                r#"{"region":"us-east-1","userPoolId":"eu-west-1_AbC","clientId":"c"}"#
            )),
            "userPoolId: is in a different region than `region`"
        );
        assert!(err_message(Config::from_json_text(
            r#"{"region":"us-east-1","userPoolId":"us-east-1_A-b","clientId":"c"}"#
        ))
        .starts_with("userPoolId:"));
        assert_eq!(
            err_message(Config::from_json_text(
                r#"{"region":"us-east-1","userPoolId":"us-east-1_A"}"#
            )),
            "clientId: is required"
        );
        assert!(err_message(Config::from_json_text(
            r#"{"region":"us-east-1","userPoolId":"us-east-1_A","clientId":"a b"}"#
        ))
        .starts_with("clientId:"));
        assert!(err_message(Config::from_json_text(
            r#"{"region":"us-east-1","userPoolId":"us-east-1_A","clientId":7}"#
        ))
        .starts_with("clientId: expected a string"));
        assert!(err_message(cfg(r#","clientSecret":"""#)).starts_with("clientSecret:"));
        assert!(err_message(cfg(r#","storage":"cookie""#)).starts_with("storage:"));
        assert!(
            err_message(cfg(r#","endpoints":{"userPool":"localhost:9"}"#))
                .starts_with("endpoints.userPool:")
        );
        assert!(err_message(cfg(r#","endpoints":{"userpool":"http://x"}"#))
            .starts_with("endpoints.userpool: is not a known option"));
        assert!(err_message(cfg(r#","endpoints":"http://x""#)).starts_with("endpoints:"));
        assert!(err_message(cfg(r#","issuer":"ftp://x""#)).starts_with("issuer:"));
        assert!(err_message(cfg(r#","refreshMargin":3601"#)).starts_with("refreshMargin:"));
        assert!(err_message(cfg(r#","autoRefresh":"yes""#)).starts_with("autoRefresh:"));
        assert!(err_message(cfg(r#","refreshMargin":-1"#)).starts_with("refreshMargin:"));
        assert!(err_message(cfg(r#","oauth":{"domain":"https://d"}"#))
            .starts_with("oauth.redirectSignIn:"));
        assert!(err_message(cfg(
            r#","oauth":{"domain":"https://d","redirectSignIn":"https://r","scope":[]}"#
        ))
        .starts_with("oauth.scope:"));
        assert!(err_message(cfg(
            r#","oauth":{"domain":"https://d","redirectSignIn":"https://r","scopes":["a b"]}"#
        ))
        .starts_with("oauth.scopes:"));
        assert!(err_message(cfg(
            r#","identityPoolId":"eu-west-1:0f0e0d0c-0b0a-0908-0706-050403020100""#
        ))
        .starts_with("identityPoolId:"));
        assert!(err_message(cfg(r#","identityPoolId":"us-east-1:nope""#))
            .starts_with("identityPoolId:"));
        assert!(err_message(cfg(r#","refreshTokenRotation":"yes""#))
            .starts_with("refreshTokenRotation:"));
        assert!(err_message(cfg(r#","totpIssuer":"a:b""#)).starts_with("totpIssuer:"));
    }

    #[test]
    fn url_and_region_shapes() {
        assert!(is_http_url("http://127.0.0.1:47291"));
        assert!(is_http_url("https://cognito-idp.us-east-1.amazonaws.com/"));
        assert!(!is_http_url("https://"));
        assert!(!is_http_url("https:///path"));
        assert!(!is_http_url("https://a b"));
        assert!(!is_http_url("https://u@host/"));
        assert!(!is_http_url("https://host/?q"));
        assert!(is_region("us-gov-west-1"));
        assert!(is_region("ap-southeast-2"));
        assert!(!is_region("us-east"));
        assert!(!is_region("us--1"));
        assert!(!is_region("useast1"));
        assert!(is_uuid("0f0e0d0c-0b0a-0908-0706-050403020100"));
        assert!(!is_uuid("0f0e0d0c-0b0a-0908-0706-05040302010"));
    }
}

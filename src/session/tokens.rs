//! The session's token set: checking tokens on receipt, keeping them in storage, and the
//! display claims an app shows.

use crate::prelude::*;

use crate::core::config::Config;
use crate::core::error::{Error, ErrorCode, Result};
use crate::core::json::{Json, JsonObject};
use crate::core::jwt::{self, ClaimsView, Jwt, TokenUse};
use crate::core::user_pool::AuthTokens;

/// How far the client clock may be off when a fresh token's expiry is checked on receipt.
pub const CLOCK_SKEW_MS: u64 = 5 * 60 * 1000;

/// The tokens of a signed-in user, as the session keeps and stores them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenSet {
    /// The id token.
    pub id_token: String,
    /// The access token.
    pub access_token: String,
    /// The refresh token (absent only if Cognito did not issue one).
    pub refresh_token: Option<String>,
    /// When the access token expires, in ms since the epoch by the *local* clock (receipt time
    /// plus `ExpiresIn`), so a wrong client clock does not cause refresh storms.
    pub expires_at_ms: i64,
    /// The access token's lifetime as Cognito gave it (`ExpiresIn`), in ms.
    pub lifetime_ms: i64,
    /// The user's `cognito:username`, which SECRET_HASH needs on refresh.
    pub username: String,
    /// Signed in through the hosted UI: refreshed at its token endpoint, and signed out at its
    /// `/logout` too.
    pub hosted_ui: bool,
}

/// The decoded token; its claims are read through [`ClaimsView`] (borrowed, only what the
/// session uses) rather than the owned `CognitoClaims`.
fn decode(token: &str) -> Result<Jwt> {
    jwt::decode(token)
}

/// Checks a token pair for this pool and client — each token's issuer, token use, audience /
/// client id and expiry (at `now` with `skew_ms`), then that both are for the same user, and
/// `expected_sub` when given — and returns the user's name (`username`, else
/// `cognito:username`, else `sub`). One function for receipt and restore: measured −859 B raw /
/// −172 B brotli of the wasm against two inlined copies.
fn check_pair(
    cfg: &Config,
    id_token: &str,
    access_token: &str,
    expected_sub: Option<&str>,
    now: u64,
    skew_ms: u64,
) -> Result<String> {
    let issuer = cfg.expected_issuer();
    let id_jwt = decode(id_token)?;
    let id = ClaimsView::new(id_jwt.claims())?;
    id.check_claims(&issuer, &cfg.client_id, TokenUse::Id, now, skew_ms)?;
    let access_jwt = decode(access_token)?;
    let access = ClaimsView::new(access_jwt.claims())?;
    access.check_claims(&issuer, &cfg.client_id, TokenUse::Access, now, skew_ms)?;
    if id.sub != access.sub || expected_sub.is_some_and(|s| s != id.sub) {
        return Err(Error::new(
            ErrorCode::TokenVerificationFailed,
            "sub: the tokens are for another user",
        ));
    }
    Ok(access.username.or(id.username).unwrap_or(id.sub).to_owned())
}

/// Checks a freshly issued token pair (issuer, token use, audience / client id, expiry and
/// issue time at the servers' time `server_now_ms` with [`CLOCK_SKEW_MS`], that both tokens are
/// for the same user, and — on refresh — the user `expected_sub`), and makes the token set to
/// store; its expiry is kept by this device's clock (`now_ms` plus `ExpiresIn`). Without a new
/// refresh token the `previous_refresh` one is kept (Cognito's `REFRESH_TOKEN_AUTH` does not
/// rotate it).
pub fn receive(
    cfg: &Config,
    t: AuthTokens,
    previous_refresh: Option<&str>,
    expected_sub: Option<&str>,
    now_ms: i64,
    server_now_ms: i64,
) -> Result<TokenSet> {
    let now = server_now_ms.max(0) as u64;
    let username = check_pair(
        cfg,
        &t.id_token,
        &t.access_token,
        expected_sub,
        now,
        CLOCK_SKEW_MS,
    )?;
    let lifetime_ms = t.expires_in.min(86_400 * 365) as i64 * 1000;
    Ok(TokenSet {
        username,
        id_token: t.id_token,
        access_token: t.access_token,
        refresh_token: t
            .refresh_token
            .or_else(|| previous_refresh.map(str::to_string)),
        expires_at_ms: now_ms.saturating_add(lifetime_ms),
        lifetime_ms,
        hosted_ui: false,
    })
}

impl TokenSet {
    /// Whether the tokens should be refreshed at `now_ms`: they expire within `margin_ms`, or
    /// within half their lifetime when that is shorter (so a margin as long as the tokens live
    /// does not make every call a refresh).
    pub fn refresh_due(&self, now_ms: i64, margin_ms: i64) -> bool {
        let margin = margin_ms.min(self.lifetime_ms / 2);
        now_ms.saturating_add(margin) >= self.expires_at_ms
    }

    /// The JSON text kept in storage.
    pub fn to_storage_json(&self) -> String {
        JsonObject::new()
            .str("idToken", &self.id_token)
            .str("accessToken", &self.access_token)
            .opt_str("refreshToken", self.refresh_token.as_deref())
            .value("expiresAt", Json::from(self.expires_at_ms))
            .value("lifetime", Json::from(self.lifetime_ms))
            .str("username", &self.username)
            .bool("hostedUi", self.hosted_ui)
            .to_string()
    }

    /// Reads a stored session and re-checks its tokens (issuer, token use, audience — not
    /// expiry: an expired access token with a refresh token is still a session).
    pub fn from_storage_json(cfg: &Config, text: &str) -> Result<TokenSet> {
        let j = Json::parse(text)?;
        let set = TokenSet {
            id_token: j.str_field("idToken")?.to_string(),
            access_token: j.str_field("accessToken")?.to_string(),
            refresh_token: j.opt_str_field("refreshToken")?.map(str::to_string),
            expires_at_ms: j
                .get("expiresAt")
                .and_then(Json::as_i64)
                .ok_or_else(|| Error::response("stored session has no expiresAt"))?,
            // Sessions stored before `lifetime` was kept: Cognito's default hour.
            lifetime_ms: j.get("lifetime").and_then(Json::as_i64).unwrap_or(3_600_000),
            username: j.str_field("username")?.to_string(),
            hosted_ui: j.opt_bool_field("hostedUi")?.unwrap_or(false),
        };
        // A skew of u64::MAX turns the expiry check off.
        check_pair(cfg, &set.id_token, &set.access_token, None, 0, u64::MAX)?;
        Ok(set)
    }

    /// What `getTokens()` returns: `{ idToken, accessToken, expiresAt }` (the refresh token
    /// stays inside the SDK).
    pub fn to_app_json(&self) -> String {
        JsonObject::new()
            .str("idToken", &self.id_token)
            .str("accessToken", &self.access_token)
            .value("expiresAt", Json::from(self.expires_at_ms))
            .to_string()
    }

    /// The display claims of the id token (`auth.user`):
    /// `{ sub, username, email?, emailVerified?, name?, groups, custom }`.
    pub fn user_json(&self) -> Result<String> {
        let jwt = decode(&self.id_token)?;
        let u = ClaimsView::new(jwt.claims())?.display_user();
        let mut custom = JsonObject::new();
        for (k, v) in &u.custom {
            custom = custom.str(k, v);
        }
        let mut o = JsonObject::new()
            .str("sub", &u.sub)
            .str("username", &u.username)
            .opt_str("email", u.email.as_deref());
        if let Some(v) = u.email_verified {
            o = o.bool("emailVerified", v);
        }
        Ok(o.opt_str("name", u.name.as_deref())
            .str_array("groups", u.groups.iter().map(String::as_str))
            .obj("custom", custom)
            .to_string())
    }

    /// The user's `sub` (from the id token).
    pub fn sub(&self) -> Option<String> {
        let jwt = decode(&self.id_token).ok()?;
        ClaimsView::new(jwt.claims()).ok().map(|c| c.sub.to_owned())
    }

    /// A name for the user in an authenticator app: the email when the id token has one,
    /// else the username.
    pub fn account_label(&self) -> String {
        let jwt = decode(&self.id_token).ok();
        let view = jwt.as_ref().and_then(|j| ClaimsView::new(j.claims()).ok());
        view.and_then(|c| c.email).unwrap_or(&self.username).to_owned()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::core::encoding::base64url_encode;

    pub(crate) const ISS: &str = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123";

    /// An unsigned JWT with the given payload (the session does not verify signatures).
    pub(crate) fn jwt(payload: &str) -> String {
        let mut t = base64url_encode(br#"{"alg":"RS256","kid":"k1"}"#);
        t.push('.');
        t.push_str(&base64url_encode(payload.as_bytes()));
        t.push_str(".c2ln");
        t
    }

    /// An id and access token pair for `sub`/`username`, expiring at `exp` (seconds).
    pub(crate) fn pair(
        sub: &str,
        username: &str,
        exp: u64,
        iss: &str,
        client: &str,
    ) -> (String, String) {
        let mut exp_s = String::new();
        crate::core::time::push_num(&mut exp_s, exp, 1);
        let id = [
            r#"{"sub":""#,
            sub,
            r#"","iss":""#,
            iss,
            r#"","aud":""#,
            client,
            r#"","token_use":"id","cognito:username":""#,
            username,
            r#"","email":"a@example.com","email_verified":true,"cognito:groups":["admins"],"custom:team":"red","exp":"#,
            &exp_s,
            "}",
        ]
        .concat();
        let access = [
            r#"{"sub":""#,
            sub,
            r#"","iss":""#,
            iss,
            r#"","client_id":""#,
            client,
            r#"","token_use":"access","username":""#,
            username,
            r#"","exp":"#,
            &exp_s,
            "}",
        ]
        .concat();
        (jwt(&id), jwt(&access))
    }

    pub(crate) fn config() -> Config {
        Config::from_json_text(
            r#"{"region":"us-east-1","userPoolId":"us-east-1_AbC123","clientId":"client1"}"#,
        )
        .unwrap()
    }

    fn auth_tokens(id: String, access: String, refresh: Option<&str>) -> AuthTokens {
        AuthTokens {
            id_token: id,
            access_token: access,
            refresh_token: refresh.map(str::to_string),
            expires_in: 3600,
        }
    }

    const NOW: i64 = 1_700_000_000_000;

    #[test]
    fn fresh_tokens_are_checked_and_kept() {
        let (id, access) = pair("sub-1", "alice", 1_700_003_600, ISS, "client1");
        let set = receive(
            &config(),
            auth_tokens(id, access, Some("rt")),
            None,
            None,
            NOW,
            NOW,
        )
        .unwrap();
        assert_eq!(set.username, "alice");
        assert_eq!(set.refresh_token.as_deref(), Some("rt"));
        assert_eq!(set.expires_at_ms, NOW + 3_600_000);
        assert_eq!(
            set.user_json().unwrap(),
            r#"{"sub":"sub-1","username":"alice","email":"a@example.com","emailVerified":true,"groups":["admins"],"custom":{"team":"red"}}"#
        );
        assert_eq!(set.account_label(), "a@example.com");
        let back = TokenSet::from_storage_json(&config(), &set.to_storage_json()).unwrap();
        assert_eq!(back, set);
        let app = Json::parse(&set.to_app_json()).unwrap();
        assert!(app.get("refreshToken").is_none());
        assert_eq!(
            app.get("expiresAt").and_then(Json::as_i64),
            Some(NOW + 3_600_000)
        );
    }

    #[test]
    fn refreshed_tokens_keep_the_refresh_token_and_must_be_the_same_user() {
        let (id, access) = pair("sub-1", "alice", 1_700_003_600, ISS, "client1");
        let set = receive(
            &config(),
            auth_tokens(id.clone(), access.clone(), None),
            Some("old"),
            Some("sub-1"),
            NOW,
            NOW,
        )
        .unwrap();
        assert_eq!(set.refresh_token.as_deref(), Some("old"));
        let e = receive(
            &config(),
            auth_tokens(id, access, None),
            Some("old"),
            Some("sub-2"),
            NOW,
            NOW,
        )
        .unwrap_err();
        assert_eq!(e.name(), "TokenVerificationFailed");
    }

    #[test]
    fn foreign_or_expired_tokens_are_refused() {
        let (id, access) = pair(
            "s",
            "u",
            1_700_003_600,
            "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other",
            "client1",
        );
        let e = receive(&config(), auth_tokens(id, access, None), None, None, NOW, NOW).unwrap_err();
        assert_eq!(e.name(), "TokenVerificationFailed");
        assert!(e.message.starts_with("issuer"));
        let (id, access) = pair("s", "u", 1_700_003_600, ISS, "client2");
        let e = receive(&config(), auth_tokens(id, access, None), None, None, NOW, NOW).unwrap_err();
        assert!(e.message.starts_with("audience"));
        let (id, access) = pair("s", "u", 1_699_000_000, ISS, "client1");
        let e = receive(
            &config(),
            auth_tokens(id, access.clone(), None),
            None,
            None,
            NOW,
            NOW,
        )
        .unwrap_err();
        assert!(e.message.starts_with("expired"));
        // Swapped tokens: the id token where the access token belongs.
        let (id, _) = pair("s", "u", 1_700_003_600, ISS, "client1");
        let e = receive(
            &config(),
            auth_tokens(id.clone(), id, None),
            None,
            None,
            NOW,
            NOW,
        )
        .unwrap_err();
        assert!(e.message.starts_with("token_use"));
        assert_eq!(
            receive(
                &config(),
                auth_tokens("x".into(), "y".into(), None),
                None,
                None,
                NOW,
                NOW,
            )
            .unwrap_err()
            .name(),
            "InvalidToken"
        );
    }

    #[test]
    fn claims_are_checked_at_the_servers_time() {
        // Issued by servers whose clock is ten minutes ahead of this device's.
        let issued = (NOW / 1000 + 600) as u64;
        let claims = |token_use: &str, aud_key: &str| {
            format!(
                r#"{{"sub":"s","iss":"{ISS}","{aud_key}":"client1","token_use":"{token_use}","iat":{issued},"exp":{}}}"#,
                issued + 3600
            )
        };
        let t = || auth_tokens(jwt(&claims("id", "aud")), jwt(&claims("access", "client_id")), None);
        let e = receive(&config(), t(), None, None, NOW, NOW).unwrap_err();
        assert_eq!((e.name(), e.message.as_str()), ("TokenVerificationFailed", "iat: the token was issued in the future"));
        let set = receive(&config(), t(), None, None, NOW, NOW + 600_000).unwrap();
        assert_eq!(set.expires_at_ms, NOW + 3_600_000, "expiry is kept by this device's clock");
    }

    #[test]
    fn stored_sessions_survive_expiry_but_not_another_pool() {
        let (id, access) = pair("s", "u", 1_600_000_000, ISS, "client1");
        let set = TokenSet {
            id_token: id,
            access_token: access,
            refresh_token: Some("r".into()),
            expires_at_ms: 5,
            lifetime_ms: 3_600_000,
            username: "u".into(),
            hosted_ui: false,
        };
        assert!(TokenSet::from_storage_json(&config(), &set.to_storage_json()).is_ok());
        let other = Config::from_json_text(
            r#"{"region":"us-east-1","userPoolId":"us-east-1_AbC123","clientId":"client2"}"#,
        )
        .unwrap();
        assert!(TokenSet::from_storage_json(&other, &set.to_storage_json()).is_err());
        assert!(TokenSet::from_storage_json(&config(), "{}").is_err());
        assert!(TokenSet::from_storage_json(&config(), "garbage").is_err());
    }
}

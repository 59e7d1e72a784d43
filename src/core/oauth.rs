//! The hosted UI (managed login) as OAuth 2.0 with PKCE, sans-IO: the authorize URL, the redirect
//! the browser comes back with, the token endpoint's requests and answers, and Cognito's logout
//! URL (`/logout?client_id=…&logout_uri=…`, not OpenID's `end_session`).
//!
//! What a redirect sign-in must remember across the page load — the PKCE verifier, the `state`,
//! the `nonce` and the app's own state — is a [`PendingRedirect`], which the session hands to the
//! driver to keep in the tab's session storage (never in the URL).

use crate::prelude::*;

use super::encoding::{base64_encode, concat, join_url, percent_encode};
use super::error::{Error, ErrorCode, Result};
use super::json::{Json, JsonObject};
use super::pkce::{CodeChallenge, CodeVerifier, Nonce, OAuthState};
use super::user_pool::AuthTokens;

/// The options of `signInWithRedirect` that become parameters of the authorize URL.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthorizeOptions {
    /// `identity_provider`: a federated provider's name (`Google`, `SignInWithApple`, a SAML
    /// provider) to go to directly, or `COGNITO`.
    pub provider: Option<String>,
    /// `idp_identifier`: picks a provider by one of its identifiers (e.g. an email domain).
    pub idp_identifier: Option<String>,
    /// `prompt`: `login`, `none`, `consent`, `select_account`.
    pub prompt: Option<String>,
    /// `lang`: the managed login page's language.
    pub lang: Option<String>,
    /// `login_hint`: the user name to fill in.
    pub login_hint: Option<String>,
    /// The scopes to request; empty: the scopes in the config (if none either, Cognito grants
    /// all the scopes the app client allows).
    pub scopes: Vec<String>,
}

/// What a redirect sign-in keeps in the tab's session storage until the browser comes back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingRedirect {
    /// The PKCE verifier.
    pub verifier: CodeVerifier,
    /// The `state` sent, which the callback must echo.
    pub state: OAuthState,
    /// The `nonce` sent, which the id token must carry.
    pub nonce: Nonce,
    /// The app's own state, returned by `handleRedirectCallback`.
    pub app_state: Option<String>,
}

impl PendingRedirect {
    /// A new verifier, state and nonce, from the secure random source.
    pub fn new(app_state: Option<String>) -> Result<Self> {
        Ok(PendingRedirect {
            verifier: CodeVerifier::new()?,
            state: OAuthState::new()?,
            nonce: Nonce::new()?,
            app_state,
        })
    }

    /// The stored form (JSON text).
    pub fn to_storage_json(&self) -> String {
        JsonObject::new()
            .str("verifier", self.verifier.as_str())
            .str("state", self.state.as_str())
            .str("nonce", self.nonce.as_str())
            .opt_str("appState", self.app_state.as_deref())
            .to_string()
    }

    /// Reads the stored form; `InvalidResponse` when it is not one.
    pub fn from_storage_json(text: &str) -> Result<Self> {
        let j = Json::parse(text)?;
        Ok(PendingRedirect {
            verifier: CodeVerifier::from_string(j.str_field("verifier")?.to_string())?,
            state: OAuthState::from_string(j.str_field("state")?.to_string())?,
            nonce: Nonce::from_string(j.str_field("nonce")?.to_string())?,
            app_state: j.opt_str_field("appState")?.map(str::to_string),
        })
    }
}

/// Appends `&name=value` (or `?` first) with the value percent-encoded.
fn param(url: &mut String, name: &str, value: &str) {
    url.push(if url.bytes().any(|b| b == b'?') { '&' } else { '?' });
    url.push_str(name);
    url.push('=');
    url.push_str(&percent_encode(value, false));
}

/// The `/oauth2/authorize` URL: `response_type=code`, the client, the redirect URI, the scopes,
/// the S256 `code_challenge`, `state`, `nonce`, and the options given.
pub fn authorize_url(
    base: &str,
    client_id: &str,
    redirect_uri: &str,
    scopes: &[String],
    options: &AuthorizeOptions,
    pending: &PendingRedirect,
) -> String {
    let mut url = join_url(base, "/oauth2/authorize");
    param(&mut url, "response_type", "code");
    param(&mut url, "client_id", client_id);
    param(&mut url, "redirect_uri", redirect_uri);
    if !scopes.is_empty() {
        let mut scope = String::new();
        for s in scopes {
            if !scope.is_empty() {
                scope.push(' ');
            }
            scope.push_str(s);
        }
        param(&mut url, "scope", &scope);
    }
    param(&mut url, "state", pending.state.as_str());
    param(&mut url, "nonce", pending.nonce.as_str());
    param(&mut url, "code_challenge", pending.verifier.challenge().as_str());
    param(&mut url, "code_challenge_method", CodeChallenge::METHOD);
    for (name, value) in [
        ("identity_provider", &options.provider),
        ("idp_identifier", &options.idp_identifier),
        ("prompt", &options.prompt),
        ("lang", &options.lang),
        ("login_hint", &options.login_hint),
    ] {
        if let Some(v) = value {
            param(&mut url, name, v);
        }
    }
    url
}

/// What the browser came back with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Callback {
    /// An authorization code.
    Code {
        /// The code.
        code: String,
        /// The `state` echoed (absent: the callback is not ours).
        state: Option<String>,
    },
    /// An OAuth error (`error`, `error_description`).
    Error {
        /// The error as a typed [`Error`] (see [`oauth_error`]).
        error: Error,
        /// The `state` echoed.
        state: Option<String>,
    },
}

/// Reads the parameters of a redirect callback (`?code=…&state=…` or `?error=…`), decoded by the
/// caller (the driver uses the platform's URL parser). `InvalidParameter` (`url`) when there is
/// neither a code nor an error.
pub fn callback(
    code: Option<&str>,
    state: Option<&str>,
    error: Option<&str>,
    error_description: Option<&str>,
) -> Result<Callback> {
    let state = state.map(str::to_string);
    match (error, code) {
        (Some(e), _) => Ok(Callback::Error {
            error: oauth_error(e, error_description.unwrap_or(""), 0),
            state,
        }),
        (None, Some(code)) if !code.is_empty() => Ok(Callback::Code {
            code: code.to_string(),
            state,
        }),
        _ => Err(Error::param(
            "url",
            "is not a redirect callback: it has neither a code nor an error",
        )),
    }
}

/// An OAuth error code as the SDK's error: `OAuth` + the code in PascalCase
/// (`access_denied` → `OAuthAccessDenied`, `invalid_grant` → `OAuthInvalidGrant`), with
/// Cognito's description as the message (or the code, when there is none). `status` 0: none.
pub fn oauth_error(code: &str, description: &str, status: u16) -> Error {
    // OAuth error codes are ASCII (RFC 6749 §5.2); anything else gets the generic name.
    let mut name = String::from("OAuth");
    if code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        let mut word_start = true;
        for b in code.bytes() {
            if b == b'_' {
                word_start = true;
            } else {
                name.push(char::from(if word_start { b.to_ascii_uppercase() } else { b }));
                word_start = false;
            }
        }
    }
    if name.len() == 5 {
        name.push_str("Error");
    }
    let message = if description.is_empty() { code } else { description };
    let mut e = Error::new(ErrorCode::Service(name), message);
    if status != 0 {
        e.status = Some(status);
    }
    e
}

/// The token endpoint: `<base>/oauth2/token`.
pub fn token_url(base: &str) -> String {
    join_url(base, "/oauth2/token")
}

/// The `Content-Type` of token endpoint requests.
pub const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

/// `Authorization: Basic base64(client_id:client_secret)` for a confidential client.
pub fn basic_auth(client_id: &str, client_secret: &str) -> String {
    let mut pair = concat(client_id, ":");
    pair.push_str(client_secret);
    concat("Basic ", &base64_encode(pair.as_bytes()))
}

fn form(pairs: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (name, value) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(name);
        out.push('=');
        out.push_str(&percent_encode(value, false));
    }
    out
}

/// The `authorization_code` grant's form, with the PKCE verifier.
pub fn code_grant_form(client_id: &str, code: &str, redirect_uri: &str, verifier: &CodeVerifier) -> String {
    form(&[
        ("grant_type", "authorization_code"),
        ("client_id", client_id),
        ("code", code),
        ("redirect_uri", redirect_uri),
        ("code_verifier", verifier.as_str()),
    ])
}

/// The `refresh_token` grant's form.
pub fn refresh_grant_form(client_id: &str, refresh_token: &str) -> String {
    form(&[
        ("grant_type", "refresh_token"),
        ("client_id", client_id),
        ("refresh_token", refresh_token),
    ])
}

/// Reads a token endpoint answer: tokens on 200 (`id_token`, `access_token`, `refresh_token`
/// when issued, `expires_in`); an OAuth error (see [`oauth_error`]) otherwise.
pub fn parse_token_response(status: u16, body: &str) -> Result<AuthTokens> {
    let json = Json::parse(body);
    if status != 200 {
        let (code, description) = match &json {
            Ok(j) => (
                j.get("error").and_then(Json::as_str).unwrap_or("server_error"),
                j.get("error_description").and_then(Json::as_str).unwrap_or(""),
            ),
            Err(_) => ("server_error", "the token endpoint answered without an OAuth error"),
        };
        return Err(oauth_error(code, description, status));
    }
    let j = json.map_err(|e| {
        Error::response(&concat("the token endpoint answered with malformed JSON: ", &e.message))
    })?;
    Ok(AuthTokens {
        id_token: j.str_field("id_token")?.to_string(),
        access_token: j.str_field("access_token")?.to_string(),
        refresh_token: j.opt_str_field("refresh_token")?.map(str::to_string),
        expires_in: j.opt_u64_field("expires_in")?.unwrap_or(3600),
    })
}

/// Cognito's `/logout` URL: ends the hosted UI's own session (its cookie) and sends the browser
/// to `logout_uri`, which must be one of the app client's sign-out URLs.
pub fn logout_url(base: &str, client_id: &str, logout_uri: &str) -> String {
    let mut url = join_url(base, "/logout");
    param(&mut url, "client_id", client_id);
    param(&mut url, "logout_uri", logout_uri);
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending() -> PendingRedirect {
        PendingRedirect {
            verifier: CodeVerifier::from_string("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".into())
                .unwrap(),
            state: OAuthState::from_string("sTaTe-0123456789abcdefgh".into()).unwrap(),
            nonce: Nonce::from_string("nOnCe-0123456789abcdefgh".into()).unwrap(),
            app_state: Some("/photos?x=1".into()),
        }
    }

    #[test]
    fn the_authorize_url_carries_pkce_state_nonce_and_the_options() {
        let options = AuthorizeOptions {
            provider: Some("Google".into()),
            lang: Some("fr".into()),
            login_hint: Some("a b@example.com".into()),
            ..Default::default()
        };
        let url = authorize_url(
            "https://x.auth.us-east-1.amazoncognito.com/",
            "client1",
            "http://localhost:8000/callback",
            &["openid".into(), "email".into()],
            &options,
            &pending(),
        );
        assert_eq!(
            url,
            "https://x.auth.us-east-1.amazoncognito.com/oauth2/authorize?response_type=code\
             &client_id=client1&redirect_uri=http%3A%2F%2Flocalhost%3A8000%2Fcallback\
             &scope=openid%20email&state=sTaTe-0123456789abcdefgh&nonce=nOnCe-0123456789abcdefgh\
             &code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256\
             &identity_provider=Google&lang=fr&login_hint=a%20b%40example.com"
        );
        assert!(!url.contains(pending().verifier.as_str()), "the verifier never leaves the tab");
    }

    #[test]
    fn the_pending_redirect_round_trips_through_storage() {
        let p = pending();
        assert_eq!(PendingRedirect::from_storage_json(&p.to_storage_json()).unwrap(), p);
        assert!(PendingRedirect::from_storage_json(r#"{"verifier":"short","state":"s","nonce":"n"}"#).is_err());
        assert!(PendingRedirect::from_storage_json("nope").is_err());
        let fresh = PendingRedirect::new(None).unwrap();
        assert_ne!(fresh.state, PendingRedirect::new(None).unwrap().state);
    }

    #[test]
    fn callbacks_are_codes_or_typed_errors() {
        assert_eq!(
            callback(Some("abc+1"), Some("s t"), None, None).unwrap(),
            Callback::Code {
                code: "abc+1".into(),
                state: Some("s t".into())
            }
        );
        // An error wins over a code.
        let Callback::Error { error, state } = callback(
            Some("c"),
            Some("s"),
            Some("access_denied"),
            Some("User cancelled the sign-in"),
        )
        .unwrap() else {
            panic!("an error")
        };
        assert_eq!(
            (error.name(), error.message.as_str(), state.as_deref()),
            ("OAuthAccessDenied", "User cancelled the sign-in", Some("s"))
        );
        let e = callback(None, Some("s"), None, None).unwrap_err();
        assert_eq!((e.name(), e.message.as_str()), ("InvalidParameter", "url: is not a redirect callback: it has neither a code nor an error"));
        assert!(callback(None, None, None, None).is_err());
        assert!(callback(Some(""), Some("s"), None, None).is_err());
    }

    #[test]
    fn oauth_error_names() {
        assert_eq!(oauth_error("invalid_grant", "", 400).name(), "OAuthInvalidGrant");
        assert_eq!(oauth_error("invalid_grant", "", 400).message, "invalid_grant");
        assert_eq!(oauth_error("invalid_grant", "", 400).status, Some(400));
        assert_eq!(oauth_error("server_error", "x", 0).status, None);
        assert_eq!(oauth_error("", "x", 0).name(), "OAuthError");
        assert_eq!(oauth_error("bad<script>", "x", 0).name(), "OAuthError");
    }

    #[test]
    fn token_endpoint_forms_and_answers() {
        let v = pending().verifier;
        assert_eq!(
            code_grant_form("client1", "c/1", "http://localhost:8000/callback", &v),
            "grant_type=authorization_code&client_id=client1&code=c%2F1\
             &redirect_uri=http%3A%2F%2Flocalhost%3A8000%2Fcallback\
             &code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        );
        assert_eq!(
            refresh_grant_form("client1", "rt"),
            "grant_type=refresh_token&client_id=client1&refresh_token=rt"
        );
        assert_eq!(basic_auth("a", "b"), "Basic YTpi");
        let t = parse_token_response(
            200,
            r#"{"id_token":"i","access_token":"a","refresh_token":"r","token_type":"Bearer","expires_in":300}"#,
        )
        .unwrap();
        assert_eq!(
            (t.id_token.as_str(), t.refresh_token.as_deref(), t.expires_in),
            ("i", Some("r"), 300)
        );
        let e = parse_token_response(400, r#"{"error":"invalid_grant","error_description":"the code has been used already"}"#)
            .unwrap_err();
        assert_eq!(
            (e.name(), e.message.as_str(), e.status),
            ("OAuthInvalidGrant", "the code has been used already", Some(400))
        );
        assert_eq!(parse_token_response(502, "<html>").unwrap_err().name(), "OAuthServerError");
        assert_eq!(parse_token_response(200, "{}").unwrap_err().name(), "InvalidResponse");
    }

    #[test]
    fn the_logout_url_is_cognitos() {
        assert_eq!(
            logout_url("https://x.auth.us-east-1.amazoncognito.com", "client1", "http://localhost:8000/"),
            "https://x.auth.us-east-1.amazoncognito.com/logout?client_id=client1&logout_uri=http%3A%2F%2Flocalhost%3A8000%2F"
        );
    }
}

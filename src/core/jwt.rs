//! JSON Web Tokens as Cognito issues them: decoding, typed claims, expiry and claim checks.
//!
//! [`decode`] splits and decodes a token; [`ClaimsView::new`] types its claims;
//! [`ClaimsView::check_claims`] checks issuer, token use, audience and expiry.
//!
//! No code in the crate verifies signatures: [`decode`] keeps the signing input
//! (`header.payload`, [`Jwt::signing_input`]) and the signature bytes ([`Jwt::signature`]) for a
//! verifier that does not exist yet.
//!
//! Every failure is typed: a malformed token is `InvalidToken` naming the part or claim at
//! fault; a failed check is `TokenVerificationFailed` naming the check. No message ever
//! contains the token or a claim value taken from it.

use crate::prelude::*;

use super::encoding::{base64url_decode, concat};
use super::error::{Error, ErrorCode, Result};
use super::json::Json;

/// The longest token [`decode`] accepts, in bytes. Cognito's tokens are a few kilobytes; this
/// bounds the work hostile input can cause.
pub const MAX_TOKEN_LEN: usize = 64 * 1024;

/// The JOSE header of a JWT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JwtHeader {
    /// The signing algorithm (`RS256` for Cognito).
    pub alg: String,
    /// The id of the signing key in the issuer's JWKS.
    pub kid: Option<String>,
}

/// A decoded JWT; its signature is kept, not verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Jwt {
    header: JwtHeader,
    claims: Json,
    signing_input: String,
    signature: Vec<u8>,
}

/// Decodes a compact JWS: exactly three base64url parts (no padding), a JSON-object header
/// with a string `alg`, a JSON-object payload, and a non-empty signature.
pub fn decode(token: &str) -> Result<Jwt> {
    if token.len() > MAX_TOKEN_LEN {
        return Err(Error::token("token is longer than 64 KiB"));
    }
    // Byte positions rather than `str::split`, which links a char searcher into the wasm.
    let mut dots = token.bytes().enumerate().filter(|&(_, b)| b == b'.').map(|(i, _)| i);
    let (Some(d1), Some(d2), None) = (dots.next(), dots.next(), dots.next()) else {
        return Err(Error::token("token must have three parts separated by '.'"));
    };
    // The dots are ASCII, so every slice below is on a char boundary and `get` succeeds.
    let h = token.get(..d1).unwrap_or("");
    let p = token.get(d1 + 1..d2).unwrap_or("");
    let s = token.get(d2 + 1..).unwrap_or("");
    let header = json_part(h, "token header")?;
    let alg = match header.get("alg") {
        Some(Json::String(a)) => a.clone(),
        _ => return Err(Error::token("token header has no string \"alg\"")),
    };
    let kid = match header.get("kid") {
        None => None,
        Some(Json::String(k)) => Some(k.clone()),
        Some(_) => return Err(Error::token("token header \"kid\" is not a string")),
    };
    let claims = json_part(p, "token payload")?;
    let signature = base64url_part(s, "token signature")?;
    if signature.is_empty() {
        return Err(Error::token("token signature is empty"));
    }
    let signing_input = token.get(..d2).unwrap_or("").to_owned();
    Ok(Jwt { header: JwtHeader { alg, kid }, claims, signing_input, signature })
}

/// Strict base64url ([`base64url_decode`]): only `A-Z a-z 0-9 - _`, no padding, one spelling.
fn base64url_part(part: &str, what: &str) -> Result<Vec<u8>> {
    base64url_decode(part, what).map_err(|_| Error::token(&concat(what, " is not base64url")))
}

fn json_part(part: &str, what: &str) -> Result<Json> {
    let bytes = base64url_part(part, what)?;
    let text =
        String::from_utf8(bytes).map_err(|_| Error::token(&concat(what, " is not UTF-8")))?;
    match Json::parse(&text) {
        Ok(v @ Json::Object(_)) => Ok(v),
        Ok(_) => Err(Error::token(&concat(what, " is not a JSON object"))),
        Err(_) => Err(Error::token(&concat(what, " is not valid JSON"))),
    }
}

impl Jwt {
    /// The JOSE header.
    pub fn header(&self) -> &JwtHeader {
        &self.header
    }

    /// The payload (claims set), a JSON object, for claims [`ClaimsView`] does not type.
    pub fn claims(&self) -> &Json {
        &self.claims
    }

    /// The bytes the signature covers: the ASCII `header.payload` of the token.
    pub fn signing_input(&self) -> &[u8] {
        self.signing_input.as_bytes()
    }

    /// The decoded signature bytes (for RS256, the RSASSA-PKCS1-v1_5 signature).
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }

    /// The typed Cognito claims of the payload ([`ClaimsView::new`]).
    pub fn cognito_claims(&self) -> Result<ClaimsView<'_>> {
        ClaimsView::new(&self.claims)
    }
}

/// Which token a Cognito JWT is (`token_use`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenUse {
    /// An OpenID Connect id token (`token_use: "id"`): the user's identity and attributes.
    Id,
    /// An access token (`token_use: "access"`): authorises calls to the user-pool API.
    Access,
}

impl TokenUse {
    /// The claim value: `id` or `access`.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenUse::Id => "id",
            TokenUse::Access => "access",
        }
    }
}

/// The claims of a Cognito id or access token, typed and borrowed from the payload.
///
/// Required: `sub`, `iss`, `exp`, `token_use`. Everything else is optional; an optional claim
/// that is `null` counts as absent. A claim of the wrong type is `InvalidToken` naming it.
#[derive(Debug, Clone, Copy)]
pub struct ClaimsView<'a> {
    /// The payload (a JSON object), for claims not typed here.
    pub claims: &'a Json,
    /// `token_use`: id or access.
    pub token_use: TokenUse,
    /// `sub`: the user's stable id (a UUID).
    pub sub: &'a str,
    /// The user name: `cognito:username` in id tokens, `username` in access tokens.
    pub username: Option<&'a str>,
    /// `email`.
    pub email: Option<&'a str>,
    /// `email_verified`: a JSON boolean, or the string `"true"` / `"false"`.
    pub email_verified: Option<bool>,
    /// `name`.
    pub name: Option<&'a str>,
    /// `cognito:groups`: every item is a string (empty when absent).
    pub groups: &'a [Json],
    /// `aud`: the app client id, in id tokens.
    pub aud: Option<&'a str>,
    /// `client_id`: the app client id, in access tokens.
    pub client_id: Option<&'a str>,
    /// `iss`: `https://cognito-idp.<region>.amazonaws.com/<userPoolId>`.
    pub iss: &'a str,
    /// `exp`: expiry, seconds since the Unix epoch.
    pub exp: u64,
    /// `iat`: issue time, seconds since the Unix epoch.
    pub iat: Option<u64>,
    /// `auth_time`: when the user authenticated, seconds since the Unix epoch.
    pub auth_time: Option<u64>,
    /// `origin_jti`: the id of the authentication event (shared by the tokens it issued).
    pub origin_jti: Option<&'a str>,
    /// `jti`: this token's id.
    pub jti: Option<&'a str>,
    /// `scope`: space-separated OAuth scopes, in access tokens.
    pub scope: Option<&'a str>,
    /// `nonce`: the OpenID Connect nonce, in id tokens from the hosted UI.
    pub nonce: Option<&'a str>,
}

fn missing(claim: &str) -> Error {
    claim_error("missing claim \"", claim, "\"")
}

fn wrong_type(claim: &str, expected: &str) -> Error {
    claim_error("claim \"", claim, expected)
}

fn claim_error(a: &str, claim: &str, b: &str) -> Error {
    let mut m = String::with_capacity(a.len() + claim.len() + b.len());
    m.push_str(a);
    m.push_str(claim);
    m.push_str(b);
    Error::token(&m)
}

/// An optional claim; `null` counts as absent.
fn opt<'a>(claims: &'a Json, name: &str) -> Option<&'a Json> {
    claims.get(name).filter(|v| !v.is_null())
}

/// A string claim, borrowed (`None`: absent).
fn opt_str<'a>(claims: &'a Json, name: &str) -> Result<Option<&'a str>> {
    match opt(claims, name) {
        None => Ok(None),
        Some(Json::String(s)) => Ok(Some(s)),
        Some(_) => Err(wrong_type(name, "\" is not a string")),
    }
}

fn req_str<'a>(claims: &'a Json, name: &str) -> Result<&'a str> {
    opt_str(claims, name)?.ok_or_else(|| missing(name))
}

/// A NumericDate (RFC 7519 §2): non-negative seconds; a fraction is truncated.
fn opt_time(claims: &Json, name: &str) -> Result<Option<u64>> {
    let Some(v) = opt(claims, name) else { return Ok(None) };
    let seconds = match v {
        // A parsed number literal: digits, then maybe `.digits`, then maybe an exponent.
        Json::Number(n) if !n.bytes().any(|b| b == b'e' || b == b'E') => {
            let int = n.bytes().position(|b| b == b'.').and_then(|i| n.get(..i)).unwrap_or(n);
            Json::Number(int.to_owned()).as_u64()
        }
        _ => None,
    };
    seconds.map(Some).ok_or_else(|| wrong_type(name, "\" is not a NumericDate"))
}

fn opt_bool_or_string(claims: &Json, name: &str) -> Result<Option<bool>> {
    match opt(claims, name) {
        None => Ok(None),
        Some(Json::Bool(b)) => Ok(Some(*b)),
        Some(Json::String(s)) if s == "true" => Ok(Some(true)),
        Some(Json::String(s)) if s == "false" => Ok(Some(false)),
        Some(_) => Err(wrong_type(name, "\" is not a boolean")),
    }
}

/// `cognito:groups`, checked to be an array of strings (borrowed; empty when absent).
fn groups(claims: &Json) -> Result<&[Json]> {
    const NAME: &str = "cognito:groups";
    match opt(claims, NAME) {
        None => Ok(&[]),
        Some(Json::Array(items)) if items.iter().all(|g| g.as_str().is_some()) => Ok(items),
        Some(_) => Err(wrong_type(NAME, "\" is not an array of strings")),
    }
}

/// The value of a `custom:*` claim as text: strings and numbers as they are, booleans as
/// `true`/`false`; `None` for anything else.
fn custom_value(v: &Json) -> Option<&str> {
    match v {
        Json::String(s) | Json::Number(s) => Some(s),
        Json::Bool(true) => Some("true"),
        Json::Bool(false) => Some("false"),
        _ => None,
    }
}

/// Checks every `custom:*` claim (a string, number or boolean).
fn check_custom_attributes(claims: &Json) -> Result<()> {
    for (full, v) in claims.as_object().unwrap_or(&[]) {
        if full.starts_with("custom:") && custom_value(v).is_none() {
            return Err(wrong_type(full, "\" is not a string"));
        }
    }
    Ok(())
}

fn verification_failed(check: &str, problem: &str) -> Error {
    Error::new(ErrorCode::TokenVerificationFailed, concat(check, problem))
}

impl<'a> ClaimsView<'a> {
    /// Types the claims of a decoded payload (a JSON object). Every claim above is checked, in
    /// the order of the fields (the `custom:*` claims right after `cognito:groups`), and the
    /// first that fails is the error.
    pub fn new(claims: &'a Json) -> Result<Self> {
        if claims.as_object().is_none() {
            return Err(Error::token("token payload is not a JSON object"));
        }
        let token_use = match req_str(claims, "token_use")? {
            "id" => TokenUse::Id,
            "access" => TokenUse::Access,
            _ => return Err(wrong_type("token_use", "\" is neither \"id\" nor \"access\"")),
        };
        let username_claim = match token_use {
            TokenUse::Id => "cognito:username",
            TokenUse::Access => "username",
        };
        let sub = req_str(claims, "sub")?;
        let username = opt_str(claims, username_claim)?;
        let email = opt_str(claims, "email")?;
        let email_verified = opt_bool_or_string(claims, "email_verified")?;
        let name = opt_str(claims, "name")?;
        let groups = groups(claims)?;
        check_custom_attributes(claims)?;
        let aud = opt_str(claims, "aud")?;
        let client_id = opt_str(claims, "client_id")?;
        let iss = req_str(claims, "iss")?;
        let exp = opt_time(claims, "exp")?.ok_or_else(|| missing("exp"))?;
        let iat = opt_time(claims, "iat")?;
        let auth_time = opt_time(claims, "auth_time")?;
        let origin_jti = opt_str(claims, "origin_jti")?;
        let jti = opt_str(claims, "jti")?;
        let scope = opt_str(claims, "scope")?;
        let nonce = opt_str(claims, "nonce")?;
        Ok(ClaimsView {
            claims,
            token_use,
            sub,
            username,
            email,
            email_verified,
            name,
            groups,
            aud,
            client_id,
            iss,
            exp,
            iat,
            auth_time,
            origin_jti,
            jti,
            scope,
            nonce,
        })
    }

    /// The app client the token was issued to: `aud` for id tokens, `client_id` for access
    /// tokens.
    pub fn audience(&self) -> Option<&'a str> {
        match self.token_use {
            TokenUse::Id => self.aud,
            TokenUse::Access => self.client_id,
        }
    }

    /// Every `custom:*` claim, in token order, as (name without the `custom:` prefix, value).
    /// Cognito sends them as strings; a number or boolean is kept as its JSON text. A repeated
    /// name keeps its first place and its last value, as with every other claim (RFC 7519 §4).
    pub fn custom(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for (full, v) in self.claims.as_object().unwrap_or(&[]) {
            let (Some(name), Some(value)) = (full.strip_prefix("custom:"), custom_value(v)) else {
                continue;
            };
            match out.iter_mut().find(|(n, _)| n == name) {
                Some(slot) => value.clone_into(&mut slot.1),
                None => out.push((name.to_owned(), value.to_owned())),
            }
        }
        out
    }

    /// `exp` in milliseconds since the Unix epoch.
    pub fn exp_ms(&self) -> u64 {
        self.exp.saturating_mul(1000)
    }

    /// Whether the token has expired at `now_ms`, allowing `skew_ms` of clock skew: true from
    /// `exp + skew` on (a token is valid only *before* its `exp`, RFC 7519 §4.1.4).
    pub fn is_expired(&self, now_ms: u64, skew_ms: u64) -> bool {
        now_ms >= self.exp_ms().saturating_add(skew_ms)
    }

    /// Whether the token expires within `window_ms` of `now_ms` (or already has): the cue to
    /// refresh ahead of time.
    pub fn expires_within(&self, now_ms: u64, window_ms: u64) -> bool {
        now_ms.saturating_add(window_ms) >= self.exp_ms()
    }

    /// Checks, in this order, that the token was issued by `expected_issuer`
    /// (`https://cognito-idp.<region>.amazonaws.com/<userPoolId>`), is of `expected_use`, was
    /// issued to `expected_client_id`, and has not expired at `now_ms` (with `skew_ms` of
    /// allowance), nor was issued after `now_ms` (same allowance). The first failing check is a
    /// `TokenVerificationFailed` error named `issuer`, `token_use`, `audience`, `expired` or
    /// `iat`.
    pub fn check_claims(
        &self,
        expected_issuer: &str,
        expected_client_id: &str,
        expected_use: TokenUse,
        now_ms: u64,
        skew_ms: u64,
    ) -> Result<()> {
        if self.iss != expected_issuer {
            return Err(verification_failed(
                "issuer: ",
                "the token was not issued by the configured user pool",
            ));
        }
        if self.token_use != expected_use {
            return Err(verification_failed(
                "token_use: ",
                match expected_use {
                    TokenUse::Id => "expected an id token",
                    TokenUse::Access => "expected an access token",
                },
            ));
        }
        if self.audience() != Some(expected_client_id) {
            return Err(verification_failed(
                "audience: ",
                "the token was issued to another app client",
            ));
        }
        if self.is_expired(now_ms, skew_ms) {
            return Err(verification_failed("expired: ", "the token has expired"));
        }
        if self
            .iat
            .is_some_and(|iat| iat.saturating_mul(1000) > now_ms.saturating_add(skew_ms))
        {
            return Err(verification_failed("iat: ", "the token was issued in the future"));
        }
        Ok(())
    }

    /// The claims an app shows (`auth.user`), owned; meant for id token claims.
    pub fn display_user(&self) -> DisplayUser {
        DisplayUser {
            sub: self.sub.to_owned(),
            username: self.username.unwrap_or(self.sub).to_owned(),
            email: self.email.map(str::to_owned),
            email_verified: self.email_verified,
            name: self.name.map(str::to_owned),
            groups: self.groups.iter().filter_map(Json::as_str).map(str::to_owned).collect(),
            custom: self.custom(),
        }
    }
}

/// What `auth.user` shows: display claims from the id token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayUser {
    /// The user's stable id.
    pub sub: String,
    /// `cognito:username` (the `sub` when the token has none).
    pub username: String,
    /// `email`.
    pub email: Option<String>,
    /// `email_verified`.
    pub email_verified: Option<bool>,
    /// `name`.
    pub name: Option<String>,
    /// `cognito:groups`.
    pub groups: Vec<String>,
    /// `custom:*` attributes as (name without the prefix, value).
    pub custom: Vec<(String, String)>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::encoding::base64url_encode;
    use crate::core::json::JsonObject;

    const ISS: &str = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123xyz";
    const CLIENT: &str = "4l2k3j4h5g6f7d8s9a0pqowieu";
    const EXP: u64 = 1_700_003_600;

    fn header() -> JsonObject {
        JsonObject::new().str("kid", "abcKID123=").str("alg", "RS256")
    }

    fn id_claims() -> JsonObject {
        JsonObject::new()
            .str("sub", "7d8ca528-4931-4254-9273-ea5ee853f271")
            .str_array("cognito:groups", ["admins", "photographers"])
            .bool("email_verified", true)
            .str("iss", ISS)
            .str("cognito:username", "jürgen")
            .str("origin_jti", "0f0e0d0c-aaaa-bbbb-cccc-000000000001")
            .str("aud", CLIENT)
            .str("event_id", "e-1")
            .str("token_use", "id")
            .num("auth_time", 1_700_000_000)
            .str("name", "Jürgen \"JJ\" Smith")
            .str("custom:plan", "pro")
            .num("exp", EXP)
            .num("iat", 1_700_000_000)
            .str("jti", "11111111-2222-3333-4444-555555555555")
            .str("email", "j@example.com")
            .str("custom:tenant_id", "t-42")
            .str("nonce", "n-0S6_WzA2Mj")
    }

    fn access_claims() -> JsonObject {
        JsonObject::new()
            .str("sub", "7d8ca528-4931-4254-9273-ea5ee853f271")
            .str_array("cognito:groups", ["admins"])
            .str("iss", ISS)
            .num("version", 2)
            .str("client_id", CLIENT)
            .str("origin_jti", "0f0e0d0c-aaaa-bbbb-cccc-000000000001")
            .str("token_use", "access")
            .str("scope", "aws.cognito.signin.user.admin openid email")
            .num("auth_time", 1_700_000_000)
            .num("exp", EXP)
            .num("iat", 1_700_000_000)
            .str("jti", "66666666-7777-8888-9999-000000000000")
            .str("username", "jürgen")
    }

    const SIG: [u8; 8] = [0xfb, 0xff, 0x00, 0x01, 0x7f, 0x80, 0xfe, 0x3e];

    fn token(header: &str, payload: &str) -> String {
        let mut t = base64url_encode(header.as_bytes());
        t.push('.');
        t.push_str(&base64url_encode(payload.as_bytes()));
        t.push('.');
        t.push_str(&base64url_encode(&SIG));
        t
    }

    fn id_token() -> String {
        token(&header().to_string(), &id_claims().to_string())
    }

    /// The error of decoding `token` and typing its claims.
    fn err(token: &str) -> Error {
        let jwt = match decode(token) {
            Ok(jwt) => jwt,
            Err(e) => return e,
        };
        match jwt.cognito_claims() {
            Ok(c) => panic!("should fail: {c:?}"),
            Err(e) => e,
        }
    }

    /// A token with `payload`, decoded.
    fn jwt_of(payload: JsonObject) -> Jwt {
        decode(&token(&header().to_string(), &payload.to_string())).unwrap()
    }

    /// The error of typing the claims of `payload`.
    fn claims_err(payload: JsonObject) -> Error {
        err(&token(&header().to_string(), &payload.to_string()))
    }

    /// `cognito:groups`, as strings.
    fn group_names<'a>(c: &ClaimsView<'a>) -> Vec<&'a str> {
        c.groups.iter().filter_map(Json::as_str).collect()
    }

    #[test]
    fn decodes_an_id_token() {
        let t = id_token();
        let jwt = decode(&t).unwrap();
        assert_eq!(jwt.header().alg, "RS256");
        assert_eq!(jwt.header().kid.as_deref(), Some("abcKID123="));
        assert_eq!(jwt.signature(), SIG);
        let (h, rest) = t.split_once('.').unwrap();
        let (p, _) = rest.split_once('.').unwrap();
        assert_eq!(jwt.signing_input(), [h, ".", p].concat().as_bytes());
        assert_eq!(jwt.claims().str_field("event_id").unwrap(), "e-1");

        let c = jwt.cognito_claims().unwrap();
        assert_eq!(c.token_use, TokenUse::Id);
        assert_eq!(c.sub, "7d8ca528-4931-4254-9273-ea5ee853f271");
        assert_eq!(c.username, Some("jürgen"));
        assert_eq!(c.email, Some("j@example.com"));
        assert_eq!(c.email_verified, Some(true));
        assert_eq!(c.name, Some("Jürgen \"JJ\" Smith"));
        assert_eq!(group_names(&c), ["admins", "photographers"]);
        assert_eq!(
            c.custom(),
            [("plan".to_owned(), "pro".to_owned()), ("tenant_id".to_owned(), "t-42".to_owned())]
        );
        assert_eq!(c.aud, Some(CLIENT));
        assert_eq!(c.client_id, None);
        assert_eq!(c.audience(), Some(CLIENT));
        assert_eq!(c.iss, ISS);
        assert_eq!(c.exp, EXP);
        assert_eq!(c.iat, Some(1_700_000_000));
        assert_eq!(c.auth_time, Some(1_700_000_000));
        assert_eq!(c.origin_jti, Some("0f0e0d0c-aaaa-bbbb-cccc-000000000001"));
        assert_eq!(c.jti, Some("11111111-2222-3333-4444-555555555555"));
        assert_eq!(c.scope, None);
        assert_eq!(c.nonce, Some("n-0S6_WzA2Mj"));

        let u = c.display_user();
        assert_eq!(
            u,
            DisplayUser {
                sub: c.sub.into(),
                username: "jürgen".into(),
                email: Some("j@example.com".into()),
                email_verified: Some(true),
                name: Some("Jürgen \"JJ\" Smith".into()),
                groups: vec!["admins".into(), "photographers".into()],
                custom: c.custom(),
            }
        );
    }

    #[test]
    fn decodes_an_access_token() {
        let jwt = jwt_of(access_claims());
        let c = jwt.cognito_claims().unwrap();
        assert_eq!(c.token_use, TokenUse::Access);
        assert_eq!(c.username, Some("jürgen"));
        assert_eq!(c.client_id, Some(CLIENT));
        assert_eq!(c.aud, None);
        assert_eq!(c.audience(), Some(CLIENT));
        assert_eq!(c.scope, Some("aws.cognito.signin.user.admin openid email"));
        assert_eq!(group_names(&c), ["admins"]);
        assert!(c.custom().is_empty());
        assert_eq!(c.email, None);
        assert_eq!(c.email_verified, None);
        assert_eq!(TokenUse::Access.as_str(), "access");
        assert_eq!(TokenUse::Id.as_str(), "id");
    }

    #[test]
    fn minimal_claims_and_defaults() {
        let jwt = jwt_of(
            JsonObject::new()
                .str("sub", "s")
                .str("iss", ISS)
                .str("token_use", "id")
                .num("exp", 1)
                .value("name", Json::Null),
        );
        let c = jwt.cognito_claims().unwrap();
        assert!(c.groups.is_empty());
        assert_eq!(c.name, None, "null counts as absent");
        assert_eq!(c.display_user().username, "s", "username falls back to sub");
        // The access-token claim name is not read from an id token, and vice versa.
        let jwt = jwt_of(
            JsonObject::new()
                .str("sub", "s")
                .str("iss", ISS)
                .str("token_use", "id")
                .num("exp", 1)
                .str("username", "wrong-claim"),
        );
        assert_eq!(jwt.cognito_claims().unwrap().username, None);
    }

    #[test]
    fn email_verified_accepts_bool_and_strings() {
        for (v, want) in [
            (Json::Bool(false), Some(false)),
            (Json::from("true"), Some(true)),
            (Json::from("false"), Some(false)),
            (Json::Null, None),
        ] {
            let jwt = jwt_of(id_claims().value("email_verified", v));
            assert_eq!(jwt.cognito_claims().unwrap().email_verified, want);
        }
        for bad in [Json::from("yes"), Json::from("TRUE"), Json::from(1u64)] {
            let e = claims_err(id_claims().value("email_verified", bad));
            assert_eq!(e.code, ErrorCode::InvalidToken);
            assert_eq!(e.message, "claim \"email_verified\" is not a boolean");
        }
    }

    #[test]
    fn custom_attributes() {
        let jwt = jwt_of(
            id_claims()
                .num("custom:age", 42)
                .bool("custom:beta", false)
                .str("custom:plan", "enterprise")
                .str("custom:", "empty-name")
                .str("customer", "not custom"),
        );
        assert_eq!(
            jwt.cognito_claims().unwrap().custom(),
            [
                ("plan".to_owned(), "enterprise".to_owned()),
                ("tenant_id".to_owned(), "t-42".to_owned()),
                ("age".to_owned(), "42".to_owned()),
                ("beta".to_owned(), "false".to_owned()),
                ("".to_owned(), "empty-name".to_owned()),
            ]
        );
        let e = claims_err(id_claims().str_array("custom:roles", ["a"]));
        assert_eq!(e.message, "claim \"custom:roles\" is not a string");
        let e = claims_err(id_claims().value("custom:x", Json::Null));
        assert_eq!(e.message, "claim \"custom:x\" is not a string");
    }

    #[test]
    fn numeric_dates() {
        let jwt = jwt_of(id_claims().value("exp", Json::Number("1700003600.75".into())));
        assert_eq!(jwt.cognito_claims().unwrap().exp, EXP);
        for bad in ["-1", "1e9", "1.5e9"] {
            let e = claims_err(id_claims().value("exp", Json::Number(bad.into())));
            assert_eq!(e.message, "claim \"exp\" is not a NumericDate", "{bad}");
        }
        let e = claims_err(id_claims().str("iat", "1700000000"));
        assert_eq!(e.message, "claim \"iat\" is not a NumericDate");
    }

    #[test]
    fn wrong_claim_types_name_the_claim() {
        let cases: [(&str, Json, &str); 12] = [
            ("sub", Json::from(1u64), "claim \"sub\" is not a string"),
            ("iss", Json::Bool(true), "claim \"iss\" is not a string"),
            ("email", Json::Array(vec![]), "claim \"email\" is not a string"),
            ("name", Json::from(3u64), "claim \"name\" is not a string"),
            ("cognito:username", Json::from(7u64), "claim \"cognito:username\" is not a string"),
            ("aud", Json::str_array([CLIENT]), "claim \"aud\" is not a string"),
            ("jti", Json::Bool(false), "claim \"jti\" is not a string"),
            ("origin_jti", Json::from(1u64), "claim \"origin_jti\" is not a string"),
            (
                "cognito:groups",
                Json::from("admins"),
                "claim \"cognito:groups\" is not an array of strings",
            ),
            (
                "cognito:groups",
                Json::Array(vec![Json::from(1u64)]),
                "claim \"cognito:groups\" is not an array of strings",
            ),
            (
                "token_use",
                Json::from("refresh"),
                "claim \"token_use\" is neither \"id\" nor \"access\"",
            ),
            ("auth_time", Json::from("x"), "claim \"auth_time\" is not a NumericDate"),
        ];
        for (name, value, message) in cases {
            let e = claims_err(id_claims().value(name, value));
            assert_eq!(e.code, ErrorCode::InvalidToken, "{name}");
            assert_eq!(e.message, message);
        }
        let e = claims_err(access_claims().value("scope", Json::Array(vec![])));
        assert_eq!(e.message, "claim \"scope\" is not a string");
        let e = claims_err(
            access_claims().value("client_id", Json::Null).value("username", Json::from(1u64)),
        );
        assert_eq!(e.message, "claim \"username\" is not a string");
    }

    #[test]
    fn missing_required_claims() {
        for name in ["sub", "iss", "exp", "token_use"] {
            let payload = Json::from(id_claims());
            let kept: Vec<(String, Json)> =
                payload.as_object().unwrap().iter().filter(|(k, _)| k != name).cloned().collect();
            let e = err(&token(&header().to_string(), &Json::Object(kept).to_string()));
            assert_eq!(e.code, ErrorCode::InvalidToken);
            assert_eq!(e.message, ["missing claim \"", name, "\""].concat());
        }
    }

    #[test]
    fn duplicate_claims_resolve_to_the_last() {
        let jwt = jwt_of(id_claims().str("sub", "second").str("custom:plan", "last"));
        let c = jwt.cognito_claims().unwrap();
        assert_eq!(c.sub, "second");
        assert_eq!(c.custom()[0], ("plan".to_owned(), "last".to_owned()));
        assert_eq!(c.custom().len(), 2);
    }

    #[test]
    fn malformed_tokens_are_typed_errors() {
        let good = id_token();
        let (h, rest) = good.split_once('.').unwrap();
        let (p, s) = rest.split_once('.').unwrap();
        let b64 = |t: &str| base64url_encode(t.as_bytes());
        let cases: Vec<(String, &str)> = vec![
            (String::new(), "token must have three parts separated by '.'"),
            (h.to_owned(), "token must have three parts separated by '.'"),
            ([h, ".", p].concat(), "token must have three parts separated by '.'"),
            ([h, ".", p, ".", s, ".", s].concat(), "token must have three parts separated by '.'"),
            ([&good, "."].concat(), "token must have three parts separated by '.'"),
            ("..".to_owned(), "token header is not valid JSON"),
            ([h, ".", p, "."].concat(), "token signature is empty"),
            (["e30=", ".", p, ".", s].concat(), "token header is not base64url"),
            ([h, ".", p, ".", s, "="].concat(), "token signature is not base64url"),
            ([h, ".", p, "+", ".", s].concat(), "token payload is not base64url"),
            ([h, ".", p, ".", "a/b"].concat(), "token signature is not base64url"),
            ([h, ".", p, ".", "A"].concat(), "token signature is not base64url"),
            ([h, ".", "e30 ", ".", s].concat(), "token payload is not base64url"),
            (
                [h, ".", &base64url_encode(&[0xff, 0xfe, b'{']), ".", s].concat(),
                "token payload is not UTF-8",
            ),
            ([h, ".", &b64("not json"), ".", s].concat(), "token payload is not valid JSON"),
            ([h, ".", &b64("{\"sub\":"), ".", s].concat(), "token payload is not valid JSON"),
            ([h, ".", &b64("[1,2]"), ".", s].concat(), "token payload is not a JSON object"),
            ([h, ".", &b64("\"str\""), ".", s].concat(), "token payload is not a JSON object"),
            ([h, ".", &b64("null"), ".", s].concat(), "token payload is not a JSON object"),
            ([&b64("[]"), ".", p, ".", s].concat(), "token header is not a JSON object"),
            (
                [&b64("{\"kid\":\"k\"}"), ".", p, ".", s].concat(),
                "token header has no string \"alg\"",
            ),
            (
                [&b64("{\"alg\":256}"), ".", p, ".", s].concat(),
                "token header has no string \"alg\"",
            ),
            (
                [&b64("{\"alg\":\"RS256\",\"kid\":1}"), ".", p, ".", s].concat(),
                "token header \"kid\" is not a string",
            ),
            ([h, ".", &b64("{}"), ".", s].concat(), "missing claim \"token_use\""),
            ("a".repeat(MAX_TOKEN_LEN + 1), "token is longer than 64 KiB"),
            ([h, ".", &"A".repeat(MAX_TOKEN_LEN), ".", s].concat(), "token is longer than 64 KiB"),
        ];
        for (t, message) in cases {
            let e = err(&t);
            assert_eq!(e.code, ErrorCode::InvalidToken, "{message}");
            assert_eq!(e.message, message);
            assert!(!e.message.contains(h) && !e.message.contains(p));
        }
    }

    #[test]
    fn never_panics_on_mangled_tokens() {
        let good = id_token();
        let bytes = good.as_bytes();
        // Every prefix and every single-character deletion.
        for i in 0..bytes.len() {
            let prefix = good.get(..i).unwrap();
            let _ = decode(prefix).map(|j| j.cognito_claims().is_ok());
            let mut cut = bytes.to_vec();
            cut.remove(i);
            let _ = decode(&String::from_utf8_lossy(&cut)).map(|j| j.cognito_claims().is_ok());
        }
        // Deterministic pseudo-random substitutions of base64url characters and dots.
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/";
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut decoded = 0;
        for _ in 0..5_000 {
            let mut t = bytes.to_vec();
            for _ in 0..3 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let i = (x % t.len() as u64) as usize;
                t[i] = alphabet[((x >> 32) % alphabet.len() as u64) as usize];
            }
            if decode(&String::from_utf8_lossy(&t)).is_ok() {
                decoded += 1;
            }
        }
        // Changing signature characters leaves a decodable token: the loop reached success too.
        assert!(decoded > 0);
    }

    #[test]
    fn expiry() {
        let jwt = jwt_of(id_claims());
        let c = jwt.cognito_claims().unwrap();
        let exp_ms = EXP * 1000;
        assert_eq!(c.exp_ms(), exp_ms);
        assert!(!c.is_expired(exp_ms - 1, 0));
        assert!(c.is_expired(exp_ms, 0), "a token is valid only before exp");
        assert!(!c.is_expired(exp_ms + 29_999, 30_000));
        assert!(c.is_expired(exp_ms + 30_000, 30_000));
        assert!(!c.expires_within(exp_ms - 300_001, 300_000));
        assert!(c.expires_within(exp_ms - 300_000, 300_000));
        assert!(c.expires_within(exp_ms + 5, 0));
        assert!(!c.is_expired(u64::MAX - 1, u64::MAX), "saturates, no overflow");
        let far_jwt = jwt_of(id_claims().num("exp", u64::MAX));
        let far = far_jwt.cognito_claims().unwrap();
        assert!(!far.is_expired(u64::MAX - 1, 0));
        assert!(far.expires_within(u64::MAX, 0));
    }

    #[test]
    fn check_claims_names_the_failing_check() {
        let now = EXP * 1000 - 60_000;
        let (id_jwt, access_jwt) = (jwt_of(id_claims()), jwt_of(access_claims()));
        let (id, access) = (id_jwt.cognito_claims().unwrap(), access_jwt.cognito_claims().unwrap());
        assert_eq!(id.check_claims(ISS, CLIENT, TokenUse::Id, now, 0), Ok(()));
        assert_eq!(access.check_claims(ISS, CLIENT, TokenUse::Access, now, 0), Ok(()));

        let fails = |r: Result<()>, check: &str| {
            let e = r.unwrap_err();
            assert_eq!(e.code, ErrorCode::TokenVerificationFailed);
            assert!(e.message.starts_with(check), "{} should name {check}", e.message);
        };
        let other_pool = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other";
        fails(id.check_claims(other_pool, CLIENT, TokenUse::Id, now, 0), "issuer: ");
        fails(id.check_claims(&[ISS, "/"].concat(), CLIENT, TokenUse::Id, now, 0), "issuer: ");
        fails(
            id.check_claims(ISS, CLIENT, TokenUse::Access, now, 0),
            "token_use: expected an access token",
        );
        fails(
            access.check_claims(ISS, CLIENT, TokenUse::Id, now, 0),
            "token_use: expected an id token",
        );
        fails(id.check_claims(ISS, "other-client", TokenUse::Id, now, 0), "audience: ");
        fails(access.check_claims(ISS, "other-client", TokenUse::Access, now, 0), "audience: ");
        fails(id.check_claims(ISS, CLIENT, TokenUse::Id, EXP * 1000, 0), "expired: ");
        assert_eq!(id.check_claims(ISS, CLIENT, TokenUse::Id, EXP * 1000, 1000), Ok(()));

        // An id token whose client id sits in `client_id` instead of `aud` is not accepted.
        let swapped = jwt_of(id_claims().value("aud", Json::Null).str("client_id", CLIENT));
        let swapped = swapped.cognito_claims().unwrap();
        fails(swapped.check_claims(ISS, CLIENT, TokenUse::Id, now, 0), "audience: ");
        // An access token whose client id sits in `aud` instead of `client_id` is not either.
        let swapped = jwt_of(access_claims().value("client_id", Json::Null).str("aud", CLIENT));
        let swapped = swapped.cognito_claims().unwrap();
        fails(swapped.check_claims(ISS, CLIENT, TokenUse::Access, now, 0), "audience: ");
        // The first failing check is reported.
        fails(id.check_claims(other_pool, "x", TokenUse::Access, EXP * 1000, 0), "issuer: ");
    }
}

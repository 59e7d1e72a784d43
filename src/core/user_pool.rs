//! Cognito user-pool API messages (`AWSCognitoIdentityProviderService.*`): request bodies,
//! response and error parsing, and the mapping of Cognito's challenges to the SDK's sign-in
//! steps. Sans-IO: the session layer sends what [`ApiCall`] describes and hands the answer to
//! [`parse_response`] and the parsers here.
//!
//! Each call is a `POST` of JSON to the user-pool endpoint with
//! `X-Amz-Target: AWSCognitoIdentityProviderService.<Operation>` and
//! `Content-Type: application/x-amz-json-1.1`; errors come back as a non-2xx status with
//! `{"__type": "...", "message": "..."}`.

use crate::prelude::*;

use super::config::Config;
use super::encoding::{base64_encode, concat, percent_encode};
use super::error::{Error, ErrorCode, Result};
use super::hash::hmac_sha256;
use super::json::{Json, JsonObject};
use super::time::push_num;

/// The `Content-Type` of every user-pool API request.
pub const CONTENT_TYPE: &str = "application/x-amz-json-1.1";

/// The `X-Amz-Target` prefix of the user-pool API.
pub const TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService.";

/// One user-pool API request: the operation and its JSON body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiCall {
    /// The operation name, e.g. `InitiateAuth`.
    pub operation: &'static str,
    /// The JSON request body.
    pub body: String,
}

impl ApiCall {
    fn new(operation: &'static str, body: JsonObject) -> Self {
        ApiCall {
            operation,
            body: body.to_string(),
        }
    }

    /// The `X-Amz-Target` header value.
    pub fn target(&self) -> String {
        concat(TARGET_PREFIX, self.operation)
    }
}

/// `SECRET_HASH`: Base64(HMAC-SHA256(key = client secret, message = username ‖ client id)),
/// which Cognito requires on unauthenticated calls when the app client has a secret.
pub fn secret_hash(client_secret: &str, username: &str, client_id: &str) -> String {
    base64_encode(&hmac_sha256(
        client_secret.as_bytes(),
        &[username.as_bytes(), client_id.as_bytes()],
    ))
}

fn hash_for(cfg: &Config, username: &str) -> Option<String> {
    cfg.client_secret
        .as_deref()
        .map(|s| secret_hash(s, username, &cfg.client_id))
}

/// How an authenticated call proves who is calling: a signed-in user's access token, or the
/// `Session` of a sign-in still in progress (TOTP setup during `MFA_SETUP`).
#[derive(Debug, Clone, Copy)]
pub enum Caller<'a> {
    /// An access token.
    AccessToken(&'a str),
    /// A challenge session.
    Session(&'a str),
}

impl Caller<'_> {
    fn add(self, o: JsonObject) -> JsonObject {
        match self {
            Caller::AccessToken(t) => o.str("AccessToken", t),
            Caller::Session(s) => o.str("Session", s),
        }
    }
}

fn initiate(cfg: &Config, flow: &str, params: JsonObject) -> ApiCall {
    ApiCall::new(
        "InitiateAuth",
        JsonObject::new()
            .str("AuthFlow", flow)
            .str("ClientId", &cfg.client_id)
            .obj("AuthParameters", params),
    )
}

/// `InitiateAuth` `USER_SRP_AUTH` with the client's public value A (hex).
pub fn initiate_srp(cfg: &Config, username: &str, srp_a_hex: &str) -> ApiCall {
    let hash = hash_for(cfg, username);
    initiate(
        cfg,
        "USER_SRP_AUTH",
        JsonObject::new()
            .str("USERNAME", username)
            .str("SRP_A", srp_a_hex)
            .opt_str("SECRET_HASH", hash.as_deref()),
    )
}

/// `InitiateAuth` `USER_PASSWORD_AUTH` (the password travels to Cognito over TLS).
pub fn initiate_password(cfg: &Config, username: &str, password: &str) -> ApiCall {
    let hash = hash_for(cfg, username);
    initiate(
        cfg,
        "USER_PASSWORD_AUTH",
        JsonObject::new()
            .str("USERNAME", username)
            .str("PASSWORD", password)
            .opt_str("SECRET_HASH", hash.as_deref()),
    )
}

/// `InitiateAuth` `REFRESH_TOKEN_AUTH`. `username` is the user's `cognito:username`, which
/// SECRET_HASH needs when the client has a secret.
pub fn initiate_refresh(cfg: &Config, refresh_token: &str, username: &str) -> ApiCall {
    let hash = hash_for(cfg, username);
    initiate(
        cfg,
        "REFRESH_TOKEN_AUTH",
        JsonObject::new()
            .str("REFRESH_TOKEN", refresh_token)
            .opt_str("SECRET_HASH", hash.as_deref()),
    )
}

/// `GetTokensFromRefreshToken`, for app clients that rotate refresh tokens (the answer carries a
/// new refresh token; this call takes the client secret itself rather than a SECRET_HASH).
pub fn get_tokens_from_refresh_token(cfg: &Config, refresh_token: &str) -> ApiCall {
    ApiCall::new(
        "GetTokensFromRefreshToken",
        JsonObject::new()
            .str("RefreshToken", refresh_token)
            .str("ClientId", &cfg.client_id)
            .opt_str("ClientSecret", cfg.client_secret.as_deref()),
    )
}

/// `RespondToAuthChallenge`. `username` is the user the challenge is for (Cognito's
/// `USER_ID_FOR_SRP` / `USERNAME` challenge parameter): it is sent as `USERNAME` and is what
/// SECRET_HASH is computed over.
pub fn respond_to_challenge(
    cfg: &Config,
    challenge: &str,
    session: Option<&str>,
    username: &str,
    answers: &[(&str, &str)],
) -> ApiCall {
    let mut responses = JsonObject::new().str("USERNAME", username);
    for (k, v) in answers {
        responses = responses.str(k, v);
    }
    let hash = hash_for(cfg, username);
    responses = responses.opt_str("SECRET_HASH", hash.as_deref());
    ApiCall::new(
        "RespondToAuthChallenge",
        JsonObject::new()
            .str("ChallengeName", challenge)
            .str("ClientId", &cfg.client_id)
            .opt_str("Session", session)
            .obj("ChallengeResponses", responses),
    )
}

/// `AssociateSoftwareToken`: asks Cognito for a new TOTP secret.
pub fn associate_software_token(caller: Caller<'_>) -> ApiCall {
    ApiCall::new("AssociateSoftwareToken", caller.add(JsonObject::new()))
}

/// `VerifySoftwareToken`: proves the authenticator app produces codes for the new secret.
pub fn verify_software_token(caller: Caller<'_>, code: &str, device_name: Option<&str>) -> ApiCall {
    ApiCall::new(
        "VerifySoftwareToken",
        caller
            .add(JsonObject::new())
            .str("UserCode", code)
            .opt_str("FriendlyDeviceName", device_name),
    )
}

/// Cognito's `[{ Name, Value }]` attribute list.
fn attribute_list<'a>(
    attributes: &'a [(String, String)],
) -> impl Iterator<Item = JsonObject> + 'a {
    attributes
        .iter()
        .map(|(n, v)| JsonObject::new().str("Name", n).str("Value", v))
}

/// `SignUp`.
pub fn sign_up(
    cfg: &Config,
    username: &str,
    password: &str,
    attributes: &[(String, String)],
) -> ApiCall {
    let hash = hash_for(cfg, username);
    ApiCall::new(
        "SignUp",
        JsonObject::new()
            .str("ClientId", &cfg.client_id)
            .opt_str("SecretHash", hash.as_deref())
            .str("Username", username)
            .str("Password", password)
            .objects("UserAttributes", attribute_list(attributes)),
    )
}

fn client_and_user(cfg: &Config, username: &str) -> JsonObject {
    let hash = hash_for(cfg, username);
    JsonObject::new()
        .str("ClientId", &cfg.client_id)
        .opt_str("SecretHash", hash.as_deref())
        .str("Username", username)
}

/// `ConfirmSignUp` with the code Cognito sent.
pub fn confirm_sign_up(cfg: &Config, username: &str, code: &str) -> ApiCall {
    ApiCall::new(
        "ConfirmSignUp",
        client_and_user(cfg, username).str("ConfirmationCode", code),
    )
}

/// `ResendConfirmationCode`.
pub fn resend_confirmation_code(cfg: &Config, username: &str) -> ApiCall {
    ApiCall::new("ResendConfirmationCode", client_and_user(cfg, username))
}

/// `ForgotPassword`: Cognito sends a reset code.
pub fn forgot_password(cfg: &Config, username: &str) -> ApiCall {
    ApiCall::new("ForgotPassword", client_and_user(cfg, username))
}

/// `ConfirmForgotPassword` with the reset code and the new password.
pub fn confirm_forgot_password(
    cfg: &Config,
    username: &str,
    code: &str,
    new_password: &str,
) -> ApiCall {
    ApiCall::new(
        "ConfirmForgotPassword",
        client_and_user(cfg, username)
            .str("ConfirmationCode", code)
            .str("Password", new_password),
    )
}

/// `ChangePassword` for the signed-in user.
pub fn change_password(access_token: &str, old_password: &str, new_password: &str) -> ApiCall {
    ApiCall::new(
        "ChangePassword",
        JsonObject::new()
            .str("AccessToken", access_token)
            .str("PreviousPassword", old_password)
            .str("ProposedPassword", new_password),
    )
}

/// `GetUser`: the signed-in user's attributes.
pub fn get_user(access_token: &str) -> ApiCall {
    ApiCall::new(
        "GetUser",
        JsonObject::new().str("AccessToken", access_token),
    )
}

/// `GlobalSignOut`: invalidates every refresh token of the user.
pub fn global_sign_out(access_token: &str) -> ApiCall {
    ApiCall::new(
        "GlobalSignOut",
        JsonObject::new().str("AccessToken", access_token),
    )
}

/// `RevokeToken`: revokes a refresh token and the access tokens issued from it.
pub fn revoke_token(cfg: &Config, refresh_token: &str) -> ApiCall {
    ApiCall::new(
        "RevokeToken",
        JsonObject::new()
            .str("Token", refresh_token)
            .str("ClientId", &cfg.client_id)
            .opt_str("ClientSecret", cfg.client_secret.as_deref()),
    )
}

/// An MFA factor the app can prefer, enable or disable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MfaType {
    /// An authenticator app (`SOFTWARE_TOKEN_MFA`).
    Totp,
    /// A code by text message (`SMS_MFA`).
    Sms,
    /// A code by email (`EMAIL_OTP`).
    Email,
}

impl MfaType {
    /// The SDK's name: `TOTP`, `SMS`, `EMAIL`.
    pub fn js_name(self) -> &'static str {
        match self {
            MfaType::Totp => "TOTP",
            MfaType::Sms => "SMS",
            MfaType::Email => "EMAIL",
        }
    }

    /// Cognito's challenge name: `SOFTWARE_TOKEN_MFA`, `SMS_MFA`, `EMAIL_OTP`.
    pub fn challenge_name(self) -> &'static str {
        match self {
            MfaType::Totp => "SOFTWARE_TOKEN_MFA",
            MfaType::Sms => "SMS_MFA",
            MfaType::Email => "EMAIL_OTP",
        }
    }

    /// From the SDK's name.
    pub fn from_js_name(s: &str) -> Option<MfaType> {
        [MfaType::Totp, MfaType::Sms, MfaType::Email]
            .into_iter()
            .find(|m| m.js_name() == s)
    }

    /// From Cognito's challenge name.
    pub fn from_challenge_name(s: &str) -> Option<MfaType> {
        [MfaType::Totp, MfaType::Sms, MfaType::Email]
            .into_iter()
            .find(|m| m.challenge_name() == s)
    }
}

/// The state an app asks for one MFA factor in `setMfaPreference`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MfaPreference {
    /// Enabled and the preferred factor.
    Preferred,
    /// Enabled, not preferred.
    Enabled,
    /// Disabled.
    Disabled,
}

impl MfaPreference {
    /// From the SDK's name: `PREFERRED`, `ENABLED` (or `NOT_PREFERRED`), `DISABLED`.
    pub fn from_js_name(s: &str) -> Option<MfaPreference> {
        match s {
            "PREFERRED" => Some(MfaPreference::Preferred),
            "ENABLED" | "NOT_PREFERRED" => Some(MfaPreference::Enabled),
            "DISABLED" => Some(MfaPreference::Disabled),
            _ => None,
        }
    }
}

/// `SetUserMFAPreference`; factors given as `None` are left as they are.
pub fn set_mfa_preference(
    access_token: &str,
    totp: Option<MfaPreference>,
    sms: Option<MfaPreference>,
    email: Option<MfaPreference>,
) -> ApiCall {
    let mut o = JsonObject::new().str("AccessToken", access_token);
    for (key, pref) in [
        ("SoftwareTokenMfaSettings", totp),
        ("SMSMfaSettings", sms),
        ("EmailMfaSettings", email),
    ] {
        if let Some(p) = pref {
            o = o.obj(
                key,
                JsonObject::new()
                    .bool("Enabled", p != MfaPreference::Disabled)
                    .bool("PreferredMfa", p == MfaPreference::Preferred),
            );
        }
    }
    ApiCall::new("SetUserMFAPreference", o)
}

/// Reads a user-pool API answer: a 2xx status gives the JSON body (an empty body reads as
/// `{}`); any other status gives the service's error, named by its `__type` (without a
/// `namespace#` prefix) with its `message` and the HTTP status. An answer that is neither is an
/// `InvalidResponse` carrying the status.
pub fn parse_response(status: u16, body: &str) -> Result<Json> {
    // JSON's whitespace is ASCII (and `str::trim` would link a UTF-8 char decoder).
    let parsed = if body.bytes().all(|b| b.is_ascii_whitespace()) {
        Ok(Json::Object(Vec::new()))
    } else {
        Json::parse(body)
    };
    if (200..300).contains(&status) {
        return parsed.map_err(|e| {
            Error::response(&concat(
                "the user-pool API answered with malformed JSON: ",
                &e.message,
            ))
        });
    }
    if let Ok(json) = &parsed {
        if let Some(kind) = json
            .get("__type")
            .and_then(Json::as_str)
            .filter(|k| !k.is_empty())
        {
            let message = json
                .get("message")
                .or_else(|| json.get("Message"))
                .and_then(Json::as_str)
                .unwrap_or("");
            return Err(Error::service(kind, message, status));
        }
    }
    let mut m = String::from("the user-pool API answered HTTP ");
    push_num(&mut m, u64::from(status), 1);
    m.push_str(" without an error type");
    Err(Error::response(&m).with_status(status))
}

/// The tokens of a completed sign-in or refresh (`AuthenticationResult`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthTokens {
    /// The id token (JWT).
    pub id_token: String,
    /// The access token (JWT).
    pub access_token: String,
    /// The refresh token; absent in `REFRESH_TOKEN_AUTH` answers (keep the old one).
    pub refresh_token: Option<String>,
    /// Lifetime of the access token in seconds.
    pub expires_in: u64,
}

/// A challenge Cognito asks the client to answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    /// The challenge name, e.g. `PASSWORD_VERIFIER`, `SOFTWARE_TOKEN_MFA`.
    pub name: String,
    /// The opaque `Session` to send back with the answer.
    pub session: Option<String>,
    /// `ChallengeParameters` (all strings).
    pub params: Vec<(String, String)>,
}

impl Challenge {
    /// The challenge parameter `key`, when present.
    pub fn param(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The challenge parameter `key`; `InvalidResponse` naming it when missing.
    pub fn required(&self, key: &str) -> Result<&str> {
        self.param(key)
            .ok_or_else(|| Error::response(&concat("challenge parameter missing: ", key)))
    }

    /// The user the challenge is for, as Cognito names it (`USER_ID_FOR_SRP`, else `USERNAME`),
    /// falling back to `fallback` (the name the user signed in with).
    pub fn username<'a>(&'a self, fallback: &'a str) -> &'a str {
        self.param("USER_ID_FOR_SRP")
            .or_else(|| self.param("USERNAME"))
            .unwrap_or(fallback)
    }
}

/// What `InitiateAuth` / `RespondToAuthChallenge` / `GetTokensFromRefreshToken` answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthOutcome {
    /// Signed in (or refreshed).
    Tokens(AuthTokens),
    /// Another challenge to answer.
    Challenge(Challenge),
}

/// Reads an authentication answer: `AuthenticationResult`, or `ChallengeName` + `Session` +
/// `ChallengeParameters`.
pub fn parse_auth_outcome(json: &Json) -> Result<AuthOutcome> {
    if let Some(r) = json.opt_object_field("AuthenticationResult")? {
        return Ok(AuthOutcome::Tokens(AuthTokens {
            id_token: r.str_field("IdToken")?.to_string(),
            access_token: r.str_field("AccessToken")?.to_string(),
            refresh_token: r.opt_str_field("RefreshToken")?.map(str::to_string),
            expires_in: r.opt_u64_field("ExpiresIn")?.unwrap_or(3600),
        }));
    }
    let name = json.str_field("ChallengeName")?.to_string();
    let mut params = Vec::new();
    if let Some(p) = json.opt_object_field("ChallengeParameters")? {
        for (k, v) in p.as_object().unwrap_or(&[]) {
            if let Some(s) = v.as_str() {
                params.push((k.clone(), s.to_string()));
            }
        }
    }
    Ok(AuthOutcome::Challenge(Challenge {
        name,
        session: json.opt_str_field("Session")?.map(str::to_string),
        params,
    }))
}

/// Where Cognito sent a code (`CodeDeliveryDetails`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CodeDelivery {
    /// `EMAIL` or `SMS`.
    pub delivery_medium: Option<String>,
    /// The masked destination, e.g. `a***@e***`.
    pub destination: Option<String>,
    /// The attribute the code was sent to, e.g. `email`.
    pub attribute_name: Option<String>,
}

impl CodeDelivery {
    fn is_empty(&self) -> bool {
        self.delivery_medium.is_none()
            && self.destination.is_none()
            && self.attribute_name.is_none()
    }

    fn to_json(&self) -> JsonObject {
        JsonObject::new()
            .opt_str("deliveryMedium", self.delivery_medium.as_deref())
            .opt_str("destination", self.destination.as_deref())
            .opt_str("attributeName", self.attribute_name.as_deref())
    }
}

/// `CodeDeliveryDetails` of an answer, when present.
pub fn parse_code_delivery(json: &Json) -> Result<Option<CodeDelivery>> {
    let Some(d) = json.opt_object_field("CodeDeliveryDetails")? else {
        return Ok(None);
    };
    let c = CodeDelivery {
        delivery_medium: d.opt_str_field("DeliveryMedium")?.map(str::to_string),
        destination: d.opt_str_field("Destination")?.map(str::to_string),
        attribute_name: d.opt_str_field("AttributeName")?.map(str::to_string),
    };
    Ok(if c.is_empty() { None } else { Some(c) })
}

/// The JSON the SDK returns for a code delivery: `{"codeDelivery": {...}}` or `{}`.
pub fn code_delivery_result(delivery: Option<&CodeDelivery>) -> String {
    match delivery {
        Some(d) => JsonObject::new()
            .obj("codeDelivery", d.to_json())
            .to_string(),
        None => "{}".to_string(),
    }
}

/// The answer to `SignUp`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignUpResult {
    /// Whether the user is already confirmed (e.g. auto-confirmed by a Lambda trigger).
    pub user_confirmed: bool,
    /// The new user's `sub`.
    pub user_sub: String,
    /// Where the confirmation code went.
    pub code_delivery: Option<CodeDelivery>,
}

/// Reads a `SignUp` answer.
pub fn parse_sign_up(json: &Json) -> Result<SignUpResult> {
    Ok(SignUpResult {
        user_confirmed: json.bool_field("UserConfirmed")?,
        user_sub: json.str_field("UserSub")?.to_string(),
        code_delivery: parse_code_delivery(json)?,
    })
}

impl SignUpResult {
    /// The JSON the SDK returns: `{ userConfirmed, userSub, codeDelivery? }`.
    pub fn to_json(&self) -> String {
        let mut o = JsonObject::new()
            .bool("userConfirmed", self.user_confirmed)
            .str("userSub", &self.user_sub);
        if let Some(d) = &self.code_delivery {
            o = o.obj("codeDelivery", d.to_json());
        }
        o.to_string()
    }
}

/// Reads `GetUser`'s `UserAttributes` into the JSON object the SDK returns:
/// `{ "email": "...", "custom:team": "...", ... }`.
pub fn user_attributes_json(json: &Json) -> Result<String> {
    let mut o = JsonObject::new();
    for a in json.opt_array_field("UserAttributes")?.unwrap_or(&[]) {
        o = o.str(
            a.str_field("Name")?,
            a.opt_str_field("Value")?.unwrap_or(""),
        );
    }
    Ok(o.to_string())
}

/// Reads `AssociateSoftwareToken`'s answer: the TOTP secret (base32) and, during sign-in, the
/// new `Session`.
pub fn parse_associate(json: &Json) -> Result<(String, Option<String>)> {
    Ok((
        json.str_field("SecretCode")?.to_string(),
        json.opt_str_field("Session")?.map(str::to_string),
    ))
}

/// Reads `VerifySoftwareToken`'s answer: the new `Session` when it succeeded; an `InvalidResponse`
/// unless `Status` is `SUCCESS`.
pub fn parse_verify(json: &Json) -> Result<Option<String>> {
    match json.opt_str_field("Status")? {
        Some("SUCCESS") | None => Ok(json.opt_str_field("Session")?.map(str::to_string)),
        Some(_) => Err(Error::new(
            ErrorCode::Service("EnableSoftwareTokenMFAException".to_string()),
            "the code did not verify the authenticator app",
        )),
    }
}

/// The `otpauth://totp/<issuer>:<account>?secret=<secret>&issuer=<issuer>` URI authenticator apps
/// read from a QR code (Google's Key Uri Format).
pub fn otpauth_uri(issuer: &str, account: &str, secret: &str) -> String {
    let issuer = percent_encode(issuer, false);
    let mut s = concat("otpauth://totp/", &issuer);
    s.push(':');
    s.push_str(&percent_encode(account, false));
    s.push_str("?secret=");
    s.push_str(&percent_encode(secret, false));
    s.push_str("&issuer=");
    s.push_str(&issuer);
    s
}

/// The JSON the SDK returns for a new TOTP secret: `{ secret, otpauthUri }`.
pub fn totp_setup_json(issuer: &str, account: &str, secret: &str) -> JsonObject {
    JsonObject::new()
        .str("secret", secret)
        .str("otpauthUri", &otpauth_uri(issuer, account, secret))
}

/// A step of sign-in, as the app sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Signed in.
    Done,
    /// The user must choose a new password (`confirmSignIn({ newPassword, attributes })`),
    /// providing the listed attributes.
    NewPasswordRequired {
        /// Attribute names without Cognito's `userAttributes.` prefix.
        required_attributes: Vec<String>,
    },
    /// A code from the authenticator app (`confirmSignIn({ code })`).
    MfaTotp,
    /// A code sent by SMS.
    MfaSms {
        /// Where it was sent.
        code_delivery: Option<CodeDelivery>,
    },
    /// A code sent by email.
    MfaEmail {
        /// Where it was sent.
        code_delivery: Option<CodeDelivery>,
    },
    /// The user must set up an authenticator app: show `otpauth_uri` as a QR code, then
    /// `confirmSignIn({ code })` with the first code.
    MfaSetupTotp {
        /// The TOTP secret (base32).
        secret: String,
        /// The `otpauth://` URI.
        otpauth_uri: String,
    },
    /// The user must pick a factor (`confirmSignIn({ mfaType })`).
    SelectMfaType {
        /// The factors Cognito allows.
        allowed: Vec<MfaType>,
    },
    /// The user is not confirmed: call `confirmSignUp` with the code (and `resendSignUpCode`
    /// to get one), then sign in again.
    ConfirmSignUp {
        /// The name the user signed in with.
        username: String,
    },
    /// An administrator requires a password reset: call `forgotPassword` then
    /// `confirmForgotPassword`, then sign in again.
    ResetPassword {
        /// The name the user signed in with.
        username: String,
    },
}

impl Step {
    /// The step's name (`DONE`, `NEW_PASSWORD_REQUIRED`, `MFA_TOTP`, ...).
    pub fn name(&self) -> &'static str {
        match self {
            Step::Done => "DONE",
            Step::NewPasswordRequired { .. } => "NEW_PASSWORD_REQUIRED",
            Step::MfaTotp => "MFA_TOTP",
            Step::MfaSms { .. } => "MFA_SMS",
            Step::MfaEmail { .. } => "MFA_EMAIL",
            Step::MfaSetupTotp { .. } => "MFA_SETUP_TOTP",
            Step::SelectMfaType { .. } => "SELECT_MFA_TYPE",
            Step::ConfirmSignUp { .. } => "CONFIRM_SIGN_UP",
            Step::ResetPassword { .. } => "RESET_PASSWORD",
        }
    }

    /// The JSON object the app receives: `{ "step": NAME, ...details }`.
    pub fn to_json(&self) -> String {
        let o = JsonObject::new().str("step", self.name());
        let o = match self {
            Step::Done | Step::MfaTotp => o,
            Step::NewPasswordRequired {
                required_attributes,
            } => o.str_array(
                "requiredAttributes",
                required_attributes.iter().map(String::as_str),
            ),
            Step::MfaSms { code_delivery } | Step::MfaEmail { code_delivery } => {
                match code_delivery {
                    Some(d) => o.obj("codeDelivery", d.to_json()),
                    None => o,
                }
            }
            Step::MfaSetupTotp {
                secret,
                otpauth_uri,
            } => o.str("secret", secret).str("otpauthUri", otpauth_uri),
            Step::SelectMfaType { allowed } => {
                o.str_array("allowedMfaTypes", allowed.iter().map(|m| m.js_name()))
            }
            Step::ConfirmSignUp { username } | Step::ResetPassword { username } => {
                o.str("username", username)
            }
        };
        o.to_string()
    }
}

/// A challenge parameter holding a JSON array of strings as text (`requiredAttributes`,
/// `MFAS_CAN_CHOOSE`, `MFAS_CAN_SETUP`).
fn string_list(ch: &Challenge, key: &str) -> Result<Vec<String>> {
    let Some(text) = ch.param(key) else {
        return Ok(Vec::new());
    };
    let bad = || {
        Error::response(&concat(
            "challenge parameter is not a list of strings: ",
            key,
        ))
    };
    let json = Json::parse(text).map_err(|_| bad())?;
    let mut out = Vec::new();
    for v in json.as_array().ok_or_else(bad)? {
        out.push(v.as_str().ok_or_else(bad)?.to_string());
    }
    Ok(out)
}

/// The step for a challenge the *user* must answer. `PASSWORD_VERIFIER` (answered by the SDK)
/// and `MFA_SETUP` (which first needs a secret from `AssociateSoftwareToken`, see
/// [`mfa_setup_supported`]) are not mapped here; an unknown challenge is an `InvalidResponse`.
pub fn step_for_challenge(ch: &Challenge) -> Result<Step> {
    let delivery = || {
        let d = CodeDelivery {
            delivery_medium: ch
                .param("CODE_DELIVERY_DELIVERY_MEDIUM")
                .map(str::to_string),
            destination: ch.param("CODE_DELIVERY_DESTINATION").map(str::to_string),
            attribute_name: None,
        };
        if d.is_empty() {
            None
        } else {
            Some(d)
        }
    };
    Ok(match ch.name.as_str() {
        "NEW_PASSWORD_REQUIRED" => Step::NewPasswordRequired {
            required_attributes: string_list(ch, "requiredAttributes")?
                .into_iter()
                .map(|a| {
                    a.strip_prefix("userAttributes.")
                        .map_or(a.clone(), str::to_string)
                })
                .collect(),
        },
        "SOFTWARE_TOKEN_MFA" => Step::MfaTotp,
        "SMS_MFA" | "SMS_OTP" => Step::MfaSms {
            code_delivery: delivery(),
        },
        "EMAIL_OTP" => Step::MfaEmail {
            code_delivery: delivery(),
        },
        "SELECT_MFA_TYPE" => {
            let mut allowed = Vec::new();
            for name in string_list(ch, "MFAS_CAN_CHOOSE")? {
                if let Some(m) = MfaType::from_challenge_name(&name) {
                    allowed.push(m);
                }
            }
            if allowed.is_empty() {
                return Err(Error::response(
                    "SELECT_MFA_TYPE offers no factor the SDK supports",
                ));
            }
            Step::SelectMfaType { allowed }
        }
        _ => {
            return Err(Error::response(&concat(
                "unsupported sign-in challenge: ",
                &ch.name,
            )))
        }
    })
}

/// Whether an `MFA_SETUP` challenge lets the user set up an authenticator app (the only factor
/// the SDK sets up during sign-in); an `InvalidResponse` otherwise.
pub fn mfa_setup_supported(ch: &Challenge) -> Result<()> {
    let can = string_list(ch, "MFAS_CAN_SETUP")?;
    if can.is_empty() || can.iter().any(|m| m == "SOFTWARE_TOKEN_MFA") {
        Ok(())
    } else {
        Err(Error::response(
            "MFA_SETUP requires a factor the SDK cannot set up (only TOTP is supported)",
        ))
    }
}

/// The challenge answer parameter that carries a code for an MFA challenge.
pub fn code_answer_key(challenge: &str) -> Option<&'static str> {
    match challenge {
        "SOFTWARE_TOKEN_MFA" => Some("SOFTWARE_TOKEN_MFA_CODE"),
        "SMS_MFA" => Some("SMS_MFA_CODE"),
        "SMS_OTP" => Some("SMS_OTP_CODE"),
        "EMAIL_OTP" => Some("EMAIL_OTP_CODE"),
        _ => None,
    }
}

/// Sign-in refusals that are steps rather than errors, as in Amplify:
/// `UserNotConfirmedException` → `CONFIRM_SIGN_UP`, `PasswordResetRequiredException` →
/// `RESET_PASSWORD`.
pub fn step_for_sign_in_error(err: &Error, username: &str) -> Option<Step> {
    match err.name() {
        "UserNotConfirmedException" => Some(Step::ConfirmSignUp {
            username: username.to_string(),
        }),
        "PasswordResetRequiredException" => Some(Step::ResetPassword {
            username: username.to_string(),
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(secret: bool) -> Config {
        let mut t = String::from(
            r#"{"region":"us-east-1","userPoolId":"us-east-1_AbC123","clientId":"client1""#,
        );
        if secret {
            t.push_str(r#","clientSecret":"topsecret""#);
        }
        t.push('}');
        Config::from_json_text(&t).unwrap()
    }

    #[test]
    fn secret_hash_known_answer() {
        // Computed independently: python3 -c "import hmac,hashlib,base64;
        //   print(base64.b64encode(hmac.new(b'topsecret', b'alice'+b'client1', hashlib.sha256).digest()).decode())"
        assert_eq!(
            secret_hash("topsecret", "alice", "client1"),
            "rkyQQ38Dncrof8sfhVupxuUBJOEMBbho46b6SbVue7s="
        );
    }

    #[test]
    fn initiate_bodies() {
        let c = initiate_srp(&cfg(false), "alice", "0abc");
        assert_eq!(c.operation, "InitiateAuth");
        assert_eq!(c.target(), "AWSCognitoIdentityProviderService.InitiateAuth");
        assert_eq!(
            c.body,
            r#"{"AuthFlow":"USER_SRP_AUTH","ClientId":"client1","AuthParameters":{"USERNAME":"alice","SRP_A":"0abc"}}"#
        );
        let c = initiate_password(&cfg(true), "alice", "pw\"1");
        assert_eq!(
            c.body,
            r#"{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"client1","AuthParameters":{"USERNAME":"alice","PASSWORD":"pw\"1","SECRET_HASH":"rkyQQ38Dncrof8sfhVupxuUBJOEMBbho46b6SbVue7s="}}"#
        );
        let c = initiate_refresh(&cfg(true), "rt", "alice");
        assert_eq!(
            c.body,
            r#"{"AuthFlow":"REFRESH_TOKEN_AUTH","ClientId":"client1","AuthParameters":{"REFRESH_TOKEN":"rt","SECRET_HASH":"rkyQQ38Dncrof8sfhVupxuUBJOEMBbho46b6SbVue7s="}}"#
        );
        let c = get_tokens_from_refresh_token(&cfg(true), "rt");
        assert_eq!(
            c.body,
            r#"{"RefreshToken":"rt","ClientId":"client1","ClientSecret":"topsecret"}"#
        );
    }

    #[test]
    fn challenge_answer_uses_the_servers_username_for_secret_hash() {
        let c = respond_to_challenge(
            &cfg(true),
            "PASSWORD_VERIFIER",
            None,
            "alice",
            &[("TIMESTAMP", "t")],
        );
        assert_eq!(
            c.body,
            r#"{"ChallengeName":"PASSWORD_VERIFIER","ClientId":"client1","ChallengeResponses":{"USERNAME":"alice","TIMESTAMP":"t","SECRET_HASH":"rkyQQ38Dncrof8sfhVupxuUBJOEMBbho46b6SbVue7s="}}"#
        );
        let c = respond_to_challenge(
            &cfg(false),
            "SOFTWARE_TOKEN_MFA",
            Some("S"),
            "bob",
            &[("SOFTWARE_TOKEN_MFA_CODE", "123456")],
        );
        assert_eq!(
            c.body,
            r#"{"ChallengeName":"SOFTWARE_TOKEN_MFA","ClientId":"client1","Session":"S","ChallengeResponses":{"USERNAME":"bob","SOFTWARE_TOKEN_MFA_CODE":"123456"}}"#
        );
    }

    #[test]
    fn account_bodies() {
        let attrs = vec![("email".to_string(), "a@example.com".to_string())];
        assert_eq!(
            sign_up(&cfg(false), "alice", "pw", &attrs).body,
            r#"{"ClientId":"client1","Username":"alice","Password":"pw","UserAttributes":[{"Name":"email","Value":"a@example.com"}]}"#
        );
        assert_eq!(
            confirm_sign_up(&cfg(true), "alice", "123").body,
            r#"{"ClientId":"client1","SecretHash":"rkyQQ38Dncrof8sfhVupxuUBJOEMBbho46b6SbVue7s=","Username":"alice","ConfirmationCode":"123"}"#
        );
        assert_eq!(
            resend_confirmation_code(&cfg(false), "a").body,
            r#"{"ClientId":"client1","Username":"a"}"#
        );
        assert_eq!(
            forgot_password(&cfg(false), "a").operation,
            "ForgotPassword"
        );
        assert_eq!(
            confirm_forgot_password(&cfg(false), "a", "1", "n").body,
            r#"{"ClientId":"client1","Username":"a","ConfirmationCode":"1","Password":"n"}"#
        );
        assert_eq!(
            change_password("AT", "o", "n").body,
            r#"{"AccessToken":"AT","PreviousPassword":"o","ProposedPassword":"n"}"#
        );
        assert_eq!(get_user("AT").body, r#"{"AccessToken":"AT"}"#);
        assert_eq!(global_sign_out("AT").operation, "GlobalSignOut");
        assert_eq!(
            revoke_token(&cfg(false), "RT").body,
            r#"{"Token":"RT","ClientId":"client1"}"#
        );
        assert_eq!(
            associate_software_token(Caller::Session("S")).body,
            r#"{"Session":"S"}"#
        );
        assert_eq!(
            verify_software_token(Caller::AccessToken("AT"), "123456", Some("phone")).body,
            r#"{"AccessToken":"AT","UserCode":"123456","FriendlyDeviceName":"phone"}"#
        );
        assert_eq!(
            set_mfa_preference(
                "AT",
                Some(MfaPreference::Preferred),
                None,
                Some(MfaPreference::Disabled)
            )
            .body,
            r#"{"AccessToken":"AT","SoftwareTokenMfaSettings":{"Enabled":true,"PreferredMfa":true},"EmailMfaSettings":{"Enabled":false,"PreferredMfa":false}}"#
        );
    }

    #[test]
    fn errors_are_named_by_type() {
        let e = parse_response(
            400,
            r#"{"__type":"NotAuthorizedException","message":"Incorrect username or password."}"#,
        )
        .unwrap_err();
        assert_eq!(e.name(), "NotAuthorizedException");
        assert_eq!(e.message, "Incorrect username or password.");
        assert_eq!(e.status, Some(400));
        let e = parse_response(
            400,
            r#"{"__type":"com.amazonaws#CodeMismatchException","Message":"Invalid code"}"#,
        )
        .unwrap_err();
        assert_eq!(
            (e.name(), e.message.as_str()),
            ("CodeMismatchException", "Invalid code")
        );
        let e = parse_response(502, "<html>bad gateway</html>").unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidResponse);
        assert_eq!(e.status, Some(502));
        assert_eq!(
            e.message,
            "the user-pool API answered HTTP 502 without an error type"
        );
        assert_eq!(parse_response(200, "").unwrap(), Json::Object(Vec::new()));
        assert_eq!(
            parse_response(200, "{nope").unwrap_err().code,
            ErrorCode::InvalidResponse
        );
    }

    #[test]
    fn auth_outcomes() {
        let j = Json::parse(r#"{"AuthenticationResult":{"AccessToken":"a","ExpiresIn":3600,"IdToken":"i","RefreshToken":"r","TokenType":"Bearer"},"ChallengeParameters":{}}"#).unwrap();
        assert_eq!(
            parse_auth_outcome(&j).unwrap(),
            AuthOutcome::Tokens(AuthTokens {
                id_token: "i".into(),
                access_token: "a".into(),
                refresh_token: Some("r".into()),
                expires_in: 3600
            })
        );
        let j = Json::parse(r#"{"ChallengeName":"PASSWORD_VERIFIER","ChallengeParameters":{"SALT":"ab","USER_ID_FOR_SRP":"uid","USERNAME":"uname"}}"#).unwrap();
        let AuthOutcome::Challenge(ch) = parse_auth_outcome(&j).unwrap() else {
            panic!("challenge expected")
        };
        assert_eq!(ch.name, "PASSWORD_VERIFIER");
        assert_eq!(ch.session, None);
        assert_eq!(ch.username("typed"), "uid");
        assert_eq!(ch.required("SALT").unwrap(), "ab");
        assert_eq!(
            ch.required("SRP_B").unwrap_err().message,
            "challenge parameter missing: SRP_B"
        );
        let j = Json::parse(r#"{"AuthenticationResult":{"AccessToken":"a"}}"#).unwrap();
        assert_eq!(
            parse_auth_outcome(&j).unwrap_err().code,
            ErrorCode::InvalidResponse
        );
        let j = Json::parse(r#"{}"#).unwrap();
        assert_eq!(
            parse_auth_outcome(&j).unwrap_err().code,
            ErrorCode::InvalidResponse
        );
    }

    fn challenge(name: &str, params: &[(&str, &str)]) -> Challenge {
        Challenge {
            name: name.into(),
            session: Some("S".into()),
            params: params
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    #[test]
    fn challenges_map_to_steps() {
        let s = step_for_challenge(&challenge(
            "NEW_PASSWORD_REQUIRED",
            &[
                (
                    "requiredAttributes",
                    r#"["userAttributes.email","userAttributes.name"]"#,
                ),
                ("userAttributes", "{}"),
            ],
        ))
        .unwrap();
        assert_eq!(
            s.to_json(),
            r#"{"step":"NEW_PASSWORD_REQUIRED","requiredAttributes":["email","name"]}"#
        );
        assert_eq!(
            step_for_challenge(&challenge("SOFTWARE_TOKEN_MFA", &[]))
                .unwrap()
                .to_json(),
            r#"{"step":"MFA_TOTP"}"#
        );
        let s = step_for_challenge(&challenge(
            "SMS_MFA",
            &[
                ("CODE_DELIVERY_DELIVERY_MEDIUM", "SMS"),
                ("CODE_DELIVERY_DESTINATION", "+*******1234"),
            ],
        ))
        .unwrap();
        assert_eq!(
            s.to_json(),
            r#"{"step":"MFA_SMS","codeDelivery":{"deliveryMedium":"SMS","destination":"+*******1234"}}"#
        );
        assert_eq!(
            step_for_challenge(&challenge("EMAIL_OTP", &[]))
                .unwrap()
                .to_json(),
            r#"{"step":"MFA_EMAIL"}"#
        );
        let s = step_for_challenge(&challenge(
            "SELECT_MFA_TYPE",
            &[(
                "MFAS_CAN_CHOOSE",
                r#"["SMS_MFA","SOFTWARE_TOKEN_MFA","WEBAUTHN"]"#,
            )],
        ))
        .unwrap();
        assert_eq!(
            s.to_json(),
            r#"{"step":"SELECT_MFA_TYPE","allowedMfaTypes":["SMS","TOTP"]}"#
        );
        assert!(step_for_challenge(&challenge(
            "SELECT_MFA_TYPE",
            &[("MFAS_CAN_CHOOSE", "nope")]
        ))
        .is_err());
        assert_eq!(
            step_for_challenge(&challenge("CUSTOM_CHALLENGE", &[]))
                .unwrap_err()
                .message,
            "unsupported sign-in challenge: CUSTOM_CHALLENGE"
        );
        assert!(mfa_setup_supported(&challenge(
            "MFA_SETUP",
            &[("MFAS_CAN_SETUP", r#"["SMS_MFA","SOFTWARE_TOKEN_MFA"]"#)]
        ))
        .is_ok());
        assert!(mfa_setup_supported(&challenge(
            "MFA_SETUP",
            &[("MFAS_CAN_SETUP", r#"["EMAIL_OTP"]"#)]
        ))
        .is_err());
        assert_eq!(code_answer_key("SMS_MFA"), Some("SMS_MFA_CODE"));
        assert_eq!(code_answer_key("NEW_PASSWORD_REQUIRED"), None);
    }

    #[test]
    fn sign_in_refusals_that_are_steps() {
        let e = Error::service("UserNotConfirmedException", "User is not confirmed.", 400);
        assert_eq!(
            step_for_sign_in_error(&e, "al").unwrap().to_json(),
            r#"{"step":"CONFIRM_SIGN_UP","username":"al"}"#
        );
        let e = Error::service("PasswordResetRequiredException", "reset", 400);
        assert_eq!(
            step_for_sign_in_error(&e, "al").unwrap().name(),
            "RESET_PASSWORD"
        );
        let e = Error::service("NotAuthorizedException", "no", 400);
        assert_eq!(step_for_sign_in_error(&e, "al"), None);
    }

    #[test]
    fn totp_uri_and_results() {
        assert_eq!(
            otpauth_uri("My App", "alice@example.com", "JBSWY3DPEHPK3PXP"),
            "otpauth://totp/My%20App:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=My%20App"
        );
        assert_eq!(
            totp_setup_json("I", "u", "S").to_string(),
            r#"{"secret":"S","otpauthUri":"otpauth://totp/I:u?secret=S&issuer=I"}"#
        );
        let j = Json::parse(r#"{"UserConfirmed":false,"UserSub":"sub-1","CodeDeliveryDetails":{"AttributeName":"email","DeliveryMedium":"EMAIL","Destination":"a***@e***"}}"#).unwrap();
        assert_eq!(
            parse_sign_up(&j).unwrap().to_json(),
            r#"{"userConfirmed":false,"userSub":"sub-1","codeDelivery":{"deliveryMedium":"EMAIL","destination":"a***@e***","attributeName":"email"}}"#
        );
        let j = Json::parse(
            r#"{"Username":"u","UserAttributes":[{"Name":"sub","Value":"s"},{"Name":"custom:team","Value":"red"}]}"#,
        )
        .unwrap();
        assert_eq!(
            user_attributes_json(&j).unwrap(),
            r#"{"sub":"s","custom:team":"red"}"#
        );
        let j = Json::parse(r#"{"Status":"ERROR"}"#).unwrap();
        assert_eq!(
            parse_verify(&j).unwrap_err().name(),
            "EnableSoftwareTokenMFAException"
        );
        let j = Json::parse(r#"{"Status":"SUCCESS","Session":"S2"}"#).unwrap();
        assert_eq!(parse_verify(&j).unwrap().as_deref(), Some("S2"));
        assert_eq!(code_delivery_result(None), "{}");
    }
}

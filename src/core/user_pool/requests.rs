//! The request of every user-pool operation the SDK calls, as an [`ApiCall`], and the
//! `SECRET_HASH` that unauthenticated calls carry when the app client has a secret.

use crate::prelude::*;

use super::mfa::MfaPreference;
use super::ApiCall;
use crate::core::config::Config;
use crate::core::encoding::base64_encode;
use crate::core::hash::hmac_sha256;
use crate::core::json::JsonObject;

/// `SECRET_HASH`: Base64(HMAC-SHA256(key = client secret, message = username ‖ client id)),
/// which Cognito requires on unauthenticated calls when the app client has a secret.
pub fn secret_hash(client_secret: &str, username: &str, client_id: &str) -> String {
    base64_encode(&hmac_sha256(
        client_secret.as_bytes(),
        &[username.as_bytes(), client_id.as_bytes()],
    ))
}

/// The `SECRET_HASH` for `username`, when the app client has a secret.
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

/// The start of the body of an unauthenticated account call for `username` (`SignUp`,
/// `ConfirmSignUp`, `ResendConfirmationCode`, `ForgotPassword`, `ConfirmForgotPassword`):
/// `ClientId`, `SecretHash` when the client has a secret, and `Username`. The operation's own
/// fields follow.
pub fn for_client_user(cfg: &Config, username: &str) -> JsonObject {
    let hash = hash_for(cfg, username);
    JsonObject::new()
        .str("ClientId", &cfg.client_id)
        .opt_str("SecretHash", hash.as_deref())
        .str("Username", username)
}

/// The start of the body of a call for the signed-in user (`ChangePassword`, `GetUser`, ...):
/// `AccessToken`. The operation's own fields follow.
pub fn for_signed_in_user(access_token: &str) -> JsonObject {
    JsonObject::new().str("AccessToken", access_token)
}

/// Adds Cognito's `[{ Name, Value }]` attribute list as `key`.
pub fn with_attributes(body: JsonObject, key: &str, attributes: &[(String, String)]) -> JsonObject {
    body.objects(
        key,
        attributes
            .iter()
            .map(|(n, v)| JsonObject::new().str("Name", n).str("Value", v)),
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
    fn account_preambles() {
        assert_eq!(
            for_client_user(&cfg(true), "alice").to_string(),
            r#"{"ClientId":"client1","SecretHash":"rkyQQ38Dncrof8sfhVupxuUBJOEMBbho46b6SbVue7s=","Username":"alice"}"#
        );
        assert_eq!(
            for_client_user(&cfg(false), "a").to_string(),
            r#"{"ClientId":"client1","Username":"a"}"#
        );
        let attrs = vec![("email".to_string(), "a@example.com".to_string())];
        assert_eq!(
            with_attributes(for_signed_in_user("AT"), "UserAttributes", &attrs).to_string(),
            r#"{"AccessToken":"AT","UserAttributes":[{"Name":"email","Value":"a@example.com"}]}"#
        );
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
}

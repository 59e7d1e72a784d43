//! What an authentication call (`InitiateAuth`, `RespondToAuthChallenge`,
//! `GetTokensFromRefreshToken`) answered: the tokens of a completed sign-in, or the next
//! challenge to answer.

use crate::prelude::*;

use crate::core::encoding::concat;
use crate::core::error::{Error, Result};
use crate::core::json::Json;

/// The tokens of a completed sign-in or refresh (`AuthenticationResult`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthTokens {
    /// The id token (JWT).
    pub id_token: String,
    /// The access token (JWT).
    pub access_token: String,
    /// The refresh token; absent in `REFRESH_TOKEN_AUTH` answers (keep the old one).
    pub refresh_token: Option<String>,
    /// Lifetime of the access token in seconds (3600 when the answer has no `ExpiresIn`).
    pub expires_in: u64,
}

/// A challenge Cognito asks the client to answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    /// The challenge name as Cognito spells it, e.g. `PASSWORD_VERIFIER`, `SOFTWARE_TOKEN_MFA`.
    pub name: String,
    /// The opaque `Session` to send back with the answer.
    pub session: Option<String>,
    /// `ChallengeParameters` (all strings).
    pub params: Vec<(String, String)>,
}

impl Challenge {
    /// The challenge parameter `key`, when present (the last one when repeated).
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
/// `ChallengeParameters` (parameters whose value is not a string are skipped).
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::ErrorCode;

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
}

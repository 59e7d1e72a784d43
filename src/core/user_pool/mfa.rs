//! MFA: the factors the SDK knows, the preference an app sets for each, and setting up an
//! authenticator app (the answers of `AssociateSoftwareToken` and `VerifySoftwareToken`, and the
//! `otpauth://` URI its QR code shows).

use crate::prelude::*;

use crate::core::encoding::{concat, percent_encode};
use crate::core::error::{Error, ErrorCode, Result};
use crate::core::json::{Json, JsonObject};

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

/// Reads `AssociateSoftwareToken`'s answer: the TOTP secret (base32) and, during sign-in, the
/// new `Session`.
pub fn parse_associate(json: &Json) -> Result<(String, Option<String>)> {
    Ok((
        json.str_field("SecretCode")?.to_string(),
        json.opt_str_field("Session")?.map(str::to_string),
    ))
}

/// Reads `VerifySoftwareToken`'s answer: the new `Session`, if any, when `Status` is `SUCCESS` or
/// absent; any other `Status` is the service error `EnableSoftwareTokenMFAException`.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totp_setup() {
        assert_eq!(
            otpauth_uri("My App", "alice@example.com", "JBSWY3DPEHPK3PXP"),
            "otpauth://totp/My%20App:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=My%20App"
        );
        assert_eq!(
            totp_setup_json("I", "u", "S").to_string(),
            r#"{"secret":"S","otpauthUri":"otpauth://totp/I:u?secret=S&issuer=I"}"#
        );
        let j = Json::parse(r#"{"Status":"ERROR"}"#).unwrap();
        assert_eq!(
            parse_verify(&j).unwrap_err().name(),
            "EnableSoftwareTokenMFAException"
        );
        let j = Json::parse(r#"{"Status":"SUCCESS","Session":"S2"}"#).unwrap();
        assert_eq!(parse_verify(&j).unwrap().as_deref(), Some("S2"));
    }
}

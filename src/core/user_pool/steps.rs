//! The sign-in steps the app sees ([`Step`]), and how Cognito's challenges and sign-in refusals
//! map to them.

use crate::prelude::*;

use super::account::CodeDelivery;
use super::auth_outcome::Challenge;
use super::mfa::MfaType;
use crate::core::encoding::concat;
use crate::core::error::{Error, Result};
use crate::core::json::{Json, JsonObject};

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
/// `MFAS_CAN_CHOOSE`, `MFAS_CAN_SETUP`); empty when the parameter is absent.
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
}

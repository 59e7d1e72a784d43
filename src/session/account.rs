//! The account operations that are one user-pool call each: sign-up and its confirmation,
//! password reset and change, user attributes, TOTP setup, MFA preferences.
//!
//! Those of the signed-in user (`Op::needs_user`) use the session's access token as it is: the
//! driver calls `getTokens` first, which refreshes it when needed.

use crate::prelude::*;

use crate::core::error::{Error, Result};
use crate::core::json::Json;
use crate::core::user_pool::{self as up, ApiCall, Caller};

use super::{args, not_signed_in, InFlight, Next, Op, Session, TokenSet};

impl Op {
    /// Whether the operation acts for the signed-in user (with its access token).
    pub fn needs_user(self) -> bool {
        matches!(
            self,
            Op::ChangePassword
                | Op::FetchUserAttributes
                | Op::SetUpTotp
                | Op::VerifyTotp
                | Op::SetMfaPreference
        )
    }
}

impl Session {
    /// Starts an account operation: its arguments are read and its one call sent.
    pub(super) fn account_call(&mut self, op: Op, a: Option<&Json>) -> Result<Next> {
        let access = if op.needs_user() {
            let t = self.tokens.as_ref().ok_or_else(not_signed_in)?;
            t.access_token.as_str()
        } else {
            ""
        };
        let call = prepare(&self.cfg, op, a, access)?;
        Ok(self.send(InFlight::Account { op }, call))
    }

    /// The result JSON of an account operation from Cognito's answer (`""` for none).
    pub(super) fn account_result(&self, op: Op, json: &Json) -> Result<String> {
        Ok(match op {
            Op::SignUp => up::parse_sign_up(json)?.to_json(),
            Op::ResendSignUpCode | Op::ForgotPassword => {
                up::code_delivery_result(up::parse_code_delivery(json)?.as_ref())
            }
            Op::FetchUserAttributes => up::user_attributes_json(json)?,
            Op::SetUpTotp => {
                let (secret, _) = up::parse_associate(json)?;
                let account = self
                    .tokens
                    .as_ref()
                    .map(TokenSet::account_label)
                    .unwrap_or_default();
                up::totp_setup_json(self.cfg.totp_issuer(), &account, &secret).to_string()
            }
            Op::VerifyTotp => {
                up::parse_verify(json)?;
                String::new()
            }
            _ => String::new(),
        })
    }
}

/// The one call of an account operation, from its arguments and (for operations of the
/// signed-in user) the access token.
fn prepare(
    cfg: &crate::core::config::Config,
    op: Op,
    a: Option<&Json>,
    access: &str,
) -> Result<ApiCall> {
    Ok(match op {
        Op::SignUp => {
            let x = args::SignUp::from_json(a)?;
            up::sign_up(cfg, &x.username, &x.password, &x.attributes)
        }
        Op::ConfirmSignUp => {
            let x = args::UsernameCode::from_json(a)?;
            up::confirm_sign_up(cfg, &x.username, &x.code)
        }
        Op::ResendSignUpCode => up::resend_confirmation_code(cfg, &args::username(a)?),
        Op::ForgotPassword => up::forgot_password(cfg, &args::username(a)?),
        Op::ConfirmForgotPassword => {
            let x = args::ConfirmForgotPassword::from_json(a)?;
            up::confirm_forgot_password(cfg, &x.username, &x.code, &x.new_password)
        }
        Op::ChangePassword => {
            let x = args::ChangePassword::from_json(a)?;
            up::change_password(access, &x.old_password, &x.new_password)
        }
        Op::FetchUserAttributes => {
            args::none(a)?;
            up::get_user(access)
        }
        Op::SetUpTotp => {
            args::none(a)?;
            up::associate_software_token(Caller::AccessToken(access))
        }
        Op::VerifyTotp => {
            let x = args::VerifyTotp::from_json(a)?;
            up::verify_software_token(
                Caller::AccessToken(access),
                &x.code,
                x.device_name.as_deref(),
            )
        }
        Op::SetMfaPreference => {
            let x = args::MfaPreferences::from_json(a)?;
            up::set_mfa_preference(access, x.totp, x.sms, x.email)
        }
        _ => return Err(Error::internal("not an account operation")),
    })
}

//! The account operations that are one user-pool call each: sign-up and its confirmation,
//! password reset and change, user attributes, TOTP setup, MFA preferences.
//!
//! Most of them only carry the app's arguments into fields of their request, so they are one
//! table ([`CALLS`]: argument → field) read by one function, rather than an argument type and a
//! request builder per operation. That is less code to read; it is not a size trick (measured
//! against one type and builder each: −1.5 KB raw, +0.1 KB brotli of the wasm).
//!
//! Those of the signed-in user (`Op::needs_user`) use the session's access token as it is: the
//! driver calls `getTokens` first, which refreshes it when needed.

use crate::prelude::*;

use crate::core::config::Config;
use crate::core::error::{Error, Result};
use crate::core::json::Json;
use crate::core::user_pool::{self as up, ApiCall, Caller};

use super::args::{self, ArgField, Kind, Value};
use super::{not_signed_in, InFlight, Next, Op, Session, TokenSet};

/// An account operation whose request is its arguments as fields: the operation, the Cognito
/// call, whether it acts for the signed-in user (`AccessToken`) or for the user named by the
/// first argument (`ClientId`, `SecretHash`, `Username`), and its argument fields in order.
struct AccountCall {
    op: Op,
    operation: &'static str,
    for_signed_in_user: bool,
    fields: &'static [ArgField],
}

const USERNAME: ArgField = ("username", "Username", Kind::Required);
const CODE: ArgField = ("code", "ConfirmationCode", Kind::Required);

/// The account operations that are a table entry.
const CALLS: [AccountCall; 7] = [
    AccountCall {
        op: Op::SignUp,
        operation: "SignUp",
        for_signed_in_user: false,
        fields: &[
            USERNAME,
            ("password", "Password", Kind::Required),
            ("attributes", "UserAttributes", Kind::Attributes),
        ],
    },
    AccountCall {
        op: Op::ConfirmSignUp,
        operation: "ConfirmSignUp",
        for_signed_in_user: false,
        fields: &[USERNAME, CODE],
    },
    AccountCall {
        op: Op::ResendSignUpCode,
        operation: "ResendConfirmationCode",
        for_signed_in_user: false,
        fields: &[USERNAME],
    },
    AccountCall {
        op: Op::ForgotPassword,
        operation: "ForgotPassword",
        for_signed_in_user: false,
        fields: &[USERNAME],
    },
    AccountCall {
        op: Op::ConfirmForgotPassword,
        operation: "ConfirmForgotPassword",
        for_signed_in_user: false,
        fields: &[USERNAME, CODE, ("newPassword", "Password", Kind::Required)],
    },
    AccountCall {
        op: Op::ChangePassword,
        operation: "ChangePassword",
        for_signed_in_user: true,
        fields: &[
            ("oldPassword", "PreviousPassword", Kind::Required),
            ("newPassword", "ProposedPassword", Kind::Required),
        ],
    },
    AccountCall {
        op: Op::FetchUserAttributes,
        operation: "GetUser",
        for_signed_in_user: true,
        fields: &[],
    },
];

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
fn prepare(cfg: &Config, op: Op, a: Option<&Json>, access: &str) -> Result<ApiCall> {
    if let Some(call) = CALLS.iter().find(|c| c.op == op) {
        let values = args::read_fields(a, call.fields)?;
        let mut fields = call.fields.iter().zip(values);
        let mut body = if call.for_signed_in_user {
            up::for_signed_in_user(access)
        } else {
            match fields.next() {
                Some((_, Value::Str(username))) => up::for_client_user(cfg, username),
                _ => return Err(Error::internal("an account call without a username")),
            }
        };
        for ((_, name, _), value) in fields {
            body = match value {
                Value::Str(s) => body.str(name, s),
                Value::Attributes(list) => up::with_attributes(body, name, &list),
            };
        }
        return Ok(ApiCall::new(call.operation, body));
    }
    Ok(match op {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(secret: bool) -> Config {
        let extra = if secret { r#","clientSecret":"s3cr3t""# } else { "" };
        let mut t = String::from(r#"{"region":"us-east-1","userPoolId":"us-east-1_AbC123","clientId":"client1""#);
        t.push_str(extra);
        t.push('}');
        Config::from_json_text(&t).unwrap()
    }

    fn body(secret: bool, op: Op, args: &str) -> (&'static str, String) {
        let json = Json::parse(args).unwrap();
        let call = prepare(&cfg(secret), op, Some(&json), "AT").unwrap();
        (call.operation, call.body)
    }

    #[test]
    fn each_table_call_carries_its_arguments_as_cognitos_fields() {
        assert_eq!(
            body(false, Op::SignUp, r#"{"username":"alice","password":"pw","attributes":{"email":"a@example.com"}}"#),
            ("SignUp", r#"{"ClientId":"client1","Username":"alice","Password":"pw","UserAttributes":[{"Name":"email","Value":"a@example.com"}]}"#.into())
        );
        assert_eq!(
            body(false, Op::SignUp, r#"{"username":"alice","password":"pw"}"#).1,
            r#"{"ClientId":"client1","Username":"alice","Password":"pw","UserAttributes":[]}"#
        );
        assert_eq!(
            body(true, Op::ConfirmSignUp, r#"{"username":"alice","code":"123"}"#),
            ("ConfirmSignUp", [
                r#"{"ClientId":"client1","SecretHash":""#,
                &up::secret_hash("s3cr3t", "alice", "client1"),
                r#"","Username":"alice","ConfirmationCode":"123"}"#
            ].concat())
        );
        assert_eq!(
            body(false, Op::ResendSignUpCode, r#"{"username":"a"}"#),
            ("ResendConfirmationCode", r#"{"ClientId":"client1","Username":"a"}"#.into())
        );
        assert_eq!(body(false, Op::ForgotPassword, r#"{"username":"a"}"#).0, "ForgotPassword");
        assert_eq!(
            body(false, Op::ConfirmForgotPassword, r#"{"username":"a","code":"1","newPassword":"n"}"#).1,
            r#"{"ClientId":"client1","Username":"a","ConfirmationCode":"1","Password":"n"}"#
        );
        assert_eq!(
            body(false, Op::ChangePassword, r#"{"oldPassword":"o","newPassword":"n"}"#),
            ("ChangePassword", r#"{"AccessToken":"AT","PreviousPassword":"o","ProposedPassword":"n"}"#.into())
        );
        assert_eq!(
            body(false, Op::FetchUserAttributes, "{}"),
            ("GetUser", r#"{"AccessToken":"AT"}"#.into())
        );
    }

    #[test]
    fn argument_errors_name_the_argument() {
        let e = |op, args: &str| {
            let json = Json::parse(args).unwrap();
            prepare(&cfg(false), op, Some(&json), "AT").unwrap_err().message
        };
        assert_eq!(e(Op::ChangePassword, r#"{"oldPassword":"o"}"#), "newPassword: is required");
        assert_eq!(e(Op::FetchUserAttributes, r#"{"x":1}"#), "x: is not a known argument");
        assert_eq!(
            e(Op::SignUp, r#"{"username":"u","password":"p","attributes":{"age":3}}"#),
            "attributes.age: expected a string"
        );
        assert_eq!(e(Op::ForgotPassword, r#"{"username":""}"#), "username: is empty");
    }
}

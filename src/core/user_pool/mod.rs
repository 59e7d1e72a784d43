//! Cognito user-pool API messages (`AWSCognitoIdentityProviderService.*`). Sans-IO: the session
//! layer sends what an [`ApiCall`] describes and hands the answer to [`parse_response`], then to
//! the parser for that operation.
//!
//! Each call is a `POST` of JSON to the user-pool endpoint with
//! `X-Amz-Target: AWSCognitoIdentityProviderService.<Operation>` and
//! `Content-Type: application/x-amz-json-1.1`; errors come back as a non-2xx status with
//! `{"__type": "...", "message": "..."}`. This module holds that envelope; the submodules hold
//! one concern each, and everything is re-exported here (`user_pool::X`):
//!
//! - `requests`: the request builder of every operation the SDK calls, and `SECRET_HASH`;
//! - `auth_outcome`: what an authentication call answered (tokens or a challenge);
//! - `steps`: Cognito's challenges and sign-in refusals as the sign-in steps the app sees;
//! - `mfa`: MFA factors and preferences, and authenticator-app (TOTP) setup;
//! - `account`: the answers of the account calls (sign-up, code delivery, user attributes).

use crate::prelude::*;

use super::encoding::concat;
use super::error::{Error, Result};
use super::json::{Json, JsonObject};
use super::time::push_num;

mod account;
mod auth_outcome;
mod mfa;
mod requests;
mod steps;

pub use self::account::{
    code_delivery_result, parse_code_delivery, parse_sign_up, user_attributes_json, CodeDelivery,
    SignUpResult,
};
pub use self::auth_outcome::{parse_auth_outcome, AuthOutcome, AuthTokens, Challenge};
pub use self::mfa::{
    otpauth_uri, parse_associate, parse_verify, totp_setup_json, MfaPreference, MfaType,
};
pub use self::requests::{
    associate_software_token, for_client_user, for_signed_in_user, get_tokens_from_refresh_token,
    global_sign_out, initiate_password, initiate_refresh, initiate_srp, respond_to_challenge,
    revoke_token, secret_hash, set_mfa_preference, verify_software_token, with_attributes, Caller,
};
pub use self::steps::{
    code_answer_key, mfa_setup_supported, step_for_challenge, step_for_sign_in_error, Step,
};

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
    /// The call of `operation` with `body` (built by the functions in `requests`, or from
    /// their preambles).
    pub fn new(operation: &'static str, body: JsonObject) -> Self {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::ErrorCode;

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
}

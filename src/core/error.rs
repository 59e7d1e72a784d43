//! The SDK's one error type.
//!
//! Every fallible operation in every layer returns [`Error`]. Its [`Error::name`] is stable: it
//! becomes the JS `Error`'s `name` and `code` (for example `InvalidConfig`, `NetworkError`, or a
//! service's own error type such as `NotAuthorizedException`), so apps can branch on it.
//!
//! Messages are built by concatenation rather than `format!`: one `format!` of an integer links
//! `core::fmt`, about 1.9 KB raw of wasm (docs/size.md), and the SDK has a 40 KiB budget.

use super::encoding::split_ascii;
use crate::prelude::*;

/// The stable category of an [`Error`]; the string form is part of the public API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorCode {
    /// The SDK configuration is missing a field or has a malformed one; the message names it.
    InvalidConfig,
    /// An argument passed to an SDK call is missing or malformed; the message names it.
    InvalidParameter,
    /// The request never got an HTTP response (offline, DNS, CORS refusal, aborted connection).
    NetworkError,
    /// A service answered with something the SDK cannot understand (bad JSON, missing field).
    InvalidResponse,
    /// A JWT is malformed (not three base64url parts, bad JSON, wrong claim types).
    InvalidToken,
    /// A decoded token fails a check: its issuer, token use, audience or expiry, or a token pair
    /// that names two users. Signatures are not verified (see `src/core/jwt.rs`).
    TokenVerificationFailed,
    /// The SRP exchange cannot continue safely (B ≡ 0 mod N, u = 0, a malformed SALT, SRP_B or
    /// SECRET_BLOCK).
    SrpProtocolError,
    /// The call is not valid in the current state (e.g. `confirmSignIn` with no pending step).
    InvalidState,
    /// The user is not signed in, or the session was cleared.
    NotSignedIn,
    /// A hosted-UI callback whose `state` is missing or is not the one this tab sent (a
    /// forged or stale callback, or a sign-in started in another tab): nothing was stored.
    OAuthStateMismatch,
    /// The operation was cancelled (JS name `AbortError`). Nothing in the crate returns it yet.
    Aborted,
    /// A storage backend (localStorage/sessionStorage) refused a write. Nothing in the crate
    /// returns it: storage is written by the JS driver (`js/auth.js`), which keeps the session in
    /// memory when a write is refused.
    StorageError,
    /// An invariant of the SDK itself was broken; a bug to report.
    InternalError,
    /// An error type reported by the service itself, verbatim: Cognito's `__type` (without any
    /// `namespace#` prefix or `:detail` suffix), or an S3 `<Code>` such as the SigV4
    /// verification's `SignatureDoesNotMatch`.
    Service(String),
}

impl ErrorCode {
    /// The stable name: the JS error's `name` and `code`.
    pub fn as_str(&self) -> &str {
        match self {
            ErrorCode::InvalidConfig => "InvalidConfig",
            ErrorCode::InvalidParameter => "InvalidParameter",
            ErrorCode::NetworkError => "NetworkError",
            ErrorCode::InvalidResponse => "InvalidResponse",
            ErrorCode::InvalidToken => "InvalidToken",
            ErrorCode::TokenVerificationFailed => "TokenVerificationFailed",
            ErrorCode::SrpProtocolError => "SrpProtocolError",
            ErrorCode::InvalidState => "InvalidState",
            ErrorCode::NotSignedIn => "NotSignedIn",
            ErrorCode::OAuthStateMismatch => "OAuthStateMismatch",
            ErrorCode::Aborted => "AbortError",
            ErrorCode::StorageError => "StorageError",
            ErrorCode::InternalError => "InternalError",
            ErrorCode::Service(name) => name,
        }
    }
}

/// An SDK error: a stable code, a message a developer can act on, and the HTTP status when a
/// service answered.
///
/// The message never contains a token, password, secret key or code the user typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The stable category; see [`ErrorCode::as_str`].
    pub code: ErrorCode,
    /// Human-readable explanation (the service's own message for service errors).
    pub message: String,
    /// The HTTP status of the response that carried the error, when there was one.
    pub status: Option<u16>,
}

impl Error {
    /// An error with the given code and message and no HTTP status.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error { code, message: message.into(), status: None }
    }

    /// A service-reported error (Cognito's `__type`, an S3 `<Code>`) with its HTTP status.
    /// A `namespace#Name` type is reduced to `Name`, and a `Name:detail` one to `Name`, as
    /// Cognito's JS clients do.
    pub fn service(kind: &str, message: impl Into<String>, status: u16) -> Self {
        let name = split_ascii(kind, b'#', true).map_or(kind, |(_, name)| name);
        let name = split_ascii(name, b':', false).map_or(name, |(name, _)| name);
        Error {
            code: ErrorCode::Service(name.to_string()),
            message: message.into(),
            status: Some(status),
        }
    }

    /// `InvalidConfig` naming the offending field: "`field`: problem".
    pub fn config(field: &str, problem: &str) -> Self {
        Error::new(ErrorCode::InvalidConfig, named(field, problem))
    }

    /// `InvalidParameter` naming the offending argument: "`param`: problem".
    pub fn param(param: &str, problem: &str) -> Self {
        Error::new(ErrorCode::InvalidParameter, named(param, problem))
    }

    /// `InvalidResponse`: the service's answer could not be understood.
    pub fn response(what: &str) -> Self {
        Error::new(ErrorCode::InvalidResponse, what)
    }

    /// `InvalidToken`: a JWT could not be decoded.
    pub fn token(what: &str) -> Self {
        Error::new(ErrorCode::InvalidToken, what)
    }

    /// `SrpProtocolError`.
    pub fn srp(what: &str) -> Self {
        Error::new(ErrorCode::SrpProtocolError, what)
    }

    /// `InternalError`: an SDK invariant failed.
    pub fn internal(what: &str) -> Self {
        Error::new(ErrorCode::InternalError, what)
    }

    /// The stable name (see [`ErrorCode::as_str`]).
    pub fn name(&self) -> &str {
        self.code.as_str()
    }

    /// Attach the HTTP status of the response that carried this error.
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }
}

fn named(field: &str, problem: &str) -> String {
    let mut s = String::with_capacity(field.len() + problem.len() + 2);
    s.push_str(field);
    s.push_str(": ");
    s.push_str(problem);
    s
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())?;
        f.write_str(": ")?;
        f.write_str(&self.message)
    }
}

impl ::core::error::Error for Error {}

/// The result type of every fallible SDK operation.
pub type Result<T> = core::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_type_prefix_is_stripped() {
        let e = Error::service("com.amazonaws.cognito#NotAuthorizedException", "Incorrect", 400);
        assert_eq!(e.name(), "NotAuthorizedException");
        assert_eq!(e.status, Some(400));
        let e = Error::service("UserNotFoundException:", "x", 400);
        assert_eq!(e.name(), "UserNotFoundException");
    }

    #[test]
    fn config_error_names_field() {
        let e = Error::config("userPoolId", "expected <region>_<id>");
        assert_eq!(e.name(), "InvalidConfig");
        assert_eq!(e.message, "userPoolId: expected <region>_<id>");
        assert_eq!(e.to_string(), "InvalidConfig: userPoolId: expected <region>_<id>");
    }
}

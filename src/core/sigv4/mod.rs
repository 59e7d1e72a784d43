//! AWS Signature Version 4 (`AWS4-HMAC-SHA256`), sans-IO.
//!
//! The signature is built in the three stages the AWS signing suite checks one by one, each a
//! public function of its own (the shape of smithy-rs `aws-sigv4` and of aws4fetch):
//! 1. the canonical request ([`canonical::canonical_request`], from [`canonical::canonical_uri`],
//!    [`canonical::canonical_query`] and [`canonical::canonical_headers`]);
//! 2. the string to sign ([`sign::string_to_sign`]);
//! 3. the signature ([`sign::signature`]) with a key from [`sign::SigningKey::derive`].
//!
//! Two drivers sit on top: [`sign::sign_headers`] (the `Authorization` header) and
//! [`sign::presign`] (a presigned URL's query). The server side (the emulator's S3) uses
//! [`verify`] to recompute a signature from a request as it arrived on the wire.
//!
//! Requests are described by [`HttpRequestParts`] exactly as they go on the wire (path and query
//! already percent-encoded); the [`PathMode`] says how the path becomes the canonical URI.

use crate::prelude::*;

pub mod canonical;
pub mod sign;
pub mod verify;

pub use canonical::{canonical_headers, canonical_query, canonical_request, canonical_uri};
pub use canonical::{CanonicalHeaders, HeaderSelection};
pub use sign::{presign, sign_headers, signature, string_to_sign};
pub use sign::{CredentialScope, HeaderSignature, QuerySignature, SigningKey};

use super::encoding::hex_encode;
use super::hash::sha256;
use super::time::UtcDateTime;

/// The signing algorithm's name, as it appears in `Authorization` and `X-Amz-Algorithm`.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// The payload hash that tells S3 the body is not signed (presigned URLs, streamed uploads).
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// The longest validity S3 accepts for a presigned URL: 7 days, in seconds.
pub const MAX_PRESIGN_EXPIRES_SECS: u32 = 604_800;

/// AWS credentials: long-term keys, or temporary ones with a session token (identity pools).
///
/// `Debug` is written by hand so that the secret key and the token never reach a log.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The access key id (`AKIA…` or `ASIA…`); appears in every signature's credential.
    pub access_key_id: String,
    /// The secret access key; only ever used as HMAC key material.
    pub secret_access_key: String,
    /// The session token of temporary credentials (`x-amz-security-token`).
    pub session_token: Option<String>,
}

impl Credentials {
    /// Credentials from their three parts.
    pub fn new(access_key_id: &str, secret_access_key: &str, session_token: Option<&str>) -> Self {
        Credentials {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
            session_token: session_token.map(Into::into),
        }
    }
}

impl core::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// How the wire path becomes the canonical URI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathMode {
    /// Every AWS service but S3: the path is optionally normalised (`.`/`..` segments removed,
    /// `//` collapsed) and then percent-encoded *again* (so `%3D` on the wire becomes `%253D`).
    Generic {
        /// Remove `.` and `..` segments and collapse repeated slashes first.
        normalize: bool,
    },
    /// S3: no normalisation, no double encoding. The path is encoded exactly once: characters
    /// already escaped on the wire stay as they are, raw ones are escaped, `/` is kept.
    S3,
}

/// What the canonical request says about the body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Payload<'a> {
    /// The body itself; its SHA-256 is signed.
    Bytes(&'a [u8]),
    /// The lowercase hex SHA-256 of the body, already computed (e.g. per upload part).
    Sha256Hex(&'a str),
    /// `UNSIGNED-PAYLOAD` (S3 presigned URLs and browser uploads of large files).
    Unsigned,
}

impl Payload<'_> {
    /// The value that ends the canonical request (and goes in `x-amz-content-sha256`).
    pub fn hash(&self) -> String {
        match self {
            Payload::Bytes(body) => hex_encode(&sha256(&[body])),
            Payload::Sha256Hex(hex) => (*hex).into(),
            Payload::Unsigned => UNSIGNED_PAYLOAD.into(),
        }
    }
}

/// Whether the session token is covered by the signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionTokenMode {
    /// The token is added before signing and signed (what S3 and almost every service require).
    Signed,
    /// The token is added after signing and not signed (a few services, and the suite's
    /// `omit_session_token` cases).
    AddedAfterSigning,
}

/// Everything about a signature that is not the request itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SigningParams<'a> {
    /// The region of the credential scope, e.g. `us-east-1`.
    pub region: &'a str,
    /// The signing name of the service, e.g. `s3`.
    pub service: &'a str,
    /// The signing time (`X-Amz-Date` and the scope's day).
    pub time: UtcDateTime,
    /// How the path is canonicalised.
    pub path_mode: PathMode,
    /// What is signed for the body.
    pub payload: Payload<'a>,
    /// Header signing only: also send and sign `x-amz-content-sha256` (S3 requires it).
    pub content_sha256_header: bool,
    /// Whether a session token is signed or added afterwards.
    pub session_token_mode: SessionTokenMode,
}

impl<'a> SigningParams<'a> {
    /// Parameters for a generic AWS service: normalised, double-encoded path; the empty body's
    /// hash; no `x-amz-content-sha256`; the session token signed.
    pub fn new(region: &'a str, service: &'a str, time: UtcDateTime) -> Self {
        SigningParams {
            region,
            service,
            time,
            path_mode: PathMode::Generic { normalize: true },
            payload: Payload::Bytes(b""),
            content_sha256_header: false,
            session_token_mode: SessionTokenMode::Signed,
        }
    }

    /// Parameters for S3: service `s3`, the path encoded once, `UNSIGNED-PAYLOAD` sent in
    /// `x-amz-content-sha256`, the session token signed.
    pub fn s3(region: &'a str, time: UtcDateTime) -> Self {
        SigningParams {
            region,
            service: "s3",
            time,
            path_mode: PathMode::S3,
            payload: Payload::Unsigned,
            content_sha256_header: true,
            session_token_mode: SessionTokenMode::Signed,
        }
    }
}

/// An HTTP request as it goes on (or came off) the wire: the parts SigV4 reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HttpRequestParts<'a> {
    /// The method, e.g. `GET`.
    pub method: &'a str,
    /// The path as sent on the request line, already percent-encoded, without the query.
    pub path: &'a str,
    /// The raw query string without the leading `?` (may be empty).
    pub query: &'a str,
    /// The headers, names in any case, in the order they are sent; repeated names allowed.
    /// Must contain `host`.
    pub headers: &'a [(&'a str, &'a str)],
}

impl<'a> HttpRequestParts<'a> {
    /// Parts from a request-target (`/path?query`) as found on an HTTP request line.
    pub fn from_target(
        method: &'a str,
        target: &'a str,
        headers: &'a [(&'a str, &'a str)],
    ) -> Self {
        let (path, query) = match target.split_once('?') {
            Some((p, q)) => (p, q),
            None => (target, ""),
        };
        HttpRequestParts {
            method,
            path,
            query,
            headers,
        }
    }
}

//! Stages 2 and 3 of SigV4 — the string to sign and the signature — with the signing key
//! derivation, and the two client drivers: header signing and presigning (query signing).

use crate::prelude::*;

use super::canonical::{
    canonical_headers, canonical_query, canonical_request, canonical_uri, HeaderSelection,
};
use super::{
    Credentials, HttpRequestParts, SessionTokenMode, SigningParams, ALGORITHM,
    MAX_PRESIGN_EXPIRES_SECS,
};
use crate::core::encoding::{hex_encode, percent_encode};
use crate::core::error::{Error, Result};
use crate::core::hash::{hmac_sha256, sha256};
use crate::core::time::{push_num, UtcDateTime};

/// The credential scope: the day, region and service a signature (and its key) is bound to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CredentialScope {
    /// `YYYYMMDD` (UTC).
    pub day: String,
    /// e.g. `us-east-1`.
    pub region: String,
    /// The service's signing name, e.g. `s3`.
    pub service: String,
}

impl CredentialScope {
    /// The scope of a signature made at `time`.
    pub fn new(time: &UtcDateTime, region: &str, service: &str) -> Self {
        CredentialScope {
            day: time.amz_day(),
            region: region.into(),
            service: service.into(),
        }
    }

    /// `YYYYMMDD/region/service/aws4_request`.
    pub fn render(&self) -> String {
        let mut s =
            String::with_capacity(self.day.len() + self.region.len() + self.service.len() + 16);
        s.push_str(&self.day);
        s.push('/');
        s.push_str(&self.region);
        s.push('/');
        s.push_str(&self.service);
        s.push_str("/aws4_request");
        s
    }

    /// `access-key-id/YYYYMMDD/region/service/aws4_request`: the `Credential` value.
    pub fn credential(&self, access_key_id: &str) -> String {
        let mut s = String::from(access_key_id);
        s.push('/');
        s.push_str(&self.render());
        s
    }
}

/// The derived signing key, `kSigning`. It depends only on the secret and the scope, so it can
/// be cached per day, region and service.
///
/// `Debug` is written by hand: the key is as good as the secret for that scope.
#[derive(Clone, PartialEq, Eq)]
pub struct SigningKey([u8; 32]);

impl SigningKey {
    /// `kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, day), region), service), "aws4_request")`.
    pub fn derive(secret_access_key: &str, scope: &CredentialScope) -> Self {
        let k_date = hmac_sha256(
            &[b"AWS4", secret_access_key.as_bytes()].concat(),
            &[scope.day.as_bytes()],
        );
        let k_region = hmac_sha256(&k_date, &[scope.region.as_bytes()]);
        let k_service = hmac_sha256(&k_region, &[scope.service.as_bytes()]);
        SigningKey(hmac_sha256(&k_service, &[b"aws4_request"]))
    }

    /// The raw key bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl core::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("SigningKey(<redacted>)")
    }
}

/// Stage 2: `AWS4-HMAC-SHA256\n<amz_date>\n<scope>\n<hex sha256 of the canonical request>`.
pub fn string_to_sign(amz_date: &str, scope: &CredentialScope, canonical_request: &str) -> String {
    let mut s = String::with_capacity(ALGORITHM.len() + amz_date.len() + 128);
    s.push_str(ALGORITHM);
    s.push('\n');
    s.push_str(amz_date);
    s.push('\n');
    s.push_str(&scope.render());
    s.push('\n');
    s.push_str(&hex_encode(&sha256(&[canonical_request.as_bytes()])));
    s
}

/// Stage 3: the lowercase hex HMAC-SHA256 of the string to sign under the signing key.
pub fn signature(key: &SigningKey, string_to_sign: &str) -> String {
    hex_encode(&hmac_sha256(&key.0, &[string_to_sign.as_bytes()]))
}

/// The result of [`sign_headers`]: the three stages, and the headers to add to the request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeaderSignature {
    /// Stage 1's text.
    pub canonical_request: String,
    /// Stage 2's text.
    pub string_to_sign: String,
    /// Stage 3: the hex signature.
    pub signature: String,
    /// Headers to set on the request (replacing any of the same name): `x-amz-date`,
    /// `x-amz-security-token` (with a session token), `x-amz-content-sha256` (when asked for)
    /// and `authorization`.
    pub headers: Vec<(&'static str, String)>,
}

/// The result of [`presign`]: the three stages, and the query to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuerySignature {
    /// Stage 1's text.
    pub canonical_request: String,
    /// Stage 2's text.
    pub string_to_sign: String,
    /// Stage 3: the hex signature.
    pub signature: String,
    /// The `X-Amz-*` parameters added, unencoded, in the order they appear in [`Self::query`].
    pub params: Vec<(&'static str, String)>,
    /// The full query to put after `?`: the original raw query, then the encoded parameters.
    pub query: String,
}

fn check_credentials(credentials: &Credentials) -> Result<()> {
    if credentials.access_key_id.is_empty() || credentials.secret_access_key.is_empty() {
        return Err(Error::param(
            "credentials",
            "the access key id and the secret access key must not be empty",
        ));
    }
    Ok(())
}

/// Signs `parts` for the `Authorization` header.
///
/// Every request header is signed except `authorization`, `user-agent`, `expect`,
/// `transfer-encoding` and `x-amzn-trace-id`; headers the signer adds replace request headers
/// of the same name. Fails when the request has no `host` header or the credentials are empty.
pub fn sign_headers(
    parts: &HttpRequestParts<'_>,
    params: &SigningParams<'_>,
    credentials: &Credentials,
) -> Result<HeaderSignature> {
    check_credentials(credentials)?;
    let amz_date = params.time.amz_date();
    let payload_hash = params.payload.hash();
    let scope = CredentialScope::new(&params.time, params.region, params.service);

    let mut added: Vec<(&'static str, String)> = Vec::with_capacity(4);
    added.push(("x-amz-date", amz_date.clone()));
    let token = credentials.session_token.as_deref();
    let signed_token = params.session_token_mode == SessionTokenMode::Signed;
    if let (Some(token), true) = (token, signed_token) {
        added.push(("x-amz-security-token", token.into()));
    }
    if params.content_sha256_header {
        added.push(("x-amz-content-sha256", payload_hash.clone()));
    }

    let extra: Vec<(&str, &str)> = added.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let headers = canonical_headers(parts.headers, &extra, HeaderSelection::AllSignable)?;
    let creq = canonical_request(
        parts.method,
        &canonical_uri(parts.path, params.path_mode),
        &canonical_query(parts.query, &[]),
        &headers,
        &payload_hash,
    );
    let sts = string_to_sign(&amz_date, &scope, &creq);
    let sig = signature(
        &SigningKey::derive(&credentials.secret_access_key, &scope),
        &sts,
    );

    if let (Some(token), false) = (token, signed_token) {
        added.push(("x-amz-security-token", token.into()));
    }
    let mut auth = String::with_capacity(200);
    auth.push_str(ALGORITHM);
    auth.push_str(" Credential=");
    auth.push_str(&scope.credential(&credentials.access_key_id));
    auth.push_str(", SignedHeaders=");
    auth.push_str(&headers.signed_headers);
    auth.push_str(", Signature=");
    auth.push_str(&sig);
    added.push(("authorization", auth));

    Ok(HeaderSignature {
        canonical_request: creq,
        string_to_sign: sts,
        signature: sig,
        headers: added,
    })
}

/// Presigns `parts`: the signature and credentials travel in the query (`X-Amz-Algorithm`,
/// `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-Expires`, `X-Amz-Security-Token`,
/// `X-Amz-SignedHeaders`, `X-Amz-Signature`), valid for `expires_in_secs` seconds.
///
/// The request headers are signed as in [`sign_headers`] (a browser link sends only `host`);
/// `params.content_sha256_header` does not apply. Fails when `expires_in_secs` is 0 or over
/// 7 days, when there is no `host` header, or when the credentials are empty.
pub fn presign(
    parts: &HttpRequestParts<'_>,
    params: &SigningParams<'_>,
    credentials: &Credentials,
    expires_in_secs: u32,
) -> Result<QuerySignature> {
    check_credentials(credentials)?;
    if expires_in_secs == 0 || expires_in_secs > MAX_PRESIGN_EXPIRES_SECS {
        return Err(Error::param(
            "expiresIn",
            "must be between 1 and 604800 seconds (7 days)",
        ));
    }
    let amz_date = params.time.amz_date();
    let scope = CredentialScope::new(&params.time, params.region, params.service);
    let headers = canonical_headers(parts.headers, &[], HeaderSelection::AllSignable)?;
    let mut expires = String::new();
    push_num(&mut expires, u64::from(expires_in_secs), 1);

    let mut added: Vec<(&'static str, String)> = Vec::with_capacity(7);
    added.push(("X-Amz-Algorithm", ALGORITHM.into()));
    added.push((
        "X-Amz-Credential",
        scope.credential(&credentials.access_key_id),
    ));
    added.push(("X-Amz-Date", amz_date.clone()));
    added.push(("X-Amz-Expires", expires));
    let token = credentials.session_token.as_deref();
    let signed_token = params.session_token_mode == SessionTokenMode::Signed;
    if let (Some(token), true) = (token, signed_token) {
        added.push(("X-Amz-Security-Token", token.into()));
    }
    added.push(("X-Amz-SignedHeaders", headers.signed_headers.clone()));

    let extra: Vec<(&str, &str)> = added.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let creq = canonical_request(
        parts.method,
        &canonical_uri(parts.path, params.path_mode),
        &canonical_query(parts.query, &extra),
        &headers,
        &params.payload.hash(),
    );
    let sts = string_to_sign(&amz_date, &scope, &creq);
    let sig = signature(
        &SigningKey::derive(&credentials.secret_access_key, &scope),
        &sts,
    );

    if let (Some(token), false) = (token, signed_token) {
        added.push(("X-Amz-Security-Token", token.into()));
    }
    added.push(("X-Amz-Signature", sig.clone()));

    let mut query = String::from(parts.query);
    for (name, value) in &added {
        if !query.is_empty() {
            query.push('&');
        }
        query.push_str(name);
        query.push('=');
        query.push_str(&percent_encode(value, false));
    }
    Ok(QuerySignature {
        canonical_request: creq,
        string_to_sign: sts,
        signature: sig,
        params: added,
        query,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The key-derivation example of the AWS General Reference ("Examples of how to derive a
    /// signing key for Signature Version 4": IAM, us-east-1, 20120215).
    #[test]
    fn signing_key_known_answer() {
        let scope = CredentialScope {
            day: "20120215".into(),
            region: "us-east-1".into(),
            service: "iam".into(),
        };
        let key = SigningKey::derive("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", &scope);
        assert_eq!(
            hex_encode(key.as_bytes()),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"
        );
        assert_eq!(format!("{key:?}"), "SigningKey(<redacted>)");
    }

    #[test]
    fn rejects_bad_expiry_and_missing_host() {
        let creds = Credentials::new("AKID", "secret", None);
        let t = UtcDateTime::from_unix_ms(0);
        let params = SigningParams::s3("us-east-1", t);
        let host = [("host", "h")];
        let parts = HttpRequestParts {
            method: "GET",
            path: "/",
            query: "",
            headers: &host,
        };
        assert!(presign(&parts, &params, &creds, 0).is_err());
        assert!(presign(&parts, &params, &creds, 604_801).is_err());
        assert!(presign(&parts, &params, &creds, 604_800).is_ok());
        let no_host = HttpRequestParts {
            headers: &[],
            ..parts
        };
        assert!(sign_headers(&no_host, &params, &creds).is_err());
        assert!(sign_headers(&parts, &params, &Credentials::new("", "s", None)).is_err());
    }
}

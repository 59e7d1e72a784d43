//! The server side of SigV4: read the signature a request claims (from its `Authorization`
//! header or its presigned query) and recompute it from the request as it arrived on the wire.
//! Used by the emulator's S3; errors carry S3's own error codes.

use crate::prelude::*;

use super::canonical::{
    canonical_headers, canonical_query_without, canonical_request, canonical_uri, HeaderSelection,
};
use super::sign::{signature, string_to_sign, CredentialScope, SigningKey};
use super::{HttpRequestParts, PathMode, ALGORITHM, MAX_PRESIGN_EXPIRES_SECS};
use crate::core::encoding::{concat, percent_decode};
use crate::core::error::{Error, Result};

/// Where a request carries its signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureLocation {
    /// The `Authorization` header.
    Headers,
    /// The query (a presigned URL).
    Query,
}

/// The signature a request claims, with everything needed to recompute it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimedSignature {
    /// Header or query.
    pub location: SignatureLocation,
    /// The access key id of the credential.
    pub access_key_id: String,
    /// The credential scope.
    pub scope: CredentialScope,
    /// The `;`-separated lowercase signed header names.
    pub signed_headers: String,
    /// The claimed hex signature.
    pub signature: String,
    /// The signing time, `YYYYMMDDTHHMMSSZ` (`x-amz-date` or `X-Amz-Date`).
    pub amz_date: String,
    /// `X-Amz-Expires` of a presigned URL.
    pub expires_in_secs: Option<u32>,
    /// The session token sent (`x-amz-security-token` or `X-Amz-Security-Token`).
    pub session_token: Option<String>,
}

/// What the server computes for a request: the stages, so that a mismatch can be explained
/// (S3 echoes the canonical request and string to sign in `SignatureDoesNotMatch`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recomputed {
    /// Stage 1's text.
    pub canonical_request: String,
    /// Stage 2's text.
    pub string_to_sign: String,
    /// Stage 3: the hex signature the request should carry.
    pub signature: String,
}

fn header_malformed(problem: &str) -> Error {
    Error::service(
        "AuthorizationHeaderMalformed",
        concat("The authorization header is malformed: ", problem),
        400,
    )
}

fn query_malformed(problem: &str) -> Error {
    Error::service(
        "AuthorizationQueryParametersError",
        concat(
            "The presigned URL's authorization parameters are malformed: ",
            problem,
        ),
        400,
    )
}

/// Splits a `Credential` value `AKID/YYYYMMDD/region/service/aws4_request`.
fn parse_credential(value: &str) -> Option<(String, CredentialScope)> {
    let mut it = value.split('/');
    let (akid, day, region, service, term) =
        (it.next()?, it.next()?, it.next()?, it.next()?, it.next()?);
    let valid = it.next().is_none()
        && !akid.is_empty()
        && day.len() == 8
        && day.bytes().all(|b| b.is_ascii_digit())
        && !region.is_empty()
        && !service.is_empty()
        && term == "aws4_request";
    valid.then(|| {
        (
            akid.into(),
            CredentialScope {
                day: day.into(),
                region: region.into(),
                service: service.into(),
            },
        )
    })
}

fn is_hex_signature(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn header<'a>(headers: &[(&str, &'a str)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.trim_ascii().eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim_ascii())
}

/// Reads the signature claimed by the `Authorization` header (with `x-amz-date` and
/// `x-amz-security-token`). Fails with `AuthorizationHeaderMalformed` when a part is missing or
/// malformed, or when the credential's day is not the day of `x-amz-date`.
pub fn claimed_from_headers(headers: &[(&str, &str)]) -> Result<ClaimedSignature> {
    let auth = header(headers, "authorization")
        .ok_or_else(|| header_malformed("no Authorization header"))?;
    let rest = auth
        .strip_prefix(ALGORITHM)
        .filter(|r| r.starts_with(' '))
        .ok_or_else(|| header_malformed("the algorithm must be AWS4-HMAC-SHA256"))?;
    let (mut credential, mut signed_headers, mut sig) = (None, None, None);
    for item in rest.split(',') {
        match item.trim_ascii().split_once('=') {
            Some(("Credential", v)) => credential = Some(v),
            Some(("SignedHeaders", v)) => signed_headers = Some(v),
            Some(("Signature", v)) => sig = Some(v),
            _ => {
                return Err(header_malformed(
                    "expected Credential, SignedHeaders and Signature",
                ))
            }
        }
    }
    let (access_key_id, scope) = credential.and_then(parse_credential).ok_or_else(|| {
        header_malformed("Credential must be <key>/<YYYYMMDD>/<region>/<service>/aws4_request")
    })?;
    let signed_headers = signed_headers
        .filter(|s| !s.is_empty())
        .ok_or_else(|| header_malformed("SignedHeaders is missing"))?;
    let sig = sig
        .filter(|s| is_hex_signature(s))
        .ok_or_else(|| header_malformed("Signature must be 64 hex digits"))?;
    let amz_date =
        header(headers, "x-amz-date").ok_or_else(|| header_malformed("no x-amz-date header"))?;
    parse_amz_date(amz_date)
        .map_err(|_| header_malformed("x-amz-date must be YYYYMMDDTHHMMSSZ"))?;
    if !amz_date.starts_with(scope.day.as_str()) {
        return Err(header_malformed(
            "the credential's date is not the date of x-amz-date",
        ));
    }
    Ok(ClaimedSignature {
        location: SignatureLocation::Headers,
        access_key_id,
        scope,
        signed_headers: signed_headers.into(),
        signature: sig.into(),
        amz_date: amz_date.into(),
        expires_in_secs: None,
        session_token: header(headers, "x-amz-security-token").map(Into::into),
    })
}

/// Reads the signature claimed by a presigned URL's raw query. Fails with
/// `AuthorizationQueryParametersError` when a parameter is missing or malformed, when
/// `X-Amz-Expires` is not 1..=604800, or when the credential's day is not `X-Amz-Date`'s.
pub fn claimed_from_query(raw_query: &str) -> Result<ClaimedSignature> {
    let (
        mut algorithm,
        mut credential,
        mut date,
        mut expires,
        mut signed_headers,
        mut sig,
        mut token,
    ) = (None, None, None, None, None, None, None);
    for item in raw_query.split('&') {
        let (k, v) = item.split_once('=').unwrap_or((item, ""));
        let slot = match percent_decode(k, true).as_str() {
            "X-Amz-Algorithm" => &mut algorithm,
            "X-Amz-Credential" => &mut credential,
            "X-Amz-Date" => &mut date,
            "X-Amz-Expires" => &mut expires,
            "X-Amz-SignedHeaders" => &mut signed_headers,
            "X-Amz-Signature" => &mut sig,
            "X-Amz-Security-Token" => &mut token,
            _ => continue,
        };
        *slot = Some(percent_decode(v, true));
    }
    if algorithm.as_deref() != Some(ALGORITHM) {
        return Err(query_malformed("X-Amz-Algorithm must be AWS4-HMAC-SHA256"));
    }
    let (access_key_id, scope) = credential
        .as_deref()
        .and_then(parse_credential)
        .ok_or_else(|| {
            query_malformed(
                "X-Amz-Credential must be <key>/<YYYYMMDD>/<region>/<service>/aws4_request",
            )
        })?;
    let amz_date = date
        .filter(|d| parse_amz_date(d).is_ok())
        .ok_or_else(|| query_malformed("X-Amz-Date must be YYYYMMDDTHHMMSSZ"))?;
    if !amz_date.starts_with(scope.day.as_str()) {
        return Err(query_malformed(
            "the credential's date is not the date of X-Amz-Date",
        ));
    }
    let expires_in_secs = expires
        .as_deref()
        .and_then(|e| e.parse::<u32>().ok())
        .filter(|e| (1..=MAX_PRESIGN_EXPIRES_SECS).contains(e))
        .ok_or_else(|| {
            query_malformed("X-Amz-Expires must be a number of seconds from 1 to 604800")
        })?;
    let signed_headers = signed_headers
        .filter(|s| !s.is_empty())
        .ok_or_else(|| query_malformed("X-Amz-SignedHeaders is missing"))?;
    let sig = sig
        .filter(|s| is_hex_signature(s))
        .ok_or_else(|| query_malformed("X-Amz-Signature must be 64 hex digits"))?;
    Ok(ClaimedSignature {
        location: SignatureLocation::Query,
        access_key_id,
        scope,
        signed_headers,
        signature: sig,
        amz_date,
        expires_in_secs: Some(expires_in_secs),
        session_token: token,
    })
}

/// Recomputes the signature `claim` should have, from the request as it arrived, the claimed
/// signed headers, scope and time, the payload hash the server accepts for this request (the
/// `x-amz-content-sha256` value, or `UNSIGNED-PAYLOAD` for a presigned S3 URL) and the secret
/// key of `claim.access_key_id`.
///
/// For a presigned URL the canonical query is the wire query without `X-Amz-Signature`.
/// Fails with `SignatureDoesNotMatch` when a claimed signed header is not in the request (or
/// `host` is not signed). Compare the result with [`signatures_equal`].
pub fn recompute(
    parts: &HttpRequestParts<'_>,
    path_mode: PathMode,
    claim: &ClaimedSignature,
    payload_hash: &str,
    secret_access_key: &str,
) -> Result<Recomputed> {
    let headers = canonical_headers(
        parts.headers,
        &[],
        HeaderSelection::Only(&claim.signed_headers),
    )
    .map_err(|e| Error::service("SignatureDoesNotMatch", e.message, 403))?;
    let skip = match claim.location {
        SignatureLocation::Headers => None,
        SignatureLocation::Query => Some("X-Amz-Signature"),
    };
    let creq = canonical_request(
        parts.method,
        &canonical_uri(parts.path, path_mode),
        &canonical_query_without(parts.query, &[], skip),
        &headers,
        payload_hash,
    );
    let sts = string_to_sign(&claim.amz_date, &claim.scope, &creq);
    let sig = signature(&SigningKey::derive(secret_access_key, &claim.scope), &sts);
    Ok(Recomputed {
        canonical_request: creq,
        string_to_sign: sts,
        signature: sig,
    })
}

/// Compares two signatures in time independent of where they differ.
pub fn signatures_equal(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Milliseconds since the Unix epoch of a `YYYYMMDDTHHMMSSZ` time (for clock-skew and expiry
/// checks). Fails with `InvalidParameter` when the text is not such a time.
pub fn parse_amz_date(text: &str) -> Result<i64> {
    let t = text.as_bytes();
    let bad = || Error::param("X-Amz-Date", "expected YYYYMMDDTHHMMSSZ");
    if t.len() != 16 || t[8] != b'T' || t[15] != b'Z' {
        return Err(bad());
    }
    let num = |from: usize, to: usize| -> Result<i64> {
        t[from..to].iter().try_fold(0i64, |acc, &c| {
            if c.is_ascii_digit() {
                Ok(acc * 10 + i64::from(c - b'0'))
            } else {
                Err(bad())
            }
        })
    };
    let (year, month, day) = (num(0, 4)?, num(4, 6)?, num(6, 8)?);
    let (hour, minute, second) = (num(9, 11)?, num(11, 13)?, num(13, 15)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return Err(bad());
    }
    // Howard Hinnant's days-from-civil.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Ok(((days * 86_400) + hour * 3600 + minute * 60 + second) * 1000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::time::UtcDateTime;

    #[test]
    fn amz_date_round_trips() {
        for ms in [0i64, 951_782_400_000, 1_440_938_160_000, 4_102_444_799_000] {
            assert_eq!(
                parse_amz_date(&UtcDateTime::from_unix_ms(ms).amz_date()).unwrap(),
                ms
            );
        }
        for bad in [
            "20150830T123600",
            "2015083XT123600Z",
            "20151330T123600Z",
            "20150830T243600Z",
            "",
        ] {
            assert!(parse_amz_date(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn constant_time_compare() {
        assert!(signatures_equal("abc", "abc"));
        assert!(!signatures_equal("abc", "abd"));
        assert!(!signatures_equal("abc", "abcd"));
    }

    #[test]
    fn malformed_claims_are_typed() {
        let e = claimed_from_headers(&[("Authorization", "AWS4-HMAC-SHA256 Credential=x")])
            .unwrap_err();
        assert_eq!(e.name(), "AuthorizationHeaderMalformed");
        let e = claimed_from_headers(&[]).unwrap_err();
        assert_eq!(e.name(), "AuthorizationHeaderMalformed");
        let e = claimed_from_query("X-Amz-Algorithm=AWS4-HMAC-SHA256").unwrap_err();
        assert_eq!(e.name(), "AuthorizationQueryParametersError");
        let e = claimed_from_query("").unwrap_err();
        assert_eq!(e.status, Some(400));
    }
}

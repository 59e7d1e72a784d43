//! SigV4 verification as S3 does it, from the request exactly as it arrived on the wire (raw
//! path and query, headers): `Authorization` header or presigned query, credential scope
//! (region, service `s3`), clock skew (15 minutes) or presigned expiry (`X-Amz-Expires`, at most
//! 7 days), the access key and session token of credentials issued by the identity pools, the
//! payload hash (`x-amz-content-sha256`: `UNSIGNED-PAYLOAD` or the body's SHA-256, which must
//! match), every `x-amz-*` header signed, and the signature itself — recomputed with AWS's own
//! signer, the `aws-sigv4` crate ([`super::sigv4`]), not with the SDK's, so a canonicalisation
//! mistake in the SDK's signer cannot pass on both sides. A `SignatureDoesNotMatch` answer
//! carries the canonical request and string to sign, as S3's does.

use super::policy::Principal;
use super::sigv4::{self, Claim, Location, UNSIGNED_PAYLOAD};
use super::xml;
use crate::app::App;
use crate::http::{Req, Resp};

/// The largest difference S3 accepts between a request's time and its own: 15 minutes.
pub const MAX_SKEW_MS: i64 = 15 * 60 * 1000;

/// `YYYY-MM-DDTHH:MM:SSZ`, as S3 writes `ServerTime` and `Expires` in errors.
pub fn iso_seconds(ms: i64) -> String {
    let (y, mo, d, h, mi, s, _) = crate::clock::civil(ms);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

fn query_names(raw_query: &str) -> impl Iterator<Item = String> + '_ {
    raw_query
        .split('&')
        .filter(|s| !s.is_empty())
        .map(|item| crate::urlenc::percent_decode(item.split_once('=').map_or(item, |(k, _)| k), true))
}

fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Authenticates a request to a bucket in `region`: `Ok(None)` for an unsigned request,
/// `Ok(Some(principal))` for a valid signature by credentials the identity pools issued, or the
/// S3 error to answer.
pub fn authenticate(app: &App, req: &Req, region: &str) -> Result<Option<Principal>, Resp> {
    let presigned = query_names(&req.raw_query)
        .any(|n| n == "X-Amz-Algorithm" || n == "X-Amz-Signature" || n == "X-Amz-Credential");
    let authorization = req.header("authorization");
    if presigned && authorization.is_some() {
        return Err(xml::error(
            400,
            "InvalidArgument",
            "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string \
             parameter or the Authorization header should be specified",
            &[("ArgumentName", "Authorization".into()), ("ArgumentValue", authorization.unwrap_or("").into())],
        ));
    }
    if !presigned && authorization.is_none() {
        return Ok(None);
    }
    if authorization.is_some_and(|a| a.starts_with("AWS ")) {
        return Err(xml::error(
            400,
            "InvalidRequest",
            "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.",
            &[],
        ));
    }
    let claim = match presigned {
        true => sigv4::claim_from_query(&req.raw_query),
        false => sigv4::claim_from_headers(&req.headers),
    }
    .map_err(|e| xml::error(400, e.code, &e.message, &[]))?;

    check_scope(&claim, region)?;
    check_time(app, &claim)?;
    let secret = check_credentials(app, &claim)?;
    let payload_hash = payload_hash(req, &claim)?;

    // Unsigned x-amz-* headers are refused before the signature is compared: aws-sigv4 signs
    // exactly the headers the request claims, so they cannot change its verdict.
    let mut not_signed: Vec<&str> = req
        .headers
        .iter()
        .map(|(k, _)| k.as_str())
        .filter(|k| k.starts_with("x-amz-") && !claim.signs(k))
        .collect();
    if claim.location == Location::Query {
        // The presigned parameters themselves may also arrive as headers only when signed.
        not_signed.retain(|k| *k != "x-amz-content-sha256" || req.header(k) != Some(UNSIGNED_PAYLOAD));
    }
    if !not_signed.is_empty() {
        not_signed.dedup();
        return Err(xml::error(
            403,
            "AccessDenied",
            "There were headers present in the request which were not signed",
            &[("HeadersNotSigned", not_signed.join(", "))],
        ));
    }

    let matches = sigv4::expected_signature(req, &claim, &payload_hash, &secret.secret_access_key)
        .map_err(|reason| xml::error(403, "SignatureDoesNotMatch", &reason, &[]))
        .map(|expected| sigv4::signatures_equal(&expected, &claim.signature))?;
    if !matches {
        let explained = sigv4::explain(req, &claim, &payload_hash);
        return Err(xml::error(
            403,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided. Check your key and \
             signing method.",
            &[
                ("AWSAccessKeyId", claim.access_key_id.clone()),
                ("StringToSign", explained.string_to_sign.clone()),
                ("SignatureProvided", claim.signature.clone()),
                ("StringToSignBytes", xml::spaced_hex(&explained.string_to_sign)),
                ("CanonicalRequest", explained.canonical_request.clone()),
                ("CanonicalRequestBytes", xml::spaced_hex(&explained.canonical_request)),
            ],
        ));
    }

    if is_sha256_hex(&payload_hash) {
        let actual = crate::crypto::hex(&crate::crypto::sha256(&req.body));
        if actual != payload_hash {
            return Err(xml::error(
                400,
                "XAmzContentSHA256Mismatch",
                "The provided 'x-amz-content-sha256' header does not match what was computed.",
                &[("ClientComputedContentSHA256", payload_hash.clone()), ("S3ComputedContentSHA256", actual)],
            ));
        }
    }
    Ok(Some(Principal { identity_id: secret.identity_id, authenticated: secret.authenticated }))
}

fn check_scope(claim: &Claim, region: &str) -> Result<(), Resp> {
    let (code, lead) = match claim.location {
        Location::Headers => ("AuthorizationHeaderMalformed", "The authorization header is malformed"),
        Location::Query => {
            ("AuthorizationQueryParametersError", "Error parsing the X-Amz-Credential parameter")
        }
    };
    if claim.scope.service != "s3" {
        let msg = format!("{lead}; incorrect service '{}'. This endpoint belongs to 's3'.", claim.scope.service);
        return Err(xml::error(400, code, &msg, &[]));
    }
    if claim.scope.region != region {
        let msg = format!("{lead}; the region '{}' is wrong; expecting '{region}'", claim.scope.region);
        return Err(xml::error(400, code, &msg, &[("Region", region.to_string())]));
    }
    Ok(())
}

fn check_time(app: &App, claim: &Claim) -> Result<(), Resp> {
    let now = app.clock.now_ms();
    // The claim parsers have already checked the date's shape.
    let signed_at = sigv4::parse_amz_date(&claim.amz_date).unwrap_or_default();
    match claim.expires_in_secs {
        None => {
            if (signed_at - now).abs() > MAX_SKEW_MS {
                return Err(xml::error(
                    403,
                    "RequestTimeTooSkewed",
                    "The difference between the request time and the current time is too large.",
                    &[
                        ("RequestTime", claim.amz_date.clone()),
                        ("ServerTime", iso_seconds(now)),
                        ("MaxAllowedSkewMilliseconds", MAX_SKEW_MS.to_string()),
                    ],
                ));
            }
        }
        Some(expires) => {
            let expires_at = signed_at + i64::from(expires) * 1000;
            if now > expires_at {
                return Err(xml::error(
                    403,
                    "AccessDenied",
                    "Request has expired",
                    &[
                        ("X-Amz-Expires", expires.to_string()),
                        ("Expires", iso_seconds(expires_at)),
                        ("ServerTime", iso_seconds(now)),
                    ],
                ));
            }
            if signed_at > now + MAX_SKEW_MS {
                return Err(xml::error(
                    403,
                    "AccessDenied",
                    "Request is not yet valid",
                    &[
                        ("X-Amz-Date", signed_at.to_string()),
                        ("Expires", iso_seconds(expires_at)),
                        ("ServerTime", iso_seconds(now)),
                    ],
                ));
            }
        }
    }
    Ok(())
}

fn check_credentials(app: &App, claim: &Claim) -> Result<crate::identity::IssuedCredentials, Resp> {
    let unknown = || {
        xml::error(
            403,
            "InvalidAccessKeyId",
            "The AWS Access Key Id you provided does not exist in our records.",
            &[("AWSAccessKeyId", claim.access_key_id.clone())],
        )
    };
    let creds = app.identity_pools.lock().unwrap().credentials(&claim.access_key_id).ok_or_else(unknown)?;
    // Temporary credentials without their session token are unknown to S3.
    let token = claim.session_token.as_deref().ok_or_else(unknown)?;
    if !crate::crypto::ct_eq(token.as_bytes(), creds.session_token.as_bytes()) {
        return Err(xml::error(
            400,
            "InvalidToken",
            "The provided token is malformed or otherwise invalid.",
            &[("Token-0", token.to_string())],
        ));
    }
    if app.clock.now_ms() >= creds.expires_ms {
        return Err(xml::error(
            400,
            "ExpiredToken",
            "The provided token has expired.",
            &[("Token-0", token.to_string())],
        ));
    }
    Ok(creds)
}

fn payload_hash(req: &Req, claim: &Claim) -> Result<String, Resp> {
    let value = match (req.header("x-amz-content-sha256"), claim.location) {
        (Some(v), _) => v,
        (None, Location::Query) => UNSIGNED_PAYLOAD,
        (None, Location::Headers) => {
            return Err(xml::error(
                400,
                "InvalidRequest",
                "Missing required header for this request: x-amz-content-sha256",
                &[],
            ))
        }
    };
    if value == UNSIGNED_PAYLOAD || is_sha256_hex(value) {
        return Ok(value.to_string());
    }
    if value.starts_with("STREAMING-") {
        return Err(xml::error(
            501,
            "NotImplemented",
            "A header you provided implies functionality that is not implemented (the emulator does not accept \
             aws-chunked streaming uploads; send UNSIGNED-PAYLOAD or the body's SHA-256)",
            &[("Header", "x-amz-content-sha256".into())],
        ));
    }
    Err(xml::error(
        400,
        "InvalidArgument",
        "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, or a valid sha256 value.",
        &[("ArgumentName", "x-amz-content-sha256".into()), ("ArgumentValue", value.to_string())],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_time_format() {
        assert_eq!(iso_seconds(1_577_836_800_999), "2020-01-01T00:00:00Z");
    }
}

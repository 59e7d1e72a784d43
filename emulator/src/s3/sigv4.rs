//! SigV4 on the server side, as S3 reads it, independent of the SDK's signer.
//!
//! - [`claim_from_headers`] / [`claim_from_query`] read what a request claims (credential,
//!   scope, signed headers, time, signature) from its `Authorization` header or its presigned
//!   query, with S3's error codes for malformed claims.
//! - [`expected_signature`] recomputes the signature the request must carry with AWS's own
//!   signer, the `aws-sigv4` crate, from the request exactly as it arrived: the raw path as on
//!   the wire (S3 mode: no path normalisation, no second percent-encoding), the raw query, and
//!   exactly the headers the request claims to have signed.
//! - [`explain`] writes the canonical request and string to sign for a `SignatureDoesNotMatch`
//!   answer. aws-sigv4 does not expose them, so they are built here by the emulator's own small
//!   code, following the rules aws-sigv4 applies (a unit test checks that signing this string to
//!   sign gives aws-sigv4's signature).

use crate::http::Req;
use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    sign, PayloadChecksumKind, PercentEncodingMode, SessionTokenMode, SignableBody, SignableRequest,
    SignatureLocation, SigningSettings, UriPathNormalizationMode,
};
use std::borrow::Cow;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The only algorithm S3 accepts here.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// The payload hash of a request whose body is not signed.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// The longest validity S3 accepts for a presigned URL: 7 days, in seconds.
pub const MAX_PRESIGN_EXPIRES_SECS: u32 = 604_800;

/// The query parameters of a presigned URL that carry its signature (aws-sigv4 adds all but
/// `X-Amz-Signature` back itself when it presigns).
const PRESIGN_PARAMS: [&str; 7] = [
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Security-Token",
    "X-Amz-Signature",
];

/// Where a request carries its signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    /// The `Authorization` header.
    Headers,
    /// The query (a presigned URL).
    Query,
}

/// A credential scope: `<day>/<region>/<service>/aws4_request`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scope {
    /// `YYYYMMDD`.
    pub day: String,
    /// The region, e.g. `us-east-1`.
    pub region: String,
    /// The service, `s3` for S3.
    pub service: String,
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}/{}/aws4_request", self.day, self.region, self.service)
    }
}

/// The signature a request claims, with everything needed to recompute it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claim {
    /// Header or query.
    pub location: Location,
    /// The access key id of the credential.
    pub access_key_id: String,
    /// The credential scope.
    pub scope: Scope,
    /// The `;`-separated header names the request says it signed, as sent.
    pub signed_headers: String,
    /// The claimed signature (64 lower-case hex digits).
    pub signature: String,
    /// The signing time, `YYYYMMDDTHHMMSSZ` (`x-amz-date` or `X-Amz-Date`).
    pub amz_date: String,
    /// `X-Amz-Expires` of a presigned URL.
    pub expires_in_secs: Option<u32>,
    /// The session token sent (`x-amz-security-token` header, or `X-Amz-Security-Token` in a
    /// presigned query).
    pub session_token: Option<String>,
}

impl Claim {
    /// The claimed signed header names, sorted, without repeats (the `SignedHeaders` line of the
    /// canonical request).
    pub fn signed_header_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.signed_headers.split(';').collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    /// Whether the request claims to have signed header `name` (lower-case).
    pub fn signs(&self, name: &str) -> bool {
        self.signed_headers.split(';').any(|n| n == name)
    }
}

/// A claim S3 cannot read: its error code and message (HTTP 400).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Malformed {
    /// `AuthorizationHeaderMalformed` or `AuthorizationQueryParametersError`.
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
}

fn header_malformed(problem: &str) -> Malformed {
    Malformed {
        code: "AuthorizationHeaderMalformed",
        message: format!("The authorization header is malformed: {problem}"),
    }
}

fn query_malformed(problem: &str) -> Malformed {
    Malformed {
        code: "AuthorizationQueryParametersError",
        message: format!("The presigned URL's authorization parameters are malformed: {problem}"),
    }
}

/// Splits a `Credential` value `AKID/YYYYMMDD/region/service/aws4_request`.
fn parse_credential(value: &str) -> Option<(String, Scope)> {
    let mut it = value.split('/');
    let (akid, day, region, service, term) = (it.next()?, it.next()?, it.next()?, it.next()?, it.next()?);
    let valid = it.next().is_none()
        && !akid.is_empty()
        && day.len() == 8
        && day.bytes().all(|b| b.is_ascii_digit())
        && !region.is_empty()
        && !service.is_empty()
        && term == "aws4_request";
    valid.then(|| (akid.into(), Scope { day: day.into(), region: region.into(), service: service.into() }))
}

fn is_hex_signature(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The first value of header `name` (lower-case), trimmed.
fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.trim())
}

/// Reads the signature claimed by the `Authorization` header (with `x-amz-date` and
/// `x-amz-security-token`). `AuthorizationHeaderMalformed` when a part is missing or malformed,
/// or when the credential's day is not the day of `x-amz-date`.
pub fn claim_from_headers(headers: &[(String, String)]) -> Result<Claim, Malformed> {
    let auth = header(headers, "authorization").ok_or_else(|| header_malformed("no Authorization header"))?;
    let rest = auth
        .strip_prefix(ALGORITHM)
        .filter(|r| r.starts_with(' '))
        .ok_or_else(|| header_malformed("the algorithm must be AWS4-HMAC-SHA256"))?;
    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    for item in rest.split(',') {
        match item.trim().split_once('=') {
            Some(("Credential", v)) => credential = Some(v),
            Some(("SignedHeaders", v)) => signed_headers = Some(v),
            Some(("Signature", v)) => signature = Some(v),
            _ => return Err(header_malformed("expected Credential, SignedHeaders and Signature")),
        }
    }
    let (access_key_id, scope) = credential
        .and_then(parse_credential)
        .ok_or_else(|| header_malformed("Credential must be <key>/<YYYYMMDD>/<region>/<service>/aws4_request"))?;
    let signed_headers =
        signed_headers.filter(|s| !s.is_empty()).ok_or_else(|| header_malformed("SignedHeaders is missing"))?;
    let signature =
        signature.filter(|s| is_hex_signature(s)).ok_or_else(|| header_malformed("Signature must be 64 hex digits"))?;
    let amz_date = header(headers, "x-amz-date").ok_or_else(|| header_malformed("no x-amz-date header"))?;
    if parse_amz_date(amz_date).is_none() {
        return Err(header_malformed("x-amz-date must be YYYYMMDDTHHMMSSZ"));
    }
    if !amz_date.starts_with(scope.day.as_str()) {
        return Err(header_malformed("the credential's date is not the date of x-amz-date"));
    }
    Ok(Claim {
        location: Location::Headers,
        access_key_id,
        scope,
        signed_headers: signed_headers.into(),
        signature: signature.into(),
        amz_date: amz_date.into(),
        expires_in_secs: None,
        session_token: header(headers, "x-amz-security-token").map(Into::into),
    })
}

/// Reads the signature claimed by a presigned URL's raw query.
/// `AuthorizationQueryParametersError` when a parameter is missing or malformed, when
/// `X-Amz-Expires` is not 1..=604800, or when the credential's day is not `X-Amz-Date`'s.
pub fn claim_from_query(raw_query: &str) -> Result<Claim, Malformed> {
    let (mut algorithm, mut credential, mut date, mut expires, mut signed_headers, mut signature, mut token) =
        (None, None, None, None, None, None, None);
    for item in raw_query.split('&') {
        let (k, v) = item.split_once('=').unwrap_or((item, ""));
        let slot = match crate::urlenc::percent_decode(k, true).as_str() {
            "X-Amz-Algorithm" => &mut algorithm,
            "X-Amz-Credential" => &mut credential,
            "X-Amz-Date" => &mut date,
            "X-Amz-Expires" => &mut expires,
            "X-Amz-SignedHeaders" => &mut signed_headers,
            "X-Amz-Signature" => &mut signature,
            "X-Amz-Security-Token" => &mut token,
            _ => continue,
        };
        *slot = Some(crate::urlenc::percent_decode(v, true));
    }
    if algorithm.as_deref() != Some(ALGORITHM) {
        return Err(query_malformed("X-Amz-Algorithm must be AWS4-HMAC-SHA256"));
    }
    let (access_key_id, scope) = credential.as_deref().and_then(parse_credential).ok_or_else(|| {
        query_malformed("X-Amz-Credential must be <key>/<YYYYMMDD>/<region>/<service>/aws4_request")
    })?;
    let amz_date = date
        .filter(|d| parse_amz_date(d).is_some())
        .ok_or_else(|| query_malformed("X-Amz-Date must be YYYYMMDDTHHMMSSZ"))?;
    if !amz_date.starts_with(scope.day.as_str()) {
        return Err(query_malformed("the credential's date is not the date of X-Amz-Date"));
    }
    let expires_in_secs = expires
        .as_deref()
        .and_then(|e| e.parse::<u32>().ok())
        .filter(|e| (1..=MAX_PRESIGN_EXPIRES_SECS).contains(e))
        .ok_or_else(|| query_malformed("X-Amz-Expires must be a number of seconds from 1 to 604800"))?;
    let signed_headers =
        signed_headers.filter(|s| !s.is_empty()).ok_or_else(|| query_malformed("X-Amz-SignedHeaders is missing"))?;
    let signature = signature
        .filter(|s| is_hex_signature(s))
        .ok_or_else(|| query_malformed("X-Amz-Signature must be 64 hex digits"))?;
    Ok(Claim {
        location: Location::Query,
        access_key_id,
        scope,
        signed_headers,
        signature,
        amz_date,
        expires_in_secs: Some(expires_in_secs),
        session_token: token,
    })
}

/// Milliseconds since the Unix epoch of a `YYYYMMDDTHHMMSSZ` time; `None` when the text is not
/// such a time.
pub fn parse_amz_date(text: &str) -> Option<i64> {
    let t = text.as_bytes();
    if t.len() != 16 || t[8] != b'T' || t[15] != b'Z' {
        return None;
    }
    let num = |from: usize, to: usize| -> Option<u32> {
        t[from..to].iter().try_fold(0u32, |acc, &c| c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0')))
    };
    let (year, month, day) = (num(0, 4)?, num(4, 6)?, num(6, 8)?);
    let (hour, minute, second) = (num(9, 11)?, num(11, 13)?, num(13, 15)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let days = crate::clock::days_from_civil(i64::from(year), month, day);
    Some((days * 86_400 + i64::from(hour * 3600 + minute * 60 + second)) * 1000)
}

/// The raw query without the parameters named in `skip` (compared after decoding).
fn query_without(raw_query: &str, skip: &[&str]) -> String {
    raw_query
        .split('&')
        .filter(|item| {
            let name = item.split_once('=').map_or(*item, |(k, _)| k);
            !item.is_empty() && !skip.contains(&crate::urlenc::percent_decode(name, true).as_str())
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// The signature `claim` must be, recomputed by aws-sigv4 from `req` as it arrived, signed with
/// `secret_access_key` for the claimed scope and time, over `payload_hash` (the
/// `x-amz-content-sha256` value S3 accepted for this request, or `UNSIGNED-PAYLOAD`).
///
/// Header-signed: the request's headers named in `SignedHeaders` are handed to aws-sigv4, which
/// adds `x-amz-date` (from the claimed time), `x-amz-security-token` and `x-amz-content-sha256`
/// (each only when the request signed it). Presigned: the query without its `X-Amz-*` signing
/// parameters, which aws-sigv4 adds back from the claim (`X-Amz-Expires` as a chosen expiry).
/// aws-sigv4's signing settings are S3's: the path taken as it is on the wire, no normalisation.
///
/// Fails (the reason, for a `SignatureDoesNotMatch` message) when a claimed header is not in the
/// request, when `host` is not signed, or when aws-sigv4 would sign another set of headers than
/// the request claims (it never signs `x-amz-user-agent` or `x-amz-checksum-mode` in a presigned
/// URL, and always signs `x-amz-date` with header signing).
pub fn expected_signature(
    req: &Req,
    claim: &Claim,
    payload_hash: &str,
    secret_access_key: &str,
) -> Result<String, String> {
    let names = claim.signed_header_names();
    if let Some(missing) = names.iter().find(|n| !req.headers.iter().any(|(k, _)| k == *n)) {
        return Err(format!("SignedHeaders: the signed header {missing} is not in the request"));
    }
    if !names.contains(&"host") {
        return Err("SignedHeaders: the host header must be signed".into());
    }
    // Exactly the signed headers, all their values, in arrival order.
    let headers =
        req.headers.iter().filter(|(k, _)| names.contains(&k.as_str())).map(|(k, v)| (k.as_str(), v.as_str()));

    let query = match claim.location {
        Location::Headers => Cow::Borrowed(req.raw_query.as_str()),
        Location::Query => Cow::Owned(query_without(&req.raw_query, &PRESIGN_PARAMS)),
    };
    // The authority is never read: `host` is among the signed headers.
    let mut uri = format!("http://s3.emulator.invalid{}", req.raw_path);
    if !query.is_empty() {
        uri.push('?');
        uri.push_str(&query);
    }

    let mut settings = SigningSettings::default();
    settings.percent_encoding_mode = PercentEncodingMode::Single;
    settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
    // Sign what the request says it signed, nothing left out by name.
    settings.excluded_headers = Some(Vec::new());
    match claim.location {
        Location::Headers => {
            settings.signature_location = SignatureLocation::Headers;
            settings.payload_checksum_kind = if claim.signs("x-amz-content-sha256") {
                PayloadChecksumKind::XAmzSha256
            } else {
                PayloadChecksumKind::NoHeader
            };
            settings.session_token_mode = if claim.signs("x-amz-security-token") {
                SessionTokenMode::Include
            } else {
                SessionTokenMode::Exclude
            };
        }
        Location::Query => {
            settings.signature_location = SignatureLocation::QueryParams;
            settings.expires_in = claim.expires_in_secs.map(|s| Duration::from_secs(u64::from(s)));
            // Everything in a presigned query but X-Amz-Signature is signed, the token included.
            settings.session_token_mode = SessionTokenMode::Include;
        }
    }

    let signed_at = parse_amz_date(&claim.amz_date)
        .and_then(|ms| u64::try_from(ms).ok())
        .ok_or_else(|| format!("X-Amz-Date {} is before 1970", claim.amz_date))?;
    let credentials = Credentials::new(
        &claim.access_key_id,
        secret_access_key,
        claim.session_token.clone(),
        None,
        "emulator-issued",
    );
    // aws-sigv4 signs with an `Identity` made from the credentials.
    let identity = credentials.into();
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region(&claim.scope.region)
        .name(&claim.scope.service)
        .time(UNIX_EPOCH + Duration::from_millis(signed_at))
        .settings(settings)
        .build()
        .map_err(|e| format!("aws-sigv4: {e}"))?
        .into();
    let signable = SignableRequest::new(
        &req.method,
        uri,
        headers,
        SignableBody::Precomputed(payload_hash.to_string()),
    )
    .map_err(|e| format!("aws-sigv4 cannot read the request: {e}"))?;
    let (instructions, signature) =
        sign(signable, &params).map_err(|e| format!("aws-sigv4 cannot sign the request: {e}"))?.into_parts();

    // The header set aws-sigv4 signed must be the one claimed, or the comparison means nothing.
    let signed_by_aws = match claim.location {
        Location::Headers => instructions
            .headers()
            .find(|(k, _)| *k == "authorization")
            .and_then(|(_, v)| v.split("SignedHeaders=").nth(1))
            .and_then(|rest| rest.split(',').next())
            .map(str::to_string),
        Location::Query => {
            instructions.params().iter().find(|(k, _)| *k == "X-Amz-SignedHeaders").map(|(_, v)| v.to_string())
        }
    };
    let claimed = names.join(";");
    if signed_by_aws.as_deref() != Some(claimed.as_str()) {
        return Err(format!(
            "SignedHeaders: S3 signs {} for this request where it claims {claimed}",
            signed_by_aws.unwrap_or_default()
        ));
    }
    Ok(signature)
}

/// Compares two signatures in time independent of where they differ.
pub fn signatures_equal(a: &str, b: &str) -> bool {
    crate::crypto::ct_eq(a.as_bytes(), b.as_bytes())
}

/// The texts S3 echoes in `SignatureDoesNotMatch`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explanation {
    /// The canonical request.
    pub canonical_request: String,
    /// The string to sign (its last line is the canonical request's SHA-256).
    pub string_to_sign: String,
}

/// Percent-encodes everything but RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`).
fn encode_unreserved(s: &str) -> String {
    crate::urlenc::encode(s)
}

/// The canonical query: every `name=value` of the raw query (`+` read as a space, invalid UTF-8
/// replaced), decoded and encoded again, sorted by encoded name, then value; `X-Amz-Signature`
/// left out of a presigned query.
fn canonical_query(raw_query: &str, location: Location) -> String {
    let skip: &[&str] = match location {
        Location::Headers => &[],
        Location::Query => &["X-Amz-Signature"],
    };
    let mut pairs: Vec<(String, String)> = crate::urlenc::parse_pairs(&query_without(raw_query, skip))
        .iter()
        .map(|(k, v)| (encode_unreserved(k), encode_unreserved(v)))
        .collect();
    pairs.sort();
    pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&")
}

/// A header value as SigV4 for S3 signs it: spaces trimmed at both ends, runs of spaces made
/// one (only spaces: S3 leaves tabs alone).
fn trim_spaces(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for word in value.split(' ').filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The canonical request and string to sign of `req` under `claim` — what aws-sigv4 hashed in
/// [`expected_signature`], written out by the emulator's own code for S3's error answer.
pub fn explain(req: &Req, claim: &Claim, payload_hash: &str) -> Explanation {
    let path = if req.raw_path.is_empty() { "/" } else { req.raw_path.as_str() };
    let names = claim.signed_header_names();
    let mut creq = format!("{}\n{path}\n{}\n", req.method, canonical_query(&req.raw_query, claim.location));
    for name in &names {
        // With header signing these come from the claim, as aws-sigv4 sets them.
        let fixed = match (claim.location, *name) {
            (Location::Headers, "x-amz-date") => Some(claim.amz_date.clone()),
            (Location::Headers, "x-amz-content-sha256") => Some(payload_hash.to_string()),
            (Location::Headers, "x-amz-security-token") => claim.session_token.clone(),
            _ => None,
        };
        let value = fixed.unwrap_or_else(|| {
            req.headers.iter().filter(|(k, _)| k == name).map(|(_, v)| trim_spaces(v)).collect::<Vec<_>>().join(",")
        });
        creq.push_str(&format!("{name}:{value}\n"));
    }
    creq.push_str(&format!("\n{}\n{payload_hash}", names.join(";")));
    let string_to_sign = format!(
        "{ALGORITHM}\n{}\n{}\n{}",
        claim.amz_date,
        claim.scope,
        crate::crypto::hex(&crate::crypto::sha256(creq.as_bytes()))
    );
    Explanation { canonical_request: creq, string_to_sign }
}

/// `SystemTime` of a claim's signing time (for tests that sign with aws-sigv4's helpers).
pub fn signing_time(claim: &Claim) -> Option<SystemTime> {
    let ms = u64::try_from(parse_amz_date(&claim.amz_date)?).ok()?;
    Some(UNIX_EPOCH + Duration::from_millis(ms))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sigv4::sign::v4::{calculate_signature, generate_signing_key};

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    const TOKEN: &str = "IQoJb3JpZ2luX2VjEIb//////////wEaCXVzLWVhc3QtMSJH+/=";

    fn req(method: &str, path: &str, query: &str, headers: &[(&str, &str)]) -> Req {
        Req {
            method: method.into(),
            raw_path: path.into(),
            raw_query: query.into(),
            headers: headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            body: Vec::new(),
        }
    }

    /// The signature of `explain`'s string to sign, by aws-sigv4's own key derivation and HMAC.
    fn sign_explanation(r: &Req, claim: &Claim, payload: &str) -> String {
        let sts = explain(r, claim, payload).string_to_sign;
        let key = generate_signing_key(SECRET, signing_time(claim).unwrap(), &claim.scope.region, "s3");
        calculate_signature(key, sts.as_bytes())
    }

    fn authorization(signed_headers: &str) -> String {
        format!(
            "AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20250102/us-east-1/s3/aws4_request, \
             SignedHeaders={signed_headers}, Signature={}",
            "0".repeat(64)
        )
    }

    #[test]
    fn explanation_is_what_aws_sigv4_signs_with_headers() {
        let payload = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        let auth = authorization("host;x-amz-content-sha256;x-amz-date;x-amz-meta-a;x-amz-security-token");
        let r = req(
            "PUT",
            "/s3/b/private/%C3%BCber%20cat%2B1%20%282%29.jpg",
            "partNumber=2&uploadId=a%2Fb%3D%3D&x=a+b&empty",
            &[
                ("host", "127.0.0.1:9229"),
                ("x-amz-meta-a", "  two  spaces\tand a tab "),
                ("x-amz-meta-a", "second"),
                ("x-amz-date", "20250102T030405Z"),
                ("x-amz-content-sha256", payload),
                ("x-amz-security-token", TOKEN),
                ("user-agent", "not signed"),
                ("authorization", &auth),
            ],
        );
        let claim = claim_from_headers(&r.headers).unwrap();
        let ours = explain(&r, &claim, payload);
        let creq = &ours.canonical_request;
        assert!(creq.contains("\nx-amz-meta-a:two spaces\tand a tab,second\n"), "{creq}");
        assert!(ours.canonical_request.contains("\nempty=&partNumber=2&uploadId=a%2Fb%3D%3D&x=a%20b\n"));
        assert_eq!(expected_signature(&r, &claim, payload, SECRET).unwrap(), sign_explanation(&r, &claim, payload));
    }

    #[test]
    fn explanation_is_what_aws_sigv4_signs_presigned() {
        let query = format!(
            "response-content-disposition=attachment%3B%20filename%3D%22a%26b.jpg%22&X-Amz-Algorithm=AWS4-HMAC-SHA256\
             &X-Amz-Credential=ASIAEXAMPLE%2F20250102%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20250102T030405Z\
             &X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Security-Token={}&X-Amz-Signature={}",
            crate::urlenc::encode(TOKEN),
            "0".repeat(64)
        );
        let r = req("GET", "/s3/b/a~b/%2541/deep/er/path", &query, &[("host", "localhost:1")]);
        let claim = claim_from_query(&r.raw_query).unwrap();
        assert_eq!(claim.session_token.as_deref(), Some(TOKEN));
        let ours = explain(&r, &claim, UNSIGNED_PAYLOAD);
        assert!(!ours.canonical_request.contains("X-Amz-Signature"));
        assert_eq!(
            expected_signature(&r, &claim, UNSIGNED_PAYLOAD, SECRET).unwrap(),
            sign_explanation(&r, &claim, UNSIGNED_PAYLOAD)
        );
    }

    #[test]
    fn unreproducible_header_sets_are_reasons_not_signatures() {
        let auth = authorization("content-type;x-amz-date");
        let date = ("x-amz-date", "20250102T030405Z");
        let r = req("GET", "/s3/b/k", "", &[("content-type", "x"), date, ("authorization", &auth)]);
        let claim = claim_from_headers(&r.headers).unwrap();
        assert!(expected_signature(&r, &claim, UNSIGNED_PAYLOAD, SECRET).unwrap_err().contains("host"));
        let auth = authorization("host;x-amz-date;x-missing");
        let r = req("GET", "/s3/b/k", "", &[("host", "h"), date, ("authorization", &auth)]);
        let claim = claim_from_headers(&r.headers).unwrap();
        assert!(expected_signature(&r, &claim, UNSIGNED_PAYLOAD, SECRET).unwrap_err().contains("x-missing"));
        // aws-sigv4 always signs x-amz-date with header signing.
        let auth = authorization("host");
        let r = req("GET", "/s3/b/k", "", &[("host", "h"), date, ("authorization", &auth)]);
        let claim = claim_from_headers(&r.headers).unwrap();
        assert!(expected_signature(&r, &claim, UNSIGNED_PAYLOAD, SECRET).unwrap_err().contains("x-amz-date"));
    }

    #[test]
    fn amz_dates() {
        assert_eq!(parse_amz_date("19700101T000000Z"), Some(0));
        assert_eq!(parse_amz_date("20150830T123600Z"), Some(1_440_938_160_000));
        for bad in ["20150830T123600", "2015083XT123600Z", "20151330T123600Z", "20150830T243600Z", ""] {
            assert_eq!(parse_amz_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn malformed_claims_are_typed() {
        let h = |v: &str| vec![("authorization".to_string(), v.to_string())];
        let e = claim_from_headers(&h("AWS4-HMAC-SHA256 Credential=x")).unwrap_err();
        assert_eq!(e.code, "AuthorizationHeaderMalformed");
        assert_eq!(claim_from_headers(&[]).unwrap_err().code, "AuthorizationHeaderMalformed");
        assert_eq!(
            claim_from_query("X-Amz-Algorithm=AWS4-HMAC-SHA256").unwrap_err().code,
            "AuthorizationQueryParametersError"
        );
    }
}

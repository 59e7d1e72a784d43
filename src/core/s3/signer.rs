//! A SigV4 signer bound to one set of credentials, one region and one service, for requests
//! given as the driver will send them (an absolute URL, `name:value` header lines): the headers
//! to add ([`RequestSigner::sign`]) or a presigned URL ([`RequestSigner::presign`]).
//!
//! It runs the stages of `core::sigv4` itself rather than `sigv4::sign_headers` / `presign`,
//! which derive the signing key on every call: the key depends only on the secret and the
//! scope (day, region, service), so it is derived once per UTC day and kept (four HMACs saved
//! per request). Unit tests check the results equal those of the `sigv4` drivers.

use crate::prelude::*;

use crate::core::encoding::{percent_encode, split_ascii};
use crate::core::error::{Error, Result};
use crate::core::json::JsonObject;
use crate::core::sigv4::{
    canonical_headers, canonical_query, canonical_request, canonical_uri, signature, string_to_sign,
    Credentials, CredentialScope, HeaderSelection, PathMode, SigningKey, ALGORITHM, MAX_PRESIGN_EXPIRES_SECS,
    UNSIGNED_PAYLOAD,
};
use crate::core::time::{push_num, UtcDateTime};

/// The SHA-256 of an empty body, in hex: the payload hash of a presigned request to a service
/// other than S3.
const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// Signs requests with one set of credentials for one region and service, keeping the derived
/// signing key of the current UTC day. `Debug` shows neither the secret, the token nor the key.
#[derive(Clone)]
pub struct RequestSigner {
    credentials: Credentials,
    region: String,
    service: String,
    /// The day (`YYYYMMDD`) of the cached key, and the key.
    key: Option<(String, SigningKey)>,
}

impl core::fmt::Debug for RequestSigner {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RequestSigner")
            .field("credentials", &self.credentials)
            .field("region", &self.region)
            .field("service", &self.service)
            .field("key", &self.key.as_ref().map(|(day, _)| (day, "<redacted>")))
            .finish()
    }
}

/// The parts of an absolute `http(s)` URL that signing reads.
struct UrlParts<'a> {
    /// Everything before the `?` (or the whole URL).
    before_query: &'a str,
    /// The `Host` header a browser sends: the host, lower-cased, with `:port` unless it is the
    /// scheme's default.
    host: String,
    /// The path (`/` when empty).
    path: &'a str,
    /// The query without its `?` (empty when none).
    query: &'a str,
}

fn split_url(url: &str) -> Result<UrlParts<'_>> {
    let bad = |why: &str| Err(Error::param("url", why));
    let b = url.as_bytes();
    let (scheme_len, default_port): (usize, &[u8]) = if b.starts_with(b"https://") {
        (8, b"443")
    } else if b.starts_with(b"http://") {
        (7, b"80")
    } else {
        return bad("must be an absolute http(s) URL");
    };
    if b.iter().any(|&c| c <= b' ' || c == b'#' || c == 0x7F) {
        return bad("must not hold spaces, control characters or a fragment");
    }
    let rest = b.get(scheme_len..).unwrap_or(&[]);
    let authority_len = rest.iter().position(|&c| c == b'/' || c == b'?').unwrap_or(rest.len());
    let authority = rest.get(..authority_len).unwrap_or(&[]);
    if authority.is_empty() || authority.contains(&b'@') {
        return bad("must name a host, without user information");
    }
    // A port follows the last ':' that is not inside an IPv6 literal's brackets.
    let host_end = match authority.iter().rposition(|&c| c == b':') {
        Some(i) if !authority.get(i..).unwrap_or(&[]).contains(&b']') => {
            let port = authority.get(i + 1..).unwrap_or(&[]);
            if !port.iter().all(u8::is_ascii_digit) {
                return bad("has a malformed port");
            }
            if port.is_empty() || port == default_port { i } else { authority.len() }
        }
        _ => authority.len(),
    };
    // Every boundary below sits at an ASCII byte (or the end): char boundaries, so `get` works.
    let host = url.get(scheme_len..scheme_len + host_end).unwrap_or("").to_ascii_lowercase();
    if host.is_empty() {
        return bad("must name a host, without user information");
    }
    let path_start = scheme_len + authority_len;
    let (before_query, query) = match split_ascii(url, b'?', false) {
        Some((before, query)) => (before, query),
        None => (url, ""),
    };
    let path = before_query.get(path_start..).filter(|p| !p.is_empty()).unwrap_or("/");
    Ok(UrlParts { before_query, host, path, query })
}

/// The request headers of `text` (`name:value` lines joined by `\n`; empty lines skipped).
fn parse_header_lines(text: &str) -> Result<Vec<(&str, &str)>> {
    let mut headers = Vec::new();
    let mut rest = text;
    loop {
        let (line, next) = match split_ascii(rest, b'\n', false) {
            Some((line, next)) => (line, Some(next)),
            None => (rest, None),
        };
        if !line.bytes().all(|b| b.is_ascii_whitespace()) {
            let Some((name, value)) = split_ascii(line, b':', false) else {
                return Err(Error::param("headers", "each line must be name:value"));
            };
            let name = name.trim_ascii();
            if name.is_empty() || name.bytes().any(|b| b <= b' ' || b >= 0x7F) {
                return Err(Error::param("headers", "a header name is empty or malformed"));
            }
            if name.eq_ignore_ascii_case("host") {
                return Err(Error::param("headers", "host is derived from the url"));
            }
            headers.push((name, value));
        }
        match next {
            Some(next) => rest = next,
            None => return Ok(headers),
        }
    }
}

fn check_payload_hash(hash: &str) -> Result<()> {
    let b = hash.as_bytes();
    if b.len() != 64 || !b.iter().all(|&c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c)) {
        return Err(Error::param("payloadHash", "must be the lowercase hex SHA-256 of the body"));
    }
    Ok(())
}

fn check_method(method: &str) -> Result<()> {
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(Error::param("method", "must be an HTTP method such as PUT"));
    }
    Ok(())
}

impl RequestSigner {
    /// A signer for `service` (e.g. `s3`) in `region` with these credentials (an empty session
    /// token reads as none). `InvalidParameter` naming the first required value that is empty.
    pub fn new(
        access_key_id: &str,
        secret_access_key: &str,
        session_token: Option<&str>,
        region: &str,
        service: &str,
    ) -> Result<Self> {
        for (name, value) in [
            ("accessKeyId", access_key_id),
            ("secretAccessKey", secret_access_key),
            ("region", region),
            ("service", service),
        ] {
            if value.is_empty() {
                return Err(Error::param(name, "is empty"));
            }
        }
        let token = session_token.filter(|t| !t.is_empty());
        Ok(RequestSigner {
            credentials: Credentials::new(access_key_id, secret_access_key, token),
            region: region.into(),
            service: service.into(),
            key: None,
        })
    }

    fn is_s3(&self) -> bool {
        self.service == "s3"
    }

    fn path_mode(&self) -> PathMode {
        if self.is_s3() {
            PathMode::S3
        } else {
            PathMode::Generic { normalize: true }
        }
    }

    /// The scope of a signature made at `time`, and its key (derived once per day).
    fn scope_and_key(&mut self, time: &UtcDateTime) -> (CredentialScope, SigningKey) {
        let scope = CredentialScope::new(time, &self.region, &self.service);
        match &self.key {
            Some((day, key)) if *day == scope.day => (scope, key.clone()),
            _ => {
                let key = SigningKey::derive(&self.credentials.secret_access_key, &scope);
                self.key = Some((scope.day.clone(), key.clone()));
                (scope, key)
            }
        }
    }

    /// The day of the cached signing key, if any.
    pub fn cached_key_day(&self) -> Option<&str> {
        self.key.as_ref().map(|(day, _)| day.as_str())
    }

    /// Signs `method` `url` (absolute, path and query already percent-encoded, exactly as it
    /// will be sent) with the request headers `headers` (`name:value` lines joined by `\n`,
    /// besides `host`, which comes from the URL) at `now_ms`, for the body whose lowercase hex
    /// SHA-256 is `payload_hash` (`None`: `UNSIGNED-PAYLOAD`).
    ///
    /// Returns the headers to add, in this order: `authorization`, `x-amz-date`,
    /// `x-amz-content-sha256` (S3 only), `x-amz-security-token` (with a session token).
    pub fn sign(
        &mut self,
        method: &str,
        url: &str,
        headers: &str,
        payload_hash: Option<&str>,
        now_ms: i64,
    ) -> Result<Vec<(&'static str, String)>> {
        check_method(method)?;
        let parts = split_url(url)?;
        let mut request_headers = vec![("host", parts.host.as_str())];
        request_headers.extend(parse_header_lines(headers)?);
        if let Some(hash) = payload_hash {
            check_payload_hash(hash)?;
        }
        let payload_hash = payload_hash.unwrap_or(UNSIGNED_PAYLOAD);
        let time = UtcDateTime::from_unix_ms(now_ms);
        let amz_date = time.amz_date();

        let token = self.credentials.session_token.clone();
        let mut added: Vec<(&'static str, &str)> = Vec::with_capacity(3);
        added.push(("x-amz-date", &amz_date));
        if let Some(token) = &token {
            added.push(("x-amz-security-token", token));
        }
        if self.is_s3() {
            added.push(("x-amz-content-sha256", payload_hash));
        }
        let signed = canonical_headers(&request_headers, &added, HeaderSelection::AllSignable)?;
        let creq = canonical_request(
            method,
            &canonical_uri(parts.path, self.path_mode()),
            &canonical_query(parts.query, &[]),
            &signed,
            payload_hash,
        );
        let (scope, key) = self.scope_and_key(&time);
        let sig = signature(&key, &string_to_sign(&amz_date, &scope, &creq));

        let mut authorization = String::with_capacity(200);
        authorization.push_str(ALGORITHM);
        authorization.push_str(" Credential=");
        authorization.push_str(&scope.credential(&self.credentials.access_key_id));
        authorization.push_str(", SignedHeaders=");
        authorization.push_str(&signed.signed_headers);
        authorization.push_str(", Signature=");
        authorization.push_str(&sig);

        let mut out: Vec<(&'static str, String)> = Vec::with_capacity(4);
        out.push(("authorization", authorization));
        out.push(("x-amz-date", amz_date.clone()));
        if self.is_s3() {
            out.push(("x-amz-content-sha256", payload_hash.into()));
        }
        if let Some(token) = token {
            out.push(("x-amz-security-token", token));
        }
        Ok(out)
    }

    /// [`Self::sign`]'s headers as a JSON object (text).
    pub fn sign_json(
        &mut self,
        method: &str,
        url: &str,
        headers: &str,
        payload_hash: Option<&str>,
        now_ms: i64,
    ) -> Result<String> {
        let added = self.sign(method, url, headers, payload_hash, now_ms)?;
        let mut o = JsonObject::new();
        for (name, value) in &added {
            o = o.str(name, value);
        }
        Ok(o.to_string())
    }

    /// The presigned form of `method` `url` (absolute, already percent-encoded) made at
    /// `now_ms`, valid for `expires_secs` seconds: the URL with `X-Amz-Algorithm`,
    /// `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-Expires`, `X-Amz-Security-Token` (with a
    /// session token), `X-Amz-SignedHeaders` (`host`) and `X-Amz-Signature` appended to its
    /// query. `InvalidParameter` "expiresIn: ..." unless 1 ≤ `expires_secs` ≤ 604800.
    pub fn presign(&mut self, method: &str, url: &str, expires_secs: u64, now_ms: i64) -> Result<String> {
        check_method(method)?;
        if expires_secs == 0 || expires_secs > u64::from(MAX_PRESIGN_EXPIRES_SECS) {
            return Err(Error::param("expiresIn", "must be between 1 and 604800 seconds (7 days)"));
        }
        let parts = split_url(url)?;
        let host = [("host", parts.host.as_str())];
        let time = UtcDateTime::from_unix_ms(now_ms);
        let amz_date = time.amz_date();
        let (scope, key) = self.scope_and_key(&time);
        let signed = canonical_headers(&host, &[], HeaderSelection::AllSignable)?;
        let mut expires = String::new();
        push_num(&mut expires, expires_secs, 1);
        let credential = scope.credential(&self.credentials.access_key_id);

        let mut added: Vec<(&'static str, &str)> = Vec::with_capacity(7);
        added.push(("X-Amz-Algorithm", ALGORITHM));
        added.push(("X-Amz-Credential", &credential));
        added.push(("X-Amz-Date", &amz_date));
        added.push(("X-Amz-Expires", &expires));
        if let Some(token) = &self.credentials.session_token {
            added.push(("X-Amz-Security-Token", token));
        }
        added.push(("X-Amz-SignedHeaders", &signed.signed_headers));
        let payload_hash = if self.is_s3() { UNSIGNED_PAYLOAD } else { EMPTY_SHA256 };
        let creq = canonical_request(
            method,
            &canonical_uri(parts.path, self.path_mode()),
            &canonical_query(parts.query, &added),
            &signed,
            payload_hash,
        );
        let sig = signature(&key, &string_to_sign(&amz_date, &scope, &creq));

        let mut out = String::with_capacity(url.len() + 600);
        out.push_str(parts.before_query);
        out.push('?');
        out.push_str(parts.query);
        for (name, value) in added.iter().chain([("X-Amz-Signature", sig.as_str())].iter()) {
            if out.as_bytes().last() != Some(&b'?') {
                out.push('&');
            }
            out.push_str(name);
            out.push('=');
            out.push_str(&percent_encode(value, false));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::sigv4::{self, HttpRequestParts, Payload, SigningParams};

    const NOW: i64 = 1_795_968_180_000; // 2026-11-29T16:03:00Z

    fn signer(token: Option<&str>, service: &str) -> RequestSigner {
        RequestSigner::new("ASIAEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", token, "us-east-1", service)
            .unwrap()
    }

    #[test]
    fn header_signing_equals_the_sigv4_driver() {
        for (token, hash) in [(Some("tok/en+="), None), (None, Some(EMPTY_SHA256))] {
            let mut s = signer(token, "s3");
            let url = "http://127.0.0.1:47291/s3/photos/%C3%BCber%20cat%2B1.jpg?partNumber=2&uploadId=a%2Bb";
            let got = s.sign("PUT", url, "content-type:image/jpeg\nx-amz-meta-album: cats \n", hash, NOW).unwrap();
            let headers = [("host", "127.0.0.1:47291"), ("content-type", "image/jpeg"), ("x-amz-meta-album", " cats ")];
            let parts = HttpRequestParts {
                method: "PUT",
                path: "/s3/photos/%C3%BCber%20cat%2B1.jpg",
                query: "partNumber=2&uploadId=a%2Bb",
                headers: &headers,
            };
            let mut params = SigningParams::s3("us-east-1", UtcDateTime::from_unix_ms(NOW));
            if let Some(h) = hash {
                params.payload = Payload::Sha256Hex(h);
            }
            let creds = Credentials::new("ASIAEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", token);
            let want = sigv4::sign_headers(&parts, &params, &creds).unwrap();
            let find = |list: &[(&'static str, String)], name: &str| {
                list.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone())
            };
            for name in ["authorization", "x-amz-date", "x-amz-content-sha256", "x-amz-security-token"] {
                assert_eq!(find(&got, name), find(&want.headers, name), "{name}");
            }
            assert_eq!(got.len(), want.headers.len());
            assert_eq!(got[0].0, "authorization");
        }
    }

    #[test]
    fn generic_mode_signs_like_the_driver() {
        let mut s = signer(None, "cognito-identity");
        let got = s
            .sign("POST", "https://cognito-identity.us-east-1.amazonaws.com/", "x-amz-target:X.Y", Some(EMPTY_SHA256), NOW)
            .unwrap();
        let headers = [("host", "cognito-identity.us-east-1.amazonaws.com"), ("x-amz-target", "X.Y")];
        let parts = HttpRequestParts { method: "POST", path: "/", query: "", headers: &headers };
        let mut params = SigningParams::new("us-east-1", "cognito-identity", UtcDateTime::from_unix_ms(NOW));
        params.payload = Payload::Sha256Hex(EMPTY_SHA256);
        let creds = Credentials::new("ASIAEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None);
        let want = sigv4::sign_headers(&parts, &params, &creds).unwrap();
        assert_eq!(got[0].1, want.headers.iter().find(|(n, _)| *n == "authorization").unwrap().1);
        assert_eq!(got.len(), 2, "no x-amz-content-sha256 outside S3");
    }

    #[test]
    fn presigning_equals_the_sigv4_driver() {
        let mut s = signer(Some("FwoGZXIvYXdzE//token=="), "s3");
        let url = "https://photos.s3.us-east-1.amazonaws.com:443/a/b%20c.jpg?response-content-type=image%2Fjpeg";
        let got = s.presign("GET", url, 900, NOW).unwrap();
        let host = [("host", "photos.s3.us-east-1.amazonaws.com")];
        let parts = HttpRequestParts {
            method: "GET",
            path: "/a/b%20c.jpg",
            query: "response-content-type=image%2Fjpeg",
            headers: &host,
        };
        let params = SigningParams::s3("us-east-1", UtcDateTime::from_unix_ms(NOW));
        let creds = Credentials::new("ASIAEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", Some("FwoGZXIvYXdzE//token=="));
        let want = sigv4::presign(&parts, &params, &creds, 900).unwrap();
        let mut expected = String::from("https://photos.s3.us-east-1.amazonaws.com:443/a/b%20c.jpg?");
        expected.push_str(&want.query);
        assert_eq!(got, expected);
        // Without a query of its own.
        let got = s.presign("GET", "http://127.0.0.1:9000/s3/b/k", 1, NOW).unwrap();
        assert!(got.starts_with("http://127.0.0.1:9000/s3/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ASIAEXAMPLE%2F20261129%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20261129T160300Z&X-Amz-Expires=1&X-Amz-Security-Token="), "{got}");
        assert!(got.contains("&X-Amz-SignedHeaders=host&X-Amz-Signature="));
    }

    #[test]
    fn the_key_is_derived_once_per_day() {
        let mut s = signer(None, "s3");
        assert_eq!(s.cached_key_day(), None);
        let a = s.presign("GET", "https://b.s3.us-east-1.amazonaws.com/k", 60, NOW).unwrap();
        assert_eq!(s.cached_key_day(), Some("20261129"));
        let b = s.presign("GET", "https://b.s3.us-east-1.amazonaws.com/k", 60, NOW).unwrap();
        assert_eq!(a, b);
        s.presign("GET", "https://b.s3.us-east-1.amazonaws.com/k", 60, NOW + 86_400_000).unwrap();
        assert_eq!(s.cached_key_day(), Some("20261130"));
        let debug = format!("{s:?}");
        assert!(!debug.contains("wJalr") && debug.contains("<redacted>"), "{debug}");
    }

    #[test]
    fn hosts_and_refusals() {
        let host = |url: &str| split_url(url).map(|p| p.host);
        assert_eq!(host("http://127.0.0.1:80/x").unwrap(), "127.0.0.1");
        assert_eq!(host("https://Bucket.S3.amazonaws.com:8443").unwrap(), "bucket.s3.amazonaws.com:8443");
        assert_eq!(host("http://[::1]:9000/x").unwrap(), "[::1]:9000");
        assert_eq!(host("http://[::1]/x").unwrap(), "[::1]");
        assert_eq!(split_url("https://h?x=1").unwrap().path, "/");
        for bad in ["ftp://h/", "https://", "https://u@h/", "https://h:8a/", "https://h/a b", "https://h/#f", "/relative"] {
            assert!(host(bad).unwrap_err().message.starts_with("url: "), "{bad}");
        }
        let mut s = signer(None, "s3");
        let msg = |r: Result<Vec<(&'static str, String)>>| r.unwrap_err().message;
        assert!(msg(s.sign("PUT", "https://h/k", "bad line", None, NOW)).starts_with("headers: "));
        assert!(msg(s.sign("PUT", "https://h/k", "Host:x", None, NOW)).starts_with("headers: "));
        assert!(msg(s.sign("PUT", "https://h/k", ":x", None, NOW)).starts_with("headers: "));
        assert!(msg(s.sign("PUT", "https://h/k", "", Some("ABC"), NOW)).starts_with("payloadHash: "));
        assert!(msg(s.sign("put", "https://h/k", "", None, NOW)).starts_with("method: "));
        assert!(s.presign("GET", "https://h/k", 0, NOW).unwrap_err().message.starts_with("expiresIn: "));
        assert!(s.presign("GET", "https://h/k", 604_801, NOW).unwrap_err().message.starts_with("expiresIn: "));
        let e = RequestSigner::new("", "s", None, "r", "s3").unwrap_err();
        assert_eq!((e.name(), e.message.as_str()), ("InvalidParameter", "accessKeyId: is empty"));
        assert!(RequestSigner::new("a", "s", None, "", "s3").unwrap_err().message.starts_with("region: "));
        let json = s.sign_json("GET", "https://h/k", "", None, NOW).unwrap();
        assert!(json.starts_with("{\"authorization\":\"AWS4-HMAC-SHA256 Credential="), "{json}");
        assert!(json.contains("\"x-amz-content-sha256\":\"UNSIGNED-PAYLOAD\""));
        assert!(!json.contains("x-amz-security-token"));
    }
}

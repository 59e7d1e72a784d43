//! The AWS SigV4 signing test suite (the SDK's copy, `../tests/fixtures/sigv4/`, see its
//! SOURCE.md) through the emulator's verifier: each case's *signed* request (header-signed and
//! presigned) is read as the emulator's server would receive it, its claim parsed, its signature
//! recomputed by aws-sigv4 in S3 mode ([`emulator::s3::sigv4::expected_signature`]) and its
//! explanation ([`emulator::s3::sigv4::explain`]) compared with the suite's canonical request
//! and string to sign.
//!
//! The suite is written for a generic service (path normalised and encoded a second time). S3
//! does neither, so the cases whose canonical URI is not the wire path are not S3 requests; they
//! are listed below and checked to be exactly those. The two old-format cases without a
//! `context.json` (`double-url-encode`, `double-encode-path`) are Lambda's double encoding and
//! are left out for the same reason.

use emulator::http::Req;
use emulator::s3::sigv4::{claim_from_headers, claim_from_query, expected_signature, explain, Location};
use std::path::{Path, PathBuf};

/// Cases whose canonical URI differs from the wire path (normalisation or double encoding).
const NOT_S3: [&str; 15] = [
    "get-relative-normalized",
    "get-relative-relative-normalized",
    "get-relative-relative-unnormalized",
    "get-relative-unnormalized",
    "get-slash-dot-slash-normalized",
    "get-slash-dot-slash-unnormalized",
    "get-slash-normalized",
    "get-slash-pointless-dot-normalized",
    "get-slash-pointless-dot-unnormalized",
    "get-slash-unnormalized",
    "get-slashes-normalized",
    "get-slashes-unnormalized",
    "get-space-normalized",
    "get-space-unnormalized",
    "get-utf8",
];

/// The case whose session token is added to the request after signing. With header signing the
/// token header is simply not among the signed headers, which the verifier reproduces (the
/// emulator then refuses the unsigned `x-amz-*` header). A presigned URL has no such choice: S3
/// signs every query parameter but `X-Amz-Signature`, so the suite's query signature (made
/// without the token) must *not* verify.
const TOKEN_ADDED_AFTER_SIGNING: &str = "post-sts-header-after";

fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/sigv4")
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{}/{file}: {e}", dir.display()))
}

/// A request of the suite as a server receives it: header names lower-cased, values trimmed,
/// obsolete line folding replaced with one space (RFC 9112 §5.2), the target split at `?`.
fn parse_request(text: &str) -> Req {
    let (head, body) = text.split_once("\n\n").unwrap_or((text, ""));
    let mut lines = head.lines();
    let request_line = lines.next().unwrap();
    let (method, rest) = request_line.split_once(' ').unwrap();
    let target = rest.rsplit_once(' ').map_or(rest, |(t, _)| t);
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in lines {
        if line.starts_with([' ', '\t']) {
            let last = headers.last_mut().expect("a folded line follows a header");
            last.1.push(' ');
            last.1.push_str(line.trim());
        } else {
            let (name, value) = line.split_once(':').unwrap();
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
    }
    Req {
        method: method.into(),
        raw_path: path.into(),
        raw_query: query.into(),
        headers,
        body: body.as_bytes().to_vec(),
    }
}

fn sha256_hex(data: &[u8]) -> String {
    emulator::crypto::hex(&emulator::crypto::sha256(data))
}

/// The secret access key of a case's `context.json`.
fn secret(context: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(context).unwrap();
    v["credentials"]["secret_access_key"].as_str().unwrap().to_string()
}

/// Checks one location of one case; `Err` with what differs.
fn check(dir: &Path, location: Location) -> Result<(), String> {
    let prefix = match location {
        Location::Headers => "header",
        Location::Query => "query",
    };
    let req = parse_request(&read(dir, &format!("{prefix}-signed-request.txt")));
    let creq = read(dir, &format!("{prefix}-canonical-request.txt"));
    let sts = read(dir, &format!("{prefix}-string-to-sign.txt"));
    let signature = read(dir, &format!("{prefix}-signature.txt"));
    let claim = match location {
        Location::Headers => claim_from_headers(&req.headers),
        Location::Query => claim_from_query(&req.raw_query),
    }
    .map_err(|e| format!("{prefix}: claim: {e:?}"))?;
    if claim.signature != signature.trim() {
        return Err(format!("{prefix}: the signed request does not carry the suite's signature"));
    }
    // The suite signs the body's hash (sign_body false means no x-amz-content-sha256 header).
    let payload = sha256_hex(&parse_request(&read(dir, "request.txt")).body);
    if !creq.ends_with(&payload) {
        return Err(format!("{prefix}: payload hash {payload} is not the suite's"));
    }
    let computed = expected_signature(&req, &claim, &payload, &secret(&read(dir, "context.json")))
        .map_err(|e| format!("{prefix}: {e}"))?;
    if computed != claim.signature {
        return Err(format!("{prefix}: aws-sigv4 computed {computed}, the suite says {}", claim.signature));
    }
    let explained = explain(&req, &claim, &payload);
    if explained.canonical_request != creq {
        return Err(format!("{prefix}: canonical request\n{}\n!=\n{creq}", explained.canonical_request));
    }
    if explained.string_to_sign != sts {
        return Err(format!("{prefix}: string to sign\n{}\n!=\n{sts}", explained.string_to_sign));
    }
    Ok(())
}

#[test]
fn aws_signing_suite_s3_like_cases_verify() {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(suite_dir())
        .expect("the SDK's copy of the signing suite")
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("context.json").exists())
        .collect();
    cases.sort();
    assert!(cases.len() >= 38, "{} cases", cases.len());

    let mut verified = 0;
    let mut failures = Vec::new();
    let mut not_s3 = Vec::new();
    for dir in &cases {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let request = parse_request(&read(dir, "request.txt"));
        let creq = read(dir, "header-canonical-request.txt");
        let canonical_uri = creq.lines().nth(1).unwrap();
        if NOT_S3.contains(&name.as_str()) {
            not_s3.push(name);
            continue;
        }
        assert_eq!(canonical_uri, request.raw_path, "{name}: S3 signs the wire path as it is");
        for location in [Location::Headers, Location::Query] {
            match (check(dir, location), location == Location::Query && name == TOKEN_ADDED_AFTER_SIGNING) {
                (Ok(()), false) => verified += 1,
                (Err(e), false) => failures.push(format!("{name}: {e}")),
                (Err(e), true) => assert!(e.starts_with("query: aws-sigv4 computed"), "{name}: {e}"),
                (Ok(()), true) => failures.push(format!("{name}: a presigned URL with an unsigned token verified")),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert_eq!(not_s3.len(), NOT_S3.len(), "every listed case exists: {not_s3:?}");
    assert_eq!(verified, 2 * (cases.len() - NOT_S3.len()) - 1);
}

//! S3's answers read into the JSON the storage driver (`js/storage.js`) acts on: the result of a
//! successful operation, or `{"error": {name, message, status?, serverTime?, retry?}}`, where
//! `retry` says what may make a retry succeed (see [`Retry`]).

use crate::prelude::*;

use super::timestamp::parse_timestamp;
use super::xml::{self, Element};
use crate::core::encoding::concat;
use crate::core::error::{Error, ErrorCode};
use crate::core::json::{Json, JsonObject};
use crate::core::time::push_num;

/// What may make a failed request succeed when it is sent again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Waiting: the service is busy or failing, or the network is (`"backoff"`).
    Backoff,
    /// Signing with the server's time (the error's `serverTime`) instead of the device's
    /// (`"clock"`).
    Clock,
    /// Fresh credentials: the session token expired (`"credentials"`).
    Credentials,
}

impl Retry {
    /// The JSON name: `backoff`, `clock` or `credentials`.
    pub fn as_str(self) -> &'static str {
        match self {
            Retry::Backoff => "backoff",
            Retry::Clock => "clock",
            Retry::Credentials => "credentials",
        }
    }
}

/// `{"error": {"name", "message", "status"?, "serverTime"?, "retry"?}}` as JSON text: a failed
/// storage request as the driver reads it (`status` left out when it is absent or 0).
pub fn failure_json(error: &Error, server_time: Option<i64>, retry: Option<Retry>) -> String {
    let mut e = JsonObject::new().str("name", error.name()).str("message", &error.message);
    if let Some(status) = error.status.filter(|&s| s != 0) {
        e = e.num("status", u64::from(status));
    }
    if let Some(ms) = server_time {
        e = e.value("serverTime", Json::from(ms));
    }
    if let Some(retry) = retry {
        e = e.str("retry", retry.as_str());
    }
    JsonObject::new().obj("error", e).to_string()
}

/// The S3 operations whose successful answer carries a result document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum S3Operation {
    /// `CreateMultipartUpload` (`InitiateMultipartUploadResult`).
    CreateMultipartUpload,
    /// `ListParts` (`ListPartsResult`).
    ListParts,
    /// `ListObjectsV2` (`ListBucketResult`).
    ListObjectsV2,
    /// `ListMultipartUploads` (`ListMultipartUploadsResult`).
    ListMultipartUploads,
    /// `CompleteMultipartUpload` (`CompleteMultipartUploadResult`, or an `Error` with status 200).
    CompleteMultipartUpload,
}

impl S3Operation {
    /// The operation named `kind`; `None` for the operations whose success has no result
    /// (`PutObject`, `UploadPart`, `DeleteObject`, `AbortMultipartUpload`, `HeadObject`, ...).
    pub fn from_name(kind: &str) -> Option<Self> {
        Some(match kind {
            "CreateMultipartUpload" => S3Operation::CreateMultipartUpload,
            "ListParts" => S3Operation::ListParts,
            "ListObjectsV2" => S3Operation::ListObjectsV2,
            "ListMultipartUploads" => S3Operation::ListMultipartUploads,
            "CompleteMultipartUpload" => S3Operation::CompleteMultipartUpload,
            _ => return None,
        })
    }

    /// The operation's name.
    pub fn name(self) -> &'static str {
        match self {
            S3Operation::CreateMultipartUpload => "CreateMultipartUpload",
            S3Operation::ListParts => "ListParts",
            S3Operation::ListObjectsV2 => "ListObjectsV2",
            S3Operation::ListMultipartUploads => "ListMultipartUploads",
            S3Operation::CompleteMultipartUpload => "CompleteMultipartUpload",
        }
    }

    /// The root element of the operation's result document.
    fn result_root(self) -> &'static str {
        match self {
            S3Operation::CreateMultipartUpload => "InitiateMultipartUploadResult",
            S3Operation::ListParts => "ListPartsResult",
            S3Operation::ListObjectsV2 => "ListBucketResult",
            S3Operation::ListMultipartUploads => "ListMultipartUploadsResult",
            S3Operation::CompleteMultipartUpload => "CompleteMultipartUploadResult",
        }
    }
}

/// Reads S3's answer to the operation named `kind` (`status` 0: no answer arrived, `body` says
/// why) as JSON text:
///
/// - 2xx: the operation's result — `CreateMultipartUpload` `{uploadId}`; `ListParts`
///   `{parts: [{partNumber, etag, size, checksum?}], truncated, nextPartNumberMarker?}`;
///   `ListObjectsV2` `{objects: [{key, size, etag, lastModified}], prefixes, truncated,
///   nextContinuationToken?}`; `ListMultipartUploads` `{uploads: [{key, uploadId, initiated}],
///   truncated, nextKeyMarker?, nextUploadIdMarker?}`; `CompleteMultipartUpload`
///   `{etag, location?}`; any other kind `{}`. Times are ms since the epoch; keys of a listing
///   made with `encoding-type=url` are decoded. An `Error` document (S3 sends one with status
///   200 for a failed `CompleteMultipartUpload`) is an error; a malformed or incomplete document
///   is an `InternalError` naming the operation.
/// - otherwise: `{"error": {...}}` ([`failure_json`]) named by the error document's `Code`, or
///   without one by the status (301 `PermanentRedirect`, 400 `BadRequest`, 403 `AccessDenied`,
///   404 `NotFound`, 5xx `InternalError`, ...; status 0 `NetworkError`), with the document's
///   `ServerTime` and the [`Retry`] that applies.
pub fn answer_json(kind: &str, status: u16, body: &str) -> String {
    if status == 0 {
        let why = if body.is_empty() { "no answer from S3" } else { body };
        let e = Error::new(ErrorCode::NetworkError, why);
        return failure_json(&e, None, Some(Retry::Backoff));
    }
    let operation = S3Operation::from_name(kind);
    if (200..300).contains(&status) {
        let Some(operation) = operation else {
            return "{}".to_owned();
        };
        let parsed = match xml::parse(body) {
            Ok(root) if root.name == "Error" && root.child("Code").is_some() => {
                return error_answer(status, Some(&root));
            }
            Ok(root) => result_json(operation, &root),
            Err(e) => Err(concat(" is not valid XML: ", &e.message)),
        };
        return match parsed {
            Ok(json) => json.to_string(),
            Err(problem) => {
                let mut m = String::from(operation.name());
                m.push_str(": the answer");
                m.push_str(&problem);
                let e = Error::internal(&m).with_status(status);
                let retry = retry_for(e.name(), status);
                failure_json(&e, None, retry)
            }
        };
    }
    let root = xml::parse(body).ok();
    error_answer(status, root.as_ref().filter(|r| r.name == "Error"))
}

/// The failure of an answer with `status`, from its `Error` document when there is one.
fn error_answer(status: u16, document: Option<&Element<'_>>) -> String {
    let code = document.and_then(|d| d.child_text("Code")).filter(|c| !c.is_empty());
    let message = document.and_then(|d| d.child_text("Message")).filter(|m| !m.is_empty());
    let server_time = document.and_then(|d| d.child_text("ServerTime")).and_then(parse_timestamp);
    let name = code.unwrap_or_else(|| name_for_status(status));
    let message = match message {
        Some(m) => m.to_owned(),
        None => {
            let mut m = String::from("S3 answered HTTP ");
            push_num(&mut m, u64::from(status), 1);
            m.push_str(if code.is_some() { " without a message" } else { " without an error document" });
            m
        }
    };
    let e = Error::service(name, message, status);
    failure_json(&e, server_time, retry_for(e.name(), status))
}

/// The error name of an answer without an error document (a `HEAD`, or a proxy's page).
fn name_for_status(status: u16) -> &'static str {
    match status {
        301 => "PermanentRedirect",
        304 => "NotModified",
        307 => "TemporaryRedirect",
        400 => "BadRequest",
        403 => "AccessDenied",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        409 => "Conflict",
        412 => "PreconditionFailed",
        416 => "InvalidRange",
        429 => "TooManyRequests",
        500..=599 => "InternalError",
        _ => "UnknownError",
    }
}

/// What may make a retry of a request that failed with error `name` and `status` succeed.
fn retry_for(name: &str, status: u16) -> Option<Retry> {
    match name {
        "RequestTimeTooSkewed" => Some(Retry::Clock),
        "ExpiredToken" => Some(Retry::Credentials),
        "NetworkError" | "InternalError" | "SlowDown" | "RequestTimeout" | "ServiceUnavailable"
        | "Throttling" | "ThrottlingException" | "RequestLimitExceeded" => Some(Retry::Backoff),
        _ if status >= 500 || status == 429 => Some(Retry::Backoff),
        _ => None,
    }
}

/// Why a result document could not be read: the end of "<Operation>: the answer ...".
type Problem = String;

fn missing(element: &str, within: &str) -> Problem {
    let mut m = String::from(" has no ");
    m.push_str(element);
    m.push_str(" in ");
    m.push_str(within);
    m
}

/// The text of `parent`'s child `name`, which must be present.
fn required<'e>(parent: &'e Element<'_>, name: &str) -> Result<&'e str, Problem> {
    parent.child_text(name).ok_or_else(|| missing(name, parent.name))
}

/// The child `name` as a decimal integer, which must be present.
fn required_u64(parent: &Element<'_>, name: &str) -> Result<u64, Problem> {
    let text = required(parent, name)?;
    parse_u64(text).ok_or_else(|| {
        let mut m = String::from(" has a non-numeric ");
        m.push_str(name);
        m
    })
}

/// The child `name` as an ISO 8601 timestamp in ms, which must be present.
fn required_time(parent: &Element<'_>, name: &str) -> Result<i64, Problem> {
    let text = required(parent, name)?;
    parse_timestamp(text).ok_or_else(|| {
        let mut m = String::from(" has a malformed ");
        m.push_str(name);
        m
    })
}

/// 1 to 20 ASCII digits as a `u64` (no sign, no spaces).
fn parse_u64(text: &str) -> Option<u64> {
    let b = text.as_bytes();
    if b.is_empty() || b.len() > 20 {
        return None;
    }
    b.iter().try_fold(0u64, |n, &d| {
        if !d.is_ascii_digit() {
            return None;
        }
        n.checked_mul(10)?.checked_add(u64::from(d - b'0'))
    })
}

/// `IsTruncated`: `true` only when it says so.
fn truncated(root: &Element<'_>) -> bool {
    root.child_text("IsTruncated") == Some("true")
}

/// The child `name`'s text when present and not empty.
fn non_empty<'e>(parent: &'e Element<'_>, name: &str) -> Option<&'e str> {
    parent.child_text(name).filter(|t| !t.is_empty())
}

/// A key as a listing made with `encoding-type=url` writes it: `%XX` escapes and `+` for a
/// space. Text whose escapes do not decode to UTF-8 is kept as written (byte-wise, without
/// `String::from_utf8_lossy`'s chunk iterator).
fn url_decode(text: &str) -> String {
    let t = text.as_bytes();
    let mut out = Vec::with_capacity(t.len());
    let mut i = 0;
    while let Some(&c) = t.get(i) {
        let hex = |at: usize| t.get(at).and_then(|&d| (d as char).to_digit(16));
        match (c, hex(i + 1), hex(i + 2)) {
            (b'%', Some(hi), Some(lo)) => {
                out.push((hi * 16 + lo) as u8);
                i += 3;
                continue;
            }
            (b'+', _, _) => out.push(b' '),
            _ => out.push(c),
        }
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

fn result_json(operation: S3Operation, root: &Element<'_>) -> Result<JsonObject, Problem> {
    if root.name != operation.result_root() {
        return Err(concat(&concat(" is not a ", operation.result_root()), " document"));
    }
    // Listings made with `encoding-type=url` carry keys and prefixes URL-encoded.
    let url_encoded = root.child_text("EncodingType") == Some("url");
    let key = |text: &str| -> String {
        if url_encoded {
            url_decode(text)
        } else {
            text.to_owned()
        }
    };
    Ok(match operation {
        S3Operation::CreateMultipartUpload => JsonObject::new().str("uploadId", required(root, "UploadId")?),
        S3Operation::CompleteMultipartUpload => JsonObject::new()
            .str("etag", required(root, "ETag")?)
            .opt_str("location", non_empty(root, "Location")),
        S3Operation::ListParts => {
            let mut parts = Vec::new();
            for part in root.children_named("Part") {
                let checksum = non_empty(part, "ChecksumCRC32").or_else(|| non_empty(part, "ChecksumCRC64NVME"));
                parts.push(
                    JsonObject::new()
                        .num("partNumber", required_u64(part, "PartNumber")?)
                        .str("etag", required(part, "ETag")?)
                        .num("size", required_u64(part, "Size")?)
                        .opt_str("checksum", checksum),
                );
            }
            let out = JsonObject::new().objects("parts", parts).bool("truncated", truncated(root));
            match non_empty(root, "NextPartNumberMarker") {
                Some(_) => out.num("nextPartNumberMarker", required_u64(root, "NextPartNumberMarker")?),
                None => out,
            }
        }
        S3Operation::ListObjectsV2 => {
            let mut objects = Vec::new();
            for object in root.children_named("Contents") {
                objects.push(
                    JsonObject::new()
                        .str("key", &key(required(object, "Key")?))
                        .num("size", required_u64(object, "Size")?)
                        .str("etag", required(object, "ETag")?)
                        .value("lastModified", Json::from(required_time(object, "LastModified")?)),
                );
            }
            let mut prefixes = Vec::new();
            for common in root.children_named("CommonPrefixes") {
                prefixes.push(key(required(common, "Prefix")?));
            }
            JsonObject::new()
                .objects("objects", objects)
                .str_array("prefixes", prefixes.iter().map(String::as_str))
                .bool("truncated", truncated(root))
                .opt_str("nextContinuationToken", non_empty(root, "NextContinuationToken"))
        }
        S3Operation::ListMultipartUploads => {
            let mut uploads = Vec::new();
            for upload in root.children_named("Upload") {
                uploads.push(
                    JsonObject::new()
                        .str("key", &key(required(upload, "Key")?))
                        .str("uploadId", required(upload, "UploadId")?)
                        .value("initiated", Json::from(required_time(upload, "Initiated")?)),
                );
            }
            let next_key = non_empty(root, "NextKeyMarker").map(key);
            JsonObject::new()
                .objects("uploads", uploads)
                .bool("truncated", truncated(root))
                .opt_str("nextKeyMarker", next_key.as_deref())
                .opt_str("nextUploadIdMarker", non_empty(root, "NextUploadIdMarker"))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NS: &str = "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"";

    fn doc(root: &str, inner: &str) -> String {
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<{root} {NS}>{inner}</{root}>")
    }

    #[test]
    fn network_errors() {
        assert_eq!(
            answer_json("PutObject", 0, "Failed to fetch"),
            r#"{"error":{"name":"NetworkError","message":"Failed to fetch","retry":"backoff"}}"#
        );
        assert!(answer_json("ListParts", 0, "").contains("\"message\":\"no answer from S3\""));
    }

    #[test]
    fn results_without_a_document() {
        for kind in ["PutObject", "UploadPart", "DeleteObject", "AbortMultipartUpload", "HeadObject", "Other"] {
            assert_eq!(answer_json(kind, 200, ""), "{}");
            assert_eq!(answer_json(kind, 204, "garbage"), "{}");
        }
    }

    #[test]
    fn create_and_complete() {
        let body = doc("InitiateMultipartUploadResult", "<Bucket>b</Bucket><Key>k</Key><UploadId>VXBsb2Fk&amp;1</UploadId>");
        assert_eq!(answer_json("CreateMultipartUpload", 200, &body), r#"{"uploadId":"VXBsb2Fk&1"}"#);
        let body = doc(
            "CompleteMultipartUploadResult",
            "<Location>http://h/b/k</Location><Bucket>b</Bucket><Key>k</Key><ETag>&quot;3858f62230ac3c915f300c664312c11f-9&quot;</ETag>",
        );
        assert_eq!(
            answer_json("CompleteMultipartUpload", 200, &body),
            r#"{"etag":"\"3858f62230ac3c915f300c664312c11f-9\"","location":"http://h/b/k"}"#
        );
        // S3 reports a failed completion with status 200 and an Error document.
        let error = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message><RequestId>1</RequestId></Error>";
        assert_eq!(
            answer_json("CompleteMultipartUpload", 200, error),
            r#"{"error":{"name":"InternalError","message":"We encountered an internal error. Please try again.","status":200,"retry":"backoff"}}"#
        );
    }

    #[test]
    fn list_parts() {
        let body = doc(
            "ListPartsResult",
            "<Bucket>b</Bucket><Key>k</Key><UploadId>u</UploadId><PartNumberMarker>0</PartNumberMarker>\
             <NextPartNumberMarker>2</NextPartNumberMarker><MaxParts>2</MaxParts><IsTruncated>true</IsTruncated>\
             <Part><PartNumber>1</PartNumber><LastModified>2026-11-29T16:03:00.000Z</LastModified><ETag>&quot;a&quot;</ETag><Size>5242880</Size><ChecksumCRC32>AAAAAA==</ChecksumCRC32></Part>\
             <Part><PartNumber>2</PartNumber><ETag>\"b\"</ETag><Size>7</Size></Part>",
        );
        assert_eq!(
            answer_json("ListParts", 200, &body),
            r#"{"parts":[{"partNumber":1,"etag":"\"a\"","size":5242880,"checksum":"AAAAAA=="},{"partNumber":2,"etag":"\"b\"","size":7}],"truncated":true,"nextPartNumberMarker":2}"#
        );
        let empty = doc("ListPartsResult", "<IsTruncated>false</IsTruncated>");
        assert_eq!(answer_json("ListParts", 200, &empty), r#"{"parts":[],"truncated":false}"#);
        let bad = doc("ListPartsResult", "<Part><PartNumber>1</PartNumber><ETag>x</ETag></Part>");
        assert_eq!(
            answer_json("ListParts", 200, &bad),
            r#"{"error":{"name":"InternalError","message":"ListParts: the answer has no Size in Part","status":200,"retry":"backoff"}}"#
        );
        let bad = doc("ListPartsResult", "<Part><PartNumber>x</PartNumber><ETag>x</ETag><Size>1</Size></Part>");
        assert!(answer_json("ListParts", 200, &bad).contains("ListParts: the answer has a non-numeric PartNumber"));
    }

    #[test]
    fn list_objects() {
        let body = doc(
            "ListBucketResult",
            "<Name>b</Name><Prefix>p/</Prefix><KeyCount>2</KeyCount><MaxKeys>1000</MaxKeys><Delimiter>/</Delimiter>\
             <IsTruncated>true</IsTruncated><NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>\
             <Contents><Key>p/caf&#233; &amp; cat.jpg</Key><LastModified>2009-10-12T17:50:30.000Z</LastModified><ETag>&quot;fba9dede5f27731c9771645a39863328&quot;</ETag><Size>434234</Size><StorageClass>STANDARD</StorageClass></Contents>\
             <CommonPrefixes><Prefix>p/album/</Prefix></CommonPrefixes>",
        );
        assert_eq!(
            answer_json("ListObjectsV2", 200, &body),
            r#"{"objects":[{"key":"p/café & cat.jpg","size":434234,"etag":"\"fba9dede5f27731c9771645a39863328\"","lastModified":1255369830000}],"prefixes":["p/album/"],"truncated":true,"nextContinuationToken":"1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM="}"#
        );
        let encoded = doc(
            "ListBucketResult",
            "<EncodingType>url</EncodingType><IsTruncated>false</IsTruncated>\
             <Contents><Key>p/%C3%BCber+cat%2B1.jpg</Key><LastModified>2009-10-12T17:50:30Z</LastModified><ETag>e</ETag><Size>1</Size></Contents>\
             <CommonPrefixes><Prefix>a+b/</Prefix></CommonPrefixes>",
        );
        assert_eq!(
            answer_json("ListObjectsV2", 200, &encoded),
            r#"{"objects":[{"key":"p/über cat+1.jpg","size":1,"etag":"e","lastModified":1255369830000}],"prefixes":["a b/"],"truncated":false}"#
        );
        assert_eq!(url_decode("%zz%4"), "%zz%4");
        assert_eq!(url_decode("%FF"), "%FF", "not UTF-8: kept as written");
        let bad = doc("ListBucketResult", "<Contents><Key>k</Key><LastModified>yesterday</LastModified><ETag>e</ETag><Size>1</Size></Contents>");
        assert!(answer_json("ListObjectsV2", 200, &bad).contains("the answer has a malformed LastModified"));
    }

    #[test]
    fn list_uploads() {
        let body = doc(
            "ListMultipartUploadsResult",
            "<Bucket>b</Bucket><KeyMarker></KeyMarker><UploadIdMarker></UploadIdMarker><NextKeyMarker>k2</NextKeyMarker>\
             <NextUploadIdMarker>u2</NextUploadIdMarker><MaxUploads>2</MaxUploads><IsTruncated>true</IsTruncated>\
             <Upload><Key>k1</Key><UploadId>u1</UploadId><Initiated>2010-11-10T20:48:33.000Z</Initiated></Upload>\
             <Upload><Key>k2</Key><UploadId>u2</UploadId><Initiated>2010-11-10T20:49:33.000Z</Initiated></Upload>",
        );
        assert_eq!(
            answer_json("ListMultipartUploads", 200, &body),
            r#"{"uploads":[{"key":"k1","uploadId":"u1","initiated":1289422113000},{"key":"k2","uploadId":"u2","initiated":1289422173000}],"truncated":true,"nextKeyMarker":"k2","nextUploadIdMarker":"u2"}"#
        );
        let last = doc("ListMultipartUploadsResult", "<NextKeyMarker/><NextUploadIdMarker></NextUploadIdMarker><IsTruncated>false</IsTruncated>");
        assert_eq!(answer_json("ListMultipartUploads", 200, &last), r#"{"uploads":[],"truncated":false}"#);
    }

    #[test]
    fn malformed_success_documents() {
        assert_eq!(
            answer_json("ListParts", 200, "<ListPartsResult>"),
            r#"{"error":{"name":"InternalError","message":"ListParts: the answer is not valid XML: invalid XML: unclosed element at byte 17","status":200,"retry":"backoff"}}"#
        );
        assert!(answer_json("CreateMultipartUpload", 200, "").contains("CreateMultipartUpload: the answer is not valid XML"));
        assert!(answer_json("ListObjectsV2", 200, "<ListPartsResult/>")
            .contains("ListObjectsV2: the answer is not a ListBucketResult document"));
        assert!(answer_json("ListParts", 200, "<!DOCTYPE x [<!ENTITY a SYSTEM \"file:///etc/passwd\">]><x>&a;</x>")
            .contains("document type declarations are not read"));
    }

    #[test]
    fn error_documents() {
        let skewed = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>RequestTimeTooSkewed</Code>\
            <Message>The difference between the request time and the current time is too large.</Message>\
            <RequestTime>20261129T170300Z</RequestTime><ServerTime>2026-11-29T16:03:00Z</ServerTime>\
            <MaxAllowedSkewMilliseconds>900000</MaxAllowedSkewMilliseconds></Error>";
        assert_eq!(
            answer_json("PutObject", 403, skewed),
            r#"{"error":{"name":"RequestTimeTooSkewed","message":"The difference between the request time and the current time is too large.","status":403,"serverTime":1795968180000,"retry":"clock"}}"#
        );
        let expired = "<Error><Code>ExpiredToken</Code><Message>The provided token has expired.</Message></Error>";
        assert!(answer_json("UploadPart", 400, expired).ends_with(r#""status":400,"retry":"credentials"}}"#));
        for (code, status, retry) in [
            ("AccessDenied", 403, None),
            ("NoSuchKey", 404, None),
            ("SignatureDoesNotMatch", 403, None),
            ("NoSuchUpload", 404, None),
            ("InvalidToken", 400, None),
            ("SlowDown", 503, Some("backoff")),
            ("RequestTimeout", 400, Some("backoff")),
            ("ServiceUnavailable", 503, Some("backoff")),
            ("Throttling", 400, Some("backoff")),
            ("ThrottlingException", 400, Some("backoff")),
            ("RequestLimitExceeded", 400, Some("backoff")),
            ("Whatever", 429, Some("backoff")),
            ("Whatever", 502, Some("backoff")),
        ] {
            let body = format!("<Error><Code>{code}</Code><Message>m</Message></Error>");
            let out = answer_json("DeleteObject", status, &body);
            let mut want = format!(r#"{{"error":{{"name":"{code}","message":"m","status":{status}"#);
            if let Some(r) = retry {
                want.push_str(&format!(r#","retry":"{r}""#));
            }
            want.push_str("}}");
            assert_eq!(out, want);
        }
        let no_message = answer_json("PutObject", 403, "<Error><Code>AccessDenied</Code></Error>");
        assert!(no_message.contains(r#""message":"S3 answered HTTP 403 without a message""#), "{no_message}");
    }

    #[test]
    fn errors_without_a_document_are_named_by_status() {
        for (status, name, retry) in [
            (301, "PermanentRedirect", ""),
            (400, "BadRequest", ""),
            (403, "AccessDenied", ""),
            (404, "NotFound", ""),
            (500, "InternalError", r#","retry":"backoff""#),
            (503, "InternalError", r#","retry":"backoff""#),
            (429, "TooManyRequests", r#","retry":"backoff""#),
            (418, "UnknownError", ""),
        ] {
            let want = format!(
                r#"{{"error":{{"name":"{name}","message":"S3 answered HTTP {status} without an error document","status":{status}{retry}}}}}"#
            );
            assert_eq!(answer_json("HeadObject", status, ""), want);
            assert_eq!(answer_json("ListParts", status, "<html><body>proxy</body></html>"), want);
        }
    }
}

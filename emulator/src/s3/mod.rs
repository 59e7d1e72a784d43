//! S3, path-style under `/s3`: `/s3/<bucket>/<key>` (the SDK signs the path as it goes on the
//! wire, `/s3/…` included).
//!
//! Operations: PutObject, GetObject (with `Range`), HeadObject, DeleteObject, ListObjectsV2,
//! the multipart family ([`multipart`]), flexible checksums ([`checksum`]), with S3's XML errors
//! ([`xml`]), SigV4 verified as S3 does ([`auth`], recomputed with aws-sigv4: [`sigv4`]), a
//! per-identity prefix policy ([`policy`]), the bucket's CORS rules ([`cors`]) and objects
//! persisted under `--data-dir` ([`store`]).
//!
//! Buckets come from the seed's `[[buckets]]` ([`BucketSeed`]).

pub mod auth;
pub mod checksum;
pub mod cors;
pub mod multipart;
pub mod policy;
pub mod sigv4;
pub mod store;
pub mod xml;

use crate::app::App;
use crate::http::{Req, Resp};
use crate::urlenc::{get, parse_pairs, percent_decode};
use md5::{Digest, Md5};
use policy::{Access, Principal};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use store::{ObjectMeta, Store, STORED_HEADERS};

/// S3's minimum size of every multipart part but the last: 5 MiB.
pub const DEFAULT_MIN_PART_SIZE: u64 = 5 * 1024 * 1024;

/// Longest object key S3 accepts, in bytes.
const MAX_KEY_BYTES: usize = 1024;

/// One bucket, as the seed describes it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BucketSeed {
    /// Bucket name (S3 rules: 3-63 characters, lower-case letters, digits, `.` and `-`).
    pub name: String,
    /// The bucket's region (signatures must be scoped to it); the seed's region when absent.
    #[serde(default)]
    pub region: Option<String>,
    /// Minimum size in bytes of every multipart part but the last (S3: 5 MiB); tests lower it.
    #[serde(default)]
    pub min_part_size: Option<u64>,
    /// Key prefixes every identity of the identity pools may read and list, guests included
    /// (e.g. `public/`). Nothing is public by default.
    #[serde(default)]
    pub public_read_prefixes: Vec<String>,
    /// CORS rules, evaluated in order as S3 does.
    #[serde(default)]
    pub cors: Vec<CorsRule>,
}

/// One CORS rule (S3's `CORSRule`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CorsRule {
    /// Origins, each with at most one `*` wildcard (`*` alone allows every origin).
    pub allowed_origins: Vec<String>,
    /// Methods: `GET`, `PUT`, `POST`, `DELETE`, `HEAD`.
    pub allowed_methods: Vec<String>,
    /// Request headers a preflight may ask for, each with at most one `*`.
    #[serde(default)]
    pub allowed_headers: Vec<String>,
    /// Response headers the browser may read, e.g. `ETag` (needed for multipart uploads).
    #[serde(default)]
    pub expose_headers: Vec<String>,
    /// Seconds a browser may cache a preflight.
    #[serde(default)]
    pub max_age_seconds: Option<u32>,
}

impl BucketSeed {
    /// The region signatures must be scoped to.
    pub fn region<'a>(&'a self, default: &'a str) -> &'a str {
        self.region.as_deref().unwrap_or(default)
    }

    /// The minimum part size.
    pub fn min_part_size(&self) -> u64 {
        self.min_part_size.unwrap_or(DEFAULT_MIN_PART_SIZE)
    }

    fn check(&self) -> Result<(), String> {
        let n = &self.name;
        let valid = (3..=63).contains(&n.len())
            && n.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
            && n.as_bytes()[0].is_ascii_alphanumeric()
            && n.as_bytes()[n.len() - 1].is_ascii_alphanumeric();
        if !valid {
            return Err(format!("bucket name {n:?} breaks S3's naming rules (3-63 of a-z 0-9 . -)"));
        }
        if self.min_part_size == Some(0) {
            return Err(format!("bucket {n}: min_part_size must be positive"));
        }
        for r in &self.cors {
            if r.allowed_origins.is_empty() || r.allowed_methods.is_empty() {
                return Err(format!("bucket {n}: a CORS rule needs allowed_origins and allowed_methods"));
            }
            if let Some(m) =
                r.allowed_methods.iter().find(|m| !["GET", "PUT", "POST", "DELETE", "HEAD"].contains(&m.as_str()))
            {
                return Err(format!("bucket {n}: CORS method {m} is not one of GET, PUT, POST, DELETE, HEAD"));
            }
            if let Some(o) = r.allowed_origins.iter().chain(&r.allowed_headers).find(|o| o.matches('*').count() > 1) {
                return Err(format!("bucket {n}: CORS value {o} has more than one '*'"));
            }
        }
        Ok(())
    }
}

/// The S3 service's state: buckets, objects, multipart uploads in progress.
#[derive(Debug)]
pub struct S3 {
    region: String,
    buckets: Vec<BucketSeed>,
    /// Objects.
    pub store: Store,
    /// Multipart uploads in progress (memory only).
    pub uploads: multipart::Uploads,
}

impl S3 {
    /// The buckets of the seed (checked), empty, persisted under `data_dir` when given, with
    /// what is already persisted there loaded.
    pub fn new(seed: &crate::config::Seed, data_dir: Option<&std::path::Path>) -> Result<S3, String> {
        let mut names = std::collections::HashSet::new();
        for b in &seed.buckets {
            b.check().map_err(|e| format!("seed file: {e}"))?;
            if !names.insert(b.name.as_str()) {
                return Err(format!("seed file: bucket {} appears twice", b.name));
            }
        }
        let mut store = Store::new(seed.buckets.iter().map(|b| b.name.as_str()), data_dir);
        store.load()?;
        Ok(S3 { region: seed.region.clone(), buckets: seed.buckets.clone(), store, uploads: Default::default() })
    }

    /// Removes every object and upload.
    pub fn clear(&mut self) {
        self.store.clear();
        self.uploads = Default::default();
    }

    /// The bucket named `name`.
    pub fn bucket(&self, name: &str) -> Option<&BucketSeed> {
        self.buckets.iter().find(|b| b.name == name)
    }
}

/// `(bucket, key)` of a path under `/s3`, percent-decoded (`+` is not a space in paths).
pub fn split_path(raw_path: &str) -> (String, String) {
    let rest = raw_path.strip_prefix("/s3").unwrap_or(raw_path);
    let rest = rest.strip_prefix('/').unwrap_or(rest);
    let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
    (percent_decode(bucket, false), percent_decode(key, false))
}

fn bucket_of(app: &App, req: &Req) -> Option<BucketSeed> {
    let (bucket, _) = split_path(&req.raw_path);
    app.s3.lock().unwrap().bucket(&bucket).cloned()
}

/// Answers a CORS preflight under `/s3` from the bucket's rules.
pub fn preflight(app: &App, req: &Req) -> Resp {
    finish_headers(cors::preflight(bucket_of(app, req).as_ref(), req))
}

/// Gives an S3 answer its CORS headers (from the bucket's rules) and request ids.
pub fn finish(app: &App, req: &Req, resp: Resp) -> Resp {
    let bucket = bucket_of(app, req);
    finish_headers(cors::apply(bucket.as_ref(), req, resp))
}

fn finish_headers(mut resp: Resp) -> Resp {
    if !resp.headers.iter().any(|(k, _)| k == "x-amz-request-id") {
        resp.headers.push(("x-amz-request-id".into(), xml::request_id()));
    }
    resp.headers.push(("x-amz-id-2".into(), xml::host_id()));
    resp.headers.push(("server".into(), "AmazonS3".into()));
    resp
}

/// Everything an operation needs about its request.
pub struct Ctx<'a> {
    /// The app.
    pub app: &'a App,
    /// The request.
    pub req: &'a Req,
    /// The bucket.
    pub bucket: BucketSeed,
    /// The object key (empty for bucket operations).
    pub key: String,
    /// The caller (`None`: unsigned).
    pub who: Option<Principal>,
    /// The decoded query parameters.
    pub query: Vec<(String, String)>,
}

impl Ctx<'_> {
    /// A query parameter.
    pub fn param(&self, name: &str) -> Option<&str> {
        get(&self.query, name)
    }

    /// `AccessDenied` unless the policy allows `access` on `key`.
    pub fn authorize(&self, access: Access, key: &str) -> Result<(), Resp> {
        if policy::allows(&self.bucket, self.who.as_ref(), access, key) {
            Ok(())
        } else {
            Err(xml::error(403, "AccessDenied", "Access Denied", &[]))
        }
    }

    /// The `NoSuchKey` error for this request's key.
    pub fn no_such_key(&self) -> Resp {
        xml::error(404, "NoSuchKey", "The specified key does not exist.", &[("Key", self.key.clone())])
    }
}

/// Handles one request under `/s3` (`op` as classified by `app::s3_operation`).
pub fn handle(app: &App, op: &str, req: &Req) -> Resp {
    route(app, op, req).unwrap_or_else(|e| e)
}

fn route(app: &App, op: &str, req: &Req) -> Result<Resp, Resp> {
    let (bucket_name, key) = split_path(&req.raw_path);
    if bucket_name.is_empty() {
        return Err(xml::error(
            501,
            "NotImplemented",
            "ListBuckets is not emulated; address a bucket: /s3/<bucket>/<key>",
            &[],
        ));
    }
    let (bucket, region) = {
        let s3 = app.s3.lock().unwrap();
        let Some(b) = s3.bucket(&bucket_name) else {
            return Err(xml::error(
                404,
                "NoSuchBucket",
                "The specified bucket does not exist",
                &[("BucketName", bucket_name.clone())],
            ));
        };
        (b.clone(), b.region(&s3.region).to_string())
    };
    let who = auth::authenticate(app, req, &region)?;
    if key.len() > MAX_KEY_BYTES {
        return Err(xml::error(
            400,
            "KeyTooLongError",
            "Your key is too long",
            &[("Size", key.len().to_string()), ("MaxSizeAllowed", MAX_KEY_BYTES.to_string())],
        ));
    }
    let ctx = Ctx { app, req, bucket, key, who, query: parse_pairs(&req.raw_query) };
    match op {
        "PutObject" => put_object(&ctx),
        "GetObject" | "HeadObject" => get_object(&ctx),
        "DeleteObject" => delete_object(&ctx),
        "ListObjectsV2" => list_objects_v2(&ctx),
        "HeadBucket" => head_bucket(&ctx),
        "CreateMultipartUpload" => multipart::create(&ctx),
        "UploadPart" => multipart::upload_part(&ctx),
        "CompleteMultipartUpload" => multipart::complete(&ctx),
        "AbortMultipartUpload" => multipart::abort(&ctx),
        "ListParts" => multipart::list_parts(&ctx),
        "ListMultipartUploads" => multipart::list_uploads(&ctx),
        other => Err(xml::error(
            501,
            "NotImplemented",
            &format!("A header or query you provided implies functionality that is not implemented ({other} is not emulated)"),
            &[],
        )),
    }
}

/// The quoted hex MD5 of `data`: a single PUT's ETag.
pub fn etag_of(data: &[u8]) -> String {
    format!("\"{}\"", crate::crypto::hex(&Md5::digest(data)))
}

/// Checks `Content-MD5` (base64 of the body's MD5) when the request has one.
pub fn check_content_md5(req: &Req) -> Result<(), Resp> {
    let Some(sent) = req.header("content-md5") else { return Ok(()) };
    let Some(expected) = crate::crypto::b64_decode(sent).filter(|d| d.len() == 16) else {
        return Err(xml::error(
            400,
            "InvalidDigest",
            "The Content-MD5 you specified was invalid.",
            &[("Content-MD5", sent.to_string())],
        ));
    };
    let actual = Md5::digest(&req.body);
    if actual.as_slice() != expected.as_slice() {
        return Err(xml::error(
            400,
            "BadDigest",
            "The Content-MD5 you specified did not match what we received.",
            &[("ExpectedDigest", sent.to_string()), ("CalculatedDigest", crate::crypto::b64(&actual))],
        ));
    }
    Ok(())
}

/// The object metadata a PutObject or CreateMultipartUpload request carries (ETag and size
/// left empty).
pub fn meta_from_request(req: &Req, now_ms: i64) -> ObjectMeta {
    let mut metadata = BTreeMap::new();
    let mut headers = BTreeMap::new();
    for (k, v) in &req.headers {
        if let Some(name) = k.strip_prefix("x-amz-meta-") {
            metadata.insert(name.to_string(), v.clone());
        } else if STORED_HEADERS.contains(&k.as_str()) {
            headers.insert(k.clone(), v.clone());
        }
    }
    ObjectMeta {
        etag: String::new(),
        size: 0,
        content_type: req.header("content-type").unwrap_or("binary/octet-stream").to_string(),
        metadata,
        headers,
        last_modified_ms: now_ms,
        blob: String::new(),
        checksum: None,
    }
}

fn precondition_failed(condition: &str) -> Resp {
    xml::error(
        412,
        "PreconditionFailed",
        "At least one of the pre-conditions you specified did not hold",
        &[("Condition", condition.to_string())],
    )
}

/// Whether an `If-Match` / `If-None-Match` list (`*` or quoted ETags) names `etag`.
fn etag_listed(list: &str, etag: &str) -> bool {
    list.split(',').map(str::trim).any(|e| e == "*" || e.trim_start_matches("W/") == etag)
}

fn internal(e: String) -> Resp {
    eprintln!("emulator: s3: {e}");
    xml::error(500, "InternalError", "We encountered an internal error. Please try again.", &[])
}

fn put_object(ctx: &Ctx) -> Result<Resp, Resp> {
    ctx.authorize(Access::Write, &ctx.key)?;
    if ctx.key.is_empty() {
        return Err(xml::error(400, "InvalidRequest", "An object key is required", &[]));
    }
    check_content_md5(ctx.req)?;
    let checksum = checksum::from_request(ctx.req)?;
    let mut meta = meta_from_request(ctx.req, ctx.app.clock.now_ms());
    meta.etag = etag_of(&ctx.req.body);
    meta.size = ctx.req.body.len() as u64;
    meta.checksum = checksum.clone();
    let etag = meta.etag.clone();
    let mut s3 = ctx.app.s3.lock().unwrap();
    let existing = s3.store.get(&ctx.bucket.name, &ctx.key).map(|o| o.meta.etag.clone());
    if let Some(cond) = ctx.req.header("if-none-match") {
        if cond.trim() == "*" && existing.is_some() {
            return Err(precondition_failed("If-None-Match"));
        }
    }
    if let Some(cond) = ctx.req.header("if-match") {
        match &existing {
            None => return Err(ctx.no_such_key()),
            Some(e) if !etag_listed(cond, e) => return Err(precondition_failed("If-Match")),
            Some(_) => {}
        }
    }
    s3.store.put(&ctx.bucket.name, &ctx.key, meta, ctx.req.body.clone()).map_err(internal)?;
    let mut headers = vec![("etag".into(), etag)];
    headers.extend(checksum.iter().flat_map(checksum::StoredChecksum::headers));
    Ok(Resp { status: 200, headers, body: Vec::new() })
}

/// A parsed single `Range: bytes=…` header: first and last byte, inclusive.
fn parse_range(header: &str, size: u64) -> Option<Result<(u64, u64), ()>> {
    let spec = header.trim().strip_prefix("bytes=")?;
    if spec.contains(',') {
        return None; // S3 ignores multi-range requests and sends the whole object.
    }
    let (a, b) = spec.split_once('-')?;
    let (a, b) = (a.trim(), b.trim());
    let range = match (a.is_empty(), b.is_empty()) {
        (true, true) => return None,
        (true, false) => {
            let n: u64 = b.parse().ok()?;
            if n == 0 || size == 0 {
                return Some(Err(()));
            }
            (size.saturating_sub(n), size - 1)
        }
        (false, _) => {
            let first: u64 = a.parse().ok()?;
            let last: u64 = if b.is_empty() { u64::MAX } else { b.parse().ok()? };
            if last < first {
                return None;
            }
            if first >= size {
                return Some(Err(()));
            }
            (first, last.min(size - 1))
        }
    };
    Some(Ok(range))
}

fn get_object(ctx: &Ctx) -> Result<Resp, Resp> {
    ctx.authorize(Access::Read, &ctx.key)?;
    let object = ctx.app.s3.lock().unwrap().store.get(&ctx.bucket.name, &ctx.key).cloned();
    let Some(object) = object else { return Err(ctx.no_such_key()) };
    let meta = &object.meta;
    if let Some(cond) = ctx.req.header("if-match") {
        if !etag_listed(cond, &meta.etag) {
            return Err(precondition_failed("If-Match"));
        }
    }
    let mut headers: Vec<(String, String)> = vec![
        ("etag".into(), meta.etag.clone()),
        ("last-modified".into(), crate::clock::http_date(meta.last_modified_ms)),
        ("accept-ranges".into(), "bytes".into()),
    ];
    if let Some(cond) = ctx.req.header("if-none-match") {
        if etag_listed(cond, &meta.etag) {
            return Ok(Resp { status: 304, headers, body: Vec::new() });
        }
    }
    let overrides = [
        ("content-type", "response-content-type"),
        ("content-language", "response-content-language"),
        ("expires", "response-expires"),
        ("cache-control", "response-cache-control"),
        ("content-disposition", "response-content-disposition"),
        ("content-encoding", "response-content-encoding"),
    ];
    for (header, param) in overrides {
        let stored = if header == "content-type" { Some(&meta.content_type) } else { meta.headers.get(header) };
        if let Some(v) = ctx.param(param).map(str::to_string).or_else(|| stored.cloned()) {
            headers.push((header.into(), v));
        }
    }
    for (k, v) in &meta.metadata {
        headers.push((format!("x-amz-meta-{k}"), v.clone()));
    }
    // As S3: the checksum only when asked for, and only with the whole object.
    let checksum_mode = ctx.req.header("x-amz-checksum-mode").is_some_and(|m| m.eq_ignore_ascii_case("ENABLED"));
    let whole = ctx.req.header("range").and_then(|r| parse_range(r, meta.size)).is_none();
    if let (true, true, Some(c)) = (checksum_mode, whole, &meta.checksum) {
        headers.extend(c.headers());
    }
    let size = meta.size;
    let (status, body_range) = match ctx.req.header("range").and_then(|r| parse_range(r, size)) {
        None => (200, (0, size)),
        Some(Err(())) => {
            return Err(xml::error(
                416,
                "InvalidRange",
                "The requested range is not satisfiable",
                &[
                    ("RangeRequested", ctx.req.header("range").unwrap_or("").to_string()),
                    ("ActualObjectSize", size.to_string()),
                ],
            ))
        }
        Some(Ok((first, last))) => {
            headers.push(("content-range".into(), format!("bytes {first}-{last}/{size}")));
            (206, (first, last + 1))
        }
    };
    let (from, to) = (body_range.0 as usize, body_range.1 as usize);
    if ctx.req.method == "HEAD" {
        headers.push(("content-length".into(), (to - from).to_string()));
        return Ok(Resp { status, headers, body: Vec::new() });
    }
    let body = object.data.get(from..to).map(<[u8]>::to_vec).unwrap_or_default();
    Ok(Resp { status, headers, body })
}

fn delete_object(ctx: &Ctx) -> Result<Resp, Resp> {
    ctx.authorize(Access::Write, &ctx.key)?;
    ctx.app.s3.lock().unwrap().store.delete(&ctx.bucket.name, &ctx.key).map_err(internal)?;
    Ok(Resp { status: 204, headers: Vec::new(), body: Vec::new() })
}

fn head_bucket(ctx: &Ctx) -> Result<Resp, Resp> {
    if ctx.who.is_none() {
        return Err(xml::error(403, "AccessDenied", "Access Denied", &[]));
    }
    let region = ctx.bucket.region.clone().unwrap_or_else(|| ctx.app.seed.region.clone());
    Ok(Resp { status: 200, headers: vec![("x-amz-bucket-region".into(), region)], body: Vec::new() })
}

/// Percent-encodes a key for `encoding-type=url` (keeping `/`).
fn url_encode_key(s: &str) -> String {
    crate::urlenc::encode(s).replace("%2F", "/")
}

fn invalid_argument(message: &str, name: &str, value: &str) -> Resp {
    xml::error(
        400,
        "InvalidArgument",
        message,
        &[("ArgumentName", name.to_string()), ("ArgumentValue", value.to_string())],
    )
}

/// Parses `max-keys`-like parameters: 0..=1000 (larger values are capped, as S3 does).
pub fn parse_max(ctx: &Ctx, name: &str) -> Result<usize, Resp> {
    match ctx.param(name) {
        None => Ok(1000),
        Some(v) => match v.parse::<i64>() {
            Ok(n) if n >= 0 => Ok(n.min(1000) as usize),
            _ => Err(invalid_argument(&format!("Provided {name} not an integer or within integer range"), name, v)),
        },
    }
}

/// What a list continues after: a key, or every key under a common prefix.
enum Resume {
    After(String),
    SkipPrefix(String),
}

fn encode_token(r: &Resume) -> String {
    let raw = match r {
        Resume::After(k) => format!("k{k}"),
        Resume::SkipPrefix(p) => format!("p{p}"),
    };
    crate::crypto::b64(raw.as_bytes())
}

fn decode_token(t: &str) -> Option<Resume> {
    let raw = String::from_utf8(crate::crypto::b64_decode(t)?).ok()?;
    let mut chars = raw.chars();
    match chars.next()? {
        'k' => Some(Resume::After(chars.as_str().to_string())),
        'p' => Some(Resume::SkipPrefix(chars.as_str().to_string())),
        _ => None,
    }
}

fn list_objects_v2(ctx: &Ctx) -> Result<Resp, Resp> {
    let prefix = ctx.param("prefix").unwrap_or("").to_string();
    ctx.authorize(Access::List, &prefix)?;
    let delimiter = ctx.param("delimiter").unwrap_or("").to_string();
    let max_keys = parse_max(ctx, "max-keys")?;
    let url = match ctx.param("encoding-type") {
        None => false,
        Some("url") => true,
        Some(v) => return Err(invalid_argument("Invalid Encoding Method specified in Request", "encoding-type", v)),
    };
    let token = ctx.param("continuation-token");
    let start_after = ctx.param("start-after").unwrap_or("");
    let resume = match token {
        Some(t) => Some(decode_token(t).ok_or_else(|| {
            invalid_argument("The continuation token provided is incorrect", "continuation-token", t)
        })?),
        None if !start_after.is_empty() => Some(Resume::After(start_after.to_string())),
        None => None,
    };
    let (after, mut skip) = match &resume {
        Some(Resume::After(k)) => (k.clone(), None),
        Some(Resume::SkipPrefix(p)) => (p.clone(), Some(p.clone())),
        None => (String::new(), None),
    };
    let enc = |s: &str| if url { url_encode_key(s) } else { s.to_string() };

    let s3 = ctx.app.s3.lock().unwrap();
    let mut contents = Vec::new();
    let mut prefixes: Vec<String> = Vec::new();
    let mut last: Option<Resume> = None;
    let mut truncated = false;
    for (key, object) in s3.store.keys_after(&ctx.bucket.name, &prefix, &after) {
        if skip.as_ref().is_some_and(|p| key.starts_with(p.as_str())) {
            continue;
        }
        let common = if delimiter.is_empty() {
            None
        } else {
            key[prefix.len()..].find(&delimiter).map(|i| key[..prefix.len() + i + delimiter.len()].to_string())
        };
        if contents.len() + prefixes.len() >= max_keys {
            truncated = true;
            break;
        }
        match common {
            Some(cp) => {
                skip = Some(cp.clone());
                last = Some(Resume::SkipPrefix(cp.clone()));
                prefixes.push(cp);
            }
            None => {
                last = Some(Resume::After(key.clone()));
                contents.push((key.clone(), object.meta.clone()));
            }
        }
    }
    drop(s3);

    let mut doc = xml::Doc::new("ListBucketResult", true);
    doc.leaf("Name", &ctx.bucket.name).leaf("Prefix", &enc(&prefix));
    if let Some(t) = token {
        doc.leaf("ContinuationToken", t);
    }
    if !start_after.is_empty() {
        doc.leaf("StartAfter", &enc(start_after));
    }
    doc.leaf("KeyCount", &(contents.len() + prefixes.len()).to_string()).leaf("MaxKeys", &max_keys.to_string());
    if !delimiter.is_empty() {
        doc.leaf("Delimiter", &enc(&delimiter));
    }
    if url {
        doc.leaf("EncodingType", "url");
    }
    doc.leaf("IsTruncated", if truncated { "true" } else { "false" });
    if truncated {
        if let Some(l) = &last {
            doc.leaf("NextContinuationToken", &encode_token(l));
        }
    }
    for (key, meta) in &contents {
        doc.open("Contents")
            .leaf("Key", &enc(key))
            .leaf("LastModified", &crate::clock::iso8601(meta.last_modified_ms))
            .leaf("ETag", &meta.etag)
            .leaf("Size", &meta.size.to_string())
            .leaf("StorageClass", "STANDARD")
            .close("Contents");
    }
    for p in &prefixes {
        doc.open("CommonPrefixes").leaf("Prefix", &enc(p)).close("CommonPrefixes");
    }
    Ok(Resp::new(200, "application/xml", doc.finish("ListBucketResult")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(parse_range("bytes=0-3", 10), Some(Ok((0, 3))));
        assert_eq!(parse_range("bytes=5-", 10), Some(Ok((5, 9))));
        assert_eq!(parse_range("bytes=-3", 10), Some(Ok((7, 9))));
        assert_eq!(parse_range("bytes=-30", 10), Some(Ok((0, 9))));
        assert_eq!(parse_range("bytes=8-100", 10), Some(Ok((8, 9))));
        assert_eq!(parse_range("bytes=10-", 10), Some(Err(())));
        assert_eq!(parse_range("bytes=3-1", 10), None);
        assert_eq!(parse_range("bytes=0-1,3-4", 10), None);
        assert_eq!(parse_range("items=0-1", 10), None);
    }

    #[test]
    fn paths() {
        assert_eq!(
            split_path("/s3/photos/private/us-east-1%3Aab/a%20b.jpg"),
            ("photos".into(), "private/us-east-1:ab/a b.jpg".into())
        );
        assert_eq!(split_path("/s3/photos"), ("photos".into(), String::new()));
        assert_eq!(split_path("/s3/photos/"), ("photos".into(), String::new()));
        assert_eq!(split_path("/s3/photos/a+b"), ("photos".into(), "a+b".into()));
    }

    #[test]
    fn single_put_etag() {
        assert_eq!(etag_of(b""), "\"d41d8cd98f00b204e9800998ecf8427e\"");
    }
}

//! S3 over real HTTP: an emulator per test, started in-process on port 0 from the seed below.
//! Credentials come from the identity pool (GetId + GetCredentialsForIdentity with login tokens
//! minted by the emulator's key); requests are signed on the client side with the SDK's own
//! signer (`cognito_wasm::core::sigv4`, S3 mode) and sent byte for byte as built here.

mod common;

use common::HttpResp;
use cognito_wasm::core::encoding::percent_encode;
use cognito_wasm::core::sigv4::{presign, sign_headers, Credentials, HttpRequestParts, Payload, SigningParams};
use cognito_wasm::core::time::UtcDateTime;
use emulator::app::App;
use md5::{Digest, Md5};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::Arc;

const SEED: &str = r#"
region = "us-east-1"

[[user_pools]]
id = "us-east-1_S3Test001"
[[user_pools.clients]]
id = "s3client00000000000000001"

[[identity_pools]]
id = "us-east-1:33333333-3333-4333-8333-333333333333"
allow_unauthenticated = true
providers = [{ user_pool = "us-east-1_S3Test001", client_id = "s3client00000000000000001" }]

[[buckets]]
name = "photos"
min_part_size = 1024
public_read_prefixes = ["public/"]
[[buckets.cors]]
allowed_origins = ["http://localhost:8000"]
allowed_methods = ["GET", "PUT", "POST", "DELETE", "HEAD"]
allowed_headers = ["*"]
expose_headers = ["ETag"]
max_age_seconds = 600

[[buckets]]
name = "eu-bucket"
region = "eu-west-1"
"#;

const POOL: &str = "us-east-1:33333333-3333-4333-8333-333333333333";
const USER_POOL: &str = "us-east-1_S3Test001";
const CLIENT: &str = "s3client00000000000000001";
const ORIGIN: &str = "http://localhost:8000";

struct Emu {
    port: u16,
    app: Arc<App>,
}

fn temp_dir(tag: &str) -> PathBuf {
    let d =
        std::env::temp_dir().join(format!("emu-{tag}-{}", emulator::crypto::hex(&emulator::crypto::random_bytes(6))));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn start(data_dir: Option<&Path>) -> Emu {
    let seed = temp_dir("s3seed").join("seed.toml");
    std::fs::write(&seed, SEED).unwrap();
    let running = emulator::start(emulator::Options {
        config: Some(seed),
        port: 0,
        data_dir: data_dir.map(Path::to_path_buf),
        stdin_watch: false,
    })
    .expect("emulator starts");
    Emu { port: running.port, app: running.app.clone() }
}

/// Reading S3's XML answers.
impl HttpResp {
    /// The text of the first `<name>` element of an XML body.
    fn xml(&self, name: &str) -> Option<String> {
        let t = self.text();
        let open = format!("<{name}>");
        let start = t.find(&open)? + open.len();
        let end = t[start..].find(&format!("</{name}>"))? + start;
        Some(unescape(&t[start..end]))
    }
    /// The texts of every `<name>` element.
    fn xml_all(&self, name: &str) -> Vec<String> {
        let t = self.text();
        let (open, close) = (format!("<{name}>"), format!("</{name}>"));
        t.split(&open).skip(1).filter_map(|s| s.split(&close).next()).map(unescape).collect()
    }
    /// Asserts an S3 error: status and `<Code>`.
    fn assert_error(&self, status: u16, code: &str) {
        assert_eq!((self.status, self.xml("Code").as_deref()), (status, Some(code)), "{}", self.text());
        assert_eq!(self.header("content-type"), Some("application/xml"));
    }
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&apos;", "'").replace("&amp;", "&")
}

/// One raw request with owned header pairs (as the signer returns them).
fn http(port: u16, method: &str, target: &str, headers: &[(String, String)], body: &[u8]) -> HttpResp {
    let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    common::request(port, method, target, &headers, body)
}

/// Credentials from the identity pool, with the identity they belong to.
#[derive(Clone)]
struct Creds {
    identity_id: String,
    creds: Credentials,
}

/// How a test request is signed.
#[derive(Clone, Copy, PartialEq)]
enum Body {
    /// `x-amz-content-sha256` = the body's SHA-256.
    Signed,
    /// `x-amz-content-sha256: UNSIGNED-PAYLOAD`.
    Unsigned,
}

/// One signed request to build.
struct Request<'a> {
    method: &'a str,
    /// Wire path, already percent-encoded.
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    payload: Body,
    region: &'a str,
    /// Signing time (default: the emulator's clock).
    time_ms: Option<i64>,
}

impl<'a> Request<'a> {
    fn new(method: &'a str, path: String) -> Self {
        Request {
            method,
            path,
            query: String::new(),
            headers: Vec::new(),
            body: Vec::new(),
            payload: Body::Signed,
            region: "us-east-1",
            time_ms: None,
        }
    }
    fn query(mut self, q: &str) -> Self {
        self.query = q.to_string();
        self
    }
    fn header(mut self, k: &str, v: &str) -> Self {
        self.headers.push((k.to_string(), v.to_string()));
        self
    }
    fn body(mut self, b: &[u8]) -> Self {
        self.body = b.to_vec();
        self
    }
}

impl Emu {
    fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    fn identity_call(&self, op: &str, body: Value) -> Value {
        let r = http(
            self.port,
            "POST",
            "/",
            &[
                ("host".into(), self.host()),
                ("x-amz-target".into(), format!("AWSCognitoIdentityService.{op}")),
                ("content-type".into(), "application/x-amz-json-1.1".into()),
            ],
            body.to_string().as_bytes(),
        );
        assert_eq!(r.status, 200, "{op}: {}", r.text());
        serde_json::from_slice(&r.body).unwrap()
    }

    /// Credentials of a signed-in user `sub` (`None`: a guest).
    fn creds(&self, sub: Option<&str>) -> Creds {
        let logins = sub.map(|sub| {
            let now = self.app.clock.now_secs();
            let token = self.app.signer.jwt(&json!({
                "sub": sub, "iss": self.app.issuer(USER_POOL), "aud": CLIENT, "token_use": "id",
                "iat": now, "exp": now + 3600,
            }));
            json!({ format!("cognito-idp.us-east-1.amazonaws.com/{USER_POOL}"): token })
        });
        let mut body = json!({ "IdentityPoolId": POOL });
        if let Some(l) = &logins {
            body["Logins"] = l.clone();
        }
        let id = self.identity_call("GetId", body)["IdentityId"].as_str().unwrap().to_string();
        let mut body = json!({ "IdentityId": id });
        if let Some(l) = logins {
            body["Logins"] = l;
        }
        let c = &self.identity_call("GetCredentialsForIdentity", body)["Credentials"];
        Creds {
            identity_id: id,
            creds: Credentials::new(
                c["AccessKeyId"].as_str().unwrap(),
                c["SecretKey"].as_str().unwrap(),
                Some(c["SessionToken"].as_str().unwrap()),
            ),
        }
    }

    /// Signs `r` with `creds` (header signing, S3 mode) and returns what to send.
    fn sign(
        &self,
        r: &Request,
        creds: &Credentials,
    ) -> (Vec<(String, String)>, cognito_wasm::core::sigv4::HeaderSignature) {
        let host = self.host();
        let mut headers: Vec<(String, String)> = vec![("host".into(), host)];
        headers.extend(r.headers.iter().cloned());
        let refs: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let parts = HttpRequestParts { method: r.method, path: &r.path, query: &r.query, headers: &refs };
        let time = UtcDateTime::from_unix_ms(r.time_ms.unwrap_or_else(|| self.app.clock.now_ms()));
        let mut params = SigningParams::s3(r.region, time);
        if r.payload == Body::Signed {
            params.payload = Payload::Bytes(&r.body);
        }
        let sig = sign_headers(&parts, &params, creds).expect("signs");
        let mut all = headers.clone();
        all.extend(sig.headers.iter().map(|(k, v)| (k.to_string(), v.clone())));
        (all, sig)
    }

    fn target(r: &Request) -> String {
        if r.query.is_empty() {
            r.path.clone()
        } else {
            format!("{}?{}", r.path, r.query)
        }
    }

    /// Signs and sends.
    fn send(&self, r: Request, creds: &Creds) -> HttpResp {
        let (headers, _) = self.sign(&r, &creds.creds);
        http(self.port, r.method, &Self::target(&r), &headers, &r.body)
    }

    /// Sends unsigned.
    fn send_unsigned(&self, r: Request) -> HttpResp {
        let mut headers = vec![("host".to_string(), self.host())];
        headers.extend(r.headers.iter().cloned());
        http(self.port, r.method, &Self::target(&r), &headers, &r.body)
    }

    /// A presigned GET URL's target (path + query) for `path`.
    fn presign_get(&self, path: &str, creds: &Credentials, expires: u32) -> String {
        self.presign("GET", path, "", creds, expires)
    }

    /// A presigned URL's target (path + query) for `method` on `path`, whose own `query` is
    /// already as on the wire; only `host` is signed, as in a browser link.
    fn presign(&self, method: &str, path: &str, query: &str, creds: &Credentials, expires: u32) -> String {
        let host = self.host();
        let headers = [("host", host.as_str())];
        let parts = HttpRequestParts { method, path, query, headers: &headers };
        let params = SigningParams::s3("us-east-1", UtcDateTime::from_unix_ms(self.app.clock.now_ms()));
        let q = presign(&parts, &params, creds, expires).expect("presigns");
        format!("{path}?{}", q.query)
    }

    fn get(&self, target: &str, extra: &[(&str, &str)]) -> HttpResp {
        let mut headers = vec![("host".to_string(), self.host())];
        headers.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        http(self.port, "GET", target, &headers, b"")
    }
}

/// The wire path of `key` in `bucket`.
fn path(bucket: &str, key: &str) -> String {
    format!("/s3/{bucket}/{}", percent_encode(key, true))
}

fn md5_hex(data: &[u8]) -> String {
    emulator::crypto::hex(&Md5::digest(data))
}

fn list_query(prefix: &str, extra: &str) -> String {
    let mut q = format!("list-type=2&prefix={}", percent_encode(prefix, false));
    if !extra.is_empty() {
        q.push('&');
        q.push_str(extra);
    }
    q
}

#[test]
fn signed_put_get_head_list_delete_round_trip() {
    let emu = start(None);
    let me = emu.creds(Some("user-1"));
    let key = format!("private/{}/holiday photos/été #1.txt", me.identity_id);
    let body = b"hello, bucket".to_vec();

    let r = emu.send(
        Request::new("PUT", path("photos", &key))
            .header("content-type", "text/plain")
            .header("x-amz-meta-caption", "the sea")
            .header("cache-control", "max-age=60")
            .body(&body),
        &me,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let etag = format!("\"{}\"", md5_hex(&body));
    assert_eq!(r.header("etag"), Some(etag.as_str()));
    assert!(r.header("x-amz-request-id").is_some());

    let r = emu.send(Request::new("GET", path("photos", &key)), &me);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.body, body);
    assert_eq!(r.header("content-type"), Some("text/plain"));
    assert_eq!(r.header("x-amz-meta-caption"), Some("the sea"));
    assert_eq!(r.header("cache-control"), Some("max-age=60"));
    assert_eq!(r.header("etag"), Some(etag.as_str()));
    assert!(r.header("last-modified").is_some_and(|d| d.ends_with(" GMT")));

    let r = emu.send(Request::new("HEAD", path("photos", &key)), &me);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-length"), Some(body.len().to_string().as_str()));
    assert!(r.body.is_empty());

    let r = emu.send(Request::new("GET", path("photos", &key)).header("range", "bytes=1-4"), &me);
    assert_eq!(r.status, 206);
    assert_eq!(r.body, b"ello");
    assert_eq!(r.header("content-range"), Some(format!("bytes 1-4/{}", body.len()).as_str()));
    let r = emu.send(Request::new("GET", path("photos", &key)).header("range", "bytes=100-"), &me);
    r.assert_error(416, "InvalidRange");

    // Unsigned payload works too (what browsers send for large bodies).
    let key2 = format!("private/{}/b.bin", me.identity_id);
    let mut req = Request::new("PUT", path("photos", &key2)).body(&[0u8, 1, 2, 255]);
    req.payload = Body::Unsigned;
    let r = emu.send(req, &me);
    assert_eq!(r.status, 200, "{}", r.text());
    let r = emu.send(Request::new("GET", path("photos", &key2)), &me);
    assert_eq!(r.header("content-type"), Some("binary/octet-stream"));

    let prefix = format!("private/{}/", me.identity_id);
    let r = emu.send(Request::new("GET", "/s3/photos".into()).query(&list_query(&prefix, "")), &me);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.xml_all("Key"), vec![key2.clone(), key.clone()]);
    assert_eq!(r.xml("KeyCount").as_deref(), Some("2"));
    assert_eq!(r.xml("IsTruncated").as_deref(), Some("false"));
    assert_eq!(r.xml_all("ETag")[1], etag);
    assert_eq!(r.xml_all("Size"), vec!["4".to_string(), body.len().to_string()]);

    let r = emu.send(Request::new("DELETE", path("photos", &key)), &me);
    assert_eq!(r.status, 204);
    let r = emu.send(Request::new("GET", path("photos", &key)), &me);
    r.assert_error(404, "NoSuchKey");
    assert_eq!(r.xml("Key"), Some(key.clone()));
    let r = emu.send(Request::new("GET", path("no-such-bucket", &key)), &me);
    r.assert_error(404, "NoSuchBucket");

    let counters = emu.app.faults.counters();
    assert_eq!(counters.get("PutObject"), Some(&2));
    assert_eq!(counters.get("ListObjectsV2"), Some(&1));
    assert_eq!(counters.get("DeleteObject"), Some(&1));
}

#[test]
fn list_objects_v2_delimiter_pagination_and_start_after() {
    let emu = start(None);
    let me = emu.creds(Some("lister"));
    let p = format!("private/{}/", me.identity_id);
    for k in ["a.jpg", "album/1.jpg", "album/2.jpg", "b.jpg", "c.jpg", "zeta/x.jpg"] {
        let r = emu.send(Request::new("PUT", path("photos", &format!("{p}{k}"))).body(k.as_bytes()), &me);
        assert_eq!(r.status, 200, "{}", r.text());
    }
    let list = |extra: &str| {
        let r = emu.send(Request::new("GET", "/s3/photos/".into()).query(&list_query(&p, extra)), &me);
        assert_eq!(r.status, 200, "{}", r.text());
        r
    };
    let r = list("delimiter=%2F");
    let strip = |v: Vec<String>| v.into_iter().map(|k| k[p.len()..].to_string()).collect::<Vec<_>>();
    assert_eq!(strip(r.xml_all("Key")), ["a.jpg", "b.jpg", "c.jpg"]);
    assert_eq!(strip(r.xml_all("Prefix").into_iter().skip(1).collect()), ["album/", "zeta/"]);
    assert_eq!(r.xml("KeyCount").as_deref(), Some("5"));

    // Pages of two, keys and common prefixes counted together.
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    let mut pages = 0;
    loop {
        let extra = match &token {
            Some(t) => format!("delimiter=%2F&max-keys=2&continuation-token={}", percent_encode(t, false)),
            None => "delimiter=%2F&max-keys=2".to_string(),
        };
        let r = list(&extra);
        pages += 1;
        seen.extend(strip(r.xml_all("Key")));
        seen.extend(strip(r.xml_all("Prefix").into_iter().skip(1).collect()));
        if r.xml("IsTruncated").as_deref() == Some("true") {
            token = Some(r.xml("NextContinuationToken").expect("a next token"));
        } else {
            assert!(r.xml("NextContinuationToken").is_none());
            break;
        }
    }
    assert_eq!(pages, 3);
    seen.sort();
    assert_eq!(seen, ["a.jpg", "album/", "b.jpg", "c.jpg", "zeta/"]);

    let r = list(&format!("start-after={}", percent_encode(&format!("{p}b.jpg"), false)));
    assert_eq!(strip(r.xml_all("Key")), ["c.jpg", "zeta/x.jpg"]);
    let r = emu.send(Request::new("GET", "/s3/photos".into()).query(&list_query(&p, "continuation-token=bogus")), &me);
    r.assert_error(400, "InvalidArgument");
}

fn complete_body(parts: &[(u32, &str)]) -> Vec<u8> {
    let mut s = String::from("<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">");
    for (n, e) in parts {
        s.push_str(&format!("<Part><PartNumber>{n}</PartNumber><ETag>{e}</ETag></Part>"));
    }
    s.push_str("</CompleteMultipartUpload>");
    s.into_bytes()
}

#[test]
fn multipart_upload_list_complete_abort_and_refusals() {
    let emu = start(None);
    let me = emu.creds(Some("uploader"));
    let key = format!("private/{}/big video.mp4", me.identity_id);
    let p = path("photos", &key);

    let r = emu.send(
        Request::new("POST", p.clone())
            .query("uploads")
            .header("content-type", "video/mp4")
            .header("x-amz-meta-title", "big"),
        &me,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let upload = r.xml("UploadId").unwrap();
    assert_eq!(r.xml("Key"), Some(key.clone()));
    let q = |n: u32| format!("partNumber={n}&uploadId={}", percent_encode(&upload, false));

    let parts: Vec<Vec<u8>> = vec![vec![b'a'; 1024], vec![b'b'; 1500], b"tail".to_vec()];
    let mut etags = Vec::new();
    for (i, data) in parts.iter().enumerate() {
        let r = emu.send(Request::new("PUT", p.clone()).query(&q(i as u32 + 1)).body(data), &me);
        assert_eq!(r.status, 200, "{}", r.text());
        let etag = r.header("etag").unwrap().to_string();
        assert_eq!(etag, format!("\"{}\"", md5_hex(data)));
        etags.push(etag);
    }
    let r = emu.send(Request::new("PUT", p.clone()).query(&q(0)).body(b"x"), &me);
    r.assert_error(400, "InvalidArgument");
    let r = emu.send(Request::new("PUT", p.clone()).query(&q(10_001)).body(b"x"), &me);
    r.assert_error(400, "InvalidArgument");

    let uq = format!("uploadId={}", percent_encode(&upload, false));
    let r = emu.send(Request::new("GET", p.clone()).query(&uq), &me);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.xml_all("PartNumber"), ["1", "2", "3"]);
    assert_eq!(r.xml_all("ETag"), etags);
    assert_eq!(r.xml_all("Size"), ["1024", "1500", "4"]);
    let r = emu.send(Request::new("GET", p.clone()).query(&format!("{uq}&max-parts=2")), &me);
    assert_eq!((r.xml("IsTruncated").as_deref(), r.xml("NextPartNumberMarker").as_deref()), (Some("true"), Some("2")));

    let prefix = format!("private/{}/", me.identity_id);
    let r = emu.send(
        Request::new("GET", "/s3/photos".into()).query(&format!("prefix={}&uploads", percent_encode(&prefix, false))),
        &me,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.xml("UploadId"), Some(upload.clone()));

    // Refusals: order, unknown part / wrong ETag, a small part before the last, empty list.
    let post = |body: Vec<u8>| emu.send(Request::new("POST", p.clone()).query(&uq).body(&body), &me);
    let r = post(complete_body(&[(2, &etags[1]), (1, &etags[0])]));
    r.assert_error(400, "InvalidPartOrder");
    let r = post(complete_body(&[(1, &etags[0]), (1, &etags[0])]));
    r.assert_error(400, "InvalidPartOrder");
    let r = post(complete_body(&[(1, &etags[0]), (2, &etags[0])]));
    r.assert_error(400, "InvalidPart");
    assert_eq!(r.xml("PartNumber").as_deref(), Some("2"));
    let r = post(complete_body(&[(1, &etags[0]), (4, &etags[0])]));
    r.assert_error(400, "InvalidPart");
    let r = post(complete_body(&[(1, &etags[0]), (3, &etags[2]), (2, &etags[1])]));
    r.assert_error(400, "InvalidPartOrder");
    let r = post(complete_body(&[(3, &etags[2]), (2, &etags[1])]));
    r.assert_error(400, "InvalidPartOrder");
    let r = post(complete_body(&[(1, &etags[0]), (3, &etags[2])]));
    assert_eq!(r.status, 200, "part 3 is the last one listed, so its size does not matter: {}", r.text());
    // That completed the upload (parts 1 and 3); the upload is gone.
    let r = emu.send(Request::new("GET", p.clone()).query(&uq), &me);
    r.assert_error(404, "NoSuchUpload");
    let r = emu.send(Request::new("GET", p.clone()), &me);
    let mut expected = parts[0].clone();
    expected.extend_from_slice(&parts[2]);
    assert_eq!(r.body, expected);

    // A fresh upload: EntityTooSmall, malformed XML, then a full, correct completion.
    let r = emu.send(
        Request::new("POST", p.clone())
            .query("uploads")
            .header("content-type", "video/mp4")
            .header("x-amz-meta-title", "big"),
        &me,
    );
    let upload = r.xml("UploadId").unwrap();
    let uq = format!("uploadId={}", percent_encode(&upload, false));
    let mut etags = Vec::new();
    for (i, data) in [b"small".to_vec(), parts[0].clone(), parts[1].clone(), parts[2].clone()].iter().enumerate() {
        let q = format!("partNumber={}&{uq}", i + 1);
        let r = emu.send(Request::new("PUT", p.clone()).query(&q).body(data), &me);
        assert_eq!(r.status, 200);
        etags.push((i as u32 + 1, r.header("etag").unwrap().to_string()));
    }
    let post = |body: Vec<u8>| emu.send(Request::new("POST", p.clone()).query(&uq).body(&body), &me);
    let r = post(complete_body(&[(1, &etags[0].1), (2, &etags[1].1)]));
    r.assert_error(400, "EntityTooSmall");
    assert_eq!((r.xml("ProposedSize").as_deref(), r.xml("MinSizeAllowed").as_deref()), (Some("5"), Some("1024")));
    post(b"<nope/>".to_vec()).assert_error(400, "MalformedXML");
    post(complete_body(&[])).assert_error(400, "MalformedXML");
    let listed: Vec<(u32, &str)> = etags[1..].iter().map(|(n, e)| (*n, e.as_str())).collect();
    let r = post(complete_body(&listed));
    assert_eq!(r.status, 200, "{}", r.text());
    let mut md5s = Vec::new();
    for d in &parts {
        md5s.extend_from_slice(&Md5::digest(d));
    }
    let etag = format!("\"{}-3\"", md5_hex(&md5s));
    assert_eq!(r.xml("ETag"), Some(etag.clone()));
    assert_eq!(r.xml("Key"), Some(key.clone()));
    let r = emu.send(Request::new("GET", p.clone()), &me);
    assert_eq!(r.status, 200);
    assert_eq!(r.body, parts.concat());
    assert_eq!(r.header("etag"), Some(etag.as_str()));
    assert_eq!(r.header("content-type"), Some("video/mp4"));
    assert_eq!(r.header("x-amz-meta-title"), Some("big"));

    // Abort.
    let r = emu.send(Request::new("POST", p.clone()).query("uploads"), &me);
    let upload = r.xml("UploadId").unwrap();
    let uq = format!("uploadId={}", percent_encode(&upload, false));
    let r = emu.send(Request::new("DELETE", p.clone()).query(&uq), &me);
    assert_eq!(r.status, 204);
    let r = emu.send(Request::new("PUT", p.clone()).query(&format!("partNumber=1&{uq}")).body(b"x"), &me);
    r.assert_error(404, "NoSuchUpload");
    let r = emu.send(Request::new("DELETE", p.clone()).query(&uq), &me);
    r.assert_error(404, "NoSuchUpload");
    // An upload id is bound to its key.
    let r = emu.send(Request::new("POST", p.clone()).query("uploads"), &me);
    let upload = r.xml("UploadId").unwrap();
    let other = path("photos", &format!("private/{}/other", me.identity_id));
    let r = emu.send(
        Request::new("PUT", other)
            .query(&format!("partNumber=1&uploadId={}", percent_encode(&upload, false)))
            .body(b"x"),
        &me,
    );
    r.assert_error(404, "NoSuchUpload");
}

#[test]
fn wrong_signature_is_explained_like_s3() {
    let emu = start(None);
    let me = emu.creds(Some("signer"));
    let p = path("photos", &format!("private/{}/x.txt", me.identity_id));
    let wrong = Credentials::new(&me.creds.access_key_id, "not-the-secret", me.creds.session_token.as_deref());
    let req = Request::new("PUT", p.clone()).body(b"data");
    let (headers, sig) = emu.sign(&req, &wrong);
    let r = http(emu.port, "PUT", &p, &headers, b"data");
    r.assert_error(403, "SignatureDoesNotMatch");
    // The canonical request and string to sign do not depend on the secret: S3 echoes ours.
    assert_eq!(r.xml("CanonicalRequest"), Some(sig.canonical_request.clone()));
    assert_eq!(r.xml("StringToSign"), Some(sig.string_to_sign.clone()));
    assert_eq!(r.xml("SignatureProvided"), Some(sig.signature.clone()));
    assert_eq!(r.xml("AWSAccessKeyId"), Some(me.creds.access_key_id.clone()));
    assert!(r.xml("CanonicalRequestBytes").unwrap().starts_with("50 55 54 0a"), "PUT\\n");

    // Signed for one key, sent for another.
    let (headers, _) = emu.sign(&Request::new("GET", p.clone()), &me.creds);
    let other = path("photos", &format!("private/{}/y.txt", me.identity_id));
    http(emu.port, "GET", &other, &headers, b"").assert_error(403, "SignatureDoesNotMatch");

    // A body that is not the one whose hash was signed.
    let (headers, _) = emu.sign(&Request::new("PUT", p.clone()).body(b"data"), &me.creds);
    let r = http(emu.port, "PUT", &p, &headers, b"DATA");
    r.assert_error(400, "XAmzContentSHA256Mismatch");

    // An x-amz-* header added after signing.
    let (mut headers, _) = emu.sign(&Request::new("PUT", p.clone()).body(b"data"), &me.creds);
    headers.push(("x-amz-meta-late".into(), "1".into()));
    let r = http(emu.port, "PUT", &p, &headers, b"data");
    r.assert_error(403, "AccessDenied");
    assert_eq!(r.xml("HeadersNotSigned").as_deref(), Some("x-amz-meta-late"));

    // Content-MD5 that does not match the body.
    let bad_md5 = emulator::crypto::b64(&Md5::digest(b"other"));
    let r = emu.send(Request::new("PUT", p.clone()).header("content-md5", &bad_md5).body(b"data"), &me);
    r.assert_error(400, "BadDigest");
    let good_md5 = emulator::crypto::b64(&Md5::digest(b"data"));
    let r = emu.send(Request::new("PUT", p.clone()).header("content-md5", &good_md5).body(b"data"), &me);
    assert_eq!(r.status, 200, "{}", r.text());

    // Scope: the bucket's region, service s3.
    let eu = path("eu-bucket", &format!("private/{}/x", me.identity_id));
    let r = emu.send(Request::new("GET", eu), &me);
    r.assert_error(400, "AuthorizationHeaderMalformed");
    assert_eq!(r.xml("Region").as_deref(), Some("eu-west-1"));

    // No x-amz-content-sha256 at all.
    let (mut headers, _) = emu.sign(&Request::new("GET", p.clone()), &me.creds);
    headers.retain(|(k, _)| k != "x-amz-content-sha256");
    http(emu.port, "GET", &p, &headers, b"").assert_error(400, "InvalidRequest");

    // Unsigned requests are anonymous, and anonymous callers get nothing.
    emu.send_unsigned(Request::new("GET", p.clone())).assert_error(403, "AccessDenied");
}

#[test]
fn session_token_must_be_present_and_match() {
    let emu = start(None);
    let me = emu.creds(Some("tokenless"));
    let p = path("photos", &format!("private/{}/x.txt", me.identity_id));

    let without = Credentials::new(&me.creds.access_key_id, &me.creds.secret_access_key, None);
    let (headers, _) = emu.sign(&Request::new("GET", p.clone()), &without);
    let r = http(emu.port, "GET", &p, &headers, b"");
    r.assert_error(403, "InvalidAccessKeyId");

    let other_token = Credentials::new(&me.creds.access_key_id, &me.creds.secret_access_key, Some("not-the-token"));
    let (headers, _) = emu.sign(&Request::new("GET", p.clone()), &other_token);
    let r = http(emu.port, "GET", &p, &headers, b"");
    r.assert_error(400, "InvalidToken");

    let unknown = Credentials::new("ASIAUNKNOWNUNKNOWN00", "secret", Some("token"));
    let (headers, _) = emu.sign(&Request::new("GET", p.clone()), &unknown);
    let r = http(emu.port, "GET", &p, &headers, b"");
    r.assert_error(403, "InvalidAccessKeyId");
    assert_eq!(r.xml("AWSAccessKeyId").as_deref(), Some("ASIAUNKNOWNUNKNOWN00"));

    // With the token, the request goes through (to NoSuchKey).
    emu.send(Request::new("GET", p), &me).assert_error(404, "NoSuchKey");
}

#[test]
fn expired_credentials_are_refused() {
    let emu = start(None);
    let me = emu.creds(Some("short-lived"));
    let p = path("photos", &format!("private/{}/x.txt", me.identity_id));
    emu.send(Request::new("GET", p.clone()), &me).assert_error(404, "NoSuchKey");
    // An hour later (the emulator's clock; the request is signed at that time too).
    emu.app.clock.set_skew_secs(3601);
    let r = emu.send(Request::new("GET", p.clone()), &me);
    r.assert_error(400, "ExpiredToken");
    // Fresh credentials work again.
    let fresh = emu.creds(Some("short-lived"));
    assert_eq!(fresh.identity_id, me.identity_id);
    emu.send(Request::new("GET", p), &fresh).assert_error(404, "NoSuchKey");
}

#[test]
fn clock_skew_beyond_fifteen_minutes_is_refused() {
    let emu = start(None);
    let me = emu.creds(Some("skewed"));
    let p = path("photos", &format!("private/{}/x.txt", me.identity_id));
    let now = emu.app.clock.now_ms();
    for (offset_min, ok) in [(-16, false), (16, false), (-14, true), (14, true)] {
        let mut req = Request::new("GET", p.clone());
        req.time_ms = Some(now + offset_min * 60_000);
        let r = emu.send(req, &me);
        if ok {
            r.assert_error(404, "NoSuchKey");
        } else {
            r.assert_error(403, "RequestTimeTooSkewed");
            assert_eq!(r.xml("MaxAllowedSkewMilliseconds").as_deref(), Some("900000"));
        }
    }
    // The emulator's clock is what counts: skew it instead of the client's.
    emu.app.clock.set_skew_secs(20 * 60);
    let mut req = Request::new("GET", p);
    req.time_ms = Some(now);
    emu.send(req, &me).assert_error(403, "RequestTimeTooSkewed");
}

#[test]
fn presigned_get_valid_then_expired() {
    let emu = start(None);
    let me = emu.creds(Some("presigner"));
    let key = format!("private/{}/shared photo.jpg", me.identity_id);
    let p = path("photos", &key);
    assert_eq!(
        emu.send(Request::new("PUT", p.clone()).header("content-type", "image/jpeg").body(b"JPEG"), &me).status,
        200
    );

    let url = emu.presign_get(&p, &me.creds, 60);
    assert!(url.contains("X-Amz-Security-Token="));
    let r = emu.get(&url, &[("origin", ORIGIN)]);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.body, b"JPEG");
    assert_eq!(r.header("content-type"), Some("image/jpeg"));
    assert_eq!(r.header("access-control-allow-origin"), Some(ORIGIN));

    // Tampered: another key with the same signature.
    let other = path("photos", &format!("private/{}/other.jpg", me.identity_id));
    let tampered = url.replacen(&p, &other, 1);
    emu.get(&tampered, &[]).assert_error(403, "SignatureDoesNotMatch");
    // X-Amz-Expires over 7 days.
    let too_long = url.replace("X-Amz-Expires=60", "X-Amz-Expires=604801");
    emu.get(&too_long, &[]).assert_error(400, "AuthorizationQueryParametersError");
    // Both a presigned query and an Authorization header.
    let r = emu.get(&url, &[("authorization", "AWS4-HMAC-SHA256 Credential=x")]);
    r.assert_error(400, "InvalidArgument");

    // Past X-Amz-Expires.
    emu.app.clock.set_skew_secs(61);
    let r = emu.get(&url, &[]);
    r.assert_error(403, "AccessDenied");
    assert_eq!(r.xml("Message").as_deref(), Some("Request has expired"));
    assert_eq!(r.xml("X-Amz-Expires").as_deref(), Some("60"));

    // Presigned URLs obey the policy too.
    emu.app.clock.set_skew_secs(0);
    let them = emu.creds(Some("someone-else"));
    let url = emu.presign_get(&p, &them.creds, 60);
    emu.get(&url, &[]).assert_error(403, "AccessDenied");
}

#[test]
fn other_identities_prefixes_are_access_denied() {
    let emu = start(None);
    let alice = emu.creds(Some("alice"));
    let bob = emu.creds(Some("bob"));
    let alice_key = format!("private/{}/secret.txt", alice.identity_id);
    assert_eq!(emu.send(Request::new("PUT", path("photos", &alice_key)).body(b"mine"), &alice).status, 200);

    emu.send(Request::new("GET", path("photos", &alice_key)), &bob).assert_error(403, "AccessDenied");
    assert_eq!(emu.send(Request::new("HEAD", path("photos", &alice_key)), &bob).status, 403);
    emu.send(Request::new("PUT", path("photos", &alice_key)).body(b"theirs"), &bob).assert_error(403, "AccessDenied");
    emu.send(Request::new("DELETE", path("photos", &alice_key)), &bob).assert_error(403, "AccessDenied");
    emu.send(Request::new("POST", path("photos", &alice_key)).query("uploads"), &bob).assert_error(403, "AccessDenied");
    let alice_prefix = format!("private/{}/", alice.identity_id);
    emu.send(Request::new("GET", "/s3/photos".into()).query(&list_query(&alice_prefix, "")), &bob)
        .assert_error(403, "AccessDenied");
    emu.send(Request::new("GET", "/s3/photos".into()).query("list-type=2"), &bob).assert_error(403, "AccessDenied");
    // A prefix that merely starts like one's own id is someone else's.
    let r = emu.send(Request::new("PUT", path("photos", &format!("private/{}x/a", bob.identity_id))).body(b"x"), &bob);
    r.assert_error(403, "AccessDenied");
    emu.send(Request::new("PUT", path("photos", "public/x.txt")).body(b"x"), &bob).assert_error(403, "AccessDenied");
    // Alice's object is untouched.
    assert_eq!(emu.send(Request::new("GET", path("photos", &alice_key)), &alice).body, b"mine");

    // Guests: nothing private, but the public prefix is readable.
    let guest = emu.creds(None);
    emu.send(Request::new("PUT", path("photos", &format!("private/{}/g", guest.identity_id))).body(b"x"), &guest)
        .assert_error(403, "AccessDenied");
    emu.send(Request::new("GET", path("photos", "public/missing.jpg")), &guest).assert_error(404, "NoSuchKey");
    let r = emu.send(Request::new("GET", "/s3/photos".into()).query(&list_query("public/", "")), &guest);
    assert_eq!(r.status, 200, "{}", r.text());
}

#[test]
fn cors_preflight_and_responses_follow_the_bucket_rules() {
    let emu = start(None);
    let me = emu.creds(Some("browser"));
    let p = path("photos", &format!("private/{}/x.txt", me.identity_id));
    let preflight = |origin: &str, method: &str, bucket_path: &str| {
        http(
            emu.port,
            "OPTIONS",
            bucket_path,
            &[
                ("host".into(), emu.host()),
                ("origin".into(), origin.into()),
                ("access-control-request-method".into(), method.into()),
                (
                    "access-control-request-headers".into(),
                    "authorization,content-type,x-amz-content-sha256,x-amz-date,x-amz-security-token".into(),
                ),
            ],
            b"",
        )
    };
    let r = preflight(ORIGIN, "PUT", &p);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("access-control-allow-origin"), Some(ORIGIN));
    assert!(r.header("access-control-allow-methods").unwrap().contains("PUT"));
    assert_eq!(
        r.header("access-control-allow-headers"),
        Some("authorization, content-type, x-amz-content-sha256, x-amz-date, x-amz-security-token")
    );
    assert_eq!(r.header("access-control-expose-headers"), Some("ETag"));
    assert_eq!(r.header("access-control-max-age"), Some("600"));

    preflight("http://evil.example", "PUT", &p).assert_error(403, "AccessForbidden");
    preflight(ORIGIN, "PATCH", &p).assert_error(403, "AccessForbidden");
    let r = preflight(ORIGIN, "GET", "/s3/eu-bucket/x");
    r.assert_error(403, "AccessForbidden");
    assert!(r.xml("Message").unwrap().contains("CORS is not enabled"));

    // The actual PUT from the allowed origin: ETag readable by the page.
    let r = emu.send(Request::new("PUT", p.clone()).header("origin", ORIGIN).body(b"x"), &me);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("access-control-allow-origin"), Some(ORIGIN));
    assert_eq!(r.header("access-control-expose-headers"), Some("ETag"));
    assert!(r.header("etag").is_some());
    // Errors carry the CORS headers too, so the page can read them.
    let r = emu.send(Request::new("GET", path("photos", "private/nobody/x")).header("origin", ORIGIN), &me);
    r.assert_error(403, "AccessDenied");
    assert_eq!(r.header("access-control-allow-origin"), Some(ORIGIN));
    // Another origin gets no CORS headers at all.
    let r = emu.send(Request::new("GET", p).header("origin", "http://evil.example"), &me);
    assert_eq!(r.status, 200);
    assert!(r.headers.iter().all(|(k, _)| !k.starts_with("access-control-")), "{:?}", r.headers);
}

#[test]
fn faults_apply_to_s3_operations() {
    let emu = start(None);
    let me = emu.creds(Some("faulty"));
    let p = path("photos", &format!("private/{}/x.txt", me.identity_id));
    emu.app.faults.add(emulator::faults::FaultSpec {
        target: "PutObject".into(),
        kind: emulator::faults::FaultKind::Throttle,
        latency_ms: 0,
        status: None,
        count: Some(1),
    });
    let r = emu.send(Request::new("PUT", p.clone()).header("origin", ORIGIN).body(b"x"), &me);
    r.assert_error(503, "SlowDown");
    assert_eq!(r.header("access-control-allow-origin"), Some(ORIGIN), "fault answers keep the bucket's CORS");
    assert_eq!(emu.send(Request::new("PUT", p).body(b"x"), &me).status, 200);
}

#[test]
fn objects_survive_a_restart_with_a_data_dir_and_reset_clears_them() {
    let dir = temp_dir("s3data");
    let first = start(Some(&dir));
    let me = first.creds(Some("keeper"));
    let p = path("photos", &format!("private/{}/kept.jpg", me.identity_id));
    assert_eq!(
        first.send(Request::new("PUT", p.clone()).header("content-type", "image/jpeg").body(b"kept"), &me).status,
        200
    );

    let second = start(Some(&dir));
    // The credentials issued by the first run are known to the second (persisted too).
    let r = second.send(Request::new("GET", p.clone()), &me);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.body, b"kept");
    assert_eq!(r.header("content-type"), Some("image/jpeg"));

    second.app.reset();
    let third = start(Some(&dir));
    let key = format!("private/{}/kept.jpg", me.identity_id);
    assert!(third.app.s3.lock().unwrap().store.get("photos", &key).is_none(), "reset removed the object on disk");
    assert_eq!(third.app.identity_pools.lock().unwrap().identity_count(), 0, "and the identities");
    let again = third.creds(Some("keeper"));
    assert_ne!(again.identity_id, me.identity_id);
    third.send(Request::new("GET", p), &again).assert_error(403, "AccessDenied");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Keys and query values that exercise every canonicalisation rule, signed by the SDK's signer
/// (the client) and verified by the emulator with aws-sigv4 — header-signed and presigned, each
/// with the session token; then a one-byte change to the path, a signed header or a query value
/// must be refused.
#[test]
fn tricky_keys_signed_by_the_sdk_are_verified_by_aws_sigv4() {
    let emu = start(None);
    let me = emu.creds(Some("tricky"));
    let base = format!("private/{}/", me.identity_id);
    let keys = [
        "über cat+1 (2).jpg",
        "a~b",
        "%41",
        "%2541 and %zz",
        "two  spaces and a trailing one ",
        "+",
        "a+b=c&d",
        "(parentheses) [brackets] {braces}",
        "*!'();:@&=+$,?#",
        "deep/er/and/deeper/still/x.bin",
        "ü/ß/€/日本語.txt",
        "tab\there",
        "dots..and.dot./x",
    ];
    // `=`, `&` and `/` inside query values, plus a space and a quote.
    let disposition = "attachment; filename=\"a=b&c/d (1).jpg\"";
    let content_type = "text/plain; charset=utf-8; x=a/b&c=d";
    let overrides = format!(
        "response-content-disposition={}&response-content-type={}",
        percent_encode(disposition, false),
        percent_encode(content_type, false)
    );
    for key in keys {
        let key = format!("{base}{key}");
        let p = path("photos", &key);
        let body = format!("body of {key}").into_bytes();

        // Header-signed PUT (signed payload, metadata with spaces and odd characters).
        let put = || {
            Request::new("PUT", p.clone())
                .header("content-type", "text/plain")
                .header("x-amz-meta-note", "  spaced   out, & (odd) = \"chars\"  ")
                .body(&body)
        };
        let r = emu.send(put(), &me);
        assert_eq!(r.status, 200, "{key}: {}", r.text());
        // The same with an unsigned payload.
        let mut unsigned = put();
        unsigned.payload = Body::Unsigned;
        assert_eq!(emu.send(unsigned, &me).status, 200, "{key}");

        // Header-signed GET with query values full of `=`, `&` and `/`.
        let r = emu.send(Request::new("GET", p.clone()).query(&overrides), &me);
        assert_eq!(r.status, 200, "{key}: {}", r.text());
        assert_eq!(r.body, body);
        assert_eq!(r.header("content-disposition"), Some(disposition));
        assert_eq!(r.header("content-type"), Some(content_type));
        assert_eq!(r.header("x-amz-meta-note"), Some("spaced   out, & (odd) = \"chars\""), "{key}");

        // Presigned GET and HEAD, with and without extra query values.
        for (method, query) in [("GET", ""), ("GET", overrides.as_str()), ("HEAD", overrides.as_str())] {
            let url = emu.presign(method, &p, query, &me.creds, 300);
            assert!(url.contains("X-Amz-Security-Token="));
            let r = http(emu.port, method, &url, &[("host".into(), emu.host())], b"");
            assert_eq!(r.status, 200, "{method} {key} {query}: {}", r.text());
        }

        // One byte more, less or different in the path: another key, not the one signed.
        let (headers, _) = emu.sign(&Request::new("GET", p.clone()), &me.creds);
        for tampered in [format!("{p}x"), p[..p.len() - 1].to_string(), format!("{}X", &p[..p.len() - 1])] {
            let r = http(emu.port, "GET", &tampered, &headers, b"");
            r.assert_error(403, "SignatureDoesNotMatch");
        }
        // One byte of a signed header.
        let (mut headers, _) = emu.sign(&put(), &me.creds);
        for (k, v) in headers.iter_mut() {
            if k == "x-amz-meta-note" {
                v.push('!');
            }
        }
        http(emu.port, "PUT", &p, &headers, &body).assert_error(403, "SignatureDoesNotMatch");
        let (mut headers, _) = emu.sign(&put(), &me.creds);
        for (k, v) in headers.iter_mut() {
            if k == "content-type" {
                *v = "text/plaiN".into();
            }
        }
        http(emu.port, "PUT", &p, &headers, &body).assert_error(403, "SignatureDoesNotMatch");
        // One byte of a query value, header-signed and presigned.
        let (headers, _) = emu.sign(&Request::new("GET", p.clone()).query(&overrides), &me.creds);
        let changed = overrides.replacen("utf-8", "utf-9", 1);
        http(emu.port, "GET", &format!("{p}?{changed}"), &headers, b"").assert_error(403, "SignatureDoesNotMatch");
        let url = emu.presign("GET", &p, &overrides, &me.creds, 300);
        emu.get(&url.replacen("utf-8", "utf-9", 1), &[]).assert_error(403, "SignatureDoesNotMatch");
        let url = emu.presign("GET", &p, "", &me.creds, 300);
        let r = emu.get(&url.replacen(&p, &format!("{p}x"), 1), &[]);
        r.assert_error(403, "SignatureDoesNotMatch");
        // What S3 echoes is the canonical request of what arrived: the tampered path.
        assert!(r.xml("CanonicalRequest").unwrap().starts_with(&format!("GET\n{p}x\n")), "{}", r.text());
    }
}

/// The base64 of the big-endian CRC-32/ISO-HDLC of `data`, as S3 sends `x-amz-checksum-crc32`.
fn crc32_b64(data: &[u8]) -> String {
    emulator::crypto::b64(&crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC).checksum(data).to_be_bytes())
}

/// The base64 of the big-endian CRC-64/NVME of `data` (`x-amz-checksum-crc64nvme`).
fn crc64_b64(data: &[u8]) -> String {
    emulator::crypto::b64(&crc::Crc::<u64>::new(&crc::CRC_64_NVME).checksum(data).to_be_bytes())
}

#[test]
fn put_object_checksums_are_verified_stored_and_returned() {
    let emu = start(None);
    let me = emu.creds(Some("checksummer"));
    let p = path("photos", &format!("private/{}/sum.txt", me.identity_id));
    let body = b"checksum me".to_vec();
    let put = |headers: &[(&str, &str)], data: &[u8]| {
        let mut r = Request::new("PUT", p.clone()).body(data);
        for (k, v) in headers {
            r = r.header(k, v);
        }
        emu.send(r, &me)
    };

    let crc32 = crc32_b64(&body);
    let r = put(&[("x-amz-checksum-crc32", &crc32)], &body);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("x-amz-checksum-crc32"), Some(crc32.as_str()));
    assert_eq!(r.header("x-amz-checksum-type"), Some("FULL_OBJECT"));

    // GetObject / HeadObject return it when asked with x-amz-checksum-mode, as S3 does.
    let r = emu.send(Request::new("HEAD", p.clone()), &me);
    assert_eq!((r.status, r.header("x-amz-checksum-crc32")), (200, None));
    for method in ["HEAD", "GET"] {
        let r = emu.send(Request::new(method, p.clone()).header("x-amz-checksum-mode", "ENABLED"), &me);
        assert_eq!(r.status, 200);
        assert_eq!(r.header("x-amz-checksum-crc32"), Some(crc32.as_str()), "{method}");
        assert_eq!(r.header("x-amz-checksum-type"), Some("FULL_OBJECT"));
    }
    // Not with a part of the object.
    let r = emu.send(
        Request::new("GET", p.clone()).header("x-amz-checksum-mode", "ENABLED").header("range", "bytes=0-1"),
        &me,
    );
    assert_eq!((r.status, r.header("x-amz-checksum-crc32")), (206, None));

    // A checksum that is not the body's: nothing is stored.
    let r = put(&[("x-amz-checksum-crc32", &crc32_b64(b"something else"))], b"replacement");
    r.assert_error(400, "BadDigest");
    assert_eq!(r.xml("Message").as_deref(), Some("The CRC32 you specified did not match the calculated checksum."));
    assert_eq!(emu.send(Request::new("GET", p.clone()), &me).body, body);
    let r = put(&[("x-amz-checksum-crc64nvme", &crc64_b64(b"other"))], &body);
    r.assert_error(400, "BadDigest");
    assert_eq!(r.xml("Message").as_deref(), Some("The CRC64NVME you specified did not match the calculated checksum."));

    // CRC64NVME with the SDK's algorithm header.
    let crc64 = crc64_b64(&body);
    let r = put(&[("x-amz-sdk-checksum-algorithm", "CRC64NVME"), ("x-amz-checksum-crc64nvme", &crc64)], &body);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("x-amz-checksum-crc64nvme"), Some(crc64.as_str()));
    let r = emu.send(Request::new("HEAD", p.clone()).header("x-amz-checksum-mode", "ENABLED"), &me);
    assert_eq!((r.header("x-amz-checksum-crc64nvme"), r.header("x-amz-checksum-crc32")), (Some(crc64.as_str()), None));
    // The algorithm header alone: S3 computes the checksum itself.
    let r = put(&[("x-amz-sdk-checksum-algorithm", "crc32")], &body);
    assert_eq!((r.status, r.header("x-amz-checksum-crc32")), (200, Some(crc32.as_str())));
    // An algorithm header that names another algorithm than the value's.
    put(&[("x-amz-sdk-checksum-algorithm", "CRC32"), ("x-amz-checksum-crc64nvme", &crc64)], &body)
        .assert_error(400, "BadDigest");

    // Malformed values, two values, unknown and not emulated algorithms.
    for bad in ["abc", "AAAAAAAAAAA=", "not base64!", ""] {
        let r = put(&[("x-amz-checksum-crc32", bad)], &body);
        r.assert_error(400, "InvalidRequest");
        assert_eq!(r.xml("Message").as_deref(), Some("Value for x-amz-checksum-crc32 header is invalid."), "{bad}");
    }
    let r = put(&[("x-amz-checksum-crc32", &crc32), ("x-amz-checksum-crc64nvme", &crc64)], &body);
    r.assert_error(400, "InvalidRequest");
    assert!(r.xml("Message").unwrap().contains("Multiple checksum Types are not allowed"));
    put(&[("x-amz-sdk-checksum-algorithm", "MD5")], &body).assert_error(400, "InvalidRequest");
    put(&[("x-amz-checksum-sha256", &emulator::crypto::b64(&emulator::crypto::sha256(&body)))], &body)
        .assert_error(501, "NotImplemented");
    put(&[("x-amz-sdk-checksum-algorithm", "CRC32C")], &body).assert_error(501, "NotImplemented");
    // A plain PUT replaces the object and its checksum.
    assert_eq!(put(&[], &body).status, 200);
    let r = emu.send(Request::new("HEAD", p.clone()).header("x-amz-checksum-mode", "ENABLED"), &me);
    assert_eq!((r.header("x-amz-checksum-crc32"), r.header("x-amz-checksum-type")), (None, None));
}

/// A part of a CompleteMultipartUpload body: number, ETag, and a checksum element and value.
type ListedPart<'a> = (u32, &'a str, Option<(&'a str, &'a str)>);

fn complete_body_with(parts: &[ListedPart]) -> Vec<u8> {
    let mut s = String::from("<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">");
    for (n, e, checksum) in parts {
        s.push_str(&format!("<Part><PartNumber>{n}</PartNumber><ETag>{e}</ETag>"));
        if let Some((element, value)) = checksum {
            s.push_str(&format!("<{element}>{value}</{element}>"));
        }
        s.push_str("</Part>");
    }
    s.push_str("</CompleteMultipartUpload>");
    s.into_bytes()
}

#[test]
fn multipart_full_object_checksums() {
    let emu = start(None);
    let me = emu.creds(Some("mp-full"));
    let p = path("photos", &format!("private/{}/full.bin", me.identity_id));
    let create = |headers: &[(&str, &str)]| {
        let mut r = Request::new("POST", p.clone()).query("uploads");
        for (k, v) in headers {
            r = r.header(k, v);
        }
        emu.send(r, &me)
    };
    // CRC64NVME: FULL_OBJECT by default; COMPOSITE is refused.
    let r = create(&[("x-amz-checksum-algorithm", "CRC64NVME")]);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("x-amz-checksum-algorithm"), Some("CRC64NVME"));
    assert_eq!(r.header("x-amz-checksum-type"), Some("FULL_OBJECT"));
    let upload = r.xml("UploadId").unwrap();
    let r = create(&[("x-amz-checksum-algorithm", "CRC64NVME"), ("x-amz-checksum-type", "COMPOSITE")]);
    r.assert_error(400, "InvalidRequest");
    assert_eq!(
        r.xml("Message").as_deref(),
        Some("The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm.")
    );
    create(&[("x-amz-checksum-type", "FULL_OBJECT")]).assert_error(400, "InvalidRequest");
    create(&[("x-amz-checksum-algorithm", "CRC32"), ("x-amz-checksum-type", "BOTH")])
        .assert_error(400, "InvalidRequest");
    create(&[("x-amz-checksum-algorithm", "SHA256")]).assert_error(501, "NotImplemented");
    create(&[("x-amz-checksum-algorithm", "ADLER32")]).assert_error(400, "InvalidRequest");

    let uq = format!("uploadId={}", percent_encode(&upload, false));
    let parts: Vec<Vec<u8>> = vec![vec![b'x'; 1024], b"the end".to_vec()];
    let part = |n: u32, data: &[u8], headers: &[(&str, &str)]| {
        let mut r = Request::new("PUT", p.clone()).query(&format!("partNumber={n}&{uq}")).body(data);
        for (k, v) in headers {
            r = r.header(k, v);
        }
        emu.send(r, &me)
    };
    // Every part must carry the upload's algorithm, with the right value.
    let r = part(1, &parts[0], &[]);
    r.assert_error(400, "InvalidRequest");
    assert!(r.xml("Message").unwrap().contains("crc64nvme"), "{}", r.text());
    part(1, &parts[0], &[("x-amz-sdk-checksum-algorithm", "CRC64NVME")]).assert_error(400, "InvalidRequest");
    let r = part(1, &parts[0], &[("x-amz-checksum-crc32", &crc32_b64(&parts[0]))]);
    r.assert_error(400, "InvalidRequest");
    assert!(r.xml("Message").unwrap().starts_with("Checksum Type mismatch occurred"));
    part(1, &parts[0], &[("x-amz-checksum-crc64nvme", &crc64_b64(b"no"))]).assert_error(400, "BadDigest");
    let mut etags = Vec::new();
    for (i, data) in parts.iter().enumerate() {
        let sum = crc64_b64(data);
        let r = part(i as u32 + 1, data, &[("x-amz-checksum-crc64nvme", &sum)]);
        assert_eq!(r.status, 200, "{}", r.text());
        assert_eq!(r.header("x-amz-checksum-crc64nvme"), Some(sum.as_str()));
        etags.push(r.header("etag").unwrap().to_string());
    }

    let r = emu.send(Request::new("GET", p.clone()).query(&uq), &me);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.xml_all("ChecksumCRC64NVME"), parts.iter().map(|d| crc64_b64(d)).collect::<Vec<_>>());
    assert_eq!(r.xml("ChecksumAlgorithm").as_deref(), Some("CRC64NVME"));
    assert_eq!(r.xml("ChecksumType").as_deref(), Some("FULL_OBJECT"));

    let complete = |body: Vec<u8>, headers: &[(&str, &str)]| {
        let mut r = Request::new("POST", p.clone()).query(&uq).body(&body);
        for (k, v) in headers {
            r = r.header(k, v);
        }
        emu.send(r, &me)
    };
    let sums: Vec<String> = parts.iter().map(|d| crc64_b64(d)).collect();
    let listed = |second: &str| {
        complete_body_with(&[
            (1, &etags[0], Some(("ChecksumCRC64NVME", &sums[0]))),
            (2, &etags[1], Some(("ChecksumCRC64NVME", second))),
        ])
    };
    // A part checksum that is not the part's.
    let r = complete(listed(&sums[0]), &[]);
    r.assert_error(400, "InvalidPart");
    assert_eq!(r.xml("PartNumber").as_deref(), Some("2"));
    let r = complete(
        complete_body_with(&[(1, &etags[0], Some(("ChecksumCRC32", &crc32_b64(&parts[0])))), (2, &etags[1], None)]),
        &[],
    );
    r.assert_error(400, "InvalidPart");
    // A whole-object checksum that is not the object's, of another algorithm, another type.
    let whole = crc64_b64(&parts.concat());
    let r = complete(listed(&sums[1]), &[("x-amz-checksum-crc64nvme", &crc64_b64(b"not it"))]);
    r.assert_error(400, "BadDigest");
    complete(listed(&sums[1]), &[("x-amz-checksum-crc32", &crc32_b64(&parts.concat()))])
        .assert_error(400, "InvalidRequest");
    complete(listed(&sums[1]), &[("x-amz-checksum-type", "COMPOSITE")]).assert_error(400, "InvalidRequest");
    // Right: part checksums are optional for FULL_OBJECT, the whole-object one matches.
    let r = complete(
        complete_body_with(&[(1, &etags[0], None), (2, &etags[1], Some(("ChecksumCRC64NVME", &sums[1])))]),
        &[("x-amz-checksum-crc64nvme", &whole), ("x-amz-checksum-type", "FULL_OBJECT")],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.xml("ChecksumCRC64NVME"), Some(whole.clone()));
    assert_eq!(r.xml("ChecksumType").as_deref(), Some("FULL_OBJECT"));
    for method in ["HEAD", "GET"] {
        let r = emu.send(Request::new(method, p.clone()).header("x-amz-checksum-mode", "ENABLED"), &me);
        assert_eq!(r.header("x-amz-checksum-crc64nvme"), Some(whole.as_str()), "{method}");
        assert_eq!(r.header("x-amz-checksum-type"), Some("FULL_OBJECT"));
    }

    // CRC32 can be FULL_OBJECT too, when asked.
    let r = create(&[("x-amz-checksum-algorithm", "CRC32"), ("x-amz-checksum-type", "FULL_OBJECT")]);
    assert_eq!(r.header("x-amz-checksum-type"), Some("FULL_OBJECT"));
    let uq = format!("uploadId={}", percent_encode(&r.xml("UploadId").unwrap(), false));
    let data = b"one part only".to_vec();
    let r = emu.send(
        Request::new("PUT", p.clone())
            .query(&format!("partNumber=1&{uq}"))
            .header("x-amz-checksum-crc32", &crc32_b64(&data))
            .body(&data),
        &me,
    );
    let etag = r.header("etag").unwrap().to_string();
    let r = emu.send(
        Request::new("POST", p.clone())
            .query(&uq)
            .header("x-amz-checksum-crc32", &crc32_b64(&data))
            .body(&complete_body_with(&[(1, &etag, None)])),
        &me,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let r = emu.send(Request::new("HEAD", p.clone()).header("x-amz-checksum-mode", "ENABLED"), &me);
    assert_eq!(r.header("x-amz-checksum-crc32"), Some(crc32_b64(&data).as_str()));
}

#[test]
fn multipart_composite_checksums() {
    let emu = start(None);
    let me = emu.creds(Some("mp-composite"));
    let p = path("photos", &format!("private/{}/composite.bin", me.identity_id));
    // CRC32: COMPOSITE by default.
    let r = emu.send(Request::new("POST", p.clone()).query("uploads").header("x-amz-checksum-algorithm", "CRC32"), &me);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("x-amz-checksum-type"), Some("COMPOSITE"));
    let uq = format!("uploadId={}", percent_encode(&r.xml("UploadId").unwrap(), false));
    let parts: Vec<Vec<u8>> = vec![vec![1u8; 1500], vec![2u8; 1024], vec![3u8; 10]];
    let sums: Vec<String> = parts.iter().map(|d| crc32_b64(d)).collect();
    let mut etags = Vec::new();
    for (i, data) in parts.iter().enumerate() {
        let r = emu.send(
            Request::new("PUT", p.clone())
                .query(&format!("partNumber={}&{uq}", i + 1))
                .header("x-amz-checksum-crc32", &sums[i])
                .body(data),
            &me,
        );
        assert_eq!(r.status, 200, "{}", r.text());
        etags.push(r.header("etag").unwrap().to_string());
    }
    let r = emu.send(Request::new("GET", p.clone()).query(&uq), &me);
    assert_eq!(r.xml_all("ChecksumCRC32"), sums);
    assert_eq!(r.xml("ChecksumType").as_deref(), Some("COMPOSITE"));

    let post = |body: Vec<u8>, headers: &[(&str, &str)]| {
        let mut r = Request::new("POST", p.clone()).query(&uq).body(&body);
        for (k, v) in headers {
            r = r.header(k, v);
        }
        emu.send(r, &me)
    };
    // COMPOSITE needs every part's checksum in the list.
    let r = post(
        complete_body_with(&[
            (1, &etags[0], Some(("ChecksumCRC32", &sums[0]))),
            (2, &etags[1], None),
            (3, &etags[2], Some(("ChecksumCRC32", &sums[2]))),
        ]),
        &[],
    );
    r.assert_error(400, "InvalidRequest");
    assert_eq!(
        r.xml("Message").as_deref(),
        Some(
            "The upload was created using a crc32 checksum. The complete request must include the checksum for each \
             part. It was missing for part 2 in the request."
        )
    );
    let all: Vec<ListedPart> = (0..3)
        .map(|i| (i as u32 + 1, etags[i].as_str(), Some(("ChecksumCRC32", sums[i].as_str()))))
        .collect();
    // The composite value: the CRC32 of the parts' CRC32s, then the number of parts.
    let binary: Vec<u8> = sums.iter().flat_map(|s| emulator::crypto::b64_decode(s).unwrap()).collect();
    let composite = format!("{}-3", crc32_b64(&binary));
    post(complete_body_with(&all), &[("x-amz-checksum-crc32", &format!("{}-3", crc32_b64(b"x")))])
        .assert_error(400, "BadDigest");
    let r = post(complete_body_with(&all), &[("x-amz-checksum-crc32", &composite)]);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.xml("ChecksumCRC32"), Some(composite.clone()));
    assert_eq!(r.xml("ChecksumType").as_deref(), Some("COMPOSITE"));
    let r = emu.send(Request::new("HEAD", p.clone()).header("x-amz-checksum-mode", "ENABLED"), &me);
    assert_eq!(r.header("x-amz-checksum-crc32"), Some(composite.as_str()));
    assert_eq!(r.header("x-amz-checksum-type"), Some("COMPOSITE"));
}

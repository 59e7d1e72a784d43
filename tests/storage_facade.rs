//! The storage entry's wasm-bindgen exports (`src/js/storage.rs`, feature `storage`), called as
//! `js/storage.js` calls them, in the browser (`scripts/wasm-browsers.sh`): key encoding, a
//! presigned URL, a checksum, S3 and identity-pool answers, and errors thrown as JSON text.
#![cfg(target_arch = "wasm32")]

use cognito_wasm::js::storage::{
    complete_multipart_body, identity_answer, identity_provider, identity_request, part_plan,
    s3_answer, s3_object_url, s3_query_value, WasmChecksum, WasmSigner,
};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// 2026-11-29T16:03:00Z.
const NOW: f64 = 1_795_968_180_000.0;

/// The `{"name", "message"}` JSON text a refused call throws.
fn thrown(e: JsValue) -> String {
    e.as_string().expect("errors are thrown as JSON text")
}

#[wasm_bindgen_test]
fn object_urls_encode_keys_once() {
    let url = s3_object_url(Some("http://127.0.0.1:47291/s3".into()), "photos", "us-east-1", "über cat+1 (2).jpg").unwrap();
    assert_eq!(url, "http://127.0.0.1:47291/s3/photos/%C3%BCber%20cat%2B1%20%282%29.jpg");
    let url = s3_object_url(None, "photos", "eu-west-1", "a/b.jpg").unwrap();
    assert_eq!(url, "https://photos.s3.eu-west-1.amazonaws.com/a/b.jpg");
    assert_eq!(s3_query_value("private/us-east-1:x/"), "private%2Fus-east-1%3Ax%2F");
    let e = thrown(s3_object_url(None, "Photos", "us-east-1", "k").unwrap_err());
    assert!(e.starts_with(r#"{"name":"InvalidParameter","message":"bucket: "#), "{e}");
}

#[wasm_bindgen_test]
fn signer_signs_and_presigns() {
    let mut signer = WasmSigner::new(
        "ASIAEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        Some("token".into()),
        "us-east-1",
        "s3",
    )
    .unwrap();
    let url = signer.presign("GET", "https://photos.s3.us-east-1.amazonaws.com/a/b.jpg", 900.0, NOW).unwrap();
    assert!(url.starts_with(
        "https://photos.s3.us-east-1.amazonaws.com/a/b.jpg?X-Amz-Algorithm=AWS4-HMAC-SHA256\
         &X-Amz-Credential=ASIAEXAMPLE%2F20261129%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20261129T160300Z\
         &X-Amz-Expires=900&X-Amz-Security-Token=token&X-Amz-SignedHeaders=host&X-Amz-Signature="
    ), "{url}");
    // The same request signed twice gives the same URL (the cached key is the derived one).
    assert_eq!(signer.presign("GET", "https://photos.s3.us-east-1.amazonaws.com/a/b.jpg", 900.0, NOW).unwrap(), url);
    let headers = signer.sign("PUT", "http://127.0.0.1:47291/s3/photos/k", "content-type:image/jpeg", None, NOW).unwrap();
    assert!(headers.starts_with(r#"{"authorization":"AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20261129/us-east-1/s3/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature="#), "{headers}");
    assert!(headers.ends_with(r#","x-amz-date":"20261129T160300Z","x-amz-content-sha256":"UNSIGNED-PAYLOAD","x-amz-security-token":"token"}"#), "{headers}");
    let e = thrown(signer.presign("GET", "https://h/k", 604_801.0, NOW).unwrap_err());
    assert!(e.starts_with(r#"{"name":"InvalidParameter","message":"expiresIn: "#), "{e}");
    let e = thrown(WasmSigner::new("", "s", None, "us-east-1", "s3").unwrap_err());
    assert_eq!(e, r#"{"name":"InvalidParameter","message":"accessKeyId: is empty"}"#);
}

#[wasm_bindgen_test]
fn checksums_match_s3s_forms() {
    let mut crc = WasmChecksum::new("CRC32").unwrap();
    crc.update(b"12345");
    crc.update(b"6789");
    assert_eq!(crc.finish(), "y/Q5Jg==");
    crc.reset();
    assert_eq!(crc.finish(), "AAAAAA==");
    let mut crc64 = WasmChecksum::new("CRC64NVME").unwrap();
    crc64.update(b"123456789");
    assert_eq!(crc64.finish(), "rosUhgp5mIg=");
    // CRC("12345" ‖ "6789") from the CRCs of the halves.
    let (mut a, mut b) = (WasmChecksum::new("CRC64NVME").unwrap(), WasmChecksum::new("CRC64NVME").unwrap());
    a.update(b"12345");
    b.update(b"6789");
    assert_eq!(WasmChecksum::combine("CRC64NVME", &a.finish(), &b.finish(), 4.0).unwrap(), "rosUhgp5mIg=");
    let e = thrown(WasmChecksum::new("MD5").unwrap_err());
    assert!(e.starts_with(r#"{"name":"InvalidParameter","message":"checksum: "#), "{e}");
    // A megabyte in one call: the slicing-by-8 loop in wasm.
    let big = vec![0xA5u8; 1 << 20];
    let mut c = WasmChecksum::new("CRC32").unwrap();
    c.update(&big);
    let mut d = WasmChecksum::new("CRC32").unwrap();
    d.update(&big[..12345]);
    d.update(&big[12345..]);
    assert_eq!(c.finish(), d.finish());
}

#[wasm_bindgen_test]
fn s3_answers_and_bodies() {
    let skewed = "<Error><Code>RequestTimeTooSkewed</Code><Message>too skewed</Message>\
        <ServerTime>2026-11-29T16:03:00Z</ServerTime></Error>";
    assert_eq!(
        s3_answer("PutObject", 403, skewed),
        r#"{"error":{"name":"RequestTimeTooSkewed","message":"too skewed","status":403,"serverTime":1795968180000,"retry":"clock"}}"#
    );
    assert_eq!(
        s3_answer("CreateMultipartUpload", 200, "<InitiateMultipartUploadResult><UploadId>u&amp;1</UploadId></InitiateMultipartUploadResult>"),
        r#"{"uploadId":"u&1"}"#
    );
    assert_eq!(s3_answer("UploadPart", 200, ""), "{}");
    assert_eq!(
        complete_multipart_body(r#"{"parts":[{"partNumber":1,"etag":"\"abc\""}]}"#).unwrap(),
        "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Part><PartNumber>1</PartNumber><ETag>&quot;abc&quot;</ETag></Part></CompleteMultipartUpload>"
    );
    assert_eq!(part_plan(12.0 * 1048576.0, None).unwrap(), r#"{"single":false,"partSize":5242880,"parts":3}"#);
    let e = thrown(part_plan(-1.0, None).unwrap_err());
    assert!(e.starts_with(r#"{"name":"InvalidParameter","message":"size: "#), "{e}");
}

#[wasm_bindgen_test]
fn identity_pool_messages() {
    let request = identity_request("GetId", r#"{"identityPoolId":"us-east-1:0f3b6e1c-93f2-4b2a-9d9e-1a2b3c4d5e6f"}"#).unwrap();
    assert_eq!(
        request,
        r#"{"headers":{"Content-Type":"application/x-amz-json-1.1","X-Amz-Target":"AWSCognitoIdentityService.GetId"},"body":"{\"IdentityPoolId\":\"us-east-1:0f3b6e1c-93f2-4b2a-9d9e-1a2b3c4d5e6f\"}"}"#
    );
    let e = thrown(identity_request("GetId", r#"{"identityPoolId":"nope"}"#).unwrap_err());
    assert!(e.starts_with(r#"{"name":"InvalidConfig","message":"identityPoolId: "#), "{e}");
    let answer = identity_answer(
        "GetCredentialsForIdentity",
        200,
        r#"{"Credentials":{"AccessKeyId":"ASIAX","Expiration":1.515115602E9,"SecretKey":"s","SessionToken":"t"},"IdentityId":"us-east-1:x"}"#,
    )
    .unwrap();
    assert!(answer.ends_with(r#""expiration":1515115602000}"#), "{answer}");
    let e = identity_answer("GetId", 400, r#"{"__type":"NotAuthorizedException","message":"no"}"#).unwrap();
    assert_eq!(e, r#"{"error":{"name":"NotAuthorizedException","message":"no","status":400}}"#);
    let e = thrown(identity_provider("not.a.jwt").unwrap_err());
    assert!(e.starts_with(r#"{"name":"InvalidParameter","message":"idToken: "#), "{e}");
}

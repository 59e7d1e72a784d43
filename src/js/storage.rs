//! The wasm-bindgen exports of the `cognito-wasm/storage` npm entry (feature `storage`), which
//! `js/storage.js` drives: SigV4 signing ([`WasmSigner`]), S3 URLs, request bodies and answers,
//! identity-pool requests and answers, and CRC checksums ([`WasmChecksum`]).
//!
//! Thin wrappers over `core::s3`, `core::identity_pool` and `core::checksum`: values cross the
//! boundary as strings, numbers and JSON text, as in `WasmSession`. A refused argument throws
//! `{"name", "message"}` as JSON text (`InvalidParameter`, `InvalidConfig`), which the driver
//! turns into a JS `Error`; answers that report a failed request return it as
//! `{"error": {...}}` instead.

use crate::prelude::*;

use wasm_bindgen::prelude::*;

use crate::core::checksum::{combine_base64, Checksum, ChecksumAlgorithm};
use crate::core::error::{Error, Result};
use crate::core::identity_pool::{self, IdentityOperation};
use crate::core::s3::{self, whole_number, RequestSigner};
use crate::session::output::error_json;

/// `r`'s value, or its error thrown as JSON text.
fn thrown<T>(r: Result<T>) -> core::result::Result<T, JsValue> {
    r.map_err(|e: Error| JsValue::from_str(&error_json(&e).to_string()))
}

/// A JS time in ms since the epoch (fractions dropped; NaN reads as 0).
fn ms(now: f64) -> i64 {
    now as i64
}

/// Signs requests with one set of AWS credentials for one region and service (`s3` or another
/// service's signing name), keeping the derived signing key of the current UTC day.
#[wasm_bindgen]
#[derive(Debug)]
pub struct WasmSigner(RequestSigner);

#[wasm_bindgen]
impl WasmSigner {
    /// Throws `InvalidParameter` naming the first required value that is empty.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(js_name = accessKeyId)] access_key_id: &str,
        #[wasm_bindgen(js_name = secretAccessKey)] secret_access_key: &str,
        #[wasm_bindgen(js_name = sessionToken)] session_token: Option<String>,
        region: &str,
        service: &str,
    ) -> core::result::Result<WasmSigner, JsValue> {
        thrown(RequestSigner::new(access_key_id, secret_access_key, session_token.as_deref(), region, service))
            .map(WasmSigner)
    }

    /// The headers to add to the request, as JSON text (`authorization`, `x-amz-date`,
    /// `x-amz-content-sha256` for S3, `x-amz-security-token` with a session token).
    /// `headers`: `name:value` lines joined by `\n` besides `host`; `payloadHash`: the body's
    /// lowercase hex SHA-256, `undefined` for `UNSIGNED-PAYLOAD`; `now`: ms since the epoch.
    pub fn sign(
        &mut self,
        method: &str,
        url: &str,
        headers: &str,
        #[wasm_bindgen(js_name = payloadHash)] payload_hash: Option<String>,
        now: f64,
    ) -> core::result::Result<String, JsValue> {
        thrown(self.0.sign_json(method, url, headers, payload_hash.as_deref(), ms(now)))
    }

    /// The presigned URL of `method` `url`, valid for `expiresSecs` (1 to 604800) seconds.
    pub fn presign(
        &mut self,
        method: &str,
        url: &str,
        #[wasm_bindgen(js_name = expiresSecs)] expires_secs: f64,
        now: f64,
    ) -> core::result::Result<String, JsValue> {
        let expires = whole_number(expires_secs, "expiresIn")
            .map_err(|_| Error::param("expiresIn", "must be between 1 and 604800 seconds (7 days)"));
        thrown(expires.and_then(|expires| self.0.presign(method, url, expires, ms(now))))
    }
}

/// The URL of object `key` in `bucket` (path-style under `endpoint` when given, else
/// virtual-hosted on AWS); `key` `""` gives the bucket's URL.
#[wasm_bindgen(js_name = s3ObjectUrl)]
pub fn s3_object_url(
    endpoint: Option<String>,
    bucket: &str,
    region: &str,
    key: &str,
) -> core::result::Result<String, JsValue> {
    thrown(s3::object_url(endpoint.as_deref(), bucket, region, key))
}

/// `value` RFC 3986-encoded for a query (`/` encoded too).
#[wasm_bindgen(js_name = s3QueryValue)]
pub fn s3_query_value(value: &str) -> String {
    s3::encode_query_value(value)
}

/// S3's answer to the operation `kind` as JSON text: its result, or `{"error": {...}}`.
#[wasm_bindgen(js_name = s3Answer)]
pub fn s3_answer(kind: &str, status: u16, body: &str) -> String {
    s3::answer_json(kind, status, body)
}

/// The `CompleteMultipartUpload` XML body from `{"algorithm"?, "parts": [...]}` (JSON text).
#[wasm_bindgen(js_name = completeMultipartBody)]
pub fn complete_multipart_body(parts: &str) -> core::result::Result<String, JsValue> {
    thrown(s3::complete_body(parts))
}

/// How to upload `size` bytes: `{"single", "partSize", "parts"}` as JSON text.
#[wasm_bindgen(js_name = partPlan)]
pub fn part_plan(size: f64, #[wasm_bindgen(js_name = partSize)] part_size: Option<f64>) -> core::result::Result<String, JsValue> {
    thrown(s3::part_plan_json(size, part_size))
}

/// The identity-pool request of `op` (`GetId`, `GetCredentialsForIdentity`) from `input` (JSON
/// text): `{"headers", "body"}` as JSON text.
#[wasm_bindgen(js_name = identityRequest)]
pub fn identity_request(op: &str, input: &str) -> core::result::Result<String, JsValue> {
    thrown(IdentityOperation::from_name(op).and_then(|op| identity_pool::request_json(op, input)))
}

/// The identity pool's answer to `op` as JSON text: its result, or `{"error": {...}}`.
#[wasm_bindgen(js_name = identityAnswer)]
pub fn identity_answer(op: &str, status: u16, body: &str) -> core::result::Result<String, JsValue> {
    thrown(IdentityOperation::from_name(op)).map(|op| identity_pool::answer_json(op, status, body))
}

/// The `Logins` key of a user-pool id token (its issuer without `https://`).
#[wasm_bindgen(js_name = identityProvider)]
pub fn identity_provider(#[wasm_bindgen(js_name = idToken)] id_token: &str) -> core::result::Result<String, JsValue> {
    thrown(identity_pool::login_provider(id_token))
}

/// An incremental CRC (`CRC32` or `CRC64NVME`), finished as S3 carries it (base64).
#[wasm_bindgen]
#[derive(Debug)]
pub struct WasmChecksum(Checksum);

#[wasm_bindgen]
impl WasmChecksum {
    /// Throws `InvalidParameter` "checksum: ..." for another algorithm.
    #[wasm_bindgen(constructor)]
    pub fn new(algorithm: &str) -> core::result::Result<WasmChecksum, JsValue> {
        thrown(ChecksumAlgorithm::from_name(algorithm)).map(|a| WasmChecksum(Checksum::new(a)))
    }

    /// Feeds the next bytes.
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    /// The base64 of the big-endian CRC of the bytes fed so far (does not reset).
    pub fn finish(&self) -> String {
        self.0.to_base64()
    }

    /// Starts over.
    pub fn reset(&mut self) {
        self.0.reset();
    }

    /// The CRC of `A‖B` (base64) from the base64 CRCs of `A` and `B` and `B`'s length.
    pub fn combine(
        algorithm: &str,
        first: &str,
        second: &str,
        #[wasm_bindgen(js_name = secondLength)] second_length: f64,
    ) -> core::result::Result<String, JsValue> {
        thrown(
            whole_number(second_length, "secondLength")
                .and_then(|len| combine_base64(algorithm, first, second, len)),
        )
    }
}

//! Cognito identity-pool API messages (`AWSCognitoIdentityService.*`), sans-IO: the requests of
//! `GetId` and `GetCredentialsForIdentity` ([`request_json`]), their answers read into the JSON
//! the storage driver acts on ([`answer_json`]), and the `Logins` key of a user-pool id token
//! ([`login_provider`]).
//!
//! Each call is an unsigned `POST` of JSON with `X-Amz-Target:
//! AWSCognitoIdentityService.<Operation>` and `Content-Type: application/x-amz-json-1.1`;
//! errors come back as a non-2xx status with `{"__type": "...", "message": "..."}`.

use crate::prelude::*;

use core::num::NonZeroU64;

use super::encoding::{concat, split_ascii};
use super::error::{Error, ErrorCode, Result};
use super::json::{Json, JsonObject};
use super::jwt;
use super::s3::{failure_json, Retry};
use super::time::push_num;

/// The `Content-Type` of every identity-pool API request.
pub const CONTENT_TYPE: &str = "application/x-amz-json-1.1";

/// The `X-Amz-Target` prefix of the identity-pool API.
pub const TARGET_PREFIX: &str = "AWSCognitoIdentityService.";

/// The identity-pool operations the SDK calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdentityOperation {
    /// `GetId`: the identity id of a user (or a guest) in the pool.
    GetId,
    /// `GetCredentialsForIdentity`: temporary AWS credentials of an identity.
    GetCredentialsForIdentity,
}

impl IdentityOperation {
    /// The operation named `name`; `InvalidParameter` "op: ..." otherwise.
    pub fn from_name(name: &str) -> Result<Self> {
        match name {
            "GetId" => Ok(IdentityOperation::GetId),
            "GetCredentialsForIdentity" => Ok(IdentityOperation::GetCredentialsForIdentity),
            _ => Err(Error::param("op", "must be GetId or GetCredentialsForIdentity")),
        }
    }

    /// The operation's name.
    pub fn name(self) -> &'static str {
        match self {
            IdentityOperation::GetId => "GetId",
            IdentityOperation::GetCredentialsForIdentity => "GetCredentialsForIdentity",
        }
    }
}

/// Whether `text` is `<region>:<uuid>` (region: `a-z 0-9 -`; uuid: 8-4-4-4-12 hex digits), the
/// shape of identity-pool ids.
fn is_region_uuid(text: &str) -> bool {
    let Some((region, uuid)) = split_ascii(text, b':', false) else {
        return false;
    };
    let region_ok = !region.is_empty()
        && region.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    let u = uuid.as_bytes();
    let uuid_ok = u.len() == 36
        && u.iter().enumerate().all(|(i, &b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        });
    region_ok && uuid_ok
}

/// Whether `text` matches Cognito's identity-id pattern `[\w-]+:[0-9a-f-]+`.
fn is_identity_id(text: &str) -> bool {
    let Some((region, id)) = split_ascii(text, b':', false) else {
        return false;
    };
    !region.is_empty()
        && region.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        && !id.is_empty()
        && id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b) || b == b'-')
}

/// The request of `operation` from `input` (JSON text: `{"identityPoolId", "identityId"?,
/// "logins"?: {provider: token}}`) as JSON text: `{"headers": {"Content-Type", "X-Amz-Target"},
/// "body": "<the request's JSON text>"}`.
///
/// `InvalidConfig` "identityPoolId: ..." unless it is `<region>:<uuid>`; `InvalidParameter`
/// naming `input`, `identityId` (required by `GetCredentialsForIdentity`) or `logins` when one
/// is malformed.
pub fn request_json(operation: IdentityOperation, input: &str) -> Result<String> {
    let input = Json::parse(input).map_err(|_| Error::param("input", "is not valid JSON"))?;
    if input.as_object().is_none() {
        return Err(Error::param("input", "must be a JSON object"));
    }
    let pool = input.get("identityPoolId").and_then(Json::as_str).unwrap_or("");
    if !is_region_uuid(pool) {
        return Err(Error::config("identityPoolId", "must look like <region>:<uuid>"));
    }
    let identity = match input.get("identityId") {
        None | Some(Json::Null) => None,
        Some(Json::String(id)) if is_identity_id(id) => Some(id.as_str()),
        Some(_) => return Err(Error::param("identityId", "must look like <region>:<id>")),
    };
    let mut logins = JsonObject::new();
    match input.get("logins") {
        None | Some(Json::Null) => {}
        Some(Json::Object(members)) => {
            for (provider, token) in members {
                match token.as_str() {
                    Some(token) if !provider.is_empty() && !token.is_empty() => {
                        logins = logins.str(provider, token);
                    }
                    _ => return Err(Error::param("logins", "must map provider names to tokens")),
                }
            }
        }
        Some(_) => return Err(Error::param("logins", "must map provider names to tokens")),
    }
    let body = match operation {
        IdentityOperation::GetId => JsonObject::new().str("IdentityPoolId", pool),
        IdentityOperation::GetCredentialsForIdentity => {
            let id = identity.ok_or_else(|| Error::param("identityId", "is required"))?;
            JsonObject::new().str("IdentityId", id)
        }
    };
    let body = if logins.is_empty() { body } else { body.obj("Logins", logins) };
    let headers = JsonObject::new()
        .str("Content-Type", CONTENT_TYPE)
        .str("X-Amz-Target", &concat(TARGET_PREFIX, operation.name()));
    Ok(JsonObject::new().obj("headers", headers).str("body", &body.to_string()).to_string())
}

/// Reads the identity-pool answer to `operation` (`status` 0: no answer arrived, `body` says
/// why) as JSON text:
///
/// - `GetId`: `{"identityId"}`;
/// - `GetCredentialsForIdentity`: `{"identityId", "accessKeyId", "secretAccessKey",
///   "sessionToken", "expiration"}`, the expiration in ms since the epoch (Cognito writes epoch
///   seconds as a JSON number such as `1.515115602E9`);
/// - a failure: `{"error": {name, message, status?, retry?}}` (`s3::failure_json`), named by
///   the `__type` (after any `namespace#`), `NetworkError` for status 0, `InvalidResponse` for
///   an error without a type, `InternalError` naming the field a 2xx answer lacks; `retry`
///   `"backoff"` for status 0, 5xx, `TooManyRequestsException` and `LimitExceededException`.
pub fn answer_json(operation: IdentityOperation, status: u16, body: &str) -> String {
    match read_answer(operation, status, body) {
        Ok(json) => json,
        Err(e) => {
            let status = e.status.unwrap_or(0);
            let retry = match e.name() {
                "TooManyRequestsException" | "LimitExceededException" | "NetworkError" => Some(Retry::Backoff),
                _ if status >= 500 => Some(Retry::Backoff),
                _ => None,
            };
            failure_json(&e, None, retry)
        }
    }
}

fn read_answer(operation: IdentityOperation, status: u16, body: &str) -> Result<String> {
    if status == 0 {
        let why = if body.is_empty() { "no answer from the identity pool" } else { body };
        return Err(Error::new(ErrorCode::NetworkError, why));
    }
    let parsed = Json::parse(body);
    if !(200..300).contains(&status) {
        if let Ok(json) = &parsed {
            if let Some(kind) = json.get("__type").and_then(Json::as_str).filter(|k| !k.is_empty()) {
                let message = json.get("message").or_else(|| json.get("Message")).and_then(Json::as_str);
                return Err(Error::service(kind, message.unwrap_or(""), status));
            }
        }
        let mut m = String::from("the identity-pool API answered HTTP ");
        push_num(&mut m, u64::from(status), 1);
        m.push_str(" without an error type");
        return Err(Error::response(&m).with_status(status));
    }
    let incomplete = |field: &str| {
        let mut m = String::from(operation.name());
        m.push_str(": the answer has no ");
        m.push_str(field);
        Error::internal(&m).with_status(status)
    };
    let json = parsed.map_err(|_| incomplete("JSON body"))?;
    let identity_id = json.get("IdentityId").and_then(Json::as_str).ok_or_else(|| incomplete("IdentityId"))?;
    let out = JsonObject::new().str("identityId", identity_id);
    if operation == IdentityOperation::GetId {
        return Ok(out.to_string());
    }
    let credentials = json.get("Credentials").ok_or_else(|| incomplete("Credentials"))?;
    let field = |name: &'static str| -> Result<&str> {
        credentials.get(name).and_then(Json::as_str).filter(|v| !v.is_empty()).ok_or_else(|| {
            incomplete(&concat("Credentials.", name))
        })
    };
    let expiration = match credentials.get("Expiration") {
        Some(Json::Number(n)) => seconds_to_ms(n),
        _ => None,
    }
    .ok_or_else(|| incomplete("Credentials.Expiration"))?;
    Ok(out
        .str("accessKeyId", field("AccessKeyId")?)
        .str("secretAccessKey", field("SecretKey")?)
        .str("sessionToken", field("SessionToken")?)
        .num("expiration", expiration)
        .to_string())
}

/// A non-negative JSON number literal of seconds (fraction and exponent allowed, e.g.
/// `1.515115602E9`) times 1000, rounded half up, computed in decimal integers (no float parsing
/// linked); `None` when it is not such a literal or the result is over `u64`. Significant digits
/// past the 18th are dropped (they lie far below a millisecond for any epoch time).
pub fn seconds_to_ms(literal: &str) -> Option<u64> {
    const KEEP_BELOW: u64 = 100_000_000_000_000_000; // 10^17: one more digit still fits
    let b = literal.as_bytes();
    let mut i = 0;
    let mut mantissa: u64 = 0;
    let mut scale: i64 = 3; // ×1000
    let mut digits = 0;
    let mut after_point = false;
    loop {
        match b.get(i) {
            Some(&d) if d.is_ascii_digit() => {
                if mantissa < KEEP_BELOW {
                    mantissa = mantissa * 10 + u64::from(d - b'0');
                    scale -= i64::from(after_point);
                } else {
                    scale += i64::from(!after_point);
                }
                digits += 1;
            }
            Some(b'.') if !after_point && digits > 0 => {
                after_point = true;
                if !b.get(i + 1).is_some_and(u8::is_ascii_digit) {
                    return None;
                }
            }
            _ => break,
        }
        i += 1;
    }
    if digits == 0 {
        return None;
    }
    if let Some(b'e' | b'E') = b.get(i) {
        i += 1;
        let negative = b.get(i) == Some(&b'-');
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        let start = i;
        let mut exponent: i64 = 0;
        while let Some(&d) = b.get(i).filter(|d| d.is_ascii_digit()) {
            exponent = (exponent * 10 + i64::from(d - b'0')).min(100_000);
            i += 1;
        }
        if i == start {
            return None;
        }
        scale += if negative { -exponent } else { exponent };
    }
    if i != b.len() {
        return None;
    }
    if mantissa == 0 {
        return Some(0);
    }
    if scale >= 0 {
        let factor = 10u64.checked_pow(u32::try_from(scale).ok()?)?;
        return mantissa.checked_mul(factor);
    }
    // A non-zero divisor type: the compiler then links no division-by-zero panic.
    let divisor = u32::try_from(-scale).ok().and_then(|e| 10u64.checked_pow(e)).and_then(NonZeroU64::new);
    let Some(divisor) = divisor else {
        return Some(0); // a divisor over 10^19 of an 18-digit mantissa: rounds to 0
    };
    let remainder = mantissa % divisor;
    Some(mantissa / divisor + u64::from(remainder >= divisor.get() - remainder))
}

/// The `Logins` key of a user-pool id token: its `iss` without `https://`
/// (`cognito-idp.<region>.amazonaws.com/<userPoolId>`). `InvalidParameter` "idToken: ..." when
/// the token is not a JWT or its issuer is not a Cognito user pool's.
pub fn login_provider(id_token: &str) -> Result<String> {
    let token = jwt::decode(id_token).map_err(|_| Error::param("idToken", "is not a JWT"))?;
    let iss = token.claims().get("iss").and_then(Json::as_str).unwrap_or("");
    let provider = iss
        .as_bytes()
        .strip_prefix(b"https://")
        .and_then(|_| iss.get(8..))
        .filter(|p| p.as_bytes().starts_with(b"cognito-idp."))
        .and_then(|p| split_ascii(p, b'/', false).filter(|(host, pool)| !host.is_empty() && !pool.is_empty()).map(|_| p))
        .filter(|p| !p.bytes().any(|b| b <= b' '));
    match provider {
        Some(p) => Ok(p.to_owned()),
        None => Err(Error::param("idToken", "has no Cognito user-pool issuer (iss)")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::encoding::base64url_encode;

    const POOL: &str = "us-east-1:0f3b6e1c-93f2-4b2a-9d9e-1a2b3c4d5e6f";
    const IDENTITY: &str = "us-east-1:11111111-2222-3333-4444-555555555555";

    #[test]
    fn requests() {
        let get_id = request_json(
            IdentityOperation::GetId,
            &format!(r#"{{"identityPoolId":"{POOL}","logins":{{"cognito-idp.us-east-1.amazonaws.com/us-east-1_X":"eyJ.a.b"}}}}"#),
        )
        .unwrap();
        let v = Json::parse(&get_id).unwrap();
        let headers = v.get("headers").unwrap();
        assert_eq!(headers.str_field("Content-Type").unwrap(), "application/x-amz-json-1.1");
        assert_eq!(headers.str_field("X-Amz-Target").unwrap(), "AWSCognitoIdentityService.GetId");
        assert_eq!(
            v.str_field("body").unwrap(),
            format!(r#"{{"IdentityPoolId":"{POOL}","Logins":{{"cognito-idp.us-east-1.amazonaws.com/us-east-1_X":"eyJ.a.b"}}}}"#)
        );
        let guest = request_json(IdentityOperation::GetId, &format!(r#"{{"identityPoolId":"{POOL}"}}"#)).unwrap();
        assert!(guest.ends_with(&format!(r#""body":"{{\"IdentityPoolId\":\"{POOL}\"}}"}}"#)), "{guest}");
        let creds = request_json(
            IdentityOperation::GetCredentialsForIdentity,
            &format!(r#"{{"identityPoolId":"{POOL}","identityId":"{IDENTITY}"}}"#),
        )
        .unwrap();
        let v = Json::parse(&creds).unwrap();
        assert_eq!(
            v.get("headers").unwrap().str_field("X-Amz-Target").unwrap(),
            "AWSCognitoIdentityService.GetCredentialsForIdentity"
        );
        assert_eq!(v.str_field("body").unwrap(), format!(r#"{{"IdentityId":"{IDENTITY}"}}"#));
    }

    #[test]
    fn request_refusals() {
        let err = |op, input: &str| request_json(op, input).unwrap_err();
        let e = err(IdentityOperation::GetId, r#"{"identityPoolId":"us-east-1_abc"}"#);
        assert_eq!((e.name(), e.message.as_str()), ("InvalidConfig", "identityPoolId: must look like <region>:<uuid>"));
        assert_eq!(err(IdentityOperation::GetId, "{}").name(), "InvalidConfig");
        assert_eq!(err(IdentityOperation::GetId, "nope").message, "input: is not valid JSON");
        let e = err(IdentityOperation::GetCredentialsForIdentity, &format!(r#"{{"identityPoolId":"{POOL}"}}"#));
        assert_eq!((e.name(), e.message.as_str()), ("InvalidParameter", "identityId: is required"));
        let e = err(IdentityOperation::GetId, &format!(r#"{{"identityPoolId":"{POOL}","logins":{{"p":1}}}}"#));
        assert!(e.message.starts_with("logins: "));
        let e = err(
            IdentityOperation::GetCredentialsForIdentity,
            &format!(r#"{{"identityPoolId":"{POOL}","identityId":"us-east-1:XYZ"}}"#),
        );
        assert_eq!(e.message, "identityId: must look like <region>:<id>");
        assert!(IdentityOperation::from_name("GetOpenIdToken").unwrap_err().message.starts_with("op: "));
    }

    #[test]
    fn credentials_answers() {
        let body = r#"{"Credentials":{"AccessKeyId":"ASIAX","Expiration":1.515115602E9,"SecretKey":"s/k","SessionToken":"t=="},"IdentityId":"us-east-1:abc"}"#;
        assert_eq!(
            answer_json(IdentityOperation::GetCredentialsForIdentity, 200, body),
            r#"{"identityId":"us-east-1:abc","accessKeyId":"ASIAX","secretAccessKey":"s/k","sessionToken":"t==","expiration":1515115602000}"#
        );
        assert_eq!(answer_json(IdentityOperation::GetId, 200, r#"{"IdentityId":"us-east-1:abc"}"#), r#"{"identityId":"us-east-1:abc"}"#);
        let missing = answer_json(
            IdentityOperation::GetCredentialsForIdentity,
            200,
            r#"{"Credentials":{"AccessKeyId":"A","Expiration":1.7E9,"SecretKey":"s"},"IdentityId":"x"}"#,
        );
        assert_eq!(
            missing,
            r#"{"error":{"name":"InternalError","message":"GetCredentialsForIdentity: the answer has no Credentials.SessionToken","status":200}}"#
        );
        assert!(answer_json(IdentityOperation::GetId, 200, "").contains("the answer has no JSON body"));
    }

    #[test]
    fn error_answers() {
        let e = answer_json(
            IdentityOperation::GetId,
            400,
            r#"{"__type":"com.amazonaws.cognito.identity#NotAuthorizedException","message":"Token is expired"}"#,
        );
        assert_eq!(e, r#"{"error":{"name":"NotAuthorizedException","message":"Token is expired","status":400}}"#);
        let e = answer_json(IdentityOperation::GetId, 400, r#"{"__type":"TooManyRequestsException","message":"slow"}"#);
        assert!(e.ends_with(r#""status":400,"retry":"backoff"}}"#), "{e}");
        let e = answer_json(IdentityOperation::GetId, 400, r#"{"__type":"LimitExceededException"}"#);
        assert!(e.contains(r#""retry":"backoff""#));
        let e = answer_json(IdentityOperation::GetId, 503, "<html/>");
        assert_eq!(
            e,
            r#"{"error":{"name":"InvalidResponse","message":"the identity-pool API answered HTTP 503 without an error type","status":503,"retry":"backoff"}}"#
        );
        let e = answer_json(IdentityOperation::GetCredentialsForIdentity, 0, "Failed to fetch");
        assert_eq!(e, r#"{"error":{"name":"NetworkError","message":"Failed to fetch","retry":"backoff"}}"#);
    }

    #[test]
    fn expiration_literals() {
        for (literal, ms) in [
            ("1.515115602E9", Some(1_515_115_602_000)),
            ("1.7E9", Some(1_700_000_000_000)),
            ("1700000000", Some(1_700_000_000_000)),
            ("1700000000.0", Some(1_700_000_000_000)),
            ("1.7000000001234E9", Some(1_700_000_000_123)),
            ("1.7000000001235E9", Some(1_700_000_000_124)),
            ("1.70000000012349E+9", Some(1_700_000_000_123)),
            ("17000000000e-1", Some(1_700_000_000_000)),
            ("0", Some(0)),
            ("0.0004", Some(0)),
            ("0.0005", Some(1)),
            ("1e-400", Some(0)),
            ("1e400", None),
            ("-1", None),
            ("1.", None),
            ("1e", None),
            ("", None),
            ("1.5E9x", None),
            ("123456789012345678901234567890123456789", None),
            ("18446744073709551", Some(18_446_744_073_709_551_000)),
            ("18446744073709552", None),
            ("1.0000000000000000000000000001E9", Some(1_000_000_000_000)),
            ("01", Some(1000)),
            (".5", None),
            ("1..5", None),
        ] {
            assert_eq!(seconds_to_ms(literal), ms, "{literal}");
        }
    }

    fn token(claims: &str) -> String {
        let h = base64url_encode(br#"{"alg":"RS256","kid":"k"}"#);
        let p = base64url_encode(claims.as_bytes());
        [h.as_str(), p.as_str(), "c2ln"].join(".")
    }

    #[test]
    fn login_providers() {
        let t = token(r#"{"iss":"https://cognito-idp.us-east-1.amazonaws.com/us-east-1_X","sub":"s"}"#);
        assert_eq!(login_provider(&t).unwrap(), "cognito-idp.us-east-1.amazonaws.com/us-east-1_X");
        for bad in [
            token(r#"{"iss":"http://cognito-idp.us-east-1.amazonaws.com/us-east-1_X"}"#),
            token(r#"{"iss":"https://accounts.google.com"}"#),
            token(r#"{"iss":"https://cognito-idp.us-east-1.amazonaws.com/"}"#),
            token(r#"{"sub":"s"}"#),
            "not a jwt".to_owned(),
        ] {
            let e = login_provider(&bad).unwrap_err();
            assert_eq!(e.name(), "InvalidParameter");
            assert!(e.message.starts_with("idToken: "), "{}", e.message);
        }
    }
}

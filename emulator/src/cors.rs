//! CORS for everything but S3 (whose buckets have their own rules, `crate::s3::cors`): what each
//! endpoint family lets a browser read, as Cognito does it. The sources for each choice are in
//! `docs/clock.md`; the one that matters most is `Date`, which is not a CORS-safelisted response
//! header, so cross-origin JavaScript can read it only where it is listed in
//! `Access-Control-Expose-Headers`.
//!
//! - **AWS JSON APIs** (`POST /` with `X-Amz-Target`: the user-pool API, `cognito-idp`, and the
//!   identity-pool API, `cognito-identity`): `Access-Control-Allow-Origin: *` and
//!   `Access-Control-Expose-Headers: x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date`
//!   on every answer, errors included; a preflight echoes the requested method and headers, lists
//!   the same exposed headers and is cached for 172800 s. `Date` is readable.
//! - **Managed login** (`/oauth2/*`, `/login`, `/logout`, `/.well-known/*`, `/<pool>/.well-known/*`):
//!   the request's `Origin` echoed (or `*` without one) and **no** `Access-Control-Expose-Headers`:
//!   what Cognito exposes there could not be established, so the emulator takes the conservative
//!   reading and a browser sees only the safelisted headers — `Date` is not readable.
//! - **Admin API** (`/__admin/*`, the emulator's own): the origin echoed, nothing exposed.

use crate::http::{Req, Resp};

/// The headers Cognito's JSON APIs expose, exactly as they send them.
pub const AWS_JSON_EXPOSE_HEADERS: &str = "x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date";

/// How long Cognito's JSON APIs let a browser cache a preflight (seconds).
pub const AWS_JSON_MAX_AGE: &str = "172800";

/// How long the other families' preflights are cached (seconds).
const OTHER_MAX_AGE: &str = "86400";

/// The CORS behaviour of one family of endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// `cognito-idp` and `cognito-identity`: `POST /` with `X-Amz-Target`.
    AwsJson,
    /// Managed login / the OAuth 2.0 endpoints and the JWKS.
    HostedUi,
    /// The emulator's `/__admin` API.
    Admin,
}

fn strip(resp: &mut Resp) {
    resp.headers.retain(|(k, _)| !k.to_ascii_lowercase().starts_with("access-control-"));
}

fn allow_origin(resp: &mut Resp, family: Family, origin: Option<&str>) {
    match (family, origin) {
        (Family::AwsJson, _) | (_, None) => resp.headers.push(("access-control-allow-origin".into(), "*".into())),
        (_, Some(o)) => {
            resp.headers.push(("access-control-allow-origin".into(), o.to_string()));
            resp.headers.push(("vary".into(), "Origin".into()));
        }
    }
}

/// Gives an actual (non-preflight) answer its family's CORS headers, replacing any already there,
/// and an `x-amzn-RequestId` when it has none.
pub fn apply(family: Family, mut resp: Resp, origin: Option<&str>) -> Resp {
    strip(&mut resp);
    allow_origin(&mut resp, family, origin);
    if family == Family::AwsJson {
        resp.headers.push(("access-control-expose-headers".into(), AWS_JSON_EXPOSE_HEADERS.into()));
    }
    if !resp.headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("x-amzn-requestid")) {
        resp.headers.push(("x-amzn-requestid".into(), crate::crypto::uuid_v4()));
    }
    resp
}

/// Answers a preflight (`OPTIONS`) for a family: the requested method and headers are allowed.
pub fn preflight(family: Family, req: &Req) -> Resp {
    let mut resp = apply(family, Resp { status: 200, headers: Vec::new(), body: Vec::new() }, req.header("origin"));
    let default_methods = if family == Family::AwsJson { "POST" } else { "GET, PUT, POST, DELETE, HEAD" };
    let methods = req.header("access-control-request-method").unwrap_or(default_methods);
    resp.headers.push(("access-control-allow-methods".into(), methods.into()));
    if let Some(h) = req.header("access-control-request-headers") {
        resp.headers.push(("access-control-allow-headers".into(), h.into()));
    }
    let max_age = if family == Family::AwsJson { AWS_JSON_MAX_AGE } else { OTHER_MAX_AGE };
    resp.headers.push(("access-control-max-age".into(), max_age.into()));
    resp
}

/// The family of a preflight, which carries neither a body nor `X-Amz-Target`: by its path.
/// (`None`: under `/s3`, where the bucket's rules answer.)
pub fn preflight_family(req: &Req) -> Option<Family> {
    let path = req.raw_path.as_str();
    if path == "/s3" || path.starts_with("/s3/") {
        None
    } else if path == "/__admin" || path.starts_with("/__admin/") {
        Some(Family::Admin)
    } else if path == "/" {
        Some(Family::AwsJson)
    } else {
        Some(Family::HostedUi)
    }
}

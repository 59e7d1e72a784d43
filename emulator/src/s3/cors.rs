//! Bucket CORS as S3 evaluates it: a preflight (`OPTIONS`) is answered from the first rule whose
//! origin, method and every requested header match (403 `AccessForbidden` otherwise), and an
//! actual request with an `Origin` gets `Access-Control-*` headers only when a rule matches its
//! origin and method — so a browser sees exactly what a real bucket with the same rules would
//! let it see (notably `ETag`, only when a rule exposes it).

use super::{BucketSeed, CorsRule};
use crate::http::{Req, Resp};

/// Whether `pattern` (with at most one `*`, matching any run of characters) matches `text`.
/// S3 compares origins case-sensitively and header names case-insensitively.
fn glob(pattern: &str, text: &str, ignore_case: bool) -> bool {
    let (p, t) = if ignore_case {
        (pattern.to_ascii_lowercase(), text.to_ascii_lowercase())
    } else {
        (pattern.into(), text.into())
    };
    match p.split_once('*') {
        None => p == t,
        Some((head, tail)) => t.len() >= head.len() + tail.len() && t.starts_with(head) && t.ends_with(tail),
    }
}

fn origin_matches(rule: &CorsRule, origin: &str) -> bool {
    rule.allowed_origins.iter().any(|o| glob(o, origin, false))
}

fn method_matches(rule: &CorsRule, method: &str) -> bool {
    rule.allowed_methods.iter().any(|m| m == method)
}

fn header_matches(rule: &CorsRule, header: &str) -> bool {
    rule.allowed_headers.iter().any(|h| glob(h, header, true))
}

/// The first rule that allows `origin` to use `method` (and send `headers`, for a preflight).
fn matching_rule<'a>(bucket: &'a BucketSeed, origin: &str, method: &str, headers: &[&str]) -> Option<&'a CorsRule> {
    bucket.cors.iter().find(|r| {
        origin_matches(r, origin) && method_matches(r, method) && headers.iter().all(|h| header_matches(r, h))
    })
}

/// The `Access-Control-*` headers of a matching rule.
fn rule_headers(rule: &CorsRule, origin: &str, resp: &mut Resp) {
    let wildcard = rule.allowed_origins.iter().any(|o| o == "*");
    let push = |resp: &mut Resp, k: &str, v: String| resp.headers.push((k.to_string(), v));
    if wildcard {
        push(resp, "access-control-allow-origin", "*".into());
    } else {
        push(resp, "access-control-allow-origin", origin.into());
        push(resp, "access-control-allow-credentials", "true".into());
    }
    push(resp, "access-control-allow-methods", rule.allowed_methods.join(", "));
    if !rule.expose_headers.is_empty() {
        push(resp, "access-control-expose-headers", rule.expose_headers.join(", "));
    }
    if let Some(age) = rule.max_age_seconds {
        push(resp, "access-control-max-age", age.to_string());
    }
}

fn forbidden(message: &str, req: &Req) -> Resp {
    super::xml::error(
        403,
        "AccessForbidden",
        message,
        &[
            ("Method", req.header("access-control-request-method").unwrap_or("").to_string()),
            ("ResourceType", "OBJECT".to_string()),
        ],
    )
}

/// Answers a CORS preflight for `bucket` (`None` when the bucket does not exist).
pub fn preflight(bucket: Option<&BucketSeed>, req: &Req) -> Resp {
    let Some(bucket) = bucket else {
        return super::xml::error(403, "AccessForbidden", "CORSResponse: Bucket not found", &[]);
    };
    let Some(origin) = req.header("origin") else {
        return super::xml::error(400, "BadRequest", "Insufficient information. Origin request header needed.", &[]);
    };
    let Some(method) = req.header("access-control-request-method") else {
        return super::xml::error(
            400,
            "BadRequest",
            "Insufficient information. Access-Control-Request-Method request header needed.",
            &[],
        );
    };
    if bucket.cors.is_empty() {
        return forbidden("CORSResponse: CORS is not enabled for this bucket.", req);
    }
    let requested: Vec<String> = req
        .header("access-control-request-headers")
        .unwrap_or("")
        .split(',')
        .map(|h| h.trim().to_ascii_lowercase())
        .filter(|h| !h.is_empty())
        .collect();
    let names: Vec<&str> = requested.iter().map(String::as_str).collect();
    let Some(rule) = matching_rule(bucket, origin, method, &names) else {
        return forbidden(
            "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, \
             request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted \
             by the resource's CORS spec.",
            req,
        );
    };
    let mut resp = Resp { status: 200, headers: Vec::new(), body: Vec::new() };
    rule_headers(rule, origin, &mut resp);
    if !requested.is_empty() {
        resp.headers.push(("access-control-allow-headers".into(), requested.join(", ")));
    }
    resp.headers.push(("vary".into(), "Origin, Access-Control-Request-Headers, Access-Control-Request-Method".into()));
    resp
}

/// Adds the bucket's CORS headers to the answer of an actual (non-preflight) request, replacing
/// any `Access-Control-*` header already there.
pub fn apply(bucket: Option<&BucketSeed>, req: &Req, mut resp: Resp) -> Resp {
    resp.headers.retain(|(k, _)| !k.to_ascii_lowercase().starts_with("access-control-"));
    let (Some(bucket), Some(origin)) = (bucket, req.header("origin")) else { return resp };
    if let Some(rule) = matching_rule(bucket, origin, &req.method, &[]) {
        rule_headers(rule, origin, &mut resp);
        resp.headers
            .push(("vary".into(), "Origin, Access-Control-Request-Headers, Access-Control-Request-Method".into()));
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob("*", "http://x", false));
        assert!(glob("http://localhost:*", "http://localhost:5173", false));
        assert!(!glob("http://localhost:*", "https://localhost:5173", false));
        assert!(glob("x-amz-*", "X-Amz-Date", true));
        assert!(!glob("http://A", "http://a", false));
    }
}

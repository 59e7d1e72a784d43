//! Stage 1 of SigV4: the canonical request, and the canonical URI, query and headers it is made
//! of. Every function reads the request as it is on the wire, so the client (before sending) and
//! the server (after receiving) compute the same text.

use crate::prelude::*;

use super::PathMode;
use crate::core::encoding::percent_encode;
use crate::core::error::{Error, Result};

/// Headers never signed by the header-selecting drivers: set or rewritten by browsers, proxies
/// and the signer itself.
const UNSIGNABLE: [&str; 5] = [
    "authorization",
    "user-agent",
    "expect",
    "transfer-encoding",
    "x-amzn-trace-id",
];

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~')
}

/// Appends `b` to `out`, percent-encoded unless it is RFC 3986 unreserved (or `/` with
/// `keep_slash`).
fn push_encoded(out: &mut String, b: u8, keep_slash: bool) {
    if is_unreserved(b) || (keep_slash && b == b'/') {
        out.push(b as char);
    } else {
        out.push('%');
        out.push(HEX_UPPER[(b >> 4) as usize] as char);
        out.push(HEX_UPPER[(b & 15) as usize] as char);
    }
}

fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// The byte a valid `%XX` escape at `i` stands for.
fn escape_at(t: &[u8], i: usize) -> Option<u8> {
    if t.get(i) != Some(&b'%') {
        return None;
    }
    let hi = hex_value(*t.get(i + 1)?)?;
    let lo = hex_value(*t.get(i + 2)?)?;
    Some(hi << 4 | lo)
}

/// Percent-decodes `text` to bytes (`+` as space when `plus_is_space`); invalid escapes are
/// kept literally.
fn decode_bytes(text: &str, plus_is_space: bool) -> Vec<u8> {
    let t = text.as_bytes();
    let mut out = Vec::with_capacity(t.len());
    let mut i = 0;
    while i < t.len() {
        if let Some(b) = escape_at(t, i) {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(if plus_is_space && t[i] == b'+' {
            b' '
        } else {
            t[i]
        });
        i += 1;
    }
    out
}

/// Removes `.` and `..` segments and collapses repeated slashes; the result starts with `/` and
/// keeps a trailing slash (also one implied by a final `.` or `..`).
pub fn normalize_path(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    let mut out = String::with_capacity(path.len() + 1);
    for s in &segments {
        out.push('/');
        out.push_str(s);
    }
    let trailing = path.ends_with('/') || path.ends_with("/.") || path.ends_with("/..");
    if out.is_empty() || (trailing && !out.ends_with('/')) {
        out.push('/');
    }
    out
}

/// The canonical URI of a wire path.
///
/// - [`PathMode::Generic`]: normalised (when asked), then every byte but unreserved ones and
///   `/` percent-encoded — including `%`, so the wire path is encoded a second time.
/// - [`PathMode::S3`]: not normalised; encoded exactly once: a valid `%XX` escape is kept
///   (re-emitted in upper case), a raw byte that needs escaping is escaped, `/` is kept.
///
/// An empty path is `/`.
pub fn canonical_uri(path: &str, mode: PathMode) -> String {
    let mut out = String::with_capacity(path.len() + 8);
    match mode {
        PathMode::Generic { normalize } => {
            let normalized;
            let source = if normalize {
                normalized = normalize_path(path);
                normalized.as_str()
            } else {
                path
            };
            for &b in source.as_bytes() {
                push_encoded(&mut out, b, true);
            }
        }
        PathMode::S3 => {
            let t = path.as_bytes();
            let mut i = 0;
            while i < t.len() {
                if let Some(b) = escape_at(t, i) {
                    // An escaped slash is part of a key, not a separator: it stays escaped.
                    push_encoded(&mut out, b, false);
                    i += 3;
                } else {
                    push_encoded(&mut out, t[i], true);
                    i += 1;
                }
            }
        }
    }
    if !out.starts_with('/') {
        out.insert(0, '/');
    }
    out
}

/// Stable insertion sort by name (and then by value with `by_value`). Requests carry a handful
/// of headers and parameters; unlike `slice::sort`, this adds almost no code to the wasm (the
/// standard stable sort costs a few KB per element type).
fn sort_pairs(v: &mut [(String, String)], by_value: bool) {
    for i in 1..v.len() {
        let mut j = i;
        while j > 0 {
            let (a, b) = (&v[j - 1], &v[j]);
            let greater = a.0 > b.0 || (by_value && a.0 == b.0 && a.1 > b.1);
            if !greater {
                break;
            }
            v.swap(j - 1, j);
            j -= 1;
        }
    }
}

fn encode_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 8);
    for &b in bytes {
        push_encoded(&mut out, b, false);
    }
    out
}

/// Canonical query from a raw wire query, plus `extra` parameters (unencoded names and values),
/// leaving out every parameter named `skip` (compared after decoding).
pub(crate) fn canonical_query_without(
    raw: &str,
    extra: &[(&str, &str)],
    skip: Option<&str>,
) -> String {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for item in raw.split('&').filter(|s| !s.is_empty()) {
        let (k, v) = item.split_once('=').unwrap_or((item, ""));
        let key = decode_bytes(k, true);
        if skip.is_some_and(|s| s.as_bytes() == key.as_slice()) {
            continue;
        }
        pairs.push((encode_bytes(&key), encode_bytes(&decode_bytes(v, true))));
    }
    for (k, v) in extra {
        pairs.push((percent_encode(k, false), percent_encode(v, false)));
    }
    sort_pairs(&mut pairs, true);
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
    out
}

/// The canonical query string: the raw wire query (decoded, `+` read as a space) together with
/// `extra` parameters (unencoded, e.g. a presigned URL's `X-Amz-*`), every name and value
/// percent-encoded per RFC 3986, sorted by encoded name then value, a missing `=` read as an
/// empty value.
pub fn canonical_query(raw: &str, extra: &[(&str, &str)]) -> String {
    canonical_query_without(raw, extra, None)
}

/// Which request headers go into the signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeaderSelection<'a> {
    /// Every header but `authorization`, `user-agent`, `expect`, `transfer-encoding` and
    /// `x-amzn-trace-id`, and but those named in the extra headers (which replace them).
    AllSignable,
    /// Exactly the `;`-separated lowercase names claimed by a signed request (server side);
    /// each must be present.
    Only(&'a str),
}

/// The canonical headers block and the signed-headers list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CanonicalHeaders {
    /// `name:value\n` per signed header, sorted by name.
    pub lines: String,
    /// The names, sorted and joined with `;` (`SignedHeaders`).
    pub signed_headers: String,
}

/// Trims a header value and folds every run of whitespace (including obsolete line folding)
/// into one space.
fn push_folded_value(out: &mut String, value: &str) {
    let mut pending_space = false;
    for word in value.split([' ', '\t', '\r', '\n']) {
        if word.is_empty() {
            continue;
        }
        if pending_space {
            out.push(' ');
        }
        out.push_str(word);
        pending_space = true;
    }
}

/// Canonicalises `headers` (from the request) and `extra` (added by the signer, e.g.
/// `x-amz-date`): names lower-cased, values trimmed with inner whitespace folded, repeated
/// names joined with `,` in their order, sorted by name.
///
/// Fails when a header named by [`HeaderSelection::Only`] is missing, or when no `host` header
/// is signed.
pub fn canonical_headers(
    headers: &[(&str, &str)],
    extra: &[(&str, &str)],
    selection: HeaderSelection<'_>,
) -> Result<CanonicalHeaders> {
    let mut picked: Vec<(String, String)> = Vec::with_capacity(headers.len() + extra.len());
    for &(name, value) in headers {
        let name = name.trim_ascii().to_ascii_lowercase();
        let keep = match selection {
            HeaderSelection::AllSignable => {
                !UNSIGNABLE.contains(&name.as_str())
                    && !extra.iter().any(|(e, _)| e.eq_ignore_ascii_case(&name))
            }
            HeaderSelection::Only(list) => list.split(';').any(|n| n == name),
        };
        if keep {
            picked.push((name, value.into()));
        }
    }
    for &(name, value) in extra {
        picked.push((name.to_ascii_lowercase(), value.into()));
    }
    // Stable: repeated headers keep their order.
    sort_pairs(&mut picked, false);

    let mut lines = String::new();
    let mut signed_headers = String::new();
    let mut previous: Option<&str> = None;
    for (name, value) in &picked {
        if previous == Some(name.as_str()) {
            lines.pop(); // the '\n' of the previous value
            lines.push(',');
        } else {
            if previous.is_some() {
                signed_headers.push(';');
            }
            signed_headers.push_str(name);
            lines.push_str(name);
            lines.push(':');
        }
        push_folded_value(&mut lines, value);
        lines.push('\n');
        previous = Some(name.as_str());
    }

    if let HeaderSelection::Only(list) = selection {
        for wanted in list.split(';') {
            if !picked.iter().any(|(n, _)| n == wanted) {
                let mut problem = String::from("the signed header ");
                problem.push_str(wanted);
                problem.push_str(" is not in the request");
                return Err(Error::param("SignedHeaders", &problem));
            }
        }
    }
    if !picked.iter().any(|(n, _)| n == "host") {
        return Err(Error::param("headers", "SigV4 needs a signed host header"));
    }
    Ok(CanonicalHeaders {
        lines,
        signed_headers,
    })
}

/// The canonical request: method, canonical URI, canonical query, canonical headers, a blank
/// line, the signed-headers list and the payload hash, joined with `\n`.
pub fn canonical_request(
    method: &str,
    canonical_uri: &str,
    canonical_query: &str,
    headers: &CanonicalHeaders,
    payload_hash: &str,
) -> String {
    let mut out = String::with_capacity(
        method.len()
            + canonical_uri.len()
            + canonical_query.len()
            + headers.lines.len()
            + headers.signed_headers.len()
            + payload_hash.len()
            + 8,
    );
    out.push_str(method);
    out.push('\n');
    out.push_str(canonical_uri);
    out.push('\n');
    out.push_str(canonical_query);
    out.push('\n');
    out.push_str(&headers.lines);
    out.push('\n');
    out.push_str(&headers.signed_headers);
    out.push('\n');
    out.push_str(payload_hash);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation() {
        assert_eq!(normalize_path(""), "/");
        assert_eq!(normalize_path("/example/.."), "/");
        assert_eq!(normalize_path("//example//"), "/example/");
        assert_eq!(normalize_path("/./example"), "/example");
        assert_eq!(normalize_path("/a/b/.."), "/a/");
        assert_eq!(normalize_path("/../a"), "/a");
    }

    #[test]
    fn uri_modes() {
        let generic = PathMode::Generic { normalize: false };
        assert_eq!(canonical_uri("/a%3Db c", generic), "/a%253Db%20c");
        assert_eq!(canonical_uri("/a%3db c//", PathMode::S3), "/a%3Db%20c//");
        assert_eq!(canonical_uri("/a%2Fb", PathMode::S3), "/a%2Fb");
        assert_eq!(canonical_uri("/100%", PathMode::S3), "/100%25");
        assert_eq!(canonical_uri("", PathMode::S3), "/");
    }

    #[test]
    fn query_rules() {
        assert_eq!(canonical_query("b=2&a=&a&c", &[]), "a=&a=&b=2&c=");
        assert_eq!(
            canonical_query("x=a+b%2b", &[("Y", "1/2")]),
            "Y=1%2F2&x=a%20b%2B"
        );
        assert_eq!(
            canonical_query_without("a=1&X-Amz-Signature=f", &[], Some("X-Amz-Signature")),
            "a=1"
        );
    }

    #[test]
    fn headers_fold_sort_and_combine() {
        let h = [
            ("Host", "h"),
            ("My", " a  \n  b "),
            ("my", "c"),
            ("User-Agent", "x"),
        ];
        let c =
            canonical_headers(&h, &[("x-amz-date", "d")], HeaderSelection::AllSignable).unwrap();
        assert_eq!(c.lines, "host:h\nmy:a b,c\nx-amz-date:d\n");
        assert_eq!(c.signed_headers, "host;my;x-amz-date");
        assert!(canonical_headers(&h, &[], HeaderSelection::Only("host;missing")).is_err());
        assert!(canonical_headers(&[("a", "b")], &[], HeaderSelection::AllSignable).is_err());
    }
}

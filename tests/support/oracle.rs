//! The oracles of the differential tests and the agreement checks, shared by the proptest
//! properties (`tests/differential_*.rs`, through `tests/support/mod.rs`) and the libFuzzer
//! targets (`fuzz/fuzz_targets/`, through `#[path]`). No proptest here: each check returns
//! `Err(what disagrees)`.
#![allow(dead_code)]

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use cognito_wasm::core::encoding::{base64_decode, base64url_decode};
use cognito_wasm::core::json::{Json, MAX_DEPTH};
use cognito_wasm::core::jwt::{decode, MAX_TOKEN_LEN};
use cognito_wasm::ErrorCode;

macro_rules! ensure {
    ($cond:expr, $($fmt:tt)+) => {
        if !$cond {
            return Err(format!($($fmt)+));
        }
    };
}

macro_rules! ensure_eq {
    ($a:expr, $b:expr, $($fmt:tt)+) => {{
        let (a, b) = (&$a, &$b);
        if a != b {
            return Err(format!("{}: {:?} != {:?}", format!($($fmt)+), a, b));
        }
    }};
}

// ---------------------------------------------------------------------------------------------
// JSON: an exact tree of a document (duplicate members and number literals kept), read with
// serde_json.

/// A JSON document as written: members in order (duplicates kept), numbers as their literal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tree {
    Null,
    Bool(bool),
    Num(String),
    Str(String),
    Arr(Vec<Tree>),
    Obj(Vec<(String, Tree)>),
}

impl Tree {
    /// The last member named `key` (what `serde_json::Map` keeps for a duplicated name).
    pub fn get(&self, key: &str) -> Option<&Tree> {
        match self {
            Tree::Obj(m) => m.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Nesting depth: 0 for a scalar, 1 for `[]`.
    pub fn depth(&self) -> usize {
        match self {
            Tree::Arr(items) => 1 + items.iter().map(Tree::depth).max().unwrap_or(0),
            Tree::Obj(m) => 1 + m.iter().map(|(_, v)| v.depth()).max().unwrap_or(0),
            _ => 0,
        }
    }
}

/// The SDK's value as a [`Tree`].
pub fn sdk_tree(v: &cognito_wasm::core::json::Json) -> Tree {
    use cognito_wasm::core::json::Json;
    match v {
        Json::Null => Tree::Null,
        Json::Bool(b) => Tree::Bool(*b),
        Json::Number(n) => Tree::Num(n.clone()),
        Json::String(s) => Tree::Str(s.clone()),
        Json::Array(items) => Tree::Arr(items.iter().map(sdk_tree).collect()),
        Json::Object(m) => Tree::Obj(m.iter().map(|(k, v)| (k.clone(), sdk_tree(v))).collect()),
    }
}

/// `text` read by serde_json into a [`Tree`], or serde_json's error.
///
/// The document is read as a `RawValue` (serde_json's full RFC 8259 scan, numbers kept as
/// text, no depth limit), then each container level from its raw text: objects member by
/// member in order, strings and keys decoded by serde_json (escapes, surrogates), numbers as
/// the exact literal serde_json scanned.
pub fn oracle_parse(text: &str) -> Result<Tree, String> {
    let raw: &serde_json::value::RawValue =
        serde_json::from_str(text).map_err(|e| e.to_string())?;
    tree(raw)
}

fn tree(raw: &serde_json::value::RawValue) -> Result<Tree, String> {
    let t = raw.get();
    let e = |e: serde_json::Error| e.to_string();
    Ok(match t.as_bytes().first() {
        Some(b'{') => {
            let m: Members<'_> = serde_json::from_str(t).map_err(e)?;
            Tree::Obj(
                m.0.into_iter()
                    .map(|(k, v)| Ok((k, tree(v)?)))
                    .collect::<Result<_, String>>()?,
            )
        }
        Some(b'[') => {
            let items: Vec<&serde_json::value::RawValue> = serde_json::from_str(t).map_err(e)?;
            Tree::Arr(items.into_iter().map(tree).collect::<Result<_, String>>()?)
        }
        Some(b'"') => Tree::Str(serde_json::from_str(t).map_err(e)?),
        Some(b't' | b'f') => Tree::Bool(serde_json::from_str(t).map_err(e)?),
        Some(b'n') => Tree::Null,
        _ => Tree::Num(t.to_owned()),
    })
}

/// An object's members in document order, duplicates kept, values left raw.
struct Members<'a>(Vec<(String, &'a serde_json::value::RawValue)>);

impl<'de> serde::Deserialize<'de> for Members<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Members<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(kv) = a.next_entry::<String, &'de serde_json::value::RawValue>()? {
                    out.push(kv);
                }
                Ok(Members(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// JSON text for `s` with serde_json's writer (the oracle's spelling).
pub fn oracle_string(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

/// The SDK's `Json::parse` and serde_json agree on `text`: both refuse it, or both read the
/// same tree; the SDK's `get` sees what `serde_json::Value` sees; the SDK's writer reads back
/// the same by both. The one documented difference: the SDK refuses nesting deeper than
/// `MAX_DEPTH`.
pub fn json_agree(text: &str) -> Result<(), String> {
    let sdk = Json::parse(text);
    let oracle = oracle_parse(text);
    match (&sdk, &oracle) {
        (Ok(v), Ok(t)) => {
            ensure_eq!(&sdk_tree(v), t, "different values for {text:?}");
            if let Ok(value) = serde_json::from_str::<serde_json::Value>(text) {
                // (serde_json builds no `Value` for numbers beyond f64, which the SDK keeps.)
                same_value(v, &value)?;
            }
            let written = v.to_string();
            let (reparsed, reread) = (Json::parse(&written), oracle_parse(&written));
            ensure_eq!(reparsed.as_ref(), Ok(v), "SDK rereads {written:?}");
            ensure_eq!(reread.as_ref(), Ok(t), "serde_json reads {written:?}");
        }
        (Err(e), Ok(t)) => ensure!(
            e.message.contains("nesting too deep") && t.depth() > MAX_DEPTH,
            "SDK rejects what serde_json accepts: {text:?}: {}",
            e.message
        ),
        (Ok(v), Err(o)) => ensure!(
            false,
            "SDK accepts what serde_json rejects ({o}): {text:?} → {v:?}"
        ),
        (Err(e), Err(_)) => {
            ensure_eq!(e.code, ErrorCode::InvalidResponse, "{text:?}");
            // The message is a fixed reason and an offset: it cannot hold any of the input.
            ensure!(
                json_message(&e.message),
                "unexpected message {:?}",
                e.message
            );
        }
    }
    Ok(())
}

/// Whether `m` is "invalid JSON: <one of the parser's reasons> at byte <n>".
fn json_message(m: &str) -> bool {
    const REASONS: &[&str] = &[
        "control character in string",
        "expected ',' or ']'",
        "expected ',' or '}'",
        "expected ':'",
        "expected a string key",
        "invalid \\u escape",
        "invalid escape",
        "invalid literal",
        "invalid number",
        "leading zero in number",
        "lone surrogate in \\u escape",
        "nesting too deep",
        "trailing characters after the value",
        "unexpected character",
        "unexpected end of input",
        "unterminated string",
    ];
    let Some(rest) = m.strip_prefix("invalid JSON: ") else {
        return false;
    };
    let Some((reason, offset)) = rest.rsplit_once(" at byte ") else {
        return false;
    };
    REASONS.contains(&reason) && !offset.is_empty() && offset.bytes().all(|b| b.is_ascii_digit())
}

/// `v` and serde_json's `Value` hold the same, looking members up with `Json::get` (serde_json's
/// map keeps the last of duplicated names).
fn same_value(v: &Json, o: &serde_json::Value) -> Result<(), String> {
    use serde_json::Value;
    match (v, o) {
        (Json::Null, Value::Null) => {}
        (Json::Bool(a), Value::Bool(b)) => ensure_eq!(a, b, "bool"),
        (Json::String(a), Value::String(b)) => ensure_eq!(a, b, "string"),
        (Json::Number(n), Value::Number(m)) => {
            // The SDK's literal, read by serde_json, is serde_json's number.
            let read: Result<Value, _> = serde_json::from_str(n);
            ensure!(
                read.as_ref().ok() == Some(o),
                "number {n} reads as {read:?}, not {o}"
            );
            if let Some(u) = m.as_u64() {
                ensure_eq!(v.as_u64(), Some(u), "as_u64 of {n}");
            }
            if let Some(i) = m.as_i64() {
                ensure_eq!(v.as_i64(), Some(i), "as_i64 of {n}");
            }
        }
        (Json::Array(a), Value::Array(b)) => {
            ensure_eq!(a.len(), b.len(), "array length");
            for (x, y) in a.iter().zip(b) {
                same_value(x, y)?;
            }
        }
        (Json::Object(members), Value::Object(map)) => {
            let mut keys: Vec<&str> = members.iter().map(|(k, _)| k.as_str()).collect();
            keys.sort_unstable();
            keys.dedup();
            ensure_eq!(keys.len(), map.len(), "distinct names");
            for (k, ov) in map {
                let Some(sv) = v.get(k) else {
                    return Err(format!("get({k:?}) is None"));
                };
                same_value(sv, ov)?;
            }
        }
        _ => ensure!(false, "different kinds: {v:?} / {o:?}"),
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// base64: the `base64` crate's strict engines.

/// Both SDK decoders agree with their `base64` engines on `text` (`STANDARD`: canonical
/// padding; `URL_SAFE_NO_PAD`: no padding; both refuse non-zero trailing bits), and refusals
/// are `InvalidResponse` naming the alphabet and one of four fixed reasons (so never the input).
pub fn base64_agree(text: &str) -> Result<(), String> {
    for (url, sdk, oracle) in [
        (false, base64_decode(text, "X"), STANDARD.decode(text)),
        (
            true,
            base64url_decode(text, "X"),
            URL_SAFE_NO_PAD.decode(text),
        ),
    ] {
        match (&sdk, &oracle) {
            (Ok(a), Ok(b)) => ensure_eq!(a, b, "url={url} {text:?}"),
            (Err(e), Err(_)) => {
                ensure_eq!(e.code, ErrorCode::InvalidResponse, "{text:?}");
                // A fixed reason: the message cannot hold any of the input.
                let kind = if url {
                    "X is not valid base64url: "
                } else {
                    "X is not valid base64: "
                };
                let reason = e.message.strip_prefix(kind).unwrap_or("");
                ensure!(
                    [
                        "bad character",
                        "bad padding",
                        "bad length",
                        "non-zero trailing bits"
                    ]
                    .contains(&reason),
                    "unexpected message {:?}",
                    e.message
                );
            }
            _ => ensure!(
                false,
                "url={url} {text:?}: SDK {:?}, base64 crate {oracle:?}",
                sdk.as_ref().map_err(|e| &e.message)
            ),
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// JWT: base64 (URL_SAFE_NO_PAD) + serde_json on the three segments.

/// What a decoded token holds.
#[derive(Debug, PartialEq)]
pub struct Decoded {
    pub alg: String,
    pub kid: Option<String>,
    pub claims: Tree,
    pub signing_input: Vec<u8>,
    pub signature: Vec<u8>,
}

/// The oracle's decoding, by the rules `jwt::decode` documents: at most `MAX_TOKEN_LEN` bytes,
/// three parts, header and payload UTF-8 JSON objects, a string `alg`, a `kid` absent or a
/// string (the last of duplicated names counts), a non-empty signature.
pub fn jwt_oracle(token: &str) -> Result<Decoded, String> {
    if token.len() > MAX_TOKEN_LEN {
        return Err("too long".into());
    }
    let parts: Vec<&str> = token.split('.').collect();
    let [h, p, s] = parts[..] else {
        return Err("not three parts".into());
    };
    let object = |seg: &str| -> Result<Tree, String> {
        let bytes = URL_SAFE_NO_PAD.decode(seg).map_err(|e| e.to_string())?;
        let text = String::from_utf8(bytes).map_err(|e| e.to_string())?;
        match oracle_parse(&text)? {
            t @ Tree::Obj(_) => Ok(t),
            _ => Err("not an object".into()),
        }
    };
    let header = object(h)?;
    let alg = match header.get("alg") {
        Some(Tree::Str(a)) => a.clone(),
        _ => return Err("no string alg".into()),
    };
    let kid = match header.get("kid") {
        None => None,
        Some(Tree::Str(k)) => Some(k.clone()),
        Some(_) => return Err("kid not a string".into()),
    };
    let claims = object(p)?;
    let signature = URL_SAFE_NO_PAD.decode(s).map_err(|e| e.to_string())?;
    if signature.is_empty() {
        return Err("empty signature".into());
    }
    let signing_input = token.as_bytes()[..h.len() + 1 + p.len()].to_vec();
    Ok(Decoded {
        alg,
        kid,
        claims,
        signing_input,
        signature,
    })
}

/// Whether `m` is one of `jwt::decode`'s messages.
fn jwt_message(m: &str) -> bool {
    const FIXED: &[&str] = &[
        "token is longer than 64 KiB",
        "token must have three parts separated by '.'",
        "token header has no string \"alg\"",
        "token header \"kid\" is not a string",
        "token signature is empty",
    ];
    const PARTS: &[&str] = &["token header", "token payload", "token signature"];
    const FAULTS: &[&str] = &[
        " is not base64url",
        " is not UTF-8",
        " is not a JSON object",
        " is not valid JSON",
    ];
    FIXED.contains(&m)
        || PARTS
            .iter()
            .any(|p| m.strip_prefix(p).is_some_and(|f| FAULTS.contains(&f)))
}

/// `jwt::decode` and [`jwt_oracle`] agree on `token`; refusals are `InvalidToken` with one of
/// `decode`'s fixed messages (so never a piece of the token).
pub fn jwt_agree(token: &str) -> Result<(), String> {
    let sdk = decode(token).map(|j| Decoded {
        alg: j.header().alg.clone(),
        kid: j.header().kid.clone(),
        claims: sdk_tree(j.claims()),
        signing_input: j.signing_input().to_vec(),
        signature: j.signature().to_vec(),
    });
    match (&sdk, jwt_oracle(token)) {
        (Ok(a), Ok(b)) => ensure_eq!(a, &b, "{token:?}"),
        (Err(e), Err(_)) => {
            ensure_eq!(e.code, ErrorCode::InvalidToken, "{token:?}");
            // A fixed message: it cannot hold any of the token.
            ensure!(
                jwt_message(&e.message),
                "unexpected message {:?}",
                e.message
            );
        }
        (Err(e), Ok(b)) => {
            ensure!(
                false,
                "SDK refuses ({}) {token:?}, oracle reads {b:?}",
                e.message
            )
        }
        (Ok(a), Err(why)) => ensure!(false, "SDK reads {a:?}, oracle refuses ({why}) {token:?}"),
    }
    Ok(())
}

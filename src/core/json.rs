//! A tiny JSON value type with a strict RFC 8259 parser and a writer.
//!
//! Hand-written rather than `serde` + `serde_json`: those two add ~18.4 KB brotli to the wasm
//! (measured 2026-11 with one ~10-field struct each way, docs/size.md), about half the SDK's
//! 40 KiB budget, while every message the SDK exchanges (Cognito's JSON API, OAuth token
//! responses, JWT headers and claims) is a small, flat document that this module reads and
//! builds in a few hundred lines.
//! `tests/differential_json.rs` checks the parser against `serde_json`.
//!
//! Choices that keep the wasm small and the parser safe:
//! - numbers are kept as the literal text that was written ([`Json::Number`]), so no float
//!   parsing or formatting code is linked; [`Json::as_i64`] / [`Json::as_u64`] parse integers on
//!   demand;
//! - objects keep their members in document order; [`Json::get`] returns the *last* member of a
//!   given name, as RFC 7519 §4 asks JWT parsers to do with duplicate claim names;
//! - a lone UTF-16 surrogate in a `\uXXXX` escape is an error (not U+FFFD), so no two different
//!   inputs decode to the same string;
//! - nesting deeper than [`MAX_DEPTH`] is an error, so hostile input cannot exhaust the stack;
//! - every failure is an `InvalidResponse` [`Error`] with a short reason and the byte offset,
//!   never a panic, and never a copy of the input (it may hold tokens).

use crate::prelude::*;

use super::error::{Error, Result};
use super::time::push_num;

/// The deepest nesting of arrays and objects [`Json::parse`] accepts.
pub const MAX_DEPTH: usize = 128;

/// A JSON value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as the literal text that was written (e.g. `"3600"`, `"-1.5e3"`). Values built
    /// with `From<u64>` / `From<i64>` or parsed by [`Json::parse`] always hold a valid literal;
    /// the writer copies it verbatim.
    Number(String),
    /// A string (unescaped).
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object, members in document (or insertion) order.
    Object(Vec<(String, Json)>),
}

impl Json {
    /// Parses one JSON document (RFC 8259, strict: no trailing characters, no comments, no
    /// leading zeros, no control characters in strings, no lone surrogates).
    pub fn parse(text: &str) -> Result<Json> {
        let mut p = Parser { src: text, b: text.as_bytes(), pos: 0 };
        let v = p.value(0)?;
        p.skip_ws();
        if p.pos != p.b.len() {
            return Err(p.err("trailing characters after the value"));
        }
        Ok(v)
    }

    /// An object from `(name, value)` pairs, in order.
    pub fn object<'k>(members: impl IntoIterator<Item = (&'k str, Json)>) -> Json {
        Json::Object(members.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
    }

    /// An array of strings.
    pub fn str_array<'s>(items: impl IntoIterator<Item = &'s str>) -> Json {
        Json::Array(items.into_iter().map(Json::from).collect())
    }

    /// The last member named `key` when this is an object; `None` otherwise.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(members) => members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string, when this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, when this is `true` or `false`.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Json::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The value, when this is an integer literal (no fraction or exponent) that fits an `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Json::Number(n) if is_integer_literal(n) => n.parse().ok(),
            _ => None,
        }
    }

    /// The value, when this is a non-negative integer literal (no fraction or exponent) that
    /// fits a `u64`.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            // `u64::from_str` itself rejects a leading `-`.
            Json::Number(n) if is_integer_literal(n) => n.parse().ok(),
            _ => None,
        }
    }

    /// The items, when this is an array.
    pub fn as_array(&self) -> Option<&[Json]> {
        match self {
            Json::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The members in order, when this is an object.
    pub fn as_object(&self) -> Option<&[(String, Json)]> {
        match self {
            Json::Object(members) => Some(members),
            _ => None,
        }
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Json::Null)
    }

    /// The member `key` as a string; `InvalidResponse: missing or non-string field "key"`
    /// otherwise (the message names the field, never the value).
    pub fn str_field(&self, key: &str) -> Result<&str> {
        self.get(key)
            .and_then(Json::as_str)
            .ok_or_else(|| field_error("missing or non-string", key))
    }

    /// The member `key` as a string, `None` when absent or `null`; an error when present with
    /// another type.
    pub fn opt_str_field(&self, key: &str) -> Result<Option<&str>> {
        optional(self.get(key), Json::as_str, "non-string", key)
    }

    /// The member `key` as a non-negative integer; an error when missing or of another type.
    pub fn u64_field(&self, key: &str) -> Result<u64> {
        self.get(key)
            .and_then(Json::as_u64)
            .ok_or_else(|| field_error("missing or non-integer", key))
    }

    /// The member `key` as a non-negative integer, `None` when absent or `null`.
    pub fn opt_u64_field(&self, key: &str) -> Result<Option<u64>> {
        optional(self.get(key), Json::as_u64, "non-integer", key)
    }

    /// The member `key` as a boolean; an error when missing or of another type.
    pub fn bool_field(&self, key: &str) -> Result<bool> {
        self.get(key)
            .and_then(Json::as_bool)
            .ok_or_else(|| field_error("missing or non-boolean", key))
    }

    /// The member `key` as a boolean, `None` when absent or `null`.
    pub fn opt_bool_field(&self, key: &str) -> Result<Option<bool>> {
        optional(self.get(key), Json::as_bool, "non-boolean", key)
    }

    /// The member `key`, which must be an object; an error when missing or of another type.
    pub fn object_field(&self, key: &str) -> Result<&Json> {
        match self.get(key) {
            Some(v @ Json::Object(_)) => Ok(v),
            _ => Err(field_error("missing or non-object", key)),
        }
    }

    /// The member `key` when it is an object, `None` when absent or `null`.
    pub fn opt_object_field(&self, key: &str) -> Result<Option<&Json>> {
        match self.get(key) {
            None | Some(Json::Null) => Ok(None),
            Some(v @ Json::Object(_)) => Ok(Some(v)),
            Some(_) => Err(field_error("non-object", key)),
        }
    }

    /// The member `key` as an array; an error when missing or of another type.
    pub fn array_field(&self, key: &str) -> Result<&[Json]> {
        self.get(key)
            .and_then(Json::as_array)
            .ok_or_else(|| field_error("missing or non-array", key))
    }

    /// The member `key` as an array, `None` when absent or `null`.
    pub fn opt_array_field(&self, key: &str) -> Result<Option<&[Json]>> {
        optional(self.get(key), Json::as_array, "non-array", key)
    }

    /// Appends the compact JSON text of this value to `out`.
    pub fn write(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(true) => out.push_str("true"),
            Json::Bool(false) => out.push_str("false"),
            Json::Number(n) => out.push_str(n),
            Json::String(s) => write_string(out, s),
            Json::Array(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    v.write(out);
                }
                out.push(']');
            }
            Json::Object(members) => write_members(out, members),
        }
    }

    /// The compact JSON text of this value. (An inherent method rather than `Display`, so that
    /// no `core::fmt` machinery is linked into the wasm.)
    #[allow(clippy::inherent_to_string)]
    pub fn to_string(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }
}

impl From<&str> for Json {
    fn from(s: &str) -> Json {
        Json::String(s.to_owned())
    }
}

impl From<String> for Json {
    fn from(s: String) -> Json {
        Json::String(s)
    }
}

impl From<bool> for Json {
    fn from(b: bool) -> Json {
        Json::Bool(b)
    }
}

impl From<u64> for Json {
    fn from(v: u64) -> Json {
        let mut s = String::new();
        push_num(&mut s, v, 1);
        Json::Number(s)
    }
}

impl From<i64> for Json {
    fn from(v: i64) -> Json {
        let mut s = String::new();
        if v < 0 {
            s.push('-');
        }
        push_num(&mut s, v.unsigned_abs(), 1);
        Json::Number(s)
    }
}

impl From<JsonObject> for Json {
    fn from(o: JsonObject) -> Json {
        // The builder writes valid JSON, so this parse cannot fail.
        Json::parse(&o.to_string()).unwrap_or(Json::Null)
    }
}

/// A builder for request bodies: one call per field, in the order the fields are written.
///
/// ```
/// # use cognito_wasm::core::json::JsonObject;
/// let body = JsonObject::new()
///     .str("AuthFlow", "USER_SRP_AUTH")
///     .str("ClientId", "abc")
///     .obj("AuthParameters", JsonObject::new().str("USERNAME", "alice").str("SRP_A", "0f"))
///     .to_string();
/// assert_eq!(body, r#"{"AuthFlow":"USER_SRP_AUTH","ClientId":"abc","AuthParameters":{"USERNAME":"alice","SRP_A":"0f"}}"#);
/// ```
///
/// The builder writes the JSON text as it goes (no tree of owned keys and values to build,
/// serialise and drop: measured −677 B raw / −263 B brotli of the wasm).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JsonObject(String);

impl JsonObject {
    /// An empty object.
    pub fn new() -> Self {
        JsonObject(String::new())
    }

    /// Starts a member: the separator and the key, up to and including the `:`.
    fn key(&mut self, key: &str) {
        self.0.push(if self.0.is_empty() { '{' } else { ',' });
        write_string(&mut self.0, key);
        self.0.push(':');
    }

    /// Adds a member with any value.
    pub fn value(mut self, key: &str, value: Json) -> Self {
        self.key(key);
        value.write(&mut self.0);
        self
    }

    /// Adds a string member.
    pub fn str(mut self, key: &str, value: &str) -> Self {
        self.key(key);
        write_string(&mut self.0, value);
        self
    }

    /// Adds a string member when `value` is `Some`; leaves the object unchanged otherwise.
    pub fn opt_str(self, key: &str, value: Option<&str>) -> Self {
        match value {
            Some(v) => self.str(key, v),
            None => self,
        }
    }

    /// Adds a boolean member.
    pub fn bool(self, key: &str, value: bool) -> Self {
        self.value(key, Json::Bool(value))
    }

    /// Adds a non-negative integer member.
    pub fn num(self, key: &str, value: u64) -> Self {
        self.value(key, Json::from(value))
    }

    /// Adds an object member.
    pub fn obj(mut self, key: &str, value: JsonObject) -> Self {
        self.key(key);
        value.write(&mut self.0);
        self
    }

    /// Adds an array-of-objects member.
    pub fn objects(mut self, key: &str, items: impl IntoIterator<Item = JsonObject>) -> Self {
        self.key(key);
        self.0.push('[');
        for (i, o) in items.into_iter().enumerate() {
            if i > 0 {
                self.0.push(',');
            }
            o.write(&mut self.0);
        }
        self.0.push(']');
        self
    }

    /// Adds an array-of-strings member.
    pub fn str_array<'s>(mut self, key: &str, items: impl IntoIterator<Item = &'s str>) -> Self {
        self.key(key);
        self.0.push('[');
        for (i, v) in items.into_iter().enumerate() {
            if i > 0 {
                self.0.push(',');
            }
            write_string(&mut self.0, v);
        }
        self.0.push(']');
        self
    }

    /// Whether no member has been added.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The finished value.
    pub fn build(self) -> Json {
        self.into()
    }

    /// Appends the compact JSON text of the object to `out`.
    fn write(&self, out: &mut String) {
        if self.0.is_empty() {
            out.push('{');
        } else {
            out.push_str(&self.0);
        }
        out.push('}');
    }

    /// The compact JSON text of the object.
    #[allow(clippy::inherent_to_string)]
    pub fn to_string(&self) -> String {
        let mut out = String::with_capacity(self.0.len() + 2);
        self.write(&mut out);
        out
    }
}

fn field_error(problem: &str, key: &str) -> Error {
    let mut m = String::with_capacity(problem.len() + key.len() + 10);
    m.push_str(problem);
    m.push_str(" field \"");
    m.push_str(key);
    m.push('"');
    Error::response(&m)
}

fn optional<'a, T>(
    v: Option<&'a Json>,
    as_t: fn(&'a Json) -> Option<T>,
    problem: &str,
    key: &str,
) -> Result<Option<T>> {
    match v {
        None | Some(Json::Null) => Ok(None),
        Some(v) => as_t(v).map(Some).ok_or_else(|| field_error(problem, key)),
    }
}

/// Digits with an optional leading `-` (no `+`, fraction or exponent); byte checks rather than
/// `str` patterns, which link a char searcher.
fn is_integer_literal(n: &str) -> bool {
    !n.is_empty() && n.bytes().all(|b| b == b'-' || b.is_ascii_digit())
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn write_members(out: &mut String, members: &[(String, Json)]) {
    out.push('{');
    for (i, (k, v)) in members.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(out, k);
        out.push(':');
        v.write(out);
    }
    out.push('}');
}

/// Writes `s` as a JSON string: `"` and `\` escaped, control characters as `\u00XX`, everything
/// else (non-ASCII included) as UTF-8.
fn write_string(out: &mut String, s: &str) {
    out.push('"');
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        if b != b'"' && b != b'\\' && b >= 0x20 {
            continue;
        }
        // `i` is at an ASCII byte, hence a char boundary: `get` always succeeds.
        out.push_str(s.get(start..i).unwrap_or(""));
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            _ => {
                out.push_str("\\u00");
                out.push(HEX[(b >> 4) as usize] as char);
                out.push(HEX[(b & 15) as usize] as char);
            }
        }
        start = i + 1;
    }
    out.push_str(s.get(start..).unwrap_or(""));
    out.push('"');
}

struct Parser<'a> {
    src: &'a str,
    b: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn err(&self, what: &str) -> Error {
        let mut m = String::with_capacity(what.len() + 32);
        m.push_str("invalid JSON: ");
        m.push_str(what);
        m.push_str(" at byte ");
        push_num(&mut m, self.pos as u64, 1);
        Error::response(&m)
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json> {
        self.skip_ws();
        match self.peek() {
            None => Err(self.err("unexpected end of input")),
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => self.string().map(Json::String),
            Some(b't') => self.literal("true", Json::Bool(true)),
            Some(b'f') => self.literal("false", Json::Bool(false)),
            Some(b'n') => self.literal("null", Json::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.err("unexpected character")),
        }
    }

    fn literal(&mut self, word: &str, v: Json) -> Result<Json> {
        if self.b.get(self.pos..).is_some_and(|rest| rest.starts_with(word.as_bytes())) {
            self.pos += word.len();
            Ok(v)
        } else {
            Err(self.err("invalid literal"))
        }
    }

    fn enter(&self, depth: usize) -> Result<()> {
        if depth >= MAX_DEPTH {
            Err(self.err("nesting too deep"))
        } else {
            Ok(())
        }
    }

    fn object(&mut self, depth: usize) -> Result<Json> {
        self.enter(depth)?;
        self.pos += 1; // '{'
        let mut members = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Json::Object(members));
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(self.err(if self.peek().is_none() {
                    "unexpected end of input"
                } else {
                    "expected a string key"
                }));
            }
            let key = self.string()?;
            self.skip_ws();
            if self.peek() != Some(b':') {
                return Err(self.err("expected ':'"));
            }
            self.pos += 1;
            let v = self.value(depth + 1)?;
            members.push((key, v));
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Json::Object(members));
                }
                None => return Err(self.err("unexpected end of input")),
                Some(_) => return Err(self.err("expected ',' or '}'")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Json> {
        self.enter(depth)?;
        self.pos += 1; // '['
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Json::Array(items));
        }
        loop {
            items.push(self.value(depth + 1)?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Json::Array(items));
                }
                None => return Err(self.err("unexpected end of input")),
                Some(_) => return Err(self.err("expected ',' or ']'")),
            }
        }
    }

    /// A string; `pos` is at the opening quote.
    fn string(&mut self) -> Result<String> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            let start = self.pos;
            while let Some(c) = self.peek() {
                if c == b'"' || c == b'\\' || c < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            // `start` and `pos` both sit after/at ASCII bytes or at the end: char boundaries.
            out.push_str(self.src.get(start..self.pos).unwrap_or(""));
            match self.peek() {
                None => return Err(self.err("unterminated string")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let c = self.escape()?;
                    out.push(c);
                }
                Some(_) => return Err(self.err("control character in string")),
            }
        }
    }

    /// The character of an escape; `pos` is just after the backslash.
    fn escape(&mut self) -> Result<char> {
        let c = self.peek().ok_or_else(|| self.err("unterminated string"))?;
        self.pos += 1;
        Ok(match c {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let hi = self.hex4()?;
                let cp = match hi {
                    0xD800..=0xDBFF => {
                        if self.peek() != Some(b'\\') || self.b.get(self.pos + 1) != Some(&b'u') {
                            return Err(self.err("lone surrogate in \\u escape"));
                        }
                        self.pos += 2;
                        let lo = self.hex4()?;
                        if !(0xDC00..=0xDFFF).contains(&lo) {
                            return Err(self.err("lone surrogate in \\u escape"));
                        }
                        0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                    }
                    0xDC00..=0xDFFF => return Err(self.err("lone surrogate in \\u escape")),
                    _ => hi,
                };
                char::from_u32(cp).ok_or_else(|| self.err("invalid \\u escape"))?
            }
            _ => return Err(self.err("invalid escape")),
        })
    }

    fn hex4(&mut self) -> Result<u32> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = match self.peek() {
                Some(c @ b'0'..=b'9') => c - b'0',
                Some(c @ b'a'..=b'f') => c - b'a' + 10,
                Some(c @ b'A'..=b'F') => c - b'A' + 10,
                _ => return Err(self.err("invalid \\u escape")),
            };
            v = v << 4 | u32::from(d);
            self.pos += 1;
        }
        Ok(v)
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<Json> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                if let Some(b'0'..=b'9') = self.peek() {
                    return Err(self.err("leading zero in number"));
                }
            }
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.err("invalid number")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.err("invalid number"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.err("invalid number"));
            }
        }
        Ok(Json::Number(self.src.get(start..self.pos).unwrap_or("0").to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::ErrorCode;

    fn p(s: &str) -> Json {
        match Json::parse(s) {
            Ok(v) => v,
            Err(e) => panic!("{s:?} should parse: {e}"),
        }
    }

    fn rejects(s: &str, reason: &str) {
        match Json::parse(s) {
            Ok(v) => panic!("{s:?} should be rejected, parsed as {v:?}"),
            Err(e) => {
                assert_eq!(e.code, ErrorCode::InvalidResponse, "{s:?}");
                assert!(e.message.contains(reason), "{s:?}: {} lacks {reason:?}", e.message);
            }
        }
    }

    #[test]
    fn parses_scalars() {
        assert_eq!(p("null"), Json::Null);
        assert_eq!(p(" true "), Json::Bool(true));
        assert_eq!(p("\tfalse\r\n"), Json::Bool(false));
        assert_eq!(p("0"), Json::Number("0".into()));
        assert_eq!(p("-0"), Json::Number("-0".into()));
        assert_eq!(p("-12.50e+03"), Json::Number("-12.50e+03".into()));
        assert_eq!(p("1E-2"), Json::Number("1E-2".into()));
        assert_eq!(p(r#""héllo""#), Json::String("héllo".into()));
        assert_eq!(p(r#""""#), Json::String(String::new()));
    }

    #[test]
    fn parses_nested_documents_in_order() {
        let v = p(r#" { "b" : [1, {"c": null}, [] ], "a": {}, "s":"x" } "#);
        let members = v.as_object().unwrap();
        let keys: Vec<&str> = members.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["b", "a", "s"]);
        let b = v.get("b").unwrap().as_array().unwrap();
        assert_eq!(b.len(), 3);
        assert_eq!(b[0].as_u64(), Some(1));
        assert!(b[1].get("c").unwrap().is_null());
        assert_eq!(b[2].as_array().unwrap().len(), 0);
        assert_eq!(v.get("a").unwrap().as_object().unwrap().len(), 0);
        assert_eq!(v.get("s").unwrap().as_str(), Some("x"));
        assert_eq!(v.get("missing"), None);
        assert_eq!(b[0].get("x"), None, "get on a non-object is None");
    }

    #[test]
    fn duplicate_names_resolve_to_the_last() {
        let v = p(r#"{"sub":"first","sub":"last"}"#);
        assert_eq!(v.str_field("sub").unwrap(), "last");
        assert_eq!(v.as_object().unwrap().len(), 2);
    }

    #[test]
    fn decodes_every_escape() {
        assert_eq!(
            p(r#""\" \\ \/ \b \f \n \r \t""#).as_str(),
            Some("\" \\ / \u{8} \u{c} \n \r \t")
        );
        assert_eq!(p(r#""\u0041\u00e9\u20AC\u0000""#).as_str(), Some("Aé€\0"));
        // U+1F600 as a surrogate pair, upper- and lower-case hex.
        assert_eq!(p(r#""\uD83D\uDE00""#).as_str(), Some("😀"));
        assert_eq!(p(r#""\ud83d\ude00x""#).as_str(), Some("😀x"));
        // Raw non-ASCII passes through.
        assert_eq!(p("\"日本 😀\"").as_str(), Some("日本 😀"));
    }

    #[test]
    fn rejects_lone_surrogates() {
        rejects(r#""\uD83D""#, "lone surrogate");
        rejects(r#""\uD83Dx""#, "lone surrogate");
        rejects(r#""\uD83D\n""#, "lone surrogate");
        rejects(r#""\uD83D\u0041""#, "lone surrogate");
        rejects(r#""\uDE00""#, "lone surrogate");
        rejects(r#""\uDE00\uD83D""#, "lone surrogate");
    }

    #[test]
    fn rejects_bad_strings() {
        rejects("\"abc", "unterminated string");
        rejects("\"abc\\", "unterminated string");
        rejects("\"a\nb\"", "control character");
        rejects("\"a\tb\"", "control character");
        rejects("\"a\u{1f}b\"", "control character");
        rejects(r#""\x""#, "invalid escape");
        rejects(r#""\'""#, "invalid escape");
        rejects(r#""\u12""#, "invalid \\u escape");
        rejects(r#""\u12G4""#, "invalid \\u escape");
        rejects(r#""\u"#, "invalid \\u escape");
        rejects("'single'", "unexpected character");
    }

    #[test]
    fn rejects_bad_numbers() {
        rejects("01", "leading zero");
        rejects("-01", "leading zero");
        rejects("00", "leading zero");
        rejects("-", "invalid number");
        rejects("+1", "unexpected character");
        rejects(".5", "unexpected character");
        rejects("1.", "invalid number");
        rejects("1.e5", "invalid number");
        rejects("1e", "invalid number");
        rejects("1e+", "invalid number");
        rejects("-a", "invalid number");
        rejects("0x10", "trailing characters");
        rejects("1 2", "trailing characters");
        rejects("NaN", "unexpected character");
        rejects("Infinity", "unexpected character");
        rejects("-Infinity", "invalid number");
    }

    #[test]
    fn rejects_bad_structure() {
        rejects("", "unexpected end of input");
        rejects("   ", "unexpected end of input");
        rejects("[", "unexpected end of input");
        rejects("[1", "unexpected end of input");
        rejects("[1,", "unexpected end of input");
        rejects("[1,]", "unexpected character");
        rejects("[,1]", "unexpected character");
        rejects("[1 2]", "expected ',' or ']'");
        rejects("{", "unexpected end of input");
        rejects("{\"a\"", "expected ':'");
        rejects("{\"a\":", "unexpected end of input");
        rejects("{\"a\":1", "unexpected end of input");
        rejects("{\"a\":1,}", "expected a string key");
        rejects("{a:1}", "expected a string key");
        rejects("{\"a\" 1}", "expected ':'");
        rejects("{\"a\":1 \"b\":2}", "expected ',' or '}'");
        rejects("{1:2}", "expected a string key");
        rejects("tru", "invalid literal");
        rejects("nul", "invalid literal");
        rejects("True", "unexpected character");
        rejects("{} x", "trailing characters");
        rejects("{}}", "trailing characters");
        rejects("\u{feff}{}", "unexpected character");
        rejects("/* c */ {}", "unexpected character");
        rejects("{\"a\":1}\0", "trailing characters");
    }

    #[test]
    fn error_names_the_offset_not_the_input() {
        let e = Json::parse(r#"{"AccessToken":"eyJsecret", }"#).unwrap_err();
        assert_eq!(e.message, "invalid JSON: expected a string key at byte 28");
        assert!(!e.message.contains("eyJ"));
    }

    #[test]
    fn depth_limit() {
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(Json::parse(&ok).is_ok());
        let too_deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        rejects(&too_deep, "nesting too deep");
        let obj_ok = "{\"a\":".repeat(MAX_DEPTH) + "1" + &"}".repeat(MAX_DEPTH);
        assert!(Json::parse(&obj_ok).is_ok());
        let obj_deep = "{\"a\":".repeat(MAX_DEPTH + 1) + "1" + &"}".repeat(MAX_DEPTH + 1);
        rejects(&obj_deep, "nesting too deep");
        // Far deeper than any stack could recurse: rejected early, no overflow.
        rejects(&"[".repeat(1_000_000), "nesting too deep");
        rejects(&"{\"\":".repeat(200_000), "nesting too deep");
    }

    #[test]
    fn integer_accessors() {
        assert_eq!(p("3600").as_u64(), Some(3600));
        assert_eq!(p("3600").as_i64(), Some(3600));
        assert_eq!(p("-5").as_i64(), Some(-5));
        assert_eq!(p("-5").as_u64(), None);
        assert_eq!(p("-0").as_i64(), Some(0));
        assert_eq!(p("-0").as_u64(), None);
        assert_eq!(p("18446744073709551615").as_u64(), Some(u64::MAX));
        assert_eq!(p("18446744073709551616").as_u64(), None);
        assert_eq!(p("9223372036854775807").as_i64(), Some(i64::MAX));
        assert_eq!(p("-9223372036854775808").as_i64(), Some(i64::MIN));
        assert_eq!(p("9223372036854775808").as_i64(), None);
        assert_eq!(p("1.0").as_u64(), None);
        assert_eq!(p("1e3").as_u64(), None);
        assert_eq!(p("\"5\"").as_u64(), None);
        assert_eq!(Json::Number("+5".into()).as_u64(), None);
        assert_eq!(p("true").as_bool(), Some(true));
        assert_eq!(p("1").as_bool(), None);
    }

    #[test]
    fn typed_field_helpers_name_the_field_not_the_value() {
        let v = p(
            r#"{"AccessToken":"tok","ExpiresIn":3600,"Ok":true,"Obj":{},"Arr":[1],"Nil":null,"Bad":42}"#,
        );
        assert_eq!(v.str_field("AccessToken").unwrap(), "tok");
        assert_eq!(v.u64_field("ExpiresIn").unwrap(), 3600);
        assert!(v.bool_field("Ok").unwrap());
        assert!(v.object_field("Obj").is_ok());
        assert_eq!(v.array_field("Arr").unwrap().len(), 1);
        assert_eq!(v.opt_str_field("Nil").unwrap(), None);
        assert_eq!(v.opt_str_field("Absent").unwrap(), None);
        assert_eq!(v.opt_str_field("AccessToken").unwrap(), Some("tok"));
        assert_eq!(v.opt_u64_field("ExpiresIn").unwrap(), Some(3600));
        assert_eq!(v.opt_bool_field("Absent").unwrap(), None);
        assert_eq!(v.opt_object_field("Nil").unwrap(), None);
        assert!(v.opt_object_field("Obj").unwrap().is_some());
        assert_eq!(v.opt_array_field("Absent").unwrap(), None);

        let e = v.str_field("Bad").unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidResponse);
        assert_eq!(e.message, "missing or non-string field \"Bad\"");
        assert_eq!(
            v.str_field("Missing").unwrap_err().message,
            "missing or non-string field \"Missing\""
        );
        let e = v.u64_field("AccessToken").unwrap_err();
        assert_eq!(e.message, "missing or non-integer field \"AccessToken\"");
        assert!(!e.message.contains("tok"));
        assert_eq!(
            v.bool_field("Bad").unwrap_err().message,
            "missing or non-boolean field \"Bad\""
        );
        assert_eq!(
            v.object_field("Arr").unwrap_err().message,
            "missing or non-object field \"Arr\""
        );
        assert_eq!(v.array_field("Obj").unwrap_err().message, "missing or non-array field \"Obj\"");
        assert_eq!(v.opt_str_field("Bad").unwrap_err().message, "non-string field \"Bad\"");
        assert_eq!(v.opt_u64_field("Ok").unwrap_err().message, "non-integer field \"Ok\"");
        assert_eq!(v.opt_bool_field("Bad").unwrap_err().message, "non-boolean field \"Bad\"");
        assert_eq!(v.opt_object_field("Bad").unwrap_err().message, "non-object field \"Bad\"");
        assert_eq!(v.opt_array_field("Bad").unwrap_err().message, "non-array field \"Bad\"");
        // Helpers on a non-object report the field as missing.
        assert!(p("[]").str_field("a").is_err());
    }

    #[test]
    fn writer_escapes() {
        let s = Json::from("q\" b\\ nl\n tab\t nul\0 us\u{1f} del\u{7f} é 😀 /");
        assert_eq!(
            s.to_string(),
            "\"q\\\" b\\\\ nl\\u000a tab\\u0009 nul\\u0000 us\\u001f del\u{7f} é 😀 /\""
        );
        assert_eq!(Json::parse(&s.to_string()).unwrap(), s);
        assert_eq!(Json::from("").to_string(), "\"\"");
        assert_eq!(Json::from("\"").to_string(), r#""\"""#);
    }

    #[test]
    fn writer_numbers_and_scalars() {
        assert_eq!(Json::from(0u64).to_string(), "0");
        assert_eq!(Json::from(3600u64).to_string(), "3600");
        assert_eq!(Json::from(u64::MAX).to_string(), "18446744073709551615");
        assert_eq!(Json::from(-42i64).to_string(), "-42");
        assert_eq!(Json::from(i64::MIN).to_string(), "-9223372036854775808");
        assert_eq!(Json::from(true).to_string(), "true");
        assert_eq!(Json::Null.to_string(), "null");
        assert_eq!(Json::Array(vec![]).to_string(), "[]");
        assert_eq!(Json::Object(vec![]).to_string(), "{}");
        assert_eq!(Json::from(i64::MIN).as_i64(), Some(i64::MIN));
    }

    #[test]
    fn builder_makes_cognito_request_bodies() {
        let body = JsonObject::new()
            .str("AuthFlow", "USER_SRP_AUTH")
            .str("ClientId", "client\"1")
            .obj("AuthParameters", JsonObject::new().str("USERNAME", "jürgen").str("SRP_A", "ab12"))
            .opt_str("Session", None)
            .opt_str("AnalyticsEndpointId", Some("x"))
            .bool("Flag", false)
            .num("Limit", 60)
            .str_array("Scopes", ["openid", "email"])
            .value(
                "UserAttributes",
                Json::Array(vec![Json::object([
                    ("Name", "email".into()),
                    ("Value", "a@b.c".into()),
                ])]),
            );
        assert!(!body.is_empty());
        let text = body.to_string();
        assert_eq!(
            text,
            r#"{"AuthFlow":"USER_SRP_AUTH","ClientId":"client\"1","AuthParameters":{"USERNAME":"jürgen","SRP_A":"ab12"},"AnalyticsEndpointId":"x","Flag":false,"Limit":60,"Scopes":["openid","email"],"UserAttributes":[{"Name":"email","Value":"a@b.c"}]}"#
        );
        let built = body.build();
        assert_eq!(built.to_string(), text);
        assert_eq!(Json::parse(&text).unwrap(), built);
        assert!(JsonObject::new().is_empty());
        assert_eq!(JsonObject::new().to_string(), "{}");
    }

    #[test]
    fn round_trips() {
        let docs = [
            r#"{"a":[1,-2.5e10,true,false,null,"x"],"b":{"c":{"d":[]}},"e":""}"#,
            r#"[{"":""},[[[]]],0,-0,1E+2,"\u0001\"\\"]"#,
            r#""😀 日本 \u007f""#,
            "123456789012345678901234567890.123456789e-99999",
        ];
        for d in docs {
            let v = p(d);
            let w = v.to_string();
            assert_eq!(p(&w), v, "{d}");
            assert_eq!(p(&w).to_string(), w, "writer is a fixed point for {d}");
        }
        // Whitespace and escapes normalise: the value is what matters.
        let v = p("{ \"k\" : \"\\u0041\\/\" , \"n\" : [ 1 , 2 ] }");
        assert_eq!(v.to_string(), r#"{"k":"A/","n":[1,2]}"#);
    }

    /// A small deterministic PRNG (xorshift64*), so the fuzz tests are reproducible.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
    }

    #[test]
    fn never_panics_on_prefixes_and_mutations() {
        let doc = r#"{"AuthenticationResult":{"AccessToken":"eyJ.a.b","ExpiresIn":3600,"TokenType":"Bearer","NewDeviceMetadata":null},"ChallengeParameters":{"x":"\u00e9\ud83d\ude00\n"},"arr":[-1.5e-3,true,false,[]],"u":"日本"}"#;
        assert!(Json::parse(doc).is_ok());
        let mut ok = 0;
        for end in 0..=doc.len() {
            if let Some(prefix) = doc.get(..end) {
                if Json::parse(prefix).is_ok() {
                    ok += 1;
                }
            }
        }
        assert_eq!(ok, 1, "only the whole document parses");
        // Byte-level mutations (deletions, replacements, insertions) of the valid document.
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let alphabet = b"{}[]\":,\\u0123456789abcdefE.+-tnrl \t\n\x01\xff";
        for _ in 0..20_000 {
            let mut bytes = doc.as_bytes().to_vec();
            for _ in 0..1 + rng.next() % 4 {
                let i = (rng.next() % bytes.len().max(1) as u64) as usize;
                let c = alphabet[(rng.next() % alphabet.len() as u64) as usize];
                match rng.next() % 3 {
                    0 if !bytes.is_empty() => {
                        bytes.remove(i);
                    }
                    1 if !bytes.is_empty() => bytes[i] = c,
                    _ => bytes.insert(i.min(bytes.len()), c),
                }
            }
            let text = String::from_utf8_lossy(&bytes);
            if let Ok(v) = Json::parse(&text) {
                // Whatever parses must re-serialise to text that parses to the same value.
                assert_eq!(Json::parse(&v.to_string()).unwrap(), v);
            }
        }
    }

    #[test]
    fn never_panics_on_random_input() {
        let mut rng = Rng(42);
        let alphabet = b"{}[]\":,\\u/bfnrt0123456789-+.eE truefalsn \"\"\x00\x1f";
        for round in 0..30_000 {
            let len = (rng.next() % 40) as usize;
            let text: String = if round % 2 == 0 {
                // JSON-ish characters: reaches deep into the grammar.
                (0..len)
                    .map(|_| alphabet[(rng.next() % alphabet.len() as u64) as usize] as char)
                    .collect()
            } else {
                // Arbitrary bytes, made valid UTF-8.
                let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
                String::from_utf8_lossy(&bytes).into_owned()
            };
            if let Ok(v) = Json::parse(&text) {
                assert_eq!(Json::parse(&v.to_string()).unwrap(), v);
            }
        }
    }
}

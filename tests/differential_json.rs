//! Differential tests: `core::json::Json::parse` against `serde_json` (see `tests/support`).
//!
//! For every input both must agree on accept/reject, and on what was read: the same members in
//! the same order (duplicates kept), the same strings, the same number literals; and
//! `Json::get` must see what `serde_json::Value` (whose map keeps the last duplicate) sees.
//! The one documented difference is nesting: the SDK refuses documents deeper than
//! `json::MAX_DEPTH`, serde_json's raw scan has no limit.
//!
//! Inputs: valid documents from a recursive generator (random whitespace and escape spellings),
//! mutations of them, JSON-token soup, and arbitrary strings/bytes.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use cognito_wasm::core::json::{Json, MAX_DEPTH};
use proptest::prelude::*;
use support::{check, sdk_tree, Tree};

/// The property: the SDK and serde_json agree on `text` (see `support::json_agree`).
fn agree(text: &str) -> Result<(), TestCaseError> {
    support::case(support::json_agree(text))
}

// ---------------------------------------------------------------------------------------------
// Generators.

/// Insignificant whitespace.
fn ws() -> impl Strategy<Value = String> {
    prop_oneof![3 => Just(String::new()), 1 => "[ \t\n\r]{1,3}"]
}

/// A number literal and its text (which the SDK must keep verbatim).
fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        "-?(0|[1-9][0-9]{0,3})",
        "-?(0|[1-9][0-9]{0,25})(\\.[0-9]{1,8})?([eE][+-]?[0-9]{1,4})?",
        Just("18446744073709551615".to_owned()),
        Just("18446744073709551616".to_owned()),
        Just("-9223372036854775808".to_owned()),
        Just("-9223372036854775809".to_owned()),
        Just("1e400".to_owned()),
        Just("-0.0e-0".to_owned()),
    ]
}

const SPECIAL_CHARS: &[char] = &[
    '"',
    '\\',
    '/',
    '\u{8}',
    '\u{c}',
    '\n',
    '\r',
    '\t',
    '\u{7f}',
    '\u{1f}',
    '\u{ffff}',
    '\u{fffd}',
    '\u{d7ff}',
    '\u{e000}',
    '\u{10000}',
    '\u{10ffff}',
    '😀',
    'é',
];

/// Characters worth writing in strings: every kind of escape, the surrogate-pair range, plain.
fn string_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => proptest::char::range('a', 'z'),
        2 => any::<char>(),
        2 => proptest::char::range('\0', '\u{7f}'),
        1 => prop::sample::select(SPECIAL_CHARS),
    ]
}

/// One spelling of `c` inside a JSON string, picked by `how`.
fn spell(c: char, how: u8, out: &mut String) {
    let u = |out: &mut String, upper: bool| {
        let mut buf = [0u16; 2];
        for unit in c.encode_utf16(&mut buf) {
            let h = format!("\\u{:04x}", unit);
            out.push_str(&if upper {
                h.to_uppercase().replace("\\U", "\\u")
            } else {
                h
            });
        }
    };
    let short = match c {
        '"' => Some("\\\""),
        '\\' => Some("\\\\"),
        '\u{8}' => Some("\\b"),
        '\u{c}' => Some("\\f"),
        '\n' => Some("\\n"),
        '\r' => Some("\\r"),
        '\t' => Some("\\t"),
        '/' if how == 1 => Some("\\/"),
        _ => None,
    };
    let must_escape = c == '"' || c == '\\' || (c as u32) < 0x20;
    match (how % 4, short) {
        (0 | 1, Some(s)) => out.push_str(s),
        (0 | 1, None) if !must_escape => out.push(c),
        (3, _) => u(out, true),
        _ => u(out, false),
    }
}

/// A JSON string literal and the string it holds.
fn string_literal() -> impl Strategy<Value = (String, String)> {
    prop::collection::vec((string_char(), 0u8..4), 0..8).prop_map(|chars| {
        let mut text = String::from("\"");
        let mut value = String::new();
        for (c, how) in chars {
            spell(c, how, &mut text);
            value.push(c);
        }
        text.push('"');
        (text, value)
    })
}

/// A valid document (with random whitespace and spellings) and the tree it holds.
fn document() -> impl Strategy<Value = (String, Tree)> {
    let leaf = prop_oneof![
        Just(("null".to_owned(), Tree::Null)),
        any::<bool>().prop_map(|b| (b.to_string(), Tree::Bool(b))),
        number().prop_map(|n| (n.clone(), Tree::Num(n))),
        string_literal().prop_map(|(t, s)| (t, Tree::Str(s))),
    ];
    leaf.prop_recursive(5, 48, 6, |inner| {
        // Small key set, so duplicate names are common.
        let key = prop_oneof![
            3 => prop::sample::select(vec!["a", "b", "sub", "", "é"])
                .prop_map(|k| (support::oracle_string(k), k.to_owned())),
            1 => string_literal(),
        ];
        prop_oneof![
            prop::collection::vec((ws(), inner.clone(), ws()), 0..6).prop_map(|items| {
                let mut text = String::from("[");
                let mut tree = Vec::new();
                for (i, (a, (t, v), b)) in items.into_iter().enumerate() {
                    if i > 0 {
                        text.push(',');
                    }
                    text.push_str(&a);
                    text.push_str(&t);
                    text.push_str(&b);
                    tree.push(v);
                }
                text.push(']');
                (text, Tree::Arr(tree))
            }),
            prop::collection::vec((ws(), key, ws(), ws(), inner, ws()), 0..6).prop_map(|members| {
                let mut text = String::from("{");
                let mut tree = Vec::new();
                for (i, (a, (kt, k), b, c, (vt, v), d)) in members.into_iter().enumerate() {
                    if i > 0 {
                        text.push(',');
                    }
                    text.push_str(&a);
                    text.push_str(&kt);
                    text.push_str(&b);
                    text.push(':');
                    text.push_str(&c);
                    text.push_str(&vt);
                    text.push_str(&d);
                    tree.push((k, v));
                }
                text.push('}');
                (text, Tree::Obj(tree))
            }),
        ]
    })
    .prop_flat_map(|(t, v)| (ws(), Just(t), ws(), Just(v)))
    .prop_map(|(a, t, b, v)| (format!("{a}{t}{b}"), v))
}

/// Characters mutations insert: JSON punctuation, escape material, and a few that never belong.
const SOUP: &[&str] = &[
    "{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "\\ud83d", "\\ude00", "\\u00", "d8", "dc",
    "true", "false", "null", "tru", "nul", "-", "+", "0", "1", "9", "e", "E", ".", " ", "\t", "\n",
    "\r", "\u{0}", "\u{1f}", "\u{7f}", "\u{feff}", "é", "😀", "'", "/", "*", "a", "x", "#",
    "\"a\"", "\"\"", "1e999", "-0", "00", "0x1",
];

#[derive(Debug, Clone)]
enum Edit {
    Delete(usize),
    Insert(usize, &'static str),
    Replace(usize, &'static str),
    Swap(usize, usize),
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let soup = prop::sample::select(SOUP);
    prop::collection::vec(
        prop_oneof![
            any::<usize>().prop_map(Edit::Delete),
            (any::<usize>(), soup.clone()).prop_map(|(i, s)| Edit::Insert(i, s)),
            (any::<usize>(), soup).prop_map(|(i, s)| Edit::Replace(i, s)),
            (any::<usize>(), any::<usize>()).prop_map(|(i, j)| Edit::Swap(i, j)),
        ],
        1..4,
    )
}

/// `text` with `edits` applied at character positions (so the result stays a `str`).
fn mutate(text: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<String> = text.chars().map(String::from).collect();
    for e in edits {
        let n = chars.len();
        match *e {
            Edit::Delete(i) if n > 0 => {
                chars.remove(i % n);
            }
            Edit::Insert(i, s) => chars.insert(i % (n + 1), s.to_owned()),
            Edit::Replace(i, s) if n > 0 => chars[i % n] = s.to_owned(),
            Edit::Swap(i, j) if n > 0 => chars.swap(i % n, j % n),
            _ => {}
        }
    }
    chars.concat()
}

// ---------------------------------------------------------------------------------------------
// Properties.

#[test]
fn valid_documents_read_the_same() {
    check("json/valid", 192, 0.3, document(), |(text, expected)| {
        let v = Json::parse(&text).map_err(|e| TestCaseError::fail(format!("{text:?}: {e}")))?;
        // The generator's own tree is a third opinion: exact literals and member order.
        prop_assert_eq!(&sdk_tree(&v), &expected, "{:?}", text);
        agree(&text)
    });
}

#[test]
fn mutated_documents_are_judged_the_same() {
    check(
        "json/mutated",
        256,
        0.3,
        (document(), edits()),
        |((text, _), edits)| agree(&mutate(&text, &edits)),
    );
}

#[test]
fn token_soup_is_judged_the_same() {
    let soup = prop::collection::vec(prop::sample::select(SOUP), 0..16).prop_map(|t| t.concat());
    check("json/soup", 256, 0.2, soup, |text| agree(&text));
}

#[test]
fn arbitrary_text_is_judged_the_same() {
    let text = prop_oneof![
        any::<String>(),
        prop::collection::vec(any::<u8>(), 0..32)
            .prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
    ];
    check("json/arbitrary", 128, 0.2, text, |text| agree(&text));
}

// ---------------------------------------------------------------------------------------------
// Fixed cases at the edges (and the regressions the properties found, by name).

#[test]
fn depth_limit_is_the_only_difference() {
    for depth in [MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1] {
        let arrays = "[".repeat(depth) + &"]".repeat(depth);
        let objects = "{\"a\":".repeat(depth) + "0" + &"}".repeat(depth);
        for text in [arrays, objects] {
            agree(&text).unwrap();
            assert_eq!(
                Json::parse(&text).is_ok(),
                depth <= MAX_DEPTH,
                "depth {depth}"
            );
        }
    }
}

#[test]
fn edge_documents_agree() {
    for text in [
        "",
        " ",
        "0",
        "-0",
        "1e400",
        "-1E-400",
        "[1e400]",
        "\"\\u0000\"",
        "\"\\uDBFF\\uDFFF\"",
        "\"\\uD800\"",
        "\"\\uDC00\"",
        "\"\\uD800\\u0041\"",
        "\"\\uD800\\uD800\"",
        "\"\u{7f}\"",
        "{\"a\":1,\"a\":2}",
        "{\"a\":{\"b\":1},\"a\":[2]}",
        "[\"\\/\"]",
        "\u{feff}0",
        "0\u{feff}",
        "\"\\u00e9\"",
        "\"\\u00E9\"",
        "{\"\":\"\"}",
        " [ ] ",
        "[1,]",
        "{,}",
        "nul",
        "true false",
        "123456789012345678901234567890",
        "0.000000000000000000000000000001",
        "1.5e+0005",
    ] {
        agree(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
    }
}

/// libFuzzer (trace-compare) built inputs out of the error messages themselves; a message that
/// is a fixed reason and an offset contains such an input without echoing it. The check now
/// holds messages to the parser's vocabulary instead of looking for the input in them.
#[test]
fn regression_input_spelling_a_message_is_no_echo() {
    agree("N: unexpected character at byt").unwrap();
    agree("unexpected end of input").unwrap();
}

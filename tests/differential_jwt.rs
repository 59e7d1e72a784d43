//! Differential tests: `core::jwt::decode` against an oracle built from the `base64` crate
//! (`URL_SAFE_NO_PAD`: strict, no padding, zero trailing bits) and `serde_json` (see
//! `tests/support`) applied to the three segments, with the rules `decode` documents: at most
//! 64 KiB, exactly three parts, header and payload JSON objects (UTF-8), a string `alg`, a `kid`
//! absent or a string (the last of duplicated names counts, as in `serde_json`'s map), a non-empty
//! signature. Accept/reject must agree; for accepted tokens the header, the claims, the signing
//! input and the signature bytes must be equal.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use cognito_wasm::core::jwt::{decode, MAX_TOKEN_LEN};
use cognito_wasm::ErrorCode;
use proptest::prelude::*;
use support::{check, oracle_string};

/// The property: `jwt::decode` and the oracle agree on `token` (see `support::jwt_agree`).
fn agree(token: &str) -> Result<(), TestCaseError> {
    support::case(support::jwt_agree(token))
}

// ---------------------------------------------------------------------------------------------
// Generators.

fn json_scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 _:/.-]{0,12}".prop_map(|s| oracle_string(&s)),
        any::<String>().prop_map(|s| oracle_string(&s)),
        "-?[0-9]{1,12}",
        Just("null".to_owned()),
        Just("true".to_owned()),
        Just("1e400".to_owned()),
        Just("[]".to_owned()),
        Just("{}".to_owned()),
    ]
}

/// A JSON object's text: a few members from a small set of names (duplicates common).
fn object_text(names: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop::collection::vec((prop::sample::select(names), json_scalar()), 0..6).prop_map(|m| {
        let members: Vec<String> = m
            .into_iter()
            .map(|(k, v)| format!("{}:{}", oracle_string(k), v))
            .collect();
        format!("{{{}}}", members.join(","))
    })
}

fn header_text() -> impl Strategy<Value = String> {
    prop_oneof![
        // Well-formed: alg (and maybe kid) strings, plus other members.
        (
            "[A-Z]{2}[0-9]{3}",
            prop::option::of("[a-zA-Z0-9+/=]{0,16}"),
            prop::collection::vec(
                (prop::sample::select(&["typ", "x"][..]), json_scalar()),
                0..3
            ),
        )
            .prop_map(|(alg, kid, rest)| {
                let mut m = vec![format!("\"alg\":{}", oracle_string(&alg))];
                if let Some(k) = kid {
                    m.push(format!("\"kid\":{}", oracle_string(&k)));
                }
                for (k, v) in rest {
                    m.push(format!("{}:{}", oracle_string(k), v));
                }
                format!("{{{}}}", m.join(","))
            }),
        // Anything: alg/kid missing, duplicated, of other types.
        object_text(&["alg", "kid", "typ"]),
        json_scalar(),
    ]
}

fn segment(json: impl Strategy<Value = String>) -> impl Strategy<Value = String> {
    json.prop_map(|t| URL_SAFE_NO_PAD.encode(t.as_bytes()))
}

fn token() -> impl Strategy<Value = String> {
    (
        segment(header_text()),
        segment(prop_oneof![
            3 => object_text(&["sub", "iss", "exp", "token_use", "aud", "custom:x"]),
            1 => json_scalar(),
        ]),
        prop_oneof![
            4 => prop::collection::vec(any::<u8>(), 1..40).prop_map(|b| URL_SAFE_NO_PAD.encode(b)),
            1 => Just(String::new()),
        ],
    )
        .prop_map(|(h, p, s)| format!("{h}.{p}.{s}"))
}

const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=. \n";

#[derive(Debug, Clone)]
enum Edit {
    Delete(usize),
    Insert(usize, u8),
    Replace(usize, u8),
    /// The last character of a segment replaced: trailing bits, impossible lengths.
    SegmentEnd(usize, u8),
}

fn mutated_token() -> impl Strategy<Value = String> {
    let c = prop::sample::select(CHARS);
    let edit = prop_oneof![
        any::<usize>().prop_map(Edit::Delete),
        (any::<usize>(), c.clone()).prop_map(|(i, c)| Edit::Insert(i, c)),
        (any::<usize>(), c.clone()).prop_map(|(i, c)| Edit::Replace(i, c)),
        (0usize..3, c).prop_map(|(i, c)| Edit::SegmentEnd(i, c)),
    ];
    (token(), prop::collection::vec(edit, 1..3)).prop_map(|(t, edits)| {
        let mut b = t.into_bytes();
        for e in edits {
            let n = b.len();
            match e {
                Edit::Delete(i) if n > 0 => {
                    b.remove(i % n);
                }
                Edit::Insert(i, c) => b.insert(i % (n + 1), c),
                Edit::Replace(i, c) if n > 0 => b[i % n] = c,
                Edit::SegmentEnd(seg, c) => {
                    let ends: Vec<usize> = (0..n)
                        .filter(|&i| b.get(i + 1).is_none_or(|&x| x == b'.'))
                        .filter(|&i| b[i] != b'.')
                        .collect();
                    if let Some(&i) = ends.get(seg) {
                        b[i] = c;
                    }
                }
                _ => {}
            }
        }
        String::from_utf8(b).unwrap()
    })
}

// ---------------------------------------------------------------------------------------------
// Properties.

#[test]
fn generated_tokens_decode_the_same() {
    check("jwt/generated", 192, 0.4, token(), |t| agree(&t));
}

#[test]
fn mutated_tokens_are_judged_the_same() {
    check("jwt/mutated", 384, 0.5, mutated_token(), |t| agree(&t));
}

#[test]
fn arbitrary_text_is_judged_the_same() {
    let text = prop_oneof![
        any::<String>(),
        "[A-Za-z0-9_=.-]{0,30}",
        (
            "[A-Za-z0-9_-]{0,8}",
            "[A-Za-z0-9_-]{0,8}",
            "[A-Za-z0-9_-]{0,8}"
        )
            .prop_map(|(a, b, c)| format!("{a}.{b}.{c}")),
    ];
    check("jwt/arbitrary", 128, 0.1, text, |t| agree(&t));
}

// ---------------------------------------------------------------------------------------------
// Regressions and edges: one spelling per segment (issue 12).

fn good() -> (String, String, String) {
    let h = URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256","kid":"k1"}"#);
    let p = URL_SAFE_NO_PAD.encode(br#"{"sub":"u","exp":1}"#);
    let s = URL_SAFE_NO_PAD.encode([0xfb, 0xff, 0x01]);
    (h, p, s)
}

fn refused(token: &str, message: &str) {
    let e = decode(token).expect_err(token);
    assert_eq!(e.code, ErrorCode::InvalidToken, "{token}");
    assert_eq!(e.message, message, "{token}");
    agree(token).unwrap();
}

#[test]
fn regression_signature_with_nonzero_trailing_bits_is_refused() {
    let (h, p, _) = good();
    // `Zg` is the one spelling of the byte 0x66; `Zh` (a set bit past the byte) was read the same.
    assert_eq!(decode(&format!("{h}.{p}.Zg")).unwrap().signature(), b"f");
    refused(&format!("{h}.{p}.Zh"), "token signature is not base64url");
    refused(&format!("{h}.{p}.Zm9"), "token signature is not base64url");
}

#[test]
fn regression_header_and_payload_with_nonzero_trailing_bits_are_refused() {
    let (h, p, s) = good();
    // `{}` is `e30`; `e31` differs only in trailing bits.
    assert!(decode(&format!("{h}.e30.{s}")).is_ok());
    refused(&format!("{h}.e31.{s}"), "token payload is not base64url");
    // 11 bytes: the encoding ends in a 3-digit group; its last digit with the lowest bit (a
    // trailing bit, past the 11th byte) flipped is the same bytes spelled another way.
    let alg = URL_SAFE_NO_PAD.encode(br#"{"alg":"x"}"#);
    const URL: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut odd = alg.clone().into_bytes();
    let last = odd.pop().unwrap();
    odd.push(URL[URL.iter().position(|&c| c == last).unwrap() ^ 1]);
    let odd = String::from_utf8(odd).unwrap();
    assert!(decode(&format!("{alg}.{p}.{s}")).is_ok());
    refused(&format!("{odd}.{p}.{s}"), "token header is not base64url");
}

#[test]
fn regression_padding_is_refused_in_every_segment() {
    let (h, p, s) = good();
    refused(&format!("{h}=.{p}.{s}"), "token header is not base64url");
    refused(&format!("{h}.{p}==.{s}"), "token payload is not base64url");
    refused(&format!("{h}.{p}.Zg=="), "token signature is not base64url");
    refused(&format!("{h}.{p}.Zg="), "token signature is not base64url");
    refused(&format!("{h}.{p}.{s}="), "token signature is not base64url");
}

#[test]
fn regression_standard_alphabet_is_refused() {
    let (h, p, _) = good();
    // 0xfb 0xff 0x01 is `-_8B` in base64url and `+/8B` in base64.
    assert_eq!(
        decode(&format!("{h}.{p}.-_8B")).unwrap().signature(),
        [0xfb, 0xff, 0x01]
    );
    refused(&format!("{h}.{p}.+/8B"), "token signature is not base64url");
    refused(&format!("{h}.{p}.-/8B"), "token signature is not base64url");
    refused(&format!("{h}.{p}.+_8B"), "token signature is not base64url");
}

#[test]
fn regression_impossible_segment_lengths_are_refused() {
    let (h, p, s) = good();
    refused(&format!("{h}.{p}.A"), "token signature is not base64url");
    refused(&format!("{h}.{p}.{s}A"), "token signature is not base64url");
    assert_eq!(h.len() % 4, 3);
    refused(&format!("{h}AA.{p}.{s}"), "token header is not base64url");
}

#[test]
fn edge_tokens_agree() {
    let (h, p, s) = good();
    let dup_alg = URL_SAFE_NO_PAD.encode(br#"{"alg":1,"alg":"RS256"}"#);
    let dup_alg_bad = URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256","alg":null}"#);
    let kid_null = URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256","kid":null}"#);
    let big_num = URL_SAFE_NO_PAD.encode(br#"{"exp":1e400}"#);
    for t in [
        format!("{h}.{p}.{s}"),
        format!("{dup_alg}.{p}.{s}"),
        format!("{dup_alg_bad}.{p}.{s}"),
        format!("{kid_null}.{p}.{s}"),
        format!("{h}.{big_num}.{s}"),
        format!("{h}.{p}."),
        format!("{h}..{s}"),
        "..".to_owned(),
        format!("{h}.{p}.{s}.{s}"),
        format!(
            "{h}.{p}.{}",
            "A".repeat(MAX_TOKEN_LEN - h.len() - p.len() - 2)
        ),
        format!(
            "{h}.{p}.{}",
            "A".repeat(MAX_TOKEN_LEN - h.len() - p.len() - 1)
        ),
    ] {
        agree(&t).unwrap_or_else(|e| panic!("{t:.80}: {e}"));
    }
}

/// libFuzzer found tokens spelled like the messages (see `support::jwt_agree`).
#[test]
fn regression_token_spelling_a_message_is_no_echo() {
    agree("n header is not.0.").unwrap();
    agree("token header is not base64url..x").unwrap();
}

//! Differential tests: `core::encoding`'s base64, base64url and hex against the `base64` crate
//! and `num-bigint` (see `tests/support`).
//!
//! The SDK's decoders promise one spelling per byte string, which is exactly what the `base64`
//! crate's `STANDARD` engine (canonical `=` padding required, zero trailing bits) and
//! `URL_SAFE_NO_PAD` engine (padding refused, zero trailing bits) accept; accept/reject and the
//! bytes must agree. Hex is read as an unsigned big-endian integer (odd digit counts allowed, as
//! Cognito sends SALT and SRP_B), which `num-bigint` reads the same way.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use cognito_wasm::core::encoding::{
    base64_decode, base64_encode, base64url_decode, base64url_encode, hex_decode, hex_encode,
};
use cognito_wasm::ErrorCode;
use num_bigint::BigUint;
use proptest::prelude::*;
use support::check;

/// Both decoders agree with their oracle engines on `text` (see `support::base64_agree`).
fn decoders_agree(text: &str) -> Result<(), TestCaseError> {
    support::case(support::base64_agree(text))
}

/// Base64 material from both alphabets, padding, and a few characters that never belong.
fn b64_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9]{0,12}",
        "[A-Za-z0-9+/]{0,12}={0,3}",
        "[A-Za-z0-9_-]{0,12}={0,3}",
        "[A-Za-z0-9+/_=-]{0,14}",
        "[A-Za-z0-9+/_= .\n\r\t*é-]{0,10}",
        "[A-Za-z0-9+/]{0,8}=[A-Za-z0-9+/=]{0,4}",
    ]
}

/// A valid encoding (either engine) of random bytes, then one small change: the last digit
/// replaced (trailing bits), padding added/removed, a character from the other alphabet.
fn near_valid() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(any::<u8>(), 0..20),
        any::<bool>(),
        0u8..6,
        any::<usize>(),
        prop::sample::select(
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_=".as_slice(),
        ),
    )
        .prop_map(|(bytes, url, how, at, c)| {
            let mut t = if url {
                URL_SAFE_NO_PAD.encode(&bytes)
            } else {
                STANDARD.encode(&bytes)
            };
            let digits = t.trim_end_matches('=').len();
            let c = c as char;
            match how {
                0 if digits > 0 => t.replace_range(digits - 1..digits, &c.to_string()),
                1 => t.push('='),
                2 => {
                    t.pop();
                }
                3 if !t.is_empty() => {
                    let i = at % t.len();
                    t.replace_range(i..i + 1, &c.to_string())
                }
                4 => t.insert(at % (t.len() + 1), c),
                _ => {}
            }
            t
        })
}

#[test]
fn encoders_match_the_base64_crate() {
    check(
        "base64/encode",
        256,
        0.2,
        prop::collection::vec(any::<u8>(), 0..80),
        |bytes| {
            let std = base64_encode(&bytes);
            let url = base64url_encode(&bytes);
            prop_assert_eq!(&std, &STANDARD.encode(&bytes));
            prop_assert_eq!(&url, &URL_SAFE_NO_PAD.encode(&bytes));
            prop_assert_eq!(base64_decode(&std, "x").ok(), Some(bytes.clone()));
            prop_assert_eq!(base64url_decode(&url, "x").ok(), Some(bytes));
            Ok(())
        },
    );
}

#[test]
fn decoders_match_the_base64_crate_on_base64_material() {
    check("base64/material", 512, 0.3, b64_text(), |text| {
        decoders_agree(&text)
    });
}

#[test]
fn decoders_match_the_base64_crate_near_valid_encodings() {
    check("base64/near-valid", 512, 0.3, near_valid(), |text| {
        decoders_agree(&text)
    });
}

#[test]
fn decoders_match_the_base64_crate_on_arbitrary_text() {
    check("base64/arbitrary", 128, 0.05, any::<String>(), |text| {
        decoders_agree(&text)
    });
}

#[test]
fn hex_matches_num_bigint() {
    let text = prop_oneof!["[0-9a-fA-F]{0,20}", "[0-9a-fA-FgG x+_-]{0,6}"];
    check("hex/decode", 256, 0.1, text, |text| {
        let sdk = hex_decode(&text, "X");
        let digits_only = text.bytes().all(|b| b.is_ascii_hexdigit());
        match sdk {
            Ok(bytes) => {
                prop_assert!(digits_only, "{:?} accepted", text);
                prop_assert_eq!(bytes.len(), text.len().div_ceil(2));
                if !text.is_empty() {
                    let n = BigUint::parse_bytes(text.as_bytes(), 16).unwrap();
                    prop_assert_eq!(BigUint::from_bytes_be(&bytes), n);
                }
            }
            Err(e) => {
                prop_assert!(!digits_only, "{:?} refused", text);
                prop_assert_eq!(e.message, "X is not valid hex");
            }
        }
        Ok(())
    });
    check(
        "hex/encode",
        128,
        0.05,
        prop::collection::vec(any::<u8>(), 0..40),
        |bytes| {
            let hex = hex_encode(&bytes);
            let expected: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            prop_assert_eq!(&hex, &expected);
            if !bytes.is_empty() {
                let digits = hex.trim_start_matches('0');
                let digits = if digits.is_empty() { "0" } else { digits };
                prop_assert_eq!(BigUint::from_bytes_be(&bytes).to_str_radix(16), digits);
            }
            prop_assert_eq!(hex_decode(&hex, "x").unwrap(), bytes);
            Ok(())
        },
    );
}

// ---------------------------------------------------------------------------------------------
// Regressions: what the lenient decoder accepted before (issue 12), each refused with a reason.

fn refused(text: &str, url: bool, reason: &str) {
    let r = if url {
        base64url_decode(text, "T")
    } else {
        base64_decode(text, "T")
    };
    let e = r.expect_err(text);
    assert_eq!(e.code, ErrorCode::InvalidResponse, "{text:?}");
    let kind = if url {
        "T is not valid base64url: "
    } else {
        "T is not valid base64: "
    };
    assert_eq!(e.message, [kind, reason].concat(), "{text:?}");
    decoders_agree(text).unwrap();
}

#[test]
fn regression_nonzero_trailing_bits_are_refused() {
    // `Zh==` decoded like `Zg==` ("f"): 'h' leaves a set bit below the one output byte.
    assert_eq!(base64_decode("Zg==", "T").unwrap(), b"f");
    refused("Zh==", false, "non-zero trailing bits");
    refused("Zh", true, "non-zero trailing bits");
    refused("Zm9=", false, "non-zero trailing bits");
    refused("Zm9", true, "non-zero trailing bits");
    refused("Zm_", true, "non-zero trailing bits");
}

#[test]
fn regression_padding_is_exact() {
    refused("Zg=", false, "bad padding");
    refused("Zg", false, "bad padding");
    refused("Zg===", false, "bad padding");
    refused("Zm8==", false, "bad padding");
    refused("====", false, "bad padding");
    refused("=", false, "bad padding");
    refused("Zm9v====", false, "bad padding");
    refused("Zg==", true, "bad padding");
    refused("Zm8=", true, "bad padding");
    refused("=", true, "bad padding");
    refused("Zm=9", false, "bad character");
    refused("Zm=9", true, "bad character");
    assert_eq!(base64_decode("", "T").unwrap(), b"");
    assert_eq!(base64url_decode("", "T").unwrap(), b"");
}

#[test]
fn regression_alphabets_do_not_mix() {
    // 0xfb 0xff: `+/8=` in base64, `-_8` in base64url; each only in its own alphabet.
    assert_eq!(base64_decode("+/8=", "T").unwrap(), [0xfb, 0xff]);
    assert_eq!(base64url_decode("-_8", "T").unwrap(), [0xfb, 0xff]);
    refused("-_8=", false, "bad character");
    refused("+/8", true, "bad character");
    refused("-/8=", false, "bad character");
    refused("+_8", true, "bad character");
}

#[test]
fn regression_impossible_lengths_are_refused() {
    refused("Z", true, "bad length");
    refused("Zm9vY", true, "bad length");
    refused("Z===", false, "bad length");
    refused("Zm9vY===", false, "bad length");
}

#[test]
fn regression_foreign_characters_are_refused() {
    refused("Zm9\n", false, "bad character");
    refused("Zm 9", true, "bad character");
    refused("Zmé", true, "bad character");
    refused("Zm9é", true, "bad length");
    refused("Zm9v!", true, "bad length");
    refused("Zm9v!A", true, "bad character");
}

/// libFuzzer found inputs spelled like the messages (see `support::base64_agree`).
#[test]
fn regression_input_spelling_a_message_is_no_echo() {
    decoders_agree("lid base64: bad padding").unwrap();
    decoders_agree("bad character").unwrap();
}

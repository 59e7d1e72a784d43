//! `jwt::decode` vs base64 (URL_SAFE_NO_PAD) + serde_json on the three segments
//! (`tests/support/oracle.rs`, `jwt_agree`).
#![no_main]

#[path = "../../tests/support/oracle.rs"]
mod oracle;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(token) = std::str::from_utf8(data) {
        if let Err(why) = oracle::jwt_agree(token) {
            panic!("{why}");
        }
    }
});

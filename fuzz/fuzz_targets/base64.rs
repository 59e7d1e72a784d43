//! `base64_decode` / `base64url_decode` vs the `base64` crate's strict engines
//! (`tests/support/oracle.rs`, `base64_agree`).
#![no_main]

#[path = "../../tests/support/oracle.rs"]
mod oracle;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Err(why) = oracle::base64_agree(text) {
            panic!("{why}");
        }
    }
});

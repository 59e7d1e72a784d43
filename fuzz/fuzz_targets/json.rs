//! `Json::parse` vs serde_json on any UTF-8 input (`tests/support/oracle.rs`, `json_agree`).
#![no_main]

#[path = "../../tests/support/oracle.rs"]
mod oracle;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Err(why) = oracle::json_agree(text) {
            panic!("{why}");
        }
    }
});

//! The protocol core: pure, sans-IO Rust with no web-sys. Every step *builds a request* or
//! *parses a response*; the session layer performs the I/O. Compiles for the host, so
//! `cargo test` checks it against the known-answer vectors in seconds.
//!
//! `checksum`, `identity_pool` and `s3` (the storage entry's core) are compiled only with the
//! feature `storage`: even unused, their calls to shared helpers changed the optimiser's
//! inlining in the default wasm (+700 B measured), which must not change by a byte.

#[cfg(feature = "storage")]
pub mod checksum;
pub mod config;
pub mod encoding;
pub mod error;
pub mod hash;
#[cfg(feature = "storage")]
pub mod identity_pool;
pub mod json;
pub mod oauth;
pub mod jwks;
pub mod jwt;
pub mod pkce;
pub mod random;
#[cfg(feature = "storage")]
pub mod s3;
pub mod sigv4;
pub mod srp;
pub mod time;
pub mod user_pool;

//! The protocol core: pure, sans-IO Rust with no web-sys. Every step *builds a request* or
//! *parses a response*; the session layer performs the I/O. Compiles for the host, so
//! `cargo test` checks it against the known-answer vectors in seconds.

pub mod config;
pub mod encoding;
pub mod error;
pub mod hash;
pub mod json;
pub mod oauth;
pub mod jwks;
pub mod jwt;
pub mod pkce;
pub mod random;
pub mod sigv4;
pub mod srp;
pub mod time;
pub mod user_pool;

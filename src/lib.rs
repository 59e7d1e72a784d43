//! cognito-wasm: Amazon Cognito (user pools, hosted UI, identity pools) and direct S3 uploads for
//! browser apps, compiled to WebAssembly, with no AWS SDK.
//!
//! Layers, top to bottom (see README.md, "Architecture"):
//! - `js`: the wasm-bindgen facade (classes, JS errors) — wasm32 only;
//! - `session`: token set, refresh, storage of the session, events;
//! - [`core`]: the pure, sans-IO protocol core, tested natively against known-answer vectors;
//! - `platform`: thin wrappers over fetch, Web Storage, clock — wasm32 only.

pub mod core;
pub mod session;

#[cfg(target_arch = "wasm32")]
pub mod js;
#[cfg(target_arch = "wasm32")]
pub mod platform;

pub use crate::core::error::{Error, ErrorCode, Result};

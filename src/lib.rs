//! cognito-wasm: Amazon Cognito (user pools, hosted UI, identity pools) and direct S3 uploads for
//! browser apps, compiled to WebAssembly, with no AWS SDK.
//!
//! Layers, top to bottom (see README.md, "Architecture"):
//! - `js`: the wasm-bindgen facade, one class that the JS driver (`js/auth.js`) runs — wasm32
//!   only;
//! - [`session`]: the flows as a synchronous state machine (send this, done, failed), the token
//!   set and its refresh, the stored form of the session, events — no I/O;
//! - [`core`]: the pure, sans-IO protocol core, tested natively against known-answer vectors;
//! - `platform`: the wasm32 allocator.
//!
//! The shipped wasm is `no_std` (with `alloc`) and traps on a panic: std's panic handler
//! formats its message and location, which keeps `core::fmt` and every panic location string
//! in the binary. Host builds and every test build (feature `std`) use std as usual.

#![cfg_attr(all(target_arch = "wasm32", not(test), not(feature = "std")), no_std)]

extern crate alloc;

/// The `alloc` names std's prelude gives, for `no_std` builds (every module imports this).
pub(crate) mod prelude {
    pub use alloc::borrow::ToOwned;
    pub use alloc::boxed::Box;
    pub use alloc::string::{String, ToString};
    pub use alloc::vec::Vec;
    pub use alloc::vec;
}

/// The wasm's panic handler: a trap (`unreachable`), with no message formatting.
#[cfg(all(target_arch = "wasm32", not(test), not(feature = "std")))]
#[panic_handler]
fn panic(_: &::core::panic::PanicInfo) -> ! {
    ::core::arch::wasm32::unreachable()
}

pub mod core;
pub mod session;

#[cfg(target_arch = "wasm32")]
pub mod js;
#[cfg(target_arch = "wasm32")]
pub mod platform;

pub use crate::core::error::{Error, ErrorCode, Result};

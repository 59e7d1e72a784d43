//! The wasm-bindgen facade (wasm32 only): the class `js/auth.js` drives.
//!
//! Deliberately narrow, because every exported method costs wasm and glue: values cross the
//! boundary as JSON *text* (the driver does `JSON.stringify` / `JSON.parse`; `core::json` reads
//! and writes it here), every operation goes through [`WasmSession::start`] and
//! [`WasmSession::resume`] (and [`WasmSession::locked`] when a refresh held the lock), and the
//! wasm imports no Web API at all — HTTP, storage, locks, listeners and the clock belong to the
//! driver. An invalid config throws the error as JSON text
//! (`{ name, message }`), which the driver turns into a JS `Error`.

use crate::prelude::*;

use wasm_bindgen::prelude::*;

/// The exports of the `cognito-wasm/storage` entry (identity pools, S3, checksums).
#[cfg(feature = "storage")]
pub mod storage;

use crate::core::config::Config;
use crate::core::error::Error;
use crate::session::output::error_json;
use crate::session::{Op, Output, Session};

/// The session of one user pool and app client, behind `js/auth.js`'s `CognitoAuth`.
#[wasm_bindgen]
pub struct WasmSession(Session);

#[wasm_bindgen]
impl WasmSession {
    /// Validates the config (JSON text); throws `{ name: 'InvalidConfig', message }` as JSON
    /// text naming the field.
    #[wasm_bindgen(constructor)]
    pub fn new(config: Option<String>) -> Result<WasmSession, JsValue> {
        let cfg = match config {
            Some(text) => Config::from_json_text(&text),
            None => Err(Error::config("config", "is required")),
        };
        match cfg {
            Ok(cfg) => Ok(WasmSession(Session::new(cfg))),
            Err(e) => Err(JsValue::from_str(&error_json(&e).to_string())),
        }
    }

    /// Restores a stored session; false when it does not check out (remove it).
    pub fn restore(&mut self, stored: &str) -> bool {
        self.0.restore(stored)
    }

    /// Starts the operation named `op` (the `CognitoAuth` method, e.g. `signIn`) with its
    /// arguments as JSON text at `now` (ms since the epoch); returns the step's output as JSON
    /// text (see `session::output::Output::to_json`).
    pub fn start(&mut self, op: &str, args: Option<String>, now: f64) -> String {
        match Op::from_name(op) {
            Some(op) => self.0.start(op, args.as_deref(), now as i64).to_json(),
            None => Output::failed(Error::internal("unknown operation")).to_json(),
        }
    }

    /// Hands flow `flow` the answer to its request (`status` 0: none arrived, `body` says why;
    /// `date`: its `Date` header where readable).
    pub fn resume(&mut self, flow: u32, status: u16, body: &str, date: Option<String>, now: f64) -> String {
        self.0.resume(flow, status, body, date.as_deref(), now as i64).to_json()
    }

    /// Hands flow `flow` what the session's storage entry holds (`undefined`: nothing) once the
    /// driver holds the refresh lock it asked for.
    pub fn locked(&mut self, flow: u32, stored: Option<String>, now: f64) -> String {
        self.0.locked(flow, stored.as_deref(), now as i64).to_json()
    }

    /// Web Crypto's verdict on the signatures flow `flow` asked to check.
    pub fn verified(&mut self, flow: u32, ok: bool, now: f64) -> String {
        self.0.verified(flow, ok, now as i64).to_json()
    }

    /// Another tab changed the session's storage entry to `stored` (`undefined`: removed).
    pub fn sync(&mut self, stored: Option<String>, now: f64) -> String {
        self.0.sync(stored.as_deref(), now as i64).to_json()
    }

    /// The signed-in user's display claims as JSON text, or `undefined`.
    #[wasm_bindgen(getter)]
    pub fn user(&self) -> Option<String> {
        self.0.user_json()
    }

    /// Whether a user is signed in.
    #[wasm_bindgen(getter, js_name = isSignedIn)]
    pub fn is_signed_in(&self) -> bool {
        self.0.is_signed_in()
    }
}

//! The wasm-bindgen facade (wasm32 only): the class `js/index.js` wraps into the `CognitoAuth`
//! apps use.
//!
//! Kept deliberately narrow, because every exported method and every imported JS function
//! costs wasm and glue: values cross the boundary as JSON *text* (index.js does
//! `JSON.stringify` / `JSON.parse`; `core::json` reads and writes it here), and all operations
//! go through one method, [`CognitoAuth::run`], selected by [`Op`]. Every failure is a JS
//! `Error` whose `name` and `code` are the SDK's error name (`InvalidConfig`,
//! `NotAuthorizedException`, ...), with `status` when a service answered.

use crate::prelude::*;

use alloc::rc::Rc;

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::core::config::Config;
use crate::core::error::Error;
use crate::platform::{open_store, WebPlatform};
use crate::session::{AuthEvent, Listener, Op, Session};

/// An SDK error as a JS `Error`: `name` and `code` are [`Error::name`], `message` the SDK's
/// message, `status` the HTTP status when a service answered.
pub fn js_error(e: &Error) -> JsValue {
    let err = js_sys::Error::new(&e.message);
    err.set_name(e.name());
    let _ = Reflect::set(
        &err,
        &JsValue::from_str("code"),
        &JsValue::from_str(e.name()),
    );
    if let Some(status) = e.status {
        let _ = Reflect::set(&err, &JsValue::from_str("status"), &JsValue::from(status));
    }
    err.into()
}

/// The session of one user pool and app client, behind `js/index.js`'s `CognitoAuth`.
#[wasm_bindgen]
pub struct CognitoAuth {
    session: Rc<Session<WebPlatform>>,
}

#[wasm_bindgen]
impl CognitoAuth {
    /// Validates the config (JSON text; throws `InvalidConfig` naming the field) and restores a
    /// stored session.
    #[wasm_bindgen(constructor)]
    pub fn new(config: Option<String>) -> Result<CognitoAuth, JsValue> {
        let cfg = match config {
            Some(text) => Config::from_json_text(&text),
            None => Err(Error::config("config", "is required")),
        }
        .map_err(|e| js_error(&e))?;
        let store = open_store(cfg.storage);
        Ok(CognitoAuth {
            session: Rc::new(Session::new(cfg, WebPlatform, store)),
        })
    }

    /// Runs `op` with its arguments as JSON text (`undefined`: none). The promise resolves to
    /// the result as JSON text, or `undefined` when the operation returns nothing; it rejects
    /// with an `Error` (never throws synchronously).
    pub fn run(&self, op: Op, input: Option<String>) -> Promise {
        let session = self.session.clone();
        future_to_promise(async move {
            match session.run(op, input.as_deref()).await {
                Ok(text) if text.is_empty() => Ok(JsValue::UNDEFINED),
                Ok(text) => Ok(JsValue::from(text)),
                Err(e) => Err(js_error(&e)),
            }
        })
    }

    /// The signed-in user's display claims as JSON text, or `undefined`.
    #[wasm_bindgen(getter)]
    pub fn user(&self) -> Option<String> {
        self.session.user_json()
    }

    /// Whether a user is signed in.
    #[wasm_bindgen(getter, js_name = isSignedIn)]
    pub fn is_signed_in(&self) -> bool {
        self.session.is_signed_in()
    }

    /// Calls `listener(type, error)` on `event` (`error` only for `refreshFailed`); returns an
    /// id for [`CognitoAuth::off`]. Throws `InvalidParameter` for an unknown event name.
    pub fn on(&self, event: &str, listener: Function) -> Result<u32, JsValue> {
        let ev = AuthEvent::from_name(event).map_err(|e| js_error(&e))?;
        let l: Listener = Rc::new(move |ev: AuthEvent, err: Option<&Error>| {
            let err = err.map_or(JsValue::UNDEFINED, js_error);
            // A listener that throws must not break the SDK's flow.
            let _ = listener.call2(&JsValue::UNDEFINED, &JsValue::from_str(ev.name()), &err);
        });
        Ok(self.session.listeners().add(ev, l))
    }

    /// Unregisters the listener `id`; false if it was already gone.
    pub fn off(&self, id: u32) -> bool {
        self.session.listeners().remove(id)
    }
}

//! `localStorage` / `sessionStorage` through web-sys (not gloo-storage, which pulls in
//! serde_json: +18 KB brotli).

use crate::prelude::*;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::core::config::StorageKind;
use crate::core::error::{Error, ErrorCode, Result};
use crate::session::Store;

/// A Web Storage area.
pub struct WebStorage(web_sys::Storage);

const PROBE_KEY: &str = "cognito-wasm.probe";

impl WebStorage {
    /// The storage area for `kind`, looked up on `globalThis` (so it works in pages and reads
    /// as absent in Node and workers). `None` for `Memory`, where the area does not exist, where
    /// reading it throws (blocked by privacy settings), or where writes fail.
    pub fn open(kind: StorageKind) -> Option<WebStorage> {
        let name = match kind {
            StorageKind::Local => "localStorage",
            StorageKind::Session => "sessionStorage",
            StorageKind::Memory => return None,
        };
        let area = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str(name)).ok()?;
        let area: web_sys::Storage = area.dyn_into().ok()?;
        area.set_item(PROBE_KEY, "1").ok()?;
        let _ = area.remove_item(PROBE_KEY);
        Some(WebStorage(area))
    }
}

impl Store for WebStorage {
    fn get(&self, key: &str) -> Option<String> {
        self.0.get_item(key).ok().flatten()
    }

    fn set(&self, key: &str, value: &str) -> Result<()> {
        self.0.set_item(key, value).map_err(|_| {
            Error::new(
                ErrorCode::StorageError,
                "Web Storage refused to store the session",
            )
        })
    }

    fn remove(&self, key: &str) {
        let _ = self.0.remove_item(key);
    }
}

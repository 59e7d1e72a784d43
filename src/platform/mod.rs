//! Thin wrappers over the Web APIs the session needs (wasm32 only): the global `fetch`, Web
//! Storage, and the clock. Everything here works in browsers, workers and Node 20+ (which has
//! `fetch` but no `window` and no Web Storage: the session then lives in memory).

use crate::prelude::*;

pub mod allocator;
pub mod fetch;
pub mod storage;

use crate::core::config::StorageKind;
use crate::core::error::Result;
use crate::session::{HttpRequest, HttpResponse, MemoryStore, Platform, Store};

/// The global allocator: a few hundred bytes instead of dlmalloc's ~7 KB (see [`allocator`]).
#[global_allocator]
static ALLOCATOR: allocator::SizeClassAlloc = allocator::SizeClassAlloc::new();

/// The browser/Node environment: global `fetch` and `Date.now()`.
#[derive(Debug, Clone, Copy, Default)]
pub struct WebPlatform;

impl Platform for WebPlatform {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse> {
        fetch::send(request).await
    }

    fn now_ms(&self) -> i64 {
        js_sys::Date::now() as i64
    }
}

/// The store for `kind`: Web Storage when it exists and accepts writes, memory otherwise.
pub fn open_store(kind: StorageKind) -> Box<dyn Store> {
    match storage::WebStorage::open(kind) {
        Some(s) => Box::new(s),
        None => Box::new(MemoryStore::default()),
    }
}

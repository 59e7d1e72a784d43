//! What the session needs from its environment: HTTP and a clock. The browser/Node
//! implementation is `platform::WebPlatform`; tests use a scripted one.

use crate::prelude::*;

use crate::core::error::Result;

/// An HTTP request (the session only sends `POST`s with a text body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// The method, e.g. `POST`.
    pub method: &'static str,
    /// The absolute URL.
    pub url: String,
    /// Header names and values.
    pub headers: Vec<(&'static str, String)>,
    /// The body.
    pub body: String,
}

/// An HTTP response: status and body text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// The HTTP status.
    pub status: u16,
    /// The body as text.
    pub body: String,
}

/// The session's environment.
#[allow(async_fn_in_trait)] // single-threaded (wasm32); the futures need not be Send
pub trait Platform {
    /// Sends `request`; `NetworkError` when no HTTP response arrived.
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse>;
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> i64;
}

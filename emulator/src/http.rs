//! The emulator's transport-neutral request and response types. The server turns each hyper
//! request into a [`Req`] (the raw path and query exactly as they arrived on the wire, so SigV4 can
//! be verified against them) and each service module answers with a [`Resp`].

/// One HTTP request as it arrived.
#[derive(Debug, Clone)]
pub struct Req {
    /// Upper-case method, e.g. `POST`.
    pub method: String,
    /// The path exactly as on the wire (still percent-encoded), e.g. `/s3/photos/private/a%20b.jpg`.
    pub raw_path: String,
    /// The query string exactly as on the wire, without `?` (empty when absent).
    pub raw_query: String,
    /// Header names lower-cased, values as sent, in arrival order (repeats kept).
    pub headers: Vec<(String, String)>,
    /// The whole body.
    pub body: Vec<u8>,
}

impl Req {
    /// The first value of header `name` (give it lower-case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// One HTTP response.
#[derive(Debug, Clone)]
pub struct Resp {
    /// Status code.
    pub status: u16,
    /// Headers to send (CORS headers are added by the server).
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl Resp {
    /// A response with a body and a content type.
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Resp { status, headers: vec![("content-type".into(), content_type.into())], body: body.into() }
    }

    /// Adds a header.
    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_string(), value.into()));
        self
    }
}

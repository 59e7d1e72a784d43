//! A small HTTP/1.1 server over `std::net`: one thread per connection, keep-alive, `Content-Length`
//! and chunked request bodies, `Expect: 100-continue`. Hand-written rather than hyper so the build
//! stays lean and so faults can act on the raw socket (a response cut off mid-body, a connection
//! closed without an answer). It turns bytes into [`Req`] and [`Outcome`]s back into bytes; the
//! services never see the socket.

use crate::app::{App, Outcome};
use crate::http::{Req, Resp};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;

/// Largest request head (request line + headers) accepted.
const MAX_HEAD: usize = 64 * 1024;
/// Largest request body accepted (S3 parts are at most a few tens of MiB in tests).
const MAX_BODY: usize = 512 * 1024 * 1024;

/// Accepts connections forever, one thread each.
pub fn serve(listener: TcpListener, app: Arc<App>) {
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let app = app.clone();
        std::thread::spawn(move || {
            let _ = connection(stream, &app);
        });
    }
}

/// What went wrong reading a request.
enum ReadError {
    /// The peer closed the connection (or it timed out) between requests.
    Closed,
    /// A malformed request: answer 400 and close.
    Bad(&'static str),
    /// The body is over the limit: answer 413 and close.
    TooLarge,
}

fn connection(stream: TcpStream, app: &App) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    stream.set_read_timeout(Some(Duration::from_secs(120)))?;
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    loop {
        let req = match read_request(&mut reader, &mut writer) {
            Ok(r) => r,
            Err(ReadError::Closed) => return Ok(()),
            Err(ReadError::Bad(why)) => {
                let resp = Resp::new(400, "text/plain", format!("bad request: {why}\n"));
                return write_response(&mut writer, app, None, &resp, false, None);
            }
            Err(ReadError::TooLarge) => {
                let resp = Resp::new(413, "text/plain", "request body too large\n");
                return write_response(&mut writer, app, None, &resp, false, None);
            }
        };
        let keep_alive = !req
            .header("connection")
            .is_some_and(|c| c.eq_ignore_ascii_case("close"));
        let is_head = req.method == "HEAD";
        match app.handle(&req) {
            Outcome::Reply(resp) => {
                write_response(&mut writer, app, Some(is_head), &resp, keep_alive, None)?;
                if !keep_alive {
                    return Ok(());
                }
            }
            Outcome::DropMidBody(resp) => {
                // Announce the full length, send half the body, then close: the client sees a
                // connection reset / truncated body.
                let half = resp.body.len() / 2;
                let _ = write_response(&mut writer, app, Some(is_head), &resp, false, Some(half));
                let _ = writer.shutdown(std::net::Shutdown::Both);
                return Ok(());
            }
            Outcome::Close => {
                let _ = writer.shutdown(std::net::Shutdown::Both);
                return Ok(());
            }
        }
    }
}

fn read_line(reader: &mut BufReader<TcpStream>, budget: &mut usize) -> Result<String, ReadError> {
    let mut line = Vec::new();
    let n = reader
        .by_ref()
        .take(*budget as u64 + 1)
        .read_until(b'\n', &mut line)
        .map_err(|_| ReadError::Closed)?;
    if n == 0 {
        return Err(ReadError::Closed);
    }
    if n > *budget {
        return Err(ReadError::Bad("request head too large"));
    }
    *budget -= n;
    if line.last() != Some(&b'\n') {
        return Err(ReadError::Closed);
    }
    line.pop();
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    String::from_utf8(line).map_err(|_| ReadError::Bad("request head is not UTF-8"))
}

fn read_request(
    reader: &mut BufReader<TcpStream>,
    writer: &mut TcpStream,
) -> Result<Req, ReadError> {
    let mut budget = MAX_HEAD;
    let mut request_line = read_line(reader, &mut budget)?;
    while request_line.is_empty() {
        // Tolerate stray CRLFs between requests (RFC 9112 §2.2).
        request_line = read_line(reader, &mut budget)?;
    }
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ReadError::Bad("malformed request line"));
    };
    if !version.starts_with("HTTP/1.") {
        return Err(ReadError::Bad("only HTTP/1.x is spoken here"));
    }
    let (raw_path, raw_query) = match target.split_once('?') {
        Some((p, q)) => (p.to_string(), q.to_string()),
        None => (target.to_string(), String::new()),
    };
    let mut headers = Vec::new();
    loop {
        let line = read_line(reader, &mut budget).map_err(|e| match e {
            ReadError::Closed => ReadError::Bad("connection closed inside the request head"),
            e => e,
        })?;
        if line.is_empty() {
            break;
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(ReadError::Bad("malformed header line"));
        };
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
    }
    let req_header = |n: &str| headers.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone());
    if req_header("expect").is_some_and(|e| e.eq_ignore_ascii_case("100-continue")) {
        let _ = writer.write_all(b"HTTP/1.1 100 Continue\r\n\r\n");
    }
    let chunked =
        req_header("transfer-encoding").is_some_and(|t| t.to_ascii_lowercase().contains("chunked"));
    let body = if chunked {
        read_chunked(reader)?
    } else if let Some(len) = req_header("content-length") {
        let len: usize = len
            .parse()
            .map_err(|_| ReadError::Bad("bad content-length"))?;
        if len > MAX_BODY {
            return Err(ReadError::TooLarge);
        }
        let mut body = vec![0u8; len];
        reader
            .read_exact(&mut body)
            .map_err(|_| ReadError::Bad("connection closed inside the body"))?;
        body
    } else {
        Vec::new()
    };
    Ok(Req {
        method: method.to_ascii_uppercase(),
        raw_path,
        raw_query,
        headers,
        body,
    })
}

fn read_chunked(reader: &mut BufReader<TcpStream>) -> Result<Vec<u8>, ReadError> {
    let mut body = Vec::new();
    loop {
        let mut budget = 1024;
        let line =
            read_line(reader, &mut budget).map_err(|_| ReadError::Bad("bad chunk header"))?;
        let size_hex = line.split(';').next().unwrap_or("").trim();
        let size =
            usize::from_str_radix(size_hex, 16).map_err(|_| ReadError::Bad("bad chunk size"))?;
        if size == 0 {
            // Trailers until the empty line.
            loop {
                let mut budget = MAX_HEAD;
                if read_line(reader, &mut budget)
                    .map_err(|_| ReadError::Bad("bad trailer"))?
                    .is_empty()
                {
                    return Ok(body);
                }
            }
        }
        if body.len() + size > MAX_BODY {
            return Err(ReadError::TooLarge);
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader
            .read_exact(&mut body[start..])
            .map_err(|_| ReadError::Bad("connection closed inside a chunk"))?;
        let mut crlf = [0u8; 2];
        reader
            .read_exact(&mut crlf)
            .map_err(|_| ReadError::Bad("missing CRLF after a chunk"))?;
    }
}

/// The reason phrase for the status codes the emulator uses.
fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        206 => "Partial Content",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Payload Too Large",
        416 => "Range Not Satisfiable",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// Writes a response. `head_request`: `Some(true)` for a HEAD request (headers only; a
/// `content-length` header set by the service is kept as the entity length). `cut_at`: write only
/// this many body bytes.
fn write_response(
    w: &mut TcpStream,
    app: &App,
    head_request: Option<bool>,
    resp: &Resp,
    keep_alive: bool,
    cut_at: Option<usize>,
) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {} {}\r\n", resp.status, reason(resp.status));
    let mut has_length = false;
    let mut has_date = false;
    for (k, v) in &resp.headers {
        if k.eq_ignore_ascii_case("content-length") {
            if head_request != Some(true) {
                continue; // always computed from the body below
            }
            has_length = true;
        }
        if k.eq_ignore_ascii_case("date") {
            has_date = true;
        }
        if k.eq_ignore_ascii_case("connection") {
            continue;
        }
        head.push_str(k);
        head.push_str(": ");
        head.push_str(v);
        head.push_str("\r\n");
    }
    if !has_length && resp.status != 304 && resp.status != 204 {
        head.push_str(&format!("content-length: {}\r\n", resp.body.len()));
    }
    if !has_date {
        // Every answer carries `Date` by the emulator's clock (skew included), as a server's would:
        // clients estimate their clock offset from it where CORS lets them read it (`crate::cors`).
        head.push_str(&format!(
            "date: {}\r\n",
            crate::clock::http_date(app.clock.now_ms())
        ));
    }
    head.push_str(if keep_alive {
        "connection: keep-alive\r\n\r\n"
    } else {
        "connection: close\r\n\r\n"
    });
    w.write_all(head.as_bytes())?;
    if head_request != Some(true) {
        let body = match cut_at {
            Some(n) => &resp.body[..n.min(resp.body.len())],
            None => &resp.body[..],
        };
        w.write_all(body)?;
    }
    w.flush()
}

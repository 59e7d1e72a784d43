//! S3's XML: escaping, error documents (with the extra elements S3 adds, such as
//! `<StringToSign>` or `<Key>`), a small builder for result documents, and the one request body
//! S3 parses here (`CompleteMultipartUpload`).

use crate::http::Resp;

/// The S3 XML namespace of result documents.
pub const NS: &str = "http://s3.amazonaws.com/doc/2006-03-01/";

/// Escapes text for XML content.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

/// Undoes [`escape`] (the five named entities and numeric references).
pub fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';') else { break };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            e if e.starts_with("#x") => u32::from_str_radix(&e[2..], 16).ok().and_then(char::from_u32),
            e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A builder for an XML document: `<?xml …?>` then elements.
pub struct Doc {
    out: String,
}

impl Doc {
    /// A document whose root element is `root` (in the S3 namespace when `ns`).
    pub fn new(root: &str, ns: bool) -> Doc {
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<");
        out.push_str(root);
        if ns {
            out.push_str(" xmlns=\"");
            out.push_str(NS);
            out.push('"');
        }
        out.push('>');
        Doc { out }
    }

    /// `<name>escaped text</name>`.
    pub fn leaf(&mut self, name: &str, text: &str) -> &mut Doc {
        self.out.push('<');
        self.out.push_str(name);
        self.out.push('>');
        self.out.push_str(&escape(text));
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
        self
    }

    /// Opens `<name>`.
    pub fn open(&mut self, name: &str) -> &mut Doc {
        self.out.push('<');
        self.out.push_str(name);
        self.out.push('>');
        self
    }

    /// Closes `</name>`.
    pub fn close(&mut self, name: &str) -> &mut Doc {
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
        self
    }

    /// Closes the root element and returns the text.
    pub fn finish(mut self, root: &str) -> String {
        self.close(root);
        self.out
    }
}

/// A random S3-style request id (16 upper-case hex digits).
pub fn request_id() -> String {
    crate::crypto::hex(&crate::crypto::random_bytes(8)).to_uppercase()
}

/// An S3 XML error document with extra elements after `Message` (S3 adds e.g. `Key`,
/// `BucketName`, `StringToSign`, `CanonicalRequest`, `ServerTime`).
pub fn error(status: u16, code: &str, message: &str, extra: &[(&str, String)]) -> Resp {
    let id = request_id();
    let mut doc = Doc { out: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>") };
    doc.leaf("Code", code).leaf("Message", message);
    for (name, value) in extra {
        doc.leaf(name, value);
    }
    doc.leaf("RequestId", &id).leaf("HostId", &host_id());
    let body = doc.finish("Error");
    Resp::new(status, "application/xml", body).with_header("x-amz-request-id", id)
}

/// A random `x-amz-id-2`-style host id.
pub fn host_id() -> String {
    crate::crypto::b64(&crate::crypto::random_bytes(48))
}

/// The bytes of `s` as S3 shows them in `StringToSignBytes` / `CanonicalRequestBytes`: two hex
/// digits per byte, separated by spaces.
pub fn spaced_hex(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for (i, b) in s.bytes().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// One `<Part>` of a `CompleteMultipartUpload` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletedPart {
    /// `PartNumber`.
    pub number: u32,
    /// `ETag` as sent (quotes included when sent).
    pub etag: String,
    /// `ChecksumCRC32` / `ChecksumCRC64NVME` elements, as sent.
    pub checksums: Vec<(super::checksum::Algorithm, String)>,
}

/// The text of every `<name>…</name>` element in `xml`, in order (no nesting of `name`).
fn elements<'a>(xml: &'a str, name: &str) -> Vec<&'a str> {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find(&open) {
        let after = &rest[i + open.len()..];
        let Some(j) = after.find(&close) else { break };
        out.push(&after[..j]);
        rest = &after[j + close.len()..];
    }
    out
}

/// Parses a `CompleteMultipartUpload` request body. `None` when it is not such a document or a
/// part lacks a numeric `PartNumber` or an `ETag` (S3: `MalformedXML`).
pub fn parse_complete(body: &[u8]) -> Option<Vec<CompletedPart>> {
    let text = std::str::from_utf8(body).ok()?;
    let text = text.trim_start_matches('\u{feff}');
    // Strip an XML declaration and a namespace on the root element.
    let root_start = text.find("<CompleteMultipartUpload")?;
    let root = &text[root_start..];
    let after_name = &root["<CompleteMultipartUpload".len()..];
    if !(after_name.starts_with('>') || after_name.starts_with(' ') || after_name.starts_with('\n')) {
        return None;
    }
    if !root.trim_end().ends_with("</CompleteMultipartUpload>") {
        return None;
    }
    let mut parts = Vec::new();
    for part in elements(root, "Part") {
        let number = elements(part, "PartNumber");
        let etag = elements(part, "ETag");
        let ([number], [etag]) = (number.as_slice(), etag.as_slice()) else { return None };
        let number: u32 = number.trim().parse().ok()?;
        let checksums = super::checksum::Algorithm::ALL
            .into_iter()
            .flat_map(|a| elements(part, a.element()).into_iter().map(move |v| (a, unescape(v.trim()))))
            .collect();
        parts.push(CompletedPart { number, etag: unescape(etag.trim()), checksums });
    }
    Some(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_round_trip() {
        let s = "a&b<c>\"d'e";
        assert_eq!(escape(s), "a&amp;b&lt;c&gt;&quot;d&apos;e");
        assert_eq!(unescape(&escape(s)), s);
        assert_eq!(unescape("&#34;x&#x22;&bogus;"), "\"x\"&bogus;");
    }

    #[test]
    fn parses_complete_multipart_upload() {
        let body = br#"<?xml version="1.0" encoding="UTF-8"?>
<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Part><ETag>"aa"</ETag><PartNumber>1</PartNumber><ChecksumCRC32>AAAAAA==</ChecksumCRC32></Part>
  <Part><PartNumber>2</PartNumber><ETag>&quot;bb&quot;</ETag></Part>
</CompleteMultipartUpload>"#;
        let parts = parse_complete(body).unwrap();
        use crate::s3::checksum::Algorithm;
        assert_eq!(
            parts,
            vec![
                CompletedPart {
                    number: 1,
                    etag: "\"aa\"".into(),
                    checksums: vec![(Algorithm::Crc32, "AAAAAA==".into())]
                },
                CompletedPart { number: 2, etag: "\"bb\"".into(), checksums: vec![] },
            ]
        );
        assert_eq!(parse_complete(b"<CompleteMultipartUpload></CompleteMultipartUpload>"), Some(vec![]));
        assert_eq!(parse_complete(b"<Other/>"), None);
        assert_eq!(parse_complete(b"<CompleteMultipartUpload><Part><PartNumber>x</PartNumber><ETag>a</ETag></Part></CompleteMultipartUpload>"), None);
        assert_eq!(
            parse_complete(b"<CompleteMultipartUpload><Part><ETag>a</ETag></Part></CompleteMultipartUpload>"),
            None
        );
    }

    #[test]
    fn spaced_hex_bytes() {
        assert_eq!(spaced_hex("AW\n"), "41 57 0a");
    }
}

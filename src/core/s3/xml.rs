//! A strict reader for the small XML documents S3 answers with (`ListPartsResult`,
//! `ListBucketResult`, `Error`, ...), and the escaping of text the SDK writes into XML.
//!
//! What it reads: one root element, nested elements with attributes, text, the five predefined
//! entities (`&amp; &lt; &gt; &quot; &apos;`), numeric character references (`&#233;`,
//! `&#xE9;`), CDATA sections, comments and processing instructions (skipped, the `<?xml ...?>`
//! declaration among them), a leading UTF-8 byte order mark. Line ends in text are normalised
//! as XML requires (`\r\n` and a lone `\r` read as `\n`; a `&#13;` reference stays `\r`).
//!
//! What it refuses, as `InvalidResponse` naming the byte offset (never quoting the input):
//! a document type declaration (so no entity can be declared, expanded or fetched), any other
//! entity, a reference to U+0000 or to no character, raw control characters other than tab,
//! line feed and carriage return, mismatched or unclosed tags, text or a second element
//! outside the root, input over [`MAX_XML_LEN`] bytes and nesting over [`MAX_XML_DEPTH`].
//!
//! Byte-wise and allocation-light: names borrow from the input; only text is copied (decoded).
//! It never panics, whatever the input (`tests/differential_s3_xml.rs` checks it against
//! `roxmltree` on generated S3 answers and on random garbage).
//!
//! Attributes are checked for well-formedness and not kept: no S3 answer carries information
//! in one (`xmlns` aside).

use crate::prelude::*;

use crate::core::error::{Error, Result};
use crate::core::time::push_num;

/// The longest document [`parse`] reads, in bytes: a `ListObjectsV2` page of 1000 keys of up to
/// 1024 bytes each, escaped, with its markup, stays well under it.
pub const MAX_XML_LEN: usize = 4 << 20;

/// The deepest element nesting [`parse`] accepts (S3's answers nest 4 deep).
pub const MAX_XML_DEPTH: usize = 32;

/// An element: its name, its own text, and its child elements in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element<'a> {
    /// The tag name as written (with any `prefix:`).
    pub name: &'a str,
    /// The element's own character data (text and CDATA between its tags, not its children's),
    /// decoded, concatenated in order.
    pub text: String,
    /// The child elements, in document order.
    pub children: Vec<Element<'a>>,
}

impl<'a> Element<'a> {
    /// The first child named `name`.
    pub fn child(&self, name: &str) -> Option<&Element<'a>> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Every child named `name`, in order.
    pub fn children_named<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s Element<'a>> + 's {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The text of the first child named `name`.
    pub fn child_text(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.as_str())
    }
}

/// Reads `text` as one XML document and returns its root element.
pub fn parse(text: &str) -> Result<Element<'_>> {
    let mut r = Reader { src: text, b: text.as_bytes(), pos: 0 };
    if text.len() > MAX_XML_LEN {
        return Err(r.err("document over 4 MiB"));
    }
    if r.b.starts_with(BOM) {
        r.pos = BOM.len();
    }
    r.misc()?;
    if r.peek() != Some(b'<') {
        return Err(r.err(if r.peek().is_none() { "no root element" } else { "text outside the root element" }));
    }
    let root = r.element(0)?;
    r.misc()?;
    if r.pos != r.b.len() {
        return Err(r.err(if r.peek() == Some(b'<') {
            "a second root element"
        } else {
            "text outside the root element"
        }));
    }
    Ok(root)
}

/// Appends `text` to `out` escaped for XML content or attribute values: `& < > " '` as the
/// predefined entities, carriage return as `&#13;` (which a reader keeps, unlike a raw one).
pub fn push_escaped(out: &mut String, text: &str) {
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&apos;",
            b'\r' => "&#13;",
            _ => continue,
        };
        // `i` is at an ASCII byte, hence a char boundary: `get` always succeeds.
        out.push_str(text.get(start..i).unwrap_or(""));
        out.push_str(entity);
        start = i + 1;
    }
    out.push_str(text.get(start..).unwrap_or(""));
}

/// The UTF-8 byte order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// Bytes that end a name (control characters among them). Everything else, non-ASCII
/// included, may be part of one.
fn ends_name(b: u8) -> bool {
    b <= b' ' || matches!(b, b'/' | b'>' | b'<' | b'=' | b'"' | b'\'' | b'&' | b'?' | b'!' | b';')
}

struct Reader<'a> {
    src: &'a str,
    b: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn err(&self, what: &str) -> Error {
        let mut m = String::with_capacity(what.len() + 32);
        m.push_str("invalid XML: ");
        m.push_str(what);
        m.push_str(" at byte ");
        push_num(&mut m, self.pos as u64, 1);
        Error::response(&m)
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn rest(&self) -> &'a [u8] {
        self.b.get(self.pos..).unwrap_or(&[])
    }

    fn starts_with(&self, s: &[u8]) -> bool {
        self.rest().starts_with(s)
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(is_space) {
            self.pos += 1;
        }
    }

    /// Moves past the next `end` (searched from `pos`); an error naming `what` when absent.
    fn skip_past(&mut self, end: &[u8], what: &str) -> Result<usize> {
        let rest = self.rest();
        match rest.windows(end.len()).position(|w| w == end) {
            Some(i) => {
                let start = self.pos;
                self.pos += i + end.len();
                Ok(start + i)
            }
            None => {
                self.pos = self.b.len();
                Err(self.err(what))
            }
        }
    }

    /// Checks `b[from..to]` holds no raw control character XML forbids.
    fn check_chars(&self, from: usize, to: usize) -> Result<()> {
        let bytes = self.b.get(from..to).unwrap_or(&[]);
        match bytes.iter().position(|&c| c < 0x20 && !is_space(c)) {
            Some(i) => {
                let at = Reader { src: self.src, b: self.b, pos: from + i };
                Err(at.err("control character"))
            }
            None => Ok(()),
        }
    }

    /// Whitespace, comments and processing instructions (outside the root, or in content).
    /// A document type declaration is refused.
    fn misc(&mut self) -> Result<()> {
        loop {
            self.skip_space();
            if self.starts_with(b"<!--") {
                self.comment()?;
            } else if self.starts_with(b"<?") {
                self.processing_instruction()?;
            } else if self.starts_with(b"<!") {
                return Err(self.err("document type declarations are not read"));
            } else {
                return Ok(());
            }
        }
    }

    fn comment(&mut self) -> Result<()> {
        self.pos += 4;
        let start = self.pos;
        let end = self.skip_past(b"--", "unterminated comment")?;
        if self.peek() != Some(b'>') {
            return Err(self.err("'--' inside a comment"));
        }
        self.pos += 1;
        self.check_chars(start, end)
    }

    fn processing_instruction(&mut self) -> Result<()> {
        let at = self.pos;
        self.pos += 2;
        let target = self.name()?;
        // Only a document's first bytes (after a byte order mark) may be the XML declaration.
        let bom = if self.b.starts_with(BOM) { BOM.len() } else { 0 };
        if target.eq_ignore_ascii_case("xml") && at != bom {
            return Err(self.err("misplaced XML declaration"));
        }
        let start = self.pos;
        let end = self.skip_past(b"?>", "unterminated processing instruction")?;
        if end > start && !self.b.get(start).copied().is_some_and(is_space) {
            return Err(self.err("processing instruction target"));
        }
        self.check_chars(start, end)
    }

    /// A name at `pos` (non-empty, not starting with a digit, `-` or `.`).
    fn name(&mut self) -> Result<&'a str> {
        let start = self.pos;
        while self.peek().is_some_and(|b| !ends_name(b)) {
            self.pos += 1;
        }
        let name = self.b.get(start..self.pos).unwrap_or(&[]);
        match name.first() {
            None => Err(self.err("expected a name")),
            Some(b'0'..=b'9' | b'-' | b'.') => Err(self.err("invalid name")),
            // The name ends before an ASCII byte or at the end: both char boundaries.
            Some(_) => self.src.get(start..self.pos).ok_or_else(|| self.err("invalid name")),
        }
    }

    /// An element; `pos` is at its `<`.
    fn element(&mut self, depth: usize) -> Result<Element<'a>> {
        if depth >= MAX_XML_DEPTH {
            return Err(self.err("nesting too deep"));
        }
        self.pos += 1;
        let name = self.name()?;
        let mut element = Element { name, text: String::new(), children: Vec::new() };
        // Attributes, then `>` or `/>`.
        loop {
            let had_space = self.peek().is_some_and(is_space);
            self.skip_space();
            match self.peek() {
                Some(b'>') => {
                    self.pos += 1;
                    break;
                }
                Some(b'/') => {
                    if self.b.get(self.pos + 1) != Some(&b'>') {
                        return Err(self.err("expected '>'"));
                    }
                    self.pos += 2;
                    return Ok(element);
                }
                None => return Err(self.err("unterminated start tag")),
                Some(_) if !had_space => return Err(self.err("expected whitespace before an attribute")),
                Some(_) => self.attribute()?,
            }
        }
        self.content(&mut element, depth)?;
        Ok(element)
    }

    /// `name="value"` or `name='value'` (value checked, not kept).
    fn attribute(&mut self) -> Result<()> {
        self.name()?;
        self.skip_space();
        if self.peek() != Some(b'=') {
            return Err(self.err("expected '='"));
        }
        self.pos += 1;
        self.skip_space();
        let quote = match self.peek() {
            Some(q @ (b'"' | b'\'')) => q,
            _ => return Err(self.err("expected a quoted attribute value")),
        };
        self.pos += 1;
        let mut scratch = String::new();
        loop {
            match self.peek() {
                None => return Err(self.err("unterminated attribute value")),
                Some(b'<') => return Err(self.err("'<' in an attribute value")),
                Some(b'&') => self.reference(&mut scratch)?,
                Some(c) if c == quote => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(c) if c < 0x20 && !is_space(c) => return Err(self.err("control character")),
                Some(_) => self.pos += 1,
            }
        }
    }

    /// The content of `element` up to and including its end tag.
    fn content(&mut self, element: &mut Element<'a>, depth: usize) -> Result<()> {
        loop {
            let start = self.pos;
            while let Some(c) = self.peek() {
                if c == b'<' || c == b'&' || c == b'\r' || (c < 0x20 && !is_space(c)) {
                    break;
                }
                self.pos += 1;
            }
            // `start` and `pos` sit at ASCII bytes or the end: char boundaries.
            element.text.push_str(self.src.get(start..self.pos).unwrap_or(""));
            match self.peek() {
                None => return Err(self.err("unclosed element")),
                Some(b'&') => self.reference(&mut element.text)?,
                Some(b'\r') => {
                    self.pos += 1;
                    if self.peek() == Some(b'\n') {
                        self.pos += 1;
                    }
                    element.text.push('\n');
                }
                Some(b'<') => {
                    if self.starts_with(b"</") {
                        self.pos += 2;
                        let name = self.name()?;
                        if name != element.name {
                            return Err(self.err("end tag does not match the start tag"));
                        }
                        self.skip_space();
                        if self.peek() != Some(b'>') {
                            return Err(self.err("expected '>'"));
                        }
                        self.pos += 1;
                        return Ok(());
                    } else if self.starts_with(b"<![CDATA[") {
                        self.pos += 9;
                        let from = self.pos;
                        let end = self.skip_past(b"]]>", "unterminated CDATA section")?;
                        self.check_chars(from, end)?;
                        push_normalized(&mut element.text, self.src.get(from..end).unwrap_or(""));
                    } else if self.starts_with(b"<!--") {
                        self.comment()?;
                    } else if self.starts_with(b"<?") {
                        self.processing_instruction()?;
                    } else if self.starts_with(b"<!") {
                        return Err(self.err("declaration inside an element"));
                    } else {
                        let child = self.element(depth + 1)?;
                        element.children.push(child);
                    }
                }
                Some(_) => return Err(self.err("control character")),
            }
        }
    }

    /// A reference at `&`: one of the five predefined entities or a numeric character reference.
    fn reference(&mut self, out: &mut String) -> Result<()> {
        self.pos += 1;
        let rest = self.rest();
        let Some(len) = rest.iter().take(12).position(|&c| c == b';') else {
            return Err(self.err("unterminated or unknown reference"));
        };
        let body = rest.get(..len).unwrap_or(&[]);
        let c = match body {
            b"amp" => '&',
            b"lt" => '<',
            b"gt" => '>',
            b"quot" => '"',
            b"apos" => '\'',
            [b'#', b'x', hex @ ..] => char_ref(hex, 16).ok_or_else(|| self.err("invalid character reference"))?,
            [b'#', dec @ ..] => char_ref(dec, 10).ok_or_else(|| self.err("invalid character reference"))?,
            _ => return Err(self.err("unknown entity")),
        };
        self.pos += len + 1;
        out.push(c);
        Ok(())
    }
}

/// The character of a numeric reference's digits in `radix` (10 or 16): a Unicode scalar value
/// other than U+0000, written with 1 to 8 digits.
fn char_ref(digits: &[u8], radix: u32) -> Option<char> {
    if digits.is_empty() || digits.len() > 8 {
        return None;
    }
    let mut v = 0u32;
    for &d in digits {
        let n = match d {
            b'0'..=b'9' => d - b'0',
            b'a'..=b'f' if radix == 16 => d - b'a' + 10,
            b'A'..=b'F' if radix == 16 => d - b'A' + 10,
            _ => return None,
        };
        v = v * radix + u32::from(n);
    }
    if v == 0 {
        return None;
    }
    char::from_u32(v)
}

/// Appends `s` with `\r\n` and lone `\r` read as `\n`.
fn push_normalized(out: &mut String, s: &str) {
    let mut start = 0;
    let bytes = s.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b != b'\r' {
            continue;
        }
        out.push_str(s.get(start..i).unwrap_or(""));
        if bytes.get(i + 1) != Some(&b'\n') {
            out.push('\n');
        }
        start = i + 1;
    }
    out.push_str(s.get(start..).unwrap_or(""));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(text: &str) -> String {
        match parse(text) {
            Ok(e) => panic!("{text:?} should be refused, read {e:?}"),
            Err(e) => {
                assert_eq!(e.name(), "InvalidResponse");
                e.message
            }
        }
    }

    #[test]
    fn reads_an_s3_answer() {
        let doc = "\u{feff}<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListPartsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\
            <Bucket>b</Bucket><Key>caf&#233; &amp; &#x1F600; &lt;&gt;&quot;&apos;</Key>\
            <Part><PartNumber>1</PartNumber><ETag>&quot;abc&quot;</ETag><Size>5</Size></Part>\
            <!-- a comment --><Part ><PartNumber>2</PartNumber><ETag><![CDATA[\"d<e>f&amp;\"]]></ETag></Part>\
            <Empty/><Spaced a = 'x&amp;y' b=\"2\" ></Spaced ></ListPartsResult>\n<!-- after -->\n";
        let root = parse(doc).unwrap();
        assert_eq!(root.name, "ListPartsResult");
        assert_eq!(root.child_text("Key"), Some("café & 😀 <>\"'"));
        let parts: Vec<_> = root.children_named("Part").collect();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].child_text("ETag"), Some("\"abc\""));
        assert_eq!(parts[1].child_text("ETag"), Some("\"d<e>f&amp;\""));
        assert_eq!(root.child_text("Empty"), Some(""));
        assert_eq!(root.child("Missing"), None);
    }

    #[test]
    fn line_ends_are_normalised_but_references_kept() {
        let root = parse("<a>x\r\ny\rz&#13;\n<![CDATA[1\r\n2\r]]></a>").unwrap();
        assert_eq!(root.text, "x\ny\nz\r\n1\n2\n");
    }

    #[test]
    fn refuses_what_is_not_read() {
        assert!(reason("<!DOCTYPE a [<!ENTITY e \"x\">]><a>&e;</a>").contains("document type"));
        assert!(reason("<a>&e;</a>").contains("unknown entity"));
        assert!(reason("<a>&amp</a>").contains("reference"));
        assert!(reason("<a>&#0;</a>").contains("character reference"));
        assert!(reason("<a>&#xD800;</a>").contains("character reference"));
        assert!(reason("<a>&#x110000;</a>").contains("character reference"));
        assert!(reason("<a>&#;</a>").contains("character reference"));
        assert!(reason("<a>&#x;</a>").contains("character reference"));
        assert!(reason("<a>\u{1}</a>").contains("control character"));
        assert!(reason("<a></b>").contains("does not match"));
        assert!(reason("<a>").contains("unclosed"));
        assert!(reason("<a/><b/>").contains("second root"));
        assert!(reason("x<a/>").contains("outside the root"));
        assert!(reason("<a/>x").contains("outside the root"));
        assert!(reason("").contains("no root"));
        assert!(reason("<a b/>").contains("expected '='"));
        assert!(reason("<a b=c/>").contains("quoted"));
        assert!(reason("<a b='<'/>").contains("'<'"));
        assert!(reason("<a b='1'c='2'/>").contains("whitespace"));
        assert!(reason("<1a/>").contains("invalid name"));
        assert!(reason("<a><!-- x -- y --></a>").contains("'--'"));
        assert!(reason("<a><![CDATA[x</a>").contains("CDATA"));
        assert!(reason("<a><?xml version='1.0'?></a>").contains("misplaced"));
        assert!(reason("<?xml version='1.0'?><a/><?xml version='1.0'?>").contains("misplaced"));
        let deep = "<a>".repeat(MAX_XML_DEPTH + 1);
        assert!(reason(&deep).contains("too deep"));
        let ok = "<a>".repeat(MAX_XML_DEPTH) + &"</a>".repeat(MAX_XML_DEPTH);
        assert!(parse(&ok).is_ok());
        let big = "<a>".to_string() + &" ".repeat(MAX_XML_LEN) + "</a>";
        assert!(reason(&big).contains("4 MiB"));
    }

    #[test]
    fn errors_name_the_offset_not_the_input() {
        assert_eq!(reason("<Key>secret&bogus;</Key>"), "invalid XML: unknown entity at byte 12");
    }

    #[test]
    fn escaping_round_trips() {
        let mut out = String::from("<a>");
        push_escaped(&mut out, "\"a\" & <b> 'c' \r\n é");
        out.push_str("</a>");
        assert_eq!(out, "<a>&quot;a&quot; &amp; &lt;b&gt; &apos;c&apos; &#13;\n é</a>");
        assert_eq!(parse(&out).unwrap().text, "\"a\" & <b> 'c' \r\n é");
    }

    #[test]
    fn never_panics_on_mutations() {
        let doc = "<?xml version=\"1.0\"?><R a='1'><K>x&amp;&#233;<![CDATA[<>]]></K><!--c--><E/></R>";
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            x.wrapping_mul(0x2545_F491_4F6C_DD1D)
        };
        let alphabet = b"<>/!?[]&#;x=\"' -CDATA\r\n\x01\xc3\xa9";
        for _ in 0..20_000 {
            let mut bytes = doc.as_bytes().to_vec();
            for _ in 0..1 + next() % 4 {
                let i = (next() % bytes.len().max(1) as u64) as usize;
                let c = alphabet[(next() % alphabet.len() as u64) as usize];
                match next() % 3 {
                    0 if !bytes.is_empty() => {
                        bytes.remove(i);
                    }
                    1 if !bytes.is_empty() => bytes[i] = c,
                    _ => bytes.insert(i.min(bytes.len()), c),
                }
            }
            let _ = parse(&String::from_utf8_lossy(&bytes));
        }
    }
}

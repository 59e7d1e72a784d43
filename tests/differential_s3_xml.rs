//! Differential tests: the strict XML reader of `core::s3::xml` (and the S3 answers read with
//! it, `core::s3::answer_json`) against `roxmltree`.
//!
//! - Generated S3 answer documents (`ListPartsResult`, `ListBucketResult`,
//!   `ListMultipartUploadsResult`, `Error`, `InitiateMultipartUploadResult`,
//!   `CompleteMultipartUploadResult`) with random values — keys with the predefined entities,
//!   UTF-8, decimal and hex character references, CDATA sections, raw and escaped carriage
//!   returns, `<Empty/>` elements, comments and whitespace between elements — must be read by
//!   both, to the same tree (names, each element's own text, children in order), and the values
//!   `answer_json` reports (keys, ETags, upload ids, prefixes, tokens, error codes and messages)
//!   must be the ones `roxmltree` reads.
//! - Mutations of those documents, XML-token soup and arbitrary strings must never make the
//!   reader panic, and whenever both readers accept an input they must read the same tree. (The
//!   SDK's reader is allowed to refuse more: a DTD, nesting over 32, references of over 8
//!   digits.)
#![cfg(not(target_arch = "wasm32"))]

mod support;

use cognito_wasm::core::s3::{answer_json, xml};
use proptest::prelude::*;
use support::check;

/// An element as both readers are compared on.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Node {
    name: String,
    text: String,
    children: Vec<Node>,
}

fn sdk_node(e: &xml::Element<'_>) -> Node {
    // Compared by local name, as roxmltree reports it.
    let local = e.name.rsplit(':').next().unwrap_or(e.name);
    Node { name: local.to_owned(), text: e.text.clone(), children: e.children.iter().map(sdk_node).collect() }
}

fn oracle_node(n: roxmltree::Node<'_, '_>) -> Node {
    let mut text = String::new();
    let mut children = Vec::new();
    for c in n.children() {
        if c.is_text() {
            text.push_str(c.text().unwrap_or(""));
        } else if c.is_element() {
            children.push(oracle_node(c));
        }
    }
    Node { name: n.tag_name().name().to_owned(), text, children }
}

fn sdk_tree(text: &str) -> Option<Node> {
    xml::parse(text).ok().map(|e| sdk_node(&e))
}

/// roxmltree's reading of `text`, its line ends normalised first (XML 1.0 §2.11: `\r\n` and
/// a lone `\r` are read as `\n` before parsing). roxmltree normalises them itself while it
/// parses, except for a raw `\r` next to a character reference (it keeps the byte after a
/// reference, and one before it, as is), so it is handed the text the specification says a
/// parser sees.
fn oracle_tree(text: &str) -> Option<Node> {
    let normalized = text.replace("\r\n", "\n").replace('\r', "\n");
    roxmltree::Document::parse(&normalized).ok().map(|d| oracle_node(d.root_element()))
}

/// Whenever both accept `text`, they read the same tree.
fn agree_when_both_accept(text: &str) -> Result<(), TestCaseError> {
    let ours = sdk_tree(text);
    if let (Some(ours), Some(theirs)) = (ours, oracle_tree(text)) {
        prop_assert_eq!(ours, theirs, "input: {:?}", text);
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Generators.

/// A value as S3 could hold it: ASCII, markup characters, UTF-8 of 2 to 4 bytes, tab, line
/// feed, carriage return.
fn value() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            6 => prop::char::range('a', 'z'),
            2 => prop::sample::select(vec!['A', 'Z', '0', '9', ' ', '/', '-', '_', '.', '+', '%', '=', '~']),
            3 => prop::sample::select(vec!['&', '<', '>', '"', '\'', ']', ';', '#']),
            2 => prop::sample::select(vec!['é', 'ü', 'ß', '日', '本', '€', '😀', '\u{7f}', '\u{a0}', '\u{fffd}']),
            1 => prop::sample::select(vec!['\t', '\n', '\r']),
        ],
        0..24,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

/// How one character is written.
#[derive(Debug, Clone, Copy)]
enum Spelling {
    Raw,
    Entity,
    Decimal,
    HexLower,
    HexUpper,
    Cdata,
}

fn spellings() -> impl Strategy<Value = Vec<Spelling>> {
    prop::collection::vec(
        prop_oneof![
            6 => Just(Spelling::Raw),
            2 => Just(Spelling::Entity),
            1 => Just(Spelling::Decimal),
            1 => Just(Spelling::HexLower),
            1 => Just(Spelling::HexUpper),
            2 => Just(Spelling::Cdata),
        ],
        24,
    )
}

/// `value` as element content, each character spelled as `spell` says (a character that cannot
/// be raw is escaped; a CDATA run is closed before any `]` that could end it).
fn write_text(out: &mut String, value: &str, spell: &[Spelling]) {
    let mut in_cdata = false;
    for (i, c) in value.chars().enumerate() {
        let s = spell.get(i).copied().unwrap_or(Spelling::Raw);
        let cdata = matches!(s, Spelling::Cdata) && c != ']' && c != '>';
        if in_cdata && !cdata {
            out.push_str("]]>");
            in_cdata = false;
        }
        if cdata {
            if !in_cdata {
                out.push_str("<![CDATA[");
                in_cdata = true;
            }
            out.push(c);
            continue;
        }
        match (s, c) {
            (Spelling::Decimal, _) => out.push_str(&format!("&#{};", c as u32)),
            (Spelling::HexLower, _) => out.push_str(&format!("&#x{:x};", c as u32)),
            (Spelling::HexUpper, _) => out.push_str(&format!("&#x{:X};", c as u32)),
            (_, '&') => out.push_str("&amp;"),
            (_, '<') => out.push_str("&lt;"),
            (Spelling::Entity, '>') => out.push_str("&gt;"),
            (Spelling::Entity, '"') => out.push_str("&quot;"),
            (Spelling::Entity, '\'') => out.push_str("&apos;"),
            // `]]>` may not appear raw in content.
            (_, '>') if out.ends_with("]]") => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    if in_cdata {
        out.push_str("]]>");
    }
}

/// A field of a generated document: a leaf with a value, or a group of leaves.
#[derive(Debug, Clone)]
enum Field {
    Leaf(&'static str, String),
    Group(&'static str, Vec<(&'static str, String)>),
}

/// The fields of one of S3's answers (kind, root, fields), values random where S3 echoes user
/// data, plausible elsewhere.
fn answer_document() -> impl Strategy<Value = (&'static str, &'static str, Vec<Field>)> {
    let v = value;
    let etag = || value().prop_map(|v| format!("\"{v}\""));
    let time = || (0i64..4_102_444_800, 0u32..1000).prop_map(|(s, ms)| {
        let t = cognito_wasm::core::time::UtcDateTime::from_unix_ms(s * 1000);
        format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{ms:03}Z", t.year, t.month, t.day, t.hour, t.minute, t.second)
    });
    let num = || (0u64..6_000_000_000).prop_map(|n| n.to_string());
    let truncated = || prop::bool::ANY.prop_map(|t| t.to_string());
    prop_oneof![
        (v(), v(), truncated(), prop::collection::vec((1u64..10_001, time(), etag(), num(), prop::option::of(v())), 0..5))
            .prop_map(|(key, upload, truncated, parts)| {
                let mut f = vec![
                    Field::Leaf("Bucket", "photos".into()),
                    Field::Leaf("Key", key),
                    Field::Leaf("UploadId", upload),
                    Field::Leaf("PartNumberMarker", "0".into()),
                    Field::Leaf("NextPartNumberMarker", parts.len().to_string()),
                    Field::Leaf("MaxParts", "1000".into()),
                    Field::Leaf("IsTruncated", truncated),
                ];
                for (n, t, e, size, checksum) in parts {
                    let mut g = vec![("PartNumber", n.to_string()), ("LastModified", t), ("ETag", e), ("Size", size)];
                    if let Some(c) = checksum {
                        g.push(("ChecksumCRC32", c));
                    }
                    f.push(Field::Group("Part", g));
                }
                ("ListParts", "ListPartsResult", f)
            }),
        (v(), truncated(), v(), prop::collection::vec((v(), time(), etag(), num()), 0..5), prop::collection::vec(v(), 0..3))
            .prop_map(|(prefix, truncated, token, objects, prefixes)| {
                let mut f = vec![
                    Field::Leaf("Name", "photos".into()),
                    Field::Leaf("Prefix", prefix),
                    Field::Leaf("KeyCount", (objects.len() + prefixes.len()).to_string()),
                    Field::Leaf("MaxKeys", "1000".into()),
                    Field::Leaf("IsTruncated", truncated),
                    Field::Leaf("NextContinuationToken", token),
                ];
                for (k, t, e, size) in objects {
                    f.push(Field::Group(
                        "Contents",
                        vec![("Key", k), ("LastModified", t), ("ETag", e), ("Size", size), ("StorageClass", "STANDARD".into())],
                    ));
                }
                for p in prefixes {
                    f.push(Field::Group("CommonPrefixes", vec![("Prefix", p)]));
                }
                ("ListObjectsV2", "ListBucketResult", f)
            }),
        (v(), v(), truncated(), prop::collection::vec((v(), v(), time()), 0..5)).prop_map(|(km, um, truncated, uploads)| {
            let mut f = vec![
                Field::Leaf("Bucket", "photos".into()),
                Field::Leaf("KeyMarker", String::new()),
                Field::Leaf("NextKeyMarker", km),
                Field::Leaf("NextUploadIdMarker", um),
                Field::Leaf("MaxUploads", "1000".into()),
                Field::Leaf("IsTruncated", truncated),
            ];
            for (k, u, t) in uploads {
                f.push(Field::Group("Upload", vec![("Key", k), ("UploadId", u), ("Initiated", t)]));
            }
            ("ListMultipartUploads", "ListMultipartUploadsResult", f)
        }),
        ("[A-Z][A-Za-z]{0,20}", v(), prop::option::of(time()), 300u16..600).prop_map(|(code, message, server_time, _)| {
            let mut f = vec![Field::Leaf("Code", code), Field::Leaf("Message", message), Field::Leaf("RequestId", "4442587FB7D0A2F9".into())];
            if let Some(t) = server_time {
                f.push(Field::Leaf("ServerTime", t));
            }
            ("PutObject", "Error", f)
        }),
        (v(), v()).prop_map(|(key, upload)| {
            let f = vec![Field::Leaf("Bucket", "photos".into()), Field::Leaf("Key", key), Field::Leaf("UploadId", upload)];
            ("CreateMultipartUpload", "InitiateMultipartUploadResult", f)
        }),
        (v(), v(), etag()).prop_map(|(location, key, etag)| {
            let f = vec![
                Field::Leaf("Location", location),
                Field::Leaf("Bucket", "photos".into()),
                Field::Leaf("Key", key),
                Field::Leaf("ETag", etag),
            ];
            ("CompleteMultipartUpload", "CompleteMultipartUploadResult", f)
        }),
    ]
}

/// Layout choices: declaration, whitespace and comments between elements, `<E/>` for empty
/// elements, a byte order mark.
#[derive(Debug, Clone)]
struct Layout {
    declaration: bool,
    bom: bool,
    gaps: Vec<u8>,
    self_close_empty: bool,
    spell: Vec<Spelling>,
}

fn layout() -> impl Strategy<Value = Layout> {
    (prop::bool::weighted(0.8), prop::bool::weighted(0.1), prop::collection::vec(0u8..8, 64), prop::bool::ANY, spellings())
        .prop_map(|(declaration, bom, gaps, self_close_empty, spell)| Layout { declaration, bom, gaps, self_close_empty, spell })
}

fn render(root: &str, fields: &[Field], l: &Layout) -> String {
    let mut out = String::new();
    if l.bom {
        out.push('\u{feff}');
    }
    if l.declaration {
        out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    }
    let mut gap_no = 0;
    let mut gap = |out: &mut String| {
        let g = l.gaps.get(gap_no % l.gaps.len().max(1)).copied().unwrap_or(0);
        gap_no += 1;
        out.push_str(match g {
            0..=3 => "",
            4 => "\n",
            5 => "\r\n  ",
            6 => "\t",
            _ => "<!-- a comment & <stuff> -->",
        });
    };
    let ns = if root == "Error" { "" } else { " xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"" };
    out.push_str(&format!("<{root}{ns}>"));
    let leaf = |out: &mut String, name: &str, value: &str, gap: &mut dyn FnMut(&mut String)| {
        gap(out);
        if value.is_empty() && l.self_close_empty {
            out.push_str(&format!("<{name}/>"));
        } else {
            out.push_str(&format!("<{name}>"));
            write_text(out, value, &l.spell);
            out.push_str(&format!("</{name}>"));
        }
    };
    for f in fields {
        match f {
            Field::Leaf(name, value) => leaf(&mut out, name, value, &mut gap),
            Field::Group(name, leaves) => {
                gap(&mut out);
                out.push_str(&format!("<{name}>"));
                for (n, v) in leaves {
                    leaf(&mut out, n, v, &mut gap);
                }
                gap(&mut out);
                out.push_str(&format!("</{name}>"));
            }
        }
    }
    gap(&mut out);
    out.push_str(&format!("</{root}>"));
    gap(&mut out);
    out
}

/// The text of the children named `name` of every child named `group` of the oracle's root.
fn oracle_values(tree: &Node, group: Option<&str>, name: &str) -> Vec<String> {
    let parents: Vec<&Node> = match group {
        Some(g) => tree.children.iter().filter(|c| c.name == g).collect(),
        None => vec![tree],
    };
    parents
        .iter()
        .flat_map(|p| p.children.iter().filter(|c| c.name == name).map(|c| c.text.clone()).take(1))
        .collect()
}

fn json_strings(v: &serde_json::Value, list: &str, field: &str) -> Vec<String> {
    v[list].as_array().map_or(vec![], |items| {
        items.iter().map(|i| i[field].as_str().unwrap_or("<missing>").to_owned()).collect()
    })
}

/// `answer_json`'s values equal the oracle's reading of the same document.
fn answer_agrees(kind: &str, root: &str, text: &str, tree: &Node) -> Result<(), TestCaseError> {
    let status = if root == "Error" { 403 } else { 200 };
    let out = answer_json(kind, status, text);
    let v: serde_json::Value = serde_json::from_str(&out).map_err(|e| TestCaseError::fail(format!("{e}: {out}")))?;
    prop_assert!(root == "Error" || v.get("error").is_none(), "unexpected error {} for {:?}", out, text);
    let first = |name: &str| -> String { oracle_values(tree, None, name).into_iter().next().unwrap_or_default() };
    match root {
        "ListPartsResult" => {
            prop_assert_eq!(json_strings(&v, "parts", "etag"), oracle_values(tree, Some("Part"), "ETag"));
            let sums: Vec<String> = v["parts"].as_array().unwrap().iter().filter_map(|p| p["checksum"].as_str().map(str::to_owned)).collect();
            let want: Vec<String> = oracle_values(tree, Some("Part"), "ChecksumCRC32").into_iter().filter(|s| !s.is_empty()).collect();
            prop_assert_eq!(sums, want);
        }
        "ListBucketResult" => {
            prop_assert_eq!(json_strings(&v, "objects", "key"), oracle_values(tree, Some("Contents"), "Key"));
            prop_assert_eq!(json_strings(&v, "objects", "etag"), oracle_values(tree, Some("Contents"), "ETag"));
            let prefixes: Vec<String> = v["prefixes"].as_array().unwrap().iter().map(|p| p.as_str().unwrap().to_owned()).collect();
            prop_assert_eq!(prefixes, oracle_values(tree, Some("CommonPrefixes"), "Prefix"));
            let token = first("NextContinuationToken");
            prop_assert_eq!(v["nextContinuationToken"].as_str().unwrap_or("").to_owned(), token);
        }
        "ListMultipartUploadsResult" => {
            prop_assert_eq!(json_strings(&v, "uploads", "key"), oracle_values(tree, Some("Upload"), "Key"));
            prop_assert_eq!(json_strings(&v, "uploads", "uploadId"), oracle_values(tree, Some("Upload"), "UploadId"));
            prop_assert_eq!(v["nextKeyMarker"].as_str().unwrap_or("").to_owned(), first("NextKeyMarker"));
            prop_assert_eq!(v["nextUploadIdMarker"].as_str().unwrap_or("").to_owned(), first("NextUploadIdMarker"));
        }
        "Error" => {
            prop_assert_eq!(v["error"]["name"].as_str().unwrap().to_owned(), first("Code"));
            let message = first("Message");
            if !message.is_empty() {
                prop_assert_eq!(v["error"]["message"].as_str().unwrap(), message.as_str());
            }
        }
        "InitiateMultipartUploadResult" => {
            prop_assert_eq!(v["uploadId"].as_str().unwrap().to_owned(), first("UploadId"));
        }
        "CompleteMultipartUploadResult" => {
            prop_assert_eq!(v["etag"].as_str().unwrap().to_owned(), first("ETag"));
            prop_assert_eq!(v["location"].as_str().unwrap_or("").to_owned(), first("Location"));
        }
        _ => unreachable!(),
    }
    Ok(())
}

#[test]
fn generated_s3_answers_read_as_roxmltree_reads_them() {
    check("s3-xml/answers", 512, 0.4, (answer_document(), layout()), |((kind, root, fields), l)| {
        let text = render(root, &fields, &l);
        let theirs = oracle_tree(&text);
        prop_assert!(theirs.is_some(), "the generator wrote XML roxmltree refuses: {:?}", text);
        let theirs = theirs.unwrap();
        let ours = sdk_tree(&text);
        prop_assert_eq!(ours.as_ref(), Some(&theirs), "input: {:?}", text);
        answer_agrees(kind, root, &text, &theirs)
    });
}

/// A generated answer with a few bytes deleted, replaced or inserted.
fn mutated() -> impl Strategy<Value = String> {
    let alphabet = "<>/!?[]&#;x=\"' -CDATA\r\n\t\u{1}é😀:";
    (answer_document(), layout(), prop::collection::vec((any::<prop::sample::Index>(), 0u8..3, any::<prop::sample::Index>()), 1..5))
        .prop_map(move |((_, root, fields), l, edits)| {
            let mut chars: Vec<char> = render(root, &fields, &l).chars().collect();
            let pool: Vec<char> = alphabet.chars().collect();
            for (at, how, with) in edits {
                let c = *with.get(&pool);
                if chars.is_empty() {
                    chars.push(c);
                    continue;
                }
                let i = at.index(chars.len());
                match how {
                    0 => {
                        chars.remove(i);
                    }
                    1 => chars[i] = c,
                    _ => chars.insert(i, c),
                }
            }
            chars.into_iter().collect()
        })
}

#[test]
fn mutated_answers_never_panic_and_agree_when_both_read_them() {
    check("s3-xml/mutated", 1024, 0.3, mutated(), |text| {
        agree_when_both_accept(&text)?;
        for kind in ["ListParts", "ListObjectsV2", "CompleteMultipartUpload"] {
            let out = answer_json(kind, 200, &text);
            prop_assert!(serde_json::from_str::<serde_json::Value>(&out).is_ok(), "{}", out);
        }
        Ok(())
    });
}

#[test]
fn markup_soup_never_panics() {
    let soup = "[<>/!?\\[\\]&#;xa=\"' \\-CDATAamplt0-9\r\n\t\u{1}é]{0,60}";
    check("s3-xml/soup", 1024, 0.2, soup, |text| {
        agree_when_both_accept(&text)?;
        let _ = answer_json("ListMultipartUploads", 200, &text);
        let _ = answer_json("PutObject", 500, &text);
        Ok(())
    });
}

#[test]
fn arbitrary_text_never_panics() {
    check("s3-xml/arbitrary", 512, 0.1, any::<String>(), |text| {
        agree_when_both_accept(&text)?;
        let _ = answer_json("CreateMultipartUpload", 200, &text);
        Ok(())
    });
}

#[test]
fn regression_both_refuse_a_dtd_and_unknown_entities() {
    for text in [
        "<!DOCTYPE a [<!ENTITY e \"x\">]><a>&e;</a>",
        "<a>&nbsp;</a>",
        "<a>&#0;</a>",
        "<a></b>",
    ] {
        assert!(sdk_tree(text).is_none(), "{text}");
        assert!(oracle_tree(text).is_none(), "{text}");
    }
}

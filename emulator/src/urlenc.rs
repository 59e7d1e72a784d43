//! Percent-encoding for query strings, form bodies and redirect URLs.

/// Decodes `%XX` escapes (and `+` as space when `plus_is_space`); invalid escapes stay as they are;
/// invalid UTF-8 is replaced.
pub fn percent_decode(s: &str, plus_is_space: bool) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                match std::str::from_utf8(&b[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                {
                    Some(v) => {
                        out.push(v);
                        i += 3;
                        continue;
                    }
                    None => out.push(b'%'),
                }
            }
            b'+' if plus_is_space => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Parses `a=1&b=x%20y` (form or query; `+` is a space) into pairs, in order.
pub fn parse_pairs(s: &str) -> Vec<(String, String)> {
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (percent_decode(k, true), percent_decode(v, true)),
            None => (percent_decode(p, true), String::new()),
        })
        .collect()
}

/// The first value of `name` in parsed pairs.
pub fn get<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Appends `pairs` to `url` as a query string (with `?` or `&` as needed).
pub fn with_query(url: &str, pairs: &[(&str, &str)]) -> String {
    let mut out = url.to_string();
    for (i, (k, v)) in pairs.iter().enumerate() {
        out.push(if i == 0 && !url.contains('?') {
            '?'
        } else {
            '&'
        });
        out.push_str(&encode(k));
        out.push('=');
        out.push_str(&encode(v));
    }
    out
}

/// Escapes text for HTML content and attribute values.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_and_parse() {
        assert_eq!(percent_decode("a%20b+c%zz%", true), "a b c%zz%");
        assert_eq!(percent_decode("a+b", false), "a+b");
        let p = parse_pairs("x=1&y=a%26b&z&redirect_uri=http%3A%2F%2Flocalhost%3A5173%2Fcb");
        assert_eq!(get(&p, "y"), Some("a&b"));
        assert_eq!(get(&p, "z"), Some(""));
        assert_eq!(get(&p, "redirect_uri"), Some("http://localhost:5173/cb"));
        assert_eq!(
            with_query("http://h/cb", &[("code", "a b"), ("state", "s&t")]),
            "http://h/cb?code=a%20b&state=s%26t"
        );
        assert_eq!(
            with_query("http://h/cb?x=1", &[("code", "c")]),
            "http://h/cb?x=1&code=c"
        );
    }
}

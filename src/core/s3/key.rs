//! Object keys, bucket names and the URLs of objects: how a key goes into a URL path and a value
//! into a query, and which bucket names S3 accepts.

use crate::prelude::*;

use crate::core::encoding::percent_encode;
use crate::core::error::{Error, Result};

/// The longest object key S3 accepts, in UTF-8 bytes.
pub const MAX_KEY_LEN: usize = 1024;

/// `key` as it goes into a URL path: every UTF-8 byte except `A-Z a-z 0-9 - . _ ~` and `/` as
/// `%XX` (upper-case hex), e.g. `über cat+1 (2).jpg` → `%C3%BCber%20cat%2B1%20%282%29.jpg`.
/// `InvalidParameter` "key: ..." when the key is longer than [`MAX_KEY_LEN`] bytes.
pub fn encode_key(key: &str) -> Result<String> {
    if key.len() > MAX_KEY_LEN {
        return Err(Error::param("key", "is longer than 1024 UTF-8 bytes"));
    }
    Ok(percent_encode(key, true))
}

/// `value` as it goes into a query: RFC 3986 encoding, every byte but `A-Z a-z 0-9 - . _ ~`
/// as `%XX` (`/` included).
pub fn encode_query_value(value: &str) -> String {
    percent_encode(value, false)
}

/// Checks `bucket` against S3's naming rules: 3 to 63 characters of `a-z 0-9 . -`, starting
/// and ending with a letter or digit, no `..`, not shaped like an IPv4 address.
/// `InvalidParameter` "bucket: ..." naming the broken rule.
pub fn check_bucket(bucket: &str) -> Result<()> {
    let b = bucket.as_bytes();
    if b.len() < 3 || b.len() > 63 {
        return Err(Error::param("bucket", "must be 3 to 63 characters long"));
    }
    if !b.iter().all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'.' || c == b'-') {
        return Err(Error::param("bucket", "may hold only lowercase letters, digits, '.' and '-'"));
    }
    let alnum = |c: Option<&u8>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if !alnum(b.first()) || !alnum(b.last()) {
        return Err(Error::param("bucket", "must start and end with a letter or a digit"));
    }
    if b.windows(2).any(|w| w == b"..") {
        return Err(Error::param("bucket", "must not hold two adjacent periods"));
    }
    let dots = b.iter().filter(|&&c| c == b'.').count();
    if dots == 3 && b.iter().all(|&c| c == b'.' || c.is_ascii_digit()) {
        return Err(Error::param("bucket", "must not be formatted as an IP address"));
    }
    Ok(())
}

/// The URL of object `key` in `bucket` (`key` empty: the bucket's URL, ending with `/`).
///
/// - `endpoint` given (e.g. `http://127.0.0.1:47291/s3`, a trailing `/` ignored): path-style,
///   `{endpoint}/{bucket}/{encoded key}`;
/// - otherwise virtual-hosted, `https://{bucket}.s3.{region}.amazonaws.com/{encoded key}`, or
///   path-style on the regional endpoint, `https://s3.{region}.amazonaws.com/{bucket}/{key}`,
///   for a bucket name with a `.` (which the wildcard certificate does not cover).
///
/// `InvalidParameter` naming `bucket`, `key`, `region` or `endpoint` when one is malformed.
pub fn object_url(endpoint: Option<&str>, bucket: &str, region: &str, key: &str) -> Result<String> {
    check_bucket(bucket)?;
    let encoded = encode_key(key)?;
    let mut url = String::with_capacity(64 + bucket.len() + encoded.len());
    match endpoint {
        Some(endpoint) => {
            let e = endpoint.as_bytes();
            if !(e.starts_with(b"https://") || e.starts_with(b"http://")) || e.contains(&b'?') || e.contains(&b'#') {
                return Err(Error::param("endpoint", "must be an http(s) URL without a query"));
            }
            let trimmed = match e.last() {
                Some(b'/') => endpoint.get(..endpoint.len() - 1).unwrap_or(endpoint),
                _ => endpoint,
            };
            url.push_str(trimmed);
            url.push('/');
            url.push_str(bucket);
        }
        None => {
            check_region(region)?;
            url.push_str("https://");
            if bucket.as_bytes().contains(&b'.') {
                url.push_str("s3.");
                url.push_str(region);
                url.push_str(".amazonaws.com/");
                url.push_str(bucket);
            } else {
                url.push_str(bucket);
                url.push_str(".s3.");
                url.push_str(region);
                url.push_str(".amazonaws.com");
            }
        }
    }
    url.push('/');
    url.push_str(&encoded);
    Ok(url)
}

/// A region name as it goes into a host name: `a-z 0-9 -`, not empty.
fn check_region(region: &str) -> Result<()> {
    let b = region.as_bytes();
    if b.is_empty() || !b.iter().all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-') {
        return Err(Error::param("region", "must be a region name such as us-east-1"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_encoded_once_with_slashes_kept() {
        assert_eq!(encode_key("über cat+1 (2).jpg").unwrap(), "%C3%BCber%20cat%2B1%20%282%29.jpg");
        assert_eq!(encode_key("private/us-east-1:abc/a~b_c-d.e").unwrap(), "private/us-east-1%3Aabc/a~b_c-d.e");
        assert_eq!(encode_key("100%&=?#").unwrap(), "100%25%26%3D%3F%23");
        assert!(encode_key(&"a".repeat(1024)).is_ok());
        let e = encode_key(&"é".repeat(513)).unwrap_err();
        assert_eq!((e.name(), e.message.as_str()), ("InvalidParameter", "key: is longer than 1024 UTF-8 bytes"));
        assert_eq!(encode_query_value("a/b c+é"), "a%2Fb%20c%2B%C3%A9");
    }

    #[test]
    fn bucket_rules() {
        for ok in ["abc", "photos", "my-bucket.example", "a1b", &"a".repeat(63)] {
            assert!(check_bucket(ok).is_ok(), "{ok}");
        }
        for bad in ["ab", "Photos", "my_bucket", "-abc", "abc-", ".abc", "a..b", "192.168.5.4", "", &"a".repeat(64), "ünï"] {
            let e = check_bucket(bad).unwrap_err();
            assert!(e.message.starts_with("bucket: "), "{bad}: {}", e.message);
        }
    }

    #[test]
    fn urls() {
        let u = |endpoint, bucket, key| object_url(endpoint, bucket, "us-east-1", key).unwrap();
        assert_eq!(
            u(Some("http://127.0.0.1:47291/s3"), "photos", "über cat+1 (2).jpg"),
            "http://127.0.0.1:47291/s3/photos/%C3%BCber%20cat%2B1%20%282%29.jpg"
        );
        assert_eq!(u(Some("http://127.0.0.1:47291/"), "photos", ""), "http://127.0.0.1:47291/photos/");
        assert_eq!(u(None, "photos", "a/b.jpg"), "https://photos.s3.us-east-1.amazonaws.com/a/b.jpg");
        assert_eq!(u(None, "photos", ""), "https://photos.s3.us-east-1.amazonaws.com/");
        assert_eq!(u(None, "my.photos", "k"), "https://s3.us-east-1.amazonaws.com/my.photos/k");
        assert!(object_url(None, "photos", "US_EAST", "k").unwrap_err().message.starts_with("region: "));
        assert!(object_url(Some("ftp://x"), "photos", "r", "k").unwrap_err().message.starts_with("endpoint: "));
        assert!(object_url(None, "Photos", "us-east-1", "k").unwrap_err().message.starts_with("bucket: "));
    }
}

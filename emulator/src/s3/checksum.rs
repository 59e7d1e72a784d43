//! S3's flexible checksums, for the two algorithms the emulator verifies: CRC32 (ISO-HDLC, the
//! zlib CRC) and CRC64NVME, each sent as the base64 of the big-endian CRC.
//!
//! PutObject and UploadPart may carry one `x-amz-checksum-crc32` or `x-amz-checksum-crc64nvme`
//! header (and `x-amz-sdk-checksum-algorithm`); [`from_request`] checks its form and verifies it
//! against the body (`BadDigest`). A multipart upload chooses an algorithm and a checksum type
//! ([`for_multipart`]); its object's checksum is then the CRC of the whole object (`FULL_OBJECT`)
//! or the CRC of the parts' binary checksums followed by `-<parts>` (`COMPOSITE`). CRC32C,
//! SHA-1 and SHA-256 are S3 algorithms the emulator does not compute: `501 NotImplemented`.

use super::xml;
use crate::http::{Req, Resp};
use serde::{Deserialize, Serialize};

/// A checksum algorithm the emulator computes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Algorithm {
    /// CRC-32/ISO-HDLC, 4 bytes.
    Crc32,
    /// CRC-64/NVME, 8 bytes.
    Crc64Nvme,
}

/// S3 algorithms the emulator knows by name but does not compute.
const NOT_EMULATED: [&str; 3] = ["CRC32C", "SHA1", "SHA256"];

/// Every algorithm S3 accepts, as its error messages list them.
const S3_ALGORITHMS: &str = "[CRC32, CRC32C, CRC64NVME, SHA1, SHA256]";

impl Algorithm {
    /// Both, in the order S3 lists them.
    pub const ALL: [Algorithm; 2] = [Algorithm::Crc32, Algorithm::Crc64Nvme];

    /// S3's name: `CRC32`, `CRC64NVME`.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Crc32 => "CRC32",
            Algorithm::Crc64Nvme => "CRC64NVME",
        }
    }

    /// The request and response header: `x-amz-checksum-crc32`, `x-amz-checksum-crc64nvme`.
    pub fn header(self) -> &'static str {
        match self {
            Algorithm::Crc32 => "x-amz-checksum-crc32",
            Algorithm::Crc64Nvme => "x-amz-checksum-crc64nvme",
        }
    }

    /// The XML element: `ChecksumCRC32`, `ChecksumCRC64NVME`.
    pub fn element(self) -> &'static str {
        match self {
            Algorithm::Crc32 => "ChecksumCRC32",
            Algorithm::Crc64Nvme => "ChecksumCRC64NVME",
        }
    }

    /// The algorithm S3 calls `name` (any case).
    pub fn from_name(name: &str) -> Option<Algorithm> {
        Algorithm::ALL.into_iter().find(|a| a.name().eq_ignore_ascii_case(name.trim()))
    }

    /// The checksum of `data`: the CRC's big-endian bytes.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            Algorithm::Crc32 => crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC).checksum(data).to_be_bytes().to_vec(),
            Algorithm::Crc64Nvme => crc::Crc::<u64>::new(&crc::CRC_64_NVME).checksum(data).to_be_bytes().to_vec(),
        }
    }

    /// The checksum of `data` as S3 writes it: base64 of [`Algorithm::digest`].
    pub fn base64(self, data: &[u8]) -> String {
        crate::crypto::b64(&self.digest(data))
    }

    fn len(self) -> usize {
        match self {
            Algorithm::Crc32 => 4,
            Algorithm::Crc64Nvme => 8,
        }
    }

    /// The checksum type of a multipart upload that names this algorithm but no type:
    /// `COMPOSITE` for CRC32, `FULL_OBJECT` for CRC64NVME (S3's defaults).
    pub fn default_type(self) -> ChecksumType {
        match self {
            Algorithm::Crc32 => ChecksumType::Composite,
            Algorithm::Crc64Nvme => ChecksumType::FullObject,
        }
    }
}

/// How a multipart object's checksum is made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChecksumType {
    /// The checksum of the whole object.
    FullObject,
    /// The checksum of the parts' checksums, then `-<number of parts>`.
    Composite,
}

impl ChecksumType {
    /// `FULL_OBJECT` or `COMPOSITE`.
    pub fn name(self) -> &'static str {
        match self {
            ChecksumType::FullObject => "FULL_OBJECT",
            ChecksumType::Composite => "COMPOSITE",
        }
    }

    fn from_name(name: &str) -> Option<ChecksumType> {
        match name.trim() {
            "FULL_OBJECT" => Some(ChecksumType::FullObject),
            "COMPOSITE" => Some(ChecksumType::Composite),
            _ => None,
        }
    }
}

/// A checksum kept with an object or a part.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredChecksum {
    /// S3's algorithm name (`CRC32`, `CRC64NVME`).
    pub algorithm: String,
    /// The value as S3 returns it (base64; a composite value ends with `-<parts>`).
    pub value: String,
    /// `FULL_OBJECT` or `COMPOSITE`.
    #[serde(rename = "type")]
    pub kind: String,
}

impl StoredChecksum {
    /// A checksum of the whole of some bytes.
    pub fn full(algorithm: Algorithm, value: String) -> StoredChecksum {
        StoredChecksum {
            algorithm: algorithm.name().into(),
            value,
            kind: ChecksumType::FullObject.name().into(),
        }
    }

    /// The algorithm (`None` for a name this emulator does not know, e.g. from an old data dir).
    pub fn algorithm(&self) -> Option<Algorithm> {
        Algorithm::from_name(&self.algorithm)
    }

    /// The response headers S3 sends for it: `x-amz-checksum-<alg>` and `x-amz-checksum-type`.
    pub fn headers(&self) -> Vec<(String, String)> {
        match self.algorithm() {
            Some(a) => {
                vec![(a.header().into(), self.value.clone()), ("x-amz-checksum-type".into(), self.kind.clone())]
            }
            None => Vec::new(),
        }
    }
}

fn invalid_request(message: &str) -> Resp {
    xml::error(400, "InvalidRequest", message, &[])
}

fn not_emulated(what: &str) -> Resp {
    xml::error(
        501,
        "NotImplemented",
        &format!(
            "A header you provided implies functionality that is not implemented (the emulator computes only CRC32 \
             and CRC64NVME checksums, not {what})"
        ),
        &[],
    )
}

/// An algorithm named by `header` (`x-amz-sdk-checksum-algorithm`, `x-amz-checksum-algorithm`).
fn algorithm_header(req: &Req, header: &str) -> Result<Option<Algorithm>, Resp> {
    let Some(value) = req.header(header) else { return Ok(None) };
    if let Some(a) = Algorithm::from_name(value) {
        return Ok(Some(a));
    }
    if NOT_EMULATED.iter().any(|n| n.eq_ignore_ascii_case(value.trim())) {
        return Err(not_emulated(&value.trim().to_ascii_uppercase()));
    }
    Err(invalid_request(&format!(
        "Checksum algorithm provided is unsupported. Please try again with any of the valid types: {S3_ALGORITHMS}"
    )))
}

/// The one `x-amz-checksum-<alg>` value header of a request, its form checked (`InvalidRequest`),
/// not yet compared with anything.
fn value_header(req: &Req) -> Result<Option<(Algorithm, String)>, Resp> {
    let mut found: Option<(Algorithm, String)> = None;
    for (name, value) in &req.headers {
        let Some(suffix) = name.strip_prefix("x-amz-checksum-") else { continue };
        if ["algorithm", "type", "mode"].contains(&suffix) {
            continue;
        }
        let algorithm = match Algorithm::ALL.into_iter().find(|a| a.header() == name) {
            Some(a) => a,
            None if NOT_EMULATED.iter().any(|n| n.eq_ignore_ascii_case(suffix)) => {
                return Err(not_emulated(&suffix.to_ascii_uppercase()))
            }
            None => continue,
        };
        if found.is_some() {
            return Err(invalid_request(
                "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.",
            ));
        }
        let value = value.trim();
        let valid = crate::crypto::b64_decode(value)
            .is_some_and(|d| d.len() == algorithm.len() && crate::crypto::b64(&d) == value);
        if !valid {
            return Err(invalid_request(&format!("Value for {name} header is invalid.")));
        }
        found = Some((algorithm, value.to_string()));
    }
    Ok(found)
}

/// `BadDigest` for a checksum that does not match what S3 computed.
pub fn bad_digest(algorithm_as_written: &str) -> Resp {
    xml::error(
        400,
        "BadDigest",
        &format!("The {algorithm_as_written} you specified did not match the calculated checksum."),
        &[],
    )
}

/// The checksum of a PutObject or UploadPart request: the `x-amz-checksum-crc32` or
/// `x-amz-checksum-crc64nvme` value, verified against the body, or — with
/// `x-amz-sdk-checksum-algorithm` and no value header — the checksum S3 computes itself.
/// `None` when the request asks for no checksum.
///
/// Errors as S3's: two value headers or a malformed value (`InvalidRequest`), a value that is
/// not the body's or an `x-amz-sdk-checksum-algorithm` naming another algorithm than the value
/// header (`BadDigest`), an unknown algorithm (`InvalidRequest`); CRC32C, SHA-1 and SHA-256
/// are `501 NotImplemented` here.
pub fn from_request(req: &Req) -> Result<Option<StoredChecksum>, Resp> {
    let sdk_algorithm = algorithm_header(req, "x-amz-sdk-checksum-algorithm")?;
    let sent = value_header(req)?;
    match (sdk_algorithm, sent) {
        (None, None) => Ok(None),
        (Some(a), None) => Ok(Some(StoredChecksum::full(a, a.base64(&req.body)))),
        (Some(a), Some((b, _))) if a != b => Err(xml::error(
            400,
            "BadDigest",
            &format!("x-amz-sdk-checksum-algorithm is {} but the checksum sent is {}", a.name(), b.header()),
            &[],
        )),
        (_, Some((a, value))) => {
            if a.base64(&req.body) != value {
                return Err(bad_digest(a.name()));
            }
            Ok(Some(StoredChecksum::full(a, value)))
        }
    }
}

/// The checksum a CompleteMultipartUpload request sends for the whole object, form checked.
pub fn whole_object_header(req: &Req) -> Result<Option<(Algorithm, String)>, Resp> {
    // A composite value (`…-<parts>`) is not base64: read it as sent.
    for a in Algorithm::ALL {
        if let Some(v) = req.header(a.header()) {
            if v.contains('-') {
                return Ok(Some((a, v.trim().to_string())));
            }
        }
    }
    value_header(req)
}

/// The algorithm and checksum type a CreateMultipartUpload request chooses
/// (`x-amz-checksum-algorithm`, `x-amz-checksum-type`), `None` when it chooses none.
pub fn for_multipart(req: &Req) -> Result<Option<(Algorithm, ChecksumType)>, Resp> {
    let algorithm = algorithm_header(req, "x-amz-checksum-algorithm")?;
    let kind = match req.header("x-amz-checksum-type") {
        None => None,
        Some(t) => Some(
            ChecksumType::from_name(t)
                .ok_or_else(|| invalid_request("Value for x-amz-checksum-type header is invalid."))?,
        ),
    };
    match (algorithm, kind) {
        (None, None) => Ok(None),
        (None, Some(_)) => Err(invalid_request(
            "The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.",
        )),
        (Some(Algorithm::Crc64Nvme), Some(ChecksumType::Composite)) => Err(invalid_request(
            "The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm.",
        )),
        (Some(a), kind) => Ok(Some((a, kind.unwrap_or_else(|| a.default_type())))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_answers() {
        // The catalogue's check values (the CRC of "123456789").
        assert_eq!(Algorithm::Crc32.digest(b"123456789"), 0xcbf4_3926u32.to_be_bytes());
        assert_eq!(Algorithm::Crc64Nvme.digest(b"123456789"), 0xae8b_1486_0a79_9888u64.to_be_bytes());
        // The CRC of nothing is zero.
        assert_eq!(Algorithm::Crc32.base64(b""), "AAAAAA==");
        assert_eq!(Algorithm::Crc64Nvme.base64(b""), "AAAAAAAAAAA=");
    }

    #[test]
    fn names_round_trip() {
        for a in Algorithm::ALL {
            assert_eq!(Algorithm::from_name(&a.name().to_lowercase()), Some(a));
            assert_eq!(a.header(), format!("x-amz-checksum-{}", a.name().to_lowercase()));
            assert_eq!(a.element(), format!("Checksum{}", a.name()));
        }
        assert_eq!(Algorithm::from_name("MD5"), None);
    }
}

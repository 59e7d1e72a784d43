//! Multipart uploads: how a file is cut into parts ([`PartPlan`]) and the
//! `CompleteMultipartUpload` request body that assembles them ([`complete_body`]).

use crate::prelude::*;

use super::whole_number;
use super::xml::push_escaped;
use crate::core::checksum::ChecksumAlgorithm;
use crate::core::error::{Error, Result};
use crate::core::json::{Json, JsonObject};
use crate::core::time::push_num;

const MIB: u64 = 1 << 20;

/// The smallest part S3 accepts (but for the last): 5 MiB, also the default part size.
pub const MIN_PART_SIZE: u64 = 5 * MIB;
/// The largest part S3 accepts, and the largest single `PutObject`: 5 GiB.
pub const MAX_PART_SIZE: u64 = 5 << 30;
/// The most parts an upload may have.
pub const MAX_PARTS: u64 = 10_000;
/// The largest object S3 stores: 5 TiB.
pub const MAX_OBJECT_SIZE: u64 = 5 << 40;

/// How an upload of a given size is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartPlan {
    /// One `PutObject` (the size is at most the part size).
    pub single: bool,
    /// The size of every part but the last.
    pub part_size: u64,
    /// The number of parts (1 when single).
    pub parts: u64,
}

impl PartPlan {
    /// The plan for `size` bytes with parts of `part_size` (default [`MIN_PART_SIZE`]): single
    /// when `size <= part_size`; otherwise multipart, with the part size raised to the smallest
    /// whole number of MiB that keeps the parts within [`MAX_PARTS`].
    /// `InvalidParameter` "size: ..." over [`MAX_OBJECT_SIZE`], "partSize: ..." outside
    /// [`MIN_PART_SIZE`]..=[`MAX_PART_SIZE`].
    pub fn new(size: u64, part_size: Option<u64>) -> Result<Self> {
        if size > MAX_OBJECT_SIZE {
            return Err(Error::param("size", "is over 5 TiB, the largest object S3 stores"));
        }
        let part_size = part_size.unwrap_or(MIN_PART_SIZE);
        if !(MIN_PART_SIZE..=MAX_PART_SIZE).contains(&part_size) {
            return Err(Error::param("partSize", "must be between 5 MiB and 5 GiB"));
        }
        if size <= part_size {
            return Ok(PartPlan { single: true, part_size, parts: 1 });
        }
        let part_size = if size.div_ceil(part_size) > MAX_PARTS {
            size.div_ceil(MAX_PARTS).div_ceil(MIB) * MIB
        } else {
            part_size
        };
        Ok(PartPlan { single: false, part_size, parts: size.div_ceil(part_size) })
    }

    /// `{"single": bool, "partSize": N, "parts": N}`.
    pub fn to_json(&self) -> String {
        JsonObject::new()
            .bool("single", self.single)
            .num("partSize", self.part_size)
            .num("parts", self.parts)
            .to_string()
    }
}

/// [`PartPlan::new`] from JS numbers, as JSON text ([`PartPlan::to_json`]).
pub fn part_plan_json(size: f64, part_size: Option<f64>) -> Result<String> {
    let size = whole_number(size, "size")?;
    let part_size = match part_size {
        Some(p) => Some(whole_number(p, "partSize")?),
        None => None,
    };
    Ok(PartPlan::new(size, part_size)?.to_json())
}

/// The `CompleteMultipartUpload` body from `parts` (JSON text: `{"algorithm"?: "CRC32" |
/// "CRC64NVME", "parts": [{"partNumber": 1, "etag": "\"...\"", "checksum"?: "base64"}]}`):
/// `<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Part>
/// <PartNumber>1</PartNumber><ETag>&quot;...&quot;</ETag><ChecksumCRC32>...</ChecksumCRC32>
/// </Part>...</CompleteMultipartUpload>` (without the line breaks), text XML-escaped.
///
/// `InvalidParameter` naming the field: not JSON, no part, a part number outside 1..=10000 or
/// not ascending, an empty ETag, a checksum without an algorithm.
pub fn complete_body(parts: &str) -> Result<String> {
    let input = Json::parse(parts).map_err(|_| Error::param("parts", "is not valid JSON"))?;
    let algorithm = match input.get("algorithm") {
        None | Some(Json::Null) => None,
        Some(Json::String(name)) => Some(
            ChecksumAlgorithm::from_name(name)
                .map_err(|_| Error::param("algorithm", "must be CRC32 or CRC64NVME"))?,
        ),
        Some(_) => return Err(Error::param("algorithm", "must be CRC32 or CRC64NVME")),
    };
    let list = input
        .get("parts")
        .and_then(Json::as_array)
        .ok_or_else(|| Error::param("parts", "must be an array of parts"))?;
    if list.is_empty() {
        return Err(Error::param("parts", "is empty"));
    }
    let mut out = String::from("<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">");
    let mut previous = 0u64;
    for part in list {
        let number = part
            .get("partNumber")
            .and_then(Json::as_u64)
            .filter(|&n| (1..=MAX_PARTS).contains(&n))
            .ok_or_else(|| Error::param("parts", "partNumber must be a whole number from 1 to 10000"))?;
        if number <= previous {
            return Err(Error::param("parts", "part numbers must be ascending"));
        }
        previous = number;
        let etag = part
            .get("etag")
            .and_then(Json::as_str)
            .filter(|e| !e.is_empty())
            .ok_or_else(|| Error::param("parts", "etag must be a non-empty string"))?;
        let checksum = match part.get("checksum") {
            None | Some(Json::Null) => None,
            Some(Json::String(c)) => Some(c.as_str()),
            Some(_) => return Err(Error::param("parts", "checksum must be a string")),
        };
        out.push_str("<Part><PartNumber>");
        push_num(&mut out, number, 1);
        out.push_str("</PartNumber><ETag>");
        push_escaped(&mut out, etag);
        out.push_str("</ETag>");
        if let Some(checksum) = checksum {
            let algorithm =
                algorithm.ok_or_else(|| Error::param("algorithm", "is required with part checksums"))?;
            let element = algorithm.xml_element();
            out.push('<');
            out.push_str(element);
            out.push('>');
            push_escaped(&mut out, checksum);
            out.push_str("</");
            out.push_str(element);
            out.push('>');
        }
        out.push_str("</Part>");
    }
    out.push_str("</CompleteMultipartUpload>");
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(size: u64, part_size: Option<u64>) -> (bool, u64, u64) {
        let p = PartPlan::new(size, part_size).unwrap();
        (p.single, p.part_size, p.parts)
    }

    #[test]
    fn part_plans() {
        assert_eq!(plan(0, None), (true, MIN_PART_SIZE, 1));
        assert_eq!(plan(MIN_PART_SIZE, None), (true, MIN_PART_SIZE, 1));
        assert_eq!(plan(MIN_PART_SIZE + 1, None), (false, MIN_PART_SIZE, 2));
        assert_eq!(plan(100 * MIB, Some(8 * MIB)), (false, 8 * MIB, 13));
        assert_eq!(plan(MIN_PART_SIZE * MAX_PARTS, None), (false, MIN_PART_SIZE, 10_000));
        // One byte more than 10000 parts of 5 MiB: 6 MiB parts.
        assert_eq!(plan(MIN_PART_SIZE * MAX_PARTS + 1, None), (false, 6 * MIB, 8334));
        let (_, part, parts) = plan(MAX_OBJECT_SIZE, None);
        assert_eq!((part % MIB, parts <= MAX_PARTS), (0, true));
        assert_eq!(part, 525 * MIB);
        assert_eq!(plan(MAX_PART_SIZE, Some(MAX_PART_SIZE)), (true, MAX_PART_SIZE, 1));
        assert_eq!(
            PartPlan::new(10, None).unwrap().to_json(),
            r#"{"single":true,"partSize":5242880,"parts":1}"#
        );
    }

    #[test]
    fn part_plan_refusals() {
        let msg = |r: Result<String>| r.unwrap_err().message;
        assert!(msg(part_plan_json(-1.0, None)).starts_with("size: "));
        assert!(msg(part_plan_json(1.5, None)).starts_with("size: "));
        assert!(msg(part_plan_json(f64::NAN, None)).starts_with("size: "));
        assert!(msg(part_plan_json(f64::INFINITY, None)).starts_with("size: "));
        assert!(msg(part_plan_json((MAX_OBJECT_SIZE + 1) as f64, None)).starts_with("size: "));
        assert!(msg(part_plan_json(10.0, Some((MIN_PART_SIZE - 1) as f64))).starts_with("partSize: "));
        assert!(msg(part_plan_json(10.0, Some((MAX_PART_SIZE + 1) as f64))).starts_with("partSize: "));
        assert!(msg(part_plan_json(10.0, Some(5.5 * MIB as f64 + 0.5))).starts_with("partSize: "));
        assert_eq!(
            part_plan_json(12.0 * MIB as f64, Some(6.0 * MIB as f64)).unwrap(),
            r#"{"single":false,"partSize":6291456,"parts":2}"#
        );
    }

    #[test]
    fn complete_bodies() {
        let body = complete_body(
            r#"{"algorithm":"CRC32","parts":[{"partNumber":1,"etag":"\"abc\"","checksum":"AAAAAA=="},{"partNumber":3,"etag":"\"d&e\""}]}"#,
        )
        .unwrap();
        assert_eq!(
            body,
            "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\
             <Part><PartNumber>1</PartNumber><ETag>&quot;abc&quot;</ETag><ChecksumCRC32>AAAAAA==</ChecksumCRC32></Part>\
             <Part><PartNumber>3</PartNumber><ETag>&quot;d&amp;e&quot;</ETag></Part></CompleteMultipartUpload>"
        );
        let body = complete_body(r#"{"algorithm":"CRC64NVME","parts":[{"partNumber":10000,"etag":"x","checksum":"rosUhgp5mIg="}]}"#).unwrap();
        assert!(body.contains("<ChecksumCRC64NVME>rosUhgp5mIg=</ChecksumCRC64NVME>"));
        let root = super::super::xml::parse(&body).unwrap();
        assert_eq!(root.child("Part").and_then(|p| p.child_text("ETag")), Some("x"));
    }

    #[test]
    fn complete_body_refusals() {
        let msg = |s: &str| complete_body(s).unwrap_err().message;
        assert_eq!(msg("nope"), "parts: is not valid JSON");
        assert_eq!(msg("{}"), "parts: must be an array of parts");
        assert_eq!(msg(r#"{"parts":[]}"#), "parts: is empty");
        assert!(msg(r#"{"parts":[{"partNumber":0,"etag":"x"}]}"#).starts_with("parts: partNumber"));
        assert!(msg(r#"{"parts":[{"partNumber":10001,"etag":"x"}]}"#).starts_with("parts: partNumber"));
        assert_eq!(
            msg(r#"{"parts":[{"partNumber":2,"etag":"x"},{"partNumber":2,"etag":"y"}]}"#),
            "parts: part numbers must be ascending"
        );
        assert!(msg(r#"{"parts":[{"partNumber":1,"etag":""}]}"#).starts_with("parts: etag"));
        assert_eq!(
            msg(r#"{"parts":[{"partNumber":1,"etag":"x","checksum":"AAAAAA=="}]}"#),
            "algorithm: is required with part checksums"
        );
        assert!(msg(r#"{"algorithm":"MD5","parts":[{"partNumber":1,"etag":"x"}]}"#).starts_with("algorithm: "));
        assert_eq!(complete_body("{}").unwrap_err().name(), "InvalidParameter");
    }
}

//! Amazon S3 for browser uploads, sans-IO: object URLs and key encoding (`key`), SigV4 signing
//! of requests as the driver sends them, with the signing key kept per day (`signer`), the
//! multipart plan and `CompleteMultipartUpload` body (`multipart`), and S3's XML answers read
//! into the JSON the storage driver acts on (`answer`, with the strict XML reader `xml` and the
//! timestamps of `timestamp`). Everything is re-exported here (`s3::X`).


use super::error::{Error, Result};

mod answer;
mod key;
mod multipart;
mod signer;
mod timestamp;
pub mod xml;

pub use self::answer::{answer_json, failure_json, Retry, S3Operation};
pub use self::key::{check_bucket, encode_key, encode_query_value, object_url, MAX_KEY_LEN};
pub use self::multipart::{
    complete_body, part_plan_json, PartPlan, MAX_OBJECT_SIZE, MAX_PARTS, MAX_PART_SIZE, MIN_PART_SIZE,
};
pub use self::signer::RequestSigner;
pub use self::timestamp::parse_timestamp;

/// A JS number that must be a whole number from 0 to 2^53 (checked without `f64::fract`,
/// which `no_std` lacks); `InvalidParameter` "`param`: ..." otherwise (negative, fractional,
/// NaN, infinite, too large).
pub fn whole_number(value: f64, param: &str) -> Result<u64> {
    const MAX_SAFE: f64 = 9_007_199_254_740_992.0;
    if (0.0..=MAX_SAFE).contains(&value) && (value as u64) as f64 == value {
        Ok(value as u64)
    } else {
        Err(Error::param(param, "must be a non-negative whole number"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers() {
        assert_eq!(whole_number(0.0, "n").unwrap(), 0);
        assert_eq!(whole_number(9_007_199_254_740_992.0, "n").unwrap(), 1 << 53);
        for bad in [-1.0, 0.5, f64::NAN, f64::INFINITY, -0.0001, 1e300] {
            assert_eq!(whole_number(bad, "n").unwrap_err().message, "n: must be a non-negative whole number");
        }
    }
}

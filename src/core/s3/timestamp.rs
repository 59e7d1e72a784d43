//! The timestamps in S3's XML answers (`LastModified`, `Initiated`, an error's `ServerTime`):
//! ISO 8601 in UTC, `2009-10-12T17:50:30.000Z` (fraction optional), as ms since the Unix epoch.

use crate::core::time::days_from_civil;

/// `YYYY-MM-DDTHH:MM:SS[.fraction]Z` as ms since the Unix epoch (the fraction truncated to
/// milliseconds); `None` for anything else.
pub fn parse_timestamp(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    let num = |from: usize, len: usize| -> Option<u32> {
        let digits = b.get(from..from + len)?;
        digits.iter().try_fold(0u32, |n, &d| d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0')))
    };
    let punctuation = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
    if !punctuation.iter().all(|&(i, c)| b.get(i) == Some(&c)) {
        return None;
    }
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let (hour, minute, second) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut ms = 0u32;
    let rest = b.get(19..)?;
    let zone = match rest.first() {
        Some(b'.') => {
            let digits = rest.get(1..)?.iter().take_while(|d| d.is_ascii_digit()).count();
            if digits == 0 {
                return None;
            }
            for i in 0..3 {
                ms = ms * 10 + num(20 + i, 1).filter(|_| i < digits).unwrap_or(0);
            }
            rest.get(1 + digits..)?
        }
        _ => rest,
    };
    if zone != b"Z" {
        return None;
    }
    let days = days_from_civil(i64::from(year), month, day);
    let secs = days * 86_400 + i64::from(hour * 3600 + minute * 60 + second);
    Some(secs * 1000 + i64::from(ms))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::time::UtcDateTime;

    #[test]
    fn reads_s3_timestamps() {
        assert_eq!(parse_timestamp("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_timestamp("2009-10-12T17:50:30.000Z"), Some(1_255_369_830_000));
        assert_eq!(parse_timestamp("2009-10-12T17:50:30.5Z"), Some(1_255_369_830_500));
        assert_eq!(parse_timestamp("2009-10-12T17:50:30.123456Z"), Some(1_255_369_830_123));
        assert_eq!(parse_timestamp("2026-11-29T16:03:00Z"), Some(1_795_968_180_000));
        for bad in ["", "2009-10-12", "2009-10-12T17:50:30", "2009-10-12T17:50:30.Z", "2009-13-12T17:50:30Z",
            "2009-10-12 17:50:30Z", "2009-10-12T17:50:30+00:00", "2009-10-12T17:5a:30Z", "2009-10-12T17:50:30ZZ"] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
        let mut x = 7u64;
        for _ in 0..1000 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let ms = (x >> 22) as i64 % 4_102_444_800_000;
            let t = UtcDateTime::from_unix_ms(ms);
            let d = t.amz_date(); // YYYYMMDDTHHMMSSZ
            let iso = format!("{}-{}-{}T{}:{}:{}.{:03}Z", &d[0..4], &d[4..6], &d[6..8], &d[9..11], &d[11..13], &d[13..15], ms % 1000);
            assert_eq!(parse_timestamp(&iso), Some(ms), "{iso}");
        }
    }
}

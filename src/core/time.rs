//! Date formats the protocols need, from milliseconds since the Unix epoch (no `chrono`: it is
//! large, and three formats are all we need).

use crate::prelude::*;

/// A civil UTC date-time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UtcDateTime {
    /// Full year, e.g. 2020.
    pub year: i64,
    /// 1..=12.
    pub month: u32,
    /// 1..=31.
    pub day: u32,
    /// 0..=23.
    pub hour: u32,
    /// 0..=59.
    pub minute: u32,
    /// 0..=59.
    pub second: u32,
    /// 0 = Sunday .. 6 = Saturday.
    pub weekday: u32,
}

impl UtcDateTime {
    /// The date-time of `ms` milliseconds since 1970-01-01T00:00:00Z (floored to the second).
    pub fn from_unix_ms(ms: i64) -> Self {
        let secs = ms.div_euclid(1000);
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400) as u32;
        // Howard Hinnant's days-to-civil algorithm.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = yoe + era * 400 + i64::from(month <= 2);
        UtcDateTime {
            year,
            month,
            day,
            hour: rem / 3600,
            minute: rem / 60 % 60,
            second: rem % 60,
            weekday: (days + 4).rem_euclid(7) as u32,
        }
    }

    /// SigV4's `X-Amz-Date`: `YYYYMMDDTHHMMSSZ`.
    pub fn amz_date(&self) -> String {
        let mut s = self.amz_day();
        s.push('T');
        push2(&mut s, self.hour);
        push2(&mut s, self.minute);
        push2(&mut s, self.second);
        s.push('Z');
        s
    }

    /// SigV4's credential-scope date: `YYYYMMDD`.
    pub fn amz_day(&self) -> String {
        let mut s = String::with_capacity(16);
        push_num(&mut s, self.year as u64, 4);
        push2(&mut s, self.month);
        push2(&mut s, self.day);
        s
    }

    /// Cognito SRP's TIMESTAMP: `ddd MMM d HH:mm:ss UTC yyyy` with the day of month *not*
    /// zero-padded (e.g. `Wed Jan 1 00:00:00 UTC 2020`), exactly as the reference JS client
    /// formats it and as Cognito checks it.
    pub fn cognito_timestamp(&self) -> String {
        const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
        const MONTHS: [&str; 12] =
            ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
        let mut s = String::with_capacity(32);
        s.push_str(DAYS[self.weekday as usize % 7]);
        s.push(' ');
        s.push_str(MONTHS[(self.month as usize + 11) % 12]);
        s.push(' ');
        push_num(&mut s, u64::from(self.day), 1);
        s.push(' ');
        push2(&mut s, self.hour);
        s.push(':');
        push2(&mut s, self.minute);
        s.push(':');
        push2(&mut s, self.second);
        s.push_str(" UTC ");
        push_num(&mut s, self.year as u64, 4);
        s
    }
}

fn push2(s: &mut String, v: u32) {
    push_num(s, u64::from(v), 2);
}

/// Appends `v` in decimal, zero-padded to at least `width` digits (no `core::fmt`).
pub fn push_num(s: &mut String, mut v: u64, width: usize) {
    let mut buf = [b'0'; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    let start = i.min(buf.len().saturating_sub(width));
    for &b in &buf[start..] {
        s.push(b as char);
    }
}

const MONTHS: &[u8; 36] = b"JanFebMarAprMayJunJulAugSepOctNovDec";

/// Days from 1970-01-01 to the civil date (Howard Hinnant's days-from-civil algorithm).
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = year - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Reads an HTTP `Date` header in IMF-fixdate form (`Sun, 06 Nov 1994 08:49:37 GMT`, RFC 9110
/// §5.6.7, what servers send) as ms since the Unix epoch; `None` for anything else.
pub fn parse_http_date(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() != 29 || b.get(3) != Some(&b',') || b.get(25..) != Some(b" GMT".as_slice()) {
        return None;
    }
    let num = |range: ::core::ops::Range<usize>| -> Option<u32> {
        let digits = b.get(range)?;
        digits.iter().try_fold(0u32, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let month_name = b.get(8..11)?;
    let month = MONTHS.chunks(3).position(|m| m == month_name)? as u32 + 1;
    let (day, year) = (num(5..7)?, num(12..16)?);
    let (hour, minute, second) = (num(17..19)?, num(20..22)?, num(23..25)?);
    if b[7] != b' ' || b[11] != b' ' || b[16] != b' ' || b[19] != b':' || b[22] != b':' {
        return None;
    }
    if day == 0 || day > 31 || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let days = days_from_civil(i64::from(year), month, day);
    let secs = days * 86_400 + i64::from(hour * 3600 + minute * 60 + second);
    Some(secs * 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// IMF-fixdate, written independently of the parser (for round trips).
    fn http_date(ms: i64) -> String {
        const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
        let t = UtcDateTime::from_unix_ms(ms);
        let month = &std::str::from_utf8(MONTHS).unwrap()[(t.month as usize - 1) * 3..][..3];
        format!(
            "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
            DAYS[t.weekday as usize], t.day, month, t.year, t.hour, t.minute, t.second
        )
    }

    #[test]
    fn http_dates() {
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), Some(784_111_777_000));
        assert_eq!(parse_http_date("Sun, 29 Nov 2026 16:03:00 GMT"), Some(1_795_968_180_000));
        for ms in [0i64, 951_782_400_000, 1_700_000_000_000, 4_102_444_799_000] {
            assert_eq!(parse_http_date(&http_date(ms)), Some(ms), "{}", http_date(ms));
        }
        let mut x = 12345u64;
        for _ in 0..2000 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let ms = (x >> 24) as i64 % 4_102_444_800_000 / 1000 * 1000;
            assert_eq!(parse_http_date(&http_date(ms)), Some(ms));
        }
        for bad in [
            "",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 25:49:37 GMT",
            "Sun, 6 Nov 1994 08:49:37 GMT ",
            "Sun, 06 Nov 1994 08:49:3x GMT",
            "Sun, 00 Nov 1994 08:49:37 GMT",
            "Sün, 06 Nov 1994 08:49:37 GMT",
        ] {
            assert_eq!(parse_http_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn formats() {
        let t = UtcDateTime::from_unix_ms(1_577_836_800_000);
        assert_eq!(t.cognito_timestamp(), "Wed Jan 1 00:00:00 UTC 2020");
        assert_eq!(t.amz_date(), "20200101T000000Z");
        let t = UtcDateTime::from_unix_ms(1_440_938_160_000); // 2015-08-30T12:36:00Z
        assert_eq!(t.amz_date(), "20150830T123600Z");
        assert_eq!(t.cognito_timestamp(), "Sun Aug 30 12:36:00 UTC 2015");
        let t = UtcDateTime::from_unix_ms(951_782_400_000 + 999); // 2000-02-29T00:00:00.999Z
        assert_eq!(t.amz_date(), "20000229T000000Z");
        assert_eq!(t.cognito_timestamp(), "Tue Feb 29 00:00:00 UTC 2000");
        assert_eq!(UtcDateTime::from_unix_ms(-1).amz_date(), "19691231T235959Z");
    }
}

//! The emulator's one notion of "now": the system clock plus a test-controlled skew. Token times,
//! SRP `TIMESTAMP` checks, TOTP, code expiry, SigV4 time checks and every response's `Date` header
//! all read [`Clock::now_ms`].
//! Also the few date formats the services speak.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// The system clock shifted by a skew that the admin API sets.
#[derive(Debug, Default)]
pub struct Clock {
    skew_ms: AtomicI64,
}

impl Clock {
    /// Milliseconds since the Unix epoch, skew applied.
    pub fn now_ms(&self) -> i64 {
        let sys = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        sys + self.skew_ms.load(Ordering::Relaxed)
    }

    /// Whole seconds since the Unix epoch, skew applied.
    pub fn now_secs(&self) -> i64 {
        self.now_ms().div_euclid(1000)
    }

    /// Sets the skew (positive = the emulator's clock runs ahead of the system's).
    pub fn set_skew_secs(&self, secs: i64) {
        self.skew_ms
            .store(secs.saturating_mul(1000), Ordering::Relaxed);
    }

    /// The current skew in seconds.
    pub fn skew_secs(&self) -> i64 {
        self.skew_ms.load(Ordering::Relaxed) / 1000
    }
}

const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A civil UTC date-time: (year, month 1-12, day 1-31, hour, minute, second, weekday 0=Sunday).
/// The calendar arithmetic is the SDK's own (`cognito_wasm::core::time`); the emulator's
/// formatting and parsing of TIMESTAMP below stay independent of the SDK's, so a formatting
/// mistake in the client is still caught here.
pub fn civil(ms: i64) -> (i64, u32, u32, u32, u32, u32, usize) {
    let t = cognito_wasm::core::time::UtcDateTime::from_unix_ms(ms);
    (t.year, t.month, t.day, t.hour, t.minute, t.second, t.weekday as usize)
}

/// Days since the epoch of a civil date (inverse of the date part of [`civil`]).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = month as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// RFC 7231 IMF-fixdate, e.g. `Wed, 01 Jan 2020 00:00:00 GMT` (the `Date` header).
pub fn http_date(ms: i64) -> String {
    let (y, mo, d, h, mi, s, wd) = civil(ms);
    format!(
        "{}, {d:02} {} {y} {h:02}:{mi:02}:{s:02} GMT",
        DAYS[wd],
        MONTHS[mo as usize - 1]
    )
}

/// ISO 8601 with milliseconds, e.g. `2020-01-01T00:00:00.000Z` (S3 XML dates).
pub fn iso8601(ms: i64) -> String {
    let (y, mo, d, h, mi, s, _) = civil(ms);
    format!(
        "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{:03}Z",
        ms.rem_euclid(1000)
    )
}

/// Parses Cognito's SRP `TIMESTAMP` (`EEE MMM d HH:mm:ss UTC yyyy`, day not zero-padded, e.g.
/// `Wed Jan 1 00:00:00 UTC 2020`) to milliseconds since the epoch. `None` when malformed, when the
/// weekday does not match the date, or when the time zone is not UTC.
pub fn parse_cognito_timestamp(s: &str) -> Option<i64> {
    let parts: Vec<&str> = s.split(' ').collect();
    let [wd, mon, day, time, tz, year] = parts.as_slice() else {
        return None;
    };
    if *tz != "UTC" || day.len() > 2 || day.starts_with('0') {
        return None;
    }
    let month = MONTHS.iter().position(|m| m == mon)? as u32 + 1;
    let day: u32 = day.parse().ok()?;
    let year: i64 = year.parse().ok()?;
    let t: Vec<&str> = time.split(':').collect();
    let [h, mi, sec] = t.as_slice() else {
        return None;
    };
    if h.len() != 2 || mi.len() != 2 || sec.len() != 2 {
        return None;
    }
    let (h, mi, sec): (i64, i64, i64) = (h.parse().ok()?, mi.parse().ok()?, sec.parse().ok()?);
    if !(1..=31).contains(&day) || h > 23 || mi > 59 || sec > 59 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let ms = (days * 86_400 + h * 3600 + mi * 60 + sec) * 1000;
    // Reject impossible dates (e.g. Feb 30) and a weekday that does not match.
    let (_, m2, d2, ..) = civil(ms);
    if m2 != month || d2 != day || DAYS[(days + 4).rem_euclid(7) as usize] != *wd {
        return None;
    }
    Some(ms)
}

/// Formats `ms` the way Cognito clients send `TIMESTAMP` (for tests and the reference client).
pub fn cognito_timestamp(ms: i64) -> String {
    let (y, mo, d, h, mi, s, wd) = civil(ms);
    format!(
        "{} {} {d} {h:02}:{mi:02}:{s:02} UTC {y}",
        DAYS[wd],
        MONTHS[mo as usize - 1]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cognito_timestamp_round_trip() {
        assert_eq!(
            parse_cognito_timestamp("Wed Jan 1 00:00:00 UTC 2020"),
            Some(1_577_836_800_000)
        );
        assert_eq!(
            cognito_timestamp(1_577_836_800_000),
            "Wed Jan 1 00:00:00 UTC 2020"
        );
        let t = 1_700_000_000_000;
        assert_eq!(parse_cognito_timestamp(&cognito_timestamp(t)), Some(t));
        assert_eq!(
            parse_cognito_timestamp("Thu Jan 1 00:00:00 UTC 2020"),
            None,
            "wrong weekday"
        );
        assert_eq!(
            parse_cognito_timestamp("Wed Jan 01 00:00:00 UTC 2020"),
            None,
            "padded day"
        );
        assert_eq!(parse_cognito_timestamp("Wed Jan 1 00:00:00 GMT 2020"), None);
        assert_eq!(parse_cognito_timestamp("garbage"), None);
    }

    #[test]
    fn http_date_known_answer() {
        assert_eq!(http_date(784_111_777_000), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(iso8601(1_577_836_800_123), "2020-01-01T00:00:00.123Z");
    }
}

//! China time (UTC+8, no daylight saving): the calendar day of schools,
//! activities and matching rounds. Pure: the caller passes the instant (the
//! server reads its clock, the browser its own), so nothing here depends on
//! the machine's time zone.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

/// China Standard Time's offset from UTC, in seconds (+8 h).
pub const CHINA_UTC_OFFSET_SECONDS: i32 = 8 * 3600;

/// China Standard Time (UTC+8) as a chrono offset.
pub const CHINA_OFFSET: FixedOffset = match FixedOffset::east_opt(CHINA_UTC_OFFSET_SECONDS) {
    Some(offset) => offset,
    None => panic!("UTC+8 is a valid offset"),
};

/// The calendar day in China at the instant `now`: what "today" means for a
/// school, whatever time zone the server or browser runs in.
pub fn china_date(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&CHINA_OFFSET).date_naive()
}

/// [`china_date`] for an instant given as milliseconds since the Unix epoch
/// (what a browser's `Date.now()` returns); `None` if out of range.
pub fn china_date_from_unix_millis(millis: i64) -> Option<NaiveDate> {
    DateTime::from_timestamp_millis(millis).map(china_date)
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).single().unwrap()
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_china_day_turns_at_16_00_utc() {
        assert_eq!(china_date(utc(2025, 9, 1, 15, 59)), day(2025, 9, 1));
        assert_eq!(china_date(utc(2025, 9, 1, 16, 0)), day(2025, 9, 2));
        // Early morning UTC is already the same day's afternoon in China.
        assert_eq!(china_date(utc(2025, 9, 1, 0, 0)), day(2025, 9, 1));
    }

    #[test]
    fn year_and_leap_day_boundaries() {
        assert_eq!(china_date(utc(2025, 12, 31, 16, 0)), day(2026, 1, 1));
        assert_eq!(china_date(utc(2025, 12, 31, 15, 59)), day(2025, 12, 31));
        assert_eq!(china_date(utc(2028, 2, 28, 16, 30)), day(2028, 2, 29));
        assert_eq!(china_date(utc(2028, 2, 29, 16, 30)), day(2028, 3, 1));
    }

    #[test]
    fn agrees_with_shifting_by_eight_hours_every_quarter_hour() {
        let start = utc(2026, 3, 7, 0, 0);
        let mut turns = 0;
        for q in 0..(4 * 24 * 3) {
            let t = start + Duration::minutes(15 * q);
            let shifted = (t.naive_utc() + Duration::hours(8)).date();
            assert_eq!(china_date(t), shifted, "{t}");
            if china_date(t) != china_date(t - Duration::minutes(15)) {
                turns += 1;
                assert_eq!(t.format("%H:%M").to_string(), "16:00", "{t}");
            }
        }
        // Three days of quarter hours cross the China midnight three times.
        assert_eq!(turns, 3);
    }

    #[test]
    fn from_unix_millis() {
        // 2025-09-01T16:00:00Z is 2025-09-02 00:00 in China.
        let ms = utc(2025, 9, 1, 16, 0).timestamp_millis();
        assert_eq!(china_date_from_unix_millis(ms), Some(day(2025, 9, 2)));
        assert_eq!(china_date_from_unix_millis(ms - 1), Some(day(2025, 9, 1)));
        assert_eq!(china_date_from_unix_millis(i64::MAX), None);
    }
}

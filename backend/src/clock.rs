//! The server's one notion of "today": the calendar day in China (UTC+8,
//! no daylight saving), whatever the machine's own time zone is. Days that
//! activities happen on, pairs start and end on, and policies take effect on
//! are all China days.

use std::path::PathBuf;
use std::sync::OnceLock;

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

/// Development and tests: the file whose number of seconds the clock runs
/// ahead (see `Config::clock_file`); set once at start-up.
static CLOCK_FILE: OnceLock<PathBuf> = OnceLock::new();

/// Makes [`now`] run ahead by the seconds written in `file` (re-read on
/// every call, so a test moves the clock by rewriting it). Only called
/// outside production.
pub fn use_clock_file(file: PathBuf) {
    let _ = CLOCK_FILE.set(file);
}

/// The current instant: the machine's, moved ahead in tests.
pub fn now() -> DateTime<Utc> {
    let skew = CLOCK_FILE
        .get()
        .and_then(|f| std::fs::read_to_string(f).ok())
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or(0);
    Utc::now() + chrono::Duration::seconds(skew)
}

/// China Standard Time's offset from UTC, in seconds.
const CHINA_OFFSET_SECS: i32 = 8 * 3600;

/// The China day of an instant.
pub fn local_day(at: DateTime<Utc>) -> NaiveDate {
    FixedOffset::east_opt(CHINA_OFFSET_SECS).map_or_else(
        || at.date_naive(),
        |cst| at.with_timezone(&cst).date_naive(),
    )
}

/// Today in China.
pub fn today() -> NaiveDate {
    local_day(Utc::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_china_day_starts_at_sixteen_utc() {
        let before = DateTime::parse_from_rfc3339("2026-03-01T15:59:59Z").map(|d| d.to_utc());
        let after = DateTime::parse_from_rfc3339("2026-03-01T16:00:00Z").map(|d| d.to_utc());
        assert_eq!(
            before.map(local_day).ok(),
            NaiveDate::from_ymd_opt(2026, 3, 1)
        );
        assert_eq!(
            after.map(local_day).ok(),
            NaiveDate::from_ymd_opt(2026, 3, 2)
        );
    }
}

//! Quiet hours (免打扰时段, issue 14): when a school sends no pushes to
//! parents' and students' phones. The inbox still receives every notice;
//! a push due inside the quiet hours waits until they end.

use chrono::{Duration, NaiveDateTime, NaiveTime, Timelike};
use serde::{Deserialize, Serialize};

/// From `from_hour` o'clock to `to_hour` o'clock, China time (the span may
/// cross midnight: 21 → 7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuietHours {
    /// First quiet hour (0–23).
    pub from_hour: u32,
    /// First hour pushes go out again (0–23; equal to `from_hour`: none).
    pub to_hour: u32,
}

impl Default for QuietHours {
    /// 21:00 to 07:00.
    fn default() -> Self {
        QuietHours {
            from_hour: 21,
            to_hour: 7,
        }
    }
}

impl QuietHours {
    /// Whether `hour` (0–23) is quiet.
    pub fn contains(&self, hour: u32) -> bool {
        let (f, t) = (self.from_hour, self.to_hour);
        if f == t {
            false
        } else if f < t {
            (f..t).contains(&hour)
        } else {
            hour >= f || hour < t
        }
    }

    /// When a push due at `now` (China time) may go: `now` itself outside
    /// the quiet hours, else the next `to_hour` o'clock.
    pub fn release(&self, now: NaiveDateTime) -> NaiveDateTime {
        if !self.contains(now.hour()) {
            return now;
        }
        let end = NaiveTime::from_hms_opt(self.to_hour.min(23), 0, 0).unwrap_or_default();
        let today = now.date().and_time(end);
        if today > now {
            today
        } else {
            today + Duration::days(1)
        }
    }

    /// Problems, in Chinese and English.
    pub fn problems(&self) -> Vec<(&'static str, &'static str)> {
        if self.from_hour > 23 || self.to_hour > 23 {
            vec![(
                "免打扰时段的小时须在0–23之间",
                "Quiet hours must be between 0 and 23",
            )]
        } else {
            vec![]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(d: u32, h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 12, d)
            .unwrap()
            .and_hms_opt(h, m, 0)
            .unwrap()
    }

    #[test]
    fn a_night_span_crosses_midnight_and_releases_in_the_morning() {
        let q = QuietHours::default();
        assert!(q.contains(21) && q.contains(23) && q.contains(0) && q.contains(6));
        assert!(!q.contains(7) && !q.contains(12) && !q.contains(20));
        assert_eq!(q.release(at(1, 22, 30)), at(2, 7, 0));
        assert_eq!(q.release(at(2, 3, 10)), at(2, 7, 0));
        assert_eq!(q.release(at(2, 9, 0)), at(2, 9, 0));
        let day = QuietHours {
            from_hour: 12,
            to_hour: 14,
        };
        assert!(day.contains(12) && day.contains(13) && !day.contains(14));
        assert_eq!(day.release(at(3, 12, 5)), at(3, 14, 0));
        let none = QuietHours {
            from_hour: 5,
            to_hour: 5,
        };
        assert!(!none.contains(5));
        assert!(
            !QuietHours {
                from_hour: 24,
                to_hour: 7
            }
            .problems()
            .is_empty()
        );
    }
}

//! A teacher's way to mentoring (篇1): trained → probation (试用期) →
//! appointed (聘书) or deferred and retrained. Each change is kept as a dated
//! step with who made it and why.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::org::Qualification;

/// Longest reason for a step, in characters.
pub const MAX_REASON_CHARS: usize = 200;

/// Whether a teacher may move from `from` to `to`.
///
/// Training completes into probation; probation ends in appointment or
/// deferral; a deferred teacher retrains; anyone may be sent (back) to
/// training; an appointed mentor may be deferred (e.g. after a 待改善 term).
pub fn may_move(from: Qualification, to: Qualification) -> bool {
    use Qualification as Q;
    matches!(
        (from, to),
        (
            Q::Untrained | Q::Deferred | Q::Appointed | Q::Probation,
            Q::Training
        ) | (Q::Training, Q::Probation)
            | (Q::Probation, Q::Appointed | Q::Deferred)
            | (Q::Appointed, Q::Deferred)
    )
}

/// The last day of probation for a teacher who completed training on
/// `trained_on` (probation starts the next day).
pub fn probation_ends(trained_on: NaiveDate, probation_days: u32) -> NaiveDate {
    trained_on + Duration::days(i64::from(probation_days))
}

/// Checks a step's reason: required for a deferral, at most
/// [`MAX_REASON_CHARS`] characters.
pub fn check_reason(to: Qualification, reason: &str) -> Result<(), &'static str> {
    let n = reason.trim().chars().count();
    if n > MAX_REASON_CHARS {
        return Err("理由不能超过200字");
    }
    if to == Qualification::Deferred && n == 0 {
        return Err("暂缓聘任须写明理由");
    }
    Ok(())
}

/// One recorded change of a teacher's standing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QualificationStep {
    /// The day it took effect.
    pub on: NaiveDate,
    /// The standing before.
    pub from: Qualification,
    /// The standing after.
    pub to: Qualification,
    /// Why (required for a deferral).
    pub reason: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use Qualification as Q;

    #[test]
    fn the_path_of_the_seed() {
        assert!(may_move(Q::Untrained, Q::Training));
        assert!(may_move(Q::Training, Q::Probation));
        assert!(may_move(Q::Probation, Q::Appointed));
        assert!(may_move(Q::Probation, Q::Deferred));
        assert!(may_move(Q::Deferred, Q::Training));
        assert!(!may_move(Q::Untrained, Q::Appointed));
        assert!(!may_move(Q::Training, Q::Appointed));
        assert!(!may_move(Q::Deferred, Q::Appointed));
    }

    #[test]
    fn probation_lasts_the_policy_days() {
        let d = NaiveDate::from_ymd_opt(2025, 8, 25).unwrap();
        assert_eq!(
            probation_ends(d, 30),
            NaiveDate::from_ymd_opt(2025, 9, 24).unwrap()
        );
    }

    #[test]
    fn deferral_needs_a_reason() {
        assert!(check_reason(Q::Deferred, "  ").is_err());
        assert!(check_reason(Q::Appointed, "").is_ok());
        assert!(check_reason(Q::Appointed, &"字".repeat(201)).is_err());
    }
}

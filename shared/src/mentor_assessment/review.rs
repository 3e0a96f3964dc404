//! Reviewers' views of mentors (班主任评价 / 年级组长评价): within a term's
//! review window, a head teacher rates the mentors of their class's students
//! and a grade leader those of their grade's students, 1–5 with a short
//! comment. The views of each group become a [`ViewTally`] whose respondents
//! are the reviewers (one view per reviewer counts once).

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use super::ViewTally;
use crate::validation::Violation;

/// The window opens this many days before the term ends and stays open
/// until the term's assessment is published.
pub const REVIEW_WINDOW_DAYS: i64 = 30;
/// Longest comment, in characters.
pub const MAX_REVIEW_COMMENT_CHARS: usize = 200;

/// The role a view is given in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ReviewerRole {
    /// 班主任.
    HeadTeacher,
    /// 年级组长.
    GradeLeader,
}

impl ReviewerRole {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            ReviewerRole::HeadTeacher => "HEAD_TEACHER",
            ReviewerRole::GradeLeader => "GRADE_LEADER",
        }
    }

    /// Parses a code.
    pub fn from_code(s: &str) -> Option<ReviewerRole> {
        [ReviewerRole::HeadTeacher, ReviewerRole::GradeLeader]
            .into_iter()
            .find(|r| r.code() == s)
    }
}

/// The first day views may be given for a term ending on `ends_on`.
pub fn window_opens(ends_on: NaiveDate) -> NaiveDate {
    ends_on - Duration::days(REVIEW_WINDOW_DAYS)
}

/// Whether views may be given on `today` (the assessment not yet published).
pub fn window_open(ends_on: NaiveDate, today: NaiveDate, published: bool) -> bool {
    !published && today >= window_opens(ends_on)
}

/// Every problem with one view.
pub fn check_review(score: i32, comment: &str) -> Vec<Violation> {
    let mut out = vec![];
    if !(1..=5).contains(&score) {
        out.push(Violation::new(
            "score".into(),
            "评分须为1–5分".into(),
            "Score: 1 to 5".into(),
        ));
    }
    if comment.trim().chars().count() > MAX_REVIEW_COMMENT_CHARS {
        out.push(Violation::new(
            "comment".into(),
            format!("评语不能超过{MAX_REVIEW_COMMENT_CHARS}字"),
            "Comment: at most 200 characters".into(),
        ));
    }
    out
}

/// The tally of one group's views of a mentor (scores outside 1–5 ignored).
pub fn tally(scores: &[i32]) -> ViewTally {
    let mut t = ViewTally::default();
    for s in scores.iter().filter(|s| (1..=5).contains(*s)) {
        t.respondents += 1;
        t.count += 1;
        t.sum += *s as u32;
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn the_window_opens_before_the_end_and_closes_on_publication() {
        let end = d("2027-01-20");
        assert!(!window_open(end, d("2026-12-20"), false));
        assert!(window_open(end, d("2026-12-21"), false));
        assert!(window_open(end, d("2027-02-10"), false));
        assert!(!window_open(end, d("2027-01-10"), true));
    }

    #[test]
    fn views_are_checked_and_tallied() {
        assert!(check_review(3, "认真负责").is_empty());
        assert_eq!(check_review(0, "").len(), 1);
        assert_eq!(check_review(6, &"长".repeat(201)).len(), 2);
        let t = tally(&[5, 4, 9]);
        assert_eq!((t.respondents, t.count, t.sum), (2, 2, 9));
        assert_eq!(
            ReviewerRole::from_code("GRADE_LEADER"),
            Some(ReviewerRole::GradeLeader)
        );
    }
}

//! The termly mentor assessment (导师考核) as policy data, and the pure rating
//! of every mentor of a school from recorded facts.
//!
//! A school's [`AssessmentScheme`] (part of its policy, within the district's
//! floor) names the indicators and their weights, the quota for 优秀, and the
//! rules for 待改善. [`rate`] turns each mentor's [`MentorFacts`] (what the
//! task engine, the activity log, the growth messages and the reviewers'
//! views say) into an [`AssessmentOutcome`] with an explanation per indicator.
//!
//! Everything is integer arithmetic in per-mille (‰) so the same inputs give
//! the same result on every machine, in the browser too.
//!
//! 尽职免责: a mentor who did every task that fell due is never rated 待改善,
//! whatever the other indicators say; the record of what they did protects
//! them.

use serde::{Deserialize, Serialize};

use crate::validation::Violation;

pub mod lifecycle;
mod rate;
pub mod review;
pub mod training;

pub use rate::{AssessmentOutcome, IndicatorValue, MentorFacts, ViewTally, rate};

/// Largest number of mentors one run rates (a school has a few hundred at
/// most; the bound keeps a run's work known).
pub const MAX_MENTORS: usize = 2000;

/// What a mentor is assessed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[cfg_attr(feature = "graphql", graphql(name = "AssessmentIndicator"))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Indicator {
    /// 任务完成: the share of the three tasks (三个一) due that were met, from
    /// the task engine.
    TaskCompletion,
    /// 活动记录: activities logged this term against the scheme's target.
    Activities,
    /// 成长寄语: growth messages written per student held.
    GrowthMessages,
    /// 学生评价: students' satisfaction (1–5) from surveys.
    StudentView,
    /// 家长评价: parents' satisfaction (1–5) from surveys.
    ParentView,
    /// 班主任评价: head teachers' views (1–5).
    HeadTeacherView,
    /// 年级组长评价: grade leaders' views (1–5).
    GradeLeaderView,
}

impl Indicator {
    /// Every indicator, in display order.
    pub const ALL: [Indicator; 7] = [
        Indicator::TaskCompletion,
        Indicator::Activities,
        Indicator::GrowthMessages,
        Indicator::StudentView,
        Indicator::ParentView,
        Indicator::HeadTeacherView,
        Indicator::GradeLeaderView,
    ];

    /// Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            Indicator::TaskCompletion => "任务完成",
            Indicator::Activities => "活动记录",
            Indicator::GrowthMessages => "成长寄语",
            Indicator::StudentView => "学生评价",
            Indicator::ParentView => "家长评价",
            Indicator::HeadTeacherView => "班主任评价",
            Indicator::GradeLeaderView => "年级组长评价",
        }
    }

    /// Stable code (JSON and database).
    pub fn code(self) -> &'static str {
        match self {
            Indicator::TaskCompletion => "TASK_COMPLETION",
            Indicator::Activities => "ACTIVITIES",
            Indicator::GrowthMessages => "GROWTH_MESSAGES",
            Indicator::StudentView => "STUDENT_VIEW",
            Indicator::ParentView => "PARENT_VIEW",
            Indicator::HeadTeacherView => "HEAD_TEACHER_VIEW",
            Indicator::GradeLeaderView => "GRADE_LEADER_VIEW",
        }
    }

    /// Whether the value comes from reviewers' views (surveys, ratings).
    pub fn is_view(self) -> bool {
        matches!(
            self,
            Indicator::StudentView
                | Indicator::ParentView
                | Indicator::HeadTeacherView
                | Indicator::GradeLeaderView
        )
    }

    /// Whether the value comes from surveys of students or parents (whose
    /// answers count only from enough people, `min_views`).
    pub fn is_survey(self) -> bool {
        matches!(self, Indicator::StudentView | Indicator::ParentView)
    }
}

/// The three ratings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[cfg_attr(feature = "graphql", graphql(name = "MentorRating"))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Rating {
    /// 优秀.
    Excellent,
    /// 合格.
    Qualified,
    /// 待改善.
    NeedsImprovement,
}

impl Rating {
    /// Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            Rating::Excellent => "优秀",
            Rating::Qualified => "合格",
            Rating::NeedsImprovement => "待改善",
        }
    }

    /// Stable code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            Rating::Excellent => "EXCELLENT",
            Rating::Qualified => "QUALIFIED",
            Rating::NeedsImprovement => "NEEDS_IMPROVEMENT",
        }
    }

    /// Parses a stored code.
    pub fn from_code(s: &str) -> Option<Rating> {
        [
            Rating::Excellent,
            Rating::Qualified,
            Rating::NeedsImprovement,
        ]
        .into_iter()
        .find(|r| r.code() == s)
    }
}

/// One indicator's weight in the total (points out of 100).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndicatorWeight {
    /// The indicator.
    pub indicator: Indicator,
    /// Points out of 100; all weights of a scheme add up to 100.
    pub weight: u32,
}

/// A school's assessment scheme (考核方案) and mentor lifecycle rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssessmentScheme {
    /// Indicators and weights (each indicator at most once, adding up to 100).
    pub weights: Vec<IndicatorWeight>,
    /// Activities a mentor logs in a term for the full activities value.
    pub activities_target: u32,
    /// Growth messages per student held for the full growth-message value.
    pub growth_messages_per_student: u32,
    /// Survey views (students', parents') from fewer than this many people
    /// are left out (small groups say too little, and could identify a
    /// respondent); their weight goes to the other indicators. Head
    /// teachers' and grade leaders' views are given by name and count from
    /// one reviewer.
    pub min_views: u32,
    /// At most this share (%) of the assessed mentors are 优秀 (e.g. 20).
    pub excellent_quota_percent: u32,
    /// 优秀 also needs at least this total score (‰).
    pub excellent_min_score: u32,
    /// Below this total score (‰) a mentor who left tasks undone is 待改善.
    pub needs_improvement_below_score: u32,
    /// Below this task completion (‰) a mentor is 待改善 (tasks left undone).
    pub needs_improvement_task_completion_below: u32,
    /// Days of probation (试用期) after the required training (e.g. 30).
    pub probation_days: u32,
    /// Whether teachers on probation may already be matched with students
    /// (otherwise only appointed mentors are).
    pub match_probationary: bool,
}

impl Default for AssessmentScheme {
    fn default() -> Self {
        AssessmentScheme::standard()
    }
}

impl AssessmentScheme {
    /// The scheme of the seed (篇1): tasks weigh most, students and parents
    /// are heard, 优秀 ≤ 20 %.
    pub fn standard() -> AssessmentScheme {
        let w = |indicator, weight| IndicatorWeight { indicator, weight };
        AssessmentScheme {
            weights: vec![
                w(Indicator::TaskCompletion, 40),
                w(Indicator::Activities, 10),
                w(Indicator::GrowthMessages, 10),
                w(Indicator::StudentView, 15),
                w(Indicator::ParentView, 15),
                w(Indicator::HeadTeacherView, 5),
                w(Indicator::GradeLeaderView, 5),
            ],
            activities_target: 6,
            growth_messages_per_student: 1,
            min_views: 3,
            excellent_quota_percent: 20,
            excellent_min_score: 850,
            needs_improvement_below_score: 600,
            needs_improvement_task_completion_below: 600,
            probation_days: 30,
            match_probationary: true,
        }
    }

    /// The weight of an indicator (0 when the scheme leaves it out).
    pub fn weight(&self, i: Indicator) -> u32 {
        self.weights
            .iter()
            .filter(|w| w.indicator == i)
            .map(|w| w.weight)
            .sum()
    }

    /// Whether a teacher with this standing may be matched with students.
    pub fn may_match(&self, q: crate::org::Qualification) -> bool {
        use crate::org::Qualification as Q;
        match q {
            Q::Appointed => true,
            Q::Probation => self.match_probationary,
            Q::Untrained | Q::Training | Q::Deferred => false,
        }
    }

    /// Every problem with the scheme on its own; paths start at `prefix`
    /// (e.g. `"mentor_assessment"`).
    pub fn validate(&self, prefix: &str) -> Vec<Violation> {
        let mut out = Vec::new();
        let mut push = |field: &str, zh: String, en: String| {
            out.push(Violation::new(format!("{prefix}.{field}"), zh, en));
        };
        let mut seen = Vec::new();
        for (i, w) in self.weights.iter().enumerate() {
            if seen.contains(&w.indicator) {
                push(
                    &format!("weights.{i}.indicator"),
                    format!("指标“{}”重复", w.indicator.label_zh()),
                    format!("Indicator {} appears twice", w.indicator.code()),
                );
            }
            seen.push(w.indicator);
        }
        let total: u32 = self.weights.iter().map(|w| w.weight.min(1000)).sum();
        if total != 100 {
            push(
                "weights",
                format!("各项指标权重之和须为100,现为{total}"),
                format!("The weights must add up to 100, not {total}"),
            );
        }
        if self.weight(Indicator::TaskCompletion) == 0 {
            push(
                "weights",
                "任务完成须作为考核指标".into(),
                "Task completion must be an indicator".into(),
            );
        }
        if !(1..=1000).contains(&self.activities_target) {
            push(
                "activities_target",
                "每学期活动目标须为1–1000次".into(),
                "The activities target must be 1–1000 a term".into(),
            );
        }
        if !(1..=20).contains(&self.growth_messages_per_student) {
            push(
                "growth_messages_per_student",
                "每名学生成长寄语目标须为1–20条".into(),
                "Growth messages per student must be 1–20".into(),
            );
        }
        if !(3..=100).contains(&self.min_views) {
            push(
                "min_views",
                "评价至少须有3–100份才计入(人数过少可能识别出答卷人)".into(),
                "Views count from 3–100 answers (fewer could identify a respondent)".into(),
            );
        }
        if !(1..=50).contains(&self.excellent_quota_percent) {
            push(
                "excellent_quota_percent",
                "优秀比例须为1%–50%".into(),
                "The 优秀 quota must be 1–50 %".into(),
            );
        }
        for (field, v) in [
            ("excellent_min_score", self.excellent_min_score),
            (
                "needs_improvement_below_score",
                self.needs_improvement_below_score,
            ),
            (
                "needs_improvement_task_completion_below",
                self.needs_improvement_task_completion_below,
            ),
        ] {
            if v > 1000 {
                push(
                    field,
                    "分数线须在0–1000‰之间".into(),
                    "Cut-offs are 0–1000 ‰".into(),
                );
            }
        }
        if self.needs_improvement_below_score >= self.excellent_min_score {
            push(
                "needs_improvement_below_score",
                "待改善分数线须低于优秀分数线".into(),
                "The 待改善 cut-off must be below the 优秀 cut-off".into(),
            );
        }
        if !(7..=180).contains(&self.probation_days) {
            push(
                "probation_days",
                "试用期须为7–180天".into(),
                "Probation must last 7–180 days".into(),
            );
        }
        out
    }

    /// Where a school's scheme is looser than its district's: a larger 优秀
    /// quota, a shorter probation, or probationers matched when the district
    /// says not.
    pub fn compare_to_baseline(&self, b: &AssessmentScheme, prefix: &str) -> Vec<Violation> {
        let mut out = Vec::new();
        if self.excellent_quota_percent > b.excellent_quota_percent {
            out.push(Violation::new(
                format!("{prefix}.excellent_quota_percent"),
                format!(
                    "优秀比例{}%超过区里规定的{}%",
                    self.excellent_quota_percent, b.excellent_quota_percent
                ),
                format!(
                    "The 优秀 quota {} % exceeds the district's {} %",
                    self.excellent_quota_percent, b.excellent_quota_percent
                ),
            ));
        }
        if self.probation_days < b.probation_days {
            out.push(Violation::new(
                format!("{prefix}.probation_days"),
                format!(
                    "试用期{}天短于区里规定的{}天",
                    self.probation_days, b.probation_days
                ),
                format!(
                    "Probation of {} days is shorter than the district's {}",
                    self.probation_days, b.probation_days
                ),
            ));
        }
        if self.match_probationary && !b.match_probationary {
            out.push(Violation::new(
                format!("{prefix}.match_probationary"),
                "区里规定试用期教师不能结对学生".into(),
                "The district does not let probationers take students".into(),
            ));
        }
        out
    }
}

/// The largest 优秀 count for `n` assessed mentors under a quota in percent
/// (rounded down: 优秀 ≤ 20 % of 9 is 1).
pub fn excellent_cap(n: usize, quota_percent: u32) -> usize {
    n * (quota_percent.min(100) as usize) / 100
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standard_scheme_is_valid() {
        assert_eq!(AssessmentScheme::standard().validate("m"), vec![]);
    }

    #[test]
    fn bad_schemes_are_explained() {
        let mut s = AssessmentScheme::standard();
        s.weights[0].weight = 10;
        s.excellent_quota_percent = 90;
        s.min_views = 1;
        let v = s.validate("mentor_assessment");
        let paths: Vec<&str> = v.iter().map(|v| v.path.as_str()).collect();
        assert!(paths.contains(&"mentor_assessment.weights"));
        assert!(paths.contains(&"mentor_assessment.excellent_quota_percent"));
        assert!(paths.contains(&"mentor_assessment.min_views"));
    }

    #[test]
    fn a_school_cannot_loosen_the_district() {
        let b = AssessmentScheme {
            match_probationary: false,
            ..AssessmentScheme::standard()
        };
        let s = AssessmentScheme {
            excellent_quota_percent: 30,
            probation_days: 20,
            ..AssessmentScheme::standard()
        };
        assert_eq!(s.compare_to_baseline(&b, "x").len(), 3);
    }

    #[test]
    fn matching_follows_the_policy() {
        use crate::org::Qualification as Q;
        let mut s = AssessmentScheme::standard();
        assert!(s.may_match(Q::Probation));
        s.match_probationary = false;
        assert!(!s.may_match(Q::Probation));
        assert!(s.may_match(Q::Appointed));
        assert!(!s.may_match(Q::Deferred));
    }

    #[test]
    fn the_cap_rounds_down() {
        assert_eq!(excellent_cap(9, 20), 1);
        assert_eq!(excellent_cap(10, 20), 2);
        assert_eq!(excellent_cap(4, 20), 0);
    }
}

//! 一校一策: the district baseline and each school's policy, as data.
//!
//! A [`DistrictBaseline`] sets the floor for every school of the district
//! (which grades are in the programme, the mentor:student ratio cap, the 三个一
//! tasks …). A [`SchoolPolicy`] is one school's own rules; it may be stricter
//! than the baseline, never looser. Both are versioned by term with an
//! effective date ([`PolicyMeta`]); a new version is a new value, the old one is
//! kept by the store.
//!
//! * [`validate_baseline`] checks a baseline on its own;
//! * [`validate_school`] checks a school policy on its own *and* against the
//!   baseline, returning **every** [`Violation`] with a path such as
//!   `"ratio.per_grade.7"` (paths follow the JSON field names of
//!   [`PolicyRules`]) and messages in Chinese and English. Values above the
//!   district's are reported, never clamped.
//! * [`diff`] lists what changes between two versions, for the "what changes"
//!   view.
//! * [`presets`] holds the plans of the seed document (篇1–篇6) as presets.
//!
//! Assessment display ([`AssessmentDisplay`]) offers percentage bands and
//! grade levels only: ranking students is not an option, so there is no
//! variant for it.

//!
//! The rule types are here; validation is in `validate` (each policy on its
//! own) and `baseline` (a school policy against its district's floor), the
//! version diff in `diff`. Everything is re-exported here, so callers write
//! `shared::policy::validate_school`.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::activity::{Channel, Trigger};
use crate::grading::{BandScale, DisplayKind};
use crate::mentor_assessment::AssessmentScheme;
use crate::org::{Role, SchoolStage};

mod baseline;
mod diff;
mod emergency;
pub mod presets;
mod quiet;
mod validate;

pub use crate::validation::Violation;
pub use diff::{Change, diff};
pub use emergency::{EmergencyPlan, LevelPlan};
pub use quiet::QuietHours;
pub use validate::{validate_baseline, validate_school, validate_successor};

/// Terms in a school year (上学期, 下学期), used to compare per-term with
/// per-year counts.
pub const TERMS_PER_YEAR: u32 = 2;

/// Version information shared by baselines and school policies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyMeta {
    /// Display name, e.g. "迎园中学全员导师制工作方案".
    pub name: String,
    /// Version number, 1 for the first, +1 for each saved change.
    pub version: u32,
    /// The term (学期) from which this version applies.
    pub term_id: String,
    /// The day this version takes effect.
    pub effective_from: NaiveDate,
    /// The preset it started from, if any (see [`presets`]).
    #[serde(default)]
    pub preset: Option<String>,
}

/// The district's floor (区基线) for every school.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DistrictBaseline {
    /// Version information.
    pub meta: PolicyMeta,
    /// The rules.
    pub rules: PolicyRules,
}

/// One school's own rules (一校一策).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolPolicy {
    /// Version information.
    pub meta: PolicyMeta,
    /// The rules.
    pub rules: PolicyRules,
}

/// The rules proper, the same shape at district and school level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyRules {
    /// Which stages and grades are in the programme.
    pub scope: Scope,
    /// Mentor:student ratio cap.
    pub ratio: RatioCap,
    /// Matching methods and windows per grade (a district may leave this empty).
    #[serde(default)]
    pub matching: Vec<MatchingRule>,
    /// The tasks every mentor does, with cadence and windows.
    pub tasks: TaskRules,
    /// Home–school communication rules (归口管理).
    pub communication: CommunicationRules,
    /// How exam results are shown (never as a rank).
    pub assessment: AssessmentDisplay,
    /// The termly mentor assessment (导师考核) and the lifecycle rules
    /// (probation, who may be matched). Policies stored before it existed
    /// read as the standard scheme.
    #[serde(default)]
    pub mentor_assessment: AssessmentScheme,
    /// The emergency plan (应急预案) for concerns and crises; policies saved
    /// before it existed get the standard plan.
    #[serde(default)]
    pub emergency: EmergencyPlan,
}

/// Which stages and grades are in the programme (对象范围).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    /// One entry per stage.
    pub stages: Vec<StageScope>,
}

/// The grades of one stage that are in the programme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageScope {
    /// The stage.
    pub stage: SchoolStage,
    /// Grades (年级, 1–12) in the programme; must lie in `stage.grades()`.
    pub grades: Vec<i32>,
}

impl Scope {
    /// Whether a grade is in the programme in any stage.
    pub fn includes_grade(&self, grade: i32) -> bool {
        self.stages.iter().any(|s| s.grades.contains(&grade))
    }

    /// Every grade in the programme, ascending, without duplicates.
    pub fn all_grades(&self) -> Vec<i32> {
        let mut g: Vec<i32> = self
            .stages
            .iter()
            .flat_map(|s| s.grades.iter().copied())
            .collect();
        g.sort_unstable();
        g.dedup();
        g
    }
}

/// Mentor:student ratio cap (配置比例), e.g. 15 for 1:15.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatioCap {
    /// Most students per mentor unless a grade says otherwise.
    pub default_max: u32,
    /// Per-grade caps (JSON object keyed by grade: `{"7": 16}`).
    #[serde(default)]
    pub per_grade: BTreeMap<i32, u32>,
}

impl RatioCap {
    /// The cap that applies to a grade.
    pub fn cap_for(&self, grade: i32) -> u32 {
        self.per_grade
            .get(&grade)
            .copied()
            .unwrap_or(self.default_max)
    }
}

/// How mentors and students are matched (匹配方式).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MatchingMethod {
    /// 双向选择: students and teachers rank each other, the school resolves.
    TwoWay,
    /// 教学载体: through clubs and interest groups, then by class.
    Club,
    /// 随机抽选 / 导师盲盒: random draw.
    BlindBox,
    /// 学生线上自主选择: students pick, each mentor has a quota.
    SelfSelection,
}

impl MatchingMethod {
    /// Every method.
    pub const ALL: [MatchingMethod; 4] = [
        MatchingMethod::TwoWay,
        MatchingMethod::Club,
        MatchingMethod::BlindBox,
        MatchingMethod::SelfSelection,
    ];

    /// Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            MatchingMethod::TwoWay => "双向选择",
            MatchingMethod::Club => "教学载体(社团)匹配",
            MatchingMethod::BlindBox => "导师盲盒",
            MatchingMethod::SelfSelection => "学生线上自主选择",
        }
    }

    /// English label.
    pub fn label_en(self) -> &'static str {
        match self {
            MatchingMethod::TwoWay => "Two-way selection",
            MatchingMethod::Club => "Club-based",
            MatchingMethod::BlindBox => "Blind box",
            MatchingMethod::SelfSelection => "Online self-selection",
        }
    }
}

/// Matching for some grades: the methods enabled and when it happens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchingRule {
    /// The grades this rule covers.
    pub grades: Vec<i32>,
    /// Methods enabled, main method first.
    pub methods: Vec<MatchingMethod>,
    /// When matching takes place, relative to the term.
    pub window: WindowSpec,
}

/// What a window offset is counted from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Anchor {
    /// The first day of the period (the term, or the school year for per-year tasks).
    PeriodStart,
    /// The last day of the period.
    PeriodEnd,
}

/// A day relative to a period's start or end (negative: before).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DayOffset {
    /// What the offset is counted from.
    pub anchor: Anchor,
    /// Days after the anchor (negative before).
    pub days: i32,
}

/// A window of days relative to a period, both ends inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct WindowSpec {
    /// First day.
    pub from: DayOffset,
    /// Last day.
    pub to: DayOffset,
}

impl WindowSpec {
    /// The whole period.
    pub const fn whole_period() -> WindowSpec {
        WindowSpec {
            from: DayOffset {
                anchor: Anchor::PeriodStart,
                days: 0,
            },
            to: DayOffset {
                anchor: Anchor::PeriodEnd,
                days: 0,
            },
        }
    }

    /// From `days_before` days before the period starts to its last day.
    pub const fn before_start_to_end(days_before: i32) -> WindowSpec {
        WindowSpec {
            from: DayOffset {
                anchor: Anchor::PeriodStart,
                days: -days_before,
            },
            to: DayOffset {
                anchor: Anchor::PeriodEnd,
                days: 0,
            },
        }
    }

    /// From `days_before` days before the period starts to the end of its
    /// `weeks`-th week (`weeks = 0`: the day before it starts).
    pub const fn before_start_or_first_weeks(days_before: i32, weeks: i32) -> WindowSpec {
        WindowSpec {
            from: DayOffset {
                anchor: Anchor::PeriodStart,
                days: -days_before,
            },
            to: DayOffset {
                anchor: Anchor::PeriodStart,
                days: weeks * 7 - 1,
            },
        }
    }

    /// Weeks `from_week..=to_week` of the period (week 1 = its first 7 days).
    pub const fn weeks(from_week: i32, to_week: i32) -> WindowSpec {
        WindowSpec {
            from: DayOffset {
                anchor: Anchor::PeriodStart,
                days: (from_week - 1) * 7,
            },
            to: DayOffset {
                anchor: Anchor::PeriodStart,
                days: to_week * 7 - 1,
            },
        }
    }

    /// The last `days` days of the period, up to `grace` days after it ends.
    pub const fn at_end(days: i32, grace: i32) -> WindowSpec {
        WindowSpec {
            from: DayOffset {
                anchor: Anchor::PeriodEnd,
                days: -days + 1,
            },
            to: DayOffset {
                anchor: Anchor::PeriodEnd,
                days: grace,
            },
        }
    }

    /// The concrete (from, to) for a period.
    pub fn resolve(
        &self,
        period_start: NaiveDate,
        period_end: NaiveDate,
    ) -> (NaiveDate, NaiveDate) {
        let at = |o: DayOffset| {
            let base = match o.anchor {
                Anchor::PeriodStart => period_start,
                Anchor::PeriodEnd => period_end,
            };
            base + Duration::days(i64::from(o.days))
        };
        (at(self.from), at(self.to))
    }
}

/// How often a task recurs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Cadence {
    /// 每学期.
    PerTerm,
    /// 每学年.
    PerYear,
}

impl Cadence {
    /// Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            Cadence::PerTerm => "每学期",
            Cadence::PerYear => "每学年",
        }
    }

    /// English label.
    pub fn label_en(self) -> &'static str {
        match self {
            Cadence::PerTerm => "per term",
            Cadence::PerYear => "per year",
        }
    }
}

/// Who leads a home visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum HomeVisitLead {
    /// 由班主任指导: the head teacher leads, the mentor may join.
    HeadTeacher,
    /// 联合: head teacher and mentor together.
    Joint,
    /// 导师: the mentor, optionally with the head teacher.
    Mentor,
}

/// A condition restricting a task to some students.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StudentCondition {
    /// 家住城区: only students living in town.
    LivesInTown,
}

/// 一次学生家访.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeVisitRule {
    /// Visits required per period (0: not required).
    pub count: u32,
    /// Per term or per year.
    pub cadence: Cadence,
    /// When, relative to the period (e.g. before term start or the first weeks).
    pub window: WindowSpec,
    /// Who leads.
    pub lead: HomeVisitLead,
    /// Only for some students (none: every student).
    #[serde(default)]
    pub condition: Option<StudentCondition>,
}

/// Days around a key exam in which a talk counts as "before/after the exam".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExamWindow {
    /// Days before the exam day.
    pub days_before: u32,
    /// Days after the exam day.
    pub days_after: u32,
}

/// 谈心谈话.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TalkRule {
    /// Talks required per term (0: not required).
    pub count_per_term: u32,
    /// The key moments the plan names (重要考试前后, 重大变故 …).
    pub triggers: Vec<Trigger>,
    /// When talks count, relative to the term (e.g. 开学前后 to term end).
    pub window: WindowSpec,
    /// The window each key exam opens.
    pub exam_window: ExamWindow,
    /// Whether every key exam of the student's grade requires its own talk
    /// within the exam window (on top of `count_per_term`).
    #[serde(default)]
    pub one_per_key_exam: bool,
}

/// 一次书面反馈: the written growth message (成长寄语).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrowthMessageRule {
    /// Messages required per period (0: not required).
    pub count: u32,
    /// Per term or per year.
    pub cadence: Cadence,
    /// When, relative to the period (due at its end).
    pub window: WindowSpec,
    /// Whether a message is published only after the head teacher or the
    /// grade leader approved it (审阅); off: the mentor publishes a
    /// submitted message directly. Absent in older stored rules: off.
    #[serde(default)]
    pub review_required: bool,
}

/// Something required every calendar month of the term.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthlyRule {
    /// How many per month (0: not required).
    pub per_month: u32,
}

/// One entry of a school's optional-action menu (自选动作).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MenuItem {
    /// Stable code recorded on the activity (`ActivityFact::optional_action`).
    pub code: String,
    /// What users see.
    pub label_zh: String,
}

/// 自选动作.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptionalActionRule {
    /// The school's menu (empty: any optional action counts).
    #[serde(default)]
    pub menu: Vec<MenuItem>,
    /// Distinct menu items required per term (0: not required).
    pub min_per_term: u32,
}

/// Every task a mentor does, with cadence and windows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskRules {
    /// 家访.
    pub home_visit: HomeVisitRule,
    /// 谈心谈话.
    pub talks: TalkRule,
    /// 成长寄语.
    pub growth_message: GrowthMessageRule,
    /// 家校联系: at least this many parent contacts a month.
    pub parent_contact: MonthlyRule,
    /// 学生汇报: the student reports to the mentor this many times a month.
    pub self_report: MonthlyRule,
    /// 自选动作.
    pub optional_actions: OptionalActionRule,
    /// When a student changes mentor and a task is still open, the new mentor
    /// gets at least this many days from the change (see [`crate::tasks`]).
    pub handover_grace_days: u32,
    /// How many days back a mentor may date an activity they record (补记);
    /// earlier only the head teacher or the school admin, with a reason
    /// that is audited. Dates in the future are always refused.
    #[serde(default = "default_backdate_days")]
    pub backdate_days: u32,
    /// An open task whose window closes within this many days is "due soon"
    /// (临近截止); later ones are simply open.
    #[serde(default = "default_due_soon_days")]
    pub due_soon_days: u32,
}

/// The default of [`TaskRules::backdate_days`].
pub const DEFAULT_BACKDATE_DAYS: u32 = 30;
/// The default of [`TaskRules::due_soon_days`].
pub const DEFAULT_DUE_SOON_DAYS: u32 = 14;

fn default_backdate_days() -> u32 {
    DEFAULT_BACKDATE_DAYS
}

fn default_due_soon_days() -> u32 {
    DEFAULT_DUE_SOON_DAYS
}

/// Home–school communication (归口管理).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommunicationRules {
    /// Who may record and initiate parent contact, by their relation to the
    /// student: `head_teacher` = the student's head teacher, `mentor` = one of
    /// the student's mentors. Anybody else goes through the mentor.
    pub parent_contact_roles: Vec<Role>,
    /// The preferred channel (减少键对键、增加面对面).
    pub preferred_channel: Channel,
    /// No pushes to parents' and students' phones in these hours (the
    /// inbox still gets the notice; the push waits until they end).
    #[serde(default)]
    pub quiet_hours: QuietHours,
}

impl CommunicationRules {
    /// Whether somebody holding `relations` to the student may record or
    /// initiate parent contact.
    pub fn may_contact_parents(&self, relations: &[Role]) -> bool {
        relations
            .iter()
            .any(|r| self.parent_contact_roles.contains(r))
    }

    /// The refusal message naming who may contact the parents, in Chinese.
    pub fn refusal_zh(&self) -> String {
        let who: Vec<&str> = self
            .parent_contact_roles
            .iter()
            .map(|r| role_relation_zh(*r))
            .collect();
        format!(
            "按学校家校沟通归口管理规定,只有{}可以联系家长;请通过学生的导师协调。",
            who.join("或")
        )
    }

    /// The refusal message, in English.
    pub fn refusal_en(&self) -> String {
        let who: Vec<&str> = self
            .parent_contact_roles
            .iter()
            .map(|r| role_relation_en(*r))
            .collect();
        format!(
            "Under the school's communication rule only {} may contact the parents; please go through the student's mentor.",
            who.join(" or ")
        )
    }
}

fn role_relation_zh(r: Role) -> &'static str {
    match r {
        Role::HeadTeacher => "学生的班主任",
        Role::Mentor => "学生的导师",
        other => other.label_zh(),
    }
}

fn role_relation_en(r: Role) -> &'static str {
    match r {
        Role::HeadTeacher => "the student's head teacher",
        Role::Mentor => "the student's mentor",
        Role::DistrictAdmin => "the district",
        Role::SchoolAdmin => "the school admin",
        Role::GradeLeader => "the grade leader",
        Role::Counsellor => "the counsellor",
        Role::Parent => "a parent",
        Role::Student => "the student",
    }
}

/// How results are shown: grade levels (等第) for primary, percentage bands
/// (百分比区间) for middle and high. There is no ranking option.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssessmentDisplay {
    /// Primary school (小学): must be grade levels.
    pub primary: BandScale,
    /// Middle and high school (初中、高中、中职).
    pub secondary: BandScale,
}

impl AssessmentDisplay {
    /// The default: 优秀/良好/合格/待合格 for primary, ten-point bands above.
    pub fn standard() -> AssessmentDisplay {
        AssessmentDisplay {
            primary: BandScale::primary_levels_zh(),
            secondary: BandScale::percent_default(),
        }
    }

    /// The scale for a grade (1–5 primary, 6 and above secondary; grade 6
    /// counts as secondary since in a 5+4 system it is the first middle-school
    /// grade).
    pub fn scale_for_grade(&self, grade: i32) -> &BandScale {
        if grade <= 5 {
            &self.primary
        } else {
            &self.secondary
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_helpers_resolve() {
        let s = NaiveDate::from_ymd_opt(2025, 9, 1).unwrap();
        let e = NaiveDate::from_ymd_opt(2026, 1, 23).unwrap();
        let (f, t) = WindowSpec::weeks(1, 3).resolve(s, e);
        assert_eq!((f, t), (s, NaiveDate::from_ymd_opt(2025, 9, 21).unwrap()));
        let (f, t) = WindowSpec::at_end(14, 0).resolve(s, e);
        assert_eq!(f, NaiveDate::from_ymd_opt(2026, 1, 10).unwrap());
        assert_eq!(t, e);
        let (f, t) = WindowSpec::before_start_or_first_weeks(14, 0).resolve(s, e);
        assert_eq!(f, NaiveDate::from_ymd_opt(2025, 8, 18).unwrap());
        assert_eq!(t, NaiveDate::from_ymd_opt(2025, 8, 31).unwrap());
    }
}

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

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::activity::{Channel, Trigger};
use crate::grading::{BandScale, DisplayKind};
use crate::org::{Role, SchoolStage};

pub mod presets;

/// Terms in a school year (上学期, 下学期), used to compare per-term with
/// per-year counts.
pub const TERMS_PER_YEAR: u32 = 2;

/// One problem found by validation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Violation {
    /// Where: a dotted path into [`PolicyRules`] (or `meta.…`), e.g.
    /// `"ratio.per_grade.7"`, so a form can show it next to the field.
    pub path: String,
    /// What is wrong, in Chinese (shown to users).
    pub message_zh: String,
    /// What is wrong, in English.
    pub message_en: String,
}

impl Violation {
    /// Builds a violation.
    pub fn new(path: String, message_zh: String, message_en: String) -> Violation {
        Violation {
            path,
            message_zh,
            message_en,
        }
    }
}

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

// ---------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------

/// The term used to compare windows expressed from different anchors
/// (2025-09-01 to 2026-01-23).
fn reference_term() -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(2025, 9, 1).expect("valid date"),
        NaiveDate::from_ymd_opt(2026, 1, 23).expect("valid date"),
    )
}

/// The school year used to compare per-year windows (2025-09-01 to 2026-07-03).
fn reference_year() -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(2025, 9, 1).expect("valid date"),
        NaiveDate::from_ymd_opt(2026, 7, 3).expect("valid date"),
    )
}

fn reference_period(c: Cadence) -> (NaiveDate, NaiveDate) {
    match c {
        Cadence::PerTerm => reference_term(),
        Cadence::PerYear => reference_year(),
    }
}

struct Out(Vec<Violation>);

impl Out {
    fn push(&mut self, path: impl Into<String>, zh: impl Into<String>, en: impl Into<String>) {
        self.0
            .push(Violation::new(path.into(), zh.into(), en.into()));
    }
}

fn stage_zh(s: SchoolStage) -> &'static str {
    match s {
        SchoolStage::Primary => "小学",
        SchoolStage::Middle => "初中",
        SchoolStage::High => "高中",
        SchoolStage::Vocational => "中职",
        SchoolStage::NineYear => "九年一贯制",
        SchoolStage::TwelveYear => "十二年一贯制",
    }
}

fn stage_en(s: SchoolStage) -> &'static str {
    match s {
        SchoolStage::Primary => "primary",
        SchoolStage::Middle => "middle school",
        SchoolStage::High => "high school",
        SchoolStage::Vocational => "vocational",
        SchoolStage::NineYear => "nine-year school",
        SchoolStage::TwelveYear => "twelve-year school",
    }
}

/// Whether a school of stage `school` has the grades of stage `base`.
fn covers(school: SchoolStage, base: SchoolStage) -> bool {
    use SchoolStage::*;
    school == base
        || matches!(
            (school, base),
            (NineYear, Primary | Middle) | (TwelveYear, Primary | Middle | High)
        )
}

fn grades_zh(g: &[i32]) -> String {
    g.iter()
        .map(|x| format!("{x}年级"))
        .collect::<Vec<_>>()
        .join("、")
}

fn grades_en(g: &[i32]) -> String {
    let s: Vec<String> = g.iter().map(|x| x.to_string()).collect();
    format!(
        "grade{} {}",
        if g.len() > 1 { "s" } else { "" },
        s.join(", ")
    )
}

fn validate_meta(m: &PolicyMeta, out: &mut Out) {
    if m.name.trim().is_empty() {
        out.push(
            "meta.name",
            "方案名称不能为空",
            "The name must not be empty",
        );
    }
    if m.version == 0 {
        out.push("meta.version", "版本号从1开始", "Versions start at 1");
    }
    if m.term_id.trim().is_empty() {
        out.push(
            "meta.term_id",
            "须指定生效学期",
            "The term it applies from is required",
        );
    }
}

fn validate_window(path: &str, w: &WindowSpec, cadence: Cadence, out: &mut Out) {
    let (s, e) = reference_period(cadence);
    let (from, to) = w.resolve(s, e);
    if from > to {
        out.push(
            format!("{path}.from"),
            "时间窗口的开始晚于结束",
            "The window starts after it ends",
        );
    }
    let limit = 366;
    if w.from.days.abs() > limit || w.to.days.abs() > limit {
        out.push(
            path.to_owned(),
            "时间窗口偏移超过一年",
            "The window is offset by more than a year",
        );
    }
}

fn validate_rules(r: &PolicyRules, is_school: bool, out: &mut Out) {
    // Scope.
    if is_school && r.scope.stages.is_empty() {
        out.push(
            "scope.stages",
            "至少选择一个学段",
            "At least one stage is required",
        );
    }
    for (i, s) in r.scope.stages.iter().enumerate() {
        if r.scope.stages[..i].iter().any(|o| o.stage == s.stage) {
            out.push(
                format!("scope.stages.{i}.stage"),
                format!("学段“{}”重复", stage_zh(s.stage)),
                format!("Stage {} is listed twice", stage_en(s.stage)),
            );
        }
        let range = s.stage.grades();
        let bad: Vec<i32> = s
            .grades
            .iter()
            .copied()
            .filter(|g| !range.contains(g))
            .collect();
        if !bad.is_empty() {
            out.push(
                format!("scope.stages.{i}.grades"),
                format!("{}不属于{}学段", grades_zh(&bad), stage_zh(s.stage)),
                format!("{} not in the {} stage", grades_en(&bad), stage_en(s.stage)),
            );
        }
        let mut sorted = s.grades.clone();
        sorted.sort_unstable();
        if sorted.windows(2).any(|w| w[0] == w[1]) {
            out.push(
                format!("scope.stages.{i}.grades"),
                "年级重复",
                "A grade is listed twice",
            );
        }
        if is_school && s.grades.is_empty() {
            out.push(
                format!("scope.stages.{i}.grades"),
                format!("{}学段至少选择一个年级", stage_zh(s.stage)),
                format!(
                    "Choose at least one grade of the {} stage",
                    stage_en(s.stage)
                ),
            );
        }
    }

    // Ratio.
    if r.ratio.default_max == 0 {
        out.push(
            "ratio.default_max",
            "每位导师至少可带1名学生",
            "The cap must be at least 1",
        );
    }
    for (&g, &v) in &r.ratio.per_grade {
        let p = format!("ratio.per_grade.{g}");
        if !(1..=12).contains(&g) {
            out.push(
                p.clone(),
                format!("年级{g}无效(应为1–12)"),
                format!("Grade {g} is invalid (1–12)"),
            );
        }
        if v == 0 {
            out.push(
                p,
                format!("{g}年级每位导师至少可带1名学生"),
                format!("Grade {g}: the cap must be at least 1"),
            );
        }
    }

    // Matching.
    let scope_grades = r.scope.all_grades();
    for (i, m) in r.matching.iter().enumerate() {
        let p = format!("matching.{i}");
        if m.methods.is_empty() {
            out.push(
                format!("{p}.methods"),
                "至少启用一种匹配方式",
                "Enable at least one matching method",
            );
        }
        if m.grades.is_empty() {
            out.push(
                format!("{p}.grades"),
                "至少选择一个年级",
                "Choose at least one grade",
            );
        }
        let outside: Vec<i32> = m
            .grades
            .iter()
            .copied()
            .filter(|g| !scope_grades.contains(g))
            .collect();
        if !outside.is_empty() {
            out.push(
                format!("{p}.grades"),
                format!("{}不在导师制范围内", grades_zh(&outside)),
                format!("{} not in the programme's scope", grades_en(&outside)),
            );
        }
        let dup: Vec<i32> = m
            .grades
            .iter()
            .copied()
            .filter(|g| r.matching[..i].iter().any(|o| o.grades.contains(g)))
            .collect();
        if !dup.is_empty() {
            out.push(
                format!("{p}.grades"),
                format!("{}已有匹配规则", grades_zh(&dup)),
                format!("{} already have a matching rule", grades_en(&dup)),
            );
        }
        validate_window(&format!("{p}.window"), &m.window, Cadence::PerTerm, out);
    }
    if is_school && !r.matching.is_empty() {
        let missing: Vec<i32> = scope_grades
            .iter()
            .copied()
            .filter(|g| !r.matching.iter().any(|m| m.grades.contains(g)))
            .collect();
        if !missing.is_empty() {
            out.push(
                "matching",
                format!("{}尚未设置匹配方式", grades_zh(&missing)),
                format!("{} have no matching rule", grades_en(&missing)),
            );
        }
    }

    // Tasks.
    let t = &r.tasks;
    if t.home_visit.count > 0 {
        validate_window(
            "tasks.home_visit.window",
            &t.home_visit.window,
            t.home_visit.cadence,
            out,
        );
    }
    if t.home_visit.count > 10 {
        out.push(
            "tasks.home_visit.count",
            "家访次数过多(最多10次)",
            "Too many home visits (at most 10)",
        );
    }
    if t.talks.count_per_term > 0 || t.talks.one_per_key_exam {
        validate_window("tasks.talks.window", &t.talks.window, Cadence::PerTerm, out);
        if t.talks.triggers.is_empty() {
            out.push(
                "tasks.talks.triggers",
                "至少列出一个谈心的关键时间节点",
                "List at least one key moment for talks",
            );
        }
    }
    if t.talks.count_per_term > 31 {
        out.push(
            "tasks.talks.count_per_term",
            "谈心次数过多(每学期最多31次)",
            "Too many talks (at most 31 a term)",
        );
    }
    if t.talks.one_per_key_exam && !t.talks.triggers.iter().any(|x| x.is_exam()) {
        out.push(
            "tasks.talks.triggers",
            "要求每次重要考试谈心时,须包含“重要考试前”或“重要考试后”",
            "Talks per key exam need the before-exam or after-exam trigger",
        );
    }
    if t.talks.exam_window.days_before > 60 || t.talks.exam_window.days_after > 60 {
        out.push(
            "tasks.talks.exam_window",
            "考试前后窗口不得超过60天",
            "The exam window may not exceed 60 days either side",
        );
    }
    if t.growth_message.count > 0 {
        validate_window(
            "tasks.growth_message.window",
            &t.growth_message.window,
            t.growth_message.cadence,
            out,
        );
    }
    if t.growth_message.count > 4 {
        out.push(
            "tasks.growth_message.count",
            "成长寄语次数过多(最多4份)",
            "Too many growth messages (at most 4)",
        );
    }
    for (name, m) in [
        ("parent_contact", t.parent_contact),
        ("self_report", t.self_report),
    ] {
        if m.per_month > 31 {
            out.push(
                format!("tasks.{name}.per_month"),
                "每月次数不得超过31次",
                "At most 31 a month",
            );
        }
    }
    let menu = &t.optional_actions.menu;
    for (i, item) in menu.iter().enumerate() {
        if item.code.trim().is_empty() {
            out.push(
                format!("tasks.optional_actions.menu.{i}.code"),
                "自选动作代码不能为空",
                "The item's code must not be empty",
            );
        } else if menu[..i].iter().any(|o| o.code == item.code) {
            out.push(
                format!("tasks.optional_actions.menu.{i}.code"),
                format!("自选动作代码“{}”重复", item.code),
                format!("Item code \"{}\" is used twice", item.code),
            );
        }
        if item.label_zh.trim().is_empty() {
            out.push(
                format!("tasks.optional_actions.menu.{i}.label_zh"),
                "自选动作名称不能为空",
                "The item's label must not be empty",
            );
        }
    }
    if !menu.is_empty() && t.optional_actions.min_per_term as usize > menu.len() {
        out.push(
            "tasks.optional_actions.min_per_term",
            format!(
                "要求完成{}项自选动作,但菜单只有{}项",
                t.optional_actions.min_per_term,
                menu.len()
            ),
            format!(
                "{} optional actions required but the menu has only {}",
                t.optional_actions.min_per_term,
                menu.len()
            ),
        );
    }
    if t.handover_grace_days > 120 {
        out.push(
            "tasks.handover_grace_days",
            "更换导师后的宽限期不得超过120天",
            "The handover grace may not exceed 120 days",
        );
    }

    // Communication.
    let c = &r.communication;
    if c.parent_contact_roles.is_empty() {
        out.push(
            "communication.parent_contact_roles",
            "须指定可以联系家长的人员(班主任、导师)",
            "Say who may contact parents (head teacher, mentor)",
        );
    }
    let bad: Vec<&str> = c
        .parent_contact_roles
        .iter()
        .filter(|r| matches!(r, Role::Parent | Role::Student | Role::DistrictAdmin))
        .map(|r| r.label_zh())
        .collect();
    if !bad.is_empty() {
        out.push(
            "communication.parent_contact_roles",
            format!("{}不能作为家校沟通的教师一方", bad.join("、")),
            "Parents, students and the district cannot be the school's side of parent contact",
        );
    }

    // Assessment.
    let a = &r.assessment;
    if a.primary.kind != DisplayKind::GradeLevels {
        out.push(
            "assessment.primary.kind",
            "小学须采用等第制评价",
            "Primary schools must report grade levels",
        );
    }
    out.0.extend(a.primary.validate("assessment.primary"));
    out.0.extend(a.secondary.validate("assessment.secondary"));
}

/// Every problem with a district baseline on its own.
pub fn validate_baseline(b: &DistrictBaseline) -> Vec<Violation> {
    let mut out = Out(Vec::new());
    validate_meta(&b.meta, &mut out);
    validate_rules(&b.rules, false, &mut out);
    out.0
}

/// Every problem with a school policy: on its own, and where it is looser
/// than the district baseline. Empty means valid.
pub fn validate_school(p: &SchoolPolicy, b: &DistrictBaseline) -> Vec<Violation> {
    let mut out = Out(Vec::new());
    validate_meta(&p.meta, &mut out);
    validate_rules(&p.rules, true, &mut out);
    compare_to_baseline(&p.rules, &b.rules, &mut out);
    out.0
}

/// Whether a count with a cadence is at least a baseline count with its
/// cadence; `Err(field)` names the field that loosens it.
fn at_least(
    count: u32,
    cadence: Cadence,
    base_count: u32,
    base_cadence: Cadence,
) -> Result<(), &'static str> {
    if base_count == 0 {
        return Ok(());
    }
    match (cadence, base_cadence) {
        (a, b) if a == b => {
            if count >= base_count {
                Ok(())
            } else {
                Err("count")
            }
        }
        (Cadence::PerTerm, Cadence::PerYear) => {
            if count * TERMS_PER_YEAR >= base_count {
                Ok(())
            } else {
                Err("count")
            }
        }
        _ => Err("cadence"),
    }
}

fn cadence_count_zh(count: u32, c: Cadence) -> String {
    format!("{}{}次", c.label_zh(), count)
}

fn cadence_count_en(count: u32, c: Cadence) -> String {
    format!("{count} {}", c.label_en())
}

fn compare_to_baseline(s: &PolicyRules, b: &PolicyRules, out: &mut Out) {
    // Scope: every baseline grade of a stage the school has must be included.
    for (i, ss) in s.scope.stages.iter().enumerate() {
        let range = ss.stage.grades();
        let mut missing: Vec<i32> = Vec::new();
        for bs in b
            .scope
            .stages
            .iter()
            .filter(|bs| covers(ss.stage, bs.stage))
        {
            for g in &bs.grades {
                if range.contains(g) && !ss.grades.contains(g) && !missing.contains(g) {
                    missing.push(*g);
                }
            }
        }
        missing.sort_unstable();
        if !missing.is_empty() {
            out.push(
                format!("scope.stages.{i}.grades"),
                format!(
                    "区基线要求{}纳入导师制,缺少{}",
                    stage_zh(ss.stage),
                    grades_zh(&missing)
                ),
                format!(
                    "The district baseline requires {} in the {} programme",
                    grades_en(&missing),
                    stage_en(ss.stage)
                ),
            );
        }
    }

    // Ratio: never above the district's cap, per grade.
    let grades = s.scope.all_grades();
    if s.ratio.default_max > b.ratio.default_max {
        out.push(
            "ratio.default_max",
            format!(
                "默认配置比例1:{}超过区基线上限1:{}",
                s.ratio.default_max, b.ratio.default_max
            ),
            format!(
                "Default ratio 1:{} exceeds the district cap of 1:{}",
                s.ratio.default_max, b.ratio.default_max
            ),
        );
    }
    for (&g, &v) in &s.ratio.per_grade {
        let cap = b.ratio.cap_for(g);
        if v > cap {
            out.push(
                format!("ratio.per_grade.{g}"),
                format!("{g}年级配置比例1:{v}超过区基线上限1:{cap}"),
                format!("Grade {g}: ratio 1:{v} exceeds the district cap of 1:{cap}"),
            );
        }
    }
    for (&g, &cap) in &b.ratio.per_grade {
        if grades.contains(&g)
            && !s.ratio.per_grade.contains_key(&g)
            && s.ratio.default_max > cap
            && cap < b.ratio.default_max
        {
            out.push(
                "ratio.default_max",
                format!(
                    "{g}年级未单独设置,默认配置比例1:{}超过区基线对该年级的上限1:{cap}",
                    s.ratio.default_max
                ),
                format!(
                    "Grade {g} has no own cap; the default 1:{} exceeds the district cap of 1:{cap} for it",
                    s.ratio.default_max
                ),
            );
        }
    }

    // Tasks.
    let (st, bt) = (&s.tasks, &b.tasks);
    period_task(
        "home_visit",
        "家访",
        "home visits",
        (
            st.home_visit.count,
            st.home_visit.cadence,
            &st.home_visit.window,
        ),
        (
            bt.home_visit.count,
            bt.home_visit.cadence,
            &bt.home_visit.window,
        ),
        out,
    );
    if bt.home_visit.count > 0
        && bt.home_visit.condition.is_none()
        && st.home_visit.condition.is_some()
    {
        out.push(
            "tasks.home_visit.condition",
            "区基线要求家访覆盖全体学生,不能只限于部分学生(如家住城区)",
            "The district requires home visits for every student, not only some (e.g. those living in town)",
        );
    }
    if st.talks.count_per_term < bt.talks.count_per_term {
        out.push(
            "tasks.talks.count_per_term",
            format!(
                "每学期谈心{}次,少于区基线的{}次",
                st.talks.count_per_term, bt.talks.count_per_term
            ),
            format!(
                "{} talks a term is fewer than the district's {}",
                st.talks.count_per_term, bt.talks.count_per_term
            ),
        );
    }
    if bt.talks.count_per_term > 0 {
        deadline_not_later(
            "tasks.talks.window.to",
            "谈心",
            "talks",
            Cadence::PerTerm,
            &st.talks.window,
            &bt.talks.window,
            out,
        );
    }
    if bt.talks.one_per_key_exam && !st.talks.one_per_key_exam {
        out.push(
            "tasks.talks.one_per_key_exam",
            "区基线要求每次重要考试前后都进行谈心",
            "The district requires a talk around every key exam",
        );
    }
    let missing: Vec<&str> = bt
        .talks
        .triggers
        .iter()
        .filter(|t| !st.talks.triggers.contains(t))
        .map(|t| t.label_zh())
        .collect();
    if !missing.is_empty() && bt.talks.count_per_term > 0 {
        out.push(
            "tasks.talks.triggers",
            format!("缺少区基线规定的谈心节点:{}", missing.join("、")),
            "Some key moments named by the district are missing",
        );
    }
    period_task(
        "growth_message",
        "成长寄语",
        "growth messages",
        (
            st.growth_message.count,
            st.growth_message.cadence,
            &st.growth_message.window,
        ),
        (
            bt.growth_message.count,
            bt.growth_message.cadence,
            &bt.growth_message.window,
        ),
        out,
    );
    for (name, zh, en, sm, bm) in [
        (
            "parent_contact",
            "家校联系",
            "parent contacts",
            st.parent_contact,
            bt.parent_contact,
        ),
        (
            "self_report",
            "学生汇报",
            "student reports",
            st.self_report,
            bt.self_report,
        ),
    ] {
        if sm.per_month < bm.per_month {
            out.push(
                format!("tasks.{name}.per_month"),
                format!(
                    "{zh}每月{}次,少于区基线的每月{}次",
                    sm.per_month, bm.per_month
                ),
                format!(
                    "{} {en} a month is fewer than the district's {}",
                    sm.per_month, bm.per_month
                ),
            );
        }
    }
    if st.optional_actions.min_per_term < bt.optional_actions.min_per_term {
        out.push(
            "tasks.optional_actions.min_per_term",
            format!(
                "每学期至少{}项自选动作,少于区基线的{}项",
                st.optional_actions.min_per_term, bt.optional_actions.min_per_term
            ),
            format!(
                "{} optional actions a term is fewer than the district's {}",
                st.optional_actions.min_per_term, bt.optional_actions.min_per_term
            ),
        );
    }
    if st.handover_grace_days > bt.handover_grace_days {
        out.push(
            "tasks.handover_grace_days",
            format!(
                "更换导师宽限期{}天,长于区基线的{}天",
                st.handover_grace_days, bt.handover_grace_days
            ),
            format!(
                "A handover grace of {} days is longer than the district's {}",
                st.handover_grace_days, bt.handover_grace_days
            ),
        );
    }

    // Communication: no one beyond the district's list may contact parents.
    let extra: Vec<Role> = s
        .communication
        .parent_contact_roles
        .iter()
        .copied()
        .filter(|r| !b.communication.parent_contact_roles.contains(r))
        .collect();
    if !extra.is_empty() {
        let zh: Vec<&str> = extra.iter().map(|r| r.label_zh()).collect();
        let en: Vec<&str> = extra.iter().map(|r| r.code()).collect();
        out.push(
            "communication.parent_contact_roles",
            format!(
                "归口管理:区基线只允许{},不能增加{}",
                b.communication
                    .parent_contact_roles
                    .iter()
                    .map(|r| r.label_zh())
                    .collect::<Vec<_>>()
                    .join("、"),
                zh.join("、")
            ),
            format!(
                "Communication rule: the district does not allow {} to contact parents",
                en.join(", ")
            ),
        );
    }
    if b.communication.preferred_channel.is_in_person()
        && !s.communication.preferred_channel.is_in_person()
    {
        out.push(
            "communication.preferred_channel",
            format!(
                "区基线倡导“减少键对键、增加面对面”,首选方式不能是{}",
                s.communication.preferred_channel.label_zh()
            ),
            "The district prefers face-to-face contact; the preferred channel cannot be remote",
        );
    }
}

fn period_task(
    name: &str,
    zh: &str,
    en: &str,
    (count, cadence, window): (u32, Cadence, &WindowSpec),
    (base_count, base_cadence, base_window): (u32, Cadence, &WindowSpec),
    out: &mut Out,
) {
    match at_least(count, cadence, base_count, base_cadence) {
        Ok(()) => {}
        Err(field) => out.push(
            format!("tasks.{name}.{field}"),
            format!(
                "{zh}{}低于区基线的{}",
                cadence_count_zh(count, cadence),
                cadence_count_zh(base_count, base_cadence)
            ),
            format!(
                "{en}: {} is below the district's {}",
                cadence_count_en(count, cadence),
                cadence_count_en(base_count, base_cadence)
            ),
        ),
    }
    if base_count > 0 && count > 0 && cadence == base_cadence {
        deadline_not_later(
            &format!("tasks.{name}.window.to"),
            zh,
            en,
            cadence,
            window,
            base_window,
            out,
        );
    }
}

fn deadline_not_later(
    path: &str,
    zh: &str,
    en: &str,
    cadence: Cadence,
    w: &WindowSpec,
    base: &WindowSpec,
    out: &mut Out,
) {
    let (s, e) = reference_period(cadence);
    let (_, to) = w.resolve(s, e);
    let (_, bto) = base.resolve(s, e);
    if to > bto {
        let late = (to - bto).num_days();
        out.push(
            path.to_owned(),
            format!("{zh}的截止时间比区基线晚{late}天"),
            format!("The deadline for {en} is {late} days later than the district's"),
        );
    }
}

/// Checks that `next` may follow `current` as a new version of the same policy.
pub fn validate_successor(current: &PolicyMeta, next: &PolicyMeta) -> Vec<Violation> {
    let mut out = Out(Vec::new());
    if next.version <= current.version {
        out.push(
            "meta.version",
            format!("新版本号须大于{}", current.version),
            format!("The new version must be above {}", current.version),
        );
    }
    if next.effective_from < current.effective_from {
        out.push(
            "meta.effective_from",
            format!("生效日期不能早于当前版本的{}", current.effective_from),
            format!(
                "It cannot take effect before the current version ({})",
                current.effective_from
            ),
        );
    }
    out.0
}

// ---------------------------------------------------------------------------
// Diff
// ---------------------------------------------------------------------------

/// One difference between two versions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// Dotted path, same convention as [`Violation::path`].
    pub path: String,
    /// The old value (absent if added).
    pub before: Option<Value>,
    /// The new value (absent if removed).
    pub after: Option<Value>,
}

/// What changes from `old` to `new` (rules and version information), sorted
/// by path (object keys in alphabetical order, list items by index). Lists of plain values (grades, roles, triggers) are compared
/// as a whole; lists of objects (matching rules, menu items, bands) item by
/// item.
pub fn diff<T: Serialize>(old: &T, new: &T) -> Vec<Change> {
    let a = serde_json::to_value(old).unwrap_or(Value::Null);
    let b = serde_json::to_value(new).unwrap_or(Value::Null);
    let mut out = Vec::new();
    diff_value("", Some(&a), Some(&b), &mut out);
    out
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn is_object_list(v: &Value) -> bool {
    matches!(v, Value::Array(items) if items.iter().any(|x| x.is_object() || x.is_array()))
}

fn diff_value(path: &str, a: Option<&Value>, b: Option<&Value>, out: &mut Vec<Change>) {
    match (a, b) {
        (Some(Value::Object(x)), Some(Value::Object(y))) => {
            for (k, va) in x {
                diff_value(&join(path, k), Some(va), y.get(k), out);
            }
            for (k, vb) in y {
                if !x.contains_key(k) {
                    diff_value(&join(path, k), None, Some(vb), out);
                }
            }
        }
        (Some(x @ Value::Array(xa)), Some(y @ Value::Array(ya)))
            if is_object_list(x) || is_object_list(y) =>
        {
            for i in 0..xa.len().max(ya.len()) {
                diff_value(&join(path, &i.to_string()), xa.get(i), ya.get(i), out);
            }
        }
        (x, y) => {
            if x != y {
                out.push(Change {
                    path: path.to_owned(),
                    before: x.cloned(),
                    after: y.cloned(),
                });
            }
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

    #[test]
    fn cadence_comparison() {
        use Cadence::*;
        assert!(at_least(1, PerTerm, 1, PerYear).is_ok());
        assert!(at_least(1, PerTerm, 2, PerYear).is_ok());
        assert_eq!(at_least(1, PerTerm, 3, PerYear), Err("count"));
        assert_eq!(at_least(4, PerYear, 1, PerTerm), Err("cadence"));
        assert_eq!(at_least(0, PerTerm, 1, PerTerm), Err("count"));
        assert!(at_least(0, PerYear, 0, PerTerm).is_ok());
    }

    #[test]
    fn diff_paths() {
        let a =
            presets::school_pian5_yingyuan("2025-1", NaiveDate::from_ymd_opt(2025, 9, 1).unwrap());
        let mut b = a.clone();
        b.rules.ratio.per_grade.insert(7, 15);
        b.rules.scope.stages[0].grades.retain(|g| *g != 9);
        b.rules.tasks.optional_actions.menu.pop();
        let c = diff(&a.rules, &b.rules);
        let paths: Vec<&str> = c.iter().map(|c| c.path.as_str()).collect();
        assert!(paths.contains(&"ratio.per_grade.7"), "{paths:?}");
        assert!(paths.contains(&"scope.stages.0.grades"), "{paths:?}");
        assert!(
            paths.contains(&"tasks.optional_actions.menu.9"),
            "{paths:?}"
        );
        let r = c.iter().find(|c| c.path == "ratio.per_grade.7").unwrap();
        assert_eq!(r.before, Some(Value::from(16)));
        assert_eq!(r.after, Some(Value::from(15)));
        assert!(diff(&a, &a).is_empty());
    }
}

//! Validation of a baseline or a school policy on its own, and of a new
//! version against the current one. The comparison of a school policy with
//! its district's floor is in `baseline`.

use chrono::NaiveDate;

use super::baseline::compare_to_baseline;
use super::*;

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

pub(super) fn reference_period(c: Cadence) -> (NaiveDate, NaiveDate) {
    match c {
        Cadence::PerTerm => reference_term(),
        Cadence::PerYear => reference_year(),
    }
}

pub(super) struct Out(pub(super) Vec<Violation>);

impl Out {
    pub(super) fn push(
        &mut self,
        path: impl Into<String>,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) {
        self.0
            .push(Violation::new(path.into(), zh.into(), en.into()));
    }
}

pub(super) fn stage_zh(s: SchoolStage) -> &'static str {
    match s {
        SchoolStage::Primary => "小学",
        SchoolStage::Middle => "初中",
        SchoolStage::High => "高中",
        SchoolStage::Vocational => "中职",
        SchoolStage::NineYear => "九年一贯制",
        SchoolStage::TwelveYear => "十二年一贯制",
    }
}

pub(super) fn stage_en(s: SchoolStage) -> &'static str {
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
pub(super) fn covers(school: SchoolStage, base: SchoolStage) -> bool {
    use SchoolStage::*;
    school == base
        || matches!(
            (school, base),
            (NineYear, Primary | Middle) | (TwelveYear, Primary | Middle | High)
        )
}

pub(super) fn grades_zh(g: &[i32]) -> String {
    g.iter()
        .map(|x| format!("{x}年级"))
        .collect::<Vec<_>>()
        .join("、")
}

pub(super) fn grades_en(g: &[i32]) -> String {
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
    if t.backdate_days > 366 {
        out.push(
            "tasks.backdate_days",
            "补记期限不得超过366天",
            "Back-dating may not reach further than 366 days",
        );
    }
    if !(1..=120).contains(&t.due_soon_days) {
        out.push(
            "tasks.due_soon_days",
            "“临近截止”的天数须在1–120天之间",
            "\"Due soon\" must be between 1 and 120 days",
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
    for (zh, en) in c.quiet_hours.problems() {
        out.push("communication.quiet_hours", zh, en);
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
    out.0
        .extend(r.mentor_assessment.validate("mentor_assessment"));
}

/// Every problem with a district baseline on its own.
pub fn validate_baseline(b: &DistrictBaseline) -> Vec<Violation> {
    let mut out = Out(Vec::new());
    validate_meta(&b.meta, &mut out);
    validate_rules(&b.rules, false, &mut out);
    super::emergency::validate_plan(&b.rules.emergency, false, &mut out);
    out.0
}

/// Every problem with a school policy: on its own, and where it is looser
/// than the district baseline. Empty means valid.
pub fn validate_school(p: &SchoolPolicy, b: &DistrictBaseline) -> Vec<Violation> {
    let mut out = Out(Vec::new());
    validate_meta(&p.meta, &mut out);
    validate_rules(&p.rules, true, &mut out);
    compare_to_baseline(&p.rules, &b.rules, &mut out);
    super::emergency::validate_plan(&p.rules.emergency, true, &mut out);
    super::emergency::compare_plan(&p.rules.emergency, &b.rules.emergency, &mut out);
    out.0
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

//! The plans of the seed document (篇1–篇6) as presets a district or a school
//! can start from. Each preset is the plan's own numbers; where a plan is
//! silent the district rule it cites is used, and the docs say so.
//!
//! | id | source | what |
//! |---|---|---|
//! | `district_pian6` | 篇6 区方案 | floor: middle 6–9, primary 4–5; 1:15; yearly home visit and growth message; one talk a term |
//! | `district_pian4` | 篇3/篇4 区方案 | floor: middle 6–9; 1:15; 三个一 every term (home visit before term start) |
//! | `school_pian1_qinghewan` | 篇1 清河湾中学 | two-way selection (main), clubs and blind box; 三个一 each term |
//! | `school_pian2` | 篇2 (high school) | ≤ 10 per mentor; four talks a term; monthly parent contact; monthly self-report; a home visit each term |
//! | `school_pian5_yingyuan` | 篇5 迎园中学 | 1:15 grades 6/8, 1:16 grades 7/9; online self-selection (grade 6 in early October, others by week 3); two optional actions a term from a ten-item menu |
//! | `school_pian6_primary` | 篇6, primary grades 4–5 | the district floor for a primary school, grade levels (等第) |

use chrono::NaiveDate;
use serde::Serialize;

use super::*;
use crate::activity::{Channel, Trigger};
use crate::org::{Role, SchoolStage};

/// Whether a preset is a district baseline or a school policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PresetLevel {
    /// A [`DistrictBaseline`].
    District,
    /// A [`SchoolPolicy`].
    School,
}

/// A preset's description, for a "start from" picker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PresetInfo {
    /// Stable id, passed to [`district`] or [`school`].
    pub id: &'static str,
    /// Where it comes from in the seed ("篇5").
    pub source: &'static str,
    /// Title in Chinese.
    pub title_zh: &'static str,
    /// Title in English.
    pub title_en: &'static str,
    /// District or school.
    pub level: PresetLevel,
}

/// Every preset.
pub const ALL: [PresetInfo; 6] = [
    PresetInfo {
        id: "district_pian6",
        source: "篇6",
        title_zh: "区方案(篇6):初中全年级、小学四五年级,1:15,每学年一次家访和成长寄语",
        title_en: "District (篇6): all middle grades, primary 4–5, 1:15, yearly home visit and growth message",
        level: PresetLevel::District,
    },
    PresetInfo {
        id: "district_pian4",
        source: "篇3/篇4",
        title_zh: "区方案(篇3/篇4):初中全年级,1:15,每学期“三个一”",
        title_en: "District (篇3/篇4): all middle grades, 1:15, the three tasks every term",
        level: PresetLevel::District,
    },
    PresetInfo {
        id: "school_pian1_qinghewan",
        source: "篇1",
        title_zh: "清河湾中学(篇1):双向选择为主,社团、导师盲盒为辅,每学期“三个一”",
        title_en: "Qinghewan Middle School (篇1): two-way selection, clubs and blind box, three tasks a term",
        level: PresetLevel::School,
    },
    PresetInfo {
        id: "school_pian2",
        source: "篇2",
        title_zh: "篇2高中:每位导师不超过10人,每学期谈心四次,每月家校联系,每月学生汇报",
        title_en: "篇2 high school: ≤ 10 per mentor, four talks a term, monthly parent contact and self-report",
        level: PresetLevel::School,
    },
    PresetInfo {
        id: "school_pian5_yingyuan",
        source: "篇5",
        title_zh: "迎园中学(篇5):六、八年级1:15,七、九年级1:16,每学期至少两项自选动作",
        title_en: "Yingyuan Middle School (篇5): 1:15 grades 6/8, 1:16 grades 7/9, two optional actions a term",
        level: PresetLevel::School,
    },
    PresetInfo {
        id: "school_pian6_primary",
        source: "篇6",
        title_zh: "小学四、五年级(篇6):区基线,等第制评价",
        title_en: "Primary grades 4–5 (篇6): the district floor, grade levels",
        level: PresetLevel::School,
    },
];

/// A district preset by id.
pub fn district(id: &str, term_id: &str, effective_from: NaiveDate) -> Option<DistrictBaseline> {
    match id {
        "district_pian6" => Some(district_pian6(term_id, effective_from)),
        "district_pian4" => Some(district_pian4(term_id, effective_from)),
        _ => None,
    }
}

/// A school preset by id.
pub fn school(id: &str, term_id: &str, effective_from: NaiveDate) -> Option<SchoolPolicy> {
    match id {
        "school_pian1_qinghewan" => Some(school_pian1_qinghewan(term_id, effective_from)),
        "school_pian2" => Some(school_pian2(term_id, effective_from)),
        "school_pian5_yingyuan" => Some(school_pian5_yingyuan(term_id, effective_from)),
        "school_pian6_primary" => Some(school_pian6_primary(term_id, effective_from)),
        _ => None,
    }
}

fn meta(id: &str, name: &str, term_id: &str, effective_from: NaiveDate) -> PolicyMeta {
    PolicyMeta {
        name: name.to_owned(),
        version: 1,
        term_id: term_id.to_owned(),
        effective_from,
        preset: Some(id.to_owned()),
    }
}

fn stage(stage: SchoolStage, grades: &[i32]) -> StageScope {
    StageScope {
        stage,
        grades: grades.to_vec(),
    }
}

fn comms() -> CommunicationRules {
    CommunicationRules {
        parent_contact_roles: vec![Role::HeadTeacher, Role::Mentor],
        preferred_channel: Channel::FaceToFace,
        quiet_hours: QuietHours::default(),
    }
}

const KEY_MOMENTS: [Trigger; 3] = [Trigger::BeforeExam, Trigger::AfterExam, Trigger::LifeEvent];

/// A week either side of a key exam.
const EXAM_WEEK: ExamWindow = ExamWindow {
    days_before: 7,
    days_after: 7,
};

/// 每学期 三个一 as 篇3/篇4 word it: home visit before term start (the four
/// weeks of holiday before day one), one talk at a key moment, a growth
/// message in the last two weeks.
fn three_tasks_per_term(lead: HomeVisitLead) -> TaskRules {
    TaskRules {
        home_visit: HomeVisitRule {
            count: 1,
            cadence: Cadence::PerTerm,
            window: WindowSpec::before_start_or_first_weeks(28, 0),
            lead,
            condition: None,
        },
        talks: TalkRule {
            count_per_term: 1,
            triggers: KEY_MOMENTS.to_vec(),
            window: WindowSpec::whole_period(),
            exam_window: EXAM_WEEK,
            one_per_key_exam: false,
        },
        growth_message: GrowthMessageRule {
            count: 1,
            cadence: Cadence::PerTerm,
            window: WindowSpec::at_end(14, 0),
            review_required: false,
        },
        parent_contact: MonthlyRule { per_month: 0 },
        self_report: MonthlyRule { per_month: 0 },
        optional_actions: OptionalActionRule {
            menu: Vec::new(),
            min_per_term: 0,
        },
        handover_grace_days: 14,
        backdate_days: DEFAULT_BACKDATE_DAYS,
        due_soon_days: DEFAULT_DUE_SOON_DAYS,
    }
}

/// 篇6: 每学年一次家访(可与班主任联合), talks 开学前后、重要考试前后、重大变故,
/// 每学年结束时成长寄语. The home-visit window is the four weeks before the
/// year starts and its first four weeks (全覆盖 within the year's start).
fn yearly_tasks() -> TaskRules {
    TaskRules {
        home_visit: HomeVisitRule {
            count: 1,
            cadence: Cadence::PerYear,
            window: WindowSpec::before_start_or_first_weeks(28, 4),
            lead: HomeVisitLead::Mentor,
            condition: None,
        },
        talks: TalkRule {
            count_per_term: 1,
            triggers: KEY_MOMENTS.to_vec(),
            window: WindowSpec::before_start_to_end(14),
            exam_window: EXAM_WEEK,
            one_per_key_exam: false,
        },
        growth_message: GrowthMessageRule {
            count: 1,
            cadence: Cadence::PerYear,
            window: WindowSpec::at_end(21, 0),
            review_required: false,
        },
        parent_contact: MonthlyRule { per_month: 0 },
        self_report: MonthlyRule { per_month: 0 },
        optional_actions: OptionalActionRule {
            menu: Vec::new(),
            min_per_term: 0,
        },
        handover_grace_days: 14,
        backdate_days: DEFAULT_BACKDATE_DAYS,
        due_soon_days: DEFAULT_DUE_SOON_DAYS,
    }
}

/// 篇6 district baseline: middle school all grades, primary grades 4–5;
/// ≤ 1:15; a home visit and a growth message every school year; a talk every
/// term; 归口管理 to head teacher and mentor; 等第 for primary, bands above.
pub fn district_pian6(term_id: &str, effective_from: NaiveDate) -> DistrictBaseline {
    DistrictBaseline {
        meta: meta(
            "district_pian6",
            "XX区全员导师制工作方案(篇6)",
            term_id,
            effective_from,
        ),
        rules: PolicyRules {
            scope: Scope {
                stages: vec![
                    stage(SchoolStage::Middle, &[6, 7, 8, 9]),
                    stage(SchoolStage::Primary, &[4, 5]),
                ],
            },
            ratio: RatioCap {
                default_max: 15,
                per_grade: BTreeMap::new(),
            },
            matching: Vec::new(),
            tasks: yearly_tasks(),
            communication: comms(),
            assessment: AssessmentDisplay::standard(),
            mentor_assessment: crate::mentor_assessment::AssessmentScheme::standard(),
            emergency: Default::default(),
        },
    }
}

/// 篇3/篇4 district plan: middle school all grades (primary schools choose
/// their focus grades: no floor); ≤ 1:15; 三个一 every term, the home visit
/// before term start led by the head teacher.
pub fn district_pian4(term_id: &str, effective_from: NaiveDate) -> DistrictBaseline {
    DistrictBaseline {
        meta: meta(
            "district_pian4",
            "XX区全员导师制试点工作方案(篇3/篇4)",
            term_id,
            effective_from,
        ),
        rules: PolicyRules {
            scope: Scope {
                stages: vec![stage(SchoolStage::Middle, &[6, 7, 8, 9])],
            },
            ratio: RatioCap {
                default_max: 15,
                per_grade: BTreeMap::new(),
            },
            matching: Vec::new(),
            tasks: three_tasks_per_term(HomeVisitLead::HeadTeacher),
            communication: comms(),
            assessment: AssessmentDisplay::standard(),
            mentor_assessment: crate::mentor_assessment::AssessmentScheme::standard(),
            emergency: Default::default(),
        },
    }
}

/// 篇1 清河湾中学: all middle grades; the district cap 1:15 (the plan names
/// no own ratio); 双向选择 (main), 教学载体 and 导师盲盒 (auxiliary) by week 3;
/// 三个一 every term, home visit joint with the head teacher.
pub fn school_pian1_qinghewan(term_id: &str, effective_from: NaiveDate) -> SchoolPolicy {
    SchoolPolicy {
        meta: meta(
            "school_pian1_qinghewan",
            "清河湾中学“12345全员导师制”实施方案",
            term_id,
            effective_from,
        ),
        rules: PolicyRules {
            scope: Scope {
                stages: vec![stage(SchoolStage::Middle, &[6, 7, 8, 9])],
            },
            ratio: RatioCap {
                default_max: 15,
                per_grade: BTreeMap::new(),
            },
            matching: vec![MatchingRule {
                grades: vec![6, 7, 8, 9],
                methods: vec![
                    MatchingMethod::TwoWay,
                    MatchingMethod::Club,
                    MatchingMethod::BlindBox,
                ],
                window: WindowSpec::weeks(1, 3),
            }],
            tasks: three_tasks_per_term(HomeVisitLead::Joint),
            communication: comms(),
            assessment: AssessmentDisplay::standard(),
            mentor_assessment: crate::mentor_assessment::AssessmentScheme::standard(),
            emergency: Default::default(),
        },
    }
}

/// 篇2 (a high school, 高一–高三): ≤ 10 students per mentor, two-way
/// selection; a home visit every term from before term start to its end
/// (开学前、学期末, head teacher with the mentor; the plan's "家住城区的学生
/// 每学期至少一次家访" is subsumed since every student gets one); at least four
/// recorded talks a term; a growth message at term end; parent contact at
/// least monthly; the student reports monthly; optional actions not required
/// (共午餐、齐观影、同实践 on the menu).
pub fn school_pian2(term_id: &str, effective_from: NaiveDate) -> SchoolPolicy {
    let mut tasks = three_tasks_per_term(HomeVisitLead::Joint);
    tasks.home_visit.window = WindowSpec::before_start_to_end(28);
    tasks.talks.count_per_term = 4;
    tasks.talks.triggers = vec![
        Trigger::BeforeExam,
        Trigger::AfterExam,
        Trigger::LifeEvent,
        Trigger::EmotionalChange,
        Trigger::Progress,
    ];
    tasks.parent_contact = MonthlyRule { per_month: 1 };
    tasks.self_report = MonthlyRule { per_month: 1 };
    tasks.optional_actions = OptionalActionRule {
        menu: menu(&[
            ("lunch", "与学生共午餐"),
            ("film", "齐观影"),
            ("practice", "同实践"),
        ]),
        min_per_term: 0,
    };
    SchoolPolicy {
        meta: meta(
            "school_pian2",
            "全员导师制试行工作实施方案(篇2)",
            term_id,
            effective_from,
        ),
        rules: PolicyRules {
            scope: Scope {
                stages: vec![stage(SchoolStage::High, &[10, 11, 12])],
            },
            ratio: RatioCap {
                default_max: 10,
                per_grade: BTreeMap::new(),
            },
            matching: vec![MatchingRule {
                grades: vec![10, 11, 12],
                methods: vec![MatchingMethod::TwoWay],
                window: WindowSpec::weeks(1, 3),
            }],
            tasks,
            communication: comms(),
            assessment: AssessmentDisplay::standard(),
            mentor_assessment: crate::mentor_assessment::AssessmentScheme::standard(),
            emergency: Default::default(),
        },
    }
}

fn menu(items: &[(&str, &str)]) -> Vec<MenuItem> {
    items
        .iter()
        .map(|(code, label)| MenuItem {
            code: (*code).to_owned(),
            label_zh: (*label).to_owned(),
        })
        .collect()
}

/// 篇5's ten optional actions (自选动作).
pub fn pian5_menu() -> Vec<MenuItem> {
    menu(&[
        ("class_meeting", "参加一次结对学生的主题班会"),
        ("sports", "加入一项结对学生的体育活动"),
        ("public_service", "参加一项结对学生的公益活动"),
        ("social_practice", "参加一项结对学生的社会实践活动"),
        ("read_book", "与结对学生共读一本书"),
        ("research", "与结对学生共同探讨一个研究课题"),
        ("art", "与结对学生共同进行一次艺术欣赏"),
        ("lunch", "与结对学生共进一次午餐"),
        ("home_invite", "邀请结对学生到家里做一次客"),
        ("emotion_talk", "与结对学生进行一次情绪管理交流"),
    ])
}

/// 篇5 迎园中学: 1:15 for grades 6 and 8, 1:16 for grades 7 and 9 (原则上不超过
/// 1:16); students choose online among their grade's teachers (grade 6 in
/// early October after a month with their teachers, other grades by week 3);
/// 三个一 every term (home visit timing as the district's: before term start);
/// at least two optional actions a term from its ten-item menu.
///
/// Against a 1:15 district baseline this preset is invalid: grades 7 and 9
/// (and the default 1:16) exceed the cap, and validation says so.
pub fn school_pian5_yingyuan(term_id: &str, effective_from: NaiveDate) -> SchoolPolicy {
    let mut tasks = three_tasks_per_term(HomeVisitLead::Joint);
    tasks.optional_actions = OptionalActionRule {
        menu: pian5_menu(),
        min_per_term: 2,
    };
    SchoolPolicy {
        meta: meta(
            "school_pian5_yingyuan",
            "迎园中学实施“全员导师制”工作方案",
            term_id,
            effective_from,
        ),
        rules: PolicyRules {
            scope: Scope {
                stages: vec![stage(SchoolStage::Middle, &[6, 7, 8, 9])],
            },
            ratio: RatioCap {
                default_max: 16,
                per_grade: BTreeMap::from([(6, 15), (7, 16), (8, 15), (9, 16)]),
            },
            matching: vec![
                MatchingRule {
                    grades: vec![6],
                    methods: vec![MatchingMethod::SelfSelection],
                    // After a month with their teachers: early October.
                    window: WindowSpec {
                        from: DayOffset {
                            anchor: Anchor::PeriodStart,
                            days: 28,
                        },
                        to: DayOffset {
                            anchor: Anchor::PeriodStart,
                            days: 41,
                        },
                    },
                },
                MatchingRule {
                    grades: vec![7, 8, 9],
                    methods: vec![MatchingMethod::SelfSelection],
                    window: WindowSpec::weeks(1, 3),
                },
            ],
            tasks,
            communication: comms(),
            assessment: AssessmentDisplay::standard(),
            mentor_assessment: crate::mentor_assessment::AssessmentScheme::standard(),
            emergency: Default::default(),
        },
    }
}

/// 篇6 for a primary school: grades 4 and 5, the district's yearly tasks,
/// grade levels (优秀/良好/合格/待合格); the plan's focus for primary is the
/// parent communication channels, so parent contact is kept to the 归口 rule.
pub fn school_pian6_primary(term_id: &str, effective_from: NaiveDate) -> SchoolPolicy {
    SchoolPolicy {
        meta: meta(
            "school_pian6_primary",
            "小学全员导师制实施方案(四、五年级)",
            term_id,
            effective_from,
        ),
        rules: PolicyRules {
            scope: Scope {
                stages: vec![stage(SchoolStage::Primary, &[4, 5])],
            },
            ratio: RatioCap {
                default_max: 15,
                per_grade: BTreeMap::new(),
            },
            matching: vec![MatchingRule {
                grades: vec![4, 5],
                methods: vec![MatchingMethod::TwoWay, MatchingMethod::Club],
                window: WindowSpec::weeks(1, 3),
            }],
            tasks: yearly_tasks(),
            communication: comms(),
            assessment: AssessmentDisplay::standard(),
            mentor_assessment: crate::mentor_assessment::AssessmentScheme::standard(),
            emergency: Default::default(),
        },
    }
}

//! The mentoring activity record shared by the task engine ([`crate::tasks`])
//! and the mentoring-work capability that records activities.
//!
//! One activity type, defined once: the recording side stores richer rows
//! (place, private summary, follow-up, guidance areas …) and hands the engine
//! the compact [`ActivityFact`] it needs to judge the 三个一 and the other
//! required tasks. Growth messages (成长寄语) have their own lifecycle
//! (draft → published) and reach the engine as [`GrowthMessageFact`].

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What a mentor did (活动类型).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ActivityKind {
    /// 家访: a home visit, often joint with the head teacher.
    HomeVisit,
    /// 谈心谈话: a heart-to-heart talk with the student.
    Talk,
    /// 家校沟通: contact with the parents (phone, message, meeting).
    ParentContact,
    /// 自选动作: an optional action from the school's menu.
    OptionalAction,
    /// 学生汇报: the student's (monthly) report to the mentor.
    StudentReport,
    /// 其他: anything else worth recording.
    Other,
}

impl ActivityKind {
    /// Every kind, in display order.
    pub const ALL: [ActivityKind; 6] = [
        ActivityKind::HomeVisit,
        ActivityKind::Talk,
        ActivityKind::ParentContact,
        ActivityKind::OptionalAction,
        ActivityKind::StudentReport,
        ActivityKind::Other,
    ];

    /// The stable code (same as the serde and GraphQL spelling).
    pub fn code(self) -> &'static str {
        match self {
            ActivityKind::HomeVisit => "HOME_VISIT",
            ActivityKind::Talk => "TALK",
            ActivityKind::ParentContact => "PARENT_CONTACT",
            ActivityKind::OptionalAction => "OPTIONAL_ACTION",
            ActivityKind::StudentReport => "STUDENT_REPORT",
            ActivityKind::Other => "OTHER",
        }
    }

    /// Parses a stable code.
    pub fn from_code(code: &str) -> Option<ActivityKind> {
        ActivityKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Chinese label, as users see it.
    pub fn label_zh(self) -> &'static str {
        match self {
            ActivityKind::HomeVisit => "家访",
            ActivityKind::Talk => "谈心谈话",
            ActivityKind::ParentContact => "家校沟通",
            ActivityKind::OptionalAction => "自选动作",
            ActivityKind::StudentReport => "学生汇报",
            ActivityKind::Other => "其他",
        }
    }

    /// English label.
    pub fn label_en(self) -> &'static str {
        match self {
            ActivityKind::HomeVisit => "Home visit",
            ActivityKind::Talk => "Heart-to-heart talk",
            ActivityKind::ParentContact => "Parent contact",
            ActivityKind::OptionalAction => "Optional action",
            ActivityKind::StudentReport => "Student report",
            ActivityKind::Other => "Other",
        }
    }
}

/// How the contact happened (沟通方式).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Channel {
    /// 面对面 at school.
    FaceToFace,
    /// 上门: at the family's home.
    Home,
    /// 电话.
    Phone,
    /// 线上 (message, video call): the "键对键" the plans want fewer of.
    Online,
}

impl Channel {
    /// Every channel.
    pub const ALL: [Channel; 4] = [
        Channel::FaceToFace,
        Channel::Home,
        Channel::Phone,
        Channel::Online,
    ];

    /// The stable code (same as the serde and GraphQL spelling).
    pub fn code(self) -> &'static str {
        match self {
            Channel::FaceToFace => "FACE_TO_FACE",
            Channel::Home => "HOME",
            Channel::Phone => "PHONE",
            Channel::Online => "ONLINE",
        }
    }

    /// Parses a stable code.
    pub fn from_code(code: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.code() == code)
    }

    /// Whether this counts as "面对面" (face to face or at home) rather than
    /// "键对键" (screen to screen) in the channel mix.
    pub fn is_in_person(self) -> bool {
        matches!(self, Channel::FaceToFace | Channel::Home)
    }

    /// Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            Channel::FaceToFace => "面对面",
            Channel::Home => "上门家访",
            Channel::Phone => "电话",
            Channel::Online => "线上",
        }
    }

    /// English label.
    pub fn label_en(self) -> &'static str {
        match self {
            Channel::FaceToFace => "Face to face",
            Channel::Home => "At home",
            Channel::Phone => "Phone",
            Channel::Online => "Online",
        }
    }
}

/// The key moment that prompted an activity (关键时间节点).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Trigger {
    /// 重要考试前.
    BeforeExam,
    /// 重要考试后.
    AfterExam,
    /// 生活发生重大变故.
    LifeEvent,
    /// 情绪明显波动.
    EmotionalChange,
    /// 取得个性发展进步.
    Progress,
    /// 日常: no particular moment.
    Routine,
}

impl Trigger {
    /// Every trigger.
    pub const ALL: [Trigger; 6] = [
        Trigger::BeforeExam,
        Trigger::AfterExam,
        Trigger::LifeEvent,
        Trigger::EmotionalChange,
        Trigger::Progress,
        Trigger::Routine,
    ];

    /// The stable code (same as the serde and GraphQL spelling).
    pub fn code(self) -> &'static str {
        match self {
            Trigger::BeforeExam => "BEFORE_EXAM",
            Trigger::AfterExam => "AFTER_EXAM",
            Trigger::LifeEvent => "LIFE_EVENT",
            Trigger::EmotionalChange => "EMOTIONAL_CHANGE",
            Trigger::Progress => "PROGRESS",
            Trigger::Routine => "ROUTINE",
        }
    }

    /// Parses a stable code.
    pub fn from_code(code: &str) -> Option<Trigger> {
        Trigger::ALL.into_iter().find(|t| t.code() == code)
    }

    /// Whether the trigger is tied to a key exam.
    pub fn is_exam(self) -> bool {
        matches!(self, Trigger::BeforeExam | Trigger::AfterExam)
    }

    /// Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            Trigger::BeforeExam => "重要考试前",
            Trigger::AfterExam => "重要考试后",
            Trigger::LifeEvent => "生活重大变故",
            Trigger::EmotionalChange => "情绪明显波动",
            Trigger::Progress => "取得进步",
            Trigger::Routine => "日常",
        }
    }

    /// English label.
    pub fn label_en(self) -> &'static str {
        match self {
            Trigger::BeforeExam => "Before a key exam",
            Trigger::AfterExam => "After a key exam",
            Trigger::LifeEvent => "Major life event",
            Trigger::EmotionalChange => "Emotional change",
            Trigger::Progress => "Notable progress",
            Trigger::Routine => "Routine",
        }
    }
}

/// The area of guidance an activity served (五类需求, plus 篇2's 品行督导).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum GuidanceArea {
    /// 思想引导: ideas and values.
    Ideas,
    /// 心理疏导: emotional support.
    Psychological,
    /// 学业辅导: academics.
    Academic,
    /// 生活指导: daily life.
    Life,
    /// 生涯指导: career and life planning.
    Career,
    /// 品行督导: conduct.
    Conduct,
}

impl GuidanceArea {
    /// Every area.
    pub const ALL: [GuidanceArea; 6] = [
        GuidanceArea::Ideas,
        GuidanceArea::Psychological,
        GuidanceArea::Academic,
        GuidanceArea::Life,
        GuidanceArea::Career,
        GuidanceArea::Conduct,
    ];

    /// The stable code (same as the serde and GraphQL spelling).
    pub fn code(self) -> &'static str {
        match self {
            GuidanceArea::Ideas => "IDEAS",
            GuidanceArea::Psychological => "PSYCHOLOGICAL",
            GuidanceArea::Academic => "ACADEMIC",
            GuidanceArea::Life => "LIFE",
            GuidanceArea::Career => "CAREER",
            GuidanceArea::Conduct => "CONDUCT",
        }
    }

    /// Parses a stable code.
    pub fn from_code(code: &str) -> Option<GuidanceArea> {
        GuidanceArea::ALL.into_iter().find(|a| a.code() == code)
    }

    /// Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            GuidanceArea::Ideas => "思想引导",
            GuidanceArea::Psychological => "心理疏导",
            GuidanceArea::Academic => "学业辅导",
            GuidanceArea::Life => "生活指导",
            GuidanceArea::Career => "生涯指导",
            GuidanceArea::Conduct => "品行督导",
        }
    }

    /// English label.
    pub fn label_en(self) -> &'static str {
        match self {
            GuidanceArea::Ideas => "Ideas and values",
            GuidanceArea::Psychological => "Emotional support",
            GuidanceArea::Academic => "Academics",
            GuidanceArea::Life => "Daily life",
            GuidanceArea::Career => "Career planning",
            GuidanceArea::Conduct => "Conduct",
        }
    }
}

/// The compact view of one recorded activity that the task engine consumes.
///
/// One activity may involve several of the mentor's students (a group lunch):
/// it then counts as evidence for each of them. `mentor_id` is the person who
/// recorded it (the mentor, or the head teacher for a home visit or parent
/// contact they led); for a [`ActivityKind::StudentReport`] it is the mentor
/// who received the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityFact {
    /// Stable activity id (what `Done { evidence }` lists).
    pub id: String,
    /// What was done.
    pub kind: ActivityKind,
    /// The day it happened (school-local date).
    pub occurred_on: NaiveDate,
    /// The students it was about (at least one).
    pub student_ids: Vec<String>,
    /// Who recorded it (see the type's docs).
    pub mentor_id: String,
    /// Whether the head teacher took part (joint home visit, 联合家访).
    pub with_head_teacher: bool,
    /// The key moment that prompted it, if any.
    pub trigger: Option<Trigger>,
    /// For [`ActivityKind::OptionalAction`]: the code of the school's menu item.
    pub optional_action: Option<String>,
    /// How it happened.
    pub channel: Channel,
}

/// A published growth message (成长寄语), as the task engine sees it.
///
/// Only published messages count towards the written-feedback task; drafts
/// and messages under review do not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrowthMessageFact {
    /// Stable id of the message (listed as evidence).
    pub id: String,
    /// The student it is addressed to.
    pub student_id: String,
    /// The mentor who wrote it.
    pub mentor_id: String,
    /// The day it was published to the student and parents.
    pub published_on: NaiveDate,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_match_serde() {
        for k in ActivityKind::ALL {
            assert_eq!(ActivityKind::from_code(k.code()), Some(k));
            assert_eq!(
                serde_json::to_string(&k).unwrap(),
                format!("\"{}\"", k.code())
            );
            assert!(!k.label_zh().is_empty() && !k.label_en().is_empty());
        }
        for c in Channel::ALL {
            assert_eq!(Channel::from_code(c.code()), Some(c));
            assert_eq!(
                serde_json::to_string(&c).unwrap(),
                format!("\"{}\"", c.code())
            );
        }
        for t in Trigger::ALL {
            assert_eq!(Trigger::from_code(t.code()), Some(t));
            assert_eq!(
                serde_json::to_string(&t).unwrap(),
                format!("\"{}\"", t.code())
            );
        }
        for a in GuidanceArea::ALL {
            assert_eq!(GuidanceArea::from_code(a.code()), Some(a));
            assert_eq!(
                serde_json::to_string(&a).unwrap(),
                format!("\"{}\"", a.code())
            );
        }
    }

    #[test]
    fn fact_json_shape() {
        let f = ActivityFact {
            id: "a1".into(),
            kind: ActivityKind::Talk,
            occurred_on: NaiveDate::from_ymd_opt(2025, 9, 10).unwrap(),
            student_ids: vec!["s1".into()],
            mentor_id: "m1".into(),
            with_head_teacher: false,
            trigger: Some(Trigger::BeforeExam),
            optional_action: None,
            channel: Channel::FaceToFace,
        };
        let v = serde_json::to_value(&f).unwrap();
        assert_eq!(v["kind"], "TALK");
        assert_eq!(v["occurred_on"], "2025-09-10");
        assert_eq!(v["trigger"], "BEFORE_EXAM");
        assert_eq!(v["channel"], "FACE_TO_FACE");
        let back: ActivityFact = serde_json::from_value(v).unwrap();
        assert_eq!(back, f);
    }
}

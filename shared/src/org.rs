//! Organisation vocabulary: roles, school stages, family-structure flags.

use serde::{Deserialize, Serialize};

/// What a user may act as. A person may hold several roles (a head teacher
/// is usually also a mentor).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 区教育局: sees all schools of the district, aggregates only.
    DistrictAdmin,
    /// 校级领导小组 / 工作小组: runs one school.
    SchoolAdmin,
    /// 年级组长: leads one grade of a school.
    GradeLeader,
    /// 班主任: head teacher of a class.
    HeadTeacher,
    /// 导师: mentors a few students.
    Mentor,
    /// 智囊团 / 心理老师: crisis and case work.
    Counsellor,
    /// 家长.
    Parent,
    /// 学生.
    Student,
}

impl Role {
    /// Every role, in order of breadth.
    pub const ALL: [Role; 8] = [
        Role::DistrictAdmin,
        Role::SchoolAdmin,
        Role::GradeLeader,
        Role::HeadTeacher,
        Role::Mentor,
        Role::Counsellor,
        Role::Parent,
        Role::Student,
    ];

    /// The stable code stored in the database and in tokens.
    pub fn code(self) -> &'static str {
        match self {
            Role::DistrictAdmin => "district_admin",
            Role::SchoolAdmin => "school_admin",
            Role::GradeLeader => "grade_leader",
            Role::HeadTeacher => "head_teacher",
            Role::Mentor => "mentor",
            Role::Counsellor => "counsellor",
            Role::Parent => "parent",
            Role::Student => "student",
        }
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Whether the role is held at district level (no school).
    pub fn is_district_level(self) -> bool {
        matches!(self, Role::DistrictAdmin)
    }

    /// The role's name in Chinese, as users see it.
    pub fn label_zh(self) -> &'static str {
        match self {
            Role::DistrictAdmin => "区教育局",
            Role::SchoolAdmin => "学校管理员",
            Role::GradeLeader => "年级组长",
            Role::HeadTeacher => "班主任",
            Role::Mentor => "导师",
            Role::Counsellor => "心理老师/智囊团",
            Role::Parent => "家长",
            Role::Student => "学生",
        }
    }
}

/// A school's stage (学段).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "snake_case")]
pub enum SchoolStage {
    /// 小学, grades 1–6.
    Primary,
    /// 初中, grades 6/7–9.
    Middle,
    /// 高中, grades 10–12.
    High,
    /// 中职.
    Vocational,
    /// 九年一贯制, grades 1–9.
    NineYear,
    /// 十二年一贯制 / 完全中学.
    TwelveYear,
}

impl SchoolStage {
    /// Every stage.
    pub const ALL: [SchoolStage; 6] = [
        SchoolStage::Primary,
        SchoolStage::Middle,
        SchoolStage::High,
        SchoolStage::Vocational,
        SchoolStage::NineYear,
        SchoolStage::TwelveYear,
    ];

    /// The stable code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            SchoolStage::Primary => "primary",
            SchoolStage::Middle => "middle",
            SchoolStage::High => "high",
            SchoolStage::Vocational => "vocational",
            SchoolStage::NineYear => "nine_year",
            SchoolStage::TwelveYear => "twelve_year",
        }
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<SchoolStage> {
        SchoolStage::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The grades (年级, 1–12) a school of this stage may have.
    pub fn grades(self) -> std::ops::RangeInclusive<i32> {
        match self {
            SchoolStage::Primary => 1..=6,
            SchoolStage::Middle => 6..=9,
            SchoolStage::High | SchoolStage::Vocational => 10..=12,
            SchoolStage::NineYear => 1..=9,
            SchoolStage::TwelveYear => 1..=12,
        }
    }
}

/// Family-structure flags of the growth file (sensitive personal information).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "snake_case")]
pub enum FamilyFlag {
    /// 单亲家庭.
    SingleParent,
    /// 重组家庭.
    Blended,
    /// 留守儿童.
    LeftBehind,
}

/// Special-needs flags (特殊需求) that call for a mentor team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "snake_case")]
pub enum SpecialNeed {
    /// 行为失范.
    Behaviour,
    /// 心理偏差.
    Psychological,
    /// 随班就读.
    Inclusive,
}

/// A teacher's standing as a mentor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "snake_case")]
pub enum Qualification {
    /// Not yet trained.
    Untrained,
    /// In training (培训).
    Training,
    /// On probation (试用期).
    Probation,
    /// Appointed with a letter (聘书).
    Appointed,
    /// Not fit for now (暂时不适合做导师): retrains before taking students.
    Deferred,
}

impl Qualification {
    /// The stable code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            Qualification::Untrained => "untrained",
            Qualification::Training => "training",
            Qualification::Probation => "probation",
            Qualification::Appointed => "appointed",
            Qualification::Deferred => "deferred",
        }
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<Qualification> {
        [
            Qualification::Untrained,
            Qualification::Training,
            Qualification::Probation,
            Qualification::Appointed,
            Qualification::Deferred,
        ]
        .into_iter()
        .find(|q| q.code() == code)
    }

    /// Whether the teacher may take students.
    pub fn may_mentor(self) -> bool {
        matches!(self, Qualification::Probation | Qualification::Appointed)
    }
}

/// Student numbers (学号): 4–20 ASCII letters, digits or '-'.
pub fn validate_student_no(no: &str) -> Result<(), &'static str> {
    let len = no.chars().count();
    if !(4..=20).contains(&len) {
        return Err("学号须为4–20位");
    }
    if !no.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err("学号只能包含字母、数字和“-”");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_codes_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::from_code(r.code()), Some(r));
        }
        assert_eq!(Role::from_code("admin"), None);
    }

    #[test]
    fn student_numbers_are_checked() {
        assert!(validate_student_no("20240101").is_ok());
        assert!(validate_student_no("12").is_err());
        assert!(validate_student_no("2024 01").is_err());
        assert!(validate_student_no("二〇二四0101").is_err());
    }
}

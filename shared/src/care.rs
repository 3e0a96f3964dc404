//! Care and crisis (心理危机): the vocabulary of concerns and cases, shared by
//! the server and the browser. A concern (关注) is raised about a student at
//! one of three levels; it becomes a case whose timeline is append-only.
//! Who is alerted and how fast each level must be answered is the school's
//! emergency plan (`policy::EmergencyPlan`).

use serde::{Deserialize, Serialize};

/// How serious a concern is. Ordered: `Watch < Warning < Crisis`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "snake_case")]
pub enum ConcernLevel {
    /// 关注: keep an eye on the student.
    Watch,
    /// 预警: a warning sign; assess soon.
    Warning,
    /// 危机: a potential crisis; the emergency plan starts at once.
    Crisis,
}

impl ConcernLevel {
    /// Every level, least serious first.
    pub const ALL: [ConcernLevel; 3] = [
        ConcernLevel::Watch,
        ConcernLevel::Warning,
        ConcernLevel::Crisis,
    ];

    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            ConcernLevel::Watch => "watch",
            ConcernLevel::Warning => "warning",
            ConcernLevel::Crisis => "crisis",
        }
    }

    /// Parses a stored code.
    pub fn from_code(c: &str) -> Option<ConcernLevel> {
        ConcernLevel::ALL.into_iter().find(|l| l.code() == c)
    }

    /// Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            ConcernLevel::Watch => "关注",
            ConcernLevel::Warning => "预警",
            ConcernLevel::Crisis => "危机",
        }
    }

    /// Urgency for sorting, most urgent highest.
    pub fn urgency(self) -> u8 {
        match self {
            ConcernLevel::Watch => 1,
            ConcernLevel::Warning => 2,
            ConcernLevel::Crisis => 3,
        }
    }
}

/// What the concern is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "snake_case")]
pub enum ConcernCategory {
    /// 情绪: low mood, anxiety, outbursts.
    Emotion,
    /// 自伤风险: self-harm or suicide risk.
    SelfHarm,
    /// 家庭变故: a change at home (divorce, bereavement, …).
    FamilyChange,
    /// 欺凌: bullying, as target or actor.
    Bullying,
    /// 身体健康: health.
    Health,
    /// 其他.
    Other,
}

impl ConcernCategory {
    /// Every category.
    pub const ALL: [ConcernCategory; 6] = [
        ConcernCategory::Emotion,
        ConcernCategory::SelfHarm,
        ConcernCategory::FamilyChange,
        ConcernCategory::Bullying,
        ConcernCategory::Health,
        ConcernCategory::Other,
    ];

    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            ConcernCategory::Emotion => "emotion",
            ConcernCategory::SelfHarm => "self_harm",
            ConcernCategory::FamilyChange => "family_change",
            ConcernCategory::Bullying => "bullying",
            ConcernCategory::Health => "health",
            ConcernCategory::Other => "other",
        }
    }

    /// Parses a stored code.
    pub fn from_code(c: &str) -> Option<ConcernCategory> {
        ConcernCategory::ALL.into_iter().find(|l| l.code() == c)
    }

    /// Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            ConcernCategory::Emotion => "情绪",
            ConcernCategory::SelfHarm => "自伤风险",
            ConcernCategory::FamilyChange => "家庭变故",
            ConcernCategory::Bullying => "欺凌",
            ConcernCategory::Health => "身体健康",
            ConcernCategory::Other => "其他",
        }
    }
}

/// Where a case stands; derived from its timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "snake_case")]
pub enum CaseStage {
    /// Raised, nobody has acknowledged it yet.
    Raised,
    /// Acknowledged by someone the plan alerts.
    Acknowledged,
    /// A counsellor has assessed it.
    Assessed,
    /// Referred out (hospital, 专业机构).
    Referred,
    /// Closed with a summary.
    Closed,
}

impl CaseStage {
    /// Every stage.
    pub const ALL: [CaseStage; 5] = [
        CaseStage::Raised,
        CaseStage::Acknowledged,
        CaseStage::Assessed,
        CaseStage::Referred,
        CaseStage::Closed,
    ];

    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            CaseStage::Raised => "raised",
            CaseStage::Acknowledged => "acknowledged",
            CaseStage::Assessed => "assessed",
            CaseStage::Referred => "referred",
            CaseStage::Closed => "closed",
        }
    }

    /// Parses a stored code.
    pub fn from_code(c: &str) -> Option<CaseStage> {
        CaseStage::ALL.into_iter().find(|l| l.code() == c)
    }

    /// Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            CaseStage::Raised => "待响应",
            CaseStage::Acknowledged => "已响应",
            CaseStage::Assessed => "已评估",
            CaseStage::Referred => "已转介",
            CaseStage::Closed => "已结案",
        }
    }
}

/// Who the emergency plan alerts, by their relation to the student or school.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "snake_case")]
pub enum AlertRecipient {
    /// The school's counsellors (心理老师 on duty).
    Counsellor,
    /// The grade leader of the student's grade.
    GradeLeader,
    /// The head teacher of the student's class.
    HeadTeacher,
    /// The school's safety lead named in the plan.
    SafetyLead,
    /// The principal (the school's admins).
    Principal,
}

impl AlertRecipient {
    /// Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            AlertRecipient::Counsellor => "心理老师",
            AlertRecipient::GradeLeader => "年级组长",
            AlertRecipient::HeadTeacher => "班主任",
            AlertRecipient::SafetyLead => "安全负责人",
            AlertRecipient::Principal => "校长",
        }
    }
}

/// What a viewer may see of a case (保密性原则).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "snake_case")]
pub enum CaseTier {
    /// That a case exists, and the viewer's own actions (head teacher).
    Existence,
    /// Its level and status, and the viewer's own actions (the raiser, the
    /// grade leader).
    Status,
    /// Everything (counsellors, the safety lead, named participants).
    Full,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for l in ConcernLevel::ALL {
            assert_eq!(ConcernLevel::from_code(l.code()), Some(l));
        }
        for c in ConcernCategory::ALL {
            assert_eq!(ConcernCategory::from_code(c.code()), Some(c));
        }
        for s in CaseStage::ALL {
            assert_eq!(CaseStage::from_code(s.code()), Some(s));
        }
        assert!(ConcernLevel::Crisis > ConcernLevel::Watch);
    }
}

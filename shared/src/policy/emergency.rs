//! The school's emergency plan (应急预案) as data: who is alerted for each
//! level of concern, how fast it must be acknowledged and assessed, who is
//! alerted next when nobody acknowledges in time, and the plan's steps as a
//! checklist. The district baseline sets the slowest response a school may
//! plan; a school plan slower than that is refused.

use serde::{Deserialize, Serialize};

use super::validate::Out;
use crate::care::{AlertRecipient, ConcernLevel};

/// Longest acknowledgement target (7 days), in minutes.
pub const MAX_ACK_MINUTES: u32 = 7 * 24 * 60;
/// Longest assessment target (30 days), in hours.
pub const MAX_ASSESS_HOURS: u32 = 30 * 24;
/// Most checklist steps.
pub const MAX_STEPS: usize = 30;
/// Longest checklist step, in characters.
pub const MAX_STEP_CHARS: usize = 200;

/// What the plan says for one level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelPlan {
    /// Alerted as soon as the concern is raised.
    pub alert: Vec<AlertRecipient>,
    /// Alerted when nobody acknowledged within `acknowledge_minutes`.
    #[serde(default)]
    pub escalate_to: Vec<AlertRecipient>,
    /// Acknowledge within this many minutes.
    pub acknowledge_minutes: u32,
    /// A counsellor's assessment within this many hours.
    pub assess_hours: u32,
}

/// The emergency plan (应急预案).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmergencyPlan {
    /// 关注.
    pub watch: LevelPlan,
    /// 预警.
    pub warning: LevelPlan,
    /// 危机.
    pub crisis: LevelPlan,
    /// The plan's steps, in order (a checklist on every crisis case).
    #[serde(default)]
    pub checklist: Vec<String>,
    /// The school's safety lead (a staff id of the school); a district
    /// baseline names none.
    #[serde(default)]
    pub safety_lead_staff_id: Option<String>,
}

impl Default for EmergencyPlan {
    fn default() -> Self {
        EmergencyPlan::standard()
    }
}

impl EmergencyPlan {
    /// The plan of the seed documents: a crisis acknowledged within 10
    /// minutes and assessed within 24 hours, the principal alerted when
    /// nobody answers; a warning within a day, assessed within 3 days.
    pub fn standard() -> EmergencyPlan {
        use AlertRecipient::*;
        EmergencyPlan {
            watch: LevelPlan {
                alert: vec![Counsellor],
                escalate_to: vec![],
                acknowledge_minutes: 3 * 24 * 60,
                assess_hours: 14 * 24,
            },
            warning: LevelPlan {
                alert: vec![Counsellor, HeadTeacher],
                escalate_to: vec![GradeLeader],
                acknowledge_minutes: 24 * 60,
                assess_hours: 72,
            },
            crisis: LevelPlan {
                alert: vec![Counsellor, SafetyLead, GradeLeader, HeadTeacher],
                escalate_to: vec![Principal],
                acknowledge_minutes: 10,
                assess_hours: 24,
            },
            checklist: [
                "确保学生人身安全，不让学生独处",
                "通知心理老师与安全负责人",
                "按归口联系家长",
                "心理老师完成评估",
                "必要时转介专业机构或医院",
                "持续跟进并记录",
            ]
            .into_iter()
            .map(String::from)
            .collect(),
            safety_lead_staff_id: None,
        }
    }

    /// The plan for a level.
    pub fn level(&self, l: ConcernLevel) -> &LevelPlan {
        match l {
            ConcernLevel::Watch => &self.watch,
            ConcernLevel::Warning => &self.warning,
            ConcernLevel::Crisis => &self.crisis,
        }
    }
}

/// Checks a plan on its own.
pub(super) fn validate_plan(p: &EmergencyPlan, is_school: bool, out: &mut Out) {
    for l in ConcernLevel::ALL {
        let lp = p.level(l);
        let path = format!("emergency.{}", l.code());
        if lp.alert.is_empty() {
            out.push(
                format!("{path}.alert"),
                format!("{}须至少通知一类人员", l.label_zh()),
                format!("The {} level must alert somebody", l.code()),
            );
        }
        if lp.acknowledge_minutes == 0 || lp.acknowledge_minutes > MAX_ACK_MINUTES {
            out.push(
                format!("{path}.acknowledge_minutes"),
                format!("{}的响应时限须为1–{MAX_ACK_MINUTES}分钟", l.label_zh()),
                format!("Acknowledge within 1–{MAX_ACK_MINUTES} minutes"),
            );
        }
        if lp.assess_hours == 0 || lp.assess_hours > MAX_ASSESS_HOURS {
            out.push(
                format!("{path}.assess_hours"),
                format!("{}的评估时限须为1–{MAX_ASSESS_HOURS}小时", l.label_zh()),
                format!("Assess within 1–{MAX_ASSESS_HOURS} hours"),
            );
        }
    }
    if p.crisis.acknowledge_minutes > p.warning.acknowledge_minutes
        || p.warning.acknowledge_minutes > p.watch.acknowledge_minutes
    {
        out.push(
            "emergency.crisis.acknowledge_minutes",
            "级别越高，响应时限须越短（危机 ≤ 预警 ≤ 关注）",
            "Higher levels must be acknowledged no slower than lower ones",
        );
    }
    if p.checklist.len() > MAX_STEPS
        || p.checklist
            .iter()
            .any(|s| s.trim().is_empty() || s.chars().count() > MAX_STEP_CHARS)
    {
        out.push(
            "emergency.checklist",
            format!("预案步骤最多{MAX_STEPS}条，每条1–{MAX_STEP_CHARS}字"),
            format!("At most {MAX_STEPS} steps of 1–{MAX_STEP_CHARS} characters"),
        );
    }
    match (&p.safety_lead_staff_id, is_school) {
        (Some(_), false) => out.push(
            "emergency.safety_lead_staff_id",
            "区基线不指定安全负责人",
            "A district baseline names no safety lead",
        ),
        (Some(s), true) if !is_uuid(s) => out.push(
            "emergency.safety_lead_staff_id",
            "安全负责人须为本校教职工",
            "The safety lead must be a staff member of the school",
        ),
        _ => {}
    }
}

fn is_uuid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.iter().map(|p| p.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
        && parts
            .iter()
            .all(|p| p.chars().all(|c| c.is_ascii_hexdigit()))
}

/// A school plan against the district's: no level may be answered slower.
pub(super) fn compare_plan(s: &EmergencyPlan, b: &EmergencyPlan, out: &mut Out) {
    for l in ConcernLevel::ALL {
        let (sp, bp) = (s.level(l), b.level(l));
        let path = format!("emergency.{}", l.code());
        if sp.acknowledge_minutes > bp.acknowledge_minutes {
            out.push(
                format!("{path}.acknowledge_minutes"),
                format!(
                    "{}响应时限{}分钟慢于区基线的{}分钟",
                    l.label_zh(),
                    sp.acknowledge_minutes,
                    bp.acknowledge_minutes
                ),
                format!(
                    "{} minutes to acknowledge is slower than the district's {}",
                    sp.acknowledge_minutes, bp.acknowledge_minutes
                ),
            );
        }
        if sp.assess_hours > bp.assess_hours {
            out.push(
                format!("{path}.assess_hours"),
                format!(
                    "{}评估时限{}小时慢于区基线的{}小时",
                    l.label_zh(),
                    sp.assess_hours,
                    bp.assess_hours
                ),
                format!(
                    "{} hours to assess is slower than the district's {}",
                    sp.assess_hours, bp.assess_hours
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(p: &EmergencyPlan, b: &EmergencyPlan) -> Vec<String> {
        let mut out = Out(vec![]);
        validate_plan(p, true, &mut out);
        compare_plan(p, b, &mut out);
        out.0.into_iter().map(|v| v.path).collect()
    }

    #[test]
    fn a_school_plan_slower_than_the_baseline_is_refused() {
        let base = EmergencyPlan::standard();
        let mut p = EmergencyPlan::standard();
        p.safety_lead_staff_id = Some("0b0b0b0b-0000-4000-8000-000000000001".into());
        assert!(check(&p, &base).is_empty(), "{:?}", check(&p, &base));
        p.crisis.acknowledge_minutes = 30;
        assert!(check(&p, &base).contains(&"emergency.crisis.acknowledge_minutes".to_string()));
        let mut p2 = p.clone();
        p2.crisis.acknowledge_minutes = 5;
        p2.warning.assess_hours = 100;
        assert_eq!(check(&p2, &base), vec!["emergency.warning.assess_hours"]);
    }

    #[test]
    fn a_plan_must_alert_somebody_and_name_a_staff_id() {
        let mut p = EmergencyPlan::standard();
        p.watch.alert.clear();
        p.safety_lead_staff_id = Some("not a staff id".into());
        let found = check(&p, &EmergencyPlan::standard());
        assert!(found.contains(&"emergency.watch.alert".to_string()));
        assert!(found.contains(&"emergency.safety_lead_staff_id".to_string()));
    }

    #[test]
    fn older_policies_without_a_plan_get_the_standard_one() {
        let p: EmergencyPlan = serde_json::from_value(serde_json::json!({
            "watch": {"alert": ["counsellor"], "acknowledge_minutes": 60, "assess_hours": 48},
            "warning": {"alert": ["counsellor"], "acknowledge_minutes": 30, "assess_hours": 24},
            "crisis": {"alert": ["counsellor"], "acknowledge_minutes": 5, "assess_hours": 4}
        }))
        .unwrap_or_default();
        assert_eq!(p.crisis.acknowledge_minutes, 5);
        assert!(p.checklist.is_empty());
    }
}

//! Demo cases so that `s*.counsellor` lands on real work: three open cases
//! about `s*.mentor1`'s mentees, raised by the mentor, one of each level —
//! a crisis acknowledged and assessed, a warning acknowledged and waiting
//! for its assessment, a watch nobody has acknowledged yet — with the
//! counsellor's alerts. The principal (`s*.admin`) is the plan's safety
//! lead; a conference on the crisis and warning cases was held yesterday
//! and decided an action for the mentor (due in two days), and another is
//! scheduled for tomorrow.

use chrono::Duration;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use shared::care::{CaseStage, ConcernCategory, ConcernLevel};
use shared::org::Role;
use uuid::Uuid;

use super::entities::{alert, case, conference, event};
use crate::auth::entities::role_grant;
use crate::org::entities::{mentor_assignment, staff, student};
use crate::policy::entities::policy_version;
use crate::tenancy::Ctx;

/// Seeds the demo cases of one school; does nothing without the named
/// demo accounts.
pub async fn seed_demo(ctx: &Ctx, school_id: Uuid) -> anyhow::Result<()> {
    let db = ctx.db();
    let Some(named) = student::Entity::find()
        .filter(student::Column::SchoolId.eq(school_id))
        .filter(student::Column::UserId.is_not_null())
        .one(db)
        .await?
    else {
        return Ok(());
    };
    let Some(pair) = mentor_assignment::Entity::find()
        .filter(mentor_assignment::Column::SchoolId.eq(school_id))
        .filter(mentor_assignment::Column::StudentId.eq(named.id))
        .one(db)
        .await?
    else {
        return Ok(());
    };
    let Some((mentor_staff, Some(mentor_user))) = staff::Entity::find_by_id(pair.staff_id)
        .one(db)
        .await?
        .map(|s| (s.id, s.user_id))
    else {
        return Ok(());
    };
    let mentees: Vec<Uuid> = mentor_assignment::Entity::find()
        .filter(mentor_assignment::Column::SchoolId.eq(school_id))
        .filter(mentor_assignment::Column::StaffId.eq(mentor_staff))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.student_id)
        .filter(|s| *s != named.id)
        .collect();
    let students: Vec<student::Model> = student::Entity::find()
        .filter(student::Column::SchoolId.eq(school_id))
        .filter(student::Column::Id.is_in(mentees))
        .order_by_desc(student::Column::StudentNo)
        .limit(3)
        .all(db)
        .await?;
    if students.is_empty() {
        return Ok(());
    }
    let counsellors: Vec<Uuid> = role_grant::Entity::find()
        .select_only()
        .column(role_grant::Column::UserId)
        .filter(role_grant::Column::SchoolId.eq(school_id))
        .filter(role_grant::Column::Role.eq(Role::Counsellor.code()))
        .into_tuple()
        .all(db)
        .await?;
    let counsellor_staff: Option<Uuid> = match counsellors.first() {
        Some(u) => staff::Entity::find()
            .filter(staff::Column::SchoolId.eq(school_id))
            .filter(staff::Column::UserId.eq(*u))
            .one(db)
            .await?
            .map(|s| s.id),
        None => None,
    };
    set_safety_lead(ctx, school_id).await?;
    let now = crate::clock::now();
    let mut made = vec![];
    let specs = [
        (
            ConcernLevel::Crisis,
            ConcernCategory::SelfHarm,
            "课间发现手臂有划痕，问起时说“活着没意思”。",
            Duration::hours(3),
            CaseStage::Assessed,
        ),
        (
            ConcernLevel::Warning,
            ConcernCategory::FamilyChange,
            "父母近期离异，学生连续一周上课走神、不交作业。",
            Duration::hours(30),
            CaseStage::Acknowledged,
        ),
        (
            ConcernLevel::Watch,
            ConcernCategory::Emotion,
            "最近午饭常一个人吃，和同桌有矛盾。",
            Duration::hours(20),
            CaseStage::Raised,
        ),
    ];
    for (i, (level, category, seen, ago, stage)) in specs.into_iter().enumerate() {
        let Some(s) = students.get(i % students.len()) else {
            continue;
        };
        let opened = now - ago;
        let acked = (stage != CaseStage::Raised).then(|| opened + Duration::minutes(6));
        let assessed = (stage == CaseStage::Assessed).then(|| opened + Duration::hours(2));
        let c = case::Model {
            id: Uuid::new_v4(),
            district_id: s.district_id,
            school_id,
            student_id: s.id,
            level: level.code().into(),
            category: category.code().into(),
            seen: seen.into(),
            seen_at: opened - Duration::minutes(20),
            others_aware: "班主任".into(),
            raised_by: mentor_user,
            client_key: format!("demo-care-{i}"),
            opened_at: opened,
            participants: "[]".into(),
            stage: stage.code().into(),
            acknowledged_at: acked,
            acknowledged_by: acked.and(counsellors.first().copied()),
            assessed_at: assessed,
            escalated_at: None,
            closed_at: None,
        };
        case::Entity::insert(case::ActiveModel::from(c.clone()))
            .exec_without_returning(db)
            .await?;
        let ev = |kind: &str, at, author: Option<(Uuid, Option<Uuid>)>, body: serde_json::Value| {
            event::ActiveModel::from(event::Model {
                id: Uuid::new_v4(),
                district_id: c.district_id,
                school_id,
                case_id: c.id,
                kind: kind.into(),
                author_user_id: author.map(|a| a.0),
                author_staff_id: author.and_then(|a| a.1),
                body: body.to_string(),
                owner_staff_id: None,
                due_on: None,
                amends: None,
                created_at: at,
            })
        };
        let mut rows = vec![ev(
            "raised",
            opened,
            Some((mentor_user, Some(mentor_staff))),
            serde_json::json!({}),
        )];
        let counsellor = counsellors.first().map(|u| (*u, counsellor_staff));
        if let Some(at) = acked {
            rows.push(ev("acknowledge", at, counsellor, serde_json::json!({})));
        }
        if let Some(at) = assessed {
            rows.push(ev(
                "assessment",
                at,
                counsellor,
                serde_json::json!({
                    "risk_level": "crisis",
                    "factors": ["自伤行为", "情绪低落两周以上"],
                    "protective_factors": ["与导师关系良好", "喜欢篮球"],
                    "plan": "每日由导师关注情绪；本周内联系家长；建议到区心理健康中心评估。"
                }),
            ));
        }
        event::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
        let alerts: Vec<alert::ActiveModel> = counsellors
            .iter()
            .map(|u| {
                alert::ActiveModel::from(alert::Model {
                    id: Uuid::new_v4(),
                    district_id: c.district_id,
                    school_id,
                    case_id: c.id,
                    recipient_user_id: *u,
                    level: c.level.clone(),
                    reason: "raised".into(),
                    created_at: opened,
                    read_at: acked,
                })
            })
            .collect();
        if !alerts.is_empty() {
            alert::Entity::insert_many(alerts)
                .exec_without_returning(db)
                .await?;
        }
        made.push(c);
    }
    if let (Some(cu), Some(cs)) = (counsellors.first(), counsellor_staff) {
        let open: Vec<&case::Model> = made
            .iter()
            .filter(|c| c.level != ConcernLevel::Watch.code())
            .collect();
        seed_conferences(ctx, &open, (*cu, cs), mentor_staff).await?;
    }
    Ok(())
}

/// Names the principal (the school admin's staff record) the safety lead
/// in the school's policy.
async fn set_safety_lead(ctx: &Ctx, school_id: Uuid) -> anyhow::Result<()> {
    let db = ctx.db();
    let admins: Vec<Uuid> = role_grant::Entity::find()
        .select_only()
        .column(role_grant::Column::UserId)
        .filter(role_grant::Column::SchoolId.eq(school_id))
        .filter(role_grant::Column::Role.eq(Role::SchoolAdmin.code()))
        .into_tuple()
        .all(db)
        .await?;
    let Some(lead) = staff::Entity::find()
        .filter(staff::Column::SchoolId.eq(school_id))
        .filter(staff::Column::UserId.is_in(admins))
        .one(db)
        .await?
    else {
        return Ok(());
    };
    let versions = policy_version::Entity::find()
        .filter(policy_version::Column::SchoolId.eq(school_id))
        .all(db)
        .await?;
    for v in versions {
        let mut rules: shared::policy::PolicyRules = serde_json::from_str(&v.rules)?;
        rules.emergency.safety_lead_staff_id = Some(lead.id.to_string());
        let mut m = v.into_active_model();
        m.rules = Set(serde_json::to_string(&rules)?);
        m.update(db).await?;
    }
    Ok(())
}

/// A conference held yesterday on `cases` (recorded, with an action for
/// the mentor due in two days) and one scheduled for tomorrow, both
/// organised by the counsellor with the mentor invited.
async fn seed_conferences(
    ctx: &Ctx,
    cases: &[&case::Model],
    counsellor: (Uuid, Uuid),
    mentor_staff: Uuid,
) -> anyhow::Result<()> {
    let Some(first) = cases.first() else {
        return Ok(());
    };
    let db = ctx.db();
    let now = crate::clock::now();
    let ids: Vec<Uuid> = cases.iter().map(|c| c.id).collect();
    let people = vec![counsellor.1, mentor_staff];
    let held = now - Duration::days(1);
    let today = crate::clock::local_day(now);
    let specs = [
        (
            held,
            "讨论两名学生的风险与家校配合分工。",
            Some("两名学生情绪仍不稳定；导师每日关注，本周内与家长面谈一次。"),
        ),
        (
            now + Duration::days(1),
            "复盘上次会诊行动的完成情况，确定是否转介。",
            None,
        ),
    ];
    let mut rows = vec![];
    let mut events = vec![];
    for (at, agenda, summary) in specs {
        let id = Uuid::new_v4();
        rows.push(conference::ActiveModel::from(conference::Model {
            id,
            district_id: first.district_id,
            school_id: first.school_id,
            scheduled_at: at,
            agenda: agenda.into(),
            case_ids: serde_json::to_string(&ids)?,
            participants: serde_json::to_string(&people)?,
            organiser_user_id: counsellor.0,
            organiser_staff_id: counsellor.1,
            created_at: held - Duration::days(2),
            summary: summary.map(String::from),
            recorded_at: summary.map(|_| held + Duration::hours(1)),
            recorded_by: summary.map(|_| counsellor.0),
        }));
        for c in cases {
            let ev = |kind: &str, at, body: serde_json::Value, owner, due_on| {
                event::ActiveModel::from(event::Model {
                    id: Uuid::new_v4(),
                    district_id: c.district_id,
                    school_id: c.school_id,
                    case_id: c.id,
                    kind: kind.into(),
                    author_user_id: Some(counsellor.0),
                    author_staff_id: Some(counsellor.1),
                    body: body.to_string(),
                    owner_staff_id: owner,
                    due_on,
                    amends: None,
                    created_at: at,
                })
            };
            events.push(ev(
                "conference_scheduled",
                held - Duration::days(2),
                serde_json::json!({ "note": agenda, "conference_id": id, "scheduled_at": at }),
                None,
                None,
            ));
            if let Some(s) = summary {
                let rec = held + Duration::hours(1);
                events.push(ev(
                    "conference",
                    rec,
                    serde_json::json!({ "note": s, "conference_id": id }),
                    None,
                    None,
                ));
                if c.id == first.id {
                    events.push(ev(
                        "action",
                        rec,
                        serde_json::json!({ "note": "本周内约家长面谈，了解学生在家情况", "conference_id": id }),
                        Some(mentor_staff),
                        Some(today + Duration::days(2)),
                    ));
                }
            }
        }
    }
    conference::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    event::Entity::insert_many(events)
        .exec_without_returning(db)
        .await?;
    for c in cases {
        let mut m = (*c).clone().into_active_model();
        m.participants = Set(serde_json::to_string(&people)?);
        m.update(db).await?;
    }
    Ok(())
}

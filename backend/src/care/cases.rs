//! Concerns and cases: raising a concern (idempotent by client key, so an
//! offline raise is recorded once), the emergency plan in force, who it
//! alerts, and what each viewer sees of a case (see `authz::care`). Every
//! read of a case is audited.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use shared::care::{AlertRecipient, CaseStage, CaseTier, ConcernCategory, ConcernLevel};
use shared::org::Role;
use shared::policy::EmergencyPlan;
use uuid::Uuid;

use super::entities::{alert, case, event};
use super::live::{AlertBus, AlertEvent};
use crate::audit;
use crate::auth::entities::role_grant;
use crate::authz;
use crate::authz::mentoring::Me;
use crate::clock;
use crate::error::{ApiError, ApiResult};
use crate::org::entities::{class, staff, student};
use crate::tenancy::{Ctx, one_in_school};
use crate::validate;

/// Longest "what was seen".
pub const MAX_SEEN: usize = 2_000;
/// Longest "who else knows".
pub const MAX_OTHERS: usize = 500;
/// Most cases listed at once.
pub const MAX_LIST: u64 = 500;

/// A concern as raised.
#[derive(Debug, Clone)]
pub struct NewConcern {
    /// Idempotency key from the client (1–100 characters).
    pub client_key: String,
    /// The student.
    pub student_id: Uuid,
    /// How serious.
    pub level: ConcernLevel,
    /// What about.
    pub category: ConcernCategory,
    /// What was seen (may be empty for a two-tap crisis: details follow).
    pub seen: String,
    /// When; now when absent.
    pub seen_at: Option<DateTime<Utc>>,
    /// Who else knows.
    pub others_aware: String,
}

/// A case as one viewer may see it: fields beyond the viewer's tier are
/// `None` (or empty).
#[derive(Debug, Clone)]
pub struct CaseView {
    /// The row (only read through the accessors of the GraphQL layer,
    /// which respect `tier`).
    pub row: case::Model,
    /// The viewer's tier.
    pub tier: CaseTier,
    /// The student's name.
    pub student_name: String,
    /// The student's class.
    pub class_name: String,
    /// Who raised it (full tier).
    pub raised_by_name: Option<String>,
    /// The plan's targets for the level.
    pub ack_due: DateTime<Utc>,
    /// Assessment due.
    pub assess_due: DateTime<Utc>,
    /// The plan's checklist (full tier, crisis cases).
    pub checklist: Vec<String>,
    /// The timeline entries the viewer may see, oldest first.
    pub timeline: Vec<event::Model>,
    /// Staff names by id, for the timeline.
    pub names: HashMap<Uuid, String>,
    /// The instant the view was made (for overdue flags).
    pub now: DateTime<Utc>,
}

impl CaseView {
    /// The level.
    pub fn level(&self) -> ConcernLevel {
        ConcernLevel::from_code(&self.row.level).unwrap_or(ConcernLevel::Watch)
    }

    /// The stage.
    pub fn stage(&self) -> CaseStage {
        CaseStage::from_code(&self.row.stage).unwrap_or(CaseStage::Raised)
    }

    /// Whether the acknowledgement is late (done late, or still missing past due).
    pub fn ack_overdue(&self) -> bool {
        match self.row.acknowledged_at {
            Some(at) => at > self.ack_due,
            None => self.row.closed_at.is_none() && self.now > self.ack_due,
        }
    }

    /// Whether the assessment is late.
    pub fn assess_overdue(&self) -> bool {
        match self.row.assessed_at {
            Some(at) => at > self.assess_due,
            None => self.row.closed_at.is_none() && self.now > self.assess_due,
        }
    }
}

/// The emergency plan in force at the school today: the school's policy,
/// else the district baseline's, else the standard plan.
pub async fn plan_for(ctx: &Ctx, district: Uuid, school: Uuid) -> ApiResult<EmergencyPlan> {
    let day = clock::local_day(clock::now());
    Ok(
        crate::policy::service::policy_on(ctx, district, school, day)
            .await?
            .map(|e| e.version.rules.emergency)
            .unwrap_or_default(),
    )
}

/// The users the plan names among `who` for a student of a class.
pub async fn recipients(
    ctx: &Ctx,
    school: Uuid,
    cls: &class::Model,
    who: &[AlertRecipient],
    plan: &EmergencyPlan,
) -> ApiResult<Vec<Uuid>> {
    let mut users: Vec<Uuid> = vec![];
    let mut roles: Vec<&str> = vec![];
    let mut staff_ids: Vec<Uuid> = vec![];
    for r in who {
        match r {
            AlertRecipient::Counsellor => roles.push(Role::Counsellor.code()),
            AlertRecipient::Principal => roles.push(Role::SchoolAdmin.code()),
            AlertRecipient::GradeLeader => {
                let g: Vec<Uuid> = role_grant::Entity::find()
                    .select_only()
                    .column(role_grant::Column::UserId)
                    .filter(role_grant::Column::SchoolId.eq(school))
                    .filter(role_grant::Column::Role.eq(Role::GradeLeader.code()))
                    .filter(role_grant::Column::Grade.eq(cls.grade))
                    .into_tuple()
                    .all(ctx.db())
                    .await?;
                users.extend(g);
            }
            AlertRecipient::HeadTeacher => staff_ids.extend(cls.head_teacher_id),
            AlertRecipient::SafetyLead => staff_ids.extend(
                plan.safety_lead_staff_id
                    .as_deref()
                    .and_then(|s| Uuid::parse_str(s).ok()),
            ),
        }
    }
    if !roles.is_empty() {
        let g: Vec<Uuid> = role_grant::Entity::find()
            .select_only()
            .column(role_grant::Column::UserId)
            .filter(role_grant::Column::SchoolId.eq(school))
            .filter(role_grant::Column::Role.is_in(roles))
            .into_tuple()
            .all(ctx.db())
            .await?;
        users.extend(g);
    }
    if !staff_ids.is_empty() {
        let u: Vec<Option<Uuid>> = staff::Entity::find()
            .select_only()
            .column(staff::Column::UserId)
            .filter(staff::Column::SchoolId.eq(school))
            .filter(staff::Column::Id.is_in(staff_ids))
            .into_tuple()
            .all(ctx.db())
            .await?;
        users.extend(u.into_iter().flatten());
    }
    let mut seen = HashSet::new();
    users.retain(|u| seen.insert(*u));
    Ok(users)
}

/// Inserts alerts for a case and returns the live events to publish once
/// committed.
pub async fn insert_alerts(
    ctx: &Ctx,
    c: &case::Model,
    users: &[Uuid],
    reason: &str,
    at: DateTime<Utc>,
) -> ApiResult<Vec<AlertEvent>> {
    let mut events = vec![];
    let mut rows = vec![];
    for u in users {
        let id = Uuid::new_v4();
        rows.push(alert::ActiveModel {
            id: Set(id),
            district_id: Set(c.district_id),
            school_id: Set(c.school_id),
            case_id: Set(c.id),
            recipient_user_id: Set(*u),
            level: Set(c.level.clone()),
            reason: Set(reason.into()),
            created_at: Set(at),
            read_at: Set(None),
        });
        events.push(AlertEvent {
            school_id: c.school_id,
            recipient_user_id: *u,
            alert_id: id,
            case_id: c.id,
            level: c.level.clone(),
            reason: reason.into(),
        });
    }
    if !rows.is_empty() {
        alert::Entity::insert_many(rows)
            .exec_without_returning(ctx.db())
            .await?;
    }
    // The inbox copy: ids and a link only (issue 14).
    for e in &events {
        let n = crate::notify::events::care_alert(c.id, e.alert_id, reason);
        crate::notify::deliver(
            ctx.db(),
            c.district_id,
            c.school_id,
            e.recipient_user_id,
            &n,
        )
        .await?;
    }
    Ok(events)
}

/// Appends a timeline entry.
#[expect(clippy::too_many_arguments, reason = "one column each")]
pub async fn append(
    ctx: &Ctx,
    c: &case::Model,
    kind: &str,
    author: Option<(Uuid, Option<Uuid>)>,
    body: serde_json::Value,
    owner: Option<Uuid>,
    due_on: Option<chrono::NaiveDate>,
    amends: Option<Uuid>,
) -> ApiResult<event::Model> {
    let row = event::Model {
        id: Uuid::new_v4(),
        district_id: c.district_id,
        school_id: c.school_id,
        case_id: c.id,
        kind: kind.into(),
        author_user_id: author.map(|a| a.0),
        author_staff_id: author.and_then(|a| a.1),
        body: body.to_string(),
        owner_staff_id: owner,
        due_on,
        amends,
        created_at: clock::now(),
    };
    event::Entity::insert(event::ActiveModel::from(row.clone()))
        .exec_without_returning(ctx.db())
        .await?;
    Ok(row)
}

fn check_text(field: &str, v: &str, max: usize) -> ApiResult<()> {
    validate::text(v, max, true).map_err(|p| p.for_field(field))
}

/// Raises a concern; a replay of the same client key returns the case
/// already raised, and alerts nobody twice.
#[tracing::instrument(skip_all)]
pub async fn raise(ctx: &Ctx, bus: &AlertBus, input: NewConcern) -> ApiResult<CaseView> {
    let key = input.client_key.trim().to_string();
    if key.is_empty() || key.chars().count() > 100 {
        return Err(ApiError::invalid(
            "input.clientKey",
            "clientKey须为1–100个字符",
        ));
    }
    check_text("input.seen", &input.seen, MAX_SEEN)?;
    check_text("input.othersAware", &input.others_aware, MAX_OTHERS)?;
    let now = clock::now();
    if input
        .seen_at
        .is_some_and(|t| t > now + Duration::minutes(5))
    {
        return Err(ApiError::invalid("input.seenAt", "发现时间不能晚于现在"));
    }
    let me = Me::load(ctx).await?;
    let s = one_in_school::<student::Entity>(ctx, input.student_id, "学生").await?;
    let cls = one_in_school::<class::Entity>(ctx, s.class_id, "班级").await?;
    let staff = authz::care::may_raise(ctx, &me, &s, cls.grade)?;
    let id = Uuid::new_v4();
    let row = case::Model {
        id,
        district_id: me.district_id,
        school_id: me.school_id,
        student_id: s.id,
        level: input.level.code().into(),
        category: input.category.code().into(),
        seen: input.seen.trim().to_string(),
        seen_at: input.seen_at.unwrap_or(now),
        others_aware: input.others_aware.trim().to_string(),
        raised_by: me.user_id,
        client_key: key.clone(),
        opened_at: now,
        participants: "[]".into(),
        stage: CaseStage::Raised.code().into(),
        acknowledged_at: None,
        acknowledged_by: None,
        assessed_at: None,
        escalated_at: None,
        closed_at: None,
    };
    let inserted = case::Entity::insert(case::ActiveModel::from(row.clone()))
        .on_conflict(
            OnConflict::columns([
                case::Column::SchoolId,
                case::Column::RaisedBy,
                case::Column::ClientKey,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(ctx.db())
        .await?;
    let c = if inserted == 1 {
        append(
            ctx,
            &row,
            "raised",
            Some((me.user_id, Some(staff))),
            serde_json::json!({}),
            None,
            None,
            None,
        )
        .await?;
        let plan = plan_for(ctx, me.district_id, me.school_id).await?;
        let mut users = recipients(
            ctx,
            me.school_id,
            &cls,
            &plan.level(input.level).alert,
            &plan,
        )
        .await?;
        users.retain(|u| *u != me.user_id);
        let events = insert_alerts(ctx, &row, &users, "raised", now).await?;
        let bus = bus.clone();
        ctx.after_commit(Box::new(move || bus.publish(events)));
        audit::record(ctx, "care.case.raise", "care_case", Some(id), None).await?;
        row
    } else {
        case::Entity::find()
            .filter(case::Column::SchoolId.eq(me.school_id))
            .filter(case::Column::RaisedBy.eq(me.user_id))
            .filter(case::Column::ClientKey.eq(key))
            .one(ctx.db())
            .await?
            .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("case vanished after insert")))?
    };
    view(ctx, &me, c).await
}

/// Loads a case of the caller's school with the viewer's tier; a case the
/// caller may not see is `NOT_FOUND`.
pub async fn load(ctx: &Ctx, me: &Me, id: Uuid) -> ApiResult<(case::Model, Option<CaseTier>)> {
    let c = one_in_school::<case::Entity>(ctx, id, "个案").await?;
    let s = one_in_school::<student::Entity>(ctx, c.student_id, "学生").await?;
    let cls = one_in_school::<class::Entity>(ctx, s.class_id, "班级").await?;
    let plan = plan_for(ctx, me.district_id, me.school_id).await?;
    let t = authz::care::tier(ctx, me, &c, &s, cls.grade, &plan)?;
    Ok((c, t))
}

/// One case as the caller may see it (audited).
#[tracing::instrument(skip_all)]
pub async fn get(ctx: &Ctx, id: Uuid) -> ApiResult<CaseView> {
    let me = Me::load(ctx).await?;
    let (c, t) = load(ctx, &me, id).await?;
    authz::care::require_some(t)?;
    view(ctx, &me, c).await
}

/// Builds the caller's view of a case and audits the read.
pub async fn view(ctx: &Ctx, me: &Me, c: case::Model) -> ApiResult<CaseView> {
    let mut v = views(ctx, me, vec![c]).await?;
    v.pop().ok_or_else(|| ApiError::not_found("个案"))
}

/// What is needed to decide the caller's tier on a set of cases: the
/// plan in force, and the cases' students and classes.
pub struct Seen {
    /// The emergency plan in force.
    pub plan: EmergencyPlan,
    students: HashMap<Uuid, student::Model>,
    classes: HashMap<Uuid, class::Model>,
}

impl Seen {
    /// Loads what deciding the tiers on `rows` needs (one query each).
    pub async fn load(ctx: &Ctx, me: &Me, rows: &[case::Model]) -> ApiResult<Seen> {
        let plan = plan_for(ctx, me.district_id, me.school_id).await?;
        let student_ids: Vec<Uuid> = rows.iter().map(|c| c.student_id).collect();
        let students: HashMap<Uuid, student::Model> = if student_ids.is_empty() {
            HashMap::new()
        } else {
            student::Entity::find()
                .filter(student::Column::SchoolId.eq(me.school_id))
                .filter(student::Column::Id.is_in(student_ids))
                .all(ctx.db())
                .await?
                .into_iter()
                .map(|s| (s.id, s))
                .collect()
        };
        let class_ids: Vec<Uuid> = students.values().map(|s| s.class_id).collect();
        let classes: HashMap<Uuid, class::Model> = if class_ids.is_empty() {
            HashMap::new()
        } else {
            class::Entity::find()
                .filter(class::Column::SchoolId.eq(me.school_id))
                .filter(class::Column::Id.is_in(class_ids))
                .all(ctx.db())
                .await?
                .into_iter()
                .map(|c| (c.id, c))
                .collect()
        };
        Ok(Seen {
            plan,
            students,
            classes,
        })
    }

    /// The case's student and class.
    pub fn student(&self, c: &case::Model) -> Option<(&student::Model, &class::Model)> {
        let s = self.students.get(&c.student_id)?;
        Some((s, self.classes.get(&s.class_id)?))
    }

    /// The caller's tier on the case (none: they may not see it).
    pub fn tier(&self, ctx: &Ctx, me: &Me, c: &case::Model) -> ApiResult<Option<CaseTier>> {
        match self.student(c) {
            Some((s, cls)) => authz::care::tier(ctx, me, c, s, cls.grade, &self.plan),
            None => Ok(None),
        }
    }
}

/// One audit record of a list of cases read together (an alert list, an
/// action list): the case ids in its reason.
pub async fn audit_list(ctx: &Ctx, action: &str, ids: &[Uuid]) -> ApiResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let mut ids: Vec<String> = ids.iter().map(Uuid::to_string).collect();
    ids.sort_unstable();
    ids.dedup();
    let reason = format!("cases:{}", ids.join(","));
    audit::record(ctx, action, "care_case", None, Some(reason)).await
}

/// The caller's views of cases, dropping those they may not see; every
/// case returned is an audited read.
pub async fn views(ctx: &Ctx, me: &Me, rows: Vec<case::Model>) -> ApiResult<Vec<CaseView>> {
    if rows.is_empty() {
        return Ok(vec![]);
    }
    let seen = Seen::load(ctx, me, &rows).await?;
    let plan = &seen.plan;
    let now = clock::now();
    let my_staff = me.staff.as_ref().map(|s| s.id);
    let mut out = vec![];
    for c in rows {
        let Some((s, cls)) = seen.student(&c) else {
            continue;
        };
        let Some(tier) = seen.tier(ctx, me, &c)? else {
            continue;
        };
        audit::record(
            ctx,
            "care.case.read",
            "care_case",
            Some(c.id),
            Some(format!("tier:{tier:?}").to_lowercase()),
        )
        .await?;
        let level = ConcernLevel::from_code(&c.level).unwrap_or(ConcernLevel::Watch);
        let lp = plan.level(level);
        let mut timeline = event::Entity::find()
            .filter(event::Column::SchoolId.eq(me.school_id))
            .filter(event::Column::CaseId.eq(c.id))
            .order_by_asc(event::Column::CreatedAt)
            .limit(1000)
            .all(ctx.db())
            .await?;
        if tier != CaseTier::Full {
            timeline.retain(|e| {
                e.author_user_id == Some(me.user_id)
                    || (my_staff.is_some() && e.owner_staff_id == my_staff)
            });
        }
        let mut staff_ids: Vec<Uuid> = timeline
            .iter()
            .flat_map(|e| [e.author_staff_id, e.owner_staff_id])
            .flatten()
            .collect();
        staff_ids.extend(crate::mentoring::entities::parse_ids(&c.participants));
        let names = staff_names(ctx, me.school_id, staff_ids).await?;
        let raised_by_name = if tier == CaseTier::Full {
            user_staff_name(ctx, me.school_id, c.raised_by).await?
        } else {
            None
        };
        out.push(CaseView {
            ack_due: c.opened_at + Duration::minutes(i64::from(lp.acknowledge_minutes)),
            assess_due: c.opened_at + Duration::hours(i64::from(lp.assess_hours)),
            checklist: if tier == CaseTier::Full && level == ConcernLevel::Crisis {
                plan.checklist.clone()
            } else {
                vec![]
            },
            student_name: s.name.clone(),
            class_name: cls.name.clone(),
            raised_by_name,
            tier,
            timeline,
            names,
            now,
            row: c,
        });
    }
    Ok(out)
}

/// Staff names by id, within the school.
pub async fn staff_names(
    ctx: &Ctx,
    school: Uuid,
    mut ids: Vec<Uuid>,
) -> ApiResult<HashMap<Uuid, String>> {
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(staff::Entity::find()
        .filter(staff::Column::SchoolId.eq(school))
        .filter(staff::Column::Id.is_in(ids))
        .all(ctx.db())
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect())
}

async fn user_staff_name(ctx: &Ctx, school: Uuid, user: Uuid) -> ApiResult<Option<String>> {
    Ok(staff::Entity::find()
        .filter(staff::Column::SchoolId.eq(school))
        .filter(staff::Column::UserId.eq(user))
        .one(ctx.db())
        .await?
        .map(|s| s.name))
}

/// The cases the caller may see: open ones (or all), of one student (or
/// all), most urgent and oldest first.
#[tracing::instrument(skip_all)]
pub async fn list(
    ctx: &Ctx,
    student_id: Option<Uuid>,
    open_only: bool,
) -> ApiResult<Vec<CaseView>> {
    let caller = ctx.caller()?;
    if caller.school_id.is_none() {
        return Err(ApiError::forbidden(
            "区级账号只能查看个案统计，不能查看个案",
        ));
    }
    authz::care::may_list(ctx)?;
    let me = Me::load(ctx).await?;
    let mut q = case::Entity::find()
        .filter(case::Column::DistrictId.eq(me.district_id))
        .filter(case::Column::SchoolId.eq(me.school_id));
    if let Some(s) = student_id {
        q = q.filter(case::Column::StudentId.eq(s));
    }
    if open_only {
        q = q.filter(case::Column::ClosedAt.is_null());
    }
    let rows = q
        .order_by_asc(case::Column::OpenedAt)
        .limit(MAX_LIST)
        .all(ctx.db())
        .await?;
    let mut v = views(ctx, &me, rows).await?;
    v.sort_by(|a, b| {
        b.row
            .closed_at
            .is_none()
            .cmp(&a.row.closed_at.is_none())
            .then(b.level().urgency().cmp(&a.level().urgency()))
            .then(a.row.opened_at.cmp(&b.row.opened_at))
    });
    Ok(v)
}

/// Saves a changed case row.
pub async fn save(ctx: &Ctx, c: case::ActiveModel) -> ApiResult<case::Model> {
    Ok(c.update(ctx.db()).await?)
}

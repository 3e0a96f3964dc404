//! Recording an activity (once per client key) and amending it within
//! the grace period (the previous version is kept).

use chrono::{Duration, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set, TryIntoModel,
};
use shared::activity::{ActivityKind, Channel};
use uuid::Uuid;

use super::activities::{
    AMEND_GRACE_DAYS, ActivityEdits, ActivityFields, ActivityView, MAX_STUDENTS_PER_ACTIVITY,
    by_key, check_backdate, check_len, check_when, communication_rules, one_view,
    optional_action_menu, students_in_school,
};
use super::entities::{activity, activity_amendment, activity_student};
use crate::authz;
use crate::authz::mentoring::Me;
use crate::clock::local_day;
use crate::error::Problems;
use crate::error::{ApiError, ApiResult};
use crate::org::entities::staff;
use crate::tenancy::Ctx;
use crate::tenancy::one_in_school;

// ---------------------------------------------------------------- logging

/// A validated activity ready to insert.
pub struct NewActivity {
    /// The row (id may be replaced by an existing one on replay).
    pub row: activity::ActiveModel,
    /// Students involved.
    pub students: Vec<Uuid>,
}

/// Inserts an activity once per (school, recorder, client key): on a
/// concurrent or repeated send the unique index refuses the second row and
/// the row already recorded is returned. The flag tells whether this call
/// inserted it.
#[tracing::instrument(skip_all)]
pub async fn insert_once(ctx: &Ctx, new: NewActivity) -> ApiResult<(activity::Model, bool)> {
    let school = *new.row.school_id.as_ref();
    let district = *new.row.district_id.as_ref();
    let recorder = *new.row.recorded_by.as_ref();
    let key = new.row.client_key.as_ref().clone();
    let id = *new.row.id.as_ref();
    let model = new.row.clone().try_into_model()?;
    let inserted = activity::Entity::insert(new.row)
        .on_conflict(
            OnConflict::columns([
                activity::Column::SchoolId,
                activity::Column::RecordedBy,
                activity::Column::ClientKey,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(ctx.db())
        .await?;
    if inserted == 1 {
        let links: Vec<activity_student::ActiveModel> = new
            .students
            .iter()
            .map(|sid| activity_student::ActiveModel {
                id: Set(Uuid::new_v4()),
                district_id: Set(district),
                school_id: Set(school),
                activity_id: Set(id),
                student_id: Set(*sid),
            })
            .collect();
        activity_student::Entity::insert_many(links)
            .exec_without_returning(ctx.db())
            .await?;
        return Ok((model, true));
    }
    let existing = activity::Entity::find()
        .filter(activity::Column::SchoolId.eq(school))
        .filter(activity::Column::RecordedBy.eq(recorder))
        .filter(activity::Column::ClientKey.eq(key))
        .one(ctx.db())
        .await?
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("activity vanished after insert")))?;
    Ok((existing, false))
}

/// Records an activity (idempotent by `clientKey`).
#[tracing::instrument(skip_all)]
pub async fn log_activity(ctx: &Ctx, input: ActivityFields) -> ApiResult<ActivityView> {
    let me = Me::load(ctx).await?;
    let staff_id = me.staff_id()?;
    let key = input.client_key.trim().to_string();
    if key.is_empty() || key.chars().count() > 100 {
        return Err(ApiError::invalid(
            "input.clientKey",
            "clientKey须为1–100个字符",
        ));
    }
    // A replay (offline retry, lost answer) returns what was recorded.
    if let Some(a) = by_key(ctx, &me, &key).await? {
        return one_view(ctx, &me, a).await;
    }

    let mut p = Problems::default();
    if input.student_ids.is_empty() {
        p.add("input.studentIds", "请至少选择一名学生");
    }
    if input.student_ids.len() > MAX_STUDENTS_PER_ACTIVITY {
        p.add(
            "input.studentIds",
            format!("一条记录最多涉及{MAX_STUDENTS_PER_ACTIVITY}名学生"),
        );
    }
    check_when(&mut p, "input.occurredAt", input.occurred_at);
    let backdated = check_backdate(
        ctx,
        &me,
        &mut p,
        "input.occurredAt",
        input.occurred_at,
        input.backdate_reason.as_deref(),
    )
    .await?;
    check_len(&mut p, "input.place", input.place.as_deref(), 200, "地点");
    check_len(&mut p, "input.summary", Some(&input.summary), 5000, "摘要");
    check_len(
        &mut p,
        "input.followUp",
        input.follow_up.as_deref(),
        2000,
        "后续跟进",
    );
    check_len(
        &mut p,
        "input.optionalAction",
        input.optional_action.as_deref(),
        100,
        "自选动作",
    );
    if input.kind == ActivityKind::OptionalAction
        && input
            .optional_action
            .as_deref()
            .is_none_or(|s| s.trim().is_empty())
    {
        p.add("input.optionalAction", "自选动作须注明菜单中的项目");
    }
    if input.follow_up_due.is_some()
        && input
            .follow_up
            .as_deref()
            .is_none_or(|s| s.trim().is_empty())
    {
        p.add("input.followUp", "填写了跟进期限，请同时填写跟进事项");
    }
    if input.co_mentor_ids.len() > 10 {
        p.add("input.coMentorIds", "合作导师最多10人");
    }
    p.finish()?;

    let mut sids = vec![];
    for id in &input.student_ids {
        let u = (*id)?;
        if !sids.contains(&u) {
            sids.push(u);
        }
    }
    // An optional action names an item of the school's menu (when it has
    // one): anything else would count for nothing in the task status.
    if input.kind == ActivityKind::OptionalAction {
        let code = input.optional_action.as_deref().unwrap_or_default().trim();
        let menu = optional_action_menu(ctx).await?;
        if !menu.is_empty() && !menu.iter().any(|m| m.code == code) {
            return Err(ApiError::invalid(
                "input.optionalAction",
                format!(
                    "“{code}”不在本校的自选动作菜单中；可选：{}",
                    menu.iter()
                        .map(|m| m.label_zh.as_str())
                        .collect::<Vec<_>>()
                        .join("、")
                ),
            ));
        }
    }
    let students = students_in_school(ctx, &sids).await?;
    let rules = if input.kind == ActivityKind::ParentContact {
        Some(communication_rules(ctx).await?)
    } else {
        None
    };
    for s in &students {
        authz::mentoring::may_log_activity_about(&me, input.kind, s, rules.as_ref())?;
    }
    let mut co = vec![];
    for id in &input.co_mentor_ids {
        let u = (*id)?;
        if u != staff_id && !co.contains(&u) {
            co.push(u);
        }
    }
    let mut co_mentors = vec![];
    for c in &co {
        let st = one_in_school::<staff::Entity>(ctx, *c, "教师").await?;
        co_mentors.push((st.id, st.name));
    }

    let now = Utc::now();
    let at = input.occurred_at.unwrap_or(now);
    let trim = |s: Option<String>| s.map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    let areas: Vec<&str> = input.guidance_areas.iter().map(|a| a.code()).collect();
    let row = activity::ActiveModel {
        id: Set(Uuid::new_v4()),
        district_id: Set(me.district_id),
        school_id: Set(me.school_id),
        client_key: Set(key),
        kind: Set(input.kind.code().into()),
        occurred_on: Set(local_day(at)),
        occurred_at: Set(at),
        place: Set(trim(input.place)),
        channel: Set(input.channel.unwrap_or(Channel::FaceToFace).code().into()),
        trigger: Set(input.trigger.map(|t| t.code().into())),
        guidance_areas: Set(serde_json::to_string(&areas).unwrap_or_else(|_| "[]".into())),
        optional_action: Set(trim(input.optional_action)),
        summary: Set(input.summary.trim().to_string()),
        follow_up: Set(trim(input.follow_up)),
        follow_up_due: Set(input.follow_up_due),
        staff_id: Set(staff_id),
        with_head_teacher: Set(input.with_head_teacher),
        co_staff_ids: Set(serde_json::to_string(&co).unwrap_or_else(|_| "[]".into())),
        recorded_by: Set(me.user_id),
        created_at: Set(now),
    };
    let (a, fresh) = insert_once(
        ctx,
        NewActivity {
            row,
            students: sids,
        },
    )
    .await?;
    if !fresh {
        return one_view(ctx, &me, a).await;
    }
    if let Some(reason) = backdated {
        crate::audit::record(
            ctx,
            "activity.backdate",
            "activity",
            Some(a.id),
            Some(reason),
        )
        .await?;
    }
    // Just written: the recorder gets back what they sent, without reading
    // it again (and without an audit record for reading their own words).
    Ok(ActivityView {
        activity: a,
        students: students.iter().map(|s| (s.id, s.name.clone())).collect(),
        staff_name: me
            .staff
            .as_ref()
            .map(|s| s.name.clone())
            .unwrap_or_default(),
        co_mentors,
        private_visible: true,
        amendments: vec![],
    })
}

fn snapshot(a: &activity::Model) -> String {
    serde_json::json!({
        "occurredAt": a.occurred_at,
        "occurredOn": a.occurred_on,
        "place": a.place,
        "channel": a.channel,
        "trigger": a.trigger,
        "guidanceAreas": serde_json::from_str::<serde_json::Value>(&a.guidance_areas).unwrap_or_default(),
        "summary": a.summary,
        "followUp": a.follow_up,
        "followUpDue": a.follow_up_due,
    })
    .to_string()
}

/// Amends an activity within the grace period: only its recorder; the
/// fields before the change are kept as an amendment.
#[tracing::instrument(skip_all, fields(id = %id))]
pub async fn amend_activity(
    ctx: &Ctx,
    id: Uuid,
    changes: ActivityEdits,
    reason: String,
) -> ApiResult<ActivityView> {
    let me = Me::load(ctx).await?;
    me.staff_id()?;
    let a = one_in_school::<activity::Entity>(ctx, id, "活动记录").await?;
    if a.recorded_by != me.user_id {
        return Err(ApiError::forbidden("只有记录人本人可以修改这条记录"));
    }
    if Utc::now() - a.created_at > Duration::days(AMEND_GRACE_DAYS) {
        return Err(ApiError::forbidden(format!(
            "记录已超过{AMEND_GRACE_DAYS}天，不能再修改；如需补充请新增一条记录"
        )));
    }
    let mut p = Problems::default();
    let reason = reason.trim().to_string();
    if reason.is_empty() {
        p.add("reason", "请说明修改原因");
    }
    check_len(&mut p, "reason", Some(&reason), 500, "修改原因");
    check_when(&mut p, "changes.occurredAt", changes.occurred_at);
    // An amendment that moves the day further back needs the same standing
    // as recording it there; the amendment's reason is the reason.
    let moved_back = changes.occurred_at.filter(|at| *at < a.occurred_at);
    let backdated = check_backdate(
        ctx,
        &me,
        &mut p,
        "changes.occurredAt",
        moved_back,
        Some(reason.as_str()),
    )
    .await?;
    check_len(
        &mut p,
        "changes.place",
        changes.place.as_deref(),
        200,
        "地点",
    );
    check_len(
        &mut p,
        "changes.summary",
        changes.summary.as_deref(),
        5000,
        "摘要",
    );
    check_len(
        &mut p,
        "changes.followUp",
        changes.follow_up.as_deref(),
        2000,
        "后续跟进",
    );
    p.finish()?;

    activity_amendment::ActiveModel {
        id: Set(Uuid::new_v4()),
        district_id: Set(a.district_id),
        school_id: Set(a.school_id),
        activity_id: Set(a.id),
        before: Set(snapshot(&a)),
        reason: Set(Some(reason)),
        amended_by: Set(me.user_id),
        amended_at: Set(Utc::now()),
    }
    .insert(ctx.db())
    .await?;
    let mut m = a.into_active_model();
    if let Some(at) = changes.occurred_at {
        m.occurred_at = Set(at);
        m.occurred_on = Set(local_day(at));
    }
    if let Some(v) = changes.place {
        m.place = Set(Some(v.trim().to_string()).filter(|v| !v.is_empty()));
    }
    if let Some(v) = changes.channel {
        m.channel = Set(v.code().into());
    }
    if let Some(v) = changes.trigger {
        m.trigger = Set(Some(v.code().into()));
    }
    if let Some(v) = changes.guidance_areas {
        let codes: Vec<&str> = v.iter().map(|a| a.code()).collect();
        m.guidance_areas = Set(serde_json::to_string(&codes).unwrap_or_else(|_| "[]".into()));
    }
    if let Some(v) = changes.summary {
        m.summary = Set(v.trim().to_string());
    }
    if let Some(v) = changes.follow_up {
        m.follow_up = Set(Some(v.trim().to_string()).filter(|v| !v.is_empty()));
    }
    if let Some(v) = changes.follow_up_due {
        m.follow_up_due = Set(Some(v));
    }
    let a = m.update(ctx.db()).await?;
    if let Some(reason) = backdated {
        crate::audit::record(
            ctx,
            "activity.backdate",
            "activity",
            Some(a.id),
            Some(reason),
        )
        .await?;
    }
    one_view(ctx, &me, a).await
}

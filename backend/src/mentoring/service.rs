//! Activities: logging (idempotent by client key), amendments (history kept,
//! never deleted), lists with the private summary shown only to the
//! student's mentors and head teacher (every disclosure audited), and the
//! home–school communication view.
//!
//! Every function takes the request context first; mutations validate all
//! input before writing (the request's transaction rolls back on any error).

use std::collections::{BTreeMap, HashMap, HashSet};

use async_graphql::InputObject;
use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Utc};
use sea_orm::sea_query::{OnConflict, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, TryIntoModel,
};
use shared::activity::{ActivityKind, Channel, GuidanceArea, Trigger};
use shared::org::Role;
use shared::policy::CommunicationRules;
use uuid::Uuid;

use super::entities::{activity, activity_amendment, activity_student};
use crate::audit;
use crate::authz;
use crate::error::Problems;
use crate::error::{ApiError, ApiResult};
use crate::graphql::context::parse_id;
use crate::org::entities::{class, mentor_assignment, staff, student};
use crate::pagination::Page;
use crate::tenancy::Ctx;
use crate::tenancy::one_in_school;

/// Days after recording during which the recorder may amend an activity.
pub const AMEND_GRACE_DAYS: i64 = 7;
/// Most students one activity may involve (a group lunch, a class meeting).
pub const MAX_STUDENTS_PER_ACTIVITY: usize = 50;

/// China Standard Time: the day an activity "happened on" is the local day.
pub fn local_day(at: DateTime<Utc>) -> NaiveDate {
    FixedOffset::east_opt(8 * 3600)
        .map_or(at.date_naive(), |cst| at.with_timezone(&cst).date_naive())
}

/// The school's home–school communication rule (归口管理) today: from the
/// school's policy in effect, else the district baseline's, else the
/// presets' default (the student's head teacher or mentor).
pub async fn communication_rules(ctx: &Ctx) -> ApiResult<CommunicationRules> {
    use crate::policy::service::{baseline_versions, in_effect, school_versions};
    let district = ctx.district_id()?;
    let school = ctx.school_id()?;
    let today = local_day(Utc::now());
    let own = school_versions(ctx, district, school).await?;
    if let Some(v) = in_effect(&own, today) {
        return Ok(v.rules.communication.clone());
    }
    let base = baseline_versions(ctx, district).await?;
    if let Some(v) = in_effect(&base, today) {
        return Ok(v.rules.communication.clone());
    }
    Ok(CommunicationRules {
        parent_contact_roles: vec![Role::HeadTeacher, Role::Mentor],
        preferred_channel: Channel::FaceToFace,
    })
}

/// The caller and their relations to students: staff record, mentees,
/// classes led as head teacher.
pub struct Me {
    /// The user.
    pub user_id: Uuid,
    /// Tenant district.
    pub district_id: Uuid,
    /// Tenant school.
    pub school_id: Uuid,
    /// The caller's staff record, if staff.
    pub staff: Option<staff::Model>,
    /// Students the caller currently mentors.
    pub mentees: HashSet<Uuid>,
    /// Classes the caller leads as head teacher (with the role).
    pub head_classes: HashSet<Uuid>,
    /// Grades led (grade leader).
    pub grades: Vec<i32>,
    /// School admin.
    pub admin: bool,
}

impl Me {
    /// Loads the caller's relations (school callers only).
    pub async fn load(ctx: &Ctx) -> ApiResult<Me> {
        let caller = ctx.caller()?.clone();
        let school_id = ctx.school_id()?;
        let staff = authz::my_staff(ctx).await?;
        let (mentees, head_classes) = match &staff {
            Some(s) => {
                let m = authz::mentee_ids(ctx, s.id).await?;
                let h = if caller.has(Role::HeadTeacher) {
                    authz::head_of_classes(ctx, s.id).await?
                } else {
                    vec![]
                };
                (m, h)
            }
            None => (vec![], vec![]),
        };
        Ok(Me {
            user_id: caller.user_id,
            district_id: caller.district_id,
            school_id,
            staff,
            mentees: mentees.into_iter().collect(),
            head_classes: head_classes.into_iter().collect(),
            grades: if caller.has(Role::GradeLeader) {
                caller.grades.clone()
            } else {
                vec![]
            },
            admin: caller.has(Role::SchoolAdmin),
        })
    }

    /// The caller's relations to a student: `Mentor`, `HeadTeacher`.
    pub fn relations(&self, s: &student::Model) -> Vec<Role> {
        let mut r = vec![];
        if self.mentees.contains(&s.id) {
            r.push(Role::Mentor);
        }
        if self.head_classes.contains(&s.class_id) {
            r.push(Role::HeadTeacher);
        }
        r
    }

    /// The caller's staff id, or `FORBIDDEN`.
    pub fn staff_id(&self) -> ApiResult<Uuid> {
        self.staff
            .as_ref()
            .map(|s| s.id)
            .ok_or_else(|| ApiError::forbidden("只有学校教师可以执行此操作"))
    }

    /// Whether the caller may read an activity's private summary: its
    /// recorder and participants, and the mentors and head teacher of one
    /// of its students. Never parents, students, the district.
    pub fn may_see_private(&self, a: &activity::Model, students: &[student::Model]) -> bool {
        let Some(me) = &self.staff else {
            return false;
        };
        a.staff_id == me.id
            || (a.recorded_by == self.user_id)
            || parse_ids(&a.co_staff_ids).contains(&me.id)
            || students.iter().any(|s| !self.relations(s).is_empty())
    }
}

fn parse_ids(json: &str) -> Vec<Uuid> {
    serde_json::from_str::<Vec<Uuid>>(json).unwrap_or_default()
}

/// Loads students of the caller's school by id; `NOT_FOUND` if any is missing.
pub async fn students_in_school(ctx: &Ctx, ids: &[Uuid]) -> ApiResult<Vec<student::Model>> {
    let school = ctx.school_id()?;
    let district = ctx.district_id()?;
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let rows = student::Entity::find()
        .filter(student::Column::SchoolId.eq(school))
        .filter(student::Column::DistrictId.eq(district))
        .filter(student::Column::Id.is_in(ids.to_vec()))
        .all(ctx.db())
        .await?;
    let unique: HashSet<&Uuid> = ids.iter().collect();
    if rows.len() != unique.len() {
        return Err(ApiError::not_found("学生"));
    }
    Ok(rows)
}

// ---------------------------------------------------------------- inputs

/// A new activity. `clientKey` is generated by the client once per entry:
/// sending the same key again (an offline retry) records nothing new and
/// returns the activity already recorded.
#[derive(InputObject, Clone)]
pub struct ActivityInput {
    /// Client-generated idempotency key (e.g. a UUID), 1–100 characters.
    pub client_key: String,
    /// What was done.
    pub kind: ActivityKind,
    /// The students it was about (at least one).
    pub student_ids: Vec<async_graphql::ID>,
    /// When it happened (default: now).
    pub occurred_at: Option<DateTime<Utc>>,
    /// Where.
    pub place: Option<String>,
    /// How (default: face to face).
    pub channel: Option<Channel>,
    /// The key moment that prompted it.
    pub trigger: Option<Trigger>,
    /// Areas of guidance.
    #[graphql(default)]
    pub guidance_areas: Vec<GuidanceArea>,
    /// For `OPTIONAL_ACTION`: the code of the school's menu item.
    pub optional_action: Option<String>,
    /// Private summary (mentors and head teacher only).
    #[graphql(default)]
    pub summary: String,
    /// Follow-up to do.
    pub follow_up: Option<String>,
    /// When the follow-up is due.
    pub follow_up_due: Option<NaiveDate>,
    /// Co-mentors who took part (staff ids).
    #[graphql(default)]
    pub co_mentor_ids: Vec<async_graphql::ID>,
    /// Joint with the head teacher (e.g. a joint home visit).
    #[graphql(default)]
    pub with_head_teacher: bool,
}

/// Changes to an activity; absent fields stay as they are.
#[derive(InputObject, Clone, Default)]
pub struct ActivityChanges {
    /// When it happened.
    pub occurred_at: Option<DateTime<Utc>>,
    /// Where.
    pub place: Option<String>,
    /// How.
    pub channel: Option<Channel>,
    /// The key moment.
    pub trigger: Option<Trigger>,
    /// Areas of guidance.
    pub guidance_areas: Option<Vec<GuidanceArea>>,
    /// Private summary.
    pub summary: Option<String>,
    /// Follow-up.
    pub follow_up: Option<String>,
    /// Follow-up due date.
    pub follow_up_due: Option<NaiveDate>,
}

fn check_len(p: &mut Problems, field: &str, v: Option<&str>, max: usize, label: &str) {
    if let Some(v) = v
        && v.chars().count() > max
    {
        p.add(field, format!("{label}不能超过{max}个字"));
    }
}

fn check_when(p: &mut Problems, field: &str, at: Option<DateTime<Utc>>) {
    if let Some(at) = at {
        if at > Utc::now() + Duration::minutes(10) {
            p.add(field, "活动时间不能晚于现在");
        }
        if at < Utc::now() - Duration::days(400) {
            p.add(field, "活动时间过早");
        }
    }
}

// ---------------------------------------------------------------- views

/// An activity with what the caller may see of it.
pub struct ActivityView {
    /// The row.
    pub activity: activity::Model,
    /// Students involved: (id, name).
    pub students: Vec<(Uuid, String)>,
    /// The recording mentor's name.
    pub staff_name: String,
    /// Co-mentors: (staff id, name).
    pub co_mentors: Vec<(Uuid, String)>,
    /// Whether the caller may read the summary, follow-up and amendments.
    pub private_visible: bool,
    /// Amendments (only when `private_visible`), oldest first.
    pub amendments: Vec<activity_amendment::Model>,
}

/// Builds views of activities for the caller, auditing every disclosed
/// private summary (one record per student per request).
pub async fn views(ctx: &Ctx, me: &Me, rows: Vec<activity::Model>) -> ApiResult<Vec<ActivityView>> {
    if rows.is_empty() {
        return Ok(vec![]);
    }
    let school = me.school_id;
    let ids: Vec<Uuid> = rows.iter().map(|a| a.id).collect();
    let links = activity_student::Entity::find()
        .filter(activity_student::Column::SchoolId.eq(school))
        .filter(activity_student::Column::ActivityId.is_in(ids.clone()))
        .all(ctx.db())
        .await?;
    let student_ids: Vec<Uuid> = links
        .iter()
        .map(|l| l.student_id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let students: HashMap<Uuid, student::Model> = if student_ids.is_empty() {
        HashMap::new()
    } else {
        student::Entity::find()
            .filter(student::Column::SchoolId.eq(school))
            .filter(student::Column::Id.is_in(student_ids))
            .all(ctx.db())
            .await?
            .into_iter()
            .map(|s| (s.id, s))
            .collect()
    };
    let mut staff_ids: HashSet<Uuid> = rows.iter().map(|a| a.staff_id).collect();
    for a in &rows {
        staff_ids.extend(parse_ids(&a.co_staff_ids));
    }
    let names: HashMap<Uuid, String> = staff::Entity::find()
        .filter(staff::Column::SchoolId.eq(school))
        .filter(staff::Column::Id.is_in(staff_ids.into_iter().collect::<Vec<_>>()))
        .all(ctx.db())
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    let mut amendments: HashMap<Uuid, Vec<activity_amendment::Model>> = HashMap::new();
    for am in activity_amendment::Entity::find()
        .filter(activity_amendment::Column::SchoolId.eq(school))
        .filter(activity_amendment::Column::ActivityId.is_in(ids))
        .order_by_asc(activity_amendment::Column::AmendedAt)
        .all(ctx.db())
        .await?
    {
        amendments.entry(am.activity_id).or_default().push(am);
    }
    let mut disclosed: BTreeMap<Uuid, usize> = BTreeMap::new();
    let mut out = vec![];
    for a in rows {
        let mine: Vec<student::Model> = links
            .iter()
            .filter(|l| l.activity_id == a.id)
            .filter_map(|l| students.get(&l.student_id).cloned())
            .collect();
        let private_visible = me.may_see_private(&a, &mine);
        if private_visible {
            for s in &mine {
                *disclosed.entry(s.id).or_default() += 1;
            }
        }
        let co_mentors = parse_ids(&a.co_staff_ids)
            .into_iter()
            .map(|id| (id, names.get(&id).cloned().unwrap_or_default()))
            .collect();
        out.push(ActivityView {
            staff_name: names.get(&a.staff_id).cloned().unwrap_or_default(),
            students: mine.iter().map(|s| (s.id, s.name.clone())).collect(),
            co_mentors,
            private_visible,
            amendments: if private_visible {
                amendments.remove(&a.id).unwrap_or_default()
            } else {
                vec![]
            },
            activity: a,
        });
    }
    for (student_id, n) in disclosed {
        audit::record(
            ctx,
            "activity.summary.read",
            "student",
            Some(student_id),
            Some(format!("读取活动记录私密摘要{n}条")),
        )
        .await?;
    }
    Ok(out)
}

async fn by_key(ctx: &Ctx, me: &Me, key: &str) -> ApiResult<Option<activity::Model>> {
    Ok(activity::Entity::find()
        .filter(activity::Column::SchoolId.eq(me.school_id))
        .filter(activity::Column::RecordedBy.eq(me.user_id))
        .filter(activity::Column::ClientKey.eq(key))
        .one(ctx.db())
        .await?)
}

async fn one_view(ctx: &Ctx, me: &Me, a: activity::Model) -> ApiResult<ActivityView> {
    views(ctx, me, vec![a])
        .await?
        .pop()
        .ok_or_else(|| ApiError::not_found("活动记录"))
}

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
pub async fn log_activity(ctx: &Ctx, input: ActivityInput) -> ApiResult<ActivityView> {
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
        let u = parse_id(id, "学生")?;
        if !sids.contains(&u) {
            sids.push(u);
        }
    }
    let students = students_in_school(ctx, &sids).await?;
    let rules = if input.kind == ActivityKind::ParentContact {
        Some(communication_rules(ctx).await?)
    } else {
        None
    };
    for s in &students {
        let rel = me.relations(s);
        match input.kind {
            ActivityKind::ParentContact => {
                if let Some(rules) = &rules
                    && !rules.may_contact_parents(&rel)
                {
                    return Err(ApiError::forbidden(rules.refusal_zh()));
                }
            }
            ActivityKind::HomeVisit => {
                if rel.is_empty() {
                    return Err(ApiError::forbidden("只有学生的导师或班主任可以记录家访"));
                }
            }
            _ => {
                if !rel.contains(&Role::Mentor) {
                    return Err(ApiError::forbidden("只能为自己的结对学生记录导师活动"));
                }
            }
        }
    }
    let mut co = vec![];
    for id in &input.co_mentor_ids {
        let u = parse_id(id, "教师")?;
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
pub async fn amend_activity(
    ctx: &Ctx,
    id: Uuid,
    changes: ActivityChanges,
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
    one_view(ctx, &me, a).await
}

// ---------------------------------------------------------------- lists

fn is_staff(ctx: &Ctx) -> ApiResult<()> {
    ctx.require_any(&[
        Role::SchoolAdmin,
        Role::GradeLeader,
        Role::HeadTeacher,
        Role::Mentor,
        Role::Counsellor,
    ])
    .map(|_| ())
}

/// Activity ids involving any of the students.
fn involving(students: Vec<Uuid>) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(activity_student::Column::ActivityId)
        .from(activity_student::Entity)
        .and_where(activity_student::Column::StudentId.is_in(students))
        .to_owned()
}

/// Activities by student, by class, or (neither) the caller's own records
/// (as the mentor, the recorder or a co-mentor), newest first.
pub async fn list_activities(
    ctx: &Ctx,
    student_id: Option<Uuid>,
    class_id: Option<Uuid>,
    page: Page,
) -> ApiResult<(Vec<ActivityView>, u64)> {
    is_staff(ctx)?;
    let me = Me::load(ctx).await?;
    let mut cond = Condition::all()
        .add(activity::Column::SchoolId.eq(me.school_id))
        .add(activity::Column::DistrictId.eq(me.district_id));
    if let Some(sid) = student_id {
        let s = one_in_school::<student::Entity>(ctx, sid, "学生").await?;
        if !authz::student_scope(ctx).await?.contains(&s) {
            return Err(ApiError::not_found("学生"));
        }
        cond = cond.add(activity::Column::Id.in_subquery(involving(vec![s.id])));
    } else if let Some(cid) = class_id {
        let c = one_in_school::<class::Entity>(ctx, cid, "班级").await?;
        if !(me.admin || me.head_classes.contains(&c.id) || me.grades.contains(&c.grade)) {
            return Err(ApiError::forbidden(
                "只有班主任、年级组长或学校管理员可以按班级查看活动记录",
            ));
        }
        let ids: Vec<Uuid> = student::Entity::find()
            .select_only()
            .column(student::Column::Id)
            .filter(student::Column::SchoolId.eq(me.school_id))
            .filter(student::Column::ClassId.eq(c.id))
            .into_tuple()
            .all(ctx.db())
            .await?;
        cond = cond.add(activity::Column::Id.in_subquery(involving(ids)));
    } else {
        let staff_id = me.staff_id()?;
        cond = cond.add(
            Condition::any()
                .add(activity::Column::StaffId.eq(staff_id))
                .add(activity::Column::RecordedBy.eq(me.user_id))
                .add(activity::Column::CoStaffIds.contains(staff_id.to_string())),
        );
    }
    let q = activity::Entity::find().filter(cond);
    let total = q.clone().count(ctx.db()).await?;
    let rows = q
        .order_by_desc(activity::Column::OccurredAt)
        .order_by_asc(activity::Column::Id)
        .offset(page.offset)
        .limit(page.limit)
        .all(ctx.db())
        .await?;
    Ok((views(ctx, &me, rows).await?, total))
}

/// One activity the caller may see (staff with the student in scope).
pub async fn get_activity(ctx: &Ctx, id: Uuid) -> ApiResult<ActivityView> {
    is_staff(ctx)?;
    let me = Me::load(ctx).await?;
    let a = one_in_school::<activity::Entity>(ctx, id, "活动记录").await?;
    let scope = authz::student_scope(ctx).await?;
    let sids: Vec<Uuid> = activity_student::Entity::find()
        .select_only()
        .column(activity_student::Column::StudentId)
        .filter(activity_student::Column::SchoolId.eq(me.school_id))
        .filter(activity_student::Column::ActivityId.eq(a.id))
        .into_tuple()
        .all(ctx.db())
        .await?;
    let students = students_in_school(ctx, &sids).await?;
    let mine = a.recorded_by == me.user_id || me.staff.as_ref().is_some_and(|s| s.id == a.staff_id);
    if !mine && !students.iter().any(|s| scope.contains(s)) {
        return Err(ApiError::not_found("活动记录"));
    }
    one_view(ctx, &me, a).await
}

/// This term's activities about one student (including the break before the
/// term), for the mentor drafting a growth message (mentors and head teacher
/// of the student).
pub async fn term_activities_for(
    ctx: &Ctx,
    student_id: Uuid,
    term_id: Uuid,
) -> ApiResult<Vec<ActivityView>> {
    let me = Me::load(ctx).await?;
    let s = one_in_school::<student::Entity>(ctx, student_id, "学生").await?;
    if me.relations(&s).is_empty() {
        return Err(ApiError::forbidden("只有学生的导师或班主任可以查看"));
    }
    use crate::org::entities::term;
    let t = one_in_school::<term::Entity>(ctx, term_id, "学期").await?;
    // The term's records include the break before it (the home visit before
    // the term starts): from the day after the previous term ended, or 30
    // days before the start when there is none.
    let from = term::Entity::find()
        .filter(term::Column::SchoolId.eq(me.school_id))
        .filter(term::Column::EndsOn.lt(t.starts_on))
        .order_by_desc(term::Column::EndsOn)
        .one(ctx.db())
        .await?
        .map_or(t.starts_on - Duration::days(30), |p| {
            p.ends_on + Duration::days(1)
        });
    let rows = activity::Entity::find()
        .filter(activity::Column::SchoolId.eq(me.school_id))
        .filter(activity::Column::Id.in_subquery(involving(vec![s.id])))
        .filter(activity::Column::OccurredOn.gte(from))
        .filter(activity::Column::OccurredOn.lte(t.ends_on))
        .order_by_asc(activity::Column::OccurredAt)
        .limit(500)
        .all(ctx.db())
        .await?;
    views(ctx, &me, rows).await
}

// ------------------------------------------------- home–school communication

/// How many contacts went through one channel.
pub struct ChannelCount {
    /// The channel.
    pub channel: Channel,
    /// Contacts.
    pub count: i64,
}

/// Who contacted whom, how often.
pub struct ContactLine {
    /// The teacher (staff id).
    pub staff_id: Uuid,
    /// The teacher's name.
    pub staff_name: String,
    /// The teacher's relation to the student: 导师, 班主任 or 教师.
    pub relation: String,
    /// Whom: 家长 (parent contact, home visit) or 学生 (talk).
    pub whom: String,
    /// Contacts.
    pub count: i64,
}

/// One student's home–school contact summary (no private text).
pub struct StudentContacts {
    /// The student.
    pub student_id: Uuid,
    /// Name.
    pub student_name: String,
    /// The last contact.
    pub last_contact_at: Option<DateTime<Utc>>,
    /// Its kind.
    pub last_kind: Option<ActivityKind>,
    /// Contacts in all.
    pub total: i64,
    /// Share in person (face to face or at home), 0–1; none without contacts.
    pub face_to_face_share: Option<f64>,
    /// By channel.
    pub channels: Vec<ChannelCount>,
    /// By who and whom.
    pub lines: Vec<ContactLine>,
}

const CONTACT_KINDS: [ActivityKind; 3] = [
    ActivityKind::ParentContact,
    ActivityKind::HomeVisit,
    ActivityKind::Talk,
];

/// The communication view: the caller's mentees and the students of the
/// classes they lead (or one class they lead, or any class for the admin
/// and the grade's leader).
pub async fn home_school_contacts(
    ctx: &Ctx,
    class_id: Option<Uuid>,
) -> ApiResult<Vec<StudentContacts>> {
    is_staff(ctx)?;
    let me = Me::load(ctx).await?;
    let students: Vec<student::Model> = if let Some(cid) = class_id {
        let c = one_in_school::<class::Entity>(ctx, cid, "班级").await?;
        if !(me.admin || me.head_classes.contains(&c.id) || me.grades.contains(&c.grade)) {
            return Err(ApiError::forbidden(
                "只有该班班主任、年级组长或学校管理员可以查看",
            ));
        }
        student::Entity::find()
            .filter(student::Column::SchoolId.eq(me.school_id))
            .filter(student::Column::ClassId.eq(c.id))
            .order_by_asc(student::Column::StudentNo)
            .all(ctx.db())
            .await?
    } else {
        student::Entity::find()
            .filter(student::Column::SchoolId.eq(me.school_id))
            .filter(
                Condition::any()
                    .add(student::Column::Id.is_in(me.mentees.iter().copied().collect::<Vec<_>>()))
                    .add(
                        student::Column::ClassId
                            .is_in(me.head_classes.iter().copied().collect::<Vec<_>>()),
                    ),
            )
            .order_by_asc(student::Column::StudentNo)
            .all(ctx.db())
            .await?
    };
    let ids: Vec<Uuid> = students.iter().map(|s| s.id).collect();
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let links = activity_student::Entity::find()
        .filter(activity_student::Column::SchoolId.eq(me.school_id))
        .filter(activity_student::Column::StudentId.is_in(ids.clone()))
        .all(ctx.db())
        .await?;
    let kinds: Vec<&str> = CONTACT_KINDS.iter().map(|k| k.code()).collect();
    let acts: HashMap<Uuid, activity::Model> = activity::Entity::find()
        .filter(activity::Column::SchoolId.eq(me.school_id))
        .filter(activity::Column::Id.is_in(links.iter().map(|l| l.activity_id).collect::<Vec<_>>()))
        .filter(activity::Column::Kind.is_in(kinds))
        .all(ctx.db())
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let mentors: Vec<mentor_assignment::Model> = mentor_assignment::Entity::find()
        .filter(mentor_assignment::Column::SchoolId.eq(me.school_id))
        .filter(mentor_assignment::Column::StudentId.is_in(ids))
        .filter(mentor_assignment::Column::EndsOn.is_null())
        .all(ctx.db())
        .await?;
    let heads: HashMap<Uuid, Option<Uuid>> = class::Entity::find()
        .filter(class::Column::SchoolId.eq(me.school_id))
        .all(ctx.db())
        .await?
        .into_iter()
        .map(|c| (c.id, c.head_teacher_id))
        .collect();
    let staff_ids: Vec<Uuid> = acts
        .values()
        .map(|a| a.staff_id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let names: HashMap<Uuid, String> = staff::Entity::find()
        .filter(staff::Column::SchoolId.eq(me.school_id))
        .filter(staff::Column::Id.is_in(staff_ids))
        .all(ctx.db())
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    let mut out = vec![];
    for s in students {
        let mut mine: Vec<&activity::Model> = links
            .iter()
            .filter(|l| l.student_id == s.id)
            .filter_map(|l| acts.get(&l.activity_id))
            .collect();
        mine.sort_by_key(|a| a.occurred_at);
        let last = mine.last();
        let total = mine.len() as i64;
        let mut by_channel: BTreeMap<Channel, i64> = BTreeMap::new();
        let mut lines: BTreeMap<(Uuid, &str), i64> = BTreeMap::new();
        let mut in_person = 0;
        for a in &mine {
            let ch = Channel::from_code(&a.channel).unwrap_or(Channel::FaceToFace);
            *by_channel.entry(ch).or_default() += 1;
            if ch.is_in_person() {
                in_person += 1;
            }
            let whom = if a.kind == ActivityKind::Talk.code() {
                "学生"
            } else {
                "家长"
            };
            *lines.entry((a.staff_id, whom)).or_default() += 1;
        }
        let head = heads.get(&s.class_id).copied().flatten();
        out.push(StudentContacts {
            student_id: s.id,
            student_name: s.name.clone(),
            last_contact_at: last.map(|a| a.occurred_at),
            last_kind: last.and_then(|a| ActivityKind::from_code(&a.kind)),
            total,
            face_to_face_share: (total > 0).then(|| in_person as f64 / total as f64),
            channels: by_channel
                .into_iter()
                .map(|(channel, count)| ChannelCount { channel, count })
                .collect(),
            lines: lines
                .into_iter()
                .map(|((staff_id, whom), count)| {
                    let relation = if mentors
                        .iter()
                        .any(|m| m.student_id == s.id && m.staff_id == staff_id)
                    {
                        "导师"
                    } else if head == Some(staff_id) {
                        "班主任"
                    } else {
                        "教师"
                    };
                    ContactLine {
                        staff_id,
                        staff_name: names.get(&staff_id).cloned().unwrap_or_default(),
                        relation: relation.into(),
                        whom: whom.into(),
                        count,
                    }
                })
                .collect(),
        });
    }
    Ok(out)
}

/// One mentor's activity counts (no private text), for the school admin.
pub struct MentorCounts {
    /// The mentor (staff id).
    pub staff_id: Uuid,
    /// Name.
    pub staff_name: String,
    /// Current mentees.
    pub mentees: i64,
    /// Count per kind.
    pub by_kind: BTreeMap<ActivityKind, i64>,
    /// Share of contacts in person, 0–1.
    pub face_to_face_share: Option<f64>,
}

/// Per-mentor counts of the school's activities in a date range (default:
/// everything), for the school admin.
pub async fn mentor_activity_counts(
    ctx: &Ctx,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> ApiResult<Vec<MentorCounts>> {
    let (district, school) = ctx.require_school_admin()?;
    let mut q = activity::Entity::find()
        .select_only()
        .column(activity::Column::StaffId)
        .column(activity::Column::Kind)
        .column(activity::Column::Channel)
        .column_as(activity::Column::Id.count(), "n")
        .group_by(activity::Column::StaffId)
        .group_by(activity::Column::Kind)
        .group_by(activity::Column::Channel)
        .filter(activity::Column::DistrictId.eq(district))
        .filter(activity::Column::SchoolId.eq(school));
    if let Some(f) = from {
        q = q.filter(activity::Column::OccurredOn.gte(f));
    }
    if let Some(t) = to {
        q = q.filter(activity::Column::OccurredOn.lte(t));
    }
    let rows: Vec<(Uuid, String, String, i64)> = q.into_tuple().all(ctx.db()).await?;
    let pairs: Vec<Uuid> = mentor_assignment::Entity::find()
        .select_only()
        .column(mentor_assignment::Column::StaffId)
        .filter(mentor_assignment::Column::SchoolId.eq(school))
        .filter(mentor_assignment::Column::EndsOn.is_null())
        .into_tuple()
        .all(ctx.db())
        .await?;
    let mut mentees: HashMap<Uuid, i64> = HashMap::new();
    for s in pairs {
        *mentees.entry(s).or_default() += 1;
    }
    let mut counts: HashMap<Uuid, (BTreeMap<ActivityKind, i64>, i64, i64)> = HashMap::new();
    for (staff_id, kind, channel, n) in rows {
        let e = counts.entry(staff_id).or_default();
        if let Some(k) = ActivityKind::from_code(&kind) {
            *e.0.entry(k).or_default() += n;
        }
        if Channel::from_code(&channel).is_some_and(|c| c.is_in_person()) {
            e.1 += n;
        }
        e.2 += n;
    }
    let mut ids: HashSet<Uuid> = counts.keys().copied().collect();
    ids.extend(mentees.keys().copied());
    let staff_rows = staff::Entity::find()
        .filter(staff::Column::SchoolId.eq(school))
        .filter(staff::Column::Id.is_in(ids.into_iter().collect::<Vec<_>>()))
        .order_by_asc(staff::Column::StaffNo)
        .all(ctx.db())
        .await?;
    Ok(staff_rows
        .into_iter()
        .map(|s| {
            let (by_kind, in_person, total) = counts.remove(&s.id).unwrap_or_default();
            MentorCounts {
                staff_id: s.id,
                staff_name: s.name,
                mentees: mentees.get(&s.id).copied().unwrap_or(0),
                by_kind,
                face_to_face_share: (total > 0).then(|| in_person as f64 / total as f64),
            }
        })
        .collect())
}

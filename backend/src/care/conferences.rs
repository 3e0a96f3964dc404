//! Case conferences (个例会诊 / 导师会诊): a counsellor or a grade leader
//! schedules a conference on one or more cases (when, who, the agenda);
//! the invited staff join the cases. Afterwards the discussion and the
//! decided actions are recorded once: the summary goes on each case's
//! timeline, each action on its case's timeline with its owner and due day,
//! and so into the owner's task list (`my_actions`) until marked done.
//!
//! What a viewer sees of a conference follows their tiers on its cases:
//! nothing without a tier on any of them; the agenda and summary only at
//! the full tier; the cases and actions only as each case's tier shows.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use shared::care::{CaseTier, ConcernLevel};
use uuid::Uuid;

use super::cases::{Seen, audit_list, staff_names};
use super::entities::{case, conference, event};
use super::timeline::{self, EntryBody, MAX_NOTE, Step, need_text, note};
use crate::audit;
use crate::authz;
use crate::authz::mentoring::Me;
use crate::clock;
use crate::error::{ApiError, ApiResult};
use crate::mentoring::entities::parse_ids;
use crate::org::entities::staff;
use crate::tenancy::{Ctx, one_in_school};

/// Most cases on one conference.
pub const MAX_CASES: usize = 20;
/// Most staff invited.
pub const MAX_PARTICIPANTS: usize = 30;
/// Most actions decided at once.
pub const MAX_ACTIONS: usize = 30;
/// Most conferences listed.
pub const MAX_LIST: u64 = 200;
/// Most actions in a task list.
pub const MAX_MY_ACTIONS: u64 = 300;

/// A conference to schedule.
#[derive(Debug, Clone)]
pub struct NewConference {
    /// The cases to discuss.
    pub case_ids: Vec<Uuid>,
    /// When.
    pub scheduled_at: DateTime<Utc>,
    /// What is to be discussed.
    pub agenda: String,
    /// Staff invited (the organiser always is).
    pub participants: Vec<Uuid>,
}

/// An action decided at a conference.
#[derive(Debug, Clone)]
pub struct DecidedAction {
    /// On which of the conference's cases.
    pub case_id: Uuid,
    /// What is to be done.
    pub description: String,
    /// Who does it.
    pub owner_staff_id: Uuid,
    /// By when.
    pub due_on: Option<NaiveDate>,
}

/// A case of a conference as the viewer may see it.
#[derive(Debug, Clone)]
pub struct ConferenceCase {
    /// The case.
    pub id: Uuid,
    /// The viewer's tier on it.
    pub tier: CaseTier,
    /// The student.
    pub student_name: String,
    /// The student's class.
    pub class_name: String,
    /// The level (status tier and above).
    pub level: Option<ConcernLevel>,
}

/// An action (of a conference, or in a task list) with its state.
#[derive(Debug, Clone)]
pub struct ActionView {
    /// The timeline entry.
    pub entry: event::Model,
    /// What is to be done.
    pub description: String,
    /// The conference that decided it, if any.
    pub conference_id: Option<Uuid>,
    /// The student of its case.
    pub student_name: String,
    /// Its owner.
    pub owner_name: Option<String>,
    /// When it was marked done.
    pub done_at: Option<DateTime<Utc>>,
    /// Whether its case is closed.
    pub case_closed: bool,
}

/// A conference as the viewer may see it.
#[derive(Debug, Clone)]
pub struct ConferenceView {
    /// The row (agenda and summary only through the tier-checked accessors).
    pub row: conference::Model,
    /// The viewer's highest tier on its cases.
    pub tier: CaseTier,
    /// Its cases the viewer sees.
    pub cases: Vec<ConferenceCase>,
    /// Its actions the viewer sees (all at the full tier of their case,
    /// else the viewer's own).
    pub actions: Vec<ActionView>,
    /// Staff names (organiser, participants).
    pub names: HashMap<Uuid, String>,
    /// Whether the viewer may record the discussion (not yet recorded).
    pub may_record: bool,
}

impl ConferenceView {
    /// Whether the viewer sees the agenda, summary and participants.
    pub fn full(&self) -> bool {
        self.tier == CaseTier::Full
    }
}

fn ids_json(ids: &[Uuid]) -> String {
    serde_json::to_string(ids).unwrap_or_else(|_| "[]".into())
}

fn dedup(mut ids: Vec<Uuid>) -> Vec<Uuid> {
    let mut seen = std::collections::HashSet::new();
    ids.retain(|i| seen.insert(*i));
    ids
}

/// Schedules a conference (counsellors, grade leaders) on cases the
/// caller sees; the invited staff and the organiser join the cases.
#[tracing::instrument(skip_all)]
pub async fn schedule(ctx: &Ctx, input: NewConference) -> ApiResult<ConferenceView> {
    let case_ids = dedup(input.case_ids);
    if case_ids.is_empty() || case_ids.len() > MAX_CASES {
        return Err(ApiError::invalid(
            "input.caseIds",
            format!("请选择1–{MAX_CASES}个个案"),
        ));
    }
    let participants = dedup(input.participants);
    if participants.len() > MAX_PARTICIPANTS {
        return Err(ApiError::invalid(
            "input.participants",
            format!("最多邀请{MAX_PARTICIPANTS}人"),
        ));
    }
    let agenda = need_text("input.agenda", &input.agenda, MAX_NOTE)?;
    let now = clock::now();
    if input.scheduled_at < now - Duration::days(30)
        || input.scheduled_at > now + Duration::days(365)
    {
        return Err(ApiError::invalid(
            "input.scheduledAt",
            "会诊时间须在过去30天到未来一年之内",
        ));
    }
    let me = Me::load(ctx).await?;
    let organiser = authz::care::may_schedule_conference(ctx, &me)?;
    let mut opened = vec![];
    for id in &case_ids {
        opened.push(timeline::open(ctx, *id).await?);
    }
    let mut invited = vec![organiser];
    for p in participants {
        let s = one_in_school::<staff::Entity>(ctx, p, "参会人").await?;
        if !invited.contains(&s.id) {
            invited.push(s.id);
        }
    }
    let row = conference::Model {
        id: Uuid::new_v4(),
        district_id: me.district_id,
        school_id: me.school_id,
        scheduled_at: input.scheduled_at,
        agenda: agenda.clone(),
        case_ids: ids_json(&case_ids),
        participants: ids_json(&invited),
        organiser_user_id: me.user_id,
        organiser_staff_id: organiser,
        created_at: now,
        summary: None,
        recorded_at: None,
        recorded_by: None,
    };
    conference::Entity::insert(conference::ActiveModel::from(row.clone()))
        .exec_without_returning(ctx.db())
        .await?;
    for o in &opened {
        o.write(
            ctx,
            Step {
                kind: "conference_scheduled",
                body: EntryBody {
                    conference_id: Some(row.id),
                    scheduled_at: Some(row.scheduled_at),
                    ..note(agenda.clone())
                },
                ..Step::default()
            },
        )
        .await?;
        timeline::add_participants(ctx, &o.case, &invited).await?;
    }
    audit::record(
        ctx,
        "care.conference.schedule",
        "care_conference",
        Some(row.id),
        None,
    )
    .await?;
    get_as(ctx, &me, row.id).await
}

/// Records a conference's discussion and decided actions, once.
#[tracing::instrument(skip_all)]
pub async fn record(
    ctx: &Ctx,
    id: Uuid,
    summary: &str,
    actions: Vec<DecidedAction>,
) -> ApiResult<ConferenceView> {
    let summary = need_text("summary", summary, MAX_NOTE)?;
    if actions.len() > MAX_ACTIONS {
        return Err(ApiError::invalid(
            "actions",
            format!("最多{MAX_ACTIONS}项行动"),
        ));
    }
    let mut checked = vec![];
    for (i, a) in actions.into_iter().enumerate() {
        let text = need_text(
            &format!("actions.{i}.description"),
            &a.description,
            MAX_NOTE,
        )?;
        timeline::check_due(a.due_on).map_err(|_| {
            ApiError::invalid(&format!("actions.{i}.dueOn"), "完成期限不能早于今天")
        })?;
        checked.push((a, text));
    }
    let me = Me::load(ctx).await?;
    let v = get_as(ctx, &me, id).await?;
    if v.row.recorded_at.is_some() {
        return Err(ApiError::conflict("会诊已记录，不能重复记录"));
    }
    if !v.may_record {
        return Err(ApiError::forbidden(
            "只有会诊的组织者或心理老师可以记录会诊",
        ));
    }
    let case_ids = parse_ids(&v.row.case_ids);
    let mut opened = HashMap::new();
    for cid in &case_ids {
        let c = one_in_school::<case::Entity>(ctx, *cid, "个案").await?;
        if c.closed_at.is_none() {
            opened.insert(*cid, timeline::open(ctx, *cid).await?);
        }
    }
    for (a, text) in checked {
        let Some(o) = opened.get(&a.case_id) else {
            return Err(if case_ids.contains(&a.case_id) {
                ApiError::conflict("个案已结案，不能再添加行动")
            } else {
                ApiError::invalid("actions.caseId", "行动须属于本次会诊的个案")
            });
        };
        authz::care::require_full(o.tier)?;
        let owner = one_in_school::<staff::Entity>(ctx, a.owner_staff_id, "负责人").await?;
        o.write_action(ctx, text, owner.id, a.due_on, Some(id))
            .await?;
    }
    for o in opened.values() {
        o.write(
            ctx,
            Step {
                kind: "conference",
                body: EntryBody {
                    conference_id: Some(id),
                    ..note(summary.clone())
                },
                ..Step::default()
            },
        )
        .await?;
    }
    let mut m = v.row.clone().into_active_model();
    m.summary = Set(Some(summary));
    m.recorded_at = Set(Some(clock::now()));
    m.recorded_by = Set(Some(me.user_id));
    m.update(ctx.db()).await?;
    audit::record(
        ctx,
        "care.conference.record",
        "care_conference",
        Some(id),
        None,
    )
    .await?;
    get_as(ctx, &me, id).await
}

/// One conference as the caller may see it (audited); one the caller may
/// not see is `NOT_FOUND`.
#[tracing::instrument(skip_all)]
pub async fn get(ctx: &Ctx, id: Uuid) -> ApiResult<ConferenceView> {
    authz::care::may_list(ctx)?;
    let me = Me::load(ctx).await?;
    get_as(ctx, &me, id).await
}

async fn get_as(ctx: &Ctx, me: &Me, id: Uuid) -> ApiResult<ConferenceView> {
    let row = one_in_school::<conference::Entity>(ctx, id, "会诊").await?;
    views(ctx, me, vec![row])
        .await?
        .pop()
        .ok_or_else(|| ApiError::not_found("会诊"))
}

/// The conferences the caller may see, upcoming first then the most recent.
#[tracing::instrument(skip_all)]
pub async fn list(ctx: &Ctx) -> ApiResult<Vec<ConferenceView>> {
    if ctx.caller()?.school_id.is_none() {
        return Err(ApiError::forbidden(
            "区级账号只能查看个案统计，不能查看会诊",
        ));
    }
    authz::care::may_list(ctx)?;
    let me = Me::load(ctx).await?;
    let rows = conference::Entity::find()
        .filter(conference::Column::DistrictId.eq(me.district_id))
        .filter(conference::Column::SchoolId.eq(me.school_id))
        .order_by_desc(conference::Column::ScheduledAt)
        .limit(MAX_LIST)
        .all(ctx.db())
        .await?;
    let mut v = views(ctx, &me, rows).await?;
    let now = clock::now();
    v.sort_by_key(|c| {
        let upcoming =
            c.row.recorded_at.is_none() && c.row.scheduled_at >= now - Duration::hours(12);
        (
            !upcoming,
            if upcoming {
                c.row.scheduled_at.timestamp()
            } else {
                -c.row.scheduled_at.timestamp()
            },
        )
    });
    Ok(v)
}

async fn cases_of(ctx: &Ctx, school: Uuid, ids: Vec<Uuid>) -> ApiResult<Vec<case::Model>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    Ok(case::Entity::find()
        .filter(case::Column::SchoolId.eq(school))
        .filter(case::Column::Id.is_in(ids))
        .all(ctx.db())
        .await?)
}

/// Actions (kind `action`) among `entries`, with their completion.
fn actions_in(
    entries: &[event::Model],
    keep: impl Fn(&event::Model, &EntryBody) -> bool,
) -> Vec<(event::Model, EntryBody, Option<DateTime<Utc>>)> {
    entries
        .iter()
        .filter(|e| e.kind == "action")
        .filter_map(|e| {
            let body = EntryBody::parse(&e.body);
            keep(e, &body).then(|| {
                let done = entries
                    .iter()
                    .find(|d| d.kind == "action_done" && d.amends == Some(e.id))
                    .map(|d| d.created_at);
                (e.clone(), body, done)
            })
        })
        .collect()
}

/// The caller's views of conferences, dropping those they may not see.
async fn views(ctx: &Ctx, me: &Me, rows: Vec<conference::Model>) -> ApiResult<Vec<ConferenceView>> {
    let all_ids: Vec<Uuid> = dedup(rows.iter().flat_map(|r| parse_ids(&r.case_ids)).collect());
    let cases = cases_of(ctx, me.school_id, all_ids).await?;
    let seen = Seen::load(ctx, me, &cases).await?;
    let mut tiers: HashMap<Uuid, CaseTier> = HashMap::new();
    for c in &cases {
        if let Some(t) = seen.tier(ctx, me, c)? {
            tiers.insert(c.id, t);
        }
    }
    let visible: Vec<Uuid> = tiers.keys().copied().collect();
    let entries: Vec<event::Model> = if visible.is_empty() {
        vec![]
    } else {
        event::Entity::find()
            .filter(event::Column::SchoolId.eq(me.school_id))
            .filter(event::Column::CaseId.is_in(visible))
            .filter(event::Column::Kind.is_in(["action", "action_done"]))
            .limit(5_000)
            .all(ctx.db())
            .await?
    };
    let my_staff = me.staff.as_ref().map(|s| s.id);
    let mut out = vec![];
    for row in rows {
        let ids = parse_ids(&row.case_ids);
        let Some(tier) = ids.iter().filter_map(|i| tiers.get(i)).max().copied() else {
            continue;
        };
        let mut conf_cases = vec![];
        for c in cases.iter().filter(|c| ids.contains(&c.id)) {
            let (Some(t), Some((s, cls))) = (tiers.get(&c.id), seen.student(c)) else {
                continue;
            };
            conf_cases.push(ConferenceCase {
                id: c.id,
                tier: *t,
                student_name: s.name.clone(),
                class_name: cls.name.clone(),
                level: (*t >= CaseTier::Status)
                    .then(|| ConcernLevel::from_code(&c.level))
                    .flatten(),
            });
        }
        let acts = actions_in(&entries, |e, b| {
            b.conference_id == Some(row.id)
                && (tiers.get(&e.case_id) == Some(&CaseTier::Full)
                    || (my_staff.is_some() && e.owner_staff_id == my_staff))
        });
        let mut staff_ids = parse_ids(&row.participants);
        staff_ids.push(row.organiser_staff_id);
        staff_ids.extend(acts.iter().filter_map(|a| a.0.owner_staff_id));
        let names = staff_names(ctx, me.school_id, staff_ids).await?;
        let actions = acts
            .into_iter()
            .map(|(e, b, done)| ActionView {
                description: b.note.unwrap_or_default(),
                conference_id: b.conference_id,
                student_name: conf_cases
                    .iter()
                    .find(|c| c.id == e.case_id)
                    .map(|c| c.student_name.clone())
                    .unwrap_or_default(),
                owner_name: e.owner_staff_id.and_then(|s| names.get(&s).cloned()),
                done_at: done,
                case_closed: cases
                    .iter()
                    .any(|c| c.id == e.case_id && c.closed_at.is_some()),
                entry: e,
            })
            .collect();
        audit::record(
            ctx,
            "care.conference.read",
            "care_conference",
            Some(row.id),
            Some(format!("tier:{tier:?}").to_lowercase()),
        )
        .await?;
        out.push(ConferenceView {
            may_record: row.recorded_at.is_none()
                && authz::care::may_record_conference(ctx, me, row.organiser_user_id, tier),
            tier,
            cases: conf_cases,
            actions,
            names,
            row,
        });
    }
    Ok(out)
}

/// The caller's actions on care cases (their task list): open ones first
/// by due day, then those done. One audit record for the list.
#[tracing::instrument(skip_all)]
pub async fn my_actions(ctx: &Ctx) -> ApiResult<Vec<ActionView>> {
    authz::care::may_list(ctx)?;
    let me = Me::load(ctx).await?;
    let Some(my_staff) = me.staff.as_ref().map(|s| s.id) else {
        return Ok(vec![]);
    };
    let mine = event::Entity::find()
        .filter(event::Column::DistrictId.eq(me.district_id))
        .filter(event::Column::SchoolId.eq(me.school_id))
        .filter(event::Column::OwnerStaffId.eq(my_staff))
        .filter(event::Column::Kind.is_in(["action", "action_done"]))
        .order_by_desc(event::Column::CreatedAt)
        .limit(MAX_MY_ACTIONS)
        .all(ctx.db())
        .await?;
    let case_ids = dedup(mine.iter().map(|e| e.case_id).collect());
    let cases = cases_of(ctx, me.school_id, case_ids).await?;
    let seen = Seen::load(ctx, &me, &cases).await?;
    let mut visible = HashMap::new();
    for c in &cases {
        if seen.tier(ctx, &me, c)?.is_some() {
            visible.insert(c.id, c);
        }
    }
    let names = staff_names(ctx, me.school_id, vec![my_staff]).await?;
    let mut out: Vec<ActionView> = actions_in(&mine, |e, _| visible.contains_key(&e.case_id))
        .into_iter()
        .filter_map(|(e, b, done)| {
            let c = visible.get(&e.case_id)?;
            Some(ActionView {
                description: b.note.unwrap_or_default(),
                conference_id: b.conference_id,
                student_name: seen
                    .student(c)
                    .map(|(s, _)| s.name.clone())
                    .unwrap_or_default(),
                owner_name: names.get(&my_staff).cloned(),
                done_at: done,
                case_closed: c.closed_at.is_some(),
                entry: e,
            })
        })
        .collect();
    out.sort_by_key(|a| {
        (
            a.done_at.is_some() || a.case_closed,
            a.entry.due_on.unwrap_or(NaiveDate::MAX),
            a.entry.created_at,
        )
    });
    let read: Vec<Uuid> = out.iter().map(|a| a.entry.case_id).collect();
    audit_list(ctx, "care.action.list", &read).await?;
    Ok(out)
}

/// Whom an action may be given to, by name: the staff named on the cases
/// first (`on_case`), then the school's other staff. Counsellors, grade
/// leaders, and whoever sees each of the cases.
#[tracing::instrument(skip_all)]
pub async fn staff_choices(ctx: &Ctx, case_ids: Vec<Uuid>) -> ApiResult<Vec<(staff::Model, bool)>> {
    authz::care::may_list(ctx)?;
    let me = Me::load(ctx).await?;
    let case_ids = dedup(case_ids);
    if case_ids.len() > MAX_CASES {
        return Err(ApiError::invalid(
            "caseIds",
            format!("最多{MAX_CASES}个个案"),
        ));
    }
    if case_ids.is_empty() {
        authz::care::may_schedule_conference(ctx, &me)?;
    }
    let mut named = vec![];
    for id in &case_ids {
        let (c, tier) = super::cases::load(ctx, &me, *id).await?;
        authz::care::require_some(tier)?;
        named.extend(parse_ids(&c.participants));
        if let Some(s) = crate::org::entities::staff::Entity::find()
            .filter(staff::Column::SchoolId.eq(me.school_id))
            .filter(staff::Column::UserId.eq(c.raised_by))
            .one(ctx.db())
            .await?
        {
            named.push(s.id);
        }
    }
    let all = staff::Entity::find()
        .filter(staff::Column::DistrictId.eq(me.district_id))
        .filter(staff::Column::SchoolId.eq(me.school_id))
        .order_by_asc(staff::Column::Name)
        .limit(1_000)
        .all(ctx.db())
        .await?;
    let mut out: Vec<(staff::Model, bool)> = all
        .into_iter()
        .map(|s| {
            let on = named.contains(&s.id);
            (s, on)
        })
        .collect();
    out.sort_by_key(|(_, on)| !on);
    Ok(out)
}

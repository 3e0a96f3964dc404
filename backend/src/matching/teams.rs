//! Special-needs mentor teams (导师团 / 多对一): the head teacher applies for
//! a student with a written reason, the school admin (leading group) decides;
//! an approved team has one lead mentor and members (the head teacher, the
//! student's chosen mentors, a counsellor).
//!
//! Discretion: nothing marks the student as special. The `Student` type has
//! no team field; teams are visible only to their members and the school
//! admin, applications only to their applicant and the school admin. The
//! student's ordinary mentor pair (`mentor_assignments`) is not touched.

use std::collections::{HashMap, HashSet};

use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use shared::org::{Qualification, Role};
use uuid::Uuid;

use super::entities::{team_application, team_member};
use crate::audit;
use crate::authz;
use crate::error::Problems;
use crate::error::{ApiError, ApiResult};
use crate::org::entities::{class, staff, student};
use crate::tenancy::Ctx;
use crate::tenancy::one_in_school;

/// Most members of a team, the lead included.
pub const MAX_TEAM: usize = 8;

/// An application with the names needed to show it.
pub struct ApplicationView {
    /// The row.
    pub app: team_application::Model,
    /// The student's name.
    pub student_name: String,
    /// Proposed members: (staff id, name).
    pub proposed: Vec<(Uuid, String)>,
}

/// An approved team.
pub struct TeamView {
    /// The approved application's id.
    pub application_id: Uuid,
    /// The student.
    pub student_id: Uuid,
    /// The student's name.
    pub student_name: String,
    /// The lead mentor: (staff id, name).
    pub lead: (Uuid, String),
    /// The other members: (staff id, name).
    pub members: Vec<(Uuid, String)>,
}

async fn staff_names(ctx: &Ctx, ids: &[Uuid]) -> ApiResult<HashMap<Uuid, staff::Model>> {
    Ok(staff::Entity::find()
        .filter(staff::Column::SchoolId.eq(ctx.school_id()?))
        .filter(staff::Column::Id.is_in(ids.to_vec()))
        .all(ctx.db())
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect())
}

async fn view(ctx: &Ctx, app: team_application::Model) -> ApiResult<ApplicationView> {
    let ids: Vec<Uuid> = serde_json::from_str(&app.proposed_ids).unwrap_or_default();
    let names = staff_names(ctx, &ids).await?;
    let s = one_in_school::<student::Entity>(ctx, app.student_id, "学生").await?;
    Ok(ApplicationView {
        proposed: ids
            .iter()
            .filter_map(|id| names.get(id).map(|m| (m.id, m.name.clone())))
            .collect(),
        student_name: s.name,
        app,
    })
}

/// Checks a list of staff ids of the caller's school: distinct, existing.
async fn check_staff(
    ctx: &Ctx,
    p: &mut Problems,
    field: &str,
    ids: &[Uuid],
) -> ApiResult<HashMap<Uuid, staff::Model>> {
    let names = staff_names(ctx, ids).await?;
    let mut seen = HashSet::new();
    for (i, id) in ids.iter().enumerate() {
        if !seen.insert(*id) {
            p.add(&format!("{field}[{i}]"), "同一位教师不能重复");
        } else if !names.contains_key(id) {
            p.add(&format!("{field}[{i}]"), "找不到这位教师");
        }
    }
    Ok(names)
}

/// Files an application for a mentor team (the student's head teacher).
#[tracing::instrument(skip_all, fields(student_id = %student_id))]
pub async fn apply(
    ctx: &Ctx,
    student_id: Uuid,
    reason: &str,
    proposed: Vec<Uuid>,
) -> ApiResult<ApplicationView> {
    ctx.require_any(&[Role::HeadTeacher])?;
    let me = authz::my_staff(ctx)
        .await?
        .ok_or_else(|| ApiError::forbidden("此账号没有关联教师"))?;
    let s = one_in_school::<student::Entity>(ctx, student_id, "学生").await?;
    let c = one_in_school::<class::Entity>(ctx, s.class_id, "班级").await?;
    if c.head_teacher_id != Some(me.id) {
        return Err(ApiError::forbidden("只有该学生的班主任可以申请导师团"));
    }
    let reason = reason.trim();
    let mut p = Problems::default();
    if reason.is_empty() {
        p.add("reason", "请写明申请理由");
    } else if reason.chars().count() > 2000 {
        p.add("reason", "申请理由不能超过2000字");
    }
    if proposed.len() > MAX_TEAM {
        p.add("proposedMemberIds", format!("导师团最多{MAX_TEAM}人"));
    }
    check_staff(ctx, &mut p, "proposedMemberIds", &proposed).await?;
    p.finish()?;
    let pending = team_application::Entity::find()
        .filter(team_application::Column::SchoolId.eq(s.school_id))
        .filter(team_application::Column::StudentId.eq(s.id))
        .filter(team_application::Column::Status.eq("pending"))
        .one(ctx.db())
        .await?;
    if pending.is_some() {
        return Err(ApiError::conflict("该学生已有一份待审批的导师团申请"));
    }
    let app = team_application::ActiveModel {
        id: Set(Uuid::new_v4()),
        district_id: Set(s.district_id),
        school_id: Set(s.school_id),
        student_id: Set(s.id),
        applied_by: Set(me.id),
        reason: Set(reason.to_string()),
        proposed_ids: Set(serde_json::to_string(&proposed).map_err(anyhow::Error::from)?),
        status: Set("pending".into()),
        decided_by: Set(None),
        note: Set(None),
        created_at: Set(chrono::Utc::now()),
        decided_at: Set(None),
    }
    .insert(ctx.db())
    .await?;
    audit::record(
        ctx,
        "mentor_team.apply",
        "mentor_team_application",
        Some(app.id),
        None,
    )
    .await?;
    view(ctx, app).await
}

/// Approves (with a lead mentor and members) or rejects an application
/// (school admin). The applying head teacher joins an approved team.
#[tracing::instrument(skip_all, fields(app_id = %app_id))]
pub async fn decide(
    ctx: &Ctx,
    app_id: Uuid,
    approve: bool,
    lead: Option<Uuid>,
    members: Vec<Uuid>,
    note: Option<String>,
) -> ApiResult<ApplicationView> {
    let (_, school) = ctx.require_school_admin()?;
    let caller = ctx.caller()?.user_id;
    let app = one_in_school::<team_application::Entity>(ctx, app_id, "导师团申请").await?;
    if app.status != "pending" {
        return Err(ApiError::conflict("该申请已经处理过了"));
    }
    let note = note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
    let mut p = Problems::default();
    if note.as_ref().is_some_and(|n| n.chars().count() > 1000) {
        p.add("note", "审批意见不能超过1000字");
    }
    let mut team: Vec<(Uuid, bool)> = vec![];
    if approve {
        match lead {
            None => p.add("leadMentorId", "批准时请指定牵头导师"),
            Some(l) => {
                let found = check_staff(ctx, &mut p, "leadMentorId", &[l]).await?;
                if let Some(m) = found.get(&l)
                    && !Qualification::from_code(&m.qualification).is_some_and(|q| q.may_mentor())
                {
                    p.add("leadMentorId", "牵头导师须已具备导师资格");
                }
                team.push((l, true));
            }
        }
        check_staff(ctx, &mut p, "memberIds", &members).await?;
        for m in members.iter().chain([&app.applied_by]) {
            if !team.iter().any(|(t, _)| t == m) {
                team.push((*m, false));
            }
        }
        if team.len() > MAX_TEAM {
            p.add("memberIds", format!("导师团最多{MAX_TEAM}人"));
        }
    }
    p.finish()?;
    let now = chrono::Utc::now();
    if approve {
        let rows: Vec<team_member::ActiveModel> = team
            .iter()
            .map(|(staff_id, lead)| team_member::ActiveModel {
                id: Set(Uuid::new_v4()),
                district_id: Set(app.district_id),
                school_id: Set(school),
                application_id: Set(app.id),
                student_id: Set(app.student_id),
                staff_id: Set(*staff_id),
                lead: Set(*lead),
                created_at: Set(now),
            })
            .collect();
        team_member::Entity::insert_many(rows)
            .exec_without_returning(ctx.db())
            .await?;
    }
    let mut am: team_application::ActiveModel = app.into();
    am.status = Set(if approve { "approved" } else { "rejected" }.into());
    am.decided_by = Set(Some(caller));
    am.note = Set(note.clone());
    am.decided_at = Set(Some(now));
    let app = am.update(ctx.db()).await?;
    audit::record(
        ctx,
        if approve {
            "mentor_team.approve"
        } else {
            "mentor_team.reject"
        },
        "mentor_team_application",
        Some(app.id),
        note,
    )
    .await?;
    if approve {
        // On the student's own trail: who holds a mentor's rights from now
        // on (member staff ids, no names: the trail is read by admins).
        let ids: Vec<String> = team.iter().map(|(id, _)| id.to_string()).collect();
        audit::record(
            ctx,
            "mentor_team.rights.grant",
            "student",
            Some(app.student_id),
            Some(format!("导师团成员获得该生导师权限：{}", ids.join(","))),
        )
        .await?;
    }
    view(ctx, app).await
}

/// Applications the caller may see: all of the school (school admin), or
/// the ones the caller filed (head teacher); nothing for anyone else.
#[tracing::instrument(skip_all)]
pub async fn list_applications(ctx: &Ctx) -> ApiResult<Vec<ApplicationView>> {
    let caller = ctx.caller()?;
    let school = ctx.school_id()?;
    let mut q = team_application::Entity::find()
        .filter(team_application::Column::DistrictId.eq(caller.district_id))
        .filter(team_application::Column::SchoolId.eq(school));
    if !caller.has(Role::SchoolAdmin) {
        let Some(me) = authz::my_staff(ctx).await? else {
            return Ok(vec![]);
        };
        if !caller.has(Role::HeadTeacher) {
            return Ok(vec![]);
        }
        q = q.filter(team_application::Column::AppliedBy.eq(me.id));
    }
    let rows = q
        .order_by_desc(team_application::Column::CreatedAt)
        .all(ctx.db())
        .await?;
    let me = authz::my_staff(ctx).await?.map(|m| m.id);
    let mut out = vec![];
    for a in rows {
        // The reason describes the student's situation: reading someone
        // else's is audited (the applicant reads their own words).
        if Some(a.applied_by) != me {
            audit::record(
                ctx,
                "mentor_team.reason.read",
                "student",
                Some(a.student_id),
                None,
            )
            .await?;
        }
        out.push(view(ctx, a).await?);
    }
    Ok(out)
}

/// Approved teams the caller may see: all of the school (school admin), or
/// those the caller is a member of; nothing for anyone else.
#[tracing::instrument(skip_all)]
pub async fn list_teams(ctx: &Ctx) -> ApiResult<Vec<TeamView>> {
    let caller = ctx.caller()?;
    let school = ctx.school_id()?;
    let mut q = team_member::Entity::find()
        .filter(team_member::Column::DistrictId.eq(caller.district_id))
        .filter(team_member::Column::SchoolId.eq(school));
    if !caller.has(Role::SchoolAdmin) {
        let Some(me) = authz::my_staff(ctx).await? else {
            return Ok(vec![]);
        };
        let mine: Vec<Uuid> = team_member::Entity::find()
            .filter(team_member::Column::SchoolId.eq(school))
            .filter(team_member::Column::StaffId.eq(me.id))
            .all(ctx.db())
            .await?
            .into_iter()
            .map(|m| m.application_id)
            .collect();
        if mine.is_empty() {
            return Ok(vec![]);
        }
        q = q.filter(team_member::Column::ApplicationId.is_in(mine));
    }
    let rows = q
        .order_by_asc(team_member::Column::CreatedAt)
        .all(ctx.db())
        .await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.staff_id).collect();
    let names = staff_names(ctx, &ids).await?;
    let name = |id: Uuid| names.get(&id).map(|s| s.name.clone()).unwrap_or_default();
    let mut teams: Vec<TeamView> = vec![];
    for r in rows {
        let pos = match teams
            .iter()
            .position(|t| t.application_id == r.application_id)
        {
            Some(i) => i,
            None => {
                let s = one_in_school::<student::Entity>(ctx, r.student_id, "学生").await?;
                teams.push(TeamView {
                    application_id: r.application_id,
                    student_id: r.student_id,
                    student_name: s.name,
                    lead: (Uuid::nil(), String::new()),
                    members: vec![],
                });
                teams.len() - 1
            }
        };
        if r.lead {
            teams[pos].lead = (r.staff_id, name(r.staff_id));
        } else {
            teams[pos].members.push((r.staff_id, name(r.staff_id)));
        }
    }
    Ok(teams)
}

//! Care and crisis: who may raise a concern about a student, and what each
//! person sees of a case (保密性原则):
//!
//! - **full**: the school's counsellors, the safety lead the plan names, and
//!   staff named on the case (action owners, added participants);
//! - **status** (level, stage, times, and their own entries): the person who
//!   raised it, the grade leader of the student's grade;
//! - **existence** (that a case is open, and their own entries): the head
//!   teacher of the student's class;
//! - nobody else: parents and students never, other mentors never, the
//!   district only counts (never a case).

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use shared::care::CaseTier;
use shared::org::Role;
use shared::policy::{CommunicationRules, EmergencyPlan};
use uuid::Uuid;

use crate::authz::mentoring::Me;
use crate::care::entities::case;
use crate::error::{ApiError, ApiResult};
use crate::mentoring::entities::parse_ids;
use crate::org::entities::student;
use crate::tenancy::Ctx;

/// What the caller may see of a case, if anything.
pub fn tier(
    ctx: &Ctx,
    me: &Me,
    c: &case::Model,
    s: &student::Model,
    grade: i32,
    plan: &EmergencyPlan,
) -> ApiResult<Option<CaseTier>> {
    let caller = ctx.caller()?;
    if c.school_id != me.school_id || s.school_id != me.school_id {
        return Ok(None);
    }
    let staff = me.staff.as_ref().map(|s| s.id);
    if caller.has(Role::Counsellor) && staff.is_some() {
        return Ok(Some(CaseTier::Full));
    }
    if let Some(sid) = staff {
        if plan.safety_lead_staff_id.as_deref() == Some(sid.to_string().as_str()) {
            return Ok(Some(CaseTier::Full));
        }
        if parse_ids(&c.participants).contains(&sid) {
            return Ok(Some(CaseTier::Full));
        }
    }
    if c.raised_by == me.user_id || me.grades.contains(&grade) {
        return Ok(Some(CaseTier::Status));
    }
    if me.head_classes.contains(&s.class_id) {
        return Ok(Some(CaseTier::Existence));
    }
    Ok(None)
}

/// May the caller raise a concern about the student? Any of the student's
/// mentors, the head teacher, the grade leader of the grade, a counsellor.
pub fn may_raise(ctx: &Ctx, me: &Me, s: &student::Model, grade: i32) -> ApiResult<Uuid> {
    let caller = ctx.caller()?;
    let staff = me.staff_id()?;
    let related =
        !me.relations(s).is_empty() || me.grades.contains(&grade) || caller.has(Role::Counsellor);
    if !related {
        return Err(ApiError::forbidden(
            "只有学生的导师、班主任、年级组长或心理老师可以上报关注",
        ));
    }
    Ok(staff)
}

/// May the caller list cases at all? School staff; what each sees is
/// narrowed by [`tier`]. Parents, students and the district never.
pub fn may_list(ctx: &Ctx) -> ApiResult<()> {
    ctx.require_any(&[
        Role::SchoolAdmin,
        Role::GradeLeader,
        Role::HeadTeacher,
        Role::Mentor,
        Role::Counsellor,
    ])
    .map(|_| ())
}

/// Requires full access to the case (counsellors, safety lead, participants).
pub fn require_full(t: Option<CaseTier>) -> ApiResult<()> {
    match t {
        Some(CaseTier::Full) => Ok(()),
        Some(_) => Err(ApiError::forbidden(
            "只有心理老师、安全负责人和个案参与人可以记录此项",
        )),
        None => Err(ApiError::not_found("个案")),
    }
}

/// Requires some access to the case; none is indistinguishable from missing.
pub fn require_some(t: Option<CaseTier>) -> ApiResult<CaseTier> {
    t.ok_or_else(|| ApiError::not_found("个案"))
}

/// May the caller record an assessment? Counsellors only.
pub fn may_assess(ctx: &Ctx, t: Option<CaseTier>) -> ApiResult<()> {
    require_full(t)?;
    ctx.require_any(&[Role::Counsellor])?;
    Ok(())
}

/// May the caller acknowledge the case? Whoever sees it in full, or was
/// alerted about it.
pub fn may_acknowledge(t: Option<CaseTier>, alerted: bool) -> ApiResult<()> {
    if alerted && t.is_some() {
        return Ok(());
    }
    require_full(t)
}

/// May the caller record contact with the parents about the case? Those the
/// school's communication rule (归口管理) lets contact parents, among the
/// people who see the case; counsellors always (the plan's contact).
pub fn may_contact_parents(
    ctx: &Ctx,
    me: &Me,
    s: &student::Model,
    t: Option<CaseTier>,
    rules: &CommunicationRules,
) -> ApiResult<()> {
    require_some(t)?;
    if ctx.caller()?.has(Role::Counsellor) {
        return Ok(());
    }
    if !rules.may_contact_parents(&me.relations(s)) {
        return Err(ApiError::forbidden(rules.refusal_zh()));
    }
    Ok(())
}

/// May the caller record a follow-up talk? Full access, or the person who
/// raised the case.
pub fn may_follow_up(t: Option<CaseTier>, raised_by_me: bool) -> ApiResult<()> {
    if raised_by_me && t.is_some() {
        return Ok(());
    }
    require_full(t)
}

/// Whether a counsellor may read the student's growth file because a case
/// about the student is open (the caller audits the read as such).
pub async fn counsellor_reads_for_case(ctx: &Ctx, s: &student::Model) -> ApiResult<bool> {
    let caller = ctx.caller()?;
    if !caller.has(Role::Counsellor) || caller.school_id != Some(s.school_id) {
        return Ok(false);
    }
    Ok(case::Entity::find()
        .filter(case::Column::SchoolId.eq(s.school_id))
        .filter(case::Column::StudentId.eq(s.id))
        .filter(case::Column::ClosedAt.is_null())
        .one(ctx.db())
        .await?
        .is_some())
}

/// May the caller schedule a case conference? Counsellors (个例会诊) and
/// grade leaders (导师会诊), on cases they see (checked per case).
pub fn may_schedule_conference(ctx: &Ctx, me: &Me) -> ApiResult<Uuid> {
    ctx.require_any(&[Role::Counsellor, Role::GradeLeader])
        .map_err(|_| ApiError::forbidden("只有心理老师或年级组长可以安排个案会诊"))?;
    me.staff_id()
}

/// May the caller record a conference's discussion? Its organiser, or a
/// counsellor who sees one of its cases in full.
pub fn may_record_conference(ctx: &Ctx, me: &Me, organiser: Uuid, best: CaseTier) -> bool {
    me.user_id == organiser
        || (best == CaseTier::Full && ctx.caller().is_ok_and(|c| c.has(Role::Counsellor)))
}

//! Lists of activities: a student's, a staff member's, a term's.

use chrono::Duration;
use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::activities::{ActivityView, one_view, students_in_school, views};
use super::entities::{activity, activity_student};
use crate::authz;
use crate::authz::mentoring::Me;
use crate::error::{ApiError, ApiResult};
use crate::org::entities::{class, student};
use crate::pagination::Page;
use crate::tenancy::Ctx;
use crate::tenancy::one_in_school;

// ---------------------------------------------------------------- lists

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
#[tracing::instrument(skip_all)]
pub async fn list_activities(
    ctx: &Ctx,
    student_id: Option<Uuid>,
    class_id: Option<Uuid>,
    page: Page,
) -> ApiResult<(Vec<ActivityView>, u64)> {
    authz::mentoring::may_read_mentoring_lists(ctx)?;
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
#[tracing::instrument(skip_all, fields(id = %id))]
pub async fn get_activity(ctx: &Ctx, id: Uuid) -> ApiResult<ActivityView> {
    authz::mentoring::may_read_mentoring_lists(ctx)?;
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
#[tracing::instrument(skip_all, fields(student_id = %student_id, term_id = %term_id))]
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

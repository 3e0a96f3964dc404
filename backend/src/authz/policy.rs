//! The policy capability (一校一策, the school calendar, 三个一 task status):
//! who may set the district baseline, save a school's policy, edit the
//! calendar, read a school's policy, and read task status beyond single
//! students (single students follow [`super::student_scope`]).

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use shared::org::Role;
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::org::entities::{class, school};
use crate::tenancy::Ctx;

/// May the caller save a version of the district baseline? The district
/// admin (district level); answers with the district.
pub fn may_set_baseline(ctx: &Ctx) -> ApiResult<Uuid> {
    super::require_district_admin(ctx)
}

/// May the caller check and save the school's policy? The school admin;
/// answers with `(district, school)`.
pub fn may_manage_school_policy(ctx: &Ctx) -> ApiResult<(Uuid, Uuid)> {
    ctx.require_school_admin()
}

/// May the caller add and delete events of the school calendar? The school
/// admin; answers with `(district, school)`.
pub fn may_manage_calendar(ctx: &Ctx) -> ApiResult<(Uuid, Uuid)> {
    ctx.require_school_admin()
}

/// Which school's policy may the caller read, when they ask for `asked`
/// (or for none)? A school user: their own school only (another school is
/// `NOT_FOUND`); the district admin: any school of the district, which they
/// must name. Answers with `(district, school)`.
pub async fn which_school_policy_readable(
    ctx: &Ctx,
    asked: Option<Uuid>,
) -> ApiResult<(Uuid, Uuid)> {
    let caller = ctx.caller()?;
    let district = caller.district_id;
    let school = match (caller.school_id, asked) {
        (Some(own), None) => own,
        (Some(own), Some(asked)) if own == asked => own,
        (Some(_), Some(_)) => return Err(ApiError::not_found("学校")),
        (None, Some(asked)) if caller.has(Role::DistrictAdmin) => {
            school::Entity::find_by_id(asked)
                .filter(school::Column::DistrictId.eq(district))
                .one(ctx.db())
                .await?
                .ok_or_else(|| ApiError::not_found("学校"))?
                .id
        }
        (None, _) => return Err(ApiError::forbidden("请指定学校")),
    };
    Ok((district, school))
}

/// May the caller read a whole class's tasks? The school admin, a leader of
/// the class's grade, the class's head teacher.
pub async fn may_read_class_tasks(ctx: &Ctx, c: &class::Model) -> ApiResult<()> {
    let caller = ctx.caller()?.clone();
    let mut allowed = caller.has(Role::SchoolAdmin)
        || (caller.has(Role::GradeLeader) && caller.grades.contains(&c.grade));
    if !allowed
        && caller.has(Role::HeadTeacher)
        && let Some(me) = super::my_staff(ctx).await?
    {
        allowed = c.head_teacher_id == Some(me.id);
    }
    if !allowed {
        return Err(ApiError::forbidden(
            "只有本班班主任、年级组长或学校管理员可以查看全班任务",
        ));
    }
    Ok(())
}

/// Which grades' task counts may a school user read? The school admin:
/// every grade (`None`); a grade leader: their grades; anyone else is
/// refused.
pub fn which_grades_countable(ctx: &Ctx) -> ApiResult<Option<Vec<i32>>> {
    let caller = ctx.caller()?;
    if caller.has(Role::SchoolAdmin) {
        Ok(None)
    } else if caller.has(Role::GradeLeader) && !caller.grades.is_empty() {
        Ok(Some(caller.grades.clone()))
    } else {
        Err(ApiError::forbidden(
            "只有学校管理员或年级组长可以查看任务完成统计",
        ))
    }
}

/// May a district-level caller read the district's task counts (one entry
/// per school, aggregates only)? The district admin.
pub fn may_count_district_tasks(ctx: &Ctx) -> ApiResult<()> {
    ctx.require_any(&[Role::DistrictAdmin]).map(|_| ())
}

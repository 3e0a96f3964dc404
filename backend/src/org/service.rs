//! Organisation services. Every function takes the request context first and
//! scopes every query by it; mutations validate all input before changing
//! anything (the request's transaction rolls back on any error).

use std::collections::HashMap;

use async_graphql::InputObject;
use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use shared::org::{FamilyFlag, Qualification, Role, SchoolStage, SpecialNeed};
use uuid::Uuid;

use super::entities::{
    class, guardian, mentor_assignment, school, staff, student, student_guardian, teaching, term,
};
use super::validate;
use crate::audit;
use crate::auth::entities::{role_grant, user};
use crate::auth::password;
use crate::authz;
use crate::error::{ApiError, ApiResult, Problems};
use crate::graphql::context::parse_id;
use crate::pagination::Page;
use crate::tenancy::{Ctx, one_in_school};

fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

// ---------------------------------------------------------------- schools

/// A school with its counts.
pub struct SchoolStats {
    /// The school.
    pub school: school::Model,
    /// Students.
    pub students: u64,
    /// Classes.
    pub classes: u64,
    /// Staff.
    pub staff: u64,
}

/// A school's fields.
#[derive(InputObject)]
pub struct SchoolInput {
    /// Platform-unique code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Stage.
    pub stage: SchoolStage,
}

/// Rows per school of a tenant table, in one grouped query.
async fn count_by_school<E: EntityTrait>(
    ctx: &Ctx,
    district: Uuid,
    [school_col, district_col, id_col]: [E::Column; 3],
) -> ApiResult<HashMap<Uuid, u64>> {
    let rows: Vec<(Uuid, i64)> = E::find()
        .select_only()
        .column(school_col)
        .column_as(id_col.count(), "n")
        .filter(district_col.eq(district))
        .group_by(school_col)
        .into_tuple()
        .all(ctx.db())
        .await?;
    Ok(rows
        .into_iter()
        .map(|(s, n)| (s, n.max(0) as u64))
        .collect())
}

/// The schools the caller sees: all of the district for district admins
/// (with counts only), else the caller's own school. Three grouped count
/// queries whatever the number of schools.
pub async fn list_schools(ctx: &Ctx) -> ApiResult<Vec<SchoolStats>> {
    let caller = ctx.caller()?;
    let district = caller.district_id;
    let mut q = school::Entity::find().filter(school::Column::DistrictId.eq(district));
    if let Some(own) = caller.school_id {
        q = q.filter(school::Column::Id.eq(own));
    } else if !caller.has(Role::DistrictAdmin) {
        return Ok(vec![]);
    }
    let schools = q.order_by_asc(school::Column::Code).all(ctx.db()).await?;
    use student::Column as S;
    let students =
        count_by_school::<student::Entity>(ctx, district, [S::SchoolId, S::DistrictId, S::Id])
            .await?;
    use class::Column as C;
    let classes =
        count_by_school::<class::Entity>(ctx, district, [C::SchoolId, C::DistrictId, C::Id])
            .await?;
    use staff::Column as T;
    let staff =
        count_by_school::<staff::Entity>(ctx, district, [T::SchoolId, T::DistrictId, T::Id])
            .await?;
    Ok(schools
        .into_iter()
        .map(|s| SchoolStats {
            students: students.get(&s.id).copied().unwrap_or(0),
            classes: classes.get(&s.id).copied().unwrap_or(0),
            staff: staff.get(&s.id).copied().unwrap_or(0),
            school: s,
        })
        .collect())
}

/// One school the caller sees.
pub async fn get_school(ctx: &Ctx, id: Uuid) -> ApiResult<SchoolStats> {
    let list = list_schools(ctx).await?;
    list.into_iter()
        .find(|s| s.school.id == id)
        .ok_or_else(|| ApiError::not_found("学校"))
}

fn require_district_admin(ctx: &Ctx) -> ApiResult<Uuid> {
    let caller = ctx.require_any(&[Role::DistrictAdmin])?;
    if caller.school_id.is_some() {
        return Err(ApiError::forbidden("只有区教育局账号可以执行此操作"));
    }
    Ok(caller.district_id)
}

fn check_school_input(input: &SchoolInput) -> ApiResult<()> {
    let mut p = Problems::default();
    p.check("input.code", validate::code(&input.code));
    p.check("input.name", validate::name(&input.name));
    p.finish()
}

/// Creates a school in the caller's district.
pub async fn create_school(ctx: &Ctx, input: SchoolInput) -> ApiResult<school::Model> {
    let district = require_district_admin(ctx)?;
    check_school_input(&input)?;
    let m = school::ActiveModel {
        id: Set(Uuid::new_v4()),
        district_id: Set(district),
        code: Set(input.code.trim().to_string()),
        name: Set(input.name.trim().to_string()),
        stage: Set(input.stage.code().to_string()),
        created_at: Set(now()),
    }
    .insert(ctx.db())
    .await
    .map_err(|e| match ApiError::from(e) {
        ApiError::Conflict(_) => ApiError::conflict("学校代码已被使用"),
        other => other,
    })?;
    audit::record(ctx, "school.create", "school", Some(m.id), None).await?;
    Ok(m)
}

/// Updates a school of the caller's district.
pub async fn update_school(ctx: &Ctx, id: Uuid, input: SchoolInput) -> ApiResult<school::Model> {
    let district = require_district_admin(ctx)?;
    check_school_input(&input)?;
    let found = school::Entity::find_by_id(id)
        .filter(school::Column::DistrictId.eq(district))
        .one(ctx.db())
        .await?
        .ok_or_else(|| ApiError::not_found("学校"))?;
    let mut m = found.into_active_model();
    m.code = Set(input.code.trim().to_string());
    m.name = Set(input.name.trim().to_string());
    m.stage = Set(input.stage.code().to_string());
    let m = m.update(ctx.db()).await?;
    audit::record(ctx, "school.update", "school", Some(m.id), None).await?;
    Ok(m)
}

// ---------------------------------------------------------------- accounts

/// A new login account.
#[derive(InputObject)]
pub struct AccountInput {
    /// Platform-unique login name.
    pub username: String,
    /// Initial password (8+ characters).
    pub password: String,
    /// Name shown in the UI.
    pub display_name: String,
}

/// Whom a school account belongs to, and its roles.
#[derive(InputObject)]
pub struct SchoolAccountInput {
    /// The account.
    pub account: AccountInput,
    /// A staff member (for staff roles).
    pub staff_id: Option<async_graphql::ID>,
    /// A student (for the student role).
    pub student_id: Option<async_graphql::ID>,
    /// A guardian (for the parent role).
    pub guardian_id: Option<async_graphql::ID>,
    /// Roles to grant.
    pub roles: Vec<Role>,
    /// The grade led, with `GRADE_LEADER`.
    pub grade: Option<i32>,
}

fn check_account(input: &AccountInput, p: &mut Problems) {
    p.check(
        "input.account.username",
        validate::username(&input.username),
    );
    p.check(
        "input.account.password",
        password::check_strength(&input.password),
    );
    p.check(
        "input.account.displayName",
        validate::name(&input.display_name),
    );
    // Usernames are unique across the platform; the unique index enforces it
    // and maps to CONFLICT.
}

async fn insert_user(
    ctx: &Ctx,
    input: &AccountInput,
    district: Uuid,
    school: Option<Uuid>,
) -> ApiResult<user::Model> {
    let hash = password::hash_async(input.password.clone()).await?;
    user::ActiveModel {
        id: Set(Uuid::new_v4()),
        username: Set(input.username.trim().to_string()),
        password_hash: Set(hash),
        display_name: Set(input.display_name.trim().to_string()),
        district_id: Set(Some(district)),
        school_id: Set(school),
        active: Set(true),
        created_at: Set(now()),
    }
    .insert(ctx.db())
    .await
    .map_err(|e| match ApiError::from(e) {
        ApiError::Conflict(_) => ApiError::conflict("用户名已被使用"),
        other => other,
    })
}

async fn insert_grant(
    ctx: &Ctx,
    user_id: Uuid,
    role: Role,
    district: Uuid,
    school: Option<Uuid>,
    grade: Option<i32>,
) -> ApiResult<role_grant::Model> {
    Ok(role_grant::ActiveModel {
        id: Set(Uuid::new_v4()),
        user_id: Set(user_id),
        role: Set(role.code().to_string()),
        district_id: Set(district),
        school_id: Set(school),
        grade: Set(grade),
        created_at: Set(now()),
    }
    .insert(ctx.db())
    .await?)
}

/// Creates a school admin account for a school of the caller's district.
pub async fn create_school_admin(
    ctx: &Ctx,
    school_id: Uuid,
    input: AccountInput,
) -> ApiResult<user::Model> {
    let district = require_district_admin(ctx)?;
    school::Entity::find_by_id(school_id)
        .filter(school::Column::DistrictId.eq(district))
        .one(ctx.db())
        .await?
        .ok_or_else(|| ApiError::not_found("学校"))?;
    let mut p = Problems::default();
    check_account(&input, &mut p);
    p.finish()?;
    let u = insert_user(ctx, &input, district, Some(school_id)).await?;
    insert_grant(
        ctx,
        u.id,
        Role::SchoolAdmin,
        district,
        Some(school_id),
        None,
    )
    .await?;
    audit::record(
        ctx,
        "account.create",
        "user",
        Some(u.id),
        Some("school_admin".into()),
    )
    .await?;
    Ok(u)
}

/// An account with its grants.
pub struct AccountView {
    /// The account.
    pub user: user::Model,
    /// Its role grants.
    pub grants: Vec<role_grant::Model>,
}

/// The school's accounts (school admin).
pub async fn list_accounts(ctx: &Ctx, page: Page) -> ApiResult<(Vec<AccountView>, u64)> {
    let (district, school) = ctx.require_school_admin()?;
    let q = user::Entity::find()
        .filter(user::Column::DistrictId.eq(district))
        .filter(user::Column::SchoolId.eq(school));
    let total = q.clone().count(ctx.db()).await?;
    let users = q
        .order_by_asc(user::Column::Username)
        .offset(page.offset)
        .limit(page.limit)
        .all(ctx.db())
        .await?;
    let ids: Vec<Uuid> = users.iter().map(|u| u.id).collect();
    let mut grants: HashMap<Uuid, Vec<role_grant::Model>> = HashMap::new();
    for g in role_grant::Entity::find()
        .filter(role_grant::Column::SchoolId.eq(school))
        .filter(role_grant::Column::UserId.is_in(ids))
        .all(ctx.db())
        .await?
    {
        grants.entry(g.user_id).or_default().push(g);
    }
    Ok((
        users
            .into_iter()
            .map(|u| AccountView {
                grants: grants.remove(&u.id).unwrap_or_default(),
                user: u,
            })
            .collect(),
        total,
    ))
}

fn check_grant(school_stage: SchoolStage, role: Role, grade: Option<i32>, p: &mut Problems) {
    if role == Role::DistrictAdmin {
        p.add("input.roles", "学校不能授予区级角色");
    }
    if role == Role::GradeLeader {
        match grade {
            Some(g) if school_stage.grades().contains(&g) => {}
            Some(_) => p.add("input.grade", "年级不在本校学段内"),
            None => p.add("input.grade", "年级组长须指定年级"),
        }
    }
}

async fn stage_of(ctx: &Ctx, school_id: Uuid) -> ApiResult<SchoolStage> {
    let s = school::Entity::find_by_id(school_id)
        .one(ctx.db())
        .await?
        .ok_or_else(|| ApiError::not_found("学校"))?;
    SchoolStage::from_code(&s.stage).ok_or_else(|| anyhow::anyhow!("bad stage code").into())
}

/// Creates an account for a person of the school and grants roles.
pub async fn create_account(ctx: &Ctx, input: SchoolAccountInput) -> ApiResult<AccountView> {
    let (district, school) = ctx.require_school_admin()?;
    let stage = stage_of(ctx, school).await?;
    let mut p = Problems::default();
    check_account(&input.account, &mut p);
    if input.roles.is_empty() {
        p.add("input.roles", "至少授予一个角色");
    }
    for r in &input.roles {
        check_grant(stage, *r, input.grade, &mut p);
    }
    let linked = [&input.staff_id, &input.student_id, &input.guardian_id]
        .iter()
        .filter(|x| x.is_some())
        .count();
    if linked != 1 {
        p.add("input", "须且只能关联一名教职工、学生或家长");
    }
    let staff_roles = [
        Role::SchoolAdmin,
        Role::GradeLeader,
        Role::HeadTeacher,
        Role::Mentor,
        Role::Counsellor,
    ];
    for r in &input.roles {
        let ok = match r {
            Role::Student => input.student_id.is_some(),
            Role::Parent => input.guardian_id.is_some(),
            r if staff_roles.contains(r) => input.staff_id.is_some(),
            _ => false,
        };
        if !ok {
            p.add(
                "input.roles",
                format!("角色“{}”与关联的人员类型不符", r.label_zh()),
            );
        }
    }
    p.finish()?;
    // Resolve the person before writing anything (NOT_FOUND for other schools).
    enum Person {
        Staff(staff::Model),
        Student(student::Model),
        Guardian(guardian::Model),
    }
    let person = if let Some(id) = &input.staff_id {
        Person::Staff(one_in_school::<staff::Entity>(ctx, parse_id(id, "教职工")?, "教职工").await?)
    } else if let Some(id) = &input.student_id {
        Person::Student(one_in_school::<student::Entity>(ctx, parse_id(id, "学生")?, "学生").await?)
    } else if let Some(id) = &input.guardian_id {
        Person::Guardian(
            one_in_school::<guardian::Entity>(ctx, parse_id(id, "家长")?, "家长").await?,
        )
    } else {
        return Err(ApiError::invalid("input", "须关联一名人员"));
    };
    let already = match &person {
        Person::Staff(s) => s.user_id,
        Person::Student(s) => s.user_id,
        Person::Guardian(g) => g.user_id,
    };
    if already.is_some() {
        return Err(ApiError::conflict("此人已有账号"));
    }
    let u = insert_user(ctx, &input.account, district, Some(school)).await?;
    match person {
        Person::Staff(s) => {
            let mut m = s.into_active_model();
            m.user_id = Set(Some(u.id));
            m.update(ctx.db()).await?;
        }
        Person::Student(s) => {
            let mut m = s.into_active_model();
            m.user_id = Set(Some(u.id));
            m.update(ctx.db()).await?;
        }
        Person::Guardian(g) => {
            let mut m = g.into_active_model();
            m.user_id = Set(Some(u.id));
            m.update(ctx.db()).await?;
        }
    }
    let mut grants = vec![];
    for r in &input.roles {
        let grade = (*r == Role::GradeLeader).then_some(input.grade).flatten();
        grants.push(insert_grant(ctx, u.id, *r, district, Some(school), grade).await?);
    }
    audit::record(ctx, "account.create", "user", Some(u.id), None).await?;
    Ok(AccountView { user: u, grants })
}

/// Grants a role to an account of the school.
pub async fn grant_role(
    ctx: &Ctx,
    user_id: Uuid,
    role: Role,
    grade: Option<i32>,
) -> ApiResult<role_grant::Model> {
    let (district, school) = ctx.require_school_admin()?;
    let stage = stage_of(ctx, school).await?;
    let mut p = Problems::default();
    check_grant(stage, role, grade, &mut p);
    p.finish()?;
    user::Entity::find_by_id(user_id)
        .filter(user::Column::DistrictId.eq(district))
        .filter(user::Column::SchoolId.eq(school))
        .one(ctx.db())
        .await?
        .ok_or_else(|| ApiError::not_found("账号"))?;
    let grade = (role == Role::GradeLeader).then_some(grade).flatten();
    let exists = role_grant::Entity::find()
        .filter(role_grant::Column::UserId.eq(user_id))
        .filter(role_grant::Column::SchoolId.eq(school))
        .filter(role_grant::Column::Role.eq(role.code()))
        .all(ctx.db())
        .await?
        .into_iter()
        .any(|g| g.grade == grade);
    if exists {
        return Err(ApiError::conflict("该账号已有此角色"));
    }
    let g = insert_grant(ctx, user_id, role, district, Some(school), grade).await?;
    audit::record(
        ctx,
        "role.grant",
        "user",
        Some(user_id),
        Some(role.code().into()),
    )
    .await?;
    Ok(g)
}

/// Revokes a grant of the school.
pub async fn revoke_role(ctx: &Ctx, grant_id: Uuid) -> ApiResult<bool> {
    let (district, school) = ctx.require_school_admin()?;
    let g = role_grant::Entity::find_by_id(grant_id)
        .filter(role_grant::Column::DistrictId.eq(district))
        .filter(role_grant::Column::SchoolId.eq(school))
        .one(ctx.db())
        .await?
        .ok_or_else(|| ApiError::not_found("角色授权"))?;
    if g.user_id == ctx.caller()?.user_id && g.role == Role::SchoolAdmin.code() {
        return Err(ApiError::conflict("不能撤销自己的学校管理员角色"));
    }
    role_grant::Entity::delete_by_id(g.id)
        .exec(ctx.db())
        .await?;
    audit::record(ctx, "role.revoke", "user", Some(g.user_id), Some(g.role)).await?;
    Ok(true)
}

// ---------------------------------------------------------------- terms

/// A term's fields.
#[derive(InputObject)]
pub struct TermInput {
    /// Name, e.g. 2026学年第一学期.
    pub name: String,
    /// Academic year, e.g. 2026-2027.
    pub academic_year: String,
    /// First day.
    pub starts_on: NaiveDate,
    /// Last day.
    pub ends_on: NaiveDate,
}

fn check_term(input: &TermInput) -> ApiResult<()> {
    let mut p = Problems::default();
    p.check("input.name", validate::name(&input.name));
    p.check("input.academicYear", validate::name(&input.academic_year));
    if input.ends_on <= input.starts_on {
        p.add("input.endsOn", "学期结束日期须晚于开始日期");
    }
    if (input.ends_on - input.starts_on).num_days() > 200 {
        p.add("input.endsOn", "一个学期不能超过200天");
    }
    p.finish()
}

/// The school's terms, newest first (any school user).
pub async fn list_terms(ctx: &Ctx) -> ApiResult<Vec<term::Model>> {
    let school = ctx.school_id()?;
    Ok(term::Entity::find()
        .filter(term::Column::SchoolId.eq(school))
        .order_by_desc(term::Column::StartsOn)
        .all(ctx.db())
        .await?)
}

/// Creates a term.
pub async fn create_term(ctx: &Ctx, input: TermInput) -> ApiResult<term::Model> {
    let (district, school) = ctx.require_school_admin()?;
    check_term(&input)?;
    let m = term::ActiveModel {
        id: Set(Uuid::new_v4()),
        district_id: Set(district),
        school_id: Set(school),
        name: Set(input.name.trim().into()),
        academic_year: Set(input.academic_year.trim().into()),
        starts_on: Set(input.starts_on),
        ends_on: Set(input.ends_on),
    }
    .insert(ctx.db())
    .await?;
    audit::record(ctx, "term.create", "term", Some(m.id), None).await?;
    Ok(m)
}

/// Updates a term.
pub async fn update_term(ctx: &Ctx, id: Uuid, input: TermInput) -> ApiResult<term::Model> {
    ctx.require_school_admin()?;
    check_term(&input)?;
    let mut m = one_in_school::<term::Entity>(ctx, id, "学期")
        .await?
        .into_active_model();
    m.name = Set(input.name.trim().into());
    m.academic_year = Set(input.academic_year.trim().into());
    m.starts_on = Set(input.starts_on);
    m.ends_on = Set(input.ends_on);
    let m = m.update(ctx.db()).await?;
    audit::record(ctx, "term.update", "term", Some(m.id), None).await?;
    Ok(m)
}

/// Deletes a term.
pub async fn delete_term(ctx: &Ctx, id: Uuid) -> ApiResult<bool> {
    ctx.require_school_admin()?;
    let m = one_in_school::<term::Entity>(ctx, id, "学期").await?;
    term::Entity::delete_by_id(m.id).exec(ctx.db()).await?;
    audit::record(ctx, "term.delete", "term", Some(id), None).await?;
    Ok(true)
}

// ---------------------------------------------------------------- classes

/// A class with its head teacher's name and size.
pub struct ClassView {
    /// The class.
    pub class: class::Model,
    /// 班主任's name.
    pub head_teacher_name: Option<String>,
    /// Students in the class.
    pub student_count: i64,
}

/// A class's fields.
#[derive(InputObject)]
pub struct ClassInput {
    /// Grade.
    pub grade: i32,
    /// Name unique in the school, e.g. 七年级(1)班.
    pub name: String,
    /// Head teacher (staff id).
    pub head_teacher_id: Option<async_graphql::ID>,
}

const STAFF_ROLES: [Role; 5] = [
    Role::SchoolAdmin,
    Role::GradeLeader,
    Role::HeadTeacher,
    Role::Mentor,
    Role::Counsellor,
];

/// The school's classes (staff roles).
pub async fn list_classes(ctx: &Ctx, grade: Option<i32>) -> ApiResult<Vec<ClassView>> {
    ctx.require_any(&STAFF_ROLES)?;
    let school = ctx.school_id()?;
    let mut q = class::Entity::find().filter(class::Column::SchoolId.eq(school));
    if let Some(g) = grade {
        q = q.filter(class::Column::Grade.eq(g));
    }
    let classes = q
        .order_by_asc(class::Column::Grade)
        .order_by_asc(class::Column::Name)
        .all(ctx.db())
        .await?;
    class_views(ctx, classes).await
}

async fn class_views(ctx: &Ctx, classes: Vec<class::Model>) -> ApiResult<Vec<ClassView>> {
    let school = ctx.school_id()?;
    let teacher_ids: Vec<Uuid> = classes.iter().filter_map(|c| c.head_teacher_id).collect();
    let names: HashMap<Uuid, String> = staff::Entity::find()
        .filter(staff::Column::SchoolId.eq(school))
        .filter(staff::Column::Id.is_in(teacher_ids))
        .all(ctx.db())
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    let counts: HashMap<Uuid, i64> = student::Entity::find()
        .select_only()
        .column(student::Column::ClassId)
        .column_as(student::Column::Id.count(), "n")
        .filter(student::Column::SchoolId.eq(school))
        .group_by(student::Column::ClassId)
        .into_tuple::<(Uuid, i64)>()
        .all(ctx.db())
        .await?
        .into_iter()
        .collect();
    Ok(classes
        .into_iter()
        .map(|c| ClassView {
            head_teacher_name: c.head_teacher_id.and_then(|t| names.get(&t).cloned()),
            student_count: counts.get(&c.id).copied().unwrap_or(0),
            class: c,
        })
        .collect())
}

async fn check_class(ctx: &Ctx, input: &ClassInput) -> ApiResult<Option<Uuid>> {
    let school = ctx.school_id()?;
    let stage = stage_of(ctx, school).await?;
    let mut p = Problems::default();
    p.check("input.name", validate::name(&input.name));
    if !stage.grades().contains(&input.grade) {
        p.add(
            "input.grade",
            format!(
                "年级须在{}–{}之间",
                stage.grades().start(),
                stage.grades().end()
            ),
        );
    }
    p.finish()?;
    match &input.head_teacher_id {
        Some(id) => Ok(Some(
            one_in_school::<staff::Entity>(ctx, parse_id(id, "教职工")?, "教职工")
                .await?
                .id,
        )),
        None => Ok(None),
    }
}

/// Creates a class.
pub async fn create_class(ctx: &Ctx, input: ClassInput) -> ApiResult<ClassView> {
    let (district, school) = ctx.require_school_admin()?;
    let head = check_class(ctx, &input).await?;
    let m = class::ActiveModel {
        id: Set(Uuid::new_v4()),
        district_id: Set(district),
        school_id: Set(school),
        grade: Set(input.grade),
        name: Set(input.name.trim().into()),
        head_teacher_id: Set(head),
        created_at: Set(now()),
    }
    .insert(ctx.db())
    .await
    .map_err(|e| match ApiError::from(e) {
        ApiError::Conflict(_) => ApiError::conflict("班级名称已存在"),
        other => other,
    })?;
    audit::record(ctx, "class.create", "class", Some(m.id), None).await?;
    Ok(class_views(ctx, vec![m]).await?.remove(0))
}

/// Updates a class.
pub async fn update_class(ctx: &Ctx, id: Uuid, input: ClassInput) -> ApiResult<ClassView> {
    ctx.require_school_admin()?;
    let found = one_in_school::<class::Entity>(ctx, id, "班级").await?;
    let head = check_class(ctx, &input).await?;
    let mut m = found.into_active_model();
    m.grade = Set(input.grade);
    m.name = Set(input.name.trim().into());
    m.head_teacher_id = Set(head);
    let m = m
        .update(ctx.db())
        .await
        .map_err(|e| match ApiError::from(e) {
            ApiError::Conflict(_) => ApiError::conflict("班级名称已存在"),
            other => other,
        })?;
    audit::record(ctx, "class.update", "class", Some(m.id), None).await?;
    Ok(class_views(ctx, vec![m]).await?.remove(0))
}

/// Deletes an empty class.
pub async fn delete_class(ctx: &Ctx, id: Uuid) -> ApiResult<bool> {
    ctx.require_school_admin()?;
    let m = one_in_school::<class::Entity>(ctx, id, "班级").await?;
    let n = student::Entity::find()
        .filter(student::Column::ClassId.eq(m.id))
        .count(ctx.db())
        .await?;
    if n > 0 {
        return Err(ApiError::conflict(format!("班级还有{n}名学生，不能删除")));
    }
    teaching::Entity::delete_many()
        .filter(teaching::Column::ClassId.eq(m.id))
        .exec(ctx.db())
        .await?;
    class::Entity::delete_by_id(m.id).exec(ctx.db()).await?;
    audit::record(ctx, "class.delete", "class", Some(id), None).await?;
    Ok(true)
}

// ---------------------------------------------------------------- staff

/// A staff member's fields.
#[derive(InputObject)]
pub struct StaffInput {
    /// 工号.
    pub staff_no: String,
    /// Name.
    pub name: String,
    /// 男 / 女.
    pub gender: Option<String>,
    /// Mobile number.
    pub phone: Option<String>,
    /// 党员.
    #[graphql(default)]
    pub party_member: bool,
    /// Strengths for the mentor profile library (心理, 生涯, 学科竞赛 …).
    #[graphql(default)]
    pub specialties: Vec<String>,
    /// Standing as a mentor.
    pub qualification: Option<Qualification>,
}

/// A staff member with what they teach.
pub struct StaffView {
    /// The row.
    pub staff: staff::Model,
    /// (teaching id, class id, class name, subject).
    pub teaching: Vec<(Uuid, Uuid, String, String)>,
}

/// The school's staff (school admin, grade leaders, head teachers).
pub async fn list_staff(
    ctx: &Ctx,
    page: Page,
    search: Option<String>,
) -> ApiResult<(Vec<StaffView>, u64)> {
    ctx.require_any(&[Role::SchoolAdmin, Role::GradeLeader, Role::HeadTeacher])?;
    let school = ctx.school_id()?;
    let mut q = staff::Entity::find().filter(staff::Column::SchoolId.eq(school));
    if let Some(s) = search.filter(|s| !s.trim().is_empty()) {
        q = q.filter(
            Condition::any()
                .add(staff::Column::Name.contains(s.trim()))
                .add(staff::Column::StaffNo.starts_with(s.trim())),
        );
    }
    let total = q.clone().count(ctx.db()).await?;
    let rows = q
        .order_by_asc(staff::Column::StaffNo)
        .offset(page.offset)
        .limit(page.limit)
        .all(ctx.db())
        .await?;
    Ok((staff_views(ctx, rows).await?, total))
}

async fn staff_views(ctx: &Ctx, rows: Vec<staff::Model>) -> ApiResult<Vec<StaffView>> {
    let school = ctx.school_id()?;
    let ids: Vec<Uuid> = rows.iter().map(|s| s.id).collect();
    let teach = teaching::Entity::find()
        .filter(teaching::Column::SchoolId.eq(school))
        .filter(teaching::Column::StaffId.is_in(ids))
        .all(ctx.db())
        .await?;
    let class_ids: Vec<Uuid> = teach.iter().map(|t| t.class_id).collect();
    let names: HashMap<Uuid, String> = class::Entity::find()
        .filter(class::Column::SchoolId.eq(school))
        .filter(class::Column::Id.is_in(class_ids))
        .all(ctx.db())
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    let mut by_staff: HashMap<Uuid, Vec<(Uuid, Uuid, String, String)>> = HashMap::new();
    for t in teach {
        let cname = names.get(&t.class_id).cloned().unwrap_or_default();
        by_staff
            .entry(t.staff_id)
            .or_default()
            .push((t.id, t.class_id, cname, t.subject));
    }
    Ok(rows
        .into_iter()
        .map(|s| StaffView {
            teaching: by_staff.remove(&s.id).unwrap_or_default(),
            staff: s,
        })
        .collect())
}

fn check_staff(input: &StaffInput) -> ApiResult<()> {
    let mut p = Problems::default();
    p.check("input.staffNo", validate::staff_no(&input.staff_no));
    p.check("input.name", validate::name(&input.name));
    if let Some(g) = &input.gender {
        p.check("input.gender", validate::gender(g));
    }
    if let Some(ph) = &input.phone {
        p.check("input.phone", validate::mobile(ph));
    }
    if input.specialties.len() > 10 || input.specialties.iter().any(|s| validate::name(s).is_err())
    {
        p.add("input.specialties", "特长最多10项，每项1–32个字");
    }
    p.finish()
}

/// Creates a staff member.
pub async fn create_staff(ctx: &Ctx, input: StaffInput) -> ApiResult<StaffView> {
    let (district, school) = ctx.require_school_admin()?;
    check_staff(&input)?;
    let m = staff::ActiveModel {
        id: Set(Uuid::new_v4()),
        district_id: Set(district),
        school_id: Set(school),
        staff_no: Set(input.staff_no.trim().into()),
        name: Set(input.name.trim().into()),
        gender: Set(input.gender.map(|g| g.trim().into())),
        phone: Set(input.phone.map(|p| p.trim().into())),
        party_member: Set(input.party_member),
        specialties: Set(serde_json::to_string(&input.specialties).map_err(anyhow::Error::from)?),
        qualification: Set(input
            .qualification
            .unwrap_or(Qualification::Untrained)
            .code()
            .into()),
        user_id: Set(None),
        created_at: Set(now()),
    }
    .insert(ctx.db())
    .await
    .map_err(|e| match ApiError::from(e) {
        ApiError::Conflict(_) => ApiError::conflict("工号已存在"),
        other => other,
    })?;
    audit::record(ctx, "staff.create", "staff", Some(m.id), None).await?;
    Ok(StaffView {
        staff: m,
        teaching: vec![],
    })
}

/// Updates a staff member.
pub async fn update_staff(ctx: &Ctx, id: Uuid, input: StaffInput) -> ApiResult<StaffView> {
    ctx.require_school_admin()?;
    check_staff(&input)?;
    let mut m = one_in_school::<staff::Entity>(ctx, id, "教职工")
        .await?
        .into_active_model();
    m.staff_no = Set(input.staff_no.trim().into());
    m.name = Set(input.name.trim().into());
    m.gender = Set(input.gender.map(|g| g.trim().into()));
    m.phone = Set(input.phone.map(|p| p.trim().into()));
    m.party_member = Set(input.party_member);
    m.specialties = Set(serde_json::to_string(&input.specialties).map_err(anyhow::Error::from)?);
    if let Some(q) = input.qualification {
        m.qualification = Set(q.code().into());
    }
    let m = m
        .update(ctx.db())
        .await
        .map_err(|e| match ApiError::from(e) {
            ApiError::Conflict(_) => ApiError::conflict("工号已存在"),
            other => other,
        })?;
    audit::record(ctx, "staff.update", "staff", Some(m.id), None).await?;
    Ok(staff_views(ctx, vec![m]).await?.remove(0))
}

/// Deletes a staff member who is no one's head teacher or current mentor.
pub async fn delete_staff(ctx: &Ctx, id: Uuid) -> ApiResult<bool> {
    ctx.require_school_admin()?;
    let m = one_in_school::<staff::Entity>(ctx, id, "教职工").await?;
    if !authz::mentee_ids(ctx, m.id).await?.is_empty() {
        return Err(ApiError::conflict("该教师仍有结对学生，请先调整导师"));
    }
    if class::Entity::find()
        .filter(class::Column::HeadTeacherId.eq(m.id))
        .count(ctx.db())
        .await?
        > 0
    {
        return Err(ApiError::conflict("该教师仍是班主任，请先更换班主任"));
    }
    if m.user_id.is_some() {
        return Err(ApiError::conflict("该教师有登录账号，请先停用账号"));
    }
    teaching::Entity::delete_many()
        .filter(teaching::Column::StaffId.eq(m.id))
        .exec(ctx.db())
        .await?;
    mentor_assignment::Entity::delete_many()
        .filter(mentor_assignment::Column::StaffId.eq(m.id))
        .exec(ctx.db())
        .await?;
    staff::Entity::delete_by_id(m.id).exec(ctx.db()).await?;
    audit::record(ctx, "staff.delete", "staff", Some(id), None).await?;
    Ok(true)
}

/// Records that a teacher teaches a subject in a class.
pub async fn set_teaching(
    ctx: &Ctx,
    staff_id: Uuid,
    class_id: Uuid,
    subject: String,
) -> ApiResult<teaching::Model> {
    let (district, school) = ctx.require_school_admin()?;
    let mut p = Problems::default();
    p.check("subject", validate::name(&subject));
    p.finish()?;
    let s = one_in_school::<staff::Entity>(ctx, staff_id, "教职工").await?;
    let c = one_in_school::<class::Entity>(ctx, class_id, "班级").await?;
    let m = teaching::ActiveModel {
        id: Set(Uuid::new_v4()),
        district_id: Set(district),
        school_id: Set(school),
        staff_id: Set(s.id),
        class_id: Set(c.id),
        subject: Set(subject.trim().into()),
    }
    .insert(ctx.db())
    .await
    .map_err(|e| match ApiError::from(e) {
        ApiError::Conflict(_) => ApiError::conflict("该教师已在此班任教此学科"),
        other => other,
    })?;
    audit::record(ctx, "teaching.set", "staff", Some(s.id), None).await?;
    Ok(m)
}

/// Removes a teaching record.
pub async fn remove_teaching(ctx: &Ctx, id: Uuid) -> ApiResult<bool> {
    ctx.require_school_admin()?;
    let t = one_in_school::<teaching::Entity>(ctx, id, "任教记录").await?;
    teaching::Entity::delete_by_id(t.id).exec(ctx.db()).await?;
    audit::record(ctx, "teaching.remove", "staff", Some(t.staff_id), None).await?;
    Ok(true)
}

// ---------------------------------------------------------------- students

/// A student with class and current mentors.
pub struct StudentView {
    /// The row.
    pub student: student::Model,
    /// Class name.
    pub class_name: String,
    /// Grade.
    pub grade: i32,
    /// Current mentors: (staff id, name).
    pub mentors: Vec<(Uuid, String)>,
}

/// A student's fields.
#[derive(InputObject)]
pub struct StudentInput {
    /// 学号.
    pub student_no: String,
    /// Name.
    pub name: String,
    /// 男 / 女.
    pub gender: String,
    /// Class.
    pub class_id: async_graphql::ID,
    /// Lives in town.
    #[graphql(default)]
    pub lives_in_town: bool,
    /// Special needs (sensitive).
    #[graphql(default)]
    pub special_needs: Vec<SpecialNeed>,
    /// Family structure (sensitive).
    #[graphql(default)]
    pub family_flags: Vec<FamilyFlag>,
}

/// Adds class names and current mentors to a page of students (3 queries, no N+1).
pub async fn student_views(ctx: &Ctx, rows: Vec<student::Model>) -> ApiResult<Vec<StudentView>> {
    let school = ctx.school_id()?;
    let class_ids: Vec<Uuid> = rows.iter().map(|s| s.class_id).collect();
    let classes: HashMap<Uuid, class::Model> = class::Entity::find()
        .filter(class::Column::SchoolId.eq(school))
        .filter(class::Column::Id.is_in(class_ids))
        .all(ctx.db())
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let ids: Vec<Uuid> = rows.iter().map(|s| s.id).collect();
    let pairs = mentor_assignment::Entity::find()
        .filter(mentor_assignment::Column::SchoolId.eq(school))
        .filter(mentor_assignment::Column::StudentId.is_in(ids))
        .filter(mentor_assignment::Column::EndsOn.is_null())
        .all(ctx.db())
        .await?;
    let staff_ids: Vec<Uuid> = pairs.iter().map(|p| p.staff_id).collect();
    let names: HashMap<Uuid, String> = staff::Entity::find()
        .filter(staff::Column::SchoolId.eq(school))
        .filter(staff::Column::Id.is_in(staff_ids))
        .all(ctx.db())
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    let mut mentors: HashMap<Uuid, Vec<(Uuid, String)>> = HashMap::new();
    for p in pairs {
        let name = names.get(&p.staff_id).cloned().unwrap_or_default();
        mentors
            .entry(p.student_id)
            .or_default()
            .push((p.staff_id, name));
    }
    Ok(rows
        .into_iter()
        .map(|s| {
            let c = classes.get(&s.class_id);
            StudentView {
                class_name: c.map(|c| c.name.clone()).unwrap_or_default(),
                grade: c.map_or(0, |c| c.grade),
                mentors: mentors.remove(&s.id).unwrap_or_default(),
                student: s,
            }
        })
        .collect())
}

/// The students the caller may see (see [`authz::student_scope`]).
pub async fn list_students(
    ctx: &Ctx,
    page: Page,
    class_id: Option<Uuid>,
    search: Option<String>,
) -> ApiResult<(Vec<StudentView>, u64)> {
    let scope = authz::student_scope(ctx).await?;
    let mut q =
        student::Entity::find().filter(scope.condition(ctx.district_id()?, ctx.school_id()?));
    if let Some(c) = class_id {
        q = q.filter(student::Column::ClassId.eq(c));
    }
    if let Some(s) = search.filter(|s| !s.trim().is_empty()) {
        q = q.filter(
            Condition::any()
                .add(student::Column::Name.contains(s.trim()))
                .add(student::Column::StudentNo.starts_with(s.trim())),
        );
    }
    let total = q.clone().count(ctx.db()).await?;
    let rows = q
        .order_by_asc(student::Column::StudentNo)
        .order_by_asc(student::Column::Id)
        .offset(page.offset)
        .limit(page.limit)
        .all(ctx.db())
        .await?;
    Ok((student_views(ctx, rows).await?, total))
}

/// One student the caller may see; `NOT_FOUND` otherwise (also for other schools).
pub async fn get_student(ctx: &Ctx, id: Uuid) -> ApiResult<StudentView> {
    let scope = authz::student_scope(ctx).await?;
    let s = student::Entity::find_by_id(id)
        .filter(scope.condition(ctx.district_id()?, ctx.school_id()?))
        .one(ctx.db())
        .await?
        .ok_or_else(|| ApiError::not_found("学生"))?;
    Ok(student_views(ctx, vec![s]).await?.remove(0))
}

async fn check_student(ctx: &Ctx, input: &StudentInput) -> ApiResult<class::Model> {
    let mut p = Problems::default();
    p.check(
        "input.studentNo",
        shared::org::validate_student_no(input.student_no.trim()),
    );
    p.check("input.name", validate::name(&input.name));
    p.check("input.gender", validate::gender(&input.gender));
    p.finish()?;
    one_in_school::<class::Entity>(ctx, parse_id(&input.class_id, "班级")?, "班级").await
}

fn flags_json<T: serde::Serialize>(v: &[T]) -> ApiResult<String> {
    Ok(serde_json::to_string(v).map_err(anyhow::Error::from)?)
}

/// Creates a student.
pub async fn create_student(ctx: &Ctx, input: StudentInput) -> ApiResult<StudentView> {
    let (district, school) = ctx.require_school_admin()?;
    let class = check_student(ctx, &input).await?;
    let m = student::ActiveModel {
        id: Set(Uuid::new_v4()),
        district_id: Set(district),
        school_id: Set(school),
        student_no: Set(input.student_no.trim().into()),
        name: Set(input.name.trim().into()),
        gender: Set(input.gender.trim().into()),
        class_id: Set(class.id),
        special_needs: Set(flags_json(&input.special_needs)?),
        family_flags: Set(flags_json(&input.family_flags)?),
        lives_in_town: Set(input.lives_in_town),
        user_id: Set(None),
        created_at: Set(now()),
    }
    .insert(ctx.db())
    .await
    .map_err(|e| match ApiError::from(e) {
        ApiError::Conflict(_) => ApiError::conflict("学号已存在"),
        other => other,
    })?;
    audit::record(ctx, "student.create", "student", Some(m.id), None).await?;
    Ok(student_views(ctx, vec![m]).await?.remove(0))
}

/// Updates a student.
pub async fn update_student(ctx: &Ctx, id: Uuid, input: StudentInput) -> ApiResult<StudentView> {
    ctx.require_school_admin()?;
    let found = one_in_school::<student::Entity>(ctx, id, "学生").await?;
    let class = check_student(ctx, &input).await?;
    let mut m = found.into_active_model();
    m.student_no = Set(input.student_no.trim().into());
    m.name = Set(input.name.trim().into());
    m.gender = Set(input.gender.trim().into());
    m.class_id = Set(class.id);
    m.lives_in_town = Set(input.lives_in_town);
    m.special_needs = Set(flags_json(&input.special_needs)?);
    m.family_flags = Set(flags_json(&input.family_flags)?);
    let m = m
        .update(ctx.db())
        .await
        .map_err(|e| match ApiError::from(e) {
            ApiError::Conflict(_) => ApiError::conflict("学号已存在"),
            other => other,
        })?;
    audit::record(ctx, "student.update", "student", Some(m.id), None).await?;
    Ok(student_views(ctx, vec![m]).await?.remove(0))
}

/// Deletes a student without an account (graduates are kept, not deleted).
pub async fn delete_student(ctx: &Ctx, id: Uuid) -> ApiResult<bool> {
    ctx.require_school_admin()?;
    let m = one_in_school::<student::Entity>(ctx, id, "学生").await?;
    if m.user_id.is_some() {
        return Err(ApiError::conflict("该学生有登录账号，请先停用账号"));
    }
    student_guardian::Entity::delete_many()
        .filter(student_guardian::Column::StudentId.eq(m.id))
        .exec(ctx.db())
        .await?;
    mentor_assignment::Entity::delete_many()
        .filter(mentor_assignment::Column::StudentId.eq(m.id))
        .exec(ctx.db())
        .await?;
    student::Entity::delete_by_id(m.id).exec(ctx.db()).await?;
    audit::record(ctx, "student.delete", "student", Some(id), None).await?;
    Ok(true)
}

/// Sensitive information of a student (family situation, special needs).
pub struct Sensitive {
    /// Family structure.
    pub family_flags: Vec<FamilyFlag>,
    /// Special needs.
    pub special_needs: Vec<SpecialNeed>,
}

/// Reads a student's sensitive information: only the school admin, the head
/// teacher and the student's mentors; every read is audited.
pub async fn read_sensitive(ctx: &Ctx, s: &student::Model) -> ApiResult<Sensitive> {
    if !authz::may_read_sensitive(ctx, s).await? {
        return Err(ApiError::forbidden(
            "只有该生的导师、班主任和学校管理员可以查看",
        ));
    }
    audit::record(ctx, "student.sensitive.read", "student", Some(s.id), None).await?;
    Ok(Sensitive {
        family_flags: serde_json::from_str(&s.family_flags).unwrap_or_default(),
        special_needs: serde_json::from_str(&s.special_needs).unwrap_or_default(),
    })
}

// ---------------------------------------------------------------- guardians

/// A guardian's fields.
#[derive(InputObject)]
pub struct GuardianInput {
    /// Name.
    pub name: String,
    /// Mobile number (unique in the school: the same parent of two children is one guardian).
    pub phone: String,
    /// 父亲 / 母亲 / …
    pub relation: String,
}

/// A student's guardians: (guardian, relation). Visible to the school admin,
/// the head teacher and the mentors (who contact parents), and to the parents themselves.
pub async fn list_guardians(
    ctx: &Ctx,
    student_id: Uuid,
) -> ApiResult<Vec<(guardian::Model, String)>> {
    let s = get_student(ctx, student_id).await?.student;
    let caller = ctx.caller()?;
    if caller.has(Role::Student) && caller.roles.len() == 1 {
        return Err(ApiError::forbidden("学生账号不能查看家长联系方式"));
    }
    let school = ctx.school_id()?;
    let links = student_guardian::Entity::find()
        .filter(student_guardian::Column::SchoolId.eq(school))
        .filter(student_guardian::Column::StudentId.eq(s.id))
        .all(ctx.db())
        .await?;
    let ids: Vec<Uuid> = links.iter().map(|l| l.guardian_id).collect();
    let gs: HashMap<Uuid, guardian::Model> = guardian::Entity::find()
        .filter(guardian::Column::SchoolId.eq(school))
        .filter(guardian::Column::Id.is_in(ids))
        .all(ctx.db())
        .await?
        .into_iter()
        .map(|g| (g.id, g))
        .collect();
    audit::record(ctx, "student.guardians.read", "student", Some(s.id), None).await?;
    Ok(links
        .into_iter()
        .filter_map(|l| gs.get(&l.guardian_id).cloned().map(|g| (g, l.relation)))
        .collect())
}

/// Adds a guardian to a student (reusing the school's guardian with the same phone).
pub async fn add_guardian(
    ctx: &Ctx,
    student_id: Uuid,
    input: GuardianInput,
) -> ApiResult<guardian::Model> {
    let (district, school) = ctx.require_school_admin()?;
    let mut p = Problems::default();
    p.check("input.name", validate::name(&input.name));
    p.check("input.phone", validate::mobile(&input.phone));
    p.check("input.relation", validate::relation(&input.relation));
    p.finish()?;
    let s = one_in_school::<student::Entity>(ctx, student_id, "学生").await?;
    let g = upsert_guardian(ctx, district, school, input.name.trim(), input.phone.trim()).await?;
    link_guardian(ctx, district, school, s.id, g.id, input.relation.trim()).await?;
    audit::record(ctx, "guardian.add", "student", Some(s.id), None).await?;
    Ok(g)
}

/// Finds the school's guardian by phone, or creates one.
pub async fn upsert_guardian(
    ctx: &Ctx,
    district: Uuid,
    school: Uuid,
    name: &str,
    phone: &str,
) -> ApiResult<guardian::Model> {
    if let Some(g) = guardian::Entity::find()
        .filter(guardian::Column::SchoolId.eq(school))
        .filter(guardian::Column::Phone.eq(phone))
        .one(ctx.db())
        .await?
    {
        if g.name != name {
            let mut m = g.into_active_model();
            m.name = Set(name.into());
            return Ok(m.update(ctx.db()).await?);
        }
        return Ok(g);
    }
    Ok(guardian::ActiveModel {
        id: Set(Uuid::new_v4()),
        district_id: Set(district),
        school_id: Set(school),
        name: Set(name.into()),
        phone: Set(phone.into()),
        user_id: Set(None),
        created_at: Set(now()),
    }
    .insert(ctx.db())
    .await?)
}

/// Links a guardian to a student (idempotent).
pub async fn link_guardian(
    ctx: &Ctx,
    district: Uuid,
    school: Uuid,
    student_id: Uuid,
    guardian_id: Uuid,
    relation: &str,
) -> ApiResult<bool> {
    let existing = student_guardian::Entity::find()
        .filter(student_guardian::Column::SchoolId.eq(school))
        .filter(student_guardian::Column::StudentId.eq(student_id))
        .filter(student_guardian::Column::GuardianId.eq(guardian_id))
        .one(ctx.db())
        .await?;
    match existing {
        Some(l) if l.relation == relation => Ok(false),
        Some(l) => {
            let mut m = l.into_active_model();
            m.relation = Set(relation.into());
            m.update(ctx.db()).await?;
            Ok(false)
        }
        None => {
            student_guardian::ActiveModel {
                id: Set(Uuid::new_v4()),
                district_id: Set(district),
                school_id: Set(school),
                student_id: Set(student_id),
                guardian_id: Set(guardian_id),
                relation: Set(relation.into()),
            }
            .insert(ctx.db())
            .await?;
            Ok(true)
        }
    }
}

/// Unlinks a guardian from a student.
pub async fn unlink_guardian(ctx: &Ctx, student_id: Uuid, guardian_id: Uuid) -> ApiResult<bool> {
    let (_, school) = ctx.require_school_admin()?;
    let s = one_in_school::<student::Entity>(ctx, student_id, "学生").await?;
    let res = student_guardian::Entity::delete_many()
        .filter(student_guardian::Column::SchoolId.eq(school))
        .filter(student_guardian::Column::StudentId.eq(s.id))
        .filter(student_guardian::Column::GuardianId.eq(guardian_id))
        .exec(ctx.db())
        .await?;
    if res.rows_affected == 0 {
        return Err(ApiError::not_found("家长"));
    }
    audit::record(ctx, "guardian.unlink", "student", Some(s.id), None).await?;
    Ok(true)
}

// ---------------------------------------------------------------- audit

/// The audit trail of one record of the school (school admin).
pub async fn audit_trail(
    ctx: &Ctx,
    subject_id: Uuid,
) -> ApiResult<Vec<crate::audit::entity::Model>> {
    let (district, school) = ctx.require_school_admin()?;
    use crate::audit::entity as a;
    Ok(a::Entity::find()
        .filter(a::Column::DistrictId.eq(district))
        .filter(a::Column::SchoolId.eq(school))
        .filter(a::Column::SubjectId.eq(subject_id))
        .order_by_desc(a::Column::At)
        .limit(500)
        .all(ctx.db())
        .await?)
}

//! Accounts and role grants: the one module that creates login accounts,
//! links them to a person of a school and grants or revokes roles.
//!
//! Every function takes the request context first and scopes every query by
//! it; mutations validate all input before changing anything (the request's
//! transaction rolls back on any error).

use std::collections::HashMap;

use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use shared::org::{Role, SchoolStage};
use uuid::Uuid;

use super::entities::{role_grant, user};
use super::password;
use crate::audit;
use crate::authz;
use crate::error::{ApiError, ApiResult, Problems};
use crate::ids::IdArg;
use crate::org::entities::{guardian, school, staff, student};
use crate::org::validate;
use crate::pagination::Page;
use crate::tenancy::{Ctx, one_in_school};

/// A new login account.
pub struct AccountFields {
    /// Platform-unique login name.
    pub username: String,
    /// Initial password (10–128 characters, not the username, not a common one).
    pub password: String,
    /// Name shown in the UI.
    pub display_name: String,
}

/// Whom a school account belongs to, and its roles.
pub struct SchoolAccountFields {
    /// The account.
    pub account: AccountFields,
    /// A staff member (for staff roles).
    pub staff_id: Option<IdArg>,
    /// A student (for the student role).
    pub student_id: Option<IdArg>,
    /// A guardian (for the parent role).
    pub guardian_id: Option<IdArg>,
    /// Roles to grant.
    pub roles: Vec<Role>,
    /// The grade led, with `GRADE_LEADER`.
    pub grade: Option<i32>,
}

fn check_account(input: &AccountFields, p: &mut Problems) {
    p.check(
        "input.account.username",
        validate::username(&input.username),
    );
    p.check(
        "input.account.password",
        password::check_policy(&input.password, &input.username),
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
    input: &AccountFields,
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
        created_at: Set(chrono::Utc::now()),
        token_version: Set(0),
        must_change_password: Set(false),
    }
    .insert(ctx.db())
    .await
    .map_err(|e| match ApiError::from(e) {
        ApiError::Conflict(_) => ApiError::conflict("用户名已被使用"),
        other => other,
    })
}

/// Inserts one role grant.
pub(crate) async fn insert_grant(
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
        created_at: Set(chrono::Utc::now()),
    }
    .insert(ctx.db())
    .await?)
}

/// Creates a school admin account for a school of the caller's district.
#[tracing::instrument(skip_all, fields(school_id = %school_id))]
pub async fn create_school_admin(
    ctx: &Ctx,
    school_id: Uuid,
    input: AccountFields,
) -> ApiResult<user::Model> {
    let district = authz::org::may_create_school_admins(ctx)?;
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
#[tracing::instrument(skip_all)]
pub async fn list_accounts(ctx: &Ctx, page: Page) -> ApiResult<(Vec<AccountView>, u64)> {
    let (district, school) = authz::org::may_manage_school_accounts(ctx)?;
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

/// Creates an account for a person of the school and grants roles.
#[tracing::instrument(skip_all)]
pub async fn create_account(ctx: &Ctx, input: SchoolAccountFields) -> ApiResult<AccountView> {
    let (district, school) = authz::org::may_manage_school_accounts(ctx)?;
    let stage = crate::org::schools::stage_of(ctx, school).await?;
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
    let person = if let Some(id) = input.staff_id {
        Person::Staff(one_in_school::<staff::Entity>(ctx, id?, "教职工").await?)
    } else if let Some(id) = input.student_id {
        Person::Student(one_in_school::<student::Entity>(ctx, id?, "学生").await?)
    } else if let Some(id) = input.guardian_id {
        Person::Guardian(one_in_school::<guardian::Entity>(ctx, id?, "家长").await?)
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
#[tracing::instrument(skip_all, fields(user_id = %user_id))]
pub async fn grant_role(
    ctx: &Ctx,
    user_id: Uuid,
    role: Role,
    grade: Option<i32>,
) -> ApiResult<role_grant::Model> {
    let (district, school) = authz::org::may_manage_school_accounts(ctx)?;
    let stage = crate::org::schools::stage_of(ctx, school).await?;
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
#[tracing::instrument(skip_all, fields(grant_id = %grant_id))]
pub async fn revoke_role(ctx: &Ctx, grant_id: Uuid) -> ApiResult<bool> {
    let (district, school) = authz::org::may_manage_school_accounts(ctx)?;
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

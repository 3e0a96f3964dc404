//! Logins in bulk for imported people: every staff member of the school, or
//! every guardian of one class, who has no account yet gets one with a
//! one-time password (changed at first login), returned once as slips to
//! print and hand out (a slip per person, grouped by class).
//!
//! Usernames are derived from the school code and the person's number
//! (`{school}.t{staff_no}`, `{school}.p{student_no}`); a name already taken
//! anywhere on the platform gets a numeric suffix (each insert runs in its
//! own savepoint, so a clash never spoils the batch).

use std::collections::{HashMap, HashSet};

use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use shared::org::Role;
use uuid::Uuid;

use super::accounts::insert_grant;
use super::entities::user;
use super::password;
use crate::audit;
use crate::authz;
use crate::error::{ApiError, ApiResult};
use crate::org::entities::{class, guardian, school, staff, student, student_guardian};
use crate::tenancy::{Ctx, one_in_school};

/// Accounts made in one call at most (argon2 hashing is deliberately slow):
/// the rest are made by the next call.
pub const BATCH: usize = 60;

/// Whose accounts to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkKind {
    /// Every staff member without an account (role: mentor, plus head
    /// teacher for those who lead a class).
    Staff,
    /// Every guardian of the class's students without an account (role:
    /// parent).
    Guardians,
}

/// One printed slip.
pub struct Slip {
    /// The group the slip is printed with (a class name, or "教职工").
    pub group: String,
    /// The person.
    pub name: String,
    /// Whom it is about: "学生 王小明（母亲）" or "工号 T001".
    pub detail: String,
    /// Login name.
    pub username: String,
    /// One-time password, never stored but as a hash.
    pub password: String,
}

/// The slips made, and how many people of the same kind still wait for an
/// account (made by calling again).
pub struct BulkResult {
    /// Slips, in print order.
    pub slips: Vec<Slip>,
    /// People still without an account.
    pub remaining: usize,
}

/// Lower-case ASCII letters and digits of `s`, at most `max` of them.
fn slug(s: &str, max: usize) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .take(max)
        .collect()
}

/// Candidate usernames for a person: the base, then base-2, base-3, …
fn candidates(base: &str) -> impl Iterator<Item = String> + '_ {
    std::iter::once(base.to_string()).chain((2..50).map(move |n| format!("{base}-{n}")))
}

struct Person {
    group: String,
    name: String,
    detail: String,
    base: String,
    roles: Vec<Role>,
    link: Link,
}

enum Link {
    Staff(staff::Model),
    Guardian(guardian::Model),
}

/// Inserts the account under the first free candidate name; each attempt
/// runs in a savepoint so a taken name (in any district) rolls back only
/// itself.
async fn insert_free(
    ctx: &Ctx,
    p: &Person,
    hash: &str,
    district: Uuid,
    school: Uuid,
) -> ApiResult<user::Model> {
    for name in candidates(&p.base) {
        if name.len() > 32 {
            break;
        }
        let sp = ctx.db().begin().await?;
        let r = user::ActiveModel {
            id: Set(Uuid::new_v4()),
            username: Set(name),
            password_hash: Set(hash.to_string()),
            display_name: Set(p.name.clone()),
            district_id: Set(Some(district)),
            school_id: Set(Some(school)),
            active: Set(true),
            created_at: Set(chrono::Utc::now()),
            token_version: Set(0),
            must_change_password: Set(true),
        }
        .insert(&sp)
        .await;
        match r {
            Ok(u) => {
                sp.commit().await?;
                return Ok(u);
            }
            Err(e) => {
                sp.rollback().await?;
                match ApiError::from(e) {
                    ApiError::Conflict(_) => continue,
                    other => return Err(other),
                }
            }
        }
    }
    Err(ApiError::conflict(format!(
        "无法为“{}”生成未被使用的用户名",
        p.name
    )))
}

async fn staff_people(ctx: &Ctx, school: Uuid, code: &str) -> ApiResult<Vec<Person>> {
    let heads: HashSet<Uuid> = class::Entity::find()
        .filter(class::Column::SchoolId.eq(school))
        .all(ctx.db())
        .await?
        .into_iter()
        .filter_map(|c| c.head_teacher_id)
        .collect();
    let rows = staff::Entity::find()
        .filter(staff::Column::SchoolId.eq(school))
        .filter(staff::Column::UserId.is_null())
        .order_by_asc(staff::Column::StaffNo)
        .all(ctx.db())
        .await?;
    Ok(rows
        .into_iter()
        .map(|s| {
            let mut roles = vec![Role::Mentor];
            if heads.contains(&s.id) {
                roles.push(Role::HeadTeacher);
            }
            let no = slug(&s.staff_no, 12);
            let no = if no.is_empty() {
                slug(&s.id.simple().to_string(), 8)
            } else {
                no
            };
            Person {
                group: "教职工".into(),
                name: s.name.clone(),
                detail: format!("工号 {}", s.staff_no),
                base: format!("{code}.t{no}"),
                roles,
                link: Link::Staff(s),
            }
        })
        .collect())
}

async fn guardian_people(
    ctx: &Ctx,
    school: Uuid,
    code: &str,
    class_id: Uuid,
) -> ApiResult<Vec<Person>> {
    let c = one_in_school::<class::Entity>(ctx, class_id, "班级").await?;
    let students = student::Entity::find()
        .filter(student::Column::SchoolId.eq(school))
        .filter(student::Column::ClassId.eq(c.id))
        .order_by_asc(student::Column::StudentNo)
        .all(ctx.db())
        .await?;
    let ids: Vec<Uuid> = students.iter().map(|s| s.id).collect();
    let links = student_guardian::Entity::find()
        .filter(student_guardian::Column::SchoolId.eq(school))
        .filter(student_guardian::Column::StudentId.is_in(ids))
        .all(ctx.db())
        .await?;
    let gids: Vec<Uuid> = links.iter().map(|l| l.guardian_id).collect();
    let mut guardians: HashMap<Uuid, guardian::Model> = guardian::Entity::find()
        .filter(guardian::Column::SchoolId.eq(school))
        .filter(guardian::Column::Id.is_in(gids))
        .filter(guardian::Column::UserId.is_null())
        .all(ctx.db())
        .await?
        .into_iter()
        .map(|g| (g.id, g))
        .collect();
    let mut out = vec![];
    for s in &students {
        let mut n = 0;
        for l in links.iter().filter(|l| l.student_id == s.id) {
            // A guardian of several children gets one account, on the
            // first child's slip.
            let Some(g) = guardians.remove(&l.guardian_id) else {
                continue;
            };
            n += 1;
            let no = slug(&s.student_no, 14);
            let no = if no.is_empty() {
                slug(&s.id.simple().to_string(), 8)
            } else {
                no
            };
            let base = if n == 1 {
                format!("{code}.p{no}")
            } else {
                format!("{code}.p{no}.{n}")
            };
            out.push(Person {
                group: c.name.clone(),
                name: g.name.clone(),
                detail: format!("学生 {}（{}）", s.name, l.relation),
                base,
                roles: vec![Role::Parent],
                link: Link::Guardian(g),
            });
        }
    }
    Ok(out)
}

/// Makes accounts with one-time passwords for people of the school without
/// one (school admin): the staff, or the guardians of one class. At most
/// [`BATCH`] per call; `remaining` tells how many are left.
#[tracing::instrument(skip_all)]
pub async fn create_in_bulk(
    ctx: &Ctx,
    kind: BulkKind,
    class_id: Option<Uuid>,
) -> ApiResult<BulkResult> {
    let (district, school) = authz::org::may_manage_school_accounts(ctx)?;
    let s = school::Entity::find_by_id(school)
        .one(ctx.db())
        .await?
        .ok_or_else(|| ApiError::not_found("学校"))?;
    let code = {
        let c = slug(&s.code, 10);
        if c.is_empty() { "school".into() } else { c }
    };
    let people = match (kind, class_id) {
        (BulkKind::Staff, _) => staff_people(ctx, school, &code).await?,
        (BulkKind::Guardians, Some(c)) => guardian_people(ctx, school, &code, c).await?,
        (BulkKind::Guardians, None) => {
            return Err(ApiError::invalid("classId", "为家长建账号须选择班级"));
        }
    };
    let remaining = people.len().saturating_sub(BATCH);
    let people: Vec<Person> = people.into_iter().take(BATCH).collect();
    // Hash on the blocking pool, all at once (the pool spreads them over
    // the cores), before writing anything.
    let otps: Vec<String> = people.iter().map(|_| password::one_time()).collect();
    let hashes =
        futures_util::future::try_join_all(otps.iter().map(|o| password::hash_async(o.clone())))
            .await?;
    let mut slips = vec![];
    for ((p, otp), hash) in people.into_iter().zip(otps).zip(hashes) {
        let u = insert_free(ctx, &p, &hash, district, school).await?;
        match &p.link {
            Link::Staff(s) => {
                let mut m = s.clone().into_active_model();
                m.user_id = Set(Some(u.id));
                m.update(ctx.db()).await?;
            }
            Link::Guardian(g) => {
                let mut m = g.clone().into_active_model();
                m.user_id = Set(Some(u.id));
                m.update(ctx.db()).await?;
            }
        }
        for r in &p.roles {
            insert_grant(ctx, u.id, *r, district, Some(school), None).await?;
        }
        audit::record(
            ctx,
            "account.create",
            "user",
            Some(u.id),
            Some("bulk".into()),
        )
        .await?;
        slips.push(Slip {
            group: p.group,
            name: p.name,
            detail: p.detail,
            username: u.username,
            password: otp,
        });
    }
    Ok(BulkResult { slips, remaining })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_valid_and_suffixed() {
        assert_eq!(slug("S-1 中学", 10), "s1");
        let c: Vec<String> = candidates("s1.t007").take(3).collect();
        assert_eq!(c, ["s1.t007", "s1.t007-2", "s1.t007-3"]);
        for n in c {
            assert!(crate::org::validate::username(&n).is_ok());
        }
    }
}

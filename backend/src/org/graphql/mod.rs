//! GraphQL types and operations of the organisation capability. Resolvers
//! are thin: they parse ids, convert inputs (`inputs`) and call the service.

mod inputs;

pub use inputs::{
    AccountInput, ClassInput, GuardianInput, ImportResult, RowError, SchoolAccountInput,
    SchoolInput, StaffInput, StudentInput, TermInput,
};

use async_graphql::{ComplexObject, Context, ID, Object, SimpleObject, Upload};
use chrono::NaiveDate;
use shared::org::{FamilyFlag, Qualification, Role, SchoolStage, SpecialNeed};

use super::entities::{guardian, school, teaching, term};
use super::import;
use super::{classes, guardians, schools, staff, students, terms};
use crate::audit;
use crate::auth::accounts;
use crate::auth::entities::{role_grant, user};
use crate::authz;
use crate::error::ApiError;
use crate::graphql::context::{GqlResult, ctx_of, id, parse_id};
use crate::pagination::{Conn, connection, page};

/// A school.
#[derive(SimpleObject)]
pub struct School {
    /// Id.
    pub id: ID,
    /// Platform-unique code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Stage.
    pub stage: SchoolStage,
    /// Number of students.
    pub student_count: i64,
    /// Number of classes.
    pub class_count: i64,
    /// Number of staff.
    pub staff_count: i64,
}

impl From<schools::SchoolStats> for School {
    fn from(s: schools::SchoolStats) -> Self {
        School {
            id: id(s.school.id),
            stage: SchoolStage::from_code(&s.school.stage).unwrap_or(SchoolStage::Middle),
            code: s.school.code,
            name: s.school.name,
            student_count: s.students as i64,
            class_count: s.classes as i64,
            staff_count: s.staff as i64,
        }
    }
}

fn school_plain(s: school::Model) -> School {
    School::from(schools::SchoolStats {
        school: s,
        students: 0,
        classes: 0,
        staff: 0,
    })
}

/// A term.
#[derive(SimpleObject)]
pub struct Term {
    /// Id.
    pub id: ID,
    /// Name.
    pub name: String,
    /// Academic year.
    pub academic_year: String,
    /// First day.
    pub starts_on: NaiveDate,
    /// Last day.
    pub ends_on: NaiveDate,
}

impl From<term::Model> for Term {
    fn from(t: term::Model) -> Self {
        Term {
            id: id(t.id),
            name: t.name,
            academic_year: t.academic_year,
            starts_on: t.starts_on,
            ends_on: t.ends_on,
        }
    }
}

/// A class.
#[derive(SimpleObject)]
pub struct Class {
    /// Id.
    pub id: ID,
    /// Name.
    pub name: String,
    /// Grade.
    pub grade: i32,
    /// Head teacher (staff id).
    pub head_teacher_id: Option<ID>,
    /// Head teacher's name.
    pub head_teacher_name: Option<String>,
    /// Students in the class.
    pub student_count: i64,
}

impl From<classes::ClassView> for Class {
    fn from(v: classes::ClassView) -> Self {
        Class {
            id: id(v.class.id),
            name: v.class.name,
            grade: v.class.grade,
            head_teacher_id: v.class.head_teacher_id.map(id),
            head_teacher_name: v.head_teacher_name,
            student_count: v.student_count,
        }
    }
}

/// What a teacher teaches where.
#[derive(SimpleObject)]
pub struct Teaching {
    /// Id.
    pub id: ID,
    /// Class.
    pub class_id: ID,
    /// Class name.
    pub class_name: String,
    /// Subject.
    pub subject: String,
}

/// A staff member.
#[derive(SimpleObject)]
pub struct Staff {
    /// Id.
    pub id: ID,
    /// 工号.
    pub staff_no: String,
    /// Name.
    pub name: String,
    /// Gender.
    pub gender: Option<String>,
    /// Mobile number (school admin only).
    pub phone: Option<String>,
    /// 党员.
    pub party_member: bool,
    /// Strengths (mentor profile library).
    pub specialties: Vec<String>,
    /// Standing as a mentor.
    pub qualification: Qualification,
    /// Whether the teacher has a login.
    pub has_account: bool,
    /// Classes and subjects taught.
    pub teaching: Vec<Teaching>,
}

fn staff_out(v: staff::StaffView, show_phone: bool) -> Staff {
    Staff {
        id: id(v.staff.id),
        staff_no: v.staff.staff_no,
        name: v.staff.name,
        gender: v.staff.gender,
        phone: if show_phone { v.staff.phone } else { None },
        party_member: v.staff.party_member,
        specialties: serde_json::from_str(&v.staff.specialties).unwrap_or_default(),
        qualification: Qualification::from_code(&v.staff.qualification)
            .unwrap_or(Qualification::Untrained),
        has_account: v.staff.user_id.is_some(),
        teaching: v
            .teaching
            .into_iter()
            .map(|(tid, cid, cname, subject)| Teaching {
                id: id(tid),
                class_id: id(cid),
                class_name: cname,
                subject,
            })
            .collect(),
    }
}

/// A person referred to by name.
#[derive(SimpleObject)]
pub struct PersonRef {
    /// Id.
    pub id: ID,
    /// Name.
    pub name: String,
}

/// A student. Sensitive fields are behind `sensitive`, which is audited.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct Student {
    /// Id.
    pub id: ID,
    /// Name.
    pub name: String,
    /// 学号.
    pub student_no: String,
    /// Gender.
    pub gender: String,
    /// Grade.
    pub grade: i32,
    /// Class.
    pub class_id: ID,
    /// Class name.
    pub class_name: String,
    /// Current mentors.
    pub mentors: Vec<PersonRef>,
    #[graphql(skip)]
    model: super::entities::student::Model,
}

/// Family situation and special needs: sensitive personal information of a minor.
#[derive(SimpleObject)]
pub struct StudentSensitive {
    /// Family structure (单亲, 重组, 留守).
    pub family_flags: Vec<FamilyFlag>,
    /// Special needs.
    pub special_needs: Vec<SpecialNeed>,
    /// Lives in town.
    pub lives_in_town: bool,
}

impl From<students::StudentView> for Student {
    fn from(v: students::StudentView) -> Self {
        Student {
            id: id(v.student.id),
            name: v.student.name.clone(),
            student_no: v.student.student_no.clone(),
            gender: v.student.gender.clone(),
            grade: v.grade,
            class_id: id(v.student.class_id),
            class_name: v.class_name,
            mentors: v
                .mentors
                .into_iter()
                .map(|(i, n)| PersonRef { id: id(i), name: n })
                .collect(),
            model: v.student,
        }
    }
}

#[ComplexObject]
impl Student {
    /// Family situation and special needs. Only the school admin, the head
    /// teacher and the student's mentors may read it; every read is audited.
    async fn sensitive(&self, cx: &Context<'_>) -> GqlResult<StudentSensitive> {
        let s = students::read_sensitive(ctx_of(cx)?, &self.model).await?;
        Ok(StudentSensitive {
            family_flags: s.family_flags,
            special_needs: s.special_needs,
            lives_in_town: self.model.lives_in_town,
        })
    }
}

/// A guardian of a student.
#[derive(SimpleObject)]
pub struct Guardian {
    /// Id.
    pub id: ID,
    /// Name.
    pub name: String,
    /// Mobile number: for the school admin, the class's head teacher and the
    /// student's mentors; a parent sees only their own, never another
    /// guardian's (null).
    pub phone: Option<String>,
    /// Relation to the student.
    pub relation: String,
    /// Whether the guardian has a login.
    pub has_account: bool,
}

fn guardian_out(g: guardian::Model, relation: String, phone_visible: bool) -> Guardian {
    Guardian {
        id: id(g.id),
        name: g.name,
        phone: phone_visible.then_some(g.phone),
        relation,
        has_account: g.user_id.is_some(),
    }
}

/// A role grant.
#[derive(SimpleObject)]
pub struct RoleGrant {
    /// Id.
    pub id: ID,
    /// Role.
    pub role: Role,
    /// Grade, for grade leaders.
    pub grade: Option<i32>,
}

impl From<role_grant::Model> for RoleGrant {
    fn from(g: role_grant::Model) -> Self {
        RoleGrant {
            id: id(g.id),
            role: Role::from_code(&g.role).unwrap_or(Role::Student),
            grade: g.grade,
        }
    }
}

/// A login account of the school.
#[derive(SimpleObject)]
pub struct Account {
    /// Id.
    pub id: ID,
    /// Login name.
    pub username: String,
    /// Display name.
    pub display_name: String,
    /// Active.
    pub active: bool,
    /// Grants.
    pub grants: Vec<RoleGrant>,
}

fn account_out(u: user::Model, grants: Vec<role_grant::Model>) -> Account {
    Account {
        id: id(u.id),
        username: u.username,
        display_name: u.display_name,
        active: u.active,
        grants: grants.into_iter().map(Into::into).collect(),
    }
}

/// An audit record.
#[derive(SimpleObject)]
pub struct AuditEntry {
    /// Id.
    pub id: ID,
    /// When.
    pub at: chrono::DateTime<chrono::Utc>,
    /// Who (user id).
    pub actor_user_id: Option<ID>,
    /// Acting roles.
    pub actor_role: String,
    /// What.
    pub action: String,
    /// Kind of record.
    pub subject_type: String,
    /// Why.
    pub reason: Option<String>,
}

/// Organisation queries.
#[derive(Default)]
pub struct OrgQuery;

#[Object]
impl OrgQuery {
    /// Schools: the district's (district admin, counts only) or the caller's own.
    async fn schools(&self, cx: &Context<'_>) -> GqlResult<Vec<School>> {
        Ok(schools::list_schools(ctx_of(cx)?)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// One school the caller sees.
    async fn school(&self, cx: &Context<'_>, id: ID) -> GqlResult<School> {
        Ok(schools::get_school(ctx_of(cx)?, parse_id(&id, "学校")?)
            .await?
            .into())
    }

    /// The school's terms, newest first.
    async fn terms(&self, cx: &Context<'_>) -> GqlResult<Vec<Term>> {
        Ok(terms::list_terms(ctx_of(cx)?)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// The school's classes (staff).
    async fn classes(&self, cx: &Context<'_>, grade: Option<i32>) -> GqlResult<Vec<Class>> {
        Ok(classes::list_classes(ctx_of(cx)?, grade)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// The school's staff.
    async fn staff(
        &self,
        cx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        search: Option<String>,
    ) -> GqlResult<Conn<Staff>> {
        let ctx = ctx_of(cx)?;
        let p = page(first, after)?;
        crate::validate::search("search", search.as_deref())?;
        let (rows, total) = staff::list_staff(ctx, p, search).await?;
        let admin = authz::org::may_see_staff_phones(ctx)?;
        Ok(connection(
            rows.into_iter().map(|v| staff_out(v, admin)).collect(),
            p,
            total,
        ))
    }

    /// The students the caller may see: school admin all of the school, grade
    /// leader the grade, head teacher the class and own mentees, mentor own
    /// mentees, parent own children, student self. District admins are refused.
    async fn students(
        &self,
        cx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        class_id: Option<ID>,
        search: Option<String>,
    ) -> GqlResult<Conn<Student>> {
        let ctx = ctx_of(cx)?;
        let p = page(first, after)?;
        crate::validate::search("search", search.as_deref())?;
        let class_id = class_id.map(|c| parse_id(&c, "班级")).transpose()?;
        let (rows, total) = students::list_students(ctx, p, class_id, search).await?;
        Ok(connection(
            rows.into_iter().map(Into::into).collect(),
            p,
            total,
        ))
    }

    /// One student the caller may see; `NOT_FOUND` otherwise, also for other schools.
    async fn student(&self, cx: &Context<'_>, id: ID) -> GqlResult<Student> {
        Ok(students::get_student(ctx_of(cx)?, parse_id(&id, "学生")?)
            .await?
            .into())
    }

    /// A student's guardians (audited).
    async fn guardians(&self, cx: &Context<'_>, student_id: ID) -> GqlResult<Vec<Guardian>> {
        let rows = guardians::list_guardians(ctx_of(cx)?, parse_id(&student_id, "学生")?).await?;
        Ok(rows
            .into_iter()
            .map(|v| guardian_out(v.guardian, v.relation, v.phone_visible))
            .collect())
    }

    /// The school's login accounts (school admin).
    async fn accounts(
        &self,
        cx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> GqlResult<Conn<Account>> {
        let p = page(first, after)?;
        let (rows, total) = accounts::list_accounts(ctx_of(cx)?, p).await?;
        Ok(connection(
            rows.into_iter()
                .map(|a| account_out(a.user, a.grants))
                .collect(),
            p,
            total,
        ))
    }

    /// Who did or read what about a record (school admin).
    async fn audit_trail(&self, cx: &Context<'_>, subject_id: ID) -> GqlResult<Vec<AuditEntry>> {
        let rows = audit::trail(ctx_of(cx)?, parse_id(&subject_id, "记录")?).await?;
        Ok(rows
            .into_iter()
            .map(|a| AuditEntry {
                id: id(a.id),
                at: a.at,
                actor_user_id: a.actor_user_id.map(id),
                actor_role: a.actor_role,
                action: a.action,
                subject_type: a.subject_type,
                reason: a.reason,
            })
            .collect())
    }
}

/// Organisation mutations.
#[derive(Default)]
pub struct OrgMutation;

#[Object]
impl OrgMutation {
    /// Creates a school (district admin).
    async fn create_school(&self, cx: &Context<'_>, input: SchoolInput) -> GqlResult<School> {
        Ok(school_plain(
            schools::create_school(ctx_of(cx)?, input.into()).await?,
        ))
    }

    /// Updates a school (district admin).
    async fn update_school(
        &self,
        cx: &Context<'_>,
        id: ID,
        input: SchoolInput,
    ) -> GqlResult<School> {
        Ok(school_plain(
            schools::update_school(ctx_of(cx)?, parse_id(&id, "学校")?, input.into()).await?,
        ))
    }

    /// Creates a school admin account (district admin).
    async fn create_school_admin(
        &self,
        cx: &Context<'_>,
        school_id: ID,
        input: AccountInput,
    ) -> GqlResult<Account> {
        let ctx = ctx_of(cx)?;
        let u =
            accounts::create_school_admin(ctx, parse_id(&school_id, "学校")?, input.into()).await?;
        Ok(account_out(u, vec![]))
    }

    /// Creates a term (school admin).
    async fn create_term(&self, cx: &Context<'_>, input: TermInput) -> GqlResult<Term> {
        Ok(terms::create_term(ctx_of(cx)?, input.into()).await?.into())
    }

    /// Updates a term (school admin).
    async fn update_term(&self, cx: &Context<'_>, id: ID, input: TermInput) -> GqlResult<Term> {
        Ok(
            terms::update_term(ctx_of(cx)?, parse_id(&id, "学期")?, input.into())
                .await?
                .into(),
        )
    }

    /// Deletes a term (school admin).
    async fn delete_term(&self, cx: &Context<'_>, id: ID) -> GqlResult<bool> {
        Ok(terms::delete_term(ctx_of(cx)?, parse_id(&id, "学期")?).await?)
    }

    /// Creates a class (school admin).
    async fn create_class(&self, cx: &Context<'_>, input: ClassInput) -> GqlResult<Class> {
        Ok(classes::create_class(ctx_of(cx)?, input.into())
            .await?
            .into())
    }

    /// Updates a class (school admin).
    async fn update_class(&self, cx: &Context<'_>, id: ID, input: ClassInput) -> GqlResult<Class> {
        Ok(
            classes::update_class(ctx_of(cx)?, parse_id(&id, "班级")?, input.into())
                .await?
                .into(),
        )
    }

    /// Deletes an empty class (school admin).
    async fn delete_class(&self, cx: &Context<'_>, id: ID) -> GqlResult<bool> {
        Ok(classes::delete_class(ctx_of(cx)?, parse_id(&id, "班级")?).await?)
    }

    /// Creates a staff member (school admin).
    async fn create_staff(&self, cx: &Context<'_>, input: StaffInput) -> GqlResult<Staff> {
        Ok(staff_out(
            staff::create_staff(ctx_of(cx)?, input.into()).await?,
            true,
        ))
    }

    /// Updates a staff member (school admin).
    async fn update_staff(&self, cx: &Context<'_>, id: ID, input: StaffInput) -> GqlResult<Staff> {
        Ok(staff_out(
            staff::update_staff(ctx_of(cx)?, parse_id(&id, "教职工")?, input.into()).await?,
            true,
        ))
    }

    /// Deletes a staff member (school admin).
    async fn delete_staff(&self, cx: &Context<'_>, id: ID) -> GqlResult<bool> {
        Ok(staff::delete_staff(ctx_of(cx)?, parse_id(&id, "教职工")?).await?)
    }

    /// Records that a teacher teaches a subject in a class (school admin).
    async fn set_teaching(
        &self,
        cx: &Context<'_>,
        staff_id: ID,
        class_id: ID,
        subject: String,
    ) -> GqlResult<ID> {
        let ctx = ctx_of(cx)?;
        let t: teaching::Model = staff::set_teaching(
            ctx,
            parse_id(&staff_id, "教职工")?,
            parse_id(&class_id, "班级")?,
            subject,
        )
        .await?;
        Ok(id(t.id))
    }

    /// Removes a teaching record (school admin).
    async fn remove_teaching(&self, cx: &Context<'_>, id: ID) -> GqlResult<bool> {
        Ok(staff::remove_teaching(ctx_of(cx)?, parse_id(&id, "任教记录")?).await?)
    }

    /// Creates a student (school admin).
    async fn create_student(&self, cx: &Context<'_>, input: StudentInput) -> GqlResult<Student> {
        Ok(students::create_student(ctx_of(cx)?, input.into())
            .await?
            .into())
    }

    /// Updates a student (school admin).
    async fn update_student(
        &self,
        cx: &Context<'_>,
        id: ID,
        input: StudentInput,
    ) -> GqlResult<Student> {
        Ok(
            students::update_student(ctx_of(cx)?, parse_id(&id, "学生")?, input.into())
                .await?
                .into(),
        )
    }

    /// Deletes a student without an account (school admin).
    async fn delete_student(&self, cx: &Context<'_>, id: ID) -> GqlResult<bool> {
        Ok(students::delete_student(ctx_of(cx)?, parse_id(&id, "学生")?).await?)
    }

    /// Adds a guardian to a student (school admin).
    async fn add_guardian(
        &self,
        cx: &Context<'_>,
        student_id: ID,
        input: GuardianInput,
    ) -> GqlResult<Guardian> {
        let relation = input.relation.trim().to_string();
        let g = guardians::add_guardian(ctx_of(cx)?, parse_id(&student_id, "学生")?, input.into())
            .await?;
        Ok(guardian_out(g, relation, true))
    }

    /// Unlinks a guardian from a student (school admin).
    async fn unlink_guardian(
        &self,
        cx: &Context<'_>,
        student_id: ID,
        guardian_id: ID,
    ) -> GqlResult<bool> {
        let ctx = ctx_of(cx)?;
        Ok(guardians::unlink_guardian(
            ctx,
            parse_id(&student_id, "学生")?,
            parse_id(&guardian_id, "家长")?,
        )
        .await?)
    }

    /// Creates a login for a person of the school and grants roles (school admin).
    async fn create_account(
        &self,
        cx: &Context<'_>,
        input: SchoolAccountInput,
    ) -> GqlResult<Account> {
        let a = accounts::create_account(ctx_of(cx)?, input.into()).await?;
        Ok(account_out(a.user, a.grants))
    }

    /// Grants a role (school admin).
    async fn grant_role(
        &self,
        cx: &Context<'_>,
        user_id: ID,
        role: Role,
        grade: Option<i32>,
    ) -> GqlResult<RoleGrant> {
        Ok(
            accounts::grant_role(ctx_of(cx)?, parse_id(&user_id, "账号")?, role, grade)
                .await?
                .into(),
        )
    }

    /// Revokes a role grant (school admin).
    async fn revoke_role(&self, cx: &Context<'_>, grant_id: ID) -> GqlResult<bool> {
        Ok(accounts::revoke_role(ctx_of(cx)?, parse_id(&grant_id, "角色授权")?).await?)
    }

    /// Imports a roster file (.xlsx or .csv, Chinese headers) for the caller's
    /// school (school admin). Every row is checked first; with any bad row
    /// nothing is written and every problem is listed. `dryRun` only checks.
    async fn import_roster(
        &self,
        cx: &Context<'_>,
        file: Upload,
        dry_run: Option<bool>,
    ) -> GqlResult<ImportResult> {
        let dry_run = dry_run.unwrap_or(false);
        let ctx = ctx_of(cx)?;
        authz::org::may_manage_school_roster(ctx)?;
        let upload = file
            .value(cx)
            .map_err(|_| ApiError::invalid("file", "无法读取上传的文件"))?;
        let name = upload.filename.clone();
        let mut bytes = Vec::new();
        use std::io::Read;
        upload
            .into_read()
            .take(import::MAX_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|_| ApiError::invalid("file", "无法读取上传的文件"))?;
        Ok(import::import(ctx, &name, &bytes, dry_run).await?.into())
    }
}

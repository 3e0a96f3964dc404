//! The organisation capability's GraphQL inputs and import result, and their
//! conversions to and from the services' plain types. Ids are parsed here
//! into [`IdArg`]s; the service raises a malformed one where it checks the
//! reference, so errors and their order are the service's.

use async_graphql::{ID, InputObject, SimpleObject};
use chrono::NaiveDate;
use shared::org::{FamilyFlag, Qualification, Role, SchoolStage, SpecialNeed};

use crate::auth::accounts;
use crate::ids::{IdArg, id_arg};
use crate::org::{classes, guardians, import, schools, staff, students, terms};

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

impl From<SchoolInput> for schools::SchoolFields {
    fn from(i: SchoolInput) -> Self {
        schools::SchoolFields {
            code: i.code,
            name: i.name,
            stage: i.stage,
        }
    }
}

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

impl From<TermInput> for terms::TermFields {
    fn from(i: TermInput) -> Self {
        terms::TermFields {
            name: i.name,
            academic_year: i.academic_year,
            starts_on: i.starts_on,
            ends_on: i.ends_on,
        }
    }
}

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

impl From<StaffInput> for staff::StaffFields {
    fn from(i: StaffInput) -> Self {
        staff::StaffFields {
            staff_no: i.staff_no,
            name: i.name,
            gender: i.gender,
            phone: i.phone,
            party_member: i.party_member,
            specialties: i.specialties,
            qualification: i.qualification,
        }
    }
}

/// A class's fields.
#[derive(InputObject)]
pub struct ClassInput {
    /// Grade.
    pub grade: i32,
    /// Name unique in the school, e.g. 七年级(1)班.
    pub name: String,
    /// Head teacher (staff id).
    pub head_teacher_id: Option<ID>,
}

impl From<ClassInput> for classes::ClassFields {
    fn from(i: ClassInput) -> Self {
        classes::ClassFields {
            grade: i.grade,
            name: i.name,
            head_teacher_id: i.head_teacher_id.map(|t| id_arg(&t, "教职工")),
        }
    }
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
    pub class_id: ID,
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

impl From<StudentInput> for students::StudentFields {
    fn from(i: StudentInput) -> Self {
        let class_id: IdArg = id_arg(&i.class_id, "班级");
        students::StudentFields {
            student_no: i.student_no,
            name: i.name,
            gender: i.gender,
            class_id,
            lives_in_town: i.lives_in_town,
            special_needs: i.special_needs,
            family_flags: i.family_flags,
        }
    }
}

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

impl From<GuardianInput> for guardians::GuardianFields {
    fn from(i: GuardianInput) -> Self {
        guardians::GuardianFields {
            name: i.name,
            phone: i.phone,
            relation: i.relation,
        }
    }
}

/// One problem in the file.
#[derive(SimpleObject)]
pub struct RowError {
    /// Row number as the spreadsheet shows it (the first row is 1, title
    /// rows above the header counted); 0 for a file that cannot be read.
    pub row: i32,
    /// Column header, if the problem is in one cell.
    pub column: Option<String>,
    /// What is wrong, in Chinese.
    pub message: String,
}

/// What an import did, or why it did nothing.
#[derive(SimpleObject)]
pub struct ImportResult {
    /// True when the file was valid (and, unless a dry run, applied).
    pub ok: bool,
    /// Whether this was only a check.
    pub dry_run: bool,
    /// `students` or `staff`.
    pub kind: String,
    /// Data rows read.
    pub rows: i32,
    /// Every problem found; empty when `ok`.
    pub errors: Vec<RowError>,
    /// People created.
    pub created: i32,
    /// People whose data changed.
    pub updated: i32,
    /// People already up to date.
    pub unchanged: i32,
    /// Guardian links created.
    pub guardians_linked: i32,
    /// Class names written in another form (`七(1)班`, `初一(1)班`, `7.1`)
    /// and the school's class each was taken to be.
    pub class_mappings: Vec<ClassMapping>,
}

/// A class name as written in a roster and the school's class it names.
#[derive(SimpleObject)]
pub struct ClassMapping {
    /// As written (after width and spacing are normalised).
    pub written: String,
    /// The school's class.
    pub class_name: String,
    /// Rows that wrote it so.
    pub rows: i32,
}

impl From<import::ImportResult> for ImportResult {
    fn from(r: import::ImportResult) -> Self {
        ImportResult {
            ok: r.ok,
            dry_run: r.dry_run,
            kind: r.kind,
            rows: r.rows,
            errors: r
                .errors
                .into_iter()
                .map(|e| RowError {
                    row: e.row,
                    column: e.column,
                    message: e.message,
                })
                .collect(),
            created: r.created,
            updated: r.updated,
            unchanged: r.unchanged,
            guardians_linked: r.guardians_linked,
            class_mappings: r
                .class_mappings
                .into_iter()
                .map(|(written, class_name, rows)| ClassMapping {
                    written,
                    class_name,
                    rows,
                })
                .collect(),
        }
    }
}

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

impl From<AccountInput> for accounts::AccountFields {
    fn from(i: AccountInput) -> Self {
        accounts::AccountFields {
            username: i.username,
            password: i.password,
            display_name: i.display_name,
        }
    }
}

/// Whom a school account belongs to, and its roles.
#[derive(InputObject)]
pub struct SchoolAccountInput {
    /// The account.
    pub account: AccountInput,
    /// A staff member (for staff roles).
    pub staff_id: Option<ID>,
    /// A student (for the student role).
    pub student_id: Option<ID>,
    /// A guardian (for the parent role).
    pub guardian_id: Option<ID>,
    /// Roles to grant.
    pub roles: Vec<Role>,
    /// The grade led, with `GRADE_LEADER`.
    pub grade: Option<i32>,
}

impl From<SchoolAccountInput> for accounts::SchoolAccountFields {
    fn from(i: SchoolAccountInput) -> Self {
        accounts::SchoolAccountFields {
            account: i.account.into(),
            staff_id: i.staff_id.map(|x| id_arg(&x, "教职工")),
            student_id: i.student_id.map(|x| id_arg(&x, "学生")),
            guardian_id: i.guardian_id.map(|x| id_arg(&x, "家长")),
            roles: i.roles,
            grade: i.grade,
        }
    }
}

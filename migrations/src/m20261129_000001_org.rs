//! The organisation schema: districts, schools, terms, classes, staff,
//! students, guardians, users and role grants, mentor assignments, refresh
//! tokens and the audit log; plus RLS on PostgreSQL.

use sea_orm_migration::prelude::*;

use crate::builders::{index, tenant};

use crate::rls::{self, Scope};

/// Creates the organisation schema.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261129_000001_org"
    }
}

fn id() -> ColumnDef {
    ColumnDef::new(Alias::new("id"))
        .uuid()
        .not_null()
        .primary_key()
        .to_owned()
}
fn uuid(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .uuid()
        .not_null()
        .to_owned()
}
fn uuid_null(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).uuid().null().to_owned()
}
fn text(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .string()
        .not_null()
        .to_owned()
}
fn text_null(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).string().null().to_owned()
}
fn int(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .integer()
        .not_null()
        .to_owned()
}
fn int_null(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).integer().null().to_owned()
}
fn boolean(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .boolean()
        .not_null()
        .default(false)
        .to_owned()
}
fn date(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .date()
        .not_null()
        .to_owned()
}
fn date_null(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).date().null().to_owned()
}
fn at(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}
fn at_null(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .timestamp_with_time_zone()
        .null()
        .to_owned()
}

fn fk(from: &str, col: &str, to: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{from}_{col}"))
        .from(Alias::new(from), Alias::new(col))
        .to(Alias::new(to), Alias::new("id"))
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

/// Tables below school level, in creation order.
const SCHOOL_TABLES: [&str; 8] = [
    "terms",
    "classes",
    "staff",
    "teaching",
    "students",
    "guardians",
    "student_guardians",
    "mentor_assignments",
];

#[async_trait::async_trait]
#[expect(
    elided_lifetimes_in_paths,
    reason = "MigrationTrait's async_trait signature elides SchemaManager's lifetime; naming it breaks the match"
)]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Alias::new("districts"))
                .if_not_exists()
                .col(id())
                .col(text("code"))
                .col(text("name"))
                .col(at("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("districts", &["code"], true)).await?;

        m.create_table(
            Table::create()
                .table(Alias::new("schools"))
                .if_not_exists()
                .col(id())
                .col(uuid("district_id"))
                .col(text("code"))
                .col(text("name"))
                .col(text("stage"))
                .col(at("created_at"))
                .foreign_key(&mut fk("schools", "district_id", "districts"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("schools", &["code"], true)).await?;
        m.create_index(index("schools", &["district_id"], false))
            .await?;

        m.create_table(
            tenant("terms")
                .col(text("name"))
                .col(text("academic_year"))
                .col(date("starts_on"))
                .col(date("ends_on"))
                .foreign_key(&mut fk("terms", "school_id", "schools"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("terms", &["school_id", "name"], true))
            .await?;

        m.create_table(
            tenant("staff")
                .col(text("staff_no"))
                .col(text("name"))
                .col(text_null("gender"))
                .col(text_null("phone"))
                .col(boolean("party_member"))
                .col(text("specialties"))
                .col(text("qualification"))
                .col(uuid_null("user_id"))
                .col(at("created_at"))
                .foreign_key(&mut fk("staff", "school_id", "schools"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("staff", &["school_id", "staff_no"], true))
            .await?;
        m.create_index(index("staff", &["user_id"], false)).await?;

        m.create_table(
            tenant("classes")
                .col(int("grade"))
                .col(text("name"))
                .col(uuid_null("head_teacher_id"))
                .col(at("created_at"))
                .foreign_key(&mut fk("classes", "school_id", "schools"))
                .foreign_key(&mut fk("classes", "head_teacher_id", "staff"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("classes", &["school_id", "name"], true))
            .await?;

        m.create_table(
            tenant("teaching")
                .col(uuid("staff_id"))
                .col(uuid("class_id"))
                .col(text("subject"))
                .foreign_key(&mut fk("teaching", "staff_id", "staff"))
                .foreign_key(&mut fk("teaching", "class_id", "classes"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "teaching",
            &["staff_id", "class_id", "subject"],
            true,
        ))
        .await?;
        m.create_index(index("teaching", &["class_id"], false))
            .await?;

        m.create_table(
            tenant("students")
                .col(text("student_no"))
                .col(text("name"))
                .col(text("gender"))
                .col(uuid("class_id"))
                .col(text("special_needs"))
                .col(text("family_flags"))
                .col(boolean("lives_in_town"))
                .col(uuid_null("user_id"))
                .col(at("created_at"))
                .foreign_key(&mut fk("students", "school_id", "schools"))
                .foreign_key(&mut fk("students", "class_id", "classes"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("students", &["school_id", "student_no"], true))
            .await?;
        m.create_index(index("students", &["class_id"], false))
            .await?;
        m.create_index(index("students", &["user_id"], false))
            .await?;

        m.create_table(
            tenant("guardians")
                .col(text("name"))
                .col(text("phone"))
                .col(uuid_null("user_id"))
                .col(at("created_at"))
                .foreign_key(&mut fk("guardians", "school_id", "schools"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("guardians", &["school_id", "phone"], true))
            .await?;
        m.create_index(index("guardians", &["user_id"], false))
            .await?;

        m.create_table(
            tenant("student_guardians")
                .col(uuid("student_id"))
                .col(uuid("guardian_id"))
                .col(text("relation"))
                .foreign_key(&mut fk("student_guardians", "student_id", "students"))
                .foreign_key(&mut fk("student_guardians", "guardian_id", "guardians"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "student_guardians",
            &["student_id", "guardian_id"],
            true,
        ))
        .await?;
        m.create_index(index("student_guardians", &["guardian_id"], false))
            .await?;

        m.create_table(
            tenant("mentor_assignments")
                .col(uuid("student_id"))
                .col(uuid("staff_id"))
                .col(date("starts_on"))
                .col(date_null("ends_on"))
                .col(text("stage"))
                .col(at("created_at"))
                .foreign_key(&mut fk("mentor_assignments", "student_id", "students"))
                .foreign_key(&mut fk("mentor_assignments", "staff_id", "staff"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("mentor_assignments", &["staff_id", "ends_on"], false))
            .await?;
        m.create_index(index(
            "mentor_assignments",
            &["student_id", "ends_on"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(Alias::new("users"))
                .if_not_exists()
                .col(id())
                .col(text("username"))
                .col(text("password_hash"))
                .col(text("display_name"))
                .col(uuid_null("district_id"))
                .col(uuid_null("school_id"))
                .col(
                    ColumnDef::new(Alias::new("active"))
                        .boolean()
                        .not_null()
                        .default(true),
                )
                .col(at("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("users", &["username"], true)).await?;

        m.create_table(
            Table::create()
                .table(Alias::new("role_grants"))
                .if_not_exists()
                .col(id())
                .col(uuid("user_id"))
                .col(text("role"))
                .col(uuid("district_id"))
                .col(uuid_null("school_id"))
                .col(int_null("grade"))
                .col(at("created_at"))
                .foreign_key(&mut fk("role_grants", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("role_grants", &["user_id"], false))
            .await?;

        m.create_table(
            Table::create()
                .table(Alias::new("refresh_tokens"))
                .if_not_exists()
                .col(id())
                .col(uuid("user_id"))
                .col(uuid("family_id"))
                .col(text("token_hash"))
                .col(at("expires_at"))
                .col(at_null("used_at"))
                .col(at_null("revoked_at"))
                .col(at("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("refresh_tokens", &["token_hash"], true))
            .await?;
        m.create_index(index("refresh_tokens", &["family_id"], false))
            .await?;

        m.create_table(
            Table::create()
                .table(Alias::new("audit_log"))
                .if_not_exists()
                .col(id())
                .col(uuid_null("district_id"))
                .col(uuid_null("school_id"))
                .col(uuid_null("actor_user_id"))
                .col(text("actor_role"))
                .col(text("action"))
                .col(text("subject_type"))
                .col(uuid_null("subject_id"))
                .col(text_null("reason"))
                .col(at("at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("audit_log", &["school_id", "subject_id"], false))
            .await?;

        let mut sql = rls::app_role_and_grants();
        sql.extend(rls::tenant_policy("districts", &Scope::DistrictsTable));
        sql.extend(rls::tenant_policy("schools", &Scope::SchoolsTable));
        for t in SCHOOL_TABLES {
            sql.extend(rls::tenant_policy(t, &Scope::School));
        }
        sql.extend(rls::users_policy());
        sql.extend(rls::grants_policy());
        sql.extend(rls::tokens_policy());
        sql.extend(rls::audit_policy());
        rls::pg(m, &sql).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "audit_log",
            "refresh_tokens",
            "role_grants",
            "users",
            "mentor_assignments",
            "student_guardians",
            "guardians",
            "students",
            "teaching",
            "classes",
            "staff",
            "terms",
            "schools",
            "districts",
        ] {
            m.drop_table(Table::drop().table(Alias::new(t)).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}

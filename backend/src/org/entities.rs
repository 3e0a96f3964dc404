//! sea-orm entities of the organisation tables.
//!
//! Every tenant-owned table carries `district_id` (and `school_id` below
//! district level); services filter by the caller's context and RLS backs
//! that up on PostgreSQL.

/// 区: a district, the top-level tenant.
pub mod district {
    use sea_orm::entity::prelude::*;

    /// A district row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "districts")]
    pub struct Model {
        /// Id.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Platform-unique short code.
        pub code: String,
        /// Name, e.g. 示范区.
        pub name: String,
        /// When created.
        pub created_at: DateTimeUtc,
    }

    /// No relations are navigated through the ORM.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// 学校.
pub mod school {
    use sea_orm::entity::prelude::*;

    /// A school row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "schools")]
    pub struct Model {
        /// Id.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Owning district.
        pub district_id: Uuid,
        /// Platform-unique code (used by the CLI import).
        pub code: String,
        /// Name.
        pub name: String,
        /// Stage code (`shared::org::SchoolStage::code`).
        pub stage: String,
        /// When created.
        pub created_at: DateTimeUtc,
    }

    /// No relations are navigated through the ORM.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// 学期: a term of an academic year.
pub mod term {
    use sea_orm::entity::prelude::*;

    /// A term row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "terms")]
    pub struct Model {
        /// Id.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Tenant district.
        pub district_id: Uuid,
        /// Tenant school.
        pub school_id: Uuid,
        /// Name, e.g. 2026学年第一学期.
        pub name: String,
        /// Academic year, e.g. 2026-2027.
        pub academic_year: String,
        /// First day.
        pub starts_on: Date,
        /// Last day.
        pub ends_on: Date,
    }

    /// No relations are navigated through the ORM.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// 班级.
pub mod class {
    use sea_orm::entity::prelude::*;

    /// A class row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "classes")]
    pub struct Model {
        /// Id.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Tenant district.
        pub district_id: Uuid,
        /// Tenant school.
        pub school_id: Uuid,
        /// Grade 1–12.
        pub grade: i32,
        /// Name unique in the school, e.g. 七年级(1)班.
        pub name: String,
        /// The head teacher (班主任), a staff id.
        pub head_teacher_id: Option<Uuid>,
        /// When created.
        pub created_at: DateTimeUtc,
    }

    /// No relations are navigated through the ORM.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// 教职工: teachers and other staff.
pub mod staff {
    use sea_orm::entity::prelude::*;

    /// A staff row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "staff")]
    pub struct Model {
        /// Id.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Tenant district.
        pub district_id: Uuid,
        /// Tenant school.
        pub school_id: Uuid,
        /// 工号, unique in the school.
        pub staff_no: String,
        /// Name.
        pub name: String,
        /// 男 / 女.
        pub gender: Option<String>,
        /// Mobile number (personal data).
        pub phone: Option<String>,
        /// 党员教师.
        pub party_member: bool,
        /// JSON array of specialties for the mentor profile library.
        pub specialties: String,
        /// `shared::org::Qualification` code.
        pub qualification: String,
        /// Login account, if any.
        pub user_id: Option<Uuid>,
        /// When created.
        pub created_at: DateTimeUtc,
    }

    /// No relations are navigated through the ORM.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// 任教: which staff teach which subject in which class.
pub mod teaching {
    use sea_orm::entity::prelude::*;

    /// A teaching row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "teaching")]
    pub struct Model {
        /// Id.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Tenant district.
        pub district_id: Uuid,
        /// Tenant school.
        pub school_id: Uuid,
        /// The teacher.
        pub staff_id: Uuid,
        /// The class.
        pub class_id: Uuid,
        /// Subject, e.g. 语文.
        pub subject: String,
    }

    /// No relations are navigated through the ORM.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// 学生.
pub mod student {
    use sea_orm::entity::prelude::*;

    /// A student row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "students")]
    pub struct Model {
        /// Id.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Tenant district.
        pub district_id: Uuid,
        /// Tenant school.
        pub school_id: Uuid,
        /// 学号, unique in the school.
        pub student_no: String,
        /// Name.
        pub name: String,
        /// 男 / 女.
        pub gender: String,
        /// Current class.
        pub class_id: Uuid,
        /// JSON array of `SpecialNeed` codes (sensitive).
        pub special_needs: String,
        /// JSON array of `FamilyFlag` codes (sensitive).
        pub family_flags: String,
        /// Lives in town (some schools visit only these at home each term).
        pub lives_in_town: bool,
        /// Login account, if any.
        pub user_id: Option<Uuid>,
        /// When created.
        pub created_at: DateTimeUtc,
        /// The China day the student joined the school when that was during
        /// the school year (a transfer); null: there from the start.
        pub joined_on: Option<Date>,
    }

    /// No relations are navigated through the ORM.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// 家长 / 监护人.
pub mod guardian {
    use sea_orm::entity::prelude::*;

    /// A guardian row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "guardians")]
    pub struct Model {
        /// Id.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Tenant district.
        pub district_id: Uuid,
        /// Tenant school.
        pub school_id: Uuid,
        /// Name.
        pub name: String,
        /// Mobile number, unique in the school (personal data).
        pub phone: String,
        /// Login account, if any.
        pub user_id: Option<Uuid>,
        /// When created.
        pub created_at: DateTimeUtc,
    }

    /// No relations are navigated through the ORM.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A guardian's link to a student.
pub mod student_guardian {
    use sea_orm::entity::prelude::*;

    /// A link row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "student_guardians")]
    pub struct Model {
        /// Id.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Tenant district.
        pub district_id: Uuid,
        /// Tenant school.
        pub school_id: Uuid,
        /// The student.
        pub student_id: Uuid,
        /// The guardian.
        pub guardian_id: Uuid,
        /// 父亲 / 母亲 / 祖父母 / 其他.
        pub relation: String,
    }

    /// No relations are navigated through the ORM.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A mentor–student pair over time (history kept: a change closes the old
/// pair with `ends_on` and opens a new one).
pub mod mentor_assignment {
    use sea_orm::entity::prelude::*;

    /// An assignment row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "mentor_assignments")]
    pub struct Model {
        /// Id.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Tenant district.
        pub district_id: Uuid,
        /// Tenant school.
        pub school_id: Uuid,
        /// The student.
        pub student_id: Uuid,
        /// The mentor (staff id).
        pub staff_id: Uuid,
        /// First day of the pair.
        pub starts_on: Date,
        /// Last day, when closed.
        pub ends_on: Option<Date>,
        /// How it was made (preference, fill, manual, …).
        pub stage: String,
        /// When created.
        pub created_at: DateTimeUtc,
    }

    /// No relations are navigated through the ORM.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

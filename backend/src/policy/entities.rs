//! sea-orm entities of the policy tables.

/// A saved version of a district baseline (`school_id` NULL) or a school policy.
pub mod policy_version {
    use sea_orm::entity::prelude::*;

    /// A policy version row (append-only).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "policy_versions")]
    pub struct Model {
        /// Id.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Tenant district.
        pub district_id: Uuid,
        /// The school; none for the district baseline.
        pub school_id: Option<Uuid>,
        /// Version number, 1 for the first.
        pub version: i32,
        /// Display name.
        pub name: String,
        /// The day it takes effect.
        pub effective_from: Date,
        /// The term it applies from, if named.
        pub term_id: Option<Uuid>,
        /// The preset it started from.
        pub preset_id: Option<String>,
        /// `shared::policy::PolicyRules` as JSON.
        pub rules: String,
        /// `Vec<shared::policy::Change>` as JSON: what changed from the previous version.
        pub diff: String,
        /// The user who saved it (none for seeded rows).
        pub created_by: Option<Uuid>,
        /// When saved.
        pub created_at: DateTimeUtc,
    }

    /// No relations are navigated through the ORM.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A dated event of a school's calendar (key exam, life event, other).
pub mod calendar_event {
    use sea_orm::entity::prelude::*;

    /// A calendar event row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "calendar_events")]
    pub struct Model {
        /// Id.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Tenant district.
        pub district_id: Uuid,
        /// Tenant school.
        pub school_id: Uuid,
        /// The term it falls in.
        pub term_id: Uuid,
        /// `shared::tasks::EventKind` code (`KEY_EXAM`, `LIFE_EVENT`, `OTHER`).
        pub kind: String,
        /// The day.
        pub occurs_on: Date,
        /// JSON array of grades (empty: every grade).
        pub grades: String,
        /// Display name.
        pub name: String,
        /// Who created it.
        pub created_by: Option<Uuid>,
        /// When created.
        pub created_at: DateTimeUtc,
    }

    /// No relations are navigated through the ORM.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

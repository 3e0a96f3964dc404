//! sea-orm entities of the insight tables.

/// One pre-aggregated row: a school's indicators in a term on a day, for
/// one scope (`school`, `grade`, `class` or `mentor`) and key.
pub mod insight_day {
    use sea_orm::entity::prelude::*;

    /// An insight row (counts only; no names).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "insight_days")]
    pub struct Model {
        /// Row id.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Tenant district.
        pub district_id: Uuid,
        /// Tenant school.
        pub school_id: Uuid,
        /// The term the figures are of.
        pub term_id: Uuid,
        /// The day judged.
        pub day: Date,
        /// `school`, `grade`, `class` or `mentor`.
        pub scope: String,
        /// The grade, class id or staff id; empty for `school`.
        pub scope_key: String,
        /// The school's stage code (`primary`, `middle`, `high`).
        pub stage: String,
        /// Students in scope.
        pub students: i32,
        /// Of those, with a mentor on the day.
        pub matched: i32,
        /// Mentors holding students on the day.
        pub mentors: i32,
        /// Mentors holding more students than the policy's cap.
        pub mentors_over_cap: i32,
        /// The largest load.
        pub max_load: i32,
        /// The policy's cap (students per mentor; 0 without a policy).
        pub load_cap: i32,
        /// `shared::tasks::StatusCounts` as JSON.
        pub tasks: String,
        /// Students with nothing overdue, whole percent.
        pub on_track_percent: Option<i32>,
        /// Students the task engine judged.
        pub task_students: i32,
        /// Of those, with nothing overdue.
        pub task_on_track: i32,
        /// Growth messages of the term written (any status).
        pub messages_written: i32,
        /// Of those, reviewed or published.
        pub messages_reviewed: i32,
        /// Of those, published.
        pub messages_published: i32,
        /// Home visits and parent contacts of the term so far.
        pub contacts: i32,
        /// Of those, face to face (in person or at home).
        pub contacts_face: i32,
        /// Care cases open on the day.
        pub care_open: i32,
        /// Cases of the term acknowledged.
        pub care_acknowledged: i32,
        /// Their summed minutes from opening to acknowledgement.
        pub care_ack_minutes: i64,
        /// Mentors appointed (聘任).
        pub mentors_appointed: i32,
        /// Mentors not yet appointed (untrained, in training, on probation, deferred).
        pub mentors_training: i32,
        /// When computed.
        pub computed_at: DateTimeUtc,
    }

    /// No relations are navigated through the ORM.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The district's review of one version of a school's plan (备案).
pub mod plan_review {
    use sea_orm::entity::prelude::*;

    /// A review row (append-only; the newest per version is its status).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "plan_reviews")]
    pub struct Model {
        /// Row id.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Tenant district.
        pub district_id: Uuid,
        /// The school whose plan it is.
        pub school_id: Uuid,
        /// The policy version reviewed.
        pub policy_version_id: Uuid,
        /// `reviewed` or `returned`.
        pub status: String,
        /// The district's comment (required when returned).
        pub comment: String,
        /// The reviewing user.
        pub reviewed_by: Uuid,
        /// When.
        pub reviewed_at: DateTimeUtc,
    }

    /// No relations are navigated through the ORM.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

//! sea-orm entities of the lifecycle tables.

/// One change of a teacher's standing (培训 → 试用期 → 聘任 / 暂缓).
pub mod qualification_step {
    use sea_orm::entity::prelude::*;

    /// A step row (never updated or deleted).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "qualification_steps")]
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
        /// The day it took effect.
        pub on_date: Date,
        /// `Qualification` code before.
        pub from_q: String,
        /// `Qualification` code after.
        pub to_q: String,
        /// Why (may be empty except for a deferral).
        pub reason: String,
        /// The user who decided.
        pub decided_by: Uuid,
        /// When recorded.
        pub created_at: DateTimeUtc,
    }

    /// No relations are navigated through the ORM.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// One school's assessment of a term.
pub mod assessment_run {
    use sea_orm::entity::prelude::*;

    /// A run row; the district reads published ones (counts only).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "assessment_runs")]
    pub struct Model {
        /// Id.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Tenant district.
        pub district_id: Uuid,
        /// Tenant school.
        pub school_id: Uuid,
        /// The term assessed.
        pub term_id: Uuid,
        /// `draft` or `published`.
        pub status: String,
        /// JSON of the `AssessmentScheme` applied.
        pub scheme: String,
        /// 优秀 count (kept current with adjustments).
        pub excellent: i32,
        /// 合格 count.
        pub qualified: i32,
        /// 待改善 count.
        pub needs_improvement: i32,
        /// The admin who ran it last.
        pub run_by: Uuid,
        /// When it ran last.
        pub run_at: DateTimeUtc,
        /// Who published it.
        pub published_by: Option<Uuid>,
        /// When it was published.
        pub published_at: Option<DateTimeUtc>,
    }

    /// No relations are navigated through the ORM.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// One mentor's result in a run.
pub mod assessment_result {
    use sea_orm::entity::prelude::*;

    /// A result row: the school admin sees all; the mentor their own once
    /// published.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "assessment_results")]
    pub struct Model {
        /// Id.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Tenant district.
        pub district_id: Uuid,
        /// Tenant school.
        pub school_id: Uuid,
        /// The run.
        pub run_id: Uuid,
        /// The term.
        pub term_id: Uuid,
        /// The mentor.
        pub staff_id: Uuid,
        /// Weighted total in ‰.
        pub score: i32,
        /// `Rating` code the scheme gave.
        pub computed_rating: String,
        /// `Rating` code in force (after any adjustment).
        pub rating: String,
        /// JSON of `Vec<IndicatorValue>`.
        pub indicators: String,
        /// Why the computed rating.
        pub reason: String,
        /// Who adjusted it.
        pub adjusted_by: Option<Uuid>,
        /// Why it was adjusted.
        pub adjust_reason: Option<String>,
        /// When it was adjusted.
        pub adjusted_at: Option<DateTimeUtc>,
    }

    /// No relations are navigated through the ORM.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A reviewer's view of a mentor in a term.
pub mod mentor_review {
    use sea_orm::entity::prelude::*;

    /// A view; unique per term, mentor, reviewer and role.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "mentor_reviews")]
    pub struct Model {
        /// Id.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Tenant district.
        pub district_id: Uuid,
        /// Tenant school.
        pub school_id: Uuid,
        /// The term.
        pub term_id: Uuid,
        /// The mentor reviewed (staff id).
        pub staff_id: Uuid,
        /// The reviewer (user id).
        pub reviewer_id: Uuid,
        /// `shared::mentor_assessment::review::ReviewerRole` code.
        pub role: String,
        /// 1–5.
        pub score: i32,
        /// A short comment.
        pub comment: String,
        /// Last saved.
        pub updated_at: DateTimeUtc,
    }

    /// No relations are navigated through the ORM.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A training course.
pub mod training_course {
    use sea_orm::entity::prelude::*;

    /// A course row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "training_courses")]
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
        /// `shared::mentor_assessment::training::Provider` code.
        pub provider: String,
        /// `shared::mentor_assessment::training::Cadence` code.
        pub cadence: String,
        /// Required of mentors.
        pub required: bool,
        /// Sessions to attend when required.
        pub sessions_required: i32,
        /// The admin who added it.
        pub created_by: Uuid,
        /// When.
        pub created_at: DateTimeUtc,
    }

    /// No relations are navigated through the ORM.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// One meeting of a course.
pub mod training_session {
    use sea_orm::entity::prelude::*;

    /// A session row; unique per course and day.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "training_sessions")]
    pub struct Model {
        /// Id.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Tenant district.
        pub district_id: Uuid,
        /// Tenant school.
        pub school_id: Uuid,
        /// The course.
        pub course_id: Uuid,
        /// The day.
        pub on_date: Date,
        /// What it was about.
        pub topic: String,
    }

    /// No relations are navigated through the ORM.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A teacher present at a session.
pub mod training_attendance {
    use sea_orm::entity::prelude::*;

    /// An attendance row; unique per session and teacher.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "training_attendance")]
    pub struct Model {
        /// Id.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Tenant district.
        pub district_id: Uuid,
        /// Tenant school.
        pub school_id: Uuid,
        /// The session.
        pub session_id: Uuid,
        /// Its course.
        pub course_id: Uuid,
        /// The teacher (staff id).
        pub staff_id: Uuid,
        /// The session's day.
        pub on_date: Date,
        /// Who recorded it.
        pub recorded_by: Uuid,
        /// When.
        pub recorded_at: DateTimeUtc,
    }

    /// No relations are navigated through the ORM.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

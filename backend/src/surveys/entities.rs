//! sea-orm entities of the survey tables.

/// A questionnaire.
pub mod survey {
    use sea_orm::entity::prelude::*;

    /// A survey row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "surveys")]
    pub struct Model {
        /// Id.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Tenant district.
        pub district_id: Uuid,
        /// Tenant school.
        pub school_id: Uuid,
        /// Title.
        pub title: String,
        /// `shared::survey::Audience` code.
        pub audience: String,
        /// Answers keep no link to the respondent.
        pub anonymous: bool,
        /// JSON of `Vec<shared::survey::Question>`.
        pub questions: String,
        /// `open` or `closed`.
        pub status: String,
        /// The term whose assessment its mentor questions feed.
        pub term_id: Uuid,
        /// The admin who built it.
        pub created_by: Uuid,
        /// When.
        pub created_at: DateTimeUtc,
    }

    /// No relations are navigated through the ORM.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// That a respondent has answered (nothing about what).
pub mod submission {
    use sea_orm::entity::prelude::*;

    /// A submission mark; unique per survey and respondent.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "survey_submissions")]
    pub struct Model {
        /// Id.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Tenant district.
        pub district_id: Uuid,
        /// Tenant school.
        pub school_id: Uuid,
        /// The survey.
        pub survey_id: Uuid,
        /// The user who answered.
        pub respondent_id: Uuid,
    }

    /// No relations are navigated through the ORM.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// One response's answers.
pub mod answer {
    use sea_orm::entity::prelude::*;

    /// An answers row: no time; the respondent only if not anonymous.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "survey_answers")]
    pub struct Model {
        /// Id.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Tenant district.
        pub district_id: Uuid,
        /// Tenant school.
        pub school_id: Uuid,
        /// The survey.
        pub survey_id: Uuid,
        /// The user who answered; always null for an anonymous survey.
        pub respondent_id: Option<Uuid>,
        /// The mentor the mentor questions were about.
        pub mentor_id: Option<Uuid>,
        /// JSON of `Vec<shared::survey::Answer>`.
        pub answers: String,
    }

    /// No relations are navigated through the ORM.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The answers about one mentor in one survey, as a tally.
pub mod mentor_view {
    use sea_orm::entity::prelude::*;

    /// A tally row; unique per survey and mentor.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "survey_mentor_views")]
    pub struct Model {
        /// Id.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Tenant district.
        pub district_id: Uuid,
        /// Tenant school.
        pub school_id: Uuid,
        /// The survey.
        pub survey_id: Uuid,
        /// The mentor asked about.
        pub mentor_id: Uuid,
        /// People who answered about the mentor.
        pub respondents: i32,
        /// Their 1–5 answers.
        pub answers: i32,
        /// The sum of those answers.
        pub total: i32,
    }

    /// No relations are navigated through the ORM.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

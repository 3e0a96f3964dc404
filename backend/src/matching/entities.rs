//! sea-orm entities of the matching tables.
/// A matching round per school × term × grade.
pub mod round {
    use sea_orm::entity::prelude::*;

    /// A row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "matching_rounds")]
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
        /// The grade.
        pub grade: i32,
        /// `RoundMethod` code.
        pub method: String,
        /// The cap per mentor for this round.
        pub cap: i32,
        /// open / previewed / published.
        pub status: String,
        /// When choices open.
        pub opens_at: Option<DateTimeUtc>,
        /// When choices close.
        pub closes_at: Option<DateTimeUtc>,
        /// Seed of the last preview.
        pub seed: Option<i64>,
        /// JSON statistics of the last preview.
        pub stats: Option<String>,
        /// The admin who opened it (user id).
        pub created_by: Uuid,
        /// When opened.
        pub created_at: DateTimeUtc,
        /// When published.
        pub published_at: Option<DateTimeUtc>,
    }

    /// No relations are navigated through the ORM.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A student's ranked choice (志愿).
pub mod choice {
    use sea_orm::entity::prelude::*;

    /// A row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "matching_choices")]
    pub struct Model {
        /// Id.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Tenant district.
        pub district_id: Uuid,
        /// Tenant school.
        pub school_id: Uuid,
        /// The round.
        pub round_id: Uuid,
        /// The student.
        pub student_id: Uuid,
        /// The chosen mentor.
        pub staff_id: Uuid,
        /// 1 = first choice.
        pub position: i32,
    }

    /// No relations are navigated through the ORM.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A mentor's preference for a student (two-way rounds).
pub mod mentor_pref {
    use sea_orm::entity::prelude::*;

    /// A row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "matching_mentor_prefs")]
    pub struct Model {
        /// Id.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Tenant district.
        pub district_id: Uuid,
        /// Tenant school.
        pub school_id: Uuid,
        /// The round.
        pub round_id: Uuid,
        /// The mentor.
        pub staff_id: Uuid,
        /// The student.
        pub student_id: Uuid,
        /// 1 = most preferred.
        pub position: i32,
    }

    /// No relations are navigated through the ORM.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// One student's line of a round's preview.
pub mod result {
    use sea_orm::entity::prelude::*;

    /// A row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "matching_results")]
    pub struct Model {
        /// Id.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Tenant district.
        pub district_id: Uuid,
        /// Tenant school.
        pub school_id: Uuid,
        /// The round.
        pub round_id: Uuid,
        /// The student.
        pub student_id: Uuid,
        /// The mentor; none when unplaced.
        pub staff_id: Option<Uuid>,
        /// `shared::matching::Stage` code.
        pub stage: Option<String>,
        /// Which of the student's own choices (1 = first).
        pub choice_no: Option<i32>,
        /// One line in Chinese.
        pub why: String,
    }

    /// No relations are navigated through the ORM.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A mentor's places in a self-selection rush.
pub mod rush_quota {
    use sea_orm::entity::prelude::*;

    /// A row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "rush_quotas")]
    pub struct Model {
        /// Id.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Tenant district.
        pub district_id: Uuid,
        /// Tenant school.
        pub school_id: Uuid,
        /// The round.
        pub round_id: Uuid,
        /// The mentor.
        pub staff_id: Uuid,
        /// Places.
        pub quota: i32,
        /// Places taken.
        pub taken: i32,
    }

    /// No relations are navigated through the ORM.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A place taken in a self-selection rush (one per student and round).
pub mod rush_place {
    use sea_orm::entity::prelude::*;

    /// A row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "rush_places")]
    pub struct Model {
        /// Id.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Tenant district.
        pub district_id: Uuid,
        /// Tenant school.
        pub school_id: Uuid,
        /// The round.
        pub round_id: Uuid,
        /// The student.
        pub student_id: Uuid,
        /// The mentor.
        pub staff_id: Uuid,
        /// When taken.
        pub created_at: DateTimeUtc,
    }

    /// No relations are navigated through the ORM.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A head teacher's application for a mentor team (导师团).
pub mod team_application {
    use sea_orm::entity::prelude::*;

    /// A row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "mentor_team_applications")]
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
        /// The head teacher (staff id).
        pub applied_by: Uuid,
        /// The written reason (sensitive).
        pub reason: String,
        /// JSON array of proposed staff ids.
        pub proposed_ids: String,
        /// pending / approved / rejected.
        pub status: String,
        /// The deciding admin (user id).
        pub decided_by: Option<Uuid>,
        /// The decision note.
        pub note: Option<String>,
        /// When filed.
        pub created_at: DateTimeUtc,
        /// When decided.
        pub decided_at: Option<DateTimeUtc>,
    }

    /// No relations are navigated through the ORM.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A member of an approved mentor team.
pub mod team_member {
    use sea_orm::entity::prelude::*;

    /// A row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "mentor_team_members")]
    pub struct Model {
        /// Id.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Tenant district.
        pub district_id: Uuid,
        /// Tenant school.
        pub school_id: Uuid,
        /// The approved application.
        pub application_id: Uuid,
        /// The student.
        pub student_id: Uuid,
        /// The member.
        pub staff_id: Uuid,
        /// The lead mentor.
        pub lead: bool,
        /// When added.
        pub created_at: DateTimeUtc,
    }

    /// No relations are navigated through the ORM.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

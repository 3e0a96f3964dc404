//! sea-orm entities of the care tables.

/// A concern that became a case.
pub mod case {
    use sea_orm::entity::prelude::*;

    /// A case row. Its details (what was seen, who else knows) are read
    /// only at the full tier (see `authz::care`).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "care_cases")]
    pub struct Model {
        /// Id.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Tenant district.
        pub district_id: Uuid,
        /// Tenant school.
        pub school_id: Uuid,
        /// The student the concern is about.
        pub student_id: Uuid,
        /// `shared::care::ConcernLevel` code.
        pub level: String,
        /// `shared::care::ConcernCategory` code.
        pub category: String,
        /// What was seen (confidential).
        pub seen: String,
        /// When it was seen.
        pub seen_at: DateTimeUtc,
        /// Who else knows (confidential).
        pub others_aware: String,
        /// The user who raised it.
        pub raised_by: Uuid,
        /// The raiser's idempotency key (offline raise, sent once).
        pub client_key: String,
        /// When the case was opened.
        pub opened_at: DateTimeUtc,
        /// JSON array of staff ids named on the case.
        pub participants: String,
        /// `shared::care::CaseStage` code.
        pub stage: String,
        /// First acknowledgement.
        pub acknowledged_at: Option<DateTimeUtc>,
        /// Who acknowledged first (user).
        pub acknowledged_by: Option<Uuid>,
        /// First assessment.
        pub assessed_at: Option<DateTimeUtc>,
        /// When the plan escalated it for want of an acknowledgement.
        pub escalated_at: Option<DateTimeUtc>,
        /// When it was closed.
        pub closed_at: Option<DateTimeUtc>,
    }

    /// No relations are navigated through the ORM.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// One step of a case's timeline (append-only).
pub mod event {
    use sea_orm::entity::prelude::*;

    /// A timeline row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "care_events")]
    pub struct Model {
        /// Id.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Tenant district.
        pub district_id: Uuid,
        /// Tenant school.
        pub school_id: Uuid,
        /// The case.
        pub case_id: Uuid,
        /// `care::timeline::EntryKind` code.
        pub kind: String,
        /// Who wrote it (none for the plan's own steps, e.g. escalation).
        pub author_user_id: Option<Uuid>,
        /// The author's staff record.
        pub author_staff_id: Option<Uuid>,
        /// JSON of the structured content.
        pub body: String,
        /// An action's owner (staff).
        pub owner_staff_id: Option<Uuid>,
        /// An action's due day.
        pub due_on: Option<Date>,
        /// The entry this one amends or completes.
        pub amends: Option<Uuid>,
        /// When written.
        pub created_at: DateTimeUtc,
    }

    /// No relations are navigated through the ORM.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// An in-app alert of the emergency plan to one person.
pub mod alert {
    use sea_orm::entity::prelude::*;

    /// An alert row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "care_alerts")]
    pub struct Model {
        /// Id.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Tenant district.
        pub district_id: Uuid,
        /// Tenant school.
        pub school_id: Uuid,
        /// The case.
        pub case_id: Uuid,
        /// Who is alerted (user).
        pub recipient_user_id: Uuid,
        /// The case's level when alerted.
        pub level: String,
        /// `raised` or `escalated`.
        pub reason: String,
        /// When.
        pub created_at: DateTimeUtc,
        /// When the recipient dismissed it.
        pub read_at: Option<DateTimeUtc>,
    }

    /// No relations are navigated through the ORM.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A case conference (个例会诊 / 导师会诊) on one or more cases.
pub mod conference {
    use sea_orm::entity::prelude::*;

    /// A conference row. Its agenda and summary are read only at the full
    /// tier of one of its cases (see `care::conferences`).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "care_conferences")]
    pub struct Model {
        /// Id.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Tenant district.
        pub district_id: Uuid,
        /// Tenant school.
        pub school_id: Uuid,
        /// When it takes place.
        pub scheduled_at: DateTimeUtc,
        /// What is to be discussed (confidential).
        pub agenda: String,
        /// JSON array of the cases discussed.
        pub case_ids: String,
        /// JSON array of the staff invited (they join the cases).
        pub participants: String,
        /// Who scheduled it (user).
        pub organiser_user_id: Uuid,
        /// Who scheduled it (staff).
        pub organiser_staff_id: Uuid,
        /// When it was scheduled.
        pub created_at: DateTimeUtc,
        /// The discussion (confidential), once recorded.
        pub summary: Option<String>,
        /// When the discussion was recorded.
        pub recorded_at: Option<DateTimeUtc>,
        /// Who recorded it (user).
        pub recorded_by: Option<Uuid>,
    }

    /// No relations are navigated through the ORM.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

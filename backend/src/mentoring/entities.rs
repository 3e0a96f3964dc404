//! sea-orm entities of the mentoring tables.

/// A recorded activity (talk, home visit, parent contact, …).
pub mod activity {
    use sea_orm::entity::prelude::*;

    /// An activity row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "activities")]
    pub struct Model {
        /// Id.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Tenant district.
        pub district_id: Uuid,
        /// Tenant school.
        pub school_id: Uuid,
        /// Client-generated idempotency key (unique per recording user).
        pub client_key: String,
        /// `shared::activity::ActivityKind` code.
        pub kind: String,
        /// The day it happened.
        pub occurred_on: Date,
        /// When it happened.
        pub occurred_at: DateTimeUtc,
        /// Where.
        pub place: Option<String>,
        /// `shared::activity::Channel` code.
        pub channel: String,
        /// `shared::activity::Trigger` code.
        pub trigger: Option<String>,
        /// JSON array of `GuidanceArea` codes.
        pub guidance_areas: String,
        /// The school menu's code for optional actions.
        pub optional_action: Option<String>,
        /// Private summary (mentors, head teacher, escalated counsellors only).
        pub summary: String,
        /// Follow-up to do.
        pub follow_up: Option<String>,
        /// When the follow-up is due.
        pub follow_up_due: Option<Date>,
        /// The mentor (staff) whose record it is.
        pub staff_id: Uuid,
        /// Joint with the head teacher (e.g. a joint home visit).
        pub with_head_teacher: bool,
        /// JSON array of co-mentor staff ids.
        pub co_staff_ids: String,
        /// The user who recorded it.
        pub recorded_by: Uuid,
        /// When recorded.
        pub created_at: DateTimeUtc,
    }

    /// No relations are navigated through the ORM.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A student involved in an activity.
pub mod activity_student {
    use sea_orm::entity::prelude::*;

    /// A link row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "activity_students")]
    pub struct Model {
        /// Id.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Tenant district.
        pub district_id: Uuid,
        /// Tenant school.
        pub school_id: Uuid,
        /// The activity.
        pub activity_id: Uuid,
        /// The student.
        pub student_id: Uuid,
    }

    /// No relations are navigated through the ORM.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// An amendment: the fields of an activity before a change.
pub mod activity_amendment {
    use sea_orm::entity::prelude::*;

    /// An amendment row (append-only).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "activity_amendments")]
    pub struct Model {
        /// Id.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Tenant district.
        pub district_id: Uuid,
        /// Tenant school.
        pub school_id: Uuid,
        /// The activity.
        pub activity_id: Uuid,
        /// JSON of the fields before the change.
        pub before: String,
        /// Why it changed.
        pub reason: Option<String>,
        /// Who changed it.
        pub amended_by: Uuid,
        /// When.
        pub amended_at: DateTimeUtc,
    }

    /// No relations are navigated through the ORM.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// 成长寄语: a mentor's term-end message to a student and the parents.
pub mod growth_message {
    use sea_orm::entity::prelude::*;

    /// A growth message row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "growth_messages")]
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
        /// The mentor who writes it (staff id).
        pub staff_id: Uuid,
        /// The term.
        pub term_id: Uuid,
        /// The message.
        pub body: String,
        /// JSON array of bright spots (闪光点).
        pub bright_spots: String,
        /// draft | submitted | reviewed | published.
        pub status: String,
        /// Reviewer (user id), when reviewed.
        pub reviewed_by: Option<Uuid>,
        /// The reviewer's comment (why it was returned, or a remark).
        pub review_comment: Option<String>,
        /// The day it was published.
        pub published_on: Option<Date>,
        /// When created.
        pub created_at: DateTimeUtc,
        /// When last changed.
        pub updated_at: DateTimeUtc,
    }

    /// No relations are navigated through the ORM.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A growth-file note (成长档案): one entry of one section.
pub mod growth_note {
    use sea_orm::entity::prelude::*;

    /// A note row (append-only).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "growth_file_notes")]
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
        /// `GrowthSection` code.
        pub section: String,
        /// For monthly observations: `YYYY-MM`.
        pub month: Option<String>,
        /// The text.
        pub body: String,
        /// Who wrote it (user id).
        pub written_by: Uuid,
        /// When.
        pub created_at: DateTimeUtc,
    }

    /// No relations are navigated through the ORM.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// One exam result of one student in one subject (shown only as a band).
pub mod exam_result {
    use sea_orm::entity::prelude::*;

    /// An exam result row.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "exam_results")]
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
        /// Subject.
        pub subject: String,
        /// Exam name, e.g. 期中考试.
        pub exam_name: String,
        /// The day of the exam.
        pub taken_on: Date,
        /// Raw score (never exposed).
        pub score: f64,
        /// Full marks.
        pub full_marks: f64,
        /// The mentor's analysis.
        pub analysis: Option<String>,
        /// Who recorded it (user id).
        pub recorded_by: Uuid,
        /// When.
        pub created_at: DateTimeUtc,
    }

    /// No relations are navigated through the ORM.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A parent's or student's request for a talk with the mentor.
pub mod talk_request {
    use sea_orm::entity::prelude::*;

    /// A request row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "talk_requests")]
    pub struct Model {
        /// Id.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Tenant district.
        pub district_id: Uuid,
        /// Tenant school.
        pub school_id: Uuid,
        /// The student it is about.
        pub student_id: Uuid,
        /// Who asked (user id).
        pub requested_by: Uuid,
        /// `parent` or `student`.
        pub requester_role: String,
        /// The request.
        pub message: String,
        /// `open` or `answered`.
        pub status: String,
        /// The mentor's answer.
        pub answer: Option<String>,
        /// Who answered (user id).
        pub answered_by: Option<Uuid>,
        /// When answered.
        pub answered_at: Option<DateTimeUtc>,
        /// When asked.
        pub created_at: DateTimeUtc,
        /// The thread after the first answer: a JSON list of
        /// [`TalkReply`](crate::mentoring::talks::TalkReply).
        pub replies: String,
    }

    /// No relations are navigated through the ORM.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The ids in a JSON id list column (e.g. `activities.co_staff_ids`); a
/// malformed list reads as empty.
pub fn parse_ids(json: &str) -> Vec<uuid::Uuid> {
    serde_json::from_str::<Vec<uuid::Uuid>>(json).unwrap_or_default()
}

//! sea-orm entities of the generated files and the awards.

/// A generated file (xlsx or PDF) and the progress of its job.
pub mod paper_file {
    use sea_orm::entity::prelude::*;

    /// A file row. `body` is read only to serve it to its requester.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "paper_files")]
    pub struct Model {
        /// Id.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Tenant district.
        pub district_id: Uuid,
        /// Tenant school.
        pub school_id: Uuid,
        /// The user who asked for it (the only one it is served to).
        pub requested_by: Uuid,
        /// JSON `{roles, grades}` of the requester when asked: the job
        /// builds the file with exactly the requester's rights.
        pub requester: String,
        /// `PaperKind` code.
        pub kind: String,
        /// JSON `{subject, term}` ids.
        pub params: String,
        /// Suggested file name.
        pub filename: String,
        /// MIME type.
        pub content_type: String,
        /// `queued`, `running`, `done` or `failed`.
        pub status: String,
        /// 0–100.
        pub progress: i32,
        /// Why it failed (shown to the requester; no personal data).
        pub error: Option<String>,
        /// The bytes, once done.
        #[sea_orm(column_type = "Blob", nullable)]
        pub body: Option<Vec<u8>>,
        /// Bytes in `body`.
        pub size: i32,
        /// When asked.
        pub created_at: DateTimeUtc,
        /// When done or failed.
        pub finished_at: Option<DateTimeUtc>,
        /// Not served after this.
        pub expires_at: DateTimeUtc,
    }

    /// No relations are navigated through the ORM.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A 优秀导师 nomination (published with the school's list).
pub mod mentor_award {
    use sea_orm::entity::prelude::*;

    /// An award row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "mentor_awards")]
    pub struct Model {
        /// Id.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Tenant district.
        pub district_id: Uuid,
        /// Tenant school.
        pub school_id: Uuid,
        /// The term of the assessment.
        pub term_id: Uuid,
        /// The published assessment run it comes from.
        pub run_id: Uuid,
        /// The mentor (staff).
        pub staff_id: Uuid,
        /// The short citation printed on the certificate.
        pub citation: String,
        /// The user who nominated.
        pub nominated_by: Uuid,
        /// When nominated.
        pub nominated_at: DateTimeUtc,
        /// When the school published its list (none: a draft nomination).
        pub published_at: Option<DateTimeUtc>,
    }

    /// No relations are navigated through the ORM.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

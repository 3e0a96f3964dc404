//! sea-orm entities of accounts, role grants and refresh tokens.

/// A login account. Usernames are unique across the platform.
pub mod user {
    use sea_orm::entity::prelude::*;

    /// A user row. Deliberately not `Serialize`: it holds the password hash.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "users")]
    pub struct Model {
        /// Id.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Platform-unique login name.
        pub username: String,
        /// argon2 PHC string.
        pub password_hash: String,
        /// Name shown in the UI.
        pub display_name: String,
        /// Home district.
        pub district_id: Option<Uuid>,
        /// Home school (none for district staff).
        pub school_id: Option<Uuid>,
        /// Disabled accounts cannot log in.
        pub active: bool,
        /// When created.
        pub created_at: DateTimeUtc,
        /// Bumped on deactivation, password reset and password change:
        /// tokens issued under an older version are refused.
        pub token_version: i32,
        /// Set by a one-time password: the next session may only change it.
        pub must_change_password: bool,
    }

    /// No relations are navigated through the ORM.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A role a user holds, in a district and (below district level) a school.
pub mod role_grant {
    use sea_orm::entity::prelude::*;

    /// A grant row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "role_grants")]
    pub struct Model {
        /// Id.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The user.
        pub user_id: Uuid,
        /// `shared::org::Role` code.
        pub role: String,
        /// Tenant district.
        pub district_id: Uuid,
        /// Tenant school, none for district roles.
        pub school_id: Option<Uuid>,
        /// For grade leaders: the grade they lead.
        pub grade: Option<i32>,
        /// When granted.
        pub created_at: DateTimeUtc,
    }

    /// No relations are navigated through the ORM.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Refresh tokens when no Redis is configured.
pub mod refresh_token {
    use sea_orm::entity::prelude::*;

    /// A token row; only a hash of the secret is stored.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "refresh_tokens")]
    pub struct Model {
        /// Token id (public part of the token).
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Owner.
        pub user_id: Uuid,
        /// Rotation family: reuse of any used token revokes all of it.
        pub family_id: Uuid,
        /// SHA-256 of the secret, hex.
        pub token_hash: String,
        /// Expiry.
        pub expires_at: DateTimeUtc,
        /// Set when rotated.
        pub used_at: Option<DateTimeUtc>,
        /// Set when revoked (logout or reuse).
        pub revoked_at: Option<DateTimeUtc>,
        /// When issued.
        pub created_at: DateTimeUtc,
        /// The user's token version when issued (an older one is refused).
        pub user_version: i32,
    }

    /// No relations are navigated through the ORM.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

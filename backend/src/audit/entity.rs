//! The audit log entity: append-only.

use sea_orm::entity::prelude::*;

/// An audit record: who did or read what, when, and why.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    /// Id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Tenant district.
    pub district_id: Option<Uuid>,
    /// Tenant school.
    pub school_id: Option<Uuid>,
    /// Who.
    pub actor_user_id: Option<Uuid>,
    /// Acting as which role(s).
    pub actor_role: String,
    /// What, e.g. `student.sensitive.read`.
    pub action: String,
    /// Kind of record.
    pub subject_type: String,
    /// Which record.
    pub subject_id: Option<Uuid>,
    /// Why (e.g. a manual change's reason).
    pub reason: Option<String>,
    /// When.
    pub at: DateTimeUtc,
}

/// No relations are navigated through the ORM.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

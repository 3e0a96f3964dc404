//! Per-user notification preferences (issue 14): for each kind of notice,
//! whether it goes to the inbox and to the user's phones (Web Push). No
//! row means both on. Care alerts always reach the inbox (the emergency
//! plan counts on them); their push may be turned off.

use chrono::Utc;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::tenancy::Ctx;

/// The entity.
pub mod entity {
    use sea_orm::entity::prelude::*;

    /// One user's choice for one kind.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "notify_prefs")]
    #[expect(
        missing_docs,
        reason = "columns are described in the migration m20261221_000001_notify_prefs"
    )]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub district_id: Uuid,
        pub school_id: Uuid,
        pub user_id: Uuid,
        pub kind: String,
        pub inbox: bool,
        pub push: bool,
        pub updated_at: DateTimeUtc,
    }

    /// No relations are navigated through the ORM.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A kind of notice as the settings screen lists it.
#[derive(Debug, Clone, Copy)]
pub struct Kind {
    /// Code (the inbox item's `kind`).
    pub code: &'static str,
    /// Label.
    pub label_zh: &'static str,
    /// The inbox cannot be turned off.
    pub inbox_locked: bool,
}

/// Every kind of notice.
pub const KINDS: &[Kind] = &[
    Kind {
        code: "task_digest",
        label_zh: "导师任务提醒",
        inbox_locked: false,
    },
    Kind {
        code: "talk_request",
        label_zh: "谈心预约",
        inbox_locked: false,
    },
    Kind {
        code: "talk_answered",
        label_zh: "谈心预约答复",
        inbox_locked: false,
    },
    Kind {
        code: "growth_message",
        label_zh: "成长寄语",
        inbox_locked: false,
    },
    Kind {
        code: "matching_result",
        label_zh: "导师匹配结果",
        inbox_locked: false,
    },
    Kind {
        code: "survey_opened",
        label_zh: "问卷",
        inbox_locked: false,
    },
    Kind {
        code: "assessment_published",
        label_zh: "导师考核结果",
        inbox_locked: false,
    },
    Kind {
        code: "care_alert",
        label_zh: "关爱预警",
        inbox_locked: true,
    },
];

fn kind(code: &str) -> ApiResult<&'static Kind> {
    KINDS
        .iter()
        .find(|k| k.code == code)
        .ok_or_else(|| ApiError::invalid("kind", "没有这种消息类型"))
}

/// A user's channels for one kind: `(inbox, push)`.
pub async fn channels<C: ConnectionTrait>(
    conn: &C,
    school: Uuid,
    user: Uuid,
    code: &str,
) -> ApiResult<(bool, bool)> {
    let row = entity::Entity::find()
        .filter(entity::Column::SchoolId.eq(school))
        .filter(entity::Column::UserId.eq(user))
        .filter(entity::Column::Kind.eq(code))
        .one(conn)
        .await?;
    let locked = KINDS.iter().any(|k| k.code == code && k.inbox_locked);
    Ok(row.map_or((true, true), |r| (r.inbox || locked, r.push)))
}

/// The caller's choices for every kind: `(kind, inbox, push)`. District
/// staff have no school inbox: empty.
pub async fn mine(ctx: &Ctx) -> ApiResult<Vec<(Kind, bool, bool)>> {
    let caller = ctx.caller()?;
    let Some(school) = caller.school_id else {
        return Ok(vec![]);
    };
    let rows = entity::Entity::find()
        .filter(entity::Column::SchoolId.eq(school))
        .filter(entity::Column::UserId.eq(caller.user_id))
        .all(ctx.db())
        .await?;
    Ok(KINDS
        .iter()
        .map(|k| {
            let r = rows.iter().find(|r| r.kind == k.code);
            (
                *k,
                r.is_none_or(|r| r.inbox) || k.inbox_locked,
                r.is_none_or(|r| r.push),
            )
        })
        .collect())
}

/// Sets the caller's channels for one kind (turning a locked inbox off is
/// refused, changing nothing).
pub async fn set(ctx: &Ctx, code: &str, inbox: bool, push: bool) -> ApiResult<(Kind, bool, bool)> {
    let caller = ctx.caller()?;
    let Some(school) = caller.school_id else {
        return Err(ApiError::forbidden("区级账号没有学校消息"));
    };
    let k = kind(code)?;
    if k.inbox_locked && !inbox {
        return Err(ApiError::invalid(
            "inbox",
            format!("“{}”必须送达站内消息，不能关闭", k.label_zh),
        ));
    }
    let existing = entity::Entity::find()
        .filter(entity::Column::SchoolId.eq(school))
        .filter(entity::Column::UserId.eq(caller.user_id))
        .filter(entity::Column::Kind.eq(k.code))
        .one(ctx.db())
        .await?;
    let am = entity::ActiveModel {
        id: Set(existing.as_ref().map_or_else(Uuid::new_v4, |e| e.id)),
        district_id: Set(caller.district_id),
        school_id: Set(school),
        user_id: Set(caller.user_id),
        kind: Set(k.code.into()),
        inbox: Set(inbox),
        push: Set(push),
        updated_at: Set(Utc::now()),
    };
    if existing.is_some() {
        entity::Entity::update(am).exec(ctx.db()).await?;
    } else {
        entity::Entity::insert(am)
            .exec_without_returning(ctx.db())
            .await?;
    }
    Ok((*k, inbox, push))
}

//! The inbox's GraphQL: one's own notices, the unread count for the badge,
//! marking read. Every signed-in user with a school has an inbox.

use async_graphql::{Context, ID, MergedObject, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::entity as inbox;
use super::service;
use crate::graphql::context::{GqlResult, ctx_of, id, parse_id};

/// A notice in the caller's inbox.
#[derive(SimpleObject)]
pub struct InboxItem {
    /// The notice.
    pub id: ID,
    /// `task_digest`, `talk_request`, `talk_answered`.
    pub kind: String,
    /// Short title.
    pub title: String,
    /// Text: counts and fixed phrases, never another person's child's name.
    pub body: String,
    /// In-app path of the thing itself.
    pub link: String,
    /// Delivered at.
    pub created_at: DateTime<Utc>,
    /// Whether the caller has read it.
    pub read: bool,
}

impl From<inbox::Model> for InboxItem {
    fn from(m: inbox::Model) -> Self {
        InboxItem {
            id: id(m.id),
            kind: m.kind,
            title: m.title,
            body: m.body,
            link: m.link,
            created_at: m.created_at,
            read: m.read_at.is_some(),
        }
    }
}

/// The caller's latest notices and how many are unread.
#[derive(SimpleObject)]
pub struct Inbox {
    /// Newest first.
    pub items: Vec<InboxItem>,
    /// Unread notices (all, not only those listed).
    pub unread_count: u64,
}

/// Notification queries: the inbox, the dead-letter page.
#[derive(MergedObject, Default)]
pub struct NotifyQuery(
    InboxQuery,
    super::graphql_prefs::PrefsQuery,
    super::graphql_robots::RobotsQuery,
    crate::jobs::graphql::JobsQuery,
);

/// Notification mutations.
#[derive(MergedObject, Default)]
pub struct NotifyMutation(
    InboxMutation,
    super::graphql_prefs::PrefsMutation,
    super::graphql_robots::RobotsMutation,
    crate::jobs::graphql::JobsMutation,
);

/// Inbox queries.
#[derive(Default)]
pub struct InboxQuery;

#[Object]
impl InboxQuery {
    /// The caller's latest notices (`first`: 1–100, default 50).
    async fn inbox(&self, cx: &Context<'_>, first: Option<i32>) -> GqlResult<Inbox> {
        let ctx = ctx_of(cx)?;
        let first = u64::try_from(first.unwrap_or(50)).unwrap_or(0);
        let (items, unread_count) = service::inbox(ctx, first).await?;
        Ok(Inbox {
            items: items.into_iter().map(InboxItem::from).collect(),
            unread_count,
        })
    }

    /// The caller's unread notices (the navigation badge).
    async fn unread_count(&self, cx: &Context<'_>) -> GqlResult<u64> {
        Ok(service::unread_count(ctx_of(cx)?).await?)
    }
}

/// Inbox mutations.
#[derive(Default)]
pub struct InboxMutation;

#[Object]
impl InboxMutation {
    /// Marks one of the caller's notices read.
    async fn mark_inbox_read(&self, cx: &Context<'_>, id: ID) -> GqlResult<InboxItem> {
        let ctx = ctx_of(cx)?;
        Ok(service::mark_read(ctx, parse_id(&id, "消息")?)
            .await?
            .into())
    }

    /// Marks all of the caller's notices read; returns how many changed.
    async fn mark_all_inbox_read(&self, cx: &Context<'_>) -> GqlResult<u64> {
        Ok(service::mark_all_read(ctx_of(cx)?).await?)
    }
}

//! The settings screen's GraphQL (issue 14): per-kind channels, the
//! caller's push devices, the server's VAPID key and the school's quiet
//! hours.

use async_graphql::{Context, Object, SimpleObject};

use super::{prefs, push};
use crate::graphql::context::{GqlResult, ctx_of, state_of};
use shared::org::Role;

/// One kind of notice and the caller's channels for it.
#[derive(SimpleObject)]
pub struct NotifyPreference {
    /// The kind (an inbox item's `kind`).
    pub kind: String,
    /// Its label.
    pub label: String,
    /// Delivered to the inbox.
    pub inbox: bool,
    /// Pushed to the caller's phones.
    pub push: bool,
    /// The inbox cannot be turned off for this kind.
    pub inbox_locked: bool,
}

impl From<(prefs::Kind, bool, bool)> for NotifyPreference {
    fn from((k, inbox, push): (prefs::Kind, bool, bool)) -> Self {
        NotifyPreference {
            kind: k.code.into(),
            label: k.label_zh.into(),
            inbox,
            push,
            inbox_locked: k.inbox_locked,
        }
    }
}

/// Push set-up for the caller.
#[derive(SimpleObject)]
pub struct PushSettings {
    /// The server's VAPID public key (base64url) for
    /// `pushManager.subscribe`; none when pushes are not configured.
    pub vapid_public_key: Option<String>,
    /// The caller's subscribed devices.
    pub devices: u64,
    /// The school's quiet hours, when they apply to the caller (parents
    /// and students): first quiet hour.
    pub quiet_from_hour: Option<u32>,
    /// First hour pushes go out again.
    pub quiet_to_hour: Option<u32>,
}

/// Settings queries.
#[derive(Default)]
pub struct PrefsQuery;

#[Object]
impl PrefsQuery {
    /// The caller's channels per kind of notice.
    async fn notify_preferences(&self, cx: &Context<'_>) -> GqlResult<Vec<NotifyPreference>> {
        Ok(prefs::mine(ctx_of(cx)?)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// The caller's push set-up.
    async fn push_settings(&self, cx: &Context<'_>) -> GqlResult<PushSettings> {
        let ctx = ctx_of(cx)?;
        let state = state_of(cx)?;
        let caller = ctx.caller()?;
        let family = (caller.has(Role::Parent) || caller.has(Role::Student))
            && !caller
                .roles
                .iter()
                .any(|r| !matches!(r, Role::Parent | Role::Student));
        let quiet = match (family, caller.school_id) {
            (true, Some(school)) => Some(
                crate::policy::service::policy_on(
                    ctx,
                    caller.district_id,
                    school,
                    crate::clock::today(),
                )
                .await?
                .map(|e| e.version.rules.communication.quiet_hours)
                .unwrap_or_default(),
            ),
            _ => None,
        };
        Ok(PushSettings {
            vapid_public_key: state.push.vapid.as_ref().map(|v| v.public_key()),
            devices: push::device_count(ctx).await?,
            quiet_from_hour: quiet.map(|q| q.from_hour),
            quiet_to_hour: quiet.map(|q| q.to_hour),
        })
    }
}

/// Settings mutations.
#[derive(Default)]
pub struct PrefsMutation;

#[Object]
impl PrefsMutation {
    /// Sets the caller's channels for one kind of notice.
    async fn set_notify_preference(
        &self,
        cx: &Context<'_>,
        kind: String,
        inbox: bool,
        push: bool,
    ) -> GqlResult<NotifyPreference> {
        if kind.len() > 32 {
            return Err(crate::error::ApiError::invalid("kind", "没有这种消息类型").into());
        }
        Ok(prefs::set(ctx_of(cx)?, &kind, inbox, push).await?.into())
    }

    /// Subscribes this device to pushes (the service worker's
    /// `PushSubscription`: endpoint, `p256dh` and `auth` keys).
    async fn subscribe_push(
        &self,
        cx: &Context<'_>,
        endpoint: String,
        #[graphql(name = "p256dh")] p256dh: String,
        auth: String,
    ) -> GqlResult<bool> {
        let state = state_of(cx)?;
        Ok(push::subscribe(ctx_of(cx)?, &state.push, &endpoint, &p256dh, &auth).await?)
    }

    /// Unsubscribes this device.
    async fn unsubscribe_push(&self, cx: &Context<'_>, endpoint: String) -> GqlResult<bool> {
        Ok(push::unsubscribe(ctx_of(cx)?, &endpoint).await?)
    }
}

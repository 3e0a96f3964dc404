//! 消息: the signed-in user's inbox (task reminders, talk requests and
//! answers), with the unread badge in the header. Phone first.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

use crate::api;
use crate::i18n::use_i18n;
use crate::ops;
use crate::ui::{PageTitle, loaded};

/// The unread count shown in the header, shared with the inbox page (which
/// updates it when notices are marked read). `None` until fetched.
#[derive(Clone, Copy)]
pub struct Unread(pub RwSignal<Option<i64>>);

/// Provides the unread count to the signed-in shell.
pub fn provide_unread() {
    provide_context(Unread(RwSignal::new(None)));
}

fn unread() -> Option<Unread> {
    use_context::<Unread>()
}

/// Fetches the unread count into the shared signal (taken from the
/// context by the caller: an async task has no reactive owner to ask).
async fn refresh_unread(u: Option<Unread>) {
    if let (Some(u), Ok(d)) = (
        u,
        api::query::<ops::UnreadCount>(ops::unread_count::Variables).await,
    ) {
        u.0.set(Some(d.unread_count));
    }
}

/// The header's link to the inbox with the unread badge; refetched on
/// every navigation.
#[component]
pub fn InboxLink() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let shared = unread();
    let count = shared.map(|u| u.0);
    Effect::new(move |_| {
        location.pathname.track();
        leptos::task::spawn_local(refresh_unread(shared));
    });
    // Notices arrive without navigation too (reminders, talk requests).
    if let Ok(h) = set_interval_with_handle(
        move || leptos::task::spawn_local(refresh_unread(shared)),
        std::time::Duration::from_secs(60),
    ) {
        on_cleanup(move || h.clear());
    }
    let n = move || count.and_then(|c| c.get()).unwrap_or(0);
    view! {
        <A
            href="/inbox"
            attr:id="inbox-link"
            attr:class="btn ghost inbox-link"
            attr:aria-label=move || (i18n.t().notify.inbox_unread_label)(&i18n.num(n()))
        >
            {move || i18n.t().notify.inbox_link}
            {move || {
                (n() > 0)
                    .then(|| view! { <span class="badge" id="inbox-badge">{i18n.num(n())}</span> })
            }}
        </A>
    }
}

/// The inbox: newest first, unread marked, each with its link and a
/// mark-read button.
#[component]
pub fn InboxPage() -> impl IntoView {
    let i18n = use_i18n();
    let shared = unread();
    let items = LocalResource::new(|| async {
        api::query::<ops::Inbox>(ops::inbox::Variables)
            .await
            .map(|d| d.inbox)
    });
    let mark = Action::new_local(move |id: &Option<String>| {
        let id = id.clone();
        async move {
            let r = match id {
                Some(id) => {
                    api::query::<ops::MarkInboxRead>(ops::mark_inbox_read::Variables { id })
                        .await
                        .map(|_| ())
                }
                None => api::query::<ops::MarkAllInboxRead>(ops::mark_all_inbox_read::Variables)
                    .await
                    .map(|_| ()),
            };
            if r.is_ok() {
                items.refetch();
                refresh_unread(shared).await;
            }
            r
        }
    });
    let failed = move || {
        mark.value()
            .get()
            .and_then(Result::err)
            .map(|e| view! { <p class="error" role="alert">{move || e.message(i18n.t())}</p> })
    };
    view! {
        <PageTitle title=|t| t.notify.inbox_title/>
        <p>
            <A href="/settings/notifications" attr:id="notify-settings-link" attr:class="btn ghost">
                {move || i18n.t().notify.settings_link}
            </A>
        </p>
        {failed}
        {loaded(items, move |inbox| {
            let unread = inbox.unread_count;
            if inbox.items.is_empty() {
                return view! { <p class="muted" id="inbox-empty">{move || i18n.t().notify.inbox_empty}</p> }
                    .into_any();
            }
            view! {
                <div class="row">
                    <p class="summary" id="inbox-summary">
                        {move || (i18n.t().notify.inbox_unread_summary)(&i18n.num(unread))}
                    </p>
                    {(unread > 0).then(|| view! {
                        <button
                            type="button"
                            class="btn secondary"
                            id="inbox-read-all"
                            disabled=move || mark.pending().get()
                            on:click=move |_| {
                                mark.dispatch(None);
                            }
                        >
                            {move || i18n.t().notify.mark_all_read}
                        </button>
                    })}
                </div>
                <ul class="list" id="inbox-list">
                    {inbox
                        .items
                        .into_iter()
                        .map(|item| {
                            let id = item.id.clone();
                            let class = if item.read { "item inbox-item read" } else { "item inbox-item unread" };
                            view! {
                                <li class=class data-kind=item.kind.clone() data-id=item.id.clone()>
                                    <div class="item-main">
                                        <span class="name">{item.title}</span>
                                        <span class="meta">{item.body}</span>
                                        <A href=item.link attr:class="btn ghost">{move || i18n.t().notify.open_item}</A>
                                    </div>
                                    <div class="item-side">
                                        {if item.read {
                                            view! { <span class="meta">{move || i18n.t().notify.read_done}</span> }.into_any()
                                        } else {
                                            view! {
                                                <button
                                                    type="button"
                                                    class="btn secondary mark-read"
                                                    disabled=move || mark.pending().get()
                                                    on:click=move |_| {
                                                        mark.dispatch(Some(id.clone()));
                                                    }
                                                >
                                                    {move || i18n.t().notify.mark_read}
                                                </button>
                                            }
                                            .into_any()
                                        }}
                                    </div>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            }
            .into_any()
        })}
    }
}

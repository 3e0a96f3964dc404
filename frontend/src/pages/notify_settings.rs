//! 通知设置 (issue 14): per kind of notice, inbox and phone push on or
//! off; this device's push subscription (through `/push.js` and the
//! service worker); the school's quiet hours for parents and students.
//! Phone first (360 px): one row per kind, two switches.

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use crate::api::{self, ApiError};
use crate::i18n::use_i18n;
use crate::ops;
use crate::ui::{PageTitle, loaded};

/// Calls `window.daoshiPush[method](arg)` and awaits its Promise: the
/// resolved value as text (`None` for null).
async fn push_js(method: &str, arg: Option<&str>) -> Result<Option<String>, String> {
    let w = web_sys::window().ok_or("no window")?;
    let api = js_sys::Reflect::get(&w, &"daoshiPush".into()).map_err(|_| "no push.js")?;
    if api.is_undefined() {
        return Err("unsupported".into());
    }
    let f: js_sys::Function = js_sys::Reflect::get(&api, &method.into())
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or("no method")?;
    let p = match arg {
        Some(a) => f.call1(&api, &JsValue::from_str(a)),
        None => f.call0(&api),
    }
    .map_err(|_| "call failed")?;
    let v = match p.dyn_into::<js_sys::Promise>() {
        Ok(p) => wasm_bindgen_futures::JsFuture::from(p).await.map_err(|e| {
            js_sys::Reflect::get(&e, &"message".into())
                .ok()
                .and_then(|m| m.as_string())
                .unwrap_or_else(|| "failed".into())
        })?,
        Err(v) => v,
    };
    Ok(v.as_string())
}

fn supported() -> bool {
    web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w, &"daoshiPush".into()).ok())
        .and_then(|a| js_sys::Reflect::get(&a, &"supported".into()).ok())
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .and_then(|f| f.call0(&JsValue::NULL).ok())
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

/// What a subscription's JSON holds: endpoint, p256dh, auth.
fn parts(json: &str) -> Option<(String, String, String)> {
    let v: serde_json::Value = serde_json::from_str(json).ok()?;
    Some((
        v["endpoint"].as_str()?.to_string(),
        v["keys"]["p256dh"].as_str()?.to_string(),
        v["keys"]["auth"].as_str()?.to_string(),
    ))
}

/// This device's push toggle.
#[component]
fn PushToggle(key: Option<String>, devices: i64) -> impl IntoView {
    let i18n = use_i18n();
    let on = RwSignal::new(None::<bool>);
    let msg = RwSignal::new(None::<String>);
    leptos::task::spawn_local(async move {
        on.set(Some(matches!(push_js("current", None).await, Ok(Some(_)))));
    });
    let toggle = Action::new_local(move |enable: &bool| {
        let (enable, key) = (*enable, key.clone());
        async move {
            msg.set(None);
            if enable {
                let Some(key) = key else { return };
                match push_js("subscribe", Some(&key)).await {
                    Ok(Some(json)) => {
                        let Some((endpoint, p256dh, auth)) = parts(&json) else {
                            return;
                        };
                        let r = api::query::<ops::SubscribePush>(ops::subscribe_push::Variables {
                            endpoint,
                            p256dh,
                            auth,
                        })
                        .await;
                        match r {
                            Ok(_) => on.set(Some(true)),
                            Err(e) => {
                                let _ = push_js("unsubscribe", None).await;
                                msg.set(Some(e.message(i18n.t())));
                            }
                        }
                    }
                    Ok(None) => {}
                    Err(e) if e == "denied" => msg.set(Some(i18n.t().notify.push_denied.into())),
                    Err(_) => msg.set(Some(i18n.t().notify.push_unsupported.into())),
                }
            } else if let Ok(Some(endpoint)) = push_js("unsubscribe", None).await {
                let _ = api::query::<ops::UnsubscribePush>(ops::unsubscribe_push::Variables {
                    endpoint,
                })
                .await;
                on.set(Some(false));
            } else {
                on.set(Some(false));
            }
        }
    });
    view! {
        <section class="card" id="push-device">
            <h2>{move || i18n.t().notify.push_title}</h2>
            <p class="muted" id="push-devices">
                {move || (i18n.t().notify.push_devices)(&i18n.num(devices))}
            </p>
            {move || match (supported(), on.get()) {
                (false, _) => view! { <p class="hint" id="push-unsupported">{move || i18n.t().notify.push_unsupported}</p> }.into_any(),
                (true, None) => view! { <p class="muted">{move || i18n.t().loading}</p> }.into_any(),
                (true, Some(state)) => view! {
                    <p id="push-state">{move || if state { i18n.t().notify.push_on } else { i18n.t().notify.push_off }}</p>
                    <button
                        type="button"
                        class="btn secondary"
                        id="push-toggle"
                        disabled=move || toggle.pending().get()
                        on:click=move |_| { toggle.dispatch(!state); }
                    >
                        {move || if state { i18n.t().notify.push_disable } else { i18n.t().notify.push_enable }}
                    </button>
                }.into_any(),
            }}
            {move || msg.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
        </section>
    }
}

/// One kind's row with its two switches.
#[component]
fn PrefRow(p: ops::notify_settings::NotifySettingsNotifyPreferences) -> impl IntoView {
    let i18n = use_i18n();
    let inbox = RwSignal::new(p.inbox);
    let push = RwSignal::new(p.push);
    let kind = p.kind.clone();
    let save = Action::new_local(move |(i, ph): &(bool, bool)| {
        let (i, ph, kind) = (*i, *ph, kind.clone());
        async move {
            let r = api::query::<ops::SetNotifyPreference>(ops::set_notify_preference::Variables {
                kind,
                inbox: i,
                push: ph,
            })
            .await;
            if let Ok(d) = &r {
                inbox.set(d.set_notify_preference.inbox);
                push.set(d.set_notify_preference.push);
            }
            r.map(|_| ())
        }
    });
    let locked = p.inbox_locked;
    let err = move || {
        save.value().get().and_then(Result::err).map(|e: ApiError| {
            view! { <p class="error" role="alert">{move || e.message(i18n.t())}</p> }
        })
    };
    view! {
        <li class="item pref-row" data-kind=p.kind.clone()>
            <div class="item-main">
                <span class="name">{p.label.clone()}</span>
                {err}
            </div>
            <label class="switch">
                <input
                    type="checkbox"
                    class="pref-inbox"
                    prop:checked=move || inbox.get()
                    disabled=move || locked || save.pending().get()
                    on:change=move |ev| {
                        let v = event_target_checked(&ev);
                        save.dispatch((v, push.get_untracked()));
                    }
                />
                {move || if locked { i18n.t().notify.inbox_locked } else { i18n.t().notify.col_inbox }}
            </label>
            <label class="switch">
                <input
                    type="checkbox"
                    class="pref-push"
                    prop:checked=move || push.get()
                    disabled=move || save.pending().get()
                    on:change=move |ev| {
                        let v = event_target_checked(&ev);
                        save.dispatch((inbox.get_untracked(), v));
                    }
                />
                {move || i18n.t().notify.col_push}
            </label>
        </li>
    }
}

/// The settings screen.
#[component]
pub fn NotifySettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = LocalResource::new(|| async {
        api::query::<ops::NotifySettings>(ops::notify_settings::Variables).await
    });
    view! {
        <PageTitle title=|t| t.notify.settings_title/>
        <p class="hint">{move || i18n.t().notify.settings_intro}</p>
        {loaded(data, move |d| {
            let ps = d.push_settings;
            let quiet = match (ps.quiet_from_hour, ps.quiet_to_hour) {
                (Some(f), Some(t)) => Some((f, t)),
                _ => None,
            };
            let f = |h: i64| u32::try_from(h).unwrap_or(0);
            view! {
                {quiet.map(|(a, b)| view! {
                    <p class="hint" id="quiet-hours">{move || (i18n.t().notify.quiet_hours)(f(a), f(b))}</p>
                })}
                <ul class="list" id="notify-prefs">
                    {d.notify_preferences.into_iter().map(|p| view! { <PrefRow p=p/> }).collect_view()}
                </ul>
                {match ps.vapid_public_key {
                    Some(key) => view! { <PushToggle key=Some(key) devices=ps.devices/> }.into_any(),
                    None => view! { <p class="hint" id="push-unconfigured">{move || i18n.t().notify.push_unconfigured}</p> }.into_any(),
                }}
            }
        })}
    }
}

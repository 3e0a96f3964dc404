//! 群机器人与失败任务 (the school admin, issue 14): the school's WeCom and
//! DingTalk group robots with their latest outcome (add, test-send,
//! delete), and the school's dead background jobs with a retry button.

use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::i18n::use_i18n;
use crate::ops;
use crate::ui::{PageTitle, loaded};

type Data = ops::integrations::ResponseData;

/// The add form.
#[component]
fn AddRobot(data: LocalResource<Result<Data, ApiError>>) -> impl IntoView {
    let i18n = use_i18n();
    let name = RwSignal::new(String::new());
    let platform = RwSignal::new("WECOM".to_string());
    let grade = RwSignal::new(String::new());
    let url = RwSignal::new(String::new());
    let secret = RwSignal::new(String::new());
    let local_err = RwSignal::new(None::<String>);
    let add = Action::new_local(move |_: &()| async move {
        let g = grade.get_untracked();
        let vars = ops::add_robot_webhook::Variables {
            name: name.get_untracked(),
            platform: ops::RobotPlatform(platform.get_untracked()),
            grade: g.trim().parse().ok(),
            class_id: None,
            url: url.get_untracked(),
            secret: Some(secret.get_untracked()).filter(|s| !s.trim().is_empty()),
        };
        let r = api::query::<ops::AddRobotWebhook>(vars).await;
        if r.is_ok() {
            name.set(String::new());
            url.set(String::new());
            secret.set(String::new());
            grade.set(String::new());
            data.refetch();
        }
        r.map(|_| ())
    });
    let err = move || {
        local_err.get().or_else(|| {
            add.value()
                .get()
                .and_then(Result::err)
                .map(|e| e.message(i18n.t()))
        })
    };
    view! {
        <form
            class="card form"
            id="robot-form"
            on:submit=move |ev| {
                ev.prevent_default();
                let g = grade.get_untracked();
                if !g.trim().is_empty() && g.trim().parse::<i32>().is_err() {
                    local_err.set(Some(i18n.t().notify.robot_grade.into()));
                    return;
                }
                local_err.set(None);
                add.dispatch(());
            }
        >
            <h2>{move || i18n.t().notify.robot_add}</h2>
            <label>{move || i18n.t().notify.robot_name}
                <input id="robot-name" type="text" maxlength="40" required prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev))/>
            </label>
            <label>{move || i18n.t().notify.robot_platform}
                <select id="robot-platform" on:change=move |ev| platform.set(event_target_value(&ev))>
                    <option value="WECOM">{move || i18n.t().notify.robot_wecom}</option>
                    <option value="DINGTALK">{move || i18n.t().notify.robot_dingtalk}</option>
                </select>
            </label>
            <label>{move || i18n.t().notify.robot_grade}
                <input id="robot-grade" type="text" inputmode="numeric" maxlength="2" prop:value=move || grade.get()
                    on:input=move |ev| grade.set(event_target_value(&ev))/>
            </label>
            <label>{move || i18n.t().notify.robot_url}
                <input id="robot-url" type="url" maxlength="1000" required prop:value=move || url.get()
                    on:input=move |ev| url.set(event_target_value(&ev))/>
            </label>
            <label>{move || i18n.t().notify.robot_secret}
                <input id="robot-secret" type="text" maxlength="100" autocomplete="off" prop:value=move || secret.get()
                    on:input=move |ev| secret.set(event_target_value(&ev))/>
            </label>
            {move || err().map(|m| view! { <p class="error" role="alert" id="robot-error">{m}</p> })}
            <button type="submit" class="btn" id="robot-add" disabled=move || add.pending().get()>
                {move || i18n.t().notify.robot_add}
            </button>
        </form>
    }
}

/// One robot with its outcome and buttons.
#[component]
fn RobotRow(
    r: ops::integrations::IntegrationsRobotWebhooks,
    data: LocalResource<Result<Data, ApiError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = r.id.clone();
    let id2 = r.id.clone();
    let test = Action::new_local(move |_: &()| {
        let id = id.clone();
        async move {
            let r = api::query::<ops::TestRobotWebhook>(ops::test_robot_webhook::Variables { id })
                .await;
            data.refetch();
            r.map(|_| ())
        }
    });
    let delete = Action::new_local(move |_: &()| {
        let id = id2.clone();
        async move {
            let r =
                api::query::<ops::DeleteRobotWebhook>(ops::delete_robot_webhook::Variables { id })
                    .await;
            data.refetch();
            r.map(|_| ())
        }
    });
    let platform = if r.platform.0 == "DINGTALK" {
        i18n.t().notify.robot_dingtalk
    } else {
        i18n.t().notify.robot_wecom
    };
    let scope = match r.grade {
        Some(g) => (i18n.t().notify.robot_scope_grade)(&g.to_string()),
        None => i18n.t().notify.robot_scope_school.to_string(),
    };
    let ok = r.last_ok_at.clone();
    let failures = r.failures;
    view! {
        <li class="item robot" data-id=r.id.clone()>
            <div class="item-main">
                <span class="name">{r.name.clone()}</span>
                <span class="meta">{format!("{platform} · {scope} · {}", r.url_hint)}</span>
                <span class="meta robot-ok">
                    {move || match &ok {
                        Some(t) => format!("{}{}", i18n.t().notify.robot_ok, i18n.date(t)),
                        None => i18n.t().notify.robot_never.to_string(),
                    }}
                </span>
                {r.last_error.clone().filter(|_| failures > 0).map(|e| view! {
                    <span class="error robot-error">
                        {move || (i18n.t().notify.robot_failures)(&failures.to_string())} "：" {e.clone()}
                    </span>
                })}
            </div>
            <button type="button" class="btn secondary robot-test" disabled=move || test.pending().get()
                on:click=move |_| { test.dispatch(()); }>
                {move || i18n.t().notify.robot_test}
            </button>
            <button type="button" class="btn ghost robot-delete" disabled=move || delete.pending().get()
                on:click=move |_| { delete.dispatch(()); }>
                {move || i18n.t().notify.robot_delete}
            </button>
        </li>
    }
}

/// The integration page.
#[component]
pub fn IntegrationsPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = LocalResource::new(|| async {
        api::query::<ops::Integrations>(ops::integrations::Variables).await
    });
    let retry = Action::new_local(move |id: &String| {
        let id = id.clone();
        async move {
            let r = api::query::<ops::RetryDeadJob>(ops::retry_dead_job::Variables { id }).await;
            data.refetch();
            r.map(|_| ())
        }
    });
    view! {
        <PageTitle title=|t| t.notify.integrations_title/>
        <section class="card" id="robots">
            <h2>{move || i18n.t().notify.robots_title}</h2>
            <p class="hint">{move || i18n.t().notify.robots_intro}</p>
            {loaded(data, move |d| {
                if d.robot_webhooks.is_empty() {
                    return view! { <p class="muted" id="robots-empty">{move || i18n.t().notify.robots_empty}</p> }.into_any();
                }
                view! {
                    <ul class="list" id="robot-list">
                        {d.robot_webhooks.into_iter().map(|r| view! { <RobotRow r=r data=data/> }).collect_view()}
                    </ul>
                }.into_any()
            })}
        </section>
        <AddRobot data=data/>
        <section class="card" id="dead-jobs">
            <h2>{move || i18n.t().notify.dead_title}</h2>
            <p class="hint">{move || i18n.t().notify.dead_intro}</p>
            {move || retry.value().get().and_then(Result::err).map(|e: ApiError| {
                view! { <p class="error" role="alert">{move || e.message(i18n.t())}</p> }
            })}
            {loaded(data, move |d| {
                if d.dead_jobs.is_empty() {
                    return view! { <p class="muted" id="dead-empty">{move || i18n.t().notify.dead_empty}</p> }.into_any();
                }
                view! {
                    <ul class="list" id="dead-list">
                        {d.dead_jobs.into_iter().map(|j| {
                            let id = j.id.clone();
                            view! {
                                <li class="item dead-job" data-id=j.id.clone()>
                                    <div class="item-main">
                                        <span class="name">{j.kind.clone()}</span>
                                        <span class="meta">{move || (i18n.t().notify.dead_attempts)(&j.attempts.to_string())}</span>
                                        {j.last_error.clone().map(|e| view! { <span class="meta">{e}</span> })}
                                    </div>
                                    <button type="button" class="btn secondary dead-retry"
                                        disabled=move || retry.pending().get()
                                        on:click=move |_| { retry.dispatch(id.clone()); }>
                                        {move || i18n.t().notify.dead_retry}
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            })}
        </section>
    }
}

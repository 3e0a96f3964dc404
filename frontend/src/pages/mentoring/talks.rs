//! Talk requests (a parent or student asks, the mentor answers) and the
//! student's monthly self-report.

use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::i18n::use_i18n;
use crate::ops;
use crate::ui::{ErrorBox, loaded};

use super::*;

/// A parent (for a child) or a student asks the mentor for a talk; their
/// requests and the answers below.
#[component]
pub fn TalkRequestForm() -> impl IntoView {
    let i18n = use_i18n();
    let students = my_students();
    let picked = RwSignal::new(String::new());
    let message = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let missing = RwSignal::new(false);
    let sent = RwSignal::new(false);
    let requests = LocalResource::new(|| async {
        api::query::<ops::TalkRequests>(ops::talk_requests::Variables)
            .await
            .map(|d| d.talk_requests)
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = message.get_untracked().trim().to_string();
        let student_id = Some(picked.get_untracked())
            .filter(|s| !s.is_empty())
            .or_else(|| {
                students
                    .get_untracked()
                    .and_then(|r| r.ok())
                    .and_then(|v| v.first().map(|s| s.0.clone()))
            });
        let Some(student_id) = student_id.filter(|_| !text.is_empty()) else {
            missing.set(true);
            return;
        };
        missing.set(false);
        error.set(None);
        leptos::task::spawn_local(async move {
            let r = api::query::<ops::RequestTalk>(ops::request_talk::Variables {
                student_id,
                message: text,
            })
            .await;
            if sent.is_disposed() {
                return;
            }
            match r {
                Ok(_) => {
                    sent.set(true);
                    message.set(String::new());
                    requests.refetch();
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <form class="card form no-print" id="talk-request" on:submit=on_submit novalidate=true>
            <h2>{move || i18n.t().mentoring.talk_title}</h2>
            {move || students.get().and_then(|r| r.ok()).filter(|v| v.len() > 1).map(|list| view! {
                <label for="talk-student">{move || i18n.t().mentoring.talk_for}</label>
                <select id="talk-student" on:change=move |ev| picked.set(event_target_value(&ev))>
                    {list.into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                </select>
            })}
            <label for="talk-message">{move || i18n.t().mentoring.talk_message}</label>
            <textarea id="talk-message" rows="3" bind:value=message></textarea>
            {move || missing.get().then(|| view! { <p class="error" role="alert">{move || i18n.t().mentoring.required}</p> })}
            {move || error.get().map(|e| view! { <ErrorBox err=e/> })}
            {move || sent.get().then(|| view! { <p class="notice" role="status">{move || i18n.t().mentoring.talk_sent}</p> })}
            <button type="submit" class="btn primary wide" id="talk-send">{move || i18n.t().mentoring.talk_send}</button>
            {loaded(requests, move |list| {
                list.into_iter()
                    .map(|r| {
                        let answered = r.status == "answered";
                        view! {
                            <div class="talk-item">
                                <p>
                                    <span class="name">{r.student.name.clone()}</span> " "
                                    <span class="badge">{move || if answered { i18n.t().mentoring.talk_answered } else { i18n.t().mentoring.talk_open }}</span>
                                </p>
                                <p class="meta">{r.message.clone()}</p>
                                {r.answer.clone().map(|a| view! { <p>{a}</p> })}
                            </div>
                        }
                    })
                    .collect_view()
            })}
        </form>
    }
}

/// The mentor's talk requests from parents and students, with answers.
#[component]
pub fn MentorTalkRequests() -> impl IntoView {
    let i18n = use_i18n();
    let requests = LocalResource::new(|| async {
        api::query::<ops::TalkRequests>(ops::talk_requests::Variables)
            .await
            .map(|d| d.talk_requests)
    });
    view! {
        <section class="card" id="talk-requests">
            <h2>{move || i18n.t().mentoring.talk_requests}</h2>
            {loaded(requests, move |list| {
                if list.is_empty() {
                    return view! { <p class="muted">{move || i18n.t().mentoring.talk_none}</p> }.into_any();
                }
                list.into_iter()
                    .map(|r| {
                        let open = r.status != "answered";
                        let from_parent = r.requester_role == "parent";
                        let answer = RwSignal::new(String::new());
                        let error = RwSignal::new(None::<ApiError>);
                        let id = r.id.clone();
                        let send = move |_| {
                            let text = answer.get_untracked().trim().to_string();
                            if text.is_empty() {
                                return;
                            }
                            let id = id.clone();
                            leptos::task::spawn_local(async move {
                                match api::query::<ops::AnswerTalkRequest>(ops::answer_talk_request::Variables { id, answer: text }).await {
                                    Ok(_) => requests.refetch(),
                                    Err(e) => {
                                        if !error.is_disposed() {
                                            error.set(Some(e));
                                        }
                                    }
                                }
                            });
                        };
                        let field = format!("answer-{}", r.id);
                        view! {
                            <div class="talk-item">
                                <p>
                                    <span class="name">{r.student.name.clone()}</span> " · "
                                    <span class="meta">{move || if from_parent { i18n.t().mentoring.from_parent } else { i18n.t().mentoring.from_student }}</span> " "
                                    <span class="badge">{move || if open { i18n.t().mentoring.talk_open } else { i18n.t().mentoring.talk_answered }}</span>
                                </p>
                                <p>{r.message.clone()}</p>
                                {r.answer.clone().map(|a| view! { <p class="meta">{a}</p> })}
                                {open.then(|| view! {
                                    <label for=field.clone()>{move || i18n.t().mentoring.talk_answer}</label>
                                    <textarea id=field.clone() rows="2" bind:value=answer></textarea>
                                    {move || error.get().map(|e| view! { <ErrorBox err=e/> })}
                                    <button type="button" class="btn secondary" on:click=send>{move || i18n.t().mentoring.talk_answer_send}</button>
                                })}
                            </div>
                        }
                    })
                    .collect_view()
                    .into_any()
            })}
        </section>
    }
}

/// The student's monthly report to the mentor.
#[component]
pub fn SelfReport() -> impl IntoView {
    let i18n = use_i18n();
    let month = RwSignal::new(this_month());
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let missing = RwSignal::new(false);
    let sent = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let t = text.get_untracked().trim().to_string();
        if t.is_empty() {
            missing.set(true);
            return;
        }
        missing.set(false);
        error.set(None);
        let m = month.get_untracked();
        leptos::task::spawn_local(async move {
            let r = api::query::<ops::SubmitSelfReport>(ops::submit_self_report::Variables {
                month: m,
                text: t,
            })
            .await;
            if sent.is_disposed() {
                return;
            }
            match r {
                Ok(_) => {
                    sent.set(true);
                    text.set(String::new());
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <form class="card form no-print" id="self-report" on:submit=on_submit novalidate=true>
            <h2>{move || i18n.t().mentoring.report_title}</h2>
            <label for="report-month">{move || i18n.t().mentoring.report_month}</label>
            <input id="report-month" type="month" bind:value=month/>
            <label for="report-text">{move || i18n.t().mentoring.report_text}</label>
            <textarea id="report-text" rows="4" bind:value=text></textarea>
            {move || missing.get().then(|| view! { <p class="error" role="alert">{move || i18n.t().mentoring.required}</p> })}
            {move || error.get().map(|e| view! { <ErrorBox err=e/> })}
            {move || sent.get().then(|| view! { <p class="notice" role="status">{move || i18n.t().mentoring.report_sent}</p> })}
            <button type="submit" class="btn primary wide" id="report-send">{move || i18n.t().mentoring.report_send}</button>
        </form>
    }
}

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
                    .map(|r| family_item(i18n, r, requests))
                    .collect_view()
            })}
        </form>
    }
}

/// One of a parent's (or student's) own requests: the thread and, once the
/// mentor has answered, a reply field.
fn family_item(
    i18n: crate::i18n::I18n,
    r: TalkRow,
    requests: LocalResource<Result<Vec<TalkRow>, ApiError>>,
) -> impl IntoView {
    let answered = r.status == "answered";
    let can_reply = r.answer.is_some();
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let missing = RwSignal::new(false);
    let id = r.id.clone();
    let send = move |_| {
        let t = text.get_untracked().trim().to_string();
        if t.is_empty() {
            missing.set(true);
            return;
        }
        missing.set(false);
        let id = id.clone();
        leptos::task::spawn_local(async move {
            match api::query::<ops::ReplyToTalk>(ops::reply_to_talk::Variables { id, text: t })
                .await
            {
                Ok(_) => requests.refetch(),
                Err(e) => {
                    if !error.is_disposed() {
                        error.set(Some(e));
                    }
                }
            }
        });
    };
    let field = format!("reply-{}", r.id);
    view! {
        <div class="talk-item" data-id=r.id.clone()>
            <p>
                <span class="name">{r.student.name.clone()}</span> " "
                <span class="badge">{move || if answered { i18n.t().mentoring.talk_answered } else { i18n.t().mentoring.talk_open }}</span>
            </p>
            {thread(i18n, &r)}
            {can_reply.then(|| view! {
                <label for=field.clone()>{move || i18n.t().mentoring.talk_reply}</label>
                <textarea id=field.clone() class="talk-reply" rows="2" bind:value=text></textarea>
                {move || missing.get().then(|| view! { <p class="error" role="alert">{move || i18n.t().mentoring.required}</p> })}
                {move || error.get().map(|e| view! { <ErrorBox err=e/> })}
                <button type="button" class="btn secondary talk-reply-send" on:click=send>{move || i18n.t().mentoring.talk_reply_send}</button>
            })}
        </div>
    }
}

/// The mentor's talk requests from parents and students: those waiting for
/// an answer first, with their count in the heading; the answered ones
/// folded below.
#[component]
pub fn MentorTalkRequests() -> impl IntoView {
    let i18n = use_i18n();
    let requests = LocalResource::new(|| async {
        api::query::<ops::TalkRequests>(ops::talk_requests::Variables)
            .await
            .map(|d| d.talk_requests)
    });
    let open_count = move || {
        requests
            .get()
            .and_then(|r| r.ok())
            .map(|l| l.iter().filter(|r| r.status != "answered").count())
            .unwrap_or(0)
    };
    view! {
        <section class="card" id="talk-requests">
            <h2>
                {move || i18n.t().mentoring.talk_requests}
                {move || {
                    let n = open_count();
                    (n > 0).then(|| view! {
                        " " <span class="count-badge" id="talk-open-count"
                            aria-label=move || (i18n.t().mentoring.talk_waiting)(&i18n.num(n as i64))>{n}</span>
                    })
                }}
            </h2>
            {loaded(requests, move |list| {
                let (open, answered): (Vec<TalkRow>, Vec<TalkRow>) = list.into_iter().partition(|r| r.status != "answered");
                let done_n = answered.len() as i64;
                view! {
                    {open.is_empty().then(|| view! { <p class="muted">{move || i18n.t().mentoring.talk_none}</p> })}
                    {open.into_iter().map(|r| talk_item(i18n, r, requests)).collect_view()}
                    {(done_n > 0).then(|| view! {
                        <details class="more" id="talk-answered">
                            <summary>{move || (i18n.t().mentoring.talk_answered_n)(&i18n.num(done_n))}</summary>
                            {answered.into_iter().map(|r| talk_item(i18n, r, requests)).collect_view()}
                        </details>
                    })}
                }
                .into_any()
            })}
        </section>
    }
}

type TalkRow = ops::talk_requests::TalkRequestsTalkRequests;

/// One request on the mentor's list: who asked and when, the thread, and
/// (while open) the answer field.
fn talk_item(
    i18n: crate::i18n::I18n,
    r: TalkRow,
    requests: LocalResource<Result<Vec<TalkRow>, ApiError>>,
) -> impl IntoView {
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
            match api::query::<ops::AnswerTalkRequest>(ops::answer_talk_request::Variables {
                id,
                answer: text,
            })
            .await
            {
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
            {thread(i18n, &r)}
            {open.then(|| view! {
                <label for=field.clone()>{move || i18n.t().mentoring.talk_answer}</label>
                <textarea id=field.clone() rows="2" bind:value=answer></textarea>
                {move || error.get().map(|e| view! { <ErrorBox err=e/> })}
                <button type="button" class="btn secondary" on:click=send>{move || i18n.t().mentoring.talk_answer_send}</button>
            })}
        </div>
    }
}

/// A request's messages in order, each with its sender and time.
fn thread(i18n: crate::i18n::I18n, r: &TalkRow) -> impl IntoView + use<> {
    let from_parent = r.requester_role == "parent";
    let mut lines: Vec<(bool, String, String)> =
        vec![(false, r.created_at.clone(), r.message.clone())];
    if let (Some(a), Some(at)) = (r.answer.clone(), r.answered_at.clone()) {
        lines.push((true, at, a));
    }
    for x in &r.replies {
        lines.push((x.from == "mentor", x.at.clone(), x.text.clone()));
    }
    view! {
        <ol class="plain thread">
            {lines
                .into_iter()
                .map(|(mentor, at, text)| view! {
                    <li class:from-mentor=mentor>
                        <span class="meta">
                            {move || if mentor { i18n.t().mentoring.thread_mentor } else if from_parent { i18n.t().mentoring.from_parent } else { i18n.t().mentoring.from_student }}
                            " · " {local_time(&at)}
                        </span>
                        <p>{text}</p>
                    </li>
                })
                .collect_view()}
        </ol>
    }
}

/// The student's monthly report to the mentor, and the reports already
/// sent (this month's marked as sent).
#[component]
pub fn SelfReport() -> impl IntoView {
    let i18n = use_i18n();
    let month = RwSignal::new(this_month());
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let missing = RwSignal::new(false);
    let history = LocalResource::new(|| async {
        api::query::<ops::MySelfReports>(ops::my_self_reports::Variables)
            .await
            .map(|d| d.my_self_reports)
    });
    let sent_this_month = move || {
        let m = month.get();
        history
            .get()
            .and_then(|r| r.ok())
            .is_some_and(|l| l.iter().any(|x| x.month == m))
    };
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
            if missing.is_disposed() {
                return;
            }
            match r {
                Ok(_) => {
                    text.set(String::new());
                    history.refetch();
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
            {move || {
                if sent_this_month() {
                    view! { <p class="notice" role="status" id="report-done">{move || i18n.t().mentoring.report_done}</p> }.into_any()
                } else {
                    view! {
                        <label for="report-text">{move || i18n.t().mentoring.report_text}</label>
                        <textarea id="report-text" rows="4" bind:value=text></textarea>
                        {move || missing.get().then(|| view! { <p class="error" role="alert">{move || i18n.t().mentoring.required}</p> })}
                        {move || error.get().map(|e| view! { <ErrorBox err=e/> })}
                        <button type="submit" class="btn primary wide" id="report-send">{move || i18n.t().mentoring.report_send}</button>
                    }
                    .into_any()
                }
            }}
            <h3>{move || i18n.t().mentoring.report_history}</h3>
            {loaded(history, move |list| {
                if list.is_empty() {
                    return view! { <p class="muted" id="report-none">{move || i18n.t().mentoring.report_none}</p> }.into_any();
                }
                view! {
                    <ol class="plain" id="report-history">
                        {list
                            .into_iter()
                            .map(|x| view! {
                                <li data-month=x.month.clone()>
                                    <span class="meta">{x.month.clone()} " · " {move || i18n.t().mentoring.report_by_you} " · " {local_time(&x.submitted_at)}</span>
                                    <p class="summary-text">{x.text.clone()}</p>
                                </li>
                            })
                            .collect_view()}
                    </ol>
                }
                .into_any()
            })}
        </form>
    }
}

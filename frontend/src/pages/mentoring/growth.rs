//! Growth messages: the mentor writes, submits and publishes; parents and
//! students read (and print) the published ones.

use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::i18n::use_i18n;
use crate::ops;
use crate::ui::{ErrorBox, loaded};

use super::*;

type GrowthRow = ops::student_growth_messages::StudentGrowthMessagesGrowthMessages;
type TermRow = ops::student_growth_messages::StudentGrowthMessagesTerms;

/// The term containing today, else the latest that started.
fn current_term(terms: &[TermRow]) -> Option<TermRow> {
    let today = today();
    terms
        .iter()
        .find(|t| t.starts_on <= today && today <= t.ends_on)
        .or_else(|| {
            terms
                .iter()
                .filter(|t| t.starts_on <= today)
                .max_by(|a, b| a.starts_on.cmp(&b.starts_on))
        })
        .or_else(|| terms.first())
        .cloned()
}

/// The mentor's growth message (成长寄语) for a student this term: draft,
/// submit, publish; beside it the term's activities to start from.
#[component]
pub fn GrowthEditor(
    /// The student.
    student_id: String,
    /// The caller is the student's mentor (writes, submits, publishes);
    /// otherwise (a head teacher of another mentor's student) it reads.
    writer: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let sid = student_id.clone();
    let data = LocalResource::new(move || {
        let student_id = sid.clone();
        async move {
            api::query::<ops::StudentGrowthMessages>(ops::student_growth_messages::Variables {
                student_id,
            })
            .await
        }
    });
    view! {
        <section class="card growth-editor" id="growth-editor">
            <h2>{move || i18n.t().mentoring.growth_title}</h2>
            {loaded(data, move |d| {
                let Some(term) = current_term(&d.terms) else {
                    return view! { <p class="muted">{move || i18n.t().mentoring.no_term}</p> }.into_any();
                };
                let existing = d.growth_messages.into_iter().find(|m| m.term_id == term.id);
                let review = d
                    .school_policy
                    .in_effect
                    .and_then(|v| v.rules.pointer("/tasks/growth_message/review_required").and_then(|b| b.as_bool()))
                    .unwrap_or(false);
                if !writer {
                    return growth_read_only(i18n, term.name.clone(), existing).into_any();
                }
                view! {
                    <GrowthForm student_id=student_id.clone() term_id=term.id.clone() term_name=term.name.clone() existing=existing review=review/>
                    <TermSide student_id=student_id.clone() term_id=term.id/>
                }
                .into_any()
            })}
        </section>
    }
}

/// Another mentor's message as a head teacher sees it: the text and its
/// status, no buttons (the review happens on the class page).
fn growth_read_only(
    i18n: crate::i18n::I18n,
    term_name: String,
    existing: Option<GrowthRow>,
) -> impl IntoView {
    match existing {
        None => view! {
            <p class="meta">{move || (i18n.t().mentoring.growth_term)(&term_name)}</p>
            <p class="muted" id="growth-not-yet">{move || i18n.t().mentoring.growth_not_yet}</p>
        }
        .into_any(),
        Some(m) => {
            let st = m.status.0.clone();
            view! {
                <p class="meta">
                    {move || (i18n.t().mentoring.growth_term)(&term_name)} " · "
                    <span class="badge" id="growth-status">{move || i18n.t().mentoring.status_name(&st)}</span>
                </p>
                <p class="hint">{move || i18n.t().mentoring.growth_by_mentor}</p>
                <p class="growth-body" id="growth-read">{m.body.clone()}</p>
            }
            .into_any()
        }
    }
}

#[component]
fn GrowthForm(
    student_id: String,
    term_id: String,
    term_name: String,
    existing: Option<GrowthRow>,
    /// The school's policy has messages reviewed before publication.
    review: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let comment = existing.as_ref().and_then(|m| m.review_comment.clone());
    let body = RwSignal::new(
        existing
            .as_ref()
            .map(|m| m.body.clone())
            .unwrap_or_default(),
    );
    let spots = RwSignal::new(
        existing
            .as_ref()
            .map(|m| m.bright_spots.join("\n"))
            .unwrap_or_default(),
    );
    let id = RwSignal::new(existing.as_ref().map(|m| m.id.clone()));
    let status = RwSignal::new(existing.map(|m| m.status.0));
    let error = RwSignal::new(None::<ApiError>);
    let note = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let empty = RwSignal::new(false);
    // Publishing asks first (the text is locked once published).
    let confirming = RwSignal::new(false);
    let published = move || status.get().as_deref() == Some("PUBLISHED");

    // Step: 0 save, 1 submit, 2 publish.
    let act = move |step: u8| {
        let text = body.get_untracked().trim().to_string();
        if text.is_empty() {
            empty.set(true);
            return;
        }
        empty.set(false);
        error.set(None);
        note.set(false);
        busy.set(true);
        let student_id = student_id.clone();
        let term_id = term_id.clone();
        let bright_spots: Vec<String> = spots
            .get_untracked()
            .lines()
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .collect();
        leptos::task::spawn_local(async move {
            let result: Result<String, ApiError> = async {
                // Always save the text first; then move it on.
                let saved =
                    api::query::<ops::SaveGrowthMessage>(ops::save_growth_message::Variables {
                        student_id,
                        term_id,
                        body: text,
                        bright_spots,
                    })
                    .await?
                    .save_growth_message;
                id.set(Some(saved.id.clone()));
                let mut st = saved.status.0;
                if step >= 1 && st == "DRAFT" {
                    st = api::query::<ops::SubmitGrowthMessage>(
                        ops::submit_growth_message::Variables {
                            id: saved.id.clone(),
                        },
                    )
                    .await?
                    .submit_growth_message
                    .status
                    .0;
                }
                if step >= 2 {
                    st = api::query::<ops::PublishGrowthMessage>(
                        ops::publish_growth_message::Variables { id: saved.id },
                    )
                    .await?
                    .publish_growth_message
                    .status
                    .0;
                }
                Ok(st)
            }
            .await;
            if busy.is_disposed() {
                return;
            }
            match result {
                Ok(st) => {
                    status.set(Some(st));
                    note.set(true);
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let act1 = act.clone();
    let act2 = act.clone();
    view! {
        <p class="meta">
            {move || (i18n.t().mentoring.growth_term)(&term_name)}
            {move || status.get().map(|s| view! {
                " · " <span class="badge" id="growth-status">{move || i18n.t().mentoring.status_name(&s)}</span>
            })}
        </p>
        {comment.map(|c| view! {
            <p class="notice" id="review-comment">{move || i18n.t().mentoring.review_comment} "：" {c.clone()}</p>
        })}
        {review.then(|| view! { <p class="hint" id="review-required">{move || i18n.t().mentoring.review_required}</p> })}
        {move || published().then(|| view! { <p class="notice" id="growth-locked">{move || i18n.t().mentoring.growth_locked}</p> })}
        <label for="growth-body">{move || i18n.t().mentoring.growth_body}</label>
        <textarea id="growth-body" rows="6" bind:value=body prop:readOnly=published></textarea>
        <label for="growth-spots">{move || i18n.t().file.bright_spots_label}</label>
        <textarea id="growth-spots" rows="3" placeholder=move || i18n.t().file.bright_spots_hint bind:value=spots prop:readOnly=published></textarea>
        {move || empty.get().then(|| view! { <p class="error" role="alert">{move || i18n.t().mentoring.growth_empty_body}</p> })}
        {move || error.get().map(|e| view! { <ErrorBox err=e/> })}
        {move || note.get().then(|| view! { <p class="notice" role="status">{move || i18n.t().mentoring.growth_saved}</p> })}
        {move || {
            if published() {
                return None;
            }
            let (act, act1, act2) = (act.clone(), act1.clone(), act2.clone());
            Some(if confirming.get() {
                view! {
                    <div class="confirm-sheet" role="alertdialog" id="growth-confirm" aria-labelledby="growth-confirm-text">
                        <p id="growth-confirm-text">{move || i18n.t().mentoring.growth_publish_confirm}</p>
                        <div class="button-row">
                            <button type="button" class="btn primary" id="growth-publish-confirm" disabled=move || busy.get()
                                on:click=move |_| { confirming.set(false); act2(2); }>{move || i18n.t().mentoring.growth_publish_yes}</button>
                            <button type="button" class="btn secondary" id="growth-publish-cancel"
                                on:click=move |_| confirming.set(false)>{move || i18n.t().mentoring.growth_publish_no}</button>
                        </div>
                    </div>
                }
                .into_any()
            } else {
                view! {
                    <div class="button-row stack">
                        <button type="button" class="btn secondary" id="growth-save" disabled=move || busy.get()
                            on:click=move |_| act(0)>{move || i18n.t().mentoring.growth_save}</button>
                            <button type="button" class="btn secondary" id="growth-submit" disabled=move || busy.get() || id.get().is_none()
                                on:click=move |_| act1(1)>{move || i18n.t().mentoring.growth_submit}</button>
                        <button type="button" class="btn primary" id="growth-publish"
                            disabled=move || busy.get() || id.get().is_none()
                                || (review && status.get().as_deref() != Some("REVIEWED"))
                            on:click=move |_| confirming.set(true)>{move || i18n.t().mentoring.growth_publish}</button>
                    </div>
                }
                .into_any()
            })
        }}
    }
}

#[component]
fn TermSide(student_id: String, term_id: String) -> impl IntoView {
    let i18n = use_i18n();
    // Loaded when first opened (most visits do not need it).
    let opened = RwSignal::new(false);
    let list = LocalResource::new(move || {
        let (student_id, term_id) = (student_id.clone(), term_id.clone());
        let go = opened.get();
        async move {
            if !go {
                return Ok(Vec::new());
            }
            api::query::<ops::TermActivitiesFor>(ops::term_activities_for::Variables {
                student_id,
                term_id,
            })
            .await
            .map(|d| d.term_activities_for)
        }
    });
    view! {
        <details class="more term-side" id="term-side" on:toggle=move |_| {
            if !opened.get_untracked() {
                opened.set(true);
            }
        }>
            <summary>{move || i18n.t().mentoring.growth_side}</summary>
            {loaded(list, move |acts| {
                if acts.is_empty() {
                    return view! { <p class="muted">{move || i18n.t().mentoring.growth_side_empty}</p> }.into_any();
                }
                view! {
                    <ul class="plain">
                        {acts
                            .into_iter()
                            .map(|a| {
                                let kind = a.kind.0.clone();
                                let day = a.occurred_on.clone();
                                view! {
                                    <li>
                                        <span class="meta">{move || i18n.date(&day)}</span> " "
                                        <span>{move || i18n.t().mentoring.kind_name(&kind)}</span>
                                        {a.summary.filter(|s| !s.is_empty()).map(|s| view! { <p class="summary-text">{s}</p> })}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                .into_any()
            })}
        </details>
    }
}

/// The published growth messages of the caller's children (parent) or of
/// the caller (student), printable.
#[component]
pub fn PublishedGrowthMessages(
    /// Only this student's messages (a parent on one child's page).
    #[prop(optional)]
    student_id: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let msgs = LocalResource::new(|| async {
        api::query::<ops::MyGrowthMessages>(ops::my_growth_messages::Variables)
            .await
            .map(|d| d.my_growth_messages)
    });
    view! {
        <section class="card growth-messages" id="growth-messages" aria-label=move || i18n.t().mentoring.growth_title>
            <div class="card-head">
                <h2>{move || i18n.t().mentoring.growth_title}</h2>
                <button type="button" class="btn secondary no-print" id="print-growth" on:click=move |_| {
                    if let Some(w) = web_sys::window() {
                        let _ = w.print();
                    }
                }>{move || i18n.t().mentoring.print}</button>
            </div>
            {loaded(msgs, move |list| {
                let list: Vec<_> = list
                    .into_iter()
                    .filter(|m| student_id.as_ref().is_none_or(|id| *id == m.student.id))
                    .collect();
                if list.is_empty() {
                    return view! { <p class="muted" id="no-growth">{move || i18n.t().mentoring.growth_none}</p> }.into_any();
                }
                list.into_iter()
                    .map(|m| {
                        let term = m.term_name.clone();
                        let mentor = m.mentor.name.clone();
                        let spots = m.bright_spots.clone();
                        view! {
                            <article class="growth-message" data-student=m.student.id.clone()>
                                <h3>{m.student.name.clone()}</h3>
                                <p class="meta">{move || (i18n.t().mentoring.growth_from)(&term, &mentor)}</p>
                                <p class="growth-body">{m.body.clone()}</p>
                                {(!spots.is_empty()).then(|| view! {
                                    <p class="meta">{move || (i18n.t().mentoring.bright_spots)(&spots.join("、"))}</p>
                                })}
                            </article>
                        }
                    })
                    .collect_view()
                    .into_any()
            })}
        </section>
    }
}

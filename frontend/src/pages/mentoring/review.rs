//! The review step of growth messages (head teacher, grade leader) and the
//! grade leader's list of the grade's mentors.

use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::i18n::use_i18n;
use crate::ops;
use crate::ui::{ErrorBox, loaded};

type ReviewRow = ops::growth_messages_to_review::GrowthMessagesToReviewGrowthMessagesToReview;

/// Submitted growth messages of the caller's classes or grades: read each,
/// approve it, or return it to its mentor with a comment.
#[component]
pub fn GrowthReviewList() -> impl IntoView {
    let i18n = use_i18n();
    let list = LocalResource::new(|| async {
        api::query::<ops::GrowthMessagesToReview>(ops::growth_messages_to_review::Variables)
            .await
            .map(|d| d.growth_messages_to_review)
    });
    view! {
        <section class="card" id="growth-review">
            <h2>{move || i18n.t().mentoring.review_title}</h2>
            {loaded(list, move |rows| {
                if rows.is_empty() {
                    return view! { <p class="muted" id="no-review">{move || i18n.t().mentoring.review_none}</p> }.into_any();
                }
                view! {
                    <ul class="plain review-list">
                        {rows.into_iter().map(|m| view! { <ReviewItem m=m/> }).collect_view()}
                    </ul>
                }
                .into_any()
            })}
        </section>
    }
}

#[component]
fn ReviewItem(m: ReviewRow) -> impl IntoView {
    let i18n = use_i18n();
    let comment = RwSignal::new(String::new());
    let need = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let done = RwSignal::new(None::<bool>);
    let busy = RwSignal::new(false);
    let id = m.id.clone();
    let act = move |approve: bool| {
        let text = comment.get_untracked().trim().to_string();
        if !approve && text.is_empty() {
            need.set(true);
            return;
        }
        need.set(false);
        error.set(None);
        busy.set(true);
        let id = id.clone();
        leptos::task::spawn_local(async move {
            let r = api::query::<ops::ReviewGrowthMessage>(ops::review_growth_message::Variables {
                id,
                approve,
                comment: (!text.is_empty()).then_some(text),
            })
            .await;
            if busy.is_disposed() {
                return;
            }
            busy.set(false);
            match r {
                Ok(_) => done.set(Some(approve)),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let act2 = act.clone();
    let mentor = m.mentor.name.clone();
    let spots = m.bright_spots.join("、");
    view! {
        <li class="review-item" data-id=m.id.clone()>
            <h3>{m.student.name.clone()}</h3>
            <p class="meta">{move || (i18n.t().mentoring.review_by)(&mentor)} " · " {m.term_name.clone()}</p>
            <p class="growth-body">{m.body.clone()}</p>
            {(!spots.is_empty()).then(|| view! { <p class="meta">{move || (i18n.t().mentoring.bright_spots)(&spots)}</p> })}
            {move || match done.get() {
                Some(true) => view! { <p class="notice" role="status">{move || i18n.t().mentoring.review_done_approved}</p> }.into_any(),
                Some(false) => view! { <p class="notice" role="status">{move || i18n.t().mentoring.review_done_returned}</p> }.into_any(),
                None => {
                    let (a1, a2) = (act.clone(), act2.clone());
                    view! {
                        <label>{move || i18n.t().mentoring.review_comment_label}
                            <textarea class="review-comment" rows="2" maxlength="500" bind:value=comment></textarea>
                        </label>
                        {move || need.get().then(|| view! { <p class="error" role="alert">{move || i18n.t().mentoring.review_comment_needed}</p> })}
                        {move || error.get().map(|e| view! { <ErrorBox err=e/> })}
                        <div class="button-row">
                            <button type="button" class="btn primary review-approve" disabled=move || busy.get()
                                on:click=move |_| a1(true)>{move || i18n.t().mentoring.review_approve}</button>
                            <button type="button" class="btn secondary review-return" disabled=move || busy.get()
                                on:click=move |_| a2(false)>{move || i18n.t().mentoring.review_return}</button>
                        </div>
                    }
                    .into_any()
                }
            }}
        </li>
    }
}

/// The grade's mentors (grade leader): how many of the grade's students
/// each mentors and how many records they kept. No private text.
#[component]
pub fn GradeMentors() -> impl IntoView {
    let i18n = use_i18n();
    let list = LocalResource::new(|| async {
        api::query::<ops::GradeMentors>(ops::grade_mentors::Variables)
            .await
            .map(|d| d.mentor_activity_counts)
    });
    view! {
        <section class="card" id="grade-mentors">
            <h2>{move || i18n.t().mentoring.mentors_title}</h2>
            {loaded(list, move |rows| {
                if rows.is_empty() {
                    return view! { <p class="muted">{move || i18n.t().mentoring.mentors_none}</p> }.into_any();
                }
                view! {
                    <ul class="plain" id="grade-mentor-list">
                        {rows
                            .into_iter()
                            .map(|r| {
                                let (n, t) = (r.mentee_count, r.total);
                                view! {
                                    <li class="term">
                                        <span class="name">{r.mentor.name}</span>
                                        <span class="meta">{move || (i18n.t().mentoring.mentor_line)(&i18n.num(n), &i18n.num(t))}</span>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                .into_any()
            })}
        </section>
    }
}

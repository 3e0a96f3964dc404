//! The head teacher's application for a mentor team (导师团) for a student
//! of the class: a written reason and the student's mentors proposed as
//! members; the leading group (school admin) decides. Shown only on the
//! page of a student of the head teacher's class, never marking the
//! student anywhere else.

use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::i18n::use_i18n;
use crate::ops;
use crate::ui::{ErrorBox, loaded};

/// The application card: the head teacher's applications for this student
/// (with their status), and the form when none is pending.
#[component]
pub fn TeamApplication(
    /// The student.
    student_id: String,
    /// The student's mentors: (staff id, name), proposed by default.
    mentors: Vec<(String, String)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let sid = student_id.clone();
    let apps = LocalResource::new(move || {
        let sid = sid.clone();
        async move {
            api::query::<ops::MyTeamApplications>(ops::my_team_applications::Variables)
                .await
                .map(|d| {
                    d.mentor_team_applications
                        .into_iter()
                        .filter(|a| a.student_id == sid)
                        .collect::<Vec<_>>()
                })
        }
    });
    let reason = RwSignal::new(String::new());
    let picked = RwSignal::new(mentors.iter().map(|m| m.0.clone()).collect::<Vec<_>>());
    let need = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let why = reason.get_untracked().trim().to_string();
        if why.is_empty() {
            need.set(true);
            return;
        }
        need.set(false);
        error.set(None);
        busy.set(true);
        let student_id = student_id.clone();
        leptos::task::spawn_local(async move {
            let r = api::query::<ops::ApplyForMentorTeam>(ops::apply_for_mentor_team::Variables {
                student_id,
                reason: why,
                proposed_member_ids: picked.get_untracked(),
            })
            .await;
            if busy.is_disposed() {
                return;
            }
            busy.set(false);
            match r {
                Ok(_) => {
                    reason.set(String::new());
                    apps.refetch();
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let on_submit = std::sync::Arc::new(on_submit);
    view! {
        <section class="card" id="team-application">
            <h2>{move || i18n.t().file.team_title}</h2>
            <p class="hint">{move || i18n.t().file.team_hint}</p>
            {loaded(apps, move |list| {
                let pending = list.iter().any(|a| a.status.0 == "PENDING");
                let mentors = mentors.clone();
                let on_submit = on_submit.clone();
                view! {
                    <ul class="plain" id="team-applications">
                        {list
                            .into_iter()
                            .map(|a| {
                                let st = a.status.0.clone();
                                let day = a.created_at.clone();
                                view! {
                                    <li class="term">
                                        <span>{move || i18n.date(&day)}</span>
                                        <span class="badge team-status">{move || i18n.t().file.team_status(&st)}</span>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                    {(!pending).then(|| view! {
                        <form class="form" id="team-form" on:submit=move |ev| on_submit(ev) novalidate=true>
                            <label for="team-reason">{move || i18n.t().file.team_reason}</label>
                            <textarea id="team-reason" rows="3" maxlength="2000" bind:value=reason></textarea>
                            <fieldset class="chips">
                                <legend>{move || i18n.t().file.team_members}</legend>
                                {mentors
                                    .into_iter()
                                    .map(|(id, name)| {
                                        let id2 = id.clone();
                                        view! {
                                            <label class="chip">
                                                <input
                                                    type="checkbox"
                                                    prop:checked=move || picked.with(|v| v.contains(&id))
                                                    on:change=move |ev| {
                                                        let on = event_target_checked(&ev);
                                                        let id = id2.clone();
                                                        picked.update(|v| {
                                                            v.retain(|x| *x != id);
                                                            if on {
                                                                v.push(id);
                                                            }
                                                        });
                                                    }
                                                />
                                                <span>{name}</span>
                                            </label>
                                        }
                                    })
                                    .collect_view()}
                            </fieldset>
                            {move || need.get().then(|| view! { <p class="error" role="alert">{move || i18n.t().file.team_reason_needed}</p> })}
                            {move || error.get().map(|e| view! { <ErrorBox err=e/> })}
                            <button type="submit" class="btn primary" id="team-apply" disabled=move || busy.get()>
                                {move || i18n.t().file.team_apply}
                            </button>
                        </form>
                    })}
                }
            })}
        </section>
    }
}

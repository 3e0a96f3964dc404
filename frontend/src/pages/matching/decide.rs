//! The leading group's (school admin's) decisions on mentor-team
//! applications (导师团): name a lead mentor and the members, then approve
//! (the members then hold a mentor's rights for the student) or refuse,
//! with an optional note; and the teams formed.

use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::i18n::use_i18n;
use crate::ops;
use crate::ui::{ErrorBox, loaded};

type App = ops::team_applications_for_decision::TeamApplicationsForDecisionMentorTeamApplications;

/// Pending applications with the decision form, and the approved teams.
#[component]
pub fn TeamDecisions() -> impl IntoView {
    let i18n = use_i18n();
    let data = LocalResource::new(|| async {
        api::query::<ops::TeamApplicationsForDecision>(
            ops::team_applications_for_decision::Variables,
        )
        .await
    });
    let decided = Callback::new(move |_| data.refetch());
    view! {
        <section class="card" id="team-decisions">
            <h2>{move || i18n.t().matching.teams_title}</h2>
            <p class="hint">{move || i18n.t().matching.teams_hint}</p>
            {loaded(data, move |d| {
                let pending: Vec<App> = d
                    .mentor_team_applications
                    .into_iter()
                    .filter(|a| a.status.0 == "PENDING")
                    .collect();
                view! {
                    {pending
                        .is_empty()
                        .then(|| view! { <p class="muted">{move || i18n.t().matching.teams_none}</p> })}
                    <ul class="list" id="team-applications">
                        {pending
                            .into_iter()
                            .map(|a| view! { <Decision app=a decided=decided/> })
                            .collect_view()}
                    </ul>
                    <h3>{move || i18n.t().matching.teams_approved}</h3>
                    <ul class="list" id="mentor-teams">
                        {d.mentor_teams
                            .into_iter()
                            .map(|t| {
                                let members = t
                                    .members
                                    .iter()
                                    .map(|m| m.name.clone())
                                    .collect::<Vec<_>>()
                                    .join("、");
                                view! {
                                    <li class="item" data-student=t.student_name.clone()>
                                        <div class="item-main">
                                            <span class="name">{t.student_name.clone()}</span>
                                            <span class="meta">
                                                {move || i18n.t().matching.team_lead} "：" {t.lead.name.clone()}
                                            </span>
                                            <span class="meta">
                                                {move || i18n.t().matching.team_members} "：" {members.clone()}
                                            </span>
                                        </div>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
            })}
        </section>
    }
}

/// One pending application: lead, members, note; approve or refuse.
#[component]
fn Decision(app: App, decided: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let proposed = app.proposed_members.clone();
    let lead = RwSignal::new(proposed.first().map(|m| m.id.clone()).unwrap_or_default());
    let members = RwSignal::new(proposed.iter().map(|m| m.id.clone()).collect::<Vec<_>>());
    let note = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let app_id = app.id.clone();
    let decide = Action::new_local(move |approve: &bool| {
        let approve = *approve;
        let lead_id = lead.get_untracked();
        let v = ops::decide_mentor_team::Variables {
            application_id: app_id.clone(),
            approve,
            lead_mentor_id: (approve && !lead_id.is_empty()).then_some(lead_id.clone()),
            member_ids: if approve {
                members
                    .get_untracked()
                    .into_iter()
                    .filter(|m| *m != lead_id)
                    .collect()
            } else {
                vec![]
            },
            note: Some(note.get_untracked()).filter(|n| !n.trim().is_empty()),
        };
        async move {
            match api::query::<ops::DecideMentorTeam>(v).await {
                Ok(_) => {
                    error.set(None);
                    decided.run(());
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    view! {
        <li class="item team-application" data-student=app.student_name.clone()>
            <div class="item-main">
                <span class="name">{app.student_name.clone()}</span>
                <span class="meta">{move || i18n.t().matching.team_reason} "：" {app.reason.clone()}</span>
                <label>
                    {move || i18n.t().matching.team_lead}
                    <select class="team-lead" on:change=move |ev| lead.set(event_target_value(&ev))>
                        {proposed
                            .iter()
                            .map(|m| view! { <option value=m.id.clone()>{m.name.clone()}</option> })
                            .collect_view()}
                    </select>
                </label>
                <fieldset class="team-members">
                    <legend>{move || i18n.t().matching.team_members}</legend>
                    {proposed
                        .iter()
                        .map(|m| {
                            let id = m.id.clone();
                            let id2 = m.id.clone();
                            view! {
                                <label class="chip">
                                    <input
                                        type="checkbox"
                                        value=m.id.clone()
                                        prop:checked=move || members.with(|v| v.contains(&id))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            members.update(|v| {
                                                v.retain(|x| *x != id2);
                                                if on {
                                                    v.push(id2.clone());
                                                }
                                            });
                                        }
                                    />
                                    {m.name.clone()}
                                </label>
                            }
                        })
                        .collect_view()}
                </fieldset>
                <label>
                    {move || i18n.t().matching.team_note}
                    <input type="text" class="team-note" maxlength="1000" bind:value=note/>
                </label>
                {move || error.get().map(|e| view! { <ErrorBox err=e/> })}
                <div class="row">
                    <button
                        type="button"
                        class="btn team-approve"
                        disabled=move || decide.pending().get()
                        on:click=move |_| {
                            decide.dispatch(true);
                        }
                    >
                        {move || i18n.t().matching.team_approve}
                    </button>
                    <button
                        type="button"
                        class="btn secondary team-refuse"
                        disabled=move || decide.pending().get()
                        on:click=move |_| {
                            decide.dispatch(false);
                        }
                    >
                        {move || i18n.t().matching.team_refuse}
                    </button>
                </div>
            </div>
        </li>
    }
}

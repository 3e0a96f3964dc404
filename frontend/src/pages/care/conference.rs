//! Case conferences (个例会诊 / 导师会诊): the list with scheduling (a
//! counsellor or grade leader picks open cases, the time, the agenda and
//! the participants), and one conference with its record — the discussion
//! summary and the decided actions, each with an owner picked by name and
//! a due day. The server decides what each viewer sees.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use shared::org::Role;

use super::actions::OwnerPicker;
use super::{level_badge, when};
use crate::api::{self, ApiError};
use crate::i18n::{I18n, use_i18n};
use crate::ops;
use crate::session::use_session;
use crate::ui::{ErrorBox, PageTitle, loaded};

/// An instant from a `datetime-local` value (the browser's time zone).
fn instant(local: &str) -> Option<String> {
    let d = js_sys::Date::new(&local.into());
    (!d.get_time().is_nan()).then(|| d.to_iso_string().as_string().unwrap_or_default())
}

/// The conferences the viewer sees, as links.
pub fn conference_list(
    i18n: I18n,
    list: Vec<ops::care_conferences::CareConferencesCareConferences>,
) -> impl IntoView {
    if list.is_empty() {
        return view! { <p class="muted">{move || i18n.t().care_conf.conferences_none}</p> }
            .into_any();
    }
    view! {
        <ul class="list conference-list">
            {list.into_iter().map(|c| {
                let recorded = c.recorded_at.is_some();
                let names = c.cases.iter().map(|k| k.student_name.clone()).collect::<Vec<_>>().join("、");
                view! {
                    <li>
                        <A href=format!("/care/conferences/{}", c.id) attr:class="item link">
                            <div class="item-main">
                                <span class="name">{when(&c.scheduled_at)}</span>
                                <span class="meta">{names} " · " {c.organiser_name.clone().unwrap_or_default()}</span>
                            </div>
                            <span class=if recorded { "meta nowrap ok" } else { "meta nowrap" }>
                                {move || if recorded { i18n.t().care_conf.recorded } else { i18n.t().care_conf.pending }}
                            </span>
                        </A>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// `/care/conferences`: the list, and scheduling for counsellors and grade
/// leaders.
#[component]
pub fn ConferencesPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let list = LocalResource::new(|| async {
        api::query::<ops::CareConferences>(ops::care_conferences::Variables)
            .await
            .map(|d| d.care_conferences)
    });
    let organiser = move || {
        matches!(
            session.role.get(),
            Some(Role::Counsellor | Role::GradeLeader)
        )
    };
    view! {
        <PageTitle title=|t| t.care_conf.conferences_title/>
        <Show when=organiser>
            <ScheduleForm/>
        </Show>
        <section class="card" id="conferences">
            {loaded(list, move |l| conference_list(i18n, l))}
        </section>
    }
}

/// Scheduling a conference.
#[component]
fn ScheduleForm() -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let cases = LocalResource::new(|| async {
        api::query::<ops::ConferenceCases>(ops::conference_cases::Variables)
            .await
            .map(|d| d.care_cases)
    });
    let picked = RwSignal::new(Vec::<String>::new());
    let at = RwSignal::new(String::new());
    let agenda = RwSignal::new(String::new());
    let people = RwSignal::new(Vec::<(String, String)>::new());
    let person = RwSignal::new(String::new());
    let person_name = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<&'static str>);
    let error = RwSignal::new(None::<ApiError>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let t = i18n.t().care_conf;
        let case_ids = picked.get_untracked();
        let when = instant(&at.get_untracked());
        let text = agenda.get_untracked().trim().to_string();
        problem.set(if case_ids.is_empty() {
            Some(t.pick_cases)
        } else if when.is_none() {
            Some(t.fill_when)
        } else if text.is_empty() {
            Some(t.fill_agenda)
        } else {
            None
        });
        if problem.get_untracked().is_some() {
            return;
        }
        error.set(None);
        let input = ops::schedule_care_conference::ScheduleConferenceInput {
            case_ids,
            scheduled_at: when.unwrap_or_default(),
            agenda: text,
            participants: people.get_untracked().into_iter().map(|p| p.0).collect(),
        };
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            let r = api::query::<ops::ScheduleCareConference>(
                ops::schedule_care_conference::Variables { input },
            )
            .await;
            match r {
                Ok(d) => navigate(
                    &format!("/care/conferences/{}", d.schedule_care_conference.id),
                    Default::default(),
                ),
                Err(e) => {
                    if !error.is_disposed() {
                        error.set(Some(e));
                    }
                }
            }
        });
    };
    view! {
        <details class="card" id="schedule-form">
            <summary>{move || i18n.t().care_conf.schedule_title}</summary>
            <form class="case-form" on:submit=submit novalidate=true>
                <fieldset>
                    <legend>{move || i18n.t().care_conf.pick_cases}</legend>
                    {loaded(cases, move |cs| {
                        if cs.is_empty() {
                            return view! { <p class="muted">{move || i18n.t().care_conf.no_open_cases}</p> }.into_any();
                        }
                        cs.into_iter().map(|c| {
                            let id = c.id.clone();
                            view! {
                                <label class="check">
                                    <input type="checkbox" name="case" value=c.id.clone() on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        let id = id.clone();
                                        picked.update(|p| {
                                            p.retain(|x| *x != id);
                                            if on {
                                                p.push(id);
                                            }
                                        });
                                    }/>
                                    {level_badge(i18n, c.level.clone().map(|l| l.0))} " " {c.student_name.clone()} " · " {c.class_name.clone()}
                                </label>
                            }
                        }).collect_view().into_any()
                    })}
                </fieldset>
                <label>{move || i18n.t().care_conf.scheduled_at}
                    <input type="datetime-local" name="at" on:input=move |ev| at.set(event_target_value(&ev))/>
                </label>
                <label>{move || i18n.t().care_conf.agenda}
                    <textarea name="agenda" maxlength="2000" on:input=move |ev| agenda.set(event_target_value(&ev))></textarea>
                </label>
                <fieldset>
                    <legend>{move || i18n.t().care_conf.participants}</legend>
                    <ul class="chips">
                        {move || people.get().into_iter().map(|(id, name)| view! {
                            <li>{name} " "
                                <button type="button" class="btn ghost" aria-label=move || i18n.t().care_conf.remove on:click=move |_| {
                                    let id = id.clone();
                                    people.update(|p| p.retain(|x| x.0 != id));
                                }>"×"</button>
                            </li>
                        }).collect_view()}
                    </ul>
                    <OwnerPicker case_ids=vec![] value=person name="participant" picked_name=person_name/>
                    <button type="button" class="btn secondary" id="add-participant" on:click=move |_| {
                        let id = person.get_untracked();
                        if id.is_empty() {
                            return;
                        }
                        let name = person_name.get_untracked();
                        people.update(|p| {
                            if !p.iter().any(|x| x.0 == id) {
                                p.push((id, name));
                            }
                        });
                    }>{move || i18n.t().care_conf.add_participant}</button>
                </fieldset>
                {move || problem.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
                {move || error.get().map(|e| view! { <ErrorBox err=e/> })}
                <button type="submit" class="btn primary">{move || i18n.t().care_conf.schedule_submit}</button>
            </form>
        </details>
    }
}

type Detail = ops::care_conference_detail::CareConferenceDetailCareConference;

/// `/care/conferences/:id`: one conference and, for its organiser or a
/// counsellor, recording it.
#[component]
pub fn ConferencePage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let conf = LocalResource::new(move || {
        let id = params.with(|p| p.get("id").unwrap_or_default());
        async move {
            api::query::<ops::CareConferenceDetail>(ops::care_conference_detail::Variables { id })
                .await
                .map(|d| d.care_conference)
        }
    });
    view! {
        <A href="/care/conferences" attr:class="btn ghost back">"‹ " {move || i18n.t().care_conf.conferences_title}</A>
        <PageTitle title=|t| t.care_conf.conference_title/>
        {loaded(conf, move |c| {
            let record = c.may_record.then(|| {
                let cases: Vec<(String, String)> = c.cases.iter().map(|k| (k.id.clone(), k.student_name.clone())).collect();
                view! { <RecordForm id=c.id.clone() cases=cases done=Callback::new(move |_| conf.refetch())/> }
            });
            view! {
                {summary(i18n, &c)}
                {actions(i18n, &c)}
                {record}
            }
        })}
    }
}

fn summary(i18n: I18n, c: &Detail) -> impl IntoView + use<> {
    let fact = |label: fn(&crate::i18n::Tr) -> &'static str, v: Option<String>| {
        v.filter(|v| !v.is_empty())
            .map(|v| view! { <dt>{move || label(i18n.t())}</dt><dd>{v}</dd> })
    };
    let people = c
        .participants
        .iter()
        .map(|p| p.name.clone())
        .collect::<Vec<_>>()
        .join("、");
    view! {
        <section class="card" id="conference-summary">
            <h2>{when(&c.scheduled_at)}</h2>
            <dl class="facts">
                {fact(|t| t.care_conf.organiser, c.organiser_name.clone())}
                {fact(|t| t.care_conf.participants, Some(people))}
                {fact(|t| t.care_conf.agenda, c.agenda.clone())}
                {fact(|t| t.care_conf.summary, c.summary.clone())}
            </dl>
            <ul class="list" id="conference-cases">
                {c.cases.clone().into_iter().map(|k| {
                    let badge = level_badge(i18n, k.level.map(|l| l.0));
                    view! {
                        <li>
                            <A href=format!("/care/{}", k.id) attr:class="item link">
                                <span class="name">{badge} " " {k.student_name}</span>
                                <span class="meta">{k.class_name}</span>
                            </A>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

fn actions(i18n: I18n, c: &Detail) -> impl IntoView + use<> {
    let list = c.actions.clone();
    (!list.is_empty() || c.recorded_at.is_some()).then(|| view! {
        <section class="card" id="conference-actions">
            <h2>{move || i18n.t().care_conf.actions_title}</h2>
            {list.is_empty().then(|| view! { <p class="muted">{move || i18n.t().care_conf.actions_none}</p> })}
            <ul class="list">
                {list.into_iter().map(|a| {
                    let due = a.due_on.clone();
                    view! {
                        <li class="care-action" class:done=a.done>
                            <div class="item-main">
                                <span class="name">{a.student_name.clone()} " · " {a.owner_name.clone().unwrap_or_default()}</span>
                                <span>{a.description.clone()}</span>
                                <span class="meta">
                                    {due.map(|d| view! { {move || i18n.t().care_conf.due_on} " " {move || i18n.date(&d)} })}
                                    {a.overdue.then(|| view! { " " <span class="overdue">{move || i18n.t().care_conf.overdue}</span> })}
                                    {a.done.then(|| view! { " " <span class="ok">{move || i18n.t().care_conf.done}</span> })}
                                </span>
                            </div>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    })
}

/// One decided action being written.
#[derive(Clone, Copy)]
struct Row {
    key: u32,
    case_id: RwSignal<String>,
    text: RwSignal<String>,
    owner: RwSignal<String>,
    due: RwSignal<String>,
}

impl Row {
    fn new(key: u32, case_id: String) -> Row {
        Row {
            key,
            case_id: RwSignal::new(case_id),
            text: RwSignal::new(String::new()),
            owner: RwSignal::new(String::new()),
            due: RwSignal::new(String::new()),
        }
    }
}

/// Recording the discussion and the decided actions (once).
#[component]
fn RecordForm(id: String, cases: Vec<(String, String)>, done: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let summary = RwSignal::new(String::new());
    let first = cases.first().map(|c| c.0.clone()).unwrap_or_default();
    let rows = RwSignal::new(vec![Row::new(0, first.clone())]);
    let next = StoredValue::new(1u32);
    let problem = RwSignal::new(None::<&'static str>);
    let error = RwSignal::new(None::<ApiError>);
    let case_ids: Vec<String> = cases.iter().map(|c| c.0.clone()).collect();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let t = i18n.t().care_conf;
        let text = summary.get_untracked().trim().to_string();
        let list: Vec<Row> = rows.get_untracked();
        // An untouched row is left out; a started one must be complete.
        let started: Vec<Row> = list
            .into_iter()
            .filter(|r| {
                !r.text.get_untracked().trim().is_empty() || !r.owner.get_untracked().is_empty()
            })
            .collect();
        problem.set(if text.is_empty() {
            Some(t.fill_summary)
        } else if started
            .iter()
            .any(|r| r.text.get_untracked().trim().is_empty() || r.owner.get_untracked().is_empty())
        {
            Some(t.fill_action)
        } else {
            None
        });
        if problem.get_untracked().is_some() {
            return;
        }
        error.set(None);
        let actions = started
            .iter()
            .map(|r| ops::record_care_conference::DecidedActionInput {
                case_id: r.case_id.get_untracked(),
                description: r.text.get_untracked().trim().to_string(),
                owner_staff_id: r.owner.get_untracked(),
                due_on: Some(r.due.get_untracked()).filter(|d| !d.is_empty()),
            })
            .collect();
        let id = id.clone();
        leptos::task::spawn_local(async move {
            let r =
                api::query::<ops::RecordCareConference>(ops::record_care_conference::Variables {
                    id,
                    summary: text,
                    actions,
                })
                .await;
            if error.is_disposed() {
                return;
            }
            match r {
                Ok(_) => done.run(()),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <section class="card" id="record-form">
            <h2>{move || i18n.t().care_conf.record_title}</h2>
            <form class="case-form" on:submit=submit novalidate=true>
                <label>{move || i18n.t().care_conf.summary}
                    <textarea name="summary" maxlength="2000" on:input=move |ev| summary.set(event_target_value(&ev))></textarea>
                </label>
                <h3>{move || i18n.t().care_conf.actions_title}</h3>
                <For each=move || rows.get() key=|r| r.key let:r>
                    <fieldset class="action-row">
                        {(cases.len() > 1).then(|| view! {
                            <label>{move || i18n.t().care_conf.action_case}
                                <select name="case" on:change=move |ev| r.case_id.set(event_target_value(&ev))>
                                    {cases.iter().map(|(cid, name)| view! { <option value=cid.clone()>{name.clone()}</option> }).collect_view()}
                                </select>
                            </label>
                        })}
                        <label>{move || i18n.t().care_conf.action_desc}
                            <textarea name="action" maxlength="2000" on:input=move |ev| r.text.set(event_target_value(&ev))></textarea>
                        </label>
                        <label>{move || i18n.t().care_conf.owner}</label>
                        <OwnerPicker case_ids=case_ids.clone() value=r.owner/>
                        <label>{move || i18n.t().care_conf.due_on}
                            <input type="date" name="due" on:input=move |ev| r.due.set(event_target_value(&ev))/>
                        </label>
                    </fieldset>
                </For>
                <button type="button" class="btn secondary" id="add-action-row" on:click=move |_| {
                    let key = next.get_value();
                    next.set_value(key + 1);
                    rows.update(|v| v.push(Row::new(key, first.clone())));
                }>{move || i18n.t().care_conf.add_action_row}</button>
                {move || problem.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
                {move || error.get().map(|e| view! { <ErrorBox err=e/> })}
                <button type="submit" class="btn primary">{move || i18n.t().care_conf.record_submit}</button>
            </form>
        </section>
    }
}

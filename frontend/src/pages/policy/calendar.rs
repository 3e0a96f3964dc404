//! The school calendar: a term's key exams and life events.

use leptos::prelude::*;

use crate::api::{self};
use crate::i18n::use_i18n;
use crate::ops;
use crate::ui::{ErrorBox, loaded};

use super::*;

/// The school calendar: a term's key exams and events, add and delete.
#[component]
pub(super) fn Calendar(terms: Vec<TermOpt>) -> impl IntoView {
    let i18n = use_i18n();
    let d = today();
    let first = terms
        .iter()
        .find(|t| t.starts_on <= d && d <= t.ends_on)
        .or(terms.first())
        .map(|t| t.id.clone());
    let term = RwSignal::new(first.unwrap_or_default());
    let events = LocalResource::new(move || {
        let term_id = term.get();
        async move {
            if term_id.is_empty() {
                return Ok(Vec::new());
            }
            api::query::<ops::CalendarEvents>(ops::calendar_events::Variables { term_id })
                .await
                .map(|d| d.calendar_events)
        }
    });
    let name = RwSignal::new(String::new());
    let date = RwSignal::new(String::new());
    let kind = RwSignal::new("KEY_EXAM".to_string());
    let grades = RwSignal::new(String::new());
    let add = Action::new_local(
        move |input: &ops::create_calendar_event::CalendarEventInput| {
            let input = input.clone();
            async move {
                api::query::<ops::CreateCalendarEvent>(ops::create_calendar_event::Variables {
                    input,
                })
                .await
                .map(|_| ())
            }
        },
    );
    let remove = Action::new_local(move |id: &String| {
        let id = id.clone();
        async move {
            api::query::<ops::DeleteCalendarEvent>(ops::delete_calendar_event::Variables { id })
                .await
                .map(|_| ())
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = add.value().get() {
            name.set(String::new());
            date.set(String::new());
            grades.set(String::new());
            events.refetch();
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = remove.value().get() {
            events.refetch();
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let gs: Vec<i64> = grades
            .get_untracked()
            .split([',', '，', '、', ' ', ';', '；'])
            .filter_map(|g| g.trim().parse::<i64>().ok())
            .collect();
        add.dispatch(ops::create_calendar_event::CalendarEventInput {
            term_id: term.get_untracked(),
            kind: ops::EventKind(kind.get_untracked()),
            date: date.get_untracked(),
            grades: gs,
            name: name.get_untracked().trim().to_string(),
        });
    };
    const KINDS: [&str; 3] = ["KEY_EXAM", "LIFE_EVENT", "OTHER"];
    view! {
        <section class="card" id="calendar">
            <h2>{move || i18n.t().policy.calendar_title}</h2>
            <p class="meta">{move || i18n.t().policy.calendar_intro}</p>
            <label for="calendar-term">{move || i18n.t().policy.effective_term}</label>
            <select id="calendar-term" on:change=move |ev| term.set(event_target_value(&ev))>
                {terms
                    .into_iter()
                    .map(|t| {
                        let id = t.id.clone();
                        view! { <option value=t.id.clone() selected=move || term.get() == id>{t.name.clone()}</option> }
                    })
                    .collect_view()}
            </select>
            {loaded(events, move |es| {
                if es.is_empty() {
                    return view! { <p class="muted">{move || i18n.t().policy.calendar_empty}</p> }.into_any();
                }
                let mut es = es;
                es.sort_by(|a, b| a.date.cmp(&b.date));
                view! {
                    <ul class="plain events" id="event-list">
                        {es
                            .into_iter()
                            .map(|e| {
                                let (date, kind) = (e.date.clone(), e.kind.0.clone());
                                let grades = e.grades.iter().map(|g| g.to_string()).collect::<Vec<_>>();
                                let id = e.id.clone();
                                let label = e.name.clone();
                                view! {
                                    <li class="event">
                                        <div class="item-main">
                                            <span class="name">{e.name.clone()}</span>
                                            <span class="meta">
                                                {move || i18n.date(&date)} " · " {move || i18n.t().policy.event_kind(&kind)} " · "
                                                {move || {
                                                    if grades.is_empty() {
                                                        i18n.t().policy.every_grade.to_string()
                                                    } else {
                                                        grades.iter().map(|g| (i18n.t().org.grade_n)(g)).collect::<Vec<_>>().join("、")
                                                    }
                                                }}
                                            </span>
                                        </div>
                                        <button
                                            type="button"
                                            class="btn ghost danger"
                                            aria-label=move || format!("{} {}", i18n.t().policy.delete, label)
                                            on:click=move |_| {
                                                remove.dispatch(id.clone());
                                            }
                                        >
                                            {move || i18n.t().policy.delete}
                                        </button>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                .into_any()
            })}
            {move || match remove.value().get() {
                Some(Err(e)) => Some(view! { <ErrorBox err=e/> }),
                _ => None,
            }}
            <form class="form" id="event-form" on:submit=on_submit>
                <h3>{move || i18n.t().policy.add_event}</h3>
                <label for="event-name">{move || i18n.t().policy.event_name}</label>
                <input id="event-name" type="text" required=true bind:value=name/>
                <div class="grid2">
                    <div class="field">
                        <label for="event-date">{move || i18n.t().policy.event_date}</label>
                        <input id="event-date" type="date" required=true bind:value=date/>
                    </div>
                    <div class="field">
                        <label for="event-kind">{move || i18n.t().policy.event_kind}</label>
                        <select id="event-kind" on:change=move |ev| kind.set(event_target_value(&ev))>
                            {KINDS
                                .into_iter()
                                .map(|k| view! { <option value=k selected=move || kind.get() == k>{move || i18n.t().policy.event_kind(k)}</option> })
                                .collect_view()}
                        </select>
                    </div>
                </div>
                <label for="event-grades">{move || i18n.t().policy.event_grades}</label>
                <input id="event-grades" type="text" inputmode="numeric" placeholder=move || i18n.t().policy.event_grades_hint bind:value=grades/>
                {move || match add.value().get() {
                    Some(Err(e)) => Some(view! { <ErrorBox err=e/> }),
                    _ => None,
                }}
                <button type="submit" class="btn secondary wide" id="event-add" disabled=move || add.pending().get()>
                    {move || if add.pending().get() { i18n.t().saving } else { i18n.t().policy.add_event }}
                </button>
            </form>
        </section>
    }
}

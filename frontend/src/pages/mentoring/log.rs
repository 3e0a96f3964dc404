//! The quick log (three taps, offline through the outbox) and a student's
//! recent activities.

use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::i18n::{I18n, use_i18n};
use crate::ops;
use crate::outbox::{self, Entry};
use crate::ui::{ErrorBox, loaded};

use super::*;

/// Log a talk in three taps: pick the student (unless the page is the
/// student's), pick the kind (谈心谈话 preselected), save. When, how (face
/// to face) default from the context; the rest is folded away. The entry
/// goes to the outbox first, so it survives being offline.
#[component]
pub fn QuickLog(
    /// The student, when logging from the student's page: (id, name).
    #[prop(optional)]
    student: Option<(String, String)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let fixed = student.is_some();
    let picked = RwSignal::new(student);
    let students = (!fixed).then(my_students);
    let kind = RwSignal::new(KINDS[0].to_string());
    let channel = RwSignal::new(CHANNELS[0].to_string());
    let trigger = RwSignal::new(String::new());
    let areas = RwSignal::new(Vec::<String>::new());
    let summary = RwSignal::new(String::new());
    let follow_up = RwSignal::new(String::new());
    // The day it happened (补记: back-dated entries keep their day).
    let day = RwSignal::new(today());
    // Why, when the day is further back than a mentor may go (班主任/管理员).
    let reason = RwSignal::new(String::new());
    // The last entry saved (its client key), or what stops saving.
    let note = RwSignal::new(None::<Result<String, LogProblem>>);

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some((student_id, student_name)) = picked.get_untracked() else {
            note.set(Some(Err(LogProblem::NoStudent)));
            return;
        };
        let Some(occurred_at) = occurred_at(&day.get_untracked()) else {
            note.set(Some(Err(LogProblem::FutureDay)));
            return;
        };
        let follow = follow_up.get_untracked().trim().to_string();
        let entry = Entry {
            client_key: outbox::new_key(),
            student_id,
            student_name,
            kind: kind.get_untracked(),
            channel: channel.get_untracked(),
            occurred_at,
            backdate_reason: Some(reason.get_untracked().trim().to_string())
                .filter(|r| !r.is_empty() && long_ago(&day.get_untracked())),
            trigger: Some(trigger.get_untracked()).filter(|t| !t.is_empty()),
            guidance_areas: areas.get_untracked(),
            summary: summary.get_untracked().trim().to_string(),
            follow_up: (!follow.is_empty()).then_some(follow),
            failed: None,
        };
        let key = entry.client_key.clone();
        outbox::push(entry);
        note.set(Some(Ok(key)));
        summary.set(String::new());
        follow_up.set(String::new());
        trigger.set(String::new());
        areas.set(Vec::new());
        day.set(today());
        reason.set(String::new());
        if !fixed {
            picked.set(None);
        }
    };

    let student_picker = move || {
        let students = students?;
        Some(view! {
            <label for="log-student">{move || i18n.t().mentoring.pick_student}</label>
            {loaded(students, move |list| {
                let list2 = list.clone();
                view! {
                    <select
                        id="log-student"
                        prop:value=move || picked.get().map(|p| p.0).unwrap_or_default()
                        on:change=move |ev| {
                            let id = event_target_value(&ev);
                            picked.set(list2.iter().find(|s| s.0 == id).cloned());
                            note.set(None);
                        }
                    >
                        <option value="">"—"</option>
                        {list
                            .into_iter()
                            .map(|(id, name)| view! { <option value=id>{name}</option> })
                            .collect_view()}
                    </select>
                }
            })}
        })
    };

    view! {
        <form class="card form quick-log" id="quick-log" on:submit=on_submit novalidate=true>
            <h2>{move || i18n.t().mentoring.quick_log}</h2>
            <p class="muted">{move || i18n.t().mentoring.quick_log_hint}</p>
            {student_picker}
            <fieldset class="chips" id="log-kind">
                <legend>{move || i18n.t().mentoring.kind}</legend>
                {KINDS
                    .iter()
                    .map(|&k| {
                        view! {
                            <label class="chip" class:on=move || kind.get() == k>
                                <input
                                    type="radio"
                                    name="log-kind"
                                    value=k
                                    prop:checked=move || kind.get() == k
                                    on:change=move |_| {
                                        kind.set(k.to_string());
                                        // A home visit happens at home (上门).
                                        if k == "HOME_VISIT" {
                                            channel.set("HOME".to_string());
                                        }
                                    }
                                />
                                <span>{move || i18n.t().mentoring.kind_name(k)}</span>
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <label for="log-day">{move || i18n.t().mentoring.log_day}</label>
            <input id="log-day" type="date" max=today() prop:value=move || day.get() on:change=move |ev| {
                day.set(event_target_value(&ev));
                note.set(None);
            }/>
            {move || long_ago(&day.get()).then(|| view! {
                <label for="log-backdate-reason">{move || i18n.t().mentoring.backdate_reason}</label>
                <input id="log-backdate-reason" type="text" maxlength="500" bind:value=reason/>
            })}
            <label for="log-channel">{move || i18n.t().mentoring.channel}</label>
            <select id="log-channel" prop:value=move || channel.get() on:change=move |ev| channel.set(event_target_value(&ev))>
                {CHANNELS
                    .iter()
                    .map(|c| view! { <option value=*c>{move || i18n.t().mentoring.channel_name(c)}</option> })
                    .collect_view()}
            </select>
            <details class="more">
                <summary>{move || i18n.t().mentoring.more_details}</summary>
                <label for="log-trigger">{move || i18n.t().mentoring.trigger}</label>
                <select id="log-trigger" prop:value=move || trigger.get() on:change=move |ev| trigger.set(event_target_value(&ev))>
                    <option value="">{move || i18n.t().mentoring.trigger_none}</option>
                    {TRIGGERS
                        .iter()
                        .map(|c| view! { <option value=*c>{move || i18n.t().mentoring.trigger_name(c)}</option> })
                        .collect_view()}
                </select>
                <fieldset class="chips">
                    <legend>{move || i18n.t().mentoring.guidance}</legend>
                    {AREAS
                        .iter()
                        .map(|&a| {
                            view! {
                                <label class="chip">
                                    <input
                                        type="checkbox"
                                        prop:checked=move || areas.with(|v| v.iter().any(|x| x == a))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            areas.update(|v| {
                                                v.retain(|x| x != a);
                                                if on {
                                                    v.push(a.to_string());
                                                }
                                            });
                                        }
                                    />
                                    <span>{move || i18n.t().mentoring.area_name(a)}</span>
                                </label>
                            }
                        })
                        .collect_view()}
                </fieldset>
                <label for="log-summary">{move || i18n.t().mentoring.summary}</label>
                <textarea id="log-summary" rows="3" placeholder=move || i18n.t().mentoring.summary_hint bind:value=summary></textarea>
                <label for="log-follow-up">{move || i18n.t().mentoring.follow_up}</label>
                <input id="log-follow-up" type="text" bind:value=follow_up/>
            </details>
            {move || note.get().map(|n| match n {
                Err(LogProblem::NoStudent) => view! { <p class="error" role="alert">{move || i18n.t().mentoring.no_student_picked}</p> }.into_any(),
                Err(LogProblem::FutureDay) => view! { <p class="error" role="alert">{move || i18n.t().mentoring.future_day}</p> }.into_any(),
                // "Recorded" only once the server has it (the entry left the outbox).
                Ok(key) => view! {
                    <p class="notice" role="status" id="log-note">
                        {move || {
                            outbox::track();
                            if outbox::entries().iter().any(|e| e.client_key == key) {
                                i18n.t().mentoring.saved_pending
                            } else {
                                i18n.t().mentoring.saved_sent
                            }
                        }}
                    </p>
                }
                .into_any(),
            })}
            <button type="submit" class="btn primary wide" id="log-save">{move || i18n.t().mentoring.save}</button>
        </form>
    }
}

/// What stops the quick log from saving.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LogProblem {
    /// No student picked.
    NoStudent,
    /// The day lies after today.
    FutureDay,
}

/// Days back a mentor may date an entry unless the school's policy says
/// otherwise (the server applies the policy; this only decides when to ask
/// for a reason).
const BACKDATE_DAYS: f64 = 30.0;

/// Whether a picked day (`YYYY-MM-DD`) lies more than [`BACKDATE_DAYS`]
/// before today: only the head teacher or an admin may record it, with a
/// reason.
fn long_ago(day: &str) -> bool {
    let picked = js_sys::Date::new(&format!("{day}T12:00:00").into()).get_time();
    let now = js_sys::Date::now();
    !picked.is_nan() && now - picked > (BACKDATE_DAYS + 0.5) * 86_400_000.0
}

/// The instant to record for a day picked in the quick log: now for today,
/// noon (local) of an earlier day, `None` for a later day. The outbox keeps
/// this instant, so an entry sent later keeps the time it was made.
fn occurred_at(day: &str) -> Option<String> {
    let today = today();
    if day.is_empty() || day == today {
        return Some(now_iso());
    }
    if day > today.as_str() {
        return None;
    }
    let d = js_sys::Date::new(&format!("{day}T12:00:00").into());
    if d.get_time().is_nan() {
        return None;
    }
    d.to_iso_string().as_string()
}

type ActivityRow = ops::student_activities::StudentActivitiesActivitiesEdgesNode;

/// A student's recent activities: what waits in the outbox (pending or
/// failed) first, then what the server recorded. Summaries appear only when
/// the server gives them (mentors and head teacher).
#[component]
pub fn ActivityList(
    /// The student.
    student_id: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let sid = student_id.clone();
    let recorded = LocalResource::new(move || {
        // Refetch whenever the outbox changes (an entry was recorded).
        outbox::track();
        let student_id = sid.clone();
        async move {
            api::query::<ops::StudentActivities>(ops::student_activities::Variables {
                student_id,
                first: Some(20),
            })
            .await
            .map(|d| {
                d.activities
                    .edges
                    .into_iter()
                    .map(|e| e.node)
                    .collect::<Vec<ActivityRow>>()
            })
        }
    });
    // The last answer, shown while a refetch is on its way (no flicker).
    let shown = RwSignal::new(None);
    Effect::new(move |_| {
        if let Some(r) = recorded.get() {
            shown.set(Some(r));
        }
    });
    let sid = student_id.clone();
    let waiting = move || {
        outbox::track();
        let known: Vec<String> = recorded
            .get()
            .and_then(|r| r.ok())
            .map(|v| v.into_iter().map(|a| a.client_key).collect())
            .unwrap_or_default();
        outbox::entries()
            .into_iter()
            .filter(|e| e.student_id == sid && !known.contains(&e.client_key))
            .rev()
            .collect::<Vec<Entry>>()
    };
    view! {
        <section class="card" id="activities">
            <h2>{move || i18n.t().mentoring.recent}</h2>
            <ul class="plain activity-list" id="pending-list">
                {move || waiting().into_iter().map(|e| pending_item(i18n, e)).collect_view()}
            </ul>
            {move || match recorded.get().or_else(|| shown.get()) {
                None => view! { <p class="muted" role="status">{move || i18n.t().loading}</p> }.into_any(),
                // Offline: the outbox above is what there is.
                Some(Err(ApiError::Network)) => ().into_any(),
                Some(Err(e)) => view! { <ErrorBox err=e retry=Callback::new(move |_| recorded.refetch())/> }.into_any(),
                Some(Ok(list)) if list.is_empty() => {
                    view! { <p class="muted" id="no-activities">{move || i18n.t().mentoring.no_activities}</p> }.into_any()
                }
                Some(Ok(list)) => view! {
                    <ul class="plain activity-list" id="activity-list">
                        {list.into_iter().map(|a| recorded_item(i18n, a)).collect_view()}
                    </ul>
                }
                .into_any(),
            }}
        </section>
    }
}

fn pending_item(i18n: I18n, e: Entry) -> impl IntoView {
    let day = local_day(&e.occurred_at);
    let failed = e.failure();
    let key = e.client_key.clone();
    let key2 = e.client_key.clone();
    let kind = e.kind.clone();
    let channel = e.channel.clone();
    let class = if failed.is_some() {
        "activity failed"
    } else {
        "activity pending"
    };
    view! {
        <li class=class data-key=e.client_key.clone()>
            <div class="item-main">
                <span class="name">{move || i18n.t().mentoring.kind_name(&kind)}</span>
                <span class="meta">{move || i18n.date(&day)} " · " {move || i18n.t().mentoring.channel_name(&channel)}</span>
                {(!e.summary.is_empty()).then(|| view! { <span class="summary-text">{e.summary.clone()}</span> })}
            </div>
            {match failed {
                None => view! { <span class="badge pending-badge">{move || i18n.t().mentoring.pending}</span> }.into_any(),
                Some(msg) => view! {
                    <div class="failed-box">
                        <span class="badge failed-badge">{move || i18n.t().mentoring.failed}</span>
                        <p class="error">{move || msg.message(i18n.t())}</p>
                        <button type="button" class="btn secondary" on:click=move |_| outbox::retry(&key)>
                            {move || i18n.t().mentoring.retry}
                        </button>
                        <button type="button" class="btn ghost" on:click=move |_| outbox::discard(&key2)>
                            {move || i18n.t().mentoring.discard}
                        </button>
                    </div>
                }
                .into_any(),
            }}
        </li>
    }
}

fn recorded_item(i18n: I18n, a: ActivityRow) -> impl IntoView {
    let kind = a.kind.0.clone();
    let channel = a.channel.0.clone();
    let day = a.occurred_on.clone();
    let mentor = a.mentor.name.clone();
    view! {
        <li class="activity recorded" data-key=a.client_key.clone()>
            <div class="item-main">
                <span class="name">{move || i18n.t().mentoring.kind_name(&kind)}</span>
                <span class="meta">
                    {move || i18n.date(&day)} " · " {move || i18n.t().mentoring.channel_name(&channel)} " · "
                    {move || (i18n.t().mentoring.recorded_by)(&mentor)}
                </span>
                {a.summary.filter(|s| !s.is_empty()).map(|s| view! { <span class="summary-text">{s}</span> })}
            </div>
        </li>
    }
}

//! Mentoring work: the quick log (three taps, offline through the outbox),
//! a student's recent activities, growth messages (the mentor writes, the
//! parent and the student read and print the published ones), talk requests
//! and the student's monthly self-report.

use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::i18n::{I18n, use_i18n};
use crate::ops;
use crate::outbox::{self, Entry};
use crate::ui::{ErrorBox, loaded};

/// The kinds the quick log offers, the default first.
const KINDS: [&str; 4] = ["TALK", "HOME_VISIT", "PARENT_CONTACT", "OTHER"];
const CHANNELS: [&str; 4] = ["FACE_TO_FACE", "HOME", "PHONE", "ONLINE"];
const TRIGGERS: [&str; 6] = [
    "BEFORE_EXAM",
    "AFTER_EXAM",
    "LIFE_EVENT",
    "EMOTIONAL_CHANGE",
    "PROGRESS",
    "ROUTINE",
];
const AREAS: [&str; 6] = [
    "IDEAS",
    "PSYCHOLOGICAL",
    "ACADEMIC",
    "LIFE",
    "CAREER",
    "CONDUCT",
];

fn now_iso() -> String {
    js_sys::Date::new_0()
        .to_iso_string()
        .as_string()
        .unwrap_or_default()
}

/// The local (browser) day of an RFC 3339 instant, `YYYY-MM-DD`.
fn local_day(iso: &str) -> String {
    let d = js_sys::Date::new(&iso.into());
    if d.get_time().is_nan() {
        return iso.chars().take(10).collect();
    }
    format!(
        "{:04}-{:02}-{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date()
    )
}

fn this_month() -> String {
    let d = js_sys::Date::new_0();
    format!("{:04}-{:02}", d.get_full_year(), d.get_month() + 1)
}

fn today() -> String {
    local_day(&now_iso())
}

const STUDENTS_KEY: &str = "daoshi.my-students";

/// The last list of [`my_students`], kept so the quick log works offline
/// (removed on sign-out by the session, overwritten on every load).
fn cached_students() -> Option<Vec<(String, String)>> {
    serde_json::from_str(&crate::storage::get(STUDENTS_KEY)?).ok()
}

/// The students the caller may see, as (id, name) — for a mentor, their
/// mentees; for a parent, their children; for a student, themself. Offline,
/// the last list loaded.
fn my_students() -> LocalResource<Result<Vec<(String, String)>, ApiError>> {
    LocalResource::new(|| async {
        let data = api::query::<ops::Students>(ops::students::Variables {
            first: Some(100),
            after: None,
            class_id: None,
            search: None,
        })
        .await;
        let data = match data {
            Err(ApiError::Network) => return cached_students().ok_or(ApiError::Network),
            other => other?,
        };
        let list: Vec<(String, String)> = data
            .students
            .edges
            .into_iter()
            .map(|e| (e.node.id, e.node.name))
            .collect();
        if let Ok(json) = serde_json::to_string(&list) {
            crate::storage::set(STUDENTS_KEY, &json);
        }
        Ok(list)
    })
}

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
    // The last entry saved (its client key), or `Err` for "pick a student".
    let note = RwSignal::new(None::<Result<String, ()>>);

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some((student_id, student_name)) = picked.get_untracked() else {
            note.set(Some(Err(())));
            return;
        };
        let follow = follow_up.get_untracked().trim().to_string();
        let entry = Entry {
            client_key: outbox::new_key(),
            student_id,
            student_name,
            kind: kind.get_untracked(),
            channel: channel.get_untracked(),
            occurred_at: now_iso(),
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
                                    on:change=move |_| kind.set(k.to_string())
                                />
                                <span>{move || i18n.t().mentoring.kind_name(k)}</span>
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
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
                Err(()) => view! { <p class="error" role="alert">{move || i18n.t().mentoring.no_student_picked}</p> }.into_any(),
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
                view! {
                    <GrowthForm student_id=student_id.clone() term_id=term.id.clone() term_name=term.name.clone() existing=existing/>
                    <TermSide student_id=student_id.clone() term_id=term.id/>
                }
                .into_any()
            })}
        </section>
    }
}

#[component]
fn GrowthForm(
    student_id: String,
    term_id: String,
    term_name: String,
    existing: Option<GrowthRow>,
) -> impl IntoView {
    let i18n = use_i18n();
    let body = RwSignal::new(
        existing
            .as_ref()
            .map(|m| m.body.clone())
            .unwrap_or_default(),
    );
    let id = RwSignal::new(existing.as_ref().map(|m| m.id.clone()));
    let status = RwSignal::new(existing.map(|m| m.status.0));
    let error = RwSignal::new(None::<ApiError>);
    let note = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let empty = RwSignal::new(false);

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
        leptos::task::spawn_local(async move {
            let result: Result<String, ApiError> = async {
                // Always save the text first; then move it on.
                let saved =
                    api::query::<ops::SaveGrowthMessage>(ops::save_growth_message::Variables {
                        student_id,
                        term_id,
                        body: text,
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
        <label for="growth-body">{move || i18n.t().mentoring.growth_body}</label>
        <textarea id="growth-body" rows="6" bind:value=body></textarea>
        {move || empty.get().then(|| view! { <p class="error" role="alert">{move || i18n.t().mentoring.growth_empty_body}</p> })}
        {move || error.get().map(|e| view! { <ErrorBox err=e/> })}
        {move || note.get().then(|| view! { <p class="notice" role="status">{move || i18n.t().mentoring.growth_saved}</p> })}
        <div class="button-row">
            <button type="button" class="btn secondary" id="growth-save" disabled=move || busy.get()
                on:click=move |_| act(0)>{move || i18n.t().mentoring.growth_save}</button>
            <button type="button" class="btn secondary" id="growth-submit" disabled=move || busy.get() || id.get().is_none()
                on:click=move |_| act1(1)>{move || i18n.t().mentoring.growth_submit}</button>
            <button type="button" class="btn primary" id="growth-publish" disabled=move || busy.get() || id.get().is_none()
                on:click=move |_| act2(2)>{move || i18n.t().mentoring.growth_publish}</button>
        </div>
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
pub fn PublishedGrowthMessages() -> impl IntoView {
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

/// The mentoring parts of a student's page for the student's mentor or
/// head teacher: the quick log, the recent activities and the growth
/// message; nothing for other roles. Works offline (the name comes from the
/// cached list of the mentor's students).
pub fn student_work(role: Option<shared::org::Role>, id: String) -> impl IntoView {
    use shared::org::Role;
    matches!(role, Some(Role::Mentor | Role::HeadTeacher)).then(|| {
        let name = cached_students()
            .and_then(|v| v.into_iter().find(|s| s.0 == id).map(|s| s.1))
            .unwrap_or_default();
        view! {
            <QuickLog student=(id.clone(), name)/>
            <ActivityList student_id=id.clone()/>
            <GrowthEditor student_id=id/>
        }
    })
}

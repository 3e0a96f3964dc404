//! The quick log (three taps, offline through the outbox) and a student's
//! recent activities.

use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::i18n::{I18n, use_i18n};
use crate::ops;
use crate::outbox::{self, Entry};
use crate::ui::{ErrorBox, loaded};

use super::*;

/// What the quick log offers beyond the fixed kinds: the school's
/// optional-action menu (自选动作, from the policy in effect) and, per
/// student, the other mentors (for a joint activity). Offline or without a
/// policy it is empty and the log still works.
#[derive(Debug, Clone, Default)]
struct LogOffer {
    menu: Vec<shared::policy::MenuItem>,
    mentors: Vec<(String, Vec<(String, String)>)>,
}

fn log_offer() -> LocalResource<LogOffer> {
    LocalResource::new(|| async {
        let Ok(d) = api::query::<ops::LogMenu>(ops::log_menu::Variables).await else {
            return LogOffer::default();
        };
        let menu = d
            .school_policy
            .in_effect
            .and_then(|v| {
                serde_json::from_value::<Vec<shared::policy::MenuItem>>(
                    v.rules
                        .pointer("/tasks/optional_actions/menu")
                        .cloned()
                        .unwrap_or_default(),
                )
                .ok()
            })
            .unwrap_or_default();
        let mentors = d
            .students
            .edges
            .into_iter()
            .map(|e| {
                let m = e.node.mentors.into_iter().map(|m| (m.id, m.name)).collect();
                (e.node.id, m)
            })
            .collect();
        LogOffer { menu, mentors }
    })
}

/// Log a talk in three taps: pick the student (unless the page is the
/// student's), pick the kind (谈心谈话 preselected), save. When, how (face
/// to face) default from the context; the rest is folded away. Further
/// students make it a group activity; the school's optional-action menu
/// and joint work (with the head teacher or a co-mentor) are one tap each.
/// The entry goes to the outbox first, so it survives being offline.
#[component]
pub fn QuickLog(
    /// The student, when logging from the student's page: (id, name).
    #[prop(optional)]
    student: Option<(String, String)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = crate::session::use_session();
    let fixed = student.is_some();
    let picked = RwSignal::new(student);
    let students = (!fixed).then(my_students);
    let offer = log_offer();
    let kind = RwSignal::new(KINDS[0].to_string());
    let action = RwSignal::new(String::new());
    let more = RwSignal::new(Vec::<(String, String)>::new());
    let co = RwSignal::new(Vec::<String>::new());
    let with_head = RwSignal::new(false);
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
    let me = move || {
        session
            .user
            .with(|u| u.as_ref().and_then(|u| u.staff_id.clone()))
    };
    let is_mentor = move || session.role.get() == Some(shared::org::Role::Mentor);

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
        let k = kind.get_untracked();
        let optional = (k == "OPTIONAL_ACTION").then(|| action.get_untracked());
        if optional.as_deref() == Some("") {
            note.set(Some(Err(LogProblem::NoAction)));
            return;
        }
        let follow = follow_up.get_untracked().trim().to_string();
        let entry = Entry {
            client_key: outbox::new_key(),
            more_students: more
                .get_untracked()
                .into_iter()
                .filter(|s| s.0 != student_id)
                .collect(),
            student_id,
            student_name,
            kind: k,
            channel: channel.get_untracked(),
            occurred_at,
            backdate_reason: Some(reason.get_untracked().trim().to_string())
                .filter(|r| !r.is_empty() && long_ago(&day.get_untracked())),
            trigger: Some(trigger.get_untracked()).filter(|t| !t.is_empty()),
            guidance_areas: areas.get_untracked(),
            summary: summary.get_untracked().trim().to_string(),
            follow_up: (!follow.is_empty()).then_some(follow),
            failed: None,
            optional_action: optional,
            co_mentor_ids: co.get_untracked(),
            with_head_teacher: with_head.get_untracked(),
            concern: None,
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
        more.set(Vec::new());
        co.set(Vec::new());
        with_head.set(false);
        action.set(String::new());
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
                let others = list.clone();
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
                    // Several of my students at once (a group activity).
                    <details class="more" id="log-group">
                        <summary>{move || i18n.t().mentoring.group}</summary>
                        <fieldset class="chips">
                            <legend class="sr-only">{move || i18n.t().mentoring.group}</legend>
                            {others
                                .into_iter()
                                .map(|(id, name)| {
                                    let id2 = id.clone();
                                    let key = id.clone();
                                    let st = (id.clone(), name.clone());
                                    view! {
                                        <label class="chip" class:hidden=move || picked.with(|p| p.as_ref().is_some_and(|p| p.0 == id2))>
                                            <input
                                                type="checkbox"
                                                data-student=key
                                                prop:checked=move || more.with(|v| v.iter().any(|x| x.0 == id))
                                                on:change=move |ev| {
                                                    let on = event_target_checked(&ev);
                                                    let st = st.clone();
                                                    more.update(|v| {
                                                        v.retain(|x| x.0 != st.0);
                                                        if on {
                                                            v.push(st);
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
                    </details>
                }
            })}
        })
    };

    // The kinds: the fixed four, plus 自选动作 when the school has a menu.
    let kinds = move || {
        let has_menu = offer.get().is_some_and(|o| !o.menu.is_empty());
        let mut v: Vec<&'static str> = KINDS.to_vec();
        if has_menu {
            v.insert(1, "OPTIONAL_ACTION");
        }
        v.into_iter()
            .map(|k| {
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
            .collect_view()
    };

    let action_picker = move || {
        (kind.get() == "OPTIONAL_ACTION").then(|| {
            let menu = offer.get().map(|o| o.menu).unwrap_or_default();
            view! {
                <label for="log-action">{move || i18n.t().mentoring.action}</label>
                <select id="log-action" prop:value=move || action.get() on:change=move |ev| action.set(event_target_value(&ev))>
                    <option value="">"—"</option>
                    {menu
                        .into_iter()
                        .map(|m| view! { <option value=m.code.clone()>{m.label_zh.clone()}</option> })
                        .collect_view()}
                </select>
            }
        })
    };

    // Joint work: the head teacher, or another mentor of the chosen students.
    let joint = move || {
        let chosen: Vec<String> = picked
            .get()
            .into_iter()
            .map(|p| p.0)
            .chain(more.get().into_iter().map(|s| s.0))
            .collect();
        let mine = me();
        let mut cands: Vec<(String, String)> = vec![];
        if let Some(o) = offer.get() {
            for (sid, ms) in o.mentors {
                if chosen.contains(&sid) {
                    for m in ms {
                        if Some(&m.0) != mine.as_ref() && !cands.iter().any(|c| c.0 == m.0) {
                            cands.push(m);
                        }
                    }
                }
            }
        }
        view! {
            <fieldset class="chips" id="log-joint">
                <legend>{move || i18n.t().mentoring.joint}</legend>
                {is_mentor().then(|| view! {
                    <label class="chip" class:on=move || with_head.get()>
                        <input type="checkbox" id="log-with-head" prop:checked=move || with_head.get()
                            on:change=move |ev| with_head.set(event_target_checked(&ev))/>
                        <span>{move || i18n.t().mentoring.with_head_teacher}</span>
                    </label>
                })}
                {cands
                    .into_iter()
                    .map(|(id, name)| {
                        let id2 = id.clone();
                        let key = id.clone();
                        view! {
                            <label class="chip">
                                <input
                                    type="checkbox"
                                    data-staff=key
                                    prop:checked=move || co.with(|v| v.contains(&id))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        let id = id2.clone();
                                        co.update(|v| {
                                            v.retain(|x| *x != id);
                                            if on {
                                                v.push(id);
                                            }
                                        });
                                    }
                                />
                                <span>{move || (i18n.t().mentoring.with_co_mentor)(&name)}</span>
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
        }
    };

    view! {
        <form class="card form quick-log" id="quick-log" on:submit=on_submit novalidate=true>
            <h2>{move || i18n.t().mentoring.quick_log}</h2>
            // The hint is about picking a student: not on a student's own page.
            {(!fixed).then(|| view! { <p class="muted">{move || i18n.t().mentoring.quick_log_hint}</p> })}
            {student_picker}
            <fieldset class="chips" id="log-kind">
                <legend>{move || i18n.t().mentoring.kind}</legend>
                {kinds}
            </fieldset>
            {action_picker}
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
            {joint}
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
                Err(LogProblem::NoAction) => view! { <p class="error" role="alert">{move || i18n.t().mentoring.pick_action}</p> }.into_any(),
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
    /// An optional action without an item of the school's menu.
    NoAction,
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
    let offer = log_offer();
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
            .filter(|e| e.involves(&sid) && !known.contains(&e.client_key))
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
                        {
                            let menu = offer.get().map(|o| o.menu).unwrap_or_default();
                            list.into_iter()
                                .map(|a| recorded_item(i18n, a, &menu, Callback::new(move |_| recorded.refetch())))
                                .collect_view()
                        }
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
                <span class="name">{move || if kind == "CONCERN" { i18n.t().care.pending_concern } else { i18n.t().mentoring.kind_name(&kind) }}</span>
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

fn recorded_item(
    i18n: I18n,
    a: ActivityRow,
    menu: &[shared::policy::MenuItem],
    refresh: Callback<()>,
) -> impl IntoView + use<> {
    let session = crate::session::use_session();
    let kind = a.kind.0.clone();
    let channel = a.channel.0.clone();
    let day = a.occurred_on.clone();
    // A student's monthly report is the student's own words, credited to
    // the student (it sits with the mentor only to count for their tasks).
    let student_report = kind == "STUDENT_REPORT";
    let mentor = if student_report {
        a.students
            .first()
            .map(|s| s.name.clone())
            .unwrap_or_default()
    } else {
        a.mentor.name.clone()
    };
    // The recorder amends within the grace period (the server checks both).
    let mine = !student_report
        && session
            .user
            .with_untracked(|u| u.as_ref().and_then(|u| u.staff_id.clone()))
            .is_some_and(|me| me == a.mentor.id);
    let open = mine && now_iso() < a.editable_until;
    let others: Vec<String> = a.students.iter().map(|s| s.name.clone()).collect();
    let joint: Vec<String> = a
        .co_mentors
        .iter()
        .map(|m| m.name.clone())
        .chain(
            a.with_head_teacher
                .then(|| i18n.t().mentoring.head_teacher.to_string()),
        )
        .collect();
    let history = a.amendments.clone();
    let n_history = history.len() as i64;
    let editing = RwSignal::new(false);
    let summary = a.summary.clone().unwrap_or_default();
    let follow = a.follow_up.clone().unwrap_or_default();
    let id = a.id.clone();
    view! {
        <li class="activity recorded" data-key=a.client_key.clone()>
            <div class="item-main">
                <span class="name">
                    {move || if kind == "CONCERN" { i18n.t().care.pending_concern } else { i18n.t().mentoring.kind_name(&kind) }}
                    {a.optional_action.clone().map(|c| {
                        // The menu's label; the code when the menu has changed since.
                        let label = menu.iter().find(|m| m.code == c).map_or(c, |m| m.label_zh.clone());
                        view! { " · " <span class="action-label">{label}</span> }
                    })}
                </span>
                <span class="meta">
                    {move || i18n.date(&day)} " · " {move || i18n.t().mentoring.channel_name(&channel)} " · "
                    {move || (i18n.t().mentoring.recorded_by)(&mentor)}
                </span>
                {(others.len() > 1).then(|| {
                    let names = others.join("、");
                    view! { <span class="meta group-names">{move || (i18n.t().mentoring.group_of)(&names)}</span> }
                })}
                {(!joint.is_empty()).then(|| {
                    let names = joint.join("、");
                    view! { <span class="meta joint-names">{move || (i18n.t().mentoring.joint_with)(&names)}</span> }
                })}
                {a.summary.filter(|s| !s.is_empty()).map(|s| view! { <span class="summary-text">{s}</span> })}
                {a.follow_up.filter(|s| !s.is_empty()).map(|s| view! { <span class="meta">{move || i18n.t().mentoring.follow_up} "：" {s.clone()}</span> })}
                {(!history.is_empty()).then(|| view! {
                    <details class="more amendments">
                        <summary>{move || (i18n.t().mentoring.history)(&i18n.num(n_history))}</summary>
                        <ul class="plain">
                            {history
                                .iter()
                                .map(|h| {
                                    let at = local_day(&h.amended_at);
                                    let before: serde_json::Value = serde_json::from_str(&h.before).unwrap_or_default();
                                    let old = before["summary"].as_str().unwrap_or_default().to_string();
                                    let reason = h.reason.clone().unwrap_or_default();
                                    view! {
                                        <li class="amendment">
                                            <span class="meta">{move || i18n.date(&at)} " · " {move || i18n.t().mentoring.amend_reason} "：" {reason.clone()}</span>
                                            <span class="summary-text old">
                                                {move || i18n.t().mentoring.before} "："
                                                {let old = old.clone(); move || if old.is_empty() { i18n.t().none.to_string() } else { old.clone() }}
                                            </span>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    </details>
                })}
                {open.then(|| view! {
                    <button type="button" class="btn ghost amend-open" on:click=move |_| editing.update(|e| *e = !*e)>
                        {move || i18n.t().mentoring.amend}
                    </button>
                    {move || editing.get().then(|| view! {
                        <AmendForm id=id.clone() summary=summary.clone() follow=follow.clone()
                            done=Callback::new(move |_| { editing.set(false); refresh.run(()); })/>
                    })}
                })}
            </div>
        </li>
    }
}

/// Amends a recorded activity: the new summary and follow-up, and why.
#[component]
fn AmendForm(id: String, summary: String, follow: String, done: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let summary = RwSignal::new(summary);
    let follow = RwSignal::new(follow);
    let reason = RwSignal::new(String::new());
    let problem = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let why = reason.get_untracked().trim().to_string();
        if why.is_empty() {
            problem.set(true);
            return;
        }
        problem.set(false);
        error.set(None);
        busy.set(true);
        let id = id.clone();
        let changes = ops::amend_activity::ActivityChanges {
            occurred_at: None,
            place: None,
            channel: None,
            trigger: None,
            guidance_areas: None,
            summary: Some(summary.get_untracked()),
            follow_up: Some(follow.get_untracked()),
            follow_up_due: None,
        };
        leptos::task::spawn_local(async move {
            let r = api::query::<ops::AmendActivity>(ops::amend_activity::Variables {
                id,
                changes,
                reason: why,
            })
            .await;
            if busy.is_disposed() {
                return;
            }
            busy.set(false);
            match r {
                Ok(_) => done.run(()),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <form class="form amend-form" on:submit=on_submit novalidate=true>
            <label>{move || i18n.t().mentoring.summary}
                <textarea class="amend-summary" rows="3" bind:value=summary></textarea>
            </label>
            <label>{move || i18n.t().mentoring.follow_up}
                <input class="amend-follow" type="text" bind:value=follow/>
            </label>
            <label>{move || i18n.t().mentoring.amend_reason}
                <input class="amend-reason" type="text" maxlength="500" bind:value=reason/>
            </label>
            {move || problem.get().then(|| view! { <p class="error" role="alert">{move || i18n.t().mentoring.amend_reason_needed}</p> })}
            {move || error.get().map(|e| view! { <ErrorBox err=e/> })}
            <button type="submit" class="btn primary amend-save" disabled=move || busy.get()>{move || i18n.t().mentoring.amend_save}</button>
        </form>
    }
}

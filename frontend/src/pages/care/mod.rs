//! Care and crisis: the counsellor's workspace (alerts live, open cases by
//! urgency and age against the plan's targets, caseload), the case page
//! (`case`), and raising a concern or a crisis from a student's page (two
//! taps, through the offline outbox).

pub mod actions;
mod case;
mod conference;
pub mod live;
mod report;

pub use actions::MyCareActions;
pub use case::CasePage;
pub use conference::{ConferencePage, ConferencesPage};
pub use report::{DistrictCareReport, SchoolCareReport};

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::{self, ApiError};
use crate::i18n::{I18n, use_i18n};
use crate::ops;
use crate::outbox::{self, Concern, Entry};
use crate::ui::{ErrorBox, PageTitle, loaded};

/// Minutes since an RFC 3339 instant.
fn minutes_since(iso: &str) -> i64 {
    let t = js_sys::Date::new(&iso.into()).get_time();
    if t.is_nan() {
        return 0;
    }
    ((js_sys::Date::now() - t) / 60_000.0).max(0.0) as i64
}

/// A duration in the user's language.
fn span(i18n: I18n, minutes: i64) -> String {
    let t = i18n.t();
    if minutes < 60 {
        (t.care.minutes)(&minutes.to_string())
    } else if minutes < 48 * 60 {
        (t.care.hours)(&(minutes / 60).to_string())
    } else {
        (t.care.days)(&(minutes / 1440).to_string())
    }
}

/// A local date and time, for the timeline and targets.
fn when(iso: &str) -> String {
    let d = js_sys::Date::new(&iso.into());
    if d.get_time().is_nan() {
        return iso.to_string();
    }
    format!(
        "{}-{:02}-{:02} {:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes()
    )
}

fn level_badge(i18n: I18n, level: Option<String>) -> impl IntoView {
    level.map(|l| {
        let class = format!("level level-{}", l.to_ascii_lowercase());
        view! { <span class=class>{move || i18n.t().care.level(&l)}</span> }
    })
}

/// The counsellor's home: alerts (live), open cases, caseload.
#[component]
pub fn CounsellorHome() -> impl IntoView {
    let i18n = use_i18n();
    let connected = RwSignal::new(false);
    let bump = RwSignal::new(0u64);
    live::listen(connected, bump);
    let home = LocalResource::new(move || {
        bump.track();
        async move { api::query::<ops::CareHome>(ops::care_home::Variables).await }
    });
    let conferences = conferences_resource();
    view! {
        <PageTitle title=|t| t.care.workspace_title/>
        <p class=move || if connected.get() { "live on" } else { "live off" } id="live-status">
            {move || if connected.get() { i18n.t().care.live_on } else { i18n.t().care.live_off }}
        </p>
        {loaded(home, move |d| {
            let cases = d.care_cases.clone();
            let count = |code: &str| cases.iter().filter(|c| c.level.as_ref().is_some_and(|l| l.0 == code)).count();
            let (crisis, warning, watch) = (count("CRISIS"), count("WARNING"), count("WATCH"));
            view! {
                <section class="card" id="care-alerts">
                    <h2>{move || i18n.t().care.alerts_title}</h2>
                    {alerts_view(i18n, d.care_alerts.clone(), home)}
                </section>
                <section class="card" id="caseload">
                    <h2>{move || i18n.t().care.caseload}</h2>
                    <p class="caseload">
                        <span>{move || i18n.t().care.level_crisis} " " {crisis}</span>
                        <span>{move || i18n.t().care.level_warning} " " {warning}</span>
                        <span>{move || i18n.t().care.level_watch} " " {watch}</span>
                    </p>
                </section>
                <h2 class="section-title">{move || i18n.t().care.open_cases}</h2>
                {cases_view(i18n, d.care_cases)}
            }
        })}
        <MyCareActions/>
        <ConferencesCard conferences=conferences/>
    }
}

fn conferences_resource()
-> LocalResource<Result<Vec<ops::care_conferences::CareConferencesCareConferences>, ApiError>> {
    LocalResource::new(|| async {
        api::query::<ops::CareConferences>(ops::care_conferences::Variables)
            .await
            .map(|d| d.care_conferences)
    })
}

/// The conferences the viewer sees, with the way to the conference page.
#[component]
fn ConferencesCard(
    conferences: LocalResource<
        Result<Vec<ops::care_conferences::CareConferencesCareConferences>, ApiError>,
    >,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card" id="care-conferences">
            <h2>{move || i18n.t().care_conf.conferences_title}</h2>
            {loaded(conferences, move |l| conference::conference_list(i18n, l))}
            <A href="/care/conferences" attr:class="btn secondary" attr:id="conferences-link">
                {move || i18n.t().care_conf.schedule_title}
            </A>
        </section>
    }
}

/// The grade leader's care: their grade's cases (as the tiers allow) and
/// conferences, with scheduling.
#[component]
pub fn GradeCare() -> impl IntoView {
    let i18n = use_i18n();
    let cases = LocalResource::new(|| async {
        api::query::<ops::CareHome>(ops::care_home::Variables)
            .await
            .map(|d| d.care_cases)
    });
    let conferences = conferences_resource();
    view! {
        <h2 class="section-title" id="grade-cases">{move || i18n.t().care_conf.grade_cases_title}</h2>
        {loaded(cases, move |cs| cases_view(i18n, cs))}
        <ConferencesCard conferences=conferences/>
    }
}

fn alerts_view(
    i18n: I18n,
    alerts: Vec<ops::care_home::CareHomeCareAlerts>,
    home: LocalResource<Result<ops::care_home::ResponseData, ApiError>>,
) -> impl IntoView {
    if alerts.is_empty() {
        return view! { <p class="muted">{move || i18n.t().care.alerts_none}</p> }.into_any();
    }
    alerts
        .into_iter()
        .take(20)
        .map(|a| {
            let href = format!("/care/{}", a.case_id);
            let reason = a.reason.clone();
            let answered = a.acknowledged;
            let id = a.id.clone();
            view! {
                <div class="alert-row" class:unread=!a.read>
                    <A href=href attr:class="alert-link">
                        {level_badge(i18n, a.level.map(|l| l.0))} " " {a.student_name.clone()} " · "
                        {move || if reason == "escalated" { i18n.t().care.alert_escalated } else { i18n.t().care.alert_raised }}
                        " · "
                        {move || if answered { i18n.t().care.alert_answered } else { i18n.t().care.alert_waiting }}
                    </A>
                    {(!a.read).then(|| {
                        let id = id.clone();
                        view! {
                            <button type="button" class="btn ghost" on:click=move |_| {
                                let alert_id = id.clone();
                                leptos::task::spawn_local(async move {
                                    let _ = api::query::<ops::MarkCareAlertRead>(ops::mark_care_alert_read::Variables { alert_id }).await;
                                    home.refetch();
                                });
                            }>{move || i18n.t().care.dismiss}</button>
                        }
                    })}
                </div>
            }
        })
        .collect_view()
        .into_any()
}

fn cases_view(i18n: I18n, cases: Vec<ops::care_home::CareHomeCareCases>) -> impl IntoView {
    if cases.is_empty() {
        return view! { <p class="card muted">{move || i18n.t().care.open_none}</p> }.into_any();
    }
    cases
        .into_iter()
        .map(|c| {
            let href = format!("/care/{}", c.id);
            let age = minutes_since(&c.opened_at);
            let stage = c.stage.clone().map(|s| s.0);
            view! {
                <A href=href attr:class="card case-card">
                    <h3>{level_badge(i18n, c.level.clone().map(|l| l.0))} " " {c.student_name.clone()}</h3>
                    <p class="meta">
                        {c.class_name.clone()} " · "
                        {c.category.clone().map(|cat| move || i18n.t().care.category(&cat.0))} " · "
                        {move || stage.as_deref().map(|s| i18n.t().care.stage(s)).unwrap_or_default()} " · "
                        {move || (i18n.t().care.opened_ago)(&span(i18n, age))}
                        {(c.acknowledge_overdue == Some(true)).then(|| view! { <span class="overdue">{move || i18n.t().care.ack_overdue}</span> })}
                        {(c.assess_overdue == Some(true)).then(|| view! { <span class="overdue">{move || i18n.t().care.assess_overdue}</span> })}
                    </p>
                </A>
            }
        })
        .collect_view()
        .into_any()
}

/// On a student's page (staff): the cases the viewer may see, a crisis in
/// two taps (report, then what it is about), and a concern with details.
/// Raising goes through the offline outbox, so it survives a lost network.
#[component]
pub fn StudentCare(
    /// The student.
    student_id: String,
    /// The student's name (for the outbox list).
    student_name: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let picking = RwSignal::new(false);
    let queued = RwSignal::new(false);
    let sid = student_id.clone();
    let cases = LocalResource::new(move || {
        let student_id = sid.clone();
        outbox::track();
        async move {
            api::query::<ops::StudentCareCases>(ops::student_care_cases::Variables { student_id })
                .await
                .map(|d| d.care_cases)
        }
    });
    let raise = {
        let student_id = student_id.clone();
        let student_name = student_name.clone();
        move |level: &str, category: &str, seen: String| {
            outbox::push(Entry {
                client_key: outbox::new_key(),
                student_id: student_id.clone(),
                student_name: student_name.clone(),
                kind: "CONCERN".into(),
                channel: String::new(),
                occurred_at: js_sys::Date::new_0()
                    .to_iso_string()
                    .as_string()
                    .unwrap_or_default(),
                trigger: None,
                guidance_areas: vec![],
                summary: seen,
                follow_up: None,
                failed: None,
                backdate_reason: None,
                more_students: vec![],
                optional_action: None,
                co_mentor_ids: vec![],
                with_head_teacher: false,
                concern: Some(Concern {
                    level: level.into(),
                    category: category.into(),
                }),
            });
            queued.set(true);
            picking.set(false);
        }
    };
    let raise2 = raise.clone();
    let categories = [
        "SELF_HARM",
        "EMOTION",
        "BULLYING",
        "FAMILY_CHANGE",
        "HEALTH",
        "OTHER",
    ];
    let level = RwSignal::new("WATCH".to_string());
    let category = RwSignal::new("EMOTION".to_string());
    let seen = RwSignal::new(String::new());
    let missing = RwSignal::new(false);
    view! {
        <section class="card" id="student-care">
            <h2>{move || i18n.t().care.student_cases}</h2>
            <button type="button" class="btn crisis" id="crisis-button" on:click=move |_| {
                queued.set(false);
                picking.update(|p| *p = !*p);
            }>{move || i18n.t().care.crisis_button}</button>
            <Show when=move || picking.get()>
                <p>{move || i18n.t().care.crisis_pick}</p>
                <div class="crisis-pick" id="crisis-pick">
                    {categories.iter().map(|c| {
                        let c = c.to_string();
                        let r = raise.clone();
                        let code = c.clone();
                        view! {
                            <button type="button" class="btn secondary" data-category=code.clone() on:click=move |_| r("CRISIS", &code, String::new())>
                                {move || i18n.t().care.category(&c)}
                            </button>
                        }
                    }).collect_view()}
                </div>
            </Show>
            <Show when=move || queued.get()>
                <p class="ok" role="status" id="crisis-queued">{move || i18n.t().care.crisis_queued}</p>
            </Show>
            {move || cases.get().map(|r| match r {
                Ok(list) => list.into_iter().map(|c| {
                    let href = format!("/care/{}", c.id);
                    let stage = c.stage.clone().map(|s| s.0);
                    view! {
                        <p class="case-line">
                            {level_badge(i18n, c.level.clone().map(|l| l.0))} " "
                            {move || match &stage {
                                Some(s) => i18n.t().care.stage(s).to_string(),
                                None => i18n.t().care.existence_note.to_string(),
                            }}
                            {(!c.open).then(|| view! { " · " {move || i18n.t().care.closed} })}
                            " " <A href=href>{move || i18n.t().care.view_case}</A>
                        </p>
                    }
                }).collect_view().into_any(),
                Err(e) => view! { <ErrorBox err=e/> }.into_any(),
            })}
            <details class="concern-form">
                <summary>{move || i18n.t().care.concern_title}</summary>
                <form class="case-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    let text = seen.get_untracked().trim().to_string();
                    if text.is_empty() {
                        missing.set(true);
                        return;
                    }
                    missing.set(false);
                    raise2(&level.get_untracked(), &category.get_untracked(), text);
                    seen.set(String::new());
                }>
                    <label>{move || i18n.t().care.concern_level}
                        <select on:change=move |ev| level.set(event_target_value(&ev))>
                            {["WATCH", "WARNING", "CRISIS"].iter().map(|l| {
                                let l = l.to_string();
                                let v = l.clone();
                                view! { <option value=v>{move || i18n.t().care.level(&l)}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                    <label>{move || i18n.t().care.concern_category}
                        <select on:change=move |ev| category.set(event_target_value(&ev))>
                            {["EMOTION", "SELF_HARM", "FAMILY_CHANGE", "BULLYING", "HEALTH", "OTHER"].iter().map(|c| {
                                let c = c.to_string();
                                let v = c.clone();
                                view! { <option value=v>{move || i18n.t().care.category(&c)}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                    <label>{move || i18n.t().care.seen}
                        <textarea maxlength="2000" prop:value=move || seen.get() on:input=move |ev| seen.set(event_target_value(&ev))></textarea>
                    </label>
                    <Show when=move || missing.get()>
                        <p class="error" role="alert">{move || i18n.t().care.fill_in}</p>
                    </Show>
                    <button type="submit" class="btn" aria-label=move || i18n.t().care.concern_submit>{move || i18n.t().care.concern_submit}</button>
                </form>
            </details>
        </section>
    }
}

//! One case: what the viewer may see of it (保密性原则), its timeline, and
//! the forms the viewer's tier allows — acknowledge, a counsellor's
//! assessment, an action, parent contact, a referral, a follow-up talk,
//! closing with a summary. The server decides; the page only offers.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use shared::org::Role;

use super::{level_badge, when};
use crate::api::{self, ApiError};
use crate::i18n::{I18n, use_i18n};
use crate::ops;
use crate::session::use_session;
use crate::ui::{ErrorBox, PageTitle, loaded};

type Detail = ops::care_case_detail::CareCaseDetailCareCase;

/// Which form is being sent.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Step {
    Acknowledge,
    Assessment,
    Action,
    Contact,
    Referral,
    FollowUp,
    Close,
    Complete,
}

fn lines(s: &str) -> Vec<String> {
    s.lines()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

async fn send(step: Step, case_id: String, f: Fields) -> Result<(), ApiError> {
    match step {
        Step::Acknowledge => {
            api::query::<ops::AcknowledgeCareCase>(ops::acknowledge_care_case::Variables {
                case_id,
            })
            .await
            .map(|_| ())
        }
        Step::Assessment => {
            api::query::<ops::RecordCareAssessment>(ops::record_care_assessment::Variables {
                case_id,
                input: ops::record_care_assessment::AssessmentInput {
                    risk_level: ops::ConcernLevel(f.level),
                    factors: lines(&f.a),
                    protective_factors: lines(&f.b),
                    plan: f.text,
                },
            })
            .await
            .map(|_| ())
        }
        Step::Action => api::query::<ops::AddCareAction>(ops::add_care_action::Variables {
            case_id,
            input: ops::add_care_action::CaseActionInput {
                description: f.text,
                owner_staff_id: Some(f.owner).filter(|o| !o.is_empty()),
                due_on: Some(f.a).filter(|d| !d.is_empty()),
            },
        })
        .await
        .map(|_| ()),
        Step::Contact => {
            api::query::<ops::RecordCareParentContact>(ops::record_care_parent_contact::Variables {
                case_id,
                note: f.text,
            })
            .await
            .map(|_| ())
        }
        Step::Referral => {
            api::query::<ops::RecordCareReferral>(ops::record_care_referral::Variables {
                case_id,
                input: ops::record_care_referral::ReferralInput {
                    referred_to: f.text,
                    referred_on: f.a,
                    outcome: Some(f.b).filter(|o| !o.trim().is_empty()),
                },
            })
            .await
            .map(|_| ())
        }
        Step::FollowUp => {
            api::query::<ops::RecordCareFollowUp>(ops::record_care_follow_up::Variables {
                case_id,
                note: f.text,
            })
            .await
            .map(|_| ())
        }
        Step::Complete => {
            api::query::<ops::CompleteCareAction>(ops::complete_care_action::Variables {
                entry_id: f.a,
                note: f.text,
            })
            .await
            .map(|_| ())
        }
        Step::Close => api::query::<ops::CloseCareCase>(ops::close_care_case::Variables {
            case_id,
            summary: f.text,
        })
        .await
        .map(|_| ()),
    }
}

/// The values of a form.
#[derive(Clone, Default)]
struct Fields {
    text: String,
    a: String,
    b: String,
    level: String,
    owner: String,
}

/// The case page (`/care/:id`).
#[component]
pub fn CasePage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let params = use_params_map();
    let bump = RwSignal::new(0u64);
    let connected = RwSignal::new(false);
    super::live::listen(connected, bump);
    let case = LocalResource::new(move || {
        bump.track();
        let id = params.with(|p| p.get("id").unwrap_or_default());
        async move {
            api::query::<ops::CareCaseDetail>(ops::care_case_detail::Variables { id })
                .await
                .map(|d| d.care_case)
        }
    });
    let error = RwSignal::new(None::<ApiError>);
    let saved = RwSignal::new(false);
    let run = move |step: Step, f: Fields| {
        let case_id = params.with_untracked(|p| p.get("id").unwrap_or_default());
        error.set(None);
        saved.set(false);
        leptos::task::spawn_local(async move {
            let r = send(step, case_id, f).await;
            if error.is_disposed() {
                return;
            }
            match r {
                Ok(()) => {
                    saved.set(true);
                    case.refetch();
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let counsellor = move || session.role.get() == Some(Role::Counsellor);
    view! {
        <button type="button" class="btn ghost back" on:click=move |_| {
            if let Some(h) = web_sys::window().and_then(|w| w.history().ok()) {
                let _ = h.back();
            }
        }>"‹ " {move || i18n.t().back}</button>
        <PageTitle title=|t| t.care.case_title/>
        {move || error.get().map(|e| view! { <ErrorBox err=e/> })}
        <Show when=move || saved.get()>
            <p class="ok" role="status" id="case-saved">{move || i18n.t().care.saved}</p>
        </Show>
        {loaded(case, move |c| {
            let full = c.tier.0 == "FULL";
            let open = c.open;
            let acknowledged = c.acknowledged_at.is_some();
            let raised_by_me = c.raised_by_me;
            view! {
                {summary(i18n, &c)}
                {timeline(i18n, &c, Callback::new(move |entry: String| {
                    run(Step::Complete, Fields { text: i18n.t().care.done_note.to_string(), a: entry, ..Fields::default() })
                }))}
                {(open && !acknowledged && full).then(|| view! {
                    <button type="button" class="btn" id="acknowledge" on:click=move |_| run(Step::Acknowledge, Fields::default())>
                        {move || i18n.t().care.acknowledge}
                    </button>
                })}
                {(open && full && counsellor()).then(|| assessment_form(i18n, run))}
                {(open && full).then(|| view! {
                    {action_form(i18n, c.id.clone(), run)}
                    {text_form(i18n, "referral-form", |t| t.care.referral_title, |t| t.care.referred_to, Some(|t: &crate::i18n::Tr| t.care.referred_on), Some(|t: &crate::i18n::Tr| t.care.outcome), Step::Referral, run)}
                })}
                {open.then(|| text_form(i18n, "contact-form", |t| t.care.contact_title, |t| t.care.contact_title, None, None, Step::Contact, run))}
                {(open && (full || raised_by_me)).then(|| text_form(i18n, "follow-up-form", |t| t.care.follow_up_title, |t| t.care.follow_up_title, None, None, Step::FollowUp, run))}
                {(open && full).then(|| text_form(i18n, "close-form", |t| t.care.close_title, |t| t.care.summary, None, None, Step::Close, run))}
            }
        })}
    }
}

fn summary(i18n: I18n, c: &Detail) -> impl IntoView + use<> {
    let tier = c.tier.0.clone();
    let stage = c.stage.clone().map(|s| s.0);
    let category = c.category.clone().map(|s| s.0);
    let fact = |label: fn(&crate::i18n::Tr) -> &'static str, v: Option<String>| {
        v.filter(|v| !v.is_empty()).map(|v| {
            view! { <dt>{move || label(i18n.t())}</dt><dd>{v}</dd> }
        })
    };
    let checklist = c.checklist.clone();
    view! {
        <section class="card" id="case-summary">
            <h2>{level_badge(i18n, c.level.clone().map(|l| l.0))} " " {c.student_name.clone()} " · " {c.class_name.clone()}</h2>
            <p class="muted" id="case-tier">{move || i18n.t().care.tier(&tier)}</p>
            <dl class="facts">
                {stage.map(|s| view! { <dt>{move || i18n.t().care.status_note}</dt><dd id="case-stage">{move || i18n.t().care.stage(&s)}</dd> })}
                {category.map(|s| view! { <dt>{move || i18n.t().care.concern_category}</dt><dd>{move || i18n.t().care.category(&s)}</dd> })}
                {fact(|t| t.care.seen, c.seen.clone())}
                {fact(|t| t.care.seen_at, c.seen_at.as_deref().map(when))}
                {fact(|t| t.care.others_aware, c.others_aware.clone())}
                {fact(|t| t.care.raised_by, c.raised_by_name.clone())}
                {fact(|t| t.care.ack_due, c.acknowledge_due.as_deref().map(when))}
                {fact(|t| t.care.assess_due, c.assess_due.as_deref().map(when))}
            </dl>
            {(c.acknowledge_overdue == Some(true)).then(|| view! { <p class="overdue">{move || i18n.t().care.ack_overdue}</p> })}
            {(c.assess_overdue == Some(true)).then(|| view! { <p class="overdue">{move || i18n.t().care.assess_overdue}</p> })}
            {(!checklist.is_empty()).then(|| view! {
                <h3>{move || i18n.t().care.checklist}</h3>
                <ol>{checklist.into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}</ol>
            })}
        </section>
    }
}

fn timeline(i18n: I18n, c: &Detail, complete: Callback<String>) -> impl IntoView + use<> {
    let entries = c.timeline.clone();
    let open = c.open;
    let done: Vec<String> = entries
        .iter()
        .filter(|e| e.kind == "action_done")
        .filter_map(|e| e.amends.clone())
        .collect();
    view! {
        <section class="card" id="case-timeline">
            <h2>{move || i18n.t().care.timeline}</h2>
            <ol class="timeline">
                {entries.into_iter().map(|e| {
                    let kind = e.kind.clone();
                    let data_kind = kind.clone();
                    let mut parts: Vec<String> = vec![];
                    if let Some(r) = &e.risk_level {
                        parts.push(format!("{}：{}", i18n.t().care.risk_level, i18n.t().care.level(&r.0)));
                    }
                    if !e.factors.is_empty() {
                        parts.push(format!("{}：{}", i18n.t().care.factors, e.factors.join("、")));
                    }
                    if !e.protective_factors.is_empty() {
                        parts.push(format!("{}：{}", i18n.t().care.protective, e.protective_factors.join("、")));
                    }
                    for v in [&e.plan, &e.note, &e.referred_to, &e.referred_on, &e.outcome, &e.reason].into_iter().flatten() {
                        parts.push(v.clone());
                    }
                    if let Some(o) = &e.owner_name {
                        parts.push(format!("{}：{}", i18n.t().care.owner, o));
                    }
                    if let Some(d) = &e.due_on {
                        parts.push(format!("{}：{}", i18n.t().care.due_on, d));
                    }
                    view! {
                        <li data-kind=data_kind>
                            <strong>{move || match kind.as_str() {
                                "conference" => i18n.t().care_conf.kind_conference,
                                "conference_scheduled" => i18n.t().care_conf.kind_conference_scheduled,
                                k => i18n.t().care.kind(k),
                            }}</strong>
                            " " <span class="when">{when(&e.created_at)} " " {e.author_name.clone().unwrap_or_default()}</span>
                            {parts.into_iter().map(|p| view! { <p>{p}</p> }).collect_view()}
                            {(open && e.kind == "action" && !done.contains(&e.id)).then(|| {
                                let id = e.id.clone();
                                view! {
                                    <button type="button" class="btn secondary" on:click=move |_| complete.run(id.clone())>
                                        {move || i18n.t().care.mark_done}
                                    </button>
                                }
                            })}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}

fn assessment_form(i18n: I18n, run: impl Fn(Step, Fields) + Copy + 'static) -> impl IntoView {
    let level = RwSignal::new("WARNING".to_string());
    let factors = RwSignal::new(String::new());
    let protective = RwSignal::new(String::new());
    let plan = RwSignal::new(String::new());
    view! {
        <details class="card" id="assessment-form">
            <summary>{move || i18n.t().care.assessment_title}</summary>
            <form class="case-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                run(Step::Assessment, Fields {
                    text: plan.get_untracked(),
                    a: factors.get_untracked(),
                    b: protective.get_untracked(),
                    level: level.get_untracked(),
                    owner: String::new(),
                });
            }>
                <label>{move || i18n.t().care.risk_level}
                    <select name="risk" on:change=move |ev| level.set(event_target_value(&ev))>
                        {["WARNING", "CRISIS", "WATCH"].iter().map(|l| {
                            let l = l.to_string();
                            let v = l.clone();
                            view! { <option value=v>{move || i18n.t().care.level(&l)}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label>{move || i18n.t().care.factors} " (" {move || i18n.t().care.one_per_line} ")"
                    <textarea name="factors" on:input=move |ev| factors.set(event_target_value(&ev))></textarea>
                </label>
                <label>{move || i18n.t().care.protective} " (" {move || i18n.t().care.one_per_line} ")"
                    <textarea name="protective" on:input=move |ev| protective.set(event_target_value(&ev))></textarea>
                </label>
                <label>{move || i18n.t().care.plan}
                    <textarea name="plan" maxlength="2000" on:input=move |ev| plan.set(event_target_value(&ev))></textarea>
                </label>
                <button type="submit" class="btn" aria-label=move || i18n.t().care.submit>{move || i18n.t().care.submit}</button>
            </form>
        </details>
    }
}

type Label = fn(&crate::i18n::Tr) -> &'static str;

#[expect(clippy::too_many_arguments, reason = "one label per field")]
fn text_form(
    i18n: I18n,
    id: &'static str,
    title: Label,
    text_label: Label,
    a_label: Option<Label>,
    b_label: Option<Label>,
    step: Step,
    run: impl Fn(Step, Fields) + Copy + 'static,
) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let a = RwSignal::new(String::new());
    let b = RwSignal::new(String::new());
    let date = step == Step::Referral;
    view! {
        <details class="card" id=id>
            <summary>{move || title(i18n.t())}</summary>
            <form class="case-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                run(step, Fields { text: text.get_untracked(), a: a.get_untracked(), b: b.get_untracked(), ..Fields::default() });
            }>
                <label>{move || text_label(i18n.t())}
                    <textarea name="text" maxlength="2000" on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                </label>
                {a_label.map(|l| view! {
                    <label>{move || l(i18n.t())}
                        <input type=if date { "date" } else { "text" } name="a" on:input=move |ev| a.set(event_target_value(&ev))/>
                    </label>
                })}
                {b_label.map(|l| view! {
                    <label>{move || l(i18n.t())}
                        <textarea name="b" on:input=move |ev| b.set(event_target_value(&ev))></textarea>
                    </label>
                })}
                <button type="submit" class="btn" aria-label=move || i18n.t().care.submit>{move || i18n.t().care.submit}</button>
            </form>
        </details>
    }
}

/// An action: what, who (picked by name among the case's people and the
/// school's staff; the writer when none) and by when.
fn action_form(
    i18n: I18n,
    case_id: String,
    run: impl Fn(Step, Fields) + Copy + 'static,
) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let due = RwSignal::new(String::new());
    let owner = RwSignal::new(String::new());
    view! {
        <details class="card" id="action-form">
            <summary>{move || i18n.t().care.action_title}</summary>
            <form class="case-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                run(Step::Action, Fields { text: text.get_untracked(), a: due.get_untracked(), owner: owner.get_untracked(), ..Fields::default() });
            }>
                <label>{move || i18n.t().care.action_desc}
                    <textarea name="text" maxlength="2000" on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                </label>
                <label>{move || i18n.t().care.owner}</label>
                <super::actions::OwnerPicker case_ids=vec![case_id] value=owner/>
                <label>{move || i18n.t().care.due_on}
                    <input type="date" name="a" on:input=move |ev| due.set(event_target_value(&ev))/>
                </label>
                <button type="submit" class="btn" aria-label=move || i18n.t().care.submit>{move || i18n.t().care.submit}</button>
            </form>
        </details>
    }
}

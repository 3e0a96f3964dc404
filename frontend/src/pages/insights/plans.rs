//! Plan filings (备案): the district reads each school's current plan with
//! its differences from the baseline, marks it reviewed or returns it with a
//! comment; the school admin sees the status on the policy page.

use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::i18n::{I18n, use_i18n};
use crate::ops;
use crate::ops::plan_filings::FilingFields;
use crate::ui::{PageTitle, loaded};

fn load() -> LocalResource<Result<Vec<FilingFields>, ApiError>> {
    LocalResource::new(|| async {
        api::query::<ops::PlanFilings>(ops::plan_filings::Variables)
            .await
            .map(|d| d.plan_filings)
    })
}

fn value_text(v: &Option<serde_json::Value>) -> String {
    match v {
        None => "—".into(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    }
}

fn status_line(i18n: I18n, f: &FilingFields) -> impl IntoView + use<> {
    let tr = i18n.t().insights;
    let code = f.status.0.clone();
    let comment = f.comment.clone();
    view! {
        <p class=format!("plan-status status-{}", code.to_lowercase()) data-status=code.clone()>
            <strong>{tr.filing_status} "："</strong> {tr.plan_status(&code)}
        </p>
        {comment.map(|c| view! { <p class="plan-comment">{(tr.district_comment)(&c)}</p> })}
    }
}

/// One school's filing with the district's review controls.
#[component]
fn FilingCard(f: FilingFields) -> impl IntoView {
    let i18n = use_i18n();
    let tr = i18n.t().insights;
    let filing = RwSignal::new(f);
    let comment = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let decide = move |returned: bool| {
        let f = filing.get_untracked();
        let Some(cur) = f.current.clone() else {
            return;
        };
        let text = comment.get_untracked().trim().to_string();
        if returned && text.is_empty() {
            problem.set(Some(tr.comment_required.into()));
            return;
        }
        busy.set(true);
        problem.set(None);
        leptos::task::spawn_local(async move {
            let r = api::query::<ops::ReviewSchoolPlan>(ops::review_school_plan::Variables {
                school_id: f.school_id.clone(),
                version_id: cur.id.clone(),
                decision: ops::PlanDecision(if returned { "RETURNED" } else { "REVIEWED" }.into()),
                comment: (!text.is_empty()).then_some(text),
            })
            .await;
            busy.set(false);
            match r {
                Ok(d) => {
                    let n = d.review_school_plan;
                    filing.update(|f| {
                        f.status = n.status;
                        f.comment = n.comment;
                        f.reviewed_at = n.reviewed_at;
                    });
                    comment.set(String::new());
                }
                Err(e) => problem.set(Some(e.message(i18n.t()))),
            }
        });
    };
    view! {
        <section class="card plan-filing" data-school=move || filing.with(|f| f.school_name.clone())>
            {move || {
                let f = filing.get();
                let diff = f.diff_from_baseline.clone();
                let n = diff.len().to_string();
                view! {
                    <h2 class="section-title">{f.school_name.clone()}</h2>
                    {status_line(i18n, &f)}
                    {match f.current.clone() {
                        None => view! { <p class="meta">{tr.plan_none}</p> }.into_any(),
                        Some(c) => view! {
                            <p class="meta">{c.name.clone()} " · " {(tr.plan_version)(&c.version.to_string(), &i18n.date(&c.effective_from))}</p>
                            {if diff.is_empty() {
                                view! { <p class="hint">{tr.plan_same}</p> }.into_any()
                            } else {
                                view! {
                                    <details class="plan-diff">
                                        <summary>{(tr.plan_diff)(&n)}</summary>
                                        <ul class="diff">
                                            {diff.into_iter().map(|c| view! {
                                                <li><code>{c.path.clone()}</code> ": " {value_text(&c.before)} " → " {value_text(&c.after)}</li>
                                            }).collect_view()}
                                        </ul>
                                    </details>
                                }.into_any()
                            }}
                        }
                        .into_any(),
                    }}
                }
            }}
            {move || filing.with(|f| f.current.is_some()).then(|| view! {
                <label class="field">
                    <span>{tr.comment_label}</span>
                    <textarea class="plan-comment-input" maxlength="500" rows="2"
                        prop:value=move || comment.get()
                        on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
                </label>
                {move || problem.get().map(|p| view! { <p class="error" role="alert">{p}</p> })}
                <div class="actions">
                    <button type="button" class="btn plan-accept" disabled=move || busy.get()
                        on:click=move |_| decide(false)>{tr.mark_reviewed}</button>
                    <button type="button" class="btn secondary plan-return" disabled=move || busy.get()
                        on:click=move |_| decide(true)>{tr.return_plan}</button>
                </div>
            })}
        </section>
    }
}

/// The district's plan filings page (方案备案).
#[component]
pub fn PlanFilings() -> impl IntoView {
    let i18n = use_i18n();
    let filings = load();
    view! {
        <PageTitle title=|t| t.insights.plans_title/>
        <p class="hint">{i18n.t().insights.plans_intro}</p>
        {loaded(filings, move |list| view! {
            <div id="plan-filings">
                {list.into_iter().map(|f| view! { <FilingCard f=f/> }).collect_view()}
            </div>
        })}
    }
}

/// The filing status of the own school's plan (school admin's policy page).
#[component]
pub fn PlanFilingStatus() -> impl IntoView {
    let i18n = use_i18n();
    let filings = load();
    view! {
        <section class="card" id="plan-filing-status">
            {loaded(filings, move |list| {
                list.first().map(|f| status_line(i18n, f).into_any()).unwrap_or_else(|| ().into_any())
            })}
        </section>
    }
}

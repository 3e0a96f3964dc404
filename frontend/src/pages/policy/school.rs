//! The school admin's policy page: the policy in effect, its versions, and
//! the editor for a new version.

use leptos::prelude::*;
use shared::policy::{PolicyRules, Violation};

use crate::api::{self};
use crate::i18n::use_i18n;
use crate::ops;
use crate::ui::{PageTitle, loaded};

use super::calendar::Calendar;
use super::*;

/// The school admin's policy page (学校方案).
#[component]
pub fn SchoolPolicy() -> impl IntoView {
    let i18n = use_i18n();
    let page = LocalResource::new(|| async {
        api::query::<ops::SchoolPolicyPage>(ops::school_policy_page::Variables).await
    });
    let editing = RwSignal::new(false);
    let saved = RwSignal::new(None::<i64>);
    view! {
        <PageTitle title=|t| t.policy.policy_title/>
        <crate::pages::insights::PlanFilingStatus/>
        {move || saved.get().map(|v| {
            let v = v.to_string();
            view! { <p class="notice" role="status" id="policy-saved">{move || (i18n.t().policy.saved_version)(&v)}</p> }
        })}
        {loaded(page, move |d| {
            let sp = d.school_policy;
            let terms: Vec<TermOpt> = d
                .terms
                .iter()
                .map(|t| TermOpt {
                    id: t.id.clone(),
                    name: t.name.clone(),
                    starts_on: t.starts_on.clone(),
                    ends_on: t.ends_on.clone(),
                })
                .collect();
            let presets: Vec<Preset> = d
                .policy_presets
                .into_iter()
                .filter(|p| p.level.0 == "SCHOOL")
                .map(|p| Preset { id: p.id, source: p.source, title_zh: p.title_zh, title_en: p.title_en, rules: p.rules })
                .collect();
            let current_rules = sp
                .current
                .as_ref()
                .and_then(|c| serde_json::from_value::<PolicyRules>(c.rules.clone()).ok());
            // The district's versions, newest first (the newest when none is listed).
            let mut baselines: Vec<(String, PolicyRules)> = d
                .district_baseline
                .versions
                .into_iter()
                .filter_map(|v| {
                    serde_json::from_value::<PolicyRules>(v.rules)
                        .ok()
                        .map(|r| (v.effective_from, r))
                })
                .collect();
            baselines.sort_by(|a, b| b.0.cmp(&a.0));
            if baselines.is_empty()
                && let Some(b) = sp.baseline.as_ref()
                && let Ok(r) = serde_json::from_value::<PolicyRules>(b.rules.clone())
            {
                baselines.push((b.effective_from.clone(), r));
            }
            let current_name = sp.current.as_ref().map(|c| c.name.clone()).unwrap_or_default();
            let versions: Vec<VersionRow> = sp
                .versions
                .into_iter()
                .map(|v| VersionRow {
                    version: v.version,
                    name: v.name,
                    effective_from: v.effective_from,
                    created_at: v.created_at,
                    changes: changes_of_wire(v.diff.into_iter().map(|c| (c.path, c.before, c.after))),
                })
                .collect();
            let in_effect = sp.in_effect.clone();
            let uses_baseline = sp.uses_district_baseline;
            let violations: Vec<Violation> = sp
                .baseline_violations
                .into_iter()
                .map(|p| Violation::new(p.path, p.message_zh, p.message_en))
                .collect();
            let current_view = match sp.current {
                Some(c) => {
                    let n = c.version.to_string();
                    let from = c.effective_from.clone();
                    view! {
                        <section class="card" id="policy-current">
                            <h2>{move || i18n.t().policy.policy_current}</h2>
                            <p class="version-line">
                                <span class="name" id="policy-current-version">{move || (i18n.t().policy.version_n)(&n)}</span>
                                " · "
                                <span class="meta">{move || (i18n.t().policy.effective_from_d)(&i18n.date(&from))}</span>
                            </p>
                            <p>{c.name.clone()}</p>
                            {in_effect.filter(|e| e.version != c.version || e.is_district_baseline).map(|e| {
                                let label = if e.is_district_baseline { None } else { Some(e.version.to_string()) };
                                view! {
                                    <p class="meta">
                                        {move || (i18n.t().policy.in_effect_now)(&label.as_ref().map(|v| (i18n.t().policy.version_n)(v)).unwrap_or_else(|| i18n.t().policy.baseline_applies_title.to_string()))}
                                    </p>
                                }
                            })}
                            {uses_baseline.then(|| view! { <p class="meta">{move || i18n.t().policy.uses_baseline}</p> })}
                        </section>
                    }
                    .into_any()
                }
                None => view! {
                    <section class="card" id="policy-current">
                        <p class="muted">{move || i18n.t().policy.policy_none}</p>
                    </section>
                }
                .into_any(),
            };
            let calendar_terms = terms.clone();
            view! {
                {current_view}
                {(!violations.is_empty()).then(|| view! {
                    <div class="error" role="alert" id="baseline-violations">
                        <p>{move || i18n.t().policy.baseline_tightened}</p>
                        <ul>{violations.into_iter().map(|v| view! { <li>{move || message(i18n, &v)}</li> }).collect_view()}</ul>
                    </div>
                })}
                {move || {
                    if editing.get() {
                        view! {
                            <button type="button" class="btn secondary wide" id="policy-edit-close" on:click=move |_| editing.set(false)>
                                {move || i18n.t().policy.edit_close}
                            </button>
                            {editor(
                                i18n,
                                Level::School,
                                current_rules.clone(),
                                current_name.clone(),
                                baselines.clone(),
                                presets.clone(),
                                terms.clone(),
                                Callback::new(move |v| {
                                    saved.set(Some(v));
                                    editing.set(false);
                                    page.refetch();
                                }),
                            )}
                        }
                        .into_any()
                    } else {
                        view! {
                            <button type="button" class="btn primary wide" id="policy-edit" on:click=move |_| {
                                saved.set(None);
                                editing.set(true);
                            }>
                                {move || i18n.t().policy.policy_edit}
                            </button>
                        }
                        .into_any()
                    }
                }}
                {history(i18n, versions)}
                <Calendar terms=calendar_terms/>
            }
            .into_any()
        })}
    }
}

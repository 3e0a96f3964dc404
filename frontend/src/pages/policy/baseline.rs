//! The district admin's baseline page: the floor every school policy keeps.

use leptos::prelude::*;
use shared::policy::PolicyRules;

use crate::api::{self};
use crate::i18n::use_i18n;
use crate::ops;
use crate::ui::{PageTitle, loaded};

use super::*;

/// The district admin's baseline page (区基线).
#[component]
pub fn Baseline() -> impl IntoView {
    let i18n = use_i18n();
    let page = LocalResource::new(|| async {
        api::query::<ops::DistrictBaselinePage>(ops::district_baseline_page::Variables).await
    });
    let editing = RwSignal::new(false);
    let saved = RwSignal::new(None::<i64>);
    view! {
        <PageTitle title=|t| t.policy.baseline_title/>
        {move || saved.get().map(|v| {
            let v = v.to_string();
            view! { <p class="notice" role="status" id="baseline-saved">{move || (i18n.t().policy.saved_version)(&v)}</p> }
        })}
        {loaded(page, move |d| {
            let b = d.district_baseline;
            let presets: Vec<Preset> = d
                .policy_presets
                .into_iter()
                .filter(|p| p.level.0 == "DISTRICT")
                .map(|p| Preset { id: p.id, source: p.source, title_zh: p.title_zh, title_en: p.title_en, rules: p.rules })
                .collect();
            let current_rules = b
                .current
                .as_ref()
                .and_then(|c| serde_json::from_value::<PolicyRules>(c.rules.clone()).ok());
            let current_name = b.current.as_ref().map(|c| c.name.clone()).unwrap_or_default();
            let versions: Vec<VersionRow> = b
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
            let current_view = match b.current {
                Some(c) => {
                    let n = c.version.to_string();
                    let from = c.effective_from.clone();
                    view! {
                        <section class="card" id="baseline-current">
                            <h2>{move || i18n.t().policy.policy_current}</h2>
                            <p class="version-line">
                                <span class="name" id="baseline-current-version">{move || (i18n.t().policy.version_n)(&n)}</span>
                                " · "
                                <span class="meta">{move || (i18n.t().policy.effective_from_d)(&i18n.date(&from))}</span>
                            </p>
                            <p>{c.name.clone()}</p>
                        </section>
                    }
                    .into_any()
                }
                None => view! { <p class="card muted" id="baseline-current">{move || i18n.t().policy.baseline_none}</p> }.into_any(),
            };
            view! {
                {current_view}
                {move || {
                    if editing.get() {
                        view! {
                            <button type="button" class="btn secondary wide" on:click=move |_| editing.set(false)>
                                {move || i18n.t().policy.edit_close}
                            </button>
                            {editor(
                                i18n,
                                Level::District,
                                current_rules.clone(),
                                current_name.clone(),
                                Vec::new(),
                                presets.clone(),
                                Vec::new(),
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
                            <button type="button" class="btn primary wide" id="baseline-edit" on:click=move |_| {
                                saved.set(None);
                                editing.set(true);
                            }>
                                {move || i18n.t().policy.baseline_edit}
                            </button>
                        }
                        .into_any()
                    }
                }}
                {history(i18n, versions)}
            }
            .into_any()
        })}
    }
}

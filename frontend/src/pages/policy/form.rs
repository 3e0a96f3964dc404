//! The policy editor shared by the school policy and the district baseline:
//! the rule fields, live checks (here and on the server), the diff and
//! saving a new version.

use leptos::prelude::*;
use serde_json::Value;
use shared::policy::{
    self, Cadence, DistrictBaseline, PolicyRules, SchoolPolicy as Policy, Violation,
};

use crate::api::{self, ApiError};
use crate::i18n::I18n;
use crate::ops;
use crate::ui::ErrorBox;

use super::*;

/// A number field of the rules, with its violations under it.
#[allow(clippy::too_many_arguments)]
fn num_field<L, G, S>(
    i18n: I18n,
    draft: RwSignal<PolicyRules>,
    problems: Memo<Vec<Violation>>,
    id: String,
    path: String,
    label: L,
    get: G,
    set: S,
    optional: bool,
    cap: impl Into<Signal<Option<u32>>>,
) -> impl IntoView
where
    L: Fn() -> String + Send + Sync + 'static,
    G: Fn(&PolicyRules) -> Option<u32> + Send + Sync + 'static,
    S: Fn(&mut PolicyRules, Option<u32>) + Send + Sync + 'static,
{
    let mine = field_errors(i18n, problems, path);
    let err_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let cap: Signal<Option<u32>> = cap.into();
    let described = move || {
        if cap.with(Option::is_some) {
            format!("{hint_id} {err_id}")
        } else {
            err_id.clone()
        }
    };
    let hint_id = format!("{id}-hint");
    let err_id = format!("{id}-error");
    view! {
        <div class="field" class:invalid=move || !mine.with(Vec::is_empty)>
            <label for=id.clone()>{label}</label>
            <input
                id=id
                type="number"
                inputmode="numeric"
                min="0"
                step="1"
                prop:value=move || draft.with(|r| get(r).map(|v| v.to_string()).unwrap_or_default())
                aria-invalid=move || if mine.with(Vec::is_empty) { "false" } else { "true" }
                aria-describedby=described
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    let v = v.trim();
                    if v.is_empty() {
                        if optional {
                            draft.update(|r| set(r, None));
                        }
                    } else if let Ok(n) = v.parse::<u32>() {
                        draft.update(|r| set(r, Some(n)));
                    }
                }
            />
            {move || cap.get().map(|c| view! { <span class="meta" id=hint_id.clone()>{move || (i18n.t().policy.district_cap)(&c.to_string())}</span> })}
            {error_lines(i18n, mine, err_id)}
        </div>
    }
}

/// A per-term / per-year choice of the rules.
fn cadence_field<G, S>(
    i18n: I18n,
    draft: RwSignal<PolicyRules>,
    problems: Memo<Vec<Violation>>,
    id: &'static str,
    path: &'static str,
    get: G,
    set: S,
) -> impl IntoView
where
    G: Fn(&PolicyRules) -> Cadence + Copy + Send + Sync + 'static,
    S: Fn(&mut PolicyRules, Cadence) + Send + Sync + 'static,
{
    let mine = field_errors(i18n, problems, path.to_string());
    let err_id = format!("{id}-error");
    view! {
        <div class="field" class:invalid=move || !mine.with(Vec::is_empty)>
            <label for=id>{move || i18n.t().policy.cadence}</label>
            <select
                id=id
                aria-describedby=err_id.clone()
                on:change=move |ev| {
                    let c = if event_target_value(&ev) == "year" { Cadence::PerYear } else { Cadence::PerTerm };
                    draft.update(|r| set(r, c));
                }
            >
                <option value="term" selected=move || draft.with(|r| get(r) == Cadence::PerTerm)>
                    {move || i18n.t().policy.per_term}
                </option>
                <option value="year" selected=move || draft.with(|r| get(r) == Cadence::PerYear)>
                    {move || i18n.t().policy.per_year}
                </option>
            </select>
            {error_lines(i18n, mine, err_id.clone())}
        </div>
    }
}

/// The form fields of the main rules.
fn rules_fields(
    i18n: I18n,
    draft: RwSignal<PolicyRules>,
    problems: Memo<Vec<Violation>>,
    caps: Memo<Option<PolicyRules>>,
) -> impl IntoView {
    let grades = Memo::new(move |_| draft.with(|r| r.scope.all_grades()));
    let default_cap =
        Signal::derive(move || caps.with(|c| c.as_ref().map(|b| b.ratio.default_max)));
    let t = move || i18n.t();
    view! {
        <fieldset class="group" id="ratio-fields">
            <legend>{move || t().policy.sec_scope_ratio}</legend>
            {num_field(
                i18n, draft, problems, "ratio-default".into(), "ratio.default_max".into(),
                move || t().policy.ratio_default.to_string(),
                |r| Some(r.ratio.default_max),
                |r, v| r.ratio.default_max = v.unwrap_or(0),
                false, default_cap,
            )}
            <p class="meta">{move || t().policy.ratio_grade_hint}</p>
            <div class="grid2">
                {move || {
                    grades
                        .get()
                        .into_iter()
                        .map(|g| {
                            let cap = Signal::derive(move || caps.with(|c| c.as_ref().map(|b| b.ratio.cap_for(g))));
                            num_field(
                                i18n, draft, problems, format!("ratio-grade-{g}"), format!("ratio.per_grade.{g}"),
                                move || (t().org.grade_n)(&g.to_string()),
                                move |r| r.ratio.per_grade.get(&g).copied(),
                                move |r, v| match v {
                                    Some(v) => {
                                        r.ratio.per_grade.insert(g, v);
                                    }
                                    None => {
                                        r.ratio.per_grade.remove(&g);
                                    }
                                },
                                true, cap,
                            )
                        })
                        .collect_view()
                }}
            </div>
        </fieldset>
        <fieldset class="group" id="task-fields">
            <legend>{move || t().policy.sec_tasks}</legend>
            {num_field(
                i18n, draft, problems, "talks".into(), "tasks.talks.count_per_term".into(),
                move || t().policy.talks_per_term.to_string(),
                |r| Some(r.tasks.talks.count_per_term),
                |r, v| r.tasks.talks.count_per_term = v.unwrap_or(0),
                false, None,
            )}
            <div class="grid2">
                {num_field(
                    i18n, draft, problems, "home-visits".into(), "tasks.home_visit.count".into(),
                    move || t().policy.home_visits.to_string(),
                    |r| Some(r.tasks.home_visit.count),
                    |r, v| r.tasks.home_visit.count = v.unwrap_or(0),
                    false, None,
                )}
                {cadence_field(
                    i18n, draft, problems, "home-visit-cadence", "tasks.home_visit.cadence",
                    |r| r.tasks.home_visit.cadence,
                    |r, c| r.tasks.home_visit.cadence = c,
                )}
                {num_field(
                    i18n, draft, problems, "growth-messages".into(), "tasks.growth_message.count".into(),
                    move || t().policy.growth_messages.to_string(),
                    |r| Some(r.tasks.growth_message.count),
                    |r, v| r.tasks.growth_message.count = v.unwrap_or(0),
                    false, None,
                )}
                {cadence_field(
                    i18n, draft, problems, "growth-cadence", "tasks.growth_message.cadence",
                    |r| r.tasks.growth_message.cadence,
                    |r, c| r.tasks.growth_message.cadence = c,
                )}
            </div>
            {num_field(
                i18n, draft, problems, "parent-contact".into(), "tasks.parent_contact.per_month".into(),
                move || t().policy.parent_contact_month.to_string(),
                |r| Some(r.tasks.parent_contact.per_month),
                |r, v| r.tasks.parent_contact.per_month = v.unwrap_or(0),
                false, None,
            )}
            {num_field(
                i18n, draft, problems, "self-report".into(), "tasks.self_report.per_month".into(),
                move || t().policy.self_report_month.to_string(),
                |r| Some(r.tasks.self_report.per_month),
                |r, v| r.tasks.self_report.per_month = v.unwrap_or(0),
                false, None,
            )}
            {num_field(
                i18n, draft, problems, "optional-min".into(), "tasks.optional_actions.min_per_term".into(),
                move || t().policy.optional_min.to_string(),
                |r| Some(r.tasks.optional_actions.min_per_term),
                |r, v| r.tasks.optional_actions.min_per_term = v.unwrap_or(0),
                false, None,
            )}
            <div class="grid2">
                {num_field(
                    i18n, draft, problems, "backdate-days".into(), "tasks.backdate_days".into(),
                    move || t().policy.backdate_days.to_string(),
                    |r| Some(r.tasks.backdate_days),
                    |r, v| r.tasks.backdate_days = v.unwrap_or(0),
                    false, None,
                )}
                {num_field(
                    i18n, draft, problems, "due-soon-days".into(), "tasks.due_soon_days".into(),
                    move || t().policy.due_soon_days.to_string(),
                    |r| Some(r.tasks.due_soon_days),
                    |r, v| r.tasks.due_soon_days = v.unwrap_or(0),
                    false, None,
                )}
            </div>
        </fieldset>
    }
}

/// The server's answer to the draft, checked as it is edited.
#[derive(Debug, Clone, PartialEq)]
enum ServerCheck {
    /// Not asked (the browser already found problems, or no date).
    Idle,
    /// Asked, no answer yet.
    Checking,
    /// The server accepts the draft.
    Valid,
    /// The server's violations.
    Problems(Vec<Violation>),
}

/// What a save ended with.
#[derive(Debug, Clone)]
enum SaveOutcome {
    Saved(i64),
    Refused(Vec<Violation>),
}

/// What the save action sends.
#[derive(Debug, Clone)]
struct SaveInput {
    rules: Value,
    effective_from: String,
    term_id: Option<String>,
    name: String,
    preset_id: Option<String>,
}

async fn save_policy(level: Level, input: SaveInput) -> Result<SaveOutcome, ApiError> {
    match level {
        Level::School => {
            let problems =
                api::query::<ops::ValidateSchoolPolicy>(ops::validate_school_policy::Variables {
                    rules: input.rules.clone(),
                    effective_from: Some(input.effective_from.clone()),
                    term_id: input.term_id.clone(),
                })
                .await?
                .validate_school_policy;
            if !problems.is_empty() {
                return Ok(SaveOutcome::Refused(
                    problems
                        .into_iter()
                        .map(|p| Violation::new(p.path, p.message_zh, p.message_en))
                        .collect(),
                ));
            }
            let v = api::query::<ops::SaveSchoolPolicy>(ops::save_school_policy::Variables {
                rules: input.rules,
                effective_from: input.effective_from,
                term_id: input.term_id,
                name: Some(input.name),
                preset_id: input.preset_id,
            })
            .await?
            .save_school_policy;
            Ok(SaveOutcome::Saved(v.version))
        }
        Level::District => {
            let v =
                api::query::<ops::SaveDistrictBaseline>(ops::save_district_baseline::Variables {
                    rules: input.rules,
                    effective_from: input.effective_from,
                    name: Some(input.name),
                    preset_id: input.preset_id,
                })
                .await?
                .save_district_baseline;
            Ok(SaveOutcome::Saved(v.version))
        }
    }
}

/// The edit form: start from the current version or a preset, change the
/// main rules with instant validation and the diff, save as a new version.
#[allow(clippy::too_many_arguments)]
pub(super) fn editor(
    i18n: I18n,
    level: Level,
    current: Option<PolicyRules>,
    current_name: String,
    baselines: Vec<(String, PolicyRules)>,
    presets: Vec<Preset>,
    terms: Vec<TermOpt>,
    on_saved: Callback<i64>,
) -> impl IntoView {
    // The district's versions, newest first.
    let newest_baseline = baselines.first().map(|(_, r)| r.clone());
    let Some(start) = current
        .clone()
        .or_else(|| newest_baseline.clone())
        .or_else(|| {
            presets
                .first()
                .and_then(|p| serde_json::from_value::<PolicyRules>(p.rules.clone()).ok())
        })
    else {
        return view! { <p class="muted">{move || i18n.t().policy.baseline_none}</p> }.into_any();
    };
    let compare_to = start.clone();
    let draft = RwSignal::new(start);
    let preset_id = RwSignal::new(None::<String>);
    let name = RwSignal::new(current_name);
    let effective = RwSignal::new(today());
    let term_default = {
        let d = today();
        terms
            .iter()
            .find(|t| t.starts_on <= d && d <= t.ends_on)
            .or(terms.first())
            .map(|t| t.id.clone())
            .unwrap_or_default()
    };
    let term = RwSignal::new(term_default);
    // The baseline a school version is checked against: the one in effect on
    // its effective date, else the newest (as the server does).
    let in_force = Memo::new(move |_| {
        if level != Level::School {
            return None;
        }
        let day = effective.get();
        baselines
            .iter()
            .find(|(from, _)| *from <= day)
            .or(baselines.first())
            .map(|(_, r)| r.clone())
    });
    let problems = Memo::new(move |_| {
        let rules = draft.get();
        let m = meta(&name.get(), &term.get(), &effective.get());
        match (level, in_force.get()) {
            (Level::School, Some(ref b)) => policy::validate_school(
                &Policy {
                    meta: m.clone(),
                    rules,
                },
                &DistrictBaseline {
                    meta: m,
                    rules: b.clone(),
                },
            ),
            _ => {
                let m = if level == Level::District {
                    // The baseline has no term of its own.
                    meta(&name.get(), "district", &effective.get())
                } else {
                    m
                };
                policy::validate_baseline(&DistrictBaseline { meta: m, rules })
            }
        }
    });
    let changes = Memo::new(move |_| draft.with(|d| policy::diff(&compare_to, d)));
    // The server's `validateSchoolPolicy` on the draft, half a second after the
    // last change the browser found valid; a later change discards the answer.
    let server = RwSignal::new(ServerCheck::Idle);
    let asked = StoredValue::new(0u32);
    Effect::new(move |_| {
        let rules = draft.get();
        let from = effective.get();
        let term_id = term.get();
        if level != Level::School || !problems.with(Vec::is_empty) || from.len() != 10 {
            server.set(ServerCheck::Idle);
            return;
        }
        let n = asked.get_value() + 1;
        asked.set_value(n);
        server.set(ServerCheck::Checking);
        set_timeout(
            move || {
                if asked.try_get_value() != Some(n) {
                    return;
                }
                leptos::task::spawn_local(async move {
                    let vars = ops::validate_school_policy::Variables {
                        rules: serde_json::to_value(&rules).unwrap_or(Value::Null),
                        effective_from: Some(from),
                        term_id: Some(term_id).filter(|t| !t.is_empty()),
                    };
                    let answer = api::query::<ops::ValidateSchoolPolicy>(vars).await;
                    if asked.try_get_value() != Some(n) {
                        return;
                    }
                    server.set(match answer {
                        Ok(d) if d.validate_school_policy.is_empty() => ServerCheck::Valid,
                        Ok(d) => ServerCheck::Problems(
                            d.validate_school_policy
                                .into_iter()
                                .map(|p| Violation::new(p.path, p.message_zh, p.message_en))
                                .collect(),
                        ),
                        // The save will ask again and show why.
                        Err(_) => ServerCheck::Idle,
                    });
                });
            },
            std::time::Duration::from_millis(500),
        );
    });
    let outcome = RwSignal::new(None::<SaveOutcome>);
    let save = Action::new_local(move |input: &SaveInput| save_policy(level, input.clone()));
    Effect::new(move |_| match save.value().get() {
        Some(Ok(SaveOutcome::Saved(v))) => on_saved.run(v),
        Some(Ok(o)) => outcome.set(Some(o)),
        _ => {}
    });
    let missing_date = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let from = effective.get_untracked();
        if from.len() != 10 {
            missing_date.set(true);
            return;
        }
        missing_date.set(false);
        outcome.set(None);
        let term_id =
            Some(term.get_untracked()).filter(|t| !t.is_empty() && level == Level::School);
        save.dispatch(SaveInput {
            rules: serde_json::to_value(draft.get_untracked()).unwrap_or(Value::Null),
            effective_from: from,
            term_id,
            name: name.get_untracked().trim().to_string(),
            preset_id: preset_id.get_untracked(),
        });
    };
    let presets_for_pick = presets.clone();
    let on_preset = move |ev: leptos::ev::Event| {
        let id = event_target_value(&ev);
        let chosen = presets_for_pick.iter().find(|p| p.id == id);
        match chosen {
            Some(p) => {
                if let Ok(r) = serde_json::from_value::<PolicyRules>(p.rules.clone()) {
                    draft.set(r);
                    preset_id.set(Some(p.id.clone()));
                    if name.with_untracked(|n| n.trim().is_empty()) {
                        name.set(p.title_zh.clone());
                    }
                }
            }
            None => {
                if let Some(r) = current.clone().or_else(|| newest_baseline.clone()) {
                    draft.set(r);
                }
                preset_id.set(None);
            }
        }
    };
    let has_terms = !terms.is_empty();
    let meta_mine = field_errors(i18n, problems, "meta.name".into());
    let term_mine = field_errors(i18n, problems, "meta.term_id".into());
    view! {
        <form class="card form policy-form" id="policy-form" on:submit=on_submit novalidate=true>
            <label for="policy-preset">{move || i18n.t().policy.start_from}</label>
            <select id="policy-preset" on:change=on_preset>
                <option value="">{move || i18n.t().policy.start_current}</option>
                {presets
                    .into_iter()
                    .map(|p| {
                        view! {
                            <option value=p.id.clone()>
                                {move || format!("{} {}", p.source, i18n.pick(&p.title_zh, &p.title_en))}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <label for="policy-name">{move || i18n.t().policy.policy_name}</label>
            <input id="policy-name" type="text" bind:value=name aria-describedby="policy-name-error"/>
            {error_lines(i18n, meta_mine, "policy-name-error".into())}
            <div class="grid2">
                <div class="field">
                    <label for="policy-effective">{move || i18n.t().policy.effective_date}</label>
                    <input id="policy-effective" type="date" required=true bind:value=effective/>
                </div>
                {has_terms.then(|| view! {
                    <div class="field">
                        <label for="policy-term">{move || i18n.t().policy.effective_term}</label>
                        <select id="policy-term" aria-describedby="policy-term-error" on:change=move |ev| term.set(event_target_value(&ev))>
                            {terms
                                .into_iter()
                                .map(|t| {
                                    let id = t.id.clone();
                                    view! { <option value=t.id.clone() selected=move || term.get() == id>{t.name.clone()}</option> }
                                })
                                .collect_view()}
                        </select>
                        {error_lines(i18n, term_mine, "policy-term-error".into())}
                    </div>
                })}
            </div>
            {rules_fields(i18n, draft, problems, in_force)}
            <section class="check" id="policy-check" aria-live="polite">
                {move || {
                    let ps = problems.get();
                    if ps.is_empty() {
                        view! { <p class="ok-line" id="policy-valid">{move || i18n.t().policy.meets_baseline}</p> }.into_any()
                    } else {
                        let n = ps.len() as i64;
                        view! {
                            <div class="error" id="policy-problems">
                                <p>{move || (i18n.t().policy.problems_n)(&i18n.num(n))}</p>
                                <ul>
                                    {ps
                                        .into_iter()
                                        .map(|v| view! { <li>{move || message(i18n, &v)}</li> })
                                        .collect_view()}
                                </ul>
                            </div>
                        }
                        .into_any()
                    }
                }}
            </section>
            <div class="server-check" aria-live="polite">
                {move || match server.get() {
                    ServerCheck::Idle => None,
                    ServerCheck::Checking => Some(
                        view! { <p class="meta" id="policy-server-checking">{move || i18n.t().policy.server_live_checking}</p> }.into_any(),
                    ),
                    ServerCheck::Valid => Some(
                        view! { <p class="ok-line" id="policy-server-ok">{move || i18n.t().policy.server_live_ok}</p> }.into_any(),
                    ),
                    ServerCheck::Problems(ps) => Some(
                        view! {
                            <div class="error" id="policy-server-live-problems">
                                <p>{move || i18n.t().policy.server_live_problems}</p>
                                <ul>
                                    {ps.into_iter().map(|v| view! { <li>{move || message(i18n, &v)}</li> }).collect_view()}
                                </ul>
                            </div>
                        }
                        .into_any(),
                    ),
                }}
            </div>
            <section class="diff" id="policy-diff">
                <h3>{move || i18n.t().policy.diff_title}</h3>
                {move || {
                    let c = changes.get();
                    if c.is_empty() {
                        view! { <p class="muted">{move || i18n.t().policy.diff_none}</p> }.into_any()
                    } else {
                        change_list(i18n, changes_of(c)).into_any()
                    }
                }}
            </section>
            {move || missing_date.get().then(|| view! { <p class="error" role="alert">{move || i18n.t().policy.pick_date}</p> })}
            {move || match outcome.get() {
                Some(SaveOutcome::Refused(ps)) => Some(view! {
                    <div class="error" role="alert" id="policy-server-problems">
                        <p>{move || i18n.t().policy.server_refused}</p>
                        <ul>
                            {ps.into_iter().map(|v| view! { <li>{move || message(i18n, &v)}</li> }).collect_view()}
                        </ul>
                    </div>
                }.into_any()),
                _ => None,
            }}
            {move || match save.value().get() {
                Some(Err(e)) => Some(view! { <ErrorBox err=e/> }),
                _ => None,
            }}
            <button
                type="submit"
                class="btn primary wide"
                id="policy-save"
                disabled=move || save.pending().get() || !problems.with(Vec::is_empty)
            >
                {move || if save.pending().get() { i18n.t().saving } else { i18n.t().policy.save_version }}
            </button>
        </form>
    }
    .into_any()
}

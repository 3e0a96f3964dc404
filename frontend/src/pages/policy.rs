//! 一校一策: the school's policy (current version, history, an edit form
//! validated in the browser against the district baseline with
//! `shared::policy`, the diff from the current version, saving as a new
//! version) and its calendar of key exams; the district's baseline.
//!
//! The browser's validation is instant feedback; the server's
//! `validateSchoolPolicy` (and the save itself) is the authority.

use leptos::prelude::*;
use serde_json::{Value, json};
use shared::policy::{
    self, Cadence, Change, DistrictBaseline, PolicyMeta, PolicyRules, SchoolPolicy as Policy,
    Violation,
};

use crate::api::{self, ApiError};
use crate::i18n::{I18n, Label, Tr, use_i18n};
use crate::ops;
use crate::ui::{ErrorBox, PageTitle, loaded};

/// Today's date (the browser's), ISO.
fn today() -> String {
    let d = js_sys::Date::new_0();
    format!(
        "{:04}-{:02}-{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date()
    )
}

fn meta(name: &str, term_id: &str, from: &str) -> PolicyMeta {
    let from = if from.len() == 10 { from } else { "2000-01-01" };
    serde_json::from_value(json!({
        "name": name, "version": 1, "term_id": term_id, "effective_from": from
    }))
    .or_else(|_| {
        serde_json::from_value(json!({
            "name": name, "version": 1, "term_id": term_id, "effective_from": "2000-01-01"
        }))
    })
    .expect("a valid policy meta")
}

/// Which level a policy editor saves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    School,
    District,
}

/// A preset one can start from.
#[derive(Debug, Clone)]
struct Preset {
    id: String,
    source: String,
    title_zh: String,
    title_en: String,
    rules: Value,
}

/// A term to choose from.
#[derive(Debug, Clone)]
struct TermOpt {
    id: String,
    name: String,
    starts_on: String,
    ends_on: String,
}

/// A saved version, as the history shows it.
#[derive(Debug, Clone)]
struct VersionRow {
    version: i64,
    name: String,
    effective_from: String,
    created_at: String,
    changes: Vec<(String, Option<Value>, Option<Value>)>,
}

/// A violation's message in the user's language.
fn message(i18n: I18n, v: &Violation) -> String {
    i18n.pick(&v.message_zh, &v.message_en).to_string()
}

/// A readable name for a rules path (the raw path when the form has no field for it).
fn path_label(t: &Tr, path: &str) -> String {
    let known: Option<Label> = match path {
        "ratio.default_max" => Some(|t| t.policy.ratio_default),
        "tasks.talks.count_per_term" => Some(|t| t.policy.talks_per_term),
        "tasks.home_visit.count" => Some(|t| t.policy.home_visits),
        "tasks.growth_message.count" => Some(|t| t.policy.growth_messages),
        "tasks.parent_contact.per_month" => Some(|t| t.policy.parent_contact_month),
        "tasks.self_report.per_month" => Some(|t| t.policy.self_report_month),
        "tasks.optional_actions.min_per_term" => Some(|t| t.policy.optional_min),
        _ => None,
    };
    if let Some(l) = known {
        return if path.starts_with("ratio.") {
            format!("{} · {}", t.policy.ratio_short, l(t))
        } else {
            l(t).to_string()
        };
    }
    if let Some(g) = path.strip_prefix("ratio.per_grade.") {
        return format!("{} · {}", t.policy.ratio_short, (t.org.grade_n)(g));
    }
    match path {
        "tasks.home_visit.cadence" => format!("{} · {}", t.policy.home_visits, t.policy.cadence),
        "tasks.growth_message.cadence" => {
            format!("{} · {}", t.policy.growth_messages, t.policy.cadence)
        }
        other => other.to_string(),
    }
}

/// A JSON value as a short text.
fn show_value(t: &Tr, v: &Option<Value>) -> String {
    match v {
        None => t.none.to_string(),
        Some(Value::String(s)) => match s.as_str() {
            "PER_TERM" => t.policy.per_term.to_string(),
            "PER_YEAR" => t.policy.per_year.to_string(),
            other => other.to_string(),
        },
        Some(other) => other.to_string(),
    }
}

/// A list of changes, `before → after`.
fn change_list(i18n: I18n, changes: Vec<(String, Option<Value>, Option<Value>)>) -> impl IntoView {
    view! {
        <ul class="plain changes">
            {changes
                .into_iter()
                .map(|(path, before, after)| {
                    view! {
                        <li class="change">
                            <span class="name">{move || path_label(i18n.t(), &path)}</span>
                            <span class="meta">
                                <del>{move || show_value(i18n.t(), &before)}</del>
                                " → "
                                <ins>{move || show_value(i18n.t(), &after)}</ins>
                            </span>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

fn changes_of(c: Vec<Change>) -> Vec<(String, Option<Value>, Option<Value>)> {
    c.into_iter().map(|c| (c.path, c.before, c.after)).collect()
}

/// The violations of one field, under it.
fn field_errors(i18n: I18n, problems: Memo<Vec<Violation>>, path: String) -> Memo<Vec<Violation>> {
    let _ = i18n;
    Memo::new(move |_| {
        problems.with(|ps| {
            ps.iter()
                .filter(|v| v.path == path)
                .cloned()
                .collect::<Vec<_>>()
        })
    })
}

fn error_lines(i18n: I18n, mine: Memo<Vec<Violation>>, err_id: String) -> impl IntoView {
    view! {
        <div id=err_id aria-live="polite">
            {move || {
                mine.get()
                    .into_iter()
                    .map(|v| view! { <p class="field-error" role="alert">{move || message(i18n, &v)}</p> })
                    .collect_view()
            }}
        </div>
    }
}

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
fn editor(
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

/// The history of versions, newest first.
fn history(i18n: I18n, versions: Vec<VersionRow>) -> impl IntoView {
    view! {
        <section class="card" id="policy-history">
            <h2>{move || i18n.t().policy.policy_history}</h2>
            <ul class="plain">
                {versions
                    .into_iter()
                    .map(|v| {
                        let n = v.version.to_string();
                        let (from, at) = (v.effective_from.clone(), v.created_at.clone());
                        let count = v.changes.len();
                        view! {
                            <li class="version">
                                <details>
                                    <summary>
                                        <span class="name">{move || (i18n.t().policy.version_n)(&n)}</span>
                                        " "
                                        <span class="meta">
                                            {move || (i18n.t().policy.effective_from_d)(&i18n.date(&from))} " · "
                                            {move || (i18n.t().policy.saved_on_d)(&i18n.date(&at))}
                                        </span>
                                    </summary>
                                    <p class="meta">{v.name.clone()}</p>
                                    {if count == 0 {
                                        view! { <p class="muted">{move || i18n.t().policy.diff_none}</p> }.into_any()
                                    } else {
                                        change_list(i18n, v.changes).into_any()
                                    }}
                                </details>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

fn changes_of_wire<I>(it: I) -> Vec<(String, Option<Value>, Option<Value>)>
where
    I: IntoIterator<Item = (String, Option<Value>, Option<Value>)>,
{
    it.into_iter().collect()
}

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

/// The school calendar: a term's key exams and events, add and delete.
#[component]
fn Calendar(terms: Vec<TermOpt>) -> impl IntoView {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{EN, ZH};

    #[test]
    fn rules_paths_read_as_the_form_names_them() {
        assert_eq!(path_label(&ZH, "ratio.per_grade.7"), "师生比上限 · 7年级");
        assert_eq!(path_label(&EN, "ratio.per_grade.7"), "Ratio cap · Grade 7");
        assert_eq!(
            path_label(&ZH, "tasks.talks.count_per_term"),
            ZH.policy.talks_per_term
        );
        assert!(path_label(&ZH, "tasks.home_visit.cadence").contains(ZH.policy.cadence));
        // Paths without a field stay readable as they are.
        assert_eq!(path_label(&ZH, "assessment.primary"), "assessment.primary");
    }

    #[test]
    fn values_show_cadences_by_name() {
        assert_eq!(
            show_value(&ZH, &Some(Value::from("PER_YEAR"))),
            ZH.policy.per_year
        );
        assert_eq!(show_value(&EN, &Some(Value::from(15))), "15");
        assert_eq!(show_value(&ZH, &None), ZH.none);
    }

    #[test]
    fn a_draft_above_the_district_cap_is_reported_on_its_field() {
        // 篇5's 1:16 for grade 7 against the 篇6 baseline's 1:15.
        let m = meta("迎园", "t", "2026-09-01");
        let base = shared::policy::presets::district_pian6("t", m.effective_from);
        let mut p = shared::policy::presets::school_pian5_yingyuan("t", m.effective_from);
        p.meta = m;
        let v = policy::validate_school(&p, &base);
        assert!(v.iter().any(|v| v.path == "ratio.per_grade.7"), "{v:?}");
    }
}

//! 一校一策: the school's policy (current version, history, an edit form
//! validated in the browser against the district baseline with
//! `shared::policy`, the diff from the current version, saving as a new
//! version) and its calendar of key exams; the district's baseline.
//!
//! The browser's validation is instant feedback; the server's
//! `validateSchoolPolicy` (and the save itself) is the authority.

use leptos::prelude::*;
use serde_json::{Value, json};
use shared::policy::{Change, PolicyMeta, Violation};

use crate::i18n::{I18n, Label, Tr};

mod baseline;
mod calendar;
mod form;
mod school;

pub use baseline::Baseline;
pub use school::SchoolPolicy;

use form::editor;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{EN, ZH};
    use shared::policy;

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

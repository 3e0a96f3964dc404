//! The school admin's matching: the term's rounds and opening a new one.

use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::i18n::{I18n, use_i18n};
use crate::ops;
use crate::ui::{ErrorBox, PageTitle, loaded};

use super::decide::TeamDecisions;
use super::preview::RoundDetail;
use super::*;

/// One round in the list.
#[derive(Debug, Clone, PartialEq)]
pub struct RoundRow {
    /// Id.
    pub id: String,
    /// Grade.
    pub grade: i64,
    /// GraphQL spelling of the method.
    pub method: String,
    /// GraphQL spelling of the status.
    pub status: String,
    /// Cap per mentor.
    pub cap: i64,
    /// Students who took part.
    pub participants: i64,
    /// Seed of the last preview.
    pub seed: Option<String>,
    /// When published (RFC 3339).
    pub published_at: Option<String>,
}

async fn load_rounds(term_id: String) -> Result<Vec<RoundRow>, ApiError> {
    if term_id.is_empty() {
        return Ok(vec![]);
    }
    Ok(
        api::query::<ops::MatchingRounds>(ops::matching_rounds::Variables { term_id })
            .await?
            .matching_rounds
            .into_iter()
            .map(|r| RoundRow {
                id: r.id,
                grade: r.grade,
                method: r.method.0,
                status: r.status.0,
                cap: r.cap,
                participants: r.participant_count,
                seed: r.seed,
                published_at: r.published_at,
            })
            .collect(),
    )
}

/// The school admin's matching page.
#[component]
pub fn MatchingAdmin() -> impl IntoView {
    let i18n = use_i18n();
    let terms = LocalResource::new(load_terms);
    let term = RwSignal::new(String::new());
    let selected = RwSignal::new(None::<String>);
    let rounds_version = RwSignal::new(0u32);
    view! {
        <PageTitle title=|t| t.matching.title/>
        <p class="hint">{move || i18n.t().matching.intro}</p>
        {loaded(terms, move |ts: Vec<TermRow>| {
            if term.get_untracked().is_empty()
                && let Some(t) = current_term(&ts, &today())
            {
                term.set(t);
            }
            view! {
                <section class="card">
                    <label for="match-term">{move || i18n.t().matching.term}</label>
                    <select
                        id="match-term"
                        on:change=move |ev| {
                            selected.set(None);
                            term.set(event_target_value(&ev));
                        }
                    >
                        {ts
                            .into_iter()
                            .map(|t| {
                                let id = t.id.clone();
                                view! {
                                    <option value=t.id.clone() selected=move || term.get() == id>
                                        {t.name.clone()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </section>
            }
        })}
        <RoundList term selected version=rounds_version/>
        {move || {
            selected
                .get()
                .map(|id| {
                    view! {
                        <RoundDetail
                            round_id=id
                            on_change=Callback::new(move |_| rounds_version.update(|v| *v += 1))
                        />
                    }
                })
        }}
        <TeamDecisions/>
    }
}

#[component]
fn RoundList(
    term: RwSignal<String>,
    selected: RwSignal<Option<String>>,
    version: RwSignal<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let rounds = LocalResource::new(move || {
        version.track();
        load_rounds(term.get())
    });
    view! {
        <section class="card" id="rounds">
            <h2>{move || i18n.t().matching.rounds_title}</h2>
            {loaded(rounds, move |rs: Vec<RoundRow>| {
                if rs.is_empty() {
                    return view! { <p class="muted">{move || i18n.t().matching.rounds_empty}</p> }.into_any();
                }
                view! {
                    <ul class="list" id="round-list">
                        {rs
                            .into_iter()
                            .map(|r| round_item(i18n, r, selected))
                            .collect_view()}
                    </ul>
                }
                .into_any()
            })}
            <OpenRoundForm term on_open=Callback::new(move |id: String| {
                version.update(|v| *v += 1);
                selected.set(Some(id));
            })/>
        </section>
    }
}

fn round_item(i18n: I18n, r: RoundRow, selected: RwSignal<Option<String>>) -> impl IntoView {
    let id = r.id.clone();
    let id2 = r.id.clone();
    let (grade, method, status) = (r.grade, r.method.clone(), r.status.clone());
    let (method2, status2) = (method.clone(), status.clone());
    let title = move || {
        format!(
            "{} · {}",
            (i18n.t().matching.grade_n)(&grade.to_string()),
            i18n.t().matching.method_name(&method)
        )
    };
    let title2 = title.clone();
    view! {
        <li
            class="item round-card"
            data-grade=r.grade.to_string()
            data-status=r.status.clone()
            data-method=method2
            aria-current=move || (selected.get().as_deref() == Some(id2.as_str())).then_some("true")
        >
            <div class="item-main">
                <span class="name">{title}</span>
                <span class="meta">
                    <span class="tag">{move || i18n.t().matching.status_name(&status2)}</span>
                    " "
                    {move || (i18n.t().matching.participants)(&r.participants.to_string())}
                    " · "
                    {move || (i18n.t().matching.cap_n)(&r.cap.to_string())}
                </span>
            </div>
            <button
                type="button"
                class="btn secondary view-round"
                aria-label=move || (i18n.t().matching.view_round_label)(&title2())
                on:click=move |_| selected.set(Some(id.clone()))
            >
                {move || i18n.t().matching.view_round}
            </button>
        </li>
    }
}

#[component]
fn OpenRoundForm(term: RwSignal<String>, on_open: Callback<String>) -> impl IntoView {
    let i18n = use_i18n();
    let grade = RwSignal::new(String::new());
    let method = RwSignal::new("TWO_WAY".to_string());
    let cap = RwSignal::new(String::new());
    let open = Action::new_local(move |v: &ops::open_matching_round::Variables| {
        let v = v.clone();
        async move {
            api::query::<ops::OpenMatchingRound>(v)
                .await
                .map(|d| d.open_matching_round.id)
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(id)) = open.value().get() {
            grade.set(String::new());
            cap.set(String::new());
            on_open.run(id);
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(g) = grade.get_untracked().trim().parse::<i64>() else {
            return;
        };
        open.dispatch(ops::open_matching_round::Variables {
            term_id: term.get_untracked(),
            grade: g,
            method: ops::RoundMethod(method.get_untracked()),
            cap: cap.get_untracked().trim().parse::<i64>().ok(),
        });
    };
    let shown = RwSignal::new(false);
    view! {
        <div class="open-round">
            <button
                type="button"
                class="btn secondary"
                id="open-round-toggle"
                aria-expanded=move || if shown.get() { "true" } else { "false" }
                on:click=move |_| shown.update(|s| *s = !*s)
            >
                {move || i18n.t().matching.open_title}
            </button>
            <form class="form" on:submit=on_submit novalidate=true hidden=move || !shown.get()>
                <label for="round-grade">{move || i18n.t().matching.grade}</label>
                <input id="round-grade" type="number" min="1" max="12" inputmode="numeric" bind:value=grade/>
                <label for="round-method">{move || i18n.t().matching.method}</label>
                <select id="round-method" on:change=move |ev| method.set(event_target_value(&ev))>
                    {["TWO_WAY", "BLIND_BOX", "SELF_SELECTION"]
                        .into_iter()
                        .map(|m| view! { <option value=m>{move || i18n.t().matching.method_name(m)}</option> })
                        .collect_view()}
                </select>
                <label for="round-cap">{move || i18n.t().matching.cap}</label>
                <input id="round-cap" type="number" min="1" max="50" inputmode="numeric" aria-describedby="round-cap-hint" bind:value=cap/>
                <p class="muted" id="round-cap-hint">{move || i18n.t().matching.cap_hint}</p>
                {move || open.value().get().and_then(Result::err).map(|e| view! { <ErrorBox err=e/> })}
                <button type="submit" class="btn primary wide" id="open-round" disabled=move || open.pending().get()>
                    {move || i18n.t().matching.open_button}
                </button>
            </form>
        </div>
    }
}

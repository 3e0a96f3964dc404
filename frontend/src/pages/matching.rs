//! 导师匹配: the school admin's matching rounds (open a round, run the
//! preview, statistics with a chart of load per mentor and of the choices
//! received, the assignments with their explanations and filters, a manual
//! reassignment with the cap enforced live and a required reason, publication
//! with a confirmation), and the student's side (rank up to five mentors,
//! pick one with places in a self-selection round, see the published mentor
//! and why).
//!
//! Students are never ranked by results: the only positions shown are the
//! students' own choice numbers (志愿).

use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::i18n::{I18n, Lang, use_i18n};
use crate::ops;
use crate::ui::{ErrorBox, PageTitle, loaded};

/// Most choices a student may list (the server's limit).
const MAX_CHOICES: usize = 5;

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

/// A term as the pickers need it.
#[derive(Debug, Clone, PartialEq)]
pub struct TermRow {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// First day, ISO.
    pub starts_on: String,
    /// Last day, ISO.
    pub ends_on: String,
}

/// The term containing `today`, else the next to start, else the newest.
pub fn current_term(terms: &[TermRow], today: &str) -> Option<String> {
    terms
        .iter()
        .find(|t| t.starts_on.as_str() <= today && today <= t.ends_on.as_str())
        .or_else(|| {
            terms
                .iter()
                .filter(|t| t.starts_on.as_str() > today)
                .min_by(|a, b| a.starts_on.cmp(&b.starts_on))
        })
        .or_else(|| terms.iter().max_by(|a, b| a.starts_on.cmp(&b.starts_on)))
        .map(|t| t.id.clone())
}

async fn load_terms() -> Result<Vec<TermRow>, ApiError> {
    Ok(api::query::<ops::Terms>(ops::terms::Variables)
        .await?
        .terms
        .into_iter()
        .map(|t| TermRow {
            id: t.id,
            name: t.name,
            starts_on: t.starts_on,
            ends_on: t.ends_on,
        })
        .collect())
}

/// A share as a whole percentage.
fn pct(part: i64, whole: i64) -> String {
    if whole <= 0 {
        return "0%".into();
    }
    format!("{}%", (part * 100 + whole / 2) / whole)
}

/// A median: whole numbers without decimals.
fn median_text(m: f64) -> String {
    if (m - m.round()).abs() < 1e-9 {
        format!("{}", m.round() as i64)
    } else {
        format!("{m:.1}")
    }
}

/// A pair's explanation: the server's line (Chinese), and in English an
/// English line from the stage and choice number before it.
fn why_view(i18n: I18n, stage: String, choice: Option<i64>, why: String) -> impl IntoView {
    let english = move || {
        (i18n.lang() == Lang::En && !stage.is_empty()).then(|| {
            view! {
                <span class="why-en">{i18n.t().matching.explain(&stage, choice)}</span>
                <br/>
            }
        })
    };
    view! {
        {english}
        <span lang="zh-CN">{why}</span>
    }
}

/// A bar's width in percent of the largest value.
fn width(v: i64, max: i64) -> String {
    let w = if max <= 0 {
        0
    } else {
        (v * 100 / max).clamp(0, 100)
    };
    format!("width: {w}%")
}

// ---------------------------------------------------------------------------
// School admin
// ---------------------------------------------------------------------------

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

/// One placed student of a preview.
#[derive(Debug, Clone, PartialEq)]
pub struct AssignRow {
    /// Student id.
    pub student_id: String,
    /// Student name.
    pub student: String,
    /// Class name.
    pub class_name: String,
    /// Mentor id (None: unplaced).
    pub mentor_id: Option<String>,
    /// Mentor name.
    pub mentor: String,
    /// GraphQL spelling of the stage (empty: unplaced).
    pub stage: String,
    /// Which of the student's choices, 1 = first.
    pub choice_no: Option<i64>,
    /// The explanation (Chinese, from the server).
    pub why: String,
}

/// A mentor's load in the round.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadRow {
    /// Staff id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Students placed.
    pub load: i64,
    /// Places in the round.
    pub capacity: i64,
    /// May take students now.
    pub qualified: bool,
}

/// The statistics of a preview.
#[derive(Debug, Clone, PartialEq)]
pub struct StatsView {
    students: i64,
    with_choices: i64,
    first: i64,
    top3: i64,
    fill: i64,
    unplaced: i64,
    histogram: Vec<i64>,
    load_min: i64,
    load_median: f64,
    load_max: i64,
    shortages: Vec<(i64, i64)>,
    not_chosen: Vec<String>,
    in_training: Vec<String>,
}

/// A round with its preview.
#[derive(Debug, Clone, PartialEq)]
pub struct PreviewView {
    round: RoundRow,
    /// Placed and unplaced students (unplaced without a mentor).
    rows: Vec<AssignRow>,
    loads: Vec<LoadRow>,
    stats: Option<StatsView>,
    has_preview: bool,
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

async fn load_preview(round_id: String) -> Result<PreviewView, ApiError> {
    let d =
        api::query::<ops::MatchingPreviewPage>(ops::matching_preview_page::Variables { round_id })
            .await?;
    let r = d.matching_round;
    let round = RoundRow {
        id: r.id,
        grade: r.grade,
        method: r.method.0,
        status: r.status.0,
        cap: r.cap,
        participants: r.participant_count,
        seed: r.seed,
        published_at: r.published_at,
    };
    let Some(p) = d.matching_preview else {
        return Ok(PreviewView {
            round,
            rows: vec![],
            loads: vec![],
            stats: None,
            has_preview: false,
        });
    };
    let mut rows: Vec<AssignRow> = p
        .unplaced
        .into_iter()
        .map(|u| AssignRow {
            student_id: u.student_id,
            student: u.student_name,
            class_name: u.class_name,
            mentor_id: None,
            mentor: String::new(),
            stage: String::new(),
            choice_no: None,
            why: u.why,
        })
        .collect();
    let mut placed: Vec<AssignRow> = p
        .assignments
        .into_iter()
        .map(|a| AssignRow {
            student_id: a.student_id,
            student: a.student_name,
            class_name: a.class_name,
            mentor_id: Some(a.mentor_id),
            mentor: a.mentor_name,
            stage: a.stage.0,
            choice_no: a.choice_no,
            why: a.why,
        })
        .collect();
    // By class, then name: never by anything resembling results.
    placed.sort_by(|a, b| (&a.class_name, &a.student).cmp(&(&b.class_name, &b.student)));
    rows.append(&mut placed);
    let loads = p
        .loads
        .into_iter()
        .map(|l| LoadRow {
            id: l.mentor_id,
            name: l.name,
            load: l.load,
            capacity: l.capacity,
            qualified: l.qualified,
        })
        .collect();
    let stats = p.stats.map(|s| StatsView {
        students: s.students,
        with_choices: s.students_with_choices,
        first: s.first_choice,
        top3: s.top_three,
        fill: s.placed_by_fill,
        unplaced: s.unplaced,
        histogram: s.choice_histogram,
        load_min: s.load_min,
        load_median: s.load_median,
        load_max: s.load_max,
        shortages: s
            .shortages
            .into_iter()
            .map(|g| (g.grade, g.missing))
            .collect(),
        not_chosen: s.mentors_not_chosen.into_iter().map(|m| m.name).collect(),
        in_training: s.mentors_in_training.into_iter().map(|m| m.name).collect(),
    });
    Ok(PreviewView {
        round,
        rows,
        loads,
        stats,
        has_preview: true,
    })
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

/// Which assignments the list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Filter {
    All,
    Unplaced,
    Fill,
}

#[component]
fn RoundDetail(round_id: String, on_change: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let rid = StoredValue::new(round_id);
    let version = RwSignal::new(0u32);
    let preview = LocalResource::new(move || {
        version.track();
        load_preview(rid.get_value())
    });
    let notice = RwSignal::new(None::<String>);
    let run = Action::new_local(move |_: &()| {
        let round_id = rid.get_value();
        async move {
            api::query::<ops::RunMatchingPreview>(ops::run_matching_preview::Variables {
                round_id,
                seed: None,
            })
            .await
            .map(|_| ())
        }
    });
    let publish = Action::new_local(move |_: &()| {
        let round_id = rid.get_value();
        async move {
            api::query::<ops::PublishMatchingRound>(ops::publish_matching_round::Variables {
                round_id,
            })
            .await
            .map(|_| ())
        }
    });
    let confirming = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(Ok(())) = run.value().get() {
            notice.set(None);
            version.update(|v| *v += 1);
            on_change.run(());
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = publish.value().get() {
            confirming.set(false);
            notice.set(Some(i18n.t().matching.published.to_string()));
            version.update(|v| *v += 1);
            on_change.run(());
        }
    });
    let filter = RwSignal::new(Filter::All);
    let editing = RwSignal::new(None::<String>);
    view! {
        <section class="card" id="round-detail" aria-live="polite">
            {loaded(preview, move |p: PreviewView| {
                let r = p.round.clone();
                let published = r.status == "PUBLISHED";
                let previewed = r.status == "PREVIEWED";
                let (method, status) = (r.method.clone(), r.status.clone());
                let grade = r.grade;
                let seed = r.seed.clone();
                let published_at = r.published_at.clone();
                view! {
                    <h2 id="round-title">
                        {move || {
                            format!(
                                "{} · {}",
                                (i18n.t().matching.grade_n)(&grade.to_string()),
                                i18n.t().matching.method_name(&method),
                            )
                        }}
                    </h2>
                    <p class="meta">
                        <span class="tag" id="round-status" data-status=r.status.clone()>
                            {move || i18n.t().matching.status_name(&status)}
                        </span>
                        " "
                        {move || (i18n.t().matching.cap_n)(&r.cap.to_string())}
                    </p>
                    {seed.map(|s| view! { <p class="muted">{move || (i18n.t().matching.seed_line)(&s)}</p> })}
                    {published_at
                        .map(|d| {
                            let day: String = d.chars().take(10).collect();
                            view! { <p class="ok-line">{move || (i18n.t().matching.published_on)(&i18n.date(&day))}</p> }
                        })}
                    {(!published)
                        .then(|| {
                            view! {
                                <button
                                    type="button"
                                    class="btn primary wide"
                                    id="run-preview"
                                    disabled=move || run.pending().get()
                                    on:click=move |_| {
                                        run.dispatch(());
                                    }
                                >
                                    {move || {
                                        if run.pending().get() {
                                            i18n.t().matching.running
                                        } else if previewed {
                                            i18n.t().matching.rerun_preview
                                        } else {
                                            i18n.t().matching.run_preview
                                        }
                                    }}
                                </button>
                            }
                        })}
                    {move || run.value().get().and_then(Result::err).map(|e| view! { <ErrorBox err=e/> })}
                    {(!p.has_preview).then(|| view! { <p class="muted" id="no-preview">{move || i18n.t().matching.no_preview}</p> })}
                    {p.stats.clone().map(|s| stats_view(i18n, s, p.loads.clone()))}
                    {p.has_preview
                        .then(|| {
                            assignments_view(i18n, p.clone(), filter, editing, published, rid, version, notice)
                        })}
                    {(previewed)
                        .then(|| {
                            view! {
                                <div class="publish">
                                    {move || {
                                        if confirming.get() {
                                            view! {
                                                <div class="card confirm" role="alertdialog" aria-labelledby="publish-question" id="publish-confirm">
                                                    <p id="publish-question">{move || i18n.t().matching.publish_confirm}</p>
                                                    <div class="row">
                                                        <button
                                                            type="button"
                                                            class="btn primary"
                                                            id="publish-yes"
                                                            disabled=move || publish.pending().get()
                                                            on:click=move |_| {
                                                                publish.dispatch(());
                                                            }
                                                        >
                                                            {move || i18n.t().matching.publish_yes}
                                                        </button>
                                                        <button type="button" class="btn secondary" on:click=move |_| confirming.set(false)>
                                                            {move || i18n.t().matching.cancel}
                                                        </button>
                                                    </div>
                                                </div>
                                            }
                                                .into_any()
                                        } else {
                                            view! {
                                                <button type="button" class="btn primary wide" id="publish" on:click=move |_| confirming.set(true)>
                                                    {move || i18n.t().matching.publish}
                                                </button>
                                            }
                                                .into_any()
                                        }
                                    }}
                                    {move || publish.value().get().and_then(Result::err).map(|e| view! { <ErrorBox err=e/> })}
                                </div>
                            }
                        })}
                }
            })}
            {move || notice.get().map(|n| view! { <p class="notice" role="status" id="match-notice">{n}</p> })}
        </section>
    }
}

fn stats_view(i18n: I18n, s: StatsView, loads: Vec<LoadRow>) -> impl IntoView {
    let (w, st) = (s.with_choices, s.students);
    type Line = (
        fn(&crate::i18n::Tr) -> &'static str,
        i64,
        String,
        &'static str,
    );
    let lines: Vec<Line> = vec![
        (
            |t| t.matching.stat_first,
            s.first,
            pct(s.first, w),
            "stat-first",
        ),
        (
            |t| t.matching.stat_top3,
            s.top3,
            pct(s.top3, w),
            "stat-top3",
        ),
        (
            |t| t.matching.stat_fill,
            s.fill,
            pct(s.fill, st),
            "stat-fill",
        ),
        (
            |t| t.matching.stat_unplaced,
            s.unplaced,
            pct(s.unplaced, st),
            "stat-unplaced",
        ),
    ];
    let mm = (
        s.load_min.to_string(),
        median_text(s.load_median),
        s.load_max.to_string(),
    );
    // The chart of choices received: choice 1…k, then the fill and the unplaced.
    let mut bars: Vec<(String, i64, &'static str)> = s
        .histogram
        .iter()
        .enumerate()
        .map(|(k, n)| ((k + 1).to_string(), *n, "choice"))
        .collect();
    bars.push((String::new(), s.fill, "fill"));
    bars.push((String::new(), s.unplaced, "unplaced"));
    let hist_max = bars.iter().map(|b| b.1).max().unwrap_or(0);
    let load_rows: Vec<LoadRow> = loads.into_iter().filter(|l| l.qualified).collect();
    let load_max = load_rows
        .iter()
        .map(|l| l.capacity.max(l.load))
        .max()
        .unwrap_or(0);
    view! {
        <section class="stats" id="match-stats" aria-labelledby="stats-title">
            <h3 id="stats-title">{move || i18n.t().matching.stats_title}</h3>
            <dl class="facts stat-grid">
                <dt>{move || i18n.t().matching.stat_students}</dt>
                <dd id="stat-students">{st}</dd>
                {lines
                    .into_iter()
                    .map(|(label, n, p, id)| {
                        let n = n.to_string();
                        view! {
                            <dt>{move || label(i18n.t())}</dt>
                            <dd id=id>{move || (i18n.t().matching.count_share)(&n, &p)}</dd>
                        }
                    })
                    .collect_view()}
                <dt>{move || i18n.t().matching.stat_load}</dt>
                <dd id="stat-load">{move || (i18n.t().matching.load_min_med_max)(&mm.0, &mm.1, &mm.2)}</dd>
            </dl>
            {s.shortages
                .iter()
                .map(|(g, n)| {
                    let (g, n) = (g.to_string(), n.to_string());
                    view! { <p class="error" role="alert">{move || (i18n.t().matching.shortage)(&g, &n)}</p> }
                })
                .collect_view()}
            <h3 id="choice-chart-title">{move || i18n.t().matching.hist_title}</h3>
            <p class="muted">{move || i18n.t().matching.hist_note}</p>
            <ul class="bars" id="choice-chart" aria-labelledby="choice-chart-title">
                {bars
                    .into_iter()
                    .map(|(k, n, kind)| {
                        let label = move || match kind {
                            "fill" => i18n.t().matching.stage_fill.to_string(),
                            "unplaced" => i18n.t().matching.stat_unplaced.to_string(),
                            _ => (i18n.t().matching.choice_n)(&k),
                        };
                        view! {
                            <li class=format!("bar-row {kind}")>
                                <span class="bar-label">{label}</span>
                                <span class="bar-track" aria-hidden="true">
                                    <span class="bar-fill" style=width(n, hist_max)></span>
                                </span>
                                <span class="bar-value">{n}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <h3 id="load-chart-title">{move || i18n.t().matching.load_chart_title}</h3>
            <ul class="bars" id="load-chart" aria-labelledby="load-chart-title">
                {load_rows
                    .into_iter()
                    .map(|l| {
                        let full = l.load >= l.capacity;
                        let (lo, ca) = (l.load.to_string(), l.capacity.to_string());
                        view! {
                            <li class="bar-row" class:full=full>
                                <span class="bar-label">{l.name.clone()}</span>
                                <span class="bar-track" aria-hidden="true">
                                    <span class="bar-fill" style=width(l.load, load_max)></span>
                                    <span class="bar-cap" style=format!("left: {}%", if load_max > 0 { (l.capacity * 100 / load_max).clamp(0, 100) } else { 0 })></span>
                                </span>
                                <span class="bar-value">{move || (i18n.t().matching.load_of)(&lo, &ca)}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            {(!s.not_chosen.is_empty())
                .then(|| {
                    let names = s.not_chosen.join("、");
                    view! {
                        <h3>{move || i18n.t().matching.not_chosen_title}</h3>
                        <p class="muted" id="not-chosen">{names}</p>
                    }
                })}
            {(!s.in_training.is_empty())
                .then(|| {
                    let names = s.in_training.join("、");
                    view! {
                        <h3>{move || i18n.t().matching.training_title}</h3>
                        <p class="muted" id="in-training">{names}</p>
                    }
                })}
        </section>
    }
}

#[allow(clippy::too_many_arguments)]
fn assignments_view(
    i18n: I18n,
    p: PreviewView,
    filter: RwSignal<Filter>,
    editing: RwSignal<Option<String>>,
    published: bool,
    rid: StoredValue<String>,
    version: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let rows = StoredValue::new(p.rows);
    let loads = StoredValue::new(p.loads);
    let chip = move |f: Filter, id: &'static str, label: fn(&crate::i18n::Tr) -> &'static str| {
        view! {
            <button
                type="button"
                class="btn chip"
                id=id
                aria-pressed=move || if filter.get() == f { "true" } else { "false" }
                on:click=move |_| filter.set(f)
            >
                {move || label(i18n.t())}
            </button>
        }
    };
    view! {
        <section class="assignments" aria-labelledby="results-title">
            <h3 id="results-title">{move || i18n.t().matching.results_title}</h3>
            <div class="chips" role="group" aria-label=move || i18n.t().matching.filter_label id="filters">
                {chip(Filter::All, "filter-all", |t| t.matching.filter_all)}
                {chip(Filter::Unplaced, "filter-unplaced", |t| t.matching.filter_unplaced)}
                {chip(Filter::Fill, "filter-fill", |t| t.matching.filter_fill)}
            </div>
            <ul class="list assign-list" id="assignments">
                {move || {
                    let f = filter.get();
                    let shown: Vec<AssignRow> = rows
                        .get_value()
                        .into_iter()
                        .filter(|r| match f {
                            Filter::All => true,
                            Filter::Unplaced => r.mentor_id.is_none(),
                            Filter::Fill => r.stage == "FILL",
                        })
                        .collect();
                    if shown.is_empty() {
                        return view! { <li class="muted">{move || i18n.t().matching.list_empty}</li> }.into_any();
                    }
                    shown
                        .into_iter()
                        .map(|r| assign_item(i18n, r, editing, published, rid, version, notice, loads))
                        .collect_view()
                        .into_any()
                }}
            </ul>
        </section>
    }
}

#[allow(clippy::too_many_arguments)]
fn assign_item(
    i18n: I18n,
    r: AssignRow,
    editing: RwSignal<Option<String>>,
    published: bool,
    rid: StoredValue<String>,
    version: RwSignal<u32>,
    notice: RwSignal<Option<String>>,
    loads: StoredValue<Vec<LoadRow>>,
) -> impl IntoView {
    let sid = r.student_id.clone();
    let sid_open = r.student_id.clone();
    let sid_form = r.student_id.clone();
    let stage = r.stage.clone();
    let stage_label = r.stage.clone();
    let choice = r.choice_no;
    let name = r.student.clone();
    let name_label = r.student.clone();
    let name_form = r.student.clone();
    let unplaced = r.mentor_id.is_none();
    let current = r.mentor_id.clone();
    view! {
        <li class="assign" data-stage=stage.clone() data-student=r.student_id.clone() class:unplaced=unplaced>
            <div class="assign-head">
                <span class="name">{name}</span>
                <span class="meta">{r.class_name.clone()}</span>
            </div>
            <div class="assign-body">
                {if unplaced {
                    view! { <span class="tag overdue">{move || i18n.t().matching.unplaced_badge}</span> }.into_any()
                } else {
                    view! {
                        <span class="mentor-line">
                            <span class="muted">{move || i18n.t().matching.mentor}</span>
                            " "
                            <strong class="mentor-name">{r.mentor.clone()}</strong>
                            " "
                            <span class=format!("tag stage-{}", stage.to_ascii_lowercase())>
                                {move || {
                                    match choice {
                                        Some(n) if stage_label == "PREFERENCE" => (i18n.t().matching.choice_n)(&n.to_string()),
                                        _ => i18n.t().matching.stage_name(&stage_label).to_string(),
                                    }
                                }}
                            </span>
                        </span>
                    }
                        .into_any()
                }}
                <p class="why">{why_view(i18n, r.stage.clone(), r.choice_no, r.why.clone())}</p>
            </div>
            {(!published)
                .then(|| {
                    view! {
                        <button
                            type="button"
                            class="btn secondary reassign"
                            aria-label=move || (i18n.t().matching.reassign_label)(&name_label)
                            aria-expanded=move || if editing.get().as_deref() == Some(sid_open.as_str()) { "true" } else { "false" }
                            on:click=move |_| {
                                notice.set(None);
                                editing.set(Some(sid.clone()));
                            }
                        >
                            {move || if unplaced { i18n.t().matching.place } else { i18n.t().matching.reassign }}
                        </button>
                    }
                })}
            {move || {
                (editing.get().as_deref() == Some(sid_form.as_str()))
                    .then(|| {
                        view! {
                            <ReassignForm
                                student_id=sid_form.clone()
                                student_name=name_form.clone()
                                current=current.clone()
                                loads=loads.get_value()
                                round_id=rid.get_value()
                                done=Callback::new(move |msg: Option<String>| {
                                    editing.set(None);
                                    if let Some(m) = msg {
                                        notice.set(Some(m));
                                        version.update(|v| *v += 1);
                                    }
                                })
                            />
                        }
                    })
            }}
        </li>
    }
}

#[component]
fn ReassignForm(
    student_id: String,
    student_name: String,
    current: Option<String>,
    loads: Vec<LoadRow>,
    round_id: String,
    done: Callback<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let mentor = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<fn(&crate::i18n::Tr) -> &'static str>);
    let names: Vec<(String, String)> = loads
        .iter()
        .map(|l| (l.id.clone(), l.name.clone()))
        .collect();
    let sname = student_name.clone();
    let save = Action::new_local(move |v: &ops::adjust_assignment::Variables| {
        let v = v.clone();
        async move {
            api::query::<ops::AdjustAssignment>(v)
                .await
                .map(|d| d.adjust_assignment.mentor_id)
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(mid)) = save.value().get() {
            let m = names
                .iter()
                .find(|(id, _)| *id == mid)
                .map(|(_, n)| n.clone())
                .unwrap_or_default();
            done.run(Some((i18n.t().matching.adjusted)(&sname, &m)));
        }
    });
    let full_of: Vec<(String, bool)> = loads
        .iter()
        .map(|l| (l.id.clone(), l.load >= l.capacity))
        .collect();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let m = mentor.get_untracked();
        let full = full_of.iter().any(|(id, f)| *id == m && *f);
        if m.is_empty() || full {
            problem.set(Some(|t| t.matching.mentor_required));
            return;
        }
        let why = reason.get_untracked().trim().to_string();
        if why.is_empty() {
            problem.set(Some(|t| t.matching.reason_required));
            return;
        }
        problem.set(None);
        save.dispatch(ops::adjust_assignment::Variables {
            round_id: round_id.clone(),
            student_id: student_id.clone(),
            mentor_id: m,
            reason: why,
        });
    };
    view! {
        <form class="form reassign-form" id="reassign-form" on:submit=on_submit novalidate=true>
            <h4>{move || (i18n.t().matching.reassign_title)(&student_name)}</h4>
            <label for="reassign-mentor">{move || i18n.t().matching.new_mentor}</label>
            <select
                id="reassign-mentor"
                on:change=move |ev| {
                    problem.set(None);
                    mentor.set(event_target_value(&ev));
                }
            >
                <option value="">{move || i18n.t().matching.choose_mentor}</option>
                {loads
                    .into_iter()
                    .filter(|l| l.qualified && Some(&l.id) != current.as_ref())
                    .map(|l| {
                        // The cap, enforced live: a full mentor cannot be chosen.
                        let full = l.load >= l.capacity;
                        let (n, lo, ca) = (l.name.clone(), l.load.to_string(), l.capacity.to_string());
                        view! {
                            <option value=l.id.clone() disabled=full data-full=full.to_string()>
                                {move || {
                                    let base = (i18n.t().matching.mentor_option)(&n, &lo, &ca);
                                    if full { format!("{base}{}", i18n.t().matching.mentor_full) } else { base }
                                }}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <label for="reassign-reason">{move || i18n.t().matching.reason}</label>
            <textarea
                id="reassign-reason"
                rows="2"
                required=true
                placeholder=move || i18n.t().matching.reason_placeholder
                prop:value=move || reason.get()
                on:input=move |ev| {
                    problem.set(None);
                    reason.set(event_target_value(&ev));
                }
            ></textarea>
            {move || problem.get().map(|p| view! { <p class="field-error" role="alert">{move || p(i18n.t())}</p> })}
            {move || save.value().get().and_then(Result::err).map(|e| view! { <ErrorBox err=e/> })}
            <div class="row">
                <button type="submit" class="btn primary" id="reassign-save" disabled=move || save.pending().get()>
                    {move || i18n.t().matching.save_adjust}
                </button>
                <button type="button" class="btn secondary" on:click=move |_| done.run(None)>
                    {move || i18n.t().matching.cancel}
                </button>
            </div>
        </form>
    }
}

// ---------------------------------------------------------------------------
// Student
// ---------------------------------------------------------------------------

/// The student's current mentor and why.
#[derive(Debug, Clone, PartialEq)]
pub struct MatchLine {
    /// Mentor's name.
    pub mentor: String,
    /// GraphQL spelling of the stage, if known.
    pub stage: Option<String>,
    /// Which of the student's choices.
    pub choice_no: Option<i64>,
    /// The explanation (Chinese, from the server).
    pub why: String,
    /// Since when (ISO).
    pub since: String,
}

/// What the student's matching card shows.
#[derive(Debug, Clone, PartialEq)]
pub struct StudentView {
    matches: Vec<MatchLine>,
    /// The round open for the student's grade: id and method.
    round: Option<(String, String)>,
}

async fn load_student() -> Result<StudentView, ApiError> {
    let terms = load_terms().await?;
    let Some(term_id) = current_term(&terms, &today()) else {
        let d = api::query::<ops::MyMatch>(ops::my_match::Variables).await?;
        return Ok(StudentView {
            matches: d
                .my_match
                .into_iter()
                .map(|m| MatchLine {
                    mentor: m.mentor_name,
                    stage: m.stage.map(|s| s.0),
                    choice_no: m.choice_no,
                    why: m.why,
                    since: m.since,
                })
                .collect(),
            round: None,
        });
    };
    let d =
        api::query::<ops::StudentMatching>(ops::student_matching::Variables { term_id }).await?;
    let grade = d.students.edges.first().map(|e| e.node.grade);
    let round = d
        .matching_rounds
        .into_iter()
        .find(|r| Some(r.grade) == grade && r.status.0 != "PUBLISHED")
        .map(|r| (r.id, r.method.0));
    Ok(StudentView {
        matches: d
            .my_match
            .into_iter()
            .map(|m| MatchLine {
                mentor: m.mentor_name,
                stage: m.stage.map(|s| s.0),
                choice_no: m.choice_no,
                why: m.why,
                since: m.since,
            })
            .collect(),
        round,
    })
}

/// The student's matching: the published mentor with the explanation, and
/// the open round of their grade (rank mentors, or pick one with places).
#[component]
pub fn StudentMatching() -> impl IntoView {
    let i18n = use_i18n();
    let version = RwSignal::new(0u32);
    let data = LocalResource::new(move || {
        version.track();
        load_student()
    });
    view! {
        {loaded(data, move |v: StudentView| {
            view! {
                <section class="card" id="my-match" aria-labelledby="my-match-title">
                    <h2 id="my-match-title">{move || i18n.t().matching.my_mentor}</h2>
                    {if v.matches.is_empty() {
                        let waiting = v.round.is_some();
                        view! {
                            <p class="muted" id="no-match">
                                {move || if waiting { i18n.t().matching.no_match } else { i18n.t().org.my_mentor_soon }}
                            </p>
                        }
                            .into_any()
                    } else {
                        v.matches
                            .clone()
                            .into_iter()
                            .map(|m| {
                                let stage = m.stage.clone().unwrap_or_default();
                                let choice = m.choice_no;
                                let since = m.since.clone();
                                view! {
                                    <div class="match-line">
                                        <p class="mentor-big" id="my-mentor-name">{m.mentor.clone()}</p>
                                        <p class="meta">
                                            {(!stage.is_empty())
                                                .then(|| {
                                                    let st = stage.clone();
                                                    view! {
                                                        <span class="tag">
                                                            {move || match choice {
                                                                Some(n) => (i18n.t().matching.choice_n)(&n.to_string()),
                                                                None => i18n.t().matching.stage_name(&st).to_string(),
                                                            }}
                                                        </span>
                                                        " "
                                                    }
                                                })}
                                            {move || (i18n.t().matching.since)(&i18n.date(&since))}
                                        </p>
                                        <p class="why-label muted">{move || i18n.t().matching.why}</p>
                                        <p class="why" id="my-match-why">
                                            {why_view(i18n, m.stage.clone().unwrap_or_default(), m.choice_no, m.why.clone())}
                                        </p>
                                    </div>
                                }
                            })
                            .collect_view()
                            .into_any()
                    }}
                </section>
                {v.round
                    .map(|(id, method)| match method.as_str() {
                        "TWO_WAY" => view! { <ChoiceEditor round_id=id/> }.into_any(),
                        "SELF_SELECTION" => {
                            view! { <RushPicker round_id=id on_taken=Callback::new(move |_| version.update(|v| *v += 1))/> }
                                .into_any()
                        }
                        _ => view! { <p class="card muted" id="blind-box-note">{move || i18n.t().matching.blind_box_note}</p> }.into_any(),
                    })}
            }
        })}
    }
}

/// A mentor a student may choose.
#[derive(Debug, Clone, PartialEq)]
pub struct MentorCard {
    /// Staff id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Subjects taught in the grade.
    pub subjects: Vec<String>,
    /// Specialties.
    pub specialties: Vec<String>,
    /// Places left (self-selection only).
    pub places_left: Option<i64>,
}

fn mentor_facts(i18n: I18n, m: &MentorCard) -> impl IntoView + use<> {
    let subjects = m.subjects.join("、");
    let specialties = m.specialties.join("、");
    view! {
        <dl class="facts mentor-facts">
            {(!subjects.is_empty())
                .then(|| {
                    view! {
                        <dt>{move || i18n.t().matching.subjects}</dt>
                        <dd>{subjects}</dd>
                    }
                })}
            {(!specialties.is_empty())
                .then(|| {
                    view! {
                        <dt>{move || i18n.t().matching.specialties}</dt>
                        <dd>{specialties}</dd>
                    }
                })}
        </dl>
    }
}

#[component]
fn ChoiceEditor(round_id: String) -> impl IntoView {
    let rid = round_id.clone();
    let page = LocalResource::new(move || {
        let round_id = rid.clone();
        async move {
            let d = api::query::<ops::ChoicePage>(ops::choice_page::Variables { round_id }).await?;
            let mentors: Vec<MentorCard> = d
                .eligible_mentors
                .into_iter()
                .map(|m| MentorCard {
                    id: m.id,
                    name: m.name,
                    subjects: m.subjects,
                    specialties: m.specialties,
                    places_left: None,
                })
                .collect();
            let mine: Vec<String> = d.my_mentor_choices.into_iter().map(|m| m.id).collect();
            Ok::<_, ApiError>((mentors, mine))
        }
    });
    view! {
        {loaded(page, move |(mentors, mine)| {
            view! { <ChoiceForm round_id=round_id.clone() mentors mine/> }
        })}
    }
}

#[component]
fn ChoiceForm(round_id: String, mentors: Vec<MentorCard>, mine: Vec<String>) -> impl IntoView {
    let i18n = use_i18n();
    let picked = RwSignal::new(mine);
    let all = StoredValue::new(mentors.clone());
    let saved = RwSignal::new(false);
    let name_of = move |id: &str| {
        all.with_value(|ms| ms.iter().find(|m| m.id == id).map(|m| m.name.clone()))
            .unwrap_or_default()
    };
    let submit = Action::new_local(move |ids: &Vec<String>| {
        let v = ops::submit_mentor_choices::Variables {
            round_id: round_id.clone(),
            mentor_ids: ids.clone(),
        };
        async move { api::query::<ops::SubmitMentorChoices>(v).await.map(|_| ()) }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = submit.value().get() {
            saved.set(true);
        }
    });
    let change = move |f: &dyn Fn(&mut Vec<String>)| {
        saved.set(false);
        picked.update(|v| f(v));
    };
    view! {
        <section class="card" id="choose-mentors" aria-labelledby="choose-title">
            <h2 id="choose-title">{move || i18n.t().matching.choose_title}</h2>
            <p class="muted">{move || i18n.t().matching.choose_intro}</p>
            <h3>{move || i18n.t().matching.my_choices}</h3>
            {move || {
                let ids = picked.get();
                if ids.is_empty() {
                    return view! { <p class="muted" id="no-choices">{move || i18n.t().matching.no_choices}</p> }.into_any();
                }
                let n = ids.len();
                view! {
                    <ol class="list choice-list" id="my-choices">
                        {ids
                            .into_iter()
                            .enumerate()
                            .map(|(i, id)| {
                                let name = name_of(&id);
                                let (n1, n2, n3) = (name.clone(), name.clone(), name.clone());
                                let (id1, id2) = (id.clone(), id.clone());
                                view! {
                                    <li class="choice" data-mentor=id.clone()>
                                        <span class="choice-no">{move || (i18n.t().matching.choice_n)(&(i + 1).to_string())}</span>
                                        <span class="name">{name}</span>
                                        <span class="choice-actions">
                                            <button
                                                type="button"
                                                class="btn secondary icon move-up"
                                                disabled=i == 0
                                                aria-label=move || (i18n.t().matching.move_up)(&n1)
                                                on:click=move |_| change(&|v: &mut Vec<String>| if i > 0 { v.swap(i, i - 1) })
                                            >
                                                "↑"
                                            </button>
                                            <button
                                                type="button"
                                                class="btn secondary icon move-down"
                                                disabled=i + 1 == n
                                                aria-label=move || (i18n.t().matching.move_down)(&n2)
                                                on:click=move |_| change(&|v: &mut Vec<String>| if i + 1 < v.len() { v.swap(i, i + 1) })
                                            >
                                                "↓"
                                            </button>
                                            <button
                                                type="button"
                                                class="btn secondary icon remove-choice"
                                                aria-label=move || (i18n.t().matching.remove)(&n3)
                                                on:click=move |_| {
                                                    let id = id1.clone();
                                                    change(&|v: &mut Vec<String>| v.retain(|x| *x != id))
                                                }
                                            >
                                                "✕"
                                            </button>
                                        </span>
                                        <span class="sr-only">{id2}</span>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ol>
                }
                .into_any()
            }}
            {move || submit.value().get().and_then(Result::err).map(|e| view! { <ErrorBox err=e/> })}
            {move || saved.get().then(|| view! { <p class="notice" role="status" id="choices-saved">{move || i18n.t().matching.submitted}</p> })}
            <button
                type="button"
                class="btn primary wide"
                id="submit-choices"
                disabled=move || picked.with(Vec::is_empty) || submit.pending().get()
                on:click=move |_| {
                    submit.dispatch(picked.get_untracked());
                }
            >
                {move || if submit.pending().get() { i18n.t().matching.submitting } else { i18n.t().matching.submit }}
            </button>
            <h3>{move || i18n.t().matching.eligible_title}</h3>
            {move || (picked.with(Vec::len) >= MAX_CHOICES).then(|| view! { <p class="muted">{move || i18n.t().matching.max_reached}</p> })}
            <ul class="list" id="eligible-mentors">
                {mentors
                    .into_iter()
                    .map(|m| {
                        let (id, id2) = (m.id.clone(), m.id.clone());
                        let name = m.name.clone();
                        let added = move || picked.with(|v| v.contains(&id));
                        let added2 = added.clone();
                        let added3 = added.clone();
                        let blocked = move || added2() || picked.with(Vec::len) >= MAX_CHOICES;
                        view! {
                            <li class="item mentor-card" data-mentor=m.id.clone()>
                                <div class="item-main">
                                    <span class="name">{m.name.clone()}</span>
                                    {mentor_facts(i18n, &m)}
                                </div>
                                <button
                                    type="button"
                                    class="btn secondary add-choice"
                                    aria-label=move || (i18n.t().matching.add_label)(&name)
                                    disabled=blocked
                                    on:click=move |_| {
                                        let id = id2.clone();
                                        change(&|v: &mut Vec<String>| if !v.contains(&id) && v.len() < MAX_CHOICES { v.push(id.clone()) })
                                    }
                                >
                                    {move || if added3() { i18n.t().matching.added } else { i18n.t().matching.add }}
                                </button>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn RushPicker(round_id: String, on_taken: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let rid = StoredValue::new(round_id);
    let version = RwSignal::new(0u32);
    let page = LocalResource::new(move || {
        version.track();
        let round_id = rid.get_value();
        async move {
            let d = api::query::<ops::RushPage>(ops::rush_page::Variables { round_id }).await?;
            let places: Vec<MentorCard> = d
                .mentors_with_places
                .into_iter()
                .map(|m| MentorCard {
                    id: m.id,
                    name: m.name,
                    subjects: m.subjects,
                    specialties: m.specialties,
                    places_left: Some(m.places_left),
                })
                .collect();
            Ok::<_, ApiError>((places, d.my_rush_place.map(|m| m.name)))
        }
    });
    let full = RwSignal::new(false);
    let pick = Action::new_local(move |mentor_id: &String| {
        let v = ops::select_mentor::Variables {
            round_id: rid.get_value(),
            mentor_id: mentor_id.clone(),
        };
        async move { api::query::<ops::SelectMentor>(v).await.map(|_| ()) }
    });
    Effect::new(move |_| match pick.value().get() {
        Some(Ok(())) => {
            full.set(false);
            version.update(|v| *v += 1);
            on_taken.run(());
        }
        Some(Err(ApiError::Conflict(_))) => {
            // The first choice is full: show who still has places.
            full.set(true);
            version.update(|v| *v += 1);
        }
        _ => {}
    });
    view! {
        <section class="card" id="rush" aria-labelledby="rush-title">
            <h2 id="rush-title">{move || i18n.t().matching.rush_title}</h2>
            {move || full.get().then(|| view! { <p class="error" role="alert" id="rush-full">{move || i18n.t().matching.full_pick_again}</p> })}
            {move || {
                pick.value()
                    .get()
                    .and_then(Result::err)
                    .filter(|e| !matches!(e, ApiError::Conflict(_)))
                    .map(|e| view! { <ErrorBox err=e/> })
            }}
            {loaded(page, move |(places, mine): (Vec<MentorCard>, Option<String>)| {
                if let Some(name) = mine {
                    return view! { <p class="notice" id="rush-mine">{move || (i18n.t().matching.rush_mine)(&name)}</p> }.into_any();
                }
                let open: Vec<MentorCard> = places.into_iter().filter(|m| m.places_left.unwrap_or(0) > 0).collect();
                if open.is_empty() {
                    return view! { <p class="muted">{move || i18n.t().matching.rush_none_left}</p> }.into_any();
                }
                view! {
                    <p class="muted">{move || i18n.t().matching.rush_intro}</p>
                    <ul class="list" id="rush-mentors">
                        {open
                            .into_iter()
                            .map(|m| {
                                let id = m.id.clone();
                                let name = m.name.clone();
                                let left = m.places_left.unwrap_or(0).to_string();
                                view! {
                                    <li class="item mentor-card" data-mentor=m.id.clone()>
                                        <div class="item-main">
                                            <span class="name">{m.name.clone()}</span>
                                            {mentor_facts(i18n, &m)}
                                            <span class="meta">{move || (i18n.t().matching.places_left)(&left)}</span>
                                        </div>
                                        <button
                                            type="button"
                                            class="btn primary pick-mentor"
                                            aria-label=move || (i18n.t().matching.pick_label)(&name)
                                            disabled=move || pick.pending().get()
                                            on:click=move |_| {
                                                pick.dispatch(id.clone());
                                            }
                                        >
                                            {move || i18n.t().matching.pick}
                                        </button>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                .into_any()
            })}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(id: &str, from: &str, to: &str) -> TermRow {
        TermRow {
            id: id.into(),
            name: id.into(),
            starts_on: from.into(),
            ends_on: to.into(),
        }
    }

    #[test]
    fn the_current_term_is_today_s_else_the_next_else_the_newest() {
        let terms = [
            t("a", "2026-09-01", "2027-01-22"),
            t("b", "2027-02-17", "2027-06-30"),
        ];
        assert_eq!(current_term(&terms, "2026-11-29").as_deref(), Some("a"));
        assert_eq!(current_term(&terms, "2027-02-01").as_deref(), Some("b"));
        assert_eq!(current_term(&terms, "2027-08-01").as_deref(), Some("b"));
        assert_eq!(current_term(&[], "2027-08-01"), None);
    }

    #[test]
    fn every_stage_is_explained_in_both_languages() {
        use crate::i18n::{EN, ZH};
        assert_eq!(
            EN.matching.explain("PREFERENCE", Some(1)),
            "Your 1st choice."
        );
        assert!(
            EN.matching
                .explain("PREFERENCE", Some(2))
                .contains("choice 2")
        );
        assert!(
            ZH.matching
                .explain("PREFERENCE", Some(3))
                .contains("第3志愿")
        );
        for stage in ["FILL", "MANUAL", "LOTTERY", "CLUB", "CONTINUITY"] {
            assert_ne!(
                EN.matching.explain(stage, None),
                ZH.matching.explain(stage, None)
            );
        }
    }

    #[test]
    fn shares_and_medians_read_well() {
        assert_eq!(pct(1, 3), "33%");
        assert_eq!(pct(2, 3), "67%");
        assert_eq!(pct(0, 0), "0%");
        assert_eq!(median_text(2.0), "2");
        assert_eq!(median_text(2.5), "2.5");
        assert_eq!(width(5, 10), "width: 50%");
        assert_eq!(width(3, 0), "width: 0%");
    }
}

//! A round's preview (school admin): the engine's run, its statistics and
//! mentor loads, the assignments with reassignments (a reason each), and
//! publication.

use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::i18n::{I18n, use_i18n};
use crate::ops;
use crate::ui::{ErrorBox, loaded};

use super::admin::RoundRow;
use super::*;

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

/// Which assignments the list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Filter {
    All,
    Unplaced,
    Fill,
}

#[component]
pub(super) fn RoundDetail(round_id: String, on_change: Callback<()>) -> impl IntoView {
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
                    {move || run.pending().get().then(|| view! {
                        <crate::ui::ProgressBar value=Signal::derive(|| None) label=Signal::derive(move || i18n.t().matching.running.to_string())/>
                    })}
                    {move || run.value().get().and_then(Result::err).map(|e| view! { <ErrorBox err=e/> })}
                    {p.has_preview.then(|| view! {
                        <crate::pages::paper::PaperButton kind="MATCHING_RESULTS" subject=rid.get_value() label=|t| t.paper.export_xlsx id="matching-export"/>
                    })}
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

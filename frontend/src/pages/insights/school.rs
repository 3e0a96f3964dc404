//! The school dashboard (the school admin's; a grade leader's for their
//! grades) and the summary card on the school admin's home.

use leptos::prelude::*;

use super::charts::{Bar, PercentBars, Point, Stack, StackedBars, TrendLine};
use super::{Ind, PartVm, TrendVm, short_day};
use crate::api;
use crate::i18n::{I18n, use_i18n};
use crate::ops;
use crate::ui::{PageTitle, loaded};

/// A student without a mentor.
#[derive(Debug, Clone, PartialEq)]
struct Unmatched {
    id: String,
    name: String,
    class_name: String,
}

/// The dashboard as the page reads it.
#[derive(Debug, Clone, PartialEq)]
struct SchoolVm {
    term: Option<String>,
    as_of: Option<String>,
    leader: bool,
    totals: Ind,
    by_grade: Vec<PartVm>,
    by_class: Vec<PartVm>,
    by_mentor: Vec<PartVm>,
    trend: Vec<TrendVm>,
    unmatched: Vec<Unmatched>,
}

macro_rules! school_from {
    ($m:ident) => {
        impl From<ops::$m::SchoolDashboardFields> for SchoolVm {
            fn from(d: ops::$m::SchoolDashboardFields) -> SchoolVm {
                SchoolVm {
                    term: d.term_name,
                    as_of: d.as_of,
                    leader: d.grades.is_some(),
                    totals: d.totals.into(),
                    by_grade: d.by_grade.into_iter().map(Into::into).collect(),
                    by_class: d.by_class.into_iter().map(Into::into).collect(),
                    by_mentor: d.by_mentor.into_iter().map(Into::into).collect(),
                    trend: d.trend.into_iter().map(Into::into).collect(),
                    unmatched: d
                        .unmatched
                        .into_iter()
                        .map(|u| Unmatched {
                            id: u.student_id,
                            name: u.name,
                            class_name: u.class_name,
                        })
                        .collect(),
                }
            }
        }
    };
}
school_from!(school_dashboard_page);
school_from!(recompute_school_insights);

async fn fetch() -> Result<SchoolVm, api::ApiError> {
    Ok(
        api::query::<ops::SchoolDashboardPage>(ops::school_dashboard_page::Variables)
            .await?
            .school_dashboard
            .into(),
    )
}

fn pct(i18n: I18n, p: Option<i64>) -> String {
    p.map_or("—".into(), |p| (i18n.t().tasks.percent)(&i18n.num(p)))
}

/// A tile: a label, a big figure and a line.
fn tile(label: &'static str, id: &'static str, figure: String, line: String) -> impl IntoView {
    view! {
        <div class="tile" id=id>
            <span class="tile-label">{label}</span>
            <span class="tile-figure">{figure}</span>
            <span class="tile-line meta">{line}</span>
        </div>
    }
}

/// The headline tiles of a set of indicators.
pub(super) fn tiles(i18n: I18n, t: Ind) -> impl IntoView {
    let tr = i18n.t().insights;
    let n = |x: i64| i18n.num(x);
    let care = match t.care_avg {
        Some(m) => (tr.care_line)(&n(t.care_open), &n(m)),
        None => (tr.care_open_only)(&n(t.care_open)),
    };
    let load = if t.cap > 0 {
        let mut l = (tr.load_line)(&n(t.max_load), &n(t.cap));
        if t.over_cap > 0 {
            l = format!("{l}；{}", (tr.over_cap)(&n(t.over_cap)));
        }
        l
    } else {
        String::new()
    };
    view! {
        <div class="tiles">
            {tile(tr.coverage, "tile-coverage", pct(i18n, t.coverage), (tr.coverage_line)(&n(t.matched), &n(t.students)))}
            {tile(tr.on_track, "tile-on-track", pct(i18n, t.on_track),
                (tr.on_track_line)(&n(t.task_students - t.task_overdue), &n(t.task_students)))}
            {tile(tr.load, "tile-load", n(t.mentors), load)}
            {tile(tr.messages, "tile-messages", n(t.published),
                format!("{} {} · {} {} · {} {}", tr.messages_written, n(t.written), tr.messages_reviewed, n(t.reviewed), tr.messages_published, n(t.published)))}
            {tile(tr.contacts, "tile-contacts", pct(i18n, t.face_pct), (tr.contacts_line)(&n(t.contacts), &pct(i18n, t.face_pct)))}
            {tile(tr.care, "tile-care", n(t.care_open), care)}
            {tile(tr.training, "tile-training", n(t.appointed), (tr.training_line)(&n(t.appointed), &n(t.training)))}
        </div>
    }
}

/// Per kind: students done, open (on track) and overdue.
pub(super) fn kind_stacks(i18n: I18n, t: &Ind, id: &'static str) -> impl IntoView {
    let tr = i18n.t().insights;
    let stacks: Vec<Stack> = t
        .kinds
        .iter()
        .filter(|k| k.students > 0)
        .map(|k| Stack {
            label: i18n.t().tasks.req_kind(&k.kind).to_string(),
            parts: vec![
                k.students_done,
                (k.students - k.students_done - k.students_overdue).max(0),
                k.students_overdue,
            ],
        })
        .collect();
    view! {
        <h2 class="section-title">{tr.tasks_by_kind}</h2>
        <StackedBars
            id=id
            title=tr.tasks_by_kind.to_string()
            legend=vec![tr.legend_done.into(), tr.legend_due.into(), tr.legend_overdue.into()]
            stacks=stacks
        />
    }
}

/// The on-track trend over the term.
pub(super) fn trend_chart(i18n: I18n, trend: &[TrendVm], id: &'static str) -> impl IntoView {
    let tr = i18n.t().insights;
    let points: Vec<Point> = trend
        .iter()
        .map(|p| Point {
            label: short_day(&p.day),
            value: p.on_track,
        })
        .collect();
    view! {
        <h2 class="section-title">{tr.trend} " · " {tr.on_track}</h2>
        <TrendLine id=id title=format!("{} {}", tr.trend, tr.on_track) points=points/>
    }
}

fn on_track_bars(parts: &[PartVm], name: impl Fn(&PartVm) -> String) -> Vec<Bar> {
    parts
        .iter()
        .filter(|p| p.ind.task_students > 0)
        .map(|p| Bar {
            label: name(p),
            value: p.ind.on_track,
        })
        .collect()
}

fn dashboard_view(i18n: I18n, d: SchoolVm, refresh: Option<Callback<()>>) -> impl IntoView {
    let tr = i18n.t().insights;
    let Some(as_of) = d.as_of.clone() else {
        return view! {
            <p class="hint" id="dashboard-empty">{tr.not_computed}</p>
            {refresh.map(|r| view! {
                <button type="button" class="btn" id="dashboard-recompute" on:click=move |_| r.run(())>{tr.recompute}</button>
            })}
        }
        .into_any();
    };
    let school_ref = d.totals.on_track;
    let grade_bars = on_track_bars(&d.by_grade, |p| (tr.grade_n)(&p.name));
    let class_bars = on_track_bars(&d.by_class, |p| p.name.clone());
    let mentor_bars = on_track_bars(&d.by_mentor, |p| p.name.clone());
    let unmatched = d.unmatched.clone();
    let leader = d.leader;
    view! {
        <p class="summary" id="dashboard-as-of">
            {d.term.clone().unwrap_or_default()} " · " {(tr.as_of)(&i18n.date(&as_of))}
            {refresh.map(|r| view! {
                " "
                <button type="button" class="btn secondary" id="dashboard-recompute" on:click=move |_| r.run(())>{tr.recompute}</button>
            })}
        </p>
        {tiles(i18n, d.totals.clone())}
        {trend_chart(i18n, &d.trend, "chart-trend")}
        {kind_stacks(i18n, &d.totals, "chart-kinds")}
        <h2 class="section-title">{tr.by_grade}</h2>
        <PercentBars id="chart-grades" title=tr.by_grade.to_string() bars=grade_bars
            reference=school_ref.unwrap_or(0) reference_label=tr.school_ref.to_string()/>
        <h2 class="section-title">{tr.by_class}</h2>
        <PercentBars id="chart-classes" title=tr.by_class.to_string() bars=class_bars/>
        {(!leader).then(|| view! {
            <h2 class="section-title">{tr.by_mentor}</h2>
            <PercentBars id="chart-mentors" title=tr.by_mentor.to_string() bars=mentor_bars/>
            <h2 class="section-title">{tr.unmatched}</h2>
            {if unmatched.is_empty() {
                view! { <p class="hint" id="unmatched-none">{tr.unmatched_none}</p> }.into_any()
            } else {
                let more = (unmatched.len() >= 200).then(|| view! { <p class="meta">{(tr.unmatched_more)("200")}</p> });
                view! {
                    <ul class="list" id="unmatched-list">
                        {unmatched.into_iter().map(|u| view! {
                            <li>
                                <a class="item link" href=format!("/students/{}", u.id)>
                                    <div class="item-main">
                                        <span class="name">{u.name}</span>
                                        <span class="meta">{u.class_name}</span>
                                    </div>
                                </a>
                            </li>
                        }).collect_view()}
                    </ul>
                    {more}
                }
                .into_any()
            }}
        })}
    }
    .into_any()
}

/// The dashboard body with the admin's refresh.
#[component]
fn DashboardBody() -> impl IntoView {
    let i18n = use_i18n();
    let page = LocalResource::new(fetch);
    let fresh = RwSignal::new(None::<SchoolVm>);
    let refresh = Callback::new(move |_| {
        leptos::task::spawn_local(async move {
            if let Ok(d) = api::query::<ops::RecomputeSchoolInsights>(
                ops::recompute_school_insights::Variables,
            )
            .await
            {
                fresh.set(Some(d.recompute_school_insights.into()));
            }
        });
    });
    view! {
        {loaded(page, move |d| {
            let is_leader = d.leader;
            move || {
                let d = fresh.get().unwrap_or_else(|| d.clone());
                dashboard_view(i18n, d, (!is_leader).then_some(refresh))
            }
        })}
    }
}

/// The school admin's dashboard (数据看板).
#[component]
pub fn SchoolDashboard() -> impl IntoView {
    view! {
        <PageTitle title=|t| t.insights.school_title/>
        <div id="school-dashboard"><DashboardBody/></div>
    }
}

/// The grade leader's dashboard (their grades only).
#[component]
pub fn GradeDashboard() -> impl IntoView {
    view! {
        <PageTitle title=|t| t.insights.grade_title/>
        <div id="school-dashboard"><DashboardBody/></div>
    }
}

/// The summary card on the school admin's home: completion rates and the
/// term's trend, with a link to the full dashboard.
#[component]
pub fn DashboardSummary() -> impl IntoView {
    let i18n = use_i18n();
    let page = LocalResource::new(fetch);
    let tr = i18n.t().insights;
    view! {
        <section class="card" id="home-dashboard">
            <h2 class="section-title">{tr.summary_title}</h2>
            {loaded(page, move |d| match d.as_of.clone() {
                None => view! { <p class="hint">{tr.not_computed}</p> }.into_any(),
                Some(as_of) => view! {
                    <p class="meta">{(tr.as_of)(&i18n.date(&as_of))}</p>
                    {tiles(i18n, d.totals.clone())}
                    {trend_chart(i18n, &d.trend, "home-chart-trend")}
                }
                .into_any(),
            })}
            <a class="btn secondary" href="/school/dashboard">{tr.open_dashboard}</a>
        </section>
    }
}

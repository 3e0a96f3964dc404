//! The district dashboard (督导看板): per school, stage and term, with the
//! district's rate as the reference line; aggregates only. A school's row
//! opens its per-grade summary.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use shared::org::SchoolStage;

use super::charts::{Bar, PercentBars, Point, TrendLine};
use super::school::{kind_stacks, tiles, trend_chart};
use super::{PartVm, TrendVm};
use crate::api;
use crate::i18n::use_i18n;
use crate::ops;
use crate::ui::{PageTitle, loaded};

fn stage_name(i18n: crate::i18n::I18n, code: &str) -> &'static str {
    SchoolStage::from_code(code).map_or("", |s| i18n.t().stage(s))
}

/// The district dashboard.
#[component]
pub fn DistrictDashboard() -> impl IntoView {
    let i18n = use_i18n();
    let tr = i18n.t().insights;
    let page = LocalResource::new(|| async {
        api::query::<ops::DistrictDashboardPage>(ops::district_dashboard_page::Variables)
            .await
            .map(|d| d.district_dashboard)
    });
    view! {
        {loaded(page, move |d| {
            let totals: super::Ind = d.totals.into();
            let schools: Vec<PartVm> = d.schools.into_iter().map(Into::into).collect();
            let stages: Vec<PartVm> = d.stages.into_iter().map(Into::into).collect();
            let terms: Vec<PartVm> = d.terms.into_iter().map(Into::into).collect();
            let trend: Vec<TrendVm> = d.trend.into_iter().map(Into::into).collect();
            let reference = totals.on_track.unwrap_or(0);
            let cov_reference = totals.coverage.unwrap_or(0);
            let school_bars = |f: fn(&PartVm) -> Option<i64>| -> Vec<Bar> {
                schools
                    .iter()
                    .map(|p| Bar {
                        label: p.name.clone(),
                        value: f(p),
                    })
                    .collect()
            };
            let on_track_bars = school_bars(|p| p.ind.on_track);
            let coverage_bars = school_bars(|p| p.ind.coverage);
            let stage_bars: Vec<Bar> = stages
                .iter()
                .map(|p| Bar { label: stage_name(i18n, &p.key).to_string(), value: p.ind.on_track })
                .collect();
            let term_points: Vec<Point> = terms
                .iter()
                .map(|p| Point { label: p.name.rsplit(' ').next().unwrap_or_default().to_string(), value: p.ind.on_track })
                .collect();
            let as_of = d.as_of.clone().unwrap_or_default();
            let name = d.district_name.clone();
            view! {
                <h1 class="page-title" id="district-dashboard-title">{(tr.district_title)(&name)}</h1>
                {if d.as_of.is_none() {
                    view! { <p class="hint">{tr.not_computed}</p> }.into_any()
                } else {
                    view! {
                        <p class="summary">{(tr.as_of)(&i18n.date(&as_of))}</p>
                        {tiles(i18n, totals.clone())}
                        <h2 class="section-title">{tr.per_school}</h2>
                        <PercentBars id="chart-schools" title=tr.per_school.to_string() bars=on_track_bars
                            reference=reference reference_label=tr.district_ref.to_string()/>
                        <h2 class="section-title">{tr.per_school_coverage}</h2>
                        <PercentBars id="chart-schools-coverage" title=tr.per_school_coverage.to_string() bars=coverage_bars
                            reference=cov_reference reference_label=tr.district_ref.to_string()/>
                        <h2 class="section-title">{tr.per_stage}</h2>
                        <PercentBars id="chart-stages" title=tr.per_stage.to_string() bars=stage_bars
                            reference=reference reference_label=tr.district_ref.to_string()/>
                        {trend_chart(i18n, &trend, "chart-trend")}
                        <h2 class="section-title">{tr.terms_trend}</h2>
                        <TrendLine id="chart-terms" title=tr.terms_trend.to_string() points=term_points
                            reference=reference/>
                        {kind_stacks(i18n, &totals, "chart-kinds")}
                        <h2 class="section-title">{tr.schools_list}</h2>
                        <ul class="list" id="dashboard-schools">
                            {schools.iter().map(|p| {
                                let on_track = p.ind.on_track.map_or("—".into(), |v| format!("{v}%"));
                                let coverage = p.ind.coverage.map_or("—".into(), |v| format!("{v}%"));
                                view! {
                                    <li>
                                        <a class="item link school-summary-link" href=format!("/district/schools/{}", p.key)>
                                            <div class="item-main">
                                                <span class="name">{p.name.clone()}</span>
                                                <span class="meta">{stage_name(i18n, &p.group)}</span>
                                            </div>
                                            <div class="item-side">
                                                <span>{tr.on_track} " " {on_track}</span>
                                                <span class="meta">{tr.coverage} " " {coverage}</span>
                                            </div>
                                        </a>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }
                    .into_any()
                }}
            }
        })}
    }
}

/// One school's per-grade summary, as the district reads it.
#[component]
pub fn DistrictSchoolSummary() -> impl IntoView {
    let i18n = use_i18n();
    let tr = i18n.t().insights;
    let params = use_params_map();
    let page = LocalResource::new(move || {
        let id = params.with(|p| p.get("id").unwrap_or_default());
        async move {
            api::query::<ops::DistrictSchoolSummaryPage>(
                ops::district_school_summary_page::Variables { school_id: id },
            )
            .await
            .map(|d| d.district_school_summary)
        }
    });
    view! {
        <PageTitle title=|t| t.insights.school_summary/>
        {loaded(page, move |s| {
            let grades: Vec<PartVm> = s.by_grade.into_iter().map(Into::into).collect();
            let bars: Vec<Bar> = grades
                .iter()
                .map(|p| Bar { label: (tr.grade_n)(&p.name), value: p.ind.on_track })
                .collect();
            let cov: Vec<Bar> = grades
                .iter()
                .map(|p| Bar { label: (tr.grade_n)(&p.name), value: p.ind.coverage })
                .collect();
            let stage = i18n.t().stage(s.stage.0);
            view! {
                <h2 class="section-title" id="summary-school">{s.school_name.clone()} " · " {stage}</h2>
                {s.as_of.clone().map(|d| view! { <p class="summary">{(tr.as_of)(&i18n.date(&d))}</p> })}
                <h2 class="section-title">{tr.by_grade}</h2>
                <PercentBars id="chart-summary-grades" title=tr.by_grade.to_string() bars=bars/>
                <h2 class="section-title">{tr.coverage}</h2>
                <PercentBars id="chart-summary-coverage" title=tr.coverage.to_string() bars=cov/>
                <ul class="list" id="summary-grades">
                    {grades.into_iter().map(|g| {
                        let line = (tr.coverage_line)(&i18n.num(g.ind.matched), &i18n.num(g.ind.students));
                        view! {
                            <li class="item">
                                <div class="item-main">
                                    <span class="name">{(tr.grade_n)(&g.name)}</span>
                                    <span class="meta">{line}</span>
                                </div>
                                <div class="item-side">
                                    <span>{g.ind.on_track.map_or("—".into(), |v| format!("{v}%"))}</span>
                                </div>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <a class="btn secondary" href="/district/dashboard">{tr.nav_district_dashboard}</a>
            }
        })}
    }
}

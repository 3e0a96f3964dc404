//! The response-time report: the school admin's (per term, by level, the
//! median and worst time to acknowledge and to assess against the plan's
//! targets, the steps overdue) and the district's (the same per school,
//! counts only).

use leptos::prelude::*;

use super::span;
use crate::api;
use crate::i18n::{I18n, use_i18n};
use crate::ops;
use crate::ui::{PageTitle, loaded};

/// One level's figures, as both reports carry them.
#[derive(Clone)]
struct Figures {
    level: String,
    cases: i64,
    open: i64,
    ack: [Option<i64>; 3],
    ack_late: i64,
    assess: [Option<i64>; 3],
    assess_late: i64,
    escalated: i64,
}

macro_rules! figures_from {
    ($m:ident :: $t:ident) => {
        impl From<ops::$m::$t> for Figures {
            fn from(f: ops::$m::$t) -> Figures {
                Figures {
                    level: f.level.map(|l| l.0).unwrap_or_default(),
                    cases: f.cases,
                    open: f.open,
                    ack: [
                        Some(f.ack_target_minutes),
                        f.ack_median_minutes,
                        f.ack_worst_minutes,
                    ],
                    ack_late: f.ack_overdue,
                    assess: [
                        Some(f.assess_target_hours * 60),
                        f.assess_median_minutes,
                        f.assess_worst_minutes,
                    ],
                    assess_late: f.assess_overdue,
                    escalated: f.escalated,
                }
            }
        }
    };
}
figures_from!(care_response_report::CareResponseReportCareResponseReportLevels);
figures_from!(care_response_by_school::CareResponseBySchoolCareResponseBySchoolLevels);

fn minutes(i18n: I18n, m: Option<i64>) -> String {
    m.map_or_else(|| i18n.t().care_conf.none.to_string(), |m| span(i18n, m))
}

/// One school's table.
fn table(
    i18n: I18n,
    school: String,
    term: String,
    from: String,
    to: String,
    levels: Vec<Figures>,
    overdue: i64,
) -> impl IntoView {
    let t = move || i18n.t().care_conf;
    view! {
        <section class="card care-report">
            <h2>{school}</h2>
            <p class="meta">{move || (t().term)(&term)} " (" {from} " – " {to} ")"</p>
            {levels.into_iter().map(|f| {
                let level = f.level.clone();
                let (ack, assess) = (f.ack, f.assess);
                view! {
                    <div class="report-level" data-level=f.level.clone()>
                        <h3>{move || i18n.t().care.level(&level)} " · " {move || t().cases} " " {f.cases} " · " {move || t().open} " " {f.open}</h3>
                        <dl class="facts">
                            <dt>{move || t().acknowledge}</dt>
                            <dd>
                                {move || t().target} " " {move || minutes(i18n, ack[0])} " · "
                                {move || t().median} " " {move || minutes(i18n, ack[1])} " · "
                                {move || t().worst} " " {move || minutes(i18n, ack[2])} " · "
                                {move || t().late} " " {f.ack_late}
                            </dd>
                            <dt>{move || t().assess}</dt>
                            <dd>
                                {move || t().target} " " {move || minutes(i18n, assess[0])} " · "
                                {move || t().median} " " {move || minutes(i18n, assess[1])} " · "
                                {move || t().worst} " " {move || minutes(i18n, assess[2])} " · "
                                {move || t().late} " " {f.assess_late}
                            </dd>
                            <dt>{move || t().escalated}</dt>
                            <dd>{f.escalated}</dd>
                        </dl>
                    </div>
                }
            }).collect_view()}
            <p class="overdue-actions">{move || (t().overdue_actions)(&overdue.to_string())}</p>
        </section>
    }
}

/// `/school/care-report`: the school admin's report for the current term.
#[component]
pub fn SchoolCareReport() -> impl IntoView {
    let i18n = use_i18n();
    let report = LocalResource::new(|| async {
        api::query::<ops::CareResponseReport>(ops::care_response_report::Variables {
            term_id: None,
        })
        .await
        .map(|d| d.care_response_report)
    });
    view! {
        <PageTitle title=|t| t.care_conf.report_title/>
        <p class="hint">{move || i18n.t().care_conf.report_intro}</p>
        {loaded(report, move |r| table(i18n, r.school_name, r.term_name, r.from, r.to, r.levels.into_iter().map(Into::into).collect(), r.overdue_actions))}
    }
}

/// `/district/care-report`: every school's counts (no names).
#[component]
pub fn DistrictCareReport() -> impl IntoView {
    let i18n = use_i18n();
    let report = LocalResource::new(|| async {
        api::query::<ops::CareResponseBySchool>(ops::care_response_by_school::Variables)
            .await
            .map(|d| d.care_response_by_school)
    });
    view! {
        <PageTitle title=|t| t.care_conf.district_report_title/>
        <p class="hint">{move || i18n.t().care_conf.report_intro}</p>
        {loaded(report, move |list| {
            if list.is_empty() {
                return view! { <p class="card muted">{move || i18n.t().care_conf.no_terms}</p> }.into_any();
            }
            list.into_iter()
                .map(|r| table(i18n, r.school_name, r.term_name, r.from, r.to, r.levels.into_iter().map(Into::into).collect(), r.overdue_actions))
                .collect_view()
                .into_any()
        })}
    }
}

//! District office (区教育局): schools overview, aggregates only.

use leptos::prelude::*;

use crate::api;
use crate::i18n::use_i18n;
use crate::ops;
use crate::pages::tasks::{KindRow, kind_table};
use crate::ui::{PageTitle, loaded};

/// Every school of the district with its size.
#[component]
pub fn Schools() -> impl IntoView {
    let i18n = use_i18n();
    let schools = LocalResource::new(|| async {
        api::query::<ops::Schools>(ops::schools::Variables)
            .await
            .map(|d| d.schools)
    });
    view! {
        <PageTitle title=|t| t.org.district_title/>
        <a class="item link card" id="care-report-link" href="/district/care-report">
            <span class="name">{move || i18n.t().care_conf.report_link}</span>
            <span aria-hidden="true">"›"</span>
        </a>
        {loaded(schools, move |schools| {
            let classes: i64 = schools.iter().map(|s| s.class_count).sum();
            let students: i64 = schools.iter().map(|s| s.student_count).sum();
            let count = schools.len() as i64;
            view! {
                <p class="summary" id="schools-summary">
                    {move || {
                        (i18n.t().org.schools_total)(&i18n.num(count), &i18n.num(classes), &i18n.num(students))
                    }}
                </p>
                <ul class="list" id="school-list">
                    {schools
                        .into_iter()
                        .map(|s| {
                            let stage = s.stage.0;
                            view! {
                                <li class="item">
                                    <div class="item-main">
                                        <span class="name">{s.name}</span>
                                        <span class="meta">
                                            {move || i18n.t().stage(stage)} " · " {s.code}
                                        </span>
                                    </div>
                                    <div class="item-side">
                                        <span>{move || (i18n.t().org.student_count)(&i18n.num(s.student_count))}</span>
                                        <span class="meta">
                                            {move || (i18n.t().org.class_count)(&i18n.num(s.class_count))}
                                        </span>
                                    </div>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            }
        })}
    }
}

/// District supervision (督导): each school's task status this term, as
/// counts only.
#[component]
pub fn Supervision() -> impl IntoView {
    let i18n = use_i18n();
    let counts = LocalResource::new(|| async {
        api::query::<ops::SchoolTaskCounts>(ops::school_task_counts::Variables)
            .await
            .map(|d| d.school_task_counts)
    });
    view! {
        <PageTitle title=|t| t.nav_supervision/>
        <crate::pages::paper::DistrictAwardCounts/>
        <h2 class="section-title">{move || i18n.t().tasks.task_counts_title}</h2>
        <p class="hint">{move || i18n.t().tasks.task_counts_intro}</p>
        {loaded(counts, move |schools| {
            view! {
                <div id="school-task-counts">
                    {schools
                        .into_iter()
                        .map(|s| {
                            let total = s.counts.students;
                            let overdue = s.counts.students_with_overdue;
                            let kinds: Vec<KindRow> = s.counts.by_kind.into_iter().map(KindRow::from).collect();
                            let version = s.policy_version.map(|v| v.to_string());
                            let uses_baseline = s.uses_district_baseline;
                            view! {
                                <section class="card school-counts">
                                    <h3>{s.school_name.clone()}</h3>
                                    <p class="meta">
                                        {s.term_name.clone()}
                                        {version.map(|v| view! { " · " {move || (i18n.t().policy.version_n)(&v)} })}
                                        {uses_baseline.then(|| view! { " · " {move || i18n.t().policy.baseline_applies_title} })}
                                    </p>
                                    {s.note.clone().map(|n| view! { <p class="muted">{n}</p> })}
                                    <p class="summary">
                                        {move || (i18n.t().tasks.counts_students)(&i18n.num(total))} " · "
                                        {move || (i18n.t().tasks.counts_overdue)(&i18n.num(overdue))}
                                        {(total > 0).then(|| {
                                            let pct = (total - overdue.min(total)) * 100 / total;
                                            view! { " · " {move || (i18n.t().tasks.on_track_share)(&i18n.num(pct))} }
                                        })}
                                    </p>
                                    <div class="scroll-x">{kind_table(i18n, kinds)}</div>
                                </section>
                            }
                        })
                        .collect_view()}
                </div>
            }
        })}
    }
}

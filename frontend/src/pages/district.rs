//! District office (区教育局): schools overview, aggregates only.

use leptos::prelude::*;

use crate::api;
use crate::i18n::use_i18n;
use crate::ops;
use crate::ui::{ComingSoon, PageTitle, loaded};

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
        <PageTitle title=|t| t.district_title/>
        {loaded(schools, move |schools| {
            let classes: i64 = schools.iter().map(|s| s.class_count).sum();
            let students: i64 = schools.iter().map(|s| s.student_count).sum();
            let count = schools.len() as i64;
            view! {
                <p class="summary" id="schools-summary">
                    {move || {
                        (i18n.t().schools_total)(&i18n.num(count), &i18n.num(classes), &i18n.num(students))
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
                                        <span>{move || (i18n.t().student_count)(&i18n.num(s.student_count))}</span>
                                        <span class="meta">
                                            {move || (i18n.t().class_count)(&i18n.num(s.class_count))}
                                        </span>
                                    </div>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            }
        })}
        <ComingSoon title=|t| t.nav_supervision body=|t| t.supervision_soon/>
    }
}

/// District supervision (督导): not built yet.
#[component]
pub fn Supervision() -> impl IntoView {
    view! {
        <PageTitle title=|t| t.nav_supervision/>
        <ComingSoon title=|t| t.nav_supervision body=|t| t.supervision_soon/>
    }
}

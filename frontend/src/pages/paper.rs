//! Files and awards: a button that asks for an export or a printable letter
//! and follows its progress to a download link; the task completion page
//! with its exports; the parent's growth letters; 优秀导师 for the school
//! admin, the mentor and the district.

use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::i18n::{Label, use_i18n};
use crate::ops;
use crate::ui::{ErrorBox, PageTitle, ProgressBar, loaded, sleep};

#[derive(Debug, Clone, PartialEq)]
struct FileState {
    id: String,
    filename: String,
    status: String,
    progress: i64,
    error: Option<String>,
    url: Option<String>,
}

/// Asks for a file of `kind` (a GraphQL `PaperKind`), shows its progress
/// while the server builds it, then a download link (`#<id>-link`).
#[component]
pub fn PaperButton(
    /// GraphQL `PaperKind`.
    kind: &'static str,
    /// The file's subject (student, class, round, run, survey, award).
    #[prop(optional, into)]
    subject: Option<String>,
    /// The button's label.
    label: Label,
    /// The button's element id; the link is `<id>-link`.
    #[prop(into)]
    id: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let state = RwSignal::new(None::<FileState>);
    let err = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let start = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        err.set(None);
        state.set(None);
        let subject_id = subject.clone();
        leptos::task::spawn_local(async move {
            let first = api::query::<ops::RequestPaper>(ops::request_paper::Variables {
                kind: ops::PaperKind(kind.to_string()),
                subject_id,
                term_id: None,
            })
            .await;
            let mut f = match first {
                Ok(d) => {
                    let r = d.request_paper;
                    FileState {
                        id: r.id,
                        filename: r.filename,
                        status: r.status,
                        progress: r.progress,
                        error: r.error,
                        url: r.download_url,
                    }
                }
                Err(e) => {
                    err.set(Some(e));
                    busy.set(false);
                    return;
                }
            };
            state.set(Some(f.clone()));
            // Poll until done (bounded: ten minutes).
            for _ in 0..600 {
                if f.status == "DONE" || f.status == "FAILED" {
                    break;
                }
                sleep(1000).await;
                match api::query::<ops::PaperFileStatus>(ops::paper_file_status::Variables {
                    id: f.id.clone(),
                })
                .await
                {
                    Ok(d) => {
                        let r = d.paper_file;
                        f = FileState {
                            id: r.id,
                            filename: r.filename,
                            status: r.status,
                            progress: r.progress,
                            error: r.error,
                            url: r.download_url,
                        };
                        state.set(Some(f.clone()));
                    }
                    Err(e) => {
                        err.set(Some(e));
                        break;
                    }
                }
            }
            busy.set(false);
        });
    };
    let link_id = format!("{id}-link");
    view! {
        <div class="paper-file">
            <button type="button" class="btn secondary" id=id disabled=move || busy.get() on:click=start>
                {move || label(i18n.t())}
            </button>
            {move || err.get().map(|e| view! { <ErrorBox err=e/> })}
            {move || {
                let link_id = link_id.clone();
                state.get().map(|f| match (f.status.as_str(), f.url.clone()) {
                    ("DONE", Some(url)) => {
                        let name = f.filename.clone();
                        view! {
                        <p class="paper-actions">
                            <a class="btn primary" id=link_id href=url download=f.filename.clone()>
                                {move || (i18n.t().paper.download)(&name)}
                            </a>
                        </p>
                        <p class="meta">{move || i18n.t().paper.expires_note}</p>
                        }
                        .into_any()
                    }
                    ("FAILED", _) => {
                        let e = f.error.clone().unwrap_or_default();
                        view! { <p class="error" role="alert">{move || (i18n.t().paper.failed)(&e)}</p> }.into_any()
                    }
                    _ => {
                        let queued = f.status == "QUEUED";
                        let pct = f.progress;
                        view! {
                            <ProgressBar
                                value=Signal::derive(move || (!queued).then_some(i32::try_from(pct).unwrap_or(0)))
                                label=Signal::derive(move || if queued {
                                    i18n.t().paper.preparing.to_string()
                                } else {
                                    (i18n.t().paper.progress_n)(&pct.to_string())
                                })
                            />
                        }
                        .into_any()
                    }
                })
            }}
        </div>
    }
}

fn rate(per_mille: Option<i64>) -> String {
    per_mille.map_or_else(|| "—".into(), |p| format!("{}.{}%", p / 10, p % 10))
}

/// The task completion page (school admin; a grade leader for their
/// grades): per class and per mentor, with the exports.
#[component]
pub fn TaskCompletionPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = LocalResource::new(|| async {
        api::query::<ops::TaskCompletionPage>(ops::task_completion_page::Variables)
            .await
            .map(|d| d.task_completion)
    });
    let admin =
        move || crate::session::use_session().role.get() == Some(shared::org::Role::SchoolAdmin);
    view! {
        <PageTitle title=|t| t.paper.completion_title/>
        <section class="card paper-actions" id="completion-exports">
            <PaperButton kind="TASK_COMPLETION" label=|t| t.paper.export_xlsx id="export-tasks"/>
            {move || admin().then(|| view! {
                <PaperButton kind="TERM_SUMMARY" label=|t| t.paper.term_summary id="export-summary"/>
            })}
        </section>
        {loaded(data, move |c| {
            let term = c.term_name.clone();
            let as_of = c.as_of.clone();
            let table = move |title: Label, id: &'static str, rows: Vec<(String, i64, i64, i64, i64, Option<i64>)>| view! {
                <section class="card scroll-x">
                    <h2>{move || title(i18n.t())}</h2>
                    <table class="table" id=id>
                        <thead><tr>
                            <th>{move || i18n.t().paper.col_name}</th>
                            <th>{move || i18n.t().paper.col_students}</th>
                            <th>{move || i18n.t().paper.col_done}</th>
                            <th>{move || i18n.t().paper.col_due}</th>
                            <th>{move || i18n.t().paper.col_overdue}</th>
                            <th>{move || i18n.t().paper.col_rate}</th>
                        </tr></thead>
                        <tbody>
                            {rows.into_iter().map(|(n, s, d, u, o, r)| view! {
                                <tr>
                                    <td>{n}</td><td>{s}</td><td>{d}</td><td>{u}</td><td>{o}</td><td>{rate(r)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </section>
            };
            let classes = c.classes.into_iter().map(|l| (l.name, l.students, l.done, l.due, l.overdue, l.done_per_mille)).collect();
            let mentors = c.mentors.into_iter().map(|l| (l.name, l.students, l.done, l.due, l.overdue, l.done_per_mille)).collect();
            view! {
                <p class="meta" id="completion-term">{move || (i18n.t().paper.as_of)(&term, &i18n.date(&as_of))}</p>
                {table(|t| t.paper.by_class, "completion-classes", classes)}
                {table(|t| t.paper.by_mentor, "completion-mentors", mentors)}
            }
        })}
    }
}

/// A parent's (or student's) growth letters as PDFs: one button per child
/// with a published letter.
#[component]
pub fn ChildLetters() -> impl IntoView {
    let i18n = use_i18n();
    let msgs = LocalResource::new(|| async {
        api::query::<ops::MyGrowthMessages>(ops::my_growth_messages::Variables)
            .await
            .map(|d| d.my_growth_messages)
    });
    view! {
        {loaded(msgs, move |list| {
            let mut kids: Vec<(String, String)> = list.into_iter().map(|m| (m.student.id, m.student.name)).collect();
            kids.sort();
            kids.dedup();
            (!kids.is_empty()).then(|| view! {
                <section class="card" id="growth-letters">
                    <h2>{move || i18n.t().mentoring.growth_title}</h2>
                    {kids.into_iter().map(|(id, name)| view! {
                        <p class="name">{name}</p>
                        <PaperButton kind="GROWTH_LETTER" subject=id.clone() label=|t| t.paper.growth_letter id=format!("letter-{id}")/>
                    }).collect_view()}
                </section>
            })
        })}
    }
}

/// The mentor's awards with their certificates, and the appointment letter.
#[component]
pub fn MyAwards() -> impl IntoView {
    let i18n = use_i18n();
    let list = LocalResource::new(|| async {
        api::query::<ops::MyAwards>(ops::my_awards::Variables)
            .await
            .map(|d| d.my_awards)
    });
    view! {
        <section class="card" id="my-awards">
            <h2>{move || i18n.t().paper.my_awards}</h2>
            {loaded(list, move |list| {
                if list.is_empty() {
                    return view! { <p class="muted">{move || i18n.t().paper.no_awards}</p> }.into_any();
                }
                list.into_iter().map(|a| view! {
                    <article class="award">
                        <h3>{a.term_name.clone()} " · 优秀导师"</h3>
                        <p>{a.citation.clone()}</p>
                        <PaperButton kind="AWARD_CERTIFICATE" subject=a.id.clone() label=|t| t.paper.certificate id=format!("certificate-{}", a.id)/>
                    </article>
                }).collect_view().into_any()
            })}
            <PaperButton kind="APPOINTMENT_LETTER" label=|t| t.paper.appointment_letter id="appointment-letter"/>
        </section>
    }
}

/// Runs a mutation; on success clears the error and bumps `tick` (which
/// reloads what depends on it), else shows the error.
fn act<T: 'static>(
    fut: impl std::future::Future<Output = Result<T, ApiError>> + 'static,
    tick: RwSignal<u32>,
    err: RwSignal<Option<ApiError>>,
) {
    leptos::task::spawn_local(async move {
        match fut.await {
            Ok(_) => {
                err.set(None);
                tick.update(|t| *t += 1);
            }
            Err(e) => err.set(Some(e)),
        }
    });
}

/// 优秀导师 for the school admin: nominate mentors rated 优秀 in the
/// published run with a citation, publish the list, print certificates.
#[component]
pub fn AwardsAdmin(
    /// The term.
    term_id: String,
    /// Mentors rated 优秀: (staff id, name).
    excellent: Vec<(String, String)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let tick = RwSignal::new(0u32);
    let err = RwSignal::new(None::<ApiError>);
    let term = term_id.clone();
    let awards = LocalResource::new(move || {
        tick.track();
        let term_id = term.clone();
        async move {
            api::query::<ops::SchoolAwards>(ops::school_awards::Variables { term_id })
                .await
                .map(|d| d.school_awards)
        }
    });
    let term_pub = term_id.clone();
    let publish = move |_| {
        let term_id = term_pub.clone();
        act(
            api::query::<ops::PublishAwards>(ops::publish_awards::Variables { term_id }),
            tick,
            err,
        );
    };
    view! {
        <section class="card" id="awards">
            <h2>{move || i18n.t().paper.awards_title}</h2>
            {move || err.get().map(|e| view! { <ErrorBox err=e/> })}
            <ul class="list" id="award-candidates">
                {excellent.into_iter().map(|(staff_id, name)| {
                    let citation = RwSignal::new(String::new());
                    let term_id = term_id.clone();
                    let sid = staff_id.clone();
                    let nominate = move |_| {
                        let (term_id, staff_id, citation) = (term_id.clone(), sid.clone(), citation.get_untracked());
                        act(api::query::<ops::NominateAward>(ops::nominate_award::Variables { term_id, staff_id, citation }), tick, err);
                    };
                    view! {
                        <li class="item">
                            <div class="item-main">
                                <span class="name">{name}</span>
                                <input type="text" class="citation" maxlength="200"
                                    placeholder=move || i18n.t().paper.citation
                                    on:input=move |ev| citation.set(event_target_value(&ev))/>
                            </div>
                            <button type="button" class="btn secondary nominate" data-staff=staff_id on:click=nominate>
                                {move || i18n.t().paper.nominate}
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            {loaded(awards, move |list| {
                let pending = list.iter().any(|a| a.published_at.is_none());
                view! {
                    <ul class="list" id="award-list">
                        {list.into_iter().map(|a| {
                            let published = a.published_at.is_some();
                            let id = a.id.clone();
                            let withdraw = move |_| {
                                let id = id.clone();
                                act(api::query::<ops::WithdrawAward>(ops::withdraw_award::Variables { id }), tick, err);
                            };
                            view! {
                                <li class="item">
                                    <div class="item-main">
                                        <span class="name">{a.staff_name.clone()}</span>
                                        <span class="meta">{a.citation.clone()}</span>
                                    </div>
                                    <span class="tag">{move || if published { i18n.t().paper.award_published } else { i18n.t().paper.award_pending }}</span>
                                    {if published {
                                        view! { <PaperButton kind="AWARD_CERTIFICATE" subject=a.id.clone() label=|t| t.paper.certificate id=format!("certificate-{}", a.id)/> }.into_any()
                                    } else {
                                        view! { <button type="button" class="btn secondary" on:click=withdraw>{move || i18n.t().paper.withdraw}</button> }.into_any()
                                    }}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    {pending.then(|| view! {
                        <button type="button" class="btn primary" id="publish-awards" on:click=publish.clone()>
                            {move || i18n.t().paper.publish_awards}
                        </button>
                    })}
                }
            })}
        </section>
    }
}

/// Published 优秀导师 per school and term, for the district (counts only).
#[component]
pub fn DistrictAwardCounts() -> impl IntoView {
    let i18n = use_i18n();
    let counts = LocalResource::new(|| async {
        api::query::<ops::DistrictAwardCounts>(ops::district_award_counts::Variables)
            .await
            .map(|d| d.district_award_counts)
    });
    view! {
        <section class="card" id="district-awards">
            <h2>{move || i18n.t().paper.award_counts_title}</h2>
            {loaded(counts, move |list| {
                if list.is_empty() {
                    return view! { <p class="muted">{move || i18n.t().paper.no_awards}</p> }.into_any();
                }
                view! {
                    <ul class="list">
                        {list.into_iter().map(|c| {
                            let n = c.count.to_string();
                            view! {
                                <li class="item">
                                    <div class="item-main">
                                        <span class="name">{c.school_name}</span>
                                        <span class="meta">{c.term_name}</span>
                                    </div>
                                    <span>{move || (i18n.t().paper.award_count_n)(&n)}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            })}
        </section>
    }
}

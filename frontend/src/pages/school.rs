//! School admin (学校管理员): school setup — terms, classes, staff,
//! students — and roster import.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::api::{self, ApiError};
use crate::i18n::{Label, use_i18n};
use crate::ops;
use crate::pages::people::StudentList;
use crate::ui::{ErrorBox, Page, PageTitle, Pager, PagerFooter, loaded};

/// Setup overview: the terms, and the way through the setup steps.
#[component]
pub fn Setup() -> impl IntoView {
    let i18n = use_i18n();
    let terms = LocalResource::new(|| async {
        api::query::<ops::Terms>(ops::terms::Variables)
            .await
            .map(|d| d.terms)
    });
    let adding = RwSignal::new(false);
    let steps: [(&str, Label); 11] = [
        ("/school/matching", |t| t.matching.nav),
        ("/school/care-report", |t| t.care_conf.report_link),
        ("/school/assessment", |t| t.lifecycle.assessment_link),
        ("/school/surveys", |t| t.lifecycle.admin_surveys_title),
        ("/school/classes", |t| t.nav_classes),
        ("/school/staff", |t| t.nav_staff),
        ("/school/students", |t| t.nav_students),
        ("/school/import", |t| t.org.import_title),
        ("/school/training", |t| t.training.admin_link),
        ("/school/integrations", |t| t.notify.integrations_link),
        ("/school/tasks", |t| t.paper.completion_link),
    ];
    view! {
        <PageTitle title=|t| t.org.setup_title/>
        <crate::pages::insights::DashboardSummary/>
        <p class="hint">{move || i18n.t().org.setup_intro}</p>
        <section class="card" id="terms">
            <h2>{move || i18n.t().org.terms_title}</h2>
            {loaded(terms, move |terms| {
                if terms.is_empty() {
                    return view! { <p class="muted">{move || i18n.t().org.terms_empty}</p> }.into_any();
                }
                view! {
                    <ul class="plain">
                        {terms
                            .into_iter()
                            .map(|term| {
                                let (start, end) = (term.starts_on.clone(), term.ends_on.clone());
                                view! {
                                    <li class="term">
                                        <span class="name">{term.name.clone()}</span>
                                        <span class="meta">
                                            {move || i18n.date(&start)} " – " {move || i18n.date(&end)}
                                        </span>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                .into_any()
            })}
            {move || {
                if adding.get() {
                    view! {
                        <TermForm done=Callback::new(move |saved: bool| {
                            adding.set(false);
                            if saved {
                                terms.refetch();
                            }
                        })/>
                    }
                        .into_any()
                } else {
                    view! {
                        <button type="button" class="btn secondary" id="add-term" on:click=move |_| adding.set(true)>
                            {move || i18n.t().org.new_term}
                        </button>
                    }
                        .into_any()
                }
            }}
        </section>
        <ul class="list steps">
            {steps
                .into_iter()
                .map(|(href, label)| {
                    view! {
                        <li>
                            <a class="item link" href=href>
                                <span class="name">{move || label(i18n.t())}</span>
                                <span aria-hidden="true">"›"</span>
                            </a>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

/// Creates a term.
#[component]
fn TermForm(
    /// Called with `true` after saving, `false` on cancel.
    done: Callback<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let name = RwSignal::new(String::new());
    let year = RwSignal::new(String::new());
    let starts = RwSignal::new(String::new());
    let ends = RwSignal::new(String::new());
    let save = Action::new_local(move |input: &ops::create_term::TermInput| {
        let input = input.clone();
        async move { api::query::<ops::CreateTerm>(ops::create_term::Variables { input }).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            done.run(true);
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(ops::create_term::TermInput {
            name: name.get_untracked().trim().to_string(),
            academic_year: year.get_untracked().trim().to_string(),
            starts_on: starts.get_untracked(),
            ends_on: ends.get_untracked(),
        });
    };
    view! {
        <form class="form" id="term-form" on:submit=on_submit>
            <label for="term-name">{move || i18n.t().org.term_name}</label>
            <input id="term-name" type="text" required=true bind:value=name/>
            <label for="term-year">{move || i18n.t().org.term_year}</label>
            <input id="term-year" type="text" placeholder="2026-2027" required=true bind:value=year/>
            <label for="term-start">{move || i18n.t().org.term_start}</label>
            <input id="term-start" type="date" required=true bind:value=starts/>
            <label for="term-end">{move || i18n.t().org.term_end}</label>
            <input id="term-end" type="date" required=true bind:value=ends/>
            {move || match save.value().get() {
                Some(Err(e)) => Some(view! { <ErrorBox err=e/> }),
                _ => None,
            }}
            <div class="row">
                <button type="submit" class="btn primary" disabled=move || save.pending().get()>
                    {move || if save.pending().get() { i18n.t().saving } else { i18n.t().save }}
                </button>
                <button type="button" class="btn secondary" on:click=move |_| done.run(false)>
                    {move || i18n.t().cancel}
                </button>
            </div>
        </form>
    }
}

/// Creates a class, or edits one (its head teacher is kept).
#[component]
fn ClassForm(
    /// The class being edited; `None` creates one.
    #[prop(optional)]
    class: Option<ops::classes::ClassesClasses>,
    /// Called with `true` after saving, `false` on cancel.
    done: Callback<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = class.as_ref().map(|c| c.id.clone());
    let head = class.as_ref().and_then(|c| c.head_teacher_id.clone());
    let name = RwSignal::new(class.as_ref().map(|c| c.name.clone()).unwrap_or_default());
    let grade = RwSignal::new(
        class
            .as_ref()
            .map(|c| c.grade.to_string())
            .unwrap_or_default(),
    );
    let save = Action::new_local(move |(name, grade): &(String, i64)| {
        let (id, head, name, grade) = (id.clone(), head.clone(), name.clone(), *grade);
        async move {
            match id {
                Some(id) => {
                    let input = ops::update_class::ClassInput {
                        grade,
                        name,
                        head_teacher_id: head,
                    };
                    api::query::<ops::UpdateClass>(ops::update_class::Variables { id, input })
                        .await
                        .map(|_| ())
                }
                None => {
                    let input = ops::create_class::ClassInput {
                        grade,
                        name,
                        head_teacher_id: None,
                    };
                    api::query::<ops::CreateClass>(ops::create_class::Variables { input })
                        .await
                        .map(|_| ())
                }
            }
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = save.value().get() {
            done.run(true);
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let g = grade.get_untracked().trim().parse::<i64>().unwrap_or(0);
        save.dispatch((name.get_untracked().trim().to_string(), g));
    };
    view! {
        <form class="card form" id="class-form" on:submit=on_submit>
            <label for="class-name">{move || i18n.t().org.class_name}</label>
            <input id="class-name" type="text" required=true bind:value=name/>
            <label for="class-grade">{move || i18n.t().org.class_grade}</label>
            <input id="class-grade" type="number" inputmode="numeric" min="1" max="12" required=true bind:value=grade/>
            {move || match save.value().get() {
                Some(Err(e)) => Some(view! { <ErrorBox err=e/> }),
                _ => None,
            }}
            <div class="row">
                <button type="submit" class="btn primary" disabled=move || save.pending().get()>
                    {move || if save.pending().get() { i18n.t().saving } else { i18n.t().save }}
                </button>
                <button type="button" class="btn secondary" on:click=move |_| done.run(false)>
                    {move || i18n.t().cancel}
                </button>
            </div>
        </form>
    }
}

/// The school's classes: browse, add, edit.
#[component]
pub fn Classes() -> impl IntoView {
    let i18n = use_i18n();
    let classes = LocalResource::new(|| async {
        api::query::<ops::Classes>(ops::classes::Variables { grade: None })
            .await
            .map(|d| d.classes)
    });
    // None: no form; Some(None): adding; Some(Some(class)): editing.
    let editing = RwSignal::new(None::<Option<ops::classes::ClassesClasses>>);
    let done = Callback::new(move |saved: bool| {
        editing.set(None);
        if saved {
            classes.refetch();
        }
    });
    view! {
        <PageTitle title=|t| t.org.classes_title/>
        {move || match editing.get() {
            Some(Some(c)) => view! { <ClassForm class=c done=done/> }.into_any(),
            Some(None) => view! { <ClassForm done=done/> }.into_any(),
            None => view! {
                <button type="button" class="btn secondary wide" id="add-class" on:click=move |_| editing.set(Some(None))>
                    {move || i18n.t().org.new_class}
                </button>
            }
            .into_any(),
        }}
        {loaded(classes, move |cs| {
            if cs.is_empty() {
                return view! { <p class="card muted">{move || i18n.t().org.classes_empty}</p> }.into_any();
            }
            view! {
                <ul class="list" id="class-list">
                    {cs
                        .into_iter()
                        .map(|c| {
                            let count = c.student_count;
                            let grade = c.grade.to_string();
                            let head = c.head_teacher_name.clone();
                            let name = c.name.clone();
                            let href = format!("/classes/{}", c.id);
                            view! {
                                <li class="item-row">
                                    <a class="item link" href=href>
                                        <div class="item-main">
                                            <span class="name">{name.clone()}</span>
                                            <span class="meta">
                                                {move || (i18n.t().org.grade_n)(&grade)} " · "
                                                {move || head.clone().unwrap_or_else(|| i18n.t().org.no_head_teacher.to_string())}
                                            </span>
                                        </div>
                                        <span class="meta">{move || (i18n.t().org.student_count)(&i18n.num(count))}</span>
                                    </a>
                                    <button
                                        type="button"
                                        class="btn ghost edit"
                                        aria-label=move || format!("{} {}", i18n.t().edit, name)
                                        on:click=move |_| editing.set(Some(Some(c.clone())))
                                    >
                                        {move || i18n.t().edit}
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            }
            .into_any()
        })}
    }
}

use crate::pages::edit::{StaffForm, StaffRow, StudentForm};

async fn fetch_staff(search: String, after: Option<String>) -> Result<Page<StaffRow>, ApiError> {
    let search = Some(search.trim().to_string()).filter(|s| !s.is_empty());
    let conn = api::query::<ops::StaffList>(ops::staff_list::Variables {
        first: Some(50),
        after,
        search,
    })
    .await?
    .staff;
    Ok(Page {
        nodes: conn.edges.into_iter().map(|e| e.node).collect(),
        next: conn
            .page_info
            .end_cursor
            .filter(|_| conn.page_info.has_next_page),
        total: conn.total_count,
    })
}

/// The school's staff: browse, search, add, edit.
#[component]
pub fn Staff() -> impl IntoView {
    let i18n = use_i18n();
    let pager = Pager::<StaffRow>::new();
    let search = RwSignal::new(String::new());
    pager.load(fetch_staff(String::new(), None), false);
    let more = Callback::new(move |_| {
        pager.load(
            fetch_staff(search.get_untracked(), pager.next.get_untracked()),
            true,
        )
    });
    let on_search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        pager.load(fetch_staff(search.get_untracked(), None), false);
    };
    // None: no form; Some(None): adding; Some(Some(row)): editing.
    let editing = RwSignal::new(None::<Option<StaffRow>>);
    let done = Callback::new(move |saved: bool| {
        editing.set(None);
        if saved {
            pager.load(fetch_staff(search.get_untracked(), None), false);
        }
    });
    view! {
        <PageTitle title=|t| t.org.staff_title/>
        {move || match editing.get() {
            Some(Some(s)) => view! { <StaffForm staff=s done=done/> }.into_any(),
            Some(None) => view! { <StaffForm done=done/> }.into_any(),
            None => view! {
                <button type="button" class="btn secondary wide" id="add-staff" on:click=move |_| editing.set(Some(None))>
                    {move || i18n.t().org.new_staff}
                </button>
            }
            .into_any(),
        }}
        <form class="search" role="search" on:submit=on_search>
            <label class="sr-only" for="staff-search">{move || i18n.t().org.staff_search}</label>
            <input id="staff-search" type="search" placeholder=move || i18n.t().org.staff_search bind:value=search/>
            <button type="submit" class="btn secondary">{move || i18n.t().search}</button>
        </form>
        <p class="summary">{move || pager.total.get().map(|n| (i18n.t().org.total_n)(&i18n.num(n)))}</p>
        {move || (pager.total.get() == Some(0)).then(|| view! { <p class="card muted">{move || i18n.t().org.staff_empty}</p> })}
        <ul class="list" id="staff-list">
            <For each=move || pager.items.get() key=|s| s.id.clone() let:s>
                <li class="item-row">
                    <div class="item">
                        <div class="item-main">
                            <span class="name">{s.name.clone()}</span>
                            <span class="meta">
                                {s.staff_no.clone()} " · "
                                {move || i18n.t().qualification(s.qualification.0)}
                            </span>
                            <span class="meta">
                                {s.teaching
                                    .iter()
                                    .map(|t| format!("{} {}", t.class_name, t.subject))
                                    .collect::<Vec<_>>()
                                    .join("、")}
                            </span>
                        </div>
                    </div>
                    <button
                        type="button"
                        class="btn ghost edit"
                        aria-label={
                            let name = s.name.clone();
                            move || format!("{} {}", i18n.t().edit, name)
                        }
                        on:click={
                            let s = s.clone();
                            move |_| editing.set(Some(Some(s.clone())))
                        }
                    >
                        {move || i18n.t().edit}
                    </button>
                </li>
            </For>
        </ul>
        <PagerFooter pager=pager more=more/>
    }
}

/// The school's students, filterable by class.
#[component]
pub fn Students() -> impl IntoView {
    let i18n = use_i18n();
    let class_id = RwSignal::new(None::<String>);
    let classes = LocalResource::new(|| async {
        api::query::<ops::Classes>(ops::classes::Variables { grade: None })
            .await
            .map(|d| d.classes)
    });
    let adding = RwSignal::new(false);
    // Bumped after a save so the list reloads.
    let version = RwSignal::new(0u32);
    view! {
        <PageTitle title=|t| t.org.students_title/>
        {move || {
            if adding.get() {
                view! {
                    <StudentForm done=Callback::new(move |saved: bool| {
                        adding.set(false);
                        if saved {
                            version.update(|v| *v += 1);
                        }
                    })/>
                }
                    .into_any()
            } else {
                view! {
                    <button type="button" class="btn secondary wide" id="add-student" on:click=move |_| adding.set(true)>
                        {move || i18n.t().org.new_student}
                    </button>
                }
                    .into_any()
            }
        }}
        <label class="field">
            <span>{move || i18n.t().org.student_class}</span>
            <select
                id="class-filter"
                on:change=move |ev| {
                    let v = event_target_value(&ev);
                    class_id.set(Some(v).filter(|v| !v.is_empty()));
                }
            >
                <option value="">{move || i18n.t().org.all_classes}</option>
                {move || {
                    classes
                        .get()
                        .and_then(|r| r.ok())
                        .unwrap_or_default()
                        .into_iter()
                        .map(|c| view! { <option value=c.id.clone()>{c.name.clone()}</option> })
                        .collect_view()
                }}
            </select>
        </label>
        {move || {
            version.track();
            match class_id.get() {
            Some(id) => view! { <StudentList class_id=id/> }.into_any(),
            None => view! { <StudentList/> }.into_any(),
            }
        }}
    }
}

/// The outcome of an upload.
#[derive(Debug, Clone)]
enum ImportOutcome {
    Done(ops::import_roster::ImportRosterImportRoster, bool),
    Failed(ApiError),
    NoFile,
}

/// Roster upload: every rejected row with its reason, or the summary.
#[component]
pub fn Import() -> impl IntoView {
    let i18n = use_i18n();
    let dry_run = RwSignal::new(true);
    let file_input = NodeRef::<leptos::html::Input>::new();
    let outcome = RwSignal::new(None::<ImportOutcome>);

    let upload = Action::new_local(move |(file, dry): &(web_sys::File, bool)| {
        let (file, dry) = (file.clone(), *dry);
        async move {
            let vars = ops::import_roster::Variables {
                file: (),
                dry_run: dry,
            };
            match api::upload::<ops::ImportRoster>(vars, "file", file).await {
                Ok(d) => ImportOutcome::Done(d.import_roster, dry),
                Err(e) => ImportOutcome::Failed(e),
            }
        }
    });
    Effect::new(move |_| {
        if let Some(o) = upload.value().get() {
            outcome.set(Some(o));
            // On a phone the result is below the form: bring it into view.
            request_animation_frame(|| {
                if let Some(el) = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.get_element_by_id("import-result"))
                {
                    el.scroll_into_view();
                }
            });
        }
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let file = file_input
            .get_untracked()
            .and_then(|el| el.unchecked_into::<web_sys::HtmlInputElement>().files())
            .and_then(|files| files.get(0));
        match file {
            Some(file) => {
                outcome.set(None);
                upload.dispatch((file, dry_run.get_untracked()));
            }
            None => outcome.set(Some(ImportOutcome::NoFile)),
        }
    };

    view! {
        <PageTitle title=|t| t.org.import_title/>
        <p class="hint">{move || i18n.t().org.import_intro}</p>
        <p class="hint" id="import-templates">
            {move || i18n.t().org.import_templates}
            <a href="/templates/roster-students.csv" download="学生名册模板.csv" id="template-students">
                {move || i18n.t().org.import_template_students}
            </a>
            " · "
            <a href="/templates/roster-staff.csv" download="教职工名册模板.csv" id="template-staff">
                {move || i18n.t().org.import_template_staff}
            </a>
        </p>
        <form class="card form" id="import-form" on:submit=on_submit>
            <label for="import-file">{move || i18n.t().org.import_file}</label>
            <input
                id="import-file"
                type="file"
                accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
                node_ref=file_input
            />
            <label class="check">
                <input type="checkbox" id="import-dry-run" bind:checked=dry_run/>
                <span>{move || i18n.t().org.import_dry_run}</span>
            </label>
            <button type="submit" class="btn primary wide" id="import-submit" disabled=move || upload.pending().get()>
                {move || if upload.pending().get() { i18n.t().org.import_uploading } else { i18n.t().org.import_submit }}
            </button>
            {move || upload.pending().get().then(|| view! {
                <crate::ui::ProgressBar value=Signal::derive(|| None) label=Signal::derive(move || i18n.t().org.import_uploading.to_string())/>
            })}
        </form>
        <div aria-live="polite" id="import-result">
            {move || outcome.get().map(|o| match o {
                ImportOutcome::NoFile => {
                    view! { <p class="error" role="alert">{move || i18n.t().org.import_pick_file}</p> }.into_any()
                }
                ImportOutcome::Failed(e) => view! { <ErrorBox err=e/> }.into_any(),
                ImportOutcome::Done(r, _) if !r.errors.is_empty() || !r.ok => {
                    let n = r.errors.len() as i64;
                    view! {
                        <section class="card rejected" id="import-errors">
                            <p class="error" role="alert">{move || (i18n.t().org.import_rejected)(&i18n.num(n))}</p>
                            <table class="rows">
                                <thead>
                                    <tr>
                                        <th scope="col">{move || i18n.t().org.import_col_row}</th>
                                        <th scope="col">{move || i18n.t().org.import_col_column}</th>
                                        <th scope="col">{move || i18n.t().org.import_col_reason}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {r.errors
                                        .into_iter()
                                        .map(|e| view! {
                                            <tr>
                                                <td>
                                                    {if e.row > 0 {
                                                        e.row.to_string().into_any()
                                                    } else {
                                                        view! { {move || i18n.t().org.import_whole_file} }.into_any()
                                                    }}
                                                </td>
                                                <td>{e.column.unwrap_or_default()}</td>
                                                <td>{e.message}</td>
                                            </tr>
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        </section>
                    }
                    .into_any()
                }
                ImportOutcome::Done(r, dry) => {
                    let staff = r.kind == "staff";
                    view! {
                        <section class="card ok" id="import-summary" role="status">
                            <p>{move || if dry { i18n.t().org.import_checked } else { i18n.t().org.import_done }}</p>
                            <p>
                                {move || {
                                    let kind = if staff { i18n.t().org.import_kind_staff } else { i18n.t().org.import_kind_students };
                                    (i18n.t().org.import_rows)(kind, &i18n.num(r.rows))
                                }}
                            </p>
                            <p>
                                {move || (i18n.t().org.import_summary)(&i18n.num(r.created), &i18n.num(r.updated), &i18n.num(r.unchanged))}
                            </p>
                            {(r.guardians_linked > 0).then(|| view! {
                                <p>{move || (i18n.t().org.import_guardians)(&i18n.num(r.guardians_linked))}</p>
                            })}
                            {(!r.class_mappings.is_empty()).then(|| view! {
                                <p>{move || i18n.t().org.import_class_mappings}</p>
                                <ul class="plain" id="import-class-mappings">
                                    {r.class_mappings
                                        .into_iter()
                                        .map(|m| view! {
                                            <li>{move || (i18n.t().org.import_class_mapping)(&m.written, &m.class_name, &i18n.num(m.rows))}</li>
                                        })
                                        .collect_view()}
                                </ul>
                            })}
                        </section>
                    }
                    .into_any()
                }
            })}
        </div>
    }
}

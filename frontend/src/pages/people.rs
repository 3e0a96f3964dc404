//! The homes of the people who work with students: mentor, head teacher,
//! grade leader, counsellor, plus the parent's and the student's own.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::{self, ApiError};
use crate::i18n::{I18n, use_i18n};
use crate::ops;
use crate::pages::edit::StudentForm;
use crate::pages::tasks::{
    ClassTasks, GradeTaskCounts, RowFacts, StudentTasks, as_of_line, my_students_resource,
    task_rows,
};
use crate::session::use_session;
use crate::ui::{ErrorBox, Page, PageTitle, Pager, PagerFooter, loaded};
use shared::org::Role;

/// One student as lists show them.
pub type StudentRow = ops::students::StudentsStudentsEdgesNode;

const PAGE_SIZE: i64 = 50;

async fn fetch_students(
    class_id: Option<String>,
    search: String,
    after: Option<String>,
) -> Result<Page<StudentRow>, ApiError> {
    let search = Some(search.trim().to_string()).filter(|s| !s.is_empty());
    let data = api::query::<ops::Students>(ops::students::Variables {
        first: Some(PAGE_SIZE),
        after,
        class_id,
        search,
    })
    .await?;
    let conn = data.students;
    Ok(Page {
        nodes: conn.edges.into_iter().map(|e| e.node).collect(),
        next: conn
            .page_info
            .end_cursor
            .filter(|_| conn.page_info.has_next_page),
        total: conn.total_count,
    })
}

/// The server spells gender 男 / 女; shown in the user's language.
fn gender_label(i18n: I18n, g: &str) -> String {
    match g {
        "男" => i18n.t().gender_male.to_string(),
        "女" => i18n.t().gender_female.to_string(),
        "" => i18n.t().none.to_string(),
        other => other.to_string(),
    }
}

/// A searchable, paged list of the students the caller may see (optionally
/// one class); each row opens the student.
#[component]
pub fn StudentList(
    /// Only this class.
    #[prop(optional)]
    class_id: Option<String>,
    /// Which count line to show above the list.
    #[prop(optional)]
    mentor_count: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let pager = Pager::<StudentRow>::new();
    let search = RwSignal::new(String::new());
    let class_for_fetch = class_id.clone();
    let fetch = move |after: Option<String>| {
        fetch_students(class_for_fetch.clone(), search.get_untracked(), after)
    };
    let fetch2 = fetch.clone();
    pager.load(fetch(None), false);
    let more = Callback::new(move |_| pager.load(fetch2(pager.next.get_untracked()), true));
    let fetch3 = fetch.clone();
    let on_search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        pager.load(fetch3(None), false);
    };
    view! {
        <form class="search" role="search" on:submit=on_search>
            <label class="sr-only" for="student-search">{move || i18n.t().org.students_search}</label>
            <input
                id="student-search"
                type="search"
                placeholder=move || i18n.t().org.students_search
                bind:value=search
            />
            <button type="submit" class="btn secondary">{move || i18n.t().search}</button>
        </form>
        <p class="summary" id="student-count">
            {move || {
                pager
                    .total
                    .get()
                    .map(|n| {
                        let n = i18n.num(n);
                        if mentor_count { (i18n.t().org.mentor_count)(&n) } else { (i18n.t().org.total_n)(&n) }
                    })
            }}
        </p>
        {move || {
            (mentor_count && pager.total.get() == Some(0))
                .then(|| view! { <p class="card muted" id="no-students">{move || i18n.t().org.mentor_empty}</p> })
        }}
        <ul class="list" id="student-list">
            <For each=move || pager.items.get() key=|s| s.id.clone() let:s>
                <li>
                    <a class="item link" href=format!("/students/{}", s.id)>
                        <div class="item-main">
                            <span class="name">{s.name.clone()}</span>
                            <span class="meta">
                                {s.class_name.clone()} " · " {s.student_no.clone()}
                            </span>
                        </div>
                        <span class="meta">{move || gender_label(i18n, &s.gender)}</span>
                    </a>
                </li>
            </For>
        </ul>
        <PagerFooter pager=pager more=more/>
    }
}

/// The mentor's home: parents' and students' talk requests first (with a
/// count of those waiting), then my students, each with what is overdue and
/// what is due next this term (the most used screen); the quick log is one
/// tap away (a link at the top leads to it, below the list).
#[component]
pub fn MentorHome() -> impl IntoView {
    let i18n = use_i18n();
    let report = my_students_resource();
    view! {
        <PageTitle title=|t| t.org.mentor_title/>
        <crate::pages::mentoring::MentorTalkRequests/>
        <div class="button-row">
            <button type="button" class="btn primary" id="quick-log-link" on:click=move |_| {
                // The quick log sits below the list: one tap brings it up.
                if let Some(el) = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.get_element_by_id("quick-log"))
                {
                    el.scroll_into_view();
                }
            }>{move || i18n.t().mentoring.quick_log}</button>
            <a class="btn secondary" id="my-record-link" href="/mentor/record">{move || i18n.t().lifecycle.my_record_link}</a>
        </div>
        <crate::pages::care::MyCareActions/>
        {move || match report.get() {
            None => view! { <p class="muted" role="status">{move || i18n.t().loading}</p> }.into_any(),
            Some(Ok(r)) => {
                let n = r.rows.len() as i64;
                view! {
                    <p class="summary" id="student-count">{move || (i18n.t().org.mentor_count)(&i18n.num(n))}</p>
                    {as_of_line(i18n, r.term.clone(), r.as_of.clone())}
                    {if r.rows.is_empty() {
                        view! { <p class="card muted" id="no-students">{move || i18n.t().org.mentor_empty}</p> }.into_any()
                    } else {
                        task_rows(i18n, r.rows, "student-list", RowFacts::Class).into_any()
                    }}
                }
                .into_any()
            }
            // Without task status (no term or policy yet) the students are still listed.
            Some(Err(e)) => view! {
                <ErrorBox err=e retry=Callback::new(move |_| report.refetch())/>
                <StudentList mentor_count=true/>
            }
            .into_any(),
        }}
        <crate::pages::mentoring::QuickLog/>
    }
}

/// One student: the facts, tasks, guardians, the mentoring work, the
/// growth file and the home–school contacts (each for the roles allowed).
#[component]
pub fn StudentDetail() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let editing = RwSignal::new(false);
    let params = use_params_map();
    // The role as a memo: the session may set it again with the same value
    // (on load), which must not rebuild the cards below and lose what the
    // user is typing.
    let role = Memo::new(move |_| session.role.get());
    let my_staff = Memo::new(move |_| {
        session
            .user
            .with(|u| u.as_ref().and_then(|u| u.staff_id.clone()))
    });
    // The classes, to know whether a head teacher leads this student's
    // class (only fetched for head teachers).
    let classes_for_team = LocalResource::new(move || {
        let head = role.get() == Some(Role::HeadTeacher);
        async move {
            if !head {
                return Ok(Vec::new());
            }
            api::query::<ops::Classes>(ops::classes::Variables { grade: None })
                .await
                .map(|d| d.classes)
        }
    });
    let student = LocalResource::new(move || {
        let id = params.with(|p| p.get("id").unwrap_or_default());
        async move {
            api::query::<ops::StudentDetail>(ops::student_detail::Variables { id })
                .await
                .map(|d| d.student)
        }
    });
    view! {
        <button type="button" class="btn ghost back" on:click=move |_| {
            if let Some(h) = web_sys::window().and_then(|w| w.history().ok()) {
                let _ = h.back();
            }
        }>
            "‹ " {move || i18n.t().back}
        </button>
        <PageTitle title=|t| t.org.student_detail_title/>
        {move || {
            let admin = role.get() == Some(Role::SchoolAdmin);
            let id = params.with(|p| p.get("id").unwrap_or_default());
            if !admin {
                return None;
            }
            Some(if editing.get() {
                view! {
                    <StudentForm id=id done=Callback::new(move |saved: bool| {
                        editing.set(false);
                        if saved {
                            student.refetch();
                        }
                    })/>
                }
                    .into_any()
            } else {
                view! {
                    <button type="button" class="btn secondary" id="edit-student" on:click=move |_| editing.set(true)>
                        {move || i18n.t().edit}
                    </button>
                }
                    .into_any()
            })
        }}
        {loaded(student, move |s| {
            let gender = s.gender.clone();
            let mentors = names(s.mentors.iter().map(|m| m.name.clone()));
            view! {
                <section class="card" id="student-card">
                    <h2>{s.name.clone()}</h2>
                    <dl class="facts">
                        <dt>{move || i18n.t().org.student_no}</dt>
                        <dd>{s.student_no.clone()}</dd>
                        <dt>{move || i18n.t().org.student_class}</dt>
                        <dd>{s.class_name.clone()}</dd>
                        <dt>{move || i18n.t().org.student_gender}</dt>
                        <dd>{move || gender_label(i18n, &gender)}</dd>
                        <dt>{move || i18n.t().org.mentors}</dt>
                        <dd>{move || mentors.clone().unwrap_or_else(|| i18n.t().org.no_mentor.to_string())}</dd>
                    </dl>
                </section>
            }
        })}
        // Care first after the facts: a crisis is two taps from the top.
        {loaded(student, move |s| {
            let staff = session.role.get().is_some_and(|r| {
                matches!(r, Role::Mentor | Role::HeadTeacher | Role::GradeLeader | Role::Counsellor)
            });
            staff.then(|| view! { <crate::pages::care::StudentCare student_id=s.id.clone() student_name=s.name.clone()/> })
        })}
        {move || {
            let id = params.with(|p| p.get("id").unwrap_or_default());
            crate::pages::mentoring::student_work(role.get(), id)
        }}
        {move || {
            let id = params.with(|p| p.get("id").unwrap_or_default());
            let s = student.get().and_then(|r| r.ok())?;
            let mentors: Vec<String> = s.mentors.iter().map(|m| m.id.clone()).collect();
            Some(crate::pages::mentoring::growth_card(role.get(), id, &mentors, my_staff.get()))
        }}
        {move || {
            // The mentor's tasks and the guardians' numbers are for staff;
            // a parent (or the student) sees the published growth messages.
            let family = matches!(role.get(), Some(Role::Parent | Role::Student));
            let id = params.with(|p| p.get("id").unwrap_or_default());
            if family {
                view! { <crate::pages::mentoring::PublishedGrowthMessages student_id=id/> }.into_any()
            } else {
                view! { <StudentTasks/> <GuardianContacts/> }.into_any()
            }
        }}
        {move || {
            // The school admin: mid-year mentor change, sensitive flags, trail.
            let id = params.with(|p| p.get("id").unwrap_or_default());
            (role.get() == Some(Role::SchoolAdmin)).then(|| {
                view! { <crate::pages::student_admin::StudentAdminCards student_id=id on_change=Callback::new(move |_| student.refetch())/> }
            })
        }}
        {move || {
            // The growth file: the student's mentors and head teacher write,
            // the school admin reads; nobody else is offered it.
            let id = params.with(|p| p.get("id").unwrap_or_default());
            match role.get() {
                Some(Role::Mentor | Role::HeadTeacher) => Some(
                    view! { <crate::pages::mentoring::GrowthFileCard student_id=id writer=true/> }.into_any(),
                ),
                Some(Role::SchoolAdmin) => Some(
                    view! { <crate::pages::mentoring::GrowthFileCard student_id=id writer=false/> }.into_any(),
                ),
                _ => None,
            }
        }}
        {move || {
            // The head teacher of the student's class may apply for a mentor
            // team (导师团); nobody else is offered it.
            if role.get() != Some(Role::HeadTeacher) {
                return None;
            }
            let me = session.user.with(|u| u.as_ref().and_then(|u| u.staff_id.clone()))?;
            let s = student.get().and_then(|r| r.ok())?;
            let head = classes_for_team.get().and_then(|r| r.ok())?.into_iter().find(|c| c.id == s.class_id)?.head_teacher_id;
            (head == Some(me)).then(|| {
                let mentors: Vec<(String, String)> = s.mentors.iter().map(|m| (m.id.clone(), m.name.clone())).collect();
                view! { <crate::pages::matching::TeamApplication student_id=s.id.clone() mentors=mentors/> }
            })
        }}
        {move || {
            // Home–school contacts: mentors and head teachers see their own
            // students; the admin and the grade leader go by the class.
            let id = params.with(|p| p.get("id").unwrap_or_default());
            match role.get() {
                Some(Role::Mentor | Role::HeadTeacher | Role::Counsellor) => {
                    Some(view! { <crate::pages::mentoring::ContactsCard student_id=id/> }.into_any())
                }
                Some(Role::SchoolAdmin | Role::GradeLeader) => {
                    let class_id = student.get().and_then(|r| r.ok()).map(|s| s.class_id)?;
                    Some(view! { <crate::pages::mentoring::ContactsCard student_id=id class_id=class_id/> }.into_any())
                }
                _ => None,
            }
        }}
    }
}

/// The student's guardians with tap-to-call numbers, shown on request:
/// the read is personal information and is recorded on the server.
#[component]
fn GuardianContacts() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let shown = RwSignal::new(false);
    view! {
        <section class="card" id="guardians">
            <h2>{move || i18n.t().org.guardians}</h2>
            {move || {
                if !shown.get() {
                    return view! {
                        <p class="muted">{move || i18n.t().org.guardians_audited}</p>
                        <button type="button" class="btn secondary" id="show-guardians" on:click=move |_| shown.set(true)>
                            {move || i18n.t().org.guardians_show}
                        </button>
                    }
                    .into_any();
                }
                let student_id = params.with_untracked(|p| p.get("id").unwrap_or_default());
                let guardians = LocalResource::new(move || {
                    let student_id = student_id.clone();
                    async move {
                        api::query::<ops::Guardians>(ops::guardians::Variables { student_id })
                            .await
                            .map(|d| d.guardians)
                    }
                });
                loaded(guardians, move |gs| {
                    if gs.is_empty() {
                        return view! { <p class="muted">{move || i18n.t().org.guardians_none}</p> }.into_any();
                    }
                    view! {
                        <ul class="plain">
                            {gs
                                .into_iter()
                                .map(|g| {
                                    view! {
                                        <li class="term">
                                            <span>
                                                <span class="name">{g.name}</span>
                                                " "
                                                <span class="meta">{g.relation}</span>
                                            </span>
                                            {g.phone.map(|phone| view! {
                                                <a class="btn secondary" href=format!("tel:{phone}")>{phone.clone()}</a>
                                            })}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                    .into_any()
                })
                .into_any()
            }}
        </section>
    }
}

type ClassRow = ops::classes::ClassesClasses;

fn class_list(i18n: I18n, classes: Vec<ClassRow>) -> impl IntoView {
    view! {
        <ul class="list" id="class-list">
            {classes
                .into_iter()
                .map(|c| {
                    let count = c.student_count;
                    let grade = c.grade.to_string();
                    let head = c.head_teacher_name.clone();
                    view! {
                        <li>
                            <a class="item link" href=format!("/classes/{}", c.id)>
                                <div class="item-main">
                                    <span class="name">{c.name.clone()}</span>
                                    <span class="meta">
                                        {move || (i18n.t().org.grade_n)(&grade)} " · "
                                        {move || head.clone().unwrap_or_else(|| i18n.t().org.no_head_teacher.to_string())}
                                    </span>
                                </div>
                                <span class="meta">{move || (i18n.t().org.student_count)(&i18n.num(count))}</span>
                            </a>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

/// The classes (of one grade when `grade` gives one; refetched when it
/// changes).
fn classes_resource(
    grade: impl Fn() -> Option<i64> + Send + Sync + 'static,
) -> LocalResource<Result<Vec<ClassRow>, ApiError>> {
    LocalResource::new(move || {
        let grade = grade();
        async move {
            api::query::<ops::Classes>(ops::classes::Variables { grade })
                .await
                .map(|d| d.classes)
        }
    })
}

/// One class and its students.
#[component]
pub fn ClassDetail() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let classes = classes_resource(|| None);
    move || {
        let id = params.with(|p| p.get("id").unwrap_or_default());
        let title = classes
            .get()
            .and_then(|r| r.ok())
            .and_then(|cs| cs.into_iter().find(|c| c.id == id))
            .map(|c| c.name);
        view! {
            <h1 class="page-title">{move || title.clone().unwrap_or_else(|| i18n.t().org.class_students.to_string())}</h1>
            <div class="paper-actions">
                <crate::pages::paper::PaperButton kind="CLASS_LETTERS" subject=id.clone() label=|t| t.paper.class_letters id="class-letters"/>
                <crate::pages::paper::PaperButton kind="CONTACT_LOG" subject=id.clone() label=|t| t.paper.contacts_export id="export-contacts"/>
            </div>
            <StudentList class_id=id/>
        }
    }
}

/// The grade leader's home: the classes of the grade, task completion,
/// growth messages waiting for review and the grade's mentors.
#[component]
pub fn GradeHome() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    // Tracked: right after signing in the grades arrive with `me`, possibly
    // after the page first renders (then every class would be listed).
    let grade = Memo::new(move |_| {
        session
            .user
            .with(|u| u.as_ref().and_then(|u| u.grades.first().copied()))
    });
    let classes = classes_resource(move || grade.get());
    view! {
        <PageTitle title=|t| t.org.grade_title/>
        <p class="hint">{move || i18n.t().org.grade_intro}</p>
        {loaded(classes, move |cs| class_list(i18n, cs))}
        <GradeTaskCounts/>
        <a class="item link card" id="review-link" href="/review">
            <span class="name">{move || i18n.t().training.review_link}</span>
            <span aria-hidden="true">"›"</span>
        </a>
        <crate::pages::mentoring::GrowthReviewList/>
        <crate::pages::mentoring::GradeMentors/>
        <crate::pages::care::GradeCare/>
    }
}

/// The grade leader's students.
#[component]
pub fn GradeStudents() -> impl IntoView {
    view! {
        <PageTitle title=|t| t.org.students_title/>
        <StudentList/>
    }
}

/// The head teacher's home: my class(es) and their students.
#[component]
pub fn MyClass() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let classes = classes_resource(|| None);
    let search_open = RwSignal::new(false);
    view! {
        <PageTitle title=|t| t.org.my_class_title/>
        <a class="item link card" id="review-link" href="/review">
            <span class="name">{move || i18n.t().training.review_link}</span>
            <span aria-hidden="true">"›"</span>
        </a>
        <crate::pages::mentoring::GrowthReviewList/>
        {loaded(classes, move |cs| {
            // The classes whose head teacher is the signed-in teacher.
            // Tracked: right after signing in the staff id arrives with `me`,
            // possibly after the classes.
            let me = session.user.with(|u| u.as_ref().and_then(|u| u.staff_id.clone()));
            let cs: Vec<ClassRow> = cs
                .into_iter()
                .filter(|c| me.is_some() && c.head_teacher_id == me)
                .collect();
            if cs.is_empty() {
                return view! { <p class="card muted">{move || i18n.t().org.my_class_none}</p> }.into_any();
            }
            let first = cs[0].id.clone();
            let single = cs.len() == 1;
            view! {
                {class_list(i18n, cs)}
                {single.then(|| view! {
                    <div class="paper-actions">
                        <crate::pages::paper::PaperButton kind="CLASS_LETTERS" subject=first.clone() label=|t| t.paper.class_letters id="class-letters"/>
                        <crate::pages::paper::PaperButton kind="CONTACT_LOG" subject=first.clone() label=|t| t.paper.contacts_export id="export-contacts"/>
                    </div>
                    <ClassTasks class_id=first.clone()/>
                    // Finding a student by name: folded, the class view above lists them all.
                    <details class="more" id="class-search" on:toggle=move |_| search_open.set(true)>
                        <summary>{move || i18n.t().org.class_students}</summary>
                        // Loaded when first opened.
                        {move || search_open.get().then(|| view! { <StudentList class_id=first.clone()/> })}
                    </details>
                })}
            }
            .into_any()
        })}
    }
}

fn students_once() -> LocalResource<Result<Page<StudentRow>, ApiError>> {
    LocalResource::new(|| fetch_students(None, String::new(), None))
}

/// Joins names for display (None when there are none).
fn names(it: impl Iterator<Item = String>) -> Option<String> {
    let v: Vec<String> = it.collect();
    (!v.is_empty()).then(|| v.join("、"))
}

/// The students as cards; a parent's cards open the child's page.
fn student_cards(i18n: I18n, page: Page<StudentRow>, open: bool) -> impl IntoView {
    page.nodes
        .into_iter()
        .map(|s| {
            let mentors = names(s.mentors.iter().map(|m| m.name.clone()));
            let facts = view! {
                <h2>{s.name.clone()}</h2>
                <dl class="facts">
                    <dt>{move || i18n.t().org.student_class}</dt>
                    <dd>{s.class_name.clone()}</dd>
                    <dt>{move || i18n.t().org.student_no}</dt>
                    <dd>{s.student_no.clone()}</dd>
                    <dt>{move || i18n.t().org.mentors}</dt>
                    <dd class="mentor-names">
                        {move || mentors.clone().unwrap_or_else(|| i18n.t().org.no_mentor.to_string())}
                    </dd>
                </dl>
            };
            if open {
                view! {
                    <a class="card student-card card-link" href=format!("/students/{}", s.id)>
                        {facts}
                        <span class="more-link">{move || i18n.t().org.open_child} " ›"</span>
                    </a>
                }
                .into_any()
            } else {
                view! { <section class="card student-card">{facts}</section> }.into_any()
            }
        })
        .collect_view()
}

/// The parent's home: my child and the mentor.
#[component]
pub fn ParentHome() -> impl IntoView {
    let i18n = use_i18n();
    let children = students_once();
    view! {
        <PageTitle title=|t| t.org.parent_title/>
        {loaded(children, move |page| {
            if page.nodes.is_empty() {
                view! { <p class="card muted">{move || i18n.t().org.parent_empty}</p> }.into_any()
            } else {
                student_cards(i18n, page, true).into_any()
            }
        })}
        <a class="item link card" id="surveys-link" href="/surveys">
            <span class="name">{move || i18n.t().lifecycle.surveys_link}</span>
            <span aria-hidden="true">"›"</span>
        </a>
        <crate::pages::mentoring::PublishedGrowthMessages/>
        <crate::pages::paper::ChildLetters/>
        <crate::pages::mentoring::TalkRequestForm/>
    }
}

/// The student's home: my mentor.
#[component]
pub fn StudentHome() -> impl IntoView {
    let i18n = use_i18n();
    let me = students_once();
    view! {
        <PageTitle title=|t| t.org.student_home_title/>
        {loaded(me, move |page| {
            // The mentors on record, once: the matching card names them and
            // explains how they were matched.
            let assigned: Vec<String> = page
                .nodes
                .first()
                .map(|s| s.mentors.iter().map(|m| m.name.clone()).collect())
                .unwrap_or_default();
            view! {
                {student_cards(i18n, page, false)}
                <crate::pages::matching::StudentMatching assigned=assigned/>
            }
        })}
        <a class="item link card" id="surveys-link" href="/surveys">
            <span class="name">{move || i18n.t().lifecycle.surveys_link}</span>
            <span aria-hidden="true">"›"</span>
        </a>
        <crate::pages::mentoring::PublishedGrowthMessages/>
        <crate::pages::mentoring::SelfReport/>
        <crate::pages::mentoring::TalkRequestForm/>
    }
}

//! The 三个一 task status: the mentor's students (what is due next, what is
//! overdue), one student's requirements, a class for its head teacher, and
//! counts by requirement kind.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api;
use crate::i18n::{I18n, use_i18n};
use crate::ops;
use crate::ui::loaded;

/// One requirement as the lists show it.
#[derive(Debug, Clone, PartialEq)]
pub struct Req {
    /// GraphQL spelling of the kind.
    pub kind: String,
    /// Label in Chinese (from the server).
    pub label_zh: String,
    /// Label in English (from the server).
    pub label_en: String,
    /// Last day of its window.
    pub due: String,
    /// Due within the policy's horizon (临近截止).
    pub soon: bool,
}

/// One student's task summary.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskRow {
    /// Student id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Class name.
    pub class_name: String,
    /// The due requirement closing first.
    pub next: Option<Req>,
    /// Overdue requirements.
    pub overdue: Vec<Req>,
    /// Requirements done.
    pub done: i64,
    /// The student's current mentors.
    pub mentors: Vec<String>,
    /// The day of the last recorded activity with the student.
    pub last_contact: Option<String>,
}

/// Who is shown on each row of [`task_rows`] besides the tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowFacts {
    /// The mentor's own list: the class only.
    Class,
    /// A head teacher's class: the mentor and the last contact.
    MentorAndContact,
}
#[derive(Debug, Clone, PartialEq)]
pub struct KindRow {
    /// GraphQL spelling of the kind.
    pub kind: String,
    /// Done.
    pub done: i64,
    /// Due.
    pub due: i64,
    /// Overdue.
    pub overdue: i64,
    /// Students the kind applies to.
    pub students: i64,
    /// Students with every period done.
    pub students_done: i64,
    /// Students with a period overdue.
    pub students_overdue: i64,
    /// Students on track, whole percent.
    pub on_track_percent: Option<i64>,
}

macro_rules! req_from {
    ($m:ident :: $t:ident) => {
        impl From<ops::$m::$t> for Req {
            fn from(r: ops::$m::$t) -> Req {
                Req {
                    kind: r.kind.0,
                    label_zh: r.label_zh,
                    label_en: r.label_en,
                    due: r.window.to,
                    soon: r.due_soon,
                }
            }
        }
    };
}
req_from!(my_students_tasks::MyStudentsTasksMyStudentsTasksStudentsNextDue);
req_from!(my_students_tasks::MyStudentsTasksMyStudentsTasksStudentsOverdue);
req_from!(class_tasks::ClassTasksClassTasksStudentsNextDue);
req_from!(class_tasks::ClassTasksClassTasksStudentsOverdue);

macro_rules! row_from {
    ($m:ident :: $t:ident) => {
        impl From<ops::$m::$t> for TaskRow {
            fn from(s: ops::$m::$t) -> TaskRow {
                TaskRow {
                    id: s.student_id,
                    name: s.student_name,
                    class_name: s.class_name,
                    next: s.next_due.map(Req::from),
                    overdue: s.overdue.into_iter().map(Req::from).collect(),
                    done: s.done_count,
                    mentors: s.mentor_names,
                    last_contact: s.last_contact_on,
                }
            }
        }
    };
}
row_from!(my_students_tasks::MyStudentsTasksMyStudentsTasksStudents);
row_from!(class_tasks::ClassTasksClassTasksStudents);

macro_rules! kind_from {
    ($m:ident :: $t:ident) => {
        impl From<ops::$m::$t> for KindRow {
            fn from(k: ops::$m::$t) -> KindRow {
                KindRow {
                    kind: k.kind.0,
                    done: k.done,
                    due: k.due,
                    overdue: k.overdue,
                    students: k.students,
                    students_done: k.students_done,
                    students_overdue: k.students_overdue,
                    on_track_percent: k.on_track_percent,
                }
            }
        }
    };
}
kind_from!(class_tasks::ClassTasksClassTasksCountsByKind);
kind_from!(school_task_counts::SchoolTaskCountsSchoolTaskCountsCountsByKind);
kind_from!(school_task_counts::SchoolTaskCountsSchoolTaskCountsByGradeCountsByKind);

/// A report's students and the line naming its term and day.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// Term name.
    pub term: String,
    /// The day judged.
    pub as_of: String,
    /// Per student.
    pub rows: Vec<TaskRow>,
}

/// The mentor's students with their tasks.
pub fn my_students_resource() -> LocalResource<Result<Report, api::ApiError>> {
    LocalResource::new(|| {
        // Refetch when an outbox entry is recorded: the cards follow the log.
        crate::outbox::track();
        async {
            let r = api::query::<ops::MyStudentsTasks>(ops::my_students_tasks::Variables)
                .await?
                .my_students_tasks;
            Ok(Report {
                term: r.term_name,
                as_of: r.as_of,
                rows: r.students.into_iter().map(TaskRow::from).collect(),
            })
        }
    })
}

fn label(i18n: I18n, r: &Req) -> String {
    i18n.pick(&r.label_zh, &r.label_en).to_string()
}

/// The line "term, as of day".
pub fn as_of_line(i18n: I18n, term: String, as_of: String) -> impl IntoView {
    view! {
        <p class="summary tasks-term">{move || (i18n.t().tasks.tasks_as_of)(&term, &i18n.date(&as_of))}</p>
    }
}

/// Students, each with what is overdue and what is due next; a row opens the
/// student. `list_id` names the list (tests and styling).
pub fn task_rows(
    i18n: I18n,
    rows: Vec<TaskRow>,
    list_id: &'static str,
    facts: RowFacts,
) -> impl IntoView {
    view! {
        <ul class="list" id=list_id>
            {rows
                .into_iter()
                .map(|s| {
                    let overdue = s.overdue.clone();
                    let next = s.next.clone();
                    let done = s.done;
                    let all_clear = overdue.is_empty() && next.is_none();
                    view! {
                        <li>
                            <a class="item link student-tasks" href=format!("/students/{}", s.id)>
                                <div class="item-main">
                                    <span class="name">{s.name.clone()}</span>
                                    {match facts {
                                        RowFacts::Class => view! { <span class="meta">{s.class_name.clone()}</span> }.into_any(),
                                        RowFacts::MentorAndContact => {
                                            let mentors = s.mentors.join("、");
                                            let last = s.last_contact.clone();
                                            view! {
                                                <span class="meta row-mentor">
                                                    {move || if mentors.is_empty() { i18n.t().org.no_mentor.to_string() } else { (i18n.t().tasks.mentor_is)(&mentors) }}
                                                </span>
                                                <span class="meta row-contact">
                                                    {move || match &last {
                                                        Some(d) => (i18n.t().tasks.last_contact)(&i18n.date(d)),
                                                        None => i18n.t().tasks.no_contact.to_string(),
                                                    }}
                                                </span>
                                            }
                                            .into_any()
                                        }
                                    }}
                                    {(!overdue.is_empty()).then(|| {
                                        let n = overdue.len() as i64;
                                        let labels = overdue.clone();
                                        view! {
                                            <span class="task-line overdue">
                                                <span class="tag overdue">{move || (i18n.t().tasks.overdue_n)(&i18n.num(n))}</span>
                                                " "
                                                {move || labels.iter().map(|r| label(i18n, r)).collect::<Vec<_>>().join("、")}
                                            </span>
                                        }
                                    })}
                                    {next.map(|r| {
                                        let due = r.due.clone();
                                        // Only a window closing within the policy's horizon is flagged.
                                        let (line, tag) = if r.soon {
                                            ("task-line due", "tag due")
                                        } else {
                                            ("task-line open", "tag open")
                                        };
                                        let soon = r.soon;
                                        view! {
                                            <span class=line>
                                                <span class=tag>{move || if soon { i18n.t().tasks.due_soon } else { i18n.t().tasks.next_due }}</span>
                                                " "
                                                {move || label(i18n, &r)}
                                                " · "
                                                <span class="nowrap">{move || (i18n.t().tasks.due_by)(&i18n.date(&due))}</span>
                                            </span>
                                        }
                                    })}
                                    {all_clear.then(|| view! {
                                        <span class="task-line ok">{move || i18n.t().tasks.nothing_due}</span>
                                    })}
                                </div>
                                <span class="meta nowrap">{move || (i18n.t().tasks.done_n)(&i18n.num(done))}</span>
                            </a>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

/// A table of counts per requirement kind, by **students** (never a sum of
/// periods read as people): how many the kind applies to, how many have it
/// all done, how many have something overdue, and the share on track. For
/// monthly kinds a line under the name gives the periods ("按月/次").
pub fn kind_table(i18n: I18n, kinds: Vec<KindRow>) -> impl IntoView {
    view! {
        <table class="rows counts">
            <thead>
                <tr>
                    <th scope="col">{move || i18n.t().tasks.col_task}</th>
                    <th scope="col" class="num">{move || i18n.t().tasks.col_students}</th>
                    <th scope="col" class="num">{move || i18n.t().tasks.col_students_done}</th>
                    <th scope="col" class="num">{move || i18n.t().tasks.col_students_overdue}</th>
                    <th scope="col" class="num">{move || i18n.t().tasks.col_on_track}</th>
                </tr>
            </thead>
            <tbody>
                {kinds
                    .into_iter()
                    // A kind the policy does not require here says nothing.
                    .filter(|k| k.students > 0)
                    .map(|k| {
                        let kind = k.kind.clone();
                        let cls = if k.students_overdue > 0 { "num bad" } else { "num" };
                        let periods = k.done + k.due + k.overdue;
                        // Periods differ from students only for monthly kinds.
                        let line = (periods > k.students).then(|| {
                            let (d, t, o) = (k.done, periods, k.overdue);
                            view! {
                                <span class="meta periods">
                                    {move || (i18n.t().tasks.periods_line)(&i18n.num(d), &i18n.num(t), &i18n.num(o))}
                                </span>
                            }
                        });
                        let pct = k.on_track_percent;
                        view! {
                            <tr data-kind=k.kind.clone()>
                                <th scope="row">
                                    {move || i18n.t().tasks.req_kind(&kind)}
                                    {line}
                                </th>
                                <td class="num students">{move || i18n.num(k.students)}</td>
                                <td class="num students-done">{move || i18n.num(k.students_done)}</td>
                                <td class=format!("{cls} students-overdue")>{move || i18n.num(k.students_overdue)}</td>
                                <td class="num on-track">
                                    {move || pct.map(|p| (i18n.t().tasks.percent)(&i18n.num(p))).unwrap_or_default()}
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

/// The mentor's term tasks, overdue first then due, across students.
#[component]
pub fn TasksPage() -> impl IntoView {
    let i18n = use_i18n();
    let report = my_students_resource();
    view! {
        <h1 class="page-title">{move || i18n.t().org.tasks_title}</h1>
        <crate::pages::care::MyCareActions/>
        {loaded(report, move |r| {
            let mut overdue: Vec<(String, String, Req)> = Vec::new();
            let mut due: Vec<(String, String, Req)> = Vec::new();
            let mut later: Vec<(String, String, Req)> = Vec::new();
            for s in &r.rows {
                for o in &s.overdue {
                    overdue.push((s.id.clone(), s.name.clone(), o.clone()));
                }
                if let Some(n) = &s.next {
                    let list = if n.soon { &mut due } else { &mut later };
                    list.push((s.id.clone(), s.name.clone(), n.clone()));
                }
            }
            overdue.sort_by(|a, b| a.2.due.cmp(&b.2.due));
            due.sort_by(|a, b| a.2.due.cmp(&b.2.due));
            later.sort_by(|a, b| a.2.due.cmp(&b.2.due));
            let empty = overdue.is_empty() && due.is_empty() && later.is_empty();
            let section = move |title: fn(&crate::i18n::Tr) -> &'static str, id: &'static str, items: Vec<(String, String, Req)>, cls: &'static str| {
                (!items.is_empty()).then(|| view! {
                    <h2 class="section-title">{move || title(i18n.t())}</h2>
                    <ul class="list" id=id>
                        {items
                            .into_iter()
                            .map(|(sid, name, r)| {
                                let due = r.due.clone();
                                view! {
                                    <li>
                                        <a class="item link" href=format!("/students/{sid}")>
                                            <div class="item-main">
                                                <span class="name">{name}</span>
                                                <span class=format!("task-line {cls}")>{move || label(i18n, &r)}</span>
                                            </div>
                                            <span class="meta nowrap">{move || (i18n.t().tasks.due_by)(&i18n.date(&due))}</span>
                                        </a>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                })
            };
            view! {
                {as_of_line(i18n, r.term.clone(), r.as_of.clone())}
                {empty.then(|| view! { <p class="card muted">{move || i18n.t().tasks.tasks_all_clear}</p> })}
                {section(|t| t.tasks.tasks_overdue_title, "overdue-list", overdue, "overdue")}
                {section(|t| t.tasks.tasks_due_title, "due-list", due, "due")}
                {section(|t| t.tasks.tasks_later_title, "later-list", later, "open")}
            }
        })}
    }
}

/// One student's requirements this term (on the student page).
#[component]
pub fn StudentTasks() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let report = LocalResource::new(move || {
        let student_id = params.with(|p| p.get("id").unwrap_or_default());
        // Refetch when an outbox entry is recorded: the card follows the log.
        crate::outbox::track();
        async move {
            api::query::<ops::StudentTasks>(ops::student_tasks::Variables { student_id })
                .await
                .map(|d| d.student_tasks)
        }
    });
    view! {
        <section class="card" id="student-tasks">
            <h2>{move || i18n.t().org.tasks_title}</h2>
            {loaded(report, move |r| {
                let reqs = r.students.into_iter().next().map(|s| s.requirements).unwrap_or_default();
                view! {
                    {as_of_line(i18n, r.term_name.clone(), r.as_of.clone())}
                    <ul class="plain reqs">
                        {reqs
                            .into_iter()
                            .map(|q| {
                                let status = q.status.0.clone();
                                let soon = q.due_soon;
                                // Due, but not within the policy's horizon: open, not flagged.
                                let cls = if status == "DUE" && !soon {
                                    "tag open".to_string()
                                } else {
                                    format!("tag {}", status.to_ascii_lowercase().replace('_', "-"))
                                };
                                let (from, to) = (q.window.from.clone(), q.window.to.clone());
                                let suggested = q.suggested_window.clone();
                                let na = q.not_applicable_reason.clone();
                                let (required, counted) = (q.required, q.counted);
                                let leads = q.head_teacher_leads;
                                view! {
                                    <li class="req">
                                        <div class="req-head">
                                            <span class="name">{move || i18n.pick(&q.label_zh, &q.label_en).to_string()}</span>
                                            <span class=cls.clone()>{move || if soon { i18n.t().tasks.due_soon } else { i18n.t().tasks.status(&status) }}</span>
                                        </div>
                                        <span class="meta">
                                            {move || (i18n.t().tasks.window_range)(&i18n.date(&from), &i18n.date(&to))}
                                            " · "
                                            {move || (i18n.t().tasks.counted_of)(&i18n.num(counted), &i18n.num(required))}
                                        </span>
                                        {suggested.map(|w| view! {
                                            <span class="meta">
                                                {move || (i18n.t().tasks.suggested_window)(&(i18n.t().tasks.window_range)(&i18n.date(&w.from), &i18n.date(&w.to)))}
                                            </span>
                                        })}
                                        {leads.then(|| view! { <span class="meta">{move || i18n.t().tasks.head_teacher_leads}</span> })}
                                        {na.map(|n| view! { <span class="meta">{move || i18n.t().tasks.na_reason(&n.0)}</span> })}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
            })}
        </section>
    }
}

/// A class's task status: counts per kind, then each student with their
/// mentor, last contact and open items; a switch narrows the list to the
/// students with something overdue.
#[component]
pub fn ClassTasks(
    /// The class.
    class_id: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let only_overdue = RwSignal::new(false);
    let report = LocalResource::new(move || {
        let class_id = class_id.clone();
        async move {
            api::query::<ops::ClassTasks>(ops::class_tasks::Variables { class_id })
                .await
                .map(|d| d.class_tasks)
        }
    });
    view! {
        <section id="class-tasks">
            <h2 class="section-title">{move || i18n.t().tasks.class_tasks_title}</h2>
            {loaded(report, move |r| {
                let total = r.counts.students;
                let with_overdue = r.counts.students_with_overdue;
                let kinds: Vec<KindRow> = r.counts.by_kind.into_iter().map(KindRow::from).collect();
                let rows: Vec<TaskRow> = r.students.into_iter().map(TaskRow::from).collect();
                view! {
                    {as_of_line(i18n, r.term_name.clone(), r.as_of.clone())}
                    <p class="summary">
                        {move || (i18n.t().tasks.counts_students)(&i18n.num(total))} " · "
                        {move || (i18n.t().tasks.counts_overdue)(&i18n.num(with_overdue))}
                    </p>
                    <div class="card scroll-x">{kind_table(i18n, kinds)}</div>
                    <label class="chip" class:on=move || only_overdue.get()>
                        <input type="checkbox" id="only-overdue" prop:checked=move || only_overdue.get()
                            on:change=move |ev| only_overdue.set(event_target_checked(&ev))/>
                        <span>{move || (i18n.t().tasks.only_overdue)(&i18n.num(with_overdue))}</span>
                    </label>
                    {move || {
                        let shown: Vec<TaskRow> = rows
                            .iter()
                            .filter(|s| !only_overdue.get() || !s.overdue.is_empty())
                            .cloned()
                            .collect();
                        if shown.is_empty() {
                            return view! { <p class="card muted" id="class-none-overdue">{move || i18n.t().tasks.none_overdue}</p> }.into_any();
                        }
                        task_rows(i18n, shown, "class-task-list", RowFacts::MentorAndContact).into_any()
                    }}
                }
            })}
        </section>
    }
}

/// The task status of the grade leader's grades, as counts.
#[component]
pub fn GradeTaskCounts() -> impl IntoView {
    let i18n = use_i18n();
    let counts = LocalResource::new(|| async {
        api::query::<ops::SchoolTaskCounts>(ops::school_task_counts::Variables)
            .await
            .map(|d| d.school_task_counts)
    });
    view! {
        <section id="grade-tasks">
            <h2 class="section-title">{move || i18n.t().org.tasks_title}</h2>
            {loaded(counts, move |schools| {
                schools
                    .into_iter()
                    .flat_map(|s| {
                        let term = s.term_name.clone().unwrap_or_default();
                        s.by_grade.into_iter().map(move |g| (term.clone(), g))
                    })
                    .map(|(term, g)| {
                        let grade = g.grade.to_string();
                        let total = g.counts.students;
                        let overdue = g.counts.students_with_overdue;
                        let kinds: Vec<KindRow> = g.counts.by_kind.into_iter().map(KindRow::from).collect();
                        view! {
                            <section class="card">
                                <h3>{move || (i18n.t().org.grade_n)(&grade)}</h3>
                                <p class="meta">{term}</p>
                                <p class="summary">
                                    {move || (i18n.t().tasks.counts_students)(&i18n.num(total))} " · "
                                    {move || (i18n.t().tasks.counts_overdue)(&i18n.num(overdue))}
                                </p>
                                <div class="scroll-x">{kind_table(i18n, kinds)}</div>
                            </section>
                        }
                    })
                    .collect_view()
            })}
        </section>
    }
}

//! Mentor training and reviewers' views: the school admin's courses,
//! sessions and attendance (desktop), a teacher's own training record (on
//! their record page, phone), and the head teacher's or grade leader's views
//! of mentors within the review window (phone), with the grade leader's view
//! of their grade's published results.

use leptos::prelude::*;
use shared::org::Role;

use crate::api::{self, ApiError};
use crate::i18n::use_i18n;
use crate::ops;
use crate::session::use_session;
use crate::ui::{ErrorBox, PageTitle, loaded};

type Course = ops::training_admin::TrainingAdminTrainingCourses;
type Teacher = ops::training_admin::TrainingAdminStaffEdgesNode;

/// One session's attendance form: a checkbox per teacher.
#[component]
fn SessionAttendance(
    session: ops::training_admin::TrainingAdminTrainingCoursesSessions,
    teachers: Vec<Teacher>,
) -> impl IntoView {
    let i18n = use_i18n();
    let open = RwSignal::new(false);
    let present = RwSignal::new(session.present.clone());
    let count = RwSignal::new(session.present.len());
    let error = RwSignal::new(None::<ApiError>);
    let saved = RwSignal::new(false);
    let sid = session.id.clone();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let vars = ops::record_training_attendance::Variables {
            session_id: sid.clone(),
            present: present.get_untracked(),
        };
        error.set(None);
        saved.set(false);
        leptos::task::spawn_local(async move {
            let r = api::query::<ops::RecordTrainingAttendance>(vars).await;
            if error.is_disposed() {
                return;
            }
            match r {
                Ok(d) => {
                    count.set(d.record_training_attendance.present.len());
                    saved.set(true);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let id = session.id.clone();
    view! {
        <li class="item session" data-date=session.on.clone()>
            <div class="item-main">
                <span class="name">{session.on.clone()} " · " {session.topic.clone()}</span>
                <span class="meta">{move || (i18n.t().training.present_n)(&count.get().to_string())}</span>
            </div>
            <button type="button" class="btn attendance-open" on:click=move |_| open.update(|o| *o = !*o)>{move || i18n.t().training.attendance}</button>
        </li>
        {move || open.get().then(|| {
            let teachers = teachers.clone();
            view! {
                <form class="card form attendance" id=format!("attendance-{id}") on:submit=save.clone()>
                    <div class="chips">
                        {teachers.into_iter().map(|t| {
                            let tid = t.id.clone();
                            let checked = present.get_untracked().contains(&tid);
                            let toggle = tid.clone();
                            view! {
                                <label class="chip" data-name=t.name.clone()>
                                    <input type="checkbox" value=tid checked=checked on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        present.update(|p| {
                                            p.retain(|x| *x != toggle);
                                            if on {
                                                p.push(toggle.clone());
                                            }
                                        });
                                    }/>
                                    <span>{t.name.clone()}</span>
                                </label>
                            }
                        }).collect_view()}
                    </div>
                    {move || error.get().map(|e| view! { <ErrorBox err=e/> })}
                    {move || saved.get().then(|| view! { <p class="notice attendance-saved" role="status">{move || i18n.t().training.saved}</p> })}
                    <button type="submit" class="btn primary attendance-save">{move || i18n.t().training.save_attendance}</button>
                </form>
            }
        })}
    }
}

/// One course with its schedule form and sessions.
#[component]
fn CourseCard(c: Course, teachers: Vec<Teacher>, changed: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let from = RwSignal::new(String::new());
    let until = RwSignal::new(String::new());
    let topic = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let cid = c.id.clone();
    let schedule = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let vars = ops::schedule_training::Variables {
            course_id: cid.clone(),
            from: from.get_untracked(),
            until: until.get_untracked(),
            topic: Some(topic.get_untracked()),
        };
        error.set(None);
        leptos::task::spawn_local(async move {
            match api::query::<ops::ScheduleTraining>(vars).await {
                Ok(_) => changed.run(()),
                Err(e) => {
                    if !error.is_disposed() {
                        error.set(Some(e));
                    }
                }
            }
        });
    };
    let provider = c.provider.0.clone();
    let cadence = c.cadence.0.clone();
    let required = c.required.then(|| c.sessions_required.to_string());
    let empty = c.sessions.is_empty();
    view! {
        <section class="card course" data-name=c.name.clone()>
            <h2>{c.name.clone()}</h2>
            <p class="meta">
                {move || i18n.t().training.provider(&provider)} " · " {move || i18n.t().training.cadence(&cadence)} " · "
                {move || required.clone().map_or_else(|| i18n.t().training.elective.to_string(), |n| (i18n.t().training.required_n)(&n))}
            </p>
            <form class="form inline schedule" on:submit=schedule>
                <label>{move || i18n.t().training.schedule_from}<input type="date" class="schedule-from" bind:value=from/></label>
                <label>{move || i18n.t().training.schedule_until}<input type="date" class="schedule-until" bind:value=until/></label>
                <input type="text" class="schedule-topic" maxlength="60" bind:value=topic placeholder=move || i18n.t().training.topic aria-label=move || i18n.t().training.topic/>
                <button type="submit" class="btn schedule-save">{move || i18n.t().training.schedule}</button>
            </form>
            {move || error.get().map(|e| view! { <ErrorBox err=e/> })}
            {empty.then(|| view! { <p class="muted">{move || i18n.t().training.no_sessions}</p> })}
            <ul class="list sessions">
                {c.sessions.into_iter().rev().map(|s| view! { <SessionAttendance session=s teachers=teachers.clone()/> }).collect_view()}
            </ul>
        </section>
    }
}

/// The school admin's training courses, sessions and attendance.
#[component]
pub fn TrainingAdmin() -> impl IntoView {
    let i18n = use_i18n();
    let data = LocalResource::new(|| async {
        api::query::<ops::TrainingAdmin>(ops::training_admin::Variables { first: Some(500) }).await
    });
    let name = RwSignal::new(String::new());
    let provider = RwSignal::new("SCHOOL".to_string());
    let cadence = RwSignal::new("BIWEEKLY".to_string());
    let required = RwSignal::new(false);
    let sessions = RwSignal::new("1".to_string());
    let error = RwSignal::new(None::<ApiError>);
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let vars = ops::create_training_course::Variables {
            name: name.get_untracked(),
            provider: ops::TrainingProvider(provider.get_untracked()),
            cadence: ops::TrainingCadence(cadence.get_untracked()),
            required: required.get_untracked(),
            sessions_required: sessions.get_untracked().trim().parse().unwrap_or(0),
        };
        error.set(None);
        leptos::task::spawn_local(async move {
            match api::query::<ops::CreateTrainingCourse>(vars).await {
                Ok(_) => {
                    name.set(String::new());
                    data.refetch();
                }
                Err(e) => {
                    if !error.is_disposed() {
                        error.set(Some(e));
                    }
                }
            }
        });
    };
    let changed = Callback::new(move |_| data.refetch());
    view! {
        <PageTitle title=|t| t.training.admin_title/>
        <form class="card form" id="new-course" on:submit=add novalidate=true>
            <h2>{move || i18n.t().training.new_course}</h2>
            <label for="course-name">{move || i18n.t().training.course_name}</label>
            <input id="course-name" type="text" maxlength="60" bind:value=name/>
            <select id="course-provider" bind:value=provider>
                <option value="SCHOOL">{move || i18n.t().training.provider_school}</option>
                <option value="DISTRICT">{move || i18n.t().training.provider_district}</option>
            </select>
            <select id="course-cadence" bind:value=cadence>
                <option value="ONCE">{move || i18n.t().training.cadence_once}</option>
                <option value="WEEKLY">{move || i18n.t().training.cadence_weekly}</option>
                <option value="BIWEEKLY">{move || i18n.t().training.cadence_biweekly}</option>
                <option value="MONTHLY">{move || i18n.t().training.cadence_monthly}</option>
            </select>
            <label class="check"><input id="course-required" type="checkbox" bind:checked=required/>{move || i18n.t().training.required_label}</label>
            <label for="course-sessions">{move || i18n.t().training.sessions_required}</label>
            <input id="course-sessions" type="number" min="1" max="40" bind:value=sessions/>
            {move || error.get().map(|e| view! { <ErrorBox err=e/> })}
            <button type="submit" class="btn primary" id="course-add">{move || i18n.t().training.add_course}</button>
        </form>
        {loaded(data, move |d| {
            let teachers: Vec<Teacher> = d.staff.edges.into_iter().map(|e| e.node).collect();
            view! {
                <div id="courses">
                    {d.training_courses.into_iter().map(|c| view! { <CourseCard c=c teachers=teachers.clone() changed=changed/> }).collect_view()}
                </div>
            }
        })}
    }
}

/// The signed-in teacher's own training record (on their record page).
#[component]
pub fn MyTraining() -> impl IntoView {
    let i18n = use_i18n();
    let rec = LocalResource::new(|| async {
        api::query::<ops::MyTraining>(ops::my_training::Variables)
            .await
            .map(|d| d.training_record)
    });
    view! {
        {loaded(rec, move |r| {
            let Some(r) = r.filter(|r| !r.attended.is_empty() || !r.progress.is_empty()) else {
                return view! { <p class="card muted" id="my-training-empty">{move || i18n.t().training.my_empty}</p> }.into_any();
            };
            view! {
                <section class="card" id="my-training">
                    <h2>{move || i18n.t().training.my_title}</h2>
                    {r.completed_on.clone().map(|d| view! { <p class="summary">{move || (i18n.t().training.completed_on)(&d)}</p> })}
                    {r.probation_ends.clone().map(|d| view! { <p class="notice" id="probation-ends">{move || (i18n.t().training.probation_until)(&d)}</p> })}
                    <ul class="list">
                        {r.progress.into_iter().map(|p| {
                            let line = (i18n.t().training.progress_line)(&p.course, &p.attended.to_string(), &p.required.to_string());
                            view! { <li class="item progress">{line}</li> }
                        }).collect_view()}
                    </ul>
                    <h3>{move || i18n.t().training.attended_title}</h3>
                    <ul class="list" id="my-sessions">
                        {r.attended.into_iter().map(|a| {
                            let provider = a.provider.0.clone();
                            view! {
                                <li class="item">
                                    <div class="item-main">
                                        <span class="name">{a.course.clone()}</span>
                                        <span class="meta">{a.on.clone()} " · " {a.topic.clone()} " · " {move || i18n.t().training.provider(&provider)}</span>
                                    </div>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
            }.into_any()
        })}
    }
}

/// One mentor to review.
#[component]
fn ReviewLine(
    target: ops::review_sheet_page::ReviewSheetPageReviewSheetTargets,
    term_id: String,
    role: String,
    open: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let score = RwSignal::new(
        target
            .mine
            .as_ref()
            .map_or(String::new(), |m| m.score.to_string()),
    );
    let comment = RwSignal::new(
        target
            .mine
            .as_ref()
            .map_or(String::new(), |m| m.comment.clone()),
    );
    let error = RwSignal::new(None::<ApiError>);
    let saved = RwSignal::new(false);
    let sid = target.staff_id.clone();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let vars = ops::review_mentor::Variables {
            term_id: term_id.clone(),
            staff_id: sid.clone(),
            role: ops::ReviewerRole(role.clone()),
            score: score.get_untracked().trim().parse().unwrap_or(0),
            comment: Some(comment.get_untracked()),
        };
        error.set(None);
        saved.set(false);
        leptos::task::spawn_local(async move {
            let r = api::query::<ops::ReviewMentor>(vars).await;
            if error.is_disposed() {
                return;
            }
            match r {
                Ok(_) => saved.set(true),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let name = format!("score-{}", target.staff_id);
    view! {
        <form class="card form review" data-name=target.name.clone() on:submit=save novalidate=true>
            <h2>{target.name.clone()}</h2>
            <p class="meta">{move || (i18n.t().training.students_n)(&target.students.to_string())}</p>
            <fieldset class="chips">
                <legend>{move || i18n.t().training.score}</legend>
                {(1..=5).map(|n| {
                    let v = n.to_string();
                    let checked = score.get_untracked() == v;
                    let set = v.clone();
                    view! {
                        <label class="chip">
                            <input type="radio" name=name.clone() value=v checked=checked disabled=!open on:change=move |_| score.set(set.clone())/>
                            <span>{n}</span>
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <textarea class="review-comment" rows="2" maxlength="200" bind:value=comment disabled=!open placeholder=move || i18n.t().training.comment aria-label=move || i18n.t().training.comment></textarea>
            {move || error.get().map(|e| view! { <ErrorBox err=e/> })}
            {move || saved.get().then(|| view! { <p class="notice review-saved" role="status">{move || i18n.t().training.saved}</p> })}
            {open.then(|| view! { <button type="submit" class="btn primary wide review-save">{move || i18n.t().training.save_review}</button> })}
        </form>
    }
}

/// A head teacher's or grade leader's views of mentors for the current term,
/// and the grade leader's view of their grade's published results.
#[component]
pub fn ReviewPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let roles = session
        .user
        .with_untracked(|u| u.as_ref().map(|u| u.roles.clone()).unwrap_or_default());
    let leader = roles.contains(&Role::GradeLeader);
    let role = RwSignal::new(
        if leader {
            "GRADE_LEADER"
        } else {
            "HEAD_TEACHER"
        }
        .to_string(),
    );
    let both = leader && roles.contains(&Role::HeadTeacher);
    let term = LocalResource::new(|| async {
        let d = api::query::<ops::ReviewTerms>(ops::review_terms::Variables).await?;
        let today = js_sys::Date::new_0()
            .to_iso_string()
            .as_string()
            .unwrap_or_default();
        let today = today.get(..10).unwrap_or_default().to_string();
        let mut t = d.terms;
        t.sort_by(|a, b| a.starts_on.cmp(&b.starts_on));
        // The term under way, else the latest that has begun, else the first.
        let pick = t
            .iter()
            .find(|x| x.starts_on <= today && today <= x.ends_on)
            .or_else(|| t.iter().rev().find(|x| x.starts_on <= today))
            .or(t.first())
            .map(|x| x.id.clone());
        Ok::<_, ApiError>(pick)
    });
    let sheet = LocalResource::new(move || {
        let r = role.get();
        async move {
            let Ok(Some(t)) = term.await else {
                return Ok(None);
            };
            api::query::<ops::ReviewSheetPage>(ops::review_sheet_page::Variables {
                term_id: t,
                role: ops::ReviewerRole(r),
            })
            .await
            .map(|d| Some(d.review_sheet))
        }
    });
    let grade = LocalResource::new(move || async move {
        let Ok(Some(t)) = term.await else {
            return Ok(None);
        };
        if !leader {
            return Ok(None);
        }
        api::query::<ops::GradeAssessmentPage>(ops::grade_assessment_page::Variables { term_id: t })
            .await
            .map(|d| d.grade_assessment.map(|g| (g.term_name, g.results)))
    });
    view! {
        <PageTitle title=|t| t.training.review_title/>
        {both.then(|| view! {
            <div class="chips" role="radiogroup">
                <label class="chip"><input type="radio" name="review-role" id="role-grade" checked=true on:change=move |_| role.set("GRADE_LEADER".into())/><span>{move || i18n.t().training.as_grade_leader}</span></label>
                <label class="chip"><input type="radio" name="review-role" id="role-head" on:change=move |_| role.set("HEAD_TEACHER".into())/><span>{move || i18n.t().training.as_head_teacher}</span></label>
            </div>
        })}
        {loaded(sheet, move |s| {
            let Some(s) = s else {
                return view! { <p class="card muted">{move || i18n.t().training.no_targets}</p> }.into_any();
            };
            let open = s.open;
            let opens = s.opens_on.clone();
            let role = s.role.0.clone();
            let term_id = s.term_id.clone();
            let empty = s.targets.is_empty();
            view! {
                <p class="hint" id="review-term">{s.term_name.clone()}</p>
                {(!open).then(|| view! { <p class="notice" id="review-closed">{move || (i18n.t().training.window_closed)(&opens)}</p> })}
                {empty.then(|| view! { <p class="card muted" id="review-empty">{move || i18n.t().training.no_targets}</p> })}
                <div id="review-targets">
                    {s.targets.into_iter().map(|t| view! { <ReviewLine target=t term_id=term_id.clone() role=role.clone() open=open/> }).collect_view()}
                </div>
            }.into_any()
        })}
        {leader.then(|| view! {
            <section class="card" id="grade-results">
                <h2>{move || i18n.t().training.grade_results}</h2>
                {loaded(grade, move |g| match g {
                    None => view! { <p class="muted">{move || i18n.t().training.grade_results_none}</p> }.into_any(),
                    Some((name, rows)) => view! {
                        <p class="meta">{name}</p>
                        <ul class="list">
                            {rows.into_iter().map(|r| {
                                let rating = r.rating.0.clone();
                                view! {
                                    <li class="item">
                                        <div class="item-main">
                                            <span class="name">{r.staff_name.clone()}</span>
                                            <span class="meta">{r.reason.clone()}</span>
                                        </div>
                                        <strong>{move || i18n.t().lifecycle.rating(&rating)}</strong>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                })}
            </section>
        })}
    }
}

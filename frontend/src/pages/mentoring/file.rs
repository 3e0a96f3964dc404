//! The growth file (成长档案) on a student's page — notes by section,
//! monthly observations, exam results shown only as the school's bands —
//! and the home–school contact view.

use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::i18n::{I18n, use_i18n};
use crate::ops;
use crate::ui::{ErrorBox, loaded};

use super::*;

type FileData = ops::growth_file::GrowthFileGrowthFile;
type NoteRow = ops::growth_file::GrowthFileGrowthFileNotes;
type ExamRow = ops::growth_file::GrowthFileGrowthFileExamResults;

/// The sections in the order the file shows them (monthly observations last).
const SECTIONS: [&str; 6] = [
    "FAMILY",
    "PERSONALITY",
    "HABITS",
    "INTERESTS",
    "HEALTH",
    "MONTHLY",
];

/// A student's growth file, opened on request (the read is sensitive and
/// recorded on the server). `writer`: the caller may add notes and exam
/// results (the student's mentor or head teacher); others only read.
#[component]
pub fn GrowthFileCard(
    /// The student.
    student_id: String,
    /// The caller may write to the file.
    writer: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let shown = RwSignal::new(false);
    view! {
        <section class="card growth-file" id="growth-file">
            <h2>{move || i18n.t().file.file_title}</h2>
            {move || {
                if !shown.get() {
                    return view! {
                        <p class="muted">{move || i18n.t().file.file_audited}</p>
                        <button type="button" class="btn secondary" id="show-growth-file" on:click=move |_| shown.set(true)>
                            {move || i18n.t().file.file_show}
                        </button>
                    }
                    .into_any();
                }
                let sid = student_id.clone();
                let file = LocalResource::new(move || {
                    let student_id = sid.clone();
                    async move {
                        api::query::<ops::GrowthFile>(ops::growth_file::Variables { student_id })
                            .await
                            .map(|d| d.growth_file)
                    }
                });
                let changed = Callback::new(move |_| file.refetch());
                let sid = student_id.clone();
                view! {
                    {loaded(file, move |f| file_view(i18n, f))}
                    {writer.then(|| view! {
                        <NoteForm student_id=sid.clone() changed=changed/>
                        <ExamForm student_id=sid.clone() changed=changed/>
                    })}
                }
                .into_any()
            }}
        </section>
    }
}

fn file_view(i18n: I18n, f: FileData) -> impl IntoView {
    let notes = f.notes;
    let sections = SECTIONS
        .iter()
        .map(|&sec| {
            let mine: Vec<NoteRow> = notes
                .iter()
                .filter(|n| n.section.0 == sec)
                .cloned()
                .collect();
            view! {
                <div class="file-section" data-section=sec>
                    <h3>{move || i18n.t().file.section_name(sec)}</h3>
                    {if mine.is_empty() {
                        view! { <p class="muted">{move || i18n.t().file.file_empty_section}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="plain notes">
                                {mine.into_iter().map(|n| note_item(i18n, n)).collect_view()}
                            </ul>
                        }
                        .into_any()
                    }}
                </div>
            }
        })
        .collect_view();
    let display = f.band_scale.display.0.clone();
    let scale: Vec<String> = f.band_scale.bands.into_iter().map(|b| b.label).collect();
    let exams = f.exam_results;
    view! {
        {sections}
        <div class="file-section" id="exam-results">
            <h3>{move || i18n.t().file.exams_title}</h3>
            <p class="hint">{move || i18n.t().file.exams_hint}</p>
            <p class="meta" id="band-scale">
                {move || (i18n.t().file.scale_title)(i18n.t().file.display_name(&display))} "："
                {scale.join(" · ")}
            </p>
            {if exams.is_empty() {
                view! { <p class="muted">{move || i18n.t().file.exams_none}</p> }.into_any()
            } else {
                view! {
                    <ul class="plain exams">
                        {exams.into_iter().map(|e| exam_item(i18n, e)).collect_view()}
                    </ul>
                }
                .into_any()
            }}
        </div>
    }
}

fn note_item(i18n: I18n, n: NoteRow) -> impl IntoView {
    let day = n.created_at.clone();
    let who = n.written_by_name.clone();
    view! {
        <li class="note">
            {n.month.map(|m| view! { <span class="badge">{m}</span> " " })}
            <span class="note-body">{n.body}</span>
            <span class="meta">
                " · " {move || i18n.date(&day)} " · " {move || (i18n.t().file.written_by)(&who)}
            </span>
        </li>
    }
}

fn exam_item(i18n: I18n, e: ExamRow) -> impl IntoView {
    let day = e.taken_on.clone();
    view! {
        <li class="exam" data-band=e.band_code.clone()>
            <div class="item-main">
                <span class="name">{e.subject} " · " {e.exam_name}</span>
                <span class="meta">{move || i18n.date(&day)}</span>
                {e.analysis.map(|a| view! { <span class="summary-text">{a}</span> })}
            </div>
            <span class="badge band">{e.band}</span>
        </li>
    }
}

/// Adds a note to a section (a month for monthly observations).
#[component]
fn NoteForm(student_id: String, changed: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let section = RwSignal::new("MONTHLY".to_string());
    let month = RwSignal::new(this_month());
    let body = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<&'static str>);
    let error = RwSignal::new(None::<ApiError>);
    let saved = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        error.set(None);
        let text = body.get_untracked().trim().to_string();
        let sec = section.get_untracked();
        let m = month.get_untracked().trim().to_string();
        if text.is_empty() {
            problem.set(Some(i18n.t().mentoring.required));
            return;
        }
        if sec == "MONTHLY" && m.is_empty() {
            problem.set(Some(i18n.t().file.note_month_needed));
            return;
        }
        problem.set(None);
        busy.set(true);
        let student_id = student_id.clone();
        leptos::task::spawn_local(async move {
            let r = api::query::<ops::AddGrowthNote>(ops::add_growth_note::Variables {
                student_id,
                month: (sec == "MONTHLY").then_some(m),
                section: ops::GrowthSection(sec),
                body: text,
            })
            .await;
            if busy.is_disposed() {
                return;
            }
            busy.set(false);
            match r {
                Ok(_) => {
                    body.set(String::new());
                    saved.set(true);
                    changed.run(());
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <form class="form file-form" id="note-form" on:submit=on_submit novalidate=true>
            <h3>{move || i18n.t().file.add_note}</h3>
            <label for="note-section">{move || i18n.t().file.section}</label>
            <select id="note-section" prop:value=move || section.get() on:change=move |ev| section.set(event_target_value(&ev))>
                {SECTIONS
                    .iter()
                    .map(|s| view! { <option value=*s>{move || i18n.t().file.section_name(s)}</option> })
                    .collect_view()}
            </select>
            {move || (section.get() == "MONTHLY").then(|| view! {
                <label for="note-month">{move || i18n.t().file.month}</label>
                <input id="note-month" type="month" bind:value=month/>
            })}
            <label for="note-body">{move || i18n.t().file.note_body}</label>
            <textarea id="note-body" rows="3" bind:value=body></textarea>
            {move || problem.get().map(|p| view! { <p class="error" role="alert">{p}</p> })}
            {move || error.get().map(|e| view! { <ErrorBox err=e/> })}
            {move || saved.get().then(|| view! { <p class="notice" role="status" id="note-saved">{move || i18n.t().file.note_saved}</p> })}
            <button type="submit" class="btn primary" id="note-save" disabled=move || busy.get()>
                {move || i18n.t().file.note_save}
            </button>
        </form>
    }
}

/// Records an exam result; the answer (and the file) shows only its band.
#[component]
fn ExamForm(student_id: String, changed: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let subject = RwSignal::new(String::new());
    let exam = RwSignal::new(String::new());
    let taken_on = RwSignal::new(today());
    let score = RwSignal::new(String::new());
    let full = RwSignal::new("100".to_string());
    let analysis = RwSignal::new(String::new());
    let incomplete = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let band = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        band.set(None);
        error.set(None);
        let s = subject.get_untracked().trim().to_string();
        let e = exam.get_untracked().trim().to_string();
        let d = taken_on.get_untracked();
        let sc = score.get_untracked().trim().parse::<f64>().ok();
        let fm = full.get_untracked().trim().parse::<f64>().ok();
        let (Some(sc), Some(fm)) = (sc, fm) else {
            incomplete.set(true);
            return;
        };
        if s.is_empty() || e.is_empty() || d.is_empty() {
            incomplete.set(true);
            return;
        }
        incomplete.set(false);
        busy.set(true);
        let a = analysis.get_untracked().trim().to_string();
        let student_id = student_id.clone();
        leptos::task::spawn_local(async move {
            let r = api::query::<ops::RecordExamResult>(ops::record_exam_result::Variables {
                student_id,
                input: ops::record_exam_result::ExamResultInput {
                    subject: s,
                    exam_name: e,
                    taken_on: d,
                    score: sc,
                    full_marks: fm,
                    analysis: (!a.is_empty()).then_some(a),
                },
            })
            .await;
            if busy.is_disposed() {
                return;
            }
            busy.set(false);
            match r {
                Ok(d) => {
                    // The score leaves the screen once the band is known.
                    score.set(String::new());
                    analysis.set(String::new());
                    band.set(Some(d.record_exam_result.band));
                    changed.run(());
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <form class="form file-form" id="exam-form" on:submit=on_submit novalidate=true>
            <h3>{move || i18n.t().file.record_exam}</h3>
            <label for="exam-subject">{move || i18n.t().file.subject}</label>
            <input id="exam-subject" type="text" maxlength="30" bind:value=subject/>
            <label for="exam-name">{move || i18n.t().file.exam_name}</label>
            <input id="exam-name" type="text" maxlength="60" bind:value=exam/>
            <label for="exam-date">{move || i18n.t().file.taken_on}</label>
            <input id="exam-date" type="date" bind:value=taken_on/>
            <label for="exam-score">{move || i18n.t().file.score}</label>
            <input id="exam-score" type="number" inputmode="decimal" min="0" step="0.5" autocomplete="off" bind:value=score/>
            <label for="exam-full">{move || i18n.t().file.full_marks}</label>
            <input id="exam-full" type="number" inputmode="decimal" min="1" step="1" bind:value=full/>
            <label for="exam-analysis">{move || i18n.t().file.analysis}</label>
            <textarea id="exam-analysis" rows="2" bind:value=analysis></textarea>
            {move || incomplete.get().then(|| view! { <p class="error" role="alert">{move || i18n.t().file.exam_incomplete}</p> })}
            {move || error.get().map(|e| view! { <ErrorBox err=e/> })}
            {move || band.get().map(|b| view! { <p class="notice" role="status" id="exam-saved">{move || (i18n.t().file.exam_saved)(&b)}</p> })}
            <button type="submit" class="btn primary" id="exam-save" disabled=move || busy.get()>
                {move || i18n.t().file.exam_save}
            </button>
        </form>
    }
}

type ContactRow = ops::home_school_contacts::HomeSchoolContactsHomeSchoolContacts;

/// One student's home–school contacts: last contact, how many, in person
/// or not, through which channels, who contacted whom. No private text.
/// `class_id` is given for callers who see the class (admin, grade leader);
/// mentors and head teachers see their own students without it.
#[component]
pub fn ContactsCard(
    /// The student.
    student_id: String,
    /// The student's class, for the admin and the grade leader.
    #[prop(optional)]
    class_id: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let sid = student_id.clone();
    let data = LocalResource::new(move || {
        let (sid, class_id) = (sid.clone(), class_id.clone());
        async move {
            api::query::<ops::HomeSchoolContacts>(ops::home_school_contacts::Variables { class_id })
                .await
                .map(|d| {
                    d.home_school_contacts
                        .into_iter()
                        .find(|c| c.student.id == sid)
                })
        }
    });
    view! {
        <section class="card contacts" id="contacts">
            <h2>{move || i18n.t().file.contacts_title}</h2>
            <p class="hint">{move || i18n.t().file.contacts_hint}</p>
            {loaded(data, move |c| match c {
                Some(c) if c.total > 0 => contact_view(i18n, c).into_any(),
                _ => view! { <p class="muted" id="no-contacts">{move || i18n.t().file.contacts_none}</p> }.into_any(),
            })}
        </section>
    }
}

fn contact_view(i18n: I18n, c: ContactRow) -> impl IntoView {
    let last_day = c.last_contact_at.clone().unwrap_or_default();
    let last_kind = c.last_contact_kind.map(|k| k.0).unwrap_or_default();
    let total = c.total;
    let share = c
        .face_to_face_share
        .map(|s| format!("{}%", (s * 100.0).round() as i64));
    let channels = c.channels;
    let lines = c.contacts;
    view! {
        <dl class="facts" id="contact-facts">
            <dt>{move || i18n.t().file.last_contact}</dt>
            <dd>{move || i18n.date(&local_day(&last_day))} " · " {move || i18n.t().mentoring.kind_name(&last_kind)}</dd>
            <dt>{move || i18n.t().file.total}</dt>
            <dd id="contact-total">{move || (i18n.t().file.times)(&i18n.num(total))}</dd>
            {share.map(|s| view! {
                <dt>{move || i18n.t().file.in_person}</dt>
                <dd>{s}</dd>
            })}
            <dt>{move || i18n.t().file.by_channel}</dt>
            <dd>
                {channels
                    .into_iter()
                    .map(|ch| {
                        let code = ch.channel.0.clone();
                        let n = ch.count;
                        view! {
                            <span class="badge">
                                {move || i18n.t().mentoring.channel_name(&code)} " " {move || i18n.num(n)}
                            </span>
                            " "
                        }
                    })
                    .collect_view()}
            </dd>
        </dl>
        <h3>{move || i18n.t().file.who_whom}</h3>
        <ul class="plain" id="contact-lines">
            {lines
                .into_iter()
                .map(|l| {
                    let n = l.count;
                    view! {
                        <li class="term">
                            <span>{l.staff.name} " (" {l.relation} ") → " {l.whom}</span>
                            <span class="meta">{move || (i18n.t().file.times)(&i18n.num(n))}</span>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

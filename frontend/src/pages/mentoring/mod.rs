//! Mentoring work: the quick log (three taps, offline through the outbox),
//! a student's recent activities, growth messages (the mentor writes, the
//! parent and the student read and print the published ones), the growth
//! file and home–school contacts, talk requests and the student's monthly
//! self-report.

use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::ops;

mod file;
mod growth;
mod log;
mod review;
mod talks;

pub use file::{ContactsCard, GrowthFileCard};
use growth::GrowthEditor;
pub use growth::PublishedGrowthMessages;
use log::ActivityList;
pub use log::QuickLog;
pub use review::{GradeMentors, GrowthReviewList};
pub use talks::{MentorTalkRequests, SelfReport, TalkRequestForm};

/// The kinds the quick log offers, the default first.
const KINDS: [&str; 4] = ["TALK", "HOME_VISIT", "PARENT_CONTACT", "OTHER"];
const CHANNELS: [&str; 4] = ["FACE_TO_FACE", "HOME", "PHONE", "ONLINE"];
const TRIGGERS: [&str; 6] = [
    "BEFORE_EXAM",
    "AFTER_EXAM",
    "LIFE_EVENT",
    "EMOTIONAL_CHANGE",
    "PROGRESS",
    "ROUTINE",
];
const AREAS: [&str; 6] = [
    "IDEAS",
    "PSYCHOLOGICAL",
    "ACADEMIC",
    "LIFE",
    "CAREER",
    "CONDUCT",
];

fn now_iso() -> String {
    js_sys::Date::new_0()
        .to_iso_string()
        .as_string()
        .unwrap_or_default()
}

/// The local (browser) day of an RFC 3339 instant, `YYYY-MM-DD`.
fn local_day(iso: &str) -> String {
    let d = js_sys::Date::new(&iso.into());
    if d.get_time().is_nan() {
        return iso.chars().take(10).collect();
    }
    format!(
        "{:04}-{:02}-{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date()
    )
}

/// An RFC 3339 instant as the browser's local `YYYY-MM-DD HH:MM`.
fn local_time(iso: &str) -> String {
    let d = js_sys::Date::new(&iso.into());
    if d.get_time().is_nan() {
        return iso.chars().take(16).collect();
    }
    format!(
        "{} {:02}:{:02}",
        local_day(iso),
        d.get_hours(),
        d.get_minutes()
    )
}

fn this_month() -> String {
    let d = js_sys::Date::new_0();
    format!("{:04}-{:02}", d.get_full_year(), d.get_month() + 1)
}

fn today() -> String {
    local_day(&now_iso())
}

const STUDENTS_KEY: &str = "daoshi.my-students";

/// The last list of [`my_students`], kept so the quick log works offline
/// (removed on sign-out by the session, overwritten on every load).
fn cached_students() -> Option<Vec<(String, String)>> {
    serde_json::from_str(&crate::storage::get(STUDENTS_KEY)?).ok()
}

/// The students the caller may see, as (id, name) — for a mentor, their
/// mentees; for a parent, their children; for a student, themself. Offline,
/// the last list loaded.
fn my_students() -> LocalResource<Result<Vec<(String, String)>, ApiError>> {
    LocalResource::new(|| async {
        let data = api::query::<ops::Students>(ops::students::Variables {
            first: Some(100),
            after: None,
            class_id: None,
            search: None,
        })
        .await;
        let data = match data {
            Err(ApiError::Network) => return cached_students().ok_or(ApiError::Network),
            other => other?,
        };
        let list: Vec<(String, String)> = data
            .students
            .edges
            .into_iter()
            .map(|e| (e.node.id, e.node.name))
            .collect();
        if let Ok(json) = serde_json::to_string(&list) {
            crate::storage::set(STUDENTS_KEY, &json);
        }
        Ok(list)
    })
}

/// The mentoring parts of a student's page for the student's mentor or
/// head teacher: the quick log, the recent activities and the growth
/// message; nothing for other roles. Works offline (the name comes from the
/// cached list of the mentor's students).
pub fn student_work(role: Option<shared::org::Role>, id: String) -> impl IntoView {
    use shared::org::Role;
    matches!(role, Some(Role::Mentor | Role::HeadTeacher)).then(|| {
        let name = cached_students()
            .and_then(|v| v.into_iter().find(|s| s.0 == id).map(|s| s.1))
            .unwrap_or_default();
        view! {
            <QuickLog student=(id.clone(), name)/>
            <ActivityList student_id=id.clone()/>
        }
    })
}

/// The growth message on a student's page: the student's mentor writes it;
/// a head teacher who is not the student's mentor only reads it (`mentors`
/// are the staff ids of the student's mentors, `me` the caller's).
pub fn growth_card(
    role: Option<shared::org::Role>,
    id: String,
    mentors: &[String],
    me: Option<String>,
) -> impl IntoView + use<> {
    use shared::org::Role;
    let writer = role == Some(Role::Mentor)
        || (role == Some(Role::HeadTeacher) && me.is_some_and(|m| mentors.contains(&m)));
    matches!(role, Some(Role::Mentor | Role::HeadTeacher))
        .then(|| view! { <GrowthEditor student_id=id writer=writer/> })
}

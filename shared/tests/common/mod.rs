//! Fixtures of the task-engine tests: a school year, students, activities
//! and the demo middle school's policy.

#![allow(dead_code)] // each test file uses its own subset

use chrono::NaiveDate;
use shared::activity::{ActivityFact, ActivityKind, Channel, GrowthMessageFact};
use shared::policy::{PolicyRules, presets};
use shared::tasks::*;

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

pub fn year() -> SchoolYear {
    SchoolYear {
        id: "2025".into(),
        terms: vec![
            Term {
                id: "2025-1".into(),
                name: "2025学年第一学期".into(),
                starts_on: d(2025, 9, 1),
                ends_on: d(2026, 1, 23),
            },
            Term {
                id: "2025-2".into(),
                name: "2025学年第二学期".into(),
                starts_on: d(2026, 2, 16),
                ends_on: d(2026, 7, 3),
            },
        ],
        events: vec![
            CalendarEvent {
                kind: EventKind::KeyExam,
                date: d(2025, 11, 10),
                grades: vec![6, 7, 8, 9],
                name: "期中考试".into(),
            },
            CalendarEvent {
                kind: EventKind::KeyExam,
                date: d(2026, 1, 12),
                grades: vec![],
                name: "期末考试".into(),
            },
            CalendarEvent {
                kind: EventKind::KeyExam,
                date: d(2025, 12, 8),
                grades: vec![9],
                name: "九年级模拟考".into(),
            },
            CalendarEvent {
                kind: EventKind::Other,
                date: d(2025, 10, 1),
                grades: vec![],
                name: "国庆".into(),
            },
        ],
    }
}

pub fn student(
    id: &str,
    grade: i32,
    mentors: &[(&str, NaiveDate, Option<NaiveDate>)],
) -> StudentTerm {
    StudentTerm {
        id: id.into(),
        grade,
        lives_in_town: true,
        head_teacher_id: Some("ht".into()),
        assignments: mentors
            .iter()
            .map(|(m, from, until)| Assignment {
                mentor_id: (*m).into(),
                from: *from,
                until: *until,
            })
            .collect(),
        joined_on: None,
    }
}

pub fn act(
    id: &str,
    kind: ActivityKind,
    on: NaiveDate,
    students: &[&str],
    by: &str,
) -> ActivityFact {
    ActivityFact {
        id: id.into(),
        kind,
        occurred_on: on,
        student_ids: students.iter().map(|s| (*s).into()).collect(),
        mentor_id: by.into(),
        with_head_teacher: false,
        trigger: None,
        optional_action: None,
        channel: Channel::FaceToFace,
    }
}

pub fn gm(id: &str, student: &str, by: &str, on: NaiveDate) -> GrowthMessageFact {
    GrowthMessageFact {
        id: id.into(),
        student_id: student.into(),
        mentor_id: by.into(),
        published_on: on,
    }
}

pub fn qinghewan() -> PolicyRules {
    presets::school_pian1_qinghewan("2025-1", d(2025, 9, 1)).rules
}

pub fn find(rows: &[RequirementStatus], kind: RequirementKind) -> &RequirementStatus {
    rows.iter().find(|r| r.kind == kind).unwrap()
}

pub fn status(
    rules: &PolicyRules,
    term: &str,
    acts: &[ActivityFact],
    gms: &[GrowthMessageFact],
    today: NaiveDate,
    s: &StudentTerm,
) -> Vec<RequirementStatus> {
    let y = year();
    let e = TaskEngine::new(rules, &y, term, acts, gms, today).unwrap();
    e.student_statuses(s)
}

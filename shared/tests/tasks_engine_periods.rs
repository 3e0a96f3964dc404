//! The task engine: aggregates against the table, the status JSON, calendar
//! validation, back-dated activities and transfer students.

mod common;

use common::*;
use shared::activity::{ActivityFact, ActivityKind};
use shared::policy::presets;
use shared::tasks::*;

#[test]
fn aggregates_and_table_agree() {
    let r = presets::school_pian2("2025-1", d(2025, 9, 1)).rules;
    let y = year();
    let students: Vec<StudentTerm> = (0..50)
        .map(|i| {
            student(
                &format!("s{i}"),
                10 + i % 3,
                &[(if i % 2 == 0 { "m1" } else { "m2" }, d(2025, 9, 1), None)],
            )
        })
        .chain(std::iter::once(student("none", 11, &[])))
        .collect();
    let acts: Vec<ActivityFact> = (0..50)
        .filter(|i| i % 5 == 0)
        .map(|i| {
            act(
                &format!("a{i}"),
                ActivityKind::ParentContact,
                d(2025, 9, 20),
                &[&format!("s{i}")],
                if i % 2 == 0 { "m1" } else { "m2" },
            )
        })
        .collect();
    let e = TaskEngine::new(&r, &y, "2025-1", &acts, &[], d(2025, 10, 10)).unwrap();
    let c = e.count_by_status(&students);
    assert_eq!(c.students, 51);
    let pc = c.kind(RequirementKind::ParentContact);
    assert_eq!(pc.done, 10);
    assert_eq!(pc.overdue, 41); // September, everyone else
    assert_eq!(c.students_with_overdue, 51); // the home visit window closed for all
    let table = e.evaluate_all(&students);
    assert_eq!(table.row_offsets.len(), 52);
    let mut again = StatusCounts::default();
    for i in 0..students.len() {
        again.add_student(table.student_rows(i));
    }
    assert_eq!(again, c);
    let t = c.total();
    assert_eq!(
        t.done + t.due + t.overdue + t.not_applicable,
        table.rows.len() as u32
    );
    // Unassigned student has no responsible mentor.
    let none = e.student_statuses(students.last().unwrap());
    assert!(none.iter().all(|x| x.responsible_mentor_id.is_none()));
    // Merging counts adds up.
    let mut m = c;
    m.merge(&c);
    assert_eq!(m.students, 102);
}

#[test]
fn status_json_shape_and_errors() {
    let s = TaskStatus::Due {
        window: Window {
            from: d(2025, 9, 1),
            to: d(2025, 9, 30),
        },
    };
    let j = serde_json::to_value(&s).unwrap();
    assert_eq!(
        j,
        serde_json::json!({"status": "DUE", "window": {"from": "2025-09-01", "to": "2025-09-30"}})
    );
    let j = serde_json::to_value(TaskStatus::NotApplicable {
        reason: NotApplicableReason::GradeNotInScope,
    })
    .unwrap();
    assert_eq!(j["reason"], "GRADE_NOT_IN_SCOPE");
    let r = qinghewan();
    let y = year();
    assert_eq!(
        TaskEngine::new(&r, &y, "nope", &[], &[], d(2025, 9, 1)).unwrap_err(),
        EngineError::UnknownTerm("nope".into())
    );
}

#[test]
fn calendar_validation() {
    let mut y = year();
    assert!(y.validate().is_empty());
    assert_eq!(y.term_on(d(2025, 12, 1)).unwrap().id, "2025-1");
    assert!(y.term_on(d(2026, 2, 1)).is_none());
    y.terms[1].starts_on = d(2026, 1, 20);
    y.events[0].grades = vec![13];
    y.terms[0].id = "2025-2".into();
    let p: Vec<String> = y.validate().into_iter().map(|v| v.path).collect();
    assert_eq!(
        p,
        vec!["terms.1.id", "terms.1.starts_on", "events.0.grades"]
    );
}

#[test]
fn a_back_dated_activity_counts_in_the_month_it_happened() {
    let mut r = qinghewan();
    r.tasks.parent_contact.per_month = 1;
    let s = student("s1", 7, &[("m1", d(2025, 9, 1), None)]);
    // Recorded in November, dated in October: October's row, not November's.
    let acts = [act(
        "pc",
        ActivityKind::ParentContact,
        d(2025, 10, 20),
        &["s1"],
        "m1",
    )];
    let rows = status(&r, "2025-1", &acts, &[], d(2025, 11, 5), &s);
    let month = |m: &str| {
        rows.iter()
            .find(|x| x.kind == RequirementKind::ParentContact && x.label_zh.starts_with(m))
            .unwrap()
    };
    assert!(matches!(month("10月").status, TaskStatus::Done { .. }));
    assert!(matches!(month("11月").status, TaskStatus::Due { .. }));
    assert!(matches!(month("9月").status, TaskStatus::Overdue { .. }));
}

#[test]
fn a_transfer_student_owes_nothing_for_periods_before_joining() {
    let mut r = qinghewan();
    r.tasks.parent_contact.per_month = 1;
    let mut s = student("s1", 7, &[("m1", d(2025, 11, 3), None)]);
    s.joined_on = Some(d(2025, 11, 3));
    let rows = status(&r, "2025-1", &[], &[], d(2025, 12, 1), &s);
    // September and October ended before the student came: not applicable.
    for m in ["9月", "10月"] {
        let row = rows
            .iter()
            .find(|x| x.kind == RequirementKind::ParentContact && x.label_zh.starts_with(m))
            .unwrap();
        assert_eq!(
            row.status,
            TaskStatus::NotApplicable {
                reason: NotApplicableReason::JoinedLater
            }
        );
    }
    // The home visit (window in August) is due within the grace days of
    // joining: 14 days, so overdue on Dec 1 …
    assert_eq!(
        find(&rows, RequirementKind::HomeVisit).status,
        TaskStatus::Overdue {
            window: Window {
                from: d(2025, 8, 4),
                to: d(2025, 11, 17)
            }
        }
    );
    // … and done by a visit in those days, even one logged later.
    let visit = [act(
        "hv",
        ActivityKind::HomeVisit,
        d(2025, 11, 12),
        &["s1"],
        "m1",
    )];
    let rows = status(&r, "2025-1", &visit, &[], d(2025, 12, 1), &s);
    let hv = find(&rows, RequirementKind::HomeVisit);
    assert!(matches!(hv.status, TaskStatus::Done { .. }));
    assert_eq!(hv.window.to, d(2025, 11, 17), "the window the student had");
    // A student there from the start is unaffected.
    s.joined_on = None;
    let rows = status(&r, "2025-1", &visit, &[], d(2025, 12, 1), &s);
    assert!(matches!(
        find(&rows, RequirementKind::HomeVisit).status,
        TaskStatus::Overdue { .. }
    ));
}

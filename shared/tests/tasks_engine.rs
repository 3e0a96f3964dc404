//! The task engine: term boundaries, exam-triggered windows, mid-term mentor
//! changes, per-year vs per-term cadence, scope and optional actions.
//! Aggregates, calendars, back-dating and transfers are in
//! `tasks_engine_periods.rs`.

mod common;

use common::*;
use shared::activity::{ActivityKind, Trigger};
use shared::policy::{HomeVisitLead, StudentCondition, presets};
use shared::tasks::*;

#[test]
fn three_tasks_per_term_and_their_term_boundaries() {
    let r = qinghewan();
    let s = student("s1", 7, &[("m1", d(2025, 9, 1), None)]);
    // Home visit window: the four weeks before term start (Aug 4 – Aug 31).
    let on_last_day = [act(
        "hv",
        ActivityKind::HomeVisit,
        d(2025, 8, 31),
        &["s1"],
        "m1",
    )];
    let rows = status(&r, "2025-1", &on_last_day, &[], d(2025, 9, 5), &s);
    assert_eq!(
        find(&rows, RequirementKind::HomeVisit).status,
        TaskStatus::Done {
            evidence: vec!["hv".into()]
        }
    );
    let first_day = [act(
        "hv",
        ActivityKind::HomeVisit,
        d(2025, 9, 1),
        &["s1"],
        "m1",
    )];
    let rows = status(&r, "2025-1", &first_day, &[], d(2025, 9, 5), &s);
    let hv = find(&rows, RequirementKind::HomeVisit);
    assert_eq!(
        hv.status,
        TaskStatus::Overdue {
            window: Window {
                from: d(2025, 8, 4),
                to: d(2025, 8, 31)
            }
        }
    );
    assert_eq!(hv.counted, 0);
    // Before the window closes it is due.
    let rows = status(&r, "2025-1", &[], &[], d(2025, 8, 20), &s);
    assert!(matches!(
        find(&rows, RequirementKind::HomeVisit).status,
        TaskStatus::Due { .. }
    ));

    // Growth message: last two weeks of term (Jan 10 – Jan 23), inclusive.
    let w = Window {
        from: d(2026, 1, 10),
        to: d(2026, 1, 23),
    };
    let rows = status(
        &r,
        "2025-1",
        &[],
        &[gm("g", "s1", "m1", d(2026, 1, 23))],
        d(2026, 1, 30),
        &s,
    );
    assert!(matches!(
        find(&rows, RequirementKind::GrowthMessage).status,
        TaskStatus::Done { .. }
    ));
    let rows = status(
        &r,
        "2025-1",
        &[],
        &[gm("g", "s1", "m1", d(2026, 1, 24))],
        d(2026, 1, 30),
        &s,
    );
    assert_eq!(
        find(&rows, RequirementKind::GrowthMessage).status,
        TaskStatus::Overdue { window: w }
    );
    let rows = status(&r, "2025-1", &[], &[], d(2026, 1, 23), &s);
    assert_eq!(
        find(&rows, RequirementKind::GrowthMessage).status,
        TaskStatus::Due { window: w }
    );
    let rows = status(&r, "2025-1", &[], &[], d(2026, 1, 24), &s);
    assert_eq!(
        find(&rows, RequirementKind::GrowthMessage).status,
        TaskStatus::Overdue { window: w }
    );

    // Talks: any talk in the term. A talk in the next term does not count.
    let t = [act("t", ActivityKind::Talk, d(2026, 2, 20), &["s1"], "m1")];
    let rows = status(&r, "2025-1", &t, &[], d(2026, 1, 30), &s);
    assert!(matches!(
        find(&rows, RequirementKind::Talks).status,
        TaskStatus::Overdue { .. }
    ));
    let rows = status(&r, "2025-2", &t, &[], d(2026, 3, 1), &s);
    assert!(matches!(
        find(&rows, RequirementKind::Talks).status,
        TaskStatus::Done { .. }
    ));
    // Second term's home visit window is before its own start.
    let hv = find(&rows, RequirementKind::HomeVisit);
    assert_eq!(
        hv.window,
        Window {
            from: d(2026, 1, 19),
            to: d(2026, 2, 15)
        }
    );
    // No parent-contact, self-report or optional rows in this policy.
    assert_eq!(rows.len(), 3);
}

#[test]
fn key_exams_open_talk_windows() {
    let mut r = qinghewan();
    // Suggested window while the talk is open: the next key exam's.
    let s7 = student("s7", 7, &[("m1", d(2025, 9, 1), None)]);
    let rows = status(&r, "2025-1", &[], &[], d(2025, 10, 1), &s7);
    let talks = find(&rows, RequirementKind::Talks);
    assert_eq!(talks.event_name.as_deref(), Some("期中考试"));
    assert_eq!(
        talks.suggested_window,
        Some(Window {
            from: d(2025, 11, 3),
            to: d(2025, 11, 17)
        })
    );
    let rows = status(&r, "2025-1", &[], &[], d(2025, 11, 20), &s7);
    assert_eq!(
        find(&rows, RequirementKind::Talks).event_name.as_deref(),
        Some("期末考试")
    );

    // A talk per key exam: one row per exam of the student's grade.
    r.tasks.talks.one_per_key_exam = true;
    r.tasks.talks.exam_window.days_before = 7;
    r.tasks.talks.exam_window.days_after = 3;
    let rows = status(&r, "2025-1", &[], &[], d(2025, 10, 1), &s7);
    let exams: Vec<&str> = rows
        .iter()
        .filter(|x| x.kind == RequirementKind::ExamTalk)
        .map(|x| x.event_name.as_deref().unwrap())
        .collect();
    assert_eq!(exams, vec!["期中考试", "期末考试"]);
    let s9 = student("s9", 9, &[("m1", d(2025, 9, 1), None)]);
    let rows9 = status(&r, "2025-1", &[], &[], d(2025, 10, 1), &s9);
    assert_eq!(
        rows9
            .iter()
            .filter(|x| x.kind == RequirementKind::ExamTalk)
            .count(),
        3
    );

    // Window edges: exam Nov 10, 7 before, 3 after: Nov 3 – Nov 13.
    let mut before = act("t1", ActivityKind::Talk, d(2025, 11, 3), &["s7"], "m1");
    before.trigger = Some(Trigger::BeforeExam);
    let too_early = act("t0", ActivityKind::Talk, d(2025, 11, 2), &["s7"], "m1");
    let too_late = act("t2", ActivityKind::Talk, d(2025, 11, 14), &["s7"], "m1");
    let rows = status(
        &r,
        "2025-1",
        &[too_early.clone(), before, too_late.clone()],
        &[],
        d(2025, 11, 20),
        &s7,
    );
    let midterm = rows
        .iter()
        .find(|x| {
            x.event_name.as_deref() == Some("期中考试") && x.kind == RequirementKind::ExamTalk
        })
        .unwrap();
    assert_eq!(
        midterm.status,
        TaskStatus::Done {
            evidence: vec!["t1".into()]
        }
    );
    assert_eq!(midterm.label_zh, "期中考试前后谈心");
    let rows = status(
        &r,
        "2025-1",
        &[too_early, too_late],
        &[],
        d(2025, 11, 20),
        &s7,
    );
    let midterm = rows
        .iter()
        .find(|x| {
            x.event_name.as_deref() == Some("期中考试") && x.kind == RequirementKind::ExamTalk
        })
        .unwrap();
    assert_eq!(
        midterm.status,
        TaskStatus::Overdue {
            window: Window {
                from: d(2025, 11, 3),
                to: d(2025, 11, 13)
            }
        }
    );
    // The per-term talk count is met by either talk all the same.
    assert!(matches!(
        find(&rows, RequirementKind::Talks).status,
        TaskStatus::Done { .. }
    ));
    // Helper for the UI.
    let y = year();
    let w = exam_talk_windows(&r, &y, &y.terms[0], 9);
    assert_eq!(w.len(), 3);
}

#[test]
fn mid_term_mentor_change() {
    // 篇2: monthly parent contact, four talks a term, 14 days' handover grace.
    let r = presets::school_pian2("2025-1", d(2025, 9, 1)).rules;
    let s = student(
        "s1",
        10,
        &[
            ("m1", d(2025, 9, 1), Some(d(2025, 10, 24))),
            ("m2", d(2025, 10, 25), None),
        ],
    );
    let acts = [
        // Old mentor's talks while holding the student count.
        act("t1", ActivityKind::Talk, d(2025, 9, 10), &["s1"], "m1"),
        act("t2", ActivityKind::Talk, d(2025, 10, 20), &["s1"], "m1"),
        // Recorded by the old mentor after the handover: does not count.
        act("t3", ActivityKind::Talk, d(2025, 11, 5), &["s1"], "m1"),
        // New mentor's talk counts.
        act("t4", ActivityKind::Talk, d(2025, 11, 2), &["s1"], "m2"),
        // September contact by the old mentor counts for September.
        act(
            "p9",
            ActivityKind::ParentContact,
            d(2025, 9, 15),
            &["s1"],
            "m1",
        ),
        // A subject teacher's contact never counts.
        act(
            "px",
            ActivityKind::ParentContact,
            d(2025, 10, 3),
            &["s1"],
            "someone",
        ),
        // Head teacher's contact counts.
        act(
            "p11",
            ActivityKind::ParentContact,
            d(2025, 11, 12),
            &["s1"],
            "ht",
        ),
    ];
    let today = d(2025, 11, 3);
    let rows = status(&r, "2025-1", &acts, &[], today, &s);
    let talks = find(&rows, RequirementKind::Talks);
    assert_eq!(talks.counted, 3); // t1, t2 (old mentor, in time), t4 (new mentor)
    assert_eq!(talks.responsible_mentor_id.as_deref(), Some("m2"));
    assert!(matches!(talks.status, TaskStatus::Due { .. }));

    let months: Vec<(&str, &TaskStatus)> = rows
        .iter()
        .filter(|x| x.kind == RequirementKind::ParentContact)
        .map(|x| (x.label_zh.as_str(), &x.status))
        .collect();
    assert_eq!(
        months[0],
        (
            "9月家校联系",
            &TaskStatus::Done {
                evidence: vec!["p9".into()]
            }
        )
    );
    // October: not met, but the new mentor took over on Oct 25 with 14 days'
    // grace, so on Nov 3 it is due until Nov 8, not overdue.
    assert_eq!(
        months[1],
        (
            "10月家校联系",
            &TaskStatus::Due {
                window: Window {
                    from: d(2025, 10, 1),
                    to: d(2025, 11, 8)
                }
            }
        )
    );
    // September (done before the change) keeps its window; after the grace it
    // is overdue.
    let rows = status(&r, "2025-1", &acts, &[], d(2025, 11, 9), &s);
    let oct = rows.iter().find(|x| x.label_zh == "10月家校联系").unwrap();
    assert!(matches!(oct.status, TaskStatus::Overdue { .. }));
    let nov = rows.iter().find(|x| x.label_zh == "11月家校联系").unwrap();
    assert_eq!(
        nov.status,
        TaskStatus::Done {
            evidence: vec!["p11".into()]
        }
    );
    let talks = find(&rows, RequirementKind::Talks);
    assert_eq!(talks.counted, 3);
    assert_eq!(
        talks.status,
        TaskStatus::Due {
            window: Window {
                from: d(2025, 9, 1),
                to: d(2026, 1, 23)
            }
        }
    );

    // Before the change, the old mentor is responsible.
    let rows = status(&r, "2025-1", &acts, &[], d(2025, 10, 1), &s);
    assert_eq!(
        find(&rows, RequirementKind::Talks)
            .responsible_mentor_id
            .as_deref(),
        Some("m1")
    );
    // After the term, the last mentor is.
    let rows = status(&r, "2025-1", &acts, &[], d(2026, 3, 1), &s);
    assert_eq!(
        find(&rows, RequirementKind::Talks)
            .responsible_mentor_id
            .as_deref(),
        Some("m2")
    );
}

#[test]
fn holiday_home_visit_counts_for_the_first_mentor_only() {
    let r = qinghewan();
    let acts = [act(
        "hv",
        ActivityKind::HomeVisit,
        d(2025, 8, 25),
        &["a", "b"],
        "m1",
    )];
    // m1 holds a from Sep 1: the holiday visit is theirs.
    let a = student("a", 7, &[("m1", d(2025, 9, 1), None)]);
    let rows = status(&r, "2025-1", &acts, &[], d(2025, 9, 2), &a);
    assert!(matches!(
        find(&rows, RequirementKind::HomeVisit).status,
        TaskStatus::Done { .. }
    ));
    // b was first held by m0; m1 only from Oct: m1's August visit is not attributed.
    let b = student(
        "b",
        7,
        &[
            ("m0", d(2025, 9, 1), Some(d(2025, 9, 30))),
            ("m1", d(2025, 10, 1), None),
        ],
    );
    let rows = status(&r, "2025-1", &acts, &[], d(2025, 9, 2), &b);
    assert!(matches!(
        find(&rows, RequirementKind::HomeVisit).status,
        TaskStatus::Overdue { .. }
    ));
    // Once m1 takes over on Oct 1 the open home visit gets the grace: due until Oct 15.
    let rows = status(&r, "2025-1", &acts, &[], d(2025, 10, 2), &b);
    assert_eq!(
        find(&rows, RequirementKind::HomeVisit).status,
        TaskStatus::Due {
            window: Window {
                from: d(2025, 8, 4),
                to: d(2025, 10, 15)
            }
        }
    );
}

#[test]
fn per_year_versus_per_term_cadence() {
    // 篇6 primary: a home visit and a growth message per school year.
    let yearly = presets::school_pian6_primary("2025-1", d(2025, 9, 1)).rules;
    let s = student("s", 4, &[("m1", d(2025, 9, 1), None)]);
    let acts = [act(
        "hv",
        ActivityKind::HomeVisit,
        d(2025, 9, 10),
        &["s"],
        "m1",
    )];
    // First term: home visit done; growth message due at the year's end.
    let rows = status(&yearly, "2025-1", &acts, &[], d(2025, 12, 1), &s);
    assert!(matches!(
        find(&rows, RequirementKind::HomeVisit).status,
        TaskStatus::Done { .. }
    ));
    assert_eq!(
        find(&rows, RequirementKind::GrowthMessage).status,
        TaskStatus::Due {
            window: Window {
                from: d(2026, 6, 13),
                to: d(2026, 7, 3)
            }
        }
    );
    // Second term: the same yearly visit still counts.
    let rows = status(&yearly, "2025-2", &acts, &[], d(2026, 3, 1), &s);
    assert_eq!(
        find(&rows, RequirementKind::HomeVisit).status,
        TaskStatus::Done {
            evidence: vec!["hv".into()]
        }
    );
    // Per term: the first term's visit does not cover the second term.
    let mut per_term = yearly.clone();
    per_term.tasks.home_visit = qinghewan().tasks.home_visit;
    per_term.tasks.home_visit.window =
        shared::policy::WindowSpec::before_start_or_first_weeks(28, 4);
    let rows = status(&per_term, "2025-2", &acts, &[], d(2026, 3, 1), &s);
    assert_eq!(
        find(&rows, RequirementKind::HomeVisit).status,
        TaskStatus::Due {
            window: Window {
                from: d(2026, 1, 19),
                to: d(2026, 3, 15)
            }
        }
    );
}

#[test]
fn not_applicable_scope_and_condition_and_head_teacher_lead() {
    let mut r = qinghewan();
    let out = student("g3", 3, &[("m1", d(2025, 9, 1), None)]);
    let rows = status(&r, "2025-1", &[], &[], d(2025, 10, 1), &out);
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|x| x.status
        == TaskStatus::NotApplicable {
            reason: NotApplicableReason::GradeNotInScope
        }));

    r.tasks.home_visit.condition = Some(StudentCondition::LivesInTown);
    r.tasks.home_visit.lead = HomeVisitLead::HeadTeacher;
    let mut rural = student("r", 7, &[("m1", d(2025, 9, 1), None)]);
    rural.lives_in_town = false;
    let rows = status(&r, "2025-1", &[], &[], d(2025, 10, 1), &rural);
    assert_eq!(
        find(&rows, RequirementKind::HomeVisit).status,
        TaskStatus::NotApplicable {
            reason: NotApplicableReason::NotLivingInTown
        }
    );
    let town = student("t", 7, &[("m1", d(2025, 9, 1), None)]);
    let acts = [act(
        "hv",
        ActivityKind::HomeVisit,
        d(2025, 8, 20),
        &["t"],
        "ht",
    )];
    let rows = status(&r, "2025-1", &acts, &[], d(2025, 10, 1), &town);
    let hv = find(&rows, RequirementKind::HomeVisit);
    assert!(hv.head_teacher_leads);
    assert_eq!(
        hv.status,
        TaskStatus::Done {
            evidence: vec!["hv".into()]
        }
    );
}

#[test]
fn optional_actions_count_distinct_menu_items() {
    let r = presets::school_pian5_yingyuan("2025-1", d(2025, 9, 1)).rules;
    let s = student("s", 8, &[("m1", d(2025, 9, 1), None)]);
    let opt = |id: &str, code: Option<&str>, students: &[&str]| {
        let mut a = act(
            id,
            ActivityKind::OptionalAction,
            d(2025, 10, 9),
            students,
            "m1",
        );
        a.optional_action = code.map(str::to_owned);
        a
    };
    let two_lunches = [
        opt("l1", Some("lunch"), &["s"]),
        opt("l2", Some("lunch"), &["s", "x"]),
        opt("z", Some("karaoke"), &["s"]),
        opt("n", None, &["s"]),
    ];
    let rows = status(&r, "2025-1", &two_lunches, &[], d(2025, 11, 1), &s);
    let o = find(&rows, RequirementKind::OptionalActions);
    assert_eq!(o.counted, 1);
    assert_eq!(o.required, 2);
    assert!(matches!(o.status, TaskStatus::Due { .. }));
    let varied = [
        opt("l1", Some("lunch"), &["s"]),
        opt("b", Some("read_book"), &["s", "x"]),
    ];
    let rows = status(&r, "2025-1", &varied, &[], d(2025, 11, 1), &s);
    assert_eq!(
        find(&rows, RequirementKind::OptionalActions).status,
        TaskStatus::Done {
            evidence: vec!["l1".into(), "b".into()]
        }
    );
}

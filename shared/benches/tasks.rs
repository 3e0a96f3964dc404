//! Task-engine benchmark: a whole district's term.
//!
//! 300,000 students in 150 schools (2,000 each, three different presets),
//! ~10 activities per student (some shared by two students), published growth
//! messages for most, and a mid-term mentor change for 5 % of students.
//! Prints the time to compute every status (aggregate counts, and the full
//! table of rows), against a baseline in the same run: one pass over all
//! activities summing a field of each.
//!
//! Run with `cargo bench -p shared --bench tasks`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::{Duration as Days, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use shared::activity::{ActivityFact, ActivityKind, Channel, GrowthMessageFact, Trigger};
use shared::policy::{PolicyRules, presets};
use shared::tasks::{
    Assignment, CalendarEvent, EventKind, SchoolYear, StatusCounts, StudentTerm, TaskEngine, Term,
};

const SCHOOLS: usize = 150;
const PER_SCHOOL: usize = 2_000;
const ACTIVITIES_PER_STUDENT: usize = 10;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
}

struct School {
    rules: PolicyRules,
    students: Vec<StudentTerm>,
    activities: Vec<ActivityFact>,
    growth: Vec<GrowthMessageFact>,
}

fn year() -> SchoolYear {
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
                grades: vec![],
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
                grades: vec![9, 12],
                name: "模拟考".into(),
            },
        ],
    }
}

fn generate(rng: &mut ChaCha8Rng) -> Vec<School> {
    let start = d(2025, 8, 10);
    let span = (d(2026, 1, 23) - start).num_days();
    let kinds = [
        ActivityKind::Talk,
        ActivityKind::Talk,
        ActivityKind::ParentContact,
        ActivityKind::ParentContact,
        ActivityKind::ParentContact,
        ActivityKind::StudentReport,
        ActivityKind::StudentReport,
        ActivityKind::OptionalAction,
        ActivityKind::HomeVisit,
        ActivityKind::Other,
    ];
    let menu = presets::pian5_menu();
    (0..SCHOOLS)
        .map(|si| {
            let (mut rules, grades): (PolicyRules, &[i32]) = match si % 3 {
                0 => (presets::school_pian2("2025-1", start).rules, &[10, 11, 12]),
                1 => (
                    presets::school_pian5_yingyuan("2025-1", start).rules,
                    &[6, 7, 8, 9],
                ),
                _ => (
                    presets::school_pian1_qinghewan("2025-1", start).rules,
                    &[6, 7, 8, 9],
                ),
            };
            if si % 6 == 2 {
                rules.tasks.talks.one_per_key_exam = true;
            }
            let mentors = PER_SCHOOL / 12;
            let mut students = Vec::with_capacity(PER_SCHOOL);
            let mut activities = Vec::with_capacity(PER_SCHOOL * ACTIVITIES_PER_STUDENT);
            let mut growth = Vec::with_capacity(PER_SCHOOL);
            for i in 0..PER_SCHOOL {
                let id = format!("s{si}-{i}");
                let m = format!("m{si}-{}", i % mentors);
                let mut assignments = vec![Assignment {
                    mentor_id: m.clone(),
                    from: d(2025, 9, 1),
                    until: None,
                }];
                if rng.gen_bool(0.05) {
                    let change = d(2025, 9, 20) + Days::days(rng.gen_range(0..90));
                    assignments[0].until = Some(change - Days::days(1));
                    assignments.push(Assignment {
                        mentor_id: format!("m{si}-{}", (i + 7) % mentors),
                        from: change,
                        until: None,
                    });
                }
                students.push(StudentTerm {
                    id: id.clone(),
                    grade: grades[i % grades.len()],
                    lives_in_town: rng.gen_bool(0.7),
                    head_teacher_id: Some(format!("h{si}-{}", i / 40)),
                    assignments,
                    joined_on: None,
                });
                for k in 0..ACTIVITIES_PER_STUDENT {
                    let kind = kinds[(k + rng.gen_range(0..3)) % kinds.len()];
                    let mut ids = vec![id.clone()];
                    if kind == ActivityKind::OptionalAction
                        && i + 1 < PER_SCHOOL
                        && rng.gen_bool(0.3)
                    {
                        ids.push(format!("s{si}-{}", i + 1));
                    }
                    activities.push(ActivityFact {
                        id: format!("a{si}-{i}-{k}"),
                        kind,
                        occurred_on: start + Days::days(rng.gen_range(0..=span)),
                        student_ids: ids,
                        mentor_id: m.clone(),
                        with_head_teacher: kind == ActivityKind::HomeVisit,
                        trigger: (kind == ActivityKind::Talk).then_some(Trigger::BeforeExam),
                        optional_action: (kind == ActivityKind::OptionalAction)
                            .then(|| menu[rng.gen_range(0..menu.len())].code.clone()),
                        channel: Channel::FaceToFace,
                    });
                }
                if rng.gen_bool(0.8) {
                    growth.push(GrowthMessageFact {
                        id: format!("g{si}-{i}"),
                        student_id: id,
                        mentor_id: m,
                        published_on: d(2026, 1, 8) + Days::days(rng.gen_range(0..14)),
                    });
                }
            }
            School {
                rules,
                students,
                activities,
                growth,
            }
        })
        .collect()
}

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        let v = f();
        best = best.min(t.elapsed());
        last = Some(v);
    }
    (best, last.expect("at least one run"))
}

fn main() {
    let mut rng = ChaCha8Rng::seed_from_u64(2025);
    let t = Instant::now();
    let schools = generate(&mut rng);
    let y = year();
    let today = d(2025, 12, 1);
    let n_students: usize = schools.iter().map(|s| s.students.len()).sum();
    let n_acts: usize = schools.iter().map(|s| s.activities.len()).sum();
    let n_growth: usize = schools.iter().map(|s| s.growth.len()).sum();
    let changed: usize = schools
        .iter()
        .flat_map(|s| &s.students)
        .filter(|s| s.assignments.len() > 1)
        .count();
    println!(
        "district term: {n_students} students in {SCHOOLS} schools, {n_acts} activities, {n_growth} growth messages, {changed} mid-term mentor changes (generated in {:.1?})",
        t.elapsed()
    );

    // Baseline: one pass over all activities, summing a field of each.
    let (base, sum) = best_of(5, || {
        let mut sum = 0i64;
        for s in &schools {
            for a in &s.activities {
                sum += i64::from(chrono::Datelike::ordinal(&a.occurred_on))
                    + a.student_ids.len() as i64
                    + a.mentor_id.len() as i64;
            }
        }
        black_box(sum)
    });
    black_box(sum);

    // Counts by status for the whole district (engines built per school).
    let (agg, counts) = best_of(5, || {
        let mut total = StatusCounts::default();
        for s in &schools {
            let e = TaskEngine::new(&s.rules, &y, "2025-1", &s.activities, &s.growth, today)
                .expect("term exists");
            total.merge(&e.count_by_status(&s.students));
        }
        black_box(total)
    });

    // Of which: building the engines (window templates and the activity index).
    let (build, _) = best_of(3, || {
        let mut n = 0usize;
        for s in &schools {
            let e = TaskEngine::new(&s.rules, &y, "2025-1", &s.activities, &s.growth, today)
                .expect("term exists");
            n += black_box(&e).term().id.len();
        }
        n
    });

    // Every row of every student, kept (with evidence references).
    let (table, rows) = best_of(3, || {
        let mut rows = 0usize;
        for s in &schools {
            let e = TaskEngine::new(&s.rules, &y, "2025-1", &s.activities, &s.growth, today)
                .expect("term exists");
            let t = e.evaluate_all(&s.students);
            rows += t.rows.len();
            black_box(&t);
        }
        rows
    });

    let tot = counts.total();
    println!(
        "statuses: {} rows (done {}, due {}, overdue {}, n/a {}); students with something overdue: {}",
        tot.done + tot.due + tot.overdue + tot.not_applicable,
        tot.done,
        tot.due,
        tot.overdue,
        tot.not_applicable,
        counts.students_with_overdue
    );
    println!(
        "baseline (one pass summing over {n_acts} activities): {:>8.1} ms",
        base.as_secs_f64() * 1e3
    );
    println!(
        "engine, counts by status for the district:          {:>8.1} ms  ({:.1}x baseline)",
        agg.as_secs_f64() * 1e3,
        agg.as_secs_f64() / base.as_secs_f64()
    );
    println!(
        "  of which building the engines (index):             {:>8.1} ms",
        build.as_secs_f64() * 1e3
    );
    println!(
        "engine, full status table ({rows} rows):        {:>8.1} ms  ({:.1}x baseline)",
        table.as_secs_f64() * 1e3,
        table.as_secs_f64() / base.as_secs_f64()
    );
}

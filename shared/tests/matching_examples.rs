//! Example tests of the matching engines: explanations, statistics,
//! validation errors and each method on a hand-made instance.

use serde_json::{Value, json};
use shared::matching::{InstanceError, MatchOutput, Stage, run_instance_json, run_instance_str};

fn run(v: Value) -> MatchOutput {
    run_instance_str(&v.to_string()).expect("instance runs")
}

fn assignment<'a>(out: &'a MatchOutput, student: &str) -> &'a shared::matching::AssignmentOut {
    out.assignments
        .iter()
        .find(|a| a.student == student)
        .unwrap_or_else(|| panic!("{student} is placed"))
}

#[test]
fn issue_example_runs_and_prints_pretty_json() {
    let input = r#"{"method": "two_way", "seed": 42,
        "mentors": [{"id": "t1", "capacity": 15, "grades": [7, 8], "prefs": ["s5", "s1"]},
                    {"id": "t3", "capacity": 15, "grades": [7]}],
        "students": [{"id": "s1", "grade": 7, "class": "7-1", "prefs": ["t3", "t1"], "clubs": ["robotics"]},
                     {"id": "s5", "grade": 8, "class": "8-1", "prefs": []}],
        "clubs": [{"id": "robotics", "mentors": ["t3"]}]}"#;
    let out = run_instance_json(input).unwrap();
    assert!(out.contains('\n'), "pretty printed");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["assignments"][0]["student"], "s1");
    assert_eq!(v["assignments"][0]["mentor"], "t3");
    assert_eq!(v["assignments"][0]["stage"], "preference");
    assert_eq!(v["assignments"][0]["rank"], 1);
    assert_eq!(v["assignments"][1]["mentor"], "t1");
    assert_eq!(v["assignments"][1]["stage"], "fill");
    assert_eq!(v["stats"]["seed"], 42);
    assert_eq!(v["stats"]["placed"], 2);
    assert!(v["unplaced"].as_array().unwrap().is_empty());
}

#[test]
fn second_choice_explains_the_first_was_full() {
    // t1 has one place and ranks s2 first; s1 gets the second choice.
    let out = run(json!({
        "seed": 1,
        "mentors": [{"id": "t1", "capacity": 1, "grades": [7], "prefs": ["s2", "s1"]},
                    {"id": "t2", "capacity": 5, "grades": [7]}],
        "students": [{"id": "s1", "grade": 7, "class": "7-1", "prefs": ["t1", "t2"]},
                     {"id": "s2", "grade": 7, "class": "7-1", "prefs": ["t1", "t2"]}]
    }));
    let s1 = assignment(&out, "s1");
    assert_eq!(
        (s1.mentor.as_str(), s1.rank, s1.stage),
        ("t2", Some(2), Stage::Preference)
    );
    assert_eq!(s1.why, "第2志愿；第1志愿导师名额已满");
    let s2 = assignment(&out, "s2");
    assert_eq!(s2.why, "第1志愿，如愿匹配");
    assert_eq!(out.stats.first_choice, 1);
    assert_eq!(out.stats.top3, 2);
    assert_eq!(out.stats.any_choice_share, 1.0);
    assert_eq!(out.stats.rank_histogram, vec![1, 1]);
}

#[test]
fn earlier_choice_not_teaching_the_grade_is_explained() {
    let out = run(json!({
        "mentors": [{"id": "t1", "capacity": 3, "grades": [8]},
                    {"id": "t2", "capacity": 0, "grades": [7]},
                    {"id": "t3", "capacity": 3, "grades": [7], "qualified": false},
                    {"id": "t4", "capacity": 3, "grades": [7]}],
        "students": [{"id": "s1", "grade": 7, "prefs": ["t1", "t2", "t3", "t4"]}]
    }));
    assert_eq!(
        assignment(&out, "s1").why,
        "第4志愿；第1志愿导师不带本年级，第2志愿导师本轮没有名额，第3志愿导师暂不担任导师"
    );
    assert_eq!(out.stats.mentors_in_training, vec!["t3".to_string()]);
}

#[test]
fn shortage_names_the_grade_and_the_missing_places() {
    let out = run(json!({
        "mentors": [{"id": "t1", "capacity": 2, "grades": [7]},
                    {"id": "t2", "capacity": 9, "grades": [8]}],
        "students": [{"id": "s1", "grade": 7}, {"id": "s2", "grade": 7}, {"id": "s3", "grade": 7},
                     {"id": "s4", "grade": 7}, {"id": "s5", "grade": 7}, {"id": "s6", "grade": 9}]
    }));
    assert_eq!(out.stats.placed, 2);
    assert_eq!(out.unplaced.len(), 4);
    let short: Vec<_> = out.unplaced.iter().filter(|u| u.grade == 7).collect();
    assert_eq!(short.len(), 3);
    for u in short {
        assert_eq!(u.why, "7年级还缺3个导师名额");
        assert_eq!(u.why_en, "grade 7 needs 3 more mentor places");
    }
    let g9 = out.unplaced.iter().find(|u| u.student == "s6").unwrap();
    assert!(g9.why.contains("9年级没有可带学生的导师"), "{}", g9.why);
    assert_eq!(out.stats.shortages.len(), 1);
    assert_eq!(out.stats.shortages[0].missing, 3);
}

#[test]
fn fill_prefers_own_class_then_balances_load() {
    let mut students = Vec::new();
    for i in 0..8 {
        students.push(json!({"id": format!("a{i}"), "grade": 7, "class": "7-1"}));
    }
    for i in 0..12 {
        students.push(json!({"id": format!("b{i}"), "grade": 7, "class": "7-2"}));
    }
    let out = run(json!({
        "seed": 3,
        "mentors": [{"id": "t1", "capacity": 10, "grades": [7], "classes": ["7-1"]},
                    {"id": "t2", "capacity": 10, "grades": [7], "classes": ["7-2"]},
                    {"id": "t3", "capacity": 10, "grades": [7]},
                    {"id": "t4", "capacity": 10, "grades": [7]}],
        "students": students
    }));
    assert_eq!(out.stats.placed, 20);
    assert_eq!(out.stats.placed_by_fill, 20);
    for a in &out.assignments {
        if a.student.starts_with('a') {
            assert_eq!(a.mentor, "t1");
            assert_eq!(a.why, "未填报志愿，学校统筹安排本班任课老师");
        }
    }
    let load = |m: &str| {
        out.stats
            .mentor_loads
            .iter()
            .find(|l| l.mentor == m)
            .unwrap()
            .load
    };
    assert_eq!(load("t2"), 10);
    // The two 7-2 students t2 could not take are spread over t3 and t4.
    assert_eq!((load("t3"), load("t4")), (1, 1));
    let b = out.assignments.iter().find(|a| a.mentor == "t3").unwrap();
    assert_eq!(b.why, "未填报志愿，学校统筹安排本年级任课老师");
}

#[test]
fn fill_balances_load_without_classes() {
    let students: Vec<Value> = (0..22)
        .map(|i| json!({"id": format!("s{i}"), "grade": 8}))
        .collect();
    let out = run(json!({
        "mentors": [{"id": "t1", "capacity": 15, "grades": [8]},
                    {"id": "t2", "capacity": 15, "grades": [8]},
                    {"id": "t3", "capacity": 15, "grades": [8]},
                    {"id": "t4", "capacity": 15, "grades": [8]}],
        "students": students
    }));
    assert_eq!((out.stats.load.min, out.stats.load.max), (5, 6));
    assert_eq!(out.stats.load.median, 5.5);
}

#[test]
fn fill_moves_a_choice_only_when_someone_could_not_be_placed_otherwise() {
    // s8 (grade 8) can only go to t1, which s7 chose; t2 can take s7.
    let out = run(json!({
        "mentors": [{"id": "t1", "capacity": 1, "grades": [7, 8]},
                    {"id": "t2", "capacity": 1, "grades": [7]}],
        "students": [{"id": "s7", "grade": 7, "prefs": ["t1"]},
                     {"id": "s8", "grade": 8}]
    }));
    assert_eq!(out.stats.placed, 2);
    assert_eq!(out.stats.moved_by_fill, 1);
    let s7 = assignment(&out, "s7");
    assert_eq!(
        (s7.mentor.as_str(), s7.stage, s7.rank),
        ("t2", Stage::Fill, None)
    );
    assert!(
        s7.why
            .starts_with("原为第1志愿导师，为让没有其他可选导师的同学也有导师"),
        "{}",
        s7.why
    );
    assert_eq!(assignment(&out, "s8").mentor, "t1");
}

#[test]
fn club_method_places_within_clubs_then_by_class() {
    let out = run(json!({
        "method": "club",
        "mentors": [{"id": "t3", "capacity": 1, "grades": [7]},
                    {"id": "t4", "capacity": 5, "grades": [7], "classes": ["7-1"]}],
        "students": [{"id": "s1", "grade": 7, "class": "7-1", "clubs": ["robotics"], "prefs": ["t3"]},
                     {"id": "s2", "grade": 7, "class": "7-1"}],
        "clubs": [{"id": "robotics", "mentors": ["t3"]}]
    }));
    let s1 = assignment(&out, "s1");
    assert_eq!((s1.mentor.as_str(), s1.stage), ("t3", Stage::Club));
    assert_eq!(
        s1.why,
        "通过社团「robotics」匹配到社团指导老师，也是第1志愿"
    );
    let s2 = assignment(&out, "s2");
    assert_eq!((s2.mentor.as_str(), s2.stage), ("t4", Stage::Fill));
    assert_eq!(out.stats.placed_by_club, 1);
}

#[test]
fn blind_box_is_reproducible_and_records_the_seed() {
    let students: Vec<Value> = (0..40)
        .map(|i| json!({"id": format!("s{i}"), "grade": 7}))
        .collect();
    let mentors: Vec<Value> = (0..5)
        .map(|i| json!({"id": format!("t{i}"), "capacity": 8, "grades": [7]}))
        .collect();
    let inst = |seed: u64| json!({"method": "blind_box", "seed": seed, "mentors": mentors, "students": students});
    let a = run(inst(7));
    let b = run(inst(7));
    let c = run(inst(8));
    assert_eq!(a, b);
    assert_ne!(a.assignments, c.assignments);
    assert_eq!(a.stats.seed, 7);
    assert_eq!(a.stats.placed_by_lottery, 40);
    assert_eq!(a.assignments[0].stage, Stage::Lottery);
    assert_eq!(
        a.assignments[0].why,
        "导师盲盒随机抽取（随机种子7，可复核）"
    );
}

#[test]
fn continuity_keeps_pairs_first() {
    let out = run(json!({
        "mentors": [{"id": "t1", "capacity": 1, "grades": [7]},
                    {"id": "t2", "capacity": 1, "grades": [7]}],
        "students": [{"id": "s1", "grade": 7, "prefs": ["t1"]},
                     {"id": "s2", "grade": 7, "prefs": ["t1"]}],
        "keep": [{"student": "s2", "mentor": "t1"}]
    }));
    let s2 = assignment(&out, "s2");
    assert_eq!((s2.mentor.as_str(), s2.stage), ("t1", Stage::Continuity));
    assert_eq!(s2.why, "延续原来的结对：学生和导师都希望继续");
    assert_eq!(assignment(&out, "s1").mentor, "t2");
    assert_eq!(out.stats.placed_by_continuity, 1);
}

#[test]
fn exclusions_are_respected() {
    let out = run(json!({
        "mentors": [{"id": "t1", "capacity": 5, "grades": [7]}],
        "students": [{"id": "s1", "grade": 7, "exclude": ["t1"]}]
    }));
    assert_eq!(out.unplaced.len(), 1);
    assert_eq!(out.unplaced[0].why, "已排除7年级全部可选导师，无法安排");
}

fn err(v: &str) -> InstanceError {
    run_instance_json(v).expect_err("invalid instance")
}

fn both_languages(e: &InstanceError, needle: &str) {
    let msg = e.to_string();
    assert!(msg.contains(needle), "{msg} names {needle}");
    let (zh, en) = msg.split_once(" / ").expect("Chinese / English");
    assert!(zh.chars().any(|c| c > '\u{4e00}'), "{zh}");
    assert!(en.is_ascii() || en.contains(needle), "{en}");
}

#[test]
fn malformed_json_is_reported_with_position() {
    let e = err(r#"{"mentors": [}"#);
    assert!(matches!(e, InstanceError::Json { line: 1, .. }), "{e:?}");
    both_languages(&e, "line 1");
    let e = err(r#"{"mentors": [{"id": "t1"}], "students": []}"#);
    assert!(e.to_string().contains("capacity"), "{e}");
}

#[test]
fn unknown_ids_name_the_entry() {
    let e = err(
        r#"{"mentors": [{"id": "t1", "capacity": 1}], "students": [{"id": "s1", "grade": 7, "prefs": ["t9"]}]}"#,
    );
    assert_eq!(
        e.to_string(),
        "学生「s1」的prefs中有未知导师「t9」 / student \"s1\" lists unknown mentor \"t9\" in prefs"
    );
    let e = err(
        r#"{"mentors": [{"id": "t1", "capacity": 1, "prefs": ["s2"]}], "students": [{"id": "s1", "grade": 7}]}"#,
    );
    both_languages(&e, "s2");
    assert!(e.to_string().contains("t1"));
    let e = err(
        r#"{"mentors": [{"id": "t1", "capacity": 1}], "students": [{"id": "s1", "grade": 7, "clubs": ["chess"]}]}"#,
    );
    both_languages(&e, "chess");
    let e = err(
        r#"{"mentors": [{"id": "t1", "capacity": 1}], "students": [], "clubs": [{"id": "c", "mentors": ["t2"]}]}"#,
    );
    both_languages(&e, "t2");
    let e = err(
        r#"{"mentors": [{"id": "t1", "capacity": 1}], "students": [{"id": "s1", "grade": 7}], "keep": [{"student": "s1", "mentor": "tx"}]}"#,
    );
    both_languages(&e, "tx");
    let e = err(
        r#"{"mentors": [{"id": "t1", "capacity": 1}], "students": [{"id": "s1", "grade": 7, "exclude": ["t5"]}]}"#,
    );
    both_languages(&e, "t5");
}

#[test]
fn duplicates_and_bad_values_name_the_entry() {
    let e = err(
        r#"{"mentors": [{"id": "t1", "capacity": 1}], "students": [{"id": "s1", "grade": 7}, {"id": "s1", "grade": 8}]}"#,
    );
    assert_eq!(
        e.to_string(),
        "学生编号「s1」重复 / duplicate student id \"s1\""
    );
    let e = err(
        r#"{"mentors": [{"id": "t1", "capacity": 1}, {"id": "t1", "capacity": 2}], "students": []}"#,
    );
    both_languages(&e, "t1");
    let e = err(r#"{"mentors": [{"id": "t1", "capacity": -3}], "students": []}"#);
    assert_eq!(
        e.to_string(),
        "导师「t1」的名额为负数（-3） / mentor \"t1\" has a negative capacity (-3)"
    );
    let e = err(
        r#"{"mentors": [{"id": "t1", "capacity": 1}], "students": [{"id": "s1", "grade": 7, "prefs": ["t1", "t1"]}]}"#,
    );
    both_languages(&e, "t1");
    assert!(e.to_string().contains("s1"));
    let e = err(
        r#"{"mentors": [{"id": "t1", "capacity": 1}], "students": [{"id": "s1", "grade": 700}]}"#,
    );
    both_languages(&e, "s1");
    let e = err(r#"{"mentors": [{"id": "", "capacity": 1}], "students": []}"#);
    both_languages(&e, "#1");
    let e = err(
        r#"{"mentors": [{"id": "t1", "capacity": 1}], "students": [{"id": "s1", "grade": 7}], "keep": [{"student": "s1", "mentor": "t1"}, {"student": "s1", "mentor": "t1"}]}"#,
    );
    both_languages(&e, "s1");
}

#[test]
fn validate_accepts_a_good_instance() {
    let inst = shared::matching::Instance::from_json(
        r#"{"mentors": [{"id": "t1", "capacity": 1, "grades": [7]}], "students": [{"id": "s1", "grade": 7}]}"#,
    )
    .unwrap();
    shared::matching::validate(&inst).unwrap();
}

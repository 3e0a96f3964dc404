//! Validation of district baselines and school policies, presets and diff.

use chrono::NaiveDate;
use shared::activity::Channel;
use shared::grading::{BandScale, DisplayKind};
use shared::org::{Role, SchoolStage};
use shared::policy::presets::{self, PresetLevel};
use shared::policy::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn base() -> DistrictBaseline {
    presets::district_pian6("2025-1", d(2025, 9, 1))
}

fn paths(v: &[Violation]) -> Vec<&str> {
    v.iter().map(|x| x.path.as_str()).collect()
}

#[test]
fn every_preset_is_sound_on_its_own() {
    for p in presets::ALL {
        match p.level {
            PresetLevel::District => {
                let b = presets::district(p.id, "2025-1", d(2025, 9, 1)).unwrap();
                assert!(
                    validate_baseline(&b).is_empty(),
                    "{}: {:?}",
                    p.id,
                    validate_baseline(&b)
                );
                assert_eq!(b.meta.preset.as_deref(), Some(p.id));
            }
            PresetLevel::School => {
                let s = presets::school(p.id, "2025-1", d(2025, 9, 1)).unwrap();
                assert_eq!(s.meta.preset.as_deref(), Some(p.id));
                // Checked against a baseline that requires nothing, only
                // self-consistency errors would show.
                let mut lax = base();
                lax.rules.scope.stages.clear();
                lax.rules.ratio.default_max = 100;
                lax.rules.tasks.home_visit.count = 0;
                lax.rules.tasks.talks.count_per_term = 0;
                lax.rules.tasks.growth_message.count = 0;
                let v = validate_school(&s, &lax);
                assert!(v.is_empty(), "{}: {v:?}", p.id);
            }
        }
    }
    assert!(presets::school("nope", "t", d(2025, 9, 1)).is_none());
    assert!(presets::district("school_pian2", "t", d(2025, 9, 1)).is_none());
}

#[test]
fn pian5_one_to_sixteen_fails_the_one_to_fifteen_baseline() {
    let s = presets::school_pian5_yingyuan("2025-1", d(2025, 9, 1));
    let v = validate_school(&s, &base());
    let p = paths(&v);
    assert!(p.contains(&"ratio.per_grade.7"), "{v:#?}");
    assert!(p.contains(&"ratio.per_grade.9"), "{v:#?}");
    assert!(!p.contains(&"ratio.per_grade.6"));
    assert!(!p.contains(&"ratio.per_grade.8"));
    let g7 = v.iter().find(|x| x.path == "ratio.per_grade.7").unwrap();
    assert_eq!(g7.message_zh, "7年级配置比例1:16超过区基线上限1:15");
    assert_eq!(
        g7.message_en,
        "Grade 7: ratio 1:16 exceeds the district cap of 1:15"
    );
    let g9 = v.iter().find(|x| x.path == "ratio.per_grade.9").unwrap();
    assert!(g9.message_zh.contains("9年级") && g9.message_zh.contains("1:16"));
    // The default 1:16 (原则上不超过1:16) is reported too; nothing is clamped.
    assert!(p.contains(&"ratio.default_max"));
    assert_eq!(s.rules.ratio.cap_for(7), 16);
    // Those are the only problems: fix the ratio and it validates.
    assert_eq!(v.len(), 3, "{v:#?}");
    let mut fixed = s.clone();
    fixed.rules.ratio.default_max = 15;
    fixed.rules.ratio.per_grade.insert(7, 15);
    fixed.rules.ratio.per_grade.insert(9, 14);
    assert!(validate_school(&fixed, &base()).is_empty());
}

#[test]
fn pian2_is_stricter_than_the_district() {
    let s = presets::school_pian2("2025-1", d(2025, 9, 1));
    assert!(
        validate_school(&s, &base()).is_empty(),
        "{:?}",
        validate_school(&s, &base())
    );
    assert_eq!(s.rules.ratio.default_max, 10);
    assert_eq!(s.rules.tasks.talks.count_per_term, 4);
    assert_eq!(s.rules.tasks.parent_contact.per_month, 1);
    assert_eq!(s.rules.tasks.self_report.per_month, 1);
}

#[test]
fn qinghewan_and_primary_fit_pian6() {
    for id in ["school_pian1_qinghewan", "school_pian6_primary"] {
        let s = presets::school(id, "2025-1", d(2025, 9, 1)).unwrap();
        assert!(
            validate_school(&s, &base()).is_empty(),
            "{id}: {:?}",
            validate_school(&s, &base())
        );
    }
}

#[test]
fn per_year_baseline_accepts_per_term_but_not_the_reverse() {
    // 篇4's per-term baseline against a school doing yearly visits.
    let b4 = presets::district_pian4("2025-1", d(2025, 9, 1));
    let s = presets::school_pian6_primary("2025-1", d(2025, 9, 1));
    let v = validate_school(&s, &b4);
    let p = paths(&v);
    assert!(p.contains(&"tasks.home_visit.cadence"), "{v:#?}");
    assert!(p.contains(&"tasks.growth_message.cadence"), "{v:#?}");
    // A per-term school against the per-year baseline is fine.
    let s = presets::school_pian1_qinghewan("2025-1", d(2025, 9, 1));
    assert!(validate_school(&s, &base()).is_empty());
}

#[test]
fn missing_scope_grades_are_named() {
    let mut s = presets::school_pian1_qinghewan("2025-1", d(2025, 9, 1));
    s.rules.scope.stages[0].grades = vec![6, 8];
    s.rules.matching[0].grades = vec![6, 8];
    let v = validate_school(&s, &base());
    assert_eq!(paths(&v), vec!["scope.stages.0.grades"], "{v:#?}");
    assert!(
        v[0].message_zh.contains("7年级、9年级"),
        "{}",
        v[0].message_zh
    );

    // A nine-year school must cover the primary floor and the middle floor.
    s.rules.scope.stages = vec![StageScope {
        stage: SchoolStage::NineYear,
        grades: vec![5, 6, 7, 8, 9],
    }];
    s.rules.matching[0].grades = vec![5, 6, 7, 8, 9];
    let v = validate_school(&s, &base());
    assert_eq!(paths(&v), vec!["scope.stages.0.grades"]);
    assert!(v[0].message_zh.contains("4年级"));
    // Adding more than the floor is fine.
    s.rules.scope.stages[0].grades = (1..=9).collect();
    s.rules.matching[0].grades = (1..=9).collect();
    assert!(validate_school(&s, &base()).is_empty());
}

#[test]
fn self_consistency_errors() {
    let mut s = presets::school_pian5_yingyuan("2025-1", d(2025, 9, 1));
    s.rules.ratio = RatioCap {
        default_max: 15,
        per_grade: [(7, 0), (13, 5)].into_iter().collect(),
    };
    s.rules.scope.stages[0].grades.push(3);
    s.rules.matching[1].methods.clear();
    s.rules.tasks.optional_actions.min_per_term = 11;
    s.rules.tasks.optional_actions.menu[1].code = "class_meeting".into();
    s.rules.tasks.talks.one_per_key_exam = true;
    s.rules.tasks.talks.triggers = vec![shared::activity::Trigger::LifeEvent];
    s.rules.communication.parent_contact_roles = vec![Role::Parent];
    s.rules.assessment.primary = BandScale::percent_default();
    s.rules.assessment.secondary.bands[1].min = 61;
    s.meta.name = " ".into();
    let v = validate_school(&s, &base());
    let p = paths(&v);
    for expected in [
        "meta.name",
        "ratio.per_grade.7",
        "ratio.per_grade.13",
        "scope.stages.0.grades",
        "matching.1.methods",
        "matching",
        "tasks.optional_actions.min_per_term",
        "tasks.optional_actions.menu.1.code",
        "tasks.talks.triggers",
        "communication.parent_contact_roles",
        "assessment.primary.kind",
        "assessment.secondary.bands.1.min",
    ] {
        assert!(p.contains(&expected), "missing {expected} in {p:?}");
    }
    assert!(
        v.iter()
            .all(|x| !x.message_zh.is_empty() && !x.message_en.is_empty())
    );
}

#[test]
fn baseline_on_its_own() {
    let mut b = base();
    assert!(validate_baseline(&b).is_empty());
    b.rules.ratio.default_max = 0;
    b.rules.scope.stages[1].grades = vec![4, 5, 7];
    b.rules.tasks.home_visit.window.to.days = -60;
    b.rules.assessment.primary.kind = DisplayKind::PercentBands;
    b.meta.version = 0;
    let v = validate_baseline(&b);
    let p = paths(&v);
    for expected in [
        "ratio.default_max",
        "scope.stages.1.grades",
        "tasks.home_visit.window.from",
        "assessment.primary.kind",
        "meta.version",
    ] {
        assert!(p.contains(&expected), "missing {expected} in {p:?}");
    }
}

#[test]
fn communication_rules() {
    let mut s = presets::school_pian2("2025-1", d(2025, 9, 1));
    s.rules
        .communication
        .parent_contact_roles
        .push(Role::GradeLeader);
    s.rules.communication.preferred_channel = Channel::Online;
    let v = validate_school(&s, &base());
    assert_eq!(
        paths(&v),
        vec![
            "communication.parent_contact_roles",
            "communication.preferred_channel"
        ]
    );
    let c = &base().rules.communication;
    assert!(c.may_contact_parents(&[Role::Mentor]));
    assert!(c.may_contact_parents(&[Role::HeadTeacher]));
    assert!(!c.may_contact_parents(&[Role::GradeLeader]));
    assert!(!c.may_contact_parents(&[]));
    assert!(
        c.refusal_zh().contains("学生的班主任或学生的导师"),
        "{}",
        c.refusal_zh()
    );
    assert!(c.refusal_en().contains("mentor"));
}

#[test]
fn town_only_home_visits_narrow_the_baseline() {
    let mut s = presets::school_pian2("2025-1", d(2025, 9, 1));
    s.rules.tasks.home_visit.condition = Some(StudentCondition::LivesInTown);
    let v = validate_school(&s, &base());
    assert_eq!(paths(&v), vec!["tasks.home_visit.condition"]);
}

#[test]
fn later_deadlines_are_looser() {
    let b4 = presets::district_pian4("2025-1", d(2025, 9, 1));
    let mut s = presets::school_pian1_qinghewan("2025-1", d(2025, 9, 1));
    assert!(
        validate_school(&s, &b4).is_empty(),
        "{:?}",
        validate_school(&s, &b4)
    );
    s.rules.tasks.home_visit.window = WindowSpec::before_start_or_first_weeks(28, 2);
    s.rules.tasks.growth_message.window = WindowSpec::at_end(14, 10);
    let v = validate_school(&s, &b4);
    assert_eq!(
        paths(&v),
        vec![
            "tasks.home_visit.window.to",
            "tasks.growth_message.window.to"
        ]
    );
    assert!(v[0].message_zh.contains("晚14天"), "{}", v[0].message_zh);
}

#[test]
fn successor_versions() {
    let a = presets::school_pian2("2025-1", d(2025, 9, 1)).meta;
    let mut b = a.clone();
    b.version = 2;
    b.term_id = "2025-2".into();
    b.effective_from = d(2026, 2, 16);
    assert!(validate_successor(&a, &b).is_empty());
    b.version = 1;
    b.effective_from = d(2025, 8, 1);
    assert_eq!(
        paths(&validate_successor(&a, &b)),
        vec!["meta.version", "meta.effective_from"]
    );
}

#[test]
fn diff_lists_what_changes() {
    let a = presets::school_pian2("2025-1", d(2025, 9, 1));
    let mut b = a.clone();
    b.meta.version = 2;
    b.rules.ratio.default_max = 8;
    b.rules.tasks.talks.count_per_term = 5;
    b.rules.communication.parent_contact_roles = vec![Role::Mentor];
    b.rules.matching[0].methods.push(MatchingMethod::BlindBox);
    let c = diff(&a, &b);
    let p: Vec<&str> = c.iter().map(|x| x.path.as_str()).collect();
    // Paths come sorted (JSON object keys in order).
    assert_eq!(
        p,
        vec![
            "meta.version",
            "rules.communication.parent_contact_roles",
            "rules.matching.0.methods",
            "rules.ratio.default_max",
            "rules.tasks.talks.count_per_term",
        ]
    );
    let r = &c[3];
    assert_eq!(r.before, Some(serde_json::json!(10)));
    assert_eq!(r.after, Some(serde_json::json!(8)));
    // Rules-only diff gives the validation paths.
    let c = diff(&a.rules, &b.rules);
    assert_eq!(c[2].path, "ratio.default_max");
    // A per-grade cap added shows as an addition.
    let mut e = a.rules.clone();
    e.ratio.per_grade.insert(11, 9);
    let c = diff(&a.rules, &e);
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].path, "ratio.per_grade.11");
    assert_eq!(c[0].before, None);
}

#[test]
fn policy_json_round_trips_with_grade_keys() {
    let s = presets::school_pian5_yingyuan("2025-1", d(2025, 9, 1));
    let j = serde_json::to_value(&s).unwrap();
    assert_eq!(j["rules"]["ratio"]["per_grade"]["7"], 16);
    assert_eq!(j["rules"]["matching"][0]["methods"][0], "SELF_SELECTION");
    assert_eq!(j["rules"]["tasks"]["home_visit"]["cadence"], "PER_TERM");
    assert_eq!(j["rules"]["scope"]["stages"][0]["stage"], "middle");
    assert_eq!(j["rules"]["assessment"]["primary"]["kind"], "GRADE_LEVELS");
    assert_eq!(
        j["rules"]["tasks"]["home_visit"]["window"]["from"]["anchor"],
        "PERIOD_START"
    );
    let back: SchoolPolicy = serde_json::from_value(j).unwrap();
    assert_eq!(back, s);
}

//! Property tests: a school policy that validates never loosens the district
//! baseline; tightening keeps it valid; each loosening fails at its own path.

use chrono::NaiveDate;
use std::cell::Cell;

use proptest::prelude::*;
use proptest::test_runner::TestRunner;
use shared::activity::Channel;
use shared::org::{Role, SchoolStage};
use shared::policy::presets;
use shared::policy::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn window_for(c: Cadence, b: &PolicyRules, kind: &str) -> WindowSpec {
    let (bc, bw) = match kind {
        "home" => (b.tasks.home_visit.cadence, b.tasks.home_visit.window),
        _ => (
            b.tasks.growth_message.cadence,
            b.tasks.growth_message.window,
        ),
    };
    if c == bc {
        bw
    } else if kind == "home" {
        WindowSpec::before_start_or_first_weeks(28, 0)
    } else {
        WindowSpec::at_end(14, 0)
    }
}

#[derive(Debug, Clone)]
struct BaseKnobs {
    cap: u32,
    cap7: Option<u32>,
    hv: (u32, Cadence),
    talks: u32,
    gm: (u32, Cadence),
    parent: u32,
    report: u32,
    optional: u32,
    grace: u32,
}

fn cadence() -> impl Strategy<Value = Cadence> {
    prop_oneof![Just(Cadence::PerTerm), Just(Cadence::PerYear)]
}

fn base_knobs() -> impl Strategy<Value = BaseKnobs> {
    (
        10u32..=20,
        proptest::option::of(8u32..=20),
        (1u32..=2, cadence()),
        1u32..=3,
        (1u32..=2, cadence()),
        0u32..=2,
        0u32..=1,
        0u32..=2,
        7u32..=21,
    )
        .prop_map(
            |(cap, cap7, hv, talks, gm, parent, report, optional, grace)| BaseKnobs {
                cap,
                cap7,
                hv,
                talks,
                gm,
                parent,
                report,
                optional,
                grace,
            },
        )
}

fn baseline(k: &BaseKnobs) -> DistrictBaseline {
    let mut b = presets::district_pian6("2025-1", d(2025, 9, 1));
    let r = &mut b.rules;
    r.ratio.default_max = k.cap;
    if let Some(c) = k.cap7 {
        r.ratio.per_grade.insert(7, c);
    }
    r.tasks.home_visit.count = k.hv.0;
    r.tasks.home_visit.cadence = k.hv.1;
    r.tasks.home_visit.window = if k.hv.1 == Cadence::PerYear {
        WindowSpec::before_start_or_first_weeks(28, 4)
    } else {
        WindowSpec::before_start_or_first_weeks(28, 0)
    };
    r.tasks.talks.count_per_term = k.talks;
    r.tasks.growth_message.count = k.gm.0;
    r.tasks.growth_message.cadence = k.gm.1;
    r.tasks.growth_message.window = WindowSpec::at_end(14, 0);
    r.tasks.parent_contact.per_month = k.parent;
    r.tasks.self_report.per_month = k.report;
    r.tasks.optional_actions.min_per_term = k.optional;
    r.tasks.handover_grace_days = k.grace;
    assert!(
        validate_baseline(&b).is_empty(),
        "{:?}",
        validate_baseline(&b)
    );
    b
}

/// A middle school exactly at the baseline.
fn at_baseline(b: &DistrictBaseline) -> SchoolPolicy {
    let mut s = presets::school_pian5_yingyuan("2025-1", d(2025, 9, 1));
    s.rules.scope = Scope {
        stages: vec![StageScope {
            stage: SchoolStage::Middle,
            grades: vec![6, 7, 8, 9],
        }],
    };
    s.rules.ratio = b.rules.ratio.clone();
    let menu = s.rules.tasks.optional_actions.menu.clone();
    s.rules.tasks = b.rules.tasks.clone();
    s.rules.tasks.optional_actions.menu = menu;
    s.rules.communication = b.rules.communication.clone();
    s
}

#[derive(Debug, Clone)]
struct SchoolKnobs {
    grades: Vec<i32>,
    cap: u32,
    per_grade: Vec<(i32, u32)>,
    hv: (u32, Cadence),
    talks: u32,
    gm: (u32, Cadence),
    parent: u32,
    report: u32,
    optional: u32,
    grace: u32,
    roles: Vec<Role>,
    channel: Channel,
    town_only: bool,
}

/// Near a baseline value: mostly as strict or stricter (by up to 2), about one
/// time in eleven looser by 1 or 2. `up` says whether a larger value is
/// stricter (counts) or looser (caps, grace days); `min` is the floor.
fn near(base: u32, up: bool, min: u32) -> BoxedStrategy<u32> {
    let stricter = (0u32..=2).prop_map(move |d| {
        if up {
            base + d
        } else {
            base.saturating_sub(d).max(min)
        }
    });
    let looser = (1u32..=2).prop_map(move |d| if up { base.saturating_sub(d) } else { base + d });
    prop_oneof![10 => stricter, 1 => looser].boxed()
}

/// The baseline's cadence or per term (stricter) mostly, per year sometimes.
fn near_cadence(base: Cadence) -> BoxedStrategy<Cadence> {
    prop_oneof![6 => Just(base), 3 => Just(Cadence::PerTerm), 1 => Just(Cadence::PerYear)].boxed()
}

/// A school near the baseline: each knob is mostly as strict as the
/// baseline or stricter and sometimes looser, so that both valid and invalid
/// schools come up often (independent random knobs are almost never valid).
fn school_knobs(bk: &BaseKnobs) -> impl Strategy<Value = SchoolKnobs> + use<> {
    let base_roles = baseline(bk).rules.communication.parent_contact_roles;
    let counts = (
        (near(bk.hv.0, true, 0), near_cadence(bk.hv.1)),
        near(bk.talks, true, 0),
        (near(bk.gm.0, true, 0), near_cadence(bk.gm.1)),
        near(bk.parent, true, 0),
        near(bk.report, true, 0),
        near(bk.optional, true, 0),
        near(bk.grace, false, 0),
    );
    let (cap, cap7) = (bk.cap, bk.cap7.unwrap_or(bk.cap));
    let per_grade = (6i32..=9).prop_flat_map(move |g| {
        let base = if g == 7 { cap7 } else { cap };
        (Just(g), near(base, false, 1))
    });
    let in_person: Vec<Channel> = Channel::ALL
        .into_iter()
        .filter(|c| c.is_in_person())
        .collect();
    let n_roles = base_roles.len();
    let rest = (
        prop_oneof![
            8 => Just(vec![6, 7, 8, 9]),
            1 => proptest::sample::subsequence(vec![6, 7, 8, 9], 1..=4),
        ],
        near(bk.cap, false, 1),
        proptest::collection::vec(per_grade, 0..4),
        prop_oneof![
            8 => proptest::sample::subsequence(base_roles, 1..=n_roles),
            1 => proptest::sample::subsequence(
                vec![Role::HeadTeacher, Role::Mentor, Role::GradeLeader],
                1..=3,
            ),
        ],
        prop_oneof![
            8 => proptest::sample::select(in_person),
            1 => proptest::sample::select(Channel::ALL.to_vec()),
        ],
        proptest::bool::weighted(0.05),
    );
    (counts, rest).prop_map(
        |(
            (hv, talks, gm, parent, report, optional, grace),
            (grades, cap, per_grade, roles, channel, town_only),
        )| SchoolKnobs {
            grades,
            cap,
            per_grade,
            hv,
            talks,
            gm,
            parent,
            report,
            optional,
            grace,
            roles,
            channel,
            town_only,
        },
    )
}

fn school(b: &DistrictBaseline, k: &SchoolKnobs) -> SchoolPolicy {
    let mut s = at_baseline(b);
    let r = &mut s.rules;
    r.scope.stages[0].grades = k.grades.clone();
    r.matching = vec![MatchingRule {
        grades: k.grades.clone(),
        methods: vec![MatchingMethod::TwoWay],
        window: WindowSpec::weeks(1, 3),
    }];
    r.ratio.default_max = k.cap;
    r.ratio.per_grade = k.per_grade.iter().copied().collect();
    r.tasks.home_visit.count = k.hv.0;
    r.tasks.home_visit.cadence = k.hv.1;
    r.tasks.home_visit.window = window_for(k.hv.1, &b.rules, "home");
    r.tasks.home_visit.condition = k.town_only.then_some(StudentCondition::LivesInTown);
    r.tasks.talks.count_per_term = k.talks;
    r.tasks.growth_message.count = k.gm.0;
    r.tasks.growth_message.cadence = k.gm.1;
    r.tasks.growth_message.window = window_for(k.gm.1, &b.rules, "gm");
    r.tasks.parent_contact.per_month = k.parent;
    r.tasks.self_report.per_month = k.report;
    r.tasks.optional_actions.min_per_term = k.optional;
    r.tasks.handover_grace_days = k.grace;
    r.communication.parent_contact_roles = k.roles.clone();
    r.communication.preferred_channel = k.channel;
    s
}

fn per_year(count: u32, c: Cadence) -> u32 {
    match c {
        Cadence::PerTerm => count * TERMS_PER_YEAR,
        Cadence::PerYear => count,
    }
}

/// The independent statement of "never looser than the baseline".
fn assert_not_looser(s: &PolicyRules, b: &PolicyRules) {
    for g in 1..=12 {
        if s.scope.includes_grade(g) {
            assert!(s.ratio.cap_for(g) <= b.ratio.cap_for(g), "grade {g} cap");
        }
    }
    assert!(s.ratio.default_max <= b.ratio.default_max);
    for g in [6, 7, 8, 9] {
        assert!(s.scope.includes_grade(g), "scope lost grade {g}");
    }
    let (st, bt) = (&s.tasks, &b.tasks);
    assert!(per_year(st.home_visit.count, st.home_visit.cadence) >= bt.home_visit.count);
    if bt.home_visit.cadence == Cadence::PerTerm {
        assert_eq!(st.home_visit.cadence, Cadence::PerTerm);
        assert!(st.home_visit.count >= bt.home_visit.count);
    }
    assert!(st.home_visit.condition.is_none());
    assert!(
        per_year(st.growth_message.count, st.growth_message.cadence) >= bt.growth_message.count
    );
    if bt.growth_message.cadence == Cadence::PerTerm {
        assert_eq!(st.growth_message.cadence, Cadence::PerTerm);
    }
    assert!(st.talks.count_per_term >= bt.talks.count_per_term);
    assert!(st.parent_contact.per_month >= bt.parent_contact.per_month);
    assert!(st.self_report.per_month >= bt.self_report.per_month);
    assert!(st.optional_actions.min_per_term >= bt.optional_actions.min_per_term);
    assert!(st.handover_grace_days <= bt.handover_grace_days);
    for r in &s.communication.parent_contact_roles {
        assert!(b.communication.parent_contact_roles.contains(r));
    }
    assert!(s.communication.preferred_channel.is_in_person());
}

/// Random schools against random baselines: every valid one is at least as
/// strict as its baseline. Counts the valid and the invalid cases so that the
/// property is shown to be exercised (a generator that only ever produced
/// invalid schools would otherwise pass without checking anything).
#[test]
fn valid_schools_never_loosen_the_baseline() {
    let mut runner = TestRunner::new(ProptestConfig::with_cases(1024));
    let valid = Cell::new(0u32);
    let invalid = Cell::new(0u32);
    runner
        .run(
            &base_knobs().prop_flat_map(|bk| (Just(bk.clone()), school_knobs(&bk))),
            |(bk, sk)| {
                let b = baseline(&bk);
                let s = school(&b, &sk);
                if validate_school(&s, &b).is_empty() {
                    valid.set(valid.get() + 1);
                    assert_not_looser(&s.rules, &b.rules);
                } else {
                    invalid.set(invalid.get() + 1);
                }
                Ok(())
            },
        )
        .unwrap();
    assert!(valid.get() >= 100, "only {} valid schools", valid.get());
    assert!(
        invalid.get() >= 100,
        "only {} invalid schools",
        invalid.get()
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn tightening_passes(bk in base_knobs(), dcap in 0u32..5, more in 0u32..3, per_term in any::<bool>(), g in 6i32..=9) {
        let b = baseline(&bk);
        let mut s = at_baseline(&b);
        prop_assert!(validate_school(&s, &b).is_empty(), "{:?}", validate_school(&s, &b));
        let r = &mut s.rules;
        r.ratio.default_max = r.ratio.default_max.saturating_sub(dcap).max(1);
        let gcap = b.rules.ratio.cap_for(g).saturating_sub(dcap).max(1);
        r.ratio.per_grade.insert(g, gcap);
        r.tasks.home_visit.count += more;
        if per_term && r.tasks.home_visit.cadence == Cadence::PerYear {
            r.tasks.home_visit.cadence = Cadence::PerTerm;
            r.tasks.home_visit.window = WindowSpec::before_start_or_first_weeks(28, 0);
        }
        r.tasks.talks.count_per_term += more;
        r.tasks.growth_message.count += more.min(1);
        r.tasks.parent_contact.per_month += more;
        r.tasks.self_report.per_month += more;
        r.tasks.optional_actions.min_per_term += more;
        r.tasks.handover_grace_days = r.tasks.handover_grace_days.saturating_sub(dcap);
        r.communication.parent_contact_roles = vec![Role::Mentor];
        let v = validate_school(&s, &b);
        prop_assert!(v.is_empty(), "{v:?}");
        assert_not_looser(&s.rules, &b.rules);
    }

    #[test]
    fn each_loosening_fails_at_its_path(bk in base_knobs(), which in 0usize..10, by in 1u32..4) {
        let b = baseline(&bk);
        let mut s = at_baseline(&b);
        let r = &mut s.rules;
        let expected: String = match which {
            0 => { r.ratio.default_max += by; "ratio.default_max".into() }
            1 => {
                let cap = b.rules.ratio.cap_for(8) + by;
                r.ratio.per_grade.insert(8, cap);
                "ratio.per_grade.8".into()
            }
            2 => { r.scope.stages[0].grades.retain(|g| *g != 7); r.matching.iter_mut().for_each(|m| m.grades.retain(|g| *g != 7)); "scope.stages.0.grades".into() }
            3 => { r.tasks.talks.count_per_term -= 1; "tasks.talks.count_per_term".into() }
            4 => {
                if b.rules.tasks.home_visit.cadence == Cadence::PerTerm {
                    r.tasks.home_visit.cadence = Cadence::PerYear;
                    r.tasks.home_visit.window = WindowSpec::before_start_or_first_weeks(28, 4);
                    "tasks.home_visit.cadence".into()
                } else {
                    r.tasks.home_visit.count -= 1;
                    "tasks.home_visit.count".into()
                }
            }
            5 => { r.tasks.growth_message.count -= 1; "tasks.growth_message.count".into() }
            6 => {
                // Nothing is looser than none: such a baseline is not an input here.
                prop_assume!(b.rules.tasks.parent_contact.per_month > 0);
                r.tasks.parent_contact.per_month -= 1;
                "tasks.parent_contact.per_month".into()
            }
            7 => { r.tasks.handover_grace_days += by; "tasks.handover_grace_days".into() }
            8 => { r.communication.parent_contact_roles.push(Role::GradeLeader); "communication.parent_contact_roles".into() }
            _ => { r.tasks.home_visit.condition = Some(StudentCondition::LivesInTown); "tasks.home_visit.condition".into() }
        };
        let v = validate_school(&s, &b);
        let paths: Vec<&str> = v.iter().map(|x| x.path.as_str()).collect();
        prop_assert_eq!(paths, vec![expected.as_str()]);
    }
}

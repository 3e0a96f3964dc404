//! The demo district (示范区): three schools with classes, teachers, students,
//! parents, mentor pairs and the named demo accounts. Deterministic (seeded),
//! and skipped when the district already exists.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use shared::org::{Qualification, Role, SchoolStage};
use uuid::Uuid;

use super::entities::{
    class, district, guardian, mentor_assignment, school, staff, student, student_guardian,
    teaching, term,
};
use crate::auth::entities::{role_grant, user};
use crate::auth::password;
use crate::tenancy::Ctx;

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "daoshi-demo";

/// What to seed.
#[derive(Debug, Clone)]
pub struct DemoSpec {
    /// District code (platform-unique).
    pub code: String,
    /// District name.
    pub name: String,
    /// Prefix for account names and school codes, so that several demo
    /// districts can live on one platform (`""` for the default).
    pub prefix: String,
    /// Students per class.
    pub class_size: usize,
}

impl Default for DemoSpec {
    fn default() -> Self {
        DemoSpec {
            code: "demo".into(),
            name: "示范区".into(),
            prefix: String::new(),
            class_size: 42,
        }
    }
}

/// What was seeded.
#[derive(Debug)]
pub struct DemoSummary {
    /// False when the district already existed.
    pub created: bool,
    /// Students seeded.
    pub students: usize,
    /// Demo account names.
    pub accounts: Vec<String>,
}

const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈";
const GIVEN: &str = "子涵浩宇欣怡梓轩一诺俊杰雨泽思佳明睿晨博文嘉可心昊然诗琪天佑宁安若彤家乐语桐沐辰亦舒景瑞晓婷志远振华秀兰建国丽娟";

fn person_name(rng: &mut StdRng) -> String {
    let s: Vec<char> = SURNAMES.chars().collect();
    let g: Vec<char> = GIVEN.chars().collect();
    let mut name = String::new();
    name.push(s[rng.gen_range(0..s.len())]);
    let n = if rng.gen_bool(0.7) { 2 } else { 1 };
    for _ in 0..n {
        name.push(g[rng.gen_range(0..g.len())]);
    }
    name
}

fn grade_label(grade: i32) -> String {
    const CN: [&str; 9] = ["一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match grade {
        1..=9 => format!("{}年级", CN[(grade - 1) as usize]),
        10 => "高一".into(),
        11 => "高二".into(),
        _ => "高三".into(),
    }
}

struct SchoolPlan {
    name: &'static str,
    stage: SchoolStage,
    grades: std::ops::RangeInclusive<i32>,
    classes_per_grade: i32,
    per_class: [&'static str; 2],
    per_grade: &'static [&'static str],
    /// The grade of the named head teacher's class (in the programme's scope).
    focus_grade: i32,
}

const PLANS: [SchoolPlan; 3] = [
    SchoolPlan {
        name: "示范区实验小学",
        stage: SchoolStage::Primary,
        grades: 1..=6,
        classes_per_grade: 2,
        per_class: ["语文", "数学"],
        per_grade: &["英语", "体育"],
        focus_grade: 4,
    },
    SchoolPlan {
        name: "示范区迎园中学",
        stage: SchoolStage::Middle,
        grades: 6..=9,
        classes_per_grade: 3,
        per_class: ["语文", "数学"],
        per_grade: &["英语", "科学", "道德与法治"],
        focus_grade: 7,
    },
    SchoolPlan {
        name: "示范区第一高级中学",
        stage: SchoolStage::High,
        grades: 10..=12,
        classes_per_grade: 4,
        per_class: ["语文", "数学"],
        per_grade: &["英语", "物理", "化学", "历史"],
        focus_grade: 10,
    },
];

const SPECIALTIES: [&str; 6] = [
    "心理辅导",
    "生涯规划",
    "学科竞赛",
    "课题研究",
    "体育特长",
    "艺术素养",
];

/// Seeds the demo district unless its code exists. Runs as the operator.
pub async fn seed(ctx: &Ctx, spec: &DemoSpec) -> anyhow::Result<DemoSummary> {
    let db = ctx.db();
    if district::Entity::find()
        .filter(district::Column::Code.eq(&spec.code))
        .one(db)
        .await?
        .is_some()
    {
        return Ok(DemoSummary {
            created: false,
            students: 0,
            accounts: vec![],
        });
    }
    let mut rng = StdRng::seed_from_u64(2026 + spec.code.len() as u64);
    let now = chrono::Utc::now();
    let hash = password::hash_async(DEMO_PASSWORD.to_string()).await?;
    let district_id = Uuid::new_v4();
    district::ActiveModel {
        id: Set(district_id),
        code: Set(spec.code.clone()),
        name: Set(spec.name.clone()),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    let p = &spec.prefix;
    let mut accounts = vec![];
    let mut make_user = |name: String, display: String, school: Option<Uuid>| {
        accounts.push(name.clone());
        user::ActiveModel {
            id: Set(Uuid::new_v4()),
            username: Set(name),
            password_hash: Set(hash.clone()),
            display_name: Set(display),
            district_id: Set(Some(district_id)),
            school_id: Set(school),
            active: Set(true),
            created_at: Set(now),
            token_version: Set(0),
            must_change_password: Set(false),
        }
    };
    let grant = |user_id: Uuid, role: Role, school: Option<Uuid>| role_grant::ActiveModel {
        id: Set(Uuid::new_v4()),
        user_id: Set(user_id),
        role: Set(role.code().into()),
        district_id: Set(district_id),
        school_id: Set(school),
        grade: Set(None),
        created_at: Set(now),
    };
    let u = make_user(format!("{p}district"), format!("{}教育局", spec.name), None)
        .insert(db)
        .await?;
    grant(u.id, Role::DistrictAdmin, None).insert(db).await?;

    let mut total_students = 0;
    let mut phone_seq: u64 = 0;
    let phone_base: u64 = 13_900_000_000 - (spec.prefix.len() as u64) * 100_000_000 % 1_000_000_000;
    for (k, plan) in PLANS.iter().enumerate() {
        let k = k + 1;
        let school_id = Uuid::new_v4();
        let school_name = if spec.prefix.is_empty() {
            plan.name.to_string()
        } else {
            plan.name.replacen("示范区", &spec.name, 1)
        };
        school::ActiveModel {
            id: Set(school_id),
            district_id: Set(district_id),
            code: Set(format!("{}-s{k}", spec.code)),
            name: Set(school_name),
            stage: Set(plan.stage.code().into()),
            created_at: Set(now),
        }
        .insert(db)
        .await?;
        let ins_term = |name: &str, from: (i32, u32, u32), to: (i32, u32, u32)| term::ActiveModel {
            id: Set(Uuid::new_v4()),
            district_id: Set(district_id),
            school_id: Set(school_id),
            name: Set(name.into()),
            academic_year: Set("2026-2027".into()),
            starts_on: Set(
                chrono::NaiveDate::from_ymd_opt(from.0, from.1, from.2).unwrap_or_default()
            ),
            ends_on: Set(chrono::NaiveDate::from_ymd_opt(to.0, to.1, to.2).unwrap_or_default()),
        };
        term::Entity::insert_many([
            ins_term("2026学年第一学期", (2026, 9, 1), (2027, 1, 22)),
            ins_term("2026学年第二学期", (2027, 2, 17), (2027, 6, 30)),
        ])
        .exec(db)
        .await?;

        let mut staff_rows = vec![];
        let mut staff_seq = 0;
        let new_staff =
            |rng: &mut StdRng, party: bool, staff_seq: &mut u32, phone_seq: &mut u64| {
                *staff_seq += 1;
                *phone_seq += 1;
                let spec_count = rng.gen_range(0..3);
                let specs: Vec<&str> = (0..spec_count)
                    .map(|_| SPECIALTIES[rng.gen_range(0..SPECIALTIES.len())])
                    .collect();
                staff::ActiveModel {
                    id: Set(Uuid::new_v4()),
                    district_id: Set(district_id),
                    school_id: Set(school_id),
                    staff_no: Set(format!("T{k}{staff_seq:03}")),
                    name: Set(person_name(rng)),
                    gender: Set(Some(if rng.gen_bool(0.7) { "女" } else { "男" }.into())),
                    phone: Set(Some(format!("{}", phone_base + *phone_seq))),
                    party_member: Set(party),
                    specialties: Set(serde_json::to_string(&specs).unwrap_or_else(|_| "[]".into())),
                    qualification: Set(Qualification::Appointed.code().into()),
                    user_id: Set(None),
                    created_at: Set(now),
                }
            };
        // The principal (school admin) and the psychology teacher (counsellor).
        let admin_staff = new_staff(&mut rng, true, &mut staff_seq, &mut phone_seq);
        let admin_staff_id = *admin_staff.id.as_ref();
        staff_rows.push(admin_staff);
        let counsellor_staff = new_staff(&mut rng, false, &mut staff_seq, &mut phone_seq);
        let counsellor_staff_id = *counsellor_staff.id.as_ref();
        staff_rows.push(counsellor_staff);

        let mut class_rows = vec![];
        let mut teaching_rows = vec![];
        let mut student_rows = vec![];
        let mut guardian_rows = vec![];
        let mut link_rows = vec![];
        let mut pair_rows = vec![];
        let mut focus: Option<(Uuid, Uuid, Uuid, Uuid)> = None; // head staff, mentor staff, student, guardian
        let mut second_child: Option<Uuid> = None;
        // The focus grade's grade-wide teachers, among whom the leader
        // (年级组长) of the grade is picked.
        let mut grade_wide: Vec<Uuid> = vec![];
        for grade in plan.grades.clone() {
            let mut grade_teachers = vec![];
            let mut class_ids = vec![];
            for c in 1..=plan.classes_per_grade {
                let class_id = Uuid::new_v4();
                class_ids.push(class_id);
                let mut head = None;
                for subject in plan.per_class {
                    let party = rng.gen_bool(0.3);
                    let t = new_staff(&mut rng, party, &mut staff_seq, &mut phone_seq);
                    let tid = *t.id.as_ref();
                    head.get_or_insert(tid);
                    grade_teachers.push(tid);
                    staff_rows.push(t);
                    teaching_rows.push((tid, class_id, subject));
                }
                class_rows.push(class::ActiveModel {
                    id: Set(class_id),
                    district_id: Set(district_id),
                    school_id: Set(school_id),
                    grade: Set(grade),
                    name: Set(format!("{}({c})班", grade_label(grade))),
                    head_teacher_id: Set(head),
                    created_at: Set(now),
                });
            }
            for subject in plan.per_grade {
                let party = rng.gen_bool(0.3);
                let t = new_staff(&mut rng, party, &mut staff_seq, &mut phone_seq);
                let tid = *t.id.as_ref();
                // The focus grade's grade-wide teachers: one leads the grade.
                if grade == plan.focus_grade {
                    grade_wide.push(tid);
                }
                grade_teachers.push(tid);
                staff_rows.push(t);
                for class_id in &class_ids {
                    teaching_rows.push((tid, *class_id, subject));
                }
            }
            // Students, guardians, and mentor pairs round-robin among the
            // grade's teachers (at most 15 each with these sizes).
            let mut n = 0usize;
            for (ci, class_id) in class_ids.iter().enumerate() {
                for seat in 1..=spec.class_size {
                    let sid = Uuid::new_v4();
                    let gid = Uuid::new_v4();
                    phone_seq += 1;
                    let surname = person_name(&mut rng);
                    let family: Vec<&str> = if rng.gen_bool(0.06) {
                        vec!["single_parent"]
                    } else if rng.gen_bool(0.03) {
                        vec!["left_behind"]
                    } else {
                        vec![]
                    };
                    student_rows.push(student::ActiveModel {
                        id: Set(sid),
                        district_id: Set(district_id),
                        school_id: Set(school_id),
                        student_no: Set(format!("2026{k}{grade:02}{:02}{seat:02}", ci + 1)),
                        name: Set(surname.clone()),
                        gender: Set(if rng.gen_bool(0.5) { "男" } else { "女" }.into()),
                        class_id: Set(*class_id),
                        special_needs: Set("[]".into()),
                        family_flags: Set(
                            serde_json::to_string(&family).unwrap_or_else(|_| "[]".into())
                        ),
                        lives_in_town: Set(rng.gen_bool(0.8)),
                        user_id: Set(None),
                        created_at: Set(now),
                        joined_on: Set(None),
                    });
                    let parent_given: String = person_name(&mut rng).chars().skip(1).collect();
                    let parent_name: String = surname
                        .chars()
                        .take(1)
                        .chain(parent_given.chars())
                        .collect();
                    guardian_rows.push(guardian::ActiveModel {
                        id: Set(gid),
                        district_id: Set(district_id),
                        school_id: Set(school_id),
                        name: Set(parent_name),
                        phone: Set(format!("{}", phone_base + phone_seq)),
                        user_id: Set(None),
                        created_at: Set(now),
                    });
                    link_rows.push(student_guardian::ActiveModel {
                        id: Set(Uuid::new_v4()),
                        district_id: Set(district_id),
                        school_id: Set(school_id),
                        student_id: Set(sid),
                        guardian_id: Set(gid),
                        relation: Set(if rng.gen_bool(0.5) {
                            "母亲"
                        } else {
                            "父亲"
                        }
                        .into()),
                    });
                    // The named student sits in the focus grade's class 1,
                    // mentored by the grade's first shared-subject teacher.
                    let named = grade == plan.focus_grade && ci == 0 && seat == 1;
                    let mentor = if named {
                        grade_teachers[plan.per_class.len() * class_ids.len()]
                    } else {
                        grade_teachers[n % grade_teachers.len()]
                    };
                    if named {
                        let head = grade_teachers[0];
                        focus = Some((head, mentor, sid, gid));
                    } else if grade == plan.focus_grade + 1 && ci == 0 && seat == 2 {
                        second_child = Some(sid);
                    }
                    pair_rows.push(mentor_assignment::ActiveModel {
                        id: Set(Uuid::new_v4()),
                        district_id: Set(district_id),
                        school_id: Set(school_id),
                        student_id: Set(sid),
                        staff_id: Set(mentor),
                        starts_on: Set(
                            chrono::NaiveDate::from_ymd_opt(2026, 9, 1).unwrap_or_default()
                        ),
                        ends_on: Set(None),
                        stage: Set("preference".into()),
                        created_at: Set(now),
                    });
                    n += 1;
                }
            }
        }
        total_students += student_rows.len();
        // Named accounts, linked to their people.
        let (head_id, mentor_id, student_id, guardian_id) =
            focus.ok_or_else(|| anyhow::anyhow!("demo plan has no focus class"))?;
        let mut link_user = |uname: &str, display: &str| {
            make_user(
                format!("{p}s{k}.{uname}"),
                display.to_string(),
                Some(school_id),
            )
        };
        let named = [
            (
                "admin",
                "校长",
                vec![Role::SchoolAdmin],
                Some(admin_staff_id),
            ),
            (
                "head1",
                "班主任",
                vec![Role::HeadTeacher, Role::Mentor],
                Some(head_id),
            ),
            ("mentor1", "导师", vec![Role::Mentor], Some(mentor_id)),
            (
                "counsellor",
                "心理老师",
                vec![Role::Counsellor, Role::Mentor],
                Some(counsellor_staff_id),
            ),
        ];
        let mut staff_user: Vec<(Uuid, Uuid)> = vec![];
        let mut users = vec![];
        let mut grants = vec![];
        for (uname, _, roles, sid) in &named {
            let staff_name = staff_rows
                .iter()
                .find(|s| Some(*s.id.as_ref()) == *sid)
                .map(|s| s.name.as_ref().clone())
                .unwrap_or_default();
            let u = link_user(uname, &staff_name);
            let uid = *u.id.as_ref();
            users.push(u);
            for r in roles {
                grants.push(grant(uid, *r, Some(school_id)));
            }
            if let Some(sid) = sid {
                staff_user.push((*sid, uid));
            }
        }
        // `s{k}.grade{G}`: the grade leader of the focus grade, a mentor too
        // (a teacher of the grade who is neither `head1` nor `mentor1`).
        if let Some(lead) = grade_wide
            .iter()
            .copied()
            .find(|t| *t != head_id && *t != mentor_id)
        {
            let staff_name = staff_rows
                .iter()
                .find(|s| *s.id.as_ref() == lead)
                .map(|s| s.name.as_ref().clone())
                .unwrap_or_default();
            let u = link_user(&format!("grade{}", plan.focus_grade), &staff_name);
            let uid = *u.id.as_ref();
            users.push(u);
            let mut g = grant(uid, Role::GradeLeader, Some(school_id));
            g.grade = Set(Some(plan.focus_grade));
            grants.push(g);
            grants.push(grant(uid, Role::Mentor, Some(school_id)));
            staff_user.push((lead, uid));
        }
        let student_name = student_rows
            .iter()
            .find(|s| *s.id.as_ref() == student_id)
            .map(|s| s.name.as_ref().clone())
            .unwrap_or_default();
        let su = link_user("student1", &student_name);
        let student_user = *su.id.as_ref();
        users.push(su);
        grants.push(grant(student_user, Role::Student, Some(school_id)));
        let parent_name = guardian_rows
            .iter()
            .find(|g| *g.id.as_ref() == guardian_id)
            .map(|g| g.name.as_ref().clone())
            .unwrap_or_default();
        let pu = link_user("parent1", &parent_name);
        let parent_user = *pu.id.as_ref();
        users.push(pu);
        grants.push(grant(parent_user, Role::Parent, Some(school_id)));
        if let Some(sib) = second_child {
            link_rows.push(student_guardian::ActiveModel {
                id: Set(Uuid::new_v4()),
                district_id: Set(district_id),
                school_id: Set(school_id),
                student_id: Set(sib),
                guardian_id: Set(guardian_id),
                relation: Set("家长".into()),
            });
        }
        for s in staff_rows.iter_mut() {
            if let Some((_, uid)) = staff_user.iter().find(|(sid, _)| sid == s.id.as_ref()) {
                s.user_id = Set(Some(*uid));
            }
        }
        for s in student_rows.iter_mut() {
            if *s.id.as_ref() == student_id {
                s.user_id = Set(Some(student_user));
            }
        }
        for g in guardian_rows.iter_mut() {
            if *g.id.as_ref() == guardian_id {
                g.user_id = Set(Some(parent_user));
            }
        }
        user::Entity::insert_many(users).exec(db).await?;
        role_grant::Entity::insert_many(grants).exec(db).await?;
        for chunk in staff_rows.chunks(200) {
            staff::Entity::insert_many(chunk.to_vec()).exec(db).await?;
        }
        class::Entity::insert_many(class_rows).exec(db).await?;
        let teaching_models: Vec<teaching::ActiveModel> = teaching_rows
            .into_iter()
            .map(|(tid, cid, subject)| teaching::ActiveModel {
                id: Set(Uuid::new_v4()),
                district_id: Set(district_id),
                school_id: Set(school_id),
                staff_id: Set(tid),
                class_id: Set(cid),
                subject: Set(subject.into()),
            })
            .collect();
        for chunk in teaching_models.chunks(200) {
            teaching::Entity::insert_many(chunk.to_vec())
                .exec(db)
                .await?;
        }
        for chunk in student_rows.chunks(200) {
            student::Entity::insert_many(chunk.to_vec())
                .exec(db)
                .await?;
        }
        for chunk in guardian_rows.chunks(200) {
            guardian::Entity::insert_many(chunk.to_vec())
                .exec(db)
                .await?;
        }
        for chunk in link_rows.chunks(200) {
            student_guardian::Entity::insert_many(chunk.to_vec())
                .exec(db)
                .await?;
        }
        for chunk in pair_rows.chunks(200) {
            mentor_assignment::Entity::insert_many(chunk.to_vec())
                .exec(db)
                .await?;
        }
        crate::policy::demo::seed_demo(ctx, district_id, school_id, plan.stage).await?;
        crate::mentoring::demo::seed_demo(ctx, school_id).await?;
        crate::lifecycle::demo::seed_demo(ctx, district_id, school_id, k == 2).await?;
        crate::care::demo::seed_demo(ctx, school_id).await?;
        if k == 2 {
            crate::matching::demo::seed_demo(ctx, district_id, school_id).await?;
        }
        crate::insights::demo::seed_demo(ctx, school_id).await?;
    }
    Ok(DemoSummary {
        created: true,
        students: total_students,
        accounts,
    })
}

//! The demo's history: a term in progress as a real school has it. Most
//! students had their home visit in the holiday before term, most have had
//! a talk, the monthly contacts and reports of past months are mostly done
//! (some months missed), some optional actions are under way; a few
//! students are behind. Deterministic (seeded per student), dated in the
//! first term and never after today. The first students of the named
//! student's class (the named student and the classmates the task-engine
//! fixtures use, by 学号) and the students the named accounts' fixtures use
//! are left out; the rest of that class has its history like everyone else,
//! so the head teacher's class looks like a real class on a real day.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate, TimeZone, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use shared::activity::{ActivityKind, Channel, GuidanceArea, Trigger};
use shared::policy::PolicyRules;
use uuid::Uuid;

use super::entities::{activity, activity_student};
use crate::clock::today;
use crate::org::entities::{class, mentor_assignment, staff, student, term};
use crate::policy::entities::policy_version;
use crate::tenancy::Ctx;

/// One record to write: kind, channel, day, menu item, summary, student,
/// mentor (staff), recorder (user).
struct Plan {
    kind: ActivityKind,
    channel: Channel,
    on: NaiveDate,
    item: Option<String>,
    summary: &'static str,
    student: Uuid,
    mentor: Uuid,
    recorder: Uuid,
}

/// Whether the calendar month of `d` ended before `now`.
fn month_closed(d: NaiveDate, now: NaiveDate) -> bool {
    NaiveDate::from_ymd_opt(d.year(), d.month(), 1)
        .and_then(|first| first.checked_add_months(chrono::Months::new(1)))
        .is_some_and(|next| next <= now)
}

/// How many students of the named class (the first by 学号) stay without
/// records for the fixtures.
const CLEAN_IN_NAMED_CLASS: usize = 3;

/// Seeds the history of one school; the first [`CLEAN_IN_NAMED_CLASS`]
/// students of `skip_class` and `skip` are left without records. Returns
/// the number of activities written.
pub(super) async fn seed_history(
    ctx: &Ctx,
    school_id: Uuid,
    first_term: &term::Model,
    skip_class: Uuid,
    skip: &[Uuid],
) -> anyhow::Result<usize> {
    let db = ctx.db();
    let Some(policy) = policy_version::Entity::find()
        .filter(policy_version::Column::SchoolId.eq(school_id))
        .order_by_desc(policy_version::Column::Version)
        .one(db)
        .await?
    else {
        return Ok(0);
    };
    let rules: PolicyRules = serde_json::from_str(&policy.rules)?;
    let t = &rules.tasks;
    let grades: HashMap<Uuid, i32> = class::Entity::find()
        .filter(class::Column::SchoolId.eq(school_id))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.grade))
        .collect();
    let mentors: HashMap<Uuid, Uuid> = mentor_assignment::Entity::find()
        .filter(mentor_assignment::Column::SchoolId.eq(school_id))
        .filter(mentor_assignment::Column::EndsOn.is_null())
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.student_id, a.staff_id))
        .collect();
    let users: HashMap<Uuid, Option<Uuid>> = staff::Entity::find()
        .filter(staff::Column::SchoolId.eq(school_id))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s.user_id))
        .collect();
    let students = student::Entity::find()
        .filter(student::Column::SchoolId.eq(school_id))
        .order_by_asc(student::Column::StudentNo)
        .all(db)
        .await?;
    let mut skip = skip.to_vec();
    skip.extend(
        students
            .iter()
            .filter(|s| s.class_id == skip_class)
            .take(CLEAN_IN_NAMED_CLASS)
            .map(|s| s.id),
    );
    let start = first_term.starts_on;
    let now = today();
    // Closed months of the term so far (the current one is still open).
    let months: Vec<NaiveDate> = (0..5)
        .filter_map(|m| {
            let y = start.year() + (start.month0() as i32 + m) / 12;
            let mo = (start.month0() as i32 + m) % 12 + 1;
            NaiveDate::from_ymd_opt(y, mo as u32, 15)
        })
        .filter(|d| *d <= first_term.ends_on && month_closed(*d, now))
        .collect();
    let menu: Vec<String> = t
        .optional_actions
        .menu
        .iter()
        .map(|m| m.code.clone())
        .collect();
    let mut plans = vec![];
    for (i, s) in students.iter().enumerate() {
        let Some(&grade) = grades.get(&s.class_id) else {
            continue;
        };
        let Some(&mentor) = mentors.get(&s.id) else {
            continue;
        };
        if skip.contains(&s.id) || !rules.scope.includes_grade(grade) {
            continue;
        }
        let recorder = users.get(&mentor).copied().flatten().unwrap_or(mentor);
        let mut rng = StdRng::seed_from_u64(0x5eed_0000 + i as u64);
        let plan = |kind, channel, on: NaiveDate, item: Option<String>, summary| Plan {
            kind,
            channel,
            on,
            item,
            summary,
            student: s.id,
            mentor,
            recorder,
        };
        // The home visit in the holiday: most, not all.
        if t.home_visit.count > 0 && rng.gen_bool(0.9) {
            let on = start - Duration::days(rng.gen_range(3..=12));
            plans.push(plan(
                ActivityKind::HomeVisit,
                Channel::Home,
                on,
                None,
                "暑期家访，了解家庭情况和假期安排。",
            ));
        }
        // Talks through the term so far.
        if t.talks.count_per_term > 0 && rng.gen_bool(0.8) {
            let n = rng.gen_range(1..=t.talks.count_per_term.min(4));
            for k in 0..n {
                let on = start + Duration::days(i64::from(10 + k * 20) + rng.gen_range(0..10));
                plans.push(plan(
                    ActivityKind::Talk,
                    Channel::FaceToFace,
                    on,
                    None,
                    "谈心谈话，聊了近期学习和心情。",
                ));
            }
        }
        // Optional actions under way.
        if t.optional_actions.min_per_term > 0 && !menu.is_empty() {
            let n = [0usize, 1, 2, 2][rng.gen_range(0..4)];
            for k in 0..n {
                let item = menu[(i + k) % menu.len()].clone();
                let on = start + Duration::days(30 + 25 * k as i64 + rng.gen_range(0..10));
                plans.push(plan(
                    ActivityKind::OptionalAction,
                    Channel::FaceToFace,
                    on,
                    Some(item),
                    "自选动作：一起参加了活动。",
                ));
            }
        }
        // Monthly parent contact and student report of past months.
        for m in &months {
            if t.parent_contact.per_month > 0 && rng.gen_bool(0.85) {
                plans.push(plan(
                    ActivityKind::ParentContact,
                    Channel::Phone,
                    *m,
                    None,
                    "电话联系家长，反馈本月表现。",
                ));
            }
            if t.self_report.per_month > 0 && rng.gen_bool(0.8) {
                let mut p = plan(
                    ActivityKind::StudentReport,
                    Channel::Online,
                    *m + Duration::days(5),
                    None,
                    "本月学习和生活情况汇报。",
                );
                p.recorder = s.user_id.unwrap_or(s.id);
                plans.push(p);
            }
        }
    }
    plans.retain(|p| p.on <= now);

    let at = |d: NaiveDate| Utc.from_utc_datetime(&d.and_hms_opt(8, 0, 0).unwrap_or_default());
    let created = Utc::now();
    let areas = serde_json::to_string(&[GuidanceArea::Life.code()])?;
    let mut rows = Vec::with_capacity(plans.len());
    let mut links = Vec::with_capacity(plans.len());
    for (n, p) in plans.iter().enumerate() {
        let id = Uuid::new_v4();
        rows.push(activity::ActiveModel {
            id: Set(id),
            district_id: Set(first_term.district_id),
            school_id: Set(school_id),
            client_key: Set(format!("demo-history-{n}")),
            kind: Set(p.kind.code().into()),
            occurred_on: Set(p.on),
            occurred_at: Set(at(p.on)),
            place: Set(None),
            channel: Set(p.channel.code().into()),
            trigger: Set((p.kind == ActivityKind::Talk).then(|| Trigger::Routine.code().into())),
            guidance_areas: Set(areas.clone()),
            optional_action: Set(p.item.clone()),
            summary: Set(p.summary.into()),
            follow_up: Set(None),
            follow_up_due: Set(None),
            staff_id: Set(p.mentor),
            with_head_teacher: Set(false),
            co_staff_ids: Set("[]".into()),
            recorded_by: Set(p.recorder),
            created_at: Set(created),
        });
        links.push(activity_student::ActiveModel {
            id: Set(Uuid::new_v4()),
            district_id: Set(first_term.district_id),
            school_id: Set(school_id),
            activity_id: Set(id),
            student_id: Set(p.student),
        });
    }
    let written = rows.len();
    for chunk in rows.chunks(500) {
        activity::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    for chunk in links.chunks(500) {
        activity_student::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    Ok(written)
}

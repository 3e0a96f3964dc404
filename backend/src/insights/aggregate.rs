//! The recompute: one school's indicators on one day, from its raw rows,
//! stored as `insight_days` rows (replacing the day's earlier ones). Runs in
//! the school's own context (a job's, the school admin's refresh, or the
//! operator's seed); reads of the dashboards never touch raw rows.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    sea_query::Expr,
};
use shared::activity::{ActivityKind, Channel};
use shared::org::Qualification;
use shared::tasks::StatusCounts;
use uuid::Uuid;

use super::entities::insight_day;
use crate::care::entities::case as care_case;
use crate::error::ApiResult;
use crate::mentoring::entities::{activity, activity_student, growth_message};
use crate::org::entities::{class, mentor_assignment, school, staff, student, term};
use crate::policy::tasks::school_breakdown;
use crate::tenancy::Ctx;

/// Scope codes of `insight_days`.
pub const SCHOOL: &str = "school";
/// Per grade (key: the grade).
pub const GRADE: &str = "grade";
/// Per class (key: its id), school only.
pub const CLASS: &str = "class";
/// Per mentor (key: the staff id), school only.
pub const MENTOR: &str = "mentor";

/// Counters of one scope.
#[derive(Debug, Clone, Default)]
struct Acc {
    students: i32,
    matched: i32,
    mentors: i32,
    over_cap: i32,
    max_load: i32,
    cap: i32,
    tasks: StatusCounts,
    written: i32,
    reviewed: i32,
    published: i32,
    contacts: i32,
    face: i32,
    care_open: i32,
    care_ack: i32,
    care_minutes: i64,
    appointed: i32,
    training: i32,
}

type Key = (&'static str, String);

/// The term of a school containing `day`.
pub async fn term_on(ctx: &Ctx, school: Uuid, day: NaiveDate) -> ApiResult<Option<term::Model>> {
    Ok(term::Entity::find()
        .filter(term::Column::SchoolId.eq(school))
        .filter(term::Column::StartsOn.lte(day))
        .filter(term::Column::EndsOn.gte(day))
        .order_by_asc(term::Column::StartsOn)
        .one(ctx.db())
        .await?)
}

/// One school's computed rows for a day, not yet stored.
#[derive(Debug, Clone)]
pub struct Computed {
    /// The term they are of.
    pub term_id: Uuid,
    /// The day.
    pub day: NaiveDate,
    /// The rows.
    pub rows: Vec<insight_day::ActiveModel>,
}

/// Recomputes one school's rows for `day` and stores them in the context's
/// transaction; returns how many rows it wrote (none when no term contains
/// the day).
pub async fn recompute_school(ctx: &Ctx, s: &school::Model, day: NaiveDate) -> ApiResult<usize> {
    match compute_school(ctx, s, day).await? {
        Some(c) => store(ctx.db(), s.id, c).await,
        None => Ok(0),
    }
}

/// Computes one school's rows for `day` from its raw rows (reads only).
#[tracing::instrument(skip_all, fields(school = %s.id, day = %day))]
pub async fn compute_school(
    ctx: &Ctx,
    s: &school::Model,
    day: NaiveDate,
) -> ApiResult<Option<Computed>> {
    let Some(t) = term_on(ctx, s.id, day).await? else {
        return Ok(None);
    };
    let db = ctx.db();
    let mut acc: BTreeMap<Key, Acc> = BTreeMap::new();
    acc.insert((SCHOOL, String::new()), Acc::default());

    let classes: HashMap<Uuid, i32> = class::Entity::find()
        .filter(class::Column::SchoolId.eq(s.id))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.grade))
        .collect();
    let students: HashMap<Uuid, Uuid> = student::Entity::find()
        .filter(student::Column::SchoolId.eq(s.id))
        .all(db)
        .await?
        .into_iter()
        .map(|st| (st.id, st.class_id))
        .collect();
    let scopes_of = |class_id: Uuid| -> [Key; 3] {
        let g = classes.get(&class_id).copied().unwrap_or(0);
        [
            (SCHOOL, String::new()),
            (GRADE, g.to_string()),
            (CLASS, class_id.to_string()),
        ]
    };

    // Coverage and load on the day.
    let held: Vec<mentor_assignment::Model> = mentor_assignment::Entity::find()
        .filter(mentor_assignment::Column::SchoolId.eq(s.id))
        .filter(mentor_assignment::Column::StartsOn.lte(day))
        .filter(
            mentor_assignment::Column::EndsOn
                .is_null()
                .or(mentor_assignment::Column::EndsOn.gte(day)),
        )
        .all(db)
        .await?;
    let mut mentor_of: HashMap<Uuid, Uuid> = HashMap::new();
    for a in &held {
        mentor_of.entry(a.student_id).or_insert(a.staff_id);
    }
    for (sid, cid) in &students {
        for k in scopes_of(*cid) {
            let e = acc.entry(k).or_default();
            e.students += 1;
            e.matched += i32::from(mentor_of.contains_key(sid));
        }
    }

    // Tasks (the engine's figures, as the supervision tables show them).
    let breakdown = school_breakdown(ctx, &t, day).await?;
    let rules = breakdown.as_ref().map(|b| b.applied.rules.ratio.clone());
    if let Some(b) = &breakdown {
        for (g, c) in &b.by_grade {
            acc.entry((GRADE, g.to_string()))
                .or_default()
                .tasks
                .merge(c);
            acc.entry((SCHOOL, String::new()))
                .or_default()
                .tasks
                .merge(c);
        }
        for (cid, c) in &b.by_class {
            acc.entry((CLASS, cid.to_string()))
                .or_default()
                .tasks
                .merge(c);
        }
        for (m, c) in &b.by_mentor {
            acc.entry((MENTOR, m.to_string()))
                .or_default()
                .tasks
                .merge(c);
        }
    }

    // Load per mentor against the cap of the grades they hold.
    let mut load: HashMap<Uuid, (i32, i32, HashSet<String>)> = HashMap::new();
    for (sid, m) in &mentor_of {
        let Some(cid) = students.get(sid) else {
            continue;
        };
        let g = classes.get(cid).copied().unwrap_or(0);
        let cap = rules.as_ref().map_or(0, |r| r.cap_for(g) as i32);
        let e = load.entry(*m).or_insert((0, i32::MAX, HashSet::new()));
        e.0 += 1;
        e.1 = e.1.min(cap);
        e.2.insert(g.to_string());
    }
    let default_cap = rules.as_ref().map_or(0, |r| r.default_max as i32);
    for (m, (n, cap, grades)) in &load {
        let over = i32::from(*cap > 0 && n > cap);
        let mut keys: Vec<Key> = grades.iter().map(|g| (GRADE, g.clone())).collect();
        keys.push((SCHOOL, String::new()));
        keys.push((MENTOR, m.to_string()));
        for k in keys {
            let e = acc.entry(k.clone()).or_default();
            e.mentors += 1;
            e.over_cap += over;
            e.max_load = e.max_load.max(*n);
            if k.0 == MENTOR {
                e.cap = *cap;
            }
        }
    }

    // Growth messages of the term.
    for m in growth_message::Entity::find()
        .filter(growth_message::Column::SchoolId.eq(s.id))
        .filter(growth_message::Column::TermId.eq(t.id))
        .filter(Expr::col(growth_message::Column::CreatedAt).lte(day_end(day)))
        .all(db)
        .await?
    {
        let Some(cid) = students.get(&m.student_id) else {
            continue;
        };
        let reviewed = matches!(m.status.as_str(), "reviewed" | "published");
        let published = m.status == "published" && m.published_on.is_none_or(|p| p <= day);
        let mut keys = scopes_of(*cid).to_vec();
        keys.push((MENTOR, m.staff_id.to_string()));
        for k in keys {
            let e = acc.entry(k).or_default();
            e.written += 1;
            e.reviewed += i32::from(reviewed);
            e.published += i32::from(published);
        }
    }

    // Home–school contacts of the term so far.
    let contacts: HashMap<Uuid, activity::Model> = activity::Entity::find()
        .filter(activity::Column::SchoolId.eq(s.id))
        .filter(activity::Column::OccurredOn.between(t.starts_on, day))
        .filter(activity::Column::Kind.is_in([
            ActivityKind::HomeVisit.code(),
            ActivityKind::ParentContact.code(),
        ]))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let mut touched: HashMap<Uuid, HashSet<Key>> = HashMap::new();
    if !contacts.is_empty() {
        for l in activity_student::Entity::find()
            .filter(activity_student::Column::SchoolId.eq(s.id))
            .all(db)
            .await?
        {
            if let (Some(a), Some(cid)) =
                (contacts.get(&l.activity_id), students.get(&l.student_id))
            {
                let set = touched.entry(a.id).or_default();
                set.extend(scopes_of(*cid));
                set.insert((MENTOR, a.staff_id.to_string()));
            }
        }
    }
    for (aid, keys) in touched {
        let face = contacts
            .get(&aid)
            .and_then(|a| Channel::from_code(&a.channel))
            .is_some_and(Channel::is_in_person);
        for k in keys {
            let e = acc.entry(k).or_default();
            e.contacts += 1;
            e.face += i32::from(face);
        }
    }

    // Care: open cases, and response to those opened this term (school and grade only).
    for c in care_case::Entity::find()
        .filter(care_case::Column::SchoolId.eq(s.id))
        .all(db)
        .await?
    {
        let opened = crate::clock::local_day(c.opened_at);
        if opened > day {
            continue;
        }
        let Some(cid) = students.get(&c.student_id) else {
            continue;
        };
        let open = c.closed_at.is_none_or(|x| crate::clock::local_day(x) > day);
        let ack = c
            .acknowledged_at
            .filter(|a| opened >= t.starts_on && crate::clock::local_day(*a) <= day);
        for k in scopes_of(*cid).into_iter().take(2) {
            let e = acc.entry(k).or_default();
            e.care_open += i32::from(open);
            if let Some(a) = ack {
                e.care_ack += 1;
                e.care_minutes += (a - c.opened_at).num_minutes().max(0);
            }
        }
    }

    // Training and appointment of the mentors holding students this term.
    let in_term: HashSet<Uuid> = mentor_assignment::Entity::find()
        .filter(mentor_assignment::Column::SchoolId.eq(s.id))
        .filter(mentor_assignment::Column::StartsOn.lte(day))
        .filter(
            mentor_assignment::Column::EndsOn
                .is_null()
                .or(mentor_assignment::Column::EndsOn.gte(t.starts_on)),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.staff_id)
        .collect();
    if !in_term.is_empty() {
        let school_acc = acc.entry((SCHOOL, String::new())).or_default();
        for st in staff::Entity::find()
            .filter(staff::Column::SchoolId.eq(s.id))
            .all(db)
            .await?
        {
            if !in_term.contains(&st.id) {
                continue;
            }
            if st.qualification == Qualification::Appointed.code() {
                school_acc.appointed += 1;
            } else {
                school_acc.training += 1;
            }
        }
    }
    if let Some(e) = acc.get_mut(&(SCHOOL, String::new())) {
        e.cap = default_cap;
    }
    if let Some(r) = &rules {
        for ((scope, key), e) in &mut acc {
            if *scope == GRADE {
                e.cap = key.parse().map_or(0, |g| r.cap_for(g) as i32);
            }
        }
    }
    Ok(Some(Computed {
        term_id: t.id,
        day,
        rows: rows_of(s, &t, day, acc),
    }))
}

/// The last instant of a China day.
fn day_end(day: NaiveDate) -> chrono::DateTime<chrono::Utc> {
    let next = day.succ_opt().unwrap_or(day);
    let midnight = next.and_hms_opt(0, 0, 0).unwrap_or_default();
    midnight.and_utc() - chrono::Duration::hours(8)
}

/// Replaces a school's rows of the computed day with the computed ones.
pub async fn store<C: ConnectionTrait>(db: &C, school: Uuid, c: Computed) -> ApiResult<usize> {
    insight_day::Entity::delete_many()
        .filter(insight_day::Column::SchoolId.eq(school))
        .filter(insight_day::Column::TermId.eq(c.term_id))
        .filter(insight_day::Column::Day.eq(c.day))
        .exec(db)
        .await?;
    let n = c.rows.len();
    for chunk in c.rows.chunks(200) {
        insight_day::Entity::insert_many(chunk.to_vec())
            .exec(db)
            .await?;
    }
    Ok(n)
}

fn rows_of(
    s: &school::Model,
    t: &term::Model,
    day: NaiveDate,
    acc: BTreeMap<Key, Acc>,
) -> Vec<insight_day::ActiveModel> {
    let now = crate::clock::now();
    acc.into_iter()
        .map(|((scope, key), e)| insight_day::ActiveModel {
            id: Set(Uuid::new_v4()),
            district_id: Set(s.district_id),
            school_id: Set(s.id),
            term_id: Set(t.id),
            day: Set(day),
            scope: Set(scope.to_string()),
            scope_key: Set(key),
            stage: Set(s.stage.clone()),
            students: Set(e.students),
            matched: Set(e.matched),
            mentors: Set(e.mentors),
            mentors_over_cap: Set(e.over_cap),
            max_load: Set(e.max_load),
            load_cap: Set(e.cap),
            tasks: Set(serde_json::to_string(&e.tasks).unwrap_or_else(|_| "{}".into())),
            on_track_percent: Set(e.tasks.on_track_percent().map(|p| p as i32)),
            task_students: Set(e.tasks.students as i32),
            task_on_track: Set(e
                .tasks
                .students
                .saturating_sub(e.tasks.students_with_overdue)
                as i32),
            messages_written: Set(e.written),
            messages_reviewed: Set(e.reviewed),
            messages_published: Set(e.published),
            contacts: Set(e.contacts),
            contacts_face: Set(e.face),
            care_open: Set(e.care_open),
            care_acknowledged: Set(e.care_ack),
            care_ack_minutes: Set(e.care_minutes),
            mentors_appointed: Set(e.appointed),
            mentors_training: Set(e.training),
            computed_at: Set(now),
        })
        .collect()
}

/// The school admin's refresh: recomputes the own school's rows for `today`.
pub async fn refresh_own_school(ctx: &Ctx, today: NaiveDate) -> ApiResult<usize> {
    ctx.require_any(&[shared::org::Role::SchoolAdmin])?;
    let id = ctx.school_id()?;
    let s = school::Entity::find_by_id(id)
        .one(ctx.db())
        .await?
        .ok_or_else(|| crate::error::ApiError::not_found("学校"))?;
    recompute_school(ctx, &s, today).await
}

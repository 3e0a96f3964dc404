//! Demo training records: the summer's required course (the four series of
//! 篇1, one session each) attended by every appointed teacher before their
//! probation, and the district's 单周一研 every other week of the first term
//! so far, attended by most of them; an untrained teacher, if any, has begun.

use chrono::{Datelike, Duration, NaiveDate, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use shared::mentor_assessment::training::{Cadence, Provider, schedule};
use shared::org::Qualification;
use uuid::Uuid;

use super::entities::{training_attendance, training_course, training_session};
use crate::org::entities::{staff, term};
use crate::tenancy::Ctx;

const SERIES: [&str; 4] = [
    "系列一：导师的角色与职责",
    "系列二：沟通与倾听",
    "系列三：心理健康与危机识别",
    "系列四：家校协同",
];

fn course(
    district_id: Uuid,
    school_id: Uuid,
    name: &str,
    provider: Provider,
    cadence: Cadence,
    required: i32,
    admin: Uuid,
) -> training_course::Model {
    training_course::Model {
        id: Uuid::new_v4(),
        district_id,
        school_id,
        name: name.into(),
        provider: provider.code().into(),
        cadence: cadence.code().into(),
        required: required > 0,
        sessions_required: required,
        created_by: admin,
        created_at: Utc::now(),
    }
}

/// Seeds one school's training courses, sessions and attendance.
pub async fn seed(
    ctx: &Ctx,
    district_id: Uuid,
    school_id: Uuid,
    first: &term::Model,
    admin: Uuid,
    trained_on: NaiveDate,
) -> anyhow::Result<()> {
    let db = ctx.db();
    let basics = course(
        district_id,
        school_id,
        "导师基础培训（四个系列）",
        Provider::School,
        Cadence::Weekly,
        4,
        admin,
    );
    let research = course(
        district_id,
        school_id,
        "单周一研（区教研）",
        Provider::District,
        Cadence::Biweekly,
        0,
        admin,
    );
    let mut sessions = vec![];
    // The four series in the four weeks before training was completed.
    for (k, topic) in SERIES.iter().enumerate() {
        sessions.push(training_session::Model {
            id: Uuid::new_v4(),
            district_id,
            school_id,
            course_id: basics.id,
            on_date: trained_on - Duration::weeks(3 - k as i64),
            topic: (*topic).into(),
        });
    }
    let today = crate::clock::today().min(first.ends_on);
    let research_days = schedule(
        Cadence::Biweekly,
        first.starts_on + Duration::days(6),
        today,
    )
    .unwrap_or_default();
    for d in &research_days {
        sessions.push(training_session::Model {
            id: Uuid::new_v4(),
            district_id,
            school_id,
            course_id: research.id,
            on_date: *d,
            topic: "单周一研：导师工作案例研讨".into(),
        });
    }
    let teachers = staff::Entity::find()
        .filter(staff::Column::SchoolId.eq(school_id))
        .order_by_asc(staff::Column::StaffNo)
        .all(db)
        .await?;
    let now = Utc::now();
    let mut present = vec![];
    for (i, t) in teachers.iter().enumerate() {
        let q = Qualification::from_code(&t.qualification);
        for s in &sessions {
            let attends = if s.course_id == basics.id {
                // Appointed teachers did all four; an untrained one, the first two.
                q == Some(Qualification::Appointed)
                    || (q == Some(Qualification::Untrained)
                        && s.on_date <= trained_on - Duration::weeks(2))
                        && i % 3 == 0
            } else {
                // Most appointed teachers come to 单周一研; a few miss one.
                q == Some(Qualification::Appointed)
                    && !(i + s.on_date.day0() as usize).is_multiple_of(7)
            };
            if attends {
                present.push(training_attendance::Model {
                    id: Uuid::new_v4(),
                    district_id,
                    school_id,
                    session_id: s.id,
                    course_id: s.course_id,
                    staff_id: t.id,
                    on_date: s.on_date,
                    recorded_by: admin,
                    recorded_at: now,
                });
            }
        }
    }
    training_course::Entity::insert_many([
        training_course::ActiveModel::from(basics),
        training_course::ActiveModel::from(research),
    ])
    .exec(db)
    .await?;
    for chunk in sessions.chunks(200) {
        training_session::Entity::insert_many(
            chunk
                .iter()
                .cloned()
                .map(training_session::ActiveModel::from),
        )
        .exec(db)
        .await?;
    }
    for chunk in present.chunks(200) {
        training_attendance::Entity::insert_many(
            chunk
                .iter()
                .cloned()
                .map(training_attendance::ActiveModel::from),
        )
        .exec(db)
        .await?;
    }
    Ok(())
}

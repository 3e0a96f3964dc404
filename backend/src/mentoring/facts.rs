//! What the task engine reads: the school's recorded activities as
//! [`ActivityFact`]s and its published growth messages as
//! [`GrowthMessageFact`]s (drafts and messages under review do not count).
//! Pass `ctx.db()` of a request (or an owner connection): on PostgreSQL the
//! app role sees rows only with the tenant set.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use shared::activity::{ActivityFact, ActivityKind, Channel, GrowthMessageFact, Trigger};
use uuid::Uuid;

use super::entities::{activity, activity_student, growth_message};
use crate::error::ApiResult;

/// The school's activities that happened in `from..=to`, oldest first.
pub async fn activity_facts(
    db: &impl ConnectionTrait,
    school_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> ApiResult<Vec<ActivityFact>> {
    let rows = activity::Entity::find()
        .filter(activity::Column::SchoolId.eq(school_id))
        .filter(activity::Column::OccurredOn.gte(from))
        .filter(activity::Column::OccurredOn.lte(to))
        .order_by_asc(activity::Column::OccurredAt)
        .all(db)
        .await?;
    if rows.is_empty() {
        return Ok(vec![]);
    }
    let mut students: HashMap<Uuid, Vec<String>> = HashMap::new();
    for l in activity_student::Entity::find()
        .filter(activity_student::Column::SchoolId.eq(school_id))
        .filter(
            activity_student::Column::ActivityId
                .is_in(rows.iter().map(|a| a.id).collect::<Vec<_>>()),
        )
        .all(db)
        .await?
    {
        students
            .entry(l.activity_id)
            .or_default()
            .push(l.student_id.to_string());
    }
    Ok(rows
        .into_iter()
        .filter_map(|a| {
            Some(ActivityFact {
                id: a.id.to_string(),
                kind: ActivityKind::from_code(&a.kind)?,
                occurred_on: a.occurred_on,
                student_ids: students.remove(&a.id).unwrap_or_default(),
                mentor_id: a.staff_id.to_string(),
                with_head_teacher: a.with_head_teacher,
                trigger: a.trigger.as_deref().and_then(Trigger::from_code),
                optional_action: a.optional_action,
                channel: Channel::from_code(&a.channel).unwrap_or(Channel::FaceToFace),
            })
        })
        .collect())
}

/// The school's published growth messages.
pub async fn growth_message_facts(
    db: &impl ConnectionTrait,
    school_id: Uuid,
) -> ApiResult<Vec<GrowthMessageFact>> {
    Ok(growth_message::Entity::find()
        .filter(growth_message::Column::SchoolId.eq(school_id))
        .filter(growth_message::Column::Status.eq("published"))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|m| {
            Some(GrowthMessageFact {
                id: m.id.to_string(),
                student_id: m.student_id.to_string(),
                mentor_id: m.staff_id.to_string(),
                published_on: m.published_on?,
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use sea_orm::{Database, Set};
    use sea_orm_migration::MigratorTrait;

    use super::*;

    #[tokio::test]
    async fn facts_come_from_the_school_rows() -> anyhow::Result<()> {
        let db = Database::connect("sqlite::memory:").await?;
        migrations::Migrator::up(&db, None).await?;
        let (district, school, other) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let (staff, student) = (Uuid::new_v4(), Uuid::new_v4());
        let day = NaiveDate::from_ymd_opt(2026, 10, 8).unwrap_or_default();
        for (i, s) in [school, other].into_iter().enumerate() {
            let id = Uuid::new_v4();
            activity::Entity::insert(activity::ActiveModel {
                id: Set(id),
                district_id: Set(district),
                school_id: Set(s),
                client_key: Set(format!("k{i}")),
                kind: Set("HOME_VISIT".into()),
                occurred_on: Set(day),
                occurred_at: Set(chrono::Utc::now()),
                place: Set(None),
                channel: Set("HOME".into()),
                trigger: Set(Some("ROUTINE".into())),
                guidance_areas: Set("[]".into()),
                optional_action: Set(None),
                summary: Set("私密".into()),
                follow_up: Set(None),
                follow_up_due: Set(None),
                staff_id: Set(staff),
                with_head_teacher: Set(true),
                co_staff_ids: Set("[]".into()),
                recorded_by: Set(staff),
                created_at: Set(chrono::Utc::now()),
            })
            .exec_without_returning(&db)
            .await?;
            activity_student::Entity::insert(activity_student::ActiveModel {
                id: Set(Uuid::new_v4()),
                district_id: Set(district),
                school_id: Set(s),
                activity_id: Set(id),
                student_id: Set(student),
            })
            .exec_without_returning(&db)
            .await?;
        }
        let facts = activity_facts(&db, school, day, day)
            .await
            .map_err(|e| e.into_anyhow())?;
        assert_eq!(facts.len(), 1);
        assert_eq!(facts[0].kind, ActivityKind::HomeVisit);
        assert_eq!(facts[0].student_ids, vec![student.to_string()]);
        assert_eq!(facts[0].mentor_id, staff.to_string());
        assert!(facts[0].with_head_teacher);
        assert_eq!(facts[0].trigger, Some(Trigger::Routine));
        let none = activity_facts(&db, school, day.succ_opt().unwrap_or(day), day)
            .await
            .map_err(|e| e.into_anyhow())?;
        assert!(none.is_empty());
        assert!(
            growth_message_facts(&db, school)
                .await
                .map_err(|e| e.into_anyhow())?
                .is_empty()
        );
        Ok(())
    }
}

//! Demo data of the lifecycle: every demo teacher's way to appointment
//! (training done in the summer, a month of probation, appointed before the
//! first term) with the training attended (`demo_training`), and in the
//! middle school an open anonymous parent survey for
//! the first term whose mentor question feeds the assessment.

use chrono::{Duration, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use shared::org::Qualification;
use shared::survey::{Audience, Question, QuestionKind};
use uuid::Uuid;

use super::entities::qualification_step;
use crate::auth::entities::role_grant;
use crate::org::entities::{staff, term};
use crate::surveys::entities::survey;
use crate::tenancy::Ctx;

/// Seeds the school's lifecycle demo data (`with_survey`: the middle school).
pub async fn seed_demo(
    ctx: &Ctx,
    district_id: Uuid,
    school_id: Uuid,
    with_survey: bool,
) -> anyhow::Result<()> {
    let db = ctx.db();
    let Some(first) = term::Entity::find()
        .filter(term::Column::SchoolId.eq(school_id))
        .order_by_asc(term::Column::StartsOn)
        .one(db)
        .await?
    else {
        return Ok(());
    };
    let Some(admin) = role_grant::Entity::find()
        .filter(role_grant::Column::SchoolId.eq(school_id))
        .filter(role_grant::Column::Role.eq("school_admin"))
        .one(db)
        .await?
    else {
        return Ok(());
    };
    let trained_on = first.starts_on - Duration::days(45);
    let appointed_on = first.starts_on - Duration::days(7);
    let now = Utc::now();
    let mut rows = vec![];
    for s in staff::Entity::find()
        .filter(staff::Column::SchoolId.eq(school_id))
        .all(db)
        .await?
    {
        if Qualification::from_code(&s.qualification) != Some(Qualification::Appointed) {
            continue;
        }
        for (on, from, to, reason) in [
            (
                trained_on - Duration::days(14),
                Qualification::Untrained,
                Qualification::Training,
                "参加暑期导师培训（四个系列）",
            ),
            (
                trained_on,
                Qualification::Training,
                Qualification::Probation,
                "完成培训，进入一个月试用期",
            ),
            (
                appointed_on,
                Qualification::Probation,
                Qualification::Appointed,
                "试用期合格，颁发聘书",
            ),
        ] {
            rows.push(qualification_step::ActiveModel::from(
                qualification_step::Model {
                    id: Uuid::new_v4(),
                    district_id,
                    school_id,
                    staff_id: s.id,
                    on_date: on,
                    from_q: from.code().into(),
                    to_q: to.code().into(),
                    reason: reason.into(),
                    decided_by: admin.user_id,
                    created_at: now,
                },
            ));
        }
    }
    for chunk in rows.chunks(200) {
        qualification_step::Entity::insert_many(chunk.to_vec())
            .exec(db)
            .await?;
    }
    super::demo_training::seed(
        ctx,
        district_id,
        school_id,
        &first,
        admin.user_id,
        trained_on,
    )
    .await?;
    if with_survey {
        let questions = vec![
            Question {
                kind: QuestionKind::SingleChoice,
                prompt: "孩子愿意和导师交流吗？".into(),
                options: vec![
                    "很愿意".into(),
                    "比较愿意".into(),
                    "一般".into(),
                    "不太愿意".into(),
                ],
                about_mentor: false,
            },
            Question {
                kind: QuestionKind::Scale,
                prompt: "您对孩子导师本学期工作的满意度".into(),
                options: vec![],
                about_mentor: true,
            },
            Question {
                kind: QuestionKind::Text,
                prompt: "您对全员导师制还有什么建议？".into(),
                options: vec![],
                about_mentor: false,
            },
        ];
        survey::Entity::insert(survey::ActiveModel::from(survey::Model {
            id: Uuid::new_v4(),
            district_id,
            school_id,
            title: format!("{}家长满意度调查", first.name),
            audience: Audience::Parents.code().into(),
            anonymous: true,
            questions: serde_json::to_string(&questions)?,
            status: "open".into(),
            term_id: first.id,
            created_by: admin.user_id,
            created_at: now,
        }))
        .exec(db)
        .await?;
    }
    Ok(())
}

//! Demo mentoring records for the named demo accounts: a few activities of
//! `s*.mentor1` (and a joint home visit with `s*.head1`) about the student
//! `s*.student1`, one published growth message that `s*.parent1` sees, a
//! growth-file note and an exam result.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use shared::activity::{ActivityKind, Channel, GuidanceArea, Trigger};
use uuid::Uuid;

use super::entities::{activity, activity_student, exam_result, growth_message, growth_note};
use crate::org::entities::{class, mentor_assignment, staff, student, term};
use crate::tenancy::Ctx;

/// Seeds the demo records of one school, around its named demo student
/// (the student with an account), that student's mentor and head teacher.
pub async fn seed_demo(ctx: &Ctx, school_id: Uuid) -> anyhow::Result<()> {
    let db = ctx.db();
    let Some(named) = student::Entity::find()
        .filter(student::Column::SchoolId.eq(school_id))
        .filter(student::Column::UserId.is_not_null())
        .one(db)
        .await?
    else {
        return Ok(());
    };
    let district_id = named.district_id;
    let student = named.id;
    let Some(pair) = mentor_assignment::Entity::find()
        .filter(mentor_assignment::Column::SchoolId.eq(school_id))
        .filter(mentor_assignment::Column::StudentId.eq(student))
        .one(db)
        .await?
    else {
        return Ok(());
    };
    let mentor = pair.staff_id;
    let head = class::Entity::find_by_id(named.class_id)
        .one(db)
        .await?
        .and_then(|c| c.head_teacher_id)
        .unwrap_or(mentor);
    let user_of = |id: Uuid| async move {
        staff::Entity::find_by_id(id)
            .one(db)
            .await
            .map(|s| s.and_then(|s| s.user_id).unwrap_or(id))
    };
    let mentor_user = user_of(mentor).await?;
    let head_user = user_of(head).await?;
    let first_term = term::Entity::find()
        .filter(term::Column::SchoolId.eq(school_id))
        .order_by_asc(term::Column::StartsOn)
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("demo school has no term"))?;
    let start = first_term.starts_on;
    let day = |d: i64| start + Duration::days(d);
    let at = |d: NaiveDate| Utc.from_utc_datetime(&d.and_hms_opt(8, 0, 0).unwrap_or_default());
    let areas = |a: &[GuidanceArea]| {
        serde_json::to_string(&a.iter().map(|x| x.code()).collect::<Vec<_>>())
            .unwrap_or_else(|_| "[]".into())
    };
    let plan = [
        (
            "demo-home-visit",
            ActivityKind::HomeVisit,
            Channel::Home,
            Some(Trigger::Routine),
            areas(&[GuidanceArea::Life]),
            "与班主任一起家访，了解家庭学习环境，家长希望多关注作息。",
            day(-3),
            true,
            head_user,
        ),
        (
            "demo-talk-1",
            ActivityKind::Talk,
            Channel::FaceToFace,
            Some(Trigger::BeforeExam),
            areas(&[GuidanceArea::Psychological, GuidanceArea::Academic]),
            "期中考试前谈心，学生有些紧张，一起制定了复习计划。",
            day(45),
            false,
            mentor_user,
        ),
        (
            "demo-parent-contact-1",
            ActivityKind::ParentContact,
            Channel::Phone,
            None,
            areas(&[GuidanceArea::Life]),
            "电话联系家长，反馈近期进步，建议周末减少电子产品使用。",
            day(60),
            false,
            mentor_user,
        ),
    ];
    let now = Utc::now();
    for (key, kind, channel, trigger, ga, summary, on, joint, recorder) in plan {
        let id = Uuid::new_v4();
        activity::Entity::insert(activity::ActiveModel {
            id: Set(id),
            district_id: Set(district_id),
            school_id: Set(school_id),
            client_key: Set(key.into()),
            kind: Set(kind.code().into()),
            occurred_on: Set(on),
            occurred_at: Set(at(on)),
            place: Set(None),
            channel: Set(channel.code().into()),
            trigger: Set(trigger.map(|t| t.code().into())),
            guidance_areas: Set(ga),
            optional_action: Set(None),
            summary: Set(summary.into()),
            follow_up: Set(None),
            follow_up_due: Set(None),
            staff_id: Set(if recorder == head_user { head } else { mentor }),
            with_head_teacher: Set(joint),
            co_staff_ids: Set(if joint {
                serde_json::to_string(&[mentor]).unwrap_or_else(|_| "[]".into())
            } else {
                "[]".into()
            }),
            recorded_by: Set(recorder),
            created_at: Set(now),
        })
        .exec_without_returning(db)
        .await?;
        activity_student::Entity::insert(activity_student::ActiveModel {
            id: Set(Uuid::new_v4()),
            district_id: Set(district_id),
            school_id: Set(school_id),
            activity_id: Set(id),
            student_id: Set(student),
        })
        .exec_without_returning(db)
        .await?;
    }
    growth_message::Entity::insert(growth_message::ActiveModel {
        id: Set(Uuid::new_v4()),
        district_id: Set(district_id),
        school_id: Set(school_id),
        student_id: Set(student),
        staff_id: Set(mentor),
        term_id: Set(first_term.id),
        body: Set("这个学期你主动承担班级图书角的整理，做事认真负责；期中后的复习计划也坚持了下来。愿你保持好奇心，继续勇敢表达自己！".into()),
        bright_spots: Set(serde_json::to_string(&["认真负责", "坚持复习计划", "乐于助人"]).unwrap_or_else(|_| "[]".into())),
        status: Set("published".into()),
        reviewed_by: Set(None),
        published_on: Set(Some(first_term.ends_on)),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(db)
    .await?;
    growth_note::Entity::insert(growth_note::ActiveModel {
        id: Set(Uuid::new_v4()),
        district_id: Set(district_id),
        school_id: Set(school_id),
        student_id: Set(student),
        section: Set("INTERESTS".into()),
        month: Set(None),
        body: Set("喜欢阅读和篮球，参加了学校的读书社。".into()),
        written_by: Set(mentor_user),
        created_at: Set(now),
    })
    .exec_without_returning(db)
    .await?;
    exam_result::Entity::insert(exam_result::ActiveModel {
        id: Set(Uuid::new_v4()),
        district_id: Set(district_id),
        school_id: Set(school_id),
        student_id: Set(student),
        subject: Set("数学".into()),
        exam_name: Set("期中考试".into()),
        taken_on: Set(day(50)),
        score: Set(86.0),
        full_marks: Set(100.0),
        analysis: Set(Some("计算题细心程度有提高。".into())),
        recorded_by: Set(mentor_user),
        created_at: Set(now),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

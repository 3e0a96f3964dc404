//! Demo mentoring records for the named demo accounts: `s*.mentor1` has a
//! joint home visit (led by the class's head teacher), a talk and a phone
//! call about one of their mentees, with a growth-file note and an exam
//! result; `s*.parent1` sees a published growth message for their second
//! child. The mentor's next mentee outside the named student's class is a
//! transfer who joined on day 70 of the term (`students.joined_on`). The
//! named student `s*.student1` and the first classmates (by 学号) are left
//! without records, so task-engine fixtures start from a clean slate; the
//! rest of the class has a term's history (see `demo_history`).

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use shared::activity::{ActivityKind, Channel, GuidanceArea, Trigger};
use uuid::Uuid;

use super::entities::{activity, activity_student, exam_result, growth_message, growth_note};
use crate::org::entities::{
    class, guardian, mentor_assignment, staff, student, student_guardian, term,
};
use crate::tenancy::Ctx;

/// The day (counted from the first term's start) the demo transfer student
/// joined: 2026-11-10 in the demo calendar.
pub const TRANSFER_JOINS_ON_DAY: i64 = 70;

/// Seeds the demo records of one school (see the module docs); does nothing
/// when the school has no named demo accounts.
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
    let mentor_of = |sid: Uuid| async move {
        mentor_assignment::Entity::find()
            .filter(mentor_assignment::Column::SchoolId.eq(school_id))
            .filter(mentor_assignment::Column::StudentId.eq(sid))
            .filter(mentor_assignment::Column::EndsOn.is_null())
            .one(db)
            .await
            .map(|p| p.map(|p| p.staff_id))
    };
    let Some(mentor) = mentor_of(named.id).await? else {
        return Ok(());
    };
    // One of the mentor's mentees outside the named student's class.
    let mentees: Vec<Uuid> = mentor_assignment::Entity::find()
        .filter(mentor_assignment::Column::SchoolId.eq(school_id))
        .filter(mentor_assignment::Column::StaffId.eq(mentor))
        .filter(mentor_assignment::Column::EndsOn.is_null())
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.student_id)
        .collect();
    let others = student::Entity::find()
        .filter(student::Column::SchoolId.eq(school_id))
        .filter(student::Column::Id.is_in(mentees))
        .filter(student::Column::ClassId.ne(named.class_id))
        .order_by_asc(student::Column::StudentNo)
        .all(db)
        .await?;
    let Some(mentee) = others.first().cloned() else {
        return Ok(());
    };
    let student = mentee.id;
    let head = class::Entity::find_by_id(mentee.class_id)
        .one(db)
        .await?
        .and_then(|c| c.head_teacher_id)
        .unwrap_or(mentor);
    let mentor_user = staff::Entity::find_by_id(mentor)
        .one(db)
        .await?
        .and_then(|s| s.user_id)
        .ok_or_else(|| anyhow::anyhow!("the demo mentor has no account"))?;
    // The named parent's other child (else the mentee) gets the message.
    let parent = guardian::Entity::find()
        .filter(guardian::Column::SchoolId.eq(school_id))
        .filter(guardian::Column::UserId.is_not_null())
        .one(db)
        .await?;
    let mut message_for = (student, mentor);
    if let Some(p) = parent {
        let child = student_guardian::Entity::find()
            .filter(student_guardian::Column::SchoolId.eq(school_id))
            .filter(student_guardian::Column::GuardianId.eq(p.id))
            .filter(student_guardian::Column::StudentId.ne(named.id))
            .one(db)
            .await?;
        if let Some(c) = child
            && let Some(m) = mentor_of(c.student_id).await?
        {
            message_for = (c.student_id, m);
        }
    }
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
            head,
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
            mentor,
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
            mentor,
        ),
    ];
    // A transfer student (插班生) who joined ten weeks into the term: the
    // home visit the others owed before term is due within the grace days
    // of their joining, and is still to be done.
    if let Some(transfer) = others.get(1) {
        let mut m = transfer.clone().into_active_model();
        m.joined_on = Set(Some(day(TRANSFER_JOINS_ON_DAY)));
        m.update(db).await?;
    }
    let now = Utc::now();
    for (key, kind, channel, trigger, ga, summary, on, joint, lead) in plan {
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
            staff_id: Set(lead),
            with_head_teacher: Set(joint),
            co_staff_ids: Set(if joint {
                serde_json::to_string(&[mentor]).unwrap_or_else(|_| "[]".into())
            } else {
                "[]".into()
            }),
            recorded_by: Set(mentor_user),
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
        student_id: Set(message_for.0),
        staff_id: Set(message_for.1),
        term_id: Set(first_term.id),
        body: Set("这个学期你主动承担班级图书角的整理，做事认真负责；期中后的复习计划也坚持了下来。愿你保持好奇心，继续勇敢表达自己！".into()),
        bright_spots: Set(serde_json::to_string(&["认真负责", "坚持复习计划", "乐于助人"]).unwrap_or_else(|_| "[]".into())),
        status: Set("published".into()),
        reviewed_by: Set(None),
        review_comment: Set(None),
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
    // Everybody else: a term in progress (see `demo_history`).
    let mut skip = vec![student, message_for.0];
    skip.extend(others.get(1).map(|t| t.id));
    super::demo_history::seed_history(ctx, school_id, &first_term, named.class_id, &skip).await?;
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

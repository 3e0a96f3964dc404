//! The printable letters: a parent's growth letter (成长寄语) per student or
//! a class's in one file, the mentor appointment letter (聘书), and the
//! school's term summary for the district (aggregate figures only).

use std::collections::{HashMap, HashSet};

use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use shared::org::Qualification;
use shared::tasks::RequirementKind;
use uuid::Uuid;

use super::files::Progress;
use super::pdf::{Align, Doc};
use super::{PaperKind, school_name, staff_names, term_names};
use crate::authz;
use crate::error::{ApiError, ApiResult};
use crate::mentoring::entities::growth_message;
use crate::mentoring::messages::GrowthMessageStatus;
use crate::org::entities::{class, mentor_assignment, staff, student};
use crate::tenancy::{Ctx, one_in_school};

fn pdf_err(e: String) -> ApiError {
    ApiError::invalid("file", e)
}

/// The student's name for the file name; refuses whoever may not read the
/// student's published growth messages (another parent's child).
pub async fn student_label(ctx: &Ctx, id: Uuid) -> ApiResult<Option<String>> {
    crate::mentoring::messages::growth_messages(ctx, id).await?;
    let s = one_in_school::<student::Entity>(ctx, id, "学生").await?;
    Ok(Some(s.name))
}

/// The class's name for the file name; refuses whoever may not read the
/// class (its head teacher, the grade's leader, the school admin).
pub async fn class_label(ctx: &Ctx, id: Uuid) -> ApiResult<Option<String>> {
    let c = one_in_school::<class::Entity>(ctx, id, "班级").await?;
    authz::policy::may_read_class_tasks(ctx, &c).await?;
    Ok(Some(c.name))
}

/// One letter.
struct Letter {
    student: String,
    class: String,
    mentor: String,
    term: String,
    message: growth_message::Model,
}

fn write_letter(doc: &mut Doc, l: &Letter) -> Result<(), String> {
    doc.new_page()?;
    doc.text("成长寄语", 22.0, Align::Center)?;
    doc.text(&format!("{} · {}", l.term, l.class), 11.0, Align::Center)?;
    doc.rule()?;
    doc.gap(8.0);
    doc.text(
        &format!("亲爱的{}同学及家长：", l.student),
        13.0,
        Align::Left,
    )?;
    doc.gap(4.0);
    for p in l.message.body.lines().filter(|p| !p.trim().is_empty()) {
        doc.para(&format!("　　{}", p.trim()))?;
    }
    let spots: Vec<String> = serde_json::from_str(&l.message.bright_spots).unwrap_or_default();
    if !spots.is_empty() {
        doc.gap(6.0);
        doc.para(&format!("闪光点：{}", spots.join("、")))?;
    }
    doc.gap(18.0);
    doc.text(&format!("导师：{}", l.mentor), 12.0, Align::Right)?;
    if let Some(d) = l.message.published_on {
        doc.text(&d.format("%Y年%m月%d日").to_string(), 12.0, Align::Right)?;
    }
    Ok(())
}

async fn letters_of(ctx: &Ctx, messages: Vec<growth_message::Model>) -> ApiResult<Vec<Letter>> {
    let school = ctx.school_id()?;
    let ids: Vec<Uuid> = messages.iter().map(|m| m.student_id).collect();
    let students: HashMap<Uuid, student::Model> = student::Entity::find()
        .filter(student::Column::SchoolId.eq(school))
        .filter(student::Column::Id.is_in(ids))
        .all(ctx.db())
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let classes: HashMap<Uuid, String> = class::Entity::find()
        .filter(class::Column::SchoolId.eq(school))
        .all(ctx.db())
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    let mentors = staff_names(ctx, messages.iter().map(|m| m.staff_id).collect()).await?;
    let terms = term_names(ctx, None).await?;
    Ok(messages
        .into_iter()
        .filter_map(|m| {
            let s = students.get(&m.student_id)?;
            Some(Letter {
                student: s.name.clone(),
                class: classes.get(&s.class_id).cloned().unwrap_or_default(),
                mentor: mentors.get(&m.staff_id).cloned().unwrap_or_default(),
                term: terms.get(&m.term_id).cloned().unwrap_or_default(),
                message: m,
            })
        })
        .collect())
}

async fn render(ctx: &Ctx, title: &str, letters: &[Letter], p: &Progress) -> ApiResult<Vec<u8>> {
    if letters.is_empty() {
        return Err(ApiError::not_found("已发布的成长寄语"));
    }
    let mut doc = Doc::new(&school_name(ctx).await?, title);
    for (i, l) in letters.iter().enumerate() {
        write_letter(&mut doc, l).map_err(pdf_err)?;
        p.step(i + 1, letters.len() + 1).await;
    }
    doc.finish().map_err(pdf_err)
}

/// The latest published growth letter of each student (a parent: their own
/// child only; staff: as on the student's page).
pub async fn growth_letters(ctx: &Ctx, students: &[Uuid], p: &Progress) -> ApiResult<Vec<u8>> {
    let mut latest = vec![];
    for id in students {
        let views = crate::mentoring::messages::growth_messages(ctx, *id).await?;
        if let Some(v) = views
            .into_iter()
            .filter(|v| v.message.status == GrowthMessageStatus::Published.code())
            .max_by_key(|v| (v.message.published_on, v.message.updated_at))
        {
            latest.push(v.message);
        }
    }
    let letters = letters_of(ctx, latest).await?;
    render(ctx, PaperKind::GrowthLetter.label(), &letters, p).await
}

/// A class's published growth letters in one file, one student a page (the
/// head teacher, the grade's leader, the school admin).
pub async fn class_letters(ctx: &Ctx, class_id: Uuid, p: &Progress) -> ApiResult<Vec<u8>> {
    let c = one_in_school::<class::Entity>(ctx, class_id, "班级").await?;
    authz::policy::may_read_class_tasks(ctx, &c).await?;
    let ids: Vec<Uuid> = student::Entity::find()
        .filter(student::Column::SchoolId.eq(c.school_id))
        .filter(student::Column::ClassId.eq(c.id))
        .order_by_asc(student::Column::StudentNo)
        .all(ctx.db())
        .await?
        .into_iter()
        .map(|s| s.id)
        .collect();
    let rows = growth_message::Entity::find()
        .filter(growth_message::Column::SchoolId.eq(c.school_id))
        .filter(growth_message::Column::StudentId.is_in(ids.clone()))
        .filter(growth_message::Column::Status.eq(GrowthMessageStatus::Published.code()))
        .order_by_desc(growth_message::Column::PublishedOn)
        .all(ctx.db())
        .await?;
    // The latest per student, in the class's order.
    let mut by_student: HashMap<Uuid, growth_message::Model> = HashMap::new();
    for m in rows {
        by_student.entry(m.student_id).or_insert(m);
    }
    let ordered: Vec<growth_message::Model> =
        ids.iter().filter_map(|id| by_student.remove(id)).collect();
    let letters = letters_of(ctx, ordered).await?;
    render(ctx, PaperKind::ClassLetters.label(), &letters, p).await
}

async fn appointment_step(
    ctx: &Ctx,
    staff_id: Uuid,
) -> ApiResult<(staff::Model, chrono::NaiveDate)> {
    let steps = crate::lifecycle::qualification::history(ctx, staff_id).await?;
    let on = steps
        .iter()
        .rev()
        .find(|s| s.to_q == Qualification::Appointed.code())
        .map(|s| s.on_date)
        .ok_or_else(|| ApiError::not_found("聘任记录（该教师尚未被聘为导师）"))?;
    let s = one_in_school::<staff::Entity>(ctx, staff_id, "教师").await?;
    Ok((s, on))
}

/// The teacher's name for the file name; refuses all but the school admin
/// and the teacher, and teachers not appointed.
pub async fn appointment_label(ctx: &Ctx, staff_id: Uuid) -> ApiResult<Option<String>> {
    Ok(Some(appointment_step(ctx, staff_id).await?.0.name))
}

/// The 聘书 of the teacher's latest appointment.
pub async fn appointment(ctx: &Ctx, staff_id: Uuid) -> ApiResult<Vec<u8>> {
    let (s, on) = appointment_step(ctx, staff_id).await?;
    let school = school_name(ctx).await?;
    let term = crate::policy::tasks::resolve_term(ctx, s.school_id, None, on)
        .await
        .map(|t| t.name)
        .unwrap_or_default();
    let mut doc = Doc::new(&school, PaperKind::AppointmentLetter.label());
    let e = pdf_err;
    doc.gap(60.0);
    doc.text("聘　书", 34.0, Align::Center).map_err(e)?;
    doc.gap(40.0);
    doc.text(&format!("{}老师：", s.name), 15.0, Align::Left)
        .map_err(e)?;
    doc.gap(6.0);
    doc.text(
        &format!(
            "　　经培训考核合格，兹聘请您为{school}学生成长导师{}。望您关爱学生、悉心指导，做学生成长路上的引路人。",
            if term.is_empty() { String::new() } else { format!("（{term}起）") }
        ),
        15.0,
        Align::Left,
    )
    .map_err(e)?;
    doc.gap(60.0);
    doc.text(&school, 15.0, Align::Right).map_err(e)?;
    doc.text(&on.format("%Y年%m月%d日").to_string(), 15.0, Align::Right)
        .map_err(e)?;
    doc.finish().map_err(e)
}

/// The school's term summary for the district: figures only, no names.
pub async fn term_summary(ctx: &Ctx, term_id: Option<Uuid>, p: &Progress) -> ApiResult<Vec<u8>> {
    authz::paper::may_export_school(ctx)?;
    let school = ctx.school_id()?;
    let today = crate::clock::today();
    let t = crate::policy::tasks::resolve_term(ctx, school, term_id, today).await?;
    let counts = crate::policy::tasks::school_task_counts(ctx, Some(t.id), today).await?;
    p.step(1, 3).await;
    let students = student::Entity::find()
        .filter(student::Column::SchoolId.eq(school))
        .count(ctx.db())
        .await?;
    // Pairings held at any time in the term: students covered, mentors serving.
    let held: Vec<mentor_assignment::Model> = mentor_assignment::Entity::find()
        .filter(mentor_assignment::Column::SchoolId.eq(school))
        .filter(mentor_assignment::Column::StartsOn.lte(t.ends_on))
        .all(ctx.db())
        .await?
        .into_iter()
        .filter(|a| a.ends_on.is_none_or(|e| e >= t.starts_on))
        .collect();
    let matched = held
        .iter()
        .map(|a| a.student_id)
        .collect::<HashSet<_>>()
        .len();
    let mentors = held
        .iter()
        .map(|a| a.staff_id)
        .collect::<HashSet<_>>()
        .len();
    let published = growth_message::Entity::find()
        .filter(growth_message::Column::SchoolId.eq(school))
        .filter(growth_message::Column::TermId.eq(t.id))
        .filter(growth_message::Column::Status.eq(GrowthMessageStatus::Published.code()))
        .count(ctx.db())
        .await?;
    let awards = super::awards::published_count(ctx, t.id).await?;
    let run = crate::lifecycle::entities::assessment_run::Entity::find()
        .filter(crate::lifecycle::entities::assessment_run::Column::SchoolId.eq(school))
        .filter(crate::lifecycle::entities::assessment_run::Column::TermId.eq(t.id))
        .one(ctx.db())
        .await?;
    p.step(2, 3).await;
    let name = school_name(ctx).await?;
    let mut doc = Doc::new(&name, PaperKind::TermSummary.label());
    let e = pdf_err;
    doc.text(&format!("{name}导师工作学期总结"), 20.0, Align::Center)
        .map_err(e)?;
    doc.text(
        &format!("{} · 报区教育局备案（汇总数据，不含个人信息）", t.name),
        11.0,
        Align::Center,
    )
    .map_err(e)?;
    doc.rule().map_err(e)?;
    doc.text("一、结对覆盖", 14.0, Align::Left).map_err(e)?;
    let share = if students > 0 {
        matched as f64 * 100.0 / students as f64
    } else {
        0.0
    };
    doc.para(&format!("在校学生 {students} 人，本学期有导师的学生 {matched} 人（覆盖率 {share:.1}%），担任导师的教师 {mentors} 人。"))
        .map_err(e)?;
    doc.gap(6.0);
    doc.text("二、导师任务完成情况", 14.0, Align::Left)
        .map_err(e)?;
    if let Some(c) = counts.first() {
        doc.para(&format!(
            "统计学生 {} 人，其中有逾期任务的 {} 人。",
            c.counts.students, c.counts.students_with_overdue
        ))
        .map_err(e)?;
        for k in RequirementKind::ALL {
            let kc = c.counts.kind(k);
            if kc.done + kc.due + kc.overdue == 0 {
                continue;
            }
            doc.para(&format!(
                "{}：已完成 {}，进行中 {}，已逾期 {}。",
                k.label_zh(),
                kc.done,
                kc.due,
                kc.overdue
            ))
            .map_err(e)?;
        }
    }
    doc.gap(6.0);
    doc.text("三、成长寄语与考核", 14.0, Align::Left)
        .map_err(e)?;
    doc.para(&format!("本学期发布成长寄语 {published} 份。"))
        .map_err(e)?;
    match run {
        Some(r) if r.published_at.is_some() => doc
            .para(&format!(
                "导师考核已发布：优秀 {} 人，合格 {} 人，待改善 {} 人；评选优秀导师 {awards} 人。",
                r.excellent, r.qualified, r.needs_improvement
            ))
            .map_err(e)?,
        _ => doc.para("本学期导师考核尚未发布。").map_err(e)?,
    }
    doc.gap(24.0);
    doc.text(
        &format!("生成时间：{}", super::generated_at()),
        10.0,
        Align::Right,
    )
    .map_err(e)?;
    doc.finish().map_err(e)
}

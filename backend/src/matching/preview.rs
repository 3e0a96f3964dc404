//! The preview: the pure engine run on a round's choices, and hand
//! adjustments with a reason (audited).

use std::collections::{HashMap, HashSet};

use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use shared::matching::{Instance, KeepIn, MatchOutput, MentorIn, Method, Stage, Stats, StudentIn};
use uuid::Uuid;

use super::entities::{choice, mentor_pref, result, round, rush_quota};
use super::rounds::{
    GradeMentor, RoundMethod, RoundStatus, RoundView, grade_classes, grade_mentors, grade_students,
    load_round, method_of, other_loads, round_view,
};
use crate::audit;
use crate::authz;
use crate::error::{ApiError, ApiResult};
use crate::org::entities::{class, staff, student};
use crate::tenancy::Ctx;
use crate::tenancy::one_in_school;

/// The places each mentor has in a round: the cap (or the rush quota) minus
/// the students they mentor outside the round's grade.
async fn capacities(
    ctx: &Ctx,
    r: &round::Model,
    mentors: &[GradeMentor],
    students: &[student::Model],
) -> ApiResult<HashMap<Uuid, i32>> {
    if method_of(r) == RoundMethod::SelfSelection {
        let rows = rush_quota::Entity::find()
            .filter(rush_quota::Column::SchoolId.eq(r.school_id))
            .filter(rush_quota::Column::RoundId.eq(r.id))
            .all(ctx.db())
            .await?;
        return Ok(rows.into_iter().map(|q| (q.staff_id, q.quota)).collect());
    }
    let ids: Vec<Uuid> = mentors.iter().map(|m| m.staff.id).collect();
    let in_grade: HashSet<Uuid> = students.iter().map(|s| s.id).collect();
    let other = other_loads(ctx, &ids, &in_grade).await?;
    Ok(ids
        .into_iter()
        .map(|id| (id, (r.cap - other.get(&id).copied().unwrap_or(0)).max(0)))
        .collect())
}

/// One line of a preview, with names.
pub struct PreviewLine {
    /// The result row.
    pub row: result::Model,
    /// The student's name.
    pub student_name: String,
    /// The student's class.
    pub class_name: String,
    /// The mentor's name, when placed.
    pub mentor_name: Option<String>,
}

/// A mentor's load in the preview.
pub struct LoadLine {
    /// The mentor.
    pub staff_id: Uuid,
    /// The mentor's name.
    pub name: String,
    /// Students placed with the mentor in this round.
    pub load: i32,
    /// Places in this round.
    pub capacity: i32,
    /// Whether the mentor may take students now.
    pub qualified: bool,
}

/// A round's preview: every student's line, mentor loads and statistics.
pub struct PreviewView {
    /// The round.
    pub round: RoundView,
    /// Placed students, then unplaced ones (mentor none).
    pub lines: Vec<PreviewLine>,
    /// Load per mentor (live, including manual adjustments).
    pub loads: Vec<LoadLine>,
    /// The engine's statistics of the last run.
    pub stats: Option<Stats>,
}

/// Builds the engine's instance of a round from the database.
async fn instance_of(
    ctx: &Ctx,
    r: &round::Model,
    seed: u64,
) -> ApiResult<(Instance, Vec<(Uuid, Uuid)>)> {
    let mentors = grade_mentors(ctx, r.grade).await?;
    let students = grade_students(ctx, r.grade).await?;
    let caps = capacities(ctx, r, &mentors, &students).await?;
    let prefs = mentor_pref::Entity::find()
        .filter(mentor_pref::Column::SchoolId.eq(r.school_id))
        .filter(mentor_pref::Column::RoundId.eq(r.id))
        .order_by_asc(mentor_pref::Column::Position)
        .all(ctx.db())
        .await?;
    let choices = choice::Entity::find()
        .filter(choice::Column::SchoolId.eq(r.school_id))
        .filter(choice::Column::RoundId.eq(r.id))
        .order_by_asc(choice::Column::Position)
        .all(ctx.db())
        .await?;
    let mentor_set: HashSet<Uuid> = mentors.iter().map(|m| m.staff.id).collect();
    let student_set: HashSet<Uuid> = students.iter().map(|s| s.id).collect();
    let mut mentor_prefs: HashMap<Uuid, Vec<String>> = HashMap::new();
    for p in prefs {
        if student_set.contains(&p.student_id) {
            mentor_prefs
                .entry(p.staff_id)
                .or_default()
                .push(p.student_id.to_string());
        }
    }
    let mut student_prefs: HashMap<Uuid, Vec<String>> = HashMap::new();
    for c in choices {
        if mentor_set.contains(&c.staff_id) {
            student_prefs
                .entry(c.student_id)
                .or_default()
                .push(c.staff_id.to_string());
        }
    }
    let mut keep = vec![];
    let mut rush = vec![];
    if method_of(r) == RoundMethod::SelfSelection {
        let places = super::entities::rush_place::Entity::find()
            .filter(super::entities::rush_place::Column::SchoolId.eq(r.school_id))
            .filter(super::entities::rush_place::Column::RoundId.eq(r.id))
            .all(ctx.db())
            .await?;
        for p in places {
            if student_set.contains(&p.student_id) && mentor_set.contains(&p.staff_id) {
                keep.push(KeepIn {
                    student: p.student_id.to_string(),
                    mentor: p.staff_id.to_string(),
                });
                rush.push((p.student_id, p.staff_id));
            }
        }
    }
    let instance = Instance {
        method: match method_of(r) {
            RoundMethod::BlindBox => Method::BlindBox,
            RoundMethod::TwoWay | RoundMethod::SelfSelection => Method::TwoWay,
        },
        seed,
        mentors: mentors
            .iter()
            .map(|m| MentorIn {
                id: m.staff.id.to_string(),
                capacity: i64::from(caps.get(&m.staff.id).copied().unwrap_or(0)),
                grades: vec![i64::from(r.grade)],
                prefs: mentor_prefs.remove(&m.staff.id).unwrap_or_default(),
                classes: m.class_ids.iter().map(Uuid::to_string).collect(),
                qualified: m.qualified(),
            })
            .collect(),
        students: students
            .iter()
            .map(|s| StudentIn {
                id: s.id.to_string(),
                grade: i64::from(r.grade),
                class: s.class_id.to_string(),
                prefs: student_prefs.remove(&s.id).unwrap_or_default(),
                clubs: vec![],
                exclude: vec![],
            })
            .collect(),
        clubs: vec![],
        keep,
    };
    Ok((instance, rush))
}

/// The explanation of a place taken in the rush.
pub const RUSH_WHY: &str = "线上自主选择：学生自己选定的导师";

/// Runs the round's engine on the current choices and stores the preview
/// (school admin). The seed is recorded so the run can be reproduced.
#[tracing::instrument(skip_all, fields(round_id = %round_id))]
pub async fn run_preview(ctx: &Ctx, round_id: Uuid, seed: Option<i64>) -> ApiResult<PreviewView> {
    authz::matching::may_run_matching(ctx)?;
    let r = load_round(ctx, round_id).await?;
    if RoundStatus::from_code(&r.status) == RoundStatus::Published {
        return Err(ApiError::conflict("本轮匹配已发布，不能重新生成预览"));
    }
    if seed.is_some_and(|s| s < 0) {
        return Err(ApiError::invalid("seed", "随机种子不能为负数"));
    }
    let seed = seed.map_or_else(|| rand::random::<u32>() as u64, |s| s as u64);
    let (instance, rush) = instance_of(ctx, &r, seed).await?;
    let out: MatchOutput = shared::matching::run_instance(&instance)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("matching instance: {e}")))?;
    let rush: HashSet<(String, String)> = rush
        .into_iter()
        .map(|(s, m)| (s.to_string(), m.to_string()))
        .collect();
    result::Entity::delete_many()
        .filter(result::Column::SchoolId.eq(r.school_id))
        .filter(result::Column::RoundId.eq(r.id))
        .exec(ctx.db())
        .await?;
    let mut rows = vec![];
    let parse = |s: &str| Uuid::parse_str(s).map_err(|e| ApiError::Internal(e.into()));
    for a in &out.assignments {
        let from_rush = rush.contains(&(a.student.clone(), a.mentor.clone()));
        let (stage, why) = if from_rush {
            (Stage::Preference, RUSH_WHY.to_string())
        } else {
            (a.stage, a.why.clone())
        };
        rows.push(result::ActiveModel {
            id: Set(Uuid::new_v4()),
            district_id: Set(r.district_id),
            school_id: Set(r.school_id),
            round_id: Set(r.id),
            student_id: Set(parse(&a.student)?),
            staff_id: Set(Some(parse(&a.mentor)?)),
            stage: Set(Some(stage.code().into())),
            choice_no: Set(if from_rush {
                None
            } else {
                a.rank.map(|k| k as i32)
            }),
            why: Set(why),
        });
    }
    for u in &out.unplaced {
        rows.push(result::ActiveModel {
            id: Set(Uuid::new_v4()),
            district_id: Set(r.district_id),
            school_id: Set(r.school_id),
            round_id: Set(r.id),
            student_id: Set(parse(&u.student)?),
            staff_id: Set(None),
            stage: Set(None),
            choice_no: Set(None),
            why: Set(u.why.clone()),
        });
    }
    for chunk in rows.chunks(200) {
        result::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(ctx.db())
            .await?;
    }
    let stats = serde_json::to_string(&out.stats).map_err(anyhow::Error::from)?;
    let mut am: round::ActiveModel = r.into();
    am.status = Set(RoundStatus::Previewed.code().into());
    am.seed = Set(Some(seed as i64));
    am.stats = Set(Some(stats));
    let r = am.update(ctx.db()).await?;
    audit::record(ctx, "matching.preview", "matching_round", Some(r.id), None).await?;
    preview_of(ctx, r).await
}

/// The stored preview of a round (school admin).
#[tracing::instrument(skip_all, fields(round_id = %round_id))]
pub async fn get_preview(ctx: &Ctx, round_id: Uuid) -> ApiResult<Option<PreviewView>> {
    authz::matching::may_run_matching(ctx)?;
    let r = load_round(ctx, round_id).await?;
    if RoundStatus::from_code(&r.status) == RoundStatus::Open {
        return Ok(None);
    }
    Ok(Some(preview_of(ctx, r).await?))
}

async fn preview_of(ctx: &Ctx, r: round::Model) -> ApiResult<PreviewView> {
    let rows = result::Entity::find()
        .filter(result::Column::SchoolId.eq(r.school_id))
        .filter(result::Column::RoundId.eq(r.id))
        .all(ctx.db())
        .await?;
    let students = grade_students(ctx, r.grade).await?;
    let classes: HashMap<Uuid, String> = grade_classes(ctx, r.grade)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    let student_info: HashMap<Uuid, (String, String, String)> = students
        .iter()
        .map(|s| {
            (
                s.id,
                (
                    s.name.clone(),
                    classes.get(&s.class_id).cloned().unwrap_or_default(),
                    s.student_no.clone(),
                ),
            )
        })
        .collect();
    let mentors = grade_mentors(ctx, r.grade).await?;
    let caps = capacities(ctx, &r, &mentors, &students).await?;
    let mut names: HashMap<Uuid, String> = mentors
        .iter()
        .map(|m| (m.staff.id, m.staff.name.clone()))
        .collect();
    let extra: Vec<Uuid> = rows
        .iter()
        .filter_map(|x| x.staff_id)
        .filter(|id| !names.contains_key(id))
        .collect();
    if !extra.is_empty() {
        for s in staff::Entity::find()
            .filter(staff::Column::SchoolId.eq(r.school_id))
            .filter(staff::Column::Id.is_in(extra))
            .all(ctx.db())
            .await?
        {
            names.insert(s.id, s.name);
        }
    }
    let mut load: HashMap<Uuid, i32> = HashMap::new();
    for x in &rows {
        if let Some(m) = x.staff_id {
            *load.entry(m).or_default() += 1;
        }
    }
    let loads = mentors
        .iter()
        .map(|m| LoadLine {
            staff_id: m.staff.id,
            name: m.staff.name.clone(),
            load: load.get(&m.staff.id).copied().unwrap_or(0),
            capacity: caps.get(&m.staff.id).copied().unwrap_or(0),
            qualified: m.qualified(),
        })
        .collect();
    let mut lines: Vec<(bool, String, PreviewLine)> = rows
        .into_iter()
        .map(|row| {
            let (name, class_name, no) = student_info
                .get(&row.student_id)
                .cloned()
                .unwrap_or_default();
            let mentor_name = row.staff_id.and_then(|m| names.get(&m).cloned());
            (
                row.staff_id.is_none(),
                no,
                PreviewLine {
                    row,
                    student_name: name,
                    class_name,
                    mentor_name,
                },
            )
        })
        .collect();
    lines.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    let stats = r
        .stats
        .as_deref()
        .and_then(|s| serde_json::from_str::<Stats>(s).ok());
    Ok(PreviewView {
        round: round_view(ctx, r).await?,
        lines: lines.into_iter().map(|l| l.2).collect(),
        loads,
        stats,
    })
}

pub(crate) fn check_reason(reason: &str) -> ApiResult<String> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(ApiError::invalid("reason", "请填写调整原因"));
    }
    if reason.chars().count() > 200 {
        return Err(ApiError::invalid("reason", "调整原因不能超过200字"));
    }
    Ok(reason.to_string())
}

/// Reassigns one student of a previewed round by hand (school admin): the
/// mentor must teach the grade and be qualified, the cap is enforced, the
/// reason is required and audited; the line becomes stage MANUAL.
#[tracing::instrument(skip_all, fields(round_id = %round_id, student_id = %student_id, mentor_id = %mentor_id))]
pub async fn adjust(
    ctx: &Ctx,
    round_id: Uuid,
    student_id: Uuid,
    mentor_id: Uuid,
    reason: &str,
) -> ApiResult<PreviewLine> {
    authz::matching::may_run_matching(ctx)?;
    let r = load_round(ctx, round_id).await?;
    let s = one_in_school::<student::Entity>(ctx, student_id, "学生").await?;
    let m = one_in_school::<staff::Entity>(ctx, mentor_id, "导师").await?;
    match RoundStatus::from_code(&r.status) {
        RoundStatus::Open => return Err(ApiError::conflict("请先生成匹配预览，再做人工调整")),
        RoundStatus::Published => {
            return Err(ApiError::conflict(
                "本轮匹配已发布，请使用“动态调整”更换导师",
            ));
        }
        RoundStatus::Previewed => {}
    }
    let reason = check_reason(reason)?;
    let line = result::Entity::find()
        .filter(result::Column::SchoolId.eq(r.school_id))
        .filter(result::Column::RoundId.eq(r.id))
        .filter(result::Column::StudentId.eq(s.id))
        .one(ctx.db())
        .await?
        .ok_or_else(|| ApiError::not_found("本轮匹配中的学生"))?;
    let mentors = grade_mentors(ctx, r.grade).await?;
    if !mentors.iter().any(|g| g.staff.id == m.id && g.qualified()) {
        return Err(ApiError::invalid(
            "mentorId",
            "该教师不任教本年级或暂不具备导师资格",
        ));
    }
    if line.staff_id == Some(m.id) {
        return Err(ApiError::conflict("该学生已匹配这位导师"));
    }
    let students = grade_students(ctx, r.grade).await?;
    let caps = capacities(ctx, &r, &mentors, &students).await?;
    let cap = caps.get(&m.id).copied().unwrap_or(0);
    let load = result::Entity::find()
        .filter(result::Column::SchoolId.eq(r.school_id))
        .filter(result::Column::RoundId.eq(r.id))
        .filter(result::Column::StaffId.eq(m.id))
        .count(ctx.db())
        .await? as i32;
    if load + 1 > cap {
        return Err(ApiError::conflict(format!(
            "{}的名额已满（本轮可带{}名学生，已有{}名）",
            m.name, cap, load
        )));
    }
    let choice_no = choice::Entity::find()
        .filter(choice::Column::SchoolId.eq(r.school_id))
        .filter(choice::Column::RoundId.eq(r.id))
        .filter(choice::Column::StudentId.eq(s.id))
        .filter(choice::Column::StaffId.eq(m.id))
        .one(ctx.db())
        .await?
        .map(|c| c.position);
    let mut am: result::ActiveModel = line.into();
    am.staff_id = Set(Some(m.id));
    am.stage = Set(Some(Stage::Manual.code().into()));
    am.choice_no = Set(choice_no);
    am.why = Set(shared::matching::report::explain_manual(&reason));
    let row = am.update(ctx.db()).await?;
    audit::record(ctx, "matching.adjust", "student", Some(s.id), Some(reason)).await?;
    let class_name = one_in_school::<class::Entity>(ctx, s.class_id, "班级")
        .await?
        .name;
    Ok(PreviewLine {
        row,
        student_name: s.name,
        class_name,
        mentor_name: Some(m.name),
    })
}

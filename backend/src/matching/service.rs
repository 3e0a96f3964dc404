//! The school's matching workflow: open a round, collect students' choices
//! (and mentors' preferences in two-way rounds), run a preview with the pure
//! engine, adjust by hand (audited, with a reason), publish to
//! `mentor_assignments`, and change mentors during the year (动态调整).
//!
//! Caps: a round's cap per mentor defaults to the ratio of the policy in
//! effect at the term's start for the grade (the school's policy, else the
//! district baseline, else 15); an admin may set a stricter cap, never a
//! looser one. A mentor's places in a round are the cap minus
//! the students they already mentor in other grades, so a mentor teaching two
//! grades never passes the cap across rounds.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use shared::matching::{Instance, KeepIn, MatchOutput, MentorIn, Method, Stage, Stats, StudentIn};
use shared::org::{Qualification, Role};
use uuid::Uuid;

use super::entities::{choice, mentor_pref, result, round, rush_quota};
use crate::audit;
use crate::authz;
use crate::error::Problems;
use crate::error::{ApiError, ApiResult};
use crate::org::entities::{class, mentor_assignment, staff, student, teaching, term};
use crate::tenancy::Ctx;
use crate::tenancy::one_in_school;

/// The default cap per mentor (the district baseline 1:15).
pub const DEFAULT_CAP: i32 = 15;
/// Most choices (志愿) a student may list.
pub const MAX_CHOICES: usize = 5;
/// Most students a mentor may rank in a two-way round.
pub const MAX_MENTOR_PREFS: usize = 60;

/// How a round assigns mentors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, async_graphql::Enum)]
pub enum RoundMethod {
    /// 双向选择: students rank mentors, mentors may rank students.
    TwoWay,
    /// 导师盲盒: a seeded random draw within eligibility and caps.
    BlindBox,
    /// 学生线上自主选择: first come, first served within quotas.
    SelfSelection,
}

impl RoundMethod {
    /// The stable code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            RoundMethod::TwoWay => "two_way",
            RoundMethod::BlindBox => "blind_box",
            RoundMethod::SelfSelection => "self_selection",
        }
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<RoundMethod> {
        [
            RoundMethod::TwoWay,
            RoundMethod::BlindBox,
            RoundMethod::SelfSelection,
        ]
        .into_iter()
        .find(|m| m.code() == code)
    }
}

/// Where a round stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, async_graphql::Enum)]
pub enum RoundStatus {
    /// Collecting choices (or selections, in a rush).
    Open,
    /// A preview exists; the admin may adjust and publish.
    Previewed,
    /// Published: the pairs are in force.
    Published,
}

impl RoundStatus {
    /// The stable code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            RoundStatus::Open => "open",
            RoundStatus::Previewed => "previewed",
            RoundStatus::Published => "published",
        }
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> RoundStatus {
        match code {
            "previewed" => RoundStatus::Previewed,
            "published" => RoundStatus::Published,
            _ => RoundStatus::Open,
        }
    }
}

/// Today in China (UTC+8), the day pairs start and end.
pub fn today() -> NaiveDate {
    let now = Utc::now();
    chrono::FixedOffset::east_opt(8 * 3600)
        .map_or_else(|| now.date_naive(), |o| now.with_timezone(&o).date_naive())
}

/// A mentor who may take students of a grade, with what students see.
#[derive(Debug, Clone)]
pub struct GradeMentor {
    /// The staff row.
    pub staff: staff::Model,
    /// Subjects taught in the grade.
    pub subjects: Vec<String>,
    /// Classes of the grade taught.
    pub class_ids: Vec<Uuid>,
}

impl GradeMentor {
    /// Whether the teacher may take students now.
    pub fn qualified(&self) -> bool {
        Qualification::from_code(&self.staff.qualification).is_some_and(|q| q.may_mentor())
    }

    /// The teacher's specialties (mentor profile library).
    pub fn specialties(&self) -> Vec<String> {
        serde_json::from_str(&self.staff.specialties).unwrap_or_default()
    }
}

/// A round of the caller's school, else `NOT_FOUND`.
pub async fn load_round(ctx: &Ctx, id: Uuid) -> ApiResult<round::Model> {
    one_in_school::<round::Entity>(ctx, id, "匹配轮次").await
}

/// The round's method.
pub fn method_of(r: &round::Model) -> RoundMethod {
    RoundMethod::from_code(&r.method).unwrap_or(RoundMethod::TwoWay)
}

/// Classes of a grade in the caller's school.
pub async fn grade_classes(ctx: &Ctx, grade: i32) -> ApiResult<Vec<class::Model>> {
    Ok(class::Entity::find()
        .filter(class::Column::SchoolId.eq(ctx.school_id()?))
        .filter(class::Column::Grade.eq(grade))
        .order_by_asc(class::Column::Name)
        .all(ctx.db())
        .await?)
}

/// Students of a grade in the caller's school.
pub async fn grade_students(ctx: &Ctx, grade: i32) -> ApiResult<Vec<student::Model>> {
    let classes: Vec<Uuid> = grade_classes(ctx, grade)
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect();
    Ok(student::Entity::find()
        .filter(student::Column::SchoolId.eq(ctx.school_id()?))
        .filter(student::Column::ClassId.is_in(classes))
        .order_by_asc(student::Column::StudentNo)
        .all(ctx.db())
        .await?)
}

/// The teachers of a grade (eligible by default), qualified or not.
pub async fn grade_mentors(ctx: &Ctx, grade: i32) -> ApiResult<Vec<GradeMentor>> {
    let school = ctx.school_id()?;
    let classes: Vec<Uuid> = grade_classes(ctx, grade)
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect();
    let rows = teaching::Entity::find()
        .filter(teaching::Column::SchoolId.eq(school))
        .filter(teaching::Column::ClassId.is_in(classes))
        .all(ctx.db())
        .await?;
    let mut by_staff: HashMap<Uuid, (Vec<String>, Vec<Uuid>)> = HashMap::new();
    for t in rows {
        let e = by_staff.entry(t.staff_id).or_default();
        if !e.0.contains(&t.subject) {
            e.0.push(t.subject);
        }
        if !e.1.contains(&t.class_id) {
            e.1.push(t.class_id);
        }
    }
    let staff_rows = staff::Entity::find()
        .filter(staff::Column::SchoolId.eq(school))
        .filter(staff::Column::Id.is_in(by_staff.keys().copied().collect::<Vec<_>>()))
        .order_by_asc(staff::Column::StaffNo)
        .all(ctx.db())
        .await?;
    Ok(staff_rows
        .into_iter()
        .map(|s| {
            let (subjects, class_ids) = by_staff.remove(&s.id).unwrap_or_default();
            GradeMentor {
                staff: s,
                subjects,
                class_ids,
            }
        })
        .collect())
}

/// Students each staff member currently mentors outside the given students
/// (e.g. in other grades): these count against the cap too.
pub async fn other_loads(
    ctx: &Ctx,
    staff_ids: &[Uuid],
    except_students: &HashSet<Uuid>,
) -> ApiResult<HashMap<Uuid, i32>> {
    let pairs = mentor_assignment::Entity::find()
        .filter(mentor_assignment::Column::SchoolId.eq(ctx.school_id()?))
        .filter(mentor_assignment::Column::StaffId.is_in(staff_ids.to_vec()))
        .filter(mentor_assignment::Column::EndsOn.is_null())
        .all(ctx.db())
        .await?;
    let mut out: HashMap<Uuid, i32> = HashMap::new();
    for p in pairs {
        if !except_students.contains(&p.student_id) {
            *out.entry(p.staff_id).or_default() += 1;
        }
    }
    Ok(out)
}

/// The caller's own student record (students only).
pub async fn my_student(ctx: &Ctx) -> ApiResult<student::Model> {
    let caller = ctx.require_any(&[Role::Student])?;
    student::Entity::find()
        .filter(student::Column::SchoolId.eq(ctx.school_id()?))
        .filter(student::Column::UserId.eq(caller.user_id))
        .one(ctx.db())
        .await?
        .ok_or_else(|| ApiError::forbidden("此账号没有关联学生"))
}

async fn grade_of(ctx: &Ctx, s: &student::Model) -> ApiResult<i32> {
    Ok(one_in_school::<class::Entity>(ctx, s.class_id, "班级")
        .await?
        .grade)
}

/// Requires the student to belong to the round's grade.
async fn require_in_round(ctx: &Ctx, r: &round::Model, s: &student::Model) -> ApiResult<()> {
    if grade_of(ctx, s).await? != r.grade {
        return Err(ApiError::forbidden("你不属于本轮匹配的年级"));
    }
    Ok(())
}

/// Requires the round to accept choices now.
pub fn require_window(r: &round::Model) -> ApiResult<()> {
    if RoundStatus::from_code(&r.status) == RoundStatus::Published {
        return Err(ApiError::conflict("本轮匹配已发布，不能再修改志愿"));
    }
    let now = Utc::now();
    if r.opens_at.is_some_and(|t| now < t) {
        return Err(ApiError::conflict("本轮选择尚未开始"));
    }
    if r.closes_at.is_some_and(|t| now > t) {
        return Err(ApiError::conflict("本轮选择已截止"));
    }
    Ok(())
}

/// A round with how many students took part so far.
pub struct RoundView {
    /// The row.
    pub round: round::Model,
    /// Students who submitted choices (or took a place, in a rush).
    pub participants: u64,
}

async fn round_view(ctx: &Ctx, r: round::Model) -> ApiResult<RoundView> {
    let participants = if method_of(&r) == RoundMethod::SelfSelection {
        super::entities::rush_place::Entity::find()
            .filter(super::entities::rush_place::Column::SchoolId.eq(r.school_id))
            .filter(super::entities::rush_place::Column::RoundId.eq(r.id))
            .count(ctx.db())
            .await?
    } else {
        choice::Entity::find()
            .filter(choice::Column::SchoolId.eq(r.school_id))
            .filter(choice::Column::RoundId.eq(r.id))
            .filter(choice::Column::Position.eq(1))
            .count(ctx.db())
            .await?
    };
    Ok(RoundView {
        round: r,
        participants,
    })
}

/// Opening a round.
pub struct OpenRound {
    /// The term.
    pub term_id: Uuid,
    /// The grade.
    pub grade: i32,
    /// The method.
    pub method: RoundMethod,
    /// Cap per mentor (default: the policy's ratio for the grade).
    pub cap: Option<i32>,
    /// When choices open (default: now).
    pub opens_at: Option<DateTime<Utc>>,
    /// When choices close (default: until the admin previews).
    pub closes_at: Option<DateTime<Utc>>,
}

/// Opens a matching round for a grade of a term (school admin). A
/// self-selection round also sets every qualified mentor's quota.
pub async fn open_round(ctx: &Ctx, input: OpenRound) -> ApiResult<RoundView> {
    let (district, school) = ctx.require_school_admin()?;
    let caller = ctx.caller()?.user_id;
    let t = one_in_school::<term::Entity>(ctx, input.term_id, "学期").await?;
    // The cap of the policy in effect at the term's start (the school's, else
    // the district baseline); a round may be stricter, never looser.
    let policy = crate::policy::service::school_policy(ctx, None, t.starts_on).await?;
    let policy_cap = policy
        .in_effect()
        .map(|(v, _)| i32::try_from(v.rules.ratio.cap_for(input.grade)).unwrap_or(i32::MAX));
    let cap = input.cap.or(policy_cap).unwrap_or(DEFAULT_CAP);
    let mut p = Problems::default();
    if let Some(limit) = policy_cap
        && cap > limit
    {
        p.add(
            "cap",
            format!(
                "名额上限{cap}超过本校方案对{}年级规定的1:{limit}",
                input.grade
            ),
        );
    }
    if !(1..=12).contains(&input.grade) {
        p.add("grade", "年级应为1到12");
    }
    if !(1..=50).contains(&cap) {
        p.add("cap", "每位导师的名额上限应为1到50");
    }
    if let (Some(a), Some(b)) = (input.opens_at, input.closes_at)
        && b <= a
    {
        p.add("closesAt", "截止时间必须晚于开始时间");
    }
    p.finish()?;
    let students = grade_students(ctx, input.grade).await?;
    if students.is_empty() {
        return Err(ApiError::invalid("grade", "该年级没有学生"));
    }
    let unfinished = round::Entity::find()
        .filter(round::Column::SchoolId.eq(school))
        .filter(round::Column::TermId.eq(t.id))
        .filter(round::Column::Grade.eq(input.grade))
        .filter(round::Column::Status.ne(RoundStatus::Published.code()))
        .count(ctx.db())
        .await?;
    if unfinished > 0 {
        return Err(ApiError::conflict(
            "该学期该年级已有一轮未发布的匹配，请先完成或发布它",
        ));
    }
    let row = round::ActiveModel {
        id: Set(Uuid::new_v4()),
        district_id: Set(district),
        school_id: Set(school),
        term_id: Set(t.id),
        grade: Set(input.grade),
        method: Set(input.method.code().into()),
        cap: Set(cap),
        status: Set(RoundStatus::Open.code().into()),
        opens_at: Set(input.opens_at),
        closes_at: Set(input.closes_at),
        seed: Set(None),
        stats: Set(None),
        created_by: Set(caller),
        created_at: Set(Utc::now()),
        published_at: Set(None),
    }
    .insert(ctx.db())
    .await?;
    if input.method == RoundMethod::SelfSelection {
        let mentors: Vec<GradeMentor> = grade_mentors(ctx, input.grade)
            .await?
            .into_iter()
            .filter(GradeMentor::qualified)
            .collect();
        let ids: Vec<Uuid> = mentors.iter().map(|m| m.staff.id).collect();
        let in_grade: HashSet<Uuid> = students.iter().map(|s| s.id).collect();
        let other = other_loads(ctx, &ids, &in_grade).await?;
        let quotas: Vec<rush_quota::ActiveModel> = ids
            .iter()
            .map(|id| rush_quota::ActiveModel {
                id: Set(Uuid::new_v4()),
                district_id: Set(district),
                school_id: Set(school),
                round_id: Set(row.id),
                staff_id: Set(*id),
                quota: Set((cap - other.get(id).copied().unwrap_or(0)).max(0)),
                taken: Set(0),
            })
            .collect();
        for chunk in quotas.chunks(200) {
            rush_quota::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(ctx.db())
                .await?;
        }
    }
    audit::record(ctx, "matching.open", "matching_round", Some(row.id), None).await?;
    round_view(ctx, row).await
}

/// One round of the caller's school (any member of the school).
pub async fn get_round(ctx: &Ctx, id: Uuid) -> ApiResult<RoundView> {
    let r = load_round(ctx, id).await?;
    round_view(ctx, r).await
}

/// The rounds of a term of the caller's school, newest first.
pub async fn list_rounds(ctx: &Ctx, term_id: Uuid) -> ApiResult<Vec<RoundView>> {
    let school = ctx.school_id()?;
    let rows = round::Entity::find()
        .filter(round::Column::DistrictId.eq(ctx.district_id()?))
        .filter(round::Column::SchoolId.eq(school))
        .filter(round::Column::TermId.eq(term_id))
        .order_by_desc(round::Column::CreatedAt)
        .all(ctx.db())
        .await?;
    let mut out = vec![];
    for r in rows {
        out.push(round_view(ctx, r).await?);
    }
    Ok(out)
}

/// The qualified mentors a round's students may choose (name, subjects,
/// specialties — never their load).
pub async fn eligible_mentors(ctx: &Ctx, round_id: Uuid) -> ApiResult<Vec<GradeMentor>> {
    let r = load_round(ctx, round_id).await?;
    Ok(grade_mentors(ctx, r.grade)
        .await?
        .into_iter()
        .filter(GradeMentor::qualified)
        .collect())
}

/// Replaces the calling student's ranked choices (1–5 distinct eligible
/// mentors, first choice first).
pub async fn submit_choices(
    ctx: &Ctx,
    round_id: Uuid,
    mentor_ids: Vec<Uuid>,
) -> ApiResult<Vec<GradeMentor>> {
    let me = my_student(ctx).await?;
    let r = load_round(ctx, round_id).await?;
    require_in_round(ctx, &r, &me).await?;
    if method_of(&r) != RoundMethod::TwoWay {
        return Err(ApiError::invalid(
            "roundId",
            "本轮匹配方式不需要填报志愿（自主选择请直接选导师）",
        ));
    }
    require_window(&r)?;
    let eligible: HashMap<Uuid, GradeMentor> = eligible_mentors(ctx, round_id)
        .await?
        .into_iter()
        .map(|m| (m.staff.id, m))
        .collect();
    let mut p = Problems::default();
    if mentor_ids.is_empty() {
        p.add("mentorIds", "请至少选择一位导师");
    }
    if mentor_ids.len() > MAX_CHOICES {
        p.add("mentorIds", format!("最多填报{MAX_CHOICES}个志愿"));
    }
    let mut seen = HashSet::new();
    for (i, id) in mentor_ids.iter().enumerate() {
        if !seen.insert(*id) {
            p.add(&format!("mentorIds[{i}]"), "同一位导师不能重复填报");
        } else if !eligible.contains_key(id) {
            p.add(&format!("mentorIds[{i}]"), "该教师不是本年级可选的导师");
        }
    }
    p.finish()?;
    choice::Entity::delete_many()
        .filter(choice::Column::SchoolId.eq(me.school_id))
        .filter(choice::Column::RoundId.eq(r.id))
        .filter(choice::Column::StudentId.eq(me.id))
        .exec(ctx.db())
        .await?;
    let rows: Vec<choice::ActiveModel> = mentor_ids
        .iter()
        .enumerate()
        .map(|(i, m)| choice::ActiveModel {
            id: Set(Uuid::new_v4()),
            district_id: Set(me.district_id),
            school_id: Set(me.school_id),
            round_id: Set(r.id),
            student_id: Set(me.id),
            staff_id: Set(*m),
            position: Set(i as i32 + 1),
        })
        .collect();
    choice::Entity::insert_many(rows)
        .exec_without_returning(ctx.db())
        .await?;
    let mut eligible = eligible;
    Ok(mentor_ids
        .iter()
        .filter_map(|id| eligible.remove(id))
        .collect())
}

/// The calling student's choices in a round, first choice first.
pub async fn my_choices(ctx: &Ctx, round_id: Uuid) -> ApiResult<Vec<GradeMentor>> {
    let me = my_student(ctx).await?;
    let r = load_round(ctx, round_id).await?;
    let rows = choice::Entity::find()
        .filter(choice::Column::SchoolId.eq(me.school_id))
        .filter(choice::Column::RoundId.eq(r.id))
        .filter(choice::Column::StudentId.eq(me.id))
        .order_by_asc(choice::Column::Position)
        .all(ctx.db())
        .await?;
    let mut mentors: HashMap<Uuid, GradeMentor> = grade_mentors(ctx, r.grade)
        .await?
        .into_iter()
        .map(|m| (m.staff.id, m))
        .collect();
    Ok(rows
        .iter()
        .filter_map(|c| mentors.remove(&c.staff_id))
        .collect())
}

/// Replaces the calling mentor's ranking of students in a two-way round
/// (students of the round's grade, most preferred first).
pub async fn submit_student_prefs(
    ctx: &Ctx,
    round_id: Uuid,
    student_ids: Vec<Uuid>,
) -> ApiResult<bool> {
    ctx.require_any(&[Role::Mentor, Role::HeadTeacher, Role::Counsellor])?;
    let r = load_round(ctx, round_id).await?;
    let me = authz::my_staff(ctx)
        .await?
        .ok_or_else(|| ApiError::forbidden("此账号没有关联教师"))?;
    if method_of(&r) != RoundMethod::TwoWay {
        return Err(ApiError::invalid(
            "roundId",
            "只有双向选择的匹配轮次可以提交导师意向",
        ));
    }
    require_window(&r)?;
    let mine = grade_mentors(ctx, r.grade)
        .await?
        .into_iter()
        .any(|m| m.staff.id == me.id && m.qualified());
    if !mine {
        return Err(ApiError::forbidden(
            "你不是本年级可选的导师，不能提交学生意向",
        ));
    }
    let in_grade: HashSet<Uuid> = grade_students(ctx, r.grade)
        .await?
        .into_iter()
        .map(|s| s.id)
        .collect();
    let mut p = Problems::default();
    if student_ids.len() > MAX_MENTOR_PREFS {
        p.add("studentIds", format!("最多填写{MAX_MENTOR_PREFS}名学生"));
    }
    let mut seen = HashSet::new();
    for (i, id) in student_ids.iter().enumerate() {
        if !seen.insert(*id) {
            p.add(&format!("studentIds[{i}]"), "同一名学生不能重复填写");
        } else if !in_grade.contains(id) {
            p.add(&format!("studentIds[{i}]"), "该学生不属于本轮匹配的年级");
        }
    }
    p.finish()?;
    mentor_pref::Entity::delete_many()
        .filter(mentor_pref::Column::SchoolId.eq(r.school_id))
        .filter(mentor_pref::Column::RoundId.eq(r.id))
        .filter(mentor_pref::Column::StaffId.eq(me.id))
        .exec(ctx.db())
        .await?;
    if !student_ids.is_empty() {
        let rows: Vec<mentor_pref::ActiveModel> = student_ids
            .iter()
            .enumerate()
            .map(|(i, s)| mentor_pref::ActiveModel {
                id: Set(Uuid::new_v4()),
                district_id: Set(r.district_id),
                school_id: Set(r.school_id),
                round_id: Set(r.id),
                staff_id: Set(me.id),
                student_id: Set(*s),
                position: Set(i as i32 + 1),
            })
            .collect();
        mentor_pref::Entity::insert_many(rows)
            .exec_without_returning(ctx.db())
            .await?;
    }
    Ok(true)
}

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
pub async fn run_preview(ctx: &Ctx, round_id: Uuid, seed: Option<i64>) -> ApiResult<PreviewView> {
    ctx.require_school_admin()?;
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
pub async fn get_preview(ctx: &Ctx, round_id: Uuid) -> ApiResult<Option<PreviewView>> {
    ctx.require_school_admin()?;
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

fn check_reason(reason: &str) -> ApiResult<String> {
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
pub async fn adjust(
    ctx: &Ctx,
    round_id: Uuid,
    student_id: Uuid,
    mentor_id: Uuid,
    reason: &str,
) -> ApiResult<PreviewLine> {
    ctx.require_school_admin()?;
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

/// Splits a student's open pairs into those to close and whether a pair
/// with `keep` is already open (it stays).
fn pairs_to_close(open: &[mentor_assignment::Model], keep: Option<Uuid>) -> (Vec<Uuid>, bool) {
    let mut kept = false;
    let mut close = vec![];
    for p in open {
        if Some(p.staff_id) == keep && !kept {
            kept = true;
        } else {
            close.push(p.id);
        }
    }
    (close, kept)
}

/// Closes pairs on `today` (history kept: `ends_on`, never a delete).
async fn close_pairs(ctx: &Ctx, ids: &[Uuid], today: NaiveDate) -> ApiResult<()> {
    for chunk in ids.chunks(500) {
        mentor_assignment::Entity::update_many()
            .col_expr(
                mentor_assignment::Column::EndsOn,
                sea_orm::sea_query::Expr::value(today),
            )
            .filter(mentor_assignment::Column::SchoolId.eq(ctx.school_id()?))
            .filter(mentor_assignment::Column::Id.is_in(chunk.to_vec()))
            .exec(ctx.db())
            .await?;
    }
    Ok(())
}

fn new_pair(
    s: &student::Model,
    staff_id: Uuid,
    stage: &str,
    today: NaiveDate,
) -> mentor_assignment::ActiveModel {
    mentor_assignment::ActiveModel {
        id: Set(Uuid::new_v4()),
        district_id: Set(s.district_id),
        school_id: Set(s.school_id),
        student_id: Set(s.id),
        staff_id: Set(staff_id),
        starts_on: Set(today),
        ends_on: Set(None),
        stage: Set(stage.into()),
        created_at: Set(Utc::now()),
    }
}

/// Publishes a previewed round (school admin): every placed student's
/// previous open pairs are closed today (history kept) and the new pair is
/// opened; a pair that does not change stays as it is. Students the preview
/// left unplaced keep their current mentor while that mentor stays within
/// the cap; otherwise that pair is closed too, so publishing never puts a
/// mentor over the cap.
pub async fn publish(ctx: &Ctx, round_id: Uuid) -> ApiResult<RoundView> {
    ctx.require_school_admin()?;
    let r = load_round(ctx, round_id).await?;
    match RoundStatus::from_code(&r.status) {
        RoundStatus::Open => return Err(ApiError::conflict("请先生成匹配预览，再发布")),
        RoundStatus::Published => return Err(ApiError::conflict("本轮匹配已发布")),
        RoundStatus::Previewed => {}
    }
    let lines = result::Entity::find()
        .filter(result::Column::SchoolId.eq(r.school_id))
        .filter(result::Column::RoundId.eq(r.id))
        .all(ctx.db())
        .await?;
    let students: HashMap<Uuid, student::Model> = grade_students(ctx, r.grade)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    // Every open pair of the school: the grade's students' pairs are being
    // replaced; other pairs count against the cap.
    let mut open: HashMap<Uuid, Vec<mentor_assignment::Model>> = HashMap::new();
    let mut load: HashMap<Uuid, i32> = HashMap::new();
    for p in mentor_assignment::Entity::find()
        .filter(mentor_assignment::Column::SchoolId.eq(r.school_id))
        .filter(mentor_assignment::Column::EndsOn.is_null())
        .all(ctx.db())
        .await?
    {
        if students.contains_key(&p.student_id) {
            open.entry(p.student_id).or_default().push(p);
        } else {
            *load.entry(p.staff_id).or_default() += 1;
        }
    }
    let today = today();
    let mut new_rows = vec![];
    let mut closing = vec![];
    let mut placed = HashSet::new();
    for l in &lines {
        let (Some(m), Some(s)) = (l.staff_id, students.get(&l.student_id)) else {
            continue;
        };
        placed.insert(s.id);
        *load.entry(m).or_default() += 1;
        let current = open.remove(&s.id).unwrap_or_default();
        let (close, kept) = pairs_to_close(&current, Some(m));
        closing.extend(close);
        if !kept {
            let stage = l
                .stage
                .clone()
                .unwrap_or_else(|| Stage::Manual.code().into());
            new_rows.push(new_pair(s, m, &stage, today));
        }
    }
    // Students left unplaced keep their current mentor while that mentor
    // stays within the cap; a pair that would break it is closed too.
    let mut rest: Vec<&student::Model> = students
        .values()
        .filter(|s| !placed.contains(&s.id))
        .collect();
    rest.sort_by(|a, b| a.student_no.cmp(&b.student_no));
    for s in rest {
        for p in open.remove(&s.id).unwrap_or_default() {
            let l = load.entry(p.staff_id).or_default();
            if *l < r.cap {
                *l += 1;
            } else {
                closing.push(p.id);
            }
        }
    }
    close_pairs(ctx, &closing, today).await?;
    for chunk in new_rows.chunks(200) {
        mentor_assignment::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(ctx.db())
            .await?;
    }
    let mut am: round::ActiveModel = r.into();
    am.status = Set(RoundStatus::Published.code().into());
    am.published_at = Set(Some(Utc::now()));
    let r = am.update(ctx.db()).await?;
    audit::record(ctx, "matching.publish", "matching_round", Some(r.id), None).await?;
    round_view(ctx, r).await
}

/// The cap for a grade: that of its latest published round, else 15.
async fn grade_cap(ctx: &Ctx, grade: i32) -> ApiResult<i32> {
    Ok(round::Entity::find()
        .filter(round::Column::SchoolId.eq(ctx.school_id()?))
        .filter(round::Column::Grade.eq(grade))
        .filter(round::Column::Status.eq(RoundStatus::Published.code()))
        .order_by_desc(round::Column::PublishedAt)
        .one(ctx.db())
        .await?
        .map_or(DEFAULT_CAP, |r| r.cap))
}

/// The explanation a student sees after a mid-year change (the admin's
/// reason stays in the audit log).
pub const CHANGE_WHY: &str = "学期中学校动态调整了导师";

/// Changes a student's mentor during the year (动态调整, school admin): the
/// old pair is closed today, a new one opened; the mentor must teach the
/// student's grade and be qualified; the cap is enforced; audited with the
/// reason.
pub async fn change_mentor(
    ctx: &Ctx,
    student_id: Uuid,
    mentor_id: Uuid,
    reason: &str,
) -> ApiResult<bool> {
    ctx.require_school_admin()?;
    let s = one_in_school::<student::Entity>(ctx, student_id, "学生").await?;
    let m = one_in_school::<staff::Entity>(ctx, mentor_id, "导师").await?;
    let reason = check_reason(reason)?;
    let grade = grade_of(ctx, &s).await?;
    if !grade_mentors(ctx, grade)
        .await?
        .iter()
        .any(|g| g.staff.id == m.id && g.qualified())
    {
        return Err(ApiError::invalid(
            "mentorId",
            "该教师不任教该学生所在年级或暂不具备导师资格",
        ));
    }
    let open = mentor_assignment::Entity::find()
        .filter(mentor_assignment::Column::SchoolId.eq(s.school_id))
        .filter(mentor_assignment::Column::StudentId.eq(s.id))
        .filter(mentor_assignment::Column::EndsOn.is_null())
        .all(ctx.db())
        .await?;
    if open.len() == 1 && open[0].staff_id == m.id {
        return Err(ApiError::conflict("该教师已是这名学生的导师"));
    }
    let cap = grade_cap(ctx, grade).await?;
    let load = mentor_assignment::Entity::find()
        .filter(mentor_assignment::Column::SchoolId.eq(s.school_id))
        .filter(mentor_assignment::Column::StaffId.eq(m.id))
        .filter(mentor_assignment::Column::StudentId.ne(s.id))
        .filter(mentor_assignment::Column::EndsOn.is_null())
        .count(ctx.db())
        .await? as i32;
    if load + 1 > cap {
        return Err(ApiError::conflict(format!(
            "{}的名额已满（上限{}名学生，已有{}名）",
            m.name, cap, load
        )));
    }
    let today = today();
    let (close, kept) = pairs_to_close(&open, Some(m.id));
    close_pairs(ctx, &close, today).await?;
    if !kept {
        new_pair(&s, m.id, Stage::Manual.code(), today)
            .insert(ctx.db())
            .await?;
    }
    audit::record(
        ctx,
        "matching.change_mentor",
        "student",
        Some(s.id),
        Some(reason),
    )
    .await?;
    Ok(true)
}

/// A student's current mentor with the explanation.
pub struct MyMatchView {
    /// The mentor.
    pub mentor: staff::Model,
    /// The stage that made the pair.
    pub stage: Option<Stage>,
    /// Which of the student's own choices the mentor was (1 = first).
    pub choice_no: Option<i32>,
    /// One line in Chinese.
    pub why: String,
    /// Since when.
    pub since: NaiveDate,
}

fn stage_of(code: &str) -> Option<Stage> {
    [
        Stage::Continuity,
        Stage::Preference,
        Stage::Club,
        Stage::Lottery,
        Stage::Fill,
        Stage::Manual,
    ]
    .into_iter()
    .find(|s| s.code() == code)
}

/// The calling student's current mentors with the explanation from the
/// published round that made each pair (students only).
pub async fn my_match(ctx: &Ctx) -> ApiResult<Vec<MyMatchView>> {
    let me = my_student(ctx).await?;
    let open = mentor_assignment::Entity::find()
        .filter(mentor_assignment::Column::SchoolId.eq(me.school_id))
        .filter(mentor_assignment::Column::StudentId.eq(me.id))
        .filter(mentor_assignment::Column::EndsOn.is_null())
        .order_by_asc(mentor_assignment::Column::StartsOn)
        .all(ctx.db())
        .await?;
    let published: Vec<Uuid> = round::Entity::find()
        .select_only()
        .column(round::Column::Id)
        .filter(round::Column::SchoolId.eq(me.school_id))
        .filter(round::Column::Status.eq(RoundStatus::Published.code()))
        .into_tuple()
        .all(ctx.db())
        .await?;
    let lines = result::Entity::find()
        .filter(result::Column::SchoolId.eq(me.school_id))
        .filter(result::Column::StudentId.eq(me.id))
        .filter(result::Column::RoundId.is_in(published))
        .all(ctx.db())
        .await?;
    let mut out = vec![];
    for p in open {
        let mentor = one_in_school::<staff::Entity>(ctx, p.staff_id, "导师").await?;
        let line = lines.iter().find(|l| l.staff_id == Some(p.staff_id));
        let (stage, choice_no, why) = match line {
            Some(l) => (
                l.stage.as_deref().and_then(stage_of),
                l.choice_no,
                l.why.clone(),
            ),
            None if p.stage == Stage::Manual.code() => {
                (Some(Stage::Manual), None, CHANGE_WHY.to_string())
            }
            None => (stage_of(&p.stage), None, "学校安排的导师".to_string()),
        };
        out.push(MyMatchView {
            mentor,
            stage,
            choice_no,
            why,
            since: p.starts_on,
        });
    }
    Ok(out)
}

//! The school's matching workflow: open a round, collect students' choices
//! (and mentors' preferences in two-way rounds), run a preview with the pure
//! engine, adjust by hand (audited, with a reason), publish to
//! `mentor_assignments`, and change mentors during the year (动态调整).
//! This file: rounds, their grade's classes, students and mentors.
//!
//! Caps: a round's cap per mentor defaults to the ratio of the policy in
//! effect at the term's start for the grade (the school's policy, else the
//! district baseline, else 15); an admin may set a stricter cap, never a
//! looser one. A mentor's places in a round are the cap minus
//! the students they already mentor in other grades, so a mentor teaching two
//! grades never passes the cap across rounds.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use shared::org::Qualification;
use uuid::Uuid;

use super::entities::{choice, round, rush_quota};
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

/// A mentor who may take students of a grade, with what students see.
#[derive(Debug, Clone)]
pub struct GradeMentor {
    /// The staff row.
    pub staff: staff::Model,
    /// Subjects taught in the grade.
    pub subjects: Vec<String>,
    /// Classes of the grade taught.
    pub class_ids: Vec<Uuid>,
    /// Whether the policy in effect lets the teacher's standing take
    /// students (a school may keep teachers on probation out of matching).
    pub may_match: bool,
}

impl GradeMentor {
    /// Whether the teacher may take students now.
    pub fn qualified(&self) -> bool {
        self.may_match
    }

    /// The teacher's specialties (mentor profile library).
    pub fn specialties(&self) -> Vec<String> {
        serde_json::from_str(&self.staff.specialties).unwrap_or_default()
    }
}

/// A round of the caller's school, else `NOT_FOUND`.
#[tracing::instrument(skip_all, fields(id = %id))]
pub async fn load_round(ctx: &Ctx, id: Uuid) -> ApiResult<round::Model> {
    one_in_school::<round::Entity>(ctx, id, "匹配轮次").await
}

/// The round's method.
pub fn method_of(r: &round::Model) -> RoundMethod {
    RoundMethod::from_code(&r.method).unwrap_or(RoundMethod::TwoWay)
}

/// Classes of a grade in the caller's school.
#[tracing::instrument(skip_all)]
pub async fn grade_classes(ctx: &Ctx, grade: i32) -> ApiResult<Vec<class::Model>> {
    Ok(class::Entity::find()
        .filter(class::Column::SchoolId.eq(ctx.school_id()?))
        .filter(class::Column::Grade.eq(grade))
        .order_by_asc(class::Column::Name)
        .all(ctx.db())
        .await?)
}

/// Students of a grade in the caller's school.
#[tracing::instrument(skip_all)]
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

/// The teachers of a grade (eligible by default), qualified or not: the
/// teacher's standing as the policy in effect today admits it
/// (`mentor_assessment.match_probationary`; the standard scheme without one).
#[tracing::instrument(skip_all)]
pub async fn grade_mentors(ctx: &Ctx, grade: i32) -> ApiResult<Vec<GradeMentor>> {
    let school = ctx.school_id()?;
    let district = ctx.district_id()?;
    let scheme = crate::policy::service::policy_on(ctx, district, school, crate::clock::today())
        .await?
        .map(|e| e.version.rules.mentor_assessment)
        .unwrap_or_else(shared::mentor_assessment::AssessmentScheme::standard);
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
            let may_match = Qualification::from_code(&s.qualification)
                .is_some_and(|q| q.may_mentor() && scheme.may_match(q));
            GradeMentor {
                staff: s,
                subjects,
                class_ids,
                may_match,
            }
        })
        .collect())
}

/// Students each staff member currently mentors outside the given students
/// (e.g. in other grades): these count against the cap too.
#[tracing::instrument(skip_all)]
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
#[tracing::instrument(skip_all)]
pub async fn my_student(ctx: &Ctx) -> ApiResult<student::Model> {
    let caller = authz::matching::may_choose_mentors(ctx)?;
    student::Entity::find()
        .filter(student::Column::SchoolId.eq(ctx.school_id()?))
        .filter(student::Column::UserId.eq(caller.user_id))
        .one(ctx.db())
        .await?
        .ok_or_else(|| ApiError::forbidden("此账号没有关联学生"))
}

pub(crate) async fn grade_of(ctx: &Ctx, s: &student::Model) -> ApiResult<i32> {
    Ok(one_in_school::<class::Entity>(ctx, s.class_id, "班级")
        .await?
        .grade)
}

/// Requires the student to belong to the round's grade.
pub(crate) async fn require_in_round(
    ctx: &Ctx,
    r: &round::Model,
    s: &student::Model,
) -> ApiResult<()> {
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

pub(crate) async fn round_view(ctx: &Ctx, r: round::Model) -> ApiResult<RoundView> {
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
#[tracing::instrument(skip_all)]
pub async fn open_round(ctx: &Ctx, input: OpenRound) -> ApiResult<RoundView> {
    let (district, school) = authz::matching::may_run_matching(ctx)?;
    let caller = ctx.caller()?.user_id;
    let t = one_in_school::<term::Entity>(ctx, input.term_id, "学期").await?;
    // The cap of the policy in effect at the term's start (the school's, else
    // the district baseline); a round may be stricter, never looser.
    let policy = crate::policy::service::policy_on(ctx, district, school, t.starts_on).await?;
    let policy_cap = policy
        .map(|e| i32::try_from(e.version.rules.ratio.cap_for(input.grade)).unwrap_or(i32::MAX));
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
#[tracing::instrument(skip_all, fields(id = %id))]
pub async fn get_round(ctx: &Ctx, id: Uuid) -> ApiResult<RoundView> {
    let r = load_round(ctx, id).await?;
    round_view(ctx, r).await
}

/// The rounds of a term of the caller's school, newest first.
#[tracing::instrument(skip_all, fields(term_id = %term_id))]
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

//! Surveys (问卷): the school admin builds one for parents or students of the
//! school (optionally anonymous), closes it and reads its aggregate; parents
//! and students answer once each. An anonymous survey's answers are stored
//! without the respondent, the mentor or a time, in shuffled order; the
//! submission mark that enforces "once each" holds no link to the answers.
//! Answers about a mentor are tallied per survey and mentor (people, answers,
//! sum): the assessment reads only those tallies.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::sea_query::{Alias, Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use shared::mentor_assessment::ViewTally;
use shared::survey::{
    Answer, Audience, MAX_QUESTIONS, Question, QuestionResult, aggregate, mentor_tally,
    validate_answers, validate_survey,
};
use uuid::Uuid;

use super::entities::{answer, mentor_view, submission, survey};
use crate::audit;
use crate::authz;
use crate::error::{ApiError, ApiResult, Problems};
use crate::org::entities::{mentor_assignment, student, term};
use crate::tenancy::{Ctx, one_in_school};

const OPEN: &str = "open";
const CLOSED: &str = "closed";

/// A survey as its respondents and the admin see it.
pub struct SurveyView {
    /// The row.
    pub survey: survey::Model,
    /// The questions.
    pub questions: Vec<Question>,
    /// The caller has answered (respondents only).
    pub answered: bool,
    /// Responses so far (the admin only).
    pub responses: Option<u32>,
}

/// A survey's aggregate (the admin).
pub struct Results {
    /// The survey.
    pub view: SurveyView,
    /// Per question; `None` while fewer than `MIN_GROUP` responded.
    pub questions: Option<Vec<QuestionResult>>,
}

fn questions_of(s: &survey::Model) -> Vec<Question> {
    serde_json::from_str(&s.questions).unwrap_or_default()
}

fn problems(v: Vec<shared::validation::Violation>) -> ApiResult<()> {
    let mut p = Problems::default();
    for x in v {
        p.add(&x.path, x.message_zh);
    }
    p.finish()
}

/// Builds and opens a survey (the school admin).
#[tracing::instrument(skip_all)]
pub async fn create_survey(
    ctx: &Ctx,
    term_id: Uuid,
    title: String,
    audience: Audience,
    anonymous: bool,
    questions: Vec<Question>,
) -> ApiResult<SurveyView> {
    let (district, school) = authz::surveys::may_manage_surveys(ctx)?;
    problems(validate_survey(&title, &questions))?;
    let t = one_in_school::<term::Entity>(ctx, term_id, "学期").await?;
    let row = survey::Model {
        id: Uuid::new_v4(),
        district_id: district,
        school_id: school,
        title: title.trim().into(),
        audience: audience.code().into(),
        anonymous,
        questions: serde_json::to_string(&questions).map_err(|e| ApiError::Internal(e.into()))?,
        status: OPEN.into(),
        term_id: t.id,
        created_by: ctx.caller()?.user_id,
        created_at: Utc::now(),
    };
    survey::ActiveModel::from(row.clone())
        .insert(ctx.db())
        .await?;
    audit::record(ctx, "create_survey", "survey", Some(row.id), None).await?;
    crate::notify::events::enqueue(ctx, crate::notify::events::Event::SurveyOpened, row.id).await?;
    Ok(SurveyView {
        survey: row,
        questions,
        answered: false,
        responses: Some(0),
    })
}

/// Closes a survey (the school admin): no more answers.
#[tracing::instrument(skip_all, fields(survey_id = %survey_id))]
pub async fn close_survey(ctx: &Ctx, survey_id: Uuid) -> ApiResult<SurveyView> {
    authz::surveys::may_manage_surveys(ctx)?;
    let s = one_in_school::<survey::Entity>(ctx, survey_id, "问卷").await?;
    let mut a = s.into_active_model();
    a.status = Set(CLOSED.into());
    let s = a.update(ctx.db()).await?;
    let n = response_count(ctx, &s).await?;
    Ok(SurveyView {
        questions: questions_of(&s),
        survey: s,
        answered: false,
        responses: Some(n),
    })
}

async fn response_count(ctx: &Ctx, s: &survey::Model) -> ApiResult<u32> {
    use sea_orm::PaginatorTrait;
    Ok(submission::Entity::find()
        .filter(submission::Column::SchoolId.eq(s.school_id))
        .filter(submission::Column::SurveyId.eq(s.id))
        .count(ctx.db())
        .await? as u32)
}

/// The surveys the caller sees: the admin every survey of the school; a
/// parent or student the open ones addressed to them, with whether they
/// answered; anyone else none.
#[tracing::instrument(skip_all)]
pub async fn surveys(ctx: &Ctx) -> ApiResult<Vec<SurveyView>> {
    let school = ctx.school_id()?;
    let admin = authz::surveys::may_manage_surveys(ctx).is_ok();
    let audience = authz::surveys::audience_of(ctx)?;
    if !admin && audience.is_none() {
        return Ok(vec![]);
    }
    let mut q = survey::Entity::find()
        .filter(survey::Column::SchoolId.eq(school))
        .order_by_desc(survey::Column::CreatedAt);
    if !admin {
        q = q
            .filter(survey::Column::Status.eq(OPEN))
            .filter(survey::Column::Audience.eq(audience.map_or("", Audience::code)));
    }
    let rows = q.all(ctx.db()).await?;
    let user = ctx.caller()?.user_id;
    let mine: Vec<Uuid> = submission::Entity::find()
        .filter(submission::Column::SchoolId.eq(school))
        .filter(submission::Column::RespondentId.eq(user))
        .all(ctx.db())
        .await?
        .into_iter()
        .map(|s| s.survey_id)
        .collect();
    let mut out = vec![];
    for s in rows {
        let responses = if admin {
            Some(response_count(ctx, &s).await?)
        } else {
            None
        };
        out.push(SurveyView {
            questions: questions_of(&s),
            answered: mine.contains(&s.id),
            responses,
            survey: s,
        });
    }
    Ok(out)
}

/// The mentor the caller's answers about "the mentor" refer to: a student's
/// own current mentor, a parent's first child's (by student number).
async fn respondent_mentor(ctx: &Ctx, audience: Audience) -> ApiResult<Option<Uuid>> {
    let school = ctx.school_id()?;
    let students: Vec<Uuid> = match audience {
        Audience::Parents => {
            let ids = authz::children_ids(ctx).await?;
            let mut rows = student::Entity::find()
                .filter(student::Column::SchoolId.eq(school))
                .filter(student::Column::Id.is_in(ids))
                .all(ctx.db())
                .await?;
            rows.sort_by(|a, b| a.student_no.cmp(&b.student_no));
            rows.into_iter().map(|s| s.id).collect()
        }
        Audience::Students => student::Entity::find()
            .filter(student::Column::SchoolId.eq(school))
            .filter(student::Column::UserId.eq(ctx.caller()?.user_id))
            .all(ctx.db())
            .await?
            .into_iter()
            .map(|s| s.id)
            .collect(),
    };
    let Some(first) = students.first() else {
        return Ok(None);
    };
    Ok(mentor_assignment::Entity::find()
        .filter(mentor_assignment::Column::SchoolId.eq(school))
        .filter(mentor_assignment::Column::StudentId.eq(*first))
        .filter(mentor_assignment::Column::EndsOn.is_null())
        .order_by_asc(mentor_assignment::Column::StartsOn)
        .one(ctx.db())
        .await?
        .map(|a| a.staff_id))
}

/// Answers an open survey, once (a parent or student of its audience).
/// Concurrent submits of the same respondent store one response: the
/// submission mark is unique, and the losing request changes nothing.
#[tracing::instrument(skip_all, fields(survey_id = %survey_id))]
pub async fn submit(ctx: &Ctx, survey_id: Uuid, answers: Vec<Answer>) -> ApiResult<()> {
    if answers.len() > MAX_QUESTIONS {
        return Err(ApiError::invalid("answers", "回答数量超过题目数"));
    }
    let s = one_in_school::<survey::Entity>(ctx, survey_id, "问卷").await?;
    let audience = Audience::from_code(&s.audience).ok_or_else(|| ApiError::not_found("问卷"))?;
    authz::surveys::may_answer(ctx, audience)?;
    if s.status != OPEN {
        return Err(ApiError::conflict("问卷已结束"));
    }
    let questions = questions_of(&s);
    problems(validate_answers(&questions, &answers))?;
    let user = ctx.caller()?.user_id;
    let already = submission::Entity::find()
        .filter(submission::Column::SchoolId.eq(s.school_id))
        .filter(submission::Column::SurveyId.eq(s.id))
        .filter(submission::Column::RespondentId.eq(user))
        .one(ctx.db())
        .await?;
    if already.is_some() {
        return Err(ApiError::conflict("您已提交过这份问卷"));
    }
    // The mark first: a concurrent second submit fails here on the unique
    // index, before any answer is stored.
    submission::ActiveModel::from(submission::Model {
        id: Uuid::new_v4(),
        district_id: s.district_id,
        school_id: s.school_id,
        survey_id: s.id,
        respondent_id: user,
    })
    .insert(ctx.db())
    .await
    .map_err(|e| match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
            ApiError::conflict("您已提交过这份问卷")
        }
        _ => ApiError::from(e),
    })?;
    let about_mentor = questions.iter().any(|q| q.about_mentor);
    let mentor_id = if about_mentor {
        respondent_mentor(ctx, audience).await?
    } else {
        None
    };
    let stored = serde_json::to_string(&answers).map_err(|e| ApiError::Internal(e.into()))?;
    let id = Uuid::new_v4();
    answer::ActiveModel::from(answer::Model {
        id,
        district_id: s.district_id,
        school_id: s.school_id,
        survey_id: s.id,
        respondent_id: if s.anonymous { None } else { Some(user) },
        // An anonymous answer names nobody, not even the mentor asked about
        // (a mentor's few students would point to the person).
        mentor_id: if s.anonymous { None } else { mentor_id },
        answers: stored.clone(),
    })
    .insert(ctx.db())
    .await?;
    if s.anonymous {
        shuffle_in(ctx, &s, id, stored).await?;
    }
    if let Some(m) = mentor_id {
        let t = mentor_tally(&questions, &answers);
        if t.count > 0 {
            tally_in(ctx, &s, m, t).await?;
        }
    }
    Ok(())
}

/// Puts a new anonymous answer in a uniformly random place among the
/// survey's answers (inside-out Fisher–Yates: it swaps contents with a random
/// earlier row, or stays), so the order rows were stored in says nothing
/// about who answered when. The other row is locked first (PostgreSQL), so
/// concurrent swaps never lose an answer.
async fn shuffle_in(ctx: &Ctx, s: &survey::Model, id: Uuid, stored: String) -> ApiResult<()> {
    use rand::Rng;
    use sea_orm::{PaginatorTrait, QuerySelect};
    let others = answer::Entity::find()
        .filter(answer::Column::SchoolId.eq(s.school_id))
        .filter(answer::Column::SurveyId.eq(s.id))
        .filter(answer::Column::Id.ne(id))
        .count(ctx.db())
        .await?;
    let j = rand::thread_rng().gen_range(0..=others);
    if j == others {
        return Ok(());
    }
    let Some(other) = answer::Entity::find()
        .filter(answer::Column::SchoolId.eq(s.school_id))
        .filter(answer::Column::SurveyId.eq(s.id))
        .filter(answer::Column::Id.ne(id))
        .order_by_asc(answer::Column::Id)
        .offset(j)
        .limit(1)
        .lock_exclusive()
        .one(ctx.db())
        .await?
    else {
        return Ok(());
    };
    set_answers(ctx, id, other.answers.clone()).await?;
    set_answers(ctx, other.id, stored).await
}

async fn set_answers(ctx: &Ctx, id: Uuid, answers: String) -> ApiResult<()> {
    answer::Entity::update_many()
        .col_expr(answer::Column::Answers, Expr::value(answers))
        .filter(answer::Column::Id.eq(id))
        .exec(ctx.db())
        .await?;
    Ok(())
}

/// Adds one person's answers about a mentor to the survey's tally for that
/// mentor, atomically (concurrent submits each count).
async fn tally_in(ctx: &Ctx, s: &survey::Model, mentor: Uuid, t: ViewTally) -> ApiResult<()> {
    use mentor_view::Column as C;
    let add =
        |c: C| Expr::col((mentor_view::Entity, c)).add(Expr::col((Alias::new("excluded"), c)));
    mentor_view::Entity::insert(mentor_view::ActiveModel::from(mentor_view::Model {
        id: Uuid::new_v4(),
        district_id: s.district_id,
        school_id: s.school_id,
        survey_id: s.id,
        mentor_id: mentor,
        respondents: 1,
        answers: t.count as i32,
        total: t.sum as i32,
    }))
    .on_conflict(
        OnConflict::columns([C::SurveyId, C::MentorId])
            .value(C::Respondents, add(C::Respondents))
            .value(C::Answers, add(C::Answers))
            .value(C::Total, add(C::Total))
            .to_owned(),
    )
    .exec_without_returning(ctx.db())
    .await?;
    Ok(())
}

/// A survey's aggregate (the school admin): nothing while fewer than
/// `MIN_GROUP` answered; never a single response or a respondent.
#[tracing::instrument(skip_all, fields(survey_id = %survey_id))]
pub async fn results(ctx: &Ctx, survey_id: Uuid) -> ApiResult<Results> {
    authz::surveys::may_manage_surveys(ctx)?;
    let s = one_in_school::<survey::Entity>(ctx, survey_id, "问卷").await?;
    let questions = questions_of(&s);
    let rows: Vec<Vec<Answer>> = answer::Entity::find()
        .filter(answer::Column::SchoolId.eq(s.school_id))
        .filter(answer::Column::SurveyId.eq(s.id))
        .all(ctx.db())
        .await?
        .into_iter()
        .filter_map(|a| serde_json::from_str(&a.answers).ok())
        .collect();
    let agg = aggregate(&questions, &rows);
    Ok(Results {
        view: SurveyView {
            questions,
            answered: false,
            responses: Some(rows.len() as u32),
            survey: s,
        },
        questions: agg,
    })
}

/// Parents' and students' views of each mentor from a term's surveys (the
/// 1–5 questions about the mentor), for the mentor assessment.
pub struct MentorViews {
    /// Parents' answers.
    pub parent: ViewTally,
    /// Students' answers.
    pub student: ViewTally,
}

/// Every mentor's survey tallies of a term (called by the assessment run,
/// which the school admin is authorised for).
#[tracing::instrument(skip_all, fields(term_id = %term_id))]
pub async fn mentor_views(
    ctx: &Ctx,
    school: Uuid,
    term_id: Uuid,
) -> ApiResult<HashMap<Uuid, MentorViews>> {
    let surveys = survey::Entity::find()
        .filter(survey::Column::SchoolId.eq(school))
        .filter(survey::Column::TermId.eq(term_id))
        .all(ctx.db())
        .await?;
    let mut out: HashMap<Uuid, MentorViews> = HashMap::new();
    let audiences: HashMap<Uuid, Option<Audience>> = surveys
        .iter()
        .map(|s| (s.id, Audience::from_code(&s.audience)))
        .collect();
    if audiences.is_empty() {
        return Ok(out);
    }
    for v in mentor_view::Entity::find()
        .filter(mentor_view::Column::SchoolId.eq(school))
        .filter(mentor_view::Column::SurveyId.is_in(audiences.keys().copied()))
        .all(ctx.db())
        .await?
    {
        let e = out.entry(v.mentor_id).or_insert(MentorViews {
            parent: ViewTally::default(),
            student: ViewTally::default(),
        });
        let slot = match audiences.get(&v.survey_id).copied().flatten() {
            Some(Audience::Parents) => &mut e.parent,
            Some(Audience::Students) => &mut e.student,
            None => continue,
        };
        // A person answering two surveys of the term counts in each.
        slot.respondents += v.respondents.max(0) as u32;
        slot.count += v.answers.max(0) as u32;
        slot.sum += v.total.max(0) as u32;
    }
    Ok(out)
}

//! GraphQL types and operations of surveys. Resolvers are thin.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use shared::survey::{Answer, Audience, MAX_QUESTIONS, Question, QuestionKind};

use super::service::{self as svc, SurveyView};
use crate::error::ApiError;
use crate::graphql::context::{GqlResult, ctx_of, id, parse_id};

/// A question as built by the admin.
#[derive(InputObject)]
pub struct SurveyQuestionInput {
    /// Its kind.
    pub kind: QuestionKind,
    /// What is asked (1–200 characters).
    pub prompt: String,
    /// Choices of a single-choice question (2–10, each 1–40 characters).
    #[graphql(default)]
    pub options: Vec<String>,
    /// A 1–5 question about the mentor, feeding the assessment.
    #[graphql(default)]
    pub about_mentor: bool,
}

/// One answer: the field that matches the question's kind, or none to skip.
#[derive(InputObject)]
pub struct SurveyAnswerInput {
    /// The index of the option chosen (single choice).
    pub choice: Option<i32>,
    /// 1–5 (scale).
    pub scale: Option<i32>,
    /// Free text (at most 500 characters).
    pub text: Option<String>,
}

/// A question.
#[derive(SimpleObject)]
pub struct SurveyQuestion {
    /// Its kind.
    pub kind: QuestionKind,
    /// What is asked.
    pub prompt: String,
    /// Choices (single choice).
    pub options: Vec<String>,
    /// About the respondent's mentor.
    pub about_mentor: bool,
}

/// A survey.
#[derive(SimpleObject)]
pub struct Survey {
    /// Id.
    pub id: ID,
    /// Title.
    pub title: String,
    /// Who answers.
    pub audience: Audience,
    /// Answers keep no link to the respondent.
    pub anonymous: bool,
    /// Still taking answers.
    pub open: bool,
    /// When built.
    pub created_at: DateTime<Utc>,
    /// The questions.
    pub questions: Vec<SurveyQuestion>,
    /// The caller has answered it.
    pub answered: bool,
    /// Responses so far (the admin only).
    pub responses: Option<i32>,
}

impl From<SurveyView> for Survey {
    fn from(v: SurveyView) -> Self {
        Survey {
            id: id(v.survey.id),
            title: v.survey.title,
            audience: Audience::from_code(&v.survey.audience).unwrap_or(Audience::Parents),
            anonymous: v.survey.anonymous,
            open: v.survey.status == "open",
            created_at: v.survey.created_at,
            questions: v
                .questions
                .into_iter()
                .map(|q| SurveyQuestion {
                    kind: q.kind,
                    prompt: q.prompt,
                    options: q.options,
                    about_mentor: q.about_mentor,
                })
                .collect(),
            answered: v.answered,
            responses: v.responses.map(|n| n as i32),
        }
    }
}

/// One question's aggregate.
#[derive(SimpleObject)]
pub struct SurveyQuestionResult {
    /// The question.
    pub prompt: String,
    /// Its kind.
    pub kind: QuestionKind,
    /// Choices (single choice) or "1分"…"5分" (scale).
    pub labels: Vec<String>,
    /// Counts per label.
    pub counts: Vec<i32>,
    /// How many answered.
    pub answered: i32,
    /// Scale mean ×10.
    pub mean_tenths: Option<i32>,
    /// Text answers, sorted (no respondent, no order of arrival).
    pub texts: Vec<String>,
}

/// A survey's results (the admin).
#[derive(SimpleObject)]
pub struct SurveyResults {
    /// The survey.
    pub survey: Survey,
    /// Responses.
    pub responses: i32,
    /// True while too few answered for anything to be shown.
    pub suppressed: bool,
    /// Per question (empty when suppressed).
    pub questions: Vec<SurveyQuestionResult>,
}

/// Survey queries.
#[derive(Default)]
pub struct SurveyQuery;

#[Object]
impl SurveyQuery {
    /// The admin: every survey of the school; a parent or student: the open
    /// surveys addressed to them.
    async fn surveys(&self, cx: &Context<'_>) -> GqlResult<Vec<Survey>> {
        let ctx = ctx_of(cx)?;
        Ok(svc::surveys(ctx)
            .await?
            .into_iter()
            .map(Survey::from)
            .collect())
    }

    /// A survey's aggregate (the school admin).
    async fn survey_results(&self, cx: &Context<'_>, survey_id: ID) -> GqlResult<SurveyResults> {
        let ctx = ctx_of(cx)?;
        let r = svc::results(ctx, parse_id(&survey_id, "问卷")?).await?;
        let qs = r.view.questions.clone();
        let responses = r.view.responses.unwrap_or(0) as i32;
        let suppressed = r.questions.is_none();
        let questions = r
            .questions
            .unwrap_or_default()
            .into_iter()
            .zip(qs)
            .map(|(a, q)| SurveyQuestionResult {
                labels: match q.kind {
                    QuestionKind::SingleChoice => q.options.clone(),
                    QuestionKind::Scale => (1..=5).map(|i| format!("{i}分")).collect(),
                    QuestionKind::Text => vec![],
                },
                prompt: q.prompt,
                kind: q.kind,
                counts: a.counts.into_iter().map(|n| n as i32).collect(),
                answered: a.answered as i32,
                mean_tenths: a.mean_tenths.map(|n| n as i32),
                texts: a.texts,
            })
            .collect();
        Ok(SurveyResults {
            survey: r.view.into(),
            responses,
            suppressed,
            questions,
        })
    }
}

/// Survey mutations.
#[derive(Default)]
pub struct SurveyMutation;

#[Object]
impl SurveyMutation {
    /// Builds and opens a survey for the school's parents or students (the
    /// school admin); its mentor questions feed the term's assessment.
    async fn create_survey(
        &self,
        cx: &Context<'_>,
        term_id: ID,
        title: String,
        audience: Audience,
        #[graphql(default)] anonymous: bool,
        questions: Vec<SurveyQuestionInput>,
    ) -> GqlResult<Survey> {
        let ctx = ctx_of(cx)?;
        if questions.len() > MAX_QUESTIONS {
            return Err(ApiError::invalid("questions", "问卷须有1–20道题").into());
        }
        let qs = questions
            .into_iter()
            .map(|q| Question {
                kind: q.kind,
                prompt: q.prompt,
                options: q.options,
                about_mentor: q.about_mentor,
            })
            .collect();
        Ok(svc::create_survey(
            ctx,
            parse_id(&term_id, "学期")?,
            title,
            audience,
            anonymous,
            qs,
        )
        .await?
        .into())
    }

    /// Closes a survey (the school admin).
    async fn close_survey(&self, cx: &Context<'_>, survey_id: ID) -> GqlResult<Survey> {
        let ctx = ctx_of(cx)?;
        Ok(svc::close_survey(ctx, parse_id(&survey_id, "问卷")?)
            .await?
            .into())
    }

    /// Answers an open survey once (a parent or student it is addressed to).
    async fn submit_survey(
        &self,
        cx: &Context<'_>,
        survey_id: ID,
        answers: Vec<SurveyAnswerInput>,
    ) -> GqlResult<bool> {
        let ctx = ctx_of(cx)?;
        let mut list = Vec::with_capacity(answers.len().min(MAX_QUESTIONS));
        for a in answers.into_iter().take(MAX_QUESTIONS + 1) {
            list.push(match (a.choice, a.scale, a.text) {
                (Some(c), None, None) => Answer::Choice(u32::try_from(c).unwrap_or(u32::MAX)),
                (None, Some(v), None) => Answer::Scale(u8::try_from(v).unwrap_or(0)),
                (None, None, Some(t)) => Answer::Text(t),
                (None, None, None) => Answer::Skipped,
                _ => return Err(ApiError::invalid("answers", "每道题只能给出一种回答").into()),
            });
        }
        svc::submit(ctx, parse_id(&survey_id, "问卷")?, list).await?;
        Ok(true)
    }
}

//! GraphQL types and operations of matching. Resolvers are thin: they parse
//! ids and call the services.

mod enums;

pub use enums::{RoundMethod, RoundStatus};

use std::collections::HashMap;

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use shared::matching::Stage;
use uuid::Uuid;

use crate::graphql::context::{GqlResult, ctx_of, id, ids, parse_id};
use crate::matching::rounds::{self, GradeMentor};
use crate::matching::rush;
use crate::matching::teams;
use crate::matching::{choices, preview, publish};

/// A matching round of a school, term and grade.
#[derive(SimpleObject)]
pub struct MatchingRound {
    /// Id.
    pub id: ID,
    /// The term.
    pub term_id: ID,
    /// The grade.
    pub grade: i32,
    /// How mentors are assigned.
    pub method: RoundMethod,
    /// Most students per mentor in this round (until the school policy
    /// lands, an input of the round; default 15).
    pub cap: i32,
    /// Where the round stands.
    pub status: RoundStatus,
    /// When choices open.
    pub opens_at: Option<DateTime<Utc>>,
    /// When choices close.
    pub closes_at: Option<DateTime<Utc>>,
    /// The seed of the last preview (reproduces every random choice).
    pub seed: Option<String>,
    /// When opened.
    pub created_at: DateTime<Utc>,
    /// When published.
    pub published_at: Option<DateTime<Utc>>,
    /// Students who submitted choices (or took a place, in a rush).
    pub participant_count: i64,
}

impl From<rounds::RoundView> for MatchingRound {
    fn from(v: rounds::RoundView) -> Self {
        let r = v.round;
        MatchingRound {
            id: id(r.id),
            term_id: id(r.term_id),
            grade: r.grade,
            method: rounds::method_of(&r).into(),
            cap: r.cap,
            status: rounds::RoundStatus::from_code(&r.status).into(),
            opens_at: r.opens_at,
            closes_at: r.closes_at,
            seed: r.seed.map(|s| (s as u64).to_string()),
            created_at: r.created_at,
            published_at: r.published_at,
            participant_count: v.participants as i64,
        }
    }
}

/// A mentor as students see them: name, subjects and specialties — never
/// how many students chose them.
#[derive(SimpleObject)]
pub struct EligibleMentor {
    /// Staff id.
    pub id: ID,
    /// Name.
    pub name: String,
    /// Subjects taught in the grade.
    pub subjects: Vec<String>,
    /// Specialties (mentor profile library).
    pub specialties: Vec<String>,
}

impl From<GradeMentor> for EligibleMentor {
    fn from(m: GradeMentor) -> Self {
        EligibleMentor {
            id: id(m.staff.id),
            specialties: m.specialties(),
            name: m.staff.name,
            subjects: m.subjects,
        }
    }
}

/// A mentor with places left in a self-selection rush.
#[derive(SimpleObject)]
pub struct MentorWithPlaces {
    /// Staff id.
    pub id: ID,
    /// Name.
    pub name: String,
    /// Subjects taught in the grade.
    pub subjects: Vec<String>,
    /// Specialties.
    pub specialties: Vec<String>,
    /// Places left.
    pub places_left: i32,
}

/// A staff member by id and name.
#[derive(SimpleObject, Clone)]
pub struct MentorRef {
    /// Staff id.
    pub id: ID,
    /// Name.
    pub name: String,
}

fn mref((i, name): (Uuid, String)) -> MentorRef {
    MentorRef { id: id(i), name }
}

/// A student placed in a preview.
#[derive(SimpleObject)]
pub struct MatchAssignment {
    /// The student.
    pub student_id: ID,
    /// The student's name.
    pub student_name: String,
    /// The student's class.
    pub class_name: String,
    /// The mentor.
    pub mentor_id: ID,
    /// The mentor's name.
    pub mentor_name: String,
    /// The stage that placed the student.
    pub stage: Stage,
    /// Which of the student's own choices (志愿) the mentor is, 1 = first.
    pub choice_no: Option<i32>,
    /// One line in Chinese a parent would understand.
    pub why: String,
}

/// A student the preview could not place.
#[derive(SimpleObject)]
pub struct UnplacedStudent {
    /// The student.
    pub student_id: ID,
    /// The student's name.
    pub student_name: String,
    /// The student's class.
    pub class_name: String,
    /// Why, e.g. "7年级还缺3个导师名额".
    pub why: String,
}

/// A mentor's load in a preview.
#[derive(SimpleObject)]
pub struct MentorLoadLine {
    /// Staff id.
    pub mentor_id: ID,
    /// Name.
    pub name: String,
    /// Students placed with the mentor in this round.
    pub load: i32,
    /// Places in this round (cap minus students mentored in other grades).
    pub capacity: i32,
    /// Whether the teacher may take students now.
    pub qualified: bool,
}

/// Places missing in a grade.
#[derive(SimpleObject)]
pub struct GradeShortage {
    /// The grade.
    pub grade: i32,
    /// Places missing so that everyone is placed.
    pub missing: i32,
}

/// Summary statistics of the last engine run.
#[derive(SimpleObject)]
pub struct MatchStats {
    /// Students in the round.
    pub students: i32,
    /// Students placed.
    pub placed: i32,
    /// Students unplaced.
    pub unplaced: i32,
    /// Students who listed at least one choice.
    pub students_with_choices: i32,
    /// Placed with their first choice.
    pub first_choice: i32,
    /// Placed with one of their first three choices.
    pub top_three: i32,
    /// Placed with any listed choice.
    pub any_choice: i32,
    /// Share placed with the first choice (of those who chose).
    pub first_choice_share: f64,
    /// Share placed with any listed choice (of those who chose).
    pub any_choice_share: f64,
    /// Placed by the preference stage (or kept from the rush).
    pub placed_by_preference: i32,
    /// Placed by the blind-box draw.
    pub placed_by_lottery: i32,
    /// Placed by the full-coverage fill.
    pub placed_by_fill: i32,
    /// Choice placements moved by the fill so someone else could be placed.
    pub moved_by_fill: i32,
    /// `choiceHistogram[k]`: students placed with their choice k + 1.
    pub choice_histogram: Vec<i32>,
    /// Smallest load of a mentor who may take students.
    pub load_min: i32,
    /// Median load.
    pub load_median: f64,
    /// Largest load.
    pub load_max: i32,
    /// Grades short of places.
    pub shortages: Vec<GradeShortage>,
    /// Qualified mentors no student chose (for a word or training).
    pub mentors_not_chosen: Vec<MentorRef>,
    /// Teachers not yet fit to mentor (暂时不适合做导师): training first.
    pub mentors_in_training: Vec<MentorRef>,
}

/// A round's preview: assignments with explanations, the unplaced, loads
/// and statistics (school admin).
#[derive(SimpleObject)]
pub struct MatchingPreview {
    /// The round.
    pub round: MatchingRound,
    /// Placed students.
    pub assignments: Vec<MatchAssignment>,
    /// Unplaced students with the reason.
    pub unplaced: Vec<UnplacedStudent>,
    /// Load per mentor (live, manual changes included).
    pub loads: Vec<MentorLoadLine>,
    /// Statistics of the last engine run.
    pub stats: Option<MatchStats>,
}

fn stage_of(code: Option<&str>) -> Stage {
    [
        Stage::Continuity,
        Stage::Preference,
        Stage::Club,
        Stage::Lottery,
        Stage::Fill,
        Stage::Manual,
    ]
    .into_iter()
    .find(|s| Some(s.code()) == code)
    .unwrap_or(Stage::Manual)
}

fn assignment_out(l: preview::PreviewLine) -> MatchAssignment {
    MatchAssignment {
        student_id: id(l.row.student_id),
        student_name: l.student_name,
        class_name: l.class_name,
        mentor_id: id(l.row.staff_id.unwrap_or_default()),
        mentor_name: l.mentor_name.unwrap_or_default(),
        stage: stage_of(l.row.stage.as_deref()),
        choice_no: l.row.choice_no,
        why: l.row.why,
    }
}

impl From<preview::PreviewView> for MatchingPreview {
    fn from(v: preview::PreviewView) -> Self {
        let names: HashMap<String, String> = v
            .loads
            .iter()
            .map(|l| (l.staff_id.to_string(), l.name.clone()))
            .collect();
        let refs = |list: &[String]| -> Vec<MentorRef> {
            list.iter()
                .map(|m| MentorRef {
                    id: ID(m.clone()),
                    name: names.get(m).cloned().unwrap_or_default(),
                })
                .collect()
        };
        let stats = v.stats.map(|s| MatchStats {
            students: s.students as i32,
            placed: s.placed as i32,
            unplaced: s.unplaced as i32,
            students_with_choices: s.students_with_choices as i32,
            first_choice: s.first_choice as i32,
            top_three: s.top3 as i32,
            any_choice: s.any_choice as i32,
            first_choice_share: s.first_choice_share,
            any_choice_share: s.any_choice_share,
            placed_by_preference: (s.placed_by_preference + s.placed_by_continuity) as i32,
            placed_by_lottery: s.placed_by_lottery as i32,
            placed_by_fill: s.placed_by_fill as i32,
            moved_by_fill: s.moved_by_fill as i32,
            choice_histogram: s.rank_histogram.iter().map(|n| *n as i32).collect(),
            load_min: s.load.min as i32,
            load_median: s.load.median,
            load_max: s.load.max as i32,
            shortages: s
                .shortages
                .iter()
                .map(|x| GradeShortage {
                    grade: i32::from(x.grade),
                    missing: x.missing as i32,
                })
                .collect(),
            mentors_not_chosen: refs(&s.mentors_not_chosen),
            mentors_in_training: refs(&s.mentors_in_training),
        });
        let mut assignments = vec![];
        let mut unplaced = vec![];
        for l in v.lines {
            if l.row.staff_id.is_some() {
                assignments.push(assignment_out(l));
            } else {
                unplaced.push(UnplacedStudent {
                    student_id: id(l.row.student_id),
                    student_name: l.student_name,
                    class_name: l.class_name,
                    why: l.row.why,
                });
            }
        }
        MatchingPreview {
            round: v.round.into(),
            assignments,
            unplaced,
            loads: v
                .loads
                .into_iter()
                .map(|l| MentorLoadLine {
                    mentor_id: id(l.staff_id),
                    name: l.name,
                    load: l.load,
                    capacity: l.capacity,
                    qualified: l.qualified,
                })
                .collect(),
            stats,
        }
    }
}

/// A student's current mentor and why (after publication).
#[derive(SimpleObject)]
pub struct MyMatch {
    /// The mentor.
    pub mentor_id: ID,
    /// The mentor's name.
    pub mentor_name: String,
    /// The stage that made the pair.
    pub stage: Option<Stage>,
    /// Which of the student's own choices the mentor was (1 = first).
    pub choice_no: Option<i32>,
    /// One line in Chinese, e.g. "第2志愿；第1志愿导师名额已满".
    pub why: String,
    /// Since when.
    pub since: NaiveDate,
}

/// Where a mentor-team application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, async_graphql::Enum)]
pub enum TeamApplicationStatus {
    /// Waiting for the leading group.
    Pending,
    /// Approved: the team exists.
    Approved,
    /// Rejected.
    Rejected,
}

/// A head teacher's application for a mentor team (applicant and school
/// admin only).
#[derive(SimpleObject)]
pub struct MentorTeamApplication {
    /// Id.
    pub id: ID,
    /// The student.
    pub student_id: ID,
    /// The student's name.
    pub student_name: String,
    /// The written reason.
    pub reason: String,
    /// Proposed members.
    pub proposed_members: Vec<MentorRef>,
    /// Where it stands.
    pub status: TeamApplicationStatus,
    /// The decision note.
    pub note: Option<String>,
    /// When filed.
    pub created_at: DateTime<Utc>,
    /// When decided.
    pub decided_at: Option<DateTime<Utc>>,
}

impl From<teams::ApplicationView> for MentorTeamApplication {
    fn from(v: teams::ApplicationView) -> Self {
        let a = v.app;
        MentorTeamApplication {
            id: id(a.id),
            student_id: id(a.student_id),
            student_name: v.student_name,
            reason: a.reason,
            proposed_members: v.proposed.into_iter().map(mref).collect(),
            status: match a.status.as_str() {
                "approved" => TeamApplicationStatus::Approved,
                "rejected" => TeamApplicationStatus::Rejected,
                _ => TeamApplicationStatus::Pending,
            },
            note: a.note,
            created_at: a.created_at,
            decided_at: a.decided_at,
        }
    }
}

/// An approved mentor team (its members and the school admin only).
#[derive(SimpleObject)]
pub struct MentorTeam {
    /// The approved application.
    pub application_id: ID,
    /// The student.
    pub student_id: ID,
    /// The student's name.
    pub student_name: String,
    /// The lead mentor.
    pub lead: MentorRef,
    /// The other members.
    pub members: Vec<MentorRef>,
}

/// Matching queries.
#[derive(Default)]
pub struct MatchingQuery;

#[Object]
impl MatchingQuery {
    /// One matching round of the caller's school.
    async fn matching_round(&self, cx: &Context<'_>, id: ID) -> GqlResult<MatchingRound> {
        Ok(rounds::get_round(ctx_of(cx)?, parse_id(&id, "匹配轮次")?)
            .await?
            .into())
    }

    /// The matching rounds of a term of the caller's school, newest first.
    async fn matching_rounds(
        &self,
        cx: &Context<'_>,
        term_id: ID,
    ) -> GqlResult<Vec<MatchingRound>> {
        Ok(
            rounds::list_rounds(ctx_of(cx)?, parse_id(&term_id, "学期")?)
                .await?
                .into_iter()
                .map(Into::into)
                .collect(),
        )
    }

    /// The stored preview of a round (school admin); null before the first run.
    async fn matching_preview(
        &self,
        cx: &Context<'_>,
        round_id: ID,
    ) -> GqlResult<Option<MatchingPreview>> {
        Ok(
            preview::get_preview(ctx_of(cx)?, parse_id(&round_id, "匹配轮次")?)
                .await?
                .map(Into::into),
        )
    }

    /// The mentors a round's students may choose (name, subjects, specialties).
    async fn eligible_mentors(
        &self,
        cx: &Context<'_>,
        round_id: ID,
    ) -> GqlResult<Vec<EligibleMentor>> {
        Ok(
            choices::eligible_mentors(ctx_of(cx)?, parse_id(&round_id, "匹配轮次")?)
                .await?
                .into_iter()
                .map(Into::into)
                .collect(),
        )
    }

    /// The calling student's choices in a round, first choice first.
    async fn my_mentor_choices(
        &self,
        cx: &Context<'_>,
        round_id: ID,
    ) -> GqlResult<Vec<EligibleMentor>> {
        Ok(
            choices::my_choices(ctx_of(cx)?, parse_id(&round_id, "匹配轮次")?)
                .await?
                .into_iter()
                .map(Into::into)
                .collect(),
        )
    }

    /// The mentors of a self-selection round who still have places.
    async fn mentors_with_places(
        &self,
        cx: &Context<'_>,
        round_id: ID,
    ) -> GqlResult<Vec<MentorWithPlaces>> {
        Ok(
            rush::mentors_with_places(ctx_of(cx)?, parse_id(&round_id, "匹配轮次")?)
                .await?
                .into_iter()
                .map(|p| {
                    let m = EligibleMentor::from(p.mentor);
                    MentorWithPlaces {
                        id: m.id,
                        name: m.name,
                        subjects: m.subjects,
                        specialties: m.specialties,
                        places_left: p.left,
                    }
                })
                .collect(),
        )
    }

    /// The calling student's place in a self-selection round, if taken.
    async fn my_rush_place(
        &self,
        cx: &Context<'_>,
        round_id: ID,
    ) -> GqlResult<Option<EligibleMentor>> {
        Ok(
            rush::my_place(ctx_of(cx)?, parse_id(&round_id, "匹配轮次")?)
                .await?
                .map(Into::into),
        )
    }

    /// The calling student's current mentors with the explanation (students).
    async fn my_match(&self, cx: &Context<'_>) -> GqlResult<Vec<MyMatch>> {
        Ok(publish::my_match(ctx_of(cx)?)
            .await?
            .into_iter()
            .map(|m| MyMatch {
                mentor_id: id(m.mentor.id),
                mentor_name: m.mentor.name,
                stage: m.stage,
                choice_no: m.choice_no,
                why: m.why,
                since: m.since,
            })
            .collect())
    }

    /// Mentor-team applications: all (school admin) or one's own (head teacher).
    async fn mentor_team_applications(
        &self,
        cx: &Context<'_>,
    ) -> GqlResult<Vec<MentorTeamApplication>> {
        Ok(teams::list_applications(ctx_of(cx)?)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// Approved mentor teams: all (school admin) or those one belongs to.
    async fn mentor_teams(&self, cx: &Context<'_>) -> GqlResult<Vec<MentorTeam>> {
        Ok(teams::list_teams(ctx_of(cx)?)
            .await?
            .into_iter()
            .map(|t| MentorTeam {
                application_id: id(t.application_id),
                student_id: id(t.student_id),
                student_name: t.student_name,
                lead: mref(t.lead),
                members: t.members.into_iter().map(mref).collect(),
            })
            .collect())
    }
}

/// Matching mutations.
#[derive(Default)]
pub struct MatchingMutation;

#[Object]
impl MatchingMutation {
    /// Opens a matching round for a grade of a term (school admin). `cap` is
    /// the most students per mentor: by default the ratio of the policy in
    /// effect for the grade; a stricter cap may be set, never a looser one.
    #[expect(
        clippy::too_many_arguments,
        reason = "a GraphQL operation with its arguments, as the API documents them"
    )]
    async fn open_matching_round(
        &self,
        cx: &Context<'_>,
        term_id: ID,
        grade: i32,
        method: RoundMethod,
        cap: Option<i32>,
        opens_at: Option<DateTime<Utc>>,
        closes_at: Option<DateTime<Utc>>,
    ) -> GqlResult<MatchingRound> {
        let input = rounds::OpenRound {
            term_id: parse_id(&term_id, "学期")?,
            grade,
            method: method.into(),
            cap,
            opens_at,
            closes_at,
        };
        Ok(rounds::open_round(ctx_of(cx)?, input).await?.into())
    }

    /// Replaces the calling student's ranked choices (1–5 mentors, first
    /// choice first).
    async fn submit_mentor_choices(
        &self,
        cx: &Context<'_>,
        round_id: ID,
        mentor_ids: Vec<ID>,
    ) -> GqlResult<Vec<EligibleMentor>> {
        let ctx = ctx_of(cx)?;
        let round = parse_id(&round_id, "匹配轮次")?;
        let mentors = ids(&mentor_ids, "导师")?;
        Ok(choices::submit_choices(ctx, round, mentors)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// Replaces the calling mentor's preferred students in a two-way round
    /// (most preferred first).
    async fn submit_student_preferences(
        &self,
        cx: &Context<'_>,
        round_id: ID,
        student_ids: Vec<ID>,
    ) -> GqlResult<bool> {
        let ctx = ctx_of(cx)?;
        let round = parse_id(&round_id, "匹配轮次")?;
        let students = ids(&student_ids, "学生")?;
        Ok(choices::submit_student_prefs(ctx, round, students).await?)
    }

    /// Runs the round's engine and stores the preview (school admin); the
    /// seed (random when omitted) is recorded.
    async fn run_matching_preview(
        &self,
        cx: &Context<'_>,
        round_id: ID,
        seed: Option<i64>,
    ) -> GqlResult<MatchingPreview> {
        Ok(
            preview::run_preview(ctx_of(cx)?, parse_id(&round_id, "匹配轮次")?, seed)
                .await?
                .into(),
        )
    }

    /// Reassigns one student of a previewed round (school admin; cap
    /// enforced; reason required and audited).
    async fn adjust_assignment(
        &self,
        cx: &Context<'_>,
        round_id: ID,
        student_id: ID,
        mentor_id: ID,
        reason: String,
    ) -> GqlResult<MatchAssignment> {
        let ctx = ctx_of(cx)?;
        let line = preview::adjust(
            ctx,
            parse_id(&round_id, "匹配轮次")?,
            parse_id(&student_id, "学生")?,
            parse_id(&mentor_id, "导师")?,
            &reason,
        )
        .await?;
        Ok(assignment_out(line))
    }

    /// Publishes a previewed round: its pairs replace the students' current
    /// ones (closed today, history kept) (school admin).
    async fn publish_matching_round(
        &self,
        cx: &Context<'_>,
        round_id: ID,
    ) -> GqlResult<MatchingRound> {
        Ok(
            publish::publish(ctx_of(cx)?, parse_id(&round_id, "匹配轮次")?)
                .await?
                .into(),
        )
    }

    /// Changes a student's mentor during the year (动态调整, school admin;
    /// cap enforced; reason required and audited).
    async fn change_mentor(
        &self,
        cx: &Context<'_>,
        student_id: ID,
        mentor_id: ID,
        reason: String,
    ) -> GqlResult<bool> {
        Ok(publish::change_mentor(
            ctx_of(cx)?,
            parse_id(&student_id, "学生")?,
            parse_id(&mentor_id, "导师")?,
            &reason,
        )
        .await?)
    }

    /// Takes a place with a mentor in a self-selection round (students;
    /// first come, first served). A full mentor gives `CONFLICT`: pick again
    /// from `mentorsWithPlaces`.
    async fn select_mentor(
        &self,
        cx: &Context<'_>,
        round_id: ID,
        mentor_id: ID,
    ) -> GqlResult<EligibleMentor> {
        Ok(rush::select_mentor(
            ctx_of(cx)?,
            parse_id(&round_id, "匹配轮次")?,
            parse_id(&mentor_id, "导师")?,
        )
        .await?
        .into())
    }

    /// Applies for a mentor team for a student (the student's head teacher).
    async fn apply_for_mentor_team(
        &self,
        cx: &Context<'_>,
        student_id: ID,
        reason: String,
        proposed_member_ids: Vec<ID>,
    ) -> GqlResult<MentorTeamApplication> {
        let ctx = ctx_of(cx)?;
        let student = parse_id(&student_id, "学生")?;
        let proposed = ids(&proposed_member_ids, "教师")?;
        Ok(teams::apply(ctx, student, &reason, proposed).await?.into())
    }

    /// Approves (with a lead mentor and members) or rejects a mentor-team
    /// application (school admin).
    async fn decide_mentor_team(
        &self,
        cx: &Context<'_>,
        application_id: ID,
        approve: bool,
        lead_mentor_id: Option<ID>,
        #[graphql(default)] member_ids: Vec<ID>,
        note: Option<String>,
    ) -> GqlResult<MentorTeamApplication> {
        let ctx = ctx_of(cx)?;
        let app = parse_id(&application_id, "导师团申请")?;
        let lead = lead_mentor_id.map(|l| parse_id(&l, "导师")).transpose()?;
        let members = ids(&member_ids, "教师")?;
        Ok(teams::decide(ctx, app, approve, lead, members, note)
            .await?
            .into())
    }
}

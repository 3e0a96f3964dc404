//! Mentoring: who the caller is to each student (mentor, head teacher,
//! grade leader, school admin), and what that lets them see of activities.

use std::collections::HashSet;

use shared::activity::ActivityKind;
use shared::org::Role;
use shared::policy::CommunicationRules;
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::mentoring::entities::{activity, parse_ids};
use crate::org::entities::{staff, student};
use crate::tenancy::Ctx;

/// The caller and their relations to students: staff record, mentees,
/// classes led as head teacher.
pub struct Me {
    /// The user.
    pub user_id: Uuid,
    /// Tenant district.
    pub district_id: Uuid,
    /// Tenant school.
    pub school_id: Uuid,
    /// The caller's staff record, if staff.
    pub staff: Option<staff::Model>,
    /// Students the caller currently mentors (pairs and approved mentor
    /// teams).
    pub mentees: HashSet<Uuid>,
    /// Classes the caller leads as head teacher (with the role).
    pub head_classes: HashSet<Uuid>,
    /// Grades led (grade leader).
    pub grades: Vec<i32>,
    /// School admin.
    pub admin: bool,
}

impl Me {
    /// Loads the caller's relations (school callers only).
    pub async fn load(ctx: &Ctx) -> ApiResult<Me> {
        let caller = ctx.caller()?.clone();
        let school_id = ctx.school_id()?;
        let staff = super::my_staff(ctx).await?;
        let (mentees, head_classes) = match &staff {
            Some(s) => {
                let m = super::mentored_ids(ctx, s.id).await?;
                let h = if caller.has(Role::HeadTeacher) {
                    super::head_of_classes(ctx, s.id).await?
                } else {
                    vec![]
                };
                (m, h)
            }
            None => (vec![], vec![]),
        };
        Ok(Me {
            user_id: caller.user_id,
            district_id: caller.district_id,
            school_id,
            staff,
            mentees: mentees.into_iter().collect(),
            head_classes: head_classes.into_iter().collect(),
            grades: if caller.has(Role::GradeLeader) {
                caller.grades.clone()
            } else {
                vec![]
            },
            admin: caller.has(Role::SchoolAdmin),
        })
    }

    /// The caller's relations to a student: `Mentor`, `HeadTeacher`.
    pub fn relations(&self, s: &student::Model) -> Vec<Role> {
        let mut r = vec![];
        if self.mentees.contains(&s.id) {
            r.push(Role::Mentor);
        }
        if self.head_classes.contains(&s.class_id) {
            r.push(Role::HeadTeacher);
        }
        r
    }

    /// The caller's staff id, or `FORBIDDEN`.
    pub fn staff_id(&self) -> ApiResult<Uuid> {
        self.staff
            .as_ref()
            .map(|s| s.id)
            .ok_or_else(|| ApiError::forbidden("只有学校教师可以执行此操作"))
    }

    /// Whether the caller may read an activity's private summary: its
    /// recorder and participants, and the mentors and head teacher of one
    /// of its students. Never parents, students, the district.
    pub fn may_see_private(&self, a: &activity::Model, students: &[student::Model]) -> bool {
        let Some(me) = &self.staff else {
            return false;
        };
        a.staff_id == me.id
            || (a.recorded_by == self.user_id)
            || parse_ids(&a.co_staff_ids).contains(&me.id)
            || students.iter().any(|s| !self.relations(s).is_empty())
    }
}

/// May the caller list growth messages waiting for review? Head teachers
/// and grade leaders (what each sees is narrowed to their classes and
/// grades by [`Me`]).
pub fn may_review_growth_messages(ctx: &Ctx) -> ApiResult<()> {
    ctx.require_any(&[Role::HeadTeacher, Role::GradeLeader])
        .map(|_| ())
}

/// May the caller read mentoring lists (activities, home–school contacts)?
/// Every staff role; what each sees is narrowed by [`Me`].
pub fn may_read_mentoring_lists(ctx: &Ctx) -> ApiResult<()> {
    ctx.require_any(&[
        Role::SchoolAdmin,
        Role::GradeLeader,
        Role::HeadTeacher,
        Role::Mentor,
        Role::Counsellor,
    ])
    .map(|_| ())
}

/// May the caller read mentors' activity counts, and whose? The school
/// admin: every mentor of the school (`None`); a grade leader: the mentors
/// of their grades' students (`Some(grades)`). Answers with
/// `(district, school, grades)`.
pub fn may_count_mentor_activities(ctx: &Ctx) -> ApiResult<(Uuid, Uuid, Option<Vec<i32>>)> {
    let caller = ctx.require_any(&[Role::SchoolAdmin, Role::GradeLeader])?;
    let school = ctx.school_id()?;
    let grades = (!caller.has(Role::SchoolAdmin)).then(|| caller.grades.clone());
    Ok((caller.district_id, school, grades))
}

/// May the caller record an activity of this kind about this student? A
/// parent contact: whom the school's communication rule (归口管理) allows;
/// a home visit: the student's mentor or head teacher; anything else: the
/// student's mentor.
pub fn may_log_activity_about(
    me: &Me,
    kind: ActivityKind,
    s: &student::Model,
    rules: Option<&CommunicationRules>,
) -> ApiResult<()> {
    let rel = me.relations(s);
    match kind {
        ActivityKind::ParentContact => {
            if let Some(rules) = rules
                && !rules.may_contact_parents(&rel)
            {
                return Err(ApiError::forbidden(rules.refusal_zh()));
            }
        }
        ActivityKind::HomeVisit => {
            if rel.is_empty() {
                return Err(ApiError::forbidden("只有学生的导师或班主任可以记录家访"));
            }
        }
        _ => {
            if !rel.contains(&Role::Mentor) {
                return Err(ApiError::forbidden("只能为自己的结对学生记录导师活动"));
            }
        }
    }
    Ok(())
}

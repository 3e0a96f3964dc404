//! Home–school communication: contacts per student and channel, and
//! activity counts per mentor.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use shared::activity::{ActivityKind, Channel};
use uuid::Uuid;

use super::entities::{activity, activity_student};
use crate::authz;
use crate::authz::mentoring::Me;
use crate::error::{ApiError, ApiResult};
use crate::org::entities::{class, mentor_assignment, staff, student};
use crate::tenancy::Ctx;
use crate::tenancy::one_in_school;

// ------------------------------------------------- home–school communication

/// How many contacts went through one channel.
pub struct ChannelCount {
    /// The channel.
    pub channel: Channel,
    /// Contacts.
    pub count: i64,
}

/// Who contacted whom, how often.
pub struct ContactLine {
    /// The teacher (staff id).
    pub staff_id: Uuid,
    /// The teacher's name.
    pub staff_name: String,
    /// The teacher's relation to the student: 导师, 班主任 or 教师.
    pub relation: String,
    /// Whom: 家长 (parent contact, home visit) or 学生 (talk).
    pub whom: String,
    /// Contacts.
    pub count: i64,
}

/// One student's home–school contact summary (no private text).
pub struct StudentContacts {
    /// The student.
    pub student_id: Uuid,
    /// Name.
    pub student_name: String,
    /// The last contact.
    pub last_contact_at: Option<DateTime<Utc>>,
    /// Its kind.
    pub last_kind: Option<ActivityKind>,
    /// Contacts in all.
    pub total: i64,
    /// Share in person (face to face or at home), 0–1; none without contacts.
    pub face_to_face_share: Option<f64>,
    /// By channel.
    pub channels: Vec<ChannelCount>,
    /// By who and whom.
    pub lines: Vec<ContactLine>,
}

const CONTACT_KINDS: [ActivityKind; 3] = [
    ActivityKind::ParentContact,
    ActivityKind::HomeVisit,
    ActivityKind::Talk,
];

/// The communication view: the caller's mentees and the students of the
/// classes they lead (or one class they lead, or any class for the admin
/// and the grade's leader).
#[tracing::instrument(skip_all)]
pub async fn home_school_contacts(
    ctx: &Ctx,
    class_id: Option<Uuid>,
) -> ApiResult<Vec<StudentContacts>> {
    authz::mentoring::may_read_mentoring_lists(ctx)?;
    let me = Me::load(ctx).await?;
    let students: Vec<student::Model> = if let Some(cid) = class_id {
        let c = one_in_school::<class::Entity>(ctx, cid, "班级").await?;
        if !(me.admin || me.head_classes.contains(&c.id) || me.grades.contains(&c.grade)) {
            return Err(ApiError::forbidden(
                "只有该班班主任、年级组长或学校管理员可以查看",
            ));
        }
        student::Entity::find()
            .filter(student::Column::SchoolId.eq(me.school_id))
            .filter(student::Column::ClassId.eq(c.id))
            .order_by_asc(student::Column::StudentNo)
            .all(ctx.db())
            .await?
    } else {
        student::Entity::find()
            .filter(student::Column::SchoolId.eq(me.school_id))
            .filter(
                Condition::any()
                    .add(student::Column::Id.is_in(me.mentees.iter().copied().collect::<Vec<_>>()))
                    .add(
                        student::Column::ClassId
                            .is_in(me.head_classes.iter().copied().collect::<Vec<_>>()),
                    ),
            )
            .order_by_asc(student::Column::StudentNo)
            .all(ctx.db())
            .await?
    };
    let ids: Vec<Uuid> = students.iter().map(|s| s.id).collect();
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let links = activity_student::Entity::find()
        .filter(activity_student::Column::SchoolId.eq(me.school_id))
        .filter(activity_student::Column::StudentId.is_in(ids.clone()))
        .all(ctx.db())
        .await?;
    let kinds: Vec<&str> = CONTACT_KINDS.iter().map(|k| k.code()).collect();
    let acts: HashMap<Uuid, activity::Model> = activity::Entity::find()
        .filter(activity::Column::SchoolId.eq(me.school_id))
        .filter(activity::Column::Id.is_in(links.iter().map(|l| l.activity_id).collect::<Vec<_>>()))
        .filter(activity::Column::Kind.is_in(kinds))
        .all(ctx.db())
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let mentors: Vec<mentor_assignment::Model> = mentor_assignment::Entity::find()
        .filter(mentor_assignment::Column::SchoolId.eq(me.school_id))
        .filter(mentor_assignment::Column::StudentId.is_in(ids))
        .filter(mentor_assignment::Column::EndsOn.is_null())
        .all(ctx.db())
        .await?;
    let heads: HashMap<Uuid, Option<Uuid>> = class::Entity::find()
        .filter(class::Column::SchoolId.eq(me.school_id))
        .all(ctx.db())
        .await?
        .into_iter()
        .map(|c| (c.id, c.head_teacher_id))
        .collect();
    let staff_ids: Vec<Uuid> = acts
        .values()
        .map(|a| a.staff_id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let names: HashMap<Uuid, String> = staff::Entity::find()
        .filter(staff::Column::SchoolId.eq(me.school_id))
        .filter(staff::Column::Id.is_in(staff_ids))
        .all(ctx.db())
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    let mut out = vec![];
    for s in students {
        let mut mine: Vec<&activity::Model> = links
            .iter()
            .filter(|l| l.student_id == s.id)
            .filter_map(|l| acts.get(&l.activity_id))
            .collect();
        mine.sort_by_key(|a| a.occurred_at);
        let last = mine.last();
        let total = mine.len() as i64;
        let mut by_channel: BTreeMap<Channel, i64> = BTreeMap::new();
        let mut lines: BTreeMap<(Uuid, &str), i64> = BTreeMap::new();
        let mut in_person = 0;
        for a in &mine {
            let ch = Channel::from_code(&a.channel).unwrap_or(Channel::FaceToFace);
            *by_channel.entry(ch).or_default() += 1;
            if ch.is_in_person() {
                in_person += 1;
            }
            let whom = if a.kind == ActivityKind::Talk.code() {
                "学生"
            } else {
                "家长"
            };
            *lines.entry((a.staff_id, whom)).or_default() += 1;
        }
        let head = heads.get(&s.class_id).copied().flatten();
        out.push(StudentContacts {
            student_id: s.id,
            student_name: s.name.clone(),
            last_contact_at: last.map(|a| a.occurred_at),
            last_kind: last.and_then(|a| ActivityKind::from_code(&a.kind)),
            total,
            face_to_face_share: (total > 0).then(|| in_person as f64 / total as f64),
            channels: by_channel
                .into_iter()
                .map(|(channel, count)| ChannelCount { channel, count })
                .collect(),
            lines: lines
                .into_iter()
                .map(|((staff_id, whom), count)| {
                    let relation = if mentors
                        .iter()
                        .any(|m| m.student_id == s.id && m.staff_id == staff_id)
                    {
                        "导师"
                    } else if head == Some(staff_id) {
                        "班主任"
                    } else {
                        "教师"
                    };
                    ContactLine {
                        staff_id,
                        staff_name: names.get(&staff_id).cloned().unwrap_or_default(),
                        relation: relation.into(),
                        whom: whom.into(),
                        count,
                    }
                })
                .collect(),
        });
    }
    Ok(out)
}

/// One mentor's activity counts (no private text), for the school admin.
pub struct MentorCounts {
    /// The mentor (staff id).
    pub staff_id: Uuid,
    /// Name.
    pub staff_name: String,
    /// Current mentees.
    pub mentees: i64,
    /// Count per kind.
    pub by_kind: BTreeMap<ActivityKind, i64>,
    /// Share of contacts in person, 0–1.
    pub face_to_face_share: Option<f64>,
}

/// Per-mentor counts of the school's activities in a date range (default:
/// everything), for the school admin.
#[tracing::instrument(skip_all)]
pub async fn mentor_activity_counts(
    ctx: &Ctx,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> ApiResult<Vec<MentorCounts>> {
    let (district, school, grades) = authz::mentoring::may_count_mentor_activities(ctx)?;
    let mut q = activity::Entity::find()
        .select_only()
        .column(activity::Column::StaffId)
        .column(activity::Column::Kind)
        .column(activity::Column::Channel)
        .column_as(activity::Column::Id.count(), "n")
        .group_by(activity::Column::StaffId)
        .group_by(activity::Column::Kind)
        .group_by(activity::Column::Channel)
        .filter(activity::Column::DistrictId.eq(district))
        .filter(activity::Column::SchoolId.eq(school));
    if let Some(f) = from {
        q = q.filter(activity::Column::OccurredOn.gte(f));
    }
    if let Some(t) = to {
        q = q.filter(activity::Column::OccurredOn.lte(t));
    }
    let rows: Vec<(Uuid, String, String, i64)> = q.into_tuple().all(ctx.db()).await?;
    let mut pq = mentor_assignment::Entity::find()
        .select_only()
        .column(mentor_assignment::Column::StaffId)
        .filter(mentor_assignment::Column::SchoolId.eq(school))
        .filter(mentor_assignment::Column::EndsOn.is_null());
    if let Some(grades) = &grades {
        // A grade leader: the mentors of the grade's students, with those
        // students counted.
        let in_grades: Vec<Uuid> = student::Entity::find()
            .select_only()
            .column(student::Column::Id)
            .filter(student::Column::SchoolId.eq(school))
            .filter(
                student::Column::ClassId.in_subquery(
                    sea_orm::sea_query::Query::select()
                        .column(class::Column::Id)
                        .from(class::Entity)
                        .and_where(class::Column::SchoolId.eq(school))
                        .and_where(class::Column::Grade.is_in(grades.clone()))
                        .to_owned(),
                ),
            )
            .into_tuple()
            .all(ctx.db())
            .await?;
        pq = pq.filter(mentor_assignment::Column::StudentId.is_in(in_grades));
    }
    let pairs: Vec<Uuid> = pq.into_tuple().all(ctx.db()).await?;
    let mut mentees: HashMap<Uuid, i64> = HashMap::new();
    for s in pairs {
        *mentees.entry(s).or_default() += 1;
    }
    let mut counts: HashMap<Uuid, (BTreeMap<ActivityKind, i64>, i64, i64)> = HashMap::new();
    for (staff_id, kind, channel, n) in rows {
        let e = counts.entry(staff_id).or_default();
        if let Some(k) = ActivityKind::from_code(&kind) {
            *e.0.entry(k).or_default() += n;
        }
        if Channel::from_code(&channel).is_some_and(|c| c.is_in_person()) {
            e.1 += n;
        }
        e.2 += n;
    }
    let mut ids: HashSet<Uuid> = if grades.is_some() {
        HashSet::new()
    } else {
        counts.keys().copied().collect()
    };
    ids.extend(mentees.keys().copied());
    let staff_rows = staff::Entity::find()
        .filter(staff::Column::SchoolId.eq(school))
        .filter(staff::Column::Id.is_in(ids.into_iter().collect::<Vec<_>>()))
        .order_by_asc(staff::Column::StaffNo)
        .all(ctx.db())
        .await?;
    Ok(staff_rows
        .into_iter()
        .map(|s| {
            let (by_kind, in_person, total) = counts.remove(&s.id).unwrap_or_default();
            MentorCounts {
                staff_id: s.id,
                staff_name: s.name,
                mentees: mentees.get(&s.id).copied().unwrap_or(0),
                by_kind,
                face_to_face_share: (total > 0).then(|| in_person as f64 / total as f64),
            }
        })
        .collect())
}

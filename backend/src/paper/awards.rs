//! 优秀导师 awards (issue 12 item 4): the school admin nominates mentors
//! rated 优秀 in the term's published assessment, each with a short
//! citation, and publishes the list; a mentor sees their own awards and
//! prints the certificate; the district sees how many per school, never who.

use std::collections::{BTreeMap, HashMap};

use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use shared::mentor_assessment::Rating;
use uuid::Uuid;

use super::entities::mentor_award;
use super::pdf::{Align, Doc};
use super::{PaperKind, school_name, staff_names, term_names};
use crate::audit;
use crate::authz;
use crate::error::{ApiError, ApiResult};
use crate::lifecycle::entities::{assessment_result, assessment_run};
use crate::org::entities::school;
use crate::tenancy::{Ctx, one_in_school};

/// Longest citation, in characters.
pub const MAX_CITATION: usize = 200;

/// An award with names, as the school and the mentor see it.
#[derive(Debug, Clone)]
pub struct AwardView {
    /// The row.
    pub award: mentor_award::Model,
    /// The mentor's name.
    pub staff_name: String,
    /// The term's name.
    pub term_name: String,
}

async fn views(ctx: &Ctx, rows: Vec<mentor_award::Model>) -> ApiResult<Vec<AwardView>> {
    let names = staff_names(ctx, rows.iter().map(|r| r.staff_id).collect()).await?;
    let terms = term_names(ctx, None).await?;
    Ok(rows
        .into_iter()
        .map(|a| AwardView {
            staff_name: names.get(&a.staff_id).cloned().unwrap_or_default(),
            term_name: terms.get(&a.term_id).cloned().unwrap_or_default(),
            award: a,
        })
        .collect())
}

async fn published_run(ctx: &Ctx, term_id: Uuid) -> ApiResult<assessment_run::Model> {
    let (_, school) = authz::paper::may_manage_awards(ctx)?;
    assessment_run::Entity::find()
        .filter(assessment_run::Column::SchoolId.eq(school))
        .filter(assessment_run::Column::TermId.eq(term_id))
        .one(ctx.db())
        .await?
        .filter(|r| r.published_at.is_some())
        .ok_or_else(|| {
            ApiError::invalid("termId", "该学期的导师考核尚未发布，发布后才能评选优秀导师")
        })
}

/// The school's awards of a term (the school admin), nominated and published.
pub async fn school_awards(ctx: &Ctx, term_id: Uuid) -> ApiResult<Vec<AwardView>> {
    let (_, school) = authz::paper::may_manage_awards(ctx)?;
    let rows = mentor_award::Entity::find()
        .filter(mentor_award::Column::SchoolId.eq(school))
        .filter(mentor_award::Column::TermId.eq(term_id))
        .order_by_asc(mentor_award::Column::NominatedAt)
        .all(ctx.db())
        .await?;
    views(ctx, rows).await
}

/// Nominates a mentor rated 优秀 in the term's published assessment, or
/// changes the citation of a nomination not yet published (audited).
pub async fn nominate(
    ctx: &Ctx,
    term_id: Uuid,
    staff_id: Uuid,
    citation: &str,
) -> ApiResult<AwardView> {
    let caller = ctx.caller()?.clone();
    let citation = citation.trim();
    let n = citation.chars().count();
    if n == 0 || n > MAX_CITATION {
        return Err(ApiError::invalid(
            "citation",
            format!("评语须为 1–{MAX_CITATION} 个字"),
        ));
    }
    let run = published_run(ctx, term_id).await?;
    let result = assessment_result::Entity::find()
        .filter(assessment_result::Column::SchoolId.eq(run.school_id))
        .filter(assessment_result::Column::RunId.eq(run.id))
        .filter(assessment_result::Column::StaffId.eq(staff_id))
        .one(ctx.db())
        .await?
        .ok_or_else(|| ApiError::not_found("该导师的考核结果"))?;
    if result.rating != Rating::Excellent.code() {
        return Err(ApiError::invalid(
            "staffId",
            "只能从考核结果为“优秀”的导师中评选优秀导师",
        ));
    }
    let existing = mentor_award::Entity::find()
        .filter(mentor_award::Column::SchoolId.eq(run.school_id))
        .filter(mentor_award::Column::TermId.eq(term_id))
        .filter(mentor_award::Column::StaffId.eq(staff_id))
        .one(ctx.db())
        .await?;
    let row = match existing {
        Some(a) if a.published_at.is_some() => {
            return Err(ApiError::invalid("staffId", "名单已发布，不能再修改"));
        }
        Some(a) => {
            let mut am: mentor_award::ActiveModel = a.into();
            am.citation = Set(citation.to_string());
            am.update(ctx.db()).await?
        }
        None => {
            mentor_award::ActiveModel {
                id: Set(Uuid::new_v4()),
                district_id: Set(run.district_id),
                school_id: Set(run.school_id),
                term_id: Set(term_id),
                run_id: Set(run.id),
                staff_id: Set(staff_id),
                citation: Set(citation.to_string()),
                nominated_by: Set(caller.user_id),
                nominated_at: Set(crate::clock::now()),
                published_at: Set(None),
            }
            .insert(ctx.db())
            .await?
        }
    };
    audit::record(ctx, "award.nominate", "mentor_award", Some(row.id), None).await?;
    views(ctx, vec![row])
        .await?
        .pop()
        .ok_or_else(|| ApiError::not_found("表彰"))
}

/// Withdraws a nomination not yet published (audited).
pub async fn withdraw(ctx: &Ctx, award_id: Uuid) -> ApiResult<()> {
    let (_, school) = authz::paper::may_manage_awards(ctx)?;
    let a = mentor_award::Entity::find_by_id(award_id)
        .filter(mentor_award::Column::SchoolId.eq(school))
        .one(ctx.db())
        .await?
        .ok_or_else(|| ApiError::not_found("表彰"))?;
    if a.published_at.is_some() {
        return Err(ApiError::invalid("awardId", "名单已发布，不能再修改"));
    }
    mentor_award::Entity::delete_by_id(a.id)
        .exec(ctx.db())
        .await?;
    audit::record(ctx, "award.withdraw", "mentor_award", Some(a.id), None).await?;
    Ok(())
}

/// Publishes the term's list: every nomination becomes visible to its
/// mentor and counted for the district (audited).
pub async fn publish(ctx: &Ctx, term_id: Uuid) -> ApiResult<Vec<AwardView>> {
    let run = published_run(ctx, term_id).await?;
    let pending = mentor_award::Entity::find()
        .filter(mentor_award::Column::SchoolId.eq(run.school_id))
        .filter(mentor_award::Column::TermId.eq(term_id))
        .filter(mentor_award::Column::PublishedAt.is_null())
        .all(ctx.db())
        .await?;
    if pending.is_empty() {
        return Err(ApiError::invalid("termId", "没有待发布的提名"));
    }
    let now = crate::clock::now();
    for a in pending {
        let id = a.id;
        let mut am: mentor_award::ActiveModel = a.into();
        am.published_at = Set(Some(now));
        am.update(ctx.db()).await?;
        audit::record(ctx, "award.publish", "mentor_award", Some(id), None).await?;
    }
    school_awards(ctx, term_id).await
}

/// The caller's own published awards (a mentor).
pub async fn my_awards(ctx: &Ctx) -> ApiResult<Vec<AwardView>> {
    let Some(me) = authz::my_staff(ctx).await? else {
        return Ok(vec![]);
    };
    let rows = mentor_award::Entity::find()
        .filter(mentor_award::Column::SchoolId.eq(me.school_id))
        .filter(mentor_award::Column::StaffId.eq(me.id))
        .filter(mentor_award::Column::PublishedAt.is_not_null())
        .order_by_desc(mentor_award::Column::PublishedAt)
        .all(ctx.db())
        .await?;
    views(ctx, rows).await
}

/// Published awards of a term in the caller's school.
pub async fn published_count(ctx: &Ctx, term_id: Uuid) -> ApiResult<u64> {
    Ok(mentor_award::Entity::find()
        .filter(mentor_award::Column::SchoolId.eq(ctx.school_id()?))
        .filter(mentor_award::Column::TermId.eq(term_id))
        .filter(mentor_award::Column::PublishedAt.is_not_null())
        .count(ctx.db())
        .await?)
}

/// One school's published awards in a term, for the district: a count.
#[derive(Debug, Clone)]
pub struct SchoolAwardCount {
    /// The school's name.
    pub school_name: String,
    /// The term's name.
    pub term_name: String,
    /// Published 优秀导师.
    pub count: u32,
}

/// Published awards per school and term (the district admin): counts only.
pub async fn district_counts(ctx: &Ctx) -> ApiResult<Vec<SchoolAwardCount>> {
    let district = authz::paper::may_count_district_awards(ctx)?;
    let rows = mentor_award::Entity::find()
        .filter(mentor_award::Column::DistrictId.eq(district))
        .filter(mentor_award::Column::PublishedAt.is_not_null())
        .all(ctx.db())
        .await?;
    let mut counts: BTreeMap<(Uuid, Uuid), u32> = BTreeMap::new();
    for r in rows {
        *counts.entry((r.school_id, r.term_id)).or_default() += 1;
    }
    let schools: HashMap<Uuid, String> = school::Entity::find()
        .filter(school::Column::DistrictId.eq(district))
        .all(ctx.db())
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    let terms = term_names(ctx, Some(district)).await?;
    let mut out: Vec<SchoolAwardCount> = counts
        .into_iter()
        .map(|((s, t), count)| SchoolAwardCount {
            school_name: schools.get(&s).cloned().unwrap_or_default(),
            term_name: terms.get(&t).cloned().unwrap_or_default(),
            count,
        })
        .collect();
    out.sort_by(|a, b| (&a.term_name, &a.school_name).cmp(&(&b.term_name, &b.school_name)));
    Ok(out)
}

async fn readable(ctx: &Ctx, award_id: Uuid) -> ApiResult<AwardView> {
    let a = one_in_school::<mentor_award::Entity>(ctx, award_id, "表彰").await?;
    let own = authz::my_staff(ctx).await?.map(|s| s.id);
    authz::paper::may_read_award(ctx, a.staff_id, a.published_at.is_some(), own)?;
    views(ctx, vec![a])
        .await?
        .pop()
        .ok_or_else(|| ApiError::not_found("表彰"))
}

/// The mentor's name for the file name; refuses whoever may not read it.
pub async fn award_label(ctx: &Ctx, award_id: Uuid) -> ApiResult<Option<String>> {
    Ok(Some(readable(ctx, award_id).await?.staff_name))
}

/// The 优秀导师 certificate.
pub async fn certificate(ctx: &Ctx, award_id: Uuid) -> ApiResult<Vec<u8>> {
    let v = readable(ctx, award_id).await?;
    let school = school_name(ctx).await?;
    let e = |e: String| ApiError::invalid("file", e);
    let mut doc = Doc::new(&school, PaperKind::AwardCertificate.label());
    doc.gap(50.0);
    doc.text("荣 誉 证 书", 34.0, Align::Center).map_err(e)?;
    doc.gap(36.0);
    doc.text(&format!("{}老师：", v.staff_name), 16.0, Align::Left)
        .map_err(e)?;
    doc.gap(6.0);
    doc.text(
        &format!(
            "　　您在{}导师工作中表现突出，被评为{school}“优秀导师”。特发此证，以资鼓励。",
            v.term_name
        ),
        16.0,
        Align::Left,
    )
    .map_err(e)?;
    doc.gap(10.0);
    doc.text(&format!("　　{}", v.award.citation), 13.0, Align::Left)
        .map_err(e)?;
    doc.gap(50.0);
    doc.text(&school, 16.0, Align::Right).map_err(e)?;
    if let Some(at) = v.award.published_at {
        doc.text(
            &crate::clock::local_day(at)
                .format("%Y年%m月%d日")
                .to_string(),
            16.0,
            Align::Right,
        )
        .map_err(e)?;
    }
    doc.finish().map_err(e)
}

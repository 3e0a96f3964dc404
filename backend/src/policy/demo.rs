//! Demo data of the policy capability: the 篇6 district baseline (once per
//! district), each demo school's policy from a preset, and key exams in the
//! school's first term.

use chrono::Duration;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use shared::org::SchoolStage;
use shared::policy::{self, DistrictBaseline, SchoolPolicy, presets};
use uuid::Uuid;

use super::entities::{calendar_event, policy_version};
use crate::org::entities::term;
use crate::tenancy::Ctx;

fn row(
    district: Uuid,
    school: Option<Uuid>,
    meta: &policy::PolicyMeta,
    term_id: Option<Uuid>,
    rules: &policy::PolicyRules,
    diff: &[policy::Change],
) -> anyhow::Result<policy_version::ActiveModel> {
    Ok(policy_version::ActiveModel {
        id: Set(Uuid::new_v4()),
        district_id: Set(district),
        school_id: Set(school),
        version: Set(1),
        name: Set(meta.name.clone()),
        effective_from: Set(meta.effective_from),
        term_id: Set(term_id),
        preset_id: Set(meta.preset.clone()),
        rules: Set(serde_json::to_string(rules)?),
        diff: Set(serde_json::to_string(diff)?),
        created_by: Set(None),
        created_at: Set(chrono::Utc::now()),
    })
}

/// The preset a demo school starts from: 篇6 primary, 篇5 迎园 brought within
/// the district's 1:15 (the preset's 1:16 for grades 7 and 9 exceeds it), 篇2
/// for the high school.
pub fn demo_school_policy(
    stage: SchoolStage,
    term_id: &str,
    from: chrono::NaiveDate,
) -> SchoolPolicy {
    match stage {
        SchoolStage::Primary => presets::school_pian6_primary(term_id, from),
        SchoolStage::High | SchoolStage::Vocational => presets::school_pian2(term_id, from),
        _ => {
            let mut p = presets::school_pian5_yingyuan(term_id, from);
            p.rules.ratio.default_max = 15;
            for v in p.rules.ratio.per_grade.values_mut() {
                *v = (*v).min(15);
            }
            p.meta.name = "迎园中学实施“全员导师制”工作方案（按区基线1:15）".into();
            p
        }
    }
}

/// Seeds one demo school's policy and calendar (and the district baseline if
/// the district has none). Runs as the operator inside the demo seed.
pub async fn seed_demo(
    ctx: &Ctx,
    district: Uuid,
    school: Uuid,
    stage: SchoolStage,
) -> anyhow::Result<()> {
    let db = ctx.db();
    let Some(first) = term::Entity::find()
        .filter(term::Column::SchoolId.eq(school))
        .order_by_asc(term::Column::StartsOn)
        .one(db)
        .await?
    else {
        return Ok(());
    };
    let from = first.starts_on;
    let existing = policy_version::Entity::find()
        .filter(policy_version::Column::DistrictId.eq(district))
        .filter(policy_version::Column::SchoolId.is_null())
        .order_by_desc(policy_version::Column::Version)
        .one(db)
        .await?;
    let baseline: DistrictBaseline = match existing {
        Some(r) => DistrictBaseline {
            meta: policy::PolicyMeta {
                name: r.name.clone(),
                version: 1,
                term_id: r.effective_from.to_string(),
                effective_from: r.effective_from,
                preset: r.preset_id.clone(),
            },
            rules: serde_json::from_str(&r.rules)?,
        },
        None => {
            let b = presets::district_pian6(&from.to_string(), from);
            row(district, None, &b.meta, None, &b.rules, &[])?
                .insert(db)
                .await?;
            b
        }
    };
    let p = demo_school_policy(stage, &first.id.to_string(), from);
    let violations = policy::validate_school(&p, &baseline);
    if !violations.is_empty() {
        anyhow::bail!("demo school policy is invalid: {violations:?}");
    }
    let diff = policy::diff(&baseline.rules, &p.rules);
    row(
        district,
        Some(school),
        &p.meta,
        Some(first.id),
        &p.rules,
        &diff,
    )?
    .insert(db)
    .await?;
    let exams = [
        ("期中考试", first.starts_on + Duration::days(70)),
        ("期末考试", first.ends_on - Duration::days(5)),
    ];
    for (name, day) in exams {
        calendar_event::ActiveModel {
            id: Set(Uuid::new_v4()),
            district_id: Set(district),
            school_id: Set(school),
            term_id: Set(first.id),
            kind: Set("KEY_EXAM".into()),
            occurs_on: Set(day),
            grades: Set("[]".into()),
            name: Set(name.into()),
            created_by: Set(None),
            created_at: Set(chrono::Utc::now()),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

//! Running a term's assessment again keeps the admin's adjustments: the
//! indicators and computed ratings are new, the ratings the admin set (with
//! reason, who and when) stay, within the 优秀 quota.

use std::collections::{BTreeSet, HashMap};

use shared::mentor_assessment::Rating;
use uuid::Uuid;

use super::assessment::rating_of;
use super::entities::assessment_result;

/// An adjustment that could not be kept, and why (for the audit log).
pub struct Dropped {
    /// The result it was made on.
    pub result_id: Uuid,
    /// Why it was dropped, in Chinese.
    pub why: String,
}

/// Carries the adjustments of `previous` (by mentor) onto the freshly
/// computed `rows`. 优秀 stays within `cap`: computed 优秀 ratings give way to
/// the admin's adjustments first (lowest score first); only if the adjusted
/// 优秀 alone exceed the quota are those adjustments dropped (lowest score
/// first). Adjustments of mentors no longer assessed are dropped too.
pub fn keep_adjustments(
    rows: &mut [assessment_result::Model],
    previous: &HashMap<Uuid, assessment_result::Model>,
    cap: usize,
) -> Vec<Dropped> {
    let mut dropped = vec![];
    let assessed: BTreeSet<Uuid> = rows.iter().map(|r| r.staff_id).collect();
    let mut gone: Vec<&assessment_result::Model> = previous
        .values()
        .filter(|p| p.adjusted_by.is_some() && !assessed.contains(&p.staff_id))
        .collect();
    gone.sort_by_key(|p| p.staff_id);
    for p in gone {
        dropped.push(Dropped {
            result_id: p.id,
            why: format!(
                "重新计算时该导师不再参加考核，撤销调整（{}）",
                p.adjust_reason.clone().unwrap_or_default()
            ),
        });
    }
    for r in rows.iter_mut() {
        if let Some(p) = previous
            .get(&r.staff_id)
            .filter(|p| p.adjusted_by.is_some())
        {
            r.rating = p.rating.clone();
            r.adjusted_by = p.adjusted_by;
            r.adjust_reason = p.adjust_reason.clone();
            r.adjusted_at = p.adjusted_at;
        }
    }
    let mut excellent = rows
        .iter()
        .filter(|r| rating_of(&r.rating) == Rating::Excellent)
        .count();
    // Lowest score first, then by mentor: the same inputs give the same result.
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by_key(|&i| (rows[i].score, rows[i].staff_id));
    for &i in &order {
        if excellent <= cap {
            break;
        }
        let r = &mut rows[i];
        if r.adjusted_by.is_none() && rating_of(&r.rating) == Rating::Excellent {
            excellent -= 1;
            r.rating = Rating::Qualified.code().into();
            r.reason = format!("{};优秀名额({cap}名)已由管理员的调整占用", r.reason);
        }
    }
    for &i in &order {
        if excellent <= cap {
            break;
        }
        let r = &mut rows[i];
        if r.adjusted_by.is_some() && rating_of(&r.rating) == Rating::Excellent {
            excellent -= 1;
            dropped.push(Dropped {
                result_id: r.id,
                why: format!(
                    "重新计算后优秀名额只有{cap}名，撤销调整（{}）",
                    r.adjust_reason.clone().unwrap_or_default()
                ),
            });
            r.rating = match rating_of(&r.computed_rating) {
                Rating::Excellent => Rating::Qualified,
                other => other,
            }
            .code()
            .into();
            r.adjusted_by = None;
            r.adjust_reason = None;
            r.adjusted_at = None;
        }
    }
    dropped
}

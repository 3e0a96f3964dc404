//! Demo data of the matching capability: an open two-way round (双向选择) for
//! grade 7 of the middle school in its first term, with students' ranked
//! choices (志愿) already submitted, so the school admin can run a preview
//! straight away. Popularity is skewed: a few mentors are chosen first by
//! more students than they have places, so the preview shows second
//! choices, placements by the fill (统筹安排) and their explanations.
//! Deterministic (seeded).

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use shared::org::{Qualification, Role};
use uuid::Uuid;

use super::entities::{choice, round};
use super::rounds::{RoundMethod, RoundStatus};
use crate::auth::entities::role_grant;
use crate::org::entities::{class, staff, student, teaching, term};
use crate::tenancy::Ctx;

/// The grade of the demo round.
const GRADE: i32 = 7;
/// The policy's cap for grade 7 in the demo (1:15).
const POLICY_CAP: usize = 15;

/// Seeds the open grade-7 round of `school` with students' choices: about
/// six in seven students choose 1–3 mentors, always including the student
/// with an account (`s2.student1`). Runs as the operator, once per school.
pub async fn seed_demo(ctx: &Ctx, district: Uuid, school: Uuid) -> anyhow::Result<()> {
    let db = ctx.db();
    let Some(first) = term::Entity::find()
        .filter(term::Column::SchoolId.eq(school))
        .order_by_asc(term::Column::StartsOn)
        .one(db)
        .await?
    else {
        return Ok(());
    };
    let Some(admin) = role_grant::Entity::find()
        .filter(role_grant::Column::SchoolId.eq(school))
        .filter(role_grant::Column::Role.eq(Role::SchoolAdmin.code()))
        .one(db)
        .await?
    else {
        return Ok(());
    };
    let classes: Vec<Uuid> = class::Entity::find()
        .filter(class::Column::SchoolId.eq(school))
        .filter(class::Column::Grade.eq(GRADE))
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect();
    let students = student::Entity::find()
        .filter(student::Column::SchoolId.eq(school))
        .filter(student::Column::ClassId.is_in(classes.clone()))
        .order_by_asc(student::Column::StudentNo)
        .all(db)
        .await?;
    let teacher_ids: HashSet<Uuid> = teaching::Entity::find()
        .filter(teaching::Column::SchoolId.eq(school))
        .filter(teaching::Column::ClassId.is_in(classes))
        .all(db)
        .await?
        .into_iter()
        .map(|t| t.staff_id)
        .collect();
    let mentors: Vec<Uuid> = staff::Entity::find()
        .filter(staff::Column::SchoolId.eq(school))
        .filter(staff::Column::Id.is_in(teacher_ids))
        .order_by_asc(staff::Column::StaffNo)
        .all(db)
        .await?
        .into_iter()
        .filter(|s| Qualification::from_code(&s.qualification).is_some_and(|q| q.may_mentor()))
        .map(|s| s.id)
        .collect();
    if students.is_empty() || mentors.len() < 3 {
        return Ok(());
    }
    // One place more than an even share: enough for everyone, too few for
    // the popular mentors.
    let cap = students
        .len()
        .div_ceil(mentors.len())
        .saturating_add(1)
        .min(POLICY_CAP);
    let round_id = Uuid::new_v4();
    round::Entity::insert(round::ActiveModel {
        id: Set(round_id),
        district_id: Set(district),
        school_id: Set(school),
        term_id: Set(first.id),
        grade: Set(GRADE),
        method: Set(RoundMethod::TwoWay.code().into()),
        cap: Set(i32::try_from(cap)?),
        status: Set(RoundStatus::Open.code().into()),
        opens_at: Set(None),
        closes_at: Set(None),
        seed: Set(None),
        stats: Set(None),
        created_by: Set(admin.user_id),
        created_at: Set(Utc::now()),
        published_at: Set(None),
    })
    .exec_without_returning(db)
    .await?;

    // Zipf-like popularity over the grade's mentors, shuffled once so the
    // favourites are not simply the first staff numbers.
    let mut rng = StdRng::seed_from_u64(7_2026);
    let mut order = mentors.clone();
    for i in (1..order.len()).rev() {
        order.swap(i, rng.gen_range(0..=i));
    }
    let weights: HashMap<Uuid, f64> = order
        .iter()
        .enumerate()
        .map(|(i, m)| (*m, 1.0 / (i as f64 + 1.0).powf(1.2)))
        .collect();
    let mut rows = vec![];
    for (n, s) in students.iter().enumerate() {
        if s.user_id.is_none() && n % 7 == 6 {
            continue; // some students have not chosen yet
        }
        let count = rng.gen_range(1..=3usize);
        let mut picked: Vec<Uuid> = vec![];
        while picked.len() < count {
            let pool: Vec<Uuid> = order
                .iter()
                .copied()
                .filter(|m| !picked.contains(m))
                .collect();
            let total: f64 = pool.iter().map(|m| weights[m]).sum();
            let mut x = rng.gen_range(0.0..total);
            let mut chosen = pool[pool.len() - 1];
            for m in &pool {
                x -= weights[m];
                if x < 0.0 {
                    chosen = *m;
                    break;
                }
            }
            picked.push(chosen);
        }
        for (pos, m) in picked.into_iter().enumerate() {
            rows.push(choice::ActiveModel {
                id: Set(Uuid::new_v4()),
                district_id: Set(district),
                school_id: Set(school),
                round_id: Set(round_id),
                student_id: Set(s.id),
                staff_id: Set(m),
                position: Set(i32::try_from(pos)? + 1),
            });
        }
    }
    for chunk in rows.chunks(200) {
        choice::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

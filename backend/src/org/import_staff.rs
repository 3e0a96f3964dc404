//! Roster import of staff (工号, subjects and classes taught), after the
//! file has been read and its header found in [`super::import`]; the same
//! all-or-nothing rules as for students.

use std::collections::{HashMap, HashSet};

use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use uuid::Uuid;

use super::entities::{staff, teaching};
use super::forms::{self, ClassMatch, ClassNames};
use super::import::{Checker, ImportResult, Table, school_classes, yes};
use super::validate;
use crate::authz;
use crate::error::ApiResult;
use crate::tenancy::Ctx;

pub(super) async fn import_staff(
    ctx: &Ctx,
    table: &Table,
    dry_run: bool,
) -> ApiResult<ImportResult> {
    let (district, school) = authz::org::may_manage_school_roster(ctx)?;
    let classes = school_classes(ctx, school).await?;
    let names = ClassNames::new(classes.values().map(|c| (c.id, c.name.as_str(), c.grade)));
    let class_of = |raw: &str| match names.find(raw) {
        ClassMatch::Exact(id) | ClassMatch::Form(id) => classes.get(&id),
        ClassMatch::Unknown => None,
    };
    let mut ck = Checker::new(table);
    let req = ck.required(&["工号", "姓名"]);
    ck.check_cells();
    let mut result = ImportResult {
        kind: "staff".into(),
        ..Default::default()
    };
    if ck.header_failed() {
        result.errors = ck.errors;
        return Ok(result);
    }
    let (c_no, c_name) = (req[0], req[1]);
    let (c_gender, c_phone, c_party, c_spec, c_teach, c_head) = (
        table.col("性别"),
        table.col("手机"),
        table.col("党员"),
        table.col("特长"),
        table.col("任教"),
        table.col("班主任"),
    );
    struct Row {
        no: String,
        name: String,
        gender: Option<String>,
        phone: Option<String>,
        party: bool,
        specialties: Vec<String>,
        teaching: Vec<(Uuid, String)>,
        head_of: Option<Uuid>,
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut heads: HashMap<Uuid, usize> = HashMap::new();
    let mut rows = vec![];
    for (i, r) in table.rows.iter().enumerate() {
        let no = ck.get(r, c_no).to_string();
        let name = ck.get(r, c_name).to_string();
        if let Err(m) = validate::staff_no(&no) {
            ck.err(i, c_no, m);
        } else if let Some(first) = seen.insert(no.clone(), i) {
            let n = ck.number(first);
            ck.err(i, c_no, format!("工号{no}与第{n}行重复"));
        }
        if let Err(m) = validate::name(&name) {
            ck.err(i, c_name, format!("姓名{m}"));
        }
        let gender = Some(ck.get(r, c_gender).to_string()).filter(|g| !g.is_empty());
        if let Some(g) = &gender
            && let Err(m) = validate::gender(g)
        {
            ck.err(i, c_gender, m);
        }
        let phone = Some(forms::phone(ck.get(r, c_phone))).filter(|p| !p.is_empty());
        if let Some(p) = &phone
            && let Err(m) = validate::mobile(p)
        {
            ck.err(i, c_phone, m);
        }
        let party = yes(ck.get(r, c_party)).unwrap_or_else(|| {
            ck.err(i, c_party, "须填“是”或“否”");
            false
        });
        let specialties: Vec<String> = ck
            .get(r, c_spec)
            .split(['、', ';', '；', ','])
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        let mut teaching_list = vec![];
        for item in ck
            .get(r, c_teach)
            .split([';', '；'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            let Some((cname, subject)) = item.split_once([':', '：']) else {
                ck.err(i, c_teach, format!("“{item}”格式应为“班级:学科”"));
                continue;
            };
            match class_of(cname.trim()) {
                Some(c) if validate::name(subject).is_ok() => {
                    teaching_list.push((c.id, subject.trim().to_string()))
                }
                Some(_) => ck.err(i, c_teach, format!("“{item}”缺少学科")),
                None => ck.err(i, c_teach, format!("本校没有班级“{}”", cname.trim())),
            }
        }
        let head = ck.get(r, c_head);
        let head_of = if head.is_empty() {
            None
        } else {
            match class_of(head) {
                Some(c) => {
                    if let Some(first) = heads.insert(c.id, i) {
                        let n = ck.number(first);
                        ck.err(i, c_head, format!("班级“{head}”的班主任与第{n}行重复"));
                    }
                    Some(c.id)
                }
                None => {
                    ck.err(i, c_head, format!("本校没有班级“{head}”"));
                    None
                }
            }
        };
        rows.push(Row {
            no,
            name,
            gender,
            phone,
            party,
            specialties,
            teaching: teaching_list,
            head_of,
        });
    }
    if !ck.errors.is_empty() {
        ck.errors.sort_by_key(|e| e.row);
        result.errors = ck.errors;
        return Ok(result);
    }
    result.ok = true;
    let existing: HashMap<String, staff::Model> = staff::Entity::find()
        .filter(staff::Column::SchoolId.eq(school))
        .all(ctx.db())
        .await?
        .into_iter()
        .map(|s| (s.staff_no.clone(), s))
        .collect();
    let taught: HashSet<(Uuid, Uuid, String)> = teaching::Entity::find()
        .filter(teaching::Column::SchoolId.eq(school))
        .all(ctx.db())
        .await?
        .into_iter()
        .map(|t| (t.staff_id, t.class_id, t.subject))
        .collect();
    let now = chrono::Utc::now();
    for row in rows {
        let specialties = serde_json::to_string(&row.specialties).map_err(anyhow::Error::from)?;
        let staff_id = match existing.get(&row.no) {
            Some(s) => {
                let same = s.name == row.name
                    && s.gender == row.gender
                    && s.phone == row.phone
                    && s.party_member == row.party
                    && s.specialties == specialties;
                let new_teaching = row
                    .teaching
                    .iter()
                    .any(|(c, sub)| !taught.contains(&(s.id, *c, sub.clone())));
                if same
                    && !new_teaching
                    && row.head_of.is_none_or(|c| {
                        classes
                            .get(&c)
                            .is_some_and(|k| k.head_teacher_id == Some(s.id))
                    })
                {
                    result.unchanged += 1;
                } else {
                    result.updated += 1;
                }
                if !same && !dry_run {
                    let mut m = s.clone().into_active_model();
                    m.name = Set(row.name.clone());
                    m.gender = Set(row.gender.clone());
                    m.phone = Set(row.phone.clone());
                    m.party_member = Set(row.party);
                    m.specialties = Set(specialties);
                    m.update(ctx.db()).await?;
                }
                s.id
            }
            None => {
                result.created += 1;
                let id = Uuid::new_v4();
                if !dry_run {
                    staff::ActiveModel {
                        id: Set(id),
                        district_id: Set(district),
                        school_id: Set(school),
                        staff_no: Set(row.no.clone()),
                        name: Set(row.name.clone()),
                        gender: Set(row.gender.clone()),
                        phone: Set(row.phone.clone()),
                        party_member: Set(row.party),
                        specialties: Set(specialties),
                        qualification: Set(shared::org::Qualification::Untrained.code().into()),
                        user_id: Set(None),
                        created_at: Set(now),
                    }
                    .insert(ctx.db())
                    .await?;
                }
                id
            }
        };
        if dry_run {
            continue;
        }
        for (class_id, subject) in &row.teaching {
            if !taught.contains(&(staff_id, *class_id, subject.clone())) {
                teaching::ActiveModel {
                    id: Set(Uuid::new_v4()),
                    district_id: Set(district),
                    school_id: Set(school),
                    staff_id: Set(staff_id),
                    class_id: Set(*class_id),
                    subject: Set(subject.clone()),
                }
                .insert(ctx.db())
                .await?;
            }
        }
        if let Some(class_id) = row.head_of
            && let Some(c) = classes.get(&class_id)
            && c.head_teacher_id != Some(staff_id)
        {
            let mut m = c.clone().into_active_model();
            m.head_teacher_id = Set(Some(staff_id));
            m.update(ctx.db()).await?;
        }
    }
    Ok(result)
}

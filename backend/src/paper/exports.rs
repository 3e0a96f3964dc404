//! The spreadsheet exports: each builds its rows with the same service
//! function that feeds the page showing them (so the numbers match), then
//! writes them with `paper::xlsx`.

use std::collections::{BTreeMap, HashMap};

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use shared::tasks::TaskStatus;
use uuid::Uuid;

use super::files::Progress;
use super::xlsx::{self, Cell, Heading, Sheet};
use super::{PaperKind, generated_at, school_name};
use crate::error::{ApiError, ApiResult};
use crate::org::entities::term;
use crate::policy::tasks::{self, TermTasks};
use crate::tenancy::Ctx;

/// Requirement counts of a group (a class or a mentor).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Students in the group.
    pub students: u32,
    /// Requirements met.
    pub done: u32,
    /// Open, window not yet closed.
    pub due: u32,
    /// Window closed unmet.
    pub overdue: u32,
    /// Not applicable.
    pub not_applicable: u32,
}

impl Tally {
    /// Done of the requirements that apply, per mille (none when nothing applies).
    pub fn done_per_mille(&self) -> Option<u32> {
        let applies = self.done + self.due + self.overdue;
        (applies > 0).then(|| self.done * 1000 / applies)
    }

    fn add(&mut self, s: &TaskStatus) {
        match s {
            TaskStatus::Done { .. } => self.done += 1,
            TaskStatus::Due { .. } => self.due += 1,
            TaskStatus::Overdue { .. } => self.overdue += 1,
            TaskStatus::NotApplicable { .. } => self.not_applicable += 1,
        }
    }
}

/// Task completion of a term, per class and per responsible mentor.
#[derive(Debug, Clone)]
pub struct Completion {
    /// The term's name.
    pub term_name: String,
    /// The day judged.
    pub as_of: chrono::NaiveDate,
    /// Per class: (grade, class name, tally), by grade then name.
    pub classes: Vec<(i32, String, Tally)>,
    /// Per mentor: (name, tally), by name; requirements nobody is
    /// responsible for are not in any mentor's line.
    pub mentors: Vec<(String, Tally)>,
}

/// Groups a term's evaluation by class and by mentor.
pub async fn completion_of(ctx: &Ctx, tt: &TermTasks) -> ApiResult<Completion> {
    let mut classes: BTreeMap<(i32, String), Tally> = BTreeMap::new();
    let mut mentors: HashMap<Uuid, (Tally, std::collections::HashSet<Uuid>)> = HashMap::new();
    for s in &tt.students {
        let c = classes.entry((s.grade, s.class_name.clone())).or_default();
        c.students += 1;
        for r in &s.requirements {
            c.add(&r.status);
            if let Some(m) = r
                .responsible_mentor_id
                .as_deref()
                .and_then(|m| Uuid::parse_str(m).ok())
            {
                let e = mentors.entry(m).or_default();
                e.0.add(&r.status);
                e.1.insert(s.student.id);
            }
        }
    }
    let names = super::staff_names(ctx, mentors.keys().copied().collect()).await?;
    let mut mentors: Vec<(String, Tally)> = mentors
        .into_iter()
        .map(|(id, (mut t, students))| {
            t.students = u32::try_from(students.len()).unwrap_or(u32::MAX);
            (names.get(&id).cloned().unwrap_or_default(), t)
        })
        .collect();
    mentors.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(Completion {
        term_name: tt.term.name.clone(),
        as_of: tt.today,
        classes: classes.into_iter().map(|((g, n), t)| (g, n, t)).collect(),
        mentors,
    })
}

/// The task completion page's figures.
pub async fn task_completion_view(ctx: &Ctx, term_id: Option<Uuid>) -> ApiResult<Completion> {
    let tt = tasks::school_tasks(ctx, term_id, crate::clock::today()).await?;
    completion_of(ctx, &tt).await
}

fn pct(per_mille: Option<u32>) -> Cell {
    per_mille.map_or(Cell::Text("—".into()), |p| {
        Cell::Number(f64::from(p) / 10.0)
    })
}

fn tally_cells(t: &Tally) -> Vec<Cell> {
    vec![
        t.students.into(),
        t.done.into(),
        t.due.into(),
        t.overdue.into(),
        t.not_applicable.into(),
        pct(t.done_per_mille()),
    ]
}

const TALLY_HEADERS: [&str; 6] = [
    "学生数",
    "已完成",
    "进行中",
    "已逾期",
    "不适用",
    "完成率(%)",
];

fn heading(school: String, kind: PaperKind, term: String) -> Heading {
    Heading {
        school,
        title: kind.label().into(),
        term,
        generated_at: generated_at(),
    }
}

/// 任务完成情况 (per class and per mentor), as on the task completion page.
pub async fn task_completion(ctx: &Ctx, term_id: Option<Uuid>, p: &Progress) -> ApiResult<Vec<u8>> {
    let c = task_completion_view(ctx, term_id).await?;
    p.step(1, 2).await;
    let mut by_class = Sheet::new(
        "按班级",
        &[&["年级", "班级"][..], &TALLY_HEADERS[..]].concat(),
    );
    for (g, name, t) in &c.classes {
        let mut row: Vec<Cell> = vec![format!("{g}年级").into(), name.clone().into()];
        row.extend(tally_cells(t));
        by_class.rows.push(row);
    }
    let mut by_mentor = Sheet::new("按导师", &[&["导师"][..], &TALLY_HEADERS[..]].concat());
    for (name, t) in &c.mentors {
        let mut row: Vec<Cell> = vec![name.clone().into()];
        row.extend(tally_cells(t));
        by_mentor.rows.push(row);
    }
    let head = heading(
        school_name(ctx).await?,
        PaperKind::TaskCompletion,
        c.term_name,
    );
    xlsx::workbook(&head, &[by_class, by_mentor]).map_err(|e| ApiError::invalid("file", e))
}

async fn term_name(ctx: &Ctx, id: Uuid) -> ApiResult<String> {
    Ok(term::Entity::find_by_id(id)
        .filter(term::Column::SchoolId.eq(ctx.school_id()?))
        .one(ctx.db())
        .await?
        .map(|t| t.name)
        .unwrap_or_default())
}

/// A round's name in file names: `<grade>年级`.
pub async fn round_label(ctx: &Ctx, id: Uuid) -> ApiResult<Option<String>> {
    let r = crate::matching::rounds::load_round(ctx, id).await?;
    Ok(Some(format!("{}年级", r.grade)))
}

/// A matching round's results, as on the matching page: every student's
/// line (placed first), then each mentor's load.
pub async fn matching(ctx: &Ctx, round_id: Uuid, p: &Progress) -> ApiResult<Vec<u8>> {
    let v = crate::matching::preview::get_preview(ctx, round_id)
        .await?
        .ok_or_else(|| ApiError::not_found("匹配结果（请先运行匹配）"))?;
    let mut lines = Sheet::new("匹配结果", &["学生", "班级", "导师", "志愿序号", "说明"]);
    let total = v.lines.len();
    for (i, l) in v.lines.iter().enumerate() {
        lines.rows.push(vec![
            l.student_name.clone().into(),
            l.class_name.clone().into(),
            l.mentor_name
                .clone()
                .unwrap_or_else(|| "未匹配".into())
                .into(),
            l.row.choice_no.map_or(Cell::Text("—".into()), Cell::from),
            l.row.why.clone().into(),
        ]);
        if i % 200 == 0 {
            p.step(i, total).await;
        }
    }
    let mut loads = Sheet::new("导师负荷", &["导师", "本轮人数", "本轮名额"]);
    for l in &v.loads {
        loads.rows.push(vec![
            l.name.clone().into(),
            l.load.into(),
            l.capacity.into(),
        ]);
    }
    let term = term_name(ctx, v.round.round.term_id).await?;
    let mut head = heading(school_name(ctx).await?, PaperKind::MatchingResults, term);
    head.title = format!("{}（{}年级）", head.title, v.round.round.grade);
    xlsx::workbook(&head, &[lines, loads]).map_err(|e| ApiError::invalid("file", e))
}

/// An assessment run's term in file names.
pub async fn run_label(ctx: &Ctx, id: Uuid) -> ApiResult<Option<String>> {
    use crate::lifecycle::entities::assessment_run;
    let run = assessment_run::Entity::find_by_id(id)
        .filter(assessment_run::Column::SchoolId.eq(ctx.school_id()?))
        .one(ctx.db())
        .await?
        .ok_or_else(|| ApiError::not_found("考核"))?;
    Ok(Some(term_name(ctx, run.term_id).await?))
}

/// A survey's title in file names.
pub async fn survey_label(ctx: &Ctx, id: Uuid) -> ApiResult<Option<String>> {
    let r = crate::surveys::service::results(ctx, id).await?;
    Ok(Some(r.view.survey.title))
}

/// A survey's results, as on the survey results page: per question, the
/// count of each option or score (nothing while the group is too small).
pub async fn survey(ctx: &Ctx, survey_id: Uuid, p: &Progress) -> ApiResult<Vec<u8>> {
    use shared::survey::QuestionKind;
    let r = crate::surveys::service::results(ctx, survey_id).await?;
    p.step(1, 2).await;
    let mut sheet = Sheet::new("问卷结果", &["题号", "题目", "选项", "人数", "平均分"]);
    let qs = r
        .questions
        .ok_or_else(|| ApiError::invalid("subjectId", "答卷人数不足，结果暂不显示，也不能导出"))?;
    for (i, (q, res)) in r.view.questions.iter().zip(qs.iter()).enumerate() {
        let no = Cell::Number(f64::from(u32::try_from(i + 1).unwrap_or(0)));
        let mean = res.mean_tenths.map_or(Cell::Text(String::new()), |m| {
            Cell::Number(f64::from(m) / 10.0)
        });
        match q.kind {
            QuestionKind::SingleChoice | QuestionKind::Scale => {
                for (k, n) in res.counts.iter().enumerate() {
                    let option = if q.kind == QuestionKind::Scale {
                        format!("{} 分", k + 1)
                    } else {
                        q.options.get(k).cloned().unwrap_or_default()
                    };
                    sheet.rows.push(vec![
                        no.clone(),
                        q.prompt.clone().into(),
                        option.into(),
                        (*n).into(),
                        if k == 0 {
                            mean.clone()
                        } else {
                            Cell::Text(String::new())
                        },
                    ]);
                }
            }
            _ => {
                for t in &res.texts {
                    sheet.rows.push(vec![
                        no.clone(),
                        q.prompt.clone().into(),
                        t.clone().into(),
                        Cell::Text(String::new()),
                        Cell::Text(String::new()),
                    ]);
                }
            }
        }
    }
    let term = term_name(ctx, r.view.survey.term_id).await?;
    let mut head = heading(school_name(ctx).await?, PaperKind::SurveyResults, term);
    head.title = format!("{}：{}", head.title, r.view.survey.title);
    xlsx::workbook(&head, &[sheet]).map_err(|e| ApiError::invalid("file", e))
}

/// Home–school contact logs as on the communication page: per student and
/// teacher, counts by channel and relation; never the text of a record.
pub async fn contacts(ctx: &Ctx, class_id: Option<Uuid>, p: &Progress) -> ApiResult<Vec<u8>> {
    use shared::activity::Channel;
    let rows = crate::mentoring::contacts::home_school_contacts(ctx, class_id).await?;
    let mut students = Sheet::new(
        "按学生",
        &[
            "学生",
            "联系次数",
            "面对面占比(%)",
            "面对面",
            "上门家访",
            "电话",
            "线上",
            "最近联系",
        ],
    );
    let mut lines = Sheet::new("按教师", &["学生", "教师", "身份", "对象", "次数"]);
    let total = rows.len();
    for (i, s) in rows.iter().enumerate() {
        let by = |c: Channel| {
            s.channels
                .iter()
                .find(|x| x.channel == c)
                .map_or(0.0, |x| x.count as f64)
        };
        students.rows.push(vec![
            s.student_name.clone().into(),
            Cell::Number(s.total as f64),
            s.face_to_face_share.map_or(Cell::Text("—".into()), |f| {
                Cell::Number((f * 1000.0).round() / 10.0)
            }),
            Cell::Number(by(Channel::FaceToFace)),
            Cell::Number(by(Channel::Home)),
            Cell::Number(by(Channel::Phone)),
            Cell::Number(by(Channel::Online)),
            s.last_contact_at
                .map(|d| crate::clock::local_day(d).to_string())
                .unwrap_or_default()
                .into(),
        ]);
        for l in &s.lines {
            lines.rows.push(vec![
                s.student_name.clone().into(),
                l.staff_name.clone().into(),
                l.relation.clone().into(),
                l.whom.clone().into(),
                Cell::Number(l.count as f64),
            ]);
        }
        if i % 200 == 0 {
            p.step(i, total).await;
        }
    }
    let term = tasks::resolve_term(ctx, ctx.school_id()?, None, crate::clock::today())
        .await
        .map(|t| t.name)
        .unwrap_or_default();
    let head = heading(school_name(ctx).await?, PaperKind::ContactLog, term);
    xlsx::workbook(&head, &[students, lines]).map_err(|e| ApiError::invalid("file", e))
}

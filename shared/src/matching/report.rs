//! The user-facing result of a run: assignments with a one-line Chinese
//! explanation a parent would understand, the unplaced students with the
//! reason, and summary statistics.
//!
//! Every "rank" here is a position in the student's own preference list
//! (志愿); nothing here ranks students by scores.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::engine::{Outcome, UnplacedReason};
use super::problem::Problem;
use super::{Method, Stage};

/// The result of a run, as `daoshi match` writes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchOutput {
    /// One entry per placed student, in student order.
    pub assignments: Vec<AssignmentOut>,
    /// The students left without a mentor and why.
    pub unplaced: Vec<UnplacedOut>,
    /// Summary statistics.
    pub stats: Stats,
}

/// A student placed with a mentor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignmentOut {
    /// The student's id.
    pub student: String,
    /// The mentor's id.
    pub mentor: String,
    /// The stage that placed the student.
    pub stage: Stage,
    /// The mentor's position in the student's own list (1 = first choice).
    pub rank: Option<u32>,
    /// One line in Chinese, e.g. "第2志愿；第1志愿导师名额已满".
    pub why: String,
}

/// A student without a mentor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnplacedOut {
    /// The student's id.
    pub student: String,
    /// The student's grade.
    pub grade: u8,
    /// The machine-readable reason.
    pub reason: UnplacedReason,
    /// Why, in Chinese, e.g. "7年级还缺3个导师名额".
    pub why: String,
    /// Why, in English, e.g. "grade 7 needs 3 more mentor places".
    pub why_en: String,
}

/// Places missing in one grade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shortage {
    /// The grade.
    pub grade: u8,
    /// How many more mentor places it needs so everyone is placed.
    pub missing: u32,
}

/// Load of one mentor (for the load chart).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MentorLoad {
    /// The mentor's id.
    pub mentor: String,
    /// Students placed with them.
    pub load: u32,
    /// Their capacity.
    pub capacity: u32,
}

/// Load per mentor over the mentors who may take students.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct LoadStats {
    /// Smallest load.
    pub min: u32,
    /// Median load.
    pub median: f64,
    /// Largest load.
    pub max: u32,
    /// Mean load.
    pub mean: f64,
}

/// Summary statistics of a run. Shares are over the students who listed at
/// least one choice (0 when nobody did).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    /// The method run.
    pub method: Method,
    /// The seed used (reproduces every random choice).
    pub seed: u64,
    /// Number of students.
    pub students: usize,
    /// Number of mentors.
    pub mentors: usize,
    /// Total places of the mentors who may take students.
    pub capacity: u64,
    /// Students placed.
    pub placed: usize,
    /// Students unplaced.
    pub unplaced: usize,
    /// Students who listed at least one choice.
    pub students_with_choices: usize,
    /// Placed with their first choice.
    pub first_choice: usize,
    /// Placed with one of their first three choices.
    pub top3: usize,
    /// Placed with any listed choice.
    pub any_choice: usize,
    /// `first_choice / students_with_choices`.
    pub first_choice_share: f64,
    /// `top3 / students_with_choices`.
    pub top3_share: f64,
    /// `any_choice / students_with_choices`.
    pub any_choice_share: f64,
    /// Placed by continuity.
    pub placed_by_continuity: usize,
    /// Placed by the preference stage.
    pub placed_by_preference: usize,
    /// Placed by the club stage.
    pub placed_by_club: usize,
    /// Placed by the blind-box draw.
    pub placed_by_lottery: usize,
    /// Placed by the fill.
    pub placed_by_fill: usize,
    /// Choice placements the fill had to move so someone else could be placed.
    pub moved_by_fill: usize,
    /// Keep pairs that could not be honoured.
    pub keep_skipped: usize,
    /// `rank_histogram[k]` = students placed with their choice `k + 1`.
    pub rank_histogram: Vec<usize>,
    /// Load per mentor (min / median / max / mean).
    pub load: LoadStats,
    /// Grades short of places.
    pub shortages: Vec<Shortage>,
    /// Qualified mentors with places whom no student listed (for training
    /// or a word from the school).
    pub mentors_not_chosen: Vec<String>,
    /// Mentors not yet qualified (暂时不适合做导师): training first.
    pub mentors_in_training: Vec<String>,
    /// Load of every mentor, in input order.
    pub mentor_loads: Vec<MentorLoad>,
}

fn join_ranks(out: &mut String, ranks: &[u32]) {
    for (i, r) in ranks.iter().enumerate() {
        if i > 0 {
            out.push('、');
        }
        let _ = write!(out, "{r}");
    }
}

/// The one-line explanation for a manual change by the school admin.
pub fn explain_manual(reason: &str) -> String {
    format!("学校人工调整：{reason}")
}

/// The one-line Chinese explanation of student `s`'s placement, or `None`
/// when the student is unplaced.
pub fn explain(p: &Problem, o: &Outcome, s: usize) -> Option<String> {
    let moved_from = o
        .moved
        .iter()
        .find(|mv| mv.student as usize == s)
        .map(|mv| mv.from);
    explain_with(p, o, s, moved_from)
}

fn explain_with(p: &Problem, o: &Outcome, s: usize, moved_from: Option<u32>) -> Option<String> {
    let m = o.mentor_of[s]? as usize;
    let stage = o.stage[s]?;
    let rank = o.rank(p, s);
    let mut why = String::with_capacity(64);
    match stage {
        Stage::Continuity => why.push_str("延续原来的结对：学生和导师都希望继续"),
        Stage::Manual => why.push_str("学校人工调整"),
        Stage::Preference => {
            let k = rank.unwrap_or(0);
            let _ = write!(why, "第{k}志愿");
            if k == 1 {
                why.push_str("，如愿匹配");
            } else {
                explain_earlier(p, s, k, &mut why);
            }
        }
        Stage::Club => {
            let club = p
                .sclubs
                .row(s)
                .iter()
                .find(|&&c| p.club_mentors.row(c as usize).contains(&(m as u32)));
            match club {
                Some(&c) => {
                    let _ = write!(
                        why,
                        "通过社团「{}」匹配到社团指导老师",
                        p.club_ids[c as usize]
                    );
                }
                None => why.push_str("通过社团匹配到社团指导老师"),
            }
            if let Some(k) = rank {
                let _ = write!(why, "，也是第{k}志愿");
            }
        }
        Stage::Lottery => {
            let _ = write!(why, "导师盲盒随机抽取（随机种子{}，可复核）", o.seed);
        }
        Stage::Fill => {
            if let Some(from) = moved_from {
                match o_rank_of(p, s, from) {
                    Some(k) => {
                        let _ = write!(why, "原为第{k}志愿导师，");
                    }
                    None => why.push_str("原导师"),
                }
                why.push_str("为让没有其他可选导师的同学也有导师，学校统筹调整");
            } else if let Some(k) = rank {
                let _ = write!(why, "第{k}志愿；学校统筹安排时该导师尚有名额");
                return Some(why);
            } else if p.prefs(s).is_empty() {
                match o.method {
                    Method::Club if !p.sclubs.row(s).is_empty() => {
                        why.push_str("所在社团的导师名额已满，未填报志愿，学校统筹安排")
                    }
                    _ => why.push_str("未填报志愿，学校统筹安排"),
                }
            } else {
                why.push_str("所填志愿导师名额均已满，学校统筹安排");
            }
            if p.teaches_class_of(m, s) {
                why.push_str("本班任课老师");
            } else if p.grade_mask[m] != u64::MAX {
                why.push_str("本年级任课老师");
            } else {
                why.push_str("任课老师");
            }
        }
    }
    Some(why)
}

fn o_rank_of(p: &Problem, s: usize, m: u32) -> Option<u32> {
    p.prefs(s)
        .iter()
        .position(|&x| x == m)
        .map(|i| i as u32 + 1)
}

/// Why the choices before `k` did not work: full, or not eligible.
fn explain_earlier(p: &Problem, s: usize, k: u32, why: &mut String) {
    let mut full = [0u32; 16];
    let mut nfull = 0;
    let mut full_more = Vec::new();
    let mut other = String::new();
    for (i, &m) in p
        .prefs(s)
        .iter()
        .take(k.saturating_sub(1) as usize)
        .enumerate()
    {
        let r = i as u32 + 1;
        let m = m as usize;
        if p.eligible(s, m) {
            if nfull < full.len() {
                full[nfull] = r;
                nfull += 1;
            } else {
                full_more.push(r);
            }
            continue;
        }
        other.push('，');
        let _ = write!(other, "第{r}志愿导师");
        if p.excluded(s, m) {
            other.push_str("已被排除");
        } else if !p.qualified[m] {
            other.push_str("暂不担任导师");
        } else if p.cap[m] == 0 {
            other.push_str("本轮没有名额");
        } else {
            other.push_str("不带本年级");
        }
    }
    if nfull > 0 {
        why.push_str("；第");
        join_ranks(why, &full[..nfull]);
        if !full_more.is_empty() {
            why.push('、');
            join_ranks(why, &full_more);
        }
        why.push_str("志愿导师名额已满");
        why.push_str(&other);
    } else if let Some(rest) = other.strip_prefix('，') {
        why.push('；');
        why.push_str(rest);
    }
}

/// Builds the user-facing result: assignments with explanations, the
/// unplaced students with reasons, and statistics.
pub fn build(p: &Problem, o: &Outcome) -> MatchOutput {
    let n = p.n_students();
    let mut assignments = Vec::with_capacity(n);
    let mut stats = Stats {
        method: o.method,
        seed: o.seed,
        students: n,
        mentors: p.n_mentors(),
        capacity: 0,
        placed: 0,
        unplaced: o.unplaced.len(),
        students_with_choices: 0,
        first_choice: 0,
        top3: 0,
        any_choice: 0,
        first_choice_share: 0.0,
        top3_share: 0.0,
        any_choice_share: 0.0,
        placed_by_continuity: 0,
        placed_by_preference: 0,
        placed_by_club: 0,
        placed_by_lottery: 0,
        placed_by_fill: 0,
        moved_by_fill: o.moved.len(),
        keep_skipped: o.keep_skipped.len(),
        rank_histogram: Vec::new(),
        load: LoadStats::default(),
        shortages: Vec::new(),
        mentors_not_chosen: Vec::new(),
        mentors_in_training: Vec::new(),
        mentor_loads: Vec::with_capacity(p.n_mentors()),
    };
    let moved: std::collections::HashMap<u32, u32> =
        o.moved.iter().map(|mv| (mv.student, mv.from)).collect();
    for s in 0..n {
        if !p.prefs(s).is_empty() {
            stats.students_with_choices += 1;
        }
        let (Some(m), Some(stage)) = (o.mentor_of[s], o.stage[s]) else {
            continue;
        };
        stats.placed += 1;
        match stage {
            Stage::Continuity => stats.placed_by_continuity += 1,
            Stage::Preference => stats.placed_by_preference += 1,
            Stage::Club => stats.placed_by_club += 1,
            Stage::Lottery => stats.placed_by_lottery += 1,
            Stage::Fill => stats.placed_by_fill += 1,
            Stage::Manual => {}
        }
        let rank = o.rank(p, s);
        if let Some(k) = rank {
            stats.any_choice += 1;
            if k == 1 {
                stats.first_choice += 1;
            }
            if k <= 3 {
                stats.top3 += 1;
            }
            let k = k as usize;
            if stats.rank_histogram.len() < k {
                stats.rank_histogram.resize(k, 0);
            }
            stats.rank_histogram[k - 1] += 1;
        }
        assignments.push(AssignmentOut {
            student: p.student_ids[s].clone(),
            mentor: p.mentor_ids[m as usize].clone(),
            stage,
            rank,
            why: explain_with(p, o, s, moved.get(&(s as u32)).copied())
                .expect("placed student has an explanation"),
        });
    }
    if stats.students_with_choices > 0 {
        let d = stats.students_with_choices as f64;
        stats.first_choice_share = stats.first_choice as f64 / d;
        stats.top3_share = stats.top3 as f64 / d;
        stats.any_choice_share = stats.any_choice as f64 / d;
    }

    // Shortages per grade, then the unplaced list.
    let mut missing = [0u32; 64];
    for &(_, r) in &o.unplaced {
        if let UnplacedReason::Shortage { grade } = r {
            missing[grade as usize] += 1;
        }
    }
    stats.shortages = (0..64u8)
        .filter(|&g| missing[g as usize] > 0)
        .map(|g| Shortage {
            grade: g,
            missing: missing[g as usize],
        })
        .collect();
    let unplaced = o
        .unplaced
        .iter()
        .map(|&(s, reason)| {
            let (why, why_en) = match reason {
                UnplacedReason::Shortage { grade } => {
                    let k = missing[grade as usize];
                    (
                        format!("{grade}年级还缺{k}个导师名额"),
                        format!("grade {grade} needs {k} more mentor places"),
                    )
                }
                UnplacedReason::NoEligibleMentor {
                    grade,
                    excluded_all: false,
                } => (
                    format!("{grade}年级没有可带学生的导师（需要有名额的合格任课老师）"),
                    format!("grade {grade} has no qualified mentor with places"),
                ),
                UnplacedReason::NoEligibleMentor {
                    grade,
                    excluded_all: true,
                } => (
                    format!("已排除{grade}年级全部可选导师，无法安排"),
                    format!("the student excluded every eligible mentor of grade {grade}"),
                ),
            };
            let s = s as usize;
            UnplacedOut {
                student: p.student_ids[s].clone(),
                grade: p.s_grade[s],
                reason,
                why,
                why_en,
            }
        })
        .collect();

    // Mentors: loads, the not-chosen and those in training.
    let mut chosen = vec![false; p.n_mentors()];
    for &m in &p.pref.items {
        chosen[m as usize] = true;
    }
    let mut loads = Vec::new();
    for (m, &was_chosen) in chosen.iter().enumerate() {
        let (load, cap) = (o.load[m], p.cap[m]);
        stats.mentor_loads.push(MentorLoad {
            mentor: p.mentor_ids[m].clone(),
            load,
            capacity: cap,
        });
        if !p.qualified[m] {
            stats.mentors_in_training.push(p.mentor_ids[m].clone());
        } else if cap > 0 {
            stats.capacity += cap as u64;
            loads.push(load);
            if !was_chosen {
                stats.mentors_not_chosen.push(p.mentor_ids[m].clone());
            }
        }
    }
    if !loads.is_empty() {
        loads.sort_unstable();
        let k = loads.len();
        stats.load = LoadStats {
            min: loads[0],
            max: loads[k - 1],
            median: if k % 2 == 1 {
                loads[k / 2] as f64
            } else {
                (loads[k / 2 - 1] as f64 + loads[k / 2] as f64) / 2.0
            },
            mean: loads.iter().map(|&l| l as f64).sum::<f64>() / k as f64,
        };
    }
    MatchOutput {
        assignments,
        unplaced,
        stats,
    }
}

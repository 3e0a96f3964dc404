//! Rating every mentor of a school for a term from recorded facts.

use serde::{Deserialize, Serialize};

use super::{AssessmentScheme, Indicator, Rating, excellent_cap};

/// Answers of one group of reviewers on a 1–5 scale.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewTally {
    /// How many people answered (the minimum of views counts these: one
    /// person answering several questions is still one voice).
    #[serde(default)]
    pub respondents: u32,
    /// How many answers.
    pub count: u32,
    /// Sum of the answers (each 1–5), so `count ≤ sum ≤ 5·count`.
    pub sum: u32,
}

impl ViewTally {
    /// The mean mapped to ‰ (1 → 0, 5 → 1000), if there are answers.
    pub fn per_mille(self) -> Option<u32> {
        if self.count == 0 {
            return None;
        }
        let sum = self.sum.clamp(self.count, self.count.saturating_mul(5));
        Some(((u64::from(sum - self.count) * 1000) / (4 * u64::from(self.count))) as u32)
    }
}

/// What was recorded of one mentor in the term.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MentorFacts {
    /// The mentor (staff id).
    pub mentor_id: String,
    /// Task requirements that fell due for the mentor (from the task engine).
    pub tasks_due: u32,
    /// Of those, how many were met.
    pub tasks_met: u32,
    /// A few of the unmet requirements, for the explanation (e.g. "家访 ×2").
    #[serde(default)]
    pub task_gaps: Vec<String>,
    /// Activities the mentor logged in the term.
    pub activities: u32,
    /// Students the mentor held in the term.
    pub students: u32,
    /// Growth messages the mentor wrote in the term.
    pub growth_messages: u32,
    /// Students' answers about this mentor.
    #[serde(default)]
    pub student_view: ViewTally,
    /// Parents' answers about this mentor.
    #[serde(default)]
    pub parent_view: ViewTally,
    /// Head teachers' views.
    #[serde(default)]
    pub head_teacher_view: ViewTally,
    /// Grade leaders' views.
    #[serde(default)]
    pub grade_leader_view: ViewTally,
}

impl MentorFacts {
    /// Every task that fell due was met (尽职; vacuously so when none fell due).
    pub fn duty_done(&self) -> bool {
        self.tasks_met >= self.tasks_due
    }

    fn view(&self, i: Indicator) -> ViewTally {
        match i {
            Indicator::StudentView => self.student_view,
            Indicator::ParentView => self.parent_view,
            Indicator::HeadTeacherView => self.head_teacher_view,
            Indicator::GradeLeaderView => self.grade_leader_view,
            _ => ViewTally::default(),
        }
    }
}

/// One indicator of one mentor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndicatorValue {
    /// The indicator.
    pub indicator: Indicator,
    /// Its value in ‰, or `None` when there is nothing to go on (its weight
    /// then goes to the others).
    pub value: Option<u32>,
    /// Its weight in the scheme (points out of 100).
    pub weight: u32,
    /// Where the value comes from, in Chinese.
    pub explanation: String,
}

/// One mentor's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssessmentOutcome {
    /// The mentor.
    pub mentor_id: String,
    /// Each weighted indicator.
    pub indicators: Vec<IndicatorValue>,
    /// Weighted total in ‰ over the indicators with a value.
    pub score: u32,
    /// The computed rating.
    pub rating: Rating,
    /// Why this rating, in Chinese.
    pub reason: String,
}

fn ratio(n: u32, d: u32) -> u32 {
    if d == 0 {
        return 0;
    }
    ((u64::from(n.min(d)) * 1000) / u64::from(d)) as u32
}

fn pct(pm: u32) -> String {
    format!("{}.{}%", pm / 10, pm % 10)
}

fn indicator_value(s: &AssessmentScheme, f: &MentorFacts, i: Indicator) -> (Option<u32>, String) {
    match i {
        Indicator::TaskCompletion => {
            if f.tasks_due == 0 {
                return (None, "本学期没有到期的任务".into());
            }
            let v = ratio(f.tasks_met, f.tasks_due);
            let mut e = format!(
                "到期任务{}项,完成{}项",
                f.tasks_due,
                f.tasks_met.min(f.tasks_due)
            );
            if !f.task_gaps.is_empty() {
                e.push_str(&format!(";未完成:{}", f.task_gaps.join("、")));
            }
            (Some(v), e)
        }
        Indicator::Activities => (
            Some(ratio(f.activities, s.activities_target)),
            format!("记录活动{}次(目标{}次)", f.activities, s.activities_target),
        ),
        Indicator::GrowthMessages => {
            if f.students == 0 {
                return (None, "本学期没有结对学生".into());
            }
            let target = f.students.saturating_mul(s.growth_messages_per_student);
            (
                Some(ratio(f.growth_messages, target)),
                format!(
                    "成长寄语{}条(结对学生{}名,目标{}条)",
                    f.growth_messages, f.students, target
                ),
            )
        }
        view => {
            let t = f.view(view);
            // Survey answers need enough people (a small group could point
            // to a respondent); a reviewer's view is given by name.
            if view.is_survey() && t.respondents < s.min_views {
                return (
                    None,
                    format!("评价人数不足{}人,不计入(权重分给其他指标)", s.min_views),
                );
            }
            if t.count == 0 {
                return (None, "尚无评价,不计入(权重分给其他指标)".into());
            }
            let v = t.per_mille();
            let mean10 = (u64::from(t.sum) * 10) / u64::from(t.count.max(1));
            (
                v,
                format!(
                    "{}人{}份评价,平均{}.{}分(满分5分)",
                    t.respondents,
                    t.count,
                    mean10 / 10,
                    mean10 % 10
                ),
            )
        }
    }
}

fn outcome(s: &AssessmentScheme, f: &MentorFacts) -> AssessmentOutcome {
    let mut indicators = Vec::new();
    let (mut num, mut den) = (0u64, 0u64);
    for w in &s.weights {
        let (value, explanation) = indicator_value(s, f, w.indicator);
        if let Some(v) = value {
            num += u64::from(v) * u64::from(w.weight);
            den += u64::from(w.weight);
        }
        indicators.push(IndicatorValue {
            indicator: w.indicator,
            value,
            weight: w.weight,
            explanation,
        });
    }
    let score = num.checked_div(den).unwrap_or(0) as u32;
    let tasks = ratio(f.tasks_met, f.tasks_due);
    let (rating, reason) = if f.duty_done() {
        (
            Rating::Qualified,
            format!("到期任务全部完成(尽职免责),总分{}", pct(score)),
        )
    } else if tasks < s.needs_improvement_task_completion_below {
        (
            Rating::NeedsImprovement,
            format!(
                "任务完成率{}低于{}",
                pct(tasks),
                pct(s.needs_improvement_task_completion_below)
            ),
        )
    } else if score < s.needs_improvement_below_score {
        (
            Rating::NeedsImprovement,
            format!(
                "总分{}低于{}且有任务未完成",
                pct(score),
                pct(s.needs_improvement_below_score)
            ),
        )
    } else {
        (Rating::Qualified, format!("总分{}", pct(score)))
    };
    AssessmentOutcome {
        mentor_id: f.mentor_id.clone(),
        indicators,
        score,
        rating,
        reason,
    }
}

/// Rates every mentor. The result is in the order of `facts` and does not
/// depend on that order: 优秀 goes to the highest scores at or above the
/// scheme's cut-off, never to more than [`excellent_cap`] mentors; when mentors
/// tied on the same score would together exceed the quota, none of the tied
/// group is rated 优秀 (the admin may adjust, within the quota).
pub fn rate(s: &AssessmentScheme, facts: &[MentorFacts]) -> Vec<AssessmentOutcome> {
    let mut out: Vec<AssessmentOutcome> = facts.iter().map(|f| outcome(s, f)).collect();
    let cap = excellent_cap(out.len(), s.excellent_quota_percent);
    let mut candidates: Vec<usize> = (0..out.len())
        .filter(|&i| {
            out[i].rating != Rating::NeedsImprovement && out[i].score >= s.excellent_min_score
        })
        .collect();
    candidates.sort_by(|&a, &b| out[b].score.cmp(&out[a].score));
    let mut taken = 0usize;
    let mut k = 0usize;
    while k < candidates.len() {
        let score = out[candidates[k]].score;
        let group: Vec<usize> = candidates[k..]
            .iter()
            .copied()
            .take_while(|&i| out[i].score == score)
            .collect();
        k += group.len();
        if taken + group.len() > cap {
            for &i in candidates[k - group.len()..].iter() {
                out[i].reason =
                    format!("{};达到优秀分数线,但优秀名额({}名)已满", out[i].reason, cap);
            }
            break;
        }
        for &i in &group {
            out[i].rating = Rating::Excellent;
            out[i].reason = format!(
                "总分{}不低于优秀分数线{},在优秀名额({}名)内",
                pct(out[i].score),
                pct(s.excellent_min_score),
                cap
            );
        }
        taken += group.len();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn facts(id: &str, due: u32, met: u32, view: u32) -> MentorFacts {
        MentorFacts {
            mentor_id: id.into(),
            tasks_due: due,
            tasks_met: met,
            task_gaps: vec![],
            activities: 6,
            students: 10,
            growth_messages: 10,
            student_view: ViewTally {
                respondents: 5,
                count: 5,
                sum: view * 5,
            },
            parent_view: ViewTally {
                respondents: 5,
                count: 5,
                sum: view * 5,
            },
            head_teacher_view: ViewTally::default(),
            grade_leader_view: ViewTally::default(),
        }
    }

    #[test]
    fn top_mentors_are_excellent_within_the_quota() {
        let s = AssessmentScheme::standard();
        let mut f: Vec<MentorFacts> = (0..10)
            .map(|i| facts(&format!("m{i}"), 10, 10, 3))
            .collect();
        f[3] = facts("m3", 10, 10, 5);
        f[7] = facts("m7", 10, 10, 5);
        f[8] = facts("m8", 10, 2, 1);
        let r = rate(&s, &f);
        assert_eq!(r[3].rating, Rating::Excellent);
        assert_eq!(r[7].rating, Rating::Excellent);
        assert_eq!(r[8].rating, Rating::NeedsImprovement);
        assert!(r[8].reason.contains("任务完成率"));
        assert_eq!(r[0].rating, Rating::Qualified);
        let tasks = &r[0].indicators[0];
        assert_eq!(tasks.value, Some(1000));
        assert!(tasks.explanation.contains("完成10项"));
        // Head-teacher views are missing: left out, explained.
        assert!(r[0].indicators[5].value.is_none());
    }

    #[test]
    fn ties_over_the_quota_leave_the_group_out() {
        let s = AssessmentScheme::standard();
        let f: Vec<MentorFacts> = (0..5).map(|i| facts(&format!("m{i}"), 10, 10, 5)).collect();
        let r = rate(&s, &f);
        assert!(r.iter().all(|o| o.rating == Rating::Qualified));
        assert!(r[0].reason.contains("名额"));
    }

    #[test]
    fn tallies_map_to_per_mille() {
        assert_eq!(
            ViewTally {
                respondents: 2,
                count: 2,
                sum: 10
            }
            .per_mille(),
            Some(1000)
        );
        assert_eq!(
            ViewTally {
                respondents: 1,
                count: 2,
                sum: 2
            }
            .per_mille(),
            Some(0)
        );
        assert_eq!(
            ViewTally {
                respondents: 4,
                count: 4,
                sum: 12
            }
            .per_mille(),
            Some(500)
        );
        assert_eq!(ViewTally::default().per_mille(), None);
    }

    #[test]
    fn the_minimum_counts_people_not_answers() {
        let s = AssessmentScheme::standard();
        let mut f = facts("m0", 10, 10, 5);
        // One parent answering many questions about the mentor.
        f.parent_view = ViewTally {
            respondents: s.min_views - 1,
            count: 40,
            sum: 200,
        };
        let r = rate(&s, &[f.clone()]);
        let pv = r[0]
            .indicators
            .iter()
            .find(|i| i.indicator == Indicator::ParentView)
            .expect("parent view");
        assert_eq!(pv.value, None);
        assert!(pv.explanation.contains("人数不足"), "{}", pv.explanation);
        f.parent_view.respondents = s.min_views;
        let r = rate(&s, &[f]);
        let pv = r[0]
            .indicators
            .iter()
            .find(|i| i.indicator == Indicator::ParentView)
            .expect("parent view");
        assert_eq!(pv.value, Some(1000));
        assert!(pv.explanation.contains("3人40份"), "{}", pv.explanation);
    }

    fn arb_facts() -> impl Strategy<Value = MentorFacts> {
        (
            0u32..20,
            0u32..25,
            0u32..15,
            0u32..30,
            0u32..40,
            (0u32..10, 0u32..10, 0u32..10, 0u32..10),
            (1u32..=5, 1u32..=5, 1u32..=5, 1u32..=5),
        )
            .prop_map(
                |(due, met, acts, students, msgs, counts, means)| MentorFacts {
                    mentor_id: String::new(),
                    tasks_due: due,
                    tasks_met: met.min(due),
                    task_gaps: vec![],
                    activities: acts,
                    students,
                    growth_messages: msgs,
                    student_view: ViewTally {
                        respondents: counts.0.div_ceil(2),
                        count: counts.0,
                        sum: counts.0 * means.0,
                    },
                    parent_view: ViewTally {
                        respondents: counts.1.div_ceil(2),
                        count: counts.1,
                        sum: counts.1 * means.1,
                    },
                    head_teacher_view: ViewTally {
                        respondents: counts.2.div_ceil(2),
                        count: counts.2,
                        sum: counts.2 * means.2,
                    },
                    grade_leader_view: ViewTally {
                        respondents: counts.3.div_ceil(2),
                        count: counts.3,
                        sum: counts.3 * means.3,
                    },
                },
            )
    }

    fn arb_scheme() -> impl Strategy<Value = AssessmentScheme> {
        (1u32..=50, 0u32..=1000, 0u32..=1000, 0u32..=1000).prop_map(|(q, ex, ni, nt)| {
            AssessmentScheme {
                excellent_quota_percent: q,
                excellent_min_score: ex,
                needs_improvement_below_score: ni,
                needs_improvement_task_completion_below: nt,
                ..AssessmentScheme::standard()
            }
        })
    }

    fn arb_school() -> impl Strategy<Value = Vec<MentorFacts>> {
        prop::collection::vec(arb_facts(), 0..40).prop_map(|mut v| {
            for (i, f) in v.iter_mut().enumerate() {
                f.mentor_id = format!("m{i:03}");
            }
            v
        })
    }

    proptest! {
        #[test]
        fn the_quota_is_never_exceeded(s in arb_scheme(), f in arb_school()) {
            let r = rate(&s, &f);
            let excellent = r.iter().filter(|o| o.rating == Rating::Excellent).count();
            prop_assert!(excellent <= excellent_cap(f.len(), s.excellent_quota_percent));
            for o in &r {
                if o.rating == Rating::Excellent {
                    prop_assert!(o.score >= s.excellent_min_score);
                }
            }
        }

        #[test]
        fn duty_done_is_never_needs_improvement(s in arb_scheme(), f in arb_school()) {
            let r = rate(&s, &f);
            for (o, f) in r.iter().zip(&f) {
                if f.tasks_met == f.tasks_due {
                    prop_assert_ne!(o.rating, Rating::NeedsImprovement);
                }
            }
        }

        #[test]
        fn same_inputs_same_result_in_any_order(s in arb_scheme(), f in arb_school(), seed in any::<u64>()) {
            let a = rate(&s, &f);
            prop_assert_eq!(&a, &rate(&s, &f));
            let mut g = f.clone();
            // A deterministic shuffle from the seed.
            let n = g.len();
            for i in (1..n).rev() {
                let j = (seed.wrapping_mul(6364136223846793005).wrapping_add(i as u64) % (i as u64 + 1)) as usize;
                g.swap(i, j);
            }
            let b = rate(&s, &g);
            for o in &b {
                let same = a.iter().find(|x| x.mentor_id == o.mentor_id).expect("same mentors");
                prop_assert_eq!(same, o);
            }
        }

        #[test]
        fn views_of_too_few_people_never_count(s in arb_scheme(), f in arb_school()) {
            for (o, f) in rate(&s, &f).iter().zip(&f) {
                for i in &o.indicators {
                    if i.indicator.is_survey() && f.view(i.indicator).respondents < s.min_views {
                        prop_assert_eq!(i.value, None);
                    }
                }
            }
        }

        #[test]
        fn scores_stay_in_range(s in arb_scheme(), f in arb_school()) {
            for o in rate(&s, &f) {
                prop_assert!(o.score <= 1000);
            }
        }
    }
}

//! Surveys of parents and students (问卷): the questionnaire as data with
//! bounded sizes, the check of one response against it, and the aggregate
//! the school admin sees (small groups suppressed, free text only where it
//! cannot point to a person). Pure; the browser uses the same checks.

use serde::{Deserialize, Serialize};

use crate::mentor_assessment::ViewTally;
use crate::validation::Violation;

/// Most questions in a survey.
pub const MAX_QUESTIONS: usize = 20;
/// Most characters in a title.
pub const MAX_TITLE_CHARS: usize = 60;
/// Most characters in a question's prompt.
pub const MAX_PROMPT_CHARS: usize = 200;
/// Options of a single-choice question: at least, at most.
pub const OPTIONS: (usize, usize) = (2, 10);
/// Most characters in an option.
pub const MAX_OPTION_CHARS: usize = 40;
/// Most characters in a text answer.
pub const MAX_TEXT_CHARS: usize = 500;
/// Fewer responses than this and the results are not shown at all (a small
/// group's answers could identify a respondent).
pub const MIN_GROUP: usize = 5;

/// Who answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[cfg_attr(feature = "graphql", graphql(name = "SurveyAudience"))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Audience {
    /// 家长.
    Parents,
    /// 学生.
    Students,
}

impl Audience {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Audience::Parents => "PARENTS",
            Audience::Students => "STUDENTS",
        }
    }

    /// Parses a code.
    pub fn from_code(s: &str) -> Option<Audience> {
        [Audience::Parents, Audience::Students]
            .into_iter()
            .find(|a| a.code() == s)
    }
}

/// The kind of a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[cfg_attr(feature = "graphql", graphql(name = "SurveyQuestionKind"))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum QuestionKind {
    /// 单选.
    SingleChoice,
    /// 1–5 分.
    Scale,
    /// 简答.
    Text,
}

/// One question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    /// Its kind.
    pub kind: QuestionKind,
    /// What is asked.
    pub prompt: String,
    /// The choices (single choice only).
    #[serde(default)]
    pub options: Vec<String>,
    /// A 1–5 question about the respondent's (child's) mentor: its answers
    /// feed the mentor's assessment (家长评价 / 学生评价).
    #[serde(default)]
    pub about_mentor: bool,
}

/// One answer, in question order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Answer {
    /// The index of the option chosen.
    Choice(u32),
    /// 1–5.
    Scale(u8),
    /// Free text.
    Text(String),
    /// Not answered.
    Skipped,
}

fn chars(s: &str) -> usize {
    s.trim().chars().count()
}

/// Every problem with a questionnaire (title and questions).
pub fn validate_survey(title: &str, questions: &[Question]) -> Vec<Violation> {
    let mut out = Vec::new();
    let mut push = |path: String, zh: String, en: &str| {
        out.push(Violation::new(path, zh, en.into()));
    };
    if !(1..=MAX_TITLE_CHARS).contains(&chars(title)) {
        push(
            "title".into(),
            format!("标题须为1–{MAX_TITLE_CHARS}字"),
            "Title: 1–60 characters",
        );
    }
    if questions.is_empty() || questions.len() > MAX_QUESTIONS {
        push(
            "questions".into(),
            format!("问卷须有1–{MAX_QUESTIONS}道题"),
            "A survey has 1–20 questions",
        );
    }
    for (i, q) in questions.iter().enumerate().take(MAX_QUESTIONS) {
        if !(1..=MAX_PROMPT_CHARS).contains(&chars(&q.prompt)) {
            push(
                format!("questions.{i}.prompt"),
                format!("第{}题题目须为1–{MAX_PROMPT_CHARS}字", i + 1),
                "Prompt: 1–200 characters",
            );
        }
        match q.kind {
            QuestionKind::SingleChoice => {
                if q.options.len() < OPTIONS.0 || q.options.len() > OPTIONS.1 {
                    push(
                        format!("questions.{i}.options"),
                        format!("第{}题须有2–10个选项", i + 1),
                        "A single-choice question has 2–10 options",
                    );
                }
                for (k, o) in q.options.iter().enumerate().take(OPTIONS.1) {
                    if !(1..=MAX_OPTION_CHARS).contains(&chars(o)) {
                        push(
                            format!("questions.{i}.options.{k}"),
                            format!("第{}题的选项须为1–{MAX_OPTION_CHARS}字", i + 1),
                            "Option: 1–40 characters",
                        );
                    }
                }
            }
            QuestionKind::Scale | QuestionKind::Text => {
                if !q.options.is_empty() {
                    push(
                        format!("questions.{i}.options"),
                        format!("第{}题不是单选题，不能设置选项", i + 1),
                        "Only single-choice questions have options",
                    );
                }
            }
        }
        if q.about_mentor && q.kind != QuestionKind::Scale {
            push(
                format!("questions.{i}.about_mentor"),
                format!("第{}题：只有1–5分题可以用于导师评价", i + 1),
                "Only 1–5 questions can rate the mentor",
            );
        }
    }
    out
}

/// Checks one response against the questions: one answer per question, of
/// the question's kind, within bounds.
pub fn validate_answers(questions: &[Question], answers: &[Answer]) -> Vec<Violation> {
    let mut out = Vec::new();
    if answers.len() != questions.len() {
        out.push(Violation::new(
            "answers".into(),
            format!("须回答全部{}道题（可跳过）", questions.len()),
            "One answer per question".into(),
        ));
        return out;
    }
    for (i, (q, a)) in questions.iter().zip(answers).enumerate() {
        let ok = match (q.kind, a) {
            (_, Answer::Skipped) => true,
            (QuestionKind::SingleChoice, Answer::Choice(c)) => (*c as usize) < q.options.len(),
            (QuestionKind::Scale, Answer::Scale(v)) => (1..=5).contains(v),
            (QuestionKind::Text, Answer::Text(t)) => t.chars().count() <= MAX_TEXT_CHARS,
            _ => false,
        };
        if !ok {
            out.push(Violation::new(
                format!("answers.{i}"),
                format!("第{}题的回答无效", i + 1),
                "Invalid answer".into(),
            ));
        }
    }
    out
}

/// One question's aggregate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionResult {
    /// How many answered (not skipped).
    pub answered: u32,
    /// Counts per option (single choice) or per score 1–5 (scale).
    pub counts: Vec<u32>,
    /// Scale mean ×10 (e.g. 43 for 4.3), when answered.
    pub mean_tenths: Option<u32>,
    /// Text answers, shuffled into a stable order (sorted), only when the
    /// group is large enough.
    pub texts: Vec<String>,
}

/// The aggregate of all responses: `None` when fewer than [`MIN_GROUP`]
/// responded (nothing shown, not even counts).
pub fn aggregate(questions: &[Question], responses: &[Vec<Answer>]) -> Option<Vec<QuestionResult>> {
    if responses.len() < MIN_GROUP {
        return None;
    }
    let mut out: Vec<QuestionResult> = questions
        .iter()
        .map(|q| QuestionResult {
            answered: 0,
            counts: match q.kind {
                QuestionKind::SingleChoice => vec![0; q.options.len()],
                QuestionKind::Scale => vec![0; 5],
                QuestionKind::Text => vec![],
            },
            mean_tenths: None,
            texts: vec![],
        })
        .collect();
    for r in responses {
        for (i, a) in r.iter().enumerate().take(out.len()) {
            let q = &mut out[i];
            match a {
                Answer::Choice(c) => {
                    if let Some(n) = q.counts.get_mut(*c as usize) {
                        *n += 1;
                        q.answered += 1;
                    }
                }
                Answer::Scale(v) if (1..=5).contains(v) => {
                    q.counts[usize::from(*v) - 1] += 1;
                    q.answered += 1;
                }
                Answer::Text(t) if !t.trim().is_empty() => {
                    q.texts.push(t.trim().to_string());
                    q.answered += 1;
                }
                _ => {}
            }
        }
    }
    for (q, r) in questions.iter().zip(out.iter_mut()) {
        if q.kind == QuestionKind::Scale && r.answered > 0 {
            let sum: u32 = r
                .counts
                .iter()
                .enumerate()
                .map(|(i, n)| (i as u32 + 1) * n)
                .sum();
            r.mean_tenths = Some(sum * 10 / r.answered);
        }
        // Sorted, so the order of the texts says nothing about who wrote them.
        r.texts.sort();
    }
    Some(out)
}

/// The 1–5 answers of a response to questions about the mentor, as a tally.
pub fn mentor_tally(questions: &[Question], answers: &[Answer]) -> ViewTally {
    let mut t = ViewTally::default();
    for (q, a) in questions.iter().zip(answers) {
        if let (true, Answer::Scale(v)) = (q.about_mentor, a)
            && (1..=5).contains(v)
        {
            t.count += 1;
            t.sum += u32::from(*v);
        }
    }
    t.respondents = u32::from(t.count > 0);
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn qs() -> Vec<Question> {
        vec![
            Question {
                kind: QuestionKind::SingleChoice,
                prompt: "孩子是否愿意与导师交流？".into(),
                options: vec!["愿意".into(), "一般".into(), "不愿意".into()],
                about_mentor: false,
            },
            Question {
                kind: QuestionKind::Scale,
                prompt: "您对导师的满意度".into(),
                options: vec![],
                about_mentor: true,
            },
            Question {
                kind: QuestionKind::Text,
                prompt: "建议".into(),
                options: vec![],
                about_mentor: false,
            },
        ]
    }

    #[test]
    fn a_good_survey_passes_and_bad_ones_are_explained() {
        assert!(validate_survey("家长问卷", &qs()).is_empty());
        let mut bad = qs();
        bad[0].options.truncate(1);
        bad[2].about_mentor = true;
        let v = validate_survey("", &bad);
        let paths: Vec<&str> = v.iter().map(|v| v.path.as_str()).collect();
        assert_eq!(
            paths,
            ["title", "questions.0.options", "questions.2.about_mentor"]
        );
        assert!(!validate_survey("x", &vec![qs()[1].clone(); 21]).is_empty());
    }

    #[test]
    fn answers_are_checked_against_the_questions() {
        let q = qs();
        let ok = vec![
            Answer::Choice(2),
            Answer::Scale(5),
            Answer::Text("很好".into()),
        ];
        assert!(validate_answers(&q, &ok).is_empty());
        let bad = vec![
            Answer::Choice(3),
            Answer::Scale(6),
            Answer::Text("长".repeat(501)),
        ];
        assert_eq!(validate_answers(&q, &bad).len(), 3);
        assert_eq!(validate_answers(&q, &ok[..2]).len(), 1);
        assert!(
            validate_answers(&q, &[Answer::Skipped, Answer::Skipped, Answer::Skipped]).is_empty()
        );
        assert_eq!(
            mentor_tally(&q, &ok),
            ViewTally {
                respondents: 1,
                count: 1,
                sum: 5
            }
        );
    }

    #[test]
    fn small_groups_are_suppressed() {
        let q = qs();
        let r = vec![
            Answer::Choice(0),
            Answer::Scale(4),
            Answer::Text("b".into()),
        ];
        assert!(aggregate(&q, &vec![r.clone(); MIN_GROUP - 1]).is_none());
        let mut all = vec![r; MIN_GROUP - 1];
        all.push(vec![
            Answer::Choice(1),
            Answer::Scale(5),
            Answer::Text("a".into()),
        ]);
        let a = aggregate(&q, &all).unwrap();
        assert_eq!(a[0].counts, vec![4, 1, 0]);
        assert_eq!(a[1].mean_tenths, Some(42));
        assert_eq!(a[2].texts[0], "a");
    }
}

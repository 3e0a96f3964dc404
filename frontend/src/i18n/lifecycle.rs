//! The strings of the mentor lifecycle and surveys: the mentor's record
//! over terms (导师成长轨迹), the admin's assessment run, surveys.

use super::Fmt1;

/// The strings of the lifecycle and surveys, in one language.
pub struct LifecycleTr {
    pub my_record_title: &'static str,
    pub my_record_link: &'static str,
    pub my_record_empty: &'static str,
    pub rating_excellent: &'static str,
    pub rating_qualified: &'static str,
    pub rating_needs_improvement: &'static str,
    pub score_n: Fmt1,
    pub weight_n: Fmt1,
    pub not_counted: &'static str,
    pub adjusted_because: Fmt1,
    pub surveys_title: &'static str,
    pub surveys_link: &'static str,
    pub surveys_empty: &'static str,
    pub survey_anonymous: &'static str,
    pub survey_submit: &'static str,
    pub survey_thanks: &'static str,
    pub scale_hint: &'static str,
    pub text_placeholder: &'static str,
    pub assessment_title: &'static str,
    pub assessment_link: &'static str,
    pub term_label: &'static str,
    pub run: &'static str,
    pub not_run: &'static str,
    pub publish: &'static str,
    pub published: &'static str,
    pub export_xlsx: &'static str,
    pub counts_line: fn(&str, &str, &str, &str) -> String,
    pub adjust: &'static str,
    pub adjust_reason: &'static str,
    pub adjust_save: &'static str,
    pub computed_was: Fmt1,
}

impl LifecycleTr {
    /// A rating's label from its GraphQL spelling.
    pub fn rating(&self, code: &str) -> &'static str {
        match code {
            "EXCELLENT" => self.rating_excellent,
            "NEEDS_IMPROVEMENT" => self.rating_needs_improvement,
            _ => self.rating_qualified,
        }
    }
}

pub static LIFECYCLE_ZH: LifecycleTr = LifecycleTr {
    my_record_title: "导师成长轨迹",
    my_record_link: "我的考核结果",
    my_record_empty: "还没有发布的考核结果。",
    rating_excellent: "优秀",
    rating_qualified: "合格",
    rating_needs_improvement: "待改善",
    score_n: |n| format!("总分 {n}%"),
    weight_n: |n| format!("权重 {n}"),
    not_counted: "不计入",
    adjusted_because: |r| format!("学校调整：{r}"),
    surveys_title: "问卷调查",
    surveys_link: "填写问卷",
    surveys_empty: "目前没有需要填写的问卷。",
    survey_anonymous: "匿名问卷：任何人都无法看到是谁的回答",
    survey_submit: "提交问卷",
    survey_thanks: "已提交，谢谢您的反馈！",
    scale_hint: "1分最低，5分最高",
    text_placeholder: "可不填",
    assessment_title: "导师考核",
    assessment_link: "导师考核",
    term_label: "学期",
    run: "计算考核结果",
    not_run: "本学期尚未计算考核结果。",
    publish: "发布考核结果",
    published: "已发布",
    export_xlsx: "导出Excel",
    counts_line: |e, q, n, cap| format!("优秀 {e}（最多 {cap}）· 合格 {q} · 待改善 {n}"),
    adjust: "调整",
    adjust_reason: "调整理由（2–200字）",
    adjust_save: "保存调整",
    computed_was: |r| format!("计算结果：{r}"),
};

pub static LIFECYCLE_EN: LifecycleTr = LifecycleTr {
    my_record_title: "My record as a mentor",
    my_record_link: "My assessment results",
    my_record_empty: "No published assessment yet.",
    rating_excellent: "Excellent",
    rating_qualified: "Qualified",
    rating_needs_improvement: "Needs improvement",
    score_n: |n| format!("Score {n}%"),
    weight_n: |n| format!("Weight {n}"),
    not_counted: "not counted",
    adjusted_because: |r| format!("Adjusted by the school: {r}"),
    surveys_title: "Surveys",
    surveys_link: "Answer a survey",
    surveys_empty: "No survey to answer right now.",
    survey_anonymous: "Anonymous: nobody can see who answered",
    survey_submit: "Submit",
    survey_thanks: "Submitted, thank you for your feedback!",
    scale_hint: "1 lowest, 5 highest",
    text_placeholder: "Optional",
    assessment_title: "Mentor assessment",
    assessment_link: "Mentor assessment",
    term_label: "Term",
    run: "Compute the results",
    not_run: "Not computed for this term yet.",
    publish: "Publish the results",
    published: "Published",
    export_xlsx: "Export to Excel",
    counts_line: |e, q, n, cap| {
        format!("Excellent {e} (at most {cap}) · Qualified {q} · Needs improvement {n}")
    },
    adjust: "Adjust",
    adjust_reason: "Reason (2–200 characters)",
    adjust_save: "Save",
    computed_was: |r| format!("Computed: {r}"),
};

//! The strings of mentoring work.

use super::{Fmt1, Fmt2};

/// The strings of mentoring work (quick log, outbox, growth messages, talk
/// requests, self-reports), in one language.
#[derive(Debug)]
pub struct MentoringTr {
    pub quick_log: &'static str,
    pub quick_log_hint: &'static str,
    pub pick_student: &'static str,
    pub no_student_picked: &'static str,
    pub log_day: &'static str,
    pub future_day: &'static str,
    pub kind: &'static str,
    pub channel: &'static str,
    pub more_details: &'static str,
    pub trigger: &'static str,
    pub trigger_none: &'static str,
    pub guidance: &'static str,
    pub summary: &'static str,
    pub summary_hint: &'static str,
    pub follow_up: &'static str,
    pub save: &'static str,
    pub saved_pending: &'static str,
    pub saved_sent: &'static str,
    pub recent: &'static str,
    pub no_activities: &'static str,
    pub pending: &'static str,
    pub pending_count: Fmt1,
    pub offline: &'static str,
    pub sign_out_sending: &'static str,
    pub unsent_at_sign_out: Fmt1,
    pub sign_out_delete: &'static str,
    pub stay_signed_in: &'static str,
    pub failed: &'static str,
    pub retry: &'static str,
    pub discard: &'static str,
    pub recorded_by: Fmt1,
    pub growth_title: &'static str,
    pub growth_term: Fmt1,
    pub growth_body: &'static str,
    pub growth_save: &'static str,
    pub growth_submit: &'static str,
    pub growth_publish: &'static str,
    pub growth_saved: &'static str,
    pub growth_empty_body: &'static str,
    pub growth_side: &'static str,
    pub growth_side_empty: &'static str,
    pub growth_none: &'static str,
    pub growth_from: Fmt2,
    pub bright_spots: Fmt1,
    pub print: &'static str,
    pub no_term: &'static str,
    pub talk_title: &'static str,
    pub talk_for: &'static str,
    pub talk_message: &'static str,
    pub talk_send: &'static str,
    pub talk_sent: &'static str,
    pub talk_requests: &'static str,
    pub talk_none: &'static str,
    pub talk_answer: &'static str,
    pub talk_answer_send: &'static str,
    pub talk_open: &'static str,
    pub talk_answered: &'static str,
    pub from_parent: &'static str,
    pub from_student: &'static str,
    pub report_title: &'static str,
    pub report_month: &'static str,
    pub report_text: &'static str,
    pub report_send: &'static str,
    pub report_sent: &'static str,
    pub required: &'static str,
}

impl MentoringTr {
    /// An activity kind's name, from its GraphQL spelling.
    pub fn kind_name(&self, code: &str) -> &'static str {
        let zh = std::ptr::eq(self, &MENTORING_ZH);
        match (code, zh) {
            ("TALK", true) => "谈心谈话",
            ("TALK", false) => "Talk",
            ("HOME_VISIT", true) => "家访",
            ("HOME_VISIT", false) => "Home visit",
            ("PARENT_CONTACT", true) => "家校联系",
            ("PARENT_CONTACT", false) => "Parent contact",
            ("OPTIONAL_ACTION", true) => "自选动作",
            ("OPTIONAL_ACTION", false) => "Optional action",
            ("STUDENT_REPORT", true) => "学生汇报",
            ("STUDENT_REPORT", false) => "Student report",
            (_, true) => "其他",
            (_, false) => "Other",
        }
    }

    /// A channel's name, from its GraphQL spelling.
    pub fn channel_name(&self, code: &str) -> &'static str {
        let zh = std::ptr::eq(self, &MENTORING_ZH);
        match (code, zh) {
            ("HOME", true) => "上门",
            ("HOME", false) => "At home",
            ("PHONE", true) => "电话",
            ("PHONE", false) => "Phone",
            ("ONLINE", true) => "线上",
            ("ONLINE", false) => "Online",
            (_, true) => "面对面",
            (_, false) => "Face to face",
        }
    }

    /// A trigger's name, from its GraphQL spelling.
    pub fn trigger_name(&self, code: &str) -> &'static str {
        let zh = std::ptr::eq(self, &MENTORING_ZH);
        match (code, zh) {
            ("BEFORE_EXAM", true) => "重要考试前",
            ("BEFORE_EXAM", false) => "Before an exam",
            ("AFTER_EXAM", true) => "重要考试后",
            ("AFTER_EXAM", false) => "After an exam",
            ("LIFE_EVENT", true) => "生活重大变故",
            ("LIFE_EVENT", false) => "Life event",
            ("EMOTIONAL_CHANGE", true) => "情绪明显波动",
            ("EMOTIONAL_CHANGE", false) => "Emotional change",
            ("PROGRESS", true) => "取得进步",
            ("PROGRESS", false) => "Progress",
            (_, true) => "日常",
            (_, false) => "Routine",
        }
    }

    /// A guidance area's name, from its GraphQL spelling.
    pub fn area_name(&self, code: &str) -> &'static str {
        let zh = std::ptr::eq(self, &MENTORING_ZH);
        match (code, zh) {
            ("IDEAS", true) => "思想",
            ("IDEAS", false) => "Ideas",
            ("PSYCHOLOGICAL", true) => "心理",
            ("PSYCHOLOGICAL", false) => "Emotional",
            ("ACADEMIC", true) => "学业",
            ("ACADEMIC", false) => "Study",
            ("LIFE", true) => "生活",
            ("LIFE", false) => "Life",
            ("CAREER", true) => "生涯",
            ("CAREER", false) => "Career",
            (_, true) => "品行",
            (_, false) => "Conduct",
        }
    }

    /// A growth message status's name, from its GraphQL spelling.
    pub fn status_name(&self, code: &str) -> &'static str {
        let zh = std::ptr::eq(self, &MENTORING_ZH);
        match (code, zh) {
            ("SUBMITTED", true) => "已提交",
            ("SUBMITTED", false) => "Submitted",
            ("REVIEWED", true) => "已审阅",
            ("REVIEWED", false) => "Reviewed",
            ("PUBLISHED", true) => "已发布",
            ("PUBLISHED", false) => "Published",
            (_, true) => "草稿",
            (_, false) => "Draft",
        }
    }
}

/// 导师工作, 简体中文.
pub static MENTORING_ZH: MentoringTr = MentoringTr {
    quick_log: "快速记录",
    quick_log_hint: "选学生、选类型、保存；没有网络也能记，联网后自动发送。",
    pick_student: "学生",
    no_student_picked: "请选择学生。",
    log_day: "日期（可补记）",
    future_day: "日期不能晚于今天。",
    kind: "类型",
    channel: "方式",
    more_details: "更多（触发时机、指导领域、摘要、后续）",
    trigger: "触发时机",
    trigger_none: "不填",
    guidance: "指导领域",
    summary: "摘要（仅导师和班主任可见）",
    summary_hint: "谈了什么、学生的状态",
    follow_up: "后续安排",
    save: "保存记录",
    saved_pending: "已保存在本机，待发送。",
    saved_sent: "已记录。",
    recent: "最近的记录",
    no_activities: "还没有记录。",
    pending: "待发送",
    pending_count: |n| format!("{n} 条待发送"),
    offline: "当前离线：记录会保存在本机，联网后自动发送。",
    sign_out_sending: "正在发送未发送的记录…",
    unsent_at_sign_out: |n| {
        format!("还有 {n} 条记录未发送（可能含私密内容）。仍要退出并从本机删除它们吗？")
    },
    sign_out_delete: "退出并删除",
    stay_signed_in: "暂不退出",
    failed: "发送失败",
    retry: "重试",
    discard: "删除",
    recorded_by: |n| format!("记录人：{n}"),
    growth_title: "成长寄语",
    growth_term: |t| format!("学期：{t}"),
    growth_body: "寄语内容",
    growth_save: "保存草稿",
    growth_submit: "提交",
    growth_publish: "发布给学生和家长",
    growth_saved: "已保存。",
    growth_empty_body: "请填写寄语内容。",
    growth_side: "本学期的记录",
    growth_side_empty: "本学期还没有记录。",
    growth_none: "还没有发布的成长寄语。",
    growth_from: |term, mentor| format!("{term} · 导师 {mentor}"),
    bright_spots: |b| format!("闪光点：{b}"),
    print: "打印",
    no_term: "学校还没有设置学期。",
    talk_title: "预约导师谈话",
    talk_for: "孩子",
    talk_message: "想谈的事情",
    talk_send: "发送预约",
    talk_sent: "已发送，导师会回复。",
    talk_requests: "谈话预约",
    talk_none: "没有谈话预约。",
    talk_answer: "回复",
    talk_answer_send: "发送回复",
    talk_open: "待回复",
    talk_answered: "已回复",
    from_parent: "家长",
    from_student: "学生",
    report_title: "月度汇报",
    report_month: "月份",
    report_text: "这个月的学习和生活",
    report_send: "提交汇报",
    report_sent: "已提交给导师。",
    required: "请填写内容。",
};

/// Mentoring work, English.
pub static MENTORING_EN: MentoringTr = MentoringTr {
    quick_log: "Quick log",
    quick_log_hint: "Pick a student and a kind, save. Works offline; sent when you are back online.",
    pick_student: "Student",
    no_student_picked: "Please pick a student.",
    log_day: "Date (may be earlier)",
    future_day: "The date cannot be later than today.",
    kind: "Kind",
    channel: "How",
    more_details: "More (trigger, guidance areas, summary, follow-up)",
    trigger: "Trigger",
    trigger_none: "None",
    guidance: "Guidance areas",
    summary: "Summary (mentors and head teacher only)",
    summary_hint: "What you talked about, how the student is",
    follow_up: "Follow-up",
    save: "Save",
    saved_pending: "Saved on this device, waiting to be sent.",
    saved_sent: "Recorded.",
    recent: "Recent records",
    no_activities: "Nothing recorded yet.",
    pending: "Pending",
    pending_count: |n| format!("{n} waiting to be sent"),
    offline: "You are offline: records are kept on this device and sent when you are back online.",
    sign_out_sending: "Sending the records not yet sent…",
    unsent_at_sign_out: |n| {
        let entries = if n == "1" { "entry" } else { "entries" };
        format!(
            "{n} {entries} not yet sent (they may hold private notes). Sign out anyway and delete them from this device?"
        )
    },
    sign_out_delete: "Sign out and delete",
    stay_signed_in: "Stay signed in",
    failed: "Not sent",
    retry: "Retry",
    discard: "Delete",
    recorded_by: |n| format!("By {n}"),
    growth_title: "Growth message",
    growth_term: |t| format!("Term: {t}"),
    growth_body: "Message",
    growth_save: "Save draft",
    growth_submit: "Submit",
    growth_publish: "Publish to student and parents",
    growth_saved: "Saved.",
    growth_empty_body: "Please write the message.",
    growth_side: "This term's records",
    growth_side_empty: "No records this term yet.",
    growth_none: "No published growth messages yet.",
    growth_from: |term, mentor| format!("{term} · mentor {mentor}"),
    bright_spots: |b| format!("Bright spots: {b}"),
    print: "Print",
    no_term: "The school has not set up a term yet.",
    talk_title: "Ask the mentor for a talk",
    talk_for: "Child",
    talk_message: "What you would like to talk about",
    talk_send: "Send request",
    talk_sent: "Sent. The mentor will answer.",
    talk_requests: "Talk requests",
    talk_none: "No talk requests.",
    talk_answer: "Answer",
    talk_answer_send: "Send answer",
    talk_open: "Open",
    talk_answered: "Answered",
    from_parent: "Parent",
    from_student: "Student",
    report_title: "Monthly report",
    report_month: "Month",
    report_text: "This month's study and life",
    report_send: "Submit report",
    report_sent: "Sent to your mentor.",
    required: "Please write something.",
};

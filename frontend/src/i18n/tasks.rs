//! The strings of the tasks a policy makes: what is due and overdue per
//! student, class and school.

use super::{Fmt1, Fmt2, Fmt3};

/// The strings of tasks, in one language.
pub struct TasksTr {
    pub task_counts_title: &'static str,
    pub task_counts_intro: &'static str,
    pub counts_students: Fmt1,
    pub counts_overdue: Fmt1,
    pub col_task: &'static str,
    pub status_done: &'static str,
    pub status_due: &'static str,
    pub status_overdue: &'static str,
    pub status_na: &'static str,
    pub req_home_visit: &'static str,
    pub req_talks: &'static str,
    pub req_exam_talk: &'static str,
    pub req_growth_message: &'static str,
    pub req_parent_contact: &'static str,
    pub req_self_report: &'static str,
    pub req_optional: &'static str,
    pub next_due: &'static str,
    pub due_by: Fmt1,
    pub overdue_n: Fmt1,
    pub done_n: Fmt1,
    pub nothing_due: &'static str,
    pub tasks_as_of: Fmt2,
    pub counted_of: Fmt2,
    pub window_range: Fmt2,
    pub suggested_window: Fmt1,
    pub head_teacher_leads: &'static str,
    pub na_grade: &'static str,
    pub na_town: &'static str,
    pub class_tasks_title: &'static str,
    pub tasks_overdue_title: &'static str,
    pub tasks_due_title: &'static str,
    pub tasks_all_clear: &'static str,
    pub due_soon: &'static str,
    pub tasks_later_title: &'static str,
    pub na_joined: &'static str,
    pub col_students: &'static str,
    pub col_students_done: &'static str,
    pub col_students_overdue: &'static str,
    pub col_on_track: &'static str,
    pub periods_line: Fmt3,
    pub percent: Fmt1,
    pub on_track_share: Fmt1,
}

impl TasksTr {
    /// A task requirement kind's name, from its GraphQL spelling.
    pub fn req_kind(&self, code: &str) -> &'static str {
        match code {
            "HOME_VISIT" => self.req_home_visit,
            "TALKS" => self.req_talks,
            "EXAM_TALK" => self.req_exam_talk,
            "GROWTH_MESSAGE" => self.req_growth_message,
            "PARENT_CONTACT" => self.req_parent_contact,
            "SELF_REPORT" => self.req_self_report,
            _ => self.req_optional,
        }
    }

    /// A task status's name, from its GraphQL spelling.
    pub fn status(&self, code: &str) -> &'static str {
        match code {
            "DONE" => self.status_done,
            "DUE" => self.status_due,
            "OVERDUE" => self.status_overdue,
            _ => self.status_na,
        }
    }

    /// Why a requirement does not apply, from its GraphQL spelling.
    pub fn na_reason(&self, code: &str) -> &'static str {
        match code {
            "NOT_LIVING_IN_TOWN" => self.na_town,
            "JOINED_LATER" => self.na_joined,
            _ => self.na_grade,
        }
    }
}

/// 导师任务, 简体中文.
pub static TASKS_ZH: TasksTr = TasksTr {
    task_counts_title: "各校本学期任务情况",
    task_counts_intro: "只显示汇总数字，不显示学生个人信息。",
    counts_students: |n| format!("学生 {n} 人"),
    counts_overdue: |n| format!("{n} 人有逾期事项"),
    col_task: "事项",
    status_done: "已完成",
    status_due: "待完成",
    status_overdue: "已逾期",
    status_na: "不适用",
    req_home_visit: "家访",
    req_talks: "谈心谈话",
    req_exam_talk: "考试前后谈心",
    req_growth_message: "成长寄语",
    req_parent_contact: "家校联系",
    req_self_report: "学生汇报",
    req_optional: "自选动作",
    next_due: "下一项",
    due_by: |d| format!("{d} 前"),
    overdue_n: |n| format!("逾期 {n} 项"),
    done_n: |n| format!("已完成 {n} 项"),
    nothing_due: "本学期暂无待办",
    tasks_as_of: |term, d| format!("{term}，截至 {d}"),
    counted_of: |c, r| format!("{c}/{r}"),
    window_range: |a, b| format!("{a} – {b}"),
    suggested_window: |w| format!("建议时间：{w}"),
    head_teacher_leads: "班主任牵头",
    na_grade: "该年级不在实施范围内",
    na_town: "仅限家住城区的学生",
    class_tasks_title: "班级任务进度",
    tasks_overdue_title: "已逾期",
    tasks_due_title: "即将到期",
    tasks_all_clear: "没有逾期或待办事项。",
    due_soon: "临近截止",
    tasks_later_title: "之后的事项",
    na_joined: "该时段结束时学生尚未入校",
    col_students: "学生",
    col_students_done: "已完成(人)",
    col_students_overdue: "有逾期(人)",
    col_on_track: "按期率",
    periods_line: |d, t, o| format!("按月/次：{t} 个中完成 {d} 个，逾期 {o} 个"),
    percent: |p| format!("{p}%"),
    on_track_share: |p| format!("{p}% 的学生没有逾期"),
};

/// Tasks, English.
pub static TASKS_EN: TasksTr = TasksTr {
    task_counts_title: "This term's tasks by school",
    task_counts_intro: "Aggregates only, never individual students.",
    counts_students: |n| format!("{n} students"),
    counts_overdue: |n| format!("{n} with overdue tasks"),
    col_task: "Task",
    status_done: "Done",
    status_due: "Due",
    status_overdue: "Overdue",
    status_na: "N/A",
    req_home_visit: "Home visit",
    req_talks: "Talks",
    req_exam_talk: "Exam talk",
    req_growth_message: "Growth message",
    req_parent_contact: "Parent contact",
    req_self_report: "Self-report",
    req_optional: "Optional actions",
    next_due: "Next",
    due_by: |d| format!("by {d}"),
    overdue_n: |n| format!("{n} overdue"),
    done_n: |n| format!("{n} done"),
    nothing_due: "Nothing due this term",
    tasks_as_of: |term, d| format!("{term}, as of {d}"),
    counted_of: |c, r| format!("{c} of {r}"),
    window_range: |a, b| format!("{a} – {b}"),
    suggested_window: |w| format!("Suggested: {w}"),
    head_teacher_leads: "Led by the head teacher",
    na_grade: "This grade is not in the programme",
    na_town: "Only for students living in town",
    class_tasks_title: "The class's tasks",
    tasks_overdue_title: "Overdue",
    tasks_due_title: "Due next",
    tasks_all_clear: "Nothing overdue or due.",
    due_soon: "Due soon",
    tasks_later_title: "Later",
    na_joined: "The period ended before the student joined",
    col_students: "Students",
    col_students_done: "Done (students)",
    col_students_overdue: "Overdue (students)",
    col_on_track: "On track",
    periods_line: |d, t, o| format!("Periods: {d} of {t} done, {o} overdue"),
    percent: |p| format!("{p} %"),
    on_track_share: |p| format!("{p} % of students on track"),
};

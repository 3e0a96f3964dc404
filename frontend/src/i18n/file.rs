//! The strings of the growth file (成长档案) and the home–school contact view.

use super::Fmt1;

/// The strings of the growth file and home–school contacts, in one language.
#[derive(Debug)]
pub struct FileTr {
    pub file_title: &'static str,
    pub file_audited: &'static str,
    pub file_show: &'static str,
    pub file_empty_section: &'static str,
    pub add_note: &'static str,
    pub section: &'static str,
    pub month: &'static str,
    pub note_body: &'static str,
    pub note_save: &'static str,
    pub note_saved: &'static str,
    pub note_month_needed: &'static str,
    pub exams_title: &'static str,
    pub exams_hint: &'static str,
    pub exams_none: &'static str,
    pub scale_title: Fmt1,
    pub record_exam: &'static str,
    pub subject: &'static str,
    pub exam_name: &'static str,
    pub taken_on: &'static str,
    pub score: &'static str,
    pub full_marks: &'static str,
    pub analysis: &'static str,
    pub exam_save: &'static str,
    pub exam_saved: Fmt1,
    pub exam_incomplete: &'static str,
    pub written_by: Fmt1,
    pub contacts_title: &'static str,
    pub contacts_hint: &'static str,
    pub contacts_none: &'static str,
    pub last_contact: &'static str,
    pub total: &'static str,
    pub in_person: &'static str,
    pub by_channel: &'static str,
    pub who_whom: &'static str,
    pub times: Fmt1,
    pub bright_spots_label: &'static str,
    pub bright_spots_hint: &'static str,
    pub team_title: &'static str,
    pub team_hint: &'static str,
    pub team_reason: &'static str,
    pub team_reason_needed: &'static str,
    pub team_members: &'static str,
    pub team_apply: &'static str,
}

impl FileTr {
    /// A growth-file section's name, from its GraphQL spelling.
    pub fn section_name(&self, code: &str) -> &'static str {
        let zh = std::ptr::eq(self, &FILE_ZH);
        match (code, zh) {
            ("FAMILY", true) => "家庭与社会情况",
            ("FAMILY", false) => "Family and social situation",
            ("PERSONALITY", true) => "性格",
            ("PERSONALITY", false) => "Personality",
            ("HABITS", true) => "习惯与品行",
            ("HABITS", false) => "Habits and conduct",
            ("INTERESTS", true) => "兴趣爱好",
            ("INTERESTS", false) => "Interests",
            ("HEALTH", true) => "心理、身体与健康",
            ("HEALTH", false) => "Mental and physical health",
            (_, true) => "月度表现",
            (_, false) => "Monthly observations",
        }
    }

    /// A team application's status, from its GraphQL spelling.
    pub fn team_status(&self, code: &str) -> &'static str {
        let zh = std::ptr::eq(self, &FILE_ZH);
        match (code, zh) {
            ("APPROVED", true) => "已批准",
            ("APPROVED", false) => "Approved",
            ("REJECTED", true) => "未批准",
            ("REJECTED", false) => "Not approved",
            (_, true) => "待领导小组审批",
            (_, false) => "Waiting for the leading group",
        }
    }

    /// How a scale shows results, from its GraphQL spelling.
    pub fn display_name(&self, code: &str) -> &'static str {
        let zh = std::ptr::eq(self, &FILE_ZH);
        match (code, zh) {
            ("GRADE_LEVELS", true) => "等第制",
            ("GRADE_LEVELS", false) => "grade levels",
            (_, true) => "百分比区间",
            (_, false) => "percentage bands",
        }
    }
}

/// 成长档案与家校沟通, 简体中文.
pub static FILE_ZH: FileTr = FileTr {
    file_title: "成长档案",
    file_audited: "成长档案是学生的敏感信息，只有导师、班主任和学校管理员可以查看；每次查看都会被记录。",
    file_show: "查看成长档案",
    file_empty_section: "还没有记录。",
    add_note: "添加记录",
    section: "栏目",
    month: "月份",
    note_body: "内容",
    note_save: "保存记录",
    note_saved: "已保存到成长档案。",
    note_month_needed: "月度表现须选择月份。",
    exams_title: "考试情况",
    exams_hint: "只按学校的等级区间显示，不显示分数，也不排名。",
    exams_none: "还没有考试记录。",
    scale_title: |d| format!("本校等级（{d}）"),
    record_exam: "记录考试成绩",
    subject: "科目",
    exam_name: "考试名称",
    taken_on: "考试日期",
    score: "得分（只用于换算等级，不显示）",
    full_marks: "满分",
    analysis: "分析（可选）",
    exam_save: "记录",
    exam_saved: |b| format!("已记录，等级：{b}"),
    exam_incomplete: "请填写科目、考试名称、日期、得分和满分。",
    written_by: |n| format!("记录人：{n}"),
    contacts_title: "家校沟通",
    contacts_hint: "谁在什么时候、用什么方式联系了学生和家长（不含谈话内容）。",
    contacts_none: "还没有家校沟通记录。",
    last_contact: "最近一次",
    total: "共计",
    in_person: "面对面占比",
    by_channel: "方式",
    who_whom: "谁联系了谁",
    times: |n| format!("{n} 次"),
    bright_spots_label: "闪光点（每行一条，最多10条）",
    bright_spots_hint: "例如：主动帮助同学",
    team_title: "导师团申请",
    team_hint: "学生有特殊需求（行为、心理、随班就读）时，班主任书面申请，由学校领导小组决定组建导师团；批准后成员获得该生的导师权限。",
    team_reason: "申请理由",
    team_reason_needed: "请写明申请理由。",
    team_members: "建议成员（学生的导师）",
    team_apply: "提交申请",
};

/// Growth file and home–school contacts, English.
pub static FILE_EN: FileTr = FileTr {
    file_title: "Growth file",
    file_audited: "The growth file is sensitive: only the student's mentors, head teacher and the school admin may read it, and every read is logged.",
    file_show: "Open the growth file",
    file_empty_section: "Nothing recorded yet.",
    add_note: "Add a note",
    section: "Section",
    month: "Month",
    note_body: "Note",
    note_save: "Save note",
    note_saved: "Saved to the growth file.",
    note_month_needed: "A monthly observation needs a month.",
    exams_title: "Exams",
    exams_hint: "Shown only as the school's bands: no scores, no ranking.",
    exams_none: "No exam results yet.",
    scale_title: |d| format!("The school's scale ({d})"),
    record_exam: "Record an exam result",
    subject: "Subject",
    exam_name: "Exam",
    taken_on: "Date",
    score: "Score (only turned into a band, never shown)",
    full_marks: "Full marks",
    analysis: "Analysis (optional)",
    exam_save: "Record",
    exam_saved: |b| format!("Recorded, band: {b}"),
    exam_incomplete: "Please fill in subject, exam, date, score and full marks.",
    written_by: |n| format!("By {n}"),
    contacts_title: "Home–school contacts",
    contacts_hint: "Who contacted the student and the parents, when and how (no private text).",
    contacts_none: "No home–school contacts yet.",
    last_contact: "Last contact",
    total: "In all",
    in_person: "In person",
    by_channel: "Channels",
    who_whom: "Who contacted whom",
    times: |n| format!("{n}×"),
    bright_spots_label: "Bright spots (one a line, at most 10)",
    bright_spots_hint: "e.g. helps classmates unasked",
    team_title: "Mentor team application",
    team_hint: "For a student with special needs (behaviour, mental health, inclusive education) the head teacher applies in writing; the leading group decides. Approved members get a mentor's rights for the student.",
    team_reason: "Reason",
    team_reason_needed: "Please give the reason.",
    team_members: "Proposed members (the student's mentors)",
    team_apply: "Apply",
};

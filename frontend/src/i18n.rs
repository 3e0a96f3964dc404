//! Every user-facing string of the app, in zh-CN (default) and English.
//!
//! A string that a user can read lives here and nowhere else: views take
//! their text from [`Tr`], so a missing translation is a compile error.
//! Numbers and dates are formatted with the browser's `Intl` for the chosen
//! locale.

use leptos::prelude::*;
use shared::org::{Qualification, Role, SchoolStage};

use crate::storage;

const LANG_KEY: &str = "daoshi.lang";

/// The languages of the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// 简体中文, the default.
    Zh,
    /// English.
    En,
}

impl Lang {
    /// BCP 47 tag, for `<html lang>` and `Intl`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    fn from_tag(tag: &str) -> Option<Lang> {
        match tag {
            "zh-CN" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The other language (the app has two).
    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }

    /// The strings of this language.
    pub fn tr(self) -> &'static Tr {
        match self {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        }
    }
}

/// The app's language: a signal in context, remembered in localStorage.
#[derive(Debug, Clone, Copy)]
pub struct I18n {
    lang: RwSignal<Lang>,
}

impl I18n {
    /// The current language (tracked).
    pub fn lang(&self) -> Lang {
        self.lang.get()
    }

    /// The current strings (tracked).
    pub fn t(&self) -> &'static Tr {
        self.lang.get().tr()
    }

    /// Switches language, remembers it and updates `<html lang>`.
    pub fn set(&self, lang: Lang) {
        storage::set(LANG_KEY, lang.tag());
        set_html_lang(lang);
        self.lang.set(lang);
    }

    /// Formats an integer for the current locale (tracked).
    pub fn num(&self, n: i64) -> String {
        format_number(self.lang.get(), n)
    }

    /// Picks the Chinese or English version of a text that comes with both
    /// (server data, validation messages) (tracked).
    pub fn pick<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        match self.lang.get() {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// Formats an ISO date (`2026-09-01`) for the current locale (tracked).
    pub fn date(&self, iso: &str) -> String {
        format_date(self.lang.get(), iso)
    }
}

/// Creates the language signal from localStorage (zh-CN when unset) and
/// provides it as context.
pub fn provide_i18n() -> I18n {
    let lang = storage::get(LANG_KEY)
        .and_then(|s| Lang::from_tag(&s))
        .unwrap_or(Lang::Zh);
    set_html_lang(lang);
    let i18n = I18n {
        lang: RwSignal::new(lang),
    };
    provide_context(i18n);
    i18n
}

/// The language context provided by the app root.
pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

fn set_html_lang(lang: Lang) {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = el.set_attribute("lang", lang.tag());
    }
}

fn format_number(lang: Lang, n: i64) -> String {
    let locales = js_sys::Array::of1(&lang.tag().into());
    let f = js_sys::Intl::NumberFormat::new(&locales, &js_sys::Object::new());
    let formatted = f.format().call1(&f, &(n as f64).into());
    formatted
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_else(|| n.to_string())
}

fn format_date(lang: Lang, iso: &str) -> String {
    // Parse the date part as a calendar date (no time-zone shift).
    let mut parts = iso.get(..10).unwrap_or(iso).split('-');
    let (Some(y), Some(m), Some(d)) = (
        parts.next().and_then(|p| p.parse::<u32>().ok()),
        parts.next().and_then(|p| p.parse::<i32>().ok()),
        parts.next().and_then(|p| p.parse::<i32>().ok()),
    ) else {
        return iso.to_string();
    };
    let date = js_sys::Date::new_with_year_month_day(y, m - 1, d);
    let locales = js_sys::Array::of1(&lang.tag().into());
    let opts = js_sys::Object::new();
    for (k, v) in [("year", "numeric"), ("month", "short"), ("day", "numeric")] {
        let _ = js_sys::Reflect::set(&opts, &k.into(), &v.into());
    }
    let f = js_sys::Intl::DateTimeFormat::new(&locales, &opts);
    f.format()
        .call1(&f, &date)
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_else(|| iso.to_string())
}

/// A string picked from [`Tr`] (labels, headings).
pub type Label = fn(&Tr) -> &'static str;
/// A message with one number or name in it.
pub type Fmt1 = fn(&str) -> String;
/// A message with two values in it.
pub type Fmt2 = fn(&str, &str) -> String;
/// A message with three numbers in it.
pub type Fmt3 = fn(&str, &str, &str) -> String;

/// The strings of one language.
pub struct Tr {
    /// The strings of mentor matching (导师匹配).
    pub m: &'static MatchTr,
    pub app_name: &'static str,
    pub app_tagline: &'static str,
    pub loading: &'static str,
    pub retry: &'static str,
    pub back: &'static str,
    pub load_more: &'static str,
    pub search: &'static str,
    pub save: &'static str,
    pub saving: &'static str,
    pub cancel: &'static str,
    pub edit: &'static str,
    pub none: &'static str,
    pub lang_switch_label: &'static str,
    pub lang_switch_to: &'static str,
    pub logout: &'static str,
    pub current_role: &'static str,
    pub main_nav: &'static str,
    pub coming_soon: &'static str,
    pub not_found_title: &'static str,
    pub back_home: &'static str,

    pub err_unauthenticated: &'static str,
    pub err_forbidden: &'static str,
    pub err_not_found: &'static str,
    pub err_rate_limited: &'static str,
    pub err_internal: &'static str,
    pub err_network: &'static str,
    pub err_invalid: &'static str,

    pub login_title: &'static str,
    pub login_subtitle: &'static str,
    pub username: &'static str,
    pub password: &'static str,
    pub login_button: &'static str,
    pub logging_in: &'static str,
    pub login_failed: &'static str,
    pub login_missing: &'static str,
    pub session_expired: &'static str,
    pub logged_out: &'static str,
    pub no_role: &'static str,

    pub role_district_admin: &'static str,
    pub role_school_admin: &'static str,
    pub role_grade_leader: &'static str,
    pub role_head_teacher: &'static str,
    pub role_mentor: &'static str,
    pub role_counsellor: &'static str,
    pub role_parent: &'static str,
    pub role_student: &'static str,

    pub stage_primary: &'static str,
    pub stage_middle: &'static str,
    pub stage_high: &'static str,
    pub stage_vocational: &'static str,
    pub stage_nine_year: &'static str,
    pub stage_twelve_year: &'static str,

    pub qual_untrained: &'static str,
    pub qual_training: &'static str,
    pub qual_probation: &'static str,
    pub qual_appointed: &'static str,
    pub qual_deferred: &'static str,

    pub gender_male: &'static str,
    pub gender_female: &'static str,

    pub nav_schools: &'static str,
    pub nav_supervision: &'static str,
    pub nav_setup: &'static str,
    pub nav_classes: &'static str,
    pub nav_staff: &'static str,
    pub nav_students: &'static str,
    pub nav_grade: &'static str,
    pub nav_my_class: &'static str,
    pub nav_my_students: &'static str,
    pub nav_tasks: &'static str,
    pub nav_cases: &'static str,
    pub nav_my_child: &'static str,
    pub nav_my_mentor: &'static str,

    pub district_title: &'static str,
    pub class_count: Fmt1,
    pub schools_total: Fmt3,

    pub setup_title: &'static str,
    pub setup_intro: &'static str,
    pub terms_title: &'static str,
    pub terms_empty: &'static str,
    pub term_name: &'static str,
    pub term_start: &'static str,
    pub term_end: &'static str,
    pub term_year: &'static str,
    pub new_term: &'static str,
    pub new_class: &'static str,
    pub classes_title: &'static str,
    pub classes_empty: &'static str,
    pub class_name: &'static str,
    pub class_grade: &'static str,
    pub grade_n: Fmt1,
    pub no_head_teacher: &'static str,
    pub student_count: Fmt1,
    pub staff_title: &'static str,
    pub staff_empty: &'static str,
    pub staff_search: &'static str,
    pub new_staff: &'static str,
    pub new_student: &'static str,
    pub person_name: &'static str,
    pub staff_no: &'static str,
    pub phone: &'static str,
    pub qualification_label: &'static str,
    pub specialties: &'static str,
    pub specialties_hint: &'static str,
    pub party_member: &'static str,
    pub choose: &'static str,
    pub students_title: &'static str,
    pub students_search: &'static str,
    pub student_no: &'static str,
    pub student_gender: &'static str,
    pub student_class: &'static str,
    pub all_classes: &'static str,
    pub total_n: Fmt1,

    pub import_title: &'static str,
    pub import_intro: &'static str,
    pub import_rows: Fmt2,
    pub import_guardians: Fmt1,
    pub import_kind_students: &'static str,
    pub import_kind_staff: &'static str,
    pub import_file: &'static str,
    pub import_dry_run: &'static str,
    pub import_submit: &'static str,
    pub import_uploading: &'static str,
    pub import_pick_file: &'static str,
    pub import_rejected: Fmt1,
    pub import_col_row: &'static str,
    pub import_col_column: &'static str,
    pub import_col_reason: &'static str,
    pub import_done: &'static str,
    pub import_checked: &'static str,
    pub import_summary: Fmt3,

    pub grade_title: &'static str,
    pub grade_intro: &'static str,
    pub my_class_title: &'static str,
    pub my_class_none: &'static str,
    pub class_students: &'static str,

    pub mentor_title: &'static str,
    pub mentor_count: Fmt1,
    pub mentor_empty: &'static str,
    pub tasks_title: &'static str,

    pub student_detail_title: &'static str,
    pub growth_file: &'static str,
    pub growth_soon: &'static str,
    pub contacts: &'static str,
    pub guardians: &'static str,
    pub guardians_show: &'static str,
    pub guardians_audited: &'static str,
    pub guardians_none: &'static str,
    pub contacts_soon: &'static str,

    pub counsellor_title: &'static str,
    pub counsellor_soon: &'static str,

    pub parent_title: &'static str,
    pub parent_empty: &'static str,
    pub mentors: &'static str,
    pub no_mentor: &'static str,

    pub student_home_title: &'static str,
    pub my_mentor_soon: &'static str,

    pub nav_policy: &'static str,
    pub nav_baseline: &'static str,
    pub policy_title: &'static str,
    pub policy_current: &'static str,
    pub version_n: Fmt1,
    pub effective_from_d: Fmt1,
    pub saved_on_d: Fmt1,
    pub policy_none: &'static str,
    pub uses_baseline: &'static str,
    pub in_effect_now: Fmt1,
    pub baseline_tightened: &'static str,
    pub policy_history: &'static str,
    pub policy_edit: &'static str,
    pub start_from: &'static str,
    pub start_current: &'static str,
    pub policy_name: &'static str,
    pub effective_date: &'static str,
    pub effective_term: &'static str,
    pub sec_scope_ratio: &'static str,
    pub ratio_default: &'static str,
    pub ratio_grade_hint: &'static str,
    pub district_cap: Fmt1,
    pub sec_tasks: &'static str,
    pub talks_per_term: &'static str,
    pub home_visits: &'static str,
    pub growth_messages: &'static str,
    pub cadence: &'static str,
    pub per_term: &'static str,
    pub per_year: &'static str,
    pub parent_contact_month: &'static str,
    pub self_report_month: &'static str,
    pub optional_min: &'static str,
    pub meets_baseline: &'static str,
    pub problems_n: Fmt1,
    pub diff_title: &'static str,
    pub diff_none: &'static str,
    pub save_version: &'static str,
    pub saved_version: Fmt1,
    pub server_refused: &'static str,
    pub server_live_checking: &'static str,
    pub server_live_ok: &'static str,
    pub server_live_problems: &'static str,
    pub pick_date: &'static str,
    pub calendar_title: &'static str,
    pub calendar_intro: &'static str,
    pub calendar_empty: &'static str,
    pub event_name: &'static str,
    pub event_date: &'static str,
    pub event_kind: &'static str,
    pub kind_key_exam: &'static str,
    pub kind_life_event: &'static str,
    pub kind_other: &'static str,
    pub event_grades: &'static str,
    pub event_grades_hint: &'static str,
    pub every_grade: &'static str,
    pub add_event: &'static str,
    pub delete: &'static str,
    pub baseline_title: &'static str,
    pub baseline_none: &'static str,
    pub baseline_edit: &'static str,
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
    pub ratio_short: &'static str,
    pub edit_close: &'static str,
    pub baseline_applies_title: &'static str,
}

impl Tr {
    /// A role's name.
    pub fn role(&self, role: Role) -> &'static str {
        match role {
            Role::DistrictAdmin => self.role_district_admin,
            Role::SchoolAdmin => self.role_school_admin,
            Role::GradeLeader => self.role_grade_leader,
            Role::HeadTeacher => self.role_head_teacher,
            Role::Mentor => self.role_mentor,
            Role::Counsellor => self.role_counsellor,
            Role::Parent => self.role_parent,
            Role::Student => self.role_student,
        }
    }

    /// A mentor qualification's name.
    pub fn qualification(&self, q: Qualification) -> &'static str {
        match q {
            Qualification::Untrained => self.qual_untrained,
            Qualification::Training => self.qual_training,
            Qualification::Probation => self.qual_probation,
            Qualification::Appointed => self.qual_appointed,
            Qualification::Deferred => self.qual_deferred,
        }
    }

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

    /// A calendar event kind's name, from its GraphQL spelling.
    pub fn event_kind(&self, code: &str) -> &'static str {
        match code {
            "KEY_EXAM" => self.kind_key_exam,
            "LIFE_EVENT" => self.kind_life_event,
            _ => self.kind_other,
        }
    }

    /// Why a requirement does not apply, from its GraphQL spelling.
    pub fn na_reason(&self, code: &str) -> &'static str {
        match code {
            "NOT_LIVING_IN_TOWN" => self.na_town,
            _ => self.na_grade,
        }
    }

    /// A school stage's name.
    pub fn stage(&self, stage: SchoolStage) -> &'static str {
        match stage {
            SchoolStage::Primary => self.stage_primary,
            SchoolStage::Middle => self.stage_middle,
            SchoolStage::High => self.stage_high,
            SchoolStage::Vocational => self.stage_vocational,
            SchoolStage::NineYear => self.stage_nine_year,
            SchoolStage::TwelveYear => self.stage_twelve_year,
        }
    }
}

/// 简体中文.
pub static ZH: Tr = Tr {
    m: &MATCH_ZH,
    app_name: "导师制",
    app_tagline: "教师人人是导师，学生人人有导师",
    loading: "加载中…",
    retry: "重试",
    back: "返回",
    load_more: "加载更多",
    search: "搜索",
    save: "保存",
    saving: "正在保存…",
    cancel: "取消",
    edit: "编辑",
    none: "—",
    lang_switch_label: "切换语言",
    lang_switch_to: "English",
    logout: "退出",
    current_role: "当前身份",
    main_nav: "主导航",
    coming_soon: "即将上线",
    not_found_title: "页面不存在",
    back_home: "返回首页",

    err_unauthenticated: "登录已过期，请重新登录。",
    err_forbidden: "您没有权限查看或修改这些内容。",
    err_not_found: "没有找到该记录。",
    err_rate_limited: "尝试次数过多，请稍后再试。",
    err_internal: "服务器出错了，请稍后再试。",
    err_network: "网络连接失败，请检查网络后重试。",
    err_invalid: "填写的内容有误：",

    login_title: "登录",
    login_subtitle: "请使用学校分配的账号登录",
    username: "用户名",
    password: "密码",
    login_button: "登录",
    logging_in: "正在登录…",
    login_failed: "用户名或密码错误，请重新输入。",
    login_missing: "请输入用户名和密码。",
    session_expired: "登录已过期，请重新登录。",
    logged_out: "您已安全退出。",
    no_role: "您的账号还没有分配任何身份，请联系学校管理员。",

    role_district_admin: "区教育局",
    role_school_admin: "学校管理员",
    role_grade_leader: "年级组长",
    role_head_teacher: "班主任",
    role_mentor: "导师",
    role_counsellor: "心理老师",
    role_parent: "家长",
    role_student: "学生",

    stage_primary: "小学",
    stage_middle: "初中",
    stage_high: "高中",
    stage_vocational: "中职",
    stage_nine_year: "九年一贯制",
    stage_twelve_year: "完全中学",

    qual_untrained: "未培训",
    qual_training: "培训中",
    qual_probation: "试用期",
    qual_appointed: "已聘任",
    qual_deferred: "暂缓聘任",

    gender_male: "男",
    gender_female: "女",

    nav_schools: "学校概览",
    nav_supervision: "督导",
    nav_setup: "学校设置",
    nav_classes: "班级",
    nav_staff: "教职工",
    nav_students: "学生",
    nav_grade: "年级",
    nav_my_class: "我的班级",
    nav_my_students: "我的学生",
    nav_tasks: "任务",
    nav_cases: "个案",
    nav_my_child: "我的孩子",
    nav_my_mentor: "我的导师",

    district_title: "全区学校概览",
    class_count: |n| format!("{n} 个班级"),
    schools_total: |schools, classes, students| {
        format!("共 {schools} 所学校，{classes} 个班级，{students} 名学生")
    },

    setup_title: "学校设置",
    setup_intro: "按顺序完成：学期 → 班级 → 教职工 → 学生（可批量导入名册）。",
    terms_title: "学期",
    terms_empty: "还没有学期。",
    term_name: "学期名称",
    term_start: "开始日期",
    term_end: "结束日期",
    term_year: "学年",
    new_term: "新增学期",
    new_class: "新增班级",
    classes_title: "班级",
    classes_empty: "还没有班级。",
    class_name: "班级名称",
    class_grade: "年级",
    grade_n: |g| format!("{g}年级"),
    no_head_teacher: "未指定班主任",
    student_count: |n| format!("{n} 名学生"),
    staff_title: "教职工",
    staff_empty: "没有找到教职工。",
    staff_search: "搜索姓名或工号",
    new_staff: "新增教职工",
    new_student: "新增学生",
    person_name: "姓名",
    staff_no: "工号",
    phone: "手机号",
    qualification_label: "导师资格",
    specialties: "特长（导师特征库）",
    specialties_hint: "如：心理、生涯、学科竞赛，用顿号或逗号分隔",
    party_member: "党员",
    choose: "请选择",
    students_title: "学生",
    students_search: "搜索姓名或学号",
    student_no: "学号",
    student_gender: "性别",
    student_class: "班级",
    all_classes: "全部班级",
    total_n: |n| format!("共 {n} 人"),

    import_title: "导入名册",
    import_intro: "上传学生或教职工名册（.xlsx 或 .csv），表头使用中文（如 姓名、学号、班级、性别；教职工用 工号）。系统会先检查每一行；只要有一行有问题，就不会写入任何数据。",
    import_rows: |kind, n| format!("{kind}：共 {n} 行。"),
    import_guardians: |n| format!("关联家长 {n} 人。"),
    import_kind_students: "学生名册",
    import_kind_staff: "教职工名册",
    import_file: "选择文件（.xlsx 或 .csv）",
    import_dry_run: "只检查，不导入",
    import_submit: "上传",
    import_uploading: "正在上传并检查…",
    import_pick_file: "请先选择要上传的文件。",
    import_rejected: |n| format!("有 {n} 处问题，未导入任何数据。请修改文件后重新上传："),
    import_col_row: "行",
    import_col_column: "列",
    import_col_reason: "原因",
    import_done: "导入完成。",
    import_checked: "检查通过，没有发现问题。取消勾选“只检查”后再上传即可正式导入。",
    import_summary: |created, updated, unchanged| {
        format!("新增 {created} 条，更新 {updated} 条，未变化 {unchanged} 条。")
    },

    grade_title: "年级概览",
    grade_intro: "本年级各班的学生与导师情况，以及本学期的任务进度（只显示汇总）。",
    my_class_title: "我的班级",
    my_class_none: "您目前没有担任班主任的班级。",
    class_students: "班级学生",

    mentor_title: "我的学生",
    mentor_count: |n| format!("共 {n} 名学生"),
    mentor_empty: "目前还没有分配给您的学生。结对完成后，学生会显示在这里。",
    tasks_title: "本学期任务",

    student_detail_title: "学生信息",
    growth_file: "成长档案",
    growth_soon: "成长档案（家庭情况、性格爱好、身心状况、每月表现、考试分析）将在后续版本中提供，查看会被记录。",
    contacts: "家校沟通记录",
    guardians: "家长联系方式",
    guardians_show: "查看家长联系方式",
    guardians_audited: "家长信息属于个人信息，每次查看都会被记录。",
    guardians_none: "还没有登记家长。",
    contacts_soon: "每次与家长沟通的时间、方式、话题和后续安排将记录在这里。",

    counsellor_title: "关注个案",
    counsellor_soon: "导师上报的心理危机预警、个例会诊和转介记录将在心理关爱功能上线后显示在这里。",

    parent_title: "我的孩子",
    parent_empty: "您的账号还没有关联学生，请联系班主任。",
    mentors: "导师",
    no_mentor: "尚未结对",

    student_home_title: "我的导师",
    my_mentor_soon: "还没有导师时，结对完成后会显示在这里；双向选择开放时，你可以在这里填报志愿。",

    nav_policy: "学校方案",
    nav_baseline: "区基线",
    policy_title: "学校方案",
    policy_current: "当前版本",
    version_n: |n| format!("第 {n} 版"),
    effective_from_d: |d| format!("{d} 起生效"),
    saved_on_d: |d| format!("保存于 {d}"),
    policy_none: "学校还没有保存自己的方案，目前执行区基线。",
    uses_baseline: "目前执行的是区基线。",
    in_effect_now: |v| format!("今天执行：{v}"),
    baseline_tightened: "区基线已收紧，正在执行的方案有以下不符合之处，请修改后保存新版本：",
    policy_history: "历史版本",
    policy_edit: "修改方案",
    start_from: "起始方案",
    start_current: "当前版本",
    policy_name: "方案名称",
    effective_date: "生效日期",
    effective_term: "生效学期",
    sec_scope_ratio: "师生比上限（每位导师最多带几名学生）",
    ratio_default: "默认",
    ratio_grade_hint: "各年级留空则按默认。",
    district_cap: |n| format!("区上限 1:{n}"),
    sec_tasks: "导师任务（三个一）",
    talks_per_term: "每学期谈心谈话（次）",
    home_visits: "家访（次）",
    growth_messages: "成长寄语（次）",
    cadence: "频次",
    per_term: "每学期",
    per_year: "每学年",
    parent_contact_month: "每月家校联系（次）",
    self_report_month: "每月学生汇报（次）",
    optional_min: "每学期自选动作至少（项）",
    meets_baseline: "符合区基线。",
    problems_n: |n| format!("有 {n} 处需要修改："),
    diff_title: "与当前版本相比的变化",
    diff_none: "与当前版本相同。",
    save_version: "保存为新版本",
    saved_version: |n| format!("已保存为第 {n} 版。"),
    server_refused: "服务器校验未通过，未保存：",
    server_live_checking: "正在由服务器校验…",
    server_live_ok: "服务器校验通过，可以保存。",
    server_live_problems: "服务器校验发现以下问题：",
    pick_date: "请选择生效日期。",
    calendar_title: "重要考试与日程",
    calendar_intro: "重要考试前后会自动打开谈心窗口。",
    calendar_empty: "本学期还没有安排。",
    event_name: "名称",
    event_date: "日期",
    event_kind: "类型",
    kind_key_exam: "重要考试",
    kind_life_event: "重大事件",
    kind_other: "其他",
    event_grades: "适用年级",
    event_grades_hint: "如 7、8；留空为全部年级",
    every_grade: "全部年级",
    add_event: "添加考试或日程",
    delete: "删除",
    baseline_title: "区基线",
    baseline_none: "区里还没有发布基线。",
    baseline_edit: "修改区基线",
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
    ratio_short: "师生比上限",
    edit_close: "收起",
    baseline_applies_title: "执行区基线",
};

/// English.
pub static EN: Tr = Tr {
    m: &MATCH_EN,
    app_name: "Daoshi",
    app_tagline: "Every teacher a mentor, every student mentored",
    loading: "Loading…",
    retry: "Retry",
    back: "Back",
    load_more: "Load more",
    search: "Search",
    save: "Save",
    saving: "Saving…",
    cancel: "Cancel",
    edit: "Edit",
    none: "—",
    lang_switch_label: "Switch language",
    lang_switch_to: "中文",
    logout: "Log out",
    current_role: "Acting as",
    main_nav: "Main navigation",
    coming_soon: "Coming soon",
    not_found_title: "Page not found",
    back_home: "Back to home",

    err_unauthenticated: "Your session has expired. Please sign in again.",
    err_forbidden: "You are not allowed to see or change this.",
    err_not_found: "This record was not found.",
    err_rate_limited: "Too many attempts. Please try again later.",
    err_internal: "Something went wrong on the server. Please try again later.",
    err_network: "Could not reach the server. Check your connection and try again.",
    err_invalid: "Please check your input: ",

    login_title: "Sign in",
    login_subtitle: "Use the account your school gave you",
    username: "Username",
    password: "Password",
    login_button: "Sign in",
    logging_in: "Signing in…",
    login_failed: "Wrong username or password. Please try again.",
    login_missing: "Please enter your username and password.",
    session_expired: "Your session has expired. Please sign in again.",
    logged_out: "You have signed out.",
    no_role: "Your account has no role yet. Please ask your school administrator.",

    role_district_admin: "District office",
    role_school_admin: "School admin",
    role_grade_leader: "Grade leader",
    role_head_teacher: "Head teacher",
    role_mentor: "Mentor",
    role_counsellor: "Counsellor",
    role_parent: "Parent",
    role_student: "Student",

    stage_primary: "Primary",
    stage_middle: "Middle",
    stage_high: "High",
    stage_vocational: "Vocational",
    stage_nine_year: "Nine-year",
    stage_twelve_year: "Complete (1–12)",

    qual_untrained: "Not trained",
    qual_training: "In training",
    qual_probation: "On probation",
    qual_appointed: "Appointed",
    qual_deferred: "Deferred",

    gender_male: "Male",
    gender_female: "Female",

    nav_schools: "Schools",
    nav_supervision: "Supervision",
    nav_setup: "Setup",
    nav_classes: "Classes",
    nav_staff: "Staff",
    nav_students: "Students",
    nav_grade: "Grade",
    nav_my_class: "My class",
    nav_my_students: "My students",
    nav_tasks: "Tasks",
    nav_cases: "Cases",
    nav_my_child: "My child",
    nav_my_mentor: "My mentor",

    district_title: "Schools in the district",
    class_count: |n| format!("{n} classes"),
    schools_total: |schools, classes, students| {
        format!("{schools} schools, {classes} classes, {students} students")
    },

    setup_title: "School setup",
    setup_intro: "In order: terms → classes → staff → students (or import a roster).",
    terms_title: "Terms",
    terms_empty: "No terms yet.",
    term_name: "Term",
    term_start: "Starts",
    term_end: "Ends",
    term_year: "Academic year",
    new_term: "Add a term",
    new_class: "Add a class",
    classes_title: "Classes",
    classes_empty: "No classes yet.",
    class_name: "Class",
    class_grade: "Grade",
    grade_n: |g| format!("Grade {g}"),
    no_head_teacher: "No head teacher",
    student_count: |n| format!("{n} students"),
    staff_title: "Staff",
    staff_empty: "No staff found.",
    staff_search: "Name or staff no.",
    new_staff: "Add a staff member",
    new_student: "Add a student",
    person_name: "Name",
    staff_no: "Staff no.",
    phone: "Mobile",
    qualification_label: "Mentor standing",
    specialties: "Strengths (mentor profile)",
    specialties_hint: "e.g. psychology, careers, competitions; separate with commas",
    party_member: "Party member",
    choose: "Choose…",
    students_title: "Students",
    students_search: "Name or student no.",
    student_no: "Student no.",
    student_gender: "Gender",
    student_class: "Class",
    all_classes: "All classes",
    total_n: |n| format!("{n} in total"),

    import_title: "Import roster",
    import_intro: "Upload a student or staff roster (.xlsx or .csv) with Chinese headers (姓名, 学号, 班级, 性别 …; 工号 for staff). Every row is checked first; if any row has a problem, nothing is written.",
    import_rows: |kind, n| format!("{kind}: {n} rows."),
    import_guardians: |n| format!("{n} guardians linked."),
    import_kind_students: "Students",
    import_kind_staff: "Staff",
    import_file: "File (.xlsx or .csv)",
    import_dry_run: "Check only, do not import",
    import_submit: "Upload",
    import_uploading: "Uploading and checking…",
    import_pick_file: "Please choose a file first.",
    import_rejected: |n| {
        format!("{n} problems found; nothing was imported. Fix the file and upload it again:")
    },
    import_col_row: "Row",
    import_col_column: "Column",
    import_col_reason: "Reason",
    import_done: "Import complete.",
    import_checked: "Check passed, no problems found. Untick “Check only” and upload again to import.",
    import_summary: |created, updated, unchanged| {
        format!("{created} added, {updated} updated, {unchanged} unchanged.")
    },

    grade_title: "Grade overview",
    grade_intro: "Students and mentors of your grade, and this term's task progress (counts only).",
    my_class_title: "My class",
    my_class_none: "You are not head teacher of a class at the moment.",
    class_students: "Students in the class",

    mentor_title: "My students",
    mentor_count: |n| format!("{n} students"),
    mentor_empty: "No students are assigned to you yet. They will appear here once matching is done.",
    tasks_title: "This term's tasks",

    student_detail_title: "Student",
    growth_file: "Growth file",
    growth_soon: "The growth file (family, personality, health, monthly progress, exam analysis) comes in a later version; every read will be logged.",
    contacts: "Contact log",
    guardians: "Parents",
    guardians_show: "Show parents' contacts",
    guardians_audited: "Parents' details are personal information; every view is recorded.",
    guardians_none: "No parent registered yet.",
    contacts_soon: "Each contact with the parents (when, how, topic, follow-up) will be recorded here.",

    counsellor_title: "Cases",
    counsellor_soon: "Crisis alerts raised by mentors, case conferences and referrals will appear here once the care module goes live.",

    parent_title: "My child",
    parent_empty: "No student is linked to your account yet. Please contact the head teacher.",
    mentors: "Mentor",
    no_mentor: "Not matched yet",

    student_home_title: "My mentor",
    my_mentor_soon: "If you have no mentor yet, they will appear here once matching is done; when two-way selection opens you will list your choices here.",

    nav_policy: "Policy",
    nav_baseline: "Baseline",
    policy_title: "School policy",
    policy_current: "Current version",
    version_n: |n| format!("Version {n}"),
    effective_from_d: |d| format!("In effect from {d}"),
    saved_on_d: |d| format!("Saved {d}"),
    policy_none: "The school has not saved its own policy; the district baseline applies.",
    uses_baseline: "The district baseline applies at the moment.",
    in_effect_now: |v| format!("In effect today: {v}"),
    baseline_tightened: "The district has tightened its baseline; the policy in effect no longer meets it here. Please save a corrected version:",
    policy_history: "History",
    policy_edit: "Edit the policy",
    start_from: "Start from",
    start_current: "The current version",
    policy_name: "Name",
    effective_date: "Takes effect on",
    effective_term: "From term",
    sec_scope_ratio: "Ratio cap (most students per mentor)",
    ratio_default: "Default",
    ratio_grade_hint: "Leave a grade empty to use the default.",
    district_cap: |n| format!("District cap 1:{n}"),
    sec_tasks: "Mentor tasks",
    talks_per_term: "Heart-to-heart talks per term",
    home_visits: "Home visits",
    growth_messages: "Growth messages",
    cadence: "How often",
    per_term: "Per term",
    per_year: "Per year",
    parent_contact_month: "Parent contacts a month",
    self_report_month: "Student reports a month",
    optional_min: "Optional actions per term, at least",
    meets_baseline: "Meets the district baseline.",
    problems_n: |n| format!("{n} problems to fix:"),
    diff_title: "What changes from the current version",
    diff_none: "Same as the current version.",
    save_version: "Save as a new version",
    saved_version: |n| format!("Saved as version {n}."),
    server_refused: "The server refused it; nothing was saved:",
    server_live_checking: "Checking on the server…",
    server_live_ok: "The server accepts it; ready to save.",
    server_live_problems: "The server found these problems:",
    pick_date: "Please choose the day it takes effect.",
    calendar_title: "Key exams and events",
    calendar_intro: "Key exams open the before/after talk windows.",
    calendar_empty: "Nothing scheduled this term.",
    event_name: "Name",
    event_date: "Date",
    event_kind: "Kind",
    kind_key_exam: "Key exam",
    kind_life_event: "Life event",
    kind_other: "Other",
    event_grades: "Grades",
    event_grades_hint: "e.g. 7, 8; empty: every grade",
    every_grade: "Every grade",
    add_event: "Add an exam or event",
    delete: "Delete",
    baseline_title: "District baseline",
    baseline_none: "The district has not published a baseline.",
    baseline_edit: "Edit the baseline",
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
    ratio_short: "Ratio cap",
    edit_close: "Close",
    baseline_applies_title: "District baseline applies",
};

/// The strings of mentor matching (导师匹配): the school admin's rounds,
/// preview, adjustments and publication; the student's choices and result.
pub struct MatchTr {
    pub nav: &'static str,
    pub title: &'static str,
    pub intro: &'static str,
    pub term: &'static str,
    pub rounds_title: &'static str,
    pub rounds_empty: &'static str,
    pub grade_n: Fmt1,
    pub method_two_way: &'static str,
    pub method_blind_box: &'static str,
    pub method_self_selection: &'static str,
    pub status_open: &'static str,
    pub status_previewed: &'static str,
    pub status_published: &'static str,
    pub participants: Fmt1,
    pub cap_n: Fmt1,
    pub open_title: &'static str,
    pub grade: &'static str,
    pub method: &'static str,
    pub cap: &'static str,
    pub cap_hint: &'static str,
    pub open_button: &'static str,
    pub view_round: &'static str,
    pub view_round_label: Fmt1,
    pub run_preview: &'static str,
    pub rerun_preview: &'static str,
    pub running: &'static str,
    pub no_preview: &'static str,
    pub stats_title: &'static str,
    pub stat_students: &'static str,
    pub stat_first: &'static str,
    pub stat_top3: &'static str,
    pub stat_fill: &'static str,
    pub stat_unplaced: &'static str,
    pub stat_load: &'static str,
    pub count_share: Fmt2,
    pub load_min_med_max: Fmt3,
    pub shortage: Fmt2,
    pub load_chart_title: &'static str,
    pub load_of: Fmt2,
    pub hist_title: &'static str,
    pub hist_note: &'static str,
    pub choice_n: Fmt1,
    pub results_title: &'static str,
    pub filter_label: &'static str,
    pub filter_all: &'static str,
    pub filter_unplaced: &'static str,
    pub filter_fill: &'static str,
    pub list_empty: &'static str,
    pub stage_preference: &'static str,
    pub stage_club: &'static str,
    pub stage_lottery: &'static str,
    pub stage_fill: &'static str,
    pub stage_manual: &'static str,
    pub stage_continuity: &'static str,
    pub unplaced_badge: &'static str,
    pub mentor: &'static str,
    pub reassign: &'static str,
    pub reassign_label: Fmt1,
    pub place: &'static str,
    pub reassign_title: Fmt1,
    pub new_mentor: &'static str,
    pub choose_mentor: &'static str,
    pub mentor_option: Fmt3,
    pub mentor_full: &'static str,
    pub reason: &'static str,
    pub reason_placeholder: &'static str,
    pub reason_required: &'static str,
    pub mentor_required: &'static str,
    pub save_adjust: &'static str,
    pub cancel: &'static str,
    pub adjusted: Fmt2,
    pub publish: &'static str,
    pub publish_confirm: &'static str,
    pub publish_yes: &'static str,
    pub published: &'static str,
    pub published_on: Fmt1,
    pub not_chosen_title: &'static str,
    pub training_title: &'static str,
    pub seed_line: Fmt1,
    pub my_mentor: &'static str,
    pub since: Fmt1,
    pub why: &'static str,
    pub no_match: &'static str,
    pub choose_title: &'static str,
    pub choose_intro: &'static str,
    pub my_choices: &'static str,
    pub no_choices: &'static str,
    pub move_up: Fmt1,
    pub move_down: Fmt1,
    pub remove: Fmt1,
    pub add: &'static str,
    pub add_label: Fmt1,
    pub added: &'static str,
    pub max_reached: &'static str,
    pub subjects: &'static str,
    pub specialties: &'static str,
    pub eligible_title: &'static str,
    pub submit: &'static str,
    pub submitting: &'static str,
    pub submitted: &'static str,
    pub rush_title: &'static str,
    pub rush_intro: &'static str,
    pub places_left: Fmt1,
    pub pick: &'static str,
    pub pick_label: Fmt1,
    pub full_pick_again: &'static str,
    pub rush_mine: Fmt1,
    pub rush_none_left: &'static str,
    pub blind_box_note: &'static str,
    pub why_first: &'static str,
    pub why_choice: Fmt1,
    pub why_fill: &'static str,
    pub why_manual: &'static str,
    pub why_lottery: &'static str,
    pub why_club: &'static str,
    pub why_continuity: &'static str,
}

impl MatchTr {
    /// A round method's name, from its GraphQL spelling.
    pub fn method_name(&self, code: &str) -> &'static str {
        match code {
            "BLIND_BOX" => self.method_blind_box,
            "SELF_SELECTION" => self.method_self_selection,
            _ => self.method_two_way,
        }
    }

    /// A round status's name, from its GraphQL spelling.
    pub fn status_name(&self, code: &str) -> &'static str {
        match code {
            "PREVIEWED" => self.status_previewed,
            "PUBLISHED" => self.status_published,
            _ => self.status_open,
        }
    }

    /// The explanation of a pair in this language, from its stage and the
    /// choice number (the server's own line is Chinese).
    pub fn explain(&self, stage: &str, choice_no: Option<i64>) -> String {
        match (stage, choice_no) {
            ("PREFERENCE", Some(1)) => self.why_first.to_string(),
            ("PREFERENCE", Some(n)) => (self.why_choice)(&n.to_string()),
            ("FILL", _) => self.why_fill.to_string(),
            ("LOTTERY", _) => self.why_lottery.to_string(),
            ("CLUB", _) => self.why_club.to_string(),
            ("CONTINUITY", _) => self.why_continuity.to_string(),
            _ => self.why_manual.to_string(),
        }
    }

    /// A pair's stage name, from its GraphQL spelling.
    pub fn stage_name(&self, code: &str) -> &'static str {
        match code {
            "CLUB" => self.stage_club,
            "LOTTERY" => self.stage_lottery,
            "FILL" => self.stage_fill,
            "MANUAL" => self.stage_manual,
            "CONTINUITY" => self.stage_continuity,
            _ => self.stage_preference,
        }
    }
}

/// 导师匹配, 简体中文.
pub static MATCH_ZH: MatchTr = MatchTr {
    nav: "导师匹配",
    title: "导师匹配",
    intro: "按学期和年级开启一轮：学生填报志愿 → 运行预览 → 人工调整（须写明理由）→ 发布。",
    term: "学期",
    rounds_title: "本学期的匹配",
    rounds_empty: "本学期还没有匹配轮次。",
    grade_n: |g| format!("{g}年级"),
    method_two_way: "双向选择",
    method_blind_box: "导师盲盒",
    method_self_selection: "自主选择",
    status_open: "填报中",
    status_previewed: "已预览",
    status_published: "已发布",
    participants: |n| format!("已填报 {n} 人"),
    cap_n: |n| format!("每位导师最多 {n} 名"),
    open_title: "开启新一轮",
    grade: "年级",
    method: "匹配方式",
    cap: "每位导师名额上限",
    cap_hint: "留空则按学校方案的师生比。",
    open_button: "开启",
    view_round: "查看",
    view_round_label: |r| format!("查看{r}"),
    run_preview: "运行预览",
    rerun_preview: "重新预览",
    running: "运行中…",
    no_preview: "还没有预览。学生填报志愿后，点“运行预览”。",
    stats_title: "统计",
    stat_students: "学生",
    stat_first: "第1志愿",
    stat_top3: "前3志愿",
    stat_fill: "统筹安排",
    stat_unplaced: "未安排",
    stat_load: "导师所带学生数",
    count_share: |n, p| format!("{n} 人（{p}）"),
    load_min_med_max: |a, b, c| format!("最少 {a} · 中位 {b} · 最多 {c}"),
    shortage: |g, n| format!("{g}年级还缺 {n} 个导师名额"),
    load_chart_title: "每位导师的学生数",
    load_of: |l, c| format!("{l}/{c}"),
    hist_title: "志愿位次分布",
    hist_note: "按学生被安排到自己的第几志愿统计（不涉及成绩）。",
    choice_n: |n| format!("第{n}志愿"),
    results_title: "匹配结果",
    filter_label: "筛选",
    filter_all: "全部",
    filter_unplaced: "未安排",
    filter_fill: "统筹安排",
    list_empty: "没有符合条件的学生。",
    stage_preference: "志愿",
    stage_club: "社团",
    stage_lottery: "盲盒",
    stage_fill: "统筹安排",
    stage_manual: "人工调整",
    stage_continuity: "延续结对",
    unplaced_badge: "未安排",
    mentor: "导师",
    reassign: "调整",
    reassign_label: |n| format!("调整{n}的导师"),
    place: "安排导师",
    reassign_title: |n| format!("为{n}调整导师"),
    new_mentor: "新导师",
    choose_mentor: "请选择导师",
    mentor_option: |name, l, c| format!("{name}（{l}/{c}）"),
    mentor_full: "（已满）",
    reason: "调整理由（必填）",
    reason_placeholder: "例如：家校距离近，便于家访",
    reason_required: "请填写调整理由。",
    mentor_required: "请选择一位还有名额的导师。",
    save_adjust: "保存调整",
    cancel: "取消",
    adjusted: |s, m| format!("已将{s}调整给{m}老师。"),
    publish: "发布结果",
    publish_confirm: "发布后，本轮结对将替换学生当前的导师（原结对关闭，历史保留）。确认发布吗？",
    publish_yes: "确认发布",
    published: "已发布，学生和家长可以看到新的导师。",
    published_on: |d| format!("已于 {d} 发布"),
    not_chosen_title: "没有学生选择的导师",
    training_title: "暂时不适合做导师（先参加培训）",
    seed_line: |s| format!("随机种子 {s}（可复现）"),
    my_mentor: "我的导师",
    since: |d| format!("自 {d} 起"),
    why: "匹配说明",
    no_match: "还没有导师。结对发布后会显示在这里。",
    choose_title: "填报志愿",
    choose_intro: "按意愿先后选择最多 5 位导师，排在第一位的是第1志愿。",
    my_choices: "我的志愿",
    no_choices: "还没有选择。在下面的导师中点“加入志愿”。",
    move_up: |n| format!("上移{n}"),
    move_down: |n| format!("下移{n}"),
    remove: |n| format!("移除{n}"),
    add: "加入志愿",
    add_label: |n| format!("把{n}加入志愿"),
    added: "已加入",
    max_reached: "最多选择 5 位导师。",
    subjects: "任教",
    specialties: "特长",
    eligible_title: "可选导师",
    submit: "提交志愿",
    submitting: "提交中…",
    submitted: "志愿已提交。学校发布结果后，你的导师会显示在这里。",
    rush_title: "选择导师",
    rush_intro: "先到先得：从还有名额的导师中选一位。",
    places_left: |n| format!("剩余 {n} 个名额"),
    pick: "选这位",
    pick_label: |n| format!("选择{n}"),
    full_pick_again: "名额已满，请重新选择。",
    rush_mine: |n| format!("你已选择{n}老师。"),
    rush_none_left: "所有导师名额已满，学校会统筹安排。",
    blind_box_note: "本轮为导师盲盒：学校会在名额内随机分配导师，无需填报。",
    why_first: "第1志愿，如愿匹配",
    why_choice: |n| format!("第{n}志愿；之前的志愿导师名额已满"),
    why_fill: "学校统筹安排，保证每位学生都有导师",
    why_manual: "学校调整",
    why_lottery: "导师盲盒随机分配",
    why_club: "按社团分配",
    why_continuity: "双方同意，延续上学期结对",
};

/// Mentor matching, English.
pub static MATCH_EN: MatchTr = MatchTr {
    nav: "Matching",
    title: "Mentor matching",
    intro: "Open a round per term and grade: students list their choices → run a preview → adjust by hand (with a reason) → publish.",
    term: "Term",
    rounds_title: "This term's rounds",
    rounds_empty: "No matching round this term yet.",
    grade_n: |g| format!("Grade {g}"),
    method_two_way: "Two-way choice",
    method_blind_box: "Blind box",
    method_self_selection: "Self-selection",
    status_open: "Collecting choices",
    status_previewed: "Previewed",
    status_published: "Published",
    participants: |n| format!("{n} students took part"),
    cap_n: |n| format!("At most {n} per mentor"),
    open_title: "Open a round",
    grade: "Grade",
    method: "Method",
    cap: "Places per mentor",
    cap_hint: "Leave empty to use the school policy's ratio.",
    open_button: "Open",
    view_round: "View",
    view_round_label: |r| format!("View {r}"),
    run_preview: "Run preview",
    rerun_preview: "Run again",
    running: "Running…",
    no_preview: "No preview yet. Once students have chosen, tap “Run preview”.",
    stats_title: "Statistics",
    stat_students: "Students",
    stat_first: "1st choice",
    stat_top3: "Top 3 choices",
    stat_fill: "Placed by the school",
    stat_unplaced: "Unplaced",
    stat_load: "Students per mentor",
    count_share: |n, p| format!("{n} ({p})"),
    load_min_med_max: |a, b, c| format!("min {a} · median {b} · max {c}"),
    shortage: |g, n| format!("Grade {g} needs {n} more mentor places"),
    load_chart_title: "Students per mentor",
    load_of: |l, c| format!("{l}/{c}"),
    hist_title: "Choice received",
    hist_note: "Which of their own choices students got (never grades).",
    choice_n: |n| format!("Choice {n}"),
    results_title: "Assignments",
    filter_label: "Filter",
    filter_all: "All",
    filter_unplaced: "Unplaced",
    filter_fill: "Placed by school",
    list_empty: "No student matches.",
    stage_preference: "Choice",
    stage_club: "Club",
    stage_lottery: "Blind box",
    stage_fill: "Placed by school",
    stage_manual: "Adjusted",
    stage_continuity: "Kept",
    unplaced_badge: "Unplaced",
    mentor: "Mentor",
    reassign: "Change",
    reassign_label: |n| format!("Change the mentor of {n}"),
    place: "Assign",
    reassign_title: |n| format!("New mentor for {n}"),
    new_mentor: "New mentor",
    choose_mentor: "Choose a mentor",
    mentor_option: |name, l, c| format!("{name} ({l}/{c})"),
    mentor_full: " (full)",
    reason: "Reason (required)",
    reason_placeholder: "e.g. lives nearby, easier home visits",
    reason_required: "Please give a reason.",
    mentor_required: "Please choose a mentor with a place left.",
    save_adjust: "Save",
    cancel: "Cancel",
    adjusted: |s, m| format!("{s} now has {m} as mentor."),
    publish: "Publish",
    publish_confirm: "Publishing replaces the students' current mentors with this round's pairs (old pairs closed, history kept). Publish now?",
    publish_yes: "Yes, publish",
    published: "Published: students and parents now see their mentor.",
    published_on: |d| format!("Published on {d}"),
    not_chosen_title: "Mentors no student chose",
    training_title: "Not yet fit to mentor (training first)",
    seed_line: |s| format!("Seed {s} (reproducible)"),
    my_mentor: "My mentor",
    since: |d| format!("since {d}"),
    why: "Why this mentor",
    no_match: "No mentor yet. They will appear here once the pairs are published.",
    choose_title: "Choose mentors",
    choose_intro: "Pick up to 5 mentors in order of preference; the first is your 1st choice.",
    my_choices: "My choices",
    no_choices: "Nothing chosen yet. Tap “Add” on a mentor below.",
    move_up: |n| format!("Move {n} up"),
    move_down: |n| format!("Move {n} down"),
    remove: |n| format!("Remove {n}"),
    add: "Add",
    add_label: |n| format!("Add {n} to my choices"),
    added: "Added",
    max_reached: "At most 5 mentors.",
    subjects: "Teaches",
    specialties: "Strengths",
    eligible_title: "Mentors you may choose",
    submit: "Submit choices",
    submitting: "Submitting…",
    submitted: "Choices submitted. Your mentor will appear here once the school publishes.",
    rush_title: "Pick a mentor",
    rush_intro: "First come, first served: pick a mentor with places left.",
    places_left: |n| format!("{n} places left"),
    pick: "Pick",
    pick_label: |n| format!("Pick {n}"),
    full_pick_again: "That mentor is full. Please pick again.",
    rush_mine: |n| format!("You picked {n}."),
    rush_none_left: "Every mentor is full; the school will place you.",
    blind_box_note: "This round is a blind box: the school draws mentors at random within the places; nothing to choose.",
    why_first: "Your 1st choice.",
    why_choice: |n| format!("Your choice {n}: your earlier choices were full."),
    why_fill: "Placed by the school so that every student has a mentor.",
    why_manual: "Changed by the school.",
    why_lottery: "Drawn at random (blind box).",
    why_club: "Through your club.",
    why_continuity: "Kept from last term, as both of you asked.",
};

/// The strings of mentoring work (quick log, outbox, growth messages, talk
/// requests, self-reports), in one language.
#[derive(Debug)]
pub struct MentoringTr {
    pub quick_log: &'static str,
    pub quick_log_hint: &'static str,
    pub pick_student: &'static str,
    pub no_student_picked: &'static str,
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

impl I18n {
    /// The mentoring strings of the current language (tracked).
    pub fn mt(&self) -> &'static MentoringTr {
        match self.lang.get() {
            Lang::Zh => &MENTORING_ZH,
            Lang::En => &MENTORING_EN,
        }
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use shared::org::{Qualification, Role, SchoolStage};

    #[test]
    fn both_languages_name_every_role_stage_and_standing() {
        for t in [&ZH, &EN] {
            for r in Role::ALL {
                assert!(!t.role(r).is_empty());
            }
            for s in SchoolStage::ALL {
                assert!(!t.stage(s).is_empty());
            }
            for q in [
                Qualification::Untrained,
                Qualification::Training,
                Qualification::Probation,
                Qualification::Appointed,
                Qualification::Deferred,
            ] {
                assert!(!t.qualification(q).is_empty());
            }
        }
        assert_ne!(ZH.role(Role::Mentor), EN.role(Role::Mentor));
    }

    #[test]
    fn messages_put_their_values_in() {
        assert_eq!((ZH.mentor_count)("12"), "共 12 名学生");
        assert_eq!((EN.mentor_count)("12"), "12 students");
        assert!((ZH.import_summary)("1", "2", "3").contains('3'));
        assert!((EN.import_rejected)("4").starts_with('4'));
    }

    #[test]
    fn task_kinds_statuses_and_events_are_named_in_both_languages() {
        const KINDS: [&str; 7] = [
            "HOME_VISIT",
            "TALKS",
            "EXAM_TALK",
            "GROWTH_MESSAGE",
            "PARENT_CONTACT",
            "SELF_REPORT",
            "OPTIONAL_ACTIONS",
        ];
        for t in [&ZH, &EN] {
            let mut names: Vec<&str> = KINDS.iter().map(|k| t.req_kind(k)).collect();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), KINDS.len(), "two kinds share a name");
            for s in ["DONE", "DUE", "OVERDUE", "NOT_APPLICABLE"] {
                assert!(!t.status(s).is_empty());
            }
            for e in ["KEY_EXAM", "LIFE_EVENT", "OTHER"] {
                assert!(!t.event_kind(e).is_empty());
            }
        }
        assert_eq!((ZH.version_n)("2"), "第 2 版");
        assert_eq!((EN.saved_version)("3"), "Saved as version 3.");
        assert!((ZH.tasks_as_of)("2026学年第一学期", "11月29日").contains("截至"));
    }

    #[test]
    fn the_language_switch_names_the_other_language() {
        assert_eq!(Lang::Zh.other(), Lang::En);
        assert_eq!(Lang::Zh.tr().lang_switch_to, "English");
        assert_eq!(Lang::En.tr().lang_switch_to, "中文");
        assert_eq!(Lang::from_tag(Lang::En.tag()), Some(Lang::En));
    }
}

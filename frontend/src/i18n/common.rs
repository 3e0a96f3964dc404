//! The app's own strings (name, buttons, errors, sign-in, roles, stages,
//! navigation) and the root table [`Tr`], which holds every capability's
//! table as a field: a view reads `i18n.t().app_name` or
//! `i18n.t().policy.policy_title`, never anything else.

use shared::org::{Qualification, Role, SchoolStage};

use super::auth::{AUTH_EN, AUTH_ZH, AuthTr};
use super::care::{CARE_EN, CARE_ZH, CareTr};
use super::care_conf::{CARE_CONF_EN, CARE_CONF_ZH, CareConfTr};
use super::file::{FILE_EN, FILE_ZH, FileTr};
use super::insights::{INSIGHTS_EN, INSIGHTS_ZH, InsightsTr};
use super::lifecycle::{LIFECYCLE_EN, LIFECYCLE_ZH, LifecycleTr};
use super::matching::{MATCH_EN, MATCH_ZH, MatchTr};
use super::mentoring::{MENTORING_EN, MENTORING_ZH, MentoringTr};
use super::notify::{NOTIFY_EN, NOTIFY_ZH, NotifyTr};
use super::org::{ORG_EN, ORG_ZH, OrgTr};
use super::paper::{PAPER_EN, PAPER_ZH, PaperTr};
use super::policy::{POLICY_EN, POLICY_ZH, PolicyTr};
use super::tasks::{TASKS_EN, TASKS_ZH, TasksTr};
use super::training::{TRAINING_EN, TRAINING_ZH, TrainingTr};

/// The strings of one language: the app's own, then one table per
/// capability.
pub struct Tr {
    /// Schools, people and the audience homes.
    pub org: &'static OrgTr,
    /// Policies and the calendar.
    pub policy: &'static PolicyTr,
    /// Tasks (due, overdue, counts).
    pub tasks: &'static TasksTr,
    /// The mentor lifecycle (assessment) and surveys.
    pub lifecycle: &'static LifecycleTr,
    /// Mentor training and reviewers' views.
    pub training: &'static TrainingTr,
    /// Files (exports, letters), progress and awards.
    pub paper: &'static PaperTr,
    /// Mentor matching (导师匹配).
    pub matching: &'static MatchTr,
    /// Mentoring work (quick log, outbox, growth messages, talk requests).
    pub mentoring: &'static MentoringTr,
    /// The growth file and home–school contacts.
    pub file: &'static FileTr,
    /// Account and security (password change, account lifecycle).
    pub auth: &'static AuthTr,
    /// Care and crisis (concerns, cases, alerts).
    pub care: &'static CareTr,
    /// Case conferences, care actions, the response-time report.
    pub care_conf: &'static CareConfTr,
    /// The inbox (消息).
    pub notify: &'static NotifyTr,
    /// Dashboards and plan filings.
    pub insights: &'static InsightsTr,
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
    pub nav_policy: &'static str,
    pub nav_baseline: &'static str,
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
    org: &ORG_ZH,
    policy: &POLICY_ZH,
    tasks: &TASKS_ZH,
    lifecycle: &LIFECYCLE_ZH,
    training: &TRAINING_ZH,
    paper: &PAPER_ZH,
    notify: &NOTIFY_ZH,
    insights: &INSIGHTS_ZH,
    matching: &MATCH_ZH,
    mentoring: &MENTORING_ZH,
    file: &FILE_ZH,
    auth: &AUTH_ZH,
    care: &CARE_ZH,
    care_conf: &CARE_CONF_ZH,
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

    nav_policy: "学校方案",
    nav_baseline: "区基线",
};

/// English.
pub static EN: Tr = Tr {
    org: &ORG_EN,
    policy: &POLICY_EN,
    tasks: &TASKS_EN,
    lifecycle: &LIFECYCLE_EN,
    training: &TRAINING_EN,
    paper: &PAPER_EN,
    notify: &NOTIFY_EN,
    insights: &INSIGHTS_EN,
    matching: &MATCH_EN,
    mentoring: &MENTORING_EN,
    file: &FILE_EN,
    auth: &AUTH_EN,
    care: &CARE_EN,
    care_conf: &CARE_CONF_EN,
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

    nav_policy: "Policy",
    nav_baseline: "Baseline",
};
